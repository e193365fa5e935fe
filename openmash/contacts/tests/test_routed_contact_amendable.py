"""Attacker review 2026-11, finding 3 (MEDIUM; issue 5 fault 6): `health-gp.referrer` recorded a contact about a
child with an open allocation (passed straight to the worker) and `POST /api/v1/contacts/{id}/amendments` answered
409 "This contact has been screened…", although nobody had screened it; the contact page hid "Add to this contact"
and `/contacts/{id}/amend/` answered 409, while for a child with no allocation the amendment worked. The two cases
must read the same to the recorder: a routed contact stays amendable by its recorder until the allocated worker
acknowledges it (or the hub screens it), and a refusal is audited. Failed on main before the fix."""

from __future__ import annotations

from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.casework.services import routed_contact_acknowledge
from openmash.people.selectors import person_search
from tests.support import allocation_open, contact_record, subject_person


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _two_contacts(make_actor):
    """The GP's contact about an allocated child (routed) and one about a child nobody holds (awaiting screening)."""
    police = make_actor("referrer", "police")
    allocated = subject_person(contact_record(police))
    worker = make_actor("social_worker", "mash")
    allocation_open(allocated, worker)
    gp = make_actor("referrer", "health-gp")
    # found by the GP's own search at intake (name and date of birth), then named by id
    person_search(actor=gp, name=f"{allocated.forename} {allocated.surname}", date_of_birth=allocated.date_of_birth)
    routed = contact_record(gp, subjects=[{"person_id": str(allocated.pk)}], household=[])
    plain = contact_record(gp)
    assert routed.status == "with_allocated_worker" and plain.status == "awaiting_screening"
    return gp, worker, routed, plain


def _amend(client, contact):
    return client.post(
        f"/contacts/{contact.pk}/amendments", json={"version": contact.version, "domestic_abuse": {"dash_risk": "high"}}
    )


def test_the_recorder_cannot_tell_a_routed_contact_from_an_unscreened_one(make_actor, api):
    gp, _, routed, plain = _two_contacts(make_actor)
    client = api(gp)
    answers = [_amend(client, c) for c in (routed, plain)]
    assert [a.status_code for a in answers] == [200, 200], answers[0].content
    assert answers[0].json()["status"] == answers[1].json()["status"] == "received"
    web = login(gp)
    for contact in (routed, plain):
        page = web.get(f"/contacts/{contact.pk}/").content.decode()
        assert 'data-testid="amend-contact"' in page
        assert web.get(f"/contacts/{contact.pk}/amend/").status_code == 200


def test_once_the_worker_acknowledges_it_the_refusal_never_says_screened_and_is_audited(make_actor, api):
    gp, worker, routed, _ = _two_contacts(make_actor)
    routed_contact_acknowledge(actor=worker, contact_id=routed.pk)
    refused = _amend(api(gp), routed)
    assert refused.status_code == 409
    assert "screened" not in refused.content.decode()
    web = login(gp).get(f"/contacts/{routed.pk}/amend/")
    assert web.status_code == 409 and "screened" not in web.content.decode()
    denied = AuditEvent.objects.filter(action="deny", object_id=str(routed.pk), actor_user_id=gp.user.pk)
    assert denied.count() == 2
    assert {e.detail["status"] for e in denied} == {409}
