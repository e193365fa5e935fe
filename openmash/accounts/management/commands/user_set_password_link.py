from openmash.accounts.admin_services import SYSTEM, user_set_password_link
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = (
        "Print a one-time link for the user to set their password. Any password they had stops working and any "
        "earlier link is void. Give it to them privately (it is shown once and never stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--base-url", default="", help="Site address to put before the link, e.g. https://mash.example"
        )

    def handle(self, *args, **opts):
        link = user_set_password_link(actor=SYSTEM, username=opts["username"])
        self.stdout.write(f"{opts['base_url'].rstrip('/')}{link}")
