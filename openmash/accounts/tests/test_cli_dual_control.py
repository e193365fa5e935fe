"""Dual control at the server's command line (ADR 0019): `openmash user create --role` and `openmash partnership
load` ask for a role as the pages do (a pending RoleGrant, no power until a second, different, active partnership
admin approves it, in the browser or with `openmash user approve-grant ID --by U`); only the first partnership
admin of a deployment with none is given at once, audited as the bootstrap."""

from __future__ import annotations

import io
import secrets
import sys

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from openmash import cli
from openmash.access.actor import actor_for_user
from openmash.accounts.admin_services import SYSTEM, MembershipSpec, membership_add, user_set_active
from openmash.accounts.models import Membership, RoleGrant, User
from openmash.audit.models import AuditEvent
from openmash.core.exceptions import ValidationFailed
from tests.support import cli_proof

STRONG = "correct-horse-battery-staple-42"


@pytest.fixture
def run(monkeypatch, capsys, partnership):
    """run(*argv, stdin="") -> (exit_code, stdout, stderr), in process."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def _run(*argv, stdin=""):
        stream = io.StringIO(stdin)
        stream.isatty = lambda: False
        monkeypatch.setattr(sys, "stdin", stream)
        code = 0
        try:
            cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _create(run, username, role="screener", agency="mash", *extra):
    return run(
        "user", "create", "--username", username, "--name", "Una Starter", "--agency", agency, "--role", role,
        "--password-stdin", *extra, stdin=STRONG + "\n",
    )  # fmt: skip


def _roles(username) -> set[str]:
    return set(Membership.objects.filter(user__username=username, active=True).values_list("role", flat=True))


@pytest.fixture
def admins(make_actor):
    return make_actor("partnership_admin", "mash", username="pat.admin"), make_actor(
        "partnership_admin", "mash", username="sam.admin"
    )


def test_the_command_line_asks_for_a_role_and_the_user_gets_no_power(run, admins):
    code, out, err = _create(run, "una.screener")
    assert code == 0, err
    assert "without a role" in out and "approve-grant" in out
    user = User.objects.get(username="una.screener")
    assert _roles("una.screener") == set() and actor_for_user(user) is None
    grant = RoleGrant.objects.get(user=user)
    assert (grant.status, grant.role, grant.requested_via, grant.requested_by_id) == (
        "pending",
        "screener",
        "cli",
        None,
    )
    assert grant.operator.startswith("cli:")
    event = AuditEvent.objects.get(action="role_grant_request", object_id=str(grant.pk))
    assert event.detail["via"] == "cli" and event.actor_username.startswith("cli:")
    # no power in the browser: signed in, every page refuses them
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code != 200
    # and no API token can be made for the role that waits
    code, _, err = run("token", "create", "--username", "una.screener")
    assert code != 0 and "Traceback" not in err


def test_a_pending_grant_adds_nothing_to_an_existing_users_api_power(run, admins, make_actor, api, tmp_path):
    referrer = make_actor("referrer", "police", username="rita.referrer")
    assert api(referrer).get("/flags").status_code == 403
    path = tmp_path / "p.toml"
    path.write_text(
        '[[users]]\nusername = "rita.referrer"\nname = "Rita Referrer"\n'
        'memberships = [{ agency = "police", role = "referrer" }, { agency = "mash", role = "manager" }]\n'
    )
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert "1 pending" in out
    assert _roles("rita.referrer") == {"referrer"}
    assert api(referrer).get("/flags").status_code == 403
    with pytest.raises(ValidationFailed):
        from openmash.accounts.services import token_create

        token_create(username="rita.referrer", agency_code="mash", role="manager")


def test_a_different_active_admin_approves_at_the_command_line(run, admins):
    pat, sam = admins
    _create(run, "una.screener", "screener", "mash", "--requested-by", "pat.admin")
    grant = RoleGrant.objects.get(user__username="una.screener")
    assert grant.requested_by_id == pat.user.pk
    code, out, err = run("user", "grants")
    assert code == 0 and str(grant.pk) in out and "una.screener" in out
    argv, stdin = cli_proof("sam.admin")
    code, out, err = run("user", "approve-grant", str(grant.pk), "--by", "sam.admin", *argv, stdin=stdin)
    assert code == 0, err
    assert "Approved" in out
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by_id, grant.decided_via) == ("approved", sam.user.pk, "cli")
    assert _roles("una.screener") == {"screener"}
    assert actor_for_user(User.objects.get(username="una.screener")) is not None
    event = AuditEvent.objects.get(action="role_grant_approve", object_id=str(grant.pk))
    assert event.actor_user_id == sam.user.pk and event.detail["via"] == "cli"


def test_the_same_admin_cannot_approve_their_own_grant(run, admins):
    pat, _ = admins
    _create(run, "una.screener", "screener", "mash", "--requested-by", "pat.admin")
    grant = RoleGrant.objects.get(user__username="una.screener")
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "pat.admin")
    assert code == 1
    assert "a different partnership admin approves it" in _one_line(err)
    grant.refresh_from_db()
    assert grant.status == "pending" and _roles("una.screener") == set()
    assert AuditEvent.objects.filter(action="deny", object_id=str(grant.pk), detail__rule="grant_approver").exists()
    # a grant asked for on the pages: the admin who asked cannot approve it at the command line either
    starter = User.objects.create(username="web.starter", display_name="Web Starter")
    web_grant = membership_add(actor=pat, username=starter.username, spec=MembershipSpec("police", "referrer"))
    assert isinstance(web_grant, RoleGrant)
    code, _, err = run("user", "approve-grant", str(web_grant.pk), "--by", "pat.admin")
    assert code == 1 and "different partnership admin" in _one_line(err)
    assert RoleGrant.objects.get(pk=web_grant.pk).status == "pending"


def test_the_person_a_grant_is_for_cannot_approve_it(run, admins, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[[users]]\nusername = "sam.admin"\nname = "Sam Admin"\n'
        'memberships = [{ agency = "police", role = "partnership_admin" }]\n'
    )
    assert run("partnership", "load", str(path))[0] == 0
    grant = RoleGrant.objects.get(user__username="sam.admin", status="pending")
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "sam.admin")
    assert code == 1 and "different partnership admin" in _one_line(err)
    argv, stdin = cli_proof("pat.admin")
    assert run("user", "approve-grant", str(grant.pk), "--by", "pat.admin", *argv, stdin=stdin)[0] == 0


def test_a_deactivated_admin_cannot_approve(run, admins, make_actor):
    make_actor("partnership_admin", "police", username="gone.admin")
    user_set_active(actor=SYSTEM, username="gone.admin", active=False, reason="Left the service")
    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "gone.admin")
    assert code == 1 and "gone.admin is not an active partnership admin" in _one_line(err)
    # nor someone who is not an admin at all
    make_actor("manager", "mash", username="mo.manager")
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "mo.manager")
    assert code == 1 and "not an active partnership admin" in _one_line(err)
    assert RoleGrant.objects.get(pk=grant.pk).status == "pending" and _roles("una.screener") == set()


def test_an_admin_of_a_deactivated_agency_cannot_approve(run, admins, make_actor):
    from openmash.accounts.admin_services import agency_set_active

    make_actor("partnership_admin", "police", username="police.admin")
    agency_set_active(actor=SYSTEM, code="police", active=False, reason="Merged into the county service")
    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "police.admin")
    assert code == 1 and "not an active partnership admin" in _one_line(err)


def test_reject_at_the_command_line_changes_nothing(run, admins):
    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    argv, stdin = cli_proof("sam.admin")
    code, out, err = run("user", "approve-grant", str(grant.pk), "--by", "sam.admin", "--reject", *argv, stdin=stdin)
    assert code == 0 and "Rejected" in out
    assert RoleGrant.objects.get(pk=grant.pk).status == "rejected" and _roles("una.screener") == set()
    # a decided grant is no longer waiting: one line, non-zero
    code, _, err = run("user", "approve-grant", str(grant.pk), "--by", "pat.admin")
    assert code == 1 and "is waiting for approval" in _one_line(err)


@pytest.mark.parametrize("grant_id", ["not-an-id", "8f14e45f-ceea-467f-a0e6-0a1b2c3d4e5f"])
def test_an_unknown_grant_is_one_line(run, admins, grant_id):
    code, _, err = run("user", "approve-grant", grant_id, "--by", "sam.admin")
    assert code == 1 and f"No role grant {grant_id}" in _one_line(err)


def test_requested_by_must_be_an_active_partnership_admin(run, admins, make_actor):
    make_actor("manager", "mash", username="mo.manager")
    code, _, err = _create(run, "una.screener", "screener", "mash", "--requested-by", "mo.manager")
    assert code == 1 and "mo.manager is not an active partnership admin" in _one_line(err)
    assert not User.objects.filter(username="una.screener").exists()


def test_the_first_partnership_admin_is_given_at_once_as_the_bootstrap(run, partnership):
    code, out, err = _create(run, "first.admin", "partnership_admin")
    assert code == 0, err
    assert "bootstrap" in out
    assert _roles("first.admin") == {"partnership_admin"} and not RoleGrant.objects.exists()
    membership = Membership.objects.get(user__username="first.admin")
    event = AuditEvent.objects.get(action="role_grant_bootstrap")
    assert event.object_id == str(membership.pk) and event.actor_username.startswith("cli:")
    # the second admin, and any other role, waits for the first
    _create(run, "second.admin", "partnership_admin")
    _create(run, "una.screener")
    assert _roles("second.admin") == set() and _roles("una.screener") == set()
    assert RoleGrant.objects.filter(status="pending").count() == 2
    assert AuditEvent.objects.filter(action="role_grant_bootstrap").count() == 1
    grant = RoleGrant.objects.get(user__username="second.admin")
    argv, stdin = cli_proof("first.admin")
    assert run("user", "approve-grant", str(grant.pk), "--by", "first.admin", *argv, stdin=stdin)[0] == 0
    assert _roles("second.admin") == {"partnership_admin"}


def test_no_bootstrap_while_an_admin_exists_but_again_when_none_is_active(run, admins):
    _create(run, "third.admin", "partnership_admin")
    assert _roles("third.admin") == set() and RoleGrant.objects.filter(user__username="third.admin").exists()
    for username in ("pat.admin", "sam.admin"):
        user_set_active(actor=SYSTEM, username=username, active=False, reason="Left the service")
    _create(run, "fourth.admin", "partnership_admin")  # every admin left: the deployment is locked out otherwise
    assert _roles("fourth.admin") == {"partnership_admin"}
    assert AuditEvent.objects.filter(action="role_grant_bootstrap").count() == 1


def test_a_case_role_with_nobody_to_approve_says_so(run, partnership):
    code, out, err = _create(run, "una.screener")
    assert code == 0, err
    assert "Nobody can approve it yet" in out


def test_the_approvals_page_shows_a_command_line_grant_and_an_admin_approves_it(run, admins):
    _, sam = admins
    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    client = Client()
    client.force_login(sam.user)
    page = client.get(reverse("partnership:approvals")).content.decode()
    assert "una.screener" in page and "the server&#x27;s command line" in page
    client.post(reverse("partnership:approvals"), {"grant": str(grant.pk), "decision": "approve"})
    assert RoleGrant.objects.get(pk=grant.pk).status == "approved" and _roles("una.screener") == {"screener"}


PARTNERSHIP_TOML = """
[[users]]
username = "pat.first"
name = "Pat First"
memberships = [{ agency = "mash", role = "partnership_admin" }]

