"""THE service that writes agency records and the links between them, and derives the resolved people (ADR 0005).

Nothing else writes ``AgencyRecord.person``, ``Person.merged_into`` or ``RecordLink`` rows.

The model, in short:

- an **agency record** is one agency's view of one person (``AgencyRecord``); its ``origin_person`` is fixed;
- a **link** is a decision about a pair of records (proposed / confirmed / rejected), append-only: a change closes
  the current row (``valid_to``) and writes a new one;
- the **resolved people** are the connected components of the graph whose nodes are origin people and whose edges
  are the current confirmed links between their records. The canonical person of a component is the origin person
  created first (ties by id); every other person in it gets ``merged_into`` = canonical (always the canonical
  itself, never a chain), and every record in it gets ``person`` = canonical.

Contacts, chronology entries, referrals and allocations keep pointing at the person they were recorded against;
reads go over the cluster (``person_cluster_ids``). Unmerging recomputes the components, so both people and what
each of those rows points at come back exactly as they were.

Hard rules (enforced here before any confirmation; the scoring engine enforces them too):

1. two records whose valid NHS numbers differ -- or a link that would put two different valid NHS numbers in one
   resolved person -- are never linked automatically; a human may confirm such a pair only with a reason;
2. a placeholder identifier never links anything: record identifier columns hold only valid, normalised,
   non-placeholder values (``openmash.people.identifiers``), and only those columns are compared;
3. an automatic rule never overrides a human decision: a pair a human rejected stays rejected, and a pair that
   would join two people a human separated goes to the review queue instead of being confirmed;
4. an agency's own distinct records are a cannot-link (issue 8, "never merge two children to make a pattern"): no
   automatic rule puts two records one agency holds under different local ids in one resolved person, directly or
   through other records; the link that would do it is proposed for review instead (``_agency_keeps_apart``),
   unless the agency's two records carry the same valid identifier (its own duplicate of one person). A
   human may still confirm it. Records OpenMASH itself made for an agency (``LOCAL_ID_PREFIX``: a person named in a
   contact) are not the agency's own ids and constrain nothing.

Every write runs in one transaction with its audit events; concurrent decisions on one link are settled by a
row lock and a conditional update (the loser gets ``Conflict``), and recomputing a cluster locks its people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkage.names import compact, dob_variants, nickname_forms, phonetic, tokens
from openmash.access.policy import can, person_get_for, record_links_visible, require
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.bulk import rows_insert
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.core.text import TextRefused, clean_text, normalise_name
from openmash.people.choices import AddressStatus, PersonKind, Sex
from openmash.people.identifiers import identifier_is_placeholder, identifier_normalise
from openmash.people.models import (
    Address,
    AgencyRecord,
    LinkRejection,
    LinkState,
    Person,
    PersonIdentifier,
    RecordLink,
)
from openmash.people.search_index import search_keys_refresh

#: The identifier columns of a record, compared by the deterministic rule.
IDENTIFIER_FIELDS: tuple[str, ...] = ("nhs_number", "upn", "pnc_id")
IDENTIFIER_LABELS: dict[str, str] = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID"}
#: How a record made inside OpenMASH (a contact naming a person, or the issue-6 migration) names the person in its
#: agency: one record per agency and person, so the id is stable and re-recording never duplicates.
LOCAL_ID_PREFIX = "openmash-person:"
REASON_MAX = 500
#: ``RecordLink.rule`` of links a human decided; automatic rules name the identifiers (``nhs_number``, ...).
HUMAN_RULE = "reviewer"
#: ``RecordLink.rule`` of links the Fellegi-Sunter scoring decided or proposed (``openmash.matching.scoring``).
MATCHING_RULE = "matching"
#: ``RecordLink.rule`` of a referrer's "not this person" at intake or on amendment (ADR 0009): a rejected link between
#: the new person's record and each record of the person they said it is not -- or, where the two records share a
#: valid identifier (evidence against the referrer), a proposal the hub must settle. Either one is a cannot-link no
#: automatic rule breaks; only a hub reviewer may override it (``link_confirm``, with a reason, audited).
REFERRER_RULE = "referrer_at_intake"
REFERRER_REASON = "The referrer said at intake this is not the same person"
#: ``RecordLink.rule`` of an intake join held until screening (ADR 0009 addendum 2): a contact's new person whose
#: record shares a valid identifier with -- and agrees in name and date of birth with -- a record of someone already
#: known is *resolved* to that person (``ContactPerson.person``), but the referrer's record keeps its own origin
#: person and waits on a proposed link with this rule. Screening confirms it (``intake_links_confirm``, rule
#: ``SCREENING_RULE``); the screener's "not the same child", a manager's ``link_end`` or ``person_separate`` reject
#: it (``intake_link_reject``). The review queue does not list it. The held record of such a link is the one stored
#: later (``AgencyRecord.created_at``): the other one belonged to the known person before the contact existed.
INTAKE_PENDING_RULE = "intake_pending_screening"
INTAKE_PENDING_REASON = "matched at intake; held until the MASH screens the contact"
#: ``RecordLink.rule`` of a held intake link confirmed by the screening of its contact.
SCREENING_RULE = "screening"

__all__ = [
    "IDENTIFIER_FIELDS",
    "INTAKE_PENDING_RULE",
    "NHS_CONFLICT_REASON",
    "REFERRER_RULE",
    "SCREENING_RULE",
    "SEPARATION_UNDO_MESSAGE",
    "LOCAL_ID_PREFIX",
    "details_from_cleaned",
    "details_from_person",
    "identifier_valid",
    "intake_held_people",
    "intake_link_reject",
    "intake_links_confirm",
    "intake_pending_links",
    "intake_pending_targets",
    "link_confirm",
    "link_end",
    "link_nhs_conflict_propose",
    "link_propose",
    "link_reject",
    "link_rejection_is_separation",
    "link_scored",
    "scored_reason",
    "local_id_for",
    "people_cluster_ids",
    "person_cluster_ids",
    "person_resolved_id",
    "person_separate",
    "record_attach",
    "record_create",
    "record_refresh",
    "records_attach",
    "records_for_new_people",
    "records_from_feed",
    "records_link_identifiers",
    "records_reconcile_identifiers",
    "records_link_outcome",
    "records_note_contact",
]


# --- small helpers ------------------------------------------------------------------------------------------------


def local_id_for(person_id) -> str:
    """The local id of the record an agency holds about a person it named inside OpenMASH: "openmash-person:<uuid>"."""
    return f"{LOCAL_ID_PREFIX}{person_id}"


def identifier_valid(kind: str, value: str | None) -> str:
    """The normalised identifier, or "" when it is blank, invalid or a placeholder (which never links anything).
    ``kind`` is nhs_number, upn or pnc_id. Never raises."""
    if not value or kind not in IDENTIFIER_FIELDS:
        return ""
    try:
        normalised = identifier_normalise(kind, str(value))
    except ValueError:
        return ""
    return "" if identifier_is_placeholder(kind, normalised) else normalised


def _uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _pair(a, b) -> tuple[uuid.UUID, uuid.UUID]:
    """A pair of record ids in its one spelling: record_l sorts before record_r."""
    a, b = _uuid(a), _uuid(b)
    return (a, b) if a < b else (b, a)


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _address_text(address: dict | None) -> str:
    if not address or address.get("status", AddressStatus.KNOWN) != AddressStatus.KNOWN:
        return ""
    return ", ".join(p for p in (address.get("line1", ""), address.get("town", "")) if p)[:300]


def _reason(reason: str | None, *, required: bool, message: str) -> str:
    """A reviewer's reason, cleaned by the one text rule; ValidationFailed keyed "reason" when required and blank
    or too long."""
    try:
        text = clean_text(reason or "", multiline=True)
    except TextRefused as exc:
        raise ValidationFailed("Check the reason", errors={"reason": [str(exc)]}) from None
    if required and not text:
        raise ValidationFailed("Give the reason", errors={"reason": [message]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(
            "Check the reason", errors={"reason": [f"The reason must be {REASON_MAX} characters or fewer"]}
        )
    return text


# --- record details -------------------------------------------------------------------------------------------------


def details_from_cleaned(cleaned: dict) -> dict:
    """A record's columns from a person's validated input (``people.services.person_input_validate`` output): names,
    date of birth (an unborn child's expected date stays in ``as_received`` only), sex, the valid identifiers (the
    last one of each type given), postcode and address text, and ``as_received`` (what was given, as JSON)."""
    idents = {kind: value for kind, value in cleaned.get("identifiers") or [] if kind in IDENTIFIER_FIELDS}
    address = cleaned.get("address") or {}
    return {
        "kind": cleaned.get("kind") or PersonKind.CHILD,
        "given_name": cleaned.get("forename", ""),
        "family_name": cleaned.get("surname", ""),
        "date_of_birth": cleaned.get("date_of_birth"),
        "sex": cleaned.get("sex") or Sex.UNKNOWN,
        **{f: identifier_valid(f, idents.get(f)) for f in IDENTIFIER_FIELDS},
        "postcode": address.get("postcode", ""),
        "address": _address_text(address),
        "as_received": _jsonable(
            {
                "forename": cleaned.get("forename", ""),
                "surname": cleaned.get("surname", ""),
                "date_of_birth": cleaned.get("date_of_birth"),
                "expected_date_of_birth": cleaned.get("expected_date_of_birth"),
                "sex": cleaned.get("sex", ""),
                "identifiers": [{"type": k, "value": v} for k, v in cleaned.get("identifiers") or []],
                "address": address or None,
                "aliases": [list(a) for a in cleaned.get("aliases") or []],
            }
        ),
    }


def details_from_person(person: Person, identifiers: Iterable[tuple[str, str]], address) -> dict:
    """A record's columns from a person's own current details: their row, their identifiers (``(type, value)``
    oldest first; the newest valid one of each type is kept) and their current ``Address`` (or None)."""
    idents: dict[str, str] = {}
    raw = []
    for kind, value in identifiers:
        raw.append({"type": kind, "value": value})
        valid = identifier_valid(kind, value)
        if valid:
            idents[kind] = valid
    addr = None
    if address is not None:
        addr = {"status": address.status, "line1": address.line1, "town": address.town, "postcode": address.postcode}
    return {
        "kind": person.kind,
        "given_name": person.forename,
        "family_name": person.surname,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        **{f: idents.get(f, "") for f in IDENTIFIER_FIELDS},
        "postcode": (addr or {}).get("postcode", ""),
        "address": _address_text(addr),
        "as_received": _jsonable(
            {
                "forename": person.forename,
                "surname": person.surname,
                "date_of_birth": person.date_of_birth,
                "expected_date_of_birth": person.expected_date_of_birth,
                "sex": person.sex,
                "identifiers": raw,
                "address": addr,
            }
        ),
    }


def _people_details(people: list[Person]) -> dict[uuid.UUID, dict]:
    """details_from_person for many people in two queries (their identifiers and current addresses)."""
    ids = [p.pk for p in people]
    idents: dict[uuid.UUID, list[tuple[str, str]]] = {pid: [] for pid in ids}
    for pid, kind, value in (
        PersonIdentifier.objects.filter(person_id__in=ids)
        .order_by("created_at", "pk")
        .values_list("person_id", "identifier_type", "value")
    ):
        idents[pid].append((kind, value))
    current: dict[uuid.UUID, Address] = {}
    for a in Address.objects.filter(person_id__in=ids, end_date__isnull=True).order_by("start_date", "created_at"):
        current[a.person_id] = a  # the latest start wins
    return {p.pk: details_from_person(p, idents[p.pk], current.get(p.pk)) for p in people}


# --- clusters (read helpers used by every read of a person's picture) ------------------------------------------------


def person_resolved_id(person: Person) -> uuid.UUID:
    """The id of the resolved person a person belongs to (itself unless merged)."""
    return person.merged_into_id or person.pk


def person_cluster_ids(person: Person) -> list[uuid.UUID]:
    """Every person in the resolved person's cluster: the canonical person first, then the people merged into it
    (oldest first). One query. In: a Person (merged or not). Out: a list of UUIDs."""
    root = person_resolved_id(person)
    merged = Person.objects.filter(merged_into_id=root).order_by("created_at", "pk").values_list("pk", flat=True)
    return [root, *merged]


def people_cluster_ids(person_ids: Iterable) -> set[uuid.UUID]:
    """Every person in the clusters of the given people (their resolved people and everyone merged into those).
    One query; unknown ids are ignored."""
    ids = [i for i in (_uuid(p) for p in person_ids) if i is not None]
    if not ids:
        return set()
    # Two indexed lookups (primary key, then merged_into) rather than one OR across both.
    roots = set(
        Person.objects.filter(pk__in=ids).annotate(root=Coalesce("merged_into_id", "pk")).values_list("root", flat=True)
    )
    if not roots:
        return set()
    return roots | set(Person.objects.filter(merged_into_id__in=roots).values_list("pk", flat=True))


def _closure(person_ids: set) -> set:
    """The people whose resolution a link change among `person_ids` can affect: their current clusters, and everyone
    reachable from them through current confirmed links, to a fixed point."""
    seen = set(person_ids)
    frontier = set(person_ids)
    while frontier:
        mates = people_cluster_ids(frontier)
        records = AgencyRecord.objects.filter(origin_person_id__in=mates | frontier).values("pk")
        linked = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED).filter(
            Q(record_l_id__in=records) | Q(record_r_id__in=records)
        )
        ends = set()
        for left, right in linked.values_list("record_l__origin_person_id", "record_r__origin_person_id"):
            ends |= {left, right}
        new = (mates | ends) - seen
        seen |= new
        frontier = new
    return seen


def _lock_closure(seed_person_ids: set) -> set:
    """Lock the people of every cluster a change among `seed_person_ids` can affect (PostgreSQL row locks, in id
    order; SQLite serialises writers), re-reading after each lock until the set is stable."""
    people = _closure(set(seed_person_ids))
    while True:
        list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk").values_list("pk", flat=True))
        again = _closure(people)
        if again <= people:
            return people
        people |= again


def _components(people: set) -> list[list[uuid.UUID]]:
    """The connected components of `people` joined by current confirmed links between their records."""
    parent = {p: p for p in people}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    records = AgencyRecord.objects.filter(origin_person_id__in=people).values("pk")
    for left, right in (
        RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED)
        .filter(Q(record_l_id__in=records) | Q(record_r_id__in=records))
        .values_list("record_l__origin_person_id", "record_r__origin_person_id")
    ):
        if left in parent and right in parent:
            parent[find(left)] = find(right)
    groups: dict[uuid.UUID, list[uuid.UUID]] = {}
    for p in people:
        groups.setdefault(find(p), []).append(p)
    return list(groups.values())


def _recompute(*, actor, seed_person_ids: set, link=None) -> dict[uuid.UUID, uuid.UUID | None]:
    """Derive ``merged_into`` and ``AgencyRecord.person`` for every cluster touching `seed_person_ids` (ADR 0005),
    and audit a "merge" or "unmerge" event on each person whose resolution changed. The canonical person of a
    component is the one created first (ties by id). Returns {person id: new merged_into} for those people."""
    people = _lock_closure(seed_person_ids)
    rows = {
        pk: (created, merged)
        for pk, created, merged in Person.objects.filter(pk__in=people).values_list(
            "pk", "created_at", "merged_into_id"
        )
    }
    changed: dict[uuid.UUID, uuid.UUID | None] = {}
    for members in _components(people):
        canonical = min(members, key=lambda p: (rows[p][0], p))
        for p in members:
            target = None if p == canonical else canonical
            if rows[p][1] != target:
                changed[p] = target
        moved = [p for p in members if p != canonical and rows[p][1] != canonical]
        if moved:
            Person.objects.filter(pk__in=moved).update(merged_into_id=canonical)
        if rows[canonical][1] is not None:
            Person.objects.filter(pk=canonical).update(merged_into_id=None)
        AgencyRecord.objects.filter(origin_person_id__in=members).exclude(person_id=canonical).update(
            person_id=canonical, updated_at=timezone.now()
        )
    joined = {target for target in changed.values() if target is not None}
    if joined:
        _proposals_supersede(actor=actor, person_ids=joined, link=link)
    for pid, target in changed.items():
        _audit(
            actor,
            "merge" if target is not None else "unmerge",
            object_type="people.person",
            object_id=str(pid),
            detail={"into": str(target) if target else None, "link": str(link.pk) if link else None},
        )
    return changed


def _proposals_supersede(*, actor, person_ids: set, link=None) -> int:
    """Close the current proposals between two records that now belong to the same resolved person (one of
    ``person_ids``): a join, by any route, has answered them (issue: stale proposals). Each is closed (``valid_to``)
    with a "link_supersede" audit event naming the link that joined them; no row is written after it, so the pair
    has no current decision. Returns the number closed."""
    stale = list(
        RecordLink.objects.filter(
            valid_to__isnull=True,
            state=LinkState.PROPOSED,
            record_l__person_id__in=list(person_ids),
            record_l__person_id=F("record_r__person_id"),
        ).values_list("pk", flat=True)
    )
    if not stale:
        return 0
    RecordLink.objects.filter(pk__in=stale, valid_to__isnull=True).update(valid_to=timezone.now())
    for pk in stale:
        _audit(
            actor,
            "link_supersede",
            object_type="people.recordlink",
            object_id=str(pk),
            detail={"reason": "already the same person", "link": str(link.pk) if link else None},
        )
    return len(stale)


def _audit(actor, action: str, *, obj=None, object_type: str = "", object_id: str = "", reason: str = "", detail=None):
    if actor is None:
        return audit_record(
            actor=None,
            username="openmash:linking",
            action=action,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            detail=detail,
        )
    return audit_record(
        actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id, reason=reason, detail=detail
    )


def _audit_records_created(actor, records: list[AgencyRecord]) -> None:
    if not records:
        return
    if actor is None:
        for r in records:
            _audit(None, "create", obj=r)
    else:
        audit_record_many(actor=actor, action="create", objects=records)


# --- writing records ------------------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def records_for_new_people(
    *,
    actor,
    pairs: list[tuple[Person, dict]],
    agency=None,
    source_contact=None,
    received_at=None,
    not_same=None,
    index: bool = True,
    linked: list | None = None,
) -> list[AgencyRecord]:
    """The recording agency's record of each person just created from validated input (a contact naming a new
    person): ``pairs`` is [(Person, person_input_validate output)]; origin_person = person = that person; then the
    deterministic rule links each record to any record holding the same valid identifier -- except that a join it
    would confirm with a record of someone already known (not one of these new records) is *held until screening*
    (ADR 0009 addendum 2): a proposed link with rule ``INTAKE_PENDING_RULE`` (and ``source_contact`` when given),
    which the contact's screening confirms; ``intake_pending_targets`` says whom each new person is held for. Every
    entry point that creates people (a contact from the page, the API, the trusted paths, an amendment) comes here.

    ``agency`` defaults to the actor's; ``not_same`` maps a person's index in `pairs` to the ids of resolved people
    the referrer said this person is not (their identifier matches go to the review queue instead of being
    confirmed). ``index=False``: the caller writes the search keys of the people and these records itself
    (``people_create`` does, in one INSERT with the people's own keys). ``linked``: a list the links written are
    appended to. Call inside a transaction (no savepoint of its own: an error here is the caller's whole write's).
    Returns the new records."""
    if not pairs:
        return []
    agency = agency or actor.agency
    now = received_at or timezone.now()
    records = AgencyRecord.objects.bulk_create(
        [
            AgencyRecord(
                agency=agency,
                local_id=local_id_for(p.pk),
                origin_person=p,
                person=p,
                received_at=now,
                source_contact=source_contact,
                **details_from_cleaned(c),
            )
            for p, c in pairs
        ]
    )
    _audit_records_created(actor, records)
    if index:
        search_keys_refresh({r.origin_person_id for r in records})  # bulk_create sends no signals (search_index)
    declined = {records[i].pk: {_uuid(x) for x in ids} - {None} for i, ids in (not_same or {}).items() if ids}
    declined = {pk: _resolved_ids(ids) for pk, ids in declined.items()}
    written = _link_by_identifiers(
        actor=actor,
        records=records,
        not_same=declined,
        hold={r.pk for r in records},
        source_contact=source_contact,
    )
    if linked is not None:
        linked.extend(written)
    _referrer_rejections(actor=actor, declined=declined, source_contact=source_contact)
    return records


def _resolved_ids(person_ids: set) -> set[uuid.UUID]:
    """The resolved people of the given person ids (a merged-away id counts as the person it was merged into)."""
    if not person_ids:
        return set()
    return set(
        Person.objects.filter(pk__in=person_ids)
        .annotate(root=Coalesce("merged_into_id", "pk"))
        .values_list("root", flat=True)
    )


def _referrer_rejections(*, actor, declined: dict, source_contact=None) -> list[RecordLink]:
    """Make a referrer's "not this person" durable (ADR 0009): for each new record and each resolved person the
    referrer said it is not, a rejected link (rule ``REFERRER_RULE``, decided by the referrer, with the contact when
    known) between the new record and every record of that person that has no current link with it yet. (A pair
    sharing a valid identifier was proposed just before by the deterministic rule, with ``REFERRER_RULE``; it waits
    for the hub.) In: {new record id: {resolved person ids}}. Audited: one "link_reject" event per row. Returns the
    rows written."""
    wanted = {(rec, other) for rec, people in declined.items() if people for other in _records_of(people)}
    pairs = {_pair(a, b) for a, b in wanted if a != b}
    if not pairs:
        return []
    have = set(
        RecordLink.objects.filter(valid_to__isnull=True, record_l_id__in={a for a, _ in pairs}).values_list(
            "record_l_id", "record_r_id"
        )
    )
    now = timezone.now()
    user = getattr(actor, "user", None)
    rows = RecordLink.objects.bulk_create(
        [
            RecordLink(
                record_l_id=left,
                record_r_id=right,
                state=LinkState.REJECTED,
                rule=REFERRER_RULE,
                decided_by=user,
                decided_at=now,
                reason=REFERRER_REASON,
                source_contact=source_contact,
                rejected_as=LinkRejection.REFERRER,
                valid_from=now,
            )
            for left, right in sorted(pairs - have)
        ]
    )
    for row in rows:
        _audit(
            actor,
            "link_reject",
            obj=row,
            detail={"rule": REFERRER_RULE, "records": [str(row.record_l_id), str(row.record_r_id)]},
        )
    return rows


def _records_of(person_ids: set) -> list[uuid.UUID]:
    return list(AgencyRecord.objects.filter(person_id__in=list(person_ids)).values_list("pk", flat=True))


@transaction.atomic
def records_attach(*, actor, people: list[Person], agency=None, source_contact=None) -> list[AgencyRecord]:
    """The agency's record of each existing person a human chose (a contact naming a person found by search):
    created from the person's own current details when the agency holds none for that person yet (one record per
    agency and person, ``local_id_for``); origin_person = the chosen person; person = its resolved person. Then the
    deterministic rule runs on the new records. Safe against a concurrent attach of the same record. Returns the
    records created now."""
    agency = agency or actor.agency
    want = {local_id_for(p.pk): p for p in people}
    if not want:
        return []
    have = set(AgencyRecord.objects.filter(agency=agency, local_id__in=list(want)).values_list("local_id", flat=True))
    missing = [p for lid, p in want.items() if lid not in have]
    if not missing:
        return []
    details = _people_details(missing)
    now = timezone.now()
    made = [
        AgencyRecord(
            agency=agency,
            local_id=local_id_for(p.pk),
            origin_person=p,
            person_id=person_resolved_id(p),
            received_at=now,
            source_contact=source_contact,
            **details[p.pk],
        )
        for p in missing
    ]
    try:
        with transaction.atomic():
            records = AgencyRecord.objects.bulk_create(made)
    except IntegrityError:
        # Another request attached one of them at the same moment: theirs stands, ours is not inserted.
        AgencyRecord.objects.bulk_create(made, ignore_conflicts=True)
        records = list(AgencyRecord.objects.filter(pk__in=[r.pk for r in made]))
    _audit_records_created(actor, records)
    search_keys_refresh({r.origin_person_id for r in records})  # bulk_create sends no signals (search_index)
    _link_by_identifiers(actor=actor, records=records)
    return records


@transaction.atomic
def record_attach(*, actor, person: Person, agency=None, source_contact=None) -> AgencyRecord:
    """One agency's record of an existing person chosen by a human (see ``records_attach``); returns the record,
    created now or already held."""
    agency = agency or actor.agency
    records_attach(actor=actor, people=[person], agency=agency, source_contact=source_contact)
    return AgencyRecord.objects.get(agency=agency, local_id=local_id_for(person.pk))


@transaction.atomic
def record_refresh(*, actor, person: Person, agency=None, source_contact=None) -> AgencyRecord:
    """After an agency changed a person's details (an amendment before screening, the hub's correction after): its
    record of that person takes the person's current details (created if it holds none), superseding the previous
    values in place (they stay in the contact's change history). A new valid identifier is linked by the
    deterministic rule. Call inside a transaction. Returns the record."""
    agency = agency or actor.agency
    details = _people_details([person])[person.pk]
    record = AgencyRecord.objects.select_for_update().filter(agency=agency, local_id=local_id_for(person.pk)).first()
    if record is None:
        return record_attach(actor=actor, person=person, agency=agency, source_contact=source_contact)
    changed = [f for f, v in details.items() if f != "as_received" and getattr(record, f) != v]
    if not changed:
        return record
    for f, v in details.items():
        setattr(record, f, v)
    record.received_at = timezone.now()
    if source_contact is not None:
        record.source_contact = source_contact
    record.save()
    _audit(actor, "update", obj=record, detail={"fields": sorted(changed)})
    if set(changed) & set(IDENTIFIER_FIELDS):
        _link_by_identifiers(actor=actor, records=[record])
    return record


def records_note_contact(*, agency, person_ids: Iterable, contact, declined: bool = True, held: bool = False) -> int:
    """Say which contact the agency's records of these people came from, where no contact is noted yet (a record
    written just before its contact existed), and, when ``declined`` (the referrer said "not this person" to some
    candidate), the same for those decisions about the records (``REFERRER_RULE`` links); when ``held`` (a new
    person's record is held until screening), the same for those held intake joins (``INTAKE_PENDING_RULE``), so the
    contact's screening finds them. Returns the number of records updated."""
    records = AgencyRecord.objects.filter(
        agency=agency, local_id__in=[local_id_for(pid) for pid in person_ids], source_contact__isnull=True
    )
    # one UPDATE, touching nothing when the referrer declined no candidate (contact creation's query budget)
    mine = records.values("pk")
    if held:
        RecordLink.objects.filter(rule=INTAKE_PENDING_RULE, source_contact__isnull=True, valid_to__isnull=True).filter(
            Q(record_l_id__in=mine) | Q(record_r_id__in=mine)
        ).update(source_contact=contact)
    if not declined:
        return records.update(source_contact=contact)
    RecordLink.objects.filter(rule=REFERRER_RULE, source_contact__isnull=True, valid_to__isnull=True).filter(
        Q(record_l_id__in=mine) | Q(record_r_id__in=mine)
    ).update(source_contact=contact)
    return records.update(source_contact=contact)


def records_link_outcome(person_ids: Iterable) -> dict[uuid.UUID, str]:
    """For people just created: "joined" when their record now belongs to someone else's resolved person, or
    "proposed" when a link from one of their records waits in the review queue. People with neither are left
    out. Two queries."""
    ids = list(person_ids)
    out: dict[uuid.UUID, str] = {}
    if not ids:
        return out
    recs = AgencyRecord.objects.filter(origin_person_id__in=ids)
    waiting = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).filter(
        Q(record_l_id__in=recs.values("pk")) | Q(record_r_id__in=recs.values("pk"))
    )
    for left, right in waiting.values_list("record_l__origin_person_id", "record_r__origin_person_id"):
        for pid in (left, right):
            if pid in ids:
                out[pid] = "proposed"
    for pid in Person.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("pk", flat=True):
        out[pid] = "joined"
    return out


