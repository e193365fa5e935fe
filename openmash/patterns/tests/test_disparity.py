"""Disparity monitoring of flags (issue 8; patterns.disparity): the computation on a small world with known counts
per group, suppression (primary and secondary), the marker both ways, deprivation with and without a lookup, the
loader (a bad file names its rows and changes nothing), the page as each role with its audit, and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from openmash.patterns.disparity import (
    DeprivationFileError,
    deprivation_load,
    deprivation_rows,
    disparity_report,
    report_csv,
    wilson,
    years_before,
)

pytestmark = pytest.mark.django_db

START = dt.date(2025, 4, 1)
END = dt.date(2026, 3, 31)
_ids = itertools.count(1)


def _children(agency, n, *, sex, ethnicity, dob, kind="child", expected=None, postcode=""):
    from openmash.people.models import Address, AgencyRecord, Person

    people = Person.objects.bulk_create(
        [
            Person(
                kind=kind,
                forename="Test",
                surname=f"Child{next(_ids)}",
                sex=sex,
                ethnicity=ethnicity,
                date_of_birth=dob,
                expected_date_of_birth=expected,
            )
            for _ in range(n)
        ]
    )
    now = timezone.now()
    AgencyRecord.objects.bulk_create(
        [
            AgencyRecord(
                agency=agency, local_id=f"L{next(_ids)}", origin_person=p, person=p, kind=kind, received_at=now
            )
            for p in people
        ]
    )
    if postcode:
        Address.objects.bulk_create(
            [Address(person=p, postcode=postcode, start_date=dt.date(2020, 1, 1)) for p in people]
        )
    return people


def _flag(child, *, as_of=dt.date(2025, 6, 1), status="open", rules=("rule_a",), current=True):
    from openmash.patterns.models import Flag

    return Flag.objects.create(
        child=child,
        as_of=as_of,
        last_matched_on=as_of,
        status=status,
        current=current,
        rules=[{"code": c, "version": 1, "title": f"Title of {c}"} for c in rules],
        contributions_key=f"k{next(_ids)}",
    )


@pytest.fixture
def world(partnership):
    """100 White boys aged 7 (5 flagged: all dismissed, rule_a), 100 Black girls aged 12 (30 flagged: 10 accepted,
    10 dismissed, 6 watched, 4 open; 20 rule_a, 10 rule_b; living at EX1 1AA), 3 Asian children of unknown sex and
    age (none flagged); an adult with a flag and a White boy flagged only before the period (not counted)."""
    police = partnership["police"]
    white = _children(police, 100, sex="M", ethnicity="WBRI", dob=years_before(END, 7))
    black = _children(police, 100, sex="F", ethnicity="BCRB", dob=years_before(END, 12), postcode="EX1 1AA")
    _children(police, 3, sex="U", ethnicity="AIND", dob=None)
    for child in white[:5]:
        _flag(child, status="dismissed")
    _flag(white[5], as_of=START - dt.timedelta(days=1))
    statuses = ["accepted"] * 10 + ["dismissed"] * 10 + ["watching"] * 6 + ["open"] * 4
    for i, (child, status) in enumerate(zip(black[:30], statuses, strict=True)):
        _flag(child, status=status, rules=("rule_a",) if i % 3 else ("rule_b",))
    adult = _children(police, 1, sex="M", ethnicity="WBRI", dob=dt.date(1980, 1, 1), kind="adult")[0]
    _flag(adult)
    return {"white": white, "black": black}


def _rows(section, dimension):
    return {r.key: r for dim, _label, rows in section.dimensions if dim == dimension for r in rows}


def test_known_counts_rates_and_outcomes_per_group(world):
    report = disparity_report(period_start=START, period_end=END)
    overall = report.all_flags.overall
    assert overall.n["children"] == 203 and overall.n["flagged"] == 35
    assert overall.rate_text == f"{1000 * 35 / 203:.1f}"
    eth = _rows(report.all_flags, "ethnicity")
    assert eth["white"].n == {"children": 100, "flagged": 5, "accepted": 0, "dismissed": 5, "watched": 0, "decided": 5}
    assert eth["black"].n == {
        "children": 100,
        "flagged": 30,
        "accepted": 10,
        "dismissed": 10,
        "watched": 6,
        "decided": 26,
    }
    assert eth["black"].rate_text == "300.0" and eth["black"].acceptance_text == "38%"
    assert eth["white"].rate_text == "50.0"
    ages = _rows(report.all_flags, "age")
    assert ages["5_9"].n["children"] == 100 and ages["10_15"].n["children"] == 100
    assert ages["not_known"].n["children"] == 3 and ages["18_over"].n["children"] == 0


def test_small_numbers_are_suppressed_and_one_lone_suppression_is_protected(world):
    report = disparity_report(period_start=START, period_end=END)
    eth = _rows(report.all_flags, "ethnicity")
    assert eth["asian"].text["children"] == "fewer than 5" and eth["asian"].rate_text == ""
    assert eth["mixed"].text["children"] == "fewer than 5"
    # 0 accepted of 5 decided: the count is suppressed and so is the acceptance rate that would give it away
    assert eth["white"].text["accepted"] == "fewer than 5" and eth["white"].acceptance_text == ""
    sex = _rows(report.all_flags, "sex")
    # only "not known" is below 5 children: the smallest other group is withheld, so it cannot be found by subtraction
    assert sex["U"].text["children"] == "fewer than 5"
    assert [sex["M"].text["children"], sex["F"].text["children"]].count("withheld") == 1
    assert "100" in (sex["M"].text["children"], sex["F"].text["children"])


def test_the_marker_says_higher_and_lower_only_for_groups_with_enough_children(world):
    report = disparity_report(period_start=START, period_end=END)
    eth = _rows(report.all_flags, "ethnicity")
    assert eth["black"].marker == "higher" and eth["black"].ratio_text == f"{300 / (1000 * 35 / 203):.2f}"
    assert eth["white"].marker == "lower"
    assert eth["asian"].marker == ""  # 3 children: too few for a marker
    low, high = wilson(30, 100)
    assert eth["black"].interval_text == f"{1000 * low:.1f} to {1000 * high:.1f}"


def test_per_rule_sections(world):
    report = disparity_report(period_start=START, period_end=END)
    by_code = {s.code: s for s in report.rules}
    assert set(by_code) == {"rule_a", "rule_b"}
    assert by_code["rule_a"].title == "Title of rule_a"
    assert by_code["rule_a"].overall.n["flagged"] == 25 and by_code["rule_b"].overall.n["flagged"] == 10
    assert _rows(by_code["rule_b"], "ethnicity")["black"].n["flagged"] == 10
    assert _rows(by_code["rule_b"], "ethnicity")["white"].n["flagged"] == 0


def test_deprivation_is_not_known_without_a_lookup_and_read_from_the_current_postcode_with_one(world):
    report = disparity_report(period_start=START, period_end=END)
    dep = _rows(report.all_flags, "deprivation")
    assert not report.deprivation_loaded and dep["0"].n["children"] == 203
    deprivation_load("postcode,imd_decile\nex11aa,1\nEX2 2BB,9\n", source="IoD 2019 via ONSPD")
    report = disparity_report(period_start=START, period_end=END)
    dep = _rows(report.all_flags, "deprivation")
    assert report.deprivation_loaded and report.deprivation_sources == ["IoD 2019 via ONSPD"]
    assert dep["1"].n["children"] == 100 and dep["1"].n["flagged"] == 30 and dep["0"].n["children"] == 103
    assert dep["9"].n["children"] == 0


def test_a_merged_childs_flag_and_address_count_for_the_resolved_child(partnership):
    from openmash.people.models import Address, Person

    police = partnership["police"]
    root, other = _children(police, 2, sex="F", ethnicity="WBRI", dob=dt.date(2015, 5, 5))
    _flag(other, status="accepted")
    Address.objects.create(person=other, postcode="EX1 1AA", start_date=dt.date(2021, 1, 1))
    Person.objects.filter(pk=other.pk).update(merged_into=root)
    deprivation_load("postcode,imd_decile\nEX1 1AA,3\n", source="test")
    report = disparity_report(period_start=START, period_end=END)
    assert report.all_flags.overall.n["children"] == 1 and report.all_flags.overall.n["flagged"] == 1
    assert _rows(report.all_flags, "deprivation")["3"].n["flagged"] == 1


def test_age_bands_by_date_of_birth_at_the_last_day(partnership):
    police = partnership["police"]
    _children(police, 1, sex="M", ethnicity="WBRI", dob=years_before(END, 1))  # first birthday on END: 1 to 4
    _children(police, 1, sex="M", ethnicity="WBRI", dob=years_before(END, 1) + dt.timedelta(days=1))  # under 1
    _children(police, 1, sex="M", ethnicity="WBRI", dob=END + dt.timedelta(days=3))  # born after: unborn
    _children(police, 1, sex="M", ethnicity="WBRI", dob=None, kind="unborn", expected=END + dt.timedelta(days=30))
    _children(police, 1, sex="M", ethnicity="WBRI", dob=years_before(END, 18))  # 18 on END
    _children(police, 1, sex="M", ethnicity="WBRI", dob=years_before(END, 18) + dt.timedelta(days=1))  # 17
    ages = _rows(disparity_report(period_start=START, period_end=END).all_flags, "age")
    assert {k: r.n["children"] for k, r in ages.items() if r.n["children"]} == {
        "1_4": 1,
        "under_1": 1,
        "unborn": 2,
        "18_over": 1,
        "16_17": 1,
    }


def test_years_before_a_leap_day():
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        disparity_report(period_start=END, period_end=START)


# --- the loader -------------------------------------------------------------------------------------------------


def test_the_loader_normalises_and_replaces(db):
    from openmash.patterns.models import DeprivationLookup

    assert deprivation_load("postcode,imd_decile\nsw1a1aa,4\n", source="first") == 1
    assert deprivation_load("imd_decile,postcode,lsoa\n2, ex1 1aa ,E01\n10,EX2 2BB,E02\n", source="second") == 2
    assert dict(DeprivationLookup.objects.values_list("postcode", "imd_decile")) == {"EX1 1AA": 2, "EX2 2BB": 10}
    assert set(DeprivationLookup.objects.values_list("source", flat=True)) == {"second"}


def test_a_bad_file_names_its_rows_and_changes_nothing(db):
    from openmash.patterns.models import DeprivationLookup

    deprivation_load("postcode,imd_decile\nEX1 1AA,5\n", source="kept")
    bad = "postcode,imd_decile\nEX2 2BB,3\nnot a postcode,4\nEX3 3CC,11\nex22bb,3\nEX4 4DD,x\n"
    with pytest.raises(DeprivationFileError) as err:
        deprivation_load(bad, source="new")
    errors = err.value.errors
    assert errors[0].startswith("row 3: postcode:")
    assert any(e.startswith("row 4:") and "10" in e for e in errors)  # EX3 3CC: letter C never used, decile 11
    assert "row 5: postcode EX2 2BB is also on row 2" in errors
    assert any(e.startswith("row 6:") and "whole number" in e for e in errors)
    assert dict(DeprivationLookup.objects.values_list("postcode", "imd_decile")) == {"EX1 1AA": 5}
    with pytest.raises(DeprivationFileError, match="row 1: the header has no imd_decile column"):
        deprivation_rows("postcode,decile\nEX1 1AA,1\n")
    with pytest.raises(DeprivationFileError, match="source"):
        deprivation_load("postcode,imd_decile\nEX1 1AA,1\n", source=" ")


def test_the_command_loads_and_reports_errors(db, tmp_path):
    from openmash.cli import _resolve
    from openmash.patterns.models import DeprivationLookup

    assert _resolve(["flags", "deprivation", "load", "f.csv"]) == ["flags_deprivation", "load", "f.csv"]
    good = tmp_path / "deciles.csv"
    good.write_text("postcode,imd_decile\nEX1 1AA,1\n", encoding="utf-8")
    out = io.StringIO()
    call_command("flags_deprivation", "load", str(good), "--source", "IoD 2019", stdout=out)
    assert "Loaded 1 postcodes" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,imd_decile\nEX2 2BB,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)nothing changed.*row 2: imd_decile"):
        call_command("flags_deprivation", "load", str(bad), "--source", "IoD 2019")
    assert DeprivationLookup.objects.get().postcode == "EX1 1AA"
    out = io.StringIO()
    call_command("flags_deprivation", "status", stdout=out)
    assert "1 postcodes from IoD 2019" in out.getvalue()


# --- the page and its CSV -----------------------------------------------------------------------------------------

QUERY = {
    "period_start_day": "1",
    "period_start_month": "4",
    "period_start_year": "2025",
    "period_end_day": "31",
    "period_end_month": "3",
    "period_end_year": "2026",
}
URL = "/reports/flag-disparity/"
CSV_URL = "/reports/flag-disparity.csv"


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.mark.parametrize(
    "role, agency, allowed",
    [
        ("manager", "mash", True),
        ("partnership_admin", "police", True),
        ("auditor", "mash", True),
        ("screener", "mash", False),
        ("referrer", "police", False),
        ("researcher", "police", False),
        ("social_worker", "mash", False),
        ("privacy_officer", "mash", False),
    ],
)
def test_the_page_as_each_role(world, make_actor, role, agency, allowed):
    from openmash.audit.models import AuditEvent

    actor = make_actor(role, agency)
    r = _client(actor).get(URL, QUERY)
    events = AuditEvent.objects.filter(actor_user_id=actor.user.pk, object_type="patterns.disparity_report")
    if not allowed:
        assert r.status_code == 403
        assert not events.exists()
        return
    assert r.status_code == 200
    text = r.content.decode()
    assert 'data-testid="disparity-table-all"' in text and 'data-testid="disparity-table-rule_b"' in text
    assert "Higher than overall" in text and "Lower than overall" in text and "fewer than 5" in text
    assert "Child1" not in text  # no child is named
    event = events.get()
    assert event.action == "view" and event.detail == {"period_start": "2025-04-01", "period_end": "2026-03-31"}


def test_the_page_without_a_period_shows_the_last_twelve_months(world, make_actor):
    r = _client(make_actor("manager", "mash")).get(URL)
    assert r.status_code == 200 and 'data-testid="disparity-period"' in r.content.decode()
    assert 'data-testid="disparity-deprivation-missing"' in r.content.decode()


def test_wrong_dates_show_the_error_summary_and_no_figures(world, make_actor):
    from openmash.audit.models import AuditEvent

    client = _client(make_actor("auditor", "police"))
    r = client.get(URL, {**QUERY, "period_end_month": "13"})
    text = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in text and 'data-testid="disparity-table-all"' not in text
    r = client.get(URL, {**QUERY, "period_end_year": "2024"})
    assert "must be the same as or after the first day" in r.content.decode()
    assert not AuditEvent.objects.filter(object_type="patterns.disparity_report").exists()
    r = client.get(CSV_URL, {**QUERY, "period_end_month": "13"})
    assert r.status_code == 302 and r["Location"].startswith(URL)


def test_the_csv_is_the_shown_figures_audited_as_an_export(world, make_actor):
    from openmash.audit.models import AuditEvent

    actor = make_actor("partnership_admin", "police")
    r = _client(actor).get(CSV_URL, QUERY)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "flag-disparity-2025-04-01-to-2026-03-31.csv" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:6] == ["rule", "rule title", "dimension", "group", "children", "flagged children"]
    black = next(row for row in rows if row[0] == "all" and row[2] == "Ethnicity" and row[3] == "Black")
    assert black[4:7] == ["100", "30", "300.0"] and black[9] == "Higher than overall"
    asian = next(row for row in rows if row[0] == "all" and row[3] == "Asian")
    assert asian[4] == "fewer than 5" and asian[6] == ""
    assert AuditEvent.objects.get(actor_user_id=actor.user.pk, object_type="patterns.disparity_report").action == (
        "export"
    )


def test_csv_cells_are_neutralised_against_formula_injection(partnership):
    police = partnership["police"]
    child = _children(police, 1, sex="M", ethnicity="WBRI", dob=dt.date(2015, 1, 1))[0]
    _flag(child, rules=("=HYPERLINK(1)",))
    text = report_csv(disparity_report(period_start=START, period_end=END))
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


def test_a_group_whose_flagged_count_is_suppressed_gets_no_higher_or_lower_marker():
    """Practitioner review: "Asian - Higher than overall - 150 children - fewer than 5 flagged" half gave the
    suppressed count away and meant nothing for a handful of children: such a group says "Too few to compare"."""
    from openmash.patterns.disparity import GroupRow, _fill

    rows = [
        GroupRow(dimension="ethnicity", key="a", label="A", n={"children": 150, "flagged": 3, "accepted": 0, "dismissed": 0, "watched": 0, "decided": 0}),
        GroupRow(dimension="ethnicity", key="b", label="B", n={"children": 400, "flagged": 40, "accepted": 0, "dismissed": 0, "watched": 0, "decided": 0}),
        GroupRow(dimension="ethnicity", key="c", label="C", n={"children": 1000, "flagged": 5, "accepted": 0, "dismissed": 0, "watched": 0, "decided": 0}),
    ]  # fmt: skip
    _fill(rows, overall_rate=13.0, secondary=False)
    assert rows[0].text["flagged"] == "fewer than 5"
    assert rows[0].marker == "few" and rows[0].marker_text == "Too few to compare" and rows[0].ratio_text == ""
    assert rows[1].marker == "higher" and rows[2].marker == "lower"
