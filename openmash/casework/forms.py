"""Page forms for casework. They check the shape of what was posted (a real date, a time, a known option); the
services do the domain validation and their field errors are put back on these forms."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from openmash.access.sharing import case_note_sensitivity_hints
from openmash.casework.choices import CaseNoteType
from openmash.casework.services import (
    CLOSE_SENSITIVITY_MESSAGE,
    DISCUSSION_SENSITIVITY_MESSAGE,
    MAX_ACTIONS,
    MAX_ATTENDEES,
    MAX_TEXT,
    NOTE_SENSITIVITY_MESSAGE,
)
from openmash.core.text import CleanTextFormMixin
from openmash.sharing.choices import ItemSensitivity
from openmash.web.forms import GovukDateField, required_when

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _time_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": f"Enter the {label.lower()}", "max_length": "Enter the time like 14:30"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def combine(form: forms.Form, date_field: str, time_field: str, label: str) -> dt.datetime | None:
    """The aware UK date and time from a date field and an HH:MM field; adds the error to the right field."""
    day = form.cleaned_data.get(date_field)
    raw = (form.cleaned_data.get(time_field) or "").strip()
    if day is None:
        if date_field not in form.errors:
            form.add_error(date_field, f"Enter the date of the {label}")
        return None
    match = _TIME.match(raw)
    if not match:
        if time_field not in form.errors:
            form.add_error(time_field, "Enter the time as hours and minutes, for example 14:30")
        return None
    naive = dt.datetime.combine(day, dt.time(int(match.group(1)), int(match.group(2))))
    return timezone.make_aware(naive)


class CaseNoteForm(CleanTextFormMixin, forms.Form):
    note_type = forms.ChoiceField(
        label="Type of note",
        choices=CaseNoteType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of note", "invalid_choice": "Choose the type of note"},
    )
    occurred_on = GovukDateField(
        label="Date of the event",
        help_text="For example, 27 3 2026",
        required=True,
        error_messages={"required": "Enter the date of the event"},
    )
    occurred_time = _time_field("Time of the event")
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        error_messages={"required": "Enter the note"},
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is this note?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent, as in the API; a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who can read the note. You can always read what you write.",
        error_messages={"invalid_choice": NOTE_SENSITIVITY_MESSAGE},
    )
    corrects_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, note_types=None, **kwargs):
        """note_types: the CaseNoteType codes the actor may write (access.policy.case_note_type_allowed); the
        others are not offered (a screener is not offered 'Management oversight')."""
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads a note at that level (access.sharing.case_note_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints()
        if note_types is not None:
            self.fields["note_type"].choices = [(v, label) for v, label in CaseNoteType.choices if v in note_types]

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD

    def clean(self):
        cleaned = super().clean()
        cleaned["occurred_at"] = combine(self, "occurred_on", "occurred_time", "event")
        return cleaned


SECTION47 = [("yes", "Yes, a section 47 enquiry will start"), ("no", "No section 47 enquiry")]


class StrategyDiscussionForm(CleanTextFormMixin, forms.Form):
    held_on = GovukDateField(
        label="Date of the discussion",
        help_text="For example, 27 3 2026",
        required=True,
        error_messages={"required": "Enter the date of the discussion"},
    )
    held_time = _time_field("Time of the discussion")
    section47 = forms.ChoiceField(
        label="Decision on a section 47 enquiry",
        choices=SECTION47,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a section 47 enquiry will start"},
    )
    rationale = forms.CharField(
        label="Rationale for the decision",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        error_messages={"required": "Enter the rationale for the section 47 decision"},
    )
    missing_agencies_reason = required_when(
        forms.CharField(
            label="If police or health did not take part, why not",
            required=False,
            help_text="Required if police or health did not take part: they should take part in every strategy "
            "discussion (Working Together 2023)",
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        )
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is this discussion?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent, as in the API; a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who can read the rationale, attendees and actions. You can always read what you "
        "record.",
        error_messages={"invalid_choice": DISCUSSION_SENSITIVITY_MESSAGE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads a discussion at that level (access.sharing.strategy_discussion_held,
        #: in words, as the case note form's)
        self.sensitivity_hints = case_note_sensitivity_hints("discussion")

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD

    def clean(self):
        cleaned = super().clean()
        cleaned["held_at"] = combine(self, "held_on", "held_time", "discussion")
        return cleaned


class AttendeeForm(CleanTextFormMixin, forms.Form):
    agency_code = forms.ChoiceField(label="Agency", choices=[], required=False)
    name = forms.CharField(label="Name", max_length=200, required=False)
    role = forms.CharField(label="Role", max_length=200, required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_code"].choices = [("", "Choose an agency")] + [(a.code, a.name) for a in agencies]

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(f) or "").strip() for f in ("agency_code", "name", "role"))


class ActionForm(CleanTextFormMixin, forms.Form):
    description = forms.CharField(label="Action", max_length=1000, required=False)
    owner = forms.CharField(label="Owner (name or role)", max_length=200, required=False)
    owner_agency_code = forms.ChoiceField(label="Owner's agency", choices=[], required=False)
    due_date = GovukDateField(label="Due date", required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency_code"].choices = [("", "Choose an agency")] + [(a.code, a.name) for a in agencies]

    def is_blank(self) -> bool:
        text = any((self.cleaned_data.get(f) or "").strip() for f in ("description", "owner", "owner_agency_code"))
        return not text and self.cleaned_data.get("due_date") is None


# Any number of rows (GOV.UK "add another": a submit button adds a row, so it works without JavaScript); the page
# starts with three attendee rows (police, health and the hub take part in every discussion) and one action.
ATTENDEE_ROWS, ACTION_ROWS = 3, 1
AttendeeFormSet = forms.formset_factory(
    AttendeeForm, extra=ATTENDEE_ROWS, max_num=MAX_ATTENDEES, validate_max=True, absolute_max=MAX_ATTENDEES
)
ActionFormSet = forms.formset_factory(
    ActionForm, extra=ACTION_ROWS, max_num=MAX_ACTIONS, validate_max=True, absolute_max=MAX_ACTIONS
)


class AllocateTogetherForm(CleanTextFormMixin, forms.Form):
    person_ids = forms.MultipleChoiceField(
        label="Children to allocate",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every child who goes to this worker",
        error_messages={"required": "Select at least one child"},
    )
    worker = forms.ChoiceField(
        label="Social worker",
        choices=[],
        help_text="Only social workers who can sign in and work now are listed (a password set and a second factor "
        "enrolled)",
        error_messages={
            "required": "Choose a social worker",
            "invalid_choice": "Choose a social worker who can sign in and work now",
        },
    )

    def __init__(self, *args, children=(), workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_ids"].choices = [(str(p.pk), p.full_name) for p in children]
        self.fields["worker"].choices = [("", "Choose a social worker")] + [
            (str(m.pk), f"{m.user} ({m.agency.name})") for m in workers
        ]


class AllocationCloseForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the allocation closing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={"required": "Enter why the allocation is closing"},
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is the reason?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent, as in the API; a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who can read the reason if a contact goes back to the MASH. You can always read what "
        "you write.",
        error_messages={"invalid_choice": CLOSE_SENSITIVITY_MESSAGE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads the reason (access.sharing.routed_return_reason_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints("reason", standard="The MASH can read it.")

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD
