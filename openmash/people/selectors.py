"""Reads of people. Every read of personal data is audited here, in the same transaction as the read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from openmash.access.fields import person_search_details
from openmash.access.involvement import view_basis
from openmash.access.policy import (
    chronology_entries_q,
    chronology_entries_visible,
    chronology_sensitivities,
    people_visible,
    person_full_record_allowed,
    person_get_for,
    require,
)
from openmash.access.search import search_people_listed
from openmash.access.sharing import AGENCY_HELD_NAME, agencies_unnamed
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound
from openmash.oversight.services import access_viewed
from openmash.people.linking import person_cluster_ids
from openmash.people.lookup import people_lookup, search_terms_check
from openmash.people.models import (
    Address,
    AgencyRecord,
    ChronologyEntry,
    LinkState,
    Person,
    PersonIdentifier,
    RecordLink,
    Relationship,
)
from openmash.people.search_limits import search_rate_check


def _with_details(qs):
    return qs.prefetch_related(
        Prefetch("identifiers", queryset=PersonIdentifier.objects.order_by("identifier_type")),
        Prefetch("addresses", queryset=Address.objects.order_by("-start_date")),
        "aliases",
    )


_SOURCE = ("source_contact__screening", "source_agency")


def _with_relationships(qs):
    return _with_details(qs).prefetch_related(
        Prefetch(
            "relationships_from",
            queryset=Relationship.objects.filter(end_date__isnull=True).select_related("related_person", *_SOURCE),
        ),
        Prefetch(
            "relationships_to",
            queryset=Relationship.objects.filter(end_date__isnull=True).select_related("person", *_SOURCE),
        ),
    )


def relationship_established(rel: Relationship) -> bool:
    """A relationship is established when it came from the partnership's own records (no source contact) or from
    a contact the MASH has screened. One asserted by an unscreened contact is an allegation (issue 5, fault 4)."""
    contact = rel.source_contact
    return contact is None or getattr(contact, "screening", None) is not None


def relationship_source_text(rel: Relationship) -> str:
    """Where a relationship came from, in words: e.g. "Asserted by contact C-20261130-ABCD, Police, not yet
    screened". No personal data beyond the reference and the agency's name."""
    contact = rel.source_contact
    if contact is None:
        return "From the partnership's records"
    agency = rel.source_agency.name if rel.source_agency else "unknown agency"
    when = ""
    # the day the contact was received (when the agency said it), not the day the record was written (practitioner
    # review: a late-recorded contact showed the recording day)
    said = contact.received_at or rel.asserted_at
    if said:
        local = timezone.localtime(said)
        when = f" on {local.day} {local:%B %Y}"
    state = "screened" if relationship_established(rel) else "not yet screened"
    return f"Asserted by contact {contact.reference}, {agency}{when}, {state}"


#: Relationship types that read the same both ways (A sibling of B = B sibling of A).
SYMMETRIC_RELATIONSHIPS = frozenset({"sibling", "half_sibling", "step_sibling", "partner", "household_member"})
#: The other person's role when the person whose relationships are read holds the type ("A is parent of B": to A,
#: B is their child).
_HELD_ROLE = {
    "parent": "child",
    "parent_carer": "child",
    "carer": "child in their care",
    "alleged_perpetrator": "person alleged to have been harmed",
}


def relationship_role(rel: Relationship, *, held: bool) -> str:
    """The other person's role towards the person whose relationships are read, in lower case: "parent or carer",
    "sibling", "child". In: the relationship; held: True when the reader's person is ``rel.person`` (they hold the
    type: "A is <type> of B"), False when they are ``rel.related_person``. Out: the words for "Name, <role>", the one
    pattern on the person page and the family network (practitioner review: "Sibling of Sophie Hewitt" beside
    "Linda Lees: parent")."""
    label = rel.get_relationship_type_display().lower()
    if not held or rel.relationship_type in SYMMETRIC_RELATIONSHIPS:
        return label
    return _HELD_ROLE.get(rel.relationship_type, f"they are recorded as {label} of them")


