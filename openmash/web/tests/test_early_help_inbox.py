"""The early help service's inbox page (practitioner review, fault 1): it pages like every other list (GOV.UK
pagination, true total), today's hand-overs can be found, it filters by status, it is in the service's navigation,
and the "New early help request" notification links to the hand-over."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.accounts.services import agency_create
from openmash.audit.models import AuditEvent
from openmash.enquiries.models import EarlyHelpRequest
from openmash.enquiries.services import early_help_request_acknowledge
from tests.support import child, contact_record, nhs_number, screen

HANDOVERS = 27


@pytest.fixture
def eh_agency(partnership):
    return agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )


@pytest.fixture
def eh_researcher(make_actor, eh_agency):
    return make_actor("researcher", "early-help")


@pytest.fixture
def handovers(make_actor, eh_agency):
    """27 hand-overs, the last one sent now (today's), the others over the previous days, oldest first."""
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    start = timezone.now() - dt.timedelta(days=20)
    contacts = []
    for i in range(HANDOVERS):
        contact = contact_record(
            referrer,
            received_at=start + dt.timedelta(hours=12 * i),
            subjects=[
                child(f"Kid{chr(65 + i // 26)}{chr(97 + i % 26)}", "Handover", dob="2017-03-03", nhs=nhs_number())
            ],
            household=[],
        )
        screen(screener, contact, outcome="early_help")
        contacts.append(contact)
    # the hand-over time is when the MASH screened it: spread them out so "oldest" and "newest" differ
    for i, contact in enumerate(contacts):
        EarlyHelpRequest.objects.filter(contact=contact).update(requested_at=start + dt.timedelta(hours=12 * i + 1))
    return contacts


def _refs(html: str) -> list[str]:
    return re.findall(r'data-testid="early-help-link">(C-[A-Z0-9]+)<', html)


def test_the_inbox_pages_with_its_true_total_and_today_s_hand_over_is_found(login, eh_researcher, handovers):
    client = login(eh_researcher)
    first = client.get("/early-help/").content.decode()
    assert f"{HANDOVERS} early help requests waiting: showing 1 to 25" in first
    assert 'data-testid="pagination"' in first and "?page=2" in first
    page1 = _refs(first)
    second = client.get("/early-help/?page=2").content.decode()
    page2 = _refs(second)
    assert len(page1) == 25 and len(page2) == HANDOVERS - 25
    assert not set(page1) & set(page2)  # page 2 is not page 1 again
    assert set(page1) | set(page2) == {c.reference for c in handovers}
    assert page1[0] == handovers[0].reference  # waiting: the family waiting longest first
    today = handovers[-1].reference
    assert today in page2
    newest = client.get("/early-help/?order=newest").content.decode()
    assert _refs(newest)[0] == today  # today's hand-over on page 1, first
    listed = AuditEvent.objects.filter(actor_user_id=eh_researcher.user.pk, action="list", reason="early help inbox")
    assert listed.count() == 25 + (HANDOVERS - 25) + 25  # every hand-over shown is audited as listed
    # Practitioners' review: with a long queue oldest first, page 1 says how many came today and links to them.
    assert 'data-testid="sent-today"' not in first
    EarlyHelpRequest.objects.filter(contact=handovers[-1]).update(requested_at=timezone.now())
    first = client.get("/early-help/").content.decode()
    assert "1 sent today." in first and "?status=open&amp;order=newest" in first


def test_the_inbox_filters_by_status(login, eh_researcher, handovers):
    done = EarlyHelpRequest.objects.get(contact=handovers[3])
    early_help_request_acknowledge(actor=eh_researcher, request_id=done.pk, version=done.version)
    client = login(eh_researcher)
    waiting = client.get("/early-help/").content.decode()
    assert f"{HANDOVERS - 1} early help requests waiting" in waiting
    assert handovers[3].reference not in waiting
    acknowledged = client.get("/early-help/?status=acknowledged").content.decode()
    assert _refs(acknowledged) == [handovers[3].reference] and "1 early help request acknowledged" in acknowledged
    everything = client.get("/early-help/?status=all&page=2").content.decode()
    assert f"{HANDOVERS} early help requests" in everything
    assert "status=all" in everything  # paging a filtered list keeps the filter


def test_every_view_of_the_inbox_holding_waiting_hand_overs_starts_with_the_longest_waiting(
    login, api, eh_researcher, handovers
):
    """Issue 5 "Queues and lists" (the inbox was found newest first when both statuses were listed, the API's
    default): the family waiting longest leads on the page and in the API, across page boundaries; with both
    statuses the waiting ones come first (oldest first), then the acknowledged ones (newest first)."""
    for contact in (handovers[0], handovers[5]):  # the oldest and the sixth are dealt with
        done = EarlyHelpRequest.objects.get(contact=contact)
        early_help_request_acknowledge(actor=eh_researcher, request_id=done.pk, version=done.version)
    waiting = [c.reference for i, c in enumerate(handovers) if i not in (0, 5)]
    acknowledged = [handovers[5].reference, handovers[0].reference]  # newest sent first
    client = login(eh_researcher)
    page1 = client.get("/early-help/?status=all").content.decode()
    assert "Order: waiting first, oldest first." in page1
    assert _refs(page1) == waiting[:25]
    assert _refs(client.get("/early-help/?status=all&page=2").content.decode()) == waiting[25:] + acknowledged
    caller = api(eh_researcher)
    listed = []
    for number in (1, 2, 3):
        body = caller.get("/early-help-requests", page_size=10, page=number).json()
        assert body["count"] == HANDOVERS
        listed += [i["reference"] for i in body["items"]]
    assert listed == waiting + acknowledged
    opened = caller.get("/early-help-requests", status="open", page_size=100).json()["items"]
    assert [i["reference"] for i in opened] == waiting
    newest = caller.get("/early-help-requests", order="newest", page_size=100).json()["items"]
    assert newest[0]["reference"] == handovers[-1].reference  # asked for: newest first
    assert [i["reference"] for i in caller.get("/early-help-requests", status="acknowledged").json()["items"]] == (
        acknowledged
    )


def test_the_inbox_is_in_the_early_help_service_s_navigation_only(login, eh_researcher, make_actor, eh_agency):
    nav = '<a class="govuk-service-navigation__link" href="/early-help/"'
    assert nav in login(eh_researcher).get("/").content.decode()
    police = login(make_actor("researcher", "police"))
    assert nav not in police.get("/").content.decode()
    assert police.get("/early-help/").status_code == 403  # another agency's researchers have no early help inbox


def test_the_new_early_help_request_notification_links_to_the_hand_over(login, eh_researcher, make_actor):
    contact = contact_record(make_actor("referrer", "police"))
    screen(make_actor("screener", "mash"), contact, outcome="early_help")
    eh = EarlyHelpRequest.objects.get(contact=contact)
    home = login(eh_researcher).get("/").content.decode()
    assert f'<a class="govuk-link" href="/early-help/{eh.pk}/" data-testid="notification-link">' in home
    assert f"New early help request: {contact.reference}" in home


def test_the_hand_over_carries_what_the_service_needs_and_no_more(login, api, eh_researcher, make_actor):
    """Practitioner review, fault 10: the hand-over showed only the family. It now carries the concern categories,
    the MASH's rationale and next steps, the agency that raised it and the consent position (access.fields
    .early_help_case_details), on the page and in the API; never the narrative or the referrer's name; audited."""
    from tests.support import decide, enquiry_open, requests_send

    screener, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=make_actor("referrer", "police"),
        screener=screener,
        concern_codes=["3B", "16A"],
        consent="obtained",
        family_aware="yes",
    )
    requests_send(screener, enquiry, "health-gp")
    decide(
        manager,
        enquiry,
        outcomes=["early_help"],
        threshold_level=2,
        rationale="Parents struggling; needs a family support worker",
        exception_reason="",
    )
    from openmash.enquiries.models import Decision

    decision = Decision.objects.get(enquiry=enquiry)
    decision.next_steps = "Offer a team around the family meeting this week"
    decision.save(update_fields=["next_steps"])  # encrypted for its row (core.fields)
    eh = EarlyHelpRequest.objects.get(contact=enquiry.contact)
    page = login(eh_researcher).get(f"/early-help/{eh.pk}/").content.decode()
    for shown in (
        "Domestic abuse: parent or carer",
        "Neglect",
        "Parents struggling; needs a family support worker",
        "Offer a team around the family meeting this week",
        "County Police",
        "Consent obtained",
        "Family aware of the contact: yes",
    ):
        assert shown in page, shown
    assert "bruising" not in page and "PC Example" not in page  # no narrative, no referrer's name
    event = AuditEvent.objects.filter(action="view", object_id=str(eh.pk), actor_user_id=eh_researcher.user.pk).get()
    assert "rationale" in event.detail["fields"] and "consent" in event.detail["fields"]
    [item] = api(eh_researcher).get("/early-help-requests").json()["items"]
    assert item["case"]["concern_codes"] == ["3B", "16A"] and item["case"]["threshold_level"] == 2
    assert item["case"]["next_steps"] == "Offer a team around the family meeting this week"
    assert "bruising" not in str(item) and "PC Example" not in str(item)


