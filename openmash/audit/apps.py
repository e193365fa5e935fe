from django.apps import AppConfig

AUDIT_TABLE = "audit_auditevent"
_SQLITE_DELETE_TRIGGER = "audit_auditevent_no_delete"
_SQLITE_DELETE_TRIGGER_SQL = (
    f"CREATE TRIGGER {_SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {AUDIT_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;"
)
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON {AUDIT_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;",
    _SQLITE_DELETE_TRIGGER_SQL.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"),
]


def sqlite_triggers_ensure(sender=None, using="default", **kwargs) -> None:
    """post_migrate: SQLite drops a table's triggers when a migration rebuilds the table (most column changes do).
    Re-create the append-only triggers if the audit table exists and they are missing."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or AUDIT_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in _SQLITE_TRIGGERS:
            cursor.execute(sql)


def _sqlite_flush_lifts_the_delete_trigger() -> None:
    """`manage.py flush` on SQLite empties tables with DELETE, which the audit trigger refuses. PostgreSQL's flush
    uses TRUNCATE (a database-owner maintenance operation that row triggers do not see), so `flush` empties the
    audit table there. Give SQLite's flush the same power, and only it: the trigger is dropped and re-created
    around the flush's own DELETE, inside the flush's transaction. Raw DELETEs stay refused."""
    from django.db.backends.sqlite3.base import DatabaseOperations  # via base: operations alone is circular

    original = DatabaseOperations.sql_flush
    if getattr(original, "_openmash_audit", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not any(AUDIT_TABLE in s for s in statements):
            return statements
        return [f"DROP TRIGGER IF EXISTS {_SQLITE_DELETE_TRIGGER};", *statements, _SQLITE_DELETE_TRIGGER_SQL]

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
