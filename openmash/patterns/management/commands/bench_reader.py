"""`openmash bench reader [--events N]`: the indicator reader's speed (issue 8 speed targets; README "Patterns
speed"). Reads N synthetic agency event descriptions (``indicators_bench.SAMPLE_EVENTS``, one to three sentences
each, cycled) through ``indicators.read_event`` in this process and prints events a second, microseconds an event,
and CPU seconds (process time, so other processes on a busy machine count less). The target is 50,000 events a second
on one core; the command prints the figure and says whether it is met, and exits 1 when it is not (``--strict``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from openmash.patterns.indicators_bench import bench_indicators

TARGET_EVENTS_PER_SECOND = 50_000


class Command(BaseCommand):
    help = "Time the indicator reader on N synthetic event descriptions (events a second; target 50,000 on one core)."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=200_000, help="events to read (default 200,000)")
        parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")

    def handle(self, *args, **opts):
        n = opts["events"]
        if n < 1:
            raise CommandError("--events must be at least 1")
        bench_indicators(min(n, 2_000))  # warm the phrase caches
        started = time.process_time()
        result = bench_indicators(n)
        cpu = time.process_time() - started
        per_cpu = round(n / cpu) if cpu > 0 else 0
        met = per_cpu >= TARGET_EVENTS_PER_SECOND
        self.stdout.write(
            f"Indicator reader: {n:,} events in {result['seconds']} s wall, {cpu:.3f} s CPU: "
            f"{result['events_per_second']:,} events/s wall, {per_cpu:,} events/s CPU, "
            f"{result['per_event_us']} us an event; findings {result['findings']:,}"
        )
        self.stdout.write(
            f"Target >= {TARGET_EVENTS_PER_SECOND:,} events/s on one core (CPU): {'met' if met else 'MISSED'}"
        )
        if opts["strict"] and not met:
            raise CommandError("below target")
