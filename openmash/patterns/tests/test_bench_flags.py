"""`openmash bench flags`: the commands it runs, in order, against a fresh database (the child processes
replaced by a recorder, so this runs without the engine), `--score` on a hand-made export, `--write-extracts`,
and the speed generator (bounded, deterministic, the counts asked for)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from config.env import BASE_DIR
from openmash.cli import ALIASES
from openmash.patterns.scenarios import all_scenarios, bench
from openmash.patterns.scenarios.model import CONCERNING, TRAP


def perfect_export(scenarios) -> list[dict]:
    """What a perfect engine would export: one row per child to flag, its required records and agencies."""
    return [
        {
            "record_ids": ";".join(sorted(e.required_ids)),
            "agencies": ";".join(sorted(e.agencies)),
            "explanation": "hand-made",
        }  # fmt: skip
        for e in (s.expectation() for s in scenarios)
        if e.flagged_person
    ]


def write_export(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=["record_ids", "agencies", "explanation"])
        out.writeheader()
        out.writerows(rows)
    return path


def test_bench_flags_is_wired_as_a_two_word_command():
    assert ALIASES[("bench", "flags")] == "bench_flags"


def test_score_of_a_perfect_export_passes_every_scenario(tmp_path):
    path = write_export(tmp_path / "flags.csv", perfect_export(all_scenarios()))
    out = io.StringIO()
    call_command("bench_flags", "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 118/118 = 100%" in text and "False flags on benign scenarios: 0/118 = 0%" in text
    assert "FAIL" not in text and "CN03" in text


def test_score_of_an_export_that_flags_everyone_fails_the_gate(tmp_path):
    everyone = [{"record_ids": rid, "agencies": "police", "explanation": "x"}
                for s in all_scenarios() for rid in s.record_ids()]  # fmt: skip
    path = write_export(tmp_path / "flags.csv", everyone)
    out = io.StringIO()
    with pytest.raises(CommandError, match="below target"):
        call_command("bench_flags", "--score", str(path), stdout=out)
    assert "FAIL (false flag)" in out.getvalue()


def test_write_extracts_writes_one_file_per_agency(tmp_path):
    out = io.StringIO()
    call_command("bench_flags", "--write-extracts", str(tmp_path), "--only", "cn02,bn02", stdout=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hv.csv", "police.csv", "school.csv"]
    with pytest.raises(CommandError, match="no such scenario"):
        call_command("bench_flags", "--only", "XX99", "--write-extracts", str(tmp_path))


def test_the_run_creates_agencies_imports_every_extract_then_evaluates_and_exports(tmp_path, monkeypatch):
    calls: list[list[str]] = []
    scenarios = [s for s in all_scenarios() if s.code in ("CN02", "BN02", "CN03", "TR03")]

    def fake_cli(args, env, cwd):
        calls.append(args)
        assert env["DATABASE_URL"] == "sqlite:///bench.sqlite3"
        if args[:2] == ["import", "standard"]:
            assert Path(args[2]).is_file()
        if args[:2] == ["flags", "export"]:
            rows = [r for r in perfect_export(scenarios) if "PLH" not in r["record_ids"]]  # CN03 and TR03 missed
            write_export(Path(args[args.index("--out") + 1]), rows)
        return 0.01, ""

    monkeypatch.setattr(bench, "cli", fake_cli)
    lines: list[str] = []
    report = bench.scenarios_run(scenarios, env=bench.bench_env("sqlite:///bench.sqlite3"), cwd=tmp_path,
                                 say=lines.append)  # fmt: skip
    assert calls[0][0] == "migrate"
    creates = [c for c in calls if c[:2] == ["agency", "create"]]
    imports = [c for c in calls if c[:2] == ["import", "standard"]]
    assert {c[c.index("--code") + 1] for c in creates} == {"mash", "police", "school", "hv", "ed-plh", "camhs", "gp"}
    assert {c[c.index("--agency") + 1] for c in imports} == {"police", "school", "hv", "ed-plh", "camhs", "gp"}
    assert calls[-2][:4] == ["flags", "evaluate", "--as-of", "2026-09-30"] and calls[-1][:2] == ["flags", "export"]
    assert calls.index(imports[-1]) < calls.index(calls[-2])
    assert [r.code for r in report.results] == ["CN02", "BN02", "CN03", "TR03"]
    assert [r.passed for r in report.results] == [True, True, False, False]
    assert report.recall == 0.5 and report.traps_passed == 0
    assert any(line.startswith("Time: migrate") for line in lines)


def test_a_failing_step_stops_the_bench_with_the_command_named(tmp_path):
    with pytest.raises(bench.StepFailed, match="no-such-command"):
        bench.cli(["no-such-command"], bench.bench_env(f"sqlite:///{tmp_path / 'x.sqlite3'}"), BASE_DIR)


def test_the_speed_extract_has_the_events_and_children_asked_for_and_is_deterministic(tmp_path):
    from openmash.patterns.scenarios.catalogue import AS_OF

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = bench.speed_extracts_write(tmp_path / "a", children=50, events=1003, as_of=AS_OF)
    again = bench.speed_extracts_write(tmp_path / "b", children=50, events=1003, as_of=AS_OF)
    rows = []
    for agency, path in paths.items():
        assert path.read_bytes() == again[agency].read_bytes()
        with path.open(encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f))
    assert len(rows) == 1003
    assert len({r["record_id"][4:] for r in rows}) == 50  # children across the agencies' records
    assert all(r["event_date"] < AS_OF.isoformat() and r["event_date"] > r["date_of_birth"] for r in rows)


def test_the_catalogue_has_concerning_scenarios_and_traps_to_score():
    kinds = {s.kind for s in all_scenarios()}
    assert {CONCERNING, TRAP} <= kinds


def test_the_speed_run_imports_evaluates_imports_more_and_evaluates_again(tmp_path, monkeypatch):
    from openmash.patterns.scenarios.catalogue import AS_OF

    calls: list[list[str]] = []

    def fake_cli(args, env, cwd):
        calls.append(args)
        if args[:2] == ["import", "standard"]:
            with Path(args[2]).open(encoding="utf-8") as f:
                calls[-1] = [*args, f"rows={sum(1 for _ in f) - 1}"]
        return 0.5, ""

    monkeypatch.setattr(bench, "cli", fake_cli)
    lines: list[str] = []
    timings = bench.speed_run(children=30, events=600, more_events=40, as_of=AS_OF, env={}, cwd=tmp_path,
                              say=lines.append)  # fmt: skip
    words = [" ".join(c[:2]) for c in calls]
    first_eval = words.index("flags evaluate")
    assert calls[0][0] == "migrate" and calls[first_eval][2] == "--help"  # the start-up baseline
    evaluations = [c for c in calls if c[:3] == ["flags", "evaluate", "--as-of"]]
    assert len(evaluations) == 2
    rows = [int(c[-1].split("=")[1]) for c in calls if c[:2] == ["import", "standard"]]
    assert sum(rows[:4]) == 600 and sum(rows[4:]) == 40
    assert set(timings) >= {"import", "full evaluate", "import more", "incremental evaluate", "start-up"}
    assert any("incremental evaluation" in line for line in lines)


def test_the_fresh_set_is_registered_and_scored_alone_with_only(tmp_path):
    from openmash.patterns.scenarios import by_code, catalogue_fresh3
    from openmash.patterns.scenarios.model import AGENCIES

    codes = catalogue_fresh3.FRESH3_CODES
    assert len(codes) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    used = {r.agency for s in fresh for r in s.rows}
    assert {"amb", "ha", "ey", "youth", "pharm"} <= used <= set(AGENCIES)  # agencies the earlier sets never used
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and "CN03" not in text and "TR08" in text


def test_the_fourth_held_out_set_is_registered_whole_and_scored_alone_with_only(tmp_path):
    from openmash.patterns.scenarios import by_code, catalogue_fresh4
    from openmash.patterns.scenarios.model import BENIGN, extracts_write

    codes = catalogue_fresh4.FRESH4_CODES
    assert len(codes) == 22 and len(set(codes)) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    concerning = {s.code for s in fresh if s.kind == CONCERNING}
    assert concerning == {f"CN{n}" for n in range(59, 69)}
    for code in concerning:  # every concerning scenario has its benign twin in the set, on the same theme
        twin = by_code()[code.replace("CN", "BN")]
        assert twin.kind == BENIGN and twin.twin == code and twin.code in codes and twin.theme == by_code()[code].theme
    assert {s.code for s in fresh if s.kind == TRAP} == {"TR09", "TR10"}
    (tmp_path / "extracts").mkdir()
    paths = extracts_write(fresh, tmp_path / "extracts")  # the extracts write: one file per agency, every row
    written = 0
    for p in paths.values():
        with p.open(encoding="utf-8", newline="") as f:
            written += sum(1 for _ in csv.DictReader(f))
    assert paths and written == sum(len(s.rows) for s in fresh)
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and "CN49" not in text and "TR10" in text


def test_the_fifth_held_out_set_is_registered_whole_and_scored_alone_with_only(tmp_path):
    from openmash.patterns.scenarios import by_code, catalogue_fresh5
    from openmash.patterns.scenarios.model import BENIGN, extracts_write

    codes = catalogue_fresh5.FRESH5_CODES
    assert len(codes) == 22 and len(set(codes)) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    concerning = {s.code for s in fresh if s.kind == CONCERNING}
    assert concerning == {f"CN{n}" for n in range(69, 79)}
    for code in concerning:  # every concerning scenario has its benign twin in the set, on the same theme
        twin = by_code()[code.replace("CN", "BN")]
        assert twin.kind == BENIGN and twin.twin == code and twin.code in codes and twin.theme == by_code()[code].theme
    traps = [s for s in fresh if s.kind == TRAP]
    assert {s.code for s in traps} == {"TR11", "TR12"} and all(s.flagged_person == "at_risk" for s in traps)
    (tmp_path / "extracts").mkdir()
    paths = extracts_write(fresh, tmp_path / "extracts")  # the extracts write: one file per agency, every row
    written = 0
    for p in paths.values():
        with p.open(encoding="utf-8", newline="") as f:
            written += sum(1 for _ in csv.DictReader(f))
    assert paths and written == sum(len(s.rows) for s in fresh)
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and "CN59" not in text and "TR12" in text


def test_the_sixth_held_out_set_is_registered_whole_and_scored_alone_with_only(tmp_path):
    from openmash.patterns.scenarios import by_code, catalogue_fresh6
    from openmash.patterns.scenarios.model import AGENCIES, BENIGN, extracts_write

    codes = catalogue_fresh6.FRESH6_CODES
    assert len(codes) == 22 and len(set(codes)) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    concerning = {s.code for s in fresh if s.kind == CONCERNING}
    assert concerning == {f"CN{n}" for n in range(79, 89)}
    for code in concerning:  # every concerning scenario has its benign twin in the set, on the same theme
        twin = by_code()[code.replace("CN", "BN")]
        assert twin.kind == BENIGN and twin.twin == code and twin.code in codes and twin.theme == by_code()[code].theme
    traps = {s.code: s for s in fresh if s.kind == TRAP}
    assert set(traps) == {"TR13", "TR14"}
    assert traps["TR13"].flagged_person is None and traps["TR14"].flagged_person == "at_risk"
    used = {r.agency for s in fresh for r in s.rows}
    assert {"dent", "asc", "sn"} <= used <= set(AGENCIES)  # the agencies this set brings in
    (tmp_path / "extracts").mkdir()
    paths = extracts_write(fresh, tmp_path / "extracts")  # the extracts write: one file per agency, every row
    written = 0
    for p in paths.values():
        with p.open(encoding="utf-8", newline="") as f:
            written += sum(1 for _ in csv.DictReader(f))
    assert paths and written == sum(len(s.rows) for s in fresh)
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and "CN69" not in text and "TR14" in text
    # a flag that merges TR13's two boys fails that trap and the gate
    merged = traps["TR13"].record_ids()
    rows = perfect_export(fresh) + [{"record_ids": ";".join(sorted(merged)), "agencies": "ed-rde;gp;school",
                                     "explanation": "hand-made merge"}]  # fmt: skip
    path = write_export(tmp_path / "merged.csv", rows)
    out = io.StringIO()
    with pytest.raises(CommandError, match="traps 1/2"):
        call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    assert "Do-not-merge traps passed: 1/2" in out.getvalue()


def test_the_seventh_held_out_set_is_registered_whole_and_scored_alone_with_only(tmp_path):
    from openmash.patterns.scenarios import by_code, catalogue_fresh7
    from openmash.patterns.scenarios.model import AGENCIES, BENIGN, extracts_write

    codes = catalogue_fresh7.FRESH7_CODES
    assert len(codes) == 22 and len(set(codes)) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    concerning = {s.code for s in fresh if s.kind == CONCERNING}
    assert concerning == {f"CN{n}" for n in range(89, 99)}
    for code in concerning:  # every concerning scenario has its benign twin in the set, on the same theme
        twin = by_code()[code.replace("CN", "BN")]
        assert twin.kind == BENIGN and twin.twin == code and twin.code in codes and twin.theme == by_code()[code].theme
    traps = {s.code: s for s in fresh if s.kind == TRAP}
    assert set(traps) == {"TR15", "TR16"}
    assert traps["TR15"].flagged_person == "at_risk" and traps["TR16"].flagged_person is None
    used = {r.agency for s in fresh for r in s.rows}
    assert "vcs" in used and used <= set(AGENCIES)  # the voluntary and community sector, new with this set
    assert len(used - {"police", "hv", "school"}) >= 15  # agencies well beyond police, health visiting and school
    (tmp_path / "extracts").mkdir()
    paths = extracts_write(fresh, tmp_path / "extracts")  # the extracts write: one file per agency, every row
    written = 0
    for p in paths.values():
        with p.open(encoding="utf-8", newline="") as f:
            written += sum(1 for _ in csv.DictReader(f))
    assert paths and written == sum(len(s.rows) for s in fresh)
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and "CN79" not in text and "TR16" in text
    # a flag that merges TR15's twins fails that trap and the gate
    merged = traps["TR15"].record_ids()
    rows = perfect_export(fresh) + [{"record_ids": ";".join(sorted(merged)), "agencies": "camhs;ed-tor;gp;school",
                                     "explanation": "hand-made merge"}]  # fmt: skip
    path = write_export(tmp_path / "merged.csv", rows)
    out = io.StringIO()
    with pytest.raises(CommandError, match="traps 1/2"):
        call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    assert "Do-not-merge traps passed: 1/2" in out.getvalue()


# the eighth and ninth held-out sets: (module, codes, first CN number, traps (flag-expected trap, no-flag trap),
# a code of the set before, the agencies of a hand-made merge of the first trap)
LATER_SETS = [
    ("catalogue_fresh8", "FRESH8_CODES", 99, ("TR17", "TR18"), "CN98", "ed-plh;gp;police;school"),
    ("catalogue_fresh9", "FRESH9_CODES", 109, ("TR20", "TR19"), "CN108", "camhs;ed-rde;gp;police;school"),
]


@pytest.mark.parametrize(("module", "name", "first", "trap_codes", "before", "merged_agencies"), LATER_SETS,
                         ids=["eighth", "ninth"])  # fmt: skip
def test_a_later_held_out_set_is_registered_whole_and_scored_alone_with_only(
    tmp_path, module, name, first, trap_codes, before, merged_agencies
):
    import importlib

    from openmash.patterns.scenarios import by_code
    from openmash.patterns.scenarios.model import AGENCIES, BENIGN, extracts_write

    codes = getattr(importlib.import_module(f"openmash.patterns.scenarios.{module}"), name)
    assert len(codes) == 22 and len(set(codes)) == 22 and set(codes) <= set(by_code())
    fresh = [by_code()[c] for c in codes]
    concerning = {s.code for s in fresh if s.kind == CONCERNING}
    assert concerning == {f"CN{n}" for n in range(first, first + 10)}
    for code in concerning:  # every concerning scenario has its benign twin in the set, on the same theme
        twin = by_code()[code.replace("CN", "BN")]
        assert twin.kind == BENIGN and twin.twin == code and twin.code in codes and twin.theme == by_code()[code].theme
    traps = {s.code: s for s in fresh if s.kind == TRAP}
    flagged, unflagged = trap_codes
    assert set(traps) == {flagged, unflagged}
    assert traps[flagged].flagged_person == "at_risk" and traps[unflagged].flagged_person is None
    used = {r.agency for s in fresh for r in s.rows}
    assert used <= set(AGENCIES) and len(used - {"police", "hv", "school"}) >= 15
    for s in fresh:  # each concerning scenario spreads over four or five agencies
        assert s.kind != CONCERNING or 4 <= len(s.agencies) <= 5
    (tmp_path / "extracts").mkdir()
    paths = extracts_write(fresh, tmp_path / "extracts")  # the extracts write: one file per agency, every row
    written = 0
    for p in paths.values():
        with p.open(encoding="utf-8", newline="") as f:
            written += sum(1 for _ in csv.DictReader(f))
    assert paths and written == sum(len(s.rows) for s in fresh)
    path = write_export(tmp_path / "flags.csv", perfect_export(fresh))
    out = io.StringIO()
    call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    text = out.getvalue()
    assert "Scenario recall: 10/10 = 100%" in text and "False flags on benign scenarios: 0/10 = 0%" in text
    assert "Do-not-merge traps passed: 2/2" in text and before not in text and unflagged in text
    # a flag that merges the flagged trap's two look-alike children fails that trap and the gate
    merged = traps[flagged].record_ids()
    rows = perfect_export(fresh) + [{"record_ids": ";".join(sorted(merged)), "agencies": merged_agencies,
                                     "explanation": "hand-made merge"}]  # fmt: skip
    path = write_export(tmp_path / "merged.csv", rows)
    out = io.StringIO()
    with pytest.raises(CommandError, match="traps 1/2"):
        call_command("bench_flags", "--only", ",".join(codes), "--score", str(path), stdout=out)
    assert "Do-not-merge traps passed: 1/2" in out.getvalue()
