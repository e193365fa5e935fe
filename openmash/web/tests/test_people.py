"""Finding a child and a child's page."""

from __future__ import annotations

import pytest

from conftest import VALID_NHS


@pytest.fixture
def child(new_contact, screened):
    contact = new_contact()
    screened(contact, outcome="early_help")
    return contact.people.get(role="subject").person


def _search(client, **data):
    return client.post("/people/search/", data)


def test_search_by_name_and_date_of_birth_links_to_the_child(make_actor, login, child):
    client = login(make_actor("screener", "mash"))
    body = _search(
        client, name="Amelia Testchild", date_of_birth_day="2", date_of_birth_month="4", date_of_birth_year="2018"
    ).content.decode()
    assert "1 record found" in body and f'href="/people/{child.pk}/"' in body


def test_search_by_nhs_number_with_spaces(make_actor, login, child):
    body = _search(login(make_actor("screener", "mash")), identifier="943 476 5919").content.decode()
    assert f'href="/people/{child.pk}/"' in body


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        # SR-1: a name alone lists nobody, and the page says what to add
        (
            {"name": "Amelia Testchild"},
            "A name on its own is not enough: add a date of birth, a postcode or an approximate age",
            "#id_date_of_birth",
        ),
        (
            {"name": "Testchild"},
            "A name on its own is not enough: add a date of birth or a postcode",
            "#id_date_of_birth",
        ),
        ({"postcode": "SW1A 1AA"}, "Add a name or a date of birth to search by postcode", "#id_name"),
        (
            {"name": "Testchild", "age": "8"},
            "Enter the first name and the last name to search by approximate age",
            "#id_name",
        ),
        ({"name": "Amelia Testchild", "postcode": "12345"}, "Enter a full UK postcode", "#id_postcode"),
        ({"identifier": "12345"}, "Enter an NHS number with 10 digits", "#id_identifier"),
        (
            {"name": "Amelia", "date_of_birth_day": "40", "date_of_birth_month": "1", "date_of_birth_year": "2018"},
            "Date of birth must be a real date",
            "#id_date_of_birth",
        ),
    ],
)
def test_search_errors(make_actor, login, data, message, anchor):
    response = _search(login(make_actor("screener", "mash")), **data)
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert message in body and f'href="{anchor}"' in body


def test_a_referrer_finds_a_child_but_may_open_only_those_in_their_contacts(make_actor, login, child):
    other_referrer = login(make_actor("referrer", "school-oak"))
    body = _search(
        other_referrer,
        name="Amelia Testchild",
        date_of_birth_day="2",
        date_of_birth_month="4",
        date_of_birth_year="2018",
    ).content.decode()
    assert "Amelia Testchild" in body and f'href="/people/{child.pk}/"' not in body
    assert "You do not have access to this record" in body


def test_the_search_posts_and_puts_nothing_personal_in_the_url(make_actor, login):
    page = login(make_actor("screener", "mash")).get("/people/search/").content.decode()
    assert 'method="post" action="/people/search/"' in page


