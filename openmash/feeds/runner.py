"""Running an import started in the browser, away from the request, and telling the page how far it has got.

The uploaded file is written to the spool directory (``OPENMASH_IMPORT_SPOOL_DIR``, mode 0700; the file 0600,
under a random name) and deleted when the import ends. ``OPENMASH_IMPORT_RUNNER`` says how the import runs
(ADR 0006 explains the choice):

- ``thread`` (default): a thread of the web process, started when the upload's transaction commits. Right for
  the embedded, single-server deployment; an import in flight is lost (rolled back, nothing written) if the
  process restarts.
- ``subprocess``: ``openmash import --batch ID`` in its own process session, so it outlives a web worker that is
  recycled and does not compete with requests for the GIL.
- ``none``: left pending for a worker (`openmash import --batch ID`, e.g. from a systemd unit or a job queue).
- ``inline``: in the request itself (the test suite; a tiny deployment).

Progress is a small JSON file beside the upload (`progress_write`), written at most twice a second: the import's
own rows are inside one uncommitted transaction, which no other connection can see (and on SQLite another
connection could not write the batch row meanwhile), so the page polls the file, not the database.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction

from config.env import BASE_DIR
from openmash.feeds.choices import BatchStatus
from openmash.feeds.models import ImportBatch

STALE_SECONDS = 600  # a running import whose progress has not moved for this long has stopped


def spool_dir() -> Path:
    path = Path(settings.OPENMASH_IMPORT_SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def spool_path(batch: ImportBatch) -> Path:
    """Where a browser upload waits (the name is random; the batch keeps it)."""
    return spool_dir() / batch.spool_name


def spool_save(uploaded, suffix: str) -> str:
    """Write an uploaded file (a Django UploadedFile) to the spool directory; returns its spool name."""
    name = secrets.token_hex(16) + suffix.lower()[:8]
    fd = os.open(spool_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return name


def _progress_file(batch_id) -> Path:
    return spool_dir() / f"{batch_id}.progress.json"


class ProgressFile:
    """A progress callback (phase, done, total) that writes the batch's progress file, throttled."""

    def __init__(self, batch_id) -> None:
        self.path = _progress_file(batch_id)
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.time()
        if now - self.last < 0.5 and done != total:
            return
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total, "at": now}))
        os.replace(tmp, self.path)


def progress_read(batch: ImportBatch) -> dict:
    """{"phase", "done", "total", "at", "percent", "stale"} for a running batch (empty when nothing is known)."""
    path = _progress_file(batch.pk)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    total, done = data.get("total"), data.get("done", 0)
    data["percent"] = int(100 * done / total) if total else None
    since = data.get("at") or (batch.started_at or batch.created_at).timestamp()
    data["stale"] = time.time() - since > STALE_SECONDS
    return data


def progress_clear(batch: ImportBatch) -> None:
    """Remove a finished batch's progress file."""
    _progress_file(batch.pk).unlink(missing_ok=True)


def run_batch(batch_id, actor=None, *, own_thread: bool = False) -> None:
    """Run a pending batch from its spooled file, then delete the file and its progress. actor: the Actor who
    uploaded it (thread and inline runners), or None: audited as the user who started it. own_thread: this runs
    in a thread of its own, whose database connection is closed at the end."""
    from openmash.feeds.services import feed_import

    try:
        batch = ImportBatch.objects.select_related("agency").get(pk=batch_id)
        path = spool_path(batch)
        if actor is None:
            actor = SimpleNamespace(user=batch.started_by, membership=None, username=batch.started_by_label)
        try:
            # the encoding the uploader chose ("" detects it); it keeps the progress file itself
            batch = feed_import(actor=actor, path=path, batch=batch, encoding=batch.encoding or None)
        finally:
            path.unlink(missing_ok=True)
        if settings.OPENMASH_SCORE_AFTER_IMPORT and batch.status == BatchStatus.DONE:
            from openmash.feeds.services import batch_matching_record
            from openmash.matching.scoring import records_due_score

            # the import's records and every intake record due (ADR 0009); the outcome shows on the batch's page
            batch_matching_record(batch, records_due_score(None))
        if settings.OPENMASH_FLAGS_AFTER_IMPORT and batch.status == BatchStatus.DONE:
            from openmash.patterns.services import after_import

            after_import(batch)  # never raises: a failure is logged, the import stands (ADR 0015)
    finally:
        if own_thread:
            connection.close()


def import_launch(batch: ImportBatch, actor) -> threading.Thread | None:
    """Start a pending batch the way OPENMASH_IMPORT_RUNNER says, once the current transaction commits. Returns
    the thread for the thread runner (tests join it), else None."""
    runner = settings.OPENMASH_IMPORT_RUNNER
    if runner == "inline":
        run_batch(batch.pk, actor)
        return None
    if runner == "thread":
        thread = threading.Thread(
            target=run_batch,
            args=(batch.pk, actor),
            kwargs={"own_thread": True},
            name=f"import-{batch.pk}",
            daemon=True,
        )
        transaction.on_commit(thread.start)
        return thread
    if runner == "subprocess":
        cmd = [sys.executable, "-m", "openmash.cli", "import", "--batch", str(batch.pk), "--no-progress"]
        transaction.on_commit(
            lambda: subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                cmd, cwd=BASE_DIR, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
    return None


__all__ = ["progress_clear", "ProgressFile", "import_launch", "progress_read", "run_batch", "spool_path", "spool_save"]
