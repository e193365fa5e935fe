"""Concurrent writers and the sealer (issue 7): requests audit at once without waiting for one another, the sealer
runs beside them, and the trail still verifies. On PostgreSQL an event whose transaction commits after a higher id
was sealed is sealed at a later position, never skipped. (Here, not in openmash/audit/tests: races need the
on-disk SQLite test database that tests/conftest.py sets up for tests marked `threads`.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from openmash.audit.chain import audit_seal, audit_verify
from openmash.audit.models import AuditEvent, AuditSeal
from openmash.audit.services import audit_record

pytestmark = [pytest.mark.threads, pytest.mark.django_db(transaction=True)]
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _checkpoints_of_our_own(tmp_path, settings):
    settings.OPENMASH_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"


def test_concurrent_writers_and_the_sealer_leave_a_trail_that_verifies(make_actor):
    actor = make_actor("screener", "mash")
    errors: list[Exception] = []
    barrier = threading.Barrier(5)

    def writer(n):
        try:
            barrier.wait(timeout=30)
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=actor, action="view", object_type="x", object_id=f"{n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def sealer():
        try:
            barrier.wait(timeout=30)
            for _ in range(10):
                audit_seal()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    _run([threading.Thread(target=writer, args=(n,)) for n in range(4)] + [threading.Thread(target=sealer)])
    assert not errors, errors
    result = audit_verify()
    assert result.ok, result.summary()
    assert result.sealed == AuditEvent.objects.count() >= 60
    ids = list(AuditEvent.objects.values_list("id", flat=True))
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers: no event commits out of id order")
def test_an_event_committed_after_a_higher_id_was_sealed_is_sealed_later(make_actor):
    actor = make_actor("screener", "mash")
    audit_seal()
    holding, release, errors = threading.Event(), threading.Event(), []
    taken: dict[str, int] = {}

    def slow():
        try:
            with transaction.atomic():
                taken["slow"] = audit_record(actor=actor, action="view", object_type="x", object_id="slow").pk
                holding.set()
                release.wait(timeout=60)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    assert holding.wait(timeout=30)
    fast = audit_record(actor=actor, action="view", object_type="x", object_id="fast").pk
    assert fast > taken["slow"]
    audit_seal()  # seals the higher id; the lower one is not committed yet
    assert AuditSeal.objects.filter(event_id=fast).exists()
    assert not AuditSeal.objects.filter(event_id=taken["slow"]).exists()
    release.set()
    thread.join(timeout=60)
    assert not errors, errors
    audit_seal()  # the watermark has not passed it: sealed now, at a later position
    late = AuditSeal.objects.get(event_id=taken["slow"]).position
    assert late > AuditSeal.objects.get(event_id=fast).position
    for _ in range(3):  # further runs move the watermark on and seal nothing twice
        assert audit_seal().sealed == 0
    result = audit_verify()
    assert result.ok and result.unsealed == 0, result.summary()
