"""Writing audit events. Call inside the same transaction as the action being audited."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from openmash.audit.contacts import contact_ids_for, contact_path
from openmash.audit.models import AuditEvent, AuditEventContact
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
    events = [e for group, _, _ in held for e in group]
    if not events:
        return
    AuditEvent.objects.bulk_create(events)
    rows: list[AuditEventContact] = []
    for group, objects, extra in held:
        if objects is not None:
            rows += _contact_rows(group, objects=objects, extra=extra, earlier=rows)
    if rows:
        AuditEventContact.objects.bulk_create(rows)


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
    membership = getattr(actor, "membership", None)
    event = AuditEvent(
        at=timezone.now(),
        actor_user_id=getattr(user, "pk", None),
        actor_username=getattr(user, "username", "") or username[:150],
        agency_code=getattr(getattr(membership, "agency", None), "code", ""),
        role=getattr(membership, "role", ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason[:500],
        request_id=current_request_id(),
        client_request_id=current_client_request_id(),
        detail=detail or {},
    )
    objects = {(object_type, str(object_id)): obj} if obj is not None else {}
    held = _held.get()
    if held is not None:
        held.append(([event], objects, contacts))
        return event
    event.save()
    _contacts_link([event], objects=objects, extra=contacts)
    return event


def _contacts_link(events, *, objects: dict, extra=()) -> None:
    """Write the AuditEventContact rows of `events` (already saved): the contacts their records belong to."""
    rows = _contact_rows(events, objects=objects, extra=extra)
    if rows:
        AuditEventContact.objects.bulk_create(rows)


def _contact_rows(events, *, objects: dict, extra=(), earlier=()) -> list[AuditEventContact]:
    """The AuditEventContact rows of `events` (already saved): the contacts their records belong to. `earlier`:
    rows not yet written of events before these (an ``audit_batch``), which count as earlier events' contacts."""
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
            known[pair] |= {str(r.contact_id) for r in earlier if (r.event.object_type, r.event.object_id) == pair}
    extra_ids = {str(getattr(c, "pk", c)) for c in extra or ()}
    return [
        AuditEventContact(event=e, contact_id=c)
        for e in events
        for c in sorted(known.get((e.object_type, e.object_id), set()) | extra_ids)
    ]


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
    AuditEvent.objects.bulk_create(rows)
    if linked:
        _contacts_link(rows, objects=by_key)
    return len(rows)


def audit_count_recent(*, user_id, action: str, seconds: int) -> int:
    """How many events of `action` the user caused in the last `seconds` (UTC clock), counted in the trail itself,
    so every process and worker of the service sees the same number (the search rate limit uses it). One index
    seek on (actor_user_id, action, at). Reads counts only, never event content."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return AuditEvent.objects.filter(actor_user_id=user_id, action=action, at__gte=since).count()
