from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyCalendarConfig(AppConfig):
    name = "zhiban.calendar"
    label = "calendar"
    verbose_name = _("Calendar")
