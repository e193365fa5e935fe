"""Leftovers of the issue 6 practitioner review: link reasons and consent words stored before the wording changed
are rewritten to the current form by people/migrations/0017_reword_old_link_reasons_and_consent.py, and back."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from openmash.contacts.models import Contact
from openmash.contacts.services import consent_summary
from openmash.people import linking
from openmash.people.models import ChronologyEntry, LinkState, RecordLink
from tests.support import contact_record

pytestmark = pytest.mark.django_db

migration = importlib.import_module("openmash.people.migrations.0017_reword_old_link_reasons_and_consent")
NHS = "9434765919"


def _held_identifier_link(partnership) -> RecordLink:
    """Two records sharing an NHS number whose dates of birth differ: proposed by the identifier rule, held."""
    for agency, local_id, born in (("police", "P1", dt.date(2015, 1, 2)), ("health-gp", "H1", dt.date(2016, 7, 9))):
        linking.record_create(
            actor=None,
            agency=partnership[agency],
            local_id=local_id,
            details={"given_name": "Mia", "family_name": "Hart", "date_of_birth": born, "nhs_number": NHS},
        )
    return RecordLink.objects.get(valid_to__isnull=True, state=LinkState.PROPOSED, rule="nhs_number")


def test_an_old_identifier_hold_reason_is_rewritten_to_start_with_the_identifier_and_back(partnership):
    link = _held_identifier_link(partnership)
    current = link.reason
    assert current.startswith("Same NHS number; not linked automatically: ")
    why = current.split("; not linked automatically: ", 1)[1]
    old = f"Not linked automatically: {why}"
    RecordLink.objects.filter(pk=link.pk).update(reason=old)
    untouched = RecordLink.objects.filter(pk=link.pk).values_list("reason", flat=True).get()
    migration.forwards(apps, None)
    assert RecordLink.objects.get(pk=link.pk).reason == current
    migration.forwards(apps, None)  # twice: nothing more
    assert RecordLink.objects.get(pk=link.pk).reason == current
    migration.backwards(apps, None)
    assert RecordLink.objects.get(pk=link.pk).reason == untouched == old


def test_a_reason_of_another_rule_is_left_alone(partnership):
    link = _held_identifier_link(partnership)
    RecordLink.objects.filter(pk=link.pk).update(rule=linking.REFERRER_RULE, reason="Not linked automatically: x")
    migration.forwards(apps, None)
    assert RecordLink.objects.get(pk=link.pk).reason == "Not linked automatically: x"


@pytest.mark.parametrize(
    ("consent", "not_sought", "override", "old_words"),
    [
        ("not_applicable", "", "", "Shared under a statutory duty"),
        ("not_sought", "prejudice", "", "Seeking consent would prejudice an investigation"),
        ("not_sought", "urgent", "", "Urgent: no time to seek consent"),
        ("refused", "", "risk_of_harm", "The child is at risk of significant harm"),
    ],
    ids=["statutory", "prejudice", "urgent", "refused"],
)
def test_old_consent_words_in_a_contact_chronology_entry_are_rewritten_and_back(
    make_actor, partnership, consent, not_sought, override, old_words
):
    contact = contact_record(make_actor("referrer", "police"))
    Contact.objects.filter(pk=contact.pk).update(
        consent=consent, consent_not_sought_reason=not_sought, consent_override_reason=override
    )
    contact = Contact.objects.get(pk=contact.pk)
    entry = ChronologyEntry.objects.filter(kind="contact", object_id=str(contact.pk)).first()
    assert entry is not None
    head = entry.summary.split(". ")[0]
    old = f"{head}. Shared without consent: {old_words}"
    ChronologyEntry.objects.filter(pk=entry.pk).update(summary=old)
    migration.forwards(apps, None)
    assert ChronologyEntry.objects.get(pk=entry.pk).summary == f"{head}. {consent_summary(contact)}"
    migration.backwards(apps, None)
    assert ChronologyEntry.objects.get(pk=entry.pk).summary == old
