"""Writes for casework: case notes, strategy discussions, allocating siblings together, closing an allocation.

Every function is `<entity>_<verb>(*, actor, ...)`, runs in one transaction, checks access through
`openmash.access.policy`, writes its audit event in the same transaction and, when it is an event in a child's
life, a chronology entry for each subject child (one chronology model: `people.ChronologyEntry`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openmash.access.policy import (
    allocations_closable,
    case_note_correctable,
    case_note_type_allowed,
    contact_get_for,
    contacts_visible,
    require,
)
from openmash.access.sharing import case_note_held
from openmash.accounts.models import Agency
from openmash.audit.services import audit_record
from openmash.casework.choices import CaseNoteType
from openmash.casework.models import CaseNote, StrategyAction, StrategyAttendee, StrategyDiscussion
from openmash.contacts.choices import ContactPersonRole
from openmash.contacts.models import Contact, ContactPerson
from openmash.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from openmash.core.text import TextRefused, clean_text, datetime_long, possessive
from openmash.enquiries.choices import ScreeningOutcome
from openmash.enquiries.models import CaseAllocation, Screening
from openmash.people.services import chronology_add, chronology_sensitivity_follow
from openmash.sharing.choices import ItemSensitivity

MAX_TEXT = 10000
MAX_SHORT = 200
# A note or discussion time a little ahead of the server clock is a clock difference, not the future.
CLOCK_SKEW = dt.timedelta(minutes=5)
# The decision outcome code that calls for a strategy discussion (partnership DEFAULT_OUTCOMES).
STRATEGY_OUTCOME = "strategy_s47"
MAX_ATTENDEES = 100  # "any number" on the page (add another); a bound against abuse only
# Agency types that must take part in a strategy discussion (Working Together 2023), as (Agency.agency_type value,
# word used in the message). The values are accounts.choices.AgencyType's, which only access/ imports.
STRATEGY_REQUIRED_AGENCY_TYPES = (("police", "police"), ("health", "health"))
MAX_ACTIONS = 100


def _err(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _clean(
    value, field: str, errors: dict, *, label: str, required: bool, limit: int = MAX_TEXT, multiline: bool = True
) -> str:
    """Text by the one rule every app uses (openmash.core.text.clean_text: NFC, invisible characters removed,
    control characters refused; single-line text has its spaces collapsed), then required and length checks.
    multiline: notes, rationales, reasons and action descriptions keep their line breaks (as the API's
    multiline_fields); names, roles and owners are one line."""
    try:
        text = clean_text(None if value is None else str(value), multiline=multiline)
    except TextRefused as exc:
        _err(errors, field, str(exc))
        return ""
    if required and not text:
        _err(errors, field, f"Enter the {label}")
    if len(text) > limit:
        _err(errors, field, f"The {label} must be {limit:,} characters or fewer")
    return text


def _when(value, field: str, errors: dict, *, label: str, not_before: dt.datetime | None, now: dt.datetime):
    """An aware date and time, not in the future and not before `not_before` (the contact was received)."""
    if value is None or value == "":
        _err(errors, field, f"Enter the date and time of the {label}")
        return None
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value))
        except ValueError:
            _err(errors, field, f"The date and time of the {label} must be a real date and time")
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        _err(errors, field, f"The date and time of the {label} must be in the past")
        return None
    if not_before is not None and value < not_before:
        local = datetime_long(not_before)
        _err(errors, field, f"The date and time of the {label} must be on or after the contact was received ({local})")
        return None
    return value


def _subject_ids(contact: Contact) -> list:
    return list(contact.people.filter(role=ContactPersonRole.SUBJECT).values_list("person_id", flat=True))


def allocatable_child_ids(contact: Contact) -> list:
    """The subject children of a contact a social worker may be allocated from its MASH pack: those whose own
    decision leads to children's social care (a ``Referral`` from this contact: assessment, section 47, strategy
    discussion). A child whose decision was early help or no further action is not offered (practitioners' review,
    December 2026: Ella, early help only, was offered for allocation beside her sister). A contact with neither a
    referral nor a decision yet: every subject child, as before. Out: person ids in the contact's order."""
    from openmash.enquiries.models import Referral

    subjects = _subject_ids(contact)
    referred = set(Referral.objects.filter(contact=contact).values_list("person_id", flat=True))
    decided = hasattr(contact, "enquiry") and hasattr(contact.enquiry, "decision")
    if not referred and not decided:
        return subjects
    return [pid for pid in subjects if pid in referred]


