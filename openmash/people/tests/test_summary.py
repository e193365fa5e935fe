"""Practitioner review of issue 6, findings 1, 11 and 12: a person's summary values are resolved one way from the
records joined into them (openmash.people.summary), in the search, on the person's page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.access.fields import person_minimum_details
from openmash.people import linking
from openmash.people.models import Person
from openmash.people.selectors import person_get, person_search, search_result_view
from openmash.people.summary import addresses_deduplicated, display_name, name_preferred

pytestmark = pytest.mark.django_db

UPN = "B801200005001"
NHS = "9434765919"
DOB = dt.date(2017, 3, 3)


def _record(agency, local_id, **details):
    details.setdefault("date_of_birth", DOB)
    record, _ = linking.record_create(actor=None, agency=agency, local_id=local_id, details=details)
    record.refresh_from_db()
    return record


@pytest.fixture
def leo(partnership):
    """Leo Patel: police hold him first with no NHS number; health's record (same UPN) holds the NHS number."""
    police = _record(partnership["police"], "P1", given_name="Leo", family_name="Patel", upn=UPN)
    health = _record(partnership["health-gp"], "H1", given_name="Leo", family_name="Patel", upn=UPN, nhs_number=NHS)
    assert police.person_id == health.person_id
    return Person.objects.get(pk=police.person_id)


def test_search_shows_the_nhs_number_a_joined_record_holds(make_actor, leo):
    hub = make_actor("screener", "mash")
    for terms in ({"identifier_type": "nhs_number", "identifier": NHS}, {"name": "Leo Patel", "date_of_birth": DOB}):
        results = person_search(actor=hub, **terms)
        assert [p.pk for p in results] == [leo.pk]
        assert search_result_view(hub, results[0])["details"]["nhs_number"] == NHS


def test_person_page_and_search_resolve_the_name_the_same_way(make_actor, partnership):
    hub = make_actor("screener", "mash")
    police = _record(partnership["police"], "P2", given_name="Lucja", family_name="Walesa", upn=UPN)
    _record(partnership["health-gp"], "H2", given_name="Łucja", family_name="Wałęsa", upn=UPN, nhs_number=NHS)
    shown = person_minimum_details(person_get(actor=hub, person_id=police.person_id))
    assert (shown["forename"], shown["surname"]) == ("Łucja", "Wałęsa")
    found = person_search(actor=hub, name="Lucja Walesa", date_of_birth=DOB)
    details = search_result_view(hub, found[0])["details"]
    assert (details["forename"], details["surname"]) == ("Łucja", "Wałęsa")


def test_the_person_page_says_when_agencies_disagree_on_the_date_of_birth(make_actor, client, partnership):
    hub = make_actor("screener", "mash")
    police = _record(
        partnership["police"], "P3", given_name="Ava", family_name="Reed", upn=UPN, date_of_birth=dt.date(2014, 4, 11)
    )
    health = _record(
        partnership["health-gp"],
        "H3",
        given_name="Ava",
        family_name="Reed",
        upn=UPN,
        date_of_birth=dt.date(2014, 11, 4),
    )
    if police.person_id != health.person_id:  # swapped dates are only proposed: the hub confirms the join
        from openmash.people.models import RecordLink

        link = RecordLink.objects.filter(valid_to__isnull=True).first() or linking.link_propose(
            actor=hub, record_a_id=police.pk, record_b_id=health.pk, reason="Same UPN"
        )
        linking.link_confirm(actor=hub, link_id=link.pk, reason="Same child: same UPN, GP confirms")
        police.refresh_from_db()
    client.force_login(hub.user)
    page = client.get(f"/people/{police.person_id}/").content.decode()
    assert "Agencies disagree" in page
    assert "County Police 11 April 2014" in page
    assert "4 November 2014" in page


