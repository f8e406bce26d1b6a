"""Forms of the policy pages: adopt a pack, set one parameter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiban.policy import parameters
from zhiban.policy.packs import Parameter, builtin_packs


class AdoptForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    pack = forms.ChoiceField(label=_("Policy pack"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.fields["pack"].choices = [(pack_id, pack_id) for pack_id in sorted(builtin_packs())]  # type: ignore[attr-defined]


class ParameterForm(forms.Form):
    """One parameter's new value; the widget follows its type, the service checks it."""

    note = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args: Any, parameter: Parameter, current: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parameter = parameter
        label = f"{parameter.name} ({parameter.type})"
        field: forms.Field
        if parameter.type == "enum":
            field = forms.ChoiceField(label=label, choices=[(c, c) for c in parameter.choices])
            initial: Any = current
        elif parameter.type == "bool":
            field = forms.ChoiceField(label=label, choices=[("true", "true"), ("false", "false")])
            initial = "true" if current else "false"
        elif parameter.type == "list[str]" and parameter.choices:
            field = forms.MultipleChoiceField(
                label=label,
                choices=[(c, c) for c in parameter.choices],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            initial = list(current)
        else:
            field = forms.CharField(label=label, required=parameter.type != "list[str]")
            initial = ", ".join(current) if parameter.type == "list[str]" else str(current)
        field.initial = initial
        self.fields = {"value": field, **self.fields}

    def clean_value(self) -> Any:
        """The raw value (int, bool, list …); type, choices and range are the service's to check."""
        value = self.cleaned_data["value"]
        if isinstance(value, list):
            return value
        try:
            return parameters.parse_text(self.parameter.type, value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
