"""Agency requests through their life (issue 5 fault 7 and the agency-request work):

- deciding the enquiry closes the requests still open ("closed: decided"), tells their agencies, and they leave
  the open inbox;
- an answer to a closed request is accepted as late information (ADR 0003): flagged late, the hub's managers
  and the deciding manager are told;
- a question per agency (with a default); the agency's due time is a lead (partnership data, default 4 working
  hours) before the enquiry is due;
- a researcher amends an answer: versioned, the previous version kept, the hub sees it changed and when, a stale
  version is a conflict.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.enquiries.choices import DEFAULT_REQUEST_QUESTION
from openmash.enquiries.models import AgencyRequest, AgencyResponse, AgencyResponseRevision, Notification
from openmash.enquiries.services import agency_requests_create, agency_response_amend
from openmash.partnership.models import PartnershipSettings
from tests.support import decide, requests_send, respond, row_counts

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def asked(make_enquiry, screener):
    enquiry = make_enquiry()
    gp, oak = requests_send(screener, enquiry, "health-gp", "school-oak")
    return enquiry, gp, oak


# --- closing on decision, late information ----------------------------------------------------------------------


def test_the_decision_closes_open_requests_and_tells_their_agency(asked, manager, health, school, api):
    enquiry, gp, oak = asked
    respond(school, oak)
    decide(manager, enquiry)
    gp.refresh_from_db()
    oak.refresh_from_db()
    assert (gp.status, oak.status) == ("closed", "responded")
    assert gp.get_status_display() == "Closed: decided"
    [note] = Notification.objects.filter(user=health.user).values_list("message", flat=True)
    assert note == f"Request for {enquiry.contact.reference} closed: the MASH has decided"
    assert AuditEvent.objects.filter(action="close", object_id=str(gp.pk)).exists()
    client = api(health)
    assert client.get("/agency-requests", status="open").json()["items"] == []  # gone from the open inbox
    [closed] = client.get("/agency-requests", status="closed").json()["items"]
    assert (closed["id"], closed["status"]) == (str(gp.pk), "closed")
    hub = api(manager).get(f"/enquiries/{enquiry.pk}").json()
    assert {r["agency_code"]: r["status"] for r in hub["agency_requests"]} == {
        "health-gp": "closed",
        "school-oak": "responded",
    }


def test_a_late_answer_is_kept_as_late_information_and_the_hub_is_told(asked, manager, make_actor, health, api):
    enquiry, gp, _ = asked
    other_manager = make_actor("manager", "mash")
    decide(manager, enquiry)
    r = api(health).post(f"/agency-requests/{gp.pk}/response", {"summary": "Missed immunisations since 2024"})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "responded" and r.json()["response"]["late"] is True
    response = AgencyResponse.objects.get(request=gp)
    assert response.late and response.summary == "Missed immunisations since 2024"
    for m in (manager, other_manager):
        assert Notification.objects.filter(
            user=m.user, message__startswith="Late information: Riverside GP Practice answered after the decision"
        ).exists()
    detail = api(manager).get(f"/enquiries/{enquiry.pk}").json()
    gp_out = next(x for x in detail["agency_requests"] if x["agency_code"] == "health-gp")
    assert gp_out["response"]["late"] is True
    assert (
        enquiry.contact.people.get(role="subject")
        .person.chronology.filter(kind="agency_response", summary__endswith="(after the decision)")
        .exists()
    )
    again = api(health).post(f"/agency-requests/{gp.pk}/response", {"summary": "Again"})
    assert again.status_code == 409 and "already been answered" in again.json()["detail"]


def test_closed_requests_are_not_escalated(asked, manager):
    from openmash.enquiries.services import agency_requests_escalate_overdue

    enquiry, gp, _ = asked
    decide(manager, enquiry)
    assert agency_requests_escalate_overdue(now=gp.due_at + dt.timedelta(days=3)) == 0


# --- questions and due times ---------------------------------------------------------------------------------


def test_each_agency_can_have_its_own_question_and_blank_means_the_default(make_enquiry, screener, api):
    enquiry = make_enquiry()
    r = api(screener).post(
        f"/enquiries/{enquiry.pk}/agency-requests",
        {
            "agency_codes": ["health-gp", "school-oak", "police"],
            "question": "",
            "questions": {"health-gp": "Is she registered and seen this year?", "police": "  "},
        },
    )
    assert r.status_code == 201, r.content
    asked = {r.agency.code: r.question for r in AgencyRequest.objects.select_related("agency")}  # encrypted column
    assert asked == {
        "health-gp": "Is she registered and seen this year?",
        "school-oak": DEFAULT_REQUEST_QUESTION,
        "police": DEFAULT_REQUEST_QUESTION,
    }


def test_a_question_for_an_agency_not_asked_is_refused(make_enquiry, screener, api):
    enquiry = make_enquiry()
    client = api(screener)
    before = row_counts()
    r = client.post(
        f"/enquiries/{enquiry.pk}/agency-requests",
        {"agency_codes": ["health-gp"], "questions": {"police": "Anything?"}},
    )
    assert r.status_code == 422
    assert r.json()["errors"]["questions"] == ["A question for an agency that is not being asked: police"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("lead", "rag", "expected"),
    [
        (4, "amber", dt.datetime(2026, 1, 14, 14, tzinfo=LONDON)),  # due Thu 10:00 -> 4 working hours earlier
        (8, "amber", dt.datetime(2026, 1, 14, 10, tzinfo=LONDON)),  # a longer lead, as partnership data
        (0, "amber", dt.datetime(2026, 1, 15, 10, tzinfo=LONDON)),  # no lead: the enquiry's due time
        (4, "red", dt.datetime(2026, 1, 12, 12, tzinfo=LONDON)),  # red: half the 4 hours left, not none
    ],
)
def test_the_agency_due_time_is_a_lead_before_the_enquiry_is_due(make_enquiry, screener, lead, rag, expected):
    PartnershipSettings.objects.update(agency_lead_working_hours=lead)
    with time_machine.travel(dt.datetime(2026, 1, 12, 10, tzinfo=LONDON), tick=False):  # Monday 10:00
        enquiry = make_enquiry(rag=rag)
        [request] = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp"])
    assert request.due_at == expected
    assert request.due_at <= enquiry.due_at


# --- amending an answer -------------------------------------------------------------------------------------


def _amend(client, request, **data):
    body = {"version": 1, "reason": "Found a later record", "summary": "Three missed appointments", **data}
    return client.post(f"/agency-requests/{request.pk}/response/amendments", body)


def test_an_answer_is_amended_with_the_previous_version_kept(asked, health, screener, api):
    enquiry, gp, _ = asked
    respond(health, gp, summary="Two missed appointments", risk_indicators=["non_attendance"])
    r = _amend(api(health), gp, risk_indicators=["non_attendance", "neglect"])
    assert r.status_code == 201, r.content
    out = r.json()["response"]
    assert (out["summary"], out["version"], out["amendment_reason"]) == (
        "Three missed appointments",
        2,
        "Found a later record",
    )
    assert out["amended_at"] is not None
    [previous] = out["previous_versions"]
    assert (previous["version"], previous["summary"], previous["risk_indicators"]) == (
        1,
        "Two missed appointments",
        ["non_attendance"],
    )
    hub = api(screener).get(f"/enquiries/{enquiry.pk}").json()
    gp_out = next(x for x in hub["agency_requests"] if x["agency_code"] == "health-gp")["response"]
    assert gp_out["version"] == 2 and gp_out["amended_at"] == out["amended_at"]
    assert gp_out["previous_versions"][0]["summary"] == "Two missed appointments"
    assert AuditEvent.objects.filter(action="update", object_type="enquiries.agencyresponse").exists()


def test_a_stale_amendment_is_a_conflict_and_changes_nothing(asked, health, make_actor, api):
    _, gp, _ = asked
    respond(health, gp)
    colleague = api(make_actor("researcher", "health-gp"))
    mine = api(health)
    assert _amend(mine, gp).status_code == 201
    before = row_counts()
    late = _amend(colleague, gp, summary="Something else")  # read version 1, but it is now version 2
    assert late.status_code == 409 and "changed this answer" in late.json()["detail"]
    assert row_counts() == before
    assert AgencyResponse.objects.get(request=gp).summary == "Three missed appointments"


def test_concurrent_amendments_in_the_service_one_wins(asked, health, make_actor):
    _, gp, _ = asked
    respond(health, gp)
    other = make_actor("researcher", "health-gp")
    agency_response_amend(actor=health, request_id=gp.pk, version=1, reason="A", no_information=False, summary="A")
    with pytest.raises(Conflict):
        agency_response_amend(actor=other, request_id=gp.pk, version=1, reason="B", no_information=False, summary="B")
    assert AgencyResponseRevision.objects.filter(response__request=gp).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"summary": "Known to the practice; two missed appointments"}, "summary"),  # unchanged
        ({"summary": ""}, "summary"),
        ({"risk_indicators": ["made_up"]}, "risk_indicators"),
    ],
)
def test_bad_amendments_are_422_on_their_field(asked, health, api, data, field):
    _, gp, _ = asked
    respond(health, gp)
    client = api(health)
    before = row_counts()
    r = _amend(client, gp, **data)
    assert r.status_code == 422 and field in r.json()["errors"]
    assert row_counts() == before


def test_only_the_answering_agency_amends(asked, health, school, screener):
    _, gp, _ = asked
    respond(health, gp)
    with pytest.raises(NotFound):
        agency_response_amend(actor=school, request_id=gp.pk, version=1, reason="x", no_information=True)
    with pytest.raises(PermissionDenied):  # the hub sees the answer but does not write it
        agency_response_amend(actor=screener, request_id=gp.pk, version=1, reason="x", no_information=True)


def test_an_unanswered_request_cannot_be_amended(asked, health):
    _, gp, _ = asked
    with pytest.raises(Conflict):
        agency_response_amend(actor=health, request_id=gp.pk, version=1, reason="x", no_information=True)


def test_amending_after_the_decision_tells_the_hub(asked, health, manager):
    enquiry, gp, _ = asked
    respond(health, gp)
    decide(manager, enquiry)
    agency_response_amend(
        actor=health, request_id=gp.pk, version=1, reason="Checked", no_information=False, summary="New"
    )
    assert Notification.objects.filter(user=manager.user, message__startswith="Changed information:").exists()


def test_validation_failed_is_the_error_type(asked, health):
    _, gp, _ = asked
    respond(health, gp)
    with pytest.raises(ValidationFailed):
        agency_response_amend(actor=health, request_id=gp.pk, version=1, reason="", no_information=True)
