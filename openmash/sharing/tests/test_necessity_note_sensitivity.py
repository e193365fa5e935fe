"""Issue 7 (lawful sharing): a sharing or release decision's necessity-and-proportionality note carries a sensitivity
(standard, sensitive, sealed: ShareDecision.note_sensitivity), chosen on the "Can I share this?" helper, the release
form and the API (an enum: 422 otherwise). A sealed note, and who wrote it, are read by the owning agency's
researchers, the partnership's sealed roles (default MASH managers) and the writer only
(access.sharing.share_note_held, through access.sharing.item_shown: every output of an item's decisions); the
decision's codes stay shown. The audit event keeps the level, never the note. AZ-5 canary tests."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.sharing.models import ContributedItem
from tests.support import SHARE, item_give

pytestmark = pytest.mark.django_db

CANARY = "Canary-note: she told the refuge worker at Elm House"


def _api(actor, method: str, path: str, body=None):
    from openmash.accounts.services import token_create

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    if method == "get":
        return Client().get(f"/api/v1{path}", **bearer)
    return Client().post(f"/api/v1{path}", body, content_type="application/json", **bearer)


def _sealed_item(room):
    return item_give(
        room.gp,
        room.gp_request,
        "Missed appointments",
        decision={**SHARE, "necessity_note": CANARY, "note_sensitivity": "sealed"},
    )


def test_a_sealed_note_is_held_from_a_screener_with_its_writer(room):
    item = _sealed_item(room)
    assert item.decisions.get().note_sensitivity == "sealed"
    r = _api(room.screener, "get", f"/contributed-items/{item.pk}")
    assert r.status_code == 200
    text = r.content.decode()
    assert CANARY not in text  # (the item's recorder is the item's provenance, shown to the hub as before)
    (d,) = r.json()["decisions"]
    assert d["note_held"] is True and d["necessity_note"] == "" and d["decided_by"] == ""
    assert d["note_sensitivity"] == "sealed" and d["lawful_basis"] == "public_task"  # the codes stay shown


def test_a_sealed_note_is_read_by_a_sealed_role_and_the_owning_agency(room, make_actor):
    item = _sealed_item(room)
    for reader in (room.manager, room.gp, make_actor("researcher", "health-gp")):
        (d,) = _api(reader, "get", f"/contributed-items/{item.pk}").json()["decisions"]
        assert d["necessity_note"] == CANARY and d["note_held"] is False


def test_a_sensitive_note_is_read_by_the_hub(room):
    item = item_give(
        room.gp, room.gp_request, "x", decision={**SHARE, "necessity_note": CANARY, "note_sensitivity": "sensitive"}
    )
    (d,) = _api(room.screener, "get", f"/contributed-items/{item.pk}").json()["decisions"]
    assert d["necessity_note"] == CANARY and d["note_sensitivity"] == "sensitive"


def test_the_api_takes_the_level_and_refuses_an_unknown_one(room):
    item = item_give(room.gp, room.gp_request, "Draft", decision=None)
    bad = _api(room.gp, "post", f"/contributed-items/{item.pk}/decision", {**SHARE, "note_sensitivity": "secret"})
    assert bad.status_code == 422 and item.decisions.count() == 0
    ok = _api(
        room.gp,
        "post",
        f"/contributed-items/{item.pk}/decision",
        {**SHARE, "necessity_note": CANARY, "note_sensitivity": "sealed"},
    )
    assert ok.status_code in (200, 201), ok.content
    assert item.decisions.get().note_sensitivity == "sealed"
    assert CANARY not in _api(room.screener, "get", f"/contributed-items/{item.pk}").content.decode()


def test_the_release_form_and_a_release_carry_the_level_and_the_audit_keeps_only_the_level(room):
    from openmash.audit.models import AuditEvent

    item = item_give(room.gp, room.gp_request, "Missed appointments")
    c = Client()
    c.force_login(room.gp.user)
    page = c.get(f"/items/{item.pk}/release/").content.decode()
    assert 'name="note_sensitivity"' in page
    r = c.post(
        f"/items/{item.pk}/release/",
        {
            "outcome": "share",
            "purpose": "protect_child",
            "lawful_basis": "public_task",
            "special_condition": "sch1_para18",
            "consent": "given",
            "necessity_note": CANARY,
            "note_sensitivity": "sealed",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    release = item.decisions.get(kind="release")
    assert release.note_sensitivity == "sealed"
    event = AuditEvent.objects.filter(action="release").order_by("-at").first()
    assert event.detail["note_sensitivity"] == "sealed" and CANARY not in str(event.detail)
    body = _api(room.screener, "get", f"/contributed-items/{item.pk}").content.decode()
    assert CANARY not in body


def test_the_helper_asks_the_level_with_the_note(room):
    item = item_give(room.gp, room.gp_request, "Seen at clinic", decision=None)
    c = Client()
    c.force_login(room.gp.user)
    step = f"/items/{item.pk}/decide/"
    c.post(step + "purpose/", {"purpose": "protect_child"})
    c.post(step + "urgent/", {"urgent": "no"})
    assert 'name="note_sensitivity"' in c.get(step + "necessary/").content.decode()
    bad = c.post(step + "necessary/", {"necessary": "all", "necessity_note": CANARY, "note_sensitivity": "x"})
    assert bad.status_code == 200 and "Select how sensitive the note is" in bad.content.decode()
    c.post(step + "necessary/", {"necessary": "all", "necessity_note": CANARY, "note_sensitivity": "sealed"})
    c.post(step + "consent/", {"consent": "given"})
    c.post(step + "basis/", {"lawful_basis": "public_task"})
    assert c.post(step + "check/").status_code == 302
    item = ContributedItem.objects.get(pk=item.pk)
    assert item.state == "shared" and item.decisions.get().note_sensitivity == "sealed"
    assert CANARY not in _api(room.screener, "get", f"/contributed-items/{item.pk}").content.decode()


def test_the_rule_holds_nothing_without_a_note(room):
    from openmash.access.sharing import share_note_held

    item = item_give(room.gp, room.gp_request, "x", decision={**SHARE, "necessity_note": "", "urgent": True})
    assert share_note_held(room.screener, item.decisions.get()) is False
