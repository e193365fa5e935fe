from openmash.accounts.admin_services import SYSTEM, user_unlock
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "Clear a sign-in lockout (failed attempts) for a username."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)

    def handle(self, *args, **opts):
        cleared = user_unlock(actor=SYSTEM, username=opts["username"])
        self.stdout.write(
            f"Cleared {cleared} failed sign-in record(s) for {opts['username']}."
            if cleared
            else f"{opts['username']} was not locked out."
        )
