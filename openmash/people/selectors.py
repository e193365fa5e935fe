"""Reads of people. Every read of personal data is audited here, in the same transaction as the read."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from openmash.access.policy import people_visible, person_full_record_allowed, person_get_for, require
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.core.text import normalise_name
from openmash.people.identifiers import identifier_normalise
from openmash.people.models import Address, ChronologyEntry, Person, PersonAlias, PersonIdentifier, Relationship


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


@transaction.atomic
def person_get(*, actor, person_id) -> Person:
    person = person_get_for(actor, person_id, qs=_with_relationships(people_visible(actor)))
    audit_record(actor=actor, action="view", obj=person)
    return person


def _search_filter(*, name: str, date_of_birth: dt.date | None, identifier_type: str, identifier: str) -> Q:
    if identifier:
        try:
            value = identifier_normalise(identifier_type or "nhs_number", identifier)
        except ValueError as exc:
            raise ValidationFailed("Check the identifier", errors={"identifier": [str(exc)]}) from None
        ids = PersonIdentifier.objects.filter(identifier_type=identifier_type or "nhs_number", value=value)
        return Q(pk__in=ids.values("person_id"))
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
    q = Q(pk__in=ids)
    if len(parts) > 1:
        q &= Q(forename_norm__startswith=parts[0])
    return q


@transaction.atomic
def person_search(
    *, actor, name: str = "", date_of_birth: dt.date | None = None, identifier_type: str = "", identifier: str = ""
) -> list[Person]:
    """Find people by name + date of birth, or by an identifier. At most 20 results.

    Hub staff search everyone; other professionals may search at intake (they already hold these details) and
    see only the minimum identifying details of exact matches.
    """
    require(actor, "person.search")
    criteria = _search_filter(
        name=name, date_of_birth=date_of_birth, identifier_type=identifier_type, identifier=identifier
    )
    results = list(
        _with_details(Person.objects.filter(criteria).distinct()).order_by("surname", "forename")[
            : settings.OPENMASH_SEARCH_MAX_RESULTS
        ]
    )
    audit_record(
        actor=actor,
        action="search",
        object_type="people.person",
        detail={"by": "identifier" if identifier else "name_dob", "results": len(results)},
    )
    audit_record_many(actor=actor, action="search_result", objects=results)
    return results


@transaction.atomic
def person_chronology(*, actor, person_id) -> tuple[Person, list[ChronologyEntry]]:
    person = person_get_for(actor, person_id)
    if not person_full_record_allowed(actor, person):
        raise NotFound()
    entries = list(ChronologyEntry.objects.filter(person=person).select_related("agency").order_by("-occurred_at"))
    audit_record(actor=actor, action="view", obj=person, reason="chronology")
    return person, entries


def open_allocation_for(person_ids):
    from openmash.enquiries.models import CaseAllocation

    return (
        CaseAllocation.objects.filter(person_id__in=person_ids, closed_at__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("opened_at")
        .first()
    )
