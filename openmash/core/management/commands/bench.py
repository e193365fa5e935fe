"""`openmash bench frontdoor`: the front-door benchmark.

Seeds 100,000 people and 50,000 contacts (in realistic states: a screening queue, open and decided MASH enquiries
with agency requests, referrals and allocations, chronology, and the audit trail live use would have written: about
40 events per contact, see openmash/demo/bulk.py) into a separate bench database, then measures in-process, through
the full middleware stack with django.test.Client, signed in as real users:

  - the screening queue (plain and filtered), an enquiry page, page 40 of the decided list, person search, the
    MASH pack page and the social worker's home page, and the auditor's trail filtered by person and by user (page 1
    and a deep page) (target p95 <= 150 ms), and
  - contact creation through the API with a bearer token (target p95 <= 50 ms),

on SQLite and on PostgreSQL. It also counts the SQL queries of each request, first on a small dataset and again at
full size: the count must not grow with the data, and the command exits non-zero if it does (or if a request
fails). `--strict` also makes a p95 over its target an error. `--quick` is a tiny run (seconds) for tests.

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
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from config.env import BASE_DIR

RESULT_MARK = "BENCH-RESULT "
FULL = {"people": 100_000, "contacts": 50_000, "iterations": 100}
QUICK = {"people": 300, "contacts": 100, "iterations": 3}
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
    user: str  # screener, manager, referrer, social_worker or auditor
    web: tuple[str, str] | None  # (method, path template)
    api: tuple[str, str] | None  # None: the page has no API equivalent (it must answer 200)
    # Queries that may come and go with what one page shows, not with the data's size. The audit trail looks up the
    # names of the kinds of record its 50 rows are about (people, contacts, enquiries, agency requests, users,
    # agencies): one query per kind present, none for a kind absent. An N+1 would add about 50.
    query_slack: int = 0


AUDIT_LABEL_KINDS = 6

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
    # the search posts its terms, page and API alike: personal data never goes in a URL (issue 7)
    Endpoint(
        "search", "Person search", "page", "screener", ("POST", "/people/search/"), ("POST", "/api/v1/people/search")
    ),
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
    # the handover: the allocated social worker's MASH pack for one child, and their home page (caseload, packs)
    Endpoint(
        "pack",
        "MASH pack page",
        "page",
        "social_worker",
        ("GET", "/packs/{contact_id}/"),
        ("GET", "/api/v1/mash-packs/{contact_id}"),
    ),
    Endpoint("sw_home", "Social worker's home", "page", "social_worker", ("GET", "/"), None),
    # the auditor's trail over the full audit table: by person and by user, the newest page and the oldest (?after=0,
    # as deep as the trail goes: for one screener at full size, about 3,000 pages of 50 back)
    Endpoint("audit_person", "Audit trail, by person", "page", "auditor", ("GET", "/audit/"), None, AUDIT_LABEL_KINDS),
    Endpoint(
        "audit_person_last", "Audit, person, last page", "page", "auditor", ("GET", "/audit/"), None, AUDIT_LABEL_KINDS
    ),
    Endpoint("audit_user", "Audit trail, by user", "page", "auditor", ("GET", "/audit/"), None, AUDIT_LABEL_KINDS),
    Endpoint(
        "audit_user_last", "Audit, user, last page", "page", "auditor", ("GET", "/audit/"), None, AUDIT_LABEL_KINDS
    ),
    Endpoint("create", "Contact creation (API)", "create", "referrer", None, ("POST", "/api/v1/contacts")),
]
AUDIT_USER = "bench.screener2"  # a screener of the hub whose events are all seeded (the measured users add theirs)


def _search_data(use_web: bool, person) -> dict | str:
    """The search's terms, in the body: the page's form (GOV.UK date input boxes) or the API's JSON."""
    name = f"{person.forename} {person.surname}"
    dob = person.date_of_birth
    if use_web:
        return {
            "name": name,
            "date_of_birth_day": dob.day,
            "date_of_birth_month": dob.month,
            "date_of_birth_year": dob.year,
        }
    return json.dumps({"name": name, "date_of_birth": dob.isoformat()})


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
        "consent_lawful_basis": "public_task",
        "immediate_risk": False,
    }


