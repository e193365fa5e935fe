"""The canonical bytes of an audit event and its MAC, the chain's links and its first value (tamper evidence,
SECURITY-TESTS.md TE-1; docs/security/access-and-audit.md "Tamper evidence").

An event's canonical bytes are the JSON array (sorted keys, no whitespace, ASCII only)::

    [1, id, at, actor_user_id, actor_username, agency_code, role, action, object_type, object_id, reason,
     request_id, client_request_id, detail, contacts]

- ``at``: UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six fractional digits);
- ``actor_user_id``: an integer or null; the texts as stored;
- ``detail``: the JSON object as stored (so it is compared as data, whatever order or spacing a database keeps);
- ``contacts``: the ids of the contacts the event is indexed to (AuditEventContact), as 32 lowercase hex digits,
  sorted.

``mac`` = HMAC-SHA256(audit MAC key, b"openmash.audit.event\\x00" + canonical bytes), as 64 hex digits. A link of the
chain is HMAC-SHA256(key, b"openmash.audit.chain\\x00" + previous chain (32 bytes) + position (8 bytes, big endian) +
event id (8 bytes, big endian, two's complement) + event MAC (32 bytes)); the value before the first link is
HMAC-SHA256(key, b"openmash.audit.genesis\\x00" + trail id (16 bytes) + legacy_max_id (8 bytes)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid

FORMAT = 1
_EVENT = b"openmash.audit.event\x00"
_CHAIN = b"openmash.audit.chain\x00"
_GENESIS = b"openmash.audit.genesis\x00"
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode


def at_text(at: dt.datetime) -> str:
    """An event time as the canonical text: UTC, microseconds always shown, "Z". A naive time is taken as UTC (as
    SQLite stores them)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sqlite_at_text(stored) -> str:
    """The canonical text of a time as Django stores it in SQLite ("YYYY-MM-DD HH:MM:SS[.ffffff]", naive UTC), read
    as text or as the naive datetime Django's SQLite converters give."""
    if isinstance(stored, dt.datetime):
        return at_text(stored)
    if len(stored) == 26 and stored[10] == " ":
        return f"{stored[:10]}T{stored[11:]}Z"
    if len(stored) == 19:
        return f"{stored[:10]}T{stored[11:]}.000000Z"
    return at_text(dt.datetime.fromisoformat(stored))


def contact_text(contact_id) -> str:
    """A contact id (UUID, or its text with or without hyphens) as 32 lowercase hex digits."""
    if isinstance(contact_id, uuid.UUID):
        return contact_id.hex
    return uuid.UUID(str(contact_id)).hex


def detail_clean(detail) -> dict:
    """The detail as the database will give it back: JSON data only (tuples become lists, keys text), and floats
    that JSON would write with an exponent of 16 or more (PostgreSQL's jsonb keeps their digits, not the exponent)
    as integers when whole, else as text. Raises TypeError for anything that is not JSON data."""
    data = json.loads(json.dumps(detail or {}, allow_nan=False))
    if "e+" not in json.dumps(data):
        return data
    return _floats_plain(data)


def _floats_plain(value):
    if isinstance(value, float) and "e+" in repr(value):
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return {k: _floats_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_plain(v) for v in value]
    return value


def event_message(
    event_id: int,
    at: str,
    actor_user_id,
    actor_username: str,
    agency_code: str,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    request_id: str,
    client_request_id: str,
    detail,
    contacts: list[str],
) -> bytes:
    """The canonical bytes (see the module docstring). ``at`` is already canonical text; ``contacts`` sorted."""
    return _dumps(
        [
            FORMAT,
            event_id,
            at,
            actor_user_id,
            actor_username,
            agency_code,
            role,
            action,
            object_type,
            object_id,
            reason,
            request_id,
            client_request_id,
            detail,
            contacts,
        ]
    ).encode()


def mac_of(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of an event's canonical bytes, 64 hex digits."""
    return hmac.digest(key, _EVENT + message, hashlib.sha256).hex()


def event_mac(key: bytes, event, contacts=()) -> str:
    """The MAC of an audit event (a model instance, its id set) indexed to ``contacts`` (ids in any form)."""
    return mac_of(
        key,
        event_message(
            event.id,
            at_text(event.at),
            event.actor_user_id,
            event.actor_username,
            event.agency_code,
            event.role,
            event.action,
            event.object_type,
            event.object_id,
            event.reason,
            event.request_id,
            event.client_request_id,
            event.detail,
            sorted(contact_text(c) for c in contacts),
        ),
    )


def chain_next(key: bytes, previous: bytes, position: int, event_id: int, event_mac_hex: str) -> bytes:
    """The chain value after sealing ``event_id`` (MAC ``event_mac_hex``) at ``position``: 32 bytes."""
    message = (
        _CHAIN
        + previous
        + position.to_bytes(8, "big")
        + event_id.to_bytes(8, "big", signed=True)
        + _mac_bytes(event_mac_hex)
    )
    return hmac.digest(key, message, hashlib.sha256)


def _mac_bytes(mac_hex: str) -> bytes:
    try:
        return bytes.fromhex(mac_hex)
    except (TypeError, ValueError):  # not a MAC at all (a changed row): its text, which no true MAC equals
        return str(mac_hex).encode()


def chain_genesis(key: bytes, trail: uuid.UUID, legacy_max_id: int) -> bytes:
    """The chain value before position 1: binds the trail's id and the legacy boundary into every link."""
    return hmac.digest(key, _GENESIS + trail.bytes + legacy_max_id.to_bytes(8, "big", signed=True), hashlib.sha256)


__all__ = [
    "at_text",
    "chain_genesis",
    "chain_next",
    "contact_text",
    "detail_clean",
    "event_mac",
    "event_message",
    "mac_of",
    "sqlite_at_text",
]
