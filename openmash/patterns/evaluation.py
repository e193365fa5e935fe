"""Evaluating the rules over the stored indicators and keeping the flags (issue 8; ADR 0015).

``flags_evaluate(as_of=..., roots=None) -> Evaluation``: every child (``roots`` None: a full evaluation) or the
given resolved people (incremental: the children whose events changed), as at ``as_of`` (events after it are
ignored). One pass over the indicators, ordered by resolved person, read as compact tuples (no model instances, no
decryption), through ``engine.evaluate_child``. Then the flags are brought in line, each change audited:

- a child with a pattern and no current flag (or one withdrawn): a new open flag;
- an open flag: updated when its contributing events changed (version + 1), else only ``last_matched_on``;
- a decided flag (accepted, dismissed, watching) is never reopened or changed; when events it did not contain
  now contribute (new events arrived), a new open flag is raised beside it (``previous`` = the decided one);
- an open flag whose child no longer has a pattern as at ``as_of`` (an event explained, a wrong merge undone):
  withdrawn.

A child is a resolved person (``Person.merged_into`` null); its indicators are those recorded against it or any
person merged into it: confirmed links only, decided by ``people.linking``; nothing here joins two people. The
household rules look at other people sharing the child's current address (``AgencyRecord.postcode`` and the
house number of ``address``), never merging them.

Writes are optimistic: a flag changed meanwhile (its ``version``) is left as the other writer left it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from openmash.access.sharing import SEALED_ENTRY_HELD_TEXT, chronology_entry_held
from openmash.accounts.models import Agency
from openmash.audit.services import audit_batch, audit_record, audit_record_each
from openmash.core.bulk import rows_insert
from openmash.patterns import engine, placed, possibly_same
from openmash.patterns.engine import AG, REF, Child, Hit, Rule
from openmash.patterns.indicators import NOT_READ
from openmash.patterns.models import DECIDED, EventIndicator, Flag, FlagContribution, FlagStatus
from openmash.patterns.rules import rules_current
from openmash.people.models import AgencyRecord, Person

CHUNK_ROOTS = 400
BULK_FLAGS = 500  # new flags per transaction  # resolved people per query in an incremental evaluation
ADULT_DAYS = 18 * 365 + 4


@dataclass
class ChildResult:
    root: uuid.UUID
    hits: list[Hit]
    #: people the matching proposes may be this child (``possibly_same``) whose events the hits use: {root: link id}
    possibly_same: dict = field(default_factory=dict)
    #: events also on record in the same period from agencies no hit names (``engine.also_on_record``): shown and
    #: named with the flag, never what made it
    also: tuple = ()
    #: the child's own events read as nothing either way in the flag's period, from agencies not otherwise named
    #: (``engine.not_read_in_period``; ADR 0021): named and listed for a person to read, never what made the flag
    not_read: tuple = ()
    #: the other members of the child's "possibly the same child" group (``possibly_same``): {root: link id}, whose
    #: records read as nothing in the flag's period are listed with the child's own (``_not_read_apply``), marked
    group: dict = field(default_factory=dict)
    #: adults read with the child's household because the records' words place them in the home
    #: (``placed.placements``; ADR 0023), whose events the flag uses or names: {adult root: Placement}, marked
    placed: dict = field(default_factory=dict)

    @property
    def refs(self) -> list[str]:
        """The ids of the events the hits counted (what a decided flag is compared with)."""
        return sorted({str(_uuid(e[REF])) for h in self.hits for e in h.events})

    @property
    def key_refs(self) -> list[str]:
        """The ids the flag's ``contributions_key`` is made of: the hits' events, then those also on record (marked),
        so an open flag is updated when any changes; the same key as before when nothing is also on record or not read."""
        return (
            self.refs
            + sorted(f"also:{_uuid(e[REF])}" for e in self.also)
            + sorted(f"not-read:{_uuid(e[REF])}" for e in self.not_read)
        )

    @property
    def named(self) -> tuple:
        """The events named with the flag that did not make it: those also on record, then those not read."""
        return (*self.also, *self.not_read)


@dataclass
class Evaluation:
    as_of: dt.date
    children: int = 0
    results: dict = field(default_factory=dict)  # root -> ChildResult (children with a pattern)
    raised: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    kept_decided: int = 0

    @property
    def flagged(self) -> int:
        return len(self.results)


# --- loading ---------------------------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _db_ids(ids: Iterable[uuid.UUID]) -> list:
    pk = Person._meta.pk
    return [pk.get_db_prep_value(i, connection) for i in ids]


def _day_param(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def _events_sql(where: str, *, not_read: bool = False) -> str:
    """The events (indicator rows, not explained, on or before a day) as engine tuples ordered by resolved person:
    params ``[False, the day, *those of where]``. The ``not_read`` records (ADR 0021) are left out, or (`not_read`)
    are the only ones read: a flag names them, no rule counts them, so only flagged children's are ever fetched."""
    ei, person = EventIndicator._meta.db_table, Person._meta.db_table
    if connection.vendor == "postgresql":
        cols = (
            "COALESCE(p.merged_into_id, p.id)::text AS root, (ei.occurred_on - DATE '0001-01-01') + 1 AS day, "
            "ei.indicator, ei.agency_id::text, ei.id::text, ei.entry_id::text"
        )
    else:
        cols = (
            "COALESCE(p.merged_into_id, p.id) AS root, CAST(julianday(ei.occurred_on) - 1721424.5 AS INTEGER) AS day, "
            "ei.indicator, ei.agency_id, ei.id, ei.entry_id"
        )
    return (
        f"SELECT {cols} FROM {ei} ei JOIN {person} p ON p.id = ei.person_id "  # nosec B608 - names from _meta
        f"WHERE ei.explained = %s AND ei.occurred_on <= %s AND ei.indicator {'=' if not_read else '<>'} "
        f"'{NOT_READ}'{where} ORDER BY root, day"
    )


