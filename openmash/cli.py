"""The `openmash` command: Django's manage commands plus a few of our own spelled as the README says.

openmash demo [--seed-only] [--port N]      seed the synthetic partnership and serve it
openmash serve [--port N]                   serve the web app
openmash user create --username U --agency CODE --role ROLE [--password-stdin]
openmash token create --username U          print a new API bearer token
openmash bench frontdoor                    the front-door benchmark
openmash <any manage.py command>            e.g. migrate, makemigrations --check, escalate_overdue
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ALIASES = {("user", "create"): "user_create", ("token", "create"): "token_create"}


def _demo_environment() -> None:
    """Demo mode: embedded SQLite, localhost only, a persistent demo secret under var/ (never committed)."""
    os.environ.setdefault("OPENMASH_DEMO", "true")
    if not os.environ.get("OPENMASH_SECRET_KEY"):
        var = Path(__file__).resolve().parent.parent / "var"
        var.mkdir(exist_ok=True)
        key_file = var / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["OPENMASH_SECRET_KEY"] = key_file.read_text().strip()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        if not argv:
            return
    if argv and argv[0] in ("demo", "bench"):
        _demo_environment()
    if len(argv) >= 2 and (argv[0], argv[1]) in ALIASES:
        argv = [ALIASES[(argv[0], argv[1])], *argv[2:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openmash", *argv])


if __name__ == "__main__":
    main()
