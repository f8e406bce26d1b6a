"""The discipline register (纪律登记): absences (旷工) today; lateness and leaving the post once duty operations
record them (LEAVE-11, OPS-02)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "zhiban.discipline"
    label = "discipline"
    verbose_name = _("Discipline register")
    default_auto_field = "django.db.models.BigAutoField"
