"""Helpers for the page tests: signed-in clients and workflow states, all built through the services."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from conftest import VALID_NHS


@pytest.fixture
def login():
    """login(actor) -> a Django test Client signed in as that actor's user (one client per actor)."""

    def _login(actor):
        client = Client()
        client.force_login(actor.user)
        return client

    return _login


def contact_form_data(**overrides) -> dict:
    """A valid POST for the 'record a contact' form (field names as the page posts them)."""
    data = {
        "action": "submit",
        "idempotency_key": uuid.uuid4().hex,
        "child1_person_id": "",
        "child1_forename": "Amelia",
        "child1_surname": "Testchild",
        "child1_dob_day": "2",
        "child1_dob_month": "4",
        "child1_dob_year": "2018",
        "child1_sex": "F",
        "child1_ethnicity": "WBRI",
        "child1_nhs_number": VALID_NHS,
        "child1_address_line1": "1 High Street",
        "child1_town": "Exampleton",
        "child1_postcode": "EX1 1AA",
        "child2_person_id": "",
        "member1_forename": "Dean",
        "member1_surname": "Testadult",
        "member1_dob_day": "1",
        "member1_dob_month": "1",
        "member1_dob_year": "1988",
        "member1_role": "alleged_perpetrator",
        "member2_role": "household_member",
        "concern_codes": ["3A", "18C"],
        "narrative": "Child disclosed that her mother's partner hit her; visible bruising to the arm.",
        "immediate_risk": "no",
        "family_aware": "no",
        "consent": "not_sought",
        "consent_not_sought_reason": "unsafe",
        "referrer_type": "professional",
        "referrer_name": "PC Example",
        "referrer_role": "Police officer",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def screened(make_actor):
    """screened(contact, outcome='mash_enquiry', rag='amber') -> the contact's Enquiry (or None), screened by a
    fresh hub screener through the service."""
    from openmash.enquiries.models import Enquiry
    from openmash.enquiries.services import screening_record

    def _screen(contact, outcome="mash_enquiry", rag="amber", screener=None):
        screener = screener or make_actor("screener", "mash")
        screening_record(
            actor=screener,
            contact_id=contact.pk,
            outcome=outcome,
            rationale="Bruising; needs multi-agency checks",
            rag=rag if outcome == "mash_enquiry" else "",
        )
        return Enquiry.objects.filter(contact=contact).first()

    return _screen


@pytest.fixture
def asked(make_actor):
    """asked(enquiry, ['health-gp', ...]) -> the AgencyRequests created through the service."""
    from openmash.enquiries.services import agency_requests_create

    def _ask(enquiry, codes=("health-gp", "school-oak")):
        return agency_requests_create(actor=make_actor("screener", "mash"), enquiry_id=enquiry.pk, agency_codes=codes)

    return _ask
