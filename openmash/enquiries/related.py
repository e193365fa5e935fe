"""Related work: what the hub already has in hand about a contact's children, so that a new contact joins the work
under way instead of starting a parallel one (issue 6, "Duplicate work").

A contact's related work is, for each subject child (over the child's whole resolved cluster, ADR 0005):
- ``open_enquiry``: another contact about the child is in a MASH enquiry that is not yet decided;
- ``strategy``: another contact about the child went to a strategy discussion that is still to be decided on;
- ``open_case``: the child is open to children's social care (an open allocation, with or without a worker);
- ``recent_contact``: another contact about the child was received within ``RECENT_CONTACT_DAYS`` of this one
  (before or after it), whatever became of it;
- ``same_concern``: another agency raised the same concern (a concern category in common) about the child within
  ``SAME_CONCERN_DAYS`` of this contact (Working Together 2023, chapter 2: agencies should recognise when a
  concern has been raised by more than one agency, which is the cumulative picture a MASH exists to see).

Only the hub sees related work (``related.view``): telling a referrer that a child is in an enquiry or open to
social care would leak case status (issue 5, fault 6). A recorder is told only of their own recent contacts about
the same child (``own_recent_contacts``), which they already know.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Coalesce

from openmash.access.policy import require
from openmash.contacts.choices import CONCERN_CODES, ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactPerson
from openmash.enquiries.models import CaseAllocation
from openmash.people.models import Person

#: "a contact in the last 7 days" (issue 6): any other contact about the same child this close in time.
RECENT_CONTACT_DAYS = 7
#: How far apart two agencies' contacts naming the same concern are still "the same concern raised twice".
SAME_CONCERN_DAYS = 28

KIND_LABELS = {
    "open_enquiry": "In an open MASH enquiry",
    "strategy": "Strategy discussion under way",
    "open_case": "Open to children's social care",
    "recent_contact": "Another contact in the last 7 days",
    "same_concern": "Same concern raised by another agency",
}
# Most pressing first: work under way, then the open case, then other contacts.
_ORDER = {kind: n for n, kind in enumerate(KIND_LABELS)}


@dataclass
class RelatedItem:
    """One piece of related work. `contact_id`/`reference`/`agency_name`/`received_at` (UTC) describe the other
    contact (None for an ``open_case``); `enquiry_id` is set for ``open_enquiry``; `concerns` are the shared
    concern labels for ``same_concern``; `child_ids` are this contact's subject children it concerns; for an
    ``open_case``, `since` (UTC) and `worker_name` ("" while it waits for allocation)."""

    kind: str
    child_ids: list[uuid.UUID] = field(default_factory=list)
    contact_id: uuid.UUID | None = None
    reference: str = ""
    agency_name: str = ""
    received_at: dt.datetime | None = None
    enquiry_id: uuid.UUID | None = None
    concerns: list[str] = field(default_factory=list)
    since: dt.datetime | None = None
    worker_name: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _clusters(person_ids: set) -> dict[uuid.UUID, uuid.UUID]:
    """{person id: resolved person id} for every person in the clusters of `person_ids` (two indexed queries)."""
    if not person_ids:
        return {}
    roots = dict(
        Person.objects.filter(pk__in=person_ids).annotate(root=Coalesce("merged_into", "pk")).values_list("pk", "root")
    )
    members = dict(
        Person.objects.filter(Q(pk__in=set(roots.values())) | Q(merged_into__in=set(roots.values())))
        .annotate(root=Coalesce("merged_into", "pk"))
        .values_list("pk", "root")
    )
    return {**members, **roots}


def _subjects(contact_ids: list) -> dict[uuid.UUID, set]:
    subjects: dict[uuid.UUID, set] = defaultdict(set)
    rows = ContactPerson.objects.filter(contact_id__in=contact_ids, role=ContactPersonRole.SUBJECT)
    for contact_id, person_id in rows.values_list("contact_id", "person_id"):
        subjects[contact_id].add(person_id)
    return subjects


def _items_between(contact: Contact, other: Contact, child_ids: list) -> list[RelatedItem]:
    """What `other` (a contact about some of the same children) is to `contact`: work in hand, the same concern
    from another agency, or just another recent contact (or nothing, if neither in hand nor near in time)."""
    base = {
        "child_ids": child_ids,
        "contact_id": other.pk,
        "reference": other.reference,
        "agency_name": other.recording_agency.name,
        "received_at": other.received_at,
    }
    items: list[RelatedItem] = []
    gap = abs(other.received_at - contact.received_at)
    enquiry = getattr(other, "enquiry", None)
    if other.status == ContactStatus.IN_ENQUIRY and enquiry is not None:
        items.append(RelatedItem(kind="open_enquiry", enquiry_id=enquiry.pk, **base))
    elif other.status == ContactStatus.STRATEGY:
        items.append(RelatedItem(kind="strategy", **base))
    in_hand = bool(items)  # work under way says more than "another recent contact"
    common = [CONCERN_CODES.get(c, c) for c in contact.concern_codes or [] if c in (other.concern_codes or [])]
    if (
        common
        and other.recording_agency_id != contact.recording_agency_id
        and gap <= dt.timedelta(days=SAME_CONCERN_DAYS)
    ):
        items.append(RelatedItem(kind="same_concern", concerns=common, **base))
    elif gap <= dt.timedelta(days=RECENT_CONTACT_DAYS) and not in_hand:
        items.append(RelatedItem(kind="recent_contact", **base))
    return items


def related_work_for(contacts: list[Contact], *, subjects: dict | None = None) -> dict[uuid.UUID, list[RelatedItem]]:
    """{contact id: [RelatedItem, most pressing first]} for the given contacts (each needs `received_at`,
    `recording_agency_id` and `concern_codes` loaded). A fixed number of queries whatever the number of contacts
    (the screening queue calls it for a page). No access check: callers check ``related.view`` (see related_work).
    ``subjects`` ({contact id: {person id}}) stands in for the contacts' subject rows when a contact is not saved
    yet (intake's check-your-answers page: related_work_preview)."""
    if not contacts:
        return {}
    by_id = {c.pk: c for c in contacts}
    subjects = _subjects(list(by_id)) if subjects is None else subjects
    root_of = _clusters({p for ps in subjects.values() for p in ps})
    roots_of_contact = {cid: {root_of.get(p, p) for p in ps} for cid, ps in subjects.items()}
    all_roots = set().union(*roots_of_contact.values()) if roots_of_contact else set()
    members = [p for p, r in root_of.items() if r in all_roots]
    out: dict[uuid.UUID, list[RelatedItem]] = {cid: [] for cid in by_id}
    if not members:
        return out
    earliest = min(c.received_at for c in contacts) - dt.timedelta(days=SAME_CONCERN_DAYS)
    latest = max(c.received_at for c in contacts) + dt.timedelta(days=SAME_CONCERN_DAYS)
    in_hand = Q(status__in=(ContactStatus.IN_ENQUIRY, ContactStatus.STRATEGY))
    near = Q(received_at__gte=earliest, received_at__lte=latest)
    others = list(
        Contact.objects.filter(
            in_hand | near,
            pk__in=ContactPerson.objects.filter(person_id__in=members, role=ContactPersonRole.SUBJECT).values(
                "contact_id"
            ),
        )
        .select_related("recording_agency", "enquiry")
        .only(
            "id",
            "reference",
            "received_at",
            "status",
            "concern_codes",
            "recording_agency__name",
            "recording_agency_id",
            "enquiry__id",
            "enquiry__status",
        )
    )
    other_roots = {cid: {root_of.get(p, p) for p in ps} for cid, ps in _subjects([o.pk for o in others]).items()}
    allocations = list(
        CaseAllocation.objects.filter(person_id__in=members, closed_at__isnull=True)
        .select_related("worker")
        .order_by("opened_at")
    )
    for cid, contact in by_id.items():
        mine = roots_of_contact.get(cid, set())
        items: list[RelatedItem] = []
        children_of = {r: [p for p in subjects.get(cid, ()) if root_of.get(p, p) == r] for r in mine}
        for other in others:
            if other.pk == cid:
                continue
            shared = mine & other_roots.get(other.pk, set())
            if not shared:
                continue
            child_ids = sorted({c for r in shared for c in children_of[r]}, key=str)
            items += _items_between(contact, other, child_ids)
        for allocation in allocations:
            root = root_of.get(allocation.person_id, allocation.person_id)
            if root in mine:
                items.append(
                    RelatedItem(
                        kind="open_case",
                        child_ids=children_of[root],
                        since=allocation.opened_at,
                        worker_name=(allocation.worker.display_name or allocation.worker.username)
                        if allocation.worker
                        else "",
                    )
                )
        items.sort(key=lambda i: (_ORDER[i.kind], -(i.received_at or i.since).timestamp()))
        out[cid] = items
    return out


def related_work(*, actor, contact: Contact) -> list[RelatedItem]:
    """The related work of one contact the actor has already been allowed to open, most pressing first.
    Raises PermissionDenied unless the actor may see related work (``related.view``: the hub's screeners and
    managers)."""
    require(actor, "related.view")
    return related_work_for([contact])[contact.pk]


def related_work_preview(
    *, actor, person_ids: list, concern_codes: list, received_at: dt.datetime
) -> list[RelatedItem]:
    """The related work a contact about these existing people would have, before it is sent (practitioner review of
    issue 6, finding 7: the hub was told only after "Accept and send"). In: the existing people the contact names
    (its subject children), its concern codes and when it is received. Out: RelatedItem, most pressing first, as
    related_work gives for the saved contact. Raises PermissionDenied unless the actor may see related work
    (``related.view``: the hub; a referrer must not learn case status, issue 5 fault 6)."""
    require(actor, "related.view")
    if not person_ids:
        return []
    draft = Contact(
        received_at=received_at, recording_agency_id=actor.agency.pk, concern_codes=list(concern_codes or [])
    )
    return related_work_for([draft], subjects={draft.pk: set(person_ids)})[draft.pk]


def related_work_counts(*, actor, contacts: list[Contact]) -> dict[uuid.UUID, list[str]]:
    """{contact id: [kind, ...]} (distinct kinds, most pressing first) for a page of the screening queue; {} for an
    actor who may not see related work."""
    from openmash.access.policy import can

    if not can(actor, "related.view"):
        return {}
    return {cid: list(dict.fromkeys(i.kind for i in items)) for cid, items in related_work_for(contacts).items()}


def own_recent_contacts_by_person(
    *, actor, person_ids: list, received_at: dt.datetime, exclude=None
) -> dict[uuid.UUID, list[Contact]]:
    """``own_recent_contacts`` for each of several people at once, in three queries however many they are (a
    contact naming three children asks once, not three times): {person id: the actor's own contacts about anyone
    in that person's cluster received within RECENT_CONTACT_DAYS of `received_at` (UTC), newest first}. People
    with none are left out. `exclude`: a contact to leave out (the one being recorded)."""
    root_of = _clusters(set(person_ids))
    window = dt.timedelta(days=RECENT_CONTACT_DAYS)
    rows = ContactPerson.objects.filter(
        person_id__in=list(root_of),
        role=ContactPersonRole.SUBJECT,
        contact__recorded_by=actor.user,
        contact__received_at__gte=received_at - window,
        contact__received_at__lte=received_at + window,
    ).select_related("contact")
    if exclude is not None:
        rows = rows.exclude(contact_id=exclude.pk)
    by_root: dict[uuid.UUID, dict[uuid.UUID, Contact]] = defaultdict(dict)
    for row in rows:
        by_root[root_of[row.person_id]][row.contact_id] = row.contact
    found: dict[uuid.UUID, list[Contact]] = {}
    for pid in person_ids:
        contacts = by_root.get(root_of.get(pid))
        if contacts:
            found[pid] = sorted(contacts.values(), key=lambda c: c.received_at, reverse=True)
    return found


def own_recent_contacts(*, actor, person_ids: list, received_at: dt.datetime, exclude=None) -> list[Contact]:
    """The actor's own contacts (recorded by them) about any of these people (over their clusters) received within
    RECENT_CONTACT_DAYS of `received_at` (UTC), newest first: what intake may tell a referrer, who recorded them."""
    root_of = _clusters(set(person_ids))
    window = dt.timedelta(days=RECENT_CONTACT_DAYS)
    qs = Contact.objects.filter(
        recorded_by=actor.user,
        received_at__gte=received_at - window,
        received_at__lte=received_at + window,
        pk__in=ContactPerson.objects.filter(person_id__in=list(root_of), role=ContactPersonRole.SUBJECT).values(
            "contact_id"
        ),
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("-received_at"))