def test_the_family_s_details_end_after_the_window_once_acknowledged(login, api, eh_researcher, make_actor):
    """Attacker review: early help hand-overs showed the children's and adults' names, dates of birth, postcodes
    and NHS numbers for ever. Like agency requests, the service sees them while the hand-over waits and for the
    partnership's agency_access_days after acknowledging it (access.policy.early_help_people_until); the hub
    always. The hand-over itself (reference, dates, the MASH's reasons) stays."""
    import time_machine

    from openmash.partnership.selectors import partnership_settings_get

    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    contact = contact_record(
        referrer, subjects=[child("Wren", "Latewindow", dob="2016-05-05", nhs=nhs_number())], household=[]
    )
    screen(screener, contact, outcome="early_help")
    eh = EarlyHelpRequest.objects.get(contact=contact)
    days = partnership_settings_get().agency_access_days
    early_help_request_acknowledge(actor=eh_researcher, request_id=eh.pk, version=eh.version)
    client = login(eh_researcher)
    inside = client.get(f"/early-help/{eh.pk}/").content.decode()
    assert "Latewindow" in inside and "No longer shown" not in inside
    [item] = api(eh_researcher).get("/early-help-requests?status=acknowledged").json()["items"]
    assert item["people_shown"] is True and item["children"][0]["surname"] == "Latewindow"
    with time_machine.travel(timezone.now() + dt.timedelta(days=days, hours=1)):
        after = login(eh_researcher).get(f"/early-help/{eh.pk}/").content.decode()
        assert "Latewindow" not in after and "No longer shown" in after and contact.reference in after
        inbox = login(eh_researcher).get("/early-help/?status=acknowledged").content.decode()
        assert "Latewindow" not in inbox and "No longer shown" in inbox
        [item] = api(eh_researcher).get("/early-help-requests?status=acknowledged").json()["items"]
        assert item["people_shown"] is False and item["children"] == [] and item["household"] == []
        assert item["case"]["concern_codes"]  # the hand-over's reasons stay


