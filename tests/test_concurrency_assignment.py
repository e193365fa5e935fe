"""Two screeners take the same contact or enquiry at the same moment (issue 5): one wins, the other gets 409.

Real threads on separate database connections, as tests/test_concurrency.py: on PostgreSQL the conditional UPDATE
waits for the winner's row lock and then matches nothing; on SQLite writers are serialised."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.enquiries.models import Enquiry
from tests.support import contact_record, enquiry_open
from tests.test_concurrency import _post, _token, race

pytestmark = [pytest.mark.threads, pytest.mark.django_db(transaction=True)]


def test_two_screeners_take_the_same_contact_at_once(make_actor):
    referrer = make_actor("referrer", "police")
    screeners = [make_actor("screener", "mash") for _ in range(3)]
    tokens = [_token(s) for s in screeners]
    for _round in range(3):
        contact = contact_record(referrer)
        responses = race([_post(t, f"/contacts/{contact.pk}/assignment", {"take": True}) for t in tokens])
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409, 409], [r.content for r in responses]
        winner = next(r for r in responses if r.status_code == 200).json()["assigned_to"]["user_id"]
        assert Contact.objects.get(pk=contact.pk).assigned_to_id == winner
        assert AuditEvent.objects.filter(action="take", object_id=str(contact.pk)).count() == 1
        for loser in (r for r in responses if r.status_code == 409):
            assert "already been taken by" in loser.json()["detail"]


def test_a_screener_takes_while_a_manager_assigns_the_same_enquiry(make_actor):
    from openmash.enquiries.assignment import enquiry_assign

    opener = make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=opener)
    taker, manager, target = make_actor("screener", "mash"), make_actor("manager", "mash"), make_actor("screener")
    # its screener holds it from the start; the manager puts it back on the queue, unheld, before the race
    enquiry_assign(actor=manager, enquiry_id=enquiry.pk, assign_to=None, expected=opener.user.pk)
    before = AuditEvent.objects.filter(action__in=["take", "assign"], object_id=str(enquiry.pk)).count()
    responses = race(
        [
            _post(_token(taker), f"/enquiries/{enquiry.pk}/assignment", {"take": True}),
            _post(
                _token(manager),
                f"/enquiries/{enquiry.pk}/assignment",
                {"assign_to": target.user.pk, "expected": None},
            ),
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()["assigned_to"]["user_id"]
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == winner
    assert AuditEvent.objects.filter(action__in=["take", "assign"], object_id=str(enquiry.pk)).count() == before + 1
