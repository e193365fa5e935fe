"""The merged chronology of a child and of their household (issue 6, "The picture"; DOMAIN.md 4.2-4.3).

One timeline over every agency: contacts, screening, decisions, agency responses, case notes, allocations and the
events imported from agency feeds, read over the person's whole resolved cluster (every agency record joined into
them: ADR 0005). The household chronology adds the entries of the people the child lives with, each entry saying
whose it is.

Which entries an actor sees is decided by openmash.access.policy.chronology_sensitivities (never here); this module
filters, pages, audits and turns each entry into the one shape the pages, the API and the PDF all show
(``chronology_item_view``), so the three cannot drift apart.

Reads are audited here, in the same transaction as the read: one event per person whose entries were shown
("view" for the pages and the API, "export" for the PDF), never the filters' values beyond codes and dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from openmash.access.fields import field_access
from openmash.access.policy import (
    chronology_entries_q,
    chronology_sensitivities,
    people_in_clusters,
    people_visible_ids,
    person_get_for,
)
from openmash.access.sharing import AGENCY_HELD_NAME, SEALED_ENTRY_HELD_TEXT, chronology_entry_held
from openmash.audit.services import audit_record_many
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, day_bounds, paginate
from openmash.people.choices import RelationshipType
from openmash.people.linking import person_cluster_ids
from openmash.people.models import Address, ChronologyEntry, HouseholdMember, Person, Relationship
from openmash.people.names import names_resolve

LONDON = ZoneInfo("Europe/London")
#: The importer's own id for a feed row sent without an event id (openmash.feeds.validate: "h:" and a digest of the
#: row). It keeps re-imports from duplicating the row; it is not the agency's reference, so the pages and the PDF
#: do not show it.
MADE_UP_ID_PREFIX = "h:"

#: The workflow's own entry kinds (ChronologyEntry.kind, written by the services through people.services
#: .chronology_add), in words.
WORKFLOW_KINDS: dict[str, str] = {
    "contact": "Contact",
    "screening": "Screening",
    "rag": "RAG rating",
    "agency_response": "Agency response",
    "decision": "Decision",
    "referral": "Referral to children's social care",
    "early_help": "Early help",
    "allocation": "Allocation",
    "case_note": "Case note",
    "strategy_discussion": "Strategy discussion",
}


def _event_kinds() -> dict[str, str]:
    from openmash.feeds.choices import EventKind

    return {k.value: k.label for k in EventKind}


def kind_choices() -> list[tuple[str, str]]:
    """Every kind an entry may have, as (key, label): the workflow's kinds, then the imported event kinds
    (openmash.feeds.choices.EventKind). An imported entry's key is its ``event_kind``."""
    return list(WORKFLOW_KINDS.items()) + list(_event_kinds().items())


#: Significant events: what a chronology is for (DOMAIN.md 4.2-4.3: a pattern over time across agencies; the
#: signals practitioners look for: contacts and decisions about the child, strategy discussions and child
#: protection activity, domestic abuse, missing episodes, exploitation, offending and victimisation, unscheduled
#: health attendances (CP-IS), self-harm, mental health, safeguarding flags, exclusions, absence and "was not
#: brought"). Everything else (screening steps, RAG changes, agency answers, case notes, allocations, routine health
#: contacts, conditions, other events) is "routine": still on the chronology, filtered out by "significant only".
SIGNIFICANT_KINDS: frozenset[str] = frozenset(
    {
        "contact",
        "decision",
        "referral",
        "strategy_discussion",
        "domestic_abuse",
        "missing",
        "exploitation",
        "offending",
        "crime_victim",
        "police_welfare",
        "ed_attendance",
        "admission",
        "missed_appointment",
        "self_harm",
        "mental_health",
        "sexual_health",
        "safeguarding_flag",
        "school_absence",
        "exclusion",
        "child_protection",
    }
)
SIGNIFICANCE_CHOICES: list[tuple[str, str]] = [("significant", "Significant events"), ("routine", "Routine events")]


