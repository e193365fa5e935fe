"""A RAG re-rating's reason carries a sensitivity (issue 7; ADR 0017 addendum, practitioner free text): the rater
chooses standard (default), sensitive or sealed, with the case note's choices, labels and hints. A sealed reason is
read by the partnership's sealed roles (default MASH managers) and its writer only: another screener sees the ratings
and times with "A reason held at sealed (you do not have access)" on the enquiry page, and an empty reason with
reason_held in the enquiry API, never the text or who wrote it (access.sharing.rag_change_reason_held)."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.enquiries.models import RagChange
from openmash.enquiries.services import enquiry_rerate
from tests.support import child, enquiry_open, nhs_number

SEALED_REASON = "Canary sealed reason: father found the Gunwalloe refuge"
HELD = "A reason held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(surname="Ratechild", nhs=nhs_number())]
    )
    return {
        "enquiry": enquiry,
        "screener": screener,
        "manager": make_actor("manager", "mash"),
        "other_screener": make_actor("screener", "mash"),
    }


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _rerate(world, level, reason=SEALED_REASON):
    enquiry = world["enquiry"]
    enquiry.refresh_from_db()
    return enquiry_rerate(
        actor=world["screener"],
        enquiry_id=enquiry.pk,
        rag="red",
        reason=reason,
        version=enquiry.version,
        sensitivity=level,
    )


def _pages(actor, world) -> dict[str, str]:
    web = Client()
    web.force_login(actor.user)
    out = {
        "enquiry page": web.get(f"/enquiries/{world['enquiry'].pk}/"),
        "enquiry api": Client().get(f"/api/v1/enquiries/{world['enquiry'].pk}", **_bearer(actor)),
    }
    for name, r in out.items():
        assert r.status_code == 200, (name, r.status_code)
    return {name: r.content.decode() for name, r in out.items()}


def test_a_sealed_reason_is_held_from_another_screener_on_the_page_and_the_api(world):
    _rerate(world, "sealed")
    pages = _pages(world["other_screener"], world)
    assert SEALED_REASON not in pages["enquiry page"] and HELD in pages["enquiry page"]
    assert SEALED_REASON not in pages["enquiry api"]
    api = Client().get(f"/api/v1/enquiries/{world['enquiry'].pk}", **_bearer(world["other_screener"])).json()
    last = api["rag_history"][-1]
    assert (last["to_rag"], last["reason"], last["sensitivity"], last["reason_held"]) == ("red", "", "sealed", True)


@pytest.mark.parametrize("reader", ["screener", "manager"])
def test_a_sealed_reason_is_read_by_its_writer_and_the_sealed_role(world, reader):
    _rerate(world, "sealed")
    for name, text in _pages(world[reader], world).items():
        assert SEALED_REASON in text and HELD not in text, name


def test_a_sensitive_reason_is_read_by_the_hub(world):
    _rerate(world, "sensitive")
    for name, text in _pages(world["other_screener"], world).items():
        assert SEALED_REASON in text, name


def test_a_bad_sensitivity_is_refused_with_422_and_the_default_is_standard(world):
    url = f"/api/v1/enquiries/{world['enquiry'].pk}/rag"
    bearer = _bearer(world["screener"])
    body = {"rag": "red", "reason": "New information", "version": world["enquiry"].version}
    r = Client().post(url, {**body, "sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in str(r.json())
    r = Client().post(url, body, content_type="application/json", **bearer)
    assert r.status_code == 200, r.content
    assert r.json()["rag_history"][-1]["sensitivity"] == "standard"


def test_the_rerate_form_offers_the_levels_with_hints_and_records_the_choice(world):
    enquiry = world["enquiry"]
    web = Client()
    web.force_login(world["screener"].user)
    html = web.get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "Everyone else sees only that a reason is held" in html
    r = web.post(
        f"/enquiries/{enquiry.pk}/rag/",
        {"rag": "red", "reason": SEALED_REASON, "sensitivity": "sealed", "version": enquiry.version},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RagChange.objects.get(to_rag="red").sensitivity == "sealed"
