"""A pair scored by the matching engine waits in the review queue, in a real browser (issue 6): the police and the
GP recorded Amelia Hartley with dates of birth one digit apart, different sexes and addresses; `records_score` puts
the pair between the thresholds. A MASH screener sees why in the queue, opens it, reads how the score adds up field
by field in words, with each field's weight beside both records, and confirms. Checked with axe-core at desktop
width and at 375 px (no sideways scrolling)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _nav, _sign_in, _watch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_reads_the_engines_weights_and_confirms(browser, live_server, partnership):
    from openmash.accounts.services import user_create
    from openmash.matching import scoring
    from openmash.people import linking
    from openmash.people.models import LinkState, RecordLink

    user = user_create(
        username="sam.screener", password=PASSWORD, agency_code="mash", role="screener", display_name="Sam Okafor"
    )
    base_details = {"given_name": "Amelia", "family_name": "Hartley", "sex": "F", "postcode": "EX3 1AB"}
    linking.record_create(
        actor=None,
        agency=partnership["police"],
        local_id="P1",
        details={**base_details, "date_of_birth": dt.date(2015, 6, 14)},
    )
    gp, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G1",
        details={**base_details, "date_of_birth": dt.date(2015, 6, 24), "sex": "M", "postcode": "TQ9 9ZZ"},
    )
    scoring.records_score([gp])
    proposal = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.PROPOSED)
    dob = proposal.field_weights["date_of_birth"]

    context = _context(browser)
    try:
        page = context.new_page()
        session = Session("MASH screener", page)
        _watch(page, session.errors)
        _sign_in(session, live_server.url, "sam.screener", "Sam Okafor")
        _nav(page, "Records to review").click()
        expect(page.get_by_test_id("score-summary")).to_contain_text("against: different sex")
        _check_both_widths(session, "the review queue with a scored pair")

        page.get_by_test_id("review-row").get_by_role("link").click()
        percent = f"{proposal.match_probability * 100:.0f}%"
        expect(page.get_by_test_id("match-probability")).to_contain_text(percent)
        lines = page.get_by_test_id("score-lines")
        expect(lines).to_contain_text(f"date of birth: {dob['reason']}, +{dob['weight']:.1f}")
        expect(lines).to_contain_text(f"a {percent} chance they are the same person")
        expect(page.get_by_test_id("weight-date_of_birth")).to_have_text(f"+{dob['weight']:.1f}")
        _check_both_widths(session, "the side-by-side page of a scored pair")

        page.get_by_label("Yes, they are the same person").check()
        page.get_by_test_id("decision-submit").click()
        expect(page.get_by_test_id("review-total")).to_contain_text("There is nothing to review")
        current = RecordLink.objects.get(record_l=proposal.record_l_id, valid_to__isnull=True)
        assert current.state == LinkState.CONFIRMED and current.decided_by == user
        assert current.field_weights == proposal.field_weights  # the evidence stays with the decision
    finally:
        context.close()
