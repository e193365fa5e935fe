"""Writes for the hub's workflow: screening, RAG, agency requests and responses, decisions, referrals."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openmash.access.policy import (
    agency_request_get_for,
    contact_get_for,
    enquiry_get_for,
    memberships_allowed,
    person_get_for,
    require,
)
from openmash.accounts.models import Agency
from openmash.audit.services import audit_record
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.enquiries.choices import RISK_INDICATORS, EnquiryStatus, RequestStatus, ScreeningOutcome, Sensitivity
from openmash.enquiries.models import (
    AgencyRequest,
    AgencyResponse,
    CaseAllocation,
    Decision,
    Enquiry,
    Notification,
    RagChange,
    Referral,
    Screening,
)
from openmash.partnership.models import OutcomeCode, ThresholdLevel
from openmash.partnership.selectors import partnership_settings_get, rag_level_get, working_calendar_get
from openmash.people.selectors import open_allocation_for
from openmash.people.services import chronology_add

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
    return Notification.objects.create(user=user, contact=contact, message=message[:200])


def _rag_due(rag_code: str, start: dt.datetime, errors: dict, field: str = "rag") -> dt.datetime | None:
    level = rag_level_get(rag_code or "")
    if level is None:
        errors.setdefault(field, []).append("Choose a RAG rating: red, amber or green")
        return None
    return working_calendar_get(around=start.date()).add_working_hours(start, level.working_hours)


@transaction.atomic
def screening_record(*, actor, contact_id, outcome: str, rationale: str, rag: str = "") -> Screening:
    """Screen a contact. Only one screening can win: a second, concurrent one gets Conflict."""
    require(actor, "contact.screen")
    contact = contact_get_for(actor, contact_id)
    errors: dict[str, list[str]] = {}
    if outcome not in ScreeningOutcome.values:
        errors.setdefault("outcome", []).append("Choose a screening outcome")
    rationale = _text(rationale, "rationale", errors, required=True, label="rationale")
    now = timezone.now()
    due = None
    if outcome == ScreeningOutcome.MASH_ENQUIRY:
        due = _rag_due(rag, now, errors)
    elif rag:
        errors.setdefault("rag", []).append("Only a MASH enquiry takes a RAG rating")
    allocation = None
    if outcome == ScreeningOutcome.ALLOCATED_WORKER:
        allocation = open_allocation_for(_subject_ids(contact))
        if allocation is None:
            errors.setdefault("outcome", []).append("No child in this contact has an allocated worker")
    if errors:
        raise ValidationFailed("There is a problem with the screening", errors=errors)
    new_status = {
        ScreeningOutcome.NFA_ADVICE: ContactStatus.CLOSED,
        ScreeningOutcome.EARLY_HELP: ContactStatus.CLOSED,
        ScreeningOutcome.MASH_ENQUIRY: ContactStatus.IN_ENQUIRY,
        ScreeningOutcome.STRATEGY: ContactStatus.STRATEGY,
        ScreeningOutcome.ALLOCATED_WORKER: ContactStatus.WITH_ALLOCATED_WORKER,
    }[outcome]
    won = Contact.objects.filter(pk=contact.pk, status=ContactStatus.AWAITING_SCREENING).update(
        status=new_status,
        version=F("version") + 1,
        routed_to=allocation.worker if allocation else None,
        updated_at=now,
    )
    if not won:
        raise Conflict("This contact has already been screened by someone else. Reload to see their decision.")
    screening = Screening.objects.create(
        contact=contact, screened_by=actor.user, screened_at=now, outcome=outcome, rag=rag or "", rationale=rationale
    )
    audit_record(actor=actor, action="screen", obj=contact, detail={"outcome": outcome, "rag": rag})
    subjects = _subject_ids(contact)
    label = ScreeningOutcome(outcome).label
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
            enquiry=enquiry, to_rag=rag, changed_by=actor.user, changed_at=now, due_at=due, reason=rationale
        )
        audit_record(actor=actor, action="create", obj=enquiry, detail={"rag": rag})
    elif outcome == ScreeningOutcome.STRATEGY:
        _referrals_open(actor=actor, contact=contact, subjects=subjects, outcome_code="strategy_s47", when=now)
    elif allocation:
        notification_send(
            user=allocation.worker,
            contact=contact,
            message=f"Contact {contact.reference} was passed to you by the MASH",
        )
    # Passing it to the allocated worker tells the referrer nothing: they would learn the child has one (fault 6).
    if outcome not in (ScreeningOutcome.MASH_ENQUIRY, ScreeningOutcome.ALLOCATED_WORKER):
        _tell_referrer(contact)
    return screening


def _tell_referrer(contact: Contact) -> None:
    notification_send(
        user=contact.recorded_by,
        contact=contact,
        message=f"Contact {contact.reference} has an outcome. Sign in to see it.",
    )


@transaction.atomic
def enquiry_rerate(*, actor, enquiry_id, rag: str, reason: str, version: int) -> Enquiry:
    """Change the RAG rating. Needs a reason; recomputes the enquiry's and open requests' deadlines."""
    require(actor, "enquiry.rate")
    enquiry = enquiry_get_for(actor, enquiry_id)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True, label="reason for the new rating")
    now = timezone.now()
    due = _rag_due(rag, now, errors)
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
    )
    AgencyRequest.objects.filter(enquiry=enquiry, status=RequestStatus.OPEN).update(
        due_at=due, escalated_at=None, version=F("version") + 1
    )
    audit_record(actor=actor, action="update", obj=enquiry, detail={"rag": [enquiry.rag, rag]})
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


@transaction.atomic
def agency_requests_create(*, actor, enquiry_id, agency_codes: list[str], question: str = "") -> list[AgencyRequest]:
    require(actor, "enquiry.request")
    enquiry = enquiry_get_for(actor, enquiry_id)
    errors: dict[str, list[str]] = {}
    question = _text(question, "question", errors, required=False, label="question")
    codes = list(dict.fromkeys(agency_codes or []))
    if not codes:
        errors.setdefault("agency_codes", []).append("Choose at least one agency to ask")
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
    now = timezone.now()
    try:
        with transaction.atomic():
            created = [
                AgencyRequest.objects.create(
                    enquiry=enquiry,
                    agency=agencies[c],
                    requested_by=actor.user,
                    requested_at=now,
                    due_at=enquiry.due_at,
                    question=question,
                )
                for c in codes
            ]
    except IntegrityError:
        raise Conflict("Someone else has just asked one of these agencies. Reload to see their request.") from None
    for r in created:
        audit_record(actor=actor, action="create", obj=r, detail={"agency": r.agency.code})
    return created


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
) -> AgencyResponse:
    """Answer an information request in one step: what is known, or 'no information held'."""
    require(actor, "request.respond")
    request = agency_request_get_for(actor, request_id)
    errors: dict[str, list[str]] = {}
    summary = _text(summary, "summary", errors, required=not no_information, label="summary of what your agency knows")
    indicators = list(dict.fromkeys(risk_indicators or []))
    bad = [i for i in indicators if i not in RISK_INDICATORS]
    if bad:
        errors.setdefault("risk_indicators", []).append(f"Unknown risk indicator: {', '.join(bad)}")
    if no_information and (summary or indicators):
        errors.setdefault("no_information", []).append("'No information held' cannot come with a summary or indicators")
    if sensitivity not in Sensitivity.values:
        errors.setdefault("sensitivity", []).append("Choose standard, sensitive or restricted")
    if len(relevant_dates or "") > 500:
        errors.setdefault("relevant_dates", []).append("Must be 500 characters or fewer")
    if errors:
        raise ValidationFailed("There is a problem with the response", errors=errors)
    now = timezone.now()
    won = AgencyRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.RESPONDED, version=F("version") + 1, updated_at=now
    )
    if not won:
        raise Conflict("This request has already been answered.")
    response = AgencyResponse.objects.create(
        request=request,
        responded_by=actor.user,
        responded_at=now,
        no_information=no_information,
        summary=summary,
        risk_indicators=indicators,
        relevant_dates=relevant_dates or "",
        sensitivity=sensitivity,
    )
    audit_record(actor=actor, action="create", obj=response, detail={"no_information": no_information})
    chronology_add(
        person_ids=_subject_ids(request.enquiry.contact),
        occurred_at=now,
        kind="agency_response",
        summary=f"{request.agency.name}: {'no information held' if no_information else 'information shared'}",
        obj=response,
        agency=request.agency,
    )
    return response


@transaction.atomic
def enquiry_decide(
    *, actor, enquiry_id, outcomes: list[str], threshold_level: int, rationale: str, next_steps: str = ""
) -> Decision:
    """The manager's decision. Outcomes that open a referral make the contact a referral for each child."""
    require(actor, "enquiry.decide")
    enquiry = enquiry_get_for(actor, enquiry_id, qs=Enquiry.objects.select_related("contact"))
    errors: dict[str, list[str]] = {}
    codes = list(dict.fromkeys(outcomes or []))
    known = {o.code: o for o in OutcomeCode.objects.filter(code__in=codes, active=True)}
    if not codes:
        errors.setdefault("outcomes", []).append("Choose at least one outcome")
    if any(c not in known for c in codes):
        errors.setdefault("outcomes", []).append(f"Unknown outcome: {', '.join(c for c in codes if c not in known)}")
    if not ThresholdLevel.objects.filter(level=threshold_level).exists():
        errors.setdefault("threshold_level", []).append("Choose a threshold level")
    rationale = _text(rationale, "rationale", errors, required=True, label="rationale")
    next_steps = _text(next_steps, "next_steps", errors, required=False, label="next steps")
    if errors:
        raise ValidationFailed("There is a problem with the decision", errors=errors)
    now = timezone.now()
    won = Enquiry.objects.filter(pk=enquiry.pk, status=EnquiryStatus.OPEN).update(
        status=EnquiryStatus.DECIDED, version=F("version") + 1, updated_at=now
    )
    if not won:
        raise Conflict("This enquiry has already been decided.")
    decision = Decision.objects.create(
        enquiry=enquiry,
        decided_by=actor.user,
        decided_at=now,
        outcomes=codes,
        threshold_level=threshold_level,
        rationale=rationale,
        next_steps=next_steps,
    )
    contact = enquiry.contact
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED, version=F("version") + 1, updated_at=now)
    audit_record(actor=actor, action="decide", obj=enquiry, detail={"outcomes": codes, "threshold": threshold_level})
    subjects = _subject_ids(contact)
    chronology_add(
        person_ids=subjects,
        occurred_at=now,
        kind="decision",
        summary="Decision: " + "; ".join(known[c].label for c in codes),
        obj=decision,
        agency=actor.agency,
    )
    opening = [c for c in codes if known[c].opens_referral]
    if opening:
        _referrals_open(actor=actor, contact=contact, subjects=subjects, outcome_code=opening[0], when=now)
    _tell_referrer(contact)
    return decision


