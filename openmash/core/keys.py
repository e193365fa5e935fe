"""The partnership's keys, held outside the database (OWASP ASVS 5.0 13.3.1; ../SECURITY-TESTS CR-1, TE-1).

Three kinds of key, never stored in the database and never logged:

- **field keys**: AES-256-GCM keys (32 bytes) that encrypt narratives, agency answers, case notes, sealed items and
  attachments (``openmash.core.crypto``). Each has a version (a positive integer); new writes use the current
  version, reads use the version stored with the ciphertext, so ``openmash keys rotate`` can add a version and
  re-encrypt while old rows still read.
- **the audit MAC key**: 32 bytes, HMAC-SHA256 over each audit event, so a row written or changed by someone holding
  only the database cannot be made to verify.
- **the audit signing key**: an Ed25519 private key (its 32-byte seed) that signs audit checkpoints; its public key
  verifies them.

Where they come from, first found wins:

1. ``OPENMASH_KEY_FILE``: a JSON key file (mode 0600, written by ``openmash keys generate``)::

       {"format": 1, "field_keys": {"1": "<base64>"}, "field_key_current": 1,
        "audit_mac_key": "<base64>", "audit_signing_key": "<base64 Ed25519 seed>"}

2. the environment: ``OPENMASH_FIELD_KEYS`` ("1:<base64>,2:<base64>"; the highest version is current unless
   ``OPENMASH_FIELD_KEY_CURRENT`` names one), ``OPENMASH_AUDIT_MAC_KEY``, ``OPENMASH_AUDIT_SIGNING_KEY``.

Demo mode (``openmash demo``) writes a key file under var/ on first run (openmash.cli), like its secret key.
A missing or malformed key raises ``KeyConfigurationError`` (an ImproperlyConfigured) naming the variable, never
the value.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_FORMAT = 1
KEY_BYTES = 32


class KeyConfigurationError(ImproperlyConfigured):
    """A key is missing or malformed. The message names where it was looked for, never a key's value."""


