"""`openmash oversight overdue`: how many break-glass alerts are overdue for review (ADR 0014 addendum)."""

from django.core.management.base import BaseCommand, CommandError

from openmash.oversight.selectors import overdue_count_all, review_days


class Command(BaseCommand):
    help = (
        "Print how many break-glass alerts are still unreviewed more than OPENMASH_BREAK_GLASS_REVIEW_DAYS calendar "
        "days after they were raised (a count only: no names, no references). --fail-if-any: exit 1 when there are "
        "any (for monitoring)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail-if-any", action="store_true", help="exit with status 1 when any alert is overdue")

    def handle(self, *args, **opts):
        count = overdue_count_all()
        self.stdout.write(
            f"{count} break-glass alert(s) overdue for review (not reviewed within {review_days()} days)."
        )
        if count and opts["fail_if_any"]:
            raise CommandError(f"{count} break-glass alert(s) overdue for review", returncode=1)
