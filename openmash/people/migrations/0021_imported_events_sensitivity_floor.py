"""Raise each imported event's chronology entry to its event kind's own sensitivity (attacker review 2026-12, finding
A): a feed mapping that set a sealed kind (a young person's sexual-health contacts) or a sensitive one lower had
stored it lower; access.sharing.imported_event_sensitivity now decides at import, and this corrects the entries
already stored. The kinds and their floors are feeds.choices.DEFAULT_SENSITIVITY as of this migration (copied, so
a later change there does not rewrite history). Reversing does nothing (the old, lower value is not kept)."""

from django.db import migrations

#: event kind -> its floor (feeds.choices.DEFAULT_SENSITIVITY, 2026-12)
FLOORS = {
    "domestic_abuse": "sensitive",
    "exploitation": "sensitive",
    "offending": "sensitive",
    "crime_victim": "sensitive",
    "self_harm": "sensitive",
    "mental_health": "sensitive",
    "condition": "sensitive",
    "sexual_health": "sealed",
}
LOWER = {"sealed": ["", "standard", "sensitive"], "sensitive": ["", "standard"]}


def raise_to_floor(apps, schema_editor):
    entry = apps.get_model("people", "ChronologyEntry")
    for kind, floor in FLOORS.items():
        entry.objects.filter(event_kind=kind, sensitivity__in=LOWER[floor]).exclude(source="").update(sensitivity=floor)


class Migration(migrations.Migration):
    dependencies = [("people", "0020_record_link_rejected_as")]

    operations = [migrations.RunPython(raise_to_floor, migrations.RunPython.noop)]