# --- case notes ---------------------------------------------------------------------------------------------------


OVERSIGHT_MANAGERS_ONLY = "Only a MASH manager can write a management oversight note. Choose another type of note"
CORRECT_OWN_NOTES_ONLY = "A case note can be corrected only by the person who wrote it or a MASH manager."
#: A correction of a note held from the corrector by its sensitivity (they cannot read what they would correct).
CORRECT_HELD_NOTE = "You cannot correct a case note you do not have access to."
#: The error for a case note sensitivity that is not standard, sensitive or sealed.
NOTE_SENSITIVITY_MESSAGE = "Select how sensitive the note is: standard, sensitive or sealed"
#: The same for a strategy discussion.
DISCUSSION_SENSITIVITY_MESSAGE = "Select how sensitive the discussion is: standard, sensitive or sealed"
#: The same for the reason an allocation closes (a returned contact's reason).
CLOSE_SENSITIVITY_MESSAGE = "Select how sensitive the reason is: standard, sensitive or sealed"


@transaction.atomic
def case_note_add(
    *, actor, contact_id, note_type: str, occurred_at, text: str, corrects_id=None, sensitivity: str = "standard"
) -> CaseNote:
    """Record a case note on a contact (linked to its enquiry when it has one).

    In: the contact's id, a CaseNoteType code, when the event happened (aware datetime or ISO text; not in the
    future, not before the contact was received), the note's text (required, at most 10,000 characters) and,
    for a correction, the id of the note on the same contact it corrects; sensitivity: "standard" (default),
    "sensitive" or "sealed" (who reads each: access.sharing.case_note_held; anything else an error under
    "sensitivity").
    Out: the new CaseNote. Notes are never changed: a correction is a new note (issue 5, "Case notes").
    A management oversight note is written only by a MASH manager (note_type error otherwise); a note is corrected
    only by its author or a MASH manager (access.policy case_note_type_allowed / case_note_correctable;
    practitioner review).
    Raises PermissionDenied (not the hub; correcting someone else's note, or one held from the actor by its
    sensitivity), NotFound (contact not visible),
    ValidationFailed (field messages).
    """
    require(actor, "casenote.create")
    contact = contact_get_for(actor, contact_id)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if note_type not in CaseNoteType.values:
        _err(errors, "note_type", "Choose the type of note")
    elif not case_note_type_allowed(actor, note_type):
        _err(errors, "note_type", OVERSIGHT_MANAGERS_ONLY)
    occurred = _when(occurred_at, "occurred_at", errors, label="event", not_before=contact.received_at, now=now)
    text = _clean(text, "text", errors, label="note", required=True)
    if sensitivity not in ItemSensitivity.values:
        _err(errors, "sensitivity", NOTE_SENSITIVITY_MESSAGE)
    corrects = None
    if corrects_id not in (None, ""):
        corrects = CaseNote.objects.filter(contact=contact, pk=_uuid_or_none(corrects_id)).first()
        if corrects is None:
            _err(errors, "corrects_id", "The note to correct must be a note on this contact")
        elif not case_note_correctable(actor, corrects):
            raise PermissionDenied(CORRECT_OWN_NOTES_ONLY)
        elif case_note_held(actor, corrects):
            raise PermissionDenied(CORRECT_HELD_NOTE)
    if errors:
        raise ValidationFailed("There is a problem with the case note", errors=errors)
    note = CaseNote.objects.create(
        contact=contact,
        enquiry=getattr(contact, "enquiry", None),
        note_type=note_type,
        occurred_at=occurred,
        text=text,
        author=actor.user,
        agency=actor.agency,
        corrects=corrects,
        sensitivity=sensitivity,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=note,
        detail={
            "contact": str(contact.pk),
            "type": note_type,
            "corrects": str(corrects.pk) if corrects else None,
            "sensitivity": sensitivity,
        },
    )
    label = CaseNoteType(note_type).label
    chronology_add(
        person_ids=_subject_ids(contact),
        occurred_at=occurred,
        kind="case_note",
        summary=f"Case note ({label.lower()})"
        + (f": corrects note of {_when_text(corrects.occurred_at)}" if corrects else ""),
        obj=note,
        agency=actor.agency,
        sensitivity=note.sensitivity,  # the entry is held as the note is (issue 7): a sealed note, a sealed entry
    )
    if corrects is not None:
        # The corrected note's chronology line says so too (its text is never changed; only the one-line summary,
        # which never holds the note's text, gains the link), so a reader of the chronology sees both ends.
        from openmash.people.models import ChronologyEntry

        for entry in ChronologyEntry.objects.filter(object_type=corrects._meta.label_lower, object_id=str(corrects.pk)):
            entry.summary = f"{entry.summary}; corrected by note of {_when_text(occurred)}"[:300]
            entry.save(update_fields=["summary", "updated_at"])
    return note


