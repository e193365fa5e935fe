"""Casework services: case notes (never edited, corrected by a new note), strategy discussions, siblings
allocated together, closing an allocation. Each write is audited and lands in the children's chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.casework.models import CaseNote, StrategyAction, StrategyAttendee, StrategyDiscussion
from openmash.casework.services import (
    allocation_close,
    allocations_assign_together,
    case_note_add,
    strategy_discussion_record,
)
from openmash.casework.tests.conftest import attendees, received
from openmash.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from openmash.enquiries.models import CaseAllocation, Notification
from openmash.people.models import ChronologyEntry
from tests.support import contact_record


def _ago(**kw):
    return timezone.now() - dt.timedelta(**kw)


def _subject_ids(contact):
    return set(contact.people.filter(role="subject").values_list("person_id", flat=True))


# --- case notes ---------------------------------------------------------------------------------------------------


def test_a_case_note_is_recorded_audited_and_on_each_childs_chronology(screener, decided_enquiry):
    contact = decided_enquiry.contact
    when = _ago(minutes=10)
    note = case_note_add(
        actor=screener, contact_id=contact.pk, note_type="phone_call", occurred_at=when, text="Spoke to the GP."
    )
    assert (note.contact, note.enquiry, note.author, note.agency.code) == (
        contact,
        decided_enquiry,
        screener.user,
        "mash",
    )
    assert note.occurred_at == when
    event = AuditEvent.objects.get(object_type="casework.casenote", action="create")
    assert event.object_id == str(note.pk) and "Spoke" not in str(event.detail)
    entries = ChronologyEntry.objects.filter(kind="case_note", object_id=str(note.pk))
    assert set(entries.values_list("person_id", flat=True)) == _subject_ids(contact)
    assert all("GP" not in e.summary and "phone call" in e.summary for e in entries)  # no free text in the summary


def test_a_correction_is_a_new_note_linked_to_the_one_it_corrects(screener, manager, strategy_contact):
    first = case_note_add(
        actor=screener,
        contact_id=strategy_contact.pk,
        note_type="system_check",
        occurred_at=_ago(hours=1),
        text="No police record.",
    )
    fix = case_note_add(
        actor=manager,
        contact_id=strategy_contact.pk,
        note_type="system_check",
        occurred_at=_ago(minutes=30),
        text="Correction: one police record, 2024 incident.",
        corrects_id=str(first.pk),
    )
    first.refresh_from_db()
    assert first.text == "No police record." and first.corrects is None  # the original is untouched
    assert fix.corrects == first and list(first.corrections.all()) == [fix]
    assert CaseNote.objects.count() == 2
    chron = ChronologyEntry.objects.get(object_id=str(fix.pk), person_id=next(iter(_subject_ids(strategy_contact))))
    assert "corrects note of " in chron.summary


def test_a_note_can_only_correct_a_note_on_the_same_contact(screener, strategy_contact, decided_enquiry):
    elsewhere = case_note_add(
        actor=screener,
        contact_id=decided_enquiry.contact_id,
        note_type="other",
        occurred_at=_ago(minutes=5),
        text="A note on another contact",
    )
    for bad in (str(elsewhere.pk), "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ValidationFailed) as exc:
            case_note_add(
                actor=screener,
                contact_id=strategy_contact.pk,
                note_type="other",
                occurred_at=_ago(minutes=5),
                text="Correction",
                corrects_id=bad,
            )
        assert "corrects_id" in exc.value.errors
    assert CaseNote.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Spoke to \u202emum", "Spoke to mum"),  # a bidirectional override would display the text reversed
        ("zero\u200bwidth", "zerowidth"),
        ("  Cafe\u0301 visit\r\nthen school\t ", "Caf\u00e9 visit\nthen school"),  # NFC, line breaks kept
    ],
)
def test_case_note_text_is_cleaned_by_the_one_text_rule(screener, strategy_contact, typed, stored):
    """Casework cleans text exactly as every other app (openmash.core.text.clean_text): invisible characters are
    removed, not refused; it has no cleaner of its own."""
    from openmash.core.text import clean_text

    note = case_note_add(
        actor=screener, contact_id=strategy_contact.pk, note_type="phone_call", occurred_at=_ago(minutes=1), text=typed
    )
    assert note.text == stored == clean_text(typed, multiline=True)


def test_strategy_attendees_are_one_line_text(manager, strategy_contact):
    from openmash.casework.services import strategy_discussion_record

    d = strategy_discussion_record(
        actor=manager,
        contact_id=strategy_contact.pk,
        held_at=_ago(hours=1),
        attendees=[
            {"agency_code": "police", "name": "DS\u00a0 Jo\u200b\nJones", "role": "Detective\tSergeant"},
            {"agency_code": "health-gp", "name": "Dr Lee"},
        ],
        section47=True,
        rationale="Line one\nline two",
        actions=[],
    )
    police = d.attendees.get(agency__code="police")
    assert (police.name, police.role) == ("DS Jo Jones", "Detective Sergeant")
    assert d.rationale == "Line one\nline two"


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"note_type": "gossip"}, "note_type"),
        ({"note_type": ""}, "note_type"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 10001}, "text"),
        ({"text": "Spoke to mum\x00"}, "text"),  # control characters are refused (core.text.clean_text)
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "future"}, "occurred_at"),
        ({"occurred_at": "before_contact"}, "occurred_at"),
    ],
)
def test_bad_case_notes_are_refused_with_field_messages_and_nothing_saved(screener, strategy_contact, changes, field):
    data = {"note_type": "phone_call", "occurred_at": _ago(minutes=1), "text": "Called the school"}
    data.update(changes)
    if data["occurred_at"] == "future":
        data["occurred_at"] = timezone.now() + dt.timedelta(hours=1)
    if data["occurred_at"] == "before_contact":
        data["occurred_at"] = strategy_contact.received_at - dt.timedelta(days=1)
    before = (AuditEvent.objects.count(), ChronologyEntry.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        case_note_add(actor=screener, contact_id=strategy_contact.pk, **data)
    assert field in exc.value.errors and exc.value.errors[field][0]
    assert not CaseNote.objects.exists()
    assert (AuditEvent.objects.count(), ChronologyEntry.objects.count()) == before


def test_text_is_stored_nfc_normalised(screener, strategy_contact):
    note = case_note_add(
        actor=screener,
        contact_id=strategy_contact.pk,
        note_type="other",
        occurred_at=_ago(minutes=1),
        text="Zoe\u0308 called",  # e + combining diaeresis
    )
    assert note.text == "Zo\u00eb called"


@pytest.mark.parametrize(
    "role,agency",
    [
        ("referrer", "police"),
        ("researcher", "health-gp"),
        ("social_worker", "csc"),
        ("manager", "police"),
        ("auditor", "mash"),
    ],
)
def test_only_the_hub_records_case_notes(make_actor, strategy_contact, role, agency, csc):
    with pytest.raises(PermissionDenied):
        case_note_add(
            actor=make_actor(role, agency),
            contact_id=strategy_contact.pk,
            note_type="other",
            occurred_at=_ago(minutes=1),
            text="x",
        )
    assert not CaseNote.objects.exists()


def test_a_note_on_a_missing_contact_is_not_found(screener, partnership):
    with pytest.raises(NotFound):
        case_note_add(
            actor=screener,
            contact_id="00000000-0000-0000-0000-000000000000",
            note_type="other",
            occurred_at=_ago(minutes=1),
            text="x",
        )


# --- strategy discussions -----------------------------------------------------------------------------------------


def _discussion(actor, contact, **overrides):
    data = {
        "held_at": _ago(minutes=30),
        "attendees": attendees("police", "health-gp", "mash"),
        "section47": True,
        "rationale": "Disclosure and injury: reasonable cause to suspect significant harm.",
        "actions": [
            {"description": "Visit the children", "owner": "Allocated social worker", "due_date": timezone.localdate()},
            {
                "description": "Check PNC",
                "owner": "DS Example",
                "owner_agency_code": "police",
                "due_date": timezone.localdate() + dt.timedelta(days=2),
            },
        ],
    }
    data.update(overrides)
    return strategy_discussion_record(actor=actor, contact_id=contact.pk, **data)


def test_strategy_discussion_after_screening_is_recorded_with_attendees_actions_and_chronology(
    screener, strategy_contact
):
    d = _discussion(screener, strategy_contact)
    assert d.enquiry is None and d.section47 is True and d.missing_agencies_reason == ""
    assert sorted(a.agency.code for a in d.attendees.all()) == ["health-gp", "mash", "police"]
    assert [a.description for a in d.actions.all()] == ["Visit the children", "Check PNC"]
    assert next(a for a in d.actions.all() if a.description == "Check PNC").owner_agency.code == "police"
    audit = AuditEvent.objects.get(object_type="casework.strategydiscussion", action="create")
    assert audit.detail["section47"] is True and audit.detail["missing"] == []
    entries = ChronologyEntry.objects.filter(kind="strategy_discussion", object_id=str(d.pk))
    assert set(entries.values_list("person_id", flat=True)) == _subject_ids(strategy_contact)
    assert entries.first().summary == "Strategy discussion: section 47 enquiry to start"


def test_strategy_discussion_after_a_decision_links_the_enquiry(manager, decided_enquiry):
    d = _discussion(manager, decided_enquiry.contact, section47=False)
    assert d.enquiry == decided_enquiry
    assert ChronologyEntry.objects.filter(object_id=str(d.pk)).first().summary.endswith("no section 47 enquiry")


def test_no_strategy_discussion_without_a_decision_or_screening_outcome_calling_for_one(screener, make_actor):
    contact = contact_record(make_actor("referrer", "police"), received_at=received())
    with pytest.raises(ValidationFailed) as exc:
        _discussion(screener, contact)
    assert "contact" in exc.value.errors
    assert not StrategyDiscussion.objects.exists()


def test_police_and_health_missing_needs_a_reason(screener, strategy_contact):
    with pytest.raises(ValidationFailed) as exc:
        _discussion(screener, strategy_contact, attendees=attendees("mash", "school-oak"))
    message = exc.value.errors["missing_agencies_reason"][0]
    assert "police or health" in message and "Working Together" in message
    with pytest.raises(ValidationFailed) as exc:
        _discussion(screener, strategy_contact, attendees=attendees("mash", "health-gp"))
    assert "No one from police took part" in exc.value.errors["missing_agencies_reason"][0]
    assert not StrategyDiscussion.objects.exists()

    d = _discussion(
        screener,
        strategy_contact,
        attendees=attendees("mash", "health-gp"),
        missing_agencies_reason="Police unavailable out of hours; briefed by phone after.",
    )
    assert d.missing_agencies_reason.startswith("Police unavailable")
    audit = AuditEvent.objects.get(object_type="casework.strategydiscussion")
    assert audit.detail["missing"] == ["police"] and audit.reason.startswith("Police unavailable")


def test_a_reason_given_when_police_and_health_attended_is_not_kept(screener, strategy_contact):
    d = _discussion(screener, strategy_contact, missing_agencies_reason="not needed")
    assert d.missing_agencies_reason == ""


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"attendees": []}, "attendees"),
        ({"attendees": [{"agency_code": "nowhere", "name": "X"}]}, "attendees.0.agency_code"),
        ({"attendees": [{"agency_code": "police", "name": ""}]}, "attendees.0.name"),
        ({"section47": None}, "section47"),
        ({"rationale": ""}, "rationale"),
        ({"held_at": None}, "held_at"),
        ({"held_at": "future"}, "held_at"),
        ({"actions": [{"description": "Visit", "owner": "", "due_date": "2099-01-01"}]}, "actions.0.owner"),
        ({"actions": [{"description": "", "owner": "SW", "due_date": "2099-01-01"}]}, "actions.0.description"),
        ({"actions": [{"description": "Visit", "owner": "SW", "due_date": ""}]}, "actions.0.due_date"),
        ({"actions": [{"description": "Visit", "owner": "SW", "due_date": "2001-01-01"}]}, "actions.0.due_date"),
        ({"actions": [{"description": "Visit", "owner": "SW", "due_date": "soon"}]}, "actions.0.due_date"),
        (
            {"actions": [{"description": "V", "owner": "SW", "owner_agency_code": "nope", "due_date": "2099-01-01"}]},
            "actions.0.owner_agency_code",
        ),
    ],
)
def test_bad_strategy_discussions_are_refused_with_field_messages(screener, strategy_contact, overrides, field):
    if overrides.get("held_at") == "future":
        overrides["held_at"] = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        _discussion(screener, strategy_contact, **overrides)
    assert field in exc.value.errors, exc.value.errors
    assert (StrategyDiscussion.objects.count(), StrategyAttendee.objects.count(), StrategyAction.objects.count()) == (
        0,
        0,
        0,
    )


def test_only_the_hub_records_strategy_discussions(make_actor, strategy_contact, csc):
    for role, agency in (("social_worker", "csc"), ("referrer", "police"), ("researcher", "police")):
        with pytest.raises(PermissionDenied):
            _discussion(make_actor(role, agency), strategy_contact)
    assert not StrategyDiscussion.objects.exists()


# --- allocation -----------------------------------------------------------------------------------------------------


def test_siblings_are_allocated_to_one_worker_in_one_action(manager, worker, strategy_contact):
    ids = [str(p) for p in _subject_ids(strategy_contact)]
    allocations = allocations_assign_together(
        actor=manager, contact_id=strategy_contact.pk, person_ids=ids, worker_membership_id=str(worker.membership.pk)
    )
    assert len(allocations) == 2 and {a.worker for a in allocations} == {worker.user}
    # the referral's open allocations (awaiting a worker) were taken over, not duplicated
    assert CaseAllocation.objects.filter(closed_at__isnull=True).count() == 2
    assert ChronologyEntry.objects.filter(kind="allocation").count() == 2
    (notice,) = Notification.objects.filter(user=worker.user)
    assert notice.message == f"The MASH pack for contact {strategy_contact.reference} has been handed to you"


def test_allocating_a_child_not_in_the_contact_allocates_nobody(manager, worker, strategy_contact, decided_enquiry):
    stranger = decided_enquiry.contact.people.get(role="subject").person_id
    ids = [str(p) for p in _subject_ids(strategy_contact)] + [str(stranger)]
    with pytest.raises(ValidationFailed) as exc:
        allocations_assign_together(
            actor=manager,
            contact_id=strategy_contact.pk,
            person_ids=ids,
            worker_membership_id=str(worker.membership.pk),
        )
    assert "person_ids" in exc.value.errors
    assert not CaseAllocation.objects.filter(worker__isnull=False).exists()
    with pytest.raises(ValidationFailed):
        allocations_assign_together(
            actor=manager, contact_id=strategy_contact.pk, person_ids=[], worker_membership_id=str(worker.membership.pk)
        )


def test_only_managers_allocate_together(screener, worker, strategy_contact):
    with pytest.raises(PermissionDenied):
        allocations_assign_together(
            actor=screener,
            contact_id=strategy_contact.pk,
            person_ids=[str(p) for p in _subject_ids(strategy_contact)],
            worker_membership_id=str(worker.membership.pk),
        )


def test_the_worker_closes_their_own_allocation_with_a_reason(manager, worker, other_worker, strategy_contact):
    ids = [str(p) for p in _subject_ids(strategy_contact)]
    a, _ = allocations_assign_together(
        actor=manager, contact_id=strategy_contact.pk, person_ids=ids, worker_membership_id=str(worker.membership.pk)
    )
    with pytest.raises(NotFound):  # not theirs: answers as if missing
        allocation_close(actor=other_worker, allocation_id=a.pk, reason="Not mine")
    with pytest.raises(ValidationFailed) as exc:
        allocation_close(actor=worker, allocation_id=a.pk, reason=" ")
    assert "reason" in exc.value.errors
    closed = allocation_close(actor=worker, allocation_id=a.pk, reason="Assessment complete: no further action")
    assert closed.closed_at is not None
    audit = AuditEvent.objects.get(object_type="enquiries.caseallocation", action="close")
    assert audit.reason == "Assessment complete: no further action"
    assert ChronologyEntry.objects.filter(kind="allocation", summary="Allocation closed").count() == 1
    with pytest.raises(NotFound):  # closing twice finds nothing open
        allocation_close(actor=manager, allocation_id=a.pk, reason="again")


def test_a_hub_manager_closes_any_allocation_a_screener_none(manager, screener, worker, strategy_contact):
    ids = [str(p) for p in _subject_ids(strategy_contact)]
    a, b = allocations_assign_together(
        actor=manager, contact_id=strategy_contact.pk, person_ids=ids, worker_membership_id=str(worker.membership.pk)
    )
    with pytest.raises(PermissionDenied):
        allocation_close(actor=screener, allocation_id=a.pk, reason="x")
    assert allocation_close(actor=manager, allocation_id=b.pk, reason="Transferred out").closed_at is not None


def test_a_child_whose_own_decision_is_early_help_is_not_offered_for_allocation(referrer, screener, manager, worker):
    """Practitioners' review (December 2026): Debra (s17) and Ella (early help only) in one contact; the packs to
    allocate and the allocate form offered Ella for a social worker too."""
    from openmash.casework.services import allocatable_child_ids
    from tests.support import child, decide, enquiry_open

    enquiry = enquiry_open(
        referrer=referrer,
        screener=screener,
        subjects=[child("Debra", "Twofold", dob="2011-02-02"), child("Ella", "Twofold")],
        received_at=received(),
    )
    people = {cp.person.forename: cp.person for cp in enquiry.contact.people.filter(role="subject")}
    decide(
        manager,
        enquiry,
        outcomes=["assessment_s17"],
        children=[{"person_id": str(people["Ella"].pk), "outcomes": ["early_help"], "threshold_level": 2}],
    )
    contact = enquiry.contact
    assert allocatable_child_ids(contact) == [people["Debra"].pk]
    with pytest.raises(ValidationFailed) as exc:
        allocations_assign_together(
            actor=manager,
            contact_id=contact.pk,
            person_ids=[str(people["Ella"].pk)],
            worker_membership_id=str(worker.membership.pk),
        )
    assert "social care" in exc.value.errors["person_ids"][0]
    from django.test import Client

    client = Client()
    client.force_login(manager.user)
    page = client.get(f"/contacts/{contact.pk}/allocate/").content.decode()
    assert "Debra" in page and "Ella" not in page
