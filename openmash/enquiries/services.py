"""Writes for the hub's workflow: screening, RAG, agency requests and responses, decisions, referrals."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openmash.access.policy import (
    CANNOT_SIGN_IN_MESSAGE,
    agency_request_get_for,
    agency_requests_visible,
    can,
    contact_get_for,
    contacts_visible,
    early_help_request_get_for,
    early_help_requests_visible,
    enquiries_visible,
    enquiry_get_for,
    memberships_allowed,
    memberships_choosable,
    people_in_clusters,
    person_get_for,
    require,
)
from openmash.access.sharing import agency_info_category, agreement_check
from openmash.accounts.models import Agency
from openmash.audit.services import audit_record
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactPerson
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.core.fields import encrypted_values
from openmash.core.text import possessive
from openmash.enquiries.assignment import enquiry_hold_on_opening, holder_name
from openmash.enquiries.choices import (
    DEFAULT_REQUEST_QUESTION,
    EARLY_HELP_AGENCY_TYPE,
    EARLY_HELP_OUTCOME,
    RISK_INDICATORS,
    SCREENING_CLOSING_OUTCOMES,
    EarlyHelpRequestStatus,
    EarlyHelpSource,
    EnquiryStatus,
    RequestStatus,
    ScreeningOutcome,
    Sensitivity,
)
from openmash.enquiries.models import (
    AgencyRequest,
    AgencyResponse,
    AgencyResponseRevision,
    CaseAllocation,
    Decision,
    DecisionChild,
    EarlyHelpRequest,
    Enquiry,
    Notification,
    RagChange,
    Referral,
    Screening,
)
from openmash.enquiries.timescales import agency_due_at, enquiry_due_at
from openmash.partnership.models import OutcomeCode, ThresholdLevel
from openmash.partnership.selectors import partnership_settings_get, rag_level_get, rag_levels_list
from openmash.people.linking import intake_links_confirm
from openmash.people.selectors import open_allocation_for
from openmash.people.services import chronology_add
from openmash.sharing.choices import ItemSensitivity

MAX_TEXT = 10000


def _text(value: str | None, field: str, errors: dict, *, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(f"Enter the {label}")
    if len(value) > MAX_TEXT:
        errors.setdefault(field, []).append(f"The {label} must be {MAX_TEXT:,} characters or fewer")
    return value


def _subject_ids(contact: Contact) -> list:
    return list(contact.people.filter(role=ContactPersonRole.SUBJECT).values_list("person_id", flat=True))


def notification_send(*, user, contact, message: str) -> Notification:
    """One in-app notification to `user` (a User), about `contact` (a Contact or None: the home page links it to
    the contact, or to the enquiry made from it). `message`: what happened, naming records by reference only (no
    personal data in notifications), cut to 200 characters. Several recipients: `notifications_send`."""
    return Notification.objects.create(user=user, contact=contact, message=message[:200])


def notifications_send(*, users, contact, message: str) -> list[Notification]:
    """One notification per recipient for one event: `users` (Users, in any order, repeats allowed: a user with two
    memberships that both qualify is told once) each get `message` about `contact` (or None). Ordered by user id.
    Returns the notifications written (practitioners' review: "the same contact notified twice")."""
    unique = {u.pk: u for u in users if u is not None}
    return [notification_send(user=unique[k], contact=contact, message=message) for k in sorted(unique, key=str)]


def _rag_due(
    rag_code: str, start: dt.datetime, errors: dict, *, immediate_risk: bool, field: str = "rag"
) -> dt.datetime | None:
    """The enquiry's due time for a rating (enquiries.timescales.enquiry_due_at), or None with an error on `field`
    when the RAG code is not one of the partnership's levels."""
    level = rag_level_get(rag_code or "")
    if level is None:
        errors.setdefault(field, []).append("Choose a RAG rating: red, amber or green")
        return None
    return enquiry_due_at(rag_level=level, start=start, immediate_risk=immediate_risk)


@transaction.atomic
def screening_record(
    *,
    actor,
    contact_id,
    outcome: str,
    rationale: str,
    rag: str = "",
    holder_confirmed: int | None = None,
    enquiry_id=None,
    exception_reason: str = "",
    sensitivity: str = ItemSensitivity.STANDARD,
) -> Screening:
    """Screen a contact. Only one screening can win: a second, concurrent one gets Conflict, which says who screened
    it and when ("You screened this contact at …" when it was the actor: screened_already_message).

    Immediate risk (practitioner review: one screener closed an immediate-risk contact as "no further action" with
    no challenge): an outcome that closes the contact without a MASH enquiry, a strategy discussion or a referral
    (choices.SCREENING_CLOSING_OUTCOMES: no further action / advice, early help) is allowed only to a MASH manager
    (access action "screening.close_immediate_risk") and only with `exception_reason`, as the decision stage's
    unusual combinations are (decision_exceptions). Anyone else gets ValidationFailed on "outcome" naming the rule;
    a manager without a reason gets it on "exception_reason". The reason is kept on the Screening and the audit
    event says "exception": "immediate_risk_closed". A MASH enquiry on an immediate-risk contact rated the
    partnership's least urgent RAG level (Green by default) is the same kind of unusual combination (practitioner
    review, "a Monday of 60 contacts"): anyone who may screen may record it, but only with `exception_reason`
    (ValidationFailed on "exception_reason" otherwise: immediate_risk_rating_check); the audit event then says
    "exception": "immediate_risk_least_urgent". `exception_reason` is ignored for any other screening.

    A MASH enquiry opened here is held by the screener who opened it (assignment.enquiry_hold_on_opening), and is
    due by enquiries.timescales (for immediate risk, by the clock).

    A contact someone else in the hub holds (assigned_to: they took it, or a manager gave it to them) is screened
    only with `holder_confirmed` set to that holder's user id: the screener says "I am screening a contact held by
    X" (practitioner review, fault 9: one screener closed a contact another held, with no warning). Not refused
    outright, even for screeners: the holder may be away while an urgent contact waits; the override is deliberate,
    audited (detail "held_by") and the holder is told. A confirmation naming someone who no longer holds it is
    asked again (the holder changed meanwhile). ValidationFailed on "holder_confirmed" otherwise.

    Outcome "add_to_enquiry" (issue 6, duplicate work) joins the contact to an open MASH enquiry about the same
    children instead of opening a parallel one: `enquiry_id` names it (optional when exactly one is open). Every
    child of the contact must be a child of that enquiry (over their resolved clusters, ADR 0005); otherwise, or if
    no such enquiry is open, ValidationFailed on "enquiry_id" / "outcome". The enquiry's decision is this contact's
    decision too (decision_record); its holder is told. Conflict if the enquiry was decided meanwhile.

    `sensitivity`: the level of the screener's texts (the rationale, the exception reason, and the first RAG
    rating's reason, which is the rationale): standard (default), sensitive or sealed (who reads them:
    access.sharing.screening_text_held); ValidationFailed on "sensitivity" otherwise."""
    require(actor, "contact.screen")
    contact = contact_get_for(actor, contact_id, qs=contacts_visible(actor).select_related("assigned_to"))
    now = timezone.now()
    rationale, due, allocation, added_to, held_by, exception_reason = _screening_check(
        actor, contact, outcome, rationale, rag, holder_confirmed, enquiry_id, now, exception_reason, sensitivity
    )
    new_status = {
        ScreeningOutcome.NFA_ADVICE: ContactStatus.CLOSED,
        ScreeningOutcome.EARLY_HELP: ContactStatus.CLOSED,
        ScreeningOutcome.MASH_ENQUIRY: ContactStatus.IN_ENQUIRY,
        ScreeningOutcome.STRATEGY: ContactStatus.STRATEGY,
        ScreeningOutcome.ALLOCATED_WORKER: ContactStatus.WITH_ALLOCATED_WORKER,
        ScreeningOutcome.ADD_TO_ENQUIRY: ContactStatus.ADDED_TO_ENQUIRY,
    }[outcome]
    if (
        added_to is not None
        and not Enquiry.objects.select_for_update().filter(pk=added_to.pk, status=EnquiryStatus.OPEN).exists()
    ):
        raise Conflict("That MASH enquiry was decided meanwhile. Reload and screen this contact again.")
    won = Contact.objects.filter(pk=contact.pk, status=ContactStatus.AWAITING_SCREENING).update(
        status=new_status,
        version=F("version") + 1,
        routed_to=allocation.worker if allocation else None,
        updated_at=now,
    )
    if not won:
        raise Conflict(screened_already_message(actor=actor, contact_id=contact.pk))
    # A contact sent back from an allocated worker (ADR 0008) still carries the screening that had passed it to them;
    # that one is kept in casework.RoutedContactReturn and the audit trail, and the new screening replaces it.
    screening, _ = Screening.objects.update_or_create(
        contact=contact,
        defaults={
            "screened_by": actor.user,
            "screened_at": now,
            "outcome": outcome,
            "rag": rag or "",
            "rationale": rationale,
            "added_to": added_to,
            "exception_reason": exception_reason,
            "sensitivity": sensitivity,
        },
    )
    # ADR 0009 addendum 2: the intake joins held for this contact are confirmed by its screening (audited each)
    intake_links_confirm(actor=actor, contact_id=contact.pk)
    detail = {"outcome": outcome, "rag": rag, "sensitivity": sensitivity} | ({"held_by": held_by.pk} if held_by else {})
    if exception_reason:
        closing = outcome in SCREENING_CLOSING_OUTCOMES
        detail["exception"] = "immediate_risk_closed" if closing else "immediate_risk_least_urgent"
    if added_to is not None:
        detail["enquiry"] = str(added_to.pk)
    audit_record(actor=actor, action="screen", obj=contact, detail=detail)
    if held_by is not None:
        notification_send(
            user=held_by,
            contact=contact,
            message=f"Contact {contact.reference}, which you held, was screened by a colleague",
        )
    subjects = _subject_ids(contact)
    label = ScreeningOutcome(outcome).label
    if added_to is not None:
        label = f"added to the open MASH enquiry on contact {added_to.contact.reference}"
    chronology_add(
        person_ids=subjects,
        occurred_at=now,
        kind="screening",
        summary=f"Screened: {label}",
        obj=screening,
        agency=actor.agency,
    )
    if outcome == ScreeningOutcome.MASH_ENQUIRY:
        enquiry = Enquiry.objects.create(
            contact=contact, rag=rag, rag_set_at=now, due_at=due, opened_at=now, opened_by=actor.user
        )
        RagChange.objects.create(
            enquiry=enquiry,
            to_rag=rag,
            changed_by=actor.user,
            changed_at=now,
            due_at=due,
            reason=rationale,
            sensitivity=sensitivity,  # the first rating's reason is the rationale: its readers are the rationale's
        )
        audit_record(actor=actor, action="create", obj=enquiry, detail={"rag": rag})
        enquiry_hold_on_opening(actor=actor, enquiry=enquiry, when=now)
    else:
        _screening_hand_on(
            actor=actor, contact=contact, outcome=outcome, subjects=subjects, allocation=allocation, added_to=added_to
        )
    # Passing it to the allocated worker tells the referrer nothing: they would learn the child has one (fault 6).
    # A contact added to an open enquiry is told when that enquiry is decided, like any enquiry's referrer.
    if outcome not in (
        ScreeningOutcome.MASH_ENQUIRY,
        ScreeningOutcome.ALLOCATED_WORKER,
        ScreeningOutcome.ADD_TO_ENQUIRY,
    ):
        _tell_referrer(contact)
    if outcome in (ScreeningOutcome.NFA_ADVICE, ScreeningOutcome.EARLY_HELP):
        # issue 8: a child screened out is kept on the hub's watch-list for a while (in this transaction)
        from openmash.patterns.decisions_extra import watch_on_screen_out

        watch_on_screen_out(actor=actor, contact=contact, outcome=outcome, subjects=subjects)
    return screening


@transaction.atomic
def intake_match_reject(*, actor, contact_id, link_id, reason: str):
    """The screening page's "not the same child" (ADR 0009 addendum 2): the contact's child was matched at intake to
    someone already known by a shared identifier, and the join was held until screening; the screener says it is
    another child. The held link is rejected (``people.linking.intake_link_reject``: a hub decision, audited
    "link_reject") and the contact moves to the child as the referrer described them (a ``ContactChange`` with the
    reason). In: the contact and link ids, the reason (required, at most 500 characters). Who: anyone who screens
    ("contact.screen") and reviews links ("link.review"), before the contact is screened. Raises PermissionDenied,
    NotFound (the contact is not visible, or the link is not this contact's), Conflict (already screened, or the
    link was decided meanwhile) or ValidationFailed ("reason"). Returns the rejected link row."""
    from openmash.people.linking import intake_link_reject, intake_pending_links

    require(actor, "contact.screen")
    contact = contact_get_for(actor, contact_id)
    if contact.status != ContactStatus.AWAITING_SCREENING:
        raise Conflict("This contact has been screened: ask a MASH manager to separate the two children.")
    if not intake_pending_links(contact_id=contact.pk).filter(pk=link_id).exists():
        raise NotFound()
    return intake_link_reject(actor=actor, link_id=link_id, reason=reason)


def _screening_check(
    actor, contact, outcome, rationale, rag, holder_confirmed, enquiry_id, now, exception_reason="", sensitivity="standard"
) -> tuple:
    """screening_record's checks: (rationale, enquiry due time, allocation, enquiry joined, holder overridden,
    exception reason kept), or ValidationFailed with every problem at once."""
    errors: dict[str, list[str]] = {}
    held_by = contact.assigned_to if contact.assigned_to_id not in (None, actor.user.pk) else None
    if held_by is not None and holder_confirmed != held_by.pk:
        errors["holder_confirmed"] = [
            f"This contact is held by {holder_name(held_by)}. Confirm that you are screening a contact they hold"
        ]
    reason_given = exception_reason
    exception_reason = immediate_risk_close_check(
        actor=actor,
        immediate_risk=contact.immediate_risk,
        outcome=outcome,
        exception_reason=reason_given,
        errors=errors,
    )
    if outcome not in ScreeningOutcome.values:
        errors.setdefault("outcome", []).append("Choose a screening outcome")
    if sensitivity not in ItemSensitivity.values:
        errors.setdefault("sensitivity", []).append(SCREENING_SENSITIVITY_MESSAGE)
    rationale = _text(rationale, "rationale", errors, required=True, label="rationale")
    due = None
    if outcome == ScreeningOutcome.MASH_ENQUIRY:
        due = _rag_due(rag, now, errors, immediate_risk=contact.immediate_risk)
        exception_reason = immediate_risk_rating_check(
            immediate_risk=contact.immediate_risk, rag=rag, exception_reason=reason_given, errors=errors
        )
    elif rag:
        errors.setdefault("rag", []).append("Only a MASH enquiry takes a RAG rating")
    added_to = None
    if outcome == ScreeningOutcome.ADD_TO_ENQUIRY:
        added_to = _enquiry_to_join(contact, enquiry_id, errors)
    elif enquiry_id:
        errors.setdefault("enquiry_id", []).append("Only 'add to the open MASH enquiry' takes an enquiry")
    allocation = None
    if outcome == ScreeningOutcome.ALLOCATED_WORKER:
        allocation = open_allocation_for(_subject_ids(contact))
        if allocation is None:
            errors.setdefault("outcome", []).append("No child in this contact has an allocated worker")
    if errors:
        raise ValidationFailed("There is a problem with the screening", errors=errors)
    return rationale, due, allocation, added_to, held_by, exception_reason


#: The rule a screener meets when closing a contact with immediate risk (shown on the page and in the API's 422).
IMMEDIATE_RISK_CLOSE_RULE = (
    "This contact has immediate risk: only a MASH manager can close it without a MASH enquiry, strategy discussion "
    "or referral (no further action, advice or early help), and only with a recorded reason. Choose a MASH enquiry "
    "or a strategy discussion, or ask a MASH manager to screen it"
)


def immediate_risk_close_check(
    *, actor, immediate_risk: bool, outcome: str, exception_reason: str, errors: dict
) -> str:
    """The immediate-risk rule of screening (screening_record's docstring; source: practitioner review). In: the
    actor, whether the contact has immediate risk, the outcome chosen, the reason given. Out: the exception reason to
    keep ("" when the rule does not apply); problems are added to `errors` ("outcome" for someone other than a MASH
    manager, "exception_reason" for a manager with no reason)."""
    if not (immediate_risk and outcome in SCREENING_CLOSING_OUTCOMES):
        return ""
    if not can(actor, "screening.close_immediate_risk"):
        errors.setdefault("outcome", []).append(IMMEDIATE_RISK_CLOSE_RULE)
        return ""
    reason = _text(exception_reason, "exception_reason", errors, required=False, label="reason")
    if not reason:
        errors.setdefault("exception_reason", []).append(
            "Give the reason for closing a contact with immediate risk without a MASH enquiry, strategy discussion "
            "or referral"
        )
    return reason


def least_urgent_rag_level(levels: list | None = None):
    """The partnership's least urgent RAG level (the one with the most working hours; the last in sort order on a
    tie): Green by default (partnership.services.DEFAULT_RAG). In: the levels (read when not given). Out: a RagLevel,
    or None when the partnership has none."""
    levels = list(levels) if levels is not None else rag_levels_list()
    if not levels:
        return None
    return max(levels, key=lambda lvl: (lvl.working_hours, lvl.sort_order))


def immediate_risk_rating_rule(label: str) -> str:
    """What a screener is told when rating an immediate-risk contact's MASH enquiry at the least urgent level
    (`label`, e.g. "Green"): shown on the page as hint text and in the 422 on "exception_reason"."""
    return (
        f"This contact has immediate risk: rating its MASH enquiry {label} is unusual and needs a recorded reason. "
        "It will still be due by the immediate-risk timescale, not the usual one for that rating"
    )


def immediate_risk_rating_check(*, immediate_risk: bool, rag: str, exception_reason: str, errors: dict) -> str:
    """The unusual combination of immediate risk with the least urgent RAG rating (least_urgent_rag_level; source:
    practitioner review, "a Monday of 60 contacts": an immediate-risk contact was rated Green without comment). In:
    whether the contact has immediate risk, the RAG code chosen, the reason given. Out: the reason to keep ("" when
    the combination does not arise); with no reason, a problem on "exception_reason" (immediate_risk_rating_rule),
    as decision_exceptions' unusual combinations need a reason at the decision."""
    if not immediate_risk or not rag:
        return ""
    level = least_urgent_rag_level()
    if level is None or level.code != rag:
        return ""
    reason = _text(exception_reason, "exception_reason", errors, required=False, label="reason")
    if not reason and not errors.get("exception_reason"):
        errors.setdefault("exception_reason", []).append(f"{immediate_risk_rating_rule(level.label)}. Give the reason")
    return reason


def screened_already_message(*, actor, contact_id, reload_hint: bool = True) -> str:
    """What to tell someone whose screening lost because the contact is no longer awaiting screening: who screened
    it and when ("You have already screened this contact, at 2 April 2026 at 5:30pm" when it was the actor), or,
    when it was not screened (passed to the allocated worker when it was recorded), where it is. `reload_hint`
    adds "Reload to see …" (the error after a lost race; not on the page that already shows the contact). No
    personal data beyond a hub member's name."""
    from openmash.core.text import datetime_long

    screening = Screening.objects.filter(contact_id=contact_id).select_related("screened_by").first()
    if screening is None:
        status = Contact.objects.filter(pk=contact_id).values_list("status", flat=True).first() or ""
        label = ContactStatus(status).label.lower() if status in ContactStatus.values else "no longer on the queue"
        hint = " Reload to see where it is." if reload_hint else ""
        return f"This contact is no longer awaiting screening ({label}).{hint}"
    at = datetime_long(screening.screened_at)
    if screening.screened_by_id == actor.user.pk:
        hint = " Reload to see your decision." if reload_hint else ""
        return f"You have already screened this contact, at {at}.{hint}"
    hint = " Reload to see their decision." if reload_hint else ""
    return f"This contact has already been screened by {holder_name(screening.screened_by)}, at {at}.{hint}"


def _enquiry_to_join(contact: Contact, enquiry_id, errors: dict) -> Enquiry | None:
    """The open MASH enquiry a contact joins (outcome add_to_enquiry): the one named, or the only one open about its
    children (enquiries.related). Records the problem on `errors` and returns None when there is none, several and
    none named, the one named is not open about these children, or it does not cover every child of the contact."""
    from openmash.enquiries.related import related_work_for

    open_ones = {i.enquiry_id: i for i in related_work_for([contact])[contact.pk] if i.kind == "open_enquiry"}
    if not open_ones:
        errors.setdefault("outcome", []).append("No child in this contact is in an open MASH enquiry")
        return None
    if enquiry_id is None:
        if len(open_ones) > 1:
            errors.setdefault("enquiry_id", []).append("Choose the MASH enquiry to add this contact to")
            return None
        enquiry_id = next(iter(open_ones))
    item = open_ones.get(_as_uuid(enquiry_id))
    if item is None:
        errors.setdefault("enquiry_id", []).append("Choose an open MASH enquiry about a child in this contact")
        return None
    if set(item.child_ids) != set(_subject_ids(contact)):
        errors.setdefault("enquiry_id", []).append(
            "This contact names a child who is not in that enquiry: screen it on its own (for example as a MASH "
            "enquiry)"
        )
        return None
    return Enquiry.objects.select_related("contact", "assigned_to").get(pk=item.enquiry_id)


def _as_uuid(value):
    import uuid

    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _screening_hand_on(*, actor, contact: Contact, outcome: str, subjects: list, allocation, added_to=None) -> None:
    """What a screening outcome other than a MASH enquiry sets going: referrals for a strategy discussion, a
    request to the early help service, a notice to the allocated worker, or a notice to the holder of the enquiry
    the contact joined."""
    now = timezone.now()
    if added_to is not None:
        holder = added_to.assigned_to
        if holder is not None and holder.pk != actor.user.pk:
            notification_send(
                user=holder,
                contact=added_to.contact,
                message=f"Contact {contact.reference} was added to the MASH enquiry you hold "
                f"({added_to.contact.reference})",
            )
    elif outcome == ScreeningOutcome.STRATEGY:
        _referrals_open(actor=actor, contact=contact, subjects=subjects, outcome_code="strategy_s47", when=now)
    elif outcome == ScreeningOutcome.EARLY_HELP:
        _early_help_send(actor=actor, contact=contact, children=subjects, source=EarlyHelpSource.SCREENING, when=now)
    elif allocation:
        notification_send(
            user=allocation.worker,
            contact=contact,
            message=f"Contact {contact.reference} was passed to you by the MASH",
        )


def _tell_referrer(contact: Contact) -> None:
    notification_send(
        user=contact.recorded_by,
        contact=contact,
        message=f"Contact {contact.reference} has an outcome. Open the contact to see it.",
    )


@transaction.atomic
def enquiry_rerate(
    *, actor, enquiry_id, rag: str, reason: str, version: int, sensitivity: str = "standard"
) -> Enquiry:
    """Change the RAG rating. Needs a reason; recomputes the enquiry's and open requests' deadlines. `sensitivity`:
    the reason's, standard (default), sensitive or sealed (who reads it: access.sharing.rag_change_reason_held).
    Errors: ValidationFailed (rag, reason, sensitivity), Conflict (changed meanwhile or decided)."""
    require(actor, "enquiry.rate")
    enquiry = enquiry_get_for(actor, enquiry_id)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True, label="reason for the new rating")
    if sensitivity not in ItemSensitivity.values:
        errors.setdefault("sensitivity", []).append(REASON_SENSITIVITY_MESSAGE)
    now = timezone.now()
    due = _rag_due(rag, now, errors, immediate_risk=enquiry.contact.immediate_risk)
    if enquiry.version != version or enquiry.status != EnquiryStatus.OPEN:
        raise Conflict("The enquiry was changed by someone else (or decided). Reload and try again.")
    if not errors and rag == enquiry.rag:
        errors.setdefault("rag", []).append(f"The enquiry is already rated {rag}")
    if errors:
        raise ValidationFailed("There is a problem with the rating", errors=errors)
    won = Enquiry.objects.filter(pk=enquiry.pk, version=version, status=EnquiryStatus.OPEN).update(
        rag=rag, rag_set_at=now, due_at=due, version=F("version") + 1, updated_at=now
    )
    if not won:
        raise Conflict("The enquiry was changed by someone else (or decided). Reload and try again.")
    RagChange.objects.create(
        enquiry=enquiry,
        from_rag=enquiry.rag,
        to_rag=rag,
        reason=reason,
        changed_by=actor.user,
        changed_at=now,
        due_at=due,
        sensitivity=sensitivity,
    )
    AgencyRequest.objects.filter(enquiry=enquiry, status=RequestStatus.OPEN).update(
        due_at=agency_due_at(enquiry_due=due, now=now, immediate_risk=enquiry.contact.immediate_risk),
        escalated_at=None,
        version=F("version") + 1,
    )
    audit_record(
        actor=actor, action="update", obj=enquiry, detail={"rag": [enquiry.rag, rag], "sensitivity": sensitivity}
    )
    chronology_add(
        person_ids=_subject_ids(enquiry.contact),
        occurred_at=now,
        kind="rag",
        summary=f"RAG changed from {enquiry.rag} to {rag}",
        obj=enquiry,
        agency=actor.agency,
    )
    enquiry.refresh_from_db()
    return enquiry


