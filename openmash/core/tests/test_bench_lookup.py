"""`openmash bench lookup --single` at a tiny size: it writes people with their search keys through the bulk path,
runs every kind of query through the real search and prints p50/p95/p99 (so the bench cannot rot)."""

import io
import json

from django.core.management import call_command

from openmash.core.management.commands.bench_lookup import QUERY_KINDS, RESULT_MARK, percentile
from openmash.people.models import Person, SearchKey
from openmash.people.search_index import search_keys_stale


def test_bench_lookup_single_run_prints_percentiles(db):
    out = io.StringIO()
    call_command("bench_lookup", "--single", "--no-migrate", "--people=400", "--queries=60", stdout=out)
    text = out.getvalue()
    assert "p95 ms" in text and "target p95 <= 20 ms" in text
    result = json.loads(next(line for line in text.splitlines() if line.startswith(RESULT_MARK))[len(RESULT_MARK) :])
    assert result["people"] == 400 == Person.objects.count()
    assert result["search_keys"] == SearchKey.objects.count() > 400 * 4
    assert search_keys_stale() == (0, 400)  # the bulk path wrote exactly the keys every save would write
    assert result["overall"]["n"] == 60 and result["overall"]["p95"] > 0
    assert set(result["kinds"]) <= {k for k, _ in QUERY_KINDS} and len(result["kinds"]) >= 5
    # the people looked up are found (a query about nobody finds nobody)
    assert result["kinds"]["full_name_dob"]["listed_mean"] >= 1
    if "nobody" in result["kinds"]:
        assert result["kinds"]["nobody"]["listed_max"] == 0


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([3.0], 99) == 3.0
