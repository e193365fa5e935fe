"""SR-1 (SECURITY-TESTS.md, the minimum-identifier rule) at every entry point that can list people: at least two
identifying items (a name, a date of birth, a postcode; a name counts once however many words it has), or an
identifier. A surname alone, a date of birth alone, a postcode alone or a full name alone lists nobody, with a clear
message on the field (422 in the API, the GOV.UK error on the pages).

The entry points: GET /api/v1/people; Find a child (page and htmx partial); the intake page's search; intake's "is it
them?" lookup (POST /api/v1/intake/candidates, the intake page's own lookup when a new person is entered, contact
creation and amendment through the API). `openmash search` only rebuilds the index: the command line lists nobody.
One function decides the rule for all of them (people.lookup.search_minimum_unmet): replacing it changes every entry
point at once (the last test)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conftest import VALID_NHS, contact_payload
from openmash.audit.models import AuditEvent
from openmash.people.models import Person

pytestmark = pytest.mark.django_db

# one identifying item each (the known child: Amelia Testchild, born 2018-04-02, postcode EX1 1AA)
SINGLE_ITEMS = {
    "surname": {"name": "Testchild"},
    "full-name": {"name": "Amelia Testchild"},
    "date-of-birth": {"date_of_birth": "2018-04-02"},
    "postcode": {"postcode": "EX1 1AA"},
}
SINGLE_CANDIDATE_ITEMS = {
    "surname": {"surname": "Testchild"},
    "full-name": {"forename": "Amelia", "surname": "Testchild"},
    "date-of-birth": {"date_of_birth": "2018-04-02"},
    "postcode": {"postcode": "EX1 1AA"},
}


@pytest.fixture
def known(new_contact):
    """Amelia Testchild, already known (a police contact)."""
    return new_contact().people.get(role="subject").person


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "school-oak")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def _browser(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _shown(known, response) -> bool:
    return str(known.pk) in response.content.decode()


def _results_audited(actor) -> int:
    return AuditEvent.objects.filter(actor_user_id=actor.user.pk, action="search_result").count()


def _web_date(item: dict) -> dict:
    """The page's fields for one search item (the date of birth in its three boxes)."""
    if "date_of_birth" not in item:
        return dict(item)
    year, month, day = item["date_of_birth"].split("-")
    return {
        **{k: v for k, v in item.items() if k != "date_of_birth"},
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
    }


# --- people search: API, Find a child, its htmx partial, the intake page's search --------------------------------


@pytest.mark.parametrize("item", SINGLE_ITEMS.values(), ids=SINGLE_ITEMS.keys())
def test_the_api_people_search_lists_nobody_on_one_item(known, screener, api, item):
    r = api(screener).post("/people/search", dict(**item))
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert set(errors) <= {"name", "date_of_birth"} and errors, errors
    assert "not enough" in str(errors) or "Add a name" in str(errors)
    assert not _shown(known, r) and _results_audited(screener) == 0


def test_the_api_people_search_lists_on_two_items(known, screener, api):
    r = api(screener).post("/people/search", dict(name="Testchild", date_of_birth="2018-04-02"))
    assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == [str(known.pk)]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("item", SINGLE_ITEMS.values(), ids=SINGLE_ITEMS.keys())
def test_find_a_child_lists_nobody_on_one_item(known, screener, item, htmx):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    r = _browser(screener).post("/people/search/", _web_date(item), **extra)
    body = r.content.decode()
    assert r.status_code in (200, 422) and "govuk-error-message" in body, r.status_code
    assert "not enough" in body or "Add a name" in body
    assert not _shown(known, r) and _results_audited(screener) == 0


def test_find_a_child_lists_on_two_items(known, screener):
    r = _browser(screener).post("/people/search/", {"name": "Testchild", **_web_date({"date_of_birth": "2018-04-02"})})
    assert _shown(known, r)


@pytest.mark.parametrize("item", SINGLE_ITEMS.values(), ids=SINGLE_ITEMS.keys())
def test_the_intake_page_search_lists_nobody_on_one_item(known, referrer, item):
    r = _browser(referrer).post("/contacts/new/", {"action": "search", **_web_date(item)})
    body = r.content.decode()
    assert "govuk-error-message" in body and ("not enough" in body or "Add a name" in body)
    assert not _shown(known, r) and _results_audited(referrer) == 0


# --- intake's "is it them?" lookup --------------------------------------------------------------------------------


@pytest.mark.parametrize("item", SINGLE_CANDIDATE_ITEMS.values(), ids=SINGLE_CANDIDATE_ITEMS.keys())
def test_the_api_candidates_lookup_refuses_one_item_with_a_field_message(known, referrer, api, item):
    r = api(referrer).post("/intake/candidates", item)
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert set(errors) <= {"surname", "date_of_birth"} and errors, errors
    assert not _shown(known, r)
    # too little to search by is no search: nothing audited, nothing counted against the rate limit
    assert not AuditEvent.objects.filter(actor_user_id=referrer.user.pk, action="search").exists()