@pytest.mark.parametrize(
    ("own", "spellings", "expected"),
    [
        (("Lucja", "Walesa"), [("Łucja", "Wałęsa")], ("Łucja", "Wałęsa")),
        (("Amelia", "Smith Jones"), [("Amelia", "Smith-Jones")], ("Amelia", "Smith-Jones")),
        (("Amelia", "Smith-Jones"), [("Amelia", "Smith Jones")], ("Amelia", "Smith-Jones")),
        (("Leo", "Patel"), [("Leon", "Patil")], ("Leo", "Patel")),  # another name never renames the person
    ],
)
def test_the_fuller_spelling_of_the_same_name_is_shown(own, spellings, expected):
    assert name_preferred(*own, spellings) == expected


def test_chinese_and_korean_names_are_shown_family_name_first():
    assert display_name("小明", "王") == "王小明"
    assert display_name("Xiaoming", "Wang") == "Xiaoming Wang"
    assert display_name("민준", "김") == "김 민준"
    assert display_name("王芳", "Brightwater") == "王芳 Brightwater"  # mixed scripts keep the order given


def test_an_address_held_twice_is_listed_once_with_the_agencies_holding_it(partnership):
    from openmash.people.models import Address

    a = Address(line1="19 Cedar Grove", town="Leeds", postcode="LS12 3RT")
    b = Address(line1="19 cedar grove", town="LEEDS", postcode="LS123RT")
    c = Address(line1="7 Ash Close", town="Leeds", postcode="LS1 1AA")

    class R:
        def __init__(self, agency, address, postcode):
            self.agency, self.address, self.postcode = agency, address, postcode

    police, health = partnership["police"], partnership["health-gp"]
    rows = addresses_deduplicated(
        [a, b, c], [R(police, "19 Cedar Grove, Leeds", "LS12 3RT"), R(health, "19 Cedar Grove", "LS12 3RT")]
    )
    assert [r["address"] for r in rows] == [a, c]
    assert rows[0]["agencies"] == [police.name, health.name]


def test_intake_candidates_show_the_name_as_the_person_page_does(partnership):
    from openmash.matching.candidates import candidate_summary, candidates_for

    police = _record(partnership["police"], "P4", given_name="Amelia", family_name="Smith Jones", upn=UPN)
    _record(partnership["school-oak"], "S4", given_name="Amelia", family_name="Smith-Jones", upn=UPN)
    found = candidates_for({"forename": "Amelia", "surname": "Smith Jones", "date_of_birth": DOB})
    assert [c.person.pk for c in found] == [police.person_id]
    assert candidate_summary(found[0])["surname"] == "Smith-Jones"
    assert found[0].person.full_name == "Amelia Smith-Jones"


def test_search_does_not_say_same_date_of_birth_for_a_date_the_agencies_disagree_on(make_actor, partnership):
    from openmash.people.models import RecordLink

    hub = make_actor("screener", "mash")
    police = _record(
        partnership["police"], "P5", given_name="Ava", family_name="Reed", upn=UPN, date_of_birth=dt.date(2014, 4, 11)
    )
    health = _record(
        partnership["health-gp"],
        "H5",
        given_name="Ava",
        family_name="Reed",
        upn=UPN,
        date_of_birth=dt.date(2014, 11, 4),
    )
    if police.person_id != health.person_id:
        link = RecordLink.objects.filter(valid_to__isnull=True).first() or linking.link_propose(
            actor=hub, record_a_id=police.pk, record_b_id=health.pk, reason="Same UPN"
        )
        linking.link_confirm(actor=hub, link_id=link.pk, reason="Same child: same UPN, GP confirms")
    results = person_search(actor=hub, name="Ava Reed", date_of_birth=dt.date(2014, 11, 4))
    reasons = search_result_view(hub, results[0])["reasons"]
    assert "same date of birth" not in reasons, reasons
    assert any("Riverside GP Practice holds it (agencies disagree" in r for r in reasons), reasons
    shown = person_search(actor=hub, name="Ava Reed", date_of_birth=dt.date(2014, 4, 11))
    assert "same date of birth" in search_result_view(hub, shown[0])["reasons"]
