"""The pages for issue 5's decision and agency-answer work (the same service rules as the API, errors in the GOV.UK
error summary linking to the field): contradictory and unusual decisions, per-child decisions, a question per
agency, closed requests and late information, amending an answer, the early help inbox."""

from __future__ import annotations

import pytest

from openmash.accounts.services import agency_create
from openmash.enquiries.models import AgencyRequest, AgencyResponse, Decision, EarlyHelpRequest, Referral
from openmash.enquiries.services import agency_response_record
from tests.support import child, contact_record, decide, nhs_number, screen


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def researcher(make_actor):
    return make_actor("researcher", "health-gp")


def _decision_page_post(client, enquiry, **data):
    data.setdefault("unanswered_confirmed", "on")  # its own rule: test_unanswered_agencies.py
    return client.post(f"/enquiries/{enquiry.pk}/decision/", {"threshold_level": "3", "rationale": "R", **data})


def test_nfa_with_another_outcome_is_an_error_on_the_outcome_field(manager, login, new_contact, screened, asked):
    enquiry = screened(new_contact())
    asked(enquiry)
    r = _decision_page_post(login(manager), enquiry, outcomes=["nfa", "assessment_s17"])
    body = r.content.decode()
    assert "<title>Error:" in body and 'href="#id_outcomes"' in body
    assert "No further action cannot be combined with another outcome" in body
    assert not Decision.objects.exists()


def test_strategy_at_level_one_asks_for_a_reason_and_shows_it(manager, login, new_contact, screened, asked):
    enquiry = screened(new_contact())
    asked(enquiry)
    client = login(manager)
    r = _decision_page_post(client, enquiry, outcomes=["strategy_s47"], threshold_level="1")
    body = r.content.decode()
    assert 'href="#id_exception_reason"' in body and "at threshold level 1 is unusual" in body
    r = _decision_page_post(
        client, enquiry, outcomes=["strategy_s47"], threshold_level="1", exception_reason="Disclosure today"
    )
    assert r.status_code == 302
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="decision-exception"' in page and "Disclosure today" in page
    assert "Closed, not answered" in page  # the two unanswered requests closed
    assert "0 of 2 agencies answered; 2 closed without an answer" in page  # never counted as answered


def test_the_decision_can_differ_per_child_on_the_page(manager, login, make_actor, screened, asked):
    contact = contact_record(
        make_actor("referrer", "police"),
        subjects=[child(nhs=nhs_number()), child("Bobby", "Testchild", dob="2016-02-02")],
    )
    enquiry = screened(contact)
    asked(enquiry)
    client = login(manager)
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "The decision differs between the children" in page
    # the page numbers the children in the enquiry's fixed order (role, when named, id: enquiries.selectors)
    order = [cp.person for cp in enquiry.contact.people.filter(role="subject").order_by("created_at", "id")]
    bobby_index = next(i for i, p in enumerate(order) if p.forename == "Bobby")
    bad = _decision_page_post(
        client, enquiry, outcomes=["assessment_s17"], **{f"child_{bobby_index}_outcomes": ["nfa", "early_help"]}
    )
    assert f'href="#id_child_{bobby_index}_outcomes"' in bad.content.decode()
    r = _decision_page_post(
        client,
        enquiry,
        outcomes=["assessment_s17"],
        **{f"child_{bobby_index}_outcomes": ["nfa"], f"child_{bobby_index}_threshold_level": "1"},
    )
    assert r.status_code == 302
    assert [ref.person.forename for ref in Referral.objects.all()] == ["Amelia"]
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="decision-children"' in page and "No further action (level 1)" in page


def test_a_question_per_agency_from_the_page(make_actor, login, new_contact, screened):
    enquiry = screened(new_contact())
    client = login(make_actor("screener", "mash"))
    page = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'name="question_health-gp"' in page
    r = client.post(
        f"/enquiries/{enquiry.pk}/requests/",
        {"agency_codes": ["health-gp", "police"], "question_health-gp": "Registered and seen this year?"},
    )
    assert r.status_code == 302
    questions = {r.agency.code: r.question for r in AgencyRequest.objects.select_related("agency")}  # encrypted
    assert questions["health-gp"] == "Registered and seen this year?"
    assert questions["police"].startswith("What does your agency know about these children and the adults")


def test_a_closed_request_takes_late_information(researcher, manager, login, new_contact, screened, asked):
    enquiry = screened(new_contact())
    gp = next(r for r in asked(enquiry) if r.agency.code == "health-gp")
    decide(manager, enquiry, exception_reason="")
    client = login(researcher)
    inbox = client.get("/requests/?status=closed").content.decode()
    assert enquiry.contact.reference in inbox and "Closed: decided" in inbox
    assert enquiry.contact.reference not in client.get("/requests/").content.decode()
    page = client.get(f"/requests/{gp.pk}/").content.decode()
    assert 'data-testid="closed-notice"' in page and "Send late information to the MASH" in page
    r = client.post(f"/requests/{gp.pk}/", {"information_held": "yes", "summary": "Missed immunisations"})
    assert r.status_code == 302
    assert AgencyResponse.objects.get(request=gp).late
    hub = login(manager).get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="late-tag"' in hub and "Missed immunisations" in hub


