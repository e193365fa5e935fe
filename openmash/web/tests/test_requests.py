"""An agency's inbox and answering a request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import VALID_NHS
from openmash.enquiries.models import AgencyRequest, AgencyResponse


@pytest.fixture
def gp_request(new_contact, screened, asked):
    return next(r for r in asked(screened(new_contact())) if r.agency.code == "health-gp")


def test_the_inbox_shows_only_minimum_details_and_only_this_agency(make_actor, login, gp_request, new_contact):
    AgencyRequest.objects.filter(pk=gp_request.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    body = login(make_actor("researcher", "health-gp")).get("/requests/").content.decode()
    reference = gp_request.enquiry.contact.reference
    assert reference in body and "Amelia Testchild" in body
    assert "943 476 5919" in body and "EX1 1AA" in body and "Born 2 Apr 2018" in body
    assert "Overdue" in body
    assert "visible bruising" not in body  # never the narrative
    assert "Dean Testadult" in body and "Born 1 Jan 1988" in body  # the household adults' minimum details
    assert "perpetrator" not in body.lower()  # never what the referrer alleged about them
    other = login(make_actor("researcher", "probation")).get("/requests/").content.decode()
    assert reference not in other


def test_the_request_page_shows_minimum_details_and_the_question(make_actor, login, gp_request):
    body = login(make_actor("researcher", "health-gp")).get(f"/requests/{gp_request.pk}/").content.decode()
    assert 'data-testid="response-form"' in body
    assert "Amelia Testchild" in body and "visible bruising" not in body
    assert 'aria-controls="id_information_held-conditional"' in body


def test_answering_with_information(make_actor, login, gp_request):
    client = login(make_actor("researcher", "health-gp"))
    response = client.post(
        f"/requests/{gp_request.pk}/",
        {
            "information_held": "yes",
            "summary": "Two A&E attendances",
            "risk_indicators": ["injury", "neglect"],
            "relevant_dates": "3 Jan, 9 Feb",
            "sensitivity": "sensitive",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/requests/"
    saved = AgencyResponse.objects.get()
    assert saved.summary == "Two A&E attendances" and saved.risk_indicators == ["injury", "neglect"]
    assert saved.sensitivity == "sensitive" and not saved.no_information
    page = client.get(f"/requests/{gp_request.pk}/").content.decode()
    assert 'data-testid="response-summary"' in page and 'data-testid="response-form"' not in page
    answered = client.get("/requests/?status=responded").content.decode()
    assert gp_request.enquiry.contact.reference in answered
    assert gp_request.enquiry.contact.reference not in client.get("/requests/").content.decode()


def test_no_information_held_ignores_anything_typed_in_the_hidden_branch(make_actor, login, gp_request):
    client = login(make_actor("researcher", "health-gp"))
    response = client.post(
        f"/requests/{gp_request.pk}/",
        {"information_held": "no", "summary": "typed then changed mind", "risk_indicators": ["injury"]},
    )
    assert response.status_code == 302
    saved = AgencyResponse.objects.get()
    assert saved.no_information and saved.summary == "" and saved.risk_indicators == []


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({}, "Select whether your agency holds information", "#id_information_held"),
        ({"information_held": "yes", "summary": ""}, "Enter the summary", "#id_summary"),
        (
            {"information_held": "yes", "summary": "x", "risk_indicators": ["made-up"]},
            "Select only",
            "#id_risk_indicators",
        ),
    ],
)
def test_response_errors_are_shown_in_the_summary(make_actor, login, gp_request, data, message, anchor):
    response = login(make_actor("researcher", "health-gp")).post(f"/requests/{gp_request.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert message in body and f'href="{anchor}"' in body
    assert not AgencyResponse.objects.exists()


def test_answering_twice_is_refused_with_a_message(make_actor, login, gp_request):
    first, second = login(make_actor("researcher", "health-gp")), login(make_actor("researcher", "health-gp"))
    assert second.get(f"/requests/{gp_request.pk}/").status_code == 200
    assert first.post(f"/requests/{gp_request.pk}/", {"information_held": "no"}).status_code == 302
    response = second.post(f"/requests/{gp_request.pk}/", {"information_held": "yes", "summary": "Late"})
    assert "already been answered" in response.content.decode()
    assert AgencyResponse.objects.count() == 1


def test_the_hub_sees_the_answer_on_the_enquiry(make_actor, login, gp_request):
    login(make_actor("researcher", "health-gp")).post(
        f"/requests/{gp_request.pk}/",
        {"information_held": "yes", "summary": "<i>Known</i> to the practice", "sensitivity": "restricted"},
    )
    page = login(make_actor("screener", "mash")).get(f"/enquiries/{gp_request.enquiry_id}/").content.decode()
    assert "&lt;i&gt;Known&lt;/i&gt; to the practice" in page
    # a 'restricted' plain summary is a sensitive item in the secure room (issue 7), category not stated
    assert "Sensitive: Not stated" in page and "1 of 2 agencies answered" in page


def test_nhs_number_formatting_in_the_inbox(make_actor, login, gp_request):
    body = login(make_actor("researcher", "health-gp")).get("/requests/").content.decode()
    assert VALID_NHS not in body and "943 476 5919" in body


def test_an_unnamed_unborn_child_is_named_as_on_every_other_page():
    """Practitioner review: the researcher saw an unborn child as just "Reviewson"."""
    import datetime as dt

    from openmash.web.presenters import minimum_people

    row = {"surname": "Reviewson", "expected_date_of_birth": dt.date(2027, 3, 1), "role": "subject", "sex": "U"}
    assert minimum_people([row])[0]["name"] == "Unborn child Reviewson"
    assert minimum_people([{**row, "forename": "Baby"}])[0]["name"] == "Baby Reviewson"
    assert minimum_people([{"forename": "Ann", "surname": "Smith", "role": "subject", "sex": "F"}])[0]["name"] == (
        "Ann Smith"
    )
