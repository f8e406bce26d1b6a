"""The notifications app: outbox, inbox, channels (通知)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhiban.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from zhiban.core.audit_alerts import register_alarm
        from zhiban.notify import robots, sms  # noqa: F401  (each registers its channels on import)
        from zhiban.notify.audit_alerts import tell_audit_administrators

        register_alarm(tell_audit_administrators)