def relationships_view(person: Person) -> list[dict]:
    """See _relationships_view; read over the person's cluster when `person.picture` is attached (person_get), leaving
    out relationships between people of the cluster itself."""
    picture = getattr(person, "picture", None)
    if picture is None:
        return _relationships_view(person)
    inside = {p.pk for p in picture.people}
    rows = []
    for p in picture.people:
        rows += [r for r in _relationships_view(p) if r["other_person"].pk not in inside]
    return rows


def _relationships_view(person: Person) -> list[dict]:
    """The person's current relationships, both directions, each with its source; for people loaded through
    `person_get` (prefetched, no queries). Each item: other_person (Person), description ("Name, role":
    "Linda Lees, parent or carer", "Sophie Hewitt, sibling", on Dean Smith's page "Ann Smith, person alleged to have
    been harmed"; relationship_role), claim ("Dean Smith is alleged perpetrator of
    Ann Smith"), relationship_type, direction ("from"/"to"),
    established (bool), source (text), source_contact_reference, source_agency, asserted_at."""
    rows = []
    for rel in person.relationships_from.all():
        other = rel.related_person
        rows.append((rel, other, "from", f"{other.full_name}, {relationship_role(rel, held=True)}"))
    # A relationship recorded both ways (siblings: A sibling of B and B sibling of A) is one relationship: the "to"
    # row is left out when the same type already links this person to the same other person (practitioner review).
    told = {(rel.related_person_id, rel.relationship_type) for rel, *_ in rows}
    for rel in person.relationships_to.all():
        other = rel.person
        if (other.pk, rel.relationship_type) in told:
            continue
        rows.append((rel, other, "to", f"{other.full_name}, {relationship_role(rel, held=False)}"))
    return [
        {
            "other_person": other,
            "description": description,
            "claim": f"{rel.person.full_name} is {rel.get_relationship_type_display().lower()} of "
            f"{rel.related_person.full_name}",
            "relationship_type": rel.relationship_type,
            "direction": direction,
            "established": relationship_established(rel),
            "source": relationship_source_text(rel),
            "source_contact_reference": rel.source_contact.reference if rel.source_contact else None,
            "source_agency": rel.source_agency.name if rel.source_agency else None,
            "asserted_at": rel.asserted_at,
        }
        for rel, other, direction, description in rows
    ]


@dataclass
class Picture:
    """A resolved person's picture, read over their cluster (ADR 0005): ``people`` (the canonical person first, then
    everyone merged into them), every identifier (one per type and value), address (newest first, current ones
    first) and alias of any of them, the agency ``records`` joined into this person (with agency and source contact)
    and the current confirmed ``links`` between those records (with who or which rule decided)."""

    people: list
    identifiers: list
    addresses: list
    aliases: list
    records: list
    links: list
    # the ids of the agencies the reader may not see named (access.sharing.agencies_unnamed: every chronology entry
    # of theirs about the person is held from the reader); set by person_get for its actor, empty otherwise
    agencies_held: frozenset = frozenset()

    @property
    def merged(self) -> list:
        return self.people[1:]

    def agency_name(self, record) -> str:
        """The name of a record's agency as this reader sees it: access.sharing.AGENCY_HELD_NAME for an agency in
        ``agencies_held``, else its name."""
        return AGENCY_HELD_NAME if record.agency_id in self.agencies_held else record.agency.name

    @property
    def joined(self) -> list[tuple]:
        """[(link, agency name of record_l, agency name of record_r)] for ``links``, named as agency_name says."""
        return [(x, self.agency_name(x.record_l), self.agency_name(x.record_r)) for x in self.links]

    @property
    def people_with_agencies(self) -> list[tuple]:
        """[(person, "County Police, Oakfield Primary School")]: each person of the cluster with the agencies whose
        records were first attached to them (named as agency_name says)."""
        names: dict = {}
        for r in self.records:
            names.setdefault(r.origin_person_id, []).append(self.agency_name(r))
        return [(p, ", ".join(dict.fromkeys(names.get(p.pk, [])))) for p in self.people]