def case_note_chronology_follow(sender, instance: CaseNote, created: bool = False, **kwargs) -> None:
    """post_save of a CaseNote (connected in CaseworkConfig.ready): the note's chronology entries follow its
    sensitivity whenever a saved note's level differs from theirs (people.services.chronology_sensitivity_follow).
    A new note's entries are written with its level by case_note_add."""
    if created or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "sensitivity" not in update_fields:
        return
    chronology_sensitivity_follow(obj=instance, sensitivity=instance.sensitivity)


def _when_text(value: dt.datetime) -> str:
    """A note's time as the pages show it (Europe/London), for the chronology's one-line summary."""
    return datetime_long(value)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- strategy discussions -----------------------------------------------------------------------------------------


def strategy_discussion_due(contact: Contact) -> bool:
    """Whether the contact called for a strategy discussion: screened straight to one, or its MASH enquiry's
    decision has the strategy / section 47 outcome (DOMAIN.md 1.3)."""
    screening = getattr(contact, "screening", None)
    if screening is not None and screening.outcome == ScreeningOutcome.STRATEGY:
        return True
    enquiry = getattr(contact, "enquiry", None)
    decision = getattr(enquiry, "decision", None) if enquiry is not None else None
    return decision is not None and STRATEGY_OUTCOME in (decision.outcomes or [])


