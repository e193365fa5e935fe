"""Importing an agency's file: two streaming passes, all or nothing (ADR 0006).

`feed_import(...)` is the one entry point, for the command line and the browser alike:

1. **Check the feed and the file** (`readers.file_inspect`): an unknown feed or agency, a file that is empty, not
   what its name claims, a likely zip bomb, in an encoding that cannot be read. The same file (SHA-256) already
   imported for the same agency and feed changes nothing and says so.
2. **Validate** (first pass, read-only): every row is checked (`validate.row_clean`) and every problem listed
   (row, field, reason). Nothing is written. With errors, the import stops here (status ``refused``) unless
   ``skip_bad_rows``, when the rows without errors are imported and the rest reported.
3. **Write** (second pass): in one database transaction, in chunks of ``OPENMASH_IMPORT_CHUNK_ROWS`` rows: the
   agency records through `writer.RecordWriter` (the one place records are created), then one
   `ChronologyEntry` per event (kind ``event``, the agency, ``occurred_at`` = the event date at local midnight
   Europe/London stored as UTC, or its date and time when the source gave a time, ``time_known`` saying which),
   the record, ``source`` = ``<agency code>:<feed code>``, ``external_id``, the
   event kind, the agency's type text and the sensitivity), against the record's origin person. An event already
   held (same source and external id) is not written again. Any failure rolls the whole pass back. A dry run
   does the whole pass and rolls it back, so its counts are exact.

One audit event (``import``) per batch, with the counts and no personal data. Memory is bounded by the chunk
size plus the set of record ids seen (measured in README, `openmash bench import`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from openmash.accounts.models import Agency
from openmash.audit.services import audit_record
from openmash.core.bulk import rows_insert
from openmash.core.exceptions import ValidationFailed
from openmash.core.text import datetime_long
from openmash.feeds.choices import BatchStatus, EventKind
from openmash.feeds.mapping import FeedSpec, feed_spec_get, type_key
from openmash.feeds.models import ImportBatch
from openmash.feeds.readers import FileProblem, Problem, file_inspect, reader_for
from openmash.feeds.validate import CleanRow, row_clean
from openmash.feeds.writer import RecordWriter
from openmash.people.linking import records_reconcile_identifiers
from openmash.people.models import ChronologyEntry

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
MAX_PROBLEMS_KEPT = 1000  # problems stored with the batch and shown; the count covers them all
MAX_UNMAPPED_KEPT = 200
Progress = Callable[[str, int, int | None], None]  # (phase "validate" | "write", done, total or None)


class ImportStopped(Exception):
    """Pass 2 met a row that pass 1 had accepted (the file changed while it was being imported)."""


def _no_progress(phase: str, done: int, total: int | None) -> None:
    return None


def occurred_at(day: dt.date, time: dt.time | None = None) -> dt.datetime:
    """The instant an imported event stands for: its date and time in Europe/London, or local midnight when the
    source gave a date only (aware, UTC on save; the entry's ``time_known`` is then False so nothing shows that
    midnight as a time). UK clocks change at 01:00, so midnight always exists and is never ambiguous."""
    return dt.datetime.combine(day, time or dt.time(0, 0), tzinfo=LONDON)


def source_code(batch: ImportBatch) -> str:
    """The chronology ``source`` of a batch's events: ``<agency code>:<feed code>`` (batch_start refuses codes
    whose pair would not fit the column's 40 characters), so external ids are unique per agency and feed."""
    return f"{batch.agency.code}:{batch.feed_code}"


def _agency(code: str | None) -> Agency:
    if not code:
        raise ValidationFailed(
            "Say whose extract this is", errors={"agency": ["Give the agency whose extract this is (--agency CODE)"]}
        )
    agency = Agency.objects.filter(code=code, active=True).first()
    if agency is None:
        codes = list(Agency.objects.filter(active=True).order_by("code").values_list("code", flat=True))
        listed = ", ".join(codes) if codes else "none: add the agency first"
        raise ValidationFailed(
            "Unknown agency", errors={"agency": [f"No active agency has that code. The active agencies: {listed}"]}
        )
    return agency


def _refuse_while_running(agency: Agency, feed_code: str) -> None:
    """Two imports of one agency's feed at once would race for the same records: refuse the second while the
    first is checking or writing (and has reported progress in the last runner.STALE_SECONDS)."""
    from openmash.core.exceptions import Conflict
    from openmash.feeds.runner import progress_read

    running = ImportBatch.objects.filter(
        agency=agency, feed_code=feed_code, status__in=[BatchStatus.VALIDATING, BatchStatus.WRITING]
    )
    if any(not progress_read(b)["stale"] for b in running):
        raise Conflict("An import of this feed for this agency is running: wait for it to finish, then try again")