def entry_kind(entry: ChronologyEntry) -> str:
    """The entry's kind key: an imported event's OpenMASH event kind, else the workflow kind."""
    return entry.event_kind if entry.kind == "event" and entry.event_kind else entry.kind


def entry_significance(entry: ChronologyEntry) -> str:
    """ "significant" or "routine" (SIGNIFICANT_KINDS)."""
    return "significant" if entry_kind(entry) in SIGNIFICANT_KINDS else "routine"


def _kind_q(keys) -> Q:
    workflow = [k for k in keys if k in WORKFLOW_KINDS]
    events = [k for k in keys if k not in WORKFLOW_KINDS]
    q = Q(pk__in=[])
    if workflow:
        q |= Q(kind__in=workflow)
    if events:
        q |= Q(kind="event", event_kind__in=events)
    return q


@dataclass(frozen=True)
class ChronologyFilters:
    """What a chronology is narrowed to (all optional; empty = everything the actor may see).

    - ``agencies``: agency codes (an entry's source agency);
    - ``kinds``: kind keys (kind_choices: workflow kinds and imported event kinds);
    - ``significance``: "" (all), "significant" or "routine" (SIGNIFICANT_KINDS);
    - ``date_from`` / ``date_to``: inclusive calendar days in Europe/London (core.pagination.day_bounds)."""

    agencies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    significance: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def check(self) -> None:
        """Raises ValidationFailed keyed by field (``kind``, ``significance``, ``date_to``, ...) for a value that is
        not an option: the pages show it in the error summary, the API answers 422."""
        errors: dict[str, list[str]] = {}
        known = dict(kind_choices())
        bad = [k for k in self.kinds if k not in known]
        if bad:
            errors["kind"] = ["Select an event kind from the list"]
        if self.significance not in ("", *dict(SIGNIFICANCE_CHOICES)):
            errors["significance"] = ["Select significant or routine events"]
        if self.date_from and self.date_to and self.date_to < self.date_from:
            errors["date_to"] = ["Date to must be the same as or after date from"]
        if errors:
            raise ValidationFailed("There is a problem with the filters", errors=errors)
        day_bounds(self.date_from, self.date_to, fields=("date_from", "date_to"))

    def q(self) -> Q:
        q = Q()
        if self.agencies:
            q &= Q(agency__code__in=list(self.agencies))
        if self.kinds:
            q &= _kind_q(self.kinds)
        if self.significance == "significant":
            q &= _kind_q(SIGNIFICANT_KINDS)
        elif self.significance == "routine":
            q &= ~_kind_q(SIGNIFICANT_KINDS)
        start, end = day_bounds(self.date_from, self.date_to, fields=("date_from", "date_to"))
        if start:
            q &= Q(occurred_at__gte=start)
        if end:
            q &= Q(occurred_at__lt=end)
        return q

    @property
    def active(self) -> bool:
        return bool(self.agencies or self.kinds or self.significance or self.date_from or self.date_to)

    def audit_detail(self) -> dict:
        """The filters for the audit trail: codes, kinds and ISO dates only (no personal data)."""
        return {
            "agencies": list(self.agencies),
            "kinds": list(self.kinds),
            "significance": self.significance,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }

    def describe(self, agency_names: dict[str, str]) -> str:
        """The filters in words, for the PDF header and the page ("All entries" when none)."""
        parts = []
        if self.agencies:
            parts.append("agency: " + ", ".join(agency_names.get(a, a) for a in self.agencies))
        if self.kinds:
            labels = dict(kind_choices())
            parts.append("kind: " + ", ".join(labels.get(k, k) for k in self.kinds))
        if self.significance:
            parts.append(dict(SIGNIFICANCE_CHOICES)[self.significance].lower() + " only")
        if self.date_from or self.date_to:
            start = f"{self.date_from.day} {self.date_from:%B %Y}" if self.date_from else "the start"
            end = f"{self.date_to.day} {self.date_to:%B %Y}" if self.date_to else "today"
            parts.append(f"from {start} to {end}")
        return "; ".join(parts) if parts else "All entries"


