"""List pages run the same number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Generous ceilings: what matters is that 20 rows cost no more than 3 rows.
BUDGET = 30


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def contacts(make_actor, new_contact):
    referrer = make_actor("referrer", "police")

    def _make(n):
        return [new_contact(actor=referrer) for _ in range(n)]

    _make.referrer = referrer
    return _make


def _grow(url_for, client_for, build, django_assert_max_num_queries):
    """Count queries at 3 rows, grow to 20 rows and check the page costs no more."""
    build(3)
    client, url = client_for(), url_for()
    small = _queries(client, url)
    build(17)
    with django_assert_max_num_queries(min(small, BUDGET)):
        response = client.get(url)
    assert response.status_code == 200
    return small


def test_screening_queue(make_actor, login, contacts, django_assert_max_num_queries):
    client = login(make_actor("screener", "mash"))
    small = _grow(lambda: "/screening/", lambda: client, contacts, django_assert_max_num_queries)
    assert small <= BUDGET
    assert client.get("/screening/").content.decode().count('data-testid="screen-link"') == 20


def test_enquiry_list(make_actor, login, contacts, screened, asked, django_assert_max_num_queries):
    def build(n):
        for contact in contacts(n):
            asked(screened(contact))

    client = login(make_actor("manager", "mash"))
    _grow(lambda: "/enquiries/", lambda: client, build, django_assert_max_num_queries)


def test_agency_inbox(make_actor, login, contacts, screened, asked, django_assert_max_num_queries):
    def build(n):
        for contact in contacts(n):
            asked(screened(contact), codes=("health-gp",))

    client = login(make_actor("researcher", "health-gp"))
    _grow(lambda: "/requests/", lambda: client, build, django_assert_max_num_queries)


def test_referrers_home_with_outcomes(login, contacts, screened, django_assert_max_num_queries):
    def build(n):
        for i, contact in enumerate(contacts(n)):
            if i % 2:
                screened(contact, outcome="early_help")

    client = login(contacts.referrer)
    _grow(lambda: "/", lambda: client, build, django_assert_max_num_queries)


def test_hub_home(make_actor, login, contacts, django_assert_max_num_queries):
    client = login(make_actor("screener", "mash"))
    _grow(lambda: "/", lambda: client, contacts, django_assert_max_num_queries)


def test_enquiry_page_with_many_agency_answers(make_actor, login, new_contact, screened, asked, partnership):
    from openmash.accounts.services import agency_create

    enquiry = screened(new_contact())
    asked(enquiry, codes=("health-gp",))
    client = login(make_actor("manager", "mash"))
    small = _queries(client, f"/enquiries/{enquiry.pk}/")
    codes = []
    for i in range(8):
        agency_create(code=f"extra-{i}", name=f"Extra agency {i}", agency_type="health", source_code="3F")
        codes.append(f"extra-{i}")
    asked(enquiry, codes=codes)
    assert _queries(client, f"/enquiries/{enquiry.pk}/") <= small


# --- issue 5: filtered, paged and decided lists stay flat too ----------------------------------------------------


def test_filtered_screening_queue(make_actor, login, contacts, django_assert_max_num_queries):
    client = login(make_actor("screener", "mash"))
    url = "/screening/?agency=police&assigned=none&received_from_day=1&received_from_month=1&received_from_year=2020"
    _grow(lambda: url, lambda: client, contacts, django_assert_max_num_queries)
    assert client.get(url).context["page"].count == 20


def test_a_later_page_of_the_queue_costs_the_same_as_the_first(make_actor, login, contacts):
    client = login(make_actor("screener", "mash"))
    contacts(30)
    first = _queries(client, "/screening/")
    second = _queries(client, "/screening/?page=2")
    contacts(30)
    assert _queries(client, "/screening/?page=2") <= second <= first
    assert client.get("/screening/?page=2").context["page"].count == 60


def test_decided_enquiry_list(make_actor, login, contacts, screened, django_assert_max_num_queries):
    from tests.support import decide

    manager = make_actor("manager", "mash")

    def build(n):
        for contact in contacts(n):
            decide(manager, screened(contact))

    client = login(manager)
    _grow(lambda: "/enquiries/?status=decided", lambda: client, build, django_assert_max_num_queries)


def test_filtered_enquiry_list(make_actor, login, contacts, screened, asked, django_assert_max_num_queries):
    def build(n):
        for contact in contacts(n):
            asked(screened(contact))

    client = login(make_actor("manager", "mash"))
    url = "/enquiries/?rag=amber&agency=police&assigned=none"
    _grow(lambda: url, lambda: client, build, django_assert_max_num_queries)
