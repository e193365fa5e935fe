"""The screening queue and the screening form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.contacts.models import Contact
from openmash.enquiries.models import Enquiry, Screening


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def test_the_queue_lists_awaiting_contacts_soonest_due_first_with_tags(screener, login, new_contact, screened):
    old = new_contact(immediate_risk=True, immediate_risk_detail="Child alone at home")
    Contact.objects.filter(pk=old.pk).update(screening_due_at=timezone.now() - dt.timedelta(hours=3))
    soon = new_contact()
    Contact.objects.filter(pk=soon.pk).update(screening_due_at=timezone.now() + dt.timedelta(minutes=30))
    later = new_contact()
    done = new_contact()
    screened(done, outcome="nfa_advice")
    body = login(screener).get("/screening/").content.decode()
    positions = [body.index(c.reference) for c in (old, soon, later)]
    assert positions == sorted(positions)
    assert done.reference not in body
    assert "3 contacts awaiting screening" in body
    row = body[positions[0] : positions[1]]
    assert 'govuk-tag--red">Overdue' in row and "Immediate risk" in row
    assert "Due soon" in body[positions[1] : positions[2]]
    assert f'href="/contacts/{old.pk}/screen/"' in body


def test_screening_to_no_further_action_returns_to_the_queue_with_a_banner(screener, login, new_contact):
    contact = new_contact()
    client = login(screener)
    response = client.post(
        f"/contacts/{contact.pk}/screen/", {"outcome": "nfa_advice", "rationale": "Advice given to the school"}
    )
    assert response.status_code == 302 and response["Location"] == "/screening/"
    page = client.get("/screening/").content.decode()
    assert "govuk-notification-banner--success" in page
    assert f"Contact {contact.reference} screened: No further action / advice." in page
    contact.refresh_from_db()
    assert contact.status == "closed"


def test_progressing_to_an_enquiry_opens_the_enquiry_page(screener, login, new_contact):
    contact = new_contact()
    response = login(screener).post(
        f"/contacts/{contact.pk}/screen/", {"outcome": "mash_enquiry", "rag": "red", "rationale": "Injury"}
    )
    enquiry = Enquiry.objects.get(contact=contact)
    assert response["Location"] == f"/enquiries/{enquiry.pk}/"
    assert enquiry.rag == "red"


def test_the_form_reveals_rag_only_for_an_enquiry_and_ignores_a_hidden_answer(screener, login, new_contact):
    contact = new_contact()
    client = login(screener)
    body = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'aria-controls="id_outcome-conditional"' in body and "aria-expanded" not in body
    assert 'class="govuk-radios__conditional" id="id_outcome-conditional"' in body  # hidden by reveal.js, not server
    response = client.post(
        f"/contacts/{contact.pk}/screen/", {"outcome": "early_help", "rag": "red", "rationale": "Family support"}
    )
    assert response.status_code == 302
    assert Screening.objects.get(contact=contact).rag == ""


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({"outcome": "mash_enquiry", "rationale": "Checks"}, "Choose a RAG rating", "#id_rag"),
        ({"outcome": "nfa_advice", "rationale": ""}, "Enter the rationale", "#id_rationale"),
        ({"rationale": "Something"}, "Choose a screening outcome", "#id_outcome"),
        (
            {"outcome": "allocated_worker", "rationale": "Open case"},
            "No child in this contact has an allocated worker",
            "#id_outcome",
        ),
    ],
)
def test_screening_errors_are_shown_in_the_summary(screener, login, new_contact, data, message, anchor):
    contact = new_contact()
    response = login(screener).post(f"/contacts/{contact.pk}/screen/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert message in body and f'href="{anchor}"' in body
    assert not Screening.objects.exists()


def test_the_second_of_two_screeners_is_told_it_was_already_screened(make_actor, login, new_contact):
    contact = new_contact()
    first_actor = make_actor("screener", "mash")
    first, second = login(first_actor), login(make_actor("screener", "mash"))
    assert 'data-testid="screening-form"' in first.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'data-testid="screening-form"' in second.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert (
        first.post(f"/contacts/{contact.pk}/screen/", {"outcome": "nfa_advice", "rationale": "Mine"}).status_code == 302
    )
    response = second.post(
        f"/contacts/{contact.pk}/screen/", {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Theirs"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert f"already been screened by {first_actor.user.display_name or first_actor.user.username}, at " in body
    assert Screening.objects.get().rationale == "Mine"
    assert not Enquiry.objects.exists()
    # Coming back later, the page says so instead of offering the form.
    later = second.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'data-testid="already-screened"' in later and 'data-testid="screening-form"' not in later
