"""Encrypt the free text written before its fields were encrypted (ADR 0012), as every app's data migration does:
every non-empty cell, in batches by primary key, bound to its table, column and row
(openmash.core.encryption.cells_encrypt). Backwards: the plaintext again. A re-run leaves encrypted cells alone."""

from django.db import migrations

from openmash.core.encryption import cells_decrypt, cells_encrypt

# The columns as they are at this migration (table -> columns), never read from the current models.
COLUMNS = {"oversight_breakglass": ["reason"], "oversight_privacyalertdecision": ["note"]}


def encrypt(apps, schema_editor):
    cells_encrypt(COLUMNS, conn=schema_editor.connection)


def decrypt(apps, schema_editor):
    cells_decrypt(COLUMNS, conn=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0002_encrypted_fields")]

    operations = [migrations.RunPython(encrypt, decrypt)]
