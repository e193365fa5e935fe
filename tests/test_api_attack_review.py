"""Attacker review (2026-12), API findings F and G:

- F: a JSON body over the server's limit (DATA_UPLOAD_MAX_MEMORY_SIZE) answered 500 and logged an ERROR traceback
  (RequestDataTooBig); now 413 for every operation (config.api request_too_large), documented in the OpenAPI
  document, logged at WARNING only.
- G: a POST with an unknown bearer token answered 403 "CSRF check Failed" (the session check ran its CSRF check on
  a request that was not a session request); now 401 like a GET.
"""

from __future__ import annotations

import json
import logging

from django.test import Client


def test_an_oversized_body_answers_413_without_an_error_log_line(make_actor, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client = Client()
    client.force_login(make_actor("screener", "mash").user)
    body = json.dumps({"people": [{"forename": "x" * 4096}]})
    with caplog.at_level(logging.INFO):
        for url in ("/api/v1/intake/candidates", "/api/v1/contacts"):
            r = client.post(url, body, content_type="application/json")
            assert r.status_code == 413, (url, r.status_code, r.content[:200])
            assert r.json() == {"detail": "The request body is too large"}
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


def test_the_openapi_document_declares_413_on_operations_with_a_body(make_actor):
    client = Client()
    client.force_login(make_actor("screener", "mash").user)
    schema = client.get("/api/v1/openapi.json").json()
    assert "413" in schema["paths"]["/api/v1/intake/candidates"]["post"]["responses"]
    assert "413" not in schema["paths"]["/api/v1/enquiries"]["get"]["responses"]


def test_a_post_with_an_unknown_bearer_token_answers_401_not_a_csrf_failure(db):
    client = Client(enforce_csrf_checks=True)
    bearer = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    for url in ("/api/v1/contacts", "/api/v1/intake/candidates"):
        r = client.post(url, "{}", content_type="application/json", **bearer)
        assert r.status_code == 401, (url, r.status_code, r.content[:200])
    assert client.get("/api/v1/enquiries", **bearer).status_code == 401


def test_a_session_post_without_its_csrf_token_is_still_refused(make_actor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_actor("screener", "mash").user)
    r = client.post("/api/v1/intake/candidates", "{}", content_type="application/json")
    assert r.status_code == 403


def test_head_on_a_record_page_is_answered_as_get_and_audited_or_refused_by_the_method_rule(make_actor, new_contact):
    """Finding G (HEAD): /contacts/{id}/ (a read-only page, tests/test_http_methods.py SAFE) answers HEAD as GET and
    writes the same `view` audit event; /people/{id}/ (a page with a form, FORM) answers HEAD 405 before anything
    is read. The rule of test_http_methods.py is kept: a page with a form answers GET and POST only."""
    from openmash.audit.models import AuditEvent

    contact = new_contact()
    screener = make_actor("screener", "mash")
    client = Client()
    client.force_login(screener.user)

    def views():
        return AuditEvent.objects.filter(action="view", object_id=str(contact.pk)).count()

    before = views()
    assert client.get(f"/contacts/{contact.pk}/").status_code == 200
    after_get = views()
    assert after_get == before + 1
    head = client.head(f"/contacts/{contact.pk}/")
    assert head.status_code == 200 and head.content == b""
    assert views() == after_get + 1  # audited as a GET is
    person = contact.people.first().person
    assert client.head(f"/people/{person.pk}/").status_code == 405
