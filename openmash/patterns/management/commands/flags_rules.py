"""`openmash flags rules export --out rules.yaml` writes the current version of every pattern rule as a rules file;
`openmash flags rules load FILE` stores a rules file (idempotent: an unchanged rule stays as it is, a changed one
becomes a new version, earlier versions kept). The shipped rules: openmash/patterns/rules/default.yaml."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError

from openmash.accounts.admin_services import SYSTEM
from openmash.accounts.management.base import AdminCommand
from openmash.patterns.rules import rules_export_text, rules_from_text, rules_load


class Command(AdminCommand):
    help = "Export or load the partnership's pattern rules (a YAML file)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "load"])
        parser.add_argument("file", nargs="?", help="load: the rules file")
        parser.add_argument("--out", help="export: the file to write")
        parser.add_argument("--force", action="store_true", help="export: overwrite the file if it exists")

    def handle(self, *args, **opts):
        if opts["action"] == "export":
            if not opts["out"]:
                raise CommandError("give the file to write: --out rules.yaml")
            out = Path(opts["out"])
            if out.exists() and not opts["force"]:
                raise CommandError(f"{out.name} exists: choose another file or add --force")
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(rules_export_text())
            self.stdout.write(f"Wrote the pattern rules to {out.name}.")
            return
        if not opts["file"]:
            raise CommandError("give the rules file: openmash flags rules load FILE")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path.name}")
        specs = rules_from_text(path.read_text(encoding="utf-8"))
        counts = rules_load(specs, actor=SYSTEM)
        self.stdout.write(
            f"Loaded {len(specs)} rules: {counts['created']} new, {counts['versioned']} changed (a new version each), "
            f"{counts['unchanged']} unchanged."
        )