def test_a_per_child_hand_over_carries_only_that_child(login, api, eh_researcher, make_actor):
    """Practitioners' review (December 2026): Debra (s17, level 3) and Ella (early help, level 2) in one contact;
    the early help service's view of Ella's hand-over showed "Threshold level 3" (Debra's), the contact's concern
    "Self-harm" (Debra's) and the rationale naming Debra. It now carries Ella's level and withholds what was written
    about the whole contact (access.fields.early_help_case_details)."""
    from tests.support import decide, enquiry_open, requests_send

    screener, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=make_actor("referrer", "police"),
        screener=screener,
        subjects=[child("Debra", "Twofold", dob="2011-02-02", nhs=nhs_number()), child("Ella", "Twofold")],
        concern_codes=["3B"],
    )
    requests_send(screener, enquiry, "health-gp")
    people = {cp.person.forename: cp.person for cp in enquiry.contact.people.filter(role="subject")}
    decide(
        manager,
        enquiry,
        outcomes=["assessment_s17"],
        threshold_level=3,
        rationale="Debra disclosed self-harm; Ella to early help",
        children=[{"person_id": str(people["Ella"].pk), "outcomes": ["early_help"], "threshold_level": 2}],
    )
    eh = EarlyHelpRequest.objects.get(contact=enquiry.contact)
    assert [p.forename for p in eh.children.all()] == ["Ella"]
    page = login(eh_researcher).get(f"/early-help/{eh.pk}/").content.decode()
    assert "Threshold level 2" in page and "Threshold level 3" not in page
    assert "Debra" not in page and "Domestic abuse: parent or carer" not in page
    assert 'data-testid="early-help-partial"' in page and "after the MASH decision" in page
    [item] = api(eh_researcher).get("/early-help-requests").json()["items"]
    assert item["case"]["threshold_level"] == 2 and item["case"]["partial"] is True
    assert item["case"]["concern_codes"] == [] and item["case"]["rationale"] == "" and "Debra" not in str(item)
