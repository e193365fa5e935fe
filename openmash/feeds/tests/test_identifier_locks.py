"""A feed import takes no per-identifier locks, and joins afterwards what other writers stored meanwhile.

Found by `openmash bench import --database postgres` at 1,000,000 rows: the import's one transaction took a
PostgreSQL advisory lock per identifier and held them all until it committed; the server's lock table filled and
the import failed ("out of shared memory", max_locks_per_transaction). The import now takes none
(``linking._lock_identifiers(bulk=True)``); a record another writer stores with the same identifier while the import
runs is joined by ``linking.records_reconcile_identifiers`` once the import has committed.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from openmash.feeds.bench import nhs_number
from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import NHS_A, row

pytestmark = pytest.mark.django_db


def _advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def _unlinked_record(agency_code: str, local_id: str, nhs: str):
    """A record stored the way a concurrent writer's would look to the import: committed after the import's look-up,
    so nothing joined it (made directly, without the linking service's rule)."""
    from openmash.accounts.models import Agency
    from openmash.people.models import AgencyRecord, Person

    person = Person.objects.create(forename="Kayden", surname="Smith", date_of_birth=dt.date(2015, 3, 1), sex="M")
    return AgencyRecord.objects.create(
        agency=Agency.objects.get(code=agency_code),
        local_id=local_id,
        origin_person=person,
        person=person,
        given_name="Kayden",
        family_name="Smith",
        nhs_number=nhs,
        date_of_birth=dt.date(2015, 3, 1),
        sex="M",
        received_at=timezone.now(),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="advisory locks are PostgreSQL's")
def test_an_import_of_many_people_holds_no_lock_per_identifier(write_csv, run_import):
    rng = random.Random(7)
    rows = [row(record_id=f"P{i}", given_name=f"Kay{chr(97 + i % 26)}", nhs_number=nhs_number(rng)) for i in range(300)]
    batch = run_import(write_csv(rows))
    assert batch.status == BatchStatus.DONE, batch.report
    # the test's own transaction is still open, so every transaction-level lock the import took is still held: the
    # barrier its reconciliation took, and nothing per identifier (there were 300 before)
    assert _advisory_locks_held() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="advisory locks are PostgreSQL's")
def test_a_contact_takes_the_shared_barrier_and_its_identifiers_locks():
    from openmash.people.linking import IDENTIFIER_BARRIER_LOCK, _lock_identifiers

    _lock_identifiers({("nhs_number", NHS_A), ("upn", "A801200005001")})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode, (classid::bigint << 32) | objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        held = cursor.fetchall()
    modes = sorted(mode for mode, _ in held)
    assert modes == ["ExclusiveLock", "ExclusiveLock", "ShareLock"]
    barrier = IDENTIFIER_BARRIER_LOCK & 0xFFFFFFFFFFFFFFFF
    assert [key for mode, key in held if mode == "ShareLock"] == [barrier]


def test_a_record_another_writer_stored_during_the_import_is_joined_after_it(write_csv, run_import, make_actor):
    from openmash.people.linking import records_reconcile_identifiers
    from openmash.people.models import AgencyRecord, LinkState, RecordLink

    batch = run_import(write_csv([row(record_id="P1", nhs_number=NHS_A)]))
    assert batch.status == BatchStatus.DONE
    # the school's record of the same child, stored while the import ran and invisible to it
    school = _unlinked_record("school-oak", "S1", NHS_A)
    police = AgencyRecord.objects.get(agency__code="police", local_id="P1")
    assert school.person_id != police.person_id

    written = records_reconcile_identifiers(
        actor=make_actor("screener", "mash"), since=batch.started_at, agency_id=batch.agency_id, source_feed="standard"
    )
    school.refresh_from_db()
    police.refresh_from_db()
    assert written == 1
    assert school.person_id == police.person_id
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert (link.state, link.rule) == (LinkState.CONFIRMED, "nhs_number")
    # run again: nothing more to do
    assert (
        records_reconcile_identifiers(
            actor=make_actor("screener", "mash"),
            since=batch.started_at,
            agency_id=batch.agency_id,
            source_feed="standard",
        )
        == 0
    )


def test_an_import_reconciles_after_it_commits_and_a_dry_run_does_not(write_csv, run_import, monkeypatch):
    from openmash.feeds import services

    calls = []
    monkeypatch.setattr(services, "records_reconcile_identifiers", lambda **kw: calls.append(kw) or 0)
    dry = run_import(write_csv([row(record_id="P1")]), dry_run=True)
    assert dry.status == BatchStatus.DRY_RUN and calls == []
    batch = run_import(write_csv([row(record_id="P2", nhs_number=NHS_A)], name="second.csv"))
    assert batch.status == BatchStatus.DONE
    assert len(calls) == 1
    assert calls[0]["since"] == batch.started_at
    assert (calls[0]["agency_id"], calls[0]["source_feed"]) == (batch.agency_id, "standard")


def test_a_failed_reconciliation_leaves_the_import_done(write_csv, run_import, monkeypatch):
    from openmash.feeds import services
    from openmash.people.models import AgencyRecord

    def broken(**_):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "records_reconcile_identifiers", broken)
    batch = run_import(write_csv([row(record_id="P1")]))
    assert batch.status == BatchStatus.DONE
    assert AgencyRecord.objects.filter(local_id="P1").exists()
