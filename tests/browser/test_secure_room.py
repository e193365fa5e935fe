"""The secure room in a real browser (issue 7): a health researcher adds two items and uses "Can I share this?" on
each (one error on the way), sharing a sensitive one and refusing the other; a MASH screener sees the first and
only that the GP declined one item; the allocated social worker sees neither until the GP releases the first, then
sees only that one. Every new page is checked with axe-core (no serious or critical violations)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_front_door_flow import PASSWORD, Session, _context, _sign_in, _watch

SHARED = "Known to CAMHS since March: low mood, missed two appointments"
REFUSED = "Attended the sexual health clinic in May"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_share_one_refuse_one_release_one(browser, live_server, partnership):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from tests.support import allocation_open, child, decide, enquiry_open, nhs_number, requests_send, subject_person

    people = {
        "pc.patel": ("police", "referrer", "PC Jane Patel"),
        "sam.screener": ("mash", "screener", "Sam Okafor"),
        "morgan.manager": ("mash", "manager", "Morgan Reid"),
        "gp.researcher": ("health-gp", "researcher", "Nurse Ade Bello"),
        "sw.jones": ("mash", "social_worker", "Rhian Jones"),
    }
    actors = {
        u: actor_for_user(user_create(username=u, password=PASSWORD, agency_code=a, role=r, display_name=n))
        for u, (a, r, n) in people.items()
    }
    enquiry = enquiry_open(
        referrer=actors["pc.patel"],
        screener=actors["sam.screener"],
        subjects=[child(forename="Amelia", surname="Roomchild", nhs=nhs_number())],
    )
    (gp_request,) = requests_send(actors["sam.screener"], enquiry, "health-gp")
    decide(actors["morgan.manager"], enquiry, outcomes=("assessment_s17",), threshold_level=3)
    allocation_open(subject_person(enquiry.contact), actors["sw.jones"])
    contact = enquiry.contact
    base = live_server.url
    contexts = []

    def session_for(who):
        context = _context(browser)
        contexts.append(context)
        page = context.new_page()
        session = Session(who, page)
        _watch(page, session.errors)
        return session

    def add_item(session, text, *, sensitive: bool):
        page = session.page
        page.goto(f"{base}/requests/{gp_request.pk}/")
        page.get_by_test_id("add-item").click()
        session.check("the add-an-item page")
        page.locator("#id_text").fill(text)
        if sensitive:
            page.check("input[name=sensitivity][value=sensitive]")
            page.check("input[name=sensitive_category][value=mental_health]")
        else:
            page.check("input[name=sensitivity][value=standard]")
        page.get_by_test_id("item-submit").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Is there a safeguarding purpose for sharing it?")

    def answer(session, what, choices: dict, fills: dict | None = None):
        page = session.page
        session.check(what)
        for name, value in choices.items():
            page.check(f"input[name={name}][value={value}]")
        for name, value in (fills or {}).items():
            page.locator(f"#id_{name}").fill(value)
        page.get_by_test_id("helper-continue").click()

    try:
        gp = session_for("health researcher")
        page = gp.page
        _sign_in(gp, base, "gp.researcher", "Nurse Ade Bello")
        # the first item: sensitive (mental health), shared through the helper
        add_item(gp, SHARED, sensitive=True)
        page.get_by_test_id("helper-continue").click()  # no answer: the GOV.UK error summary
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select the purpose, or that there is none")
        gp.check("the purpose question with an error")
        answer(gp, "the purpose question", {"purpose": "protect_child"})
        answer(gp, "the urgency question", {"urgent": "no"})
        answer(gp, "the necessity question", {"necessary": "all"}, {"necessity_note": "Low mood bears on the risk"})
        answer(gp, "the consent question", {"consent": "not_sought", "consent_not_sought_reason": "risk_to_child"})
        answer(gp, "the lawful basis question", {"lawful_basis": "public_task", "special_condition": "sch1_para18"})
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your sharing decision")
        expect(page.get_by_test_id("decision-outcome")).to_have_text("Share")
        gp.check("check your sharing decision")
        page.get_by_test_id("record-decision").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("shared with the MASH")
        # the second: not shared (none of it is necessary), with the reason the hub is told
        add_item(gp, REFUSED, sensitive=False)
        answer(gp, "the purpose question", {"purpose": "protect_child"})
        answer(gp, "the urgency question", {"urgent": "no"})
        answer(gp, "the necessity question", {"necessary": "none"})
        answer(gp, "the refusal question", {"refusal_reason": "not_relevant"})
        expect(page.get_by_test_id("decision-outcome")).to_have_text("Do not share")
        page.get_by_test_id("record-decision").click()
        expect(page.get_by_test_id("request-item-state").nth(1)).to_contain_text("Not shared")
        gp.check("the request page with its items")

        screener = session_for("MASH screener")
        _sign_in(screener, base, "sam.screener", "Sam Okafor")
        screener.page.goto(f"{base}/enquiries/{enquiry.pk}/")
        answers = screener.page.get_by_test_id("request-answer")
        expect(answers).to_contain_text(SHARED)
        expect(answers).to_contain_text("declined to share one item: Not relevant to the safeguarding concern")
        expect(answers).not_to_contain_text(REFUSED)
        screener.check("the enquiry page with items")

        worker = session_for("allocated social worker")
        _sign_in(worker, base, "sw.jones", "Rhian Jones")
        worker.page.goto(f"{base}/packs/{contact.pk}/")
        pack = worker.page.get_by_test_id("pack-answers")
        expect(pack).to_contain_text("has not released this item")
        expect(pack).not_to_contain_text(SHARED)
        expect(pack).not_to_contain_text(REFUSED)
        worker.check("the MASH pack before release")

        # the GP releases the shared item
        page.goto(f"{base}/requests/{gp_request.pk}/")
        page.get_by_test_id("item-release").click()
        gp.check("the release page")
        page.check("input[name=outcome][value=share]")
        page.check("input[name=purpose][value=protect_child]")
        page.check("input[name=lawful_basis][value=public_task]")
        page.check("input[name=special_condition][value=sch1_para18]")
        page.check("input[name=consent][value=not_sought]")
        page.check("input[name=consent_not_sought_reason][value=risk_to_child]")
        page.locator("#id_necessity_note").fill("The worker needs it for the assessment")
        page.get_by_test_id("release-submit").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("released")

        worker.page.reload()
        pack = worker.page.get_by_test_id("pack-answers")
        expect(pack).to_contain_text(SHARED)
        expect(pack).not_to_contain_text(REFUSED)
        worker.check("the MASH pack after release")
    finally:
        for context in contexts:
            context.close()
