"""Writing audit events: the only writer of the audit trail (AuditEvent) and its contact index (AuditEventContact).
Call inside the same transaction as the action being audited (SECURITY-TESTS.md LG-2).

Every event gets its id before it is inserted and carries ``mac``, the HMAC-SHA256 (the audit MAC key, outside the
database: openmash.core.keys) of its canonical bytes, the contacts it is indexed to included
(openmash.audit.canonical), so a row written or changed by someone holding only the database does not verify. The
ids come from the table's own sequence: on PostgreSQL ``nextval`` for the whole batch in one query (the transaction
is given its id first, which the sealer relies on: openmash.audit.chain); on SQLite the writer holds the database's
write lock (``transaction_mode`` IMMEDIATE), so the next ids are the highest stored plus one. No lock is shared
between writers: two requests auditing at once never wait for each other here. Sealing the events into the chain is
done later, outside the request, by ``openmash.audit.chain.audit_seal``.

A test (openmash/audit/tests/test_one_writer.py) fails when any other module writes these tables.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from openmash.audit.canonical import at_text, detail_clean, event_mac, event_message, mac_of
from openmash.audit.contacts import contact_ids_for, contact_path
from openmash.audit.models import AuditEvent, AuditEventContact
from openmash.core.keys import keyring
from openmash.core.requestid import current_client_request_id, current_request_id

#: The events held by the innermost `audit_batch` block of this thread or task: [(events, objects, extra)], or None.
_held: ContextVar[list | None] = ContextVar("openmash_audit_batch", default=None)


@contextmanager
def audit_batch():
    """Hold the events recorded inside this block (by ``audit_record`` and ``audit_record_many``) and write them when
    it ends, in one INSERT, with their contact index in one more: for one write that audits several things (a new
    contact audits its people, their agency records and itself). Use it inside the write's ``transaction.atomic``,
    so the events are saved with the change or not at all; if the block raises, nothing held is written (the
    transaction rolls back with it). A block inside another joins the outer one. An event recorded inside has no
    id until the block ends. Events keep their order and their own ``at`` time."""
    if _held.get() is not None:
        yield
        return
    held: list = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    events: list[AuditEvent] = []
    contacts: list[set[str]] = []
    for group, objects, extra in held:
        if objects is not None:
            found = _contacts_for(group, objects=objects, extra=extra, earlier=list(zip(events, contacts, strict=True)))
        else:
            found = [set() for _ in group]
        events += group
        contacts += found
    if events:
        _events_write(events, contacts)


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    detail: dict | None = None,
    username: str = "",
    user=None,
    contacts=(),
) -> AuditEvent:
    """Record one event. actor may be an Actor; or None, then pass the signed-in `user` (no active role) or, for
    anonymous events such as a failed sign-in, the `username` attempted. `contacts`: contacts (or their ids) the
    record belongs to that its model cannot say (openmash.audit.contacts); the contact of any record that hangs off
    a contact is found without it. Returns the saved AuditEvent."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = getattr(actor, "user", None) or user
    event = _event(actor, user, username, timezone.now(), action, object_type, object_id, reason[:500], detail)
    objects = {(object_type, str(object_id)): obj} if obj is not None else {}
    held = _held.get()
    if held is not None:
        held.append(([event], objects, contacts))
        return event
    _events_write([event], _contacts_for([event], objects=objects, extra=contacts))
    return event


