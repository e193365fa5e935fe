"""The hub's workflow (services): screening, RAG timescales from data, re-rating, agency requests and responses,
decisions and referrals, escalation of overdue requests."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.enquiries import selectors
from openmash.enquiries.models import (
    AgencyRequest,
    AgencyResponse,
    CaseAllocation,
    Decision,
    Enquiry,
    Notification,
    RagChange,
    Referral,
    Screening,
)
from openmash.enquiries.services import (
    agency_requests_create,
    agency_requests_escalate_overdue,
    agency_response_record,
    enquiry_decide,
    enquiry_rerate,
    screening_record,
)
from openmash.partnership.services import outcome_code_set_active, rag_levels_update
from openmash.partnership.setting_changes import setting_change_decide
from tests.support import (
    allocation_open,
    child,
    contact_record,
    decide,
    enquiry_open,
    requests_send,
    respond,
    row_counts,
    screen,
    subject_person,
)

LONDON = ZoneInfo("Europe/London")
FRIDAY_4PM = dt.datetime(2026, 1, 9, 16, tzinfo=LONDON)


def _errors(exc_info) -> dict:
    return exc_info.value.errors


# --- screening -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "status"), [("nfa_advice", "closed"), ("early_help", "closed")])
def test_screening_closes_and_tells_the_referrer(referrer, screener, outcome, status):
    contact = contact_record(referrer)
    screening = screen(screener, contact, outcome=outcome)
    contact.refresh_from_db()
    assert contact.status == status and contact.version == 2
    assert screening.outcome == outcome and screening.screened_by == screener.user
    assert not Enquiry.objects.filter(contact=contact).exists()
    note = Notification.objects.get(user=referrer.user, contact=contact)
    assert contact.reference in note.message and "Amelia" not in note.message
    assert AuditEvent.objects.filter(action="screen", object_id=str(contact.pk), detail__outcome=outcome).exists()
    assert subject_person(contact).chronology.filter(kind="screening").exists()


def test_screening_into_an_enquiry_opens_it_at_the_rag_rating(referrer, screener):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="mash_enquiry", rag="red")
    contact.refresh_from_db()
    assert contact.status == "in_enquiry"
    enquiry = contact.enquiry
    assert (enquiry.status, enquiry.rag) == ("open", "red")
    assert RagChange.objects.get(enquiry=enquiry).to_rag == "red"
    assert not Notification.objects.filter(user=referrer.user).exists()  # the referrer hears at the decision


def test_screening_straight_to_strategy_makes_referrals(referrer, screener):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="strategy")
    contact.refresh_from_db()
    assert contact.status == "strategy"
    referral = Referral.objects.get(contact=contact)
    assert referral.person == subject_person(contact) and referral.outcome_code == "strategy_s47"
    assert CaseAllocation.objects.filter(person=referral.person, closed_at__isnull=True).exists()
    assert Notification.objects.filter(user=referrer.user, contact=contact).exists()


def test_screening_to_allocated_worker(make_actor, referrer, screener):
    contact = contact_record(referrer)
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(contact), worker)  # allocated after the contact came in
    screen(screener, contact, outcome="allocated_worker")
    contact.refresh_from_db()
    assert contact.status == "with_allocated_worker" and contact.routed_to == worker.user
    assert Notification.objects.filter(user=worker.user, contact=contact).exists()
    # The referrer is not told: that would reveal the child has an allocated social worker (issue 5, fault 6).
    assert not Notification.objects.filter(user=referrer.user, contact=contact).exists()


@pytest.mark.parametrize(
    ("outcome", "rag", "rationale", "field"),
    [
        ("allocated_worker", "", "Open to a worker", "outcome"),  # no child here has an allocated worker
        ("mash_enquiry", "", "Needs checks", "rag"),
        ("mash_enquiry", "purple", "Needs checks", "rag"),
        ("nfa_advice", "red", "Nothing to do", "rag"),
        ("nfa_advice", "", "   ", "rationale"),
        ("made_up", "", "Because", "outcome"),
    ],
)
def test_bad_screening_changes_nothing(referrer, screener, outcome, rag, rationale, field):
    contact = contact_record(referrer)
    before = row_counts()
    with pytest.raises(ValidationFailed) as exc:
        screening_record(actor=screener, contact_id=contact.pk, outcome=outcome, rationale=rationale, rag=rag)
    assert field in _errors(exc)
    assert row_counts() == before
    contact.refresh_from_db()
    assert contact.status == "awaiting_screening" and contact.version == 1


def test_second_screening_is_a_conflict(referrer, screener, make_actor):
    contact = contact_record(referrer)
    screen(screener, contact, outcome="nfa_advice")
    with pytest.raises(Conflict):
        screen(make_actor("screener", "mash"), contact, outcome="early_help")
    assert Screening.objects.filter(contact=contact).count() == 1
    assert Screening.objects.get(contact=contact).outcome == "nfa_advice"


@pytest.mark.parametrize(("role", "agency"), [("screener", "police"), ("researcher", "mash"), ("referrer", "police")])
def test_only_hub_staff_screen(make_actor, referrer, role, agency):
    contact = contact_record(referrer)
    with pytest.raises(PermissionDenied):
        screen(make_actor(role, agency), contact, outcome="nfa_advice")
    assert not Screening.objects.exists()


# --- RAG timescales are data -------------------------------------------------------------------------------------


def test_rag_due_times_come_from_the_partnerships_rag_levels(make_actor, referrer, screener):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        red = enquiry_open(referrer=referrer, screener=screener, rag="red")
        amber = enquiry_open(referrer=referrer, screener=screener, rag="amber")
        green = enquiry_open(referrer=referrer, screener=screener, rag="green")
    assert red.due_at.astimezone(LONDON) == dt.datetime(2026, 1, 12, 12, tzinfo=LONDON)  # 4 working hours
    assert amber.due_at.astimezone(LONDON) == dt.datetime(2026, 1, 14, 16, tzinfo=LONDON)  # 24 working hours
    assert green.due_at.astimezone(LONDON) == dt.datetime(2026, 1, 22, 16, tzinfo=LONDON)  # 72 working hours

    admin = make_actor("partnership_admin", "mash")
    change = rag_levels_update(actor=admin, hours={"red": 8})  # longer: waits for a second admin (ADR 0019)
    setting_change_decide(actor=make_actor("partnership_admin", "mash"), change_id=change.pk, approve=True)
    with time_machine.travel(FRIDAY_4PM, tick=False):
        red8 = enquiry_open(referrer=referrer, screener=screener, rag="red")
    assert red8.due_at.astimezone(LONDON) == dt.datetime(2026, 1, 12, 16, tzinfo=LONDON)
    assert AuditEvent.objects.filter(action="update", object_type="partnership.raglevel").exists()


def test_new_rag_level_added_as_data_can_be_used(referrer, screener):
    from openmash.partnership.models import RagLevel

    RagLevel.objects.create(code="critical", label="Critical", working_hours=1, sort_order=0)
    with time_machine.travel(FRIDAY_4PM, tick=False):
        enquiry = enquiry_open(referrer=referrer, screener=screener, rag="critical")
    assert enquiry.due_at.astimezone(LONDON) == dt.datetime(2026, 1, 9, 17, tzinfo=LONDON)


def test_only_partnership_admins_change_rag_levels(screener, manager):
    for actor in (screener, manager):
        with pytest.raises(PermissionDenied):
            rag_levels_update(actor=actor, hours={"red": 1})


# --- re-rating -----------------------------------------------------------------------------------------------


def test_rerate_recomputes_due_times_of_enquiry_and_open_requests(make_enquiry, screener, health, make_actor):
    with time_machine.travel(FRIDAY_4PM - dt.timedelta(days=4), tick=False):  # Monday 16:00
        enquiry = make_enquiry(rag="green")
        gp, police = requests_send(screener, enquiry, "health-gp", "police")
        respond(make_actor("researcher", "police"), police)
    police_due_before = AgencyRequest.objects.get(pk=police.pk).due_at
    AgencyRequest.objects.filter(pk=gp.pk).update(escalated_at=timezone.now())

    with time_machine.travel(FRIDAY_4PM, tick=False):
        updated = enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag="red", reason="Disclosure", version=1)
    expected = dt.datetime(2026, 1, 12, 12, tzinfo=LONDON)
    assert updated.rag == "red" and updated.version == 2
    assert updated.due_at == expected
    gp.refresh_from_db()
    # red leaves 4 working hours: the agency gets half (the lead is capped at half the time left), Monday 10:00
    assert gp.due_at == dt.datetime(2026, 1, 12, 10, tzinfo=LONDON) and gp.escalated_at is None
    assert AgencyRequest.objects.get(pk=police.pk).due_at == police_due_before  # answered: left alone
    change = RagChange.objects.filter(enquiry=enquiry).order_by("changed_at").last()
    assert (change.from_rag, change.to_rag, change.reason) == ("green", "red", "Disclosure")
    assert AuditEvent.objects.filter(action="update", object_id=str(enquiry.pk), detail__rag=["green", "red"]).exists()


@pytest.mark.parametrize(
    ("rag", "reason", "field"),
    [("red", "", "reason"), ("red", "   ", "reason"), ("purple", "Why not", "rag"), ("amber", "Same again", "rag")],
)
def test_rerate_validation_changes_nothing(make_enquiry, screener, rag, reason, field):
    enquiry = make_enquiry(rag="amber")
    before = row_counts()
    with pytest.raises(ValidationFailed) as exc:
        enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag=rag, reason=reason, version=enquiry.version)
    assert field in _errors(exc)
    assert row_counts() == before
    enquiry.refresh_from_db()
    assert (enquiry.rag, enquiry.version) == ("amber", 1)


def test_rerate_with_stale_version_is_a_conflict(make_enquiry, screener, manager):
    enquiry = make_enquiry(rag="amber")
    enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag="red", reason="Escalating", version=1)
    with pytest.raises(Conflict):
        enquiry_rerate(actor=manager, enquiry_id=enquiry.pk, rag="green", reason="Calmer", version=1)
    enquiry.refresh_from_db()
    assert (enquiry.rag, enquiry.version) == ("red", 2)
    assert RagChange.objects.filter(enquiry=enquiry).count() == 2  # initial rating + one re-rating


def test_stale_version_is_a_conflict_even_when_asking_for_the_current_rating(make_enquiry, screener, manager):
    enquiry = make_enquiry(rag="amber")
    enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag="red", reason="Escalating", version=1)
    with pytest.raises(Conflict):
        enquiry_rerate(actor=manager, enquiry_id=enquiry.pk, rag="red", reason="Also escalating", version=1)


def test_decided_enquiry_cannot_be_rerated(make_enquiry, screener, manager):
    enquiry = make_enquiry()
    decide(manager, enquiry)
    enquiry.refresh_from_db()
    with pytest.raises(Conflict):
        enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag="red", reason="Late", version=enquiry.version)


# --- agency requests -----------------------------------------------------------------------------------------


def test_requests_go_to_known_non_hub_agencies_due_four_working_hours_before_the_enquiry(make_enquiry, screener):
    from openmash.partnership.selectors import working_calendar_get

    enquiry = make_enquiry()
    created = requests_send(screener, enquiry, "health-gp", "police", "health-gp")  # the repeat is ignored
    assert sorted(r.agency.code for r in created) == ["health-gp", "police"]
    calendar = working_calendar_get()
    assert all(r.status == "open" and r.due_at < enquiry.due_at for r in created)
    assert {calendar.working_minutes_between(r.due_at, enquiry.due_at) for r in created} == {4 * 60}
    assert AuditEvent.objects.filter(action="create", object_type="enquiries.agencyrequest").count() == 2


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["mash"], "Unknown agency: mash"),  # the hub does not ask itself
        (["nowhere"], "Unknown agency: nowhere"),
        (["health-gp", "nowhere"], "Unknown agency: nowhere"),
        ([], "at least one"),
    ],
)
def test_bad_request_targets_change_nothing(make_enquiry, screener, codes, message):
    enquiry = make_enquiry()
    before = row_counts()
    with pytest.raises(ValidationFailed) as exc:
        agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=codes)
    assert any(message in m for m in _errors(exc)["agency_codes"])
    assert row_counts() == before


def test_an_agency_is_asked_only_once(make_enquiry, screener):
    enquiry = make_enquiry()
    requests_send(screener, enquiry, "health-gp")
    with pytest.raises(ValidationFailed) as exc:
        requests_send(screener, enquiry, "health-gp", "police")
    assert "Already asked: health-gp" in _errors(exc)["agency_codes"]
    assert AgencyRequest.objects.filter(enquiry=enquiry).count() == 1


def test_no_requests_after_the_decision(make_enquiry, screener, manager):
    enquiry = make_enquiry()
    decide(manager, enquiry)
    with pytest.raises(Conflict):
        requests_send(screener, enquiry, "police")


def test_researcher_inbox_shows_only_their_agencys_requests(make_enquiry, screener, health, school):
    one, two = make_enquiry(), make_enquiry()
    requests_send(screener, one, "health-gp", "school-oak")
    requests_send(screener, two, "school-oak")
    assert {(r.agency.code, r.enquiry_id) for r in selectors.agency_inbox(actor=health)} == {("health-gp", one.pk)}
    assert {r.enquiry_id for r in selectors.agency_inbox(actor=school)} == {one.pk, two.pk}
    assert all(r.agency.code == "school-oak" for r in selectors.agency_inbox(actor=school))


def test_inbox_is_for_researchers_only(screener):
    with pytest.raises(PermissionDenied):
        selectors.agency_inbox(actor=screener)


# --- responses -----------------------------------------------------------------------------------------------


def test_response_is_one_step(make_enquiry, screener, health):
    [request] = requests_send(screener, make_enquiry(), "health-gp")
    response = respond(health, request, risk_indicators=["injury", "injury", "neglect"], sensitivity="sensitive")
    request.refresh_from_db()
    assert request.status == "responded" and request.version == 2
    assert response.risk_indicators == ["injury", "neglect"] and response.sensitivity == "sensitive"
    assert AuditEvent.objects.filter(action="create", object_type="enquiries.agencyresponse").exists()
    person = subject_person(request.enquiry.contact)
    assert person.chronology.filter(kind="agency_response", summary__contains="information shared").exists()


def test_no_information_held(make_enquiry, screener, health):
    [request] = requests_send(screener, make_enquiry(), "health-gp")
    response = agency_response_record(actor=health, request_id=request.pk, no_information=True)
    assert response.no_information and response.summary == ""


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"no_information": True, "summary": "But we do know something"}, "no_information"),
        ({"no_information": True, "risk_indicators": ["injury"]}, "no_information"),
        ({"no_information": False, "summary": ""}, "summary"),
        ({"no_information": False, "summary": "Known", "risk_indicators": ["astrology"]}, "risk_indicators"),
        ({"no_information": False, "summary": "Known", "sensitivity": "top_secret"}, "sensitivity"),
        ({"no_information": False, "summary": "Known", "relevant_dates": "x" * 501}, "relevant_dates"),
    ],
)
def test_bad_responses_change_nothing(make_enquiry, screener, health, kwargs, field):
    [request] = requests_send(screener, make_enquiry(), "health-gp")
    before = row_counts()
    with pytest.raises(ValidationFailed) as exc:
        agency_response_record(actor=health, request_id=request.pk, **kwargs)
    assert field in _errors(exc)
    assert row_counts() == before
    request.refresh_from_db()
    assert request.status == "open"


def test_second_response_is_a_conflict(make_enquiry, screener, health, make_actor):
    [request] = requests_send(screener, make_enquiry(), "health-gp")
    respond(health, request)
    with pytest.raises(Conflict):
        respond(make_actor("researcher", "health-gp"), request, summary="Another view")
    assert AgencyResponse.objects.filter(request=request).count() == 1


def test_other_agencies_cannot_answer(make_enquiry, screener, school):
    [request] = requests_send(screener, make_enquiry(), "health-gp")
    with pytest.raises(NotFound):
        respond(school, request)
    with pytest.raises(PermissionDenied):
        respond(screener, request)


# --- decisions -----------------------------------------------------------------------------------------------


def test_decision_is_for_managers_only(make_enquiry, screener, referrer, make_actor):
    enquiry = make_enquiry()
    for actor in (screener, referrer, make_actor("manager", "police")):
        with pytest.raises(PermissionDenied):
            decide(actor, enquiry)
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("outcomes", "threshold", "rationale", "field"),
    [
        (["assessment_s17", "made_up"], 3, "Because", "outcomes"),
        ([], 3, "Because", "outcomes"),
        (["nfa"], 9, "Because", "threshold_level"),
        (["nfa"], 2, "", "rationale"),
    ],
)
def test_bad_decision_changes_nothing(make_enquiry, manager, outcomes, threshold, rationale, field):
    enquiry = make_enquiry()
    before = row_counts()
    with pytest.raises(ValidationFailed) as exc:
        enquiry_decide(
            actor=manager, enquiry_id=enquiry.pk, outcomes=outcomes, threshold_level=threshold, rationale=rationale
        )
    assert field in _errors(exc)
    assert row_counts() == before
    enquiry.refresh_from_db()
    assert enquiry.status == "open"


def test_inactive_outcome_is_rejected(make_enquiry, manager, make_actor):
    change = outcome_code_set_active(actor=make_actor("partnership_admin", "mash"), code="police_action", active=False)
    setting_change_decide(actor=make_actor("partnership_admin", "mash"), change_id=change.pk, approve=True)
    with pytest.raises(ValidationFailed):
        decide(manager, make_enquiry(), outcomes=["police_action"])


def test_assessment_makes_a_referral_for_each_subject_child(referrer, screener, manager):
    subjects = [child("Amelia", "Testchild"), child("Bobby", "Testchild", dob="2016-09-09")]
    narrative = "Private narrative about the family"
    enquiry = enquiry_open(referrer=referrer, screener=screener, subjects=subjects, narrative=narrative)
    decision = decide(manager, enquiry, outcomes=["assessment_s17", "police_action"], threshold_level=3)
    assert decision.outcomes == ["assessment_s17", "police_action"]

    contact = Contact.objects.get(pk=enquiry.contact_id)
    assert contact.status == "decided"
    children = set(contact.people.filter(role="subject").values_list("person_id", flat=True))
    referrals = Referral.objects.filter(contact=contact)
    assert {r.person_id for r in referrals} == children and len(children) == 2  # not the household adult
    assert all(r.outcome_code == "assessment_s17" and not r.is_re_referral for r in referrals)
    assert all(r.source_code == "6" for r in referrals)
    assert CaseAllocation.objects.filter(person_id__in=children, closed_at__isnull=True).count() == 2

    [note] = Notification.objects.filter(user=referrer.user, contact=contact)
    assert contact.reference in note.message
    for personal in ("Amelia", "Bobby", "Testchild", "Testadult", "Dean", narrative, "2018", "9434765919"):
        assert personal not in note.message


def test_outcome_without_referral(make_enquiry, manager, referrer):
    enquiry = make_enquiry()
    decide(manager, enquiry, outcomes=["early_help"], threshold_level=2)
    assert not Referral.objects.exists()
    assert Notification.objects.filter(user=referrer.user).count() == 1


def test_second_decision_is_a_conflict(make_enquiry, manager, make_actor):
    enquiry = make_enquiry()
    decide(manager, enquiry)
    with pytest.raises(Conflict):
        decide(make_actor("manager", "mash"), enquiry, outcomes=["nfa"], threshold_level=1)
    assert Decision.objects.get(enquiry=enquiry).outcomes == ["assessment_s17"]
    assert Referral.objects.count() == 1


def _referral_then_again(referrer, screener, manager, months_ago: int) -> Referral:
    """Refer a child `months_ago` months back, then refer the same child today; return today's referral."""
    back = timezone.now() - dt.timedelta(days=round(months_ago * 30.44))
    with time_machine.travel(back, tick=False):
        first = enquiry_open(referrer=referrer, screener=screener)
        decide(manager, first)
    person = subject_person(first.contact)
    assert Referral.objects.get(person=person).referral_date == timezone.localtime(back).date()
    second = enquiry_open(referrer=referrer, screener=screener, subjects=[{"person_id": str(person.pk)}])
    decide(manager, second)
    return Referral.objects.get(contact=second.contact, person=person)


