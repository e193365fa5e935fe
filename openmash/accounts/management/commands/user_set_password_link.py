from openmash.accounts.admin_services import SYSTEM, user_set_password_link
from openmash.accounts.management.base import AdminCommand
from openmash.core.links import site_base_url, site_url


class Command(AdminCommand):
    help = (
        "Print a one-time link for the user to set their password. Any password they had stops working and any "
        "earlier link is void. Give it to them privately (it is shown once and never stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--base-url",
            default="",
            help="Site address to put before the link, e.g. https://mash.example (default: OPENMASH_BASE_URL)",
        )

    def handle(self, *args, **opts):
        site_base_url(opts["base_url"])  # before the old link and password are voided
        link = user_set_password_link(actor=SYSTEM, username=opts["username"])
        self.stdout.write(site_url(link, base_url=opts["base_url"]))