@transaction.atomic
def strategy_discussion_record(
    *,
    actor,
    contact_id,
    held_at,
    attendees: list[dict],
    section47: bool | None,
    rationale: str,
    actions: list[dict] | None = None,
    missing_agencies_reason: str = "",
    sensitivity: str = ItemSensitivity.STANDARD,
) -> StrategyDiscussion:
    """Record a strategy discussion as its own step, after the decision (or screening outcome) that called for it.

    In: the contact's id; when it was held (not in the future, not before the contact was received); attendees as
    [{"agency_code", "name", "role"}] (at least one; police and health must take part, Working Together 2023, or
    `missing_agencies_reason` says why not); the decision on a section 47 enquiry (True/False) with its rationale;
    actions as [{"description", "owner", "owner_agency_code" (optional), "due_date"}] (due on or after the day held);
    the sensitivity (standard, sensitive or sealed: who reads its text, access.sharing.strategy_discussion_held).
    Out: the StrategyDiscussion. Raises PermissionDenied, NotFound, ValidationFailed (field messages; attendee and
    action fields keyed attendees.<i>.field and actions.<i>.field).
    """
    require(actor, "strategy.record")
    contact = contact_get_for(
        actor, contact_id, qs=contacts_visible(actor).select_related("screening", "enquiry", "enquiry__decision")
    )
    now = timezone.now()
    errors, held, rationale, reason, attendee_rows, missing, action_rows = _strategy_discussion_check(
        contact,
        held_at=held_at,
        attendees=attendees,
        section47=section47,
        rationale=rationale,
        actions=actions,
        missing_agencies_reason=missing_agencies_reason,
        sensitivity=sensitivity,
        now=now,
    )
    if errors:
        raise ValidationFailed("There is a problem with the strategy discussion", errors=errors)

    discussion = StrategyDiscussion.objects.create(
        contact=contact,
        enquiry=getattr(contact, "enquiry", None),
        held_at=held,
        section47=bool(section47),
        rationale=rationale,
        missing_agencies_reason=reason if missing else "",
        recorded_by=actor.user,
        recorded_at=now,
        sensitivity=sensitivity,
    )
    StrategyAttendee.objects.bulk_create([StrategyAttendee(discussion=discussion, **a) for a in attendee_rows])
    StrategyAction.objects.bulk_create([StrategyAction(discussion=discussion, **a) for a in action_rows])
    audit_record(
        actor=actor,
        action="create",
        obj=discussion,
        # the absent agencies' reason is the discussion's text: in the audit trail only when standard (the trail's
        # readers are not the discussion's; access.sharing.strategy_discussion_held)
        reason=reason if missing and sensitivity == ItemSensitivity.STANDARD else "",
        detail={
            "contact": str(contact.pk),
            "sensitivity": sensitivity,
            "section47": bool(section47),
            "agencies": sorted({a["agency"].code for a in attendee_rows}),
            "actions": len(action_rows),
            "missing": missing,
        },
    )
    chronology_add(
        person_ids=_subject_ids(contact),
        occurred_at=held,
        kind="strategy_discussion",
        summary="Strategy discussion: " + ("section 47 enquiry to start" if section47 else "no section 47 enquiry"),
        obj=discussion,
        agency=actor.agency,
    )
    return discussion


def strategy_discussion_errors(
    *,
    actor,
    contact_id,
    held_at,
    attendees: list[dict],
    section47: bool | None,
    rationale: str,
    actions: list[dict] | None = None,
    missing_agencies_reason: str = "",
    sensitivity: str = ItemSensitivity.STANDARD,
) -> dict[str, list[str]]:
    """Every domain problem with a strategy discussion, without recording it (so a page can show all errors at once).

    In: as `strategy_discussion_record`; any value may be missing (None or "") when the page could not read it.
    Out: {field key: [messages]} keyed as `strategy_discussion_record` raises them (held_at, section47, rationale,
    missing_agencies_reason, sensitivity, attendees, attendees.<i>.field, actions.<i>.field, contact); empty when all
    is well.
    Writes nothing. Raises PermissionDenied, NotFound.
    """
    require(actor, "strategy.record")
    contact = contact_get_for(
        actor, contact_id, qs=contacts_visible(actor).select_related("screening", "enquiry", "enquiry__decision")
    )
    errors, *_ = _strategy_discussion_check(
        contact,
        held_at=held_at,
        attendees=attendees,
        section47=section47,
        rationale=rationale,
        actions=actions,
        missing_agencies_reason=missing_agencies_reason,
        sensitivity=sensitivity or ItemSensitivity.STANDARD,
        now=timezone.now(),
    )
    return errors


