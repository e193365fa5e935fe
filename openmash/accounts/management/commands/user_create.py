import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from openmash.accounts.services import user_create
from openmash.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Create a user with a membership: openmash user create --username U --agency CODE --role ROLE"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--agency", required=True, help="Agency code")
        parser.add_argument("--role", required=True)
        parser.add_argument("--name", default="", help="Display name")
        parser.add_argument("--team", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input")

    def handle(self, *args, **opts):
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            user = user_create(
                username=opts["username"],
                password=password,
                agency_code=opts["agency"],
                role=opts["role"],
                display_name=opts["name"],
                team_name=opts["team"],
            )
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())) from None
        self.stdout.write(f"Created user {user.username} ({opts['role']} at {opts['agency']}).")
