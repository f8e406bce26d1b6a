from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zhiban.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from zhiban.accounts import access
        from zhiban.core import access as core_access

        core_access.answer(reads_audit_trail=access.reads_audit_trail, awaits_second_factor=access.awaits_second_factor)
