"""Leave (请假/消假), substitutions (顶替) and compensatory rest requests (补休) under the pack's rules."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    name = "zhiban.leave"
    label = "leave"
    verbose_name = _("Leave and substitutions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhiban.leave import subjects

        subjects.register()
