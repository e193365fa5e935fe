"""Issue 6 security review, fault 1 (HIGH): the partnership admin could create a hub manager (POST
/partnership/users/new/ agency=mash role=manager), was shown the one-time set-password link, set the password and
had full hub access; and an admin added `manager` to the auditor's account, who then switched role and read any
person's page. "Neither admin nor auditor sees case records" must hold.

Rules now: the auditor role, like the partnership admin's, is never combined with a case role
(access.policy.role_combination_error; pages, command line and partnership file alike); a role a partnership admin
gives on the pages waits for a second person (another admin, or a MASH manager for a case role in their agency:
ASVS 5.0 2.3.5 / 8.4.2 dual control), audited; the starter's set-password link is shown only to that approver.
The server's command line asks the same way since ADR 0019 (test_cli_dual_control). Every test here failed on main
before the fix."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from openmash.access.actor import actor_for_user
from openmash.accounts.admin_services import (
    SYSTEM,
    MembershipSpec,
    membership_add,
    role_grant_decide,
    user_add,
    user_password_reset,
    user_set_password_link,
)
from openmash.accounts.models import Membership, RoleGrant, User
from openmash.audit.models import AuditEvent
from openmash.core.exceptions import NotFound, ValidationFailed

STRONG = "correct-horse-battery-staple-42"
LINK_RE = re.compile(r"https?://testserver(/account/set-password/[^\s\"]+)")


@pytest.fixture
def admin(make_actor):
    return make_actor("partnership_admin", "mash", username="pat.admin")


@pytest.fixture
def second_admin(make_actor):
    return make_actor("partnership_admin", "mash", username="sam.admin")


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _active_roles(user) -> set[str]:
    return set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))


def _new_manager(client) -> str:
    return client.post(
        reverse("partnership:user_new"),
        {"username": "mallory.mgr", "name": "Mallory", "agency": "mash", "role": "manager", "email": "m@example.org"},
    ).content.decode()


# --- (b) and (c): the admin's new hub manager gets no role and the admin never sees the link ----------------------


def test_a_new_case_role_waits_for_a_second_person_and_the_admin_gets_no_link(admin):
    client = _client(admin)
    page = _new_manager(client)
    assert "/account/set-password/" not in page and "Waiting for approval" in page
    user = User.objects.get(username="mallory.mgr")
    assert _active_roles(user) == set() and not user.has_usable_password()
    assert actor_for_user(user) is None  # no role: nothing to sign in as
    grant = RoleGrant.objects.get(user=user)
    assert (grant.status, grant.role, grant.requested_by_id) == ("pending", "manager", admin.user.pk)
    assert AuditEvent.objects.filter(action="role_grant_request", object_id=str(grant.pk)).exists()
    # the admin asks for the link, or a reset, on the user page: refused and audited, no link anywhere
    for action in ("link", "reset"):
        refused = client.post(reverse("partnership:user_detail", args=[user.pk]), {"action": action}, follow=True)
        assert "/account/set-password/" not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="issue_set_password_link", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="deny", object_id=str(user.pk), detail__rule="link_only_for_approver")
    assert AuditEvent.objects.filter(action="deny", object_id=str(user.pk), detail__rule="reset_not_for_starters")
    # nor can the admin approve their own request
    assert client.post(reverse("partnership:approvals"), {"grant": str(grant.pk), "decision": "approve"}).status_code
    grant.refresh_from_db()
    assert grant.status == "pending" and _active_roles(user) == set()
    with pytest.raises(NotFound):
        role_grant_decide(actor=admin, grant_id=grant.pk, approve=True)


def test_another_admin_approves_and_only_they_see_the_link(admin, second_admin):
    _new_manager(_client(admin))
    user = User.objects.get(username="mallory.mgr")
    grant = RoleGrant.objects.get(user=user)
    approver = _client(second_admin)
    listing = approver.get(reverse("partnership:approvals")).content.decode()
    assert "mallory.mgr" in listing and "m@example.org" in listing
    page = approver.post(reverse("partnership:approvals"), {"grant": str(grant.pk), "decision": "approve"})
    link = LINK_RE.search(page.content.decode()).group(1)
    assert _active_roles(user) == {"manager"}
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by_id) == ("approved", second_admin.user.pk)
    event = AuditEvent.objects.get(action="role_grant_approve", object_id=str(grant.pk))
    assert event.actor_username == "sam.admin"
    # the approver may issue a lost link again; the admin who asked still may not
    with pytest.raises(ValidationFailed):
        user_set_password_link(actor=admin, username=user.username)
    assert user_set_password_link(actor=second_admin, username=user.username).startswith("/account/set-password/")
    assert link  # the starter sets their password with it (the set-password page is tested elsewhere)


def test_a_hub_manager_approves_a_case_role_in_their_agency_only(admin, make_actor):
    manager = make_actor("manager", "mash", username="hub.manager")
    referrer = make_actor("referrer", "police")
    police_grant = membership_add(
        actor=admin, username=referrer.user.username, spec=MembershipSpec(agency="police", role="researcher")
    )
    hub_grant = membership_add(
        actor=admin, username=referrer.user.username, spec=MembershipSpec(agency="mash", role="screener")
    )
    assert isinstance(hub_grant, RoleGrant) and _active_roles(referrer.user) == {"referrer"}
    with pytest.raises(NotFound):  # a police role is not the hub manager's to approve
        role_grant_decide(actor=manager, grant_id=police_grant.pk, approve=True)
    result = role_grant_decide(actor=manager, grant_id=hub_grant.pk, approve=True)
    assert result.link is None  # not a starter: no link for anyone
    assert _active_roles(referrer.user) == {"referrer", "screener"}
    # an auditor or admin grant is for another partnership admin only
    newcomer = user_add(
        actor=admin, username="new.auditor", display_name="New Auditor", memberships=[MembershipSpec("mash", "auditor")]
    )
    with pytest.raises(NotFound):
        role_grant_decide(actor=manager, grant_id=RoleGrant.objects.get(user=newcomer).pk, approve=True)


def test_a_rejected_grant_changes_nothing(admin, second_admin, make_actor):
    referrer = make_actor("referrer", "police")
    grant = membership_add(
        actor=admin, username=referrer.user.username, spec=MembershipSpec(agency="mash", role="manager")
    )
    role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=False)
    grant.refresh_from_db()
    assert grant.status == "rejected" and _active_roles(referrer.user) == {"referrer"}
    assert AuditEvent.objects.filter(action="role_grant_reject", object_id=str(grant.pk)).exists()
    with pytest.raises(NotFound):  # decided once
        role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=True)


def test_changing_or_reactivating_a_role_on_the_page_waits_too(admin, second_admin, make_actor):
    referrer = make_actor("referrer", "police")
    m = Membership.objects.get(user=referrer.user)
    client = _client(admin)
    data = {
        "action": "role_edit",
        "membership": str(m.pk),
        f"m{m.pk}-role": "researcher",
        f"m{m.pk}-team": "",
        f"m{m.pk}-active": "1",
        f"m{m.pk}-updated_at": m.updated_at.isoformat(),
    }
    page = client.post(reverse("partnership:user_detail", args=[referrer.user.pk]), data, follow=True)
    assert "waiting for approval" in page.content.decode()
    assert _active_roles(referrer.user) == {"referrer"}
    grant = RoleGrant.objects.get(user=referrer.user, membership=m)
    role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=True)
    assert _active_roles(referrer.user) == {"researcher"}
    # removing a role is direct; bringing it back waits
    m.refresh_from_db()
    data.update({f"m{m.pk}-active": "0", f"m{m.pk}-updated_at": m.updated_at.isoformat()})
    client.post(reverse("partnership:user_detail", args=[referrer.user.pk]), data)
    assert _active_roles(referrer.user) == set()
    m.refresh_from_db()
    data.update({f"m{m.pk}-active": "1", f"m{m.pk}-updated_at": m.updated_at.isoformat()})
    client.post(reverse("partnership:user_detail", args=[referrer.user.pk]), data)
    assert _active_roles(referrer.user) == set()
    assert RoleGrant.objects.filter(user=referrer.user, status="pending").count() == 1


def test_the_command_line_asks_too_and_only_the_first_admin_is_direct(partnership):
    """ADR 0019: the command line no longer grants at once; the first partnership admin of a deployment with none
    is the only exception (the bootstrap). The operator may still make a set-password link."""
    user = user_add(
        actor=SYSTEM,
        username="first.manager",
        display_name="First Manager",
        memberships=[MembershipSpec("mash", "manager")],
    )
    assert _active_roles(user) == set()
    assert RoleGrant.objects.get(user=user).requested_via == "cli"
    first = user_add(
        actor=SYSTEM,
        username="first.admin",
        display_name="First Admin",
        memberships=[MembershipSpec("mash", "partnership_admin")],
    )
    assert _active_roles(first) == {"partnership_admin"}
    assert user_set_password_link(actor=SYSTEM, username=user.username).startswith("/account/set-password/")


def test_a_cli_made_starter_gets_no_link_or_reset_from_the_admin(admin):
    user = user_add(
        actor=SYSTEM,
        username="cli.screener",
        display_name="Cli Screener",
        memberships=[MembershipSpec("mash", "screener")],
        email="s@example.org",
    )
    with pytest.raises(ValidationFailed):
        user_set_password_link(actor=admin, username=user.username)
    with pytest.raises(ValidationFailed):
        user_password_reset(actor=admin, username=user.username, base_url="https://mash.example")


# --- (a): the auditor never holds a case role ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        ("manager", "mash"),
        ("screener", "mash"),
        ("referrer", "police"),
        ("researcher", "police"),
        ("social_worker", "mash"),
    ],
)
def test_the_auditor_is_never_given_a_case_role(admin, make_actor, role, agency):
    auditor = make_actor("auditor", "mash")
    page = _client(admin).post(
        reverse("partnership:user_detail", args=[auditor.user.pk]),
        {"action": "role_add", "agency": agency, "role": role},
    )
    assert "The auditor role cannot be held with a case role" in page.content.decode()
    assert not RoleGrant.objects.filter(user=auditor.user).exists()
    with pytest.raises(ValidationFailed) as caught:  # the command line too
        membership_add(actor=SYSTEM, username=auditor.user.username, spec=MembershipSpec(agency=agency, role=role))
    assert "auditor role cannot be held" in str(caught.value.errors["role"])
    with pytest.raises(ValidationFailed):
        user_add(
            actor=SYSTEM,
            username="two.hats",
            memberships=[MembershipSpec("mash", "auditor"), MembershipSpec("mash", role)],
        )
    assert _active_roles(auditor.user) == {"auditor"}


def test_a_case_role_user_cannot_be_made_an_auditor_even_after_approval(admin, second_admin, make_actor):
    screener = make_actor("screener", "mash")
    with pytest.raises(ValidationFailed):
        membership_add(actor=admin, username=screener.user.username, spec=MembershipSpec(agency="mash", role="auditor"))
    # two pending grants that are fine alone but not together: the second is refused when asked for
    starter = user_add(
        actor=admin, username="new.person", display_name="New Person", memberships=[MembershipSpec("mash", "auditor")]
    )
    with pytest.raises(ValidationFailed):
        membership_add(actor=admin, username=starter.username, spec=MembershipSpec(agency="mash", role="manager"))
    assert RoleGrant.objects.filter(user=starter).count() == 1


def test_the_approvals_page_is_for_admins_and_managers_only(make_actor, admin):
    for role in ("screener", "referrer", "researcher", "social_worker", "auditor"):
        assert _client(make_actor(role, "mash")).get(reverse("partnership:approvals")).status_code == 403
    manager = make_actor("manager", "mash")
    response = _client(manager).get(reverse("partnership:approvals"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="list", object_type="accounts.rolegrant", actor_user_id=manager.user.pk)


def test_a_grant_nobody_can_approve_says_so_and_how_to_make_a_second_admin(admin, make_actor):
    """Practitioner review: the demo's only admin gave the partnership admin role to a school user; it waited for
    ever with no word of why. The page now says nobody can approve it yet and how to make a second admin; once
    another admin exists the warning goes."""
    client = _client(admin)
    page = client.post(
        reverse("partnership:user_new"),
        {"username": "school.admin", "name": "Sam", "agency": "school-oak", "role": "partnership_admin", "email": "sam@example.org"},
    ).content.decode()
    assert 'data-testid="pending-grants"' in page
    assert 'data-testid="no-approver"' in page and "openmash user create --role partnership_admin" in page
    user = User.objects.get(username="school.admin")
    detail = client.get(reverse("partnership:user_detail", args=[user.pk])).content.decode()
    assert 'data-testid="no-approver"' in detail
    make_actor("partnership_admin", "mash", username="sam.admin")
    detail = client.get(reverse("partnership:user_detail", args=[user.pk])).content.decode()
    assert 'data-testid="pending-grants"' in detail and 'data-testid="no-approver"' not in detail


def test_a_case_role_a_mash_manager_can_approve_has_no_warning(admin, make_actor):
    make_actor("manager", "mash", username="mo.manager")
    page = _new_manager(_client(admin))
    assert 'data-testid="pending-grants"' in page and 'data-testid="no-approver"' not in page
