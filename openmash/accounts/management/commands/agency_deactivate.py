from openmash.accounts.admin_services import SYSTEM, agency_set_active
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "Deactivate an agency: its members can no longer sign in or use API tokens (--reactivate undoes it)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--reason", default="", help="Why (kept in the audit trail; required to deactivate)")
        parser.add_argument("--reactivate", action="store_true")

    def handle(self, *args, **opts):
        agency = agency_set_active(actor=SYSTEM, code=opts["code"], active=opts["reactivate"], reason=opts["reason"])
        self.stdout.write(f"Agency {agency.code} is now {'active' if agency.active else 'deactivated'}.")
