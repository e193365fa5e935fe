"""`openmash bench lookup`: one intake lookup against 1,000,000 indexed people, on SQLite and on PostgreSQL.

For each database the bench (in its own process, `--single`, with DATABASE_URL at a bench database it creates and
drops):

  1. migrates and writes --people people (default 1,000,000) through the fast bulk path (demo.fastinsert: COPY on
     PostgreSQL, executemany on SQLite), each with a current address and the search keys the index would give them
     (people.search_index.search_key_rows, the same keys every save writes). Names are generated from Faker's
     en_GB lists (most people) and Polish, Danish, Turkish, Irish, Romanian, Portuguese, Russian, Ukrainian,
     Chinese, Arabic and Hindi lists, plus double-barrelled surnames; surnames are drawn with a long tail (a few very
     common, many rare), dates of birth over 0-80 years (most people children), about 2.5 people per postcode;
  2. times --queries intake lookups (after a warm-up) over a spread of realistic queries: the full name and date of
     birth as typed on an English keyboard; a nickname or sound-alike first name; day and month swapped; the
     surname and date of birth; the name, date of birth and postcode; the surname and postcode; the first and last
     name the other way round; and names nobody has. One lookup is what intake runs: people.selectors.person_search
     as a hub screener (the minimum-identifier rule, the index seeks, ranking and reasons, loading the 20 shown with
     their details, which of them the searcher may open, and the audit events, committed);
  3. prints p50/p95/p99 (ms) overall and per kind of query, this process's CPU time per lookup (p95), the time
     spent in the database's execute calls per lookup (p95; the commit not included), the people
     listed per query, the table sizes, and the machine's load average (on a shared machine other work takes the
     CPU between a lookup's queries: compare the wall-clock and CPU figures).

Target: p95 <= 20 ms on both databases (exit status 1 when missed). The rate limit is raised out of reach for the
timed lookups (one user making thousands of searches a minute is what it would stop); its count query still runs.
`--keep` keeps the bench databases; `--reuse` times again against them without writing the people again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from config.env import BASE_DIR

RESULT_MARK = "BENCH-LOOKUP "
TARGET_P95_MS = 20.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_benchlookup"
SQLITE_NAME = "bench-lookup.sqlite3"
# (Faker locale, share of people)
LOCALES = [
    ("en_GB", 0.70),
    ("pl_PL", 0.04),
    ("ro_RO", 0.03),
    ("pt_PT", 0.02),
    ("tr_TR", 0.03),
    ("da_DK", 0.02),
    ("ga_IE", 0.03),
    ("ru_RU", 0.02),
    ("uk_UA", 0.02),
    ("zh_CN", 0.03),
    ("ar_AA", 0.03),
    ("hi_IN", 0.03),
]
QUERY_KINDS = [
    # (kind, share of queries)
    ("full_name_dob", 0.25),
    ("nickname_or_soundalike_dob", 0.10),
    ("dob_transposed", 0.10),
    ("surname_dob", 0.15),
    ("name_dob_postcode", 0.15),
    ("surname_postcode", 0.10),
    ("names_swapped_dob", 0.05),
    ("nobody", 0.10),
]
SOUNDALIKE = {"Kayden": "Kaden", "Stephen": "Steven", "Catherine": "Katherine", "Jon": "John", "Sara": "Sarah"}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else 0.0


class NamePool:
    """Given and family names per locale, drawn with a long tail (the first names of each list are common)."""

    def __init__(self, rng: random.Random, per_locale: int = 1500):
        from faker import Faker

        self.rng = rng
        self.locales = [locale for locale, _ in LOCALES]
        self.shares = [share for _, share in LOCALES]
        self.given, self.family = {}, {}
        for locale in self.locales:
            fake = Faker(locale)
            fake.seed_instance(rng.randint(0, 2**31))
            given = list(dict.fromkeys(fake.first_name() for _ in range(per_locale)))
            if locale == "en_GB":
                given += [n for n in SOUNDALIKE if n not in given]  # names whose sound-alike spelling is queried
            family = list(dict.fromkeys(fake.last_name() for _ in range(per_locale)))
            self.given[locale] = (given, list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(len(given)))))
            self.family[locale] = (family, list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(family)))))

    def names(self, n: int) -> list[tuple[str, str]]:
        """n (given, family) pairs; about 3% of English surnames double-barrelled."""
        rng = self.rng
        out = []
        for locale in rng.choices(self.locales, self.shares, k=n):
            given = rng.choices(self.given[locale][0], cum_weights=self.given[locale][1])[0]
            family = rng.choices(self.family[locale][0], cum_weights=self.family[locale][1])[0]
            if locale == "en_GB" and rng.random() < 0.03:
                second = rng.choices(self.family[locale][0], cum_weights=self.family[locale][1])[0]
                family = f"{family}-{second}"
            out.append((given, family))
        return out


def _dob(rng: random.Random, today: dt.date) -> dt.date:
    years = rng.uniform(0, 18) if rng.random() < 0.65 else rng.uniform(18, 80)
    return today - dt.timedelta(days=int(years * 365.25))


def populate(*, people: int, seed: int, out, batch: int = 50_000) -> dict:
    """Write `people` people with addresses and search keys through the bulk path. Out: sizes and seconds."""
    from django.db import connection
    from faker import Faker

    from openmash.core.text import normalise_name
    from openmash.demo.fastinsert import insert_rows
    from openmash.people.models import Address, Person, SearchKey
    from openmash.people.search_index import search_key_rows

    rng = random.Random(seed)
    pool = NamePool(rng)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    postcodes = [fake.postcode() for _ in range(max(people // 25, 10))]
    today = timezone.localdate()
    started = time.perf_counter()
    keys = 0
    done = 0
    # as any bulk load would: the lookup index is built once after the rows are in, not row by row
    index = next(i for i in SearchKey._meta.indexes if i.name == "search_key_dob_idx")
    create_index = str(index.create_sql(SearchKey, connection.schema_editor()))  # the migration's own DDL
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
    while done < people:
        n = min(batch, people - done)
        person_rows, address_rows = [], []
        household_postcode = None
        for i, (given, family) in enumerate(pool.names(n)):
            pid = uuid.UUID(int=rng.getrandbits(128), version=4)
            if household_postcode is None or i % 3 == 0:
                household_postcode = rng.choice(postcodes)
            dob = _dob(rng, today)
            person_rows.append(
                {
                    "id": pid,
                    "kind": "child" if (today - dob).days < 18 * 365.25 else "adult",
                    "forename": given,
                    "surname": family,
                    "forename_norm": normalise_name(given),
                    "surname_norm": normalise_name(family),
                    "date_of_birth": dob,
                    "sex": rng.choice("MF"),
                }
            )
            address_rows.append(
                {"id": uuid.UUID(int=rng.getrandbits(128), version=4), "person_id": pid, "postcode": household_postcode}
            )
        insert_rows(Person, person_rows)
        insert_rows(Address, address_rows)
        key_rows = search_key_rows(person_rows, (), address_rows)
        insert_rows(SearchKey, key_rows)
        keys += len(key_rows)
        done += n
        out.write(f"  {done:,} / {people:,} people ({time.perf_counter() - started:.0f}s)")
        out.flush()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # inside a transaction (the bench's own test) the deferred foreign-key checks must run first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(create_index)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    out.write(f"  index built ({time.perf_counter() - started:.0f}s)")
    return {"people": people, "search_keys": keys, "seconds": round(time.perf_counter() - started, 1)}


def _typed(text: str) -> str:
    """As typed on an English keyboard: transliterated to ASCII (what someone without the letters would type)."""
    from anyascii import anyascii

    return anyascii(text)


def plan_queries(*, n: int, seed: int) -> list[tuple[str, dict]]:
    """`n` queries (kind, person_search keyword arguments) about people in the bench database."""
    from linkage.names import nickname_forms
    from openmash.people.models import Address, Person

    rng = random.Random(seed + 1)
    total = Person.objects.count()
    picks = []
    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[: max(n * 20, 1000)])
    # ids sort randomly (uuid4), so the first ones are a random sample
    sample = rng.sample(ids, min(len(ids), n * 2))
    people = {p.pk: p for p in Person.objects.filter(pk__in=sample)}
    postcode = dict(Address.objects.filter(person_id__in=sample).values_list("person_id", "postcode"))
    kinds, weights = zip(*QUERY_KINDS, strict=True)
    for pid in sample:
        if len(picks) >= n:
            break
        p = people[pid]
        kind = rng.choices(kinds, weights)[0]
        given, family, dob = _typed(p.forename), _typed(p.surname), p.date_of_birth
        if kind == "full_name_dob":
            q = {"name": f"{given} {family}", "date_of_birth": dob}
        elif kind == "nickname_or_soundalike_dob":
            other = sorted(nickname_forms(p.forename) - {p.forename.lower()})
            given = SOUNDALIKE.get(p.forename) or (other[0].title() if other else given[:-1] + given[-1] * 2)
            q = {"name": f"{given} {family}", "date_of_birth": dob}
        elif kind == "dob_transposed":
            swapped = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 else dob
            q = {"name": f"{given} {family}", "date_of_birth": swapped}
        elif kind == "surname_dob":
            q = {"name": family, "date_of_birth": dob}
        elif kind == "name_dob_postcode":
            q = {"name": f"{given} {family}", "date_of_birth": dob, "postcode": postcode.get(pid, "")}
        elif kind == "surname_postcode":
            q = {"name": family, "postcode": postcode.get(pid, "")}
        elif kind == "names_swapped_dob":
            q = {"name": f"{family} {given}", "date_of_birth": dob}
        else:
            q = {"name": f"Zyxw{rng.randint(0, 10**6)} Qvonderbrook", "date_of_birth": dob}
        if not q.get("postcode", "x"):
            continue
        picks.append((kind, q))
    if not picks or total == 0:
        raise CommandError("No people to look up: the bench database is empty.")
    return picks


def measure(*, queries: list[tuple[str, dict]], warmup: int = 20) -> dict:
    """Time person_search for each query as a hub screener. Out: per-kind and overall figures. The search rate
    limit is raised out of reach for the run (one user searching thousands of times a minute is the bench), so its
    count query stays in every measured lookup."""
    from django.test.utils import override_settings

    with override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=10**9):
        return _measure(queries=queries, warmup=warmup)


def _measure(*, queries: list[tuple[str, dict]], warmup: int) -> dict:
    from django.db import connection

    from openmash.access.actor import actor_for_user
    from openmash.accounts.models import User
    from openmash.accounts.services import agency_create, user_create
    from openmash.partnership.services import partnership_defaults_ensure
    from openmash.people.selectors import person_search

    partnership_defaults_ensure()
    agency_create(code="bench-mash", name="Bench MASH", agency_type="csc", source_code="5A", is_hub=True)
    user = User.objects.filter(username="bench-lookup").first() or user_create(
        username="bench-lookup", password="not-used", agency_code="bench-mash", role="screener", check_password=False
    )
    actor = actor_for_user(user)
    for _kind, q in queries[:warmup]:
        person_search(actor=actor, **q)
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    sql: dict[str, list[float]] = {}
    listed: dict[str, list[int]] = {}
    in_sql = [0.0]

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started

    load_before = os.getloadavg()[0]
    with connection.execute_wrapper(timed):
        for kind, q in queries:
            in_sql[0] = 0.0
            started, cpu_started = time.perf_counter(), time.process_time()
            found = person_search(actor=actor, **q)
            times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            cpu.setdefault(kind, []).append((time.process_time() - cpu_started) * 1000)
            sql.setdefault(kind, []).append(in_sql[0] * 1000)
            listed.setdefault(kind, []).append(len(found))

    def figures(ts, cs, qs, ns) -> dict:
        return {
            "n": len(ts),
            "p50": round(percentile(ts, 50), 2),
            "p95": round(percentile(ts, 95), 2),
            "p99": round(percentile(ts, 99), 2),
            "cpu_p95": round(percentile(cs, 95), 2),
            "sql_p95": round(percentile(qs, 95), 2),
            "listed_mean": round(statistics.fmean(ns), 2),
            "listed_max": max(ns),
        }

    def every(d):
        return [x for xs in d.values() for x in xs]

    return {
        "overall": figures(every(times), every(cpu), every(sql), every(listed)),
        "kinds": {k: figures(times[k], cpu[k], sql[k], listed[k]) for k in times},
        # the machine's 1-minute load average before and after the timed lookups (other work competes for the CPU)
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "cpus": os.cpu_count(),
    }


def format_result(result: dict) -> str:
    o = result["overall"]
    lines = [
        f"{result['database']}: {result['people']:,} people, {result['search_keys']:,} search keys "
        f"(written in {result['seconds']}s)",
        f"  {'query':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'cpu p95':>8} {'sql p95':>8} "
        f"{'listed':>7} {'max':>4}",
    ]
    for kind, f in [*result["kinds"].items(), ("ALL", o)]:
        lines.append(
            f"  {kind:<28} {f['n']:>5} {f['p50']:>8.2f} {f['p95']:>8.2f} {f['p99']:>8.2f} {f['cpu_p95']:>8.2f} "
            f"{f['sql_p95']:>8.2f} {f['listed_mean']:>7.2f} {f['listed_max']:>4}"
        )
    verdict = "met" if o["p95"] <= TARGET_P95_MS else "MISSED"
    lines.append(
        f"  target p95 <= {TARGET_P95_MS:.0f} ms: {verdict} (load average {result['load'][0]} -> {result['load'][1]} "
        f"on {result['cpus']} CPUs; cpu = this process's CPU time per lookup, sql = time in the database's "
        "execute calls per lookup)"
    )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Benchmark one intake lookup (person search) against 1,000,000 indexed people on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument("--people", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=1000, help="Timed lookups (after 20 warm-up ones)")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="Keep the bench databases afterwards")
        parser.add_argument("--reuse", action="store_true", help="Time against a kept bench database as it is")
        parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["people"] < 10 or opts["queries"] < 1:
            raise CommandError("Use at least 10 people and 1 query.")
        if opts["single"]:
            self.single(opts)
        else:
            self.parent(opts)

    def single(self, opts) -> None:
        from django.core.management import call_command
        from django.db import connection

        from openmash.people.models import Person, SearchKey

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if opts["reuse"] and Person.objects.exists():
            sizes = {"people": Person.objects.count(), "search_keys": SearchKey.objects.count(), "seconds": 0}
        else:
            self.stdout.write(f"{connection.vendor}: writing {opts['people']:,} people...")
            sizes = populate(people=opts["people"], seed=opts["seed"], out=self.stdout)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum / a deployment's maintenance would keep
        queries = plan_queries(n=opts["queries"], seed=opts["seed"])
        result = {"database": connection.vendor, **sizes, **measure(queries=queries)}
        self.stdout.write(format_result(result))
        self.stdout.write(RESULT_MARK + json.dumps(result))

    def parent(self, opts) -> None:
        databases = ["sqlite", "postgres"] if opts["database"] == "both" else [opts["database"]]
        results = [r for r in (self.one_database(db, opts) for db in databases) if r]
        if not results:
            raise CommandError("No database was benchmarked.")
        self.stdout.write("\nSummary")
        for result in results:
            self.stdout.write(format_result(result))
        if any(r["overall"]["p95"] > TARGET_P95_MS for r in results):
            raise SystemExit(1)

    def _database_url(self, db: str, opts) -> str | None:
        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove

        if db == "sqlite":
            path = BASE_DIR / "var" / SQLITE_NAME
            path.parent.mkdir(exist_ok=True)
            if not opts["reuse"]:
                _sqlite_remove(path)
            return f"sqlite:///{path}"
        url = opts["postgres_url"]
        try:
            if not opts["reuse"]:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
                _pg_admin(url, "CREATE DATABASE {}")
        except Exception as exc:  # noqa: BLE001 - any connection problem means "skip PostgreSQL"
            self.stderr.write(f"PostgreSQL not available at {url} ({exc}); skipped.")
            return None
        return url

    def one_database(self, db: str, opts) -> dict | None:
        """Run the bench for one database in its own process; its result, or None when it could not run."""
        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove

        url = self._database_url(db, opts)
        if url is None:
            return None
        cmd = [sys.executable, "-m", "openmash.cli", "bench", "lookup", "--single"]
        for flag in ("people", "queries", "seed"):
            cmd += [f"--{flag}", str(opts[flag])]
        if opts["reuse"]:
            cmd.append("--reuse")
        env = {"OPENMASH_LOG_LEVEL": "WARNING", **os.environ, "DATABASE_URL": url}
        result = None
        try:
            with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR) as proc:
                for line in proc.stdout:
                    if line.startswith(RESULT_MARK):
                        result = json.loads(line[len(RESULT_MARK) :])
                    else:
                        self.stdout.write(line.rstrip("\n"))
            if proc.returncode:
                self.stderr.write(f"The {db} run failed (exit {proc.returncode}).")
        finally:
            if not opts["keep"]:
                if db == "sqlite":
                    _sqlite_remove(BASE_DIR / "var" / SQLITE_NAME)
                else:
                    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        return result