# --- who lives with the child -----------------------------------------------------------------------------------

#: The relationship types that themselves state that two people live together. Being a parent or carer, a sibling,
#: a partner or an alleged perpetrator does not (a parent may live elsewhere; the intake form's household section
#: also lists people said to have harmed the child): those people live with the child only on other evidence (a
#: shared current household or address).
LIVES_WITH_RELATIONSHIPS = frozenset({RelationshipType.HOUSEHOLD_MEMBER})


@dataclass
class HouseholdMemberView:
    """A person the child lives with, as recorded: the resolved ``person``, the ``basis`` in words (one item per
    source: "Same household in the partnership's records", "Same current address", "Parent or carer (contact
    C-..., Police)"), and the ``relationship`` types that joined them (codes)."""

    person: Person
    basis: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)


def _address_key(a: Address) -> tuple[str, str] | None:
    if a.status != "known" or not a.postcode or not a.line1.strip():
        return None
    return (" ".join(a.line1.lower().replace(",", " ").split()), a.postcode.replace(" ", "").upper())


def household_members(child: Person, cluster: list) -> list[HouseholdMemberView]:
    """The people the child (any person of their ``cluster``) lives with, as recorded, resolved to their resolved
    people and never the child's own cluster; adults first, then by date of birth:

    - members of the same current household (HouseholdMember without an end date: the partnership's records);
    - people with the same current address (Address without an end date, status known, same first line and
      postcode, ignoring case, spacing and commas);
    - people in a current relationship with the child whose type itself states living together
      (``LIVES_WITH_RELATIONSHIPS``: "Household member") and that is established (from the partnership's records or
      a screened contact: an unscreened contact's claim is an allegation, people.selectors.relationship_established).

    Nothing else is evidence of living together (issue 6 practitioner review, finding 1): an alleged perpetrator, or
    a parent or other adult a contact named without an address, is someone *around* the child, never a member of
    the household, however the contact's household section listed them. This is the one rule for "lives with": the
    family network (page, diagram, table, API) and the household chronology all read it from here.

    Not audited (it reads who, not what); the callers audit the people whose entries they show."""
    found = _household_found(cluster)
    if not found:
        return []
    people = {p.pk: p for p in Person.objects.filter(pk__in=list(found))}
    resolved: dict = {}
    for pid, view in found.items():
        p = people.get(pid)
        root = (p.merged_into_id or p.pk) if p is not None else None
        if root is None or root in cluster:
            continue
        into = resolved.setdefault(root, HouseholdMemberView(person=None))
        into.basis += [b for b in view.basis if b not in into.basis]
        into.relationships += [r for r in view.relationships if r not in into.relationships]
    roots = {p.pk: p for p in Person.objects.filter(pk__in=list(resolved))}
    out = []
    for root, view in resolved.items():
        view.person = roots[root]
        out.append(view)
    names_resolve(roots.values())
    out.sort(key=lambda v: (v.person.kind != "adult", v.person.date_of_birth or dt.date.max, v.person.full_name))
    return out


