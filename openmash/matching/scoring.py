"""Probabilistic person matching in the platform: agency records scored by the ``linkage`` engine (issue 6, ADR 0005).

For a set of agency records (new ones from a feed import, an intake, or ``openmash link records``) this

1. **blocks**: finds the existing records worth comparing through indexes, never by scanning every record --
   ``SearchKey`` rows (``openmash.people.search_index``) with the same surname sound born the same year, or the same
   first-name sound with the same date of birth read either way round; and ``AgencyRecord`` rows at the same
   postcode (indexed). Each query is capped (``BLOCK_CAP`` rows);
2. **scores** each pair with the partnership's Fellegi-Sunter model (``model_get``: the newest ``LinkageModel``
   trained by ``openmash link train``; before any training, the engine's model trained on generated people), with
   term-frequency adjustment of exact names from the search index once the partnership holds
   ``TF_MIN_PEOPLE`` people (below that every name is "common" and the trained average is used);
3. **decides** through ``openmash.people.linking.link_scored`` (the only writer of links): at or above the
   partnership's upper threshold the link is confirmed automatically; between the thresholds it is proposed for
   the review queue; below the lower threshold nothing is stored. A pair without a shared validated identifier whose
   first names or surnames disagree is never confirmed automatically, only proposed, and the sibling pattern (same
   surname, date of birth and address, different first names) is neither confirmed nor proposed
   (``linkage.scoring.automatic_link_holds``, with its source). Hard rules: two records with different valid NHS
   numbers are never linked (the engine gives them probability 0, and ``link_scored`` checks the resolved people
   again); placeholder identifiers are never stored on a record, so never count; a pair with a current decision
   (confirmed or rejected) is never proposed again; no automatic join puts two records one agency holds under its
   own different local ids in one person (``linking`` rule 4: proposed instead). A chunk's pairs are decided
   strongest first (``_strongest_first``), so of two links that cannot both stand the stronger one does. Pairs sharing a valid identifier are the deterministic rule's
   (``linking.records_link_identifiers``, run when a record is stored) and are skipped here.

Each link stores its match weight, probability and per-field weights
(``{comparison: {"weight", "level", "reason", "title"}}`` plus ``"prior"``) so the review page can explain it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from linkage.clustering import ambiguous_pairs
from linkage.config import ModelConfig
from linkage.linker import fallback_model, train
from linkage.names import compact, dob_variants, phonetic
from linkage.records import INPUT_COLUMNS, encode, normalise_records, validate_records
from linkage.scoring import HOLD_REASONS, HOLD_SIBLINGS, explain, score_pairs
from openmash.accounts.models import Agency
from openmash.matching.models import LinkageModel, RecordScore
from openmash.partnership.selectors import partnership_settings_get
from openmash.people import linking
from openmash.people.models import AgencyRecord, LinkState, Person, SearchKey
from openmash.people.search_index import KIND_FAMILY, KIND_FAMILY_PHONETIC, KIND_GIVEN, KIND_GIVEN_PHONETIC

__all__ = [
    "CHUNK",
    "ScoreSummary",
    "model_get",
    "model_train",
    "pair_field_weights",
    "records_due",
    "records_due_score",
    "records_score",
    "thresholds_get",
]

#: Records scored per transaction (and per round of blocking queries).
CHUNK = 200
#: Rows read per blocking query at most (a guard against a key that is not really a key).
BLOCK_CAP = 5000
#: SearchKey OR-clauses per query (SQLite limits an expression's depth to 1000).
_CLAUSES = 100
#: Exact names are adjusted for their frequency only once the partnership holds this many people.
TF_MIN_PEOPLE = 1000
_FIELDS = ("pk", "person_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address")
_IDENTS = ("nhs_number", "upn", "pnc_id")


@dataclass
class ScoreSummary:
    """What one scoring run did: ``records`` scored, candidate ``pairs`` compared, links ``confirmed`` automatically
    and ``proposed`` for review (written or refreshed now)."""

    records: int = 0
    pairs: int = 0
    confirmed: int = 0
    proposed: int = 0

    def __iadd__(self, other: ScoreSummary) -> ScoreSummary:
        self.records += other.records
        self.pairs += other.pairs
        self.confirmed += other.confirmed
        self.proposed += other.proposed
        return self


def model_get() -> tuple[ModelConfig, LinkageModel | None]:
    """The model scoring uses now: the newest ``LinkageModel`` (trained on the partnership's records), or, before any
    training, the engine's model trained on generated people (``linkage.linker.fallback_model``; built once per
    process, a few seconds). Out: (model, the stored row or None)."""
    row = LinkageModel.objects.order_by("-created_at", "-pk").first()
    if row is None:
        return fallback_model("dedupe"), None
    return ModelConfig.from_dict(row.model), row


class TooFewRecords(ValueError):
    """The partnership's records give EM too few candidate pairs to learn from (a new partnership)."""


