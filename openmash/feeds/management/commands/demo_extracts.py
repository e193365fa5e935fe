"""`openmash demo extracts --out DIR [--children 30] [--seed 6]`: write a synthetic police and health extract
(standard layout) for the demo partnership, with children known to both under different spellings. Then:

    openmash import standard DIR/police.csv --agency police
    openmash import standard DIR/health.csv --agency health

A child whose police record holds the NHS number is one child at once; the look-alikes are joined by the scoring run
after the import when they score at or above the upper threshold, and otherwise wait in the review queue.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import OperationalError, ProgrammingError

from openmash.feeds.demo import demo_extracts_write


class Command(BaseCommand):
    help = "Write a synthetic police.csv and health.csv for the demo (children known to both, spelled differently)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Directory to write police.csv and health.csv to")
        parser.add_argument("--children", type=int, default=30)
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args, **opts):
        if not 2 <= opts["children"] <= 10_000:
            raise CommandError("--children must be between 2 and 10000")
        try:
            result = demo_extracts_write(Path(opts["out"]), children=opts["children"], seed=opts["seed"])
        except (OperationalError, ProgrammingError):
            raise CommandError("the demo database is not set up: run `openmash demo --seed-only` first") from None
        self.stdout.write(f"Wrote {result['police']} and {result['health']} ({result['children']} children).")
        self.stdout.write(f"{len(result['both'])} children are known to both agencies, for example:")
        for names in result["both"][:5]:
            self.stdout.write(f"  {names}")
        self.stdout.write("Import them with:")
        self.stdout.write(f"  openmash import standard {result['police']} --agency police")
        self.stdout.write(f"  openmash import standard {result['health']} --agency health")
        lookalike = len(result["both"]) - result["same_nhs"]
        self.stdout.write(
            f"Then {result['same_nhs']} of them are one child at once (the police record holds the NHS number). "
            f"The other {lookalike} only look alike (name and date of birth): the scoring run after each import "
            "joins a pair scoring 0.95 or more automatically and puts the rest in Records to review (/matching/)."
        )
