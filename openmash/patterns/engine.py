"""The rules engine: pure Python, no Django, no decryption (issue 8; ADR 0015).

In: per child, compact event tuples ``(day, indicator, agency, ref, explained, entry)``:

- ``day``: the event's date as a proleptic ordinal (``date.toordinal()``);
- ``indicator``: an indicator code (``injury``, ``domestic_abuse`` ...);
- ``agency``: any hashable naming the agency that recorded it (its id or code); ``HUB`` (None) for the hub's own
  records (a contact recorded by the MASH, an entry without an agency: ``evaluation`` maps ``Agency.is_hub`` to it);
- ``ref``: an opaque reference the caller gets back in a hit's contributions (the ``EventIndicator`` id);
- ``explained``: the record explains it: never counted;
- ``entry``: the chronology entry it was read from (indicators of one entry are one event).

A ``Child`` holds the child's own events, its date of birth (ordinal or None) and ``household``: events of other
people sharing a current address with the child, as ``(event tuple, person key, is_adult)``.

Out: ``evaluate_child(rules, child, as_of) -> [Hit]``: the rules that fired, each with the event tuples that made
it (in time order) and a plain-English sentence. Events after ``as_of`` are ignored; so are explained ones.

The hub is never a second agency (practitioner review): its contacts repeat what an agency or a member of the public
told it, so "from N agencies" counts the agencies other than the hub, and the hub counts as one only when no other
agency is there (``agency_count``): a MASH-recorded contact never makes a pattern cross-agency by itself.

Every rule is conservative: one indicator from one agency never fires anything, except an injury to a baby not
yet mobile (NICE CG89: bruising in a child who is not independently mobile is a reason to suspect maltreatment).
Windows, counts, weights and indicator lists are the rule's ``definition`` (partnership data: ``rules/*.yaml``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from openmash.patterns.indicators import INDICATORS as _READER_INDICATORS
from openmash.patterns.indicators import INJURY_INDICATORS as _READER_INJURY
from openmash.patterns.indicators import NOT_READ

DAY, IND, AG, REF, EXPL, ENTRY = range(6)
Event = tuple  # (day, indicator, agency, ref, explained, entry)
#: the agency of the hub's own records (see the module docstring): never counted as a second agency
HUB = None


def agency_count(agencies) -> int:
    """How many agencies `agencies` (a set, or a Counter of agency -> events) stands for: the distinct agencies, the
    hub (``HUB``) left out when any other agency is there (the hub is never a second agency)."""
    n = len(agencies)
    return n - 1 if n > 1 and HUB in agencies else n


#: every injury code the text reader emits (a bruise reads as ``bruising`` only, a burn as ``burn``...): the
#: injury rules' default, and the set a rule naming ``injury`` is widened to (``_injury_widened``)
INJURY_INDICATORS = tuple(sorted(_READER_INJURY))
#: the reader's ``adult_offending`` read on a child's own record while the child was under 18 (a child's arrest):
#: not an adult's offending (the household rules never read it as one); it still counts as a concern
CHILD_OFFENDING = "child_offending"
OFFENDING = "adult_offending"
ADULT_AGE_DAYS = 18 * 365 + 4


@dataclass(frozen=True)
class Rule:
    """One rule version: ``code``, ``version``, ``rule_type`` (a key of ``RULE_TYPES``), ``title``,
    ``description`` (plain English) and ``definition`` (the evaluator's parameters)."""

    code: str
    version: int
    rule_type: str
    title: str
    description: str
    definition: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Child:
    key: object
    dob: int | None
    events: Sequence[Event]
    household: Sequence[tuple] = ()  # (event, person key, is_adult)
    is_adult: bool = False  # an adult is evaluated by the unborn rule only (a pregnancy)
    cache: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Hit:
    rule: Rule
    events: tuple  # the contributing event tuples, in time order (household events included)
    sentence: str


def day_text(day: int) -> str:
    """An ordinal as '3 March 2025'."""
    d = dt.date.fromordinal(day)
    return f"{d.day} {d.strftime('%B %Y')}"


def _injury_widened(codes) -> set:
    """`codes` as a set, with every injury code of the reader when it names any (a rule written for ``injury``
    also counts a bruise, a burn or a fracture, which the reader reads as those codes only)."""
    out = set(codes)
    if out & set(INJURY_INDICATORS):
        out |= set(INJURY_INDICATORS)
    return out


def _family(indicator: str) -> str:
    """The concern an indicator belongs to for "the same concern": every injury code is one (``injury``)."""
    return "injury" if indicator in INJURY_INDICATORS else indicator


def _counting(events: Iterable[Event], as_of: int, lookback: int | None = None) -> list[Event]:
    """The events that may count: not explained, on or before as_of (and after as_of - lookback), in time order."""
    first = as_of - lookback if lookback else -1
    out = [e for e in events if not e[EXPL] and first < e[DAY] <= as_of]
    out.sort(key=lambda e: e[DAY])
    return out


def _units(events: Sequence[Event]) -> list[list[Event]]:
    """The events grouped into units: the indicators of one chronology entry are one unit, and two entries of one
    agency on one day with the same indicators (the same thing recorded twice) are one unit. `events` in time
    order; the units too."""
    by_entry: dict = {}
    for e in events:
        group = by_entry.get(e[ENTRY])
        if group is None:
            by_entry[e[ENTRY]] = [e]
        else:
            group.append(e)
    seen: set = set()
    units = []
    for group in by_entry.values():
        first = group[0]
        key = (
            (first[AG], first[DAY], first[IND])
            if len(group) == 1
            else (first[AG], first[DAY], frozenset(e[IND] for e in group))
        )
        if key in seen:
            continue
        seen.add(key)
        units.append(group)
    return units  # entries in order of first appearance: time order, as `events` is


def _child_units(child: Child) -> list[list[Event]]:
    """The units of a child's counting events, computed once per evaluation (evaluate_child)."""
    units = child.cache.get("units")
    if units is None:
        units = child.cache["units"] = _units(child.events)
    return units


def _household_units(child: Child, as_of: int, indicators) -> list[list[Event]]:
    """The child's units with, added, the counting events of ``indicators`` recorded for the adults living with the
    child (a mother's domestic abuse, a partner's offending): a child living with them lives with that harm
    (Working Together 2023; DOMAIN 4.2 household context). Only adults' events, never another child's."""
    wanted = set(indicators)
    if not wanted or not child.household:
        return _child_units(child)
    key = ("household_units", frozenset(wanted))
    units = child.cache.get(key)
    if units is None:
        extra = [e for e, _who, is_adult in child.household if is_adult and e[IND] in wanted]
        if not extra:
            units = _child_units(child)
        else:
            units = _units(_counting([*child.events, *extra], as_of))
        child.cache[key] = units
    return units


def _prep(rule: Rule) -> dict:
    """The rule's parameters made ready once (sets, weight maps), cached by the rule object."""
    held = _PREPARED.get(id(rule))
    if held is not None and held[0] is rule:
        return held[1]
    d = rule.definition
    only = set(d.get("indicators", ()))
    exclude = set(d.get("exclude", ()))
    default = float(d.get("default_weight", 1))
    weights = {k: float(v) for k, v in d.get("weights", {}).items()}
    p = {
        "only": only,
        "exclude": exclude,
        "default": default,
        "weights": weights,
        "lookback": int(d["lookback_days"]) if d.get("lookback_days") else None,
        "window": d.get("window_days"),
        "min_agencies": d.get("min_agencies"),
    }
    if len(_PREPARED) > 1000:
        _PREPARED.clear()
    _PREPARED[id(rule)] = (rule, p)
    return p


_PREPARED: dict = {}


def _window_best(units, weight_of, window: int, min_score: float, min_agencies: int, latest_from: int):
    """The most recent window of at most `window` days whose units score at least `min_score` from at least
    `min_agencies` agencies, ending on or after day `latest_from`: the units in it, or None. Two pointers over the
    units (in time order), so linear in their number."""
    agencies: Counter = Counter()
    score = 0.0
    i = 0
    best = None
    weights = [weight_of(u) for u in units]
    for j, unit in enumerate(units):
        if weights[j] <= 0:
            continue
        score += weights[j]
        agencies[unit[0][AG]] += 1
        while unit[0][DAY] - units[i][0][DAY] >= window:
            if weights[i] > 0:
                score -= weights[i]
                ag = units[i][0][AG]
                agencies[ag] -= 1
                if not agencies[ag]:
                    del agencies[ag]
            i += 1
        if score >= min_score - 1e-9 and agency_count(agencies) >= min_agencies and unit[0][DAY] >= latest_from:
            best = (i, j)
    if best is None:
        return None
    i, j = best
    return [units[k] for k in range(i, j + 1) if weights[k] > 0]


def _flat(units) -> tuple:
    return tuple(e for u in units for e in u)


def _agency_count(events) -> int:
    return agency_count({e[AG] for e in events})


def _lookback(d: dict) -> int | None:
    return int(d["lookback_days"]) if d.get("lookback_days") else None


# --- the evaluators -------------------------------------------------------------------------------------------------


def rule_combination(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """Several indicators from several agencies within a window: a score of at least ``min_score`` (each event
    weighs its indicators' highest weight: ``weights``, else ``default_weight``; listed in ``exclude`` = 0) from at
    least ``min_agencies`` agencies within ``window_days``, the latest within ``lookback_days`` of as_of.
    Source: cumulative harm (Brandon et al.; DOMAIN 4.2), issue 8's "three or more indicators from two or more
    agencies in six months"."""
    d = rule.definition
    p = _prep(rule)
    weights, default, exclude, only = p["weights"], p["default"], p["exclude"], p["only"]

    def weight(unit) -> float:
        if len(unit) == 1:
            ind = unit[0][IND]
            return 0.0 if ind in exclude or (only and ind not in only) else weights.get(ind, default)
        return max(
            (weights.get(e[IND], default) for e in unit if e[IND] not in exclude and (not only or e[IND] in only)),
            default=0.0,
        )

    lookback = p["lookback"]
    found = _window_best(
        _household_units(child, as_of, d.get("household_indicators", ())),
        weight,
        int(d.get("window_days", 183)),
        float(d.get("min_score", 3)),
        int(d.get("min_agencies", 2)),
        as_of - lookback if lookback else -1,
    )
    if not found:
        return None
    events = _flat(found)
    return Hit(
        rule,
        events,
        f"{len(found)} events with concerns from {_agency_count(events)} agencies between "
        f"{day_text(found[0][0][DAY])} and {day_text(found[-1][0][DAY])}",
    )


def rule_age(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """An injury (``indicators``: injury, bruising, head injury, fracture, burn) to a baby younger than
    ``max_age_days`` (183: not yet independently mobile) when it happened. One agency is enough. Needs the date
    of birth. Source: NICE CG89 (When to suspect child maltreatment), bruising in a non-mobile child."""
    if child.dob is None:
        return None
    d = rule.definition
    wanted = _injury_widened(d.get("indicators", INJURY_INDICATORS))
    max_age = int(d.get("max_age_days", 183))
    events = [
        e
        for e in _counting(child.events, as_of, _lookback(d))
        if e[IND] in wanted and 0 <= e[DAY] - child.dob < max_age
    ]
    if _agency_count(events) < int(d.get("min_agencies", 1)) or not events:
        return None
    weeks = (events[0][DAY] - child.dob) // 7
    return Hit(
        rule, tuple(events), f"an injury recorded when the baby was {weeks} weeks old, before it could move about"
    )


def _repeat(rule: Rule, child: Child, as_of: int, what: str) -> Hit | None:
    d = rule.definition
    wanted = set(d.get("indicators", ()))
    lookback = _lookback(d)
    units = [
        u for u in _child_units(child) if (u[0][IND] in wanted if len(u) == 1 else any(e[IND] in wanted for e in u))
    ]
    found = _window_best(
        units,
        lambda u: 1.0,
        int(d.get("window_days", 365)),
        float(d.get("min_count", 3)),
        int(d.get("min_agencies", 1)),
        as_of - lookback if lookback else -1,
    )
    if not found:
        return None
    events = _flat(found)
    return Hit(
        rule,
        events,
        f"{len(found)} {what} between {day_text(found[0][0][DAY])} and {day_text(found[-1][0][DAY])}"
        + (f", from {_agency_count(events)} agencies" if _agency_count(events) > 1 else ""),
    )


def rule_repeat_contacts(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """At least ``min_count`` contacts or referrals (indicator ``contact``) within ``window_days`` (3 in 365).
    Source: DfE re-referral within 12 months; MASH research on "low-level repeat referrals which taken in isolation
    may not appear concerning" (DOMAIN 4.2, 4.4)."""
    return _repeat(rule, child, as_of, "contacts or referrals")


def rule_repeat_ed(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """At least ``min_count`` emergency attendances at ``min_agencies`` or more different hospitals (agencies)
    within ``window_days``. Source: CP-IS (unscheduled care attendances), fabricated or induced illness and
    injuries seen at different hospitals (DOMAIN 4.2)."""
    return _repeat(rule, child, as_of, "emergency attendances")


def rule_co_occurrence(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """Every group of ``groups`` (lists of indicators) present within ``window_days`` of each other, from at least
    ``min_agencies`` agencies: e.g. missing education and missed health appointments at once. Source: reviews of
    children missing education and health (e.g. the Child Safeguarding Practice Review Panel's reviews of
    children not seen by any agency)."""
    d = rule.definition
    groups = [set(g) for g in d.get("groups", ())]
    if not groups:
        return None
    window = int(d.get("window_days", 183))
    min_agencies = int(d.get("min_agencies", 2))
    lookback = _lookback(d)
    tagged = []  # (event, the groups it is in)
    for e in child.events:
        gs = [n for n, g in enumerate(groups) if e[IND] in g]
        if gs:
            tagged.append((e, gs))
    in_group = [0] * len(groups)
    agencies: Counter = Counter()
    best = None
    i = 0
    for j, (last, gs) in enumerate(tagged):
        for n in gs:
            in_group[n] += 1
        agencies[last[AG]] += 1
        while last[DAY] - tagged[i][0][DAY] >= window:
            old, old_gs = tagged[i]
            for n in old_gs:
                in_group[n] -= 1
            agencies[old[AG]] -= 1
            if not agencies[old[AG]]:
                del agencies[old[AG]]
            i += 1
        if lookback and last[DAY] <= as_of - lookback:
            continue
        if all(in_group) and agency_count(agencies) >= min_agencies:
            best = [e for e, _ in tagged[i : j + 1]]
    if not best:
        return None
    return Hit(
        rule,
        tuple(best),
        f"{' and '.join(d.get('group_names', ['concerns'] * len(groups)))} between {day_text(best[0][DAY])} and "
        f"{day_text(best[-1][DAY])}, from {_agency_count(best)} agencies",
    )


def rule_same_concern(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """The same indicator raised by at least ``min_agencies`` (2) agencies within ``window_days`` (``exclude``:
    indicators too common to count alone, like an emergency attendance). Source: issue 8 ("the same concern raised
    by two agencies"); reviews finding each agency held a piece (DOMAIN 4.3)."""
    d = rule.definition
    exclude = set(d.get("exclude", ()))
    window = int(d.get("window_days", 183))
    min_agencies = int(d.get("min_agencies", 2))
    lookback = _lookback(d)
    by_ind: dict[str, list] = {}
    for e in child.events:
        if e[IND] not in exclude:
            by_ind.setdefault(_family(e[IND]), []).append(e)
    best = None
    for ind, events in by_ind.items():
        if _agency_count(events) < min_agencies:
            continue
        i = 0
        agencies: Counter = Counter()
        for j, last in enumerate(events):
            agencies[last[AG]] += 1
            while last[DAY] - events[i][DAY] >= window:
                agencies[events[i][AG]] -= 1
                if not agencies[events[i][AG]]:
                    del agencies[events[i][AG]]
                i += 1
            recent = not (lookback and last[DAY] <= as_of - lookback)
            if agency_count(agencies) >= min_agencies and recent and (best is None or last[DAY] > best[1][-1][DAY]):
                best = (ind, events[i : j + 1])
    if best is None:
        return None
    ind, events = best
    return Hit(
        rule,
        tuple(events),
        f"the same concern ({ind.replace('_', ' ')}) from {_agency_count(events)} agencies between "
        f"{day_text(events[0][DAY])} and {day_text(events[-1][DAY])}",
    )


def rule_household_adult(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """An adult sharing the child's current address with ``adult_indicators`` (offending, sexual harm) recorded
    within ``lookback_days`` of as_of, and a concern about the child itself (any counting indicator but
    ``exclude``) from another agency within ``window_days`` of the adult's event. Source: the "hidden male carer"
    and new partners with a record (Child Safeguarding Practice Review Panel, Arthur and Star review 2022;
    DOMAIN 4.2 household context)."""
    d = rule.definition
    adult_ind = set(d.get("adult_indicators", ("adult_offending",)))
    exclude = set(d.get("exclude", ()))
    window = int(d.get("window_days", 365))
    lookback = _lookback(d)
    adult_events = [
        (e, who)
        for e, who, is_adult in child.household
        if is_adult
        and e[IND] in adult_ind
        and not e[EXPL]
        and e[DAY] <= as_of
        and not (lookback and e[DAY] <= as_of - lookback)
    ]
    if not adult_events:
        return None
    own = [e for e in child.events if e[IND] not in exclude]
    best = None
    for a, _who in adult_events:
        near = [e for e in own if abs(e[DAY] - a[DAY]) <= window and agency_count({e[AG], a[AG]}) > 1]
        if near and (best is None or a[DAY] > best[0][DAY]):
            best = (a, near)
    if best is None:
        return None
    a, near = best
    events = tuple(sorted((a, *near), key=lambda e: e[DAY]))
    return Hit(
        rule,
        events,
        f"an adult at the child's address with {a[IND].replace('_', ' ')} recorded on {day_text(a[DAY])}, "
        f"and {len(near)} concern{'s' if len(near) != 1 else ''} about the child from another agency",
    )


def rule_unborn(rule: Rule, child: Child, as_of: int) -> Hit | None:
    """A pregnancy (``pregnancy_indicators``) with risk factors (``risk_indicators``: domestic abuse, substance
    misuse, parental mental ill health, child protection) recorded on the person or in their household within
    ``window_days`` before or after it, from at least ``min_agencies`` agencies in all. Source: pre-birth
    assessment guidance (local CP procedures); the "toxic trio" as prompts, not a formula (DOMAIN 4.2)."""
    d = rule.definition
    preg = set(d.get("pregnancy_indicators", ("pregnancy",)))
    risk = set(d.get("risk_indicators", ()))
    window = int(d.get("window_days", 365))
    min_agencies = int(d.get("min_agencies", 2))
    lookback = _lookback(d)
    own = child.events
    pregnancies = [e for e in own if e[IND] in preg and not (lookback and e[DAY] <= as_of - lookback)]
    if not pregnancies:
        return None
    risks = [e for e in own if e[IND] in risk]
    risks += [e for e, _who, _adult in child.household if e[IND] in risk and not e[EXPL] and e[DAY] <= as_of]
    p = pregnancies[-1]
    near = [e for e in risks if abs(e[DAY] - p[DAY]) <= window]
    events = tuple(sorted({p, *near}, key=lambda e: e[DAY]))
    if not near or _agency_count(events) < min_agencies:
        return None
    kinds = sorted({e[IND].replace("_", " ") for e in near})
    return Hit(rule, events, f"a pregnancy recorded on {day_text(p[DAY])} with {', '.join(kinds)} in the household")


RULE_TYPES: dict[str, Callable[[Rule, Child, int], Hit | None]] = {
    "combination": rule_combination,
    "age": rule_age,
    "repeat_contacts": rule_repeat_contacts,
    "repeat_ed": rule_repeat_ed,
    "household_adult": rule_household_adult,
    "missing_education_and_health": rule_co_occurrence,
    "co_occurrence": rule_co_occurrence,
    "unborn": rule_unborn,
    "same_concern": rule_same_concern,
}


#: The indicators the household rules read from other people (so a loader fetches only these for them).
def household_indicators(rules: Iterable[Rule]) -> set[str]:
    out: set[str] = set()
    for r in rules:
        out |= set(r.definition.get("household_indicators", ()))
        if r.rule_type == "household_adult":
            out |= set(r.definition.get("adult_indicators", ("adult_offending",)))
        elif r.rule_type == "unborn":
            out |= set(r.definition.get("risk_indicators", ()))
    return out


def _may_fire(rule: Rule, present: set, agencies: int, child: Child) -> bool:
    """A cheap test that the rule cannot fire (so most children cost one set lookup per rule)."""
    t = rule.rule_type
    p = _prep(rule)
    need = p.get("need")
    if need is None:
        d = rule.definition
        need = p["need"] = (
            set(d.get("pregnancy_indicators", ("pregnancy",))),
            _injury_widened(d.get("indicators", INJURY_INDICATORS if t == "age" else ())),
            [set(g) for g in d.get("groups", ())],
            int(d.get("min_agencies", 1 if t in ("age", "repeat_contacts", "repeat_ed") else 2)),
        )
    pregnancy, wanted, groups, min_agencies = need
    if child.is_adult:
        return t == "unborn" and not present.isdisjoint(pregnancy)
    if t == "combination" and rule.definition.get("household_indicators") and child.household:
        return True
    if t in ("combination", "same_concern"):
        return agencies >= min_agencies
    if t == "age":
        return child.dob is not None and not present.isdisjoint(wanted)
    if t in ("repeat_contacts", "repeat_ed"):
        return agencies >= min_agencies and not present.isdisjoint(wanted)
    if t in ("missing_education_and_health", "co_occurrence"):
        return agencies >= min_agencies and all(not present.isdisjoint(g) for g in groups)
    if t == "household_adult":
        return bool(child.household) and bool(present)
    if t == "unborn":
        return not present.isdisjoint(pregnancy)
    return True


def evaluate_child(rules: Sequence[Rule], child: Child, as_of: int) -> list[Hit]:
    """Every rule that fires for `child` as at day `as_of` (an ordinal), in the order of `rules`. An adult
    (``child.is_adult``) is read by the unborn rule only."""
    events = [e for e in _counting(child.events, as_of) if e[IND] != NOT_READ]  # never counted (ADR 0021)
    if not events:
        return []
    if not child.is_adult and child.dob is not None:
        events = [_child_offending(e, child.dob) for e in events]
    present = {e[IND] for e in events}
    agencies = _agency_count(events)
    child = Child(child.key, child.dob, events, child.household, child.is_adult)
    hits = []
    for rule in rules:
        fn = RULE_TYPES.get(rule.rule_type)
        if fn is None or not _may_fire(rule, present, agencies, child):
            continue
        hit = fn(rule, child, as_of)
        if hit is not None:
            hits.append(hit)
    return hits


def _child_offending(e: Event, dob: int) -> Event:
    """`e`, with ``adult_offending`` read as ``child_offending`` when it was recorded before the person was 18."""
    if e[IND] == OFFENDING and e[DAY] - dob < ADULT_AGE_DAYS:
        return (e[DAY], CHILD_OFFENDING, *e[AG:])
    return e


#: Indicators never named as "also on record" (``also_on_record``): not a concern by themselves (a contact is counted
#: by its own rule, a pregnancy by the unborn rule, an admission by repeated presentations), as the combination rule
#: excludes them.
ALSO_EXCLUDE = frozenset({"contact", "pregnancy", "hospital_admission", NOT_READ})
#: The period read for "also on record" before the earliest event of the hits when no fired rule gives a window.
ALSO_WINDOW_DAYS = 183


def also_on_record(hits: Sequence[Hit], child: Child, as_of: int) -> tuple:
    """The events "also on record in the same period" as the hits: the child's own counting events, and the adults'
    events at the child's address that the household rules read (``child.household``; never another child's), from
    agencies that no hit names, dated from the earliest event of the hits less the widest ``window_days`` of the
    fired rules (``ALSO_WINDOW_DAYS`` when none gives one) to `as_of`, and not before `as_of` less the longest
    ``lookback_days``. Explained events, events after `as_of`, the hub's records (``HUB``) and indicators that are
    no concern by themselves (``ALSO_EXCLUDE``) are never named.

    In: the hits of ``evaluate_child`` for `child` as at `as_of` (an ordinal). Out: the event tuples, in time order,
    each once (empty when there are no hits). They never make or keep a flag: only what fired does; they make the
    explanation name every agency whose record informs the concern (issue 8: "every contributing agency"; Working
    Together 2023 on sharing what each agency holds; the Panel's reviews finding each agency held a piece)."""
    if not hits:
        return ()
    named = {e[AG] for h in hits for e in h.events}
    used = {e[REF] for h in hits for e in h.events}
    first = _period_start(hits, as_of)
    dob = None if child.is_adult else child.dob
    own = [_child_offending(e, dob) if dob is not None else e for e in child.events]
    around = [e for e, _who, is_adult in child.household if is_adult]
    out: dict = {}
    for e in _counting([*own, *around], as_of):
        if e[DAY] < first or e[AG] is HUB or e[AG] in named or e[REF] in used or e[IND] in ALSO_EXCLUDE:
            continue
        out.setdefault(e[REF], e)
    return tuple(sorted(out.values(), key=lambda e: (e[DAY], str(e[AG]), str(e[REF]))))


def _period_start(hits: Sequence[Hit], as_of: int) -> int:
    """The first day of a flag's period (``also_on_record``): the earliest event of the hits less the widest
    ``window_days`` of the fired rules (``ALSO_WINDOW_DAYS`` when none gives one), and not before `as_of` less the
    longest ``lookback_days`` when every fired rule has one."""
    windows = [int(h.rule.definition["window_days"]) for h in hits if h.rule.definition.get("window_days")]
    lookbacks = [_lookback(h.rule.definition) for h in hits]
    first = min(e[DAY] for h in hits for e in h.events) - max(windows, default=ALSO_WINDOW_DAYS)
    if lookbacks and all(lookbacks):
        first = max(first, as_of - max(lookbacks))
    return first


def not_read_in_period(hits: Sequence[Hit], events: Iterable[Event], as_of: int, also: Iterable[Event] = ()) -> tuple:
    """The child's own events the reader read as nothing either way (``NOT_READ``: no indicator, nothing recognised
    as ordinary) in the flag's period, from agencies that neither the hits nor the events `also` on record name:
    "also involved in this period, not read as a concern - read the record" (ADR 0021).

    In: the hits of ``evaluate_child`` as at `as_of` (an ordinal); `events`: the child's own event tuples (its
    records and those joined to it, and those of the people the matching proposes may be the child, whom the caller
    marks as not yet confirmed; never a household member's: callers pass no household events; those of other
    indicators are skipped); `also`: ``also_on_record``'s events. The period is also_on_record's
    (``_period_start`` to `as_of`). The hub's records (``HUB``) are never named. Out: the event tuples in time
    order, each once; empty when there are no hits. They never make or keep a flag (evaluate_child never counts
    them); they make the explanation name every agency that held a record of the child in the period, including
    words no phrase list knows (the reviews: each agency held a piece)."""
    if not hits:
        return ()
    named = {e[AG] for h in hits for e in h.events} | {e[AG] for e in also}
    first = _period_start(hits, as_of)
    out: dict = {}
    for e in _counting(events, as_of):
        if e[IND] != NOT_READ or e[DAY] < first or e[AG] is HUB or e[AG] in named:
            continue
        out.setdefault(e[REF], e)
    return tuple(sorted(out.values(), key=lambda e: (e[DAY], str(e[AG]), str(e[REF]))))


def contributions(hits: Sequence[Hit], also: Iterable[Event] = ()) -> list[tuple[Event, list[str]]]:
    """The events of all hits, each once, in time order, with the codes of the rules it counted for; with the events
    `also` on record in the same period (``also_on_record``), each with no rule code."""
    seen: dict = {}
    for hit in hits:
        for e in hit.events:
            seen.setdefault(e[REF], [e, []])[1].append(hit.rule.code)
    for e in also:
        seen.setdefault(e[REF], [e, []])
    return sorted(((e, codes) for e, codes in seen.values()), key=lambda x: (x[0][DAY], str(x[0][AG]), str(x[0][REF])))


#: Rule types whose point is that different agencies saw something: ``min_agencies`` below 2 would make one
#: agency's own records a "pattern" (practitioner review: a combination rule saved with 0 agencies).
CROSS_AGENCY_TYPES = frozenset({"combination", "missing_education_and_health", "unborn", "same_concern"})
MAX_WINDOW_DAYS = 3653
MAX_AGENCIES = 50
#: The largest weight, default weight or score a rule may give (attacker review: a weight of 1e308, or nan or inf,
#: was saved, making one event enough; nan and inf also broke the JSON column and answered a misleading 409).
MAX_WEIGHT = 10
MAX_SCORE = 100


def _limits_check(rule_type: str, definition: dict) -> str | None:
    """Values that would defeat a rule: a window or count of 0 (it never holds), a window over ten years, a
    cross-agency rule allowed one agency, more agencies than a partnership has."""
    for key in ("window_days", "lookback_days", "max_age_days", "min_count"):
        if definition.get(key) == 0:
            return f"{key} must be at least 1"
    for key in ("window_days", "lookback_days"):
        if isinstance(definition.get(key), int) and definition[key] > MAX_WINDOW_DAYS:
            return f"{key} must be at most {MAX_WINDOW_DAYS} days (10 years)"
    agencies = definition.get("min_agencies")
    if rule_type in CROSS_AGENCY_TYPES and isinstance(agencies, int) and agencies < 2:
        return "min_agencies must be at least 2: this kind of rule is about concerns from different agencies"
    if isinstance(agencies, int) and agencies > MAX_AGENCIES:
        return f"min_agencies must be at most {MAX_AGENCIES}"
    return None


def _numbers_check(definition: dict) -> str | None:
    """Weights and scores a rule can use: finite, not negative, a weight at most MAX_WEIGHT, a score above 0 and at
    most MAX_SCORE (a weight past any score would make one event enough; nan or inf never compare)."""
    weights = definition.get("weights")
    if weights is not None and not isinstance(weights, dict):
        return "weights must be a mapping of indicator code to weight"
    named = [(f"weights: “{k}”", v) for k, v in (weights or {}).items()]
    for name, value in [("default_weight", definition.get("default_weight")), *named]:
        if value is None and name == "default_weight":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"{name} must be a number"
        if not 0 <= value <= MAX_WEIGHT:
            return f"{name} must be between 0 and {MAX_WEIGHT}"
    score = definition.get("min_score")
    if score is not None and (not math.isfinite(score) or not 0 < score <= MAX_SCORE):
        return f"min_score must be more than 0 and at most {MAX_SCORE}"
    return None


def rule_check(rule_type: str, definition: dict) -> str | None:
    """Why a rule definition cannot be used (unknown type, a window that is not a positive whole number...), or
    None."""
    if rule_type not in RULE_TYPES:
        return f"unknown rule type {rule_type!r} (choose from {', '.join(sorted(RULE_TYPES))})"
    if not isinstance(definition, dict):
        return "the definition must be a mapping"
    for key in ("window_days", "max_age_days", "lookback_days", "min_agencies", "min_count"):
        if key in definition and (not isinstance(definition[key], int) or definition[key] < 0):
            return f"{key} must be a whole number of 0 or more"
    for key in ("min_score", "default_weight"):
        if key in definition and (isinstance(definition[key], bool) or not isinstance(definition[key], (int, float))):
            return f"{key} must be a number"
    problem = _numbers_check(definition)
    if problem:
        return problem
    problem = _limits_check(rule_type, definition)
    if problem:
        return problem
    if rule_type in ("missing_education_and_health", "co_occurrence") and not definition.get("groups"):
        return "groups: give at least one list of indicators"
    unknown = sorted(set(rule_codes(definition)) - KNOWN_INDICATORS)
    if unknown:
        return f"unknown indicator code{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
    return None


#: The indicator codes a rule may name: the text reader's catalogue, ``contact`` (``reading``: a contact or a
#: referral) and ``child_offending`` (a child's own arrest, ``_child_offending``).
KNOWN_INDICATORS: frozenset[str] = frozenset(_READER_INDICATORS) | {"contact", CHILD_OFFENDING}
_CODE_LISTS = (
    "indicators",
    "exclude",
    "adult_indicators",
    "household_indicators",
    "pregnancy_indicators",
    "risk_indicators",
)


def rule_codes(definition: dict) -> list[str]:
    """Every indicator code a rule definition names (its lists, its weights' keys and its groups)."""
    out: list[str] = []
    for key in _CODE_LISTS:
        value = definition.get(key) or ()
        out += [str(v) for v in (value if isinstance(value, (list, tuple, set)) else [value])]
    weights = definition.get("weights") or {}
    if isinstance(weights, dict):
        out += [str(k) for k in weights]
    for group in definition.get("groups") or ():
        out += [str(v) for v in (group if isinstance(group, (list, tuple, set)) else [group])]
    return out


__all__ = [
    "Child",
    "Hit",
    "HUB",
    "KNOWN_INDICATORS",
    "Rule",
    "RULE_TYPES",
    "agency_count",
    "also_on_record",
    "contributions",
    "not_read_in_period",
    "day_text",
    "evaluate_child",
    "rule_check",
    "rule_codes",
]
