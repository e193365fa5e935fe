"""Work queues are worked oldest (or most urgent) first, record lists newest first, across page boundaries (issue 5
"Queues and lists"; the task after the practitioners' review found the early help inbox newest first and the same
fault in other queues). Each test makes items with different received, sent, read or closed times and reads the
list a few items a page, so a list sorted the wrong way, or sorted only within a page, fails. The early help inbox
has its own test in test_early_help_inbox.py; the release requests theirs in sharing/tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import contact_payload
from openmash.casework.services import routed_contact_acknowledge
from openmash.contacts.models import Contact, EncompassNotice
from openmash.contacts.services import contact_create
from openmash.enquiries.models import AgencyRequest
from openmash.people.selectors import person_search
from tests.support import child, contact_record, decide, enquiry_open, nhs_number, requests_send, respond, screen

pytestmark = pytest.mark.django_db


def _pages(caller, path, *, page_size=2, key="id", **params) -> list[str]:
    """Every item's `key` over every page of an API list, in order; asserts the true total on each page."""
    first = caller.get(path, page_size=page_size, **params).json()
    seen = [str(i[key]) for i in first["items"]]
    for number in range(2, first["num_pages"] + 1):
        body = caller.get(path, page_size=page_size, page=number, **params).json()
        assert body["count"] == first["count"]
        seen += [str(i[key]) for i in body["items"]]
    assert len(seen) == first["count"]
    return seen


def test_contacts_passed_to_a_worker_list_the_unacknowledged_oldest_first_then_the_rest_newest_first(make_actor):
    from openmash.contacts.selectors import routed_contacts
    from tests.support import allocation_open, subject_person

    first, _ = contact_create(actor=make_actor("referrer", "police"), data=contact_payload())
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(first), worker)
    school = make_actor("referrer", "school-oak")
    person_search(actor=school, name="Amelia Testchild", date_of_birth=dt.date(2018, 4, 2))  # found at intake
    routed = [
        contact_create(actor=school, data=contact_payload(subjects=[{"person_id": str(subject_person(first).pk)}]))[0]
        for _ in range(4)
    ]
    start = timezone.now() - dt.timedelta(days=3)
    for i, contact in enumerate(routed):
        Contact.objects.filter(pk=contact.pk).update(received_at=start + dt.timedelta(hours=i))
    assert all(c.routed_to_id == worker.user.pk for c in Contact.objects.filter(pk__in=[c.pk for c in routed]))
    for done in (routed[0], routed[2]):  # the oldest and the third are dealt with
        routed_contact_acknowledge(actor=worker, contact_id=done.pk)
    page1 = routed_contacts(actor=worker, page=1, page_size=3)
    page2 = routed_contacts(actor=worker, page=2, page_size=3)
    assert page1.count == page2.count == 4
    listed = [c.pk for c in page1.items] + [c.pk for c in page2.items]
    # not yet acknowledged, oldest first; then the acknowledged, newest first
    assert listed == [routed[1].pk, routed[3].pk, routed[2].pk, routed[0].pk]


def test_packs_waiting_for_a_worker_list_immediate_risk_then_oldest_first(make_actor, api, login):
    manager, screener = make_actor("manager", "mash"), make_actor("screener", "mash")
    referrer = make_actor("referrer", "police")
    contacts = []
    for i in range(4):
        contact = contact_record(
            referrer,
            subjects=[child(f"Pack{chr(97 + i)}", "Waiting", nhs=nhs_number())],
            household=[],
            immediate_risk=i == 3,
            immediate_risk_detail="Child says she cannot go home tonight" if i == 3 else "",
        )
        screen(screener, contact, outcome="strategy", rationale="Reasonable cause to suspect significant harm")
        contacts.append(contact)
    start = timezone.now() - dt.timedelta(days=2)
    for i, contact in enumerate(contacts):
        Contact.objects.filter(pk=contact.pk).update(received_at=start + dt.timedelta(hours=i))
    expected = [str(contacts[3].pk)] + [str(c.pk) for c in contacts[:3]]  # immediate risk, then the longest waiting
    assert _pages(api(manager), "/mash-packs", key="contact_id", to_allocate="true") == expected
    page = login(manager).get("/packs/?to_allocate=1").content.decode()
    assert "4 MASH packs waiting for a social worker, oldest first" in page
    assert page.index(str(contacts[3].reference)) < page.index(str(contacts[0].reference))
    assert page.index(str(contacts[0].reference)) < page.index(str(contacts[2].reference))


