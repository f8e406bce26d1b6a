"""On duty (值班): the shift itself — check-in, the duty log, incidents and their reporting clock, the checklist,
handover, the shift report, spot checks, the duty-room key and the day's report (OPS-01..12, LEAVE-11)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "zhiban.duty"
    label = "duty"
    verbose_name = _("On duty")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhiban.duty.services import spot_check_sms_reply
        from zhiban.notify.sms import register_sms_reply_handler

        register_sms_reply_handler(spot_check_sms_reply)
