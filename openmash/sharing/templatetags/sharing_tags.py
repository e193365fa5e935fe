"""Labels for the secure room's codes (openmash.sharing.choices), for the pages and the PDF."""

from django import template

from openmash.sharing import choices as c

register = template.Library()

_LABELS: dict[str, dict[str, str]] = {
    "sensitivity": dict(c.ItemSensitivity.choices),
    "category": {**dict(c.SensitiveCategory.choices), **dict(c.SealedCategory.choices)},
    "intel_source": dict(c.IntelSource.choices),
    "intel_assessment": dict(c.IntelAssessment.choices),
    "intel_handling": dict(c.IntelHandling.choices),
    "state": dict(c.ItemState.choices),
    "kind": dict(c.DecisionKind.choices),
    "outcome": dict(c.DecisionOutcome.choices),
    "purpose": dict(c.Purpose.choices),
    "lawful_basis": dict(c.LawfulBasis.choices),
    "special_condition": dict(c.SpecialCondition.choices),
    "part3_condition": dict(c.Part3Condition.choices),
    "consent": dict(c.ConsentState.choices),
    "consent_not_sought_reason": dict(c.ConsentNotSoughtReason.choices),
    "consent_override_reason": dict(c.ConsentOverrideReason.choices),
    "refusal_reason": dict(c.RefusalReason.choices),
    "release_status": dict(c.ReleaseRequestStatus.choices),
}


def sharing_label_of(value, kind: str) -> str:
    """The label of a code of one of the sharing vocabularies ("" for a blank code; the code if unknown)."""
    if not value:
        return ""
    return _LABELS.get(kind, {}).get(value, value)


@register.filter
def sharing_label(value, kind: str) -> str:
    return sharing_label_of(value, kind)
