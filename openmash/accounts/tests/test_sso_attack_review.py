"""Attacker review of single sign-on (ADR 0018 addendum): refusals must not lock a shared address out, an
unverified email must not sign anyone in, and a malformed ID token is a refusal, not a server error.
The provider is played as in test_sso.py."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client, override_settings

from openmash.accounts.tests.test_sso import SSO, _callback, _id_token, _refusals, _start

pytestmark = pytest.mark.mfa_unverified

OFFICE = "198.51.100.20"


@pytest.fixture
def nurse(partnership):
    from openmash.accounts.services import user_create

    return user_create(
        username="nia.nurse",
        password=secrets.token_urlsafe(24),
        agency_code="mash",
        role="screener",
        check_password=False,
        email="Nia.Nurse@partner.example",
    )



@SSO
def test_refused_sign_ons_naming_no_account_do_not_lock_the_office_address(nurse):
    from axes.models import AccessAttempt, AccessFailureLog

    for _ in range(10):
        client = Client(REMOTE_ADDR=OFFICE)
        params = _start(client)
        r, _ = _callback(
            client, params, _id_token(params["nonce"]), {"sub": "subject-123", "email": "nobody@partner.example", "email_verified": True}
        )
        assert r["Location"] == "/login/?sso=failed"
    assert _refusals("no_such_user") == 10
    assert not AccessAttempt.objects.filter(username="").exists()
    assert not AccessAttempt.objects.filter(username__isnull=True).exists()
    assert not AccessFailureLog.objects.filter(username="").exists()
    client = Client(REMOTE_ADDR=OFFICE)
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r.status_code == 302 and r["Location"] == "/screening/"
    assert client.get("/screening/").status_code == 200


@SSO
def test_repeated_refusals_for_a_named_account_lock_that_account_without_storing_the_state(nurse):
    from axes.models import AccessAttempt

    for _ in range(10):
        client = Client(REMOTE_ADDR=OFFICE)
        params = _start(client)
        r, _ = _callback(client, params, _id_token(params["nonce"], amr=["pwd"], email="nia.nurse@partner.example"))
        assert r["Location"] == "/login/?sso=mfa"
    attempt = AccessAttempt.objects.get(username="nia.nurse")
    assert attempt.failures_since_start == 10
    assert params["state"] not in attempt.get_data and "auth-code" not in attempt.get_data
    client = Client(REMOTE_ADDR=OFFICE)
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r["Location"] == "/login/?sso=failed"  # locked from that address, even with a valid sign-on
    assert _refusals("locked_out") == 1
    assert client.get("/screening/")["Location"].startswith("/login/")
    other = Client(REMOTE_ADDR="198.51.100.21")
    params = _start(other)
    assert _callback(other, params, _id_token(params["nonce"]))[0]["Location"] == "/screening/"


def _unsigned(header: dict, claims: dict) -> str:
    import base64
    import json

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


@pytest.mark.parametrize("kind", ["alg-none", "hmac-without-kid"])
@SSO
def test_a_malformed_id_token_is_refused_not_a_server_error(nurse, kind):
    import time
    from unittest import mock

    import jwt

    from openmash.accounts.tests.test_sso import CLIENT_ID, ISSUER, SECRET, _Response

    client = Client()
    params = _start(client)
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "subject-123", "exp": int(time.time()) + 300,
              "nonce": params["nonce"], "amr": ["mfa"], "email": "nia.nurse@partner.example"}  # fmt: skip
    if kind == "alg-none":
        token = _unsigned({"alg": "none", "typ": "JWT"}, claims)
    else:
        token = jwt.encode(claims, SECRET, algorithm="HS256")  # no kid in its header
    jwks = {"keys": [{"kid": "key-one", "kty": "RSA", "alg": "RS256", "n": "AQAB", "e": "AQAB"}]}
    answer = _Response({"id_token": token, "access_token": "at-1", "token_type": "Bearer"})
    with (
        override_settings(OIDC_RP_SIGN_ALGO="RS256", OIDC_OP_JWKS_ENDPOINT=ISSUER + "/jwks"),
        mock.patch("mozilla_django_oidc.auth.requests.post", return_value=answer),
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=_Response(jwks)),
    ):
        r = client.get("/sso/callback/", {"code": "auth-code", "state": params["state"]})
    assert r.status_code == 302 and r["Location"] == "/login/?sso=failed"
    assert _refusals("token_invalid") == 1
    assert client.get("/screening/")["Location"].startswith("/login/")


@pytest.mark.parametrize("verified", [False, "false", None], ids=["false", "string-false", "absent"])
@SSO
def test_an_unverified_email_does_not_sign_anyone_in(nurse, verified):
    client = Client()
    params = _start(client)
    userinfo = {"sub": "subject-123", "email": "nia.nurse@partner.example"}
    if verified is not None:
        userinfo["email_verified"] = verified
    r, _ = _callback(client, params, _id_token(params["nonce"]), userinfo)
    assert r["Location"] == "/login/?sso=failed"
    assert _refusals("email_unverified") == 1
    assert client.get("/screening/")["Location"].startswith("/login/")


@SSO
def test_email_verified_in_the_id_token_is_enough_when_the_userinfo_does_not_say(nurse):
    client = Client()
    params = _start(client)
    r, _ = _callback(
        client, params, _id_token(params["nonce"], email_verified=True),
        {"sub": "subject-123", "email": "nia.nurse@partner.example"},
    )  # fmt: skip
    assert r["Location"] == "/screening/"
