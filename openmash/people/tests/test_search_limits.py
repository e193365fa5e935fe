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
    return client.post("/people/search", dict(identifier_type="nhs_number", identifier=VALID_NHS))


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


# --- every lookup path counts (security review 2026-11: the intake lookups bypassed the limit) ------------------


def _candidates(client):
    return client.post(
        "/intake/candidates", {"forename": "Amelia", "surname": "Testchild", "date_of_birth": "2018-04-02"}
    )


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_the_api_intake_lookup_is_under_the_same_limit_and_alerts(api, make_actor, managers, child):
    referrer = make_actor("referrer", "police")
    client = api(referrer)
    for _ in range(LIMIT):
        assert _candidates(client).status_code == 200
    refused = _candidates(client)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "too many searches" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="search_limited", actor_user_id=referrer.user.pk).count() == 1
    assert AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count() == LIMIT
    alerts = Notification.objects.filter(message__startswith="Search limit reached")
    assert sorted(a.user_id for a in alerts) == sorted(m.user.pk for m in managers)


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_searches_and_intake_lookups_share_one_count(api, make_actor, child):
    client = api(make_actor("referrer", "police"))
    assert _api_search(client).status_code == 200
    assert _candidates(client).status_code == 200
    assert _api_search(client).status_code == 200
    assert _candidates(client).status_code == 429
    assert _api_search(client).status_code == 429


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_the_web_intake_looking_up_many_people_in_one_post_is_limited(make_actor, managers, child):
    """The intake page looks up every new person it is given (up to 50 in one post): each lookup is one search."""
    from openmash.web.tests.conftest import contact_form_data

    referrer = make_actor("referrer", "police")
    client = login(referrer)
    people = {}
    for n in range(1, LIMIT + 1):  # with the child and the first member: LIMIT + 2 new people in one post
        people.update(
            {
                f"members_{n}_forename": f"Adult{'abcdefgh'[n]}",
                f"members_{n}_surname": "Testadult",
                f"members_{n}_dob_day": str(n),
                f"members_{n}_dob_month": "2",
                f"members_{n}_dob_year": "1980",
                f"members_{n}_sex": "M",
                f"members_{n}_role": "household_member",
            }
        )
    page = client.post("/contacts/new/", contact_form_data(children_0_nhs_number=None, **people))
    assert page.status_code == 429 and "You have made too many searches" in page.content.decode()
    assert AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count() == LIMIT
    assert AuditEvent.objects.filter(action="search_limited", actor_user_id=referrer.user.pk).count() == 1
    assert Notification.objects.filter(message__startswith="Search limit reached").count() == len(managers)


def _adults(n: int) -> list[dict]:
    """n new household adults, each a distinct person to look up (names without digits)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        {
            "forename": f"Adult{letters[i % 26]}{letters[i // 26]}",
            "surname": "Batchadult",
            "date_of_birth": f"1980-02-{1 + i % 28:02d}",
            "sex": "M",
            "role": "household_member",
        }
        for i in range(n)
    ]


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=30)
def test_a_batch_of_amendment_lookups_counts_each_lookup_against_the_limit(api, make_actor, managers, child):
    """Attacker review 2026-11, finding 5: 29 searches, then one POST /contacts/{id}/amendments with 30 add_household
    entries made 59 "search" events in a minute against a limit of 30 (one check per batch). Each lookup is counted
    before it runs: the 30th runs, the rest are refused (429, audited). Failed on main before the fix."""
    referrer = make_actor("referrer", "police")
    client = api(referrer)
    created = client.post("/contacts", _contact_json(subjects=[_nobody_known()], household=[]))
    assert created.status_code == 201, created.content
    contact = created.json()
    already = AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count()
    for _ in range(29 - already):
        assert _api_search(client).status_code == 200
    refused = client.post(
        f"/contacts/{contact['id']}/amendments", {"version": contact["version"], "add_household": _adults(30)}
    )
    assert refused.status_code == 429, refused.content
    assert AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count() == 30
    assert AuditEvent.objects.filter(action="search_limited", actor_user_id=referrer.user.pk).count() == 1


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_the_intake_send_naming_many_new_people_is_limited_per_lookup(make_actor, managers):
    """The same kind through the intake page's send (contact_create with search_before_create: one lookup per new
    person, intake_candidates_many)."""
    from openmash.contacts.services import contact_create
    from openmash.core.exceptions import RateLimited

    referrer = make_actor("referrer", "police")
    with pytest.raises(RateLimited):
        contact_create(actor=referrer, data=_contact_json(household=_adults(LIMIT + 3)), search_before_create=True)
    assert AuditEvent.objects.filter(action="search", actor_user_id=referrer.user.pk).count() == LIMIT
    assert AuditEvent.objects.filter(action="search_limited", actor_user_id=referrer.user.pk).count() == 1


def _nobody_known() -> dict:
    """A child like nobody already known (POST /contacts searches before it creates: ADR 0009 addendum 1)."""
    from tests.support import child as child_json

    return child_json("Zebedee", "Quinlanova", "2013-06-30", address=None)


def _contact_json(**overrides) -> dict:
    from tests.support import payload

    return payload(**overrides)
