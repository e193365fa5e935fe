"""WebAuthn security keys as the second factor (ADR 0011; SECURITY-TESTS AU-1: "WebAuthn without UV; sign-count
regression"). A software authenticator made here (an ECDSA P-256 key, "none" attestation, authenticator data built
byte by byte as W3C WebAuthn Level 2 section 6.1 lays it out) answers the server's real options, and py_webauthn
checks the answers in the views."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from conftest import totp_code_for
from openmash.audit.models import AuditEvent

pytestmark = pytest.mark.mfa_unverified

PASSWORD = "correct-horse-battery-staple-key"
ORIGIN = "http://testserver"
UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class SoftKey:
    """A security key in software: one credential, a signature counter."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.count = 0

    def _cose(self) -> bytes:
        n = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def register(self, options: dict, *, origin: str = ORIGIN) -> dict:
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([UP | UV | AT])
            + struct.pack(">I", self.count)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": b64(client_data), "attestationObject": b64(attestation)},
            "clientExtensionResults": {},
        }

    def sign(self, options: dict, *, uv: bool = True, count: int | None = None, origin: str = ORIGIN) -> dict:
        self.count = self.count + 1 if count is None else count
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([UP | (UV if uv else 0)])
            + struct.pack(">I", self.count)
        )
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
            },
            "clientExtensionResults": {},
        }


def _post_json(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def person(partnership):
    from openmash.accounts.services import user_create

    return user_create(username="kit.keys", password=PASSWORD, agency_code="mash", role="screener")


def _password_only(person) -> Client:
    client = Client()
    assert client.post("/login/", {"username": "kit.keys", "password": PASSWORD}).status_code == 302
    return client


def _with_key(person) -> tuple[SoftKey, object]:
    """Sign in with an app code, add a software key on the account page; returns (key, stored WebAuthnKey)."""
    from openmash.accounts.models import WebAuthnKey

    client = _password_only(person)
    assert client.post("/account/verify/", {"code": totp_code_for(person)}).status_code == 302
    options = _post_json(client, "/account/security-keys/options/").json()
    assert options["authenticatorSelection"]["userVerification"] == "required"
    soft = SoftKey()
    r = _post_json(client, "/account/security-keys/add/", {"credential": soft.register(options), "name": "Blue key"})
    assert r.status_code == 200, r.content
    assert r.json()["redirect"] == "/account/"
    stored = WebAuthnKey.objects.get(user=person)
    assert stored.name == "Blue key" and b"Blue key" in client.get("/account/").content
    return soft, stored


def _assert_with(person, soft: SoftKey, **kwargs):
    client = _password_only(person)
    page = client.get("/account/verify/")
    assert b"Use security key" in page.content
    options = _post_json(client, "/account/verify/security-key/options/").json()
    assert options["userVerification"] == "required"
    r = _post_json(
        client, "/account/verify/security-key/?next=/screening/", {"credential": soft.sign(options, **kwargs)}
    )
    return client, r


def test_a_security_key_passes_the_second_factor(person):
    soft, stored = _with_key(person)
    client, r = _assert_with(person, soft)
    assert r.status_code == 200 and r.json()["redirect"] == "/screening/"
    assert client.get("/screening/").status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == soft.count and stored.last_used_at is not None
    assert AuditEvent.objects.filter(action="webauthn_registered", actor_username="kit.keys").exists()
    event = AuditEvent.objects.filter(action="mfa_verified", actor_username="kit.keys").last()
    assert event.detail["method"] == "webauthn"


def test_a_key_without_user_verification_is_refused(person):
    soft, _ = _with_key(person)
    client, r = _assert_with(person, soft, uv=False)
    assert r.status_code == 400
    assert client.get("/")["Location"].startswith("/account/verify/")
    assert AuditEvent.objects.filter(action="mfa_failed", actor_username="kit.keys", detail__method="webauthn").exists()


def test_a_signature_counter_that_does_not_go_up_is_refused(person):
    soft, _ = _with_key(person)
    _, r = _assert_with(person, soft, count=5)
    assert r.status_code == 200
    client, r = _assert_with(person, soft, count=5)  # a clone, or a replay: the counter did not go up
    assert r.status_code == 400
    client, r = _assert_with(person, soft, count=3)
    assert r.status_code == 400
    assert client.get("/")["Location"].startswith("/account/verify/")


def test_an_answer_for_another_site_or_challenge_is_refused(person):
    soft, _ = _with_key(person)
    _, r = _assert_with(person, soft, origin="https://evil.example")
    assert r.status_code == 400
    # an answer with no challenge asked for in this session
    client = _password_only(person)
    r = _post_json(
        client,
        "/account/verify/security-key/",
        {"credential": soft.sign({"challenge": b64(b"x" * 32), "rpId": "testserver"})},
    )
    assert r.status_code == 400


def test_the_only_second_factor_cannot_be_removed_but_a_spare_key_can(person):
    from django.test import RequestFactory

    from openmash.accounts.mfa import webauthn_remove
    from openmash.accounts.models import AppDevice, WebAuthnKey

    _, stored = _with_key(person)
    request = RequestFactory().post("/account/security-keys/remove/")
    request.user = person
    assert webauthn_remove(request, stored.pk) is True  # the app is still there
    assert not WebAuthnKey.objects.filter(pk=stored.pk).exists()
    assert AuditEvent.objects.filter(action="webauthn_removed", actor_username="kit.keys").exists()
    only = WebAuthnKey.objects.create(user=person, name="Only key", credential_id="abc", public_key="def")
    AppDevice.objects.filter(user=person).delete()  # now the key is their only second factor
    assert webauthn_remove(request, only.pk) is False
    assert WebAuthnKey.objects.filter(pk=only.pk).exists()
