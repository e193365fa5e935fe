"""`openmash flags rules export --out rules.yaml` writes the current version of every pattern rule as a rules file;
`openmash flags rules load FILE --by USERNAME` loads a rules file as a partnership admin, who proves it is them
(their password, --password-stdin or asked at the terminal, and the current code of their authenticator app,
--code), under the same dual control as a change on the rule's page (ADR 0019 addendum): an unchanged rule stays
as it is; a new rule, a title or description, switching a rule on and any change to a rule not in use apply at once
(a new version each, earlier versions kept); switching an active rule off or changing an active rule's parameters
waits for another partnership admin (a setting change, listed with its reference; the evaluator keeps the approved
version). Exit 0 when everything was applied, 3 when one or more changes wait, 1 on a refusal or a bad file.
The shipped rules: openmash/patterns/rules/default.yaml."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from django.core.management.base import CommandError

from openmash.accounts.admin_services import SYSTEM, cli_admin_acting
from openmash.accounts.management.base import AdminCommand
from openmash.patterns.rule_editing import rules_file_load
from openmash.patterns.rules import rules_export_text, rules_from_text

#: The exit status when the file was loaded but one or more changes wait for a second partnership admin.
EXIT_PENDING = 3
COMMAND = "flags rules load"


class Command(AdminCommand):
    help = (
        "Export the partnership's pattern rules (a YAML file), or load one as a partnership admin (--by) who proves "
        "it is them; a change that switches an active rule off or changes its parameters waits for a second admin "
        f"(exit {EXIT_PENDING})."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "load"])
        parser.add_argument("file", nargs="?", help="load: the rules file")
        parser.add_argument("--out", help="export: the file to write")
        parser.add_argument("--force", action="store_true", help="export: overwrite the file if it exists")
        parser.add_argument("--by", default="", metavar="USERNAME", help="load: the partnership admin loading it")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="load: read that admin's password from standard input (else it is asked at the terminal)",
        )
        parser.add_argument("--code", default="", help="load: the current 6-digit code from their authenticator app")

    def _export(self, opts) -> None:
        if not opts["out"]:
            raise CommandError("give the file to write: --out rules.yaml")
        out = Path(opts["out"])
        if out.exists() and not opts["force"]:
            raise CommandError(f"{out.name} exists: choose another file or add --force")
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(rules_export_text())
        self.stdout.write(f"Wrote the pattern rules to {out.name}.")

    def handle(self, *args, **opts):
        if opts["action"] == "export":
            self._export(opts)
            return
        if not opts["file"]:
            raise CommandError("give the rules file: openmash flags rules load FILE --by USERNAME")
        if not opts["by"]:
            raise CommandError(
                "give the partnership admin loading the rules: --by USERNAME (they prove it is them with their "
                "password and authenticator app code; ADR 0019)"
            )
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path.name}")
        specs = rules_from_text(path.read_text(encoding="utf-8"))  # a bad file is refused before any password
        password, code = self._proof(opts)
        axes_log = logging.getLogger("axes")  # one line on a refusal (the failure is audited and counted anyway)
        level = axes_log.level
        axes_log.setLevel(logging.ERROR)
        try:
            actor = cli_admin_acting(
                by=opts["by"], password=password, code=code, command=COMMAND, object_type="patterns.patternrule"
            )
        finally:
            axes_log.setLevel(level)
        report = rules_file_load(actor=actor, specs=specs, detail={"via": "cli", "operator": SYSTEM.username})
        if report.shipped:
            self.stdout.write(
                f"The database held no rules: stored the {report.shipped} shipped rules first (what was evaluated)."
            )
        self.stdout.write(
            f"Loaded {len(specs)} rules as {opts['by']}: {len(report.created)} new, {len(report.changed)} changed "
            f"(a new version each), {len(report.pending)} waiting for a second admin, {report.unchanged} unchanged."
        )
        if not report.pending:
            return
        for change in report.pending:
            self.stdout.write(f"Waiting: {change.reference} {change.summary}")
        self.stdout.write(
            f"{len(report.pending)} change(s) wait for another partnership admin's approval in Partnership settings "
            "(Changes waiting for a second admin); the approved versions are evaluated until then."
        )
        self.stdout.flush()
        sys.exit(EXIT_PENDING)
