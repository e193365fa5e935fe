from django.core.management.base import BaseCommand

from openmash.enquiries.services import agency_requests_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue agency information requests to hub managers and the agency (run every few minutes)."

    def handle(self, *args, **opts):
        count = agency_requests_escalate_overdue()
        if opts["verbosity"] > 0:
            self.stdout.write(f"Escalated {count} overdue request(s).")
