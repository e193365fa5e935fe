"""Field encryption at rest: AES-256-GCM with the row's place as associated data (SECURITY-TESTS CR-1, CR-3;
OWASP ASVS 5.0 11.3.2 AES-GCM class cipher, 11.3.3 authenticated encryption, 11.3.4 nonce never reused per key,
11.2.1 a vetted library: pyca/cryptography's ``AESGCM``).

An encrypted value is stored as one line of ASCII text, the **envelope**::

    v1:<key version>:<base64 of nonce (12 bytes) + ciphertext + GCM tag (16 bytes)>

- ``v1``: this envelope's format (a later format gets another prefix; readers refuse prefixes they do not know).
- key version: the field key (``openmash.core.keys``) that encrypted it, a positive integer in decimal. Reads use
  this version, so rows written before a rotation still read until ``openmash keys rotate`` re-encrypts them.
- the nonce: 96 random bits from the operating system's CSPRNG for every encryption (NIST SP 800-38D 8.2.2: with
  random nonces keep to at most 2^32 encryptions per key; a rotation starts a new key long before that).

**Associated data** (authenticated, not stored): where the value lives and under which key, so a ciphertext copied
to another row, another column or another table, or relabelled with another key version, fails to decrypt::

    b"openmash-field\\x00" + for each of (table, column, primary key, key version):
        4-byte big-endian length + the UTF-8 bytes

(length-prefixed, so no two different tuples give the same bytes). The primary key is written in its canonical
text form (a UUID as ``str(uuid.UUID(...))``: lower-case hex with hyphens, whichever way the database returned it).

Sizes: an envelope is about ``4/3 * (len(plaintext in UTF-8) + 28) + 6`` characters.

Errors: ``DecryptionFailed`` for anything that does not decrypt (a wrong row or column, a tampered or truncated
value, an unknown format) and ``openmash.core.keys.KeyConfigurationError`` when the key version is not held (a key
destroyed after a rotation: the value is crypto-shredded). Never returns garbage.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from openmash.core.keys import keyring, keyring_reset

ENVELOPE_PREFIX = "v1:"
NONCE_BYTES = 12  # 96 bits, GCM's standard nonce (NIST SP 800-38D 5.2.1.1)
TAG_BYTES = 16
_AAD_DOMAIN = b"openmash-field\x00"


_key_file_seen: list = [None]  # (path, mtime_ns, size) of the key file the cached key ring was read from


def _ring():
    """The key ring, re-read when the key file changed since it was read (``openmash keys rotate`` adds a version,
    ``keys retire`` removes one), so every running process follows the file without a restart: one stat() per
    call. Keys from the environment are read once per process (a restart applies a change)."""
    path = settings.OPENMASH_KEY_FILE
    if path:
        try:
            st = os.stat(path)
            seen = (path, st.st_mtime_ns, st.st_size)
        except OSError:
            seen = (path, None, None)
        if seen != _key_file_seen[0]:
            keyring_reset()
            _key_file_seen[0] = seen
    return keyring()


def key_version_current() -> int:
    """The field key version new encryptions use. Raises KeyConfigurationError when none is configured."""
    return _ring().field_key_in_use()[0]


class DecryptionFailed(ValueError):
    """A stored value did not decrypt: not an envelope, tampered with, or moved from another row, column or table
    (its associated data differs). The message names the table and column, never the value."""


def pk_text(pk) -> str:
    """The canonical text of a primary key for the associated data: a UUID (object, 32-hex or hyphenated string,
    as SQLite and PostgreSQL return it) -> lower-case hyphenated hex; anything else -> str(pk)."""
    if isinstance(pk, uuid.UUID):
        return str(pk)
    text = str(pk)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


def associated_data(table: str, column: str, pk, key_version: int) -> bytes:
    """The associated data binding a value to its place: table, column, primary key and key version, each
    length-prefixed (4 bytes, big-endian) after a domain label. Shapes: table/column as in the database
    (``contacts_contact``, ``narrative``)."""
    parts = [table, column, pk_text(pk), str(int(key_version))]
    out = [_AAD_DOMAIN]
    for part in parts:
        raw = part.encode("utf-8")
        out.append(struct.pack(">I", len(raw)))
        out.append(raw)
    return b"".join(out)


def is_envelope(value) -> bool:
    """Whether `value` looks like an envelope of this module (prefix and key version; not whether it decrypts)."""
    if not isinstance(value, str) or not value.startswith(ENVELOPE_PREFIX):
        return False
    version, sep, _ = value[len(ENVELOPE_PREFIX) :].partition(":")
    return bool(sep) and version.isdigit()


def envelope_key_version(value: str) -> int:
    """The key version an envelope was written under. Raises DecryptionFailed if it is not an envelope."""
    if not is_envelope(value):
        raise DecryptionFailed("not an encrypted value (no v1 envelope)")
    return int(value[len(ENVELOPE_PREFIX) :].partition(":")[0])


def encrypt(plaintext: str, *, table: str, column: str, pk, key_version: int | None = None) -> str:
    """Encrypt `plaintext` (str) for the cell (table, column, pk) under the current field key (or `key_version`).
    Returns the envelope text. A fresh random 96-bit nonce each call. Raises KeyConfigurationError when no field key
    is configured."""
    ring = _ring()
    if key_version is None:
        key_version, key = ring.field_key_in_use()
    else:
        key = ring.field_key(key_version)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), associated_data(table, column, pk, key_version))
    return f"{ENVELOPE_PREFIX}{int(key_version)}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def encrypter(*, table: str, column: str):
    """``encrypt`` for many cells of one (table, column): returns ``seal(pk, plaintext) -> envelope text``, each
    call exactly what ``encrypt(plaintext, table=table, column=column, pk=pk)`` returns (the current field key, a
    fresh random nonce, the same associated data), with the key ring read and the cipher made once. For bulk
    writers of many rows at once (the speed bench's set-up); the key in use is the one current when it was made.
    Raises KeyConfigurationError when no field key is configured."""
    key_version, key = _ring().field_key_in_use()
    cipher = AESGCM(key)
    head = f"{ENVELOPE_PREFIX}{int(key_version)}:"
    fixed = [_AAD_DOMAIN]
    for part in (table, column):
        raw = part.encode("utf-8")
        fixed += [struct.pack(">I", len(raw)), raw]
    prefix = b"".join(fixed)
    version = str(int(key_version)).encode("utf-8")
    tail = struct.pack(">I", len(version)) + version
    urandom, b64, pack = os.urandom, base64.b64encode, struct.pack

    def seal(pk, plaintext: str) -> str:
        raw_pk = pk_text(pk).encode("utf-8")
        aad = prefix + pack(">I", len(raw_pk)) + raw_pk + tail
        nonce = urandom(NONCE_BYTES)
        return head + b64(nonce + cipher.encrypt(nonce, plaintext.encode("utf-8"), aad)).decode("ascii")

    return seal


def decrypt(envelope: str, *, table: str, column: str, pk) -> str:
    """The plaintext of `envelope` stored at (table, column, pk). Raises DecryptionFailed when it is not an envelope
    or does not authenticate for this place (moved, tampered, truncated), KeyConfigurationError when its key
    version is not held (crypto-shredded)."""
    return _decrypt(envelope, table, column, pk, lambda version: AESGCM(_ring().field_key(version)))


def decrypter(*, table: str, column: str):
    """``decrypt`` for many cells of one (table, column): returns ``open(pk, envelope) -> plaintext``, each call
    exactly what ``decrypt(envelope, table=table, column=column, pk=pk)`` returns or raises, with the key ring read
    once (when made) and one cipher per key version (the after-import reading of thousands of descriptions: issue
    8's incremental target). Raises on use, as ``decrypt`` does: DecryptionFailed, KeyConfigurationError."""
    ring = _ring()
    ciphers: dict = {}

    def cipher_for(version: int):
        cipher = ciphers.get(version)
        if cipher is None:
            cipher = ciphers[version] = AESGCM(ring.field_key(version))
        return cipher

    return lambda pk, envelope: _decrypt(envelope, table, column, pk, cipher_for)


def _decrypt(envelope: str, table: str, column: str, pk, cipher_for) -> str:
    where = f"{table}.{column}"
    version = envelope_key_version(envelope)
    cipher = cipher_for(version)
    body = envelope[len(ENVELOPE_PREFIX) :].partition(":")[2]
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailed(f"{where}: the encrypted value is not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed(f"{where}: the encrypted value is truncated")
    try:
        plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data(table, column, pk, version))
    except InvalidTag:
        raise DecryptionFailed(
            f"{where}: the value does not decrypt for this row (moved from another row or column, or changed)"
        ) from None
    return plain.decode("utf-8")


# --- bytes (attachments) -------------------------------------------------------------------------------------------

#: The first bytes of an encrypted blob: the format's magic, then the key version (4 bytes, big-endian), the nonce,
#: the ciphertext and the GCM tag. Binary, because a 10 MB attachment as base64 text would be a third larger.
BLOB_MAGIC = b"OMB1"
_BLOB_HEAD = len(BLOB_MAGIC) + 4


def blob_key_version(blob: bytes) -> int:
    """The key version an encrypted blob was written under. Raises DecryptionFailed if it is not one."""
    blob = bytes(blob)
    if len(blob) < _BLOB_HEAD + NONCE_BYTES + TAG_BYTES or not blob.startswith(BLOB_MAGIC):
        raise DecryptionFailed("not an encrypted blob (no OMB1 header)")
    return struct.unpack(">I", blob[len(BLOB_MAGIC) : _BLOB_HEAD])[0]


def encrypt_bytes(data: bytes, *, table: str, column: str, pk, key_version: int | None = None) -> tuple[int, bytes]:
    """Encrypt `data` (bytes: an attachment's content) for the cell (table, column, pk) with AES-256-GCM under the
    current field key (or `key_version`), the same associated data as text values (table, column, primary key, key
    version). Returns (key version, blob) where blob = BLOB_MAGIC + version (4 bytes) + nonce + ciphertext + tag.
    Raises KeyConfigurationError when no field key is configured."""
    ring = _ring()
    if key_version is None:
        key_version, key = ring.field_key_in_use()
    else:
        key = ring.field_key(key_version)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, bytes(data), associated_data(table, column, pk, key_version))
    return int(key_version), BLOB_MAGIC + struct.pack(">I", int(key_version)) + nonce + sealed


def decrypt_bytes(blob: bytes, *, table: str, column: str, pk) -> bytes:
    """The plaintext bytes of `blob` stored at (table, column, pk). Raises DecryptionFailed when it is not a blob of
    this module or does not authenticate for this place, KeyConfigurationError when its key version is not held."""
    blob = bytes(blob)
    version = blob_key_version(blob)
    key = _ring().field_key(version)
    nonce, sealed = blob[_BLOB_HEAD : _BLOB_HEAD + NONCE_BYTES], blob[_BLOB_HEAD + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, sealed, associated_data(table, column, pk, version))
    except InvalidTag:
        raise DecryptionFailed(
            f"{table}.{column}: the blob does not decrypt for this row (moved from another row or column, or changed)"
        ) from None


__all__ = [
    "BLOB_MAGIC",
    "blob_key_version",
    "decrypt_bytes",
    "encrypt_bytes",
    "ENVELOPE_PREFIX",
    "DecryptionFailed",
    "associated_data",
    "decrypt",
    "decrypter",
    "encrypt",
    "encrypter",
    "envelope_key_version",
    "is_envelope",
    "key_version_current",
    "pk_text",
]