def _answered(payload: dict, actor) -> dict:
    """The bench's contact as a client sends it after looking first (not timed): every person already known who may
    be one of its new people (the bench's random families share surnames and the adults a date of birth) declined
    in ``not_person_ids``, so the timed POST creates rather than asks "is it them?" (422 on ``<group>.N.match``).
    Its own lookups (matching.candidates.candidates_for for `actor`, the referrer who posts: the listing rule the
    service's audited lookup applies, so it declines exactly the people that lookup offers them, the only ones
    ``not_person_ids`` may name, issue 7) stay out of the trail; the timed request still makes the service's
    audited lookup, a real cost of creation."""
    from openmash.matching.candidates import candidates_for

    for group in ("subjects", "household"):
        for person in payload.get(group) or []:
            found = candidates_for(person, actor=actor)
            if found:
                person["not_person_ids"] = [str(c.person.pk) for c in found]
    return payload


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
    query_slack: int = 0
    sql_ms: float = 0.0  # median time in SQL of one request at full size (Django's timing of each query)
    note: str = ""

    @property
    def target(self) -> float:
        return TARGET_CREATE_MS if self.kind == "create" else TARGET_PAGE_MS

    def summary(self) -> dict:
        p50, p95 = percentile(self.times_ms, 50), percentile(self.times_ms, 95)
        flat = (
            self.queries_small is not None
            and self.queries_full is not None
            and self.queries_full <= self.queries_small + self.query_slack
        )
        return {
            "key": self.key,
            "label": self.label,
            "request": f"{self.method} {self.path}",
            "p50": round(p50, 1),
            "p95": round(p95, 1),
            "max": round(max(self.times_ms), 1),
            "sql_ms": round(self.sql_ms, 1),
            "mean": round(statistics.fmean(self.times_ms), 1),
            "n": len(self.times_ms),
            "target": self.target,
            "queries_small": self.queries_small,
            "queries_full": self.queries_full,
            "queries_flat": flat,
            "query_slack": self.query_slack,
            "pass": p95 <= self.target and flat,
            "note": self.note,
        }


# --- the single-database run -----------------------------------------------------------------------------------


