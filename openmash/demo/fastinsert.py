"""Fast bulk inserts of synthetic rows (dicts keyed by field attname) for seeding large datasets.

Model.objects.bulk_create spends most of its time preparing each value of each model instance; for hundreds of
thousands of rows that dominates a seed. This writes the same columns straight through the database cursor
(executemany on SQLite, COPY on PostgreSQL), applying each field's default and converting values the way Django
would. Only for synthetic data in trusted code: no model validation, no signals, no save(). Never for the audit
tables: their rows are written only by openmash.audit.services (audit_bulk_write for bulk data), which gives each
event its id and MAC.
Encrypted fields (``core.fields``) are sealed with each row's id.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from itertools import islice

from django.db import connections, models, transaction
from django.utils import timezone


def _sqlite_datetime(value):
    """As Django stores datetimes in SQLite: naive UTC, 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if value is None:
        return None
    if value.tzinfo is None:
        return str(value)
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]  # drop "+00:00"


def _converter(field: models.Field, vendor: str) -> Callable:
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if vendor == "postgresql":
        return _same
    if internal == "UUIDField":
        return lambda v: v.hex if v.__class__ is uuid.UUID else v
    if internal == "DateTimeField":
        return _sqlite_datetime
    if internal == "DateField":
        return lambda v: None if v is None else v.isoformat()
    return _same


def _same(value):
    return value


def _default(field: models.Field, now: dt.datetime) -> Callable:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return lambda: now
    if field.has_default():
        return field.get_default
    if field.null:
        return lambda: None
    if field.empty_strings_allowed:
        return lambda: ""

    def required():
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")

    return required


def _batches(rows: Iterable, size: int):
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _not_audit(model: type[models.Model]) -> None:
    if model._meta.app_label == "audit":
        raise ValueError("audit rows are written by openmash.audit.services only (audit_bulk_write)")


def insert_rows(model: type[models.Model], rows: list[dict], *, using: str = "default", batch: int = 5000) -> int:
    """Insert rows (dicts keyed by attname: "person_id", not "person"); missing fields take their defaults. Raises
    ValueError for the audit tables (see the module docstring)."""
    _not_audit(model)
    if not rows:
        return 0
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    now = timezone.now()
    plan = [(f.attname, _default(f, now), _converter(f, connection.vendor)) for f in fields]
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)

    # encrypted fields (core.fields) are sealed with the row's id, as save() would
    sealed = {f.attname: f for f in fields if getattr(f, "encrypted", False)}
    pk_name = model._meta.pk.attname

    def plain(row: dict) -> tuple:
        return tuple([convert(row[attname] if attname in row else default()) for attname, default, convert in plan])

    def values(row: dict) -> tuple:
        if sealed:
            row = dict(row) if pk_name in row else {**row, pk_name: model._meta.pk.get_default()}
            for attname, field in sealed.items():
                row[attname] = field.get_prep_value(field.seal(row[pk_name], row.get(attname, field.get_default())))
        return plain(row)

    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # nosec B608  # model names
            for chunk in _batches(rows, batch):
                cursor.executemany(sql, [values(r) for r in chunk])
    return len(rows)


def insert_tuples(
    model: type[models.Model], attnames: list[str], rows: list[tuple], *, using: str = "default", batch: int = 5000
) -> int:
    """Insert rows given as tuples of Python values in `attnames` order (every other column takes its database
    default: for an auto id, the table's sequence). Faster than insert_rows for millions of narrow rows. Raises
    ValueError for the audit tables."""
    _not_audit(model)
    if not rows:
        return 0
    connection = connections[using]
    fields = [model._meta.get_field(a) for a in attnames]
    if any(getattr(f, "encrypted", False) for f in fields):
        raise TypeError(f"{model.__name__}: insert_tuples writes no encrypted field (use insert_rows)")
    converters = [(i, _converter(f, connection.vendor)) for i, f in enumerate(fields)]
    converters = [(i, c) for i, c in converters if c is not _same]
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)

    def values(row: tuple) -> tuple:
        if not converters:
            return row
        out = list(row)
        for i, convert in converters:
            out[i] = convert(out[i])
        return tuple(out)

    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # nosec B608  # model names
            for chunk in _batches(rows, batch):
                cursor.executemany(sql, [values(r) for r in chunk])
    return len(rows)


__all__ = ["insert_rows", "insert_tuples"]
