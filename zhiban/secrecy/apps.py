"""Confidentiality (保密): the register of classified carriers, their circulation and custody (SEC-00..02)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecrecyConfig(AppConfig):
    name = "zhiban.secrecy"
    label = "secrecy"
    verbose_name = _("Confidentiality")
    default_auto_field = "django.db.models.BigAutoField"
