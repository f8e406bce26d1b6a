"""The calendar app: the state calendar of holidays and make-up workdays, and season dates (REQUIREMENTS §2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyCalendarConfig(AppConfig):
    name = "zhiban.calendar"
    label = "calendar"
    verbose_name = _("Calendar")
