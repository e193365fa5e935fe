"""Who may open which page: anonymous -> sign in; no role -> 403; other agency / not theirs -> 404 (as missing)."""

from __future__ import annotations

import pytest

from openmash.accounts.models import Membership


@pytest.fixture
def world(make_actor, new_contact, screened, asked):
    """One contact from a police referrer, screened into an enquiry, with requests to health and the school."""
    referrer = make_actor("referrer", "police")
    contact = new_contact(actor=referrer)
    enquiry = screened(contact)
    requests = {r.agency.code: r for r in asked(enquiry)}
    person_id = contact.people.get(role="subject").person_id
    return {
        "referrer": referrer,
        "contact": contact,
        "enquiry": enquiry,
        "requests": requests,
        "person_id": person_id,
    }


def _urls(w) -> dict[str, str]:
    return {
        "home": "/",
        "contact_new": "/contacts/new/",
        "contact_detail": f"/contacts/{w['contact'].pk}/",
        "contact_screen": f"/contacts/{w['contact'].pk}/screen/",
        "screening_queue": "/screening/",
        "enquiry_list": "/enquiries/",
        "enquiry_detail": f"/enquiries/{w['enquiry'].pk}/",
        "request_inbox": "/requests/",
        "request_detail": f"/requests/{w['requests']['health-gp'].pk}/",
        "person_search": "/people/search/",
        "person_detail": f"/people/{w['person_id']}/",
        "contact_check": "/contacts/new/check/",
        "contact_amend": f"/contacts/{w['contact'].pk}/amend/",
        "contact_person_change": f"/contacts/{w['contact'].pk}/named/{w['contact'].people.get(role='subject').pk}/change/",
        "encompass_notices": "/school-notices/",
    }


