"""`openmash bench audit [--events 10000000] [--database sqlite|postgres|both]`: the cost of verifying the audit trail
(SECURITY-TESTS.md TE-4: 10 million events verified in at most 10 minutes on 2 cores).

For each database, in a fresh bench database (var/bench-audit.sqlite3, or a PostgreSQL database created and
dropped): a child process migrates it, writes --events synthetic events through the audit module's bulk writer
(openmash.audit.services.audit_bulk_write: ids, MACs), seals them and signs a checkpoint (into a temporary checkpoint
file); then a second child runs `audit verify` alone, and the parent prints its events per second, wall and CPU time
(this process, and the PostgreSQL server's for its connection) and peak resident memory (ru_maxrss of the verifying
child only, so the writer's memory is not counted). Bounded memory: the peak stays flat as --events grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import BASE_DIR

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_bench_audit"
SQLITE_NAME = "bench-audit.sqlite3"
RESULT_MARK = "BENCH-AUDIT "
TARGET_SECONDS_PER_10M = 600

_ACTIONS = [("list", 40), ("view", 35), ("search_result", 8), ("create", 6), ("search", 4), ("update", 4), ("deny", 1),
            ("login", 1), ("screen", 1)]  # fmt: skip
_TYPES = ["contacts.contact", "people.person", "enquiries.enquiry", "enquiries.agencyrequest", "contacts.contactperson"]
_AGENCIES = [("mash", "screener"), ("mash", "manager"), ("police", "referrer"), ("health-gp", "researcher"),
             ("school-oak", "referrer"), ("csc", "social_worker")]  # fmt: skip


def synthetic_events(count: int, *, seed: int = 2026, now: dt.datetime | None = None):
    """`count` event tuples (openmash.audit.services.BULK_FIELDS) over the last 18 months, oldest first: users,
    agencies, actions and records in live use's proportions; no personal data (ids and codes only)."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=548)
    step = (now - start) / max(count, 1)
    actions = [a for a, weight in _ACTIONS for _ in range(weight)]
    for i in range(count):
        user = rng.randrange(1, 400)
        agency, role = _AGENCIES[user % len(_AGENCIES)]
        action = rng.choice(actions)
        object_type = rng.choice(_TYPES)
        detail = {"page": rng.randrange(1, 9)} if action == "list" else {}
        yield (
            start + step * i,
            user,
            f"bench.user{user}",
            agency,
            role,
            action,
            object_type,
            str(rng.getrandbits(64)),
            "",
            f"{rng.getrandbits(128):032x}",
            "",
            detail,
        )


def _server_cpu() -> float:
    from openmash.feeds.management.commands.bench_import import _server_cpu as server_cpu

    return server_cpu()


class Command(BaseCommand):
    help = "Write N audit events (10,000,000 by default), then time `audit verify`: events/s, CPU and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=10_000_000)
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--single", choices=["write", "verify"], help=argparse.SUPPRESS)  # a child's part

    def handle(self, *args, **opts):
        if opts["single"] == "write":
            self.write(opts)
            return
        if opts["single"] == "verify":
            self.verify()
            return
        if opts["events"] < 1:
            raise CommandError("--events must be at least 1")
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        results = [r for r in (self.one_database(db, opts) for db in databases) if r]
        if not results:
            raise CommandError("No database was benchmarked.")
        if any(not r["ok"] for r in results):
            raise CommandError("verification failed on the generated trail")

    # --- the parent -----------------------------------------------------------------------------------------------

    def one_database(self, db: str, opts) -> dict | None:
        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove

        if db == "sqlite":
            sqlite = BASE_DIR / "var" / SQLITE_NAME
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
                return None
        try:
            with tempfile.TemporaryDirectory(prefix="openmash-bench-audit-") as tmp:
                env = {
                    "OPENMASH_LOG_LEVEL": "WARNING",
                    **os.environ,
                    "DATABASE_URL": url,
                    "OPENMASH_AUDIT_CHECKPOINT_FILE": str(Path(tmp) / "checkpoints.jsonl"),
                }
                started = time.perf_counter()
                self._child(["--single", "write", "--events", str(opts["events"]), "--seed", str(opts["seed"])], env)
                self.stdout.write(f"{db}: wrote, sealed and checkpointed {opts['events']:,} events in "
                                  f"{time.perf_counter() - started:.0f}s")  # fmt: skip
                result, usage = self._child(["--single", "verify"], env)
        finally:
            if db == "sqlite":
                _sqlite_remove(BASE_DIR / "var" / SQLITE_NAME)
            else:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        events, wall, cpu, server, ok = int(result[0]), float(result[1]), float(result[2]), float(result[3]), result[4]
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        rate = events / wall if wall else 0.0
        projected = 10_000_000 / rate if rate else float("inf")
        cpu_projected = (cpu + server) / max(events, 1) * 10_000_000  # what an idle machine's wall time would be
        server_text = f", database server {server:.1f}s CPU" if db == "postgres" else ""
        self.stdout.write(
            f"{db}: verified {events:,} events in {wall:.1f}s wall ({rate:,.0f} events/s), {cpu:.1f}s CPU in the "
            f"verifier{server_text}; peak RSS {peak_mb:,.0f} MB; {ok}. At this rate 10,000,000 events take "
            f"{projected / 60:.1f} min wall, {cpu_projected / 60:.1f} min of CPU (target {TARGET_SECONDS_PER_10M // 60} "
            "min on 2 cores)"
        )
        return {"database": db, "events": events, "seconds": wall, "ok": ok == "intact"}

    def _child(self, args: list[str], env: dict) -> tuple[list[str] | None, object]:
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "audit", *args]
        proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True)  # noqa: S603
        result = None
        for line in proc.stdout:
            if line.startswith(RESULT_MARK):
                result = line[len(RESULT_MARK) :].split()
            else:
                self.stdout.write(line.rstrip("\n"))
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code:
            raise CommandError(f"the bench child `{' '.join(args[:2])}` failed (exit {code})")
        return result, usage

    # --- the children ---------------------------------------------------------------------------------------------

    def write(self, opts) -> None:
        from django.core.management import call_command

        from openmash.audit.chain import audit_checkpoint, audit_seal
        from openmash.audit.services import audit_bulk_write

        call_command("migrate", interactive=False, verbosity=0)
        audit_bulk_write(synthetic_events(opts["events"], seed=opts["seed"]), batch=50_000)
        audit_seal(batch=50_000)
        audit_checkpoint()

    def verify(self) -> None:
        from openmash.audit.chain import audit_verify

        wall, cpu, server = time.perf_counter(), time.process_time(), _server_cpu()
        result = audit_verify(seal=False)
        wall, cpu, server = time.perf_counter() - wall, time.process_time() - cpu, _server_cpu() - server
        state = "intact" if result.ok else "FAILED"
        if not result.ok:
            self.stdout.write(f"verify: {result.summary()}")
        self.stdout.write(f"{RESULT_MARK}{result.events} {wall:.3f} {cpu:.3f} {server:.3f} {state}")
