"""Writing audit events. Call inside the same transaction as the action being audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openmash.audit.contacts import contact_ids_for, contact_path
from openmash.audit.models import AuditEvent, AuditEventContact
from openmash.core.requestid import current_client_request_id, current_request_id


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
    event = AuditEvent.objects.create(
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
    _contacts_link([event], objects={(object_type, str(object_id)): obj} if obj is not None else {}, extra=contacts)
    return event


def _contacts_link(events, *, objects: dict, extra=()) -> None:
    """Write the AuditEventContact rows of `events` (already saved): the contacts their records belong to."""
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
            earlier = AuditEventContact.objects.filter(event__object_type=pair[0], event__object_id=pair[1])
            known[pair] = {str(c) for c in earlier.values_list("contact_id", flat=True).distinct()}
    extra_ids = {str(getattr(c, "pk", c)) for c in extra or ()}
    rows = [
        AuditEventContact(event_id=e.pk, contact_id=c)
        for e in events
        for c in sorted(known.get((e.object_type, e.object_id), set()) | extra_ids)
    ]
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
    AuditEvent.objects.bulk_create(rows)
    if objects and contact_path(objects[0]._meta.label_lower) is not None:
        _contacts_link(rows, objects={(o._meta.label_lower, str(o.pk)): o for o in objects})
    return len(rows)


def audit_count_recent(*, user_id, action: str, seconds: int) -> int:
    """How many events of `action` the user caused in the last `seconds` (UTC clock), counted in the trail itself,
    so every process and worker of the service sees the same number (the search rate limit uses it). One index
    seek on (actor_user_id, action, at). Reads counts only, never event content."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return AuditEvent.objects.filter(actor_user_id=user_id, action=action, at__gte=since).count()
