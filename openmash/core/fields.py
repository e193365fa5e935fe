"""Encrypted model fields: plaintext in Python, an AES-256-GCM envelope in the database (``openmash.core.crypto``;
SECURITY-TESTS CR-1/CR-2/CR-3; ADR 0012).

``EncryptedTextField`` (a ``str``) and ``EncryptedJSONField`` (any JSON value: dict, list, str, number, bool) are
``TextField`` columns holding the envelope ``v1:<key version>:<base64>``. The associated data binds each value to
its table, column and the row's primary key, so the envelope of one row or column does not decrypt anywhere else.

How a value travels:

- **write**: ``pre_save`` encrypts the instance's plaintext with the row's primary key (every domain model has a
  UUID primary key set in Python before the insert: ``core.models.BaseModel``) under the current key version, with
  a fresh nonce each save. ``save()``, ``save(update_fields=...)``, ``create()``, ``update_or_create()`` and
  ``bulk_create()`` all go through ``pre_save``. ``core.bulk.rows_insert`` and ``demo.fastinsert.insert_rows``
  encrypt with each row's id. ``QuerySet.update()`` on an encrypted column needs ``encrypted_values(model, pk,
  ...)`` (the value is bound to one row); a plain string there, ``bulk_update`` or a filter on the column raises
  ``EncryptedFieldMisuse``/``FieldError`` rather than write plaintext or compare ciphertext.
- **read**: ``from_db_value`` keeps the envelope as a ``Sealed`` value in the instance; the attribute (a data
  descriptor, ``EncryptedAttribute``) decrypts it with the instance's primary key on first access and keeps the
  plaintext. ``.only()`` / ``.defer()`` load through the same attribute. ``.values()`` / ``.values_list()`` on an
  encrypted column give ``Sealed`` values (they have no row to decrypt with): ``str()`` of one raises, so they are
  never shown or exported as ciphertext by mistake; read instances instead.
- **empty values stay empty**: ``""`` (text) and ``None`` (NULL) are stored as they are, not encrypted, so a dump
  shows which optional fields are blank, never what a filled one says. ``isnull`` is the one lookup allowed.

Errors: ``crypto.DecryptionFailed`` when a value does not decrypt for its row (moved, changed),
``keys.KeyConfigurationError`` when its key version is not held (crypto-shredded), ``EncryptedFieldMisuse`` for a
plaintext reaching the database without its row.
"""

from __future__ import annotations

import json

from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from openmash.core import crypto


class EncryptedFieldMisuse(TypeError):
    """Plaintext would reach an encrypted column without the row that binds it (``QuerySet.update`` without
    ``encrypted_values``, ``bulk_update``, a raw fixture load)."""


class Envelope(str):
    """Ciphertext made for one cell by ``seal``: the only non-empty string an encrypted column accepts."""

    __slots__ = ()


class Sealed:
    """An envelope read from the database and not yet decrypted. ``pk``: the primary key of the row it was read
    for (bound when it is set on an instance), so a copy of the instance given a new primary key still reads it.
    ``str()`` raises: a ``Sealed`` value only reaches a page or an export by mistake (``values()``)."""

    __slots__ = ("envelope", "pk")

    def __init__(self, envelope: str, pk=None):
        self.envelope = envelope
        self.pk = pk

    def __str__(self) -> str:
        raise EncryptedFieldMisuse(
            "an encrypted value was read without its row (values()/values_list()): read model instances instead"
        )

    def __repr__(self) -> str:
        return "<Sealed encrypted value>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.envelope == self.envelope

    def __hash__(self) -> int:
        return hash(self.envelope)


