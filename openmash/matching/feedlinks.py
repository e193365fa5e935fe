"""Records from a feed that look like someone already known, without a shared identifier: proposed, never merged.

The deterministic rule (``people.linking.records_link_identifiers``) joins records that hold the same valid NHS
number, UPN or PNC ID. A record that only *looks* like another -- the same date of birth (or its day/month
transposition) and names that agree -- may be the same child, or a twin, a cousin, a namesake. Issue 6 and ADR 0005:
such a pair must not be merged silently; it goes to the MASH's review queue, where a hub worker sees both records
side by side and decides.

``feed_records_linked(records)`` is the hook the feed writer calls for each chunk of records it created or changed
(after the identifier rule ran). Today it scores candidates with the explained rules of ``matching.candidates``
(the intake lookup's); the Fellegi-Sunter engine (``linkage``) replaces ``_pair_evidence`` with its match weights
and thresholds, keeping the blocking, the "never merge without a human" contract and the return value.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from linkage.names import dob_variants
from openmash.matching.candidates import MIN_SCORE, _score
from openmash.people.linking import link_nhs_conflict_propose, link_propose
from openmash.people.models import AgencyRecord, LinkState, RecordLink

#: ``RecordLink.rule`` of the proposals made here.
RULE = "name+dob"
#: Records of other people read per chunk at most (a date of birth is shared by about 1 in 6,000 children; a chunk
#: of 2,000 records blocks on at most 4,000 dates).
BLOCK_CAP = 50_000
_FIELDS = ("pk", "agency_id", "source_feed", "person_id", "given_name", "family_name", "date_of_birth", "sex")
_FIELDS += ("postcode", "nhs_number")
_FIRST = ("same first name", "first name is a short form of the other", "first name sounds alike")
_FIRST += ("first name spelt similarly",)
_SURNAME = ("same surname", "shares part of the surname", "surname sounds alike", "surname spelt similarly")
_DOB = ("same date of birth", "day and month of birth swapped")


def _nhs_differ(record: AgencyRecord, other: AgencyRecord) -> bool:
    return bool(record.nhs_number and other.nhs_number and record.nhs_number != other.nhs_number)


def _pair_evidence(
    record: AgencyRecord, other: AgencyRecord, *, nhs_conflict: bool = False
) -> tuple[float, list[str]] | None:
    """(points, reasons) when `other` is a clear name and date-of-birth candidate for `record`, else None.

    Clear means: the dates of birth agree (or are day/month transposed), both the first name and the surname agree
    in some way (exact, nickname, sounds alike, spelt similarly, part of a multi-word surname) or they are swapped,
    and the points of ``matching.candidates._score`` reach its ``MIN_SCORE``. A twin (same surname, date of birth
    and postcode, another first name) is not a clear candidate. Two records with different valid NHS numbers are
    never candidates here (ADR 0005) unless ``nhs_conflict`` is set: then the names and date of birth are judged
    as for any pair, and the caller puts the pair to a reviewer only when the engine's other fields clear the upper
    threshold (``_nhs_conflict_proposals``)."""
    if _nhs_differ(record, other) and not nhs_conflict:
        return None
    details = {
        "forename": record.given_name,
        "surname": record.family_name,
        "date_of_birth": record.date_of_birth,
        "postcode": record.postcode,
        "sex": record.sex,
    }
    points, reasons, _ = _score(details, other)
    said = set(reasons)
    names = "first and last names swapped" in said or (said & set(_FIRST) and said & set(_SURNAME))
    if points < MIN_SCORE or not names or not said & set(_DOB):
        return None
    return points, reasons


def _note_candidate(record: AgencyRecord, other: AgencyRecord, best: dict, conflicts: dict) -> None:
    """Keep ``other`` as ``record``'s best candidate of its person (``best``: person -> (points, reasons, record)),
    or, when the two hold different valid NHS numbers but look alike, as a pair for the engine to judge
    (``conflicts``: person -> record; ``_nhs_conflict_proposals``)."""
    if _nhs_differ(record, other):
        if _pair_evidence(record, other, nhs_conflict=True):
            conflicts.setdefault(other.person_id, other)
        return
    found = _pair_evidence(record, other)
    if found and (other.person_id not in best or found[0] > best[other.person_id][0]):
        best[other.person_id] = (found[0], found[1], other)


def _proposed_between(person_a, person_b) -> bool:
    """Whether a proposal already waits between a record of one resolved person and a record of the other (one
    review decides them both: a second proposal for the same two people would only be noise in the queue)."""
    return (
        RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED)
        .filter(
            Q(record_l__person_id=person_a, record_r__person_id=person_b)
            | Q(record_l__person_id=person_b, record_r__person_id=person_a)
        )
        .exists()
    )


def feed_records_linked(records: Sequence[AgencyRecord], *, actor=None) -> int:
    """Propose a link to the review queue for each record of a feed chunk that clearly looks like a record of
    another resolved person (``_pair_evidence``): name and date of birth, no shared identifier. Never confirms:
    only a hub worker joins such a pair (``link_confirm``).

    In: the records a feed chunk created or changed (after the identifier rule ran; their ``person_id`` is re-read
    here); ``actor`` for the audit (None: "openmash:linking"). Records of the same agency's feeds are not compared
    with each other (an agency's two ids are its own business). One blocking query per call (on the indexed date of
    birth), then one ``link_propose`` per proposal, best candidate record per other person, none when a proposal already waits between the two people.
    Out: the number of
    proposals written or kept (a pair already decided, or already one person, is left alone). Call inside the
    import's transaction."""
    dated = [r for r in records if r.date_of_birth]
    if not dated:
        return 0
    current = dict(AgencyRecord.objects.filter(pk__in=[r.pk for r in dated]).values_list("pk", "person_id"))
    days = set()
    for r in dated:
        days |= dob_variants(r.date_of_birth)
    by_day: dict = {}
    for other in AgencyRecord.objects.filter(date_of_birth__in=sorted(days)).only(*_FIELDS[1:])[:BLOCK_CAP]:
        by_day.setdefault(other.date_of_birth, []).append(other)
    proposed = 0
    for r in dated:
        person = current.get(r.pk)
        best: dict = {}
        conflicts: dict = {}  # other person -> a record with another valid NHS number that looks like this one
        for day in dob_variants(r.date_of_birth):
            for other in by_day.get(day, ()):
                if other.pk == r.pk or other.person_id == person:
                    continue
                if other.agency_id == r.agency_id and other.source_feed and r.source_feed:
                    continue
                _note_candidate(r, other, best, conflicts)
        for _points, reasons, other in best.values():
            if _proposed_between(person, other.person_id):
                continue
            link = link_propose(
                actor=actor,
                record_a_id=r.pk,
                record_b_id=other.pk,
                field_weights={},
                rule=RULE,
                reason="Looks like the same person, with no shared identifier: " + ", ".join(reasons),
            )
            proposed += link is not None
        proposed += _nhs_conflict_proposals(r, person, conflicts, actor=actor, skip=set(best))
    return proposed


def _nhs_conflict_proposals(record: AgencyRecord, person, conflicts: dict, *, actor, skip: set) -> int:
    """Put to a reviewer each record of another person that looks like ``record`` but holds another valid NHS
    number, when the engine's other fields clear the upper threshold (``matching.scoring.nhs_conflict_score``):
    never joined automatically, with the conflict stated (``people.linking.link_nhs_conflict_propose``). Source:
    practitioner review of issue 6, finding 2 (a duplicate NHS registration was never shown to anyone)."""
    from openmash.matching.scoring import nhs_conflict_score

    done = 0
    for other_person, other in conflicts.items():
        if other_person in skip or _proposed_between(person, other_person):
            continue
        scored = nhs_conflict_score(record, other)
        if scored is None:
            continue
        link = link_nhs_conflict_propose(
            actor=actor,
            record_a_id=record.pk,
            record_b_id=other.pk,
            match_weight=scored["match_weight"],
            other_fields_probability=scored["probability"],
            field_weights=scored["field_weights"],
            upper_threshold=scored["upper"],
        )
        done += link is not None
    return done


__all__ = ["RULE", "feed_records_linked"]
