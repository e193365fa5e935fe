import getpass
import sys

from django.core.management.base import CommandError

from openmash.access.policy import role_grant_bootstrap_allowed, role_grant_has_approver
from openmash.accounts.admin_services import (
    SYSTEM,
    MembershipSpec,
    grant_requester,
    pending_grants,
    user_add,
    user_set_password_link,
)
from openmash.accounts.management.base import AdminCommand
from openmash.core.links import site_base_url, site_url


class Command(AdminCommand):
    help = (
        "Create a user with a membership: openmash user create --username U --agency CODE --role ROLE. The role "
        "waits for a second partnership admin's approval (only the first partnership admin is given at once). "
        "The password is asked for at the terminal, read from standard input (--password-stdin), or not set at all "
        "(--no-password: a one-time set-password link is printed instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--agency", required=True, help="Agency code")
        parser.add_argument("--role", required=True, help="referrer, researcher, screener, manager, ...")
        parser.add_argument("--name", required=True, help="The user's full name (as colleagues will see it)")
        parser.add_argument("--job-title", default="")
        parser.add_argument("--team", default="", help="Team name in the agency (created if new)")
        parser.add_argument("--email", default="", help="Where a password reset link is sent (optional)")
        parser.add_argument(
            "--requested-by",
            default="",
            metavar="USERNAME",
            help="The partnership admin asking for the role (recorded; they can never approve it)",
        )
        how = parser.add_mutually_exclusive_group()
        how.add_argument("--password-stdin", action="store_true", help="Read the password from standard input")
        how.add_argument(
            "--no-password", action="store_true", help="Set no password; print a one-time set-password link"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Site address to put before the link, e.g. https://mash.example (default: OPENMASH_BASE_URL)",
        )

    def _password(self, opts) -> str | None:
        if opts["no_password"]:
            return None
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input (or use --no-password for a set-password link).")
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask for the password: pipe it in with --password-stdin, or use --no-password."
            )
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except EOFError:
            raise CommandError("No password given.") from None
        if password != again:
            raise CommandError("The passwords do not match.")
        return password

    def handle(self, *args, **opts):
        if opts["no_password"]:
            site_base_url(opts["base_url"])  # before the user is made: a link must be printable
        requester = grant_requester(opts["requested_by"])  # before the password is asked for
        bootstrap = role_grant_bootstrap_allowed(opts["role"])
        password = self._password(opts)
        user = user_add(
            actor=SYSTEM,
            username=opts["username"],
            memberships=[MembershipSpec(agency=opts["agency"], role=opts["role"], team=opts["team"].strip())],
            display_name=opts["name"],
            job_title=opts["job_title"],
            password=password,
            email=opts["email"],
            requested_by=requester,
        )
        waiting = list(pending_grants(user))
        if waiting:
            self._say_waiting(user, waiting[0], opts)
        else:
            self.stdout.write(f"Created user {user.username} ({opts['role']} at {opts['agency']}).")
            if bootstrap:
                self.stdout.write(
                    "No active partnership admin existed, so this first partnership admin role was given at once "
                    "(recorded in the audit trail as the bootstrap). Every later role waits for a second admin."
                )
        if password is None:
            link = site_url(user_set_password_link(actor=SYSTEM, username=user.username), base_url=opts["base_url"])
            self.stdout.write(f"One-time set-password link (give it to them privately): {link}")

    def _say_waiting(self, user, grant, opts) -> None:
        self.stdout.write(
            f"Created user {user.username} without a role: {opts['role']} at {opts['agency']} waits for a second "
            f"partnership admin's approval (grant {grant.pk})."
        )
        if role_grant_has_approver(grant):
            self.stdout.write(
                "Approve it on the approvals page (/partnership/approvals/) or with "
                f"`openmash user approve-grant {grant.pk} --by USERNAME` (a different active partnership admin)."
            )
        else:
            self.stdout.write(
                "Nobody can approve it yet: no other active partnership admin exists. Make one with "
                "`openmash user create --role partnership_admin ...` (the first of a deployment is given at once; a "
                "later one is approved by an existing admin)."
            )