def _person_from_details(agency, details: dict) -> Person:
    """The origin person of a record that arrives without one (a feed row): its names, dates, sex, valid
    identifiers and address become the person's own."""
    person = Person.objects.create(
        kind=details.get("kind") or PersonKind.CHILD,
        forename=details.get("given_name", ""),
        surname=details.get("family_name", ""),
        forename_norm=normalise_name(details.get("given_name", "")),
        surname_norm=normalise_name(details.get("family_name", "")),
        date_of_birth=details.get("date_of_birth"),
        expected_date_of_birth=details.get("expected_date_of_birth")
        if details.get("kind") == PersonKind.UNBORN
        else None,
        sex=details.get("sex") or Sex.UNKNOWN,
        created_by_agency=agency,
    )
    PersonIdentifier.objects.bulk_create(
        [
            PersonIdentifier(person=person, identifier_type=f, value=details[f])
            for f in IDENTIFIER_FIELDS
            if details.get(f)
        ]
    )
    if details.get("address") or details.get("postcode"):
        Address.objects.create(
            person=person,
            line1=details.get("address", "")[:200],
            postcode=details.get("postcode", ""),
            start_date=timezone.localdate(),
        )
    return person


@transaction.atomic
def records_from_feed(
    *, agency, details: dict[str, dict], received_at: dt.datetime, source_feed: str
) -> list[AgencyRecord]:
    """New agency records from a feed import, in bulk (a few queries per call, whatever its size): each record gets a
    new origin person made from its details (names, date of birth, sex, valid identifiers and address become the
    person's own, so intake search finds an imported child at once); origin_person = person = that person.

    In: ``agency``; ``details`` {local id: {kind, given_name, family_name, date_of_birth (date or None), sex
    (M/F/U), nhs_number, upn, pnc_id (already validated and normalised by the feed; each is checked again here and
    kept only when valid and not a placeholder), postcode (canonical), address, as_received (dict)}} for local ids
    the agency holds no record under (the caller checked: a duplicate raises IntegrityError); ``received_at``
    (aware datetime, the batch's start); ``source_feed`` (feed code). Out: the new records, in ``details`` order.

    Links nothing: the caller runs ``records_link_identifiers`` on them (in chunks) in the same transaction, so an
    import streams. Not audited per record: the import's own batch event covers them (ADR 0006). Call inside the
    import's transaction."""
    if not details:
        return []
    rows = []
    for local_id, d in details.items():
        values = {c: d.get(c) for c in _RECORD_COLUMNS if d.get(c) not in (None, "")}
        for f in IDENTIFIER_FIELDS:
            values[f] = identifier_valid(f, d.get(f))
        for text in ("given_name", "family_name", "postcode", "address"):
            values[text] = (values.get(text) or "")[: AgencyRecord._meta.get_field(text).max_length]
        values["sex"] = values.get("sex") or Sex.UNKNOWN
        values["kind"] = values.get("kind") or PersonKind.CHILD
        values.setdefault("date_of_birth", None)
        rows.append((local_id, values, _jsonable(d.get("as_received") or {})))
    people = [
        Person(
            kind=v["kind"],
            forename=v["given_name"],
            surname=v["family_name"],
            forename_norm=normalise_name(v["given_name"]),
            surname_norm=normalise_name(v["family_name"]),
            date_of_birth=v["date_of_birth"],
            sex=v["sex"],
            created_by_agency=agency,
        )
        for _, v, _ in rows
    ]
    rows_insert(Person, people)
    identifiers, addresses, records = [], [], []
    for person, (local_id, v, as_received) in zip(people, rows, strict=True):
        identifiers.extend(
            PersonIdentifier(person=person, identifier_type=f, value=v[f]) for f in IDENTIFIER_FIELDS if v[f]
        )
        if v["postcode"] or v["address"]:
            addresses.append(Address(person=person, line1=v["address"][:200], postcode=v["postcode"]))
        records.append(
            AgencyRecord(
                agency=agency,
                local_id=local_id,
                origin_person=person,
                person=person,
                as_received=as_received,
                received_at=received_at,
                source_feed=source_feed,
                **v,
            )
        )
    rows_insert(PersonIdentifier, identifiers)
    rows_insert(Address, addresses)
    rows_insert(AgencyRecord, records)
    created = records
    search_keys_refresh([p.pk for p in people])  # bulk inserts send no signals (search_index)
    return created


