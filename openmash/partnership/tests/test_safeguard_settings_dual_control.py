"""Issue 7: three partnership settings that relax a safeguard still changed at once on one admin's word: the threshold
levels' words (what screeners read as the definition of each level of need), the outcome rules (an exclusive outcome
made combinable, or a usual level range widened, so fewer decisions need a reason) and the immediate-risk screening
time (lengthened, a child at immediate risk waits longer before the hub must look). Now each relaxing waits for a
second partnership admin as a partnership.SettingChange (ADR 0019 addendum), on the page and through the services
every path uses; tightening applies at once. Failed on main (every change applied at once)."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, NotFound
from openmash.partnership import services
from openmash.partnership.models import OutcomeCode, PartnershipSettings, SettingChange, ThresholdLevel
from openmash.partnership.setting_changes import setting_change_decide
from openmash.partnership.tests import setting_change_pages as pages

pytestmark = pytest.mark.django_db


def _minutes() -> int:
    return PartnershipSettings.objects.get().immediate_risk_screening_minutes


# --- the immediate-risk screening time --------------------------------------------------------------------------------


def test_lengthening_the_immediate_risk_screening_time_waits_for_a_second_admin(admins):
    first, second = admins
    r = pages.client(first).post("/partnership/", {"form": "immediate", "immediate_risk_screening_minutes": "240"})
    assert r.status_code == 302
    assert _minutes() == 60  # not yet: contacts keep the approved time
    change = pages.pending("immediate_risk_screening")
    assert change.proposed == {"minutes": 240} and change.base == {"minutes": 60}
    assert "60 -> 240 minutes" in change.summary
    assert AuditEvent.objects.filter(action="setting_change_request", object_id=str(change.pk)).exists()
    assert pages.decide(first, change).status_code == 302  # the asker cannot approve their own
    change.refresh_from_db()
    assert change.status == "pending" and _minutes() == 60
    with pytest.raises(NotFound):
        setting_change_decide(actor=first, change_id=change.pk, approve=True)
    assert pages.decide(second, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "approved" and _minutes() == 240
    assert AuditEvent.objects.filter(action="update", detail__immediate_risk_screening_minutes=[60, 240]).exists()
    assert AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk)).exists()


def test_shortening_the_immediate_risk_screening_time_applies_at_once(admins):
    first, _second = admins
    assert isinstance(services.immediate_risk_screening_update(actor=first, minutes=15), PartnershipSettings)
    assert _minutes() == 15 and not SettingChange.objects.exists()


def test_a_screening_time_approval_after_it_changed_is_refused(admins):
    first, second = admins
    change = services.immediate_risk_screening_update(actor=first, minutes=120)
    services.immediate_risk_screening_update(actor=second, minutes=30)  # a shortening: at once
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)
    change.refresh_from_db()
    assert change.status == "pending" and _minutes() == 30


# --- the threshold levels' words --------------------------------------------------------------------------------------


def _thresholds_post(**overrides) -> dict:
    data = {"form": "thresholds"}
    for t in ThresholdLevel.objects.all():
        data[f"threshold_{t.level}"] = t.label
        data[f"threshold_{t.level}_description"] = t.description
    data.update(overrides)
    return data


def test_rewording_a_threshold_level_waits_for_a_second_admin(admins):
    first, second = admins
    weaker = "Child protection only where a child has already been seriously injured."
    r = pages.client(first).post("/partnership/", _thresholds_post(threshold_4_description=weaker))
    assert r.status_code == 302
    level4 = ThresholdLevel.objects.get(level=4)
    assert level4.description == "Child protection (s47) or specialist services."  # screeners still read this
    change = pages.pending("threshold_levels")
    assert change.proposed["levels"]["4"] == ["Acute needs", weaker]
    assert change.base["4"] == ["Acute needs", "Child protection (s47) or specialist services."]
    assert "level 4 description" in change.summary
    assert pages.decide(first, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "pending"
    assert pages.decide(second, change).status_code == 302
    level4.refresh_from_db()
    assert level4.description == weaker
    assert AuditEvent.objects.filter(action="update", object_type="partnership.thresholdlevel").exists()


def test_a_relabelled_level_waits_through_the_service_too(admins):
    first, _second = admins
    result = services.threshold_level_update(actor=first, level=3, label="Low needs", description="")
    assert isinstance(result, SettingChange) and ThresholdLevel.objects.get(level=3).label == "Complex needs"


def test_saving_the_same_words_changes_nothing_and_asks_nobody(admins):
    first, _second = admins
    assert pages.client(first).post("/partnership/", _thresholds_post()).status_code == 302
    assert not SettingChange.objects.exists()


def test_a_later_rewording_supersedes_the_waiting_one(admins):
    first, second = admins
    change = services.threshold_level_update(actor=first, level=2, label="Early help", description="")
    later = services.threshold_level_update(actor=second, level=3, label="Child in need", description="")
    change.refresh_from_db()
    assert change.status == "superseded" and later.status == "pending"
    with pytest.raises(NotFound):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)


def test_a_threshold_words_approval_after_they_changed_is_refused(admins):
    first, second = admins
    change = services.threshold_level_update(actor=first, level=2, label="Early help", description="")
    ThresholdLevel.objects.filter(level=3).update(label="Child in need")  # changed since, by another path
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)
    change.refresh_from_db()
    assert change.status == "pending" and ThresholdLevel.objects.get(level=2).label == "Additional needs"


# --- the outcome rules ------------------------------------------------------------------------------------------------


def _rules_post(**overrides) -> dict:
    data = {"form": "rules"}
    for o in OutcomeCode.objects.all():
        data[f"rule_{o.code}_min"] = str(o.usual_min_level or "")
        data[f"rule_{o.code}_max"] = str(o.usual_max_level or "")
        if o.exclusive:
            data[f"rule_{o.code}_exclusive"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _rule(code) -> tuple:
    o = OutcomeCode.objects.get(code=code)
    return o.exclusive, o.usual_min_level, o.usual_max_level


@pytest.mark.parametrize(
    ("overrides", "code", "relaxed"),
    [
        ({"rule_nfa_exclusive": None}, "nfa", [False, 1, 2]),  # NFA combinable with other outcomes
        ({"rule_nfa_max": "4"}, "nfa", [True, 1, 4]),  # NFA at child protection level without a reason
        ({"rule_strategy_s47_min": "1"}, "strategy_s47", [False, 1, 4]),
        ({"rule_strategy_s47_min": ""}, "strategy_s47", [False, None, 4]),  # any level
    ],
    ids=["exclusive off", "higher highest level", "lower lowest level", "no lowest level"],
)
def test_relaxing_an_outcome_rule_waits_for_a_second_admin(admins, overrides, code, relaxed):
    first, second = admins
    before = _rule(code)
    r = pages.client(first).post("/partnership/", _rules_post(**overrides))
    assert r.status_code == 302
    assert _rule(code) == before  # decisions keep the approved rule
    change = pages.pending("outcome_rules")
    assert change.proposed["rules"][code] == relaxed and change.base[code] == list(before)
    assert code in change.summary
    assert pages.decide(first, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "pending"
    assert pages.decide(second, change).status_code == 302
    assert list(_rule(code)) == relaxed
    assert AuditEvent.objects.filter(action="update", object_type="partnership.outcomecode").exists()


def test_tightening_the_outcome_rules_applies_at_once(admins):
    first, _second = admins
    r = pages.client(first).post(
        "/partnership/", _rules_post(rule_police_action_exclusive="on", rule_assessment_s17_min="4")
    )
    assert r.status_code == 302
    assert _rule("police_action")[0] is True and _rule("assessment_s17") == (False, 4, 4)
    assert not SettingChange.objects.exists()


def test_a_change_that_tightens_one_rule_and_relaxes_another_waits_whole(admins):
    first, _second = admins
    result = services.outcome_rules_update(
        actor=first,
        rules={
            "assessment_s17": {"exclusive": False, "usual_min_level": 4, "usual_max_level": 4},  # tighter
            "early_help": {"exclusive": False, "usual_min_level": 1, "usual_max_level": 4},  # looser
        },
    )
    assert isinstance(result, SettingChange)
    assert _rule("assessment_s17") == (False, 3, 4) and _rule("early_help") == (False, 2, 3)


def test_an_outcome_rules_approval_after_they_changed_is_refused(admins):
    first, second = admins
    change = services.outcome_rules_update(
        actor=first, rules={"nfa": {"exclusive": False, "usual_min_level": 1, "usual_max_level": 2}}
    )
    services.outcome_rules_update(  # a tightening by the other admin: at once
        actor=second, rules={"police_action": {"exclusive": True, "usual_min_level": None, "usual_max_level": None}}
    )
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)
    assert _rule("nfa")[0] is True


@pytest.mark.parametrize(
    ("before", "after", "relaxes"),
    [
        ((True, 1, 2), (False, 1, 2), True),
        ((False, 1, 2), (True, 1, 2), False),
        ((False, 2, 3), (False, 1, 3), True),
        ((False, 2, 3), (False, 2, 4), True),
        ((False, 2, 3), (False, None, 3), True),
        ((False, 2, 3), (False, 2, None), True),
        ((False, 2, 3), (False, 3, 3), False),
        ((False, None, None), (False, 2, 3), False),
        ((False, None, None), (False, None, None), False),
    ],
)
def test_what_relaxes_an_outcome_rule(before, after, relaxes):
    assert services.outcome_rule_relaxes(before, after) is relaxes


# --- the API lists and decides these too ------------------------------------------------------------------------------


def test_the_api_lists_and_approves_a_relaxed_screening_time(api, admins):
    from conftest import totp_code_for

    first, second = admins
    change = services.immediate_risk_screening_update(actor=first, minutes=180)
    items = api(second).get("/setting-changes").json()["items"]
    assert [i["kind"] for i in items] == ["immediate_risk_screening"]
    r = api(second).post(
        f"/setting-changes/{change.pk}/approval",
        json={"password": "not-used-in-tests", "code": totp_code_for(second.user)},
    )
    assert r.status_code == 200, r.content
    assert _minutes() == 180
