"""`openmash link records [--since DATE]`: score the agency records not scored yet against the partnership's others.

Records never scored, or received (superseded by a later extract) after they were last scored, are scored in chunks
(``openmash.matching.scoring.records_score``: each chunk in its own transaction, so memory stays bounded and an
interrupted run resumes where it stopped). Above the partnership's upper threshold links are confirmed; between the
thresholds they go to the review queue. A progress bar goes to standard error when it is a terminal; the summary to
standard output.
"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import CommandError
from django.utils import timezone

from openmash.accounts.management.base import AdminCommand
from openmash.matching.scoring import records_due, records_due_ids, records_score


def _since(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since {text!r} is not a date like 2026-11-30") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(AdminCommand):
    help = "Score agency records not yet scored (Fellegi-Sunter): join clear matches, queue the borderline for review."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only records received on or after this date (YYYY-MM-DD, local time)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, since=None, quiet=False, **options):
        start = _since(since)
        total = records_due(since=start).count()
        bar = None
        if total and not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(
                total=total, desc="Scoring", unit="records", file=sys.stderr, dynamic_ncols=True, mininterval=0.5
            )

        def progress(done: int) -> None:
            if bar is not None:
                bar.n = done
                bar.refresh()

        try:
            summary = records_score(records_due_ids(since=start), None, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            f"Scored {summary.records} records ({summary.pairs} candidate pairs): "
            f"{summary.confirmed} joined automatically, {summary.proposed} sent to the review queue."
        )
