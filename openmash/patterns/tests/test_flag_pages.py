"""The hub's flag pages and API (issue 8): the list with its total, a flag's explanation in time order naming every
agency, the decisions (accept into a contact, dismiss with a reason, watch) with their errors and the stale-version
conflict, the watch-list and screening's watch, hub-only access, and the audit of every read and write."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.patterns.models import Flag, FlagStatus, Watch, WatchSource
from openmash.patterns.tests.flagfactory import EVENTS, flag_make, person_make

pytestmark = pytest.mark.django_db


#: the screener's consent decision for a contact recorded from a flag (asked, never assumed)
CONSENT = {"consent": "not_sought", "consent_not_sought_reason": "unsafe", "consent_lawful_basis": "public_task"}


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def flag(partnership):
    # given out of time order: the page puts them in order
    return flag_make(events=[EVENTS[2], EVENTS[0], EVENTS[1]])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_hub_lists_open_flags_with_child_rules_agencies_and_total(screener, flag):
    flag_make(person_make("Amelia", "Secondchild"))
    response = _client(screener).get("/flags/")
    assert response.status_code == 200
    html = _text(response)
    assert "2 open flags" in html
    assert "Kayden Flagchild" in html and "Amelia Secondchild" in html
    assert "Several concerns from different agencies within six months" in html
    assert "County Police" in html or "police" in html
    assert AuditEvent.objects.filter(action="list", object_id=str(flag.pk), reason="flags list").exists()


def test_the_list_leaves_out_decided_flags_and_pages(screener, flag):
    Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.DISMISSED)
    assert "0 open flags" in _text(_client(screener).get("/flags/?order=strongest"))


@pytest.mark.parametrize("role,agency", [("referrer", "police"), ("social_worker", "mash"), ("researcher", "mash")])
def test_flags_are_hub_only(make_actor, flag, role, agency):
    c = _client(make_actor(role, agency))
    assert c.get("/flags/").status_code == 403
    assert c.get(f"/flags/{flag.pk}/").status_code == 404
    assert c.get("/watch-list/").status_code == 403
    assert c.post(f"/flags/{flag.pk}/dismiss/", {"version": flag.version, "reason": "x"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert AuditEvent.objects.filter(action="deny", object_id=str(flag.pk)).exists()


def test_a_flag_shows_each_agency_contribution_in_time_order(manager, flag):
    response = _client(manager).get(f"/flags/{flag.pk}/")
    assert response.status_code == 200
    html = _text(response)
    order = [m.group(1) for m in re.finditer(r'data-testid="flag-event" data-agency="([^"]+)"', html)]
    assert order == ["police", "school-oak", "health-gp"]
    assert "shouting and a smashed door" in html and "attendance 71%" in html
    assert "Three or more events with safeguarding concerns" in html  # the rule's plain-English description
    assert AuditEvent.objects.filter(action="view", object_id=str(flag.pk), reason="flag").exists()


def test_a_sealed_event_shows_its_words_only_to_the_sealed_roles(screener, manager, partnership):
    sealed = ("health-gp", dt.date(2026, 5, 3), "sexual_harm", "Sexual health clinic", "clinic words", "sealed")
    flag = flag_make(events=[EVENTS[0], EVENTS[1], sealed])
    assert "clinic words" in _text(_client(manager).get(f"/flags/{flag.pk}/"))  # default sealed role: MASH managers
    html = _text(_client(screener).get(f"/flags/{flag.pk}/"))
    assert "clinic words" not in html and "Sexual health clinic" not in html
    assert 'data-testid="event-sealed"' in html


def test_dismissing_without_a_reason_shows_the_error_summary(screener, flag):
    response = _client(screener).post(f"/flags/{flag.pk}/dismiss/", {"version": flag.version, "reason": " "})
    assert response.status_code == 200
    html = _text(response)
    assert "govuk-error-summary" in html and "Enter why you are dismissing this flag" in html
    assert html.count("<title>Error:") == 1 or "Error:" in html
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_dismissing_with_a_reason_is_recorded_and_audited(screener, flag):
    response = _client(screener).post(
        f"/flags/{flag.pk}/dismiss/", {"version": flag.version, "reason": "Known: the family moved away"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.dismissal_reason == "Known: the family moved away"
    assert AuditEvent.objects.filter(action="flag.dismissed", object_id=str(flag.pk)).exists()
    # the decision is on the record for the next person who opens the flag: who, when and why (page and API)
    page = _text(_client(screener).get(f"/flags/{flag.pk}/"))
    assert f"by {screener.user}" in page and "Known: the family moved away" in page
    from openmash.patterns.api import flag_out

    out = flag_out(screener, flag)
    assert out["dismissal_reason"] == "Known: the family moved away" and out["decided_by"] == str(screener.user)
    assert out["decided_at"] == flag.decided_at


def test_a_stale_decision_gets_the_conflict_message(screener, manager, flag):
    _client(manager).post(f"/flags/{flag.pk}/watch/", {"version": flag.version, "days": "90"})
    response = _client(screener).post(
        f"/flags/{flag.pk}/dismiss/", {"version": flag.version, "reason": "Not needed: known"}
    )
    assert response.status_code == 409
    assert "changed since you opened it" in _text(response)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.WATCHING


def test_watching_puts_the_child_on_the_watch_list(screener, flag):
    response = _client(screener).post(f"/flags/{flag.pk}/watch/", {"version": flag.version, "days": "30"})
    assert response.status_code == 302
    watch = Watch.objects.get(child=flag.child)
    assert watch.source == WatchSource.CHOSEN and watch.flag_id == flag.pk
    assert (watch.until - dt.date.today()).days in (29, 30, 31)
    assert AuditEvent.objects.filter(action="watch.start", object_id=str(watch.pk)).exists()
    html = _text(_client(screener).get("/watch-list/"))
    assert "Kayden Flagchild" in html and "Chosen by a worker" in html


def test_watching_needs_a_period(screener, flag):
    response = _client(screener).post(f"/flags/{flag.pk}/watch/", {"version": flag.version, "days": "7"})
    assert "govuk-error-summary" in _text(response)
    assert not Watch.objects.exists()


def test_accepting_records_a_contact_about_the_child(manager, flag):
    c = _client(manager)
    page = _text(c.get(f"/flags/{flag.pk}/accept/"))
    assert "Pattern flag accepted by the MASH" in page  # the prefilled concern summary
    response = c.post(
        f"/flags/{flag.pk}/accept/",
        {
            "version": flag.version,
            "concern_codes": ["3A", "16A"],
            "narrative": "A pattern across three agencies",
            **CONSENT,
        },
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACCEPTED and flag.contact is not None
    contact = flag.contact
    assert contact.referrer_name == "OpenMASH pattern flag" and contact.source_code == "5A"
    assert list(contact.people.filter(role="subject").values_list("person_id", flat=True)) == [flag.child_id]
    assert response["Location"].endswith(f"/contacts/{contact.pk}/")
    assert AuditEvent.objects.filter(action="flag.accepted", object_id=str(flag.pk)).exists()


def test_accepting_without_a_concern_category_is_refused(manager, flag):
    response = _client(manager).post(
        f"/flags/{flag.pk}/accept/", {"version": flag.version, "concern_codes": [], "narrative": ""}
    )
    html = _text(response)
    assert "Select at least one concern category" in html and "Describe the concern" in html
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_accepting_into_the_open_enquiry_about_the_child(make_actor, manager):
    from tests.support import contact_record, screen, subject_person

    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    first = contact_record(referrer)
    screen(screener, first)
    first.refresh_from_db()
    flag = flag_make(subject_person(first))
    c = _client(manager)
    assert "Add it to the open MASH enquiry" in _text(c.get(f"/flags/{flag.pk}/accept/"))
    response = c.post(
        f"/flags/{flag.pk}/accept/",
        {"version": flag.version, "concern_codes": ["3A"], "narrative": "Pattern", "destination": "enquiry", **CONSENT},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.contact.status == "added_to_enquiry"


def test_screening_out_watches_the_child_and_repeat_contacts_escalate(make_actor, settings):
    from openmash.enquiries.models import Notification
    from tests.support import child, contact_record, screen, subject_person

    settings.OPENMASH_WATCH_DAYS = 60
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    first = contact_record(referrer, subjects=[child(nhs="9434765919")])
    screen(screener, first, outcome="nfa_advice")
    person = subject_person(first)
    watch = Watch.objects.get(child=person)
    assert watch.source == WatchSource.SCREENED_OUT_NFA
    assert (watch.until - dt.date.today()).days in (59, 60, 61)
    for _ in range(2):
        later = contact_record(referrer, subjects=[{"person_id": str(person.pk)}])
        screen(screener, later, outcome="early_help" if _ else "nfa_advice")
    assert Watch.objects.filter(child=person).count() == 1  # extended, never doubled
    assert Notification.objects.filter(user=manager.user, message__contains="escalated").exists()
    html = _text(_client(manager).get("/watch-list/"))
    assert 'data-testid="watch-escalated"' in html


def test_the_home_page_has_the_hub_tile(screener, flag):
    html = _text(_client(screener).get("/"))
    assert 'data-testid="flags-count">1<' in html
    assert "/flags/" in html


# --- the API -------------------------------------------------------------------------------------------------------


def test_api_lists_and_shows_flags_to_the_hub_only(api, screener, make_actor, flag):
    body = api(screener).get("/flags").json()
    assert body["count"] == 1 and body["items"][0]["id"] == str(flag.pk)
    detail = api(screener).get(f"/flags/{flag.pk}").json()
    assert [e["agency_code"] for e in detail["events"]] == ["police", "school-oak", "health-gp"]
    referrer = make_actor("referrer", "police")
    assert api(referrer).get("/flags").status_code == 403
    assert api(referrer).get(f"/flags/{flag.pk}").status_code == 404


def test_api_decisions_check_their_input_and_version(api, manager, flag):
    client = api(manager)
    missing = client.post(f"/flags/{flag.pk}/dismiss", {"reason": "x"})
    assert missing.status_code == 428
    empty = client.post(f"/flags/{flag.pk}/dismiss", {"version": flag.version, "reason": ""})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    bad = client.post(f"/flags/{flag.pk}/watch", {"version": flag.version, "days": 0})
    assert bad.status_code == 422 and "days" in bad.json()["errors"]
    stale = client.post(f"/flags/{flag.pk}/dismiss", {"version": flag.version + 1, "reason": "Known to the hub"})
    assert stale.status_code == 409
    accepted = client.post(
        f"/flags/{flag.pk}/accept",
        {"version": flag.version, "concern_codes": ["16A"], "narrative": "Pattern", **CONSENT},
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["contact_id"]
    again = client.post(f"/flags/{flag.pk}/watch", {"version": accepted.json()["version"], "days": 30})
    assert again.status_code == 409


# --- early help before crisis --------------------------------------------------------------------------------------


@pytest.fixture
def early_help_service(partnership):
    from openmash.accounts.services import agency_create

    return agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )


def test_suggesting_early_help_sends_it_to_the_inbox_and_tracks_the_outcome(manager, flag, early_help_service):
    from openmash.enquiries.models import EarlyHelpRequest
    from openmash.patterns.models import FlagEarlyHelp

    c = _client(manager)
    assert 'data-testid="flag-early-help"' in _text(c.get(f"/flags/{flag.pk}/"))
    response = c.post(f"/flags/{flag.pk}/early-help/", {"version": flag.version, **CONSENT})
    assert response.status_code == 302
    flag.refresh_from_db()
    request = EarlyHelpRequest.objects.get(contact=flag.contact)
    assert request.agency == early_help_service
    tracked = FlagEarlyHelp.objects.get(flag=flag)
    assert tracked.outcome == "sent" and tracked.request == request
    assert Watch.objects.filter(child=flag.child, source=WatchSource.SCREENED_OUT_EARLY_HELP).exists()
    empty = c.post(f"/flags/{flag.pk}/early-help/", {"version": tracked.version, "outcome": ""})
    assert "Choose what happened" in _text(empty)
    c.post(f"/flags/{flag.pk}/early-help/", {"version": tracked.version, "outcome": "accepted"})
    tracked.refresh_from_db()
    assert tracked.outcome == "accepted"
    assert "The family accepted help" in _text(c.get(f"/flags/{flag.pk}/"))
    stale = c.post(f"/flags/{flag.pk}/early-help/", {"version": 1, "outcome": "declined"})
    assert stale.status_code == 409
    assert AuditEvent.objects.filter(action="flag.early_help_outcome", object_id=str(tracked.pk)).exists()


def test_a_statutory_level_flag_does_not_suggest_early_help(manager, partnership, early_help_service):
    rule = {"code": "non_mobile_baby_injury", "version": 0, "title": "An injury to a baby who is not yet mobile"}
    flag = flag_make(rules=(rule,))
    c = _client(manager)
    assert 'data-testid="flag-early-help"' not in _text(c.get(f"/flags/{flag.pk}/"))
    response = c.post(f"/flags/{flag.pk}/early-help/", {"version": flag.version, **CONSENT})
    assert "cannot be sent to early help" in _text(response) or "statutory" in _text(response)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_strongest_first_holds_across_pages(screener, partnership):
    """?order=strongest: most rules fired first, then most contributing events, in SQL, so page 2 never holds a
    stronger flag than page 1 (it used to be sorted within each page only)."""
    from openmash.patterns.selectors import flags_page
    from openmash.patterns.tests.flagfactory import RULE

    second = {**RULE, "code": "second_rule", "title": "Another rule"}
    third = {**RULE, "code": "third_rule", "title": "A third rule"}
    weak = [flag_make(person_make("Weak", f"Child{chr(97 + i)}"), events=EVENTS[:1]) for i in range(3)]
    strong = flag_make(person_make("Strong", "Childz"), events=EVENTS[:1], rules=(RULE, second, third))
    middle = flag_make(person_make("Middle", "Childy"), events=EVENTS, rules=(RULE, second))
    pages = [flags_page(actor=screener, order="strongest", page=n, page_size=2).items for n in (1, 2, 3)]
    order = [f.pk for p in pages for f in p]
    assert order[:2] == [strong.pk, middle.pk]
    assert set(order[2:]) == {f.pk for f in weak}
    html = _text(_client(screener).get("/flags/?order=strongest"))
    assert html.index("Strong Childz") < html.index("Middle Childy") < html.index("Weak Childa")


def test_an_event_also_on_record_is_marked_on_the_page_and_in_the_api(api, manager, screener, partnership):
    also = ("probation", dt.date(2026, 2, 1), "substance_misuse", "Supervision", "drinking daily", "standard")
    flag = flag_make(events=[*EVENTS, also])
    row = flag.contribution_rows.get(indicator__agency__code="probation")
    row.rule_codes = []  # no rule counted it: also on record in the same period (engine.also_on_record)
    row.save(update_fields=["rule_codes"])
    html = _text(_client(manager).get(f"/flags/{flag.pk}/"))
    assert html.count('data-testid="event-also-on-record"') == 1
    assert "Also on record in the same period" in html and "drinking daily" in html
    body = api(screener).get(f"/flags/{flag.pk}").json()
    marked = {e["agency_code"]: e["also_on_record"] for e in body["events"]}
    assert marked == {"police": False, "school-oak": False, "health-gp": False, "probation": True}