def _household_found(cluster: list) -> dict:
    """{person id: HouseholdMemberView without its person} for each source of household_members."""
    from openmash.people.selectors import relationship_established, relationship_source_text

    found: dict = {}

    def add(pid, basis: str, rel: str = ""):
        view = found.setdefault(pid, HouseholdMemberView(person=None))
        if basis not in view.basis:
            view.basis.append(basis)
        if rel and rel not in view.relationships:
            view.relationships.append(rel)

    households = HouseholdMember.objects.filter(person_id__in=cluster, end_date__isnull=True).values("household_id")
    for pid in (
        HouseholdMember.objects.filter(household_id__in=households, end_date__isnull=True)
        .exclude(person_id__in=cluster)
        .values_list("person_id", flat=True)
    ):
        add(pid, "Same household in the partnership's records")
    keys = {k for a in Address.objects.filter(person_id__in=cluster, end_date__isnull=True) if (k := _address_key(a))}
    if keys:
        postcodes = {pc for _, pc in keys}
        spaced = {f"{pc[:-3]} {pc[-3:]}" for pc in postcodes} | postcodes
        for a in Address.objects.filter(postcode__in=spaced, end_date__isnull=True).exclude(person_id__in=cluster):
            if _address_key(a) in keys:
                add(a.person_id, "Same current address")
    rels = Relationship.objects.filter(
        Q(person_id__in=cluster) | Q(related_person_id__in=cluster),
        end_date__isnull=True,
        relationship_type__in=LIVES_WITH_RELATIONSHIPS,
    ).select_related("source_contact__screening", "source_agency")
    for rel in rels:
        other = rel.related_person_id if rel.person_id in cluster else rel.person_id
        if other in cluster or not relationship_established(rel):
            continue
        add(other, f"{rel.get_relationship_type_display()} ({relationship_source_text(rel)})", rel.relationship_type)
    return found


# --- reading a chronology ---------------------------------------------------------------------------------------


@dataclass
class ChronologyResult:
    """A chronology as shown: the resolved ``person`` (the child), the household ``members`` shown beside them
    (empty for a child's own chronology), ``page`` (core.pagination.Page of ChronologyEntry, newest first, with the
    true total), ``names`` ({person id: name} for "whose entry"), ``agencies`` [(code, name)] whose entries the actor
    may see here (the agency filter's options), and the ``filters`` applied."""

    person: Person
    members: list
    page: Page
    names: dict
    agencies: list
    filters: ChronologyFilters
    # the fields of each entry the actor sees: access.fields.field_access(actor, person, "chronology_entry")
    fields: frozenset = frozenset()
    # whether a sealed entry's words are held from the actor (access.sharing.chronology_entry_held)
    sealed_held: bool = True
    # the codes of the agencies the reader may see named (access.sharing.agencies_named: an agency with an entry
    # whose words they read); None: every agency
    named_agencies: frozenset | None = None

    def item(self, entry: ChronologyEntry) -> dict:
        """One entry as the page, the API, the PDF and the CSV show it (chronology_item_view for this reader; a
        held entry of an agency the reader may not see named names no agency)."""
        held = self.sealed_held and chronology_entry_held(None, entry.sensitivity)
        unnamed = (
            held
            and self.named_agencies is not None
            and entry.agency_id is not None
            and entry.agency.code not in self.named_agencies
        )
        return chronology_item_view(entry, self.names, self.fields, held=held, agency_held=unnamed)


def resolved_person_get(actor, person_id) -> Person:
    """The resolved person `person_id` belongs to (itself unless merged away: ADR 0005). NotFound when the actor may
    not open them (access.policy.person_get_for). Not audited: the callers audit what they show."""
    requested = person_get_for(actor, person_id)
    person = requested if requested.merged_into_id is None else Person.objects.get(pk=requested.merged_into_id)
    names_resolve([person])  # the name the person page shows (people.names, finding 2)
    return person


def _scope(actor, child: Person, *, household: bool):
    """(visible-entries Q, names {person id: name}, members shown, people to audit). NotFound without a basis."""
    if not chronology_sensitivities(actor, child):
        raise NotFound()
    cluster = person_cluster_ids(child)
    names = {pid: child.full_name for pid in cluster}
    q = Q(person_id__in=cluster) & chronology_entries_q(chronology_sensitivities(actor, child))
    members: list = []
    audited = list(Person.objects.filter(pk__in=cluster).order_by("created_at", "pk"))
    if household:
        candidates = household_members(child, cluster)
        visible = people_visible_ids(actor, [m.person.pk for m in candidates])
        for m in candidates:
            shown = chronology_sensitivities(actor, child, member=m.person, member_visible=m.person.pk in visible)
            if not shown:
                continue
            members.append(m)
            people = list(Person.objects.filter(pk__in=people_in_clusters([m.person.pk])).order_by("created_at"))
            names.update({p.pk: m.person.full_name for p in people})
            audited += people
            q |= Q(person_id__in=[p.pk for p in people]) & chronology_entries_q(shown)
    return q, names, members, audited