def _stream(sql: str, params: list):
    """Rows of `sql`, fetched in slices (a server-side cursor on PostgreSQL), so memory stays bounded."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(20_000)
            if not rows:
                return
            yield from rows


def _hub_keys() -> frozenset:
    """The hub's agencies (``Agency.is_hub``) as the events' SQL gives an agency id (text with dashes on PostgreSQL,
    32 hex digits on SQLite): their events carry ``engine.HUB``, so the hub is never a second agency."""
    keys: set = set()
    for pk in Agency.objects.filter(is_hub=True).values_list("pk", flat=True):
        keys |= {pk, str(pk), pk.hex}
    return frozenset(keys)


def _grouped(rows):
    """(root, [event tuples]) per resolved person, from rows ordered by root. The hub's own records (an
    ``Agency.is_hub`` agency, or none) have the agency ``engine.HUB``."""
    hub = _hub_keys()
    current, events = None, []
    for root, day, indicator, agency, ref, entry in rows:
        if root != current:
            if events:
                yield current, events
            current, events = root, []
        events.append((day, indicator, engine.HUB if agency in hub else agency, ref, False, entry))
    if events:
        yield current, events


def _cluster_ids(roots: list[uuid.UUID]) -> list[uuid.UUID]:
    """The ids of the people whose indicators are the resolved people `roots`': the roots themselves and, by one
    indexed lookup, everyone merged into them (``pk IN (...) OR merged_into IN (...)`` in one query made SQLite read
    every person for each chunk: issue 8 speed target)."""
    return list(roots) + list(Person.objects.filter(merged_into__in=roots).values_list("pk", flat=True))


_NUMBER = re.compile(r"[a-z0-9]*\d[a-z0-9]*")


def _address_parts(postcode: str, address: str) -> tuple[str, str | None]:
    """(postcode without spaces, the house number or name's first token or None)."""
    text = (address or "").lower()
    number = _NUMBER.search(text)
    words = re.findall(r"[a-z]+", text)
    return postcode.replace(" ", "").upper(), (number.group(0) if number else (" ".join(words[:2]) or None))


@dataclass
class People:
    dob: dict  # root -> ordinal or None
    adult: set  # roots that are adults as at as_of
    household: dict  # root -> set of other roots at the same address
    #: root -> {adult root: placed.Placement}: adults in ``household`` only because the records' words place them in
    #: the home (ADR 0023), never joined to anyone
    placed: dict = field(default_factory=dict)


def _people(
    as_of: dt.date, roots: list[uuid.UUID] | None, with_households: bool, placements: dict | None = None
) -> People:
    """Dates of birth, who is an adult, and who shares an address, for `roots` (None: everyone). `placements`
    (``placed.placements``: {member: {adult: Placement}}) adds to each member's household the adults the records'
    words place in the home (ADR 0023), recorded in ``People.placed``; an adult already there by address is not."""
    adult_before = as_of.toordinal() - ADULT_DAYS
    persons = Person.objects.filter(merged_into__isnull=True)
    if roots is not None:
        persons = persons.filter(pk__in=roots)
    dob: dict = {}
    adult: set = set()
    for pk, born, expected, kind in persons.values_list("pk", "date_of_birth", "expected_date_of_birth", "kind"):
        d = born or expected
        dob[pk] = d.toordinal() if d else None
        if kind == "adult" or (born and born.toordinal() <= adult_before):
            adult.add(pk)
    household: dict = defaultdict(set)
    marked: dict = {}
    if with_households:
        _households(roots, adult_before, adult, household)
        for member, adults in (placements or {}).items():
            for other, placement in adults.items():
                if other != member and other not in household.get(member, ()):
                    household[member].add(other)
                    adult.add(other)
                    marked.setdefault(member, {})[other] = placement
    return People(dob, adult, household, marked)


def _placed_used(people: People, root, hits: list[Hit], also: tuple, around_events: dict) -> dict:
    """{adult: Placement} of the adults placed in `root`'s home by the records' words (ADR 0023) whose events the
    hits use or name also on record: the ones the flag's explanation marks."""
    here = people.placed.get(root)
    if not here:
        return {}
    used = {e[REF] for h in hits for e in h.events} | {e[REF] for e in also}
    return {a: p for a, p in here.items() if used & {e[REF] for e in around_events.get(a, ())}}


def _households(roots, adult_before: int, adult: set, household: dict) -> None:
    """Fill `household` (root -> other roots at the same address) and add the adults among them to `adult`."""
    records = AgencyRecord.objects.exclude(postcode="")
    if roots is not None:
        postcodes = set(records.filter(person__in=roots).values_list("postcode", flat=True))
        if not postcodes:
            return
        records = records.filter(postcode__in=postcodes)
    by_postcode: dict = defaultdict(list)
    parts: dict = {}  # (postcode, address) -> _address_parts: the members of a household share them
    # the rows as the database gives them (no per-value converters): each person id made a UUID once, the date of
    # birth compared as ISO text (SQLite gives text, PostgreSQL a date; str() of either is ISO) (issue 8 speed)
    people: dict = {}
    born_by = dt.date.fromordinal(adult_before).isoformat() if adult_before > 0 else ""
    sql, params = records.values_list(
        "person_id", "kind", "date_of_birth", "postcode", "address"
    ).query.sql_with_params()
    for raw_id, kind, born, postcode, address in _stream(sql, list(params)):
        person_id = people.get(raw_id)
        if person_id is None:
            person_id = people[raw_id] = _uuid(raw_id)
        found = parts.get((postcode, address))
        if found is None:
            found = parts[(postcode, address)] = _address_parts(postcode, address)
        pc, number = found
        by_postcode[pc].append((person_id, number))
        if kind == "adult" or (born and str(born) <= born_by):
            adult.add(person_id)
    for members in by_postcode.values():
        _household_pairs(members, household)


def _household_pairs(members: list, household: dict) -> None:
    """Join in `household` the people of one postcode's records `members` ([(person, house number or None)]) who
    live at the same address: the same house number, or either record without one. The same pairs as comparing
    every two records, in time linear in the records rather than quadratic (issue 8 speed target; a postcode holds
    tens of households)."""
    people = {m[0] for m in members}
    if len(people) < 2:
        return
    numbers: dict = defaultdict(set)  # person -> their records' numbers (None: a record without one)
    at: dict = defaultdict(set)  # number -> people with a record at it
    for person, number in members:
        numbers[person].add(number)
        if number is not None:
            at[number].add(person)
    unnumbered = {p for p, ns in numbers.items() if None in ns}
    for person, ns in numbers.items():
        if person in unnumbered:
            others = people
        else:
            others = set(unnumbered)
            for n in ns:
                others |= at[n]
        rest = others - {person}
        if rest:
            household[person] |= rest


def _household_events(as_of: dt.date, members: set, indicators: set, *, everyone: bool) -> dict:
    """root -> [event tuples] of the household rules' indicators for the people in `members`."""
    if not members or not indicators:
        return {}
    out: dict = defaultdict(list)
    wanted = sorted(indicators)
    marks = ", ".join(["%s"] * len(wanted))
    if everyone:  # a full evaluation: one pass over these indicators, kept for the people in a household
        for root, events in _grouped(
            _stream(_events_sql(f" AND ei.indicator IN ({marks})"), [False, _day_param(as_of), *wanted])
        ):
            key = _uuid(root)
            if key in members:
                out[key].extend(events)
        return out
    ids = list(members)
    for start in range(0, len(ids), CHUNK_ROOTS):
        part = _cluster_ids(ids[start : start + CHUNK_ROOTS])
        if not part:
            continue
        where = f" AND ei.indicator IN ({marks}) AND ei.person_id IN ({', '.join(['%s'] * len(part))})"
        for root, events in _grouped(_stream(_events_sql(where), [False, _day_param(as_of), *wanted, *_db_ids(part)])):
            out[_uuid(root)].extend(events)
    return out


def _household_members(people: People, roots: list | None) -> set:
    """The people whose household events the evaluation of `roots` reads (None: everyone's households). Only the
    roots' own households: ``_households`` also fills in everyone else at their postcodes, whose events no root
    reads (an incremental evaluation's work stays with the touched households, however many share a postcode)."""
    if roots is None:
        return {m for ms in people.household.values() for m in ms}
    return {m for r in roots for m in people.household.get(r, ())}


# --- incremental: whose verdict an import can change (issue 8 speed target) --------------------------------------


def affected_roots(person_ids, *, as_of: dt.date, since=None, batch=None, rules: list[Rule] | None = None) -> set:
    """The resolved people whose evaluation an import can change, so that evaluating them alone leaves the flags as
    a full evaluation would (the incremental reach of ``patterns.services.after_import``; ADR 0015, issue 8's
    "incremental evaluation <= 10 s").

    In: `person_ids`, the people (as recorded) given new indicators (``reading.ReadSummary.people``); `since`, when
    the reading of the new entries started (the indicators created since are the new ones; None: every indicator of
    those people is taken as new, a wider reach); `batch`, the ``ImportBatch`` (its records created or changed:
    their people, and the people at their new and former addresses); `rules` (default: the current ones).
    Out: a set of resolved person ids. Errors: the database's.

    Who (a child's evaluation reads its own indicators, those of confirmed-linked records, the household rules'
    indicators of the people sharing its current address, and the indicators of people the matching proposes may be
    the same child; nothing else):
    - the resolved person of each person given indicators (a new event on a record joined to a person re-evaluates
      that person) and of each record the import created or changed;
    - for a person given a new indicator the household rules read of others (``engine.household_indicators``: an
      adult's domestic abuse, offending ...), or whose record was created or changed (a move in), everyone sharing
      their current address as the evaluation's households do (``_households``: postcode and house number), and for
      a changed address everyone at the former one: the household, not the whole postcode;
    - everyone in a "possibly the same child" group with any of these, whole (``possibly_same.pairs_around``), so
      a flag whose holder moves from one member to another is withdrawn from the first."""
    rules = rules if rules is not None else rules_current()
    roots = roots_of(person_ids)
    moved, former = _batch_records(batch)
    roots |= moved
    wanted = engine.household_indicators(rules)
    spread = set(moved)
    if wanted and person_ids:
        spread |= roots_of(_given_indicators(person_ids, wanted, as_of, since))
    if spread:
        household: dict = defaultdict(set)
        _households(sorted(spread, key=str), 0, set(), household)
        for root in spread:
            roots |= household.get(root, set())
        roots |= _people_at(former)
    if wanted:  # a mention or an indicator of an adult placed in a home by the records' words (ADR 0023)
        concerned = roots | spread
        for member, adults in placed.placements(as_of).items():
            if any(a in concerned or p.by in concerned for a, p in adults.items()):
                roots.add(member)
    for pair in possibly_same.pairs_around(as_of, sorted(roots, key=str)):
        roots |= {pair.a, pair.b}
    return roots


def roots_of(person_ids) -> set:
    """The resolved people of `person_ids` (each person's ``merged_into`` or itself), 500 ids a query."""
    ids = list(person_ids)
    out: set = set()
    for start in range(0, len(ids), 500):
        for pk, merged in Person.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "merged_into_id"):
            out.add(merged or pk)
    return out


