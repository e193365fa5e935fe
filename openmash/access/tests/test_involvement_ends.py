"""Issue 5 review, fault 6: a social worker kept the contacts routed to them (and the people in them) after their
allocation closed: `GET /api/v1/contacts/<cid>` and `/api/v1/people/<pid>` stayed 200 after
`POST /api/v1/allocations/<aid>/close`. Involvement ended means access ended on the next request, for the API and
the pages alike (access.policy decides). Failed on main before the fix."""

from __future__ import annotations

from django.test import Client

from openmash.contacts.services import contact_create
from tests.support import allocation_open, contact_record, payload, subject_person


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_closing_the_allocation_ends_the_workers_access_to_routed_contacts_and_their_people(make_actor, api):
    police = make_actor("referrer", "police")
    first = contact_record(police)
    child = subject_person(first)
    adult = first.people.exclude(role="subject").get().person
    worker = make_actor("social_worker", "mash")
    allocation = allocation_open(child, worker)
    # a later contact about the child goes straight to the allocated worker
    routed, _ = contact_create(
        actor=police, data=payload(subjects=[{"person_id": str(child.pk)}], household=[{"person_id": str(adult.pk)}])
    )
    assert routed.routed_to_id == worker.user.pk

    client = api(worker)
    web = login(worker)
    # The adult was named in the first contact, screened by nobody yet: the routed contact opens the contact and the
    # child, never the adult's record (attacker review 2026-11: only contacts the hub screened open the people they
    # name: access.policy._hub_named_people; test_attacker_review_planted_members.py).
    urls_api = [f"/contacts/{routed.pk}", f"/people/{child.pk}"]
    urls_web = [f"/contacts/{routed.pk}/", f"/people/{child.pk}/"]
    assert [client.get(u).status_code for u in urls_api] == [200, 200]
    assert [web.get(u).status_code for u in urls_web] == [200, 200]
    assert client.get(f"/people/{adult.pk}").status_code == 404
    assert f'href="/contacts/{routed.pk}/"' in web.get("/").content.decode()  # listed on their home page

    closed = client.post(f"/allocations/{allocation.pk}/close", json={"reason": "Case closed after assessment"})
    assert closed.status_code == 200, closed.content

    assert [client.get(u).status_code for u in urls_api] == [404, 404]
    assert [web.get(u).status_code for u in urls_web] == [404, 404]
    assert f'href="/contacts/{routed.pk}/"' not in web.get("/").content.decode()  # no longer listed or linked


def test_a_worker_who_recorded_a_contact_keeps_it_as_its_recorder_only(make_actor, api):
    """Their own contact stays theirs to see, as a recorder sees it (no screening route, people as named)."""
    worker = make_actor("social_worker", "mash")
    police = make_actor("referrer", "police")
    child = subject_person(contact_record(police))
    allocation = allocation_open(child, worker)
    own, _ = contact_create(actor=worker, data=payload(subjects=[{"person_id": str(child.pk)}], household=[]))
    client = api(worker)
    # their own contact goes to the hub, not back to themselves (attacker review 2026-11, finding 1)
    assert client.get(f"/contacts/{own.pk}").json()["status"] == "awaiting_screening"
    client.post(f"/allocations/{allocation.pk}/close", json={"reason": "Case closed after assessment"})
    body = client.get(f"/contacts/{own.pk}").json()
    assert body["status"] == "received"  # seen now only as its recorder
    assert client.get(f"/people/{child.pk}").status_code == 404
