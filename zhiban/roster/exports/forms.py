"""Forms of the export pages: xlsx upload, calendar feed tokens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PERSONAL = "me"


class XlsxImportForm(forms.Form):
    file = forms.FileField(label=_("Roster workbook (.xlsx)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class FeedTokenForm(forms.Form):
    target = forms.ChoiceField(label=_("Calendar of"))
    label = forms.CharField(label=_("Used in"), max_length=60)

    def __init__(self, *args: object, units: list, personal: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(PERSONAL, _("my own duties"))] if personal else []
        choices += [(u.public_id, u.name) for u in units]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]
