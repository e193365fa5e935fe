"""Sharing without consent is a recorded decision at intake (issue 7, ADR 0016): the consent position is structured,
sharing without consent needs its reason category and lawful basis (422 with field messages in the API, the GOV.UK
error summary on the page), both are stored and shown on the contact and in the chronology, and the decision is an
audit event with codes only."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.people.models import ChronologyEntry
from openmash.web.tests.conftest import contact_form_data, contact_submit


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"consent": "not_sought", "consent_lawful_basis": ""}, {"consent_lawful_basis"}),
        ({"consent": "not_sought", "consent_lawful_basis": "not_recorded"}, {"consent_lawful_basis"}),
        (
            {"consent": "refused", "consent_not_sought_reason": "", "consent_lawful_basis": ""},
            {"consent_override_reason", "consent_lawful_basis"},
        ),
        ({"consent": "not_applicable", "consent_lawful_basis": "maybe"}, {"consent_lawful_basis"}),
        ({"consent": "not_sought", "consent_condition": "gut_feeling"}, {"consent_condition"}),
        ({"consent": "whatever"}, {"consent"}),
    ],
)
def test_sharing_without_consent_needs_its_reason_and_lawful_basis_in_the_api(api, referrer, overrides, fields):
    r = api(referrer).post("/contacts", contact_payload(**overrides))
    assert r.status_code == 422, r.content
    assert fields <= set(r.json()["errors"]), r.json()
    assert not Contact.objects.exists()


def test_the_decision_is_stored_returned_audited_and_in_the_chronology(api, referrer):
    r = api(referrer).post(
        "/contacts",
        contact_payload(
            consent="refused",
            consent_not_sought_reason="unsafe",  # a branch not chosen: dropped
            consent_override_reason="risk_of_harm",
            consent_lawful_basis="legal_obligation",
            consent_condition="sch1_para18",
            consent_detail="Mother refused; the bruising is recent",
        ),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["consent"], body["consent_override_reason"], body["consent_lawful_basis"]) == (
        "refused",
        "risk_of_harm",
        "legal_obligation",
    )
    assert body["consent_not_sought_reason"] == "" and body["consent_condition"] == "sch1_para18"
    contact = Contact.objects.get()
    event = AuditEvent.objects.get(action="share_without_consent", object_id=str(contact.pk))
    assert event.detail == {
        "consent": "refused",
        "reason": "risk_of_harm",
        "lawful_basis": "legal_obligation",
        "condition": "sch1_para18",
    }
    assert "bruising" not in str(event.detail)  # codes only: the note stays in the contact (encrypted)
    entry = ChronologyEntry.objects.get(kind="contact", object_id=str(contact.pk))
    # read naturally (practitioner review of issue 6, finding 20)
    assert "Shared although consent was refused: the child is at risk of significant harm" in entry.summary
    assert "Shared without consent: Shared" not in entry.summary


@pytest.mark.parametrize(
    ("consent", "extra", "expected"),
    [
        ("not_applicable", {}, "Shared under a statutory duty"),
        (
            "not_sought",
            {"consent_not_sought_reason": "prejudice"},
            "Shared without consent: consent was not sought because seeking consent would prejudice an investigation",
        ),
        (
            "not_sought",
            {"consent_not_sought_reason": "urgent"},
            "Shared without consent: consent was not sought because it was urgent, with no time to seek it",
        ),
        ("obtained", {}, ""),
    ],
)
def test_the_consent_summary_reads_naturally(consent, extra, expected):
    from types import SimpleNamespace

    from openmash.contacts.services import consent_summary

    fields = {"consent_not_sought_reason": "", "consent_override_reason": ""} | extra
    assert consent_summary(SimpleNamespace(consent=consent, **fields)) == expected


def test_consent_obtained_records_no_basis_and_no_decision_event(api, referrer):
    r = api(referrer).post(
        "/contacts",
        contact_payload(consent="obtained", consent_lawful_basis="public_task", consent_override_reason="crime"),
    )
    assert r.status_code == 201, r.content
    contact = Contact.objects.get()
    assert (contact.consent_lawful_basis, contact.consent_override_reason) == ("", "")
    assert not AuditEvent.objects.filter(action="share_without_consent").exists()
    assert "without consent" not in ChronologyEntry.objects.get(kind="contact").summary


def test_a_police_statutory_share_is_recorded_as_not_applicable(api, referrer):
    r = api(referrer).post(
        "/contacts",
        contact_payload(consent="not_applicable", consent_lawful_basis="part3", consent_condition="sch8_para4"),
    )
    assert r.status_code == 201, r.content
    contact = Contact.objects.get()
    assert (contact.consent, contact.consent_lawful_basis) == ("not_applicable", "part3")
    assert "Shared under a statutory duty" in ChronologyEntry.objects.get(kind="contact").summary


def test_the_form_asks_the_lawful_basis_and_the_contact_page_shows_it(referrer, make_actor):
    client = Client()
    client.force_login(referrer.user)
    bad = contact_submit(client, contact_form_data(consent="refused", consent_lawful_basis=""))
    body = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in body
    assert "Select why the concern is shared although consent was refused" in body
    assert "Select the lawful basis for sharing without consent" in body
    assert not Contact.objects.exists()
    sent = contact_submit(
        client,
        contact_form_data(
            consent="refused",
            consent_override_reason="public_interest",
            consent_lawful_basis="public_task",
            consent_detail="Father refused by phone",
        ),
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    contact = Contact.objects.get()
    assert (contact.consent_override_reason, contact.consent_lawful_basis) == ("public_interest", "public_task")
    hub = Client()
    hub.force_login(make_actor("screener", "mash").user)
    page = hub.get(f"/contacts/{contact.pk}/").content.decode()
    assert "sharing is justified in the public interest" in page
    assert "Article 6(1)(e) public task" in page and "Note: Father refused by phone" in page


def test_the_openapi_schema_lists_the_consent_answers(api, referrer):
    """Review finding 17: consent, consent_lawful_basis and consent_condition (and the two reasons) are enums."""
    doc = api(referrer).get("/openapi.json").json()
    props = doc["components"]["schemas"]["ContactCreateIn"]["properties"]
    assert set(props["consent"]["enum"]) == {"", "obtained", "refused", "not_sought", "not_applicable"}
    assert "public_task" in props["consent_lawful_basis"]["enum"]
    assert "not_recorded" not in props["consent_lawful_basis"]["enum"]  # a mark of old contacts, never an answer
    assert "sch1_para18" in props["consent_condition"]["enum"]
    assert "unsafe" in props["consent_not_sought_reason"]["enum"]
    assert "risk_of_harm" in props["consent_override_reason"]["enum"]


def test_a_missing_consent_position_lists_the_answers_in_the_api(api, referrer):
    r = api(referrer).post("/contacts", contact_payload(consent=""))
    assert r.status_code == 422, r.content
    assert r.json()["errors"]["consent"] == [
        "Select the consent position (one of: obtained, refused, not_sought or not_applicable)"
    ]
    bad = api(referrer).post("/contacts", contact_payload(consent="maybe"))
    assert bad.status_code == 422 and "not_applicable" in " ".join(bad.json()["errors"]["consent"])
