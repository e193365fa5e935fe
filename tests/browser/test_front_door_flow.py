"""The whole front door in a real browser, each person signing in through the login page in their own browser.

police referrer records a contact -> MASH screener screens it to an amber MASH enquiry and asks health and
education -> each agency researcher answers from their own inbox -> MASH manager decides a child and family
assessment -> the referrer signs in again and reads the outcome in plain words.

Every page on the way is checked with axe-core (no serious or critical violation), for console errors (a CSP
violation is logged as one, and is also reported by a `securitypolicyviolation` listener) and for GOV.UK Frontend
having started: the nonce'd inline script adds `govuk-frontend-supported` to <body> and the nonce'd module script
runs `initAll()`, which marks each component `data-<module>-init`. A broken CSP nonce fails all three.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.signin import sign_in_with_code

TIMEOUT_MS = 10_000  # as the conftest's `page` fixture
# Made at run time (no credential in git); 22+ URL-safe characters pass the partnership's password validators.
PASSWORD = secrets.token_urlsafe(24)
NARRATIVE = "Amelia told her teacher that Dean hit her with a belt. <script>alert(1)</script> Bruising seen on her arm."
SCRIPT_TEXT = "<script>alert(1)</script>"
SCREENING_RATIONALE = "Disclosure of physical abuse by an adult in the household; partner checks needed."
GP_SUMMARY = "Amelia was seen at the surgery in March with a bruised wrist; the explanation was inconsistent."
DECISION_RATIONALE = "Health information corroborates the disclosure; the child's needs must be assessed."
OUTCOME_LABEL = "Child and family assessment (s17)"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Runs before any page script, in every document: turns each CSP violation into a console error even if the
# browser itself stopped logging them.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code'));
});
"""


@dataclass
class Session:
    """One person's browser: their own context (cookies), page and the console errors seen in it."""

    who: str
    page: Page
    errors: list[str] = field(default_factory=list)

    def check(self, what: str) -> None:
        """The page as it is now: GOV.UK JS started (so the CSP nonces work), accessible, no console errors."""
        page = self.page
        expect(page.locator("body"), f"{self.who}: GOV.UK JS not supported on {what}").to_have_class(
            re.compile(r"\bgovuk-frontend-supported\b")
        )
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), what
        # initAll() ran: it is in the nonce'd <script type="module">, so this fails if that nonce is wrong.
        expect(page.locator('[data-module="govuk-skip-link"]')).to_have_attribute("data-govuk-skip-link-init", "")
        assert_accessible(page)
        assert self.errors == [], f"{self.who}: console errors on {what} ({page.url}): {self.errors}"


def _watch(page: Page, errors: list[str]) -> None:
    """Collect console errors and uncaught exceptions, as the conftest's `console_errors` does for `page`."""
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _watch_dialogs(page, errors)


def _watch_dialogs(page: Page, errors: list[str]) -> None:
    """Any dialog is an error: an executed alert(1) would open one."""

    def _dialog(dialog) -> None:
        errors.append(f"unexpected {dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", _dialog)


def _context(browser) -> BrowserContext:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    return context


def _sign_in(session: Session, base_url: str, username: str, shown_as: str) -> None:
    """Through the login page, as a person would: the home page sends an anonymous visitor there."""
    page = session.page
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to OpenMASH")
    session.check("the sign-in page")
    sign_in_with_code(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.get_by_role("region", name="Service information")).to_contain_text(f"Signed in as {shown_as}")
    session.check(f"{username}'s home page")


def _nav(page: Page, label: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=label)