PAGES = [
    "home",
    "contact_new",
    "contact_detail",
    "contact_screen",
    "screening_queue",
    "enquiry_list",
    "enquiry_detail",
    "request_inbox",
    "request_detail",
    "person_search",
    "person_detail",
    "contact_check",
    "contact_amend",
    "contact_person_change",
    "encompass_notices",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, world, page):
    url = _urls(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_posts_from_anonymous_users_change_nothing(client, world):
    from openmash.enquiries.models import Screening

    response = client.post(f"/contacts/{world['contact'].pk}/screen/", {"outcome": "nfa_advice", "rationale": "x"})
    assert response.status_code == 302
    assert not Screening.objects.filter(contact=world["contact"]).exclude(outcome="mash_enquiry").exists()


@pytest.mark.parametrize("page", ["home", "contact_new", "screening_queue", "contact_detail"])
def test_a_user_without_an_active_role_gets_403(make_actor, login, world, page):
    actor = make_actor("screener", "mash")
    # No service deactivates a membership yet; the test switches it off directly.
    Membership.objects.filter(user=actor.user).update(active=False)
    response = login(actor).get(_urls(world)[page])
    assert response.status_code == 403
    assert "no active role" in response.content.decode()


PERMITTED = [
    ("screener", "mash", "home"),
    ("screener", "mash", "contact_new"),
    ("screener", "mash", "contact_detail"),
    ("screener", "mash", "contact_screen"),
    ("screener", "mash", "screening_queue"),
    ("screener", "mash", "enquiry_list"),
    ("screener", "mash", "enquiry_detail"),
    ("screener", "mash", "person_search"),
    ("screener", "mash", "person_detail"),
    ("manager", "mash", "enquiry_detail"),
    ("manager", "mash", "home"),
    ("researcher", "health-gp", "home"),
    ("researcher", "health-gp", "request_inbox"),
    ("researcher", "health-gp", "request_detail"),
    ("researcher", "health-gp", "contact_new"),
    ("referrer", "school-oak", "home"),
    ("referrer", "school-oak", "contact_new"),
    ("referrer", "school-oak", "person_search"),
    ("researcher", "health-gp", "person_search"),
    ("social_worker", "mash", "home"),
    ("partnership_admin", "mash", "home"),
    ("auditor", "mash", "home"),
    # the contact is screened: the hub corrects people's details (with a reason), nobody amends it any more
    ("screener", "mash", "contact_person_change"),
    ("manager", "mash", "contact_person_change"),
    ("referrer", "school-oak", "encompass_notices"),
    ("researcher", "school-oak", "encompass_notices"),
    ("screener", "mash", "encompass_notices"),
]


@pytest.mark.parametrize(("role", "agency", "page"), PERMITTED)
def test_each_page_renders_for_a_permitted_role(make_actor, login, world, role, agency, page):
    response = login(make_actor(role, agency)).get(_urls(world)[page])
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-template" in body
    assert "<title>" in body and "Error:" not in body.split("</title>")[0]


def test_the_referrer_who_recorded_a_contact_can_open_it_but_not_the_childs_record(login, world):
    client = login(world["referrer"])
    assert client.get(_urls(world)["contact_detail"]).status_code == 200
    # Recording a contact gives what a referrer sees of their own contact, not the record (issue 5, fault 2).
    assert client.get(_urls(world)["person_detail"]).status_code == 404


NOT_FOUND = [
    ("referrer", "police", "contact_detail"),  # another police officer's contact
    ("referrer", "school-oak", "person_detail"),  # a child not in any of their contacts
    ("researcher", "school-oak", "request_detail"),  # the GP's request, opened by the school
    ("researcher", "probation", "request_detail"),  # an agency that was not asked
    ("researcher", "health-gp", "contact_detail"),
    ("social_worker", "mash", "contact_detail"),  # not routed to them
    ("researcher", "health-gp", "enquiry_detail"),
    ("referrer", "police", "contact_amend"),  # another police officer's contact
    ("researcher", "health-gp", "contact_person_change"),
]


@pytest.mark.parametrize(("role", "agency", "page"), NOT_FOUND)
def test_records_another_user_may_not_see_answer_404(make_actor, login, world, role, agency, page):
    response = login(make_actor(role, agency)).get(_urls(world)[page])
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert world["contact"].reference not in response.content.decode()


def test_a_malformed_or_unknown_id_is_404(make_actor, login):
    client = login(make_actor("screener", "mash"))
    assert client.get("/contacts/not-a-uuid/").status_code == 404
    assert client.get("/contacts/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/enquiries/00000000-0000-0000-0000-000000000000/").status_code == 404


FORBIDDEN = [
    ("referrer", "police", "screening_queue"),
    ("referrer", "police", "contact_screen"),
    ("referrer", "police", "enquiry_list"),
    ("researcher", "health-gp", "screening_queue"),
    ("partnership_admin", "mash", "contact_new"),
    ("auditor", "mash", "person_search"),
    ("screener", "mash", "request_inbox"),
    ("partnership_admin", "mash", "contact_amend"),
    ("referrer", "police", "encompass_notices"),  # not a school
    ("researcher", "health-gp", "encompass_notices"),
    ("auditor", "mash", "encompass_notices"),
]


def test_after_screening_the_recorder_can_no_longer_change_people(login, world, make_actor):
    """Practitioner review: a screened contact is a state, not a role problem: 409 with what to do instead."""
    client = login(world["referrer"])
    for page in ("contact_amend", "contact_person_change"):
        response = client.get(_urls(world)[page])
        assert response.status_code == 409 and "This contact is already being dealt with" in response.content.decode()
    hub = login(make_actor("screener", "mash")).get(_urls(world)["contact_amend"])
    assert hub.status_code == 409  # screened: no more amendments, only corrections
    page = client.get(_urls(world)["contact_detail"]).content.decode()
    assert 'data-testid="amend-contact"' not in page and "/change/" not in page


@pytest.mark.parametrize(("role", "agency", "page"), FORBIDDEN)
def test_actions_the_role_may_not_take_answer_403(make_actor, login, world, role, agency, page):
    response = login(make_actor(role, agency)).get(_urls(world)[page])
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()


def test_a_screener_cannot_decide_and_nothing_is_written(make_actor, login, world):
    from openmash.enquiries.models import Decision

    response = login(make_actor("screener", "mash")).post(
        f"/enquiries/{world['enquiry'].pk}/decision/",
        {"outcomes": ["nfa"], "threshold_level": "1", "rationale": "No"},
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_researcher_cannot_answer_another_agencys_request(make_actor, login, world):
    from openmash.enquiries.models import AgencyResponse

    request = world["requests"]["health-gp"]
    response = login(make_actor("researcher", "school-oak")).post(
        f"/requests/{request.pk}/", {"information_held": "no"}
    )
    assert response.status_code == 404
    assert not AgencyResponse.objects.exists()


def test_navigation_offers_only_what_the_role_may_do(make_actor, login, world):
    researcher = login(make_actor("researcher", "health-gp")).get("/").content.decode()
    assert 'href="/requests/"' in researcher
    assert 'href="/screening/"' not in researcher and 'href="/enquiries/"' not in researcher
    screener = login(make_actor("screener", "mash")).get("/").content.decode()
    assert 'href="/screening/"' in screener and 'href="/enquiries/"' in screener
    assert 'href="/requests/"' not in screener
