"""TOTP secrets encrypted at rest (ADR 0011 addendum; SECURITY-TESTS CR-1, CR-2, CR-3): an authenticator app's key is
an AES-256-GCM envelope bound to its row in accounts_appdevice, never hex in the database; codes still verify, once
each; `openmash keys rotate` re-encrypts it; the migration moves django-otp's plain-hex devices across with their
keys, so users' apps keep working."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import totp_code_for


def _raw_key(device) -> str:
    """The key column as stored (values_list gives the unopened envelope)."""
    from openmash.accounts.models import AppDevice

    return AppDevice.objects.filter(pk=device.pk).values_list("key", flat=True)[0].envelope


@pytest.mark.django_db
def test_the_key_is_an_envelope_in_the_database_and_codes_still_work_once(make_actor):
    from openmash.accounts.mfa import totp_check, totp_device_ensure
    from openmash.accounts.models import AppDevice

    user = make_actor("screener", "mash").user
    device = totp_device_ensure(user)
    hex_key = AppDevice.objects.get(pk=device.pk).key
    assert len(hex_key) == 40 and bytes.fromhex(hex_key)
    raw = _raw_key(device)
    assert raw.startswith("v1:") and hex_key not in raw
    code = totp_code_for(user)
    assert totp_check(user, code) is True
    assert totp_check(user, code) is False  # replay refused (last_t)
    # the envelope is bound to its row: copied into another device's row it does not decrypt
    other = totp_device_ensure(make_actor("screener", "mash").user)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_appdevice SET key = %s WHERE id = %s",
            [raw, other.pk],
        )
    from openmash.core.crypto import DecryptionFailed

    with pytest.raises(DecryptionFailed):
        _ = AppDevice.objects.get(pk=other.pk).key


@pytest.mark.django_db
def test_keys_rotate_covers_the_app_keys():
    from openmash.core.encryption import encrypted_tables

    tables = {t.table: t.columns for t in encrypted_tables()}
    assert tables["accounts_appdevice"] == ("key",)


@pytest.mark.django_db
def test_the_migration_moves_plain_hex_devices_with_their_keys(make_actor):
    import importlib

    from django.apps import apps
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openmash.accounts.models import AppDevice

    move = importlib.import_module("openmash.accounts.migrations.0007_app_device_encrypted_key")
    user = make_actor("screener", "mash").user
    AppDevice.objects.filter(user=user).delete()
    old = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, last_t=5)
    editor = type("Editor", (), {"connection": connection})()
    move.devices_forward(apps, editor)
    assert not TOTPDevice.objects.exists()
    new = AppDevice.objects.get(user=user)
    assert (new.key, new.name, new.confirmed, new.last_t) == (old.key, "Authenticator app", True, 5)
    totp = TOTP(bytes.fromhex(old.key))
    assert new.verify_token(totp.token()) is True