class _OutsideAgreementRefused(Exception):
    """Raised inside the request transaction so it rolls back; agency_requests_create audits and reports it."""

    def __init__(self, enquiry, refused: list) -> None:
        super().__init__("outside agreement")
        self.enquiry, self.refused = enquiry, refused


#: The error for a RAG change reason's sensitivity that is not standard, sensitive or sealed.
REASON_SENSITIVITY_MESSAGE = "Select how sensitive the reason is: standard, sensitive or sealed"
#: The error for a question sensitivity that is not standard, sensitive or sealed.
QUESTION_SENSITIVITY_MESSAGE = "Select how sensitive the question is: standard, sensitive or sealed"
#: The same for a screening's rationale and a decision's rationale and next steps.
SCREENING_SENSITIVITY_MESSAGE = "Select how sensitive the rationale is: standard, sensitive or sealed"
DECISION_SENSITIVITY_MESSAGE = "Select how sensitive the rationale and next steps are: standard, sensitive or sealed"


def agency_requests_create(
    *,
    actor,
    enquiry_id,
    agency_codes: list[str],
    question: str = "",
    questions: dict[str, str] | None = None,
    question_sensitivity: str = "standard",
) -> list[AgencyRequest]:
    """Ask partner agencies what they know. In: agency codes; a question for all of them (`question`) and/or one
    per agency (`questions`, keyed by agency code, overriding `question`); blank means DEFAULT_REQUEST_QUESTION.
    Each request is due `agency_due_at` (a lead before the enquiry's due time). Each is checked against the
    information-sharing agreements (access.sharing.agreement_check: the asked agency's category of information, to
    the hub): covered (the agreement recorded on the request), outside (allowed, flagged for the privacy officer) or
    refused when the partnership refuses shares outside an agreement, unless the contact has immediate risk or the
    enquiry is rated red (urgent child protection: never refused). `question_sensitivity`: standard (default),
    sensitive or sealed, for every question sent (who reads it: access.sharing.request_question_held; a sealed
    question only the sealed roles and the asker). Out: the new requests. Errors: ValidationFailed
    (agency_codes, question, questions.<code>, question_sensitivity; agency_codes when refused outside an agreement: nothing is sent and
    the refusal is audited); Conflict if decided or asked already."""
    try:
        return _agency_requests_create(
            actor=actor,
            enquiry_id=enquiry_id,
            agency_codes=agency_codes,
            question=question,
            questions=questions,
            question_sensitivity=question_sensitivity,
        )
    except _OutsideAgreementRefused as exc:
        from openmash.sharing.agreements import agreement_refusal_record

        for agency, answer in exc.refused:
            agreement_refusal_record(actor=actor, obj=exc.enquiry, answer=answer, to=agency.code)
        raise ValidationFailed(
            "There is a problem with the request", errors={"agency_codes": [a.message for _, a in exc.refused]}
        ) from None


