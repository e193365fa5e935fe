"""Reads of people. Every read of personal data is audited here, in the same transaction as the read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from openmash.access.policy import (
    people_in_clusters,
    people_visible,
    person_full_record_allowed,
    person_get_for,
    require,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.core.text import normalise_name
from openmash.people.identifiers import identifier_is_placeholder, identifier_normalise
from openmash.people.linking import person_cluster_ids
from openmash.people.models import (
    Address,
    AgencyRecord,
    ChronologyEntry,
    LinkState,
    Person,
    PersonAlias,
    PersonIdentifier,
    RecordLink,
    Relationship,
)
from openmash.people.validation import search_date_check


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
    if rel.asserted_at:
        local = timezone.localtime(rel.asserted_at)
        when = f" on {local.day} {local:%B %Y}"
    state = "screened" if relationship_established(rel) else "not yet screened"
    return f"Asserted by contact {contact.reference}, {agency}{when}, {state}"


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
    `person_get` (prefetched, no queries). Each item: other_person (Person), description (e.g. "Alleged
    perpetrator of Ann Smith" / "Dean Smith: alleged perpetrator"), claim ("Dean Smith is alleged perpetrator of
    Ann Smith"), relationship_type, direction ("from"/"to"),
    established (bool), source (text), source_contact_reference, source_agency, asserted_at."""
    rows = []
    for rel in person.relationships_from.all():
        other = rel.related_person
        rows.append((rel, other, "from", f"{rel.get_relationship_type_display()} of {other.full_name}"))
    for rel in person.relationships_to.all():
        other = rel.person
        rows.append((rel, other, "to", f"{other.full_name}: {rel.get_relationship_type_display().lower()}"))
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

    @property
    def merged(self) -> list:
        return self.people[1:]

    @property
    def people_with_agencies(self) -> list[tuple]:
        """[(person, "County Police, Oakfield Primary School")]: each person of the cluster with the agencies whose
        records were first attached to them."""
        names: dict = {}
        for r in self.records:
            names.setdefault(r.origin_person_id, []).append(r.agency.name)
        return [(p, ", ".join(dict.fromkeys(names.get(p.pk, [])))) for p in self.people]


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
    merged-away id (the pages redirect). Audited: a "view" of the resolved person and of each person merged into
    them. NotFound when the actor may not open the person (people_visible is closed under merging)."""
    requested = person_get_for(actor, person_id, qs=people_visible(actor))
    cluster = person_cluster_ids(requested)
    people = {p.pk: p for p in _with_relationships(Person.objects.filter(pk__in=cluster))}
    ordered = [people[pk] for pk in cluster if pk in people]
    person = ordered[0]
    person.picture = _picture(ordered)
    audit_record(actor=actor, action="view", obj=person)
    if len(ordered) > 1:
        audit_record_many(actor=actor, action="view", objects=ordered[1:], reason="merged into the person viewed")
    return person


def _search_filter(*, name: str, date_of_birth: dt.date | None, identifier_type: str, identifier: str) -> Q:
    if identifier:
        try:
            value = identifier_normalise(identifier_type or "nhs_number", identifier)
        except ValueError as exc:
            raise ValidationFailed("Check the identifier", errors={"identifier": [str(exc)]}) from None
        if identifier_is_placeholder(identifier_type or "nhs_number", value):
            return Q(pk__in=[])  # a placeholder (stored before fault 10 was fixed) never links anyone
        ids = PersonIdentifier.objects.filter(identifier_type=identifier_type or "nhs_number", value=value)
        return Q(pk__in=ids.values("person_id"))
    if date_of_birth is not None:
        try:
            search_date_check(date_of_birth, today=timezone.localdate())
        except ValueError as exc:
            raise ValidationFailed("Check the date of birth", errors={"date_of_birth": [str(exc)]}) from None
    parts = [normalise_name(p) for p in (name or "").split() if normalise_name(p)]
    if not parts or date_of_birth is None:
        raise ValidationFailed(
            "Search needs a name and date of birth, or an identifier",
            errors={"name": ["Enter a name and a date of birth, or search by an identifier"]},
        )
    surname = parts[-1]
    dob_q = Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
    # Two indexed lookups (current surname; any alias surname) instead of one OR across a join, which would stop
    # both databases using the (surname, date of birth) index.
    cap = 10 * settings.OPENMASH_SEARCH_MAX_RESULTS
    ids = set(Person.objects.filter(dob_q, surname_norm=surname).values_list("pk", flat=True)[:cap])
    alias_people = PersonAlias.objects.filter(surname_norm=surname).values("person_id")
    ids |= set(Person.objects.filter(dob_q, pk__in=alias_people).values_list("pk", flat=True)[:cap])
    if len(parts) == 1:
        # A person known by one name may have it recorded as their first name only.
        ids |= set(
            Person.objects.filter(dob_q, forename_norm=surname, surname_norm="").values_list("pk", flat=True)[:cap]
        )
        return Q(pk__in=ids)
    q = Q(pk__in=ids)
    if len(parts) > 1:
        q &= Q(forename_norm__startswith=parts[0])
    return q


class SearchResults(list):
    """The people shown for a search (at most OPENMASH_SEARCH_MAX_RESULTS), with `total`, the number of people who
    match, and `truncated`, True when more match than are shown (issue 5, fault 14: never say "20 records found"
    for 23 matches; ask for more detail instead)."""

    def __init__(self, items, *, total: int):
        super().__init__(items)
        self.total = total
        self.truncated = total > len(items)


@transaction.atomic
def person_search(
    *, actor, name: str = "", date_of_birth: dt.date | None = None, identifier_type: str = "", identifier: str = ""
) -> list[Person]:
    """Find people by name + date of birth, or by an identifier. At most OPENMASH_SEARCH_MAX_RESULTS (20) shown;
    the returned SearchResults also carries the true number of matches (`total`) and whether it was cut
    (`truncated`).

    Hub staff search everyone; other professionals may search at intake (they already hold these details) and
    see only the minimum identifying details of exact matches.
    """
    require(actor, "person.search")
    criteria = _search_filter(
        name=name, date_of_birth=date_of_birth, identifier_type=identifier_type, identifier=identifier
    )
    limit = settings.OPENMASH_SEARCH_MAX_RESULTS
    shown = list(
        _with_details(Person.objects.filter(criteria).distinct()).order_by("surname", "forename", "id")[:limit]
    )
    total = len(shown) if len(shown) < limit else Person.objects.filter(criteria).distinct().count()
    results = SearchResults(shown, total=total)
    audit_record(
        actor=actor,
        action="search",
        object_type="people.person",
        detail={"by": "identifier" if identifier else "name_dob", "results": len(results), "matches": total},
    )
    audit_record_many(actor=actor, action="search_result", objects=results)
    return results


@transaction.atomic
def person_chronology(*, actor, person_id) -> tuple[Person, list[ChronologyEntry]]:
    """The chronology of the resolved person `person_id` belongs to: every entry recorded against anyone in the
    cluster (contacts, decisions, allocations, imported events, ...), newest first, each with its agency and the
    agency record it came from. Out: (resolved Person, entries). NotFound unless the actor may see the full record.
    Audited ("view", reason "chronology")."""
    requested = person_get_for(actor, person_id)
    person = requested if requested.merged_into_id is None else Person.objects.get(pk=requested.merged_into_id)
    if not person_full_record_allowed(actor, person):
        raise NotFound()
    cluster = person_cluster_ids(person)
    entries = list(
        ChronologyEntry.objects.filter(person_id__in=cluster)
        .select_related("agency", "record", "record__agency")
        .order_by("-occurred_at", "pk")
    )
    audit_record(actor=actor, action="view", obj=person, reason="chronology")
    return person, entries


def open_allocation_for(person_ids):
    """The first open allocation with a worker of any of the people, read over their clusters (a child merged with
    an allocated child is that child: ADR 0005). None when there is none."""
    from openmash.enquiries.models import CaseAllocation

    return (
        CaseAllocation.objects.filter(
            person_id__in=people_in_clusters(list(person_ids)), closed_at__isnull=True, worker__isnull=False
        )
        .select_related("worker")
        .order_by("opened_at")
        .first()
    )
