"""Reading the audit trail: the auditor's filters, and the names and references shown instead of raw ids.

Only the auditor may read the trail (`audit.view` in openmash/access/policy.py). The auditor sees which person,
contact, enquiry, request and user each event is about, by name or reference, so that "who looked at this child"
can be answered; the auditor does not see case records themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from openmash.access.policy import require
from openmash.audit.models import AuditEvent
from openmash.core.pagination import day_bounds

PERSON, CONTACT, ENQUIRY, REQUEST, USER = (
    "people.person",
    "contacts.contact",
    "enquiries.enquiry",
    "enquiries.agencyrequest",
    "accounts.user",
)


def person_ids_for(*, actor, person_id: str = "", nhs_number: str = "") -> list[str]:
    """The person record ids a filter names: the id itself if it exists, or the people holding the NHS number."""
    from openmash.people.models import Person, PersonIdentifier

    require(actor, "audit.view")
    if person_id:
        return [str(pk) for pk in Person.objects.filter(pk=person_id).values_list("pk", flat=True)]
    if nhs_number:
        rows = PersonIdentifier.objects.filter(identifier_type="nhs_number", value=nhs_number)
        return sorted({str(pk) for pk in rows.values_list("person_id", flat=True)})
    return []


def _records_of_people(person_ids: list[str]) -> Q:
    """Events about the people, or about a contact, enquiry or agency request they are part of."""
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import AgencyRequest, Enquiry

    contact_ids = list(ContactPerson.objects.filter(person_id__in=person_ids).values_list("contact_id", flat=True))
    return Q(object_type=PERSON, object_id__in=person_ids) | _records_of_contacts(contact_ids, Enquiry, AgencyRequest)


def _records_of_contacts(contact_ids, Enquiry, AgencyRequest) -> Q:  # noqa: N803 (models passed in)
    enquiry_ids = list(Enquiry.objects.filter(contact_id__in=contact_ids).values_list("pk", flat=True))
    request_ids = list(AgencyRequest.objects.filter(enquiry_id__in=enquiry_ids).values_list("pk", flat=True))
    return (
        Q(object_type=CONTACT, object_id__in=[str(i) for i in contact_ids])
        | Q(object_type=ENQUIRY, object_id__in=[str(i) for i in enquiry_ids])
        | Q(object_type=REQUEST, object_id__in=[str(i) for i in request_ids])
    )


def audit_event_search(
    *,
    actor,
    person_id: str = "",
    nhs_number: str = "",
    contact_reference: str = "",
    username: str = "",
    agency_code: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    object_type: str = "",
    object_id: str = "",
) -> QuerySet:
    """The events matching every filter given, newest first (a lazy queryset: page it or stream it).

    person_id / nhs_number: events about the person or any contact, enquiry or agency request they are in;
    contact_reference: events about that contact, its enquiry and its agency requests; username: the acting user;
    agency_code and action: exact; date_from / date_to: calendar days in Europe/London, both inclusive.
    """
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import AgencyRequest, Enquiry

    require(actor, "audit.view")
    qs = AuditEvent.objects.all()
    if person_id or nhs_number:
        people = person_ids_for(actor=actor, person_id=person_id, nhs_number=nhs_number)
        qs = qs.filter(_records_of_people(people)) if people else qs.none()
    if contact_reference:
        contact_ids = list(Contact.objects.filter(reference=contact_reference).values_list("pk", flat=True))
        qs = qs.filter(_records_of_contacts(contact_ids, Enquiry, AgencyRequest)) if contact_ids else qs.none()
    if username:
        qs = qs.filter(actor_username=username)
    if agency_code:
        qs = qs.filter(agency_code=agency_code)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    start, end = day_bounds(date_from, date_to, fields=("date_from", "date_to"))  # bounded: never an overflow
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-id")


#: The most matching events the trail page counts; above it the page says "more than 10,000".
COUNT_CAP = 10_000


@dataclass(frozen=True)
class TrailPage:
    """One page of the audit trail, newest first, paged by event id (keyset paging: any page costs the same, and
    nothing counts the whole table). `older` / `newer`: the event id to page from (pass as `before` / `after`),
    None at the end; `matching`: how many events match the filters (at most COUNT_CAP + 1; None without filters,
    so the size of the whole trail is neither computed nor shown)."""

    events: list
    older: int | None
    newer: int | None
    matching: int | None

    @property
    def more_than_cap(self) -> bool:
        return self.matching is not None and self.matching > COUNT_CAP


def _cursor(value, *, lowest: int = 1) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if lowest <= number < 2**63 else None


def audit_trail_page(*, actor, qs: QuerySet, before=None, after=None, size: int = 50, count: bool = True) -> TrailPage:
    """A page of `qs` (audit_event_search's queryset): the newest `size` events, or those just older than event
    `before`, or just newer than event `after` (ids from a previous page; after=0 is the oldest page; junk is
    ignored). With `count`, the
    number of matching events is counted up to COUNT_CAP + 1 (a bounded count; the caller counts only filtered
    trails). Each query is "WHERE filters AND id < n ORDER BY id DESC LIMIT size + 1", served by an index on a
    filter column and id (AuditEvent.Meta.indexes)."""
    require(actor, "audit.view")
    before, after = _cursor(before), _cursor(after, lowest=0)  # after=0: the oldest page
    rows = list(qs.filter(id__gt=after).order_by("id")[: size + 1]) if after is not None and before is None else []
    if rows:
        newer = rows[size - 1].id if len(rows) > size else None
        events = list(reversed(rows[:size]))
        older = events[-1].id if events and qs.filter(id__lt=events[-1].id).exists() else None
    else:
        scoped = qs.filter(id__lt=before) if before is not None else qs
        rows = list(scoped.order_by("-id")[: size + 1])
        events = rows[:size]
        older = events[-1].id if len(rows) > size else None
        newer = events[0].id if before is not None and events and qs.filter(id__gt=events[0].id).exists() else None
    matching = qs.order_by()[: COUNT_CAP + 1].count() if count else None
    return TrailPage(events=events, older=older, newer=newer, matching=matching)


def audit_event_list(*, actor, object_type: str = "", object_id: str = "", username: str = "", limit: int = 200):
    """The newest events, optionally for one record or one user (kept for callers of the first increment)."""
    qs = audit_event_search(actor=actor, object_type=object_type, object_id=object_id, username=username)
    return list(qs[:limit])


def audit_labels(*, actor, events) -> dict:
    """Names and references for the events' records, users and agencies, in a fixed number of queries:
    {"records": {(object_type, object_id): label}, "users": {user_id: name}, "agencies": {code: name}}."""
    from openmash.accounts.models import Agency, User
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import AgencyRequest, Enquiry
    from openmash.people.models import Person

    require(actor, "audit.view")
    ids: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.object_id:
            ids[e.object_type].add(e.object_id)
    records: dict[tuple[str, str], str] = {}

    def valid(kind):  # object ids are free text: keep what can be a primary key of that table
        import uuid

        out = []
        for i in ids.get(kind, ()):
            try:
                out.append(str(uuid.UUID(i)) if kind != USER else str(int(i)))
            except ValueError:
                continue
        return out

    for p in Person.objects.filter(pk__in=valid(PERSON)):
        records[PERSON, str(p.pk)] = p.full_name or "Unnamed person"
    for c in Contact.objects.filter(pk__in=valid(CONTACT)).only("pk", "reference"):
        records[CONTACT, str(c.pk)] = f"Contact {c.reference}"
    for e in Enquiry.objects.filter(pk__in=valid(ENQUIRY)).select_related("contact").only("pk", "contact__reference"):
        records[ENQUIRY, str(e.pk)] = f"Enquiry on {e.contact.reference}"
    for r in (
        AgencyRequest.objects.filter(pk__in=valid(REQUEST))
        .select_related("agency", "enquiry__contact")
        .only("pk", "agency__name", "enquiry__contact__reference")
    ):
        records[REQUEST, str(r.pk)] = f"Request to {r.agency.name} on {r.enquiry.contact.reference}"
    user_ids = {e.actor_user_id for e in events if e.actor_user_id} | {int(i) for i in valid(USER)}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    for i in valid(USER):
        if int(i) in users:
            records[USER, i] = f"User {users[int(i)]}"
    codes = {e.agency_code for e in events if e.agency_code}
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    return {"records": records, "users": users, "agencies": agencies}


def agencies_list(*, actor):
    from openmash.accounts.models import Agency

    require(actor, "audit.view")
    return list(Agency.objects.order_by("name"))
