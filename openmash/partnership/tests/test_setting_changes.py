"""Attacker review (2026-12) findings A and E: one partnership admin widened who sees sealed items, let requests
outside an information-sharing agreement through, or switched off a safeguarding pattern rule, effective at once.
Now each waits for a second partnership admin (partnership.setting_changes; ADR 0019 addendum), as role grants and
feed mappings do: narrowing and tightening apply at once; both ways are audited."""

from __future__ import annotations

import pytest

from openmash.access.sharing import outside_agreement_mode, sealed_roles
from openmash.audit.models import AuditEvent
from openmash.partnership.models import SettingChange
from openmash.partnership.tests import setting_change_pages as pages
from openmash.patterns.models import PatternRule
from openmash.patterns.rules import default_specs, rules_current, rules_load

pytestmark = pytest.mark.django_db

RULE = "non_mobile_baby_injury"


def test_widening_the_sealed_roles_waits_for_a_second_admin(admins):
    first, second = admins
    r = pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["screener", "manager"]})
    assert r.status_code == 302
    assert sealed_roles() == frozenset({"manager"})  # not yet
    change = SettingChange.objects.get(kind="sealed_roles", status="pending")
    assert AuditEvent.objects.filter(action="setting_change_request", object_id=str(change.pk)).exists()
    page = pages.client(first).get("/partnership/").content.decode()
    assert "Waiting for another partnership admin" in page  # the asker cannot approve their own change
    assert pages.decide(first, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "pending" and sealed_roles() == frozenset({"manager"})
    assert 'data-testid="approve-change"' in pages.client(second).get("/partnership/").content.decode()
    assert pages.decide(second, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == second.user
    assert sealed_roles() == frozenset({"screener", "manager"})
    assert AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk)).exists()


def test_narrowing_the_sealed_roles_applies_at_once_and_is_audited(admins):
    from openmash.sharing.services import sealed_roles_apply

    first, _second = admins
    sealed_roles_apply(actor=first, roles=["manager", "screener"])
    r = pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["manager"]})
    assert r.status_code == 302
    assert sealed_roles() == frozenset({"manager"})
    assert not SettingChange.objects.exists()
    assert AuditEvent.objects.filter(
        action="update", detail__sealed_roles=[["manager", "screener"], ["manager"]]
    ).exists()


def test_a_rejected_or_stale_change_changes_nothing(admins):
    from openmash.sharing.services import sealed_roles_apply

    first, second = admins
    pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["social_worker", "manager"]})
    change = SettingChange.objects.get(status="pending")
    assert pages.decide(second, change, "reject").status_code == 302
    change.refresh_from_db()
    assert change.status == "rejected" and sealed_roles() == frozenset({"manager"})
    pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["screener", "manager"]})
    stale = SettingChange.objects.get(status="pending")
    sealed_roles_apply(actor=second, roles=["social_worker"])  # the setting changed since it was asked for
    r = pages.decide(second, stale)
    assert r.status_code == 302
    stale.refresh_from_db()
    assert stale.status == "pending" and sealed_roles() == frozenset({"social_worker"})


def test_loosening_the_agreement_rule_waits_and_tightening_applies_at_once(admins):
    first, second = admins
    assert pages.client(first).post("/partnership/", {"form": "agreement", "outside_agreement": "refuse"}).status_code == 302
    assert outside_agreement_mode() == "refuse"
    assert pages.client(first).post("/partnership/", {"form": "agreement", "outside_agreement": "flag"}).status_code == 302
    assert outside_agreement_mode() == "refuse"
    change = SettingChange.objects.get(kind="outside_agreement", status="pending")
    assert pages.decide(second, change).status_code == 302
    assert outside_agreement_mode() == "flag"


def test_switching_a_pattern_rule_off_waits_for_a_second_admin(admins):
    from openmash.patterns.tests.test_rule_pages import _form

    first, second = admins
    rules_load(default_specs(), actor=first)
    data = _form(pages.client(first), RULE) | {"active": "no"}
    r = pages.client(first).post(f"/pattern-rules/{RULE}/change/", data)
    assert r.status_code == 302
    assert RULE in {r.code for r in rules_current()}  # the evaluator keeps the approved version
    assert PatternRule.objects.filter(code=RULE).count() == 1
    change = SettingChange.objects.get(kind="pattern_rule", key=RULE, status="pending")
    assert pages.decide(first, change).status_code == 302 and RULE in {r.code for r in rules_current()}
    assert pages.decide(second, change).status_code == 302
    assert RULE not in {r.code for r in rules_current()}
    latest = PatternRule.objects.filter(code=RULE).order_by("-version").first()
    assert latest.version == 2 and latest.created_by == first.user and not latest.active
    saved = AuditEvent.objects.get(action="pattern_rule.save", object_id=str(latest.pk))
    assert saved.actor_username == second.user.username and saved.detail["approved_by"] == second.user.username


