"""Issue 8's contract end to end: a fresh database made only with `openmash agency create` and `openmash import` of
standard extracts, then `openmash flags evaluate --as-of` and `openmash flags export --as-of --out` (ADR 0015)."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from django.db import connections

from openmash.cli import _resolve, main
from openmash.feeds.tests.conftest import csv_text, row
from openmash.patterns.rules import default_specs

pytestmark = pytest.mark.django_db

NHS_CHILD = "999 314 1593"
NHS_OTHER = "943 476 5919"


@pytest.fixture
def run(monkeypatch, capsys, settings, tmp_path):
    """run(*argv) -> (exit code, stdout, stderr), through openmash.cli.main (no partnership fixture: the database
    holds only what the commands make)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"

    def _run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = 0
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _extract(tmp_path, name: str, rows: list[dict]):
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def _child(record_id: str, **values) -> dict:
    return row(record_id=record_id, nhs_number=NHS_CHILD, **values)


def _other(record_id: str, **values) -> dict:
    return row(
        record_id=record_id,
        given_name="Amelia",
        family_name="Jones",
        date_of_birth="2016-06-02",
        nhs_number=NHS_OTHER,
        postcode="EX2 2BB",
        address="9 Low Road",
        **values,
    )


AGENCIES = [
    ("police", "County Police", "police", "6"),
    ("school-oak", "Oakfield Primary School", "education", "2A"),
    ("health-gp", "Riverside GP Practice", "health", "3A"),
    ("mash", "Children's Services MASH", "csc", "5A"),
]


def _agencies(run):
    for code, name, kind, source in AGENCIES:
        extra = ["--hub"] if code == "mash" else []
        code_, _, err = run(
            "agency", "create", "--code", code, "--name", name, "--type", kind, "--source-code", source, *extra
        )
        assert code_ == 0, err


@pytest.fixture
def imported(run, tmp_path):
    """Four agencies and three extracts: Kayden has a domestic abuse incident (police), persistent absence
    (school) and a missed appointment (GP) within six months; Amelia has one police incident and one school absence
    (two concerns: below the combination's three)."""
    agencies = [
        ("police", "County Police", "police", "6"),
        ("school-oak", "Oakfield Primary School", "education", "2A"),
        ("health-gp", "Riverside GP Practice", "health", "3A"),
        ("mash", "Children's Services MASH", "csc", "5A"),
    ]
    for code, name, kind, source in agencies:
        extra = ["--hub"] if code == "mash" else []
        assert (
            run("agency", "create", "--code", code, "--name", name, "--type", kind, "--source-code", source, *extra)[0]
            == 0
        )
    police = _extract(
        tmp_path,
        "police.csv",
        [
            _child("P-100", event_date="2025-03-10", event_type="DA incident", description="Officers attended"),
            _other("P-200", event_date="2025-03-11", event_type="DA incident", description="Verbal argument"),
        ],
    )
    school = _extract(
        tmp_path,
        "school.csv",
        [
            _child("S-1", event_date="2025-04-02", event_type="Persistent absence", description="Attendance 71%"),
            _other("S-2", event_date="2025-04-03", event_type="Persistent absence", description="Attendance 80%"),
        ],
    )
    gp = _extract(
        tmp_path,
        "gp.csv",
        [_child("G-9", event_date="2025-05-01", event_type="Was not brought", description="Immunisations missed")],
    )
    for agency, path in (("police", police), ("school-oak", school), ("health-gp", gp)):
        code, out, err = run("import", "standard", str(path), "--agency", agency, "--no-progress")
        assert code == 0, err
    return run


def test_flags_commands_resolve():
    assert _resolve(["flags", "evaluate", "--as-of", "2025-06-30"]) == ["flags_evaluate", "--as-of", "2025-06-30"]
    assert _resolve(["flags", "export", "--out", "f.csv"]) == ["flags_export", "--out", "f.csv"]
    assert _resolve(["flags", "rules", "export", "--out", "r.yaml"]) == ["flags_rules", "export", "--out", "r.yaml"]


def test_flags_help_lists_its_commands(run):
    code, out, _ = run("flags")
    assert code == 0 and "evaluate" in out and "export" in out and "rules" in out


