"""Forms of the organisation pages; choices are limited to what the user manages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiban.accounts.models import User
from zhiban.org.models import Grade, JobType, PersonKind, Role, Unit
from zhiban.org.scopes import restrict_units
from zhiban.policy.packs import builtin_packs


def _pack_choices() -> list[tuple[str, str]]:
    return [(pack.id, f"{pack.id} · {pack.name.zh}") for pack in builtin_packs().values()]


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    duty_phone = forms.CharField(label=_("Duty-room phone"), max_length=40, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=40, required=False)
    policy_pack = forms.ChoiceField(label=_("Policy pack"), choices=_pack_choices, required=False)

    def __init__(self, *args: Any, top_level: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if top_level:
            self.fields["policy_pack"].required = True
            self.fields["kind"].choices = [(Unit.Kind.ORGANISATION, Unit.Kind.ORGANISATION.label)]  # type: ignore[attr-defined]
        else:
            del self.fields["policy_pack"]


class PersonForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=60)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), to_field_name="public_id")
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonKind.choices, initial=PersonKind.STAFF)
    job_type = forms.ModelChoiceField(
        label=_("Job type"), queryset=JobType.objects.all(), required=False, to_field_name="code"
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"), choices=[("", "—"), *Grade.choices], coerce=int, empty_value=None, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=60, required=False)
    office_phone = forms.CharField(label=_("Office phone"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = restrict_units(Unit.objects.all(), user, "manage")  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Within"), queryset=Unit.objects.none(), to_field_name="public_id")

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = restrict_units(Unit.objects.all(), user, "manage")  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (xlsx or CSV UTF-8)"))
