"""Scoring `openmash flags export` against the scenarios' expectations: a pure function, no database.

`score(expected, flags_rows) -> ScoreReport`

Inputs:
- ``expected``: `model.Expectation` per scenario (code, theme, kind, record id -> person key, and for a concerning
  scenario or a trap with a child to flag: the child, the record ids that must be in the flag, the agencies
  that must be named).
- ``flags_rows``: the rows of the export CSV as dicts with ``record_ids`` (``;``-separated feed record ids of the
  flagged child's agency records), ``agencies`` (``;``-separated agency codes the explanation names) and
  ``explanation``. Record ids are unique across agencies in the catalogue, so a row is matched to a scenario by
  any of its record ids.

Rules (issue 8, "Proving it"):
- **concerning**: passes when one row touching the scenario (a) holds every required record id of the expected
  child (the child's records in the agencies that contributed), (b) holds no record id of any other person
  (a flag built on a wrong merge is worse than no flag), and (c) names every contributing agency (agency codes
  compared case-insensitively). Otherwise it fails with the reason: no flag, flag on the wrong child, merged
  with another person, records missing, agencies missing.
- **benign**: any row touching the scenario's records is a false flag.
- **trap** (two children who must not be merged): fails when any row holds record ids of two different people;
  with no child expected, any row touching it is a false flag; with a child expected, it is scored as a
  concerning scenario and a flag on the other child also fails it.

Output: `ScoreReport` with one `ScenarioResult` per scenario and recall, false-flag rate and trap figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from openmash.patterns.scenarios.model import BENIGN, CONCERNING, TRAP, Expectation


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


@dataclass(frozen=True)
class ScenarioResult:
    code: str
    theme: str
    kind: str
    expected: str
    got: str
    passed: bool
    reason: str = ""


@dataclass
class ScoreReport:
    results: list[ScenarioResult] = field(default_factory=list)
    unmatched_rows: int = 0  # flag rows touching no scenario (the speed data, or the engine's own people)

    def _of(self, kind: str) -> list[ScenarioResult]:
        return [r for r in self.results if r.kind == kind]

    @property
    def concerning_total(self) -> int:
        return len(self._of(CONCERNING))

    @property
    def concerning_passed(self) -> int:
        return sum(r.passed for r in self._of(CONCERNING))

    @property
    def recall(self) -> float:
        return self.concerning_passed / self.concerning_total if self.concerning_total else 0.0

    @property
    def benign_total(self) -> int:
        return len(self._of(BENIGN))

    @property
    def false_flags(self) -> int:
        return sum(not r.passed for r in self._of(BENIGN))

    @property
    def false_flag_rate(self) -> float:
        return self.false_flags / self.benign_total if self.benign_total else 0.0

    @property
    def traps_total(self) -> int:
        return len(self._of(TRAP))

    @property
    def traps_passed(self) -> int:
        return sum(r.passed for r in self._of(TRAP))

    def summary_lines(self) -> list[str]:
        return [
            f"Scenario recall: {self.concerning_passed}/{self.concerning_total} = {self.recall:.0%} (target >= 95%)",
            f"False flags on benign scenarios: {self.false_flags}/{self.benign_total} = {self.false_flag_rate:.0%}"
            " (target <= 10%)",
            f"Do-not-merge traps passed: {self.traps_passed}/{self.traps_total}",
        ]


def _describe(row_ids: set[str], agencies: list[str], people: Mapping[str, str]) -> str:
    who = sorted({people[i] for i in row_ids if i in people})
    return f"flag {'+'.join(who) or '?'} naming {'+'.join(sorted(agencies)) or 'none'}"


def _concerning(e: Expectation, rows: list[tuple[set[str], list[str]]]) -> tuple[bool, str, str]:
    """(passed, got, reason) for a scenario expecting a flag on e.flagged_person."""
    if not rows:
        return False, "no flag", "no flag on any child of the scenario"
    best_reason = ""
    gots = []
    for ids, agencies in rows:
        gots.append(_describe(ids, agencies, e.record_people))
        people = {e.record_people[i] for i in ids if i in e.record_people}
        named = {a.lower() for a in agencies}
        if e.flagged_person not in people:
            best_reason = best_reason or "flag on the wrong child"
            continue
        if len(people) > 1:
            others = sorted(people - {e.flagged_person})
            best_reason = f"merged with another person ({', '.join(others)})"
            continue
        missing_ids = sorted(e.required_ids - ids)
        if missing_ids:
            best_reason = f"child's records missing from the flag: {', '.join(missing_ids)}"
            continue
        missing_agencies = sorted(a for a in e.agencies if a.lower() not in named)
        if missing_agencies:
            best_reason = f"agencies not named: {', '.join(missing_agencies)}"
            continue
        return True, gots[-1], ""
    return False, "; ".join(gots), best_reason


def score(expected: Iterable[Expectation], flags_rows: Iterable[Mapping[str, str]]) -> ScoreReport:
    """Score export rows against expectations (see the module docstring for the rules)."""
    expectations = list(expected)
    owner: dict[str, int] = {}
    for n, e in enumerate(expectations):
        for rid in e.record_people:
            owner[rid] = n
    touching: dict[int, list[tuple[set[str], list[str]]]] = {}
    report = ScoreReport()
    for row in flags_rows:
        ids = set(_split(row.get("record_ids")))
        agencies = _split(row.get("agencies"))
        hits = {owner[i] for i in ids if i in owner}
        if not hits:
            report.unmatched_rows += 1
        for n in hits:
            touching.setdefault(n, []).append((ids, agencies))
    for n, e in enumerate(expectations):
        rows = touching.get(n, [])
        expected_text = (
            f"flag {e.flagged_person} naming {'+'.join(sorted(e.agencies))}" if e.flagged_person else "no flag"
        )
        if e.kind == CONCERNING or (e.kind == TRAP and e.flagged_person):
            passed, got, reason = _concerning(e, rows)
            if passed and e.kind == TRAP:
                wrong = [ids for ids, _ in rows if {e.record_people[i] for i in ids if i in e.record_people}
                         != {e.flagged_person}]  # fmt: skip
                if wrong:
                    passed, reason = False, "the other child was flagged too"
        else:
            got = "; ".join(_describe(ids, ag, e.record_people) for ids, ag in rows) or "no flag"
            merged = [ids for ids, _ in rows if len({e.record_people[i] for i in ids if i in e.record_people}) > 1]
            passed = not rows
            reason = "" if passed else ("wrongly merged two people" if merged else "false flag")
        report.results.append(ScenarioResult(e.code, e.theme, e.kind, expected_text, got, passed, reason))
    return report


__all__ = ["ScenarioResult", "ScoreReport", "score"]
