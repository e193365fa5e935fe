"""Today's answers become items (migration sharing.0002): one shared item per summary, never released; re-runnable."""

from __future__ import annotations

import importlib

from django.apps import apps

from openmash.sharing.models import ContributedItem, ShareDecision
from tests.support import enquiry_open, requests_send, respond

migration = importlib.import_module("openmash.sharing.migrations.0002_answers_become_items")


def test_each_summary_becomes_one_shared_item_not_released(room):
    enquiry = enquiry_open(referrer=room.referrer, screener=room.screener)
    gp, police = requests_send(room.screener, enquiry, "health-gp", "police")
    respond(room.gp, gp, summary="Known to the practice", sensitivity="restricted")
    respond(room.police, police, summary="", no_information=True)
    # as before items existed: the answers only
    ShareDecision.objects.all().delete()
    ContributedItem.objects.all().delete()
    migration.answers_to_items(apps, None)
    migration.answers_to_items(apps, None)  # again: nothing more
    item = ContributedItem.objects.get()
    assert (item.request_id, item.text, item.sensitivity, item.category, item.state, item.source) == (
        gp.pk,
        "Known to the practice",
        "sensitive",
        "not_stated",
        "shared",
        "migrated",
    )
    assert item.released_at is None and item.recorded_by == room.gp.user
    assert item.decisions.get().lawful_basis == "not_recorded"
    migration.items_back(apps, None)
    assert not ContributedItem.objects.exists()