def _read(
    *,
    actor,
    person_id,
    filters: ChronologyFilters,
    household: bool,
    page,
    page_size,
    clamp,
    action: str,
    everything: bool = False,
) -> ChronologyResult:
    filters.check()
    child = resolved_person_get(actor, person_id)
    visible, names, members, audited = _scope(actor, child, household=household)
    base = ChronologyEntry.objects.filter(visible)
    sealed_held = chronology_entry_held(actor, "sealed")
    if sealed_held and filters.kinds:
        # a held entry's kind is part of its words: a kind filter must not tell a reader what a sealed entry is
        base_filtered = base.filter(sensitivity__in=_SHOWN_LEVELS)
    else:
        base_filtered = base
    agencies = list(
        base.filter(agency__isnull=False)
        .order_by("agency__name")
        .values_list("agency__code", "agency__name")
        .distinct()
    )
    named = None
    if sealed_held:
        # an agency whose entries here are all held from the reader is not named, nor offered as a filter, nor
        # does its filter list its held entries (access.sharing.agencies_named: issue 7, a sexual health clinic
        # named beside its sealed records says what they are about)
        named = frozenset(
            base.filter(agency__isnull=False, sensitivity__in=_SHOWN_LEVELS).values_list("agency__code", flat=True)
        )
        agencies = [(code, name) for code, name in agencies if code in named]
        if filters.agencies:
            base_filtered = base_filtered.exclude(
                Q(agency__isnull=False) & ~Q(sensitivity__in=_SHOWN_LEVELS) & ~Q(agency__code__in=named)
            )
    qs = (
        base_filtered.filter(filters.q())
        .select_related("agency", "record", "record__agency")
        .order_by("-occurred_at", "-created_at", "pk")
    )
    if everything:
        items = list(qs[: page_size + 1])
        result_page = Page(items=items[:page_size], count=qs.count(), number=1, page_size=page_size, num_pages=1)
    else:
        result_page = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    audit_record_many(
        actor=actor,
        action=action,
        objects=audited,
        reason="household chronology" if household else "chronology",
        detail={
            "filters": filters.audit_detail(),
            "entries": len(result_page.items),
            "of": result_page.count,
            "child_id": str(child.pk),
        },
    )
    return ChronologyResult(
        person=child,
        members=members,
        page=result_page,
        names=names,
        agencies=agencies,
        filters=filters,
        fields=field_access(actor, child, record_type="chronology_entry").fields,
        sealed_held=sealed_held,
        named_agencies=named,
    )


@transaction.atomic
def chronology_read(
    *,
    actor,
    person_id,
    filters: ChronologyFilters | None = None,
    household: bool = False,
    page=1,
    page_size=DEFAULT_PAGE_SIZE,
    clamp: bool = True,
) -> ChronologyResult:
    """One page of the merged chronology of the resolved person `person_id` belongs to (a merged-away id reads the
    resolved person's), or, with ``household=True``, of the child and the people they live with
    (household_members). Newest first; paged with the true total (core.pagination.paginate; ``clamp`` False for
    the API: a page past the end is empty). Only the entries access.policy.chronology_sensitivities allows.

    Raises NotFound when the actor may not see the child's chronology (the hub and the child's allocated worker
    may), and ValidationFailed for a filter that is not an option. Audited: one "view" per person whose entries
    are shown (the child's cluster, and each household member's), with the filters and counts."""
    return _read(
        actor=actor,
        person_id=person_id,
        filters=filters or ChronologyFilters(),
        household=household,
        page=page,
        page_size=page_size,
        clamp=clamp,
        action="view",
    )


#: The most entries one PDF carries (more: the PDF says how many were left out and asks for narrower filters).
PDF_MAX_ENTRIES = 1000


