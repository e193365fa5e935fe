"""Issue 7, attacker finding 5: one partnership admin could lengthen the agency access window, lower the person
matching thresholds, or record or widen an information-sharing agreement, effective at once, each widening who sees
personal data. Now each waits for a second partnership admin through partnership.SettingChange (ADR 0019 addendum),
on the pages and in the API (bearer tokens): the asker cannot approve their own change, an approval written against
a value that has changed since is refused, and narrowing applies at once. Every step is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, NotFound
from openmash.partnership.models import PartnershipSettings, SettingChange
from openmash.partnership.setting_changes import setting_change_decide
from openmash.partnership.tests import setting_change_pages as pages
from openmash.sharing import agreements
from openmash.sharing.models import SharingAgreement

pytestmark = pytest.mark.django_db


def _settings() -> PartnershipSettings:
    return PartnershipSettings.objects.get()


# --- the agency access window ---------------------------------------------------------------------------------------


def test_lengthening_the_access_window_on_the_page_waits_for_a_second_admin(admins):
    first, second = admins
    assert _settings().agency_access_days == 30
    r = pages.client(first).post("/partnership/", {"form": "access", "agency_access_days": "90"})
    assert r.status_code == 302
    assert _settings().agency_access_days == 30  # not yet: agencies keep the approved window
    change = pages.pending("agency_access_days")
    assert change.proposed == {"days": 90} and change.base == {"days": 30} and change.requested_by == first.user
    assert AuditEvent.objects.filter(action="setting_change_request", object_id=str(change.pk)).exists()
    page = pages.client(first).get("/partnership/").content.decode()
    assert change.reference in page and "Waiting for another partnership admin" in page
    # the asker cannot approve their own change
    assert pages.decide(first, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "pending" and _settings().agency_access_days == 30
    with pytest.raises(NotFound):
        setting_change_decide(actor=first, change_id=change.pk, approve=True)
    assert pages.decide(second, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == second.user
    assert _settings().agency_access_days == 90
    assert AuditEvent.objects.filter(action="update", detail__agency_access_days=[30, 90]).exists()
    assert AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk)).exists()


def test_shortening_the_access_window_applies_at_once(admins):
    first, _second = admins
    assert pages.client(first).post("/partnership/", {"form": "access", "agency_access_days": "7"}).status_code == 302
    assert _settings().agency_access_days == 7
    assert not SettingChange.objects.exists()


def test_an_access_window_approval_after_the_window_changed_is_refused(admins):
    first, second = admins
    pages.client(first).post("/partnership/", {"form": "access", "agency_access_days": "90"})
    change = pages.pending("agency_access_days")
    pages.client(second).post("/partnership/", {"form": "access", "agency_access_days": "10"})  # a shortening: at once
    assert _settings().agency_access_days == 10
    r = pages.decide(second, change)
    assert r.status_code == 302
    change.refresh_from_db()
    assert change.status == "pending" and _settings().agency_access_days == 10
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=change.pk, approve=True)


# --- the person matching thresholds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upper", "lower", "proposed"),
    [("80", "50", {"lower": 0.5, "upper": 0.8}), ("95", "30", {"lower": 0.3, "upper": 0.95})],
    ids=["the automatic figure", "the review figure"],
)
def test_lowering_a_matching_threshold_waits_for_a_second_admin(admins, upper, lower, proposed):
    first, second = admins
    r = pages.client(first).post(
        "/partnership/", {"form": "matching", "link_upper_threshold": upper, "link_lower_threshold": lower}
    )
    assert r.status_code == 302
    s = _settings()
    assert (s.link_upper_threshold, s.link_lower_threshold) == (0.95, 0.5)  # not yet
    change = pages.pending("link_thresholds")
    assert change.proposed == proposed and change.base == {"lower": 0.5, "upper": 0.95}
    assert pages.decide(first, change).status_code == 302  # not by the asker
    change.refresh_from_db()
    assert change.status == "pending"
    assert pages.decide(second, change).status_code == 302
    s = _settings()
    assert (s.link_lower_threshold, s.link_upper_threshold) == (proposed["lower"], proposed["upper"])
    assert AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk)).exists()


def test_raising_the_matching_thresholds_applies_at_once(admins):
    first, _second = admins
    r = pages.client(first).post(
        "/partnership/", {"form": "matching", "link_upper_threshold": "98", "link_lower_threshold": "70"}
    )
    assert r.status_code == 302
    s = _settings()
    assert (s.link_upper_threshold, s.link_lower_threshold) == (0.98, 0.7)
    assert not SettingChange.objects.exists()


# --- information-sharing agreements: what widens --------------------------------------------------------------------


def _coverage(**extra) -> dict:
    data = {
        "status": "active",
        "parties": ["health-gp", "mash"],
        "categories": ["health"],
        "lawful_bases": ["art6_1e"],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    return data | extra


@pytest.mark.parametrize(
    ("before", "after", "widens"),
    [
        (None, _coverage(), True),
        (None, _coverage(status="draft"), False),
        (_coverage(status="draft"), _coverage(), True),
        (_coverage(), _coverage(status="draft"), False),
        (_coverage(), _coverage(parties=["health-gp", "mash", "police"]), True),
        (_coverage(), _coverage(categories=["health", "mental_health"]), True),
        (_coverage(), _coverage(lawful_bases=["art6_1e", "art9_2h"]), True),
        (_coverage(), _coverage(starts_on="2025-06-01"), True),
        (_coverage(), _coverage(ends_on="2027-03-31"), True),
        (_coverage(), _coverage(ends_on=None), True),
        (_coverage(ends_on=None), _coverage(ends_on="2027-03-31"), False),
        (_coverage(), _coverage(parties=["mash", "police"]), True),
        (_coverage(), _coverage(categories=[], starts_on="2026-02-01", ends_on="2026-06-30"), False),
        (_coverage(), _coverage(), False),
    ],
)
def test_an_agreement_widens_when_it_covers_anything_it_did_not(before, after, widens):
    assert agreements.agreement_widens(before, after) is widens


# --- information-sharing agreements: the pages ----------------------------------------------------------------------


def _form(**extra):
    today = timezone.localdate()
    data = {
        "title": "Schools agreement",
        "parties": ["mash", "school-oak"],
        "categories": ["education"],
        "lawful_bases": ["art6_1e"],
        "starts_on_day": str(today.day),
        "starts_on_month": str(today.month),
        "starts_on_year": str(today.year),
        "document_reference": "ISA/EDU/1",
        "status": "active",
    }
    data.update(extra)
    return data


def test_recording_an_active_agreement_on_the_page_waits_for_a_second_admin(admins):
    first, second = admins
    r = pages.client(first).post("/partnership/agreements/new/", _form())
    assert r.status_code == 302
    assert not SharingAgreement.objects.exists()  # nothing covered yet
    change = pages.pending("sharing_agreement")
    listing = pages.client(first).get("/partnership/agreements/").content.decode()
    assert 'data-testid="agreement-changes-waiting"' in listing and change.reference in listing
    assert pages.decide(first, change).status_code == 302  # not by the asker
    assert not SharingAgreement.objects.exists()
    assert pages.decide(second, change).status_code == 302
    a = SharingAgreement.objects.get()
    assert str(a.pk) == change.key and a.status == "active" and a.recorded_by == first.user
    created = AuditEvent.objects.get(action="create", object_id=str(a.pk))
    assert created.actor_username == second.user.username
    assert created.detail["setting_change"] == change.reference and created.detail["asked_by"] == first.user.username


def test_a_draft_and_a_narrowing_apply_at_once_but_widening_waits_on_the_pages(admins):
    first, second = admins
    web = pages.client(first)
    assert web.post("/partnership/agreements/new/", _form(status="draft")).status_code == 302
    a = SharingAgreement.objects.get()  # a draft covers nothing: recorded at once
    assert not SettingChange.objects.exists()
    assert web.post(f"/partnership/agreements/{a.pk}/", _form(status="active", version="1")).status_code == 302
    a.refresh_from_db()
    assert a.status == "draft" and a.version == 1  # making it active waits
    assert pages.decide(second, pages.pending("sharing_agreement")).status_code == 302
    a.refresh_from_db()
    assert a.status == "active" and a.version == 2
    wider = _form(parties=["mash", "school-oak", "police"], version="2")
    assert web.post(f"/partnership/agreements/{a.pk}/", wider).status_code == 302
    a.refresh_from_db()
    assert a.version == 2 and sorted(p.code for p in a.parties.all()) == ["mash", "school-oak"]
    waiting = pages.pending("sharing_agreement")
    narrower = _form(title="Schools agreement (renamed)", version="2")
    assert web.post(f"/partnership/agreements/{a.pk}/", narrower).status_code == 302
    a.refresh_from_db()
    assert a.version == 3 and a.title == "Schools agreement (renamed)"  # a rename covers nothing more: at once
    # the waiting widening was written against version 2: approving it now is refused, nothing changes
    assert pages.decide(second, waiting).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "pending" and a.parties.count() == 2
    with pytest.raises(Conflict):
        setting_change_decide(actor=second, change_id=waiting.pk, approve=True)
    assert web.post(f"/partnership/agreements/{a.pk}/end/", {"version": "3"}).status_code == 302
    assert SharingAgreement.objects.get(pk=a.pk).status == "ended"  # ending applies at once


# --- information-sharing agreements: the API (bearer tokens) --------------------------------------------------------


def test_the_api_answers_202_with_the_change_and_waits_for_a_second_admin(api, admins):
    first, second = admins
    body = {
        "title": "Police agreement",
        "parties": ["mash", "police"],
        "categories": ["police_records"],
        "lawful_bases": ["part3_sch8"],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "document_reference": "ISA/POL/1",
        "status": "active",
    }
    r = api(first).post("/sharing-agreements", json=body)
    assert r.status_code == 202, r.content
    out = r.json()
    change = SettingChange.objects.get(pk=out["id"])
    assert out["reference"] == change.reference and out["reference"].startswith("SC-")
    assert out["status"] == "pending" and out["kind"] == "sharing_agreement" and out["key"] == change.key
    assert not SharingAgreement.objects.exists()
    assert api(first).get(f"/sharing-agreements/{out['key']}").status_code == 404
    with pytest.raises(NotFound):  # the asker, whatever the path, cannot approve their own change
        setting_change_decide(actor=first, change_id=change.pk, approve=True)
    setting_change_decide(actor=second, change_id=change.pk, approve=True)
    made = api(first).get(f"/sharing-agreements/{out['key']}")
    assert made.status_code == 200 and made.json()["in_force"] is True and made.json()["version"] == 1
    url = f"/sharing-agreements/{out['key']}/changes"
    for wider in (
        {"categories": ["police_records", "police_intelligence"]},
        {"lawful_bases": ["part3_sch8", "art6_1e"]},
        {"ends_on": "2027-12-31"},
        {"parties": ["mash", "police", "probation"]},
    ):
        r = api(first).post(url, json={**body, **wider, "version": 1})
        assert r.status_code == 202, (wider, r.content)
        assert SharingAgreement.objects.get(pk=out["key"]).version == 1  # untouched
    # each later change of the same agreement replaced the one before: one waits
    assert SettingChange.objects.filter(kind="sharing_agreement", status="pending").count() == 1
    assert SettingChange.objects.filter(kind="sharing_agreement", status="superseded").count() == 3
    narrower = api(first).post(url, json={**body, "ends_on": "2026-06-30", "version": 1})
    assert narrower.status_code == 200 and narrower.json()["version"] == 2
    assert narrower.json()["ends_on"] == "2026-06-30"


def test_the_api_records_a_draft_at_once(api, admins):
    first, _second = admins
    body = {
        "title": "Draft agreement",
        "parties": ["mash", "police"],
        "categories": ["police_records"],
        "lawful_bases": ["part3_sch8"],
        "starts_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "document_reference": "ISA/POL/2",
        "status": "draft",
    }
    r = api(first).post("/sharing-agreements", json=body)
    assert r.status_code == 201 and r.json()["status"] == "draft"
    assert not SettingChange.objects.exists()
