import datetime as dt

import pytest

from openmash.audit.models import AuditEvent
from openmash.partnership.models import BankHoliday, OutcomeCode, PartnershipSettings, RagLevel, SettingChange
from openmash.partnership.setting_changes import setting_change_decide


@pytest.fixture
def admin_client(client, make_actor):
    actor = make_actor("partnership_admin", "mash")
    client.force_login(actor.user)
    return client


def test_admin_changes_rag_timescales_and_it_is_audited(admin_client):
    before = AuditEvent.objects.filter(object_type="partnership.raglevel").count()
    r = admin_client.post("/partnership/", {"form": "rag", "rag_red": "2", "rag_amber": "24", "rag_green": "72"})
    assert r.status_code == 302
    assert RagLevel.objects.get(code="red").working_hours == 2
    assert AuditEvent.objects.filter(object_type="partnership.raglevel").count() == before + 1


def test_bad_timescale_shows_error_summary_and_saves_nothing(admin_client):
    r = admin_client.post("/partnership/", {"form": "rag", "rag_red": "0", "rag_amber": "x", "rag_green": "72"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "govuk-error-summary" in body and "<title>Error:" in body
    assert RagLevel.objects.get(code="red").working_hours == 4


def test_working_hours_must_end_after_start(admin_client):
    r = admin_client.post(
        "/partnership/", {"form": "hours", "day_start": "17:00", "day_end": "09:00", "weekdays": ["0", "1"]}
    )
    assert r.status_code == 200
    assert "The working day must end after it starts" in r.content.decode()
    assert PartnershipSettings.objects.get().day_start == dt.time(9, 0)


def test_working_hours_saved(admin_client):
    r = admin_client.post(
        "/partnership/",
        {"form": "hours", "day_start": "08:30", "day_end": "18:00", "weekdays": ["0", "1", "2", "3", "4", "5"]},
    )
    assert r.status_code == 302
    s = PartnershipSettings.objects.get()
    assert (s.day_start, s.day_end, s.working_weekdays) == (dt.time(8, 30), dt.time(18, 0), [0, 1, 2, 3, 4, 5])


def _day(year: int, month: int, day: int) -> dict:
    """A date as the GOV.UK date input posts it (date_day, date_month, date_year)."""
    return {"date_day": str(day), "date_month": str(month), "date_year": str(year)}


def test_holiday_add_remove_and_outcome_toggle(admin_client, make_actor):
    r = admin_client.post("/partnership/", {"form": "holiday", **_day(2031, 7, 1), "name": "Local closure"})
    assert r.status_code == 302
    holiday = BankHoliday.objects.get(date=dt.date(2031, 7, 1))
    r = admin_client.post("/partnership/", {"form": "holiday", **_day(2031, 7, 1), "name": "Again"})
    assert "already a holiday" in r.content.decode()
    admin_client.post("/partnership/", {"form": "holiday_remove", "holiday_id": str(holiday.pk)})
    assert not BankHoliday.objects.filter(pk=holiday.pk).exists()
    admin_client.post("/partnership/", {"form": "outcome", "code": "police_action", "active": "0"})
    assert OutcomeCode.objects.get(code="police_action").active is True  # switching off waits (ADR 0019 addendum)
    change = SettingChange.objects.get(kind="outcome_active", status="pending")
    setting_change_decide(actor=make_actor("partnership_admin", "mash"), change_id=change.pk, approve=True)
    assert OutcomeCode.objects.get(code="police_action").active is False


@pytest.mark.parametrize(
    "role,agency", [("screener", "mash"), ("manager", "mash"), ("referrer", "police"), ("auditor", "mash")]
)
def test_only_partnership_admins_configure(client, make_actor, role, agency):
    client.force_login(make_actor(role, agency).user)
    assert client.get("/partnership/").status_code == 403
    assert (
        client.post("/partnership/", {"form": "rag", "rag_red": "1", "rag_amber": "2", "rag_green": "3"}).status_code
        == 403
    )
    assert RagLevel.objects.get(code="red").working_hours == 4


def test_anonymous_is_sent_to_sign_in(client, partnership):
    r = client.get("/partnership/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_admin_renames_threshold_levels(admin_client, make_actor):
    from openmash.partnership.models import SettingChange, ThresholdLevel
    from openmash.partnership.setting_changes import setting_change_decide

    data = {"form": "thresholds"}
    for t in ThresholdLevel.objects.all():
        data[f"threshold_{t.level}"] = t.label
        data[f"threshold_{t.level}_description"] = t.description
    data["threshold_2"] = "Early help"
    assert admin_client.post("/partnership/", data).status_code == 302
    # new words wait for a second partnership admin (ADR 0019 addendum, issue 7)
    assert ThresholdLevel.objects.get(level=2).label == "Additional needs"
    change = SettingChange.objects.get(kind="threshold_levels", status="pending")
    setting_change_decide(actor=make_actor("partnership_admin", "mash"), change_id=change.pk, approve=True)
    assert ThresholdLevel.objects.get(level=2).label == "Early help"
    data["threshold_3"] = ""
    r = admin_client.post("/partnership/", data)
    assert "Enter a label for level 3" in r.content.decode()
    assert ThresholdLevel.objects.get(level=3).label == "Complex needs"


def test_the_late_recording_window_is_shown_saved_and_audited(admin_client):
    body = admin_client.get("/partnership/").content.decode()
    assert 'name="late_contact_days"' in body and 'value="30"' in body
    before = AuditEvent.objects.filter(object_type="partnership.partnershipsettings", action="update").count()
    r = admin_client.post("/partnership/", {"form": "intake", "late_contact_days": "14"})
    assert r.status_code == 302
    assert PartnershipSettings.objects.get().late_contact_days == 14
    after = AuditEvent.objects.filter(object_type="partnership.partnershipsettings", action="update").count()
    assert after == before + 1


@pytest.mark.parametrize("value", ["0", "366", "ten"])
def test_a_bad_late_recording_window_is_refused(admin_client, value):
    r = admin_client.post("/partnership/", {"form": "intake", "late_contact_days": value})
    body = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_late_contact_days"' in body
    assert PartnershipSettings.objects.get().late_contact_days == 30


def test_an_implausible_holiday_date_is_refused(admin_client):
    before = BankHoliday.objects.count()
    r = admin_client.post("/partnership/", {"form": "holiday", **_day(1901, 1, 1), "name": "Typo day"})
    assert r.status_code == 200 and 'href="#id_date"' in r.content.decode()
    assert BankHoliday.objects.count() == before


def test_admin_sets_the_agency_lead_time_and_it_is_audited(admin_client):
    page = admin_client.get("/partnership/").content.decode()
    assert 'name="agency_lead_working_hours"' in page and 'value="4"' in page  # the default
    r = admin_client.post("/partnership/", {"form": "lead", "agency_lead_working_hours": "8"})
    assert r.status_code == 302
    assert PartnershipSettings.objects.get().agency_lead_working_hours == 8
    assert AuditEvent.objects.filter(
        object_type="partnership.partnershipsettings", detail__agency_lead_working_hours=[4, 8]
    ).exists()


@pytest.mark.parametrize("value", ["-1", "73", "x", ""])
def test_a_bad_agency_lead_time_shows_the_error_on_its_field(admin_client, value):
    r = admin_client.post("/partnership/", {"form": "lead", "agency_lead_working_hours": value})
    body = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in body and 'href="#id_agency_lead_working_hours"' in body
    assert PartnershipSettings.objects.get().agency_lead_working_hours == 4


def _rules_post(**overrides):
    data = {"form": "rules"}
    for o in OutcomeCode.objects.all():
        data[f"rule_{o.code}_min"] = str(o.usual_min_level or "")
        data[f"rule_{o.code}_max"] = str(o.usual_max_level or "")
        if o.exclusive:
            data[f"rule_{o.code}_exclusive"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_edits_the_decision_rules_and_it_is_audited(admin_client):
    r = admin_client.post("/partnership/", _rules_post(rule_assessment_s17_min="4", rule_police_action_exclusive="on"))
    assert r.status_code == 302
    assessment, police = OutcomeCode.objects.get(code="assessment_s17"), OutcomeCode.objects.get(code="police_action")
    assert (assessment.usual_min_level, assessment.usual_max_level) == (4, 4) and police.exclusive
    assert AuditEvent.objects.filter(object_type="partnership.outcomecode", object_id=str(assessment.pk)).exists()


def test_a_lowest_level_above_the_highest_is_refused_on_its_field(admin_client):
    r = admin_client.post("/partnership/", _rules_post(rule_nfa_min="2", rule_nfa_max="1"))
    body = r.content.decode()
    assert r.status_code == 200 and 'href="#id_rule_nfa_max"' in body
    assert OutcomeCode.objects.get(code="nfa").usual_max_level == 2


def test_a_holiday_date_is_the_govuk_date_input_with_its_messages(admin_client):
    """A bank holiday is typed in day, month and year boxes like every other date (review, fault 2), not as
    2027-08-30 in one box."""
    page = admin_client.get("/partnership/").content.decode()
    assert 'name="date_day"' in page and 'name="date_month"' in page and 'name="date_year"' in page
    r = admin_client.post("/partnership/", {"form": "holiday", "date_day": "", "date_month": "8", "date_year": "27"})
    body = r.content.decode()
    assert "Date must include a day" in body and 'href="#id_date"' in body
