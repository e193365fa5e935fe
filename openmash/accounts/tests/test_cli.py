"""The `openmash` command line: `user create` and `token create` (tokens are shown once, stored as SHA-256)."""

import hashlib
import io
import secrets
import sys

import pytest
from django.db import connections
from django.test import Client

from openmash.accounts.models import ApiToken, Membership, User
from openmash.cli import main
from tests.support import cli_proof

STRONG = "correct-horse-battery-staple-42"


@pytest.fixture
def run(monkeypatch, capsys, partnership):
    """run(*argv, stdin="") -> (exit_code, stdout, stderr)"""

    # A command closes every database connection when it ends, as a process would; inside a test that would close
    # the test's own transaction, so keep it open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def _run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = 0
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture(autouse=True)
def approver(partnership):
    """A partnership admin to approve the roles the command line asks for (dual control, ADR 0019)."""
    from openmash.accounts.services import user_create

    return user_create(
        username="ada.admin",
        password=secrets.token_urlsafe(24),
        agency_code="mash",
        role="partnership_admin",
        check_password=False,
    )


def _user_create(run, username="jo.bloggs", agency="mash", role="screener", password=STRONG):
    """`openmash user create ...`, then `openmash user approve-grant ID --by ada.admin` for the role it asked for."""
    result = _create_only(run, username, agency, role, password)
    if result[0] == 0:
        from openmash.accounts.models import RoleGrant

        for grant in RoleGrant.objects.filter(user__username=username, status="pending"):
            argv, stdin = cli_proof("ada.admin")
            approved = run("user", "approve-grant", str(grant.pk), "--by", "ada.admin", *argv, stdin=stdin)
            assert approved[0] == 0, approved[2]
    return result


def _create_only(run, username, agency, role, password):
    return run(
        "user",
        "create",
        "--name",
        "Jo Bloggs",
        "--username",
        username,
        "--agency",
        agency,
        "--role",
        role,
        "--password-stdin",
        stdin=password + "\n",
    )


def test_user_create_with_password_from_stdin(run):
    code, out, err = _user_create(run)
    assert code == 0, err
    # the role waits for a second partnership admin, as on the pages (ADR 0019); _user_create approved it
    assert "Created user jo.bloggs without a role: screener at mash waits" in out
    user = User.objects.get(username="jo.bloggs")
    assert user.check_password(STRONG)
    assert STRONG not in user.password  # hashed
    membership = Membership.objects.get(user=user)
    assert (membership.agency.code, membership.role, membership.active) == ("mash", "screener", True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agency": "atlantis"}, "Unknown agency: atlantis"),
        ({"role": "overlord"}, "Unknown role: overlord"),
        ({"password": "short"}, "password:"),
        ({"password": "1q2w3e4r5t6y7u8i9o0p"}, "too common"),
        ({"password": "jo.bloggs1234567"}, "too similar"),
    ],
)
def test_user_create_refuses_bad_input_with_a_clear_message(run, kwargs, message):
    code, out, err = _user_create(run, **kwargs)
    assert code != 0
    assert message in err, err
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_user_create_refuses_a_taken_username(run):
    assert _user_create(run)[0] == 0
    code, _, err = _user_create(run, role="manager")
    assert code != 0 and "That username is taken" in err
    assert Membership.objects.filter(user__username="jo.bloggs").count() == 1


def test_token_create_prints_a_token_that_authenticates_and_only_its_hash_is_stored(run):
    assert _user_create(run, username="sam.screener")[0] == 0
    code, out, err = run("token", "create", "--username", "sam.screener")
    assert code == 0, err
    raw = out.strip()
    assert raw.startswith("om_") and len(raw) > 40

    token = ApiToken.objects.get(user__username="sam.screener")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert raw not in stored and not any(raw in value for value in stored)

    client = Client()
    ok = client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200, ok.content
    assert client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {raw}x").status_code == 401
    assert client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {token.key_hash}").status_code == 401


def test_each_token_is_new(run):
    assert _user_create(run, username="sam.screener")[0] == 0
    first = run("token", "create", "--username", "sam.screener")[1].strip()
    second = run("token", "create", "--username", "sam.screener")[1].strip()
    assert first != second
    assert ApiToken.objects.filter(user__username="sam.screener").count() == 2


def test_token_acts_in_the_chosen_membership(run):
    from openmash.accounts.services import user_create

    user = User.objects.get(pk=_create_two_memberships(user_create).pk)
    raw = run("token", "create", "--username", user.username, "--agency", "health-gp", "--role", "researcher")[1]
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw.strip()}"}
    assert client.get("/api/v1/agency-requests", **auth).status_code == 200  # a researcher's inbox
    assert client.get("/api/v1/screening-queue", **auth).status_code == 403  # not a hub screener in this role


def _create_two_memberships(user_create):
    user = user_create(username="dual", password=STRONG, agency_code="mash", role="screener")
    Membership.objects.create(user=user, agency_id=_agency_id("health-gp"), role="researcher")
    return user


def _agency_id(code):
    from openmash.accounts.models import Agency

    return Agency.objects.get(code=code).pk


def test_token_create_for_unknown_user_fails_clearly(run):
    code, out, err = run("token", "create", "--username", "nobody")
    assert code != 0
    assert "No active user called nobody" in err
    assert not ApiToken.objects.exists()


def test_token_of_a_deactivated_user_stops_working(run):
    assert _user_create(run, username="leaver")[0] == 0
    raw = run("token", "create", "--username", "leaver")[1].strip()
    client = Client()
    assert client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    User.objects.filter(username="leaver").update(is_active=False)
    assert client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_help_lists_the_commands(run):
    code, out, _ = run()
    assert code == 0
    assert "openmash user create" in out and "openmash token create" in out
