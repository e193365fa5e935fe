"""The partnership admin in a real browser: adds a starter, a second admin approves the role and hands over the
one-time link, the starter sets their own
password and signs in; the agencies page. axe-core (no serious or critical violation) on every page, at desktop
width and at 375 px without sideways scrolling, and no console (CSP) errors."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code, totp_from_key

PASSWORD = secrets.token_urlsafe(24)


def _check(page: Page, errors: list[str], what: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if scroll > 0:
            wide = page.evaluate(
                "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right >"
                " document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className).slice(0, 8)"
            )
            raise AssertionError(f"{what} scrolls sideways at {width} px: {wide}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert errors == [], f"console errors on {what}: {errors}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_adds_a_starter_who_sets_their_own_password(browser, page, console_errors, live_server, partnership):
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    user_create(username="pat.admin", password=PASSWORD, agency_code="mash", role="partnership_admin")
    base = live_server.url
    page.goto(base + "/login/")
    sign_in_with_code(page, "pat.admin", PASSWORD)

    page.goto(base + "/partnership/users/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    _check(page, console_errors, "the users page")
    page.get_by_test_id("add-user").click()
    page.get_by_test_id("create-user").click()  # empty: the GOV.UK error pattern
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    _check(page, console_errors, "the add-user page with errors")
    page.get_by_label("Username").fill("jo.starter")
    page.get_by_label("Full name", exact=True).fill("Jo Starter")
    page.get_by_label("Work email address").fill("jo.starter@example.org")
    page.get_by_label("Agency").select_option("mash")
    page.get_by_label("Role").select_option("screener")
    page.get_by_test_id("create-user").click()
    expect(page.get_by_test_id("pending-grants")).to_contain_text("MASH screener")  # dual control: no link here
    assert page.get_by_test_id("set-password-link").count() == 0
    _check(page, console_errors, "the user added page")

    # a second partnership admin approves the role and is shown the link
    user_create(username="sam.admin", password=PASSWORD, agency_code="mash", role="partnership_admin")
    approver = browser.new_context(locale="en-GB").new_page()
    approver_errors: list[str] = []
    approver.on("console", lambda m: approver_errors.append(m.text) if m.type == "error" else None)
    approver.goto(base + "/login/")
    sign_in_with_code(approver, "sam.admin", PASSWORD)
    approver.goto(base + "/partnership/approvals/")
    expect(approver.get_by_test_id("grants")).to_contain_text("jo.starter")
    _check(approver, approver_errors, "the approvals page")
    approver.get_by_role("button", name=re.compile("^Approve")).click()
    link = approver.get_by_test_id("set-password-link").input_value()
    assert "/account/set-password/" in link
    _check(approver, approver_errors, "the set-password link page")
    approver.context.close()

    page.goto(base + "/partnership/users/" + str(User.objects.get(username="jo.starter").pk) + "/")
    _check(page, console_errors, "the user page")
    page.goto(base + "/partnership/agencies/")
    _check(page, console_errors, "the agencies page")
    page.goto(base + "/partnership/agencies/police/")
    _check(page, console_errors, "an agency page")

    starter = browser.new_context(locale="en-GB").new_page()
    starter.goto(link)
    expect(starter.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert (
        "/set-password/" in starter.url and link.rstrip("/").rsplit("/", 1)[-1] not in starter.url
    )  # token out of URL
    _check(starter, [], "the set-password page")
    new_password = secrets.token_urlsafe(24)
    starter.get_by_label("New password", exact=True).fill(new_password)
    starter.get_by_label("New password confirmation").fill(new_password)
    starter.get_by_test_id("set-password").click()
    expect(starter).to_have_url(re.compile(r"/login/"))
    # a starter has no second factor yet: they set up an authenticator app before anything else (ADR 0011)
    starter.get_by_label("Username").fill("jo.starter")
    starter.get_by_label("Password").fill(new_password)
    starter.get_by_test_id("sign-in").click()
    expect(starter.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(starter.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    _check(starter, [], "the enrolment page")
    starter.get_by_text("I cannot scan the QR code").click()
    key = starter.get_by_test_id("totp-key").inner_text()
    starter.get_by_label("Code from your authenticator app").fill(totp_from_key(key))
    starter.get_by_test_id("confirm-app").click()
    expect(starter.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    _check(starter, [], "the recovery codes page")
    starter.get_by_test_id("codes-kept").click()
    expect(starter.get_by_role("heading", level=1)).to_have_text("Your work")
    starter.context.close()
