"""Actors and an enquiry factory for the hub workflow tests (built through the services)."""

import pytest

from tests.support import enquiry_open


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def health(make_actor):
    return make_actor("researcher", "health-gp")


@pytest.fixture
def school(make_actor):
    return make_actor("researcher", "school-oak")


@pytest.fixture
def make_enquiry(referrer, screener):
    """make_enquiry(rag="amber", **contact_overrides) -> an open Enquiry."""

    def _make(rag="amber", **overrides):
        return enquiry_open(referrer=referrer, screener=screener, rag=rag, **overrides)

    return _make
