"""Issue 7 ("lawful, secure, provable sharing"): a second partnership admin could approve or refuse a waiting setting
change (dual control, ADR 0019 addenda) only on the settings page. Now GET /api/v1/setting-changes lists them and
POST .../approval and .../refusal decide them, by the page's rules: partnership admins only (403), never the asker
(404, as a change no longer waiting), a stale change refused (409, nothing applied), approval behind the approver's
password and app code (step-up), a refusal with a reason, every step audited. Failed on main (no such operations)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import totp_code_for
from openmash.audit.models import AuditEvent
from openmash.partnership.models import PartnershipSettings, SettingChange
from openmash.partnership.services import agency_access_days_update

pytestmark = pytest.mark.django_db

PASSWORD = "not-used-in-tests"  # conftest.make_actor's password


@pytest.fixture
def admins(make_actor):
    return make_actor("partnership_admin", "mash"), make_actor("partnership_admin", "police")


@pytest.fixture
def waiting(admins) -> SettingChange:
    change = agency_access_days_update(actor=admins[0], days=90)
    assert isinstance(change, SettingChange)
    return change


def _days() -> int:
    return PartnershipSettings.objects.get().agency_access_days


def _stepup(actor) -> dict:
    return {"password": PASSWORD, "code": totp_code_for(actor.user)}


def test_the_list_shows_what_changes_who_asked_and_when_and_is_audited(api, admins, waiting):
    first, second = admins
    r = api(second).get("/setting-changes")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1 and body["page"] == 1 and body["num_pages"] == 1
    item = body["items"][0]
    assert item["id"] == str(waiting.pk) and item["reference"] == waiting.reference
    assert item["kind"] == "agency_access_days" and item["status"] == "pending"
    assert item["proposed"] == {"days": 90} and item["base"] == {"days": 30}
    assert "30 -> 90 days" in item["summary"]
    assert item["requested_by"] == first.user.username and item["created_at"]
    assert item["decidable"] is True
    # the asker sees it too, not decidable by them
    assert api(first).get("/setting-changes").json()["items"][0]["decidable"] is False
    listed = AuditEvent.objects.filter(action="list", object_type="partnership.settingchange")
    assert listed.count() == 2 and listed.first().detail["references"] == [waiting.reference]


def test_approving_with_the_step_up_applies_the_change_and_is_audited(api, admins, waiting):
    first, second = admins
    r = api(second).post(f"/setting-changes/{waiting.pk}/approval", json=_stepup(second))
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved" and r.json()["reference"] == waiting.reference
    waiting.refresh_from_db()
    assert waiting.status == "approved" and waiting.decided_by == second.user
    assert _days() == 90
    approve = AuditEvent.objects.get(action="setting_change_approve", object_id=str(waiting.pk))
    assert approve.actor_user_id == second.user.pk and approve.detail["via"] == "api"
    assert AuditEvent.objects.filter(action="stepup", actor_user_id=second.user.pk).exists()
    assert AuditEvent.objects.filter(action="update", detail__agency_access_days=[30, 90]).exists()
    assert api(second).get("/setting-changes").json()["count"] == 0


def test_a_bearer_token_alone_does_not_approve(api, admins, waiting):
    _first, second = admins
    r = api(second).post(f"/setting-changes/{waiting.pk}/approval", json={})
    assert r.status_code == 422 and set(r.json()["errors"]) >= {"password"}
    wrong = api(second).post(f"/setting-changes/{waiting.pk}/approval", json={"password": "nope", "code": "123456"})
    assert wrong.status_code == 422
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30
    assert AuditEvent.objects.filter(action="stepup_failed", actor_user_id=second.user.pk).exists()


def test_the_asker_cannot_approve_or_refuse_their_own_change(api, admins, waiting):
    first, _second = admins
    r = api(first).post(f"/setting-changes/{waiting.pk}/approval", json=_stepup(first))
    assert r.status_code == 404 and r.json()["detail"] == "That change is no longer waiting for you"
    assert api(first).post(f"/setting-changes/{waiting.pk}/refusal", json={"reason": "Mine"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30
    denied = AuditEvent.objects.filter(action="deny", object_id=str(waiting.pk), actor_user_id=first.user.pk)
    assert denied.count() == 2


def test_a_stale_change_is_refused_with_409_and_nothing_changes(api, admins, waiting):
    _first, second = admins
    assert agency_access_days_update(actor=second, days=10).agency_access_days == 10  # a shortening: at once
    r = api(second).post(f"/setting-changes/{waiting.pk}/approval", json=_stepup(second))
    assert r.status_code == 409
    assert r.json()["detail"] == "The setting was changed since this change was asked for: reject it and ask again"
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.decided_by is None and _days() == 10
    assert AuditEvent.objects.filter(
        action="deny", object_id=str(waiting.pk), detail__rule="setting_change_stale"
    ).exists()
    # it can still be refused
    refused = api(second).post(f"/setting-changes/{waiting.pk}/refusal", json={"reason": "Overtaken: ask again"})
    assert refused.status_code == 200 and refused.json()["status"] == "rejected"


def test_refusing_needs_a_reason_and_is_audited_with_it(api, admins, waiting):
    first, second = admins
    empty = api(second).post(f"/setting-changes/{waiting.pk}/refusal", json={"reason": "   "})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    r = api(second).post(f"/setting-changes/{waiting.pk}/refusal", json={"reason": "The agreement allows 30 days"})
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["decided_at"]
    waiting.refresh_from_db()
    assert waiting.status == "rejected" and waiting.decided_by == second.user and _days() == 30
    event = AuditEvent.objects.get(action="setting_change_reject", object_id=str(waiting.pk))
    assert event.reason == "The agreement allows 30 days" and event.detail["via"] == "api"
    # the asker is told it was refused (the reference only, not the reason)
    notice = first.user.notifications.order_by("-created_at").first()
    assert waiting.reference in notice.message and "refused" in notice.message
    assert "30 days" not in notice.message
    # decided: no longer waiting for anyone
    again = api(second).post(f"/setting-changes/{waiting.pk}/approval", json=_stepup(second))
    assert again.status_code == 404


@pytest.mark.parametrize("role", ["screener", "manager", "auditor", "privacy_officer", "researcher"])
def test_anyone_but_a_partnership_admin_is_refused_with_403(api, make_actor, waiting, role):
    other = make_actor(role, "mash" if role != "researcher" else "police")
    assert api(other).get("/setting-changes").status_code == 403
    assert api(other).post(f"/setting-changes/{waiting.pk}/approval", json=_stepup(other)).status_code == 403
    assert api(other).post(f"/setting-changes/{waiting.pk}/refusal", json={"reason": "No"}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30
    assert AuditEvent.objects.filter(action="deny", actor_user_id=other.user.pk).count() >= 3


def test_a_session_that_stepped_up_approves_without_the_password_again(admins, waiting):
    _first, second = admins
    client = Client()
    client.force_login(second.user)
    r = client.post("/account/step-up/", {"password": PASSWORD, "code": totp_code_for(second.user), "next": "/"})
    assert r.status_code == 302
    r = client.post(f"/api/v1/setting-changes/{waiting.pk}/approval", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert _days() == 90
