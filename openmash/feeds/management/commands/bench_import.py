"""`openmash bench import [--rows 1000000] [--database sqlite|postgres|both]`: the import benchmark.

Generates a standard extract of --rows event rows at run time (a temporary file, deleted afterwards; never
committed), then imports it with `openmash import standard FILE --agency bench` in a child process against a
fresh bench database (var/bench-import.sqlite3, or a PostgreSQL database created and dropped), and prints the
rows per second of the whole import and the child's peak resident memory (ru_maxrss of the child, so the parent's
generator is not counted). Bounded memory means the peak stays flat as --rows grows (try 100000 and 1000000).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import BASE_DIR

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_bench_import"
RESULT_MARK = "BENCH-IMPORT "


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on this machine and
    its process can be read (/proc); 0.0 otherwise (SQLite runs inside this process, so its time is ours)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    if not hasattr(_server_cpu, "pid"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _server_cpu.pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{_server_cpu.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def _clocks() -> tuple[float, float, float]:
    """(wall seconds, this process's CPU seconds, the database server's CPU seconds for this connection)."""
    return time.perf_counter(), time.process_time(), _server_cpu()


class Command(BaseCommand):
    help = "Import a generated standard extract (1,000,000 rows by default): rows/s and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--single", help=argparse.SUPPRESS)  # the child: import this file here
        parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["single"]:
            self.single(Path(opts["single"]), migrate=not opts["no_migrate"])
            return
        if opts["rows"] < 1:
            raise CommandError("--rows must be at least 1")
        from openmash.feeds.bench import extract_write

        with tempfile.TemporaryDirectory(prefix="openmash-bench-import-") as tmp:
            path = Path(tmp) / "extract.csv"
            started = time.perf_counter()
            people = extract_write(path, rows=opts["rows"], seed=opts["seed"])
            size = path.stat().st_size
            self.stdout.write(
                f"Generated {opts['rows']:,} rows for {people:,} people ({size / 1e6:.0f} MB) in "
                f"{time.perf_counter() - started:.0f}s"
            )
            databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
            for db in databases:
                self.one_database(db, path, opts)

    def one_database(self, db: str, path: Path, opts) -> None:
        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove

        if db == "sqlite":
            sqlite = BASE_DIR / "var" / "bench-import.sqlite3"
            sqlite.parent.mkdir(exist_ok=True)
            _sqlite_remove(sqlite)
            url = f"sqlite:///{sqlite}"
        else:
            url = opts["postgres_url"]
            try:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
                _pg_admin(url, "CREATE DATABASE {}")
            except Exception as exc:  # noqa: BLE001 - any connection problem means "skip PostgreSQL"
                self.stderr.write(f"PostgreSQL not available ({type(exc).__name__}); skipped.")
                return
        env = {"OPENMASH_LOG_LEVEL": "WARNING", **os.environ, "DATABASE_URL": url}
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "import", "--single", str(path)]
        try:
            proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True)  # noqa: S603
            result = None
            for line in proc.stdout:
                if line.startswith(RESULT_MARK):
                    result = line[len(RESULT_MARK) :].split()
                else:
                    self.stdout.write(line.rstrip("\n"))
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if db == "sqlite":
                _sqlite_remove(BASE_DIR / "var" / "bench-import.sqlite3")
            else:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        if proc.returncode or not result:
            raise CommandError(f"the {db} import failed (exit {proc.returncode})")
        rows = int(result[0])
        seconds, validate_s, write_s, check_cpu, write_cpu, check_db, write_db = (float(x) for x in result[1:8])
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        per_row = 1000 / max(rows, 1)
        self.stdout.write(
            f"{db}: {rows:,} rows imported in {seconds:.0f}s ({rows / seconds:,.0f} rows/s; check pass "
            f"{validate_s:.0f}s, write pass {write_s:.0f}s); peak RSS {peak_mb:,.0f} MB"
        )
        # CPU time per row does not depend on what else the machine is doing, as wall time does
        server = f"; database server {write_db * per_row:.2f} ms/row" if db == "postgres" and write_db else ""
        self.stdout.write(
            f"{db}: CPU per row: check pass {check_cpu * per_row:.2f} ms, write pass {write_cpu * per_row:.2f} ms"
            f" (this process){server}"
        )

    def single(self, path: Path, *, migrate: bool = True) -> None:
        """The child: migrate the bench database, import the file, print the timings on one line."""
        from django.core.management import call_command

        from openmash.accounts.admin_services import SYSTEM
        from openmash.accounts.services import agency_create
        from openmash.feeds.choices import BatchStatus
        from openmash.feeds.services import batch_start, feed_import

        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        agency_create(code="bench", name="Bench Police", agency_type="police", source_code="6")
        marks: dict[str, tuple[float, float, float]] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in marks:
                marks[phase] = _clocks()

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = _clocks()
        batch = batch_start(actor=SYSTEM, feed_code="standard", agency_code="bench", file_name=path.name)
        batch = feed_import(actor=SYSTEM, path=path, batch=batch, progress=progress)
        ended = _clocks()
        if batch.status != BatchStatus.DONE:
            raise CommandError(f"import {batch.status}: {batch.report.get('message')}")
        self.stdout.write(
            f"  {batch.records_created:,} records, {batch.events_created:,} events; RSS after migrate "
            f"{before / 1024:,.0f} MB"
        )
        check_at, write_at = marks.get("validate", started), marks.get("write", ended)
        numbers = [
            ended[0] - started[0],
            write_at[0] - check_at[0],
            ended[0] - write_at[0],
            write_at[1] - check_at[1],
            ended[1] - write_at[1],
            write_at[2] - check_at[2],
            ended[2] - write_at[2],
        ]
        self.stdout.write(f"{RESULT_MARK}{batch.rows_written} " + " ".join(f"{n:.3f}" for n in numbers))
