"""Every path that writes people's dates runs the dates rule intake runs (practitioner review, fault 6;
contacts.validation.contact_people_dates_check): amending a contact (a date corrected, a child or a household
member added) and the hub's corrections after screening, through the services, the API and the pages. Before,
a parent or carer younger than the child, a parent born in 2024 and a child born after the contact was received
all went in by amendment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.contacts.models import ContactChange, ContactPerson
from openmash.contacts.services import contact_amend, contact_create, contact_person_correct
from openmash.core.exceptions import ValidationFailed
from tests.support import child, nhs_number, payload, screen

PARENT_YOUNGER = "A parent or carer must be older than the child"
BORN_AFTER = "The contact cannot have been received before the child was born"


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def contact(referrer):
    """A contact received ten days ago about a child born in 2018, with her mother (a parent, born 1988)."""
    data = payload(
        received_at=timezone.now() - dt.timedelta(days=10),
        subjects=[child("Amelia", "Datecheck", dob="2018-04-02", nhs=nhs_number())],
        household=[
            {
                "forename": "Mary",
                "surname": "Datecheck",
                "date_of_birth": "1988-01-01",
                "sex": "F",
                "role": "parent_carer",
            }
        ],
    )
    return contact_create(actor=referrer, data=data)[0]


def _link(contact, role):
    return ContactPerson.objects.select_related("person").get(contact=contact, role=role)


def _refused(call) -> dict:
    before = ContactChange.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert ContactChange.objects.count() == before  # nothing saved
    return exc.value.errors


def test_amending_a_parent_to_be_younger_than_the_child_is_refused(screener, contact):
    mother = _link(contact, "parent_carer").person
    data = {"people": [{"person_id": mother.pk, "date_of_birth": dt.date(2019, 1, 1)}]}
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=contact.pk, version=1, data=data))
    assert errors["people.0.date_of_birth"][0].startswith(PARENT_YOUNGER)


def test_adding_a_parent_born_in_2024_is_refused(screener, contact):
    data = {
        "add_household": [
            {
                "forename": "Tom",
                "surname": "Datecheck",
                "date_of_birth": "2024-03-03",
                "sex": "M",
                "role": "parent_carer",
            }
        ]
    }
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=contact.pk, version=1, data=data))
    assert errors["add_household.0.date_of_birth"][0].startswith(PARENT_YOUNGER)


def test_adding_a_child_born_after_the_contact_was_received_is_refused(screener, contact):
    born = timezone.localdate() - dt.timedelta(days=3)
    data = {"add_subjects": [{"forename": "Baby", "surname": "Datecheck", "date_of_birth": born.isoformat()}]}
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=contact.pk, version=1, data=data))
    assert errors["add_subjects.0.date_of_birth"][0].startswith(BORN_AFTER)


def test_adding_a_child_older_than_their_parent_is_refused(screener, contact):
    mother = _link(contact, "parent_carer").person
    young = {"people": [{"person_id": mother.pk, "date_of_birth": "2004-06-06"}]}  # still older than Amelia
    contact_amend(actor=screener, contact_id=contact.pk, version=1, data=young)
    data = {"add_subjects": [{"forename": "Big", "surname": "Datecheck", "date_of_birth": "2003-05-05"}]}
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=contact.pk, version=2, data=data))
    assert any(m.startswith(PARENT_YOUNGER) for m in errors["add_subjects.0.date_of_birth"])


def test_correcting_the_child_s_date_to_after_the_contact_is_refused(screener, contact):
    amelia = _link(contact, "subject").person
    born = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    data = {"people": [{"person_id": amelia.pk, "date_of_birth": born}]}
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=contact.pk, version=1, data=data))
    assert errors["people.0.date_of_birth"][0].startswith(BORN_AFTER)


def test_a_date_that_fits_is_still_accepted(screener, contact):
    mother = _link(contact, "parent_carer").person
    data = {"people": [{"person_id": mother.pk, "date_of_birth": "1989-02-02"}]}
    contact_amend(actor=screener, contact_id=contact.pk, version=1, data=data)
    mother.refresh_from_db()
    assert mother.date_of_birth == dt.date(1989, 2, 2)


def test_the_hub_s_correction_after_screening_runs_the_same_rule(screener, contact):
    screen(screener, contact, outcome="nfa_advice", rationale="No concerns")
    mother, amelia = _link(contact, "parent_carer").person, _link(contact, "subject").person

    def correct(person, **data):
        return contact_person_correct(
            actor=screener, contact_id=contact.pk, person_id=person.pk, version=person.version, reason="Typo", data=data
        )

    errors = _refused(lambda: correct(mother, date_of_birth="2020-01-01"))
    assert errors["date_of_birth"][0].startswith(PARENT_YOUNGER)
    born = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    errors = _refused(lambda: correct(amelia, date_of_birth=born))
    assert errors["date_of_birth"][0].startswith(BORN_AFTER)


def test_a_correction_cannot_make_an_earlier_contact_about_the_child_predate_her_birth(screener, referrer, contact):
    amelia = _link(contact, "subject").person
    later = contact_create(actor=referrer, data=payload(subjects=[{"person_id": str(amelia.pk)}], household=[]))[0]
    born = (timezone.localdate() - dt.timedelta(days=5)).isoformat()  # after the first contact, before this one
    data = {"people": [{"person_id": amelia.pk, "date_of_birth": born}]}
    errors = _refused(lambda: contact_amend(actor=screener, contact_id=later.pk, version=1, data=data))
    assert errors["people.0.date_of_birth"][0].startswith(BORN_AFTER)


def test_the_api_answers_422_on_the_amended_field(screener, contact, api):
    mother = _link(contact, "parent_carer").person
    r = api(screener).post(
        f"/contacts/{contact.pk}/amendments",
        {"version": 1, "people": [{"person_id": str(mother.pk), "date_of_birth": "2019-01-01"}]},
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"]["people.0.date_of_birth"][0].startswith(PARENT_YOUNGER)


def test_the_pages_show_the_error_on_the_date_field(screener, contact):
    client = Client()
    client.force_login(screener.user)
    link = _link(contact, "parent_carer")
    person = link.person
    r = client.post(
        f"/contacts/{contact.pk}/named/{link.pk}/change/",
        {
            "forename": person.forename,
            "surname": person.surname,
            "dob_day": "1",
            "dob_month": "1",
            "dob_year": "2019",
            "sex": person.sex,
            "version": "1",
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in body and 'href="#id_dob_0"' in body
    assert PARENT_YOUNGER in body
    added = client.post(
        f"/contacts/{contact.pk}/amend/",
        {
            "section": "member",
            "member-version": "1",
            "member-forename": "Tom",
            "member-surname": "Datecheck",
            "member-dob_day": "3",
            "member-dob_month": "3",
            "member-dob_year": "2024",
            "member-sex": "M",
            "member-role": "parent_carer",
        },
    ).content.decode()
    assert "<title>Error:" in added and PARENT_YOUNGER in added


def test_a_future_date_of_birth_for_a_born_child_is_the_only_error(api, make_actor):
    """Practitioners' review: a future date of birth through the API gave two errors, one confusing ("cannot have
    been received before the child was born (1 May 2027)"). The date of birth's own error is the only one, for the
    child and for a household member born "after" the child."""
    import datetime as dt

    from django.utils import timezone

    from tests.support import child, nhs_number, payload

    future = (timezone.localdate() + dt.timedelta(days=150)).isoformat()
    r = api(make_actor("referrer", "police")).post("/contacts", payload(subjects=[child(dob=future, nhs=nhs_number())]))
    assert r.status_code == 422
    errors = r.json()["errors"]
    messages = [m for msgs in errors.values() for m in msgs]
    assert len(messages) == 1, errors
    assert messages == ["Date of birth must be today or in the past"] and list(errors) == ["subjects.0.date_of_birth"]