def _strategy_discussion_check(
    contact, *, held_at, attendees, section47, rationale, actions, missing_agencies_reason, now, sensitivity="standard"
) -> tuple:
    """The one set of strategy discussion rules: (errors, held, rationale, reason, attendees, missing, actions)."""
    errors: dict[str, list[str]] = {}
    if not strategy_discussion_due(contact):
        _err(
            errors,
            "contact",
            "A strategy discussion can only be recorded after a decision or screening outcome of strategy discussion",
        )
    held = _when(held_at, "held_at", errors, label="strategy discussion", not_before=contact.received_at, now=now)
    if section47 is None:
        _err(errors, "section47", "Select whether a section 47 enquiry will start")
    rationale = _clean(rationale, "rationale", errors, label="rationale for the section 47 decision", required=True)
    reason = _clean(missing_agencies_reason, "missing_agencies_reason", errors, label="reason", required=False)
    if sensitivity not in ItemSensitivity.values:
        _err(errors, "sensitivity", DISCUSSION_SENSITIVITY_MESSAGE)

    attendee_rows = _attendees(attendees or [], errors)
    types = {a["agency"].agency_type for a in attendee_rows}
    missing = [label for t, label in STRATEGY_REQUIRED_AGENCY_TYPES if t not in types]
    if attendee_rows and missing and not reason:
        _err(
            errors,
            "missing_agencies_reason",
            f"No one from {' or '.join(missing)} took part: police and health should be in every strategy "
            "discussion (Working Together 2023). Say why they were not",
        )
    action_rows = _actions(actions or [], errors, held_on=timezone.localtime(held).date() if held else None)
    return errors, held, rationale, reason, attendee_rows, missing, action_rows


def _attendees(rows: list[dict], errors: dict) -> list[dict]:
    if not rows:
        _err(errors, "attendees", "Add the people who took part, with their agency")
        return []
    if len(rows) > MAX_ATTENDEES:
        _err(errors, "attendees", f"Add at most {MAX_ATTENDEES} attendees")
        return []
    codes = {str(r.get("agency_code") or "") for r in rows}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True)}
    cleaned = []
    for i, row in enumerate(rows):
        key = f"attendees.{i}"
        agency = agencies.get(str(row.get("agency_code") or ""))
        if agency is None:
            _err(errors, f"{key}.agency_code", "Choose the attendee's agency")
        one_line = {"limit": MAX_SHORT, "multiline": False}
        name = _clean(row.get("name"), f"{key}.name", errors, label="attendee's name", required=True, **one_line)
        role = _clean(row.get("role"), f"{key}.role", errors, label="attendee's role", required=False, **one_line)
        if agency is not None and name:
            cleaned.append({"agency": agency, "name": name, "role": role})
    return cleaned


def _actions(rows: list[dict], errors: dict, *, held_on: dt.date | None) -> list[dict]:
    if len(rows) > MAX_ACTIONS:
        _err(errors, "actions", f"Add at most {MAX_ACTIONS} actions")
        return []
    codes = {str(r.get("owner_agency_code") or "") for r in rows} - {""}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True)}
    cleaned = []
    for i, row in enumerate(rows):
        key = f"actions.{i}"
        description = _clean(
            row.get("description"), f"{key}.description", errors, label="action", required=True, limit=1000
        )
        owner = _clean(
            row.get("owner"),
            f"{key}.owner",
            errors,
            label="action's owner",
            required=True,
            limit=MAX_SHORT,
            multiline=False,
        )
        code = str(row.get("owner_agency_code") or "")
        owner_agency = agencies.get(code) if code else None
        if code and owner_agency is None:
            _err(errors, f"{key}.owner_agency_code", "Choose the owner's agency from the list")
        due = row.get("due_date")
        if due in (None, ""):
            _err(errors, f"{key}.due_date", "Enter the date the action is due")
            due = None
        elif not isinstance(due, dt.date):
            try:
                due = dt.date.fromisoformat(str(due))
            except ValueError:
                _err(errors, f"{key}.due_date", "The due date must be a real date")
                due = None
        if due is not None and held_on is not None and due < held_on:
            _err(errors, f"{key}.due_date", "The due date must be on or after the day of the discussion")
            due = None
        if description and owner and due is not None:
            cleaned.append({"description": description, "owner": owner, "owner_agency": owner_agency, "due_date": due})
    return cleaned


# --- allocation: siblings together, and closing -------------------------------------------------------------------


