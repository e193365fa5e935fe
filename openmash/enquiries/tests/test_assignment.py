"""Taking and assigning the hub's work (issue 5): services, API and pages."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.enquiries import assignment
from openmash.enquiries.models import Enquiry
from tests.support import contact_record, decide, enquiry_open, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(make_actor):
    return {
        "referrer": make_actor("referrer", "police"),
        "screener": make_actor("screener", "mash"),
        "other": make_actor("screener", "mash"),
        "manager": make_actor("manager", "mash"),
    }


def test_screener_takes_a_contact_and_a_second_screener_is_told(hub):
    contact = contact_record(hub["referrer"])
    assignment.contact_take(actor=hub["screener"], contact_id=contact.pk)
    contact.refresh_from_db()
    assert contact.assigned_to_id == hub["screener"].user.pk and contact.assigned_at is not None
    assert contact.version == 1  # taking does not make anyone's amendment stale
    with pytest.raises(Conflict, match="already been taken by"):
        assignment.contact_take(actor=hub["other"], contact_id=contact.pk)
    contact.refresh_from_db()
    assert contact.assigned_to_id == hub["screener"].user.pk
    events = AuditEvent.objects.filter(action="take", object_id=str(contact.pk))
    assert events.count() == 1 and events.get().actor_user_id == hub["screener"].user.pk
    assignment.contact_take(actor=hub["screener"], contact_id=contact.pk)  # a double click changes nothing
    assert AuditEvent.objects.filter(action="take", object_id=str(contact.pk)).count() == 1


def test_a_screened_contact_or_decided_enquiry_cannot_be_taken(hub):
    contact = contact_record(hub["referrer"])
    screen(hub["screener"], contact, outcome="nfa_advice")
    with pytest.raises(Conflict, match="already been screened"):
        assignment.contact_take(actor=hub["other"], contact_id=contact.pk)
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    decide(hub["manager"], enquiry)
    with pytest.raises(Conflict, match="already been decided"):
        assignment.enquiry_take(actor=hub["other"], enquiry_id=enquiry.pk)


def test_manager_assigns_and_reassigns_with_the_holder_they_saw(hub):
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    screener, other, manager = hub["screener"], hub["other"], hub["manager"]
    assert enquiry.assigned_to_id == screener.user.pk  # the screener who opened it holds it from the start
    with pytest.raises(Conflict, match="Someone else has just changed who holds this"):  # saw it unheld: stale
        assignment.enquiry_assign(actor=manager, enquiry_id=enquiry.pk, assign_to=other.user.pk, expected=None)
    assignment.enquiry_assign(actor=manager, enquiry_id=enquiry.pk, assign_to=other.user.pk, expected=screener.user.pk)
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == other.user.pk
    assignment.enquiry_assign(actor=manager, enquiry_id=enquiry.pk, assign_to=None, expected=other.user.pk)
    enquiry.refresh_from_db()
    assert (enquiry.assigned_to_id, enquiry.assigned_at) == (None, None)
    details = [e.detail for e in AuditEvent.objects.filter(action="assign", object_id=str(enquiry.pk)).order_by("at")]
    assert details == [
        {"from": str(screener.user.pk), "to": str(other.user.pk)},
        {"from": str(other.user.pk), "to": None},
    ]


def test_only_hub_members_who_hold_work_can_be_assigned_and_only_managers_assign(hub, make_actor):
    contact = contact_record(hub["referrer"])
    for outsider in (hub["referrer"], make_actor("social_worker", "mash"), make_actor("screener", "police")):
        with pytest.raises(ValidationFailed):
            assignment.contact_assign(actor=hub["manager"], contact_id=contact.pk, assign_to=outsider.user.pk)
    with pytest.raises(PermissionDenied):
        assignment.contact_assign(actor=hub["screener"], contact_id=contact.pk, assign_to=hub["other"].user.pk)
    with pytest.raises(PermissionDenied):
        assignment.contact_take(actor=hub["referrer"], contact_id=contact.pk)
    assert Contact.objects.get(pk=contact.pk).assigned_to_id is None
    assert not AuditEvent.objects.filter(action__in=["take", "assign"]).exists()


def test_api_take_and_assign(api, hub):
    contact = contact_record(hub["referrer"])
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    r = api(hub["screener"]).post(f"/contacts/{contact.pk}/assignment", {"take": True})
    assert r.status_code == 200, r.content
    assert r.json()["assigned_to"]["user_id"] == hub["screener"].user.pk
    lost = api(hub["other"]).post(f"/contacts/{contact.pk}/assignment", {"take": True})
    assert lost.status_code == 409 and "already been taken by" in lost.json()["detail"]
    queue = api(hub["other"]).get("/screening-queue", assigned="none").json()
    assert str(contact.pk) not in [i["id"] for i in queue["items"]]
    mine = api(hub["screener"]).get("/screening-queue", assigned="me").json()
    assert [i["id"] for i in mine["items"]] == [str(contact.pk)]
    assert mine["items"][0]["assigned_to"]["user_id"] == hub["screener"].user.pk
    given = api(hub["manager"]).post(
        f"/enquiries/{enquiry.pk}/assignment",
        {"assign_to": hub["other"].user.pk, "expected": hub["screener"].user.pk},  # the screener who opened it
    )
    assert given.status_code == 200 and given.json()["assigned_to"]["user_id"] == hub["other"].user.pk
    held = api(hub["manager"]).get("/enquiries", assigned=str(hub["other"].user.pk)).json()
    assert [i["id"] for i in held["items"]] == [str(enquiry.pk)]
    refused = api(hub["screener"]).post(f"/enquiries/{enquiry.pk}/assignment", {"assign_to": hub["screener"].user.pk})
    assert refused.status_code == 403
    missing = api(hub["screener"]).post("/contacts/00000000-0000-4000-8000-000000000000/assignment", {"take": True})
    assert missing.status_code == 404
    assert api(hub["screener"]).get("/screening-queue", assigned="bob").status_code == 422
