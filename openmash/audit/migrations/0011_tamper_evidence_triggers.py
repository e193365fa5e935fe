"""The database refuses changes to every audit table (tamper evidence, SECURITY-TESTS.md TE-3). Vendor SQL, written
by hand.

- SQLite: UPDATE and DELETE refused on the event contact index, the seals and the checkpoints, as on the trail since
  0004 (openmash/audit/apps.py re-creates any trigger a table rebuild drops, and lets `flush` lift them for itself).
- PostgreSQL: UPDATE and DELETE refused for every role on those three tables (row triggers, as on the trail since
  0002), and TRUNCATE refused on all four for any role that is not the table's owner (statement triggers): the
  application's own login role (`openmash db app-role`) also lacks the privileges, this is the second wall. The owner
  keeps TRUNCATE for maintenance (`flush` in the test runner and the demo's reset).
"""

from django.db import migrations

TABLES = ["audit_auditeventcontact", "audit_auditseal", "audit_auditcheckpoint"]
ALL_TABLES = ["audit_auditevent", *TABLES]

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION openmash_audit_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION openmash_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _pg_up() -> list[str]:
    sql = [PG_FUNCTIONS]
    for table in TABLES:
        sql.append(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION openmash_audit_refuse();"
        )
    for table in ALL_TABLES:
        sql.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION openmash_audit_refuse_truncate();"
        )
    return sql


def _pg_down() -> list[str]:
    sql = [f"DROP TRIGGER IF EXISTS {t}_no_update ON {t};" for t in TABLES]
    sql += [f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};" for t in ALL_TABLES]
    sql += [
        "DROP FUNCTION IF EXISTS openmash_audit_refuse_truncate();",
        "DROP FUNCTION IF EXISTS openmash_audit_refuse();",
    ]
    return sql


def _sqlite_up() -> list[str]:
    sql = []
    for table in TABLES:
        for verb in ("update", "delete"):
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
    return sql


def _sqlite_down() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_no_{v};" for t in TABLES for v in ("update", "delete")]


def forwards(apps, schema_editor):
    for sql in _pg_up() if schema_editor.connection.vendor == "postgresql" else _sqlite_up():
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in _pg_down() if schema_editor.connection.vendor == "postgresql" else _sqlite_down():
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0010_tamper_evidence")]
    operations = [migrations.RunPython(forwards, backwards)]