def test_htmx_search_returns_the_partial(make_actor, login, child):
    response = login(make_actor("screener", "mash")).post(
        "/people/search/", {"identifier": VALID_NHS}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    # The partial, led by a <title> and an out-of-band empty error summary slot, so an earlier error's
    # "Error: " prefix and summary are taken off the page.
    assert body.lstrip().startswith('<title>Find a child – OpenMASH</title>\n<div id="form-errors" hx-swap-oob="true">')
    assert '<div id="person-search">' in body
    assert "<html" not in body


def test_the_hub_sees_details_identifiers_addresses_and_the_chronology_newest_first(make_actor, login, child):
    body = login(make_actor("screener", "mash")).get(f"/people/{child.pk}/").content.decode()
    assert "943 476 5919" in body and "1 High Street" in body and "White British" in body
    assert 'data-testid="chronology"' in body
    assert body.index("Screened: Early help") < body.index("Contact C-")
    assert 'href="/contacts/' in body  # the contact entry links to the contact


def test_a_referrer_sees_their_child_on_their_contact_but_cannot_open_the_record(login, make_actor, new_contact):
    referrer = make_actor("referrer", "police")
    contact = new_contact(actor=referrer)
    person = contact.people.get(role="subject").person
    client = login(referrer)
    assert client.get(f"/people/{person.pk}/").status_code == 404  # issue 5, fault 2
    body = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Amelia Testchild" in body and "2 April 2018" in body  # the details they gave
    assert "943 476 5919" not in body and f"/people/{person.pk}/" not in body


def test_the_page_says_why_each_person_matched_and_lists_exact_matches_first(make_actor, login, new_contact):
    from tests.support import child as child_data

    new_contact(subjects=[child_data("Kayden", "Smith", dob="2018-04-02")], household=[])
    new_contact(subjects=[child_data("Kaden", "Smith", dob="2018-04-02")], household=[])
    body = _search(
        login(make_actor("screener", "mash")),
        name="Kaden Smith",
        date_of_birth_day="2",
        date_of_birth_month="4",
        date_of_birth_year="2018",
    ).content.decode()
    assert "2 records found" in body
    assert body.index(">Kaden Smith<") < body.index(">Kayden Smith<")
    assert "Exact match" in body and "Close match" in body and "First name sounds alike" in body


def test_surname_and_postcode_from_the_page(make_actor, login, child):
    body = _search(login(make_actor("screener", "mash")), name="Testchild", postcode="ex11aa").content.decode()
    assert f'href="/people/{child.pk}/"' in body and "Same postcode" in body


def test_a_upn_typed_in_the_one_identifier_box(make_actor, login, new_contact):
    from openmash.people.identifiers import upn_check_letter
    from tests.support import child as child_data

    upn = upn_check_letter("801200005001") + "801200005001"
    contact = new_contact(subjects=[child_data(identifiers=[{"type": "upn", "value": upn}])], household=[])
    person = contact.people.get(role="subject").person
    body = _search(login(make_actor("screener", "mash")), identifier=upn.lower()).content.decode()
    assert f'data-person="{person.pk}"' in body and "Same UPN" in body


def test_an_approximate_age_with_the_full_name(make_actor, login, child):
    from django.utils import timezone

    from openmash.people.validation import age_on

    age = age_on(child.date_of_birth, timezone.localdate())
    body = _search(login(make_actor("screener", "mash")), name="Amelia Testchild", age=str(age)).content.decode()
    assert f'href="/people/{child.pk}/"' in body and "Age within a year of the age given" in body


def test_a_sibling_relationship_is_listed_once(make_actor, login, new_contact, screened):
    """Practitioner review: siblings were listed twice ("Half-sibling of Maisie" and "Maisie: half-sibling")."""
    from tests.support import child as child_data
    from tests.support import nhs_number

    contact = new_contact(
        subjects=[child_data("Tyler", "Review", nhs=nhs_number()), child_data("Maisie", "Review", nhs=nhs_number())],
        siblings=[{"first": 0, "second": 1, "relationship": "half_sibling"}],
    )
    screened(contact, outcome="early_help")
    tyler = contact.people.get(person__forename="Tyler").person
    page = login(make_actor("screener", "mash")).get(f"/people/{tyler.pk}/").content.decode()
    section = page.split('data-testid="relationships"', 1)[1].split("</ul>", 1)[0]
    assert section.count("Maisie Review") == 1, section
    assert section.count("Dean Testadult") == 1, section  # the household adult, recorded one way, still shown


def test_relationships_read_name_then_role_and_say_when_the_contact_was_received(
    make_actor, login, new_contact, screened
):
    """Practitioner review: "Sibling of Sophie Hewitt" beside "Linda Lees: parent" (one pattern now: "Name, role",
    on the person page and in the family network), and "Asserted by contact …, County Police on <the day it was
    recorded>" (now the day the contact was received)."""
    import datetime as dt

    from django.utils import timezone

    from tests.support import child as child_data
    from tests.support import nhs_number

    received = timezone.now() - dt.timedelta(days=10)
    contact = new_contact(
        received_at=received,
        subjects=[child_data("Tyler", "Review", nhs=nhs_number()), child_data("Maisie", "Review", nhs=nhs_number())],
        siblings=[{"first": 0, "second": 1, "relationship": "half_sibling"}],
        household=[
            {"forename": "Linda", "surname": "Lees", "date_of_birth": "1985-03-01", "sex": "F", "role": "parent_carer"}
        ],
    )
    screened(contact, outcome="early_help")
    tyler = contact.people.get(person__forename="Tyler").person
    linda = contact.people.get(person__forename="Linda").person
    client = login(make_actor("screener", "mash"))
    page = client.get(f"/people/{tyler.pk}/").content.decode()
    section = page.split('data-testid="relationships"', 1)[1].split("</ul>", 1)[0]
    assert "Linda Lees, parent or carer" in section and "Maisie Review, half-sibling" in section, section
    assert " of Maisie" not in section and "Linda Lees:" not in section
    day = timezone.localtime(received)
    assert f"County Police on {day.day} {day:%B %Y}, screened" in section, section
    today = timezone.localtime()
    assert f"on {today.day} {today:%B %Y}" not in section
    adult = client.get(f"/people/{linda.pk}/").content.decode()
    adult_section = adult.split('data-testid="relationships"', 1)[1].split("</ul>", 1)[0]
    assert "Tyler Review, child" in adult_section and "Maisie Review, child" in adult_section, adult_section
    network = client.get(f"/people/{tyler.pk}/network/").content.decode()
    rows = network.split('data-testid="network-table"', 1)[1]
    linda_row = rows.split("Linda Lees", 1)[1].split("</tr>", 1)[0]
    assert "Parent or carer" in linda_row and "The child is their" not in rows


def test_a_search_that_finds_no_one_is_told_what_to_check_by_what_was_searched(make_actor, login, partnership):
    """Practitioner review: a search by NHS number that found no one said "Check the spelling and the date of birth,
    or try the NHS number". The hint now names what was searched, on the search page and intake's first step."""
    from tests.support import nhs_number

    client = login(make_actor("screener", "mash"))
    hint = 'data-testid="search-miss-hint">'

    def said(response) -> str:
        body = response.content.decode()
        assert "No records found" in body, body[:2000]
        return body.split(hint, 1)[1].split("<", 1)[0].replace("&#x27;", "'")

    by_nhs = said(_search(client, identifier=nhs_number()))
    assert by_nhs == "Check the NHS number, or search by name with a date of birth or a postcode.", by_nhs
    by_name = said(
        _search(client, name="Nobody Known", date_of_birth_day="2", date_of_birth_month="4", date_of_birth_year="2018")
    )
    assert by_name == "Check the spelling and the date of birth, or try the NHS number, UPN or PNC ID.", by_name
    by_postcode = said(_search(client, name="Nobody Known", postcode="EX9 9ZZ"))
    assert by_postcode == "Check the spelling and the postcode, or try the NHS number, UPN or PNC ID.", by_postcode
    intake = said(client.post("/contacts/new/", {"action": "search", "identifier": nhs_number()}))
    assert intake == "Check the NHS number, or enter the child's details in the form below.", intake
