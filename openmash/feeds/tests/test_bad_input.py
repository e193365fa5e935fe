"""Every way an extract can be wrong: a clear report (row, field, reason) and nothing half-written."""

from __future__ import annotations

import io
import zipfile

import pytest

from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import HEADER, NHS_A, UPN_OK, csv_text, row

pytestmark = pytest.mark.django_db


def _problems(batch) -> list[tuple[int, str]]:
    return [(p["row"], p["field"]) for p in batch.report["problems"]]


def _reasons(batch) -> str:
    return " | ".join(p["reason"] for p in batch.report["problems"])


def _refused_and_untouched(batch, counts, before):
    assert batch.status == BatchStatus.REFUSED, batch.report
    assert counts() == before
    assert batch.rows_written == 0


def test_a_missing_column_is_named(write_csv, run_import, counts):
    before = counts()
    header = [h for h in HEADER if h != "date_of_birth"]
    batch = run_import(write_csv([row()], header=header))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(1, "date_of_birth")]
    assert "The column date_of_birth is missing" in _reasons(batch)


def test_an_unknown_column_is_refused_as_probably_misnamed(write_csv, run_import, counts):
    before = counts()
    text = csv_text([row()]).replace("date_of_birth", "dob", 1)
    batch = run_import(write_csv([], text=text))
    _refused_and_untouched(batch, counts, before)
    # a heading that is words only is named (partner review 2026-11); one that could be a value is named by
    # position (security review 2026-11: see test_a_heading_row_with_an_odd_extra_column_is_still_a_heading_row)
    assert {f for _, f in _problems(batch)} == {"column 4", "date_of_birth"}
    assert "The column dob is not in the standard extract (is it misnamed?)" in _reasons(batch)
    assert batch.report["message"] == (
        "The file cannot be imported: Missing columns: date_of_birth; columns not in the standard extract: dob"
    )


def test_headings_match_without_regard_to_case_or_spacing(write_csv, run_import):
    text = csv_text([row()]).replace("record_id", "Record ID", 1).replace("given_name", "GIVEN-NAME", 1)
    assert run_import(write_csv([], text=text)).status == BatchStatus.DONE


def test_a_date_that_is_not_a_date(write_csv, run_import, counts):
    before = counts()
    batch = run_import(
        write_csv([row(), row(record_id="P2", date_of_birth="31/02/2016"), row(record_id="P3", event_date="soon")])
    )
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(3, "date_of_birth"), (4, "event_date")]
    assert "This is not a date: write it as YYYY-MM-DD or DD/MM/YYYY" in _reasons(batch)
    assert (batch.rows_total, batch.rows_bad) == (3, 2)


def test_an_event_in_the_future_and_a_birth_in_the_future_are_refused(write_csv, run_import):
    batch = run_import(write_csv([row(event_date="2999-01-01"), row(record_id="P2", date_of_birth="2999-01-01")]))
    assert batch.status == BatchStatus.REFUSED
    assert _problems(batch) == [(2, "event_date"), (3, "date_of_birth")]


def test_an_nhs_number_with_a_wrong_check_digit(write_csv, run_import, counts):
    before = counts()
    batch = run_import(write_csv([row(nhs_number=NHS_A[:9] + str((int(NHS_A[9]) + 1) % 10))]))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(2, "nhs_number")]
    assert "(the check digit) does not match" in _reasons(batch)


def test_a_upn_with_a_wrong_check_letter(write_csv, run_import, counts):
    before = counts()
    wrong = ("A" if UPN_OK[0] != "A" else "B") + UPN_OK[1:]
    batch = run_import(write_csv([row(upn=wrong)]))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(2, "upn")]
    assert "check letter does not match" in _reasons(batch)
    assert run_import(write_csv([row(upn=UPN_OK)])).status == BatchStatus.DONE


