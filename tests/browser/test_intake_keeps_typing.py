"""Recording a contact in a real browser (practitioner review, fault 7, and the intake's minor faults): searching
for a sibling and selecting them after typing the narrative keeps every typed value (htmx swaps only the people
part); Enter in a search box searches; "Add another child" works with child 1 still blank; focus moves to what
changed after an htmx add or pick."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)
NARRATIVE = "Ben told his teacher he is scared of going home; his sister Amelia was there."


@pytest.mark.browser
def test_picking_a_sibling_keeps_everything_typed(page, console_errors, live_server, partnership, new_contact):
    from openmash.accounts.services import user_create

    new_contact()  # Amelia Testchild, NHS number VALID_NHS, already known
    user_create(username="pc-typing", password=PASSWORD, agency_code="police", role="referrer")
    page.goto(live_server.url + "/login/")
    sign_in_with_code(page, "pc-typing", PASSWORD)
    page.goto(live_server.url + "/contacts/new/")
    page.evaluate("window.__samePage = true")  # survives htmx swaps, not a full page load
    form = page.get_by_test_id("contact-form")

    # "Add another child" with child 1 still blank adds child 2 (and focus goes into it)
    form.get_by_test_id("add-child").click()
    expect(form.locator("[name=children-1-forename]")).to_be_visible()
    expect(form.locator("[name=children-1-forename]")).to_be_focused()
    form.locator("[name=children-0-forename]").fill("Ben")
    form.locator("[name=children-0-surname]").fill("Testchild")
    form.get_by_label("Describe the concern", exact=True).fill(NARRATIVE)
    form.locator("[name=members-0-forename]").fill("Dean")

    # Enter in a search box searches (not "Continue"); a referrer finds a child they may not open by the name and
    # date of birth (a number alone lists nobody they may not open: ADR 0009 addendum 3)
    search = page.get_by_test_id("child-search-form")
    search.get_by_label("Full name").fill("Amelia Testchild")
    search.get_by_label("Day").fill("2")
    search.get_by_label("Month").fill("4")
    search.get_by_label("Year").fill("2018")
    search.get_by_label("Year").press("Enter")
    expect(page.locator("#search-results").get_by_role("heading")).to_have_text("1 record found")
    expect(page).not_to_have_title(re.compile(r"^Error"))
    page.get_by_test_id("select-child").click()

    expect(form.get_by_test_id("chosen-child")).to_have_text("Amelia Testchild")
    expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
    expect(form.locator("[name=children-0-forename]")).to_have_value("Ben")
    expect(form.locator("[name=members-0-forename]")).to_have_value("Dean")
    assert page.evaluate("window.__samePage === true"), "picking the child reloaded the page"
    assert page.evaluate("document.getElementById('children-section').contains(document.activeElement)")
    assert_accessible(page)

    page.get_by_test_id("remove-selected").click()
    expect(form.get_by_test_id("chosen-child")).to_have_count(0)
    expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
    expect(form.locator("[name=children-0-forename]")).to_have_value("Ben")
    assert console_errors == []


@pytest.mark.browser
def test_without_javascript_picking_a_child_keeps_everything_typed(browser, live_server, partnership, new_contact):
    from openmash.accounts.services import user_create

    new_contact()
    user_create(username="pc-nojs", password=PASSWORD, agency_code="police", role="referrer")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/login/")
        sign_in_with_code(page, "pc-nojs", PASSWORD)
        page.goto(live_server.url + "/contacts/new/")
        form = page.get_by_test_id("contact-form")
        form.get_by_label("Describe the concern", exact=True).fill(NARRATIVE)
        search = page.get_by_test_id("child-search-form")
        search.get_by_label("Full name").fill("Amelia Testchild")
        search.get_by_label("Day").fill("2")
        search.get_by_label("Month").fill("4")
        search.get_by_label("Year").fill("2018")
        page.get_by_test_id("child-search").click()
        expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
        page.get_by_test_id("select-child").click()
        expect(form.get_by_test_id("chosen-child")).to_have_text("Amelia Testchild")
        expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
    finally:
        context.close()
