"""Practitioner review (issue 5): before screening, "Add to this contact" could not change the concern itself. A
referrer who answered "immediate risk: no" by mistake could not correct it. The `concern` part of an amendment
raises immediate risk (recorder or hub, with the detail; the screening due time comes forward), lowers it (the hub
only, with a reason), adds concern categories and adds information to the narrative, marked with who and when;
every change kept with the value it replaced; API and service alike."""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact, ContactChange
from openmash.contacts.services import IMMEDIATE_RISK_LOWER_MESSAGE, contact_amend
from openmash.core.exceptions import ValidationFailed


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def test_the_recorder_raises_immediate_risk_and_the_contact_is_due_within_the_hour(referrer, new_contact):
    contact = new_contact(actor=referrer)
    assert not contact.immediate_risk
    due_before = contact.screening_due_at
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={"concern": {"immediate_risk": True, "immediate_risk_detail": "Child home alone now; officers sent"}},
    )
    contact.refresh_from_db()
    assert contact.immediate_risk and contact.immediate_risk_detail.startswith("Child home alone")
    assert contact.screening_due_at < due_before
    assert (contact.screening_due_at - contact.received_at).total_seconds() <= 60 * 60
    fields = set(ContactChange.objects.filter(contact=contact).values_list("field", flat=True))
    assert {"immediate_risk", "immediate_risk_detail", "screening_due_at"} <= fields
    event = AuditEvent.objects.get(action="amend", object_id=str(contact.pk))
    assert "immediate_risk" in event.detail["fields"] and "home alone" not in str(event.detail)


def test_raising_immediate_risk_needs_the_detail_and_saves_nothing_without_it(referrer, new_contact):
    contact = new_contact(actor=referrer)
    with pytest.raises(ValidationFailed) as caught:
        contact_amend(actor=referrer, contact_id=contact.pk, version=1, data={"concern": {"immediate_risk": True}})
    assert "concern.immediate_risk_detail" in caught.value.errors
    contact.refresh_from_db()
    assert not contact.immediate_risk and contact.version == 1
    assert not ContactChange.objects.filter(contact=contact).exists()


def test_only_the_hub_lowers_immediate_risk_and_with_a_reason(referrer, screener, new_contact):
    contact = new_contact(actor=referrer, immediate_risk=True, immediate_risk_detail="Threats made tonight")
    with pytest.raises(ValidationFailed) as caught:
        contact_amend(
            actor=referrer,
            contact_id=contact.pk,
            version=1,
            data={"concern": {"immediate_risk": False, "immediate_risk_detail": "Calmer now"}},
        )
    assert caught.value.errors["concern.immediate_risk"] == [IMMEDIATE_RISK_LOWER_MESSAGE]
    with pytest.raises(ValidationFailed) as caught:
        contact_amend(actor=screener, contact_id=contact.pk, version=1, data={"concern": {"immediate_risk": False}})
    assert caught.value.errors["concern.immediate_risk_detail"] == ["Say why the child is no longer at immediate risk"]
    contact_amend(
        actor=screener,
        contact_id=contact.pk,
        version=1,
        data={"concern": {"immediate_risk": False, "immediate_risk_detail": "Perpetrator arrested and in custody"}},
    )
    contact.refresh_from_db()
    assert not contact.immediate_risk


def test_concern_categories_are_added_and_information_appended_never_rewritten(referrer, new_contact):
    contact = new_contact(actor=referrer)
    original = contact.narrative
    codes = list(contact.concern_codes)
    extra = next(c for c in ("8B", "3A", "2B", "4B") if c not in codes)
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={
            "concern": {"add_concern_codes": [extra, codes[0]], "additional_information": "School rang: bruise seen"}
        },
    )
    contact.refresh_from_db()
    assert contact.concern_codes == [*codes, extra]  # added once, in order; none removed
    assert contact.narrative.startswith(original)
    assert contact.narrative.endswith("School rang: bruise seen")
    assert f"by {referrer.user} ({referrer.agency.name})" in contact.narrative
    change = ContactChange.objects.get(contact=contact, field="narrative")
    assert change.previous == original


def test_the_api_takes_the_concern_and_refuses_bad_codes(referrer, api, new_contact):
    contact = new_contact(actor=referrer)
    client = api(referrer)
    url = f"/contacts/{contact.pk}/amendments"
    bad = client.post(url, {"version": 1, "concern": {"add_concern_codes": ["ZZ"]}})
    assert bad.status_code == 422 and "concern.add_concern_codes" in bad.json()["errors"]
    ok = client.post(
        url, {"version": 1, "concern": {"immediate_risk": True, "immediate_risk_detail": "Now at risk at home"}}
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["immediate_risk"] is True
    assert Contact.objects.get(pk=contact.pk).version == 2


def test_the_amend_page_changes_the_concern_with_the_gov_uk_error_pattern(referrer, new_contact, client):
    contact = new_contact(actor=referrer)
    client.force_login(referrer.user)
    url = f"/contacts/{contact.pk}/amend/"
    page = client.get(url).content.decode()
    assert 'data-testid="amend-concern"' in page
    refused = client.post(url, {"section": "concern", "version": 1, "concern-immediate_risk": "yes"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert "Describe the immediate risk and what has been done" in body
    done = client.post(
        url,
        {
            "section": "concern",
            "version": 1,
            "concern-immediate_risk": "yes",
            "concern-immediate_risk_detail": "Mother says he will come back tonight",
            "concern-additional_information": "Neighbour heard shouting at 2am",
        },
    )
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.immediate_risk and contact.narrative.endswith("Neighbour heard shouting at 2am")
