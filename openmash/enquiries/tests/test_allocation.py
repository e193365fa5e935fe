"""Allocating a child to a social worker, and the routing of later contacts that follows."""

import pytest

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.services import contact_create
from openmash.core.exceptions import PermissionDenied, ValidationFailed
from openmash.enquiries.models import CaseAllocation
from openmash.enquiries.services import allocation_assign


@pytest.fixture
def child(make_actor):
    contact, _ = contact_create(actor=make_actor("referrer", "police"), data=contact_payload())
    return contact.people.get(role="subject").person


def test_manager_allocates_and_the_next_contact_goes_to_the_worker(make_actor, child):
    manager = make_actor("manager", "mash")
    worker = make_actor("social_worker", "mash")
    allocation = allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=str(worker.membership.pk))
    assert (allocation.worker, allocation.closed_at) == (worker.user, None)
    assert AuditEvent.objects.filter(object_type="enquiries.caseallocation", action="create").count() == 1
    assert child.chronology.filter(kind="allocation").exists()

    screener = make_actor("screener", "mash")
    later, _ = contact_create(actor=screener, data=contact_payload(subjects=[{"person_id": str(child.pk)}]))
    assert (later.status, later.routed_to) == ("with_allocated_worker", worker.user)


def test_reallocation_changes_the_worker_of_the_open_allocation(make_actor, child):
    manager = make_actor("manager", "mash")
    first, second = make_actor("social_worker", "mash"), make_actor("social_worker", "mash")
    allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=str(first.membership.pk))
    allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=str(second.membership.pk))
    assert list(CaseAllocation.objects.filter(person=child).values_list("worker", flat=True)) == [second.user.pk]


@pytest.mark.parametrize(
    "role,agency", [("screener", "mash"), ("referrer", "police"), ("social_worker", "mash"), ("manager", "police")]
)
def test_only_hub_managers_allocate(make_actor, child, role, agency):
    worker = make_actor("social_worker", "mash")
    with pytest.raises(PermissionDenied):
        allocation_assign(
            actor=make_actor(role, agency), person_id=child.pk, worker_membership_id=str(worker.membership.pk)
        )
    assert not CaseAllocation.objects.exists()


def test_worker_must_be_a_social_worker(make_actor, child):
    manager = make_actor("manager", "mash")
    not_a_worker = make_actor("screener", "mash")
    for bad in (str(not_a_worker.membership.pk), "nonsense", ""):
        with pytest.raises(ValidationFailed):
            allocation_assign(actor=manager, person_id=child.pk, worker_membership_id=bad)
    assert not CaseAllocation.objects.exists()


def test_allocation_form_on_the_childs_page(client, make_actor, child):
    manager = make_actor("manager", "mash")
    worker = make_actor("social_worker", "mash")
    client.force_login(manager.user)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Not open to children" in page and 'data-testid="allocate-submit"' in page
    r = client.post(f"/people/{child.pk}/", {"worker": ""})
    assert r.status_code == 200 and "Choose a social worker" in r.content.decode()
    assert "<title>Error:" in r.content.decode()
    r = client.post(f"/people/{child.pk}/", {"worker": str(worker.membership.pk)})
    assert r.status_code == 302
    assert CaseAllocation.objects.get(person=child).worker == worker.user
    # A screener sees the allocation but cannot change it.
    client.force_login(make_actor("screener", "mash").user)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert str(worker.user) in page and 'data-testid="allocate-submit"' not in page
    assert client.post(f"/people/{child.pk}/", {"worker": str(worker.membership.pk)}).status_code == 403
