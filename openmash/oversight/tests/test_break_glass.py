"""BG-1 and AZ-6 (SECURITY-TESTS.md): break-glass needs a category, a reason of at least 20 characters and a fresh
step-up; it opens one person's full record until the time limit or until it is ended, then that record answers 404
exactly like a missing one; each use writes exactly one alert (the privacy officer's review item) and an audit
event; other people stay 404."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from conftest import totp_code_for
from openmash.oversight.tests.conftest import CANARY_SURNAME

REASON = "Child reported missing overnight; police need the school and GP contacts now"


def _open(client, person, **data):
    body = {"person_id": str(person.pk), "category": "risk_to_life", "reason": REASON} | data
    return client.post("/emergency-access/", body)


def _counts():
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import BreakGlass, PrivacyAlert

    return BreakGlass.objects.count(), PrivacyAlert.objects.count(), Notification.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": ""}, "category", "Choose why you need to open this record now"),
        ({"category": "curiosity"}, "category", "Choose why you need to open this record now"),
        ({"reason": ""}, "reason", "Enter why you need to open this record now"),
        ({"reason": "Need to see it now"}, "reason", "at least 20 characters"),
        ({"reason": "   short reason     "}, "reason", "at least 20 characters"),
        ({"reason": "a" * 25}, "reason", "The reason must be in words"),
        ({"reason": "urgent urgent urgent urgent urgent"}, "reason", "The reason must be in words"),
        ({"reason": "1234567890 1234567890 ok go"}, "reason", "The reason must be in words"),
        ({"reason": "aaaa bbbb cccc dddd eeee ffff"}, "reason", "The reason must be in words"),
    ],
)
def test_a_missing_category_or_a_short_reason_is_refused_with_field_messages(world, signed_in, data, field, message):
    client = signed_in(world["researcher_school"], step_up=True)
    before = _counts()
    r = _open(client, world["child"], **data)
    assert r.status_code == 200
    text = r.content.decode()
    assert "There is a problem" in text and message in text and f"#id_{field}" in text
    assert _counts() == before
    assert client.get(f"/people/{world['child'].pk}/").status_code == 404


@pytest.mark.django_db
def test_the_api_refuses_bad_input_with_422_field_messages(world, api):
    caller = api(world["researcher_school"])
    r = caller.post("/break-glass", {"person_id": str(world["child"].pk), "category": "", "reason": "too short"})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"category", "reason"}
    r = caller.post("/break-glass", {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": "a" * 25})
    assert r.status_code == 422 and r.json()["errors"]["reason"][0].startswith("The reason must be in words")
    # a good reason but no password nor code (a bearer token has no session to have stepped up in)
    code = totp_code_for(world["researcher_school"].user)  # their app (made as if they had enrolled)
    r = caller.post("/break-glass", {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": REASON})
    assert r.status_code == 422 and r.json()["errors"] == {
        "password": ["Enter your password to confirm it is you"],
        "code": ["Enter the 6-digit code from your authenticator app"],
    }
    r = caller.post(
        "/break-glass",
        {
            "person_id": str(world["child"].pk),
            "category": "risk_to_life",
            "reason": REASON,
            "password": "wrong!",
            "code": code,
        },
    )
    assert r.status_code == 422 and r.json()["errors"] == {"password": ["Enter your correct password"]}
    assert _counts()[:2] == (0, 0)


@pytest.mark.django_db
def test_without_a_fresh_step_up_the_user_is_sent_to_confirm_their_password(world, signed_in):
    client = signed_in(world["researcher_school"])
    r = _open(client, world["child"])
    assert r.status_code == 302 and r["Location"].startswith("/account/step-up/?next=")
    assert _counts()[:2] == (0, 0)
    # the step-up page sends them back to the form for the same person
    code = totp_code_for(world["researcher_school"].user)
    r = client.post("/account/step-up/", {"password": "not-used-in-tests", "code": code, "next": "/emergency-access/"})
    assert r.status_code == 302 and r["Location"] == "/emergency-access/"
    page = client.get("/emergency-access/")
    assert page.status_code == 200 and str(world["child"].pk) in page.content.decode()
    # a step-up older than OPENMASH_STEPUP_SECONDS is not fresh
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=301)):
        r = _open(client, world["child"])
        assert r.status_code == 302 and r["Location"].startswith("/account/step-up/")


@pytest.mark.django_db
def test_break_glass_opens_one_record_until_the_time_limit_then_404(world, signed_in, settings):
    from openmash.audit.models import AuditEvent
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import BreakGlass, PrivacyAlert

    settings.SESSION_COOKIE_AGE = 4 * 3600  # the session outlives the time travel (the idle limit is 15 minutes)
    actor = world["researcher_school"]
    client = signed_in(actor, step_up=True)
    assert client.get(f"/people/{world['child'].pk}/").status_code == 404
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        r = _open(client, world["child"])
        assert r.status_code == 302 and r["Location"] == f"/people/{world['child'].pk}/"
        page = client.get(r["Location"])
        assert page.status_code == 200
        assert CANARY_SURNAME in page.content.decode() and "break-glass-banner" in page.content.decode()
        assert client.get(f"/people/{world['child'].pk}/chronology/").status_code == 200  # the full record
        assert client.get(f"/people/{world['other'].pk}/").status_code == 404  # that person only
    glass = BreakGlass.objects.get()
    assert (glass.person_id, glass.user_id, glass.category) == (world["child"].pk, actor.user.pk, "risk_to_life")
    assert glass.expires_at == start + dt.timedelta(minutes=settings.OPENMASH_BREAK_GLASS_MINUTES)
    alert = PrivacyAlert.objects.get()  # exactly one alert, which is the review item
    assert alert.break_glass_id == glass.pk and alert.status == "unreviewed"
    told = Notification.objects.filter(oversight_delivery__alert=alert)
    assert list(told.values_list("user_id", flat=True)) == [world["officer"].user.pk]
    event = AuditEvent.objects.get(action="break_glass")
    assert event.object_id == str(world["child"].pk) and event.detail["category"] == "risk_to_life"
    assert REASON not in str(event.detail) and REASON not in event.reason  # the reason stays off the trail
    view = AuditEvent.objects.filter(action="view", object_id=str(world["child"].pk), actor_user_id=actor.user.pk)
    assert view.first().detail == {"basis": "break_glass"}
    with time_machine.travel(start + dt.timedelta(minutes=59, seconds=59), tick=False):
        assert client.get(f"/people/{world['child'].pk}/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=60), tick=False):
        gone = client.get(f"/people/{world['child'].pk}/")
        missing = client.get(f"/people/{uuid.uuid4()}/")
        assert gone.status_code == 404 and CANARY_SURNAME not in gone.content.decode()
        assert missing.status_code == 404  # answered exactly as a missing record
        assert client.get(f"/api/v1/people/{world['child'].pk}").status_code == 404
    assert _counts()[:2] == (1, 1)


@pytest.mark.django_db
def test_ending_break_glass_takes_effect_on_the_next_request(world, signed_in):
    """AZ-6 (ASVS 5.0 8.3.2): revocation by its user and by the privacy officer is immediate."""
    from openmash.oversight.models import BreakGlass

    client = signed_in(world["researcher_school"], step_up=True)
    _open(client, world["child"])
    glass = BreakGlass.objects.get()
    assert client.get(f"/people/{world['child'].pk}/").status_code == 200
    r = client.post(f"/emergency-access/{glass.pk}/end/", {"next": "/people/search/"})
    assert r.status_code == 302
    assert client.get(f"/people/{world['child'].pk}/").status_code == 404
    # again, ended by the privacy officer from the alert
    client = signed_in(world["researcher_gp"], step_up=True)
    _open(client, world["other"])
    second = BreakGlass.objects.get(person=world["other"])
    assert client.get(f"/people/{world['other'].pk}/").status_code == 200
    officer = signed_in(world["officer"])
    assert officer.post(f"/emergency-access/{second.pk}/end/").status_code == 302
    assert client.get(f"/people/{world['other'].pk}/").status_code == 404
    second.refresh_from_db()
    assert second.ended_by_id == world["officer"].user.pk
    # nobody else may end someone's break-glass: it looks missing
    assert signed_in(world["researcher_school"]).post(f"/emergency-access/{second.pk}/end/").status_code == 404


@pytest.mark.django_db
def test_each_use_creates_exactly_one_alert_and_review_item(world, api):
    from openmash.oversight.models import PrivacyAlert

    body = {"person_id": str(world["child"].pk), "category": "urgent_safeguarding", "reason": REASON}
    r = api(world["researcher_school"]).post(
        "/break-glass", body | {"password": "not-used-in-tests", "code": totp_code_for(world["researcher_school"].user)}
    )
    assert r.status_code == 201, r.content
    assert PrivacyAlert.objects.count() == 1 and r.json()["alert_reference"] == PrivacyAlert.objects.get().reference
    # a second use while the first is live is refused: the record is open already (no second alert)
    again = api(world["researcher_school"]).post(
        "/break-glass", body | {"password": "not-used-in-tests", "code": totp_code_for(world["researcher_school"].user)}
    )
    assert again.status_code == 422 and "person_id" in again.json()["errors"]
    assert PrivacyAlert.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["screener", "manager", "partnership_admin", "auditor", "privacy_officer"])
def test_roles_that_may_not_break_glass_are_refused(make_actor, world, signed_in, role):
    actor = make_actor(role, "mash")
    client = signed_in(actor, step_up=True)
    r = _open(client, world["child"])
    assert r.status_code == 403
    assert _counts()[:2] == (0, 0)


@pytest.mark.django_db
def test_search_offers_break_glass_only_on_results_the_searcher_cannot_open(world, signed_in):
    client = signed_in(world["researcher_school"])
    r = client.post(
        "/people/search/",
        {
            "name": f"Quilliamcanary {CANARY_SURNAME}",
            "date_of_birth_day": "3",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2016",
        },
    )
    text = r.content.decode()
    assert r.status_code == 200 and 'data-testid="break-glass-offer"' in text
    assert f'name="person_id" value="{world["child"].pk}"' in text
    hub = signed_in(world["screener"]).post(
        "/people/search/",
        {
            "name": f"Quilliamcanary {CANARY_SURNAME}",
            "date_of_birth_day": "3",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2016",
        },
    )
    assert 'data-testid="break-glass-offer"' not in hub.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_at_step_up_is_audited_and_counts_toward_lockout(world, signed_in, settings):
    from axes.models import AccessFailureLog

    from openmash.audit.models import AuditEvent

    client = signed_in(world["researcher_school"])
    code = totp_code_for(world["researcher_school"].user)  # the right code: only the password is wrong
    r = client.post("/account/step-up/", {"password": "not-my-password", "code": code, "next": "/emergency-access/"})
    assert r.status_code == 200 and "Enter your correct password" in r.content.decode()
    assert AuditEvent.objects.filter(action="stepup_failed", actor_user_id=world["researcher_school"].user.pk).exists()
    assert AccessFailureLog.objects.filter(username=world["researcher_school"].user.username).count() == 1
    settings.OPENMASH_LOCKOUT_FAILURES = 2
    r = client.post("/account/step-up/", {"password": "still-wrong", "code": code, "next": "/"})
    assert r.status_code == 429  # the lockout page (django-axes' status), and the session is ended
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="lockout").exists()
