"""Attacker review (2026-12): a screener could undo a manager's separation. A manager separated two records
(POST /api/v1/people/{id}/separation, hub managers only), then a screener confirmed the rejected link
(POST /api/v1/record-links/{id}/confirmation, or "They are the same person after all" on the link's page) and the
records were one person again. Now undoing a rejection written by a separation or an unmerge needs "link.unmerge"
(people.linking.link_confirm, so the API and the page agree): a screener gets 403 with a clear message (audited
"deny" as every refusal), the page tells them to ask a hub manager; a manager may still rejoin them, and a
screener may still undo a reviewer's own "different people" (test_undo_decisions)."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.matching.tests.test_api import _records
from openmash.matching.tests.test_pages import _proposed
from openmash.people import linking
from openmash.people.models import LinkState, Person, RecordLink

pytestmark = pytest.mark.django_db


def _separated(partnership, make_actor, api):
    """Two records joined on the same NHS number, then separated by a manager through the API: the rejected row."""
    left, _right = _records(partnership, nhs_left="9434765919", nhs_right="9434765919")
    assert Person.objects.filter(merged_into__isnull=False).count() == 1
    manager = make_actor("manager", "mash")
    r = api(manager).post(f"/people/{left.origin_person_id}/separation", {"reason": "Twins: different children"})
    assert r.status_code == 200, r.content.decode()
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    rejected = RecordLink.objects.get(valid_to__isnull=True)
    assert rejected.state == LinkState.REJECTED and linking.link_rejection_is_separation(rejected)
    return rejected, manager


def test_a_screener_cannot_undo_a_managers_separation_through_the_api(partnership, make_actor, api):
    rejected, manager = _separated(partnership, make_actor, api)
    screener = make_actor("screener", "mash")
    r = api(screener).post(f"/record-links/{rejected.pk}/confirmation", {"reason": "Same child after all"})
    assert r.status_code == 403
    assert "ask a hub manager" in r.content.decode()
    assert RecordLink.objects.get(pk=rejected.pk).valid_to is None  # nothing written
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="link_confirm", actor_user_id=screener.user.pk).exists()
    denied = AuditEvent.objects.filter(action="deny", actor_user_id=screener.user.pk)
    assert denied.filter(detail__status=403).exists()
    # a hub manager may rejoin them, with a reason
    ok = api(manager).post(f"/record-links/{rejected.pk}/confirmation", {"reason": "The GP confirmed: one child"})
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed"
    assert Person.objects.filter(merged_into__isnull=False).count() == 1


def test_a_screener_cannot_undo_an_unmerge_in_the_service(partnership, make_actor, api):
    _records(partnership, nhs_left="9434765919", nhs_right="9434765919")
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.CONFIRMED)
    manager, screener = make_actor("manager", "mash"), make_actor("screener", "mash")
    assert api(manager).post(f"/record-links/{link.pk}/end", {"reason": "Twins"}).status_code == 200
    ended = RecordLink.objects.get(valid_to__isnull=True)
    with pytest.raises(linking.PermissionDenied) as refused:
        linking.link_confirm(actor=screener, link_id=ended.pk, reason="Same child")
    assert refused.value.message == linking.SEPARATION_UNDO_MESSAGE
    assert RecordLink.objects.get(pk=ended.pk).valid_to is None


def test_a_screener_may_still_undo_a_reviewers_different_people(partnership, make_actor):
    (proposal,) = _proposed(partnership)
    screener = make_actor("screener", "mash")
    rejected = linking.link_reject(actor=screener, link_id=proposal.pk, reason="Different children")
    assert not linking.link_rejection_is_separation(rejected)
    again = linking.link_confirm(actor=make_actor("screener", "mash"), link_id=rejected.pk, reason="Same after all")
    assert again.state == LinkState.CONFIRMED


def test_the_link_page_tells_a_screener_to_ask_a_manager(partnership, make_actor, api, login):
    rejected, manager = _separated(partnership, make_actor, api)
    screener = make_actor("screener", "mash")
    client = login(screener)
    page = client.get(f"/matching/links/{rejected.pk}/").content.decode()
    assert 'data-testid="same-after-all-ask-manager"' in page and "ask a hub manager" in page
    assert 'data-testid="same-after-all-form"' not in page
    # posting the form anyway is refused (403, audited) and writes nothing
    r = client.post(f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "Same child"})
    assert r.status_code == 403
    assert RecordLink.objects.get(pk=rejected.pk).valid_to is None
    assert AuditEvent.objects.filter(action="deny", actor_user_id=screener.user.pk, detail__status=403).exists()
    # the manager's page still offers the way back
    manager_page = login(manager).get(f"/matching/links/{rejected.pk}/").content.decode()
    assert 'data-testid="same-after-all-form"' in manager_page
    assert 'data-testid="same-after-all-ask-manager"' not in manager_page
