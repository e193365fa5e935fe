"""An information request's question carries a sensitivity (issue 7, "every contributed item carries a sensitivity";
ADR 0017 addendum, practitioner free text): the hub user who asks chooses standard (default), sensitive or sealed
for the questions sent, with the case note's choices, labels and hints. A sealed question is read by the partnership's
sealed roles (default MASH managers) and the asker only: the agency asked and another screener see "A question held
at sealed (you do not have access)" on the request page, the enquiry page, the inbox API and the enquiry API, never
its text (access.sharing.request_question_held). A sensitive question is read by the hub and the agency asked
(access.field_table.PRACTITIONER_TEXT_SENSITIVITIES["request_question"])."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.enquiries.models import AgencyRequest
from openmash.enquiries.services import agency_requests_create
from tests.support import child, enquiry_open, nhs_number

SEALED_QUESTION = "Canary sealed question: is the mother at the Trebah refuge?"
SENSITIVE_QUESTION = "Canary sensitive question: CAMHS plan at Helford"
HELD = "A question held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=referrer, screener=screener, subjects=[child(surname="Askchild", nhs=nhs_number())])
    return {
        "enquiry": enquiry,
        "screener": screener,
        "manager": make_actor("manager", "mash"),
        "other_screener": make_actor("screener", "mash"),
        "gp": make_actor("researcher", "health-gp"),
    }


def _ask(world, level, question=SEALED_QUESTION) -> AgencyRequest:
    [r] = agency_requests_create(
        actor=world["screener"],
        enquiry_id=world["enquiry"].pk,
        agency_codes=["health-gp"],
        question=question,
        question_sensitivity=level,
    )
    return r


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _pages(actor, world, r) -> dict[str, str]:
    """Every place a reader of the question reads it: the hub the enquiry page and API (and the request page); the
    agency asked its request page and inbox API."""
    web = Client()
    web.force_login(actor.user)
    out = {"request page": web.get(f"/requests/{r.pk}/")}
    if actor.is_hub:
        out["enquiry page"] = web.get(f"/enquiries/{world['enquiry'].pk}/")
        out["enquiry api"] = Client().get(f"/api/v1/enquiries/{world['enquiry'].pk}", **_bearer(actor))
    else:
        out["inbox api"] = Client().get("/api/v1/agency-requests", **_bearer(actor))
    for name, resp in out.items():
        assert resp.status_code == 200, (name, resp.status_code)
    return {name: resp.content.decode() for name, resp in out.items()}


@pytest.mark.parametrize("reader", ["other_screener", "gp"])
def test_a_sealed_question_is_held_from_a_reader_not_in_a_sealed_role_everywhere(world, reader):
    r = _ask(world, "sealed")
    for name, text in _pages(world[reader], world, r).items():
        assert SEALED_QUESTION not in text, name
        if name.endswith("api"):
            assert '"question_held": true' in text.replace('"question_held":true', '"question_held": true'), name
        else:
            assert HELD in text, name


@pytest.mark.parametrize("reader", ["screener", "manager"])
def test_a_sealed_question_is_read_by_its_asker_and_the_sealed_role(world, reader):
    r = _ask(world, "sealed")
    for name, text in _pages(world[reader], world, r).items():
        assert SEALED_QUESTION in text, name
        assert HELD not in text, name


@pytest.mark.parametrize("reader", ["other_screener", "manager", "gp"])
def test_a_sensitive_question_is_read_by_the_hub_and_the_agency_asked(world, reader):
    r = _ask(world, "sensitive", SENSITIVE_QUESTION)
    for name, text in _pages(world[reader], world, r).items():
        assert SENSITIVE_QUESTION in text, name


def test_the_inbox_api_gives_a_held_question_as_empty_with_its_level(world):
    r = _ask(world, "sealed")
    page = Client().get("/api/v1/agency-requests", **_bearer(world["gp"])).json()
    [out] = [x for x in page["items"] if x["id"] == str(r.pk)]
    assert (out["question"], out["question_sensitivity"], out["question_held"]) == ("", "sealed", True)


def test_a_bad_sensitivity_is_refused_with_422_and_the_default_is_standard(world):
    url = f"/api/v1/enquiries/{world['enquiry'].pk}/agency-requests"
    bearer = _bearer(world["screener"])
    body = {"agency_codes": ["health-gp"], "question": "What do you know?"}
    r = Client().post(url, {**body, "question_sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "question_sensitivity" in str(r.json())
    assert not AgencyRequest.objects.exists()
    r = Client().post(url, body, content_type="application/json", **bearer)
    assert r.status_code == 201, r.content
    [req] = r.json()["agency_requests"]
    assert (req["question_sensitivity"], req["question_held"], req["question"]) == ("standard", False, body["question"])


def test_the_request_form_offers_the_levels_with_hints_and_records_the_choice(world):
    web = Client()
    web.force_login(world["screener"].user)
    html = web.get(f"/enquiries/{world['enquiry'].pk}/").content.decode()
    assert 'name="question_sensitivity"' in html and "Everyone else sees only that a question is held" in html
    assert "The MASH can read it, and so can the agency asked." in html
    r = web.post(
        f"/enquiries/{world['enquiry'].pk}/requests/",
        {"agency_codes": ["health-gp"], "question": SEALED_QUESTION, "question_sensitivity": "sealed"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert AgencyRequest.objects.get().question_sensitivity == "sealed"


def test_the_enquiry_page_renders_the_question_sensitivity_once_with_unique_ids(make_actor):
    """Browser test (axe, label-title-only): the sensitivity radios were rendered twice, once among the per-agency
    questions (every field named question_...), so their ids were duplicated and the labels pointed at the first."""
    import re
    from collections import Counter

    from django.test import Client

    from tests.support import enquiry_open

    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    client = Client()
    client.force_login(screener.user)
    html = client.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert html.count('name="question_sensitivity"') == 3  # standard, sensitive, sealed: once each
    repeated = [i for i, n in Counter(re.findall(r'\bid="([^"]+)"', html)).items() if n > 1]
    assert repeated == []
