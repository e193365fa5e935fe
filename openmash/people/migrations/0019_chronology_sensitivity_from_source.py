"""Issue 7: a chronology entry written for a source with a sensitivity of its own carries that sensitivity.

Before this, the entries the workflow wrote for a case note (`casework.CaseNote.sensitivity`) and for an agency's
answer (the answer's level: the highest of its contributed items and of its own, restricted counting as sensitive;
access.sharing.answer_text_sensitivity) had none, which the chronology reads as standard: a sealed note's entry was
shown to the allocated worker and on household chronologies. Data only: every such entry takes its source's level.

Reverse: the entries of case notes and agency answers go back to no sensitivity (""), which is what the workflow
wrote for every one of them before (no other writer sets a sensitivity on those kinds).
"""

from django.db import migrations

NOTE = "casework.casenote"
RESPONSE = "enquiries.agencyresponse"
ORDER = ("standard", "sensitive", "sealed")
ANSWER = {"standard": "standard", "sensitive": "sensitive", "restricted": "sensitive"}
BATCH = 500


def _rank(level: str) -> int:
    return ORDER.index(level) if level in ORDER else len(ORDER) - 1  # an unknown level counts as sealed


def _set(Entry, object_type: str, levels: dict[str, str]) -> None:
    by_level: dict[str, list[str]] = {}
    for object_id, level in levels.items():
        by_level.setdefault(level, []).append(object_id)
    for level, ids in by_level.items():
        for start in range(0, len(ids), BATCH):
            Entry.objects.filter(object_type=object_type, object_id__in=ids[start : start + BATCH]).exclude(
                sensitivity=level
            ).update(sensitivity=level)


def forward(apps, schema_editor):
    Entry = apps.get_model("people", "ChronologyEntry")
    CaseNote = apps.get_model("casework", "CaseNote")
    AgencyResponse = apps.get_model("enquiries", "AgencyResponse")
    Item = apps.get_model("sharing", "ContributedItem")
    notes = {str(pk): level for pk, level in CaseNote.objects.values_list("pk", "sensitivity").iterator()}
    _set(Entry, NOTE, {k: (v if v in ORDER else "sealed") for k, v in notes.items()})
    items: dict = {}
    for request_id, level in Item.objects.values_list("request_id", "sensitivity").iterator():
        items.setdefault(request_id, set()).add(level)
    answers = {}
    rows = AgencyResponse.objects.values_list("pk", "request_id", "request__status", "sensitivity").iterator()
    for pk, request_id, status, own in rows:
        found = set(items.get(request_id, ()))
        if status == "responded":
            found.add(ANSWER.get(own, "sensitive"))
        answers[str(pk)] = ORDER[max((_rank(s) for s in found), default=0)]
    _set(Entry, RESPONSE, answers)


def backward(apps, schema_editor):
    Entry = apps.get_model("people", "ChronologyEntry")
    Entry.objects.filter(object_type__in=(NOTE, RESPONSE)).exclude(sensitivity="").update(sensitivity="")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0018_record_link_held_intake"),
        ("casework", "0005_casenote_sensitivity"),
        ("enquiries", "0010_agency_request_agreement"),
        ("sharing", "0005_sharing_agreements"),
    ]

    operations = [migrations.RunPython(forward, backward)]
