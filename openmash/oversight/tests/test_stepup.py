"""Step-up with the second factor (ADR 0011 and 0014 addenda; SECURITY-TESTS AU-1, AU-2, BG-1; ASVS 5.0 7.5.3,
6.5.1): before break-glass or a subject access export the user gives their password AND the code their
authenticator app shows now (or, with only a security key, a WebAuthn assertion). A wrong, reused or missing code is
refused, audited `stepup_failed` and counted toward the lockout like a wrong password; a recovery code is never
accepted; the API's break-glass takes `code` and answers 422 with field messages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import totp_code_for
from openmash.oversight.tests.conftest import PASSWORD

REASON = "Child reported missing overnight; police need the school and GP contacts now"
STEPUP = "/account/step-up/"


def _break_glass_needs_stepup(client, person) -> bool:
    r = client.post("/emergency-access/", {"person_id": str(person.pk), "category": "risk_to_life", "reason": REASON})
    return r.status_code == 302 and r["Location"].startswith(STEPUP)


def _failures(user) -> int:
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.filter(username=user.username).count()


def _last_stepup_event(user):
    from openmash.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(action__in=("stepup", "stepup_failed"), actor_user_id=user.pk).order_by("id").last()
    )


@pytest.mark.django_db
def test_the_page_asks_for_the_password_and_the_code_from_the_authenticator_app(world, signed_in):
    client = signed_in(world["researcher_school"])
    page = client.get(f"{STEPUP}?next=/emergency-access/").content.decode()
    assert "Code from your authenticator app" in page
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "Recovery codes cannot be used here" in page


@pytest.mark.django_db
def test_the_password_and_a_current_code_step_up_and_are_audited(world, signed_in):
    actor = world["researcher_school"]
    client = signed_in(actor)
    r = client.post(STEPUP, {"password": PASSWORD, "code": totp_code_for(actor.user), "next": "/emergency-access/"})
    assert r.status_code == 302 and r["Location"] == "/emergency-access/"
    event = _last_stepup_event(actor.user)
    assert event.action == "stepup" and event.detail == {"factor": "totp"}
    assert not _break_glass_needs_stepup(client, world["child"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "recovery codes cannot be used here"),
        ("abcd-efgh", "recovery codes cannot be used here"),
    ],
)
def test_a_missing_or_malformed_code_shows_the_error_summary_and_does_not_step_up(world, signed_in, code, message):
    actor = world["researcher_school"]
    client = signed_in(actor)
    r = client.post(STEPUP, {"password": PASSWORD, "code": code, "next": "/"})
    text = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in text and message in text and "#id_code" in text
    assert _break_glass_needs_stepup(client, world["child"])


@pytest.mark.django_db
def test_a_wrong_code_is_refused_audited_and_counted_like_a_wrong_password(world, signed_in):
    actor = world["researcher_school"]
    client = signed_in(actor)
    right = totp_code_for(actor.user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    r = client.post(STEPUP, {"password": PASSWORD, "code": wrong, "next": "/"})
    text = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in text and "#id_code" in text
    assert "The code is not right, or it has been used already" in text
    assert _failures(actor.user) == 1
    event = _last_stepup_event(actor.user)
    assert event.action == "stepup_failed" and event.detail == {"factor": "totp", "locked": False}
    assert wrong not in str(event.detail) and wrong not in event.reason  # nothing typed is kept
    assert _break_glass_needs_stepup(client, world["child"])


@pytest.mark.django_db
def test_a_wrong_password_does_not_use_up_the_code(world, signed_in):
    actor = world["researcher_school"]
    client = signed_in(actor)
    code = totp_code_for(actor.user)
    r = client.post(STEPUP, {"password": "not-my-password", "code": code, "next": "/"})
    assert r.status_code == 200 and "Enter your correct password" in r.content.decode()
    assert _last_stepup_event(actor.user).detail == {"factor": "password", "locked": False}
    assert client.post(STEPUP, {"password": PASSWORD, "code": code, "next": "/"}).status_code == 302


@pytest.mark.django_db
def test_a_code_already_used_is_refused_at_step_up(world, signed_in, settings):
    """TOTP replay (AU-1; ASVS 5.0 6.5.1): django-otp's last-used step refuses a code at or before it, so the code
    of an earlier step-up (or of the sign-in) does not work again, even in a new session."""
    settings.SESSION_COOKIE_AGE = 3600
    actor = world["researcher_school"]
    code = totp_code_for(actor.user)
    first = signed_in(actor)
    assert first.post(STEPUP, {"password": PASSWORD, "code": code, "next": "/"}).status_code == 302
    second = signed_in(actor)
    r = second.post(STEPUP, {"password": PASSWORD, "code": code, "next": "/"})
    assert r.status_code == 200 and "it has been used already" in r.content.decode()
    assert _failures(actor.user) == 1
    assert _break_glass_needs_stepup(second, world["child"])


@pytest.mark.django_db
def test_a_recovery_code_is_never_accepted_and_not_used_up(world, signed_in):
    from django_otp.plugins.otp_static.models import StaticToken

    from openmash.accounts.mfa import _recovery_codes_make

    actor = world["researcher_school"]
    codes = _recovery_codes_make(actor.user)
    client = signed_in(actor)
    r = client.post(STEPUP, {"password": PASSWORD, "code": codes[0], "next": "/"})
    assert r.status_code == 200 and "recovery codes cannot be used here" in r.content.decode()
    assert StaticToken.objects.filter(device__user=actor.user, token=codes[0]).exists()
    assert _break_glass_needs_stepup(client, world["child"])


@pytest.mark.django_db
def test_wrong_codes_lock_the_account_and_end_the_session(world, signed_in, settings):
    from openmash.audit.models import AuditEvent

    settings.OPENMASH_LOCKOUT_FAILURES = 2
    actor = world["researcher_school"]
    client = signed_in(actor)
    right = totp_code_for(actor.user)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in (1, 2)]
    assert client.post(STEPUP, {"password": PASSWORD, "code": wrong[0], "next": "/"}).status_code == 200
    r = client.post(STEPUP, {"password": PASSWORD, "code": wrong[1], "next": "/"})
    assert r.status_code == settings.AXES_HTTP_RESPONSE_CODE  # the lockout page; the session is ended
    assert client.get("/").status_code == 302
    assert _last_stepup_event(actor.user).detail == {"factor": "totp", "locked": True}
    assert AuditEvent.objects.filter(action="lockout").exists()


# --- the API ------------------------------------------------------------------------------------------------------


def _api_open(caller, person, **data):
    body = {"person_id": str(person.pk), "category": "risk_to_life", "reason": REASON, "password": PASSWORD} | data
    return caller.post("/break-glass", body)


@pytest.mark.django_db
def test_the_api_needs_a_current_code_and_refuses_wrong_reused_and_recovery_codes(world, api):
    from openmash.oversight.models import BreakGlass

    actor = world["researcher_school"]
    caller = api(actor)
    right = totp_code_for(actor.user)  # the user's app (made as if they had enrolled)
    r = _api_open(caller, world["child"])
    assert r.status_code == 422 and r.json()["errors"] == {
        "code": ["Enter the 6-digit code from your authenticator app"]
    }
    r = _api_open(caller, world["child"], code="abcd-efgh")
    assert r.status_code == 422 and "recovery codes cannot be used here" in r.json()["errors"]["code"][0]
    r = _api_open(caller, world["child"], code=f"{(int(right) + 1) % 1_000_000:06d}")
    assert r.status_code == 422 and "it has been used already" in r.json()["errors"]["code"][0]
    assert _failures(actor.user) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3)):  # past django-otp's 1 s throttle
        r = _api_open(caller, world["child"], code=right)
        assert r.status_code == 201, r.content
        glass = BreakGlass.objects.get()
        glass.ended_at = timezone.now()
        glass.save(update_fields=["ended_at"])
        r = _api_open(caller, world["child"], code=right)  # the same code again
    assert r.status_code == 422 and "it has been used already" in r.json()["errors"]["code"][0]
    assert BreakGlass.objects.count() == 1


@pytest.mark.django_db
def test_the_api_counts_wrong_codes_toward_the_lockout(world, api, settings):
    settings.OPENMASH_LOCKOUT_FAILURES = 2
    actor = world["researcher_school"]
    caller = api(actor)
    right = totp_code_for(actor.user)
    for n in (1, 2):
        _api_open(caller, world["child"], code=f"{(int(right) + n) % 1_000_000:06d}")
    assert _failures(actor.user) == 2
    assert _last_stepup_event(actor.user).detail["locked"] is True
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=10)):
        r = _api_open(caller, world["child"], code=right)  # the right password and code: locked all the same
    assert r.status_code in (403, 422, settings.AXES_HTTP_RESPONSE_CODE)
    from openmash.oversight.models import BreakGlass

    assert not BreakGlass.objects.exists()


# --- a user whose only second factor is a security key ---------------------------------------------------------


@pytest.mark.mfa_unverified
@pytest.mark.django_db
def test_a_key_only_user_steps_up_with_the_password_then_the_key(partnership):
    from openmash.accounts.models import AppDevice
    from openmash.accounts.services import user_create
    from openmash.accounts.tests.test_webauthn import _assert_with, _post_json, _with_key

    person = user_create(
        username="kit.keys", password="correct-horse-battery-staple-key", agency_code="school-oak", role="researcher"
    )
    soft, _ = _with_key(person)
    AppDevice.objects.filter(user=person).delete()  # the key is now their only second factor
    client, r = _assert_with(person, soft)
    assert r.status_code == 200
    page = client.get(STEPUP).content.decode()
    assert 'name="code"' not in page and 'name="password"' in page
    # the key's screen is not reachable before the password
    assert _post_json(client, f"{STEPUP}security-key/options/").status_code == 400
    r = client.post(STEPUP, {"password": "correct-horse-battery-staple-key", "next": "/people/search/"})
    assert r.status_code == 200 and 'data-testid="stepup-use-key"' in r.content.decode()
    # a key without user verification is refused, counted and audited
    options = _post_json(client, f"{STEPUP}security-key/options/").json()
    r = _post_json(client, f"{STEPUP}security-key/?next=/people/search/", {"credential": soft.sign(options, uv=False)})
    assert r.status_code == 400 and _failures(person) == 1
    assert _last_stepup_event(person).detail == {"factor": "webauthn", "locked": False}
    options = _post_json(client, f"{STEPUP}security-key/options/").json()
    r = _post_json(client, f"{STEPUP}security-key/?next=/people/search/", {"credential": soft.sign(options)})
    assert r.status_code == 200 and r.json()["redirect"] == "/people/search/"
    event = _last_stepup_event(person)
    assert event.action == "stepup" and event.detail == {"factor": "webauthn"}
    from openmash.accounts.stepup import stepup_fresh

    request = type("R", (), {"user": person, "session": client.session})()
    assert stepup_fresh(request)


@pytest.mark.mfa_unverified
@pytest.mark.django_db
def test_the_api_tells_a_key_only_user_to_step_up_on_the_pages(partnership, api):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.models import WebAuthnKey
    from openmash.accounts.services import user_create

    user = user_create(
        username="kit.onlykey", password=PASSWORD, agency_code="school-oak", role="researcher", check_password=False
    )
    WebAuthnKey.objects.create(user=user, name="Key", confirmed=True, credential_id="abc", public_key="def")
    r = api(actor_for_user(user)).post(
        "/break-glass",
        {
            "person_id": "00000000-0000-0000-0000-000000000000",
            "category": "risk_to_life",
            "reason": REASON,
            "password": PASSWORD,
            "code": "123456",
        },
    )
    assert r.status_code == 422 and "security key" in r.json()["errors"]["code"][0]


def _sso_signed_in(user):
    """A browser signed in as `user` through the identity provider played by openmash/accounts/tests/test_sso.py."""
    from django.test import Client

    from openmash.accounts.tests.test_sso import _callback, _id_token, _start

    user.email = "rae.researcher@partner.example"
    user.save(update_fields=["email"])
    client = Client()
    params = _start(client, next_url="/")
    r, _ = _callback(client, params, _id_token(params["nonce"]), {"sub": "subject-123", "email": user.email, "email_verified": True})
    assert r.status_code == 302 and r["Location"] == "/"
    return client


@pytest.mark.django_db
def test_a_single_sign_on_user_steps_up_at_the_provider_then_opens_the_record(world):
    """ADR 0018 addendum: break-glass for a session that came from single sign-on asks the provider, not a
    password; the API tells that session to confirm on the pages."""
    import time
    from urllib.parse import parse_qs, urlparse

    from openmash.accounts.tests.test_sso import SSO, _callback, _id_token

    actor = world["researcher_school"]
    with SSO:
        client = _sso_signed_in(actor.user)
        r = client.post(
            "/api/v1/break-glass",
            {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": REASON},
            content_type="application/json",
        )
        assert r.status_code == 422 and "confirm it is you on the pages" in r.json()["errors"]["password"][0]
        assert _break_glass_needs_stepup(client, world["child"])
        page = client.get(f"{STEPUP}?next=/emergency-access/").content.decode()
        assert 'data-testid="stepup-sso-continue"' in page and 'name="password"' not in page
        r = client.get("/sso/step-up/", {"next": "/emergency-access/"})
        params = {k: v[0] for k, v in parse_qs(urlparse(r["Location"]).query).items()}
        assert params["prompt"] == "login" and params["max_age"] == "0"
        token = _id_token(params["nonce"], auth_time=int(time.time()))
        r, _ = _callback(client, params, token, {"sub": "subject-123", "email": actor.user.email, "email_verified": True})
        assert r.status_code == 302 and r["Location"] == "/emergency-access/"
        event = _last_stepup_event(actor.user)
        assert event.action == "stepup" and event.detail["factor"] == "sso"
        r = client.post(
            "/emergency-access/", {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": REASON}
        )
        assert r.status_code == 302 and r["Location"] == f"/people/{world['child'].pk}/"
