from openmash.accounts.admin_services import SYSTEM, team_add
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "Create a team in an agency (nothing happens if it exists)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="Agency code")
        parser.add_argument("--name", required=True)

    def handle(self, *args, **opts):
        team, created = team_add(actor=SYSTEM, agency_code=opts["agency"], name=opts["name"])
        self.stdout.write(f"Team {team.name} at {opts['agency']} {'created' if created else 'already exists'}.")
