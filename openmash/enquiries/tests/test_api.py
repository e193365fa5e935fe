"""Enquiries API: list/detail, re-rating with version (409 when stale), agency requests, the agency inbox,
one-step responses, decisions. Bad input is 422 with field errors and writes nothing."""

import datetime as dt

import pytest

from conftest import contact_payload
from openmash.enquiries.models import AgencyRequest, AgencyResponse, Decision, Notification, Referral
from tests.support import NO_CHECKS_REASON, requests_send, respond, row_counts, subject_person


@pytest.fixture
def enquiry(make_enquiry):
    return make_enquiry(rag="amber")


def test_enquiry_list_and_detail(api, screener, enquiry, health):
    requests_send(screener, enquiry, "health-gp", "police")
    respond(health, AgencyRequest.objects.get(agency__code="health-gp"))
    r = api(screener).get("/enquiries")
    assert r.status_code == 200
    [item] = [e for e in r.json()["items"] if e["id"] == str(enquiry.pk)]
    assert (item["rag"], item["requests_total"], item["requests_open"]) == ("amber", 2, 1)
    assert item["subjects"][0]["surname"] == "Testchild"

    detail = api(screener).get(f"/enquiries/{enquiry.pk}").json()
    assert detail["version"] == 1 and detail["narrative"].startswith("Child disclosed")
    by_agency = {r["agency_code"]: r for r in detail["agency_requests"]}
    assert by_agency["health-gp"]["response"]["summary"].startswith("Known to the practice")
    assert by_agency["police"]["response"] is None
    assert [c["to_rag"] for c in detail["rag_history"]] == ["amber"]


def test_enquiry_list_filters(api, screener, manager, make_enquiry):
    open_one, decided = make_enquiry(), make_enquiry()
    api(manager).post(
        f"/enquiries/{decided.pk}/decision",
        {"outcomes": ["nfa"], "threshold_level": 1, "rationale": "No concerns", "exception_reason": NO_CHECKS_REASON},
    )
    ids = lambda path: {e["id"] for e in api(screener).get(path).json()["items"]}  # noqa: E731
    assert ids("/enquiries") == {str(open_one.pk)}
    assert ids("/enquiries?status=decided") == {str(decided.pk)}
    assert ids("/enquiries?status=") == {str(open_one.pk), str(decided.pk)}
    assert ids("/enquiries?overdue=true") == set()  # amber is due in three working days


# --- re-rating -----------------------------------------------------------------------------------------------


def test_rerate_changes_rating_and_version(api, screener, enquiry):
    r = api(screener).post(f"/enquiries/{enquiry.pk}/rag", {"rag": "red", "reason": "New disclosure", "version": 1})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["rag"], body["version"]) == ("red", 2)
    assert dt.datetime.fromisoformat(body["due_at"]) < enquiry.due_at
    assert [(c["from_rag"], c["to_rag"], c["reason"]) for c in body["rag_history"]][-1] == (
        "amber",
        "red",
        "New disclosure",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rag": "red", "reason": "", "version": 1}, "reason"),
        ({"rag": "red", "reason": "Why", "version": "one"}, "version"),
        ({"rag": "purple", "reason": "Why", "version": 1}, "rag"),
        ({"rag": "amber", "reason": "Why", "version": 1}, "rag"),
    ],
)
def test_rerate_bad_input_is_422(api, screener, enquiry, data, field):
    client = api(screener)
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/rag", data)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert row_counts() == before


def test_rerate_without_a_version_is_428(api, screener, enquiry):
    """CC-1: no version at all is 428 Precondition Required (tests/test_concurrency_versions.py covers every
    versioned endpoint); nothing changes."""
    client = api(screener)  # its token is audited: made before counting
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/rag", {"rag": "red", "reason": "Why"})
    assert r.status_code == 428, r.content
    assert "version" in r.json()["errors"]
    assert row_counts() == before


