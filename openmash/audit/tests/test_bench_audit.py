"""`openmash bench audit` (TE-4) on a tiny trail, so the benchmark cannot rot: it writes the events through the bulk
writer into a fresh bench database, seals and checkpoints them, verifies them in a child process of their own and
prints the rate, the CPU time and the peak memory."""

import pytest
from django.core.management import call_command

from openmash.audit.management.commands.bench_audit import synthetic_events


def test_the_bench_writes_verifies_and_reports(capsys):
    call_command("bench_audit", events=500, database="sqlite")
    out = capsys.readouterr().out
    assert "sqlite: wrote, sealed and checkpointed 500 events" in out
    assert "sqlite: verified 500 events in" in out and "events/s" in out and "peak RSS" in out and "intact" in out


def test_synthetic_events_hold_no_personal_data_and_rise_in_time():
    events = list(synthetic_events(200, seed=1))
    assert len(events) == 200
    assert [e[0] for e in events] == sorted(e[0] for e in events)
    assert all(e[2].startswith("bench.user") and e[8] == "" for e in events)


@pytest.mark.django_db
def test_the_bulk_writer_gives_ids_and_macs_that_verify():
    from openmash.audit.chain import audit_verify
    from openmash.audit.models import AuditEvent
    from openmash.audit.services import audit_bulk_write

    assert audit_bulk_write(synthetic_events(120, seed=3), batch=50) == 120
    assert AuditEvent.objects.exclude(mac="").count() == 120
    result = audit_verify()
    assert result.ok and result.events == result.sealed == 120, result.summary()
