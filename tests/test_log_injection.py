"""IN-3 (SECURITY-TESTS.md §5(b); ASVS 5.0 16.4.1): CR, LF, NEL, Unicode line separators, ANSI escapes and
JSON-breaking text in every field that reaches a log line cannot forge a line, in the application's log (the root
logger's console handler: settings.LOGGING, openmash.core.logging) or in gunicorn's access log
(config.gunicorn_logging.AccessLogger, the logger class `openmash serve` uses).

Fields tried: the path, the query string, the User-Agent, Referer and X-Request-Id headers, a custom header, and the
username of a failed sign-in (web and API token). Pass figure: every captured record is exactly one line, every line
has the configured shape (time, level, logger, [request id]), 0 lines start with forged content, and no raw control
character is written. Tier: PR."""

from __future__ import annotations

import io
import logging
import re
from urllib.parse import quote

import pytest
from django.test import Client

from tests.test_log_redaction import access_line

MARK = "FORGEDLINE"
PAYLOADS = [
    f"a\r\n2026-01-01 00:00:00,000 CRITICAL openmash [x] {MARK}",
    f"b\n{MARK}",
    f"c\r{MARK}",
    f"d\x1b[2J\x1b[1;31m{MARK}\x1b[0m",
    f'e"}}\n{{"level": "CRITICAL", "msg": "{MARK}"}}',
    f"f\u2028{MARK}\u2029",
    f"g\x85{MARK}",
    f"h\x00\x08\x7f{MARK}",
]
APP_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ \[[^\]\s]*\] ")
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@pytest.fixture
def app_log():
    """Every record the application logs at DEBUG and above, formatted by the configured console handler; returns
    (buffer, records)."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "name", "") == "console")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    keep = Keep(level=logging.DEBUG)
    buffer = io.StringIO()
    old_stream, handler.stream = handler.stream, buffer
    levels = {name: logging.getLogger(name).level for name in ("", "axes", "django.request", "openmash")}
    levels["django.template"] = logging.getLogger("django.template").level
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger("django.template").setLevel(logging.INFO)  # its DEBUG is missing-variable noise
    root.addHandler(keep)
    try:
        yield buffer, records
    finally:
        root.removeHandler(keep)
        handler.stream = old_stream
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _assert_no_forged_lines(text: str, records: int):
    lines = text.splitlines(keepends=False)
    assert text.count("\n") == records, (records, text)  # one line per record
    for line in lines:
        assert APP_LINE.match(line), line
        assert not RAW_CONTROLS.search(line), repr(line)
        assert not line.startswith(MARK) and not line.lstrip().startswith(("{", MARK)), line


def test_application_log_cannot_be_forged(app_log, make_actor, settings):
    buffer, records = app_log
    make_actor("referrer", "police", username="pc.known")
    client = Client(raise_request_exception=False)
    for payload in PAYLOADS:
        headers = {
            "HTTP_USER_AGENT": payload,
            "HTTP_REFERER": "https://x.example/" + payload,
            "HTTP_X_REQUEST_ID": payload,
            "HTTP_X_FORWARDED_FOR": payload,
            "HTTP_X_CUSTOM": payload,
        }
        client.get("/no-such-page/" + quote(payload, safe=""), {"q": payload}, **headers)  # 404, logged
        client.generic("PUT", "/contacts/" + quote(payload, safe=""), **headers)  # 405, logged
        client.post("/login/", {"username": payload, "password": payload}, **headers)  # failed sign-in
        client.post("/login/", {"username": "pc.known", "password": payload}, **headers)
        client.get("/api/v1/contacts", {"q": payload}, HTTP_AUTHORIZATION="Bearer " + payload, **headers)  # 401
        client.get("/api/v1/contacts/" + quote(payload, safe=""), **headers)
        logging.getLogger("openmash.test").warning("Value from a request: %s", payload)  # any app log call
        logging.getLogger("openmash.test").warning("Named: %(v)s", {"v": payload})
    text = buffer.getvalue()
    assert records, "nothing was logged: the test would prove nothing"
    assert not any(r.exc_info for r in records)  # no traceback lines in this run
    _assert_no_forged_lines(text, len(records))
    assert any("Not Found" in line for line in text.splitlines())
    assert "\\x0a" + MARK in text or "\\x0d\\x0a2026" in text  # the payloads are there, escaped


GUNICORN_EVERYTHING = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s %(q)s %(m)s %(H)s '
    "%({x-request-id}i)s %({x-custom}i)s %({raw_uri}e)s"
)


@pytest.mark.parametrize("log_format", [None, GUNICORN_EVERYTHING], ids=["openmash-format", "every-atom"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_gunicorn_access_log_cannot_be_forged(payload, log_format):
    kwargs = {"log_format": log_format} if log_format else {}
    line = access_line(
        "/contacts/" + payload,
        "/contacts/" + quote(payload, safe=""),
        query="q=" + quote(payload),
        headers=[("USER-AGENT", payload), ("X-REQUEST-ID", payload), ("X-CUSTOM", payload), ("REFERER", payload)],
        **kwargs,
    )
    assert line.count("\n") == 1 and line.endswith("\n"), repr(line)
    assert not RAW_CONTROLS.search(line), repr(line)
