"""Issue 7: approving a waiting setting change through the API asks the approver to step up (password and their
authenticator app's current code, unless their session stepped up in the last OPENMASH_STEPUP_SECONDS), so a
bearer token alone never approves; the settings page approved on the session alone, so a hijacked or unattended
signed-in session of a second admin could apply a widening or a relaxing. Now the page asks the same step-up
(accounts.stepup, the check and window break-glass uses) before it approves: nothing is approved without it, a wrong
password or code is shown in the GOV.UK error summary, every attempt is audited (ADR 0019 addendum). Refusing
applies nothing and, as in the API, needs no step-up. Each test failed on main (the page approved without asking)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from conftest import totp_code_for
from openmash.accounts.stepup import SESSION_KEY
from openmash.audit.models import AuditEvent
from openmash.partnership.models import PartnershipSettings, SettingChange
from openmash.partnership.services import agency_access_days_update
from openmash.partnership.tests import setting_change_pages as pages

pytestmark = pytest.mark.django_db

PASSWORD = "not-used-in-tests"  # conftest.make_actor's password
STEPUP = "/account/step-up/"


@pytest.fixture
def waiting(admins) -> SettingChange:
    change = agency_access_days_update(actor=admins[0], days=90)
    assert isinstance(change, SettingChange)
    return change


def _days() -> int:
    return PartnershipSettings.objects.get().agency_access_days


def _approve(client, change):
    return client.post("/partnership/", {"form": "setting_change", "change": str(change.pk), "decision": "approve"})


def _approved_events(change):
    return AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk))


def test_approving_on_the_page_without_a_step_up_sends_the_admin_to_confirm_and_approves_nothing(admins, waiting):
    first, second = admins
    # the asker is told the change is not theirs to decide, with no step-up prompt (nothing said about the change)
    r = _approve(pages.client(first), waiting)
    assert r.status_code == 302 and r["Location"] == "/partnership/"
    r = _approve(pages.client(second), waiting)
    assert r.status_code == 302
    target = urlsplit(r["Location"])
    assert target.path == STEPUP
    assert parse_qs(target.query)["next"] == ["/partnership/#waiting-changes"]
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30
    assert not _approved_events(waiting).exists()
    # refusing applies nothing and, as in the API, needs no step-up
    r = pages.client(second).post(
        "/partnership/", {"form": "setting_change", "change": str(waiting.pk), "decision": "reject"}
    )
    assert r.status_code == 302 and r["Location"] == "/partnership/"
    waiting.refresh_from_db()
    assert waiting.status == "rejected" and _days() == 30


def test_a_wrong_password_or_code_is_shown_in_the_error_summary_and_approves_nothing(admins, waiting):
    _first, second = admins
    client = pages.client(second)
    next_url = urlsplit(_approve(client, waiting)["Location"])
    r = client.get(f"{next_url.path}?{next_url.query}")
    assert waiting.reference in r.content.decode()  # the page says which change it is for (messages)
    r = client.post(STEPUP, {"password": "wrong-password", "code": "123456", "next": "/partnership/"})
    body = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_password"' in body
    assert "<title>Error:" in body
    r = client.post(STEPUP, {"password": PASSWORD, "code": "000000", "next": "/partnership/"})
    body = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_code"' in body
    failed = AuditEvent.objects.filter(action="stepup_failed", actor_user_id=second.user.pk)
    assert sorted(e.detail["factor"] for e in failed) == ["password", "totp"]
    # still not stepped up: approving sends them back to confirm, and nothing is approved
    assert urlsplit(_approve(client, waiting)["Location"]).path == STEPUP
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30 and not _approved_events(waiting).exists()


def test_after_the_step_up_the_page_approves_and_it_is_audited(admins, waiting):
    _first, second = admins
    client = pages.client(second)
    _approve(client, waiting)
    r = client.post(STEPUP, {"password": PASSWORD, "code": totp_code_for(second.user), "next": "/partnership/"})
    assert r.status_code == 302 and r["Location"] == "/partnership/"
    r = _approve(client, waiting)
    assert r.status_code == 302 and r["Location"] == "/partnership/"
    waiting.refresh_from_db()
    assert waiting.status == "approved" and waiting.decided_by == second.user and _days() == 90
    assert AuditEvent.objects.filter(action="stepup", actor_user_id=second.user.pk).exists()
    assert _approved_events(waiting).get().detail["via"] == "web"


def test_a_step_up_older_than_the_window_is_asked_again(admins, waiting, settings):
    _first, second = admins
    client = pages.client(second)
    session = client.session
    old = timezone.now() - dt.timedelta(seconds=settings.OPENMASH_STEPUP_SECONDS + 1)
    session[SESSION_KEY] = {"user": second.user.pk, "at": old.timestamp()}
    session.save()
    assert urlsplit(_approve(client, waiting)["Location"]).path == STEPUP
    waiting.refresh_from_db()
    assert waiting.status == "pending" and _days() == 30


def test_another_users_step_up_in_the_session_does_not_count(admins, waiting):
    first, second = admins
    client = pages.client(second)
    session = client.session
    session[SESSION_KEY] = {"user": first.user.pk, "at": timezone.now().timestamp()}
    session.save()
    assert urlsplit(_approve(client, waiting)["Location"]).path == STEPUP
    waiting.refresh_from_db()
    assert waiting.status == "pending"
