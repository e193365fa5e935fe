"""Practitioner review (fixb, fault 6): management oversight notes are written only by MASH managers; a case note
is corrected only by its author or a MASH manager (decided in openmash.access.policy: case_note_type_allowed,
case_note_correctable), through the service, the API and the pages. Correcting a note starts from its type,
date and time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from openmash.casework.models import CaseNote
from openmash.casework.services import CORRECT_OWN_NOTES_ONLY, OVERSIGHT_MANAGERS_ONLY, case_note_add
from openmash.core.exceptions import PermissionDenied, ValidationFailed


def _client(actor):
    client = Client()
    client.force_login(actor.user)
    return client


def _note(actor, contact, note_type="phone_call", when=None, **extra):
    return case_note_add(
        actor=actor,
        contact_id=contact.pk,
        note_type=note_type,
        occurred_at=when or timezone.now() - dt.timedelta(minutes=30),
        text="Spoke to the school.",
        **extra,
    )


@pytest.fixture
def other_screener(make_actor):
    return make_actor("screener", "mash")


def test_a_screener_cannot_write_a_management_oversight_note(screener, manager, strategy_contact, api):
    with pytest.raises(ValidationFailed) as exc:
        _note(screener, strategy_contact, "management_oversight")
    assert exc.value.errors == {"note_type": [OVERSIGHT_MANAGERS_ONLY]}
    r = api(screener).post(
        f"/contacts/{strategy_contact.pk}/case-notes",
        json={"note_type": "management_oversight", "occurred_at": timezone.now().isoformat(), "text": "Agreed."},
    )
    assert r.status_code == 422 and r.json()["errors"]["note_type"] == [OVERSIGHT_MANAGERS_ONLY]
    assert _note(manager, strategy_contact, "management_oversight").author == manager.user
    assert CaseNote.objects.count() == 1


def test_the_page_offers_management_oversight_to_managers_only(screener, manager, strategy_contact):
    url = f"/contacts/{strategy_contact.pk}/notes/new/"
    assert 'value="management_oversight"' not in _client(screener).get(url).content.decode()
    assert 'value="management_oversight"' in _client(manager).get(url).content.decode()


def test_a_note_is_corrected_by_its_author_or_a_manager_only(screener, other_screener, manager, strategy_contact):
    by_screener = _note(screener, strategy_contact)
    by_manager = _note(manager, strategy_contact, "management_oversight")
    with pytest.raises(PermissionDenied, match=CORRECT_OWN_NOTES_ONLY):
        _note(screener, strategy_contact, corrects_id=by_manager.pk)
    with pytest.raises(PermissionDenied):
        _note(other_screener, strategy_contact, corrects_id=by_screener.pk)
    assert _note(screener, strategy_contact, corrects_id=by_screener.pk).corrects == by_screener
    assert _note(manager, strategy_contact, corrects_id=by_screener.pk).corrects == by_screener


def test_the_pages_show_correct_this_note_only_where_it_may_be_corrected(screener, manager, strategy_contact):
    own = _note(screener, strategy_contact)
    managers = _note(manager, strategy_contact, "management_oversight")
    page = _client(screener).get(f"/contacts/{strategy_contact.pk}/").content.decode()
    assert f"?corrects={own.pk}" in page and f"?corrects={managers.pk}" not in page
    refused = _client(screener).get(f"/contacts/{strategy_contact.pk}/notes/new/?corrects={managers.pk}")
    assert refused.status_code == 403
    page = _client(manager).get(f"/contacts/{strategy_contact.pk}/").content.decode()
    assert f"?corrects={own.pk}" in page and f"?corrects={managers.pk}" in page


def test_correcting_a_note_starts_from_its_type_date_and_time(screener, strategy_contact):
    when = timezone.localtime(timezone.now() - dt.timedelta(days=1)).replace(hour=9, minute=40, second=0)
    note = _note(screener, strategy_contact, "home_visit" if "home_visit" in _types() else "other", when=when)
    page = _client(screener).get(f"/contacts/{strategy_contact.pk}/notes/new/?corrects={note.pk}").content.decode()
    assert re.search(rf'value="{note.note_type}"[^>]*checked', page), "the type is chosen"
    assert re.search(rf'name="occurred_on_day"[^>]*value="{when.day}"', page)
    assert re.search(rf'name="occurred_on_month"[^>]*value="{when.month}"', page)
    assert re.search(rf'name="occurred_on_year"[^>]*value="{when.year}"', page)
    assert re.search(r'name="occurred_time"[^>]*value="09:40"', page)


def _types():
    from openmash.casework.choices import CaseNoteType

    return CaseNoteType.values