def test_amending_an_answer_from_the_page(researcher, make_actor, login, new_contact, screened, asked):
    enquiry = screened(new_contact())
    gp = next(r for r in asked(enquiry) if r.agency.code == "health-gp")
    agency_response_record(actor=researcher, request_id=gp.pk, no_information=False, summary="Two missed")
    client = login(researcher)
    page = client.get(f"/requests/{gp.pk}/").content.decode()
    assert 'data-testid="amend-form"' in page and "Two missed" in page
    bad = client.post(
        f"/requests/{gp.pk}/", {"form": "amend", "version": "1", "information_held": "yes", "summary": "Three"}
    )
    assert 'href="#id_reason"' in bad.content.decode()  # why it changed is required
    ok = client.post(
        f"/requests/{gp.pk}/",
        {"form": "amend", "version": "1", "information_held": "yes", "summary": "Three missed", "reason": "Recheck"},
    )
    assert ok.status_code == 302
    stale = client.post(
        f"/requests/{gp.pk}/",
        {"form": "amend", "version": "1", "information_held": "yes", "summary": "Four", "reason": "Again"},
    )
    assert "Someone else has changed this answer" in stale.content.decode()
    hub = login(make_actor("screener", "mash")).get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="amended"' in hub and "Recheck" in hub and "Three missed" in hub and "Two missed" in hub


def test_the_early_help_service_sees_and_acknowledges_its_requests(make_actor, login, partnership):
    agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )
    eh_researcher = make_actor("researcher", "early-help")
    contact = contact_record(make_actor("referrer", "police"))
    screen(make_actor("screener", "mash"), contact, outcome="early_help")
    eh = EarlyHelpRequest.objects.get()
    client = login(eh_researcher)
    assert "1 early help request waiting" in client.get("/requests/").content.decode()
    inbox = client.get("/early-help/").content.decode()
    assert contact.reference in inbox and "Amelia Testchild" in inbox and "Dean Testadult" in inbox
    assert "bruising" not in inbox and "perpetrator" not in inbox.lower()
    page = client.get(f"/early-help/{eh.pk}/").content.decode()
    assert 'data-testid="acknowledge-form"' in page
    assert client.post(f"/early-help/{eh.pk}/", {"version": "1"}).status_code == 302
    eh.refresh_from_db()
    assert eh.status == "acknowledged"
    assert 'data-testid="acknowledge-form"' not in client.get(f"/early-help/{eh.pk}/").content.decode()
    other = login(make_actor("researcher", "health-gp"))
    assert other.get(f"/early-help/{eh.pk}/").status_code == 404
    assert other.get("/early-help/").status_code == 403  # only the early help service has this inbox


def test_the_hub_sees_the_early_help_hand_over_on_the_enquiry(make_actor, login, manager, new_contact, screened, asked):
    agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )
    enquiry = screened(new_contact())
    asked(enquiry)
    decide(manager, enquiry, outcomes=["early_help"], threshold_level=2, exception_reason="")
    page = login(manager).get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert 'data-testid="early-help-handover"' in page and "Sent to Early Help Service" in page
    assert "Waiting for the service" in page


def test_a_get_on_an_enquiry_action_address_goes_back_to_the_enquiry_with_a_notice_once_decided(
    manager, login, make_actor, new_contact, screened, asked
):
    """A bookmark, the back button or a reload of /decision/ (or /requests/, /rag/) is a GET: it goes to the
    enquiry page at the right section, never to an empty form or a 405; once decided, a notice says so and the
    page shows the decision. Whoever may not see the enquiry gets 404, as on the page itself."""
    enquiry = screened(new_contact())
    asked(enquiry)
    client = login(manager)
    for action, section in (("decision", "decision"), ("requests", "agency-requests"), ("rag", "rag")):
        r = client.get(f"/enquiries/{enquiry.pk}/{action}/")
        assert r.status_code == 302 and r["Location"] == f"/enquiries/{enquiry.pk}/#{section}"
    decide(manager, enquiry)
    for action in ("decision", "requests", "rag"):
        r = client.get(f"/enquiries/{enquiry.pk}/{action}/", follow=True)
        assert r.redirect_chain == [(f"/enquiries/{enquiry.pk}/#decision", 302)]
        page = r.content.decode()
        assert "This enquiry has already been decided" in page and 'data-testid="decision-summary"' in page
        assert 'data-testid="decision-form"' not in page
    assert Decision.objects.count() == 1
    assert login(make_actor("referrer", "police")).get(f"/enquiries/{enquiry.pk}/decision/").status_code == 404
