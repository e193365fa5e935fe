"""`openmash bench load`: a bounded load run of simulated hub and agency users against `openmash serve`.

For each database (SQLite, PostgreSQL or both) the bench:
  1. creates a fresh bench database and seeds the demo partnership into it (`openmash demo`'s seed: 5,000 people,
     600 contacts through the real services), plus one API token per demo user;
  2. starts `openmash serve` (gunicorn) on 127.0.0.1 only, on a free port, against that database (keep-alive 10 s,
     longer than a simulated user's pause, as a reverse proxy would hold connections; with gunicorn's 2 s default
     a reused connection the server is closing is reset mid-request);
  3. runs locust headless (openmash/core/loadtest/locustfile.py) with --users simulated users (screeners, managers,
     agency researchers, referrers: reads, searches, contact creation, screening, agency answers) for --duration;
     the statistics are reset once every user has started (--reset-stats), so the figures are the steady state,
     not the ramp-up with its sign-ins (each a deliberately slow Argon2 check);
  4. prints errors, p50/p95/p99 per request and overall, 409 conflicts (two people acting on the same item: the
     product's answer, not a fault) and how many "database is locked" errors the server logged;
  5. stops the server and drops the bench database.
Exit status 1 when a target is missed: 0 errors, p95 <= 300 ms, p99 <= 800 ms, no "database is locked".

Needs locust (`pip install -e '.[dev]'`). Loopback only: the server binds 127.0.0.1 and nothing else is contacted.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import BASE_DIR

TARGET_P95_MS = 300.0
TARGET_P99_MS = 800.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_benchload"
LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"
LOCKED = "database is locked"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CommandError(f"openmash serve exited early (status {proc.returncode}); see its log above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310  # nosec B310  # loopback http only
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise CommandError(f"openmash serve did not answer at {url} within {timeout:.0f}s.")


def read_locust_csv(prefix: str) -> dict:
    """Locust's <prefix>_stats.csv and _failures.csv -> {"rows": [...], "total": {...}, "failures": [...]}."""
    rows, total = [], None
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            row = {
                "type": rec["Type"],
                "name": rec["Name"],
                "requests": int(rec["Request Count"]),
                "failures": int(rec["Failure Count"]),
                "p50": float(rec["50%"] or 0),
                "p95": float(rec["95%"] or 0),
                "p99": float(rec["99%"] or 0),
            }
            if rec["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
            failures = [
                {"method": r["Method"], "name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(f)
            ]
    exceptions = []
    if Path(f"{prefix}_exceptions.csv").exists():  # a simulated user's task raised: the bench itself is broken
        with open(f"{prefix}_exceptions.csv", encoding="utf-8") as f:
            exceptions = [{"count": int(r["Count"]), "message": r["Message"]} for r in csv.DictReader(f)]
    return {
        "rows": rows,
        "total": total or {"requests": 0, "failures": 0, "p50": 0, "p95": 0, "p99": 0},
        "failures": failures,
        "exceptions": exceptions,
    }


def verdict(result: dict, locked: int) -> list[str]:
    """The targets missed (empty when all are met): 0 errors, p95 <= 300 ms, p99 <= 800 ms, nothing locked."""
    total = result["total"]
    missed = []
    if total["requests"] == 0:
        missed.append("no requests were made")
    if total["failures"]:
        missed.append(f"{total['failures']} errors (target 0)")
    if total["p95"] > TARGET_P95_MS:
        missed.append(f"p95 {total['p95']:.0f} ms (target <= {TARGET_P95_MS:.0f})")
    if total["p99"] > TARGET_P99_MS:
        missed.append(f"p99 {total['p99']:.0f} ms (target <= {TARGET_P99_MS:.0f})")
    if locked:
        missed.append(f'{locked} "{LOCKED}" errors (target 0)')
    raised = sum(e["count"] for e in result.get("exceptions", []))
    if raised:
        missed.append(f"{raised} exceptions in the simulated users (the bench is broken)")
    return missed


def format_result(db: str, result: dict, locked: int, duration: int, users: int) -> str:
    lines = [
        f"\n{db}: {users} users for {duration}s",
        f"  {'Request':<52} {'count':>7} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}",
    ]
    for r in sorted(result["rows"], key=lambda r: r["name"]):
        lines.append(
            f"  {r['name'][:52]:<52} {r['requests']:>7} {r['failures']:>6} {r['p50']:>6.0f} {r['p95']:>6.0f} {r['p99']:>6.0f}"
        )
    t = result["total"]
    conflicts = sum(r["requests"] for r in result["rows"] if "[409 conflict]" in r["name"])
    lines.append(
        f"  {'All requests (ms)':<52} {t['requests']:>7} {t['failures']:>6} {t['p50']:>6.0f} {t['p95']:>6.0f} {t['p99']:>6.0f}"
    )
    lines.append(f"  409 conflicts (expected when two people take the same item): {conflicts}")
    lines.append(f'  "{LOCKED}" in the server log: {locked}')
    for e in result.get("exceptions", [])[:10]:
        lines.append(f"  exception in a simulated user x{e['count']}: {e['message'][:160]}")
    for f in result["failures"][:20]:
        lines.append(f"  error x{f['count']}: {f['method']} {f['name']}: {f['error'][:160]}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load bench: simulated hub and agency users against `openmash serve` on loopback (targets: 0 errors, p95 <= 300 ms, p99 <= 800 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument("--users", type=int, default=50, help="Simulated users (default 50)")
        parser.add_argument("--duration", type=int, default=300, help="Seconds of load (default 300)")
        parser.add_argument("--spawn-rate", type=float, default=10, help="Users started per second")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--keep", action="store_true", help="Keep the bench database and CSV files")
        parser.add_argument("--people", type=int, default=5000, help="People in the seeded demo (default 5,000)")
        parser.add_argument("--contacts", type=int, default=600, help="Contacts in the seeded demo (default 600)")
        parser.add_argument("--prepare", metavar="PLAN", help=argparse_suppress())

    def handle(self, *args, **opts):
        if opts["prepare"]:
            return self.prepare(opts["prepare"], people=opts["people"], contacts=opts["contacts"])
        if opts["users"] < 1 or opts["duration"] < 1:
            raise CommandError("Use at least 1 user and 1 second.")
        import importlib.util

        if importlib.util.find_spec("locust") is None:  # not imported here: locust monkey-patches threads (gevent)
            raise CommandError("locust is not installed: pip install -e '.[dev]'")
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        missed_any, ran = False, 0
        for db in databases:
            outcome = self.one_database(db, opts)
            if outcome is None:
                continue
            ran += 1
            missed = outcome
            self.stdout.write(f"  {db}: " + ("all targets met" if not missed else "MISSED: " + "; ".join(missed)))
            missed_any = missed_any or bool(missed)
        if not ran:
            raise CommandError("No database was load-tested.")
        if missed_any:
            raise CommandError("Load targets missed (see above).")

    # --- in the child process, DATABASE_URL pointing at the bench database ---------------------------------------

    def prepare(self, plan_path: str, *, people: int, contacts: int) -> None:
        """Migrate, seed the demo partnership, make tokens and write the plan the locust users read."""
        from django.core.management import call_command

        from openmash.accounts.models import User
        from openmash.accounts.services import token_create
        from openmash.demo.seed import DEMO_PASSWORD, seed_demo
        from openmash.people.models import Person

        call_command("migrate", interactive=False, verbosity=0)
        seed_demo(stdout=None, people=people, households=max(1, people * 2 // 5), contacts=contacts)
        users: dict[str, list[dict]] = {"screener": [], "manager": [], "researcher": [], "referrer": []}
        qs = User.objects.filter(is_active=True, memberships__active=True, memberships__role__in=list(users))
        for user in qs.distinct().order_by("username"):
            role = user.memberships.filter(active=True).order_by("created_at").first().role
            users[role].append({"username": user.username, "token": token_create(username=user.username)[1]})
        people = [
            {"name": f"{p.forename} {p.surname}", "date_of_birth": p.date_of_birth.isoformat()}
            for p in Person.objects.filter(date_of_birth__isnull=False).order_by("id")[:300]
        ]
        from openmash.accounts.models import Agency

        request_agencies = list(
            Agency.objects.filter(memberships__role="researcher", active=True)
            .values_list("code", flat=True)
            .distinct()[:3]
        )
        from openmash.accounts.models import AppDevice

        # each demo user's authenticator key (the seed made one per user; ADR 0011): the simulated users type its code
        totp_keys = {  # instances: the key is encrypted at rest and decrypts with its row
            d.user.username: d.key for d in AppDevice.objects.filter(confirmed=True).select_related("user")
        }
        Path(plan_path).write_text(
            json.dumps(
                {
                    "password": DEMO_PASSWORD,
                    "users": users,
                    "people": people,
                    "request_agencies": request_agencies,
                    "totp_keys": totp_keys,
                }
            )
        )

    # --- in the parent ---------------------------------------------------------------------------------------------

    def _database(self, db: str, opts) -> str:
        if db == "sqlite":
            path = BASE_DIR / "var" / "bench-load.sqlite3"
            path.parent.mkdir(exist_ok=True)
            self._sqlite_remove(path)
            return f"sqlite:///{path}"
        from openmash.core.management.commands.bench import _pg_admin

        url = opts["postgres_url"]
        _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _pg_admin(url, "CREATE DATABASE {}")
        return url

    @staticmethod
    def _sqlite_remove(path: Path) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                p.unlink()

    def _drop(self, db: str, url: str, opts) -> None:
        if opts["keep"]:
            return
        if db == "sqlite":
            self._sqlite_remove(BASE_DIR / "var" / "bench-load.sqlite3")
        else:
            from openmash.core.management.commands.bench import _pg_admin

            _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def one_database(self, db: str, opts) -> list[str] | None:
        try:
            url = self._database(db, opts)
        except Exception as exc:  # noqa: BLE001 - any connection problem means "skip this database"
            self.stderr.write(f"{db} not available ({type(exc).__name__}); skipped.")
            return None
        work = Path(tempfile.mkdtemp(prefix="openmash-load-"))
        plan = work / "plan.json"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "OPENMASH_DEMO": "false",
            "OPENMASH_DEBUG": "false",
            "OPENMASH_SECRET_KEY": secrets.token_urlsafe(50),
            "OPENMASH_ALLOWED_HOSTS": "127.0.0.1",
            "OPENMASH_HTTPS": "false",
            "OPENMASH_LOG_LEVEL": "WARNING",
            # 50 simulated users share a few demo accounts: the per-user search limit (30 a minute) would refuse
            # them; a limit they never reach keeps its count query in every measured search.
            "OPENMASH_SEARCH_RATE_PER_MINUTE": "1000000",
        }
        server = None
        try:
            self.stdout.write(f"{db}: seeding the demo partnership into the bench database...")
            self.stdout.flush()
            started = time.perf_counter()
            seed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "openmash.cli",
                    "bench_load",
                    "--prepare",
                    str(plan),
                    "--people",
                    str(opts["people"]),
                    "--contacts",
                    str(opts["contacts"]),
                ],
                env=env,
                cwd=BASE_DIR,
                capture_output=True,
                text=True,
            )
            if seed.returncode:
                raise CommandError(f"Seeding failed: {(seed.stderr.strip().splitlines() or ['?'])[-1]}")
            self.stdout.write(f"  seeded in {time.perf_counter() - started:.0f}s")
            port = _free_port()
            log = open(work / "server.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "openmash.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(opts["workers"]),
                    "--escalate-every",
                    "0",
                ],
                env={
                    **env,
                    "GUNICORN_CMD_ARGS": f"--threads {opts['threads']} --keep-alive 10 --access-logfile /dev/null",
                },
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            host = f"http://127.0.0.1:{port}"
            _wait_until_up(host + "/login/", server, timeout=300)  # collectstatic runs first
            for _ in range(4 * opts["workers"]):  # warm every worker (imports, first connection) before measuring
                with urllib.request.urlopen(host + "/login/", timeout=30):  # noqa: S310  # nosec B310  # loopback http only
                    pass
            self.stdout.write(
                f"  serving on {host} ({opts['workers']} workers x {opts['threads']} threads); "
                f"{opts['users']} users for {opts['duration']}s..."
            )
            self.stdout.flush()
            prefix = str(work / "locust")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--only-summary",
                    "--users",
                    str(opts["users"]),
                    "--spawn-rate",
                    str(opts["spawn_rate"]),
                    "--run-time",
                    f"{opts['duration']}s",
                    "--host",
                    host,
                    "--csv",
                    prefix,
                    "--loglevel",
                    "ERROR",
                    "--stop-timeout",
                    "30",
                    "--exit-code-on-error",
                    "0",
                    "--reset-stats",
                ],
                env={**env, "OPENMASH_LOAD_PLAN": str(plan)},
                cwd=str(work),
                capture_output=True,
                text=True,
                timeout=opts["duration"] + 120,
            )
            result = read_locust_csv(prefix)
            log.flush()
            log.seek(0)
            server_log = log.read()
            log.close()
            locked = server_log.count(LOCKED)
            self.stdout.write(format_result(db, result, locked, opts["duration"], opts["users"]))
            timeouts, crashes = server_log.count("WORKER TIMEOUT"), server_log.count("Traceback")
            self.stdout.write(f"  server log: {timeouts} gunicorn worker timeouts, {crashes} tracebacks")
            self.stdout.write(
                "BENCH-LOAD-RESULT " + json.dumps({"database": db, "total": result["total"], "locked": locked})
            )
            return verdict(result, locked)
        finally:
            if server is not None:
                import signal

                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
            self._drop(db, url, opts)
            if not opts["keep"]:
                import shutil

                shutil.rmtree(work, ignore_errors=True)
            else:
                self.stdout.write(f"  kept: {work}")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
