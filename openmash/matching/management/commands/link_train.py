"""`openmash link train [--sample N]`: train the person-matching model by EM on the partnership's agency records.

Stores the trained Fellegi-Sunter model (m and u per comparison level, the prior) as a ``LinkageModel`` row, which
``openmash link records``, feed imports and intake then score with. Prints the model's prior and each field's
strongest agreement weight. Fails with one line, storing nothing, when the records are too few to learn from (the
shipped default model, trained on generated people, stays in use).
"""

from __future__ import annotations

import math

from django.core.management.base import CommandError

from linkage.config import ModelConfig
from openmash.accounts.management.base import AdminCommand
from openmash.matching.scoring import TooFewRecords, model_train


class Command(AdminCommand):
    help = "Train the person-matching model (Fellegi-Sunter, EM) on the partnership's agency records and store it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample", type=int, default=500_000, help="read at most this many records (default 500000)"
        )

    def handle(self, *args, sample: int, **options):
        if sample < 2:
            raise CommandError("--sample must be at least 2")
        try:
            row = model_train(sample=sample)
        except TooFewRecords as exc:
            raise CommandError(f"{exc}: the shipped default model stays in use") from None
        model = ModelConfig.from_dict(row.model)
        self.stdout.write(f"Trained on {row.records} agency records; stored as model {row.pk}.")
        self.stdout.write(
            f"Prior (two records picked at random are the same person): {model.probability_two_random_records_match:.3g}"
        )
        for c in model.comparisons:
            best = [lv for lv in c.levels if lv.m is not None and lv.u is not None]
            if best:
                top = best[0]
                self.stdout.write(f"  {c.name}: {top.label} {math.log2(top.m / top.u):+.1f} bits")
