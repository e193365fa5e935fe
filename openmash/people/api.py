"""People API: search (POST, terms in the body), a person's record, their merged chronology and their household's."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from openmash.access.fields import person_minimum_details
from openmash.access.policy import require
from openmash.core.exceptions import ValidationFailed
from openmash.core.text import CleanSchema
from openmash.core.url_privacy import PERSONAL_DATA_IN_URL, SEARCH_BY_POST, personal_parameters
from openmash.people import selectors
from openmash.people.chronology import ChronologyFilters, chronology_read
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


class AgencyRecordOut(Schema):
    """One agency's record of the person, as that agency holds it (ADR 0005). `origin_person_id` is the person the
    record was first attached to (where an unmerge puts it back); identifiers are the valid ones only. Rendered by
    access.fields.agency_record_shown: a field the reader may not see (field_table "agency_record") is empty."""

    id: UUID
    agency: str
    local_id: str
    origin_person_id: UUID | None
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    nhs_number: str
    upn: str
    pnc_id: str
    postcode: str
    received_at: dt.datetime | None
    source_contact_reference: str | None
    source_feed: str


class DobHeldOut(Schema):
    date_of_birth: dt.date
    agency: str


class SexHeldOut(Schema):
    sex: str = Field(description="M or F (a record with the sex not recorded says nothing)")
    agencies: list[str]


class AddressSentOut(Schema):
    agency: str
    sent: dt.date | None = Field(None, description="When the agency sent the record holding this address")


class AddressHeldOut(Schema):
    address: str
    postcode: str
    held: list[AddressSentOut] = Field(description="The agencies holding it, the most recent first")
    latest: bool = Field(description="The address most recently sent by any agency")


class DisagreementsOut(Schema):
    """Where the agency records joined into the person disagree (people.summary.disagreements; issue 6): each date
    of birth, sex and current address held, with the agencies holding it. A list is [] when the records agree."""

    date_of_birth: list[DobHeldOut] = []
    sex: list[SexHeldOut] = []
    address: list[AddressHeldOut] = []


class RecordLinkOut(Schema):
    """A current confirmed link joining two of the person's records: the rule that made it ("nhs_number", ...) or
    "reviewer" with the user who decided, when, why, and each field's evidence ({field: {weight, level, reason}})."""

    id: UUID
    record_l_id: UUID
    record_r_id: UUID
    rule: str
    decided_by: str | None
    decided_at: dt.datetime
    reason: str
    field_weights: dict


class CaseStatusOut(Schema):
    """Open to children's social care? open: an allocation is open (over the child's cluster); opened_at (aware,
    UTC), worker (display name, null while awaiting a worker) and agency (name) when open."""

    open: bool
    opened_at: dt.datetime | None = None
    worker: str | None = None
    agency: str | None = None


class ChildStatusOut(Schema):
    """A child protection plan, looked-after status or child in need plan (people.ChildStatus): `kind` cp_plan,
    looked_after or child_in_need; `current` whether it is current today; `source_agency` the agency holding it."""

    id: UUID
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    current: bool
    source_agency: str


class ChildStatusIn(CleanSchema):
    """Record a plan or status (children's social care only). `end_date` when it has already ended."""

    kind: Literal["cp_plan", "looked_after", "child_in_need"]
    start_date: dt.date
    end_date: dt.date | None = None


class ChildStatusEndIn(CleanSchema):
    end_date: dt.date


