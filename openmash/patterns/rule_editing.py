"""The partnership's pattern rules in the browser (issue 8; ADR 0015): read them, change one, download the file.

A rule is partnership data, versioned as ``PatternRule`` rows (``code``, ``version``): a change writes a new version
and keeps every earlier one, with who saved it and when. Nothing here adds a way to store a rule: a change goes
through the same checks as a rules file (``patterns.rules.rules_from_text``, what ``openmash flags rules load``
runs), so a value the command line would refuse is refused here too, with the field it concerns.

- ``rules_overview(actor) -> [RuleRow]``: the current version of every rule (the shipped file's, version 0, while
  the database holds none, as ``rules_current`` evaluates them). ``flag.rules_view`` (the partnership admin; the
  hub's managers); no personal data, not audited.
- ``rule_get(actor, code) -> RuleRow``: one rule's current version with its history (newest first, what changed in
  each). NotFound for a code that is not a current rule.
- ``rule_change(actor, code, expected_version, changes) -> (PatternRule, changed)``: ``flag.rules`` (the
  partnership admin). ``changes``: any of ``title``, ``description``, ``active`` and the definition's parameters
  (windows, counts, thresholds, ``weights``, indicator lists). Optimistic: ``expected_version`` is the version the
  editor was shown (0 for the shipped file); anything else is a Conflict, never a silent overwrite (two editors
  saving at once: the second gets the database's unique (code, version) and a Conflict too). While the database
  holds no rules, the first change stores the whole shipped set as version 1 (so the other rules keep being
  evaluated) and the change as version 2. Audited ``pattern_rule.save``. An unchanged rule writes nothing.
  Switching an active rule off or changing its parameters waits for a second partnership admin
  (``needs_second_admin``; partnership.setting_changes, ADR 0019 addendum): the evaluator keeps the approved version.
- ``rules_file(actor) -> str``: the current rules as a file ``openmash flags rules load`` reads back. Audited
  ``pattern_rule.export``.
- ``rules_file_load(actor, specs) -> RulesLoadReport``: what ``openmash flags rules load FILE --by U`` does: each
  rule of the file through rule_change's decision (a change ``needs_second_admin`` waits as a SettingChange; the
  rest applies at once).
- ``indicator_choices() -> [(code, label)]``: every indicator code a rule may name (``engine.KNOWN_INDICATORS``)
  with its plain-English label, by label: the list the change page shows. ``indicator_label(code)``: one label.
  The pages show a label next to every code (practitioner review: raw codes only); an unknown code is refused
  naming it and pointing to that list (``UNKNOWN_CODE_HINT``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from django.db import IntegrityError, transaction

from openmash.access.policy import require
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.patterns.engine import CHILD_OFFENDING, KNOWN_INDICATORS
from openmash.patterns.indicators import INDICATORS
from openmash.patterns.models import PatternRule
from openmash.patterns.rules import RuleSpec, default_specs, rules_export_text, rules_from_text, rules_load

#: Labels of the codes a rule may name that are not in the text reader's catalogue (``engine.KNOWN_INDICATORS``).
EXTRA_INDICATOR_LABELS = {
    "contact": "Contact or referral to children's services",
    CHILD_OFFENDING: "The child's own offending (recorded before they were 18)",
}
#: The rule types (``engine.RULE_TYPES``) in words.
RULE_TYPE_LABELS = {
    "combination": "Several concerns from several agencies",
    "age": "An injury to a baby",
    "repeat_contacts": "Repeated contacts or referrals",
    "repeat_ed": "Repeated emergency attendances",
    "household_adult": "An adult at the child's address",
    "missing_education_and_health": "Missing education and health together",
    "co_occurrence": "Concerns of different kinds together",
    "unborn": "A pregnancy with risk factors",
    "same_concern": "The same concern from different agencies",
}
#: Where the change page lists the codes (its id), and what an unknown code's message says about it.
CODES_ANCHOR = "indicator-codes"
UNKNOWN_CODE_HINT = "use the codes in the list “Indicator codes you can use” on this page"


def indicator_label(code: str) -> str:
    """The plain-English label of an indicator code; the code with spaces when it has none."""
    found = INDICATORS.get(code)
    return found.label if found else EXTRA_INDICATOR_LABELS.get(code, str(code).replace("_", " "))


def indicator_choices() -> list[tuple[str, str]]:
    """(code, label) of every indicator code a rule may name, by label."""
    return sorted(((c, indicator_label(c)) for c in KNOWN_INDICATORS), key=lambda x: (x[1].lower(), x[0]))


def _labelled(code) -> str:
    """The label, then the code a rules file uses: "Domestic abuse (domestic_abuse)"."""
    return f"{indicator_label(str(code))} ({code})"


#: Whole-number parameters: (label, hint).
WHOLE_NUMBERS: dict[str, tuple[str, str]] = {
    "window_days": ("Time window, in days", "The events counted must all fall within this many days."),
    "lookback_days": (
        "How far back to look, in days",
        "A pattern whose latest event is older than this, at the date of evaluation, is not flagged.",
    ),
    "max_age_days": ("The child's greatest age, in days", "Only events when the child was this age or younger."),
    "min_count": ("Fewest events", "How many events it takes."),
    "min_agencies": ("Fewest agencies", "How many different agencies must have recorded the events."),
}
#: Parameters that may be fractions: (label, hint).
NUMBERS: dict[str, tuple[str, str]] = {
    "min_score": ("Score to reach", "The events' weights in the time window must add up to at least this."),
    "default_weight": ("Weight of any other indicator", "The weight of an indicator not listed under weights."),
}
#: Lists of indicator codes: (label, hint).
CODE_LISTS: dict[str, tuple[str, str]] = {
    "indicators": ("Indicators counted", "Only these indicators count."),
    "exclude": ("Indicators never counted", ""),
    "adult_indicators": ("The adult's indicators", "What is recorded about an adult at the child's address."),
    "household_indicators": (
        "Indicators of an adult at the child's address that count for the child",
        "",
    ),
    "pregnancy_indicators": ("Indicators of a pregnancy", ""),
    "risk_indicators": ("Risk factors in the household", ""),
}
WEIGHTS = "weights"
PARAMETER_LABELS = {k: v[0] for k, v in (WHOLE_NUMBERS | NUMBERS | CODE_LISTS).items()} | {
    WEIGHTS: "Weights",
    "groups": "Groups of indicators",
    "group_names": "Names of the groups",
}
HEAD_LABELS = {"title": "Title", "description": "What it notices, in plain English", "active": "In use"}
EDITABLE = frozenset({*WHOLE_NUMBERS, *NUMBERS, *CODE_LISTS, WEIGHTS})

STALE = "This rule was changed since you opened it"


@dataclass
class RuleRow:
    """A rule as the pages show it. ``version`` 0: the shipped file's rule, never saved in the database."""

    code: str
    version: int
    rule_type: str
    title: str
    description: str
    active: bool
    definition: dict
    saved_at: object = None
    saved_by: str = ""
    history: list = field(default_factory=list)

    @property
    def type_label(self) -> str:
        """The rule type in words ("The same concern from different agencies")."""
        return RULE_TYPE_LABELS.get(self.rule_type, self.rule_type.replace("_", " ").capitalize())

    @property
    def parameters(self) -> list[tuple[str, str, list[str]]]:
        """(key, label, lines of text) of the definition, in the file's order; an indicator code is shown with its
        label ("Domestic abuse (domestic_abuse)")."""
        return [
            (k, PARAMETER_LABELS.get(k, k.replace("_", " ").capitalize()), _value_lines(v, codes=k in _CODE_KEYS))
            for k, v in self.definition.items()
        ]


