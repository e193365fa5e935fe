"""`openmash import`, `openmash demo extracts` and `openmash bench import` as the README spells them."""

from __future__ import annotations

import io
import sys

import pytest
from django.db import connections

from openmash.cli import _resolve, main
from openmash.feeds.tests.conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(monkeypatch, capsys, partnership, settings, tmp_path):
    """run(*argv) -> (exit code, stdout, stderr), through openmash.cli.main."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"

    def _run(*argv):
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = 0
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_the_two_word_commands_resolve():
    assert _resolve(["import", "standard", "f.csv"]) == ["feed_import", "standard", "f.csv"]
    assert _resolve(["demo", "extracts", "--out", "d"]) == ["demo_extracts", "--out", "d"]
    assert _resolve(["bench", "import", "--rows", "5"]) == ["bench_import", "--rows", "5"]
    assert _resolve(["bench", "load"]) == ["bench_load"]


def test_openmash_import_imports_and_reports(run, write_csv):
    good = write_csv([row()])
    code, out, err = run("import", "standard", str(good), "--agency", "police")
    assert code == 0, err
    assert "1 row imported: 1 new record, 0 updated, 0 unchanged; 1 new event, 0 already held" in out
    code, out, err = run("import", "standard", str(good), "--agency", "police")
    assert code == 0 and "Already imported" in out
    # review finding 16: not "0 rows read, 0 with errors", but what happened
    assert "0 rows read" not in out and "The same file was imported before" in out
    bad = write_csv([row(), row(record_id="P2", nhs_number="9993141594")])
    code, out, err = run("import", "standard", str(bad), "--agency", "police")
    assert code == 1
    assert (
        "row 3, nhs_number: NHS number 999 314 1594 is not valid: its last digit (the check digit) does not match"
        in out
    )
    assert err.startswith("openmash import: error: Nothing was imported: 1 of 2 rows has errors")
    assert "or import the other rows with --skip-bad-rows" in err


def test_a_dry_run_says_it_checked_and_wrote_nothing(run, write_csv):
    code, out, err = run("import", "standard", str(write_csv([row()])), "--agency", "police", "--dry-run")
    assert code == 0, err
    assert "Dry run: 1 row checked, nothing written. Importing it would add 1 new record" in out
    assert "rows imported" not in out and "row imported" not in out
    assert "1 row read, 0 with errors." in out


def test_openmash_import_usage_errors_are_one_line(run, tmp_path):
    code, _, err = run("import", "standard", str(tmp_path / "missing.csv"), "--agency", "police")
    assert code == 1 and err.strip() == "openmash import: error: no such file: missing.csv"
    (tmp_path / "x.csv").write_text("a\n")
    code, _, err = run("import", "nope", str(tmp_path / "x.csv"), "--agency", "police")
    assert code == 1 and "feed: Unknown feed: choose one of" in err and err.count("\n") == 1
    code, _, err = run("import", "standard", str(tmp_path / "x.csv"))
    assert code == 1 and "--agency CODE" in err


def test_the_import_messages_say_what_happened(run, write_csv, tmp_path):
    """Review finding 16: an unknown agency lists the active codes; a file refused before any row is read says so
    instead of "0 rows read, 0 with errors"; a bad event date names the date as a bad date of birth does."""
    good = write_csv([row()])
    code, _, err = run("import", "standard", str(good), "--agency", "nosuch")
    assert code == 1 and "No active agency has that code. The active agencies: " in err and "police" in err
    (tmp_path / "empty.csv").write_text("")
    code, out, err = run("import", "standard", str(tmp_path / "empty.csv"), "--agency", "police")
    assert code == 1 and "0 rows read" not in out and "refused before any row was read" in out
    future = write_csv([row(event_date="2999-01-01")])
    code, out, _ = run("import", "standard", str(future), "--agency", "police")
    assert code == 1 and "event_date: The event date 2999-01-01 is in the future" in out


def test_help_lists_the_feed_commands(run):
    code, out, _ = run()
    assert code == 0 and "openmash import FEED FILE" in out and "openmash demo extracts" in out
    assert "openmash bench import" in out
