"""The after-import hook's incremental reach (``evaluation.affected_roots``; issue 8's "incremental evaluation
<= 10 s"): it evaluates the people given new indicators, the households (not the whole postcodes) of those given an
indicator the household rules read of others, and whole "possibly the same child" groups; and after it, a full
evaluation of the same data as at the same date changes no flag (nothing raised, updated or withdrawn)."""

from __future__ import annotations

import csv
import datetime as dt
import random

import pytest
from django.utils import timezone

from openmash.accounts.admin_services import SYSTEM
from openmash.feeds.services import batch_start, feed_import
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns import services
from openmash.patterns.evaluation import affected_roots, children_evaluate, flags_evaluate
from openmash.patterns.models import EventIndicator, Flag
from openmash.patterns.speed import FEED, families, more_extract_write, population_write
from openmash.people.models import AgencyRecord, LinkState, RecordLink

pytestmark = pytest.mark.django_db


def _state() -> dict:
    """child -> (status, contributions key, rule codes) of every current flag."""
    return {
        f.child_id: (f.status, f.contributions_key, sorted(r["code"] for r in f.rules))
        for f in Flag.objects.filter(current=True)
    }


def _full_changes_nothing(as_of: dt.date) -> None:
    before = _state()
    full = flags_evaluate(as_of=as_of, actor=SYSTEM)
    assert (full.raised, full.updated, full.withdrawn) == (0, 0, 0)
    assert _state() == before


def _import(path, agency: str):
    batch = batch_start(actor=SYSTEM, feed_code=FEED, agency_code=agency, file_name=path.name)
    batch = feed_import(actor=SYSTEM, path=path, batch=batch)
    assert batch.status == "done", batch.report
    return batch


def _arrests_for_adults_living_with_a_concern(households, as_of: dt.date, count: int) -> list[list[str]]:
    """Police rows: an arrest, last week, for `count` adults the police hold who live with a child another agency
    has a concern about (so the household rule fires on the child, not on the adult)."""
    from openmash.people.models import Person

    concerned = set(
        EventIndicator.objects.filter(explained=False, occurred_on__gte=as_of - dt.timedelta(days=300))
        .exclude(agency__code="police")
        .values_list("person_id", flat=True)
    )
    concerned |= set(Person.objects.filter(pk__in=concerned, merged_into__isnull=False).values_list("merged_into_id",
                                                                                                       flat=True))  # fmt: skip
    rows = []
    for members in households:
        adults = [m for m in members if not m.child and "police" in m.agencies]
        kids = [m for m in members if m.child]
        if not adults or not kids:
            continue
        people = {
            AgencyRecord.objects.filter(nhs_number=m.nhs).values_list("person_id", flat=True).first() for m in kids
        }
        if people & concerned:
            day = (as_of - dt.timedelta(days=7)).isoformat()
            rows.append([*adults[0].row_head("police"), day, "Arrest", "Arrested for assault.", f"arrest-{len(rows)}"])
        if len(rows) >= count:
            break
    return rows


def test_after_an_import_the_incremental_flags_are_those_of_a_full_evaluation(tmp_path):
    """The bench's partnership (eight households to a postcode) at a small size, fully evaluated; then a police
    extract of new events for people it holds, with arrests of adults living with children another agency has a
    concern about; the hook's incremental evaluation raises flags, evaluates fewer people than live at the touched
    postcodes, and a full evaluation afterwards changes nothing."""
    as_of = timezone.localdate()
    population_write(children=120, events=9000, as_of=as_of, say=lambda _line: None)
    flags_evaluate(as_of=as_of, actor=SYSTEM)
    before = _state()
    path = tmp_path / "more.csv"
    more_extract_write(path, children=120, events=200, as_of=as_of, agency="police")
    arrests = _arrests_for_adults_living_with_a_concern(list(families(120, as_of, 8)), as_of, 4)
    assert arrests, "the set-up should hold an adult at the police living with a child of concern"
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(arrests)
    batch = _import(path, "police")
    reach: dict = {}
    original = services.affected_roots

    def spy(*args, **kwargs):
        reach["roots"] = original(*args, **kwargs)
        reach["postcodes"] = services.with_households(services.roots_of(args[0]))
        return reach["roots"]

    services.affected_roots = spy
    try:
        done = services.after_import(batch)
    finally:
        services.affected_roots = original
    assert done is not None and done["raised"] >= 1
    assert reach["roots"] < reach["postcodes"], "the households only, not everyone at the touched postcodes"
    assert _state() != before
    _full_changes_nothing(as_of)


