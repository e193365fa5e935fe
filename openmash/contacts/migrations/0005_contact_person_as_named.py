"""ContactPerson.as_named (what the referrer named) and ContactPerson.created_by_contact (issue 5 review, faults 1
and 2). Existing rows are filled from the person's details as they are now (the only record there is), and a person
counts as created by the contact when the record was made by the recording agency within seconds of the row."""

import datetime as dt

from django.db import migrations, models

KEYS = ("kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex")


def backfill(apps, schema_editor):
    ContactPerson = apps.get_model("contacts", "ContactPerson")
    rows = ContactPerson.objects.select_related("person", "contact").order_by("pk")
    batch = []
    for cp in rows.iterator(chunk_size=2000):
        person = cp.person
        cp.as_named = {
            k: (getattr(person, k).isoformat() if hasattr(getattr(person, k), "isoformat") else getattr(person, k))
            for k in KEYS
        }
        cp.created_by_contact = person.created_by_agency_id == cp.contact.recording_agency_id and abs(
            person.created_at - cp.created_at
        ) < dt.timedelta(seconds=5)
        batch.append(cp)
        if len(batch) >= 2000:
            ContactPerson.objects.bulk_update(batch, ["as_named", "created_by_contact"])
            batch = []
    if batch:
        ContactPerson.objects.bulk_update(batch, ["as_named", "created_by_contact"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_late_recorded_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactperson",
            name="as_named",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="contactperson",
            name="created_by_contact",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
