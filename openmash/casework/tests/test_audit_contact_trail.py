"""The auditor finds a contact's whole trail by its reference (issue 5 practitioner review, fault 1).

Every audit event about anything that belongs to a contact (its enquiry, requests, answers and amended answers,
late answers, case notes, strategy discussions, referrals, early-help requests, allocations) is indexed by the
contact at write time (openmash.audit.contacts) and found by the contact filter; the Record column names each kind
in plain English, and allocations read "Allocated" / "Allocation closed"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from openmash.accounts.services import agency_create
from openmash.audit.contacts import contact_path
from openmash.audit.models import AuditEvent, AuditEventContact
from openmash.audit.selectors import audit_event_search
from openmash.casework.services import (
    allocation_close,
    allocations_assign_together,
    case_note_add,
    strategy_discussion_record,
)
from openmash.casework.tests.conftest import attendees
from openmash.enquiries.models import AgencyRequest
from openmash.enquiries.services import agency_response_amend
from tests.support import contact_record, screen


def _trail_events(auditor, contact) -> set[int]:
    return set(audit_event_search(actor=auditor, contact_reference=contact.reference).values_list("id", flat=True))


def _belongs_to_a_contact(event) -> bool:
    return contact_path(event.object_type) is not None


@pytest.fixture
def auditor(make_actor):
    return make_actor("auditor", "mash")


def test_every_event_about_anything_in_a_contact_is_found_by_its_reference(
    auditor, manager, screener, worker, decided_enquiry, make_actor, referrer
):
    contact = decided_enquiry.contact
    gp = AgencyRequest.objects.get(enquiry=decided_enquiry, agency__code="health-gp")
    gp_researcher = make_actor("researcher", "health-gp")
    agency_response_amend(
        actor=gp_researcher,
        request_id=gp.pk,
        version=gp.response.version,
        reason="A second visit was found",
        no_information=False,
        summary="Known to the practice; three missed immunisations",
    )
    when = timezone.now() - dt.timedelta(minutes=20)
    case_note_add(actor=screener, contact_id=contact.pk, note_type="phone_call", occurred_at=when, text="Rang GP")
    strategy_discussion_record(
        actor=manager,
        contact_id=contact.pk,
        held_at=when,
        attendees=attendees("police", "health-gp", "mash"),
        section47=True,
        rationale="Significant harm likely",
        actions=[],
    )
    subjects = [str(p) for p in contact.people.filter(role="subject").values_list("person_id", flat=True)]
    [allocation] = allocations_assign_together(
        actor=manager, contact_id=contact.pk, person_ids=subjects, worker_membership_id=str(worker.membership.pk)
    )
    allocation_close(actor=manager, allocation_id=allocation.pk, reason="Case closed after assessment")
    # an early-help hand-over on another contact of the same kind of life, and an unrelated contact's events
    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    early = contact_record(referrer)
    screen(screener, early, outcome="early_help")
    other = contact_record(referrer)

    found = _trail_events(auditor, contact)
    kinds = {e.object_type for e in AuditEvent.objects.filter(id__in=found)}
    for kind in (
        "enquiries.agencyresponse",
        "casework.casenote",
        "casework.strategydiscussion",
        "enquiries.referral",
        "enquiries.caseallocation",
    ):
        assert kind in kinds, kind
    allocation_events = AuditEvent.objects.filter(object_type="enquiries.caseallocation", object_id=str(allocation.pk))
    assert set(allocation_events.values_list("id", flat=True)) <= found  # assigned and closed
    assert AuditEvent.objects.filter(id__in=found, action="update", object_type="enquiries.agencyresponse").exists()
    assert "enquiries.earlyhelprequest" in {
        e.object_type for e in AuditEvent.objects.filter(id__in=_trail_events(auditor, early))
    }
    # the kind, not the list: every event whose record belongs to a contact is in that contact's trail, and in no
    # other contact's
    trails = {c.pk: _trail_events(auditor, c) for c in (contact, early, other)}
    for event in AuditEvent.objects.all():
        if _belongs_to_a_contact(event) and event.object_id:
            holders = [pk for pk, ids in trails.items() if event.id in ids]
            assert len(holders) == 1, (event.action, event.object_type)
    assert not trails[other.pk] & trails[contact.pk]

    client = Client()
    client.force_login(auditor.user)
    body = client.get("/audit/", {"contact": contact.reference}).content.decode()
    cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', body, flags=re.S)
    assert not [c for c in cells if re.search(r"\b[a-z]+\.[a-z]+\b", c.split("<br>")[0])]  # no raw model names
    assert f"Case note on {contact.reference}" in body and f"Allocation on {contact.reference}" in body
    assert "Allocated" in body and "Allocation closed" in body


def test_every_model_that_hangs_off_a_contact_has_a_path_to_it(partnership):
    """New models are covered without a change: each model with a foreign key chain to a contact resolves."""
    expected = {
        "enquiries.enquiry": "contact",
        "enquiries.agencyrequest": "enquiry__contact",
        "enquiries.agencyresponse": "request__enquiry__contact",
        "enquiries.earlyhelprequest": "contact",
        "casework.casenote": "contact",
        "casework.strategyattendee": "discussion__contact",
        "enquiries.caseallocation": "referral__contact",
    }
    for label, path in expected.items():
        assert contact_path(label) == path
    assert contact_path("people.person") is None and contact_path("accounts.user") is None
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if model._meta.app_label in ("people", "accounts", "audit"):
                continue  # a person's records belong to the person (shared by many contacts), never to one
            if field.is_relation and field.related_model._meta.label_lower == "contacts.contact":
                assert contact_path(model._meta.label_lower) is not None, model


def test_existing_events_are_indexed_by_the_data_migration(auditor, decided_enquiry):
    import importlib

    backfill = importlib.import_module("openmash.audit.migrations.0009_event_contact_backfill").backfill
    contact = decided_enquiry.contact
    request = AgencyRequest.objects.filter(enquiry=decided_enquiry).first()
    old = AuditEvent.objects.create(  # as an event written before the index existed: no index row
        at=timezone.now(),
        actor_username="x",
        action="view",
        object_type="enquiries.agencyresponse",
        object_id=str(request.response.pk),
    )
    assert not AuditEventContact.objects.filter(event=old).exists()
    assert old.id not in _trail_events(auditor, contact)
    backfill(apps, None)
    assert old.id in _trail_events(auditor, contact)
    backfill(apps, None)  # again: nothing doubled
    assert AuditEventContact.objects.filter(event=old).count() == 1
