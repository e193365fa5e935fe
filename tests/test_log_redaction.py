"""Issue 5 review, faults 4 and 8: the set-password token reached the HTTP access log
(`GET /account/set-password/<uid>/<token>/`), and `%0a` in a path forged lines in it. Every access-log field now
goes through openmash.core.logging.log_value (config/gunicorn_logging.AccessLogger, the logger class `openmash
serve` uses) and the application's log handler redacts too. Tested by running gunicorn's own formatting and
Django's request logging. Failed on main before the fix."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from django.test import Client
from gunicorn.config import Config

from config.gunicorn_logging import ACCESS_LOG_FORMAT, AccessLogger
from openmash.core.logging import escape_controls, log_value, redact_secrets

TOKEN = "cz8x1q-0123456789abcdef0123456789abcdef"
UID = "MTIz"
LINK = f"/account/set-password/{UID}/{TOKEN}/"


class _Resp:
    status = "200 OK"
    sent = 512
    headers = [("Content-Type", "text/html")]


class _Req:
    def __init__(self, headers):
        self.headers = headers


def access_line(path_info: str, raw_uri: str, *, query: str = "", log_format: str = ACCESS_LOG_FORMAT, headers=()):
    """What gunicorn writes for one request, through the AccessLogger `openmash serve` configures."""
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", log_format)
    logger = AccessLogger(cfg)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.handlers = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://mash.example{LINK}",
    }
    logger.access(_Resp(), _Req(list(headers)), environ, dt.timedelta(milliseconds=12))
    return out.getvalue()


def test_the_set_password_token_never_reaches_the_access_log():
    line = access_line(LINK, LINK)
    assert TOKEN not in line and UID not in line
    assert '"GET /account/set-password/[redacted]/[redacted]/" 200' in line


def test_every_field_is_redacted_not_only_the_path():
    everything = '%(h)s %(u)s "%(r)s" %(U)s %(q)s "%(f)s" "%(a)s" %({referer}i)s %({raw_uri}e)s'
    encoded = f"/account/set%2Dpassword/{UID}/{TOKEN}/?next=x"
    line = access_line(
        LINK,
        encoded,
        query="name=Amelia+Testchild&date_of_birth=2018-04-02",
        log_format=everything,
        headers=[("REFERER", f"https://mash.example{LINK}"), ("USER-AGENT", "x")],
    )
    assert TOKEN not in line and "Amelia" not in line and "2018-04-02" not in line
    assert line.count("\n") == 1


def test_a_newline_in_the_path_cannot_forge_a_line():
    forged = '/x\n127.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /admin/ HTTP/1.1" 200'
    line = access_line(forged, "/x%0a127.0.0.1")
    assert line.count("\n") == 1  # one line: the newline is written as \x0a
    assert "\\x0a127.0.0.1" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\\x0d\\x0ab"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("nul\x00", "nul\\x00"),
        ("line\u2028sep", "line\\u2028sep"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("back\\slash", "back\\\\slash"),
        ("plain text é", "plain text é"),
    ],
)
def test_escape_controls(text, expected):
    assert escape_controls(text) == expected


def test_redact_secrets_keeps_what_is_harmless():
    assert redact_secrets("/contacts/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed/") == (
        "/contacts/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed/"
    )
    assert redact_secrets("/api/v1/people?name=A&date_of_birth=2018-04-02") == "/api/v1/people?[redacted]"
    assert log_value(42) == 42


@pytest.fixture
def app_log():
    """What the application's configured log handler (settings.LOGGING's console handler, with its filters)
    writes, captured in a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console")
    buffer = io.StringIO()
    old, handler.stream = handler.stream, buffer  # not setStream: it flushes the old stream, maybe closed by now
    try:
        yield buffer
    finally:
        handler.stream = old


def test_djangos_request_logging_redacts_the_token_and_escapes_the_path(app_log):
    """Django logs 'Method Not Allowed (PUT): <path>' and 'Not Found: <path>' through the application's handler."""
    client = Client()
    client.generic("PUT", LINK)  # 405, logged by django.request with the path
    logging.getLogger("django.request").warning("Not Found: %s", "/contacts/x\n2026-01-01 INFO forged line")
    written = app_log.getvalue()
    assert re.search(r"Method Not Allowed[^:]*: /account/set-password/\[redacted\]/\[redacted\]/", written)
    assert TOKEN not in written and UID not in written
    assert "x\\x0a2026-01-01 INFO forged line" in written
    assert written.count("\n") == 2  # two records, two lines


def test_a_refused_request_is_one_line_without_a_traceback(app_log, make_actor):
    """Practitioner review: every 403 printed a full traceback to the server log. A refusal is expected (and audited
    as `deny`): one line. A server error keeps its traceback."""
    referrer = make_actor("referrer", "police")
    client = Client()
    client.force_login(referrer.user)
    assert client.get("/audit/").status_code == 403
    written = app_log.getvalue()
    assert "Forbidden" in written and "Traceback" not in written
    assert written.count("\n") == 1
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/x", exc_info=True, extra={"status_code": 500}
        )
    assert "Traceback" in app_log.getvalue()
