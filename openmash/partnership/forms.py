import datetime as dt

from django import forms
from django.utils import timezone

from openmash.core.text import CleanTextFormMixin
from openmash.partnership.models import RagLevel
from openmash.web.forms import GovukDateField

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class RagTimescalesForm(CleanTextFormMixin, forms.Form):
    def __init__(self, *args, levels: list[RagLevel], **kwargs):
        super().__init__(*args, **kwargs)
        for level in levels:
            self.fields[f"rag_{level.code}"] = forms.IntegerField(
                label=f"{level.label} (working hours)",
                min_value=1,
                max_value=720,
                initial=level.working_hours,
                error_messages={
                    "required": f"Enter the {level.label.lower()} timescale in working hours",
                    "invalid": "Enter a whole number of hours",
                },
            )


class WorkingHoursForm(CleanTextFormMixin, forms.Form):
    day_start = forms.TimeField(
        label="Hub opens at",
        help_text="24-hour clock, for example 09:00",
        error_messages={"required": "Enter the time the hub opens", "invalid": "Enter a time like 09:00"},
    )
    day_end = forms.TimeField(
        label="Hub closes at",
        help_text="24-hour clock, for example 17:00",
        error_messages={"required": "Enter the time the hub closes", "invalid": "Enter a time like 17:00"},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Working days",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one working day"},
    )


class AgencyLeadForm(CleanTextFormMixin, forms.Form):
    agency_lead_working_hours = forms.IntegerField(
        label="Agencies answer this many working hours before the enquiry is due",
        help_text="So the MASH manager has time to decide. Never more than half the time left when the request is "
        "sent. 0 means agencies answer by the enquiry's due time.",
        min_value=0,
        max_value=72,
        error_messages={
            "required": "Enter the number of working hours",
            "invalid": "Enter a whole number of hours",
            "min_value": "Enter a whole number of hours from 0 to 72",
            "max_value": "Enter a whole number of hours from 0 to 72",
        },
    )


class BankHolidayForm(CleanTextFormMixin, forms.Form):
    date = GovukDateField(  # the GOV.UK date input, as every date on every form (web.forms.date_parts_check)
        label="Date",
        help_text="For example, 30 8 2027",
        error_messages={"required": "Enter the date"},
    )
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the holiday's name"})

    def clean_date(self):
        """A closure the hub will plan around: from the start of last year to five years ahead (fault 9's kind)."""
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if not dt.date(today.year - 1, 1, 1) <= day <= dt.date(today.year + 5, 12, 31):
            raise forms.ValidationError(f"Enter a date from 1 January {today.year - 1} to 31 December {today.year + 5}")
        return day


class ThresholdsForm(CleanTextFormMixin, forms.Form):
    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        for t in levels:
            self.fields[f"threshold_{t.level}"] = forms.CharField(
                label=f"Level {t.level} label",
                max_length=100,
                initial=t.label,
                error_messages={"required": f"Enter a label for level {t.level}"},
            )
            self.fields[f"threshold_{t.level}_description"] = forms.CharField(
                label=f"Level {t.level} description",
                max_length=2000,
                required=False,
                initial=t.description,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class IntakeForm(CleanTextFormMixin, forms.Form):
    """The late-recording window: a contact received longer ago than this needs a reason (issue 5, fault 9)."""

    late_contact_days = forms.IntegerField(
        label="Late recording window (days)",
        help_text="A contact recorded more than this many days after it was received needs a reason. From 1 to 365",
        min_value=1,
        max_value=365,
        error_messages={
            "required": "Enter the late recording window in days",
            "invalid": "Enter a whole number of days",
            "min_value": "Enter a number of days from 1 to 365",
            "max_value": "Enter a number of days from 1 to 365",
        },
    )


class AgencyAccessForm(CleanTextFormMixin, forms.Form):
    """How long an agency's researchers still see the people in a request after it is answered or closed."""

    agency_access_days = forms.IntegerField(
        label="Agencies see the people in a request for this many days after answering",
        help_text="While a request is open, and for this many days after the agency answered it or the MASH closed "
        "it, the agency's researchers see the people's minimum identifying details. From 1 to 365",
        min_value=1,
        max_value=365,
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter a whole number of days",
            "min_value": "Enter a number of days from 1 to 365",
            "max_value": "Enter a number of days from 1 to 365",
        },
    )


class ImmediateRiskForm(CleanTextFormMixin, forms.Form):
    """How soon a contact with immediate risk is due for screening (practitioner review, fault 8)."""

    immediate_risk_screening_minutes = forms.IntegerField(
        label="Screen a contact with immediate risk within (minutes)",
        help_text="Counted by the clock from when the contact was received, not in working hours. 0 means due as "
        "soon as it is received. From 0 to 240",
        min_value=0,
        max_value=240,
        error_messages={
            "required": "Enter the number of minutes",
            "invalid": "Enter a whole number of minutes",
            "min_value": "Enter a number of minutes from 0 to 240",
            "max_value": "Enter a number of minutes from 0 to 240",
        },
    )


