"""Writes of the oversight app (issue 7): break-glass, the privacy officer's decisions, CP-IS access notices.

Each service is transactional and audited in the same transaction (openmash.audit.services); the audit trail gets
ids and codes only, never a reason's or a note's text (which stay on the oversight rows), never a name. In-app
notifications (enquiries.Notification) carry a reference and what happened, never personal data (SECURITY-TESTS EM-1,
NT-1; NHS SCR: "no patient or user identifiable information ... just an alert reference").
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from openmash.access.involvement import view_basis
from openmash.access.policy import (
    access_notice_owners,
    break_glass_forget,
    break_glass_get_for,
    break_glass_minutes,
    caldicott_escalation_recipients,
    can,
    person_full_record_allowed,
    privacy_alert_get_for,
    privacy_officers,
    require,
)
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.enquiries.models import Notification
from openmash.oversight.choices import DECIDABLE, DECISION_STATUS, AlertDecision, BreakGlassCategory
from openmash.oversight.models import (
    AccessNotice,
    BreakGlass,
    OversightDelivery,
    PrivacyAlert,
    PrivacyAlertDecision,
    new_reference,
)
from openmash.sharing.choices import ItemSensitivity

REASON_MIN = 20
REASON_MIN_WORDS = 4
_WORD = re.compile(r"[^\W\d_]{2,}")
REASON_MAX = 2000
NOTE_MAX = 2000
#: At most one access notice per viewer per child in this window (no flood: NT-1).
NOTICE_WINDOW = dt.timedelta(hours=1)

STEPUP_NEEDED = "Confirm your password before opening a record in an emergency"


def _notify(users, message: str, *, alert=None, notice=None) -> int:
    """One in-app notification per user (a reference and what happened; no contact, no personal data), each linked
    to the alert or notice it is about (OversightDelivery). Returns how many were written."""
    made = 0
    for user_id in sorted(set(users)):
        note = Notification.objects.create(user_id=user_id, contact=None, message=message[:200])
        OversightDelivery.objects.create(notification=note, alert=alert, notice=notice)
        made += 1
    return made


def _unique_reference(model, prefix: str) -> str:
    for _ in range(10):
        ref = new_reference(prefix)
        if not model.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("could not find a free reference")  # 40 random bits: never in practice


def reason_words_ok(reason: str) -> bool:
    """True if a break-glass reason is written in words (attacker review 2026-12-01: "aaaaaaaaaaaaaaaaaaaaaaaaa"
    passed the length rule alone): at least REASON_MIN_WORDS words of two or more letters (any alphabet), not all
    the same word, no word being one repeated letter ("aaaa")."""
    words = [w.lower() for w in _WORD.findall(reason or "") if len(set(w.lower())) > 1]
    return len(words) >= REASON_MIN_WORDS and len(set(words)) > 1


REASON_WORDS_MESSAGE = (
    f"The reason must be in words (at least {REASON_MIN_WORDS}): say what is happening and why it cannot wait"
)


def break_glass_validate(*, category: str, reason: str) -> tuple[str, str]:
    """The category (a BreakGlassCategory code) and the reason (stripped; 20 to 2,000 characters, and written in
    words: ``reason_words_ok``), or ValidationFailed with a message on `category` and/or `reason` (every error at
    once). SECURITY-TESTS BG-1."""
    errors: dict[str, list[str]] = {}
    category = (category or "").strip()
    reason = (reason or "").strip()
    if category not in BreakGlassCategory.values:
        errors["category"] = ["Choose why you need to open this record now"]
    if not reason:
        errors["reason"] = ["Enter why you need to open this record now"]
    elif len(reason) < REASON_MIN:
        errors["reason"] = [
            f"The reason must be at least {REASON_MIN} characters: say what is happening and why it cannot wait"
        ]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"The reason must be {REASON_MAX:,} characters or fewer"]
    elif not reason_words_ok(reason):
        errors["reason"] = [REASON_WORDS_MESSAGE]
    if errors:
        raise ValidationFailed("Check the reason for emergency access", errors=errors)
    return category, reason


@transaction.atomic
def break_glass_open(*, actor, person_id, category: str, reason: str, stepped_up: bool) -> BreakGlass:
    """Open one person's full record in an emergency (issue 7; SECURITY-TESTS BG-1; NHS SCR emergency access).

    In: the actor (who may use it: access.policy `breakglass.use`; never the hub), the person's id, a category
    (BreakGlassCategory), a reason of at least 20 characters, and whether the caller checked a fresh step-up
    (openmash.accounts.stepup; ASVS 5.0 7.5.3). Out: the BreakGlass, live until OPENMASH_BREAK_GLASS_MINUTES from
    now (aware UTC).

    Raises PermissionDenied (role may not use it, or no step-up), ValidationFailed (category / reason /
    person_id: a person whose full record the actor may already open), NotFound (no such person). Writes the
    BreakGlass, one PrivacyAlert (the privacy officer's review item, same reference), one in-app notification per
    privacy officer (the reference only), and audits `break_glass` on the person (category, minutes, alert id)."""
    from openmash.people.models import Person

    if not can(actor, "breakglass.use") or actor.is_hub:
        raise PermissionDenied("You do not have permission to do that.")
    category, reason = break_glass_validate(category=category, reason=reason)
    person = Person.objects.filter(pk=person_id).first() if _uuid_like(person_id) else None
    if person is None:
        raise NotFound()
    if person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    if not stepped_up:
        raise PermissionDenied(STEPUP_NEEDED)
    break_glass_forget(actor)
    if person_full_record_allowed(actor, person):
        raise ValidationFailed(
            "You can already open this record",
            errors={"person_id": ["You can already open this record: emergency access is not needed"]},
        )
    now = timezone.now()
    reference = _unique_reference(BreakGlass, "BG")
    glass = BreakGlass.objects.create(
        reference=reference,
        user=actor.user,
        membership=actor.membership,
        person=person,
        category=category,
        reason=reason,
        started_at=now,
        expires_at=now + dt.timedelta(minutes=break_glass_minutes()),
    )
    alert = PrivacyAlert.objects.create(reference=reference, break_glass=glass)
    officers = privacy_officers().exclude(user=actor.user).values_list("user_id", flat=True)
    told = _notify(
        officers,
        f"Break-glass alert {reference} is waiting for your review: who opened a record in an emergency, when and why",
        alert=alert,
    )
    audit_record(
        actor=actor,
        action="break_glass",
        obj=person,
        detail={
            "break_glass": str(glass.pk),
            "alert": str(alert.pk),
            "category": category,
            "minutes": break_glass_minutes(),
            "privacy_officers_told": told,
        },
    )
    break_glass_forget(actor)
    return glass


def _uuid_like(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return False
    return True


@transaction.atomic
def break_glass_end(*, actor, break_glass_id) -> BreakGlass:
    """End a break-glass now (AZ-6: the next request answers 404, as for a missing record): its own user, or the
    privacy officer for anyone's. Audited `break_glass_end` on the person. Ending one already over changes nothing
    (Conflict: "already ended")."""
    glass = break_glass_get_for(actor, break_glass_id)
    if not (can(actor, "privacy.review") or glass.user_id == actor.user.pk):
        raise NotFound()
    now = timezone.now()
    ended = BreakGlass.objects.filter(pk=glass.pk, ended_at__isnull=True, expires_at__gt=now).update(
        ended_at=now, ended_by=actor.user, updated_at=now
    )
    if not ended:
        raise Conflict("This emergency access has already ended.")
    glass.refresh_from_db()
    audit_record(
        actor=actor,
        action="break_glass_end",
        obj=glass.person,
        detail={"break_glass": str(glass.pk), "by_privacy_officer": glass.user_id != actor.user.pk},
    )
    break_glass_forget(actor)
    return glass


#: The error for a note sensitivity that is not standard, sensitive or sealed.
NOTE_SENSITIVITY_MESSAGE = "Select how sensitive the note is: standard, sensitive or sealed"


@transaction.atomic
def privacy_alert_decide(
    *, actor, alert_id, decision: str, note: str = "", version: int | None = None, sensitivity: str = "standard"
) -> PrivacyAlert:
    """The privacy officer's decision on an alert (NHS SCR Privacy Officer: close, flag or escalate).

    decision: "approve" (the access was justified), "flag" (follow it up; a note is required) or "escalate" (to the
    Caldicott guardian: a note is required; the partnership admins and the other privacy officers are told in-app,
    by reference only). A new or flagged alert may be decided; an approved or escalated one is final (Conflict).
    `version`: the alert's version the officer saw (a stale one: Conflict, someone else decided it). Audited
    `alert_<decision>` (the decision code and the note's level, never the note). `sensitivity`: the note's level,
    standard (default), sensitive or sealed (who reads it: access.sharing.privacy_alert_note_held);
    ValidationFailed on "sensitivity" otherwise."""
    require(actor, "privacy.review")
    alert = privacy_alert_get_for(actor, alert_id)
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if decision not in AlertDecision.values:
        errors["decision"] = ["Choose approve, flag or escalate"]
    elif decision != AlertDecision.APPROVE and not note:
        errors["note"] = ["Enter a note saying why (it is kept with the alert)"]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"The note must be {NOTE_MAX:,} characters or fewer"]
    if sensitivity not in ItemSensitivity.values:
        errors["sensitivity"] = [NOTE_SENSITIVITY_MESSAGE]
    if errors:
        raise ValidationFailed("Check the decision", errors=errors)
    if alert.status not in DECIDABLE:
        raise Conflict(f"Alert {alert.reference} has already been decided: {alert.get_status_display().lower()}.")
    seen = alert.version if version is None else version
    now = timezone.now()
    status = DECISION_STATUS[decision]
    changed = PrivacyAlert.objects.filter(pk=alert.pk, version=seen, status__in=list(DECIDABLE)).update(
        status=status, decided_by=actor.user, decided_at=now, version=seen + 1, updated_at=now
    )
    if not changed:
        raise Conflict(f"Someone else decided alert {alert.reference} while you were reading it: reload to see it.")
    PrivacyAlertDecision.objects.create(
        alert=alert, decision=decision, note=note, sensitivity=sensitivity, decided_by=actor.user, decided_at=now
    )
    alert.refresh_from_db()
    told = 0
    if decision == AlertDecision.ESCALATE:
        recipients = caldicott_escalation_recipients().exclude(user=actor.user).values_list("user_id", flat=True)
        told = _notify(
            recipients,
            f"Break-glass alert {alert.reference} was escalated to the Caldicott guardian. "
            "Ask the privacy officer for the review.",
            alert=alert,
        )
    detail = {"status": status, "told": told} | ({"sensitivity": sensitivity} if note else {})
    audit_record(actor=actor, action=f"alert_{decision}", obj=alert, detail=detail)
    return alert


def access_viewed(*, actor, person) -> AccessNotice | None:
    """CP-IS style access notification (issue 7; SECURITY-TESTS NT-1, P4): called when the actor has opened the record
    of `person` (a resolved Person). If the child is flagged (an open MASH enquiry, or open to children's social care
    with an allocated worker: access.policy.access_notice_owners) and the actor is outside the owning team, the
    owners get an in-app notification naming the notice's reference only. At most one notice per viewer per child
    per hour. Call inside the view's transaction. Out: the AccessNotice written, or None."""
    owners = access_notice_owners(actor, person)
    if not owners:
        return None
    now = timezone.now()
    recent = AccessNotice.objects.filter(viewer=actor.user, person=person, viewed_at__gt=now - NOTICE_WINDOW)
    if recent.exists():
        return None
    notice = AccessNotice.objects.create(
        reference=_unique_reference(AccessNotice, "AN"),
        person=person,
        viewer=actor.user,
        viewer_membership=actor.membership,
        viewed_at=now,
        owners=sorted({o["owner"] for o in owners}),
        basis=view_basis(actor, person),
    )
    users = {m.user_id for o in owners for m in o["memberships"]} - {actor.user.pk}
    role = actor.membership.get_role_display()
    told = _notify(
        users,
        f"Access notice {notice.reference}: {role} at {actor.agency.name} opened the record of a child your team "
        "holds. Open the notice to see when.",
        notice=notice,
    )
    audit_record(
        actor=actor,
        action="access_notice",
        obj=person,
        detail={"notice": str(notice.pk), "owners": notice.owners, "told": told},
    )
    return notice


__all__ = [
    "break_glass_validate",
    "break_glass_open",
    "break_glass_end",
    "privacy_alert_decide",
    "NOTE_SENSITIVITY_MESSAGE",
    "access_viewed",
    "REASON_MIN",
    "REASON_MIN_WORDS",
    "reason_words_ok",
    "STEPUP_NEEDED",
]
