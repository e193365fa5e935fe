"""Records read as nothing either way (ADR 0021): the reader keeps a ``not_read`` record for an event it recognised
nothing in (no indicator, no ignore phrase, negation or explanation); a flag names the child's own such records in
its period as "also involved in this period, not read as a concern - read the record"; they never make or keep a
flag, are never another person's or the hub's, and are shown by the same sensitivity rules as every contribution."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.test import Client

from openmash.accounts.admin_services import SYSTEM
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.engine import HUB, Child, Rule, also_on_record, evaluate_child, not_read_in_period
from openmash.patterns.indicators import NOT_READ, read_as_ordinary
from openmash.patterns.reading import entries_read, entry_findings
from openmash.patterns.rules import default_specs
from openmash.patterns.tests.flagfactory import EVENTS, flag_make

AS_OF_DAY = dt.date(2025, 12, 31).toordinal()
_ids = itertools.count(1)

#: words no phrase list knows, in neither direction (an unseen author's own words)
UNSEEN = "Sat apart from the others and kept her coat on throughout."


def ev(days_before: int, indicator: str, agency, *, explained: bool = False) -> tuple:
    n = next(_ids)
    return (AS_OF_DAY - days_before, indicator, agency, f"ref{n}", explained, f"entry{n}")


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return {s.code: Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()}


# --- the reader ------------------------------------------------------------------------------------------------


def test_an_event_read_as_nothing_either_way_is_kept_as_not_read():
    found = entry_findings("event", "other", "Clinic review", UNSEEN)
    assert [(f.indicator, f.evidence, f.explained) for f in found] == [(NOT_READ, "Clinic review", False)]
    assert read_as_ordinary("Clinic review", UNSEEN) is False


@pytest.mark.parametrize(
    "description",
    [
        "Seen with mum. No concerns.",  # an ignore phrase
        "Appointment cancelled by clinic and rebooked.",  # an explanation
        "No injuries seen.",  # an indicator's words, negated
    ],
)
def test_an_event_recognised_as_ordinary_is_not_kept(description):
    assert read_as_ordinary("Clinic review", description) is True
    assert entry_findings("event", "other", "Clinic review", description) == []


def test_an_event_with_a_reading_or_a_contact_is_not_also_not_read():
    assert [f.indicator for f in entry_findings("event", "other", "DA incident", UNSEEN)] == ["domestic_abuse"]
    assert [f.indicator for f in entry_findings("event", "other", "Referral - MASH", UNSEEN)] == ["contact"]
    assert [f.indicator for f in entry_findings("contact", "", "", "")] == ["contact"]


# --- the engine ------------------------------------------------------------------------------------------------


def test_not_read_records_never_make_a_flag(rules):
    r = rules["cross_agency_combination"]
    events = [ev(d, NOT_READ, agency) for d, agency in ((90, "gp"), (60, "dental"), (30, "school"), (10, "asc"))]
    assert evaluate_child([r], Child("c", None, events), AS_OF_DAY) == []
    # beside two concerns that do not fire the rule, they add nothing either
    two = [ev(50, "domestic_abuse", "police"), ev(40, "school_absence", "school")]
    assert evaluate_child([r], Child("c", None, [*two, *events]), AS_OF_DAY) == []


def test_not_read_in_the_period_names_other_agencies_only(rules):
    r = rules["cross_agency_combination"]
    made = [ev(100, "domestic_abuse", "police"), ev(60, "school_absence", "school"), ev(30, "neglect", "hv")]
    dental = ev(260, NOT_READ, "dental")  # before the hits, within the period (100 + 183 days)
    kept_out = [
        ev(40, NOT_READ, "school"),  # an agency the hits already name
        ev(300, NOT_READ, "asc"),  # before the period
        ev(20, NOT_READ, HUB),  # the hub's own record
        ev(-3, NOT_READ, "nursing"),  # after as_of
    ]
    pharmacy = ev(250, "neglect", "pharmacy")  # outside the rule's window: also on record, not "not read"
    pharmacy_unread = ev(240, NOT_READ, "pharmacy")  # its agency is named already (also on record)
    child = Child("c", None, [*made, dental, *kept_out, pharmacy, pharmacy_unread])
    hits = evaluate_child([r], child, AS_OF_DAY)
    assert {e[2] for h in hits for e in h.events} == {"police", "school", "hv"}
    also = also_on_record(hits, child, AS_OF_DAY)
    assert [e[3] for e in also] == [pharmacy[3]]  # a not_read record is never "also on record"
    unread = not_read_in_period(hits, child.events, AS_OF_DAY, also)
    assert [e[3] for e in unread] == [dental[3]]


# --- evaluation, explanation, export and the flag page ------------------------------------------------------------


AS_OF = dt.date(2025, 6, 30)
NHS_CHILD = "999 314 1593"


def child_row(record_id: str, **values) -> dict:
    values.setdefault("description", "")
    return row(record_id=record_id, nhs_number=NHS_CHILD, **values)


@pytest.fixture
def load(run_import, write_csv):  # noqa: F811
    def _load(agency: str, rows: list[dict]):
        batch = run_import(write_csv(rows), agency=agency)
        assert batch.status == "done", batch.report
        return batch

    return _load


def _pattern(load, *, hv_description: str) -> None:
    load("police", [child_row("P1", event_date="2025-03-22", event_type="DA incident")])
    load("school-oak", [child_row("S1", event_date="2025-05-01", event_type="Persistent absence")])
    load("health-gp", [child_row("G1", event_date="2025-05-31", event_type="Was not brought")])
    load("health-hv", [child_row("H1", event_date="2025-04-10", event_type="Home visit", description=hv_description)])


def test_a_record_read_as_nothing_is_named_with_the_flag_and_exported(load):
    from openmash.patterns.evaluation import children_evaluate, flags_evaluate
    from openmash.patterns.export import export_rows
    from openmash.patterns.models import Flag

    _pattern(load, hv_description=UNSEEN)
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get()
    assert flag.agencies == ["health-gp", "health-hv", "police", "school-oak"]
    rows = {c.indicator.agency.code: (c.indicator.indicator, c.rule_codes) for c in flag.contribution_rows.all()}
    assert rows["health-hv"] == (NOT_READ, [])
    assert "Also involved in this period, not read as a concern - read the record" in flag.explanation
    assert "Community Health Visiting (health-hv): a record not read as a concern" in flag.explanation
    ((_ids, agencies, text),) = export_rows(children_evaluate(AS_OF))
    assert agencies == "health-gp;health-hv;police;school-oak" and "not read as a concern" in text
    again = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert again.unchanged == 1 and again.raised == 0


def test_a_record_recognised_as_ordinary_is_not_named(load):
    from openmash.patterns.evaluation import flags_evaluate
    from openmash.patterns.models import Flag

    _pattern(load, hv_description="Seen at home with mum. No concerns.")
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get()
    assert flag.agencies == ["health-gp", "police", "school-oak"]
    assert "not read as a concern" not in flag.explanation


def test_records_read_as_nothing_never_raise_a_flag_nor_name_another_person(load):
    from openmash.patterns.evaluation import flags_evaluate
    from openmash.patterns.models import EventIndicator, Flag

    for agency in ("police", "school-oak", "health-gp", "health-hv", "probation"):
        load(agency, [child_row(f"{agency}-1", event_date="2025-05-01", event_type="Visit", description=UNSEEN)])
    entries_read()
    assert EventIndicator.objects.filter(indicator=NOT_READ).count() == 5
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0 and not Flag.objects.exists()
    # an adult at the child's address with a record read as nothing: never named with the child's flag
    Flag.objects.all().delete()
    load("police", [child_row("P2", event_date="2025-03-22", event_type="DA incident")])
    load("school-oak", [child_row("school-oak-1", event_date="2025-05-01", event_type="Persistent absence")])
    load("health-gp", [child_row("G2", event_date="2025-05-31", event_type="Was not brought")])
    adult = row(
        record_id="M1", given_name="Donna", family_name="Smith", date_of_birth="1990-01-01", nhs_number="",
        event_date="2025-05-02", event_type="Visit", description=UNSEEN,
    )  # fmt: skip
    load("health-hv", [adult])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get()
    named = {c.indicator.person.merged_into_id or c.indicator.person_id for c in flag.contribution_rows.all()}
    assert named == {flag.child_id}


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def test_a_not_read_record_is_marked_on_the_page_and_in_the_api_and_hidden_as_any_event(api, manager, screener):
    unread = ("probation", dt.date(2026, 2, 1), NOT_READ, "Supervision", "Supervision", "standard")
    hidden = ("health-hv", dt.date(2026, 2, 3), NOT_READ, "Home visit", "Home visit", "sealed")
    flag = flag_make(events=[*EVENTS, unread, hidden])
    flag.contribution_rows.filter(indicator__indicator=NOT_READ).update(rule_codes=[])
    client = Client()
    client.force_login(manager.user)
    html = re.sub(r"\s+", " ", client.get(f"/flags/{flag.pk}/").content.decode())
    assert 'data-testid="event-not-read"' in html
    assert "Also involved in this period, not read as a concern: read the record" in html
    body = api(screener).get(f"/flags/{flag.pk}").json()
    marked = {e["agency_code"]: (e["not_read"], e["also_on_record"], e["shown"]) for e in body["events"]}
    assert marked["probation"] == (True, False, True)
    assert marked["police"] == (False, False, True)
    # the sealed one: date and kind, never its words, for a role that may not read sealed records; nor its agency,
    # whose only record here it is (access.sharing.agencies_named)
    assert "health-hv" not in marked and marked[""] == (True, False, False)
    sealed = next(e for e in body["events"] if e["agency_code"] == "")
    assert sealed["agency"] == "An agency"
    assert sealed["event_type"] == "" and sealed["evidence"] == ""


def test_records_read_as_nothing_never_make_a_flag_stronger_in_the_list(screener):
    from openmash.patterns.selectors import flags_page
    from openmash.patterns.tests.flagfactory import person_make

    unread = [
        ("probation", dt.date(2026, 2, day), NOT_READ, "Supervision", "Supervision", "standard") for day in (1, 2, 3)
    ]
    padded = flag_make(person_make("Padded", "Childa"), events=[EVENTS[0], *unread])
    read = flag_make(person_make("Read", "Childb"), events=EVENTS[:2])
    order = [f.pk for f in flags_page(actor=screener, order="strongest").items]
    assert order == [read.pk, padded.pk]
