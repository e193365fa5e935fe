"""Log lines that carry no secret, no personal data and no forged lines (issue 5 review, faults 4 and 8).

- `redact_secrets(text)`: every path segment after a prefix in SECRET_URL_PREFIXES (URLs that carry a secret: the
  one-time set-password link `/account/set-password/<uid>/<token>/`) becomes `[redacted]`, and every query string
  becomes `?[redacted]` (the API's people search carries names and dates of birth there).
- `escape_controls(text)`: control characters (C0, DEL, C1), Unicode line and paragraph separators and the
  bidirectional and zero-width formatting characters are written as `\\xNN` / `\\uNNNN`, and a backslash as `\\\\`,
  so a value can never start a new log line, move the cursor or pass for another field (`%0a` in a path).
- `log_value(text)`: both, for any value that came from a request.

Used by the gunicorn access logger (config/gunicorn_logging.py, every field of every access-log line) and by
`RedactFilter` on the application's log handler (Django's request logging: "Not Found: <path>" and the like).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import unquote

from openmash.core.requestid import current_request_id

#: URL prefixes whose following path segments are secrets (grep the URLconfs for tokens when adding a route).
SECRET_URL_PREFIXES: tuple[str, ...] = ("/account/set-password/",)
REDACTED = "[redacted]"

_SECRET_PATH = re.compile(
    "(" + "|".join(re.escape(p) for p in SECRET_URL_PREFIXES) + r")([^\s?#\"]*)", flags=re.IGNORECASE
)
_QUERY = re.compile(r"\?[^\s#\"]*")


def _redact_segments(match: re.Match) -> str:
    rest = match.group(2)
    segments = rest.split("/")
    return match.group(1) + "/".join(REDACTED if s else s for s in segments)


def redact_secrets(text: str) -> str:
    """In: any text that may hold a URL or a path (a request line, a path, a Referer). Out: the same text with the
    segments after a secret-bearing prefix and every query string replaced by `[redacted]`. A percent-encoded
    spelling of a secret URL (as in the raw request line) is caught too: the text is decoded before matching."""
    if not text:
        return text
    decoded = unquote(text) if "%" in text else text
    if _SECRET_PATH.search(decoded):
        text = _SECRET_PATH.sub(_redact_segments, decoded)
    return _QUERY.sub("?" + REDACTED, text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\\":
        return "\\\\"
    if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
        return f"\\x{code:02x}"
    if ch in ("\u2028", "\u2029") or unicodedata.category(ch) == "Cf":
        return f"\\u{code:04x}"
    return ch


def escape_controls(text: str) -> str:
    """In: any text. Out: the text with control and formatting characters escaped (see the module docstring), so
    it stays on one line and shows what was sent."""
    if not text:
        return text
    if text.isprintable() and "\\" not in text and not any(unicodedata.category(c) == "Cf" for c in text):
        return text
    return "".join(_escape_char(ch) for ch in text)


def log_value(value):
    """A value from a request, ready for a log line: strings redacted and escaped, anything else unchanged."""
    return escape_controls(redact_secrets(value)) if isinstance(value, str) else value


class PlainFormatter(logging.Formatter):
    """The application's log format. A traceback names the exception class and the frames, never the exception's
    message, which may hold input values (a name, a date of birth in a ValueError; SECURITY-TESTS.md LG-3), as the
    API's last-resort handler already does (config/api.py)."""

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        import traceback

        exc_type, exc, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = exc_type.__qualname__ if exc_type else "Exception"
        chained = " (raised while handling another exception)" if exc is not None and exc.__context__ else ""
        return f"Traceback (most recent call last):\n{frames}{name}: [message not logged]{chained}"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RedactFilter(logging.Filter):
    """On the application's log handler: the values interpolated into a message (Django's request logging puts the
    path there) are redacted and escaped, and the message text itself is redacted. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(log_value(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: log_value(v) for k, v in record.args.items()}
        return True


class ClientErrorFilter(logging.Filter):
    """On the application's log handler: a refused request (Django's request logging of a 4xx, such as "Forbidden
    (Permission denied)") is one line, without the traceback of the exception that refused it. The refusal is an
    expected outcome, already audited (``deny``), and the traceback only buries real faults; server errors (5xx)
    keep theirs. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.request") and isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