@transaction.atomic
def allocations_assign_together(*, actor, contact_id, person_ids: list, worker_membership_id) -> list[CaseAllocation]:
    """Allocate several children of one contact (siblings) to one social worker in one action.

    In: the contact's id, the ids of its subject children to allocate (at least one), the worker's membership id.
    Out: the open allocation of each child. All or none: a child who is not a subject of the contact, or whose
    decision does not lead to social care (``allocatable_child_ids``), refuses the whole request. Each child goes through `enquiries.services.allocation_assign` (audit + chronology per child).
    """
    from openmash.enquiries.services import allocation_assign, notification_send

    require(actor, "allocation.assign")
    contact = contact_get_for(actor, contact_id)
    subjects = {str(pid) for pid in _subject_ids(contact)}
    chosen = list(dict.fromkeys(str(p) for p in (person_ids or [])))
    if not chosen:
        raise ValidationFailed("Check the children", errors={"person_ids": ["Select at least one child"]})
    if any(p not in subjects for p in chosen):
        raise ValidationFailed("Check the children", errors={"person_ids": ["Select children named in this contact"]})
    allocatable = {str(pid) for pid in allocatable_child_ids(contact)}
    if any(p not in allocatable for p in chosen):
        raise ValidationFailed(
            "Check the children",
            errors={"person_ids": ["Select only children whose MASH decision leads to children's social care"]},
        )
    allocations = [
        allocation_assign(actor=actor, person_id=pid, worker_membership_id=worker_membership_id, contact=contact)
        for pid in chosen
    ]
    # The worker is told where the pack is: the reference only, never personal data (notification rule).
    notification_send(
        user=allocations[0].worker,
        contact=contact,
        message=f"The MASH pack for contact {contact.reference} has been handed to you",
    )
    return allocations


@transaction.atomic
def allocation_close(
    *, actor, allocation_id, reason: str, sensitivity: str = ItemSensitivity.STANDARD
) -> CaseAllocation:
    """Close an open allocation: the worker's (and team's) access to the child's record and MASH packs ends.

    In: the allocation's id and a reason (required, at most 500 characters) with its sensitivity (standard,
    sensitive or sealed: who reads it as a returned contact's reason, access.sharing.routed_return_reason_held; not
    written into the audit event's reason unless standard). A hub manager may close any open
    allocation; a social worker their own. Out: the closed allocation, with `returned` set to the contacts sent back
    to the screening queue.

    No contact is lost (issue 5 review, safety fault; ADR 0008): every contact passed to the worker (status "with
    allocated worker", routed to them) about the child that the worker has not acknowledged, and that no other open
    allocation of theirs still covers, goes back to the hub's screening queue (`routed_contacts_return`). The hub's
    managers are told of the closure, the hub of each returned contact, and the worker when a manager closed it
    (notifications carry references and names of staff, never personal data about the family).
    Raises NotFound (not open, or not theirs; a second close of the same allocation finds nothing open),
    ValidationFailed (no reason; a sensitivity not in the list)."""
    require(actor, "allocation.close")
    errors: dict[str, list[str]] = {}
    reason = _clean(reason, "reason", errors, label="reason for closing", required=True, limit=500)
    if sensitivity not in ItemSensitivity.values:
        _err(errors, "sensitivity", CLOSE_SENSITIVITY_MESSAGE)
    pk = _uuid_or_none(allocation_id)
    allocation = allocations_closable(actor).select_for_update().filter(pk=pk).first() if pk is not None else None
    if allocation is None:
        raise NotFound()
    if errors:
        raise ValidationFailed("There is a problem with closing the allocation", errors=errors)
    now = timezone.now()
    won = CaseAllocation.objects.filter(pk=allocation.pk, closed_at__isnull=True).update(closed_at=now, updated_at=now)
    if not won:
        raise NotFound()
    allocation.refresh_from_db()
    returned = routed_contacts_return(
        actor=actor, allocation=allocation, reason=reason, when=now, sensitivity=sensitivity
    )
    audit_record(
        actor=actor,
        action="close",
        obj=allocation,
        reason=reason if sensitivity == ItemSensitivity.STANDARD else "",
        detail={
            "person": str(allocation.person_id),
            "returned": [str(c.pk) for c in returned],
            "sensitivity": sensitivity,
        },
    )
    chronology_add(
        person_ids=[allocation.person_id],
        occurred_at=now,
        kind="allocation",
        summary="Allocation closed",
        obj=allocation,
        agency=actor.agency,
    )
    _tell_of_closure(actor=actor, allocation=allocation, returned=returned)
    allocation.returned = returned
    return allocation