class PersonOut(PersonSummaryOut):
    """A person's record. Which parts are filled comes from the one answer access.fields.field_access (the field
    table access.field_table; the page, the CSV and the PDF render from the same answer): the minimum identifying
    details (with postcode and NHS number) for everyone who may open the record; ethnicity, every identifier,
    addresses, relationships (each with its source), agency records, links and the case status only for the hub
    and the allocated worker. A part not visible is null (a value) or [] (a list); `fields` names the visible
    fields (field_table names: "chronology" means GET /people/{id}/chronology answers)."""

    fields: list[str] = Field(
        default_factory=list, description="The fields of this record the caller may see (access.field_table)"
    )

    postcode: str | None = None
    nhs_number: str | None = None
    ethnicity: str | None = None
    identifiers: list[IdentifierOut] = []
    addresses: list[AddressOut] = []
    relationships: list[RelationshipOut] = []
    merged_person_ids: list[UUID] = Field(
        default_factory=list, description="People merged into this one (their ids answer with this person)"
    )
    records: list[AgencyRecordOut] = Field(default_factory=list, description="Hub and allocated worker only")
    links: list[RecordLinkOut] = Field(default_factory=list, description="Hub and allocated worker only")
    disagreements: DisagreementsOut | None = Field(
        None,
        description="Where the joined agency records disagree on the date of birth, sex or current address, with "
        "the agencies holding each: the hub and the allocated worker only (access.field_table 'disagreements')",
    )
    case_status: CaseStatusOut | None = Field(
        None,
        description="Whether the child is open to children's social care, and to whom: the hub and the allocated "
        "worker only (access.fields.case_status_visible); null for everyone else",
    )
    child_statuses: list[ChildStatusOut] = Field(
        default_factory=list,
        description="Child protection plans, looked-after status and child in need plans: the hub and the allocated "
        "worker only (access.field_table 'statuses')",
    )
    version: int


class ChronologyEntryOut(Schema):
    """One entry of the merged chronology, exactly what the chronology page and its PDF show
    (people.chronology.chronology_item_view). `occurred_at` is an aware datetime (UTC; the pages show Europe/London);
    `occurred_on` is its date in Europe/London and `time_known` says whether a time was recorded: when it is false
    (an imported event dated without a time) `occurred_at` is only midnight Europe/London of `occurred_on`, not a
    time anything happened, and should be shown as the date alone.
    `kind` is the kind key (a workflow kind such as "contact", "decision", "agency_response", "case_note", or an
    imported event kind such as "domestic_abuse": the options are listed with the query); `significance` is "significant" or "routine"; `sensitivity` "standard",
    "sensitive" or "sealed" (sealed entries are listed in the hub only: access.policy.chronology_sensitivities).
    `held`: a sealed entry whose words are held from the caller, whose role is not one the partnership names for
    sealed records (access.sharing.chronology_entry_held, as the flag's): `summary` says so, `kind` is "sealed",
    `kind_label` "Sealed record", `description` and `source_type_text` are empty.
    `person_id`/`person_name`: whose entry it is (the person it was recorded against, named as their resolved
    person; in a household chronology, a household member's). `record_id`/`record`: the agency record an imported
    event came from; `source`/`external_id`: its feed and its id there; `origin`: where the entry came from, in
    words."""

    id: UUID
    occurred_at: dt.datetime = Field(
        description="When it happened (UTC). When time_known is false, midnight Europe/London of occurred_on"
    )
    occurred_on: dt.date = Field(description="The day it happened, in Europe/London (ISO date)")
    time_known: bool = Field(
        description="Whether the time of day was recorded; false for an event given as a date only (show the date)"
    )
    kind: str
    kind_label: str
    significance: Literal["significant", "routine"]
    sensitivity: str
    held: bool = False
    agency: str | None
    agency_code: str | None
    summary: str
    description: str
    person_id: UUID
    person_name: str
    record_id: UUID | None = None
    record: str = ""
    source: str = ""
    external_id: str = ""
    source_type_text: str = ""
    object_type: str
    object_id: str
    origin: str


class HouseholdMemberOut(Schema):
    """A person the child lives with, as recorded: `basis` says why, one item per source (same household, same
    current address, a relationship with its source); `relationships` are relationship type codes."""

    id: UUID
    name: str
    kind: str
    date_of_birth: dt.date | None
    basis: list[str]
    relationships: list[str]


