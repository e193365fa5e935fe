"""`openmash bench import --single` on a small generated extract, and the generator itself."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from openmash.feeds.bench import STANDARD_HEADER, extract_write
from openmash.feeds.management.commands.bench_import import RESULT_MARK

pytestmark = pytest.mark.django_db


def test_the_generated_extract_has_the_rows_asked_for(tmp_path):
    path = tmp_path / "e.csv"
    people = extract_write(path, rows=500, seed=4)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 500 and list(rows[0]) == STANDARD_HEADER
    assert len({r["record_id"] for r in rows}) == people and 50 <= people <= 500
    assert extract_write(tmp_path / "again.csv", rows=500, seed=4) == people  # a seed gives the same file
    assert (tmp_path / "again.csv").read_bytes() == path.read_bytes()


def test_bench_import_single_imports_and_prints_its_timings(tmp_path, settings):
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    path = tmp_path / "e.csv"
    extract_write(path, rows=300, seed=5)
    out = io.StringIO()
    call_command("bench_import", "--single", str(path), "--no-migrate", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith(RESULT_MARK))
    rows, total, validate_s, write_s, check_cpu, write_cpu, check_db, write_db = line[len(RESULT_MARK) :].split()
    assert int(rows) == 300 and float(total) >= float(validate_s) + float(write_s) - 0.01 > 0
    # CPU time per pass (this process; the database server's is 0 on SQLite): what the bench compares, as the
    # machine is shared and wall time is noisy
    assert float(check_cpu) > 0 and float(write_cpu) > 0
    assert float(check_cpu) <= float(validate_s) + 0.05 and float(write_cpu) <= float(write_s) + 0.05
    assert float(check_db) >= 0 and float(write_db) >= 0
