"""`openmash bench flags-speed` (issue 8's speed targets) at a tiny scale, so the bench cannot rot: the set-up writes
what real imports write (the reader, run again over the entries, finds the same indicators; each person's records
are joined), the command prints every figure, and the household matching's fast path gives the same pairs as
comparing every two records."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from openmash.cli import ALIASES
from openmash.patterns.evaluation import _household_pairs
from openmash.patterns.models import EventIndicator, PatternReadMark
from openmash.patterns.speed import families, more_extract_write, population_write
from openmash.people.models import AgencyRecord, ChronologyEntry, Person


def test_flags_speed_is_wired_as_a_two_word_command():
    assert ALIASES[("bench", "flags-speed")] == "bench_flags_speed"


def test_the_bench_sets_up_evaluates_imports_and_reports(capsys):
    call_command("bench_flags_speed", children=40, events=1500, more_events=60, database="sqlite")
    out = capsys.readouterr().out
    assert "sqlite: set up 40 children" in out and "1,500 events" in out
    assert "sqlite: full evaluation: " in out and "s wall" in out and "peak RSS" in out and "load average" in out
    assert "phases: entries read" in out and "engine" in out and "flags written" in out
    assert "sqlite: import of 60 rows (60 new events" in out
    assert "sqlite: incremental evaluation after the import: " in out


def _quadratic(members: list) -> dict:
    """The household pairs as the evaluation first found them: every two records of one postcode compared."""
    household: dict = defaultdict(set)
    if len({m[0] for m in members}) < 2:
        return household
    for i, (a, na) in enumerate(members):
        for b, nb in members[i + 1 :]:
            if a != b and (na is None or nb is None or na == nb):
                household[a].add(b)
                household[b].add(a)
    return household


def test_household_pairs_are_the_pairs_of_comparing_every_two_records():
    rng = random.Random(3)
    for _ in range(300):
        members = [(rng.randrange(8), rng.choice([None, "1", "2", "3", "flat a"])) for _ in range(rng.randrange(1, 14))]
        fast: dict = defaultdict(set)
        _household_pairs(members, fast)
        assert dict(fast) == {k: v for k, v in _quadratic(members).items() if v}, members


def test_families_are_deterministic_and_hold_the_children_asked_for():
    as_of = dt.date(2026, 6, 30)
    a = [[(m.number, m.nhs, m.agencies) for m in h] for h in families(50, as_of, 8)]
    b = [[(m.number, m.nhs, m.agencies) for m in h] for h in families(50, as_of, 8)]
    assert a == b
    members = [m for h in families(50, as_of, 8) for m in h]
    assert sum(m.child for m in members) == 50 and any(not m.child for m in members)
    assert len({m.nhs for m in members}) == len(members)


def _joins_as_the_linker_leaves_them(members: list) -> None:
    """Each member's records resolve to the origin person of its record written first (agencies are written in the
    order they first appear among the members' agencies); the other origin people are merged into it; one confirmed
    NHS-number link per later record, to the earlier record giving the smallest sorted pair (the linker's spanning
    forest over the sorted pairs)."""
    from openmash.people.models import RecordLink

    order: list[str] = []
    for m in members:
        order += [code for code in m.agencies if code not in order]
    rows = {(r.agency.code, r.local_id): r for r in AgencyRecord.objects.select_related("agency", "origin_person")}
    expected_links = set()
    for m in members:
        mine = [rows[(code, m.local_id(code))] for code in sorted(m.agencies, key=order.index)]
        canonical = mine[0].origin_person_id
        assert {r.person_id for r in mine} == {canonical}
        assert mine[0].origin_person.merged_into_id is None
        assert all(r.origin_person.merged_into_id == canonical for r in mine[1:])
        for n, r in enumerate(mine[1:], start=1):
            expected_links.add(min(tuple(sorted((r.pk, e.pk))) for e in mine[:n]))
    links = RecordLink.objects.filter(valid_to__isnull=True)
    assert {(x.record_l_id, x.record_r_id) for x in links} == expected_links
    weights = {"nhs_number": {"weight": None, "level": "exact", "reason": "same NHS number"}}
    as_text = json.dumps(weights, sort_keys=True)  # PostgreSQL's jsonb keeps the keys in its own order
    assert {
        (x.state, x.rule, x.reason, x.match_probability, x.decided_by_id, json.dumps(x.field_weights, sort_keys=True))
        for x in links
    } == {("confirmed", "nhs_number", "Same NHS number", 1.0, None, as_text)}


@pytest.mark.django_db
@pytest.mark.parametrize("real_linker", [True, False], ids=["the-linker", "joined-directly"])
def test_the_set_up_writes_what_the_import_and_the_reader_write(real_linker):
    as_of = timezone.localdate()
    counts = population_write(children=25, events=800, as_of=as_of, say=lambda _line: None, real_linker=real_linker)
    _joins_as_the_linker_leaves_them([m for h in families(25, as_of, 8) for m in h])
    # each event names its record's origin person, as the import's writer does
    assert all(e.person_id == e.record.origin_person_id for e in ChronologyEntry.objects.select_related("record"))
    assert counts.events == ChronologyEntry.objects.count() == 800
    assert counts.indicators == EventIndicator.objects.count() > 0
    assert PatternReadMark.objects.count() == 800
    # each person's records at several agencies are one resolved person (joined on the shared NHS number)
    people = {m.nhs: m for h in families(25, as_of, 8) for m in h}
    for nhs, m in people.items():
        resolved = set(AgencyRecord.objects.filter(nhs_number=nhs).values_list("person_id", flat=True))
        assert len(resolved) == 1 and AgencyRecord.objects.filter(nhs_number=nhs).count() == len(m.agencies)
    assert Person.objects.filter(merged_into__isnull=True).count() == len(people)
    # the reader, run again over the entries the set-up wrote, finds exactly the indicators it wrote
    columns = ("entry_id", "person_id", "indicator", "occurred_on", "agency_id", "source", "explained")
    written = set(EventIndicator.objects.values_list(*columns))
    evidence = {(e.entry_id, e.indicator): e.evidence for e in EventIndicator.objects.all()}
    EventIndicator.objects.all().delete()
    PatternReadMark.objects.all().delete()
    from openmash.patterns.reading import entries_read

    read = entries_read(list(ChronologyEntry.objects.values_list("pk", flat=True)))
    assert read.entries == 800
    assert set(EventIndicator.objects.values_list(*columns)) == written
    assert {(e.entry_id, e.indicator): e.evidence for e in EventIndicator.objects.all()} == evidence


def test_the_more_extract_names_records_the_set_up_wrote(tmp_path):
    as_of = dt.date(2026, 6, 30)
    path = tmp_path / "more.csv"
    people = more_extract_write(path, children=30, events=20, as_of=as_of, agency="police")
    lines = path.read_text().splitlines()
    assert len(lines) == 21 and people == 10
    held = {m.local_id("police") for h in families(30, as_of, 8) for m in h if "police" in m.agencies}
    assert {line.split(",")[0] for line in lines[1:]} <= held


@pytest.mark.django_db
def test_the_set_ups_column_writer_writes_what_rows_insert_writes():
    """``speed._rows_write`` (the set-up's writer of millions of rows) stores every column as ``rows_insert`` does:
    the same converted values, the descriptions sealed for each row (they decrypt on the model), empty ones left
    empty, a missing field at its default and a missing primary key made."""
    import uuid

    from openmash.core.bulk import rows_insert
    from openmash.core.crypto import is_envelope
    from openmash.patterns.speed import _rows_write

    person = Person.objects.create(forename="Ann", surname="Smith", date_of_birth=dt.date(2015, 3, 1))
    base = {"person_id": person.pk, "occurred_at": timezone.now(), "kind": "event", "summary": "Event",
            "object_type": "feeds.importbatch", "object_id": "b", "source": "police:standard",
            "event_kind": "other", "sensitivity": "standard"}  # fmt: skip
    texts = ["Officers attended, all well.", "", "Officers attended, all well."]
    rows_insert(ChronologyEntry, [{**base, "id": uuid.uuid4(), "external_id": f"a{n}", "description": t}
                                  for n, t in enumerate(texts)])  # fmt: skip
    assert _rows_write(ChronologyEntry, [{**base, "external_id": f"b{n}", "description": t}
                                         for n, t in enumerate(texts)]) == 3  # fmt: skip
    skip = {"id", "external_id", "description", "created_at", "updated_at"}
    fields = [f.attname for f in ChronologyEntry._meta.concrete_fields if f.attname not in skip]
    by_id = {e.external_id: e for e in ChronologyEntry.objects.filter(person=person)}
    for n, text in enumerate(texts):
        a, b = by_id[f"a{n}"], by_id[f"b{n}"]
        assert [getattr(b, f) for f in fields] == [getattr(a, f) for f in fields]
        assert a.description == b.description == text
    raw = dict(ChronologyEntry.objects.filter(person=person).values_list("external_id", "description"))
    assert raw["b1"] == raw["a1"] == ""
    assert is_envelope(str(raw["b0"].envelope)) and raw["b0"] != raw["b2"]  # sealed for each row, fresh nonces
