"""Time the household chronology PDF with about 200 entries (practitioners' review: 4.6 s a request).

Run it as a test, one worker, on the default SQLite test database:

    PYTHONPATH=$PWD .venv/bin/python -m pytest scripts/bench_chronology_pdf.py -q -s -p no:cacheprovider

It builds the family of openmash/people/tests/test_chronology.py (a child known to the police and a school, and
their mother), adds 200 imported events split between the child and the mother, then renders the household
chronology PDF RUNS times in one process, for a Latin-script family and again with the child's name in Chinese (a
fallback font needed). It prints the first render (cold: nothing parsed yet in this process) and the median of the
rest (warm) in seconds of wall time, and the median CPU time of the process (the figure that does not depend on
the machine's other load). Prints only; asserts only that each PDF was made.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import pytest

from openmash.people.tests.test_chronology import family  # noqa: F401 - the fixture

RUNS = int(os.environ.get("BENCH_RUNS", "6"))
ENTRIES = 200


def _events(family):  # noqa: F811 - the fixture's name
    from openmash.people.models import AgencyRecord, ChronologyEntry

    record = AgencyRecord.objects.filter(agency__code="police").first()
    start = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person=family["kid"] if i % 2 else family["mum"],
            occurred_at=start + dt.timedelta(hours=7 * i),
            kind="event",
            agency=record.agency,
            summary=f"Police attended the address, incident {i:03d}",
            object_type="feeds.importbatch",
            object_id="1",
            record=record,
            source="bench-feed",
            external_id=f"bench-{i}",
            event_kind="police_welfare",
            source_type_text="WELFARE",
            description="Officers spoke to both adults; the child was asleep upstairs. Advice given.",
            sensitivity="standard",
        )
        for i in range(ENTRIES - 5)
    )


def _time(actor, kid) -> tuple[float, float, float, int]:
    from openmash.people.chronology import chronology_export
    from openmash.web.pdf import chronology_pdf

    took, cpu, size = [], [], 0
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = chronology_export(actor=actor, person_id=kid.pk, household=True)
        body = chronology_pdf(actor=actor, result=result, household=True)
        took.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        size = len(body)
        assert body.startswith(b"%PDF")
    return took[0], statistics.median(took[1:]), statistics.median(cpu[1:]), size


@pytest.mark.django_db
def test_time_the_household_chronology_pdf(family):  # noqa: F811
    _events(family)
    hub, kid = family["hub"], family["kid"]
    cold, warm, cpu, size = _time(hub, kid)
    print(
        f"\nLatin names, {ENTRIES} entries: first {cold:.3f} s, then median {warm:.3f} s wall, {cpu:.3f} s CPU"
        f" ({size // 1024} KiB)"
    )
    kid.forename = "王芳"
    kid.save(update_fields=["forename"])
    cold, warm, cpu, size = _time(hub, kid)
    print(
        f"Chinese forename, {ENTRIES} entries: first {cold:.3f} s, then median {warm:.3f} s wall, {cpu:.3f} s CPU"
        f" ({size // 1024} KiB)"
    )
