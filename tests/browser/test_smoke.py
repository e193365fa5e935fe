"""Proves the browser plumbing: Playwright + Debian chromium + pytest-django's live server + built static assets."""

import pytest


@pytest.mark.browser
def test_govuk_stylesheet_is_served_to_the_browser(page, live_server):
    response = page.goto(live_server.url + "/static/govuk/govuk-frontend.min.css")

    assert response is not None
    assert response.status == 200
    body = response.text()
    assert body.strip()
    assert "govuk-" in body
    assert "url(/assets/" not in body, "GOV.UK asset URLs were not rewritten by scripts/build_assets.py"
