"""One picture of the child, in a real browser (issue 6, "The picture"): the police and a school know one child
(the same NHS number, two spellings); a MASH screener opens the child's record, goes to the merged chronology, sees
both agencies' entries on one timeline, filters it by agency and significance (GOV.UK error summary for a wrong date
range), downloads the PDF of the same entries, opens the household chronology (whose each entry is) and the family
network (SVG and table). Every page is checked with axe-core at desktop width and at 375 px (no sideways scrolling),
for console errors and for GOV.UK Frontend having started."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _sign_in, _watch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_screener_reads_filters_prints_and_draws_the_childs_picture(browser, live_server, partnership):
    from django.utils import timezone
    from pypdf import PdfReader

    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from openmash.people.linking import intake_links_confirm
    from openmash.people.models import AgencyRecord, ChronologyEntry
    from tests.support import child, contact_record, nhs_number, screen, subject_person

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
    nhs = nhs_number()
    adult = {"forename": "Dana", "surname": "Łukasiewicz", "date_of_birth": "1990-02-02", "sex": "F"}
    police = contact_record(
        actors["pc.patel"],
        subjects=[child("Kayden", "Smith", "2017-03-03", nhs=nhs)],
        household=[{**adult, "role": "household_member"}],
    )
    screen(actors["sam.screener"], police)
    school = contact_record(actors["oak.dsl"], subjects=[child("Kaden", "Smith", "2017-03-03", nhs=nhs)], household=[])
    # the school's record joins the child's when the hub screens the school's contact (ADR 0009 addendum 2)
    intake_links_confirm(actor=actors["sam.screener"], contact_id=school.pk)
    kayden = subject_person(police)
    mum = police.people.get(role="household_member").person
    record = AgencyRecord.objects.get(agency__code="school-oak")
    ChronologyEntry.objects.create(
        person=subject_person(school),
        occurred_at=timezone.make_aware(dt.datetime(2026, 2, 3, 9)),
        kind="event",
        agency=record.agency,
        summary="Suspension or exclusion",
        object_type="feeds.importbatch",
        object_id="0",
        record=record,
        source="school-extract",
        external_id="EX-1",
        event_kind="exclusion",
        source_type_text="Fixed term exclusion",
        description="Three days, fighting",
        sensitivity="standard",
    )
    base = live_server.url
    context = _context(browser)
    try:
        page = context.new_page()
        session = Session("MASH screener", page)
        _watch(page, session.errors)
        _sign_in(session, base, "sam.screener", "Sam Okafor")

        page.goto(f"{base}/people/{kayden.pk}/")
        page.get_by_role("link", name="Filter, print or download the chronology").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Chronology: Kayden Smith")
        table = page.get_by_test_id("chronology")
        expect(table).to_contain_text(police.reference)
        expect(table).to_contain_text(school.reference)
        expect(table).to_contain_text(
            "Oakfield Primary School record made in OpenMASH (feed school-extract, event EX-1)"
        )
        _check_both_widths(session, "the chronology")

        # filter: the school's significant entries only
        page.get_by_text("Filter the chronology").click()
        page.get_by_label("Significant events").check()
        page.get_by_label("Oakfield Primary School").check()
        page.get_by_test_id("apply-filters").click()
        expect(page.get_by_test_id("list-total")).to_contain_text("2 entries matching the filters")
        expect(page.get_by_test_id("chronology-entry")).to_have_count(2)
        expect(page.get_by_test_id("chronology")).not_to_contain_text(police.reference)
        _check_both_widths(session, "the filtered chronology")

        # the PDF of the same entries
        with page.expect_download() as caught:
            page.get_by_test_id("chronology-pdf").click()
        pdf = PdfReader(io.BytesIO(caught.value.path().read_bytes()))
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        assert "OFFICIAL-SENSITIVE" in text and "Printed by Sam Okafor" in text and school.reference in text
        assert "Three days, fighting" in text and police.reference not in text

        # a wrong date range: the GOV.UK error pattern
        for label, values in (("Day", ("5", "1")), ("Month", ("3", "3")), ("Year", ("2026", "2026"))):
            boxes = page.get_by_label(label, exact=True)
            boxes.nth(0).fill(values[0])
            boxes.nth(1).fill(values[1])
        page.get_by_test_id("apply-filters").click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.locator(".govuk-error-summary")).to_contain_text("Date to must be the same as or after date from")
        _check_both_widths(session, "the chronology with a filter error")

        page.goto(f"{base}/people/{kayden.pk}/household/chronology/")
        expect(page.get_by_test_id("household-members")).to_contain_text("Dana Łukasiewicz")
        expect(page.get_by_test_id("entry-whose").first).to_be_visible()
        if _shot("household"):
            page.screenshot(path=str(_shot("household")), full_page=True)
        _check_both_widths(session, "the household chronology")

        page.goto(f"{base}/people/{kayden.pk}/network/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Family network: Kayden Smith")
        rows = page.get_by_test_id("network-person")
        expect(rows).to_have_count(2)
        expect(rows.nth(1)).to_contain_text("Household member")
        expect(page.get_by_test_id("network-diagram").locator("svg")).to_have_attribute("aria-hidden", "true")
        if _shot("network"):
            page.screenshot(path=str(_shot("network")), full_page=True)
        _check_both_widths(session, "the family network")
        expect(rows.nth(1)).to_contain_text(mum.full_name)
    finally:
        context.close()


def _shot(name: str):
    """Where to save a screenshot for a human to look at (OPENMASH_SCREENSHOTS), or None."""
    import os
    from pathlib import Path

    folder = os.environ.get("OPENMASH_SCREENSHOTS")
    return Path(folder) / f"{name}.png" if folder else None