def test_changing_a_rules_parameters_or_title_waits_but_switching_on_does_not(admins):
    from openmash.patterns.rule_editing import PENDING, rule_change

    first, second = admins
    rules_load(default_specs(), actor=first)
    current = PatternRule.objects.get(code=RULE)
    _rule, changed = rule_change(actor=first, code=RULE, expected_version=1, changes={"lookback_days": 1000})
    assert changed == PENDING and PatternRule.objects.filter(code=RULE).count() == 1
    # an active rule's title waits too (screeners read it on every flag: third attacker review)
    _rule, changed = rule_change(actor=first, code=RULE, expected_version=1, changes={"title": "Renamed"})
    assert changed == PENDING and PatternRule.objects.filter(code=RULE).count() == 1
    # a rule not in use: switching it on, or changing it, applies at once (it cannot hide a pattern)
    PatternRule.objects.create(
        code="local_rule",
        version=1,
        rule_type=current.rule_type,
        title="Local",
        description="A local rule",
        definition=current.definition,
        active=False,
    )
    _rule, changed = rule_change(actor=first, code="local_rule", expected_version=1, changes={"active": True})
    assert changed is True and PatternRule.objects.get(code="local_rule", version=2).active


def _notices(actor) -> list[str]:
    from openmash.enquiries.models import Notification

    return list(Notification.objects.filter(user=actor.user).values_list("message", flat=True))


def test_a_waiting_change_tells_every_other_admin_and_their_home_page_counts_it(admins, make_actor):
    first, second = admins
    third = make_actor("partnership_admin", "mash")
    screener = make_actor("screener", "mash")
    pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["screener", "manager"]})
    change = SettingChange.objects.get(status="pending")
    for other in (second, third):
        (notice,) = _notices(other)
        assert change.reference in notice and "waits for your approval" in notice
        assert first.user.username not in notice and (first.user.get_full_name() or "@") not in notice
    assert _notices(first) == [] and _notices(screener) == []
    told = AuditEvent.objects.get(action="setting_change_notify", object_id=str(change.pk))
    assert told.detail == {"event": "request", "told": 2, "reference": change.reference}
    home = pages.client(second).get("/").content.decode()
    assert 'data-testid="setting-changes-waiting"' in home
    assert "1 setting change awaits your approval" in home and 'href="/partnership/#waiting-changes"' in home
    assert 'data-testid="setting-changes-waiting"' not in pages.client(first).get("/").content.decode()  # the asker
    assert 'data-testid="setting-changes-waiting"' not in pages.client(screener).get("/").content.decode()
    assert change.reference in pages.client(second).get("/partnership/").content.decode()
    # the notice itself leads to the settings page (notifications list)
    listed = pages.client(second).get("/notifications/").content.decode()
    assert 'data-testid="notification-link"' in listed and 'href="/partnership/"' in listed


def test_the_asker_is_told_when_their_change_is_approved_or_refused(admins):
    first, second = admins
    pages.client(first).post("/partnership/", {"form": "sealed", "sealed_roles": ["screener", "manager"]})
    approved = SettingChange.objects.get(status="pending")
    assert pages.decide(second, approved).status_code == 302
    pages.client(first).post("/partnership/", {"form": "agreement", "outside_agreement": "refuse"})
    pages.client(first).post("/partnership/", {"form": "agreement", "outside_agreement": "flag"})
    refused = SettingChange.objects.get(status="pending")
    assert pages.decide(second, refused, "reject").status_code == 302
    notices = _notices(first)
    assert any(approved.reference in n and "was approved" in n for n in notices)
    assert any(refused.reference in n and "was refused" in n for n in notices)
    events = {e.detail["event"] for e in AuditEvent.objects.filter(action="setting_change_notify")}
    assert events == {"request", "approve", "reject"}
    assert 'data-testid="setting-changes-waiting"' not in pages.client(second).get("/").content.decode()  # none left