_CODE_KEYS = frozenset({*CODE_LISTS, WEIGHTS, "groups"})


def _value_lines(value, *, codes: bool = False) -> list[str]:
    """A parameter as lines to show: a mapping one "key: value" a line, a list of lists one list a line; with
    `codes`, each indicator code (a list's items, a mapping's keys) with its label."""
    name = _labelled if codes else str
    if isinstance(value, dict):
        return [f"{name(k)}: {v}" for k, v in value.items()] or ["None"]
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) for v in value):
            return [", ".join(name(x) for x in v) for v in value]
        return [", ".join(name(v) for v in value) or "None"]
    return [str(value)]


def _who(user) -> str:
    if user is None:
        return "OpenMASH (a rules file loaded at the server)"
    return user.get_full_name() or user.username


def _latest_rows() -> dict[str, PatternRule]:
    out: dict[str, PatternRule] = {}
    for r in PatternRule.objects.select_related("created_by").order_by("code", "-version"):
        out.setdefault(r.code, r)
    return out


def _row(rule: PatternRule) -> RuleRow:
    return RuleRow(
        code=rule.code,
        version=rule.version,
        rule_type=rule.rule_type,
        title=rule.title,
        description=rule.description,
        active=rule.active,
        definition=dict(rule.definition),
        saved_at=rule.created_at,
        saved_by=_who(rule.created_by),
    )


