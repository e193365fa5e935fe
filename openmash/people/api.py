"""People API: search, a person's record, their chronology."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from ninja import Query, Router, Schema

from openmash.access.fields import person_fields_visible, person_minimum_details
from openmash.core.text import CleanSchema
from openmash.people import selectors
from openmash.people.identifiers import nhs_number_format

router = Router(tags=["people"])


class IdentifierOut(Schema):
    type: str
    value: str


class AddressOut(Schema):
    """status: known, no_fixed_abode or not_known (then the address lines are empty). `id` names the row for a
    correction (POST /contacts/{id}/people/{person_id}/corrections: correct_address, end_address)."""

    id: UUID
    status: str
    line1: str
    town: str
    postcode: str
    start_date: dt.date | None
    end_date: dt.date | None


class RelationshipOut(Schema):
    """A current relationship with its source (issue 5, fault 4). `direction` "from": this person is
    `relationship_type` of the other person; "to": the other person is `relationship_type` of this one.
    `established` is false while the contact that asserted it has not been screened: it is then an allegation by
    that contact, not a fact (`source` says so in words)."""

    other_person_id: UUID
    other_person_name: str
    relationship_type: str
    direction: Literal["from", "to"]
    established: bool
    source: str
    source_contact_reference: str | None
    source_agency: str | None
    asserted_at: dt.datetime | None


class PersonSummaryOut(Schema):
    id: UUID
    kind: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str


class PersonOut(PersonSummaryOut):
    """A person's record. Which parts are filled comes from access.fields.person_fields_visible: the minimum
    identifying details (with postcode and NHS number) for everyone who may open the record; ethnicity, every
    identifier, addresses and relationships (each with its source) only for the hub and the allocated worker."""

    postcode: str | None = None
    nhs_number: str | None = None
    ethnicity: str | None = None
    identifiers: list[IdentifierOut] = []
    addresses: list[AddressOut] = []
    relationships: list[RelationshipOut] = []
    version: int


class ChronologyEntryOut(Schema):
    occurred_at: dt.datetime
    kind: str
    agency: str | None
    summary: str
    object_type: str
    object_id: str


class ChronologyOut(Schema):
    person: PersonSummaryOut
    entries: list[ChronologyEntryOut]


class PersonSearchOut(Schema):
    """A search answer: `items` are at most 20 matches (OPENMASH_SEARCH_MAX_RESULTS); `count` is how many people
    match; `truncated` is true when more match than are shown: ask for more detail (issue 5, fault 14)."""

    count: int
    truncated: bool
    items: list[PersonSummaryOut]


class PersonSearchQuery(CleanSchema):
    name: str = ""
    date_of_birth: dt.date | None = None
    identifier_type: str = "nhs_number"
    identifier: str = ""


def person_out(actor, person) -> dict:
    fields = person_fields_visible(actor, person)
    out = {k: v for k, v in person_minimum_details(person).items() if k in fields}
    out["nhs_number"] = nhs_number_format(out["nhs_number"]) if out.get("nhs_number") else None
    out["postcode"] = out.get("postcode") or None
    out.update(id=person.id, version=person.version)
    if "identifiers" in fields:
        out["ethnicity"] = person.ethnicity
        out["identifiers"] = [
            {
                "type": i.identifier_type,
                "value": nhs_number_format(i.value) if i.identifier_type == "nhs_number" else i.value,
            }
            for i in person.identifiers.all()
        ]
        out["addresses"] = [
            {
                "id": a.pk,
                "status": a.status,
                "line1": a.line1,
                "town": a.town,
                "postcode": a.postcode,
                "start_date": a.start_date,
                "end_date": a.end_date,
            }
            for a in person.addresses.all()
        ]
    if "relationships" in fields:
        out["relationships"] = [
            {
                "other_person_id": r["other_person"].pk,
                "other_person_name": r["other_person"].full_name,
                **{k: r[k] for k in ("relationship_type", "direction", "established", "source")},
                **{k: r[k] for k in ("source_contact_reference", "source_agency", "asserted_at")},
            }
            for r in selectors.relationships_view(person)
        ]
    return out


@router.get(
    "/people",
    response=PersonSearchOut,
    summary="Search people by name + date of birth, or identifier (at most 20 shown, with the true count)",
)
def people_search(request, q: Query[PersonSearchQuery]):
    results = selectors.person_search(
        actor=request.actor,
        name=q.name,
        date_of_birth=q.date_of_birth,
        identifier_type=q.identifier_type,
        identifier=q.identifier,
    )
    return {"count": results.total, "truncated": results.truncated, "items": list(results)}


@router.get("/people/{person_id}", response=PersonOut, summary="A person's record")
def person_detail(request, person_id: UUID):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    return person_out(request.actor, person)


@router.get("/people/{person_id}/chronology", response=ChronologyOut, summary="A person's chronology, newest first")
def person_chronology(request, person_id: UUID):
    person, entries = selectors.person_chronology(actor=request.actor, person_id=person_id)
    return {
        "person": person,
        "entries": [
            {
                "occurred_at": e.occurred_at,
                "kind": e.kind,
                "agency": e.agency.name if e.agency else None,
                "summary": e.summary,
                "object_type": e.object_type,
                "object_id": e.object_id,
            }
            for e in entries
        ],
    }
