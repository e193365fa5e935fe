"""The data and the timed steps of `openmash bench flags-speed` (issue 8: "full evaluation of 100,000 children with
5,000,000 events <= 60 s on 2 cores; after an import of 10,000 events, incremental evaluation <= 10 s").

Set-up (not measured; ``population_write``): a partnership of SPEED_AGENCIES created with ``agency_create``, then
families written in bulk in the shapes the real import leaves behind, through the import's own functions wherever
they are cheap enough:

- agency records and their origin people, identifiers, addresses and search keys: ``linking.records_from_feed``
  (what ``RecordWriter`` calls), one call per agency and chunk; the records of one person at different agencies
  share the person's NHS number and are joined as ``linking.records_link_identifiers`` joins them (the import's
  rule: links, ``merged_into``, ``AgencyRecord.person``), by default written directly (``_records_join``, without
  the linker's audit events: the linker was 60% of the set-up's CPU), or by the linker itself (``real_linker``);
  the bench test checks both give the same joins;
- events: ``ChronologyEntry`` rows exactly as ``feeds.services._events_write`` builds them (kind ``event``, the
  mapping's event kind and sensitivity, the sealed description, ``source`` ``<agency>:standard``, ``id:<event id>``),
  one ``ImportBatch`` per agency marked done;
- indicators: ``EventIndicator`` and ``PatternReadMark`` rows exactly as ``reading._read_rows`` writes them; the
  findings of each event template are read once by the real reader (``reading.entry_findings``, with the feed's
  event kind), not once per event, which would make the set-up hours long and changes nothing in the rows.

Families: households of one to three children and one or two adults at one address (eight households to a postcode,
so the household rules' address matching has work to do); each child has records at two to four agencies, each
adult at one or two. ``events`` events in all, 90% about children, over the three years before ``as_of``; the mix
is mostly ordinary (health visits, authorised absences, welfare checks found well), so a few per cent of children
show a pattern, as in a real partnership.

Timed steps (each in its own child process, see the command): ``evaluate_timed`` is what `openmash flags evaluate`
runs (``entries_read`` then ``flags_evaluate``); ``import_timed`` imports a standard extract of new events for
existing records with ``batch_start`` + ``feed_import`` (what `openmash import` runs), then the after-import hook
(``patterns.services.after_import``), each timed, with the evaluation's phases split by ``PhaseClock``.
No personal data: generated names, the never-issued 999 NHS number range.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SPEED_AGENCIES = {  # code: (name, agency type, source code, health service)
    "police": ("Bench Police", "police", "6", ""),
    "school": ("Bench Schools", "education", "2A", ""),
    "hv": ("Bench Health Visiting", "health", "3B", "health_visiting"),
    "gp": ("Bench GP practices", "health", "3A", "gp"),
    "ed-north": ("Bench North Hospital ED", "health", "3E", "acute"),
    "ed-south": ("Bench South Hospital ED", "health", "3E", "acute"),
    "housing": ("Bench Housing Options", "housing", "4", ""),
    "probation": ("Bench Probation", "probation", "7", ""),
}
CHILD_AGENCIES = ("school", "gp", "hv", "ed-north", "ed-south", "police")
ADULT_AGENCIES = ("police", "gp", "housing", "probation")
#: agency -> [(event type as the agency writes it, description, weight)]: mostly ordinary events, some concerns
TEMPLATES: dict[str, list[tuple[str, str, int]]] = {
    "police": [
        ("Welfare concern", "Officers attended, all well, no concerns.", 30),
        ("Welfare concern", "Neighbour called about shouting, officers attended and gave advice.", 2),
        ("Victim of crime", "Bike stolen from outside the house, crime number given.", 15),
        ("Domestic incident", "Verbal argument between adults, children present, DASH standard.", 1),
        ("Missing person", "Returned within two hours, return interview done.", 1),
        ("Arrest", "Arrested for assault occasioning actual bodily harm.", 1),
    ],
    "school": [
        ("Attendance - authorised", "Illness, parent phoned in.", 200),
        ("Attendance - unauthorised", "No reason given.", 4),
        ("Parents evening", "Good progress in reading, no concerns.", 200),
        ("Persistent absence", "Attendance 84% this term, several unauthorised absences.", 1),
        ("DSL note", "Child tired and hungry at school, spoke to parent.", 1),
        ("Suspension", "One day for fighting in the playground.", 1),
    ],
    "hv": [
        ("Health visit", "Seen at home, development on track.", 300),
        ("Was not brought", "Not brought to clinic, letter sent.", 3),
        ("Health visit", "Mum has low mood, started on antidepressants, no safeguarding concerns.", 1),
    ],
    "gp": [
        ("GP appointment", "Cough and cold, reassured.", 300),
        ("Did not attend", "Did not attend for immunisations, recalled.", 3),
        ("GP appointment", "Low mood and anxiety, referred to talking therapies.", 1),
    ],
    "ed-north": [
        ("ED attendance", "Sprained wrist at football, witnessed by coach.", 20),
        ("ED attendance", "Fell in the park, consistent history, discharged.", 3),
        ("ED attendance", "Bruise to the arm, explanation vague.", 1),
        ("Self harm", "Cuts to forearm, CAMHS liaison referral.", 1),
    ],
    "ed-south": [
        ("ED attendance", "Sprained ankle at football, witnessed by coach.", 20),
        ("ED attendance", "Chest infection, treated and discharged.", 6),
        ("ED attendance", "Head injury, said to have fallen down the stairs.", 1),
    ],
    "housing": [
        ("Housing application", "Registered on the housing list.", 20),
        ("Eviction notice", "Section 21 notice served, family at risk of homelessness.", 1),
    ],
    "probation": [
        ("Supervision appointment", "Attended, engaging well.", 20),
        ("Offence", "Breach of restraining order, returned to court.", 1),
    ],
}
#: how many events each agency records, relatively (a school or a GP writes far more than an emergency department)
AGENCY_EVENTS = {"police": 2, "school": 10, "hv": 8, "gp": 5, "ed-north": 1, "ed-south": 1, "housing": 1,
                 "probation": 2}  # fmt: skip
GIVEN = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Oliver", "George", "Noah", "Arthur", "Leo", "Freya", "Jack",
         "Aoife", "Elif", "Harry", "Zara", "Kai", "Ruby", "Theo", "Maya"]  # fmt: skip
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Thomas", "Roberts",
          "Patel", "Khan", "O'Brien", "Walsh", "Nowak", "Yilmaz"]  # fmt: skip
HOUSEHOLDS_PER_POSTCODE = 8
CHILD_SHARE = 0.9  # of the events, about children (the rest about the adults they live with)
YEARS = 3
FEED = "standard"
Say = Callable[[str], None]


# --- the families ------------------------------------------------------------------------------------------------


@dataclass
class Member:
    number: int  # person number (stable: the record ids and NHS number come from it)
    child: bool
    given: str
    family: str
    born: dt.date
    sex: str
    postcode: str
    address: str
    nhs: str
    agencies: tuple[str, ...]

    def local_id(self, agency: str) -> str:
        return f"SPD{self.number:07d}"

    def row_head(self, agency: str) -> list[str]:
        """The standard extract's person columns for this member's record at `agency`."""
        return [self.local_id(agency), self.given, self.family, self.born.isoformat(), self.sex, self.postcode,
                self.address, self.nhs, "", ""]  # fmt: skip


def _nhs_numbers():
    """Distinct valid NHS numbers in the never-issued 999 range, in order."""
    from openmash.people.identifiers import nhs_number_check_digit

    for n in range(1_000_000):
        first9 = f"999{n:06d}"
        check = nhs_number_check_digit(first9)
        if check is not None:
            yield first9 + str(check)


def families(children: int, as_of: dt.date, seed: int):
    """Households (lists of Members), deterministic for (children, as_of, seed), until `children` children."""
    rng = random.Random(seed)
    numbers = _nhs_numbers()
    made = person = household = 0
    while made < children:
        postcode_no, house = divmod(household, HOUSEHOLDS_PER_POSTCODE)
        district, rest = divmod(postcode_no, 400)
        postcode = f"EX{1 + district % 99} {rest // 40 % 10}{'ABDEFGHJLN'[rest % 10]}{'PQRSTUWXYZ'[rest // 10 % 4]}"
        address = f"{house * 2 + 1} Speed Street, Exeter"
        family_name = FAMILY[rng.randrange(len(FAMILY))]
        members = []
        for _ in range(min(rng.choice((1, 1, 2, 2, 2, 3)), children - made)):
            born = as_of - dt.timedelta(days=rng.randrange(30, 17 * 365))
            agencies = tuple(rng.sample(_child_agencies(as_of, born), rng.choice((2, 3, 3, 4))))
            members.append(Member(person, True, GIVEN[rng.randrange(len(GIVEN))], family_name, born, "MF"[person % 2],
                                  postcode, address, next(numbers), agencies))  # fmt: skip
            person += 1
            made += 1
        for _ in range(rng.choice((1, 1, 2))):
            born = as_of - dt.timedelta(days=rng.randrange(20 * 365, 50 * 365))
            agencies = tuple(rng.sample(ADULT_AGENCIES, rng.choice((1, 2))))
            members.append(Member(person, False, GIVEN[rng.randrange(len(GIVEN))], family_name, born,
                                  "MF"[person % 2], postcode, address, next(numbers), agencies))  # fmt: skip
            person += 1
        household += 1
        yield members


def _child_agencies(as_of: dt.date, born: dt.date) -> tuple[str, ...]:
    age = (as_of - born).days
    if age < 4 * 365:
        return ("hv", "gp", "ed-north", "ed-south")
    return ("school", "gp", "ed-north", "ed-south", "police")


def _templates(spec) -> dict[str, list[tuple]]:
    """agency -> [(type text, description, weight, event kind, sensitivity, summary, [findings as row dicts])]: each
    template read once by the real reader (the indicators an import of it would give)."""
    from openmash.feeds.choices import EventKind
    from openmash.patterns.reading import entry_findings, source_of

    labels = {k.value: str(k.label) for k in EventKind}
    out: dict[str, list[tuple]] = {}
    for agency, items in TEMPLATES.items():
        out[agency] = []
        for type_text, description, weight in items:
            kind = spec.event_kind(type_text)
            summary = labels[kind] if kind != EventKind.OTHER else f"{labels[kind]}: {type_text}"
            findings = [
                {
                    "indicator": f.indicator[:40],
                    "evidence": (f.evidence or "")[:1000],
                    "source": source_of(f.source),
                    "explained": bool(f.explained),
                    "explanation": (f.explanation or "")[:1000],
                }
                for f in entry_findings("event", kind, type_text, description)
            ]
            out[agency].append((type_text, description, weight, kind, spec.sensitivity_of(kind), summary[:300],
                                findings))  # fmt: skip
    return out


def _pick(rng: random.Random, items: list[tuple]) -> tuple:
    return rng.choices(items, weights=[t[2] for t in items])[0]


# --- the set-up --------------------------------------------------------------------------------------------------


@dataclass
class SetupCounts:
    children: int = 0
    adults: int = 0
    records: int = 0
    events: int = 0
    indicators: int = 0
    links: int = 0
    seconds: dict = field(default_factory=dict)


def agencies_ensure() -> dict:
    """The bench partnership's agencies (and its hub), as `openmash agency create` makes them: code -> Agency."""
    from openmash.accounts.services import agency_create

    agency_create(code="mash", name="Bench MASH", agency_type="csc", source_code="5A", is_hub=True)
    return {
        code: agency_create(code=code, name=name, agency_type=kind, source_code=source, health_service=health)
        for code, (name, kind, source, health) in SPEED_AGENCIES.items()
    }


