"""Records that may be the same child, waiting for the hub's review: read together for a flag, never merged.

Issue 8: "never merge two children to make a pattern". The matching (issue 6, ADR 0005) leaves a pair of records it
is not sure of as a **proposal** in the review queue (``RecordLink`` state ``proposed``): a short form not in the
nickname list, a name order it does not know, a day and month of birth swapped, two records sharing an NHS number
but disagreeing on a name. Until a hub worker decides, the two records belong to two people and each is evaluated
alone. A child whose agencies' records are split that way would get no flag, or a flag naming too few agencies.

So a flag may read the events of a person the matching proposes may be the child ("possibly the same child"),
without joining them, when all of these hold (``pairs_eligible``):

- the proposal is current and undecided, and in the review band: a score between the partnership's lower and upper
  thresholds, or a rule's proposal (no score: names and date of birth that agree, or a shared identifier held back
  for review). A referrer's contested "not this person" is never used, nor any pair a human said are different
  people (a rejection between any records of the two);
- both are children (not adults) with a date of birth that agrees, exactly or with day and month swapped;
- the two never hold different valid NHS numbers;
- they share a valid identifier, or a postcode: one child's records at two agencies name one home; a namesake in
  another town is another child;
- they are not the pattern of twins: the same surname, date of birth and address with first names that are not
  the same, a short form of one another or one name spelt two ways (sounding alike is not enough: "Lily" and
  "Lola", "Jack" and "Jake" have one phonetic key, and so do "Kai" and "Kye": such a pair waits for the hub; two
  double names that share their first part, "Lily-Rose" and "Lily-Mae", are two names, twin practice).

**A record with no date of birth at all** (a police or dental system that left it blank; ``linkage.scoring.
NO_DOB_CEILING`` holds such a pair for review, never joins it) may be read with a child when nothing else could be
behind it (``_undated_candidate``): the other person is a child with a date of birth; the family names are the same
or one name spelt two ways (Rundell / Rundle); the first names are the same, a short form, one name spelt two ways
(``_spelt_alike``) or sound alike (Casey / Kacey); they share a home (postcode) or a valid identifier, and never
hold different NHS numbers; any age the undated record's own events state ("14M", "son (14)", "aged 9", "says
17") is the child's age on that date, give or take a year; and the undated person has no other candidate by the
same test: no other person its current proposals name at that home under such a name (a father and a son of one
name, twins Jack and Jake, a sibling), whoever they are, unless all of them are one child's split records.
Otherwise it waits for the hub.

And the flag stands on the child's own records (``combine``): it is raised only when the rules fire on the two
people's events together and did not fire on the possibly-same person's events alone; the child's own events
contribute, and so do the other person's. The flag is held by the one of the two whose events the pattern rests on
(the one already flagged alone, else the one with more contributing events). The group's other records in the
flag's period that no rule counted (also on record, or read as nothing) are listed with it, marked, so the hub sees
every record that may be the child. Its explanation says plainly which records are not yet confirmed as the child
and asks the hub to confirm or reject the match (the review page).

Pure helpers plus two queries per evaluation; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass

import jellyfish
from django.db.models import F, Q
from django.utils import timezone

from linkage.names import compact, dob_variants, nickname_forms, phonetic, tokens
from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink

#: ``RecordLink.rule`` of a referrer's contested "not this person" (``people.linking.REFERRER_RULE``): never used.
REFERRER_RULE = "referrer_at_intake"
#: ``RecordLink.rule`` of an intake join held until screening (``people.linking.INTAKE_PENDING_RULE``, ADR 0009
#: addendum 2): not used either; the contact already names the known child, and its screening decides the join.
INTAKE_PENDING_RULE = "intake_pending_screening"
DEFAULT_LOWER, DEFAULT_UPPER = 0.5, 0.95
ADULT_DAYS = 18 * 365 + 4


@dataclass(frozen=True)
class Pair:
    """Two resolved people the matching proposes may be one (``link``: the proposal's id)."""

    a: uuid.UUID
    b: uuid.UUID
    link: uuid.UUID


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def thresholds() -> tuple[float, float]:
    """(lower, upper) match-probability thresholds of the partnership (read, never created here)."""
    from openmash.partnership.models import PartnershipSettings

    row = (
        PartnershipSettings.objects.order_by("created_at")
        .values_list("link_lower_threshold", "link_upper_threshold")
        .first()
    )
    if row is None:
        return DEFAULT_LOWER, DEFAULT_UPPER
    lower, upper = float(row[0]), float(row[1])
    return min(lower, upper), upper


def in_review_band(probability: float | None, lower: float, upper: float) -> bool:
    """A rule's proposal (no score) or a score between the thresholds (below: not a candidate; above: would have
    been joined, so a proposal there was held back by a hard rule and is still a proposal for the hub)."""
    return probability is None or lower <= probability


#: One first name spelt two ways (Tegen / Teegan, Brody / Brodie, Lacey / Lacie, Kaden / Kayden): Jaro-Winkler at
#: least ``SPELT_ALIKE`` (0.9), or at least ``SPELT_ALIKE_SOUNDING`` (0.88) with one Metaphone key. Below them stay
#: the names parents give twins and siblings: Jack / Jake (0.87), Alfie / Albie (0.89, two keys), Ella / Ellie
#: (0.85), Lily / Lola (0.67), Kai / Kye (0.56). Measured with ``jellyfish`` on these pairs (issue 8, seventh set).
SPELT_ALIKE = 0.9
SPELT_ALIKE_SOUNDING = 0.88


def _spelt_alike(a: str, b: str) -> bool:
    """Whether two compact first names are one name spelt two ways (``SPELT_ALIKE``). Pure."""
    if not a or not b:
        return False
    similarity = jellyfish.jaro_winkler_similarity(a, b)
    return similarity >= SPELT_ALIKE or (similarity >= SPELT_ALIKE_SOUNDING and phonetic(a) == phonetic(b))


def _part_agrees(a: str, b: str) -> bool:
    """Two words of a name agree: the same, one the start of the other ("R" and "Rose") or nickname forms."""
    return a == b or a.startswith(b) or b.startswith(a) or bool(nickname_forms(a) & nickname_forms(b))


def _names_agree(a: str, b: str) -> bool:
    """First names that agree for the twins test: the same, one a short form of the other (the nicknames list, or
    the first letters of the other: "Ty" and "Tyler"), or one name spelt two ways (``_spelt_alike``). Sounding alike
    is not enough here: twins' names often share their consonants ("Lily" and "Lola", "Jack" and "Jake" have one
    phonetic key). Two names of two words each agree only if their second words agree too: "Lily R" is
    "Lily-Rose", "Lily-Mae" is not (twins are often given one first part)."""
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return True  # nothing says they differ
    ta, tb = tokens(a), tokens(b)
    if len(ta) >= 2 and len(tb) >= 2 and not _part_agrees(ta[1], tb[1]):
        return False
    short, long_ = sorted((ca, cb), key=len)
    return (
        ca == cb
        or bool(nickname_forms(a) & nickname_forms(b))
        or (len(short) >= 2 and long_.startswith(short))
        or _spelt_alike(ca, cb)
    )


def _norm_postcode(value: str) -> str:
    return (value or "").replace(" ", "").upper()


def pairs_eligible(as_of: dt.date, roots=None) -> list[Pair]:
    """The pairs of resolved people that may be read together (module docstring), for everyone (``roots`` None) or
    the pairs touching ``roots``. Two queries for the proposals and the records, one for the people."""
    lower, upper = thresholds()
    links = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).exclude(
        rule__in=(REFERRER_RULE, INTAKE_PENDING_RULE)
    )
    if roots is not None:
        ids = list(roots)
        if not ids:
            return []
        links = links.filter(Q(record_l__person_id__in=ids) | Q(record_r__person_id__in=ids))
    found = _proposals(links, lower, upper)
    if not found:
        return []
    people = {p for key in found for p in key}
    persons = {
        row[0]: row
        for row in Person.objects.filter(pk__in=people, merged_into__isnull=True).values_list(
            "pk", "forename", "surname", "date_of_birth", "kind"
        )
    }
    records: dict = defaultdict(list)
    for row in AgencyRecord.objects.filter(person_id__in=people).values_list(
        "pk", "person_id", "nhs_number", "upn", "pnc_id", "postcode", "date_of_birth"
    ):
        records[row[1]].append(row)
    said_different = _said_different(records)
    # an agency holding records of both under its own different ids says they are two people (people.linking rule 4)
    held_by: dict = defaultdict(set)
    for person, agency in (
        AgencyRecord.objects.filter(person_id__in=people)
        .exclude(local_id__startswith="openmash-person:")
        .values_list("person_id", "agency_id")
    ):
        held_by[person].add(agency)
    adult_before = as_of.toordinal() - ADULT_DAYS
    out = []
    undated: list = []
    for (pa, pb), link in sorted(found.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        a, b = persons.get(pa), persons.get(pb)
        if a is None or b is None or frozenset((pa, pb)) in said_different or held_by[pa] & held_by[pb]:
            continue
        if _eligible(a, b, records[pa], records[pb], adult_before):
            out.append(Pair(_uuid(pa), _uuid(pb), _uuid(link)))
            continue
        side = _undated_candidate(a, b, records[pa], records[pb], adult_before)
        if side is not None:
            undated.append((Pair(_uuid(pa), _uuid(pb), _uuid(link)), side))
    if undated:
        out.extend(_undated_confirmed(undated, persons, records, lower))
        out.sort(key=lambda p: (str(p.a), str(p.b)))
    return out


def _proposals(links, lower: float, upper: float) -> dict:
    """{(person, person) in id order: proposal id} of the proposals in the review band between two people."""
    found: dict = {}
    for pk, pa, pb, probability in links.values_list(
        "pk", "record_l__person_id", "record_r__person_id", "match_probability"
    ):
        if pa == pb or not in_review_band(probability, lower, upper):
            continue
        key = (pa, pb) if str(pa) < str(pb) else (pb, pa)
        # two proposals between the same two people: the same one whichever query found them (full or incremental)
        found[key] = min(found.get(key, pk), pk, key=str)
    return found


def pairs_around(as_of: dt.date, roots, *, most: int = 4) -> list[Pair]:
    """The eligible pairs (``pairs_eligible``) of the whole groups the resolved people `roots` belong to, as an
    evaluation of everyone sees them: the pairs touching `roots`, then those touching the people they reach, and so
    on, `most` times at most (a group of `most` people or fewer is then whole; a larger one has been seen to have more
    than `most` people, so ``groups`` leaves it out, as it does in a full evaluation). For an incremental evaluation
    (issue 8 speed target): the pairs touching `roots` alone would make a child's records split three ways a group of
    two. In: a date and resolved person ids; out: the pairs, each once, sorted as ``pairs_eligible`` sorts them."""
    seen = {_uuid(r) for r in roots}
    frontier = set(seen)
    found: dict = {}
    for _ in range(most):
        if not frontier:
            break
        for pair in pairs_eligible(as_of, sorted(frontier, key=str)):
            found.setdefault((pair.a, pair.b), pair)
        reached = {p for pair in found.values() for p in (pair.a, pair.b)}
        frontier = reached - seen
        seen |= reached
    return [found[key] for key in sorted(found, key=lambda k: (str(k[0]), str(k[1])))]


def _said_different(records: dict) -> set:
    """Pairs of people with a current rejection a person decided (a reviewer, a referrer) between their records."""
    person_of = {r[0]: person for person, rows in records.items() for r in rows}
    ids = list(person_of)
    out: set = set()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for left, right in (
            RecordLink.objects.filter(valid_to__isnull=True)
            .filter(Q(state=LinkState.REJECTED, decided_by__isnull=False) | Q(rule=REFERRER_RULE))
            .filter(Q(record_l_id__in=part) | Q(record_r_id__in=part))
            .values_list("record_l_id", "record_r_id")
        ):
            pa, pb = person_of.get(left), person_of.get(right)
            if pa is not None and pb is not None and pa != pb:
                out.add(frozenset((pa, pb)))
    return out


def _eligible(a: tuple, b: tuple, recs_a: list, recs_b: list, adult_before: int) -> bool:
    """Whether two people (``(pk, forename, surname, dob, kind)``) with these records may be read together. A date of
    birth is the person's or any of their records' (a first record without one leaves the person without it)."""
    _pa, forename_a, surname_a, dob_a, kind_a = a
    _pb, forename_b, surname_b, dob_b, kind_b = b
    if kind_a == "adult" or kind_b == "adult":
        return False
    born_a = {d for d in (dob_a, *(r[6] for r in recs_a)) if d}
    born_b = {d for d in (dob_b, *(r[6] for r in recs_b)) if d}
    if not born_a or not born_b or any(d.toordinal() <= adult_before for d in born_a | born_b):
        return False
    if not any(db in dob_variants(da) for da in born_a for db in born_b):
        return False
    nhs_a = {r[2] for r in recs_a if r[2]}
    nhs_b = {r[2] for r in recs_b if r[2]}
    if nhs_a and nhs_b and nhs_a != nhs_b:
        return False  # different valid NHS numbers: two children (ADR 0005)
    shared_id = any(
        {r[n] for r in recs_a if r[n]} & {r[n] for r in recs_b if r[n]}
        for n in (2, 3, 4)  # nhs_number, upn, pnc_id
    )
    postcodes_a = {_norm_postcode(r[5]) for r in recs_a if r[5]}
    postcodes_b = {_norm_postcode(r[5]) for r in recs_b if r[5]}
    same_home = bool(postcodes_a & postcodes_b)
    if not (shared_id or same_home):
        return False
    if same_home and not shared_id and born_a & born_b and compact(surname_a) == compact(surname_b):
        return _names_agree(forename_a, forename_b)  # the twins pattern: first names that disagree
    return True


def _born(person: tuple, recs: list) -> set:
    """The dates of birth a person (``(pk, forename, surname, dob, kind)``) or any of their records give."""
    return {d for d in (person[3], *(r[6] for r in recs)) if d}


def _nhs_conflict(recs_a: list, recs_b: list) -> bool:
    nhs_a = {r[2] for r in recs_a if r[2]}
    nhs_b = {r[2] for r in recs_b if r[2]}
    return bool(nhs_a and nhs_b and nhs_a != nhs_b)


def _home_or_id_shared(recs_a: list, recs_b: list) -> bool:
    """They share a valid identifier (NHS number, UPN, PNC id) or a postcode."""
    if any({r[n] for r in recs_a if r[n]} & {r[n] for r in recs_b if r[n]} for n in (2, 3, 4)):
        return True
    return bool({_norm_postcode(r[5]) for r in recs_a if r[5]} & {_norm_postcode(r[5]) for r in recs_b if r[5]})


def _named_alike(a: tuple, b: tuple) -> bool:
    """For an undated record: the same family name (compact, or one name spelt two ways: Rundell / Rundle,
    ``_spelt_alike``) and first names that agree (``_names_agree``) or sound alike (one Metaphone key: Casey /
    Kacey), both given. Looser than the twins test on purpose: the undated record is read only when it has no other
    candidate by this same test (``_undated_confirmed``), so twins Jack and Jake at one home keep a record of
    "Jack" apart (two candidates)."""
    fa, fb = compact(a[2]), compact(b[2])
    if not (compact(a[1]) and compact(b[1]) and fa and fb) or not (fa == fb or _spelt_alike(fa, fb)):
        return False
    return _names_agree(a[1], b[1]) or phonetic(a[1]) == phonetic(b[1])


def _undated_candidate(a: tuple, b: tuple, recs_a: list, recs_b: list, adult_before: int):
    """The id of the undated one of two people when the pair may be read together save for the undated person's
    other candidates and stated ages (module docstring, ``_undated_confirmed``); None otherwise. Pure."""
    born_a, born_b = _born(a, recs_a), _born(b, recs_b)
    if bool(born_a) == bool(born_b):
        return None  # both dated (``_eligible`` decided) or neither
    dated, undated, recs_d, recs_u, born = (a, b, recs_a, recs_b, born_a) if born_a else (b, a, recs_b, recs_a, born_b)
    if dated[4] != "child" or undated[4] == "adult" or any(d.toordinal() <= adult_before for d in born):
        return None
    if not _named_alike(dated, undated) or _nhs_conflict(recs_d, recs_u) or not _home_or_id_shared(recs_d, recs_u):
        return None
    return undated[0]


#: Ages an event's description states of its subject: "14M", "14F", "14 yrs", "14yo", "aged 14", "age: 14",
#: "son (14)", "says 17". Read only to say an undated record is *not* the child (``_undated_confirmed``).
_AGE_STATED = re.compile(
    r"\b(\d{1,2})(?:M|F)\b"
    r"|(?i:\b(\d{1,2})\s?(?:yo|y/o|yrs?|years?)\b)"
    r"|(?i:\bage[ds]?\s*:?\s*(\d{1,2})\b)"
    r"|(?i:\b(?:son|daughter|boy|girl|child|pupil|youth|lad|male|female|man|woman)\s*\(\s*(\d{1,2})\s*\))"
    r"|(?i:\b(?:says|said|claims)\s+(?:he\s+is\s+|she\s+is\s+|to\s+be\s+)?(\d{1,2})\b)"
)


def stated_ages(text: str) -> list[int]:
    """The ages a description states (``_AGE_STATED``), in order: ``stated_ages("14M found, says 17") == [14, 17]``.
    Pure."""
    return [int(next(g for g in m.groups() if g)) for m in _AGE_STATED.finditer(text or "")]


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _undated_confirmed(undated: list, persons: dict, records: dict, lower: float) -> list[Pair]:
    """The undated pairs (``[(pair, undated person id)]``) that stand: the undated person has no other candidate (no
    other person its current proposals in the review band name at a shared home or identifier under an agreeing name,
    unless all are one child: dated children whose dates of birth and first names agree, with one NHS number at
    most), and every age its events state is, for one of them at least, the child's age on that day give or take a
    year. Three queries (their proposals, those people and records, the undated records' events)."""
    from openmash.people.models import ChronologyEntry

    ids = sorted({side for _pair, side in undated}, key=str)
    partners: dict = defaultdict(set)
    links = (
        RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED)
        .exclude(rule__in=(REFERRER_RULE, INTAKE_PENDING_RULE))
        .filter(Q(record_l__person_id__in=ids) | Q(record_r__person_id__in=ids))
    )
    for pa, pb, probability in links.values_list("record_l__person_id", "record_r__person_id", "match_probability"):
        if pa != pb and (probability is None or probability >= lower):
            partners[pa].add(pb)
            partners[pb].add(pa)
    wanted = {p for u in ids for p in partners[u]} - set(persons)
    if wanted:
        persons = {
            **persons,
            **{
                row[0]: row
                for row in Person.objects.filter(pk__in=wanted, merged_into__isnull=True).values_list(
                    "pk", "forename", "surname", "date_of_birth", "kind"
                )
            },
        }
        records = {p: list(v) for p, v in records.items()}
        for row in AgencyRecord.objects.filter(person_id__in=wanted).values_list(
            "pk", "person_id", "nhs_number", "upn", "pnc_id", "postcode", "date_of_birth"
        ):
            records.setdefault(row[1], []).append(row)
    said: dict = defaultdict(list)
    entries = (
        ChronologyEntry.objects.filter(record__person_id__in=ids, kind="event")
        .annotate(owner=F("record__person_id"))
        .only("occurred_at", "description")
    )
    for entry in entries:  # instances: the description is decrypted for its row
        ages = stated_ages(entry.description)
        if ages:
            said[entry.owner].append((timezone.localtime(entry.occurred_at).date(), ages))
    out = []
    for pair, side in undated:
        me = persons[side]
        dated = pair.b if pair.a == side else pair.a
        candidates = [
            persons[p]
            for p in partners[side]
            if p in persons
            and _named_alike(me, persons[p])
            and _home_or_id_shared(records.get(side, []), records.get(p, []))
        ]
        if not any(c[0] == dated for c in candidates) or not _one_child(candidates, records):
            continue
        born = _born(persons[dated], records.get(dated, []))
        if all(any(abs(age - _age_on(b, day)) <= 1 for b in born for age in ages) for day, ages in said[side]):
            out.append(pair)
    return out