@transaction.atomic
def _agency_requests_create(
    *,
    actor,
    enquiry_id,
    agency_codes: list[str],
    question: str = "",
    questions: dict[str, str] | None = None,
    question_sensitivity: str = "standard",
) -> list[AgencyRequest]:
    require(actor, "enquiry.request")
    enquiry = enquiry_get_for(actor, enquiry_id)
    errors: dict[str, list[str]] = {}
    question = _text(question, "question", errors, required=False, label="question")
    if question_sensitivity not in ItemSensitivity.values:
        errors.setdefault("question_sensitivity", []).append(QUESTION_SENSITIVITY_MESSAGE)
    codes = list(dict.fromkeys(agency_codes or []))
    if not codes:
        errors.setdefault("agency_codes", []).append("Choose at least one agency to ask")
    per_agency: dict[str, str] = {}
    for code, text in (questions or {}).items():
        if code not in codes:
            errors.setdefault("questions", []).append(f"A question for an agency that is not being asked: {code}")
            continue
        per_agency[code] = _text(text, f"questions.{code}", errors, required=False, label="question")
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True, is_hub=False)}
    unknown = [c for c in codes if c not in agencies]
    if unknown:
        errors.setdefault("agency_codes", []).append(f"Unknown agency: {', '.join(unknown)}")
    already = set(
        AgencyRequest.objects.filter(enquiry=enquiry, agency__code__in=codes).values_list("agency__code", flat=True)
    )
    if already:
        errors.setdefault("agency_codes", []).append(f"Already asked: {', '.join(sorted(already))}")
    if enquiry.status != EnquiryStatus.OPEN:
        raise Conflict("This enquiry has been decided; no more requests can be sent.")
    if errors:
        raise ValidationFailed("There is a problem with the request", errors=errors)
    urgent = bool(enquiry.contact.immediate_risk) or enquiry.rag == "red"
    hub = [actor.membership.agency]
    answers = {
        c: agreement_check(
            from_agency=agencies[c],
            to_agencies=hub,
            category=agency_info_category(agencies[c]),
            urgent_child_protection=urgent,
        )
        for c in codes
    }
    refused = [(agencies[c], a) for c, a in answers.items() if a.refused]
    if refused:
        raise _OutsideAgreementRefused(enquiry, refused)
    now = timezone.now()
    due = agency_due_at(enquiry_due=enquiry.due_at, now=now, immediate_risk=enquiry.contact.immediate_risk)
    try:
        with transaction.atomic():
            created = [
                AgencyRequest.objects.create(
                    enquiry=enquiry,
                    agency=agencies[c],
                    requested_by=actor.user,
                    requested_at=now,
                    due_at=due,
                    question=per_agency.get(c) or question or DEFAULT_REQUEST_QUESTION,
                    question_sensitivity=question_sensitivity,
                    agreement=answers[c].agreement,
                    agreement_check=answers[c].recorded,
                    info_category=answers[c].category,
                )
                for c in codes
            ]
    except IntegrityError:
        raise Conflict("Someone else has just asked one of these agencies. Reload to see their request.") from None
    for r in created:
        audit_record(
            actor=actor,
            action="create",
            obj=r,
            detail={
                "agency": r.agency.code,
                "agreement": r.agreement_check,
                "category": r.info_category,
                "urgent": urgent,
                "question_sensitivity": question_sensitivity,
            },
        )
    return created


