"""The privacy officer (NHS SCR Privacy Officer / Caldicott guardian's review, issue 7): the review queue (oldest
unreviewed first), decisions (approve, flag with a note, escalate to the Caldicott guardian's level), notifications
free of personal data (EM-1 style), who has seen a child's record, the report of views without an involvement and
the subject access export. Each reading is audited."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.utils import timezone

from openmash.oversight.tests.conftest import CANARY_FORENAME, CANARY_SURNAME
from openmash.oversight.tests.test_break_glass import REASON


def _break_glass(signed_in, actor, person, category="risk_to_life"):
    client = signed_in(actor, step_up=True)
    r = client.post("/emergency-access/", {"person_id": str(person.pk), "category": category, "reason": REASON})
    assert r.status_code == 302, r.content[:300]
    return client


@pytest.mark.django_db
def test_the_review_queue_lists_unreviewed_alerts_oldest_first_and_audits_the_reading(world, signed_in):
    from openmash.audit.models import AuditEvent
    from openmash.oversight.models import PrivacyAlert

    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(hours=2)):
        _break_glass(signed_in, world["researcher_school"], world["child"])
    with time_machine.travel(start - dt.timedelta(hours=1)):
        _break_glass(signed_in, world["researcher_gp"], world["other"])
    first, second = PrivacyAlert.objects.order_by("created_at")
    officer = signed_in(world["officer"])
    r = officer.post(f"/privacy/alerts/{first.pk}/", {"decision": "approve", "version": 1})
    assert r.status_code == 302
    page = officer.get("/privacy/")
    text = page.content.decode()
    assert page.status_code == 200
    text = text[text.index('data-testid="alert-queue"') :]
    assert text.index(second.reference) < text.index(first.reference)  # unreviewed first, then decided
    assert CANARY_SURNAME not in text  # the queue names no child
    listed = AuditEvent.objects.filter(
        action="list", object_type="oversight.privacyalert", request_id=page["X-Request-Id"]
    )
    assert {e.object_id for e in listed} == {str(first.pk), str(second.pk)}
    api = officer.get("/api/v1/privacy-alerts").json()
    assert [i["reference"] for i in api["items"]] == [second.reference, first.reference]
    assert api["items"][0]["reason"] is None  # the reason only on the alert itself


@pytest.mark.django_db
def test_an_alert_opens_to_who_when_which_record_category_and_reason(world, signed_in):
    from openmash.audit.models import AuditEvent
    from openmash.oversight.models import PrivacyAlert

    _break_glass(signed_in, world["researcher_school"], world["child"], category="legal_requirement")
    alert = PrivacyAlert.objects.get()
    r = signed_in(world["officer"]).get(f"/privacy/alerts/{alert.pk}/")
    text = r.content.decode()
    assert r.status_code == 200
    for expected in (
        world["researcher_school"].user.username,
        "Agency researcher at Oakfield Primary School",
        str(world["child"].pk),
        "Legal requirement",
        REASON,
    ):
        assert expected in text, expected
    events = AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="view")
    assert {(e.object_type, e.object_id) for e in events} >= {
        ("oversight.privacyalert", str(alert.pk)),
        ("people.person", str(world["child"].pk)),
    }
    api = signed_in(world["officer"]).get(f"/api/v1/privacy-alerts/{alert.pk}").json()
    assert api["reason"] == REASON and api["category"] == "legal_requirement"


@pytest.mark.django_db
def test_decisions_flag_needs_a_note_escalate_tells_the_caldicott_level_and_a_decided_alert_is_final(world, signed_in):
    from openmash.audit.models import AuditEvent
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import PrivacyAlert, PrivacyAlertDecision

    _break_glass(signed_in, world["researcher_school"], world["child"])
    alert = PrivacyAlert.objects.get()
    officer = signed_in(world["officer"])
    r = officer.post(f"/privacy/alerts/{alert.pk}/", {"decision": "flag", "note": "", "version": 1})
    assert r.status_code == 200 and "Enter a note saying why" in r.content.decode()
    api = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision", {"decision": "maybe"}, content_type="application/json"
    )
    assert api.status_code == 422 and "decision" in api.json()["errors"]
    r = officer.post(
        f"/privacy/alerts/{alert.pk}/", {"decision": "flag", "note": "Check attendance with the school", "version": 1}
    )
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "flagged" and alert.version == 2
    stale = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision",
        {"decision": "approve", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    r = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision",
        {"decision": "escalate", "note": "No record of an emergency that night", "version": 2},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "escalated"
    told = Notification.objects.filter(oversight_delivery__alert=alert, user=world["admin"].user)
    assert told.count() == 1 and alert.reference in told.get().message
    final = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision", {"decision": "approve"}, content_type="application/json"
    )
    assert final.status_code == 409
    assert list(PrivacyAlertDecision.objects.values_list("decision", flat=True).order_by("decided_at")) == [
        "flag",
        "escalate",
    ]
    decided = AuditEvent.objects.filter(object_id=str(alert.pk), action__in=["alert_flag", "alert_escalate"])
    assert decided.count() == 2
    assert not any("attendance" in str(e.detail) + e.reason for e in decided)  # the note stays off the trail


@pytest.mark.django_db
def test_every_notification_is_free_of_personal_data(world, signed_in, make_actor):
    """EM-1 style: render every notification this feature sends, for every recipient, with canary names in the
    records behind them; no canary in the stored text or the rendered home page."""
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import PrivacyAlert
    from tests.support import allocation_open

    worker = make_actor("social_worker", "mash")
    allocation_open(world["child"], worker)
    _break_glass(signed_in, world["researcher_school"], world["child"])  # alert to the privacy officer
    signed_in(world["researcher_school"]).get(f"/people/{world['child'].pk}/")  # access notices to the owners
    alert = PrivacyAlert.objects.get()
    signed_in(world["officer"]).post(
        f"/privacy/alerts/{alert.pk}/", {"decision": "escalate", "note": f"{CANARY_SURNAME} note", "version": 1}
    )
    sent = Notification.objects.filter(oversight_delivery__isnull=False)
    kinds = {("alert" if n.oversight_delivery.alert_id else "notice") for n in sent}
    assert kinds == {"alert", "notice"}
    canaries = (CANARY_FORENAME, CANARY_SURNAME, REASON[:20], str(world["child"].pk))
    for n in sent:
        assert not any(c in n.message for c in canaries), n.message
    for user_id in set(sent.values_list("user_id", flat=True)):
        from openmash.access.actor import actor_for_user
        from openmash.accounts.models import User

        home = signed_in(actor_for_user(User.objects.get(pk=user_id))).get("/")
        assert home.status_code == 200
        text = home.content.decode()
        assert not any(c in text for c in canaries), user_id


@pytest.mark.django_db
def test_who_has_seen_a_record_lists_every_view_marks_break_glass_and_is_audited(world, signed_in):
    from openmash.audit.models import AuditEvent

    signed_in(world["screener"]).get(f"/people/{world['child'].pk}/")
    _break_glass(signed_in, world["researcher_school"], world["child"]).get(f"/people/{world['child'].pk}/")
    for actor in (world["manager"], world["officer"]):
        r = signed_in(actor).get(f"/people/{world['child'].pk}/seen-by/")
        text = r.content.decode()
        assert r.status_code == 200
        assert world["screener"].user.username in text or str(world["screener"].user) in text
        assert "Break-glass" in text and "Oakfield Primary School" in text and "MASH screener" in text
        assert AuditEvent.objects.filter(
            request_id=r["X-Request-Id"], action="view", object_id=str(world["child"].pk), reason="access history"
        ).exists()
    api = signed_in(world["officer"]).get(f"/api/v1/people/{world['child'].pk}/access-history").json()
    assert any(i["break_glass"] for i in api["items"]) and api["count"] >= 3
    for actor in (world["screener"], world["researcher_gp"], world["admin"]):
        assert signed_in(actor).get(f"/people/{world['child'].pk}/seen-by/").status_code == 403


@pytest.mark.django_db
def test_the_snooping_report_finds_a_view_without_a_basis_and_not_one_with_one(world, signed_in, make_actor):
    from openmash.audit.models import AuditEvent

    screener = world["screener"]
    start = timezone.now()
    # a child the hub had a contact about 40 days ago, and nothing since: opening the record now is no involvement
    with time_machine.travel(start - dt.timedelta(days=40)):
        from tests.support import child, contact_record, nhs_number, subject_person

        stale = subject_person(
            contact_record(world["referrer"], subjects=[child(forename="Olive", surname="Stale", nhs=nhs_number())])
        )
    with time_machine.travel(start):
        signed_in(screener).get(f"/people/{stale.pk}/")  # no involvement
        signed_in(screener).get(f"/people/{world['child'].pk}/")  # an open enquiry: involved
        signed_in(world["researcher_gp"]).get(f"/people/{world['child'].pk}/")  # asked: involved
        _break_glass(signed_in, world["researcher_school"], world["other"]).get(f"/people/{world['other'].pk}/")
    officer = signed_in(world["officer"])
    r = officer.get("/privacy/views-without-involvement/", {"agency": ""})
    text = r.content.decode()
    assert r.status_code == 200
    without = text[text.index('data-testid="report-without"') : text.index("Break-glass views")]
    assert "Stale" in without and CANARY_SURNAME not in without
    glass = text[text.index("Break-glass views") :]
    assert "Personne" in glass
    audited = AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="view")
    assert audited.filter(object_type="oversight.report_views").exists()
    assert AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="list", object_id=str(stale.pk)).exists()
    api = officer.get("/api/v1/reports/views-without-involvement", {"agency": "mash"}).json()
    assert {row["person_id"] for row in api["without"]} == {str(stale.pk)} and api["break_glass"] == []
    assert {row["username"] for row in api["without"]} == {screener.user.username}
    # reading the report again does not make the privacy officer a snooper (their reads are their review)
    again = officer.get("/api/v1/reports/views-without-involvement").json()
    assert {row["person_id"] for row in again["without"]} == {str(stale.pk)}
    # filtered to another agency and to dates before the views: nothing
    assert officer.get("/api/v1/reports/views-without-involvement", {"agency": "police"}).json()["without"] == []
    old = officer.get(
        "/api/v1/reports/views-without-involvement", {"date_to": str(start.date() - dt.timedelta(days=2))}
    )
    assert old.json()["checked"] == 0
    bad = officer.get("/privacy/views-without-involvement/", {"agency": "nowhere"})
    assert bad.status_code == 200 and "Select an agency from the list" in bad.content.decode()


@pytest.mark.django_db
def test_the_report_exports_csv_with_formula_cells_neutralised(world, signed_in, make_actor):
    from openmash.accounts.models import Agency
    from openmash.audit.models import AuditEvent

    Agency.objects.filter(code="school-oak").update(name="=HYPERLINK(evil)")
    _break_glass(signed_in, world["researcher_school"], world["other"]).get(f"/people/{world['other'].pk}/")
    r = signed_in(world["officer"]).get("/privacy/views-without-involvement.csv")
    body = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(evil)" in body and ",=HYPERLINK" not in body
    assert "Break-glass" in body
    assert AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="export").exists()


@pytest.mark.django_db
def test_subject_access_export_after_step_up_holds_every_record_and_is_audited(world, signed_in):
    from openmash.audit.models import AuditEvent

    signed_in(world["screener"]).get(f"/people/{world['child'].pk}/")
    officer = signed_in(world["officer"])
    r = officer.post("/privacy/subject-access/", {"person": str(world["child"].pk)})
    assert r.status_code == 302 and r["Location"].startswith("/account/step-up/")
    assert not AuditEvent.objects.filter(action="export", object_id=str(world["child"].pk)).exists()
    officer = signed_in(world["officer"], step_up=True)
    r = officer.post("/privacy/subject-access/", {"person": "not an id"})
    assert r.status_code == 200 and "Enter a record ID, or an NHS number of 10 digits" in r.content.decode()
    r = officer.post("/privacy/subject-access/", {"person": str(world["child"].pk)})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert set(archive.namelist()) == {
        "person.json",
        "contacts.json",
        "chronology.json",
        "answers.json",
        "messages.json",
        "case_notes.json",
        "access_history.json",
        "README.txt",
    }
    person = json.loads(archive.read("person.json"))
    assert person[0]["surname"] == CANARY_SURNAME
    assert json.loads(archive.read("contacts.json"))[0]["reference"] == world["enquiry"].contact.reference
    assert any(row["role"] == "MASH screener" for row in json.loads(archive.read("access_history.json")))
    event = AuditEvent.objects.get(action="export", object_id=str(world["child"].pk))
    assert event.detail["contacts.json"] == 1 and event.reason == "subject access"
    for actor in (world["manager"], world["admin"]):
        assert signed_in(actor, step_up=True).post("/privacy/subject-access/", {"person": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_privacy_officer_role_is_held_alone_and_needs_a_second_person(make_actor):
    from openmash.access.policy import does_case_work, role_combination_error, role_grant_needs_approval

    for other in ("referrer", "screener", "manager", "auditor", "partnership_admin", "social_worker"):
        assert "held alone" in role_combination_error({"privacy_officer", other})
    assert role_combination_error({"privacy_officer"}) is None
    assert role_grant_needs_approval("privacy_officer")
    assert not does_case_work(make_actor("privacy_officer", "police"))


@pytest.mark.django_db
def test_the_privacy_officer_home_page_shows_the_alerts_waiting(world, signed_in):
    _break_glass(signed_in, world["researcher_school"], world["child"])
    r = signed_in(world["officer"]).get("/")
    text = r.content.decode()
    assert 'data-testid="privacy-unreviewed">1<' in text and "/privacy/alerts/" in text
    assert "Privacy review" in text


@pytest.mark.django_db
def test_the_openapi_document_describes_the_oversight_operations(api, make_actor):
    schema = api(make_actor("privacy_officer", "mash")).get("/openapi.json").json()
    expected = {
        "/api/v1/break-glass": {"post"},
        "/api/v1/break-glass/{break_glass_id}/end": {"post"},
        "/api/v1/privacy-alerts": {"get"},
        "/api/v1/privacy-alerts/{alert_id}": {"get"},
        "/api/v1/privacy-alerts/{alert_id}/decision": {"post"},
        "/api/v1/access-notices/{notice_id}": {"get"},
        "/api/v1/people/{person_id}/access-history": {"get"},
        "/api/v1/reports/views-without-involvement": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(schema["paths"][path]), path
    body = schema["components"]["schemas"]["BreakGlassIn"]
    assert {"person_id", "category", "reason", "password"} <= set(body["properties"])
