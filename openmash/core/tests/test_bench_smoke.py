"""`openmash bench frontdoor --quick` on a tiny dataset: it seeds (with the audit trail live use would write),
measures every endpoint, prints the table with every page named, and fails loudly when a query count grows.
A page added to the benchmark that stops working, or one removed from it, fails here: the bench cannot rot silently.
"""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.core.management.commands.bench import ENDPOINTS, QUICK, RESULT_MARK, failures, percentile
from openmash.enquiries.models import CaseAllocation

PAGES = [
    "Screening queue",
    "Enquiry page",
    "Person search",
    "Queue, filtered",
    "Decided, page 40",
    "MASH pack page",
    "Social worker's home",
    "Audit trail, by person",
    "Audit, person, last page",
    "Audit trail, by user",
    "Audit, user, last page",
    "Contact creation (API)",
]


def _summary(text: str) -> dict:
    line = next(line for line in text.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK) :])


# A fixed Wednesday morning (the clock runs on from there): which contacts are overdue depends on the time of day.
@time_machine.travel(dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC), tick=True)
def test_bench_frontdoor_quick_measures_every_page(db):
    out = io.StringIO()
    call_command("bench", "frontdoor", "--single", "--quick", "--no-migrate", stdout=out)  # raises if it failed
    text = out.getvalue()
    table = text.split("requests per endpoint")[-1]
    for label in PAGES:
        assert label in table, label
    assert "p95 ms" in text and "sql ms" in text and "queries small/full" in text
    summary = _summary(text)
    assert [e["label"] for e in summary["endpoints"]] == PAGES == [e.label for e in ENDPOINTS]
    assert (summary["people"], summary["contacts"]) == (QUICK["people"], QUICK["contacts"])
    for endpoint in summary["endpoints"]:
        assert endpoint["n"] == QUICK["iterations"]
        assert endpoint["p95"] > 0 and endpoint["sql_ms"] >= 0
        assert endpoint["queries_full"] and endpoint["queries_small"]
        assert endpoint["queries_flat"], endpoint
    by_key = {e["key"]: e for e in summary["endpoints"]}
    assert by_key["pack"]["request"] == "GET /packs/{contact_id}/"
    assert by_key["sw_home"]["request"] == "GET /"
    assert by_key["audit_user_last"]["request"] == "GET /audit/"
    # the audit table was filled as live use fills it: tens of events per contact, written insert-only
    events = AuditEvent.objects.count()
    assert summary["audit_events"] >= 20 * Contact.objects.count()
    assert events >= summary["audit_events"]
    assert AuditEvent.objects.filter(action="list", reason="screening queue").exists()
    assert AuditEvent.objects.filter(action="view", reason="mash pack").exists()
    # ids rise with time, as in live use (each of the two seeding stages starts again 18 months back)
    times = list(
        AuditEvent.objects.filter(actor_username="bench.screener2").order_by("id").values_list("at", flat=True)
    )
    assert len(times) > 100
    assert sum(1 for a, b in zip(times, times[1:], strict=False) if b < a) <= 1
    # the measured social worker holds a caseload, not every allocation
    worker = CaseAllocation.objects.filter(worker__username="csc.socialworker", closed_at__isnull=True).count()
    assert 0 < worker == summary["caseload"] <= 18 + 1
    assert CaseAllocation.objects.exclude(worker__username="csc.socialworker").exists()


def _fake(queries_small, queries_full, slack=0, p95=10.0):
    endpoint = {"label": "Page", "queries_small": queries_small, "queries_full": queries_full, "query_slack": slack}
    endpoint |= {"queries_flat": queries_full <= queries_small + slack, "p95": p95, "target": 150.0}
    return {"database": "SQLite", "endpoints": [endpoint]}


def test_failures_name_a_growing_query_count_and_only_with_strict_a_slow_page():
    assert failures(_fake(14, 14), strict=True) == []
    assert failures(_fake(17, 19, slack=6), strict=False) == []
    assert failures(_fake(14, 64), strict=False) == ["SQLite: Page: query count grows (14 -> 64)"]
    assert failures(_fake(14, 14, p95=151.0), strict=False) == []
    assert failures(_fake(14, 14, p95=151.0), strict=True) == ["SQLite: Page: p95 151.0 ms over 150 ms"]


def test_a_query_count_that_grows_makes_the_command_fail(db, monkeypatch):
    from openmash.core.management.commands import bench

    real = bench.FrontDoorBench.query_count

    def growing(self, endpoint, client, use_web, runs=3):
        return real(self, endpoint, client, use_web, runs) + (50 if self.stage == "full" else 0)

    monkeypatch.setattr(bench.FrontDoorBench, "query_count", growing)
    out = io.StringIO()
    with (
        time_machine.travel(dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC), tick=True),
        pytest.raises(CommandError, match="query count grows"),
    ):
        call_command("bench", "frontdoor", "--single", "--quick", "--no-migrate", "--iterations=1", stdout=out)
    assert "QUERY COUNT GROWS" in out.getvalue()


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0
