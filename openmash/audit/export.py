"""CSV export of the audit trail, safe to open in a spreadsheet.

A cell that a spreadsheet would read as a formula (starting with = + - @ | or a tab, carriage return, line feed
or NUL) is prefixed with a single quote, so it shows as text and never runs (OWASP "CSV injection"; test IN-4
of the security test plan). defusedcsv was considered: it leaves cells starting with a tab or a carriage return
alone, so the stdlib csv writer is used with this neutraliser. Quoting follows RFC 4180 (csv.QUOTE_MINIMAL).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

from openmash.access.policy import role_label
from openmash.audit.forms import action_label

FORMULA_STARTS = frozenset("=+-@|\t\r\n\0")

HEADER = [
    "When (Europe/London)",
    "User",
    "Name",
    "Agency",
    "Role",
    "Action",
    "Action code",
    "Record type",
    "Record",
    "Record ID",
    "Reason",
    "Request ID",
    "Client request ID",
]


def neutralise(value) -> str:
    """The cell as text that no spreadsheet will evaluate: prefixed with ' when it starts like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text and text[0] in FORMULA_STARTS else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(events: Iterable, labels_for) -> Iterator[str]:
    """CSV text, one line at a time (header first). labels_for(batch) -> the audit_labels() of a batch."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(HEADER)
    batch: list = []
    for event in events:
        batch.append(event)
        if len(batch) == 500:
            yield from _lines(writer, batch, labels_for(batch))
            batch = []
    if batch:
        yield from _lines(writer, batch, labels_for(batch))


def _lines(writer, batch, labels) -> Iterator[str]:
    for e in batch:
        row = [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.actor_username,
            labels["users"].get(e.actor_user_id, ""),
            labels["agencies"].get(e.agency_code, e.agency_code),
            role_label(e.role),
            action_label(e.action, e.object_type),
            e.action,
            e.object_type,
            labels["records"].get((e.object_type, e.object_id), ""),
            e.object_id,
            e.reason,
            e.request_id,
            e.client_request_id,
        ]
        yield writer.writerow([neutralise(v) for v in row])
