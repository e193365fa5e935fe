"""Shared fixtures. Set-up data is made through the services, as the product makes it.

Second factor (ADR 0011): every sign-in needs one, so `django.test.Client.force_login` is wrapped for every test
(`_force_login_passes_mfa`, autouse): the session is also marked as verified with a real confirmed authenticator-app
device of the user (django_otp.login's session key, the device's persistent id), as if they had typed its code. A
test that needs a session signed in with the password only is marked ``@pytest.mark.mfa_unverified``. Tests that sign
in through the pages type a code: `totp_code_for(user)`, or `mfa_complete(client, user)` after the password.
"""

from __future__ import annotations

import itertools

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "mfa_unverified: force_login signs in with the password only (no second factor passed)"
    )


def mfa_session_verify(client, user):
    """Mark the test client's session as having passed its second factor with the user's (made if need be)
    authenticator-app device: what django_otp.login does after a right code."""
    from openmash.accounts.mfa import client_session_verify

    return client_session_verify(client, user)


def totp_code_for(user, *, at: float | None = None) -> str:
    """The 6-digit code of the user's authenticator-app device (made if they have none) that the server accepts now:
    what their app shows now, or the next step's if this step's code has been used (or the code at `at`, seconds
    since the epoch)."""
    import time

    from openmash.accounts.mfa import totp_current_code, totp_device_ensure

    device = totp_device_ensure(user)
    if at is None:  # a code not used yet: the next step's (accepted, one step ahead) if this step's has been used
        at = time.time()
        step = int((at - device.t0) // device.step)
        if device.last_t >= step:
            at += device.step * (device.last_t - step + 1)
    return totp_current_code(device, at=at)


def mfa_complete(client, user, *, next_url: str = ""):
    """After signing in with the password through /login/: pass the second factor with the app's current code.
    Returns the response to the code (a redirect on to `next_url` or the home page)."""
    return client.post("/account/verify/", {"code": totp_code_for(user), "next": next_url})


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(request, monkeypatch):
    """Every test: Client.force_login also passes the second factor, unless the test is marked mfa_unverified."""
    if request.node.get_closest_marker("mfa_unverified"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mfa_session_verify(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


_counter = itertools.count(1)

AGENCIES = [
    # code, name, type, source code, is_hub, health service
    ("mash", "Children's Services MASH", "csc", "5A", True, ""),
    ("police", "County Police", "police", "6", False, ""),
    ("health-gp", "Riverside GP Practice", "health", "3A", False, "gp"),
    ("health-hv", "Community Health Visiting", "health", "3B", False, "health_visiting"),
    ("school-oak", "Oakfield Primary School", "education", "2A", False, ""),
    ("probation", "Probation Service", "probation", "7", False, ""),
]

VALID_NHS = "9434765919"


@pytest.fixture
def partnership(db):
    from openmash.accounts.services import agency_create
    from openmash.partnership.services import partnership_defaults_ensure

    partnership_defaults_ensure()
    return {
        code: agency_create(code=code, name=name, agency_type=atype, source_code=src, is_hub=hub, health_service=hs)
        for code, name, atype, src, hub, hs in AGENCIES
    }


@pytest.fixture
def make_actor(partnership):
    """make_actor(role, agency_code) -> Actor, with a fresh user created through the service who can sign in and
    work (a password and a confirmed authenticator app, as a colleague who has enrolled: access.actor.can_sign_in_q).
    enrolled=False leaves the second factor out (a starter who has not enrolled yet)."""
    from openmash.access.actor import actor_for_user
    from openmash.accounts.mfa import totp_device_ensure
    from openmash.accounts.services import user_create

    def _make(role: str, agency: str = "mash", username: str | None = None, *, enrolled: bool = True):
        name = username or f"{role}-{agency}-{next(_counter)}"
        user = user_create(
            username=name, password="not-used-in-tests", agency_code=agency, role=role, check_password=False
        )
        if enrolled:
            totp_device_ensure(user)
        return actor_for_user(user)

    return _make


@pytest.fixture
def api(client):
    """api(actor).get/post(path, json=..., headers=...) against /api/v1 with a real bearer token."""
    from openmash.accounts.services import token_create

    class _Api:
        def __init__(self, actor):
            self.token = token_create(username=actor.user.username)[1] if actor else None

        def _headers(self, headers):
            h = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
            for k, v in (headers or {}).items():
                h["HTTP_" + k.upper().replace("-", "_")] = v
            return h

        def get(self, path, **params):
            return client.get("/api/v1" + path, params or None, **self._headers(None))

        def post(self, path, json=None, headers=None):
            return client.post("/api/v1" + path, json or {}, content_type="application/json", **self._headers(headers))

    return _Api


def contact_payload(**overrides):
    data = {
        "subjects": [
            {
                "forename": "Amelia",
                "surname": "Testchild",
                "date_of_birth": "2018-04-02",
                "sex": "F",
                "ethnicity": "WBRI",
                "identifiers": [{"type": "nhs_number", "value": VALID_NHS}],
                "address": {"line1": "1 High Street", "town": "Exampleton", "postcode": "EX1 1AA"},
            }
        ],
        "household": [
            {
                "forename": "Dean",
                "surname": "Testadult",
                "date_of_birth": "1988-01-01",
                "sex": "M",
                "role": "alleged_perpetrator",
            }
        ],
        "concern_codes": ["3A", "18C"],
        "narrative": "Child disclosed that her mother's partner hit her; visible bruising to the arm.",
        "referrer_type": "professional",
        "referrer_name": "PC Example",
        "referrer_role": "Police officer",
        "family_aware": "no",
        "consent": "not_sought",
        "consent_not_sought_reason": "unsafe",
        "consent_lawful_basis": "public_task",
        "immediate_risk": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def new_contact(make_actor):
    """new_contact(actor=None, **overrides) -> Contact recorded through the service (police referrer by default)."""
    from openmash.contacts.services import contact_create

    def _make(actor=None, **overrides):
        actor = actor or make_actor("referrer", "police")
        contact, _ = contact_create(actor=actor, data=contact_payload(**overrides))
        return contact

    return _make