class FrontDoorBench:
    """Seed, measure and report on the current default database."""

    def __init__(self, *, people: int, contacts: int, iterations: int, seed: int, out) -> None:
        self.people, self.contacts, self.iterations, self.out = people, contacts, iterations, out
        self.audit_paths: dict[str, str] = {}  # the trail's filtered pages (?f=<id>), made in choose_route
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
        self.worker_packs = []  # contacts whose MASH pack the measured social worker holds
        self.subject_contacts: Counter = Counter()  # person id -> contacts naming them as subject
        self.audit_people = []  # the children most often referred: the auditor's person filter
        self.audit_events = 0
        self._referrer = None

    def referrer_actor(self):
        """The referrer who posts the timed contacts (police.referrer, whose bearer token the client carries)."""
        if self._referrer is None:
            from openmash.access.actor import actor_for_user
            from openmash.accounts.models import User

            self._referrer = actor_for_user(User.objects.get(username="police.referrer"))
        return self._referrer

    def seed_data(self, *, people: int, contacts: int, offset: int) -> float:
        from openmash.core.dbstats import database_statistics_refresh
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
        self.worker_packs += result.worker_pack_ids
        self.subject_contacts.update(result.subject_contacts)
        self.audit_people = [pid for pid, _ in self.subject_contacts.most_common(20)]
        self.audit_events += result.audit_events
        # The statistics a live database has: PostgreSQL's autovacuum (statistics, and the visibility map that lets
        # a count read an index alone); on SQLite what `openmash serve` refreshes hourly (openmash.core.dbstats)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # VACUUM cannot run in a transaction (the tests' database)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            else:
                cursor.execute("PRAGMA cache_size = -2000")  # the default page cache again
        database_statistics_refresh()
        return time.perf_counter() - started

    # measuring

    def clients(self) -> dict[str, Client]:
        from openmash.accounts.mfa import client_session_verify
        from openmash.accounts.models import User
        from openmash.accounts.services import token_create

        clients = {}
        for role, username in (
            ("screener", "bench.screener"),
            ("manager", "bench.manager"),
            ("social_worker", "csc.socialworker"),
            ("auditor", "bench.auditor"),
        ):
            client = Client(raise_request_exception=False, HTTP_HOST="localhost")
            user = User.objects.get(username=username)
            client.force_login(user)
            client_session_verify(client, user)  # signed in with the second factor too (ADR 0011)
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
            return method, template, _search_data(use_web, person), person.surname
        if endpoint.key == "queue_filtered":
            return method, template, {"overdue": "1" if use_web else "true", "agency": "police"}, ""
        if endpoint.key == "decided_p40":
            return method, template, {"status": "decided", "page": "40"}, ""
        if endpoint.key == "pack":
            return method, template.format(contact_id=self.worker_packs[i % len(self.worker_packs)]), None, ""
        if endpoint.key.startswith("audit_person"):
            data = {"person": str(self.audit_people[i % len(self.audit_people)])}
        elif endpoint.key.startswith("audit_user"):
            data = {"user": AUDIT_USER}
        if endpoint.key.startswith("audit_"):
            last = endpoint.key.endswith("_last")  # the oldest page (keyset paging: as deep as the trail goes)
            stashed = self.audit_paths.get(endpoint.key.removesuffix("_last")) if use_web else None
            if stashed:  # the page keeps the person and user filters server-side: its URL carries ?f=<id>
                return "GET", stashed + ("&after=0" if last else ""), None, ""
            if last:
                data["after"] = "0"
            return method, template, data, ""
        if endpoint.key == "create":
            payload = _contact_payload(self.rng, self.payload_ids, self.pools, timezone.localdate())
            return method, template, json.dumps(_answered(payload, self.referrer_actor())), ""
        return method, template, None, ""

    def request(self, client: Client, method: str, path: str, data):
        if method == "GET":
            return client.get(path, data)
        if isinstance(data, str):
            return client.post(path, data, content_type="application/json")
        return client.post(path, data)

    def choose_route(self, endpoint: Endpoint, client: Client) -> tuple[bool, str]:
        """Prefer the web page: it must resolve, answer 200 and (for search) show the person searched for. A page
        with no API equivalent must work: CommandError otherwise (the benchmark must not rot silently)."""
        if endpoint.web is None:
            return False, ""
        if endpoint.key.startswith("audit_") and not endpoint.key.endswith("_last"):
            # the trail's person and user filters never go in a URL (core.filter_stash): post the form once, as the
            # auditor does, and time the page it leads to (?f=<id>)
            if endpoint.key.startswith("audit_person"):
                form = {"person": str(self.audit_people[0])}
            else:
                form = {"user": AUDIT_USER}
            posted = client.post(endpoint.web[1], form)
            if posted.status_code == 302:
                self.audit_paths[endpoint.key] = posted["Location"]
        method, path, data, expect = self.build(endpoint, True, 0)
        problem = ""
        try:
            resolve(path.split("?", 1)[0])
        except Resolver404:
            problem = f"web page {path} not found"
        else:
            response = self.request(client, method, path, data)
            body = response.content.decode(errors="replace")
            if response.status_code != 200:
                problem = f"web page answered {response.status_code}"
            elif expect and expect not in body and html.escape(expect) not in body:
                problem = "web page did not show the result"
            elif endpoint.key.startswith("audit_") and ('"audit-events"' not in body or "No events match" in body):
                problem = "the audit trail page showed no events"
        if not problem:
            return True, ""
        if endpoint.api is None:
            raise CommandError(f"{endpoint.label}: {problem}.")
        return False, f"{problem}: measured the API"

    def query_count(self, endpoint: Endpoint, client: Client, use_web: bool, runs: int = 3) -> int:
        """The usual number of SQL queries of one request (the most common of `runs`); keeps the median time the
        database spent on them in self.sql_ms (to tell database time from a busy machine's Python time)."""
        counts, sql_ms = [], []
        for i in range(runs):
            method, path, data, _ = self.build(endpoint, use_web, 1000 + i)
            with CaptureQueriesContext(connection) as ctx:
                response = self.request(client, method, path, data)
            _check(response, method, path)
            counts.append(len(ctx))
            sql_ms.append(sum(float(q["time"] or 0) for q in ctx.captured_queries) * 1000)
        self.sql_ms = statistics.median(sql_ms)
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
        self.stage = "small"
        t = self.seed_data(people=self.small_people, contacts=self.small_contacts, offset=0)
        self.say(
            f"  small dataset: {self.small_people:,} people, {self.small_contacts:,} contacts, "
            f"{self.audit_events:,} audit events ({t:.1f}s)"
        )
        clients = self.clients()
        routes = {e.key: self.choose_route(e, clients[e.user]) for e in ENDPOINTS}
        results = {}
        for e in ENDPOINTS:
            use_web, note = routes[e.key]
            method, template = e.web if use_web else e.api
            results[e.key] = Measurement(e.key, e.label, e.kind, method, template, query_slack=e.query_slack, note=note)
            results[e.key].queries_small = self.query_count(e, clients[e.user], use_web)
        rest_people, rest_contacts = self.people - self.small_people, self.contacts - self.small_contacts
        self.stage = "full"
        t = self.seed_data(people=max(rest_people, 0), contacts=max(rest_contacts, 0), offset=500_000)
        self.say(
            f"  full dataset: {self.people:,} people, {self.contacts:,} contacts, {self.audit_events:,} audit events, "
            f"the measured social worker holds {self.cast.measured_caseload} children in "
            f"{len(self.worker_packs)} packs (+{t:.1f}s)"
        )
        clients = self.clients()  # fresh sessions: loading may outlast the 15-minute idle timeout
        for e in ENDPOINTS:
            use_web = routes[e.key][0]
            client = clients[e.user]
            self.timings(e, client, use_web, 3)  # warm up
            results[e.key].queries_full = self.query_count(e, client, use_web)
            results[e.key].sql_ms = self.sql_ms
            results[e.key].times_ms = self.timings(e, client, use_web, self.iterations)
        summary = {
            "database": vendor,
            "load": _load(),
            "vendor": connection.vendor,
            "people": self.people,
            "contacts": self.contacts,
            "audit_events": self.audit_events,
            "caseload": self.cast.measured_caseload,
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
    """Agencies and the users the bulk rows and the measurements need: the measured users (a screener, a manager, a
    referrer, a social worker, the auditor) go through user_create; the rest of the hub (HUB_SCREENERS screeners and
    HUB_MANAGERS managers in all), the assessment service's other SOCIAL_WORKERS and the agencies' researchers, who
    only act in the bulk rows and the audit trail, are plain rows."""
    from openmash.accounts.models import Agency, Membership, User
    from openmash.accounts.services import agency_create, user_create
    from openmash.demo.bulk import HUB_MANAGERS, HUB_SCREENERS, SOCIAL_WORKERS, BenchCast
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
    made, actors = {}, {}
    for username, agency, role in (
        ("bench.screener", "mash", "screener"),
        ("bench.manager", "mash", "manager"),
        ("police.referrer", "police", "referrer"),
        ("csc.socialworker", "csc", "social_worker"),
        ("bench.auditor", "mash", "auditor"),
    ):
        made[username] = user_create(
            username=username, password=password, agency_code=agency, role=role, check_password=False
        )
        actors[made[username].pk] = (username, agency, role)

    def plain(username: str, code: str, role: str) -> int:
        user = User.objects.create(username=username, password="!")
        Membership.objects.create(user=user, agency=agencies[code], role=role)
        actors[user.pk] = (username, code, role)
        return user.pk

    researchers = {}
    for code in PARTNER_CODES:
        researchers[code] = (plain(f"{code}.researcher", code, "researcher"), agencies[code].pk)
    screeners = [made["bench.screener"].pk] + [
        plain(f"bench.screener{i}", "mash", "screener") for i in range(2, HUB_SCREENERS + 1)
    ]
    managers = [made["bench.manager"].pk] + [
        plain(f"bench.manager{i}", "mash", "manager") for i in range(2, HUB_MANAGERS + 1)
    ]
    workers = [plain(f"csc.socialworker{i}", "csc", "social_worker") for i in range(2, SOCIAL_WORKERS + 1)]
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
        actors=actors,
        screener_ids=screeners,
        manager_ids=managers,
        social_worker_ids=workers,
    )


