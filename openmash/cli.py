"""The `openmash` command: Django's manage commands plus a few of our own spelled as the README says.

Getting started
  openmash demo [--seed-only] [--port N] [--reset]   seed the synthetic partnership and serve it
  openmash serve [--port N]                          serve the web app (gunicorn)

Setting up a partnership (works against the demo database after `make demo` with no configuration)
  openmash partnership load FILE [--dry-run]         load agencies, teams, users and roles from a TOML/JSON/YAML file
  openmash agency create --code C --name N --type T --source-code S [--hub]
  openmash agency deactivate --code C --reason R
  openmash team create --agency C --name N
  openmash user create --username U --name N --agency C --role R [--team T] [--password-stdin | --no-password]
                                                     the role waits for a second partnership admin (not the first admin)
  openmash user grants                                roles waiting for approval, with their ids
  openmash user approve-grant ID --by U --code C [--password-stdin] [--reject]
                                                     a different active partnership admin, with their password and
                                                     authenticator app code, decides a waiting role
  openmash user set-password-link --username U        print a one-time link for the user to set a password
  openmash user deactivate --username U --reason R    a leaver: no sign-in, no API token
  openmash user unlock --username U                   clear a sign-in lockout
  openmash token create --username U                  print a new API bearer token (shown once)
  openmash token list [--username U] | openmash token revoke PREFIX

Agency data feeds
  openmash import FEED FILE --agency CODE [--dry-run] [--skip-bad-rows] [--encoding ENC]
                                                     import an extract (CSV, XLSX, FHIR R4) through a feed mapping
  openmash demo extracts --out DIR                   write a synthetic police and health extract for the demo
  openmash demo code USERNAME                        print a demo user's current 6-digit sign-in code (demo only)

Patterns across agencies (flags never decide: they ask the hub to look)
  openmash flags evaluate [--as-of DATE]             read new events into indicators, evaluate every rule
  openmash flags export --as-of DATE --out F.csv     one row per flagged child: record_ids, agencies, explanation
  openmash flags rules export --out F                the pattern rules as a YAML file
  openmash flags rules load F --by ADMIN             load one as a partnership admin (exit 3: a change waits)
  openmash flags deprivation load F.csv --source T   the postcode -> IMD decile lookup (disparity monitoring)

Operating
  openmash escalate_overdue                          escalate overdue agency requests
  openmash search rebuild [--check]                  recompute the person search index (after a bulk load)
  openmash dbstats                                   refresh SQLite's planner statistics (serve: hourly)
  openmash keys generate --out FILE                  a new key file (field, audit MAC and signing keys; mode 0600)
  openmash keys rotate [--resume] | keys status | keys retire VERSION
                                                     field encryption keys: new version + re-encrypt, counts, remove
  openmash bench frontdoor [--quick]                 the front-door benchmark (100k people, in process)
  openmash bench load [--duration S] [--users N]     load run against `openmash serve` on loopback
  openmash bench lookup [--people N] [--database D]  one intake lookup against 1,000,000 indexed people
  openmash bench import [--rows N]                   import a generated 1,000,000-row extract: rows/s, peak RSS
  openmash bench linkage [--sizes 10000,100000]      our matching engine beside Splink on generated people
  openmash bench audit [--events N]                  write N audit events, then time `audit verify`
  openmash bench flags [--only CODES] [--speed]      the safeguarding scenarios through import + flags, scored
  openmash bench flags-speed [--children N]          time a full flags evaluation and one after a 10,000-event import
  openmash bench reader [--events N]                 the indicator reader's events a second (one core)
  openmash oversight overdue [--fail-if-any]         how many break-glass alerts are overdue for review (count only)
  openmash audit seal | checkpoint | verify [--checkpoints FILE]
                                                     the tamper-evident audit trail: seal, sign, verify
  openmash db app-role NAME [--password-stdin]       the app's least-privilege PostgreSQL role
  openmash <any Django manage command>               e.g. migrate, makemigrations --check

Record linkage (batch files; needs no configuration or database)
  openmash link dedupe INPUT.csv --out PAIRS.csv [--all]    pairs of records of one person within a file
  openmash link pair A.csv B.csv --out PAIRS.csv [--all]    pairs across two files

Person matching in the partnership's database
  openmash link train [--sample N]                   train the matching model (EM) on the agency records
  openmash link records [--since DATE]               score records not yet scored: join clear matches, queue others

`openmash GROUP --help` lists a group's commands; `openmash GROUP COMMAND --help` shows a command's options.
Every error is one line on standard error and a non-zero exit status (add --traceback to see the traceback).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# openmash GROUP COMMAND -> the Django management command that does it, with a one-line summary for `GROUP --help`.
GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "user": {
        "create": ("user_create", "create a user with a membership (agency + role)"),
        "set-password-link": ("user_set_password_link", "print a one-time link for the user to set a password"),
        "deactivate": ("user_deactivate", "deactivate a user (a leaver)"),
        "unlock": ("user_unlock", "clear a sign-in lockout for a username"),
        "grants": ("user_grants", "list the roles waiting for a second partnership admin's approval"),
        "approve-grant": (
            "user_approve_grant",
            "approve (or --reject) a waiting role as a different partnership admin",
        ),
    },
    "token": {
        "create": ("token", "create an API bearer token and print it once"),
        "list": ("token", "list API tokens (prefix, owner, expiry, status; never the token)"),
        "revoke": ("token", "revoke an API token by its prefix or id"),
    },
    "agency": {
        "create": ("agency_create", "create (or update) an agency"),
        "deactivate": ("agency_deactivate", "deactivate an agency: its users can no longer sign in"),
    },
    "team": {"create": ("team_create", "create a team in an agency")},
    "partnership": {"load": ("partnership_load", "load agencies, teams, users and roles from a file")},
    "search": {"rebuild": ("search", "recompute the person search index (--check: count out-of-date people)")},
    "audit": {
        "seal": ("audit_seal", "seal the audit events not yet in the hash chain (serve: every minute)"),
        "checkpoint": ("audit_checkpoint", "sign a checkpoint of the chain into the checkpoint file (serve: 5 min)"),
        "verify": ("audit_verify", "verify every event's MAC, the chain and the signed checkpoints"),
    },
    "flags": {
        "evaluate": (
            "flags_evaluate",
            "read new events into indicators and evaluate every pattern rule (--as-of DATE)",
        ),
        "export": ("flags_export", "one row per flagged child as at a date (--as-of DATE --out flags.csv)"),
        "rules": (
            "flags_rules",
            "export the pattern rules (rules export --out F) or load a file (rules load F --by ADMIN)",
        ),
        "deprivation": (
            "flags_deprivation",
            "load the postcode to IMD decile lookup (deprivation load F.csv --source T)",
        ),
    },
    "oversight": {
        "overdue": ("oversight_overdue", "how many break-glass alerts are overdue for review (a count only)"),
    },
    "db": {"app-role": ("db_app_role", "create/update the app's least-privilege PostgreSQL role (audit: INSERT only)")},
    "keys": {
        "generate": ("keys", "write a new key file (--out FILE; refuses to overwrite; needs no configuration)"),
        "rotate": ("keys", "add a field key version and re-encrypt every encrypted column (--resume: carry on)"),
        "status": ("keys", "encrypted cells per key version per column"),
        "retire": ("keys", "remove an old field key version no cell uses any more"),
    },
}
# Commands whose own argument parsing handles sub-commands (bench frontdoor | bench load | bench lookup).
DEMO_COMMANDS = ("demo", "bench")
# Two-word commands (and `import`, a Python keyword, so not a module name) -> the Django command that does them.
ALIASES: dict[tuple[str, ...], str] = {
    ("bench", "load"): "bench_load",
    ("bench", "lookup"): "bench_lookup",
    ("bench", "import"): "bench_import",
    ("bench", "audit"): "bench_audit",
    ("bench", "flags"): "bench_flags",
    ("bench", "flags-speed"): "bench_flags_speed",
    ("bench", "reader"): "bench_reader",
    ("demo", "extracts"): "demo_extracts",
    ("demo", "code"): "demo_code",
    ("import",): "feed_import",
    ("link", "train"): "link_train",
    ("link", "records"): "link_records",
}
# `openmash link train|records` work on the database; the other `link` commands are the framework-free engine's.
LINK_DATABASE_COMMANDS = ("train", "records")
# Commands that, like the groups, use the demo's database after `make demo` when nothing is configured.
ADMIN_COMMANDS = ("import", "link")
EXIT_USAGE = 2


def _var_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "var"


#: Where `openmash demo --port N` writes the address it serves (http://127.0.0.1:N), under var/, so the
#: administration commands run against the demo print links on the port the demo really uses.
DEMO_BASE_URL_FILE = "demo-base-url"


def demo_base_url_write(port: int) -> str:
    """Record the demo's address (http://127.0.0.1:PORT) in var/demo-base-url; returns it."""
    url = f"http://127.0.0.1:{int(port)}"
    var = _var_dir()
    var.mkdir(exist_ok=True)
    (var / DEMO_BASE_URL_FILE).write_text(url + "\n")
    return url


