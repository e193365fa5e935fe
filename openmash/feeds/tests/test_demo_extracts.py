"""`openmash demo extracts`: a police and a health extract with children known to both, spelled differently."""

from __future__ import annotations

import csv
import io

import pytest

from openmash.feeds.choices import BatchStatus

pytestmark = pytest.mark.django_db


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_extracts_import_and_share_children_under_other_spellings(tmp_path, run_import):
    from django.core.management import call_command

    from openmash.people.models import AgencyRecord

    out = io.StringIO()
    call_command("demo_extracts", "--out", str(tmp_path / "x"), "--children", "20", stdout=out)
    assert "12 children are known to both agencies" in out.getvalue()
    police, health = tmp_path / "x" / "police.csv", tmp_path / "x" / "health.csv"
    assert run_import(police, agency="police").status == BatchStatus.DONE
    assert run_import(health, agency="health-gp").status == BatchStatus.DONE
    by_dob: dict = {}
    for r in AgencyRecord.objects.all():
        by_dob.setdefault((r.date_of_birth, r.postcode), []).append(r)
    shared = [rs for rs in by_dob.values() if {r.agency.code for r in rs} == {"police", "health-gp"}]
    assert len(shared) == 12
    respelled = [rs for rs in shared if len({(r.given_name, r.family_name) for r in rs}) == 2]
    assert len(respelled) >= 6  # most shared children are spelled differently by the two agencies
    with_nhs = [rs for rs in shared if all(r.nhs_number for r in rs)]
    assert all(len({r.nhs_number for r in rs}) == 1 for rs in with_nhs)  # the same child, however it is written
    written = {r["nhs_number"][3:4] for r in _rows(police) + _rows(health) if r["nhs_number"]}
    assert {" ", "-"} <= written  # NHS numbers written with spaces and with hyphens (and plain)
    assert run_import(police, agency="police").status == BatchStatus.ALREADY_IMPORTED


def test_the_extracts_use_the_demo_databases_children_when_it_has_them(tmp_path, make_actor):
    from openmash.contacts.services import contact_create
    from openmash.feeds.demo import demo_extracts_write
    from tests.support import child, nhs_number, payload

    referrer = make_actor("referrer", "police")
    names = []
    for i in range(4):
        kid = child(forename=f"Childname{chr(65 + i)}", surname="Demofamily", nhs=nhs_number(), dob=f"201{i}-02-03")
        contact_create(actor=referrer, data=payload(subjects=[kid]))
        names.append(kid["forename"])
    result = demo_extracts_write(tmp_path, children=3, seed=1)
    health = _rows(result["health"]) + _rows(result["police"])
    assert {r["family_name"] for r in health} == {"Demofamily"}
    assert {r["given_name"] for r in _rows(result["health"])} <= set(names)