@transaction.atomic
def chronology_export(
    *, actor, person_id, filters: ChronologyFilters | None = None, household: bool = False
) -> ChronologyResult:
    """Every entry of the (household) chronology matching the filters, up to PDF_MAX_ENTRIES, for printing: the
    same entries chronology_read pages through (``page.count`` is the true total, ``page.items`` those printed).
    Same errors as chronology_read. Audited: one "export" per person whose entries are printed."""
    return _read(
        actor=actor,
        person_id=person_id,
        filters=filters or ChronologyFilters(),
        household=household,
        page=1,
        page_size=PDF_MAX_ENTRIES,
        clamp=True,
        action="export",
        everything=True,
    )


def _record_text(entry: ChronologyEntry) -> str:
    r = entry.record
    if r is None:
        return ""
    local = "record made in OpenMASH" if r.local_id.startswith("openmash-person:") else f"record {r.local_id}"
    return f"{r.agency.name} {local}"


_OBJECT_WORDS = {
    "contacts.contact": "contact",
    "enquiries.enquiry": "MASH enquiry",
    "enquiries.agencyrequest": "information request",
    "enquiries.caseallocation": "allocation",
    "enquiries.screening": "screening",
    "enquiries.agencyresponse": "agency response",
    "enquiries.decision": "decision",
    "enquiries.referral": "referral",
    "enquiries.earlyhelprequest": "early help request",
    "casework.casenote": "case note",
    "casework.strategydiscussion": "strategy discussion",
    "feeds.importbatch": "feed import",
}


#: The sensitivities whose words every reader of an entry reads (chronology_entry_held holds the others).
_SHOWN_LEVELS = ("", "standard", "sensitive")


def chronology_item_view(
    entry: ChronologyEntry, names: dict, fields: frozenset | None = None, *, held: bool = False, agency_held: bool = False
) -> dict:
    """One entry as the pages, the API and the PDF all show it, rendered from the one answer: `fields` is
    access.fields.field_access(actor, person, record_type="chronology_entry").fields (ChronologyResult.fields); a
    key not in it is empty ("", None or False). ``id`` is always given (it names the entry). None for `fields`:
    every key (for callers with no actor: the tests, the demo).

    ``id``, ``occurred_at`` (aware datetime, UTC; shown in Europe/London), ``occurred_on`` (its date in
    Europe/London), ``time_known`` (False when the source gave a date only: show ``occurred_on``, no time), ``kind`` (kind key: kind_choices),
    ``kind_label``, ``significance`` ("significant"/"routine"), ``sensitivity`` ("standard"/"sensitive"/"sealed"),
    ``agency`` (source agency name or None), ``agency_code``, ``summary``, ``description`` (an imported event's
    text, "" otherwise), ``person_id`` and ``person_name`` (whose entry: the person it was recorded against, named as
    the resolved person), ``record_id`` and ``record`` (the agency record it came from, in words: "County Police
    record P-123"; "" for the workflow's entries), ``source`` (feed code), ``external_id`` (its id in the feed),
    ``source_type_text`` (the type as the feed sent it), ``object_type``/``object_id`` (what the workflow entry is
    about) and ``origin`` (where it came from, in words). ``held``: the entry is sealed and its words are held from
    the reader (access.sharing.chronology_entry_held, as ChronologyResult.item asks): its ``summary`` says so, and
    its kind (``kind`` "sealed", ``kind_label`` "Sealed record"), ``description``, ``source_type_text`` and
    ``external_id`` (a made-up id is a digest of the entry's words) are empty, in every output alike.
    ``agency_held``: a held entry of an agency the reader may see named nowhere (access.sharing.agencies_named):
    ``agency`` is access.sharing.AGENCY_HELD_NAME and ``agency_code``, ``record_id``, ``record``, ``source`` and
    ``origin`` empty (they name the agency)."""
    kind = entry_kind(entry)
    labels = dict(kind_choices())
    # a held entry gives no event id: an id the importer made up is a digest of the record, date, type and words, so
    # trying each event type recovered a sealed entry's kind (fourth attacker review)
    external_id = "" if held else entry.external_id
    if entry.record_id or entry.source:
        origin = _record_text(entry) or (entry.agency.name if entry.agency else "")
        if entry.source:
            # an id the importer made up for a row the feed sent without one ("h:" and a digest: feeds.validate) is
            # no one's reference: shown as the feed only (issue 6 review, findings 9 and 10)
            shown_id = "" if external_id.startswith(MADE_UP_ID_PREFIX) else external_id
            if shown_id:
                origin += f" (feed {entry.source}, event {shown_id})"
            elif entry.external_id:
                origin += f" (feed {entry.source})"
    else:
        origin = f"OpenMASH {_OBJECT_WORDS.get(entry.object_type, 'record')}"
    out = {
        "id": entry.pk,
        "occurred_at": entry.occurred_at,
        "occurred_on": entry.occurred_at.astimezone(LONDON).date(),
        "time_known": entry.time_known,
        "kind": kind,
        "kind_label": labels.get(kind, kind.replace("_", " ").capitalize()),
        "significance": entry_significance(entry),
        "sensitivity": entry.sensitivity or "standard",
        "agency": entry.agency.name if entry.agency_id else None,
        "agency_code": entry.agency.code if entry.agency_id else None,
        "summary": entry.summary,
        "description": entry.description,
        "person_id": entry.person_id,
        "person_name": names.get(entry.person_id, ""),
        "record_id": entry.record_id,
        "record": _record_text(entry),
        "source": entry.source,
        "external_id": external_id,
        "source_type_text": entry.source_type_text,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "origin": origin.strip(),
    }
    if held:
        out.update(
            kind="sealed",
            kind_label="Sealed record",
            summary=SEALED_ENTRY_HELD_TEXT,
            description="",
            source_type_text="",
        )
    if held and agency_held:
        out.update(agency=AGENCY_HELD_NAME, agency_code=None, record_id=None, record="", source="", origin="")
    out["held"] = held
    if fields is None:
        return out
    return {k: v if k in ("id", "held") or k in fields else _EMPTY.get(k, "") for k, v in out.items()}


