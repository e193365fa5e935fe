"""`openmash audit checkpoint [--file FILE]`: seal, then sign where the chain ends and append it to the checkpoint
file outside the database (openmash.audit.chain.audit_checkpoint)."""

from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seal and sign a checkpoint of the audit chain into the checkpoint file (serve does it every 5 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="The checkpoint file (default OPENMASH_AUDIT_CHECKPOINT_FILE)")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        from openmash.audit.chain import audit_checkpoint, checkpoint_file

        path = Path(opts["file"]) if opts["file"] else checkpoint_file()
        cp = audit_checkpoint(path=path)
        if not opts["quiet"]:
            self.stdout.write(
                f"audit checkpoint {cp['n']}: position {cp['position']:,} at {cp['at']}, appended to {path}"
            )
