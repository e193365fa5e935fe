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


def _api_write_paths(client) -> list[tuple[str, str]]:
    """(method, concrete path) for every POST, PUT and PATCH operation in the OpenAPI document, path parameters
    filled with a syntactically valid id that names nothing."""
    import re

    schema = client.get("/api/v1/openapi.json").json()
    out = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("post", "put", "patch"):
                out.append((method, re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)))
    return out


def test_an_unreadable_body_answers_400_on_every_write_operation_signed_in_or_not(make_actor, caplog):
    """Attacker review 2026-12-02, finding F1: a multipart body without its boundary, sent with a session cookie,
    made the session check's CSRF step raise MultiPartParserError: a 500 and an ERROR traceback, for anyone. Every
    POST, PUT and PATCH operation now answers 400 with one sentence, as Django's pages do, and logs no ERROR."""
    from config.api import UNREADABLE_MESSAGE

    docs = Client()
    docs.force_login(make_actor("partnership_admin", "mash").user)
    operations = _api_write_paths(docs)
    assert len(operations) > 20
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.cookies["sessionid"] = "x"
    anonymous.cookies["csrftoken"] = "abcdefghijklmnopqrstuvwxyz012345"
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(make_actor("screener", "mash").user)
    signed_in.cookies["csrftoken"] = "abcdefghijklmnopqrstuvwxyz012345"
    with caplog.at_level(logging.INFO):
        for client in (anonymous, signed_in):
            for method, path in operations:
                r = client.generic(
                    method.upper(), path, b"x", content_type="multipart/form-data", HTTP_REFERER="http://testserver/"
                )
                assert r.status_code != 500, (method, path, r.content[:200])
                if method == "post":
                    assert r.status_code == 400, (method, path, r.status_code, r.content[:200])
                    assert r.json() == {"detail": UNREADABLE_MESSAGE}
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    schema = docs.get("/api/v1/openapi.json").json()
    assert "400" in schema["paths"]["/api/v1/contacts"]["post"]["responses"]
