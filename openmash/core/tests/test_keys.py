"""openmash.core.keys: where the keys come from, and what a bad key configuration says."""

import base64
import json
import stat

import pytest
from django.test import override_settings

from openmash.core import keys


@pytest.fixture(autouse=True)
def _fresh_keyring():
    keys.keyring_reset()
    yield
    keys.keyring_reset()


def test_test_settings_give_every_key():
    ring = keys.keyring()
    version, key = ring.field_key_in_use()
    assert version == 1 and len(key) == 32
    assert len(ring.audit_mac()) == 32
    message = b"checkpoint"
    ring.audit_verify_key().verify(ring.audit_signing_key().sign(message), message)  # raises if they do not pair


def test_key_file_is_owner_only_and_wins_over_the_environment(tmp_path):
    path = tmp_path / "keys.json"
    data = keys.key_file_data_new()
    keys.key_file_write(path, data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with override_settings(OPENMASH_KEY_FILE=str(path)):
        keys.keyring_reset()
        ring = keys.keyring()
        assert ring.field_key(1) == base64.b64decode(data["field_keys"]["1"])
        assert ring.audit_mac() == base64.b64decode(data["audit_mac_key"])
        assert ring.source == "key file keys.json"


def test_adding_a_field_key_makes_it_current_and_keeps_the_old_one(tmp_path):
    path = tmp_path / "keys.json"
    keys.key_file_write(path, keys.key_file_data_new())
    old = json.loads(path.read_text())["field_keys"]["1"]
    assert keys.key_file_field_key_add(path) == 2
    with override_settings(OPENMASH_KEY_FILE=str(path)):
        keys.keyring_reset()
        ring = keys.keyring()
        assert ring.field_key_in_use()[0] == 2
        assert ring.field_key(1) == base64.b64decode(old)
        with pytest.raises(keys.KeyConfigurationError, match="version 3"):
            ring.field_key(3)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"OPENMASH_FIELD_KEYS": "1:not base64!"}, "not base64"),
        ({"OPENMASH_FIELD_KEYS": "1:" + base64.b64encode(b"short").decode()}, "must be 32 bytes"),
        ({"OPENMASH_FIELD_KEYS": "one:" + base64.b64encode(b"x" * 32).decode()}, "version:base64key"),
        ({"OPENMASH_FIELD_KEY_CURRENT": 7}, "not in OPENMASH_FIELD_KEYS"),
        ({"OPENMASH_KEY_FILE": "/nonexistent/keys.json"}, "does not exist"),
    ],
)
def test_bad_configuration_names_the_variable_never_the_value(overrides, message):
    with override_settings(**overrides):
        keys.keyring_reset()
        with pytest.raises(keys.KeyConfigurationError, match=message) as caught:
            keys.keyring()
    assert "eHh4" not in str(caught.value)


def test_missing_keys_say_how_to_configure_them():
    with override_settings(OPENMASH_FIELD_KEYS="", OPENMASH_AUDIT_MAC_KEY="", OPENMASH_AUDIT_SIGNING_KEY=""):
        keys.keyring_reset()
        ring = keys.keyring()
        for call in (ring.field_key_in_use, ring.audit_mac, ring.audit_signing_key):
            with pytest.raises(keys.KeyConfigurationError, match="openmash keys generate"):
                call()
