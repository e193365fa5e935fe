"""Issue 6 in a real browser: the police and health extracts of two children, imported (openmash import), give one
picture of each child.

Kayden Wałęsa (police, NHS number "999 314 1593") is Kaden Walesa to the GP ("999-314-1593"): the import joins them.
A MASH screener finds the child under the GP's spelling with Find a child and opens one chronology with both
agencies' events. Oliver O'Brien is known to the police without an NHS number and to the GP as Ollie OBrien: the
import only proposes the link; the screener opens Records to review, confirms it, and his chronology then shows both
agencies too. Every page is checked with axe-core (no serious or critical violations) at desktop width and at
375 px, for console errors and for GOV.UK Frontend having started.
"""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _nav, _sign_in, _watch

HEADER = ["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn",
          "event_date", "event_type", "description"]  # fmt: skip
POLICE = [
    ["P1", "Kayden", "Wałęsa", "2017-03-03", "M", "EX1 1AA", "1 Mill Lane", "999 314 1593", "", "2025-06-01",
     "DA incident", "Officers attended a domestic incident; the child was present."],
    ["P2", "Oliver", "O'Brien", "2016-05-09", "M", "EX2 4BB", "7 Station Road", "", "", "2025-04-11",
     "Missing person", "Reported missing by a parent and found the next morning."],
]  # fmt: skip
HEALTH = [
    ["RX1", "Kaden", "Walesa", "2017-03-03", "M", "EX1 1AA", "1 Mill Lane", "999-314-1593", "", "2025-08-20",
     "ED attendance", "Attended the emergency department with a head injury."],
    ["RX2", "Ollie", "OBrien", "2016-05-09", "M", "EX2 4BB", "7 Station Road", "9434765919", "", "2025-09-02",
     "Was not brought", "Not brought to a paediatric appointment for the third time."],
]  # fmt: skip


def _extract(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _both_agencies_on_the_chronology(page, police_text: str, health_text: str) -> None:
    """Each agency's imported event, by the OpenMASH event kind it was mapped to and the agency that sent it."""
    chronology = page.get_by_test_id("chronology")
    expect(chronology).to_contain_text("County Police")
    expect(chronology).to_contain_text("Riverside GP Practice")
    expect(chronology).to_contain_text(police_text)
    expect(chronology).to_contain_text(health_text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_imported_police_and_health_records_give_one_chronology_and_a_reviewer_confirms_a_look_alike(
    browser, live_server, partnership, tmp_path, settings
):
    from openmash.accounts.admin_services import SYSTEM
    from openmash.accounts.services import user_create
    from openmash.feeds.choices import BatchStatus
    from openmash.feeds.services import batch_start, feed_import
    from openmash.people.models import AgencyRecord, LinkState, RecordLink

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    for agency, rows in (("police", POLICE), ("health-gp", HEALTH)):
        path = _extract(tmp_path / f"{agency}.csv", rows)
        batch = batch_start(actor=SYSTEM, feed_code="standard", agency_code=agency, file_name=path.name)
        assert feed_import(actor=SYSTEM, path=path, batch=batch).status == BatchStatus.DONE
    kayden = AgencyRecord.objects.get(agency__code="police", local_id="P1")
    oliver, ollie = (AgencyRecord.objects.get(local_id=i) for i in ("P2", "RX2"))
    assert AgencyRecord.objects.get(local_id="RX1").person_id == kayden.person_id  # joined by the NHS number
    assert oliver.person_id != ollie.person_id  # only proposed
    user_create(username="sam.screener", password=PASSWORD, agency_code="mash", role="screener", display_name="Sam")

    base = live_server.url
    context = _context(browser)
    try:
        page = context.new_page()
        session = Session("MASH screener", page)
        _watch(page, session.errors)
        _sign_in(session, base, "sam.screener", "Sam")

        # Find a child under the GP's spelling, typed on an English keyboard: one child, both agencies' events
        page.goto(f"{base}/people/search/")
        page.get_by_label("Full name").fill("Kaden Walesa")
        page.get_by_label("Day").fill("3")
        page.get_by_label("Month").fill("3")
        page.get_by_label("Year").fill("2017")
        page.get_by_test_id("person-search").click()
        rows = page.get_by_test_id("person-result")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-person", str(kayden.person_id))
        _check_both_widths(session, "Find a child's results")
        rows.first.get_by_role("link").click()
        expect(page).to_have_url(re.compile(f"/people/{kayden.person_id}/$"))
        expect(page.get_by_test_id("agency-record")).to_have_count(2)
        _both_agencies_on_the_chronology(page, "Domestic abuse incident", "Emergency department attendance")
        _check_both_widths(session, "the joined child's page")

        # Oliver / Ollie wait in the review queue: the screener confirms they are the same child
        _nav(page, "Records to review").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Records to review")
        expect(page.get_by_test_id("review-total")).to_contain_text("Showing 1 to 1 of 1 pair to review")
        _check_both_widths(session, "the review queue")
        page.get_by_test_id("review-row").get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
        given = page.get_by_test_id("field-given_name")
        expect(given).to_contain_text("Oliver")
        expect(given).to_contain_text("Ollie")
        expect(page.get_by_test_id("field-date_of_birth")).to_contain_text("same date of birth")
        _check_both_widths(session, "the side-by-side page")
        page.get_by_label("Yes, they are the same person").check()
        page.get_by_test_id("decision-submit").click()
        expect(page.get_by_test_id("review-total")).to_contain_text("There is nothing to review")
        _check_both_widths(session, "the empty review queue")
        assert RecordLink.objects.get(valid_to__isnull=True, rule="reviewer").state == LinkState.CONFIRMED

        page.goto(f"{base}/people/{ollie.origin_person_id}/")
        expect(page).to_have_url(re.compile(f"/people/{oliver.origin_person_id}/$"))  # the older person resolves
        _both_agencies_on_the_chronology(page, "Missing episode", "Was not brought to an appointment")
        _check_both_widths(session, "the confirmed child's page")
    finally:
        context.close()
