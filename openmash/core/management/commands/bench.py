"""`openmash bench frontdoor`: the front-door benchmark.

Seeds 100,000 people and 50,000 contacts (in realistic states: a screening queue, open and decided MASH enquiries
with agency requests, referrals, chronology, audit) into a separate bench database, then measures in-process, through
the full middleware stack with django.test.Client, signed in as real users:

  - the screening queue page, an enquiry page and person search (target p95 <= 150 ms), and
  - contact creation through the API with a bearer token (target p95 <= 50 ms),

on SQLite and on PostgreSQL. It also counts the SQL queries of each request, first on a small dataset and again at
full size: the count must not grow with the data.

Each database runs in its own process (`--single`, with DATABASE_URL pointing at the bench database); the parent
prepares and removes the databases and prints the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from config.env import BASE_DIR

RESULT_MARK = "BENCH-RESULT "
TARGET_PAGE_MS = 150.0
TARGET_CREATE_MS = 50.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_bench"


# --- what is measured ----------------------------------------------------------------------------------------------
# Each endpoint has the web page (preferred when its URL resolves and it answers 200) and the API equivalent. To
# measure something else, change the paths or the request builders here.


@dataclass
class Endpoint:
    key: str
    label: str
    kind: str  # "page" or "create"
    user: str  # screener, manager or referrer
    web: tuple[str, str] | None  # (method, path template)
    api: tuple[str, str]


ENDPOINTS = [
    Endpoint(
        "queue", "Screening queue", "page", "screener", ("GET", "/screening/"), ("GET", "/api/v1/screening-queue")
    ),
    Endpoint(
        "enquiry",
        "Enquiry page",
        "page",
        "manager",
        ("GET", "/enquiries/{enquiry_id}/"),
        ("GET", "/api/v1/enquiries/{enquiry_id}"),
    ),
    Endpoint("search", "Person search", "page", "screener", ("POST", "/people/search/"), ("GET", "/api/v1/people")),
    # issue 5: a filtered queue, and a page deep into the decided list (both paged with their true total)
    Endpoint(
        "queue_filtered",
        "Queue, filtered",
        "page",
        "screener",
        ("GET", "/screening/"),
        ("GET", "/api/v1/screening-queue"),
    ),
    Endpoint(
        "decided_p40",
        "Decided, page 40",
        "page",
        "manager",
        ("GET", "/enquiries/"),
        ("GET", "/api/v1/enquiries"),
    ),
    Endpoint("create", "Contact creation (API)", "create", "referrer", None, ("POST", "/api/v1/contacts")),
]


def _search_data(method: str, person) -> dict:
    name = f"{person.forename} {person.surname}"
    dob = person.date_of_birth
    if method == "POST":  # the web form: GOV.UK date input boxes
        return {
            "name": name,
            "date_of_birth_day": dob.day,
            "date_of_birth_month": dob.month,
            "date_of_birth_year": dob.year,
        }
    return {"name": name, "date_of_birth": dob.isoformat()}


def _contact_payload(rng: random.Random, ids, pools, today: dt.date) -> dict:
    surname = rng.choice(pools.surnames)
    dob = today - dt.timedelta(days=rng.randint(200, 5000))
    return {
        "subjects": [
            {
                "forename": rng.choice(pools.female),
                "surname": surname,
                "date_of_birth": dob.isoformat(),
                "sex": "F",
                "ethnicity": "WBRI",
                "identifiers": [{"type": "nhs_number", "value": ids.nhs_number()}],
                "address": {"line1": "1 High Street", "town": "Exampleton", "postcode": "EX1 1AA"},
            }
        ],
        "household": [
            {
                "forename": rng.choice(pools.male),
                "surname": surname,
                "date_of_birth": "1988-01-01",
                "sex": "M",
                "role": "alleged_perpetrator",
            }
        ],
        "concern_codes": ["3A", "18C"],
        "narrative": "Child disclosed that an adult at home hit her; visible bruising to the arm.",
        "referrer_type": "professional",
        "referrer_name": "PC Example",
        "family_aware": "no",
        "consent": "not_sought",
        "consent_not_sought_reason": "unsafe",
        "immediate_risk": False,
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Measurement:
    key: str
    label: str
    kind: str
    method: str
    path: str
    times_ms: list[float] = field(default_factory=list)
    queries_small: int | None = None
    queries_full: int | None = None
    note: str = ""

    @property
    def target(self) -> float:
        return TARGET_CREATE_MS if self.kind == "create" else TARGET_PAGE_MS

    def summary(self) -> dict:
        p50, p95 = percentile(self.times_ms, 50), percentile(self.times_ms, 95)
        flat = self.queries_small is not None and self.queries_full == self.queries_small
        return {
            "key": self.key,
            "label": self.label,
            "request": f"{self.method} {self.path}",
            "p50": round(p50, 1),
            "p95": round(p95, 1),
            "max": round(max(self.times_ms), 1),
            "mean": round(statistics.fmean(self.times_ms), 1),
            "n": len(self.times_ms),
            "target": self.target,
            "queries_small": self.queries_small,
            "queries_full": self.queries_full,
            "queries_flat": flat,
            "pass": p95 <= self.target and flat,
            "note": self.note,
        }


# --- the single-database run -----------------------------------------------------------------------------------


class FrontDoorBench:
    """Seed, measure and report on the current default database."""

    def __init__(self, *, people: int, contacts: int, iterations: int, seed: int, out) -> None:
        self.people, self.contacts, self.iterations, self.out = people, contacts, iterations, out
        self.rng = random.Random(seed)
        self.seed = seed
        self.small_people = min(2000, max(people // 10, 60))
        self.small_contacts = min(500, max(contacts // 10, 40))

    def say(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()

    # seeding

    def setup(self) -> None:
        from faker import Faker

        from openmash.demo.population import IdentifierSource, NamePools
        from openmash.partnership.selectors import working_calendar_get

        self.fake = Faker("en_GB")
        self.fake.seed_instance(self.seed)
        self.pools = NamePools(self.fake)
        self.now = timezone.now()
        self.calendar = working_calendar_get(around=timezone.localdate() - dt.timedelta(days=270))
        self.cast = _cast_create()
        self.payload_ids = IdentifierSource(self.rng, offset=900_000)
        self.people_seen = []
        self.open_enquiries = []

    def seed_data(self, *, people: int, contacts: int, offset: int) -> float:
        from openmash.demo.bulk import FrontDoorHistory
        from openmash.demo.population import population_create

        started = time.perf_counter()
        if connection.vendor == "sqlite":  # a big page cache while loading (random UUID keys), the default after
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        population = population_create(
            rng=self.rng,
            fake=self.fake,
            people=people,
            households=max(1, round(people / 2.5)),
            today=timezone.localdate(),
            offset=offset,
            pools=self.pools,
            created_at=self.now - dt.timedelta(days=600),
        )
        history = FrontDoorHistory(
            rng=self.rng, cast=self.cast, population=population, calendar=self.calendar, now=self.now, offset=offset
        )
        result = history.create(contacts)
        self.people_seen += [c for h in population.households for c in h.children if c.date_of_birth]
        self.open_enquiries += result.open_enquiry_ids
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA cache_size = -2000")
        return time.perf_counter() - started

    # measuring

    def clients(self) -> dict[str, Client]:
        from openmash.accounts.models import User
        from openmash.accounts.services import token_create

        clients = {}
        for role, username in (("screener", "bench.screener"), ("manager", "bench.manager")):
            client = Client(raise_request_exception=False, HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            clients[role] = client
        token = token_create(username="police.referrer")[1]
        clients["referrer"] = Client(
            raise_request_exception=False, HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        return clients

    def build(self, endpoint: Endpoint, use_web: bool, i: int) -> tuple[str, str, dict | str | None, str]:
        method, template = endpoint.web if use_web else endpoint.api
        if endpoint.key == "enquiry":
            enquiry_id = self.open_enquiries[i % len(self.open_enquiries)]
            return method, template.format(enquiry_id=enquiry_id), None, ""
        if endpoint.key == "search":
            person = self.people_seen[(i * 7919) % len(self.people_seen)]
            return method, template, _search_data(method, person), person.surname
        if endpoint.key == "queue_filtered":
            return method, template, {"overdue": "1" if use_web else "true", "agency": "police"}, ""
        if endpoint.key == "decided_p40":
            return method, template, {"status": "decided", "page": "40"}, ""
        if endpoint.key == "create":
            payload = _contact_payload(self.rng, self.payload_ids, self.pools, timezone.localdate())
            return method, template, json.dumps(payload), ""
        return method, template, None, ""

    def request(self, client: Client, method: str, path: str, data):
        if method == "GET":
            return client.get(path, data)
        if isinstance(data, str):
            return client.post(path, data, content_type="application/json")
        return client.post(path, data)

    def choose_route(self, endpoint: Endpoint, client: Client) -> tuple[bool, str]:
        """Prefer the web page: it must resolve, answer 200 and (for search) show the person searched for."""
        if endpoint.web is None:
            return False, ""
        method, path, data, expect = self.build(endpoint, True, 0)
        try:
            resolve(path)
        except Resolver404:
            return False, f"web page {path} not found: measured the API"
        response = self.request(client, method, path, data)
        if response.status_code != 200:
            return False, f"web page answered {response.status_code}: measured the API"
        body = response.content.decode(errors="replace")
        if expect and expect not in body and html.escape(expect) not in body:
            return False, "web page did not show the result: measured the API"
        return True, ""

    def query_count(self, endpoint: Endpoint, client: Client, use_web: bool, runs: int = 3) -> int:
        counts = []
        for i in range(runs):
            method, path, data, _ = self.build(endpoint, use_web, 1000 + i)
            with CaptureQueriesContext(connection) as ctx:
                response = self.request(client, method, path, data)
            _check(response, method, path)
            counts.append(len(ctx))
        return Counter(counts).most_common(1)[0][0]

    def timings(self, endpoint: Endpoint, client: Client, use_web: bool, runs: int) -> list[float]:
        times = []
        for i in range(runs):
            method, path, data, _ = self.build(endpoint, use_web, i)
            started = time.perf_counter()
            response = self.request(client, method, path, data)
            times.append((time.perf_counter() - started) * 1000)
            _check(response, method, path)
        return times

    def run(self) -> dict:
        vendor = _database_label()
        self.setup()
        self.say(f"Front-door benchmark on {vendor} (load average before: {_load()})")
        t = self.seed_data(people=self.small_people, contacts=self.small_contacts, offset=0)
        self.say(f"  small dataset: {self.small_people:,} people, {self.small_contacts:,} contacts ({t:.1f}s)")
        clients = self.clients()
        routes = {e.key: self.choose_route(e, clients[e.user]) for e in ENDPOINTS}
        results = {}
        for e in ENDPOINTS:
            use_web, note = routes[e.key]
            method, template = e.web if use_web else e.api
            results[e.key] = Measurement(e.key, e.label, e.kind, method, template, note=note)
            results[e.key].queries_small = self.query_count(e, clients[e.user], use_web)
        rest_people, rest_contacts = self.people - self.small_people, self.contacts - self.small_contacts
        t = self.seed_data(people=max(rest_people, 0), contacts=max(rest_contacts, 0), offset=500_000)
        self.say(f"  full dataset: {self.people:,} people, {self.contacts:,} contacts (+{t:.1f}s)")
        clients = self.clients()  # fresh sessions: loading may outlast the 15-minute idle timeout
        for e in ENDPOINTS:
            use_web = routes[e.key][0]
            client = clients[e.user]
            self.timings(e, client, use_web, 3)  # warm up
            results[e.key].queries_full = self.query_count(e, client, use_web)
            results[e.key].times_ms = self.timings(e, client, use_web, self.iterations)
        summary = {
            "database": vendor,
            "load": _load(),
            "vendor": connection.vendor,
            "people": self.people,
            "contacts": self.contacts,
            "iterations": self.iterations,
            "endpoints": [m.summary() for m in results.values()],
        }
        self.say(format_table(summary))
        return summary


def _load() -> str:
    """The 1-minute load average, to read the figures by: other work on the machine slows every request."""
    try:
        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def _database_label() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def _check(response, method: str, path: str) -> None:
    if response.status_code not in (200, 201):
        body = response.content[:300].decode(errors="replace")
        raise CommandError(f"{method} {path} answered {response.status_code}: {body}")


def _cast_create():
    """Agencies and the users the bulk rows and the measurements need. The measured users go through user_create;
    researchers who only author bulk responses are plain rows."""
    from openmash.accounts.models import Agency, Membership, User
    from openmash.accounts.services import agency_create, user_create
    from openmash.demo.bulk import BenchCast
    from openmash.demo.content import AGENCIES, PARTNER_CODES
    from openmash.partnership.services import partnership_defaults_ensure

    if Agency.objects.exists():
        raise CommandError("The bench database is not empty.")
    partnership_defaults_ensure()
    agencies = {}
    for code, name, atype, source, hub, health, parent in AGENCIES:
        agencies[code] = agency_create(
            code=code,
            name=name,
            agency_type=atype,
            source_code=source,
            is_hub=hub,
            health_service=health,
            parent=agencies.get(parent),
        )
    password = "bench-" + os.urandom(12).hex()
    made = {}
    for username, agency, role in (
        ("bench.screener", "mash", "screener"),
        ("bench.manager", "mash", "manager"),
        ("police.referrer", "police", "referrer"),
        ("csc.socialworker", "csc", "social_worker"),
    ):
        made[username] = user_create(
            username=username, password=password, agency_code=agency, role=role, check_password=False
        )
    researchers = {}
    for code in PARTNER_CODES:
        user = User.objects.create(username=f"{code}.researcher", password="!")
        Membership.objects.create(user=user, agency=agencies[code], role="researcher")
        researchers[code] = (user.pk, agencies[code].pk)
    referrers = [(made["police.referrer"].pk, agencies["police"].pk, "police", "6")]
    referrers += [
        (researchers[c][0], agencies[c].pk, c, agencies[c].source_code)
        for c in ("school-oak", "health-gp", "health-acute", "housing")
    ]
    return BenchCast(
        hub_agency_id=agencies["mash"].pk,
        csc_agency_id=agencies["csc"].pk,
        screener_id=made["bench.screener"].pk,
        manager_id=made["bench.manager"].pk,
        social_worker_id=made["csc.socialworker"].pk,
        referrers=referrers,
        researchers=researchers,
    )


def format_table(summary: dict) -> str:
    head = (
        f"\n{summary['database']}: {summary['people']:,} people, {summary['contacts']:,} contacts, "
        f"{summary['iterations']} requests per endpoint (load average after: {summary.get('load', '?')})"
    )
    lines = [
        head,
        f"  {'endpoint':<24} {'request':<34} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'target':>8}"
        f"  {'queries small/full':>18}  result",
    ]
    for e in summary["endpoints"]:
        queries = f"{e['queries_small']}/{e['queries_full']}"
        verdict = "PASS" if e["pass"] else "FAIL"
        if not e["queries_flat"]:
            verdict += " (query count grows)"
        lines.append(
            f"  {e['label']:<24} {e['request']:<34} {e['p50']:>7.1f} {e['p95']:>7.1f} {e['max']:>7.1f}"
            f" {'<=' + str(int(e['target'])):>8}  {queries:>18}  {verdict}"
        )
        if e["note"]:
            lines.append(f"  {'':<24} ({e['note']})")
    return "\n".join(lines)


# --- the parent: one process per database ---------------------------------------------------------------------------


def _sqlite_prepare() -> str:
    path = BASE_DIR / "var" / "bench.sqlite3"
    path.parent.mkdir(exist_ok=True)
    _sqlite_remove(path)
    return f"sqlite:///{path}"


def _sqlite_remove(path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()


def _pg_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name:
        raise CommandError("--postgres-url must name a database, e.g. .../openmash_bench")
    with psycopg.connect(url, dbname="postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


class Command(BaseCommand):
    help = "Benchmarks. `bench frontdoor`: seed 100k people / 50k contacts and time the front door's pages."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=["frontdoor"], help="Which benchmark to run")
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--contacts", type=int, default=50_000)
        parser.add_argument("--iterations", type=int, default=100, help="Timed requests per endpoint")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="Keep the bench databases afterwards")
        parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["people"] < 100 or opts["contacts"] < 50 or opts["iterations"] < 1:
            raise CommandError("Use at least 100 people, 50 contacts and 1 iteration.")
        if opts["single"]:
            self.single(opts)
        else:
            self.parent(opts)

    def single(self, opts) -> None:
        from django.core.management import call_command

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        bench = FrontDoorBench(
            people=opts["people"],
            contacts=opts["contacts"],
            iterations=opts["iterations"],
            seed=opts["seed"],
            out=self.stdout,
        )
        summary = bench.run()
        self.stdout.write(RESULT_MARK + json.dumps(summary))

    def parent(self, opts) -> None:
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        summaries, started = [], time.perf_counter()
        for db in databases:
            summary = self.one_database(db, opts)
            if summary:
                summaries.append(summary)
        self.stdout.write(f"\nSummary ({time.perf_counter() - started:.0f}s in all)")
        for summary in summaries:
            self.stdout.write(format_table(summary))
        if not summaries:
            raise CommandError("No database was benchmarked.")

    def one_database(self, db: str, opts) -> dict | None:
        if db == "sqlite":
            url = _sqlite_prepare()
        else:
            url = opts["postgres_url"]
            try:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
                _pg_admin(url, "CREATE DATABASE {}")
            except Exception as exc:  # noqa: BLE001 - any connection problem means "skip PostgreSQL"
                self.stderr.write(f"PostgreSQL not available at {url} ({exc}); skipped.")
                return None
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "frontdoor", "--single"]
        for flag in ("people", "contacts", "iterations", "seed"):
            cmd += [f"--{flag}", str(opts[flag])]
        # no sign-in chatter; one screener times 100 searches a minute apart from nobody: a search limit they never
        # reach keeps its count query in every measured search
        env = {
            "OPENMASH_LOG_LEVEL": "WARNING",
            **os.environ,
            "DATABASE_URL": url,
            "OPENMASH_SEARCH_RATE_PER_MINUTE": "1000000",
        }
        started = time.perf_counter()
        summary = None
        try:
            with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR) as proc:
                for line in proc.stdout:
                    if line.startswith(RESULT_MARK):
                        summary = json.loads(line[len(RESULT_MARK) :])
                    else:
                        self.stdout.write(line.rstrip("\n"))
            if proc.returncode:
                self.stderr.write(f"The {db} run failed (exit {proc.returncode}).")
        finally:
            if not opts["keep"]:
                if db == "sqlite":
                    _sqlite_remove(BASE_DIR / "var" / "bench.sqlite3")
                else:
                    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.stdout.write(f"  ({db}: {time.perf_counter() - started:.0f}s including seeding)")
        return summary
