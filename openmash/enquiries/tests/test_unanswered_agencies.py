"""Agencies that did not answer are never counted as answered (practitioner review, fault 5). A manager decided an
enquiry that 0 of 4 agencies had answered with no warning, and the decided list then said "Agencies answered 4 of
4": the requests the decision closed were counted as answers. Deciding before every agency answered now needs an
explicit confirmation (API field and page checkbox), and answered / closed unanswered are shown apart everywhere:
the lists, the enquiry page, the MASH pack, the API."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import ValidationFailed
from openmash.enquiries.models import Decision
from openmash.enquiries.services import enquiry_decide
from tests.support import decide, enquiry_open, requests_send, respond

AGENCIES = ("police", "health-gp", "school-oak", "probation")


@pytest.fixture
def login():
    def _login(actor):
        client = Client()
        client.force_login(actor.user)
        return client

    return _login


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def asked_four(make_actor):
    screener = make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=screener)
    requests_send(screener, enquiry, *AGENCIES)
    return enquiry


def _decide(manager, enquiry, **extra):
    return enquiry_decide(
        actor=manager,
        enquiry_id=enquiry.pk,
        outcomes=["assessment_s17"],
        threshold_level=3,
        rationale="Needs an assessment",
        **extra,
    )


def test_deciding_before_any_agency_answered_needs_a_confirmation_naming_them(manager, asked_four):
    with pytest.raises(ValidationFailed) as exc:
        _decide(manager, asked_four)
    [message] = exc.value.errors["unanswered_confirmed"]
    assert message.startswith("4 of 4 agencies asked have not answered (County Police, Oakfield Primary School")
    assert not Decision.objects.exists()
    _decide(manager, asked_four, unanswered_confirmed=True)
    event = AuditEvent.objects.get(action="decide", object_id=str(asked_four.pk))
    assert event.detail["unanswered"] == 4


def test_no_confirmation_is_asked_when_every_agency_answered(manager, asked_four, make_actor):
    for request in asked_four.agency_requests.all():
        respond(make_actor("researcher", request.agency.code), request)
    _decide(manager, asked_four)  # nothing unanswered: no confirmation needed
    assert Decision.objects.filter(enquiry=asked_four).exists()


def test_closed_requests_are_never_counted_as_answered(manager, asked_four, make_actor, login, api):
    [gp] = [r for r in asked_four.agency_requests.all() if r.agency.code == "health-gp"]
    respond(make_actor("researcher", "health-gp"), gp)
    decide(manager, asked_four, exception_reason="")
    listed = login(manager).get("/enquiries/?status=decided").content.decode()
    assert "1 of 4 agencies answered; 3 closed without an answer" in listed
    assert "4 of 4" not in listed
    page = login(manager).get(f"/enquiries/{asked_four.pk}/").content.decode()
    assert "1 of 4 agencies answered; 3 closed without an answer" in page
    assert page.count("Closed, not answered") == 3
    [item] = api(manager).get("/enquiries?status=decided").json()["items"]
    assert (item["requests_total"], item["requests_answered"], item["requests_closed_unanswered"]) == (4, 1, 3)
    detail = api(manager).get(f"/enquiries/{asked_four.pk}").json()
    assert (detail["requests_answered"], detail["requests_closed_unanswered"], detail["requests_open"]) == (1, 3, 0)
    pack = api(manager).get(f"/mash-packs/{asked_four.contact_id}").json()
    assert (pack["agencies_answered"], pack["agencies_closed_unanswered"]) == (1, 3)
    pack_page = login(manager).get(f"/packs/{asked_four.contact_id}/").content.decode()
    assert "1 of 4 agencies answered; 3 closed without an answer" in pack_page


def test_the_decision_page_warns_and_asks_for_the_confirmation(manager, asked_four, login):
    client = login(manager)
    page = client.get(f"/enquiries/{asked_four.pk}/").content.decode()
    assert 'data-testid="unanswered-warning"' in page and "4 of 4 agencies asked have not answered" in page
    data = {"outcomes": ["assessment_s17"], "threshold_level": "3", "rationale": "Needs an assessment"}
    refused = client.post(f"/enquiries/{asked_four.pk}/decision/", data).content.decode()
    assert "<title>Error:" in refused and 'href="#id_unanswered_confirmed"' in refused
    assert "Confirm that you are deciding without their answers" in refused
    assert not Decision.objects.exists()
    done = client.post(f"/enquiries/{asked_four.pk}/decision/", {**data, "unanswered_confirmed": "on"})
    assert done.status_code == 302 and Decision.objects.filter(enquiry=asked_four).exists()
