"""On duty (值班): the shift itself — check-in, the duty log, incidents and their reporting clock, the checklist,
handover, the shift report, spot checks, the duty-room key and the day's report (OPS-01..12, LEAVE-11)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "zhiban.duty"
    label = "duty"
    verbose_name = _("On duty")
    default_auto_field = "django.db.models.BigAutoField"