def model_train(*, sample: int = 500_000, trained_by: str = "openmash link train", progress=None) -> LinkageModel:
    """Train the Fellegi-Sunter model by EM on the partnership's own agency records (no labels) and store it as the
    model scoring uses from now on (a new ``LinkageModel`` row; earlier rows are kept).

    In: ``sample``: at most this many records are read (the first by id: ids are random UUIDs, so this is a random
    sample), in chunks of 5,000; ``progress``: called with the number of records read. Out: the stored row. Raises
    ``TooFewRecords`` (nothing stored; the shipped default stays in use) when the records are too few to train on.
    Audited: one "train" event by the system with the number of records (no personal data leaves the process)."""
    from openmash.audit.services import audit_record

    frames, read, last = [], 0, None
    columns = (*_FIELDS, *_IDENTS)
    while read < sample:
        qs = AgencyRecord.objects.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values(*columns)[: min(5000, sample - read)])
        if not rows:
            break
        frames.append(_frame(rows))
        read += len(rows)
        last = rows[-1]["pk"]
        if progress is not None:
            progress(read)
    if not frames:
        raise TooFewRecords("there are no agency records to train on")
    try:
        model = train(pd.concat(frames, ignore_index=True))
    except ValueError as exc:
        if "too few" not in str(exc):
            raise
        raise TooFewRecords(f"{read} agency records are too few to train on") from None
    with transaction.atomic():
        row = LinkageModel.objects.create(model=model.to_dict(), records=read, trained_by=trained_by[:100])
        audit_record(
            actor=None,
            username="openmash:matching",
            action="train",
            obj=row,
            detail={"records": read, "prior": model.probability_two_random_records_match},
        )
    return row


def thresholds_get() -> tuple[float, float]:
    """(lower, upper) match-probability thresholds from the partnership settings (defaults 0.5 and 0.95). A lower
    threshold set above the upper counts as the upper (nothing is then proposed, only confirmed)."""
    s = partnership_settings_get()
    upper = float(s.link_upper_threshold)
    return min(float(s.link_lower_threshold), upper), upper


def records_due(*, since: dt.datetime | None = None):
    """Agency records not yet scored, or received (superseded in place) after they were last scored; ``since``: only
    records received at or after it (aware datetime). A queryset, in no particular order."""
    qs = AgencyRecord.objects.filter(Q(match_score__isnull=True) | Q(match_score__scored_at__lt=F("received_at")))
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    return qs


# --- blocking -------------------------------------------------------------------------------------------------------


def _year(d: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)


def _candidate_ids(rows: list[dict]) -> set[uuid.UUID]:
    """Ids of existing records sharing a blocking key with any of ``rows`` (see the module docstring)."""
    clauses = []
    for r in rows:
        dob = r["date_of_birth"]
        if dob is None:
            continue
        family, given = phonetic(r["family_name"]), phonetic(r["given_name"])
        if family:
            clauses.append(Q(kind=KIND_FAMILY_PHONETIC, key=family, dob__range=_year(dob)))
        if given:
            clauses.append(Q(kind=KIND_GIVEN_PHONETIC, key=given, dob__in=sorted(dob_variants(dob))))
    people: set = set()
    for i in range(0, len(clauses), _CLAUSES):
        q = reduce(or_, clauses[i : i + _CLAUSES])
        people.update(SearchKey.objects.filter(q).values_list("person_id", flat=True).distinct()[:BLOCK_CAP])
    ids: set = set()
    people_list = list(people)
    for i in range(0, len(people_list), 500):
        ids.update(
            AgencyRecord.objects.filter(origin_person_id__in=people_list[i : i + 500]).values_list("pk", flat=True)
        )
    postcodes = sorted({r["postcode"] for r in rows if r["postcode"]})
    if postcodes:
        ids.update(AgencyRecord.objects.filter(postcode__in=postcodes).values_list("pk", flat=True)[:BLOCK_CAP])
    return ids


