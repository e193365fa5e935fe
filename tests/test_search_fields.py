"""Search results show exactly the same details on the pages as the API returns, for every role (issue 6: the web
search showed the postcode of people the user had no basis for). Both are built from
access.fields.person_search_fields; this compares what actually comes out of the two."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from openmash.people.identifiers import nhs_number_format
from tests.support import allocation_open, child, enquiry_open, requests_send, subject_person

SEARCHERS = [
    ("referrer", "police"),
    ("referrer", "school-oak"),
    ("researcher", "health-gp"),
    ("researcher", "school-oak"),
    ("screener", "mash"),
    ("manager", "mash"),
    ("social_worker", "mash"),
]
DOB = "2018-04-02"


@pytest.fixture
def world(make_actor):
    """Amelia (in an enquiry that asked the GP, allocated to a social worker) and Oliver (in nobody's basis but the
    hub's), both Testchild born on DOB, at different postcodes."""
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    requests_send(screener, enquiry, "health-gp")
    amelia = subject_person(enquiry.contact)
    worker = make_actor("social_worker", "mash")
    allocation_open(amelia, worker)
    from openmash.contacts.services import contact_create
    from tests.support import payload

    other, _ = contact_create(
        actor=make_actor("referrer", "probation"),
        data=payload(
            subjects=[child("Oliver", "Testchild", dob=DOB, address={"line1": "9 Far Lane", "postcode": "EX2 2BB"})]
        ),
    )
    return {"amelia": amelia, "oliver": subject_person(other), "worker": worker}


def _actor(make_actor, world, role, agency):
    return world["worker"] if role == "social_worker" else make_actor(role, agency)


def _web_rows(html: str) -> dict[str, set[str]]:
    rows = re.findall(
        r'<tr class="govuk-table__row" data-testid="person-result" data-person="([^"]+)">(.*?)</tr>', html, re.S
    )
    return {pid: {f for attr in re.findall(r'data-field="([^"]*)"', body) for f in attr.split()} for pid, body in rows}


#: each child by their given and family name with the date of birth: what lists someone the searcher may not open
#: (access.search; one word of a name with a date lists only people the searcher may open, ADR 0009 addendum 3)
FULL_NAMES = {"amelia": "Amelia Testchild", "oliver": "Oliver Testchild"}


@pytest.mark.parametrize(("role", "agency"), SEARCHERS)
def test_the_page_and_the_api_show_the_same_details_of_each_person_found(make_actor, api, world, role, agency):
    actor = _actor(make_actor, world, role, agency)
    client = Client()
    client.force_login(actor.user)
    for who, name in FULL_NAMES.items():
        body = api(actor).post("/people/search", dict(name=name, date_of_birth=DOB)).json()
        items = {i["id"]: i for i in body["items"]}
        assert set(items) == {str(world[who].pk)}, (role, name)
        born = {"date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "2018"}
        pages = {
            "search": client.post("/people/search/", {"name": name, **born}).content.decode(),
            "intake": client.post("/contacts/new/", {"action": "search", "name": name, **born}).content.decode(),
        }
        for where, html in pages.items():
            rows = _web_rows(html)
            assert set(rows) == set(items), where
            for pid, item in items.items():
                assert rows[pid] == set(item["fields"]), (where, role, pid)
                for field in ("postcode", "nhs_number"):
                    if field not in item["fields"]:
                        assert item[field] is None, (role, field)
        # the details themselves: a postcode or NHS number appears on the page exactly when the API gives it
        for item in items.values():
            person = world[who]
            postcode = person.addresses.first().postcode
            nhs = person.identifiers.filter(identifier_type="nhs_number").first()
            for html in pages.values():
                assert (postcode in html) == (item["postcode"] == postcode), (role, postcode)
                if nhs:
                    formatted = nhs_number_format(nhs.value)
                    assert (formatted in html) == (item["nhs_number"] == formatted), (role, formatted)


def test_who_sees_what_in_search_results(make_actor, api, world):
    """The rule itself: someone the searcher has no basis for shows names, date of birth and sex only."""

    def fields(role, agency):
        actor = _actor(make_actor, world, role, agency)
        out = {}
        for name in FULL_NAMES.values():
            body = api(actor).post("/people/search", dict(name=name, date_of_birth=DOB)).json()
            out |= {i["forename"]: set(i["fields"]) for i in body["items"]}
        return out

    basic = {"kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex"}
    full = basic | {"postcode", "nhs_number"}
    assert fields("referrer", "police") == {"Amelia": basic, "Oliver": basic}  # recording grants no sight
    assert fields("researcher", "health-gp") == {"Amelia": full, "Oliver": basic}  # asked about Amelia only
    assert fields("researcher", "school-oak") == {"Amelia": basic, "Oliver": basic}
    assert fields("social_worker", "mash") == {"Amelia": full, "Oliver": basic}  # allocated Amelia
    assert fields("screener", "mash") == {"Amelia": full, "Oliver": full}
    value = world["amelia"].identifiers.get(identifier_type="nhs_number").value
    found = api(make_actor("screener", "mash")).post("/people/search", dict(identifier=value)).json()["items"]
    assert [i["nhs_number"] for i in found] == [nhs_number_format(value)]
