"""`openmash partnership load FILE`: create a partnership's agencies, teams, users and roles from one file.

TOML (.toml), YAML (.yaml/.yml) or JSON (.json). Users carry no passwords: after loading, give each person a
one-time link with `openmash user set-password-link --username U`. Roles wait for a second partnership admin's
approval as on the pages (ADR 0019), except the first partnership admin of a deployment with none. Idempotent and
all-or-nothing; --dry-run checks and reports without writing. Every problem is printed on its own line as FILE:LINE: where: message.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

from django.core.management.base import CommandError

from openmash.accounts.admin_services import SYSTEM, PartnershipFileInvalid, grant_requester, partnership_load
from openmash.accounts.management.base import AdminCommand


def _yaml_load(text: str):
    import yaml

    class LineLoader(yaml.SafeLoader):
        """Records the line each mapping starts on (for line-numbered errors)."""

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            mapping["__line__"] = node.start_mark.line + 1
            return mapping

    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506  # nosec B506  # LineLoader is a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise CommandError(f"{line}not valid YAML/JSON: {getattr(exc, 'problem', None) or exc}") from None


def _toml_load(text: str):
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(f"not valid TOML: {exc}") from None
    # tomllib keeps no positions: item i of [[agencies]] / [[users]] starts at the i-th such header.
    for section in ("agencies", "users"):
        headers = [i + 1 for i, line in enumerate(text.splitlines()) if re.match(rf"^\s*\[\[\s*{section}\s*\]\]", line)]
        items = doc.get(section)
        if isinstance(items, list) and len(headers) == len(items):
            for item, line in zip(items, headers, strict=True):
                if isinstance(item, dict):
                    item["__line__"] = line
    return doc


def read_partnership_file(path: Path):
    """Parse the file by its extension; CommandError (one line) when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _toml_load(text)
    if suffix in (".yaml", ".yml"):
        return _yaml_load(text)
    if suffix == ".json":
        try:
            json.loads(text)  # strict JSON first, for JSON's own error message
        except json.JSONDecodeError as exc:
            raise CommandError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
        return _yaml_load(text)  # then again with line numbers (JSON is YAML)
    raise CommandError(f"{path}: use a .toml, .yaml, .yml or .json file")


class Command(AdminCommand):
    help = "Load agencies, teams, users (no passwords) and roles from a TOML, YAML or JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The partnership file (see docs/operations/partnership-file.md)")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing")
        parser.add_argument(
            "--requested-by",
            default="",
            metavar="USERNAME",
            help="The partnership admin asking for the file's roles (recorded; they can never approve them)",
        )

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            doc = read_partnership_file(path)
        except CommandError as exc:
            msg = str(exc)
            raise CommandError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None
        requester = grant_requester(opts["requested_by"])
        try:
            report = partnership_load(actor=SYSTEM, document=doc, dry_run=opts["dry_run"], requested_by=requester)
        except PartnershipFileInvalid as exc:
            for line, where, message in exc.problems:
                sys.stderr.write(f"{path}:{line or '-'}: {where}: {message}\n")
            raise CommandError(f"{len(exc.problems)} problem(s) in {path}; nothing was loaded.") from None
        prefix = "Dry run, nothing written. Would load " if opts["dry_run"] else "Loaded "
        self.stdout.write(prefix + report.summary() + ".")
        if report.memberships["pending"]:
            self.stdout.write(
                f"{report.memberships['pending']} role(s) wait for a second partnership admin's approval (only the "
                "first partnership admin of a new deployment is given at once): list them with `openmash user "
                "grants`, approve on the approvals page or with `openmash user approve-grant ID --by USERNAME`."
            )
        if report.new_usernames and not opts["dry_run"]:
            self.stdout.write(
                "New users have no password yet: give each a one-time link with "
                "`openmash user set-password-link --username USERNAME` (" + ", ".join(report.new_usernames) + ")."
            )
