"""The GOV.UK timeout warning and the kept draft, in a real browser (practitioner review, fault 2). The page's clock
is moved on through timeout.js's test hook instead of waiting 13 minutes: the warning opens as a modal dialog
(accessible, focus on "Stay signed in"), Stay signed in keeps the session, and when the time runs out the contact
being typed is kept, the user is signed out, told why, and finds it again after signing in."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)
NARRATIVE = "Ben said his dad's new partner locks him in his room at night."


def _sign_in(page, base, username):
    sign_in_with_code(page, username, PASSWORD)


@pytest.mark.browser
def test_the_warning_then_the_sign_out_keeps_the_typed_concern(page, console_errors, live_server, partnership):
    from openmash.accounts.services import user_create
    from openmash.contacts.models import IntakeDraft

    user_create(username="pc-slow", password=PASSWORD, agency_code="police", role="referrer")
    base = live_server.url
    page.goto(base + "/login/")
    _sign_in(page, base, "pc-slow")
    page.goto(base + "/contacts/new/")
    form = page.get_by_test_id("contact-form")
    form.get_by_label("Describe the concern", exact=True).fill(NARRATIVE)
    form.locator("[name=children-0-forename]").fill("Ben")

    dialog = page.get_by_test_id("timeout-warning")
    expect(dialog).to_be_hidden()
    # 13 minutes and a bit without activity: the warning opens, focus on "Stay signed in"
    page.evaluate("window.openmashTimeout.setLastActivity(Date.now() - (900 - 20 - 120 + 2) * 1000)")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("You’re about to be signed out")
    expect(page.get_by_test_id("stay-signed-in")).to_be_focused()
    expect(dialog).to_contain_text("2 minutes")
    assert_accessible(page)
    page.get_by_test_id("stay-signed-in").click()
    expect(dialog).to_be_hidden()
    expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
    assert page.evaluate("document.activeElement.name") == "children-0-forename"  # back where they were

    # the time runs out: the concern is kept, the user is signed out and told why
    page.evaluate("window.openmashTimeout.setLastActivity(Date.now() - 900 * 1000)")
    expect(page).to_have_url(re.compile(r"/login/\?timeout=1&next=%2Fcontacts%2Fnew%2F$"))
    expect(page.get_by_test_id("signed-out-idle")).to_be_visible()
    assert IntakeDraft.objects.get(user__username="pc-slow").answers["narrative"] == [NARRATIVE]
    assert NARRATIVE.split()[0] not in page.url
    _sign_in(page, base, "pc-slow")
    expect(page).to_have_url(re.compile(r"/contacts/new/$"))
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("contact-form").get_by_label("Describe the concern", exact=True)).to_have_value(
        NARRATIVE
    )
    expect(page.locator("[name=children-0-forename]")).to_have_value("Ben")
    assert_accessible(page)
    assert console_errors == []