class ChronologyOut(Schema):
    """One page of a merged chronology, newest first. `count` is the true number of entries matching the filters
    (over every page), `page` the 1-based page number, `num_pages` at least 1; a page past the end is empty.
    `members` lists the household members whose entries are included (empty for a child's own chronology)."""

    person: PersonSummaryOut
    count: int
    page: int
    page_size: int
    num_pages: int
    members: list[HouseholdMemberOut] = []
    entries: list[ChronologyEntryOut]


class ChronologyQuery(CleanSchema):
    """Filters of a chronology (all optional; repeat `agency` and `kind` for several). `agency`: agency codes;
    `kind`: kind keys (workflow kinds: contact, screening, rag, agency_response, decision, referral, early_help,
    allocation, case_note, strategy_discussion; imported event kinds: openmash.feeds.choices.EventKind);
    `significance`: significant or routine; `date_from`/`date_to`: inclusive ISO dates, Europe/London days;
    `page` (1-based) and `page_size` (1-100, default 25). A value that is not an option answers 422 keyed by the
    field."""

    agency: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    significance: Literal["", "significant", "routine"] = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=100)

    def filters(self) -> ChronologyFilters:
        return ChronologyFilters(
            agencies=tuple(a.strip() for a in self.agency if a.strip()),
            kinds=tuple(k.strip() for k in self.kind if k.strip()),
            significance=self.significance,
            date_from=self.date_from,
            date_to=self.date_to,
        )


class NetworkRelationshipOut(Schema):
    """A relationship to the child in words ("Parent or carer"); `established` false: a contact's claim the MASH has
    not screened yet."""

    label: str
    established: bool


class NetworkHistoryOut(Schema):
    kind_label: str
    count: int


class NetworkPersonOut(Schema):
    """One person in the family network, as the page's table shows them. `history`: chronology entries the actor may
    see, counted by kind (most first), `entries`/`significant` their totals; `involvement`: open involvement in words
    (open to children's social care, contacts being handled), or null when it is not shown to the actor
    (access.policy.involvement_visible)."""

    id: UUID
    name: str
    kind: str
    date_of_birth: dt.date | None
    age: int | None
    is_child: bool
    lives_with_child: bool
    basis: list[str]
    relationships: list[NetworkRelationshipOut]
    history: list[NetworkHistoryOut]
    entries: int
    significant: int
    involvement: list[str] | None


class NetworkOut(Schema):
    """The family network: the child first, then the people they live with, then the other people around them."""

    person: PersonSummaryOut
    people: list[NetworkPersonOut]


class SearchMatchOut(Schema):
    """Why a person was found: `exact` when everything searched for agreed exactly (exact matches come first);
    `score` orders the results (higher first; no unit); `reasons` in plain words, e.g. ["same last name", "first
    name sounds alike", "same date of birth with the day and month swapped", "same postcode"]."""

    exact: bool
    score: float
    reasons: list[str]


class PersonSearchItemOut(Schema):
    """One person found. Which details are filled comes from access.fields.person_search_fields, the answer the
    search page uses too: for a person the searcher may not open (`viewable` false) only kind, names, date of birth
    and sex; for one they may open, also postcode and NHS number (null when not known). `fields` names the details
    shown, in column order."""

    id: UUID
    viewable: bool
    fields: list[str]
    kind: str | None = None
    forename: str | None = None
    surname: str | None = None
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    sex: str | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    match: SearchMatchOut


class PersonSearchOut(Schema):
    """A search answer: `items` are at most 20 matches (OPENMASH_SEARCH_MAX_RESULTS), best first; `count` is how
    many people match; `truncated` is true when more match than are shown: ask for more detail (issue 5, fault
    14)."""

    count: int
    truncated: bool
    items: list[PersonSearchItemOut]


