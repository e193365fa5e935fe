"""Duplicate work (issue 6): a contact about a child whose case is already in hand says so, to the hub only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.enquiries.related import related_work, related_work_for
from tests.support import allocation_open, child, contact_record, nhs_number, screen, subject_person


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def school(make_actor):
    return make_actor("referrer", "school-oak")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def _kinds(contact) -> list[str]:
    return [i.kind for i in related_work_for([contact])[contact.pk]]


def test_a_contact_about_a_child_in_an_open_enquiry_says_so_and_links_the_enquiry(police, school, screener, api):
    nhs = nhs_number()
    first = contact_record(
        police, subjects=[child("Kayden", "Testchild", nhs=nhs[:3] + " " + nhs[3:6] + " " + nhs[6:])]
    )
    screen(screener, first)
    first.refresh_from_db()
    # the school writes the NHS number differently and spells the name another way: the same child (ADR 0005)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}")])
    items = related_work(actor=screener, contact=second)
    # both recorded domestic abuse (the default concern codes): the second agency's same concern is named too
    assert [i.kind for i in items] == ["open_enquiry", "same_concern"]
    assert items[0].enquiry_id == first.enquiry.pk and items[0].reference == first.reference
    assert items[0].child_ids == [subject_person(second).pk]

    body = api(screener).get(f"/contacts/{second.pk}/related-work").json()
    assert [(r["kind"], r["enquiry_id"]) for r in body] == [
        ("open_enquiry", str(first.enquiry.pk)),
        ("same_concern", None),
    ]
    queue = api(screener).get("/screening-queue").json()["items"]
    assert {r["reference"]: r["related_work"] for r in queue}[second.reference] == ["open_enquiry", "same_concern"]
    assert AuditEvent.objects.filter(action="view", object_id=str(second.pk)).exists()


def test_the_referrer_is_never_told_of_the_hubs_work(police, school, screener, api):
    """Telling the school that the child is in an enquiry would leak case status (issue 5, fault 6)."""
    nhs = nhs_number()
    screen(screener, contact_record(police, subjects=[child(nhs=nhs)]))
    response = _post_answering(api(school), child(nhs=nhs))
    assert response.status_code == 201, response.content
    notices = " ".join(response.json()["notices"])
    assert "enquiry" not in notices.lower() and "contact " not in notices.lower()
    assert api(school).get(f"/contacts/{response.json()['id']}/related-work").status_code == 403


def test_the_hub_recording_a_contact_is_told_at_intake(police, screener, api):
    nhs = nhs_number()
    first = contact_record(police, subjects=[child(nhs=nhs)])
    screen(screener, first)
    response = _post_answering(api(screener), child(nhs=nhs))
    assert response.status_code == 201, response.content
    assert any(
        n.startswith("subjects.0: in an open MASH enquiry: contact " + first.reference)
        for n in response.json()["notices"]
    ), response.json()["notices"]


def test_a_referrer_is_reminded_of_their_own_recent_contact_about_the_same_child(police, api):
    nhs = nhs_number()
    first = contact_record(police, subjects=[child(nhs=nhs)])
    response = _post_answering(api(police), child(nhs=nhs))
    assert response.status_code == 201, response.content
    assert any(f"you recorded contact {first.reference}" in n for n in response.json()["notices"])
    # a colleague's contact is not theirs to be told of
    other = _post_answering(api(police), child(nhs=nhs_number()))
    assert not [n for n in other.json()["notices"] if "you recorded" in n]


def test_two_agencies_raising_the_same_concern_within_28_days(police, school, screener):
    nhs = nhs_number()
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    first = contact_record(police, subjects=[child(nhs=nhs)], concern_codes=["3A"], received_at=ten_days_ago)
    same = contact_record(school, subjects=[child(nhs=nhs)], concern_codes=["3A", "18C"])
    assert _kinds(same) == ["same_concern"]
    item = related_work(actor=screener, contact=same)[0]
    assert item.contact_id == first.pk and len(item.concerns) == 1
    different = contact_record(school, subjects=[child(nhs=nhs)], concern_codes=["18C"])
    # ten days apart with nothing in common is neither the same concern nor a recent contact ...
    assert [i.contact_id for i in related_work_for([different])[different.pk] if i.contact_id == first.pk] == []
    # ... but the school's two contacts today are recent contacts of each other (one agency: not a second agency)
    assert [i.kind for i in related_work_for([different])[different.pk] if i.contact_id == same.pk] == [
        "recent_contact"
    ]


def test_the_same_agency_twice_is_a_recent_contact_not_a_second_agency(police, screener):
    nhs = nhs_number()
    contact_record(police, subjects=[child(nhs=nhs)], concern_codes=["3A"])
    again = contact_record(police, subjects=[child(nhs=nhs)], concern_codes=["3A"])
    assert _kinds(again) == ["recent_contact"]


def test_an_open_case_is_related_work_and_a_closed_one_is_not(police, screener, make_actor):
    worker = make_actor("social_worker", "mash")
    nhs = nhs_number()
    first = contact_record(police, subjects=[child(nhs=nhs)])
    allocation = allocation_open(subject_person(first), worker)
    later = contact_record(police, subjects=[child("Bobby", nhs=nhs_number())])
    assert "open_case" not in _kinds(later)
    again = contact_record(make_actor("referrer", "school-oak"), subjects=[child(nhs=nhs)])
    assert "open_case" in _kinds(again)
    allocation.closed_at = timezone.now()
    allocation.save()
    assert "open_case" not in _kinds(again)


def test_only_the_hub_may_see_related_work(police, make_actor):
    from openmash.core.exceptions import PermissionDenied

    contact = contact_record(police)
    for role, agency in (("referrer", "police"), ("researcher", "health-gp"), ("social_worker", "mash")):
        with pytest.raises(PermissionDenied):
            related_work(actor=make_actor(role, agency), contact=contact)


def test_the_screening_page_and_queue_show_related_work(police, school, screener, client):
    nhs = nhs_number()
    first = contact_record(police, subjects=[child(nhs=nhs)])
    screen(screener, first)
    first.refresh_from_db()
    second = contact_record(school, subjects=[child(nhs=nhs)])
    client.force_login(screener.user)
    page = client.get(f"/contacts/{second.pk}/screen/").content.decode()
    assert 'data-testid="related-work"' in page and f"/enquiries/{first.enquiry.pk}/" in page
    queue = client.get("/screening/").content.decode()
    assert "In an open MASH enquiry" in queue
    # picture review: the contact page said nothing of it; now it does, for the hub, while the contact waits
    detail = client.get(f"/contacts/{second.pk}/").content.decode()
    assert 'data-testid="related-work"' in detail and f"/enquiries/{first.enquiry.pk}/" in detail
    client.force_login(school.user)  # the recorder is never told of the hub's work (fault 6)
    assert 'data-testid="related-work"' not in client.get(f"/contacts/{second.pk}/").content.decode()


def _post_answering(client, subject: dict):
    """POST /contacts as a partner system does since it searches before it creates (ADR 0009 addendum 1): refused
    with the candidates, it names the one whose identifier matched (`person_id`), or else declares the child new
    with the refusal's reference."""
    from conftest import contact_payload

    r = client.post("/contacts", contact_payload(subjects=[subject], household=[]))
    if r.status_code != 422 or "subjects.0" not in r.json().get("candidates", {}):
        return r
    offered = r.json()["candidates"]["subjects.0"]
    exact = [i for i in offered["items"] if i["exact"]]
    answer = (
        {"person_id": exact[0]["id"]}
        if exact
        else {**subject, "match_decision": "new", "candidates_reference": offered["reference"]}
    )
    return client.post("/contacts", contact_payload(subjects=[answer], household=[]))


