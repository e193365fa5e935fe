"""`python -m openmash.patterns.bench --children N --events-per-child M [--database PATH | --url POSTGRES_URL]`: time a full evaluation
(``evaluation.children_evaluate``: one ordered pass over the indicators and the rules engine) over generated
indicators, and an incremental one over the children of a 10,000-event import. Writes a throw-away SQLite database
(default var/bench-patterns.sqlite3, rebuilt each run); no personal data (generated ids only).

Generated data: N children (a quarter of them a cluster of two merged people, as linked agency records give),
M indicators each over three years from eight agencies, with a realistic mix (most are weak or benign kinds, so
a few per cent of children show a pattern). Prints the seconds for each phase.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path

MIX = (
    ["ed_attendance"] * 6
    + ["missed_health_appointment"] * 5
    + ["school_absence"] * 5
    + ["police_welfare"] * 3
    + ["contact"] * 2
    + ["domestic_abuse", "injury", "neglect", "missing_episode", "self_harm", "substance_misuse", "exclusion"]
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openmash.patterns.bench")
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--events-per-child", type=int, default=50)
    parser.add_argument(
        "--url", help="a PostgreSQL database URL to use instead (its tables are rebuilt: a scratch one)"
    )
    parser.add_argument(
        "--database", default=str(Path(__file__).resolve().parents[2] / "var" / "bench-patterns.sqlite3")
    )
    args = parser.parse_args(argv)
    if args.url:
        os.environ["DATABASE_URL"] = args.url
    else:
        db = Path(args.database)
        db.parent.mkdir(exist_ok=True)
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from openmash.core.bulk import rows_insert
    from openmash.patterns.evaluation import children_evaluate
    from openmash.patterns.models import EventIndicator
    from openmash.people.models import Person

    if args.url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    rng = random.Random(8)
    as_of = dt.date(2025, 12, 31)
    first = as_of.toordinal() - 3 * 365
    agencies = [uuid.uuid4() for _ in range(8)]
    t = time.perf_counter()
    with connection.cursor() as c:  # generated indicators point at no real chronology entry
        if connection.vendor == "sqlite":
            c.execute("PRAGMA foreign_keys = OFF")
        else:
            c.execute(f"ALTER TABLE {EventIndicator._meta.db_table} DISABLE TRIGGER ALL")
    roots = []
    with transaction.atomic():
        people, events = [], []
        for n in range(args.children):
            root = uuid.uuid4()
            roots.append(root)
            born = dt.date.fromordinal(first - rng.randint(0, 16 * 365))
            people.append({"id": root, "forename": "C", "surname": str(n), "date_of_birth": born})
            persons = [root]
            if n % 4 == 0:
                other = uuid.uuid4()
                people.append({"id": other, "forename": "C", "surname": str(n), "merged_into_id": root})
                persons.append(other)
            for _ in range(args.events_per_child):
                events.append(
                    {
                        "entry_id": uuid.uuid4(),
                        "person_id": rng.choice(persons),
                        "indicator": rng.choice(MIX),
                        "occurred_on": dt.date.fromordinal(first + rng.randint(0, 3 * 365)),
                        "agency_id": rng.choice(agencies),
                        "source": "mapping",
                        "explained": rng.random() < 0.05,
                    }
                )
            if len(events) >= 200_000:
                rows_insert(EventIndicator, events)
                events = []
        rows_insert(Person, people)
        rows_insert(EventIndicator, events)
    with connection.cursor() as c:
        c.execute("ANALYZE")
        if connection.vendor == "postgresql":
            c.execute(f"ALTER TABLE {EventIndicator._meta.db_table} ENABLE TRIGGER ALL")
    print(
        f"generated {args.children} children, {args.children * args.events_per_child} indicators in {time.perf_counter() - t:.1f} s"
    )
    t, cpu = time.perf_counter(), time.process_time()
    result = children_evaluate(as_of)
    print(
        f"full evaluation: {result.children} children, {result.flagged} with a pattern, "
        f"{time.perf_counter() - t:.1f} s ({time.process_time() - cpu:.1f} s of CPU)"
    )
    touched = set(rng.sample(roots, min(len(roots), 10_000)))  # worst case: each event a different child
    t, cpu = time.perf_counter(), time.process_time()
    result = children_evaluate(as_of, roots=touched)
    print(
        f"incremental evaluation: {result.children} children, {time.perf_counter() - t:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
