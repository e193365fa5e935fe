"""Issue 5, fault 13: with JavaScript on (the htmx path), a bad date on Find a child keeps the whole GOV.UK error
pattern: an error summary at the top of main that takes focus, the inline error, and the "Error: " title prefix;
a good search afterwards takes the prefix off again."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)


@pytest.mark.browser
def test_find_a_child_bad_date_with_javascript_shows_the_error_pattern(page, console_errors, live_server, partnership):
    from openmash.accounts.services import user_create

    user_create(username="screener-htmx", password=PASSWORD, agency_code="mash", role="screener")
    page.goto(live_server.url + "/login/")
    sign_in_with_code(page, "screener-htmx", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    page.goto(live_server.url + "/people/search/")
    expect(page).to_have_title(re.compile(r"^Find a child"))
    page.evaluate("window.__samePage = true")  # survives an htmx swap, not a full page load

    page.get_by_label("Full name").fill("Amelia Testchild")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("x")
    page.get_by_label("Year").fill("2018")
    page.get_by_test_id("person-search").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Month must be a number")
    expect(page).to_have_title(re.compile(r"^Error: Find a child"))
    assert page.evaluate("window.__samePage === true"), "the search did a full page load, not the htmx path"
    # GOV.UK Frontend was started on the swapped-in summary, which moves focus to it.
    expect(summary).to_have_attribute("data-govuk-error-summary-init", "")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    expect(page.locator("#id_date_of_birth_error")).to_contain_text("Month must be a number")
    expect(page.locator("#id_date_of_birth_month")).to_have_class(re.compile(r"govuk-input--error"))
    expect(page.locator("#id_date_of_birth_year")).not_to_have_class(re.compile(r"govuk-input--error"))
    # The summary's link moves to the day box.
    summary.get_by_role("link", name="Month must be a number").click()
    assert_accessible(page)

    page.get_by_label("Month").fill("4")
    page.get_by_test_id("person-search").click()
    expect(page.get_by_role("heading", name="No records found")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Find a child"))
    assert page.evaluate("window.__samePage === true")
    assert console_errors == []


@pytest.mark.browser
def test_intake_child_search_bad_date_with_javascript_moves_focus_to_the_error_summary(
    page, console_errors, live_server, partnership
):
    """The intake page's search (the other htmx form that can return errors): the error summary takes focus after
    the swap, as on a full page load, and is not pulled away by the intake's own focus handling."""
    from openmash.accounts.services import user_create

    user_create(username="referrer-htmx", password=PASSWORD, agency_code="police", role="referrer")
    page.goto(live_server.url + "/login/")
    sign_in_with_code(page, "referrer-htmx", PASSWORD)
    page.goto(live_server.url + "/contacts/new/")
    expect(page).to_have_title(re.compile(r"^Record a concern"))
    page.evaluate("window.__samePage = true")

    search = page.get_by_test_id("child-search-form")
    page.get_by_label("Full name").fill("Amelia Testchild")
    search.get_by_label("Day").fill("2")
    search.get_by_label("Month").fill("x")
    search.get_by_label("Year").fill("2018")
    page.get_by_test_id("child-search").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Month must be a number")
    expect(page).to_have_title(re.compile(r"^Error: Record a concern"))
    assert page.evaluate("window.__samePage === true"), "the search did a full page load, not the htmx path"
    expect(summary).to_have_attribute("data-govuk-error-summary-init", "")
    page.wait_for_timeout(300)  # let every afterSettle handler run
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)

    search = page.get_by_test_id("child-search-form")
    search.get_by_label("Month").fill("4")
    page.get_by_test_id("child-search").click()
    expect(page.get_by_role("heading", name="No records found")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Record a concern"))
    assert console_errors == []
