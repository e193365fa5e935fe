"""`openmash bench load`: how locust's figures are read and judged (fast), the locust users' contact payload is one
the API accepts, and (opt-in, OPENMASH_TEST_LOAD_BENCH=1) a few seconds of the real thing end to end."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from openmash.core.loadtest.payload import answer_candidates, contact_payload
from openmash.core.management.commands.bench_load import LOCKED, format_result, read_locust_csv, verdict

STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
)


def _csv(tmp_path, rows, failures=""):
    prefix = tmp_path / "locust"
    (tmp_path / "locust_stats.csv").write_text(STATS_HEADER + rows)
    (tmp_path / "locust_failures.csv").write_text("Method,Name,Error,Occurrences\n" + failures)
    return str(prefix)


def _row(name, count, fails, p50, p95, p99, kind="GET"):
    return f"{kind},{name},{count},{fails},{p50},1,1,1,1,1,0,{p50},1,1,1,1,{p95},1,{p99},1,1,1\n"


def test_targets_met(tmp_path):
    prefix = _csv(
        tmp_path,
        _row("GET /screening/", 90, 0, 40, 120, 200)
        + _row("POST /api/v1/contacts/[id]/screening [409 conflict]", 3, 0, 30, 40, 40, "POST")
        + _row("Aggregated", 93, 0, 40, 150, 300, ""),
    )
    result = read_locust_csv(prefix)
    assert result["total"] == {
        "type": "",
        "name": "Aggregated",
        "requests": 93,
        "failures": 0,
        "p50": 40.0,
        "p95": 150.0,
        "p99": 300.0,
    }
    assert verdict(result, locked=0) == []
    text = format_result("sqlite", result, 0, 60, 20)
    assert "409 conflicts (expected when two people take the same item): 3" in text
    assert f'"{LOCKED}" in the server log: 0' in text


@pytest.mark.parametrize(
    ("total", "locked", "expected"),
    [
        (_row("Aggregated", 10, 2, 40, 150, 300, ""), 0, "2 errors (target 0)"),
        (_row("Aggregated", 10, 0, 40, 301, 400, ""), 0, "p95 301 ms (target <= 300)"),
        (_row("Aggregated", 10, 0, 40, 200, 801, ""), 0, "p99 801 ms (target <= 800)"),
        (_row("Aggregated", 10, 0, 40, 200, 300, ""), 4, f'4 "{LOCKED}" errors (target 0)'),
        (_row("Aggregated", 0, 0, 0, 0, 0, ""), 0, "no requests were made"),
    ],
)
def test_each_missed_target_is_named(tmp_path, total, locked, expected):
    result = read_locust_csv(_csv(tmp_path, total, 'POST,POST /api/v1/contacts,"422 bad",2\n'))
    assert expected in verdict(result, locked)


def test_an_exception_in_a_simulated_user_fails_the_run(tmp_path):
    prefix = _csv(tmp_path, _row("Aggregated", 10, 0, 40, 150, 300, ""))
    (tmp_path / "locust_exceptions.csv").write_text(
        "Count,Message,Traceback,Nodes\n8,api_get() got multiple values for argument 'name',tb,local\n"
    )
    result = read_locust_csv(prefix)
    assert "8 exceptions in the simulated users (the bench is broken)" in verdict(result, 0)
    assert "exception in a simulated user x8: api_get()" in format_result("sqlite", result, 0, 5, 2)


def test_failures_are_printed(tmp_path):
    result = read_locust_csv(
        _csv(tmp_path, _row("Aggregated", 5, 2, 1, 1, 1, ""), 'POST,POST /api/v1/contacts,"422 bad",2\n')
    )
    assert "error x2: POST POST /api/v1/contacts: 422 bad" in format_result("postgres", result, 0, 5, 2)


def test_the_simulated_referrers_contact_is_accepted_by_the_api(make_actor, api):
    """If the contact rules change, the load run would only measure 422s: keep its payload valid. A person like
    someone recorded before ("Daniel Smith", born 1 January 1988, in every Smith family) is asked about (422 on
    household.0.match) and answered as the locust referrer answers it (payload.answer_candidates)."""
    referrer = api(make_actor("referrer", "police"))

    def lookup(query):
        return [c["id"] for c in referrer.post("/intake/candidates", json=query).json()["items"]]

    asked = 0
    for seed in [0, 1, 2, 3, 4, 0]:  # seed 0 twice: the same family again
        body = contact_payload(random.Random(seed))
        response = referrer.post("/contacts", json=body)
        if response.status_code == 422 and answer_candidates(body, response.json()["errors"], lookup):
            asked += 1
            response = referrer.post("/contacts", json=body)
        assert response.status_code == 201, response.content


@pytest.mark.loadbench
@pytest.mark.skipif(os.environ.get("OPENMASH_TEST_LOAD_BENCH") != "1", reason="set OPENMASH_TEST_LOAD_BENCH=1")
def test_a_short_real_run_end_to_end(tmp_path):
    """Seeds a small demo into a bench SQLite file, serves it with gunicorn, runs 2 locust users for 5 s."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openmash.cli",
            "bench",
            "load",
            "--database",
            "sqlite",
            "--users",
            "2",
            "--duration",
            "5",
            "--people",
            "200",
            "--contacts",
            "20",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "BENCH-LOAD-RESULT" in result.stdout, result.stdout + result.stderr
    assert "All requests (ms)" in result.stdout