#: What an entry's key holds when the reader may not see it (chronology_item_view).
_EMPTY: dict = {
    "occurred_at": None,
    "occurred_on": None,
    "time_known": False,
    "agency": None,
    "agency_code": None,
    "person_id": None,
    "record_id": None,
}


@dataclass(frozen=True)
class AgencyKnows:
    """What one agency's imported records hold about a child, in one line: the agency's name, how many of its
    events the child's chronology holds, and the newest of them (its date in Europe/London, whether the time is
    known, and its kind label as the chronology shows it)."""

    agency_name: str
    events: int
    occurred_at: dt.datetime  # the newest event's (named as a chronology entry's, for the `occurred` filter)
    time_known: bool
    latest_kind: str


def known_to(*, actor, person_ids) -> dict:
    """For the screening page (practitioner review, issue 6 "one picture of the child": a screener saw work in hand
    but not what partner agencies already hold, unless they opened the child's chronology): per person of
    `person_ids` (the contact's subject children, any person of a cluster), the agencies whose imported feed events
    the chronology holds for that person's whole resolved cluster, newest first, as AgencyKnows.

    Only the entries the actor may see (access.policy.chronology_sensitivities, as the chronology itself); people
    whose chronology the actor may not see are left out. In: the actor, an iterable of Person ids. Out: {person
    id: [AgencyKnows, ...]} (people with nothing held are absent; an agency all of whose entries are held from the reader
    is "An agency": access.sharing.agencies_named). Four queries whatever the number of people and
    agencies (the clusters, the counts, the newest entries), plus one audit INSERT: one "view" per person whose
    agencies are listed, reason "screening: agencies that hold records", with the number of agencies (never the
    events' text). Raises nothing."""
    ids = list(dict.fromkeys(person_ids))
    if not ids or actor is None:
        return {}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    roots = {pid: (p.merged_into_id or p.pk) for pid, p in people.items()}
    cluster_of = {}  # member id -> root id
    for pk, merged_into in Person.objects.filter(
        Q(pk__in=set(roots.values())) | Q(merged_into__in=set(roots.values()))
    ).values_list("pk", "merged_into"):
        cluster_of[pk] = merged_into or pk
    allowed = {}
    for pid, person in people.items():
        sens = chronology_sensitivities(actor, person)
        if sens:
            allowed[pid] = sens
    if not allowed:
        return {}
    wanted_roots = {roots[pid] for pid in allowed}
    members = [m for m, r in cluster_of.items() if r in wanted_roots]
    # one sensitivity rule per reader: the hub's (everything) or a case worker's; take the narrowest the actor has
    sens = frozenset.intersection(*allowed.values())
    base = ChronologyEntry.objects.filter(person_id__in=members, agency__isnull=False).exclude(source="")
    base = base.filter(chronology_entries_q(sens))
    per_root = _agency_totals(base, cluster_of)
    if not per_root:
        return {}
    latest_entry = _newest_entries(base, per_root, cluster_of)
    labels = dict(kind_choices())  # the chronology's own kind labels
    sealed_held = chronology_entry_held(actor, "sealed")  # a held sealed entry is named by no kind (its words)
    # an agency whose entries about the child are all held from the reader is not named (access.sharing
    # .agencies_named; issue 7): "An agency" holds them
    named = (
        {
            (cluster_of[pid], agency_id)
            for pid, agency_id in base.filter(sensitivity__in=_SHOWN_LEVELS).values_list("person_id", "agency_id").distinct()
        }
        if sealed_held
        else None
    )
    out: dict = {}
    for pid in allowed:
        root = roots[pid]
        rows = []
        for (r, agency_id), v in per_root.items():
            if r != root:
                continue
            e = latest_entry.get((r, agency_id))
            rows.append(
                AgencyKnows(
                    agency_name=v["name"] if named is None or (r, agency_id) in named else AGENCY_HELD_NAME,
                    events=v["n"],
                    occurred_at=v["latest"],
                    time_known=bool(e.time_known) if e else False,
                    latest_kind=(
                        "Sealed record"
                        if e and sealed_held and chronology_entry_held(None, e.sensitivity)
                        else labels.get(entry_kind(e), entry_kind(e).replace("_", " ").capitalize())
                        if e
                        else ""
                    ),
                )
            )
        if rows:
            out[pid] = sorted(rows, key=lambda a: (a.occurred_at, a.agency_name), reverse=True)
    if out:
        audit_record_many(
            actor=actor,
            action="view",
            objects=[people[pid] for pid in out],
            reason="screening: agencies that hold records",
            detail={"agencies": sum(len(v) for v in out.values())},
        )
    return out


