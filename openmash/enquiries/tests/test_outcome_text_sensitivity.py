"""A screening's and a MASH decision's texts carry a sensitivity (issue 7, lawful sharing; ADR 0017 addendum,
practitioner free text): the screener chooses standard (default), sensitive or sealed for the screening's rationale
and exception reason (and the first RAG rating's reason, which is the rationale), the deciding manager for the
decision's rationale, next steps and exception reason, with the case note's choices, labels and hints.

A sealed text is read by the partnership's sealed roles (default MASH managers) and its writer only
(access.sharing.screening_text_held / decision_text_held, access.field_table.PRACTITIONER_TEXT_SENSITIVITIES
"screening_text" / "decision_text"): another screener sees "A rationale held at sealed" on the contact and enquiry
pages and `held: true` with empty texts in the contact and enquiry APIs; the allocated worker the same in the MASH
pack (page and API). The early help service a family is handed to reads standard texts only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from openmash.accounts.services import agency_create, token_create
from openmash.enquiries.models import Decision, EarlyHelpRequest, RagChange, Screening
from openmash.enquiries.services import enquiry_decide, screening_record
from tests.support import allocation_open, child, contact_record, nhs_number, subject_person

SCREEN_SEALED = "Canary sealed screening rationale: mother at the Kennack refuge"
DECIDE_SEALED = "Canary sealed decision rationale: Poldhu adoption placement"
NEXT_SEALED = "Canary sealed next steps: visit at the Gunwalloe refuge"
HELD = "held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    return {
        "referrer": referrer,
        "contact": contact_record(referrer, subjects=[child(surname="Rationalechild", nhs=nhs_number())]),
        "screener": make_actor("screener", "mash"),
        "other_screener": make_actor("screener", "mash"),
        "manager": make_actor("manager", "mash"),
    }


def _bearer(actor) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _get(actor, url: str) -> str:
    if url.startswith("/api/"):
        r = Client().get(url, **_bearer(actor))
    else:
        web = Client()
        web.force_login(actor.user)
        r = web.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


def _screen(world, level: str, *, actor=None) -> Screening:
    return screening_record(
        actor=actor or world["screener"],
        contact_id=world["contact"].pk,
        outcome="mash_enquiry",
        rationale=SCREEN_SEALED,
        rag="amber",
        sensitivity=level,
    )


def _decide(world, level: str, outcomes=("assessment_s17",), threshold=3) -> Decision:
    world["contact"].refresh_from_db()
    return enquiry_decide(
        actor=world["manager"],
        enquiry_id=world["contact"].enquiry.pk,
        outcomes=list(outcomes),
        threshold_level=threshold,
        rationale=DECIDE_SEALED,
        next_steps=NEXT_SEALED,
        exception_reason="Decided on what the hub already holds",
        unanswered_confirmed=True,
        sensitivity=level,
    )


def test_a_sealed_screening_rationale_is_held_from_another_screener_on_every_hub_route(world):
    _screen(world, "sealed")
    contact = world["contact"]
    contact.refresh_from_db()
    enquiry = contact.enquiry
    # the first rating's reason is the rationale: it takes the rationale's level
    assert RagChange.objects.get(enquiry=enquiry).sensitivity == "sealed"
    urls = [
        f"/contacts/{contact.pk}/",
        f"/enquiries/{enquiry.pk}/",
        f"/api/v1/contacts/{contact.pk}",
        f"/api/v1/enquiries/{enquiry.pk}",
    ]
    for url in urls:
        text = _get(world["other_screener"], url)
        assert SCREEN_SEALED not in text, url
    assert "A rationale " + HELD in _get(world["other_screener"], f"/contacts/{contact.pk}/")
    api = json.loads(_get(world["other_screener"], f"/api/v1/contacts/{contact.pk}"))
    assert api["screening"]["held"] is True and api["screening"]["rationale"] == ""
    assert api["screening"]["sensitivity"] == "sealed"
    # the sealed role and the writer read it
    for reader in ("manager", "screener"):
        assert SCREEN_SEALED in _get(world[reader], f"/contacts/{contact.pk}/"), reader
        assert SCREEN_SEALED in _get(world[reader], f"/api/v1/contacts/{contact.pk}"), reader


def test_a_standard_screening_rationale_is_read_by_the_hub(world):
    _screen(world, "standard")
    assert SCREEN_SEALED in _get(world["other_screener"], f"/contacts/{world['contact'].pk}/")


def test_a_sealed_decision_is_held_from_another_screener_and_the_allocated_worker(world, make_actor):
    _screen(world, "standard")
    decision = _decide(world, "sealed")
    assert decision.sensitivity == "sealed"
    contact, enquiry = world["contact"], world["contact"].enquiry
    for url in (f"/contacts/{contact.pk}/", f"/enquiries/{enquiry.pk}/", f"/api/v1/enquiries/{enquiry.pk}"):
        text = _get(world["other_screener"], url)
        assert DECIDE_SEALED not in text and NEXT_SEALED not in text, url
    assert "A rationale " + HELD in _get(world["other_screener"], f"/enquiries/{enquiry.pk}/")
    api = json.loads(_get(world["other_screener"], f"/api/v1/enquiries/{enquiry.pk}"))
    assert api["decision"]["held"] is True and api["decision"]["next_steps"] == ""
    assert api["decision"]["outcomes"] == ["assessment_s17"]  # outcomes and threshold stay shown
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(contact), worker)
    for url in (f"/packs/{contact.pk}/", f"/api/v1/mash-packs/{contact.pk}"):
        text = _get(worker, url)
        assert DECIDE_SEALED not in text and NEXT_SEALED not in text, url
    pack = json.loads(_get(worker, f"/api/v1/mash-packs/{contact.pk}"))
    assert pack["decision"]["held"] is True and pack["decision"]["threshold_level"] == 3
    for url in (f"/enquiries/{enquiry.pk}/", f"/api/v1/enquiries/{enquiry.pk}"):
        text = _get(world["manager"], url)
        assert DECIDE_SEALED in text and NEXT_SEALED in text, url


def test_the_pack_holds_a_sealed_screening_rationale_from_the_allocated_worker(world, make_actor):
    _screen(world, "sealed", actor=world["manager"])
    _decide(world, "standard")  # the pack is read once the MASH has decided
    contact = world["contact"]
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(contact), worker)
    for url in (f"/packs/{contact.pk}/", f"/api/v1/mash-packs/{contact.pk}"):
        assert SCREEN_SEALED not in _get(worker, url), url
    assert "A rationale " + HELD in _get(worker, f"/packs/{contact.pk}/")


@pytest.mark.parametrize(("level", "read"), [("standard", True), ("sensitive", False), ("sealed", False)])
def test_the_early_help_service_reads_standard_decision_texts_only(world, make_actor, level, read):
    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    service = make_actor("researcher", "early-help")
    _screen(world, "standard")
    _decide(world, level, outcomes=("early_help",), threshold=2)
    eh = EarlyHelpRequest.objects.get(contact=world["contact"])
    page = _get(service, f"/early-help/{eh.pk}/")
    api = _get(service, "/api/v1/early-help-requests")
    for text in (page, api):
        assert (DECIDE_SEALED in text) is read and (NEXT_SEALED in text) is read
    case = json.loads(api)["items"][0]["case"]
    assert case["texts_held"] is not read
    if not read:
        assert 'data-testid="early-help-texts-held"' in page and case["sensitivity"] == level


def test_the_apis_take_the_sensitivity_and_refuse_anything_else_with_422(world):
    contact = world["contact"]
    url = f"/api/v1/contacts/{contact.pk}/screening"
    body = {"outcome": "mash_enquiry", "rationale": SCREEN_SEALED, "rag": "amber"}
    bearer = _bearer(world["screener"])
    r = Client().post(url, {**body, "sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in r.content.decode()
    r = Client().post(url, {**body, "sensitivity": "sealed"}, content_type="application/json", **bearer)
    assert r.status_code == 201, r.content
    assert Screening.objects.get(contact=contact).sensitivity == "sealed"
    contact.refresh_from_db()
    url = f"/api/v1/enquiries/{contact.enquiry.pk}/decision"
    body = {
        "outcomes": ["assessment_s17"],
        "threshold_level": 3,
        "rationale": DECIDE_SEALED,
        "exception_reason": "Decided on what the hub already holds",
    }
    bearer = _bearer(world["manager"])
    r = Client().post(url, {**body, "sensitivity": "top"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in r.content.decode()
    r = Client().post(url, {**body, "sensitivity": "sensitive"}, content_type="application/json", **bearer)
    assert r.status_code == 201, r.content
    assert Decision.objects.get(enquiry=contact.enquiry).sensitivity == "sensitive"


def test_the_screening_form_offers_the_levels_once_and_records_the_choice(world):
    contact = world["contact"]
    web = Client()
    web.force_login(world["screener"].user)
    html = web.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert html.count('id="id_sensitivity"') == 1 and html.count('name="sensitivity"') == 3
    assert "Everyone else sees only that a rationale is held" in html
    r = web.post(
        f"/contacts/{contact.pk}/screen/",
        {"outcome": "mash_enquiry", "rag": "amber", "rationale": SCREEN_SEALED, "sensitivity": "sealed"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Screening.objects.get(contact=contact).sensitivity == "sealed"


def test_the_decision_form_offers_the_levels_once_and_records_the_choice(world):
    _screen(world, "standard")
    contact = world["contact"]
    contact.refresh_from_db()
    web = Client()
    web.force_login(world["manager"].user)
    url = f"/enquiries/{contact.enquiry.pk}/"
    html = web.get(url).content.decode()
    # rendered once, named apart from the rating form's sensitivity on the same page (ids unique)
    assert html.count('id="id_decision_sensitivity"') == 1 and html.count('name="decision_sensitivity"') == 3
    assert html.count('id="id_sensitivity"') == 1  # the rating form's
    r = web.post(
        f"{url}decision/",
        {
            "outcomes": ["assessment_s17"],
            "threshold_level": "3",
            "rationale": DECIDE_SEALED,
            "next_steps": NEXT_SEALED,
            "exception_reason": "Decided on what the hub already holds",
            "unanswered_confirmed": "on",
            "decision_sensitivity": "sealed",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Decision.objects.get(enquiry=contact.enquiry).sensitivity == "sealed"
