"""Reads for the review queue: proposed links between agency records, and one link with both records side by side.

Every read starts from ``access.policy.record_links_visible(actor)`` (the hub's screeners and managers) and is
audited in the same transaction: a record is one agency's view of a person, so reading it is reading that person
("list" or "view" events on the people, and a "view" of the link).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

import jellyfish
from django.db import transaction
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Greatest, Least

from linkage.addresses import address_words
from linkage.names import compact, dob_variants, nickname_forms, phonetic
from openmash.access.policy import can, record_links_visible, require
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from openmash.people.identifiers import nhs_number_format
from openmash.people.linking import INTAKE_PENDING_RULE, _rejected_between, nhs_conflict
from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink

_RELATED = (
    "record_l",
    "record_r",
    "record_l__agency",
    "record_r__agency",
    "record_l__person",
    "record_r__person",
    "record_l__source_contact",
    "record_r__source_contact",
    "decided_by",
)


def _pending(actor):
    """Current proposals the actor may review between records of two different resolved people, each annotated
    with its pair of people (``people_lo``, ``people_hi``) and its strength (the match probability; a rule's
    proposal, made on a shared identifier, counts as 1). An intake join held until its contact is screened
    (``INTAKE_PENDING_RULE``, ADR 0009 addendum 2) is not listed: screening decides it."""
    return (
        record_links_visible(actor)
        .filter(valid_to__isnull=True, state=LinkState.PROPOSED)
        .exclude(rule=INTAKE_PENDING_RULE)  # held until screening: the contact's screening decides it
        .exclude(record_l__person_id=F("record_r__person_id"))
        .annotate(
            people_lo=Least("record_l__person_id", "record_r__person_id"),
            people_hi=Greatest("record_l__person_id", "record_r__person_id"),
            strength=Coalesce("match_probability", Value(1.0), output_field=FloatField()),
        )
    )


def review_queue_qs(*, actor, person_ids=None):
    """The review queue: one current proposal per pair of resolved people the actor may review -- the strongest
    record pair (highest match probability, then the oldest id) stands for the others between the same two
    people -- oldest proposal first, with both records loaded. Proposals between records already of one person are
    never listed. ``person_ids``: only pairs involving one of these resolved people (a child's page's link)."""
    require(actor, "link.review")
    stronger = _pending(actor).filter(people_lo=OuterRef("people_lo"), people_hi=OuterRef("people_hi"))
    stronger = stronger.filter(
        Q(strength__gt=OuterRef("strength")) | Q(strength=OuterRef("strength"), pk__lt=OuterRef("pk"))
    )
    qs = _pending(actor).filter(~Exists(stronger))
    if person_ids is not None:
        ids = list(person_ids)
        qs = qs.filter(Q(record_l__person_id__in=ids) | Q(record_r__person_id__in=ids))
    return qs.select_related(*_RELATED).order_by("decided_at", "pk")


def pending_for_people(*, actor, person_ids) -> int:
    """How many pairs of people in the review queue involve one of ``person_ids`` (a resolved person's id): the
    child's page's "possible other records awaiting review". 0 for anyone who may not review links."""
    if not can(actor, "link.review"):
        return 0
    return review_queue_qs(actor=actor, person_ids=person_ids).count()


def _note_others(actor, links: list) -> None:
    """Set ``link.other_records`` on each link of a queue page: how many other records of the same two people have
    proposals waiting, decided with this one (one query for the page)."""
    people = {p for link in links for p in (link.record_l.person_id, link.record_r.person_id)}
    groups: dict = {}
    if people:
        rows = (
            _pending(actor)
            .filter(record_l__person_id__in=list(people), record_r__person_id__in=list(people))
            .values_list("record_l_id", "record_r_id", "record_l__person_id", "record_r__person_id")
        )
        for left, right, pl, pr in rows:
            groups.setdefault(frozenset((pl, pr)), set()).update((left, right))
    for link in links:
        records = groups.get(frozenset((link.record_l.person_id, link.record_r.person_id)), set())
        link.other_records = len(records - {link.record_l_id, link.record_r_id})


@transaction.atomic
def review_queue(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE, person_ids=None) -> Page:
    """One page of the review queue (``review_queue_qs``: one row per pair of people) with its true total
    (openmash.core.pagination.Page of RecordLink, each with ``other_records``); ``person_ids``: only pairs involving
    these resolved people. Audited: a
    "list" event on each person whose record is shown. Raises PermissionDenied for anyone but the hub's screeners
    and managers."""
    result = paginate(review_queue_qs(actor=actor, person_ids=person_ids), page=page, page_size=page_size)
    people = {}
    for link in result.items:
        for record in (link.record_l, link.record_r):
            people[record.person_id] = record.person
    _mark_nhs_conflicts(result.items, people)
    _note_others(actor, result.items)
    for link in result.items:
        link.score_summary = score_summary(link)
        link.held_reason = held_reason(link)
    audit_record_many(actor=actor, action="list", objects=list(people.values()), reason="link review queue")
    return result


@transaction.atomic
def decided_links(*, actor, state: str, page=1, page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the current links in ``state`` ("confirmed" or "rejected"), newest decision first, with their
    true total (the API's ``GET /record-links?state=``; the review queue is ``review_queue``). Audited: a "list"
    event on each person whose record is shown. Raises PermissionDenied for anyone but the hub's screeners and
    managers, ValueError for another state."""
    if state not in (LinkState.CONFIRMED, LinkState.REJECTED):
        raise ValueError(f"not a decided state: {state!r}")
    require(actor, "link.review")
    qs = (
        record_links_visible(actor)
        .filter(valid_to__isnull=True, state=state)
        .select_related(*_RELATED)
        .order_by("-decided_at", "-pk")
    )
    result = paginate(qs, page=page, page_size=page_size)
    people = {}
    for link in result.items:
        for record in (link.record_l, link.record_r):
            people[record.person_id] = record.person
        link.nhs_conflict = False
    audit_record_many(actor=actor, action="list", objects=list(people.values()), reason=f"{state} record links")
    return result


#: How ``people.linking.link_scored`` words a scored pair a hard rule or a human's "different people" held back.
_HELD = "not linked automatically: "


def held_reason(link) -> str:
    """Why a scored pair was proposed instead of joined (a hard rule, or a reviewer's or referrer's "these are
    different people", ADR 0009), in the words ``link_scored`` stored; "" for an ordinary borderline score."""
    _, found, why = (link.reason or "").partition(_HELD)
    return why if found else ""


def _mark_nhs_conflicts(links: list, people: dict) -> None:
    """Set ``link.nhs_conflict`` on each link of a page (the rule ``people.linking.nhs_conflict`` applies), in one
    query for the whole page: the valid NHS numbers held by the records of each resolved person shown."""
    numbers: dict = {pid: set() for pid in people}
    for pid, nhs in (
        AgencyRecord.objects.filter(person_id__in=list(people))
        .exclude(nhs_number="")
        .values_list("person_id", "nhs_number")
    ):
        numbers[pid].add(nhs)
    for link in links:
        a, b = link.record_l, link.record_r
        pair = bool(a.nhs_number and b.nhs_number and a.nhs_number != b.nhs_number)
        link.nhs_conflict = pair or len(numbers[a.person_id] | numbers[b.person_id]) > 1


@dataclass
class FieldRow:
    """One line of the side-by-side comparison: the field's label, both values as shown, the evidence level
    ("exact", "similar", "different", "missing", ...), its weight (log2 Bayes factor from the scoring engine, None
    for a rule or a field it did not score) and the reason in words."""

    field: str
    label: str
    left: str
    right: str
    level: str
    weight: float | None
    reason: str

    @property
    def level_text(self) -> str:
        """The evidence level as a short tag that never repeats the reason: "Agrees", "Partly agrees",
        "Disagrees" or "Not compared" (engine levels such as "phonetic" or "jaro_winkler_0.92" are partial)."""
        if self.level in _AGREES or self.level.startswith("exact"):
            return "Agrees"
        if self.level in ("different", "else"):
            return "Disagrees"
        if self.level in ("missing", "blank", "prior", ""):
            return "Not compared"
        return "Partly agrees"

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour for ``level_text``."""
        return {"Agrees": "green", "Partly agrees": "blue", "Disagrees": "red"}.get(self.level_text, "grey")

    @property
    def weight_text(self) -> str:
        """The weight signed, one decimal ("+4.1", "−3.1" with a true minus sign); "" when there is none, and for a
        field a rule decided (a shared identifier: its reason says so; never "+0.0")."""
        return _signed(self.weight) if self.weight is not None else ""


#: Engine and rule levels that mean the field agrees ("exact_same_postcode": the same surname at the same postcode;
#: "postcode": the location comparison's "same postcode" level, shown on the postcode row).
_AGREES = frozenset({"same_nhs_number", "same_validated_identifier", "same_identifier", "swapped", "postcode"})
#: Levels at which a rule, not a weight, decides: the shared identifier joins (ADR 0005) and the engine's weight for
#: it is 0 by construction.
_RULE_LEVELS = frozenset({"same_nhs_number", "same_validated_identifier"})


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "\u2212")


_FIELDS = (
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("pnc_id", "PNC ID"),
    ("postcode", "Postcode"),
    ("address", "Address"),
)


def _shown(record: AgencyRecord, field: str) -> str:
    value = getattr(record, field)
    if field == "date_of_birth":
        return f"{value.day} {value:%B %Y}" if value else ""
    if field == "nhs_number":
        return nhs_number_format(value) if value else ""
    if field == "sex":
        return record.get_sex_display() if value and value != "U" else ""
    return value or ""


def _name_evidence(a: str, b: str, label: str) -> tuple[str, str]:
    if compact(a) == compact(b):
        return "exact", f"same {label}"
    if nickname_forms(a) & nickname_forms(b):
        return "similar", f"{label} is a short form of the other"
    if phonetic(a) and phonetic(a) == phonetic(b):
        return "similar", f"{label} sounds alike"
    if jellyfish.jaro_winkler_similarity(compact(a), compact(b)) >= 0.88:
        return "similar", f"{label} spelt similarly"
    return "different", f"different {label}"


def _evidence(field: str, left: AgencyRecord, right: AgencyRecord) -> tuple[str, str]:
    """(level, reason) for one field, computed from the two records when the link's own evidence does not cover
    it (a rule-made link scores only identifiers)."""
    a, b = getattr(left, field), getattr(right, field)
    if not a or not b or (field == "sex" and "U" in (a, b)):
        return "missing", "not known to both agencies"
    if field in ("given_name", "family_name"):
        return _name_evidence(a, b, "first name" if field == "given_name" else "surname")
    if field == "date_of_birth":
        if a == b:
            return "exact", "same date of birth"
        if b in dob_variants(a):
            return "similar", "day and month swapped"
        return "different", "different date of birth"
    label = _LOWER.get(field, dict(_FIELDS)[field].lower())
    if field == "address":
        return _address_evidence(a, b)
    if a == b:
        return "exact", f"same {label}"
    if field == "postcode" and a.split(" ")[0] == b.split(" ")[0]:
        return "similar", "same postcode district"
    return "different", f"different {label}"


#: How a field is named inside a sentence ("same postcode", "different NHS number").
_LOWER = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID"}


def _address_tokens(text: str) -> list[str]:
    """An address as comparable words, as the matching engine compares it (``linkage.addresses.address_words``):
    case and punctuation folded, street types in one spelling ("132 Marshall Drive, Jamesstad" -> ["132",
    "marshall", "dr", "jamesstad"]; "3 Birch Rd" and "3 Birch Road" alike: review finding 4)."""
    return address_words(text)


def _address_evidence(a: str, b: str) -> tuple[str, str]:
    """Two addresses compared on their normalised words: the same words, or one record's words all found in the
    other's (the same address with the town or a flat added) agree; anything else differs."""
    ta, tb = _address_tokens(a), _address_tokens(b)
    if ta == tb:
        return "exact", "same address"
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if short and (long[: len(short)] == short or set(short) <= set(long)):
        return "exact", "same address, one record gives more of it"
    return "different", "different address"


#: Where the scoring engine's comparisons (``linkage`` model names, as stored in ``RecordLink.field_weights`` by
#: ``openmash.matching.scoring``) show on the side-by-side page: postcode and address are one comparison (shown on the
#: postcode row); the identifier comparison on the row of the identifier the records hold.
_ENGINE_ROWS = {"location": "postcode"}


def _engine_key(field: str, link: RecordLink) -> str | None:
    if field in _ENGINE_ROWS.values():
        return next(k for k, v in _ENGINE_ROWS.items() if v == field)
    if field in ("nhs_number", "upn", "pnc_id"):
        held = [f for f in ("nhs_number", "upn", "pnc_id") if getattr(link.record_l, f) or getattr(link.record_r, f)]
        return "identifier" if held and held[0] == field else None
    return None


def compare_fields(link: RecordLink, engine: dict | None = None, *, fields=None) -> list[FieldRow]:
    """The side-by-side rows for a link: each field of both records with its weight and reason. The link's own
    ``field_weights`` (from the scoring engine or the rule that proposed it) win; other fields are compared here so
    that contrary evidence is never hidden (DOMAIN.md 4.4). ``engine``: the scoring engine's field weights for the
    two records as they are now (``scoring.pair_field_weights``), giving the weight of each field the link's own
    evidence leaves without one (a name and date-of-birth rule's proposal). ``fields``: the fields the reader may see
    (access.fields.field_access(actor, link, record_type="record_link").fields, the one answer): rows for others are
    left out; None lists every row (callers that show no personal data to anyone, such as the scoring tests)."""
    weights = link.field_weights or {}
    engine = engine or {}
    rows = []
    for field, label in _FIELDS:
        if fields is not None and field not in fields:
            continue
        key = _engine_key(field, link) or ""
        given = weights.get(field) or weights.get(key) or {}
        level, reason = _evidence(field, link.record_l, link.record_r)
        weight = given.get("weight")
        engine_level = (engine.get(field) or engine.get(key) or {}).get("level")
        if not isinstance(weight, (int, float)):
            weight = (engine.get(field) or engine.get(key) or {}).get("weight")
        if field in _LOWER and level == "exact" and (given.get("weight") is None or engine_level in _RULE_LEVELS):
            # a shared identifier is decided by the deterministic rule, not weighed: say so instead of "+0.0"
            how = "joined on the identifier" if link.state == LinkState.CONFIRMED else "a rule on the identifier"
            weight, given = None, {**given, "reason": f"same {_LOWER[field]}: {how}, not a weight"}
        rows.append(
            FieldRow(
                field=field,
                label=label,
                left=_shown(link.record_l, field),
                right=_shown(link.record_r, field),
                level=given.get("level") or level,
                weight=float(weight) if isinstance(weight, (int, float)) else None,
                reason=given.get("reason") or reason,
            )
        )
    return rows


@dataclass(frozen=True)
class WeightLine:
    """One term of a Fellegi-Sunter score in plain English: the field (``title``, e.g. "Date of birth"), what was
    found (``reason``, e.g. "day and month of birth swapped") and its weight in bits (log2 of how much likelier the
    finding is for the same person than for two different people; + for, - against)."""

    title: str
    reason: str
    weight: float

    @property
    def text(self) -> str:
        """ "date of birth: day and month of birth swapped, +9.0" """
        return f"{self.title.lower()}: {self.reason}, {_signed(self.weight)}"


def score_lines(field_weights: dict | None) -> list[WeightLine]:
    """The terms of an engine-scored link in the order they add up: the starting point (the prior) first, then each
    field the engine compared (blank fields say nothing and are left out), strongest evidence for first. Empty for
    a link the engine did not score (a rule's or a human's). In: ``RecordLink.field_weights``."""
    weights = field_weights or {}
    if "prior" not in weights:
        return []
    lines = [
        WeightLine(str(v.get("title") or k.replace("_", " ")), str(v.get("reason") or ""), float(v["weight"]))
        for k, v in weights.items()
        if k != "prior" and isinstance(v, dict) and isinstance(v.get("weight"), (int, float))
    ]
    lines.sort(key=lambda x: -x.weight)
    prior = weights["prior"]
    return [WeightLine("Starting point", str(prior.get("reason") or ""), float(prior["weight"])), *lines]


def score_summary(link: RecordLink) -> str:
    """One sentence for the queue: the reasons for and against from the engine's field weights, strongest first
    ("first name sounds alike, same surname; against: different sex"); "" when the engine did not score the link."""
    lines = score_lines(link.field_weights)[1:]
    found = [x.reason for x in lines if x.weight > 0]
    against = [x.reason for x in reversed(lines) if x.weight < 0]
    text = ", ".join(found)
    if against:
        text += ("; against: " if text else "Against: ") + ", ".join(against)
    return text


@dataclass
class LinkReview:
    """A link as a reviewer sees it: the row, both records side by side, the people they belong to now, whether
    confirming would override the NHS-number rule (a reason is then required), and the pair's decision history
    (oldest first)."""

    link: RecordLink
    rows: list[FieldRow]
    left_person: Person
    right_person: Person
    nhs_conflict: bool
    history: list[RecordLink]
    score: list[WeightLine] = dataclass_field(default_factory=list)
    said_different: bool = False
    # both records as the one answer renders them (access.fields.linked_record_shown): the page's other rows
    records: tuple[dict, dict] = ({}, {})

    @property
    def current(self) -> bool:
        return self.link.valid_to is None

    @property
    def total_weight(self) -> float | None:
        """The sum of ``score`` (the link's match weight, in bits), or None for a link the engine did not score."""
        return sum(x.weight for x in self.score) if self.score else None

    @property
    def total_text(self) -> str:
        """``total_weight`` signed, one decimal; "" when not scored."""
        return _signed(self.total_weight) if self.score else ""

    @property
    def percent(self) -> str:
        """The match probability as a percentage in words ("89%", "more than 99.9%"); "" when not scored."""
        p = self.link.match_probability
        if p is None:
            return ""
        if p > 0.999:
            return "more than 99.9%"
        if p < 0.001:
            return "less than 0.1%"
        return f"{p * 100:.0f}%" if 0.01 <= p <= 0.99 else f"{p * 100:.1f}%"


@transaction.atomic
def link_review_get(*, actor, link_id) -> LinkReview:
    """One link (any row of its history) with both records side by side. Audited: a "view" of the link and of each
    person whose record is shown. NotFound when the link does not exist or the actor may not review links (the
    action is checked first: PermissionDenied for anyone but the hub's screeners and managers)."""
    require(actor, "link.review")
    try:
        link = record_links_visible(actor).select_related(*_RELATED).get(pk=link_id)
    except (RecordLink.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    except Exception as exc:  # a malformed UUID
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from None
        raise
    history = list(
        RecordLink.objects.filter(record_l_id=link.record_l_id, record_r_id=link.record_r_id)
        .select_related("decided_by")
        .order_by("valid_from", "pk")
    )
    audit_record(actor=actor, action="view", obj=link, reason="link review")
    people = {link.record_l.person_id: link.record_l.person, link.record_r.person_id: link.record_r.person}
    audit_record_many(actor=actor, action="view", objects=list(people.values()), reason="link review")
    from openmash.access.fields import field_access, linked_record_shown

    access = field_access(actor, link, record_type="record_link")
    engine = {}
    if "prior" not in (link.field_weights or {}):
        from openmash.matching.scoring import pair_field_weights

        engine = pair_field_weights(link.record_l, link.record_r)
    return LinkReview(
        link=link,
        rows=compare_fields(link, engine, fields=access.fields),
        records=(linked_record_shown(access, link.record_l), linked_record_shown(access, link.record_r)),
        left_person=link.record_l.person,
        right_person=link.record_r.person,
        nhs_conflict=link.valid_to is None and nhs_conflict(link),
        history=history,
        score=score_lines(link.field_weights),
        said_different=link.valid_to is None
        and link.state == LinkState.PROPOSED
        and bool(_rejected_between([link.record_l.person_id], [link.record_r.person_id])),
    )


@dataclass
class Separation:
    """What a manager sees before separating ``person`` from the resolved person they are merged with: that
    person's own agency records, and the rest of the cluster (``resolved`` and the other people merged into it)."""

    person: Person
    resolved: Person
    others: list
    own_records: list
    other_records: list


@transaction.atomic
def separation_get(*, actor, person_id) -> Separation:
    """The separation page's data. NotFound unless the person is visible to the actor (the action is checked first:
    PermissionDenied for anyone but hub managers). A person merged with nobody comes back with no `others` and no
    other records (the page says there is nothing to separate: a person the manager may see is never answered as
    missing, and it is not a refusal; issue 6 security review). Audited: a "view" of each person in the cluster
    (reason "separate")."""
    from openmash.access.policy import person_get_for
    from openmash.people.linking import person_cluster_ids

    require(actor, "link.unmerge")
    person = person_get_for(actor, person_id)
    cluster = person_cluster_ids(person) or [person.pk]
    people = {p.pk: p for p in Person.objects.filter(pk__in=cluster)}
    records = list(AgencyRecord.objects.filter(person_id=cluster[0]).select_related("agency").order_by("received_at"))
    audit_record_many(actor=actor, action="view", objects=[people[pk] for pk in cluster], reason="separate")
    return Separation(
        person=people[person.pk],
        resolved=people[cluster[0]],
        others=[people[pk] for pk in cluster if pk != person.pk],
        own_records=[r for r in records if r.origin_person_id == person.pk],
        other_records=[r for r in records if r.origin_person_id != person.pk],
    )
