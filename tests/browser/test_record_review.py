"""A reviewer confirms a proposed link, in a real browser (issue 6): the police and a school recorded one child
under two spellings and no shared identifier; the match waits in the review queue; a MASH screener opens it from the
service navigation, sees both records side by side with each field's evidence, is told a reason is needed to say
they are different people, confirms they are the same child, and finds both agencies' contacts on one chronology.
Every page is checked with axe-core at desktop width and at 375 px (no sideways scrolling), for console errors and
for GOV.UK Frontend having started."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _nav, _sign_in, _watch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_confirms_a_proposed_link(browser, live_server, partnership):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from openmash.people import linking
    from openmash.people.models import AgencyRecord, LinkState, RecordLink
    from tests.support import child, contact_record, nhs_number, subject_person

    people = {
        "pc.patel": ("police", "referrer", "PC Jane Patel"),
        "oak.dsl": ("school-oak", "referrer", "Alex Turner"),
        "sam.screener": ("mash", "screener", "Sam Okafor"),
    }
    actors = {
        username: actor_for_user(
            user_create(username=username, password=PASSWORD, agency_code=agency, role=role, display_name=name)
        )
        for username, (agency, role, name) in people.items()
    }
    police = contact_record(
        actors["pc.patel"], subjects=[child("Kayden", "Smith", "2017-03-03", nhs=nhs_number())], household=[]
    )
    school = contact_record(actors["oak.dsl"], subjects=[child("Kaden", "Smith", "2017-03-03")], household=[])
    kayden, kaden = subject_person(police), subject_person(school)
    proposal = linking.link_propose(
        actor=None,
        record_a_id=AgencyRecord.objects.get(origin_person=kayden).pk,
        record_b_id=AgencyRecord.objects.get(origin_person=kaden).pk,
        match_weight=8.4,
        match_probability=0.88,
        field_weights={
            "given_name": {"weight": 2.9, "level": "phonetic", "reason": "first name sounds alike"},
            "family_name": {"weight": 4.1, "level": "exact", "reason": "same surname"},
            "date_of_birth": {"weight": 6.0, "level": "exact", "reason": "same date of birth"},
        },
        rule="fellegi_sunter",
        reason="Between the review thresholds",
    )
    base = live_server.url
    context = _context(browser)
    try:
        page = context.new_page()
        session = Session("MASH screener", page)
        _watch(page, session.errors)
        _sign_in(session, base, "sam.screener", "Sam Okafor")

        _nav(page, "Records to review").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Records to review")
        expect(page.get_by_test_id("review-total")).to_contain_text("Showing 1 to 1 of 1 pair to review")
        _check_both_widths(session, "the review queue")

        page.get_by_test_id("review-row").get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
        given = page.get_by_test_id("field-given_name")
        expect(given).to_contain_text("Kayden")
        expect(given).to_contain_text("Kaden")
        expect(given).to_contain_text("first name sounds alike")
        expect(page.get_by_test_id("field-nhs_number")).to_contain_text("not known to both agencies")
        _check_both_widths(session, "the side-by-side page")

        # "Different people" without a reason: the GOV.UK error pattern, nothing decided
        page.get_by_label("No, they are different people").check()
        page.get_by_test_id("decision-submit").click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason these are different people")
        _check_both_widths(session, "the side-by-side page with an error")
        assert RecordLink.objects.get(pk=proposal.pk).valid_to is None

        page.get_by_label("Yes, they are the same person").check()
        page.get_by_test_id("decision-submit").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Records to review")
        expect(page.get_by_test_id("review-total")).to_contain_text("There is nothing to review")
        current = RecordLink.objects.get(record_l=proposal.record_l_id, valid_to__isnull=True)
        assert current.state == LinkState.CONFIRMED and current.decided_by == actors["sam.screener"].user
        kaden.refresh_from_db()
        assert kaden.merged_into_id == kayden.pk

        # Kaden's page is Kayden's now: both agencies on one chronology
        page.goto(f"{base}/people/{kaden.pk}/")
        expect(page).to_have_url(re.compile(f"/people/{kayden.pk}/$"))
        expect(page.get_by_test_id("agency-record")).to_have_count(2)
        chronology = page.get_by_test_id("chronology")
        expect(chronology).to_contain_text(police.reference)
        expect(chronology).to_contain_text(school.reference)
        expect(chronology).to_contain_text("County Police")
        expect(chronology).to_contain_text("Oakfield Primary School")
        expect(page.get_by_test_id("joined-people")).to_contain_text("joined by Sam Okafor")
        _check_both_widths(session, "the merged person's page")
    finally:
        context.close()
