"""The one place a feed import creates or supersedes agency records (ADR 0005, ADR 0006).

`RecordWriter.write(rows)` takes a chunk of checked rows and returns, for each record id in it, the stored
record's id and its origin person's id (imported chronology entries point at the origin person, so they follow
their record through merges and unmerges). `RecordWriter.finish()` is called once, in the import's transaction,
after the last chunk.

Creating records and their origin people, and linking them, is `openmash.people.linking`'s (the only service that
may): `records_from_feed` creates a chunk's new records in bulk, then, for the records a chunk created or changed,
`records_link_identifiers` applies the deterministic rule (the same valid NHS number, UPN or PNC ID after
normalisation joins two records; placeholders never link; two different valid NHS numbers are never joined
automatically) and `openmash.matching.feedlinks.feed_records_linked` puts records that only look alike (name and
date of birth) in the hub's review queue. Both run per chunk, so an import still streams in bounded memory.

Rules kept here:
- A record is keyed by (agency, local id). A later row or extract supersedes its details **in place**; a blank
  field means "not sent" and never erases what the record holds. What a supersession replaced is kept in
  `RecordRevision` with the batch that replaced it. An unchanged record is not written at all, so importing the
  same rows again changes nothing.
- Origin people are never edited by an import (the resolved identity is matching's business, not the feed's).
- Imported chronology entries point at the record's origin person, never at the resolved person, so they follow
  their record through a merge and back again after an unmerge (ADR 0005).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openmash.feeds.models import ImportBatch, RecordRevision
from openmash.feeds.validate import CleanRow
from openmash.matching.feedlinks import feed_records_linked
from openmash.people.choices import PersonKind
from openmash.people.linking import IDENTIFIER_FIELDS, records_from_feed, records_link_identifiers
from openmash.people.models import AgencyRecord
from openmash.people.search_index import search_keys_refresh
from openmash.people.validation import age_on

RECORD_FIELDS = (
    "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn", "pnc_id",
)  # fmt: skip
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
    per batch: `seen` holds the local ids written so far, about 100 bytes each); links (confirmed or proposed by the
    identifier rule) and proposed (put in the review queue because they look alike). ``actor``: who started the
    import, for the audit of the links (None: the rule itself, "openmash:linking")."""

    def __init__(self, *, batch: ImportBatch, received_at: dt.datetime, actor=None) -> None:
        self.batch = batch
        self.actor = actor
        self.links = self.proposed = 0
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
        created = records_from_feed(
            agency=self.agency,
            details={lid: {**d, "kind": _kind(d.get("date_of_birth"), self.today)} for lid, d in new.items()},
            received_at=self.received_at,
            source_feed=self.batch.feed_code,
        )
        self.created += len(created)
        self._link(created, changed)
        self.seen.update(merged)
        refs = {lid: (r.pk, r.origin_person_id) for lid, r in existing.items()}
        refs.update({r.local_id: (r.pk, r.origin_person_id) for r in created})
        return refs

    def _link(self, created: list[AgencyRecord], changed: list[AgencyRecord]) -> None:
        """Link the records this chunk created, and those whose identifiers or details changed: first the
        deterministic identifier rule, then name and date-of-birth proposals for the review queue."""
        if not created and not changed:
            return
        with_ids = [r for r in [*created, *changed] if any(getattr(r, f) for f in IDENTIFIER_FIELDS)]
        if with_ids:
            self.links += records_link_identifiers(actor=self.actor, records=with_ids)
        self.proposed += feed_records_linked([*created, *changed], actor=self.actor)

    def finish(self) -> None:
        """After the last chunk, in the same transaction. Every chunk's records are linked as they are written
        (`_link`), so nothing is left to do here; kept as the place for work that needs the whole batch."""
        return None


__all__ = ["RecordWriter", "RECORD_FIELDS"]