def _tell_of_closure(*, actor, allocation: CaseAllocation, returned: list) -> None:
    """The hub's managers see every closure (and how many contacts came back); the worker learns when a manager
    closed their allocation. Staff names and counts only: no child's details in a notification."""
    from openmash.access.policy import allocation_watchers
    from openmash.enquiries.services import notification_send

    by = actor.user.display_name or actor.user.username
    worker = allocation.worker
    whose = possessive(worker.display_name or worker.username) if worker is not None else "An unassigned"
    back = (
        f"; {len(returned)} contact{'s' if len(returned) != 1 else ''} returned to the screening queue"
        if returned
        else ""
    )
    message = f"{whose} allocation was closed by {by}{back}"
    told = set()
    for m in allocation_watchers().select_related("user"):
        if m.user_id != actor.user.pk and m.user_id not in told:
            told.add(m.user_id)
            notification_send(user=m.user, contact=None, message=message)
    if worker is not None and worker.pk != actor.user.pk and worker.pk not in told:
        notification_send(user=worker, contact=None, message=f"Your allocation was closed by {by}{back}")


def _unacknowledged_routed(worker, person_ids) -> list:
    """Contacts passed to `worker` about any of these people (over their clusters) that the worker has not
    acknowledged, locked for update. Ids only in the query; the rows with their subject ids."""
    from openmash.access.policy import people_in_clusters
    from openmash.casework.models import RoutedContactReceipt
    from openmash.contacts.choices import ContactStatus

    about = ContactPerson.objects.filter(
        role=ContactPersonRole.SUBJECT, person_id__in=people_in_clusters(list(person_ids))
    ).values("contact_id")
    acknowledged = RoutedContactReceipt.objects.filter(worker=worker).values("contact_id")
    return list(
        Contact.objects.select_for_update()
        .filter(pk__in=about, status=ContactStatus.WITH_ALLOCATED_WORKER, routed_to=worker)
        .exclude(pk__in=acknowledged)
        .order_by("received_at", "pk")
    )


