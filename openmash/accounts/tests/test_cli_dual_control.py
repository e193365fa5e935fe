"""Dual control on the server's command line (issue 5 practitioners' and attackers' review: `openmash user create`
and `partnership load` gave case roles with no second approver, while the pages and the API required one).

Once the partnership has a partnership admin, a role given on the command line waits as a RoleGrant "asked for by
the server's command line" until a partnership admin (or the agency's MASH manager, for a case role) approves it. The
approver, not the operator, gets the starter's set-password link. Only a deployment being set up (no active
partnership admin) gets roles at once, audited `role_grant_bootstrap`. The demo refuses outside demo mode.
"""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from openmash.accounts.admin_services import role_grant_decide
from openmash.accounts.models import Membership, RoleGrant, User
from openmash.audit.models import AuditEvent
from openmash.cli import main

STRONG = "correct-horse-battery-staple-42"

PARTNERSHIP_TOML = """
[[users]]
username = "nia.screener"
name = "Nia Screener"
memberships = [{ agency = "mash", role = "screener" }]

[[users]]
username = "ola.researcher"
name = "Ola Researcher"
memberships = [{ agency = "police", role = "researcher" }]
"""


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
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _create(run, username, role, agency="mash", *extra, stdin=""):
    return run(
        "user", "create", "--name", "Sam Starter", "--username", username, "--agency", agency, "--role", role, *extra,
        stdin=stdin,
    )  # fmt: skip


def test_once_an_admin_exists_a_command_line_role_waits_for_a_second_person(run, make_actor):
    admin = make_actor("partnership_admin", "mash")
    code, out, err = _create(run, "sam.screener", "screener")
    assert code == 0, err
    assert "waiting for approval" in out and "/account/set-password/" not in out  # no link for the operator
    sam = User.objects.get(username="sam.screener")
    assert not sam.has_usable_password()
    assert not Membership.objects.filter(user=sam).exists()  # no access until a second person approves
    grant = RoleGrant.objects.get(user=sam)
    assert grant.status == "pending" and grant.requested_by_id is None and grant.requested_by_name.startswith("cli:")
    assert AuditEvent.objects.filter(action="role_grant_request", object_id=str(grant.pk)).exists()
    # the operator cannot take the starter's account before the approver does
    code, _, err = run("user", "set-password-link", "--username", "sam.screener")
    assert code != 0 and "waiting for approval" in err
    # the approvals page names where it came from; the admin approves and is shown the link
    client = Client()
    client.force_login(admin.user)
    page = client.get(reverse("partnership:approvals")).content.decode()
    assert "the server&#x27;s command line (cli:" in page or "the server's command line (cli:" in page
    decision = role_grant_decide(actor=admin, grant_id=grant.pk, approve=True)
    assert decision.link and Membership.objects.get(user=sam).role == "screener"


def test_a_mash_manager_approves_a_command_line_case_role_in_their_agency(run, make_actor):
    make_actor("partnership_admin", "mash")
    manager = make_actor("manager", "mash")
    assert _create(run, "sam.sw", "social_worker")[0] == 0
    grant = RoleGrant.objects.get(user__username="sam.sw")
    role_grant_decide(actor=manager, grant_id=grant.pk, approve=True)
    assert Membership.objects.filter(user__username="sam.sw", role="social_worker", active=True).exists()


def test_a_password_for_a_waiting_role_is_refused_and_nothing_is_made(run, make_actor):
    make_actor("partnership_admin", "mash")
    code, _, err = _create(run, "sam.pw", "screener", "mash", "--password-stdin", stdin=STRONG + "\n")
    assert code != 0 and "waits for a second person" in err and len(err.strip().splitlines()) == 1
    assert not User.objects.filter(username="sam.pw").exists()


def test_a_new_deployment_makes_its_first_admin_at_once_then_everything_waits(run):
    code, out, err = _create(run, "first.admin", "partnership_admin", "mash", "--password-stdin", stdin=STRONG + "\n")
    assert code == 0, err
    first = User.objects.get(username="first.admin")
    assert Membership.objects.get(user=first).role == "partnership_admin" and first.check_password(STRONG)
    assert AuditEvent.objects.filter(action="role_grant_bootstrap", object_id=str(first.pk)).exists()
    # a second admin asked for on the command line is approved by the first (the operator is not the first admin)
    assert _create(run, "second.admin", "partnership_admin")[0] == 0
    assert not Membership.objects.filter(user__username="second.admin").exists()
    assert RoleGrant.objects.get(user__username="second.admin").status == "pending"


def test_partnership_file_roles_wait_once_an_admin_exists_and_a_reload_adds_nothing(run, make_actor, tmp_path):
    make_actor("partnership_admin", "mash")
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert "2 waiting" in out and "waiting for a second person's approval" in out
    assert not Membership.objects.filter(user__username__in=["nia.screener", "ola.researcher"]).exists()
    assert RoleGrant.objects.filter(status="pending").count() == 2
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert RoleGrant.objects.filter(status="pending").count() == 2  # loading again asks for nothing twice


def test_a_new_deployments_first_partnership_file_gives_its_roles_at_once(run, tmp_path):
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert Membership.objects.filter(user__username="nia.screener", role="screener").exists()
    assert AuditEvent.objects.filter(action="role_grant_bootstrap").count() == 2


def test_the_demo_refuses_outside_demo_mode(settings, partnership):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo", "--seed-only")
