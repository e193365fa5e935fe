"""Encrypt the free text written before field encryption (ADR 0012): every non-empty cell of the columns below,
in batches of 500 rows by primary key, bound to its table, column and row (openmash.core.encryption.cells_encrypt).
Backwards: the plaintext again (cells_decrypt). Needs the field keys (OPENMASH_KEY_FILE or OPENMASH_FIELD_KEYS) when
there are rows to encrypt; an empty database needs none. A re-run leaves cells that already decrypt as they are."""

from django.db import migrations

from openmash.core.encryption import cells_decrypt, cells_encrypt

# The columns as they are at this migration (table -> columns), never read from the current models.
COLUMNS = {
    "enquiries_screening": ["rationale", "exception_reason"],
    "enquiries_ragchange": ["reason"],
    "enquiries_agencyrequest": ["question"],
    "enquiries_agencyresponse": ["summary", "relevant_dates", "amendment_reason"],
    "enquiries_agencyresponserevision": ["summary", "relevant_dates"],
    "enquiries_decision": ["rationale", "next_steps", "exception_reason"],
}


def encrypt(apps, schema_editor):
    cells_encrypt(COLUMNS, conn=schema_editor.connection)


def decrypt(apps, schema_editor):
    cells_decrypt(COLUMNS, conn=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0008_encrypted_fields")]

    operations = [migrations.RunPython(encrypt, decrypt)]
