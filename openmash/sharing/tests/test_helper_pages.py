"""The "Can I share this?" pages (issue 7): one question per page, back links, the GOV.UK error summary, and the
recorded decision at the end; adding an item and releasing one through the pages."""

from __future__ import annotations

from django.test import Client

from openmash.sharing.models import ContributedItem
from tests.support import item_give


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _step(item, step: str) -> str:
    return f"/items/{item.pk}/decide/{step}/"


def test_adding_an_item_shows_field_errors_then_starts_the_helper(room):
    c = _client(room.gp)
    url = f"/requests/{room.gp_request.pk}/items/new/"
    r = c.post(url, {"text": "", "sensitivity": "sensitive"})
    page = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in page
    assert "Enter what your agency holds" in page and "Choose why the item is sensitive" not in page
    r = c.post(url, {"text": "Seen at CAMHS", "sensitivity": "sensitive"})
    assert r.status_code == 200 and "Choose why the item is sensitive" in r.content.decode()
    r = c.post(url, {"text": "Seen at CAMHS", "sensitivity": "sensitive", "sensitive_category": "mental_health"})
    item = ContributedItem.objects.get()
    assert r.status_code == 302 and r["Location"] == _step(item, "purpose") and item.state == "draft"


def test_each_question_says_what_is_missing_and_links_back(room):
    item = item_give(
        room.gp, room.gp_request, "Seen at CAMHS", sensitivity="sensitive", category="mental_health", decision=None
    )
    c = _client(room.gp)
    r = c.post(_step(item, "purpose"), {})
    page = r.content.decode()
    assert r.status_code == 200 and "Select the purpose, or that there is none" in page
    assert 'href="#id_purpose"' in page and f'href="/requests/{room.gp_request.pk}/"' in page  # the back link
    assert c.get(_step(item, "consent")).status_code == 302  # not reached yet: back to the first unanswered
    assert c.post(_step(item, "purpose"), {"purpose": "protect_child"})["Location"] == _step(item, "urgent")
    assert c.post(_step(item, "urgent"), {"urgent": "no"})["Location"] == _step(item, "necessary")
    r = c.post(_step(item, "necessary"), {"necessary": "all"})
    assert r.status_code == 200 and "Say why sharing this is necessary and proportionate" in r.content.decode()
    assert c.post(_step(item, "necessary"), {"necessary": "all", "necessity_note": "Bears on the risk"})[
        "Location"
    ] == _step(item, "consent")
    r = c.post(_step(item, "consent"), {"consent": "not_sought"})
    assert r.status_code == 200 and "Select why consent was not sought" in r.content.decode()
    c.post(_step(item, "consent"), {"consent": "not_sought", "consent_not_sought_reason": "risk_to_child"})
    r = c.post(_step(item, "basis"), {"lawful_basis": "public_task"})
    assert r.status_code == 200 and "Select the condition for special category data" in r.content.decode()
    r = c.post(_step(item, "basis"), {"lawful_basis": "public_task", "special_condition": "sch1_para18"})
    assert r["Location"] == _step(item, "check")
    check = c.get(_step(item, "check")).content.decode()
    assert "Check your sharing decision" in check and f'href="{_step(item, "basis")}"' in check
    assert c.post(_step(item, "check"))["Location"] == f"/requests/{room.gp_request.pk}/"
    item.refresh_from_db()
    d = item.decisions.get()
    assert item.state == "shared" and (d.via, d.special_condition, d.consent_not_sought_reason) == (
        "helper",
        "sch1_para18",
        "risk_to_child",
    )


def test_none_of_it_necessary_asks_why_and_records_a_refusal(room):
    item = item_give(
        room.gp,
        room.gp_request,
        "Sexual health clinic",
        sensitivity="sensitive",
        category="sexual_health",
        decision=None,
    )
    c = _client(room.gp)
    c.post(_step(item, "purpose"), {"purpose": "protect_child"})
    c.post(_step(item, "urgent"), {"urgent": "no"})
    assert c.post(_step(item, "necessary"), {"necessary": "none"})["Location"] == _step(item, "refuse")
    r = c.post(_step(item, "refuse"), {})
    assert r.status_code == 200 and "Select why you are not sharing it" in r.content.decode()
    assert c.post(_step(item, "refuse"), {"refusal_reason": "not_relevant"})["Location"] == _step(item, "check")
    c.post(_step(item, "check"))
    item.refresh_from_db()
    assert item.state == "refused" and item.refusal_reason == "not_relevant"


def test_the_helper_is_the_owning_agencys_only(room):
    item = item_give(room.gp, room.gp_request, "Draft", decision=None)
    assert _client(room.police).get(_step(item, "purpose")).status_code == 404
    assert _client(room.screener).get(_step(item, "purpose")).status_code == 403


def test_releasing_through_the_page_needs_the_basis_and_records_it(room):
    item = item_give(room.gp, room.gp_request, "Missed appointments")
    c = _client(room.gp)
    url = f"/items/{item.pk}/release/"
    r = c.post(url, {"outcome": "share"})
    page = r.content.decode()
    assert r.status_code == 200 and "Choose the lawful basis (UK GDPR article 6)" in page
    r = c.post(
        url,
        {
            "outcome": "share",
            "purpose": "protect_child",
            "lawful_basis": "public_task",
            "consent": "given",
            "necessity_note": "The worker needs it for the assessment",
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.released_at is not None and item.decisions.filter(kind="release", via="form").exists()


def test_the_hub_and_the_worker_ask_for_release_from_their_pages(room):
    from openmash.sharing.models import ReleaseRequest

    item = item_give(room.gp, room.gp_request, "Missed appointments")
    r = _client(room.worker).post(f"/items/{item.pk}/release-request/", {"back": f"/packs/{room.contact.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/packs/{room.contact.pk}/"
    r = _client(room.screener).post(f"/items/{item.pk}/release-request/", {"back": "https://evil.example/"})
    assert r["Location"] == "/"
    assert ReleaseRequest.objects.count() == 2
    page = _client(room.gp).get("/release-requests/").content.decode()
    assert page.count(f'href="/items/{item.pk}/release/"') == 2
    assert "release requests waiting" in _client(room.gp).get("/requests/").content.decode()