def batch_start(
    *,
    actor,
    feed_code: str,
    agency_code: str | None,
    file_name: str,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    spool_name: str = "",
    encoding: str = "",
) -> ImportBatch:
    """Record a new import batch (status pending) after checking the feed and the agency. Raises ValidationFailed
    (fields ``feed``, ``agency``). actor: an Actor (browser) or openmash.accounts.admin_services.SYSTEM (CLI).
    ``encoding``: the CSV's text encoding the uploader chose ("" detects it), read by the runner."""
    spec = feed_spec_get(feed_code)
    agency = _agency(agency_code)
    if len(f"{agency.code}:{spec.code}") > 40:
        raise ValidationFailed(
            "Codes too long", errors={"agency": ["The agency and feed codes together must be 39 characters or fewer"]}
        )
    _refuse_while_running(agency, spec.code)
    user = getattr(actor, "user", None)
    return ImportBatch.objects.create(
        feed_code=spec.code,
        agency=agency,
        file_name=Path(file_name).name[:200],
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        started_by=user,
        started_by_label=(user.username if user else getattr(actor, "username", ""))[:150],
        spool_name=spool_name,
        encoding=encoding[:40],
    )


def _finish(batch: ImportBatch, actor, status: str, message: str, **fields) -> ImportBatch:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.report = {**batch.report, "message": message}
    for k, v in fields.items():
        setattr(batch, k, v)
    batch.save()
    _audit(batch, actor)
    return batch


def _audit(batch: ImportBatch, actor) -> None:
    audit_record(
        actor=actor,
        username=getattr(actor, "username", "") if getattr(actor, "user", None) is None else "",
        action="import",
        obj=batch,
        detail={
            "feed": batch.feed_code,
            "agency": batch.agency.code,
            "status": batch.status,
            "dry_run": batch.dry_run,
            "skip_bad_rows": batch.skip_bad_rows,
            "rows_total": batch.rows_total,
            "rows_bad": batch.rows_bad,
            "rows_written": batch.rows_written,
            "records_created": batch.records_created,
            "records_superseded": batch.records_superseded,
            "records_unchanged": batch.records_unchanged,
            "events_created": batch.events_created,
            "links_identifier": batch.report.get("links_identifier", 0),
            "links_proposed": batch.report.get("links_proposed", 0),
            "events_existing": batch.events_existing,
            "problem_count": batch.report.get("problem_count", 0),
        },
    )


def _refuse_file(batch: ImportBatch, actor, exc: FileProblem) -> ImportBatch:
    problems = [p.as_dict() for p in exc.problems]
    batch.report = {"problems": problems, "problem_count": len(problems)}
    return _finish(
        batch, actor, BatchStatus.REFUSED, "The file cannot be imported: " + (exc.summary or exc.problems[0].reason)
    )


class _Validation:
    """What the first pass found."""

    def __init__(self) -> None:
        self.rows = 0
        self.bad = 0
        self.problems: list[dict] = []
        self.problem_count = 0
        self.errors = 0
        self.unmapped: Counter = Counter()

    def add(self, problems: list[Problem]) -> None:
        self.problem_count += len(problems)
        self.errors += sum(p.level == "error" for p in problems)
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        if room > 0:
            self.problems.extend(p.as_dict() for p in problems[:room])

    def note_type(self, clean: CleanRow, spec: FeedSpec) -> None:
        if clean.event is None or type_key(clean.event.type_text) in spec.event_types:
            return
        key = clean.event.type_text[:100]
        if key in self.unmapped or len(self.unmapped) < MAX_UNMAPPED_KEPT:
            self.unmapped[key] += 1


def _validate(reader, spec: FeedSpec, today: dt.date, progress: Progress) -> _Validation:
    found = _Validation()
    limit = settings.OPENMASH_IMPORT_MAX_ROWS
    memo: dict = {}  # the last person's checked cells (validate.row_clean)
    for row in reader:
        found.rows += 1
        if found.rows > limit:
            raise FileProblem(Problem(row.number, "file", f"The file has more than {limit} rows: split it"))
        clean, problems = row_clean(row, spec, today=today, memo=memo)
        if row.only_problems and not any(p.level == "error" for p in problems):
            found.rows -= 1  # not a row: a note about the input (e.g. a FHIR resource type that is not imported)
        elif clean is None:
            found.bad += 1
        else:
            found.note_type(clean, spec)
        if problems:
            found.add(problems)
        if found.rows % 1000 == 0:
            progress("validate", reader.position, reader.total)
    progress("validate", reader.total or found.rows, reader.total or found.rows)
    return found