class ImmediateRiskEnquiryForm(CleanTextFormMixin, forms.Form):
    """How soon a MASH enquiry about a contact with immediate risk, and its agency requests, are due, by the clock
    (enquiries.timescales)."""

    immediate_risk_enquiry_hours = forms.IntegerField(
        label="An enquiry with immediate risk is due within (hours)",
        help_text="Counted by the clock from when the enquiry is opened or re-rated, not in working hours; sooner if "
        "its RAG rating gives an earlier time. From 1 to 24",
        min_value=1,
        max_value=24,
        error_messages={
            "required": "Enter the number of hours",
            "invalid": "Enter a whole number of hours",
            "min_value": "Enter a whole number of hours from 1 to 24",
            "max_value": "Enter a whole number of hours from 1 to 24",
        },
    )
    immediate_risk_agency_lead_minutes = forms.IntegerField(
        label="Agencies answer this many minutes before it is due",
        help_text="Counted by the clock. Never more than half the time left when the request is sent. From 0 to 720",
        min_value=0,
        max_value=720,
        error_messages={
            "required": "Enter the number of minutes",
            "invalid": "Enter a whole number of minutes",
            "min_value": "Enter a whole number of minutes from 0 to 720",
            "max_value": "Enter a whole number of minutes from 0 to 720",
        },
    )


class OutcomeRulesForm(CleanTextFormMixin, forms.Form):
    """Per outcome: never combined with another (exclusive), and the threshold levels it usually goes with."""

    def __init__(self, *args, outcomes, levels, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Any"), *[(str(t.level), f"Level {t.level}") for t in levels]]
        self.rows = []
        for o in outcomes:
            self.fields[f"rule_{o.code}_exclusive"] = forms.BooleanField(
                label=f"{o.label}: never with another outcome", required=False, initial=o.exclusive
            )
            self.fields[f"rule_{o.code}_min"] = forms.TypedChoiceField(
                label=f"{o.label}: lowest usual level",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(o.usual_min_level or ""),
            )
            self.fields[f"rule_{o.code}_max"] = forms.TypedChoiceField(
                label=f"{o.label}: highest usual level",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(o.usual_max_level or ""),
            )
            self.rows.append(o.code)

    def grouped(self):
        return [(self[f"rule_{c}_min"], self[f"rule_{c}_max"], self[f"rule_{c}_exclusive"]) for c in self.rows]

    def rules(self) -> dict[str, dict]:
        cd = self.cleaned_data
        return {
            c: {
                "exclusive": bool(cd.get(f"rule_{c}_exclusive")),
                "usual_min_level": cd.get(f"rule_{c}_min"),
                "usual_max_level": cd.get(f"rule_{c}_max"),
            }
            for c in self.rows
        }


def _percent_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=1,
        max_value=99,
        error_messages={
            "required": "Enter a percentage from 1 to 99",
            "invalid": "Enter a whole number from 1 to 99",
            "min_value": "Enter a percentage from 1 to 99",
            "max_value": "Enter a percentage from 1 to 99",
        },
    )


class MatchingThresholdsForm(CleanTextFormMixin, forms.Form):
    """Person matching (issue 6): the match probabilities, as whole percentages, at which two agency records are
    joined automatically or sent to the review queue (``PartnershipSettings.link_upper_threshold`` and
    ``link_lower_threshold``, stored as fractions)."""

    link_upper_threshold = _percent_field(
        "Join records automatically when the chance they are the same person is at least (%)",
        "The matching engine joins two agencies' records of a person at or above this. From 1 to 99",
    )
    link_lower_threshold = _percent_field(
        "Send records to the review queue when the chance is at least (%)",
        "Below the first figure and at or above this, a hub worker decides. Below this, nothing is recorded. "
        "From 1 to 99, not more than the first figure",
    )


class SealedRolesForm(CleanTextFormMixin, forms.Form):
    """Which roles read sealed items (openmash.sharing, the secure room; issue 7)."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sealed_roles"] = forms.MultipleChoiceField(
            label="Who may read sealed items?",
            help_text="Sealed items (a refuge address, a protected referrer, a pre-adoption identity, sensitive NHS "
            "demographics) are shown only to these roles, in the MASH and, once released, outside it",
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Select at least one role",
                "invalid_choice": "Select only roles from the list",
            },
        )


class OutsideAgreementForm(CleanTextFormMixin, forms.Form):
    """What happens to a request or release no active information-sharing agreement covers (ADR 0016)."""

    outside_agreement = forms.ChoiceField(
        label="When a request or release is outside every active information-sharing agreement",
        help_text="Urgent child protection (a child at risk of significant harm now) is never refused: it is "
        "recorded and flagged for the privacy officer",
        choices=[
            ("flag", "Allow it, and flag it for the privacy officer"),
            ("refuse", "Refuse it, with a message saying no agreement covers it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose flag or refuse", "invalid_choice": "Choose flag or refuse"},
    )
