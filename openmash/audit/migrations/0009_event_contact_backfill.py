"""Index the existing audit events by the contact their record belongs to (openmash.audit.contacts).

The trail itself is append-only and is not changed: one AuditEventContact row is added per event and contact. Events
are read in id order in batches; records that no longer exist are skipped. An allocation made from the pack page
(no referral to follow) cannot be traced to its contact from its row and stays unindexed; from now on the allocation
service names the contact when it writes the event."""

from django.db import migrations

BATCH = 2000


def backfill(apps, schema_editor):
    from openmash.audit.contacts import contact_ids_for, contact_path_for_model

    AuditEvent = apps.get_model("audit", "AuditEvent")  # noqa: N806
    AuditEventContact = apps.get_model("audit", "AuditEventContact")  # noqa: N806
    types = []
    for object_type in AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        if contact_path_for_model(model) is not None:
            types.append(object_type)
    last = 0
    while types:
        batch = list(
            AuditEvent.objects.filter(id__gt=last, object_type__in=types)
            .order_by("id")
            .values_list("id", "object_type", "object_id")[:BATCH]
        )
        if not batch:
            break
        last = batch[-1][0]
        found = contact_ids_for({(t, i) for _, t, i in batch}, apps=apps)
        rows = [
            AuditEventContact(event_id=pk, contact_id=c) for pk, t, i in batch for c in sorted(found.get((t, i), ()))
        ]
        AuditEventContact.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_event_contact_index"),
        ("contacts", "0007_encompass_notice_acknowledged"),
        ("enquiries", "0005_allocation_allocated_at"),
        ("casework", "0001_case_notes_strategy_discussions"),
        ("people", "0010_search_keys"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