def test_re_referral_within_twelve_months_is_flagged(referrer, screener, manager):
    referral = _referral_then_again(referrer, screener, manager, months_ago=11)
    assert referral.is_re_referral
    assert referral.person.chronology.filter(kind="referral", summary__contains="re-referral").exists()


def test_referral_more_than_twelve_months_ago_is_not_a_re_referral(referrer, screener, manager):
    referral = _referral_then_again(referrer, screener, manager, months_ago=13)
    assert not referral.is_re_referral


def test_re_referral_window_is_partnership_data(referrer, screener, manager):
    from openmash.partnership.models import PartnershipSettings

    PartnershipSettings.objects.update(re_referral_months=18)
    assert _referral_then_again(referrer, screener, manager, months_ago=13).is_re_referral


def test_another_childs_referral_does_not_flag(referrer, screener, manager):
    with time_machine.travel(timezone.now() - dt.timedelta(days=60), tick=False):
        decide(manager, enquiry_open(referrer=referrer, screener=screener))
    enquiry = enquiry_open(referrer=referrer, screener=screener, subjects=[child("Other", "Child", dob="2015-05-05")])
    decide(manager, enquiry)
    assert not Referral.objects.get(contact=enquiry.contact).is_re_referral


# --- escalation of overdue requests ----------------------------------------------------------------------------


