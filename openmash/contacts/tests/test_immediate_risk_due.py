"""A contact with immediate risk must be screened at once (practitioner review, fault 8): it was due in one working
day like any other, and the one recorded last showed fifth on page 1 behind older immediate-risk contacts. Its
screening is now due a partnership-set number of minutes after receipt, by the clock (default 60; 0 = on
receipt), so it sorts first among immediate-risk contacts by urgency; the setting is the partnership admin's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.contacts.selectors import screening_queue
from openmash.partnership.models import PartnershipSettings
from openmash.partnership.services import immediate_risk_screening_update
from tests.support import contact_record

URGENT = {"immediate_risk": True, "immediate_risk_detail": "Says she cannot go home tonight"}


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _friday_evening() -> dt.datetime:
    """A recent Friday at 18:30 local time, after the hub's day ends."""
    day = timezone.localdate() - dt.timedelta(days=7)
    while day.weekday() != 4:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))


def test_an_immediate_risk_contact_is_due_within_the_hour_by_the_clock(referrer):
    received = _friday_evening()
    urgent = contact_record(referrer, received_at=received, **URGENT)
    other = contact_record(referrer, received_at=received)
    assert urgent.screening_due_at == received + dt.timedelta(minutes=60)  # not Monday 10:00
    assert other.screening_due_at > received + dt.timedelta(days=2)  # one working day, after the weekend


def test_the_time_is_a_partnership_setting(make_actor, referrer):
    admin = make_actor("partnership_admin", "mash")
    immediate_risk_screening_update(actor=admin, minutes=0)
    received = timezone.now() - dt.timedelta(minutes=3)
    assert contact_record(referrer, received_at=received, **URGENT).screening_due_at == received
    assert PartnershipSettings.objects.get().immediate_risk_screening_minutes == 0
    assert AuditEvent.objects.filter(action="update", detail__immediate_risk_screening_minutes=[60, 0]).exists()


def test_the_settings_page_saves_it_with_errors_on_the_field(make_actor):
    client = Client()
    client.force_login(make_actor("partnership_admin", "mash").user)
    page = client.get("/partnership/").content.decode()
    assert 'id="id_immediate_risk_screening_minutes"' in page and 'value="60"' in page
    bad = client.post("/partnership/", {"form": "immediate", "immediate_risk_screening_minutes": "999"})
    assert "<title>Error:" in bad.content.decode() and "from 0 to 240" in bad.content.decode()
    ok = client.post("/partnership/", {"form": "immediate", "immediate_risk_screening_minutes": "15"})
    assert ok.status_code == 302
    assert PartnershipSettings.objects.get().immediate_risk_screening_minutes == 15


def test_the_newest_immediate_risk_contact_comes_before_every_routine_one(make_actor, referrer):
    screener = make_actor("screener", "mash")
    days_ago = timezone.now() - dt.timedelta(days=3)
    routine = [contact_record(referrer, received_at=days_ago + dt.timedelta(minutes=i)) for i in range(3)]
    urgent = contact_record(referrer, received_at=timezone.now(), **URGENT)
    page = screening_queue(actor=screener)
    assert [c.pk for c in page.items][:4] == [urgent.pk] + [c.pk for c in routine]


def test_among_immediate_risk_contacts_the_longest_waiting_comes_first(make_actor, referrer):
    screener = make_actor("screener", "mash")
    newer = contact_record(referrer, received_at=timezone.now() - dt.timedelta(minutes=5), **URGENT)
    older = contact_record(referrer, received_at=timezone.now() - dt.timedelta(minutes=50), **URGENT)
    assert [c.pk for c in screening_queue(actor=screener).items] == [older.pk, newer.pk]