@dataclass(frozen=True)
class KeyRing:
    """The keys in force. ``field_keys``: version -> 32-byte AES key; ``field_key_current``: the version new writes
    use; ``audit_mac_key``: 32 bytes; ``audit_signing_seed``: the Ed25519 private key's 32-byte seed."""

    field_keys: dict[int, bytes] = field(default_factory=dict)
    field_key_current: int | None = None
    audit_mac_key: bytes | None = None
    audit_signing_seed: bytes | None = None
    source: str = ""

    def field_key(self, version: int) -> bytes:
        """The AES-256 key of `version`. Raises KeyConfigurationError if that version is not held (a row written under
        a key since destroyed: crypto-shredded, SECURITY-TESTS CR-3)."""
        try:
            return self.field_keys[int(version)]
        except (KeyError, ValueError):
            raise KeyConfigurationError(
                f"field key version {version} is not in {self.source or 'the key ring'}"
            ) from None

    def field_key_in_use(self) -> tuple[int, bytes]:
        """(version, key) for new encryptions. Raises KeyConfigurationError when no field key is configured."""
        if self.field_key_current is None:
            raise KeyConfigurationError(
                "no field encryption key: set OPENMASH_KEY_FILE (openmash keys generate) or OPENMASH_FIELD_KEYS"
            )
        return self.field_key_current, self.field_key(self.field_key_current)

    def audit_mac(self) -> bytes:
        """The 32-byte HMAC key of the audit trail. Raises KeyConfigurationError when not configured."""
        if not self.audit_mac_key:
            raise KeyConfigurationError(
                "no audit MAC key: set OPENMASH_KEY_FILE (openmash keys generate) or OPENMASH_AUDIT_MAC_KEY"
            )
        return self.audit_mac_key

    def audit_signing_key(self):
        """The Ed25519 private key that signs audit checkpoints (cryptography's Ed25519PrivateKey)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if not self.audit_signing_seed:
            raise KeyConfigurationError(
                "no audit signing key: set OPENMASH_KEY_FILE (openmash keys generate) or OPENMASH_AUDIT_SIGNING_KEY"
            )
        return Ed25519PrivateKey.from_private_bytes(self.audit_signing_seed)

    def audit_verify_key(self):
        """The Ed25519 public key matching ``audit_signing_key``."""
        return self.audit_signing_key().public_key()


def _b64_key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{name} is not base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyConfigurationError(f"{name} must be {KEY_BYTES} bytes (base64), not {len(raw)}")
    return raw


def _from_file(path: Path) -> KeyRing:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise KeyConfigurationError(f"OPENMASH_KEY_FILE names a file that does not exist: {path}") from None
    except (OSError, ValueError):
        raise KeyConfigurationError(f"OPENMASH_KEY_FILE is not a readable JSON key file: {path}") from None
    if not isinstance(data, dict) or data.get("format") != KEY_FILE_FORMAT:
        raise KeyConfigurationError(f"OPENMASH_KEY_FILE is not an OpenMASH key file (format {KEY_FILE_FORMAT})")
    field_keys = {int(v): _b64_key(k, f"field key {v}") for v, k in (data.get("field_keys") or {}).items()}
    current = data.get("field_key_current")
    if current is None and field_keys:
        current = max(field_keys)
    if current is not None and int(current) not in field_keys:
        raise KeyConfigurationError(f"field_key_current {current} is not one of the file's field keys")
    mac = data.get("audit_mac_key")
    seed = data.get("audit_signing_key")
    return KeyRing(
        field_keys=field_keys,
        field_key_current=int(current) if current is not None else None,
        audit_mac_key=_b64_key(mac, "audit_mac_key") if mac else None,
        audit_signing_seed=_b64_key(seed, "audit_signing_key") if seed else None,
        source=f"key file {path.name}",
    )


def _from_settings() -> KeyRing:
    field_keys: dict[int, bytes] = {}
    for part in filter(None, (p.strip() for p in (settings.OPENMASH_FIELD_KEYS or "").split(","))):
        version, sep, value = part.partition(":")
        if not sep or not version.isdigit() or int(version) < 1:
            raise KeyConfigurationError('OPENMASH_FIELD_KEYS must be "version:base64key,..." with versions from 1')
        field_keys[int(version)] = _b64_key(value, f"OPENMASH_FIELD_KEYS version {version}")
    current = settings.OPENMASH_FIELD_KEY_CURRENT or (max(field_keys) if field_keys else None)
    if current is not None and int(current) not in field_keys:
        raise KeyConfigurationError(f"OPENMASH_FIELD_KEY_CURRENT {current} is not in OPENMASH_FIELD_KEYS")
    mac = settings.OPENMASH_AUDIT_MAC_KEY
    seed = settings.OPENMASH_AUDIT_SIGNING_KEY
    return KeyRing(
        field_keys=field_keys,
        field_key_current=int(current) if current is not None else None,
        audit_mac_key=_b64_key(mac, "OPENMASH_AUDIT_MAC_KEY") if mac else None,
        audit_signing_seed=_b64_key(seed, "OPENMASH_AUDIT_SIGNING_KEY") if seed else None,
        source="the environment",
    )


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    """The keys in force (read once per process; ``keyring_reset`` re-reads them, e.g. after a rotation)."""
    path = settings.OPENMASH_KEY_FILE
    return _from_file(Path(path)) if path else _from_settings()


def keyring_reset() -> None:
    """Forget the cached key ring (tests, and `openmash keys rotate` after it writes the file)."""
    keyring.cache_clear()


def new_key() -> bytes:
    """32 random bytes from the operating system's CSPRNG (ASVS 11.5.1)."""
    return secrets.token_bytes(KEY_BYTES)


def key_file_data_new() -> dict:
    """A fresh key file's content: field key version 1, an audit MAC key and an audit signing key."""
    enc = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return {
        "format": KEY_FILE_FORMAT,
        "field_keys": {"1": enc(new_key())},
        "field_key_current": 1,
        "audit_mac_key": enc(new_key()),
        "audit_signing_key": enc(new_key()),  # any 32 bytes are a valid Ed25519 seed
    }


def key_file_write(path: Path, data: dict) -> None:
    """Write a key file readable by its owner only (0600), atomically: a temporary file beside it, then a rename, so
    a crash never leaves half a key file. Raises OSError if the directory is not writable."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def key_file_field_key_add(path: Path) -> int:
    """Add a new field key version to the key file at `path` and make it current. Returns the new version. The old
    versions stay (rows still read) until `openmash keys rotate` has re-encrypted everything and they are removed."""
    path = Path(path)
    data = json.loads(path.read_text())
    versions = [int(v) for v in (data.get("field_keys") or {})]
    version = max(versions, default=0) + 1
    data.setdefault("field_keys", {})[str(version)] = base64.b64encode(new_key()).decode()
    data["field_key_current"] = version
    key_file_write(path, data)
    keyring_reset()
    return version