def _one_child(people: list, records: dict) -> bool:
    """Whether these people (``(pk, forename, surname, dob, kind)``) may all be one child: each a dated child, their
    dates of birth agreeing (exactly or day and month swapped), their first names agreeing, one NHS number at most."""
    if len(people) <= 1:
        return True
    borns = [_born(p, records.get(p[0], [])) for p in people]
    if any(p[4] != "child" or not b for p, b in zip(people, borns, strict=True)):
        return False
    first, first_born = people[0], borns[0]
    for p, b in zip(people[1:], borns[1:], strict=True):
        if not _names_agree(first[1], p[1]) or not any(d in dob_variants(f) for f in first_born for d in b):
            return False
    numbers = {r[2] for p in people for r in records.get(p[0], []) if r[2]}
    return len(numbers) <= 1


def groups(pairs: list[Pair], *, most: int = 4) -> list[tuple[list[uuid.UUID], dict]]:
    """The eligible pairs joined into groups of people who may all be one child (a child's records split three ways
    leave a proposal between each two): [(members in id order, {frozenset pair: proposal id})]. A group larger than
    `most` is left out (a common name and birthday, not one child's records); so is one whose members hold more than
    one valid NHS number between them (two children, ADR 0005)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.a)] = find(p.b)
    members: dict = defaultdict(list)
    for x in list(parent):
        members[find(x)].append(x)
    links: dict = defaultdict(dict)
    for p in pairs:
        links[find(p.a)][frozenset((p.a, p.b))] = p.link
    out = []
    for root, people in members.items():
        if len(people) > most:
            continue
        numbers = set(
            AgencyRecord.objects.filter(person_id__in=people)
            .exclude(nhs_number="")
            .values_list("nhs_number", flat=True)
        )
        if len(numbers) > 1:
            continue
        out.append((sorted(people, key=str), links[root]))
    return sorted(out, key=lambda g: str(g[0][0]))


__all__ = ["Pair", "groups", "in_review_band", "pairs_around", "pairs_eligible", "thresholds"]