def _events_write(batch: ImportBatch, rows: list[CleanRow], refs: dict, source: str) -> tuple[int, int]:
    """Chronology entries for a chunk's events: (created, already held). Two statements whatever the chunk's size:
    one read of the external ids already held (on the partial unique index of (source, external id), which the
    query names in full so SQLite and PostgreSQL use it: without it both scan every entry, once per chunk), one
    insert (`core.bulk.rows_insert`, rows as dicts: no model instance per event)."""
    entries: dict[str, dict] = {}
    agency_id, object_id = batch.agency_id, str(batch.pk)
    for r in rows:
        e = r.event
        if e is None or e.external_id in entries:
            continue
        record_id, person_id = refs[r.local_id]
        label = _KIND_LABELS[e.kind]
        summary = label if e.kind != EventKind.OTHER else f"{label}: {e.type_text}"
        entries[e.external_id] = {
            "person_id": person_id,
            "occurred_at": occurred_at(e.occurred_on, e.time),
            "time_known": e.time is not None,
            "kind": "event",
            "agency_id": agency_id,
            "summary": summary[:300],
            "object_type": "feeds.importbatch",
            "object_id": object_id,
            "record_id": record_id,
            "source": source,
            "external_id": e.external_id,
            "event_kind": e.kind,
            "source_type_text": e.type_text,
            "description": e.description,
            "sensitivity": e.sensitivity,
        }
    if not entries:
        return 0, 0
    held = set(
        ChronologyEntry.objects.filter(source=source, external_id__in=list(entries))
        .exclude(external_id="")  # the unique index's own condition (it is partial)
        .order_by()
        .values_list("external_id", flat=True)
    )
    new = [entry for key, entry in entries.items() if key not in held]
    rows_insert(ChronologyEntry, new, ignore_conflicts=True)
    return len(new), len(held)


_KIND_LABELS = {k.value: str(k.label) for k in EventKind}


def _write(batch: ImportBatch, reader, spec: FeedSpec, today: dt.date, total: int, progress: Progress) -> None:
    writer = RecordWriter(batch=batch, received_at=batch.started_at)
    source = source_code(batch)
    chunk_size = settings.OPENMASH_IMPORT_CHUNK_ROWS
    chunk: list[CleanRow] = []
    done = 0
    memo: dict = {}  # the last person's checked cells (validate.row_clean)
    progress("write", 0, total)  # the check pass has ended: the bar (and the bench's clock) moves to writing

    def flush() -> None:
        refs = writer.write(chunk)
        created, held = _events_write(batch, chunk, refs, source)
        batch.events_created += created
        batch.events_existing += held
        batch.rows_written += len(chunk)
        chunk.clear()
        progress("write", done, total)

    for row in reader:
        done += 1
        clean, problems = row_clean(row, spec, today=today, memo=memo)
        if clean is None:
            if batch.skip_bad_rows or row.only_problems:
                continue
            raise ImportStopped("A row that passed the check failed when written: the file changed during the import")
        chunk.append(clean)
        if len(chunk) >= chunk_size:
            flush()
    if chunk:
        flush()
    writer.finish()
    batch.report = {**batch.report, "links_identifier": writer.links, "links_proposed": writer.proposed}
    batch.records_created = writer.created
    batch.records_superseded = writer.superseded
    batch.records_unchanged = writer.unchanged
    progress("write", total, total)