def _agency_totals(base, cluster_of) -> dict:
    """{(cluster root, agency id): {"name", "n", "latest"}} over the entries of `base` (one query)."""
    from django.db.models import Count, Max

    per_root: dict = {}
    counts = base.values("person_id", "agency_id", "agency__name").annotate(n=Count("pk"), latest=Max("occurred_at"))
    for row in counts:
        key = (cluster_of[row["person_id"]], row["agency_id"])
        have = per_root.setdefault(key, {"name": row["agency__name"], "n": 0, "latest": row["latest"]})
        have["n"] += row["n"]
        have["latest"] = max(have["latest"], row["latest"])
    return per_root


def _newest_entries(base, per_root, cluster_of) -> dict:
    """{(cluster root, agency id): the newest entry} for the totals of _agency_totals (one query)."""
    newest = Q(pk__in=[])
    for (root, agency_id), v in per_root.items():
        members = [m for m, r in cluster_of.items() if r == root]
        newest |= Q(agency_id=agency_id, occurred_at=v["latest"], person_id__in=members)
    fields = ("person_id", "agency_id", "occurred_at", "time_known", "kind", "event_kind", "sensitivity")
    latest: dict = {}
    for e in base.filter(newest).order_by("-occurred_at", "pk").only(*fields):
        latest.setdefault((cluster_of[e.person_id], e.agency_id), e)
    return latest