[[users]]
username = "sam.screener"
name = "Sam Screener"
memberships = [
  { agency = "mash", role = "screener" },
  { agency = "police", role = "researcher" },
]
"""


def test_the_partnership_file_follows_the_same_rule(run, partnership, tmp_path):
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert "roles: 1 created, 0 updated, 0 unchanged, 2 pending" in out and "user grants" in out
    assert _roles("pat.first") == {"partnership_admin"} and _roles("sam.screener") == set()
    assert AuditEvent.objects.filter(action="role_grant_bootstrap").count() == 1
    events = AuditEvent.objects.count()
    code, out, err = run("partnership", "load", str(path))  # again: nothing changes, nothing new waits
    assert code == 0, err
    assert "roles: 0 created, 0 updated, 1 unchanged, 2 pending" in out
    assert AuditEvent.objects.count() == events and RoleGrant.objects.filter(status="pending").count() == 2
    for grant in RoleGrant.objects.filter(status="pending"):
        argv, stdin = cli_proof("pat.first")
        assert run("user", "approve-grant", str(grant.pk), "--by", "pat.first", *argv, stdin=stdin)[0] == 0
    assert _roles("sam.screener") == {"screener", "researcher"}


def test_a_dry_run_asks_for_nothing(run, partnership, tmp_path):
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, err = run("partnership", "load", str(path), "--dry-run")
    assert code == 0, err
    assert "2 pending" in out
    assert not RoleGrant.objects.exists() and not Membership.objects.exists()


# --- the approver proves it is them (ADR 0019): password and authenticator app code, as the pages' step-up ---------


def _deny(grant, factor) -> AuditEvent:
    """The latest refusal of an approver's proof for this grant with this factor (StopIteration if none)."""
    events = AuditEvent.objects.filter(action="deny", object_id=str(grant.pk)).order_by("-id")
    return next(e for e in events if (e.detail or {}).get("rule") == "grant_approver_authentication"
                and e.detail.get("factor") == factor)  # fmt: skip