def test_rerate_with_stale_version_is_409(api, screener, manager, enquiry):
    first = api(screener).post(f"/enquiries/{enquiry.pk}/rag", {"rag": "red", "reason": "A", "version": 1})
    assert first.status_code == 200
    client = api(manager)
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/rag", {"rag": "green", "reason": "B", "version": 1})
    assert r.status_code == 409
    assert row_counts() == before
    assert api(screener).get(f"/enquiries/{enquiry.pk}").json()["rag"] == "red"


# --- agency requests and the inbox -----------------------------------------------------------------------------


def test_agency_requests_created(api, screener, enquiry):
    r = api(screener).post(
        f"/enquiries/{enquiry.pk}/agency-requests", {"agency_codes": ["health-gp", "school-oak"], "question": "Q?"}
    )
    assert r.status_code == 201, r.content
    reqs = r.json()["agency_requests"]
    assert sorted(x["agency_code"] for x in reqs) == ["health-gp", "school-oak"]
    assert all(x["status"] == "open" and x["question"] == "Q?" for x in reqs)


@pytest.mark.parametrize(
    "codes",
    [["no-such-agency"], ["health-gp", "no-such-agency"], ["mash"], []],
)
def test_unknown_or_hub_agency_is_422_and_saves_nothing(api, screener, enquiry, codes):
    client = api(screener)
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/agency-requests", {"agency_codes": codes})
    assert r.status_code == 422, r.content
    assert "agency_codes" in r.json()["errors"]
    assert row_counts() == before


def test_asking_an_agency_twice_is_422(api, screener, enquiry):
    requests_send(screener, enquiry, "health-gp")
    r = api(screener).post(f"/enquiries/{enquiry.pk}/agency-requests", {"agency_codes": ["health-gp"]})
    assert r.status_code == 422
    assert "Already asked: health-gp" in r.json()["errors"]["agency_codes"]


def test_inbox_shows_only_own_agency_with_minimum_details(api, screener, enquiry, make_enquiry, health, school):
    other = make_enquiry(subjects=[{**contact_payload()["subjects"][0], "forename": "Other", "identifiers": []}])
    requests_send(screener, enquiry, "health-gp")
    requests_send(screener, other, "school-oak")
    r = api(health).get("/agency-requests")
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["id"] == str(AgencyRequest.objects.get(agency__code="health-gp").pk)
    minimum = {"forename", "surname", "date_of_birth", "expected_date_of_birth", "sex", "postcode", "nhs_number"}
    assert set(item["subjects"][0]) == minimum | {"role"}
    nhs = subject_person(enquiry.contact).identifiers.get(identifier_type="nhs_number").value
    assert item["subjects"][0]["nhs_number"] == nhs
    # the household adults come with the same minimum details, and without what the referrer alleged about them
    [adult] = item["household"]
    assert set(adult) == minimum | {"role"}
    assert (adult["forename"], adult["surname"], adult["date_of_birth"], adult["role"]) == (
        "Dean",
        "Testadult",
        "1988-01-01",
        "adult",
    )
    assert "perpetrator" not in r.content.decode()
    assert "narrative" not in item and "Child disclosed" not in r.content.decode()
    assert [i["subjects"][0]["forename"] for i in api(school).get("/agency-requests").json()["items"]] == ["Other"]


def test_inbox_status_filter(api, screener, enquiry, health):
    [req] = requests_send(screener, enquiry, "health-gp")
    assert len(api(health).get("/agency-requests", status="open").json()["items"]) == 1
    respond(health, req)
    assert api(health).get("/agency-requests", status="open").json()["items"] == []
    assert len(api(health).get("/agency-requests", status="responded").json()["items"]) == 1


# --- responses -----------------------------------------------------------------------------------------------


