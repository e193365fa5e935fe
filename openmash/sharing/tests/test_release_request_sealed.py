"""Attacker review (2026-12-01): a hub screener (not a sealed role) could ask the owning agency to release a SEALED
item they may see only as held. The release request is refused with 404, like any item the actor may not see, and
the refusal is audited (deny); the page and the API alike. A sealed role (the manager, by default) may still ask."""

from __future__ import annotations

from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.sharing.models import ReleaseRequest
from tests.support import item_give


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _sealed(room):
    return item_give(room.gp, room.gp_request, "Canary refuge address", sensitivity="sealed", category="refuge_address")


def _denied(item) -> int:
    return AuditEvent.objects.filter(action="deny", object_id=str(item.pk)).count()


def test_a_screener_cannot_ask_for_the_release_of_a_sealed_item_through_the_api(room):
    item = _sealed(room)
    r = _client(room.screener).post(f"/api/v1/contributed-items/{item.pk}/release-requests")
    assert r.status_code == 404
    assert not ReleaseRequest.objects.exists()
    assert _denied(item) == 1
    r = _client(room.manager).post(f"/api/v1/contributed-items/{item.pk}/release-requests")
    assert r.status_code == 201  # a sealed role sees the item and may ask
    assert ReleaseRequest.objects.count() == 1


def test_a_screener_cannot_ask_for_the_release_of_a_sealed_item_from_the_page(room):
    item = _sealed(room)
    r = _client(room.screener).post(f"/items/{item.pk}/release-request/", {"back": "/"})
    assert r.status_code == 404
    assert not ReleaseRequest.objects.exists()
    assert _denied(item) == 1


def test_the_held_item_does_not_offer_the_screener_a_release_request(room):
    from openmash.access.sharing import item_shown, release_request_allowed
    from openmash.sharing.models import ContributedItem

    item = ContributedItem.objects.select_related("agency").get(pk=_sealed(room).pk)
    shown = item_shown(room.screener, item)
    assert shown["shown"] == "held" and shown["release_askable"] is False
    assert not release_request_allowed(room.screener, item)
    assert release_request_allowed(room.manager, item)
