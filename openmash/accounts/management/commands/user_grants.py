"""`openmash user grants`: the roles waiting for a second partnership admin's approval (dual control, ADR 0019)."""

from __future__ import annotations

from openmash.accounts.admin_services import role_grants_pending
from openmash.accounts.management.base import AdminCommand


class Command(AdminCommand):
    help = "List the roles waiting for approval: id, user, role, agency, who asked and when."

    def handle(self, *args, **opts):
        grants = role_grants_pending()
        if not grants:
            self.stdout.write("No roles are waiting for approval.")
            return
        for g in grants:
            self.stdout.write(
                f"{g.pk}  {g.user.username}  {g.role} at {g.agency.code}"
                f"{f' ({g.team})' if g.team else ''}  asked by {g.requester_label} on {g.created_at:%Y-%m-%d %H:%M}"
            )
        self.stdout.write(
            "Approve one with `openmash user approve-grant ID --by USERNAME` (a different partnership admin)."
        )