def _response_fields(
    *, no_information: bool, summary, risk_indicators, relevant_dates, sensitivity, errors: dict, has_items=False
) -> dict:
    """The checked content of an answer (shared by answering and amending). `has_items`: the agency gives (or has
    decided on) contributed items (openmash.sharing), so the plain summary may be left empty."""
    summary = _text(
        summary,
        "summary",
        errors,
        required=not no_information and not has_items,
        label="summary of what your agency knows, or add an item",
    )
    indicators = list(dict.fromkeys(risk_indicators or []))
    bad = [i for i in indicators if i not in RISK_INDICATORS]
    if bad:
        errors.setdefault("risk_indicators", []).append(f"Unknown risk indicator: {', '.join(bad)}")
    if no_information and (summary or indicators or has_items):
        errors.setdefault("no_information", []).append(
            "'No information held' cannot come with a summary, items or indicators"
        )
    if sensitivity not in Sensitivity.values:
        errors.setdefault("sensitivity", []).append("Choose standard, sensitive or restricted")
    relevant_dates = (relevant_dates or "").strip()
    if len(relevant_dates) > 500:
        errors.setdefault("relevant_dates", []).append("Must be 500 characters or fewer")
    return {
        "no_information": bool(no_information),
        "summary": summary,
        "risk_indicators": indicators,
        "relevant_dates": relevant_dates,
        "sensitivity": sensitivity,
    }


