"""HD-1 (SECURITY-TESTS.md §5(b); ASVS 5.0 3.4.1, 3.4.3, 3.4.6, 3.4.8, 4.1.4, 14.3.2): the security headers on every
response class, the passive checks a ZAP baseline scan makes (ZAP itself cannot be installed here).

Response classes: an HTML page (signed in and anonymous), JSON from the API, the OpenAPI document, file downloads
(the audit trail's CSV, a chronology PDF), the error pages 403, 404, 405 and 500 (HTML and the API's JSON), and a
static file. Each must carry:
- Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval', with frame-ancestors 'none' and object-src 'none';
- X-Content-Type-Options: nosniff; Referrer-Policy (same-origin or stricter); Cross-Origin-Opener-Policy: same-origin;
- Strict-Transport-Security max-age >= 31536000 when HTTPS is on (settings as production computes them);
- Cache-Control: no-store on every response to a signed-in user (and on every non-static one).
TRACE and the other unused methods answer 405 (every route: tests/test_http_methods.py; here one per class).
Tier: PR."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import path

STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _csp(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    assert header, "no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, *, authenticated: bool, static: bool = False):
    where = f"{response.status_code} {response.get('Content-Type')}"
    csp = _csp(response)
    sources = " ".join(" ".join(v) for v in csp.values())
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, (where, csp)
    assert csp.get("frame-ancestors") == ["'none'"], (where, csp)
    assert csp.get("object-src") == ["'none'"], (where, csp)
    assert "default-src" in csp, (where, csp)
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") in STRICT_REFERRER, where
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert response.get("X-Frame-Options") == "DENY", where
    if authenticated or not static:
        assert response.get("Cache-Control") == "no-store", (where, response.get("Cache-Control"))


@pytest.fixture
def world(make_actor, new_contact):
    from openmash.accounts.services import token_create
    from tests.support import subject_person

    contact = new_contact()
    manager = make_actor("manager", "mash")
    auditor = make_actor("auditor", "mash")
    web = Client(raise_request_exception=False)
    web.force_login(manager.user)
    auditor_web = Client()
    auditor_web.force_login(auditor.user)
    return {
        "contact": contact,
        "person": subject_person(contact),
        "web": web,
        "auditor_web": auditor_web,
        "token": token_create(username=manager.user.username)[1],
    }


def test_html_pages(world):
    assert_security_headers(world["web"].get("/"), authenticated=True)
    assert_security_headers(world["web"].get(f"/contacts/{world['contact'].pk}/"), authenticated=True)
    assert_security_headers(Client().get("/login/"), authenticated=False)


def test_json_and_the_openapi_document(world):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    r = Client().get(f"/api/v1/contacts/{world['contact'].pk}", **bearer)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert_security_headers(r, authenticated=True)
    r = Client().get("/api/v1/openapi.json", **bearer)
    assert r.status_code == 200
    assert_security_headers(r, authenticated=True)
    assert_security_headers(Client().get("/api/v1/contacts"), authenticated=False)  # 401 JSON


def test_file_downloads(world):
    r = world["web"].get(f"/people/{world['person'].pk}/chronology.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.status_code
    assert_security_headers(r, authenticated=True)
    r = world["auditor_web"].get("/audit/export.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv"), r.status_code
    assert_security_headers(r, authenticated=True)


def test_error_pages(world, make_actor):
    referrer = Client()
    referrer.force_login(make_actor("referrer", "school-oak").user)
    r = referrer.get("/audit/")
    assert r.status_code in (403, 404), r.status_code
    assert_security_headers(r, authenticated=True)
    r = world["web"].get("/no-such-page/")
    assert r.status_code == 404
    assert_security_headers(r, authenticated=True)
    assert_security_headers(Client().get("/no-such-page/"), authenticated=False)
    for method in ("trace", "put", "delete", "patch", "options"):
        r = getattr(world["web"], method)("/")
        assert r.status_code == 405, (method, r.status_code)
        assert_security_headers(r, authenticated=True)
    r = Client().generic("TRACE", "/api/v1/contacts")
    assert r.status_code == 405
    assert_security_headers(r, authenticated=False)


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_the_500_page(db):
    import config.urls

    with override_settings(ROOT_URLCONF=__name__):
        r = Client(raise_request_exception=False).get("/boom/")
    assert r.status_code == 500
    assert_security_headers(r, authenticated=False)
    assert config.urls  # the real URLconf is untouched


def test_the_api_500(world, monkeypatch):
    from openmash.contacts import api as contacts_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(contacts_api.selectors, "contact_get", broken)
    r = Client(raise_request_exception=False).get(
        f"/api/v1/contacts/{world['contact'].pk}", HTTP_AUTHORIZATION=f"Bearer {world['token']}"
    )
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert_security_headers(r, authenticated=True)


def test_static_files(db):
    from django.contrib.staticfiles import finders

    name = next((n for n in ("htmx/htmx.min.js", "admin/css/base.css") if finders.find(n)), None)
    if name is None:
        pytest.skip("no static file to serve (openmash/web/assets_build not built)")
    r = Client().get(f"/static/{name}")
    assert r.status_code == 200, (name, r.status_code)
    assert_security_headers(r, authenticated=False, static=True)


def test_hsts_for_a_year_when_https_is_on(db, settings):
    """With the HTTPS settings (tests/test_headers_cookies_files computes them as production does), every secure
    response carries HSTS for at least a year, with includeSubDomains."""
    from tests.test_headers_cookies_files import _settings_under

    assert _hsts_seconds_under_https() >= 31536000
    settings.SECURE_HSTS_SECONDS = _hsts_seconds_under_https()
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    for p in ("/login/", "/api/v1/contacts", "/no-such-page/"):
        header = Client().get(p, secure=True)["Strict-Transport-Security"]
        seconds = int(re.search(r"max-age=(\d+)", header).group(1))
        assert seconds >= 31536000 and "includeSubDomains" in header, (p, header)
    assert _settings_under  # the same interpreter recipe


def _hsts_seconds_under_https() -> int:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENMASH_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {"OPENMASH_SECRET_KEY": "s" * 60, "OPENMASH_ALLOWED_HOSTS": "mash.example.org", "OPENMASH_HTTPS": "true"}
    )
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.base'; django.setup();"
        "from django.conf import settings as s; print(json.dumps(s.SECURE_HSTS_SECONDS))"
    )
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])