def feed_import(
    *,
    actor,
    path: Path,
    batch: ImportBatch,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Run an import batch (from `batch_start`) on the file at `path`. Returns the batch, finished: status
    ``done``, ``dry_run``, ``refused`` (the report says why; nothing written), ``already_imported`` or ``failed``
    (an unexpected error: nothing written; the error's type is in the report, never its text, which could quote
    data). progress(phase, done, total) is called as the passes go (bytes or rows; total None when unknown).
    Raises nothing for bad input: everything wrong with the file is in ``batch.report``."""
    from openmash.feeds.runner import ProgressFile, progress_clear

    page = ProgressFile(batch.pk)  # what the batch's page shows, and what tells a second import this one runs
    caller = progress or _no_progress

    def both(phase: str, done: int, total: int | None) -> None:
        page(phase, done, total)
        caller(phase, done, total)

    try:
        return _import(actor=actor, path=path, batch=batch, encoding=encoding, progress=both)
    finally:
        progress_clear(batch)


def _import(*, actor, path: Path, batch: ImportBatch, encoding: str | None, progress: Progress) -> ImportBatch:
    spec = feed_spec_get(batch.feed_code)
    today = timezone.localdate()
    batch.status = BatchStatus.VALIDATING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at", "updated_at"])
    progress("validate", 0, None)
    try:
        source = file_inspect(path, name=batch.file_name, spec=spec, encoding=encoding)
    except FileProblem as exc:
        return _refuse_file(batch, actor, exc)
    batch.file_sha256, batch.file_size, batch.file_format, batch.encoding = (
        source.sha256,
        source.size,
        source.format,
        source.encoding,
    )
    earlier = (
        ImportBatch.objects.filter(
            agency=batch.agency, feed_code=batch.feed_code, file_sha256=source.sha256, status=BatchStatus.DONE
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at")
        .first()
    )
    if earlier is not None and not batch.dry_run:
        batch.report = {"earlier_batch": str(earlier.pk)}
        when = datetime_long(earlier.finished_at)
        return _finish(batch, actor, BatchStatus.ALREADY_IMPORTED, f"This file was already imported on {when}")
    try:
        found = _validate(reader_for(source, spec), spec, today, progress)
    except FileProblem as exc:
        return _refuse_file(batch, actor, exc)
    batch.rows_total, batch.rows_bad = found.rows, found.bad
    batch.report = {
        "problems": found.problems,
        "problem_count": found.problem_count,
        "unmapped_types": dict(found.unmapped.most_common()),
    }
    if found.errors and not batch.skip_bad_rows:
        return _finish(batch, actor, BatchStatus.REFUSED, _refused_message(batch, found.bad, found.rows))
    if found.bad == found.rows:
        return _finish(batch, actor, BatchStatus.REFUSED, "Nothing was imported: no row could be imported")
    batch.status = BatchStatus.WRITING
    batch.save(update_fields=["status", "rows_total", "rows_bad", "report", "updated_at"])
    good = found.rows - found.bad
    try:
        with transaction.atomic():
            _write(batch, reader_for(source, spec), spec, today, good, progress)
            if batch.dry_run:
                transaction.set_rollback(True)
            else:
                _finish(batch, actor, BatchStatus.DONE, _done_message(batch))
    except (ImportStopped, FileProblem) as exc:
        batch.refresh_from_db()
        return _finish(batch, actor, BatchStatus.FAILED, f"Nothing was imported: {exc}")
    except Exception as exc:
        # the type only: an exception's text (e.g. a unique-constraint violation) may quote the data
        logger.error("import batch %s failed (%s)", batch.pk, type(exc).__name__)  # noqa: TRY400
        batch.refresh_from_db()
        return _finish(
            batch, actor, BatchStatus.FAILED, f"Nothing was imported: the import failed ({type(exc).__name__})"
        )
    if batch.dry_run:
        counts = {k: getattr(batch, k) for k in _COUNTS}
        batch.refresh_from_db()
        return _finish(batch, actor, BatchStatus.DRY_RUN, _dry_run_message(counts), **counts)
    _reconcile(batch, actor)
    _watched_news(batch, actor)
    return batch


def _reconcile(batch: ImportBatch, actor) -> None:
    """After the import's transaction has committed: join the records other writers stored with the same
    identifiers while it ran (``linking.records_reconcile_identifiers``; the import takes no identifier locks). A
    failure here leaves the import done (its own rows are linked) and is logged by type only; the next import, or
    the hub's review queue, catches what it missed."""
    try:
        records_reconcile_identifiers(
            actor=actor, since=batch.started_at, agency_id=batch.agency_id, source_feed=batch.feed_code
        )
    except Exception as exc:
        logger.error("import batch %s: reconciling identifiers failed (%s)", batch.pk, type(exc).__name__)  # noqa: TRY400


def _watched_news(batch: ImportBatch, actor) -> None:
    """After the import committed: the hub is told once about each watched child the batch brought events about,
    and a watch whose contacts reached the partnership's count is escalated (``patterns.watching``; issue 8). A
    failure here leaves the import done and is logged by type only."""
    try:
        from openmash.patterns.watching import watch_after_import

        watch_after_import(actor=actor, batch=batch)
    except Exception as exc:
        logger.error("import batch %s: telling the hub of watched children failed (%s)", batch.pk, type(exc).__name__)  # noqa: TRY400


_COUNTS = (
    "rows_written",
    "records_created",
    "records_superseded",
    "records_unchanged",
    "events_created",
    "events_existing",
)


def _n(count: int, word: str, plural: str = "") -> str:
    """'1 row', '2 rows' (plural: the word's plural when it is not word + s)."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _from_browser(batch: ImportBatch) -> bool:
    """Whether the batch was uploaded on the Imports page (a user started it) rather than at the command line."""
    return batch.started_by_id is not None


def _refused_message(batch: ImportBatch, bad: int, rows: int) -> str:
    """Why nothing was imported, and how to import the other rows, in the words of the medium the batch came from:
    the upload form's option on the Imports page, ``--skip-bad-rows`` at the command line."""
    from openmash.feeds.forms import ImportUploadForm

    head = f"Nothing was imported: {bad} of {_n(rows, 'row')} {'has' if bad == 1 else 'have'} errors. Correct "
    if _from_browser(batch):
        option = ImportUploadForm.base_fields["skip_bad_rows"].label
        return head + f"them, or upload the file again and choose “{option}”"
    return head + "them, or import the other rows with --skip-bad-rows"


def _done_message_counts(c: dict) -> str:
    return (
        f"{_n(c['rows_written'], 'row')} imported: {_n(c['records_created'], 'new record')}, "
        f"{c['records_superseded']} updated, {c['records_unchanged']} unchanged; "
        f"{_n(c['events_created'], 'new event')}, {c['events_existing']} already held"
    )


def _dry_run_message(c: dict) -> str:
    """A dry run writes nothing: it says how many rows were checked and what importing them would do."""
    return (
        f"Dry run: {_n(c['rows_written'], 'row')} checked, nothing written. Importing {'it' if c['rows_written'] == 1 else 'them'} "
        f"would add {_n(c['records_created'], 'new record')}, update {c['records_superseded']}, leave "
        f"{c['records_unchanged']} unchanged; {_n(c['events_created'], 'new event')}, "
        f"{c['events_existing']} already held"
    )


def _done_message(batch: ImportBatch) -> str:
    """What the uploader is told of a finished import: rows, the agency's own records and events, never whether its
    rows matched people already held (attacker review 2026-11, finding 4: "1 links by identifier" shown for a row
    holding only a held NHS number was an existence oracle for the partnership admin, who has no case role). The
    link counts stay in batch.report and the `import` audit event (links_identifier, links_proposed) for the auditor;
    the hub sees proposed links in its review queue (/matching/)."""
    return _done_message_counts({k: getattr(batch, k) for k in _COUNTS})


__all__ = ["ImportStopped", "batch_start", "feed_import", "occurred_at", "source_code"]


# --- the partnership's own feed mappings ------------------------------------------------------------------------


def feed_mapping_save(*, actor, source_text: str, definition: dict, code: str | None = None, expected_updated_at=None):
    """Ask for a new mapping (code None) or a change to the partnership's mapping `code`, from its checked YAML text
    and parsed definition (forms.FeedMappingForm checks both with feeds.mapping). Nothing changes yet: the change
    waits as a FeedMappingChange for a second partnership admin (dual control, ADR 0019;
    feed_mapping_change_decide), and imports keep using the approved mapping. A change asked for while another
    for the same code waits replaces it (the earlier one is `superseded`, audited). A change made by someone else
    since `expected_updated_at` (ISO text) is refused with Conflict. Audited `feed_mapping_change_request` (code
    and change id only). Returns the FeedMappingChange."""
    from openmash.access.policy import require
    from openmash.core.exceptions import Conflict
    from openmash.feeds.models import FeedMapping, FeedMappingChange

    require(actor, "feed.import")
    with transaction.atomic():
        mapping = None
        if code is None:
            if FeedMapping.objects.filter(code=definition["code"]).exists():
                raise ValidationFailed("Code taken", errors={"source_text": ["code: a mapping with that code exists"]})
        else:
            mapping = FeedMapping.objects.select_for_update().get(code=code)
            if expected_updated_at and mapping.updated_at.isoformat() != expected_updated_at:
                raise Conflict("Someone else changed this mapping while you were editing it. Check it and try again.")
            if source_text == mapping.source_text:
                raise ValidationFailed(
                    "Nothing changed", errors={"source_text": ["The mapping is the same as the approved one"]}
                )
        feed_code = definition["code"] if code is None else code
        for earlier in FeedMappingChange.objects.select_for_update().filter(code=feed_code, status="pending"):
            earlier.status = FeedMappingChange.Status.SUPERSEDED
            earlier.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="feed_mapping_change_supersede", obj=earlier, detail={"code": feed_code})
        change = FeedMappingChange.objects.create(
            code=feed_code,
            mapping=mapping,
            source_text=source_text,
            definition=definition,
            base_text=mapping.source_text if mapping else "",
            base_updated_at=mapping.updated_at if mapping else None,
            requested_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="feed_mapping_change_request",
            obj=change,
            detail={"code": feed_code, "new": mapping is None},
        )
    return change