_RECORD_COLUMNS = (
    "kind",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    *IDENTIFIER_FIELDS,
    "postcode",
    "address",
)


@transaction.atomic
def record_create(
    *,
    actor,
    agency,
    local_id: str,
    details: dict,
    person: Person | None = None,
    source_feed: str = "",
    source_contact=None,
    received_at: dt.datetime | None = None,
) -> tuple[AgencyRecord, bool]:
    """Store one agency's record of a person (a feed row, or a record a human attaches to a chosen person).

    In: ``agency`` (Agency), its ``local_id`` for the person (1-100 characters), ``details`` with any of kind,
    given_name, family_name, date_of_birth (date), expected_date_of_birth, sex (M/F/U), nhs_number, upn, pnc_id (as
    received: each is validated here and kept only when valid and not a placeholder), postcode (canonical), address
    and as_received (dict); ``person``: the existing person a human chose (None: a new origin person is made from
    the details). Out: (record, created).

    A record the agency already holds under that local id is superseded in place (never duplicated; its origin
    person is unchanged); a new one is created with its origin person. Either way the deterministic rule then links
    it to records holding the same valid identifier. Raises ValidationFailed for a blank or over-long local id."""
    local_id = (local_id or "").strip()
    if not local_id or len(local_id) > 100:
        raise ValidationFailed("Check the local id", errors={"local_id": ["Give the agency's id, 1 to 100 characters"]})
    values = {c: details.get(c) for c in _RECORD_COLUMNS if c in details}
    for f in IDENTIFIER_FIELDS:
        values[f] = identifier_valid(f, details.get(f))
    for text in ("given_name", "family_name", "postcode", "address"):
        values[text] = (values.get(text) or "")[: AgencyRecord._meta.get_field(text).max_length]
    values["sex"] = values.get("sex") or Sex.UNKNOWN
    values["kind"] = values.get("kind") or PersonKind.CHILD
    raw = details.get("as_received")
    values["as_received"] = _jsonable(
        raw if raw is not None else {k: v for k, v in details.items() if k != "as_received"}
    )
    values["received_at"] = received_at or timezone.now()
    values["source_feed"] = source_feed
    values["source_contact"] = source_contact
    record = AgencyRecord.objects.select_for_update().filter(agency=agency, local_id=local_id).first()
    if record is not None:
        changed = [c for c in _RECORD_COLUMNS if getattr(record, c) != values.get(c, getattr(record, c))]
        for k, v in values.items():
            setattr(record, k, v)
        record.save()
        if changed:
            _audit(actor, "update", obj=record, detail={"fields": sorted(changed)})
        if set(changed) & set(IDENTIFIER_FIELDS):
            _link_by_identifiers(actor=actor, records=[record])
        return record, False
    origin = person or _person_from_details(
        agency, {**values, **{"expected_date_of_birth": details.get("expected_date_of_birth")}}
    )
    record = AgencyRecord.objects.create(
        agency=agency, local_id=local_id, origin_person=origin, person_id=person_resolved_id(origin), **values
    )
    _audit(actor, "create", obj=record, detail={"feed": source_feed} if source_feed else None)
    _link_by_identifiers(actor=actor, records=[record])
    return record, True


# --- the deterministic rule ----------------------------------------------------------------------------------------


# The advisory lock every single-record identifier writer (a contact, an amendment, a hub correction) holds SHARED
# for its transaction, and the reconciliation after a feed import holds alone: see ``records_reconcile_identifiers``.
IDENTIFIER_BARRIER_LOCK = int.from_bytes(
    hashlib.blake2b(b"openmash:identifier-barrier", digest_size=8).digest(), "big", signed=True
)


