"""Fixtures for real-browser tests: Playwright driving Debian's chromium (no `playwright install` downloads).

Tests are marked ``@pytest.mark.browser`` and usually combine ``page`` with pytest-django's ``live_server``::

    @pytest.mark.browser
    def test_something(page, live_server):
        page.goto(live_server.url + "/")

Without chromium on PATH the tests are skipped locally (``make chromium`` installs it) but fail under CI=true,
so a broken CI image cannot pass silently.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str) -> None:
    if _under_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session."""
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("chromium is not installed (run `make chromium`, i.e. apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _unavailable("the playwright Python package is not installed (pip install -e '.[dev]')")

    # Playwright's sync API runs an asyncio event loop on the test thread, so Django would refuse synchronous ORM
    # calls from test code ("You cannot call this from an async context"). Relax that check while a browser is up.
    # It is set here rather than at import so the rest of the suite, which collects this file too, keeps the check.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own browser context (own cookies and storage) for each test."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions raised in ``page`` (CSP violations show up here): assert it is empty."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Browser tests run on an SQLite *file*, as the product does, not on Django's default shared-cache in-memory
    test database. In shared-cache memory a second connection (an import running in its thread while the page
    polls) gets "table is locked" at once instead of waiting out the busy timeout (ADR 0006), and a session save
    that meets it surfaces as "session was deleted" (400): a failure of the test database, not of the product
    (CI 2026-12-02). PostgreSQL settings are left alone."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "openmash-test.sqlite3")
