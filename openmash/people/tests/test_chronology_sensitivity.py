"""Security review 2026-11 (MEDIUM): a sealed (hub only) imported health event showed on the allocated worker's
chronology page and API. Which entries an actor sees is decided once, by sensitivity, in
access.policy.chronology_entries_visible, and every place that lists chronology entries uses it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from openmash.access.policy import chronology_entries_visible
from openmash.people.models import ChronologyEntry
from tests.support import allocation_open, child, contact_record, subject_person

pytestmark = pytest.mark.django_db

SUMMARIES = {
    "sealed": "Canary-sealed clinic attendance",
    "sensitive": "Canary-sensitive arrest",
    "standard": "Canary-standard school exclusion",
    "": "Canary-blank workflow entry",
    "secret": "Canary-unknown sensitivity",  # a value nobody defined is the hub's alone (deny by default)
}


@pytest.fixture
def allocated(make_actor, partnership):
    """A child allocated to a social worker, with one imported event of each sensitivity."""
    police = make_actor("referrer", "police")
    person = subject_person(contact_record(police, subjects=[child("Tia", "Moss", "2012-02-02")], household=[]))
    worker = make_actor("social_worker", "mash")
    allocation_open(person, worker)
    for sensitivity, summary in SUMMARIES.items():
        ChronologyEntry.objects.create(
            person=person,
            occurred_at=timezone.now(),
            kind="event",
            agency=partnership["health-gp"],
            summary=summary,
            object_type="feeds.event",
            object_id="x",
            sensitivity=sensitivity,
        )
    return person, worker


def _shown(text: str) -> set[str]:
    return {s for s, summary in SUMMARIES.items() if summary in text}


def test_the_allocated_worker_never_sees_a_sealed_entry_page_or_api(allocated, api):
    person, worker = allocated
    r = api(worker).get(f"/people/{person.pk}/chronology")
    assert r.status_code == 200
    assert _shown(r.content.decode()) == {"sensitive", "standard", ""}
    client = Client()
    client.force_login(worker.user)
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert _shown(page.content.decode()) == {"sensitive", "standard", ""}


def test_the_hub_sees_every_entry(allocated, api, make_actor):
    """Every entry is listed to the hub; a sealed one's words (and one of an unknown sensitivity) only to the
    partnership's sealed roles, default MASH managers (access.sharing.chronology_entry_held; attacker review
    2026-12, finding A)."""
    person, _ = allocated
    r = api(make_actor("manager", "mash")).get(f"/people/{person.pk}/chronology")
    assert r.status_code == 200 and _shown(r.content.decode()) == set(SUMMARIES)
    r = api(make_actor("screener", "mash")).get(f"/people/{person.pk}/chronology")
    assert r.status_code == 200 and _shown(r.content.decode()) == {"sensitive", "standard", ""}
    assert [e["held"] for e in r.json()["entries"]].count(True) == 2 and r.json()["count"] >= len(SUMMARIES)


def test_the_rule_on_any_queryset_of_entries(allocated, make_actor):
    person, worker = allocated
    everything = ChronologyEntry.objects.filter(person=person)
    assert chronology_entries_visible(make_actor("manager", "mash"), everything).count() == everything.count()
    assert {e.sensitivity for e in chronology_entries_visible(worker, everything)} == {"sensitive", "standard", ""}
    # a worker without the allocation, a referrer, and nobody: nothing at all
    assert not chronology_entries_visible(make_actor("social_worker", "mash"), everything).exists()
    assert not chronology_entries_visible(make_actor("referrer", "police"), everything).exists()
    assert not chronology_entries_visible(None, everything).exists()
