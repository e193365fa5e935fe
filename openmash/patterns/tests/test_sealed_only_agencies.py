"""Issue 7 (lawful sharing): the agencies behind sealed-only contributions are not named to a reader who may not read
them. A flag's events of an agency whose every record on the flag is sealed (a sexual health clinic's, say) held
their words from a MASH screener, yet the flag page, its API, the flags list (page and API), the chronology (page,
API, filter options), the person page and the screening page's "what partner agencies already hold" named the
agency: the name says what the sealed records are about. access.sharing.agencies_named decides for every one of
them: an agency is named only to a reader who reads the words of at least one of its listed records; otherwise
"An agency". The sealed roles (default MASH managers) still see every agency, and so does the system
(``openmash flags export`` for the bench, no reader), whose stored explanation names every contributing agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from openmash.patterns.tests.flagfactory import EVENTS, flag_make

pytestmark = pytest.mark.django_db

GP = "Riverside GP Practice"  # health-gp in the test partnership: its records on this flag are all sealed
SEALED = [
    ("health-gp", dt.date(2026, 5, 3), "sexual_harm", "Clinic visit", "Result", "sealed"),
    ("health-gp", dt.date(2026, 5, 9), "sexual_harm", "Clinic visit", "Result", "sealed"),
]


@pytest.fixture
def flag(partnership):
    return flag_make(events=[EVENTS[0], EVENTS[1], *SEALED])


def _pages(actor, flag) -> dict[str, str]:
    from openmash.accounts.services import token_create

    web = Client()
    web.force_login(actor.user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    child = flag.child.pk
    out = {
        "flag page": web.get(f"/flags/{flag.pk}/"),
        "flags list": web.get("/flags/"),
        "chronology page": web.get(f"/people/{child}/chronology/"),
        "person page": web.get(f"/people/{child}/"),
        "flag api": Client().get(f"/api/v1/flags/{flag.pk}", **bearer),
        "flags api": Client().get("/api/v1/flags", **bearer),
        "chronology api": Client().get(f"/api/v1/people/{child}/chronology", **bearer),
    }
    for name, r in out.items():
        assert r.status_code == 200, (name, r.status_code)
    return {name: r.content.decode() for name, r in out.items()}


def test_a_screener_is_never_told_which_agency_holds_only_sealed_records(make_actor, flag):
    screener = make_actor("screener", "mash")
    for name, text in _pages(screener, flag).items():
        assert GP not in text and "health-gp" not in text, name
    from openmash.patterns.selectors import flag_explained

    x = flag_explained(actor=screener, flag=flag)
    held = [e for e in x["events"] if not e["shown"]]
    assert len(held) == 2 and all(e["agency"] == "An agency" and e["agency_code"] == "" for e in held)
    assert GP not in x["agencies"] and len(x["agencies"]) == 2  # the police and the school are still named


def test_a_chronology_filter_by_that_agency_lists_nothing_for_the_screener(make_actor, flag):
    from openmash.people.chronology import ChronologyFilters, chronology_read

    screener = make_actor("screener", "mash")
    result = chronology_read(
        actor=screener, person_id=flag.child.pk, filters=ChronologyFilters(agencies=("health-gp",))
    )
    assert result.page.count == 0 and "health-gp" not in dict(result.agencies)


def test_a_sealed_role_still_sees_the_agency_named(make_actor, flag):
    manager = make_actor("manager", "mash")
    pages = _pages(manager, flag)
    for name in ("flag page", "flags list", "flag api", "flags api", "chronology page", "chronology api"):
        assert GP in pages[name], name


def test_the_system_names_every_agency():
    from openmash.access.sharing import agencies_named

    rows = [("health-gp", "sealed"), ("police", "standard")]
    assert agencies_named(None, rows) == {"health-gp", "police"}