def _agencies_held(actor, person, cluster) -> frozenset:
    """The ids of the agencies holding chronology entries about `person` (their `cluster`) none of which the actor
    reads: access.sharing.agencies_unnamed over every entry's agency and the entries listed to the actor
    (access.policy.chronology_sensitivities and chronology_entries_visible, as person_chronology lists them). Two
    queries; none when no agency holds an entry."""
    every = ChronologyEntry.objects.filter(person_id__in=cluster, agency__isnull=False)
    holders = set(every.order_by().values_list("agency_id", flat=True).distinct())
    if not holders:
        return frozenset()
    shown = chronology_sensitivities(actor, person)
    listed = (
        chronology_entries_visible(actor, every.filter(chronology_entries_q(shown)))
        .order_by()
        .values_list("agency_id", "sensitivity")
        .distinct()
        if shown
        else []
    )
    return frozenset(agencies_unnamed(actor, holders, [(a, level or "standard") for a, level in listed]))


def _picture(people: list[Person]) -> Picture:
    ids = [p.pk for p in people]
    identifiers, seen = [], set()
    for p in people:
        for i in p.identifiers.all():
            if (i.identifier_type, i.value) not in seen:
                seen.add((i.identifier_type, i.value))
                identifiers.append(i)
    identifiers.sort(key=lambda i: i.identifier_type)
    addresses = [a for p in people for a in p.addresses.all()]
    addresses.sort(key=lambda a: (a.end_date is not None, -(a.start_date or dt.date.min).toordinal()))
    records = list(
        AgencyRecord.objects.filter(person_id=ids[0])
        .select_related("agency", "source_contact", "origin_person")
        .order_by("received_at", "pk")
    )
    rec_ids = [r.pk for r in records]
    links = list(
        RecordLink.objects.filter(
            valid_to__isnull=True, state=LinkState.CONFIRMED, record_l_id__in=rec_ids, record_r_id__in=rec_ids
        )
        .select_related("decided_by", "record_l__agency", "record_r__agency", "record_l", "record_r")
        .order_by("decided_at", "pk")
    )
    return Picture(
        people=people,
        identifiers=identifiers,
        addresses=addresses,
        aliases=[a for p in people for a in p.aliases.all()],
        records=records,
        links=links,
    )


def person_resolved_id_for(*, actor, person_id):
    """The id of the resolved person `person_id` belongs to (itself unless merged), for sending a user from a
    merged-away person's page to the resolved one. Not audited: it reads no personal data, only an id on the way
    to an audited page. NotFound when the actor may not open the person (which is exactly when they may not open
    the resolved person: people_visible is closed under merging)."""
    person = person_get_for(actor, person_id, qs=people_visible(actor).only("pk", "merged_into_id"))
    return person.merged_into_id or person.pk


@transaction.atomic
def person_get(*, actor, person_id) -> Person:
    """A person's record as the actor may open it, read over the cluster they belong to (ADR 0005). In: a person id
    (a merged-away person's id gives the person they were merged into). Out: the *resolved* Person, with
    relationships prefetched and ``person.picture`` (Picture) attached; compare its pk with `person_id` to tell a
    merged-away id (the pages redirect). Audited: a "view" of the resolved person (detail: the basis of access,
    access.involvement.view_basis) and of each person merged into them; someone outside the team that owns a
    flagged child notifies that team (oversight.services.access_viewed). NotFound when the actor may not open the
    person (people_visible is closed under merging)."""
    requested = person_get_for(actor, person_id, qs=people_visible(actor))
    cluster = person_cluster_ids(requested)
    people = {p.pk: p for p in _with_relationships(Person.objects.filter(pk__in=cluster))}
    ordered = [people[pk] for pk in cluster if pk in people]
    person = ordered[0]
    person.picture = _picture(ordered)
    # the agencies named nowhere on the record for this reader (issue 7: access.sharing.agencies_unnamed)
    person.picture.agencies_held = _agencies_held(actor, person, cluster)
    basis = view_basis(actor, person)  # which rule let them open it (issue 7: who has seen this record)
    audit_record(actor=actor, action="view", obj=person, detail={"basis": basis} if basis else None)
    access_viewed(actor=actor, person=person)  # CP-IS style notice to the team that owns a flagged child (issue 7)
    if len(ordered) > 1:
        audit_record_many(actor=actor, action="view", objects=ordered[1:], reason="merged into the person viewed")
    return person


