"""Practitioner review of issue 6, findings 7 and 19: the hub is warned of work already in hand for a child it picks
at intake on the check-your-answers page, *before* sending ("MASH" in capitals); a referrer is never told of the
hub's work (issue 5, fault 6); the related-work block's heading agrees in number with the children."""

from __future__ import annotations

import re

import pytest

from openmash.web.tests.conftest import contact_form_data
from tests.support import child, contact_record, nhs_number, screen, subject_person

pytestmark = pytest.mark.django_db


def _check_page(client, found) -> str:
    """Pick `person` as child 1 on the intake form, continue, and return the check-your-answers page."""
    client.get("/contacts/new/")
    typed = contact_form_data(
        children_0_forename="",
        children_0_surname="",
        children_0_dob_day="",
        children_0_dob_month="",
        children_0_dob_year="",
        children_0_nhs_number="",
        children_0_address_line1="",
        children_0_town="",
        children_0_postcode="",
    )
    person, nhs = found
    # a search finds the child first: by name and date of birth, which lists a child the searcher may not open
    # (access.search; a number alone lists nobody a referrer may not open: ADR 0009 addendum 3)
    by_name = {"name": "Liam Gill", "date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "2018"}
    client.post("/contacts/new/", {**typed, "action": "search", **by_name})
    typed["action"] = f"select:{person.pk}"
    client.post("/contacts/new/", {**typed, **by_name})
    typed["children-0-person_id"] = str(person.pk)
    typed["action"] = "submit"
    typed["members-0-match"] = "new"
    response = client.post("/contacts/new/", typed)
    assert response.status_code == 302, re.findall(
        r"govuk-error-summary__list.*?</ul>", response.content.decode(), re.S
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def in_enquiry(make_actor):
    police, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    nhs = nhs_number()
    contact = contact_record(police, subjects=[child("Liam", "Gill", nhs=nhs)])
    screen(screener, contact)
    return subject_person(contact), nhs


def test_the_hub_is_warned_of_an_open_enquiry_before_sending(make_actor, login, in_enquiry):
    page = _check_page(login(make_actor("screener", "mash")), in_enquiry)
    assert 'data-testid="related-work-before-sending"' in page
    assert "Child 1: in an open MASH enquiry: contact " in page
    assert "in an open mash enquiry" not in page


def test_a_referrer_is_not_told_of_the_hubs_work_before_sending(make_actor, login, in_enquiry):
    page = _check_page(login(make_actor("referrer", "school-oak")), in_enquiry)
    assert "enquiry" not in page.lower().split("check your answers before sending the contact</h1>")[1].split("<h2")[0]
    assert 'data-testid="related-work-before-sending"' not in page


def test_the_related_work_heading_agrees_with_the_number_of_children(make_actor, login):
    from django.template.loader import render_to_string

    from openmash.enquiries.related import RelatedItem

    two_items = [RelatedItem(kind="open_case"), RelatedItem(kind="open_case")]
    one_child = render_to_string("web/includes/related_work.html", {"related": two_items, "children": 1})
    assert "Work already in hand for this child" in one_child and "Check these before" in one_child
    two_children = render_to_string("web/includes/related_work.html", {"related": two_items[:1], "children": 2})
    assert "Work already in hand for these children" in two_children and "Check this before" in two_children


def test_the_check_page_shows_the_nhs_number_as_people_read_it(make_actor, login):
    """Finding 18: "9993141593" on check your answers; shown 999 314 1593 as everywhere else."""
    from conftest import VALID_NHS

    client = login(make_actor("referrer", "police"))
    client.get("/contacts/new/")
    typed = contact_form_data(children_0_nhs_number=VALID_NHS)
    typed["members-0-match"] = "new"
    response = client.post("/contacts/new/", typed)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    spaced = f"{VALID_NHS[:3]} {VALID_NHS[3:6]} {VALID_NHS[6:]}"
    assert f"NHS number {spaced}" in page and VALID_NHS not in page


def test_a_child_named_twice_is_listed_once_on_the_check_page(make_actor, login):
    """Finding 6: the page said child 3 is child 2 "recorded once" yet listed child 3 in full with Change links and
    asked how child 2 and child 3 are related."""
    client = login(make_actor("referrer", "police"))
    client.get("/contacts/new/")
    tia = {"forename": "Tia", "surname": "Roberts", "dob_day": "5", "dob_month": "6", "dob_year": "2016", "sex": "F"}
    typed = contact_form_data(
        **{f"children_{n}_{k}": v for n in (1, 2) for k, v in tia.items()},
        children_1_person_id="",
        children_2_person_id="",
    )
    typed["members-0-match"] = "new"
    response = client.post("/contacts/new/", typed)
    assert response.status_code == 302, re.findall(
        r"govuk-error-summary__list.*?</ul>", response.content.decode(), re.S
    )
    page = client.get(response["Location"]).content.decode()
    assert "Child 3 is the same person as Child 2" in page
    third = page.split('data-testid="check-child-2"')[1].split("</dl>")[0]
    assert "The same child as child 2" in third and third.count("Change<") == 1
    assert "child 3 (Tia Roberts)" not in page and "Tia Roberts) and child 3" not in page
    assert "How are child 1 (Amelia Testchild) and child 2 (Tia Roberts) related?" in page
