"""Information-sharing agreements as data (issue 7, ADR 0016): the partnership admin records them (pages and API,
optimistic concurrency, ending); a request to an agency and a release out of the secure room outside every active
agreement is flagged (default) or refused (as configured), never refused when it is urgent child protection; the
agreement (or none) is recorded on the request and the decision; the privacy officer sees the flagged ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.access.sharing import agreement_check
from openmash.accounts.models import Agency
from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.enquiries.services import agency_requests_create
from openmash.partnership.models import SettingChange
from openmash.sharing import agreements
from openmash.sharing.models import ShareDecision, SharingAgreement
from tests.support import SHARE, agreement_recorded, approved, enquiry_open, item_give, item_release


def _agreement(admin, *, parties=("mash", "health-gp"), categories=("health",), status="active", **extra):
    data = {
        "title": "Health safeguarding agreement",
        "parties": list(parties),
        "categories": list(categories),
        "lawful_bases": ["art6_1e", "sch1_para18"],
        "starts_on": timezone.localdate() - dt.timedelta(days=10),
        "document_reference": "ISA/2026/01",
        "status": status,
        **extra,
    }
    # an active agreement waits for a second partnership admin (ADR 0019 addendum): approved here, as set-up
    return agreement_recorded(admin, data)


def _refuse_outside(admin):
    agreements.outside_agreement_update(actor=admin, mode="refuse")


def _web(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


# --- the one decision -----------------------------------------------------------------------------------------------


def test_only_an_active_agreement_in_its_dates_naming_both_parties_and_the_category_covers(make_actor, partnership):
    admin = make_actor("partnership_admin", "mash")
    gp, hub, police = partnership["health-gp"], partnership["mash"], partnership["police"]

    def check(frm=gp, category="health", urgent=False):
        return agreement_check(from_agency=frm, to_agencies=[hub], category=category, urgent_child_protection=urgent)

    assert check().outcome == "outside"  # none recorded: flagged (the default), not refused
    draft = _agreement(admin, status="draft")
    assert check().outcome == "outside"
    future = _agreement(admin, starts_on=timezone.localdate() + dt.timedelta(days=3))
    lapsed = _agreement(
        admin,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    assert check().outcome == "outside"
    live = _agreement(admin)
    answer = check()
    assert answer.outcome == "covered" and answer.agreement == live and answer.recorded == "covered"
    assert check(category="sexual_health").outcome == "outside"  # a category the agreement does not name
    assert check(frm=police, category="health").outcome == "outside"  # an agency not a party
    agreements.agreement_end(actor=admin, agreement_id=live.pk, version=live.version)
    assert check().outcome == "outside"
    assert {draft.status, future.status, lapsed.status} == {"draft", "active"}


def test_refuse_mode_refuses_outside_an_agreement_but_never_urgent_child_protection(make_actor, partnership):
    admin = make_actor("partnership_admin", "mash")
    _refuse_outside(admin)
    gp, hub = partnership["health-gp"], partnership["mash"]
    refused = agreement_check(from_agency=gp, to_agencies=[hub], category="health", urgent_child_protection=False)
    assert refused.refused and "No active information-sharing agreement covers Riverside GP Practice" in refused.message
    urgent = agreement_check(from_agency=gp, to_agencies=[hub], category="health", urgent_child_protection=True)
    assert urgent.outcome == "outside" and not urgent.refused  # recorded and flagged, never refused


# --- requests to agencies -----------------------------------------------------------------------------------------


def test_a_request_records_its_agreement_or_is_flagged(make_actor):
    admin = make_actor("partnership_admin", "mash")
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    live = _agreement(admin)
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    gp, police = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp", "police"])
    assert (gp.agreement, gp.agreement_check, gp.info_category) == (live, "covered", "health")
    assert (police.agreement, police.agreement_check, police.info_category) == (None, "outside", "police_records")
    event = AuditEvent.objects.get(action="create", object_id=str(police.pk))
    assert event.detail["agreement"] == "outside" and event.detail["category"] == "police_records"


def test_refuse_mode_refuses_a_request_with_a_field_message_and_an_audited_refusal(make_actor):
    admin = make_actor("partnership_admin", "mash")
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    _agreement(admin)
    _refuse_outside(admin)
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    with pytest.raises(ValidationFailed) as exc:
        agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp", "police"])
    assert list(exc.value.errors) == ["agency_codes"]
    assert "County Police" in exc.value.errors["agency_codes"][0]
    assert not enquiry.agency_requests.exists()  # nothing sent, not even the covered one
    refusal = AuditEvent.objects.get(action="agreement_refuse")
    assert refusal.detail == {"category": "police_records", "to": "police"}
    # the covered agency alone goes
    [gp] = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp"])
    assert gp.agreement_check == "covered"


def test_an_immediate_risk_request_is_never_refused_only_flagged(make_actor):
    admin = make_actor("partnership_admin", "mash")
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    _refuse_outside(admin)
    enquiry = enquiry_open(referrer=referrer, screener=screener, immediate_risk=True, immediate_risk_detail="Now")
    [police] = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["police"])
    assert police.agreement_check == "outside"


def test_the_enquiry_page_shows_the_refusal_in_the_error_summary(make_actor):
    admin = make_actor("partnership_admin", "mash")
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    _refuse_outside(admin)
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    r = _web(screener).post(f"/enquiries/{enquiry.pk}/requests/", {"agency_codes": ["police"]})
    body = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in body
    assert "No active information-sharing agreement covers County Police" in body


# --- releases out of the secure room ------------------------------------------------------------------------------


def test_a_release_records_its_agreement_or_none_on_the_decision(room):
    covered = item_give(room.gp, room.gp_request, "Missed appointments")
    outside = item_give(room.gp, room.gp_request, "Clinic visit", sensitivity="sensitive", category="sexual_health")
    live = _agreement(room.admin)
    release = item_release(room.gp, covered)
    assert (release.agreement, release.agreement_check, release.info_category) == (live, "covered", "health")
    flagged = item_release(room.gp, outside)
    assert (flagged.agreement, flagged.agreement_check, flagged.info_category) == (None, "outside", "sexual_health")
    share = ShareDecision.objects.get(item=outside, kind="share")
    assert share.agreement_check == ""  # sharing into the hub is answering the request: not checked again


def test_refuse_mode_refuses_a_release_but_not_an_urgent_one(api, room):
    item = item_give(room.gp, room.gp_request, "Missed appointments")
    _refuse_outside(room.admin)
    with pytest.raises(ValidationFailed) as exc:
        item_release(room.gp, item)
    assert list(exc.value.errors) == ["agreement"]
    item.refresh_from_db()
    assert item.released_at is None and not item.decisions.filter(kind="release").exists()
    assert AuditEvent.objects.filter(action="agreement_refuse", object_id=str(item.pk)).exists()
    r = api(room.gp).post(f"/contributed-items/{item.pk}/release", json=SHARE)
    assert r.status_code == 422 and "agreement" in r.json()["errors"]
    urgent = item_release(room.gp, item, decision={**SHARE, "urgent": True})
    assert urgent.agreement_check == "outside" and urgent.urgent


def test_the_privacy_officer_sees_what_went_outside_an_agreement(make_actor, room):
    officer = make_actor("privacy_officer", "mash")
    item = item_give(room.gp, room.gp_request, "Missed appointments")
    item_release(room.gp, item)
    rows = agreements.agreement_flags(actor=officer)
    assert {r["what"] for r in rows} == {"Request to an agency", "Release out of the MASH"}
    assert {r["reference"] for r in rows} == {room.contact.reference}
    page = _web(officer).get("/privacy/").content.decode()
    assert 'data-testid="outside-agreement-row"' in page and "Release out of the MASH" in page
    with pytest.raises(PermissionDenied):
        agreements.agreement_flags(actor=room.manager)


# --- recording agreements -----------------------------------------------------------------------------------------


def test_an_agreement_needs_every_field_and_two_known_parties(make_actor):
    admin = make_actor("partnership_admin", "mash")
    with pytest.raises(ValidationFailed) as exc:
        agreements.agreement_create(
            actor=admin,
            data={
                "parties": ["mash", "nowhere"],
                "categories": ["gossip"],
                "lawful_bases": [],
                "starts_on": "2026-05-01",
                "ends_on": "2026-04-01",
                "status": "ended",
            },
        )
    assert set(exc.value.errors) == {
        "title",
        "parties",
        "categories",
        "lawful_bases",
        "ends_on",
        "document_reference",
        "status",
    }
    with pytest.raises(ValidationFailed) as exc:
        _agreement(admin, parties=["mash"])
    assert exc.value.errors == {"parties": ["Choose at least two agencies that are party to the agreement"]}
    assert not SharingAgreement.objects.exists()


def test_only_the_partnership_admin_writes_agreements(make_actor):
    admin = make_actor("partnership_admin", "mash")
    a = _agreement(admin)
    for role, agency in (
        ("manager", "mash"),
        ("screener", "mash"),
        ("privacy_officer", "mash"),
        ("researcher", "police"),
    ):
        actor = make_actor(role, agency)
        with pytest.raises(PermissionDenied):
            _agreement(actor)
        with pytest.raises(PermissionDenied):
            agreements.agreement_end(actor=actor, agreement_id=a.pk, version=a.version)


def test_a_change_on_a_stale_version_is_a_conflict_and_an_ended_agreement_is_fixed(make_actor):
    admin = make_actor("partnership_admin", "mash")
    a = _agreement(admin)
    data = {
        "title": "Renamed",
        "parties": ["mash", "health-gp", "health-hv"],
        "categories": ["health", "mental_health"],
        "lawful_bases": ["art6_1e"],
        "starts_on": a.starts_on,
        "document_reference": "ISA/2026/01 v2",
        "status": "active",
    }
    # another party and category widen it: it waits for a second partnership admin, who approves it
    waiting = agreements.agreement_update(actor=admin, agreement_id=a.pk, version=1, data=data)
    assert isinstance(waiting, SettingChange) and SharingAgreement.objects.get(pk=a.pk).version == 1
    approved(admin, waiting)
    changed = SharingAgreement.objects.get(pk=a.pk)
    assert changed.version == 2 and changed.title == "Renamed"
    assert sorted(p.code for p in changed.parties.all()) == ["health-gp", "health-hv", "mash"]
    with pytest.raises(Conflict):
        agreements.agreement_update(actor=admin, agreement_id=a.pk, version=1, data={**data, "title": "Lost"})
    assert SharingAgreement.objects.get(pk=a.pk).title == "Renamed"
    ended = agreements.agreement_end(actor=admin, agreement_id=a.pk, version=2)
    assert ended.status == "ended" and ended.ends_on == timezone.localdate()
    with pytest.raises(Conflict):
        agreements.agreement_update(actor=admin, agreement_id=a.pk, version=ended.version, data=data)
    actions = list(AuditEvent.objects.filter(object_id=str(a.pk)).values_list("action", flat=True))
    assert actions.count("create") == 1 and actions.count("update") == 1 and actions.count("agreement_end") == 1


# --- the API --------------------------------------------------------------------------------------------------------


def test_the_api_lists_for_the_hub_and_writes_for_the_partnership_admin_only(api, make_actor):
    admin = make_actor("partnership_admin", "mash")
    body = {
        "title": "Police agreement",
        "parties": ["mash", "police"],
        "categories": ["police_records", "police_intelligence"],
        "lawful_bases": ["part3_sch8"],
        "starts_on": "2026-01-01",
        "document_reference": "ISA/POL/1",
        "status": "active",
    }
    r = api(admin).post("/sharing-agreements", json=body)
    assert r.status_code == 202, r.content  # an active agreement waits for a second partnership admin
    approved(admin, SettingChange.objects.get(pk=r.json()["id"]))
    made = api(admin).get(f"/sharing-agreements/{r.json()['key']}").json()
    assert {p["code"] for p in made["parties"]} == {"mash", "police"}
    for role, agency, status in (("screener", "mash", 200), ("manager", "mash", 200), ("researcher", "police", 403)):
        actor = make_actor(role, agency)
        listed = api(actor).get("/sharing-agreements")
        assert listed.status_code == status, (role, listed.content)
        if status == 200:
            assert listed.json()["count"] == 1 and listed.json()["items"][0]["in_force"] is True
            assert api(actor).get(f"/sharing-agreements/{made['id']}").status_code == 200
        assert api(actor).post("/sharing-agreements", json=body).status_code == 403
    bad = api(admin).post("/sharing-agreements", json={**body, "parties": ["mash"], "categories": ["x"]})
    assert bad.status_code == 422 and {"parties", "categories"} <= set(bad.json()["errors"])
    changed = api(admin).post(
        f"/sharing-agreements/{made['id']}/changes", json={**body, "title": "Police agreement v2", "version": 1}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = api(admin).post(f"/sharing-agreements/{made['id']}/changes", json={**body, "version": 1})
    assert stale.status_code == 409
    ended = api(admin).post(f"/sharing-agreements/{made['id']}/end", json={"version": 2})
    assert ended.status_code == 200 and ended.json()["status"] == "ended" and ended.json()["in_force"] is False


# --- the pages ------------------------------------------------------------------------------------------------------


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


def test_the_admin_adds_changes_and_ends_an_agreement_on_the_pages(make_actor):
    admin = make_actor("partnership_admin", "mash")
    web = _web(admin)
    bad = web.post("/partnership/agreements/new/", _form(title="", parties=["mash"], lawful_bases=[]))
    body = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in body
    assert "Enter the agreement&#x27;s title" in body and "Choose the lawful basis the agreement relies on" in body
    assert "Choose at least two agencies" in body
    assert web.post("/partnership/agreements/new/", _form()).status_code == 302
    assert not SharingAgreement.objects.exists()  # an active agreement waits for a second partnership admin
    approved(admin, SettingChange.objects.get(kind="sharing_agreement", status="pending"))
    a = SharingAgreement.objects.get()
    listing = web.get("/partnership/agreements/").content.decode()
    assert "Schools agreement" in listing and "In force" in listing
    # someone else changes it after the page was opened: the stale version is reported, nothing overwritten
    agreements.agreement_update(
        actor=admin, agreement_id=a.pk, version=1, data={**_service(a), "title": "Changed elsewhere"}
    )
    stale = web.post(f"/partnership/agreements/{a.pk}/", _form(title="Mine", version="1"))
    assert stale.status_code == 200 and "Someone else has changed this agreement" in stale.content.decode()
    assert SharingAgreement.objects.get(pk=a.pk).title == "Changed elsewhere"
    assert web.post(f"/partnership/agreements/{a.pk}/", _form(title="Mine", version="2")).status_code == 302
    assert web.post(f"/partnership/agreements/{a.pk}/end/", {"version": "3"}).status_code == 302
    assert SharingAgreement.objects.get(pk=a.pk).status == "ended"


def _service(a) -> dict:
    return {
        "title": a.title,
        "parties": [p.code for p in a.parties.all()],
        "categories": a.categories,
        "lawful_bases": a.lawful_bases,
        "starts_on": a.starts_on,
        "document_reference": a.document_reference,
        "status": a.status,
    }


def test_the_hub_reads_the_list_but_only_the_admin_opens_the_forms(make_actor):
    screener = make_actor("screener", "mash")
    web = _web(screener)
    page = web.get("/partnership/agreements/")
    assert page.status_code == 200 and 'data-testid="agreement-add"' not in page.content.decode()
    assert web.get("/partnership/agreements/new/").status_code == 403
    assert _web(make_actor("researcher", "police")).get("/partnership/agreements/").status_code == 403


def test_the_settings_page_sets_refuse_or_flag(make_actor):
    admin = make_actor("partnership_admin", "mash")
    from openmash.access.sharing import outside_agreement_mode

    assert outside_agreement_mode() == "flag"
    r = _web(admin).post("/partnership/", {"form": "agreement", "outside_agreement": "refuse"})
    assert r.status_code == 302 and outside_agreement_mode() == "refuse"
    bad = _web(admin).post("/partnership/", {"form": "agreement", "outside_agreement": "maybe"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert Agency.objects.filter(is_hub=True).exists()
