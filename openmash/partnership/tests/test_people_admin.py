"""The partnership admin's people pages: starters and leavers, roles, unlocking, agencies and teams. Only the
partnership admin may use them; every change goes through the audited services; stale edits are refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from openmash.accounts.models import Agency, Membership, Team, User
from openmash.audit.models import AuditEvent

STRONG = "correct-horse-battery-staple-42"


@pytest.fixture
def admin(make_actor):
    return make_actor("partnership_admin", "mash", username="pat.admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


@pytest.fixture
def approve(make_actor):
    """approve(user) -> the last approval page: a second partnership admin approves every role waiting for the
    user (dual control: a role the admin gives takes effect only then; issue 6 security review, fault 1)."""
    second = Client()
    second.force_login(make_actor("partnership_admin", "mash", username="sam.approver").user)

    def _approve(user):
        from openmash.accounts.models import RoleGrant

        page = None
        for grant in RoleGrant.objects.filter(user=user, status="pending"):
            page = second.post(reverse("partnership:approvals"), {"grant": str(grant.pk), "decision": "approve"})
        return page

    return _approve


def _new_user(admin_client, **over):
    data = {
        "username": "jo.starter",
        "name": "Jo Starter",
        "job_title": "Screener",
        "email": "jo.starter@example.org",
        "agency": "mash",
        "role": "screener",
        "team": "MASH screening",
        **over,
    }
    return admin_client.post(reverse("partnership:user_new"), data)


PAGES = [
    ("GET", "partnership:users", {}),
    ("GET", "partnership:user_new", {}),
    ("POST", "partnership:user_new", {}),
    ("GET", "partnership:agencies", {}),
    ("POST", "partnership:agencies", {}),
    ("GET", "partnership:agency_detail", {"code": "police"}),
    ("POST", "partnership:agency_detail", {"code": "police"}),
    ("GET", "partnership:agency_deactivate", {"code": "police"}),
    ("POST", "partnership:agency_deactivate", {"code": "police"}),
]


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        ("screener", "mash"),
        ("manager", "mash"),
        ("auditor", "mash"),
        ("referrer", "police"),
        ("researcher", "police"),
        ("social_worker", "mash"),
    ],
)
@pytest.mark.parametrize(("method", "name", "kwargs"), PAGES)
def test_only_the_partnership_admin_may_open_the_pages(client, make_actor, role, agency, method, name, kwargs):
    client.force_login(make_actor(role, agency).user)
    before = (User.objects.count(), Agency.objects.count(), AuditEvent.objects.exclude(action="deny").count())
    url = reverse(name, kwargs=kwargs)
    response = (
        client.get(url)
        if method == "GET"
        else client.post(
            url,
            {
                "username": "x",
                "agency": "mash",
                "role": "screener",
                "code": "x",
                "name": "X",
                "type": "police",
                "source_code": "6",
                "action": "edit",
            },
        )
    )
    assert response.status_code == 403
    # nothing written but the audit of the refusal itself (issue 5, fault 5: denied requests are audited)
    assert (User.objects.count(), Agency.objects.count(), AuditEvent.objects.exclude(action="deny").count()) == before
    assert AuditEvent.objects.filter(action="deny", actor_user_id=response.wsgi_request.user.pk).count() == 1


def test_user_detail_is_denied_too(client, make_actor, admin):
    client.force_login(make_actor("manager", "mash").user)
    url = reverse("partnership:user_detail", args=[admin.user.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "deactivate"}).status_code == 403
    assert User.objects.get(pk=admin.user.pk).is_active


def test_anonymous_is_sent_to_sign_in(client, partnership):
    response = client.get(reverse("partnership:users"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_starter_gets_a_one_time_link_and_sets_their_own_password(admin_client, approve):
    response = _new_user(admin_client)
    assert response.status_code == 200
    assert "/account/set-password/" not in response.content.decode()  # the approver is shown it, not the admin
    user = User.objects.get(username="jo.starter")
    html = approve(user).content.decode()
    link = re.search(r'value="(http://testserver/account/set-password/[^"]+)"', html).group(1)
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.agency.code, membership.role, membership.team.name) == ("mash", "screener", "MASH screening")
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk), actor_username="pat.admin").exists()
    assert AuditEvent.objects.filter(action="issue_set_password_link", object_id=str(user.pk)).exists()

    newcomer = Client()
    page = newcomer.get(link.removeprefix("http://testserver"), follow=True)
    form_url = page.redirect_chain[-1][0]
    newcomer.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    user.refresh_from_db()
    assert user.check_password(STRONG)
    signed_in = Client().post(reverse("web:login"), {"username": "jo.starter", "password": STRONG})
    assert signed_in.status_code == 302 and "/login/" not in signed_in["Location"]


def test_starter_form_errors_use_the_govuk_pattern_and_save_nothing(admin_client):
    response = _new_user(admin_client, username="bad name!", role="")
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_role"' in html
    assert not User.objects.filter(username__startswith="bad").exists()
    _new_user(admin_client)
    taken = _new_user(admin_client).content.decode()
    assert "That username is taken" in taken and 'href="#id_username"' in taken


def test_leaver_is_deactivated_and_can_be_reactivated(admin_client):
    _new_user(admin_client)
    user = User.objects.get(username="jo.starter")
    url = reverse("partnership:user_detail", args=[user.pk])
    confirm = reverse("partnership:user_deactivate", args=[user.pk])
    assert f'href="{confirm}"' in admin_client.get(url).content.decode()
    assert admin_client.post(confirm, {"reason": "Left the service"}).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.filter(action="deactivate", object_id=str(user.pk), actor_username="pat.admin").exists()
    admin_client.post(url, {"action": "reactivate"})
    user.refresh_from_db()
    assert user.is_active


def test_admin_cannot_deactivate_themselves(admin_client, admin):
    url = reverse("partnership:user_detail", args=[admin.user.pk])
    admin_client.post(url, {"action": "deactivate", "reason": "Testing"})
    admin_client.post(reverse("partnership:user_deactivate", args=[admin.user.pk]), {"reason": "Testing"})
    assert User.objects.get(pk=admin.user.pk).is_active


def test_deactivating_a_user_asks_to_confirm_and_needs_a_reason_kept_in_the_audit(admin_client):
    """Deactivating is a confirmation page naming the user, with a required reason: no reason, nothing changes
    (GOV.UK error pattern); with one, the user is deactivated and the reason is in the audit event. The old
    one-click post without a reason changes nothing, and neither does the CLI without --reason."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _new_user(admin_client)
    user = User.objects.get(username="jo.starter")
    confirm = reverse("partnership:user_deactivate", args=[user.pk])
    page = admin_client.get(confirm).content.decode()
    assert "Are you sure you want to deactivate jo.starter?" in page and 'name="reason"' in page
    assert User.objects.get(pk=user.pk).is_active  # opening the page changes nothing
    refused = admin_client.post(confirm, {"reason": "  "}).content.decode()
    assert "<title>Error: " in refused and 'href="#id_reason"' in refused
    admin_client.post(reverse("partnership:user_detail", args=[user.pk]), {"action": "deactivate"})
    with pytest.raises(CommandError, match="reason"):
        call_command("user_deactivate", "--username", "jo.starter")
    assert User.objects.get(pk=user.pk).is_active
    assert not AuditEvent.objects.filter(action="deactivate", object_id=str(user.pk)).exists()
    assert admin_client.post(confirm, {"reason": "Left the service on 31 March"}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    event = AuditEvent.objects.get(action="deactivate", object_id=str(user.pk))
    assert event.reason == "Left the service on 31 March"


def _edit_data(m, **over):
    data = {
        "action": "role_edit",
        "membership": str(m.pk),
        f"m{m.pk}-role": m.role,
        f"m{m.pk}-team": "",
        f"m{m.pk}-active": "1",
        f"m{m.pk}-updated_at": m.updated_at.isoformat(),
    }
    data.update({f"m{m.pk}-{k}": v for k, v in over.items()})
    return data


def test_change_role_and_team_with_concurrent_edit_detection(admin_client, approve):
    _new_user(admin_client)
    user = User.objects.get(username="jo.starter")
    approve(user)
    m = Membership.objects.get(user=user)
    url = reverse("partnership:user_detail", args=[user.pk])
    stale = _edit_data(m, role="manager")
    team = Team.objects.create(agency=m.agency, name="Managers")
    assert admin_client.post(url, _edit_data(m, role="manager", team=str(team.pk))).status_code == 302
    m.refresh_from_db()
    assert m.role == "screener"  # a new role waits for the second person
    approve(user)
    m.refresh_from_db()
    assert (m.role, m.team_id) == ("manager", team.pk)
    assert AuditEvent.objects.filter(action="update", object_id=str(m.pk)).exists()

    # Someone else's form, loaded before that change: refused, nothing overwritten.
    stale[f"m{m.pk}-role"] = "referrer"
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    m.refresh_from_db()
    assert m.role == "manager"


def test_add_a_role_in_another_agency(admin_client, approve):
    _new_user(admin_client)
    user = User.objects.get(username="jo.starter")
    url = reverse("partnership:user_detail", args=[user.pk])
    admin_client.post(url, {"action": "role_add", "agency": "police", "role": "researcher", "team": "PPU"})
    assert not Membership.objects.filter(user=user, agency__code="police").exists()
    approve(user)
    assert Membership.objects.filter(user=user, agency__code="police", role="researcher", team__name="PPU").exists()
    bad = admin_client.post(url, {"action": "role_add", "agency": "", "role": ""})
    assert "There is a problem" in bad.content.decode()


def test_unlock_clears_a_lockout(admin_client, settings):
    from axes.models import AccessAttempt

    _new_user(admin_client)
    user = User.objects.get(username="jo.starter")
    AccessAttempt.objects.create(
        username="jo.starter",
        ip_address="127.0.0.1",
        user_agent="x",
        failures_since_start=settings.OPENMASH_LOCKOUT_FAILURES,
    )
    url = reverse("partnership:user_detail", args=[user.pk])
    assert "Locked out" in admin_client.get(url).content.decode()
    admin_client.post(url, {"action": "unlock"})
    assert not AccessAttempt.objects.filter(username="jo.starter").exists()
    assert AuditEvent.objects.filter(action="unlock", object_id=str(user.pk), actor_username="pat.admin").exists()


def test_users_list_pages_and_searches(admin_client, make_actor):
    for i in range(30):
        make_actor("referrer", "police", username=f"ref{i:02d}")
    page1 = admin_client.get(reverse("partnership:users")).content.decode()
    assert "govuk-pagination" in page1 and "page 1 of 2" in page1
    # the search posts: the name typed never goes in a URL, only a short-lived filter id (security review 6)
    posted = admin_client.post(reverse("partnership:users"), {"q": "ref0"})
    assert posted.status_code == 302 and "ref0" not in posted["Location"] and "?f=" in posted["Location"]
    found = admin_client.get(posted["Location"]).content.decode()
    assert "ref07" in found and "ref10" not in found and "10 users matching" in found
    assert "q=" not in found and "ref0&" not in found
    assert "1 user matching" not in admin_client.get(reverse("partnership:users"), {"q": "ref07"}).content.decode()


def test_agency_add_deactivate_and_team(admin_client):
    url = reverse("partnership:agencies")
    response = admin_client.post(
        url, {"code": "county-yot", "name": "Youth Offending", "type": "youth_justice", "source_code": "8"}
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="county-yot")
    assert AuditEvent.objects.filter(action="create", object_id=str(agency.pk), actor_username="pat.admin").exists()
    dup = admin_client.post(url, {"code": "county-yot", "name": "Again", "type": "police", "source_code": "6"})
    assert "An agency with that code already exists" in dup.content.decode()
    bad = admin_client.post(url, {"code": "Bad Code", "name": "", "type": "", "source_code": ""}).content.decode()
    assert "There is a problem" in bad and 'href="#id_code"' in bad

    confirm = reverse("partnership:agency_deactivate", args=["county-yot"])
    admin_client.post(confirm, {"reason": "Merged", "updated_at": agency.updated_at.isoformat()})
    agency.refresh_from_db()
    assert not agency.active

    detail = reverse("partnership:agency_detail", args=["county-yot"])
    admin_client.post(detail, {"action": "team", "name": "Triage"})
    assert Team.objects.filter(agency=agency, name="Triage").exists()


def test_agency_edit_detects_concurrent_changes(admin_client):
    agency = Agency.objects.get(code="police")
    detail = reverse("partnership:agency_detail", args=["police"])
    seen = agency.updated_at.isoformat()
    form = {
        "action": "edit",
        "name": "County Constabulary",
        "type": "police",
        "source_code": "6",
        "health_service": "",
        "updated_at": seen,
    }
    assert admin_client.post(detail, form).status_code == 302
    agency.refresh_from_db()
    assert agency.name == "County Constabulary"
    stale = admin_client.post(detail, {**form, "name": "Old Name"})
    assert "Someone else changed this" in stale.content.decode()
    agency.refresh_from_db()
    assert agency.name == "County Constabulary"


def test_a_deactivated_agency_stale_toggle_is_refused(admin_client):
    agency = Agency.objects.get(code="probation")
    stale = (agency.updated_at.replace(year=2000)).isoformat()
    confirm = reverse("partnership:agency_deactivate", args=["probation"])
    page = admin_client.post(confirm, {"reason": "Contract ended", "updated_at": stale}).content.decode()
    assert "Someone else changed this" in page
    agency.refresh_from_db()
    assert agency.active


def test_deactivating_an_agency_asks_to_confirm_and_needs_a_reason_kept_in_the_audit(admin_client):
    """As for a user (review, fault 1): the agencies list links to a confirmation page naming the agency and what
    happens, with a required reason; no reason, nothing changes (GOV.UK error pattern); the old one-click post only
    leads to that page; the CLI needs --reason; with one, the agency is deactivated and the reason is audited."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    agency = Agency.objects.get(code="probation")
    listing = admin_client.get(reverse("partnership:agencies")).content.decode()
    confirm = reverse("partnership:agency_deactivate", args=["probation"])
    assert f'href="{confirm}"' in listing
    assert (
        f'href="{confirm}"'
        in admin_client.get(reverse("partnership:agency_detail", args=["probation"])).content.decode()
    )
    one_click = admin_client.post(
        reverse("partnership:agencies"),
        {"action": "deactivate", "code": "probation", "updated_at": agency.updated_at.isoformat()},
    )
    assert one_click.status_code == 302 and one_click["Location"] == confirm
    page = admin_client.get(confirm).content.decode()
    assert f"Are you sure you want to deactivate {agency.name}?" in page and 'name="reason"' in page
    refused = admin_client.post(confirm, {"reason": "  "}).content.decode()
    assert "<title>Error: " in refused and 'href="#id_reason"' in refused
    assert "Enter why the agency is being deactivated" in refused
    with pytest.raises(CommandError, match="reason"):
        call_command("agency_deactivate", "--code", "probation")
    agency.refresh_from_db()
    assert agency.active
    assert not AuditEvent.objects.filter(action="deactivate", object_id=str(agency.pk)).exists()
    assert admin_client.post(confirm, {"reason": "Contract ended on 31 March"}).status_code == 302
    agency.refresh_from_db()
    assert not agency.active
    event = AuditEvent.objects.get(action="deactivate", object_id=str(agency.pk))
    assert event.reason == "Contract ended on 31 March" and event.actor_username == "pat.admin"
    # reactivating is one click from the list (nothing is lost by it) and audited
    admin_client.post(
        reverse("partnership:agencies"),
        {"action": "reactivate", "code": "probation", "updated_at": agency.updated_at.isoformat()},
    )
    agency.refresh_from_db()
    assert agency.active and AuditEvent.objects.filter(action="activate", object_id=str(agency.pk)).exists()


@pytest.mark.parametrize(
    ("agency", "role", "words"),
    [
        ("school-oak", "screener", "works in the MASH"),
        ("police", "manager", "works in the MASH"),
        ("school-oak", "social_worker", "social care. Choose another"),
        ("mash", "researcher", "cannot be in the MASH"),
    ],
)
def test_a_role_that_does_not_fit_the_agency_is_refused_on_the_role_field(
    admin_client, make_actor, agency, role, words
):
    """A MASH screener at a school, an allocated social worker at a school, a researcher in the MASH: refused
    with a message on the role field (GOV.UK error pattern), whether the user is new, given another role, or has a
    role changed; nothing is saved. The rule is access.policy.role_agency_error."""
    page = _new_user(admin_client, username="misfit", agency=agency, role=role).content.decode()
    assert "<title>Error: " in page and 'href="#id_role"' in page and words in page
    assert not User.objects.filter(username="misfit").exists()

    # a MASH screener already in post (made directly: a role given on the pages waits for a second person's approval)
    user = make_actor("screener", "mash", username="jo.starter").user
    detail = reverse("partnership:user_detail", args=[user.pk])
    added = admin_client.post(detail, {"action": "role_add", "agency": agency, "role": role, "team": ""})
    assert words in added.content.decode()
    assert not Membership.objects.filter(user=user, agency__code=agency, role=role).exists()
    if agency == "mash":
        m = Membership.objects.get(user=user)
        changed = admin_client.post(detail, _edit_data(m, role=role))
        assert words in changed.content.decode() and Membership.objects.get(pk=m.pk).role == "screener"


def test_the_cli_refuses_a_role_that_does_not_fit_the_agency(partnership):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="works in the MASH"):
        call_command(
            "user_create",
            "--username",
            "misfit",
            "--name",
            "Mis Fit",
            "--agency",
            "school-oak",
            "--role",
            "screener",
            "--no-password",
        )
    assert not User.objects.filter(username="misfit").exists()


def test_a_new_user_needs_their_full_name_on_the_page_the_cli_and_the_service(admin_client, admin):
    """The full name is required when a user is created (the page, `openmash user create`, a partnership file):
    records and audit lines must name a person colleagues recognise."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from openmash.accounts import admin_services as svc

    page = _new_user(admin_client, name="   ").content.decode()
    assert "<title>Error: " in page and 'href="#id_name"' in page and "Enter the user&#x27;s full name" in page
    with pytest.raises(CommandError, match="--name"):
        call_command("user_create", "--username", "noname", "--agency", "mash", "--role", "screener", "--no-password")
    with pytest.raises(svc.ValidationFailed) as exc:
        svc.user_add(
            actor=admin,
            username="noname",
            display_name="",
            memberships=[svc.MembershipSpec(agency="mash", role="screener", team="")],
        )
    assert "name" in exc.value.errors
    assert not User.objects.filter(username__in=["jo.starter", "noname"]).exists()
    assert _new_user(admin_client).status_code == 200 and User.objects.get(username="jo.starter").display_name


def test_the_starter_form_asks_for_the_work_email_the_approver_checks(admin_client, make_actor):
    """Practitioners' review: the new-user page had no email field, yet the approver is told to check the address
    "where password resets go" and saw "Not given". It is asked for, required, validated and unique."""
    page = admin_client.get(reverse("partnership:user_new")).content.decode()
    assert 'name="email"' in page and 'type="email"' in page
    missing = _new_user(admin_client, email="").content.decode()
    assert 'href="#id_email"' in missing and "Enter their work email address" in missing
    bad = _new_user(admin_client, email="not-an-address").content.decode()
    assert "Enter an email address in the correct format" in bad
    assert not User.objects.filter(username="jo.starter").exists()
    _new_user(admin_client, email="Jo.Starter@example.org")
    assert User.objects.get(username="jo.starter").email == "Jo.Starter@example.org"
    second = Client()
    second.force_login(make_actor("partnership_admin", "mash", username="sam.approver").user)
    approvals = second.get(reverse("partnership:approvals")).content.decode()
    assert "Jo.Starter@example.org" in approvals and "Not given" not in approvals
    taken = _new_user(admin_client, username="jo.other", email="jo.starter@EXAMPLE.org").content.decode()
    assert "already another user" in taken and not User.objects.filter(username="jo.other").exists()