def _demo_environment() -> None:
    """Demo mode: embedded SQLite, localhost only, a persistent demo secret under var/ (never committed), and the
    site address the demo last served on (var/demo-base-url, written by `openmash demo --port N`) unless the
    environment sets OPENMASH_BASE_URL."""
    os.environ.setdefault("OPENMASH_DEMO", "true")
    url_file = _var_dir() / DEMO_BASE_URL_FILE
    if not os.environ.get("OPENMASH_BASE_URL") and url_file.is_file():
        url = url_file.read_text().strip()
        if url.startswith("http://127.0.0.1:"):
            os.environ["OPENMASH_BASE_URL"] = url
    if not os.environ.get("OPENMASH_SECRET_KEY"):
        var = _var_dir()
        var.mkdir(exist_ok=True)
        key_file = var / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["OPENMASH_SECRET_KEY"] = key_file.read_text().strip()
    _demo_keys()


def _demo_keys() -> None:
    """Demo mode: the field encryption and audit keys (openmash.core.keys) in a key file under var/, made on first
    run (mode 0600, never committed), unless the environment names keys of its own."""
    if os.environ.get("OPENMASH_KEY_FILE") or os.environ.get("OPENMASH_FIELD_KEYS"):
        return
    var = _var_dir()
    var.mkdir(exist_ok=True)
    path = var / "demo-keys.json"
    if not path.exists():
        from openmash.core.keys import key_file_data_new, key_file_write

        key_file_write(path, key_file_data_new())
    os.environ["OPENMASH_KEY_FILE"] = str(path)


