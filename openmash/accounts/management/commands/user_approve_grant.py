"""`openmash user approve-grant ID --by USERNAME [--password-stdin] --code CODE [--reject]`: a pending role grant
decided at the server's command line by a different active partnership admin (dual control, ADR 0019), who proves
it is them with their password (standard input, or asked at the terminal) and the current code of their
authenticator app, checked as the pages' step-up checks them. Never by the admin who asked for it nor by the person
it is for; a deactivated admin is refused. The decision is audited as the named admin, with the command line and
the operating-system user beside it; a refusal is one line, exit 1, audited."""

from __future__ import annotations

import logging

from openmash.accounts.admin_services import role_grant_decide_at_cli
from openmash.accounts.management.base import AdminCommand
from openmash.core.exceptions import ValidationFailed
from openmash.core.links import site_url


class Command(AdminCommand):
    help = (
        "Approve (or --reject) a role waiting for approval, as a different active partnership admin (--by), who "
        "proves it is them: their password (--password-stdin, or asked) and authenticator app code (--code)."
    )

    def add_arguments(self, parser):
        parser.add_argument("grant_id", metavar="ID", help="The grant's id (`openmash user grants` lists them)")
        parser.add_argument("--by", required=True, help="The approving partnership admin's username")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the approver's password from standard input (else it is asked at the terminal)",
        )
        parser.add_argument("--code", default="", help="The current 6-digit code from the approver's authenticator app")
        parser.add_argument("--reject", action="store_true", help="Reject the role instead: nothing changes")
        parser.add_argument(
            "--base-url",
            default="",
            help="Site address to put before a starter's set-password link (default: OPENMASH_BASE_URL)",
        )


    def handle(self, *args, **opts):
        password, code = self._proof(opts)
        # django-axes logs each failed check as a warning on standard error; the refusal is one line here (the
        # failure is audited and counted all the same)
        axes_log = logging.getLogger("axes")
        level = axes_log.level
        axes_log.setLevel(logging.ERROR)
        try:
            decision = role_grant_decide_at_cli(
                grant_id=opts["grant_id"], by=opts["by"], approve=not opts["reject"], password=password, code=code
            )
        finally:
            axes_log.setLevel(level)
        grant = decision.grant
        verb = "Rejected" if opts["reject"] else "Approved"
        self.stdout.write(f"{verb}: {grant.role} at {grant.agency.code} for {grant.user.username}, by {opts['by']}.")
        if decision.link:
            try:
                link = site_url(decision.link, base_url=opts["base_url"])
            except ValidationFailed:  # the role is given; a link can be made once the site's address is known
                self.stdout.write(
                    "They have never set a password: set OPENMASH_BASE_URL (or --base-url) and run "
                    f"`openmash user set-password-link --username {grant.user.username}` for their link."
                )
                return
            self.stdout.write(
                f"They have never set a password: one-time set-password link (give it to them privately): {link}"
            )
