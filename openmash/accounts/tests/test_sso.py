"""Optional OIDC single sign-on (issue 7 'Authentication'; ADR 0018; openmash.accounts.sso).

The identity provider is played by this test: its token and userinfo endpoints are replaced (``requests.post`` and
``requests.get`` as mozilla-django-oidc calls them) and its ID tokens are real JWTs signed with PyJWT (HS256 with
the client secret, as OIDC Core 10.1 allows). Everything else is the real flow: /sso/start/ puts state, nonce and
a PKCE challenge in the session and redirects to the provider; /sso/callback/ checks them, exchanges the code,
verifies the token and signs the user in with the second factor passed, or refuses and says why."""

from __future__ import annotations

import secrets
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import Client, override_settings

from openmash.audit.models import AuditEvent

pytestmark = pytest.mark.mfa_unverified

ISSUER = "https://idp.partner.example"
CLIENT_ID = "openmash-test"
SECRET = "test-client-secret-of-at-least-thirty-two-bytes"

SSO = override_settings(
    OPENMASH_OIDC_ENABLED=True,
    OPENMASH_OIDC_ISSUER=ISSUER,
    OPENMASH_OIDC_LABEL="Partner NHS Trust",
    OPENMASH_OIDC_USER_CLAIM="email",
    OPENMASH_OIDC_MFA_AMR=["mfa"],
    OPENMASH_OIDC_MFA_ACR=["urn:partner:aal2"],
    OIDC_RP_CLIENT_ID=CLIENT_ID,
    OIDC_RP_CLIENT_SECRET=SECRET,
    OIDC_OP_AUTHORIZATION_ENDPOINT=ISSUER + "/authorize",
    OIDC_OP_TOKEN_ENDPOINT=ISSUER + "/token",
    OIDC_OP_USER_ENDPOINT=ISSUER + "/userinfo",
    OIDC_OP_JWKS_ENDPOINT=None,
    OIDC_RP_SIGN_ALGO="HS256",
)


class _Response:
    def __init__(self, data, status=200):
        self._data, self.status_code, self.headers, self.url, self.text = data, status, {}, "", ""

    def json(self):
        return self._data

    def raise_for_status(self):
        if self.status_code >= 400:
            import requests

            raise requests.HTTPError(f"{self.status_code}")


@pytest.fixture
def nurse(partnership):
    from openmash.accounts.services import user_create

    return user_create(
        username="nia.nurse",
        password=secrets.token_urlsafe(24),  # never typed: signs on through the provider
        agency_code="mash",
        role="screener",
        check_password=False,
        email="Nia.Nurse@partner.example",
    )


def _start(client: Client, next_url: str = "/screening/") -> dict:
    """Begin a sign-on; returns the provider redirect's query (state, nonce, code_challenge...)."""
    r = client.get("/sso/start/", {"next": next_url})
    assert r.status_code == 302 and r["Location"].startswith(ISSUER + "/authorize?")
    return {k: v[0] for k, v in parse_qs(urlparse(r["Location"]).query).items()}


def _id_token(nonce: str, **overrides) -> str:
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "subject-123",
        "exp": int(time.time()) + 300,
        "iat": int(time.time()),
        "nonce": nonce,
        "amr": ["pwd", "mfa"],
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _callback(client: Client, params: dict, id_token: str, userinfo: dict | None = None, token_status: int = 200):
    if userinfo is None:
        userinfo = {"sub": "subject-123", "email": "nia.nurse@PARTNER.example", "email_verified": True}
    token = _Response({"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"}, token_status)
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", return_value=token) as post,
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=_Response(userinfo)),
    ):
        r = client.get("/sso/callback/", {"code": "auth-code", "state": params["state"]})
    return r, post


def _refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action="sso_refused", detail__reason=reason).count()


def test_single_sign_on_is_off_unless_configured(partnership):
    client = Client()
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert b"sso-start" not in client.get("/login/").content


@SSO
def test_the_login_page_offers_the_partner_sign_in(partnership):
    page = Client().get("/login/?next=/screening/")
    assert b'data-testid="sso-start"' in page.content and b"Sign in with Partner NHS Trust" in page.content
    assert b"/sso/start/?next=/screening/" in page.content


@SSO
def test_a_provider_asserting_mfa_signs_the_user_in_with_the_second_factor_passed(nurse):
    client = Client()
    params = _start(client)
    assert params["client_id"] == CLIENT_ID and params["code_challenge_method"] == "S256" and params["nonce"]
    r, post = _callback(client, params, _id_token(params["nonce"]))
    assert r.status_code == 302 and r["Location"] == "/screening/"
    sent = post.call_args.kwargs["data"]
    assert sent["code"] == "auth-code" and sent["code_verifier"]  # PKCE
    assert client.get("/screening/").status_code == 200  # verified: no detour to the second-factor page
    event = AuditEvent.objects.get(action="mfa_verified", actor_username="nia.nurse")
    assert event.detail["method"] == "sso" and event.detail["amr"] == ["pwd", "mfa"]
    assert AuditEvent.objects.filter(action="login", actor_username="nia.nurse").exists()
    from openmash.accounts.models import SsoDevice

    assert SsoDevice.objects.get(user=nurse).issuer == ISSUER


