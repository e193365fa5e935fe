"""`openmash bench frontdoor --single` on a tiny dataset: it seeds, measures every endpoint and prints the table."""

import io
import json

from django.core.management import call_command

from openmash.core.management.commands.bench import RESULT_MARK, percentile


def test_bench_frontdoor_single_run_prints_p95(db):
    out = io.StringIO()
    call_command(
        "bench",
        "frontdoor",
        "--single",
        "--no-migrate",
        "--people=300",
        "--contacts=100",
        "--iterations=3",
        stdout=out,
    )
    text = out.getvalue()
    assert "p95 ms" in text
    summary = json.loads(next(line for line in text.splitlines() if line.startswith(RESULT_MARK))[len(RESULT_MARK) :])
    keys = [e["key"] for e in summary["endpoints"]]
    assert keys == ["queue", "enquiry", "search", "queue_filtered", "decided_p40", "create"]
    for endpoint in summary["endpoints"]:
        assert endpoint["n"] == 3
        assert endpoint["p95"] > 0
        assert endpoint["queries_full"] and endpoint["queries_small"]


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0