def _shipped_row(spec: RuleSpec) -> RuleRow:
    return RuleRow(
        code=spec.code,
        version=0,
        rule_type=spec.rule_type,
        title=spec.title,
        description=spec.description,
        active=spec.active,
        definition=dict(spec.definition),
        saved_by="Shipped with OpenMASH (not changed yet)",
    )


def rules_overview(*, actor) -> list[RuleRow]:
    """The current version of every rule, in code order."""
    require(actor, "flag.rules_view")
    latest = _latest_rows()
    if not latest:
        return sorted((_shipped_row(s) for s in default_specs()), key=lambda r: r.code)
    return [_row(r) for r in sorted(latest.values(), key=lambda r: r.code)]


def _changed_keys(old: PatternRule | None, new: PatternRule) -> list[str]:
    if old is None:
        return []
    out = [label for key, label in HEAD_LABELS.items() if getattr(old, key) != getattr(new, key)]
    keys = list(dict.fromkeys([*new.definition, *old.definition]))
    out += [PARAMETER_LABELS.get(k, k) for k in keys if new.definition.get(k) != old.definition.get(k)]
    return out


def rule_get(*, actor, code: str) -> RuleRow:
    """One rule's current version, with ``history``: every version newest first, each with who saved it, when and
    ``changed`` (the labels of what differs from the version before). NotFound for an unknown code."""
    require(actor, "flag.rules_view")
    if not PatternRule.objects.exists():
        for spec in default_specs():
            if spec.code == code:
                return _shipped_row(spec)
        raise NotFound()
    versions = list(PatternRule.objects.filter(code=code).select_related("created_by").order_by("version"))
    if not versions:
        raise NotFound()
    row = _row(versions[-1])
    history = []
    for i, v in enumerate(versions):
        history.append(
            {
                "version": v.version,
                "saved_at": v.created_at,
                "saved_by": _who(v.created_by),
                "active": v.active,
                "changed": _changed_keys(versions[i - 1] if i else None, v),
            }
        )
    row.history = list(reversed(history))
    return row


_WHERE = re.compile(r"^rule \d+ \([^)]*\): ")


def _field_of(message: str, item: dict) -> tuple[str, str]:
    """The loader's message ("rule 1 (code): window_days must be ...") as (field, message in the page's words)."""
    text = _WHERE.sub("", message)
    head = text.split(" ", 1)[0].rstrip(":")
    if head in PARAMETER_LABELS or head in HEAD_LABELS:
        label = PARAMETER_LABELS.get(head) or HEAD_LABELS[head]
        return head, label + text[len(head) :]
    if text.startswith("unknown indicator code"):
        unknown = [c.strip() for c in text.split(":", 1)[1].split(",")]
        for key in [*CODE_LISTS, WEIGHTS]:
            value = item.get(key) or ()
            named = [c for c in unknown if c in {str(v) for v in value}]
            if named:
                label = PARAMETER_LABELS[key]
                quoted = ", ".join(f"“{c}”" for c in named)
                verb = "are not indicator codes" if len(named) > 1 else "is not an indicator code"
                return key, f"{label}: {quoted} {verb}: {UNKNOWN_CODE_HINT}"
    return "__all__", text[0].upper() + text[1:] if text else message


