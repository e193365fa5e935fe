"""Shared fixtures. Set-up data is made through the services, as the product makes it."""

from __future__ import annotations

import itertools

import pytest

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
    """make_actor(role, agency_code) -> Actor, with a fresh user created through the service."""
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create

    def _make(role: str, agency: str = "mash", username: str | None = None):
        name = username or f"{role}-{agency}-{next(_counter)}"
        user = user_create(
            username=name, password="not-used-in-tests", agency_code=agency, role=role, check_password=False
        )
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
