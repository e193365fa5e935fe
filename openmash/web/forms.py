"""Forms for the pages. They check the *shape* of what was posted (a real date, a known option, a sane length);
the services do the domain validation and their errors are mapped back onto these forms (`apply_service_errors`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from openmash.contacts.choices import (
    CONCERN_CODES,
    Consent,
    ConsentNotSoughtReason,
    ContactPersonRole,
    FamilyAware,
    ReferrerType,
)
from openmash.core.exceptions import ApplicationError
from openmash.enquiries.choices import RISK_INDICATORS, ScreeningOutcome, Sensitivity
from openmash.enquiries.services import MAX_TEXT
from openmash.people.choices import Ethnicity, Sex

YES_NO = [("yes", "Yes"), ("no", "No")]
CHILD_SLOTS = (1, 2)
MEMBER_SLOTS = (1, 2)


# --- building blocks -----------------------------------------------------------------------------------------------


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input); posted as <name>_day, <name>_month, <name>_year."""

    def __init__(self, attrs=None):
        super().__init__({"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date from three boxes. Empty is None; a partial or impossible date is an error in GOV.UK words."""

    widget = GovukDateWidget

    def to_python(self, value):
        if isinstance(value, dt.date) or value in (None, ""):
            return value or None
        parts = [str(p or "").strip() for p in value]
        if not any(parts):
            return None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.label} must include a {' and a '.join(missing)}", code="incomplete")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from None


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


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Contact your partnership administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(spellcheck="false", autocapitalize="none")


class RoleSwitchForm(forms.Form):
    membership_id = forms.ChoiceField(label="Act as")

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership_id"].choices = [
            (str(m.pk), f"{m.get_role_display()} at {m.agency.name}") for m in memberships
        ]


# --- people ------------------------------------------------------------------------------------------------------


class PersonSearchForm(forms.Form):
    name = _text("Full name", max_length=200, help_text="First name and last name, for example Amelia Smith")
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2018")
    identifier = _text("NHS number", max_length=40, help_text="10 digits, for example 943 476 5919")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["identifier"].widget.attrs.update(
            inputmode="numeric", autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-10"}
        )


# --- contacts ------------------------------------------------------------------------------------------------------

_CHILD_FIELDS = (
    "person_id",
    "forename",
    "surname",
    "dob",
    "unborn",
    "sex",
    "ethnicity",
    "nhs_number",
    "upn",
    "local_id",
    "address_line1",
    "town",
    "postcode",
)
_CHILD_DETAIL_FIELDS = _CHILD_FIELDS[1:]
_MEMBER_FIELDS = ("forename", "surname", "dob", "pnc_id", "role")
_MEMBER_ROLES = [
    (ContactPersonRole.HOUSEHOLD_MEMBER, "Household member"),
    (ContactPersonRole.PARENT_CARER, "Parent or carer"),
    (ContactPersonRole.ALLEGED_PERPETRATOR, "Alleged perpetrator"),
]
# Service error keys for a person, mapped to our field suffixes.
_PERSON_KEY_FIELDS = {
    "forename": "forename",
    "surname": "surname",
    "date_of_birth": "dob",
    "expected_date_of_birth": "dob",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "person_id": "person_id",
    "role": "role",
    "address.line1": "address_line1",
    "address.postcode": "postcode",
}
_PERSON_KEY = re.compile(r"^(subjects|household)\[(\d+)\]\.(.+)$")


def _child_fields(n: int) -> dict[str, forms.Field]:
    p = f"child{n}_"
    return {
        p + "person_id": forms.CharField(required=False, widget=forms.HiddenInput, label=f"Child {n} record"),
        p + "forename": _text("First name", max_length=100),
        p + "surname": _text("Last name", max_length=100),
        p + "dob": GovukDateField(
            label="Date of birth",
            required=False,
            help_text="For example, 2 4 2018. For an unborn child, enter the expected date of birth",
        ),
        p + "unborn": forms.BooleanField(label="This child is not born yet", required=False),
        p + "sex": _radios("Sex", Sex.choices),
        p + "ethnicity": forms.ChoiceField(
            label="Ethnicity", choices=Ethnicity.choices, required=False, initial=Ethnicity.NOBT
        ),
        p + "nhs_number": _text(
            "NHS number", max_length=40, help_text="10 digits, for example 943 476 5919. Leave blank if not known"
        ),
        p + "upn": _text(
            "Unique pupil number (UPN)",
            max_length=20,
            help_text="13 characters, for example B801200005001. Leave blank if not known",
        ),
        p + "local_id": _text(
            "Local ID", max_length=20, help_text="Your agency's own ID for the child, up to 20 letters and numbers"
        ),
        p + "address_line1": _text("Address line 1", max_length=200),
        p + "town": _text("Town or city", max_length=100),
        p + "postcode": _text("Postcode", max_length=10),
    }