class UrlRefusedOut(Schema):
    """GET /api/v1/people's refusal (422): `detail` in words, and under `errors` each personal-data query parameter
    given (as sent, e.g. `name`, `date_of_birth`), each saying to use POST /api/v1/people/search."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class PersonSearchIn(CleanSchema):
    """The body of POST /api/v1/people/search (JSON): search by an identifier (`identifier_type` nhs_number, upn or
    pnc_id; any spacing or hyphens), or by at least two of `name` (as typed: first and last name in any order, any
    script), `date_of_birth` (ISO date; also found with day and month swapped) and `postcode` (UK, any spacing), or
    by a first and last name with `age` (approximate age in whole years: people aged age-1 to age+1 today). A name
    alone is refused (422, saying what to add). Sent in the body, never in the URL: a query string stays in proxy and
    access logs and browser history (issue 7; GET /api/v1/people refuses these parameters)."""

    name: str = Field("", max_length=200)
    date_of_birth: dt.date | None = None
    postcode: str = Field("", max_length=12)
    age: int | None = Field(None, ge=0, le=120)
    identifier_type: Literal["nhs_number", "upn", "pnc_id"] = "nhs_number"
    identifier: str = Field("", max_length=40)


#: PersonOut's keys beyond the minimum details -> the field of access.field_table they show. A key whose field is
#: not visible is left at its default: null for a value, [] for a list (the OpenAPI schema does not change with
#: the caller; `fields` says what was visible).
PERSON_API_KEYS: dict[str, str] = {
    "ethnicity": "ethnicity",
    "identifiers": "identifiers",
    "addresses": "addresses",
    "merged_person_ids": "aliases",
    "records": "records",
    "links": "links",
    "disagreements": "disagreements",
    "relationships": "relationships",
    "case_status": "allocation",
    "child_statuses": "child_status",
}


def person_out(actor, person, access=None) -> dict:
    """A person in PersonOut's shape, rendered from the one answer access.fields.field_access(actor, person) (or
    `access`, when the caller already asked): every key whose field is not visible keeps its default (null or
    []), and `fields` lists the visible field names."""
    from openmash.access.fields import agency_record_shown, field_access

    access = access or field_access(actor, person, record_type="person")
    fields = access.fields
    out = {k: v for k, v in person_minimum_details(person).items() if k in fields}
    out["nhs_number"] = nhs_number_format(out["nhs_number"]) if out.get("nhs_number") else None
    out["postcode"] = out.get("postcode") or None
    out.update(id=person.id, version=person.version, fields=sorted(fields))
    picture = getattr(person, "picture", None)
    identifiers = picture.identifiers if picture is not None else person.identifiers.all()
    addresses = picture.addresses if picture is not None else person.addresses.all()
    if "ethnicity" in fields:
        out["ethnicity"] = person.ethnicity
    if "identifiers" in fields:
        out["identifiers"] = [
            {
                "type": i.identifier_type,
                "value": nhs_number_format(i.value) if i.identifier_type == "nhs_number" else i.value,
            }
            for i in identifiers
        ]
    if "addresses" in fields:
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
            for a in addresses
        ]
    if picture is not None and "aliases" in fields:
        out["merged_person_ids"] = [p.pk for p in picture.merged]
    if picture is not None and "records" in fields:
        # each record as the one answer renders it (field_table "agency_record"; the person's audience)
        records = field_access(actor, person, record_type="agency_record", audience=access.audience)
        out["records"] = [
            {k: v for k, v in agency_record_shown(records, r, unnamed=picture.agencies_held).items() if k != "fields"}
            for r in picture.records
        ]
    if picture is not None and "disagreements" in fields:
        from openmash.people.summary import disagreements

        found = disagreements(person, picture.records, unnamed=picture.agencies_held)
        out["disagreements"] = {
            "date_of_birth": [{"date_of_birth": d, "agency": a} for a, d in found["date_of_birth"]],
            "sex": [{"sex": code, "agencies": names} for code, names in found["sex"]],
            "address": [
                {
                    "address": row["address"],
                    "postcode": row["postcode"],
                    "held": [{"agency": a, "sent": sent} for a, sent in row["held"]],
                    "latest": row["latest"],
                }
                for row in found["address"]
            ],
        }
    if picture is not None and "links" in fields:
        out["links"] = [
            {
                "id": link.pk,
                "record_l_id": link.record_l_id,
                "record_r_id": link.record_r_id,
                "rule": link.rule,
                "decided_by": link.decided_by.username if link.decided_by_id else None,
                "decided_at": link.decided_at,
                "reason": link.reason,
                "field_weights": link.field_weights,
            }
            for link in picture.links
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
    if "child_status" in fields:
        out["child_statuses"] = [child_status_out(s) for s in selectors.child_statuses(person)]
    if "allocation" in fields:  # the same answer as the person page (access.fields.case_status_visible)
        from openmash.enquiries.selectors import allocation_current

        a = allocation_current(actor=actor, person=person)
        out["case_status"] = {
            "open": a is not None,
            "opened_at": a.opened_at if a else None,
            "worker": str(a.worker) if a and a.worker_id else None,
            "agency": a.agency.name if a else None,
        }
    return out


def child_status_out(status) -> dict:
    """A people.ChildStatus in ChildStatusOut's shape."""
    from openmash.access.policy import child_status_is_current

    return {
        "id": status.pk,
        "kind": status.kind,
        "start_date": status.start_date,
        "end_date": status.end_date,
        "current": child_status_is_current(status),
        "source_agency": status.source_agency.name,
    }


