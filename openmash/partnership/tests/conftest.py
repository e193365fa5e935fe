"""Fixtures shared by the partnership tests (the dual-control suites: ADR 0019 addenda)."""

from __future__ import annotations

import pytest


@pytest.fixture
def admins(make_actor):
    """Two partnership admins at the MASH: (the one who asks, the second who may approve)."""
    return make_actor("partnership_admin", "mash"), make_actor("partnership_admin", "mash")
