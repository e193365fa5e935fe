"""`openmash import FEED FILE [--agency CODE] [--dry-run] [--skip-bad-rows] [--encoding ENC]`: import an agency's
extract (CSV, XLSX or a FHIR R4 bundle) through a feed mapping. `openmash import --batch ID` runs an import
uploaded in the browser and left pending (OPENMASH_IMPORT_RUNNER=subprocess or none).

Prints a progress bar (to standard error, when it is a terminal), then the validation report, one problem a line
as `row N, FIELD: reason`, and the counts. Exit status 0 when the file was imported (or checked, or already
imported), 1 when it was refused or failed: nothing was written then.

After a successful import it scores the records due (``openmash.matching.scoring.records_due_score``: the import's
records and every intake record stored since the last run, ADR 0009), unless ``--no-score`` is given or
OPENMASH_SCORE_AFTER_IMPORT is off.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import CommandError
from django.template.defaultfilters import pluralize

from openmash.accounts.admin_services import SYSTEM
from openmash.accounts.management.base import AdminCommand
from openmash.feeds.choices import BatchStatus, unmapped_types_wording
from openmash.feeds.models import ImportBatch
from openmash.feeds.runner import spool_path
from openmash.feeds.services import batch_matching_record, batch_start, feed_import
from openmash.matching.scoring import records_due_score

SHOWN_PROBLEMS = 200
#: What the summary line says of a batch that finished before any row was read.
_NOTHING_READ = {
    BatchStatus.REFUSED: "The file was refused before any row was read (the reason follows).",
    BatchStatus.FAILED: "The import failed before any row was read (the reason follows).",
    BatchStatus.ALREADY_IMPORTED: "The same file was imported before: no row was read again and nothing changed.",
}


class _Bar:
    """A tqdm bar per phase (bytes or rows), on standard error; silent when it is not a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.phase = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.quiet or (done == 0 and total is None):
            return
        from tqdm import tqdm

        if phase != self.phase:
            self.close()
            label = {"validate": "Checking", "write": "Importing"}[phase]
            unit_bytes = phase == "validate" and total is not None and total > 0 and self._bytes
            self.bar = tqdm(
                total=total,
                desc=label,
                unit="B" if unit_bytes else "rows",
                unit_scale=True,
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
            )
            self.phase = phase
        self.bar.n = done
        if total is not None:
            self.bar.total = total
        self.bar.refresh()

    _bytes = True

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(AdminCommand):
    help = "Import an agency's extract through a feed mapping (CSV, XLSX, FHIR R4); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("feed", nargs="?", help="Feed mapping code, e.g. standard, fhir-r4")
        parser.add_argument("file", nargs="?", help="The extract: .csv, .xlsx or .json (FHIR bundle)")
        parser.add_argument("--agency", help="Code of the agency whose extract it is, e.g. police")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the rest")
        parser.add_argument("--encoding", help="The CSV's text encoding, e.g. cp1252 (detected when absent)")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")
        parser.add_argument("--batch", help="Run an import uploaded in the browser and left pending (its id)")
        parser.add_argument(
            "--no-score",
            action="store_true",
            help="Do not score the records due afterwards (openmash link records does it later)",
        )

    def handle(self, *args, **opts):
        quiet = opts["no_progress"] or not sys.stderr.isatty()
        bar = _Bar(quiet)
        if opts["batch"]:
            batch = self._pending(opts["batch"])
            path = spool_path(batch)
            # audited as the user who uploaded it (the browser's page follows the progress file feed_import keeps)
            actor = SimpleNamespace(user=batch.started_by, membership=None, username=batch.started_by_label)
        else:
            if not opts["feed"] or not opts["file"]:
                raise CommandError("give the feed and the file: openmash import FEED FILE --agency CODE")
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path.name}")
            actor = SYSTEM
            batch = batch_start(
                actor=actor,
                feed_code=opts["feed"],
                agency_code=opts["agency"],
                file_name=path.name,
                dry_run=opts["dry_run"],
                skip_bad_rows=opts["skip_bad_rows"],
            )
        bar._bytes = path.suffix.lower() in (".csv", ".txt", ".tsv")
        try:
            encoding = opts["encoding"] or (batch.encoding if opts["batch"] else None) or None
            batch = feed_import(actor=actor, path=path, batch=batch, encoding=encoding, progress=bar)
        finally:
            bar.close()
            if opts["batch"]:
                path.unlink(missing_ok=True)
        self._report(batch)
        if batch.status in (BatchStatus.REFUSED, BatchStatus.FAILED):
            raise CommandError(batch.report.get("message", "not imported"))
        if batch.status == BatchStatus.DONE and settings.OPENMASH_SCORE_AFTER_IMPORT and not opts["no_score"]:
            # the import's records and every intake record stored since the last run (ADR 0009)
            summary = records_due_score(None)
            batch_matching_record(batch, summary)
            self.stdout.write(
                f"Scored {summary.records} records: {summary.confirmed} joined automatically, "
                f"{summary.proposed} sent to the review queue."
            )
        if batch.status == BatchStatus.DONE and settings.OPENMASH_FLAGS_AFTER_IMPORT:
            from openmash.patterns.services import after_import

            done = after_import(batch)  # never raises: a failure is logged, the import stands (ADR 0015)
            if done is not None:
                self.stdout.write(
                    f"Patterns: {done['indicators']} indicators read; {done['children']} children evaluated, "
                    f"{done['raised']} new flags."
                )
            else:
                self.stdout.write("Patterns: not evaluated (see the log); `openmash flags evaluate` catches up.")

    def _pending(self, batch_id: str) -> ImportBatch:
        batch = (
            ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).first() if len(batch_id) == 36 else None
        )
        if batch is None:
            raise CommandError("no pending import batch has that id")
        return batch

    def _report(self, batch: ImportBatch) -> None:
        report = batch.report
        problems = report.get("problems", [])
        for p in problems[:SHOWN_PROBLEMS]:
            where = f"row {p['row']}" if p["row"] else "file"
            level = "" if p.get("level", "error") == "error" else " (warning)"
            self.stdout.write(f"{where}, {p['field']}: {p['reason']}{level}")
        more = report.get("problem_count", 0) - min(len(problems), SHOWN_PROBLEMS)
        if more > 0:
            self.stdout.write(
                f"... and {more} more problem{pluralize(more)} (all of them: the batch's report in the browser)"
            )
        for type_text, count in list(report.get("unmapped_types", {}).items())[:20]:
            wording = unmapped_types_wording(batch.status)
            self.stdout.write(f"event type not in the mapping, {wording} other: {type_text} ({count} rows)")
        if batch.rows_total or batch.status not in _NOTHING_READ:
            self.stdout.write(
                f"batch {batch.pk}: {batch.get_status_display()}. {batch.rows_total} row{pluralize(batch.rows_total)} "
                f"read, {batch.rows_bad} with errors."
            )
        else:
            # refused before any row was read, or the same file already imported: "0 rows read, 0 with errors" said
            # nothing (review finding 16); say what happened (a refusal's reason is the command's error line)
            self.stdout.write(f"batch {batch.pk}: {batch.get_status_display()}. {_NOTHING_READ[batch.status]}")
        if batch.status not in (BatchStatus.REFUSED, BatchStatus.FAILED):
            self.stdout.write(report.get("message", ""))
