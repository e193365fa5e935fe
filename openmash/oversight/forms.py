"""Forms of the oversight pages (GOV.UK: crispy-forms-gds field rendering through web/includes/field.html)."""

from __future__ import annotations

from django import forms

from openmash.core.text import CleanTextFormMixin
from openmash.oversight.choices import AlertDecision, BreakGlassCategory
from openmash.oversight.services import (
    NOTE_SENSITIVITY_MESSAGE,
    REASON_MAX,
    REASON_MIN,
    REASON_MIN_WORDS,
    REASON_WORDS_MESSAGE,
    reason_words_ok,
)
from openmash.sharing.choices import ItemSensitivity
from openmash.web.forms import FilterDateField, required_when


class BreakGlassForm(CleanTextFormMixin, forms.Form):
    """Why the record must be opened now. The service (break_glass_validate) holds the rules; these messages match."""

    person_id = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Choose a record from a search"})
    category = forms.ChoiceField(
        label="Why do you need to open this record now?",
        choices=BreakGlassCategory.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why you need to open this record now",
            "invalid_choice": "Choose why you need to open this record now",
        },
    )
    reason = forms.CharField(
        label="What is happening, and why can it not wait for the MASH?",
        help_text=f"At least {REASON_MIN} characters, in words ({REASON_MIN_WORDS} or more). The privacy officer reads this.",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REASON_MAX}),
        error_messages={
            "required": "Enter why you need to open this record now",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if len(reason) < REASON_MIN:
            raise forms.ValidationError(
                f"The reason must be at least {REASON_MIN} characters: say what is happening and why it cannot wait"
            )
        if not reason_words_ok(reason):
            raise forms.ValidationError(REASON_WORDS_MESSAGE)
        return reason


class AlertDecisionForm(CleanTextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=AlertDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose approve, flag or escalate",
            "invalid_choice": "Choose approve, flag or escalate",
        },
    )
    note = required_when(
        forms.CharField(
            label="Note",
            required=False,
            help_text="Required if you flag or escalate: what you checked and what should happen next.",
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        )
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # standard when not sent, as in the API; who reads each level: access.sharing.privacy_alert_note_held
    sensitivity = forms.ChoiceField(
        label="How sensitive is the note?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        help_text="This decides who can read your note. You can always read what you write.",
        error_messages={"invalid_choice": NOTE_SENSITIVITY_MESSAGE},
    )

    #: the hint under each level: who reads the note (access.sharing.privacy_alert_note_held, in words)
    sensitivity_hints = {
        "standard": "The privacy officers can read it with the alert.",
        "sensitive": "The same people can read it, and it is marked as sensitive wherever it is shown.",
        "sealed": "Only you can read it. Other privacy officers see only that a note is held, not what it says or "
        "who wrote it.",
    }

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD


class ReportFilterForm(CleanTextFormMixin, forms.Form):
    """The report's filters: a range of UK days and an agency (codes and dates only: they may go in the URL)."""

    agency = forms.ChoiceField(label="Agency", required=False, choices=[])
    date_from = FilterDateField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = FilterDateField(label="To", required=False, help_text="For example, 28 3 2026")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency")] + [(a.code, a.name) for a in agencies]
        self.fields["agency"].error_messages["invalid_choice"] = "Select an agency from the list"

    def clean(self):
        cd = super().clean()
        since, until = cd.get("date_from"), cd.get("date_to")
        if since and until and since > until:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cd


class SubjectAccessForm(CleanTextFormMixin, forms.Form):
    person = forms.CharField(
        label="Person's record ID or NHS number",
        max_length=64,
        help_text="The record ID is on the review of an alert and on 'Who has seen this record'.",
        error_messages={"required": "Enter the person's record ID or NHS number"},
    )
