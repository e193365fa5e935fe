"""The audit trail's filters in the query string (practitioners' review): a filtered view can be bookmarked,
`/audit/?contact=C-...` filters (it silently showed everything), an unknown or invalid filter shows the GOV.UK error
summary, sign-in rows say why they have no agency or role, and the Request column is labelled, not a bare hex id."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_record
from openmash.core.requestid import current_request_id, reset_request_id, set_request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_actor):
    client = Client()
    client.force_login(make_actor("auditor", "mash").user)
    return client


def test_a_contact_reference_in_the_address_filters_the_trail_and_can_be_bookmarked(auditor, make_actor, new_contact):
    mine, other = new_contact(), new_contact()
    body = auditor.get("/audit/", {"contact": mine.reference}).content.decode()
    assert "match these filters" in body and f"Contact {mine.reference}" in body
    assert f"Contact {other.reference}" not in body
    posted = auditor.post("/audit/", {"contact": mine.reference, "action": "create"})
    assert posted.status_code == 302 and f"contact={mine.reference}" in posted["Location"]
    assert "action=create" in posted["Location"] and "f=" not in posted["Location"]  # no person: nothing stashed


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"contakt": "C-AAAA"}, "is not a filter of the audit trail"),
        ({"user": "someone"}, "never put in the page"),
        ({"agency": "nope"}, "Select an agency from the list"),
        ({"request": "<script>"}, "The request id must be"),
    ],
)
def test_an_unknown_or_invalid_filter_in_the_address_shows_the_error_summary(auditor, params, message):
    response = auditor.get("/audit/", params)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and message in body
    assert 'data-testid="audit-events"' not in body  # nothing shown under a filter that was not applied


def test_sign_in_rows_say_why_they_have_no_agency_and_the_request_is_labelled(auditor, make_actor):
    screener = make_actor("screener", "mash")
    tokens = set_request_id()
    try:
        audit_record(actor=None, user=screener.user, action="mfa_verified")
        request_id = current_request_id()
    finally:
        reset_request_id(tokens)
    assert AuditEvent.objects.filter(request_id=request_id, action="mfa_verified").exists()
    body = auditor.get("/audit/", {"request": request_id}).content.decode()
    assert "Passed the second factor" in body
    assert 'data-testid="no-role">Signing in: no role is chosen yet<' in body
    assert "All events of this request" in body and f"Ref. {request_id[:8]}" in body
    assert f">{request_id}<" not in body
