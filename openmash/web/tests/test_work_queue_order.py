"""Work queues are worked oldest first (issue 5 "Queues and lists"; the task brief after the practitioners' review
found the early help inbox opening newest first): besides the early help inbox (test_early_help_inbox.py), the
contacts passed to an allocated worker (not yet acknowledged first, oldest first), the MASH managers' packs waiting
for a worker (oldest first) and a school's Operation Encompass notices (unread first, oldest first). Reference lists
(my contacts, packs handed to me, decided lists, the audit trail) stay newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import VALID_NHS, contact_payload
from openmash.casework.services import routed_contact_acknowledge
from openmash.contacts.models import Contact, EncompassNotice
from openmash.contacts.services import contact_create
from openmash.people.selectors import person_search
from tests.support import allocation_open, contact_record, screen, subject_person

pytestmark = pytest.mark.django_db


def test_contacts_passed_to_a_worker_list_the_unacknowledged_oldest_first(make_actor):
    from openmash.contacts.selectors import routed_contacts

    first, _ = contact_create(actor=make_actor("referrer", "police"), data=contact_payload())
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(first), worker)
    school = make_actor("referrer", "school-oak")
    person_search(actor=school, identifier_type="nhs_number", identifier=VALID_NHS)
    routed = []
    for _ in range(3):
        contact, _ = contact_create(
            actor=school, data=contact_payload(subjects=[{"person_id": str(subject_person(first).pk)}])
        )
        routed.append(contact)
    start = timezone.now() - dt.timedelta(days=3)
    for i, contact in enumerate(routed):
        Contact.objects.filter(pk=contact.pk).update(received_at=start + dt.timedelta(hours=i))
    routed_contact_acknowledge(actor=worker, contact_id=routed[0].pk)  # the oldest is dealt with
    listed = [c.pk for c in routed_contacts(actor=worker).items]
    assert listed == [routed[1].pk, routed[2].pk, routed[0].pk]


def test_packs_waiting_for_a_worker_list_oldest_first(make_actor, api):
    manager, screener = make_actor("manager", "mash"), make_actor("screener", "mash")
    referrer = make_actor("referrer", "police")
    contacts = []
    for _ in range(3):
        contact = contact_record(referrer)
        screen(screener, contact, outcome="strategy", rationale="Reasonable cause to suspect significant harm")
        contacts.append(contact)
    start = timezone.now() - dt.timedelta(days=2)
    for i, contact in enumerate(contacts):
        Contact.objects.filter(pk=contact.pk).update(received_at=start + dt.timedelta(hours=i))
    waiting = api(manager).get("/mash-packs", to_allocate="true").json()["items"]
    assert [p["contact_id"] for p in waiting] == [str(c.pk) for c in contacts]


def test_a_schools_encompass_notices_list_the_unread_oldest_first(make_actor, api):
    referrer = make_actor("referrer", "police")
    made = []
    for _ in range(3):
        data = contact_payload(
            police_reference="DA/2026/0042",
            incident_at=timezone.now() - dt.timedelta(hours=10),
            dash_risk="high",
            marac_referral="yes",
            notify_schools=True,
            subjects=[{**contact_payload()["subjects"][0], "identifiers": []}],
        )
        data["subjects"][0].update(school_code="school-oak", present_at_incident="yes")
        made.append(contact_create(actor=referrer, data=data)[0])
    notices = [EncompassNotice.objects.get(contact=c) for c in made]
    start = timezone.now() - dt.timedelta(days=1)
    for i, notice in enumerate(notices):
        EncompassNotice.objects.filter(pk=notice.pk).update(created_at=start + dt.timedelta(hours=i))
    EncompassNotice.objects.filter(pk=notices[0].pk).update(read_at=timezone.now())  # the oldest is read
    dsl = make_actor("researcher", "school-oak")
    listed = [n["id"] for n in api(dsl).get("/encompass-notices").json()["items"]]
    assert listed == [str(notices[1].pk), str(notices[2].pk), str(notices[0].pk)]
    unread = [n["id"] for n in api(dsl).get("/encompass-notices", unread="true").json()["items"]]
    assert unread == [str(notices[1].pk), str(notices[2].pk)]


def test_reference_lists_stay_newest_first(make_actor):
    from openmash.contacts.selectors import my_contacts

    referrer = make_actor("referrer", "police")
    older, newer = contact_record(referrer), contact_record(referrer)
    Contact.objects.filter(pk=older.pk).update(received_at=timezone.now() - dt.timedelta(days=1))
    assert [c.pk for c in my_contacts(actor=referrer).items][:2] == [newer.pk, older.pk]
