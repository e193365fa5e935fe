"""Forms of the secure room's pages: adding an item, the "Can I share this?" questions (one per page), releasing.
Every field's rule is checked again by openmash.sharing.services (the pages and the API share one set of rules)."""

from __future__ import annotations

from django import forms

from openmash.core.text import CleanTextFormMixin
from openmash.sharing.choices import (
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ConsentState,
    IntelAssessment,
    IntelHandling,
    IntelSource,
    ItemSensitivity,
    LawfulBasis,
    Part3Condition,
    Purpose,
    RefusalReason,
    SealedCategory,
    SensitiveCategory,
    SpecialCondition,
)
from openmash.sharing.services import MAX_ITEM_TEXT, MAX_NOTE, NOTE_SENSITIVITY_MESSAGE


def _note_sensitivity():
    """The necessity note's sensitivity (standard when not sent, as in the API): who reads the note
    (access.sharing.share_note_held)."""
    return forms.ChoiceField(
        label="How sensitive is the note?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,
        widget=forms.RadioSelect,
        help_text="This decides who can read your note. Standard or sensitive: the MASH and your agency. Sealed: only "
        "the roles the partnership names for sealed records, your agency and you; others see that a note is held.",
        error_messages={"invalid_choice": NOTE_SENSITIVITY_MESSAGE},
    )


class _NoteSensitivityMixin:
    def clean_note_sensitivity(self) -> str:
        return self.cleaned_data.get("note_sensitivity") or ItemSensitivity.STANDARD


def _radios(label: str, choices, *, required: bool = True, message: str = "", help_text: str = ""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message or f"Select {label[0].lower() + label[1:]}", "invalid_choice": message},
    )


def _area(label: str, *, limit: int, rows: int = 4, required: bool = False, message: str = "", help_text: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": limit}),
        error_messages={"required": message, "max_length": f"{label} must be {limit:,} characters or fewer"},
        max_length=limit,
    )


_SENSITIVE = [(c.value, c.label) for c in SensitiveCategory if c != SensitiveCategory.NOT_STATED]


class ItemForm(CleanTextFormMixin, forms.Form):
    """One item of the agency's answer: text, sensitivity with its category, and police intelligence grading."""

    text = _area(
        "What does your agency hold?",
        limit=MAX_ITEM_TEXT,
        rows=6,
        required=True,
        message="Enter what your agency holds",
        help_text="One piece of information: relevant, accurate and with your analysis of what it means for the child",
    )
    sensitivity = _radios(
        "How sensitive is it?",
        ItemSensitivity.choices,
        message="Select how sensitive the item is",
        help_text="Sensitive and sealed items stay in the MASH like every item until you release them; sealed ones "
        "only named roles may read",
    )
    sensitive_category = _radios("Why is it sensitive?", _SENSITIVE, required=False)
    sealed_category = _radios("Why is it sealed?", SealedCategory.choices, required=False)
    intel_source = _radios("Source evaluation", IntelSource.choices, required=False)
    intel_assessment = _radios("Intelligence assessment", IntelAssessment.choices, required=False)
    intel_handling = _radios("Handling code", IntelHandling.choices, required=False)

    def item_data(self) -> dict:
        d = self.cleaned_data
        sensitivity = d.get("sensitivity") or ""
        category = {"sensitive": d.get("sensitive_category"), "sealed": d.get("sealed_category")}.get(sensitivity)
        return {
            "text": d.get("text") or "",
            "sensitivity": sensitivity,
            "category": category or "",
            "intel_source": d.get("intel_source") or "",
            "intel_assessment": d.get("intel_assessment") or "",
            "intel_handling": d.get("intel_handling") or "",
        }

    def field_for_service_key(self, key: str) -> str | None:
        if key == "category":
            return "sealed_category" if self.cleaned_data.get("sensitivity") == "sealed" else "sensitive_category"
        return key


# --- "Can I share this?" (one question per page) --------------------------------------------------------------------


class PurposeForm(CleanTextFormMixin, forms.Form):
    purpose = _radios(
        "Is there a safeguarding purpose for sharing it?",
        [*Purpose.choices, ("none", "No, there is no safeguarding purpose")],
        message="Select the purpose, or that there is none",
        help_text="Caldicott principle 1: justify the purpose. Golden rule 1: protecting a child from harm comes first",
    )


class UrgentForm(CleanTextFormMixin, forms.Form):
    urgent = _radios(
        "Is a child at risk of significant harm now?",
        [("yes", "Yes"), ("no", "No")],
        message="Select yes if a child is at risk of significant harm now",
        help_text="If yes, share what is needed now: you are never blocked. Consent need not be sought and the "
        "reasons can be completed later; the decision is recorded as urgent",
    )


