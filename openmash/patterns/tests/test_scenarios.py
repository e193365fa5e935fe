"""The scenario catalogue is well-formed: enough scenarios, twins, agencies, distinct synthetic people, realistic
messiness, deterministic extracts, and every agency's extract passes the real feed validator (a dry run of
`feed_import`, the service behind `openmash import --dry-run`)."""

from __future__ import annotations

import io
from collections import Counter

import pytest

from openmash.patterns.scenarios import all_scenarios
from openmash.patterns.scenarios.model import AGENCIES, BENIGN, CONCERNING, TRAP, extracts_write

SCENARIOS = all_scenarios()


def _of(kind):
    return [s for s in SCENARIOS if s.kind == kind]


def test_at_least_thirty_concerning_and_thirty_benign_scenarios_and_some_traps():
    assert len(_of(CONCERNING)) >= 30
    assert len(_of(BENIGN)) >= 30
    assert len(_of(TRAP)) >= 3


def test_codes_are_unique_and_every_scenario_cites_its_review_theme():
    assert len({s.code for s in SCENARIOS}) == len(SCENARIOS)
    for s in SCENARIOS:
        assert s.theme and len(s.source) > 20, s.code


def test_every_concerning_scenario_has_a_matched_benign_twin_on_the_same_theme():
    codes = {s.code: s for s in SCENARIOS}
    for s in _of(CONCERNING):
        twin = codes[s.twin]
        assert twin.kind == BENIGN and twin.twin == s.code and twin.theme == s.theme, s.code
    assert {s.twin for s in _of(BENIGN)} == {s.code for s in _of(CONCERNING)}


def test_every_concerning_scenario_names_two_agencies_or_is_a_single_agency_rule():
    for s in _of(CONCERNING):
        assert s.flagged_person, s.code
        assert len(s.agencies) >= 2 or s.single_agency_rule, s.code
        assert set(s.agencies) <= set(AGENCIES), s.code
        # every named agency has an event in the scenario
        assert set(s.agencies) <= {r.agency for r in s.rows}, s.code
    assert any(s.single_agency_rule and len(s.agencies) == 1 for s in _of(CONCERNING))


def test_expected_record_ids_are_the_flagged_childs_records_in_the_named_agencies():
    for s in _of(CONCERNING) + [t for t in _of(TRAP) if t.flagged_person]:
        e = s.expectation()
        assert e.required_ids, s.code
        assert {e.record_people[i] for i in e.required_ids} == {s.flagged_person}, s.code


def test_benign_scenarios_and_no_flag_traps_expect_no_flag():
    for s in _of(BENIGN):
        assert s.flagged_person is None and not s.agencies, s.code
    assert any(t.flagged_person is None for t in _of(TRAP))
    assert any(t.flagged_person for t in _of(TRAP))  # a flag only on the right child


def test_record_ids_are_unique_across_agencies_and_scenarios():
    ids = Counter(r.values["record_id"] for s in SCENARIOS for r in s.rows)
    per_record = {(r.agency, r.person, s.code): r.values["record_id"] for s in SCENARIOS for r in s.rows}
    assert len(set(per_record.values())) == len(per_record)
    assert sum(ids.values()) == sum(len(s.rows) for s in SCENARIOS)


def test_the_people_of_different_scenarios_are_different_people():
    names = Counter((p.given, p.family) for s in SCENARIOS for p in s.people.values())
    assert [n for n, c in names.items() if c > 1] == []
    nhs = Counter(r.values["nhs_number"].replace(" ", "") for s in SCENARIOS for r in s.rows)
    owners: dict[str, set] = {}
    for s in SCENARIOS:
        for r in s.rows:
            if r.values["nhs_number"]:
                owners.setdefault(r.values["nhs_number"].replace(" ", ""), set()).add((s.code, r.person))
    assert all(len(o) == 1 for o in owners.values()) and nhs


def test_traps_hold_two_different_children_who_look_alike():
    for t in _of(TRAP):
        kids = [p for p in t.people.values() if p.child]
        assert len(kids) == 2, t.code
        a, b = kids
        assert a.family == b.family, t.code
        assert (a.given, a.born, a.home) != (b.given, b.born, b.home), t.code
        assert {r.person for r in t.rows} == {a.key, b.key}, t.code


def test_the_extracts_are_messy_as_real_ones_are():
    rows = [(s, r) for s in SCENARIOS for r in s.rows]
    spelled = {(s.code, r.person, r.values["given_name"]) for s, r in rows if r.values["given_name"] !=
               s.people[r.person].given}  # fmt: skip
    assert len(spelled) >= 15  # nicknames and agencies' own spellings
    swapped = [r for s, r in rows if r.values["date_of_birth"] and r.values["date_of_birth"] not in (
        s.people[r.person].born.strftime(AGENCIES[r.agency].date_format),)]  # fmt: skip
    assert len(swapped) >= 4  # day and month swapped
    assert sum(not r.values["date_of_birth"] for _, r in rows) >= 2  # date of birth not recorded
    health = [r for _, r in rows if AGENCIES[r.agency].holds_nhs]
    assert sum(not r.values["nhs_number"] for r in health) >= 8  # NHS number missing
    dobs = [r.values["date_of_birth"] for _, r in rows if r.values["date_of_birth"]]
    assert any("/" in d for d in dobs) and any(d[4] == "-" for d in dobs)  # dd/mm/yyyy and ISO
    assert any(r.values["address"].isupper() for _, r in rows) and any(" Rd" in r.values["address"] for _, r in rows)
    types = {r.values["event_type"] for _, r in rows}
    assert {"Was Not Brought (WNB)", "Attendance - unauthorised", "Concern for welfare - ASB"} <= types
    assert len(types) >= 40


def test_extract_generation_is_deterministic(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = extracts_write(all_scenarios(), tmp_path / "a")
    second = extracts_write(all_scenarios(), tmp_path / "b")
    assert list(first) == list(second)
    for agency in first:
        assert first[agency].read_bytes() == second[agency].read_bytes()
    assert len(first) >= 10


@pytest.mark.django_db
def test_every_agency_extract_passes_the_real_feed_validator_in_a_dry_run(tmp_path, settings):
    from django.core.management import call_command

    from openmash.accounts.admin_services import SYSTEM
    from openmash.feeds.choices import BatchStatus
    from openmash.feeds.services import batch_start, feed_import

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    paths = extracts_write(SCENARIOS, tmp_path)
    for code in paths:  # the arguments the bench gives `openmash agency create`
        a = AGENCIES[code]
        extra = ["--health-service", a.health_service] if a.health_service else []
        call_command("agency_create", "--code", a.code, "--name", a.name, "--type", a.type, "--source-code",
                     a.source_code, *extra, stdout=io.StringIO())  # fmt: skip
    for code, path in paths.items():
        batch = batch_start(actor=SYSTEM, feed_code="standard", agency_code=code, file_name=path.name, dry_run=True)
        batch = feed_import(actor=SYSTEM, path=path, batch=batch)
        problems = [p for p in batch.report.get("problems", []) if p.get("level", "error") == "error"]
        assert batch.status == BatchStatus.DRY_RUN, (code, batch.report.get("message"), problems[:5])
        assert batch.rows_bad == 0 and not problems, (code, problems[:5])
        rows = sum(1 for s in SCENARIOS for r in s.rows if r.agency == code)
        assert batch.rows_total == rows
        assert batch.events_created == rows, code
