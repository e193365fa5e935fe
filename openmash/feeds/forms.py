"""The partnership admin's forms: upload an extract, declare a feed mapping."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from openmash.core.text import CleanTextFormMixin
from openmash.feeds.mapping import MappingInvalid, builtin_codes, feed_spec_from_dict, mapping_text_parse
from openmash.feeds.readers import EXTENSIONS

#: The encodings offered on the page (any Python codec name works with `openmash import --encoding`): the ones
#: agencies' systems write CSV in. Blank: detected (readers.detect_encoding).
ENCODING_CHOICES = [
    ("", "Detect it"),
    ("utf-8", "UTF-8"),
    ("cp1252", 'Windows-1252 (Excel\'s "CSV" on Windows)'),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("utf-16", "UTF-16"),
]


def _feed_choices():
    from openmash.feeds.models import FeedMapping

    codes = builtin_codes() + list(FeedMapping.objects.filter(active=True).values_list("code", flat=True))
    return [("", "Choose a feed")] + [(c, c) for c in codes]


def _agency_choices():
    from openmash.accounts.models import Agency

    return [("", "Choose an agency")] + list(
        Agency.objects.filter(active=True).order_by("name").values_list("code", "name")
    )


class ImportUploadForm(CleanTextFormMixin, forms.Form):
    feed = forms.ChoiceField(
        label="Feed", help_text="The layout of the file: standard, fhir-r4, or one of the partnership's own feeds"
    )
    agency = forms.ChoiceField(label="Whose extract is it?")
    file = forms.FileField(label="The extract", help_text="A .csv, .xlsx or FHIR .json file")
    encoding = forms.ChoiceField(
        label="Text encoding (CSV files only)",
        help_text="Leave it to be detected unless the report says the file's text cannot be read (like --encoding "
        "of `openmash import`)",
        required=False,
        choices=ENCODING_CHOICES,
    )
    dry_run = forms.BooleanField(label="Check it only: write nothing", required=False)
    skip_bad_rows = forms.BooleanField(label="Import the rows without errors, and report the rest", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feed"].choices = _feed_choices()
        self.fields["agency"].choices = _agency_choices()
        self.fields["feed"].error_messages["required"] = "Choose the feed"
        self.fields["agency"].error_messages["required"] = "Choose the agency whose extract it is"
        self.fields["file"].error_messages["required"] = "Choose the file to import"
        self.fields["file"].error_messages["empty"] = "The file is empty"

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError("The file must be a .csv, .xlsx or .json (FHIR) file")
        if f.size > settings.OPENMASH_IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {settings.OPENMASH_IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
                "import larger files with `openmash import` on the server"
            )
        return f


class FeedMappingForm(CleanTextFormMixin, forms.Form):
    source_text = forms.CharField(
        label="The mapping (YAML)",
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        help_text="The same keys as openmash/feeds/mappings/standard.yaml. Start with base: standard to add "
        "your agencies' own event types to the standard extract.",
        max_length=50_000,
    )
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, code: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["source_text"].error_messages["required"] = "Enter the mapping"

    def clean_source_text(self):
        text = self.cleaned_data["source_text"]
        try:
            doc = mapping_text_parse(text)
            feed_spec_from_dict(doc)
        except MappingInvalid as exc:
            raise forms.ValidationError([f"{k}: {m}" for k, msgs in exc.errors.items() for m in msgs]) from None
        if doc["code"] in builtin_codes():
            raise forms.ValidationError(f"code: {doc['code']} is a built-in mapping: choose another code")
        if self.code and doc["code"] != self.code:
            raise forms.ValidationError(f"code: a mapping's code never changes: keep {self.code}")
        self.cleaned_data["definition"] = doc
        return text
