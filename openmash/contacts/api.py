"""Contacts API: intake with Idempotency-Key, a contact's detail, screening and the screening queue."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Header, Router, Schema, Status

from openmash.access.fields import contact_view
from openmash.contacts import selectors, services
from openmash.enquiries import services as enquiry_services

router = Router(tags=["contacts"])


class IdentifierIn(Schema):
    type: Literal["nhs_number", "upn", "pnc_id", "local_id"]
    value: str = Field(max_length=40)


class AddressIn(Schema):
    line1: str = Field(max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


class AliasIn(Schema):
    """Another name the person is or was known by."""

    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)


class PersonRefIn(Schema):
    """Either person_id of an existing record, or the details of a new person."""

    person_id: UUID | None = None
    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    unborn: bool = False
    expected_date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "U"] = "U"
    ethnicity: str = Field("NOBT", max_length=4)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=10)
    address: AddressIn | None = None
    aliases: list[AliasIn] = Field(default_factory=list, max_length=10)


class HouseholdPersonIn(PersonRefIn):
    role: Literal["parent_carer", "household_member", "alleged_perpetrator"] = "household_member"


class ContactCreateIn(Schema):
    subjects: list[PersonRefIn] = Field(default_factory=list, max_length=20)
    household: list[HouseholdPersonIn] = Field(default_factory=list, max_length=30)
    concern_codes: list[str] = Field(default_factory=list, max_length=40)
    narrative: str = ""
    source_code: str = Field("", max_length=3)
    referrer_type: Literal["professional", "public"] = "professional"
    referrer_name: str = Field("", max_length=200)
    referrer_role: str = Field("", max_length=200)
    referrer_phone: str = Field("", max_length=40)
    family_aware: Literal["yes", "no", "unknown"] = "unknown"
    consent: str = ""
    consent_not_sought_reason: str = ""
    consent_detail: str = Field("", max_length=500)
    immediate_risk: bool | None = None
    immediate_risk_detail: str = Field("", max_length=1000)
    received_at: dt.datetime | None = None


class ContactPersonOut(Schema):
    person_id: UUID
    role: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None


class ScreeningOut(Schema):
    outcome: str
    rag: str
    rationale: str | None
    screened_at: dt.datetime


class ContactOut(Schema):
    """A contact as the actor may see it (access.fields.contact_view). To the person who recorded it (when they
    are neither the hub nor the child's allocated worker) `status` is "received" while it awaits screening or has
    gone to an allocated worker, `overdue` is false and a screening that passed it to the allocated worker is not
    shown: a referrer learns only that the contact was received (issue 5, fault 6)."""

    id: UUID
    reference: str
    status: str
    received_at: dt.datetime
    screening_due_at: dt.datetime
    overdue: bool
    recording_agency: str
    source_code: str
    concern_codes: list[str]
    narrative: str | None
    referrer_type: str
    referrer_name: str | None
    family_aware: str
    consent: str
    consent_not_sought_reason: str
    immediate_risk: bool
    people: list[ContactPersonOut]
    screening: ScreeningOut | None
    enquiry_id: UUID | None
    decision_outcomes: list[str]
    version: int


class ScreeningIn(Schema):
    outcome: Literal["nfa_advice", "early_help", "mash_enquiry", "strategy", "allocated_worker"]
    rationale: str
    rag: str = ""


class QueueItemOut(Schema):
    id: UUID
    reference: str
    received_at: dt.datetime
    screening_due_at: dt.datetime
    overdue: bool
    recording_agency: str
    immediate_risk: bool
    concern_codes: list[str]
    subjects: list[ContactPersonOut]


def _people(contact, subjects_only=False):
    return [
        {
            "person_id": cp.person_id,
            "role": cp.role,
            "forename": cp.person.forename,
            "surname": cp.person.surname,
            "date_of_birth": cp.person.date_of_birth,
            "expected_date_of_birth": cp.person.expected_date_of_birth,
        }
        for cp in contact.people.all()
        if not subjects_only or cp.role == "subject"
    ]


def contact_out(actor, contact) -> dict:
    # Which parts the actor sees is decided once, in access.fields.contact_view (the pages use the same answer).
    view = contact_view(actor, contact)
    screening = getattr(contact, "screening", None) if view.screening else None
    enquiry = getattr(contact, "enquiry", None)
    decision = getattr(enquiry, "decision", None) if enquiry else None
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": view.status,
        "received_at": contact.received_at,
        "screening_due_at": contact.screening_due_at,
        "overdue": view.due_dates
        and contact.status == "awaiting_screening"
        and selectors.is_overdue(contact.screening_due_at),
        "recording_agency": contact.recording_agency.name,
        "source_code": contact.source_code,
        "concern_codes": contact.concern_codes,
        "narrative": contact.narrative,
        "referrer_type": contact.referrer_type,
        "referrer_name": contact.referrer_name if view.referrer_identity else None,
        "family_aware": contact.family_aware,
        "consent": contact.consent,
        "consent_not_sought_reason": contact.consent_not_sought_reason,
        "immediate_risk": contact.immediate_risk,
        "people": _people(contact),
        "screening": {
            "outcome": screening.outcome,
            "rag": screening.rag,
            "rationale": screening.rationale if view.rationale else None,
            "screened_at": screening.screened_at,
        }
        if screening
        else None,
        "enquiry_id": enquiry.id if enquiry and view.enquiry else None,
        "decision_outcomes": decision.outcomes if decision else [],
        "version": contact.version,
    }


@router.post("/contacts", response={200: ContactOut, 201: ContactOut}, summary="Record a contact (a concern)")
def contact_create(
    request,
    payload: ContactCreateIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    data = payload.dict()
    data["subjects"] = [{**s, "identifiers": s.get("identifiers") or []} for s in data["subjects"]]
    contact, created = services.contact_create(actor=request.actor, data=data, idempotency_key=idempotency_key)
    if created:
        # The creator's read-back of what they just recorded: covered by the 'create' audit event.
        return Status(201, contact_out(request.actor, selectors.contact_just_created(contact)))
    return Status(200, contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact.pk)))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="A contact and its outcome")
def contact_detail(request, contact_id: UUID):
    return contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id))


@router.post("/contacts/{contact_id}/screening", response={201: ContactOut}, summary="Screen a contact")
def contact_screen(request, contact_id: UUID, payload: ScreeningIn):
    enquiry_services.screening_record(
        actor=request.actor,
        contact_id=contact_id,
        outcome=payload.outcome,
        rationale=payload.rationale,
        rag=payload.rag,
    )
    return Status(201, contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id)))


@router.get("/screening-queue", response=list[QueueItemOut], summary="Contacts awaiting screening, soonest due first")
def screening_queue(request):
    return [
        {
            "id": c.id,
            "reference": c.reference,
            "received_at": c.received_at,
            "screening_due_at": c.screening_due_at,
            "overdue": selectors.is_overdue(c.screening_due_at),
            "recording_agency": c.recording_agency.name,
            "immediate_risk": c.immediate_risk,
            "concern_codes": c.concern_codes,
            "subjects": _people(c, True),
        }
        for c in selectors.screening_queue(actor=request.actor)
    ]