def _event(actor, user, username: str, at, action, object_type, object_id, reason: str, detail) -> AuditEvent:
    """One unsaved AuditEvent by `actor` (its user, else `user`, else the attempted `username`), with the request's
    ids: what ``audit_record`` and ``audit_record_each`` write."""
    membership = getattr(actor, "membership", None)
    return AuditEvent(
        at=at,
        actor_user_id=getattr(user, "pk", None),
        actor_username=getattr(user, "username", "") or username[:150],
        agency_code=getattr(getattr(membership, "agency", None), "code", ""),
        role=getattr(membership, "role", ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        request_id=current_request_id(),
        client_request_id=current_client_request_id(),
        detail=detail or {},
    )


def audit_record_each(*, actor, items, username: str = "") -> list[AuditEvent]:
    """Record one event per ``(action, object_type, object_id, detail)`` in `items`, each about a record that belongs
    to no contact (a flag just raised by an evaluation): the events ``audit_record`` would record, in one INSERT
    (held by an enclosing ``audit_batch`` like the others), without looking up each record's contacts, which costs two
    queries an event (issue 8 speed target: thousands of flags raised in one evaluation). `actor` and `username` as
    for ``audit_record``. Returns the events (their ids set once written)."""
    user = getattr(actor, "user", None)
    now = timezone.now()
    events = [
        _event(actor, user, username, now, action, object_type, object_id, "", detail)
        for action, object_type, object_id, detail in items
    ]
    if not events:
        return events
    held = _held.get()
    if held is not None:
        held.append((events, None, ()))  # no objects: no contacts looked up
    else:
        _events_write(events, [set() for _ in events])
    return events


def _contacts_for(events, *, objects: dict, extra=(), earlier=()) -> list[set[str]]:
    """The ids of the contacts the records of `events` (not yet written) belong to, one set per event, as text.
    `earlier`: (event, contact ids) of events before these not yet written (an ``audit_batch``), which count as
    earlier events' contacts."""
    pairs = {(e.object_type, e.object_id) for e in events if e.object_type and e.object_id}
    known: dict[tuple[str, str], set[str]] = {}
    ask = set()
    for pair in pairs:
        path, obj = contact_path(pair[0]), objects.get(pair)
        if path is None:
            continue
        if obj is not None and path == "pk":
            known[pair] = {str(obj.pk)}
        elif obj is not None and "__" not in path:  # one hop: the foreign key's value is on the object
            value = getattr(obj, f"{path}_id", None)
            known[pair] = {str(value)} if value is not None else set()
        else:
            ask.add(pair)
    known.update(contact_ids_for(ask))
    for pair in pairs:  # a record whose path is empty (an allocation from the pack page): earlier events' contacts
        if contact_path(pair[0]) is not None and not known.get(pair) and not extra:
            stored = AuditEventContact.objects.filter(event__object_type=pair[0], event__object_id=pair[1])
            known[pair] = {str(c) for c in stored.values_list("contact_id", flat=True).distinct()}
            known[pair] |= {c for e, ids in earlier if (e.object_type, e.object_id) == pair for c in ids}
    extra_ids = {str(getattr(c, "pk", c)) for c in extra or ()}
    return [{str(uuid.UUID(c)) for c in known.get((e.object_type, e.object_id), set()) | extra_ids} for e in events]


def _ids_allocate(count: int) -> list[int]:
    """`count` new event ids, ascending, from the trail's own sequence. PostgreSQL: nextval, after giving the
    transaction its id (pg_current_xact_id), so the sealer can tell when every transaction holding an id it has not
    seen has ended (openmash.audit.chain). SQLite: the caller holds the write lock (a transaction begun IMMEDIATE),
    so no other writer can take the same ids. One query either way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval((SELECT pg_get_serial_sequence('audit_auditevent', 'id'))::regclass) "
                "FROM generate_series(1, %s) WHERE pg_current_xact_id() IS NOT NULL",
                [count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")
        top = cursor.fetchone()[0]
    return list(range(top + 1, top + 1 + count))


def _transaction():
    """The caller's transaction when there is one (the audit is part of the action: LG-2), otherwise a short one of
    our own (a denial audited after its request's transaction, a sign-in), so ids and rows are written together."""
    return nullcontext() if connection.in_atomic_block else transaction.atomic()


def _events_write(events: list[AuditEvent], contacts: list[set[str]]) -> None:
    """Give `events` their ids and MACs and insert them (one INSERT), then their contact index (one more). The MAC
    key is read first: without it nothing is written and the caller's transaction fails (fail closed)."""
    key = keyring().audit_mac()
    with _transaction():
        rows: list[AuditEventContact] = []
        for event, new_id, ids in zip(events, _ids_allocate(len(events)), contacts, strict=True):
            event.id = new_id
            event.detail = detail_clean(event.detail)
            event.mac = event_mac(key, event, ids)
            rows += [AuditEventContact(event_id=new_id, contact_id=uuid.UUID(c)) for c in sorted(ids)]
        AuditEvent.objects.bulk_create(events)
        if rows:
            AuditEventContact.objects.bulk_create(rows)


def audit_record_many(
    *, actor, action: str, objects, reason: str = "", detail: dict | None = None, lead: dict | None = None
) -> int:
    """Record one event per object in a single INSERT (lists and searches).

    ``lead``: one more event written first in the same INSERT, for the action the objects came from, as
    ``{"action", "object_type", "detail"}`` (a search and its results: ``search`` then one ``search_result`` per
    person listed). Returns the number of events written."""
    user, membership = actor.user, actor.membership
    now = timezone.now()
    rid, client_rid = current_request_id(), current_client_request_id()

    def event(act, object_type, object_id, event_detail):
        return AuditEvent(
            at=now,
            actor_user_id=user.pk,
            actor_username=user.username,
            agency_code=membership.agency.code,
            role=membership.role,
            action=act,
            object_type=object_type,
            object_id=object_id,
            reason=reason[:500],
            request_id=rid,
            client_request_id=client_rid,
            detail=event_detail or {},
        )

    rows = [event(lead["action"], lead.get("object_type", ""), "", lead.get("detail"))] if lead else []
    objects = list(objects)
    rows += [event(action, o._meta.label_lower, str(o.pk), detail) for o in objects]
    linked = bool(objects) and contact_path(objects[0]._meta.label_lower) is not None
    by_key = {(o._meta.label_lower, str(o.pk)): o for o in objects} if linked else None
    held = _held.get()
    if held is not None:
        held.append((rows, by_key, ()))
        return len(rows)
    found = _contacts_for(rows, objects=by_key) if linked else [set() for _ in rows]
    if rows:
        _events_write(rows, found)
    return len(rows)


def audit_count_recent(*, user_id, action: str, seconds: int) -> int:
    """How many events of `action` the user caused in the last `seconds` (UTC clock), counted in the trail itself,
    so every process and worker of the service sees the same number (the search rate limit uses it). One index
    seek on (actor_user_id, action, at). Reads counts only, never event content."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return AuditEvent.objects.filter(actor_user_id=user_id, action=action, at__gte=since).count()


#: The fields of one event given to ``audit_bulk_write``, in this order.
BULK_FIELDS = (
    "at",
    "actor_user_id",
    "actor_username",
    "agency_code",
    "role",
    "action",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "client_request_id",
    "detail",
)
_BULK_COLUMNS = ("id", *BULK_FIELDS, "mac")


def audit_bulk_write(rows: Iterable[tuple], *, batch: int = 20_000) -> int:
    """Write many synthetic events fast, with the same protection as ``audit_record``: for the demo's and the
    benchmarks' bulk datasets only (openmash.demo.bulk, ``openmash bench audit``), never for live use. ``rows``: tuples
    of the values of BULK_FIELDS (``at`` a datetime, taken as UTC when naive; ``detail`` a dict of JSON data), in the
    order the ids should rise. Each batch of ``batch`` rows gets its ids from the sequence (as ``_ids_allocate``), its
    MACs, and one COPY (PostgreSQL) or executemany INSERT (SQLite), in a transaction of its own (or the caller's).
    No contact index rows. Returns the number of events written. Memory: one batch."""
    key = keyring().audit_mac()
    written = 0
    it = iter(rows)
    while chunk := list(islice(it, batch)):
        with transaction.atomic():
            out = []
            for new_id, row in zip(_ids_allocate(len(chunk)), chunk, strict=True):
                at, user_id, username, agency, role, action, object_type, object_id, reason, rid, crid, detail = row
                username, object_id, reason, detail = username[:150], str(object_id), reason[:500], detail_clean(detail)
                message = event_message(
                    new_id, at_text(at), user_id, username, agency, role, action, object_type, object_id, reason,
                    rid, crid, detail, [],
                )  # fmt: skip
                out.append(
                    (new_id, at, user_id, username, agency, role, action, object_type, object_id, reason, rid, crid,
                     json.dumps(detail), mac_of(key, message))
                )  # fmt: skip
            _bulk_insert(out)
        written += len(chunk)
    return written


def _bulk_insert(rows: list[tuple]) -> None:
    columns = ", ".join(_BULK_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(_BULK_COLUMNS))
        cursor.executemany(
            f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})",  # nosec B608 - constant column names  # noqa: S608 (constant names)
            [(r[0], _sqlite_time(r[1]), *r[2:]) for r in rows],
        )


def _sqlite_time(at: dt.datetime) -> str:
    """As Django stores a datetime in SQLite: naive UTC text."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return str(at)
