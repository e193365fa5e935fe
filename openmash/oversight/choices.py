"""Codes of the oversight app (issue 7): why someone broke glass, and what the privacy officer decided."""

from django.db import models


class BreakGlassCategory(models.TextChoices):
    """Why emergency access was needed (NHS SCR emergency access; DOMAIN.md 3.6 'Break-glass')."""

    RISK_TO_LIFE = "risk_to_life", "Immediate risk to life"
    URGENT_SAFEGUARDING = "urgent_safeguarding", "Urgent safeguarding concern that cannot wait for the MASH"
    LEGAL_REQUIREMENT = "legal_requirement", "Legal requirement (a court order or statutory duty)"


class AlertStatus(models.TextChoices):
    """Where a privacy alert is in the privacy officer's review (NHS SCR: review, close, flag or escalate)."""

    UNREVIEWED = "unreviewed", "Not reviewed"
    APPROVED = "approved", "Approved: the access was justified"
    FLAGGED = "flagged", "Flagged: needs following up"
    ESCALATED = "escalated", "Escalated to the Caldicott guardian"


class AlertDecision(models.TextChoices):
    APPROVE = "approve", "Approve: the access was justified"
    FLAG = "flag", "Flag for follow-up"
    ESCALATE = "escalate", "Escalate to the Caldicott guardian"


#: The status each decision leads to.
DECISION_STATUS = {
    AlertDecision.APPROVE: AlertStatus.APPROVED,
    AlertDecision.FLAG: AlertStatus.FLAGGED,
    AlertDecision.ESCALATE: AlertStatus.ESCALATED,
}
#: Which statuses may still be decided: a new alert, and a flagged one (approved after follow-up, or escalated).
DECIDABLE = frozenset({AlertStatus.UNREVIEWED, AlertStatus.FLAGGED})


class AccessOwner(models.TextChoices):
    """Who owns a flagged child for access notifications (CP-IS): the hub for an open MASH enquiry, the allocated
    worker's team for a child open to children's social care, the children's social care agency that holds a current
    child protection plan, looked-after status or child in need plan (people.ChildStatus)."""

    HUB = "hub", "The MASH (open enquiry)"
    ALLOCATION = "allocation", "The allocated worker's team"
    CHILD_STATUS = "child_status", "Children's social care (child protection plan, looked after or child in need)"
