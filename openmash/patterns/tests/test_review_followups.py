"""The practitioner/attacker review of issue 8, its open findings: the hub is never a second agency, the demo's
"Concern for safety" is read as the police welfare concern it is, and `openmash import` prints its own lines only."""

from __future__ import annotations

import csv
import datetime as dt
import logging

import pytest
from django.utils import timezone

from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.engine import HUB, Child, Rule, agency_count, evaluate_child
from openmash.patterns.rules import default_specs
from openmash.patterns.tests.test_flags_cli import _agencies, run  # noqa: F401 - fixture

AS_OF = dt.date(2025, 12, 31).toordinal()


def _ev(days_before: int, indicator: str, agency, ref: str) -> tuple:
    return (AS_OF - days_before, indicator, agency, ref, False, "entry-" + ref)


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return {s.code: Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()}


# --- 5: the hub's own contact is never a second agency ---------------------------------------------------------------


def test_the_hub_counts_as_an_agency_only_when_no_other_is_there():
    assert agency_count({HUB}) == 1
    assert agency_count({HUB, "police"}) == 1
    assert agency_count({"police", "school"}) == 2
    assert agency_count({HUB, "police", "school"}) == 2


@pytest.mark.parametrize(
    ("code", "indicators"),
    [
        ("same_concern_two_agencies", ["domestic_abuse", "domestic_abuse"]),
        ("cross_agency_combination", ["domestic_abuse", "neglect", "missing_episode", "physical_abuse"]),
    ],
)
def test_a_hub_recorded_concern_never_makes_a_pattern_cross_agency(rules, code, indicators):
    rule = rules[code]
    police_only = [_ev(100 - 10 * n, ind, "police", f"p{n}") for n, ind in enumerate(indicators[:-1])]
    with_hub = [*police_only, _ev(5, indicators[-1], HUB, "hub")]
    with_school = [*police_only, _ev(5, indicators[-1], "school", "school")]
    assert not evaluate_child([rule], Child("c", None, with_hub), AS_OF)
    assert evaluate_child([rule], Child("c", None, with_school), AS_OF)


def test_a_hub_concern_is_not_another_agency_for_the_household_adult_rule(rules):
    rule = rules["household_adult_offending"]
    adult = (_ev(40, "adult_offending", "police", "a"), "adult", True)
    assert not evaluate_child([rule], Child("c", None, [_ev(30, "neglect", HUB, "h")], [adult]), AS_OF)
    assert evaluate_child([rule], Child("c", None, [_ev(30, "neglect", "school", "s")], [adult]), AS_OF)


@pytest.mark.django_db
def test_a_contact_the_mash_records_does_not_flag_a_child_with_one_agencys_concern(
    run_import,  # noqa: F811
    write_csv,  # noqa: F811
    new_contact,
    make_actor,
):
    """A police domestic abuse incident, then the MASH records a contact about the same child (domestic abuse):
    the same concern, but from one agency and the hub: no flag. The same contact from the school: a flag."""
    from openmash.patterns.evaluation import children_evaluate
    from openmash.patterns.reading import entries_read

    day = timezone.localdate() - dt.timedelta(days=20)
    police = row(record_id="P-1", nhs_number="943 476 5919", event_date=day.isoformat(), event_type="DA incident")
    batch = run_import(write_csv([police]), agency="police")
    assert batch.status == "done", batch.report
    new_contact(actor=make_actor("screener", "mash"), concern_codes=["3A"])
    entries_read()
    result = children_evaluate(timezone.localdate())
    assert not result.results, [h.rule.code for r in result.results.values() for h in r.hits]

    new_contact(actor=make_actor("referrer", "school-oak"), concern_codes=["3A"])
    entries_read()
    result = children_evaluate(timezone.localdate())
    codes = {h.rule.code for r in result.results.values() for h in r.hits}
    assert "same_concern_two_agencies" in codes


# --- 6 and 7: the demo extracts, imported ---------------------------------------------------------------------------


def test_every_demo_event_type_is_in_the_standard_mapping():
    from openmash.feeds.demo import HEALTH_EVENTS, POLICE_EVENTS
    from openmash.feeds.mapping import feed_spec_get

    spec = feed_spec_get("standard")
    unmapped = [t for t, _ in [*POLICE_EVENTS, *HEALTH_EVENTS] if spec.event_kind(t) == "other"]
    assert unmapped == []
    assert spec.event_kind("Concern for safety") == "police_welfare"


def test_concern_for_safety_is_read_as_a_police_welfare_concern_whatever_the_mapping():
    from openmash.patterns.indicators import read_event

    for kind in ("police_welfare", "other"):
        found = read_event(kind, "Concern for safety", "Seen in the town centre late at night with older youths.")
        assert [f.indicator for f in found] == ["police_welfare"]


@pytest.mark.django_db
def test_openmash_import_of_the_demo_extract_prints_its_own_lines_only(run, tmp_path, settings, caplog):  # noqa: F811
    settings.OPENMASH_FLAGS_AFTER_IMPORT = True
    _agencies(run)
    code, out, err = run("demo", "extracts", "--out", str(tmp_path / "x"), "--children", "6")
    assert code == 0, err
    police = tmp_path / "x" / "police.csv"
    with police.open(encoding="utf-8", newline="") as f:
        names = {r[k] for r in csv.DictReader(f) for k in ("given_name", "family_name")}
    with caplog.at_level(logging.DEBUG):
        code, out, err = run("import", "standard", str(police), "--agency", "police", "--no-progress")
    assert code == 0, err
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("openmash") and r.levelno >= logging.INFO]
    assert logged == []
    assert err == ""
    assert "not in the mapping" not in out
    assert "Patterns: " in out and "indicators read" in out
    assert not [n for n in names if n and n in out]
