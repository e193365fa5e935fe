from openmash.accounts.admin_services import SYSTEM, agency_upsert
from openmash.accounts.choices import AgencyType, HealthService
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "Create an agency, or bring an existing one (same code) up to date."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="Short code: lower-case letters, digits, hyphens")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, help=", ".join(AgencyType.values))
        parser.add_argument(
            "--source-code", required=True, help="CIN census referral source for its contacts (6 police, 2A school...)"
        )
        parser.add_argument("--health-service", default="", help=", ".join(HealthService.values))
        parser.add_argument("--hub", action="store_true", help="This agency is the MASH itself")

    def handle(self, *args, **opts):
        agency, outcome = agency_upsert(
            actor=SYSTEM,
            data={
                "code": opts["code"],
                "name": opts["name"],
                "type": opts["type"],
                "source_code": opts["source_code"],
                "health_service": opts["health_service"],
                "hub": opts["hub"],
            },
        )
        self.stdout.write(f"Agency {agency.code} {outcome}.")
