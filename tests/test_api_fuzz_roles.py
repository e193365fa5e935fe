"""IN-1 (SECURITY-TESTS.md §5(b)), as every role the API serves: Schemathesis over the whole OpenAPI document,
each generated request sent once per role with that role's real bearer token.

Roles: MASH screener and manager, agency researcher of the police, a GP practice and a school, a police referrer,
an allocated social worker, the partnership admin and the auditor (conftest.AGENCIES). Pass figure: 0 server errors
and only the status codes the API documents (README "API": 200/201, 400 for a body that is not JSON, 401, 403, 404,
405, 409, 422, 428 for a versioned change sent without its version, and 429 on the rate-limited lookups).

Tiers: PR, PR_EXAMPLES (4) generated requests per operation, each sent as all 10 roles (40 requests per operation,
about 1,700 in all); extended (OPENMASH_TEST_EXTENDED=1), EXTENDED_EXAMPLES (100) per operation, each sent as every
role (43,000 requests). tests/test_api_fuzz.py keeps
the deeper single-role run (MASH manager, 25 per operation)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from config.api import api
from config.wsgi import application

PR_EXAMPLES = 4
EXTENDED_EXAMPLES = 100
EXTENDED = os.environ.get("OPENMASH_TEST_EXTENDED") == "1"

#: (role, agency code) for each role the API serves
ROLES = [
    ("screener", "mash"),
    ("manager", "mash"),
    ("researcher", "police"),
    ("researcher", "health-gp"),
    ("researcher", "school-oak"),
    ("referrer", "police"),
    ("social_worker", "mash"),
    ("partnership_admin", "mash"),
    ("auditor", "mash"),
    ("referrer", "school-oak"),
]

RATE_LIMITED = {"/api/v1/people/search", "/api/v1/intake/candidates"}
DOCUMENTED = {200, 201, 400, 401, 403, 404, 405, 409, 422, 428}

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
schema.location = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """A WSGI request must not close the test's database connection (as in tests/test_api_fuzz.py)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(make_actor, new_contact):
    """{"role@agency": bearer token} for every role, with real records for the lists and searches."""
    from openmash.accounts.services import token_create
    from tests.support import enquiry_open, requests_send

    new_contact()
    screener = make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=screener)
    requests_send(screener, enquiry, "police", "health-gp", "school-oak")
    tokens = {}
    for role, agency in ROLES:
        actor = make_actor(role, agency)
        tokens[f"{role}@{agency}"] = token_create(username=actor.user.username)[1]
    return tokens


OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
def test_no_server_errors_as_any_role(role_tokens):
    """One test over every operation (the partnership and the ten users are made once, not per operation): for
    each operation Hypothesis draws the examples, and each drawn request is sent as every role."""
    assert len(OPERATIONS) >= 40  # the whole document, not a part of it
    failures = []

    def make_check(operation, allowed):
        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXTENDED_EXAMPLES if EXTENDED else PR_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):
            for who, token in role_tokens.items():
                response = case.call(headers={"Authorization": f"Bearer {token}"})
                assert response.status_code < 500 and response.status_code in allowed, (
                    f"{who}: {case.method} {case.formatted_path} -> {response.status_code}"
                )

        return check

    for operation in OPERATIONS:
        allowed = DOCUMENTED | ({429} if operation.path in RATE_LIMITED else set())
        try:
            make_check(operation, allowed)()
        except AssertionError as exc:  # every failing operation is reported, not only the first
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)


def test_every_role_can_hold_a_token(role_tokens):
    """The fuzz run above is only as good as its tokens: each role's token authenticates."""
    from django.test import Client

    assert len(role_tokens) == len(ROLES)
    for who, token in role_tokens.items():
        r = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code == 200, who
