"""The monthly compliance report (合规月报): what the rules refused and what was done despite warnings,
deadlines met and missed, swaps, leave and absences — per unit, for a month."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "zhiban.compliance"
    label = "compliance"
    verbose_name = _("Compliance")
    default_auto_field = "django.db.models.BigAutoField"
