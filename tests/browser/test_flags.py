"""Issue 8 in a real browser: an import makes a flag appear in the hub's list; the manager opens it, sees each
agency's contribution in time order, is told a dismissal needs a reason, and accepts it into a contact.

Kayden Wałęsa is known to the police (a domestic abuse incident, then a missing episode) and to his GP (not brought
to an appointment): three concerns from two agencies within six months, which the shipped rule
``cross_agency_combination`` flags. The extracts are imported through the feeds service and the rules evaluated with
``openmash flags evaluate --as-of`` (its management command). Pages are checked with axe-core at both widths.
"""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_casework_flow import _check_both_widths
from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _sign_in, _watch

HEADER = ["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn",
          "event_date", "event_type", "description"]  # fmt: skip
POLICE = [
    ["P1", "Kayden", "Wałęsa", "2017-03-03", "M", "EX1 1AA", "1 Mill Lane", "999 314 1593", "", "2025-06-01",
     "DA incident", "Officers attended a domestic incident; the child was present."],
    ["P2", "Kayden", "Wałęsa", "2017-03-03", "M", "EX1 1AA", "1 Mill Lane", "999 314 1593", "", "2025-07-10",
     "Missing person", "Reported missing by his mother and found the next morning."],
]  # fmt: skip
HEALTH = [
    ["RX1", "Kaden", "Walesa", "2017-03-03", "M", "EX1 1AA", "1 Mill Lane", "999-314-1593", "", "2025-08-20",
     "Was not brought", "Not brought to a paediatric appointment for the third time."],
]  # fmt: skip


def _extract(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_imported_pattern_is_flagged_explained_and_accepted_into_a_contact(
    browser, live_server, partnership, tmp_path, settings
):
    from django.core.management import call_command

    from openmash.accounts.admin_services import SYSTEM
    from openmash.accounts.services import user_create
    from openmash.feeds.choices import BatchStatus
    from openmash.feeds.services import batch_start, feed_import
    from openmash.patterns.models import Flag, FlagStatus

    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    for agency, rows in (("police", POLICE), ("health-gp", HEALTH)):
        path = _extract(tmp_path / f"{agency}.csv", rows)
        batch = batch_start(actor=SYSTEM, feed_code="standard", agency_code=agency, file_name=path.name)
        assert feed_import(actor=SYSTEM, path=path, batch=batch).status == BatchStatus.DONE
    call_command("flags_evaluate", "--as-of", "2025-09-30")
    flag = Flag.objects.get(status=FlagStatus.OPEN)
    assert set(flag.agencies) == {"police", "health-gp"}
    user_create(username="mo.manager", password=PASSWORD, agency_code="mash", role="manager", display_name="Mo")

    base = live_server.url
    context = _context(browser)
    try:
        page = context.new_page()
        session = Session("MASH manager", page)
        _watch(page, session.errors)
        _sign_in(session, base, "mo.manager", "Mo")

        # the home page's tile leads to the hub's list, where the flag is
        expect(page.get_by_test_id("flags-count")).to_have_text("1")
        page.get_by_test_id("tile-flags").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Patterns to look at")
        expect(page.get_by_test_id("list-total")).to_contain_text("1 open flag")
        row = page.get_by_test_id("flag-row")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Kayden")
        expect(row).to_contain_text("Several concerns from different agencies within six months")
        _check_both_widths(session, "the flags list")

        # the flag: each agency's contribution in time order, every agency named
        row.get_by_test_id("flag-link").click()
        expect(page).to_have_url(re.compile(f"/flags/{flag.pk}/$"))
        events = page.get_by_test_id("flag-event")
        expect(events).to_have_count(3)
        assert [events.nth(i).get_attribute("data-agency") for i in range(3)] == ["police", "police", "health-gp"]
        expect(events.nth(0)).to_contain_text("1 June 2025")
        expect(events.nth(1)).to_contain_text("10 July 2025")
        expect(events.nth(2)).to_contain_text("20 August 2025")
        expect(events.nth(2)).to_contain_text("Riverside GP Practice")
        expect(page.get_by_test_id("flag-rule")).to_contain_text("Three or more events")
        _check_both_widths(session, "the flag")

        # dismissing without a reason: the GOV.UK error summary, and the flag stays open
        page.get_by_test_id("flag-dismiss").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("Enter why you are dismissing this flag")
        expect(page).to_have_title(re.compile(r"^Error: "))
        session.check("the flag with the dismissal error")
        flag.refresh_from_db()
        assert flag.status == FlagStatus.OPEN

        # accepting: a contact about the child, prefilled from the flag
        page.get_by_test_id("flag-accept").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Accept the flag: record a contact")
        expect(page.get_by_label("What is the concern?")).to_have_value(re.compile("Pattern flag accepted by the MASH"))
        _check_both_widths(session, "the accept page")
        # the consent decision is the screener's: nothing is chosen for them
        page.get_by_test_id("accept-submit").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select the consent position")
        page.get_by_label("Consent not sought", exact=True).check()
        page.get_by_label("Why was consent not sought?").select_option("unsafe")
        page.get_by_label("Lawful basis for sharing without consent").select_option("public_task")
        page.get_by_test_id("accept-submit").click()
        expect(page).to_have_url(re.compile(r"/contacts/[0-9a-f-]{36}/$"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Flag accepted")
        flag.refresh_from_db()
        assert flag.status == FlagStatus.ACCEPTED and flag.contact is not None
        assert str(flag.contact.pk) in page.url
        assert not session.errors, session.errors
    finally:
        context.close()