def test_overdue_requests_are_escalated_once(make_enquiry, screener, manager, health, school, make_actor):
    other_manager = make_actor("manager", "mash")
    police_researcher = make_actor("researcher", "police")
    police_manager = make_actor("manager", "police")  # not a hub manager
    enquiry = make_enquiry(rag="amber")
    gp, oak, police = requests_send(screener, enquiry, "health-gp", "school-oak", "police")
    respond(police_researcher, police)
    not_yet = agency_requests_escalate_overdue(now=gp.due_at - dt.timedelta(minutes=1))
    assert not_yet == 0 and not Notification.objects.exists()

    later = gp.due_at + dt.timedelta(hours=1)
    assert agency_requests_escalate_overdue(now=later) == 2

    def notes(actor):
        return list(Notification.objects.filter(user=actor.user).values_list("message", flat=True))

    assert len(notes(manager)) == 2 and len(notes(other_manager)) == 2
    assert len(notes(health)) == 1 and "Riverside GP Practice" in notes(health)[0]
    assert len(notes(school)) == 1 and "Oakfield" in notes(school)[0]
    assert notes(police_researcher) == [] and notes(screener) == [] and notes(police_manager) == []
    for message in notes(manager):
        assert enquiry.contact.reference in message
        assert "Amelia" not in message and "Testchild" not in message
    gp.refresh_from_db()
    police.refresh_from_db()
    assert gp.escalated_at == later and police.escalated_at is None
    escalations = AuditEvent.objects.filter(action="escalate")
    assert escalations.count() == 2 and set(escalations.values_list("actor_username", flat=True)) == {"system"}

    total = Notification.objects.count()
    assert agency_requests_escalate_overdue(now=later + dt.timedelta(hours=5)) == 0
    assert Notification.objects.count() == total and AuditEvent.objects.filter(action="escalate").count() == 2