def test_evaluate_then_export_on_a_fresh_database(imported, tmp_path):
    run = imported
    code, out, err = run("flags", "evaluate", "--as-of", "2025-06-30")
    assert code == 0, err
    assert "1 flagged (1 new" in out
    target = tmp_path / "flags.csv"
    code, out, err = run("flags", "export", "--as-of", "2025-06-30", "--out", str(target))
    assert code == 0, err
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == ["record_ids", "agencies", "explanation"]
    assert len(rows) == 1  # Amelia's records (one agency's concerns, and a police incident) are absent
    assert rows[0]["record_ids"] == "G-9;P-100;S-1"
    assert rows[0]["agencies"] == "health-gp;police;school-oak"
    text = rows[0]["explanation"]
    assert "Several concerns from different agencies within six months" in text
    lines = text.splitlines()
    events = lines[lines.index("Contributing events, in time order:") + 1 :]
    assert [e.split(",")[0] for e in events] == ["- 10 March 2025", "- 2 April 2025", "- 1 May 2025"]
    assert "County Police (police)" in text and "Oakfield Primary School (school-oak)" in text


def test_events_after_as_of_are_ignored(imported, tmp_path):
    run = imported
    target = tmp_path / "early.csv"
    code, _, err = run("flags", "export", "--as-of", "2025-04-30", "--out", str(target))
    assert code == 0, err
    assert list(csv.DictReader(target.open(encoding="utf-8"))) == []  # the GP's missed appointment is after it


def test_export_refuses_to_overwrite_and_bad_dates(imported, tmp_path):
    run = imported
    target = tmp_path / "f.csv"
    target.write_text("x")
    code, _, err = run("flags", "export", "--as-of", "2025-06-30", "--out", str(target))
    assert code == 1 and "exists" in err
    code, _, err = run("flags", "evaluate", "--as-of", "30/06/2025")
    assert code == 1 and "YYYY-MM-DD" in err


def test_rules_export_and_load_round_trip(run, db, tmp_path, make_actor):
    from openmash.partnership.models import SettingChange
    from openmash.patterns.models import PatternRule
    from tests.support import cli_proof

    admin = make_actor("partnership_admin", "mash")

    def load(path):  # the admin loading it proves it is them (ADR 0019 addendum)
        argv, stdin = cli_proof(admin.user.username)
        return run("flags", "rules", "load", str(path), "--by", admin.user.username, *argv, stdin=stdin)

    out = tmp_path / "rules.yaml"
    code, _, err = run("flags", "rules", "export", "--out", str(out))
    assert code == 0, err
    code, text, err = load(out)
    assert code == 0, err
    assert f"stored the {len(default_specs())} shipped rules first" in text
    assert f"{len(default_specs())} unchanged" in text
    code, text, err = load(out)
    assert "0 new, 0 changed" in text and f"{len(default_specs())} unchanged" in text
    changed = out.read_text().replace("window_days: 183", "window_days: 120", 1)
    out.write_text(changed)
    code, text, err = load(out)
    assert code == 3 and "1 waiting for a second admin" in text  # an active rule's parameters: dual control
    assert PatternRule.objects.filter(code="cross_agency_combination").count() == 1
    assert SettingChange.objects.filter(key="cross_agency_combination", status="pending").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - code: x\n    type: nope\n    title: t\n    description: d\n")
    code, _, err = load(bad)
    assert code == 1 and "unknown rule type" in err


def test_openmash_import_evaluates_the_children_it_touched(run, tmp_path, settings):
    settings.OPENMASH_FLAGS_AFTER_IMPORT = True
    _agencies(run)
    extracts = [
        ("police", [_child("P-100", event_date="2025-03-10", event_type="DA incident", description="")]),
        ("school-oak", [_child("S-1", event_date="2025-04-02", event_type="Persistent absence", description="")]),
        ("health-gp", [_child("G-9", event_date="2025-05-01", event_type="Was not brought", description="")]),
    ]
    for n, (agency, rows) in enumerate(extracts):
        code, out, err = run("import", "standard", str(_extract(tmp_path, f"e{n}.csv", rows)), "--agency", agency)
        assert code == 0, err
    assert "Patterns: 1 indicators read; 1 children evaluated, 1 new flags." in out
    from openmash.patterns.models import Flag

    assert Flag.objects.get().status == "open"
