"""One answer everywhere (issue 7): the pages, the API and the PDF show the same items for each reader; nothing the
owning agency has not released reaches the allocated worker or the referrer anywhere."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support import REFUSE, item_give, item_release

KEPT = "Canary kept: missed four appointments at the clinic"
RELEASED = "Canary released: known to CAMHS since March"
REFUSED = "Canary refused: sexual health clinic visit"
CANARIES = (KEPT, RELEASED, REFUSED)


@pytest.fixture
def shared(room):
    kept = item_give(room.gp, room.gp_request, KEPT)
    released = item_give(room.gp, room.gp_request, RELEASED, sensitivity="sensitive", category="mental_health")
    item_release(room.gp, released)
    refused = item_give(
        room.gp, room.gp_request, REFUSED, sensitivity="sensitive", category="sexual_health", decision=REFUSE
    )
    return {"kept": kept, "released": released, "refused": refused}


def _page(actor, url) -> str:
    client = Client()
    client.force_login(actor.user)
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    if r.get("Content-Type", "").startswith("application/pdf"):
        import io

        from pypdf import PdfReader

        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    return r.content.decode()


def _seen(text: str) -> set[str]:
    return {c for c in CANARIES if c in text}


def test_the_allocated_worker_sees_only_released_items_on_every_path(api, room, shared):
    pack_page = _page(room.worker, f"/packs/{room.contact.pk}/")
    pack_api = api(room.worker).get(f"/mash-packs/{room.contact.pk}").json()
    pack_pdf = _page(room.worker, f"/packs/{room.contact.pk}/answers.pdf")
    assert _seen(pack_page) == _seen(str(pack_api)) == _seen(pack_pdf) == {RELEASED}
    assert "Held by the MASH" in pack_pdf
    gp = next(a for a in pack_api["agency_answers"] if a["agency_code"] == "health-gp")
    assert [i["shown"] for i in gp["items"]] == ["not_released", "full"] and gp["withheld"]
    assert gp["summary"] == RELEASED
    assert 'data-shown="not_released"' in pack_page and 'data-testid="ask-release"' in pack_page
    kept = api(room.worker).get(f"/contributed-items/{shared['kept'].pk}").json()
    assert kept["shown"] == "not_released" and kept["text"] == "" and kept["release_askable"]
    assert api(room.worker).get(f"/contributed-items/{shared['refused'].pk}").status_code == 404
    from tests.support import subject_person

    child = subject_person(room.contact)
    assert not _seen(_page(room.worker, f"/people/{child.pk}/chronology.pdf"))
    assert not _seen(_page(room.worker, f"/contacts/{room.contact.pk}/"))


def test_release_makes_exactly_that_item_appear(api, room, shared):
    item_release(room.gp, shared["kept"])
    assert _seen(_page(room.worker, f"/packs/{room.contact.pk}/")) == {KEPT, RELEASED}
    assert _seen(_page(room.worker, f"/packs/{room.contact.pk}/answers.pdf")) == {KEPT, RELEASED}
    assert _seen(str(api(room.worker).get(f"/mash-packs/{room.contact.pk}").json())) == {KEPT, RELEASED}


def test_the_referrer_sees_no_item_anywhere(api, room, shared):
    assert not _seen(_page(room.referrer, f"/contacts/{room.contact.pk}/"))
    assert not _seen(str(api(room.referrer).get(f"/contacts/{room.contact.pk}").json()))
    assert api(room.referrer).get(f"/mash-packs/{room.contact.pk}").status_code == 404
    client = Client()
    client.force_login(room.referrer.user)
    assert client.get(f"/packs/{room.contact.pk}/answers.pdf").status_code == 404
    for item in shared.values():
        assert api(room.referrer).get(f"/contributed-items/{item.pk}").status_code == 404


def test_the_hub_sees_shared_items_and_only_that_one_was_declined(api, room, shared):
    page = _page(room.screener, f"/enquiries/{room.enquiry.pk}/")
    data = api(room.screener).get(f"/enquiries/{room.enquiry.pk}").json()
    assert _seen(page) == _seen(str(data)) == {KEPT, RELEASED}
    assert 'data-testid="item-declined"' in page and "Sharing would put someone else at risk" in page
    gp = next(r for r in data["agency_requests"] if r["agency_code"] == "health-gp")
    assert gp["response"] is None  # the request was closed unanswered: the items stand on their own
    assert _seen(_page(room.screener, f"/packs/{room.contact.pk}/")) == {KEPT, RELEASED}
    assert _seen(_page(room.screener, f"/packs/{room.contact.pk}/answers.pdf")) == {KEPT, RELEASED}


def test_the_owning_agency_sees_its_own_items_whole(api, room, shared):
    page = _page(room.gp, f"/requests/{room.gp_request.pk}/")
    assert _seen(page) == set(CANARIES)
    assert not _seen(_page(room.police, f"/requests/{room.police_request.pk}/"))
