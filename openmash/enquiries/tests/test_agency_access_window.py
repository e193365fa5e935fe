"""Issue 5 review: a researcher's sight of the people in a request ends. While the request is open, and for the
partnership's agency_access_days (default 30) after their agency answered it or the decision closed it, they see
the minimum identifying details; after that the request stays in their inbox (their own answer) without the
people, and the child's record answers 404 as a missing one. Decided in openmash/access (policy)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.access.policy import agency_request_people_allowed, agency_request_people_until, people_visible
from openmash.audit.models import AuditEvent
from openmash.enquiries.models import AgencyRequest, AgencyResponse
from openmash.partnership.models import PartnershipSettings
from tests.support import decide, enquiry_open, requests_send, respond, subject_person


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def researcher(make_actor):
    return make_actor("researcher", "health-gp")


@pytest.fixture
def asked(make_actor, screener):
    """An enquiry with a request to the GP practice; returns (enquiry, request, child)."""
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=screener)
    (request,) = requests_send(screener, enquiry, "health-gp")
    return enquiry, request, subject_person(enquiry.contact)


def _answered(researcher, request, *, days_ago: int) -> None:
    respond(researcher, request)
    AgencyResponse.objects.filter(request=request).update(responded_at=timezone.now() - dt.timedelta(days=days_ago))


def _visible(researcher, child) -> bool:
    return people_visible(researcher).filter(pk=child.pk).exists()


def _fresh(request) -> AgencyRequest:
    return AgencyRequest.objects.select_related("response").get(pk=request.pk)


def test_an_open_request_shows_its_people_however_old(researcher, asked):
    _, request, child = asked
    AgencyRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - dt.timedelta(days=90))
    assert _visible(researcher, child) and agency_request_people_allowed(researcher, _fresh(request))
    assert agency_request_people_until(_fresh(request)) is None


def test_an_answered_request_shows_its_people_for_the_window_then_not(researcher, asked):
    _, request, child = asked
    _answered(researcher, request, days_ago=29)
    assert _visible(researcher, child) and agency_request_people_allowed(researcher, _fresh(request))
    AgencyResponse.objects.filter(request=request).update(responded_at=timezone.now() - dt.timedelta(days=31))
    assert not _visible(researcher, child)
    assert not agency_request_people_allowed(researcher, _fresh(request))
    responded = AgencyResponse.objects.get(request=request).responded_at
    assert agency_request_people_until(_fresh(request)) == responded + dt.timedelta(days=30)


def test_the_window_is_the_partnerships_setting(researcher, asked):
    _, request, child = asked
    _answered(researcher, request, days_ago=40)
    assert not _visible(researcher, child)
    PartnershipSettings.objects.update(agency_access_days=60)
    assert _visible(researcher, child) and agency_request_people_allowed(researcher, _fresh(request))
    PartnershipSettings.objects.update(agency_access_days=7)
    AgencyResponse.objects.filter(request=request).update(responded_at=timezone.now() - dt.timedelta(days=8))
    assert not _visible(researcher, child)


def test_a_request_closed_by_the_decision_counts_from_its_closing(researcher, make_actor, asked):
    enquiry, request, child = asked
    decide(make_actor("manager", "mash"), enquiry)
    closed = _fresh(request)
    assert closed.status == "closed" and closed.closed_at is not None
    assert _visible(researcher, child)
    AgencyRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
    assert not _visible(researcher, child)
    assert not agency_request_people_allowed(researcher, _fresh(request))


def test_the_hub_is_not_limited(screener, researcher, asked):
    _, request, child = asked
    _answered(researcher, request, days_ago=400)
    assert people_visible(screener).filter(pk=child.pk).exists()
    assert agency_request_people_allowed(screener, _fresh(request))


def test_the_api_and_pages_stop_showing_the_people(api, researcher, asked):
    _, request, child = asked
    _answered(researcher, request, days_ago=31)
    client = api(researcher)
    assert client.get(f"/people/{child.pk}").status_code == 404
    item = client.get("/agency-requests", status="responded").json()["items"][0]
    assert item["id"] == str(request.pk) and item["subjects"] == [] and item["household"] == []
    assert item["people_until"] is not None and item["response"] is not None  # their own answer stays
    web = Client()
    web.force_login(researcher.user)
    page = web.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="people-ended"' in page and child.surname not in page
    inbox = web.get("/requests/?status=responded").content.decode()
    assert "No longer shown" in inbox and child.surname not in inbox
    # within the window the same pages show the child and when access ends
    AgencyResponse.objects.filter(request=request).update(responded_at=timezone.now() - dt.timedelta(days=2))
    page = web.get(f"/requests/{request.pk}/").content.decode()
    assert child.surname in page and 'data-testid="people-until"' in page
    assert client.get(f"/people/{child.pk}").status_code == 200


def test_the_partnership_admin_sets_the_window(make_actor):
    admin = make_actor("partnership_admin", "mash")
    web = Client()
    web.force_login(admin.user)
    assert 'name="agency_access_days"' in web.get("/partnership/").content.decode()
    bad = web.post("/partnership/", {"form": "access", "agency_access_days": "0"}).content.decode()
    assert "govuk-error-summary" in bad and 'href="#id_agency_access_days"' in bad
    assert web.post("/partnership/", {"form": "access", "agency_access_days": "14"}).status_code == 302
    assert PartnershipSettings.objects.get().agency_access_days == 14
    event = AuditEvent.objects.filter(action="update", object_type="partnership.partnershipsettings").last()
    assert event.detail == {"agency_access_days": [30, 14]}
