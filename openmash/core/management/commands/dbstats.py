from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Refresh the database's planner statistics (SQLite: a bounded ANALYZE; PostgreSQL: autovacuum's job)."

    def handle(self, *args, **opts):
        from openmash.core.dbstats import database_statistics_refresh

        self.stdout.write(f"Planner statistics: {database_statistics_refresh()}.")
