"""The matching API: the review queue paged, a link side by side, decisions with 422 field messages, unmerging."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.people import linking
from openmash.people.models import LinkState, Person, RecordLink

pytestmark = pytest.mark.django_db


def _records(partnership, nhs_left="", nhs_right="", upn="B801200005001"):
    left, _ = linking.record_create(
        actor=None,
        agency=partnership["school-oak"],
        local_id="S1",
        details={
            "given_name": "Ann",
            "family_name": "Lee",
            "date_of_birth": dt.date(2015, 1, 2),
            "upn": upn,
            "nhs_number": nhs_left,
        },
    )
    right, _ = linking.record_create(
        actor=None,
        agency=partnership["police"],
        local_id="P1",
        details={
            "given_name": "Anne",
            "family_name": "Lee",
            "date_of_birth": dt.date(2015, 1, 2),
            "upn": upn,
            "nhs_number": nhs_right,
        },
    )
    return left, right


def test_the_queue_is_paged_with_both_records_and_their_evidence(partnership, make_actor, api):
    _records(partnership, nhs_left="9434765919", nhs_right="9434765889")  # same UPN, different NHS: proposed
    r = api(make_actor("screener", "mash")).get("/record-links", page_size=1)
    assert r.status_code == 200
    body = r.json()
    assert (body["count"], body["page"], body["page_size"], body["num_pages"]) == (1, 1, 1, 1)
    (item,) = body["items"]
    assert item["state"] == "proposed" and item["current"] and item["nhs_conflict"] is True
    assert {item["record_l"]["agency"], item["record_r"]["agency"]} == {"Oakfield Primary School", "County Police"}
    fields = {f["field"]: f for f in item["fields"]}
    # a shared identifier is the rule's evidence, not a weight (review finding 4)
    assert (
        fields["upn"]["level"] == "exact"
        and fields["upn"]["reason"] == "same UPN: a rule on the identifier, not a weight"
    )
    assert fields["upn"]["weight"] is None
    assert fields["nhs_number"]["level"] == "different" and fields["nhs_number"]["reason"] == "different NHS numbers"
    assert api(make_actor("screener", "mash")).get("/record-links", page_size=0).status_code == 422


def test_confirming_across_nhs_numbers_needs_a_reason_422(partnership, make_actor, api):
    _records(partnership, nhs_left="9434765919", nhs_right="9434765889")
    link = RecordLink.objects.get(valid_to__isnull=True)
    client = api(make_actor("screener", "mash"))
    detail = client.get(f"/record-links/{link.pk}").json()
    assert detail["nhs_conflict"] is True
    r = client.post(f"/record-links/{link.pk}/confirmation", {})
    assert r.status_code == 422
    assert r.json()["errors"] == {
        "reason": ["These records have different NHS numbers: give the reason you are sure they are the same person"]
    }
    long = client.post(f"/record-links/{link.pk}/confirmation", {"reason": "x" * 501})
    assert long.status_code == 422 and "reason" in long.json()["errors"]
    ok = client.post(f"/record-links/{link.pk}/confirmation", {"reason": "The old number was a temporary one"})
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed" and ok.json()["rule"] == "reviewer"
    assert client.post(f"/record-links/{link.pk}/confirmation", {}).status_code == 409  # decided already


def test_a_manager_ends_a_link_and_separates_a_person(partnership, make_actor, api):
    left, right = _records(partnership, nhs_left="9434765919", nhs_right="9434765919")
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.CONFIRMED)
    screener, manager = api(make_actor("screener", "mash")), api(make_actor("manager", "mash"))
    assert screener.post(f"/record-links/{link.pk}/end", {"reason": "Twins"}).status_code == 403
    blank = manager.post(f"/record-links/{link.pk}/end", {"reason": ""})
    assert blank.status_code == 422 and blank.json()["errors"] == {
        "reason": ["Give the reason these are not the same person"]
    }
    ended = manager.post(f"/record-links/{link.pk}/end", {"reason": "Twins"})
    assert ended.status_code == 200 and ended.json()["state"] == "rejected"
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    nobody = manager.post(f"/people/{right.origin_person_id}/separation", {"reason": "Twins"})
    assert nobody.status_code == 422 and "person_id" in nobody.json()["errors"]
    assert manager.post(f"/people/{left.origin_person_id}/separation", {"reason": 5}).status_code == 422


def test_an_engine_scored_link_explains_its_score_in_words(partnership, make_actor, api):
    import datetime as dt

    from openmash.matching import scoring

    base = {"given_name": "Amelia", "family_name": "Hartley", "sex": "F", "postcode": "EX3 1AB"}
    linking.record_create(
        actor=None, agency=partnership["police"], local_id="P1", details={**base, "date_of_birth": dt.date(2015, 6, 14)}
    )
    right, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G1",
        details={**base, "date_of_birth": dt.date(2015, 6, 24), "sex": "M", "postcode": "TQ9 9ZZ"},
    )
    scoring.records_score([right])
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.PROPOSED)
    r = api(make_actor("screener", "mash")).get(f"/record-links/{link.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["rule"] == "matching" and body["match_probability"] == pytest.approx(link.match_probability)
    dob = link.field_weights["date_of_birth"]
    assert f"date of birth: {dob['reason']}, +{dob['weight']:.1f}" in body["explanation"]
    assert body["explanation"][0].startswith("starting point: ")
    fields = {f["field"]: f for f in body["fields"]}
    assert fields["date_of_birth"]["weight"] == pytest.approx(dob["weight"])
    assert fields["postcode"]["weight"] == pytest.approx(link.field_weights["location"]["weight"])
    (listed,) = api(make_actor("screener", "mash")).get("/record-links").json()["items"]
    assert listed["explanation"] == body["explanation"]  # the queue lists the same explanation


def test_the_list_filters_by_state_and_refuses_an_unknown_state(partnership, make_actor, api):
    """Practitioners' review: `?state=` was ignored (the queue came back whatever was asked)."""
    _records(partnership, nhs_left="9434765919", nhs_right="9434765889")  # proposed
    for agency, local_id in (
        ("school-oak", "S2"),
        ("police", "P2"),
    ):  # the same NHS number: joined by the identifier rule
        details = {"given_name": "Bea", "family_name": "Moss", "date_of_birth": dt.date(2014, 5, 6)}
        linking.record_create(
            actor=None, agency=partnership[agency], local_id=local_id, details={**details, "nhs_number": "9993141593"}
        )
    client = api(make_actor("screener", "mash"))
    proposed = client.get("/record-links", state="proposed").json()["items"]
    confirmed = client.get("/record-links", state="confirmed").json()["items"]
    assert [i["state"] for i in proposed] == ["proposed"]
    assert confirmed and {i["state"] for i in confirmed} == {"confirmed"}
    assert client.get("/record-links", state="rejected").json()["count"] == 0
    assert client.get("/record-links", state="merged").status_code == 422
