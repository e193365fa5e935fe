"""`openmash token create|list|revoke`: API bearer tokens from the command line.

openmash token create --username U [--agency CODE] [--role ROLE]   print a new token (shown once)
openmash token list [--username U]                                 prefix, user, agency, role, created, expires,
                                                                   last used, status (never the token itself)
openmash token revoke PREFIX-or-id                                 stop a token working at once
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openmash.accounts.services import token_create, token_revoke, tokens_list
from openmash.core.exceptions import NotFound, ValidationFailed


class Command(BaseCommand):
    help = "Create, list or revoke API bearer tokens (only a token's hash is stored; it is shown once)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="Create a token and print it once")
        create.add_argument("--username", required=True)
        create.add_argument("--agency", default="", help="Agency code of the membership to act in")
        create.add_argument("--role", default="", help="Role of the membership to act in")
        listing = sub.add_parser("list", help="List tokens (newest first)")
        listing.add_argument("--username", default="", help="Only this user's tokens")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix (as listed) or id")
        revoke.add_argument("key", metavar="PREFIX-or-id")

    def handle(self, *args, **opts):
        try:
            {"create": self._create, "list": self._list, "revoke": self._revoke}[opts["action"]](opts)
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())) from None
        except NotFound:
            raise CommandError("No single token matches that prefix or id.") from None

    def _create(self, opts):
        token, raw = token_create(username=opts["username"], agency_code=opts["agency"], role=opts["role"])
        self.stdout.write(raw)
        self.stderr.write(f"Expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M %Z}.")

    def _list(self, opts):
        tokens = tokens_list(username=opts["username"])
        if not tokens:
            self.stdout.write("No tokens.")
            return
        now = timezone.now()
        header = ("PREFIX", "USER", "AGENCY", "ROLE", "CREATED", "EXPIRES", "LAST USED", "STATUS")
        rows = [header]
        for t in tokens:
            rows.append(
                (
                    t.prefix,
                    t.user.username,
                    t.membership.agency.code,
                    t.membership.role,
                    f"{timezone.localtime(t.created_at):%Y-%m-%d}",
                    f"{timezone.localtime(t.expires_at):%Y-%m-%d}",
                    f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "never",
                    t.status_at(now),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        for r in rows:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())

    def _revoke(self, opts):
        token, revoked_now = token_revoke(key=opts["key"])
        if revoked_now:
            self.stdout.write(f"Revoked token {token.prefix} of {token.user.username}.")
        else:
            self.stdout.write(f"Token {token.prefix} was already revoked.")