class SearchResults(list):
    """The people shown for a search (at most OPENMASH_SEARCH_MAX_RESULTS), best match first, with `total`, the
    number of people who match, and `truncated`, True when more match than are shown (issue 5, fault 14: never say
    "20 records found" for 23 matches; ask for more detail instead). Each person shown carries `search_match`
    (people.lookup.Match: exact, score, reasons) and `search_in_basis` (whether the searcher may open the record)."""

    def __init__(self, items, *, total: int, truncated: bool | None = None):
        super().__init__(items)
        self.total = total
        self.truncated = total > len(items) if truncated is None else truncated


def person_search(
    *,
    actor,
    name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    age: int | None = None,
    identifier_type: str = "",
    identifier: str = "",
    rate_limited: bool = True,
) -> SearchResults:
    """Find people by an identifier (NHS number, UPN, PNC ID: any spacing), or by at least two of a name, a date of
    birth and a postcode, or by a first and last name with an approximate age (SECURITY-TESTS.md SR-1; the rules
    and what a name matches: people.lookup). Best match first; at most OPENMASH_SEARCH_MAX_RESULTS (20) shown, with
    the true number of matches (`total`) and whether the list was cut (`truncated`).

    Who is listed is access.search.search_listing_allowed: everyone the searcher may open (the hub: everyone), and
    someone they may not open only when a given name, a family name AND the date of birth typed all agree with that
    person (attacker review of issue 7: a surname and a postcode, or a date of birth and a postcode, listed who lives
    at an address or was born on a day; one word of a name with a date of birth completed the name; ADR 0009
    addendum 3). Anyone else matched is not listed, counted or audited as a result (the "search" event's
    ``withheld`` says how many, for the auditor). What each result shows is access.fields.person_search_fields
    (someone the searcher has no basis for: name, date of birth, sex only).

    Raises PermissionDenied (role may not search), RateLimited (past OPENMASH_SEARCH_RATE_PER_MINUTE: audited, hub
    managers alerted; people.search_limits) and ValidationFailed (a bad value, or too little to search by, keyed by
    field). Every search is audited with the items used (never their values) and each person shown.
    ``rate_limited=False`` is for trusted code that is not a person at a keyboard (the demo seed replays a year of
    intake searches in a minute); the pages and the API never pass it."""
    require(actor, "person.search")
    if rate_limited:
        search_rate_check(actor)
    return _person_search(
        actor=actor,
        name=name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        age=age,
        identifier_type=identifier_type,
        identifier=identifier,
    )


