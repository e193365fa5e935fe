"""Secure messages in a real browser (issue 7, ADR 0017): a GP researcher opens the enquiry's thread from the
information request, sends an empty message (GOV.UK error summary), attaches a PNG called .pdf (refused, with the
reason), then sends a message with a real PDF; the MASH screener reads it from the enquiry page and the download
link answers as an attachment. Every page is checked with axe-core at desktop width and at 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _sign_in, _watch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_gp_and_the_mash_talk_on_the_enquirys_thread_without_email(browser, live_server, partnership, tmp_path):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from openmash.messaging.tests.conftest import pdf_bytes, png_bytes
    from tests.support import enquiry_open, requests_send

    def person(username, agency, role, name):
        return actor_for_user(
            user_create(username=username, password=PASSWORD, agency_code=agency, role=role, display_name=name)
        )

    referrer = person("pc.patel", "police", "referrer", "PC Jane Patel")
    screener = person("sam.screener", "mash", "screener", "Sam Okafor")
    person("dr.gp", "health-gp", "researcher", "Dr Priya Shah")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    (gp_request,) = requests_send(screener, enquiry, "health-gp")
    wrong = tmp_path / "letter.pdf"
    wrong.write_bytes(png_bytes())
    letter = tmp_path / "gp-letter.pdf"
    letter.write_bytes(pdf_bytes("Letter from the practice"))

    context = _context(browser)
    try:
        session = Session("GP", context.new_page())
        _watch(session.page, session.errors)
        _sign_in(session, live_server.url, "dr.gp", "Dr Priya Shah")
        page = session.page
        page.goto(f"{live_server.url}/requests/{gp_request.pk}/")
        page.get_by_test_id("messages-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Secure messages")
        expect(page.get_by_test_id("thread-members")).to_contain_text("Riverside GP Practice")
        _check_both_widths(session, "the empty thread")

        page.get_by_test_id("message-submit").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a message")
        _check_both_widths(session, "the thread with an error")

        page.get_by_label("Message").fill("Please call the practice about the missed appointments.")
        page.get_by_label("Attach a file").set_input_files(str(wrong))
        page.get_by_test_id("message-submit").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("called .pdf but is a PNG image")

        page.get_by_label("Message").fill("Please call the practice about the missed appointments.")
        page.get_by_label("Attach a file").set_input_files(str(letter))
        page.get_by_test_id("message-submit").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Message sent")
        expect(page.get_by_test_id("message")).to_have_count(1)
        expect(page.get_by_test_id("attachment-link")).to_have_text("gp-letter.pdf")
        _check_both_widths(session, "the thread with a message")
        page.screenshot(path=str(tmp_path / "thread.png"), full_page=True)
    finally:
        context.close()

    context = _context(browser)
    try:
        session = Session("screener", context.new_page())
        _watch(session.page, session.errors)
        _sign_in(session, live_server.url, "sam.screener", "Sam Okafor")
        page = session.page
        page.goto(f"{live_server.url}/enquiries/{enquiry.pk}/")
        expect(page.get_by_test_id("messages-panel")).to_contain_text("1 message")
        page.get_by_test_id("messages-link").click()
        expect(page.get_by_test_id("message-body")).to_contain_text("missed appointments")
        href = page.get_by_test_id("attachment-link").get_attribute("href")
        response = page.request.get(live_server.url + href)
        assert response.status == 200 and response.body() == letter.read_bytes()
        assert response.headers["content-type"] == "application/pdf"
        assert re.match(r'attachment; filename="gp-letter\.pdf"', response.headers["content-disposition"])
        assert response.headers["x-content-type-options"] == "nosniff"
    finally:
        context.close()
