"""Issue 7 (later): three more partnership settings that relax a safeguard still changed at once on one admin's
word: the RAG timescales (a longer time allowed per rating), the immediate-risk enquiry timescales (an enquiry, or
its agencies' answers, due later) and switching a decision outcome off (a strategy discussion / s47 enquiry taken
away from the hub). Now each relaxing waits for a second partnership admin as a partnership.SettingChange (ADR 0019
addendum), on the page and through the services every path uses; tightening applies at once. Failed on main (every
change applied at once; the kinds rag_timescales, immediate_risk_enquiry and outcome_active did not exist)."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict
from openmash.partnership import services
from openmash.partnership.models import OutcomeCode, PartnershipSettings, RagLevel, SettingChange
from openmash.partnership.setting_changes import setting_change_decide
from openmash.partnership.tests import setting_change_pages as pages

pytestmark = pytest.mark.django_db


def _hours() -> dict[str, int]:
    return dict(RagLevel.objects.values_list("code", "working_hours"))


def _enquiry() -> tuple[int, int]:
    s = PartnershipSettings.objects.get()
    return s.immediate_risk_enquiry_hours, s.immediate_risk_agency_lead_minutes


# --- RAG timescales ---------------------------------------------------------------------------------------------------


def test_lengthening_a_rag_timescale_waits_for_a_second_admin(admins):
    first, second = admins
    post = {"form": "rag", "rag_red": "72", "rag_amber": "24", "rag_green": "72"}
    r = pages.client(first).post("/partnership/", post)
    assert r.status_code == 302
    assert _hours() == {"red": 4, "amber": 24, "green": 72}  # ratings keep the approved timescales
    change = pages.pending("rag_timescales")
    assert change.proposed == {"hours": {"red": 72, "amber": 24, "green": 72}}
    assert change.base == {"red": 4, "amber": 24, "green": 72}
    assert "red 4 -> 72 working hours" in change.summary
    page = pages.client(second).get("/partnership/").content.decode()
    assert change.reference in page and "RAG timescales" in page
    pages.asker_cannot_then_second_approves(first, second, change)
    assert _hours()["red"] == 72
    assert AuditEvent.objects.filter(
        action="update", object_type="partnership.raglevel", detail__working_hours=[4, 72]
    ).exists()


def test_shortening_rag_timescales_applies_at_once(admins):
    first, _second = admins
    r = pages.client(first).post("/partnership/", {"form": "rag", "rag_red": "2", "rag_amber": "12", "rag_green": "72"})
    assert r.status_code == 302
    assert _hours() == {"red": 2, "amber": 12, "green": 72} and not SettingChange.objects.exists()
    assert AuditEvent.objects.filter(action="update", detail__working_hours=[4, 2]).exists()


def test_a_rag_change_that_shortens_one_and_lengthens_another_waits_whole(admins):
    first, _second = admins
    result = services.rag_levels_update(actor=first, hours={"red": 2, "green": 100})
    assert isinstance(result, SettingChange)
    assert _hours() == {"red": 4, "amber": 24, "green": 72}


def test_a_rag_approval_after_the_timescales_changed_is_refused(admins):
    first, second = admins
    change = services.rag_levels_update(actor=first, hours={"amber": 48})
    services.rag_levels_update(actor=second, hours={"red": 2})  # a shortening: at once
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)
    change.refresh_from_db()
    assert change.status == "pending" and _hours()["amber"] == 24


# --- immediate-risk enquiry timescales --------------------------------------------------------------------------------


def _enquiry_post(hours, lead) -> dict:
    return {
        "form": "immediate_enquiry",
        "immediate_risk_enquiry_hours": str(hours),
        "immediate_risk_agency_lead_minutes": str(lead),
    }


def test_lengthening_the_immediate_risk_enquiry_hours_waits_for_a_second_admin(admins):
    first, second = admins
    assert pages.client(first).post("/partnership/", _enquiry_post(24, 120)).status_code == 302
    assert _enquiry() == (4, 120)
    change = pages.pending("immediate_risk_enquiry")
    assert change.proposed == {"hours": 24, "lead": 120} and change.base == {"hours": 4, "lead": 120}
    assert change.reference in pages.client(second).get("/partnership/").content.decode()
    pages.asker_cannot_then_second_approves(first, second, change)
    assert _enquiry() == (24, 120)
    assert AuditEvent.objects.filter(action="update", detail__immediate_risk_enquiry=[[4, 120], [24, 120]]).exists()


def test_a_shorter_agency_lead_with_the_same_hours_waits_too(admins):
    first, _second = admins
    result = services.immediate_risk_enquiry_update(actor=first, enquiry_hours=4, agency_lead_minutes=30)
    assert isinstance(result, SettingChange) and _enquiry() == (4, 120)  # agencies would answer 90 minutes later


def test_shortening_the_immediate_risk_enquiry_timescales_applies_at_once(admins):
    first, _second = admins
    assert pages.client(first).post("/partnership/", _enquiry_post(2, 60)).status_code == 302
    assert _enquiry() == (2, 60) and not SettingChange.objects.exists()
    assert AuditEvent.objects.filter(action="update", detail__immediate_risk_enquiry=[[4, 120], [2, 60]]).exists()


@pytest.mark.parametrize(
    ("before", "after", "relaxes"),
    [
        ((4, 120), (5, 120), True),
        ((4, 120), (4, 60), True),
        ((4, 120), (4, 180), False),
        ((4, 120), (3, 60), False),
        ((4, 120), (5, 240), True),  # agencies' answers no later, but the enquiry is
        ((4, 120), (4, 120), False),
    ],
)
def test_what_relaxes_the_immediate_risk_enquiry_timescales(before, after, relaxes):
    assert services.immediate_risk_enquiry_relaxes(before, after) is relaxes


# --- switching an outcome off -----------------------------------------------------------------------------------------


def _active(code) -> bool:
    return OutcomeCode.objects.get(code=code).active


def test_switching_an_outcome_off_waits_for_a_second_admin(admins):
    first, second = admins
    r = pages.client(first).post("/partnership/", {"form": "outcome", "code": "strategy_s47", "active": "0"})
    assert r.status_code == 302
    assert _active("strategy_s47")  # managers can still decide a strategy discussion
    change = pages.pending("outcome_active")
    assert change.key == "strategy_s47" and change.proposed == {"active": False}
    assert change.reference in pages.client(second).get("/partnership/").content.decode()
    pages.asker_cannot_then_second_approves(first, second, change)
    assert not _active("strategy_s47")
    assert AuditEvent.objects.filter(
        action="update", object_type="partnership.outcomecode", detail__active=False
    ).exists()


def test_switching_an_outcome_on_applies_at_once(admins):
    first, _second = admins
    OutcomeCode.objects.filter(code="police_action").update(active=False)
    r = pages.client(first).post("/partnership/", {"form": "outcome", "code": "police_action", "active": "1"})
    assert r.status_code == 302
    assert _active("police_action") and not SettingChange.objects.exists()
    assert AuditEvent.objects.filter(action="update", detail__active=True).exists()


def test_two_outcomes_switched_off_wait_separately(admins):
    first, second = admins
    a = services.outcome_code_set_active(actor=first, code="police_action", active=False)
    b = services.outcome_code_set_active(actor=first, code="strategy_s47", active=False)
    a.refresh_from_db()
    assert a.status == b.status == "pending"
    setting_change_decide(actor=second, change_id=a.pk, approve=False, reason="still needed")
    assert _active("police_action") and _active("strategy_s47")


# --- the API lists and decides these too ------------------------------------------------------------------------------


def test_the_api_lists_approves_and_refuses_these_changes(api, admins):
    from conftest import totp_code_for

    first, second = admins
    rag = services.rag_levels_update(actor=first, hours={"green": 120})
    off = services.outcome_code_set_active(actor=first, code="strategy_s47", active=False)
    items = api(second).get("/setting-changes").json()["items"]
    assert {i["kind"] for i in items} == {"rag_timescales", "outcome_active"}
    assert api(first).post(f"/setting-changes/{rag.pk}/approval", json={}).status_code == 404  # the asker's own
    r = api(second).post(
        f"/setting-changes/{rag.pk}/approval",
        json={"password": "not-used-in-tests", "code": totp_code_for(second.user)},
    )
    assert r.status_code == 200, r.content
    assert _hours()["green"] == 120
    r = api(second).post(f"/setting-changes/{off.pk}/refusal", json={"reason": "Child protection needs it"})
    assert r.status_code == 200, r.content
    assert _active("strategy_s47")
    assert AuditEvent.objects.filter(action="setting_change_reject", object_id=str(off.pk)).exists()


# --- the agency answer lead (agency_lead_working_hours) ---------------------------------------------------------------
# Issue 7 (later still): a shorter lead lets agencies answer later, nearer the enquiry's due time, leaving the manager
# less time to read the answers before deciding: it waits. Failed on main (applied at once; no agency_lead_hours kind).


def _lead() -> int:
    return PartnershipSettings.objects.get().agency_lead_working_hours


@pytest.mark.parametrize("hours", [1, 0])
def test_shortening_the_agency_answer_lead_waits_for_a_second_admin(admins, hours):
    first, second = admins
    r = pages.client(first).post("/partnership/", {"form": "lead", "agency_lead_working_hours": str(hours)})
    assert r.status_code == 302
    assert _lead() == 4  # requests sent keep the approved lead
    change = pages.pending("agency_lead_hours")
    assert change.proposed == {"hours": hours} and change.base == {"hours": 4}
    assert f"4 -> {hours} working hours" in change.summary
    page = pages.client(second).get("/partnership/").content.decode()
    assert change.reference in page and "Agency answer lead time" in page
    pages.asker_cannot_then_second_approves(first, second, change)
    assert _lead() == hours
    assert AuditEvent.objects.filter(action="update", detail__agency_lead_working_hours=[4, hours]).exists()


def test_an_agency_lead_approval_after_the_lead_changed_is_refused(admins):
    first, second = admins
    change = services.agency_lead_update(actor=first, hours=2)
    assert isinstance(change, SettingChange)
    lengthened = services.agency_lead_update(actor=second, hours=6)  # a lengthening: at once
    assert isinstance(lengthened, PartnershipSettings) and _lead() == 6
    assert AuditEvent.objects.filter(action="update", detail__agency_lead_working_hours=[4, 6]).exists()
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)
    change.refresh_from_db()
    assert change.status == "pending" and _lead() == 6


def test_the_api_lists_and_approves_a_shorter_agency_answer_lead(api, admins):
    from conftest import totp_code_for

    first, second = admins
    change = services.agency_lead_update(actor=first, hours=2)
    items = api(second).get("/setting-changes").json()["items"]
    assert [(i["kind"], i["proposed"]) for i in items] == [("agency_lead_hours", {"hours": 2})]
    r = api(second).post(
        f"/setting-changes/{change.pk}/approval",
        json={"password": "not-used-in-tests", "code": totp_code_for(second.user)},
    )
    assert r.status_code == 200, r.content
    assert _lead() == 2
