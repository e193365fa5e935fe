"""The partnership admin imports an agency extract in a real browser: upload, the progress panel polled by htmx
until the import has finished (in a thread of the server, as deployed by default), the report of a bad file;
axe-core on each page and no console (CSP) errors."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

PASSWORD = secrets.token_urlsafe(24)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_uploads_an_extract_and_watches_it_import(
    page, console_errors, live_server, partnership, settings, tmp_path
):
    from openmash.accounts.services import user_create
    from openmash.feeds.bench import extract_write

    settings.OPENMASH_IMPORT_RUNNER = "thread"
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    extract = tmp_path / "police.csv"
    extract_write(extract, rows=3000, seed=3)
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,given_name\nP1,Ann\n")
    user_create(username="pat.admin", password=PASSWORD, agency_code="mash", role="partnership_admin")
    page.goto(live_server.url + "/login/")
    sign_in_with_code(page, "pat.admin", PASSWORD)

    page.goto(live_server.url + "/partnership/imports/")
    assert_accessible(page)
    page.get_by_label("Feed").select_option("standard")
    page.get_by_label("Whose extract is it?").select_option("police")
    page.get_by_label("The extract").set_input_files(str(extract))
    page.get_by_test_id("start-import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of police.csv")
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text("3000 rows imported", timeout=120_000)  # htmx polled the panel until done
    assert_accessible(page)

    page.goto(live_server.url + "/partnership/imports/")
    page.get_by_label("Feed").select_option("standard")
    page.get_by_label("Whose extract is it?").select_option("police")
    page.get_by_label("The extract").set_input_files(str(bad))
    page.get_by_test_id("start-import").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Missing columns: family_name", timeout=60_000)
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