def _checked(item: dict) -> RuleSpec:
    """The rule as a rules file of one rule, through the loader's checks. ValidationFailed on the field at fault."""
    try:
        (spec,) = rules_from_text(yaml.safe_dump({"rules": [item]}, sort_keys=False, allow_unicode=True))
    except ValidationFailed as exc:
        key, message = _field_of(exc.message, item)
        raise ValidationFailed("Check the rule", errors={key: [message]}) from None
    return spec


def _same(old: PatternRule, spec: RuleSpec) -> bool:
    return (old.rule_type, old.title, old.description, old.active, old.definition) == (
        spec.rule_type,
        spec.title,
        spec.description,
        spec.active,
        spec.definition,
    )


def _item_with(current: PatternRule, changes: dict) -> dict:
    """The rule as an item of a rules file, with `changes` made (an empty weights or exclude list is left out)."""
    item = {
        "code": current.code,
        "type": current.rule_type,
        "title": changes.get("title", current.title),
        "description": changes.get("description", current.description),
        "active": bool(changes.get("active", current.active)),
    }
    definition = dict(current.definition)
    for key in EDITABLE & set(changes):
        value = changes[key]
        if value in (None, "", [], {}) and key not in (WEIGHTS, *CODE_LISTS):
            raise ValidationFailed("Check the rule", errors={key: [f"Enter the {PARAMETER_LABELS[key].lower()}"]})
        if value in (None, [], {}) and key in (WEIGHTS, "exclude"):
            definition.pop(key, None)
        else:
            definition[key] = value
    return item | definition


#: rule_change's second value when the change waits for a second partnership admin (a truthy string, not True).
PENDING = "pending"


def needs_second_admin(current: PatternRule, spec: RuleSpec) -> bool:
    """Whether a change to a rule waits for a second partnership admin (ADR 0019 addendum; attacker review 2026-12,
    finding E, the later finding that a changed ``type`` slipped through, and the third review's finding that a
    rule's words could be rewritten alone): on an active rule, anything that changes what it flags (switching it
    off, its type, its parameters: windows, counts, thresholds, weights, indicator lists, all of its definition) or
    what it tells the hub (its title and description: screeners read them on every flag as "why this child is
    flagged", so "usually a false positive, dismiss" would hide a pattern as surely as switching it off). Only
    switching a rule on and any change to a rule not in use apply at once: they cannot hide a pattern the hub would
    otherwise see. The one decision for the rule's page (``rule_change``) and a rules file (``rules_file_load``)."""
    if not current.active:
        return False
    return (current.rule_type, True, current.title, current.description, current.definition) != (
        spec.rule_type,
        spec.active,
        spec.title,
        spec.description,
        spec.definition,
    )


def change_summary(current: PatternRule, spec: RuleSpec) -> str:
    """What a change does, for the approver (codes and words only, no personal data): "switch off" / "switch on",
    then "change " and each changed part: ``type`` (old -> new), ``title``, ``description`` and each definition
    key. Used for a SettingChange's summary by the page and a rules file alike."""
    parts = []
    if current.active != spec.active:
        parts.append("switch off" if not spec.active else "switch on")
    keys = []
    if current.rule_type != spec.rule_type:
        keys.append(f"type ({current.rule_type} -> {spec.rule_type})")
    keys += [k for k in ("title", "description") if getattr(current, k) != getattr(spec, k)]
    definition = set(current.definition) | set(spec.definition)
    keys += sorted(k for k in definition if current.definition.get(k) != spec.definition.get(k))
    if keys:
        parts.append("change " + ", ".join(keys))
    return "; ".join(parts) or "change parameters"