def test_a_placeholder_identifier_is_a_warning_and_never_stored(write_csv, run_import):
    from openmash.people.models import AgencyRecord, PersonIdentifier

    batch = run_import(write_csv([row(nhs_number="000 000 0000", upn="A000000000000")]))
    assert batch.status == BatchStatus.DONE
    assert {p["level"] for p in batch.report["problems"]} == {"warning"}
    assert _problems(batch) == [(2, "nhs_number"), (2, "upn")]
    record = AgencyRecord.objects.get()
    assert (record.nhs_number, record.upn) == ("", "")
    assert record.as_received["nhs_number"] == "000 000 0000"  # what was sent is kept, never used to link
    assert not PersonIdentifier.objects.exists()


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_rest(write_csv, run_import):
    from openmash.people.models import AgencyRecord

    batch = run_import(write_csv([row(), row(record_id="P2", event_date="not a date")]), skip_bad_rows=True)
    assert batch.status == BatchStatus.DONE
    assert (batch.rows_total, batch.rows_bad, batch.rows_written) == (3 - 1, 1, 1)
    assert list(AgencyRecord.objects.values_list("local_id", flat=True)) == ["P1"]
    assert _problems(batch) == [(3, "event_date")]


def test_the_report_never_quotes_a_cells_value(write_csv, run_import):
    batch = run_import(
        write_csv([row(given_name="Zyxwvut1", date_of_birth="Qwertyuiop", nhs_number="123", postcode="ZZZZZZZZ")])
    )
    assert batch.status == BatchStatus.REFUSED
    text = str(batch.report)
    for value in ("Qwertyuiop", "123", "ZZZZZZZZ", "Kayden"):
        assert value not in text


def test_a_cp1252_file_is_detected_and_read(write_csv, run_import):
    from openmash.people.models import AgencyRecord

    rows = [row(given_name="Zoë", family_name="Ní Bhriain", description="Café – visited"), row(record_id="P2")]
    batch = run_import(write_csv(rows, encoding="cp1252"))
    assert batch.status == BatchStatus.DONE, batch.report
    assert batch.encoding == "cp1252"
    assert AgencyRecord.objects.get(local_id="P1").family_name == "Ní Bhriain"


def test_a_utf8_file_with_a_byte_order_mark(write_csv, run_import):
    batch = run_import(write_csv([row(given_name="Łucja")], encoding="utf-8-sig"))
    assert batch.status == BatchStatus.DONE and batch.encoding == "utf-8-sig"


def test_a_utf16_file_is_read(write_csv, run_import):
    from openmash.people.models import AgencyRecord

    batch = run_import(write_csv([row(given_name="Søren")], encoding="utf-16"))
    assert batch.status == BatchStatus.DONE, batch.report
    assert AgencyRecord.objects.get().given_name == "Søren"


def test_a_declared_encoding_that_is_wrong_is_reported_with_the_row(write_csv, run_import, counts):
    before = counts()
    rows = [row(record_id=f"P{i}") for i in range(5)] + [row(record_id="P9", given_name="Zoë")]
    batch = run_import(write_csv(rows, encoding="cp1252"), encoding="utf-8")
    _refused_and_untouched(batch, counts, before)
    assert batch.report["problems"][0]["field"] == "encoding"
    assert "not valid utf-8 text" in _reasons(batch)


def test_an_unknown_encoding_name_is_refused(write_csv, run_import):
    batch = run_import(write_csv([row()]), encoding="klingon-8")
    assert batch.status == BatchStatus.REFUSED and "not an encoding" in _reasons(batch)


def test_an_empty_file_and_a_heading_without_rows(write_csv, run_import, counts):
    before = counts()
    empty = run_import(write_csv([], text=""))
    _refused_and_untouched(empty, counts, before)
    assert "The file is empty" in _reasons(empty)
    blank_lines = run_import(write_csv([], text="\r\n\r\n"))
    assert blank_lines.status == BatchStatus.REFUSED and "empty" in _reasons(blank_lines)
    heading_only = run_import(write_csv([]))
    assert heading_only.status == BatchStatus.REFUSED
    assert "heading row but no data rows" in _reasons(heading_only)


def test_a_row_with_too_many_cells(write_csv, run_import):
    text = csv_text([row()]) + "P2,Ella,Jones,2016-01-01,F,,,,,2025-01-01,DA incident,text,extra\r\n"
    batch = run_import(write_csv([], text=text))
    assert batch.status == BatchStatus.REFUSED
    assert _problems(batch) == [(3, "row")]