class NecessaryForm(_NoteSensitivityMixin, CleanTextFormMixin, forms.Form):
    necessary = _radios(
        "How much of it is necessary and proportionate to share?",
        [("all", "All of it"), ("part", "Only part of it"), ("none", "None of it")],
        message="Select how much of it is necessary to share",
        help_text="Caldicott principle 3: the minimum necessary. Golden rule 6: relevant, accurate, necessary; rarely "
        "a whole record",
    )
    necessity_note = _area(
        "Why is this necessary and proportionate?",
        limit=MAX_NOTE,
        help_text="For example: the missed appointments show the pattern the MASH asked about",
    )
    note_sensitivity = _note_sensitivity()

    def __init__(self, *args, urgent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.urgent = urgent

    def clean(self):
        data = super().clean()
        if data.get("necessary") in ("all", "part") and not data.get("necessity_note") and not self.urgent:
            self.add_error("necessity_note", "Say why sharing this is necessary and proportionate")
        return data


class PartForm(CleanTextFormMixin, forms.Form):
    part_text = _area(
        "Which part will you share?",
        limit=MAX_ITEM_TEXT,
        rows=6,
        required=True,
        message="Enter the part of the item you will share",
        help_text="Only this part is kept and shared with the MASH",
    )


class ConsentForm(CleanTextFormMixin, forms.Form):
    consent = _radios(
        "Has the family (or the young person) agreed to you sharing it?",
        ConsentState.choices,
        message="Select whether consent was given, refused or not sought",
        help_text="Consent is rarely the lawful basis for safeguarding and is not needed where a child is at risk of "
        "harm (golden rule 3, 2024); record what happened",
    )
    consent_not_sought_reason = _radios("Why was consent not sought?", ConsentNotSoughtReason.choices, required=False)
    consent_override_reason = _radios(
        "Why share although consent was refused?",
        [*ConsentOverrideReason.choices, ("none", "I will respect the refusal and not share it")],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("consent") == ConsentState.NOT_SOUGHT and not data.get("consent_not_sought_reason"):
            self.add_error("consent_not_sought_reason", "Select why consent was not sought")
        if data.get("consent") == ConsentState.REFUSED and not data.get("consent_override_reason"):
            self.add_error("consent_override_reason", "Select why you would share although consent was refused")
        return data


class BasisForm(CleanTextFormMixin, forms.Form):
    lawful_basis = _radios(
        "What is the lawful basis for sharing it?",
        [c for c in LawfulBasis.choices if c[0] != LawfulBasis.NOT_RECORDED],
        message="Select the lawful basis (UK GDPR article 6)",
        help_text="For a public body this is usually public task. Ask your data protection officer or Caldicott "
        "guardian if you are unsure (golden rule 4)",
    )
    special_condition = _radios(
        "This is special category data (health or sex life): which condition applies?",
        SpecialCondition.choices,
        required=False,
    )
    part3_condition = _radios(
        "Police information is processed under DPA 2018 Part 3: which Schedule 8 condition applies?",
        Part3Condition.choices,
        required=False,
    )

    def __init__(self, *args, special: bool = False, police: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not special:
            del self.fields["special_condition"]
        if not police:
            del self.fields["part3_condition"]
        if police and "special_condition" in self.fields:
            del self.fields["special_condition"]

    def clean(self):
        data = super().clean()
        if "special_condition" in self.fields and not data.get("special_condition"):
            self.add_error("special_condition", "Select the condition for special category data")
        if "part3_condition" in self.fields and not data.get("part3_condition"):
            self.add_error("part3_condition", "Select the DPA 2018 Schedule 8 condition")
        return data


class RefuseForm(CleanTextFormMixin, forms.Form):
    refusal_reason = _radios(
        "Why are you not sharing it?",
        [c for c in RefusalReason.choices if c[0] not in ("no_safeguarding_purpose", "consent_refused")],
        message="Select why you are not sharing it",
        help_text="The MASH is told that your agency declined to share one item, and this reason; never the item",
    )


class ReleaseForm(_NoteSensitivityMixin, CleanTextFormMixin, forms.Form):
    """Releasing an item out of the hub (to the allocated worker's MASH pack, the referrer, exports), or refusing."""

    outcome = _radios(
        "Release this item outside the MASH?",
        [("share", "Yes, release it"), ("do_not_share", "No, keep it in the MASH")],
        message="Select whether to release the item",
    )
    purpose = _radios("Purpose", Purpose.choices, required=False)
    lawful_basis = _radios(
        "Lawful basis", [c for c in LawfulBasis.choices if c[0] != LawfulBasis.NOT_RECORDED], required=False
    )
    special_condition = _radios("Condition for special category data", SpecialCondition.choices, required=False)
    part3_condition = _radios("DPA 2018 Schedule 8 condition", Part3Condition.choices, required=False)
    consent = _radios("Consent", ConsentState.choices, required=False)
    consent_not_sought_reason = _radios("Why was consent not sought?", ConsentNotSoughtReason.choices, required=False)
    consent_override_reason = _radios(
        "Why release although consent was refused?", ConsentOverrideReason.choices, required=False
    )
    necessity_note = _area("Why is releasing it necessary and proportionate?", limit=MAX_NOTE)
    note_sensitivity = _note_sensitivity()
    urgent = forms.BooleanField(label="A child is at risk of significant harm now", required=False)
    refusal_reason = _radios("Why are you not releasing it?", RefusalReason.choices, required=False)

    def __init__(self, *args, special: bool = False, police: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not special or police:
            del self.fields["special_condition"]
        if not police:
            del self.fields["part3_condition"]

    def decision(self) -> dict:
        d = dict(self.cleaned_data)
        return {k: v for k, v in d.items() if v not in (None,)}
