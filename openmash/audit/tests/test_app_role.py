"""TE-3: the application's PostgreSQL role (`openmash db app-role`) may read and append to the audit tables and do
its normal work (write events, seal them), but UPDATE, DELETE and TRUNCATE on any audit table are refused."""

from __future__ import annotations

import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from openmash.audit.apps import AUDIT_TABLES
from openmash.audit.chain import audit_seal
from openmash.audit.management.commands.db_app_role import app_role_grant
from openmash.audit.models import AuditEvent, AuditSeal
from openmash.audit.services import audit_record

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def app_role(db):
    """A fresh role for this test (roles are cluster-wide: a random name), made inside the test's transaction."""
    name = f"openmash_app_{secrets.token_hex(4)}"
    app_role_grant(name, password=secrets.token_urlsafe(16))
    return name


def _as(role: str):
    class _Role:
        def __enter__(self):
            with connection.cursor() as c:
                c.execute(f"SET ROLE {role}")

        def __exit__(self, *exc):
            with connection.cursor() as c:
                c.execute("RESET ROLE")

    return _Role()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL roles")
def test_the_app_role_cannot_update_delete_or_truncate_the_audit_tables(app_role, make_actor):
    actor = make_actor("screener", "mash")
    event = audit_record(actor=actor, action="view", object_type="x", object_id="1")
    audit_seal()
    attempts = []
    for table in AUDIT_TABLES:
        key = "position" if table == "audit_auditseal" else "id"
        attempts += [
            f"UPDATE {table} SET {key} = {key} WHERE {key} > 0",
            f"DELETE FROM {table} WHERE {key} > 0",
            f"TRUNCATE {table} CASCADE",
        ]
    refused = 0
    with _as(app_role):
        for sql in attempts:
            with (
                pytest.raises(DatabaseError, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as c,
            ):
                c.execute(sql)
            refused += 1
    assert refused == len(attempts) == 12
    assert AuditEvent.objects.filter(pk=event.pk).exists() and AuditSeal.objects.filter(event_id=event.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL roles")
def test_the_app_role_writes_and_seals_events(app_role, make_actor):
    actor = make_actor("screener", "mash")
    with _as(app_role):
        event = audit_record(actor=actor, action="view", object_type="x", object_id="1")
        audit_seal()
        assert AuditSeal.objects.filter(event_id=event.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL roles")
def test_truncate_is_refused_to_a_role_that_is_not_the_owner_even_if_granted(app_role):
    """The second wall (migration audit 0011): a TRUNCATE privilege granted by mistake still meets the trigger."""
    with connection.cursor() as c:
        c.execute(f"GRANT TRUNCATE ON audit_auditcheckpoint TO {app_role}")
    refused = pytest.raises(DatabaseError, match="append-only")
    with _as(app_role), refused, transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE audit_auditcheckpoint")


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL roles")
def test_the_command_is_idempotent_and_never_prints_the_password(app_role, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a-secret-password-here\n"))
    call_command("db_app_role", app_role, "--password-stdin")
    out = capsys.readouterr().out
    assert "a-secret-password-here" not in out and "PASSWORD ***" in out and f"{app_role} ready" in out


def test_the_command_refuses_sqlite_and_odd_names(db):
    if ON_POSTGRES:
        with pytest.raises(CommandError, match="plain identifier"):
            app_role_grant("app; DROP TABLE x")
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            app_role_grant("openmash_app")