def test_an_xlsx_that_is_really_csv(write_csv, run_import, counts):
    before = counts()
    batch = run_import(write_csv([row()], name="extract.xlsx"))
    _refused_and_untouched(batch, counts, before)
    assert "called .xlsx but is not an Excel workbook: it looks like CSV text" in _reasons(batch)


def test_a_csv_that_is_really_a_pdf_or_binary(write_csv, run_import, tmp_path):
    pdf = tmp_path / "extract.csv"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    assert "looks like a PDF document" in _reasons(run_import(pdf))
    binary = tmp_path / "extract2.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "looks like binary data" in _reasons(run_import(binary))


def test_an_old_xls_and_an_unknown_extension(tmp_path, run_import):
    xls = tmp_path / "extract.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert ".xls) are not read" in _reasons(run_import(xls))
    doc = tmp_path / "extract.docx"
    doc.write_bytes(b"hello")
    assert "Files called .docx are not read" in _reasons(run_import(doc))


def test_a_zip_that_is_not_a_workbook_and_a_zip_bomb(tmp_path, run_import, counts):
    before = counts()
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "zip archive but not an Excel workbook" in _reasons(run_import(plain))

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros, about 50 kB zipped
    batch = run_import(bomb)
    _refused_and_untouched(batch, counts, before)
    assert "looks like a zip bomb" in _reasons(batch)


def test_a_workbook_expanding_past_the_limit_is_refused(tmp_path, run_import, settings):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    path = tmp_path / "big.xlsx"
    wb.save(path)
    settings.OPENMASH_IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    assert "zip bomb" in _reasons(run_import(path))


def test_too_many_rows_are_refused(write_csv, run_import, settings):
    settings.OPENMASH_IMPORT_MAX_ROWS = 2
    batch = run_import(write_csv([row(record_id=f"P{i}") for i in range(3)]))
    assert batch.status == BatchStatus.REFUSED and "more than 2 rows" in _reasons(batch)


def test_formula_like_cells_are_stored_as_text(write_csv, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    formulas = {"description": '=HYPERLINK("http://x.test","click")', "address": "+44 Road"}
    batch = run_import(write_csv([row(**formulas), row(record_id="P2", description="-3 days late")]))
    assert batch.status == BatchStatus.DONE, batch.report
    record = AgencyRecord.objects.get(local_id="P1")
    assert record.address == "+44 Road"
    assert ChronologyEntry.objects.get(record=record).description == formulas["description"]
    assert ChronologyEntry.objects.get(record__local_id="P2").description == "-3 days late"
    # ... and each is reported as a warning on its row and field (one rule for every text column: ADR 0006)
    warned = {(p["row"], p["field"]) for p in batch.report["problems"] if p.get("level") == "warning"}
    assert {(2, "description"), (2, "address"), (3, "description")} <= warned
    # A name holds letters, spaces, hyphens, apostrophes and full stops only (people.validation.name_clean,
    # practitioner review): formula characters in a name refuse the row's name fields.
    named = run_import(write_csv([row(record_id="P3", given_name="=cmd|' /C calc'!A0", family_name="@Smith")]))
    assert named.status == BatchStatus.REFUSED and set(_problems(named)) == {(2, "given_name"), (2, "family_name")}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", '=HYPERLINK("http://evil.example/","Click")'),
        ("given_name", "=cmd|' /C calc'!A0"),
        ("family_name", "@Smith"),
        ("family_name", "+Smith"),
        ("given_name", "-Kayden"),
    ],
)
def test_a_formula_like_name_is_refused_per_row(write_csv, run_import, counts, field, value):
    """Names are not free text: one beginning like a formula is refused with its row and field (partner review)."""
    before = counts()
    batch = run_import(write_csv([row(**{field: value}), row(record_id="P2")]))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(2, field)]
    # the one name rule (people.validation.name_clean) refuses it first; the importer's own "must not begin with
    # = + - or @" stands behind it
    assert "must only include letters" in _reasons(batch) or "must not begin with = + - or @" in _reasons(batch)
    assert value not in str(batch.report)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "=cmd|' /C calc'!A0"),
        ("description", "=1+1 shoplifting"),
        ("event_type", "@SUM(A1)"),
        ("address", "=HYPERLINK(1)"),
        ("record_id", "=P1"),
    ],
)
def test_every_text_column_reports_a_formula_like_cell(write_csv, run_import, field, value):
    """Review finding 8: a formula-like cell in any text column is imported as sent with a warning on its row and
    field (only name cells were checked before); the warning never quotes the value."""
    batch = run_import(write_csv([row(**{field: value})]))
    assert batch.status == BatchStatus.DONE, batch.report
    warnings = [p for p in batch.report["problems"] if p.get("level") == "warning"]
    assert [(p["row"], p["field"]) for p in warnings] == [(2, field)]
    assert "formula" in warnings[0]["reason"] and value not in str(batch.report["problems"])


