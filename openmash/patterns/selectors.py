"""Reads of flags and the watch-list for the hub's pages and the API (issue 8; ADR 0015). Every read of a flag or a
watch is decided by ``access.policy.flags_visible`` / ``watches_visible`` (hub only: MASH screeners and managers) and
audited (``list`` per flag on a page, ``view`` on one flag); anyone else finds nothing (NotFound, answered like a
missing record, so a flag's existence is never revealed).

- ``flags_page(actor, order, page)``: open flags, ``newest`` (as-of date, then raised) or ``strongest`` (rules fired,
  then contributing events), one page with its true total; PermissionDenied without ``flag.view``.
- ``flag_get(actor, flag_id)``: one flag, audited; NotFound when not visible or missing.
- ``flag_explained(actor, flag)``: the child, the rules with their plain-English descriptions and each contributing
  event in time order (agency, date, event type, evidence), with sealed events' words only for the sealed roles
  (``access.sharing.sealed_roles``, default MASH managers) and entries the chronology rules hide left out
  (``access.policy.chronology_sensitivities``).
- ``watch_list_page(actor, page)``: the current watches (until today or later), each with the events recorded about
  the child since the watch began.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Func, IntegerField, Q
from django.utils import timezone

from openmash.access.fields import flag_child_shown
from openmash.access.policy import can, chronology_sensitivities, flags_visible, watches_visible
from openmash.access.sharing import AGENCY_HELD_NAME, agencies_named, chronology_entry_held, sealed_roles
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound, PermissionDenied
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from openmash.patterns.indicators import INDICATORS, NOT_READ
from openmash.patterns.models import Flag, FlagContribution, FlagStatus
from openmash.people.names import names_resolve

FLAG_ORDERS = ("newest", "strongest")


#: The label of a record the reader read as nothing either way (``indicators.NOT_READ``; ADR 0021).
NOT_READ_LABEL = "Not read as a concern either way"


def _agency_names(codes) -> dict[str, str]:
    from openmash.accounts.models import Agency

    codes = set(codes)
    if not codes:
        return {}
    return dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))


def age_text(born: dt.date | None, on: dt.date | None = None) -> str:
    """'4 years', '7 months' or '' (no date of birth): a child's age for the lists."""
    if born is None:
        return ""
    on = on or timezone.localdate()
    months = (on.year - born.year) * 12 + on.month - born.month - (1 if on.day < born.day else 0)
    if months < 0:
        return "Unborn"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def open_flags_qs(actor):
    """The open flags the actor may see (none without ``flag.view``)."""
    return flags_visible(actor).filter(status=FlagStatus.OPEN)


def open_flags_count(*, actor) -> int:
    """How many open flags wait for the hub (0 for anyone else): the home page's tile."""
    if not can(actor, "flag.view"):
        return 0
    return open_flags_qs(actor).count()


