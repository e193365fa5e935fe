"""Helpers for the page tests: signed-in clients and workflow states, all built through the services."""

from __future__ import annotations

import re
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
    """A valid POST for the 'record a contact' form (field names as the page posts them: the children and
    household formsets, prefixes children-N- and members-N-). A value of None drops the field. The formsets'
    TOTAL_FORMS follow the highest form number used."""
    data = {
        "action": "submit",
        "idempotency_key": uuid.uuid4().hex,
        "children-0-person_id": "",
        "children-0-forename": "Amelia",
        "children-0-surname": "Testchild",
        "children-0-dob_day": "2",
        "children-0-dob_month": "4",
        "children-0-dob_year": "2018",
        "children-0-sex": "F",
        "children-0-ethnicity": "WBRI",
        "children-0-nhs_number": VALID_NHS,
        "children-0-address_line1": "1 High Street",
        "children-0-town": "Exampleton",
        "children-0-postcode": "EX1 1AA",
        "members-0-forename": "Dean",
        "members-0-surname": "Testadult",
        "members-0-dob_day": "1",
        "members-0-dob_month": "1",
        "members-0-dob_year": "1988",
        "members-0-sex": "M",
        "members-0-role": "alleged_perpetrator",
        "concern_codes": ["3A", "18C"],
        "narrative": "Child disclosed that her mother's partner hit her; visible bruising to the arm.",
        "immediate_risk": "no",
        "family_aware": "no",
        "consent": "not_sought",
        "consent_not_sought_reason": "unsafe",
        "consent_lawful_basis": "public_task",
        "referrer_type": "professional",
        "referrer_name": "PC Example",
        "referrer_role": "Police officer",
    }
    for key, value in overrides.items():  # children_0_forename= stands for children-0-forename
        match = re.match(r"^(children|members)_(\d+)_(.+)$", key)
        data[f"{match[1]}-{match[2]}-{match[3]}" if match else key] = value
    data = {k: v for k, v in data.items() if v is not None}
    for prefix in ("children", "members"):
        numbers = [int(k.split("-")[1]) for k in data if k.startswith(f"{prefix}-") and k.split("-")[1].isdigit()]
        data.setdefault(f"{prefix}-TOTAL_FORMS", str(max(numbers, default=-1) + 1))
        data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return data


def contact_submit(client, data: dict):
    """Fill in the form, continue to 'check your answers' and send: the response to the send (a redirect to the
    contact), or the form's response if it did not get to the check page."""
    response = client.post("/contacts/new/", data)
    if response.status_code != 302 or "/contacts/new/check/" not in response["Location"]:
        return response
    assert client.get(response["Location"]).status_code == 200
    return client.post("/contacts/new/check/", {"idempotency_key": data.get("idempotency_key", "")})


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
