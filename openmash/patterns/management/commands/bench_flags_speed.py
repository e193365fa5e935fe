"""`openmash bench flags-speed [--children 100000] [--events 5000000] [--more-events 10000]
[--database sqlite|postgres|both] [--strict]`: the speed targets of issue 8, measured.

For each database, in a fresh bench database (var/bench-flags-speed.sqlite3, or a PostgreSQL database created and
dropped), three child processes:

1. set-up (not measured): migrate, then write --children children with --events events in bulk, in the shapes
   real imports leave (agency records, origin people, identifier links, chronology entries, their indicators and
   read marks: ``openmash.patterns.speed.population_write``);
2. full evaluation: what `openmash flags evaluate --as-of TODAY` runs (read new entries, evaluate every child,
   write the flags): wall and CPU time (this process, and the PostgreSQL server's for its connection), peak RSS,
   flags written, and the phase split (people, household events, indicators read, engine, flags written);
3. import: a standard extract of --more-events new events from the police for people it already holds, imported
   as `openmash import standard FILE --agency police` imports it, then the after-import hook's incremental
   evaluation (``patterns.services.after_import``), each timed, with the same split.

Targets (issue 8): the full evaluation of 100,000 children with 5,000,000 events in at most 60 s on 2 cores; the
incremental evaluation after an import of 10,000 events in at most 10 s. `--strict` exits 1 when a target is missed
(wall time: read it with the load average printed beside it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import BASE_DIR

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_bench_flags_speed"
SQLITE_NAME = "bench-flags-speed.sqlite3"
RESULT_MARK = "BENCH-FLAGS-SPEED "
FULL_TARGET_S = 60.0
INCREMENTAL_TARGET_S = 10.0
MORE_AGENCY = "police"


class Command(BaseCommand):
    help = "Time a full flags evaluation at scale and the incremental one after an import (issue 8's targets)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=5_000_000)
        parser.add_argument("--more-events", type=int, default=10_000)
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards")
        parser.add_argument("--strict", action="store_true", help="Exit 1 when a target is missed")
        parser.add_argument("--single", choices=["setup", "evaluate", "import"], help=argparse.SUPPRESS)
        parser.add_argument("--as-of", dest="as_of", help=argparse.SUPPRESS)
        parser.add_argument("--file", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["single"]:
            self.single(opts)
            return
        for key in ("children", "events", "more_events"):
            if opts[key] < 1:
                raise CommandError(f"--{key.replace('_', '-')} must be at least 1")
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        results = [r for r in (self.one_database(db, opts) for db in databases) if r]
        if not results:
            raise CommandError("No database was benchmarked.")
        missed = [m for r in results for m in r["missed"]]
        if missed and opts["strict"]:
            raise CommandError("over target: " + "; ".join(missed))

    # --- the parent -----------------------------------------------------------------------------------------------

    def one_database(self, db: str, opts) -> dict | None:
        from django.utils import timezone

        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove
        from openmash.patterns.speed import load_text, more_extract_write

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
        as_of = timezone.localdate().isoformat()
        sizes = ["--children", str(opts["children"]), "--events", str(opts["events"]), "--seed", str(opts["seed"])]
        env = {"OPENMASH_LOG_LEVEL": "WARNING", **os.environ, "DATABASE_URL": url}
        say = self.stdout.write
        try:
            with tempfile.TemporaryDirectory(prefix="openmash-bench-flags-speed-") as tmp:
                path = Path(tmp) / f"more-{MORE_AGENCY}.csv"
                people = more_extract_write(path, children=opts["children"], events=opts["more_events"],
                                            as_of=dt.date.fromisoformat(as_of), seed=opts["seed"],
                                            agency=MORE_AGENCY)  # fmt: skip
                setup, _ = self._child(["--single", "setup", "--as-of", as_of, *sizes], env)
                say(f"{db}: set up {setup['children']:,} children and {setup['adults']:,} adults, "
                    f"{setup['records']:,} agency records ({setup['links']:,} identifier links), {setup['events']:,} "
                    f"events giving {setup['indicators']:,} indicators, in {setup['seconds']:.0f}s (not measured)")  # fmt: skip
                full, usage = self._child(["--single", "evaluate", "--as-of", as_of], env)
                full["peak_mb"] = usage.ru_maxrss / 1024
                say(self._line(db, "full evaluation", full, FULL_TARGET_S, load_text()))
                more, usage = self._child(["--single", "import", "--as-of", as_of, "--file", str(path)], env)
                imp, hook = more["import"], more["after_import"]
                hook["peak_mb"] = usage.ru_maxrss / 1024
                say(f"{db}: import of {imp['rows']:,} rows ({imp['events']:,} new events for {people:,} people, "
                    f"`openmash import standard --agency {MORE_AGENCY}`): {imp['wall']:.1f}s wall, {imp['cpu']:.1f}s CPU"
                    + (f"; scoring the records due {more['score']['wall']:.1f}s" if "score" in more else ""))  # fmt: skip
                say(self._line(db, "incremental evaluation after the import", hook, INCREMENTAL_TARGET_S, load_text()))
        finally:
            if opts["keep"]:
                say(f"Bench database kept: {url}")
            elif db == "sqlite":
                _sqlite_remove(BASE_DIR / "var" / SQLITE_NAME)
            else:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        missed = []
        if full["wall"] > FULL_TARGET_S:
            missed.append(f"{db}: full evaluation {full['wall']:.1f}s > {FULL_TARGET_S:.0f}s")
        if hook["wall"] > INCREMENTAL_TARGET_S:
            missed.append(f"{db}: incremental evaluation {hook['wall']:.1f}s > {INCREMENTAL_TARGET_S:.0f}s")
        return {"database": db, "setup": setup, "full": full, "more": more, "missed": missed}

    @staticmethod
    def _line(db: str, label: str, r: dict, target: float, load: str) -> str:
        server = f" + {r['server_cpu']:.1f}s database server" if r.get("server_cpu") else ""
        verdict = "within" if r["wall"] <= target else "OVER"
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in r["phases"].items())
        flags = f"{r['raised']:,} flags raised" + (f", {r['updated']:,} updated" if r.get("updated") else "")
        return (
            f"{db}: {label}: {r['children']:,} children, {flags}: {r['wall']:.1f}s wall ({verdict} the {target:.0f}s "
            f"target), {r['cpu']:.1f}s CPU{server}, peak RSS {r['peak_mb']:,.0f} MB; load average {load}\n"
            f"{db}:   phases: {phases}"
        )

    def _child(self, args: list[str], env: dict) -> tuple[dict, object]:
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "flags-speed", *args]
        proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True)  # noqa: S603
        result = None
        for line in proc.stdout:
            if line.startswith(RESULT_MARK):
                result = json.loads(line[len(RESULT_MARK) :])
            else:
                self.stdout.write(line.rstrip("\n"))
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code or result is None:
            raise CommandError(f"the bench child `{' '.join(args[:2])}` failed (exit {code})")
        return result, usage

    # --- the children ---------------------------------------------------------------------------------------------

    def single(self, opts) -> None:
        from openmash.patterns import speed

        as_of = dt.date.fromisoformat(opts["as_of"])
        if opts["single"] == "setup":
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            counts = speed.population_write(children=opts["children"], events=opts["events"], as_of=as_of,
                                            seed=opts["seed"], say=self.stdout.write)  # fmt: skip
            result = {"children": counts.children, "adults": counts.adults, "records": counts.records,
                      "links": counts.links, "events": counts.events, "indicators": counts.indicators,
                      "seconds": time.perf_counter() - started}  # fmt: skip
        elif opts["single"] == "evaluate":
            result = speed.evaluate_timed(as_of)
        else:
            result = speed.import_timed(Path(opts["file"]), MORE_AGENCY)
        self.stdout.write(RESULT_MARK + json.dumps(result))