# --- scoring --------------------------------------------------------------------------------------------------------


def _frame(rows: list[dict]) -> pd.DataFrame:
    """The engine's batch columns for records (``linkage.records.INPUT_COLUMNS``); one identifier per record: the
    NHS number, else the UPN, else the PNC ID (only valid, non-placeholder values are ever stored on a record)."""
    out = []
    for r in rows:
        out.append(
            {
                "record_id": str(r["pk"]),
                "given_name": r["given_name"] or "",
                "family_name": r["family_name"] or "",
                "date_of_birth": r["date_of_birth"].isoformat() if r["date_of_birth"] else "",
                "sex": r["sex"] if r["sex"] in ("M", "F") else "",
                "postcode": r["postcode"] or "",
                "address": r["address"] or "",
                "identifier": r["nhs_number"] or r["upn"] or r["pnc_id"] or "",
            }
        )
    return pd.DataFrame(out, columns=list(INPUT_COLUMNS))


class _Frequencies:
    """Name frequencies among the partnership's people, from the search index (exact folded names), per run."""

    def __init__(self) -> None:
        self.people = Person.objects.count()
        self.enabled = self.people >= TF_MIN_PEOPLE

    def apply(self, f, rows: list[dict]) -> None:
        if not self.enabled:
            return
        for field, kind, column in (("given_tf", KIND_GIVEN, "given_name"), ("family_tf", KIND_FAMILY, "family_name")):
            keys = [compact(r[column]) for r in rows]
            counts = dict(
                SearchKey.objects.filter(kind=kind, key__in=sorted({k for k in keys if k}))
                .values("key")
                .annotate(n=Count("person_id", distinct=True))
                .values_list("key", "n")
            )
            tf = np.array([counts.get(k, 1) / self.people if k else 0.0 for k in keys], dtype=np.float64)
            setattr(f, field, tf)


def _field_weights(model: ModelConfig, f, i: int, j: int, tf: bool) -> dict:
    e = explain(model, f, i, j, term_frequencies=tf)
    weights = {
        x.comparison: {"weight": round(x.weight, 3), "level": x.level, "reason": x.reason, "title": x.title}
        for x in e.fields
        if x.reason
    }
    weights["prior"] = {
        "weight": round(e.prior_weight, 3),
        "level": "prior",
        "reason": "how likely two records picked at random are the same person",
        "title": "Starting point",
    }
    return weights


def pair_field_weights(left: AgencyRecord, right: AgencyRecord) -> dict:
    """The scoring engine's per-field weights for two records as they are now (``{comparison: {"weight", "level",
    "reason", "title"}}`` plus ``"prior"``), with the model scoring uses (``model_get``), without term-frequency
    adjustment: for showing the weight of each field on a link the engine did not score (a rule's proposal).
    Writes nothing. Out: the weights; {} when the records cannot be scored (no names)."""
    model, _ = model_get()
    rows = [{c: getattr(r, c) for c in (*_FIELDS, *_IDENTS)} for r in (left, right)]
    try:
        f = encode(normalise_records(validate_records(_frame(rows), label="agency records")))
    except ValueError:
        return {}
    return _field_weights(model, f, 0, 1, False)


def nhs_conflict_score(left: AgencyRecord, right: AgencyRecord) -> dict | None:
    """The engine's view of two records with different valid NHS numbers, leaving the NHS numbers aside: for the
    import's name-and-date-of-birth step (``matching.feedlinks``), which proposes such a pair only when its other
    fields clear the partnership's upper threshold (``_nhs_conflicts_to_review``, the rule scoring applies). Writes
    nothing. In: two records. Out: ``{"match_weight", "probability", "field_weights", "upper"}`` when the pair
    qualifies, else None (below the threshold, taken for siblings or twins, or not scorable)."""
    model, _ = model_get()
    _, upper = thresholds_get()
    found = {r["pk"]: r for r in AgencyRecord.objects.filter(pk__in=[left.pk, right.pk]).values(*_FIELDS, *_IDENTS)}
    if len(found) != 2:
        return None
    rows = [found[left.pk], found[right.pk]]
    try:
        f = encode(normalise_records(validate_records(_frame(rows), label="agency records")))
    except ValueError:
        return None
    scores = score_pairs(model, f, np.array([0], dtype=np.int32), np.array([1], dtype=np.int32), term_frequencies=False)
    if not len(_nhs_conflicts_to_review(scores, upper)):
        return None
    return {
        "match_weight": float(scores.match_weight[0]),
        "probability": float(_other_fields_probability(scores.match_weight[0])),
        "field_weights": _field_weights(model, f, 0, 1, False),
        "upper": upper,
    }


