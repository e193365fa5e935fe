"""The second factor (ADR 0011; issue 7; SECURITY-TESTS AU-1, AU-2, AU-4).

Sign-in here goes through the real pages (the password on /login/, then a code on /account/verify/), so these tests
are marked ``mfa_unverified``: the suite's force_login wrapper (conftest.py) would otherwise pass the second factor
for them.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client

from conftest import totp_code_for
from openmash.accounts.mfa import totp_current_code, totp_device_ensure
from openmash.audit.models import AuditEvent

pytestmark = pytest.mark.mfa_unverified

PASSWORD = "correct-horse-battery-staple-mfa"


@pytest.fixture
def person(partnership):
    """A hub screener with a password and an authenticator app."""
    from openmash.accounts.services import user_create

    user = user_create(
        username="sam.screener", password=PASSWORD, agency_code="mash", role="screener", check_password=False
    )
    totp_device_ensure(user)
    return user


def _password(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def _session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def _code_at(user, offset_steps: int) -> str:
    device = totp_device_ensure(user)
    return totp_current_code(device, at=time.time() + offset_steps * device.step)


# --- the step after the password ------------------------------------------------------------------------------------


def test_the_password_leads_to_the_second_factor_and_a_code_lets_in(person):
    client = Client()
    client.get("/login/")
    anonymous_key = client.cookies.get("sessionid")
    r = _password(client, "sam.screener", "/screening/")
    assert r.status_code == 302 and r["Location"].startswith("/account/verify/?next=%2Fscreening%2F")
    after_password = _session_key(client)
    assert anonymous_key is None or anonymous_key.value != after_password  # rotated on sign-in
    assert client.get("/screening/")["Location"].startswith("/account/verify/")  # nothing before the code
    page = client.get("/account/verify/")
    assert page.status_code == 200 and b"Enter your security code" in page.content
    assert b"Signed in as" not in page.content  # no name, no navigation before the second factor

    r = client.post("/account/verify/", {"code": totp_code_for(person), "next": "/screening/"})
    assert r.status_code == 302 and r["Location"] == "/screening/"
    assert _session_key(client) != after_password  # rotated again on passing the second factor
    assert client.get("/screening/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_verified", actor_username="sam.screener").count() == 1


def test_a_wrong_code_is_refused_counted_and_audited(person):
    from axes.models import AccessFailureLog

    client = Client()
    _password(client, "sam.screener")
    r = client.post("/account/verify/", {"code": "000000" if totp_code_for(person) != "000000" else "111111"})
    assert r.status_code == 200 and b"The code is not right" in r.content and b"govuk-error-summary" in r.content
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="mfa_failed", actor_username="sam.screener").count() == 1
    assert AccessFailureLog.objects.filter(username="sam.screener").count() == 1
    # the code typed is never kept by the lockout's records
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="sam.screener").post_data == "code=********************"


def test_a_totp_code_works_once_replay_is_refused(person):
    first, second = Client(), Client()
    _password(first, "sam.screener")
    _password(second, "sam.screener")
    code = totp_current_code(totp_device_ensure(person))
    assert first.post("/account/verify/", {"code": code}).status_code == 302
    r = second.post("/account/verify/", {"code": code})
    assert r.status_code == 200 and b"The code is not right" in r.content
    assert second.get("/").status_code == 302


@pytest.mark.parametrize("offset", [-2, 2, 5])
def test_a_code_outside_one_step_either_side_is_refused(person, offset):
    client = Client()
    _password(client, "sam.screener")
    assert client.post("/account/verify/", {"code": _code_at(person, offset)}).status_code == 200
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_code_one_step_either_side_is_accepted(person, offset):
    client = Client()
    _password(client, "sam.screener")
    assert client.post("/account/verify/", {"code": _code_at(person, offset)}).status_code == 302


def test_ten_wrong_codes_lock_the_account_like_wrong_passwords(person, settings):
    settings.OPENMASH_LOCKOUT_FAILURES = 10
    client = Client()
    _password(client, "sam.screener")
    wrong = "123456" if totp_code_for(person) != "123456" else "654321"
    for _ in range(9):
        assert client.post("/account/verify/", {"code": wrong}).status_code == 200
    r = client.post("/account/verify/", {"code": wrong})
    assert r.status_code == 429 and b"Signing in is locked" in r.content
    assert client.get("/").status_code == 302 and "/login/" in client.get("/")["Location"]  # signed out
    # the right password is now refused too: the same lockout
    again = Client()
    assert _password(again, "sam.screener").status_code == 429
    assert AuditEvent.objects.filter(action="mfa_failed", actor_username="sam.screener").count() == 10


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(person, settings):
    settings.OPENMASH_LOCKOUT_FAILURES = 4
    wrong = "123456" if totp_code_for(person) != "123456" else "654321"
    client = Client()
    _password(client, "sam.screener")
    for _ in range(3):
        client.post("/account/verify/", {"code": wrong})
    client = Client()
    assert _password(client, "sam.screener").status_code == 302  # the password alone resets nothing
    assert client.post("/account/verify/", {"code": wrong}).status_code == 429


def test_passing_the_second_factor_clears_the_failures_of_that_address(person, settings):
    from axes.models import AccessAttempt

    settings.OPENMASH_LOCKOUT_FAILURES = 4
    client = Client()
    _password(client, "sam.screener")
    client.post("/account/verify/", {"code": "12345x"})
    assert AccessAttempt.objects.filter(username="sam.screener").exists()
    assert client.post("/account/verify/", {"code": totp_code_for(person)}).status_code == 302
    assert not AccessAttempt.objects.filter(username="sam.screener").exists()


def test_the_session_limits_hold_after_the_second_factor(person):
    from openmash.core.sessions import SIGNED_IN_AT

    client = Client()
    _password(client, "sam.screener")
    client.post("/account/verify/", {"code": totp_code_for(person)})
    session = client.session
    assert isinstance(session.get(SIGNED_IN_AT), float)  # the sign-in time survives the new session id
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert AuditEvent.objects.filter(action="session_expired", actor_username="sam.screener").exists()


# --- AU-1: nothing before the second factor ----------------------------------------------------------------------


def test_au1_no_route_gives_anything_before_the_second_factor(person, new_contact, make_actor):
    """Every URL route (pages and API), GET and POST, with a session signed in by password only: pages redirect to
    the second-factor step, the API answers 401 (or 404/405 for a route that needs no sign-in to say it is not
    there), and no answer holds personal data. The sign-in, second-factor and sign-out pages are the exceptions."""
    from openmash.accounts.mfa_middleware import is_open_path
    from tests.routes import all_routes

    contact = new_contact(actor=make_actor("referrer", "police"))
    person_id = contact.people.first().person_id
    canaries = ["Testchild", "Testadult", "bruising"]
    client = Client()
    _password(client, "sam.screener")
    ids = {"contact_id": contact.pk, "person_id": person_id, "user_id": person.pk}
    checked = 0
    for route in all_routes():
        url = route.url(**ids)
        if is_open_path(url):  # sign-in, second factor, sign-out: tested on their own
            continue
        for method in ("GET", "POST"):
            r = client.get(url) if method == "GET" else client.post(url, {})
            body = b"".join(r.streaming_content) if r.streaming else r.content
            assert not any(c.encode() in body for c in canaries), f"{method} {url} leaks personal data"
            checked += 1
            if route.is_api:
                assert r.status_code in (401, 404, 405), f"{method} {url} -> {r.status_code}"
            else:
                assert r.status_code == 302, f"{method} {url} -> {r.status_code}"
                assert r["Location"].startswith("/account/verify/"), f"{method} {url} -> {r['Location']}"
    assert checked > 100
    # and once the second factor is passed the same session reaches the hub's pages
    client.post("/account/verify/", {"code": totp_code_for(person)})
    assert client.get(f"/contacts/{contact.pk}/").status_code == 200


def test_api_bearer_tokens_are_outside_mfa_and_keep_working(person, client):
    from openmash.accounts.services import token_create

    token = token_create(username="sam.screener")[1]
    r = client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    # a session signed in with the password only does not count for the API
    _password(client, "sam.screener")
    assert client.get("/api/v1/screening-queue").status_code == 401
    assert client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_force_login_in_the_suite_is_verified_unless_marked(person):
    """The central test helper (conftest.py): this module is marked mfa_unverified, so force_login here is a
    password-only sign-in."""
    client = Client()
    client.force_login(person)
    assert client.get("/")["Location"].startswith("/account/verify/")


# --- enrolment and recovery codes ---------------------------------------------------------------------------------


def _enrol(client: Client, user) -> list[str]:
    from openmash.accounts.models import AppDevice

    r = client.get("/account/enrol/")
    assert r.status_code == 200 and b"<svg" in r.content and b"Set up your authenticator app" in r.content
    device = AppDevice.objects.get(user=user, confirmed=False)
    r = client.post("/account/enrol/", {"code": totp_current_code(device)})
    assert r.status_code == 200 and b"Your recovery codes" in r.content, r.content[:500]
    return [c.replace("-", "") for c in r.context["codes"]]


def test_a_user_without_a_device_enrols_before_anything_else(partnership):
    from openmash.accounts.services import user_create

    user = user_create(username="jo.starter", password=PASSWORD, agency_code="mash", role="screener")
    client = Client()
    _password(client, "jo.starter", "/screening/")
    r = client.get("/account/verify/?next=/screening/")
    assert r.status_code == 302 and r["Location"].startswith("/account/enrol/")
    assert client.get("/screening/").status_code == 302
    first = client.get("/account/enrol/").context["key_text"]
    assert client.get("/account/enrol/").context["key_text"] != first  # a reload shows a new key: shown once
    wrong = client.post("/account/enrol/", {"code": "12345"})
    assert wrong.status_code == 200 and b"The code is not right" in wrong.content
    codes = _enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/screening/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_enrolled", actor_username="jo.starter").count() == 1
    # enrolled: the enrolment page no longer opens for them
    assert client.get("/account/enrol/").status_code == 302


def test_a_recovery_code_works_once(partnership):
    from openmash.accounts.services import user_create

    user = user_create(username="jo.starter", password=PASSWORD, agency_code="mash", role="screener")
    enrolled = Client()
    _password(enrolled, "jo.starter")
    codes = _enrol(enrolled, user)
    first, second = Client(), Client()
    _password(first, "jo.starter")
    _password(second, "jo.starter")
    code = f"{codes[0][:4]}-{codes[0][4:].upper()}"  # typed with the hyphen, any case
    assert first.post("/account/verify/", {"code": code}).status_code == 302
    assert first.get("/").status_code == 200
    assert second.post("/account/verify/", {"code": code}).status_code == 200  # used: refused
    assert AuditEvent.objects.filter(action="recovery_code_used", actor_username="jo.starter").count() == 1
    from openmash.accounts.mfa import recovery_codes_left

    assert recovery_codes_left(user) == 9


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(partnership):
    from openmash.accounts.mfa import recovery_codes_left
    from openmash.accounts.services import user_create

    user = user_create(username="jo.starter", password=PASSWORD, agency_code="mash", role="screener")
    client = Client()
    _password(client, "jo.starter")
    old = _enrol(client, user)
    assert client.get("/account/").status_code == 200
    assert client.get("/account/recovery-codes/").status_code == 200
    r = client.post("/account/recovery-codes/", {"code": "999999" if old[0] else ""})
    assert r.status_code == 200 and b"The code is not right" in r.content
    r = client.post("/account/recovery-codes/", {"code": old[1]})
    assert r.status_code == 200 and b"Your new recovery codes" in r.content
    new = [c.replace("-", "") for c in r.context["codes"]]
    assert len(new) == 10 and not set(new) & set(old) and recovery_codes_left(user) == 10
    other = Client()
    _password(other, "jo.starter")
    assert other.post("/account/verify/", {"code": old[2]}).status_code == 200  # the old codes stopped working
    assert other.post("/account/verify/", {"code": new[0]}).status_code == 302
    assert client.get("/").status_code == 200  # the session that made them stays signed in
    assert AuditEvent.objects.filter(action="recovery_codes_regenerated", actor_username="jo.starter").exists()


# --- sessions: the user's own list, and the admin's sign-out everywhere -------------------------------------------


def _signed_in(username: str, user, agent: str = "") -> Client:
    client = Client(HTTP_USER_AGENT=agent) if agent else Client()
    _password(client, username)
    client.post("/account/verify/", {"code": totp_code_for(user)})
    assert client.get("/").status_code == 200
    return client


def test_a_user_sees_their_sessions_and_ends_one(person):
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
    safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"
    desk = _signed_in("sam.screener", person, firefox)
    phone = _signed_in("sam.screener", person, safari)
    page = desk.get("/account/")
    text = page.content.decode()
    assert "Firefox on Windows" in text and "Safari on iPhone" in text and "This browser" in text
    assert desk.cookies["sessionid"].value not in text and phone.cookies["sessionid"].value not in text
    other = next(s for s in page.context["sessions"] if not s.current)
    r = desk.post("/account/sessions/end/", {"session": other.public_id})
    assert r.status_code == 302
    assert phone.get("/")["Location"].startswith("/login/")  # ended server-side
    assert desk.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="session_end", actor_username="sam.screener").count() == 1
    mine = desk.get("/account/").context["sessions"]
    assert len(mine) == 1 and mine[0].current
    r = desk.post("/account/sessions/end/", {"session": mine[0].public_id})  # this one: signed out
    assert r["Location"] == "/login/"


def test_someone_elses_session_cannot_be_ended(person, make_actor):
    mine = _signed_in("sam.screener", person)
    from openmash.accounts.services import user_create

    other_user = user_create(username="al.other", password=PASSWORD, agency_code="mash", role="screener")
    totp_device_ensure(other_user)
    theirs = _signed_in("al.other", other_user)
    from openmash.core.sessions import session_public_id

    public = session_public_id(theirs.cookies["sessionid"].value)
    mine.post("/account/sessions/end/", {"session": public})
    assert theirs.get("/").status_code == 200


def _admin(username: str):
    from openmash.accounts.services import user_create

    user = user_create(username=username, password=PASSWORD, agency_code="mash", role="partnership_admin")
    return user, _signed_in(username, user)


def test_the_partnership_admin_signs_a_user_out_everywhere(person):
    a, b = _signed_in("sam.screener", person), _signed_in("sam.screener", person)
    _, admin = _admin("pat.admin")
    page = admin.get(f"/partnership/users/{person.pk}/")
    assert b"2 sessions" in page.content
    r = admin.post(f"/partnership/users/{person.pk}/", {"action": "sessions_end"})
    assert r.status_code == 302
    assert a.get("/")["Location"].startswith("/login/") and b.get("/")["Location"].startswith("/login/")
    event = AuditEvent.objects.get(action="sessions_end", actor_username="pat.admin")
    assert event.object_id == str(person.pk) and event.detail["sessions_ended"] == 2


# --- the admin's reset, with a second admin's approval -------------------------------------------------------------


def test_a_reset_needs_a_second_admin_and_then_removes_the_devices_and_sessions(person):
    from openmash.accounts.models import AppDevice, MfaReset

    signed_in = _signed_in("sam.screener", person)
    _, asker = _admin("pat.admin")
    _, approver = _admin("sam.admin")
    r = asker.post(f"/partnership/users/{person.pk}/", {"action": "mfa_reset", "reason": ""})
    assert not MfaReset.objects.exists()  # a reason is required
    asker.post(f"/partnership/users/{person.pk}/", {"action": "mfa_reset", "reason": "Phone lost on a home visit"})
    reset = MfaReset.objects.get()
    assert reset.status == "pending"
    # nothing has changed yet
    assert AppDevice.objects.filter(user=person).exists() and signed_in.get("/").status_code == 200
    # the admin who asked cannot approve it
    r = asker.post("/partnership/approvals/", {"mfa_reset": str(reset.pk), "decision": "approve"})
    assert r.status_code == 302
    reset.refresh_from_db()
    assert reset.status == "pending" and AppDevice.objects.filter(user=person).exists()
    assert b"Phone lost on a home visit" not in asker.get("/partnership/approvals/").content
    # a second admin sees it and approves it
    assert b"Phone lost on a home visit" in approver.get("/partnership/approvals/").content
    approver.post("/partnership/approvals/", {"mfa_reset": str(reset.pk), "decision": "approve"})
    reset.refresh_from_db()
    assert reset.status == "approved" and reset.decided_by.username == "sam.admin"
    assert not AppDevice.objects.filter(user=person).exists()
    assert signed_in.get("/")["Location"].startswith("/login/")  # their sessions ended
    event = AuditEvent.objects.get(action="mfa_reset_approve")
    assert event.detail["sessions_ended"] == 1 and event.detail["devices_removed"] >= 1
    assert AuditEvent.objects.filter(action="mfa_reset_request", actor_username="pat.admin").exists()
    # at the next sign-in they set up an app again
    client = Client()
    _password(client, "sam.screener")
    assert client.get("/account/verify/")["Location"].startswith("/account/enrol/")


def test_a_reset_can_be_rejected_and_never_of_ones_own_account(person):
    from openmash.accounts.models import MfaReset

    admin_user, asker = _admin("pat.admin")
    _, approver = _admin("sam.admin")
    asker.post(f"/partnership/users/{admin_user.pk}/", {"action": "mfa_reset", "reason": "Mine"})
    assert not MfaReset.objects.exists()
    asker.post(f"/partnership/users/{person.pk}/", {"action": "mfa_reset", "reason": "Asked by phone"})
    reset = MfaReset.objects.get()
    approver.post("/partnership/approvals/", {"mfa_reset": str(reset.pk), "decision": "reject"})
    reset.refresh_from_db()
    assert reset.status == "rejected"
    from openmash.accounts.models import AppDevice

    assert AppDevice.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="mfa_reset_reject", actor_username="sam.admin").exists()


def test_a_non_admin_cannot_ask_for_a_reset(person, make_actor):
    from openmash.accounts.mfa import mfa_reset_request
    from openmash.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mfa_reset_request(actor=make_actor("manager", "mash"), user_id=person.pk, reason="x")


# --- the demo's code command -------------------------------------------------------------------------------------


def test_demo_code_refuses_outside_demo_mode(person, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in the demo"):
        call_command("demo_code", "sam.screener")


def test_demo_code_prints_only_a_demo_devices_code(person, settings):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from openmash.demo.seed import demo_totp_device_create

    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="no demo user"):
        call_command("demo_code", "sam.screener")  # a device a person set up: never printed
    from openmash.accounts.services import user_create

    demo_user = user_create(username="mash.screener", password=PASSWORD, agency_code="mash", role="screener")
    device = demo_totp_device_create(demo_user)
    out = io.StringIO()
    call_command("demo_code", "mash.screener", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client = Client()
    _password(client, "mash.screener")
    assert client.post("/account/verify/", {"code": code}).status_code == 302
    device.refresh_from_db()
    assert device.last_t > 0


def test_the_throttle_is_on_outside_the_tests():
    from config.settings import base

    assert base.OTP_TOTP_THROTTLE_FACTOR >= 1 and base.OTP_STATIC_THROTTLE_FACTOR >= 1
    assert base.OTP_TOTP_SYNC is False and base.AXES_RESET_ON_SUCCESS is False
    assert "code" in base.AXES_SENSITIVE_PARAMETERS