def _referrals_open(*, actor, contact: Contact, subjects: list, outcome_code: str, when: dt.datetime) -> list[Referral]:
    months = partnership_settings_get().re_referral_months
    today = timezone.localtime(when).date()
    window_start = _months_before(today, months)
    referrals = []
    for pid in subjects:
        prior = Referral.objects.filter(person_id=pid, referral_date__gte=window_start, referral_date__lte=today)
        referral = Referral.objects.create(
            contact=contact,
            person_id=pid,
            referral_date=today,
            source_code=contact.source_code,
            is_re_referral=prior.exists(),
            outcome_code=outcome_code,
        )
        referrals.append(referral)
        if not CaseAllocation.objects.filter(person_id=pid, closed_at__isnull=True).exists():
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
        for user in recipients:
            notification_send(
                user=user,
                contact=req.enquiry.contact,
                message=f"Overdue: {req.agency.name}'s response for {ref} is past its due time",
            )
        audit_record(actor=None, username="system", action="escalate", obj=req, detail={"agency": req.agency.code})
    return len(overdue)


def notifications_mark_read(*, actor, contact_id) -> int:
    """Mark the actor's notifications about one contact as read (when they open that contact)."""
    return Notification.objects.filter(user=actor.user, contact_id=contact_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def allocation_assign(*, actor, person_id, worker_membership_id) -> CaseAllocation:
    """Allocate a child who is open to children's social care to a social worker (a MASH manager's action).
    Contacts about the child then go to that worker instead of starting a new enquiry."""
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
    now = timezone.now()
    allocation = CaseAllocation.objects.select_for_update().filter(person=person, closed_at__isnull=True).first()
    if allocation is None:
        allocation = CaseAllocation.objects.create(
            person=person, agency=membership.agency, worker=membership.user, opened_at=now
        )
        action = "create"
    else:
        CaseAllocation.objects.filter(pk=allocation.pk).update(
            worker=membership.user, agency=membership.agency, updated_at=now
        )
        allocation.refresh_from_db()
        action = "update"
    audit_record(actor=actor, action=action, obj=allocation, detail={"worker": membership.user_id})
    chronology_add(
        person_ids=[person.pk],
        occurred_at=now,
        kind="allocation",
        summary=f"Allocated to {membership.user} ({membership.agency.name})",
        obj=allocation,
        agency=actor.agency,
    )
    return allocation


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
