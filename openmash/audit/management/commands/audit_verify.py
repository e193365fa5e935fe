"""`openmash audit verify [--checkpoints FILE] [--no-seal]`: check the whole audit trail (openmash.audit.chain).

Exit status 0 and one line (`audit verify: intact: ...`) when every event's MAC, the whole chain and every
checkpoint hold and the trail reaches the last checkpoint; 1 and one line naming the first bad event otherwise
(`audit verify: FAILED: event 123 at position 120: modified: ...`). The output holds ids, positions, counts and times
only, never personal data.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

EXIT_FAILED = 1


class Command(BaseCommand):
    help = "Verify the audit trail: every event's MAC, the hash chain and the signed checkpoints."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", help="The checkpoint file (default OPENMASH_AUDIT_CHECKPOINT_FILE)")
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal waiting events first (a read-only copy)"
        )

    def handle(self, *args, **opts):
        from openmash.audit.chain import audit_verify

        path = Path(opts["checkpoints"]) if opts["checkpoints"] else None
        result = audit_verify(checkpoints=path, seal=not opts["no_seal"])
        if result.ok:
            self.stdout.write(f"audit verify: {result.summary()}")
            return
        self.stderr.write(f"audit verify: {result.summary()}")
        sys.stderr.flush()
        raise SystemExit(EXIT_FAILED)