class EncryptedAttribute(DeferredAttribute):
    """The attribute of an encrypted field on a model instance: decrypts a ``Sealed`` value with the instance's
    primary key on first read and keeps the plaintext (a data descriptor, so it sees every read and write)."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)  # loads a deferred field (refresh_from_db decrypts it there)
        if isinstance(value, Sealed):
            pk = value.pk if value.pk is not None else instance.pk
            value = self.field.open(pk, value.envelope)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        if isinstance(value, Sealed) and value.pk is None:
            value.pk = instance.__dict__.get(instance._meta.pk.attname)
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    """What both encrypted fields share: sealing with the row's primary key, the descriptor, refused lookups."""

    encrypted = True
    descriptor_class = EncryptedAttribute

    # --- text <-> Python value (overridden by the JSON field) ---
    def _to_text(self, value) -> str:
        return value if isinstance(value, str) else str(value)

    def _from_text(self, text: str):
        return text

    def _is_empty(self, value) -> bool:
        return value is None or value == ""

    # --- one cell ---
    def seal(self, pk, value):
        """The database value of `value` (plaintext) in the row with primary key `pk`: an ``Envelope``, or the value
        itself when empty ("" or None). Raises EncryptedFieldMisuse when `pk` is None."""
        if isinstance(value, Sealed):
            value = self.open(value.pk if value.pk is not None else pk, value.envelope)
        if self._is_empty(value):
            return value
        if pk is None:
            raise EncryptedFieldMisuse(f"{self.model.__name__}.{self.name}: the row has no primary key to bind to")
        text = self._to_text(value)
        return Envelope(crypto.encrypt(text, table=self.model._meta.db_table, column=self.column, pk=pk))

    def open(self, pk, envelope: str):
        """The plaintext of `envelope` stored in this column of the row `pk`. Errors: crypto.DecryptionFailed,
        keys.KeyConfigurationError."""
        return self._from_text(crypto.decrypt(envelope, table=self.model._meta.db_table, column=self.column, pk=pk))

    # --- many cells of this column at once (bulk writers and readers) ---
    def sealer(self):
        """``seal`` for many rows: returns ``seal(pk, value)``, each call what ``self.seal(pk, value)`` returns,
        with the key ring read and the cipher made once (``crypto.encrypter``): for one bulk write."""
        encrypt = crypto.encrypter(table=self.model._meta.db_table, column=self.column)

        def seal(pk, value):
            if isinstance(value, Sealed):
                value = self.open(value.pk if value.pk is not None else pk, value.envelope)
            if self._is_empty(value):
                return value
            if pk is None:
                raise EncryptedFieldMisuse(f"{self.model.__name__}.{self.name}: the row has no primary key to bind to")
            return Envelope(encrypt(pk, self._to_text(value)))

        return seal

    def opener(self):
        """``open`` for many rows: returns ``open(pk, envelope)``, each call what ``self.open(pk, envelope)``
        returns or raises, with the key ring read once (``crypto.decrypter``): for one bulk read."""
        decrypt = crypto.decrypter(table=self.model._meta.db_table, column=self.column)
        return lambda pk, envelope: self._from_text(decrypt(pk, envelope))

    # --- Django's hooks ---
    def pre_save(self, model_instance, add):
        return self.seal(model_instance.pk, getattr(model_instance, self.attname))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self._empty_from_db(value)
        return Sealed(value)

    def _empty_from_db(self, value):
        return value

    def get_prep_value(self, value):
        if value is None or isinstance(value, Envelope) or (isinstance(value, str) and value == ""):
            return None if value is None else str(value)
        raise EncryptedFieldMisuse(
            f"{self.model.__name__}.{self.name} is encrypted: write it with save()/bulk_create(), or give "
            "QuerySet.update() core.fields.encrypted_values(...) (it binds the value to its row)"
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be compared in SQL ({lookup_name}); "
            "search on the plaintext fields (names, dates, identifiers) or filter in Python"
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: no SQL transforms ({lookup_name})")


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text about a person, encrypted at rest (module docstring). ``max_length`` (optional) limits the
    plaintext in characters, checked by ``full_clean`` and forms; the column itself is unbounded text."""

    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def to_python(self, value):
        if isinstance(value, Sealed | Envelope):
            return value
        return super().to_python(value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (dict, list, str, number, bool) encrypted at rest; ``None`` is stored as NULL, unencrypted
    (``null=True`` needed for it). No JSON lookups (``previous__field``): the database sees only ciphertext."""

    description = "JSON encrypted at rest (AES-256-GCM)"
    empty_strings_allowed = False

    def _to_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def _from_text(self, text: str):
        return json.loads(text)

    def _is_empty(self, value) -> bool:
        return value is None

    def _empty_from_db(self, value):
        return None

    def get_prep_value(self, value):
        if value is None or isinstance(value, Envelope):
            return None if value is None else str(value)
        raise EncryptedFieldMisuse(
            f"{self.model.__name__}.{self.name} is encrypted: write it with save()/bulk_create(), or give "
            "QuerySet.update() core.fields.encrypted_values(...)"
        )

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        return models.JSONField().formfield(**kwargs)


def encrypted_values(model: type[models.Model], pk, **values) -> dict:
    """`values` ({field name: value}) ready for ``model.objects.filter(pk=pk).update(**...)``: each encrypted field's
    plaintext sealed for the row `pk` (the update must touch that row only); other values unchanged."""
    out = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        out[name] = field.seal(pk, value) if getattr(field, "encrypted", False) else value
    return out


def encrypted_fields(model: type[models.Model]) -> list:
    """The encrypted concrete fields of `model` (in column order)."""
    return [f for f in model._meta.local_concrete_fields if getattr(f, "encrypted", False)]


__all__ = [
    "EncryptedAttribute",
    "EncryptedFieldMisuse",
    "EncryptedJSONField",
    "EncryptedTextField",
    "Envelope",
    "Sealed",
    "encrypted_fields",
    "encrypted_values",
]
