"""`openmash bench flags [--database sqlite|postgres] [--only CODES] [--score FILE] [--speed ...]`: the pattern
scenarios through the real commands, scored (issue 8, "Proving it").

Default: a fresh bench database (var/bench-flags.sqlite3, or --postgres-url created and dropped), every scenario
of openmash/patterns/scenarios imported as each agency's standard extract with `openmash agency create` and
`openmash import`, then `openmash flags evaluate --as-of` and `openmash flags export`; prints one line per
scenario (code, theme, expected, got, pass/fail) and the recall, false-flag rate, traps and times. Exit status 1
when recall < 95% or false flags > 10% (or a trap fails), so it can gate a build.

`--score FILE`: score an export already made (no database). `--write-extracts DIR`: write the scenarios' agency
extracts to DIR and stop (to try them by hand). `--speed`: the speed run (see openmash/patterns/scenarios/bench.py),
--children 100000 --events 5000000 --more-events 10000 by default.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import BASE_DIR

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/openmash_bench_flags"
RECALL_TARGET = 0.95
FALSE_FLAG_LIMIT = 0.10


class Command(BaseCommand):
    help = "Score the pattern engine on the synthetic safeguarding scenarios (or --speed: time it at scale)."

    def add_arguments(self, parser):
        parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="Database to create, use and drop")
        parser.add_argument("--only", default="", help="Comma-separated scenario codes (default: all)")
        parser.add_argument("--score", metavar="FILE", help="Score this flags export; run nothing")
        parser.add_argument("--write-extracts", metavar="DIR", help="Write the agency extracts to DIR and stop")
        parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards")
        parser.add_argument("--speed", action="store_true", help="Time evaluation at scale instead")
        parser.add_argument("--children", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=5_000_000)
        parser.add_argument("--more-events", type=int, default=10_000)

    def say(self, line: str) -> None:
        self.stdout.write(line)

    def handle(self, *args, **opts):
        from openmash.patterns.scenarios import all_scenarios
        from openmash.patterns.scenarios.bench import StepFailed, flags_read, report_print
        from openmash.patterns.scenarios.model import extracts_write
        from openmash.patterns.scenarios.score import score

        scenarios = all_scenarios()
        if opts["only"]:
            wanted = {c.strip().upper() for c in opts["only"].split(",") if c.strip()}
            unknown = wanted - {s.code for s in scenarios}
            if unknown:
                raise CommandError(f"no such scenario: {', '.join(sorted(unknown))}")
            scenarios = [s for s in scenarios if s.code in wanted]
        if opts["write_extracts"]:
            out = Path(opts["write_extracts"])
            out.mkdir(parents=True, exist_ok=True)
            for agency, path in extracts_write(scenarios, out).items():
                self.say(f"{agency}: {path}")
            return
        if opts["score"]:
            report = score([s.expectation() for s in scenarios], flags_read(Path(opts["score"])))
            report_print(report, self.say)
            self._gate(report)
            return
        try:
            report = self._on_fresh_database(opts, scenarios)
        except StepFailed as exc:
            raise CommandError(str(exc)) from None
        if report is not None:
            self._gate(report)

    def _gate(self, report) -> None:
        if (
            report.recall < RECALL_TARGET
            or report.false_flag_rate > FALSE_FLAG_LIMIT
            or (report.traps_passed < report.traps_total)
        ):
            raise CommandError(
                f"below target: recall {report.recall:.0%} (>= 95%), false flags {report.false_flag_rate:.0%} "
                f"(<= 10%), traps {report.traps_passed}/{report.traps_total}"
            )

    def _on_fresh_database(self, opts, scenarios):
        from openmash.core.management.commands.bench import _pg_admin, _sqlite_remove
        from openmash.patterns.scenarios.bench import bench_env, scenarios_run, speed_run
        from openmash.patterns.scenarios.catalogue import AS_OF

        name = "bench-flags-speed" if opts["speed"] else "bench-flags"
        sqlite = BASE_DIR / "var" / f"{name}.sqlite3"
        if opts["database"] == "sqlite":
            sqlite.parent.mkdir(exist_ok=True)
            _sqlite_remove(sqlite)
            url = f"sqlite:///{sqlite}"
        else:
            url = opts["postgres_url"] + ("_speed" if opts["speed"] else "")
            try:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
                _pg_admin(url, "CREATE DATABASE {}")
            except Exception as exc:  # noqa: BLE001 - any connection problem: say so
                raise CommandError(f"PostgreSQL not available ({type(exc).__name__})") from None
        env = bench_env(url)
        try:
            if opts["speed"]:
                for key in ("children", "events", "more_events"):
                    if opts[key] < 1:
                        raise CommandError(f"--{key.replace('_', '-')} must be at least 1")
                speed_run(children=opts["children"], events=opts["events"], more_events=opts["more_events"],
                          as_of=AS_OF, env=env, cwd=BASE_DIR, say=self.say)  # fmt: skip
                return None
            return scenarios_run(scenarios, env=env, cwd=BASE_DIR, say=self.say)
        finally:
            if opts["keep"]:
                self.say(f"Bench database kept: {url}")
            elif opts["database"] == "sqlite":
                _sqlite_remove(sqlite)
            else:
                _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
