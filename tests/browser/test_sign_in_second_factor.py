"""Signing in with a password and a code from an authenticator app, in a real browser (ADR 0011; SECURITY-TESTS
AU-1). The code is what the user's app would show now: django-otp's TOTP of the user's device. The second-factor
page and the account page are accessible (axe) at desktop width and at 375 px without sideways scrolling."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from conftest import totp_code_for
from tests.browser.axe import assert_accessible
from tests.browser.signin import mfa_device_ready

PASSWORD = secrets.token_urlsafe(24)  # made at run time: no credential in git


def _check(page, what: str) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, f"{what} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
def test_a_user_signs_in_with_a_code_from_their_app(page, console_errors, live_server, partnership):
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    user_create(username="sam.screener", password=PASSWORD, agency_code="mash", role="screener")
    mfa_device_ready("sam.screener")
    user = User.objects.get(username="sam.screener")

    page.goto(live_server.url + "/screening/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill("sam.screener")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("sign-in").click()

    # the second step: nothing of the service until the code is given
    expect(page).to_have_url(re.compile(r"/account/verify/\?next=%2Fscreening%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    expect(page.get_by_role("navigation", name="Menu")).not_to_contain_text("Screening queue")
    _check(page, "the second-factor page")
    page.get_by_label("Security code").fill("12345")
    page.get_by_test_id("verify-code").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    expect(page).to_have_title(re.compile(r"^Error: "))
    _check(page, "the second-factor page with an error")

    page.get_by_label("Security code").fill(totp_code_for(user))
    page.get_by_test_id("verify-code").click()
    expect(page).to_have_url(re.compile(r"/screening/$"))
    expect(page.get_by_role("region", name="Service information")).to_contain_text("Signed in as")

    # their account page lists this browser's session
    page.get_by_test_id("your-account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_test_id("sessions")).to_contain_text("This browser")
    _check(page, "the account page")
    assert console_errors == []
