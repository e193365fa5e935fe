"""`openmash keys rotate|status|retire`: the field encryption keys (ADR 0012; SECURITY-TESTS CR-3).

- ``rotate``: with a key file (OPENMASH_KEY_FILE), add a new field key version and make it current, then re-encrypt
  every encrypted column under it, in batches (each its own transaction) with a progress bar; ``--resume`` only
  re-encrypts (after an interrupted run: nothing done is redone). With keys from the environment it cannot write a
  key: it says how to add one, and re-encrypts whatever is not yet under the current version.
- ``status``: cells per key version per column, and the versions held.
- ``retire VERSION``: remove an old version from the key file once no cell uses it (refused otherwise, and for the
  current version). Backups made before the rotation still hold cells under it: once it is gone they no longer
  decrypt (crypto-shredding). Keep it as long as the retention of those backups requires.

``openmash keys generate --out FILE`` needs no configuration and is handled by openmash.core.keytool.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openmash.core import crypto
from openmash.core.encryption import BATCH_ROWS, key_version_counts, reencrypt_all, rows_to_reencrypt
from openmash.core.keys import KeyConfigurationError, key_file_field_key_add, key_file_write, keyring, keyring_reset


class Command(BaseCommand):
    help = "Field encryption keys: rotate (new version + re-encrypt), status, retire VERSION."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{rotate,status,retire}")
        rotate = sub.add_parser("rotate", help="Add a field key version and re-encrypt every encrypted column")
        rotate.add_argument(
            "--resume", action="store_true", help="Do not add a key: re-encrypt what is not yet under the current one"
        )
        rotate.add_argument(
            "--batch", type=int, default=BATCH_ROWS, help=f"Rows per transaction (default {BATCH_ROWS})"
        )
        rotate.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI)")
        sub.add_parser("status", help="Cells per key version per column")
        retire = sub.add_parser("retire", help="Remove an old field key version no cell uses any more")
        retire.add_argument("version", type=int)

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except KeyConfigurationError as exc:
            raise CommandError(str(exc)) from None
        except crypto.DecryptionFailed as exc:
            raise CommandError(
                f"{exc}; batches before it are saved: fix the row, then `keys rotate --resume`"
            ) from None

    def _audit(self, detail: dict) -> None:
        """An audit event for a change of the field keys: action "configure", detail {"change": ..., versions,
        counts} (never a key)."""
        from openmash.accounts.admin_services import SYSTEM
        from openmash.audit.services import audit_record

        audit_record(
            actor=None, username=SYSTEM.username, action="configure", object_type="core.fieldkey", detail=detail
        )

    def _rotate(self, opts) -> None:
        path = settings.OPENMASH_KEY_FILE
        before = crypto.key_version_current()
        if not opts["resume"]:
            if path:
                version = key_file_field_key_add(Path(path))
                self.stdout.write(f"Added field key version {version} to {Path(path).name} (current from now on).")
            elif not any(rows_to_reencrypt().values()):
                self.stdout.write(
                    f"Field keys come from the environment (current version {before}): add a version to "
                    f'OPENMASH_FIELD_KEYS ("{before}:<old>,{before + 1}:<32 random bytes, base64>", e.g. '
                    "`openssl rand -base64 32`), restart every OpenMASH process with it, then run "
                    "`openmash keys rotate` again to re-encrypt. Nothing to re-encrypt now."
                )
                return
        keyring_reset()
        current = crypto.key_version_current()
        todo = sum(rows_to_reencrypt(current=current).values())
        self.stdout.write(f"Re-encrypting {todo:,} rows under field key version {current}.")
        bar = None
        if not opts["no_progress"] and todo:
            from tqdm import tqdm

            bar = tqdm(total=todo, unit="rows", file=self.stderr._out)
        try:
            done = reencrypt_all(batch=max(1, opts["batch"]), progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.close()
        for table, cells in done.items():
            if cells:
                self.stdout.write(f"  {table}: {cells:,} cells")
        total = sum(done.values())
        left = sum(rows_to_reencrypt(current=current).values())
        self._audit({"change": "field_key_rotate", "from": before, "to": current, "cells": total, "rows_left": left})
        self.stdout.write(f"Re-encrypted {total:,} cells; {left:,} rows left under older versions.")
        if left:
            self.stdout.write("Rows were written under an older key meanwhile: run `openmash keys rotate --resume`.")
        else:
            old = sorted(v for v in keyring().field_keys if v != current)
            if old:
                self.stdout.write(
                    f"No cell uses versions {', '.join(map(str, old))} any more. Remove them (`openmash keys retire "
                    "VERSION`) when backups made before now may no longer be read: they cannot be read without them."
                )

    def _status(self, opts) -> None:
        ring = keyring()
        current = crypto.key_version_current()
        held = ", ".join(str(v) for v in sorted(ring.field_keys))
        self.stdout.write(f"Field keys held: {held} (current {current}; from {ring.source}).")
        totals: dict[int, int] = {}
        for (table, column), counts in key_version_counts().items():
            shown = ", ".join(f"v{v}: {n:,}" for v, n in sorted(counts.items())) or "empty"
            self.stdout.write(f"  {table}.{column}: {shown}")
            for v, n in counts.items():
                totals[v] = totals.get(v, 0) + n
        shown = ", ".join(f"v{v}: {n:,}" for v, n in sorted(totals.items())) or "no encrypted cells"
        self.stdout.write(f"All columns: {shown}.")
        missing = sorted(set(totals) - set(ring.field_keys))
        if missing:
            self.stdout.write(f"Versions not held (those cells cannot be read): {', '.join(map(str, missing))}.")

    def _retire(self, opts) -> None:
        path = settings.OPENMASH_KEY_FILE
        version = opts["version"]
        if not path:
            raise CommandError("keys come from the environment: remove the version from OPENMASH_FIELD_KEYS instead")
        if version == crypto.key_version_current():
            raise CommandError(f"version {version} is the current field key: rotate first")
        used = sum(c.get(version, 0) for c in key_version_counts().values())
        if used:
            raise CommandError(f"{used:,} cells still use version {version}: run `openmash keys rotate --resume` first")
        data = json.loads(Path(path).read_text())
        if str(version) not in (data.get("field_keys") or {}):
            raise CommandError(f"version {version} is not in the key file")
        del data["field_keys"][str(version)]
        key_file_write(Path(path), data)
        keyring_reset()
        self._audit({"change": "field_key_retire", "version": version})
        self.stdout.write(
            f"Field key version {version} removed from {Path(path).name}. Copies of rows encrypted under it "
            "(older backups) can no longer be decrypted here."
        )
