"""Provider sign-out and step-up through the provider for a session that came from single sign-on (ADR 0018
addendum; openmash.accounts.sso).

The identity provider is played as in test_sso.py: its token and userinfo endpoints are replaced and its ID tokens
are real HS256 JWTs. Sign-out (OpenID Connect RP-Initiated Logout 1.0) ends the OpenMASH session, then sends the
browser to the provider's end-session endpoint with the sign-in's ID token as ``id_token_hint``. Step-up sends the
user to the provider with ``prompt=login`` and ``max_age=0`` and accepts the answer only when ``auth_time`` is fresh,
MFA is asserted and it is the same person."""

from __future__ import annotations

import secrets
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client, override_settings

from openmash.accounts.sso import ID_TOKEN
from openmash.accounts.stepup import SESSION_KEY as STEPPED_UP
from openmash.accounts.tests import test_sso
from openmash.accounts.tests.test_sso import ISSUER, SSO, _callback, _id_token, _start
from openmash.audit.models import AuditEvent

pytestmark = pytest.mark.mfa_unverified

nurse = test_sso.nurse  # the fixture: a user who signs on through the provider

LOGOUT = ISSUER + "/logout"
WITH_LOGOUT = override_settings(OPENMASH_OIDC_LOGOUT_ENDPOINT=LOGOUT)
STEPUP_PAGE = "/account/step-up/"
NEXT = "/emergency-access/"


def _signed_on(**claims) -> tuple[Client, str]:
    """A browser signed in through the provider; returns it and the ID token the provider gave."""
    client = Client()
    params = _start(client)
    token = _id_token(params["nonce"], **claims)
    r, _ = _callback(client, params, token)
    assert r.status_code == 302 and r["Location"] == "/screening/"
    return client, token