# --- targeted cases, through the import -------------------------------------------------------------------------


@pytest.fixture
def load(run_import, write_csv):  # noqa: F811
    """load(agency, rows) -> the after-import hook's counts for that import."""

    def _load(agency: str, rows: list[dict]):
        batch = run_import(write_csv(rows), agency=agency)
        assert batch.status == "done", batch.report
        done = services.after_import(batch)
        assert done is not None
        return done

    return _load


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def person(local_id: str):
    return AgencyRecord.objects.get(local_id=local_id).person_id


def kid(record_id: str, given: str, **values) -> dict:
    values.setdefault("description", "")
    values.setdefault("nhs_number", "")
    return row(record_id=record_id, given_name=given, family_name="Penhale", date_of_birth="2014-05-06",
               postcode="EX4 1AA", **values)  # fmt: skip


def grown(record_id: str, given: str, address: str, **values) -> dict:
    values.setdefault("description", "")
    values.setdefault("nhs_number", "")
    return row(record_id=record_id, given_name=given, family_name="Tregear", date_of_birth="1985-02-03",
               postcode="EX4 1AA", address=address, **values)  # fmt: skip


def test_an_adults_new_event_re_evaluates_the_children_at_their_address_not_the_neighbours(load):
    load("school-oak", [kid("S1", "Lowen", address="3 Mill Lane", event_date=_day(40), event_type="Persistent absence"),
                        kid("S2", "Jory", address="5 Mill Lane", event_date=_day(40),
                            event_type="Persistent absence")])  # fmt: skip
    assert not Flag.objects.exists()
    wanted = {person("S1")}
    done = load("police", [grown("A1", "Kit", "3 Mill Lane", event_date=_day(10), event_type="Arrest")])
    assert done["raised"] == 1
    assert Flag.objects.get().child_id == person("S1")
    roots = affected_roots({person("A1")}, as_of=timezone.localdate())
    assert wanted <= roots and person("S2") not in roots  # the next-door child at the same postcode: not read again
    _full_changes_nothing(timezone.localdate())


def test_a_new_event_on_a_record_joined_to_a_person_re_evaluates_that_person(load):
    nhs = "999 314 1593"
    load("police", [kid("P1", "Lowen", address="3 Mill Lane", nhs_number=nhs, event_date=_day(60),
                        event_type="DA incident")])  # fmt: skip
    load("school-oak", [kid("S1", "Lowen", address="3 Mill Lane", nhs_number=nhs, event_date=_day(30),
                            event_type="Persistent absence")])  # fmt: skip
    assert person("P1") == person("S1")
    done = load("health-gp", [kid("G1", "Lowen", address="3 Mill Lane", nhs_number=nhs, event_date=_day(5),
                                  event_type="Was not brought")])  # fmt: skip
    assert done["raised"] == 1 and Flag.objects.get().child_id == person("G1") == person("P1")
    _full_changes_nothing(timezone.localdate())


def test_a_child_split_three_ways_is_read_whole_when_only_one_record_has_news(load):
    """The case that made the narrower reach be removed before: police, school and GP records of one child, each a
    person of its own with a proposal between each two; the GP's event arrives last, alone, and the incremental
    evaluation reads the whole group (``possibly_same.pairs_around``), as a full one does."""
    from openmash.people.linking import link_propose

    load("police", [kid("P1", "Tyler", address="3 Mill Lane", event_date=_day(60), event_type="DA incident")])
    load("school-oak", [kid("S1", "Ty", address="3 Mill Lane", event_date=_day(30), event_type="Persistent absence")])
    load("health-gp", [kid("G1", "Tyla", address="3 Mill Lane", event_date=_day(200), event_type="Cough")])
    people = {person(x) for x in ("P1", "S1", "G1")}
    if len(people) < 3:
        pytest.skip("the matching joined two of them")
    for a, b in (("P1", "S1"), ("P1", "G1"), ("S1", "G1")):
        ra, rb = AgencyRecord.objects.get(local_id=a), AgencyRecord.objects.get(local_id=b)
        if not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED, record_l__in=[ra, rb],
                                         record_r__in=[ra, rb]).exists():  # fmt: skip
            link_propose(actor=None, record_a_id=ra.pk, record_b_id=rb.pk, reason="test proposal", rule="name+dob")
    flags_evaluate(as_of=timezone.localdate(), actor=SYSTEM)
    before = _state()
    roots = affected_roots({person("G1")}, as_of=timezone.localdate())
    assert people <= roots
    load("health-gp", [kid("G1", "Tyla", address="3 Mill Lane", event_date=_day(5), event_type="Was not brought")])
    after = _state()
    assert after != before
    flag = Flag.objects.get(current=True, status="open")
    assert set(flag.agencies) == {"police", "school-oak", "health-gp"}
    _full_changes_nothing(timezone.localdate())