def _escaped_narrative(page: Page) -> None:
    """The narrative's <script> is shown as text: no element was made from it."""
    narrative = page.get_by_test_id("narrative")
    expect(narrative).to_contain_text(SCRIPT_TEXT)
    expect(narrative.locator("script")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_front_door_from_concern_to_decision(browser, page, console_errors, live_server, partnership):
    from openmash.accounts.services import user_create
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import Decision, Referral

    base = live_server.url
    people = {
        "pc.patel": ("police", "referrer", "PC Jane Patel", "Police constable"),
        "sam.screener": ("mash", "screener", "Sam Okafor", "MASH screener"),
        "morgan.manager": ("mash", "manager", "Morgan Reid", "MASH team manager"),
        "gp.researcher": ("health-gp", "researcher", "Dr Priya Shah", "Safeguarding lead GP"),
        "school.researcher": ("school-oak", "researcher", "Alex Turner", "Designated safeguarding lead"),
    }
    for username, (agency, role, name, title) in people.items():
        user_create(
            username=username, password=PASSWORD, agency_code=agency, role=role, display_name=name, job_title=title
        )

    contexts: list[BrowserContext] = []

    def session_for(who: str) -> Session:
        context = _context(browser)
        contexts.append(context)
        new_page = context.new_page()
        session = Session(who, new_page)
        _watch(new_page, session.errors)
        return session

    try:
        # --- 1. The police referrer records a contact about a new child ------------------------------------------
        page.context.add_init_script(CSP_LISTENER)
        _watch_dialogs(page, console_errors)
        referrer = Session("police referrer", page, console_errors)
        _sign_in(referrer, base, "pc.patel", "PC Jane Patel")
        expect(page.get_by_text("You have not recorded any contacts yet.")).to_be_visible()

        page.get_by_test_id("raise-concern").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Record a concern about a child")
        assert page.evaluate("typeof window.htmx") == "object", "htmx did not load (CSP nonce?)"
        referrer.check("the contact form")

        # Search first (htmx swaps the results in): the child is not known.
        search = page.get_by_test_id("child-search-form")
        search.get_by_label("NHS number").fill("943 476 5919")
        page.get_by_test_id("child-search").click()
        expect(page.locator("#search-results").get_by_role("heading")).to_have_text("No records found")

        form = page.get_by_test_id("contact-form")
        # A household member, the alleged perpetrator.
        member = form.get_by_test_id("member-0")
        member.locator("[name=members-0-forename]").fill("Dean")
        member.locator("[name=members-0-surname]").fill("Testadult")
        member.locator("[name=members-0-dob_day]").fill("1")
        member.locator("[name=members-0-dob_month]").fill("1")
        member.locator("[name=members-0-dob_year]").fill("1988")
        member.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
        member.locator("[name=members-0-role]").select_option(label="Alleged perpetrator")
        # A second adult, added with "Add another person" (htmx swaps in the new boxes, keeping what was typed).
        form.get_by_test_id("add-member").click()
        expect(form.locator("[name=members-1-forename]")).to_be_visible()
        expect(member.locator("[name=members-0-forename]")).to_have_value("Dean")
        form.locator("[name=members-1-forename]").fill("Sara")
        form.locator("[name=members-1-surname]").fill("Testadult")
        form.get_by_test_id("member-1").get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
        form.locator("[name=members-1-role]").select_option(label="Parent or carer")
        # The concern.
        form.get_by_label("Domestic abuse: child", exact=True).check()
        form.get_by_label("Physical abuse: adult on child", exact=True).check()
        form.get_by_label("Describe the concern", exact=True).fill(NARRATIVE)
        form.get_by_role("group", name="Is the child at immediate risk of harm?").get_by_label("No", exact=True).check()
        form.get_by_role("group", name="Does the family know about this contact?").get_by_label(
            "No", exact=True
        ).check()
        form.get_by_label("Consent not sought", exact=True).check()
        form.get_by_label("Why was consent not sought?").select_option("unsafe")
        # sharing without consent is a recorded decision: its lawful basis (ADR 0016)
        form.get_by_label("Lawful basis for sharing without consent").select_option("public_task")

        # Submitted without a child: the GOV.UK error summary says so, and nothing is recorded.
        page.get_by_test_id("submit-contact").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("There is a problem")
        expect(summary.get_by_role("link").first).to_have_attribute("href", "#id_children-0-forename")
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(form.get_by_label("Describe the concern", exact=True)).to_have_value(NARRATIVE)
        assert Contact.objects.count() == 0
        referrer.check("the contact form with errors")

        # The child, new to the system.
        child = form.get_by_test_id("child-0")
        child.locator("[name=children-0-forename]").fill("Amelia")
        child.locator("[name=children-0-surname]").fill("Testchild")
        child.locator("[name=children-0-dob_day]").fill("2")
        child.locator("[name=children-0-dob_month]").fill("4")
        child.locator("[name=children-0-dob_year]").fill("2018")
        child.get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
        child.locator("[name=children-0-nhs_number]").fill("943 476 5919")
        child.locator("[name=children-0-school]").select_option(label="Oakfield Primary School")
        page.get_by_test_id("submit-contact").click()

        # Check your answers, then send.
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the contact")
        expect(page.get_by_test_id("check-child-0")).to_contain_text("Amelia Testchild")
        expect(page.get_by_test_id("check-members")).to_contain_text("Sara Testadult")
        _escaped_narrative(page)
        assert Contact.objects.count() == 0
        referrer.check("the check your answers page")
        page.get_by_test_id("send-contact").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Contact recorded")
        reference = page.get_by_test_id("contact-reference").inner_text().strip()
        assert re.fullmatch(r"C-\w+", reference), reference
        # The referrer learns only that it was received (never whether the child has an allocated worker).
        expect(page.get_by_test_id("outcome")).to_contain_text(
            "Your contact has been received by children's social care."
        )
        _escaped_narrative(page)
        referrer.check("the confirmation page")
        contact_url = page.url
        assert re.search(rf"/contacts/{UUID}/$", contact_url), contact_url

        # Amended before screening: the police incident reference is added; the history keeps the change.
        page.get_by_test_id("amend-contact").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add to this contact")
        referrer.check("the amend page")
        amend = page.get_by_test_id("amend-da")
        amend.get_by_label("Police incident reference").fill("DA/2026/0099")
        amend.get_by_role("button", name="Save the domestic abuse details").click()
        expect(page.get_by_role("alert")).to_contain_text(f"Contact {reference} amended")
        expect(page.get_by_test_id("change-history")).to_contain_text("DA/2026/0099")
        referrer.check("the contact page after an amendment")

        # --- 2. The MASH screener screens it to an amber MASH enquiry --------------------------------------------
        screener = session_for("MASH screener")
        _sign_in(screener, base, "sam.screener", "Sam Okafor")
        sp = screener.page
        expect(sp.get_by_test_id("awaiting-count")).to_have_text("1")
        _nav(sp, "Screening queue").click()
        expect(sp.get_by_role("heading", level=1)).to_have_text("Screening queue")
        queue = sp.get_by_test_id("screening-queue")
        expect(queue.get_by_role("row")).to_have_count(2)  # the header and our contact
        expect(queue).to_contain_text("Amelia Testchild")
        expect(queue).to_contain_text("County Police")
        screener.check("the screening queue")

        sp.get_by_test_id("screen-link").filter(has_text=reference).click()
        expect(sp.get_by_role("heading", level=1)).to_have_text("Screen this contact")
        _escaped_narrative(sp)
        screener.check("the screening form")
        outcome = sp.get_by_role("group", name="What should happen next?")
        outcome.get_by_label("Progress to MASH enquiry").check()
        sp.get_by_role("group", name="How urgent are the multi-agency checks?").get_by_label("Amber").check()
        sp.get_by_label("Rationale for the screening decision").fill(SCREENING_RATIONALE)
        sp.get_by_test_id("screen-submit").click()

        expect(sp).to_have_url(re.compile(rf"/enquiries/{UUID}/$"))
        enquiry_url = sp.url
        expect(sp.get_by_role("alert")).to_contain_text(
            f"Contact {reference} screened: MASH enquiry opened, rated Amber"
        )
        expect(sp.get_by_test_id("enquiry-rag")).to_have_text("Amber")
        expect(sp.get_by_role("heading", level=1)).to_have_text(f"Contact {reference}")
        screener.check("the enquiry page")

        # --- 3. The screener asks health and education --------------------------------------------------------
        ask = sp.get_by_test_id("request-form")
        ask.get_by_label("Riverside GP Practice", exact=True).check()  # not "Question for Riverside GP Practice"
        ask.get_by_label("Oakfield Primary School", exact=True).check()
        sp.get_by_test_id("request-submit").click()
        expect(sp.get_by_role("alert")).to_contain_text("Information requested from")
        requests_table = sp.get_by_test_id("agency-requests")
        expect(requests_table).to_contain_text("0 of 2 agencies answered")
        expect(requests_table).to_contain_text("Riverside GP Practice")
        expect(requests_table).to_contain_text("Oakfield Primary School")
        screener.check("the enquiry page with requests sent")

        # --- 4. Each researcher sees their own agency's request, and not the other's ----------------------------
        gp = session_for("health researcher")
        _sign_in(gp, base, "gp.researcher", "Dr Priya Shah")
        school = session_for("education researcher")
        _sign_in(school, base, "school.researcher", "Alex Turner")
        hrefs = {}
        for session, agency in ((gp, "Riverside GP Practice"), (school, "Oakfield Primary School")):
            rp = session.page
            expect(rp.get_by_test_id("inbox-count")).to_have_text("1")
            _nav(rp, "Information requests").click()
            expect(rp.get_by_role("heading", level=1)).to_have_text("Information requests")
            expect(rp.get_by_text(agency, exact=True)).to_be_visible()  # the caption above the heading
            links = rp.get_by_test_id("request-link")
            expect(links).to_have_count(1)
            expect(links).to_contain_text(reference)
            expect(rp.get_by_test_id("request-inbox")).to_contain_text("Amelia Testchild")
            session.check(f"{agency}'s inbox")
            hrefs[session.who] = links.get_attribute("href")
        assert hrefs["health researcher"] != hrefs["education researcher"], hrefs
        # The other agency's request is not there for them even by its address (the API client shares cookies).
        assert gp.page.request.get(base + hrefs["education researcher"]).status == 404
        assert school.page.request.get(base + hrefs["health researcher"]).status == 404

        # Health holds information: a summary and a risk indicator.
        gpp = gp.page
        gpp.get_by_test_id("request-link").click()
        expect(gpp.get_by_text("Information request to Riverside GP Practice")).to_be_visible()
        expect(gpp.get_by_test_id("request-subjects")).to_contain_text("Amelia Testchild")
        expect(gpp.get_by_test_id("request-subjects")).to_contain_text("943 476 5919")
        gp.check("the response form (health)")
        gpp.get_by_label("Yes, we hold information").check()
        gpp.get_by_label("Summary of what your agency knows").fill(GP_SUMMARY)
        gpp.get_by_role("group", name="Risk indicators").get_by_label("Injury", exact=True).check()
        gpp.get_by_test_id("response-submit").click()
        expect(gpp.get_by_role("alert")).to_contain_text(f"Response sent to the MASH for {reference}.")
        expect(gpp.get_by_text("There are no requests waiting for your agency's response.")).to_be_visible()
        gp.check("the health inbox after responding")

        # Education holds nothing.
        scp = school.page
        scp.get_by_test_id("request-link").click()
        expect(scp.get_by_text("Information request to Oakfield Primary School")).to_be_visible()
        school.check("the response form (education)")
        scp.get_by_label("No information held").check()
        scp.get_by_test_id("response-submit").click()
        expect(scp.get_by_role("alert")).to_contain_text(f"Response sent to the MASH for {reference}.")
        school.check("the education inbox after responding")

        # --- 5. The MASH manager reads both answers and decides --------------------------------------------------
        manager = session_for("MASH manager")
        _sign_in(manager, base, "morgan.manager", "Morgan Reid")
        mp = manager.page
        _nav(mp, "Enquiries").click()
        expect(mp.get_by_role("heading", level=1)).to_have_text("MASH enquiries")
        mp.get_by_test_id("enquiry-list").get_by_role("link", name=reference, exact=True).click()
        expect(mp).to_have_url(enquiry_url)
        answers = mp.get_by_test_id("agency-requests")
        expect(answers).to_contain_text("2 of 2 agencies answered")
        gp_row = answers.get_by_role("row").filter(has_text="Riverside GP Practice")
        expect(gp_row).to_contain_text(GP_SUMMARY)
        expect(gp_row).to_contain_text("Injury")
        expect(answers.get_by_role("row").filter(has_text="Oakfield Primary School")).to_contain_text(
            "No information held"
        )
        manager.check("the enquiry page with both responses")

        decide = mp.get_by_test_id("decision-form")
        decide.get_by_label(OUTCOME_LABEL).check()
        decide.get_by_label("Level 3: Complex needs").check()
        decide.get_by_label("Rationale for the decision").fill(DECISION_RATIONALE)
        mp.get_by_test_id("decision-submit").click()
        expect(mp.get_by_role("alert")).to_contain_text("Decision recorded.")
        decision = mp.get_by_test_id("decision-summary")
        expect(decision).to_contain_text(OUTCOME_LABEL)
        expect(decision).to_contain_text("Level 3: Complex needs")
        expect(decision).to_contain_text(DECISION_RATIONALE)
        expect(mp.get_by_test_id("enquiry-status")).to_have_text("Decided")
        manager.check("the decided enquiry")

        # --- 6. The referrer signs in again and reads the outcome in plain words ---------------------------------
        again = session_for("police referrer, signed in again")
        _sign_in(again, base, "pc.patel", "PC Jane Patel")
        ap = again.page
        notice = ap.get_by_test_id("notifications").get_by_role("link", name=f"Contact {reference} has an outcome")
        expect(notice).to_be_visible()
        expect(ap.get_by_test_id("my-contacts")).to_contain_text(OUTCOME_LABEL)
        notice.click()
        expect(ap).to_have_url(contact_url)
        expect(ap.get_by_test_id("contact-reference")).to_have_text(reference)
        outcome_panel = ap.get_by_test_id("outcome")
        expect(outcome_panel).to_contain_text("The MASH manager has decided what happens next.")
        expect(outcome_panel).to_contain_text(OUTCOME_LABEL)
        # The hub's reasoning stays with the hub.
        expect(ap.get_by_text(DECISION_RATIONALE)).to_have_count(0)
        expect(ap.get_by_text(SCREENING_RATIONALE)).to_have_count(0)
        _escaped_narrative(ap)
        again.check("the referrer's contact page")
    finally:
        for context in contexts:
            context.close()

    # --- 7. What was recorded (read through the models) -----------------------------------------------------------
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert contact.reference == reference
    assert contact.narrative == NARRATIVE
    assert (contact.consent, contact.consent_not_sought_reason, contact.consent_lawful_basis) == (
        "not_sought",
        "unsafe",
        "public_task",
    )
    assert Decision.objects.count() == 1
    assert Decision.objects.get().outcomes == ["assessment_s17"]
    assert Referral.objects.count() == 1
    assert Referral.objects.get().contact_id == contact.pk
