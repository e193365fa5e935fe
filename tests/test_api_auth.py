"""API authentication: bearer tokens (hashed at rest) or the signed-in session; a session cannot POST without
the CSRF token; anything else is 401 and writes nothing."""

import secrets

import pytest
from django.test import Client

from conftest import contact_payload
from openmash.accounts.models import ApiToken, Membership
from tests.support import row_counts


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 500,
        "Token om_whatever",
    ],
)
def test_bad_credentials_are_401_and_write_nothing(client, partnership, header):
    before = row_counts()
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    r = client.post("/api/v1/contacts", contact_payload(), content_type="application/json", **extra)
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication required"}
    assert row_counts() == before


def test_token_of_an_inactive_membership_is_refused(api, screener):
    client = api(screener)
    assert client.get("/screening-queue").status_code == 200
    Membership.objects.filter(pk=screener.membership.pk).update(active=False)
    assert client.get("/screening-queue").status_code == 401


def test_token_records_last_use(api, screener):
    client = api(screener)
    token = ApiToken.objects.get(user=screener.user)
    assert token.last_used_at is None
    client.get("/screening-queue")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_session_can_read_but_cannot_post_without_csrf(screener):
    client = Client(enforce_csrf_checks=True)
    client.force_login(screener.user)
    assert client.get("/api/v1/screening-queue").status_code == 200
    before = row_counts()
    r = client.post("/api/v1/contacts", contact_payload(), content_type="application/json")
    assert r.status_code == 403
    assert row_counts() == before


def test_session_post_with_csrf_token_works(screener):
    client = Client(enforce_csrf_checks=True)
    client.force_login(screener.user)
    secret = secrets.token_hex(16)  # a 32-character CSRF secret, as the csrftoken cookie holds
    client.cookies["csrftoken"] = secret
    r = client.post("/api/v1/contacts", contact_payload(), content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert r.status_code == 201, r.content