def population_write(*, children: int, events: int, as_of: dt.date, seed: int = 8, say: Say = print,
                     households_per_chunk: int = 1000, real_linker: bool = False) -> SetupCounts:  # fmt: skip
    """Write the bench partnership (see the module docstring) into the current database. Returns the counts.

    `real_linker`: join each person's records with ``records_link_identifiers`` itself (about 60% of the set-up's
    CPU, with its audit events); by default ``_records_join`` writes directly the links, ``merged_into`` and
    ``AgencyRecord.person`` the linker would write for these people (no audit events: nothing timed reads them;
    the bench test checks the two give the same joins)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openmash.accounts.admin_services import SYSTEM
    from openmash.feeds.choices import BatchStatus
    from openmash.feeds.mapping import feed_spec_get
    from openmash.feeds.models import ImportBatch
    from openmash.feeds.services import batch_start
    from openmash.people.linking import records_from_feed, records_link_identifiers

    counts = SetupCounts()
    agencies = agencies_ensure()
    spec = feed_spec_get(FEED)
    templates = _templates(spec)
    batches = {code: batch_start(actor=SYSTEM, feed_code=FEED, agency_code=code, file_name=f"speed-{code}.csv")
               for code in agencies}  # fmt: skip
    received = timezone.now()
    rng = random.Random(seed + 1)
    per_child = events * CHILD_SHARE / max(children, 1)
    # adults: about 0.8 per child (households of 1-3 children with 1-2 adults); their share of the events
    per_adult = events * (1 - CHILD_SHARE) / max(children * 0.8, 1)
    written = 0
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    chunk: list[list[Member]] = []

    def flush(final: bool) -> None:
        nonlocal written
        members = [m for household in chunk for m in household]
        factors = [(per_child if m.child else per_adult) * rng.uniform(0.2, 1.8) for m in members]
        budget = events - written
        if final:  # the rest of the events, shared in the same proportions: exactly `events` in all
            whole = sum(factors) or 1.0
            share = [int(budget * f / whole) for f in factors]
            for n in range(budget - sum(share)):
                share[n % len(share)] += 1
        else:
            share = [round(f) for f in factors]
        with transaction.atomic():
            link = records_link_identifiers if real_linker else None
            refs = _records_write(members, agencies, received, records_from_feed, link, counts)
            written += _events_write(members, share, refs["ids"], agencies, batches, templates, as_of, rng,
                                     budget, counts)  # fmt: skip
        chunk.clear()

    households = families(children, as_of, seed)
    household = next(households, None)
    while household is not None:
        chunk.append(household)
        counts.children += sum(m.child for m in household)
        counts.adults += sum(not m.child for m in household)
        household = next(households, None)
        if household is None or len(chunk) >= households_per_chunk:
            flush(final=household is None)
            say(f"  {counts.children:,} children, {counts.events:,} events ({time.perf_counter() - started:.0f}s)")
    ImportBatch.objects.filter(pk__in=[b.pk for b in batches.values()]).update(
        status=BatchStatus.DONE, started_at=received, finished_at=timezone.now()
    )
    _history_stamp(received)
    counts.seconds["write"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # what autovacuum would have done by the time anyone evaluates
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA cache_size = -2000")
    counts.seconds["analyze"] = time.perf_counter() - started
    return counts


def _history_stamp(read_through) -> None:
    """Make the bulk-written history look as months of imports leave it: each entry created two days after it
    happened (rows_insert stamps them all now), and everything read by the after-import hook of the last import
    (``PatternReadState``), so the next read looks only at what came since, as it does in a partnership."""
    from django.db import connection

    from openmash.patterns.models import PatternReadState
    from openmash.people.models import ChronologyEntry

    table = connection.ops.quote_name(ChronologyEntry._meta.db_table)
    later = "datetime(occurred_at, '+2 days')" if connection.vendor == "sqlite" else "occurred_at + interval '2 days'"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET created_at = {later}")  # nosec B608 - the table name from _meta
    PatternReadState.objects.update_or_create(pk=1, defaults={"read_through": read_through})


def _records_write(members: list[Member], agencies: dict, received, records_from_feed, link, counts) -> dict:
    """Each member's record at each of its agencies, through ``records_from_feed`` and ``records_link_identifiers``
    (`link`), one agency after the other as successive imports link them (each new record then meets one person
    already joined, the common case, rather than several records of one person at once)."""
    from django.utils import timezone

    from openmash.feeds.writer import _kind

    by_agency: dict[str, dict] = defaultdict(dict)
    today = timezone.localdate()
    for m in members:
        for code in m.agencies:
            by_agency[code][m.local_id(code)] = {
                "kind": _kind(m.born, today),
                "given_name": m.given,
                "family_name": m.family,
                "date_of_birth": m.born,
                "sex": m.sex,
                "nhs_number": m.nhs,
                "upn": "",
                "pnc_id": "",
                "postcode": m.postcode,
                "address": m.address,
                "as_received": dict(zip(("record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode",
                                         "address", "nhs_number"), m.row_head(code)[:8], strict=True)),
            }  # fmt: skip
    records, ids = [], {}
    for code, details in by_agency.items():
        made = records_from_feed(agency=agencies[code], details=details, received_at=received, source_feed=FEED)
        if link is not None:
            counts.links += link(actor=None, records=made)
        records += made
        ids.update({(code, r.local_id): (r.pk, r.origin_person_id) for r in made})
    if link is None:
        counts.links += _records_join(members, list(by_agency), ids)
    # the events name each record's origin person, as the import's writer does (``feeds.writer``: refs)
    counts.records += len(records)
    return {"records": records, "ids": ids}


def _records_join(members: list[Member], order: list[str], ids: dict) -> int:
    """What ``records_link_identifiers`` writes for the records of `members` written one agency after the other in
    `order` (``ids``: {(agency, local id): (record id, origin person id)}), written directly in bulk: for each record
    after a member's first, one confirmed ``RecordLink`` (rule ``nhs_number``, as ``linking._confirm_bulk`` writes
    it) to the earlier record giving the smallest (left, right) pair (the linker's spanning forest goes through the
    sorted pairs); ``merged_into`` of every origin person but the first's set to it, and ``AgencyRecord.person`` of
    every record to it (``linking._recompute``). Not the linker's audit events. Returns the links written."""
    from django.db import connection
    from django.utils import timezone

    from openmash.people.lookup import IDENTIFIER_LABELS
    from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink

    now = timezone.now()
    weights = {"nhs_number": {"weight": None, "level": "exact", "reason": f"same {IDENTIFIER_LABELS['nhs_number']}"}}
    links, merged, moved = [], [], []
    for m in members:
        codes = sorted(m.agencies, key=order.index)
        records = [ids[(code, m.local_id(code))] for code in codes]
        canonical = records[0][1]
        for n, (record, person) in enumerate(records[1:], start=1):
            left, right = min(tuple(sorted((record, earlier))) for earlier, _p in records[:n])
            links.append(RecordLink(record_l_id=left, record_r_id=right, state=LinkState.CONFIRMED,
                                    match_probability=1.0, field_weights=weights, rule="nhs_number", decided_by=None,
                                    decided_at=now, reason=f"Same {IDENTIFIER_LABELS['nhs_number']}",
                                    valid_from=now))  # fmt: skip
            merged.append((canonical, person))
            moved.append((canonical, now, record))
    RecordLink.objects.bulk_create(links, batch_size=2000)
    person_table = connection.ops.quote_name(Person._meta.db_table)
    record_table = connection.ops.quote_name(AgencyRecord._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {person_table} SET merged_into_id = %s WHERE id = %s",  # noqa: S608  # nosec B608 - _meta
                           [(_db_uuid(a), _db_uuid(b)) for a, b in merged])  # fmt: skip
        cursor.executemany(f"UPDATE {record_table} SET person_id = %s, updated_at = %s WHERE id = %s",  # noqa: S608  # nosec B608
                           [(_db_uuid(a), stamp, _db_uuid(b)) for a, _t, b in moved])  # fmt: skip
    return len(links)


