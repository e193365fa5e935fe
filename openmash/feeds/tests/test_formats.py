"""XLSX, FHIR R4 bundles and feed mappings (built-in files, TOML, the partnership's own mappings)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import HEADER, NHS_A, NHS_B, csv_text, row

pytestmark = pytest.mark.django_db


def _xlsx(path, rows: list[list]):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_an_xlsx_extract_with_date_and_number_cells(tmp_path, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    values = [row()[h] for h in HEADER]
    values[HEADER.index("date_of_birth")] = dt.datetime(2015, 3, 1)  # a date cell
    values[HEADER.index("nhs_number")] = int(NHS_A)  # an NHS number typed into a number cell
    values[HEADER.index("event_date")] = dt.date(2025, 1, 5)
    second = [*values]
    second[0] = 42  # a numeric record id
    second[HEADER.index("description")] = "=1+1"  # a formula: kept as its text, never evaluated
    path = _xlsx(tmp_path / "extract.xlsx", [[], HEADER, values, [None] * 3, second])  # blank rows are skipped
    batch = run_import(path)
    assert batch.status == BatchStatus.DONE, batch.report
    assert batch.file_format == "xlsx" and batch.rows_total == 2
    record = AgencyRecord.objects.get(local_id="P1")
    assert (record.date_of_birth, record.nhs_number) == (dt.date(2015, 3, 1), NHS_A)
    assert ChronologyEntry.objects.get(record__local_id="42").description == "=1+1"


def test_xlsx_problems_carry_the_spreadsheet_row(tmp_path, run_import):
    values = [row()[h] for h in HEADER]
    bad = [*values]
    bad[HEADER.index("event_date")] = "yesterday"
    batch = run_import(_xlsx(tmp_path / "e.xlsx", [HEADER, values, bad]))
    assert batch.status == BatchStatus.REFUSED
    assert [(p["row"], p["field"]) for p in batch.report["problems"]] == [(3, "event_date")]


def test_an_empty_workbook_and_a_missing_column(tmp_path, run_import):
    empty = run_import(_xlsx(tmp_path / "empty.xlsx", []))
    assert empty.status == BatchStatus.REFUSED and "workbook is empty" in empty.report["message"]
    missing = run_import(_xlsx(tmp_path / "missing.xlsx", [HEADER[:-1], [row()[h] for h in HEADER[:-1]]]))
    assert missing.status == BatchStatus.REFUSED and "description is missing" in missing.report["message"]


def _bundle(*resources, bundle_type="collection") -> dict:
    return {
        "resourceType": "Bundle",
        "type": bundle_type,
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }


PATIENT = {
    "resourceType": "Patient",
    "id": "pat-1",
    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": NHS_B}],
    "name": [{"use": "usual", "given": ["Kaden"]}, {"use": "official", "given": ["Kaden", "Lee"], "family": "Smyth"}],
    "gender": "male",
    "birthDate": "2015-03-01",
    "address": [{"line": ["1 High Street"], "city": "Exampleton", "postalCode": "ex1 1aa"}],
}


def test_a_fhir_bundle_of_patient_encounter_flag_and_condition(tmp_path, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    bundle = _bundle(
        PATIENT,
        {
            "resourceType": "Encounter",
            "id": "enc-1",
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"},
            "subject": {"reference": "Patient/pat-1"},
            "period": {"start": "2025-06-30T23:30:00+00:00"},  # 00:30 on 1 July in London
            "reasonCode": [{"text": "Head injury"}],
        },
        {
            "resourceType": "Flag",
            "id": "flag-1",
            "status": "active",
            "code": {"text": "Child protection plan"},
            "subject": {"reference": "urn:uuid:0"},
            "period": {"start": "2025-02-01"},
        },
        {
            "resourceType": "Condition",
            "id": "cond-1",
            "subject": {"reference": "Patient/pat-1"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "35489007", "display": "Depression"}]},
            "recordedDate": "2025-03-03",
        },
        {"resourceType": "Observation", "id": "obs-1", "status": "final", "code": {"text": "Weight"}},
        {"resourceType": "Patient", "id": "pat-2", "name": [{"family": "Noevents"}]},
    )
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    batch = run_import(path, feed="fhir-r4", agency="health-gp")
    assert batch.status == BatchStatus.DONE, batch.report
    assert (batch.records_created, batch.events_created) == (2, 3)
    record = AgencyRecord.objects.get(local_id="pat-1")
    assert (record.given_name, record.family_name, record.nhs_number) == ("Kaden Lee", "Smyth", NHS_B)
    assert (record.postcode, record.sex, record.address) == ("EX1 1AA", "M", "1 High Street, Exampleton")
    kinds = dict(ChronologyEntry.objects.values_list("external_id", "event_kind"))
    assert kinds == {
        "id:Encounter/enc-1": "ed_attendance",
        "id:Flag/flag-1": "safeguarding_flag",
        "id:Condition/cond-1": "condition",
    }
    encounter = ChronologyEntry.objects.get(external_id="id:Encounter/enc-1")
    assert encounter.occurred_at == dt.datetime(2025, 6, 30, 23, 0, tzinfo=dt.UTC)  # 1 July, London midnight
    assert encounter.description == "Head injury" and encounter.source_type_text == "Encounter: EMER"
    assert ChronologyEntry.objects.get(external_id="id:Condition/cond-1").sensitivity == "sensitive"
    assert [p["field"] for p in batch.report["problems"]] == ["Observation"]  # a warning: not imported
    assert AgencyRecord.objects.filter(local_id="pat-2").exists()
    again = run_import(path, feed="fhir-r4", agency="health-gp")
    assert again.status == BatchStatus.ALREADY_IMPORTED


def test_an_invalid_fhir_resource_and_an_unknown_subject_are_reported(tmp_path, run_import, counts):
    before = counts()
    bad_patient = {**PATIENT, "id": "pat-9", "birthDate": "2015-13-45"}
    orphan = {
        "resourceType": "Flag",
        "id": "f",
        "status": "active",
        "code": {"text": "x"},
        "subject": {"reference": "Patient/none"},
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(PATIENT, bad_patient, orphan)))
    batch = run_import(path, feed="fhir-r4", agency="health-gp")
    assert batch.status == BatchStatus.REFUSED and counts() == before
    problems = [(p["row"], p["field"]) for p in batch.report["problems"]]
    assert problems == [(2, "Patient.birthDate"), (3, "Flag.subject")]
    assert "2015-13-45" not in str(batch.report)  # the library's reason, never the value


def test_json_that_is_not_a_bundle_and_a_bundle_without_entries(tmp_path, run_import):
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(PATIENT))
    assert "not a FHIR Bundle" in run_import(path, feed="fhir-r4", agency="health-gp").report["message"]
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"resourceType": "Bundle", "type": "collection"}))
    assert "no entries" in run_import(empty, feed="fhir-r4", agency="health-gp").report["message"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle", ')
    assert "not valid JSON" in run_import(broken, feed="fhir-r4", agency="health-gp").report["message"]


def test_a_feed_refuses_a_format_it_does_not_take(write_csv, run_import):
    batch = run_import(write_csv([row()]), feed="fhir-r4", agency="health-gp")
    assert batch.status == BatchStatus.REFUSED and "takes fhir files, not csv" in batch.report["message"]


def test_the_example_toml_mapping_reads_custom_headings_and_uk_dates(write_csv, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    header = ["Person URN", "Forename", "Surname", "DOB", "Gender", "Postcode", "Occurrence date",
              "Occurrence type", "Summary", "Occurrence ref", "Officer"]  # fmt: skip
    text = csv_text(
        [
            dict(
                zip(
                    header,
                    [
                        "U1",
                        "Kayden",
                        "Smith",
                        "01/03/2015",
                        "Male",
                        "EX1 1AA",
                        "14-07-2025",
                        "DI - Domestic incident",
                        "Attended",
                        "OCC/1",
                        "PC 123",
                    ],
                    strict=True,
                )
            )
        ],  # fmt: skip
        header,
    )
    batch = run_import(write_csv([], text=text), feed="example-police")
    assert batch.status == BatchStatus.DONE, batch.report
    assert AgencyRecord.objects.get().date_of_birth == dt.date(2015, 3, 1)
    entry = ChronologyEntry.objects.get()
    assert (entry.event_kind, entry.external_id, entry.source) == (
        "domestic_abuse",
        "id:OCC/1",
        "police:example-police",
    )


def test_a_partnership_mapping_held_as_data_adds_its_own_event_types(write_csv, run_import):
    from openmash.feeds.mapping import feed_spec_from_dict, mapping_text_parse
    from openmash.feeds.models import FeedMapping
    from openmash.people.models import ChronologyEntry

    text = "code: police-std\nname: Police, standard layout\nbase: standard\nevent_types:\n  Stop and search: offending\nsensitivity:\n  offending: sealed\n"
    doc = mapping_text_parse(text)
    feed_spec_from_dict(doc)
    FeedMapping.objects.create(code="police-std", name="Police", source_text=text, definition=doc)
    batch = run_import(write_csv([row(event_type="stop AND search"), row(event_date="2025-01-01")]), feed="police-std")
    assert batch.status == BatchStatus.DONE, batch.report
    kinds = set(ChronologyEntry.objects.values_list("event_kind", "sensitivity"))
    assert kinds == {("offending", "sealed"), ("domestic_abuse", "sensitive")}  # the base's types still map


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"code": "Bad Code", "columns": {"record_id": "id"}}, "code"),
        ({"code": "x", "columns": {"record_id": "id", "shoe_size": "s"}}, "columns"),
        ({"code": "x", "columns": {"given_name": "g"}}, "columns"),
        ({"code": "x", "columns": {"record_id": "id", "given_name": "ID"}}, "columns"),
        ({"code": "x", "columns": {"record_id": "id"}, "event_types": {"DA": "bad_kind"}}, "event_types"),
        ({"code": "x", "columns": {"record_id": "id"}, "sensitivity": {"missing": "secret"}}, "sensitivity"),
        ({"code": "x", "columns": {"record_id": "id"}, "date_formats": ["dd/mm/yyyy"]}, "date_formats"),
        ({"code": "x", "columns": {"record_id": "id"}, "formats": ["pdf"]}, "formats"),
        ({"code": "x", "base": "nope"}, "base"),
        ({"code": "x", "columns": {"record_id": "id"}, "colums": {}}, "colums"),
        ({"code": "x", "columns": {"record_id": "id"}, "extra_columns": "maybe"}, "extra_columns"),
    ],
)
def test_a_wrong_mapping_is_refused_with_the_key_at_fault(doc, key):
    from openmash.feeds.mapping import MappingInvalid, feed_spec_from_dict

    with pytest.raises(MappingInvalid) as exc:
        feed_spec_from_dict(doc)
    assert key in exc.value.errors


def test_every_built_in_mapping_checks():
    from openmash.feeds.mapping import builtin_codes, feed_spec_get

    assert {"standard", "fhir-r4", "example-police"} <= set(builtin_codes())
    for code in builtin_codes():
        assert feed_spec_get(code).code == code


def test_an_event_keeps_its_time_only_when_the_file_gives_one(tmp_path, run_import):
    """A date cell or date text is a date only (time_known False, stored at London midnight); a date-time cell
    keeps its time (partner review 2026-11: nothing may show a time that was never given)."""
    from openmash.people.models import ChronologyEntry

    dated = [row()[h] for h in HEADER]
    dated[HEADER.index("event_date")] = dt.date(2025, 4, 15)
    timed = [*dated]
    timed[0] = "P2"
    timed[HEADER.index("event_date")] = dt.datetime(2025, 4, 15, 17, 30)
    batch = run_import(_xlsx(tmp_path / "times.xlsx", [HEADER, dated, timed]))
    assert batch.status == BatchStatus.DONE, batch.report
    day = ChronologyEntry.objects.get(record__local_id="P1")
    assert (day.occurred_at, day.time_known) == (dt.datetime(2025, 4, 14, 23, 0, tzinfo=dt.UTC), False)
    at = ChronologyEntry.objects.get(record__local_id="P2")
    assert (at.occurred_at, at.time_known) == (dt.datetime(2025, 4, 15, 16, 30, tzinfo=dt.UTC), True)


def test_date_text_with_a_time_format_keeps_the_time(tmp_path, write_csv, run_import):
    from openmash.feeds.mapping import feed_spec_from_dict
    from openmash.feeds.validate import event_time, parse_date

    formats = ("%Y-%m-%d", "%d/%m/%Y %H:%M")
    assert parse_date("15/04/2025 09:05", formats) == dt.date(2025, 4, 15)
    assert event_time("15/04/2025 09:05", formats) == dt.time(9, 5)
    assert event_time("2025-04-15", formats) is None
    assert feed_spec_from_dict({"code": "x", "base": "standard", "date_formats": list(formats)}).date_formats == formats
    run_import(write_csv([row(event_date="2025-04-15")]))
    from openmash.people.models import ChronologyEntry

    assert ChronologyEntry.objects.get().time_known is False  # the standard extract's dates are dates only
