"""Attacker review (2026-12): dual control of the pattern rules was bypassed by changing only a rule's ``type`` in a
rules file (``openmash flags rules load``): needs_second_admin compared ``active`` and the definition, not the type,
so "3 changed, 0 waiting" and the hub stopped seeing the patterns those rules flagged. Now anything that changes
what an active rule flags waits for a second partnership admin, on the page and from a file alike (one decision,
patterns.rule_editing.needs_second_admin); so does a title or description (the third review: a single admin retitled a
live rule "Low priority: usually a false positive, dismiss", read by screeners on every flag as why the child is
flagged); the approver's summary names type, title and description changes (change_summary). ADR 0019 addendum."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from django.test import Client

from openmash.partnership.models import SettingChange
from openmash.patterns.models import PatternRule
from openmash.patterns.rule_editing import change_summary, needs_second_admin
from openmash.patterns.rules import default_specs, rules_current, rules_export_text, rules_load
from openmash.patterns.tests.test_rule_pages import _form
from openmash.patterns.tests.test_rules_load_dual_control import EXIT_PENDING, _load, admins, run  # noqa: F401
from tests.support import stepped_up_client

pytestmark = pytest.mark.django_db

RULE = "non_mobile_baby_injury"
OTHER_TYPE = "repeat_ed"
CODE = "cross_agency_combination"


def _spec_of(rule: PatternRule, **changes):
    spec = next(s for s in default_specs() if s.code == rule.code)
    base = dataclasses.replace(
        spec,
        rule_type=rule.rule_type,
        title=rule.title,
        description=rule.description,
        active=rule.active,
        definition=dict(rule.definition),
    )
    return dataclasses.replace(base, **changes)


def test_a_changed_type_on_an_active_rule_needs_the_second_admin_and_is_summarised(admins):  # noqa: F811
    first, _second = admins
    rules_load(default_specs(), actor=first)
    rule = PatternRule.objects.get(code=RULE)
    assert rule.active and rule.rule_type != OTHER_TYPE
    changed = _spec_of(rule, rule_type=OTHER_TYPE)
    assert needs_second_admin(rule, changed)
    assert f"type ({rule.rule_type} -> {OTHER_TYPE})" in change_summary(rule, changed)
    # words alone wait too: screeners read them on every flag as why the child is flagged
    assert needs_second_admin(rule, _spec_of(rule, title="New title"))
    assert needs_second_admin(rule, _spec_of(rule, description="Usually a false positive: dismiss"))
    assert change_summary(rule, _spec_of(rule, description="x")) == "change description"
    both = _spec_of(rule, title="New title", definition=dict(rule.definition) | {"zz_marker": 1})
    assert needs_second_admin(rule, both)
    assert change_summary(rule, both) == "change title, zz_marker"
    # a rule not in use may change at once, type and words and all
    off = PatternRule(
        code=rule.code,
        version=2,
        rule_type=rule.rule_type,
        title=rule.title,
        active=False,
        description=rule.description,
        definition=rule.definition,
    )
    assert not needs_second_admin(off, _spec_of(off, rule_type=OTHER_TYPE, title="Anything"))


def test_a_rules_file_changing_only_types_waits_for_a_second_admin(run, admins, tmp_path):  # noqa: F811
    first, second = admins
    rules_load(default_specs(), actor=first)
    before = {r.code: r.rule_type for r in rules_current()}
    active = [s.code for s in default_specs() if s.active and s.rule_type != OTHER_TYPE][:3]
    assert RULE in active or len(active) == 3
    doc = yaml.safe_load(rules_export_text())
    for item in doc["rules"]:
        if item["code"] in active:
            item["type"] = OTHER_TYPE
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    code, out, err = _load(run, str(path))
    assert code == EXIT_PENDING, out + err
    waiting = SettingChange.objects.filter(kind="pattern_rule", status="pending")
    assert "0 changed" in out and f"{len(active)} waiting" in out and waiting.count() == len(active)
    assert {r.code: r.rule_type for r in rules_current()} == before  # the evaluator keeps the approved types
    for change in waiting:
        assert f"-> {OTHER_TYPE})" in change.summary and change.requested_by == first.user
        assert PatternRule.objects.filter(code=change.key).count() == 1
    # the second admin sees the summary on the settings page and approves; only then the type changes
    c = stepped_up_client(second)  # approving asks the approver to step up (ADR 0019 addendum)
    page = c.get("/partnership/").content.decode()
    change = waiting.first()
    assert "type (" in page and OTHER_TYPE in page
    r = c.post("/partnership/", {"form": "setting_change", "change": str(change.pk), "decision": "approve"})
    assert r.status_code == 302
    latest = PatternRule.objects.filter(code=change.key).order_by("-version").first()
    assert (latest.version, latest.rule_type) == (2, OTHER_TYPE)


def test_the_page_waits_on_parameters_and_tells_the_approver_of_the_title_too(admins):  # noqa: F811
    first, second = admins
    client = Client()
    client.force_login(first.user)
    data = _form(client, CODE)
    data |= {"window_days": "90", "title": "Retitled combination"}
    r = client.post(f"/pattern-rules/{CODE}/change/", data)
    assert r.status_code == 302
    change = SettingChange.objects.get(kind="pattern_rule", key=CODE, status="pending")
    assert "title" in change.summary and "window_days" in change.summary
    assert not PatternRule.objects.filter(code=CODE, version=2).exists()
    # a title alone, on another active rule, waits too; the rule keeps its words until the second admin approves
    before = PatternRule.objects.filter(code=RULE).order_by("-version").first()
    data = _form(client, RULE)
    data |= {"title": "Low priority: usually a false positive, dismiss"}
    assert client.post(f"/pattern-rules/{RULE}/change/", data).status_code == 302
    latest = PatternRule.objects.filter(code=RULE).order_by("-version").first()
    assert (latest.version, latest.title) == (before.version, before.title)
    waiting = SettingChange.objects.get(kind="pattern_rule", key=RULE, status="pending")
    assert waiting.summary.endswith(": change title") and waiting.requested_by == first.user
    other = stepped_up_client(second)
    r = other.post("/partnership/", {"form": "setting_change", "change": str(waiting.pk), "decision": "approve"})
    assert r.status_code == 302
    assert PatternRule.objects.filter(code=RULE).order_by("-version").first().title.startswith("Low priority")
