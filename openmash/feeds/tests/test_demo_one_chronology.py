"""Issue 6, "Done means": tried as a new user would, on a fresh database -- seed the demo partnership, `openmash demo
extracts`, `openmash import standard police.csv --agency police`, `openmash import standard health.csv --agency
health` -- and children known to both agencies are on ONE chronology with both agencies' entries.

Children whose police record holds the NHS number are joined by the identifier rule at import; the rest look alike
(name and date of birth) and wait in the hub's review queue; once a reviewer confirms them, they too are one child.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from openmash.feeds.choices import BatchStatus

pytestmark = pytest.mark.django_db


def _rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _agencies_on_chronology(actor, person_id) -> set[str]:
    from openmash.people.selectors import person_chronology

    _, entries = person_chronology(actor=actor, person_id=person_id)
    return {e.agency.code for e in entries if e.source}


def test_demo_extracts_imported_give_children_known_to_both_agencies_one_chronology(tmp_path, settings):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.models import User
    from openmash.demo.seed import seed_demo
    from openmash.feeds.models import ImportBatch
    from openmash.matching.selectors import review_queue_qs
    from openmash.people import linking
    from openmash.people.models import AgencyRecord

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    assert seed_demo(io.StringIO(), people=200, households=80, contacts=30, months=3, seed=7)
    out = io.StringIO()
    call_command("demo_extracts", "--out", str(tmp_path / "x"), "--children", "20", stdout=out)
    assert "12 children are known to both agencies" in out.getvalue()
    police_csv, health_csv = tmp_path / "x" / "police.csv", tmp_path / "x" / "health.csv"
    for path, agency in ((police_csv, "police"), (health_csv, "health")):
        call_command("feed_import", "standard", str(path), "--agency", agency, stdout=io.StringIO())
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {BatchStatus.DONE}

    police_rows, health_rows = _rows(police_csv), _rows(health_csv)
    police_ids = {r["record_id"][3:]: r for r in police_rows}  # PNC00007 -> "00007"
    health_ids = {r["record_id"][2:][-5:]: r for r in health_rows}  # RX000007 -> "00007"
    shared = sorted(set(police_ids) & set(health_ids))
    assert len(shared) == 12
    hub = actor_for_user(User.objects.get(username="mash.screener1"))

    def records(i):
        return (
            AgencyRecord.objects.get(agency__code="police", local_id=f"PNC{i}"),
            AgencyRecord.objects.get(agency__code="health", local_id=f"RX0{i}"),
        )

    joined, waiting = [], []
    for i in shared:
        police, health = records(i)
        if police_ids[i]["nhs_number"]:
            joined.append(i)
            assert police.person_id == health.person_id, i  # the same NHS number, however it was written
        else:
            waiting.append(i)
            assert police.person_id != health.person_id, i  # looks alike only: never merged silently
    assert joined and waiting

    # the look-alikes wait in the hub's review queue; the reviewer confirms each one
    queue = list(review_queue_qs(actor=hub))
    for i in waiting:
        police, health = records(i)
        proposal = [
            link
            for link in queue
            if police.pk in (link.record_l_id, link.record_r_id)
            and {link.record_l.person_id, link.record_r.person_id} == {police.person_id, health.person_id}
        ]
        assert len(proposal) == 1, i
        linking.link_confirm(actor=hub, link_id=proposal[0].pk)

    for i in shared:
        police, health = records(i)
        assert police.person_id == health.person_id, i
        for record in (police, health):  # read from either agency's person, the picture is one
            assert {"police", "health"} <= _agencies_on_chronology(hub, record.origin_person_id), i

    # importing the same two files again changes nothing
    before = (AgencyRecord.objects.count(), review_queue_qs(actor=hub).count())
    for path, agency in ((police_csv, "police"), (health_csv, "health")):
        call_command("feed_import", "standard", str(path), "--agency", agency, stdout=io.StringIO())
    assert ImportBatch.objects.filter(status=BatchStatus.ALREADY_IMPORTED).count() == 2
    assert (AgencyRecord.objects.count(), review_queue_qs(actor=hub).count()) == before
