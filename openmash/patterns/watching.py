"""The watch-list's news (issue 8; ADR 0015): a watched child's new events tell the hub in-app, and a watched child
whose contacts in twelve months reach OPENMASH_WATCH_ESCALATE_CONTACTS is escalated, wherever the event or the
contact came from.

- ``watch_after_contact(actor, contact, children)``: a contact recorded about children (the API, the intake page,
  a flag accepted into a contact; ``contacts.services.contact_create``, in its transaction). The escalation check
  of each watched child, then one notification per hub member (screeners and managers:
  ``access.policy.memberships_allowed("flag.view")``) about the contact, saying so when it escalated a watch.
- ``watch_after_import(actor, batch)``: after an import has committed (``feeds.services``). Each watched child the
  batch brought events about (over the child's cluster: ``Person.merged_into``): one notification per hub member
  for the whole batch, however many rows, then the escalation check (imported contacts and referrals count).
- ``watch_escalate_if_due(actor, watch, contact=None)``: the escalation check (also after screening out:
  ``decisions_extra.watch_on_screen_out``). Once per watch (``Watch.escalated_at``): the hub's managers are told.

Notifications (``enquiries.Notification``, linked to a watch by ``WatchDelivery``) hold references only, never personal
data, and say what happened in a screener's words (practitioners' review: a watch code meant nothing): "New contact
C-... is about a child on the watch-list". A contact's notice names the contact (the home page links it to the
contact, or the enquiry made from it); an import's links to the child's chronology for those who may open it. One
notice per recipient per event: a contact about two watched children, or a manager told both of the contact and of
the escalation it caused, gets one. Every notice is audited (``watch.notify``, ``watch.escalate``: ids and counts
only).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from openmash.access.policy import memberships_allowed
from openmash.audit.services import audit_record
from openmash.enquiries.models import Notification
from openmash.patterns.models import Watch, WatchDelivery

logger = logging.getLogger(__name__)


def _current_watches(root_ids) -> list[Watch]:
    roots = [r for r in root_ids if r]
    if not roots:
        return []
    today = timezone.localdate()
    return list(
        Watch.objects.filter(child_id__in=roots, ended_at__isnull=True, until__gte=today).order_by("child_id", "-until")
    )


def _one_per_child(watches: list[Watch]) -> list[Watch]:
    seen: dict = {}
    for w in watches:
        seen.setdefault(w.child_id, w)
    return list(seen.values())


def _users(action: str) -> list:
    users = {m.user_id: m.user for m in memberships_allowed(action).select_related("user")}
    return [users[k] for k in sorted(users)]


def _notify(watch: Watch, users, message: str, contact=None) -> int:
    """One notification per user (repeats told once) about `watch` (and `contact`, or None), each linked to the
    watch. Returns how many."""
    unique = {u.pk: u for u in users}
    notes = [Notification(user=unique[k], contact=contact, message=message[:200]) for k in sorted(unique, key=str)]
    Notification.objects.bulk_create(notes)
    WatchDelivery.objects.bulk_create([WatchDelivery(notification=n, watch=watch) for n in notes])
    return len(notes)


def _tell_hub(actor, watches: list[Watch], message_for, source: str) -> int:
    if not watches:
        return 0
    users = _users("flag.view")
    for watch in watches:
        told = _notify(watch, users, message_for(watch))
        audit_record(actor=actor, action="watch.notify", obj=watch, detail={"source": source, "told": told})
    return len(watches)


def _escalated_text(threshold: int) -> str:
    return f"who has had {threshold} or more contacts in twelve months, so the watch is escalated"


def watch_escalate_if_due(*, actor, watch: Watch, contact=None, notify: bool = True) -> bool:
    """Escalate `watch` when the child's contacts in twelve months (``selectors.contacts_in_year``: recorded and
    imported) reach OPENMASH_WATCH_ESCALATE_CONTACTS and it was not escalated yet: the hub's managers are told
    in-app (about the contact when there is one, linked to it; else linked to the child's chronology), unless
    `notify` is false (the caller tells them in its own notice). Returns whether it escalated now."""
    from openmash.patterns.selectors import contacts_in_year

    threshold = int(getattr(settings, "OPENMASH_WATCH_ESCALATE_CONTACTS", 3))
    if watch.escalated_at is not None or contacts_in_year(watch.child_id) < threshold:
        return False
    now = timezone.now()
    if not Watch.objects.filter(pk=watch.pk, escalated_at__isnull=True).update(escalated_at=now):
        return False  # escalated by another writer meanwhile
    watch.escalated_at = now
    if notify:
        about = (
            f"Contact {contact.reference} is about a child on the watch-list"
            if contact is not None
            else "A child on the watch-list"
        )
        _notify(watch, _users("enquiry.decide"), f"{about}, {_escalated_text(threshold)}", contact=contact)
    audit_record(actor=actor, action="watch.escalate", obj=watch, detail={"threshold": threshold})
    return True


def watch_after_contact(*, actor, contact, children) -> int:
    """A contact was recorded about `children` (Person objects): check each watched child's escalation, then tell
    the hub once about the contact (managers' notice says when it escalated a watch). Returns how many watched
    children there were. One query when none is watched."""
    roots = {p.merged_into_id or p.pk for p in children}
    watches = _one_per_child(_current_watches(roots))
    if not watches:
        return 0
    escalated = [w for w in watches if watch_escalate_if_due(actor=actor, watch=w, contact=contact, notify=False)]
    threshold = int(getattr(settings, "OPENMASH_WATCH_ESCALATE_CONTACTS", 3))
    managers = {u.pk for u in _users("enquiry.decide")} if escalated else set()
    many = len(watches) > 1
    plain = f"New contact {contact.reference} is about {'children' if many else 'a child'} on the watch-list"
    everyone = {u.pk: u for u in _users("flag.view")}
    everyone.update({u.pk: u for u in _users("enquiry.decide")} if escalated else {})
    told_escalated = [u for k, u in everyone.items() if k in managers]
    told = [u for k, u in everyone.items() if k not in managers]
    for w in watches:  # the watches' audit trail: which were told about this contact
        audit_record(
            actor=actor,
            action="watch.notify",
            obj=w,
            detail={"source": "contact", "told": len(told) + len(told_escalated)},
        )
    first = escalated[0] if escalated else watches[0]
    _notify(first, told_escalated, f"{plain}, {'one ' if many else ''}{_escalated_text(threshold)}", contact=contact)
    _notify(watches[0], told, plain, contact=contact)
    return len(watches)


def watch_after_import(*, actor, batch) -> int:
    """An import batch has committed: tell the hub once about each watched child it brought events about, then
    check the child's escalation. Returns how many watched children had news. Reads only the watched children's
    own chronologies (by person), whatever the size of the batch."""
    from openmash.people.models import ChronologyEntry, Person

    watches = _one_per_child(
        list(
            Watch.objects.filter(ended_at__isnull=True, until__gte=timezone.localdate()).order_by("child_id", "-until")
        )
    )
    if not watches:
        return 0
    by_child = {w.child_id: w for w in watches}
    members = dict(
        Person.objects.filter(Q(pk__in=list(by_child)) | Q(merged_into_id__in=list(by_child))).values_list(
            "pk", "merged_into_id"
        )
    )
    touched = set(
        ChronologyEntry.objects.filter(
            person_id__in=list(members), object_type="feeds.importbatch", object_id=str(batch.pk)
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    news = [by_child[r] for r in sorted({members[p] or p for p in touched}) if r in by_child]
    _tell_hub(
        actor,
        news,
        lambda w: "New records were imported about a child on the watch-list",
        "import",
    )
    for watch in news:
        watch_escalate_if_due(actor=actor, watch=watch)
    return len(news)


__all__ = ["watch_after_contact", "watch_after_import", "watch_escalate_if_due"]
