"""Page forms for flags (issue 8): they check the shape of what was posted; the services (patterns.decisions_extra)
do the rest and their field errors are put back on these forms."""

from __future__ import annotations

from django import forms

from openmash.contacts.choices import CONCERN_CODES
from openmash.core.text import CleanTextFormMixin

WATCH_PERIODS = [("30", "30 days"), ("90", "90 days"), ("180", "6 months"), ("365", "12 months")]


class FlagDismissForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    reason = forms.CharField(
        label="Why are you dismissing this flag?",
        help_text="For example, the events are explained in the records or are already known to the hub.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are dismissing this flag"},
    )


class FlagWatchForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    days = forms.ChoiceField(
        label="How long should the hub watch this child?",
        choices=WATCH_PERIODS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long to watch this child"},
    )


class FlagAcceptForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    concern_codes = forms.MultipleChoiceField(
        label="Concern categories",
        help_text="Those matching the flag's events are already selected.",
        choices=list(CONCERN_CODES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one concern category"},
    )
    narrative = forms.CharField(
        label="What is the concern?",
        help_text="A summary of the pattern; add what the hub knows.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the concern"},
    )

    def __init__(self, *args, enquiry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enquiry is not None:
            self.fields["destination"] = forms.ChoiceField(
                label="Where should this contact go?",
                choices=[
                    ("contact", "Record it as a new contact for screening"),
                    ("enquiry", f"Add it to the open MASH enquiry on contact {enquiry.contact.reference}"),
                ],
                widget=forms.RadioSelect,
                initial="enquiry",
                error_messages={"required": "Choose where the contact should go"},
            )


class FlagEarlyHelpSuggestForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")


class FlagEarlyHelpOutcomeForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Early help record version")
    outcome = forms.ChoiceField(
        label="What happened to the offer of early help?",
        choices=[
            ("offered", "Help offered to the family"),
            ("accepted", "The family accepted help"),
            ("declined", "The family declined help"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