def format_table(summary: dict) -> str:
    """The results of one database as a plain-text table: one row per endpoint, with p50/p95/max, the target, the
    query counts on the small and the full dataset, and the verdict."""
    head = (
        f"\n{summary['database']}: {summary['people']:,} people, {summary['contacts']:,} contacts, "
        f"{summary.get('audit_events', 0):,} audit events; {summary['iterations']} requests per endpoint "
        f"(load average after: {summary.get('load', '?')})"
    )
    lines = [
        head,
        f"  {'endpoint':<26} {'request':<34} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'sql ms':>7} {'target':>7}"
        f"  {'queries small/full':>22}  result",
    ]
    for e in summary["endpoints"]:
        queries = f"{e['queries_small']}/{e['queries_full']}"
        if e.get("query_slack"):
            queries += f" (+{e['query_slack']} ok)"
        problems = []
        if e["p95"] > e["target"]:
            problems.append("p95 over target")
        if not e["queries_flat"]:
            problems.append("QUERY COUNT GROWS")
        verdict = "PASS" if not problems else "FAIL (" + ", ".join(problems) + ")"
        lines.append(
            f"  {e['label']:<26} {e['request']:<34} {e['p50']:>7.1f} {e['p95']:>7.1f} {e['max']:>7.1f}"
            f" {e.get('sql_ms', 0):>7.1f}"
            f" {'<=' + str(int(e['target'])):>7}  {queries:>22}  {verdict}"
        )
        if e["note"]:
            lines.append(f"  {'':<26} ({e['note']})")
    return "\n".join(lines)


