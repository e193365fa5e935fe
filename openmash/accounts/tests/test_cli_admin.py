"""The command line for a newcomer and for setting up a real partnership: every error is one line on standard
error with a non-zero exit; help needs no configuration; after `make demo` the commands use the demo's key and
database; agencies, teams and the partnership file go through the audited services."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from openmash import cli
from openmash.accounts.models import Agency, Membership, Team, User
from openmash.audit.models import AuditEvent
from tests.support import cli_proof

STRONG = "correct-horse-battery-staple-42"
REPO = Path(cli.__file__).resolve().parent.parent


@pytest.fixture
def run(monkeypatch, capsys, partnership):
    """run(*argv, stdin="", tty=False) -> (exit_code, stdout, stderr), in process."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def _run(*argv, stdin="", tty=False):
        stream = io.StringIO(stdin)
        stream.isatty = lambda: tty
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


# --- help without configuration, and the demo fallback (separate processes: a clean environment) ---------------


def _clean_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENMASH_", "DJANGO_", "DATABASE_URL"))}
    env["HOME"] = str(tmp_path)
    return env


def _subprocess(tmp_path, *argv, var_dir=None, stdin=""):
    """Run the CLI in a fresh process with no configuration; var_dir stands in for the checkout's var/."""
    code = (
        "import sys; from pathlib import Path; from openmash import cli; "
        f"cli._var_dir = lambda: Path({str(var_dir or tmp_path / 'novar')!r}); cli.run()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        env=_clean_env(tmp_path),
        cwd=str(tmp_path),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_needs_no_configuration_and_lists_the_commands(tmp_path):
    result = _subprocess(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("user create", "token create", "agency create", "team create", "partnership load"):
        assert f"openmash {command}" in result.stdout
    assert result.stderr == ""


def test_group_and_command_help_without_configuration(tmp_path):
    group = _subprocess(tmp_path, "user", "--help")
    assert group.returncode == 0 and "set-password-link" in group.stdout and "unlock" in group.stdout
    command = _subprocess(tmp_path, "user", "create", "--help")
    assert command.returncode == 0, command.stderr
    assert "usage: openmash user create" in command.stdout and "--password-stdin" in command.stdout
    assert command.stderr == ""


def test_without_configuration_a_command_fails_in_one_line(tmp_path):
    result = _subprocess(
        tmp_path, "user", "create", "--name", "Test User", "--username", "x", "--agency", "mash", "--role", "screener"
    )
    assert result.returncode != 0
    line = _one_line(result.stderr)
    assert "OPENMASH_SECRET_KEY must be set" in line and "make demo" in line


def test_after_make_demo_commands_use_the_demo_key_and_database(tmp_path, monkeypatch):
    """No environment: the key kept in var/ by `openmash demo` is used, in demo mode, as `openmash demo` does."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-secret-key").write_text("demo-key-from-var\n")
    for name in ("OPENMASH_SECRET_KEY", "OPENMASH_DEMO", "OPENMASH_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "_var_dir", lambda: var)
    monkeypatch.setattr(cli, "_configured", lambda: False)
    cli._local_environment("user", wants_help=False)
    assert os.environ["OPENMASH_SECRET_KEY"] == "demo-key-from-var"
    assert os.environ["OPENMASH_DEMO"] == "true"


@pytest.mark.parametrize("command", ["serve", "check", "migrate", "escalate_overdue"])
def test_other_commands_are_never_switched_to_demo_silently(tmp_path, monkeypatch, command):
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-secret-key").write_text("demo-key-from-var\n")
    monkeypatch.delenv("OPENMASH_SECRET_KEY", raising=False)
    monkeypatch.delenv("OPENMASH_DEMO", raising=False)
    monkeypatch.setattr(cli, "_var_dir", lambda: var)
    monkeypatch.setattr(cli, "_configured", lambda: False)
    cli._local_environment(command, wants_help=False)
    assert "OPENMASH_SECRET_KEY" not in os.environ and "OPENMASH_DEMO" not in os.environ


def test_demo_database_end_to_end_in_a_fresh_process(tmp_path):
    """The newcomer's path: a demo key in var/, then `user create --password-stdin` with no environment at all."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-secret-key").write_text("demo-key-from-var\n")
    env_db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    base = _clean_env(tmp_path)
    code = (
        "import sys; from pathlib import Path; from openmash import cli; "
        f"cli._var_dir = lambda: Path({str(var)!r}); cli.run()"
    )

    def go(*argv, stdin="", **extra_env):
        # DATABASE_URL only moves the database off the checkout's var/; the key comes from the demo fallback.
        return subprocess.run(
            [sys.executable, "-c", code, *argv],
            env={**base, "DATABASE_URL": env_db, **extra_env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(REPO),
        )

    # What `openmash demo` did first (it migrates in demo mode).
    assert go("migrate", "-v", "0", OPENMASH_DEMO="true", OPENMASH_SECRET_KEY="demo-key-from-var").returncode == 0
    made = go(
        "agency", "create", "--code", "mash", "--name", "The MASH", "--type", "csc", "--source-code", "5A", "--hub"
    )
    assert made.returncode == 0, made.stderr
    # the first partnership admin of a deployment is given at once (the bootstrap); every later role waits for them
    first = go(
        "user", "create", "--name", "Ada Admin", "--username", "ada", "--agency", "mash", "--role",
        "partnership_admin", "--password-stdin", stdin=STRONG + "\n",
    )  # fmt: skip
    assert first.returncode == 0 and "bootstrap" in first.stdout, first.stderr
    created = go(
        "user",
        "create",
        "--name",
        "Pat Manager",
        "--username",
        "pat",
        "--agency",
        "mash",
        "--role",
        "manager",
        "--password-stdin",
        stdin=STRONG + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert "Created user pat without a role" in created.stdout
    assert go("token", "create", "--username", "pat").returncode != 0  # no power until approved
    grant_id = created.stdout.split("(grant ")[1].split(")")[0]
    # ada proves it is her (ADR 0019): her password and her authenticator app's current code (an app made here
    # with a known key, as enrolling on the pages would)
    key = secrets.token_hex(20)
    enrol = (
        "from openmash.accounts.mfa import totp_device_ensure; from openmash.accounts.models import User; "
        f"totp_device_ensure(User.objects.get(username='ada'), key='{key}')"
    )
    demo_env = {"OPENMASH_DEMO": "true", "OPENMASH_SECRET_KEY": "demo-key-from-var"}
    enrolled = go("shell", "-c", enrol, OPENMASH_KEY_FILE=str(var / "demo-keys.json"), **demo_env)
    assert enrolled.returncode == 0, enrolled.stderr
    from django_otp.oath import totp

    code_now = str(totp(bytes.fromhex(key))).zfill(6)
    refused = go("user", "approve-grant", grant_id, "--by", "ada", "--code", code_now)  # no password: refused
    assert refused.returncode == 1 and "must prove" in _one_line(refused.stderr)
    approved = go(
        "user", "approve-grant", grant_id, "--by", "ada", "--password-stdin", "--code", code_now, stdin=STRONG + "\n"
    )
    assert approved.returncode == 0, approved.stderr
    token = go("token", "create", "--username", "pat")
    assert token.returncode == 0 and token.stdout.startswith("om_"), token.stderr
    # Without a terminal and without --password-stdin: one line, no EOFError traceback.
    no_tty = go("user", "create", "--name", "Test User", "--username", "sam", "--agency", "mash", "--role", "screener")
    assert no_tty.returncode != 0
    assert "--password-stdin" in _one_line(no_tty.stderr)


# --- every command's error path: one line, non-zero ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["user", "frob"], "unknown command 'openmash user frob'"),
        (["user", "create", "--username", "x"], "the following arguments are required: --agency, --role, --name"),
        (
            ["user", "create", "--name", "Test User", "--username", "x", "--agency", "mash", "--role", "screener"],
            "No terminal",
        ),
        (
            [
                "user",
                "create",
                "--name",
                "Test User",
                "--username",
                "x",
                "--agency",
                "nowhere",
                "--role",
                "screener",
                "--no-password",
            ],
            "Unknown agency: nowhere",
        ),
        (
            [
                "user",
                "create",
                "--name",
                "Test User",
                "--username",
                "x",
                "--agency",
                "mash",
                "--role",
                "king",
                "--no-password",
            ],
            "Unknown role: king",
        ),
        (
            [
                "user",
                "create",
                "--name",
                "Test User",
                "--username",
                "a b",
                "--agency",
                "mash",
                "--role",
                "screener",
                "--no-password",
            ],
            "username:",
        ),
        (["user", "set-password-link", "--username", "nobody"], "No user called nobody"),
        (["user", "deactivate", "--username", "nobody"], "No user called nobody"),
        (["user", "unlock"], "the following arguments are required: --username"),
        (["token", "create", "--username", "nobody"], "No active user called nobody"),
        (["agency", "create", "--code", "Bad Code", "--name", "X", "--type", "police", "--source-code", "6"], "code:"),
        (["agency", "create", "--code", "x", "--name", "X", "--type", "spies", "--source-code", "6"], "type:"),
        (
            [
                "agency",
                "create",
                "--code",
                "x",
                "--name",
                "X",
                "--type",
                "police",
                "--source-code",
                "6",
                "--health-service",
                "gp",
            ],
            "Only a health agency",
        ),
        (["agency", "deactivate", "--code", "atlantis"], "No agency with the code atlantis"),
        (["team", "create", "--agency", "atlantis", "--name", "T"], "Unknown agency: atlantis"),
        (["partnership", "load", "missing.toml"], "no such file"),
    ],
)
def test_every_command_fails_in_one_line(run, argv, expected):
    code, _, err = run(*argv)
    assert code != 0
    assert expected in _one_line(err)


def test_password_stdin_empty_is_refused(run):
    code, _, err = run(
        "user",
        "create",
        "--name",
        "Test User",
        "--username",
        "x",
        "--agency",
        "mash",
        "--role",
        "screener",
        "--password-stdin",
        stdin="",
    )
    assert code != 0 and "No password on standard input" in _one_line(err)
    assert not User.objects.filter(username="x").exists()


def test_terminal_password_end_of_input_is_one_line(run, monkeypatch):
    import getpass

    def eof(prompt=""):
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", eof)
    code, _, err = run(
        "user", "create", "--name", "Test User", "--username", "x", "--agency", "mash", "--role", "screener", tty=True
    )
    assert code != 0 and "No password given" in _one_line(err)


def test_unexpected_errors_are_one_line_too(run, monkeypatch):
    from openmash.accounts.management.commands import team_create

    def boom(**kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(team_create, "team_add", boom)
    code, _, err = run("team", "create", "--agency", "mash", "--name", "T")
    assert code != 0
    assert _one_line(err) == "openmash: error: RuntimeError: disk on fire"


def test_an_unmigrated_database_is_one_line_with_a_hint(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-secret-key").write_text("demo-key-from-var\n")
    code = (
        "import sys; from pathlib import Path; from openmash import cli; "
        f"cli._var_dir = lambda: Path({str(var)!r}); cli.run()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "team", "create", "--agency", "mash", "--name", "T"],
        env={**_clean_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(REPO),
    )
    assert result.returncode == 1
    assert "has `openmash migrate` been run" in _one_line(result.stderr)


# --- the first agencies, teams and admin -----------------------------------------------------------------------------


def test_agency_and_team_create_are_idempotent_and_audited(run):
    argv = [
        "agency",
        "create",
        "--code",
        "county-yot",
        "--name",
        "Youth Offending Team",
        "--type",
        "youth_justice",
        "--source-code",
        "8",
    ]
    code, out, err = run(*argv)
    assert code == 0, err and "Agency county-yot created." in out
    assert run(*argv)[1].strip() == "Agency county-yot unchanged."
    agency = Agency.objects.get(code="county-yot")
    assert (agency.agency_type, agency.source_code, agency.is_hub) == ("youth_justice", "8", False)
    assert AuditEvent.objects.filter(object_id=str(agency.pk), action="create").count() == 1
    assert AuditEvent.objects.get(object_id=str(agency.pk)).actor_username.startswith("cli:")

    assert run("team", "create", "--agency", "county-yot", "--name", "Triage")[0] == 0
    assert "already exists" in run("team", "create", "--agency", "county-yot", "--name", "Triage")[1]
    assert Team.objects.filter(agency=agency, name="Triage").count() == 1


def test_no_password_user_gets_a_one_time_link_that_sets_the_password(run):
    code, out, err = run(
        "user",
        "create",
        "--name",
        "Test User",
        "--username",
        "first.admin",
        "--agency",
        "mash",
        "--role",
        "partnership_admin",
        "--no-password",
        "--base-url",
        "https://mash.example/",
    )
    assert code == 0, err
    link = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert link.startswith("https://mash.example/account/set-password/")
    user = User.objects.get(username="first.admin")
    assert not user.has_usable_password()

    client = Client()
    path = link.removeprefix("https://mash.example")
    page = client.get(path, follow=True)
    assert page.status_code == 200 and b"Set your password" in page.content
    form_url = page.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert b"There is a problem" in weak.content
    done = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="set_password", object_id=str(user.pk)).exists()
    # One time only.
    again = Client().get(path, follow=True)
    assert b"This link has expired" in again.content


def test_a_new_link_voids_the_old_one_and_the_old_password(run, settings):
    settings.OPENMASH_BASE_URL = "http://testserver"
    run(
        "user",
        "create",
        "--name",
        "Test User",
        "--username",
        "u1",
        "--agency",
        "mash",
        "--role",
        "screener",
        "--password-stdin",
        stdin=STRONG + "\n",
    )
    first = run("user", "set-password-link", "--username", "u1")[1].strip().removeprefix("http://testserver")
    second = run("user", "set-password-link", "--username", "u1")[1].strip().removeprefix("http://testserver")
    assert first != second
    assert not User.objects.get(username="u1").check_password(STRONG)
    assert b"This link has expired" in Client().get(first, follow=True).content
    assert b"Set your password" in Client().get(second, follow=True).content


def test_deactivate_and_unlock(run):
    run(
        "user",
        "create",
        "--name",
        "Test User",
        "--username",
        "leaver",
        "--agency",
        "mash",
        "--role",
        "screener",
        "--no-password",
    )
    code, out, _ = run("user", "deactivate", "--username", "leaver", "--reason", "left the service")
    assert code == 0 and "deactivated" in out
    assert not User.objects.get(username="leaver").is_active
    event = AuditEvent.objects.get(action="deactivate")
    assert event.reason == "left the service"
    code, out, _ = run("user", "unlock", "--username", "leaver")
    assert code == 0 and "was not locked out" in out
    assert AuditEvent.objects.filter(action="unlock").exists()


# --- the partnership file ------------------------------------------------------------------------------------------

PARTNERSHIP_TOML = """\
[[agencies]]
code = "county-police"
name = "County Police"
type = "police"
source_code = "6"
teams = ["Public protection unit"]

[[agencies]]
code = "the-mash"
name = "County MASH"
type = "csc"
source_code = "5A"
hub = true
teams = ["Screening", "Managers"]

[[users]]
username = "pat.admin"
name = "Pat Admin"
memberships = [{ agency = "the-mash", role = "partnership_admin" }]

[[users]]
username = "sam.screener"
name = "Sam Screener"
memberships = [
  { agency = "the-mash", role = "screener", team = "Screening" },
  { agency = "county-police", role = "researcher", team = "Public protection unit" },
]
"""


def test_partnership_file_loads_once_and_again_changes_nothing(run, tmp_path):
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert "agencies: 2 created" in out and "users: 2 created" in out and "pat.admin" in out
    sam = User.objects.get(username="sam.screener")
    assert not sam.has_usable_password()
    # pat.admin, the deployment's first partnership admin, is given at once (the bootstrap); sam's roles wait for
    # a second partnership admin (ADR 0019): pat approves them
    assert "2 pending" in out and not Membership.objects.filter(user=sam).exists()
    from openmash.accounts.models import RoleGrant

    for grant in RoleGrant.objects.filter(user=sam, status="pending"):
        argv, stdin = cli_proof("pat.admin")
        assert run("user", "approve-grant", str(grant.pk), "--by", "pat.admin", *argv, stdin=stdin)[0] == 0
    assert set(Membership.objects.filter(user=sam).values_list("agency__code", "role", "team__name")) == {
        ("the-mash", "screener", "Screening"),
        ("county-police", "researcher", "Public protection unit"),
    }
    assert Agency.objects.get(code="the-mash").is_hub
    events = AuditEvent.objects.count()

    code, out, err = run("partnership", "load", str(path))
    assert code == 0, err
    assert "agencies: 0 created, 0 updated, 2 unchanged" in out and "users: 0 created, 2 unchanged" in out
    assert AuditEvent.objects.count() == events  # nothing changed, nothing to audit


def test_partnership_file_problems_are_line_numbered_and_nothing_is_written(run, tmp_path):
    bad = (
        PARTNERSHIP_TOML.replace('type = "police"', 'type = "spies"').replace(
            'role = "partnership_admin"', 'role = "overlord"'
        )
        + '\n[[users]]\nusername = "eve"\nname = "Eve"\n'
        + f'password = "{secrets.token_urlsafe(16)}"\n'  # made at run time: the file must refuse any password
        + 'memberships = [{ agency = "nowhere", role = "screener" }]\n'
    )
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    code, _, err = run("partnership", "load", str(path))
    assert code != 0
    lines = err.strip().splitlines()
    assert f"{path}:1: agencies.0.type: Choose an agency type" in lines[0] or any(
        f"{path}:1: agencies.0.type" in line for line in lines
    )
    assert any(f"{path}:16: users.0.role: Unknown role: overlord" in line for line in lines), err
    assert any(f"{path}:29: users.2.password: Passwords are never given in a file" in line for line in lines), err
    assert any(f"{path}:29: users.2.agency: Unknown agency: nowhere" in line for line in lines), err
    assert lines[-1].endswith("nothing was loaded.")
    assert not Agency.objects.filter(code__in=["county-police", "the-mash"]).exists()
    assert not User.objects.filter(username__in=["pat.admin", "sam.screener", "eve"]).exists()


def test_partnership_file_yaml_and_json_carry_line_numbers(run, tmp_path):
    yaml_path = tmp_path / "p.yaml"
    yaml_path.write_text(
        textwrap.dedent("""\
        agencies:
          - code: ok-agency
            name: OK
            type: police
            source_code: "6"
          - code: Not OK
            name: Bad
            type: police
            source_code: "6"
        """)
    )
    code, _, err = run("partnership", "load", str(yaml_path))
    assert code != 0 and f"{yaml_path}:6: agencies.1.code:" in err
    json_path = tmp_path / "p.json"
    json_path.write_text(json.dumps({"agencies": [], "users": [{"username": "x", "memberships": []}]}, indent=2))
    code, _, err = run("partnership", "load", str(json_path))
    assert code != 0 and "users.0.memberships: Give the user at least one role" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"agencies": [\n  {"code": }\n]}')
    code, _, err = run("partnership", "load", str(broken))
    assert code != 0 and "line 2: not valid JSON" in _one_line(err)


def test_partnership_file_dry_run_writes_nothing(run, tmp_path):
    path = tmp_path / "partnership.toml"
    path.write_text(PARTNERSHIP_TOML)
    code, out, _ = run("partnership", "load", str(path), "--dry-run")
    assert code == 0 and out.startswith("Dry run, nothing written. Would load agencies: 2 created")
    assert not Agency.objects.filter(code="the-mash").exists()


def test_no_password_link_is_absolute_from_the_configured_site_address_and_carries_no_personal_data(run, settings):
    """`user create --no-password` and `user set-password-link` print the whole link, from OPENMASH_BASE_URL (a
    relative path was of no use to the starter it is sent to); nothing about the person is in it."""
    settings.OPENMASH_BASE_URL = "https://mash.example.gov.uk/"
    args = ["--name", "Jo Starter", "--username", "jo.starter", "--agency", "mash", "--role", "screener"]
    code, out, err = run("user", "create", *args, "--email", "jo@example.gov.uk", "--no-password")
    assert code == 0, err
    link = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert link.startswith("https://mash.example.gov.uk/account/set-password/"), link
    again = run("user", "set-password-link", "--username", "jo.starter")[1].strip()
    assert again.startswith("https://mash.example.gov.uk/account/set-password/"), again
    for piece in ("jo", "starter", "Jo", "example.gov.uk/account/set-password/jo"):
        assert piece not in link.removeprefix("https://mash.example.gov.uk") and piece not in again.split("/account")[1]


def test_without_a_site_address_no_user_is_made_and_the_error_says_what_to_set(run, settings):
    settings.OPENMASH_BASE_URL = ""
    args = ["--name", "Jo Starter", "--username", "jo.starter", "--agency", "mash", "--role", "screener"]
    code, _, err = run("user", "create", *args, "--no-password")
    assert code == 1 and "OPENMASH_BASE_URL" in _one_line(err)
    assert not User.objects.filter(username="jo.starter").exists()


def test_admin_commands_link_to_the_port_the_demo_serves_on(tmp_path, monkeypatch):
    """Practitioners' review: `openmash user create ... --no-password` beside a demo started with `--port 8101`
    printed a link on http://127.0.0.1:8000. The demo records its address in var/; the admin commands read it."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-secret-key").write_text("demo-key-from-var\n")
    for name in ("OPENMASH_SECRET_KEY", "OPENMASH_DEMO", "OPENMASH_DEBUG", "OPENMASH_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "_var_dir", lambda: var)
    monkeypatch.setattr(cli, "_configured", lambda: False)
    assert cli.demo_base_url_write(8101) == "http://127.0.0.1:8101"
    cli._local_environment("user", wants_help=False)
    assert os.environ["OPENMASH_BASE_URL"] == "http://127.0.0.1:8101"
    monkeypatch.setenv("OPENMASH_BASE_URL", "https://mash.example")  # the environment still wins
    cli._demo_environment()
    assert os.environ["OPENMASH_BASE_URL"] == "https://mash.example"