def _given_indicators(person_ids, wanted: set, as_of: dt.date, since) -> set:
    """Those of `person_ids` (as recorded) given an unexplained indicator among `wanted` on or before `as_of`,
    created at or after `since` (None: ever)."""
    ids = list(person_ids)
    out: set = set()
    base = EventIndicator.objects.filter(indicator__in=sorted(wanted), explained=False, occurred_on__lte=as_of)
    if since is not None:
        base = base.filter(created_at__gte=since)
    for start in range(0, len(ids), 500):
        out |= set(base.filter(person_id__in=ids[start : start + 500]).values_list("person_id", flat=True).distinct())
    return out


def _batch_records(batch) -> tuple[set, set]:
    """({resolved people of the records `batch` created or changed}, {(postcode, address) each changed record held
    before}). A record the import wrote new or superseded has ``received_at`` the batch's start
    (``feeds.writer.RecordWriter``); what it replaced is in ``RecordRevision.previous``."""
    if batch is None or getattr(batch, "started_at", None) is None:
        return set(), set()
    from openmash.feeds.models import RecordRevision

    people = set(
        AgencyRecord.objects.filter(agency_id=batch.agency_id, received_at=batch.started_at).values_list(
            "person_id", flat=True
        )
    )
    former: set = set()
    for postcode, address, previous in RecordRevision.objects.filter(batch=batch).values_list(
        "record__postcode", "record__address", "previous"
    ):
        if "postcode" in previous or "address" in previous:
            former.add((previous.get("postcode", postcode) or "", previous.get("address", address) or ""))
    return roots_of(people), former


