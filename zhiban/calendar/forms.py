"""Forms of the calendar pages; they parse input, the services validate and write."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from zhiban.calendar.importing import MAX_BYTES
from zhiban.calendar.models import Kind


class DayCorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    holiday_name = forms.CharField(
        label=_("Holiday"),
        max_length=60,
        required=False,
        help_text=_("The holiday as offices write it (国庆节); for a make-up workday, the holiday it belongs to."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ArrangementImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("Official arrangement (CSV)"),
        help_text=_(
            "UTF-8 CSV with the header date,kind,name; one row per holiday, in-lieu rest day and make-up workday."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)s KB.") % {"size": MAX_BYTES // 1024})
        return upload


class SeasonSettingForm(forms.Form):
    summer_starts = forms.CharField(label=_("Summer starts (MM-DD)"), max_length=5)
    winter_starts = forms.CharField(label=_("Winter starts (MM-DD)"), max_length=5)
