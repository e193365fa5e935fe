from openmash.accounts.admin_services import SYSTEM, user_set_active
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "Deactivate a user (a leaver): they can no longer sign in and their API tokens stop working."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--reason", default="", help="Why (kept in the audit trail; required to deactivate)")
        parser.add_argument("--reactivate", action="store_true", help="Undo: make the user active again")

    def handle(self, *args, **opts):
        user = user_set_active(
            actor=SYSTEM, username=opts["username"], active=opts["reactivate"], reason=opts["reason"]
        )
        self.stdout.write(f"{user.username} is now {'active' if user.is_active else 'deactivated'}.")
        if getattr(user, "grants_pending", 0):
            self.stdout.write(
                f"{user.grants_pending} role(s) held back until a second person approves them: "
                "openmash user grants, then openmash user approve-grant ID --by USER"
            )
