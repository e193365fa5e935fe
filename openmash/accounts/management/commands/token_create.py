from django.core.management.base import BaseCommand, CommandError

from openmash.accounts.services import token_create
from openmash.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Create an API bearer token for a user and print it (shown once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--agency", default="", help="Agency code of the membership to act in")
        parser.add_argument("--role", default="", help="Role of the membership to act in")

    def handle(self, *args, **opts):
        try:
            _, raw = token_create(username=opts["username"], agency_code=opts["agency"], role=opts["role"])
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())) from None
        self.stdout.write(raw)
