"""Issue 6, leftovers of the practitioner review: where the agency records joined into a person disagree on the sex
or the current address, the person page, the API person detail and the record's CSV say so with the agencies (as
they already did for the date of birth), through the field table's "disagreements" field (hub and allocated worker
only: it names which agency holds what)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone

from openmash.access.fields import field_access
from openmash.people import linking
from openmash.people.api import person_out
from openmash.people.selectors import person_get
from openmash.people.summary import address_disagreement, disagreements_text, sex_disagreement

UPN = "B801200005001"
DOB = dt.date(2016, 6, 2)


def _record(agency, local_id, *, days_ago: int, **details):
    details.setdefault("date_of_birth", DOB)
    details.setdefault("given_name", "Kai")
    details.setdefault("family_name", "Morgan")
    details.setdefault("upn", UPN)
    received = timezone.now() - dt.timedelta(days=days_ago)
    record, _ = linking.record_create(
        actor=None, agency=agency, local_id=local_id, details=details, received_at=received
    )
    record.refresh_from_db()
    return record


def _fake(agency: str, *, sex="U", address="", postcode="", sent=None):
    return SimpleNamespace(
        agency=SimpleNamespace(name=agency), sex=sex, address=address, postcode=postcode, received_at=sent
    )


def test_sex_disagreement_lists_each_sex_with_its_agencies_and_ignores_not_recorded():
    records = [_fake("Police", sex="M"), _fake("GP", sex="F"), _fake("School", sex="U"), _fake("Health", sex="M")]
    assert sex_disagreement("F", records) == [("F", ["GP"]), ("M", ["Police", "Health"])]
    assert sex_disagreement("M", [_fake("Police", sex="M"), _fake("School", sex="U")]) == []


def test_address_disagreement_groups_one_address_and_marks_the_most_recent():
    old, new = dt.date(2025, 1, 10), dt.date(2026, 3, 4)
    records = [
        _fake("Police", address="4 Elm Road, Exeter", postcode="EX1 1AA", sent=old),
        _fake("GP", address="4 elm road", postcode="ex11aa", sent=old),  # the same address, spelt otherwise
        _fake("School", address="9 Oak Lane, Exeter", postcode="EX2 2BB", sent=new),
        _fake("Health", sent=new),  # no address: says nothing
    ]
    rows = address_disagreement(records)
    assert [r["postcode"] for r in rows] == ["EX2 2BB", "EX1 1AA"]
    assert [r["latest"] for r in rows] == [True, False]
    assert rows[1]["held"] == [("Police", old), ("GP", old)]
    assert address_disagreement(records[:2]) == []  # the same address twice is no disagreement
    # two homes at one postcode are two addresses
    assert len(address_disagreement([_fake("A", address="1 Elm Road", postcode="EX1 1AA", sent=old),
                                     _fake("B", address="3 Elm Road", postcode="EX1 1AA", sent=new)])) == 2  # fmt: skip
    text = disagreements_text({"address": rows})
    assert "9 Oak Lane, Exeter, EX2 2BB: School" in text and "most recent" in text


@pytest.fixture
def kai(partnership):
    """Kai Morgan: police record him as male at one address, the GP as female at another, sent later."""
    police = _record(
        partnership["police"], "P1", days_ago=40, sex="M", address="4 Elm Road, Exeter", postcode="EX1 1AA"
    )
    gp = _record(partnership["health-gp"], "G1", days_ago=3, sex="F", address="9 Oak Lane, Exeter", postcode="EX2 2BB")
    assert police.person_id == gp.person_id  # same UPN, same name and date of birth: joined
    return police.person_id


@pytest.mark.django_db
def test_the_person_page_shows_the_sex_and_address_disagreements_with_the_agencies(make_actor, client, kai):
    hub = make_actor("screener", "mash")
    client.force_login(hub.user)
    page = client.get(f"/people/{kai}/").content.decode()
    assert 'data-testid="sex-disagreement"' in page
    assert "Male: County Police" in page and "Female: Riverside GP Practice" in page
    assert 'data-testid="address-disagreement"' in page
    held = page.split('data-testid="disagreements"')[1].split("</dd>")[0]
    assert held.index("9 Oak Lane") < held.index("Most recent") < held.index("4 Elm Road")


@pytest.mark.django_db
def test_the_api_shows_the_disagreements_only_to_whom_the_field_table_shows_the_agency_records(make_actor, kai):
    hub = make_actor("screener", "mash")
    person = person_get(actor=hub, person_id=kai)
    body = person_out(hub, person)
    assert "disagreements" in body["fields"]
    found = body["disagreements"]
    assert {(s["sex"], tuple(s["agencies"])) for s in found["sex"]} == {
        ("M", ("County Police",)),
        ("F", ("Riverside GP Practice",)),
    }
    assert [(a["postcode"], a["latest"]) for a in found["address"]] == [("EX2 2BB", True), ("EX1 1AA", False)]
    assert found["date_of_birth"] == []
    # an agency researcher (the minimum details) is not told which agency holds what
    agency = field_access(hub, person, record_type="person", audience="agency")
    assert person_out(hub, person, access=agency).get("disagreements") is None


@pytest.mark.django_db
def test_the_record_csv_says_where_the_agencies_disagree(make_actor, client, kai):
    hub = make_actor("screener", "mash")
    client.force_login(hub.user)
    rows = list(csv.reader(io.StringIO(client.get(f"/people/{kai}/record.csv").content.decode())))
    text = next(r[2] for r in rows if r[0] == "disagreements")
    assert "Sex Male: County Police" in text and "Sex Female: Riverside GP Practice" in text
    assert "9 Oak Lane, Exeter, EX2 2BB: Riverside GP Practice" in text
