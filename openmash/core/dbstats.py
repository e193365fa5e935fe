"""Planner statistics for the database, so that queries keep their plans as the data grows.

PostgreSQL keeps its own (autovacuum analyses every table as it changes). SQLite keeps none until ANALYZE runs:
without them its planner guesses that any indexed equality matches about ten rows, and on a large hub it then walks
every decided contact by status instead of looking up the few a social worker holds (the MASH pack page took 2 s at
50,000 contacts in the front-door benchmark, and 90 ms with statistics). `openmash serve` refreshes them at start and
every hour; a deployment that runs gunicorn another way runs `openmash dbstats` from its scheduler.
Source: SQLite documentation, "The SQLite Query Optimizer Overview" (ANALYZE) and PRAGMA analysis_limit.
"""

from __future__ import annotations

from django.db import connection

# Rows ANALYZE reads per index on SQLite: approximate statistics in milliseconds, even on millions of audit rows.
SQLITE_ANALYSIS_LIMIT = 1000


def database_statistics_refresh() -> str:
    """Refresh the planner statistics of the default database. SQLite: a bounded ANALYZE (SQLITE_ANALYSIS_LIMIT
    rows per index); PostgreSQL: nothing, autovacuum does it. Returns what was done, for the caller's log."""
    if connection.vendor != "sqlite":
        return "left to autovacuum"
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return "analysed"
