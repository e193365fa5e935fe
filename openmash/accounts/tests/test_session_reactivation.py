"""Attacker review: deactivating a user or an agency did not end their web sessions, so after a reactivation the old
session cookie worked again without signing in (API tokens already stayed revoked). Now a deactivation deletes the
sessions server-side (accounts.admin_services -> core.sessions.sessions_end_for_users), whichever way it is made
(service, command line, admin page), and a reactivated user signs in again. Each test keeps one browser's cookie
through the real session and authentication middleware. Failed on main before the fix."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from openmash.accounts.admin_services import SYSTEM, agency_set_active, role_grant_decide, user_set_active
from openmash.accounts.models import RoleGrant
from openmash.audit.models import AuditEvent


def _browser(actor) -> Client:
    c = Client()
    c.force_login(actor.user)  # a real session row and cookie, as after the sign-in page
    assert _signed_in(c)
    return c


def _signed_in(c: Client) -> bool:
    r = c.get("/")
    return r.status_code == 200 and "/login/" not in r.get("Location", "")


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


def test_a_reactivated_user_must_sign_in_again(police, make_actor):
    browser = _browser(police)
    bystander = _browser(make_actor("referrer", "police"))
    admin = make_actor("partnership_admin", "mash")
    user_set_active(actor=admin, username=police.user.username, active=False, reason="Left the service")
    user_set_active(actor=admin, username=police.user.username, active=True)
    assert not _signed_in(browser)  # the old cookie no longer signs anyone in
    assert _signed_in(bystander)  # someone else's session is untouched
    event = AuditEvent.objects.get(action="deactivate", object_id=str(police.user.pk))
    assert event.detail["sessions_ended"] == 1
    # the referrer role comes back when a second admin approves it (reactivation under dual control, ADR 0019)
    grant = RoleGrant.objects.get(user=police.user, status=RoleGrant.Status.PENDING)
    role_grant_decide(actor=make_actor("partnership_admin", "mash"), grant_id=grant.pk, approve=True)
    assert _signed_in(_browser(police))  # signing in again works


def test_the_command_line_deactivation_ends_the_session(police):
    browser = _browser(police)
    call_command("user_deactivate", username=police.user.username, reason="Left the service")
    call_command("user_deactivate", username=police.user.username, reactivate=True)
    assert not _signed_in(browser)


def test_a_reactivated_agency_signs_its_members_in_again(police, make_actor):
    browser = _browser(police)
    colleague = _browser(make_actor("referrer", "police"))
    elsewhere = _browser(make_actor("referrer", "health-gp"))
    call_command("agency_deactivate", code="police", reason="Merged into the county service")
    agency_set_active(actor=SYSTEM, code="police", active=True)
    assert not _signed_in(browser) and not _signed_in(colleague)
    assert _signed_in(elsewhere)  # another agency's members stay signed in
    event = AuditEvent.objects.get(action="deactivate", object_type="accounts.agency")
    assert event.detail["sessions_ended"] == 2
