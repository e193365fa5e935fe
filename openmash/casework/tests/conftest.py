"""Casework fixtures, built through the services: a contact sent to a strategy discussion, a decided enquiry,
the assessment service (a children's social care agency outside the hub) and its social workers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.support import child, contact_record, decide, enquiry_open, nhs_number, requests_send, respond, screen


@pytest.fixture
def csc(partnership):
    from openmash.accounts.services import agency_create

    return agency_create(
        code="csc",
        name="Children's Social Care Assessment Service",
        agency_type="csc",
        source_code="5A",
        is_hub=False,
        health_service="",
    )


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def worker(make_actor, csc):
    return make_actor("social_worker", "csc")


@pytest.fixture
def other_worker(make_actor, csc):
    return make_actor("social_worker", "csc")


@pytest.fixture
def siblings_contact(referrer):
    """A contact about two siblings, recorded by a police referrer, awaiting screening."""
    return contact_record(
        referrer,
        received_at=received(),
        subjects=[
            child(forename="Amelia", surname="Sibling", dob="2018-04-02", nhs=nhs_number()),
            child(forename="Ben", surname="Sibling", dob="2016-09-10", nhs=nhs_number()),
        ],
    )


@pytest.fixture
def strategy_contact(siblings_contact, screener):
    """The siblings' contact screened straight to a strategy discussion (referrals open, awaiting allocation)."""
    screen(screener, siblings_contact, outcome="strategy", rationale="Reasonable cause to suspect significant harm")
    siblings_contact.refresh_from_db()
    return siblings_contact


@pytest.fixture
def decided_enquiry(referrer, screener, manager, make_actor):
    """An enquiry asked of health and school, both answered (school's marked sensitive), decided 'strategy_s47'."""
    enquiry = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=received())
    gp, school = requests_send(screener, enquiry, "health-gp", "school-oak")
    respond(make_actor("researcher", "health-gp"), gp, summary="Known to the practice; missed immunisations")
    respond(
        make_actor("researcher", "school-oak"),
        school,
        summary="Disclosure to the designated safeguarding lead",
        sensitivity="sensitive",
    )
    decide(manager, enquiry, outcomes=("strategy_s47",), threshold_level=4, rationale="Significant harm likely")
    enquiry.refresh_from_db()
    return enquiry


def received() -> dt.datetime:
    """Contacts in these tests were received two days ago, so notes and discussions since then are plausible."""
    return timezone.now() - dt.timedelta(days=2)


def attendees(*codes):
    names = {"police": ("DS Example", "Detective sergeant"), "health-gp": ("Dr Example", "Named GP")}
    return [
        {"agency_code": c, "name": names.get(c, ("A Person", "Officer"))[0], "role": names.get(c, ("", "Officer"))[1]}
        for c in codes
    ]
