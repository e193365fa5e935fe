"""The enquiry list and the enquiry page: re-rating, asking agencies, deciding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.enquiries.models import AgencyRequest, Decision, Enquiry


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


def test_the_list_shows_open_enquiries_with_overdue_and_answers(
    manager, make_actor, login, new_contact, screened, asked
):
    late = screened(new_contact())
    Enquiry.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    fresh = screened(new_contact(), rag="green")
    requests = asked(fresh)
    from openmash.enquiries.services import agency_response_record

    researcher = make_actor("researcher", requests[0].agency.code)
    agency_response_record(actor=researcher, request_id=requests[0].pk, no_information=True)
    client = login(manager)
    body = client.get("/enquiries/").content.decode()
    assert late.contact.reference in body and fresh.contact.reference in body
    assert body.index(late.contact.reference) < body.index(fresh.contact.reference)
    assert "Overdue" in body and "1 of 2 agencies answered; 1 waiting" in body and "No agency asked" in body
    overdue_only = client.get("/enquiries/?overdue=1").content.decode()
    assert late.contact.reference in overdue_only and fresh.contact.reference not in overdue_only
    decided = client.get("/enquiries/?status=decided").content.decode()
    assert late.contact.reference not in decided and "There are no decided enquiries" in decided


def test_re_rating_changes_the_rag_and_a_stale_version_gets_a_conflict(
    manager, make_actor, login, new_contact, screened
):
    enquiry = screened(new_contact())
    client = login(manager)
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert f'name="version" value="{enquiry.version}"' in page
    response = client.post(
        f"/enquiries/{enquiry.pk}/rag/", {"rag": "red", "reason": "Police report", "version": enquiry.version}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.rag == "red"
    stale = login(make_actor("screener", "mash")).post(
        f"/enquiries/{enquiry.pk}/rag/", {"rag": "green", "reason": "Calmer", "version": enquiry.version - 1}
    )
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "changed by someone else" in body and "There is a problem" in body
    assert f'name="version" value="{enquiry.version}"' in body  # the form now carries the current version
    enquiry.refresh_from_db()
    assert enquiry.rag == "red"


def test_re_rating_needs_a_reason(manager, login, new_contact, screened):
    enquiry = screened(new_contact())
    response = login(manager).post(
        f"/enquiries/{enquiry.pk}/rag/", {"rag": "red", "reason": "", "version": enquiry.version}
    )
    body = response.content.decode()
    assert 'href="#id_reason"' in body and '<details class="govuk-details" open>' in body


def test_asking_agencies_and_asking_one_twice(manager, login, new_contact, screened):
    enquiry = screened(new_contact())
    client = login(manager)
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'value="health-gp"' in page and 'value="mash"' not in page  # never the hub itself
    response = client.post(f"/enquiries/{enquiry.pk}/requests/", {"agency_codes": ["health-gp", "police"]})
    assert response.status_code == 302
    assert AgencyRequest.objects.filter(enquiry=enquiry).count() == 2
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "0 of 2 agencies answered" in page
    assert 'name="agency_codes" type="checkbox" value="health-gp"' not in page  # already asked: not offered again
    again = client.post(f"/enquiries/{enquiry.pk}/requests/", {"agency_codes": ["health-gp"]})
    assert "Already asked: health-gp" in again.content.decode()
    none = client.post(f"/enquiries/{enquiry.pk}/requests/", {})
    assert "Choose at least one agency to ask" in none.content.decode()


def test_the_manager_decides_and_the_page_shows_the_decision(manager, login, new_contact, screened):
    enquiry = screened(new_contact())
    client = login(manager)
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="decision-form"' in page and "Complex needs" in page
    bad = client.post(f"/enquiries/{enquiry.pk}/decision/", {"rationale": "x"})
    assert "Choose at least one outcome" in bad.content.decode() and "Choose a threshold level" in bad.content.decode()
    assert not Decision.objects.exists()
    data = {"outcomes": ["assessment_s17"], "threshold_level": "3", "rationale": "Needs assessment"}
    no_reason = client.post(f"/enquiries/{enquiry.pk}/decision/", {**data, "next_steps": "Allocate"})
    body = no_reason.content.decode()  # no agency was asked: the decision needs a reason, on its own field
    assert "<title>Error:" in body and 'href="#id_exception_reason"' in body
    assert "No agency was asked for information: give the reason for this decision" in body
    assert not Decision.objects.exists()
    response = client.post(
        f"/enquiries/{enquiry.pk}/decision/",
        {**data, "next_steps": "Allocate", "exception_reason": "Known family; the hub holds enough"},
    )
    assert response.status_code == 302
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="decision-summary"' in page and "Child and family assessment (s17)" in page
    assert "Level 3: Complex needs" in page
    assert 'data-testid="decision-form"' not in page and 'data-testid="rerate-form"' not in page
    again = client.post(
        f"/enquiries/{enquiry.pk}/decision/",
        {"outcomes": ["nfa"], "threshold_level": "1", "rationale": "Second go"},
    )
    assert "already been decided" in again.content.decode()


def test_a_screener_sees_no_decision_form(make_actor, login, new_contact, screened):
    enquiry = screened(new_contact())
    page = login(make_actor("screener", "mash")).get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="decision-form"' not in page and "A MASH manager will decide" in page