def _people_at(addresses: set) -> set:
    """The resolved people with a record at one of `addresses` ({(postcode, address)}) as the households match them
    (``_household_pairs``: the same postcode, and the same house number or either without one)."""
    out: set = set()
    by_postcode: dict = defaultdict(set)
    for postcode, address in addresses:
        if postcode:
            by_postcode[postcode].add(_address_parts(postcode, address)[1])
    codes = list(by_postcode)
    for start in range(0, len(codes), 500):
        for person_id, postcode, address in AgencyRecord.objects.filter(
            postcode__in=codes[start : start + 500]
        ).values_list("person_id", "postcode", "address"):
            number = _address_parts(postcode, address)[1]
            numbers = by_postcode[postcode]
            if number is None or None in numbers or number in numbers:
                out.add(person_id)
    return out


# --- evaluating ---------------------------------------------------------------------------------------------------


def children_evaluate(as_of: dt.date, *, roots=None, rules: list[Rule] | None = None) -> Evaluation:
    """The engine's verdict for every child (or the resolved people `roots`), as at `as_of`; nothing written."""
    rules = rules if rules is not None else rules_current()
    result = Evaluation(as_of=as_of)
    if not rules:
        return result
    day = as_of.toordinal()
    household_inds = engine.household_indicators(rules)
    root_list = None if roots is None else sorted({_uuid(r) for r in roots})
    placements = placed.placements(as_of) if household_inds else {}
    people = _people(as_of, root_list, bool(household_inds), placements)
    members = _household_members(people, root_list)
    household_events = _household_events(as_of, members, household_inds, everyone=root_list is None)

    def run(root_key, events):
        root = _uuid(root_key)
        around = [
            (e, other, other in people.adult)
            for other in people.household.get(root, ())
            for e in household_events.get(other, ())
        ]
        child = Child(root, people.dob.get(root), events, around, root in people.adult)
        result.children += 1
        hits = engine.evaluate_child(rules, child, day)
        if hits:
            also = engine.also_on_record(hits, child, day)
            result.results[root] = ChildResult(
                root, hits, also=also, placed=_placed_used(people, root, hits, also, household_events)
            )

    if root_list is None:
        for root_key, events in _grouped(_stream(_events_sql(""), [False, _day_param(as_of)])):
            run(root_key, events)
    else:
        for start in range(0, len(root_list), CHUNK_ROOTS):
            part = _cluster_ids(root_list[start : start + CHUNK_ROOTS])
            if not part:
                continue
            where = f" AND ei.person_id IN ({', '.join(['%s'] * len(part))})"
            for root_key, events in _grouped(_stream(_events_sql(where), [False, _day_param(as_of), *_db_ids(part)])):
                run(root_key, events)
    _possibly_same_apply(result, as_of, rules, root_list, household_inds, placements)
    _not_read_apply(result, as_of)
    return result


def _not_read_apply(result: Evaluation, as_of: dt.date) -> None:
    """Give each flagged child's result its own events read as nothing in the flag's period
    (``engine.not_read_in_period``; ADR 0021): fetched for the flagged children only, their whole clusters (the
    records confirmed as the child) and those of the people of their "possibly the same child" group
    (``ChildResult.group``; such a person's records, when listed, are marked as not yet confirmed as the child and
    the person added to ``possibly_same``), never another person's."""
    holder_of = {}
    for root, res in result.results.items():
        holder_of[root] = root
        for member in res.group:
            holder_of.setdefault(member, root)
    people = sorted(holder_of, key=str)
    day = as_of.toordinal()
    found: dict = defaultdict(list)
    for start in range(0, len(people), CHUNK_ROOTS):
        part = _cluster_ids(people[start : start + CHUNK_ROOTS])
        if not part:
            continue
        where = f" AND ei.person_id IN ({', '.join(['%s'] * len(part))})"
        sql = _events_sql(where, not_read=True)
        for root_key, events in _grouped(_stream(sql, [False, _day_param(as_of), *_db_ids(part)])):
            owner = _uuid(root_key)
            if owner in holder_of:
                found[holder_of[owner]].append((owner, events))
    for root, lists in found.items():
        res = result.results[root]
        res.not_read = engine.not_read_in_period(res.hits, [e for _o, ev in lists for e in ev], day, res.also)
        listed = {e[REF] for e in res.not_read}
        for owner, events in lists:
            if owner != root and owner not in res.possibly_same and listed & {e[REF] for e in events}:
                res.possibly_same[owner] = res.group[owner]


