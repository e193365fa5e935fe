"""Page forms for the review queue. They check the shape of what was posted; the linking service decides (a reason
is required to reject, to unmerge and to override the NHS-number rule) and its errors come back on these fields."""

from __future__ import annotations

from django import forms

from openmash.core.text import CleanTextFormMixin
from openmash.people.linking import REASON_MAX


def _reason(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REASON_MAX}),
        max_length=REASON_MAX,
        error_messages={"max_length": f"The reason must be {REASON_MAX} characters or fewer"},
    )


class LinkDecisionForm(CleanTextFormMixin, forms.Form):
    """A reviewer's decision on a proposed link: the same person (confirm) or different people (reject)."""

    decision = forms.ChoiceField(
        label="Are these records about the same person?",
        choices=[("confirm", "Yes, they are the same person"), ("reject", "No, they are different people")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether these records are about the same person",
            "invalid_choice": "Select whether these records are about the same person",
        },
    )
    reason = _reason("Reason for your decision", "")

    def __init__(self, *args, confirm_needs_reason: bool = False, **kwargs):
        """``confirm_needs_reason``: joining these records needs a reason too (different NHS numbers, an earlier
        "different people", or an earlier rejection); the hint then says a reason is needed for either answer."""
        super().__init__(*args, **kwargs)
        if confirm_needs_reason:
            hint = "Required for either answer: say why they are, or are not, the same person."
        else:
            hint = "Required if they are different people: say why. Optional if they are the same person."
        self.fields["reason"].help_text = hint
        self.fields["reason"].conditional = True  # never labelled "(optional)" (web.forms.required_when)


class SameAfterAllForm(CleanTextFormMixin, forms.Form):
    """A reviewer undoes an earlier "they are different people": the two records are the same person after all. The
    reason is required (``people.linking.link_confirm`` refuses to reverse a rejection without one). Source:
    practitioner review of issue 6, finding 1 (a wrong "different people" could not be undone in the browser)."""

    reason = _reason(
        "Why are they the same person after all?",
        "Say what shows they are the same person. This is kept with the decision and in the audit trail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = "Give the reason they are the same person after all"


class SeparateForm(CleanTextFormMixin, forms.Form):
    """A manager says a person merged into another is not the same person."""

    reason = _reason("Why are these not the same person?", "This is kept with the decision and shown to reviewers")

    def __init__(self, *args, **kwargs):
        """The reason is required (practitioner review of issue 6, finding 13: it was offered as optional, though the
        service refuses a separation without one): the page says so and asks for it before anything is written."""
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = "Give the reason these are not the same person"
