"""Encrypting, re-encrypting and decrypting stored rows in bulk: the data migrations that turned plaintext columns
into encrypted ones, and ``openmash keys rotate`` / ``keys status`` (SECURITY-TESTS CR-3; ADR 0012), and the encrypted blobs of attachments (``EncryptedBlobTable``: one
row per transaction, compare-and-swap on the key version column; ADR 0017).

Everything here works on raw column text through the connection's cursor (no model instances, no ``save()``, no
signals, ``updated_at`` untouched: the content does not change, only its encryption), in batches ordered by primary
key, each batch in its own transaction. Every update is a compare-and-swap (``WHERE id = %s AND col = <the value
read>``), so a row changed by the application in the meantime is left to its own new encryption, never
overwritten with an older text.

Shapes: ``columns`` maps a table to its encrypted column names, e.g. ``{"contacts_contact": ["narrative"]}``; the
primary key column is ``id`` (``core.models.BaseModel``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db import transaction

from openmash.core import crypto
from openmash.core.keys import KeyConfigurationError

BATCH_ROWS = 500


@dataclass(frozen=True)
class EncryptedTable:
    """A table with encrypted columns: ``table`` and ``columns`` as in the database; ``label`` app_label.Model."""

    label: str
    table: str
    columns: tuple[str, ...]
    pk_column: str = "id"


def encrypted_tables() -> list[EncryptedTable]:
    """Every table of the installed models with an encrypted field (``core.fields``), sorted by table name."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        cols = tuple(f.column for f in model._meta.local_concrete_fields if getattr(f, "encrypted", False))
        if cols and not model._meta.proxy:
            out.append(EncryptedTable(model._meta.label, model._meta.db_table, cols, model._meta.pk.column))
    return sorted(out, key=lambda t: t.table)


@dataclass(frozen=True)
class EncryptedBlobTable:
    """A table holding one encrypted blob column (``crypto.encrypt_bytes``: attachments' content) and the integer
    column that says under which key version it was written (so a rotation finds what to re-encrypt in SQL, without
    reading every blob). A model declares it with the class attribute ``encrypted_blob = (blob field, version
    field)``."""

    label: str
    table: str
    column: str
    version_column: str
    pk_column: str = "id"


