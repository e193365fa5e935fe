"""`openmash db app-role NAME [--password-stdin]`: the least-privilege PostgreSQL login role the application runs
as (SECURITY-TESTS.md TE-3; ASVS 5.0 13.2.2; docs/security/access-and-audit.md "Tamper evidence").

Run it as the database owner (who also runs `openmash migrate`), and again after every migrate (it is idempotent and
grants the tables a migration added). The role gets: CONNECT on the database, USAGE on the schema, SELECT, INSERT,
UPDATE and DELETE on every table except the audit tables, where it gets SELECT and INSERT only (the trail, its
contact index, the chain's seals and the checkpoints; the chain's state row also UPDATE, which the sealer needs),
and USAGE and SELECT on every sequence. It never owns a table, so it cannot drop the audit triggers, ALTER a table or
TRUNCATE (migration audit 0011 also refuses TRUNCATE on the audit tables to any role but their owner). The app then
connects as this role: DATABASE_URL=postgres://NAME:PASSWORD@host/db.
"""

import re
import sys

from django.core.management.base import BaseCommand, CommandError

from openmash.audit.apps import AUDIT_TABLES

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
STATE_TABLE = "audit_auditchainstate"


def app_role_grant(name: str, password: str | None = None) -> list[str]:
    """Create (or bring up to date) the application role `name` on the default database. Returns the statements
    run (the password shown as ***). Raises CommandError on SQLite or for a name that is not a plain identifier."""
    from django.db import connection, transaction
    from psycopg import sql

    if connection.vendor != "postgresql":
        raise CommandError("db app-role is for PostgreSQL (SQLite has no roles: protect the file instead)")
    if not ROLE_NAME.match(name):
        raise CommandError("the role name must be lower-case letters, digits and _ (a plain identifier)")
    role = sql.Identifier(name)
    done: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor

        def run(statement, shown: str | None = None):
            raw.execute(statement)
            done.append(shown or statement.as_string(raw))

        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        if password:
            run(
                sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(sql.SQL(verb), role, sql.Literal(password)),
                f"{verb} ROLE {name} LOGIN PASSWORD ***",
            )
        else:
            run(sql.SQL("{} ROLE {} LOGIN").format(sql.SQL(verb), role))
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        db, sc = sql.Identifier(database), sql.Identifier(schema)
        run(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
        run(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sc, role))
        run(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(sc, role))
        run(sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(sc, role))
        for table in AUDIT_TABLES:
            run(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), role))
        run(sql.SQL("REVOKE DELETE ON {} FROM {}").format(sql.Identifier(STATE_TABLE), role))
        run(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sc, role))
    return done


class Command(BaseCommand):
    help = "Create or update the application's least-privilege PostgreSQL role (audit tables: SELECT and INSERT only)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The login role the application connects as")
        parser.add_argument("--password-stdin", action="store_true", help="Read the role's password from stdin")

    def handle(self, *args, **opts):
        password = sys.stdin.readline().rstrip("\n") if opts["password_stdin"] else None
        for statement in app_role_grant(opts["name"], password):
            self.stdout.write(statement)
        self.stdout.write(f"db app-role: {opts['name']} ready; run this again after every `openmash migrate`.")