@router.post(
    "/people/search",
    summary="Search people: an identifier, or two of name, date of birth, postcode, in the JSON body (at most 20, best "
    "first, with reasons and the true count)",
    response=PersonSearchOut,
)
def people_search(request, payload: PersonSearchIn):
    """The person search (people.selectors.person_search: the listing rule of access.search, one audited search
    under the search rate limit, PF-2), its terms in the body (PersonSearchIn). 200 PersonSearchOut; 422 on too few
    details (saying what to add) or a bad value; 429 past OPENMASH_SEARCH_RATE_PER_MINUTE; 403 for a role that does
    not search (partnership admins, auditors)."""
    results = selectors.person_search(
        actor=request.actor,
        name=payload.name,
        date_of_birth=payload.date_of_birth,
        postcode=payload.postcode,
        age=payload.age,
        identifier_type=payload.identifier_type,
        identifier=payload.identifier,
    )
    return {
        "count": results.total,
        "truncated": results.truncated,
        "items": [search_item_out(request.actor, p) for p in results],
    }


@router.get(
    "/people",
    summary="Refused: search people with POST /api/v1/people/search (personal data is never taken in a URL)",
    response={422: UrlRefusedOut},
    deprecated=True,
)
def people_search_by_url(request):
    """The old search by query string (name, date_of_birth, postcode, age, identifier...) is refused (issue 7): a
    URL lands in proxy and access logs and browser history. 422 {"detail", "errors"} with each personal-data
    parameter given (core.url_privacy.personal_parameters) named under `errors`, each saying to send the search in
    the body of POST /api/v1/people/search; with none given, the same advice in `detail`. Nothing is searched or
    counted. The search had no filter that is not personal data, so nothing else is kept. 403 for a role that does
    not search."""
    require(request.actor, "person.search")
    given = personal_parameters(request.GET)
    raise ValidationFailed(
        PERSONAL_DATA_IN_URL if given else SEARCH_BY_POST,
        errors={name: [PERSONAL_DATA_IN_URL] for name in given},
    )