def encrypted_blob_tables() -> list[EncryptedBlobTable]:
    """Every installed model declaring ``encrypted_blob`` (see EncryptedBlobTable), sorted by table name."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        spec = getattr(model, "encrypted_blob", None)
        if spec and not model._meta.proxy:
            blob, version = (model._meta.get_field(name).column for name in spec)
            out.append(
                EncryptedBlobTable(model._meta.label, model._meta.db_table, blob, version, model._meta.pk.column)
            )
    return sorted(out, key=lambda t: t.table)


def _blobs_reencrypt(conn, t: EncryptedBlobTable, current: int, progress) -> int:
    """Re-encrypt each blob of `t` written under another key version than `current`, one row per transaction
    (a blob may be megabytes: one in memory at a time), compare-and-swap on the version column. Returns the rows
    changed."""
    qn = conn.ops.quote_name
    table, pk, col, ver = qn(t.table), qn(t.pk_column), qn(t.column), qn(t.version_column)
    changed, after = 0, None
    while True:
        sql = f"SELECT {pk}, {ver} FROM {table} WHERE {ver} <> %s"  # nosec B608 - quoted names from model metadata
        params: list = [current]
        if after is not None:
            sql += f" AND {pk} > %s"
            params.append(after)
        sql += f" ORDER BY {pk} LIMIT {BATCH_ROWS}"
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            ids = cursor.fetchall()
        if not ids:
            return changed
        for row_pk, old in ids:
            with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
                cursor.execute(
                    f"SELECT {col} FROM {table} WHERE {pk} = %s AND {ver} = %s",  # nosec B608 - quoted names from model metadata
                    [row_pk, old],
                )
                found = cursor.fetchone()
                if found is None or found[0] is None:
                    continue
                plain = crypto.decrypt_bytes(found[0], table=t.table, column=t.column, pk=row_pk)
                version, blob = crypto.encrypt_bytes(
                    plain, table=t.table, column=t.column, pk=row_pk, key_version=current
                )
                cursor.execute(
                    f"UPDATE {table} SET {col} = %s, {ver} = %s WHERE {pk} = %s AND {ver} = %s",  # nosec B608 - quoted names from model metadata
                    [blob, version, row_pk, old],
                )
                changed += cursor.rowcount
            if progress is not None:
                progress(1)
        after = ids[-1][0]


def _rows(conn, table: str, pk: str, columns: Iterable[str], where: str, after, limit: int) -> list[tuple]:
    qn = conn.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    sql = f"SELECT {qn(pk)}, {cols} FROM {qn(table)} WHERE ({where})"  # nosec B608 - quoted names from model metadata
    params: list = []
    if after is not None:
        sql += f" AND {qn(pk)} > %s"
        params.append(after)
    sql += f" ORDER BY {qn(pk)} LIMIT {int(limit)}"
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _swap(conn, table: str, pk: str, column: str, changes: list[tuple]) -> None:
    """changes: [(new, pk value, old)]: set `column` to new where the row still holds old."""
    if not changes:
        return
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s",  # nosec B608 - quoted names from model metadata
            changes,
        )


def _walk(conn, table: str, pk: str, columns: list[str], where: str, convert: Callable, batch: int, progress) -> int:
    """Apply `convert(column, pk, text) -> new text or None (leave)` to each selected row, batch by batch; returns
    the number of cells changed."""
    changed, after = 0, None
    while True:
        with transaction.atomic(using=conn.alias):
            rows = _rows(conn, table, pk, columns, where, after, batch)
            if not rows:
                return changed
            for i, column in enumerate(columns, start=1):
                swaps = []
                for row in rows:
                    new = convert(column, row[0], row[i])
                    if new is not None and new != row[i]:
                        swaps.append((new, row[0], row[i]))
                _swap(conn, table, pk, column, swaps)
                changed += len(swaps)
        after = rows[-1][0]
        if progress is not None:
            progress(len(rows))


def cells_encrypt(columns: dict[str, list[str]], *, conn=None, batch: int = BATCH_ROWS) -> int:
    """Data migration, forwards: encrypt every non-empty plaintext cell of `columns` under the current field key,
    bound to its table, column and row. A cell that already decrypts for its place is left (a re-run changes
    nothing). Returns the number of cells encrypted. Needs a field key only if there is something to encrypt."""
    conn = conn or default_connection
    total = 0
    for table, cols in columns.items():

        def convert(column, pk, text, table=table):
            if text is None or text == "":
                return None
            if crypto.is_envelope(text):
                try:
                    crypto.decrypt(text, table=table, column=column, pk=pk)
                    return None  # already encrypted here
                except (crypto.DecryptionFailed, KeyConfigurationError):
                    pass  # a plaintext that happens to look like an envelope
            return crypto.encrypt(text, table=table, column=column, pk=pk)

        where = " OR ".join(f"{conn.ops.quote_name(c)} <> ''" for c in cols)
        total += _walk(conn, table, "id", list(cols), where, convert, batch, None)
    return total


def cells_decrypt(columns: dict[str, list[str]], *, conn=None, batch: int = BATCH_ROWS) -> int:
    """Data migration, backwards: replace each envelope in `columns` by its plaintext (raises
    crypto.DecryptionFailed / KeyConfigurationError on a cell that does not decrypt). Returns the cells changed."""
    conn = conn or default_connection
    total = 0
    for table, cols in columns.items():

        def convert(column, pk, text, table=table):
            if not crypto.is_envelope(text):
                return None
            return crypto.decrypt(text, table=table, column=column, pk=pk)

        where = " OR ".join(f"{conn.ops.quote_name(c)} LIKE 'v1:%%'" for c in cols)
        total += _walk(conn, table, "id", list(cols), where, convert, batch, None)
    return total


def _not_current(conn, columns: Iterable[str], current: int) -> str:
    qn = conn.ops.quote_name
    return " OR ".join(f"({qn(c)} LIKE 'v1:%%' AND {qn(c)} NOT LIKE 'v1:{int(current)}:%%')" for c in columns)


def key_version_counts(*, conn=None) -> dict[tuple[str, str], dict[int, int]]:
    """{(table, column): {key version: cells}} for every encrypted column (empty cells are not counted)."""
    conn = conn or default_connection
    qn = conn.ops.quote_name
    out: dict[tuple[str, str], dict[int, int]] = {}
    for t in encrypted_tables():
        for column in t.columns:
            counts: dict[int, int] = {}
            # the version is the text between "v1:" and the next ":"; read it in Python (portable across backends)
            sql = f"SELECT {qn(column)} FROM {qn(t.table)} WHERE {qn(column)} LIKE 'v1:%%'"  # nosec B608 - quoted names from model metadata
            with conn.cursor() as cursor:
                cursor.execute(sql)
                while chunk := cursor.fetchmany(5000):
                    for (text,) in chunk:
                        v = crypto.envelope_key_version(text)
                        counts[v] = counts.get(v, 0) + 1
            out[(t.table, column)] = counts
    for b in encrypted_blob_tables():
        sql = f"SELECT {qn(b.version_column)}, COUNT(*) FROM {qn(b.table)} GROUP BY {qn(b.version_column)}"  # nosec B608 - quoted names from model metadata
        with conn.cursor() as cursor:
            cursor.execute(sql)
            out[(b.table, b.column)] = {int(v): n for v, n in cursor.fetchall()}
    return out


def rows_to_reencrypt(*, current: int | None = None, conn=None) -> dict[str, int]:
    """{table: rows holding at least one cell under a key version other than `current` (default: the key ring's
    current version)}."""
    conn = conn or default_connection
    current = current if current is not None else crypto.key_version_current()
    qn = conn.ops.quote_name
    out = {}
    for t in encrypted_tables():
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(t.table)} WHERE {_not_current(conn, t.columns, current)}")  # nosec B608 - quoted names from model metadata
            out[t.table] = cursor.fetchone()[0]
    for b in encrypted_blob_tables():
        with conn.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {qn(b.table)} WHERE {qn(b.version_column)} <> %s",  # nosec B608 - quoted names from model metadata
                [current],
            )
            out[b.table] = out.get(b.table, 0) + cursor.fetchone()[0]
    return out


def reencrypt_all(*, batch: int = BATCH_ROWS, progress: Callable[[int], None] | None = None, conn=None) -> dict:
    """Re-encrypt every cell written under an older key version with the current one (``openmash keys rotate``).
    Batches of `batch` rows per table, each in its own transaction: stopped part-way (or failed), a later call
    carries on from what is left. `progress(rows)` is called after each batch. Returns {table: cells re-encrypted}.
    Errors: crypto.DecryptionFailed on a cell that does not decrypt for its place (tampered or moved), after the
    batches before it are committed; KeyConfigurationError when a cell's key version is no longer held."""
    conn = conn or default_connection
    current = crypto.key_version_current()
    done = {}
    for t in encrypted_tables():

        def convert(column, pk, text, table=t.table):
            if not crypto.is_envelope(text) or crypto.envelope_key_version(text) == current:
                return None
            plain = crypto.decrypt(text, table=table, column=column, pk=pk)
            return crypto.encrypt(plain, table=table, column=column, pk=pk, key_version=current)

        done[t.table] = _walk(
            conn,
            t.table,
            t.pk_column,
            list(t.columns),
            _not_current(conn, t.columns, current),
            convert,
            batch,
            progress,
        )
    for b in encrypted_blob_tables():
        done[b.table] = done.get(b.table, 0) + _blobs_reencrypt(conn, b, current, progress)
    return done


__all__ = [
    "EncryptedBlobTable",
    "EncryptedTable",
    "encrypted_blob_tables",
    "cells_decrypt",
    "cells_encrypt",
    "encrypted_tables",
    "key_version_counts",
    "reencrypt_all",
    "rows_to_reencrypt",
]
