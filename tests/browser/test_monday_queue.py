"""A Monday in the hub, in a real browser (issue 5): 60 contacts awaiting screening, the one with immediate risk
recorded last. It is first on page 1; the pages reach every contact; two screeners take it at once and the second
is told; the filtered list matches the home tile; the queue is accessible and does not scroll sideways at 375 px.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _nav, _sign_in, _watch


def _contacts(referrer):
    from conftest import contact_payload
    from openmash.contacts.services import contact_create
    from tests.support import child

    start = timezone.now() - dt.timedelta(days=2)
    made = []
    for i in range(60):
        urgent = i == 59
        data = contact_payload(
            subjects=[child("Kid" + chr(65 + i % 26) + chr(97 + i // 26), "Mondayqueue", dob="2016-06-06")],
            household=[],
            received_at=timezone.now() if urgent else start + dt.timedelta(minutes=20 * i),
            immediate_risk=urgent,
            immediate_risk_detail="Says she cannot go home tonight" if urgent else "",
        )
        made.append(contact_create(actor=referrer, data=data)[0])
    return made


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_three_screeners_share_a_queue_of_sixty(browser, live_server, partnership):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from openmash.contacts.models import Contact

    base = live_server.url
    referrer = actor_for_user(
        user_create(username="pc.monday", password=PASSWORD, agency_code="police", role="referrer")
    )
    names = {"ann.screener": "Ann Adeyemi", "ben.screener": "Ben Brooks", "cat.screener": "Cat Clarke"}
    for username, name in names.items():
        user_create(username=username, password=PASSWORD, agency_code="mash", role="screener", display_name=name)
    contacts = _contacts(referrer)
    urgent = contacts[-1]

    contexts: list[BrowserContext] = []

    def session_for(who: str) -> Session:
        context = _context(browser)
        contexts.append(context)
        page = context.new_page()
        session = Session(who, page)
        _watch(page, session.errors)
        return session

    try:
        ann, ben, cat = (session_for(n) for n in names)
        for session, (username, name) in zip((ann, ben, cat), names.items(), strict=True):
            _sign_in(session, base, username, name)
        ap = ann.page
        expect(ap.get_by_test_id("awaiting-count")).to_have_text("60")
        ap.get_by_test_id("tile-awaiting-immediate").click()
        expect(ap.get_by_test_id("list-total")).to_contain_text("1 contact awaiting screening matching the filters")
        ann.check("the queue filtered to immediate risk")

        # page 1 of the whole queue: the immediate-risk contact, recorded last, comes first
        _nav(ap, "Screening queue").click()
        expect(ap.get_by_test_id("list-total")).to_contain_text("60 contacts awaiting screening")
        links = ap.get_by_test_id("screen-link")
        expect(links).to_have_count(25)
        expect(links.first).to_contain_text(urgent.reference)
        ann.check("page 1 of the screening queue")
        seen = [t.split(":")[0].strip() for t in links.all_inner_texts()]
        for number in (2, 3):
            ap.get_by_role("navigation", name="Screening queue pages").get_by_role("link", name="Next").click()
            expect(ap.get_by_role("link", name=f"Page {number}", exact=True)).to_have_attribute("aria-current", "page")
            seen += [t.split(":")[0].strip() for t in ap.get_by_test_id("screen-link").all_inner_texts()]
        assert sorted(seen) == sorted(c.reference for c in contacts)
        ann.check("page 3 of the screening queue")

        # Ben and Cat both see the urgent contact unheld; Ben takes it first, Cat is told
        for session in (ben, cat):
            _nav(session.page, "Screening queue").click()
        ben.page.get_by_role("button", name=f"Take {urgent.reference}").click()
        expect(ben.page.get_by_role("alert")).to_contain_text(f"You now hold the contact {urgent.reference}")
        cat.page.get_by_role("button", name=f"Take {urgent.reference}").click()
        expect(cat.page.locator(".govuk-notification-banner")).to_contain_text(
            "This contact has already been taken by Ben Brooks"
        )
        expect(cat.page.get_by_test_id("holder").first).to_contain_text("Ben Brooks")
        cat.check("the queue after losing a race to take a contact")
        assert Contact.objects.get(pk=urgent.pk).assigned_to.username == "ben.screener"

        # bad filter values: the GOV.UK error summary, not a crash
        cp = cat.page
        cp.get_by_text("Filter the list").click()
        cp.get_by_role("group", name="Received from").get_by_label("Day").fill("31")
        cp.get_by_role("group", name="Received from").get_by_label("Month").fill("2")
        cp.get_by_role("group", name="Received from").get_by_label("Year").fill("2026")
        cp.get_by_test_id("apply-filters").click()
        expect(cp).to_have_title(__import__("re").compile(r"^Error: "))
        expect(cp.locator(".govuk-error-summary")).to_contain_text("Received from must be a real date")
        cat.check("the queue with a bad filter")

        # 375 px: no sideways scrolling of the page
        _nav(ap, "Screening queue").click()
        ap.set_viewport_size({"width": 375, "height": 800})
        ap.reload()
        assert ap.evaluate("document.documentElement.scrollWidth") <= 375
        ann.check("the screening queue at 375 px")
    finally:
        for context in contexts:
            context.close()
