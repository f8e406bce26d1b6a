"""Forms of the roster pages: open a period, edit a cell, publish, kiosk tokens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiban.org.models import Person


class PeriodOpenForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, units: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [(u.public_id, u.name) for u in units]  # type: ignore[attr-defined]


class CellForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=Person.objects.none(), required=False, to_field_name="public_id"
    )
    pinned = forms.BooleanField(label=_("Pinned"), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), required=False, max_length=500)

    def __init__(self, *args: object, people: object, published: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        if published:
            self.fields["reason"].required = True
            del self.fields["pinned"]
        else:
            del self.fields["reason"]


class PublishForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class KioskTokenForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    label = forms.CharField(label=_("Screen"), max_length=60)

    def __init__(self, *args: object, units: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [(u.public_id, u.name) for u in units]  # type: ignore[attr-defined]
