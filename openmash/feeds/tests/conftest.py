"""Helpers for the feeds tests: write an extract in the standard layout and import it through the service."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from openmash.feeds.bench import STANDARD_HEADER
from openmash.people.identifiers import upn_check_letter

HEADER = STANDARD_HEADER
NHS_A = "9993141593"  # valid, the 999 range (never issued)
NHS_B = "9434765919"
UPN_OK = upn_check_letter("801200005001") + "801200005001"


def row(**values) -> dict:
    """A standard-extract row: a police record of Kayden Smith with one domestic abuse incident, overridden."""
    base = {
        "record_id": "P1",
        "given_name": "Kayden",
        "family_name": "Smith",
        "date_of_birth": "2015-03-01",
        "sex": "M",
        "postcode": "EX1 1AA",
        "address": "1 High Street",
        "nhs_number": "999 314 1593",
        "upn": "",
        "event_date": "2025-07-14",
        "event_type": "DA incident",
        "description": "Officers attended a domestic incident",
    }
    base.update(values)
    return base


def csv_text(rows: list[dict], header=None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(rows, name=..., encoding=..., header=...) -> Path of a CSV extract."""
    counter = iter(range(10_000))

    def _write(rows, *, name=None, encoding="utf-8", header=None, text=None) -> Path:
        path = tmp_path / (name or f"extract-{next(counter)}.csv")
        path.write_bytes((text if text is not None else csv_text(rows, header)).encode(encoding))
        return path

    return _write


@pytest.fixture
def run_import(partnership, settings, tmp_path):
    """run_import(path, feed="standard", agency="police", **options) -> the finished ImportBatch."""
    from openmash.accounts.admin_services import SYSTEM
    from openmash.feeds.services import batch_start, feed_import

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"

    def _run(path: Path, *, feed="standard", agency="police", encoding=None, progress=None, **options):
        batch = batch_start(actor=SYSTEM, feed_code=feed, agency_code=agency, file_name=path.name, **options)
        return feed_import(actor=SYSTEM, path=path, batch=batch, encoding=encoding, progress=progress)

    return _run


@pytest.fixture
def counts():
    """counts() -> rows in every table an import writes (audit and batches apart)."""
    from openmash.feeds.models import RecordRevision
    from openmash.people.models import Address, AgencyRecord, ChronologyEntry, Person, PersonIdentifier

    def _counts() -> dict[str, int]:
        return {
            m.__name__: m.objects.count()
            for m in (Person, AgencyRecord, ChronologyEntry, PersonIdentifier, Address, RecordRevision)
        }

    return _counts
