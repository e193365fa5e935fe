"""The page tests' signed-in clients (openmash/web/tests/conftest.py), for the matching pages."""

from openmash.web.tests.conftest import login

__all__ = ["login"]
