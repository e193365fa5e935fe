"""Issue 5, faults 9 to 12, through the API (each failing input from the issue is kept here)."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import VALID_NHS, contact_payload
from openmash.contacts.models import Contact
from openmash.partnership.models import PartnershipSettings
from openmash.people.models import Address, Person, PersonIdentifier
from tests.support import child


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def post(api, referrer):
    client = api(referrer)

    def _post(data):
        return client.post("/contacts", data)

    return _post


def _refused(response, field):
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert Contact.objects.count() == 0 and Person.objects.count() == 0
    return errors[field]


def _ago(**kwargs) -> str:
    return (timezone.now() - dt.timedelta(**kwargs)).isoformat()


# --- fault 9: implausible dates --------------------------------------------------------------------------------


def test_received_in_1901_is_refused(post):
    msgs = _refused(post(contact_payload(received_at="1901-01-01T09:00:00+00:00")), "received_at")
    assert "within the last year" in msgs[0]


def test_received_more_than_the_window_ago_needs_a_reason(post):
    msgs = _refused(post(contact_payload(received_at=_ago(days=40))), "late_recorded_reason")
    assert "more than 30 days" in msgs[0]
    r = post(contact_payload(received_at=_ago(days=40), late_recorded_reason="Found in a colleague's tray"))
    assert r.status_code == 201, r.content
    assert Contact.objects.get().late_recorded_reason == "Found in a colleague's tray"


def test_a_recent_contact_needs_no_reason_and_keeps_none(post):
    r = post(contact_payload(received_at=_ago(days=2), late_recorded_reason="not needed"))
    assert r.status_code == 201, r.content
    assert Contact.objects.get().late_recorded_reason == ""


def test_the_window_is_the_partnerships_setting(post):
    PartnershipSettings.objects.update(late_contact_days=60)
    assert post(contact_payload(received_at=_ago(days=40))).status_code == 201


def test_a_contact_received_before_the_child_was_born_is_refused(post):
    born = timezone.localdate() - dt.timedelta(days=5)
    data = contact_payload(subjects=[child(dob=born.isoformat())], received_at=_ago(days=10))
    msgs = _refused(post(data), "received_at")
    assert "before the child was born" in msgs[0]


def test_a_parent_younger_than_the_child_is_refused(post):
    parent = {"forename": "Young", "surname": "Parent", "date_of_birth": "2019-01-01", "role": "parent_carer"}
    _refused(post(contact_payload(household=[parent])), "household.0.date_of_birth")


def test_a_parent_younger_than_an_existing_child_is_refused(post, api, make_actor, new_contact):
    existing = new_contact().people.get(role="subject").person
    before = (Contact.objects.count(), Person.objects.count())
    hub = make_actor("screener", "mash")
    parent = {"forename": "Young", "surname": "Parent", "date_of_birth": "2019-01-01", "role": "parent_carer"}
    r = api(hub).post("/contacts", contact_payload(subjects=[{"person_id": str(existing.pk)}], household=[parent]))
    assert r.status_code == 422 and "household.0.date_of_birth" in r.json()["errors"]
    assert (Contact.objects.count(), Person.objects.count()) == before


def test_an_unborn_childs_expected_date_three_years_ahead_is_refused(post):
    edd = (timezone.localdate() + dt.timedelta(days=3 * 365)).isoformat()
    unborn = {"forename": "Baby", "surname": "Testchild", "unborn": True, "expected_date_of_birth": edd}
    msgs = _refused(post(contact_payload(subjects=[unborn])), "subjects.0.expected_date_of_birth")
    assert "10 months" in msgs[0]


def test_a_subject_child_of_25_years_and_10_days_is_refused(post):
    today = timezone.localdate()
    dob = today.replace(year=today.year - 25) - dt.timedelta(days=10)
    msgs = _refused(post(contact_payload(subjects=[child(dob=dob.isoformat())])), "subjects.0.date_of_birth")
    assert "under 25" in msgs[0]


def test_search_by_an_implausible_date_of_birth_is_refused(api, make_actor):
    later = (timezone.localdate() + dt.timedelta(days=730)).isoformat()
    client = api(make_actor("screener", "mash"))
    for day in (later, "1901-01-01"):
        r = client.post("/people/search", dict(name="Amelia Testchild", date_of_birth=day))
        assert r.status_code == 422 and "date_of_birth" in r.json()["errors"], r.content


# --- fault 10: placeholder identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize("nhs", ["0000000000", "9999999999"])
def test_placeholder_nhs_numbers_are_refused_at_intake(post, nhs):
    msgs = _refused(post(contact_payload(subjects=[child(nhs=nhs)])), "subjects.0.identifiers.0.value")
    assert "placeholder" in msgs[0]


def test_a_stored_placeholder_never_links_people_in_search(api, make_actor, partnership):
    # Two unrelated children stored with the placeholder before it was refused.
    for name in ("Alpha", "Bravo"):
        p = Person.objects.create(forename=name, surname="Legacy", forename_norm=name.lower(), surname_norm="legacy")
        PersonIdentifier.objects.create(person=p, identifier_type="nhs_number", value="0000000000")
    r = api(make_actor("screener", "mash")).post("/people/search", dict(identifier="0000000000"))
    assert r.status_code == 422 and "placeholder" in r.json()["errors"]["identifier"][0]


def test_a_real_nhs_number_still_finds_its_child(api, make_actor, new_contact):
    new_contact()
    r = api(make_actor("screener", "mash")).post("/people/search", dict(identifier=VALID_NHS))
    assert r.status_code == 200 and len(r.json()["items"]) == 1


# --- fault 11: names and free text -------------------------------------------------------------------------------


def test_invisible_characters_are_removed_from_names_and_narrative(post):
    data = contact_payload(
        subjects=[child(forename="Ame\u200blia", surname="\u202eTestchild")],
        narrative="She said:\n\u202eI am scared\u202c\nat school.",
    )
    r = post(data)
    assert r.status_code == 201, r.content
    person = Person.objects.get(kind="child")
    assert (person.forename, person.surname) == ("Amelia", "Testchild")
    assert Contact.objects.get().narrative == "She said:\nI am scared\nat school."


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subjects": [child(forename="Ame\x00lia")]}, "subjects.0.forename"),
        ({"narrative": "Text with a NUL\x00"}, "narrative"),
        ({"referrer_name": "PC\x07Example"}, "referrer_name"),
    ],
)
def test_control_characters_are_refused_on_their_field(post, data, field):
    msgs = _refused(post(contact_payload(**data)), field)
    assert "control characters" in msgs[0]


def test_a_punctuation_only_name_is_refused(post):
    msgs = _refused(post(contact_payload(subjects=[child(surname="...")])), "subjects.0.surname")
    assert "at least one letter" in msgs[0]


def test_a_person_known_by_one_name_is_recorded_and_found(post, api, make_actor):
    r = post(contact_payload(subjects=[child(forename="Zaynab", surname="")]))
    assert r.status_code == 201, r.content
    found = (
        api(make_actor("screener", "mash"))
        .post("/people/search", dict(name="Zaynab", date_of_birth="2018-04-02"))
        .json()
    )
    assert [p["forename"] for p in found["items"]] == ["Zaynab"]


def test_an_unborn_child_needs_no_name(post):
    edd = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    unborn = {"forename": "", "surname": "", "unborn": True, "expected_date_of_birth": edd}
    r = post(contact_payload(subjects=[unborn]))
    assert r.status_code == 201, r.content
    assert Person.objects.get(kind="unborn").full_name == "Unborn child"


# --- fault 12: postcodes -----------------------------------------------------------------------------------------


def _with_postcode(postcode, **address):
    return contact_payload(
        subjects=[child(address={"line1": "1 High Street", "town": "Exampleton", "postcode": postcode, **address})]
    )


@pytest.mark.parametrize("postcode", ["NOT KNOWN", "12345", "SW1A 1AA;"])
def test_things_that_are_not_postcodes_are_refused(post, postcode):
    msgs = _refused(post(_with_postcode(postcode)), "subjects.0.address.postcode")
    assert "UK postcode" in msgs[0]


@pytest.mark.parametrize("postcode", ["SW1A1AA", "  sw1a 1aa  "])
def test_postcodes_are_stored_in_canonical_form(post, postcode):
    r = post(_with_postcode(postcode))
    assert r.status_code == 201, r.content
    assert Address.objects.get().postcode == "SW1A 1AA"


@pytest.mark.parametrize("status", ["no_fixed_abode", "not_known"])
def test_no_fixed_abode_and_not_known_are_address_states(post, status):
    subject = child(address={"status": status})
    assert post(contact_payload(subjects=[subject])).status_code == 201
    address = Address.objects.get()
    assert (address.status, address.line1, address.postcode) == (status, "", "")


def test_an_address_state_with_address_text_is_refused(post):
    _refused(post(_with_postcode("SW1A 1AA", status="no_fixed_abode")), "subjects.0.address.line1")
