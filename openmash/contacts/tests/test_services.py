"""Contact intake (services): validation saves nothing, idempotency, routing to an allocated worker, due times."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.contacts.services import contact_create
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.enquiries.models import Notification
from openmash.people.models import Person
from openmash.people.selectors import person_search
from tests.support import allocation_open, child, subject_person


def _counts():
    return Contact.objects.count(), Person.objects.count(), AuditEvent.objects.count()


def _rejects(actor, data) -> dict[str, list[str]]:
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=actor, data=data)
    assert _counts() == before, "a rejected contact must save nothing (no contact, person or audit row)"
    return exc.value.errors


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def test_valid_contact_is_saved_with_people_audit_and_chronology(referrer):
    contact, created = contact_create(actor=referrer, data=contact_payload())
    assert created
    assert contact.recorded_by == referrer.user and contact.recording_agency == referrer.agency
    assert contact.source_code == "6"  # the recording agency's CIN source code
    assert contact.status == "awaiting_screening"
    roles = sorted(contact.people.values_list("role", flat=True))
    assert roles == ["alleged_perpetrator", "subject"]
    child_person = subject_person(contact)
    assert child_person.kind == "child"
    assert child_person.identifiers.get().value == "9434765919"
    assert child_person.chronology.filter(kind="contact", object_id=str(contact.pk)).exists()
    assert AuditEvent.objects.filter(
        action="create", object_type="contacts.contact", object_id=str(contact.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subjects": [child(nhs="9434765918")]}, "subjects.0.identifiers.0.value"),
        ({"subjects": [child(dob=(dt.date.today() + dt.timedelta(days=2)).isoformat())]}, "subjects.0.date_of_birth"),
        ({"subjects": [child(dob="1990-01-01")]}, "subjects.0.date_of_birth"),  # a subject child must be under 25
        ({"subjects": [child(forename="", surname="")]}, "subjects.0.forename"),  # one name is enough, none is not
        ({"subjects": []}, "subjects"),
        ({"concern_codes": ["3A", "99Z"]}, "concern_codes"),
        ({"concern_codes": []}, "concern_codes"),
        ({"source_code": "ZZ"}, "source_code"),
        ({"narrative": "   "}, "narrative"),
        ({"consent": "not_sought", "consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"consent": "maybe"}, "consent"),
        ({"immediate_risk": True, "immediate_risk_detail": ""}, "immediate_risk_detail"),
        ({"immediate_risk": None}, "immediate_risk"),
        ({"household": [{"forename": "A", "surname": "B", "role": "subject"}]}, "household.0.role"),
        ({"subjects": [{"person_id": "00000000-0000-0000-0000-000000000000"}]}, "subjects.0.person_id"),
        ({"subjects": [child(unborn=True, date_of_birth=None)]}, "subjects.0.expected_date_of_birth"),
    ],
)
def test_bad_input_saves_nothing_and_names_the_field(referrer, overrides, field):
    errors = _rejects(referrer, contact_payload(**overrides))
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])


def test_oversize_narrative_is_rejected_and_the_limit_is_a_setting(referrer, settings):
    limit = settings.OPENMASH_MAX_NARRATIVE_CHARS
    errors = _rejects(referrer, contact_payload(narrative="x" * (limit + 1)))
    assert "narrative" in errors
    contact, _ = contact_create(actor=referrer, data=contact_payload(narrative="x" * limit))
    assert len(contact.narrative) == limit

    settings.OPENMASH_MAX_NARRATIVE_CHARS = 50
    assert "narrative" in _rejects(referrer, contact_payload(narrative="y" * 51))


def test_all_errors_are_reported_at_once(referrer):
    errors = _rejects(
        referrer,
        contact_payload(subjects=[child(nhs="123")], concern_codes=["nope"], consent="not_sought", narrative=""),
    )
    assert {"subjects.0.identifiers.0.value", "concern_codes", "narrative"} <= set(errors)


def test_markup_in_narrative_is_stored_verbatim(referrer):
    text = "<script>alert('x')</script> & <b>bold</b> \"quoted\""
    contact, _ = contact_create(actor=referrer, data=contact_payload(narrative=text))
    contact.refresh_from_db()
    assert contact.narrative == text


@pytest.mark.parametrize("role", ["partnership_admin", "auditor"])
def test_roles_without_intake_cannot_record_contacts(make_actor, role):
    actor = make_actor(role, "mash")
    before = _counts()
    with pytest.raises(PermissionDenied):
        contact_create(actor=actor, data=contact_payload())
    assert _counts() == before


# --- idempotency ---------------------------------------------------------------------------------------------


def test_same_idempotency_key_returns_the_first_contact(referrer):
    first, created1 = contact_create(actor=referrer, data=contact_payload(), idempotency_key="retry-1")
    second, created2 = contact_create(actor=referrer, data=contact_payload(), idempotency_key="retry-1")
    assert (created1, created2) == (True, False)
    assert first.pk == second.pk
    assert Contact.objects.filter(recorded_by=referrer.user).count() == 1
    assert Person.objects.count() == 2  # the child and the adult, once


def test_same_key_with_a_different_body_is_a_conflict(referrer):
    contact_create(actor=referrer, data=contact_payload(), idempotency_key="retry-2")
    before = _counts()
    with pytest.raises(Conflict):
        contact_create(actor=referrer, data=contact_payload(narrative="Something else"), idempotency_key="retry-2")
    assert _counts() == before


def test_different_users_may_use_the_same_key(make_actor, referrer):
    other = make_actor("referrer", "school-oak")
    a, _ = contact_create(actor=referrer, data=contact_payload(), idempotency_key="shared-key")
    b, created = contact_create(actor=other, data=contact_payload(), idempotency_key="shared-key")
    assert created and a.pk != b.pk


@pytest.mark.parametrize("key", ["", "k" * 101])
def test_idempotency_key_length_is_checked(referrer, key):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=referrer, data=contact_payload(), idempotency_key=key)
    assert "Idempotency-Key" in exc.value.errors
    assert _counts() == before


# --- routing and due times -------------------------------------------------------------------------------------


def test_child_with_allocated_worker_is_routed_to_them(make_actor, referrer):
    first, _ = contact_create(actor=referrer, data=contact_payload())
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(first), worker)

    school = make_actor("referrer", "school-oak")
    person_search(actor=school, name="Amelia Testchild", date_of_birth=dt.date(2018, 4, 2))  # found at intake
    contact, _ = contact_create(
        actor=school, data=contact_payload(subjects=[{"person_id": str(subject_person(first).pk)}])
    )
    assert contact.status == "with_allocated_worker"
    assert contact.routed_to == worker.user
    note = Notification.objects.get(user=worker.user, contact=contact)
    assert contact.reference in note.message
    assert "Amelia" not in note.message and "Testchild" not in note.message
    assert AuditEvent.objects.filter(action="route", object_id=str(contact.pk)).exists()


def test_linking_an_existing_person_needs_sight_of_them_or_an_own_search(make_actor, referrer):
    """A professional can attach a concern to a child they found by their own exact search, not to any id."""
    first, _ = contact_create(actor=referrer, data=contact_payload())
    person_id = str(subject_person(first).pk)
    school = make_actor("referrer", "school-oak")
    errors = _rejects(school, contact_payload(subjects=[{"person_id": person_id}]))
    assert "subjects.0.person_id" in errors

    other = make_actor("referrer", "school-oak")
    person_search(actor=other, name="Amelia Testchild", date_of_birth=dt.date(2018, 4, 2))  # someone else's search
    assert "subjects.0.person_id" in _rejects(school, contact_payload(subjects=[{"person_id": person_id}]))

    person_search(actor=school, name="Amelia Testchild", date_of_birth=dt.date(2018, 4, 2))
    contact, created = contact_create(actor=school, data=contact_payload(subjects=[{"person_id": person_id}]))
    assert created and subject_person(contact).pk == subject_person(first).pk
    assert Person.objects.count() == 3  # the child once; an adult per contact


def test_closed_or_workerless_allocations_do_not_route(make_actor, referrer):
    first, _ = contact_create(actor=referrer, data=contact_payload())
    worker = make_actor("social_worker", "mash")
    allocation = allocation_open(subject_person(first), worker)
    allocation.closed_at = timezone.now()
    allocation.save(update_fields=["closed_at"])
    contact, _ = contact_create(
        actor=referrer, data=contact_payload(subjects=[{"person_id": str(subject_person(first).pk)}])
    )
    assert contact.status == "awaiting_screening" and contact.routed_to is None
    assert not Notification.objects.filter(user=worker.user).exists()


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
def test_screening_due_one_working_day_after_receipt(referrer):
    # Friday 7 November 2025 14:00 GMT -> Monday 10 November 14:00.
    received = dt.datetime(2025, 11, 7, 14, tzinfo=dt.UTC)
    contact, _ = contact_create(actor=referrer, data=contact_payload(received_at=received))
    assert contact.received_at == received
    assert contact.screening_due_at == dt.datetime(2025, 11, 10, 14, tzinfo=dt.UTC)


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
def test_screening_due_follows_the_partnership_setting(referrer):
    from openmash.partnership.models import PartnershipSettings

    PartnershipSettings.objects.update(screening_working_days=2)
    received = dt.datetime(2025, 11, 7, 14, tzinfo=dt.UTC)
    contact, _ = contact_create(actor=referrer, data=contact_payload(received_at=received))
    assert contact.screening_due_at == dt.datetime(2025, 11, 11, 14, tzinfo=dt.UTC)


@time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC))
def test_screening_due_skips_bank_holidays(referrer):
    received = dt.datetime(2025, 12, 24, 11, tzinfo=dt.UTC)
    contact, _ = contact_create(actor=referrer, data=contact_payload(received_at=received))
    assert contact.screening_due_at == dt.datetime(2025, 12, 29, 11, tzinfo=dt.UTC)


def test_received_in_the_future_is_rejected(referrer):
    errors = _rejects(referrer, contact_payload(received_at=timezone.now() + dt.timedelta(hours=1)))
    assert "received_at" in errors


def test_unborn_child_with_expected_date_of_birth(referrer):
    edd = timezone.localdate() + dt.timedelta(days=90)
    unborn = {"forename": "Baby", "surname": "Testchild", "unborn": True, "expected_date_of_birth": edd}
    contact, _ = contact_create(actor=referrer, data=contact_payload(subjects=[unborn]))
    person = subject_person(contact)
    assert person.kind == "unborn"
    assert person.expected_date_of_birth == edd and person.date_of_birth is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"expected_date_of_birth": None}, "subjects.0.expected_date_of_birth"),
        ({"date_of_birth": "2020-01-01"}, "subjects.0.date_of_birth"),
        ({"expected_date_of_birth": dt.date.today() - dt.timedelta(days=60)}, "subjects.0.expected_date_of_birth"),
    ],
)
def test_unborn_child_rules(referrer, extra, field):
    unborn = {"forename": "Baby", "surname": "Testchild", "unborn": True}
    unborn["expected_date_of_birth"] = dt.date.today() + dt.timedelta(days=30)
    unborn.update(extra)
    assert field in _rejects(referrer, contact_payload(subjects=[unborn]))


def test_public_referrer_gets_anonymous_source_and_protected_identity(make_actor):
    screener = make_actor("screener", "mash")
    contact, _ = contact_create(actor=screener, data=contact_payload(referrer_type="public", referrer_name=""))
    assert contact.source_code == "9"
    assert contact.referrer_identity_protected


def test_household_members_become_relationships_to_each_child_once(make_actor, client):
    from openmash.people.models import Relationship

    referrer = make_actor("referrer", "police")
    first, _ = contact_create(actor=referrer, data=contact_payload())
    child = subject_person(first)
    perp = first.people.get(role="alleged_perpetrator").person
    rel = Relationship.objects.get(person=perp, related_person=child)
    assert rel.relationship_type == "alleged_perpetrator"
    # The same people in a later contact add no duplicate.
    search = make_actor("screener", "mash")
    contact_create(
        actor=search,
        data=contact_payload(
            subjects=[{"person_id": str(child.pk)}],
            household=[{"person_id": str(perp.pk), "role": "alleged_perpetrator"}],
        ),
    )
    assert Relationship.objects.filter(person=perp, related_person=child).count() == 1
    client.force_login(search.user)
    page = client.get(f"/people/{child.pk}/").content.decode()
    # Asserted by an unscreened contact: shown only with its source (issue 5, fault 4).
    assert f"Asserted by contact {first.reference}, County Police" in page
    assert "Dean Testadult is alleged perpetrator of Amelia Testchild" in page
