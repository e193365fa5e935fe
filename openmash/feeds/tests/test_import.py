"""Importing a standard extract: what is written, idempotency, supersession, dry runs, all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import NHS_A, row

pytestmark = pytest.mark.django_db


def test_a_standard_extract_writes_records_and_events_against_the_records_person(write_csv, run_import):
    from openmash.audit.models import AuditEvent
    from openmash.people.models import AgencyRecord, ChronologyEntry

    path = write_csv(
        [
            row(),
            row(event_date="2025-01-02", event_type="Missing person", description="Reported missing overnight"),
            row(record_id="P2", given_name="Ella", family_name="Jones", nhs_number="", event_type="Stop and search"),
        ]
    )
    batch = run_import(path)
    assert batch.status == BatchStatus.DONE, batch.report
    assert (batch.rows_total, batch.records_created, batch.events_created) == (3, 2, 3)

    record = AgencyRecord.objects.get(agency__code="police", local_id="P1")
    assert (record.given_name, record.family_name, record.nhs_number) == ("Kayden", "Smith", NHS_A)
    assert record.date_of_birth == dt.date(2015, 3, 1) and record.postcode == "EX1 1AA"
    assert record.as_received["nhs_number"] == "999 314 1593"  # as the agency sent it
    assert record.origin_person_id == record.person_id and record.source_feed == "standard"
    assert record.origin_person.identifiers.get().value == NHS_A  # intake search by NHS number finds the child

    summer = ChronologyEntry.objects.get(record=record, event_kind="domestic_abuse")
    # 14 July is in British Summer Time: local midnight is 23:00 UTC the day before
    assert summer.occurred_at == dt.datetime(2025, 7, 13, 23, 0, tzinfo=dt.UTC)
    assert summer.person_id == record.origin_person_id and summer.kind == "event"
    assert summer.source == "police:standard" and summer.external_id.startswith("h:")
    assert (summer.source_type_text, summer.sensitivity) == ("DA incident", "sensitive")
    assert summer.summary == "Domestic abuse incident" and summer.agency.code == "police"
    assert summer.description == "Officers attended a domestic incident"
    winter = ChronologyEntry.objects.get(record=record, event_kind="missing")
    assert winter.occurred_at == dt.datetime(2025, 1, 2, 0, 0, tzinfo=dt.UTC)  # GMT: midnight is midnight UTC

    other = ChronologyEntry.objects.get(record__local_id="P2")
    assert (other.event_kind, other.source_type_text) == ("other", "Stop and search")  # original text kept
    assert other.summary == "Other: Stop and search"
    assert batch.report["unmapped_types"] == {"Stop and search": 1}

    event = AuditEvent.objects.get(action="import", object_id=str(batch.pk))
    assert event.detail["events_created"] == 3 and event.detail["records_created"] == 2
    assert event.actor_username.startswith("cli:")
    text = str(event.detail) + event.reason
    assert "Kayden" not in text and NHS_A not in text and "Smith" not in text  # counts only, no personal data


def test_importing_the_same_file_twice_changes_nothing(write_csv, run_import, counts):
    from openmash.people.models import AgencyRecord

    path = write_csv([row(), row(record_id="P2", given_name="Ella")])
    first = run_import(path)
    before = counts()
    stamp = list(AgencyRecord.objects.values_list("pk", "received_at", "updated_at"))
    again = run_import(path)
    assert again.status == BatchStatus.ALREADY_IMPORTED
    assert again.report["earlier_batch"] == str(first.pk)
    assert counts() == before
    assert list(AgencyRecord.objects.values_list("pk", "received_at", "updated_at")) == stamp


def test_the_same_rows_in_another_file_are_recognised_row_by_row(write_csv, run_import, counts):
    from openmash.people.models import AgencyRecord

    rows = [row(), row(record_id="P2", given_name="Ella", event_type="Missing person")]
    run_import(write_csv(rows))
    before = counts()
    stamp = list(AgencyRecord.objects.order_by("pk").values_list("pk", "updated_at"))
    # the same rows, reordered, with a row-level change of spacing in the type: a different file, the same events
    again = run_import(write_csv([rows[1], {**rows[0], "event_type": "DA  Incident"}]))
    assert again.status == BatchStatus.DONE
    assert (again.events_created, again.events_existing) == (0, 2)
    assert (again.records_created, again.records_superseded, again.records_unchanged) == (0, 0, 2)
    assert counts() == before
    assert list(AgencyRecord.objects.order_by("pk").values_list("pk", "updated_at")) == stamp


def test_a_later_extract_supersedes_the_record_in_place_and_keeps_what_it_replaced(write_csv, run_import):
    from openmash.feeds.models import RecordRevision
    from openmash.people.models import AgencyRecord

    run_import(write_csv([row()]))
    record = AgencyRecord.objects.get(local_id="P1")
    person_before = (record.origin_person.forename, record.origin_person.surname)
    later = run_import(write_csv([row(postcode="EX2 2BB", given_name="Kaden", address="", event_date="2025-08-01")]))
    assert (later.records_superseded, later.records_created, later.events_created) == (1, 0, 1)
    record.refresh_from_db()
    assert (record.given_name, record.postcode) == ("Kaden", "EX2 2BB")
    assert record.address == "1 High Street"  # a blank cell is "not sent": it never erases what the record holds
    revision = RecordRevision.objects.get(record=record)
    assert revision.batch_id == later.pk
    assert revision.previous["given_name"] == "Kayden" and revision.previous["postcode"] == "EX1 1AA"
    assert AgencyRecord.objects.filter(local_id="P1").count() == 1
    person = record.origin_person
    person.refresh_from_db()
    assert (person.forename, person.surname) == person_before  # matching's business, not the feed's


def test_records_are_unique_per_agency_and_events_per_source(write_csv, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    path = write_csv([row()])
    run_import(path, agency="police")
    run_import(path, agency="health-gp")  # the same local id and the same event text at another agency
    assert AgencyRecord.objects.filter(local_id="P1").count() == 2
    assert set(ChronologyEntry.objects.values_list("source", flat=True)) == {"police:standard", "health-gp:standard"}


def test_a_dry_run_counts_exactly_and_writes_nothing(write_csv, run_import, counts):
    from openmash.audit.models import AuditEvent

    before = counts()
    batch = run_import(write_csv([row(), row(event_date="2025-01-01"), row(record_id="P9")]), dry_run=True)
    assert batch.status == BatchStatus.DRY_RUN
    assert (batch.records_created, batch.events_created, batch.rows_written) == (2, 3, 3)
    assert counts() == before
    assert AuditEvent.objects.get(action="import", object_id=str(batch.pk)).detail["dry_run"] is True


def test_a_row_without_event_columns_only_writes_the_record(write_csv, run_import):
    from openmash.people.models import AgencyRecord, ChronologyEntry

    batch = run_import(write_csv([row(event_date="", event_type="", description="")]))
    assert batch.status == BatchStatus.DONE
    assert AgencyRecord.objects.count() == 1 and ChronologyEntry.objects.count() == 0


def test_an_agency_event_id_is_the_external_id_so_a_corrected_description_is_not_a_new_event(write_csv, run_import):
    from openmash.feeds.tests.conftest import HEADER
    from openmash.people.models import ChronologyEntry

    header = [*HEADER, "event_id"]
    run_import(write_csv([row(event_id="OCC-1")], header=header))
    again = run_import(write_csv([row(event_id="OCC-1", description="Corrected text")], header=header))
    assert (again.events_created, again.events_existing) == (0, 1)
    assert ChronologyEntry.objects.get().external_id == "id:OCC-1"


def test_nothing_is_half_written_when_the_write_fails_part_way(write_csv, run_import, counts, settings, monkeypatch):
    from openmash.feeds import services

    settings.OPENMASH_IMPORT_CHUNK_ROWS = 1
    real = services._events_write
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_events_write", failing)
    before = counts()
    batch = run_import(write_csv([row(record_id=f"P{i}") for i in range(5)]))
    assert len(calls) == 3  # two chunks were written before the failure
    assert batch.status == BatchStatus.FAILED
    assert "RuntimeError" in batch.report["message"] and "disk full" not in batch.report["message"]
    assert counts() == before
    assert (batch.events_created, batch.records_created) == (0, 0)


def test_progress_is_reported_for_both_passes(write_csv, run_import):
    seen = []
    run_import(write_csv([row(record_id=f"P{i}") for i in range(3)]), progress=lambda *a: seen.append(a))
    assert {phase for phase, _, _ in seen} == {"validate", "write"}
    assert seen[-1] == ("write", 3, 3)


def test_an_unknown_feed_or_agency_is_refused_before_anything_is_read(partnership):
    from openmash.accounts.admin_services import SYSTEM
    from openmash.core.exceptions import ValidationFailed
    from openmash.feeds.services import batch_start

    with pytest.raises(ValidationFailed) as exc:
        batch_start(actor=SYSTEM, feed_code="nope", agency_code="police", file_name="x.csv")
    assert "feed" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        batch_start(actor=SYSTEM, feed_code="standard", agency_code="nope", file_name="x.csv")
    assert "agency" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        batch_start(actor=SYSTEM, feed_code="standard", agency_code=None, file_name="x.csv")
    assert "agency" in exc.value.errors


def test_a_second_import_of_the_same_feed_waits_for_the_first(partnership, settings, tmp_path, time_machine):
    import time

    from openmash.accounts.admin_services import SYSTEM
    from openmash.core.exceptions import Conflict
    from openmash.feeds.models import ImportBatch
    from openmash.feeds.runner import ProgressFile
    from openmash.feeds.services import batch_start

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    first = batch_start(actor=SYSTEM, feed_code="standard", agency_code="police", file_name="a.csv")
    ImportBatch.objects.filter(pk=first.pk).update(status=BatchStatus.WRITING)
    ProgressFile(first.pk)("write", 10, 100)  # the first is reporting progress
    with pytest.raises(Conflict):
        batch_start(actor=SYSTEM, feed_code="standard", agency_code="police", file_name="b.csv")
    batch_start(actor=SYSTEM, feed_code="standard", agency_code="health-gp", file_name="b.csv")  # another agency
    time_machine.move_to(time.time() + 3600, tick=False)  # an hour without progress: it has stopped
    assert batch_start(actor=SYSTEM, feed_code="standard", agency_code="police", file_name="b.csv").pk
