"""Reading the audit trail: the auditor's filters, and the names and references shown instead of raw ids.

Only the auditor may read the trail (`audit.view` in openmash/access/policy.py). The auditor sees which person,
contact, enquiry, request and user each event is about, by name or reference, so that "who looked at this child"
can be answered; the auditor does not see case records themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from openmash.access.policy import require
from openmash.audit.models import AuditEvent, AuditEventContact
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
    """Events about the people, or about anything in a contact they are part of."""
    from openmash.contacts.models import ContactPerson

    contact_ids = list(ContactPerson.objects.filter(person_id__in=person_ids).values_list("contact_id", flat=True))
    return Q(object_type=PERSON, object_id__in=person_ids) | _records_of_contacts(contact_ids)


def _records_of_contacts(contact_ids) -> Q:
    """Events about the contacts or anything that belongs to them: the AuditEventContact index written with each
    event (openmash.audit.contacts), plus the contact's own events."""
    linked = AuditEventContact.objects.filter(contact_id__in=contact_ids).values("event_id")
    return Q(object_type=CONTACT, object_id__in=[str(i) for i in contact_ids]) | Q(id__in=linked)


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
    request_id: str = "",
) -> QuerySet:
    """The events matching every filter given, newest first (a lazy queryset: page it or stream it).

    person_id / nhs_number: events about the person or anything in a contact they are in; contact_reference: events
    about that contact or anything that belongs to it (openmash.audit.contacts: its enquiry, requests, answers,
    case notes, strategy discussions, referrals, allocations, ...); username: the acting user;
    agency_code and action: exact; date_from / date_to: calendar days in Europe/London, both inclusive;
    object_type, object_id and request_id (the request's id, core.requestid): exact.
    """
    from openmash.contacts.models import Contact

    require(actor, "audit.view")
    qs = AuditEvent.objects.all()
    if person_id or nhs_number:
        people = person_ids_for(actor=actor, person_id=person_id, nhs_number=nhs_number)
        qs = qs.filter(_records_of_people(people)) if people else qs.none()
    if contact_reference:
        contact_ids = list(Contact.objects.filter(reference=contact_reference).values_list("pk", flat=True))
        qs = qs.filter(_records_of_contacts(contact_ids)) if contact_ids else qs.none()
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
    if request_id:
        qs = qs.filter(request_id=request_id)
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
    _other_records(events, records)
    user_ids = {e.actor_user_id for e in events if e.actor_user_id} | {int(i) for i in valid(USER)}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    for i in valid(USER):
        if int(i) in users:
            records[USER, i] = f"User {users[int(i)]}"
    codes = {e.agency_code for e in events if e.agency_code}
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    return {"records": records, "users": users, "agencies": agencies}


#: What the trail calls a kind of record, where the model's own name is not plain English.
RECORD_NOUNS = {
    "audit.auditevent": "Audit trail",
    "accounts.apitoken": "API token",
    "accounts.membership": "Role",
    "enquiries.agencyresponse": "Agency answer",
    "enquiries.agencyresponserevision": "Earlier version of an agency answer",
    "enquiries.caseallocation": "Allocation",
    "enquiries.earlyhelprequest": "Early help request",
    "enquiries.ragchange": "RAG rating change",
    "contacts.contactperson": "Person named in a contact",
    "contacts.contactchange": "Change to a contact",
    "contacts.encompassnotice": "Operation Encompass notice",
    "contacts.intakedraft": "Unfinished contact (draft)",
    "people.searchkey": "Search index",
}


def record_noun(object_type: str) -> str:
    """A kind of record in plain English ("Case note" for casework.casenote), never a raw model name."""
    from django.apps import apps

    if object_type in RECORD_NOUNS:
        return RECORD_NOUNS[object_type]
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.rpartition(".")[2].replace("_", " ")
    return name[:1].upper() + name[1:] if name else "Record"


def _other_records(events, records: dict) -> None:
    """Labels for the events whose record is not a person, contact, enquiry, request or user: the kind of record,
    and the contact it belongs to ("Case note on C-2026-000123") from the AuditEventContact index. One query."""
    from openmash.contacts.models import Contact

    rest = [e for e in events if e.object_type and (e.object_type, e.object_id) not in records]
    if not rest:
        return
    links = defaultdict(set)
    for event_id, reference in (
        AuditEventContact.objects.filter(event_id__in=[e.id for e in rest if e.object_id])
        .annotate(reference=Subquery(Contact.objects.filter(pk=OuterRef("contact_id")).values("reference")[:1]))
        .values_list("event_id", "reference")
    ):
        if reference:
            links[event_id].add(reference)
    for e in rest:
        noun = record_noun(e.object_type)
        refs = sorted(links.get(e.id, ()))
        if e.object_type in (PERSON, CONTACT, ENQUIRY, REQUEST, USER) and e.object_id:
            label = f"{noun} (no longer on record)" if e.object_type != PERSON else "Person (no longer on record)"
        else:
            label = f"{noun} on {', '.join(refs)}" if refs else noun
        records.setdefault((e.object_type, e.object_id), label)


def agencies_list(*, actor):
    from openmash.accounts.models import Agency

    require(actor, "audit.view")
    return list(Agency.objects.order_by("name"))


def denied_recent_count(*, actor, days: int = 7) -> int:
    """How many requests were refused (`deny` events) in the last `days` days, for the auditor's home page. Counts
    only: who and what are on the trail. Raises PermissionDenied for anyone but the auditor (`audit.view`)."""
    from django.utils import timezone

    require(actor, "audit.view")
    since = timezone.now() - dt.timedelta(days=days)
    return AuditEvent.objects.filter(at__gte=since, action="deny").count()


# --- oversight of who looked (issue 7): read by the MASH managers and the privacy officer ---------------------------

#: The actions that show a person's record (or part of it) to someone: what "who has seen this child's record" lists.
PERSON_SEEN_ACTIONS = ("view", "list", "search_result", "export", "break_glass")


def person_seen_events(*, actor, person_ids) -> QuerySet:
    """Every event in which someone was shown the people `person_ids` (a person's cluster): views, list rows,
    search results, exports and break-glass uses (PERSON_SEEN_ACTIONS), newest first (a lazy queryset). For the MASH
    managers and the privacy officer only (access.policy.access_history_allowed, or `subject_access.export` for the
    subject access export; PermissionDenied otherwise)."""
    from openmash.access.policy import access_history_allowed, can
    from openmash.core.exceptions import PermissionDenied

    if not (access_history_allowed(actor) or can(actor, "subject_access.export")):
        raise PermissionDenied("You do not have permission to do that.")
    ids = [str(i) for i in person_ids]
    return AuditEvent.objects.filter(object_type=PERSON, object_id__in=ids, action__in=PERSON_SEEN_ACTIONS).order_by(
        "-id"
    )


def person_view_events(*, actor, date_from=None, date_to=None, agency_code: str = "") -> QuerySet:
    """Views of person records by a signed-in user (`view` events on people.person), newest first, within a range of
    UK calendar days and optionally one agency: what the privacy officer's report of views without an involvement
    checks (`privacy.review`; PermissionDenied otherwise). A lazy queryset."""
    require(actor, "privacy.review")
    qs = AuditEvent.objects.filter(action="view", object_type=PERSON, actor_user_id__isnull=False)
    if agency_code:
        qs = qs.filter(agency_code=agency_code)
    start, end = day_bounds(date_from, date_to, fields=("date_from", "date_to"))
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-id")