def _lock_identifiers(keys: set[tuple[str, str]], *, bulk: bool = False) -> None:
    """Serialise transactions that store records with the same identifier, until they commit: two contacts naming
    the same new child at the same moment must see each other's record (PostgreSQL transaction-level advisory
    locks, taken in a fixed order in one statement, after the shared barrier lock; SQLite already serialises
    writers).

    bulk: a feed import's chunk. A feed import is one transaction over up to millions of rows, and a transaction
    that took one advisory lock per identifier would hold hundreds of thousands of them until it commits: PostgreSQL's
    lock table (``max_locks_per_transaction`` x connections, 6,400 by default) fills and the import fails with "out of
    shared memory" (measured: a 1,000,000-row extract failed after about 2,000 people). So an import takes none;
    the record another writer stores with the same identifier while the import runs (invisible to the import, as
    the import's records are to it) is joined by ``records_reconcile_identifiers`` when the import has committed."""
    if connection.vendor != "postgresql" or not keys or bulk:
        return
    lock_ids = sorted(
        {
            int.from_bytes(hashlib.blake2b(f"{f}:{v}".encode(), digest_size=8).digest(), "big", signed=True)
            for f, v in keys
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH barrier AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(%s)) "
            "SELECT count(pg_advisory_xact_lock(k)) FROM barrier, unnest(%s::bigint[]) AS k",
            [IDENTIFIER_BARRIER_LOCK, lock_ids],
        )


def _identifier_pairs(records: list[AgencyRecord], *, bulk: bool = False) -> tuple[dict, set]:
    """Every other record holding a valid identifier equal to one of `records`' (one query, after locking those
    identifiers unless ``bulk``: see ``_lock_identifiers``): (records by id, pairs of record ids in their one
    spelling)."""
    q = Q()
    keys = set()
    for f in IDENTIFIER_FIELDS:
        values = {getattr(r, f) for r in records if getattr(r, f)}
        keys |= {(f, v) for v in values}
        if values:
            # the partial index's own condition too (``f != ""``): without it neither SQLite nor PostgreSQL (for more
            # than 100 values) can prove the index applies, and every record is scanned once per chunk
            q |= Q(**{f"{f}__in": values}) & ~Q(**{f: ""})
    if not q:
        return {}, set()
    _lock_identifiers(keys, bulk=bulk)
    pool = {r.pk: r for r in AgencyRecord.objects.filter(q)}
    pool.update({r.pk: r for r in records})
    holders: dict[tuple[str, str], list[uuid.UUID]] = {}
    for r in pool.values():
        for f in IDENTIFIER_FIELDS:
            if getattr(r, f):
                holders.setdefault((f, getattr(r, f)), []).append(r.pk)
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for r in records:
        for f in IDENTIFIER_FIELDS:
            same = holders.get((f, getattr(r, f)), []) if getattr(r, f) else []
            # records already resolving to the same person need no link (re-checked under lock before linking)
            pairs |= {_pair(r.pk, o) for o in same if o != r.pk and pool[o].person_id != r.person_id}
    return pool, pairs


def _bridging_records(batch: set, pool: dict, pairs: set) -> dict[uuid.UUID, int]:
    """Records of the batch whose identifiers point at records of two or more different people (ADR 0005 addendum,
    security review 2026-11): {record id: how many different people}.

    Records of the batch joined to each other by a shared identifier are taken together (a chain X-Y inside one
    batch, X holding A's NHS number and Y B's UPN, must not join A and B either); the people counted are the
    resolved people of the matching records outside the batch, as they stand before any link is written, plus the
    batch record's own resolved person when it is already joined with other people's records. So a new record
    holding child A's NHS number and child B's UPN is caught before either link could merge A and B, and so is a
    record already joined to A that is later given B's UPN; one extract naming the same new child three times (all
    in the batch) still joins."""
    if not pairs:
        return {}
    batch = {pk for pk in batch if pk in pool}
    parent = {pk: pk for pk in batch}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in pairs:
        if left in batch and right in batch:
            parent[find(left)] = find(right)
    outside: dict[uuid.UUID, set] = {}
    for left, right in pairs:
        for mine, other in ((left, right), (right, left)):
            if mine in batch and other not in batch:
                outside.setdefault(find(mine), set()).add(pool[other].person_id)
    # A record of the batch already joined with other people's records (its resolved person is not its own, or
    # others are merged into it) speaks for that existing person too: an identifier added to it that points at
    # someone else would bridge the two (a child joined to A by A's details, then given B's UPN by an amendment).
    joined = {pool[pk].person_id for pk in batch if pool[pk].person_id != pool[pk].origin_person_id}
    candidates = {pool[pk].person_id for pk in batch if pk in parent and find(pk) in outside} - joined
    if candidates:
        joined |= set(
            Person.objects.filter(merged_into_id__in=candidates).values_list("merged_into_id", flat=True).distinct()
        )
    for pk in batch:
        if pool[pk].person_id in joined and find(pk) in outside:
            outside[find(pk)].add(pool[pk].person_id)
    spread = {root: len(people) for root, people in outside.items() if len(people) >= 2}
    return {pk: spread[find(pk)] for pk in batch if find(pk) in spread}


def _link_by_identifiers(
    *,
    actor,
    records: list[AgencyRecord],
    not_same: dict | None = None,
    hold: set | None = None,
    source_contact=None,
) -> list[RecordLink]:
    """Link each record to every other record holding an equal valid identifier (NHS number, UPN, PNC ID, compared
    after normalisation), unless they already resolve to the same person. A pair is confirmed automatically only
    when no hard rule stops it and the two records agree on the person (``_demographics_disagree``); otherwise it
    is proposed for review with the reason. Every pair of a record whose identifiers point at two or more different
    people is proposed, never confirmed: an automatic rule never bridges two people through one record (ADR 0005
    addendum). A pair with a current decision is left alone. ``hold``: ids of records just stored by a contact,
    whose joins with records of people already known are held until screening (``INTAKE_PENDING_RULE``, with
    ``source_contact``); a record itself held for someone is not paired with them (it stands for the person it is
    held for, whose own records are). Returns the links written."""
    not_same = not_same or {}
    pool, pairs = _identifier_pairs(records)
    if hold and pairs:
        held = _held_records({x for pair in pairs for x in pair} - set(hold))
        pairs = {pair for pair in pairs if not (held & set(pair))}
    bridging = _bridging_records({r.pk for r in records}, pool, pairs)
    written = []
    for left, right in sorted(pairs):
        declined = not_same.get(left, set()) | not_same.get(right, set())
        held = []
        spread = max(bridging.get(left, 0), bridging.get(right, 0))
        if spread:
            held.append(f"one record's identifiers match records of {spread} different people")
        link = _identifier_pair(
            actor=actor,
            left=pool[left],
            right=pool[right],
            declined=declined,
            held=held,
            hold=(left in hold) != (right in hold) if hold else False,
            source_contact=source_contact,
        )
        if link is not None:
            written.append(link)
    return written


LINK_CHUNK = 500