def _score_chunk(*, actor, ids: list, model: ModelConfig, lower: float, upper: float, freq: _Frequencies):
    summary = ScoreSummary()
    columns = (*_FIELDS, *_IDENTS, "agency_id", "local_id")
    mine = list(AgencyRecord.objects.filter(pk__in=ids).values(*columns))
    if not mine:
        return summary
    summary.records = len(mine)
    others = _candidate_ids(mine) - {r["pk"] for r in mine}
    rows = list(mine)
    other_list = sorted(others)
    for i in range(0, len(other_list), 500):
        rows.extend(AgencyRecord.objects.filter(pk__in=other_list[i : i + 500]).values(*columns))
    position = {r["pk"]: n for n, r in enumerate(rows)}
    # Pairs: each record of the chunk with every other record found (the chunk's own records among them).
    pairs = set()
    mine_ids = {r["pk"] for r in mine}
    for a, b in _pairs_by_block(mine, rows):
        if a != b and (a in mine_ids or b in mine_ids):
            pairs.add((a, b) if str(a) < str(b) else (b, a))
    if pairs:
        ordered = sorted(pairs, key=lambda p: (str(p[0]), str(p[1])))
        left = np.array([position[a] for a, _ in ordered], dtype=np.int32)
        right = np.array([position[b] for _, b in ordered], dtype=np.int32)
        f = encode(normalise_records(validate_records(_frame(rows), label="agency records")))
        freq.apply(f, rows)
        scores = score_pairs(model, f, left, right, term_frequencies=freq.enabled)
        summary.pairs = len(ordered)
        person = {r["pk"]: r["person_id"] for r in rows}
        ambiguous = _ambiguous_joins(rows, scores, left, right, lower, upper)
        for k in _strongest_first(scores, lower):
            a, b = ordered[k]
            if scores.rule[k] == 1 or person[a] == person[b]:
                continue  # the deterministic rule's pair, or already one person
            if scores.hold[k] == HOLD_SIBLINGS:
                continue  # likely siblings or twins: neither joined nor proposed (automatic_link_holds)
            link = linking.link_scored(
                actor=actor,
                record_a_id=a,
                record_b_id=b,
                match_weight=float(scores.match_weight[k]),
                match_probability=float(scores.match_probability[k]),
                field_weights=_field_weights(model, f, int(left[k]), int(right[k]), freq.enabled),
                lower_threshold=lower,
                upper_threshold=upper,
                hold_reason=HOLD_REASONS.get(int(scores.hold[k]), "") or ambiguous.get(k, ""),
                # a clear case (same date of birth and address, names agree: linkage.scoring.clear_same_person)
                # is joined from the lower threshold up
                clear_case=bool(scores.clear is not None and scores.clear[k]),
            )
            if link is not None and link.state == LinkState.CONFIRMED:
                summary.confirmed += 1  # (link_scored reads who is one person now: merges need no refresh here)
            elif link is not None:
                summary.proposed += 1
        summary.proposed += _propose_nhs_conflicts(
            actor=actor,
            model=model,
            f=f,
            scores=scores,
            pairs=(ordered, left, right),
            person=person,
            upper=upper,
            tf=freq.enabled,
        )
    return summary