@SSO
def test_an_assurance_level_in_acr_is_accepted_too(nurse):
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"], amr=None, acr="urn:partner:aal2"))
    assert r["Location"] == "/screening/"
    assert client.get("/screening/").status_code == 200


@SSO
def test_a_provider_not_asserting_a_second_factor_is_refused(nurse):
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"], amr=["pwd"], acr="urn:partner:aal1"))
    assert r.status_code == 302 and r["Location"] == "/login/?sso=mfa"
    assert client.get("/screening/")["Location"].startswith("/login/")  # not signed in
    assert _refusals("no_second_factor") == 1
    page = client.get(r["Location"])
    assert b"did not confirm a second factor" in page.content and b"govuk-error-summary" in page.content


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "https://evil.example"},
        {"aud": "another-client"},
        {"aud": [CLIENT_ID, "another-client"], "azp": "another-client"},
        {"exp": int(time.time()) - 60},
        {"exp": None},
    ],
    ids=["issuer", "audience", "authorised-party", "expired", "no-expiry"],
)
@SSO
def test_an_id_token_not_for_us_or_not_current_is_refused(nurse, overrides):
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"], **overrides))
    assert r["Location"] == "/login/?sso=failed"
    assert client.get("/screening/")["Location"].startswith("/login/")
    assert _refusals("token_invalid") == 1


@SSO
def test_a_forged_signature_or_another_sign_ins_nonce_is_refused(nurse):
    client = Client()
    params = _start(client)
    forged = jwt.encode(
        {"iss": ISSUER, "aud": CLIENT_ID, "sub": "s", "exp": int(time.time()) + 60, "nonce": params["nonce"],
         "amr": ["mfa"]},
        "not-the-client-secret-but-long-enough-32b",
        algorithm="HS256",
    )  # fmt: skip
    r, _ = _callback(client, params, forged)
    assert r["Location"] == "/login/?sso=failed"
    params = _start(client)
    r, _ = _callback(client, params, _id_token("a-nonce-from-another-sign-in"))
    assert r["Location"] == "/login/?sso=failed"
    assert _refusals("token_invalid") == 2
    assert client.get("/screening/")["Location"].startswith("/login/")


@SSO
def test_a_replayed_or_unknown_state_is_refused(nurse):
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r["Location"] == "/screening/"
    other = Client()
    _start(other)
    r, _ = _callback(other, params, _id_token(params["nonce"]))  # the first sign-in's state in another browser
    assert r["Location"] == "/login/?sso=failed"
    assert _refusals("state_invalid") == 1


@SSO
def test_no_user_is_created_and_an_unknown_or_ambiguous_claim_signs_no_one_in(nurse):
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    before = User.objects.count()
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]), {"sub": "subject-123", "email": "x@partner.example", "email_verified": True})
    assert r["Location"] == "/login/?sso=failed" and User.objects.count() == before
    assert _refusals("no_such_user") == 1

    user_create(
        username="nia.twin", password=secrets.token_urlsafe(24), agency_code="mash", role="screener",
        check_password=False, email="nia.nurse@partner.example",
    )  # fmt: skip
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r["Location"] == "/login/?sso=failed" and _refusals("several_users") == 1

    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]), {"sub": "someone-else", "email": "x"})
    assert r["Location"] == "/login/?sso=failed" and _refusals("subject_mismatch") == 1
    # no claim value reaches the audit trail
    assert not AuditEvent.objects.filter(actor_username__icontains="partner.example").exists()


@SSO
def test_a_deactivated_user_or_agency_cannot_sign_on(nurse):
    from openmash.accounts.models import Agency

    Agency.objects.filter(code="mash").update(active=False)
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r["Location"] == "/login/?sso=failed" and _refusals("inactive") == 1
    Agency.objects.filter(code="mash").update(active=True)
    nurse.is_active = False
    nurse.save(update_fields=["is_active"])
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]))
    assert r["Location"] == "/login/?sso=failed" and _refusals("inactive") == 2


@SSO
def test_the_provider_failing_is_a_clear_refusal_not_an_error(nurse):
    client = Client()
    params = _start(client)
    r, _ = _callback(client, params, _id_token(params["nonce"]), token_status=500)
    assert r.status_code == 302 and r["Location"] == "/login/?sso=failed"
    assert _refusals("provider_unavailable") == 1


@SSO
def test_a_password_sign_in_never_calls_the_provider(nurse):
    with mock.patch("mozilla_django_oidc.auth.requests.post") as post:
        r = Client().post("/login/?code=x&state=y", {"username": "nia.nurse", "password": secrets.token_urlsafe(24)})
    assert r.status_code == 200 and not post.called


def test_mfa_asserted_reads_only_well_formed_claims(settings):
    from openmash.accounts.sso import mfa_asserted

    settings.OPENMASH_OIDC_MFA_AMR = ["mfa"]
    settings.OPENMASH_OIDC_MFA_ACR = []
    assert mfa_asserted({"amr": ["pwd", "mfa"]})
    assert not mfa_asserted({"amr": "mfa"})  # a string, not the list RFC 8176 requires
    assert not mfa_asserted({"amr": ["pwd"], "acr": "anything"})
    assert not mfa_asserted({})
