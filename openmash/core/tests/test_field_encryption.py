"""Field encryption at rest (SECURITY-TESTS CR-1, CR-2, CR-3; ASVS 11.3.3/11.3.4; ADR 0012).

CR-1: a ciphertext moved to another row or column does not decrypt; no nonce repeats. CR-2: canary narratives,
answers, notes and chronology text written through the services are absent from a raw dump of the database.
CR-3: rotate, retire the old key: every row still reads, a copy made under the retired key does not.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from openmash.core import crypto, keys
from openmash.core.encryption import cells_decrypt, cells_encrypt, reencrypt_all, rows_to_reencrypt
from openmash.core.fields import EncryptedFieldMisuse, Sealed, encrypted_values
from tests.support import decide, enquiry_open, requests_send, respond

NONCE_SAMPLE = int(os.environ.get("OPENMASH_TEST_NONCES", "100000"))  # 10**6 for the CR-1 figure


@pytest.fixture(autouse=True)
def _fresh_keyring():
    keys.keyring_reset()
    yield
    keys.keyring_reset()


def _raw(table: str, column: str, pk) -> str | None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(column)} FROM {qn(table)} WHERE id = %s", [_db_pk(pk)])
        return cursor.fetchone()[0]


def _raw_set(table: str, column: str, pk, value) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [value, _db_pk(pk)])


def _db_pk(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


# --- the primitive ---------------------------------------------------------------------------------------------


def test_round_trip_and_envelope_shape():
    env = crypto.encrypt("Ménage à trois 🙂", table="t", column="c", pk="1")
    assert env.startswith("v1:1:") and crypto.envelope_key_version(env) == 1
    raw = base64.b64decode(env.split(":", 2)[2])
    assert len(raw) == 12 + len("Ménage à trois 🙂".encode()) + 16  # nonce + ciphertext + tag
    assert crypto.decrypt(env, table="t", column="c", pk="1") == "Ménage à trois 🙂"


@pytest.mark.parametrize(
    "place",
    [
        {"table": "t", "column": "c", "pk": "2"},  # another row
        {"table": "t", "column": "d", "pk": "1"},  # another column
        {"table": "u", "column": "c", "pk": "1"},  # another table
        {"table": "t", "column": "c1", "pk": ""},  # same bytes run together: "t"+"c"+"1" vs "t"+"c1"+""
    ],
)
def test_a_ciphertext_moved_anywhere_else_does_not_decrypt(place):
    env = crypto.encrypt("secret", table="t", column="c", pk="1")
    with pytest.raises(crypto.DecryptionFailed, match="does not decrypt"):
        crypto.decrypt(env, **place)


def test_tampered_relabelled_or_foreign_values_raise_never_garbage(settings):
    env = crypto.encrypt("secret", table="t", column="c", pk="1")
    head, body = env.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    for bad in (
        head + ":" + base64.b64encode(bytes(raw)).decode(),  # one bit flipped
        head + ":" + base64.b64encode(bytes(raw[:20])).decode(),  # truncated
        head + ":not base64!",
        "plain text",
    ):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt(bad, table="t", column="c", pk="1")
    # the key version is authenticated too: the same bytes relabelled as version 2 fail even with version 2 held
    settings.OPENMASH_FIELD_KEYS = (
        "1:" + base64.b64encode(b"a" * 32).decode() + ",2:" + base64.b64encode(b"a" * 32).decode()
    )
    keys.keyring_reset()
    env = crypto.encrypt("secret", table="t", column="c", pk="1", key_version=1)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(env.replace("v1:1:", "v1:2:"), table="t", column="c", pk="1")


def test_uuid_primary_keys_read_the_same_however_the_database_returns_them():
    import uuid

    pk = uuid.uuid4()
    env = crypto.encrypt("x", table="t", column="c", pk=pk)
    assert crypto.decrypt(env, table="t", column="c", pk=pk.hex) == "x"  # SQLite's char(32)
    assert crypto.decrypt(env, table="t", column="c", pk=str(pk).upper()) == "x"


def test_no_nonce_repeats():
    """ASVS 11.3.4 / CR-1: 0 nonce repeats in NONCE_SAMPLE encryptions under one key (OPENMASH_TEST_NONCES=1000000
    for the figure in SECURITY-TESTS)."""
    seen = set()
    for _ in range(NONCE_SAMPLE):
        env = crypto.encrypt("same text", table="t", column="c", pk="1")
        seen.add(base64.b64decode(env.rsplit(":", 1)[1])[:12])
    assert len(seen) == NONCE_SAMPLE


def test_the_many_cell_encrypter_and_decrypter_are_encrypt_and_decrypt():
    """``crypto.encrypter``/``decrypter`` (one key ring read and one cipher for many cells: the bulk writers and
    the after-import reading, issue 8 speed) give envelopes ``decrypt`` reads, bound to their place like
    ``encrypt``'s, with fresh nonces; and read ``encrypt``'s, refusing a moved or tampered one as ``decrypt`` does."""
    import uuid

    seal = crypto.encrypter(table="t", column="c")
    read = crypto.decrypter(table="t", column="c")
    pk = uuid.uuid4()
    env = seal(pk, "Ménage à trois 🙂")
    assert env.startswith("v1:1:") and crypto.decrypt(env, table="t", column="c", pk=pk.hex) == "Ménage à trois 🙂"
    assert read(pk, crypto.encrypt("words", table="t", column="c", pk=pk)) == "words"
    assert read(str(pk).upper(), env) == "Ménage à trois 🙂"
    assert seal(pk, "same") != seal(pk, "same")  # a fresh nonce each call
    for place in ({"table": "t", "column": "c", "pk": "2"}, {"table": "t", "column": "d", "pk": str(pk)}):
        with pytest.raises(crypto.DecryptionFailed, match="does not decrypt"):
            crypto.decrypt(env, **place)
    with pytest.raises(crypto.DecryptionFailed, match="does not decrypt"):
        read("2", env)
    with pytest.raises(crypto.DecryptionFailed):
        read(pk, "plain text")
    with pytest.raises(crypto.DecryptionFailed, match="does not decrypt"):
        crypto.decrypter(table="t", column="d")(pk, env)


def test_bulk_writes_and_reads_read_the_key_ring_once_not_per_value(partnership, monkeypatch):
    """rows_insert seals, and the after-import reading opens, each encrypted value with the key ring read once per
    call (it was read, with a stat() of the key file, for every value: a third of the reading's time, issue 8)."""
    from openmash.core.bulk import rows_insert
    from openmash.patterns.reading import entries_read
    from openmash.people.models import ChronologyEntry, Person

    person = Person.objects.create(forename="Ann", surname="Smith", date_of_birth=dt.date(2015, 3, 1))
    base = {"person_id": person.pk, "occurred_at": timezone.now(), "kind": "event", "summary": "Event",
            "object_type": "x", "object_id": "1", "source": "s", "sensitivity": "standard", "event_kind": "other"}  # fmt: skip
    reads = []
    real_ring = crypto._ring
    monkeypatch.setattr(crypto, "_ring", lambda: reads.append(1) or real_ring())
    rows_insert(ChronologyEntry, [{**base, "external_id": f"e{n}", "description": f"Words {n}"} for n in range(40)])
    assert len(reads) <= 1
    reads.clear()
    ids = list(ChronologyEntry.objects.filter(person=person).values_list("pk", flat=True))
    assert entries_read(ids).entries == 40
    # a fixed few per call (opening the descriptions; sealing the findings' evidence and the records read as nothing),
    # never one per value: 40 values here
    assert len(reads) <= 3
    entries = {e.external_id: e.description for e in ChronologyEntry.objects.filter(person=person)}
    assert entries == {f"e{n}": f"Words {n}" for n in range(40)}


# --- the model field ---------------------------------------------------------------------------------------------


def test_a_contact_narrative_is_ciphertext_in_the_database_and_plaintext_on_the_model(new_contact):
    from openmash.contacts.models import Contact

    contact = new_contact(narrative="Canary narrative kept from the dump")
    stored = _raw("contacts_contact", "narrative", contact.pk)
    assert crypto.is_envelope(stored) and "Canary" not in stored
    assert Contact.objects.get(pk=contact.pk).narrative == "Canary narrative kept from the dump"
    # .only()/.defer() load through the same attribute
    assert Contact.objects.only("pk").get(pk=contact.pk).narrative.startswith("Canary")
    assert Contact.objects.defer("narrative").get(pk=contact.pk).narrative.startswith("Canary")
    # an empty optional field stays empty (documented: a dump shows which optional fields are blank)
    assert _raw("contacts_contact", "late_recorded_reason", contact.pk) == ""


def test_cr1_swapping_ciphertexts_between_rows_or_columns_fails_to_decrypt(new_contact):
    from openmash.contacts.models import Contact

    a = new_contact(
        narrative="Narrative of the first contact",
        immediate_risk=True,
        immediate_risk_detail="Risk detail of the first contact",
    )
    b = new_contact(narrative="Narrative of the second contact")
    a_narrative = _raw("contacts_contact", "narrative", a.pk)
    _raw_set("contacts_contact", "narrative", b.pk, a_narrative)  # row to row
    with pytest.raises(crypto.DecryptionFailed):
        _ = Contact.objects.get(pk=b.pk).narrative
    _raw_set("contacts_contact", "narrative", a.pk, _raw("contacts_contact", "immediate_risk_detail", a.pk))
    with pytest.raises(crypto.DecryptionFailed):  # column to column, same row
        _ = Contact.objects.get(pk=a.pk).narrative


def test_paths_that_would_write_plaintext_or_compare_ciphertext_are_refused(new_contact):
    from openmash.contacts.models import Contact

    contact = new_contact(narrative="Original words")
    with pytest.raises(FieldError, match="encrypted"):
        list(Contact.objects.filter(narrative__icontains="words"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Contact.objects.filter(narrative="Original words"))
    with pytest.raises(EncryptedFieldMisuse), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(narrative="Plain words")
    (value,) = Contact.objects.filter(pk=contact.pk).values_list("narrative", flat=True)
    assert isinstance(value, Sealed)
    with pytest.raises(EncryptedFieldMisuse):
        str(value)
    assert Contact.objects.filter(pk=contact.pk, late_recorded_reason__isnull=False).exists()
    # an update bound to its row works
    Contact.objects.filter(pk=contact.pk).update(**encrypted_values(Contact, contact.pk, narrative="New words"))
    assert Contact.objects.get(pk=contact.pk).narrative == "New words"


def test_a_copy_given_a_new_primary_key_is_encrypted_for_its_own_row(new_contact):
    from openmash.contacts.models import Contact

    contact = Contact.objects.get(pk=new_contact(narrative="Copied words").pk)
    contact.pk, contact.reference, contact._state.adding = None, "COPY-1", True
    contact.save()
    assert Contact.objects.get(pk=contact.pk).narrative == "Copied words"


def test_json_fields_keep_their_shape(new_contact, make_actor):
    from openmash.contacts.models import ContactChange
    from openmash.contacts.services import intake_draft_get, intake_draft_save

    actor = make_actor("referrer", "police")
    answers = {"narrative": ["Draft words about the child"], "n": ["1", "2"]}
    intake_draft_save(actor=actor, answers=answers, selected=[])
    from openmash.contacts.models import IntakeDraft

    draft = IntakeDraft.objects.get(user=actor.user)
    assert _raw("contacts_intakedraft", "answers", draft.pk).startswith("v1:")
    assert intake_draft_get(actor=actor)["answers"] == answers
    change = ContactChange(
        contact=new_contact(),
        kind="amended",
        field="narrative",
        previous=None,
        new={"a": [1]},
        changed_by=actor.user,
        agency=actor.agency,
        contact_version=1,
    )
    change.save()
    assert _raw("contacts_contactchange", "previous", change.pk) is None
    assert ContactChange.objects.get(pk=change.pk).new == {"a": [1]}


def test_bulk_paths_encrypt_with_each_rows_key(partnership):
    from openmash.core.bulk import rows_insert
    from openmash.people.models import ChronologyEntry, Person

    person = Person.objects.create(forename="Ann", surname="Smith", date_of_birth=dt.date(2015, 3, 1))
    base = {
        "person_id": person.pk,
        "occurred_at": timezone.now(),
        "kind": "event",
        "summary": "Event",
        "object_type": "x",
        "object_id": "1",
        "source": "s",
        "sensitivity": "standard",
    }
    rows_insert(
        ChronologyEntry,
        [
            {**base, "external_id": "a", "description": "Bulk words one"},
            {**base, "external_id": "b", "description": "Bulk words two"},
        ],
    )
    rows = {e.external_id: e for e in ChronologyEntry.objects.filter(person=person)}
    assert (rows["a"].description, rows["b"].description) == ("Bulk words one", "Bulk words two")
    assert crypto.is_envelope(_raw("people_chronologyentry", "description", rows["a"].pk))
    ChronologyEntry.objects.bulk_create([ChronologyEntry(**{**base, "external_id": "c", "description": "Via ORM"})])
    assert ChronologyEntry.objects.get(external_id="c").description == "Via ORM"


# --- CR-2: canaries absent from a raw dump ---------------------------------------------------------------------------


def _dump_text() -> str:
    """Every stored text value of every table, read with raw SQL: SQLite's iterdump(), or on PostgreSQL every text,
    varchar and json column of every table in the schema."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL')
            out.extend(v for (v,) in cursor.fetchall())
    return "\n".join(out)


def test_cr2_canaries_written_through_the_services_are_absent_from_a_dump(make_actor, tmp_path, settings, partnership):
    from openmash.accounts.admin_services import SYSTEM
    from openmash.casework.services import case_note_add
    from openmash.feeds.services import batch_start, feed_import
    from openmash.feeds.tests.conftest import csv_text, row

    referrer, screener, manager = make_actor("referrer", "police"), make_actor("screener"), make_actor("manager")
    canary = {
        "narrative": "CANARYNARRATIVE Zebrafinch",
        "answer": "CANARYANSWER Kingfisher",
        "note": "CANARYNOTE Nightjar",
        "chronology": "CANARYCHRONOLOGY Woodlark",
        "rationale": "CANARYRATIONALE Goldcrest",
    }
    enquiry = enquiry_open(referrer=referrer, screener=screener, narrative=canary["narrative"])
    (request,) = requests_send(screener, enquiry, "health-gp")
    respond(make_actor("researcher", "health-gp"), request, summary=canary["answer"])
    case_note_add(
        actor=screener,
        contact_id=enquiry.contact_id,
        note_type="phone_call",
        occurred_at=timezone.now(),
        text=canary["note"],
    )
    decide(manager, enquiry, rationale=canary["rationale"])
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    path = tmp_path / "extract.csv"
    path.write_text(csv_text([row(description=canary["chronology"])]))
    batch = batch_start(actor=SYSTEM, feed_code="standard", agency_code="police", file_name=path.name)
    feed_import(actor=SYSTEM, path=path, batch=batch)

    dump = _dump_text()
    assert "Testchild" in dump  # names stay plaintext (search and matching need them)
    for what, text in canary.items():
        assert text.split()[0] not in dump, f"the {what} canary is in the dump"
    # and every one still reads through the models
    from openmash.casework.models import CaseNote
    from openmash.enquiries.models import AgencyResponse, Decision
    from openmash.people.models import ChronologyEntry

    assert enquiry.contact.__class__.objects.get(pk=enquiry.contact_id).narrative == canary["narrative"]
    assert AgencyResponse.objects.get(request=request).summary == canary["answer"]
    assert CaseNote.objects.get(contact_id=enquiry.contact_id).text == canary["note"]
    assert Decision.objects.get(enquiry=enquiry).rationale == canary["rationale"]
    assert [e.description for e in ChronologyEntry.objects.filter(kind="event")] == [canary["chronology"]]


# --- CR-3: rotation and crypto-shredding ---------------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path, settings):
    """A key file holding the test settings' field key as version 1 (so rows already written read), in force."""
    path = tmp_path / "keys.json"
    data = keys.key_file_data_new()
    data["field_keys"] = {"1": settings.OPENMASH_FIELD_KEYS.split(":", 1)[1]}
    keys.key_file_write(path, data)
    settings.OPENMASH_KEY_FILE = str(path)
    keys.keyring_reset()
    return path


def test_cr3_rotate_then_retire_the_old_key_every_row_reads_old_copies_do_not(new_contact, key_file, capsys):
    from openmash.contacts.models import Contact

    contacts = [new_contact(narrative=f"Words number {w}") for w in ("one", "two", "three")]
    backup = _raw("contacts_contact", "narrative", contacts[0].pk)  # a copy as an old backup holds it
    assert backup.startswith("v1:1:")

    call_command("keys", "rotate", "--no-progress", "--batch", "2")
    out = capsys.readouterr().out
    assert "Added field key version 2" in out and "0 rows left" in out
    assert json.loads(key_file.read_text())["field_key_current"] == 2
    assert all(_raw("contacts_contact", "narrative", c.pk).startswith("v1:2:") for c in contacts)
    assert not any(rows_to_reencrypt().values())

    call_command("keys", "retire", "1")
    assert list(json.loads(key_file.read_text())["field_keys"]) == ["2"]
    for c, word in zip(contacts, ("one", "two", "three"), strict=True):
        assert Contact.objects.get(pk=c.pk).narrative == f"Words number {word}"
    # the old backup's value, restored into its own row, can no longer be read: crypto-shredded
    _raw_set("contacts_contact", "narrative", contacts[0].pk, backup)
    with pytest.raises(keys.KeyConfigurationError, match="version 1"):
        _ = Contact.objects.get(pk=contacts[0].pk).narrative


def test_retire_refuses_a_version_still_in_use_and_the_current_one(new_contact, key_file):
    from django.core.management.base import CommandError

    new_contact()
    keys.key_file_field_key_add(key_file)  # version 2 current, nothing re-encrypted yet
    with pytest.raises(CommandError, match="still use version 1"):
        call_command("keys", "retire", "1")
    with pytest.raises(CommandError, match="current"):
        call_command("keys", "retire", "2")


def test_an_interrupted_rotation_resumes_where_it_stopped(new_contact, key_file):
    contacts = [new_contact(narrative=f"Resumed words {w}") for w in ("one", "two", "three")]
    keys.key_file_field_key_add(key_file)
    calls = []

    def stop_after_first(rows):
        calls.append(rows)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reencrypt_all(batch=1, progress=stop_after_first)
    left = sum(rows_to_reencrypt().values())
    assert left > 0
    call_command("keys", "rotate", "--resume", "--no-progress")
    assert not any(rows_to_reencrypt().values())
    from openmash.contacts.models import Contact

    assert sorted(Contact.objects.get(pk=c.pk).narrative for c in contacts) == [
        "Resumed words one",
        "Resumed words three",
        "Resumed words two",
    ]


def test_keys_status_counts_cells_per_version(new_contact, capsys):
    new_contact()
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "contacts_contact.narrative: v1: 1" in out and "current 1" in out


def test_keys_generate_refuses_to_overwrite(tmp_path, capsys):
    from openmash.core.keytool import main

    path = tmp_path / "k.json"
    assert main(["--out", str(path)]) == 0
    assert json.loads(path.read_text())["field_key_current"] == 1 and (path.stat().st_mode & 0o777) == 0o600
    before = path.read_text()
    assert main(["--out", str(path)]) == 1
    assert path.read_text() == before and "refusing to overwrite" in capsys.readouterr().err


# --- the data migration ----------------------------------------------------------------------------------------


def test_data_migration_encrypts_rows_written_as_plaintext_and_its_reverse_decrypts(new_contact):
    """Rows written before the encryption migration hold plaintext: the migration's own function encrypts them in
    place (and leaves what is already encrypted), its reverse gives the plaintext back."""
    import importlib

    from openmash.contacts.models import Contact

    migration = importlib.import_module("openmash.contacts.migrations.0010_encrypt_existing_rows")
    contact = new_contact(narrative="Before the migration")
    _raw_set("contacts_contact", "narrative", contact.pk, "Before the migration")  # as an old row held it
    already = _raw("contacts_contact", "consent_detail", contact.pk)
    cells_encrypt(migration.COLUMNS)
    assert crypto.is_envelope(_raw("contacts_contact", "narrative", contact.pk))
    assert Contact.objects.get(pk=contact.pk).narrative == "Before the migration"
    assert cells_encrypt(migration.COLUMNS) == 0  # a re-run changes nothing
    assert _raw("contacts_contact", "consent_detail", contact.pk) == already
    cells_decrypt(migration.COLUMNS)
    assert _raw("contacts_contact", "narrative", contact.pk) == "Before the migration"


def test_migrating_forwards_encrypts_and_backwards_decrypts(transactional_db):
    """The real migrations: people back to before encryption, a plaintext description written with the model as it
    was then, forwards again (encrypted, reads), backwards (plaintext again)."""
    from django.db.migrations.executor import MigrationExecutor

    from openmash.people.models import ChronologyEntry

    executor = MigrationExecutor(connection)
    # every app's leaf, not only people's: going back unapplies the apps that depend on people (patterns, messaging,
    # ...), and a forward migration to people's leaf alone would leave their tables missing for the tests after this one
    leaf = executor.loader.graph.leaf_nodes()
    before = [("people", "0013_chronology_time_known")]
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        person = old.get_model("people", "Person").objects.create(forename="Ann", surname="Smith")
        entry = old.get_model("people", "ChronologyEntry").objects.create(
            person_id=person.pk,
            occurred_at=timezone.now(),
            kind="event",
            summary="E",
            object_type="x",
            object_id="1",
            description="Plaintext before the migration",
        )
        assert _raw("people_chronologyentry", "description", entry.pk) == "Plaintext before the migration"
        MigrationExecutor(connection).migrate(leaf)
        assert crypto.is_envelope(_raw("people_chronologyentry", "description", entry.pk))
        assert ChronologyEntry.objects.get(pk=entry.pk).description == "Plaintext before the migration"
        MigrationExecutor(connection).migrate(before)
        assert _raw("people_chronologyentry", "description", entry.pk) == "Plaintext before the migration"
    finally:
        MigrationExecutor(connection).migrate(leaf)


def test_openmash_keys_generate_runs_without_configuration(tmp_path):
    from openmash.cli import main

    path = tmp_path / "new.json"
    with pytest.raises(SystemExit) as done:
        main(["keys", "generate", "--out", str(path)])
    assert done.value.code == 0 and json.loads(path.read_text())["format"] == keys.KEY_FILE_FORMAT


def test_rotate_with_keys_from_the_environment_says_how_to_add_one(new_contact, capsys):
    new_contact()
    call_command("keys", "rotate", "--no-progress")
    out = capsys.readouterr().out
    assert "OPENMASH_FIELD_KEYS" in out and "Nothing to re-encrypt" in out
