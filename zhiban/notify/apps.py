"""The notifications app: outbox, inbox, channels (通知)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhiban.notify"
    label = "notify"
    verbose_name = _("Notifications")
