"""Time the printed household chronology (PDF) for a household of realistic size; prints figures, asserts nothing
about time.

Run it on its own, one process, on the default SQLite test database (not collected by `make test`: not a test_ file
and outside the test paths):

    PYTHONPATH=$PWD .venv/bin/python -m pytest scripts/bench_chronology_pdf.py -q -s -p no:randomly

It builds the family of openmash/people/tests/test_chronology.py (a child known to the police and a school, and
their mother) and adds ENTRIES imported events (default 240) split between the child and the mother, the size of a
busy household's chronology in a MASH. Then it renders the household chronology PDF RUNS times (default 6) in one
process for:

- Latin names (no fallback font needed);
- the child's forename in Chinese (one Noto CJK font needed);
- the child's forename in Bengali (a Noto font and HarfBuzz shaping needed);

and, for comparison on the same machine, the Latin household as the PDF was drawn before (every fallback font the
server has registered on every document and every text shaped: `--before` behaviour, emulated here by patching
openmash.web.pdf's font set-up). Each line gives the first render (cold for that case in this process), the median
of the rest (warm) in wall seconds, the median CPU seconds of the process, and the PDF's size. BENCH_CASES picks
cases (default "latin,cjk,bengali,before"). The figures in README.md ("Printed chronology speed") come from this
script. Do not run it while another benchmark runs.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import pytest

from openmash.people.tests.test_chronology import family  # noqa: F401 - the fixture

RUNS = int(os.environ.get("BENCH_RUNS", "6"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "240"))
CASES = set(os.environ.get("BENCH_CASES", "latin,cjk,bengali,before").split(","))


def _events(family) -> None:  # noqa: F811 - the fixture's name
    from openmash.people.models import AgencyRecord, ChronologyEntry

    record = AgencyRecord.objects.filter(agency__code="police").first()
    start = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person=family["kid"] if i % 2 else family["mum"],
            occurred_at=start + dt.timedelta(hours=61 * i),
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
            description="Officers spoke to both adults; the child was asleep upstairs. Advice given about the door.",
            sensitivity="standard",
        )
        for i in range(ENTRIES)
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
    rest = took[1:] or took
    return took[0], statistics.median(rest), statistics.median(cpu[1:] or cpu), size


def _all_fonts_register(pdf, text: str = "") -> None:
    """The set-up before this change: DejaVu and every fallback font parsed and registered, shaping always on."""
    from openmash.web.pdf_fonts import BODY, FONTS, fallback_fonts

    pdf.add_font(BODY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(BODY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    families = []
    for font in fallback_fonts():
        pdf.add_font(font.family, "", font.path, collection_font_number=font.index)
        families.append(font.family)
    if families:
        pdf.set_fallback_fonts(families, exact_match=False)
    pdf.set_text_shaping(True)


@pytest.mark.django_db
def test_time_the_household_chronology_pdf(family, monkeypatch):  # noqa: F811
    from openmash.people.chronology import chronology_export

    _events(family)
    hub, kid = family["hub"], family["kid"]
    entries = chronology_export(actor=hub, person_id=kid.pk, household=True).page.count
    print(f"\nHousehold chronology PDF, {entries} entries, {RUNS} renders each (wall s: first, median of the rest)")

    def line(label: str) -> None:
        cold, warm, cpu, size = _time(hub, kid)
        print(f"{label:<34} first {cold:6.2f} s, then {warm:6.2f} s wall, {cpu:6.2f} s CPU ({size // 1024} KiB)")

    if "latin" in CASES:
        line("Latin names")
    scripts = (("cjk", "王芳", "Chinese forename (Noto CJK)"), ("bengali", "আমিনা", "Bengali forename (Noto, shaped)"))
    for case, forename, label in scripts:
        if case in CASES:
            kid.forename = forename
            kid.save(update_fields=["forename"])
            line(label)
    kid.forename = "Kayden"
    kid.save(update_fields=["forename"])
    if "before" in CASES:
        from openmash.web import pdf as web_pdf

        monkeypatch.setattr(web_pdf, "register", _all_fonts_register)
        monkeypatch.setattr(web_pdf, "need", lambda pdf, text: None)
        line("Latin names, as before (all fonts)")