def _member_fields(n: int) -> dict[str, forms.Field]:
    p = f"member{n}_"
    return {
        p + "forename": _text("First name", max_length=100),
        p + "surname": _text("Last name", max_length=100),
        p + "dob": GovukDateField(label="Date of birth", required=False, help_text="For example, 1 1 1988"),
        p + "pnc_id": _text("PNC ID", max_length=20, help_text="Police only, if known. For example 99/123456X"),
        p + "role": forms.ChoiceField(
            label="Role", choices=_MEMBER_ROLES, required=False, initial=ContactPersonRole.HOUSEHOLD_MEMBER
        ),
    }


class ContactForm(forms.Form):
    """Record a contact: up to two children (found or new), household members, the concern, consent, referrer.

    Field names are flat and stable (child1_forename, member1_role, concern_codes, ...) for tests and browsers.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for n in CHILD_SLOTS:
            fields.update(_child_fields(n))
        for n in MEMBER_SLOTS:
            fields.update(_member_fields(n))
        fields.update(
            concern_codes=_checkboxes(
                "What is the concern about?",
                list(CONCERN_CODES.items()),
                help_text="Select all that apply. These are the national categories of need.",
            ),
            narrative=_long_text(
                "Describe the concern",
                limit=settings.OPENMASH_MAX_NARRATIVE_CHARS,
                rows=8,
                help_text="What happened or what you saw or heard, when and where, and what the child said",
            ),
            immediate_risk=_radios("Is the child at immediate risk of harm?", YES_NO),
            immediate_risk_detail=_long_text("Describe the immediate risk and what has been done", limit=1000),
            family_aware=_radios("Does the family know about this contact?", FamilyAware.choices),
            consent=_radios("Has the family agreed to information being shared?", Consent.choices),
            consent_not_sought_reason=forms.ChoiceField(
                label="Why was consent not sought?",
                choices=[("", "Choose a reason"), *ConsentNotSoughtReason.choices],
                required=False,
            ),
            consent_detail=_long_text("More about consent", limit=500, rows=3),
            referrer_type=_radios(
                "Who is raising the concern?",
                [
                    (ReferrerType.PROFESSIONAL, "A professional (you or a colleague)"),
                    (ReferrerType.PUBLIC, "A member of the public"),
                ],
                initial=ReferrerType.PROFESSIONAL,
            ),
            referrer_name=_text("Referrer's name", max_length=200),
            referrer_role=_text("Referrer's job title or relationship to the child", max_length=200),
            referrer_phone=_text("Referrer's phone number", max_length=40),
            idempotency_key=forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=100, label="Form reference"
            ),
        )
        self.fields.update(fields)
        for n in CHILD_SLOTS:
            self.fields[f"child{n}_nhs_number"].widget.attrs.update(
                inputmode="numeric", spellcheck="false", **{"class": "govuk-input--width-10"}
            )
            self.fields[f"child{n}_postcode"].widget.attrs.update(
                autocomplete="off", **{"class": "govuk-input--width-10"}
            )
        self.fields["referrer_phone"].widget.attrs.update(type="tel", autocomplete="tel")
        self.fields["referrer_phone"].widget.input_type = "tel"
        self._subject_slots: list[int] = []
        self._identifier_fields: dict[tuple[str, int], list[str]] = {}
        self._member_slots: list[int] = []

    # -- layout helpers for the template

    def child(self, n: int) -> dict:
        return {name: self[f"child{n}_{name}"] for name in _CHILD_FIELDS}

    def member(self, n: int) -> dict:
        return {name: self[f"member{n}_{name}"] for name in _MEMBER_FIELDS}

    def slot_has_errors(self, prefix: str) -> bool:
        return any(name.startswith(prefix) for name in self.errors)

    def slot_has_data(self, prefix: str) -> bool:
        if not self.is_bound:
            return False
        skip = {"ethnicity", "role"}  # have a default, so say nothing about whether the slot is used
        return any(
            self.data.get(key, "").strip()
            for key in self.data
            if key.startswith(prefix) and not any(key == prefix + s for s in skip)
        )

    # -- validation of shape

    def clean(self):
        cleaned = super().clean()
        for n in CHILD_SLOTS:
            pid = cleaned.get(f"child{n}_person_id") or ""
            if pid:
                try:
                    uuid.UUID(pid)
                except ValueError:
                    self.add_error(f"child{n}_person_id", "Search for the child again and select their record")
        return cleaned

    # -- to the service's input (the same shape as the API's ContactCreateIn)

    def _child_data(self, n: int) -> dict | None:
        c = {name: self.cleaned_data.get(f"child{n}_{name}") for name in _CHILD_FIELDS}
        if c["person_id"]:
            return {"person_id": c["person_id"]}
        if not any(c[name] for name in _CHILD_DETAIL_FIELDS if name != "ethnicity"):
            return None
        address = None
        if c["address_line1"] or c["town"] or c["postcode"]:
            address = {"line1": c["address_line1"], "town": c["town"], "postcode": c["postcode"]}
        return {
            "person_id": None,
            "forename": c["forename"],
            "surname": c["surname"],
            "date_of_birth": None if c["unborn"] else c["dob"],
            "unborn": bool(c["unborn"]),
            "expected_date_of_birth": c["dob"] if c["unborn"] else None,
            "sex": c["sex"] or "U",
            "ethnicity": c["ethnicity"] or Ethnicity.NOBT,
            "identifiers": self._identifiers("child", n, c, ("nhs_number", "upn", "local_id")),
            "address": address,
        }

    def _identifiers(self, prefix: str, n: int, c: dict, kinds: tuple[str, ...]) -> list[dict]:
        """A person's identifiers in service order; remembers which field each came from for error mapping."""
        given = [(kind, c[kind]) for kind in kinds if c[kind]]
        self._identifier_fields[(prefix, n)] = [f"{prefix}{n}_{kind}" for kind, _ in given]
        return [{"type": kind, "value": value} for kind, value in given]

    def _member_data(self, n: int) -> dict | None:
        m = {name: self.cleaned_data.get(f"member{n}_{name}") for name in _MEMBER_FIELDS}
        if not (m["forename"] or m["surname"] or m["dob"] or m["pnc_id"]):
            return None
        return {
            "person_id": None,
            "forename": m["forename"],
            "surname": m["surname"],
            "date_of_birth": m["dob"],
            "unborn": False,
            "expected_date_of_birth": None,
            "sex": "U",
            "ethnicity": Ethnicity.NOBT,
            "identifiers": self._identifiers("member", n, m, ("pnc_id",)),
            "address": None,
            "role": m["role"] or ContactPersonRole.HOUSEHOLD_MEMBER,
        }

    def service_data(self) -> dict:
        d = self.cleaned_data
        subjects, households = [], []
        self._subject_slots, self._member_slots = [], []
        for n in CHILD_SLOTS:
            child = self._child_data(n)
            if child:
                subjects.append(child)
                self._subject_slots.append(n)
        for n in MEMBER_SLOTS:
            member = self._member_data(n)
            if member:
                households.append(member)
                self._member_slots.append(n)
        immediate = {"yes": True, "no": False}.get(d.get("immediate_risk") or "")
        consent = d.get("consent") or ""
        return {
            "subjects": subjects,
            "household": households,
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
            "consent_detail": d.get("consent_detail") or "",
            "immediate_risk": immediate,
            "immediate_risk_detail": (d.get("immediate_risk_detail") or "") if immediate else "",
            "received_at": None,
        }

    def field_for_service_key(self, key: str) -> str | None:
        """Map a service error key (e.g. 'subjects[0].identifiers[0].value') onto one of this form's fields."""
        if key == "subjects":
            free = next((n for n in CHILD_SLOTS if not self.cleaned_data.get(f"child{n}_person_id")), 1)
            return f"child{free}_forename"
        if key == "household":
            return "member1_forename"
        m = _PERSON_KEY.match(key)
        if not m:
            return key
        group, index, rest = m.group(1), int(m.group(2)), m.group(3)
        slots, prefix = (self._subject_slots, "child") if group == "subjects" else (self._member_slots, "member")
        if index >= len(slots):
            return None
        ident = re.match(r"^identifiers\[(\d+)\]", rest)
        if ident:
            fields = self._identifier_fields.get((prefix, slots[index]), [])
            i = int(ident.group(1))
            return fields[i] if i < len(fields) else None
        suffix = _PERSON_KEY_FIELDS.get(rest)
        return f"{prefix}{slots[index]}_{suffix}" if suffix else None