def test_a_record_moved_to_a_new_address_re_evaluates_both_households(load):
    """An adult with an arrest on record moves (the police extract gives a new address, and an ordinary event):
    the children at the new address and at the former one are evaluated again."""
    load("school-oak", [kid("S1", "Lowen", address="3 Mill Lane", event_date=_day(40), event_type="Persistent absence"),
                        kid("S2", "Jory", address="9 Mill Lane", event_date=_day(40),
                            event_type="Persistent absence")])  # fmt: skip
    load("police", [grown("A1", "Kit", "3 Mill Lane", event_date=_day(30), event_type="Arrest")])
    assert Flag.objects.get(current=True).child_id == person("S1")
    load("police", [grown("A1", "Kit", "9 Mill Lane", event_date=_day(2), event_type="Victim of crime")])
    # the arrest now reads at 9 Mill Lane (the police record's current address); the flag at 3 Mill Lane stays
    # only if another record still places the adult there: here none does, so it is withdrawn
    _full_changes_nothing(timezone.localdate())
    assert Flag.objects.filter(current=True, status="open", child_id=person("S2")).exists()


def test_incremental_and_full_verdicts_agree_on_random_households(load):
    """Random small households on one postcode, events imported in several batches; after each batch the hook's
    incremental evaluation leaves the flags a full evaluation would."""
    rng = random.Random(11)
    types = ["Persistent absence", "DA incident", "Arrest", "Was not brought", "Welfare check", "Missing person"]
    agencies = {"Persistent absence": "school-oak", "Was not brought": "health-gp"}
    records = []
    for house in range(6):
        address = f"{house * 2 + 1} Mill Lane" if house != 5 else "Mill Lane"  # one without a number
        records += [("k", f"K{house}{n}", ["Lowen", "Jory", "Tamsin"][n], address) for n in range(rng.choice((1, 2)))]
        records += [("a", f"A{house}", "Kit", address)]
    for _round in range(4):
        by_agency: dict = {}
        for who, local_id, given, address in rng.sample(records, 5):
            event = rng.choice(types)
            agency = agencies.get(event, "police")
            days = rng.randrange(1, 200)
            make = kid if who == "k" else (lambda rid, g, **v: grown(rid, g, v.pop("address"), **v))
            by_agency.setdefault(agency, []).append(
                make(f"{agency[:1]}{local_id}", given, address=address, event_date=_day(days), event_type=event)
            )
        for agency, rows in by_agency.items():
            load(agency, rows)
            _full_changes_nothing(timezone.localdate())
    assert children_evaluate(timezone.localdate()).children >= 6


def test_flags_raised_in_bulk_are_audited_one_event_each_without_contacts(load):
    """``audit.services.audit_record_each``: the bulk raise's events, one per flag, as ``audit_record`` wrote them
    (the operator, the rules, the date), with no contact (a flag just raised belongs to none), sealed in the chain."""
    from openmash.audit.models import AuditEvent, AuditEventContact

    load(
        "school-oak", [kid("S1", "Lowen", address="3 Mill Lane", event_date=_day(40), event_type="Persistent absence")]
    )
    load("police", [grown("A1", "Kit", "3 Mill Lane", event_date=_day(10), event_type="Arrest")])
    flag = Flag.objects.get(current=True)
    events = AuditEvent.objects.filter(action="flag.raise", object_type="patterns.flag", object_id=str(flag.pk))
    assert events.count() == 1
    event = events.get()
    assert event.detail == {"rules": [r["code"] for r in flag.rules], "as_of": timezone.localdate().isoformat()}
    assert event.mac and not AuditEventContact.objects.filter(event=event).exists()