def _ambiguous_joins(rows: list[dict], scores, left, right, lower: float, upper: float) -> dict[int, str]:
    """The chunk's pairs that two records of one agency make ambiguous (``linkage.clustering.ambiguous_pairs``): a
    record that two records one agency holds apart (under its own different record ids, not already one person,
    not sharing an identifier) would each join automatically could be either of that agency's two people, so none of
    its joins is automatic; each is proposed with the reason. Only an agency's own records count (not the records
    OpenMASH made for a person named in a contact: ``linking.LOCAL_ID_PREFIX``), as for rule 4 of
    ``people.linking``. Out: {pair position: reason naming the agency, never a value}. Source: issue 8 and the
    pattern bench's trap TR15 (ADR 0005 addendum 7)."""
    automatic = (
        (scores.rule == 0)
        & (scores.hold == 0)
        & (
            (scores.match_probability >= upper)
            | ((scores.match_probability >= lower) & (scores.clear if scores.clear is not None else False))
        )
    )
    if not automatic.any():
        return {}
    codes: dict = {}
    agency = np.array(
        [
            -1 if r["local_id"].startswith(linking.LOCAL_ID_PREFIX) else codes.setdefault(r["agency_id"], len(codes))
            for r in rows
        ],
        dtype=np.int64,
    )
    people: dict = {}
    person = np.array([people.setdefault(r["person_id"], len(people)) for r in rows], dtype=np.int64)
    values: dict = {}
    identifier = np.array(
        [values.setdefault(v, len(values)) if (v := r["nhs_number"] or r["upn"] or r["pnc_id"]) else -1 for r in rows],
        dtype=np.int64,
    )
    held = ambiguous_pairs(left, right, automatic, agency, person=person, identifier=identifier)
    if not (held >= 0).any():
        return {}
    names = dict(Agency.objects.filter(pk__in=list(codes)).values_list("pk", "name"))
    by_code = {code: names.get(pk, "one agency") for pk, code in codes.items()}
    return {
        int(k): f"{by_code[int(held[k])]} holds two records apart that could each be this person: which of its two "
        "people this is, a human must decide"
        for k in np.flatnonzero(held >= 0)
    }


def _propose_nhs_conflicts(*, actor, model, f, scores, pairs, person: dict, upper: float, tf: bool) -> int:
    """Put the chunk's pairs with different valid NHS numbers whose other fields agree strongly to a reviewer
    (``_nhs_conflicts_to_review``, ``linking.link_nhs_conflict_propose``). Out: the number of proposals."""
    ordered, left, right = pairs
    done = 0
    for k in _nhs_conflicts_to_review(scores, upper):
        a, b = ordered[k]
        if person[a] == person[b]:
            continue
        link = linking.link_nhs_conflict_propose(
            actor=actor,
            record_a_id=a,
            record_b_id=b,
            match_weight=float(scores.match_weight[k]),
            other_fields_probability=float(_other_fields_probability(scores.match_weight[k])),
            field_weights=_field_weights(model, f, int(left[k]), int(right[k]), tf),
            upper_threshold=upper,
        )
        done += link is not None
    return done


def _other_fields_probability(weight) -> np.ndarray:
    """The match probability of the fields other than the identifiers: ``Scores.match_weight`` is the weight before
    the rules (prior included; a rule level adds no weight), turned into a probability as the engine does."""
    return 1.0 / (1.0 + np.exp2(-np.clip(np.asarray(weight, dtype=float), -1000, 1000)))


def _nhs_conflicts_to_review(scores, upper: float) -> np.ndarray:
    """Positions of the pairs the never-link rule stopped (two different valid NHS numbers: probability 0) whose
    other fields agree strongly -- their probability without the identifiers at or above the partnership's upper
    threshold -- and that the engine did not take for siblings or twins (``HOLD_SIBLINGS``): these go to the review
    queue, never joined automatically (``linking.link_nhs_conflict_propose``). Strongest first.

    Source: practitioner review of issue 6, finding 2: two records with the same name, date of birth and address
    but different valid NHS numbers (a duplicate NHS registration, a temporary number) were never shown to anyone --
    "0 joined automatically, 0 sent to the review queue" -- and search showed two identical children. The rule
    "different valid NHS numbers are never linked automatically" (issue 6) stands; a human decides, with a reason
    (``linking.link_confirm``)."""
    never = np.flatnonzero(scores.rule == -1)
    if not len(never):
        return never
    other = _other_fields_probability(scores.match_weight[never])
    keep = (other >= upper) & (scores.hold[never] != HOLD_SIBLINGS)
    chosen, strength = never[keep], other[keep]
    return chosen[np.argsort(-strength, kind="stable")]


