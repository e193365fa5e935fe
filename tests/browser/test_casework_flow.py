"""Casework in a real browser: after a contact is screened to a strategy discussion, the MASH manager adds a case
note and a correction, records the strategy discussion (with an error first), allocates both siblings to one
social worker, and the worker opens the MASH pack from their home page. Every page is checked with axe-core at
desktop width and at 375 px (no sideways scrolling), for console errors and for GOV.UK Frontend having started."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _sign_in, _watch

NOTE = "Phoned the school: both children in today, no marks seen."
CORRECTION = "Correction: only Ben was in school today."


def _check_both_widths(session: Session, what: str) -> None:
    session.check(what)
    page = session.page
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        session.check(f"{what} at 375 px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{what} scrolls sideways at 375 px by {overflow} px"
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_notes_strategy_discussion_and_the_mash_pack(browser, live_server, partnership):
    from openmash.accounts.services import agency_create, user_create
    from openmash.casework.models import CaseNote, StrategyDiscussion
    from openmash.enquiries.models import CaseAllocation
    from tests.support import child, contact_record, nhs_number, screen

    agency_create(code="csc", name="Assessment Service", agency_type="csc", source_code="5A", is_hub=False)
    people = {
        "pc.patel": ("police", "referrer", "PC Jane Patel"),
        "sam.screener": ("mash", "screener", "Sam Okafor"),
        "morgan.manager": ("mash", "manager", "Morgan Reid"),
        "sw.jones": ("csc", "social_worker", "Rhian Jones"),
    }
    actors = {}
    for username, (agency, role, name) in people.items():
        from openmash.access.actor import actor_for_user

        actors[username] = actor_for_user(
            user_create(username=username, password=PASSWORD, agency_code=agency, role=role, display_name=name)
        )
    from tests.browser.signin import mfa_device_ready

    mfa_device_ready("sw.jones")  # the worker has enrolled: only someone who can sign in and work can be allocated
    contact = contact_record(
        actors["pc.patel"],
        received_at=timezone.now() - dt.timedelta(days=1),
        subjects=[
            child(forename="Amelia", surname="Sibling", dob="2018-04-02", nhs=nhs_number()),
            child(forename="Ben", surname="Sibling", dob="2016-09-10", nhs=nhs_number()),
        ],
    )
    screen(actors["sam.screener"], contact, outcome="strategy", rationale="Disclosure of belt marks")
    base = live_server.url
    contexts = []

    def session_for(who):
        context = _context(browser)
        contexts.append(context)
        page = context.new_page()
        session = Session(who, page)
        _watch(page, session.errors)
        return session

    try:
        manager = session_for("MASH manager")
        page = manager.page
        _sign_in(manager, base, "morgan.manager", "Morgan Reid")
        page.goto(f"{base}/contacts/{contact.pk}/")
        _check_both_widths(manager, "the contact page with case notes")

        # A case note, then a correction of it: both stay, linked.
        page.get_by_test_id("add-case-note").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a case note")
        _check_both_widths(manager, "the case note form")
        now = timezone.localtime()
        form = page.get_by_test_id("case-note-form")
        form.get_by_label("Phone call").check()
        form.locator("[name=occurred_on_day]").fill(str(now.day))
        form.locator("[name=occurred_on_month]").fill(str(now.month))
        form.locator("[name=occurred_on_year]").fill(str(now.year))
        form.get_by_label("Time of the event").fill("00:00" if now.hour == 0 else f"{now.hour - 1:02d}:00")
        form.get_by_label("Note", exact=True).fill(NOTE)
        page.get_by_test_id("case-note-submit").click()
        expect(page.get_by_test_id("case-notes")).to_contain_text(NOTE)
        page.get_by_role("link", name=re.compile("^Correct this note")).click()
        expect(page.get_by_test_id("corrected-note")).to_contain_text(NOTE)
        form = page.get_by_test_id("case-note-form")
        form.get_by_label("Phone call").check()
        form.locator("[name=occurred_on_day]").fill(str(now.day))
        form.locator("[name=occurred_on_month]").fill(str(now.month))
        form.locator("[name=occurred_on_year]").fill(str(now.year))
        form.get_by_label("Time of the event").fill(now.strftime("%H:%M"))
        form.get_by_label("Note", exact=True).fill(CORRECTION)
        page.get_by_test_id("case-note-submit").click()
        expect(page.get_by_test_id("case-notes")).to_contain_text(CORRECTION)
        expect(page.get_by_test_id("case-notes")).to_contain_text("Corrected by")
        assert CaseNote.objects.filter(corrects__isnull=False).count() == 1

        # The strategy discussion: without police the page asks why, with the GOV.UK error pattern.
        page.get_by_test_id("record-strategy").click()
        _check_both_widths(manager, "the strategy discussion form")
        form = page.get_by_test_id("strategy-form")
        form.locator("[name=held_on_day]").fill(str(now.day))
        form.locator("[name=held_on_month]").fill(str(now.month))
        form.locator("[name=held_on_year]").fill(str(now.year))
        form.get_by_label("Time of the discussion").fill(now.strftime("%H:%M"))
        form.locator("[name=attendees-0-agency_code]").select_option("health-gp")
        form.locator("[name=attendees-0-name]").fill("Dr Example")
        form.get_by_label("Yes, a section 47 enquiry will start").check()
        form.get_by_label("Rationale for the decision").fill("Injury and disclosure: significant harm suspected.")
        form.locator("[name=actions-0-description]").fill("Joint visit to both children")
        form.locator("[name=actions-0-owner]").fill("Allocated social worker")
        form.locator("[name=actions-0-due_date_day]").fill(str(now.day))
        form.locator("[name=actions-0-due_date_month]").fill(str(now.month))
        form.locator("[name=actions-0-due_date_year]").fill(str(now.year))
        page.get_by_test_id("strategy-submit").click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.locator(".govuk-error-summary")).to_contain_text("No one from police took part")
        _check_both_widths(manager, "the strategy discussion form with errors")
        form = page.get_by_test_id("strategy-form")
        form.locator("[name=attendees-1-agency_code]").select_option("police")
        form.locator("[name=attendees-1-name]").fill("DS Example")
        page.get_by_test_id("strategy-submit").click()
        expect(page.get_by_test_id("strategy-discussion")).to_contain_text("DS Example")
        assert StrategyDiscussion.objects.count() == 1

        # Both siblings to one worker in one action.
        page.get_by_test_id("allocate-children").click()
        _check_both_widths(manager, "the allocate page")
        page.get_by_label("Amelia Sibling").check()
        page.get_by_label("Ben Sibling").check()
        page.get_by_label("Social worker").select_option(label="Rhian Jones (Assessment Service)")
        page.get_by_test_id("allocate-together-submit").click()
        expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text("2 children allocated")
        assert CaseAllocation.objects.filter(worker=actors["sw.jones"].user, closed_at__isnull=True).count() == 2

        # The worker finds the pack on their home page and opens it.
        worker = session_for("social worker")
        _sign_in(worker, base, "sw.jones", "Rhian Jones")
        wpage = worker.page
        wpage.get_by_test_id("mash-packs").get_by_role("link", name=contact.reference).click()
        expect(wpage.get_by_role("heading", level=1)).to_have_text(f"Contact {contact.reference}")
        expect(wpage.get_by_test_id("strategy-discussion")).to_contain_text("Yes, to start")
        expect(wpage.get_by_test_id("case-notes")).to_contain_text(CORRECTION)
        _check_both_widths(worker, "the MASH pack")
    finally:
        for context in contexts:
            context.close()