def failures(summary: dict, *, strict: bool) -> list[str]:
    """What makes the run fail: an endpoint whose query count grew with the data (always), or whose p95 is over
    its target (with strict: timings depend on the machine's load, query counts do not)."""
    out = []
    for e in summary["endpoints"]:
        if not e["queries_flat"]:
            out.append(
                f"{summary['database']}: {e['label']}: query count grows ({e['queries_small']} -> {e['queries_full']})"
            )
        if strict and e["p95"] > e["target"]:
            out.append(f"{summary['database']}: {e['label']}: p95 {e['p95']} ms over {e['target']:.0f} ms")
    return out


# --- the parent: one process per database ---------------------------------------------------------------------------


def _sqlite_prepare(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
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
        parser.add_argument("--people", type=int, default=None, help="People at full size (default 100,000)")
        parser.add_argument("--contacts", type=int, default=None, help="Contacts at full size (default 50,000)")
        parser.add_argument("--iterations", type=int, default=None, help="Timed requests per endpoint (default 100)")
        parser.add_argument(
            "--quick",
            action="store_true",
            help=f"A tiny run for tests: {QUICK['people']} people, {QUICK['contacts']} contacts, "
            f"{QUICK['iterations']} requests per endpoint (sizes given explicitly still win)",
        )
        parser.add_argument("--strict", action="store_true", help="Also fail (exit 1) when a p95 is over its target")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument(
            "--sqlite-path", default="", help="SQLite file to create, use and remove (var/bench.sqlite3)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="Keep the bench databases afterwards")
        parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        sizes = QUICK if opts["quick"] else FULL
        for key, value in sizes.items():
            if opts[key] is None:
                opts[key] = value
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
        problems = failures(summary, strict=opts["strict"])
        if problems:
            raise CommandError("Benchmark failed: " + "; ".join(problems))

    def parent(self, opts) -> None:
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        summaries, failed, started = [], [], time.perf_counter()
        for db in databases:
            summary, returncode = self.one_database(db, opts)
            if summary:
                summaries.append(summary)
            if returncode:
                failed.append(f"the {db} run exited {returncode}")
        self.stdout.write(f"\nSummary ({time.perf_counter() - started:.0f}s in all)")
        for summary in summaries:
            self.stdout.write(format_table(summary))
            failed += failures(summary, strict=opts["strict"])
        if not summaries:
            raise CommandError("No database was benchmarked.")
        if failed:
            raise CommandError("Benchmark failed: " + "; ".join(dict.fromkeys(failed)))

    def one_database(self, db: str, opts) -> tuple[dict | None, int]:
        """Run the benchmark on one database in its own process: (its summary or None, its exit code)."""
        sqlite_path = Path(opts["sqlite_path"]) if opts["sqlite_path"] else BASE_DIR / "var" / "bench.sqlite3"
        if db == "sqlite":
            url = _sqlite_prepare(sqlite_path)
        else:
            url = opts["postgres_url"]
            try:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
                _pg_admin(url, "CREATE DATABASE {}")
            except Exception as exc:  # noqa: BLE001 - any connection problem means "skip PostgreSQL"
                self.stderr.write(f"PostgreSQL not available at {url} ({exc}); skipped.")
                return None, 0
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "frontdoor", "--single"]
        for flag in ("people", "contacts", "iterations", "seed"):
            cmd += [f"--{flag}", str(opts[flag])]
        if opts["strict"]:
            cmd.append("--strict")
        # no sign-in chatter; one screener times 100 searches a minute apart from nobody: a search limit they never
        # reach keeps its count query in every measured search
        env = {
            "OPENMASH_LOG_LEVEL": "WARNING",
            **os.environ,
            "DATABASE_URL": url,
            "OPENMASH_SEARCH_RATE_PER_MINUTE": "1000000",
        }
        started = time.perf_counter()
        summary, returncode = None, 0
        try:
            with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR) as proc:
                for line in proc.stdout:
                    if line.startswith(RESULT_MARK):
                        summary = json.loads(line[len(RESULT_MARK) :])
                    else:
                        self.stdout.write(line.rstrip("\n"))
            returncode = proc.returncode
            if returncode:
                self.stderr.write(f"The {db} run failed (exit {returncode}).")
        finally:
            if not opts["keep"]:
                if db == "sqlite":
                    _sqlite_remove(sqlite_path)
                else:
                    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.stdout.write(f"  ({db}: {time.perf_counter() - started:.0f}s including seeding)")
        return summary, returncode
