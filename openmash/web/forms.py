"""Forms for the pages. Every form mixes in CleanTextFormMixin (openmash.core.text: NFC, no invisible or control
characters). Fields that carry domain values use the domain's own validators (NameField, IdentifierField,
PostcodeField, GovukDateField with the people/contacts validation functions), so an error lands on its field
before the service is called; the services check the same rules again for the API, and their errors come back onto
these forms by the structure of the service's input (`place_service_errors` for the intake; `apply_service_errors`
where a form's fields are the service's names), never by matching message text.
GOV.UK markup comes from crispy-forms-gds layouts (the intake, amend and change forms) or web/includes/*.html.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import uuid
from types import SimpleNamespace

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Layout,
    Size,
)
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from openmash.access.sharing import case_note_sensitivity_hints
from openmash.contacts.choices import (
    CONCERN_CODES,
    Consent,
    ConsentCondition,
    ConsentLawfulBasis,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ContactPersonRole,
    DashRisk,
    FamilyAware,
    ReferrerType,
    SiblingRelationship,
    YesNoUnknown,
)
from openmash.contacts.services import CHANGE_SENSITIVITY_MESSAGE
from openmash.contacts.validation import MAX_LATE_REASON, late_reason_check, received_at_check
from openmash.core.exceptions import ApplicationError
from openmash.core.pagination import filter_date_check
from openmash.core.text import CleanTextFormMixin
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import RISK_INDICATORS, ScreeningOutcome, Sensitivity
from openmash.enquiries.services import (
    DECISION_SENSITIVITY_MESSAGE,
    MAX_TEXT,
    QUESTION_SENSITIVITY_MESSAGE,
    REASON_SENSITIVITY_MESSAGE,
    SCREENING_SENSITIVITY_MESSAGE,
)
from openmash.enquiries.timescales import rag_timescale_hints
from openmash.people.choices import AddressStatus, Ethnicity, Sex
from openmash.people.identifiers import identifier_kind_guess, identifier_normalise
from openmash.people.postcodes import postcode_normalise
from openmash.people.validation import (
    date_of_birth_check,
    expected_date_of_birth_check,
    name_clean,
    names_check,
    search_date_check,
)
from openmash.sharing.choices import ItemSensitivity

YES_NO = [("yes", "Yes"), ("no", "No")]


def required_when(field: forms.Field, hint: str = "") -> forms.Field:
    """Mark a field that is required only in some cases (a reason for an unusual decision, a note to flag or
    escalate) so the pages never label it "(optional)" (web/includes/field.html; practitioner review, "a Monday of
    60 contacts": the immediate-risk closure reason said "(optional)" but was required). Its hint must say when it
    is required ("Required if ..."); `hint`, when given, replaces the help text. The field stays required=False:
    the service decides and answers with a field message. Returns the field."""
    field.conditional = True
    if hint:
        field.help_text = hint
    return field


# --- building blocks -----------------------------------------------------------------------------------------------


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input); posted as <name>_day, <name>_month, <name>_year."""

    def __init__(self, attrs=None):
        super().__init__({"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


def _words(names) -> str:
    """["day"] -> "day"; ["day", "month"] -> "day and month"; three -> "day, month and year"."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def date_parts_check(label: str, day: str, month: str, year: str) -> tuple[dt.date | None, str, str, list[str]]:
    """The one check of a GOV.UK date input's three boxes, for every date input on every form (GovukDateField and
    its subclasses). In: the field's label and the text of each box. Out: (date, "", "", []) when the date is
    whole and real, (None, "", "", []) when all three are empty, or (None, message, code, parts): one message in the
    words of the GOV.UK Design System's date input guidance, naming what is wrong, and every box with a problem to
    highlight (govuk-input--error), not only the first. In order of the guidance:

    - a box left empty: "<label> must include a day and month" (code "incomplete");
    - a box that is not a number: "Month must be a number", "Day and month must be numbers" ("not_a_number");
    - a year without 4 digits and nothing else wrong: "Year must include 4 numbers" ("year_digits");
    - a day or month out of range, a day the month does not have, or several of these: "<label> must be a real
      date: " and what is wrong with each box, e.g. "year must include 4 numbers and month must be between 1 and
      12", "February 2023 has 28 days" ("invalid"; practitioners' review, December 2026: year "16" with month "13"
      said only "must be a real date").

    The parts list also names boxes with a lesser problem than the one the message names (a month of 13 beside a
    missing day), so the user sees every box to correct at once. Raises nothing."""
    names = ("day", "month", "year")
    texts = [str(p or "").strip() for p in (day, month, year)]
    if not any(texts):
        return None, "", "", []
    missing = [n for n, t in zip(names, texts, strict=True) if not t]
    not_numbers = [n for n, t in zip(names, texts, strict=True) if t and not (t.isascii() and t.isdigit())]
    numbers = {n: int(t) for n, t in zip(names, texts, strict=True) if t and n not in not_numbers}
    out_of_range = []
    if "year" in numbers and len(texts[2]) != 4:
        out_of_range.append("year")
    if "month" in numbers and not 1 <= numbers["month"] <= 12:
        out_of_range.append("month")
    if "day" in numbers:
        month_ok = "month" in numbers and "month" not in out_of_range
        year_ok = "year" in numbers and "year" not in out_of_range
        # the longest the month can be: its own length when the month and year are known, 31 otherwise
        longest = calendar.monthrange(numbers["year"] if year_ok else 2000, numbers["month"])[1] if month_ok else 31
        if not 1 <= numbers["day"] <= longest:
            out_of_range.append("day")
    parts = [n for n in names if n in missing or n in not_numbers or n in out_of_range]
    if missing:
        return None, f"{label} must include a {_words(missing)}", "incomplete", parts
    if not_numbers:
        verb = "must be a number" if len(not_numbers) == 1 else "must be numbers"
        return None, f"{_words(not_numbers).capitalize()} {verb}", "not_a_number", parts
    if out_of_range == ["year"]:
        return None, "Year must include 4 numbers", "year_digits", parts
    if out_of_range:
        return None, f"{label} must be a real date: {_out_of_range_words(out_of_range, numbers)}", "invalid", parts
    return dt.date(numbers["year"], numbers["month"], numbers["day"]), "", "", []


def _out_of_range_words(out_of_range: list[str], numbers: dict) -> str:
    """What is wrong with each box out of range (date_parts_check), in box order: day, month, year."""
    words = []
    month_ok = "month" in numbers and "month" not in out_of_range
    year_ok = "year" in numbers and "year" not in out_of_range
    if "day" in out_of_range:
        if month_ok and year_ok:
            last = calendar.monthrange(numbers["year"], numbers["month"])[1]
            words.append(f"{calendar.month_name[numbers['month']]} {numbers['year']} has {last} days")
        elif month_ok:
            words.append(f"day must be between 1 and {calendar.monthrange(2000, numbers['month'])[1]}")
        else:
            words.append("day must be between 1 and 31")
    if "month" in out_of_range:
        words.append("month must be between 1 and 12")
    if "year" in out_of_range:
        words.append("year must include 4 numbers")
    return " and ".join(words)


class GovukDateField(forms.Field):
    """A date from three boxes. Empty is None; a partial or impossible date is one error in the words of the GOV.UK
    date input pattern, naming the actual problem ("Date of birth must include a day and month", "Month must be a
    number", "Year must include 4 numbers", "Date of birth must be a real date"): date_parts_check, the one check
    every date input uses.

    past: "today" refuses a date after today ("<label> must be today or in the past"). After a failed clean,
    `error_parts` names every box to highlight (day, month, year), as the pattern asks: all of them when the error
    is about the date as a whole.
    """

    widget = GovukDateWidget
    PARTS = ("day", "month", "year")

    def __init__(self, *, past: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.past = past
        self.error_parts: list[str] = []

    def _fail(self, message: str, code: str, parts) -> ValidationError:
        self.error_parts = list(parts)
        return ValidationError(message, code=code)

    def to_python(self, value):
        self.error_parts = []
        if isinstance(value, dt.date) or value in (None, ""):
            return value or None
        texts = [*(list(value) + ["", "", ""])[:3]]
        date, message, code, parts = date_parts_check(self.label, *texts)
        if message:
            raise self._fail(message, code, parts)
        return date

    def validate(self, value):
        super().validate(value)
        if value and self.past == "today" and value > timezone.localdate():
            raise self._fail(f"{self.label} must be today or in the past", "future", self.PARTS)

    def has_error_part(self, part: str) -> bool:
        return part in self.error_parts


class FilterDateField(GovukDateField):
    """A date a list is filtered by: GovukDateField, and within the one range every date filter accepts
    (core.pagination.filter_date_check: 1900 to 2099), so a far-off date is a field error, never a server error
    (issue 5 review, fault 9)."""

    def validate(self, value):
        super().validate(value)
        try:
            filter_date_check(value, label=self.label)
        except ValueError as exc:
            raise self._fail(str(exc), "out_of_range", ["year"]) from None


def domain_check(fn, *args, **kwargs):
    """Call a domain validator (openmash.people / openmash.contacts validation functions, which raise ValueError)
    and re-raise its message as a form ValidationError, so a page shows exactly what the API would say."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class NameField(forms.CharField):
    """One name (first, last or other): the domain's name rule (people/validation.py name_clean)."""

    def __init__(self, label: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(label=label, **kwargs)
        self.widget.attrs.setdefault("maxlength", "100")
        self.widget.attrs.setdefault("spellcheck", "false")

    def clean(self, value):
        return domain_check(name_clean, super().clean(value), label=self.label)


class IdentifierField(forms.CharField):
    """An identifier of one kind (nhs_number, upn, pnc_id, local_id), checked and normalised by
    people/identifiers.py: check digits and placeholders (0000000000) are refused on the field itself."""

    def __init__(self, kind: str, label: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(label=label, **kwargs)
        self.kind = kind

    def clean(self, value):
        value = super().clean(value)
        return domain_check(identifier_normalise, self.kind, value) if value else ""


class PostcodeField(forms.CharField):
    """A UK postcode, stored in canonical form ("SW1A 1AA") by people/postcodes.py. Surrounding and missing
    spaces are fine; anything else (NOT KNOWN, 12345, SW1A 1AA;) is refused: those are address states."""

    def __init__(self, label: str = "Postcode", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(label=label, **kwargs)
        self.widget.attrs.update(autocomplete="postal-code", spellcheck="false", maxlength="10")

    def clean(self, value):
        value = super().clean(value)
        return domain_check(postcode_normalise, value) if value else ""


class DefaultedChoiceField(forms.ChoiceField):
    """A choice with a default answer (its `initial`, such as ethnicity 'Information not yet obtained'), kept when
    the form is bound but the choice was never posted: a row just added with "Add another" (web.forms
    formset_resize) or a form posted without it. A plain ChoiceField shows such a row with nothing selected, and a
    browser then shows and sends a select's first option (ethnicity 'White British'), an answer nobody gave
    (practitioner review: CIN census ethnicity). A posted value, blank included, is kept as posted."""

    def bound_data(self, data, initial):
        return initial if data is None and initial not in (None, "") else data

    def to_python(self, value):
        if value is None and self.initial not in (None, ""):
            return str(self.initial)
        return super().to_python(value)


def ethnicity_field() -> DefaultedChoiceField:
    """Ethnicity (CIN census codes), 'Information not yet obtained' (NOBT) until an answer is chosen: never the
    list's first entry by default."""
    return DefaultedChoiceField(label="Ethnicity", choices=Ethnicity.choices, required=False, initial=Ethnicity.NOBT)


ADDRESS_STATUS_CHOICES = [
    (AddressStatus.KNOWN, "Known (enter it below)"),
    (AddressStatus.NO_FIXED_ABODE, "No fixed abode"),
    (AddressStatus.NOT_KNOWN, "Not known"),
]


def address_status_field() -> forms.ChoiceField:
    """Whether the address is known: no fixed abode and not known are answers, never postcode text."""
    return DefaultedChoiceField(
        label="Address",
        choices=ADDRESS_STATUS_CHOICES,
        required=False,
        initial=AddressStatus.KNOWN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether the address is known"},
    )


def _text(label: str, *, max_length: int | None = None, required: bool = False, **kwargs) -> forms.CharField:
    messages = {"required": f"Enter {label[0].lower() + label[1:]}"}
    if max_length:
        messages["max_length"] = f"{label} must be {max_length:,} characters or fewer"
    return forms.CharField(label=label, max_length=max_length, required=required, error_messages=messages, **kwargs)


def _long_text(label: str, *, limit: int, rows: int = 5, **kwargs) -> forms.CharField:
    """A textarea whose limit is checked by the service; maxlength drives the GOV.UK character count."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows, "maxlength": limit}), **kwargs
    )


def _radios(label: str, choices, **kwargs) -> forms.ChoiceField:
    kwargs.setdefault("required", False)
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Select a valid option for: {label}"},
        **kwargs,
    )


def _checkboxes(label: str, choices, **kwargs) -> forms.MultipleChoiceField:
    kwargs.setdefault("required", False)
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only options from the list"},
        **kwargs,
    )


def apply_service_errors(form: forms.Form, exc: ApplicationError, key_to_field=None) -> None:
    """Put a service's ValidationFailed/Conflict onto the form so the GOV.UK error summary shows it.

    Each error key is mapped to a form field (by key_to_field, else by name); unknown keys become page-level errors.
    """
    if not getattr(exc, "errors", None):
        form.add_error(None, exc.message)
        return
    for key, messages in exc.errors.items():
        field = key_to_field(key) if key_to_field else key
        if field not in form.fields:
            field = None
        for message in messages:
            form.add_error(field, message)


# --- signing in and roles ------------------------------------------------------------------------------------------


class LoginForm(CleanTextFormMixin, AuthenticationForm):
    error_messages = {
        # The one answer for a wrong password, a deactivated account and a deactivated agency (no enumeration).
        "invalid_login": "Enter a correct username and password. Both are case-sensitive. If your account or your "
        "agency has been switched off, contact your partnership administrator.",
        "inactive": "This account has been disabled. Contact your partnership administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(spellcheck="false", autocapitalize="none")


class RoleSwitchForm(CleanTextFormMixin, forms.Form):
    membership_id = forms.ChoiceField(label="Act as")

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership_id"].choices = [
            (str(m.pk), f"{m.get_role_display()} at {m.agency.name}") for m in memberships
        ]


# --- people ------------------------------------------------------------------------------------------------------


class PersonSearchForm(CleanTextFormMixin, forms.Form):
    """Find a person (the "Find a child" page and intake's first step). The minimum-identifier rule and what each
    item matches are the search's (people.lookup): its messages come back onto these fields."""

    name = _text(
        "Full name", max_length=200, help_text="First name and last name, in any order, for example Amelia Smith"
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 2018. For an unborn child, the expected date of birth",
    )
    postcode = PostcodeField("Postcode", help_text="Where the child lives or has lived, for example SW1A 1AA")
    age = forms.IntegerField(
        label="Approximate age",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput,  # GOV.UK: numbers in a text input with a numeric keyboard, not type=number
        help_text="In whole years, if you do not know the date of birth. Use it with the first and last name",
        error_messages={
            "invalid": "Approximate age must be a whole number of years, like 8",
            "min_value": "Approximate age must be a whole number of years from 0 to 120",
            "max_value": "Approximate age must be a whole number of years from 0 to 120",
        },
    )
    identifier = forms.CharField(
        label="NHS number, UPN or PNC ID",
        required=False,
        max_length=40,
        help_text="For example 943 476 5919 (NHS number), B801200005001 (UPN) or 2001/0012345H (PNC ID)",
    )

    def clean_date_of_birth(self):
        day = self.cleaned_data.get("date_of_birth")
        return domain_check(search_date_check, day, today=timezone.localdate()) if day else day

    def clean_identifier(self):
        """The identifier normalised; its kind (guessed from its shape) goes in cleaned_data["identifier_type"]."""
        value = self.cleaned_data.get("identifier") or ""
        if not value:
            self.cleaned_data["identifier_type"] = ""
            return ""
        kind = identifier_kind_guess(value)
        self.cleaned_data["identifier_type"] = kind
        return domain_check(identifier_normalise, kind, value)

    def search_arguments(self) -> dict:
        """The keyword arguments of people.selectors.person_search from a valid form."""
        cd = self.cleaned_data
        return {
            "name": cd.get("name") or "",
            "date_of_birth": cd.get("date_of_birth"),
            "postcode": cd.get("postcode") or "",
            "age": cd.get("age"),
            "identifier_type": cd.get("identifier_type") or "",
            "identifier": cd.get("identifier") or "",
        }

    def __init__(self, *args, form_id: str = "", **kwargs):
        """form_id: the id of the <form> these boxes belong to when they sit outside it (the intake page's search
        belongs to the contact form, so searching keeps everything typed there)."""
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        if form_id:
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id
        self.fields["name"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["postcode"].widget.attrs.update(autocomplete="off", **{"class": "govuk-input--width-10"})
        self.fields["age"].widget.attrs.update(
            inputmode="numeric", spellcheck="false", autocomplete="off", **{"class": "govuk-input--width-3"}
        )
        self.fields["identifier"].widget.attrs.update(
            autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-20"}
        )


# --- contacts ------------------------------------------------------------------------------------------------------
#
# The intake is one <form> holding a formset of children, a formset of household members and the contact's own
# questions, each rendered by crispy-forms-gds (GOV.UK Design System markup) from the layouts below. The forms check
# only the shape of what was posted; the domain rules are the service's (contacts.services.contact_validate, the
# same validation the API uses), and its errors are keyed by the input's structure (subjects.0.date_of_birth),
# which `place_service_errors` follows back to the form that produced that part of the input.

MAX_CHILDREN = 20
#: The received date without its time (review, fault 3): screening timescales run from the time, so it is asked for.
RECEIVED_TIME_MISSING = "Enter the time the contact was received, for example 09:30"
MAX_MEMBERS = 30
_MEMBER_ROLES = [
    (ContactPersonRole.HOUSEHOLD_MEMBER, "Household member (lives with the child)"),
    (ContactPersonRole.PARENT_CARER, "Parent or carer"),
    (ContactPersonRole.ALLEGED_PERPETRATOR, "Alleged perpetrator"),
]
YES_NO_UNKNOWN = YesNoUnknown.choices


class GdsDateWidget(DateInputWidget):
    """crispy-forms-gds's GOV.UK date input, posting <name>_day, <name>_month and <name>_year."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs)
        self.widgets_names = ["_day", "_month", "_year"]
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GdsDateField(GovukDateField):
    """GovukDateField (our parsing and GOV.UK messages) drawn by crispy-forms-gds, which reads a multi-value
    field's `fields` to mark the boxes in error: a box is marked when it carries `errors`. The boxes named by
    `error_parts` carry the field's message (crispy then marks only those); with none named (an error about the
    whole date, or one placed on the field by the service) no box carries one and crispy marks all three."""

    @property
    def fields(self):
        boxes = []
        for part, widget in zip(self.PARTS, self.widget.widgets, strict=False):
            errors = [self._last_message] if part in self.error_parts and self._last_message else []
            boxes.append(SimpleNamespace(widget=SimpleNamespace(errors=errors, attrs=widget.attrs)))
        return boxes

    _last_message = ""

    def _fail(self, message: str, code: str, parts) -> ValidationError:
        self._last_message = message
        return super()._fail(message, code, parts)


def _date(label: str, **kwargs) -> GdsDateField:
    return GdsDateField(label=label, required=False, widget=GdsDateWidget, **kwargs)


def _service_key_parts(key: str) -> list[str | int]:
    """'subjects.0.address.postcode' -> ['subjects', 0, 'address', 'postcode'] (the input's structure, as the API
    names it: dotted paths with 0-based list positions, the shape django-ninja gives its own errors)."""
    return [int(piece) if piece.isdigit() else piece for piece in key.split(".") if piece]


class _PersonForm(CleanTextFormMixin, forms.Form):
    """What the service's person input holds, from one form of a formset. Subclasses say which of their fields
    answer which part of the service's input (SERVICE_FIELDS), so errors come back to the right box."""

    SERVICE_FIELDS: dict[str, str] = {}
    IDENTIFIERS: tuple[str, ...] = ()

    def identifiers(self) -> list[dict]:
        return [
            {"type": kind, "value": self.cleaned_data[kind]} for kind in self.IDENTIFIERS if self.cleaned_data.get(kind)
        ]

    def field_for(self, parts: list) -> str | None:
        """The field answering one of the service's error keys (already split, the person prefix removed)."""
        if not parts:
            return None
        if parts[0] == "identifiers" and len(parts) > 1 and isinstance(parts[1], int):
            given = [kind for kind in self.IDENTIFIERS if self.cleaned_data.get(kind)]
            return given[parts[1]] if parts[1] < len(given) else None
        return self.SERVICE_FIELDS.get(".".join(str(p) for p in parts))

    # Fields with a default answer: a changed value there alone does not make the form "used".
    DEFAULTED = frozenset({"ethnicity", "role", "address_status"})

    def is_blank(self) -> bool:
        return not [name for name in self.changed_data if name not in self.DEFAULTED]

    CHILD = False

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank() and not cleaned.get("person_id"):
            self._check_person(child=self.CHILD)
        return cleaned

    def _check_person(self, *, child: bool) -> None:
        """The person rules that need more than one field (people/validation.py), on the field they concern."""
        cd, today = self.cleaned_data, timezone.localdate()
        unborn = child and bool(cd.get("unborn"))
        if "forename" in cd and "surname" in cd:
            try:
                names_check(cd["forename"], cd["surname"], unborn=unborn)
            except ValueError as exc:
                self.add_error("forename", str(exc))
        if "dob" not in cd:
            return  # the date boxes already have their own error
        dob = cd["dob"]
        try:
            if unborn and dob is None:
                raise ValueError("Enter the expected date of birth of the unborn child")
            if unborn:
                expected_date_of_birth_check(dob, today=today)
            elif dob:
                date_of_birth_check(dob, today=today, subject_child=child)
        except ValueError as exc:
            self.add_error("dob", str(exc))


class ChildForm(_PersonForm):
    """One child: a record picked by search (person_id), or a new child's details; their school and GP, and
    whether they were present at a domestic abuse incident."""

    CHILD = True

    SERVICE_FIELDS = {
        "person_id": "person_id",
        "forename": "forename",
        "surname": "surname",
        "date_of_birth": "dob",
        "expected_date_of_birth": "dob",
        "unborn": "unborn",
        "sex": "sex",
        "ethnicity": "ethnicity",
        "address": "address_line1",
        "address.line1": "address_line1",
        "address.town": "town",
        "address.postcode": "postcode",
        "school_code": "school",
        "gp_code": "gp",
        "present_at_incident": "present_at_incident",
    }
    IDENTIFIERS = ("nhs_number", "upn", "local_id")

    person_id = forms.CharField(required=False, widget=forms.HiddenInput, label="Child's record")
    forename = NameField("First name", help_text="Leave blank for an unborn child not yet named")
    surname = NameField("Last name", help_text="If the child is known by one name only, leave one box blank")
    dob = _date("Date of birth", help_text="For example, 2 4 2018. For an unborn child, enter the expected date")
    unborn = forms.BooleanField(label="This child is not born yet", required=False)
    sex = _radios("Sex", Sex.choices)
    ethnicity = ethnicity_field()
    nhs_number = IdentifierField("nhs_number", "NHS number", help_text="10 digits, for example 943 476 5919")
    upn = IdentifierField(
        "upn", "Unique pupil number (UPN)", max_length=20, help_text="13 characters, for example B801200005001"
    )
    local_id = IdentifierField("local_id", "Local ID", max_length=20, help_text="Your agency's own ID for the child")
    address_status = address_status_field()
    address_line1 = _text("Address line 1", max_length=200)
    town = _text("Town or city", max_length=100)
    postcode = PostcodeField()
    school = forms.ChoiceField(label="School or nursery", required=False, choices=[])
    gp = forms.ChoiceField(label="GP practice", required=False, choices=[])
    present_at_incident = _radios("Was the child present at the domestic abuse incident?", YES_NO_UNKNOWN)

    def __init__(self, *args, schools=(), gps=(), chosen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "Not known or not listed"), *[(a.code, a.name) for a in schools]]
        self.fields["gp"].choices = [("", "Not known or not listed"), *[(a.code, a.name) for a in gps]]
        self.chosen = chosen  # {"id", "name", "dob_date"} of a record picked by search, for the summary card
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        extra = [
            Field.select("school"),
            Field.select("gp"),
            Field.radios("present_at_incident", inline=True, small=True),
        ]
        if self.picked_id():
            self.helper.layout = Layout("person_id", *extra)
        else:
            self.helper.layout = Layout(
                "person_id",
                Field.text("forename", field_width=Fluid.TWO_THIRDS),
                Field.text("surname", field_width=Fluid.TWO_THIRDS),
                Field("dob"),
                Field.checkbox("unborn", small=True),
                Field.radios("sex", inline=True, small=True),
                Field.select("ethnicity"),
                Field.text("nhs_number", field_width=Fixed.TEN, inputmode="numeric", spellcheck="false"),
                Field.text("upn", field_width=Fixed.TWENTY, spellcheck="false"),
                Field.text("local_id", field_width=Fixed.TWENTY),
                Field.radios("address_status", small=True),
                Field.text("address_line1", field_width=Fluid.TWO_THIRDS),
                Field.text("town", field_width=Fluid.ONE_HALF),
                Field.text("postcode", field_width=Fixed.TEN, autocomplete="off"),
                *extra,
            )

    def picked_id(self) -> str:
        value = self["person_id"].value() or ""
        return str(value)

    def clean_person_id(self):
        pid = self.cleaned_data.get("person_id") or ""
        if pid:
            try:
                uuid.UUID(pid)
            except ValueError:
                raise ValidationError("Search for the child again and select their record") from None
        return pid

    def service_data(self) -> dict:
        c = self.cleaned_data
        extras = {
            "school_code": c.get("school") or "",
            "gp_code": c.get("gp") or "",
            "present_at_incident": c.get("present_at_incident") or "",
        }
        if c.get("person_id"):
            return {"person_id": c["person_id"], **extras}
        address = None
        status = c.get("address_status") or AddressStatus.KNOWN
        if status != AddressStatus.KNOWN or c.get("address_line1") or c.get("town") or c.get("postcode"):
            address = {
                "status": status,
                "line1": c.get("address_line1") or "",
                "town": c.get("town") or "",
                "postcode": c.get("postcode") or "",
            }
        return {
            "person_id": None,
            "forename": c.get("forename") or "",
            "surname": c.get("surname") or "",
            "date_of_birth": None if c.get("unborn") else c.get("dob"),
            "unborn": bool(c.get("unborn")),
            "expected_date_of_birth": c.get("dob") if c.get("unborn") else None,
            "sex": c.get("sex") or "U",
            "ethnicity": c.get("ethnicity") or Ethnicity.NOBT,
            "identifiers": self.identifiers(),
            "address": address,
            **extras,
        }


class MemberForm(_PersonForm):
    """A parent, carer, household member or alleged perpetrator."""

    SERVICE_FIELDS = {
        "forename": "forename",
        "surname": "surname",
        "date_of_birth": "dob",
        "sex": "sex",
        "role": "role",
    }
    IDENTIFIERS = ("pnc_id",)

    forename = NameField("First name")
    surname = NameField("Last name")
    dob = _date("Date of birth", past="today", help_text="For example, 1 1 1988")
    sex = _radios("Sex", Sex.choices)
    pnc_id = IdentifierField(
        "pnc_id", "PNC ID", max_length=20, help_text="Police only, if known. For example 2001/0012345H or 01/12345H"
    )
    role = DefaultedChoiceField(
        label="Role", choices=_MEMBER_ROLES, required=False, initial=ContactPersonRole.HOUSEHOLD_MEMBER
    )

    def __init__(self, *args, **kwargs):
        kwargs.pop("schools", None), kwargs.pop("gps", None), kwargs.pop("chosen", None)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("forename", field_width=Fluid.TWO_THIRDS),
            Field.text("surname", field_width=Fluid.TWO_THIRDS),
            Field("dob"),
            Field.radios("sex", inline=True, small=True),
            Field.text("pnc_id", field_width=Fixed.TEN, spellcheck="false"),
            Field.select("role"),
        )

    def service_data(self) -> dict:
        c = self.cleaned_data
        return {
            "person_id": None,
            "forename": c.get("forename") or "",
            "surname": c.get("surname") or "",
            "date_of_birth": c.get("dob"),
            "unborn": False,
            "expected_date_of_birth": None,
            "sex": c.get("sex") or "U",
            "ethnicity": Ethnicity.NOBT,
            "identifiers": self.identifiers(),
            "address": None,
            "role": c.get("role") or ContactPersonRole.HOUSEHOLD_MEMBER,
        }


ChildFormSet = forms.formset_factory(ChildForm, extra=0, max_num=MAX_CHILDREN, absolute_max=MAX_CHILDREN)
MemberFormSet = forms.formset_factory(MemberForm, extra=0, max_num=MAX_MEMBERS, absolute_max=MAX_MEMBERS)


_TIME_RE = re.compile(r"^(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2})(?::[0-5]\d)?)?(?:\s*(?P<ampm>[ap])\.?\s*m?\.?)?$")


def time_of_day_parse(value: str) -> dt.time | None:
    """A time of day as people type it: 09:30, 9:30, 9.30, 0930, 21:30, 9:30am, 9.30 pm, 2pm, 12am (midnight),
    12pm (midday); seconds are dropped (21:30:00). None if blank. Raises ValueError for anything else (25:61, 9:3, 13pm, noonish). Source: the
    GOV.UK Design System's advice to accept the formats people use rather than force one."""
    text = " ".join((value or "").strip().lower().split())
    if not text:
        return None
    m = _TIME_RE.match(text)
    if not m or (m.group("m") is None and m.group("ampm") is None):
        # a bare number ("9") is not a time: with no minutes, only "2pm" or "9 am" says which hour
        raise ValueError(value)
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    if m.group("ampm"):
        if not 1 <= hour <= 12:
            raise ValueError(value)
        hour = hour % 12 + (12 if m.group("ampm") == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(value)
    return dt.time(hour, minute)


def _time_of_day(value: str, *, what: str = "the incident", example: str = "21:30") -> dt.time | None:
    """time_of_day_parse, its error as the field's: "Enter the time of <what> as hours and minutes, for example
    <example>". Raises ValidationError."""
    try:
        return time_of_day_parse(value)
    except ValueError:
        raise ValidationError(f"Enter the time of {what} as hours and minutes, for example {example}") from None


class DomesticAbuseForm(CleanTextFormMixin, forms.Form):
    """Domestic abuse details (DOMAIN.md 1.5): the police incident, DASH grade, MARAC referral, and whether to
    send the children's schools an Operation Encompass notice."""

    police_reference = _text("Police incident reference", max_length=40, help_text="For domestic abuse incidents")
    incident_date = _date("Date of the incident", help_text="For example, 27 3 2026")
    incident_time = _text("Time of the incident", max_length=10, help_text="For example, 21:30 or 9.30pm")
    dash_risk = _radios("DASH risk level", [("", "Not assessed"), *DashRisk.choices])
    marac_referral = _radios("Has a MARAC referral been made?", YES_NO_UNKNOWN)
    notify_schools = _radios(
        "Tell the children's schools that a domestic abuse incident happened? (Operation Encompass)",
        YES_NO,
        help_text="The school's designated safeguarding lead gets the police reference, the date and time, the "
        "child's name and date of birth and whether they were present: nothing else",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, label="Contact version")

    SERVICE_FIELDS = {"incident_at": "incident_date"}

    @staticmethod
    def da_layout() -> list:
        return [
            Field.text("police_reference", field_width=Fixed.TWENTY, spellcheck="false"),
            Field("incident_date"),
            Field.text("incident_time", field_width=Fixed.FIVE),
            Field.radios("dash_risk", inline=True),
            Field.radios("marac_referral", inline=True),
            Field.radios("notify_schools", inline=True),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.da_layout(), "version")

    def clean(self):
        cleaned = super().clean()
        try:
            time = _time_of_day(cleaned.get("incident_time") or "")
        except ValidationError as exc:
            self.add_error("incident_time", exc)
            time = None
        day = cleaned.get("incident_date")
        if time and not day:
            self.add_error("incident_date", "Enter the date of the incident as well as the time")
        if day and not time:
            self.add_error("incident_time", "Enter the time of the incident, for example 21:30")
        cleaned["incident_at"] = timezone.make_aware(dt.datetime.combine(day, time)) if day and time else None
        return cleaned

    def da_data(self) -> dict:
        d = self.cleaned_data
        return {
            "police_reference": d.get("police_reference") or "",
            "incident_at": d.get("incident_at"),
            "dash_risk": d.get("dash_risk") or "",
            "marac_referral": d.get("marac_referral") or "",
            "notify_schools": d.get("notify_schools") == "yes",
        }


def sibling_pairs(count: int) -> list[tuple[int, int]]:
    """Every pair (i, j), i < j, of `count` children."""
    return [(i, j) for i in range(count) for j in range(i + 1, count)]


class ConcernAmendForm(CleanTextFormMixin, forms.Form):
    """The concern, amended before screening (contacts.services._amend_validate_concern): immediate risk changed
    (raised by the recorder or the hub; lowered by the hub only), concern categories added, information added to the
    end of the description."""

    immediate_risk = _radios("Is the child at immediate risk of harm?", YES_NO)
    immediate_risk_detail = _long_text(
        "If the answer changes, say why",
        limit=1000,
        rows=3,
        help_text="The immediate risk and what has been done, or why the child is no longer at immediate risk",
    )
    add_concern_codes = _checkboxes("Add concern categories", list(CONCERN_CODES.items()))
    additional_information = _long_text(
        "Add information to the description",
        limit=5000,
        rows=5,
        help_text="Added to the end of the description with your name and the time; what was first written stays",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, label="Contact version")

    SERVICE_FIELDS: dict[str, str] = {}

    def __init__(self, *args, current_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_concern_codes"].choices = [
            (code, label) for code, label in CONCERN_CODES.items() if code not in set(current_codes)
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.radios("immediate_risk", inline=True),
            Field.textarea("immediate_risk_detail"),
            Field.checkboxes("add_concern_codes", small=True),
            Field.textarea("additional_information"),
            "version",
        )

    def concern_data(self) -> dict:
        """The service's `concern` input (API ConcernAmendIn)."""
        cd = self.cleaned_data
        return {
            "immediate_risk": None if cd.get("immediate_risk") in (None, "") else cd["immediate_risk"] == "yes",
            "immediate_risk_detail": cd.get("immediate_risk_detail") or "",
            "add_concern_codes": list(cd.get("add_concern_codes") or []),
            "additional_information": cd.get("additional_information") or "",
        }


def sibling_field(i: int, j: int) -> str:
    return f"siblings_{i}_{j}"


class ContactForm(DomesticAbuseForm):
    """The contact's own questions: the concern, domestic abuse details, the family and consent, the referrer."""

    concern_codes = _checkboxes(
        "What is the concern about?",
        list(CONCERN_CODES.items()),
        help_text="Select all that apply. These are the national categories of need.",
    )
    narrative = _long_text(
        "Describe the concern",
        limit=settings.OPENMASH_MAX_NARRATIVE_CHARS,
        rows=8,
        help_text="What happened or what you saw or heard, when and where, and what the child said",
    )
    immediate_risk = _radios("Is the child at immediate risk of harm?", YES_NO)
    immediate_risk_detail = _long_text("Describe the immediate risk and what has been done", limit=1000)
    family_aware = _radios("Does the family know about this contact?", FamilyAware.choices)
    consent = _radios("Has the family agreed to information being shared?", Consent.choices)
    consent_not_sought_reason = forms.ChoiceField(
        label="Why was consent not sought?",
        choices=[("", "Choose a reason"), *ConsentNotSoughtReason.choices],
        required=False,
    )
    consent_override_reason = forms.ChoiceField(
        label="Why is it shared although consent was refused?",
        choices=[("", "Choose a reason"), *ConsentOverrideReason.choices],
        required=False,
    )
    consent_lawful_basis = required_when(
        forms.ChoiceField(
            label="Lawful basis for sharing without consent",
            help_text="Required unless consent was obtained. For safeguarding by a public body this is usually "
            "public task",
            choices=[
                ("", "Choose a lawful basis"),
                *[c for c in ConsentLawfulBasis.choices if c[0] != "not_recorded"],
            ],
            required=False,
        )
    )
    consent_condition = forms.ChoiceField(
        label="Condition for health or police information",
        help_text="If the concern includes health information or police information",
        choices=[("", "None given"), *ConsentCondition.choices],
        required=False,
    )
    consent_detail = _long_text("Note about consent", limit=500, rows=3)
    referrer_type = _radios(
        "Who is raising the concern?",
        [
            (ReferrerType.PROFESSIONAL, "A professional (you or a colleague)"),
            (ReferrerType.PUBLIC, "A member of the public (their identity is protected)"),
        ],
        initial=ReferrerType.PROFESSIONAL,
    )
    referrer_name = _text("Referrer's name", max_length=200)
    referrer_role = _text("Referrer's job title or relationship to the child", max_length=200)
    referrer_phone = _text("Referrer's phone number", max_length=40)
    received_date = _date(
        "Date your agency received the concern",
        help_text="Filled in with when you opened this form: change it if the concern reached your agency earlier. "
        "Screening timescales run from it. For example, 27 3 2026",
    )
    received_time = _text("Time your agency received it", max_length=10, help_text="For example, 09:30, 9.30am or 2pm")
    late_recorded_reason = required_when(_long_text("Why is it being recorded now?", limit=MAX_LATE_REASON, rows=3))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100, label="Form reference")

    SERVICE_FIELDS = {
        "incident_at": "incident_date",
        "received_at": "received_date",
        "late_recorded_reason": "late_recorded_reason",
    }

    def __init__(self, *args, late_days: int = 30, child_labels=(), **kwargs):
        """late_days: the partnership's late-recording window (PartnershipSettings.late_contact_days); a concern
        received longer ago than that needs a reason (contacts/validation.py late_reason_check). child_labels: how
        to name each child form in order ("child 1 (Amelia Testchild)"); with two or more, one question per pair of
        children, `siblings_<i>_<j>` (form numbers i < j), asks how those two are related (the API's `siblings`, pair
        by pair: full, half and step siblings can be mixed in one family). Drawn in the children section."""
        super().__init__(*args, **kwargs)
        self.late_days = late_days
        self.child_labels = list(child_labels)
        for i, j in sibling_pairs(len(self.child_labels)):
            a, b = self.child_labels[i], self.child_labels[j]
            self.fields[sibling_field(i, j)] = forms.ChoiceField(
                label=f"How are {a} and {b} related?",
                choices=SiblingRelationship.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Select how the two children are related"},
            )
        hint = f"Required if your agency received the concern more than {late_days} days ago"
        self.fields["late_recorded_reason"].help_text = hint
        del self.fields["version"]
        self.fields["referrer_phone"].widget.input_type = "tel"
        for field in self.fields.values():  # crispy-forms-gds's character count appends to this attribute
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("aria-describedby", "")
        m = Size.MEDIUM
        self.helper.layout = Layout(
            HTML('<h2 class="govuk-heading-l" id="concern">The concern</h2>'),
            Field.checkboxes("concern_codes", legend_size=m, small=True),
            Field.textarea("narrative", label_size=m, rows=8, max_characters=settings.OPENMASH_MAX_NARRATIVE_CHARS),
            ConditionalRadios(
                "immediate_risk",
                ConditionalQuestion("Yes", Field.textarea("immediate_risk_detail", rows=5, max_characters=1000)),
                "No",
            ),
            HTML('<h2 class="govuk-heading-l" id="domestic-abuse">Domestic abuse</h2>'),
            HTML('<p class="govuk-body">Answer these if the concern follows a domestic abuse incident.</p>'),
            *self.da_layout(),
            HTML('<h2 class="govuk-heading-l" id="family">The family and consent</h2>'),
            Field.radios("family_aware", legend_size=m),
            ConditionalRadios(
                "consent",
                Consent.OBTAINED.label,
                ConditionalQuestion(Consent.REFUSED.label, Field.select("consent_override_reason")),
                ConditionalQuestion(Consent.NOT_SOUGHT.label, Field.select("consent_not_sought_reason")),
                Consent.NOT_APPLICABLE.label,
            ),
            Field.select("consent_lawful_basis"),
            Field.select("consent_condition"),
            Field.textarea("consent_detail", rows=3, max_characters=500),
            HTML('<h2 class="govuk-heading-l" id="referrer">Who is raising the concern</h2>'),
            Field.radios("referrer_type", legend_size=m),
            Field.text("referrer_name", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_role", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_phone", field_width=Fixed.TWENTY, autocomplete="tel"),
            HTML('<h2 class="govuk-heading-l" id="received">When the concern was received</h2>'),
            Field("received_date"),
            Field.text("received_time", field_width=Fixed.FIVE),
            Field.textarea("late_recorded_reason", rows=3, max_characters=MAX_LATE_REASON),
            "idempotency_key",
        )

    def clean(self):
        """The received date and time as one time in the partnership's zone (Europe/London), checked by the
        contact rules the API uses (contacts/validation.py): not in the future, not over a year ago, and a reason
        when it is older than the late-recording window."""
        cleaned = super().clean()
        try:
            time = _time_of_day(cleaned.get("received_time") or "", what="receipt", example="09:30")
        except ValidationError as exc:
            self.add_error("received_time", exc)
            return cleaned
        day = cleaned.get("received_date")
        if time and not day and "received_date" not in self.errors:
            self.add_error("received_date", "Enter the date your agency received the concern as well as the time")
        if day and not time:
            self.add_error("received_time", RECEIVED_TIME_MISSING)
        received = timezone.make_aware(dt.datetime.combine(day, time)) if day and time else None
        cleaned["received_at"] = received
        if received is None:
            return cleaned
        now = timezone.now()
        try:
            domain_check(received_at_check, received, now=now)
        except ValidationError as exc:
            self.add_error("received_date", exc)
            return cleaned
        try:
            cleaned["late_recorded_reason"] = domain_check(
                late_reason_check, received, cleaned.get("late_recorded_reason"), now=now, window_days=self.late_days
            )
        except ValidationError as exc:
            self.add_error("late_recorded_reason", exc)
        return cleaned

    def sibling_fields(self) -> list:
        """The bound fields asking how each pair of children is related (none with fewer than two children)."""
        return [self[sibling_field(i, j)] for i, j in sibling_pairs(len(self.child_labels))]

    def siblings_for(self, used: list[int]) -> list[dict]:
        """The answered pairs among the children used (their form numbers, in order), as the service's `siblings`
        ([{"first", "second", "relationship"}], positions among the children sent)."""
        d, position = self.cleaned_data, {n: k for k, n in enumerate(used)}
        return [
            {"first": position[i], "second": position[j], "relationship": d[sibling_field(i, j)]}
            for i, j in sibling_pairs(len(self.child_labels))
            if i in position and j in position and d.get(sibling_field(i, j))
        ]

    def service_data(self, children: list[dict], members: list[dict], child_numbers: list[int] | None = None) -> dict:
        """The service's input (the same shape as the API's ContactCreateIn) from this form and the people.
        child_numbers: the form numbers of the children sent (for the pair questions); default 0, 1, 2, ..."""
        d = self.cleaned_data
        immediate = {"yes": True, "no": False}.get(d.get("immediate_risk") or "")
        consent = d.get("consent") or ""
        siblings = self.siblings_for(child_numbers if child_numbers is not None else list(range(len(children))))
        return {
            "subjects": children,
            "household": members,
            "siblings": siblings,
            "concern_codes": list(d.get("concern_codes") or []),
            "narrative": d.get("narrative") or "",
            "source_code": "",
            "referrer_type": d.get("referrer_type") or ReferrerType.PROFESSIONAL,
            "referrer_name": d.get("referrer_name") or "",
            "referrer_role": d.get("referrer_role") or "",
            "referrer_phone": d.get("referrer_phone") or "",
            "family_aware": d.get("family_aware") or FamilyAware.UNKNOWN,
            "consent": consent,
            # GOV.UK conditional reveals: answers in a hidden (unchosen) branch are ignored.
            "consent_not_sought_reason": (d.get("consent_not_sought_reason") or "") if consent == "not_sought" else "",
            "consent_override_reason": (d.get("consent_override_reason") or "") if consent == "refused" else "",
            "consent_lawful_basis": (d.get("consent_lawful_basis") or "") if consent != "obtained" else "",
            "consent_condition": (d.get("consent_condition") or "") if consent != "obtained" else "",
            "consent_detail": d.get("consent_detail") or "",
            "immediate_risk": immediate,
            "immediate_risk_detail": (d.get("immediate_risk_detail") or "") if immediate else "",
            "received_at": d.get("received_at"),
            "late_recorded_reason": d.get("late_recorded_reason") or "",
            **self.da_data(),
        }


class PersonChangeForm(CleanTextFormMixin, forms.Form):
    """Change a person named in a contact: their details (prefilled), an identifier or a new address to add, and
    for a child their school and GP. Before screening it is an amendment (the recorder or the hub); after, a
    correction by the hub, which needs a reason. Maps onto contacts.services.contact_amend /
    contact_person_correct, whose errors come back by the same keys."""

    forename = NameField("First name")
    surname = NameField("Last name")
    dob = _date("Date of birth", help_text="For an unborn child, the expected date of birth")
    sex = _radios("Sex", Sex.choices)
    nhs_number = IdentifierField("nhs_number", "Add an NHS number", help_text="10 digits")
    upn = IdentifierField("upn", "Add a unique pupil number (UPN)", max_length=20)
    pnc_id = IdentifierField("pnc_id", "Add a PNC ID", max_length=20)
    address_line1 = _text("New address: line 1", max_length=200, help_text="Leave blank to keep the address")
    town = _text("New address: town or city", max_length=100)
    postcode = PostcodeField("New address: postcode")
    school = forms.ChoiceField(label="School or nursery", required=False, choices=[])
    gp = forms.ChoiceField(label="GP practice", required=False, choices=[])
    reason = _long_text("Reason for the correction", limit=500, rows=3)
    # who reads the reason (access.sharing.contact_change_reason_held); named apart from any other sensitivity
    reason_sensitivity = forms.ChoiceField(
        label="How sensitive is the reason?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        help_text="Standard and sensitive: the MASH can read it. Sealed: only the roles the partnership names for "
        "sealed records. You can always read what you write.",
        error_messages={"invalid_choice": CHANGE_SENSITIVITY_MESSAGE},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, label="Version")
    # correcting or ending the address the person has now (a correction after screening, by the hub)
    current_address_id = forms.CharField(widget=forms.HiddenInput, required=False, label="Current address")
    current_address_status = address_status_field()
    current_address_line1 = _text("Address line 1", max_length=200)
    current_town = _text("Town or city", max_length=100)
    current_postcode = PostcodeField("Postcode")
    end_current_address = forms.BooleanField(label="They no longer live at this address", required=False)
    current_address_end = _date(
        "Date they stopped living there", past="today", help_text="Leave blank for today. For example, 27 3 2026"
    )

    SERVICE_FIELDS = {
        "forename": "forename",
        "surname": "surname",
        "date_of_birth": "dob",
        "expected_date_of_birth": "dob",
        "sex": "sex",
        "address": "address_line1",
        "address.line1": "address_line1",
        "address.postcode": "postcode",
        "add_address": "address_line1",
        "school_code": "school",
        "gp_code": "gp",
        "reason": "reason",
        "sensitivity": "reason_sensitivity",
        "correct_address": "current_address_line1",
        "correct_address.status": "current_address_status",
        "correct_address.line1": "current_address_line1",
        "correct_address.town": "current_town",
        "correct_address.postcode": "current_postcode",
        "end_address": "end_current_address",
        "end_address.address_id": "end_current_address",
        "end_address.end_date": "current_address_end",
    }
    IDENTIFIERS = ("nhs_number", "upn", "pnc_id")
    CURRENT_ADDRESS = (
        "current_address_status",
        "current_address_line1",
        "current_town",
        "current_postcode",
        "end_current_address",
        "current_address_end",
    )

    def __init__(
        self,
        *args,
        child: bool,
        correction: bool,
        unborn: bool = False,
        schools=(),
        gps=(),
        current_address=None,
        **kwargs,
    ):
        """current_address: the person's current Address (not ended); in a correction its values can be corrected
        or it can be ended (contact_person_correct's correct_address / end_address)."""
        if current_address is not None and correction:
            kwargs["initial"] = {
                **(kwargs.get("initial") or {}),
                "current_address_id": str(current_address.pk),
                "current_address_status": current_address.status,
                "current_address_line1": current_address.line1,
                "current_town": current_address.town,
                "current_postcode": current_address.postcode,
            }
        super().__init__(*args, **kwargs)
        self.child, self.correction, self.unborn = child, correction, unborn
        self.current_address = current_address if correction else None
        self.fields["school"].choices = [("", "Not known or not listed"), *[(a.code, a.name) for a in schools]]
        self.fields["gp"].choices = [("", "Not known or not listed"), *[(a.code, a.name) for a in gps]]
        names = ["forename", "surname", "dob", "sex", "nhs_number", "upn", "address_line1", "town", "postcode"]
        if child and not correction:
            names += ["school", "gp"]
        if not child:
            names = [n for n in names if n not in ("upn", "address_line1", "town", "postcode")] + ["pnc_id"]
        if self.current_address is not None:
            names = [n for n in names if n not in ("address_line1", "town", "postcode")]
            names += ["current_address_id", *self.CURRENT_ADDRESS, "address_line1", "town", "postcode"]
            self.fields["address_line1"].help_text = "Only if they have moved: the address above then ends today"
        if correction:
            names += ["reason", "reason_sensitivity"]
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Give the reason for the correction"
        for name in [n for n in self.fields if n not in names and n != "version"]:
            del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        layout = [
            Field.text(n, field_width=Fluid.TWO_THIRDS) if n in ("forename", "surname") else n
            for n in names
            if n not in self.CURRENT_ADDRESS
        ]
        if self.current_address is not None:
            at = layout.index("current_address_id") + 1
            layout[at:at] = [
                Fieldset(
                    HTML(
                        '<p class="govuk-body">Correct it if it was recorded wrongly. If they have moved, say so '
                        "below and add the new address.</p>"
                    ),
                    Field.radios("current_address_status", small=True),
                    Field.text("current_address_line1", field_width=Fluid.TWO_THIRDS),
                    Field.text("current_town", field_width=Fluid.ONE_HALF),
                    Field.text("current_postcode", field_width=Fixed.TEN, autocomplete="off"),
                    Field.checkbox("end_current_address", small=True),
                    Field("current_address_end"),
                    legend="Current address",
                    legend_size=Size.MEDIUM,
                )
            ]
        self.helper.layout = Layout(*layout, "version")

    def field_for(self, parts: list) -> str | None:
        given = [kind for kind in self.IDENTIFIERS if kind in self.fields and self.cleaned_data.get(kind)]
        if parts and parts[0] == "identifiers" and len(parts) > 1 and isinstance(parts[1], int):
            return given[parts[1]] if parts[1] < len(given) else None
        if parts == ["add_identifiers"]:  # the identifiers to add, refused as a whole: the first one given
            return given[0] if given else None
        return self.SERVICE_FIELDS.get(".".join(str(p) for p in parts))

    def changes(self) -> dict:
        """Only what differs from the record (the form was prefilled with it), in the service's input shape."""
        d, out = self.cleaned_data, {}
        for name, key in (("forename", "forename"), ("surname", "surname"), ("sex", "sex")):
            if name in self.changed_data:
                out[key] = d.get(name) or ("U" if name == "sex" else "")
        if "dob" in self.changed_data:
            out["expected_date_of_birth" if self.unborn else "date_of_birth"] = d.get("dob")
        identifiers = [{"type": k, "value": d[k]} for k in self.IDENTIFIERS if k in self.fields and d.get(k)]
        if identifiers:
            out["add_identifiers"] = identifiers
        if d.get("address_line1") or d.get("postcode"):
            out["add_address"] = {
                "line1": d.get("address_line1") or "",
                "town": d.get("town") or "",
                "postcode": d.get("postcode") or "",
            }
        for name in ("school", "gp"):
            if name in self.fields and name in self.changed_data:
                out[f"{name}_code"] = d.get(name) or ""
        if self.current_address is not None:
            address_id = str(self.current_address.pk)
            boxes = {"current_address_status", "current_address_line1", "current_town", "current_postcode"}
            # boxes not posted at all are left alone (as the API's fields left out), never read as blanked
            if set(self.changed_data) & boxes and any(self.add_prefix(b) in self.data for b in boxes):
                out["correct_address"] = {
                    "address_id": address_id,
                    "status": d.get("current_address_status") or AddressStatus.KNOWN,
                    "line1": d.get("current_address_line1") or "",
                    "town": d.get("current_town") or "",
                    "postcode": d.get("current_postcode") or "",
                }
            if d.get("end_current_address"):
                out["end_address"] = {"address_id": address_id, "end_date": d.get("current_address_end")}
        return out

    def place_errors(self, exc: ApplicationError, prefix: str = "") -> None:
        """Service errors onto this form's fields (keys such as people.0.date_of_birth, or date_of_birth)."""
        for key, messages in (exc.errors or {"": [exc.message]}).items():
            parts = _service_key_parts(key)
            if prefix and parts[:1] == [prefix]:
                parts = parts[2:] if len(parts) > 1 and isinstance(parts[1], int) else parts[1:]
            field = self.field_for(parts)
            if field not in self.fields:
                field = None
            for message in messages:
                self.add_error(field, message)


def place_service_errors(
    exc: ApplicationError, *, form: ContactForm, children: list, members: list, only_free_fields: bool = False
) -> None:
    """Put the service's errors on the field that produced each part of its input. Keys follow the input's
    structure (subjects.1.identifiers.0.value): subjects.i came from children[i] and household.i from
    members[i] (the forms that were not blank, in order); anything else is one of `form`'s fields by name, or a
    page-level error if no field answers it. With only_free_fields (the forms had errors of their own, so the
    input was partial) only errors on fields without one are added."""
    for key, messages in (exc.errors or {"": [exc.message]}).items():
        parts = _service_key_parts(key)
        target, field = form, None
        if parts and parts[0] in ("subjects", "household"):
            group = children if parts[0] == "subjects" else members
            if len(parts) > 1 and isinstance(parts[1], int) and parts[1] < len(group):
                target = group[parts[1]]
                field = target.field_for(parts[2:])
            elif group:  # about the list as a whole ("add at least one child")
                target, field = group[0], ("forename" if "forename" in group[0].fields else None)
        elif parts:
            name = str(parts[0])
            field = form.SERVICE_FIELDS.get(name, name)
        if field is not None and field not in target.fields:
            field = None
        if field is not None and target.fields[field].widget.is_hidden:
            field = None
        if only_free_fields and (field is None or target.errors.get(field)):
            continue  # the form's own check already said what is wrong here
        for message in messages:
            (target if field else form).add_error(field, message)


# --- screening and enquiries ---------------------------------------------------------------------------------------


def _rag_choices(levels) -> list[tuple[str, str]]:
    return [(lvl.code, lvl.label) for lvl in levels]


def _text_sensitivity(label: str, help_text: str, message: str) -> forms.ChoiceField:
    """The radios for the level of a practitioner's free text (standard, sensitive, sealed: a case note's choices;
    standard when not sent, as in the API; a value not in the list is `message`). The form sets its hints."""
    return forms.ChoiceField(
        label=label,
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"invalid_choice": message},
    )


class ScreeningForm(CleanTextFormMixin, forms.Form):
    outcome = _radios("What should happen next?", ScreeningOutcome.choices)
    rag = _radios("How urgent are the multi-agency checks?", [])
    rationale = _long_text(
        "Rationale for the screening decision",
        limit=MAX_TEXT,
        help_text="Why you made this decision, with reference to the threshold document",
    )
    holder_confirmed = forms.BooleanField(required=False, label="I am screening a contact held by someone else")
    holder_seen = forms.IntegerField(required=False, widget=forms.HiddenInput, label="Holder")

    enquiry_id = _radios("Which MASH enquiry should this contact join?", [])
    exception_reason = required_when(
        _long_text("Reason for an exception to the immediate-risk rules", limit=MAX_TEXT, rows=3)
    )
    sensitivity = _text_sensitivity(
        "How sensitive is the rationale?",
        "This decides who can read your rationale and any reason for an exception. You can always read what you "
        "write.",
        SCREENING_SENSITIVITY_MESSAGE,
    )

    def __init__(
        self,
        *args,
        rag_levels=(),
        holder=None,
        open_enquiries=(),
        immediate_risk=False,
        immediate_risk_exception=False,
        **kwargs,
    ):
        """holder: the hub member who holds the contact when it is someone else (a User), else None. The page then
        asks "I am screening a contact held by X" and says which holder the screener saw (holder_seen).
        open_enquiries: [(enquiry id, "contact C-… from <agency>")] open about this contact's children (issue 6,
        duplicate work): "add to the open MASH enquiry" is offered only when there is one, and which one is asked
        only when there are several. immediate_risk: the contact has immediate risk and awaits screening: the RAG
        hints give the immediate-risk timescale (enquiries.timescales.rag_timescale_hint) and the reason is asked,
        with a hint saying when it is required (rating the least urgent level; enquiries.services
        .immediate_risk_rating_check). immediate_risk_exception: the screener may also close it as an exception (a
        MASH manager: enquiries.services.screening_record), so the hint names that case too."""
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads the rationale (access.sharing.screening_text_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints("rationale")
        immediate_risk = immediate_risk or immediate_risk_exception
        least = enquiry_services.least_urgent_rag_level(list(rag_levels)) if immediate_risk else None
        if not immediate_risk:
            del self.fields["exception_reason"]
        else:
            cases = []
            if least is not None:
                cases.append(f"you open a MASH enquiry rated {least.label}")
            if immediate_risk_exception:
                cases.append("you choose no further action / advice or early help")
            self.fields["exception_reason"].help_text = (
                f"Required if {' or if '.join(cases)}: this contact has immediate risk. It is recorded with your "
                "decision and in the audit trail"
            )
        self.fields["enquiry_id"].required = False
        outcomes = [(v, label) for v, label in ScreeningOutcome.choices if v != ScreeningOutcome.ADD_TO_ENQUIRY]
        if len(open_enquiries) == 1:
            outcomes.insert(
                0, (ScreeningOutcome.ADD_TO_ENQUIRY, f"Add to the open MASH enquiry ({open_enquiries[0][1]})")
            )
        elif open_enquiries:
            outcomes.insert(0, (ScreeningOutcome.ADD_TO_ENQUIRY, ScreeningOutcome.ADD_TO_ENQUIRY.label))
        self.fields["outcome"].choices = outcomes
        if len(open_enquiries) > 1:
            self.fields["enquiry_id"].choices = [(str(pk), label) for pk, label in open_enquiries]
        else:
            del self.fields["enquiry_id"]
        self.fields["rag"].choices = _rag_choices(rag_levels)
        self.rag_hints = rag_timescale_hints(rag_levels, immediate_risk=immediate_risk)
        if least is not None:
            self.rag_hints[least.code] += ". A reason is required for this rating with immediate risk"
        self.holder = holder
        if holder is None:
            del self.fields["holder_confirmed"], self.fields["holder_seen"]
        else:
            name = getattr(holder, "display_name", "") or holder.username
            self.fields["holder_confirmed"].label = f"I am screening a contact held by {name}"
            self.fields["holder_confirmed"].help_text = "They will be told that you screened it"
            self.initial["holder_seen"] = holder.pk

    def holder_confirmed_id(self) -> int | None:
        """The holder the screener confirmed (the one the page showed), or None."""
        if self.holder is None or not self.cleaned_data.get("holder_confirmed"):
            return None
        return self.cleaned_data.get("holder_seen")


class IntakeMatchRejectForm(CleanTextFormMixin, forms.Form):
    """The screening page's "not the same child" (ADR 0009 addendum 2): the held intake join to reject and why. The
    service (enquiries.services.intake_match_reject) decides; its errors come back on these fields."""

    intake_match_reject = forms.UUIDField(
        widget=forms.HiddenInput,
        label="Match",
        error_messages={"required": "Choose the match to reject", "invalid": "Choose the match to reject"},
    )
    intake_match_reason = forms.CharField(
        label="Why is this not the same child?",
        help_text="This is kept with the decision and shown to reviewers",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        max_length=500,
        error_messages={
            "required": "Give the reason this is not the same child",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )


class RerateForm(CleanTextFormMixin, forms.Form):
    """Re-rate an open enquiry: the new rating, with the timescale each rating will really give beside it (the same
    words as the first rating on the screening page: enquiries.timescales.rag_timescale_hints), and a reason, which
    is required (it is kept with the rating in the enquiry's history; enquiries.services.enquiry_rerate)."""

    rag = _radios("New RAG rating", [], required=True)
    reason = _long_text(
        "Reason for the new rating",
        limit=MAX_TEXT,
        rows=3,
        help_text="What has changed. It is kept with the rating in the enquiry's history and the audit trail",
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is the reason?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent, as in the API; a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who can read the reason. You can always read what you write.",
        error_messages={"invalid_choice": REASON_SENSITIVITY_MESSAGE},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, label="Enquiry version")

    def __init__(self, *args, rag_levels=(), immediate_risk=False, **kwargs):
        """rag_levels: the partnership's levels; immediate_risk: the enquiry's contact has immediate risk (the hints
        then give its clock timescale; the enquiry page sets it with `timescales` once it has the enquiry)."""
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads the reason (access.sharing.rag_change_reason_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints("reason", standard="The MASH can read it.")
        self.rag_levels = list(rag_levels)
        self.fields["rag"].choices = _rag_choices(self.rag_levels)
        self.fields["rag"].error_messages["required"] = "Select the new RAG rating"
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = "Enter the reason for the new rating"
        self.timescales(immediate_risk=immediate_risk)

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD

    def timescales(self, *, immediate_risk: bool) -> None:
        """Set the hint beside each rating for an enquiry with (or without) immediate risk."""
        self.rag_hints = rag_timescale_hints(self.rag_levels, immediate_risk=immediate_risk)


class AgencyRequestForm(CleanTextFormMixin, forms.Form):
    agency_codes = _checkboxes("Which agencies should be asked?", [])
    question = _long_text(
        "What do you want to know?",
        limit=MAX_TEXT,
        rows=3,
        help_text="For every agency asked. Leave blank to ask what each agency knows about the children and the "
        "adults in their household",
    )

    question_sensitivity = forms.ChoiceField(
        label="How sensitive are the questions?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent, as in the API; a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who can read the questions. You can always read what you write.",
        error_messages={"invalid_choice": QUESTION_SENSITIVITY_MESSAGE},
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads a question at that level (access.sharing.request_question_held)
        self.sensitivity_hints = case_note_sensitivity_hints(
            "question", standard="The MASH can read it, and so can the agency asked."
        )
        self.fields["agency_codes"].choices = [(a.code, a.name) for a in agencies]
        for a in agencies:  # one agency's own question (services: agency_requests_create `questions`)
            self.fields[f"question_{a.code}"] = _long_text(f"Question for {a.name}", limit=MAX_TEXT, rows=2)

    def agency_question_fields(self):
        """The per-agency question fields (``question_<agency code>``), not the questions' sensitivity."""
        return [self[name] for name in self.fields if name.startswith("question_") and name != "question_sensitivity"]

    def clean_question_sensitivity(self) -> str:
        return self.cleaned_data.get("question_sensitivity") or ItemSensitivity.STANDARD

    def questions(self) -> dict[str, str]:
        """Per-agency questions for the agencies being asked (blank ones left out)."""
        chosen = set(self.cleaned_data.get("agency_codes") or [])
        return {
            code: self.cleaned_data.get(f"question_{code}") or ""
            for code in chosen
            if (self.cleaned_data.get(f"question_{code}") or "").strip()
        }

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD

    def field_for_service_key(self, key: str) -> str | None:
        if key.startswith("questions."):
            return f"question_{key.removeprefix('questions.')}"
        return key


class DecisionForm(CleanTextFormMixin, forms.Form):
    outcomes = _checkboxes("Outcome", [], help_text="Select all that apply")
    threshold_level = _radios("Threshold level", [])
    rationale = _long_text("Rationale for the decision", limit=MAX_TEXT)
    next_steps = _long_text("Next steps", limit=MAX_TEXT, rows=3)
    exception_reason = required_when(
        _long_text(
            "Reason for an unusual decision",
            limit=MAX_TEXT,
            rows=3,
            help_text="Required if no agency was asked for information, or an outcome is unusual at the threshold "
            "level chosen (for example a strategy discussion at level 1)",
        )
    )
    unanswered_confirmed = forms.BooleanField(
        required=False,
        label="I am deciding before every agency asked has answered",
        help_text="Their requests will close unanswered and the pack will say so",
    )
    # named apart from the rating form's `sensitivity` on the same enquiry page (ids unique on the page)
    decision_sensitivity = _text_sensitivity(
        "How sensitive are the rationale and next steps?",
        "This decides who can read the rationale, next steps and any reason for an unusual decision. The outcomes "
        "and threshold are always shown. You can always read what you write.",
        DECISION_SENSITIVITY_MESSAGE,
    )

    def __init__(self, *args, outcome_codes=(), threshold_levels=(), children=(), agencies_asked=None, **kwargs):
        """agencies_asked: how many agencies were asked on this enquiry (None: not known). The hints then say up
        front when the decision needs a reason (enquiries.services.decision_reason_rules, the same rules the
        service applies on submitting: decision_exceptions)."""
        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads the texts (access.sharing.decision_text_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints(
            "rationale",
            standard="The MASH can read it, and so can the allocated social worker in the MASH pack and the early "
            "help service a family is handed to.",
        )
        self.fields["outcomes"].choices = [(o.code, o.label) for o in outcome_codes]
        level_rules = enquiry_services.decision_reason_rules(outcome_codes=outcome_codes)
        if level_rules:
            self.fields["outcomes"].help_text = (
                "Select all that apply. An outcome at an unusual threshold level needs a reason: "
                + escape("; ".join(level_rules))  # outcome labels are partnership data; field.html marks hints safe
            )
        if agencies_asked == 0:
            self.fields["exception_reason"].help_text = (
                "Required for this decision: no agency has been asked for information on this enquiry. Also "
                "required if an outcome is unusual at the threshold level chosen (see Outcome)"
            )
        elif level_rules:
            self.fields["exception_reason"].help_text = (
                "Required if an outcome is unusual at the threshold level chosen (see Outcome) or no agency was "
                "asked for information"
            )
        self.fields["threshold_level"].choices = [(str(t.level), str(t)) for t in threshold_levels]
        self.threshold_hints = {str(t.level): t.description for t in threshold_levels if t.description}
        # With more than one child, each child's decision can differ (blank = the decision above).
        self.children = list(children) if len(children) > 1 else []
        for i, person in enumerate(self.children):
            self.fields[f"child_{i}_outcomes"] = _checkboxes(
                f"Outcome for {person.full_name}", self.fields["outcomes"].choices
            )
            self.fields[f"child_{i}_threshold_level"] = _radios(
                f"Threshold level for {person.full_name}", self.fields["threshold_level"].choices
            )
        self._child_index: list[int] = []

    def clean_decision_sensitivity(self) -> str:
        return self.cleaned_data.get("decision_sensitivity") or ItemSensitivity.STANDARD

    def threshold(self) -> int:
        value = self.cleaned_data.get("threshold_level")
        return int(value) if value else 0

    def child_field_pairs(self):
        return [(self[f"child_{i}_outcomes"], self[f"child_{i}_threshold_level"]) for i in range(len(self.children))]

    def children_data(self) -> list[dict] | None:
        """The children whose decision differs, for the service's `children` (None when none differs)."""
        rows, self._child_index = [], []
        for i, person in enumerate(self.children):
            outcomes = list(self.cleaned_data.get(f"child_{i}_outcomes") or [])
            level = self.cleaned_data.get(f"child_{i}_threshold_level")
            if outcomes or level:
                rows.append({"person_id": person.pk, "outcomes": outcomes, "threshold_level": int(level or 0) or None})
                self._child_index.append(i)
        return rows or None

    def field_for_service_key(self, key: str) -> str | None:
        """children.<j>.<field> (j indexes children_data()) -> child_<i>_<field>; sensitivity ->
        decision_sensitivity."""
        if key == "sensitivity":
            return "decision_sensitivity"
        if key.startswith("children."):
            _, j, name = (key.split(".") + ["", ""])[:3]
            if j.isdigit() and int(j) < len(self._child_index):
                return f"child_{self._child_index[int(j)]}_{'threshold_level' if name == 'threshold_level' else 'outcomes'}"
            return None
        return key


class ResponseForm(CleanTextFormMixin, forms.Form):
    information_held = _radios(
        "Does your agency hold information about these children or their household?",
        [("yes", "Yes, we hold information"), ("no", "No information held")],
        required=True,
    )
    summary = _long_text(
        "Summary of what your agency knows",
        limit=MAX_TEXT,
        rows=6,
        help_text="Relevant, proportionate information with your analysis of what it means for the child",
    )
    risk_indicators = _checkboxes("Risk indicators", list(RISK_INDICATORS.items()), help_text="Select all that apply")
    relevant_dates = _text(
        "Relevant dates",
        max_length=500,
        help_text="For example, dates of incidents, attendances or missed appointments",
    )
    sensitivity = _radios("Sensitivity", Sensitivity.choices, initial=Sensitivity.STANDARD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["information_held"].error_messages["required"] = (
            "Select whether your agency holds information about these children"
        )

    def service_kwargs(self) -> dict:
        """What the service takes (agency_response_record; agency_response_amend adds version and reason)."""
        d = self.cleaned_data
        if d.get("information_held") == "no":
            # The details are in a hidden branch of the question: ignore anything typed there.
            return {"no_information": True, "summary": "", "risk_indicators": [], "relevant_dates": ""}
        return {
            "no_information": False,
            "summary": d.get("summary") or "",
            "risk_indicators": list(d.get("risk_indicators") or []),
            "relevant_dates": d.get("relevant_dates") or "",
            "sensitivity": d.get("sensitivity") or Sensitivity.STANDARD,
        }


class ResponseAmendForm(ResponseForm):
    """Amend an answer already sent: the whole new answer, why it changed, and the version it replaces."""

    reason = _long_text("Why are you changing your agency's answer?", limit=MAX_TEXT, rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, label="Answer version")

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "reason": self.cleaned_data.get("reason") or "",
            "version": self.cleaned_data["version"],
        }


class AcknowledgeForm(CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Request version")


class AllocateForm(CleanTextFormMixin, forms.Form):
    """Allocate a child who is open to children's social care to a social worker."""

    def __init__(self, *args, workers=(), current_user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"] = forms.ChoiceField(
            label="Change the allocated worker" if current_user_id else "Allocate a social worker",
            choices=[("", "Choose a worker"), *[(str(m.pk), f"{m.user} ({m.agency.name})") for m in workers]],
            initial=next((str(m.pk) for m in workers if m.user_id == current_user_id), ""),
            error_messages={
                "required": "Choose a social worker",
                "invalid_choice": "Choose a social worker who can sign in and work now",
            },
        )


class ChildStatusForm(CleanTextFormMixin, forms.Form):
    """Record a child protection plan, looked-after status or child in need plan (children's social care; the
    service people.services.child_status_record checks the rest)."""

    kind = forms.ChoiceField(
        label="What is it?",
        choices=[
            ("cp_plan", "Child protection plan"),
            ("looked_after", "Looked after"),
            ("child_in_need", "Child in need plan"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what it is"},
    )
    start_date = GovukDateField(
        label="Date it started",
        past="today",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it started"},
    )
    end_date = GovukDateField(
        label="Date it ended", required=False, past="today", help_text="Only if it has already ended"
    )


class ChildStatusEndForm(CleanTextFormMixin, forms.Form):
    """End a plan or status: the date it ended."""

    end_date = GovukDateField(
        label="Date it ended",
        past="today",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it ended"},
    )


def formset_resize(data, prefix: str, *, add: bool = False, drop: int | None = None):
    """The posted answers (a QueryDict) with one more empty form in formset `prefix`, or without form number `drop`
    (the later forms move up one). The GOV.UK "add another" pattern without JavaScript: "Add another" and "Remove"
    are submit buttons, and the page is drawn again from these answers. Returns a mutable copy."""
    data = data.copy()
    raw = str(data.get(f"{prefix}-TOTAL_FORMS") or "")
    total = int(raw) if raw.isdigit() else 0
    if drop is not None and 0 <= drop < total:
        for i in range(drop, total):
            for key in [k for k in list(data.keys()) if k.startswith(f"{prefix}-{i}-")]:
                values = data.getlist(key)
                del data[key]
                if i > drop:
                    data.setlist(key.replace(f"{prefix}-{i}-", f"{prefix}-{i - 1}-", 1), values)
        total -= 1
    if add:
        total += 1
    data[f"{prefix}-TOTAL_FORMS"] = str(total)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def forms_quiet(*forms_or_sets) -> None:
    """Bound forms and formsets drawn again as typed, without errors (adding or removing a row is not submitting)."""
    for f in forms_or_sets:
        subforms = list(f.forms) if hasattr(f, "forms") else [f]
        if hasattr(f, "forms"):
            f._errors, f._non_form_errors = [], f.error_class()
        for form in subforms:
            form._errors = forms.utils.ErrorDict()
            if hasattr(form, "cleaned_data"):
                del form.cleaned_data
