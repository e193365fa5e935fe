"""One field-visibility answer (issue 5, "the house as it grows"; docs/security/access-and-audit.md): the hub-only
views of people that chose person fields by themselves -- the record-link review, a pattern flag's child and the
person search's own rule for people outside the searcher's basis -- now read the field table
(openmash.access.field_table: record types "record_link", "flag_child", "search_result"). Each test changes one
table entry and shows the page and the API follow it: a view that picked its own fields would still show them."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.access import field_table
from openmash.access.fields import SEARCH_RESULT_FIELDS, person_search_fields
from openmash.people import linking

pytestmark = pytest.mark.django_db

NHS = "9434765919"
NHS_SHOWN = "943 476 5919"


@pytest.fixture
def link(partnership):
    left, _ = linking.record_create(
        actor=None,
        agency=partnership["police"],
        local_id="P-one",
        details={"given_name": "Pat", "family_name": "Tablelink", "nhs_number": NHS},
    )
    right, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G-one",
        details={"given_name": "Patt", "family_name": "Tablelink", "postcode": "EX1 1AA"},
    )
    return linking.link_propose(
        actor=None,
        record_a_id=left.pk,
        record_b_id=right.pk,
        match_weight=7.25,
        match_probability=0.91,
        field_weights={},
        rule="fellegi_sunter",
        reason="Between the thresholds",
    )


def login(actor):
    client = Client()
    client.force_login(actor.user)
    return client


def _table(monkeypatch, audience: str, record_type: str, groups: tuple[str, ...]) -> None:
    monkeypatch.setitem(field_table.VISIBLE, audience, {**field_table.VISIBLE[audience], record_type: groups})


def test_the_record_link_review_renders_from_the_field_table(monkeypatch, link, make_actor, api):
    screener = make_actor("screener", "mash")
    client, token = login(screener), api(screener)
    page = client.get(f"/matching/links/{link.pk}/").content.decode()
    assert NHS_SHOWN in page and "EX1 1AA" in page  # the hub's answer today: every group
    _table(monkeypatch, "hub", "record_link", ("identity", "provenance"))  # no identifiers, no postcode or address
    page = client.get(f"/matching/links/{link.pk}/").content.decode()
    assert NHS_SHOWN not in page and "EX1 1AA" not in page and "Tablelink" in page
    out = token.get(f"/record-links/{link.pk}").json()
    assert out["record_l"]["nhs_number"] == "" and out["record_r"]["postcode"] == ""
    assert out["record_l"]["family_name"] == "Tablelink"
    assert {row["field"] for row in out["fields"]} == {"given_name", "family_name", "date_of_birth", "sex"}
    listed = token.get("/record-links").json()["items"][0]
    assert listed["record_l"]["nhs_number"] == "" and {r["field"] for r in listed["fields"]} >= {"given_name"}
    _table(monkeypatch, "hub", "record_link", ("provenance",))
    queue = client.get("/matching/").content.decode()
    assert "Tablelink" not in queue and 'data-testid="review-row"' in queue


def test_a_flag_s_child_renders_from_the_field_table(monkeypatch, make_actor, api):
    from openmash.patterns.tests.flagfactory import flag_make

    flag = flag_make()
    screener = make_actor("screener", "mash")
    client, token = login(screener), api(screener)
    assert "Kayden Flagchild" in client.get(f"/flags/{flag.pk}/").content.decode()
    _table(monkeypatch, "hub", "flag_child", ())
    detail = client.get(f"/flags/{flag.pk}/").content.decode()
    assert "Flagchild" not in detail and "Name not known" in detail
    assert "Flagchild" not in client.get("/flags/").content.decode()
    assert "Flagchild" not in client.get(f"/flags/{flag.pk}/accept/").content.decode()
    child = token.get("/flags").json()["items"][0]["child"]
    assert child["name"] == "" and child["date_of_birth"] is None and child["age"] == ""


def test_the_search_s_rule_is_the_field_table_s(monkeypatch, make_actor):
    from openmash.patterns.tests.flagfactory import person_make

    person = person_make()
    referrer, hub = make_actor("referrer", "police"), make_actor("screener", "mash")
    assert person_search_fields(referrer, person, in_basis=False) == SEARCH_RESULT_FIELDS
    assert {"postcode", "nhs_number"} <= person_search_fields(hub, person, in_basis=True)
    _table(monkeypatch, "no_basis", "search_result", ())
    assert person_search_fields(referrer, person, in_basis=False) == frozenset()
    _table(monkeypatch, "hub", "search_result", ("recognise",))
    assert not {"postcode", "nhs_number"} & person_search_fields(hub, person, in_basis=True)
