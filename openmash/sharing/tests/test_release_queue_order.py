"""An agency's release requests are a work queue (issue 5 "Queues and lists"; they were found open first but newest
first, and the page listed the first 100 with no total and no paging): the waiting ones oldest first, then the
answered ones newest first, paged with the true total on the page (GOV.UK pagination) and in the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from openmash.sharing.models import ReleaseRequest
from openmash.sharing.services import release_request_create
from tests.support import item_give, item_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(room):
    """Five items the GP shared, each asked for release by the hub a day apart (the first asked longest ago); the
    second and the fourth are answered (the fourth answered last)."""
    items = [item_give(room.gp, room.gp_request, f"Item about attendance {i}") for i in range(5)]
    start = timezone.now() - dt.timedelta(days=10)
    made = []
    for i, item in enumerate(items):
        rr = release_request_create(actor=room.screener, item_id=item.pk)
        ReleaseRequest.objects.filter(pk=rr.pk).update(requested_at=start + dt.timedelta(days=i))
        made.append(rr)
    for i in (1, 3):
        item_release(room.gp, items[i])
    answered = timezone.now() - dt.timedelta(hours=2)
    ReleaseRequest.objects.filter(pk=made[1].pk).update(answered_at=answered)
    ReleaseRequest.objects.filter(pk=made[3].pk).update(answered_at=answered + dt.timedelta(hours=1))
    assert [r.status for r in ReleaseRequest.objects.filter(pk__in=[m.pk for m in made]).order_by("requested_at")] == [
        "open",
        "released",
        "open",
        "released",
        "open",
    ]
    return made


def test_release_requests_list_waiting_oldest_first_then_answered_newest_first_across_pages(room, asked, api):
    caller = api(room.gp)
    seen = []
    for number in (1, 2, 3):
        body = caller.get("/release-requests", page_size=2, page=number).json()
        assert (body["count"], body["num_pages"]) == (5, 3)
        seen += [i["id"] for i in body["items"]]
    assert seen == [str(asked[i].pk) for i in (0, 2, 4, 3, 1)]


def test_the_release_requests_page_pages_with_its_true_total(room, asked, monkeypatch):
    from openmash.sharing import selectors

    real = selectors.release_requests_page
    monkeypatch.setattr(selectors, "release_requests_page", lambda **kw: real(**{**kw, "page_size": 2}))
    client = Client()
    client.force_login(room.gp.user)
    first = client.get("/release-requests/").content.decode()
    assert "5 release requests, waiting ones first (oldest first)" in first and "showing 1 to 2" in first
    assert 'class="govuk-pagination"' in first and "?page=2" in first
    items = re.findall(r'href="/items/([0-9a-f-]+)/release/"', first)
    assert items == [str(asked[0].item_id), str(asked[2].item_id)]
    last = client.get("/release-requests/?page=99").content.decode()  # past the end: the last page
    assert "showing 5 to 5" in last