def _hub_managers() -> list:
    return [m.user for m in memberships_allowed("enquiry.decide").select_related("user")]


def _tell_hub_after_decision(enquiry: Enquiry, message: str) -> None:
    """Late or changed information on a decided enquiry: the manager who decided, the hub's managers and, once the
    case is handed over, the social worker allocated to any of its children (open allocation, over each child's
    cluster) are told, so the worker opens the MASH pack again (issue 5 review). The message carries the contact
    reference and the agency's name only, never personal data."""
    decision = Decision.objects.filter(enquiry=enquiry).select_related("decided_by").first()
    recipients = {u.pk: u for u in _hub_managers()}
    if decision is not None:
        recipients.setdefault(decision.decided_by_id, decision.decided_by)
    workers = CaseAllocation.objects.filter(
        person_id__in=people_in_clusters(_subject_ids(enquiry.contact)),
        closed_at__isnull=True,
        worker__isnull=False,
        worker__in=memberships_allowed("allocation.receive").values("user_id"),
    ).select_related("worker")
    for allocation in workers:
        recipients.setdefault(allocation.worker_id, allocation.worker)
    notifications_send(users=recipients.values(), contact=enquiry.contact, message=message)


@transaction.atomic
def agency_response_record(
    *,
    actor,
    request_id,
    no_information: bool,
    summary: str = "",
    risk_indicators: list[str] | None = None,
    relevant_dates: str = "",
    sensitivity: str = Sensitivity.STANDARD,
    items: list[dict] | None = None,
) -> AgencyResponse:
    """Answer an information request in one step: what is known, or 'no information held'.

    What is known is the agency's contributed items (openmash.sharing, the secure room): `items` given here (each
    with its sharing decision: sharing.services.items_add_many), items already added to the request and decided on,
    and a plain `summary`, which becomes one item shared into the hub (sharing.services.summary_item_sync; the
    backward-compatible form of the API). None of them leaves the hub until the agency releases it.

    An answer to a request closed because the enquiry was decided is accepted as **late information**
    (response.late = True) and the hub's managers are told, so they can reconsider the decision (information
    sharing golden rule 7, DOMAIN 3.3; docs/architecture/decisions/0003-late-agency-answers-and-decision-rules.md).
    Errors: ValidationFailed per field; Conflict if the request was answered already."""
    from openmash.sharing import services as sharing

    require(actor, "request.respond")
    request = agency_request_get_for(actor, request_id)
    errors: dict[str, list[str]] = {}
    fields = _response_fields(
        no_information=no_information,
        summary=summary,
        risk_indicators=risk_indicators,
        relevant_dates=relevant_dates,
        sensitivity=sensitivity,
        errors=errors,
        has_items=bool(items) or sharing.request_has_items(request),
    )
    if errors:
        raise ValidationFailed("There is a problem with the response", errors=errors)
    now = timezone.now()
    status = AgencyRequest.objects.filter(pk=request.pk).values_list("status", flat=True).first()
    late = status == RequestStatus.CLOSED
    won = status in (RequestStatus.OPEN, RequestStatus.CLOSED) and AgencyRequest.objects.filter(
        pk=request.pk, status=status
    ).update(status=RequestStatus.RESPONDED, version=F("version") + 1, updated_at=now)
    if not won:
        raise Conflict("This request has already been answered. You can amend your agency's answer instead.")
    response = AgencyResponse.objects.create(
        request=request, responded_by=actor.user, responded_at=now, late=late, **fields
    )
    if items:
        sharing.items_add_many(actor=actor, request=request, items=items, via="api")
    sharing.summary_item_sync(
        actor=actor, request=request, summary=fields["summary"], sensitivity=fields["sensitivity"], now=now
    )
    audit_record(
        actor=actor, action="create", obj=response, detail={"no_information": fields["no_information"], "late": late}
    )
    chronology_add(
        person_ids=_subject_ids(request.enquiry.contact),
        occurred_at=now,
        kind="agency_response",
        summary=f"{request.agency.name}: {'no information held' if no_information else 'information shared'}"
        + (" (after the decision)" if late else ""),
        obj=response,
        agency=request.agency,
    )
    sharing.answer_chronology_follow(request)  # the entry is held as the answer's text is (issue 7)
    if late:
        _tell_hub_after_decision(
            request.enquiry,
            f"Late information: {request.agency.name} answered after the decision on {request.enquiry.contact.reference}",
        )
    return response


@transaction.atomic
def agency_response_amend(
    *,
    actor,
    request_id,
    version: int,
    reason: str,
    no_information: bool,
    summary: str = "",
    risk_indicators: list[str] | None = None,
    relevant_dates: str = "",
    sensitivity: str = Sensitivity.STANDARD,
    items: list[dict] | None = None,
) -> AgencyResponse:
    """A researcher of the answering agency corrects or adds to its answer. In: the full new answer, the answer's
    `version` as read, and the reason for the change. The replaced content is kept as an AgencyResponseRevision;
    the hub sees 'amended' with the time (and is notified if the enquiry is already decided).
    Errors: ValidationFailed per field (reason required; an unchanged answer is refused); Conflict if someone
    else amended it first (stale version) or the request has no answer yet. `items`: items to add to the answer,
    each with its sharing decision (openmash.sharing), as when answering."""
    from openmash.sharing import services as sharing

    require(actor, "request.respond")
    request = agency_request_get_for(
        actor, request_id, qs=agency_requests_visible(actor).select_related("enquiry__contact", "agency")
    )
    if request.agency_id != actor.agency_id:  # the hub can see requests but only the agency answers
        raise PermissionDenied("Only the agency that answered can amend its answer.")
    response = AgencyResponse.objects.filter(request=request).first()
    if response is None:
        raise Conflict("This request has not been answered yet. Answer it first.")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True, label="reason for the change")
    fields = _response_fields(
        no_information=no_information,
        summary=summary,
        risk_indicators=risk_indicators,
        relevant_dates=relevant_dates,
        sensitivity=sensitivity,
        errors=errors,
        has_items=bool(items) or sharing.request_has_items(request),
    )
    if not errors and not items and all(getattr(response, k) == v for k, v in fields.items()):
        errors.setdefault("summary", []).append("The amended answer is the same as the current one: change something")
    if version != response.version:
        raise Conflict("Someone else has changed this answer since you opened it. Reload to see their version.")
    if errors:
        raise ValidationFailed("There is a problem with the amended response", errors=errors)
    now = timezone.now()
    won = AgencyResponse.objects.filter(pk=response.pk, version=version).update(
        # the answer's free text is encrypted for this row (core.fields): sealed with its primary key here
        **encrypted_values(AgencyResponse, response.pk, **fields, amendment_reason=reason),
        version=F("version") + 1,
        amended_at=now,
        amended_by=actor.user,
        updated_at=now,
    )
    if not won:
        raise Conflict("Someone else has changed this answer since you opened it. Reload to see their version.")
    AgencyResponseRevision.objects.create(
        response=response,
        version=response.version,
        recorded_by_id=response.amended_by_id or response.responded_by_id,
        recorded_at=response.amended_at or response.responded_at,
        no_information=response.no_information,
        summary=response.summary,
        risk_indicators=response.risk_indicators,
        relevant_dates=response.relevant_dates,
        sensitivity=response.sensitivity,
        replaced_by=actor.user,
        replaced_at=now,
    )
    changed = sorted(k for k, v in fields.items() if getattr(response, k) != v)
    if items:
        sharing.items_add_many(actor=actor, request=request, items=items, via="api")
        changed.append("items")
    if "summary" in changed or ("sensitivity" in changed and fields["summary"]):
        # the plain summary's item follows the amended summary (the earlier one is withdrawn, never released again)
        sharing.summary_item_sync(
            actor=actor, request=request, summary=fields["summary"], sensitivity=fields["sensitivity"], now=now
        )
    audit_record(actor=actor, action="update", obj=response, detail={"version": version + 1, "changed": changed})
    chronology_add(
        person_ids=_subject_ids(request.enquiry.contact),
        occurred_at=now,
        kind="agency_response",
        summary=f"{request.agency.name} amended its response",
        obj=response,
        agency=request.agency,
    )
    sharing.answer_chronology_follow(request)  # this entry and the earlier ones follow the amended answer's level
    if request.enquiry.status == EnquiryStatus.DECIDED:
        _tell_hub_after_decision(
            request.enquiry,
            f"Changed information: {request.agency.name} amended its answer on {request.enquiry.contact.reference}",
        )
    response.refresh_from_db()
    return response


