"""Every "choose a user" list offers only people who can sign in and work now (issue 5 review, "a Monday of 60
contacts"): a leaver's handover already did; a manager's assign and re-assign of contacts and enquiries, and the
allocation of a child to a social worker, offered a starter who had never set a password or enrolled a second factor.
One check (access.policy.memberships_choosable over access.actor.can_sign_in_q) decides every list and every service;
a POST naming someone not on it is refused with a field error (422 in the API)."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.access.policy import CANNOT_SIGN_IN_MESSAGE
from openmash.casework.services import allocations_assign_together
from openmash.contacts.models import Contact
from openmash.core.exceptions import ValidationFailed
from openmash.enquiries import assignment
from openmash.enquiries.models import CaseAllocation, Enquiry
from openmash.enquiries.selectors import social_workers_list
from openmash.enquiries.services import allocation_assign
from tests.support import contact_record, enquiry_open

pytestmark = pytest.mark.django_db


def _client(actor):
    c = Client()
    c.force_login(actor.user)
    return c


def _unable(make_actor, role, agency):
    """Two colleagues of `role` who cannot sign in and work: a starter with no password set (second factor enrolled)
    and one with a password but no second factor."""
    starter = make_actor(role, agency)
    starter.user.set_unusable_password()
    starter.user.save(update_fields=["password"])
    return starter, make_actor(role, agency, enrolled=False)


def _ids(contact):
    return [str(p) for p in contact.people.filter(role="subject").values_list("person_id", flat=True)]


@pytest.fixture
def new_screeners(make_actor):
    return _unable(make_actor, "screener", "mash")


@pytest.fixture
def new_workers(make_actor, csc):
    return _unable(make_actor, "social_worker", "csc")


def test_the_assign_page_offers_only_colleagues_who_can_sign_in(screener, manager, referrer, new_screeners):
    contact = contact_record(referrer)
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    client = _client(manager)
    for url, model, pk in (
        (f"/contacts/{contact.pk}/assignment/", Contact, contact.pk),
        (f"/enquiries/{enquiry.pk}/assignment/", Enquiry, enquiry.pk),
    ):
        page = client.get(url).content.decode()
        assert f'<option value="{screener.user.pk}"' in page
        assert "Only colleagues who can sign in and work now are listed" in page
        before = model.objects.get(pk=pk).assigned_to_id
        for colleague in new_screeners:
            assert f'<option value="{colleague.user.pk}"' not in page
            r = client.post(url, {"assign_to": str(colleague.user.pk), "expected": str(before or "")})
            body = r.content.decode()
            assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_assign_to"' in body
            assert model.objects.get(pk=pk).assigned_to_id == before


def test_the_assignment_services_and_api_refuse_someone_who_cannot_sign_in(
    api, screener, manager, referrer, new_screeners
):
    contact = contact_record(referrer)
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    for colleague in new_screeners:
        with pytest.raises(ValidationFailed) as exc:
            assignment.contact_assign(actor=manager, contact_id=contact.pk, assign_to=colleague.user.pk)
        assert exc.value.errors == {"assign_to": [CANNOT_SIGN_IN_MESSAGE]}
        r = api(manager).post(
            f"/enquiries/{enquiry.pk}/assignment",
            {"assign_to": colleague.user.pk, "expected": screener.user.pk},
        )
        assert r.status_code == 422 and "assign_to" in r.json()["errors"]
    assert Contact.objects.get(pk=contact.pk).assigned_to_id is None
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == screener.user.pk


def test_allocation_offers_and_accepts_only_social_workers_who_can_sign_in(
    api, manager, worker, strategy_contact, new_workers
):
    offered = {m.user_id for m in social_workers_list(actor=manager)}
    assert worker.user.pk in offered and not offered & {w.user.pk for w in new_workers}
    client = _client(manager)
    url = f"/contacts/{strategy_contact.pk}/allocate/"
    page = client.get(url).content.decode()
    assert f'value="{worker.membership.pk}"' in page
    child = _ids(strategy_contact)[0]
    for newcomer in new_workers:
        assert f'value="{newcomer.membership.pk}"' not in page
        r = client.post(url, {"person_ids": [child], "worker": str(newcomer.membership.pk)})
        body = r.content.decode()
        assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_worker"' in body
        with pytest.raises(ValidationFailed) as exc:
            allocation_assign(actor=manager, person_id=child, worker_membership_id=str(newcomer.membership.pk))
        assert exc.value.errors == {"worker": [CANNOT_SIGN_IN_MESSAGE]}
        r = api(manager).post(
            f"/contacts/{strategy_contact.pk}/allocations",
            {"person_ids": [child], "worker_membership_id": str(newcomer.membership.pk)},
        )
        assert r.status_code == 422 and "worker" in r.json()["errors"]
        assert not CaseAllocation.objects.filter(worker=newcomer.user).exists()
    allocations_assign_together(
        actor=manager, contact_id=strategy_contact.pk, person_ids=[child], worker_membership_id=worker.membership.pk
    )
    assert CaseAllocation.objects.filter(worker=worker.user).count() == 1


def test_every_user_choice_comes_from_the_one_check(manager, screener, make_actor, csc, new_screeners, new_workers):
    """The lists a manager or admin chooses from, and the leaver's handover, agree with the one check: each lists
    exactly the users memberships_choosable gives for its action."""
    from openmash.access.policy import memberships_choosable

    worker = make_actor("social_worker", "csc")
    lists = {
        "work.take": (
            {m.user_id for m in assignment.work_assignees_list(actor=manager)},
            {m.user_id for m in assignment.work_recipients()},
        ),
        "allocation.receive": ({m.user_id for m in social_workers_list(actor=manager)},),
    }
    for action, offered in lists.items():
        expected = set(memberships_choosable(action).values_list("user_id", flat=True))
        for users in offered:
            assert users == expected
    assert screener.user.pk in expected | lists["work.take"][0] and worker.user.pk in lists["allocation.receive"][0]
    unable = {a.user.pk for a in (*new_screeners, *new_workers)}
    assert not unable & set(memberships_choosable("work.take").values_list("user_id", flat=True))
    assert not unable & set(memberships_choosable("allocation.receive").values_list("user_id", flat=True))
