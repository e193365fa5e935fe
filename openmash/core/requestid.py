"""The current request id, shared by the audit trail and log lines.

Ours is always generated here (a random UUID hex), never taken from the client: an id a client chose could
collide with, or impersonate, another request in the audit trail. A client's own correlation id (its
``X-Request-Id`` header) is kept separately as the *client request id*, only when it is short and made of safe
characters (see ``client_request_id_clean``), so it can be stored and logged without injecting anything.
"""

from __future__ import annotations

import contextvars
import re
import uuid

CLIENT_REQUEST_ID_MAX = 64
_SAFE_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]+$")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("openmash_request_id", default="-")
_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("openmash_client_request_id", default="")


def current_request_id() -> str:
    """Our id of the request being served ("-" outside a request)."""
    return _request_id.get()


def current_client_request_id() -> str:
    """The client's own correlation id for this request, cleaned ("" if none or unusable)."""
    return _client_request_id.get()


def client_request_id_clean(value: str | None) -> str:
    """A client-supplied id, truncated to 64 characters; "" unless it is then only letters, digits and . _ : -
    (no spaces, control characters or newlines, so it cannot forge log lines or break the CSV export)."""
    value = (value or "").strip()[:CLIENT_REQUEST_ID_MAX]
    return value if value and _SAFE_CLIENT_ID.match(value) else ""


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(client_value: str | None = None) -> tuple[contextvars.Token, contextvars.Token]:
    """Start a request: generate our id, keep the client's (cleaned). Returns the tokens for reset_request_id."""
    return _request_id.set(new_request_id()), _client_request_id.set(client_request_id_clean(client_value))


def reset_request_id(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    ours, theirs = tokens
    _client_request_id.reset(theirs)
    _request_id.reset(ours)
