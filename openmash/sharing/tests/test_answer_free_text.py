"""Attacker review (2026-12, finding C): an agency's free text on its answer (relevant dates, the reason for an
amendment, earlier versions) bypassed the sealed rule. A researcher entered a refuge address as a sealed item and
again in the relevant dates; a screener (not a sealed role) saw the item only as held, but the dates whole on the
API and the pages, and the privacy officer's subject access export carried them.

The rule (ADR 0013 addendum): an answer's free text carries the highest sensitivity of the answer's items
(access.sharing.answer_text_sensitivity); when that is sealed it is held from every reader whose role is not named
for sealed items, as a sealed item is (field_table audience "hub_text_held"; the subject access export too)."""

from __future__ import annotations

import io
import json
import zipfile

from django.test import Client

from openmash.access.fields import answer_shown, field_access
from openmash.access.sharing import answer_text_held, answer_text_sensitivity
from tests.support import SHARE, item_give, respond

SEALED_TEXT = "SEALED2 refuge 5 Hidden Close"
DATES = "RD2 moved to refuge at 5 Hidden Close on 3 Nov"
REASON = "Canary amendment reason Brackenfold"


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _answer_sealed(room):
    body = {
        "items": [
            {"text": SEALED_TEXT, "sensitivity": "sealed", "category": "refuge_address", "decision": SHARE},
        ],
        "relevant_dates": DATES,
    }
    r = _client(room.gp).post(
        f"/api/v1/agency-requests/{room.gp_request.pk}/response", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    room.gp_request.refresh_from_db()


def test_sealed_relevant_dates_are_held_from_a_screener_on_the_api_and_the_pages(room):
    _answer_sealed(room)
    screener, manager = _client(room.screener), _client(room.manager)
    for url in (
        f"/api/v1/enquiries/{room.enquiry.pk}",
        f"/enquiries/{room.enquiry.pk}/",
        f"/requests/{room.gp_request.pk}/",
    ):
        seen = screener.get(url)
        assert seen.status_code == 200, url
        body = seen.content.decode()
        assert "Hidden Close" not in body, url
        assert manager.get(url).content.decode().count("5 Hidden Close") >= 1, url  # a sealed role sees it
    api = screener.get(f"/api/v1/enquiries/{room.enquiry.pk}").json()
    (gp,) = [a for a in api["requests"] if a["agency_code"] == "health-gp"] if "requests" in api else [None]
    if gp is not None:
        assert gp["response"]["free_text_held"] is True and gp["response"]["relevant_dates"] == ""
    # the owning agency sees its own text
    assert DATES in _client(room.gp).get(f"/requests/{room.gp_request.pk}/").content.decode()


def test_the_answer_free_text_takes_the_highest_sensitivity_of_its_items(room):
    respond(
        room.police, room.police_request, summary="Known to police: one call-out", relevant_dates="Canary police dates"
    )
    assert answer_text_sensitivity(room.police_request) == "standard"
    assert not answer_text_held(room.screener, room.police_request)
    shown = answer_shown(
        field_access(room.screener, room.police_request, record_type="agency_answer"), room.police_request.response
    )
    assert shown["relevant_dates"] == "Canary police dates" and shown["free_text_held"] is False
    item_give(room.gp, room.gp_request, "Canary sensitive item", sensitivity="sensitive", category="mental_health")
    assert answer_text_sensitivity(room.gp_request) == "sensitive"
    item_give(room.gp, room.gp_request, SEALED_TEXT, sensitivity="sealed", category="refuge_address", decision=None)
    assert answer_text_sensitivity(room.gp_request) == "sealed"  # a draft counts: the agency knew it
    assert answer_text_held(room.screener, room.gp_request)
    assert not answer_text_held(room.manager, room.gp_request)
    assert not answer_text_held(room.gp, room.gp_request)


def test_an_amendment_reason_and_earlier_versions_are_held_with_the_dates(room):
    from openmash.enquiries.services import agency_response_amend

    _answer_sealed(room)
    agency_response_amend(
        actor=room.gp,
        request_id=room.gp_request.pk,
        version=1,
        reason=REASON,
        no_information=False,
        relevant_dates=DATES + " (corrected)",
    )
    room.gp_request.refresh_from_db()
    access = field_access(room.screener, room.gp_request, record_type="agency_answer")
    shown = answer_shown(access, room.gp_request.response)
    assert access.audience == "hub_text_held"
    assert shown["amendment_reason"] == "" and shown["previous_versions"] == [] and shown["relevant_dates"] == ""
    page = _client(room.screener).get(f"/enquiries/{room.enquiry.pk}/").content.decode()
    assert REASON not in page and "Hidden Close" not in page
    manager = answer_shown(
        field_access(room.manager, room.gp_request, record_type="agency_answer"), room.gp_request.response
    )
    assert manager["amendment_reason"] == REASON and manager["previous_versions"][0]["relevant_dates"] == DATES


def test_the_subject_access_export_holds_sealed_relevant_dates(room, make_actor):
    from openmash.oversight.selectors import subject_access_export
    from tests.support import subject_person

    _answer_sealed(room)
    officer = make_actor("privacy_officer", "mash")
    _name, data = subject_access_export(actor=officer, person_id=subject_person(room.contact).pk)
    archive = zipfile.ZipFile(io.BytesIO(data))
    answers = json.loads(archive.read("answers.json"))
    assert "Hidden Close" not in archive.read("answers.json").decode()
    assert [a["relevant_dates_held"] for a in answers] == [True]