# --- the decision ----------------------------------------------------------------------------------------------


def decision_exceptions(
    *, outcomes: list[str], threshold_level: int, known: dict, agencies_asked: int, errors: dict, field: str, who: str
) -> list[tuple[str, str]]:
    """The rules a decision must meet, from the partnership's outcome data (OutcomeCode.exclusive,
    usual_min_level/usual_max_level; defaults in partnership.services.DEFAULT_OUTCOMES, issue 5 fault 8).

    A contradiction (an exclusive outcome such as 'no further action' with any other) is an error on `field`.
    Unusual combinations return (code, message) pairs: the decision then needs a reason. `who` names the child
    in messages ('' for the whole decision)."""
    unusual: list[tuple[str, str]] = []
    for code in outcomes:
        o = known.get(code)
        if o is None:
            continue
        if o.exclusive and len(outcomes) > 1:
            errors.setdefault(field, []).append(f"{o.label} cannot be combined with another outcome{who}")
        low, high = o.usual_min_level, o.usual_max_level
        if threshold_level and (
            (low is not None and threshold_level < low) or (high is not None and threshold_level > high)
        ):
            unusual.append(
                (
                    f"threshold:{code}:{threshold_level}",
                    f"{o.label} at threshold level {threshold_level} is unusual{who}",
                )
            )
    if agencies_asked == 0:
        unusual.append(("no_agency_asked", "No agency was asked for information"))
    return unusual


def _levels_said(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"level {low}" if low == high else f"levels {low} to {high}"
    return f"level {low} or above" if low is not None else f"level {high} or below"


def decision_reason_rules(*, outcome_codes, agencies_asked: int | None = None) -> list[str]:
    """When a decision needs a reason, said before it is made (practitioner review, "a Monday of 60 contacts": the
    decision form stated its unusual combinations only after submitting). The same rules as decision_exceptions,
    from the partnership's outcome data (OutcomeCode.usual_min_level/usual_max_level). In: the active outcome codes,
    and how many agencies were asked on this enquiry (None: not known). Out: sentences, e.g. "no agency has been
    asked for information on this enquiry", "Early help outside levels 2 to 3"; empty when nothing is unusual."""
    rules = []
    if agencies_asked == 0:
        rules.append("no agency has been asked for information on this enquiry")
    for o in outcome_codes:
        if o.usual_min_level is None and o.usual_max_level is None:
            continue
        rules.append(f"{o.label} outside {_levels_said(o.usual_min_level, o.usual_max_level)}")
    return rules


def _decision_children(*, children, subjects: list, outcomes: list[str], threshold_level: int, errors: dict) -> list:
    """Resolve the per-child decisions. Out: [(person_id, outcomes, threshold_level, field_prefix)], one per subject
    child; a child not listed gets the decision's outcomes and level."""
    listed: dict = {}
    for i, entry in enumerate(children or []):
        pid = str(entry.get("person_id") or "")
        match = next((s for s in subjects if str(s) == pid), None)
        if match is None:
            errors.setdefault(f"children.{i}.person_id", []).append("Choose a child named in this contact")
            continue
        if match in listed:
            errors.setdefault(f"children.{i}.person_id", []).append("This child is listed twice")
            continue
        child_outcomes = list(dict.fromkeys(entry.get("outcomes") or [])) or outcomes
        level = entry.get("threshold_level") or threshold_level
        listed[match] = (child_outcomes, level, f"children.{i}")
    return [(pid, *listed.get(pid, (outcomes, threshold_level, ""))) for pid in subjects]


def _decision_check(
    *, enquiry: Enquiry, outcomes, threshold_level: int, children, errors: dict
) -> tuple[list, list[tuple[str, str]], dict]:
    """Validate a decision's outcomes per child. Out: per-child rows, the unusual combinations, the outcome codes."""
    codes = list(dict.fromkeys(outcomes or []))
    child_codes = [c for entry in (children or []) for c in (entry.get("outcomes") or [])]
    all_codes = list(dict.fromkeys(codes + child_codes))
    known = {o.code: o for o in OutcomeCode.objects.filter(code__in=all_codes, active=True)}
    levels = set(ThresholdLevel.objects.values_list("level", flat=True))
    if not all_codes:
        errors.setdefault("outcomes", []).append("Choose at least one outcome")
    if any(c not in known for c in codes):
        errors.setdefault("outcomes", []).append(f"Unknown outcome: {', '.join(c for c in codes if c not in known)}")
    if threshold_level not in levels:
        errors.setdefault("threshold_level", []).append("Choose a threshold level")
    contact = enquiry.contact
    per_child = _decision_children(
        children=children,
        subjects=_subject_ids(contact),
        outcomes=codes,
        threshold_level=threshold_level,
        errors=errors,
    )
    names = dict(contact.people.filter(role=ContactPersonRole.SUBJECT).values_list("person_id", "person__forename"))
    asked = AgencyRequest.objects.filter(enquiry=enquiry).count()
    unusual: list[tuple[str, str]] = []
    for pid, child_outcomes, level, prefix in per_child:
        field = f"{prefix}.outcomes" if prefix else "outcomes"
        who = f" (for {names.get(pid) or 'a child'})" if children else ""
        if prefix:
            bad = [c for c in child_outcomes if c not in known]
            if bad:
                errors.setdefault(field, []).append(f"Unknown outcome: {', '.join(bad)}")
            if level not in levels:
                errors.setdefault(f"{prefix}.threshold_level", []).append("Choose a threshold level")
        if not child_outcomes:
            errors.setdefault(field, []).append(f"Choose at least one outcome{who}")
        for item in decision_exceptions(
            outcomes=child_outcomes,
            threshold_level=level if level in levels else 0,  # a level that is not one: one message, not two
            known=known,
            agencies_asked=asked,
            errors=errors,
            field=field,
            who=who,
        ):
            if item not in unusual:
                unusual.append(item)
    return per_child, unusual, known


def unanswered_requests(enquiry) -> dict:
    """The enquiry's agency requests still waiting for an answer, for the warning before a decision.
    Out: {"waiting": [agency names, by name], "asked": how many agencies were asked, "message": the warning ("" when
    none waits)}. Agency names only: no personal data."""
    rows = list(
        AgencyRequest.objects.filter(enquiry=enquiry).order_by("agency__name").values_list("agency__name", "status")
    )
    waiting = [name for name, status in rows if status == RequestStatus.OPEN]
    message = ""
    if waiting:
        have = "has" if len(waiting) == 1 else "have"
        agencies = "agency" if len(rows) == 1 else "agencies"
        message = (
            f"{len(waiting)} of {len(rows)} {agencies} asked {have} not answered ({', '.join(waiting)}). Confirm "
            "that you are deciding without their answers: their requests will close unanswered"
        )
    return {"waiting": waiting, "asked": len(rows), "message": message}


@transaction.atomic
def enquiry_decide(
    *,
    actor,
    enquiry_id,
    outcomes: list[str],
    threshold_level: int,
    rationale: str,
    next_steps: str = "",
    exception_reason: str = "",
    children: list[dict] | None = None,
    unanswered_confirmed: bool = False,
    sensitivity: str = ItemSensitivity.STANDARD,
) -> Decision:
    """The manager's decision (MASH manager only).

    In: outcomes and threshold level for every subject child, rationale, next steps; optionally `children`, a list
    of {person_id, outcomes, threshold_level} for children whose decision differs (missing values fall back to
    the decision's); `exception_reason`, required when the decision is unusual (see decision_exceptions: an outcome
    outside its usual threshold levels, or no agency asked). Stored on the decision with the exception codes.
    Effects: open agency requests close ("closed: decided"); each child whose outcomes open a referral becomes a
    referral (re-referral flagged); an early-help outcome hands the children to the early help service; the
    referrer is told. Deciding while agencies have not answered needs `unanswered_confirmed` (practitioner review,
    fault 5: a decision taken before 0 of 4 agencies answered gave no warning); the number is kept in the audit
    event, and the closed requests stay "closed, not answered" everywhere. Errors: ValidationFailed with field
    keys (outcomes, threshold_level, rationale, exception_reason, unanswered_confirmed, sensitivity,
    children.<i>.outcomes ...); Conflict if already decided. `sensitivity`: the level of the decision's texts
    (rationale, next steps, exception reason): standard (default), sensitive or sealed (who reads them:
    access.sharing.decision_text_held)."""
    require(actor, "enquiry.decide")
    enquiry = enquiry_get_for(actor, enquiry_id, qs=enquiries_visible(actor).select_related("contact"))
    if enquiry.status != EnquiryStatus.OPEN:
        raise Conflict("This enquiry has already been decided.")
    errors: dict[str, list[str]] = {}
    rationale = _text(rationale, "rationale", errors, required=True, label="rationale")
    next_steps = _text(next_steps, "next_steps", errors, required=False, label="next steps")
    exception_reason = _text(exception_reason, "exception_reason", errors, required=False, label="reason")
    if sensitivity not in ItemSensitivity.values:
        errors.setdefault("sensitivity", []).append(DECISION_SENSITIVITY_MESSAGE)
    per_child, unusual, known = _decision_check(
        enquiry=enquiry, outcomes=outcomes, threshold_level=threshold_level, children=children, errors=errors
    )
    if unusual and not exception_reason and not errors.get("exception_reason"):
        errors["exception_reason"] = [f"{message}: give the reason for this decision" for _, message in unusual]
    unanswered = unanswered_requests(enquiry)
    if unanswered["waiting"] and not unanswered_confirmed:
        errors["unanswered_confirmed"] = [unanswered["message"]]
    if errors:
        raise ValidationFailed(
            "There is a problem with the decision", errors={k: list(dict.fromkeys(v)) for k, v in errors.items()}
        )
    now = timezone.now()
    won = Enquiry.objects.filter(pk=enquiry.pk, status=EnquiryStatus.OPEN).update(
        status=EnquiryStatus.DECIDED, version=F("version") + 1, updated_at=now
    )
    if not won:
        raise Conflict("This enquiry has already been decided.")
    union = list(dict.fromkeys(c for _, child_outcomes, _, _ in per_child for c in child_outcomes))
    decision = Decision.objects.create(
        enquiry=enquiry,
        decided_by=actor.user,
        decided_at=now,
        outcomes=union,
        threshold_level=threshold_level,
        rationale=rationale,
        next_steps=next_steps,
        exceptions=[code for code, _ in unusual],
        exception_reason=exception_reason,
        sensitivity=sensitivity,
    )
    DecisionChild.objects.bulk_create(
        [
            DecisionChild(decision=decision, person_id=pid, outcomes=child_outcomes, threshold_level=level)
            for pid, child_outcomes, level, _ in per_child
        ]
    )
    contact = enquiry.contact
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED, version=F("version") + 1, updated_at=now)
    # Contacts added to this enquiry at screening (issue 6, duplicate work) are decided by it too.
    added = list(Contact.objects.filter(screening__added_to=enquiry, status=ContactStatus.ADDED_TO_ENQUIRY))
    Contact.objects.filter(pk__in=[c.pk for c in added]).update(
        status=ContactStatus.DECIDED, version=F("version") + 1, updated_at=now
    )
    audit_record(
        actor=actor,
        action="decide",
        obj=enquiry,
        detail={
            "outcomes": union,
            "threshold": threshold_level,
            "exceptions": decision.exceptions,
            "unanswered": len(unanswered["waiting"]),
            "sensitivity": sensitivity,
        },
    )
    _requests_close_on_decision(actor=actor, enquiry=enquiry, when=now)
    _decision_hand_on(actor=actor, decision=decision, per_child=per_child, known=known, when=now)
    _tell_referrer(contact)
    for joined in added:
        _tell_referrer(joined)
    return decision


