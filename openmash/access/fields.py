"""THE answer to "which fields of this record, and which related people and items, may this actor see?", used by
the API, the pages, the CSV export and the PDFs alike (issue 7, "Field-level access as data"; ADR 0002 and its
addendum).

Before issue 5 the researchers' minimum identifying details and the hub-only parts of a record were decided twice,
in the API schemas and in the web views. Issue 5 brought them into this module; issue 7 made the rule DATA:
`openmash.access.field_table` says, per audience and record type, which field groups are visible, and
`field_access(actor, record)` reads it. Everything else here (`person_fields_visible`, `contact_view`,
`agency_request_urgency`, `pack_person_details`, ...) is a view of that one answer.

Source of the rule: docs/security/access-and-audit.md ("Who sees what"): agency researchers (and anyone else who
is not the hub or the child's allocated worker) get only the minimum identifying details: name, date of birth,
sex, postcode, NHS number.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmash.access import field_table
from openmash.access.policy import contact_viewed_as, people_visible_ids, person_full_record_allowed


@dataclass(frozen=True)
class FieldAccess:
    """What of one record one actor sees (issue 7, field-level access as data).

    record_type: a key of field_table.FIELD_GROUPS ("person", "contact", "agency_request", "agency_record",
    "chronology_entry", "enquiry", "agency_answer", "contributed_item", "early_help_request", "contact_person",
    "encompass_notice"); audience: how the actor stands to the record ("hub", "case_worker", "agency", "recorder",
    "owner"; "" for no basis; for a contributed item the secure room's audience, access.sharing.item_audience:
    "owner", "hub", "hub_held", "hub_declined", "released", "not_released"); groups: the visible field groups;
    fields: the visible field names (the union of the groups' fields);
    sensitivities: the chronology sensitivities shown (persons and chronology entries; empty otherwise)."""

    record_type: str
    audience: str
    groups: frozenset[str]
    fields: frozenset[str]
    sensitivities: frozenset[str] = frozenset()

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    @property
    def related_people(self) -> bool:
        """Whether the people around the record (relationships; the people of a contact or request) are shown."""
        return bool({"relationships", "people"} & self.fields)

    @property
    def items(self) -> bool:
        """Whether the items held about the record (its chronology, each agency's records) are shown."""
        return bool({"chronology", "records"} & self.fields)


NO_ACCESS = FieldAccess("", "", frozenset(), frozenset())

_MODEL_RECORD_TYPES = {
    "enquiry": "enquiry",
    "agencyresponse": "agency_answer",
    "person": "person",
    "contact": "contact",
    "agencyrequest": "agency_request",
    "agencyrecord": "agency_record",
    "chronologyentry": "chronology_entry",
    "contributeditem": "contributed_item",
    "earlyhelprequest": "early_help_request",
    "contactperson": "contact_person",
    "encompassnotice": "encompass_notice",
    "recordlink": "record_link",
}

#: Record types only the hub reads (the record-link review, link.review; a pattern flag's child): "hub" for the hub,
#: nothing for anyone else.
_HUB_ONLY_TYPES = frozenset({"record_link", "flag_child"})


def record_type_of(record) -> str:
    """The field table's record type for a model instance ("" for a record the table does not know)."""
    meta = getattr(record, "_meta", None)
    return _MODEL_RECORD_TYPES.get(meta.model_name, "") if meta is not None else ""


def group_fields(record_type: str, groups) -> frozenset[str]:
    """The field names in these groups of this record type (field_table.FIELD_GROUPS, read at call time)."""
    table = field_table.FIELD_GROUPS.get(record_type, {})
    return frozenset(f for g in groups for f in table.get(g, ()))


def _pack_reader(actor, contact, pack_allowed: bool | None) -> bool:
    """Whether the actor may open the contact's MASH pack (pack_allowed when the caller already asked)."""
    if pack_allowed is not None:
        return pack_allowed
    from openmash.access.sharing import pack_readable

    return pack_readable(actor, contact)


def _pack_audience(actor, record, record_type: str, pack_allowed: bool | None) -> str:
    """audience_for an enquiry or an agency answer (see there)."""
    from openmash.access.policy import can

    if record_type == "agency_answer":
        record = getattr(record, "request", record)  # the answer (AgencyResponse) or the request it answers
        if can(actor, "request.respond") and record.agency_id == actor.agency_id:
            return "owner"
    if actor.is_hub:
        return "hub"
    contact = record.contact if record_type == "enquiry" else record.enquiry.contact
    return "case_worker" if _pack_reader(actor, contact, pack_allowed) else ""


#: A request sent to an agency's inbox -> the permission its "agency" audience needs (besides being that agency).
#: A notice sent to an agency (an Operation Encompass notice to a school) is read the same way: the agency is its
#: school (school_id).
_INBOX_PERMISSION = {
    "agency_request": "request.inbox",
    "early_help_request": "early_help.inbox",
    "encompass_notice": "encompass.view",
}


def audience_for(actor, record, record_type: str | None = None, *, pack_allowed: bool | None = None) -> str:
    """In: an actor who may open `record` (the caller fetched it through the access.policy queryset for it).
    Out: the audience the field table is read for ("" for none: sees nothing).

    - enquiry: "hub" for the hub; "case_worker" for a reader of its MASH pack (access.policy.mash_packs_visible:
      the allocated worker while the allocation is open; `pack_allowed` when the caller already asked); else "";
    - agency_answer (an AgencyResponse, or the AgencyRequest it answers, answered or not): "owner" for the answering agency's researchers (role with request.respond,
      same agency); "hub" for the hub; "case_worker" for a reader of the MASH pack; else "";

    - person, agency_record and chronology_entry (about a person): "hub" for the hub, "case_worker" when
      access.policy.person_full_record_allowed (the allocated worker while the allocation is open; a live
      break-glass for that person), else "agency";
    - contact: access.policy.contact_viewed_as ("hub", "worker" -> "case_worker", "recorder");
    - agency_request: "hub" for the hub, "agency" for the agency asked (role with request.inbox), else "";
    - early_help_request: "hub" for the hub; "agency" for the early help service it was sent to (role with
      early_help.inbox, same agency); else "";
    - encompass_notice: "hub" for the hub; "agency" for the school it was sent to (role with encompass.view);
      else "";
    - contact_person (a ContactPerson): "hub" for the hub; "case_worker" for a reader of the contact's MASH pack
      (access.policy.mash_packs_visible; `pack_allowed` when the caller already asked); else "";
    - record_link (the record-link review) and flag_child (a pattern flag's or watch's child): "hub" for the hub,
      else "" (hub-only views of people, issue 5 "one field-visibility answer");
    - search_result (a person a search found whom the actor may open): as for the person; a caller passes the
      audience "no_basis" for someone the actor may not open (person_search_fields)."""
    from openmash.access.policy import can

    if actor is None or record is None:
        return ""
    record_type = record_type or record_type_of(record)
    if record_type == "contact":
        return {"hub": "hub", "worker": "case_worker", "recorder": "recorder"}[contact_viewed_as(actor, record)]
    if record_type in ("enquiry", "agency_answer"):
        return _pack_audience(actor, record, record_type, pack_allowed)
    if record_type in _INBOX_PERMISSION:
        if actor.is_hub:
            return "hub"
        agency_id = record.school_id if record_type == "encompass_notice" else record.agency_id
        return "agency" if can(actor, _INBOX_PERMISSION[record_type]) and agency_id == actor.agency_id else ""
    if record_type == "contact_person":
        if actor.is_hub:
            return "hub"
        return "case_worker" if _pack_reader(actor, record.contact, pack_allowed) else ""
    if record_type in _HUB_ONLY_TYPES:
        return "hub" if actor.is_hub else ""
    if record_type in ("agency_record", "chronology_entry") and record_type_of(record) != "person":
        record = record.person  # an entry or record is read as its person's (a person: every entry of theirs)
    if record_type in ("person", "agency_record", "chronology_entry", "search_result"):  # a result: as its person
        if actor.is_hub:
            return "hub"
        return "case_worker" if person_full_record_allowed(actor, record) else "agency"
    return ""


def field_access(
    actor,
    record,
    *,
    record_type: str | None = None,
    audience: str | None = None,
    pack_allowed: bool | None = None,
    sealed: frozenset[str] | None = None,
) -> FieldAccess:
    """THE answer: which fields of `record` (and so which related people and items) `actor` sees.

    In: an actor who may open the record (fetched through its access.policy queryset: this decides what of it is
    shown, not whether it is), the record (Person, Contact, AgencyRequest, AgencyRecord, ChronologyEntry, Enquiry,
    AgencyResponse, ContributedItem, EarlyHelpRequest, ContactPerson, EncompassNotice), optionally its record type,
    an audience already decided, whether the actor opened the record's MASH pack (`pack_allowed`, asked here when
    None and needed) and the sealed roles (`sealed`, read from the settings when None and needed). Out: a
    FieldAccess; NO_ACCESS for no actor, an actor whose user, membership or agency is no longer active
    (access.actor.membership_is_active), or an audience the table gives nothing.

    Source: the tables in openmash.access.field_table (VISIBLE: audience -> record type -> groups; FIELD_GROUPS;
    SENSITIVITIES), read at call time, so changing one entry changes the API, the pages, the CSV and the PDF. A
    contributed item's audience depends on its sharing state, sensitivity and release as well as on the reader: it
    is access.sharing.item_audience (the secure room); its fields are the table's for that audience."""
    from openmash.access.actor import membership_is_active

    if actor is None or record is None or not membership_is_active(actor.membership):
        return NO_ACCESS
    record_type = record_type or record_type_of(record)
    if record_type == "contributed_item" and audience is None:
        from openmash.access.sharing import item_audience

        audience = item_audience(actor, record, pack_allowed=bool(pack_allowed), roles=sealed)
    if audience is None:
        audience = audience_for(actor, record, record_type, pack_allowed=pack_allowed)
        if record_type == "agency_answer" and audience == "hub":
            from openmash.access.sharing import answer_text_held

            if answer_text_held(actor, record, roles=sealed):
                audience = "hub_text_held"  # the answer's free text is sealed: held like a sealed item
    groups = frozenset(field_table.VISIBLE.get(audience, {}).get(record_type, ()))
    sensitivities = frozenset(field_table.SENSITIVITIES.get(audience, {}).get(record_type, ()))
    return FieldAccess(record_type, audience, groups, group_fields(record_type, groups), sensitivities)


def answer_shown(access: FieldAccess, response) -> dict | None:
    """THE rendering of one agency's answer (an AgencyResponse, its revisions prefetched or read here) for a reader
    whose field_access(actor, request, record_type="agency_answer") is `access`: None when there is no answer or
    the reader sees nothing of it, else a dict with every key of field_table.FIELD_GROUPS["agency_answer"] but
    ``summary`` and ``items`` (the caller renders the items through access.sharing.item_shown and the summary from
    them: items_text), each empty ("", None, False, []) when the reader may not see it, plus ``fields`` (the
    visible names) and ``sensitivity_label``. The enquiry page, the request page, the MASH pack (page, API, PDF),
    GET /api/v1/enquiries/{id} and the agency inbox API render this and nothing else of an answer, so the answer's
    own indicators and dates are redacted the same everywhere."""
    if response is None or not access.fields:
        return None
    f = access.fields

    def get(name, empty):
        return getattr(response, name) if name in f else empty

    previous = []
    if "previous_versions" in f:
        previous = [
            {
                "version": v.version,
                "recorded_at": v.recorded_at,
                "replaced_at": v.replaced_at,
                "no_information": v.no_information,
                # an earlier version shows what the current one would: the same fields
                "summary": v.summary if "summary" in f else "",
                "risk_indicators": list(v.risk_indicators) if "risk_indicators" in f else [],
                "relevant_dates": v.relevant_dates if "relevant_dates" in f else "",
                "sensitivity": v.sensitivity if "sensitivity" in f else "",
            }
            for v in response.revisions.all()
        ]
    return {
        "fields": f,
        "responded_at": get("responded_at", None),
        "no_information": get("no_information", False),
        "late": get("late", False),
        "risk_indicators": list(get("risk_indicators", [])),
        "relevant_dates": get("relevant_dates", ""),
        "sensitivity": get("sensitivity", ""),
        "sensitivity_label": response.get_sensitivity_display() if "sensitivity" in f else "",
        "version": get("version", 1),
        "amended_at": get("amended_at", None),
        "amendment_reason": get("amendment_reason", ""),
        "previous_versions": previous,
        # the answer's free text is held from this reader (sealed: access.sharing.answer_text_held), so the page
        # says that more is held rather than nothing
        "free_text_held": access.audience == "hub_text_held",
    }


#: What a key of agency_record_shown holds when the reader may not see it.
_RECORD_EMPTY: dict = {"date_of_birth": None, "received_at": None, "source_contact_reference": None}


def _record_values(record, keys: tuple[str, ...]) -> dict:
    """{key: a function giving that value of the agency record `record`} for `keys`, in their order: the values
    agency_record_shown and linked_record_shown render (read only for the fields the reader may see)."""
    from openmash.people.identifiers import nhs_number_format

    every = {
        "agency": lambda: record.agency.name,
        "local_id": lambda: record.local_id,
        "person_id": lambda: record.person_id,
        "origin_person_id": lambda: record.origin_person_id,
        "given_name": lambda: record.given_name,
        "family_name": lambda: record.family_name,
        "date_of_birth": lambda: record.date_of_birth,
        "sex": lambda: record.sex,
        "nhs_number": lambda: nhs_number_format(record.nhs_number) if record.nhs_number else "",
        "upn": lambda: record.upn,
        "pnc_id": lambda: record.pnc_id,
        "postcode": lambda: record.postcode,
        "address": lambda: record.address,
        "received_at": lambda: record.received_at,
        "source_contact_reference": lambda: record.source_contact.reference if record.source_contact_id else None,
        "source_feed": lambda: record.source_feed,
    }
    return {k: every[k] for k in keys}


_AGENCY_RECORD_KEYS = (
    "agency", "local_id", "given_name", "family_name", "date_of_birth", "sex", "nhs_number", "upn", "pnc_id",
    "postcode", "received_at", "source_contact_reference", "source_feed", "origin_person_id",
)  # fmt: skip


def agency_record_shown(access: FieldAccess, record, *, unnamed=frozenset()) -> dict:
    """THE rendering of one agency's record of a person (people.AgencyRecord, agency and source contact loaded) for
    a reader whose field_access(actor, person, record_type="agency_record") is `access`: every key of
    field_table.FIELD_GROUPS["agency_record"] plus ``id`` and ``fields``, a key the reader may not see empty. The
    person page, GET /api/v1/people/{id} (records) and the record's CSV and PDF render this. `unnamed`: the ids of
    the agencies the reader may not see named (people.selectors.Picture.agencies_held, access.sharing
    .agencies_unnamed): such a record's ``agency`` is access.sharing.AGENCY_HELD_NAME and its ``source_feed`` (a
    feed code names the agency's system) empty."""
    from openmash.access.sharing import AGENCY_HELD_NAME

    values = _record_values(record, _AGENCY_RECORD_KEYS)
    out = {k: get() if k in access.fields else _RECORD_EMPTY.get(k, "") for k, get in values.items()}
    if record.agency_id in unnamed:
        out.update(agency=AGENCY_HELD_NAME if "agency" in access.fields else "", source_feed="")
    return {"id": record.pk, "fields": access.fields, **out}


def field_labels(record_type: str, fields) -> list[tuple[str, str]]:
    """(field, label) for the visible fields of a record type, in the order the pages, CSV and PDF list them
    (field_table.PERSON_FIELD_ORDER for a person, else the table's order)."""
    labels = field_table.FIELD_LABELS.get(record_type, {})
    order = [f for g in field_table.FIELD_GROUPS.get(record_type, {}).values() for f in g]
    return [(f, labels.get(f, f.replace("_", " ").capitalize())) for f in order if f in fields]


# The person table's groups as constants, for callers that name them (read from the table at import; the answers
# below read the table at call time).
MINIMUM_FIELDS: frozenset[str] = group_fields("person", ("minimum",))
#: What only the hub (and the allocated worker, for their children) sees on top of the minimum.
FULL_ONLY_FIELDS: frozenset[str] = group_fields("person", field_table.VISIBLE["hub"]["person"]) - MINIMUM_FIELDS
FULL_FIELDS: frozenset[str] = MINIMUM_FIELDS | FULL_ONLY_FIELDS


def person_fields_visible(actor, person) -> frozenset[str]:
    """In: an actor who may open `person` (the caller fetched it through `people_visible`). Out: the names of the
    details they may see: field_access(actor, person).fields (by the field table: every group for the hub and the
    allocated worker, the minimum details for everyone else)."""
    return field_access(actor, person, record_type="person").fields


def case_status_visible(actor, person) -> bool:
    """Whether the actor may be told if `person` is open to children's social care and who the allocated worker
    is (the "allocation" detail of the full record). In: an actor who may open `person`. Out: True for the hub and
    for the social worker allocated to the child while that allocation is open; False for everyone else (a referrer
    or researcher must never learn the child has an allocated worker: issue 5, fault 6). The person page and the
    API both ask this, so the allocated worker is never told "Not open" while she holds the case."""
    return "allocation" in person_fields_visible(actor, person)


def person_minimum_details(person, *, postcode: str | None = None, nhs_number: str | None = None) -> dict:
    """The minimum identifying details of a person, from prefetched identifiers and addresses (no queries; over the
    cluster when ``person.picture`` is attached):
    forename, surname, date_of_birth, expected_date_of_birth, sex (code), postcode (current address) and
    nhs_number ("" when not known). Values are resolved from the person's joined agency records the one way
    (people.summary.resolve; practitioner review of issue 6, findings 1 and 11): an NHS number any joined record
    holds is the person's, and a joined record's fuller spelling of the same name is the name shown. The records
    are ``person.picture.records`` (people.selectors.person_get) or ``person.summary_records`` (the search loads
    them for the people it shows, in one query). A caller that loaded the postcode and NHS number with the person
    (the search does, in the same query) passes them instead."""
    from openmash.people.summary import resolve

    picture = getattr(person, "picture", None)  # a resolved person's cluster (people.selectors.person_get)
    records = picture.records if picture is not None else getattr(person, "summary_records", [])
    if postcode is None or nhs_number is None:
        addresses = picture.addresses if picture is not None else person.addresses.all()
        identifiers = picture.identifiers if picture is not None else person.identifiers.all()
    else:
        addresses, identifiers = [], []
    resolved = resolve(person, records=records, identifiers=identifiers, addresses=addresses)
    return {
        "kind": person.kind,
        "forename": resolved.forename,
        "surname": resolved.surname,
        "date_of_birth": person.date_of_birth,
        "expected_date_of_birth": person.expected_date_of_birth,
        "sex": person.sex,
        "postcode": (postcode if postcode is not None else resolved.postcode) or resolved.postcode,
        "nhs_number": (nhs_number if nhs_number is not None else resolved.nhs_number) or resolved.nhs_number,
    }


#: What a search result shows of a person the actor has no basis to open (a referrer's intake search, a researcher
#: searching before a request arrives): the field table's "no_basis" audience of a search result (names, dates of
#: birth, sex; never the postcode or NHS number: issue 6). Read from the table at import, for callers that name it;
#: person_search_fields reads the table at call time.
SEARCH_RESULT_FIELDS: frozenset[str] = group_fields("search_result", field_table.VISIBLE["no_basis"]["search_result"])
#: The order the search result columns are shown and the API lists them in.
SEARCH_RESULT_ORDER: tuple[str, ...] = tuple(f for g in field_table.FIELD_GROUPS["search_result"].values() for f in g)


def person_search_fields(actor, person, *, in_basis: bool) -> frozenset[str]:
    """In: an actor who searched, a person their search found, and whether the actor may open that person's record
    (``in_basis``: the person is in ``access.policy.people_visible(actor)``). Out: which details the result shows,
    from the field table's "search_result" record type: the "no_basis" audience's fields for someone the actor has
    no basis for; for someone they may open, their audience for that person (field_access: hub, case_worker or
    agency) -- with the postcode and NHS number. One answer for the API and the pages (issue 5: the search kept a
    rule of its own before)."""
    if actor is None:
        return frozenset()
    audience = None if in_basis else "no_basis"
    return field_access(actor, person, record_type="search_result", audience=audience).fields


def person_search_details(
    actor, person, *, in_basis: bool, postcode: str | None = None, nhs_number: str | None = None
) -> dict:
    """The details a search result shows (``person_search_fields``): keys in SEARCH_RESULT_ORDER order, only the
    fields shown ("" for a shown field that is not known). Postcode and NHS number as for person_minimum_details."""
    fields = person_search_fields(actor, person, in_basis=in_basis)
    details = person_minimum_details(person, postcode=postcode, nhs_number=nhs_number)
    return {k: details[k] for k in SEARCH_RESULT_ORDER if k in fields}


def person_details_for(actor, person) -> dict:
    """The minimum details restricted to what `person_fields_visible` allows (the shape both the API and the pages
    render for the minimum view)."""
    fields = person_fields_visible(actor, person)
    return {k: v for k, v in person_minimum_details(person).items() if k in fields}


#: The details of a person that a contact's recorder gave (or saw in their search) and may see again on their
#: contact: what they named (ContactPerson.as_named). Everything else of the record is not theirs to see.
AS_NAMED_FIELDS: frozenset[str] = frozenset(
    {"kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex"}
)
#: A ContactChange.field that touches a person's record -> the detail of the record it shows. Other change fields
#: (school, gp, present_at_incident, person_added, the domestic abuse fields) are what the contact itself says.
_CHANGE_DETAIL: dict[str, str] = {
    "identifier_added": "identifiers",
    "address_added": "addresses",
    "ethnicity": "ethnicity",
    **{name: name for name in AS_NAMED_FIELDS},
}


def contact_change_visible(actor, contact, change) -> bool:
    """Whether the actor may see this ContactChange of a contact they opened (issue 5 review, fault 1).

    The hub sees every change. The contact's recorder sees only the changes they made themselves, and of those
    only what the contact says and the details they named (AS_NAMED_FIELDS): never a change to a hub-only detail
    (FULL_ONLY_FIELDS: ethnicity, identifiers, addresses), whose previous value comes from the record. Anyone else
    (an allocated worker who did not record it) sees none."""
    if actor is None:
        return False
    if actor.is_hub:
        return True
    if contact.recorded_by_id != actor.user.pk or change.changed_by_id != actor.user.pk:
        return False
    detail = _CHANGE_DETAIL.get(change.field)
    return detail is None or detail in AS_NAMED_FIELDS


def contact_person_shown(view: ContactView, link):
    """The person named in a contact as this view shows them: for the recorder (view.viewed_as == "recorder") the
    person as they named them (ContactPerson.named_person(), from as_named: their later corrections by the hub do
    not show, fault 2); for the hub and the allocated worker the live record. In: a ContactView and a ContactPerson
    with its person loaded. Out: a Person (unsaved for the recorder's view)."""
    return link.named_person() if view.viewed_as == "recorder" else link.person


# --- contacts ---------------------------------------------------------------------------------------------------------

#: What a recorder is shown instead of "awaiting screening" or "passed to the allocated worker": both read the same,
#: so a referrer cannot tell whether the child has an allocated social worker (issue 5, fault 6).
RECEIVED = "received"


@dataclass(frozen=True)
class ContactView:
    """What of a contact the actor may see (one answer for the API and the pages), a view of
    field_access(actor, contact) (field_table "contact") with the contact's own state applied.

    viewed_as: "hub", "worker" or "recorder" (access.policy.contact_viewed_as);
    status: the status to show (a recorder sees "received" while the contact waits for screening or went to an
    allocated worker); screening: whether the screening outcome and RAG are shown; rationale / enquiry /
    due_dates: hub-only parts; referrer_identity: whether a protected public referrer's name may be shown;
    routing: whether the reader is told the contact went to the child's allocated worker and what became of it;
    access: the FieldAccess it was built from."""

    viewed_as: str
    status: str
    screening: bool
    rationale: bool
    enquiry: bool
    due_dates: bool
    referrer_identity: bool
    routing: bool = False
    access: FieldAccess = NO_ACCESS


def contact_view(actor, contact) -> ContactView:
    """In: an actor who may open `contact` (fetched through contacts_visible), with its screening loaded.
    Out: the ContactView deciding which parts of it they see: the field table's groups for the reader's audience
    (field_access), narrowed by the contact's state: a recorder is not shown a screening that passed the contact
    to the allocated worker or added it to an open enquiry (issue 5 fault 6, issue 6), and a protected public
    referrer's name shows only to the hub and to whoever recorded it."""
    from openmash.contacts.choices import ContactStatus
    from openmash.enquiries.choices import ScreeningOutcome

    viewed_as = contact_viewed_as(actor, contact)
    access = field_access(
        actor, contact, record_type="contact", audience={"worker": "case_worker"}.get(viewed_as, viewed_as)
    )
    status = contact.status
    screening = getattr(contact, "screening", None)
    show_screening = screening is not None and "screening" in access
    if viewed_as == "recorder":
        if status in (ContactStatus.AWAITING_SCREENING, ContactStatus.WITH_ALLOCATED_WORKER):
            status = RECEIVED
        # Added to an open enquiry (issue 6): the referrer sees a MASH enquiry, never that another contact exists.
        if status == ContactStatus.ADDED_TO_ENQUIRY:
            status = ContactStatus.IN_ENQUIRY
    if (
        "routing" not in access
        and screening is not None
        and screening.outcome
        in (
            ScreeningOutcome.ALLOCATED_WORKER,
            ScreeningOutcome.ADD_TO_ENQUIRY,
        )
    ):
        show_screening = False
    protected = contact.referrer_identity_protected and viewed_as != "hub" and contact.recorded_by_id != actor.user.pk
    return ContactView(
        viewed_as=viewed_as,
        status=status,
        screening=show_screening,
        rationale="rationale" in access,
        enquiry="enquiry" in access,
        due_dates="due_dates" in access,
        referrer_identity="referrer_identity" in access and not protected,
        routing="routing" in access,
        access=access,
    )


# --- agency information requests -------------------------------------------------------------------------------

#: What an agency's researchers are told of how urgent a request to their agency is (practitioner review: the inbox
#: showed no RAG or immediate risk, so a red immediate-risk request sat 16th behind older amber and green ones): the
#: enquiry's RAG rating (code) and whether the contact has immediate risk (a flag). Never why: not the narrative,
#: not the immediate-risk detail, not the rationale; those stay in the hub. (field_table "agency_request" "urgency")
REQUEST_URGENCY_FIELDS: frozenset[str] = group_fields("agency_request", ("urgency",))


def agency_request_urgency(actor, request) -> dict:
    """In: an actor who may open the agency request `request` (fetched through access.policy.agency_requests_visible),
    with its enquiry and the enquiry's contact loaded. Out: {"rag": the enquiry's RAG code, "immediate_risk": bool}
    (REQUEST_URGENCY_FIELDS) for the researchers of the agency asked and for the hub; {} for anyone else. One answer
    for the inbox page, the request page and GET /api/v1/agency-requests."""
    fields = field_access(actor, request, record_type="agency_request").fields
    values = {
        "rag": lambda: request.enquiry.rag,
        "immediate_risk": lambda: bool(request.enquiry.contact.immediate_risk),
    }
    return {k: get() for k, get in values.items() if k in fields}


# --- early help hand-overs ----------------------------------------------------------------------------------------

#: Every key early_help_case_details gives (field_table "early_help_request", but "people": the people are rendered
#: by enquiries.selectors.early_help_people), with what it holds when the reader may not see it. Which of them a
#: reader sees is field_access's answer, never this list.
_CASE_EMPTY: dict = {
    "concern_codes": [],
    "referrer_agency": "",
    "consent": "",
    "consent_not_sought_reason": "",
    "family_aware": "",
    "rationale": "",
    "next_steps": "",
    "threshold_level": None,
    "partial": False,
}


def early_help_case_details(actor, eh) -> dict:
    """In: an actor who may open the hand-over `eh` (fetched through access.policy.early_help_requests_visible),
    with its contact, the contact's screening and the enquiry's decision loaded. Out: {} when
    field_access(actor, eh) (field_table "early_help_request") gives none of the case's fields (everyone but the
    early help service it was sent to: the hub reads the contact itself); else a dict with ``fields`` (the visible
    names, a frozenset) and every key of _CASE_EMPTY, a key the reader may not see empty: concern_codes (CIN factor
    codes), referrer_agency (the recording agency's name), consent / consent_not_sought_reason / family_aware
    (codes), rationale and next_steps (the MASH's words: the decision's when the hand-over came from a decision, else
    the screening's rationale; empty, with ``texts_held`` True and their ``sensitivity``, when their writer's level
    keeps them from the service: access.sharing.decision_text_held / screening_text_held), threshold_level (the decision's for the children handed over, or None), and
    ``partial`` (True when the hand-over is for only some of the contact's subject children). The hand-over page,
    GET /api/v1/early-help-requests and the view's audit render this and nothing else of the case (practitioner
    review, fault 10: enough to offer help and to approach the family; never the referrer's narrative or name,
    other agencies' answers or what the referrer alleged about an adult).

    Only the children handed over (practitioners' review, December 2026: the hand-over for Ella, early help at level
    2, showed her sister Debra's level 3, the contact's "Self-harm" concern and a rationale naming Debra). The
    threshold level is the highest of the per-child decisions (``DecisionChild``) of the children handed over, else
    the decision's own (every child had the same decision). The contact's concerns, the rationale and the next steps
    are written about the whole contact, so they are shared only when the hand-over covers every subject child of
    the contact; for a per-child hand-over they are withheld (empty; ``partial`` True) and the page tells the
    service to ask the MASH. Withholding is the safer choice: the MASH's words may name or describe other children,
    and nothing in them can be attributed to one child."""
    access = field_access(actor, eh, record_type="early_help_request")
    fields = access.fields & _CASE_EMPTY.keys()
    if not fields:
        return {}
    contact = eh.contact
    enquiry = getattr(contact, "enquiry", None)  # a missing one-to-one row reads as None
    decision = getattr(enquiry, "decision", None) if enquiry is not None else None
    screening = getattr(contact, "screening", None)
    from_decision = eh.source == "decision" and decision is not None
    handed = {p.pk for p in eh.children.all()}
    links = getattr(contact, "people_links", None)  # prefetched by the early help selectors
    if links is None:
        links = list(contact.people.all())
    subjects = {cp.person_id for cp in links if cp.role == "subject"}
    partial = bool(handed) and not subjects <= handed

    def threshold():
        if not from_decision:
            return None
        levels = [c.threshold_level for c in decision.children.all() if c.person_id in handed]
        return max(levels) if levels else decision.threshold_level

    # the MASH's words at their writer's level (ADR 0017 addendum): the early help service reads standard ones only
    # (access.sharing.decision_text_held / screening_text_held, audience "early_help")
    from openmash.access.sharing import decision_text_held, screening_text_held

    source = decision if from_decision else screening
    held = source is not None and (
        decision_text_held(actor, decision, audience="early_help")
        if from_decision
        else screening_text_held(actor, screening, audience="early_help")
    )

    def rationale():
        if held:
            return ""
        return decision.rationale if from_decision else (screening.rationale if screening else "")

    values = {
        "concern_codes": lambda: [] if partial else list(contact.concern_codes),
        "referrer_agency": lambda: contact.recording_agency.name,
        "consent": lambda: contact.consent,
        "consent_not_sought_reason": lambda: contact.consent_not_sought_reason,
        "family_aware": lambda: contact.family_aware,
        "rationale": lambda: "" if partial else rationale(),
        "next_steps": lambda: "" if partial or not from_decision or held else decision.next_steps,
        "threshold_level": threshold,
        "partial": lambda: partial,
    }
    out = {k: get() if k in fields else _CASE_EMPTY[k] for k, get in values.items()}
    texts_held = held and not partial and bool({"rationale", "next_steps"} & fields)
    level = source.sensitivity if texts_held else ""
    return {"fields": frozenset(fields), **out, "texts_held": texts_held, "sensitivity": level}


# --- the MASH pack ----------------------------------------------------------------------------------------------------

#: What the MASH pack shows of the contact's domestic abuse details (DOMAIN.md 1.5) to anyone who may open the pack
#: (access.policy.mash_packs_visible: the hub, and the allocated worker while the allocation is open).
PACK_DOMESTIC_ABUSE_FIELDS: tuple[str, ...] = ("police_reference", "incident_at", "dash_risk", "marac_referral")


#: Every key pack_person_named gives, with what it holds when the reader may not see it (field_table
#: "contact_person" "named", plus ``name``: Person.full_name, shown with the name).
_NAMED_EMPTY: dict = {
    "role": "",
    "name": "",
    "forename": "",
    "surname": "",
    "date_of_birth": None,
    "expected_date_of_birth": None,
}
#: Every other key pack_person_details gives, with what it holds when the reader may not see it. Which of them a
#: reader sees is field_access's answer (field_table "contact_person" for what the contact says; "person" for the
#: record's postcode and addresses), never this list.
_PACK_PERSON_EMPTY: dict = {
    "postcode": "",
    "addresses": None,
    "school": None,
    "gp": None,
    "present_at_incident": "",
}


def pack_person_named(actor, link, *, pack_allowed: bool | None = None) -> dict:
    """One person of a MASH pack as the contact names them, for a reader of the pack (the pack list and its API,
    the pack page's people through pack_person_details). In: a ContactPerson with its person loaded; `pack_allowed`
    whether the actor may open the pack (asked here when None). Out: ``fields`` (the visible names of
    field_access(actor, link), field_table "contact_person", a frozenset) and every key of _NAMED_EMPTY, a key the
    reader may not see empty: ``role`` (code), ``name``, ``forename``, ``surname``, ``date_of_birth`` and
    ``expected_date_of_birth`` (dates). No query beyond the pack check."""
    fields = field_access(actor, link, record_type="contact_person", pack_allowed=pack_allowed).fields
    if link.role != "subject":
        fields = fields - {"school", "gp", "present_at_incident"}  # the contact says these of a subject child only
    person = link.person
    values = {
        "role": lambda: link.role,
        "name": lambda: person.full_name,
        "forename": lambda: person.forename,
        "surname": lambda: person.surname,
        "date_of_birth": lambda: person.date_of_birth,
        "expected_date_of_birth": lambda: person.expected_date_of_birth,
    }
    shown = fields | ({"name"} if {"forename", "surname"} & fields else set())  # the name is the name's fields
    return {"fields": fields, **{k: get() if k in shown else _NAMED_EMPTY[k] for k, get in values.items()}}


def pack_person_details(actor, link, *, visible: bool | None = None, pack_allowed: bool | None = None) -> dict:
    """THE rendering of one person of a MASH pack (a ContactPerson with person, school and gp loaded; the person's
    addresses and identifiers prefetched) for an actor who opened the pack.

    Out: pack_person_named's keys (name, role and date of birth as the contact holds them) and every key of
    _PACK_PERSON_EMPTY, a key the reader may not see empty: from field_access(actor, link) (field_table
    "contact_person": hub and pack readers), for a subject child ``school``, ``gp`` (agency names) and
    ``present_at_incident`` (code), which are what the contact itself says; from field_access(actor, person)
    (field_table "person"), ``postcode`` (the minimum identifying details' postcode) and ``addresses`` (the record's
    addresses, current first: the hub; the allocated worker for the children allocated to them), each only when
    that answer gives it. ``fields``: every visible name (a frozenset). One answer for the pack page and
    GET /api/v1/mash-packs/{id}.

    `visible`: whether the person is in access.policy.people_visible(actor) (read here when not given); a person the
    actor may not open shows nothing of their record (attacker review 2026-11: a pack made from a contact the worker
    recorded themselves must not show the postcode of an adult they named). `pack_allowed`: whether the actor may
    open the pack (asked here when None)."""
    if visible is None:
        visible = bool(people_visible_ids(actor, [link.person_id]))
    named = pack_person_named(actor, link, pack_allowed=pack_allowed)
    record = person_fields_visible(actor, link.person) if visible else frozenset()
    fields = named["fields"] | (record & {"postcode", "addresses"})
    person = link.person
    values = {
        "postcode": lambda: person_minimum_details(person)["postcode"],
        "addresses": lambda: list(person.addresses.all()),
        "school": lambda: link.school.name if link.school_id else None,
        "gp": lambda: link.gp.name if link.gp_id else None,
        "present_at_incident": lambda: link.present_at_incident,
    }
    out = {k: get() if k in fields else _PACK_PERSON_EMPTY[k] for k, get in values.items()}
    return {**named, **out, "fields": frozenset(fields)}


def pack_domestic_abuse(actor, contact) -> dict | None:
    """The domestic abuse details the MASH pack shows (PACK_DOMESTIC_ABUSE_FIELDS, plus `schools_told`: whether the
    children's schools were to be told, Operation Encompass), or None when the contact records none. For an actor
    who opened the pack (mash_packs_visible); anyone else gets None."""
    from openmash.access.policy import mash_packs_visible

    if actor is None or not any(getattr(contact, f) for f in PACK_DOMESTIC_ABUSE_FIELDS):
        return None
    if not (actor.is_hub or mash_packs_visible(actor).filter(pk=contact.pk).exists()):
        return None
    return {**{f: getattr(contact, f) for f in PACK_DOMESTIC_ABUSE_FIELDS}, "schools_told": contact.notify_schools}


# --- Operation Encompass notices ----------------------------------------------------------------------------------

#: Every key encompass_notice_shown gives (field_table "encompass_notice"), with what it holds when the reader may
#: not see it. Which of them a reader sees is field_access's answer, never this list.
_NOTICE_EMPTY: dict = {
    "child_forename": "",
    "child_surname": "",
    "child_date_of_birth": None,
    "police_reference": "",
    "incident_at": None,
    "present": "",
    "school": "",
    "sent_at": None,
    "read_at": None,
    "acknowledged_at": None,
    "acknowledged_by": "",
}


def encompass_notice_shown(actor, notice) -> dict:
    """THE rendering of one Operation Encompass notice (contacts.EncompassNotice with person, school and
    acknowledged_by loaded) for an actor who may open it (access.policy.encompass_notices_visible): ``fields`` (the
    visible names of field_access(actor, notice), field_table "encompass_notice", a frozenset), ``id``, every key of
    _NOTICE_EMPTY (a key the reader may not see empty: names and the reference as text, the child's date of birth a
    date, the times aware UTC, ``present`` a yes / no / unknown code, ``school`` and ``acknowledged_by`` names), and
    ``child_name`` (Person.full_name, shown with the child's names) and ``present_label`` (the words for
    ``present``). The notices page, the notice page and GET /api/v1/encompass-notices render this and nothing else
    of the notice (DOMAIN.md 1.5: the minimum a school needs, no narrative)."""
    fields = field_access(actor, notice, record_type="encompass_notice").fields
    person = notice.person
    values = {
        "child_forename": lambda: person.forename,
        "child_surname": lambda: person.surname,
        "child_date_of_birth": lambda: person.date_of_birth,
        "police_reference": lambda: notice.police_reference,
        "incident_at": lambda: notice.incident_at,
        "present": lambda: notice.present,
        "school": lambda: notice.school.name,
        "sent_at": lambda: notice.created_at,
        "read_at": lambda: notice.read_at,
        "acknowledged_at": lambda: notice.acknowledged_at,
        "acknowledged_by": lambda: str(notice.acknowledged_by) if notice.acknowledged_by_id else "",
    }
    out = {k: get() if k in fields else _NOTICE_EMPTY[k] for k, get in values.items()}
    named = {"child_forename", "child_surname"} & fields
    return {
        "id": notice.pk,
        "fields": fields,
        **out,
        "child_name": person.full_name if named else "",
        "present_label": notice.get_present_display() if "present" in fields else "",
    }


# --- hub-only views of people: the record-link review and a pattern flag's child (issue 5, one answer) ----------------

#: What a key of linked_record_shown holds when the reader may not see it.
_LINKED_RECORD_KEYS = (
    "agency", "local_id", "person_id", "origin_person_id", "given_name", "family_name", "date_of_birth", "sex",
    "nhs_number", "upn", "pnc_id", "postcode", "address", "received_at", "source_contact_reference", "source_feed",
)  # fmt: skip
_LINKED_EMPTY: dict = {
    "date_of_birth": None,
    "received_at": None,
    "source_contact_reference": None,
    "person_id": None,
    "origin_person_id": None,
}


def linked_record_shown(access: FieldAccess, record) -> dict:
    """THE rendering of one agency record on the record-link review (people.AgencyRecord, agency and source contact
    loaded) for a reader whose field_access(actor, link, record_type="record_link") is `access`: ``id``, ``fields``
    and every key of field_table.FIELD_GROUPS["record_link"], a key the reader may not see empty. The review's API
    (GET /api/v1/record-links) renders this; its side-by-side rows (matching.selectors.compare_fields) list only
    `access.fields`."""
    values = _record_values(record, _LINKED_RECORD_KEYS)
    out = {k: get() if k in access.fields else _LINKED_EMPTY.get(k, "") for k, get in values.items()}
    return {"id": record.pk, "fields": access.fields, **out}


_FLAG_CHILD_EMPTY: dict = {"person_id": None, "name": "", "date_of_birth": None, "age": ""}


def flag_child_shown(actor, flag) -> dict:
    """THE rendering of the child a pattern flag (or a watch on a child) is about, for the flag pages and GET
    /api/v1/flags: {"person_id", "name", "date_of_birth", "age", "fields"} from field_access(actor, flag,
    record_type="flag_child") (the hub's: a flag is hub-only), a field the reader may not see empty. In: the actor
    and a record with ``child`` loaded."""
    from openmash.patterns.selectors import age_text

    access = field_access(actor, flag, record_type="flag_child")
    child = flag.child
    values = {
        "person_id": lambda: child.pk,
        "name": lambda: child.full_name,
        "date_of_birth": lambda: child.date_of_birth,
        "age": lambda: age_text(child.date_of_birth),
    }
    out = {k: get() if k in access.fields else _FLAG_CHILD_EMPTY[k] for k, get in values.items()}
    return {**out, "fields": access.fields}
