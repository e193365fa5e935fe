"""The partnership admin's API tokens pages in a real browser: list, revoke with confirmation (issue 5, fault 3).
Accessible (axe: no serious or critical violation) at desktop width and at 375 px with no sideways scrolling."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)  # made at run time: no credential in git


def _check(page, what: str) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, f"{what} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
def test_partnership_admin_revokes_a_token(page, console_errors, live_server, partnership):
    from openmash.accounts.models import ApiToken
    from openmash.accounts.services import token_create, user_create

    user_create(username="pat.admin", password=PASSWORD, agency_code="mash", role="partnership_admin")
    user_create(username="sam.screener", password=PASSWORD, agency_code="mash", role="screener")
    token, raw = token_create(username="sam.screener")

    page.goto(live_server.url + "/")
    sign_in_with_code(page, "pat.admin", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    page.get_by_role("link", name="API tokens").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    table = page.get_by_test_id("tokens")
    expect(table).to_contain_text(token.prefix)
    expect(table).to_contain_text("sam.screener")
    expect(table).to_contain_text("Active")
    assert raw not in page.content()
    _check(page, "the tokens list")

    table.get_by_role("link", name=re.compile(f"Revoke.*{re.escape(token.prefix)}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"revoke token {token.prefix}")
    _check(page, "the revoke confirmation")
    page.get_by_test_id("revoke-token").click()

    expect(page).to_have_url(re.compile(r"/admin/tokens/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"Token {token.prefix} has been revoked")
    expect(page.get_by_test_id("tokens")).to_contain_text("Revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None and ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert console_errors == []
