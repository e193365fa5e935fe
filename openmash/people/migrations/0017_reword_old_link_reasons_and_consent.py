"""Stored words written before two wording changes of the issue 6 practitioner review, rewritten to the current form
(leftovers of the review: the new wording reached new rows only).

1. A link between two records sharing an identifier that a rule held for review (``people.linking``
   ``_identifier_pair``) was stored with the reason "Not linked automatically: <why>"; since review finding 4 the
   reason starts with the shared identifier: "Same NHS number; not linked automatically: <why>" (the queue's "Why"
   says what brought the pair). Rewritten for links whose ``rule`` names only identifiers ("nhs_number",
   "upn+nhs_number", ...; the referrer's rule and the engine's links are left alone).
2. A contact shared without consent put ". Shared without consent: <reason category>" at the end of its
   chronology entry's summary ("Shared without consent: Shared under a statutory duty", finding 20); since then it
   is the sentence ``contacts.services.consent_summary`` writes ("Shared under a statutory duty", "Shared although
   consent was refused: the child is at risk of significant harm", "Shared without consent: consent was not sought
   because ..."). Rewritten from the contact's own consent codes.

The wording is frozen here as it was at each change (never read from the current code, which may change again).
Backwards: the old wording again, for exactly the rows the forward step's rules cover. Rows already in the current
form are left as they are, so running it twice changes nothing. Neither column is encrypted (ADR 0012)."""

from django.db import migrations

IDENTIFIER_LABELS = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID"}
OLD_HELD = "Not linked automatically: "
NEW_HELD = "; not linked automatically: "
REASON_MAX = 500
SUMMARY_MAX = 300
OLD_CONSENT = ". Shared without consent: "

# contacts.choices as they are at this migration
NOT_SOUGHT = {
    "unsafe": "Seeking consent would place the child at risk of significant harm",
    "prejudice": "Seeking consent would prejudice an investigation",
    "urgent": "Urgent: no time to seek consent",
    "not_capable": "No one capable of giving consent could be reached",
    "other": "Other reason (say why in the note)",
}
NOT_SOUGHT_WHY = {
    "urgent": "it was urgent, with no time to seek it",
    "not_capable": "no one capable of giving it could be reached",
    "other": "of another reason (see the contact)",
}
OVERRIDE = {
    "risk_of_harm": "The child is at risk of significant harm",
    "public_interest": "Sharing is justified in the public interest",
    "crime": "To prevent or detect a serious crime",
}
STATUTORY = "Shared under a statutory duty"


def _shared(rule: str) -> str | None:
    """ "Same NHS number and UPN" for a rule naming only identifiers ("nhs_number+upn"), else None."""
    parts = [p for p in (rule or "").split("+") if p]
    if not parts or any(p not in IDENTIFIER_LABELS for p in parts):
        return None
    return "Same " + " and ".join(IDENTIFIER_LABELS[p] for p in parts)


def _consent_words(consent: str, not_sought: str, override: str) -> tuple[str, str] | None:
    """(old words, current words) for a contact's consent codes; None when consent was obtained (no words)."""
    if consent == "not_sought" and not_sought in NOT_SOUGHT:
        label = NOT_SOUGHT[not_sought]
        why = NOT_SOUGHT_WHY.get(not_sought, label[:1].lower() + label[1:])
        return label, f"Shared without consent: consent was not sought because {why}"
    if consent == "refused" and override in OVERRIDE:
        label = OVERRIDE[override]
        return label, f"Shared although consent was refused: {label[:1].lower() + label[1:]}"
    if consent == "not_applicable":
        return STATUTORY, STATUTORY
    return None


def _links(apps, forward: bool) -> None:
    RecordLink = apps.get_model("people", "RecordLink")
    rows = RecordLink.objects.filter(reason__contains="ot linked automatically: ").values_list("pk", "rule", "reason")
    for pk, rule, reason in rows.iterator(chunk_size=2000):
        shared = _shared(rule)
        if shared is None:
            continue
        if forward and reason.startswith(OLD_HELD):
            new = (shared + NEW_HELD + reason[len(OLD_HELD) :])[:REASON_MAX]
        elif not forward and reason.startswith(shared + NEW_HELD):
            new = OLD_HELD + reason[len(shared + NEW_HELD) :]
        else:
            continue
        RecordLink.objects.filter(pk=pk).update(reason=new)


def _chronology(apps, forward: bool) -> None:
    ChronologyEntry = apps.get_model("people", "ChronologyEntry")
    Contact = apps.get_model("contacts", "Contact")
    entries = ChronologyEntry.objects.filter(kind="contact", object_type="contacts.contact")
    if forward:  # (the current words for consent not sought hold ". Shared without consent: " too: see below)
        entries = entries.filter(summary__contains=OLD_CONSENT)
    rows = list(entries.values_list("pk", "summary", "object_id"))
    for start in range(0, len(rows), 2000):
        batch = rows[start : start + 2000]
        codes = {
            str(pk): (consent, not_sought, override)
            for pk, consent, not_sought, override in Contact.objects.filter(
                pk__in=[object_id for _pk, _s, object_id in batch]
            ).values_list("pk", "consent", "consent_not_sought_reason", "consent_override_reason")
        }
        for pk, summary, object_id in batch:
            words = _consent_words(*codes[object_id]) if object_id in codes else None
            if words is None:
                continue
            old, new = OLD_CONSENT + words[0], ". " + words[1]
            if forward and summary.endswith(old):
                changed = (summary[: -len(old)] + new)[:SUMMARY_MAX]
            elif not forward and summary.endswith(new):
                changed = (summary[: -len(new)] + old)[:SUMMARY_MAX]
            else:
                continue
            ChronologyEntry.objects.filter(pk=pk).update(summary=changed)


def forwards(apps, schema_editor):
    _links(apps, forward=True)
    _chronology(apps, forward=True)


def backwards(apps, schema_editor):
    _links(apps, forward=False)
    _chronology(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0016_childstatus"),
        ("contacts", "0011_consent_decision"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
