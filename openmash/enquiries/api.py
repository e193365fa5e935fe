"""MASH enquiries API: list, detail, RAG, agency requests, the agency inbox, responses, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from openmash.access.fields import person_details_for
from openmash.enquiries import selectors, services

router = Router(tags=["enquiries"])


class SubjectOut(Schema):
    person_id: UUID
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str


class EnquirySummaryOut(Schema):
    id: UUID
    contact_id: UUID
    reference: str
    status: str
    rag: str
    due_at: dt.datetime
    overdue: bool
    subjects: list[SubjectOut]
    requests_total: int
    requests_open: int


class ResponseOut(Schema):
    responded_at: dt.datetime
    no_information: bool
    summary: str
    risk_indicators: list[str]
    relevant_dates: str
    sensitivity: str


class AgencyRequestOut(Schema):
    id: UUID
    agency_code: str
    agency_name: str
    status: str
    requested_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    escalated: bool
    question: str
    response: ResponseOut | None


class RagChangeOut(Schema):
    from_rag: str
    to_rag: str
    reason: str
    changed_at: dt.datetime
    due_at: dt.datetime


class DecisionOut(Schema):
    outcomes: list[str]
    threshold_level: int
    rationale: str
    next_steps: str
    decided_at: dt.datetime


class EnquiryOut(EnquirySummaryOut):
    version: int
    narrative: str
    concern_codes: list[str]
    agency_requests: list[AgencyRequestOut]
    rag_history: list[RagChangeOut]
    decision: DecisionOut | None


class RagIn(Schema):
    rag: str = Field(max_length=20)
    reason: str
    version: int


class AgencyRequestsIn(Schema):
    agency_codes: list[str] = Field(max_length=20)
    question: str = ""


class ResponseIn(Schema):
    no_information: bool = False
    summary: str = ""
    risk_indicators: list[str] = Field(default_factory=list, max_length=20)
    relevant_dates: str = Field("", max_length=500)
    sensitivity: Literal["standard", "sensitive", "restricted"] = "standard"


class DecisionIn(Schema):
    outcomes: list[str] = Field(max_length=10)
    threshold_level: int
    rationale: str
    next_steps: str = ""


class InboxSubjectOut(Schema):
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str
    postcode: str
    nhs_number: str


class InboxItemOut(Schema):
    id: UUID
    reference: str
    status: str
    rag: str
    requested_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    question: str
    subjects: list[InboxSubjectOut]
    response: ResponseOut | None


class EnquiryListQuery(Schema):
    status: Literal["open", "decided", ""] = "open"
    overdue: bool = False


def _subjects(enquiry):
    return [
        {
            "person_id": cp.person_id,
            "forename": cp.person.forename,
            "surname": cp.person.surname,
            "date_of_birth": cp.person.date_of_birth,
            "expected_date_of_birth": cp.person.expected_date_of_birth,
            "sex": cp.person.sex,
        }
        for cp in enquiry.contact.subject_links
    ]


def _response(r):
    resp = getattr(r, "response", None) if r.status == "responded" else None
    if resp is None:
        return None
    return {
        "responded_at": resp.responded_at,
        "no_information": resp.no_information,
        "summary": resp.summary,
        "risk_indicators": resp.risk_indicators,
        "relevant_dates": resp.relevant_dates,
        "sensitivity": resp.sensitivity,
    }


def _summary(e, now):
    return {
        "id": e.id,
        "contact_id": e.contact_id,
        "reference": e.contact.reference,
        "status": e.status,
        "rag": e.rag,
        "due_at": e.due_at,
        "overdue": e.status == "open" and e.due_at < now,
        "subjects": _subjects(e),
    }


@router.get("/enquiries", response=list[EnquirySummaryOut], summary="MASH enquiries, soonest due first")
def enquiry_list(request, q: Query[EnquiryListQuery]):
    now = timezone.now()
    return [
        {**_summary(e, now), "requests_total": e.requests_total, "requests_open": e.requests_open}
        for e in selectors.enquiry_list(actor=request.actor, status=q.status, overdue_only=q.overdue)
    ]


def enquiry_out(e) -> dict:
    now = timezone.now()
    reqs = list(e.agency_requests.all())
    d = getattr(e, "decision", None) if e.status == "decided" else None
    return {
        **_summary(e, now),
        "requests_total": len(reqs),
        "requests_open": sum(r.status == "open" for r in reqs),
        "version": e.version,
        "narrative": e.contact.narrative,
        "concern_codes": e.contact.concern_codes,
        "agency_requests": [
            {
                "id": r.id,
                "agency_code": r.agency.code,
                "agency_name": r.agency.name,
                "status": r.status,
                "requested_at": r.requested_at,
                "due_at": r.due_at,
                "overdue": r.status == "open" and r.due_at < now,
                "escalated": r.escalated_at is not None,
                "question": r.question,
                "response": _response(r),
            }
            for r in reqs
        ],
        "rag_history": [
            {
                "from_rag": c.from_rag,
                "to_rag": c.to_rag,
                "reason": c.reason,
                "changed_at": c.changed_at,
                "due_at": c.due_at,
            }
            for c in e.rag_changes.all()
        ],
        "decision": {
            "outcomes": d.outcomes,
            "threshold_level": d.threshold_level,
            "rationale": d.rationale,
            "next_steps": d.next_steps,
            "decided_at": d.decided_at,
        }
        if d
        else None,
    }


@router.get("/enquiries/{enquiry_id}", response=EnquiryOut, summary="A MASH enquiry with requests and responses")
def enquiry_detail(request, enquiry_id: UUID):
    return enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id))


@router.post("/enquiries/{enquiry_id}/rag", response=EnquiryOut, summary="Re-rate an enquiry (reason required)")
def enquiry_rag(request, enquiry_id: UUID, payload: RagIn):
    services.enquiry_rerate(
        actor=request.actor, enquiry_id=enquiry_id, rag=payload.rag, reason=payload.reason, version=payload.version
    )
    return enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id))


@router.post(
    "/enquiries/{enquiry_id}/agency-requests", response={201: EnquiryOut}, summary="Ask partner agencies what they know"
)
def enquiry_requests(request, enquiry_id: UUID, payload: AgencyRequestsIn):
    services.agency_requests_create(
        actor=request.actor, enquiry_id=enquiry_id, agency_codes=payload.agency_codes, question=payload.question
    )
    return Status(201, enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id)))


@router.post("/enquiries/{enquiry_id}/decision", response={201: EnquiryOut}, summary="Record the manager's decision")
def enquiry_decision(request, enquiry_id: UUID, payload: DecisionIn):
    services.enquiry_decide(
        actor=request.actor,
        enquiry_id=enquiry_id,
        outcomes=payload.outcomes,
        threshold_level=payload.threshold_level,
        rationale=payload.rationale,
        next_steps=payload.next_steps,
    )
    return Status(201, enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id)))


def inbox_item(actor, r, now) -> dict:
    # The minimum identifying details, decided by access.fields (the same answer as the web inbox).
    subjects = [person_details_for(actor, cp.person) for cp in r.enquiry.contact.subject_links]
    return {
        "id": r.id,
        "reference": r.enquiry.contact.reference,
        "status": r.status,
        "rag": r.enquiry.rag,
        "requested_at": r.requested_at,
        "due_at": r.due_at,
        "overdue": r.status == "open" and r.due_at < now,
        "question": r.question,
        "subjects": subjects,
        "response": _response(r),
    }


@router.get("/agency-requests", response=list[InboxItemOut], summary="Your agency's inbox of information requests")
def agency_inbox(request, status: Literal["open", "responded", ""] = ""):
    now = timezone.now()
    return [inbox_item(request.actor, r, now) for r in selectors.agency_inbox(actor=request.actor, status=status)]


@router.post(
    "/agency-requests/{request_id}/response",
    response={201: InboxItemOut},
    summary="Answer an information request (or say no information is held)",
)
def agency_respond(request, request_id: UUID, payload: ResponseIn):
    services.agency_response_record(actor=request.actor, request_id=request_id, **payload.dict())
    r = selectors.agency_request_get(actor=request.actor, request_id=request_id)
    return Status(201, inbox_item(request.actor, r, timezone.now()))