def test_response_in_one_step_then_409(api, screener, enquiry, health):
    [req] = requests_send(screener, enquiry, "health-gp")
    r = api(health).post(
        f"/agency-requests/{req.pk}/response", {"summary": "Seen at A&E", "risk_indicators": ["injury"]}
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "responded" and r.json()["response"]["risk_indicators"] == ["injury"]
    again = api(health).post(f"/agency-requests/{req.pk}/response", {"no_information": True})
    assert again.status_code == 409
    assert AgencyResponse.objects.filter(request=req).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"no_information": True, "summary": "Actually we know"}, "no_information"),
        ({"summary": ""}, "summary"),
        ({"summary": "x", "risk_indicators": ["made_up"]}, "risk_indicators"),
        ({"summary": "x", "sensitivity": "secret"}, "sensitivity"),
    ],
)
def test_bad_response_is_422_and_saves_nothing(api, screener, enquiry, health, data, field):
    [req] = requests_send(screener, enquiry, "health-gp")
    client = api(health)
    before = row_counts()
    r = client.post(f"/agency-requests/{req.pk}/response", data)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert row_counts() == before


def test_other_agencys_request_is_404(api, screener, enquiry, school):
    [req] = requests_send(screener, enquiry, "health-gp")
    r = api(school).post(f"/agency-requests/{req.pk}/response", {"no_information": True})
    assert r.status_code == 404
    assert "Testchild" not in r.content.decode()


# --- decisions -----------------------------------------------------------------------------------------------


def test_decision_by_manager(api, manager, screener, enquiry, referrer):
    requests_send(screener, enquiry, "health-gp")
    r = api(manager).post(
        f"/enquiries/{enquiry.pk}/decision",
        {
            "outcomes": ["assessment_s17"],
            "threshold_level": 3,
            "rationale": "Assess",
            "next_steps": "Allocate",
            "unanswered_confirmed": True,  # health has not answered yet
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "decided"
    assert r.json()["decision"]["outcomes"] == ["assessment_s17"]
    assert Referral.objects.filter(contact=enquiry.contact).count() == 1
    note = Notification.objects.get(user=referrer.user)
    assert "Testchild" not in note.message and "bruising" not in note.message.lower()
    mine = api(referrer).get(f"/contacts/{enquiry.contact_id}").json()
    assert mine["decision_outcomes"] == ["assessment_s17"] and mine["enquiry_id"] is None


def test_decision_by_screener_is_403(api, screener, enquiry):
    client = api(screener)
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/decision", {"outcomes": ["nfa"], "threshold_level": 1, "rationale": "x"})
    assert r.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcomes": ["made_up"], "threshold_level": 3, "rationale": "x"}, "outcomes"),
        ({"outcomes": ["nfa"], "threshold_level": 7, "rationale": "x"}, "threshold_level"),
        ({"outcomes": ["nfa"], "threshold_level": 1, "rationale": " "}, "rationale"),
        ({"outcomes": ["nfa"], "rationale": "x"}, "threshold_level"),
    ],
)
def test_bad_decision_is_422(api, manager, enquiry, data, field):
    client = api(manager)
    before = row_counts()
    r = client.post(f"/enquiries/{enquiry.pk}/decision", data)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert row_counts() == before


def test_second_decision_is_409(api, manager, enquiry, make_actor):
    data = {"outcomes": ["nfa"], "threshold_level": 1, "rationale": "x", "exception_reason": NO_CHECKS_REASON}
    assert api(manager).post(f"/enquiries/{enquiry.pk}/decision", data).status_code == 201
    other = api(make_actor("manager", "mash"))
    before = row_counts()
    assert other.post(f"/enquiries/{enquiry.pk}/decision", data).status_code == 409
    assert row_counts() == before
    assert Decision.objects.count() == 1


def test_malformed_ids_are_404_or_422_never_500(api, screener):
    assert api(screener).get("/enquiries/not-a-uuid").status_code in (404, 422)
    assert api(screener).get("/enquiries/00000000-0000-0000-0000-000000000000").status_code == 404