def test_a_control_character_in_a_cell_is_refused(write_csv, run_import):
    batch = run_import(write_csv([row(given_name="Kay\x07den")]))
    assert batch.status == BatchStatus.REFUSED and _problems(batch) == [(2, "given_name")]
    nul = run_import(write_csv([row(given_name="Kay\x00den")]))  # NUL bytes: a binary file, not CSV text
    assert nul.status == BatchStatus.REFUSED and "binary data" in _reasons(nul)


def test_the_cli_prints_the_report_and_exits_non_zero(write_csv, partnership, settings, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    path = write_csv([row(), row(record_id="P2", event_date="32/01/2025")])
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("feed_import", "standard", str(path), "--agency", "police", stdout=out)
    assert "row 3, event_date: 32/01/2025 is not a date that exists: January 2025 has 31 days" in out.getvalue()
    assert "Nothing was imported: 1 of 2 rows has errors" in str(exc.value)
    out = io.StringIO()
    call_command("feed_import", "standard", str(path), "--agency", "police", "--skip-bad-rows", stdout=out)
    assert "1 row imported: 1 new record" in out.getvalue()


# --- the report never holds a value (security review 2026-11) ------------------------------------------------


def _everything_stored(batch) -> str:
    """Every text the import left for its readers: the batch row (report, message) and its audit events."""
    import json

    from django.forms.models import model_to_dict

    from openmash.audit.models import AuditEvent

    batch.refresh_from_db()
    events = AuditEvent.objects.filter(object_id=str(batch.pk)).values("reason", "detail")
    return json.dumps([model_to_dict(batch), list(events)], default=str)


def test_a_file_without_its_header_row_is_refused_without_quoting_its_first_row(write_csv, run_import, counts):
    before = counts()
    first = row(given_name="Zephyrine", family_name="Quillfeather", postcode="EX9 9ZZ", description="Canaryword")
    text = csv_text([first, row(record_id="P2")]).split("\r\n", 1)[1]  # the data without the heading row
    batch = run_import(write_csv([], text=text))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(1, "heading row")]
    assert "The first row looks like data: the file needs a header row" in _reasons(batch)
    stored = _everything_stored(batch)
    for value in first.values():
        if len(value) > 2:
            assert value not in stored and value.replace(" ", "") not in stored


def test_a_heading_row_with_an_odd_extra_column_is_still_a_heading_row(write_csv, run_import):
    """A real heading row with one unknown heading is reported by position, not as 'needs a header row'."""
    text = csv_text([row()], header=[*HEADER, "Notes 2024"])
    batch = run_import(write_csv([], text=text))
    assert batch.status == BatchStatus.REFUSED
    assert "Notes 2024" not in str(batch.report)
    assert "needs a header row" not in _reasons(batch)
    assert _problems(batch) == [(1, f"column {len(HEADER) + 1}")]


def test_a_repeated_heading_is_named_by_position(write_csv, run_import):
    text = csv_text([row()], header=[*HEADER, "Family_Name"])
    batch = run_import(write_csv([], text=text))
    assert batch.status == BatchStatus.REFUSED
    n = len(HEADER) + 1
    assert (1, f"column {n}") in _problems(batch)
    assert f"Column {n} has the same heading as column {HEADER.index('family_name') + 1}" in _reasons(batch)
    assert "Family_Name" not in str(batch.report)


CANARIES = {
    "given_name": "Canarygiven" + "x" * 200,
    "family_name": "Canaryfam99",
    "date_of_birth": "Canarydob",
    "sex": "Canarysex",
    "postcode": "Canarypc",
    "nhs_number": "Canarynhs1",
    "upn": "Canaryupn12345",
    "event_date": "Canarydate",
    "event_type": "",
    "description": "Canarydesc " + "y" * 5000,
}