def _decision_hand_on(*, actor, decision: Decision, per_child: list, known: dict, when: dt.datetime) -> None:
    """Per child: the chronology entry, a referral for outcomes that open one, the early help hand-over."""
    contact = decision.enquiry.contact
    by_code: dict[str, list] = {}
    for pid, child_outcomes, _, _ in per_child:
        chronology_add(
            person_ids=[pid],
            occurred_at=when,
            kind="decision",
            summary="Decision: " + "; ".join(known[c].label for c in child_outcomes),
            obj=decision,
            agency=actor.agency,
        )
        opening = next((c for c in child_outcomes if known[c].opens_referral), None)
        if opening:
            by_code.setdefault(opening, []).append(pid)
    for code, pids in by_code.items():
        _referrals_open(actor=actor, contact=contact, subjects=pids, outcome_code=code, when=when)
    early = [pid for pid, child_outcomes, _, _ in per_child if EARLY_HELP_OUTCOME in child_outcomes]
    if early:
        _early_help_send(actor=actor, contact=contact, children=early, source=EarlyHelpSource.DECISION, when=when)


def _requests_close_on_decision(*, actor, enquiry: Enquiry, when: dt.datetime) -> None:
    """Unanswered requests close when the enquiry is decided; their agencies' researchers are told."""
    still_open = list(AgencyRequest.objects.filter(enquiry=enquiry, status=RequestStatus.OPEN).select_related("agency"))
    if not still_open:
        return
    AgencyRequest.objects.filter(pk__in=[r.pk for r in still_open], status=RequestStatus.OPEN).update(
        status=RequestStatus.CLOSED, closed_at=when, version=F("version") + 1, updated_at=when
    )
    researchers = (
        memberships_allowed("request.respond")
        .filter(agency_id__in={r.agency_id for r in still_open})
        .select_related("user")
    )
    by_agency: dict = {}
    for m in researchers:
        by_agency.setdefault(m.agency_id, []).append(m.user)
    for r in still_open:
        audit_record(actor=actor, action="close", obj=r, detail={"agency": r.agency.code, "reason": "decided"})
        notifications_send(
            users=by_agency.get(r.agency_id, []),
            contact=enquiry.contact,
            message=f"Request for {enquiry.contact.reference} closed: the MASH has decided",
        )


# --- early help ------------------------------------------------------------------------------------------------


def _early_help_send(*, actor, contact: Contact, children: list, source: str, when: dt.datetime):
    """Hand the children to the early help service (the active agency of type early help) as a request in its
    inbox. Returns None when the partnership has no early help service configured."""
    agency = Agency.objects.filter(agency_type=EARLY_HELP_AGENCY_TYPE, active=True).order_by("name").first()
    if agency is None:
        return None
    request = EarlyHelpRequest.objects.create(
        contact=contact, agency=agency, source=source, requested_by=actor.user, requested_at=when
    )
    request.children.set(children)
    audit_record(actor=actor, action="create", obj=request, detail={"agency": agency.code, "source": source})
    chronology_add(
        person_ids=children,
        occurred_at=when,
        kind="early_help",
        summary=f"Sent to {agency.name} for early help",
        obj=request,
        agency=actor.agency,
    )
    notifications_send(
        users=[
            m.user for m in memberships_allowed("early_help.acknowledge").filter(agency=agency).select_related("user")
        ],
        contact=contact,
        message=f"New early help request: {contact.reference}",
    )
    return request