def _events_of(as_of: dt.date, roots: list[uuid.UUID]) -> dict:
    """root -> [event tuples] of the resolved people `roots` (their whole clusters)."""
    out: dict = defaultdict(list)
    for start in range(0, len(roots), CHUNK_ROOTS):
        part = _cluster_ids(roots[start : start + CHUNK_ROOTS])
        if not part:
            continue
        where = f" AND ei.person_id IN ({', '.join(['%s'] * len(part))})"
        for root_key, events in _grouped(_stream(_events_sql(where), [False, _day_param(as_of), *_db_ids(part)])):
            out[_uuid(root_key)].extend(events)
    return out


def _possibly_same_apply(
    result: Evaluation, as_of: dt.date, rules: list[Rule], root_list, household_inds, placements: dict | None = None
) -> None:
    """Read together the events of people the matching proposes may be one child (``possibly_same``: the eligible
    pending proposals, in groups), without joining them. The flag is held by the one already flagged alone (none
    changes when two are), else the one whose own events carry most of the pattern (agencies, then events); it is
    raised or extended only when the rules fire on the group's events together, the holder's own events contribute,
    another's events contribute, and the others' events without the holder's fire nothing (the possibly-same
    records never make a flag alone). ``ChildResult.possibly_same``: {other person: proposal id} of the others whose
    events contribute."""
    pairs = possibly_same.pairs_eligible(as_of) if root_list is None else possibly_same.pairs_around(as_of, root_list)
    found = possibly_same.groups(pairs)
    if not found:
        return
    day = as_of.toordinal()
    involved = sorted({p for members, _ in found for p in members}, key=str)
    events = _events_of(as_of, involved)
    people = _people(as_of, involved, bool(household_inds), placements)
    members_around = _household_members(people, involved)
    around_events = _household_events(as_of, members_around, household_inds, everyone=False)

    def child_of(root, own, dob=None):
        around = [
            (e, other, other in people.adult)
            for other in people.household.get(root, ())
            for e in around_events.get(other, ())
        ]
        return Child(root, people.dob.get(root) or dob, own, around, root in people.adult)

    for members, links in found:
        flagged = [m for m in members if m in result.results]
        if len(flagged) == 1:  # flagged alone: the group's records read as nothing may be listed with it
            result.results[flagged[0]].group = {m: _link_for(links, flagged[0], m) for m in members if m != flagged[0]}
        own = {m: events.get(m, []) for m in members}
        present = [m for m in members if own[m]]
        if len(present) < 2:
            continue
        dob = next((people.dob.get(m) for m in members if people.dob.get(m)), None)
        alone = [m for m in present if engine.evaluate_child(rules, child_of(m, own[m], dob), day)]
        if len(alone) > 1:
            continue
        everything = [e for m in present for e in own[m]]
        refs = {m: {e[REF] for e in own[m]} for m in present}
        trial = {}
        for holder in alone or present:
            hits = engine.evaluate_child(rules, child_of(holder, everything, dob), day)
            mine = [e for h in hits for e in h.events if e[REF] in refs[holder]]
            trial[holder] = (hits, (engine.agency_count({e[AG] for e in mine}), len({e[REF] for e in mine})))
        chosen = _possibly_same_holder(
            trial, alone, present, own, refs, lambda m, ev, dob=dob: child_of(m, ev, dob), rules, day
        )
        if chosen is None:
            continue
        holder, hits, others = chosen
        # also on record: the holder's own records and household, and the possibly-same people's records in the
        # flag's period (marked as not yet confirmed as this child): the hub sees every record that may be the child
        also = engine.also_on_record(hits, child_of(holder, everything, dob), day)
        also_refs = {e[REF] for e in also}
        others += [m for m in present if m != holder and m not in others and also_refs & refs[m]]
        group = {m: _link_for(links, holder, m) for m in members if m != holder}
        if not others:
            if holder in result.results:  # the holder's own flag stands as it was, knowing its group
                result.results[holder].group = group
            continue
        result.results[holder] = ChildResult(
            holder,
            hits,
            {m: _link_for(links, holder, m) for m in others},
            also,
            group=group,
            placed=_placed_used(people, holder, hits, also, around_events),
        )


def _possibly_same_holder(trial: dict, alone: list, present: list, own: dict, refs: dict, child_of, rules, day):
    """Which member of a possibly-same group holds the flag: ``(holder, hits, others whose events the hits use)`` or
    None. The holder is the first, by the trial's order (agencies, events, own events, id; all descending), for whom
    the group makes the flag lawfully: the hits use the holder's own events and another's, and the others' events
    without the holder's fire nothing; or the holder is flagged alone (``alone``), whose flag stands and may name the
    others' records also on record. Every member is tried (not only the top one), so which record is taken as the
    holder never depends on the order of row ids."""
    for holder in sorted(trial, key=lambda r: (*trial[r][1], len(own[r]), str(r)), reverse=True):
        hits = trial[holder][0]
        used_refs = {e[REF] for h in hits for e in h.events}
        others = [m for m in present if m != holder and used_refs & refs[m]]
        if not hits or not used_refs & refs[holder]:
            continue  # the pattern is not the holder's own
        if not others:
            if holder in alone:
                return holder, hits, []
            continue  # the others' events add nothing
        rest = [e for m in present if m != holder for e in own[m]]
        if not alone and engine.evaluate_child(rules, child_of(others[0], rest), day):
            continue  # the possibly-same records would make the flag on their own
        return holder, hits, others
    return None


