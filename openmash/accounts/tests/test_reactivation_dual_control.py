"""Issue 5 (partnership administration) with ADR 0019: giving a role that reads personal data needs a second
person, and reactivating a leaver gives their roles back, so one admin alone must not bring back a leaver's access.
Reactivating holds back each such role (the membership inactive, a pending RoleGrant asking for it) until another
admin approves; roles that read no personal data come back at once. Failed on main before the change: the leaver's
roles were active again the moment one admin reactivated them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from openmash.accounts.admin_services import SYSTEM, role_grant_decide, user_set_active
from openmash.accounts.models import Membership, RoleGrant
from openmash.audit.models import AuditEvent
from openmash.core.exceptions import NotFound


@pytest.fixture
def leaver(make_actor):
    actor = make_actor("screener", "mash")
    admin = make_actor("partnership_admin", "mash")
    user_set_active(actor=admin, username=actor.user.username, active=False, reason="Left the service")
    return actor, admin


def _role(actor) -> Membership:
    return Membership.objects.get(user=actor.user, role="screener")


def test_one_admin_reactivating_a_leaver_does_not_give_their_case_role_back(leaver, make_actor):
    actor, admin = leaver
    back = user_set_active(actor=admin, username=actor.user.username, active=True)
    assert back.is_active and back.grants_pending == 1
    assert not _role(actor).active  # the screener role waits for a second person
    grant = RoleGrant.objects.get(user=actor.user, status=RoleGrant.Status.PENDING)
    assert grant.role == "screener" and grant.membership_id == _role(actor).pk and grant.requested_by == admin.user
    held = AuditEvent.objects.get(action="update", object_type="accounts.membership", object_id=str(_role(actor).pk))
    assert held.detail["held_for_approval"] is True and held.actor_username == admin.user.username
    assert AuditEvent.objects.filter(action="role_grant_request", actor_username=admin.user.username).exists()

    with pytest.raises(NotFound):  # the admin who asked can never approve it (forbidden looks missing)
        role_grant_decide(actor=admin, grant_id=grant.pk, approve=True)
    assert not _role(actor).active
    second = make_actor("partnership_admin", "mash")
    role_grant_decide(actor=second, grant_id=grant.pk, approve=True)
    assert _role(actor).active


def test_reactivating_twice_asks_once(leaver):
    actor, admin = leaver
    user_set_active(actor=admin, username=actor.user.username, active=True)
    user_set_active(actor=admin, username=actor.user.username, active=False, reason="Left again")
    again = user_set_active(actor=admin, username=actor.user.username, active=True)
    assert again.grants_pending == 0  # the role is already inactive and waiting: nothing more to hold back
    assert RoleGrant.objects.filter(user=actor.user, status=RoleGrant.Status.PENDING).count() == 1


def test_the_admin_page_says_the_roles_wait_for_approval(leaver, client):
    actor, admin = leaver
    client.force_login(admin.user)
    response = client.post(reverse("partnership:user_detail", args=[actor.user.pk]), {"action": "reactivate"},
                           follow=True)  # fmt: skip
    assert "is now active. 1 of their roles must be approved by another admin first." in response.content.decode()
    assert not _role(actor).active


def test_the_command_line_holds_the_roles_back_too(leaver, capsys):
    actor, _ = leaver
    call_command("user_deactivate", username=actor.user.username, reactivate=True)
    out = capsys.readouterr().out
    assert "is now active" in out and "1 role(s) held back until a second person approves them" in out
    grant = RoleGrant.objects.get(user=actor.user, status=RoleGrant.Status.PENDING)
    assert grant.requested_via == RoleGrant.Via.CLI and not _role(actor).active
    assert AuditEvent.objects.filter(action="role_grant_request", actor_username=SYSTEM.username).exists()
