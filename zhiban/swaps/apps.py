"""Shift swaps (换班/还班) with their return debts; the absences they lead to go to the discipline register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SwapsConfig(AppConfig):
    name = "zhiban.swaps"
    label = "swaps"
    verbose_name = _("Swaps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhiban.approvals.subjects import register_subject
        from zhiban.swaps import subjects

        register_subject(subjects.SUBJECT, title=subjects.title, url=subjects.url)