def search_item_out(actor, person) -> dict:
    """A search result in the API's shape (PersonSearchItemOut), from selectors.search_result_view."""
    view = selectors.search_result_view(actor, person)
    out = {"id": view["id"], "viewable": view["viewable"], "fields": view["fields"]}
    for key, value in view["details"].items():
        if key == "nhs_number" and value:
            value = nhs_number_format(value)
        out[key] = value if value not in ("", None) else None
    out["match"] = {"exact": view["exact"], "score": view["score"], "reasons": view["reasons"]}
    return out


@router.get(
    "/people/{person_id}",
    response=PersonOut,
    summary="A person's record, read over everyone merged into them (a merged-away id answers with that person)",
)
def person_detail(request, person_id: UUID):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    return person_out(request.actor, person)


def chronology_out(result) -> dict:
    """A people.chronology.ChronologyResult in the API's shape (ChronologyOut)."""
    page = result.page
    return {
        "person": result.person,
        "count": page.count,
        "page": page.number,
        "page_size": page.page_size,
        "num_pages": page.num_pages,
        "members": [
            {
                "id": m.person.pk,
                "name": m.person.full_name,
                "kind": m.person.kind,
                "date_of_birth": m.person.date_of_birth,
                "basis": m.basis,
                "relationships": m.relationships,
            }
            for m in result.members
        ],
        "entries": [result.item(e) for e in page.items],
    }


@router.get(
    "/people/{person_id}/chronology",
    response=ChronologyOut,
    summary="A child's merged chronology over every agency record joined into them: filtered, paged, newest first",
)
def person_chronology(request, person_id: UUID, q: Query[ChronologyQuery]):
    result = chronology_read(
        actor=request.actor, person_id=person_id, filters=q.filters(), page=q.page, page_size=q.page_size, clamp=False
    )
    return chronology_out(result)


@router.get(
    "/people/{person_id}/household/chronology",
    response=ChronologyOut,
    summary="The merged chronology of a child and the people they live with, each entry saying whose it is",
)
def household_chronology(request, person_id: UUID, q: Query[ChronologyQuery]):
    result = chronology_read(
        actor=request.actor,
        person_id=person_id,
        filters=q.filters(),
        household=True,
        page=q.page,
        page_size=q.page_size,
        clamp=False,
    )
    return chronology_out(result)


@router.get(
    "/people/{person_id}/network",
    response=NetworkOut,
    summary="A child's family network: who lives with whom and the people around the child, with their history",
)
def family_network(request, person_id: UUID):
    from openmash.people.network import family_network as network_read

    network = network_read(actor=request.actor, person_id=person_id)
    return {
        "person": network.child,
        "people": [
            {
                "id": n.person.pk,
                "name": n.person.full_name,
                "kind": n.person.kind,
                "date_of_birth": n.person.date_of_birth,
                "age": n.age,
                "is_child": n.is_child,
                "lives_with_child": n.lives_with_child,
                "basis": n.basis,
                "relationships": [{"label": label, "established": ok} for label, ok in n.relationships],
                "history": [{"kind_label": label, "count": count} for label, count in n.history],
                "entries": n.entries,
                "significant": n.significant,
                "involvement": n.involvement if n.involvement_shown else None,
            }
            for n in network.people
        ],
    }


@router.post(
    "/people/{person_id}/statuses",
    response={201: ChildStatusOut},
    summary="Record a child protection plan, looked-after status or child in need plan (children's social care)",
)
def child_status_create(request, person_id: UUID, payload: ChildStatusIn):
    from openmash.people.services import child_status_record

    status = child_status_record(
        actor=request.actor,
        person_id=person_id,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, child_status_out(status))


@router.post(
    "/people/{person_id}/statuses/{status_id}/end",
    response=ChildStatusOut,
    summary="End a child protection plan, looked-after status or child in need plan (children's social care)",
)
def child_status_finish(request, person_id: UUID, status_id: UUID, payload: ChildStatusEndIn):
    from openmash.people.services import child_status_end

    status = child_status_end(actor=request.actor, person_id=person_id, status_id=status_id, end_date=payload.end_date)
    return child_status_out(status)
