"""Early help hand-over (issue 5): an early-help outcome at screening or at the decision sends a request to the
early help service's inbox (the agency of type early help) instead of only closing the contact. The service sees
the children's and household adults' minimum details and acknowledges it; nobody else's researchers see it."""

import pytest

from openmash.accounts.services import agency_create
from openmash.core.exceptions import Conflict, PermissionDenied
from openmash.enquiries.models import EarlyHelpRequest, Notification
from openmash.enquiries.services import early_help_request_acknowledge
from tests.support import child, contact_record, decide, nhs_number, requests_send, screen


@pytest.fixture
def early_help_agency(partnership):
    return agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )


@pytest.fixture
def eh_researcher(make_actor, early_help_agency):
    return make_actor("researcher", "early-help")


def test_early_help_at_screening_goes_to_the_early_help_inbox(referrer, screener, eh_researcher, health, api):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="early_help")
    contact.refresh_from_db()
    assert contact.status == "closed"
    eh = EarlyHelpRequest.objects.get(contact=contact)
    assert (eh.agency.code, eh.source, eh.status) == ("early-help", "screening", "open")
    assert Notification.objects.filter(user=eh_researcher.user, message=f"New early help request: {contact.reference}")
    [item] = api(eh_researcher).get("/early-help-requests").json()["items"]
    assert [(c["forename"], c["role"]) for c in item["children"]] == [("Amelia", "child")]
    assert [(a["forename"], a["date_of_birth"], a["role"]) for a in item["household"]] == [
        ("Dean", "1988-01-01", "adult")
    ]
    text = str(item)
    assert "bruising" not in text and "perpetrator" not in text  # minimum details only: no narrative, no allegation
    assert api(health).get("/early-help-requests").status_code == 403  # another agency's researchers have no inbox


def test_the_service_acknowledges_and_the_hub_hears(referrer, screener, eh_researcher, api):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="early_help")
    eh = EarlyHelpRequest.objects.get(contact=contact)
    client = api(eh_researcher)
    r = client.post(f"/early-help-requests/{eh.pk}/acknowledgement", {"version": 1})
    assert r.status_code == 201, r.content
    assert (r.json()["status"], r.json()["version"]) == ("acknowledged", 2)
    eh.refresh_from_db()
    assert eh.acknowledged_by == eh_researcher.user and eh.acknowledged_at is not None
    assert Notification.objects.filter(user=screener.user, message__contains="acknowledged").exists()
    again = client.post(f"/early-help-requests/{eh.pk}/acknowledgement", {"version": 2})
    assert again.status_code == 409


def test_only_the_early_help_service_acknowledges(referrer, screener, eh_researcher, health, make_actor):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="early_help")
    eh = EarlyHelpRequest.objects.get(contact=contact)
    with pytest.raises(PermissionDenied):  # only the early help service's members acknowledge
        early_help_request_acknowledge(actor=health, request_id=eh.pk, version=1)
    with pytest.raises(Conflict):  # a stale version
        early_help_request_acknowledge(actor=eh_researcher, request_id=eh.pk, version=7)


def test_early_help_at_the_decision_hands_over_only_that_child(make_enquiry, screener, manager, eh_researcher, api):
    enquiry = make_enquiry(subjects=[child(nhs=nhs_number()), child("Bobby", "Testchild", dob="2016-02-02")])
    requests_send(screener, enquiry, "health-gp")
    bobby = enquiry.contact.people.get(person__forename="Bobby").person
    decide(
        manager,
        enquiry,
        outcomes=["assessment_s17"],
        children=[{"person_id": bobby.pk, "outcomes": ["early_help"], "threshold_level": 2}],
        exception_reason="",
    )
    eh = EarlyHelpRequest.objects.get(contact=enquiry.contact)
    assert eh.source == "decision" and list(eh.children.all()) == [bobby]
    [item] = api(eh_researcher).get("/early-help-requests").json()["items"]
    assert [c["forename"] for c in item["children"]] == ["Bobby"]


def test_without_an_early_help_service_screening_still_closes_the_contact(referrer, screener):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="early_help")
    contact.refresh_from_db()
    assert contact.status == "closed" and not EarlyHelpRequest.objects.exists()


# --- the inbox pages (API and page), and the service's home page tile -------------------------------------------


@pytest.fixture
def three_handovers(referrer, screener, eh_researcher):
    contacts = []
    for _ in range(3):
        contact = contact_record(referrer)
        screen(screener, contact, outcome="early_help")
        contacts.append(contact)
    return contacts


def test_the_early_help_inbox_api_pages_with_its_true_total(eh_researcher, three_handovers, api):
    client = api(eh_researcher)
    first = client.get("/early-help-requests", status="open", page_size=2).json()
    assert (first["count"], first["page"], first["page_size"], first["num_pages"]) == (3, 1, 2, 2)
    second = client.get("/early-help-requests", status="open", page=2, page_size=2).json()
    seen = [i["reference"] for i in first["items"] + second["items"]]
    assert sorted(seen) == sorted(c.reference for c in three_handovers)  # each once, oldest first
    assert seen == [c.reference for c in three_handovers]
    assert client.get("/early-help-requests", status="open", page=3, page_size=2).json()["items"] == []
    newest = client.get("/early-help-requests", order="newest").json()["items"]
    assert [i["reference"] for i in newest] == [c.reference for c in reversed(three_handovers)]
    assert client.get("/early-help-requests", status="acknowledged").json()["count"] == 0
    assert client.get("/early-help-requests", page_size=101).status_code == 422


def test_the_early_help_service_home_page_tile_links_to_the_waiting_requests(
    eh_researcher, three_handovers, health, make_actor
):
    from django.test import Client

    web = Client()
    web.force_login(eh_researcher.user)
    home = web.get("/").content.decode()
    assert 'data-testid="tile-early-help"' in home and 'href="/early-help/?status=open"' in home
    assert '<span class="govuk-heading-xl govuk-!-margin-bottom-1" data-testid="early-help-count">3</span>' in home
    listed = web.get("/early-help/?status=open").content.decode()
    assert "3 early help requests waiting" in listed
    other = Client()
    other.force_login(health.user)  # a health researcher is not the early help service: no tile
    assert 'data-testid="tile-early-help"' not in other.get("/").content.decode()