def test_no_row_problem_quotes_the_value_it_is_about(write_csv, run_import):
    """Every field of a row wrong at once: each is reported (row, field, reason) and no value appears."""
    batch = run_import(write_csv([row(), row(record_id="P2", **CANARIES)]))
    assert batch.status == BatchStatus.REFUSED
    fields = {f for r, f in _problems(batch) if r == 3}
    assert {"date_of_birth", "sex", "postcode", "nhs_number", "upn", "event_date"} <= fields
    stored = _everything_stored(batch).lower()
    for value in CANARIES.values():
        if value:
            assert value[:9].lower() not in stored


def test_a_fhir_bundle_never_quotes_its_own_text_in_the_report(tmp_path, run_import):
    import json

    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "birthDate": "Canarybirth",
        "Zephyrine Quillfeather": "x",  # an element FHIR does not define, named with personal data
        "name": [{"family": "Smith", "Canarykey": 1}],
    }
    odd = {"resourceType": "Zephyrine Quillfeather 2015-03-01"}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": patient}, {"resource": odd}, {"resource": {"resourceType": ["a", "list"]}},
        {"resource": {"resourceType": "Observation"}},
    ]}))  # fmt: skip
    batch = run_import(path, feed="fhir-r4", agency="health-gp")
    stored = _everything_stored(batch)
    for canary in ("Zephyrine", "Quillfeather", "Canarybirth", "Canarykey", "2015-03-01"):
        assert canary not in stored
    reasons = _reasons(batch)
    assert "The resource has an element FHIR does not define here" in reasons
    assert "The resource type is not one FHIR defines" in reasons
    assert "Observation resources are not imported" in reasons  # a real FHIR type may be named


def test_wrong_column_names_are_named_not_taken_for_data(write_csv, run_import, counts):
    """A heading row in another layout (id, first, last, dob) is a heading row: the report names the missing
    columns and the unknown ones (partner review 2026-11), and does not say the first row looks like data."""
    before = counts()
    text = "id,first,last,dob\r\nP1,Kayden,Smith,2015-03-01\r\n"
    batch = run_import(write_csv([], text=text))
    _refused_and_untouched(batch, counts, before)
    message = batch.report["message"]
    assert "looks like data" not in message and "needs a header row" not in _reasons(batch)
    assert "Missing columns: record_id, given_name, family_name, date_of_birth," in message
    assert message.endswith("columns not in the standard extract: id, first, last, dob")
    assert "The column dob is not in the standard extract (is it misnamed?)" in _reasons(batch)


def test_an_event_before_the_persons_birth_is_a_row_error(write_csv, run_import, counts):
    """A child born 2015 with an event in 2014: the date or the person is wrong (partner review 2026-11)."""
    before = counts()
    rows = [row(), row(record_id="P2", date_of_birth="2015-06-01", event_date="2014-11-03")]
    batch = run_import(write_csv(rows))
    _refused_and_untouched(batch, counts, before)
    assert _problems(batch) == [(3, "event_date")]
    assert "is before the person's date of birth" in _reasons(batch)
    skipped = run_import(write_csv(rows), skip_bad_rows=True)
    assert skipped.status == BatchStatus.DONE and (skipped.rows_written, skipped.rows_bad) == (1, 1)
    # the same day as the birth is not before it
    same_day = run_import(write_csv([row(record_id="P3", date_of_birth="2015-06-01", event_date="2015-06-01")]))
    assert same_day.status == BatchStatus.DONE, same_day.report


def test_an_event_before_birth_of_a_pre_birth_kind_is_allowed(write_csv, run_import, monkeypatch):
    """A kind listed in PRE_BIRTH_KINDS (a pre-birth assessment) may be dated before the birth."""
    from openmash.feeds import validate
    from openmash.feeds.choices import EventKind

    monkeypatch.setattr(validate, "PRE_BIRTH_KINDS", frozenset({EventKind.DOMESTIC_ABUSE}))
    batch = run_import(write_csv([row(date_of_birth="2015-06-01", event_date="2015-01-10")]))
    assert batch.status == BatchStatus.DONE, batch.report
