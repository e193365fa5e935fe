"""The one place a feed import creates or supersedes agency records (ADR 0005, ADR 0006).

`RecordWriter.write(rows)` takes a chunk of checked rows and returns, for each record id in it, the stored
record's id and its origin person's id (imported chronology entries point at the origin person, so they follow
their record through merges and unmerges). `RecordWriter.finish()` is called once, in the import's transaction,
after the last chunk.

TODO(lead, issue 6): when `openmash.people.linking` (the records helper's service, the only one that may create a
record's origin person and its links) is on main, replace `_records_create` with its bulk create and
`finish` with its "link these records" call. Nothing else in the feeds app creates people or records, so this
file is the whole swap. Until then `_records_create` makes each new record's origin person here (with its
identifiers and address, as intake does, so intake search finds imported children) and `finish` links nothing.

Rules kept here:
- A record is keyed by (agency, local id). A later row or extract supersedes its details **in place**; a blank
  field means "not sent" and never erases what the record holds. What a supersession replaced is kept in
  `RecordRevision` with the batch that replaced it. An unchanged record is not written at all, so importing the
  same rows again changes nothing.
- Origin people are never edited by an import (the resolved identity is matching's business, not the feed's).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openmash.core.text import normalise_name
from openmash.feeds.models import ImportBatch, RecordRevision
from openmash.feeds.validate import CleanRow
from openmash.people.choices import IdentifierType, PersonKind
from openmash.people.models import Address, AgencyRecord, Person, PersonIdentifier
from openmash.people.search_index import search_keys_refresh
from openmash.people.validation import age_on

RECORD_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn")
ADULT_AGE = 18


def _merge(rows: list[CleanRow]) -> dict[str, dict]:
    """{local_id: details} for a chunk: each later row's non-blank fields over the earlier ones'."""
    merged: dict[str, dict] = {}
    for r in rows:
        d = merged.setdefault(r.local_id, {"as_received": {}})
        for f in RECORD_FIELDS:
            value = getattr(r, f)
            if value not in ("", None) and not (f == "sex" and value == "U" and d.get("sex") in ("M", "F")):
                d[f] = value
        d["as_received"].update(r.as_received)
    return merged


def _kind(dob: dt.date | None, today: dt.date) -> str:
    return PersonKind.ADULT if dob and age_on(dob, today) >= ADULT_AGE else PersonKind.CHILD


def _previous(value):
    return value.isoformat() if isinstance(value, dt.date) else value


class RecordWriter:
    """Writes the agency records of one import batch. Counts: created, superseded, unchanged (each record once
    per batch: `seen` holds the local ids written so far, about 100 bytes each)."""

    def __init__(self, *, batch: ImportBatch, received_at: dt.datetime) -> None:
        self.batch = batch
        self.agency = batch.agency
        self.received_at = received_at
        self.today = timezone.localdate()
        self.created = self.superseded = self.unchanged = 0
        self.seen: set[str] = set()

    def write(self, rows: list[CleanRow]) -> dict[str, tuple]:
        """Create or supersede the records of a chunk of rows. Returns {local_id: (record id, origin person id)}.
        Call inside the import's transaction."""
        merged = _merge(rows)
        existing = {r.local_id: r for r in AgencyRecord.objects.filter(agency=self.agency, local_id__in=list(merged))}
        new = {lid: d for lid, d in merged.items() if lid not in existing}
        changed: list[AgencyRecord] = []
        revisions: list[RecordRevision] = []
        for lid, record in existing.items():
            d = merged[lid]
            previous = {
                f: _previous(getattr(record, f)) for f in RECORD_FIELDS if f in d and getattr(record, f) != d[f]
            }
            first_time = lid not in self.seen
            if not previous:
                self.unchanged += first_time
                continue
            revisions.append(
                RecordRevision(
                    batch=self.batch, record=record, previous={**previous, "as_received": record.as_received}
                )
            )
            for f in previous:
                setattr(record, f, merged[lid][f])
            record.as_received = {**record.as_received, **d["as_received"]}
            record.received_at = self.received_at
            record.source_feed = self.batch.feed_code
            changed.append(record)
            self.superseded += first_time
        if changed:
            AgencyRecord.objects.bulk_update(changed, [*RECORD_FIELDS, "as_received", "received_at", "source_feed"])
            RecordRevision.objects.bulk_create(revisions)
            # bulk writes send no signals: the search index follows the superseded names here (people.search_index)
            search_keys_refresh({r.origin_person_id for r in changed})
        created = self._records_create(new)
        self.created += len(created)
        self.seen.update(merged)
        refs = {lid: (r.pk, r.origin_person_id) for lid, r in existing.items()}
        refs.update({r.local_id: (r.pk, r.origin_person_id) for r in created})
        return refs

    def _records_create(self, new: dict[str, dict]) -> list[AgencyRecord]:
        """New records, each with a new origin person (see the module's TODO)."""
        if not new:
            return []
        people = Person.objects.bulk_create(
            [
                Person(
                    kind=_kind(d.get("date_of_birth"), self.today),
                    forename=d.get("given_name", ""),
                    surname=d.get("family_name", ""),
                    forename_norm=normalise_name(d.get("given_name", "")),
                    surname_norm=normalise_name(d.get("family_name", "")),
                    date_of_birth=d.get("date_of_birth"),
                    sex=d.get("sex", "U"),
                    created_by_agency=self.agency,
                )
                for d in new.values()
            ]
        )
        identifiers, addresses, records = [], [], []
        for person, (lid, d) in zip(people, new.items(), strict=True):
            for kind in (IdentifierType.NHS_NUMBER, IdentifierType.UPN):
                if d.get(kind):
                    identifiers.append(PersonIdentifier(person=person, identifier_type=kind, value=d[kind]))
            if d.get("postcode") or d.get("address"):
                addresses.append(
                    Address(person=person, line1=d.get("address", "")[:200], postcode=d.get("postcode", ""))
                )
            records.append(
                AgencyRecord(
                    agency=self.agency,
                    local_id=lid,
                    origin_person=person,
                    person=person,
                    kind=person.kind,
                    **{
                        f: d.get(f, "U" if f == "sex" else ("" if f != "date_of_birth" else None))
                        for f in RECORD_FIELDS
                    },
                    as_received=d["as_received"],
                    received_at=self.received_at,
                    source_feed=self.batch.feed_code,
                )
            )
        PersonIdentifier.objects.bulk_create(identifiers)
        Address.objects.bulk_create(addresses)
        created = AgencyRecord.objects.bulk_create(records)
        search_keys_refresh([p.pk for p in people])  # the new people and their records are found by search at once
        return created

    def finish(self) -> None:
        """After the last chunk, in the same transaction: link the records this batch created or superseded
        (AgencyRecord rows of the batch's agency with received_at == this batch's time). See the module's TODO:
        nothing is linked until `openmash.people.linking` is on main."""
        return None


__all__ = ["RecordWriter", "RECORD_FIELDS"]
