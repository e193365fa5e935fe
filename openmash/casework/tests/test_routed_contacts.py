"""Contacts passed to the allocated worker (issue 5 practitioner review, ADR 0008): never lost when the allocation
closes, acknowledged by the worker, not amendable once routed, and their pages say where they went. Also the
allocated worker is told the child's case status (fault 4)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.casework.models import RoutedContactReceipt, RoutedContactReturn
from openmash.casework.services import allocation_close, routed_contact_acknowledge
from openmash.contacts.models import Contact
from openmash.contacts.services import contact_amend, contact_create
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied
from openmash.enquiries.models import CaseAllocation, Notification
from openmash.enquiries.services import allocation_assign
from tests.support import payload, screen


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def worker(make_actor):
    return make_actor("social_worker", "mash")


@pytest.fixture
def child(referrer):
    contact, _ = contact_create(actor=referrer, data=contact_payload())
    return contact.people.get(role="subject").person


@pytest.fixture
def allocation(manager, worker, child):
    return allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=str(worker.membership.pk))


def _routed(referrer, child, **extra) -> Contact:
    contact, _ = contact_create(actor=referrer, data=contact_payload(subjects=[{"person_id": str(child.pk)}], **extra))
    assert contact.status == "with_allocated_worker"
    return contact


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


# --- 1. safety: closing the allocation never loses a routed contact --------------------------------------------------


def test_closing_the_allocation_returns_unacknowledged_contacts_to_the_screening_queue(
    referrer, manager, screener, worker, child, allocation
):
    urgent = _routed(referrer, child, immediate_risk=True, immediate_risk_detail="Child alone at home tonight")
    ordinary = _routed(referrer, child)
    closed = allocation_close(actor=worker, allocation_id=allocation.pk, reason="Case closed after assessment")
    assert {c.pk for c in closed.returned} == {urgent.pk, ordinary.pk}
    for c in (urgent, ordinary):
        c.refresh_from_db()
        assert (c.status, c.routed_to_id, c.assigned_to_id) == ("awaiting_screening", None, None)
        assert AuditEvent.objects.filter(action="return", object_id=str(c.pk)).exists()
        assert RoutedContactReturn.objects.filter(contact=c, worker=worker.user, allocation=allocation).exists()
    # due again as what it is: immediate risk within the partnership's minutes, ordinary in working time
    assert urgent.screening_due_at < ordinary.screening_due_at
    assert (urgent.screening_due_at - closed.closed_at).total_seconds() <= 60 * 60
    # on the queue (page and data), immediate risk first; the hub and the managers are told, by reference only
    queue = login(screener).get("/screening/")
    body = queue.content.decode()
    assert urgent.reference in body and ordinary.reference in body
    assert body.index(urgent.reference) < body.index(ordinary.reference)
    told = Notification.objects.filter(user=screener.user, contact=urgent)
    assert told.exists() and "Amelia" not in told.first().message
    assert Notification.objects.filter(user=manager.user, contact__isnull=True, message__contains="closed").exists()
    # the hub may screen it again (the contact had no screening); closing it with immediate risk is a manager's
    # exception with a reason (enquiries.services.screening_record)
    from openmash.enquiries.services import screening_record

    screening_record(
        actor=manager,
        contact_id=urgent.pk,
        outcome="nfa_advice",
        rationale="Checked: child safe with grandmother",
        exception_reason="Police confirmed the child is safe with her grandmother tonight",
    )


def test_a_contact_screened_to_the_worker_is_returned_and_can_be_screened_again(
    referrer, manager, screener, worker, child, allocation
):
    contact, _ = contact_create(actor=referrer, data=payload())
    # the contact's child is allocated to the worker after it arrived, and the hub passes it to them at screening
    other = contact.people.get(role="subject").person
    allocation_assign(actor=manager, person_id=other.pk, worker_membership_id=str(worker.membership.pk))
    contact.refresh_from_db()
    screen(screener, contact, outcome="allocated_worker", rationale="Open case: for the allocated worker")
    second = CaseAllocation.objects.get(person=other, closed_at__isnull=True)
    allocation_close(actor=manager, allocation_id=second.pk, reason="Transferred to another authority")
    contact.refresh_from_db()
    assert contact.status == "awaiting_screening"
    kept = RoutedContactReturn.objects.get(contact=contact)
    assert kept.previous_screening["outcome"] == "allocated_worker"
    screen(screener, contact, outcome="nfa_advice", rationale="Moved away: the new authority has been told")
    contact.refresh_from_db()
    assert (contact.status, contact.screening.outcome) == ("closed", "nfa_advice")
    # the worker whose allocation a manager closed is told
    assert Notification.objects.filter(user=worker.user, message__contains="closed by").exists()


def test_an_acknowledged_contact_stays_with_the_case(referrer, worker, child, allocation, make_actor):
    contact = _routed(referrer, child)
    receipt = routed_contact_acknowledge(actor=worker, contact_id=contact.pk)
    assert routed_contact_acknowledge(actor=worker, contact_id=contact.pk).pk == receipt.pk  # twice: one receipt
    assert AuditEvent.objects.filter(action="acknowledge", object_id=str(contact.pk)).count() == 1
    closed = allocation_close(actor=worker, allocation_id=allocation.pk, reason="Assessment complete")
    assert closed.returned == []
    contact.refresh_from_db()
    assert contact.status == "with_allocated_worker"


def test_only_the_worker_it_was_passed_to_acknowledges(referrer, screener, worker, child, allocation, make_actor):
    contact = _routed(referrer, child)
    with pytest.raises(NotFound):
        routed_contact_acknowledge(actor=make_actor("social_worker", "mash"), contact_id=contact.pk)
    for actor in (screener, referrer):
        with pytest.raises(PermissionDenied):
            routed_contact_acknowledge(actor=actor, contact_id=contact.pk)
    assert not RoutedContactReceipt.objects.exists()


def test_a_sibling_still_allocated_to_the_worker_keeps_the_contact(referrer, manager, worker, allocation, child):
    contact, _ = contact_create(
        actor=referrer,
        data=contact_payload(
            subjects=[
                {"person_id": str(child.pk)},
                {"forename": "Ben", "surname": "Sibling", "date_of_birth": "2016-09-10", "sex": "M"},
            ]
        ),
    )
    ben = contact.people.get(role="subject", person__forename="Ben").person
    allocation_assign(actor=manager, person_id=ben.pk, worker_membership_id=str(worker.membership.pk))
    closed = allocation_close(actor=worker, allocation_id=allocation.pk, reason="Amelia's plan ended")
    assert closed.returned == []
    contact.refresh_from_db()
    assert contact.status == "with_allocated_worker"


def test_reallocating_passes_unacknowledged_contacts_to_the_new_worker(
    referrer, manager, worker, child, allocation, make_actor
):
    contact = _routed(referrer, child)
    new = make_actor("social_worker", "mash")
    allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=str(new.membership.pk))
    contact.refresh_from_db()
    assert contact.routed_to_id == new.user.pk
    assert Notification.objects.filter(user=new.user, contact=contact).exists()


def test_the_worker_acknowledges_on_the_contact_page_and_through_the_api(referrer, worker, child, allocation, api):
    first, second = _routed(referrer, child), _routed(referrer, child)
    home = login(worker).get("/").content.decode()
    assert home.count('<strong class="govuk-tag govuk-tag--orange">Not yet</strong>') == 2
    page = login(worker).get(f"/contacts/{first.pk}/")
    assert 'data-testid="acknowledge-contact"' in page.content.decode()
    assert "Not yet acknowledged" in page.content.decode()
    response = login(worker).post(f"/contacts/{first.pk}/acknowledge/")
    assert response.status_code == 302
    assert RoutedContactReceipt.objects.filter(contact=first, worker=worker.user).exists()
    after = login(worker).get(f"/contacts/{first.pk}/").content.decode()
    assert 'data-testid="acknowledge-contact"' not in after and "acknowledged" in after
    home = login(worker).get("/").content.decode()
    assert home.count('<strong class="govuk-tag govuk-tag--orange">Not yet</strong>') == 1
    r = api(worker).post(f"/contacts/{second.pk}/acknowledgement")
    assert r.status_code == 200, r.content
    assert r.json()["contact_id"] == str(second.pk)
    closed = api(worker).post(f"/allocations/{allocation.pk}/close", json={"reason": "Done"})
    assert closed.status_code == 200 and closed.json()["returned_contact_ids"] == []


def test_closing_through_the_api_lists_the_returned_contacts(referrer, worker, child, allocation, api):
    contact = _routed(referrer, child)
    r = api(worker).post(f"/allocations/{allocation.pk}/close", json={"reason": "Case closed"})
    assert r.status_code == 200, r.content
    assert r.json()["returned_contact_ids"] == [str(contact.pk)]


# --- 6. a routed contact is amendable until the worker acknowledges it; then never, and the pages never say why -------
# (attacker review 2026-11, finding 3: refusing at once told the referrer the child had an allocated worker)


def test_a_routed_contact_cannot_be_amended_once_the_worker_acknowledged_it(
    referrer, screener, worker, child, allocation, api
):
    from openmash.casework.services import routed_contact_acknowledge

    contact = _routed(referrer, child)
    amended = contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=contact.version,
        data={"domestic_abuse": {"police_reference": "PR/1/26"}},
    )
    assert amended.version == contact.version + 1  # as for a contact awaiting screening
    routed_contact_acknowledge(actor=worker, contact_id=contact.pk)
    contact.refresh_from_db()
    for actor in (referrer, screener):
        with pytest.raises(Conflict) as exc:
            contact_amend(
                actor=actor,
                contact_id=contact.pk,
                version=contact.version,
                data={"domestic_abuse": {"police_reference": "PR/2/26"}},
            )
        assert "allocated" not in exc.value.message.lower()
    page = login(referrer).get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="amend-contact"' not in page
    amend = login(referrer).get(f"/contacts/{contact.pk}/amend/")  # its state, not their role, is why (409)
    assert amend.status_code == 409 and "allocated" not in amend.content.decode().lower()
    r = api(referrer).post(
        f"/contacts/{contact.pk}/amendments",
        json={"version": contact.version, "domestic_abuse": {"police_reference": "PR/1/26"}},
    )
    assert r.status_code == 409


def test_the_screening_page_of_a_routed_contact_says_it_went_to_the_worker(
    referrer, screener, worker, child, allocation
):
    contact = _routed(referrer, child)
    body = login(screener).get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert "Nobody: take it" not in body and 'data-testid="screen-holder"' not in body
    assert 'data-testid="screen-routed"' in body and "allocated worker" in body
    assert "Screening due" not in login(screener).get(f"/contacts/{contact.pk}/").content.decode()


# --- 4. the allocated worker is told the child's case status -------------------------------------------------------


def test_the_allocated_worker_sees_the_child_is_open_to_them(worker, manager, referrer, child, allocation, api):
    for actor in (worker, manager):
        body = login(actor).get(f"/people/{child.pk}/").content.decode()
        assert "Not open to children" not in body
        assert "Open to children" in body
        r = api(actor).get(f"/people/{child.pk}")
        assert r.status_code == 200 and r.json()["case_status"]["open"] is True
    allocation_close(actor=worker, allocation_id=allocation.pk, reason="Done")
    assert api(manager).get(f"/people/{child.pk}").json()["case_status"]["open"] is False
