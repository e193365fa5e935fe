"""Tamper evidence (issue 7; SECURITY-TESTS.md TE-1, TE-2, LG-2): every event carries a MAC, the sealer chains them,
signed checkpoints are kept outside the database, and `audit verify` finds every single tamper, naming the first bad
event. Runs on SQLite and on PostgreSQL alike; the attacker's changes are raw SQL after lifting the triggers, as
someone holding the database file would make them."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from openmash.audit import chain
from openmash.audit.canonical import event_mac
from openmash.audit.models import AuditChainState, AuditCheckpoint, AuditEvent, AuditEventContact, AuditSeal
from openmash.audit.services import audit_record, audit_record_many
from openmash.audit.tests import tamper
from openmash.core.keys import keyring
from tests.support import contact_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(make_actor):
    """A trail of events (a contact's creation with its contact index, views, lists), checkpointed, then three more
    events sealed after the checkpoint. Returns the ids: {"all", "checkpointed", "after"}."""
    actor = make_actor("screener", "mash")
    contact = contact_record(make_actor("referrer", "police"))
    for i in range(4):
        audit_record(actor=actor, action="view", obj=contact, detail={"n": i, "nested": {"b": [1, 2], "a": None}})
    audit_record_many(actor=actor, action="list", objects=list(contact.people.all()))
    chain.audit_checkpoint()
    checkpointed = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    for i in range(3):
        audit_record(actor=actor, action="view", object_type="x", object_id=str(i), reason="Checking")
    chain.audit_seal()
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    return {"all": ids, "checkpointed": checkpointed, "after": ids[len(checkpointed) :], "contact": contact}


def _verify(**kwargs) -> chain.VerifyResult:
    return chain.audit_verify(**kwargs)


def _failed(kind: str, event_id: int | None = None) -> chain.Problem:
    result = _verify()
    assert not result.ok, result.summary()
    first = result.first
    assert first.kind == kind, result.summary()
    if event_id is not None:
        assert first.event_id == event_id, result.summary()
    return first


# --- the writer ----------------------------------------------------------------------------------------------------


def test_every_event_carries_the_mac_of_its_content_and_contacts(trail):
    key = keyring().audit_mac()
    contact_linked = 0
    for event in AuditEvent.objects.all():
        contacts = list(AuditEventContact.objects.filter(event_id=event.pk).values_list("contact_id", flat=True))
        contact_linked += bool(contacts)
        assert len(event.mac) == 64
        assert event.mac == event_mac(key, event, contacts)
    assert contact_linked  # the contact index is covered too


def test_ids_are_given_before_the_insert_and_rise(make_actor):
    actor = make_actor("screener", "mash")
    first = audit_record(actor=actor, action="view", object_type="x", object_id="1")
    second = audit_record(actor=actor, action="view", object_type="x", object_id="2")
    assert first.pk and second.pk > first.pk
    assert AuditEvent.objects.get(pk=first.pk).mac == first.mac


def test_without_the_mac_key_nothing_is_written_and_the_action_fails(make_actor, settings):
    """Fail closed (LG-2): the audit cannot be written without its key, so the action it audits is refused too."""
    from openmash.contacts.models import Contact
    from openmash.core.keys import KeyConfigurationError, keyring_reset

    referrer = make_actor("referrer", "police")
    before = Contact.objects.count(), AuditEvent.objects.count()
    settings.OPENMASH_AUDIT_MAC_KEY = ""
    keyring_reset()
    try:
        with pytest.raises(KeyConfigurationError):
            contact_record(referrer)
    finally:
        settings.OPENMASH_AUDIT_MAC_KEY = "dGVzdC1vbmx5LWF1ZGl0LW1hYy1rZXktMzItYnl0ZXM="
        keyring_reset()
    assert (Contact.objects.count(), AuditEvent.objects.count()) == before


# --- sealing and checkpoints ---------------------------------------------------------------------------------------


def test_sealing_chains_every_event_once_in_id_order(trail):
    seals = list(AuditSeal.objects.order_by("position").values_list("position", "event_id"))
    assert [p for p, _ in seals] == list(range(1, len(trail["all"]) + 1))
    assert [e for _, e in seals] == trail["all"]
    assert chain.audit_seal().sealed == 0  # nothing twice
    assert AuditChainState.objects.get().last_position == len(seals)


def test_a_checkpoint_is_signed_and_appended_outside_the_database(trail, checkpoint_file):
    lines = checkpoint_file.read_text().splitlines()
    assert len(lines) == 1
    cp = json.loads(lines[0])
    assert cp["position"] == len(trail["checkpointed"]) and cp["trail"] == str(AuditChainState.objects.get().trail)
    assert cp["chain"] == AuditSeal.objects.get(position=cp["position"]).chain
    keyring().audit_verify_key().verify(__import__("base64").b64decode(cp["signature"]), chain._signed_bytes(cp))
    assert AuditCheckpoint.objects.get().line == lines[0]
    assert oct(checkpoint_file.stat().st_mode & 0o777) == "0o600"


def test_an_intact_trail_verifies(trail):
    result = _verify()
    assert result.ok, result.summary()
    assert result.events == len(trail["all"]) and result.sealed == len(trail["all"]) and result.checkpoints == 1
    assert result.summary().startswith("intact:")


def test_verify_seals_what_is_waiting_first(trail, make_actor):
    audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="9")
    result = _verify()
    assert result.ok and result.unsealed == 0 and result.sealed == AuditEvent.objects.count() > len(trail["all"])


def test_an_unsealed_event_within_the_window_is_counted_not_reported(trail, make_actor):
    actor = make_actor("screener", "mash")
    chain.audit_seal()
    audit_record(actor=actor, action="view", object_type="x", object_id="9")
    result = _verify(seal=False)
    assert result.ok and result.unsealed == 1 and "1 not yet sealed" in result.summary()


# --- TE-1: each single tamper is found, naming the first bad event -------------------------------------------------


def test_a_modified_field_is_found(trail):
    target = trail["checkpointed"][3]
    tamper.sql("UPDATE audit_auditevent SET actor_username = 'someone.else' WHERE id = %s", [target])
    first = _failed("modified", target)
    assert "no longer matches its MAC" in first.message


def test_a_modified_detail_is_found(trail):
    target = trail["all"][-1]
    tamper.sql("UPDATE audit_auditevent SET reason = 'Other' WHERE id = %s", [target])
    _failed("modified", target)


def test_a_deleted_event_is_found(trail):
    target = trail["checkpointed"][2]
    tamper.sql("DELETE FROM audit_auditeventcontact WHERE event_id = %s", [target])
    tamper.sql("DELETE FROM audit_auditevent WHERE id = %s", [target])
    first = _failed("missing", target)
    assert "deleted" in first.message


def test_a_deleted_event_and_its_seal_are_found(trail):
    target = trail["checkpointed"][2]
    tamper.sql("DELETE FROM audit_auditeventcontact WHERE event_id = %s", [target])
    tamper.sql("DELETE FROM audit_auditevent WHERE id = %s", [target])
    tamper.sql("DELETE FROM audit_auditseal WHERE event_id = %s", [target])
    first = _failed("missing")
    assert "were deleted" in first.message


def test_two_swapped_events_are_found(trail):
    a, b = trail["checkpointed"][4], trail["checkpointed"][6]
    tamper.swap(a, b)
    first = _failed("out of order", a)
    assert f"event {b}" in first.message


def test_a_forged_event_is_found(trail):
    forged = trail["all"][-1] + 1
    tamper.sql(
        "INSERT INTO audit_auditevent (id, at, actor_user_id, actor_username, agency_code, role, action, object_type, "
        "object_id, reason, request_id, client_request_id, detail, mac) VALUES "
        "(%s, %s, NULL, 'auditor', 'mash', 'auditor', 'view', 'x', '1', '', '', '', '{}', %s)",
        [forged, AuditEvent.objects.get(pk=trail["all"][0]).at, "ab" * 32],
    )
    first = _failed("forged", forged)
    assert "no valid MAC" in first.message
    assert not AuditSeal.objects.filter(event_id=forged).exists()  # the sealer leaves it out of the chain


def test_a_forged_event_without_a_mac_is_found(trail):
    forged = trail["all"][-1] + 1
    tamper.sql(
        "INSERT INTO audit_auditevent (id, at, actor_user_id, actor_username, agency_code, role, action, object_type, "
        "object_id, reason, request_id, client_request_id, detail, mac) VALUES "
        "(%s, %s, NULL, 'auditor', 'mash', 'auditor', 'view', 'x', '1', '', '', '', '{}', '')",
        [forged, AuditEvent.objects.get(pk=trail["all"][0]).at],
    )
    _failed("forged", forged)


def test_a_changed_contact_index_is_found(trail):
    indexed = AuditEventContact.objects.order_by("event_id").values_list("event_id", flat=True).first()
    tamper.sql("DELETE FROM audit_auditeventcontact WHERE event_id = %s", [indexed])
    _failed("modified", indexed)


def test_a_chain_recomputed_without_the_key_is_found(trail):
    """The attacker changes an event and recomputes its MAC and the chain from there, with a key of their own."""
    target = trail["checkpointed"][5]
    position = AuditSeal.objects.get(event_id=target).position
    wrong = tamper.random_key()
    tamper.sql("UPDATE audit_auditevent SET action = 'list' WHERE id = %s", [target])
    row = AuditEvent.objects.get(pk=target)
    contacts = AuditEventContact.objects.filter(event_id=target).values_list("contact_id", flat=True)
    forged_mac = event_mac(wrong, row, contacts)
    tamper.sql("UPDATE audit_auditevent SET mac = %s WHERE id = %s", [forged_mac, target])
    macs = dict(AuditSeal.objects.values_list("event_id", "event_mac"))
    macs[target] = forged_mac
    tamper.chain_rewrite(wrong, position, mac_of_event=macs.__getitem__)
    _failed("chain", target)


def test_an_insider_with_the_mac_key_is_caught_by_the_signed_checkpoint(trail):
    """TE-1 "recompute-chain by DB superuser" with the MAC key itself: every MAC and link is right again, and only
    the checkpoint outside the database, signed with a key the rewrite did not have, disagrees."""
    key = keyring().audit_mac()
    target = trail["checkpointed"][1]
    tamper.sql("UPDATE audit_auditevent SET reason = 'Nothing to see' WHERE id = %s", [target])
    row = AuditEvent.objects.get(pk=target)
    contacts = AuditEventContact.objects.filter(event_id=target).values_list("contact_id", flat=True)
    new_mac = event_mac(key, row, contacts)
    tamper.sql("UPDATE audit_auditevent SET mac = %s WHERE id = %s", [new_mac, target])
    macs = dict(AuditSeal.objects.values_list("event_id", "event_mac"))
    macs[target] = new_mac
    position = AuditSeal.objects.get(event_id=target).position
    tamper.chain_rewrite(key, position, mac_of_event=macs.__getitem__)
    first = _failed("checkpoint")
    assert "checkpoint 1" in first.message and first.position == len(trail["checkpointed"])


def test_a_forged_checkpoint_line_is_found(trail, checkpoint_file):
    cp = json.loads(checkpoint_file.read_text())
    cp["position"] = 1
    checkpoint_file.write_text(json.dumps(cp) + "\n")
    assert _failed("forged").message.startswith("checkpoint (")


def test_another_trails_checkpoints_are_refused(trail, checkpoint_file):
    tamper.sql("UPDATE audit_auditchainstate SET trail = %s", ["00000000-0000-4000-8000-000000000000"])
    result = _verify(seal=False)
    assert not result.ok  # the chain's first link binds the trail id too
    kinds = {result.first.kind}
    assert kinds & {"checkpoint", "chain"}


# --- TE-2: cutting the tail ----------------------------------------------------------------------------------------


def _cut_after(position: int) -> None:
    cut = list(AuditSeal.objects.filter(position__gt=position).values_list("event_id", flat=True))
    tamper.sql("DELETE FROM audit_auditseal WHERE position > %s", [position])
    for event_id in cut:
        tamper.sql("DELETE FROM audit_auditeventcontact WHERE event_id = %s", [event_id])
        tamper.sql("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def test_cutting_back_past_the_last_checkpoint_is_found(trail, checkpoint_file):
    """Events, their seals and the table's checkpoints removed back past the checkpoint: the file still has it."""
    checkpointed = len(trail["checkpointed"])
    _cut_after(checkpointed - 2)
    tamper.sql("DELETE FROM audit_auditcheckpoint")
    tamper.sql("UPDATE audit_auditchainstate SET last_position = %s", [checkpointed - 2])
    first = _failed("truncated")
    assert "before checkpoint 1" in first.message


def test_cutting_after_the_last_checkpoint_is_found_while_the_sealers_record_stands(trail):
    _cut_after(len(trail["checkpointed"]))
    first = _failed("truncated")
    assert "sealer recorded" in first.message


def test_cutting_after_the_last_checkpoint_with_the_sealers_record_is_the_documented_window(trail):
    """TE-2, documented: events sealed after the last checkpoint and cut with their seals and the sealer's record are
    not found (the window is the checkpoint interval, OPENMASH_AUDIT_CHECKPOINT_MINUTES, default 5 minutes)."""
    checkpointed = len(trail["checkpointed"])
    _cut_after(checkpointed)
    tamper.sql("UPDATE audit_auditchainstate SET last_position = %s", [checkpointed])
    result = _verify(seal=False)
    assert result.ok and result.events == checkpointed


def test_an_unsealed_event_deleted_is_the_documented_window(trail, make_actor):
    """Events not yet sealed (at most OPENMASH_AUDIT_SEAL_SECONDS old) can be deleted unseen: documented."""
    event = audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="9")
    tamper.sql("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert _verify().ok


# --- events from before tamper evidence ----------------------------------------------------------------------------


def test_events_written_before_tamper_evidence_are_sealed_with_a_mac_of_their_own(make_actor):
    actor = make_actor("screener", "mash")
    old = [audit_record(actor=actor, action="view", object_type="x", object_id=str(i)).pk for i in range(3)]
    tamper.sql("UPDATE audit_auditevent SET mac = ''")  # as migration audit 0010 left them
    assert chain.audit_seal().sealed == len(AuditEvent.objects.all())
    assert AuditChainState.objects.get().legacy_max_id == max(AuditEvent.objects.values_list("id", flat=True))
    assert _verify().ok
    tamper.sql("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [old[1]])
    _failed("modified", old[1])


def test_an_event_without_a_mac_after_the_legacy_boundary_is_forged(trail, make_actor):
    event = audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="9")
    tamper.sql("UPDATE audit_auditevent SET mac = '' WHERE id = %s", [event.pk])
    _failed("forged", event.pk)


# --- the command ---------------------------------------------------------------------------------------------------


def test_the_command_says_intact_in_one_line(trail, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("audit verify: intact:")


def test_the_command_exits_non_zero_naming_the_first_bad_event_and_no_personal_data(trail, capsys):
    first, second = trail["checkpointed"][2], trail["checkpointed"][5]
    tamper.sql("UPDATE audit_auditevent SET action = 'x' WHERE id IN (%s, %s)", [first, second])
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"audit verify: FAILED: event {first} at position") and "modified" in err
    assert "2 problems" in err
    usernames = AuditEvent.objects.values_list("actor_username", flat=True)
    assert not any(name in err for name in usernames if name)
    assert "Testchild" not in err and "Amelia" not in err


def test_the_checkpoint_and_seal_commands(trail, checkpoint_file, capsys):
    call_command("audit_seal")
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert "audit seal: 0 events sealed" in out and "audit checkpoint 2:" in out
    assert len(checkpoint_file.read_text().splitlines()) == 2
    assert _verify().checkpoints == 2


def test_retiring_the_checkpoint_file_moves_it_aside(trail, checkpoint_file):
    moved = chain.retire_checkpoint_file()
    assert moved.exists() and not checkpoint_file.exists() and moved.name.startswith(checkpoint_file.name)
    assert connection.vendor in ("sqlite", "postgresql")


def test_serve_seals_and_checkpoints_on_its_clock(trail, make_actor, checkpoint_file, monkeypatch):
    """openmash serve's audit thread (audit_periodic): seals each tick and checkpoints when the interval is up."""

    class Ticks:
        def __init__(self, n):
            self.n = n

        def wait(self, seconds):
            self.n -= 1
            return self.n < 0

    monkeypatch.setattr("django.db.close_old_connections", lambda: None)  # the test's own transaction stays open
    audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="9")
    chain.audit_periodic(Ticks(1), seal_seconds=60, checkpoint_minutes=0)
    assert AuditSeal.objects.count() == AuditEvent.objects.count()
    monkeypatch.setattr("openmash.audit.chain.time.monotonic", iter(range(0, 10_000, 400)).__next__)
    chain.audit_periodic(Ticks(2), seal_seconds=60, checkpoint_minutes=5)
    assert len(checkpoint_file.read_text().splitlines()) >= 2


def test_the_cli_lists_the_audit_group(capsys):
    from openmash.cli import main

    main(["audit", "--help"])
    out = capsys.readouterr().out
    assert "seal" in out and "checkpoint" in out and "verify" in out
