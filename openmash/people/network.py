"""The family network of a child (issue 6, "The picture"): who lives with whom, and the adults around the child,
each with their relevant history (counts of chronology entries by kind, open involvement with services).

Who appears, and how much of each person's history, is decided by openmash.access.policy (chronology_sensitivities
for the entry counts, involvement_visible for open involvement, people_visible_ids for whether the actor may see a
person at all); this module reads, counts and audits (one "view" per person shown, reason "family network").
The diagram and the table beside it on the page are drawn from the same FamilyNetwork (web.network_svg).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from openmash.access.policy import (
    chronology_entries_q,
    chronology_sensitivities,
    involvement_visible,
    people_in_clusters,
    people_visible_ids,
)
from openmash.access.sharing import chronology_entry_held
from openmash.audit.services import audit_record_many
from openmash.core.exceptions import NotFound
from openmash.people.chronology import (
    SIGNIFICANT_KINDS,
    household_members,
    kind_choices,
    resolved_person_get,
)
from openmash.people.linking import person_cluster_ids
from openmash.people.models import ChronologyEntry, Person, Relationship
from openmash.people.names import names_resolve

#: Contact statuses that mean the MASH or an allocated worker is handling the contact now.
_OPEN_CONTACT_STATUSES = ("awaiting_screening", "in_enquiry", "strategy", "with_allocated_worker")


@dataclass
class NetworkPerson:
    """One person in the network: the resolved ``person``; ``is_child`` for the child the network is about;
    ``lives_with_child`` and its ``basis`` (household_members); ``relationships``: [(label, established)] to the
    child, in words ("Parent or carer"), with whether it is established (False: an unscreened contact's claim);
    ``history``: [(kind label, count)] of the chronology entries the actor may see, most first; ``entries`` and
    ``significant`` their totals; ``involvement``: open involvement in words (empty when none, or when the actor
    may not see it: ``involvement_shown`` False)."""

    person: Person
    is_child: bool = False
    lives_with_child: bool = False
    basis: list = field(default_factory=list)
    relationships: list = field(default_factory=list)
    history: list = field(default_factory=list)
    entries: int = 0
    significant: int = 0
    involvement: list = field(default_factory=list)
    involvement_shown: bool = False

    @property
    def age(self) -> int | None:
        born = self.person.date_of_birth
        if born is None:
            return None
        today = timezone.localdate()
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class FamilyNetwork:
    """The child first, then the people who live with them, then the other people around them."""

    child: Person
    people: list

    @property
    def household(self) -> list:
        return [p for p in self.people if p.is_child or p.lives_with_child]

    @property
    def around(self) -> list:
        return [p for p in self.people if not (p.is_child or p.lives_with_child)]


def _relationships(cluster: list) -> dict:
    """{other resolved person id: [(label, established)]} for the child's current relationships, both ways."""
    from openmash.people.selectors import relationship_established, relationship_role

    out: dict = {}
    rels = Relationship.objects.filter(
        Q(person_id__in=cluster) | Q(related_person_id__in=cluster), end_date__isnull=True
    ).select_related("source_contact__screening", "person", "related_person")
    for rel in rels:
        towards = rel.person_id in cluster  # the child is `person`: the child is <type> of the other
        other = rel.related_person if towards else rel.person
        if other.pk in cluster:
            continue
        # the other person's role towards the child, in the same words as the person page ("Parent or carer",
        # "Sibling", "Child" when the child holds the role: people.selectors.relationship_role)
        role = relationship_role(rel, held=towards)
        words = role[:1].upper() + role[1:]
        key = other.merged_into_id or other.pk
        item = (words, relationship_established(rel))
        if item not in out.setdefault(key, []):
            out[key].append(item)
    return out


def _history(person_ids: list, sensitivities, sealed_held: bool = True) -> tuple[list, int, int]:
    """(kind label, count) most first, the number of entries and of significant ones; a sealed entry whose words
    are held from the reader (`sealed_held`: access.sharing.chronology_entry_held) counts as "Sealed record",
    never by its kind (the kind is part of what is sealed)."""
    labels = {**dict(kind_choices()), "sealed": "Sealed record"}
    counts: Counter = Counter()
    rows = (
        ChronologyEntry.objects.filter(chronology_entries_q(sensitivities), person_id__in=person_ids)
        .values("kind", "event_kind", "sensitivity")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = row["event_kind"] if row["kind"] == "event" and row["event_kind"] else row["kind"]
        if sealed_held and chronology_entry_held(None, row["sensitivity"]):
            key = "sealed"
        counts[key] += row["n"]
    history = [(labels.get(k, k.replace("_", " ").capitalize()), n) for k, n in counts.most_common()]
    significant = sum(n for k, n in counts.items() if k in SIGNIFICANT_KINDS)
    return history, sum(counts.values()), significant


def _involvement(person_ids: list) -> list[str]:
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation

    out = []
    if CaseAllocation.objects.filter(person_id__in=person_ids, closed_at__isnull=True).exists():
        out.append("Open to children's social care")
    contacts = (
        ContactPerson.objects.filter(person_id__in=person_ids, contact__status__in=_OPEN_CONTACT_STATUSES)
        .values("contact_id")
        .distinct()
        .count()
    )
    if contacts:
        out.append(f"Named in {contacts} contact{'s' if contacts != 1 else ''} being handled now")
    return out


@transaction.atomic
def family_network(*, actor, person_id) -> FamilyNetwork:
    """The family network of the resolved child `person_id` belongs to: the child, the people they live with
    (people.chronology.household_members) and everyone else in a current relationship with them (including claims
    of contacts not yet screened, marked so), each with their history as the actor may see it. People the actor
    may not see (access.policy.people_visible) are left out entirely.

    Raises NotFound unless the actor may see the child's chronology (the hub and the allocated worker). Audited: one
    "view" per person shown (each person of each cluster), reason "family network"."""
    child = resolved_person_get(actor, person_id)
    if not chronology_sensitivities(actor, child):
        raise NotFound()
    cluster = person_cluster_ids(child)
    lives = {m.person.pk: m for m in household_members(child, cluster)}
    rels = _relationships(cluster)
    others = list(dict.fromkeys([*lives, *rels]))
    loaded = {p.pk: p for p in Person.objects.filter(pk__in=others)}
    names_resolve(loaded.values())  # everyone's resolved name, in one query (people.names, finding 2)
    visible = people_visible_ids(actor, list(loaded))
    people = [NetworkPerson(person=child, is_child=True)]
    for pid in others:
        p = loaded.get(pid)
        if p is None:
            continue
        shown = chronology_sensitivities(actor, child, member=p, member_visible=pid in visible)
        if not shown:
            continue
        m = lives.get(pid)
        people.append(
            NetworkPerson(
                person=p,
                lives_with_child=m is not None,
                basis=list(m.basis) if m else [],
                relationships=rels.get(pid, []),
            )
        )
    audited = []
    sealed_held = chronology_entry_held(actor, "sealed")
    for np in people:
        ids = person_cluster_ids(np.person) if not np.is_child else cluster
        member = None if np.is_child else np.person
        sensitivities = chronology_sensitivities(actor, child, member=member, member_visible=True)
        np.history, np.entries, np.significant = _history(ids, sensitivities, sealed_held)
        np.involvement_shown = involvement_visible(actor, child, member=member)
        if np.involvement_shown:
            np.involvement = _involvement(ids)
        audited += ids
    people[1:] = sorted(
        people[1:],
        key=lambda n: (not n.lives_with_child, n.person.kind != "adult", n.person.date_of_birth or dt.date.max),
    )
    audit_record_many(
        actor=actor,
        action="view",
        objects=list(Person.objects.filter(pk__in=people_in_clusters(audited)).order_by("created_at", "pk")),
        reason="family network",
        detail={"child_id": str(child.pk), "people": len(people)},
    )
    return FamilyNetwork(child=child, people=people)


__all__ = ["FamilyNetwork", "NetworkPerson", "family_network"]
