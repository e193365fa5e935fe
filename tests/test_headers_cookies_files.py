"""Fault 16 of issue 5, beyond methods: Permissions-Policy on every response, __Host- cookies over HTTPS, and the
SQLite database files readable by their owner only."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

POWERFUL = ["camera", "microphone", "geolocation", "payment", "usb", "fullscreen", "display-capture"]


@pytest.mark.parametrize("path", ["/login/", "/api/v1/openapi.json", "/no-such-page/", "/api/v1/contacts"])
def test_every_response_carries_a_restrictive_permissions_policy(db, path):
    policy = Client().get(path)["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in policy.split(", "))
    for feature in POWERFUL:
        assert features[feature] == "()", (feature, policy)
    # nothing is allowed, not even for our own origin, but WebAuthn security keys (the second factor, ADR 0011)
    webauthn = {"publickey-credentials-get", "publickey-credentials-create"}
    assert {v for k, v in features.items() if k not in webauthn} == {"()"}
    assert {features[k] for k in webauthn} == {"(self)"}


def _settings_under(env_extra: dict) -> dict:
    """The cookie settings as production computes them from the environment (a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENMASH_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"OPENMASH_SECRET_KEY": "s" * 60, "OPENMASH_ALLOWED_HOSTS": "mash.example.org", **env_extra})
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.base'; django.setup();"
        "from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN']}))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_cookies_take_the_host_prefix_over_https():
    s = _settings_under({"OPENMASH_HTTPS": "true"})
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-") and s["CSRF_COOKIE_NAME"].startswith("__Host-")
    # what a browser requires of a __Host- cookie: Secure, Path=/, no Domain
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert (s["SESSION_COOKIE_PATH"], s["CSRF_COOKIE_PATH"]) == ("/", "/")
    assert s["SESSION_COOKIE_DOMAIN"] is None and s["CSRF_COOKIE_DOMAIN"] is None
    plain = _settings_under({"OPENMASH_HTTPS": "false", "OPENMASH_DEBUG": "true"})
    assert not plain["SESSION_COOKIE_NAME"].startswith("__Host-")  # a browser drops __Host- cookies without TLS


def test_the_host_prefixed_cookies_are_set_secure_for_the_whole_site(make_actor, settings):
    """With the HTTPS settings, signing in sets __Host- cookies the browser will accept."""
    import secrets

    from openmash.accounts.services import user_create

    s = _settings_under({"OPENMASH_HTTPS": "true"})
    for key, value in s.items():
        setattr(settings, key, value)
    secret = secrets.token_urlsafe(16)
    make_actor("referrer", "police")  # the partnership
    user_create(username="pc.cookie", password=secret, agency_code="police", role="referrer", check_password=False)
    client = Client()
    r = client.get("/login/", secure=True)
    csrf = r.cookies["__Host-csrftoken"]
    r = client.post("/login/", {"username": "pc.cookie", "password": secret}, secure=True)
    assert r.status_code == 302
    session = r.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert session["httponly"]


def test_sqlite_database_files_are_readable_by_their_owner_only(tmp_path, django_db_blocker):
    """A new database file, its -wal and -shm are 0600 once a connection is made, whatever the umask."""
    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    old_umask = os.umask(0o022)  # a typical umask: files would be world-readable
    try:
        config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "openmash.sqlite3")}
        if config["ENGINE"] != "django.db.backends.sqlite3":
            config = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": config["NAME"],
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
                "TIME_ZONE": None,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
            }
        wrapper = DatabaseWrapper(config, alias="perm_test")
        try:
            with django_db_blocker.unblock(), wrapper.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x integer)")
                cursor.execute("INSERT INTO t VALUES (1)")
            files = [Path(config["NAME"] + s) for s in ("", "-wal", "-shm")]
            assert all(f.exists() for f in files), [f.name for f in files if not f.exists()]
            modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
            assert set(modes.values()) == {"0o600"}, modes
        finally:
            wrapper.close()
    finally:
        os.umask(old_umask)