# --- screening and enquiries ---------------------------------------------------------------------------------------


def _rag_choices(levels) -> list[tuple[str, str]]:
    return [(lvl.code, lvl.label) for lvl in levels]


class ScreeningForm(forms.Form):
    outcome = _radios("What should happen next?", ScreeningOutcome.choices)
    rag = _radios("How urgent are the multi-agency checks?", [])
    rationale = _long_text(
        "Rationale for the screening decision",
        limit=MAX_TEXT,
        help_text="Why you made this decision, with reference to the threshold document",
    )

    def __init__(self, *args, rag_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = _rag_choices(rag_levels)
        self.rag_hints = {lvl.code: _hours_hint(lvl.working_hours) for lvl in rag_levels}


def _hours_hint(hours: int) -> str:
    return f"Partner information within {hours} working hour{'s' if hours != 1 else ''}"


class RerateForm(forms.Form):
    rag = _radios("New RAG rating", [])
    reason = _long_text("Reason for the new rating", limit=MAX_TEXT, rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput, label="Enquiry version")

    def __init__(self, *args, rag_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = _rag_choices(rag_levels)


class AgencyRequestForm(forms.Form):
    agency_codes = _checkboxes("Which agencies should be asked?", [])
    question = _long_text(
        "What do you want to know?",
        limit=MAX_TEXT,
        rows=3,
        help_text="For every agency asked. Leave blank to ask what each agency knows about the children and the "
        "adults in their household",
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_codes"].choices = [(a.code, a.name) for a in agencies]
        for a in agencies:  # one agency's own question (services: agency_requests_create `questions`)
            self.fields[f"question_{a.code}"] = _long_text(f"Question for {a.name}", limit=MAX_TEXT, rows=2)

    def agency_question_fields(self):
        return [self[name] for name in self.fields if name.startswith("question_")]

    def questions(self) -> dict[str, str]:
        """Per-agency questions for the agencies being asked (blank ones left out)."""
        chosen = set(self.cleaned_data.get("agency_codes") or [])
        return {
            code: self.cleaned_data.get(f"question_{code}") or ""
            for code in chosen
            if (self.cleaned_data.get(f"question_{code}") or "").strip()
        }

    def field_for_service_key(self, key: str) -> str | None:
        if key.startswith("questions."):
            return f"question_{key.removeprefix('questions.')}"
        return key


class DecisionForm(forms.Form):
    outcomes = _checkboxes("Outcome", [], help_text="Select all that apply")
    threshold_level = _radios("Threshold level", [])
    rationale = _long_text("Rationale for the decision", limit=MAX_TEXT)
    next_steps = _long_text("Next steps", limit=MAX_TEXT, rows=3)
    exception_reason = _long_text(
        "Reason for an unusual decision",
        limit=MAX_TEXT,
        rows=3,
        help_text="Needed when no agency was asked for information, or an outcome is unusual at the threshold "
        "level chosen (for example a strategy discussion at level 1)",
    )

    def __init__(self, *args, outcome_codes=(), threshold_levels=(), children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].choices = [(o.code, o.label) for o in outcome_codes]
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
        """children.<j>.<field> (j indexes children_data()) -> child_<i>_<field>."""
        if key.startswith("children."):
            _, j, name = (key.split(".") + ["", ""])[:3]
            if j.isdigit() and int(j) < len(self._child_index):
                return f"child_{self._child_index[int(j)]}_{'threshold_level' if name == 'threshold_level' else 'outcomes'}"
            return None
        return key


class ResponseForm(forms.Form):
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


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Request version")


class AllocateForm(forms.Form):
    """Allocate a child who is open to children's social care to a social worker."""

    def __init__(self, *args, workers=(), current_user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"] = forms.ChoiceField(
            label="Change the allocated worker" if current_user_id else "Allocate a social worker",
            choices=[("", "Choose a worker"), *[(str(m.pk), f"{m.user} ({m.agency.name})") for m in workers]],
            initial=next((str(m.pk) for m in workers if m.user_id == current_user_id), ""),
            error_messages={"required": "Choose a social worker", "invalid_choice": "Choose a social worker"},
        )
