"""Safety faults a MASH practitioner found (this branch): each rule is checked in the service, the API and the page.

1. A contact with immediate risk could be closed as "no further action / advice" (or early help) by one screener
   with no challenge: now a MASH manager only, with a recorded reason; a screener is told the rule.
2. A red immediate-risk enquiry received Monday 16:53 was due 12:57 the next day (agency requests 10:58): immediate
   risk now runs by the clock (enquiries.timescales), and a due time outside hub hours says to hand over now.
3. The agency researchers' inbox showed no RAG or immediate risk and sorted by due time only.
4. A screened enquiry started "Held by: Nobody yet": the screener who opened it holds it.
5. Re-screening your own screened contact said "already been screened by someone else".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.enquiries.models import AgencyRequest, Enquiry, Screening
from openmash.enquiries.services import screening_record
from openmash.enquiries.timescales import OUTSIDE_HUB_HOURS_MESSAGE
from tests.support import contact_record, enquiry_open, requests_send, screen

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
URGENT = {"immediate_risk": True, "immediate_risk_detail": "Says she cannot go home tonight"}
# A Monday (GMT) at 16:53, seven minutes before the hub (09:00-17:00) closes: the reviewer's example.
MONDAY_1653 = dt.datetime(2026, 11, 23, 16, 53, tzinfo=LONDON)


def _login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


# --- 1. closing an immediate-risk contact at screening ------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["nfa_advice", "early_help"])
def test_a_screener_cannot_close_an_immediate_risk_contact_api(api, referrer, screener, outcome):
    contact = contact_record(referrer, **URGENT)
    r = api(screener).post(f"/contacts/{contact.pk}/screening", {"outcome": outcome, "rationale": "ok"})
    assert r.status_code == 422, r.content
    message = r.json()["errors"]["outcome"][0]
    assert "immediate risk" in message and "only a MASH manager" in message and "recorded reason" in message
    assert Contact.objects.get(pk=contact.pk).status == "awaiting_screening"
    assert not Screening.objects.filter(contact=contact).exists()


def test_a_manager_closes_one_only_with_a_reason_kept_and_audited(api, referrer, manager, screener):
    contact = contact_record(referrer, **URGENT)
    client = api(manager)
    bare = client.post(f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "ok"})
    assert bare.status_code == 422 and "exception_reason" in bare.json()["errors"]
    reason = "Police removed the alleged perpetrator; children safe with their mother"
    done = client.post(
        f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "ok", "exception_reason": reason}
    )
    assert done.status_code == 201, done.content
    assert done.json()["screening"]["exception_reason"] == reason
    assert Screening.objects.get(contact=contact).exception_reason == reason
    event = AuditEvent.objects.get(action="screen", object_id=str(contact.pk))
    assert event.detail["exception"] == "immediate_risk_closed"


def test_the_rule_touches_only_closing_an_immediate_risk_contact(referrer, screener):
    routine = contact_record(referrer)
    assert screen(screener, routine, outcome="nfa_advice").exception_reason == ""  # routine: as before
    urgent = contact_record(referrer, **URGENT)
    screen(screener, urgent, outcome="strategy")  # a strategy discussion is not closing it
    urgent.refresh_from_db()
    assert urgent.status == "strategy"


def test_the_page_warns_a_screener_before_and_refuses_after(referrer, screener):
    contact = contact_record(referrer, **URGENT)
    client = _login(screener)
    page = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'data-testid="immediate-risk-warning"' in page and "only a MASH manager can close it" in page
    # the reason is asked for rating it Green (test_monday_review), never offered for closing it
    assert "Required if you open a MASH enquiry rated Green:" in page and "or if you choose no further" not in page
    r = client.post(f"/contacts/{contact.pk}/screen/", {"outcome": "nfa_advice", "rationale": "ok"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "govuk-error-summary" in body and "only a MASH manager can close it" in body
    assert Contact.objects.get(pk=contact.pk).status == "awaiting_screening"


def test_the_page_asks_a_manager_for_the_reason(referrer, manager):
    contact = contact_record(referrer, **URGENT)
    client = _login(manager)
    page = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'data-testid="immediate-risk-warning"' in page and 'name="exception_reason"' in page
    r = client.post(f"/contacts/{contact.pk}/screen/", {"outcome": "early_help", "rationale": "ok"})
    assert r.status_code == 200 and "Give the reason for closing a contact with immediate risk" in r.content.decode()
    r = client.post(
        f"/contacts/{contact.pk}/screen/",
        {"outcome": "early_help", "rationale": "ok", "exception_reason": "Family accepted help; risk removed"},
    )
    assert r.status_code == 302
    assert Screening.objects.get(contact=contact).exception_reason == "Family accepted help; risk removed"


# --- 2. immediate risk runs by the clock --------------------------------------------------------------------------


def test_a_red_immediate_risk_enquiry_is_due_by_the_clock_and_its_requests_before(referrer, screener):
    with time_machine.travel(MONDAY_1653, tick=False):
        urgent = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653, **URGENT)
        routine = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653)
        (request,) = requests_send(screener, urgent, "health-gp")
        (routine_request,) = requests_send(screener, routine, "health-gp")
    local = lambda moment: moment.astimezone(LONDON).replace(tzinfo=None)  # noqa: E731
    assert local(urgent.due_at) == dt.datetime(2026, 11, 23, 20, 53)  # 4 hours by the clock, not Tuesday 12:53
    assert local(request.due_at) == dt.datetime(2026, 11, 23, 18, 53)  # 2 hours before, by the clock
    assert local(routine.due_at) == dt.datetime(2026, 11, 24, 12, 53)  # routine red: 4 working hours, as before
    assert local(routine_request.due_at) == dt.datetime(2026, 11, 24, 10, 53)


def test_a_rerating_keeps_the_clock_for_immediate_risk(referrer, screener):
    from openmash.enquiries.services import enquiry_rerate

    with time_machine.travel(MONDAY_1653, tick=False):
        urgent = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653, **URGENT)
        requests_send(screener, urgent, "health-gp")
        enquiry_rerate(actor=screener, enquiry_id=urgent.pk, rag="amber", reason="New information", version=1)
    urgent.refresh_from_db()
    assert urgent.due_at == MONDAY_1653 + dt.timedelta(hours=4)  # amber's 24 working hours would be Thursday
    assert AgencyRequest.objects.get(enquiry=urgent).due_at == MONDAY_1653 + dt.timedelta(hours=2)


def test_due_outside_hub_hours_is_said_plainly_on_the_pages_and_in_the_api(api, referrer, screener):
    with time_machine.travel(MONDAY_1653, tick=False):
        urgent = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653, **URGENT)
        waiting = contact_record(referrer, received_at=MONDAY_1653, **URGENT)  # screening due 17:53, by the clock
        routine = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653)
        client = _login(screener)
        enquiry_page = client.get(f"/enquiries/{urgent.pk}/").content.decode()
        routine_page = client.get(f"/enquiries/{routine.pk}/").content.decode()
        enquiry_list = client.get("/enquiries/").content.decode()
        queue = client.get("/screening/").content.decode()
        screen_page = client.get(f"/contacts/{waiting.pk}/screen/").content.decode()
        api_enquiries = {i["id"]: i for i in api(screener).get("/enquiries").json()["items"]}
        api_queue = {i["id"]: i for i in api(screener).get("/screening-queue").json()["items"]}
    assert OUTSIDE_HUB_HOURS_MESSAGE in enquiry_page and OUTSIDE_HUB_HOURS_MESSAGE not in routine_page
    assert enquiry_list.count(OUTSIDE_HUB_HOURS_MESSAGE) == 1
    assert OUTSIDE_HUB_HOURS_MESSAGE in queue and OUTSIDE_HUB_HOURS_MESSAGE in screen_page
    assert api_enquiries[str(urgent.pk)]["due_outside_hub_hours"] is True
    assert api_enquiries[str(routine.pk)]["due_outside_hub_hours"] is False
    assert api_queue[str(waiting.pk)]["due_outside_hub_hours"] is True


def test_the_partnership_sets_the_immediate_risk_timescales(make_actor, referrer, screener):
    from openmash.partnership.models import PartnershipSettings

    admin = _login(make_actor("partnership_admin", "mash"))
    bad = admin.post(
        "/partnership/",
        {"form": "immediate_enquiry", "immediate_risk_enquiry_hours": "2", "immediate_risk_agency_lead_minutes": "120"},
    )
    assert bad.status_code == 200 and "shorter than the time the enquiry is due in" in bad.content.decode()
    ok = admin.post(
        "/partnership/",
        {"form": "immediate_enquiry", "immediate_risk_enquiry_hours": "2", "immediate_risk_agency_lead_minutes": "30"},
    )
    assert ok.status_code == 302
    s = PartnershipSettings.objects.get()
    assert (s.immediate_risk_enquiry_hours, s.immediate_risk_agency_lead_minutes) == (2, 30)
    assert AuditEvent.objects.filter(action="update", detail__immediate_risk_enquiry=[[4, 120], [2, 30]]).exists()
    with time_machine.travel(MONDAY_1653, tick=False):
        urgent = enquiry_open(referrer=referrer, screener=screener, rag="red", received_at=MONDAY_1653, **URGENT)
        (request,) = requests_send(screener, urgent, "health-gp")
    assert urgent.due_at == MONDAY_1653 + dt.timedelta(hours=2)
    assert request.due_at == MONDAY_1653 + dt.timedelta(minutes=90)


# --- 3. the agency researchers' inbox ------------------------------------------------------------------------------


def test_the_inbox_shows_rag_and_immediate_risk_and_puts_them_first(api, referrer, screener, health):
    older = []
    for rag in ("amber", "green", "amber"):
        enquiry = enquiry_open(referrer=referrer, screener=screener, rag=rag)
        requests_send(screener, enquiry, "health-gp")
        older.append(enquiry)
    red = enquiry_open(referrer=referrer, screener=screener, rag="red")
    requests_send(screener, red, "health-gp")
    urgent = enquiry_open(referrer=referrer, screener=screener, rag="red", **URGENT)
    requests_send(screener, urgent, "health-gp")
    AgencyRequest.objects.filter(enquiry__in=older).update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # older
    items = api(health).get("/agency-requests").json()["items"]
    assert [i["reference"] for i in items[:2]] == [urgent.contact.reference, red.contact.reference]
    assert (items[0]["rag"], items[0]["immediate_risk"]) == ("red", True)
    assert (items[1]["rag"], items[1]["immediate_risk"]) == ("red", False)
    assert {i["rag"] for i in items[2:]} == {"amber", "green"}
    assert "immediate_risk_detail" not in items[0] and "narrative" not in items[0]  # how urgent, never why
    page = _login(health).get("/requests/").content.decode()
    assert (
        page.index(urgent.contact.reference)
        < page.index(red.contact.reference)
        < page.index(older[0].contact.reference)
    )
    assert 'data-testid="immediate-risk">Immediate risk' in page and 'data-testid="rag">Red' in page
    assert URGENT["immediate_risk_detail"] not in page
    detail = _login(health).get(f"/requests/{AgencyRequest.objects.get(enquiry=urgent).pk}/").content.decode()
    assert 'data-testid="request-urgency"' in detail and "Immediate risk" in detail


# --- 4. the screener holds the enquiry they opened ------------------------------------------------------------------


def test_the_screener_who_opens_an_enquiry_holds_it(api, referrer, screener):
    contact = contact_record(referrer)
    r = api(screener).post(
        f"/contacts/{contact.pk}/screening", {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Checks"}
    )
    assert r.status_code == 201
    enquiry = Enquiry.objects.get(contact=contact)
    assert enquiry.assigned_to_id == screener.user.pk and enquiry.assigned_at is not None
    event = AuditEvent.objects.get(action="take", object_id=str(enquiry.pk))
    assert event.reason == "screened" and event.detail == {"from": None, "to": str(screener.user.pk)}
    page = _login(screener).get(f"/enquiries/{enquiry.pk}/").content.decode()
    assert "Nobody yet" not in page
    listed = api(screener).get("/enquiries", assigned="me").json()["items"]
    assert [i["id"] for i in listed] == [str(enquiry.pk)]


# --- 5. who screened it, and when -----------------------------------------------------------------------------------


def test_screening_again_says_who_screened_it_and_when(referrer, screener, make_actor):
    contact = contact_record(referrer)
    with time_machine.travel(dt.datetime(2026, 11, 23, 14, 5, tzinfo=LONDON), tick=False):
        screen(screener, contact, outcome="nfa_advice")
    with pytest.raises(Conflict) as mine:
        screening_record(actor=screener, contact_id=contact.pk, outcome="nfa_advice", rationale="again")
    assert "someone else" not in mine.value.message
    assert mine.value.message.startswith("You have already screened this contact, at 23 November 2026 at 2:05pm")
    other = make_actor("screener", "mash")
    with pytest.raises(Conflict) as theirs:
        screening_record(actor=other, contact_id=contact.pk, outcome="nfa_advice", rationale="again")
    name = screener.user.display_name or screener.user.username
    assert f"already been screened by {name}, at 23 November 2026 at 2:05pm" in theirs.value.message
    page = _login(screener).get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert "You have already screened this contact, at 23 November 2026 at 2:05pm" in page


def test_a_validation_error_is_not_mistaken_for_a_lost_race(referrer, screener):
    contact = contact_record(referrer, **URGENT)
    with pytest.raises(ValidationFailed):
        screening_record(actor=screener, contact_id=contact.pk, outcome="nfa_advice", rationale="ok")
