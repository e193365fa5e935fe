"""SQLite: refuse DELETE on the audit table too (UPDATE was already refused), as PostgreSQL does since 0002.

On SQLite, 0003 (adding a column with a default) rebuilt the table, which drops its triggers: both are created
here (IF NOT EXISTS), and openmash/audit/apps.py re-creates any missing one after every migrate.

Vendor SQL, written by hand. `manage.py flush` (test isolation, `openmash demo --reset`) empties tables with
DELETE on SQLite; it lifts the trigger for the length of the flush only (see openmash/audit/apps.py), as
PostgreSQL's flush uses TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;""",
]
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditevent_client_request_id")]
    operations = [migrations.RunPython(forwards, backwards)]