def test_the_api_candidates_lookup_finds_on_two_items_or_an_identifier(known, referrer, screener, api):
    client = api(referrer)
    two = {"surname": "Testchild", "date_of_birth": "2018-04-02"}
    both = api(screener).post("/intake/candidates", two)  # two items: the hub (who may open everyone) is offered her
    assert [i["id"] for i in both.json()["items"]] == [str(known.pk)]
    # the referrer, who may not open her, is not: a family name alone with the date would tell them her given name
    # (ADR 0009 addendum 3); with her given name too she is offered
    assert client.post("/intake/candidates", two).json()["items"] == []
    full = client.post("/intake/candidates", {**two, "forename": "Amelia"})
    assert [i["id"] for i in full.json()["items"]] == [str(known.pk)]
    ident = {"identifiers": [{"type": "nhs_number", "value": VALID_NHS}]}
    assert [i["id"] for i in api(screener).post("/intake/candidates", ident).json()["items"]] == [str(known.pk)]
    # someone the referrer may not open is offered only when the name and date of birth given agree too (access.search:
    # an NHS number alone would tell them the child's name and date of birth)
    alone = client.post("/intake/candidates", ident)
    assert alone.status_code == 200 and alone.json()["items"] == []
    named = client.post(
        "/intake/candidates", {**ident, "forename": "Amelia", "surname": "Testchild", "date_of_birth": "2018-04-02"}
    )
    assert [(i["id"], i["exact"]) for i in named.json()["items"]] == [(str(known.pk), True)]


@pytest.mark.parametrize("item", SINGLE_CANDIDATE_ITEMS.values(), ids=SINGLE_CANDIDATE_ITEMS.keys())
def test_the_lookup_behind_every_intake_path_offers_nobody_on_one_item(known, item):
    from openmash.matching.candidates import candidate_minimum_unmet, candidates_for

    assert candidates_for(item) == []
    assert candidate_minimum_unmet(item)


def test_the_intake_page_offers_nobody_for_a_child_known_only_by_name(known, referrer):
    """The intake page's own lookup of a new child (no date of birth, address or identifier): nobody is offered,
    the page goes on to check the answers."""
    from openmash.web.tests.conftest import contact_form_data

    data = contact_form_data(
        children_0_dob_day=None,
        children_0_dob_month=None,
        children_0_dob_year=None,
        children_0_nhs_number=None,
        children_0_address_line1=None,
        children_0_town=None,
        children_0_postcode=None,
        **{f"members_0_{f}": None for f in ("forename", "surname", "dob_day", "dob_month", "dob_year", "sex", "role")},
    )
    r = _browser(referrer).post("/contacts/new/", data)
    assert r.status_code == 302 and "/contacts/new/check/" in r["Location"], r.content.decode()[:2000]
    assert not _shown(known, r)


def _child_by_name_only() -> dict:
    return {"forename": "Amelia", "surname": "Testchild", "sex": "F", "ethnicity": "WBRI"}


def test_contact_creation_offers_nobody_for_a_child_known_only_by_name(known, referrer, api):
    people = Person.objects.count()
    r = api(referrer).post("/contacts", contact_payload(subjects=[_child_by_name_only()], household=[]))
    assert r.status_code == 201, r.content
    assert "candidates" not in r.json() and not _shown(known, r)
    assert Person.objects.count() == people + 1 and _results_audited(referrer) == 0


def test_contact_amendment_offers_nobody_for_a_child_known_only_by_name(known, referrer, api):
    client = api(referrer)
    created = client.post("/contacts", contact_payload(subjects=[_child_by_name_only()], household=[])).json()
    r = client.post(
        f"/contacts/{created['id']}/amendments",
        {"version": created["version"], "add_subjects": [{"forename": "Testchild", "surname": "Amelia"}]},
    )
    assert r.status_code == 200, r.content
    assert not _shown(known, r) and _results_audited(referrer) == 0


# --- the command line ----------------------------------------------------------------------------------------------


def test_the_command_line_lists_nobody():
    """`openmash search` has one command, rebuild (the index): no way to list people by what is typed."""
    from openmash.cli import GROUPS

    assert list(GROUPS["search"]) == ["rebuild"]
    with pytest.raises(CommandError):
        call_command("search", "Testchild")


# --- one rule ------------------------------------------------------------------------------------------------------


def test_one_function_decides_the_rule_for_every_entry_point(known, referrer, screener, api, monkeypatch):
    """Replace the one rule with one that refuses everything: a name and date of birth (normally enough) then lists
    nobody at any entry point, each giving the rule's own message."""
    from openmash.matching.candidates import candidates_for
    from openmash.people import lookup

    refused = "Refused by the one rule"
    monkeypatch.setattr(lookup, "search_minimum_unmet", lambda **_: {"name": [refused]})
    both = {"name": "Testchild", "date_of_birth": "2018-04-02"}
    r = api(screener).post("/people/search", dict(**both))
    assert r.status_code == 422 and r.json()["errors"] == {"name": [refused]}
    r = api(referrer).post("/intake/candidates", {"surname": "Testchild", "date_of_birth": "2018-04-02"})
    assert r.status_code == 422 and r.json()["errors"] == {"surname": [refused]}
    for client, path in ((_browser(screener), "/people/search/"), (_browser(referrer), "/contacts/new/")):
        r = client.post(path, {"action": "search", "name": "Testchild", **_web_date(both)})
        assert refused in r.content.decode() and not _shown(known, r)
    assert candidates_for({"forename": "Amelia", "surname": "Testchild", "date_of_birth": "2018-04-02"}) == []