def _configured() -> bool:
    """True when the environment (or the local .env file, which config.env loads) gives a secret key or debug."""
    import config.env  # noqa: F401  (loads .env into the environment without overriding it)

    return bool(os.environ.get("OPENMASH_SECRET_KEY")) or os.environ.get("OPENMASH_DEBUG", "").lower() in (
        "1",
        "true",
        "yes",
        "on",
    )


def _local_environment(command: str, wants_help: bool) -> None:
    """Choose the configuration when the environment gives none.

    - `demo` and `bench` always run in demo mode (their own database, localhost, a key kept in var/);
    - after `make demo` (var/demo-secret-key exists) the administration commands (user, token, agency, team,
      partnership) use the demo configuration, the same database and key `openmash demo` uses, so `openmash user
      create` works on the demo straight away;
    - `--help` needs no configuration at all (a throw-away key, nothing is read or written).
    Everything else (serve, check, migrate...) is never switched to demo mode silently: a deployment configures it.
    """
    if command in DEMO_COMMANDS:
        _demo_environment()
        return
    if _configured():
        return
    if (command in GROUPS or command in ADMIN_COMMANDS) and (_var_dir() / "demo-secret-key").is_file():
        _demo_environment()
    elif wants_help:
        os.environ["OPENMASH_SECRET_KEY"] = secrets.token_urlsafe(50)
        os.environ.setdefault("OPENMASH_ALLOWED_HOSTS", "localhost")