def _link_for(links: dict, holder, other):
    """The proposal between `holder` and `other`, else one that joins `other` to the group."""
    direct = links.get(frozenset((holder, other)))
    if direct is not None:
        return direct
    return next(link for pair, link in sorted(links.items(), key=lambda kv: str(kv[1])) if other in pair)


def _key(refs: list[str]) -> str:
    return hashlib.sha256("\n".join(refs).encode()).hexdigest()


def flags_evaluate(*, as_of: dt.date, roots=None, actor, rules: list[Rule] | None = None) -> Evaluation:
    """Evaluate (see `children_evaluate`) and bring the flags in line (module docstring). `roots` None: every
    child, and every open flag of a child without a pattern is withdrawn; otherwise only those people's flags are
    touched. Returns the Evaluation with its counts."""
    result = children_evaluate(as_of, roots=roots, rules=rules)
    flags = _current_flags(None if roots is None else {_uuid(r) for r in roots} | set(result.results))
    decided_refs = _decided_refs([f for f in flags.values() if f.status in DECIDED])
    to_write, touch = _plan(result, flags, decided_refs)
    for start in range(0, len(touch), 500):
        Flag.objects.filter(pk__in=touch[start : start + 500], last_matched_on__lt=as_of).update(last_matched_on=as_of)
    fresh = [item for item in to_write if item[2] is None]  # children without a flag: raised in bulk
    for start in range(0, len(fresh), BULK_FLAGS):
        result.raised += _flags_raise_bulk(fresh[start : start + BULK_FLAGS], as_of, actor)
    others = [item for item in to_write if item[2] is not None]
    texts = _explanations(others)
    for root, res, old, how in others:
        done = _flag_write(root, res, old, how, as_of, texts[root], actor)
        if done == "raise":
            result.raised += 1
        elif done == "update":
            result.updated += 1
    gone = [f for root, f in flags.items() if root not in result.results and f.status == FlagStatus.OPEN]
    for f in gone:
        if _withdraw(f, as_of, actor):
            result.withdrawn += 1
    return result


def _flags_raise_bulk(items: list[tuple], as_of: dt.date, actor) -> int:
    """Raise flags for children that have none, in one transaction (flags, contributions and audit events in a
    few inserts). When another evaluation raised one of them meanwhile (the one-current-flag constraint), the
    chunk is done child by child instead. Returns the number raised."""
    texts = _explanations(items)
    try:
        with transaction.atomic(), audit_batch():
            flags = []
            for root, res, _old, _how in items:
                explanation, agencies = texts[root]
                flags.append(
                    Flag(
                        child_id=root,
                        as_of=as_of,
                        last_matched_on=as_of,
                        rules=[
                            {"code": h.rule.code, "version": h.rule.version, "title": h.rule.title} for h in res.hits
                        ],
                        agencies=agencies,
                        explanation=explanation,
                        contributions_key=_key(res.key_refs),
                    )
                )
            # rows_insert: what bulk_create writes (the explanation sealed with each flag's id), in a fraction of
            # its CPU (issue 8 speed target: thousands of flags in a full evaluation)
            rows_insert(Flag, flags)
            rows_insert(
                FlagContribution,
                [
                    {"flag_id": flag.pk, "indicator_id": _uuid(e[REF]), "position": n, "rule_codes": codes}
                    for flag, (_root, res, _old, _how) in zip(flags, items, strict=True)
                    for n, (e, codes) in enumerate(engine.contributions(res.hits, res.named), 1)
                ],
            )
            # a flag just raised belongs to no contact: its events without the per-event contact lookup
            audit_record_each(
                actor=actor,
                username=getattr(actor, "username", "") if getattr(actor, "user", None) is None else "",
                items=[
                    ("flag.raise", "patterns.flag", str(flag.pk),
                     {"rules": [r["code"] for r in flag.rules], "as_of": as_of.isoformat()})
                    for flag in flags
                ],
            )  # fmt: skip
        return len(flags)
    except IntegrityError:
        return sum(
            _flag_write(root, res, None, "raise", as_of, texts[root], actor) == "raise" for root, res, _o, _h in items
        )


def _current_flags(roots: set | None) -> dict:
    """child id -> its current flag (only the fields the plan needs), for `roots` (None: every child)."""
    fields = ("pk", "child_id", "status", "contributions_key", "version")
    current = Flag.objects.filter(current=True).only(*fields)
    if roots is None:
        return {f.child_id: f for f in current}
    ids = list(roots)
    out = {}
    for start in range(0, len(ids), 500):
        out.update({f.child_id: f for f in current.filter(child__in=ids[start : start + 500])})
    return out


def _plan(result: Evaluation, flags: dict, decided_refs: dict) -> tuple[list[tuple], list]:
    """What to write: [(root, ChildResult, old flag or None, "raise" | "update")], and the ids of flags that stay
    as they are but still match (their ``last_matched_on`` moves on). Counts unchanged and kept flags."""
    to_write: list[tuple] = []
    touch: list = []
    for root, res in result.results.items():
        refs = res.refs
        key = _key(res.key_refs)
        old = flags.get(root)
        if old is None or old.status == FlagStatus.WITHDRAWN:
            to_write.append((root, res, old, "raise"))
        elif old.status == FlagStatus.OPEN:
            if old.contributions_key == key:
                touch.append(old.pk)
                result.unchanged += 1
            else:
                to_write.append((root, res, old, "update"))
        else:
            if set(refs) - decided_refs.get(old.pk, set()):
                to_write.append((root, res, old, "raise"))
            else:
                touch.append(old.pk)
                result.kept_decided += 1
    return to_write, touch


