"""Issue 6 security review (LOW): reactivating a user or an agency brought back the API tokens issued before it
was deactivated. Now a deactivation (of the user, their agency, or the membership a token acts in) revokes those
tokens, so they stay refused after a reactivation; a token made after it works. Failed on main before the fix."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.accounts.admin_services import (
    SYSTEM,
    agency_set_active,
    membership_update,
    role_grant_decide,
    user_set_active,
)
from openmash.accounts.models import ApiToken, Membership, RoleGrant
from openmash.accounts.services import token_create
from openmash.audit.models import AuditEvent


def _answer(raw: str) -> int:
    return Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.fixture
def holder(make_actor):
    actor = make_actor("referrer", "police")
    token, raw = token_create(username=actor.user.username)
    assert _answer(raw) == 200
    return actor, token, raw


def test_a_reactivated_user_does_not_get_old_tokens_back(holder, make_actor):
    actor, token, raw = holder
    admin = make_actor("partnership_admin", "mash")
    user_set_active(actor=admin, username=actor.user.username, active=False, reason="Left the service")
    assert _answer(raw) == 401
    user_set_active(actor=admin, username=actor.user.username, active=True)
    assert _answer(raw) == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_id == admin.user.pk
    event = AuditEvent.objects.get(action="deactivate", object_id=str(actor.user.pk))
    assert event.detail == {"tokens_revoked": 1, "sessions_ended": 0}
    # the role comes back when a second admin approves it (reactivation under dual control, ADR 0019)
    grant = RoleGrant.objects.get(user=actor.user, status=RoleGrant.Status.PENDING)
    role_grant_decide(actor=make_actor("partnership_admin", "mash"), grant_id=grant.pk, approve=True)
    assert _answer(token_create(username=actor.user.username)[1]) == 200  # a new token works


def test_a_reactivated_agency_does_not_bring_back_its_members_tokens(holder, make_actor):
    _, token, raw = holder
    other = make_actor("referrer", "health-gp")
    _, other_raw = token_create(username=other.user.username)
    agency_set_active(actor=SYSTEM, code="police", active=False, reason="Merged into the county service")
    agency_set_active(actor=SYSTEM, code="police", active=True)
    assert _answer(raw) == 401
    assert _answer(other_raw) == 200  # another agency's token is untouched
    assert AuditEvent.objects.get(action="deactivate", object_type="accounts.agency").detail["tokens_revoked"] == 1


def test_a_removed_and_restored_membership_does_not_bring_back_its_tokens(holder, make_actor):
    actor, token, raw = holder
    m = Membership.objects.get(user=actor.user)
    membership_update(actor=SYSTEM, membership_id=m.pk, role=m.role, active=False)
    # restoring a role waits for a second person (ADR 0019): a partnership admin approves it
    grant = membership_update(actor=SYSTEM, membership_id=m.pk, role=m.role, active=True)
    role_grant_decide(actor=make_actor("partnership_admin", "mash"), grant_id=grant.pk, approve=True)
    assert Membership.objects.get(pk=m.pk).active
    assert _answer(raw) == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