class _Sets:
    """Union-find over people (path halving)."""

    def __init__(self, items) -> None:
        self.parent = {x: x for x in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        self.parent[a] = b
        return True


def _bulk_facts(pairs: set) -> tuple[dict, set, dict, list, dict]:
    """For the pairs of a chunk, in five queries: each record's resolved person, the pairs with a current link row,
    the valid NHS numbers each of those people holds, the pairs of people a human said are different, and the
    agencies holding each of those people's records under their own local ids (rule 4 of the module)."""
    ids = {x for pair in pairs for x in pair}
    person_of = dict(AgencyRecord.objects.filter(pk__in=ids).values_list("pk", "person_id"))
    persons = set(person_of.values())
    decided = set(
        RecordLink.objects.filter(valid_to__isnull=True, record_l_id__in={left for left, _ in pairs}).values_list(
            "record_l_id", "record_r_id"
        )
    )
    nhs: dict[uuid.UUID, set[str]] = {}
    held = AgencyRecord.objects.filter(person_id__in=persons)
    for pid, number in held.exclude(nhs_number="").values_list("person_id", "nhs_number"):
        nhs.setdefault(pid, set()).add(number)
    rejected = list(
        RecordLink.objects.filter(valid_to__isnull=True)
        .filter(Q(state=LinkState.REJECTED, decided_by__isnull=False) | Q(rule=REFERRER_RULE))
        .filter(Q(record_l_id__in=held.values("pk")) | Q(record_r_id__in=held.values("pk")))
        .values_list("record_l__person_id", "record_r__person_id")
    )
    agencies: dict[uuid.UUID, set] = {}
    for pid, agency_id in _agency_own_records().filter(person_id__in=persons).values_list("person_id", "agency_id"):
        agencies.setdefault(pid, set()).add(agency_id)
    return person_of, decided, nhs, rejected, agencies


def _plain_joins(
    pairs: set,
    person_of: dict,
    decided: set,
    nhs: dict,
    rejected: list,
    held: set = frozenset(),
    agencies: dict | None = None,
) -> tuple[list, list]:
    """(joins, slow): the plain pairs to confirm in bulk, one per join needed, and the pairs to decide one by one
    (see ``_link_by_identifiers_bulk``). ``held``: pairs the ADR 0005 addendum stops (the records disagree on date
    of birth or names, or one of them points at two people), always decided one by one. ``agencies``: {person: the
    agencies holding their records under their own ids}; a join that would put two people's records of one agency
    together is decided one by one too (rule 4 of the module)."""
    plain, slow = [], []
    for pair in sorted(pairs):
        if person_of[pair[0]] != person_of[pair[1]]:
            (slow if pair in decided or pair in held else plain).append(pair)
    together = _Sets(set(person_of.values()))
    for left, right in plain:
        together.union(person_of[left], person_of[right])
    numbers: dict = {}
    for p, found in nhs.items():
        if p in together.parent:
            numbers.setdefault(together.find(p), set()).update(found)
    blocked = {root for root, found in numbers.items() if len(found) > 1}
    for a, b in rejected:
        if a in together.parent and b in together.parent and together.find(a) == together.find(b):
            blocked.add(together.find(a))
    blocked |= _agency_clashes(together, agencies or {})
    forest = _Sets(set(person_of.values()))
    joins = []
    for left, right in plain:
        if together.find(person_of[left]) in blocked:
            slow.append((left, right))
        elif forest.union(person_of[left], person_of[right]):
            joins.append((left, right))
    return joins, slow


def _agency_clashes(together: _Sets, agencies: dict) -> set:
    """The roots of ``together`` whose people hold records of one agency under two local ids between them (rule 4
    of the module): {person: agencies holding their own records} in, roots out."""
    holder: dict = {}  # (root, agency) -> the person whose records that agency holds
    clashes = set()
    for p, held_by in agencies.items():
        if p not in together.parent:
            continue
        root = together.find(p)
        for agency_id in held_by:
            if holder.setdefault((root, agency_id), p) != p:
                clashes.add(root)
    return clashes


def _confirm_bulk(*, actor, pool: dict, joins: list, person_of: dict) -> int:
    """Confirm the plain joins in one insert, audit each link, then recompute the clusters once."""
    now = timezone.now()
    links = []
    for left, right in joins:
        shared = [
            f for f in IDENTIFIER_FIELDS if getattr(pool[left], f) and getattr(pool[left], f) == getattr(pool[right], f)
        ]
        links.append(
            RecordLink(
                record_l_id=left,
                record_r_id=right,
                state=LinkState.CONFIRMED,
                match_probability=1.0,
                field_weights={
                    f: {"weight": None, "level": "exact", "reason": f"same {IDENTIFIER_LABELS[f]}"} for f in shared
                },
                rule="+".join(shared),
                decided_by=None,
                decided_at=now,
                reason="Same " + " and ".join(IDENTIFIER_LABELS[f] for f in shared),
                valid_from=now,
            )
        )
    RecordLink.objects.bulk_create(links)
    for link in links:
        detail = {"rule": link.rule, "records": [str(link.record_l_id), str(link.record_r_id)]}
        _audit(actor, "link_confirm", obj=link, detail=detail)
    ends = [x for pair in joins for x in pair]
    _recompute(actor=actor, seed_person_ids={person_of[x] for x in ends} | {pool[x].origin_person_id for x in ends})
    return len(links)


def _link_by_identifiers_bulk(*, actor, records: list[AgencyRecord]) -> int:
    """``_link_by_identifiers`` for a feed's chunk, with the same outcome in a few queries for the common case.

    The pairs that share a valid identifier are split in two. *Plain* pairs -- no current decision or proposal on
    the pair, and, joined together with every other plain pair of the chunk, no resulting person would hold two
    different valid NHS numbers or contain two people a human said are different -- are confirmed in bulk: one link
    per join actually needed (a spanning forest, as the pair-by-pair rule leaves records already joined alone),
    one audit event per link, and one recomputation of the clusters for the whole chunk. Every other pair goes
    through ``_identifier_pair`` one by one afterwards, so the hard rules are applied exactly as for one record.
    Returns the number of links written (confirmed or proposed)."""
    pool, pairs = _identifier_pairs(records, bulk=True)
    if not pairs:
        return 0
    person_of, decided, nhs, rejected, agencies = _bulk_facts(pairs)
    bridging = _bridging_records({r.pk for r in records}, pool, pairs)
    held = {p for p in pairs if p[0] in bridging or p[1] in bridging or _demographics_disagree(pool[p[0]], pool[p[1]])}
    joins, slow = _plain_joins(pairs, person_of, decided, nhs, rejected, held, agencies)
    written = _confirm_bulk(actor=actor, pool=pool, joins=joins, person_of=person_of) if joins else 0
    for left, right in sorted(set(slow)):
        spread = max(bridging.get(left, 0), bridging.get(right, 0))
        why = [f"one record's identifiers match records of {spread} different people"] if spread else []
        if _identifier_pair(actor=actor, left=pool[left], right=pool[right], declined=set(), held=why) is not None:
            written += 1
    return written


@transaction.atomic
def records_link_identifiers(*, actor, records: Iterable[AgencyRecord]) -> int:
    """Run the deterministic rule over records stored by someone else (a feed import's batch): each is linked to
    every record holding the same valid NHS number, UPN or PNC ID, under the hard rules (see the module). In: the
    records, any iterable (consumed in chunks of 500, so a million-row batch streams in bounded memory; the plain
    joins of a chunk are written in bulk, see ``_link_by_identifiers_bulk``). Out: the number of links written
    (confirmed or proposed)."""
    written = 0
    chunk: list[AgencyRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == LINK_CHUNK:
            written += _link_by_identifiers_bulk(actor=actor, records=chunk)
            chunk = []
    if chunk:
        written += _link_by_identifiers_bulk(actor=actor, records=chunk)
    return written


# How far before an import's start a record stored by another writer is looked at again: a contact's transaction
# that began before the import and committed after the import's first look-up (seconds, in practice).
RECONCILE_MARGIN = dt.timedelta(minutes=5)


@transaction.atomic
def records_reconcile_identifiers(*, actor, since: dt.datetime, agency_id, source_feed: str) -> int:
    """Run the deterministic rule again, after a feed import has committed, over the records OTHER writers stored or
    changed while it ran (``updated_at`` from ``since`` less ``RECONCILE_MARGIN``; every record but the feed's own,
    i.e. not ``agency_id`` + ``source_feed``) that hold a valid identifier. The import takes no identifier locks
    (``_lock_identifiers``), so a contact naming the same NHS number while a long import runs is invisible to the
    import and the import to it; here each is joined as it would have been had they come one after the other.

    On PostgreSQL it first takes the identifier barrier lock alone (``IDENTIFIER_BARRIER_LOCK``): contacts still
    open finish first, and new ones wait the second or so this takes, so none slips between the look and the join.
    In: actor (audited as the linker), since (aware datetime, the import's start), the feed's agency id and feed
    code. Out: the number of links written (confirmed or proposed). Idempotent: pairs already joined or decided are
    left as they are (``_link_by_identifiers_bulk``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IDENTIFIER_BARRIER_LOCK])
    has_identifier = Q()
    for f in IDENTIFIER_FIELDS:
        has_identifier |= ~Q(**{f: ""})
    others = (
        AgencyRecord.objects.filter(has_identifier, updated_at__gte=since - RECONCILE_MARGIN)
        .exclude(agency_id=agency_id, source_feed=source_feed)
        .order_by("pk")
    )
    written = 0
    chunk: list[AgencyRecord] = []

    def run() -> int:
        # the import's records that share an identifier with the chunk go through the rule as if they had arrived
        # after it (the order "the contact, then the import"): the chunk's records are the existing ones they meet,
        # so an import record pointing at two people is still seen as the bridge it is
        pool, pairs = _identifier_pairs(chunk, bulk=True)
        mine = {r.pk for r in chunk}
        arrivals = {
            pk: pool[pk]
            for pair in pairs
            for pk in pair
            if pk not in mine and pool[pk].agency_id == agency_id and pool[pk].source_feed == source_feed
        }
        return _link_by_identifiers_bulk(actor=actor, records=list(arrivals.values())) if arrivals else 0

    for record in others.iterator(chunk_size=LINK_CHUNK):
        chunk.append(record)
        if len(chunk) == LINK_CHUNK:
            written += run()
            chunk = []
    if chunk:
        written += run()
    return written


def _nhs_numbers_of(person_ids: Iterable) -> set[str]:
    return set(
        AgencyRecord.objects.filter(person_id__in=list(person_ids))
        .exclude(nhs_number="")
        .values_list("nhs_number", flat=True)
    )


def _cannot_link(persons_a: Iterable, persons_b: Iterable):
    """Current links that are a human's "these are different people" between a record of one set of resolved people
    and one of the other: a rejection by a reviewer or a referrer, or a referrer's contested "not this person" still
    waiting for the hub (``REFERRER_RULE`` proposal). A queryset."""
    recs_a = AgencyRecord.objects.filter(person_id__in=list(persons_a)).values("pk")
    recs_b = AgencyRecord.objects.filter(person_id__in=list(persons_b)).values("pk")
    return (
        RecordLink.objects.filter(valid_to__isnull=True)
        .filter(Q(state=LinkState.REJECTED, decided_by__isnull=False) | Q(rule=REFERRER_RULE))
        .filter(Q(record_l_id__in=recs_a, record_r_id__in=recs_b) | Q(record_l_id__in=recs_b, record_r_id__in=recs_a))
    )


def _agency_own_records():
    """Agency records under the agency's own local ids (not ``LOCAL_ID_PREFIX``: those OpenMASH made for a person
    named in a contact). A queryset."""
    return AgencyRecord.objects.exclude(local_id__startswith=LOCAL_ID_PREFIX)


def _agency_keeps_apart(persons_a: Iterable, persons_b: Iterable) -> str:
    """Rule 4 of the module: why joining these two sets of resolved people would put two records one agency holds
    under different local ids in one person, naming the agency (never a value); "" when no agency holds records in
    both. Two records of one agency are unique by local id (``agency_record_local_id_unique``), so an agency with a
    record on each side holds two records. Two records of one agency that carry the same valid identifier (NHS
    number, UPN or PNC ID; placeholders never reach these columns) are that agency's own duplicate of one person, not
    two people, and do not keep them apart. Source: issue 8 ("never merge two children to make a pattern") and the
    pattern bench's traps TR06, TR08, TR10 (a school holding two children, one spelt as the other). Two queries."""
    own = _agency_own_records()
    fields = ("agency_id", "agency__name", *IDENTIFIER_FIELDS)
    side_a = list(own.filter(person_id__in=list(persons_a)).values_list(*fields))
    if not side_a:
        return ""
    agencies = {row[0] for row in side_a}
    side_b = own.filter(person_id__in=list(persons_b), agency_id__in=agencies).values_list(*fields)
    names = set()
    for b in side_b:
        for a in side_a:
            if a[0] == b[0] and not any(x and x == y for x, y in zip(a[2:], b[2:], strict=True)):
                names.add(b[1])
    if not names:
        return ""
    return f"{min(names)} holds them as two records under different record ids: to that agency they are two people"


def _rejected_between(persons_a: Iterable, persons_b: Iterable, *, agencies: bool = True) -> str:
    """Why no automatic rule may join these two sets of resolved people (a cannot-link constraint), in words that
    name no value; "" when nothing stops it. A referrer's "not this person" (``REFERRER_RULE``) is named as such, so
    the review queue shows where the constraint came from. ``agencies``: also an agency's own two records (rule 4 of
    the module, ``_agency_keeps_apart``); False for a human's confirmation, which that rule does not bind."""
    rules = set(_cannot_link(persons_a, persons_b).values_list("rule", flat=True)[:20])
    if not rules:
        return _agency_keeps_apart(persons_a, persons_b) if agencies else ""
    if REFERRER_RULE in rules:
        return "the referrer said at intake these are different people"
    return "a reviewer has said records of these two people belong to different people"


def _hub_said_different(persons_a: Iterable, persons_b: Iterable):
    """Current rejected links a hub reviewer or manager decided (``HUMAN_RULE``: "No, they are different people" on
    a proposal, or an unmerge) between a record of one set of resolved people and one of the other. The decision
    holds between the two people: every record of each now, including records that joined either later. A
    queryset."""
    return _cannot_link(persons_a, persons_b).filter(state=LinkState.REJECTED, rule=HUMAN_RULE)


def _identifiers_seen_by_hub(persons_a: Iterable, persons_b: Iterable) -> set[str]:
    """The identifier types (nhs_number, upn, pnc_id) a hub reviewer already saw shared when deciding these two
    people are different (the evidence kept on their rejected links): a later match on one of them is not new."""
    seen: set[str] = set()
    for weights in _hub_said_different(persons_a, persons_b).values_list("field_weights", flat=True):
        for f in IDENTIFIER_FIELDS:
            if isinstance(weights, dict) and (weights.get(f) or {}).get("level") == "exact":
                seen.add(f)
    return seen


def _dob_agrees(a: dt.date | None, b: dt.date | None) -> bool:
    """Both dates of birth known and equal, or equal with day and month transposed (``linkage.names.dob_variants``)."""
    a, b = _date_or_none(a), _date_or_none(b)
    return a is not None and b is not None and b in dob_variants(a)


def _date_or_none(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _name_agrees(a: str, b: str, *, given: bool) -> bool:
    """Two names compatible by ``linkage.names``: the same folded and compacted form, the same Metaphone code, one
    slip of the keyboard apart (one letter dropped, added, changed or two swapped, where the longer name has four
    letters or more: Sophie / Sopie, Alex / Aex, as agencies' systems really hold them; Tom / Tim do not agree), a shared word of three letters or more (multi-word and
    hyphenated surnames), and for first names a nickname or formal form in common (Bill / William). A blank name
    agrees with nothing."""
    import jellyfish

    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return False
    if ca == cb or (phonetic(a) and phonetic(a) == phonetic(b)):
        return True
    if max(len(ca), len(cb)) >= 4 and jellyfish.damerau_levenshtein_distance(ca, cb) <= 1:
        return True
    if {t for t in tokens(a) if len(t) > 2} & {t for t in tokens(b) if len(t) > 2}:
        return True
    return given and bool(nickname_forms(a) & nickname_forms(b))


def _demographics_disagree(a: AgencyRecord, b: AgencyRecord) -> list[str]:
    """Why two records sharing an identifier may not be joined without review (ADR 0005 addendum): the reasons, in
    words that name no value; empty when the dates of birth agree (exact or day/month transposed) and the first
    names and surnames are compatible (``_name_agrees``; first name and surname swapped also agrees)."""
    problems = []
    if not _dob_agrees(a.date_of_birth, b.date_of_birth):
        problems.append(
            "the dates of birth differ"
            if a.date_of_birth and b.date_of_birth
            else "a date of birth is missing on one record"
        )
    straight = _name_agrees(a.given_name, b.given_name, given=True) and _name_agrees(
        a.family_name, b.family_name, given=False
    )
    swapped = _name_agrees(a.given_name, b.family_name, given=False) and _name_agrees(
        a.family_name, b.given_name, given=False
    )
    if not (straight or swapped):
        problems.append("the names do not match")
    return problems


def _identifier_pair(
    *,
    actor,
    left: AgencyRecord,
    right: AgencyRecord,
    declined: set,
    held: list[str] | None = None,
    hold: bool = False,
    source_contact=None,
) -> RecordLink | None:
    """Confirm or propose one pair of records sharing a valid identifier (the deterministic rule). ``held``: reasons
    found over the whole batch (a record bridging several people) that stop an automatic confirmation. ``hold``: a
    contact's new record and a known person's: what would be confirmed is proposed with ``INTAKE_PENDING_RULE``
    instead, until screening (ADR 0009 addendum 2)."""
    current_person = dict(AgencyRecord.objects.filter(pk__in=[left.pk, right.pk]).values_list("pk", "person_id"))
    pa, pb = current_person[left.pk], current_person[right.pk]
    if pa == pb:
        return None  # already the same person
    current = RecordLink.objects.filter(record_l_id=left.pk, record_r_id=right.pk, valid_to__isnull=True).first()
    if current is not None and current.state != LinkState.PROPOSED:
        return None  # a decision stands: automatic rules never override it
    shared = [f for f in IDENTIFIER_FIELDS if getattr(left, f) and getattr(left, f) == getattr(right, f)]
    weights: dict[str, dict[str, Any]] = {
        f: {"weight": None, "level": "exact", "reason": f"same {IDENTIFIER_LABELS[f]}"} for f in shared
    }
    blocked = list(held or [])
    blocked.extend(_demographics_disagree(left, right))
    if left.nhs_number and right.nhs_number and left.nhs_number != right.nhs_number:
        weights["nhs_number"] = {"weight": None, "level": "different", "reason": "different NHS numbers"}
        blocked.append("the two records have different NHS numbers")
    elif len(_nhs_numbers_of([pa, pb])) > 1:
        blocked.append("joining them would give one person two different NHS numbers")
    rule = "+".join(shared)
    if declined & {pa, pb}:
        blocked.append("the referrer said this is a different person")
        rule = REFERRER_RULE  # the referrer's decision, contested by an identifier: the hub settles it (ADR 0009)
    elif why := _rejected_between([pa], [pb]):
        if _hub_said_different([pa], [pb]).exists():
            seen = _identifiers_seen_by_hub([pa], [pb])
            if set(shared) <= seen:
                return None  # the reviewer decided with this identifier before them: nothing new
            why = (
                f"{' and '.join(IDENTIFIER_LABELS[f] for f in shared if f not in seen)} newly shared since "
                "a reviewer said records of these two people belong to different people"
            )
        blocked.append(why)
    if blocked:
        return link_propose(
            new_evidence=True,
            actor=actor,
            record_a_id=left.pk,
            record_b_id=right.pk,
            match_probability=None,
            field_weights=weights,
            rule=rule,
            # the shared identifier first, so the queue's "Why" says what brought the pair (review finding 4)
            reason=f"Same {' and '.join(IDENTIFIER_LABELS[f] for f in shared)}; not linked automatically: "
            + "; ".join(blocked)
            if shared
            else "Not linked automatically: " + "; ".join(blocked),
        )
    if hold:
        return link_propose(
            new_evidence=True,
            actor=actor,
            record_a_id=left.pk,
            record_b_id=right.pk,
            match_probability=None,
            field_weights=weights,
            rule=INTAKE_PENDING_RULE,
            reason=f"Same {' and '.join(IDENTIFIER_LABELS[f] for f in shared)}; {INTAKE_PENDING_REASON}",
            source_contact=source_contact,
        )
    now = timezone.now()
    if current is not None and not RecordLink.objects.filter(pk=current.pk, valid_to__isnull=True).update(valid_to=now):
        raise Conflict("Someone else decided this link first.")
    link = RecordLink.objects.create(
        record_l_id=left.pk,
        record_r_id=right.pk,
        state=LinkState.CONFIRMED,
        match_probability=1.0,
        field_weights=weights,
        rule=rule,
        decided_by=None,
        decided_at=now,
        reason="Same " + " and ".join(IDENTIFIER_LABELS[f] for f in shared),
        valid_from=now,
    )
    _audit(actor, "link_confirm", obj=link, detail={"rule": rule, "records": [str(left.pk), str(right.pk)]})
    _recompute(actor=actor, seed_person_ids={pa, pb, left.origin_person_id, right.origin_person_id}, link=link)
    return link


# --- intake joins held until screening (ADR 0009 addendum 2) -----------------------------------------------------


def intake_pending_links(*, contact_id=None, person_ids: Iterable | None = None):
    """The current held intake joins (``INTAKE_PENDING_RULE`` proposals): of one contact (``contact_id``, their
    ``source_contact``), and/or touching a record whose origin or resolved person is one of ``person_ids``. A
    queryset, oldest first."""
    qs = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED, rule=INTAKE_PENDING_RULE)
    if contact_id is not None:
        qs = qs.filter(source_contact_id=contact_id)
    if person_ids is not None:
        ids = list(person_ids)
        records = AgencyRecord.objects.filter(Q(origin_person_id__in=ids) | Q(person_id__in=ids)).values("pk")
        qs = qs.filter(Q(record_l_id__in=records) | Q(record_r_id__in=records))
    return qs.order_by("valid_from", "pk")


def _sides(links) -> list[tuple[RecordLink, dict, dict]]:
    """(link, held record's facts, known record's facts) for held intake joins: the held record is the one the
    link's contact made (``AgencyRecord.source_contact`` = ``RecordLink.source_contact``); before the contact is
    noted on the link (``records_note_contact``, just after the records are written), the one with no contact noted
    yet when the other has one; where neither tells, the one stored later (the known person's record was there
    before the contact). Not by time alone: two agencies recording one new child at once each stamp their record
    before either commits, so the later stamp can be the known child's (tests/test_concurrency_linking.py on
    PostgreSQL). Facts: {pk, origin, person}. One query."""
    links = list(links)
    ids = {x for link in links for x in (link.record_l_id, link.record_r_id)}
    facts = {
        pk: {"pk": pk, "created": created, "origin": origin, "person": person, "contact": contact}
        for pk, created, origin, person, contact in AgencyRecord.objects.filter(pk__in=ids).values_list(
            "pk", "created_at", "origin_person_id", "person_id", "source_contact_id"
        )
    }
    out = []
    for link in links:
        left, right = facts[link.record_l_id], facts[link.record_r_id]
        made = link.source_contact_id
        if made is not None and (left["contact"] == made) != (right["contact"] == made):
            held, known = (left, right) if left["contact"] == made else (right, left)
        elif made is None and (left["contact"] is None) != (right["contact"] is None):
            # the contact is not noted on the link yet: its record is the one written before its contact existed
            held, known = (left, right) if left["contact"] is None else (right, left)
        else:
            held, known = (
                (left, right) if (left["created"], left["pk"]) > (right["created"], right["pk"]) else (right, left)
            )
        out.append((link, held, known))
    return out


def _held_records(record_ids: set) -> set:
    """Which of these records are the held record of a current held intake join (see ``_sides``)."""
    if not record_ids:
        return set()
    ids = list(record_ids)
    links = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED, rule=INTAKE_PENDING_RULE).filter(
        Q(record_l_id__in=ids) | Q(record_r_id__in=ids)
    )
    return {held["pk"] for _, held, _ in _sides(links)} & set(record_ids)