def _decided_refs(decided: list[Flag]) -> dict:
    out: dict = defaultdict(set)
    ids = [f.pk for f in decided]
    for start in range(0, len(ids), 500):
        for flag_id, ref in FlagContribution.objects.filter(flag__in=ids[start : start + 500]).values_list(
            "flag_id", "indicator_id"
        ):
            out[flag_id].add(str(_uuid(ref)))
    return out


def _flag_write(root, res: ChildResult, old: Flag | None, how: str, as_of: dt.date, text: tuple, actor) -> str | None:
    """Raise or update one child's flag, in its own transaction; None when someone changed the flag meanwhile and
    nothing was written (a decision made while this ran stands)."""
    explanation, agencies = text
    rules = [{"code": h.rule.code, "version": h.rule.version, "title": h.rule.title} for h in res.hits]
    refs = res.refs
    key = _key(res.key_refs)
    try:
        with transaction.atomic(), audit_batch():
            if how == "update":
                changed = Flag.objects.filter(pk=old.pk, version=old.version, status=FlagStatus.OPEN).update(
                    as_of=as_of,
                    last_matched_on=as_of,
                    rules=rules,
                    agencies=agencies,
                    contributions_key=key,
                    version=F("version") + 1,
                    updated_at=timezone.now(),
                )
                if not changed:
                    return None
                flag = Flag.objects.get(pk=old.pk)
                flag.explanation = explanation
                flag.save(update_fields=["explanation"])
                FlagContribution.objects.filter(flag=flag).delete()
            else:
                if old is not None and not Flag.objects.filter(pk=old.pk, version=old.version, current=True).update(
                    current=False, version=F("version") + 1, updated_at=timezone.now()
                ):
                    return None
                flag = Flag.objects.create(
                    child_id=root,
                    as_of=as_of,
                    last_matched_on=as_of,
                    rules=rules,
                    agencies=agencies,
                    explanation=explanation,
                    contributions_key=key,
                    previous_id=old.pk if old is not None else None,
                )
            FlagContribution.objects.bulk_create(
                FlagContribution(flag=flag, indicator_id=_uuid(e[REF]), position=n, rule_codes=codes)
                for n, (e, codes) in enumerate(engine.contributions(res.hits, res.named), 1)
            )
            _audit(
                actor,
                "flag.raise" if how == "raise" else "flag.update",
                flag.pk,
                {"rules": [r["code"] for r in rules], "events": len(refs), "as_of": as_of.isoformat()},
            )
    except IntegrityError:
        return None  # another evaluation raised this child's flag at the same moment: it stands
    return how


def _audit(actor, action: str, flag_id, detail: dict) -> None:
    """One audit event about a flag (ids and counts only), as the user or the command line's operator."""
    audit_record(
        actor=actor,
        username=getattr(actor, "username", "") if getattr(actor, "user", None) is None else "",
        action=action,
        object_type="patterns.flag",
        object_id=str(flag_id),
        detail=detail,
    )


def _withdraw(flag: Flag, as_of: dt.date, actor) -> bool:
    with transaction.atomic(), audit_batch():
        done = Flag.objects.filter(pk=flag.pk, version=flag.version, status=FlagStatus.OPEN).update(
            status=FlagStatus.WITHDRAWN, version=F("version") + 1, updated_at=timezone.now()
        )
        if done:
            _audit(actor, "flag.withdraw", flag.pk, {"as_of": as_of.isoformat()})
    return bool(done)


# --- explaining ---------------------------------------------------------------------------------------------------


def _explanations(items: list[tuple]) -> dict:
    """root -> (plain-text explanation, [agency codes it names]) for the children in `items`: the rules that fired
    and each contributing event with its agency, date, indicator and evidence, in time order. The evidence is
    decrypted here, for these events only."""
    refs = {_uuid(e[REF]) for _, res, _, _ in items for h in res.hits for e in h.events}
    refs |= {_uuid(e[REF]) for _, res, _, _ in items for e in res.named}
    rows = _indicator_rows(refs)
    agencies = {a.pk: a for a in Agency.objects.only("pk", "code", "name")}
    out = {}
    for root, res, _, _ in items:
        out[root] = explanation_text(
            res.hits, rows, agencies, root, res.possibly_same, res.also, res.not_read, placed=res.placed
        )
    return out


def explanations_for(result: Evaluation) -> dict:
    """root -> (explanation, agency codes) for every child with a pattern in `result`."""
    return _explanations([(root, res, None, "") for root, res in result.results.items()])


def _indicator_rows(refs: set) -> dict:
    """{EventIndicator id: (person root, occurred_on, indicator, agency id, evidence, its chronology entry's
    sensitivity)}: the evidence decrypted."""
    out = {}
    ids = list(refs)
    evidence = EventIndicator._meta.get_field("evidence")
    for start in range(0, len(ids), 500):
        for pk, person_id, merged, on, ind, agency_id, sealed, level in EventIndicator.objects.filter(
            pk__in=ids[start : start + 500]
        ).values_list(
            "pk",
            "person_id",
            "person__merged_into_id",
            "occurred_on",
            "indicator",
            "agency_id",
            "evidence",
            "entry__sensitivity",
        ):
            if chronology_entry_held(None, level):  # never opened: the explanation holds a sealed event's words
                out[pk] = (merged or person_id, on, ind, agency_id, "", level)
                continue
            text = evidence.open(pk, sealed.envelope) if hasattr(sealed, "envelope") else (sealed or "")
            out[pk] = (merged or person_id, on, ind, agency_id, text, level)
    return out


#: How an adult placed in the home by the records' words (ADR 0023) is marked in a flag's explanation.
PLACED_MARK = "placed in the home by the records' words, not confirmed"

_ALSO_HEADING = (
    "Also on record in the same period, from other agencies (these did not make the flag; they are part of what "
    "those agencies saw):"
)
_NOT_READ_HEADING = (
    "Also involved in this period, not read as a concern - read the record (the reader recognised nothing in these "
    "records either way; they did not make the flag):"
)


