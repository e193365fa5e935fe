"""Issue 5 review, fault 9: `received_to=9999-12-31` on the screening queue and enquiries (API and pages) and the
audit trail's date filters (page and CSV export) raised OverflowError in day_bounds: a 500, and the API answered it
with Django's HTML page. Every date filter is bounds-checked (API 422 with a field message, pages the GOV.UK error
summary), and any unhandled error on /api/ answers JSON. Failed on main before the fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from openmash.core.pagination import FILTER_DATE_MAX, FILTER_DATE_MIN, filter_date_check
from tests.support import audit_get

CANARY = "canary-message-with-input-Amelia-Testchild"
FAR = ("9999-12-31", "0001-01-01", "2100-01-01", "1899-12-31")


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_the_one_rule_bounds_every_date_filter():
    assert filter_date_check(FILTER_DATE_MIN, label="From") == FILTER_DATE_MIN
    assert filter_date_check(FILTER_DATE_MAX, label="From") == FILTER_DATE_MAX
    assert filter_date_check(None, label="From") is None
    for text in FAR:
        with pytest.raises(ValueError, match="To must be between 1 January 1900 and 31 December 2099"):
            filter_date_check(dt.date.fromisoformat(text), label="To")


@pytest.mark.parametrize("path", ["/screening-queue", "/enquiries"])
@pytest.mark.parametrize("field", ["received_from", "received_to"])
@pytest.mark.parametrize("value", FAR)
def test_the_api_answers_422_with_a_field_message(make_actor, api, path, field, value):
    response = api(make_actor("screener", "mash")).get(path, **{field: value})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()["errors"]) == [field]


def _date(prefix: str, value: str) -> dict:
    year, month, day = value.split("-")
    return {f"{prefix}_day": str(int(day)), f"{prefix}_month": str(int(month)), f"{prefix}_year": year}


@pytest.mark.parametrize(
    ("role", "path", "prefix"),
    [
        ("screener", "/screening/", "received_to"),
        ("screener", "/screening/", "received_from"),
        ("manager", "/enquiries/", "received_to"),
        ("auditor", "/audit/", "date_to"),
        ("auditor", "/audit/", "date_from"),
        ("auditor", "/audit/export.csv", "date_to"),
    ],
)
def test_the_pages_show_the_govuk_error(make_actor, role, path, prefix):
    client = login(make_actor(role, "mash"))
    if path.startswith("/audit/"):  # the auditor's filters post (no identifier in a URL)
        response = audit_get(client, path, _date(prefix, "9999-12-31"))
    else:
        response = client.get(path, _date(prefix, "9999-12-31"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "must be between 1 January 1900 and 31 December 2099" in page
    assert response["Content-Type"].startswith("text/html")


def test_the_selector_refuses_it_too_for_any_other_caller(make_actor):
    from openmash.audit.selectors import audit_event_search
    from openmash.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        audit_event_search(actor=make_actor("auditor", "mash"), date_to=dt.date(9999, 12, 31))
    assert list(caught.value.errors) == ["date_to"]


def test_an_unhandled_error_on_the_api_answers_json_without_its_message(make_actor, api, monkeypatch, caplog):
    from openmash.contacts import selectors

    def broken(**kwargs):
        raise RuntimeError(CANARY)  # an exception message may carry input values

    monkeypatch.setattr(selectors, "screening_queue", broken)
    response = api(make_actor("screener", "mash")).get("/screening-queue")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["request_id"] == response["X-Request-Id"]
    assert CANARY not in response.content.decode() and "<html" not in response.content.decode().lower()
    assert "RuntimeError" in caplog.text and CANARY not in caplog.text
