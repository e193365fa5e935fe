"""Synthetic standard extracts, made at run time (never committed): for `openmash bench import` and the tests.

`extract_write(path, rows=N, seed=S)` streams N event rows for about N/5 people (each with 1-9 events, valid
NHS numbers from the never-issued 999 range on most, UK postcodes, a mix of mapped and unmapped event types) to
a CSV file, in constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from openmash.people.identifiers import nhs_number_check_digit

STANDARD_HEADER = ["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                   "nhs_number", "upn", "event_date", "event_type", "description"]  # fmt: skip
GIVEN = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Oliver", "George", "Noah", "Arthur", "Leo", "Kayden", "Zoë",
         "Łucja", "Søren", "Elif", "Aoife", "Muhammad", "Freya", "Harry", "Jack"]  # fmt: skip
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Nic Dhòmhnaill",
          "Wałęsa", "Østergård", "Yıldız", "O'Brien", "Smith-Jones", "Evans", "Thomas", "Roberts"]  # fmt: skip
TYPES = ["DA incident", "Missing person", "Welfare concern", "Arrest", "Victim of crime", "ED attendance",
         "Was not brought", "Stop and search", "Concern for safety", "CSE concern"]  # fmt: skip
AREAS = ["EX1", "EX2", "EX4", "TQ1", "PL4", "EX31"]


def nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range (never issued)."""
    while True:
        first9 = "999" + f"{rng.randrange(1_000_000):06d}"
        check = nhs_number_check_digit(first9)
        if check is not None:
            return first9 + str(check)


def extract_write(path: Path, *, rows: int, seed: int = 2026, today: dt.date | None = None) -> int:
    """Write a standard extract of `rows` event rows to `path`. Returns the number of distinct people."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    people = 0
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(STANDARD_HEADER)
        while written < rows:
            people += 1
            dob = today - dt.timedelta(days=rng.randrange(365, 17 * 365))
            person = [
                f"R{people:08d}",
                rng.choice(GIVEN),
                rng.choice(FAMILY),
                dob.isoformat(),
                rng.choice("MFU"),
                f"{rng.choice(AREAS)} {rng.randrange(10)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                f"{rng.randrange(1, 200)} High Street",
                nhs_number(rng) if rng.random() < 0.8 else "",
                "",
            ]
            for _ in range(min(rng.randrange(1, 10), rows - written)):
                day = today - dt.timedelta(days=rng.randrange(1, min(3 * 365, (today - dob).days + 1)))  # born by then
                out.writerow([*person, day.isoformat(), rng.choice(TYPES), f"Event {written} noted by the agency"])
                written += 1
    return people


__all__ = ["STANDARD_HEADER", "extract_write", "nhs_number"]
