"""Screening a contact another screener holds (practitioner review, fault 9): mash.screener2 closed a contact held
by mash.screener3 as no further action with no warning, and the screening page did not say who held it. The page
now shows the holder, and screening a contact held by someone else needs "I am screening a contact held by X"
(service, API and page alike); the holder is told and the audit event names them. Chosen over refusing outright:
the holder may be away while an urgent contact waits."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.core.exceptions import ValidationFailed
from openmash.enquiries.assignment import contact_assign, contact_take
from openmash.enquiries.models import Notification
from openmash.enquiries.services import screening_record
from tests.support import contact_record


@pytest.fixture
def screeners(make_actor):
    from openmash.accounts.models import User

    two, three = make_actor("screener", "mash"), make_actor("screener", "mash")
    User.objects.filter(pk=three.user.pk).update(display_name="Cat Clarke")
    three.user.refresh_from_db()
    return two, three


@pytest.fixture
def held(make_actor, screeners):
    contact = contact_record(make_actor("referrer", "police"))
    contact_take(actor=screeners[1], contact_id=contact.pk)
    return contact


def _nfa(actor, contact, **extra):
    return screening_record(actor=actor, contact_id=contact.pk, outcome="nfa_advice", rationale="No concerns", **extra)


def test_screening_a_contact_someone_else_holds_needs_the_confirmation(screeners, held):
    two, three = screeners
    with pytest.raises(ValidationFailed) as exc:
        _nfa(two, held)
    assert exc.value.errors["holder_confirmed"] == [
        "This contact is held by Cat Clarke. Confirm that you are screening a contact they hold"
    ]
    assert Contact.objects.get(pk=held.pk).status == "awaiting_screening"
    _nfa(two, held, holder_confirmed=three.user.pk)
    assert Contact.objects.get(pk=held.pk).status == "closed"
    event = AuditEvent.objects.get(action="screen", object_id=str(held.pk))
    assert event.detail["held_by"] == three.user.pk
    told = Notification.objects.get(user=three.user, contact=held)
    assert told.message == f"Contact {held.reference}, which you held, was screened by a colleague"


def test_a_confirmation_for_a_holder_who_no_longer_holds_it_is_asked_again(make_actor, screeners, held):
    two, three = screeners
    manager = make_actor("manager", "mash")
    contact_assign(actor=manager, contact_id=held.pk, assign_to=manager.user.pk, expected=three.user.pk)
    with pytest.raises(ValidationFailed) as exc:
        _nfa(two, held, holder_confirmed=three.user.pk)  # they saw Cat hold it; the manager has it now
    assert "holder_confirmed" in exc.value.errors


def test_no_confirmation_for_one_s_own_or_an_unheld_contact(make_actor, screeners, held):
    _nfa(screeners[1], held)  # the holder screens it
    free = contact_record(make_actor("referrer", "police"))
    _nfa(screeners[0], free)
    assert not Notification.objects.filter(message__contains="which you held").exists()


def test_the_screening_page_shows_the_holder_and_asks_for_the_confirmation(login, screeners, held):
    two, three = screeners
    client = login(two)
    page = client.get(f"/contacts/{held.pk}/screen/").content.decode()
    assert 'data-testid="screen-holder">Cat Clarke' in page and 'data-testid="held-warning"' in page
    assert "I am screening a contact held by Cat Clarke" in page
    data = {"outcome": "nfa_advice", "rationale": "No concerns", "holder_seen": str(three.user.pk)}
    refused = client.post(f"/contacts/{held.pk}/screen/", data).content.decode()
    assert "<title>Error:" in refused and 'href="#id_holder_confirmed"' in refused
    assert Contact.objects.get(pk=held.pk).status == "awaiting_screening"
    done = client.post(f"/contacts/{held.pk}/screen/", {**data, "holder_confirmed": "on"})
    assert done.status_code == 302 and Contact.objects.get(pk=held.pk).status == "closed"
    own = login(three).get(f"/contacts/{held.pk}/screen/").content.decode()
    assert 'data-testid="held-warning"' not in own


def test_the_api_answers_422_naming_the_holder_then_201(api, screeners, held):
    two, three = screeners
    body = {"outcome": "nfa_advice", "rationale": "No concerns"}
    r = api(two).post(f"/contacts/{held.pk}/screening", body)
    assert r.status_code == 422 and "Cat Clarke" in r.json()["errors"]["holder_confirmed"][0]
    r = api(two).post(f"/contacts/{held.pk}/screening", {**body, "holder_confirmed": three.user.pk})
    assert r.status_code == 201, r.content
