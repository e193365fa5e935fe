"""Prompt release at allocation (issue 5 review): agency contributions shared into the hub but not released stay in
the MASH (the secure room, ADR 0013), so the MASH pack the social worker receives lacks them. When the hub allocates,
it is told plainly which agencies' items are withheld ("1 item from <GP> is not in the pack until <GP> releases
it") and can ask that agency, in one click, to release them: one in-app notification to the agency naming the
reference only, and the agency's inbox shows the release request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from openmash.accounts.models import Agency
from openmash.audit.models import AuditEvent
from openmash.enquiries.models import Notification
from openmash.sharing.models import ContributedItem, ReleaseRequest

pytestmark = pytest.mark.django_db


def _client(actor):
    c = Client()
    c.force_login(actor.user)
    return c


def test_the_allocation_page_says_which_agencies_items_are_withheld_and_asks_for_them(
    manager, worker, decided_enquiry, make_actor
):
    contact = decided_enquiry.contact
    gp, school = Agency.objects.get(code="health-gp"), Agency.objects.get(code="school-oak")
    client = _client(manager)
    page = client.get(f"/contacts/{contact.pk}/allocate/").content.decode()
    assert 'data-testid="pack-withheld"' in page
    assert f"1 item from {gp.name} is not in the pack until {gp.name} releases it" in page
    assert f"1 item from {school.name} is not in the pack until {school.name} releases it" in page
    assert page.count('data-testid="ask-release"') == 2 and f"Ask {gp.name} to release it" in page

    researcher = make_actor("researcher", "health-gp")
    before = Notification.objects.filter(user=researcher.user).count()
    r = client.post(f"/packs/{contact.pk}/release-requests/", {"agency": "health-gp"})
    assert r.status_code == 302 and r["Location"] == f"/contacts/{contact.pk}/allocate/"
    asked = ReleaseRequest.objects.filter(item__agency=gp)
    assert asked.count() == 1 and asked.get().requested_by == manager.user and asked.get().status == "open"
    assert not ReleaseRequest.objects.filter(item__agency=school).exists()  # only the agency asked
    event = AuditEvent.objects.get(action="release_request", object_id=str(asked.get().pk))
    assert event.detail == {"as": "hub", "via": "allocation"}
    [note] = Notification.objects.filter(user=researcher.user).order_by("-created_at")[:1]
    assert Notification.objects.filter(user=researcher.user).count() == before + 1
    assert note.message == f"Release asked: 1 item from {gp.name} on {contact.reference}"  # no personal data
    page = client.get(f"/contacts/{contact.pk}/allocate/").content.decode()
    assert "Release has been asked for." in page and page.count('data-testid="ask-release"') == 1

    client.post(f"/packs/{contact.pk}/release-requests/", {"agency": "health-gp"})  # a second click: nothing new
    assert ReleaseRequest.objects.filter(item__agency=gp).count() == 1
    assert Notification.objects.filter(user=researcher.user).count() == before + 1

    inbox = _client(researcher).get("/requests/").content.decode()
    assert 'data-testid="release-requests-waiting"' in inbox and "1 release request waiting" in inbox
    listed = _client(researcher).get("/release-requests/").content.decode()
    assert contact.reference in listed


def test_allocating_says_what_the_pack_lacks(manager, worker, decided_enquiry):
    contact = decided_enquiry.contact
    child = str(contact.people.filter(role="subject").values_list("person_id", flat=True)[0])
    r = _client(manager).post(
        f"/contacts/{contact.pk}/allocate/", {"person_ids": [child], "worker": str(worker.membership.pk)}, follow=True
    )
    body = r.content.decode()
    gp = Agency.objects.get(code="health-gp")
    assert "1 child allocated" in body
    assert f"1 item from {gp.name} is not in the pack until {gp.name} releases it" in body
    assert 'data-testid="ask-release"' in body  # still on the allocation page, with the one-click ask


def test_nothing_withheld_means_nothing_to_ask_and_only_the_hub_may_ask(
    manager, screener, worker, decided_enquiry, make_actor
):
    contact = decided_enquiry.contact
    ContributedItem.objects.filter(request__enquiry=decided_enquiry).update(released_at=timezone.now())
    page = _client(manager).get(f"/contacts/{contact.pk}/allocate/").content.decode()
    assert 'data-testid="pack-withheld"' not in page
    r = _client(screener).post(f"/packs/{contact.pk}/release-requests/", {"agency": "health-gp"}, follow=True)
    assert "Nothing from" in r.content.decode() and not ReleaseRequest.objects.exists()
    for outsider in (worker, make_actor("researcher", "health-gp"), make_actor("referrer", "police")):
        assert _client(outsider).post(f"/packs/{contact.pk}/release-requests/", {"agency": "health-gp"}).status_code in (
            403,
            404,
        )
    assert not ReleaseRequest.objects.exists()