def _strongest_first(scores, lower: float) -> np.ndarray:
    """Positions of the pairs at or above ``lower``, in the order they are decided: clear cases first
    (``linkage.scoring.clear_same_person``: names agree, same date of birth, same home), then by match probability,
    highest first (ties in pair order). Links are decided one at a time and each can close the door on another (two
    NHS numbers in one person, two records of one agency: ``people.linking``), so the strongest evidence decides
    which of two conflicting links stands, as in the engine's own clustering (``linkage.clustering``). Source: the
    pattern bench's trap TR03 (December 2026): a school's record of one boy joined his namesake across town, decided
    before the same-home match with his own GP record that would have stopped it."""
    idx = np.flatnonzero(scores.match_probability >= lower)
    clear = np.zeros(len(scores.match_probability), dtype=bool) if scores.clear is None else scores.clear
    return idx[np.lexsort((-scores.match_probability[idx], ~clear[idx]))]


def _pairs_by_block(mine: list[dict], rows: list[dict]) -> Iterable[tuple]:
    """Candidate pairs of the chunk's records with the rows read, keeping those that share a blocking key in memory
    too (the database blocks were unions over the whole chunk): surname sound + year of birth, first-name sound +
    date of birth either way round, postcode."""
    index: dict[tuple, list] = {}

    def keys(r: dict) -> set[tuple]:
        out = set()
        dob = r["date_of_birth"]
        if dob is not None:
            family, given = phonetic(r["family_name"]), phonetic(r["given_name"])
            if family:
                out.add(("fy", family, dob.year))
            if given:
                out.update(("gd", given, d) for d in dob_variants(dob))
        if r["postcode"]:
            out.add(("pc", r["postcode"]))
        return out

    for r in rows:
        for key in keys(r):
            index.setdefault(key, []).append(r["pk"])
    for r in mine:
        for key in keys(r):
            for other in index.get(key, ()):
                yield r["pk"], other


def _chunks(records: Iterable, size: int):
    chunk: list = []
    for r in records:
        chunk.append(r.pk if isinstance(r, AgencyRecord) else r)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def records_score(
    records: Iterable,
    actor=None,
    *,
    progress: Callable[[int], None] | None = None,
) -> ScoreSummary:
    """Score agency records against the partnership's other records and act on the scores (module docstring).

    For the feed importer after a batch (``records_score(batch_records, actor)``), for intake, and for ``openmash
    link records``. In: ``records``, any iterable of ``AgencyRecord`` or record ids (consumed in chunks of ``CHUNK``,
    each scored and committed in its own transaction, so a million-record batch streams in bounded memory);
    ``actor``: who the link decisions are audited as (None: the system, "openmash:linking"); ``progress``: called
    with the number of records done after each chunk. Out: a ``ScoreSummary``. Each record is marked scored
    (``RecordScore``) with the model used. Raises ``linkage.ConfigError`` if the stored model is invalid."""
    model, row = model_get()
    lower, upper = thresholds_get()
    freq = _Frequencies()
    total = ScoreSummary()
    for ids in _chunks(records, CHUNK):
        with transaction.atomic():
            total += _score_chunk(actor=actor, ids=ids, model=model, lower=lower, upper=upper, freq=freq)
            now = timezone.now()
            present = list(AgencyRecord.objects.filter(pk__in=ids).values_list("pk", flat=True))
            RecordScore.objects.bulk_create(
                [RecordScore(record_id=pk, scored_at=now, model=row) for pk in present],
                update_conflicts=True,
                unique_fields=["record"],
                update_fields=["scored_at", "model"],
            )
        if progress is not None:
            progress(total.records)
    return total


def records_due_ids(*, since: dt.datetime | None = None) -> Iterable:
    """The ids of the records due for scoring (``records_due``) in id order, read a page at a time (records drop out
    of "due" as they are scored, so the pages stay small)."""
    last = None
    while True:
        qs = records_due(since=since).order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        page = list(qs.values_list("pk", flat=True)[: CHUNK * 10])
        if not page:
            return
        yield from page
        last = page[-1]


def records_due_score(actor=None, *, progress: Callable[[int], None] | None = None) -> ScoreSummary:
    """Score every record due (``records_due``): new intake records (contacts and amendments store their records
    unscored, ADR 0009), records superseded since they were scored, and an import's records. What ``openmash link
    records`` runs, and what the feed importer runs after each successful import (``openmash import``; a browser
    import when ``OPENMASH_SCORE_AFTER_IMPORT`` is on). In: who the decisions are audited as (None: the system).
    Out: a ``ScoreSummary``."""
    return records_score(records_due_ids(), actor, progress=progress)