def feed_mapping_change_diff(change) -> list[tuple[str, str]]:
    """The change as a unified diff of the approved mapping's text (when asked for) against the proposed text:
    [(kind, line)], kind "add", "remove", "context" or "hunk", for the approver to read. A new mapping is all
    additions."""
    import difflib

    lines = difflib.unified_diff(
        change.base_text.splitlines(), change.source_text.splitlines(), "approved", "proposed", lineterm="", n=3
    )
    out = []
    for line in list(lines)[2:]:  # the two file headers
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "context")
        out.append((kind, line))
    return out


FEED_CHANGE_GONE_MESSAGE = "That change is no longer waiting for you"
FEED_CHANGE_STALE_MESSAGE = (
    "The mapping was changed since this change was asked for: reject it and ask again against the current mapping"
)


def feed_mapping_change_decide(*, actor, change_id, approve: bool):
    """Approve or reject a pending FeedMappingChange (dual control, ADR 0019): only
    access.policy.feed_mapping_change_decidable's second person (another partnership admin, never the one who asked;
    anyone else gets NotFound). Approving applies the text and definition to the mapping (creating it for a new
    code), only if the mapping is still the version the change was written against (else Conflict). Audited
    `feed_mapping_change_approve` / `_reject`, with the mapping's own `create` / `update`, in one transaction.
    Returns the change."""
    from openmash.access.policy import feed_mapping_change_decidable
    from openmash.core.exceptions import Conflict, NotFound
    from openmash.feeds.models import FeedMapping, FeedMappingChange

    with transaction.atomic():
        try:
            change = FeedMappingChange.objects.select_for_update().filter(pk=change_id).first()
        except (ValueError, DjangoValidationError):
            change = None
        if change is None or not feed_mapping_change_decidable(actor, change):
            raise NotFound(FEED_CHANGE_GONE_MESSAGE)
        change.decided_by, change.decided_at = actor.user, timezone.now()
        detail = {"code": change.code}
        if not approve:
            change.status = FeedMappingChange.Status.REJECTED
            change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
            audit_record(actor=actor, action="feed_mapping_change_reject", obj=change, detail=detail)
            return change
        definition = change.definition
        name = str(definition.get("name") or change.code)[:200]
        if change.mapping_id is None:
            if FeedMapping.objects.filter(code=change.code).exists():
                raise Conflict(FEED_CHANGE_STALE_MESSAGE)
            mapping = FeedMapping.objects.create(
                code=change.code, name=name, source_text=change.source_text, definition=definition
            )
            audit_record(actor=actor, action="create", obj=mapping, detail=detail)
        else:
            mapping = FeedMapping.objects.select_for_update().get(pk=change.mapping_id)
            if mapping.updated_at != change.base_updated_at:
                raise Conflict(FEED_CHANGE_STALE_MESSAGE)
            mapping.name, mapping.source_text, mapping.definition = name, change.source_text, definition
            mapping.save()
            audit_record(actor=actor, action="update", obj=mapping, detail=detail)
        change.mapping = mapping
        change.status = FeedMappingChange.Status.APPROVED
        change.save(update_fields=["mapping", "status", "decided_by", "decided_at", "updated_at"])
        audit_record(actor=actor, action="feed_mapping_change_approve", obj=change, detail=detail)
    return change


__all__ += ["feed_mapping_save", "feed_mapping_change_decide", "feed_mapping_change_diff"]


def batch_matching_record(batch: ImportBatch, summary) -> None:
    """Keep what the scoring run after an import did on the batch's report (``report["matching"]``: records
    scored, joined automatically, sent to the review queue), so the browser's import page shows what `openmash
    import` prints (review finding 16). In: the batch and a ``matching.scoring.ScoreSummary``."""
    batch.report = {
        **batch.report,
        "matching": {"records": summary.records, "confirmed": summary.confirmed, "proposed": summary.proposed},
    }
    ImportBatch.objects.filter(pk=batch.pk).update(report=batch.report)
