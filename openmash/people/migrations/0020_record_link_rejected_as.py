"""Issue 7: who or what rejected a link is stored on the link (``RecordLink.rejected_as``), so the rule "a manager
separated these two, only link.unmerge may join them again" (people.linking.link_rejection_is_separation) reads
the row itself, never the audit trail.

Existing rejected rows are given it from what is known:
- separation: the row replaced a confirmed link (an unmerge or a separation), or its decision was audited
  ``link_end`` (a held intake join ended by a manager; the audit trail is read here once, by this migration only);
- referrer: rule ``referrer_at_intake`` (a referrer's "not this person" at intake);
- not_same_child: the row replaced a held intake join (rule ``intake_pending_screening``) at screening;
- different_people: every other rejected row (a hub reviewer's decision on a proposal).
Rows that are not rejected keep a blank value. Reverse: the column is dropped (nothing else changed).
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

BATCH = 500


def _update(RecordLink, pks: list, value: str) -> None:
    for start in range(0, len(pks), BATCH):
        RecordLink.objects.filter(pk__in=pks[start : start + BATCH]).update(rejected_as=value)


def forward(apps, schema_editor):
    RecordLink = apps.get_model("people", "RecordLink")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous = RecordLink.objects.filter(
        record_l_id=OuterRef("record_l_id"), record_r_id=OuterRef("record_r_id"), valid_to=OuterRef("valid_from")
    ).exclude(pk=OuterRef("pk"))
    ended = set(
        AuditEvent.objects.filter(action="link_end", object_type="people.recordlink").values_list(
            "object_id", flat=True
        )
    )
    rows = (
        RecordLink.objects.filter(state="rejected", rejected_as="")
        .annotate(
            after_confirmed=Exists(previous.filter(state="confirmed")),
            after_held=Exists(previous.filter(rule="intake_pending_screening")),
        )
        .values_list("pk", "rule", "after_confirmed", "after_held")
    )
    by_value: dict[str, list] = {}
    for pk, rule, after_confirmed, after_held in rows.iterator():
        if after_confirmed or str(pk) in ended:
            value = "separation"
        elif rule == "referrer_at_intake":
            value = "referrer"
        elif after_held:
            value = "not_same_child"
        else:
            value = "different_people"
        by_value.setdefault(value, []).append(pk)
    for value, pks in by_value.items():
        _update(RecordLink, pks, value)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0019_chronology_sensitivity_from_source"),
        ("audit", "0011_tamper_evidence_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordlink",
            name="rejected_as",
            field=models.CharField(
                blank=True,
                choices=[
                    ("different_people", "A hub reviewer said they are different people"),
                    ("not_same_child", "The screener said it is not the same child (held intake join)"),
                    ("referrer", "The referrer said at intake it is not the same person"),
                    (
                        "separation",
                        "A hub manager separated them (unmerge, separation, or a held intake join ended)",
                    ),
                ],
                help_text="On a rejected row: who or what rejected it; a separation is undone by hub managers only.",
                max_length=20,
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
