"""What an attacker holding the database file (or a superuser's connection) can do to the trail, for the tamper
tests: lift the append-only triggers, then change rows with raw SQL. Inside the test's transaction, so every change
(triggers included) is undone when the test ends."""

from __future__ import annotations

import secrets

from django.db import connection

from openmash.audit.apps import AUDIT_TABLES
from openmash.audit.canonical import chain_genesis, chain_next

EVENT_COLUMNS = [
    "at",
    "actor_user_id",
    "actor_username",
    "agency_code",
    "role",
    "action",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "client_request_id",
    "detail",
    "mac",
]


def triggers_lift() -> None:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":  # a superuser's session: no triggers fire (for this transaction)
            c.execute("SET LOCAL session_replication_role = replica")
            return
        for table in AUDIT_TABLES:
            c.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            c.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def sql(statement: str, params=()) -> None:
    triggers_lift()
    with connection.cursor() as c:
        c.execute(statement, params)


def swap(a: int, b: int) -> None:
    """Swap every column but the id of two events (their MACs too)."""
    triggers_lift()
    cols = ", ".join(EVENT_COLUMNS)
    with connection.cursor() as c:
        c.execute(f"SELECT {cols} FROM audit_auditevent WHERE id = %s", [a])
        row_a = c.fetchone()
        c.execute(f"SELECT {cols} FROM audit_auditevent WHERE id = %s", [b])
        row_b = c.fetchone()
        sets = ", ".join(f"{col} = %s" for col in EVENT_COLUMNS)
        for target, row in ((a, row_b), (b, row_a)):
            c.execute(f"UPDATE audit_auditevent SET {sets} WHERE id = %s", [*_plain(row), target])


def _plain(row):
    import json

    return [json.dumps(v) if isinstance(v, dict) else v for v in row]


def chain_rewrite(key: bytes, from_position: int, *, mac_of_event=None) -> None:
    """Recompute every seal's chain value from `from_position` on with `key` (an attacker's guess, or the real MAC
    key of an insider), after setting the seal's event MAC with `mac_of_event(event_id) -> hex` when given."""
    from openmash.audit.models import AuditChainState, AuditSeal

    triggers_lift()
    state = AuditChainState.objects.get(pk=1)
    before = AuditSeal.objects.filter(position=from_position - 1).values_list("chain", flat=True).first()
    previous = bytes.fromhex(before) if before else chain_genesis(key, state.trail, state.legacy_max_id)
    with connection.cursor() as c:
        seals = AuditSeal.objects.filter(position__gte=from_position).values_list("position", "event_id", "event_mac")
        for position, event_id, event_mac in list(seals):
            if mac_of_event is not None:
                event_mac = mac_of_event(event_id)
            previous = chain_next(key, previous, position, event_id, event_mac)
            c.execute(
                "UPDATE audit_auditseal SET event_mac = %s, chain = %s WHERE position = %s",
                [event_mac, previous.hex(), position],
            )


def random_key() -> bytes:
    return secrets.token_bytes(32)