def _db_uuid(value):
    """A UUID as the database column holds it (SQLite: 32 hex digits; PostgreSQL: the uuid itself)."""
    from django.db import connection

    return value.hex if connection.vendor == "sqlite" else value


def _events_write(members, share, ids, agencies, batches, templates, as_of, rng, budget, counts) -> int:
    """The members' events, `share` each (chronology entries, as an import writes them), and their indicators and
    read marks (as the reader writes them). At most `budget` events. Returns the number written."""
    from django.utils import timezone

    from openmash.feeds.services import occurred_at
    from openmash.patterns.models import EventIndicator, PatternReadMark
    from openmash.people.models import ChronologyEntry

    entries, indicators, marks = [], [], []
    now = timezone.now()
    first = as_of.toordinal() - YEARS * 365
    for m, wanted in zip(members, share, strict=True):
        count = min(budget - len(entries), wanted)
        born = m.born.toordinal()
        weights = [AGENCY_EVENTS[a] for a in m.agencies]
        for _ in range(count):
            code = rng.choices(m.agencies, weights)[0]
            type_text, description, _w, kind, sensitivity, summary, findings = _pick(rng, templates[code])
            day = dt.date.fromordinal(rng.randint(max(first, born), as_of.toordinal() - 1))
            record_id, person_id = ids[(code, m.local_id(code))]
            batch = batches[code]
            pk = uuid.uuid4()
            event_id = f"{code}-{counts.events + len(entries)}"
            entries.append({
                "id": pk, "person_id": person_id, "occurred_at": occurred_at(day), "time_known": False,
                "kind": "event", "agency_id": agencies[code].pk, "summary": summary,
                "object_type": "feeds.importbatch", "object_id": str(batch.pk), "record_id": record_id,
                "source": f"{code}:{FEED}", "external_id": f"id:{event_id}", "event_kind": kind,
                "source_type_text": type_text, "description": description, "sensitivity": sensitivity,
            })  # fmt: skip
            for f in findings:
                indicators.append({"entry_id": pk, "person_id": person_id, "occurred_on": day,
                                   "agency_id": agencies[code].pk, **f})  # fmt: skip
            marks.append({"entry_id": pk, "read_at": now})
        if len(entries) >= budget:
            break
    _rows_write(ChronologyEntry, entries)
    _rows_write(EventIndicator, indicators)
    _rows_write(PatternReadMark, marks)
    counts.events += len(entries)
    counts.indicators += len(indicators)
    return len(entries)


