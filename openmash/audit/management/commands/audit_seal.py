"""`openmash audit seal [--full]`: seal the audit events not yet in the hash chain (openmash.audit.chain)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seal the audit events not yet in the hash chain (serve does it every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="Scan the whole trail, not just from the watermark (after a restore)"
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        from openmash.audit.chain import audit_seal

        result = audit_seal(full=opts["full"])
        if not opts["quiet"]:
            self.stdout.write(
                f"audit seal: {result.sealed:,} events sealed; the chain is at position {result.position:,}"
            )
