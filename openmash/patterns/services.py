"""Writes of the patterns app that are not the evaluation itself: the step after an import, and the hub's decision on
a flag (issue 8; ADR 0015). Every write is audited in its own transaction.

- ``after_import(batch)``: reads the new entries into indicators and evaluates the children they touched (and the
  people sharing an address with them, ``evaluation.affected_roots``), as at today. Never raises: a failure here
  must not undo or fail the import (it has committed); it is logged with the batch id and the error's type only, and
  the next ``openmash flags evaluate`` catches up (the entries stay unread until read).
- ``flag_decide(actor, flag_id, expected_version, status, reason="", contact=None)``: accept, dismiss (a reason is
  required) or watch an open flag. Optimistic: a stale version raises Conflict. Allowed by ``flag.decide``.
- ``reason_problem(reason, doing) -> str | None``: why a free-text reason cannot be recorded (practitioner review: a
  one-character reason was accepted): shorter than REASON_MIN_CHARS characters or fewer than REASON_MIN_WORDS words,
  or longer than REASON_MAX. The pages, the API and the services all apply it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from openmash.access.policy import can
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.patterns.evaluation import affected_roots, flags_evaluate, roots_of
from openmash.patterns.models import Flag, FlagStatus
from openmash.patterns.reading import entries_read
from openmash.people.models import AgencyRecord
from openmash.sharing.choices import ItemSensitivity

logger = logging.getLogger(__name__)

#: A reason recorded for a decision (dismissing a flag): at least a few words, so a later reader (an audit, a
#: review) can tell why; "x" or "ok" says nothing (practitioner review).
REASON_MIN_CHARS = 10
REASON_MIN_WORDS = 2
REASON_MAX = 2000


def reason_problem(reason: str | None, doing: str = "your decision") -> str | None:
    """Why `reason` (free text, already cleaned) cannot be recorded as the reason for `doing` ("dismissing this
    flag"), in the words a page shows; None when it can. Empty: "Enter why ..."; under REASON_MIN_CHARS characters
    (spaces and punctuation not counted) or REASON_MIN_WORDS words: "Give the reason in a few words ..."; over
    REASON_MAX characters: "Reason must be 2,000 characters or fewer"."""
    text = (reason or "").strip()
    if not text:
        return f"Enter why you are {doing}"
    if len(text) > REASON_MAX:
        return f"Reason must be {REASON_MAX:,} characters or fewer"
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    letters = sum(1 for ch in text if ch.isalnum())
    if letters < REASON_MIN_CHARS or len(words) < REASON_MIN_WORDS:
        return (
            f"Give the reason in a few words (at least {REASON_MIN_CHARS} letters or digits), for example what "
            "explains the events or what the hub is already doing"
        )
    return None


def with_households(roots: set) -> set:
    """`roots` and every resolved person with an agency record at one of their postcodes (the after-import hook's
    former reach; it now uses ``evaluation.affected_roots``, the households only)."""
    ids = list(roots)
    postcodes: set = set()
    for start in range(0, len(ids), 500):
        postcodes |= set(
            AgencyRecord.objects.filter(person__in=ids[start : start + 500])
            .exclude(postcode="")
            .values_list("postcode", flat=True)
        )
    out = set(roots)
    codes = list(postcodes)
    for start in range(0, len(codes), 500):
        out |= set(
            AgencyRecord.objects.filter(postcode__in=codes[start : start + 500]).values_list("person_id", flat=True)
        )
    return out


def after_import(batch, *, actor=None) -> dict | None:
    """Read what the import brought and evaluate the children it touched. Returns the counts, or None when it
    failed (logged without personal data)."""
    from openmash.accounts.admin_services import SYSTEM

    try:
        started = timezone.now()
        read = entries_read()
        as_of = timezone.localdate()
        # the people the new indicators and records can change, their households and possibly-same groups (not
        # everyone at the touched postcodes: ADR 0015, issue 8's incremental target)
        roots = affected_roots(read.people, as_of=as_of, since=started, batch=batch)
        if not roots:
            return {"entries": read.entries, "indicators": read.indicators, "children": 0, "raised": 0}
        result = flags_evaluate(as_of=as_of, roots=roots, actor=actor or SYSTEM)
        return {
            "entries": read.entries,
            "indicators": read.indicators,
            "children": result.children,
            "raised": result.raised,
        }
    except Exception as exc:
        logger.error(  # noqa: TRY400 - the type only: a message could quote data
            "patterns: evaluation after import batch %s failed (%s)", getattr(batch, "pk", None), type(exc).__name__
        )
        return None


#: The error for a dismissal reason's sensitivity that is not standard, sensitive or sealed.
DISMISSAL_SENSITIVITY_MESSAGE = "Select how sensitive the reason is: standard, sensitive or sealed"

DECISIONS = (FlagStatus.ACCEPTED, FlagStatus.DISMISSED, FlagStatus.WATCHING)


def flag_decide(
    *, actor, flag_id, expected_version: int, status: str, reason: str = "", contact=None, sensitivity: str = "standard"
) -> Flag:
    """The hub's decision on an open flag (or a change of mind on a watched one). Raises PermissionDenied,
    NotFound, ValidationFailed (an unknown decision; dismissing without a reason; a `sensitivity` other than
    standard, sensitive or sealed, on "sensitivity") or Conflict (the flag changed since it was shown: re-evaluated
    or decided by someone else). `sensitivity`: the level of the dismissal reason (who reads it:
    access.sharing.flag_dismissal_reason_held), kept with the reason and in the audit event."""
    if not can(actor, "flag.decide"):
        raise PermissionDenied("You cannot decide flags")
    if status not in DECISIONS:
        raise ValidationFailed(
            "Choose accept, dismiss or watch", errors={"status": ["Choose accept, dismiss or watch"]}
        )
    reason = (reason or "").strip()
    problem = reason_problem(reason, "dismissing this flag") if status == FlagStatus.DISMISSED else None
    if problem:
        raise ValidationFailed("Check the reason", errors={"reason": [problem]})
    if sensitivity not in ItemSensitivity.values:
        raise ValidationFailed(
            "Check the reason", errors={"sensitivity": [DISMISSAL_SENSITIVITY_MESSAGE]}
        )
    with transaction.atomic():
        flag = Flag.objects.filter(pk=flag_id).first()
        if flag is None:
            raise NotFound()
        if flag.status not in (FlagStatus.OPEN, FlagStatus.WATCHING):
            raise Conflict("This flag has already been decided")
        now = timezone.now()
        changed = Flag.objects.filter(
            Q(status=FlagStatus.OPEN) | Q(status=FlagStatus.WATCHING), pk=flag.pk, version=expected_version
        ).update(
            status=status,
            decided_by=actor.user,
            decided_at=now,
            contact=contact,
            version=F("version") + 1,
            updated_at=now,
        )
        if not changed:
            raise Conflict("This flag changed since you opened it: look at it again")
        flag.refresh_from_db()
        detail = {"status": status}
        if reason:
            flag.dismissal_reason = reason
            flag.dismissal_sensitivity = sensitivity
            flag.save(update_fields=["dismissal_reason", "dismissal_sensitivity"])
            detail["sensitivity"] = sensitivity
        audit_record(actor=actor, action=f"flag.{status}", obj=flag, detail=detail)  # reason: encrypted, not here
    return flag


__all__ = [
    "DISMISSAL_SENSITIVITY_MESSAGE",
    "REASON_MAX",
    "REASON_MIN_CHARS",
    "REASON_MIN_WORDS",
    "after_import",
    "flag_decide",
    "reason_problem",
    "roots_of",
    "with_households",
]