# --- joining the work up: "add to the open MASH enquiry" at screening ----------------------------------------------


def _enquiry_about(police, screener, nhs):
    first = contact_record(police, subjects=[child(nhs=nhs)])
    screen(screener, first)
    first.refresh_from_db()
    return first


def test_a_contact_added_to_the_open_enquiry_is_decided_with_it(police, school, screener, make_actor, api):
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import Notification
    from tests.support import decide

    nhs = nhs_number()
    first = _enquiry_about(police, screener, nhs)
    second = contact_record(school, subjects=[child(nhs=nhs)])
    r = api(screener).post(
        f"/contacts/{second.pk}/screening", {"outcome": "add_to_enquiry", "rationale": "Same incident, same child"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "added_to_enquiry" and r.json()["enquiry_id"] == str(first.enquiry.pk)
    second.refresh_from_db()
    assert second.screening.added_to_id == first.enquiry.pk
    assert not hasattr(second, "enquiry") or second.enquiry is None  # no parallel enquiry was opened
    assert AuditEvent.objects.filter(action="screen", object_id=str(second.pk), detail__enquiry=str(first.enquiry.pk))
    added = api(screener).get(f"/enquiries/{first.enquiry.pk}").json()["added_contacts"]
    assert [a["reference"] for a in added] == [second.reference]

    # the school sees a MASH enquiry under way, not that someone else raised the child before them
    seen = api(school).get(f"/contacts/{second.pk}").json()
    assert seen["status"] == "in_enquiry" and seen["screening"] is None and seen["enquiry_id"] is None

    decide(make_actor("manager", "mash"), first.enquiry)
    assert Contact.objects.get(pk=second.pk).status == "decided"
    assert Notification.objects.filter(user=school.user, contact=second).exists()
    assert api(school).get(f"/contacts/{second.pk}").json()["decision_outcomes"] == ["assessment_s17"]


def test_adding_needs_an_open_enquiry_covering_every_child(police, school, screener, api):
    lone = contact_record(school, subjects=[child(nhs=nhs_number())])
    r = api(screener).post(f"/contacts/{lone.pk}/screening", {"outcome": "add_to_enquiry", "rationale": "x"})
    assert r.status_code == 422 and "outcome" in r.json()["errors"]

    nhs = nhs_number()
    _enquiry_about(police, screener, nhs)
    wider = contact_record(school, subjects=[child(nhs=nhs), child("Bobby", "Other", nhs=nhs_number())])
    r = api(screener).post(f"/contacts/{wider.pk}/screening", {"outcome": "add_to_enquiry", "rationale": "x"})
    assert r.status_code == 422, r.content
    assert "not in that enquiry" in r.json()["errors"]["enquiry_id"][0]
    wider.refresh_from_db()
    assert wider.status == "awaiting_screening"  # nothing half-done


def test_with_two_open_enquiries_the_screener_chooses(police, school, screener, api):
    nhs = nhs_number()
    one = _enquiry_about(police, screener, nhs)
    two = _enquiry_about(police, screener, nhs)
    third = contact_record(school, subjects=[child(nhs=nhs)])
    url = f"/contacts/{third.pk}/screening"
    r = api(screener).post(url, {"outcome": "add_to_enquiry", "rationale": "x"})
    assert r.status_code == 422 and "enquiry_id" in r.json()["errors"]
    r = api(screener).post(url, {"outcome": "add_to_enquiry", "rationale": "x", "enquiry_id": str(one.pk)})
    assert r.status_code == 422, "a contact id is not an enquiry id"
    r = api(screener).post(url, {"outcome": "add_to_enquiry", "rationale": "x", "enquiry_id": str(two.enquiry.pk)})
    assert r.status_code == 201, r.content
    third.refresh_from_db()
    assert third.screening.added_to_id == two.enquiry.pk


def test_an_enquiry_only_goes_with_adding(police, screener, api):
    nhs = nhs_number()
    first = _enquiry_about(police, screener, nhs)
    other = contact_record(police, subjects=[child(nhs=nhs)])
    r = api(screener).post(
        f"/contacts/{other.pk}/screening",
        {"outcome": "nfa_advice", "rationale": "x", "enquiry_id": str(first.enquiry.pk)},
    )
    assert r.status_code == 422 and "enquiry_id" in r.json()["errors"]


def test_the_screening_page_offers_to_add_the_contact_to_the_open_enquiry(police, school, screener, client):
    nhs = nhs_number()
    first = _enquiry_about(police, screener, nhs)
    second = contact_record(school, subjects=[child(nhs=nhs)])
    client.force_login(screener.user)
    url = f"/contacts/{second.pk}/screen/"
    page = client.get(url).content.decode()
    assert f"Add to the open MASH enquiry (contact {first.reference}" in page
    lone = contact_record(school, subjects=[child(nhs=nhs_number())])
    assert 'value="add_to_enquiry"' not in client.get(f"/contacts/{lone.pk}/screen/").content.decode()
    r = client.post(url, {"outcome": "add_to_enquiry", "rationale": "Same incident"})
    assert r.status_code == 302 and r.url == f"/contacts/{second.pk}/"
    detail = client.get(r.url).content.decode()
    assert f"opened on contact {first.reference}" in detail
    enquiry_page = client.get(f"/enquiries/{first.enquiry.pk}/").content.decode()
    assert 'data-testid="added-contacts"' in enquiry_page and second.reference in enquiry_page
