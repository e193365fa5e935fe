"""Practitioners' review (December 2026): the social worker had no menu link to their MASH packs, and the
partnership admin's header had no link to Imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openmash.web.context_processors import NAV_ITEMS

pytestmark = pytest.mark.django_db


def _nav(href: str) -> str:
    return f'<a class="govuk-service-navigation__link" href="{href}"'


def test_the_social_worker_has_a_menu_link_to_their_mash_packs(login, make_actor):
    assert _nav(reverse("casework:pack_list")) in login(make_actor("social_worker", "mash")).get("/").content.decode()
    assert _nav(reverse("casework:pack_list")) not in login(make_actor("referrer", "police")).get("/").content.decode()


def test_the_partnership_admin_has_a_menu_link_to_imports(login, make_actor):
    assert (
        _nav(reverse("feeds:imports"))
        in login(make_actor("partnership_admin", "mash")).get("/", follow=True).content.decode()
    )
    assert _nav(reverse("feeds:imports")) not in login(make_actor("screener", "mash")).get("/").content.decode()


def test_every_menu_item_names_a_distinct_page():
    assert len({item[2] for item in NAV_ITEMS}) == len(NAV_ITEMS)
