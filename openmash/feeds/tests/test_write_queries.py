"""The write pass stays set-based: a chunk costs a fixed number of statements, however many rows it holds.

A million-row extract is 500 chunks of 2,000 rows; one statement per row (a save, a lookup, an audit event) would
be two million round trips. These tests count the statements the write pass sends for one chunk of 300 rows and
one of 1,200 (four times as many people and events): the count must not grow with the chunk, beyond a small
constant. They also check `core.bulk.rows_insert`, which the pass writes with, against what the ORM stores.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from openmash.feeds.bench import extract_write
from openmash.feeds.choices import BatchStatus

pytestmark = pytest.mark.django_db

#: Statements the write pass may send for one chunk and the batch's own bookkeeping (measured: about 30 on SQLite
#: and PostgreSQL; a per-row path sends thousands).
MAX_WRITE_STATEMENTS = 60
#: How many more statements a chunk four times as big may send (a link proposal or two in random data).
SLACK = 4


def _write_statements(tmp_path, settings, run_import, *, rows: int, seed: int, agency: str, name: str = ""):
    """Import a generated extract as one chunk; (the batch, the statements sent during the write pass)."""
    settings.OPENMASH_IMPORT_CHUNK_ROWS = rows
    path = tmp_path / (name or f"{agency}-{rows}-{seed}.csv")
    extract_write(path, rows=rows, seed=seed)
    state = {"phase": None, "statements": 0}

    def progress(phase, done, total):
        state["phase"] = phase

    def count(execute, sql, params, many, context):
        if state["phase"] == "write":
            state["statements"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        batch = run_import(path, agency=agency, progress=progress)
    assert batch.status == BatchStatus.DONE, batch.report.get("message")
    return batch, state["statements"]


def test_a_chunk_costs_the_same_statements_whatever_its_size(tmp_path, settings, run_import):
    small, small_n = _write_statements(tmp_path, settings, run_import, rows=300, seed=31, agency="police")
    big, big_n = _write_statements(tmp_path, settings, run_import, rows=1200, seed=32, agency="probation")
    assert (small.rows_written, big.rows_written) == (300, 1200)
    assert big.records_created > 3 * small.records_created and big.events_created == 1200
    assert small_n <= MAX_WRITE_STATEMENTS and big_n <= MAX_WRITE_STATEMENTS
    assert big_n <= small_n + SLACK, (small_n, big_n)


def test_importing_the_same_rows_again_is_a_few_statements_and_changes_nothing(tmp_path, settings, run_import, counts):
    first, _ = _write_statements(tmp_path, settings, run_import, rows=800, seed=33, agency="police")
    before = counts()
    # the same rows under another name and with one more blank line: not the same file, so it is read again
    path = tmp_path / "police-800-33.csv"
    again_path = tmp_path / "again.csv"
    again_path.write_bytes(path.read_bytes() + b"\r\n")
    settings.OPENMASH_IMPORT_CHUNK_ROWS = 800
    state = {"phase": None, "statements": 0}

    def progress(phase, done, total):
        state["phase"] = phase

    def count(execute, sql, params, many, context):
        state["statements"] += state["phase"] == "write"
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        again = run_import(again_path, agency="police", progress=progress)
    assert again.status == BatchStatus.DONE, again.report.get("message")
    assert (again.records_created, again.records_superseded, again.records_unchanged) == (
        0,
        0,
        first.records_created,
    )
    assert (again.events_created, again.events_existing) == (0, 800)
    assert counts() == before
    assert state["statements"] <= MAX_WRITE_STATEMENTS


def test_rows_insert_stores_what_the_orm_would(partnership):
    from openmash.core.bulk import rows_insert
    from openmash.people.models import ChronologyEntry, Person, SearchKey

    police = partnership["police"]
    people = [Person(forename=f"Ann{i}", surname="Smith", date_of_birth=dt.date(2015, 3, i + 1)) for i in range(3)]
    assert rows_insert(Person, people) == 3
    assert all(not p._state.adding for p in people)
    stored = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in people])}
    assert [stored[p.pk].forename for p in people] == ["Ann0", "Ann1", "Ann2"]
    assert stored[people[0].pk].created_at is not None and stored[people[0].pk].date_of_birth == dt.date(2015, 3, 1)
    when = dt.datetime(2025, 7, 14, tzinfo=dt.UTC)
    entry = {
        "person_id": people[0].pk, "occurred_at": when, "kind": "event", "agency_id": police.pk,
        "summary": "Missing episode", "source": "6:standard", "external_id": "h:1", "sensitivity": "standard",
    }  # fmt: skip
    assert rows_insert(ChronologyEntry, [entry, {**entry, "external_id": "h:2"}]) == 2
    got = ChronologyEntry.objects.get(external_id="h:1")
    assert (got.occurred_at, got.agency_id, got.description, got.record_id) == (when, police.pk, "", None)
    # a row already held is skipped when asked, refused otherwise (the partial unique index on source+external id)
    rows_insert(ChronologyEntry, [{**entry, "summary": "changed"}], ignore_conflicts=True)
    assert ChronologyEntry.objects.get(external_id="h:1").summary == "Missing episode"
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(ChronologyEntry, [entry])
    # an auto-increment key is the database's
    rows_insert(SearchKey, [{"person_id": people[1].pk, "kind": "fam", "key": "smith", "dob": None}] * 2)
    assert SearchKey.objects.filter(person_id=people[1].pk, key="smith").count() == 2
    assert rows_insert(Person, []) == 0
