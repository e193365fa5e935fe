"""Issue 5, faults 9 to 13 on the pages: the same rules as the API, each error on its own field, GOV.UK pattern."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.contacts.models import Contact
from openmash.people.models import Address, Person
from openmash.web.tests.conftest import contact_form_data, contact_submit


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


def _refused(client, data, anchor, message):
    response = client.post("/contacts/new/", data)
    body = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "<title>Error:" in body
    summary = _summary(body)
    assert f'href="#{anchor}"' in summary, summary
    assert message in summary, summary
    assert Contact.objects.count() == 0
    return body


# --- fault 13: date messages name the problem ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("2", "", "2018", "Date of birth must include a month", ["month"]),
        ("", "", "2018", "Date of birth must include a day and month", ["day", "month"]),
        ("2", "April", "2018", "Month must be a number", ["month"]),
        ("2", "4", "18", "Year must include 4 numbers", ["year"]),
        ("31", "2", "2018", "Date of birth must be a real date", ["day"]),
        ("2", "13", "2018", "Date of birth must be a real date", ["month"]),
    ],
)
def test_find_a_child_date_errors_name_the_problem(make_actor, login, day, month, year, message, highlighted):
    client = login(make_actor("screener", "mash"))
    data = {"name": "Amelia Testchild", "date_of_birth_day": day, "date_of_birth_month": month}
    data["date_of_birth_year"] = year
    body = client.post("/people/search/", data).content.decode()
    assert message in _summary(body) and "<title>Error: Find a child" in body
    boxes = {
        "day": 'id="id_date_of_birth"',
        "month": 'id="id_date_of_birth_month"',
        "year": 'id="id_date_of_birth_year"',
    }
    for part, marker in boxes.items():
        tag = re.search(rf"<input[^>]*{marker}[^>]*>", body).group(0)
        assert ("govuk-input--error" in tag) == (part in highlighted), (part, tag)


def test_find_a_child_date_of_birth_in_the_future_is_refused(make_actor, login):
    # An unborn child is found by their expected date (up to 10 months ahead); two years ahead is nobody's.
    later = timezone.localdate() + dt.timedelta(days=730)
    data = {
        "name": "Amelia Testchild",
        "date_of_birth_day": str(later.day),
        "date_of_birth_month": str(later.month),
        "date_of_birth_year": str(later.year),
    }
    body = login(make_actor("screener", "mash")).post("/people/search/", data).content.decode()
    assert "Date of birth must be in the past" in _summary(body)


def test_htmx_find_a_child_with_a_bad_date_gets_the_whole_error_pattern(make_actor, login):
    """The failing input of fault 13: with JavaScript on, no error summary and no "Error:" title."""
    client = login(make_actor("screener", "mash"))
    data = {"name": "Amelia Testchild", "date_of_birth_day": "2", "date_of_birth_month": "x"}
    data["date_of_birth_year"] = "2018"
    response = client.post("/people/search/", data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main-content" and response["HX-Reselect"] == "#main-content"
    assert "<title>Error: Find a child" in body
    main = body[body.index('id="main-content"') :]
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert "Month must be a number" in _summary(body)


def test_htmx_find_a_child_without_errors_resets_the_title(make_actor, login):
    client = login(make_actor("screener", "mash"))
    response = client.post("/people/search/", {"identifier": "943 476 5919"}, HTTP_HX_REQUEST="true")
    assert "HX-Retarget" not in response
    assert response.content.decode().lstrip().startswith("<title>Find a child – OpenMASH</title>")


# --- fault 9: dates on the intake form ---------------------------------------------------------------------------


def test_intake_subject_child_of_25_years_and_10_days_is_refused(referrer, login):
    dob = timezone.localdate().replace(year=timezone.localdate().year - 25) - dt.timedelta(days=10)
    data = contact_form_data(children_0_dob_day=str(dob.day), children_0_dob_month=str(dob.month))
    data["children-0-dob_year"] = str(dob.year)
    _refused(login(referrer), data, "id_children-0-dob_0", "under 25")


def test_intake_unborn_child_due_three_years_ahead_is_refused(referrer, login):
    edd = timezone.localdate() + dt.timedelta(days=3 * 365)
    data = contact_form_data(
        children_0_unborn="on", children_0_dob_day=str(edd.day), children_0_dob_month=str(edd.month)
    )
    data["children-0-dob_year"] = str(edd.year)
    _refused(login(referrer), data, "id_children-0-dob_0", "within the next 10 months")


def test_intake_parent_younger_than_the_child_is_refused_on_the_parents_date(referrer, login):
    data = contact_form_data(members_0_role="parent_carer", members_0_dob_year="2019")
    _refused(login(referrer), data, "id_members-0-dob_0", "older than the child")


def test_intake_household_member_born_in_the_future_is_refused(referrer, login):
    data = contact_form_data(members_0_dob_year=str(timezone.localdate().year + 1))
    _refused(login(referrer), data, "id_members-0-dob_0", "Date of birth must be today or in the past")


# --- fault 10, 11, 12 on the intake form ------------------------------------------------------------------------


@pytest.mark.parametrize("nhs", ["0000000000", "9999999999"])
def test_intake_placeholder_nhs_number_is_refused_on_its_field(referrer, login, nhs):
    _refused(login(referrer), contact_form_data(children_0_nhs_number=nhs), "id_children-0-nhs_number", "placeholder")


def test_find_a_child_by_a_placeholder_nhs_number_is_refused(make_actor, login):
    body = login(make_actor("screener", "mash")).post("/people/search/", {"identifier": "0000000000"})
    assert "placeholder" in _summary(body.content.decode())


@pytest.mark.parametrize("postcode", ["NOT KNOWN", "12345", "SW1A 1AA;"])
def test_intake_bad_postcode_is_refused_on_its_field(referrer, login, postcode):
    _refused(login(referrer), contact_form_data(children_0_postcode=postcode), "id_children-0-postcode", "UK postcode")


def test_intake_postcode_is_stored_in_canonical_form(referrer, login):
    assert contact_submit(login(referrer), contact_form_data(children_0_postcode=" sw1a1aa ")).status_code == 302
    assert Address.objects.get().postcode == "SW1A 1AA"


def test_intake_no_fixed_abode_is_a_state_not_text(referrer, login):
    data = contact_form_data(
        children_0_address_status="no_fixed_abode",
        children_0_address_line1="",
        children_0_town="",
        children_0_postcode="",
    )
    assert contact_submit(login(referrer), data).status_code == 302
    assert Address.objects.get().status == "no_fixed_abode"


def test_intake_punctuation_only_name_is_refused(referrer, login):
    _refused(
        login(referrer), contact_form_data(children_0_surname="'--'"), "id_children-0-surname", "at least one letter"
    )


def test_intake_control_character_in_a_name_is_refused(referrer, login):
    _refused(login(referrer), contact_form_data(children_0_forename="Ame\x07lia"), "id_children-0-forename", "control")


def test_intake_cleans_invisible_characters_and_keeps_narrative_lines(referrer, login):
    data = contact_form_data(
        children_0_forename="Ame\u200blia",
        narrative="First line\r\n\u202eSecond line\u202c",
    )
    assert contact_submit(login(referrer), data).status_code == 302
    assert Person.objects.get(kind="child").forename == "Amelia"
    assert Contact.objects.get().narrative == "First line\nSecond line"


def test_intake_person_known_by_one_name_and_unnamed_unborn_child(referrer, login):
    edd = timezone.localdate() + dt.timedelta(days=60)
    data = contact_form_data(
        children_0_forename="",
        children_0_surname="",
        children_0_unborn="on",
        children_0_dob_day=str(edd.day),
        children_0_dob_month=str(edd.month),
        children_0_dob_year=str(edd.year),
        members_0_surname="",  # Dean, known by one name
    )
    response = contact_submit(login(referrer), data)
    assert response.status_code == 302, _summary(response.content.decode())
    assert Person.objects.get(kind="unborn").full_name == "Unborn child"
    assert Person.objects.get(kind="adult").full_name == "Dean"