class JsonArrayLength(Func):
    """The length of a JSON array column: SQLite's ``json_array_length``, PostgreSQL's ``jsonb_array_length``."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="jsonb_array_length", **extra)


def flags_page(*, actor, order: str = "newest", page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True) -> Page:
    """One page of the open flags, with the true total; each flag's child loaded, ``agency_names`` set (the names
    of the agencies its explanation names) and ``rule_titles`` (the plain-English titles of the rules that fired).
    Audited: one ``list`` event per flag shown. PermissionDenied without ``flag.view``."""
    if not can(actor, "flag.view"):
        raise PermissionDenied("You cannot see flags")
    plain = open_flags_qs(actor)
    if order == "strongest":  # most rules fired, then most contributing events: in SQL, so it holds across pages
        # records read as nothing (ADR 0021) never make a flag stronger
        read = ~Q(contribution_rows__indicator__indicator=NOT_READ)
        qs = (
            plain.select_related("child")
            .annotate(n_rules=JsonArrayLength("rules"), n_contributions=Count("contribution_rows", filter=read))
            .order_by("-n_rules", "-n_contributions", "-as_of", "-created_at", "pk")
        )
        result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    else:
        qs = plain.select_related("child").order_by("-as_of", "-created_at", "pk")
        result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    names = _agency_names(c for f in result.items for c in f.agencies or [])
    names_resolve(f.child for f in result.items)  # the children's resolved names, one query (issue 6, finding 2)
    named = _flags_agencies_named(actor, result.items)
    for f in result.items:
        # only the agencies with a contribution whose words the reader reads (access.sharing.agencies_named)
        f.agency_names = [names.get(c, c) for c in f.agencies or [] if c in named.get(f.pk, ())]
        f.rule_titles = [r.get("title") or r.get("code") for r in f.rules or []]
        f.child_shown = flag_child_shown(actor, f)  # the one answer (access.fields, field table "flag_child")
        f.child_age = f.child_shown["age"]
    audit_record_many(actor=actor, action="list", objects=result.items, reason="flags list")
    return result


def _flags_agencies_named(actor, flags) -> dict:
    """{flag id: the codes of the agencies the actor may see named on it} (access.sharing.agencies_named over the
    flag's contributing events the actor may list: chronology_sensitivities, as flag_explained lists them). Two
    queries and one per child for the listing rule."""
    if not flags:
        return {}
    rows: dict = {}
    for flag_id, code, level in FlagContribution.objects.filter(flag__in=flags).values_list(
        "flag_id", "indicator__agency__code", "indicator__entry__sensitivity"
    ):
        if code:
            rows.setdefault(flag_id, []).append((code, level or "standard"))
    roles = sealed_roles()
    out = {}
    for f in flags:
        visible = chronology_sensitivities(actor, f.child)
        out[f.pk] = agencies_named(actor, [(c, lvl) for c, lvl in rows.get(f.pk, []) if lvl in visible], roles)
    return out


def flag_get(*, actor, flag_id, audit: bool = True) -> Flag:
    """One flag the actor may see (hub only), with its child; audited ``view``. NotFound otherwise (a missing flag
    and one the actor may not see look the same)."""
    flag = flags_visible(actor).select_related("child", "contact", "decided_by").filter(pk=flag_id).first()
    if flag is None:
        raise NotFound()
    names_resolve([flag.child])  # the child's resolved name (issue 6, finding 2)
    if audit:
        audit_record(actor=actor, action="view", obj=flag, reason="flag")
    return flag


def _rule_descriptions(rules: list[dict]) -> list[dict]:
    """Each fired rule {"code", "version", "title"} with its plain-English ``description``: the stored version's,
    else the shipped file's (a rule evaluated from the file while the database held none)."""
    from openmash.patterns.models import PatternRule
    from openmash.patterns.rules import default_specs

    wanted = [(r.get("code"), r.get("version")) for r in rules]
    stored = {
        (p.code, p.version): p
        for p in PatternRule.objects.filter(code__in=[c for c, _v in wanted]).only(
            "code", "version", "title", "description"
        )
    }
    shipped = None
    out = []
    for r in rules:
        row = stored.get((r.get("code"), r.get("version")))
        if row is not None:
            out.append({"code": row.code, "version": row.version, "title": row.title, "description": row.description})
            continue
        if shipped is None:
            shipped = {s.code: s for s in default_specs()}
        spec = shipped.get(r.get("code"))
        out.append(
            {
                "code": r.get("code"),
                "version": r.get("version"),
                "title": r.get("title") or (spec.title if spec else r.get("code")),
                "description": spec.description if spec else "",
            }
        )
    return out


def flag_explained(*, actor, flag: Flag) -> dict:
    """What the flag page and the API show of a flag the actor has been given (flag_get).

    Out: {"child", "age", "rules": [{code, version, title, description}], "events": [{when, agency_code, agency,
    event_type, indicator, indicator_label, evidence, explained, sealed, shown, rule_codes, also_on_record,
    not_read, unconfirmed}], "agencies":
    [names], "unconfirmed": [{agencies, link_id}]}. ``unconfirmed``: events of a person the matching proposes may be
    this child (a current, undecided proposal; ``patterns.possibly_same``), shown only when the actor may see that
    person's entries too, with the proposal to review (``link_id`` only for those who review links).
    ``also_on_record``: an event no rule counted, also on record in the same period from another agency
    (``engine.also_on_record``); shown and hidden by the same sensitivity rules as every other event. ``not_read``:
    a record of the child's own in the flag's period that the reader read as nothing either way
    (``engine.not_read_in_period``, ADR 0021: "also involved in this period, not read as a concern - read the
    record"); the same sensitivity rules; its ``indicator`` is ``not_read``.
    Events are in time order (date, then their place in the explanation). An event whose sensitivity the chronology
    rules hide from the actor is left out; a sealed event shows its agency and date, and its words (``evidence``,
    ``event_type``, ``indicator``: read from those words; ``indicator_label`` "Sealed record") only when
    ``access.sharing.chronology_entry_held`` allows, as the chronology does (``shown`` False otherwise). An agency
    none of whose listed events the reader reads (sealed records only) is not named: its events say "An agency"
    (``agency_code`` "") and ``agencies`` and ``unconfirmed`` leave it out (access.sharing.agencies_named).
    Computed per reader: the stored explanation (``openmash flags export``, no reader) still names every agency."""
    child = flag.child
    visible = chronology_sensitivities(actor, child)
    roles = sealed_roles()  # one settings read for the page
    rows = list(
        FlagContribution.objects.filter(flag=flag)
        .select_related("indicator", "indicator__agency", "indicator__entry", "indicator__person")
        .order_by("indicator__occurred_on", "position")
    )
    pending = _pending_links(child.pk, {_root_of(r.indicator.person) for r in rows} - {child.pk})
    others: dict = {}  # another person's root -> the sensitivities of their entries the actor may see
    shown_by: dict = {}  # a possibly-same person's root -> the names of the agencies whose events are shown
    events, roots = [], []
    for row in rows:
        ind = row.indicator
        entry = ind.entry
        sensitivity = entry.sensitivity or "standard"
        root = _root_of(ind.person)
        if root != child.pk:
            if root not in others:
                others[root] = visible  # an adult at the child's address: as the child's chronology
                if root in pending:  # possibly the same child: the actor must be allowed to see that person too
                    person = ind.person if ind.person.merged_into_id is None else ind.person.merged_into
                    others[root] = visible & chronology_sensitivities(actor, person)
            if sensitivity not in others[root]:
                continue
        elif sensitivity not in visible:
            continue
        # the one rule for a chronology entry's words (access.sharing.chronology_entry_held), as the chronology's
        sealed = sensitivity not in ("standard", "sensitive")
        shown = not chronology_entry_held(actor, sensitivity, roles)
        not_read = ind.indicator == NOT_READ
        if not_read:
            label = NOT_READ_LABEL
        else:
            label = INDICATORS[ind.indicator].label if ind.indicator in INDICATORS else ind.indicator.replace("_", " ")
        if not shown:  # the indicator was read from the sealed words: held with them
            label = "Sealed record"
        events.append(
            {
                "when": ind.occurred_on,
                "agency_code": ind.agency.code if ind.agency else "",
                "agency": ind.agency.name if ind.agency else "The hub",
                "event_type": (entry.source_type_text or entry.event_kind or entry.kind) if shown else "",
                "indicator": ind.indicator if shown else "",
                "indicator_label": label,
                "evidence": ind.evidence if shown else "",
                "explained": ind.explained if shown else False,
                "sealed": sealed,
                "shown": shown,
                "rule_codes": list(row.rule_codes or []),
                # no rule counted it: also on record in the same period (engine.also_on_record), named, not the cause
                "also_on_record": not row.rule_codes and not not_read,
                # read as nothing either way: also involved in the period, for a person to read (ADR 0021)
                "not_read": not_read,
                "unconfirmed": root in pending,
                "level": sensitivity,  # for the naming rule below; not given out
            }
        )
        roots.append(root)
    # the agencies the reader may see named: one with an event whose words they read (access.sharing
    # .agencies_named); any other is "An agency" on its events and in no list (issue 7: a sexual health clinic
    # named beside its sealed records says what they are about)
    named = agencies_named(actor, [(e["agency_code"], e["level"]) for e in events if e["agency_code"]], roles)
    for e, root in zip(events, roots, strict=True):
        e.pop("level")
        if e["agency_code"] and e["agency_code"] not in named:
            e["agency_code"], e["agency"] = "", AGENCY_HELD_NAME
        if root in pending:
            shown_by.setdefault(root, set()).add(e["agency"])
    names = _agency_names(flag.agencies or [])
    reviews = can(actor, "link.review")
    unconfirmed = [
        {"agencies": sorted(shown_by[root]), "link_id": link_id if reviews else None}
        for root, link_id in pending.items()
        if shown_by.get(root)
    ]
    shown = flag_child_shown(actor, flag)  # the one answer (access.fields, field table "flag_child")
    return {
        "child": child,
        "shown": shown,
        "age": shown["age"],
        "rules": _rule_descriptions(flag.rules or []),
        "events": events,
        "agencies": [names.get(c, c) for c in flag.agencies or [] if c in named],
        "unconfirmed": unconfirmed,
    }


def _root_of(person):
    return person.merged_into_id or person.pk


def _pending_links(child_id, roots: set) -> dict:
    """{other person's root: proposal id} for the people among `roots` a current, undecided proposal links with the
    child (``patterns.possibly_same``: events of a person possibly the same child, read without joining them)."""
    if not roots:
        return {}
    from openmash.people.models import LinkState, RecordLink

    out: dict = {}
    links = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).filter(
        Q(record_l__person_id=child_id, record_r__person_id__in=roots)
        | Q(record_r__person_id=child_id, record_l__person_id__in=roots)
    )
    for pk, left, right in links.values_list("pk", "record_l__person_id", "record_r__person_id").order_by("created_at"):
        out.setdefault(right if left == child_id else left, pk)
    return out


