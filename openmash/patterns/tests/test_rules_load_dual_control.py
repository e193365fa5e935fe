"""Attacker review (2026-12), a leftover of finding E: `openmash flags rules load FILE` switched off or changed an
active pattern rule at once, with no second partnership admin, while the rule's page made the same change wait.
Now the command acts as a named partnership admin who proves it is them (--by, password and app code, as
`openmash user approve-grant`), and each rule of the file goes through the page's decision
(patterns.rule_editing.needs_second_admin): what switches off or changes an active rule waits as a
partnership.SettingChange (exit 3, with its reference); the rest applies at once (ADR 0019 addendum)."""

from __future__ import annotations

import io
import sys

import pytest
import yaml
from django.db import connections
from django.test import Client

from openmash import cli
from openmash.audit.models import AuditEvent
from openmash.partnership.models import SettingChange
from openmash.patterns.models import PatternRule
from openmash.patterns.rules import default_specs, rules_current, rules_export_text, rules_load
from tests.support import cli_proof, stepped_up_client

pytestmark = pytest.mark.django_db

RULE = "non_mobile_baby_injury"
COMBINATION = "cross_agency_combination"
EXIT_PENDING = 3


@pytest.fixture
def run(monkeypatch, capsys, partnership):
    """run(*argv, stdin="") -> (exit code, stdout, stderr), through openmash.cli.main, in process."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def _run(*argv, stdin=""):
        stream = io.StringIO(stdin)
        stream.isatty = lambda: False
        monkeypatch.setattr(sys, "stdin", stream)
        code = 0
        try:
            cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def admins(make_actor):
    return (
        make_actor("partnership_admin", "mash", username="pat.admin"),
        make_actor("partnership_admin", "mash", username="sam.admin"),
    )


def _file(tmp_path, edit) -> str:
    """The current rules as a file, with `edit(items_by_code)` applied."""
    doc = yaml.safe_load(rules_export_text())
    edit({item["code"]: item for item in doc["rules"]})
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return str(path)


def _load(run, path, by="pat.admin"):
    argv, stdin = cli_proof(by)
    return run("flags", "rules", "load", path, "--by", by, *argv, stdin=stdin)


def _current_codes() -> set[str]:
    return {r.code for r in rules_current()}


def _switch_off(items):
    items[RULE]["active"] = False


def test_switching_an_active_rule_off_in_a_file_waits_for_a_second_admin(run, admins, tmp_path):
    first, second = admins
    rules_load(default_specs(), actor=first)
    code, out, err = _load(run, _file(tmp_path, _switch_off))
    assert code == EXIT_PENDING, err
    change = SettingChange.objects.get(kind="pattern_rule", key=RULE, status="pending")
    assert change.reference in out and "waiting for a second admin" in out and "1 waiting" in out
    assert change.requested_by == first.user and change.proposed["active"] is False
    assert RULE in _current_codes()  # the evaluator keeps the approved version
    assert PatternRule.objects.filter(code=RULE).count() == 1
    asked = AuditEvent.objects.get(action="setting_change_request", object_id=str(change.pk))
    assert asked.actor_username == "pat.admin" and asked.detail["via"] == "cli" and asked.detail["operator"]
    # the asker cannot approve their own change; the second admin can, on the settings page
    decide = {"form": "setting_change", "change": str(change.pk), "decision": "approve"}
    c = Client()
    c.force_login(first.user)
    c.post("/partnership/", decide)
    assert RULE in _current_codes()
    c = stepped_up_client(second)  # approving asks the approver to step up (ADR 0019 addendum)
    assert c.post("/partnership/", decide).status_code == 302
    assert RULE not in _current_codes()
    latest = PatternRule.objects.filter(code=RULE).order_by("-version").first()
    assert (latest.version, latest.active, latest.created_by) == (2, False, first.user)


def test_an_active_rules_parameters_and_its_title_wait_for_the_second_admin(run, admins, tmp_path):
    first, _second = admins
    rules_load(default_specs(), actor=first)
    before = {r.code: (r.definition, r.title) for r in rules_current()}

    def edit(items):
        items[COMBINATION]["window_days"] = 30  # narrows the window: fewer flags
        items[RULE]["title"] = "Low priority: usually a false positive, dismiss"  # what screeners read on each flag

    code, out, err = _load(run, _file(tmp_path, edit))
    assert code == EXIT_PENDING, err
    assert "0 changed" in out and "2 waiting" in out
    assert {r.code: (r.definition, r.title) for r in rules_current()} == before
    change = SettingChange.objects.get(key=COMBINATION, status="pending")
    assert change.proposed["window_days"] == 30 and "window_days" in change.summary
    retitled = SettingChange.objects.get(key=RULE, status="pending")
    assert retitled.summary.endswith("change title") and retitled.requested_by == first.user
    assert PatternRule.objects.filter(code=RULE).count() == 1


def test_a_file_that_only_adds_scrutiny_applies_at_once_and_exits_zero(run, admins, tmp_path):
    first, _second = admins
    rules_load(default_specs(), actor=first)
    off = PatternRule.objects.get(code=RULE)
    PatternRule.objects.create(
        code=RULE,
        version=2,
        rule_type=off.rule_type,
        title=off.title,
        description=off.description,
        definition=off.definition,
        active=False,
    )

    def edit(items):
        items[RULE]["active"] = True  # switching a rule on
        items[RULE]["lookback_days"] = 400  # a rule not in use may change with it

    path = tmp_path / "rules.yaml"
    _file(tmp_path, edit)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    local = next(i for i in doc["rules"] if i["code"] == COMBINATION) | {"code": "local_combination", "title": "Local"}
    doc["rules"].append(local)  # a new rule
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    code, out, err = _load(run, str(path))
    assert code == 0, err
    assert "1 new, 1 changed" in out and "0 waiting" in out
    assert not SettingChange.objects.exists()
    assert {"local_combination", RULE} <= _current_codes()


def test_a_file_into_an_empty_database_keeps_the_shipped_rules_and_waits(run, admins, tmp_path):
    assert not PatternRule.objects.exists()
    path = tmp_path / "one.yaml"
    shipped = yaml.safe_load(rules_export_text())["rules"]
    only = next(i for i in shipped if i["code"] == RULE) | {"active": False}
    path.write_text(yaml.safe_dump({"rules": [only]}, sort_keys=False), encoding="utf-8")
    code, out, err = _load(run, str(path))
    assert code == EXIT_PENDING, err
    assert f"stored the {len(default_specs())} shipped rules first" in out
    # every shipped active rule is still evaluated (a one-rule file once replaced them all)
    assert _current_codes() == {s.code for s in default_specs() if s.active}
    assert SettingChange.objects.filter(key=RULE, status="pending").count() == 1


def test_loading_needs_an_active_admin_who_proves_it_is_them(run, admins, make_actor, tmp_path):
    first, _second = admins
    rules_load(default_specs(), actor=first)
    make_actor("screener", "mash", username="sid.screener")
    path = _file(tmp_path, _switch_off)
    versions = PatternRule.objects.count()

    code, _, err = run("flags", "rules", "load", path)
    assert code == 1 and "--by USERNAME" in err
    code, _, err = run("flags", "rules", "load", path, "--by", "sid.screener")
    assert code == 1 and "not an active partnership admin" in err
    assert AuditEvent.objects.filter(action="deny", detail__rule="cli_admin", detail__by="sid.screener").exists()
    code, _, err = run("flags", "rules", "load", path, "--by", "pat.admin")
    assert code == 1 and "must prove it is them" in err and len(err.strip().splitlines()) == 1
    argv, stdin = cli_proof("pat.admin")
    code, _, err = run("flags", "rules", "load", path, "--by", "pat.admin", *argv, stdin="not-their-secret\n")
    assert code == 1 and "not accepted" in err
    denied = AuditEvent.objects.filter(action="deny", detail__rule="cli_admin_authentication")
    assert {e.detail["factor"] for e in denied} == {"password"}
    assert denied.first().actor_username == "pat.admin"
    assert PatternRule.objects.count() == versions and not SettingChange.objects.exists()
    assert RULE in _current_codes()


def test_a_bad_file_is_refused_before_any_password(run, admins, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - code: x\n    type: nope\n    title: t\n    description: d\n", encoding="utf-8")
    code, _, err = run("flags", "rules", "load", str(bad), "--by", "pat.admin")
    assert code == 1 and "unknown rule type" in err
    assert not AuditEvent.objects.filter(action="deny").exists()
