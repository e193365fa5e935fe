"""The partnership's pattern rules as data: the shipped file, the database's versions, export and load.

- ``rules_from_text(text) -> [RuleSpec]``: a rules file (YAML: ``rules: [{code, type, title, description, active,
  ...parameters}]``) checked rule by rule; raises ValidationFailed naming the rule and key at fault.
- ``rules_current() -> [engine.Rule]``: the active rules to evaluate: the highest version of each code in the
  database, or the shipped file when the database holds none.
- ``rules_load(specs, actor)``: idempotent: an unchanged rule is left alone, a changed one becomes a new version
  (older versions are kept), a new code starts at version 1. Audited (``pattern_rule.save``). Not under dual
  control: the shipped set only; ``openmash flags rules load`` uses ``rule_editing.rules_file_load``.
- ``rules_export_text() -> str``: the current version of every code as a rules file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from openmash.audit.services import audit_record
from openmash.core.exceptions import ValidationFailed
from openmash.patterns.engine import Rule, rule_check
from openmash.patterns.models import PatternRule

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "rules" / "default.yaml"
#: Further shipped rule files, read after default.yaml in this order (each a ``rules:`` list; codes must not repeat).
#: lowlevel.yaml: low-level practitioner concerns from three or more agencies (phrases/concern.yaml).
SHIPPED_EXTRA_RULES_FILES: tuple[Path, ...] = (Path(__file__).resolve().parent / "rules" / "lowlevel.yaml",)
_HEAD = ("code", "type", "title", "description", "active")


@dataclass(frozen=True)
class RuleSpec:
    code: str
    rule_type: str
    title: str
    description: str
    active: bool
    definition: dict


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"rules": [message]})


def rules_from_text(text: str) -> list[RuleSpec]:
    """Parse and check a rules file. Raises ValidationFailed ("rule 2 (code x): window_days must be ...")."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _bad(f"The rules file is not valid YAML ({type(exc).__name__})") from None
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise _bad("The rules file needs a list under 'rules:'")
    specs, seen = [], set()
    for n, item in enumerate(items, 1):
        where = f"rule {n}"
        if not isinstance(item, dict):
            raise _bad(f"{where}: must be a mapping")
        code = str(item.get("code") or "").strip()
        if not code or len(code) > 60 or not code.replace("_", "").replace("-", "").isalnum():
            raise _bad(f"{where}: code must be letters, digits, - or _ (at most 60)")
        where = f"{where} ({code})"
        if code in seen:
            raise _bad(f"{where}: the code is used twice")
        seen.add(code)
        for key in ("type", "title", "description"):
            if not str(item.get(key) or "").strip():
                raise _bad(f"{where}: {key} is required")
        definition = {k: v for k, v in item.items() if k not in _HEAD}
        problem = rule_check(str(item["type"]), definition) or _weights_check(definition)
        if problem:
            raise _bad(f"{where}: {problem}")
        specs.append(
            RuleSpec(
                code=code,
                rule_type=str(item["type"]),
                title=str(item["title"]).strip()[:200],
                description=" ".join(str(item["description"]).split()),
                active=bool(item.get("active", True)),
                definition=definition,
            )
        )
    return specs


def _weights_check(definition: dict) -> str | None:
    """Why a definition's ``weights`` cannot be used (not a mapping of indicator codes to numbers of 0 or more), or
    None. The engine reads each weight as a number: a word there would fail every evaluation."""
    weights = definition.get("weights")
    if weights is None:
        return None
    if not isinstance(weights, dict):
        return "weights must be a mapping of indicator codes to numbers"
    for code, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return f"weights: the weight of {code} must be a number of 0 or more"
    return None


def default_specs() -> list[RuleSpec]:
    """The shipped rules: ``DEFAULT_RULES_FILE`` then each of ``SHIPPED_EXTRA_RULES_FILES``, checked as one rules
    file (raises ValidationFailed naming the rule at fault; a code given in two files is refused)."""
    items: list = []
    for path in (DEFAULT_RULES_FILE, *SHIPPED_EXTRA_RULES_FILES):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items += (data or {}).get("rules") or []
    return rules_from_text(yaml.safe_dump({"rules": items}, sort_keys=False, allow_unicode=True))


def _latest() -> dict[str, PatternRule]:
    out: dict[str, PatternRule] = {}
    for r in PatternRule.objects.order_by("code", "-version"):
        out.setdefault(r.code, r)
    return out


def rules_current() -> list[Rule]:
    """The active rules to evaluate (the latest version of each code; the shipped file when the database has
    none), in code order."""
    latest = _latest()
    if not latest:
        return [Rule(s.code, 0, s.rule_type, s.title, s.description, s.definition) for s in default_specs() if s.active]
    return [
        Rule(r.code, r.version, r.rule_type, r.title, r.description, r.definition)
        for r in sorted(latest.values(), key=lambda r: r.code)
        if r.active
    ]


def rules_load(specs: list[RuleSpec], *, actor, user=None) -> dict[str, int]:
    """Store `specs`: {"created": new codes, "versioned": changed codes (a new version each), "unchanged": n}.
    A code in the database but not in `specs` is left as it is (deactivate it with ``active: false``). No dual
    control here: used only to store the shipped rules (what is already evaluated) into an empty database
    (patterns.rule_editing) and by tests; a partnership's rules file goes through rule_editing.rules_file_load,
    where switching off or changing an active rule waits for a second partnership admin (ADR 0019 addendum)."""
    counts = {"created": 0, "versioned": 0, "unchanged": 0}
    with transaction.atomic():
        latest = _latest()
        for s in specs:
            old = latest.get(s.code)
            same = old is not None and (old.rule_type, old.title, old.description, old.active, old.definition) == (
                s.rule_type,
                s.title,
                s.description,
                s.active,
                s.definition,
            )
            if same:
                counts["unchanged"] += 1
                continue
            rule = PatternRule.objects.create(
                code=s.code,
                version=(old.version + 1) if old else 1,
                rule_type=s.rule_type,
                title=s.title,
                description=s.description,
                definition=s.definition,
                active=s.active,
                created_by=user,
            )
            counts["versioned" if old else "created"] += 1
            audit_record(
                actor=actor, action="pattern_rule.save", obj=rule, detail={"code": s.code, "version": rule.version}
            )
    return counts


def rules_export_text() -> str:
    """The latest version of every rule (active or not) as a rules file that `rules_load` reads back unchanged."""
    items = []
    for r in sorted(_latest().values(), key=lambda r: r.code) or []:
        items.append(
            {
                "code": r.code,
                "type": r.rule_type,
                "title": r.title,
                "description": r.description,
                "active": r.active,
                **r.definition,
            }
        )
    if not items:
        items = [
            {"code": s.code, "type": s.rule_type, "title": s.title, "description": s.description, "active": s.active}
            | s.definition
            for s in default_specs()
        ]
    head = "# OpenMASH pattern rules (openmash flags rules export). Load with: openmash flags rules load FILE\n"
    return head + yaml.safe_dump({"rules": items}, sort_keys=False, allow_unicode=True, width=110)
