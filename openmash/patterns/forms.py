"""Page forms for flags (issue 8): they check the shape of what was posted; the services (patterns.decisions_extra)
do the rest and their field errors are put back on these forms.

Messages are GOV.UK-style and specific (practitioner review): every text field with a limit says "<Name> must be N
characters or fewer" (``LimitMessagesMixin``, on every form here: the name is the field's ``short_name`` or its
label), and a reason must say something ("Give the reason in a few words...": ``services.reason_problem``, the same
rule the API and the services apply)."""

from __future__ import annotations

from django import forms

from openmash.contacts.choices import (
    CONCERN_CODES,
    Consent,
    ConsentCondition,
    ConsentLawfulBasis,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
)
from openmash.core.text import CleanTextFormMixin
from openmash.patterns.services import DISMISSAL_SENSITIVITY_MESSAGE, REASON_MAX, reason_problem
from openmash.sharing.choices import ItemSensitivity

WATCH_PERIODS = [("30", "30 days"), ("90", "90 days"), ("180", "6 months"), ("365", "12 months")]


def limit_message(name: str, max_length: int) -> str:
    """The GOV.UK message for text over its limit: "Reason must be 2,000 characters or fewer"."""
    return f"{name} must be {max_length:,} characters or fewer"


class LimitMessagesMixin:
    """Every field with a ``max_length`` (fields added in ``__init__`` too) gets ``limit_message`` instead of
    Django's "Ensure this value has at most N characters". The name: ``field.short_name`` when set (a label that is
    a question), else the label. Mix in before ``forms.Form``; call ``_limit_messages()`` after adding fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_messages()

    def _limit_messages(self) -> None:
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit:
                name = getattr(field, "short_name", None) or str(field.label or "This")
                field.error_messages["max_length"] = limit_message(name, limit)


def _named(field: forms.Field, short_name: str) -> forms.Field:
    field.short_name = short_name
    return field


class ConsentFieldsMixin(CleanTextFormMixin, forms.Form):
    """The consent decision of the contact a flag is accepted into (or sent to early help with): asked, never
    assumed (practitioner review: the contact used to record "consent not sought" in the screener's name). The same
    questions and answers as the intake form (``contacts.choices``; checked by ``contacts.services.contact_create``,
    whose field errors land here)."""

    consent = forms.ChoiceField(
        label="Has the family agreed to information being shared?",
        help_text="Your decision for the contact this records. Information sharing advice (2024): consent is not "
        "needed to share for safeguarding, but say why it was not sought or why sharing is justified.",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the consent position"},
    )
    consent_not_sought_reason = forms.ChoiceField(
        label="Why was consent not sought?",
        help_text="Only if consent was not sought",
        choices=[("", "Choose a reason"), *ConsentNotSoughtReason.choices],
        required=False,
    )
    consent_override_reason = forms.ChoiceField(
        label="Why is it shared although consent was refused?",
        help_text="Only if consent was refused",
        choices=[("", "Choose a reason"), *ConsentOverrideReason.choices],
        required=False,
    )
    consent_lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing without consent",
        help_text="Required unless consent was obtained. For safeguarding by a public body this is usually public task",
        choices=[("", "Choose a lawful basis"), *[c for c in ConsentLawfulBasis.choices if c[0] != "not_recorded"]],
        required=False,
    )
    # required only in some cases: never labelled "(optional)" (web.forms.required_when, set here without importing
    # the web app)
    consent_lawful_basis.conditional = True
    consent_condition = forms.ChoiceField(
        label="Condition for health or police information",
        help_text="If the concern includes health information or police information",
        choices=[("", "None given"), *ConsentCondition.choices],
        required=False,
    )
    consent_detail = _named(
        forms.CharField(
            label="Note about consent",
            max_length=500,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "The note about consent",
    )

    def consent_data(self) -> dict:
        """The consent answers as ``decisions_extra`` takes them (answers in an unchosen branch left out)."""
        d = self.cleaned_data
        consent = d.get("consent") or ""
        return {
            "consent": consent,
            "consent_not_sought_reason": (d.get("consent_not_sought_reason") or "") if consent == "not_sought" else "",
            "consent_override_reason": (d.get("consent_override_reason") or "") if consent == "refused" else "",
            "consent_lawful_basis": (d.get("consent_lawful_basis") or "") if consent != "obtained" else "",
            "consent_condition": (d.get("consent_condition") or "") if consent != "obtained" else "",
            "consent_detail": d.get("consent_detail") or "",
        }


class FlagDismissForm(LimitMessagesMixin, CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    reason = _named(
        forms.CharField(
            label="Why are you dismissing this flag?",
            help_text="In a few words, for example: the events are explained in the records, or the hub already "
            "knows and is acting.",
            max_length=REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Enter why you are dismissing this flag"},
        ),
        "Reason",
    )
    # standard when not sent, as in the API; who reads each level: access.sharing.flag_dismissal_reason_held
    sensitivity = forms.ChoiceField(
        label="How sensitive is the reason?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        help_text="This decides who can read your reason. You can always read what you write.",
        error_messages={"invalid_choice": DISMISSAL_SENSITIVITY_MESSAGE},
    )

    def __init__(self, *args, **kwargs):
        from openmash.access.sharing import case_note_sensitivity_hints

        super().__init__(*args, **kwargs)
        #: the hint under each level: who reads the reason (access.sharing.flag_dismissal_reason_held, in words)
        self.sensitivity_hints = case_note_sensitivity_hints(
            "reason", standard="The hub's screeners and managers can read it on the flag."
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        problem = reason_problem(reason, "dismissing this flag")
        if problem:
            raise forms.ValidationError(problem)
        return reason

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD


class FlagWatchForm(LimitMessagesMixin, CleanTextFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    days = forms.ChoiceField(
        label="How long should the hub watch this child?",
        choices=WATCH_PERIODS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long to watch this child"},
    )


class FlagAcceptForm(LimitMessagesMixin, ConsentFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")
    concern_codes = forms.MultipleChoiceField(
        label="Concern categories",
        help_text="Those matching the flag's events are already selected.",
        choices=list(CONCERN_CODES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one concern category"},
    )
    narrative = _named(
        forms.CharField(
            label="What is the concern?",
            help_text="A summary of the pattern; add what the hub knows.",
            max_length=20000,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": "Describe the concern"},
        ),
        "The description of the concern",
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


class FlagEarlyHelpSuggestForm(LimitMessagesMixin, ConsentFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="Flag version")


class FlagEarlyHelpOutcomeForm(LimitMessagesMixin, CleanTextFormMixin, forms.Form):
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


class PatternRuleForm(LimitMessagesMixin, CleanTextFormMixin, forms.Form):
    """A change to one pattern rule (``patterns.rule_editing.rule_change``): its title and plain-English
    description, whether it is in use, and the parameters its definition has (windows, counts, thresholds, weights,
    indicator lists), each a field named after its key. The shape is checked here (whole numbers, numbers, one
    weight a line); the rule itself by the service, with the rules file's checks."""

    version = forms.IntegerField(widget=forms.HiddenInput, label="Rule version")
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the rule's title"})
    description = _named(
        forms.CharField(
            label="What it notices, in plain English",
            help_text="Shown with every flag the rule raises: say what it looks for and why it matters.",
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"required": "Describe what the rule notices"},
        ),
        "The description",
    )
    active = forms.ChoiceField(
        label="Is the rule in use?",
        choices=[("yes", "Yes: it is evaluated and raises flags"), ("no", "No: it is kept but not evaluated")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the rule is in use"},
    )

    def __init__(self, *args, rule=None, **kwargs):
        from openmash.patterns.rule_editing import CODE_LISTS, NUMBERS, WEIGHTS, WHOLE_NUMBERS

        super().__init__(*args, **kwargs)
        self.parameter_names: list[str] = []
        definition = dict(rule.definition) if rule is not None else {}
        keys = list(definition)
        if rule is not None and rule.rule_type == "combination" and WEIGHTS not in keys:
            keys.append(WEIGHTS)
        for key in keys:
            if key in WHOLE_NUMBERS:
                label, hint = WHOLE_NUMBERS[key]
                self.fields[key] = forms.IntegerField(
                    label=label,
                    help_text=hint,
                    min_value=0,
                    max_value=100000,
                    error_messages={
                        "required": f"Enter the {label.lower()}",
                        "invalid": f"{label} must be a whole number, like 3",
                        "min_value": f"{label} must be 0 or more",
                        "max_value": f"{label} must be 100,000 or less",
                    },
                )
            elif key in NUMBERS:
                label, hint = NUMBERS[key]
                self.fields[key] = forms.FloatField(
                    label=label,
                    help_text=hint,
                    min_value=0,
                    max_value=1000,
                    error_messages={
                        "required": f"Enter the {label.lower()}",
                        "invalid": f"{label} must be a number, like 2 or 0.5",
                        "min_value": f"{label} must be 0 or more",
                        "max_value": f"{label} must be 1,000 or less",
                    },
                )
            elif key in CODE_LISTS:
                label, hint = CODE_LISTS[key]
                self.fields[key] = forms.CharField(
                    label=label,
                    help_text=(hint + " " if hint else "")
                    + "Indicator codes, separated by commas: the codes you can use are listed below the form.",
                    max_length=2000,
                    required=key != "exclude",
                    error_messages={"required": f"Enter at least one indicator code for “{label.lower()}”"},
                )
            elif key == WEIGHTS:
                self.fields[key] = forms.CharField(
                    label="Weights",
                    help_text="One indicator a line, a colon, then its weight, for example “ed_attendance: 0.5”. "
                    "An indicator not listed weighs the weight of any other indicator. The codes you can use are "
                    "listed below the form.",
                    max_length=4000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                continue
            self.parameter_names.append(key)
        if rule is not None and not self.is_bound:
            self.initial.update(self.initial_for(rule))
        self._limit_messages()  # the parameters' fields, added above

    @classmethod
    def initial_for(cls, rule) -> dict:
        from openmash.patterns.rule_editing import CODE_LISTS, WEIGHTS

        out = {
            "version": rule.version,
            "title": rule.title,
            "description": rule.description,
            "active": "yes" if rule.active else "no",
        }
        for key, value in rule.definition.items():
            if key in CODE_LISTS:
                out[key] = ", ".join(str(v) for v in value or ())
            elif key == WEIGHTS:
                out[key] = "\n".join(f"{k}: {_number_text(v)}" for k, v in (value or {}).items())
            else:
                out[key] = value
        return out

    def parameter_fields(self):
        return [self[name] for name in self.parameter_names]

    def clean(self):
        from openmash.patterns.rule_editing import CODE_LISTS, NUMBERS, WEIGHTS

        data = super().clean()
        for key in self.parameter_names:
            if key not in data:
                continue
            if key in CODE_LISTS:
                data[key] = [c for c in (part.strip() for part in (data[key] or "").split(",")) if c]
            elif key in NUMBERS and data[key] is not None and float(data[key]).is_integer():
                data[key] = int(data[key])
            elif key == WEIGHTS:
                data[key] = self._weights(data[key] or "")
        return data

    def _weights(self, text: str) -> dict:
        weights: dict = {}
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            code, sep, value = line.partition(":")
            code = code.strip()
            try:
                number = float(value.strip()) if sep and code else None
            except ValueError:
                number = None
            if number is None or number < 0:
                self.add_error(
                    "weights",
                    f"Line {n} of the weights: write an indicator code, a colon and a weight of 0 or more, "
                    "for example “ed_attendance: 0.5”",
                )
                continue
            weights[code] = int(number) if number.is_integer() else number
        return weights

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["active"] = data.get("active") == "yes"
        return data


def _number_text(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
