"""`openmash flags export --as-of YYYY-MM-DD --out flags.csv`: evaluate as at the date (as `flags evaluate` does,
new entries read first) and write one row per flagged child (ADR 0015; issue 8's contract):

- ``record_ids``: the feed record ids (``AgencyRecord.local_id``) of every agency record of the child, sorted,
  ``;``-separated;
- ``agencies``: the codes of the agencies its explanation names, sorted, ``;``-separated;
- ``explanation``: plain text: the rules that fired, then each contributing event with its agency, date and
  evidence, in time order.

Children without a pattern are absent. Cells are neutralised against formula injection. The file holds personal
data: it is written with mode 0600 and refused if it exists (unless --force)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from django.core.management.base import CommandError

from openmash.accounts.admin_services import SYSTEM
from openmash.accounts.management.base import AdminCommand
from openmash.patterns.evaluation import flags_evaluate
from openmash.patterns.export import export_rows
from openmash.patterns.management.commands.flags_evaluate import as_of_date
from openmash.patterns.reading import entries_read

COLUMNS = ("record_ids", "agencies", "explanation")


class Command(AdminCommand):
    help = "Write one row per flagged child as at a date: record_ids, agencies, explanation."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="Evaluate as at this date (YYYY-MM-DD; default today)")
        parser.add_argument("--out", required=True, help="The CSV file to write")
        parser.add_argument("--force", action="store_true", help="Overwrite the file if it exists")

    def handle(self, *args, **opts):
        as_of = as_of_date(opts["as_of"])
        out = Path(opts["out"])
        if out.exists() and not opts["force"]:
            raise CommandError(f"{out.name} exists: choose another file or add --force")
        entries_read()
        result = flags_evaluate(as_of=as_of, actor=SYSTEM)
        rows = export_rows(result)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(out, flags, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        self.stdout.write(f"Wrote {len(rows)} flagged children as at {as_of.isoformat()} to {out.name}.")