def _rule_line(hit: Hit, rows: dict) -> str:
    """One fired rule in the explanation: its title, code, version and sentence; when any of its events is a sealed
    record (access.sharing.chronology_entry_held with no reader: the command line, the stored text), a sentence
    that does not say what the events were read as, since the rule's own sentence names it ("the same concern
    (sexual harm) from 2 agencies": fourth attacker review)."""
    head = f"- {hit.rule.title} ({hit.rule.code} v{hit.rule.version})"
    for e in hit.events:
        row = rows.get(_uuid(e[REF]))
        if row is not None and chronology_entry_held(None, row[5]):
            return (
                f"{head}: fired on {len(hit.events)} records, sealed ones among them (what they were read as is held)."
            )
    return f"{head}: {hit.sentence}."


def _section(heading: str, texts: list) -> list[str]:
    """`heading` then the lines of `texts` that are not None; nothing at all when none is left."""
    kept = [text for text in texts if text]
    return [heading, *kept] if kept else []


def _placed_lines(placed_here: dict, agencies: dict) -> list[str]:
    """One closing paragraph per adult placed in the home by the records' words (ADR 0023): the record that places
    him (agency, date, its words; a sealed record's words held)."""
    lines = []
    for p in sorted(placed_here.values(), key=lambda p: (p.on, str(p.adult))):
        agency = agencies.get(p.agency_id)
        by = f"{agency.name} ({agency.code})" if agency else "the hub"
        words = SEALED_ENTRY_HELD_TEXT if chronology_entry_held(None, p.sensitivity) else f'"{p.words}"'
        how = "his own record places him in the home" if p.how == "address" else "a record of the home names him"
        lines.append(
            f"A person marked above was {PLACED_MARK} (read with the child's household, never joined to anyone): "
            f"{how}: {by}, {p.on.day} {p.on.strftime('%B %Y')}: {words}. Check whether he lives there or visits "
            "before relying on this flag."
        )
    return lines


def explanation_text(
    hits: list[Hit],
    rows: dict,
    agencies: dict,
    root,
    possibly: dict | None = None,
    also: tuple = (),
    not_read: tuple = (),
    *,
    placed: dict | None = None,
) -> tuple[str, list[str]]:
    """The flag's plain-text explanation and the agency codes it names. ``possibly``: {person root: proposal id} of
    people the matching proposes may be this child whose events contribute (``possibly_same``): their events are
    marked, and a closing paragraph says the flag relies on records not yet confirmed as this child, names the
    agencies holding them and asks the hub to confirm or reject the match on its review page. ``also``: events also
    on record in the same period from agencies no rule's events came from (``engine.also_on_record``), listed after
    the contributing events under their own heading (they did not make the flag) and named among its agencies.
    ``not_read``: the child's own events read as nothing either way in the period (``engine.not_read_in_period``;
    ADR 0021), listed last under a heading that asks the reader to read the record, and named among its agencies.
    ``placed``: {adult root: placed.Placement} of adults read with the household because the records' words place
    them in the home (ADR 0023): their events are marked "placed in the home by the records' words, not confirmed",
    and a closing paragraph quotes, for each, the record that places him (agency, date, words)."""
    possibly = possibly or {}
    placed_here = placed or {}
    lines = ["Rules that fired:"]
    for h in hits:
        lines.append(_rule_line(h, rows))
    lines.append("Contributing events, in time order:")
    codes: set = set()
    unconfirmed: dict = defaultdict(set)  # proposal id -> agency names

    def line(e) -> str | None:
        row = rows.get(_uuid(e[REF]))
        if row is None:
            return None
        person, on, ind, agency_id, evidence, level = row
        agency = agencies.get(agency_id)
        name = f"{agency.name} ({agency.code})" if agency else "the hub"
        if agency:
            codes.add(agency.code)
        if person == root:
            who = ""
        elif person in possibly:
            who = " [a record not yet confirmed as this child]"
            unconfirmed[possibly[person]].add(name)
        elif person in placed_here:
            who = f" [{PLACED_MARK}]"
        else:
            who = " [another person at the child's address]"
        if chronology_entry_held(None, level):
            # the explanation has no reader to ask (the command line, the stored text): a sealed event's words, and
            # the indicator read from them, are held as the chronology holds them (access.sharing
            # .chronology_entry_held); that the agency holds a record on that date is said
            return f"- {on.day} {on.strftime('%B %Y')}, {name}: {SEALED_ENTRY_HELD_TEXT}{who}"
        quote = f': "{evidence}"' if evidence else ""
        what = "a record not read as a concern" if ind == NOT_READ else ind.replace("_", " ")
        return f"- {on.day} {on.strftime('%B %Y')}, {name}: {what}{quote}{who}"

    for e, _rules in engine.contributions(hits):
        text = line(e)
        if text:
            lines.append(text)
    lines += _section(_ALSO_HEADING, [line(e) for e in also])
    lines += _section(_NOT_READ_HEADING, [line(e) for e in not_read])
    for link_id, names in unconfirmed.items():
        lines.append(
            f"This flag relies on records not yet confirmed as the same child: the records of {', '.join(sorted(names))} "
            "marked above belong to a person the matching proposes may be this child (waiting for review, not "
            "joined). Confirm or reject the match before relying on this flag: "
            f"{reverse('matching:link_detail', args=[link_id])}"
        )
    lines += _placed_lines(placed_here, agencies)
    return "\n".join(lines), sorted(codes)


__all__ = [
    "Evaluation",
    "affected_roots",
    "children_evaluate",
    "explanation_text",
    "explanations_for",
    "flags_evaluate",
]