def test_the_approver_must_prove_it_is_them_or_nothing_is_decided(run, admins):
    """No password, no code, a wrong password, a wrong code, a recovery code: each one line, exit 1, the grant still
    waiting, the refusal audited (deny with the factor; the wrong ones also stepup_failed, counted toward the
    lockout as a failed sign-in)."""
    _, sam = admins
    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    argv, stdin = cli_proof("sam.admin")
    good_code = argv[-1]
    base = ("user", "approve-grant", str(grant.pk), "--by", "sam.admin")
    code, _, err = run(*base)  # nothing given, no terminal to ask at
    assert code == 1 and "must prove it is them" in _one_line(err)
    assert _deny(grant, "password").detail["missing"] is True
    code, _, err = run(*base, "--password-stdin", stdin=stdin)  # the password but no code
    assert code == 1 and "must prove it is them" in _one_line(err)
    assert _deny(grant, "code").detail["missing"] is True
    wrong = secrets.token_urlsafe(16)
    code, _, err = run(*base, "--password-stdin", "--code", good_code, stdin=wrong + "\n")
    assert code == 1 and "was not accepted" in _one_line(err) and wrong not in err
    assert _deny(grant, "password").detail == {
        "rule": "grant_approver_authentication",
        "factor": "password",
        "locked": False,
    }
    bad_code = "000000" if good_code != "000000" else "111111"
    code, _, err = run(*base, "--password-stdin", "--code", bad_code, stdin=stdin)
    assert code == 1 and "was not accepted" in _one_line(err)
    assert _deny(grant, "code").detail["locked"] is False
    from openmash.accounts.mfa import _recovery_codes_make

    recovery = _recovery_codes_make(sam.user)[0]
    code, _, err = run(*base, "--password-stdin", "--code", recovery, stdin=stdin)
    assert code == 1 and "was not accepted" in _one_line(err)  # never a recovery code (the step-up rule)
    assert RoleGrant.objects.get(pk=grant.pk).status == "pending" and _roles("una.screener") == set()
    failed = AuditEvent.objects.filter(action="stepup_failed", actor_user_id=sam.user.pk)
    assert sorted(e.detail["factor"] for e in failed) == ["password", "totp", "totp"]
    # and with both right, approved, audited as sam (a `stepup` by sam, then the approval)
    argv, stdin = cli_proof("sam.admin")
    code, out, err = run(*base, *argv, stdin=stdin)
    assert code == 0 and "Approved" in out, err
    assert AuditEvent.objects.filter(action="stepup", actor_user_id=sam.user.pk).exists()