def intake_pending_targets(person_ids: Iterable) -> dict[uuid.UUID, uuid.UUID]:
    """{person id: the resolved person they are held for}: for each of ``person_ids`` whose own record is held on an
    intake join until screening, the known person it would join (``ContactPerson.person`` meanwhile). A person held
    for two different people is left out (each such pair is the review queue's, not a resolution). Two queries."""
    ids = {i for i in (_uuid(p) for p in person_ids) if i is not None}
    if not ids:
        return {}
    targets: dict[uuid.UUID, set] = {}
    for _, held, known in _sides(intake_pending_links(person_ids=ids)):
        if held["origin"] in ids:
            targets.setdefault(held["origin"], set()).add(known["person"])
    return {pid: next(iter(found)) for pid, found in targets.items() if len(found) == 1}


def intake_held_people(contact_id) -> dict[uuid.UUID, uuid.UUID]:
    """{known person id: held person id} for a contact's intake joins held until screening: the person a
    ``ContactPerson`` of the contact names meanwhile, and the person the referrer's record stands for (what they
    typed). One query per call plus one for the records."""
    return {known["person"]: held["origin"] for _, held, known in _sides(intake_pending_links(contact_id=contact_id))}


@transaction.atomic
def intake_links_confirm(*, actor, contact_id) -> list[RecordLink]:
    """The screening of a contact confirms the intake joins held for it (ADR 0009 addendum 2): each current
    ``INTAKE_PENDING_RULE`` link of the contact is closed and a confirmed row written (rule ``SCREENING_RULE``,
    decided by the screener, audited "link_confirm"); the clusters are recomputed (the held person joins the known
    one, as the identifier rule would have done at intake). A link a hard rule now stops (the two people came to
    hold different valid NHS numbers, or someone said they are different people) is not confirmed: it becomes an
    ordinary proposal on the review queue, with the reason. Call inside the screening's transaction. Who: the
    screening's own check ("contact.screen"); the caller has done it. Returns the confirmed rows."""
    now = timezone.now()
    confirmed = []
    for link, held, known in _sides(intake_pending_links(contact_id=contact_id).select_for_update()):
        if not RecordLink.objects.filter(pk=link.pk, valid_to__isnull=True).exists():
            continue  # an earlier one of these joined the two people, which closed this one (``_proposals_supersede``)
        held["person"], known["person"] = (
            AgencyRecord.objects.get(pk=held["pk"]).person_id,
            AgencyRecord.objects.get(pk=known["pk"]).person_id,
        )
        people = ([held["person"]], [known["person"]])
        why = ""
        if len(_nhs_numbers_of([held["person"], known["person"]])) > 1:
            why = "joining them would give one person two different NHS numbers"
        elif said := _rejected_between(*people):
            why = said
        _close(link, now)
        if why:
            row = RecordLink.objects.create(
                record_l_id=link.record_l_id,
                record_r_id=link.record_r_id,
                state=LinkState.PROPOSED,
                field_weights=link.field_weights,
                rule="+".join(f for f in IDENTIFIER_FIELDS if f in (link.field_weights or {})) or MATCHING_RULE,
                decided_at=now,
                reason=f"Held at intake until screening; not linked at screening: {why}"[:REASON_MAX],
                source_contact=link.source_contact,
                valid_from=now,
            )
            _audit(actor, "link_propose", obj=row, detail={"previous": str(link.pk), "rule": row.rule})
            continue
        row = RecordLink.objects.create(
            record_l_id=link.record_l_id,
            record_r_id=link.record_r_id,
            state=LinkState.CONFIRMED,
            match_probability=link.match_probability,
            field_weights=link.field_weights,
            rule=SCREENING_RULE,
            decided_by=actor.user,
            decided_at=now,
            reason="Matched at intake; confirmed by the contact's screening",
            source_contact=link.source_contact,
            valid_from=now,
        )
        _audit(actor, "link_confirm", obj=row, detail={"previous": str(link.pk), "rule": SCREENING_RULE})
        _recompute(actor=actor, seed_person_ids={held["origin"], known["person"], known["origin"]}, link=row)
        confirmed.append(row)
    return confirmed


@transaction.atomic
def intake_link_reject(*, actor, link_id, reason: str, separation: bool = False) -> RecordLink:
    """ "Not the same child": a held intake join is rejected (a hub decision, ADR 0005 addendum 2: the two people are
    not proposed again unless a valid identifier is newly shared), and the contact it came with is moved from the
    known person to the held record's origin person (``contacts.services.contact_person_held_move``: its
    ``ContactPerson``, chronology entry and household relationships, with a ``ContactChange`` giving the reason).
    In: the link's id, the reason (required, at most 500 characters); ``separation``: False from screening (rows
    ``rejected_as`` "not_same_child", audited "link_reject"), True from a manager's unmerge or separation
    (``link_end``: rows "separation", audited "link_end", undone by hub managers only). Who: "link.review". Raises
    PermissionDenied, NotFound, Conflict (not a held intake join now) or ValidationFailed ("reason"). Returns the
    rejected row."""
    action = "link_end" if separation else "link_reject"
    rejected_as = LinkRejection.SEPARATION if separation else LinkRejection.NOT_SAME_CHILD
    require(actor, "link.review")
    link = _current_link_for_update(actor, link_id)
    if link.state != LinkState.PROPOSED or link.rule != INTAKE_PENDING_RULE:
        raise Conflict("This link has already been decided. Reload to see the decision.")
    text = _reason(reason, required=True, message="Give the reason this is not the same child")
    ((_, held, known),) = _sides([link])
    now = timezone.now()
    _close(link, now)
    new = _rejected_row(link, actor, text, now, rejected_as=rejected_as)
    if link.source_contact_id:
        RecordLink.objects.filter(pk=new.pk).update(source_contact_id=link.source_contact_id)
    _audit(actor, action, obj=new, reason=text, detail={"previous": str(link.pk), "rule": INTAKE_PENDING_RULE})
    # the decision is about the two people: the contact's other held links between them go with it
    for other, o_held, o_known in _sides(intake_pending_links(person_ids=[held["origin"]]).select_for_update()):
        if (o_held["origin"], o_known["person"]) == (held["origin"], known["person"]):
            _close(other, now)
            row = _rejected_row(other, actor, text, now, rejected_as=rejected_as)
            _audit(actor, action, obj=row, reason=text, detail={"previous": str(other.pk), "with": str(new.pk)})
    if link.source_contact_id:
        from openmash.contacts.services import contact_person_held_move

        if held["origin"] not in intake_pending_targets([held["origin"]]):
            contact_person_held_move(
                actor=actor,
                contact_id=link.source_contact_id,
                known_person_id=known["person"],
                origin_person_id=held["origin"],
                reason=text,
            )
    return new


