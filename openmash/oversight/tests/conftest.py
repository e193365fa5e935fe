"""Shared set-up for the oversight tests: a child in an open MASH enquiry with a request to the GP practice, the
actors around them, and signed-in clients that can step up (the test users' password is PASSWORD)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import totp_code_for
from tests.support import child, enquiry_open, nhs_number, requests_send, subject_person

PASSWORD = "not-used-in-tests"  # conftest.make_actor's password
CANARY_FORENAME = "Quilliamcanary"
CANARY_SURNAME = "Zebedeecanary"


@pytest.fixture
def world(make_actor):
    """A child (canary names) in an open enquiry asked of health-gp, and a second child nobody outside the hub may
    open. Returns a dict of actors and records."""
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=referrer,
        screener=screener,
        subjects=[child(forename=CANARY_FORENAME, surname=CANARY_SURNAME, dob="2016-02-03", nhs=nhs_number())],
    )
    (request_gp,) = requests_send(screener, enquiry, "health-gp")
    other_enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(forename="Other", surname="Personne", nhs=nhs_number())]
    )
    return {
        "referrer": referrer,
        "screener": screener,
        "manager": manager,
        "enquiry": enquiry,
        "request_gp": request_gp,
        "child": subject_person(enquiry.contact),
        "other": subject_person(other_enquiry.contact),
        "officer": make_actor("privacy_officer", "mash"),
        "admin": make_actor("partnership_admin", "mash"),
        "researcher_gp": make_actor("researcher", "health-gp"),
        "researcher_school": make_actor("researcher", "school-oak"),
        "social_worker": make_actor("social_worker", "mash"),
    }


@pytest.fixture
def signed_in():
    """signed_in(actor, step_up=False) -> a Client signed in as the actor's user, stepped up (password and the current
    code of their authenticator app) if asked."""

    def _client(actor, *, step_up: bool = False) -> Client:
        client = Client()
        client.force_login(actor.user)
        if step_up:
            code = totp_code_for(actor.user)
            r = client.post("/account/step-up/", {"password": PASSWORD, "code": code, "next": "/"})
            assert r.status_code == 302, r.content[:500]
        return client

    return _client
