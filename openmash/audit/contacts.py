"""Which contact an audited record belongs to, so the auditor can find a contact's whole trail by its reference.

Every event written through `openmash.audit.services` about a record that belongs to a contact (the contact itself,
its people, changes and Operation Encompass notices, its screening, enquiry, agency requests, answers and their
revisions, the decision, referrals, early-help requests, case notes, strategy discussions and their attendees and
actions, and allocations made from it) gets one `AuditEventContact` row per contact, written in the same
transaction as the event. The path from a record to its contact is found from the models' foreign keys
(`contact_path`), so a new kind of record that hangs off a contact is covered without a change here. A record whose
model has no path to a contact (an allocation opened from the pack page, say) inherits the contacts of the earlier
events about the same record, or the caller names the contact (`audit_record(contacts=...)`).

People, users and agencies are never followed, and records of the people, accounts and audit apps (a person's
agency records, relationships, aliases) never belong to a contact: a person is shared by many contacts, and the
person filter finds the events about them separately.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from functools import cache

CONTACT_LABEL = "contacts.contact"
#: Models that never make a record "belong" to a contact: shared across contacts.
NOT_FOLLOWED = {"people.person", "accounts.user", "accounts.agency", "accounts.membership", "audit.auditevent"}
#: Apps whose records belong to people, users or the trail, never to one contact.
NOT_CONTACT_APPS = {"people", "accounts", "audit"}
MAX_DEPTH = 5


def contact_path_for_model(model) -> str | None:
    """The ORM lookup from `model` to its contact's id ("pk" for a contact, "enquiry__contact" for an agency
    request), or None when the model does not belong to a contact. Breadth first over foreign keys and one-to-one
    fields, shortest path wins; people, users and agencies are not followed. Works on historical models too."""
    if model._meta.label_lower == CONTACT_LABEL:
        return "pk"
    if model._meta.app_label in NOT_CONTACT_APPS:
        return None
    frontier = [(model, "")]
    seen = {model._meta.label_lower}
    for _ in range(MAX_DEPTH):
        nxt = []
        for current, prefix in frontier:
            for field in current._meta.concrete_fields:
                if not field.is_relation or not field.many_to_one and not field.one_to_one:
                    continue
                related = field.related_model
                label = related._meta.label_lower
                path = f"{prefix}{field.name}"
                if label == CONTACT_LABEL:
                    return path
                if label in seen or label in NOT_FOLLOWED:
                    continue
                seen.add(label)
                nxt.append((related, f"{path}__"))
        frontier = nxt
    return None


@cache
def contact_path(label: str) -> str | None:
    """contact_path_for_model for a model label ("casework.casenote"); None for unknown labels."""
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return contact_path_for_model(model)


def _valid_pk(model, value: str):
    field = model._meta.pk
    try:
        if field.get_internal_type() == "UUIDField":
            return uuid.UUID(str(value))
        return field.to_python(value)
    except Exception:  # noqa: BLE001 (object ids are free text)
        return None


def contact_ids_for(pairs, *, apps=None) -> dict[tuple[str, str], set[str]]:
    """{(object_type, object_id): {contact id, ...}} for the given (object_type, object_id) pairs, one query per
    model (none for contacts themselves). Pairs whose model does not belong to a contact are left out."""
    if apps is None:
        from django.apps import apps
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        if object_type and object_id:
            by_type[object_type].add(object_id)
    found: dict[tuple[str, str], set[str]] = {}
    for object_type, ids in by_type.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        path = contact_path_for_model(model)
        if path is None:
            continue
        keys = {_valid_pk(model, i): i for i in ids}
        keys.pop(None, None)
        if path == "pk":
            for key, raw in keys.items():
                found[object_type, raw] = {str(key)}
            continue
        rows = model._default_manager.filter(pk__in=list(keys)).values_list("pk", path)
        for pk, contact_id in rows:
            if contact_id is not None:
                found.setdefault((object_type, str(pk)), set()).add(str(contact_id))
    return found