def _fail(message: str, code: int = 1) -> None:
    print(f"openmash: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _group_help(group: str) -> None:
    print(f"usage: openmash {group} COMMAND [options]\n\ncommands:")
    for sub, (_, summary) in GROUPS[group].items():
        print(f"  {sub:<20} {summary}")
    print(f"\n`openmash {group} COMMAND --help` shows a command's options.")


def _resolve(argv: list[str]) -> list[str] | None:
    """Translate `GROUP COMMAND args` to `django_command args`; None when the group's help was printed."""
    group = argv[0]
    for words, name in ALIASES.items():
        if tuple(argv[: len(words)]) == words:
            return [name, *argv[len(words) :]]
    if group not in GROUPS:
        return argv
    if len(argv) == 1 or argv[1] in ("-h", "--help", "help"):
        _group_help(group)
        return None
    sub = argv[1]
    if sub not in GROUPS[group]:
        _fail(f"unknown command 'openmash {group} {sub}' (choose from: {', '.join(GROUPS[group])})", EXIT_USAGE)
    name = GROUPS[group][sub][0]
    # A Django command named after the group takes the sub-command itself (`token create|list|revoke`).
    return [name, sub, *argv[2:]] if name == group else [name, *argv[2:]]


def _setup_django() -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        hint = "" if (_var_dir() / "demo-secret-key").is_file() else " (or run `make demo` to try the demo)"
        _fail(f"{str(exc).splitlines()[0]} Set it in the environment or a .env file{hint}.")


def _check_command_exists(name: str) -> None:
    from django.core.management import get_commands

    if name not in get_commands() and name not in ("help", "version", "--version"):
        _fail(f"unknown command '{name}' (run `openmash --help` for the list)", EXIT_USAGE)


def _without_django(argv: list[str]) -> None:
    """Run (and exit) the commands that need no Django, configuration or database: the linkage engine's and
    `keys generate` (a key file is made before anything is configured). Returns for every other command."""
    database_link = argv[0] == "link" and len(argv) > 1 and argv[1] in LINK_DATABASE_COMMANDS
    if argv[:2] == ["keys", "generate"]:
        from openmash.core.keytool import main as keytool_main

        raise SystemExit(keytool_main(argv[2:]))
    if (argv[0] == "link" and not database_link) or argv[:2] == ["bench", "linkage"]:
        if argv[0] == "link":
            from linkage.cli import main as link_main

            raise SystemExit(link_main(argv[1:], prog="openmash link"))
        from linkage.bench import main as bench_main

        raise SystemExit(bench_main(argv[2:], prog="openmash bench linkage"))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `openmash` script. argv: the arguments after the program name. Exits non-zero with one
    line on standard error on any failure (configuration, usage, validation, database)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print(__doc__)
        return
    _without_django(argv)
    resolved = _resolve(argv)
    if resolved is None:
        return
    wants_help = any(a in ("-h", "--help") for a in resolved)
    show_traceback = "--traceback" in resolved
    _local_environment(argv[0], wants_help)
    _setup_django()
    _check_command_exists(resolved[0])
    from django.core.management import execute_from_command_line
    from django.core.management.base import CommandError

    try:
        # --traceback lets a command's CommandError reach the handler below, so it reads like every other error
        # ("openmash: error: ..."), not Django's "CommandError: ..." (practitioner review); shown only if asked.
        name, *rest = resolved
        plain = show_traceback or name.startswith("-") or name in ("help", "version")
        execute_from_command_line(["openmash", name, *([] if plain else ["--traceback"]), *rest])
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except SystemExit:
        raise
    except CommandError as exc:
        if show_traceback:
            raise
        alias = next((list(w) for w in ALIASES if tuple(argv[: len(w)]) == w), None)
        words = alias or (argv[:2] if argv[0] in GROUPS and len(argv) > 1 else argv[:1])
        message = (str(exc).strip().splitlines() or ["failed"])[0]
        print(f"openmash {' '.join(words)}: error: {message}", file=sys.stderr)
        raise SystemExit(exc.returncode) from None
    except Exception as exc:  # one line for the operator; --traceback shows the rest
        if show_traceback:
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        hint = ""
        if "no such table" in first or ("relation" in first and "does not exist" in first):
            hint = " (has `openmash migrate` been run on this database?)"
        _fail((f"{type(exc).__name__}: {first}" if first else type(exc).__name__) + hint)


def run() -> None:
    """The console script: main() with a closed pipe (`openmash --help | head`) ending quietly."""
    try:
        main()
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None


if __name__ == "__main__":
    run()