def _rows_write(model, rows: list[dict]) -> int:
    """What ``core.bulk.rows_insert(model, rows)`` writes for `rows` (dicts of ``{attname: value}``, each with its
    primary key or taking its default), for the set-up's millions of rows: the same columns, the same conversion of each value
    (``Field.get_db_prep_save``, kept per distinct value: the set-up repeats few values in a column), one timestamp
    for ``auto_now``/``auto_now_add``, and each encrypted field sealed for its row's primary key exactly as
    ``rows_insert`` seals it (the field's ``sealer()``: the same key, associated data and envelope, the cipher
    made once). Returns the number of rows written."""
    from django.db import connection
    from django.utils import timezone

    from openmash.core import bulk

    if not rows:
        return 0
    fields = bulk._fields(model)
    pk_name = model._meta.pk.attname
    now = timezone.now()
    pk_field = model._meta.pk
    if pk_field in fields:  # a row without its primary key takes the default, as rows_insert gives it
        for row in rows:
            if pk_name not in row:
                row[pk_name] = pk_field.get_default()
    columns = []
    for f in fields:
        name = f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append([f.get_db_prep_save(now, connection)] * len(rows))
        elif getattr(f, "encrypted", False):
            seal = f.sealer()
            columns.append([f.get_db_prep_save(seal(row[pk_name], row[name] if name in row else f.get_default()),
                                               connection) for row in rows])  # fmt: skip
        elif f.primary_key:
            columns.append([f.get_db_prep_save(row[name], connection) for row in rows])
        else:
            done: dict = {}
            column = []
            for row in rows:
                value = row[name] if name in row else f.get_default()
                try:
                    key = (type(value), value)
                    converted = done[key]
                except KeyError:
                    converted = done[key] = f.get_db_prep_save(value, connection)
                except TypeError:  # unhashable (a JSON value): converted each time
                    converted = f.get_db_prep_save(value, connection)
                column.append(converted)
            columns.append(column)
    bulk._execute(connection, model, fields, list(zip(*columns, strict=True)), False)
    return len(rows)


