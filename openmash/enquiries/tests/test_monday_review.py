"""Faults from the practitioner review "a Monday of 60 contacts" (five screeners and a manager in the demo).

1. An immediate-risk contact could be screened into a MASH enquiry rated Green without comment, while the RAG hints
   promised Green's usual 72 working hours although the enquiry is due by the immediate-risk clock (4 hours): the
   least urgent rating with immediate risk now needs a recorded reason (service, API, page), and the page's hints say
   the timescale that will actually apply.
"""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import ValidationFailed
from openmash.enquiries.models import Enquiry, Screening
from openmash.enquiries.services import screening_record
from tests.support import contact_record

pytestmark = pytest.mark.django_db

URGENT = {"immediate_risk": True, "immediate_risk_detail": "Says she cannot go home tonight"}


def _login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_green_with_immediate_risk_needs_a_reason_in_the_service(referrer, screener):
    contact = contact_record(referrer, **URGENT)
    with pytest.raises(ValidationFailed) as exc:
        screening_record(actor=screener, contact_id=contact.pk, outcome="mash_enquiry", rationale="ok", rag="green")
    assert "exception_reason" in exc.value.errors
    assert "immediate risk" in exc.value.errors["exception_reason"][0]
    assert not Enquiry.objects.filter(contact=contact).exists()
    reason = "Child safe with grandparent tonight; checks can run at the usual pace"
    screening = screening_record(
        actor=screener,
        contact_id=contact.pk,
        outcome="mash_enquiry",
        rationale="ok",
        rag="green",
        exception_reason=reason,
    )
    assert screening.exception_reason == reason
    event = AuditEvent.objects.get(action="screen", object_id=str(contact.pk))
    assert event.detail["exception"] == "immediate_risk_least_urgent"


def test_green_needs_no_reason_without_immediate_risk_nor_red_with_it(referrer, screener):
    routine = contact_record(referrer)
    assert (
        screening_record(
            actor=screener, contact_id=routine.pk, outcome="mash_enquiry", rationale="ok", rag="green"
        ).exception_reason
        == ""
    )
    urgent = contact_record(referrer, **URGENT)
    assert (
        screening_record(
            actor=screener,
            contact_id=urgent.pk,
            outcome="mash_enquiry",
            rationale="ok",
            rag="red",
            exception_reason="x",
        ).exception_reason
        == ""
    )  # ignored: not an exception


def test_green_with_immediate_risk_answers_422_in_the_api(api, referrer, screener):
    contact = contact_record(referrer, **URGENT)
    client = api(screener)
    body = {"outcome": "mash_enquiry", "rationale": "ok", "rag": "green"}
    r = client.post(f"/contacts/{contact.pk}/screening", body)
    assert r.status_code == 422, r.content
    assert "immediate risk" in r.json()["errors"]["exception_reason"][0]
    r = client.post(f"/contacts/{contact.pk}/screening", body | {"exception_reason": "Safe tonight"})
    assert r.status_code == 201, r.content
    assert r.json()["screening"]["exception_reason"] == "Safe tonight"


def test_the_page_says_the_real_timescale_and_asks_the_reason(referrer, screener):
    contact = contact_record(referrer, **URGENT)
    client = _login(screener)
    page = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert "Partner information within 72 working hours" not in page
    assert "Immediate risk: enquiry due within 4 hours by the clock" in page
    assert "partner information within 2 hours" in page
    assert 'name="exception_reason"' in page and "Required if you open a MASH enquiry rated Green" in page
    assert "Reason for an exception to the immediate-risk rules (optional)" not in page
    r = client.post(f"/contacts/{contact.pk}/screen/", {"outcome": "mash_enquiry", "rag": "green", "rationale": "ok"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "govuk-error-summary" in body and 'href="#id_exception_reason"' in body
    assert not Screening.objects.filter(contact=contact).exists()
    r = client.post(
        f"/contacts/{contact.pk}/screen/",
        {"outcome": "mash_enquiry", "rag": "green", "rationale": "ok", "exception_reason": "Safe tonight"},
    )
    assert r.status_code == 302
    assert Screening.objects.get(contact=contact).exception_reason == "Safe tonight"


def test_the_page_keeps_the_usual_hints_without_immediate_risk(referrer, screener):
    contact = contact_record(referrer)
    page = _login(screener).get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert "Partner information within 72 working hours" in page and 'name="exception_reason"' not in page


# --- 6. the decision form says when a reason is needed, before submitting -------------------------------------------


def test_the_decision_form_says_up_front_when_a_reason_is_needed(referrer, screener, manager):
    from tests.support import enquiry_open, requests_send

    enquiry = enquiry_open(referrer=referrer, screener=screener)  # no agency asked yet
    client = _login(manager)
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "Required for this decision: no agency has been asked for information on this enquiry" in page
    assert "An outcome at an unusual threshold level needs a reason" in page
    assert "Early help outside levels 2 to 3" in page and "Strategy discussion / s47 enquiry outside level 4" in page
    assert "Reason for an unusual decision (optional)" not in page
    requests_send(screener, enquiry, "health-gp")
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "Required for this decision" not in page
    assert "Required if an outcome is unusual at the threshold level chosen" in page