def _write_version(*, actor, current: PatternRule, spec: RuleSpec, author=None, detail=None) -> PatternRule:
    """Write `spec` as the version after `current` (author: who wrote the change; the actor's user by default).
    Conflict when another version took the number meanwhile. Audited ``pattern_rule.save``."""
    try:
        with transaction.atomic():
            rule = PatternRule.objects.create(
                code=current.code,
                version=current.version + 1,
                rule_type=spec.rule_type,
                title=spec.title,
                description=spec.description,
                definition=spec.definition,
                active=spec.active,
                created_by=author or getattr(actor, "user", None),
            )
    except IntegrityError:
        raise Conflict(f"{STALE}: look at it again") from None
    audit_record(
        actor=actor,
        action="pattern_rule.save",
        obj=rule,
        detail={
            "code": current.code,
            "version": rule.version,
            "changed": sorted(_changed_keys(current, rule)),
            **(detail or {}),
        },
    )
    return rule


def rule_change(*, actor, code: str, expected_version: int, changes: dict) -> tuple[PatternRule, bool | str]:
    """Save a change to one rule as a new version: (the current version, whether a new one was written; PENDING
    when the change waits for a second partnership admin: needs_second_admin, a partnership.SettingChange, and the
    rule stays as it is, the evaluator keeps using it). Raises PermissionDenied (not ``flag.rules``), NotFound (no
    such rule), ValidationFailed (the loader's checks, on the field at fault: ``title``, ``window_days``,
    ``weights``, ``indicators`` ...; ``__all__`` otherwise) or Conflict (the rule changed since `expected_version`
    was shown)."""
    require(actor, "flag.rules")
    unknown = set(changes) - EDITABLE - set(HEAD_LABELS)
    if unknown:
        raise ValidationFailed(
            "Check the rule", errors={"__all__": [f"{', '.join(sorted(unknown))} cannot be changed"]}
        )
    with transaction.atomic():
        if not PatternRule.objects.exists():
            if code not in {s.code for s in default_specs()}:
                raise NotFound()
            if expected_version != 0:
                raise Conflict(f"{STALE}: look at it again")
            rules_load(default_specs(), actor=actor, user=getattr(actor, "user", None))
            expected_version = 1
        current = PatternRule.objects.filter(code=code).order_by("-version").select_for_update().first()
        if current is None:
            raise NotFound()
        if current.version != expected_version:
            raise Conflict(
                f"{STALE} (version {current.version} was saved by {_who(current.created_by)}): look at it again",
                errors={"version": [f"{STALE}: look at version {current.version} and make your change again"]},
            )
        item = _item_with(current, changes)
        spec = _checked(item)
        if _same(current, spec):
            return current, False
        if needs_second_admin(current, spec):
            from openmash.partnership.models import SettingChange
            from openmash.partnership.setting_changes import setting_change_request

            what = change_summary(current, spec)
            setting_change_request(
                actor=actor,
                kind=SettingChange.Kind.PATTERN_RULE,
                key=code,
                proposed=item,
                summary=f"{code} version {current.version}: {what}",
                base={"version": current.version},
            )
            return current, PENDING
        rule = _write_version(actor=actor, current=current, spec=spec)
    return rule, True


def rule_version_apply(*, actor, code: str, item: dict, author=None) -> PatternRule:
    """Write an approved change (partnership.setting_changes, a second admin approved it) as the rule's next
    version: `item` the rule as a rules-file item, checked again by the loader. `author`: who asked for it (the
    version's created_by). NotFound for no such rule; ValidationFailed / Conflict as rule_change. Audited
    ``pattern_rule.save`` with ``approved_by``."""
    current = PatternRule.objects.filter(code=code).order_by("-version").select_for_update().first()
    if current is None:
        raise NotFound()
    spec = _checked(item)
    return _write_version(
        actor=actor,
        current=current,
        spec=spec,
        author=author,
        detail={"approved_by": getattr(getattr(actor, "user", None), "username", "")},
    )


@dataclass
class RulesLoadReport:
    """What rules_file_load did: ``shipped`` shipped rules stored first (the database held none), the codes
    ``created`` (new rules, version 1) and ``changed`` (a new version at once), ``pending`` (the SettingChanges
    waiting for a second partnership admin, in file order), and how many rules were ``unchanged``."""

    shipped: int = 0
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    unchanged: int = 0


