"""A correcting case note is linked both ways (issue 5 practitioner review): "Corrects note of <time>" on the
correction and "Corrected by note of <time>" on the original, on the contact and enquiry pages, in the chronology and
in the API."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from openmash.casework.services import _when_text, case_note_add
from openmash.people.models import ChronologyEntry


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def test_a_correction_and_the_note_it_corrects_name_each_other_everywhere(screener, manager, decided_enquiry, api):
    contact = decided_enquiry.contact
    first_at = timezone.now() - dt.timedelta(hours=3)
    fix_at = timezone.now() - dt.timedelta(hours=1)
    first = case_note_add(
        actor=screener, contact_id=contact.pk, note_type="phone_call", occurred_at=first_at, text="Mother said no"
    )
    # through the page, as a screener would
    response = login(manager).post(
        f"/contacts/{contact.pk}/notes/new/",
        {
            "note_type": "phone_call",
            "occurred_on_day": str(timezone.localtime(fix_at).day),
            "occurred_on_month": str(timezone.localtime(fix_at).month),
            "occurred_on_year": str(timezone.localtime(fix_at).year),
            "occurred_time": timezone.localtime(fix_at).strftime("%H:%M"),
            "text": "Correction: mother agreed",
            "corrects_id": str(first.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    fix = first.corrections.get()
    first_when, fix_when = _when_text(first.occurred_at), _when_text(fix.occurred_at)
    for url in (f"/contacts/{contact.pk}/", f"/enquiries/{decided_enquiry.pk}/"):
        page = login(screener).get(url).content.decode()
        assert "Corrected by" in page and 'data-testid="note-corrected-by"' in page
        assert 'data-testid="note-corrects"' in page and "Corrects" in page
    subject = contact.people.get(role="subject").person_id
    original = ChronologyEntry.objects.get(object_id=str(first.pk), person_id=subject)
    correction = ChronologyEntry.objects.get(object_id=str(fix.pk), person_id=subject)
    assert f"corrected by note of {fix_when}" in original.summary
    assert f"corrects note of {first_when}" in correction.summary
    notes = {n["id"]: n for n in api(screener).get(f"/contacts/{contact.pk}/case-notes").json()}
    assert notes[str(fix.pk)]["corrects"]["id"] == str(first.pk)
    assert notes[str(fix.pk)]["corrects"]["occurred_at"]
    assert [c["id"] for c in notes[str(first.pk)]["corrections"]] == [str(fix.pk)]
