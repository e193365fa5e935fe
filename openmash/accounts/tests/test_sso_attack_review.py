"""Attacker review of single sign-on (ADR 0018 addendum): refusals must not lock a shared address out, an
unverified email must not sign anyone in, and a malformed ID token is a refusal, not a server error.
The provider is played as in test_sso.py."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client

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
            client, params, _id_token(params["nonce"]), {"sub": "subject-123", "email": "nobody@partner.example"}
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