def routed_contacts_return(
    *, actor, allocation: CaseAllocation, reason: str, when: dt.datetime, sensitivity: str = ItemSensitivity.STANDARD
) -> list[Contact]:
    """Send back to the hub's screening queue the contacts passed to `allocation.worker` about the allocation's child
    that the worker has not acknowledged (RoutedContactReceipt) and that no other open allocation of the worker still
    covers (a sibling still allocated to them keeps the contact theirs). Call inside the closing transaction, after
    the allocation is closed.

    Each returned contact: status "awaiting screening", routed_to and the hub holder cleared, screening due again from
    `when` as an immediate-risk or ordinary contact (contacts.services.screening_due, the partnership's times), a
    RoutedContactReturn kept (with the screening that had sent it to the worker, which a new screening replaces), an
    audit event ("return"), a chronology entry for each subject child, and the hub's screeners and managers told.
    Out: the returned contacts. Source: issue 5 review, safety fault (a routed contact held by nobody); ADR 0008."""
    from openmash.access.policy import memberships_allowed, people_in_clusters
    from openmash.casework.models import RoutedContactReturn
    from openmash.contacts.choices import ContactStatus
    from openmash.contacts.services import screening_due
    from openmash.enquiries.services import notifications_send
    from openmash.partnership.selectors import partnership_settings_get, working_calendar_get

    worker = allocation.worker
    if worker is None:
        return []
    candidates = _unacknowledged_routed(worker, [allocation.person_id])
    if not candidates:
        return []
    still_open = set(
        ContactPerson.objects.filter(
            contact_id__in=[c.pk for c in candidates],
            role=ContactPersonRole.SUBJECT,
            person_id__in=people_in_clusters(
                CaseAllocation.objects.filter(worker=worker, closed_at__isnull=True).values("person_id")
            ),
        ).values_list("contact_id", flat=True)
    )
    partnership = partnership_settings_get()
    calendar = working_calendar_get(around=when.date(), settings_obj=partnership)
    screens = {s.contact_id: s for s in Screening.objects.filter(contact_id__in=[c.pk for c in candidates])}
    hub = list(memberships_allowed("contact.screen").select_related("user"))
    returned = []
    for contact in candidates:
        if contact.pk in still_open:
            continue
        due = screening_due(when, immediate_risk=contact.immediate_risk, partnership=partnership, calendar=calendar)
        won = Contact.objects.filter(
            pk=contact.pk, status=ContactStatus.WITH_ALLOCATED_WORKER, routed_to=worker
        ).update(
            status=ContactStatus.AWAITING_SCREENING,
            routed_to=None,
            assigned_to=None,
            assigned_at=None,
            screening_due_at=due,
            version=F("version") + 1,
            updated_at=when,
        )
        if not won:
            continue
        screening = screens.get(contact.pk)
        previous = (
            {
                "outcome": screening.outcome,
                "screened_by": screening.screened_by_id,
                "screened_at": screening.screened_at.isoformat(),
                "rationale": screening.rationale,
                "sensitivity": screening.sensitivity,  # whoever reads it reads it as screening_text_held says
            }
            if screening is not None
            else None
        )
        RoutedContactReturn.objects.create(
            contact=contact,
            worker=worker,
            allocation=allocation,
            returned_at=when,
            returned_by=actor.user,
            reason=reason,
            previous_screening=previous,
            sensitivity=sensitivity,
        )
        contact.refresh_from_db()
        audit_record(
            actor=actor,
            action="return",
            obj=contact,
            reason=reason if sensitivity == ItemSensitivity.STANDARD else "",  # the reason's readers are not the trail's
            detail={
                "from": "allocated_worker",
                "worker": worker.pk,
                "allocation": str(allocation.pk),
                "sensitivity": sensitivity,
            },
        )
        chronology_add(
            person_ids=_subject_ids(contact),
            occurred_at=when,
            kind="screening",
            summary=f"Contact {contact.reference} returned to the screening queue: the allocation closed before "
            "the allocated worker acknowledged it",
            obj=contact,
            agency=actor.agency,
        )
        urgent = "Immediate risk: contact" if contact.immediate_risk else "Contact"
        notifications_send(
            users=[m.user for m in hub],
            contact=contact,
            message=f"{urgent} {contact.reference} is back on the screening queue: the allocation closed "
            "before the allocated worker acknowledged it",
        )
        returned.append(contact)
    return returned


@transaction.atomic
def routed_contact_acknowledge(*, actor, contact_id):
    """The allocated worker acknowledges a contact passed to them: they have it and take it into their work with the
    child (ADR 0008). In: the contact's id. Out: the RoutedContactReceipt (the existing one when already
    acknowledged: acknowledging twice changes nothing). A contact acknowledged is "dealt with": it stays with the
    worker's case when their allocation closes instead of going back to the screening queue. Audited ("acknowledge")
    and on each subject child's chronology. Raises PermissionDenied (not a social worker), NotFound (not passed to
    this actor, or their allocation has closed)."""
    from openmash.access.policy import routed_contacts_to_acknowledge
    from openmash.casework.models import RoutedContactReceipt

    require(actor, "contact.acknowledge")
    contact = contact_get_for(actor, contact_id, qs=routed_contacts_to_acknowledge(actor).select_for_update())
    existing = RoutedContactReceipt.objects.filter(contact=contact, worker=actor.user).first()
    if existing is not None:
        return existing
    now = timezone.now()
    receipt = RoutedContactReceipt.objects.create(contact=contact, worker=actor.user, acknowledged_at=now)
    audit_record(actor=actor, action="acknowledge", obj=contact, detail={"receipt": str(receipt.pk)})
    chronology_add(
        person_ids=_subject_ids(contact),
        occurred_at=now,
        kind="allocation",
        summary=f"Contact {contact.reference} acknowledged by the allocated worker",
        obj=receipt,
        agency=actor.agency,
    )
    return receipt
