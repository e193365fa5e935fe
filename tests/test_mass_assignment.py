"""AZ-7 (SECURITY-TESTS.md §5(b); ASVS 5.0 15.3.3; OWASP API3:2023): mass assignment. Every write operation of the
API is sent its valid body plus fields a client must never set (agency, owner/recorded_by/author, version, status,
ids, flags, timestamps); the extra fields are ignored (or refused with 422), never applied: asserted on the database.

Two parts: (1) a schema check over the whole OpenAPI document: no write body declares a protected field (so the
only way such a field could land is an unknown key, which part 2 shows is ignored); (2) the main write endpoints
sent the extras for real, with the rows read back. Tier: PR."""

from __future__ import annotations

import uuid

import pytest

from conftest import contact_payload
from openmash.casework.models import CaseNote
from openmash.contacts.models import Contact
from openmash.enquiries.models import AgencyResponse, Decision, Enquiry, Screening
from tests.support import contact_record, enquiry_open, requests_send, respond

#: Fields a client must never set on any record (the server sets them from the actor, the clock or the workflow).
PROTECTED = {
    "agency",
    "agency_id",
    "recording_agency",
    "recording_agency_id",
    "recorded_by",
    "recorded_by_id",
    "owner",
    "owner_id",
    "author",
    "author_id",
    "created_by",
    "screened_by",
    "decided_by",
    "responded_by",
    "opened_by",
    "status",
    "state",
    "id",
    "pk",
    "created_at",
    "updated_at",
    "is_active",
    "is_staff",
    "is_superuser",
    "is_deleted",
    "late",
    "reference",
    "idempotency_key",
    "routed_to",
    "screening_due_at",
    "due_at",
}


#: (schema, field) pairs named like a protected field but meaning something a client does say.
ALLOWED = {
    ("AddressIn", "status"),  # the address is known / no fixed abode / not known (what the referrer knows)
    ("AddressCorrectionIn", "status"),  # the same, in a hub correction
    # an information-sharing agreement is recorded as a draft or active by the partnership admin (ended only through
    # its own end operation): the status is what the admin says, not a server field (ADR 0016)
    ("AgreementIn", "status"),
    ("AgreementUpdateIn", "status"),
    ("ActionIn", "owner"),  # a strategy discussion's action: who is to do it, as free text (not a user)
}


def _extras(actor_agency_id, other_user_id) -> dict:
    """The fields an attacker would add, with values that would be visible if applied."""
    return {
        "agency": actor_agency_id,
        "agency_id": actor_agency_id,
        "recording_agency": actor_agency_id,
        "recording_agency_id": actor_agency_id,
        "recorded_by": other_user_id,
        "recorded_by_id": other_user_id,
        "owner": other_user_id,
        "author": other_user_id,
        "author_id": other_user_id,
        "screened_by": other_user_id,
        "decided_by": other_user_id,
        "responded_by": other_user_id,
        "assigned_to": other_user_id,
        "assigned_to_id": other_user_id,
        "status": "closed",
        "state": "closed",
        "id": str(uuid.UUID(int=7)),
        "pk": str(uuid.UUID(int=7)),
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
        "reference": "FORGED-REF",
        "late": True,
        "is_deleted": True,
        "is_superuser": True,
        "routed_to": other_user_id,
        "screening_due_at": "2000-01-01T00:00:00Z",
        "due_at": "2000-01-01T00:00:00Z",
    }