# --- decisions about links ------------------------------------------------------------------------------------------


@transaction.atomic
def link_propose(
    *,
    actor,
    record_a_id,
    record_b_id,
    match_weight: float | None = None,
    match_probability: float | None = None,
    field_weights: dict | None = None,
    rule: str = "",
    reason: str = "",
    new_evidence: bool = False,
    source_contact=None,
) -> RecordLink | None:
    """Put a pair of records in the review queue (the scoring engine between its thresholds, or the deterministic
    rule when a hard rule stopped it). In: the two record ids (either order), the Fellegi-Sunter ``match_weight``
    (log2 Bayes factor) and ``match_probability`` in [0, 1] when scored, ``field_weights`` ({field: {"weight",
    "level", "reason"}}), the ``rule`` or model that proposed it and a ``reason`` (at most 500 characters).

    Never overrides a decision: returns None when the records already resolve to the same person, the pair has a
    current confirmed or rejected link, or a hub reviewer or manager has said records of the two resolved people
    belong to different people (``_hub_said_different``: the decision holds between the two people, every record
    they hold now or later) -- unless ``new_evidence`` is set (the deterministic rule found a valid identifier the
    two people newly share, ``_identifier_pair``). A current proposal is replaced (closed, and a new row written)
    only when the evidence changed. A held intake join (``INTAKE_PENDING_RULE``) is left alone by every other rule:
    screening decides it. ``source_contact``: the contact the proposal came from (a held intake join). Call inside a
    transaction. Raises NotFound for an unknown record."""
    left, right = _pair(record_a_id, record_b_id)
    if left == right:
        return None
    people = dict(AgencyRecord.objects.filter(pk__in=[left, right]).values_list("pk", "person_id"))
    if len(people) != 2:
        raise NotFound()
    if people[left] == people[right]:
        return None
    current = RecordLink.objects.select_for_update().filter(record_l_id=left, record_r_id=right, valid_to__isnull=True)
    current = current.first()
    if (
        not new_evidence
        and (current is None or current.state == LinkState.PROPOSED)
        and _hub_said_different([people[left]], [people[right]]).exists()
    ):
        return None  # a human's "different people" holds between the two people (README, ADR 0005 addendum 2)
    weights = field_weights or {}
    if current is not None:
        if current.state != LinkState.PROPOSED or (current.rule == REFERRER_RULE and rule != REFERRER_RULE):
            return None  # a decision, or a referrer's contested "not this person", stands until the hub decides
        if current.rule == INTAKE_PENDING_RULE and rule != INTAKE_PENDING_RULE:
            return None  # an intake join held until screening: screening decides it
        same = (current.match_probability, current.field_weights, current.rule) == (match_probability, weights, rule)
        if same:
            return current
    now = timezone.now()
    if current is not None:
        RecordLink.objects.filter(pk=current.pk, valid_to__isnull=True).update(valid_to=now)
    try:
        with transaction.atomic():
            link = RecordLink.objects.create(
                record_l_id=left,
                record_r_id=right,
                state=LinkState.PROPOSED,
                match_weight=match_weight,
                match_probability=match_probability,
                field_weights=weights,
                rule=rule[:60],
                decided_by=None,
                decided_at=now,
                reason=reason[:REASON_MAX],
                source_contact=source_contact,
                valid_from=now,
            )
    except IntegrityError:
        raise Conflict("Someone else decided this link first.") from None
    _audit(actor, "link_propose", obj=link, detail={"rule": rule[:60], "records": [str(left), str(right)]})
    return link


@transaction.atomic
def link_scored(
    *,
    actor,
    record_a_id,
    record_b_id,
    match_weight: float,
    match_probability: float,
    field_weights: dict,
    lower_threshold: float,
    upper_threshold: float,
    hold_reason: str = "",
    clear_case: bool = False,
) -> RecordLink | None:
    """Act on a pair of records scored by the Fellegi-Sunter engine (``openmash.matching.scoring``), ADR 0005.

    In: the two record ids (either order); ``match_weight`` (log2 Bayes factor, prior included) and
    ``match_probability`` in [0, 1] after the engine's rules; ``field_weights`` ({comparison: {"weight", "level",
    "reason"}}); the partnership's thresholds (probabilities, 0 < lower <= upper < 1), always the partnership's own
    figures (the reason stored quotes them: ``scored_reason``); ``clear_case``: the engine found the clear case
    (``linkage.scoring.clear_same_person``), which is joined from the lower threshold up.

    - at or above ``upper_threshold``: the link is confirmed automatically (``decided_by`` null, ``rule``
      "matching"), unless a hard rule stops it -- the two records hold different valid NHS numbers, joining them
      would give one person two NHS numbers, a referrer said at intake they are different people, joining them
      would put two records one agency holds under different local ids in one person (rule 4), or the engine
      held it back from an automatic join (``hold_reason``, from ``linkage.scoring.automatic_link_holds``: no shared
      validated identifier and the first names or surnames disagree) -- in which case it is proposed with the
      reason;
    - at or above ``lower_threshold``: proposed for the review queue (``link_propose``);
    - below: nothing is written.

    Never overrides a decision: None when the records already resolve to the same person, the pair has a current
    confirmed or rejected link, or a hub reviewer or manager has said records of the two resolved people belong to
    different people (a rejected pair of people is never proposed again, whichever of their records score). Returns the link written, the current
    proposal when nothing changed, or None. Raises NotFound for an unknown record, Conflict when someone decided the
    pair at the same moment."""
    left, right = _pair(record_a_id, record_b_id)
    if left == right or match_probability < lower_threshold:
        return None
    records = {r.pk: r for r in AgencyRecord.objects.filter(pk__in=[left, right]).only("person_id", "nhs_number")}
    if len(records) != 2:
        raise NotFound()
    a, b = records[left], records[right]
    if a.person_id == b.person_id:
        return None
    current = (
        RecordLink.objects.select_for_update()
        .filter(record_l_id=left, record_r_id=right, valid_to__isnull=True)
        .first()
    )
    if (
        current is not None and (current.state != LinkState.PROPOSED or current.rule == INTAKE_PENDING_RULE)
    ) or _held_records({left, right}):
        # a decision stands; a record held until its contact is screened is joined, or not, by that screening
        return None
    if _hub_said_different([a.person_id], [b.person_id]).exists():
        return None  # a reviewer or manager said these two people are different: neither linked nor proposed again
    reason = scored_reason(match_probability, lower_threshold, upper_threshold)
    blocked = []
    if match_probability >= (lower_threshold if clear_case else upper_threshold):
        if a.nhs_number and b.nhs_number and a.nhs_number != b.nhs_number:
            blocked.append("the two records have different NHS numbers")
        elif len(_nhs_numbers_of([a.person_id, b.person_id])) > 1:
            blocked.append("joining them would give one person two different NHS numbers")
        if why := _rejected_between([a.person_id], [b.person_id]):
            blocked.append(why)
        if hold_reason:
            blocked.append(hold_reason)
        if not blocked:
            confirm_reason = scored_reason(
                match_probability, lower_threshold, upper_threshold, clear_case=clear_case, confirmed=True
            )
            return _scored_confirm(
                actor, left, right, current, match_weight, match_probability, field_weights, confirm_reason
            )
        reason = f"Match probability {match_probability:.3f}, not linked automatically: " + "; ".join(blocked)
    return link_propose(
        actor=actor,
        record_a_id=left,
        record_b_id=right,
        match_weight=match_weight,
        match_probability=match_probability,
        field_weights=field_weights,
        rule=MATCHING_RULE,
        reason=reason,
    )


#: The reason a pair the never-link rule stopped is put to a reviewer (``link_nhs_conflict_propose``); the review
#: queue shows what follows "not linked automatically: " (``matching.selectors.held_reason``).
NHS_CONFLICT_REASON = "not linked automatically: these records have different NHS numbers"


@transaction.atomic
def link_nhs_conflict_propose(
    *,
    actor,
    record_a_id,
    record_b_id,
    match_weight: float,
    other_fields_probability: float,
    field_weights: dict,
    upper_threshold: float,
) -> RecordLink | None:
    """Put in the review queue a pair of records with different valid NHS numbers whose other fields agree strongly
    (the engine's probability without the identifiers, ``other_fields_probability``, at or above the partnership's
    ``upper_threshold``): a duplicate NHS registration or a temporary number. Never joined automatically (issue 6:
    different valid NHS numbers are never linked automatically); a reviewer may join them only with a reason
    (``link_confirm``). The reason stored says so: "Match probability 0.998 on the fields other than the NHS numbers,
    not linked automatically: these records have different NHS numbers".

    In: the two record ids, the weight in bits before the rules, that probability, the engine's field weights and
    the upper threshold. Out: the proposal (``link_propose``), or None below the threshold, for two records that
    do not both hold a valid NHS number, and whenever ``link_propose`` writes nothing (already one person, a
    current decision, a human's "different people"). Source: practitioner review of issue 6, finding 2."""
    if other_fields_probability < upper_threshold:
        return None
    left, right = _pair(record_a_id, record_b_id)
    numbers = dict(AgencyRecord.objects.filter(pk__in=[left, right]).values_list("pk", "nhs_number"))
    if len(numbers) != 2:
        raise NotFound()
    if not (numbers[left] and numbers[right] and numbers[left] != numbers[right]):
        return None
    reason = (
        f"Match probability {other_fields_probability:.3f} on the fields other than the NHS numbers, "
        + NHS_CONFLICT_REASON
    )
    return link_propose(
        actor=actor,
        record_a_id=left,
        record_b_id=right,
        match_weight=match_weight,
        match_probability=other_fields_probability,
        field_weights=field_weights,
        rule=MATCHING_RULE,
        reason=reason,
    )


def scored_reason(
    probability: float, lower: float, upper: float, *, clear_case: bool = False, confirmed: bool = False
) -> str:
    """The one wording of a scored link's reason, quoting the partnership's own thresholds (finding 3 of the
    practitioner review of issue 6: a clear case once said "upper threshold 0.50", the lower threshold it was joined
    from). In: the match probability, the partnership's (lower, upper) thresholds, whether the engine found the clear
    case (joined from the lower threshold up) and whether the link is being confirmed. Out: the text stored as
    ``RecordLink.reason``, e.g. "Match probability 0.970, at or above the upper threshold 0.95"."""
    head = f"Match probability {probability:.3f}, "
    if confirmed and probability >= upper:
        return head + f"at or above the upper threshold {upper:.2f}"
    if confirmed and clear_case:
        return head + (
            f"below the upper threshold {upper:.2f} but a clear case (names, date of birth and address agree), "
            f"joined at or above the lower threshold {lower:.2f}"
        )
    return head + f"between the thresholds ({lower:.2f} and {upper:.2f})"


def _scored_confirm(actor, left, right, current, weight, probability, field_weights, reason) -> RecordLink:
    now = timezone.now()
    if current is not None and not RecordLink.objects.filter(pk=current.pk, valid_to__isnull=True).update(valid_to=now):
        raise Conflict("Someone else decided this link first.")
    try:
        with transaction.atomic():
            link = RecordLink.objects.create(
                record_l_id=left,
                record_r_id=right,
                state=LinkState.CONFIRMED,
                match_weight=weight,
                match_probability=probability,
                field_weights=field_weights,
                rule=MATCHING_RULE,
                decided_by=None,
                decided_at=now,
                reason=reason,
                valid_from=now,
            )
    except IntegrityError:
        raise Conflict("Someone else decided this link first.") from None
    _audit(
        actor,
        "link_confirm",
        obj=link,
        detail={"rule": MATCHING_RULE, "probability": probability, "records": [str(left), str(right)]},
    )
    origins = set(AgencyRecord.objects.filter(pk__in=[left, right]).values_list("origin_person_id", flat=True))
    _recompute(actor=actor, seed_person_ids=origins, link=link)
    return link