def _spec_item(spec: RuleSpec) -> dict:
    """A RuleSpec as an item of a rules file (what a SettingChange proposes and rule_version_apply writes)."""
    return {
        "code": spec.code,
        "type": spec.rule_type,
        "title": spec.title,
        "description": spec.description,
        "active": spec.active,
        **spec.definition,
    }


def rules_file_load(*, actor, specs: list[RuleSpec], detail: dict | None = None) -> RulesLoadReport:
    """Load a checked rules file (``patterns.rules.rules_from_text``) as `actor`, a partnership admin (``flag.rules``;
    at the command line the admin named with ``--by``, who proved it is them): each rule goes through the same
    decision as a change on the rule's page (ADR 0019 addendum; attacker review 2026-12, leftover of finding E).

    - an unchanged rule is left as it is; a new code is stored as version 1 at once (a new rule only adds
      scrutiny; an active one is evaluated from the next evaluation);
    - a change to an existing rule applies at once unless ``needs_second_admin`` (switching an active rule off, or
      changing an active rule's type or definition): then it becomes a pending partnership.SettingChange, asked by the
      actor (so never approvable by them), and the evaluator keeps the approved version;
    - while the database holds no rules the shipped set (what is evaluated then) is stored first as version 1, as
      rule_change does, so a file naming some rules does not silently stop the others being evaluated and a
      change to a shipped rule is judged against what is evaluated.

    A code in the database but not in the file is left as it is. All in one transaction. `detail`: added to every
    audit event (the command line: ``via`` and ``operator``). Audited ``pattern_rule.save`` for each version,
    ``setting_change_request`` for each change that waits. Raises PermissionDenied (not ``flag.rules``),
    ValidationFailed (a rule the loader refuses), Conflict (two loads writing the same version at once)."""
    require(actor, "flag.rules")
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    report = RulesLoadReport()
    user = getattr(actor, "user", None)
    with transaction.atomic():
        if not PatternRule.objects.exists():
            report.shipped = rules_load(default_specs(), actor=actor, user=user)["created"]
        latest: dict[str, PatternRule] = {}
        for r in PatternRule.objects.select_for_update().order_by("code", "-version"):
            latest.setdefault(r.code, r)
        for spec in specs:
            current = latest.get(spec.code)
            if current is None:
                try:
                    with transaction.atomic():
                        rule = PatternRule.objects.create(
                            code=spec.code,
                            version=1,
                            rule_type=spec.rule_type,
                            title=spec.title,
                            description=spec.description,
                            definition=spec.definition,
                            active=spec.active,
                            created_by=user,
                        )
                except IntegrityError:
                    raise Conflict(f"{STALE}: load the file again") from None
                audit_record(
                    actor=actor,
                    action="pattern_rule.save",
                    obj=rule,
                    detail={"code": spec.code, "version": 1, **(detail or {})},
                )
                report.created.append(spec.code)
            elif _same(current, spec):
                report.unchanged += 1
            elif needs_second_admin(current, spec):
                what = change_summary(current, spec)
                report.pending.append(
                    setting_change_request(
                        actor=actor,
                        kind=SettingChange.Kind.PATTERN_RULE,
                        key=spec.code,
                        proposed=_spec_item(spec),
                        summary=f"{spec.code} version {current.version}: {what}",
                        base={"version": current.version},
                        detail=detail,
                    )
                )
            else:
                _write_version(actor=actor, current=current, spec=spec, detail=detail)
                report.changed.append(spec.code)
    return report


def rules_file(*, actor) -> str:
    """The current version of every rule as a rules file (``openmash flags rules load`` reads it back unchanged)."""
    require(actor, "flag.rules_view")
    text = rules_export_text()
    audit_record(actor=actor, action="pattern_rule.export", object_type="patterns.patternrule")
    return text


__all__ = [
    "CODES_ANCHOR",
    "RULE_TYPE_LABELS",
    "RuleRow",
    "UNKNOWN_CODE_HINT",
    "indicator_choices",
    "indicator_label",
    "PENDING",
    "change_summary",
    "needs_second_admin",
    "rule_change",
    "rule_version_apply",
    "rules_file_load",
    "RulesLoadReport",
    "rule_get",
    "rules_file",
    "rules_overview",
]