def _news_exists():
    """An Exists over the chronology entries (events and contacts) about a watch's child (or anyone merged into them)
    recorded since the watch began."""
    from django.db.models import Exists, OuterRef

    from openmash.people.models import ChronologyEntry

    return Exists(
        ChronologyEntry.objects.filter(
            Q(person_id=OuterRef("child_id")) | Q(person__merged_into_id=OuterRef("child_id")),
            created_at__gt=OuterRef("created_at"),
            kind__in=("event", "contact"),
        )
    )


def contacts_in_year(child_id, *, today: dt.date | None = None) -> int:
    """How many contacts about the child (over their cluster) in the last twelve months: the contacts recorded in
    OpenMASH naming them as a subject, and the contacts and referrals to children's services an agency's extract
    brought (an imported event whose type reads as one: ``reading.entry_findings`` gives it the ``contact``
    indicator). Two queries."""
    from openmash.contacts.models import ContactPerson
    from openmash.patterns.reading import CONTACT, entry_findings
    from openmash.people.models import ChronologyEntry, Person

    today = today or timezone.localdate()
    members = [child_id, *Person.objects.filter(merged_into_id=child_id).values_list("pk", flat=True)]
    since = timezone.now() - dt.timedelta(days=365)
    recorded = (
        ContactPerson.objects.filter(person_id__in=members, role="subject", contact__received_at__gte=since)
        .values("contact_id")
        .distinct()
        .count()
    )
    imported = ChronologyEntry.objects.filter(person_id__in=members, kind="event", occurred_at__gte=since).exclude(
        source_type_text=""
    )
    seen = set()
    for external_id, kind, type_text in imported.values_list("external_id", "event_kind", "source_type_text"):
        if external_id not in seen and any(
            f.indicator == CONTACT for f in entry_findings("event", kind, type_text, "")
        ):
            seen.add(external_id)
    return recorded + len(seen)