@transaction.atomic
def early_help_request_acknowledge(*, actor, request_id, version: int) -> EarlyHelpRequest:
    """The early help service acknowledges a hand-over (its researchers only). In: the request's version as read.
    The hub user who sent it is told. Errors: NotFound (not this agency's); Conflict (already acknowledged or
    changed)."""
    require(actor, "early_help.acknowledge")
    request = early_help_request_get_for(
        actor, request_id, qs=early_help_requests_visible(actor).select_related("contact")
    )
    if request.agency_id != actor.agency_id:
        raise PermissionDenied("Only the early help service can acknowledge this request.")
    now = timezone.now()
    won = EarlyHelpRequest.objects.filter(pk=request.pk, version=version, status=EarlyHelpRequestStatus.OPEN).update(
        status=EarlyHelpRequestStatus.ACKNOWLEDGED,
        acknowledged_by=actor.user,
        acknowledged_at=now,
        version=F("version") + 1,
        updated_at=now,
    )
    if not won:
        raise Conflict("This request has already been acknowledged (or changed). Reload to see it.")
    audit_record(actor=actor, action="acknowledge", obj=request)
    notification_send(
        user=request.requested_by,
        contact=request.contact,
        message=f"Early help request for {request.contact.reference} acknowledged",
    )
    request.refresh_from_db()
    return request


def _referrals_open(*, actor, contact: Contact, subjects: list, outcome_code: str, when: dt.datetime) -> list[Referral]:
    months = partnership_settings_get().re_referral_months
    today = timezone.localtime(when).date()
    window_start = _months_before(today, months)
    referrals = []
    for pid in subjects:
        # The child's history is read over their cluster (ADR 0005): a referral of anyone merged with them counts.
        cluster = people_in_clusters([pid])
        prior = Referral.objects.filter(
            person_id__in=cluster, referral_date__gte=window_start, referral_date__lte=today
        )
        referral = Referral.objects.create(
            contact=contact,
            person_id=pid,
            referral_date=today,
            source_code=contact.source_code,
            is_re_referral=prior.exists(),
            outcome_code=outcome_code,
        )
        referrals.append(referral)
        if not CaseAllocation.objects.filter(person_id__in=cluster, closed_at__isnull=True).exists():
            CaseAllocation.objects.create(person_id=pid, agency=actor.agency, referral=referral, opened_at=when)
        audit_record(actor=actor, action="create", obj=referral, detail={"re_referral": referral.is_re_referral})
        chronology_add(
            person_ids=[pid],
            occurred_at=when,
            kind="referral",
            summary="Referral to children's social care"
            + (f" (re-referral within {months} months)" if referral.is_re_referral else ""),
            obj=referral,
            agency=actor.agency,
        )
    return referrals


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def agency_requests_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark overdue, unanswered requests as escalated and tell the hub's managers and the agency's researchers."""
    now = now or timezone.now()
    overdue = list(
        AgencyRequest.objects.select_for_update()
        .filter(
            status=RequestStatus.OPEN,
            due_at__lt=now,
            escalated_at__isnull=True,
            enquiry__status=EnquiryStatus.OPEN,
        )
        .select_related("enquiry__contact", "agency")
    )
    if not overdue:
        return 0
    managers = list(memberships_allowed("enquiry.decide").select_related("user"))
    researchers_by_agency: dict = {}
    for m in (
        memberships_allowed("request.respond")
        .filter(agency_id__in={r.agency_id for r in overdue})
        .select_related("user")
    ):
        researchers_by_agency.setdefault(m.agency_id, set()).add(m.user)
    for req in overdue:
        AgencyRequest.objects.filter(pk=req.pk).update(escalated_at=now, version=F("version") + 1)
        recipients = {m.user for m in managers} | researchers_by_agency.get(req.agency_id, set())
        ref = req.enquiry.contact.reference
        notifications_send(
            users=recipients,
            contact=req.enquiry.contact,
            message=f"Overdue: {possessive(req.agency.name)} response for {ref} is past its due time",
        )
        audit_record(actor=None, username="system", action="escalate", obj=req, detail={"agency": req.agency.code})
    return len(overdue)


def notifications_mark_read(*, actor, contact_id) -> int:
    """Mark the actor's notifications about one contact as read (when they open that contact)."""
    return Notification.objects.filter(user=actor.user, contact_id=contact_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor's own as read now ("Mark all as read"). Returns how many were
    marked. Not audited, as notifications_mark_read is not: notifications carry no personal data."""
    return Notification.objects.filter(user=actor.user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def allocation_assign(*, actor, person_id, worker_membership_id, contact=None) -> CaseAllocation:
    """Allocate a child who is open to children's social care to a social worker (a MASH manager's action).
    Contacts about the child then go to that worker instead of starting a new enquiry. `contact`: the contact the
    allocation is made from (the MASH pack), so the audit event is found by that contact's reference."""
    require(actor, "allocation.assign")
    person = person_get_for(actor, person_id)
    membership = (
        memberships_allowed("allocation.receive")
        .select_related("user", "agency")
        .filter(pk=worker_membership_id)
        .first()
        if _is_uuid(worker_membership_id)
        else None
    )
    if membership is None:
        raise ValidationFailed("Check the worker", errors={"worker": ["Choose a social worker"]})
    if not memberships_choosable("allocation.receive").filter(pk=membership.pk).exists():
        raise ValidationFailed("Choose someone who can sign in and work", errors={"worker": [CANNOT_SIGN_IN_MESSAGE]})
    now = timezone.now()
    allocation = (
        CaseAllocation.objects.select_for_update()
        .filter(person_id__in=people_in_clusters([person.pk]), closed_at__isnull=True)
        .order_by("opened_at", "pk")
        .first()
    )
    if allocation is None:
        allocation = CaseAllocation.objects.create(
            person=person, agency=membership.agency, worker=membership.user, opened_at=now, allocated_at=now
        )
        action = "create"
    else:
        previous_worker = allocation.worker
        # allocated_at moves only when the child goes to a different worker ("allocated since" is the worker's)
        since = allocation.allocated_at if allocation.worker_id == membership.user_id else now
        CaseAllocation.objects.filter(pk=allocation.pk).update(
            worker=membership.user, agency=membership.agency, allocated_at=since, updated_at=now
        )
        allocation.refresh_from_db()
        action = "update"
        _routed_contacts_follow(actor=actor, allocation=allocation, previous_worker=previous_worker)
    audit_record(
        actor=actor,
        action=action,
        obj=allocation,
        detail={"worker": membership.user_id},
        contacts=[contact] if contact is not None else (),
    )
    chronology_add(
        person_ids=[person.pk],
        occurred_at=now,
        kind="allocation",
        summary=f"Allocated to {membership.user} ({membership.agency.name})",
        obj=allocation,
        agency=actor.agency,
    )
    return allocation


def _routed_contacts_follow(*, actor, allocation: CaseAllocation, previous_worker) -> None:
    """On re-allocation, contacts passed to the previous worker about the child that they had not acknowledged go to
    the new worker, who is told (the reference only), so none is left with someone who no longer holds the case
    (ADR 0008). Acknowledged ones are already in the case the new worker takes on."""
    from openmash.casework.models import RoutedContactReceipt

    if previous_worker is None or previous_worker.pk == allocation.worker_id:
        return
    about = ContactPerson.objects.filter(
        role=ContactPersonRole.SUBJECT, person_id__in=people_in_clusters([allocation.person_id])
    ).values("contact_id")
    acknowledged = RoutedContactReceipt.objects.filter(worker=previous_worker).values("contact_id")
    contacts = list(
        Contact.objects.filter(pk__in=about, status=ContactStatus.WITH_ALLOCATED_WORKER, routed_to=previous_worker)
        .exclude(pk__in=acknowledged)
        .order_by("received_at")
    )
    if not contacts:
        return
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        routed_to=allocation.worker, version=F("version") + 1, updated_at=timezone.now()
    )
    for contact in contacts:
        audit_record(
            actor=actor, action="route", obj=contact, detail={"to": "allocated_worker", "from": previous_worker.pk}
        )
        notification_send(
            user=allocation.worker,
            contact=contact,
            message=f"Contact {contact.reference} was passed to you with the case you now hold",
        )


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
