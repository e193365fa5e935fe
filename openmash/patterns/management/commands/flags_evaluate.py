"""`openmash flags evaluate --as-of YYYY-MM-DD`: read the chronology entries not read yet into indicators, then
evaluate every active rule for every child as at that date (events after it are ignored) and bring the flags in
line (ADR 0015). Prints the counts. Exit status 0, or 1 with one line on standard error."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from openmash.accounts.admin_services import SYSTEM
from openmash.accounts.management.base import AdminCommand
from openmash.patterns.evaluation import flags_evaluate
from openmash.patterns.reading import entries_read


def as_of_date(text: str | None) -> dt.date:
    """The --as-of date (YYYY-MM-DD; today when absent). Raises CommandError."""
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError("--as-of: give a date as YYYY-MM-DD, e.g. 2025-06-30") from None


class Command(AdminCommand):
    help = "Read new chronology entries into indicators and evaluate every pattern rule as at a date."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="Evaluate as at this date (YYYY-MM-DD; default today)")

    def handle(self, *args, **opts):
        as_of = as_of_date(opts["as_of"])
        read = entries_read()
        result = flags_evaluate(as_of=as_of, actor=SYSTEM)
        self.stdout.write(f"Read {read.entries} new entries: {read.indicators} indicators.")
        self.stdout.write(
            f"Evaluated {result.children} children as at {as_of.isoformat()}: {result.flagged} flagged "
            f"({result.raised} new, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.kept_decided} already decided); {result.withdrawn} withdrawn."
        )
