"""Today's answers become items (issue 7): each AgencyResponse with a summary becomes one ContributedItem of its
request, shared into the hub (the answer was given to the hub) with a ShareDecision whose lawful basis is "not
recorded" (none was recorded then), and NOT released: no release decision was ever recorded, so nothing of it
leaves the hub until the agency releases it. 'standard' stays standard; 'sensitive' and 'restricted' become
sensitive with the category "not stated". Runs in batches and can be re-run (a request that already has a migrated
or summary item is skipped). Reversing deletes the migrated items and their decisions only."""

from django.db import migrations

BATCH = 500
LEVELS = {
    "standard": ("standard", ""),
    "sensitive": ("sensitive", "not_stated"),
    "restricted": ("sensitive", "not_stated"),
}


def answers_to_items(apps, schema_editor):
    AgencyResponse = apps.get_model("enquiries", "AgencyResponse")
    ContributedItem = apps.get_model("sharing", "ContributedItem")
    ShareDecision = apps.get_model("sharing", "ShareDecision")
    done = ContributedItem.objects.filter(source__in=("migrated", "summary")).values("request_id")
    qs = (
        AgencyResponse.objects.filter(no_information=False)
        .exclude(request_id__in=done)
        .select_related("request")
        .order_by("pk")
    )
    last = None
    while True:
        page = qs if last is None else qs.filter(pk__gt=last)
        rows = list(page[:BATCH])
        if not rows:
            return
        for response in rows:
            if not response.summary:  # encrypted (ADR 0012): compared in Python, never in SQL
                continue
            level, category = LEVELS.get(response.sensitivity, LEVELS["standard"])
            who = response.amended_by_id or response.responded_by_id
            when = response.amended_at or response.responded_at
            item = ContributedItem.objects.create(
                request_id=response.request_id,
                agency_id=response.request.agency_id,
                position=1,
                text=response.summary,
                sensitivity=level,
                category=category,
                state="shared",
                source="migrated",
                recorded_by_id=who,
                recorded_at=when,
            )
            ShareDecision.objects.create(
                item=item,
                kind="share",
                outcome="share",
                lawful_basis="not_recorded",
                decided_by_id=who,
                decided_at=when,
                agency_id=response.request.agency_id,
                via="migration",
            )
        last = rows[-1].pk


def items_back(apps, schema_editor):
    ContributedItem = apps.get_model("sharing", "ContributedItem")
    ShareDecision = apps.get_model("sharing", "ShareDecision")
    ShareDecision.objects.filter(item__source="migrated").delete()
    ContributedItem.objects.filter(source="migrated").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_secure_room"),
        ("enquiries", "0009_encrypt_existing_rows"),
    ]

    operations = [migrations.RunPython(answers_to_items, items_back)]
