"""Issue 7: child protection plans, looked-after status and child in need plans are held (people.ChildStatus),
recorded by children's social care only, shown by the field table's "statuses" group, and a current one flags
the child for access notifications (CP-IS: the holding agency is told when another agency opens the record)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.people.models import ChildStatus
from tests.support import allocation_open, contact_record, requests_send, screen, subject_person


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    contact = contact_record(referrer)
    screen(screener, contact)
    requests_send(screener, contact.enquiry, "health-gp")
    person = subject_person(contact)
    worker = make_actor("social_worker", "mash")
    allocation = allocation_open(person, worker)
    return {
        "person": person,
        "contact": contact,
        "worker": worker,
        "allocation": allocation,
        "researcher": make_actor("researcher", "health-gp"),
        "hub": screener,
        "police_referrer": referrer,
    }


def _web(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _plan(api, actor, person, **extra):
    body = {"kind": "cp_plan", "start_date": (timezone.localdate() - dt.timedelta(days=30)).isoformat(), **extra}
    return api(actor).post(f"/people/{person.pk}/statuses", json=body)


def test_the_allocated_worker_records_a_plan_and_the_record_shows_it(world, api):
    response = _plan(api, world["worker"], world["person"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["current"], body["source_agency"]) == ("cp_plan", True, "Children's Services MASH")
    shown = api(world["hub"]).get(f"/people/{world['person'].pk}").json()
    assert [s["kind"] for s in shown["child_statuses"]] == ["cp_plan"] and "child_status" in shown["fields"]
    page = _web(world["hub"]).get(f"/people/{world['person'].pk}/").content.decode()
    assert 'data-fields="child_status"' in page and "Child protection plan from" in page
    # the researcher's minimum details never include it
    minimum = api(world["researcher"]).get(f"/people/{world['person'].pk}").json()
    assert minimum["child_statuses"] == [] and "child_status" not in minimum["fields"]
    assert (
        "Child protection plan" not in _web(world["researcher"]).get(f"/people/{world['person'].pk}/").content.decode()
    )


def test_only_childrens_social_care_records_a_plan(world, api, make_actor):
    assert _plan(api, world["researcher"], world["person"]).status_code == 403
    assert _plan(api, world["hub"], world["person"]).status_code == 403  # a screener: not a role that records it
    assert _plan(api, make_actor("manager", "mash"), world["person"]).status_code == 201
    assert _plan(api, make_actor("social_worker", "mash"), world["person"]).status_code == 404  # no basis to open
    assert _web(world["researcher"]).get(f"/people/{world['person'].pk}/statuses/").status_code == 403


def test_dates_are_checked(world, api):
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert _plan(api, world["worker"], world["person"], start_date=future).status_code == 422
    early = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    assert _plan(api, world["worker"], world["person"], end_date=early).status_code == 422


def test_a_plan_is_ended_not_deleted(world, api):
    status = _plan(api, world["worker"], world["person"]).json()
    path = f"/people/{world['person'].pk}/statuses/{status['id']}/end"
    ended = api(world["worker"]).post(path, json={"end_date": timezone.localdate().isoformat()})
    assert ended.status_code == 200 and ended.json()["end_date"] == timezone.localdate().isoformat()
    assert api(world["worker"]).post(path, json={"end_date": timezone.localdate().isoformat()}).status_code == 409
    assert ChildStatus.objects.count() == 1


def test_recording_through_the_page(world):
    client = _web(world["worker"])
    start = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        f"/people/{world['person'].pk}/statuses/",
        {
            "action": "record",
            "kind": "looked_after",
            "start_date_day": start.day,
            "start_date_month": start.month,
            "start_date_year": start.year,
        },
    )
    assert response.status_code == 302
    assert ChildStatus.objects.get().kind == "looked_after"
    page = client.get(f"/people/{world['person'].pk}/").content.decode()
    assert "Looked after from" in page and 'data-testid="record-status"' in page


def test_a_current_plan_flags_the_child_for_access_notifications(world, api):
    """The enquiry decided and the allocation closed: only the plan flags the child. The researcher (still asked,
    so with a basis) opens the record; children's social care, which holds the plan, is told."""
    from openmash.enquiries.models import Enquiry, Notification
    from openmash.oversight.models import AccessNotice

    assert _plan(api, world["worker"], world["person"]).status_code == 201
    Enquiry.objects.filter(pk=world["contact"].enquiry.pk).update(status="closed")
    world["allocation"].closed_at = timezone.now()
    world["allocation"].save(update_fields=["closed_at"])
    assert _web(world["researcher"]).get(f"/people/{world['person'].pk}/").status_code == 200
    notice = AccessNotice.objects.get()
    assert notice.owners == ["child_status"]
    told = Notification.objects.filter(user=world["worker"].user, oversight_delivery__notice=notice)
    assert told.count() == 1 and world["person"].surname not in told.get().message


def test_an_ended_plan_no_longer_flags_the_child(world, api):
    from openmash.enquiries.models import Enquiry
    from openmash.oversight.models import AccessNotice

    status = _plan(api, world["worker"], world["person"]).json()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    api(world["worker"]).post(f"/people/{world['person'].pk}/statuses/{status['id']}/end", json={"end_date": yesterday})
    Enquiry.objects.filter(pk=world["contact"].enquiry.pk).update(status="closed")
    world["allocation"].closed_at = timezone.now()
    world["allocation"].save(update_fields=["closed_at"])
    _web(world["researcher"]).get(f"/people/{world['person'].pk}/")
    assert AccessNotice.objects.count() == 0


def test_childrens_social_care_opening_its_own_child_is_not_told(world, api, make_actor):
    from openmash.enquiries.models import Enquiry
    from openmash.oversight.models import AccessNotice

    _plan(api, world["worker"], world["person"])
    Enquiry.objects.filter(pk=world["contact"].enquiry.pk).update(status="closed")
    _web(world["worker"]).get(f"/people/{world['person'].pk}/")
    assert AccessNotice.objects.count() == 0