def _current_link_for_update(actor, link_id) -> RecordLink:
    """The current row of a link the actor may review, locked; NotFound if it is not visible, Conflict if it is
    no longer current (someone decided it first)."""
    link_uuid = _uuid(link_id)
    if link_uuid is None:
        raise NotFound()
    visible = record_links_visible(actor)
    row = visible.filter(pk=link_uuid).first()
    if row is None:
        raise NotFound()
    locked = RecordLink.objects.select_for_update().filter(pk=link_uuid, valid_to__isnull=True).first()
    if locked is None:
        raise Conflict("Someone else has already decided this link. Reload to see the decision.")
    return locked


def _close(link: RecordLink, now) -> None:
    if not RecordLink.objects.filter(pk=link.pk, valid_to__isnull=True).update(valid_to=now):
        raise Conflict("Someone else has already decided this link. Reload to see the decision.")


def nhs_conflict(link: RecordLink) -> bool:
    """Whether confirming the link would put two different valid NHS numbers in one resolved person (the two records
    differ, or their clusters do): the rule a human may override only with a reason."""
    left = AgencyRecord.objects.only("nhs_number", "person_id").get(pk=link.record_l_id)
    right = AgencyRecord.objects.only("nhs_number", "person_id").get(pk=link.record_r_id)
    if left.nhs_number and right.nhs_number and left.nhs_number != right.nhs_number:
        return True
    return len(_nhs_numbers_of({left.person_id, right.person_id})) > 1


#: link_confirm's refusal when a screener tries to undo a manager's separation (shown on the page and in the API).
SEPARATION_UNDO_MESSAGE = (
    "A hub manager separated these records. Only a hub manager can join them again: ask a hub manager."
)


def link_rejection_is_separation(link: RecordLink) -> bool:
    """Whether `link`, a rejected row, was written by a manager's unmerge or separation (``link_end``,
    ``person_separate``, or a held intake join ended by a manager; "link.unmerge") rather than a reviewer's
    "different people", screening's "not the same child" or a referrer's "not this person": the row's own
    ``rejected_as`` says so (``LinkRejection.SEPARATION``; rows written before it existed were given it by migration
    people/0020 from what was known). Never reads the audit trail. Undoing it needs "link.unmerge"
    (``link_confirm``). In: a RecordLink; out: a bool (no query)."""
    return link.state == LinkState.REJECTED and link.rejected_as == LinkRejection.SEPARATION


@transaction.atomic
def link_confirm(*, actor, link_id, reason: str = "") -> RecordLink:
    """A reviewer confirms that the two records of a proposed (or earlier rejected) link are the same person: the
    current row is closed and a confirmed one written (decided_by = the reviewer), then the clusters are recomputed
    and each person whose resolution changed gets a "merge" audit event.

    ``reason`` (at most 500 characters) is required when the link would give one person two different valid NHS
    numbers (overriding the hard rule), when reversing an earlier rejection, and when a reviewer or a referrer has
    said records of the two people are different people (overriding that cannot-link, ADR 0009; the audit event
    says so). Who: the hub's screeners and
    managers ("link.review"); undoing a manager's separation or unmerge (``link_rejection_is_separation``) only
    hub managers ("link.unmerge"; attacker review 2026-12: a screener could rejoin what a manager separated).
    Raises PermissionDenied (SEPARATION_UNDO_MESSAGE for that), NotFound, Conflict (already confirmed, or someone
    else decided first) or ValidationFailed (errors keyed "reason")."""
    require(actor, "link.review")
    link = _current_link_for_update(actor, link_id)
    if link.state == LinkState.CONFIRMED:
        raise Conflict("This link has already been confirmed.")
    if link.state == LinkState.REJECTED and not can(actor, "link.unmerge") and link_rejection_is_separation(link):
        raise PermissionDenied(SEPARATION_UNDO_MESSAGE)
    override = nhs_conflict(link)
    people = dict(
        AgencyRecord.objects.filter(pk__in=[link.record_l_id, link.record_r_id]).values_list("pk", "person_id")
    )
    said_different = _rejected_between([people[link.record_l_id]], [people[link.record_r_id]], agencies=False)
    if override:
        message = "These records have different NHS numbers: give the reason you are sure they are the same person"
    elif said_different:
        message = f"Someone has said these are different people ({said_different}): give the reason they are the same"
    else:
        message = "This link was rejected before: give the reason for confirming it now"
    required = override or bool(said_different) or link.state == LinkState.REJECTED
    text = _reason(reason, required=required, message=message)
    now = timezone.now()
    _close(link, now)
    new = RecordLink.objects.create(
        record_l_id=link.record_l_id,
        record_r_id=link.record_r_id,
        state=LinkState.CONFIRMED,
        match_weight=link.match_weight,
        match_probability=link.match_probability,
        field_weights=link.field_weights,
        rule=HUMAN_RULE,
        decided_by=actor.user,
        decided_at=now,
        reason=text,
        valid_from=now,
    )
    _audit(
        actor,
        "link_confirm",
        obj=new,
        reason="override: different NHS numbers"
        if override
        else ("reversed an earlier rejection: " + text)[:500]  # undoing "different people": why, audited
        if link.state == LinkState.REJECTED
        else ("override: " + said_different)[:200]
        if said_different
        else "",
        detail={
            "previous": str(link.pk),
            "from": link.state,
            "override_nhs": override,
            "override_different_people": bool(said_different),
        },
    )
    origins = set(
        AgencyRecord.objects.filter(pk__in=[link.record_l_id, link.record_r_id]).values_list(
            "origin_person_id", flat=True
        )
    )
    _recompute(actor=actor, seed_person_ids=origins, link=new)
    return new


@transaction.atomic
def link_reject(*, actor, link_id, reason: str) -> RecordLink:
    """A reviewer decides the two records of a proposed link are different people: the proposal is closed and a
    rejected row written with the reason (required, at most 500 characters), and every other current proposal
    between records of the same two resolved people is rejected with it (the queue shows one row per pair of
    people). No person changes; no automatic rule links or proposes the two people again (``link_propose``). Who: "link.review". Raises PermissionDenied, NotFound, Conflict (not a proposal any
    more: decided by someone else; ending a confirmed link is ``link_end``) or ValidationFailed ("reason")."""
    require(actor, "link.review")
    link = _current_link_for_update(actor, link_id)
    if link.state != LinkState.PROPOSED:
        raise Conflict("This link has already been decided. Reload to see the decision.")
    text = _reason(reason, required=True, message="Give the reason these are different people")
    now = timezone.now()
    _close(link, now)
    new = _rejected_row(link, actor, text, now, rejected_as=LinkRejection.DIFFERENT_PEOPLE)
    # the reason, audited (as ``link_end``'s): the audit list shows why (practitioner review of issue 6, finding 1)
    _audit(actor, "link_reject", obj=new, reason=text, detail={"previous": str(link.pk)})
    # The decision is about the two people: every other proposal between their records is decided with it.
    people = dict(
        AgencyRecord.objects.filter(pk__in=[link.record_l_id, link.record_r_id]).values_list("pk", "person_id")
    )
    pl, pr = people[link.record_l_id], people[link.record_r_id]
    others = (
        RecordLink.objects.select_for_update()
        .filter(valid_to__isnull=True, state=LinkState.PROPOSED)
        .filter(Q(record_l__person_id=pl, record_r__person_id=pr) | Q(record_l__person_id=pr, record_r__person_id=pl))
        .order_by("pk")
    )
    for other in others:
        _close(other, now)
        row = _rejected_row(other, actor, text, now, rejected_as=LinkRejection.DIFFERENT_PEOPLE)
        _audit(actor, "link_reject", obj=row, reason=text, detail={"previous": str(other.pk), "with": str(new.pk)})
    return new


def _rejected_row(link: RecordLink, actor, text: str, now, *, rejected_as: str) -> RecordLink:
    return RecordLink.objects.create(
        record_l_id=link.record_l_id,
        record_r_id=link.record_r_id,
        state=LinkState.REJECTED,
        match_weight=link.match_weight,
        match_probability=link.match_probability,
        field_weights=link.field_weights,
        rule=HUMAN_RULE,
        decided_by=actor.user,
        decided_at=now,
        reason=text,
        rejected_as=rejected_as,
        valid_from=now,
    )


@transaction.atomic
def link_end(*, actor, link_id, reason: str) -> RecordLink:
    """Unmerge: a manager says the two records of a confirmed link are not the same person. The link is closed and
    a rejected row written with the reason (required); the clusters are recomputed, so each person, and every
    contact, chronology entry, referral and allocation recorded against them, is back as it was before the merge
    (records follow their origin person). An intake join held until screening (``INTAKE_PENDING_RULE``) is ended
    the same way: rejected, and its contact moved to the held record's person (``intake_link_reject``). Who: hub
    managers ("link.unmerge"). Raises PermissionDenied, NotFound, Conflict (not confirmed now) or ValidationFailed
    ("reason")."""
    require(actor, "link.unmerge")
    link = _current_link_for_update(actor, link_id)
    if link.state == LinkState.PROPOSED and link.rule == INTAKE_PENDING_RULE:
        return intake_link_reject(actor=actor, link_id=link.pk, reason=reason, separation=True)
    if link.state != LinkState.CONFIRMED:
        raise Conflict("This link is not confirmed now. Reload to see its state.")
    text = _reason(reason, required=True, message="Give the reason these are not the same person")
    now = timezone.now()
    _close(link, now)
    new = _rejected_row(link, actor, text, now, rejected_as=LinkRejection.SEPARATION)
    _audit(actor, "link_end", obj=new, reason=text, detail={"previous": str(link.pk)})  # the reason, audited
    origins = set(
        AgencyRecord.objects.filter(pk__in=[link.record_l_id, link.record_r_id]).values_list(
            "origin_person_id", flat=True
        )
    )
    _recompute(actor=actor, seed_person_ids=origins, link=new)
    return new


@transaction.atomic
def person_separate(*, actor, person_id, reason: str) -> list[RecordLink]:
    """ "These are not the same person": a manager separates one person from the resolved person they were merged
    with. Every current confirmed link between a record whose origin is that person and a record of anyone else is
    ended (``link_end``, one reason for all), so the person stands alone again with their own contacts, chronology,
    referrals and allocations; the rest of the cluster is recomputed from its remaining links. Intake joins held
    until screening between that person's records and anyone else's are ended too (rejected, their contacts moved
    to the held record's person: ``intake_link_reject``). In: the id of a
    person in a cluster of two or more. Raises PermissionDenied, NotFound, ValidationFailed ("reason", or
    "person_id" when the person is not merged with anyone). Returns the rejected rows written."""
    require(actor, "link.unmerge")
    person = person_get_for(actor, person_id)
    text = _reason(reason, required=True, message="Give the reason these are not the same person")
    own = AgencyRecord.objects.filter(origin_person_id=person.pk).values("pk")
    links = list(
        RecordLink.objects.filter(valid_to__isnull=True)
        .filter(Q(state=LinkState.CONFIRMED) | Q(state=LinkState.PROPOSED, rule=INTAKE_PENDING_RULE))
        .filter(Q(record_l_id__in=own) | Q(record_r_id__in=own))
        .exclude(record_l__origin_person_id=person.pk, record_r__origin_person_id=person.pk)
        .order_by("pk")
    )
    if not links:
        raise ValidationFailed(
            "This person is not merged with anyone", errors={"person_id": ["This person is not merged with anyone"]}
        )
    # ending one held intake join ends the others between the same two people (``intake_link_reject``)
    return [
        link_end(actor=actor, link_id=link.pk, reason=text)
        for link in links
        if RecordLink.objects.filter(pk=link.pk, valid_to__isnull=True).exists()
    ]