def test_no_write_body_declares_a_protected_field(db):
    """Every POST/PUT/PATCH body in the OpenAPI document (nested schemas too) has no protected property."""
    from config.api import api

    schema = api.get_openapi_schema()
    comps = schema["components"]["schemas"]

    def props(node, seen, owner="body"):
        """(schema name, property name) for every property reachable from `node`."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    yield from props(comps[name], seen, name)
                return
            for key, value in node.get("properties", {}).items():
                yield owner, key
                yield from props(value, seen, owner)
            for key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
                sub = node.get(key)
                for s in sub if isinstance(sub, list) else [sub]:
                    yield from props(s, seen, owner)

    writes = 0
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if method not in ("post", "put", "patch"):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is None:
                continue
            writes += 1
            declared = {(owner, name) for owner, name in props(body, set()) if name in PROTECTED}
            assert not declared - ALLOWED, (method, path, sorted(declared - ALLOWED))
    assert writes >= 15


@pytest.fixture
def cast(make_actor):
    return {
        "referrer": make_actor("referrer", "police"),
        "other_referrer": make_actor("referrer", "school-oak"),
        "screener": make_actor("screener", "mash"),
        "manager": make_actor("manager", "mash"),
        "researcher": make_actor("researcher", "health-gp"),
    }


def _ok(response, *codes):
    assert response.status_code in codes, (response.status_code, response.content[:400])
    return response


def test_recording_a_contact_ignores_extras(api, cast):
    referrer, other = cast["referrer"], cast["other_referrer"]
    extras = _extras(other.agency.pk, other.user.pk)
    r = _ok(api(referrer).post("/contacts", {**contact_payload(), **extras, "version": 99}), 201, 422)
    if r.status_code == 422:  # refused outright is a pass too, provided nothing was written
        assert Contact.objects.count() == 0
        return
    contact = Contact.objects.get(pk=r.json()["id"])
    assert str(contact.pk) != extras["id"]
    assert contact.recorded_by_id == referrer.user.pk and contact.recording_agency_id == referrer.agency.pk
    assert contact.status == "awaiting_screening" and contact.version == 1
    assert contact.reference != "FORGED-REF"
    assert contact.assigned_to_id is None and contact.routed_to_id is None
    assert contact.screening_due_at.year > 2000 and contact.created_at.year > 2000


def test_amending_a_contact_ignores_extras(api, cast):
    referrer, other = cast["referrer"], cast["other_referrer"]
    contact = contact_record(referrer)
    body = {"version": 1, "narrative": "More detail from the school.", **_extras(other.agency.pk, other.user.pk)}
    _ok(api(referrer).post(f"/contacts/{contact.pk}/amendments", body), 200, 422)
    contact.refresh_from_db()
    assert contact.recorded_by_id == referrer.user.pk and contact.recording_agency_id == referrer.agency.pk
    assert contact.status == "awaiting_screening" and contact.reference != "FORGED-REF"
    assert contact.version in (1, 2)  # 2 when the amendment was applied, never the body's other fields


def test_screening_ignores_extras(api, cast):
    contact = contact_record(cast["referrer"])
    other = cast["manager"]
    body = {"outcome": "nfa_advice", "rationale": "Advice given", **_extras(other.agency.pk, other.user.pk)}
    body.update(version=99, status="in_enquiry", state="in_enquiry")
    _ok(api(cast["screener"]).post(f"/contacts/{contact.pk}/screening", body), 201, 422)
    contact.refresh_from_db()
    screening = Screening.objects.filter(contact=contact).first()
    if screening:
        assert screening.screened_by_id == cast["screener"].user.pk and screening.screened_at.year > 2000
        assert contact.version == 2 and contact.status == "closed"  # what no further action does, not the body's
        assert not Enquiry.objects.filter(contact=contact).exists()
    assert contact.recorded_by_id == cast["referrer"].user.pk


def test_rerating_ignores_extras(api, cast):
    enquiry = enquiry_open(referrer=cast["referrer"], screener=cast["screener"])
    other = cast["manager"]
    body = {**_extras(other.agency.pk, other.user.pk), "rag": "red", "reason": "Worse", "version": 1}
    _ok(api(cast["screener"]).post(f"/enquiries/{enquiry.pk}/rag", body), 200, 422)
    enquiry.refresh_from_db()
    assert enquiry.status == "open" and enquiry.version in (1, 2)
    assert enquiry.assigned_to_id != other.user.pk and enquiry.due_at.year > 2000
    assert enquiry.opened_by_id == cast["screener"].user.pk


def test_an_agency_answer_ignores_extras(api, cast):
    enquiry = enquiry_open(referrer=cast["referrer"], screener=cast["screener"])
    (request,) = requests_send(cast["screener"], enquiry, "health-gp")
    other = cast["referrer"]  # the police
    body = {"summary": "Known to the practice", "no_information": False, **_extras(other.agency.pk, other.user.pk)}
    _ok(api(cast["researcher"]).post(f"/agency-requests/{request.pk}/response", body), 201, 422)
    response = AgencyResponse.objects.filter(request=request).first()
    if response:
        assert response.responded_by_id == cast["researcher"].user.pk and response.late is False
        assert response.responded_at.year > 2000
    request.refresh_from_db()
    assert request.agency_id == cast["researcher"].agency.pk


def test_amending_an_answer_ignores_extras(api, cast):
    enquiry = enquiry_open(referrer=cast["referrer"], screener=cast["screener"])
    (request,) = requests_send(cast["screener"], enquiry, "health-gp")
    respond(cast["researcher"], request)
    other = cast["referrer"]
    body = {
        **_extras(other.agency.pk, other.user.pk),
        "summary": "Known; one more missed appointment",
        "no_information": False,
        "reason": "Found another record",
        "version": 1,
    }
    _ok(api(cast["researcher"]).post(f"/agency-requests/{request.pk}/response/amendments", body), 201, 422)
    response = AgencyResponse.objects.get(request=request)
    assert response.responded_by_id == cast["researcher"].user.pk and response.late is False
    assert response.amended_by_id in (None, cast["researcher"].user.pk)


def test_a_decision_ignores_extras(api, cast):
    enquiry = enquiry_open(referrer=cast["referrer"], screener=cast["screener"])
    other = cast["screener"]
    body = {
        **_extras(other.agency.pk, other.user.pk),
        "outcomes": ["assessment_s17"],
        "threshold_level": 3,
        "rationale": "Needs an assessment",
        "exception_reason": "Decided on what the hub already holds",
        "unanswered_confirmed": True,
    }
    _ok(api(cast["manager"]).post(f"/enquiries/{enquiry.pk}/decision", body), 201, 422)
    decision = Decision.objects.filter(enquiry=enquiry).first()
    if decision:
        assert decision.decided_by_id == cast["manager"].user.pk and decision.decided_at.year > 2000
    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    assert enquiry.opened_by_id == cast["screener"].user.pk


def test_a_case_note_ignores_extras(api, cast):
    contact = contact_record(cast["referrer"])
    other = cast["referrer"]
    body = {
        **_extras(other.agency.pk, other.user.pk),
        "note_type": "phone_call",
        "occurred_at": contact.received_at.isoformat(),
        "text": "Called the school.",
    }
    _ok(api(cast["screener"]).post(f"/contacts/{contact.pk}/case-notes", body), 201, 422)
    for note in CaseNote.objects.filter(contact=contact):
        assert note.author_id == cast["screener"].user.pk and note.agency_id == cast["screener"].agency.pk
        assert str(note.pk) != str(uuid.UUID(int=7))
