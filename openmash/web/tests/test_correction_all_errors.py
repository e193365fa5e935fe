"""Practitioner review (fixb, fault 3): the hub's "Change the details" of a named person reports every field's
error at once, on the page (GOV.UK error summary) and in the API (422 naming each field)."""

from __future__ import annotations

import re

import pytest

from openmash.people.models import Person
from tests.support import screen


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def screened(referrer, screener, new_contact):
    contact = new_contact(actor=referrer)
    screen(screener, contact, outcome="nfa_advice")
    link = contact.people.get(role="subject")
    return contact, link, link.person


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


def test_the_correction_page_shows_the_future_date_and_the_nhs_number_errors_together(screener, screened, login):
    contact, link, child = screened
    body = (
        login(screener)
        .post(
            f"/contacts/{contact.pk}/named/{link.pk}/change/",
            {
                "forename": child.forename,
                "surname": child.surname,
                "dob_day": "12",
                "dob_month": "11",
                "dob_year": "2031",
                "sex": child.sex,
                "nhs_number": "0000000000",
                "version": str(child.version),
                "reason": "Checked with the GP",
            },
        )
        .content.decode()
    )
    summary = _summary(body)
    assert 'href="#id_nhs_number"' in summary, summary
    assert 'href="#id_dob_0"' in summary and "must be today or in the past" in summary, summary
    assert Person.objects.get(pk=child.pk).date_of_birth == child.date_of_birth


def test_the_correction_page_shows_a_name_error_with_the_others(screener, screened, login):
    contact, link, child = screened
    body = (
        login(screener)
        .post(
            f"/contacts/{contact.pk}/named/{link.pk}/change/",
            {
                "forename": "J0hn",
                "surname": child.surname,
                "dob_day": "12",
                "dob_month": "11",
                "dob_year": "2031",
                "sex": child.sex,
                "version": str(child.version),
                "reason": "Checked with the GP",
            },
        )
        .content.decode()
    )
    summary = _summary(body)
    assert 'href="#id_forename"' in summary and 'href="#id_dob_0"' in summary, summary


def test_the_correction_api_answers_422_with_every_fields_message(screener, screened, api):
    contact, _, child = screened
    r = api(screener).post(
        f"/contacts/{contact.pk}/people/{child.pk}/corrections",
        json={
            "version": child.version,
            "reason": "Checked with the GP",
            "forename": "J0hn",
            "date_of_birth": "2031-11-12",
            "add_identifiers": [{"type": "nhs_number", "value": "0000000000"}],
        },
    )
    assert r.status_code == 422, r.content
    keys = set(r.json()["errors"])
    assert {"forename", "date_of_birth"} <= keys and any(
        k.startswith("add_identifiers") or k.startswith("identifiers") for k in keys
    ), keys


def test_the_amend_page_shows_the_persons_errors_together(referrer, new_contact, login):
    """A form error (a PNC ID that is not one) and the service's (a parent younger than the child) at once."""
    contact = new_contact(actor=referrer)  # the child was born on 2 April 2018
    body = (
        login(referrer)
        .post(
            f"/contacts/{contact.pk}/amend/",
            {
                "section": "member",
                "version": str(contact.version),
                "member-forename": "Sara",
                "member-surname": "Testadult",
                "member-dob_day": "1",
                "member-dob_month": "1",
                "member-dob_year": "2020",
                "member-sex": "F",
                "member-role": "parent_carer",
                "member-pnc_id": "not a pnc",
            },
        )
        .content.decode()
    )
    summary = _summary(body)
    assert 'href="#id_member-pnc_id"' in summary, summary
    assert "A parent or carer must be older than the child" in summary, summary
    assert contact.people.count() == 2