def watch_list_page(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True) -> Page:
    """The current watches (not ended, ``until`` today or later), soonest to end first, one page with its true
    total. Each watch gets ``new_events`` (how many events and contacts about the child, over their cluster, were
    recorded since the watch began), ``contacts_year`` and ``escalated`` (contacts in twelve months reached
    OPENMASH_WATCH_ESCALATE_CONTACTS). Audited ``list``. PermissionDenied without ``flag.view``."""
    from django.conf import settings

    from openmash.people.models import ChronologyEntry, Person

    if not can(actor, "flag.view"):
        raise PermissionDenied("You cannot see the watch-list")
    today = timezone.localdate()
    qs = (
        watches_visible(actor)
        .filter(ended_at__isnull=True, until__gte=today)
        .select_related("child")
        .order_by("until", "created_at", "pk")
    )
    result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    threshold = getattr(settings, "OPENMASH_WATCH_ESCALATE_CONTACTS", 3)
    for w in result.items:
        members = [w.child_id, *Person.objects.filter(merged_into_id=w.child_id).values_list("pk", flat=True)]
        w.new_events = ChronologyEntry.objects.filter(
            person_id__in=members, created_at__gt=w.created_at, kind__in=("event", "contact")
        ).count()
        w.contacts_year = contacts_in_year(w.child_id, today=today)
        w.escalated = w.contacts_year >= threshold
        w.child_shown = flag_child_shown(actor, w)
        w.child_age = w.child_shown["age"]
    audit_record_many(actor=actor, action="list", objects=result.items, reason="watch-list")
    return result


def watch_count(*, actor) -> dict:
    """{"watched", "with_news"}: the home page's watch-list figures (zeros for anyone without ``flag.view``).
    ``with_news``: current watches whose child has had an event or contact recorded since the watch began."""
    if not can(actor, "flag.view"):
        return {"watched": 0, "with_news": 0}
    today = timezone.localdate()
    current = watches_visible(actor).filter(ended_at__isnull=True, until__gte=today)
    return {"watched": current.count(), "with_news": current.filter(_news_exists()).count()}


__all__ = [
    "FLAG_ORDERS",
    "age_text",
    "contacts_in_year",
    "flag_explained",
    "flag_get",
    "flags_page",
    "open_flags_count",
    "watch_count",
    "watch_list_page",
]
