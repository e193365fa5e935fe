"""A hub case note's sensitivity (issue 7, "every contributed item carries a sensitivity"; ADR 0017 addendum, "the
whole kind"): its author chooses standard (default), sensitive or sealed. A sealed note is read by the partnership's
sealed roles (default MASH managers) and its author only: everyone else who reads the contact's case notes (another
screener; the allocated worker in the MASH pack) sees "A case note held at sealed (you do not have access)" with its
type, time and agency, never its text or author, on the contact page, the pack page and both APIs. A sensitive note
is read by the hub and the allocated worker (access.field_table.CASE_NOTE_SENSITIVITIES, the chronology's rule)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from openmash.casework.models import CaseNote
from openmash.casework.services import case_note_add
from tests.support import allocation_open, child, decide, enquiry_open, nhs_number, subject_person

SEALED_TEXT = "Canary sealed note: mother moved to refuge Tolverne House"
SENSITIVE_TEXT = "Canary sensitive note: probation officer reports relapse"
HELD = "A case note held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(surname="Notechild", nhs=nhs_number())]
    )
    decide(manager, enquiry, outcomes=("assessment_s17",), threshold_level=3)
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(enquiry.contact), worker)
    return {
        "contact": enquiry.contact,
        "screener": screener,
        "manager": manager,
        "other_screener": make_actor("screener", "mash"),
        "worker": worker,
    }


def _note(actor, contact, text, level, **kw):
    return case_note_add(
        actor=actor,
        contact_id=contact.pk,
        note_type="phone_call",
        occurred_at=timezone.now(),
        text=text,
        sensitivity=level,
        **kw,
    )


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _pages(actor, contact) -> dict[str, str]:
    """The texts of every place a reader of case notes reads them (the hub: contact page and case-notes API; a pack
    reader: pack page and pack API)."""
    web = Client()
    web.force_login(actor.user)
    out = {
        "pack": web.get(f"/packs/{contact.pk}/"),
        "pack api": Client().get(f"/api/v1/mash-packs/{contact.pk}", **_bearer(actor)),
    }
    if actor.is_hub:
        out["contact"] = web.get(f"/contacts/{contact.pk}/")
        out["notes api"] = Client().get(f"/api/v1/contacts/{contact.pk}/case-notes", **_bearer(actor))
    for name, r in out.items():
        assert r.status_code == 200, (name, r.status_code)
    return {name: r.content.decode() for name, r in out.items()}


@pytest.mark.parametrize("reader", ["other_screener", "worker"])
def test_a_sealed_note_is_held_from_a_reader_not_in_a_sealed_role_everywhere(world, reader):
    note = _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    for name, text in _pages(world[reader], world["contact"]).items():
        assert SEALED_TEXT not in text, name
        if name.endswith("api"):
            assert f'"id": "{note.pk}"' in text.replace('"id":"', '"id": "'), name
        else:
            assert HELD in text, name


@pytest.mark.parametrize("reader", ["screener", "manager"])
def test_a_sealed_note_is_read_by_its_author_and_the_sealed_role(world, reader):
    _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    for name, text in _pages(world[reader], world["contact"]).items():
        assert SEALED_TEXT in text, name
        assert HELD not in text, name


@pytest.mark.parametrize("reader", ["other_screener", "manager", "worker"])
def test_a_sensitive_note_is_read_by_the_hub_and_the_allocated_worker(world, reader):
    _note(world["screener"], world["contact"], SENSITIVE_TEXT, "sensitive")
    for name, text in _pages(world[reader], world["contact"]).items():
        assert SENSITIVE_TEXT in text, name


def test_the_api_shows_a_held_note_without_text_or_author(world):
    note = _note(world["screener"], world["contact"], SEALED_TEXT, "sealed")
    r = Client().get(f"/api/v1/contacts/{world['contact'].pk}/case-notes", **_bearer(world["other_screener"]))
    [out] = [n for n in r.json() if n["id"] == str(note.pk)]
    assert (out["held"], out["sensitivity"], out["text"], out["author"]) == (True, "sealed", "", "")
    assert out["note_type"] == "phone_call"


def test_a_bad_sensitivity_is_refused_with_422_and_the_default_is_standard(world):
    url = f"/api/v1/contacts/{world['contact'].pk}/case-notes"
    body = {"note_type": "phone_call", "occurred_at": timezone.now().isoformat(), "text": "A call"}
    bearer = _bearer(world["screener"])
    r = Client().post(url, {**body, "sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in str(r.json())
    assert not CaseNote.objects.exists()
    r = Client().post(url, body, content_type="application/json", **bearer)
    assert r.status_code == 201 and r.json()["sensitivity"] == "standard" and r.json()["held"] is False
    r = Client().post(url, {**body, "sensitivity": "sealed"}, content_type="application/json", **bearer)
    assert r.status_code == 201 and r.json()["text"] == "A call" and r.json()["held"] is False  # the author's own


def test_the_note_form_offers_the_levels_with_hints_and_a_held_note_cannot_be_corrected(world):
    from openmash.core.exceptions import PermissionDenied

    note = _note(world["manager"], world["contact"], SEALED_TEXT, "sealed")
    web = Client()
    web.force_login(world["manager"].user)
    html = web.get(f"/contacts/{world['contact'].pk}/notes/new/?corrects={note.pk}").content.decode()
    assert html.count("govuk-radios__hint") == 3 and 'value="sealed" checked' in html
    with pytest.raises(PermissionDenied):
        _note(world["screener"], world["contact"], "A correction", "standard", corrects_id=note.pk)
