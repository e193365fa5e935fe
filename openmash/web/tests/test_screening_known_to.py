"""Practitioner review of issue 6 ("one picture of the child"), finding 6: the screening page showed the hub's own
work in hand but not what partner agencies' imported records already held about the child (a police domestic abuse
incident, an ED attendance), unless the screener opened the child and then the chronology. The page now lists, per
child, each agency whose imported events the chronology holds, with the count and the newest event; read through
the chronology's own sensitivity rule and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.people.chronology import known_to
from openmash.people.models import ChronologyEntry
from tests.support import child, contact_record, subject_person

pytestmark = pytest.mark.django_db

REASON = "screening: agencies that hold records"


def _imported(person, agency, days_ago, kind, *, source="feed:standard", n=[0]):  # noqa: B006 - a counter
    n[0] += 1
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        time_known=False,
        kind="event",
        event_kind=kind,
        agency=agency,
        summary="An imported event",
        object_type="feeds.event",
        object_id=f"ev-{n[0]}",
        source=source,
        external_id=f"ext-{n[0]}" if source else "",
        sensitivity="standard",
    )


@pytest.fixture
def screened(make_actor, partnership):
    police = make_actor("referrer", "police")
    contact = contact_record(police, subjects=[child("Lucja", "Walesa", "2016-04-12")], household=[])
    person = subject_person(contact)
    _imported(person, partnership["police"], 60, "domestic_abuse")
    _imported(person, partnership["police"], 20, "missing")
    _imported(person, partnership["health-gp"], 40, "ed_attendance")
    # the workflow's own entries (the contact itself) are not an agency's imported record
    _imported(person, partnership["police"], 1, "", source="")
    return contact, person


def test_the_screening_page_lists_each_agency_with_its_count_and_newest_event(screened, make_actor):
    contact, person = screened
    screener = make_actor("screener", "mash")
    client = Client()
    client.force_login(screener.user)
    page = client.get(f"/contacts/{contact.pk}/screen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "What partner agencies already hold" in html
    assert "County Police: 2 events, the newest" in html
    assert "Riverside GP Practice: 1 event, the newest" in html
    assert html.index("County Police: 2 events") < html.index("Riverside GP Practice: 1 event")  # newest first
    assert f"/people/{person.pk}/chronology/" in html
    assert AuditEvent.objects.filter(
        action="view", object_id=str(person.pk), reason=REASON, actor_user_id=screener.user.pk
    ).exists()


def test_nothing_imported_shows_no_card_and_writes_no_audit(make_actor, partnership):
    police = make_actor("referrer", "police")
    contact = contact_record(police, subjects=[child("Ada", "Nobody", "2015-01-01")], household=[])
    client = Client()
    screener = make_actor("screener", "mash")
    client.force_login(screener.user)
    html = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert "What partner agencies already hold" not in html
    assert not AuditEvent.objects.filter(reason=REASON).exists()


def test_the_rule_follows_the_chronology_access(screened, make_actor):
    _, person = screened
    # a referrer or a researcher never sees a chronology: nothing, and nothing audited
    assert known_to(actor=make_actor("referrer", "police"), person_ids=[person.pk]) == {}
    assert known_to(actor=make_actor("researcher", "health-gp"), person_ids=[person.pk]) == {}
    assert not AuditEvent.objects.filter(reason=REASON).exists()
    rows = known_to(actor=make_actor("manager", "mash"), person_ids=[person.pk])[person.pk]
    assert [(r.agency_name, r.events) for r in rows] == [("County Police", 2), ("Riverside GP Practice", 1)]
    from openmash.feeds.choices import EventKind

    # the newest police event is the missing episode, named as the chronology names its kind
    assert rows[0].latest_kind == EventKind.MISSING.label and not rows[0].time_known
    assert rows[1].latest_kind == EventKind.ED_ATTENDANCE.label


def test_the_hub_counts_a_sealed_event_as_its_chronology_shows_it(screened, make_actor, partnership):
    _, person = screened
    sealed = _imported(person, partnership["health-hv"], 5, "sexual_health")
    sealed.sensitivity = "sealed"
    sealed.save(update_fields=["sensitivity"])
    hub = known_to(actor=make_actor("screener", "mash"), person_ids=[person.pk])[person.pk]
    # counted as the chronology shows it (held, the date only), but an agency all of whose records here are held
    # from the reader is not named (access.sharing.agencies_named: a sexual health service named would tell)
    names = {r.agency_name: r.events for r in hub}
    assert "Community Health Visiting" not in names and names.get("An agency") == 1
    assert {"County Police", "Riverside GP Practice"} <= set(names)
