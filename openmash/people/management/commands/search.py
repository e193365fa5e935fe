"""`openmash search rebuild`: recompute the person search index from what is stored.

The index (people.SearchKey) follows every save of a name, date of birth, address or agency record in the same
transaction; rebuild it after a bulk load that wrote rows without the models (a restore, a raw import), or to check
it: `--check` reports how many people's keys differ from what they should be, without writing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from openmash.accounts.admin_services import SYSTEM
from openmash.audit.services import audit_record
from openmash.people.search_index import search_keys_rebuild, search_keys_stale


class Command(BaseCommand):
    help = "The person search index: `rebuild` recomputes every person's search keys (`--check`: only count stale)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{rebuild}")
        rebuild = sub.add_parser("rebuild", help="Recompute every person's search keys")
        rebuild.add_argument("--check", action="store_true", help="Only count people whose keys are out of date")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        if opts["check"]:
            stale, people = search_keys_stale()
            self.stdout.write(f"{stale:,} of {people:,} people have out-of-date search keys.")
            if stale:
                raise SystemExit(1)
            return
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 5 or done == total:
                last[0] = time.perf_counter()
                self.stdout.write(f"  {done:,} / {total:,} people")

        people, rows = search_keys_rebuild(progress=progress)
        audit_record(
            actor=None,
            username=SYSTEM.username,
            action="search_index_rebuild",
            object_type="people.searchkey",
            detail={"people": people, "keys": rows},
        )
        self.stdout.write(
            f"Search index rebuilt: {people:,} people, {rows:,} keys ({time.perf_counter() - started:.1f}s)."
        )
