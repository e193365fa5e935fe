"""Issue 7, case notes beyond their own pages.

1. The subject access export left the hub's case notes out: a subject access request must carry the person's data,
   so the export has case_notes.json (text, the author's agency, times, sensitivity), held exactly as the case notes'
   own rule holds them (access.sharing.case_note_held: a sealed note held from a privacy officer who is not in a
   sealed role, as messages.json holds a sealed message), and the export is still audited with its count.
2. A sealed note's chronology entry said "standard": the allocated worker's chronology (page, API, PDF) listed it.
   The entry now carries the note's sensitivity and follows it if it changes; migration people/0019 corrects the
   entries written before."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.casework.services import case_note_add
from openmash.people.models import ChronologyEntry
from tests.support import allocation_open, child, decide, enquiry_open, nhs_number, subject_person

SEALED_TEXT = "Canary sealed note: the family moved to refuge Penhallow Court"
SENSITIVE_TEXT = "Canary sensitive note: the mother is under the perinatal mental health team"
STANDARD_TEXT = "Canary standard note: a call with the school"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(surname="Exportchild", nhs=nhs_number())]
    )
    decide(manager, enquiry, outcomes=("assessment_s17",), threshold_level=3)
    worker = make_actor("social_worker", "mash")
    person = subject_person(enquiry.contact)
    allocation_open(person, worker)
    return {
        "contact": enquiry.contact,
        "person": person,
        "screener": screener,
        "manager": manager,
        "worker": worker,
        "privacy": make_actor("privacy_officer", "mash"),
    }


def _note(actor, contact, text, level):
    return case_note_add(
        actor=actor,
        contact_id=contact.pk,
        note_type="phone_call",
        occurred_at=timezone.now(),
        text=text,
        sensitivity=level,
    )


def _export(world) -> tuple[zipfile.ZipFile, list[dict]]:
    from openmash.oversight.selectors import subject_access_export

    _name, data = subject_access_export(actor=world["privacy"], person_id=world["person"].pk)
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, json.loads(archive.read("case_notes.json"))


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


# --- 1. the subject access export -------------------------------------------------------------------------------------


def test_the_subject_access_export_carries_the_case_notes_about_the_person(world):
    standard = _note(world["screener"], world["contact"], STANDARD_TEXT, "standard")
    _note(world["screener"], world["contact"], SENSITIVE_TEXT, "sensitive")
    _archive, rows = _export(world)
    assert [r["sensitivity"] for r in rows] == ["standard", "sensitive"]
    first = rows[0]
    assert first["text"] == STANDARD_TEXT and first["held"] is False and first["shown"] == "full"
    assert first["agency"] == standard.agency.name and first["contact"] == world["contact"].reference
    assert first["note_type"] == "phone_call" and first["occurred_at"] and first["recorded_at"]
    assert rows[1]["text"] == SENSITIVE_TEXT and rows[1]["held"] is False
    # the author's name is third-party data, left out as the messages' and the access history's staff names are
    assert str(world["screener"].user) not in json.dumps(rows)


def test_the_export_holds_a_sealed_note_as_the_case_notes_rule_does(world):
    from openmash.access.sharing import case_note_held

    sealed = _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    archive, rows = _export(world)
    [row] = rows
    assert row["held"] is True and row["shown"] == "held" and row["text"] == ""
    assert row["sensitivity"] == "sealed" and row["agency"] == sealed.agency.name and row["occurred_at"]
    assert case_note_held(world["privacy"], sealed, basis="subject_access")
    every = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert SEALED_TEXT not in every
    event = AuditEvent.objects.get(action="export", actor_user_id=world["privacy"].user.pk)
    assert event.detail["case_notes.json"] == 1 and event.reason == "subject access"


# --- 2. the chronology entry of a case note ---------------------------------------------------------------------------


def _entries(note):
    return ChronologyEntry.objects.filter(object_type="casework.casenote", object_id=str(note.pk))


@pytest.mark.parametrize("level", ["standard", "sensitive", "sealed"])
def test_a_case_notes_chronology_entry_carries_the_notes_sensitivity(world, level):
    note = _note(world["screener"], world["contact"], f"Canary {level} note", level)
    assert list(_entries(note).values_list("sensitivity", flat=True)) == [level]


def test_the_allocated_worker_does_not_see_a_sealed_notes_entry_on_the_chronology(world):
    sealed = _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    sensitive = _note(world["screener"], world["contact"], SENSITIVE_TEXT, "sensitive")
    person = world["person"].pk
    api = Client().get(f"/api/v1/people/{person}/chronology", **_bearer(world["worker"]))
    assert api.status_code == 200
    summaries = [(e["kind"], e.get("sensitivity")) for e in api.json()["entries"]]
    assert ("case_note", "sensitive") in summaries
    assert ("case_note", "sealed") not in summaries
    assert sum(1 for kind, _ in summaries if kind == "case_note") == 1
    web = Client()
    web.force_login(world["worker"].user)
    page = web.get(f"/people/{person}/chronology/")
    assert page.status_code == 200
    # the hub still sees both (the chronology's rule: sealed entries are the hub's)
    hub = Client().get(f"/api/v1/people/{person}/chronology", **_bearer(world["manager"])).json()
    assert {e["sensitivity"] for e in hub["entries"] if e["kind"] == "case_note"} == {"sealed", "sensitive"}
    assert sealed.pk and sensitive.pk


def test_the_entry_follows_the_notes_sensitivity_when_it_changes(world):
    note = _note(world["screener"], world["contact"], STANDARD_TEXT, "standard")
    note.sensitivity = "sealed"
    note.save(update_fields=["sensitivity", "updated_at"])
    assert set(_entries(note).values_list("sensitivity", flat=True)) == {"sealed"}
    note.sensitivity = "sensitive"
    note.save()
    assert set(_entries(note).values_list("sensitivity", flat=True)) == {"sensitive"}


def test_the_migration_gives_old_entries_their_notes_sensitivity_and_reverses(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("openmash.people.migrations.0019_chronology_sensitivity_from_source")
    sealed = _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    standard = _note(world["screener"], world["contact"], STANDARD_TEXT, "standard")
    ChronologyEntry.objects.filter(object_type="casework.casenote").update(sensitivity="")  # as written before
    migration.forward(apps, None)
    assert set(_entries(sealed).values_list("sensitivity", flat=True)) == {"sealed"}
    assert set(_entries(standard).values_list("sensitivity", flat=True)) == {"standard"}
    migration.backward(apps, None)
    assert set(_entries(sealed).values_list("sensitivity", flat=True)) == {""}
