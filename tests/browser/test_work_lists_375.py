"""Every work list at 375 px (a phone): the page never scrolls sideways, the list's heading wraps (never cut), and the
first row's card leads with what the reader acts on (reference and flags, due, held by and Take), all inside the
viewport; axe finds no serious or critical violation. Lists: the screening queue, open and decided enquiries, the
agency researcher's information requests, early help, MASH packs to allocate, the review queue and the audit trail
(home page notifications are a plain list)."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)
WIDTH = 375
RISK = {"immediate_risk": True, "immediate_risk_detail": "Child alone at home; police attending now"}


def _user(username, agency, role):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create

    return actor_for_user(user_create(username=username, password=PASSWORD, agency_code=agency, role=role))


def _sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/login/")
    sign_in_with_code(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _inside(page, locator, what):
    """The element is drawn wholly inside the 375 px viewport's width (not off to the right)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None, what
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{what} is outside the viewport: {box}"
    return box


def _check_list(page, url, what, *, table, first_cells=(), later_cell=None):
    """Open url at 375 px; no sideways page scroll; the heading (caption) wraps; first_cells (test ids in the first
    row) are inside the viewport and above later_cell (a later, less important cell of the same card)."""
    page.goto(url)
    expect(page.get_by_test_id(table)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} scrolls sideways at {WIDTH} px by {overflow} px"
    caption = page.get_by_test_id(table).locator("caption")
    if caption.count() and not caption.evaluate("c => c.classList.contains('govuk-visually-hidden')"):
        _inside(page, caption, f"the heading of {what}")
        cut = caption.evaluate("c => c.scrollWidth - c.clientWidth")
        assert cut <= 0, f"the heading of {what} is cut by {cut} px"
    row = page.get_by_test_id(table).locator("tbody tr").first
    tops = [_inside(page, row.get_by_test_id(cell).first, f"{cell} on {what}")["y"] for cell in first_cells]
    if later_cell is not None:
        later = row.locator(f'td[data-label="{later_cell}"]')
        later_top = _inside(page, later, f"{later_cell} on {what}")["y"]
        assert all(top < later_top for top in tops), f"{what}: {first_cells} should come before {later_cell}"
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_work_lists_stack_into_cards_at_375px(browser, live_server, partnership):
    from openmash.accounts.services import agency_create
    from tests.support import contact_record, decide, enquiry_open, requests_send, screen

    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    referrer = _user("pc-referrer", "police", "referrer")
    screener = _user("mash-screener", "mash", "screener")
    manager = _user("mash-manager", "mash", "manager")
    _user("pc-researcher", "police", "researcher")
    _user("eh-researcher", "early-help", "researcher")
    _user("the-auditor", "mash", "auditor")

    for _ in range(26):  # more than a page: the heading reads "… awaiting screening: showing 1 to 25"
        contact_record(referrer, **RISK)
    open_enquiry = enquiry_open(referrer=referrer, screener=screener, rag="red", **RISK)
    requests_send(screener, open_enquiry, "police")
    decided = enquiry_open(referrer=referrer, screener=screener)
    decide(manager, decided)
    screen(screener, contact_record(referrer), outcome="early_help")

    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _sign_in(page, base, "mash-screener")
        _check_list(
            page,
            base + "/screening/",
            "the screening queue",
            table="screening-queue",
            first_cells=("take", "screen-link", "flags", "due"),
            later_cell="Children",
        )
        caption = page.get_by_test_id("list-total")
        expect(caption).to_contain_text("awaiting screening: showing 1 to 25")
        expect(page.get_by_test_id("flags").first).to_contain_text("Immediate risk")
        _check_list(
            page,
            base + "/enquiries/",
            "open enquiries",
            table="enquiry-list",
            first_cells=("flags", "due", "holder"),  # the screener who opened an enquiry holds it: no Take
            later_cell="Children",
        )
        _check_list(
            page,
            base + "/enquiries/?status=decided",
            "decided enquiries",
            table="enquiry-list",
            first_cells=("enquiry-link", "due"),
            later_cell="Children",
        )

        _sign_in(page, base, "mash-manager")
        _check_list(
            page,
            base + "/packs/?to_allocate=1",
            "MASH packs to allocate",
            table="pack-list",
            first_cells=("allocate-link",),
            later_cell="Children",
        )
        page.goto(base + "/")
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the home page (notifications) scrolls sideways by {overflow} px"
        assert_accessible(page)

        _sign_in(page, base, "pc-researcher")
        _check_list(
            page,
            base + "/requests/",
            "information requests",
            table="request-inbox",
            first_cells=("request-link", "flags", "due"),
            later_cell="Children and household",
        )

        _sign_in(page, base, "eh-researcher")
        _check_list(
            page,
            base + "/early-help/",
            "early help requests",
            table="early-help-inbox",
            first_cells=("early-help-link",),
            later_cell="Children and household",
        )

        _sign_in(page, base, "the-auditor")
        _check_list(page, base + "/audit/", "the audit trail", table="audit-events")
    finally:
        context.close()