def more_extract_write(path: Path, *, children: int, events: int, as_of: dt.date, seed: int = 8,
                       agency: str = "police") -> int:  # fmt: skip
    """A standard extract of `events` new events from `agency` for people it already holds (the same record ids and
    details, so the import adds events and changes no record), two to a person; dated in the last 90 days.
    Returns the number of people it names."""
    from openmash.feeds.mapping import feed_spec_get

    held = [m for household in families(children, as_of, seed) for m in household if agency in m.agencies]
    if not held:
        raise ValueError(f"no generated person has a record at {agency}")
    rng = random.Random(seed + 2)
    people = rng.sample(held, min(len(held), max(1, events // 2)))
    items = _templates(feed_spec_get(FEED))[agency]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                      "nhs_number", "upn", "pnc_id", "event_date", "event_type", "description", "event_id"])  # fmt: skip
        for n in range(events):
            m = people[n % len(people)]
            type_text, description = _pick(rng, items)[:2]
            day = as_of - dt.timedelta(days=rng.randrange(1, 90))
            out.writerow([*m.row_head(agency), day.isoformat(), type_text, description, f"more-{n}"])
    return len(people)


# --- the timed steps ---------------------------------------------------------------------------------------------


def server_cpu() -> float:
    from openmash.feeds.management.commands.bench_import import _server_cpu

    return _server_cpu()


class PhaseClock:
    """Wall seconds spent in named functions while it is active: each (module, attribute) is replaced by a timed
    wrapper (nested phases are counted in each), then put back. For the phase split only; the totals are timed
    outside it."""

    def __init__(self, targets: dict[str, tuple[object, str]]) -> None:
        self.targets = targets
        self.seconds: dict[str, float] = dict.fromkeys(targets, 0.0)
        self.calls: dict[str, int] = dict.fromkeys(targets, 0)

    @contextlib.contextmanager
    def running(self):
        saved = []
        for name, (owner, attr) in self.targets.items():
            original = getattr(owner, attr, None)
            if original is None:
                continue
            saved.append((owner, attr, original))
            setattr(owner, attr, self._timed(name, original))
        try:
            yield self
        finally:
            for owner, attr, original in saved:
                setattr(owner, attr, original)

    def _timed(self, name: str, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed


def evaluation_phases() -> PhaseClock:
    """The evaluation's phases: people and households loaded, household events loaded, the engine, the flags
    written (everything ``flags_evaluate`` does after ``children_evaluate``)."""
    from openmash.patterns import engine, evaluation

    return PhaseClock({
        "children_evaluate": (evaluation, "children_evaluate"),
        "people": (evaluation, "_people"),
        "household events": (evaluation, "_household_events"),
        "engine": (engine, "evaluate_child"),
    })  # fmt: skip


def phase_split(total: float, clock: PhaseClock) -> dict:
    """{phase: seconds}: read entries is timed by the caller; the rest of ``children_evaluate`` besides people,
    household events and the engine is reading the indicators; what ``flags_evaluate`` does after it is writing."""
    s = clock.seconds
    inside = s["children_evaluate"]
    return {
        "people": s["people"],
        "household events": s["household events"],
        "indicators read": max(0.0, inside - s["people"] - s["household events"] - s["engine"]),
        "engine": s["engine"],
        "flags written": max(0.0, total - inside),
    }


def _clocks() -> tuple[float, float, float]:
    return time.perf_counter(), time.process_time(), server_cpu()


def evaluate_timed(as_of: dt.date) -> dict:
    """What `openmash flags evaluate --as-of` runs (entries_read, then flags_evaluate), timed, with its phases."""
    from openmash.accounts.admin_services import SYSTEM
    from openmash.patterns.evaluation import flags_evaluate
    from openmash.patterns.reading import entries_read

    clock = evaluation_phases()
    start = _clocks()
    read = entries_read()
    mid = _clocks()
    with clock.running():
        result = flags_evaluate(as_of=as_of, actor=SYSTEM)
    end = _clocks()
    phases = {"entries read": mid[0] - start[0], **phase_split(end[0] - mid[0], clock)}
    return {
        "wall": end[0] - start[0],
        "cpu": end[1] - start[1],
        "server_cpu": end[2] - start[2],
        "children": result.children,
        "flagged": result.flagged,
        "raised": result.raised,
        "updated": result.updated,
        "withdrawn": result.withdrawn,
        "entries": read.entries,
        "phases": phases,
    }


def import_timed(path: Path, agency: str) -> dict:
    """What `openmash import standard FILE --agency CODE` runs: the import (batch_start + feed_import), then the
    patterns' after-import hook; each timed."""
    from openmash.accounts.admin_services import SYSTEM
    from openmash.feeds.choices import BatchStatus
    from openmash.feeds.services import batch_start, feed_import
    from openmash.patterns import services

    out: dict = {}
    start = _clocks()
    batch = batch_start(actor=SYSTEM, feed_code=FEED, agency_code=agency, file_name=path.name)
    batch = feed_import(actor=SYSTEM, path=path, batch=batch)
    end = _clocks()
    if batch.status != BatchStatus.DONE:
        raise RuntimeError(f"import {batch.status}: {batch.report.get('message')}")
    out["import"] = {"wall": end[0] - start[0], "cpu": end[1] - start[1], "server_cpu": end[2] - start[2],
                     "events": batch.events_created, "rows": batch.rows_written}  # fmt: skip
    # `openmash import` scores the records due next (OPENMASH_SCORE_AFTER_IMPORT): not timed here, and not run: the
    # set-up's records were never scored, so a first scoring run would score the whole partnership, which no
    # import after the first ever does; it is not part of the after-import hook the target is about.
    clock = evaluation_phases()
    hook = PhaseClock({"entries read": (services, "entries_read"), "roots": (services, "affected_roots"),
                       "flags_evaluate": (services, "flags_evaluate")})  # fmt: skip
    start = _clocks()
    with hook.running(), clock.running():
        done = services.after_import(batch)
    end = _clocks()
    if done is None:
        raise RuntimeError("the after-import hook failed (see the log)")
    phases = {"entries read": hook.seconds["entries read"], "children found": hook.seconds["roots"],
              **phase_split(hook.seconds["flags_evaluate"], clock)}  # fmt: skip
    out["after_import"] = {"wall": end[0] - start[0], "cpu": end[1] - start[1], "server_cpu": end[2] - start[2],
                           "children": done["children"], "raised": done["raised"], "indicators": done["indicators"],
                           "phases": phases}  # fmt: skip
    return out


def load_text() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


__all__ = [
    "PhaseClock", "SetupCounts", "TEMPLATES", "evaluate_timed", "families", "import_timed", "load_text",
    "more_extract_write", "population_write",
]  # fmt: skip
