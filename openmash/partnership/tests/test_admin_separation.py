"""Issue 5 review, fault 3: the partnership admin could give themselves case-data or auditor roles
(`POST /partnership/users/<own id>/` action=role_add) and could get a one-time set-password link for ANY existing
user (`action=link`) and take the account over.

Rules now: nobody changes their own roles, memberships or status (refused and audited); the admin role is never
combined with a case role or the auditor's on one account, by the web and the command line alike (ASVS 8.4.2); a
set-password link is shown to the admin only for a starter who has never set a password; an existing user's
password is reset by emailing the link to their own address (no personal data in the email), audited either way.
Failed on main before the fix."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from openmash.accounts.admin_services import SYSTEM, MembershipSpec, membership_add, partnership_load, user_add
from openmash.accounts.models import Membership, User
from openmash.accounts.services import user_create
from openmash.audit.models import AuditEvent
from openmash.core.exceptions import ValidationFailed

STRONG = "correct-horse-battery-staple-42"
LINK_RE = re.compile(r"https?://testserver(/account/set-password/[^\s\"]+)")


@pytest.fixture
def admin(make_actor):
    return make_actor("partnership_admin", "mash", username="pat.admin")


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin.user)
    return client


def _detail(user):
    return reverse("partnership:user_detail", args=[user.pk])


def _denied(user, change: str, rule: str = "own_account") -> bool:
    return AuditEvent.objects.filter(
        action="deny", object_id=str(user.pk), detail__change=change, detail__rule=rule
    ).exists()


# --- nobody changes their own roles or status --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["screener", "auditor", "referrer", "partnership_admin"])
def test_the_admin_cannot_give_themselves_a_role(admin, admin_client, role):
    before = set(Membership.objects.filter(user=admin.user).values_list("agency__code", "role"))
    response = admin_client.post(_detail(admin.user), {"action": "role_add", "agency": "police", "role": role})
    assert response.status_code == 200
    assert "You cannot change your own account" in response.content.decode()
    assert set(Membership.objects.filter(user=admin.user).values_list("agency__code", "role")) == before
    assert _denied(admin.user, "role_add")


def test_the_admin_cannot_change_their_own_membership(admin, admin_client):
    m = Membership.objects.get(user=admin.user)
    data = {
        "action": "role_edit",
        "membership": str(m.pk),
        f"m{m.pk}-role": "auditor",
        f"m{m.pk}-team": "",
        f"m{m.pk}-active": "1",
        f"m{m.pk}-updated_at": m.updated_at.isoformat(),
    }
    response = admin_client.post(_detail(admin.user), data)
    assert "You cannot change your own account" in response.content.decode()
    assert Membership.objects.get(pk=m.pk).role == "partnership_admin"
    assert _denied(admin.user, "role_edit")


def test_the_admin_cannot_deactivate_themselves_and_it_is_audited(admin, admin_client):
    admin_client.post(_detail(admin.user), {"action": "deactivate", "reason": "Leaving"})
    assert User.objects.get(pk=admin.user.pk).is_active
    assert _denied(admin.user, "deactivate")


# --- separation of duties: the admin role alone ------------------------------------------------------------------


def test_another_admin_cannot_combine_the_admin_role_with_case_or_auditor_roles(admin, make_actor):
    second = make_actor("partnership_admin", "mash", username="sam.admin")
    client = Client()
    client.force_login(second.user)
    for role in ("screener", "social_worker", "auditor"):
        response = client.post(_detail(admin.user), {"action": "role_add", "agency": "mash", "role": role})
        assert "cannot be held with a case role or the auditor role" in response.content.decode()
    screener = make_actor("screener", "mash")
    response = client.post(
        _detail(screener.user), {"action": "role_add", "agency": "mash", "role": "partnership_admin"}
    )
    assert "cannot be held with a case role" in response.content.decode()
    assert set(Membership.objects.filter(user=admin.user).values_list("role", flat=True)) == {"partnership_admin"}
    assert set(Membership.objects.filter(user=screener.user).values_list("role", flat=True)) == {"screener"}


def test_changing_a_role_into_a_forbidden_combination_is_refused(make_actor):
    # (the auditor may no longer hold a case role either: issue 6 security review, fault 1)
    auditor = make_actor("researcher", "health-gp")
    police = Membership.objects.get(user=auditor.user).agency.__class__.objects.get(code="police")
    Membership.objects.create(user=auditor.user, agency=police, role="referrer")  # a second role, given earlier
    second = make_actor("partnership_admin", "mash", username="sam.admin")
    client = Client()
    client.force_login(second.user)
    m = Membership.objects.get(user=auditor.user, role="referrer")
    data = {
        "action": "role_edit",
        "membership": str(m.pk),
        f"m{m.pk}-role": "partnership_admin",
        f"m{m.pk}-team": "",
        f"m{m.pk}-active": "1",
        f"m{m.pk}-updated_at": m.updated_at.isoformat(),
    }
    assert "cannot be held with" in client.post(_detail(auditor.user), data).content.decode()
    assert Membership.objects.get(pk=m.pk).role == "referrer"


def test_the_command_line_and_the_partnership_file_refuse_it_too(admin, partnership):
    with pytest.raises(ValidationFailed) as caught:
        membership_add(actor=SYSTEM, username=admin.user.username, spec=MembershipSpec(agency="mash", role="manager"))
    assert "cannot be held with" in str(caught.value.errors)
    with pytest.raises(ValidationFailed):
        user_add(
            actor=SYSTEM,
            username="two.hats",
            memberships=[MembershipSpec("mash", "partnership_admin"), MembershipSpec("mash", "auditor")],
        )
    document = {
        "users": [
            {"username": "pat.admin", "memberships": [{"agency": "police", "role": "researcher"}]},
        ]
    }
    with pytest.raises(ValidationFailed):
        partnership_load(actor=SYSTEM, document=document)
    document = {
        "users": [
            {
                "username": "new.two.hats",
                "memberships": [
                    {"agency": "mash", "role": "partnership_admin"},
                    {"agency": "mash", "role": "screener"},
                ],
            }
        ]
    }
    with pytest.raises(ValidationFailed):
        partnership_load(actor=SYSTEM, document=document)
    assert not User.objects.filter(username__in=["two.hats", "new.two.hats"]).exists()
    assert set(Membership.objects.filter(user=admin.user).values_list("role", flat=True)) == {"partnership_admin"}


# --- set-password links only for starters; resets go to the user's own email ------------------------------------


def test_no_link_is_shown_for_an_existing_user(admin_client, make_actor):
    victim = user_create(
        username="csc.worker", password=STRONG, agency_code="mash", role="social_worker", email="worker@example.org"
    )
    response = admin_client.post(_detail(victim), {"action": "link"}, follow=True)
    page = response.content.decode()
    assert "/account/set-password/" not in page
    assert "no link is shown to you" in page
    victim.refresh_from_db()
    assert victim.check_password(STRONG)  # their password still works: nothing was taken over
    assert _denied(victim, "issue_set_password_link", rule="link_only_for_starters")
    assert not AuditEvent.objects.filter(action="issue_set_password_link", object_id=str(victim.pk)).exists()


def test_a_starter_still_gets_their_link_until_they_set_a_password(admin_client, make_actor):
    # dual control (issue 6 security review, fault 1): the link goes to whoever approves the starter's role
    approver = make_actor("partnership_admin", "mash", username="sam.approver")
    admin_client = Client()
    admin_client.force_login(approver.user)
    asker = Client()
    asker.force_login(User.objects.get(username="pat.admin"))
    response = asker.post(
        reverse("partnership:user_new"),
        {
            "username": "jo.starter",
            "name": "Jo Starter",
            "agency": "mash",
            "role": "screener",
            "email": "jo@example.org",
        },
    )
    assert LINK_RE.search(response.content.decode()) is None
    starter = User.objects.get(username="jo.starter")
    from openmash.accounts.models import RoleGrant

    grant = RoleGrant.objects.get(user=starter)
    approved = admin_client.post(reverse("partnership:approvals"), {"grant": str(grant.pk), "decision": "approve"})
    assert LINK_RE.search(approved.content.decode())
    again = admin_client.post(_detail(starter), {"action": "link"})  # a lost link: a new one, still a starter
    link = LINK_RE.search(again.content.decode()).group(1)
    newcomer = Client()
    page = newcomer.get(link, follow=True)
    newcomer.post(page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    starter.refresh_from_db()
    assert starter.password_set_at is not None and starter.check_password(STRONG)
    refused = admin_client.post(_detail(starter), {"action": "link"}, follow=True).content.decode()
    assert "/account/set-password/" not in refused


def test_reset_emails_the_link_to_the_users_own_address_and_never_shows_it(admin_client, make_actor):
    victim = user_create(
        username="csc.worker",
        password=STRONG,
        agency_code="mash",
        role="social_worker",
        display_name="Canary Worker-Name",
        email="worker@example.org",
    )
    response = admin_client.post(_detail(victim), {"action": "reset"}, follow=True)
    page = response.content.decode()
    assert "/account/set-password/" not in page and "emailed to them" in page
    victim.refresh_from_db()
    assert not victim.has_usable_password()  # the old password stopped working
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["worker@example.org"]
    text = " ".join([email.subject, email.body, str(email.extra_headers)])
    for personal in ("csc.worker", "Canary", "Worker-Name", "social"):
        assert personal not in text  # the link and nothing else about them
    link = LINK_RE.search(email.body).group(1)
    event = AuditEvent.objects.get(action="reset_password", object_id=str(victim.pk))
    assert event.actor_username == "pat.admin" and event.detail == {"delivery": "email"}
    assert "example.org" not in str(event.detail) and link not in str(event.detail)
    # the user (and only the user, who holds the mailbox) sets the new password with it
    owner = Client()
    page = owner.get(link, follow=True)
    owner.post(page.redirect_chain[-1][0], {"new_password1": STRONG + "x", "new_password2": STRONG + "x"})
    victim.refresh_from_db()
    assert victim.check_password(STRONG + "x")


def test_reset_without_an_email_address_changes_nothing(admin_client, make_actor):
    victim = user_create(username="no.mail", password=STRONG, agency_code="police", role="referrer")
    page = admin_client.post(_detail(victim), {"action": "reset"}, follow=True).content.decode()
    assert "no email address" in page
    victim.refresh_from_db()
    assert victim.check_password(STRONG) and not mail.outbox


def test_the_reset_email_link_starts_with_the_configured_site_address_not_the_requests_host(
    admin_client, make_actor, settings
):
    """One helper (core.links.site_url) builds every link given outside a page: the reset email's link comes from
    OPENMASH_BASE_URL, never from the Host header of the admin's request."""
    settings.OPENMASH_BASE_URL = "https://mash.example.gov.uk"
    victim = user_create(
        username="csc.worker2", password=STRONG, agency_code="mash", role="social_worker", email="w2@example.org"
    )
    admin_client.post(_detail(victim), {"action": "reset"}, HTTP_HOST="localhost")
    assert len(mail.outbox) == 1
    assert "https://mash.example.gov.uk/account/set-password/" in mail.outbox[0].body
    assert "localhost" not in mail.outbox[0].body and "testserver" not in mail.outbox[0].body