def _provider_query(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def _stepup_start(client: Client, next_url: str = NEXT) -> dict:
    r = client.get("/sso/step-up/", {"next": next_url})
    assert r.status_code == 302 and r["Location"].startswith(ISSUER + "/authorize?")
    return _provider_query(r["Location"])


def _stepup_events(action: str, **detail) -> list:
    events = AuditEvent.objects.filter(action=action, actor_username="nia.nurse", detail__factor="sso")
    return [e for e in events if all(e.detail.get(k) == v for k, v in detail.items())]


def _signed_in_as_nurse(client: Client) -> bool:
    r = client.get("/screening/")
    return r.status_code == 200 and r.wsgi_request.user.username == "nia.nurse"


# Provider sign-out --------------------------------------------------------------------------------------------------


@WITH_LOGOUT
@SSO
def test_signing_out_after_single_sign_on_ends_our_session_then_signs_out_at_the_provider(nurse):
    client, token = _signed_on()
    assert client.session[ID_TOKEN] == token  # kept server-side, in the session
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"].startswith(LOGOUT + "?")
    query = _provider_query(r["Location"])
    assert query == {
        "id_token_hint": token,
        "client_id": "openmash-test",
        "post_logout_redirect_uri": "http://testserver/login/",
    }
    assert AuditEvent.objects.filter(action="logout", actor_username="nia.nurse").count() == 1
    assert client.get("/screening/")["Location"].startswith("/login/")  # our session is over already
    assert ID_TOKEN not in client.session
    assert b"You have signed out" in client.get("/login/").content  # where the provider sends the browser back


@SSO
def test_without_an_end_session_endpoint_sign_out_stays_ours(nurse):
    client, _ = _signed_on()
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"


@WITH_LOGOUT
@SSO
def test_a_password_session_signs_out_of_openmash_only(nurse):
    from conftest import mfa_session_verify

    client = Client()
    client.force_login(nurse)
    mfa_session_verify(client, nurse)  # signed in with the password and the authenticator app
    assert _signed_in_as_nurse(client)
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"


@WITH_LOGOUT
@SSO
def test_sign_out_stays_a_post_with_the_csrf_token(nurse):
    client, _ = _signed_on()
    client.handler.enforce_csrf_checks = True
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403  # no CSRF token: nothing ends, no one is sent anywhere
    assert _signed_in_as_nurse(client)
    assert not AuditEvent.objects.filter(action="logout").exists()


@WITH_LOGOUT
@SSO
def test_the_id_token_is_kept_only_for_an_accepted_sign_on_and_never_in_our_urls(nurse):
    client = Client()
    params = _start(client)
    token = _id_token(params["nonce"], amr=["pwd"])
    r, _ = _callback(client, params, token)
    assert r["Location"] == "/login/?sso=mfa" and ID_TOKEN not in client.session
    params = _start(client)
    token = _id_token(params["nonce"])
    r, _ = _callback(client, params, token)
    assert token not in r["Location"] and client.session[ID_TOKEN] == token


# Step-up through the provider ----------------------------------------------------------------------------------------


@override_settings(OPENMASH_OIDC_MFA_ACR=["urn:partner:aal2"])
@SSO
def test_an_sso_session_steps_up_at_the_provider_and_goes_on_to_next(nurse):
    client, _ = _signed_on()
    page = client.get(STEPUP_PAGE, {"next": NEXT})
    assert page.status_code == 200 and 'name="password"' not in page.content.decode()
    continue_url = "/sso/step-up/?" + urlencode({"next": NEXT})
    assert f'href="{continue_url}"'.encode() in page.content.replace(b"&amp;", b"&")
    params = _stepup_start(client)
    assert params["prompt"] == "login" and params["max_age"] == "0" and params["acr_values"] == "urn:partner:aal2"
    assert params["code_challenge_method"] == "S256" and params["nonce"] and params["state"]
    assert STEPPED_UP not in client.session
    token = _id_token(params["nonce"], auth_time=int(time.time()))
    r, _ = _callback(client, params, token)
    assert r.status_code == 302 and r["Location"] == NEXT
    assert client.session[STEPPED_UP]["user"] == nurse.pk and client.session[ID_TOKEN] == token
    assert _signed_in_as_nurse(client)
    assert AuditEvent.objects.filter(action="login", actor_username="nia.nurse").count() == 1  # not signed in again
    [event] = _stepup_events("stepup")
    assert event.detail["amr"] == ["pwd", "mfa"] and event.object_id == str(nurse.pk)


@SSO
def test_the_sign_in_asks_for_the_assurance_level_too(nurse):
    with override_settings(OPENMASH_OIDC_MFA_ACR=["urn:partner:aal2"]):
        assert _start(Client())["acr_values"] == "urn:partner:aal2"
    with override_settings(OPENMASH_OIDC_MFA_ACR=[]):
        assert "acr_values" not in _start(Client())


@pytest.mark.parametrize(
    "age",
    [600, 120, None, -3600],
    ids=["older-than-the-window", "before-the-step-up-began", "no-auth-time", "in-the-future"],
)
@SSO
def test_a_sign_in_that_is_not_fresh_is_refused(nurse, age):
    client, _ = _signed_on()
    params = _stepup_start(client)
    auth_time = None if age is None else int(time.time()) - age
    r, _ = _callback(client, params, _id_token(params["nonce"], auth_time=auth_time))
    assert r["Location"] == STEPUP_PAGE + "?" + urlencode({"next": NEXT, "sso": "stale"})
    assert STEPPED_UP not in client.session and _signed_in_as_nurse(client)
    assert len(_stepup_events("stepup_failed", reason="not_fresh")) == 1
    page = client.get(r["Location"])
    assert b"did not ask you to sign in again" in page.content and b"govuk-error-summary" in page.content


@SSO
def test_someone_else_at_the_provider_is_refused_audited_and_not_signed_in(nurse):
    from openmash.accounts.services import user_create

    user_create(
        username="sam.other", password=secrets.token_urlsafe(24), agency_code="mash", role="screener",
        check_password=False, email="sam.other@partner.example",
    )  # fmt: skip
    client, _ = _signed_on()
    params = _stepup_start(client)
    now = int(time.time())
    r, _ = _callback(
        client,
        params,
        _id_token(params["nonce"], sub="subject-456", auth_time=now),
        {"sub": "subject-456", "email": "sam.other@partner.example", "email_verified": True},
    )
    assert r["Location"] == STEPUP_PAGE + "?" + urlencode({"next": NEXT, "sso": "other"})
    assert _signed_in_as_nurse(client) and STEPPED_UP not in client.session
    assert len(_stepup_events("stepup_failed", reason="other_user")) == 1
    assert not AuditEvent.objects.filter(action="login", actor_username="sam.other").exists()

    params = _stepup_start(client)  # the same account, but the provider now says another subject
    r, _ = _callback(
        client, params, _id_token(params["nonce"], sub="subject-789", auth_time=now), {"sub": "subject-789",
        "email": "nia.nurse@partner.example", "email_verified": True}
    )  # fmt: skip
    assert r["Location"].endswith("sso=other") and STEPPED_UP not in client.session
    assert len(_stepup_events("stepup_failed", reason="subject_mismatch")) == 1
    assert not AuditEvent.objects.filter(detail__icontains="partner.example").exists()  # no claim in the trail


@SSO
def test_no_second_factor_at_step_up_is_refused(nurse):
    client, _ = _signed_on()
    params = _stepup_start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"], amr=["pwd"], auth_time=int(time.time())))
    assert r["Location"].endswith("sso=mfa") and STEPPED_UP not in client.session
    assert len(_stepup_events("stepup_failed", reason="no_second_factor")) == 1
    assert not AuditEvent.objects.filter(action="sso_refused").exists()  # a step-up's refusal, not a sign-in's


@SSO
def test_the_provider_declining_a_step_up_keeps_the_user_signed_in(nurse):
    client, _ = _signed_on()
    params = _stepup_start(client)
    r = client.get("/sso/callback/", {"error": "login_required", "state": params["state"]})
    assert r["Location"].endswith("sso=failed") and _signed_in_as_nurse(client)
    assert len(_stepup_events("stepup_failed", reason="provider_declined")) == 1
    r, _ = _callback(client, params, _id_token(params["nonce"], auth_time=int(time.time())))  # its state is spent
    assert STEPPED_UP not in client.session


@SSO
def test_next_must_be_a_path_on_this_site(nurse):
    client, _ = _signed_on()
    params = _stepup_start(client, next_url="https://evil.example/steal")
    r, _ = _callback(client, params, _id_token(params["nonce"], auth_time=int(time.time())))
    assert r["Location"] == "/" and STEPPED_UP in client.session


@SSO
def test_a_password_session_keeps_the_password_step_up(nurse):
    from conftest import mfa_session_verify

    client = Client()
    client.force_login(nurse)
    mfa_session_verify(client, nurse)
    assert 'name="password"' in client.get(STEPUP_PAGE, {"next": NEXT}).content.decode()
    r = client.get("/sso/step-up/", {"next": NEXT})
    assert r.status_code == 302 and r["Location"] == STEPUP_PAGE + "?" + urlencode({"next": NEXT})
    assert Client().get("/sso/step-up/")["Location"].startswith("/login/")  # signed out: to the sign-in page
