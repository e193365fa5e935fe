"""Planner statistics: `openmash dbstats` (and `openmash serve`, hourly) give SQLite the statistics it otherwise
never has; PostgreSQL is left to autovacuum."""

import io

from django.core.management import call_command
from django.db import connection

from openmash.core.dbstats import database_statistics_refresh


def _sqlite_stat_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return 0
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'accounts_user'")
        return cursor.fetchone()[0]


def test_refresh_gives_sqlite_statistics_and_leaves_postgresql_to_autovacuum(db, django_user_model):
    django_user_model.objects.create(username="someone", password="!")
    done = database_statistics_refresh()
    if connection.vendor == "sqlite":
        assert done == "analysed"
        assert _sqlite_stat_rows() > 0  # the user table now has statistics
    else:
        assert done == "left to autovacuum"


def test_dbstats_command_says_what_it_did(db):
    out = io.StringIO()
    call_command("dbstats", stdout=out)
    expected = "analysed" if connection.vendor == "sqlite" else "left to autovacuum"
    assert out.getvalue().strip() == f"Planner statistics: {expected}."