def test_escalate_overdue_command(make_enquiry, screener, manager, capsys):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
        requests_send(screener, make_enquiry(rag="red"), "health-gp")
    call_command("escalate_overdue")
    assert "Escalated 1 overdue request(s)." in capsys.readouterr().out
    call_command("escalate_overdue")
    assert "Escalated 0 overdue request(s)." in capsys.readouterr().out
    assert Notification.objects.filter(user=manager.user).count() == 1


def test_contact_payload_default_is_valid_for_the_hub_flow(referrer, screener):
    """Guard for the shared fixture: the default payload goes through intake and screening."""
    contact = contact_record(referrer, subjects=contact_payload()["subjects"])
    assert screen(screener, contact).outcome == "mash_enquiry"


def test_requests_of_a_decided_enquiry_are_not_escalated(make_enquiry, screener, manager, health):
    enquiry = make_enquiry(rag="red")
    requests_send(screener, enquiry, "health-gp")
    decide(manager, enquiry)
    before = Notification.objects.count()
    assert agency_requests_escalate_overdue(now=enquiry.due_at + dt.timedelta(days=1)) == 0
    assert Notification.objects.count() == before


def test_an_overdue_response_of_an_agency_whose_name_ends_in_s_reads_well(make_enquiry, screener, health):
    """Practitioners' review: "Riverside GP Practices's response" -- a name ending in s takes the apostrophe alone."""
    from openmash.accounts.models import Agency

    Agency.objects.filter(code="health-gp").update(name="Riverside GP Practices")
    (gp,) = requests_send(screener, make_enquiry(rag="amber"), "health-gp")
    agency_requests_escalate_overdue(now=gp.due_at + dt.timedelta(hours=1))
    message = Notification.objects.filter(user=health.user).values_list("message", flat=True).get()
    assert "Riverside GP Practices' response" in message and "Practices's" not in message
