"""Intake candidates: people already known to the partnership who may be the person a referrer is recording.

Intake searches before it creates (issue 6). For one new person's details this finds

1. **exact identifier matches**: an agency record holding the same valid NHS number, UPN or PNC ID after
   normalisation ("999 314 1593" = "999-314-1593"); placeholders never match (``people.linking.identifier_valid``);
2. **close matches** on name, date of birth and postcode, each with the reasons in words ("same date of birth,
   surname sounds alike, same postcode"), including contrary evidence ("recorded as a different sex").

Close matches are scored here with simple, explained rules built on ``linkage.names`` (the one name normaliser:
transliteration, Metaphone, the maintained nicknames list, day/month transposition). When the Fellegi-Sunter engine
(``linkage``) is on main it replaces ``_score`` with its match weights; the candidate list, its blocking and the
shape of the answer stay. Blocking uses the indexed columns of ``AgencyRecord``: date of birth (and its day/month
transposition) or postcode, so one lookup reads a bounded number of rows whatever the size of the partnership.

Candidates are resolved people (a merged-away person is shown as the person they belong to). ``intake_candidates``
is the audited entry point; what a referrer is shown of a candidate is the minimum search shows them today: name,
date of birth and the reasons, and a person they may not open is offered only when the name and the date of birth
given both agree with them (access.search.search_listing_allowed, the rule the people search applies; ADR 0009
addendum 3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import jellyfish
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch, Q

from linkage.names import compact, dob_variants, nickname_forms, phonetic, tokens
from openmash.access.policy import require
from openmash.access.search import search_people_listed
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import ValidationFailed
from openmash.people import lookup
from openmash.people.linking import IDENTIFIER_FIELDS, identifier_valid, intake_pending_targets
from openmash.people.models import AgencyRecord, Person
from openmash.people.search_limits import search_rate_check, search_rate_refuse, search_rate_remaining

IDENTIFIER_REASONS = {"nhs_number": "same NHS number", "upn": "same UPN", "pnc_id": "same PNC ID"}
#: A close match needs at least this many points (see _score) and evidence on both the name and the date of birth
#: or postcode; below it nothing is shown (a referrer should not be offered unrelated children).
MIN_SCORE = 6.0
BLOCK_CAP = 2000  # records read per blocking key at most
SIMILAR = 0.88  # Jaro-Winkler similarity above which two folded names are "spelt similarly"


@dataclass
class Candidate:
    """A person already known who may be the one being recorded. ``person`` is the resolved person; ``exact`` is
    True for an identifier match; ``score`` orders close matches (higher is closer); ``reasons`` are in words,
    supporting evidence first, then contrary evidence ("but recorded as a different sex")."""

    person: Person
    exact: bool
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return ", ".join(self.reasons)


# Cyrillic and Greek letters drawn like Latin ones, as the Latin letter they look like. ``fold`` (anyascii, the one
# name normaliser search uses) transliterates them by sound instead: Cyrillic "а" is "a" either way, but "у" (looks
# like y) becomes "u", "г" (r) "g", "р" (p) "r", "с" (c) "s", "н" (h) "n", Greek "ν" (v) "n". Applied only to a name that mixes
# them with Latin letters (a spoof or a keyboard slip); a name written wholly in Cyrillic or Greek is transliterated.
_LOOKALIKES = str.maketrans(
    "аАвВеЕёЁкКмМнНоОрРсСтТуУхХіІјЈѕЅԁԛԝӏгпь"  # Cyrillic
    "αΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ",  # Greek
    "aABBeEeEkKMMHHoOpPcCTTyYxXiIjJsSdqwlrnbaABBeEZZnHiIkKuMvNoOpPtTuYxX",
)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _lookalikes_latin(name: str) -> str:
    """A name that mixes Latin letters with Cyrillic or Greek look-alikes ("Kаyleigh" with a Cyrillic "а", "Grау"),
    with each look-alike read as the Latin letter it looks like; any other name unchanged."""
    if not name or not (_LATIN & set(name)) or name.isascii():
        return name
    return name.translate(_LOOKALIKES)


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _identifiers(details: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in details.get("identifiers") or []:
        kind, value = (item.get("type"), item.get("value")) if isinstance(item, dict) else item
        valid = identifier_valid(kind, value)
        if valid:
            found[kind] = valid
    return found


def _name_score(given: str, family: str, r_given: str, r_family: str) -> tuple[float, list[str]]:
    """Points and reasons for the names: exact, nickname, sounds alike, spelt similarly, part of a multi-word
    surname, or first and last names swapped."""
    points, reasons = 0.0, []
    g, f, rg, rf = compact(given), compact(family), compact(r_given), compact(r_family)
    if g and f and g == rf and f == rg and g != f:
        return 5.0, ["first and last names swapped"]
    if g and rg:
        if g == rg:
            points, reasons = points + 3, [*reasons, "same first name"]
        elif nickname_forms(given) & nickname_forms(r_given):
            points, reasons = points + 2.5, [*reasons, "first name is a short form of the other"]
        elif phonetic(given) and phonetic(given) == phonetic(r_given):
            points, reasons = points + 2, [*reasons, "first name sounds alike"]
        elif jellyfish.jaro_winkler_similarity(g, rg) >= SIMILAR:
            points, reasons = points + 1.5, [*reasons, "first name spelt similarly"]
    if f and rf:
        if f == rf:
            points, reasons = points + 3, [*reasons, "same surname"]
        elif set(t for t in tokens(family) if len(t) > 2) & set(t for t in tokens(r_family) if len(t) > 2):
            points, reasons = points + 2, [*reasons, "shares part of the surname"]
        elif phonetic(family) and phonetic(family) == phonetic(r_family):
            points, reasons = points + 2, [*reasons, "surname sounds alike"]
        elif jellyfish.jaro_winkler_similarity(f, rf) >= SIMILAR:
            points, reasons = points + 1.5, [*reasons, "surname spelt similarly"]
    return points, reasons


def _score(details: dict, record: AgencyRecord) -> tuple[float, list[str], bool]:
    """(points, reasons, enough evidence besides the name). Name points need both names to say something; date of
    birth exact 3 or transposed 2; same postcode 2; a different recorded sex costs 2 and is said."""
    points, reasons = _name_score(
        details.get("forename", ""), details.get("surname", ""), record.given_name, record.family_name
    )
    if not reasons:
        return 0.0, [], False
    dob = _as_date(details.get("date_of_birth"))
    other_evidence = False
    if dob and record.date_of_birth:
        if dob == record.date_of_birth:
            points, other_evidence = points + 3, True
            reasons.append("same date of birth")
        elif record.date_of_birth in dob_variants(dob):
            points, other_evidence = points + 2, True
            reasons.append("day and month of birth swapped")
        elif dob.year == record.date_of_birth.year:
            points += 0.5
            reasons.append("born the same year")
        else:
            points -= 2
    postcode = (details.get("postcode") or "").strip().upper()
    if postcode and record.postcode:
        if postcode == record.postcode:
            points, other_evidence = points + 2, True
            reasons.append("same postcode")
        elif postcode.split(" ")[0] == record.postcode.split(" ")[0]:
            points += 0.5
            reasons.append("same postcode district")
    sex = details.get("sex") or "U"
    if sex in ("M", "F") and record.sex in ("M", "F") and sex != record.sex:
        points -= 2
        reasons.append("but recorded as a different sex")
    return points, reasons, other_evidence


_NAMES = ("given_name", "family_name", "date_of_birth")


def _exact(details: dict, best: dict, agreeing: set, agrees) -> None:
    idents = _identifiers(details)
    if not idents:
        return
    q = Q()
    for kind, value in idents.items():
        q |= Q(**{kind: value})
    for record in AgencyRecord.objects.filter(q).only("person_id", *IDENTIFIER_FIELDS, *_NAMES)[:BLOCK_CAP]:
        if agrees(record.given_name, record.family_name, record.date_of_birth):
            agreeing.add(record.person_id)
        reasons = [IDENTIFIER_REASONS[k] for k, v in idents.items() if getattr(record, k) == v]
        current = best.get(record.person_id)
        if current is None:
            best[record.person_id] = Candidate(person=None, exact=True, score=100.0, reasons=reasons)
        else:
            current.reasons = list(dict.fromkeys([*current.reasons, *reasons]))


def _typed_name(details: dict) -> str:
    return " ".join(str(details.get(k) or "") for k in ("forename", "surname")).strip()


def candidate_minimum_unmet(details: dict) -> dict[str, list[str]]:
    """SR-1 for an intake lookup, decided by the one rule (``people.lookup.search_minimum_unmet``): {} when the
    details hold a valid identifier (exact matches only need that) or at least two of a name, a date of birth and a
    postcode; otherwise the rule's field messages, keyed by the lookup's own fields (the name's on ``surname``).
    ``details`` as ``candidates_for`` takes them."""
    if _identifiers(details):
        return {}
    postcode = details.get("postcode") or (details.get("address") or {}).get("postcode") or ""
    need = lookup.search_minimum_unmet(
        name=_typed_name(details), date_of_birth=_as_date(details.get("date_of_birth")), postcode=postcode.strip()
    )
    return {("surname" if key == "name" else key): messages for key, messages in need.items()}


def _close(details: dict, best: dict, agreeing: set, agrees) -> None:
    dob = _as_date(details.get("date_of_birth"))
    postcode = (details.get("postcode") or "").strip().upper()
    if lookup.search_minimum_unmet(name=_typed_name(details), date_of_birth=dob, postcode=postcode):
        return  # a name alone, or a date alone, is not enough to offer anyone (SR-1: the one rule)
    block = Q()
    if dob:
        block |= Q(date_of_birth__in=list(dob_variants(dob)))
    if postcode:
        block |= Q(postcode=postcode)
    fields = ("person_id", "given_name", "family_name", "date_of_birth", "sex", "postcode")
    for record in AgencyRecord.objects.filter(block).only(*fields)[:BLOCK_CAP]:
        if agrees(record.given_name, record.family_name, record.date_of_birth):
            agreeing.add(record.person_id)
        current = best.get(record.person_id)
        if current is not None and current.exact:
            continue
        points, reasons, evidence = _score(details, record)
        if points >= MIN_SCORE and evidence and (current is None or points > current.score):
            best[record.person_id] = Candidate(person=None, exact=False, score=points, reasons=reasons)


def _follow_held(best: dict, agreeing: set) -> None:
    """A person whose record is held until screening for someone already known (ADR 0009 addendum 2) is offered as
    that person: the two are one candidate (the stronger of the two findings, their reasons together). What the
    typed name and date of birth agreed with (`agreeing`, for the listing rule) follows to the known person."""
    held = intake_pending_targets(list(best))
    for pid, target in held.items():
        found = best.pop(pid)
        if pid in agreeing:
            agreeing.discard(pid)
            agreeing.add(target)
        current = best.get(target)
        if current is None:
            best[target] = found
            continue
        stronger, weaker = (
            (current, found) if (current.exact, current.score) >= (found.exact, found.score) else (found, current)
        )
        stronger.reasons = list(dict.fromkeys([*stronger.reasons, *weaker.reasons]))
        best[target] = stronger


def candidates_for(details: dict, *, limit: int = 5, exclude_person_ids=(), actor=None) -> list[Candidate]:
    """People already known who may be the person described, best first (exact identifier matches, then close
    matches by score). Not audited: for the audited intake lookup use ``intake_candidates``.

    In: ``details`` in the shape of the contact API's person input (forename, surname, date_of_birth (date or ISO
    string), sex, identifiers [{"type", "value"}], address {"postcode"} or postcode); ``limit`` (at most that
    many); ``exclude_person_ids``: people (resolved ids) not to offer; ``actor``: whom the list is for, when it is
    for someone (then only the people access.search.search_listing_allowed lets them be offered: those they may
    open, and anyone else only when the forename, surname and date of birth given agree with them; attacker review
    of issue 7), None for trusted code that shows nobody the list (the bench). Out: a list of Candidate. Never
    raises on odd input (an invalid identifier simply matches nothing)."""
    return _candidates_for(details, limit=limit, exclude_person_ids=exclude_person_ids, actor=actor)[0]


def _candidates_for(details: dict, *, limit: int, exclude_person_ids, actor) -> tuple[list[Candidate], int]:
    """candidates_for, and how many people the listing rule withheld from ``actor`` (0 without an actor)."""
    postcode = details.get("postcode") or (details.get("address") or {}).get("postcode") or ""
    names = {k: _lookalikes_latin(str(details.get(k) or "")) for k in ("forename", "surname")}
    details = {**details, **names, "postcode": postcode}
    best: dict[object, Candidate] = {}
    # whose records (read by the lookups below, no query of its own) hold the name and date of birth given, by the
    # search's rules (people.lookup.name_and_dob_matcher): what the listing rule asks of someone the actor may not open
    agrees = lookup.name_and_dob_matcher(_typed_name(details), _as_date(details.get("date_of_birth")))
    agreeing: set = set()
    _exact(details, best, agreeing, agrees)
    _close(details, best, agreeing, agrees)
    _follow_held(best, agreeing)
    excluded = {str(i) for i in exclude_person_ids}
    ids = [pid for pid in best if str(pid) not in excluded]
    withheld = 0
    if actor is not None:
        # THE listing rule (access.search), before the list is cut to `limit`: someone the actor may not open is
        # offered only when the name and the date of birth given both agree with them (by the search's rules)
        listed, _viewable = search_people_listed(actor, {pid: pid in agreeing for pid in ids})
        withheld, ids = len(ids) - len(listed), listed
    # with the agency records joined into each, so a candidate's name and numbers are resolved as the person's page
    # resolves them (people.summary, through Person.full_name and access.fields.person_minimum_details; issue 6
    # review, findings 1 and 11)
    joined = Prefetch(
        "records",
        queryset=AgencyRecord.objects.select_related("agency").order_by("received_at", "pk"),
        to_attr="summary_records",
    )
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("identifiers", "addresses", joined)}
    found = []
    for pid in ids:
        if pid in people:
            best[pid].person = people[pid]
            found.append(best[pid])
    found.sort(key=lambda c: (not c.exact, -c.score, c.person.surname, c.person.forename, str(c.person.pk)))
    return found[:limit], withheld


def intake_candidates(
    *, actor, details: dict, limit: int = 5, exclude_person_ids=(), require_minimum: bool = False
) -> list[Candidate]:
    """The audited intake lookup: ``candidates_for`` for a professional recording a contact ("person.search").
    Audited like a search (one "search" event with the number found, and a "search_result" event per candidate), so
    a referrer may then name a candidate in the contact by id (contacts.services: a person found by the actor's own
    search in the last day), without gaining sight of the record.

    Each call is one search under the search rate limit (SECURITY-TESTS.md PF-2, people.search_limits): a page that
    looks up several people makes one search per person. Raises PermissionDenied, and RateLimited past
    OPENMASH_SEARCH_RATE_PER_MINUTE (the refusal audited and hub managers alerted before it is raised).

    ``require_minimum=True`` (POST /api/v1/intake/candidates: a lookup someone asked for) raises ValidationFailed
    with the SR-1 rule's field messages (``candidate_minimum_unmet``) when the details are too few to search by,
    before the rate limit counts anything; otherwise (the intake page's and the services' own lookups of a person
    being recorded, who may be known only by name) too few details simply offer nobody."""
    require(actor, "person.search")
    if require_minimum:
        need = candidate_minimum_unmet(details)
        if need:
            raise ValidationFailed(lookup.NEED_MORE_DETAIL, errors=need)
    search_rate_check(actor)  # outside the lookup's transaction: the refusal's audit event must stay
    return _intake_candidates(actor=actor, details=details, limit=limit, exclude_person_ids=exclude_person_ids)


def intake_candidates_many(*, actor, people: list[tuple[str, dict]], limit: int = 5, exclude_person_ids=()) -> dict:
    """``intake_candidates`` for several people at once (a contact naming a new child and a new adult): the same
    lookups, the same audit events (a "search" per person, a "search_result" per candidate) and each person still one
    search under the rate limit, counted before it runs: with n searches left in the minute only the first n
    lookups run (audited, in one transaction with the events in one INSERT) and the rest are refused with RateLimited
    (a ``search_limited`` event; attacker review 2026-11, finding 5: one check per batch let 30 lookups pass a limit
    of 30 after 29 searches). In: [(key, details)]. Out: {key: [Candidate]}. Raises PermissionDenied, RateLimited.
    Call outside any transaction a refusal rolls back."""
    from openmash.audit.services import audit_batch

    require(actor, "person.search")
    if not people:
        return {}
    remaining = search_rate_remaining(actor)
    allowed = people if remaining is None else people[:remaining]
    found: dict = {}
    if allowed:
        with transaction.atomic(), audit_batch():
            for key, details in allowed:
                found[key] = _intake_candidates_audited(
                    actor=actor, details=details, limit=limit, exclude_person_ids=exclude_person_ids
                )
    if len(allowed) < len(people):
        search_rate_refuse(actor)
    return found


@transaction.atomic
def _intake_candidates(*, actor, details: dict, limit: int, exclude_person_ids) -> list[Candidate]:
    return _intake_candidates_audited(actor=actor, details=details, limit=limit, exclude_person_ids=exclude_person_ids)


# --- the candidates reference: "I looked these details up and it is none of them" --------------------------------

REFERENCE_SALT = "openmash.matching.candidates-reference"
REFERENCE_MAX_AGE = 24 * 60 * 60  # as long as a person found by one's own search may be named by id (contacts)
REFERENCE_INVALID = (
    "This candidates_reference is not one given to you for these details in the last day: look the person up again "
    "(POST /api/v1/intake/candidates) and send the reference it gives"
)


def details_digest(details: dict) -> str:
    """What a lookup's answer depends on, as a digest: the names (folded, compacted, look-alike letters read as
    Latin), date of birth, sex, valid identifiers (normalised) and postcode. Two spellings of the same details
    ("999 314 1593" and "999-314-1593") have one digest; any change that could change the candidates changes it."""
    postcode = details.get("postcode") or (details.get("address") or {}).get("postcode") or ""
    dob = _as_date(details.get("date_of_birth"))
    parts = {
        "forename": compact(_lookalikes_latin(str(details.get("forename") or ""))),
        "surname": compact(_lookalikes_latin(str(details.get("surname") or ""))),
        "date_of_birth": dob.isoformat() if dob else "",
        "sex": details.get("sex") or "U",
        "identifiers": sorted(_identifiers(details).items()),
        "postcode": postcode.replace(" ", "").upper(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def candidates_reference(*, actor, details: dict, found: list[Candidate]) -> str:
    """An opaque, signed reference to one audited lookup: whose it was, a digest of the details looked up and the
    people offered. A client that decides the person is new sends it back with ``match_decision: "new"``; the
    service then takes every person offered as "not this person" (``candidates_reference_read``) and does not look
    the same details up again. Holds no personal data (ids and a digest)."""
    payload = {"u": str(actor.user.pk), "d": details_digest(details), "c": [str(c.person.pk) for c in found]}
    return signing.dumps(payload, salt=REFERENCE_SALT, compress=True)


def candidates_reference_read(*, actor, details: dict, reference: str) -> list[str] | None:
    """The ids of the people a reference's lookup offered, when ``reference`` was given to this actor in the last
    day for these same details (``details_digest``); None otherwise (forged, someone else's, expired, or other
    details)."""
    try:
        payload = signing.loads(reference, salt=REFERENCE_SALT, max_age=REFERENCE_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("u") != str(actor.user.pk):
        return None
    if payload.get("d") != details_digest(details):
        return None
    ids = payload.get("c")
    return [str(i) for i in ids] if isinstance(ids, list) else None


def candidate_summary(candidate: Candidate) -> dict:
    """What anyone recording a contact is shown of a candidate, whatever their basis (the minimum search shows a
    person the searcher may not open, access.fields.SEARCH_RESULT_FIELDS less sex): id, names, date of birth (or
    expected date), whether an identifier matched, and the reasons. One shape for POST /api/v1/intake/candidates and
    the refusal of a contact whose new person was not answered."""
    from openmash.people.summary import name_preferred

    person = candidate.person
    records = getattr(person, "summary_records", [])
    forename, surname = name_preferred(
        person.forename, person.surname, ((r.given_name, r.family_name) for r in records)
    )
    return {
        "id": str(person.pk),
        "forename": forename,
        "surname": surname,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "expected_date_of_birth": (
            person.expected_date_of_birth.isoformat() if person.expected_date_of_birth else None
        ),
        "exact": candidate.exact,
        "reasons": list(candidate.reasons),
    }


def _intake_candidates_audited(*, actor, details: dict, limit: int, exclude_person_ids) -> list[Candidate]:
    found, withheld = _candidates_for(details, limit=limit, exclude_person_ids=exclude_person_ids, actor=actor)
    detail = {"by": "intake_candidates", "results": len(found), "exact": sum(1 for c in found if c.exact)}
    if withheld:  # for the auditor, never for the referrer (as people.selectors.person_search)
        detail["withheld"] = withheld
    audit_record(actor=actor, action="search", object_type="people.person", detail=detail)
    audit_record_many(actor=actor, action="search_result", objects=[c.person for c in found])
    return found
