"""`validate.row_clean` with a memo: a person's cells repeated on the next row are checked once, with the same
results as checking every row (the check and write passes of an import use it)."""

from __future__ import annotations

import datetime as dt

from openmash.feeds import validate
from openmash.feeds.mapping import feed_spec_get
from openmash.feeds.readers import Row
from openmash.feeds.tests.conftest import row

TODAY = dt.date(2026, 11, 30)


def _rows() -> list[Row]:
    values = [
        row(event_date="2025-07-14"),
        row(event_date="2025-07-15", event_type="Missing person"),
        row(event_date="2025-07-16", description="Another"),
        row(postcode="not a postcode", event_date="2025-07-17"),  # a problem: never reused
        row(postcode="not a postcode", event_date="2025-07-18"),
        row(record_id="P2", given_name="Zoë", nhs_number="", event_date="2025-07-19"),
        row(event_date="2025-07-20"),
    ]
    return [Row(number=i + 2, values=v) for i, v in enumerate(values)]


def test_the_memo_gives_the_same_rows_and_problems(monkeypatch):
    spec = feed_spec_get("standard")
    plain = [validate.row_clean(r, spec, today=TODAY) for r in _rows()]
    calls = []
    real = validate._person_clean
    monkeypatch.setattr(validate, "_person_clean", lambda c, values: calls.append(1) or real(c, values))
    memo: dict = {}
    remembered = [validate.row_clean(r, spec, today=TODAY, memo=memo) for r in _rows()]
    assert remembered == plain
    # rows 2-3 reuse row 1's person; the rows with a bad postcode are each checked (and each reports its problem,
    # with its own row number); P2 is new; the last row changed person again
    assert len(calls) == 5
    assert [p.row for _, problems in remembered for p in problems if p.field == "postcode"] == [5, 6]
    assert len(memo) == 1
    first, second = remembered[0][0], remembered[1][0]
    assert first.as_received is not second.as_received  # each row has its own copy