@transaction.atomic
def _person_search(*, actor, name, date_of_birth, postcode, age, identifier_type, identifier) -> SearchResults:
    today = timezone.localdate()
    terms = search_terms_check(
        name=name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        age=age,
        identifier_type=identifier_type,
        identifier=identifier,
        today=today,
    )
    found = people_lookup(terms, today=today)
    # THE listing rule (access.search): someone the searcher may not open is listed only when the name and the date
    # of birth typed both agree with them; everyone else matched is left out before anything is counted, cut or
    # shown, so the count, "more than 20" and the pages say nothing of them (attacker review of issue 7)
    listed_ids, viewable = search_people_listed(actor, {m.person_id: m.name_and_dob_agree for m in found.matches})
    by_id = {m.person_id: m for m in found.matches}
    matches = [by_id[pid] for pid in listed_ids]
    limit = settings.OPENMASH_SEARCH_MAX_RESULTS
    top = matches[:limit]
    # the people shown with their NHS number and current postcode read over their clusters (a number held only by
    # a person merged into them is theirs: practitioner review of issue 6, finding 1), in one query; then the agency
    # records joined into them, in one more, so each value is resolved as the person's page resolves it
    # (people.summary.resolve through access.fields.person_minimum_details)
    cluster = Q(person=OuterRef("pk")) | Q(person__merged_into=OuterRef("pk"))
    nhs = (
        PersonIdentifier.objects.filter(cluster, identifier_type="nhs_number")
        .order_by(F("person__merged_into").asc(nulls_first=True), "created_at")
        .values("value")[:1]
    )
    postcode = (
        Address.objects.filter(cluster)
        .order_by(F("end_date").asc(nulls_first=True), F("start_date").desc(nulls_last=True))
        .values("postcode")[:1]
    )
    loaded = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[m.person_id for m in top]).annotate(
            search_nhs=Subquery(nhs), search_postcode=Subquery(postcode)
        )
    }
    for p in loaded.values():
        p.summary_records = []
    for record in (
        AgencyRecord.objects.filter(person_id__in=list(loaded))
        .select_related("agency")
        .only(
            "person_id",
            "agency__name",
            "given_name",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "upn",
            "postcode",
            "address",
            "received_at",
        )
        .order_by("received_at", "pk")
    ):
        loaded[record.person_id].summary_records.append(record)
    for match in top:  # "same date of birth" only when it is the date shown (issue 6 review, finding 1)
        person = loaded.get(match.person_id)
        if person is not None:
            match.reasons = dob_reasons_checked(match.reasons, terms.date_of_birth, person)
    shown = []
    for match in top:
        person = loaded.get(match.person_id)
        if person is not None:
            person.search_match = match
            person.search_in_basis = person.pk in viewable
            shown.append(person)
    total = len(matches)
    results = SearchResults(shown, total=total, truncated=total > len(shown) or found.capped)
    detail = {"by": terms.by, "results": len(results), "matches": total, "capped": found.capped}
    withheld = len(found.matches) - total
    if withheld:  # for the auditor (a searcher probing addresses or birthdays), never for the searcher
        detail["withheld"] = withheld
    audit_record_many(
        actor=actor,
        action="search_result",
        objects=results,
        lead={"action": "search", "object_type": "people.person", "detail": detail},
    )
    return results


def dob_reasons_checked(reasons: list[str], typed: dt.date | None, person) -> list[str]:
    """A search's reasons with "same date of birth" said truthfully when the joined records disagree on the date
    (practitioner review of issue 6, finding 1: a search by 4 November 2014 said "Same date of birth" for a child
    shown as born 11 April 2014). In: the match's reasons, the date typed and the person shown (with
    ``summary_records``). Out: the reasons, the date reason reworded to name the agency whose record holds the date
    typed and say the agencies disagree, when the date typed is not the date shown. Pure."""
    from openmash.people.lookup import DOB_REASON
    from openmash.people.summary import dob_disagreement

    if typed is None or person.date_of_birth in (None, typed):
        return list(reasons)
    held = dict((date, agency) for agency, date in dob_disagreement(person.date_of_birth, person.summary_records))
    if typed not in held:
        return list(reasons)
    said = f"date of birth as {held[typed]} holds it (agencies disagree on the date of birth)"
    return [said if r in (DOB_REASON["exact"], DOB_REASON["transposed"]) else r for r in reasons]


def search_result_view(actor, person) -> dict:
    """One search result as both the API and the pages show it: ``id``, ``viewable`` (the searcher may open the
    record), the details access.fields.person_search_fields allows (``fields``: their names, in column order;
    ``details``: their values, "" when not known), and the match: ``exact``, ``score``, ``reasons`` (plain words).
    In: a person from person_search (carrying search_match and search_in_basis)."""
    in_basis = getattr(person, "search_in_basis", False)
    details = person_search_details(
        actor,
        person,
        in_basis=in_basis,
        postcode=getattr(person, "search_postcode", None) or "",
        nhs_number=getattr(person, "search_nhs", None) or "",
    )
    match = person.search_match
    return {
        "id": person.pk,
        "viewable": in_basis,
        "fields": list(details),
        "details": details,
        "exact": match.exact,
        "score": round(match.score, 2),
        "reasons": list(match.reasons) if in_basis else no_basis_reasons(match.reasons),
    }


