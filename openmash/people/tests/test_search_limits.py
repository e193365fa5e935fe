"""The search rate limit (SECURITY-TESTS.md PF-2): past the partnership's rate a user's searches answer 429 (API) or
a clear page (web), each refusal is audited, and the hub's managers get one in-app alert per burst without
personal data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from conftest import VALID_NHS
from openmash.audit.models import AuditEvent
from openmash.enquiries.models import Notification

LIMIT = 3


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def managers(make_actor):
    return [make_actor("manager", "mash"), make_actor("manager", "mash")]


@pytest.fixture
def child(new_contact):
    return new_contact().people.get(role="subject").person


def _api_search(client):
    return client.get("/people", identifier_type="nhs_number", identifier=VALID_NHS)


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_past_the_limit_the_api_answers_429_audits_and_alerts_the_managers_once(api, make_actor, managers, child):
    referrer = make_actor("referrer", "police")
    client = api(referrer)
    for _ in range(LIMIT):
        assert _api_search(client).status_code == 200
    refused = _api_search(client)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "too many searches" in refused.json()["detail"]
    limited = AuditEvent.objects.filter(action="search_limited", actor_user_id=referrer.user.pk)
    assert limited.count() == 1 and limited.get().detail == {"limit": LIMIT, "window_seconds": 60, "alerted": True}
    assert AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count() == LIMIT
    alerts = Notification.objects.filter(message__startswith="Search limit reached")
    assert sorted(a.user_id for a in alerts) == sorted(m.user.pk for m in managers)
    message = alerts[0].message
    assert "a user (Referrer, County Police) made over 3 searches in a minute and was paused" in message
    assert message.endswith("The auditor can see who (search_limited).")  # whole: within the 200 characters
    for personal in (referrer.user.username, "Amelia", "Testchild", "943", VALID_NHS):
        assert personal not in message
    # still refused, audited again, but the managers are not alerted twice for one burst
    assert _api_search(client).status_code == 429
    assert limited.count() == 2 and alerts.count() == len(managers)


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_the_limit_is_per_user_and_lifts_after_a_minute(api, make_actor, managers, child):
    first, second = make_actor("referrer", "police"), make_actor("referrer", "police")
    client = api(first)
    for _ in range(LIMIT):
        _api_search(client)
    assert _api_search(client).status_code == 429
    assert _api_search(api(second)).status_code == 200  # someone else searches on
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        assert _api_search(client).status_code == 200


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_the_pages_show_a_clear_too_many_searches_page(make_actor, managers, child):
    client = login(make_actor("screener", "mash"))
    for _ in range(LIMIT):
        assert client.post("/people/search/", {"identifier": VALID_NHS}).status_code == 200
    page = client.post("/people/search/", {"identifier": VALID_NHS})
    body = page.content.decode()
    assert page.status_code == 429 and page["Retry-After"] == "60"
    assert "<title>Too many searches – OpenMASH</title>" in body and "You have made too many searches" in body
    assert "Wait a minute, then search again" in body
    htmx = client.post("/people/search/", {"identifier": VALID_NHS}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and htmx["HX-Retarget"] == "#main-content"
    intake = client.post("/contacts/new/", {"action": "search", "identifier": VALID_NHS})
    assert intake.status_code == 429 and "You have made too many searches" in intake.content.decode()
    home = login(managers[0]).get("/").content.decode()
    assert "Search limit reached" in home and "(MASH screener, Children&#x27;s Services MASH)" in home


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=0)
def test_a_limit_of_zero_turns_the_limit_off(api, make_actor, child):
    client = api(make_actor("referrer", "police"))
    assert all(_api_search(client).status_code == 200 for _ in range(40))
    assert not AuditEvent.objects.filter(action="search_limited").exists()


def test_the_default_limit_is_thirty_a_minute(settings):
    from openmash.people.search_limits import search_rate_limit

    assert search_rate_limit() == settings.OPENMASH_SEARCH_RATE_PER_MINUTE == 30