def _da_notice(referrer) -> EncompassNotice:
    data = contact_payload(
        police_reference="DA/2026/0042",
        incident_at=timezone.now() - dt.timedelta(hours=10),
        dash_risk="high",
        marac_referral="yes",
        notify_schools=True,
        subjects=[child("Notice", "Child", nhs=nhs_number(), school_code="school-oak", present_at_incident="yes")],
        household=[],
    )
    return EncompassNotice.objects.get(contact=contact_create(actor=referrer, data=data)[0])


def test_a_schools_encompass_notices_list_the_unread_oldest_first_then_the_read_newest_first(make_actor, api):
    referrer = make_actor("referrer", "police")
    notices = [_da_notice(referrer) for _ in range(5)]
    start = timezone.now() - dt.timedelta(days=1)
    for i, notice in enumerate(notices):
        EncompassNotice.objects.filter(pk=notice.pk).update(created_at=start + dt.timedelta(hours=i))
    # the oldest and the fourth are read
    EncompassNotice.objects.filter(pk__in=[notices[0].pk, notices[3].pk]).update(read_at=timezone.now())
    dsl = api(make_actor("researcher", "school-oak"))
    ids = [str(n.pk) for n in notices]
    assert _pages(dsl, "/encompass-notices") == [ids[1], ids[2], ids[4], ids[3], ids[0]]
    assert _pages(dsl, "/encompass-notices", unread="true") == [ids[1], ids[2], ids[4]]


@pytest.fixture
def gp_requests(make_actor):
    """Five requests to the GP practice about five enquiries, asked a day apart (the first asked longest ago); the
    enquiries are given different due times in the same order."""
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    start = timezone.now() - dt.timedelta(days=6)
    made = []
    for i in range(5):
        enquiry = enquiry_open(
            referrer=referrer, screener=screener, subjects=[child(f"Gp{chr(97 + i)}", "Asked", nhs=nhs_number())]
        )
        (request,) = requests_send(screener, enquiry, "health-gp")
        AgencyRequest.objects.filter(pk=request.pk).update(
            requested_at=start + dt.timedelta(days=i), due_at=start + dt.timedelta(days=i, hours=8)
        )
        made.append(request)
    return made


def test_an_agencys_closed_requests_list_newest_closing_first_and_all_together_open_first(make_actor, api, gp_requests):
    manager = make_actor("manager", "mash")
    researcher = make_actor("researcher", "health-gp")
    for request in gp_requests[:3]:  # decided unanswered: closed
        decide(manager, request.enquiry)
    closed_at = timezone.now() - dt.timedelta(days=1)
    # closed in the opposite order of asking: the newest closing is the first asked
    for i, request in enumerate(gp_requests[:3]):
        AgencyRequest.objects.filter(pk=request.pk).update(closed_at=closed_at - dt.timedelta(hours=i))
    assert set(
        AgencyRequest.objects.filter(pk__in=[r.pk for r in gp_requests[:3]]).values_list("status", flat=True)
    ) == {"closed"}
    respond(researcher, gp_requests[3])
    caller = api(researcher)
    ids = [str(r.pk) for r in gp_requests]
    assert _pages(caller, "/agency-requests", status="closed") == [ids[0], ids[1], ids[2]]
    # all together: the open one first, then the answered (today) and the closed, newest first
    assert _pages(caller, "/agency-requests") == [ids[4], ids[3], ids[0], ids[1], ids[2]]


def test_an_agencys_open_requests_list_soonest_due_first_across_pages(make_actor, api, gp_requests):
    caller = api(make_actor("researcher", "health-gp"))
    ids = [str(r.pk) for r in gp_requests]
    assert _pages(caller, "/agency-requests", status="open") == ids
    AgencyRequest.objects.filter(pk=gp_requests[4].pk).update(due_at=timezone.now() - dt.timedelta(days=30))
    assert _pages(caller, "/agency-requests", status="open")[0] == ids[4]


def test_reference_lists_stay_newest_first_across_pages(make_actor):
    from openmash.contacts.selectors import my_contacts

    referrer = make_actor("referrer", "police")
    made = [
        contact_record(referrer, subjects=[child(f"Mine{chr(97 + i)}", "Recorded", nhs=nhs_number())]) for i in range(3)
    ]
    start = timezone.now() - dt.timedelta(days=3)
    for i, contact in enumerate(made):
        Contact.objects.filter(pk=contact.pk).update(received_at=start + dt.timedelta(hours=i))
    listed = [c.pk for n in (1, 2) for c in my_contacts(actor=referrer, page=n, page_size=2).items]
    assert listed == [made[2].pk, made[1].pk, made[0].pk]