def test_a_code_works_once_at_the_command_line(run, admins):
    """django-otp's replay rule, as at sign-in: the code that approved one grant does not approve a second."""
    _create(run, "una.screener")
    _create(run, "ben.screener")
    first, second = (RoleGrant.objects.get(user__username=u) for u in ("una.screener", "ben.screener"))
    argv, stdin = cli_proof("sam.admin")
    assert run("user", "approve-grant", str(first.pk), "--by", "sam.admin", *argv, stdin=stdin)[0] == 0
    code, _, err = run("user", "approve-grant", str(second.pk), "--by", "sam.admin", *argv, stdin=stdin)
    assert code == 1 and "was not accepted" in _one_line(err)
    assert RoleGrant.objects.get(pk=second.pk).status == "pending"


def test_at_a_terminal_the_password_and_code_are_asked(run, admins, monkeypatch):
    """With a terminal attached and neither --password-stdin nor --code, the command asks for both (the password
    not echoed: getpass) and checks them as above."""
    import types

    from openmash.accounts.management import base as admin_command  # where the password and code are read

    _create(run, "una.screener")
    grant = RoleGrant.objects.get(user__username="una.screener")
    argv, stdin = cli_proof("sam.admin")
    tty = io.StringIO("")
    tty.isatty = lambda: True
    monkeypatch.setattr(admin_command, "sys", types.SimpleNamespace(stdin=tty, stderr=sys.stderr, exit=sys.exit))
    asked = []
    monkeypatch.setattr(admin_command.getpass, "getpass", lambda prompt: asked.append(prompt) or stdin.strip())
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or argv[-1])
    code, out, err = run("user", "approve-grant", str(grant.pk), "--by", "sam.admin")
    assert code == 0 and "Approved" in out, err
    assert asked == ["Password for sam.admin: ", "Code from their authenticator app: "]