#: the reason a search gives for a date of birth when the joined records disagree and the searcher may not open the
#: person: which agency holds the date would tell them an agency knows the child
NO_BASIS_DOB_REASON = "date of birth as one record holds it"


def no_basis_reasons(reasons: list[str]) -> list[str]:
    """A search's reasons as told to someone who may not open the person (attacker review of issue 7, finding B):
    never where the person lives ("same postcode": the searcher learns the person lives at the postcode they tried,
    a field the no-basis result does not show) and never which agency holds a record (the date-of-birth reason that
    names an agency when the records disagree). In: the match's reasons. Out: the reasons left, in order. Pure."""
    from openmash.people.lookup import POSTCODE_REASON

    out = []
    for reason in reasons:
        if reason == POSTCODE_REASON or "postcode" in reason or "address" in reason:
            continue
        out.append(NO_BASIS_DOB_REASON if reason.startswith("date of birth as ") else reason)
    return out


@transaction.atomic
def person_chronology(*, actor, person_id) -> tuple[Person, list[ChronologyEntry]]:
    """The whole chronology of the resolved person `person_id` belongs to: every entry recorded against anyone in
    the cluster (contacts, decisions, allocations, imported events, ...) that the actor may see
    (access.policy.chronology_sensitivities: sealed entries stay in the hub), newest first, each with its agency and
    the agency record it came from. Out: (resolved Person, entries). NotFound unless the actor may see the full
    record. Audited ("view", reason "chronology"). The paged, filtered reading is people.chronology.chronology_read."""
    requested = person_get_for(actor, person_id)
    person = requested if requested.merged_into_id is None else Person.objects.get(pk=requested.merged_into_id)
    shown = chronology_sensitivities(actor, person)
    if not shown or not person_full_record_allowed(actor, person):
        raise NotFound()
    cluster = person_cluster_ids(person)
    entries = list(
        chronology_entries_visible(
            actor, ChronologyEntry.objects.filter(chronology_entries_q(shown), person_id__in=cluster)
        )
        .select_related("agency", "record", "record__agency")
        .order_by("-occurred_at", "pk")
    )
    audit_record(actor=actor, action="view", obj=person, reason="chronology")
    return person, entries


def open_allocation_for(person_ids):
    """The first open allocation with a worker of any of the people, read over their clusters (a child merged with
    an allocated child is that child: ADR 0005). None when there is none. Two queries: the people's resolved ids
    first, then the allocations of everyone in those clusters. (As one statement, "id IN (roots) OR merged_into IN
    (roots)" over a subquery of roots made SQLite and PostgreSQL read every person: the planner expects most rows
    to share merged_into = NULL; with the roots written out it takes the two indexes.)"""
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    from openmash.enquiries.models import CaseAllocation

    ids = list(person_ids)
    if not ids:
        return None
    roots = list(
        Person.objects.filter(pk__in=ids)
        .annotate(root=Coalesce("merged_into", "pk"))
        .values_list("root", flat=True)
        .distinct()
    )
    if not roots:
        return None
    cluster = Person.objects.filter(Q(pk__in=roots) | Q(merged_into__in=roots)).values("pk")
    return (
        CaseAllocation.objects.filter(person_id__in=cluster, closed_at__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("opened_at")
        .first()
    )


def child_statuses(person) -> list:
    """The child protection plans, looked-after status and child in need plans held about a resolved person (over
    their cluster when ``person.picture`` is attached), newest first, with the holding agency. Not audited: the
    caller shows them as part of the person it audited (person_get). Who sees them is access.field_table's
    "statuses" group (the hub, the allocated worker)."""
    from openmash.people.models import ChildStatus

    picture = getattr(person, "picture", None)
    ids = [p.pk for p in picture.people] if picture is not None else [person.pk]
    return list(
        ChildStatus.objects.filter(person_id__in=ids).select_related("source_agency").order_by("-start_date", "pk")
    )
