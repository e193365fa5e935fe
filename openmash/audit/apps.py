from django.apps import AppConfig

AUDIT_TABLE = "audit_auditevent"
#: Every append-only audit table: the trail, its contact index, the chain's seals and the signed checkpoints.
AUDIT_TABLES = (AUDIT_TABLE, "audit_auditeventcontact", "audit_auditseal", "audit_auditcheckpoint")
_SQLITE_DELETE_TRIGGER = "audit_auditevent_no_delete"


def _trigger_sql(table: str, verb: str, *, if_not_exists: bool = True) -> str:
    guard = "IF NOT EXISTS " if if_not_exists else ""
    return (
        f"CREATE TRIGGER {guard}{table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
    )


_SQLITE_DELETE_TRIGGER_SQL = _trigger_sql(AUDIT_TABLE, "delete", if_not_exists=False)
_SQLITE_TRIGGERS = [_trigger_sql(table, verb) for table in AUDIT_TABLES for verb in ("update", "delete")]


def sqlite_triggers_ensure(sender=None, using="default", **kwargs) -> None:
    """post_migrate: SQLite drops a table's triggers when a migration rebuilds the table (most column changes do).
    Re-create the append-only triggers of every audit table that exists and is missing them."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in AUDIT_TABLES:
            if table in tables:
                for verb in ("update", "delete"):
                    cursor.execute(_trigger_sql(table, verb))


def _sqlite_flush_lifts_the_delete_trigger() -> None:
    """`manage.py flush` on SQLite empties tables with DELETE, which the audit triggers refuse. PostgreSQL's flush
    uses TRUNCATE (a database-owner maintenance operation that row triggers do not see; migration audit 0011 refuses
    it to every other role), so `flush` empties the audit tables there. Give SQLite's flush the same power, and only
    it: the DELETE triggers of the audit tables it empties are dropped and re-created around the flush's own
    DELETEs, inside the flush's transaction. Raw DELETEs stay refused."""
    from django.db.backends.sqlite3.base import DatabaseOperations  # via base: operations alone is circular

    original = DatabaseOperations.sql_flush
    if getattr(original, "_openmash_audit", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        flushed = [t for t in AUDIT_TABLES if any(t in s for s in statements)]
        if not flushed:
            return statements
        drop = [f"DROP TRIGGER IF EXISTS {t}_no_delete;" for t in flushed]
        create = [_trigger_sql(t, "delete", if_not_exists=False) for t in flushed]
        return [*drop, *statements, *create]

    sql_flush._openmash_audit = True
    DatabaseOperations.sql_flush = sql_flush


class AuditConfig(AppConfig):
    name = "openmash.audit"
    label = "audit"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from openmash.audit import receivers  # noqa: F401  (sign-in, sign-out, failed sign-in, lockout)

        _sqlite_flush_lifts_the_delete_trigger()
        post_migrate.connect(sqlite_triggers_ensure, sender=self, dispatch_uid="openmash_audit_sqlite_triggers")
