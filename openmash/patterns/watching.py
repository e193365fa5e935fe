"""The watch-list's news (issue 8; ADR 0015): a watched child's new events tell the hub in-app, and a watched child
whose contacts in twelve months reach OPENMASH_WATCH_ESCALATE_CONTACTS is escalated, wherever the event or the
contact came from.

- ``watch_after_contact(actor, contact, children)``: a contact recorded about children (the API, the intake page,
  a flag accepted into a contact; ``contacts.services.contact_create``, in its transaction). Each watched child:
  one notification per hub member (screeners and managers: ``access.policy.memberships_allowed("flag.view")``)
  naming the contact's reference and the watch's, then the escalation check.
- ``watch_after_import(actor, batch)``: after an import has committed (``feeds.services``). Each watched child the
  batch brought events about (over the child's cluster: ``Person.merged_into``): one notification per hub member
  for the whole batch, however many rows, then the escalation check (imported contacts and referrals count).
- ``watch_escalate_if_due(actor, watch, contact=None)``: the escalation check (also after screening out:
  ``decisions_extra.watch_on_screen_out``). Once per watch (``Watch.escalated_at``): the hub's managers are told.

Notifications (``enquiries.Notification``, linked to the watch by ``WatchDelivery`` so the home page opens the child's
chronology for those who may) hold references only, never personal data: "Contact C-... is about a watched child
(watch W-...)". Every notice is audited (``watch.notify``, ``watch.escalate``: ids and counts only).
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


def _notify(watch: Watch, users, message: str) -> int:
    """One notification per user about `watch`, each linked to it. Returns how many."""
    notes = [Notification(user=u, contact=None, message=message[:200]) for u in users]
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


def watch_escalate_if_due(*, actor, watch: Watch, contact=None) -> bool:
    """Escalate `watch` when the child's contacts in twelve months (``selectors.contacts_in_year``: recorded and
    imported) reach OPENMASH_WATCH_ESCALATE_CONTACTS and it was not escalated yet: the hub's managers are told
    in-app (the contact's reference, else the watch's). Returns whether it escalated now."""
    from openmash.patterns.selectors import contacts_in_year

    threshold = int(getattr(settings, "OPENMASH_WATCH_ESCALATE_CONTACTS", 3))
    if watch.escalated_at is not None or contacts_in_year(watch.child_id) < threshold:
        return False
    now = timezone.now()
    if not Watch.objects.filter(pk=watch.pk, escalated_at__isnull=True).update(escalated_at=now):
        return False  # escalated by another writer meanwhile
    watch.escalated_at = now
    about = f"Contact {contact.reference}" if contact is not None else f"Watch {watch.reference}"
    _notify(
        watch,
        _users("enquiry.decide"),
        f"{about}: the child has had {threshold} or more contacts in twelve months and is escalated on the watch-list",
    )
    audit_record(actor=actor, action="watch.escalate", obj=watch, detail={"threshold": threshold})
    return True


def watch_after_contact(*, actor, contact, children) -> int:
    """A contact was recorded about `children` (Person objects): tell the hub about each watched one, then check its
    escalation. Returns how many watched children there were. One query when none is watched."""
    roots = {p.merged_into_id or p.pk for p in children}
    watches = _one_per_child(_current_watches(roots))
    _tell_hub(
        actor,
        watches,
        lambda w: (
            f"Contact {contact.reference} is about a watched child (watch {w.reference}). "
            "Open it in OpenMASH to see it."
        ),
        "contact",
    )
    for watch in watches:
        watch_escalate_if_due(actor=actor, watch=watch, contact=contact)
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
        lambda w: (
            f"New events were imported about a watched child (watch {w.reference}). Open it in OpenMASH to see them."
        ),
        "import",
    )
    for watch in news:
        watch_escalate_if_due(actor=actor, watch=watch)
    return len(news)


__all__ = ["watch_after_contact", "watch_after_import", "watch_escalate_if_due"]
