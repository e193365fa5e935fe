"""`openmash bench flags`: the scenarios through the real commands on a fresh database, scored.

Design (documented in README.md): **one fresh bench database holds every scenario** (each scenario's people are
distinct: names, dates of birth, addresses and identifiers differ between scenarios, and record ids are unique
across agencies), so there is one import per agency (21 agencies) rather than one per scenario. Scenarios are
grouped by their as_of date and `flags evaluate` / `flags export` run once per date (the catalogue uses one).

Every step is the real command line, in a child process against the bench database (DATABASE_URL), as a
partner would run it: `openmash migrate`, `openmash agency create` per agency, `openmash import standard FILE
--agency CODE` per agency file (which also runs the person matching), `openmash flags evaluate --as-of DATE`,
`openmash flags export --as-of DATE --out FILE`. The extracts are written at run time into a temporary
directory and deleted afterwards (never committed).

`--speed`: a separate fresh database; `speed_extracts_write` streams --children children with --events events
over four agencies' files (bounded memory: one child's rows at a time), imports them, times a full evaluation,
then imports --more-events new events for existing children and times the second (incremental) evaluation.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openmash.patterns.scenarios.model import AGENCIES, EXTRACT_HEADER, Scenario, extracts_write, nhs_number_for
from openmash.patterns.scenarios.score import ScoreReport, score

Say = Callable[[str], None]


class StepFailed(Exception):
    """A command of the bench failed: its name, exit status and last lines of output."""


def cli(args: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    """Run `openmash ARGS` in a child process; returns (seconds, standard output). Raises StepFailed."""
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own CLI, arguments we built
        [sys.executable, "-m", "openmash.cli", *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
        raise StepFailed(f"`openmash {' '.join(args[:3])}` exited {proc.returncode}: {' | '.join(tail)}")
    return seconds, proc.stdout


def agencies_create(codes: list[str], env: dict, cwd: Path) -> float:
    """`openmash agency create` for the hub and each agency code; returns the seconds taken."""
    total, _ = cli(["agency", "create", "--code", "mash", "--name", "Bench MASH", "--type", "csc",
                    "--source-code", "5A", "--hub"], env, cwd)  # fmt: skip
    for code in codes:
        a = AGENCIES[code]
        args = ["agency", "create", "--code", a.code, "--name", a.name, "--type", a.type, "--source-code",
                a.source_code]  # fmt: skip
        if a.health_service:
            args += ["--health-service", a.health_service]
        total += cli(args, env, cwd)[0]
    return total


def flags_read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def evaluate_and_export(as_of: dt.date, out: Path, env: dict, cwd: Path) -> tuple[float, float]:
    """`flags evaluate --as-of` then `flags export --as-of --out`: (evaluate seconds, export seconds)."""
    evaluate, _ = cli(["flags", "evaluate", "--as-of", as_of.isoformat()], env, cwd)
    export, _ = cli(["flags", "export", "--as-of", as_of.isoformat(), "--out", str(out)], env, cwd)
    return evaluate, export


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def report_print(report: ScoreReport, say: Say) -> None:
    """The table (code, theme, expected, got, pass/fail and why) and the summary figures."""
    say(f"{'code':<5} {'theme':<40} {'expected':<44} {'got':<44} result")
    for r in report.results:
        verdict = "pass" if r.passed else f"FAIL ({r.reason})"
        say(f"{r.code:<5} {_cut(r.theme, 40):<40} {_cut(r.expected, 44):<44} {_cut(r.got, 44):<44} {verdict}")
    say("")
    for line in report.summary_lines():
        say(line)
    if report.unmatched_rows:
        say(f"Flag rows on no scenario's records: {report.unmatched_rows}")


def scenarios_run(scenarios: list[Scenario], *, env: dict, cwd: Path, say: Say) -> ScoreReport:
    """Write, import, evaluate, export, score. `env` names a freshly created, empty bench database."""
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="openmash-bench-flags-") as tmp:
        paths = extracts_write(scenarios, Path(tmp))
        rows = sum(len(s.rows) for s in scenarios)
        say(f"{len(scenarios)} scenarios, {rows} event rows in {len(paths)} agency extracts")
        timings["migrate"], _ = cli(["migrate", "--no-input", "-v", "0"], env, cwd)
        timings["agency create"] = agencies_create(list(paths), env, cwd)
        timings["import"] = 0.0
        for code, path in paths.items():
            seconds, _ = cli(["import", "standard", str(path), "--agency", code, "--no-progress"], env, cwd)
            timings["import"] += seconds
        timings["start-up"] = startup_seconds(env, cwd)
        flag_rows: dict[dt.date, list[dict]] = {}
        timings["flags evaluate"] = timings["flags export"] = 0.0
        for as_of in sorted({s.as_of for s in scenarios}):
            out = Path(tmp) / f"flags-{as_of.isoformat()}.csv"
            evaluate, export = evaluate_and_export(as_of, out, env, cwd)
            timings["flags evaluate"] += evaluate
            timings["flags export"] += export
            flag_rows[as_of] = flags_read(out)
    report = ScoreReport()
    for as_of, rows_of in flag_rows.items():
        part = score([s.expectation() for s in scenarios if s.as_of == as_of], rows_of)
        report.results += part.results
        report.unmatched_rows += part.unmatched_rows
    order = {s.code: n for n, s in enumerate(scenarios)}
    report.results.sort(key=lambda r: order[r.code])
    report_print(report, say)
    say("Time: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    say(f"(each step is a child process; one process's start-up alone took {timings['start-up']:.1f}s)")
    return report


# --- speed ----------------------------------------------------------------------------------------------------
SPEED_AGENCIES = ("police", "school", "hv", "ed-rde")
SPEED_TYPES = {
    "police": [("Concern for welfare", "Officers attended, all well, no concerns."),
               ("Domestic incident", "Verbal argument, children present, DASH standard."),
               ("Missing person", "Returned within two hours, return interview done."),
               ("Victim of crime", "Bike stolen, crime number given.")],
    "school": [("Attendance - authorised", "Illness, parent phoned."),
               ("Attendance - unauthorised", "No reason given."),
               ("DSL note", "Child tired and hungry, spoke to parent."),
               ("Suspension", "One day for fighting.")],
    "hv": [("Health visit", "Seen at home, development on track."),
           ("Was Not Brought (WNB)", "Not brought to clinic, letter sent."),
           ("No access visit", "No answer, card left.")],
    "ed-rde": [("ED attendance", "Fell in the park, consistent history."),
               ("ED attendance", "Bruise to arm, explanation vague."),
               ("Self harm presentation", "Cuts to forearm, CAMHS liaison referral.")],
}  # fmt: skip
SPEED_GIVEN = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Oliver", "George", "Noah", "Arthur", "Leo", "Freya", "Jack"]
SPEED_FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Thomas", "Roberts"]


def speed_extracts_write(directory: Path, *, children: int, events: int, as_of: dt.date, seed: int = 8,
                         first_child: int = 0) -> dict[str, Path]:  # fmt: skip
    """Stream `events` event rows for `children` children over SPEED_AGENCIES' files in `directory`, one child
    at a time (bounded memory). Children are numbered from `first_child`; each agency's record id is
    ``SPD<agency letter><child number>``, so a later call with the same numbers adds events to the same
    records. Returns agency -> path. Deterministic for a seed."""
    rng = random.Random(seed)
    files = {a: (Path(directory) / f"speed-{a}.csv").open("w", encoding="utf-8", newline="") for a in SPEED_AGENCIES}
    try:
        writers = {a: csv.writer(f, lineterminator="\r\n") for a, f in files.items()}
        for w in writers.values():
            w.writerow(EXTRACT_HEADER)
        written = 0
        per_child = max(1, events // max(children, 1))
        for n in range(children):
            child = first_child + n
            born = as_of - dt.timedelta(days=200 + (child * 37) % (16 * 365))
            given, family = SPEED_GIVEN[child % len(SPEED_GIVEN)], SPEED_FAMILY[child // 12 % len(SPEED_FAMILY)]
            postcode = f"EX{1 + child % 39} {child % 10}{'ABDEFGHJ'[child % 8]}{'LNPQRSTU'[child // 8 % 8]}"
            nhs = nhs_number_for("speed", str(child))
            count = per_child if n < children - 1 else max(events - written, 0)
            for _ in range(count):
                agency = SPEED_AGENCIES[rng.randrange(len(SPEED_AGENCIES))]
                kind, text = SPEED_TYPES[agency][rng.randrange(len(SPEED_TYPES[agency]))]
                day = as_of - dt.timedelta(days=rng.randrange(1, min(730, (as_of - born).days)))
                writers[agency].writerow([f"SPD{agency[0].upper()}{child:07d}", given, family, born.isoformat(),
                                          "MF"[child % 2], postcode, f"{1 + child % 200} Speed Street, Exeter",
                                          nhs if agency in ("hv", "ed-rde") else "", "", "", day.isoformat(), kind,
                                          f"{text} (ref {seed}-{written})", ""])  # fmt: skip
                written += 1
    finally:
        for f in files.values():
            f.close()
    return {a: Path(directory) / f"speed-{a}.csv" for a in SPEED_AGENCIES}


def startup_seconds(env: dict, cwd: Path) -> float:
    """The wall time of `openmash flags evaluate --help`: a child process's start-up and Django set-up without
    any evaluation, so a reader can take it off the timed steps (it is several seconds on a busy machine)."""
    return cli(["flags", "evaluate", "--help"], env, cwd)[0]


def speed_run(*, children: int, events: int, more_events: int, as_of: dt.date, env: dict, cwd: Path,
              say: Say) -> dict[str, float]:  # fmt: skip
    """Import `events` events for `children` children, time a full evaluation; import `more_events` more, time
    the incremental evaluation. Returns the timings (seconds)."""
    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="openmash-bench-flags-speed-") as tmp:
        started = time.perf_counter()
        paths = speed_extracts_write(Path(tmp), children=children, events=events, as_of=as_of)
        t["generate"] = time.perf_counter() - started
        say(f"Generated {events:,} events for {children:,} children in {t['generate']:.0f}s")
        cli(["migrate", "--no-input", "-v", "0"], env, cwd)
        agencies_create(list(SPEED_AGENCIES), env, cwd)
        t["import"] = sum(cli(["import", "standard", str(p), "--agency", a, "--no-progress"], env, cwd)[0]
                          for a, p in paths.items())  # fmt: skip
        say(f"Imported in {t['import']:.0f}s ({events / max(t['import'], 1e-9):,.0f} events/s)")
        t["start-up"] = startup_seconds(env, cwd)
        say(f"A command's process start-up (Django set-up, no work): {t['start-up']:.1f}s, included below")
        t["full evaluate"], _ = cli(["flags", "evaluate", "--as-of", as_of.isoformat()], env, cwd)
        say(f"Full evaluation: {t['full evaluate']:.1f}s (target <= 60 s for 100,000 children / 5,000,000 events)")
        more_dir = Path(tmp) / "more"
        more_dir.mkdir()
        touched = max(1, min(children, more_events // 2))
        paths = speed_extracts_write(more_dir, children=touched, events=more_events, as_of=as_of, seed=9)
        t["import more"] = sum(cli(["import", "standard", str(p), "--agency", a, "--no-progress"], env, cwd)[0]
                               for a, p in paths.items())  # fmt: skip
        t["incremental evaluate"], _ = cli(["flags", "evaluate", "--as-of", as_of.isoformat()], env, cwd)
        say(f"Imported {more_events:,} more events in {t['import more']:.0f}s; incremental evaluation: "
            f"{t['incremental evaluate']:.1f}s (target <= 10 s)")  # fmt: skip
    return t


def bench_env(url: str) -> dict:
    """The child processes' environment: this one (demo configuration, keys) with the bench database."""
    return {"OPENMASH_LOG_LEVEL": "WARNING", **os.environ, "DATABASE_URL": url, "OPENMASH_SCORE_AFTER_IMPORT": "true"}


__all__ = ["StepFailed", "bench_env", "report_print", "scenarios_run", "speed_extracts_write", "speed_run"]
