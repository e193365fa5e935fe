"""Inserting many rows at once, for the feed import's write pass (ADR 0006), without the ORM's per-value cost.

`rows_insert(model, rows)` does what ``Model.objects.bulk_create(rows)`` does for the plain models the import
writes (a UUID primary key set by the model, no multi-table inheritance, no signals either way), in a fraction of
the CPU time: Django's insert compiler builds the SQL value by value (several calls for each field of each row);
here the statement is built once per call and each value is converted by its field once
(``Field.get_db_prep_save``, the same conversion Django uses), with the conversion of a value repeated from the
row before (the agency, the batch's timestamps, the source) reused. SQLite gets one prepared statement run over
all rows (``executemany``); PostgreSQL one ``INSERT ... SELECT * FROM UNNEST(...)`` with an array per column
(as ``bulk_create`` does there), or multi-row ``VALUES`` for a column type that cannot be an array.

``auto_now`` and ``auto_now_add`` fields get one timestamp for the call, as ``bulk_create`` gives each row its own
of the same moment. An encrypted field (``core.fields``) is sealed with each row's own primary key (a dict row
without one gets its default first), as ``save()`` would. Measured in README ("Import bench").
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

PG_ROWS_PER_UNNEST = 5000  # rows per INSERT ... SELECT FROM UNNEST on PostgreSQL
PG_ROWS_PER_STATEMENT = 500  # rows per multi-row INSERT otherwise (also kept under 65,535 parameters)


def _fields(model: type[Model]):
    """The columns to insert: every concrete field but a generated one and an auto-increment primary key (left to
    the database, as ``bulk_create`` does for rows without one)."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if not f.generated and not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]


def rows_insert(model: type[Model], rows: Sequence[Model | dict], *, ignore_conflicts: bool = False) -> int:
    """Insert `rows` into `model`'s table. Returns the number of rows sent.

    In: ``rows``, model instances (their primary key already set, as a UUID default does) or dicts of
    ``{attname: value}`` (a missing field takes its default; cheaper when the caller needs no instance).
    ``ignore_conflicts``: a row breaking a unique constraint is skipped (as ``bulk_create(ignore_conflicts=True)``).
    Instances are marked saved (``_state.adding`` False), like ``bulk_create``'s; an auto-increment primary key
    is the database's and is not read back. Errors: the database's
    (IntegrityError on a constraint without ``ignore_conflicts``). Call inside the caller's transaction."""
    if not rows:
        return 0
    db = router.db_for_write(model)
    connection = connections[db]
    fields = _fields(model)
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    getters = [(f, f.get_default, f.attname in stamped) for f in fields]
    # an encrypted field (core.fields) is sealed with the row's own primary key, so its value is never reused
    sealed = [getattr(f, "encrypted", False) for f in fields]
    pk_index = next((i for i, f in enumerate(fields) if f.primary_key), None)
    if any(sealed) and pk_index is None:
        raise TypeError(f"{model.__name__}: encrypted fields need the primary key in the insert")
    # one sealer per encrypted field for the call (the key ring read and the cipher made once, not per value)
    sealers = {f.attname: f.sealer() for f, is_sealed in zip(fields, sealed, strict=True) if is_sealed}
    values: list[tuple] = []
    last: list = [object()] * len(fields)  # the previous row's (value, converted) per field
    done: list = [None] * len(fields)
    for row in rows:
        instance = None if isinstance(row, dict) else row
        out = []
        if any(sealed):
            row = _sealed_row(row, fields, sealers, pk_index)  # a dict from here on
        is_instance = not isinstance(row, dict)
        for i, (field, default, stamp) in enumerate(getters):
            if stamp:
                value = now
                if instance is not None:
                    setattr(instance, field.attname, now)
            elif is_instance:
                value = getattr(row, field.attname)
            elif field.attname in row:
                value = row[field.attname]
            else:
                value = default()  # as the model would: its default, else "" or None
            if value is last[i]:
                out.append(done[i])
                continue
            converted = field.get_db_prep_save(value, connection)
            last[i], done[i] = value, converted
            out.append(converted)
        if instance is not None:
            instance._state.adding = False
            instance._state.db = db
        values.append(tuple(out))
    _execute(connection, model, fields, values, ignore_conflicts)
    return len(values)


def _sealed_row(row, fields, sealers: dict, pk_index: int) -> dict:
    """`row` as a dict of {attname: value} with its primary key (the default when a dict row has none, set on an
    instance by its model already) and each encrypted field's plaintext sealed for that key (core.fields; `sealers`:
    {attname: the field's ``sealer()``})."""
    pk_field = fields[pk_index]
    if isinstance(row, dict):
        out = dict(row)
        out.setdefault(pk_field.attname, pk_field.get_default())
    else:
        out = {f.attname: getattr(row, f.attname) for f in fields}
    pk = out[pk_field.attname]
    for field in fields:
        seal = sealers.get(field.attname)
        if seal is not None:
            out[field.attname] = seal(pk, out.get(field.attname, field.get_default()))
    return out


def _execute(connection, model, fields, values: list[tuple], ignore_conflicts: bool) -> None:
    qn = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    head = "{} {} ({}) VALUES ".format(
        connection.ops.insert_statement(on_conflict=on_conflict),
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
    )
    tail = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"{head}{one} {tail}", values)
            return
        if _unnestable(connection, fields):
            # one parameter per column (an array of the chunk's values), as Django 5.2's bulk_create does: far
            # less to bind and plan than a placeholder per value
            types = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
            sql = f"{head.removesuffix('VALUES ')}SELECT * FROM UNNEST({types}) {tail}"  # nosec B608  # names from _meta
            for start in range(0, len(values), PG_ROWS_PER_UNNEST):
                part = values[start : start + PG_ROWS_PER_UNNEST]
                cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
            return
        step = max(1, min(PG_ROWS_PER_STATEMENT, 65_000 // len(fields)))
        sql_full = None
        for start in range(0, len(values), step):
            part = values[start : start + step]
            if len(part) == step and sql_full is not None:
                sql = sql_full
            else:
                sql = head + ", ".join([one] * len(part)) + " " + tail
                if len(part) == step:
                    sql_full = sql
            cursor.execute(sql, [v for row in part for v in row])


def _unnestable(connection, fields) -> bool:
    """Whether every column can travel as a typed array (Django's own test in its PostgreSQL insert compiler)."""
    return connection.vendor == "postgresql" and not any(
        hasattr(f, "get_placeholder")
        or (f.target_field if f.is_relation else f).get_internal_type() not in connection.data_types
        for f in fields
    )


__all__ = ["rows_insert"]
