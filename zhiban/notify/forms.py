"""The form of a unit's group robot or SMS gateway: the address and the secret are write-only (never shown back)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiban.accounts.models import User
from zhiban.notify.models import UnitChannel
from zhiban.notify.selectors import managed_units
from zhiban.org.models import Unit


class UnitChannelForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), to_field_name="public_id")
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitChannel.Kind.choices)
    label = forms.CharField(label=_("Name"), max_length=60)
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("The robot's webhook URL, or the URL the SMS gateway takes messages at."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk: the signing secret (SEC…); Feishu: the signature key; SMS gateway: its token. "
            "A WeCom robot has none."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the secret"), required=False)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, channel: UnitChannel | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel is None:
            self.fields["unit"].queryset = managed_units(user=user)  # type: ignore[attr-defined]
            del self.fields["clear_secret"]
            return
        del self.fields["unit"], self.fields["kind"]
        self.fields["url"].required = False
        self.fields["url"].help_text = _("Leave blank to keep the address on file.")
        self.fields["secret"].help_text = _("Leave blank to keep the secret on file.")
