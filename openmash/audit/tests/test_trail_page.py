"""The auditor's trail (issue 5): filters with the GOV.UK error pattern, names and references instead of raw ids,
UK times, pages, and a CSV export that neutralises spreadsheet formulas and is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client

from openmash.audit.export import neutralise
from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_record


@pytest.fixture
def auditor_client(make_actor):
    client = Client()
    client.force_login(make_actor("auditor", "mash").user)
    return client


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_auditor_sees_trail_and_the_viewing_is_audited(auditor_client, new_contact):
    contact = new_contact()
    r = auditor_client.get("/audit/", {"object_id": str(contact.pk)})
    assert r.status_code == 200
    body = r.content.decode()
    assert f"Contact {contact.reference}" in body and "Created" in body
    viewed = AuditEvent.objects.get(request_id=r["X-Request-Id"], object_type="audit.auditevent")
    assert viewed.detail["object_id"] == str(contact.pk) and viewed.detail["rows"] == 1


def test_case_workers_and_the_partnership_admin_cannot_read_the_trail(client, make_actor, partnership):
    for role, agency in [
        ("screener", "mash"),
        ("referrer", "police"),
        ("researcher", "health-gp"),
        ("partnership_admin", "mash"),
    ]:
        client.force_login(make_actor(role, agency).user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403


def test_names_and_references_are_shown_instead_of_raw_ids(auditor_client, make_actor, new_contact):
    screener = make_actor("screener", "mash")
    contact = new_contact()
    child = contact.people.get(role="subject").person
    audit_record(actor=screener, action="view", obj=child)
    body = auditor_client.get("/audit/", {"user": screener.user.username}).content.decode()
    assert "Amelia Testchild" in body and "Children&#x27;s Services MASH" in body
    assert f">{child.pk}<" not in body  # the id is only in the link to the record's events


def test_filter_by_person_finds_the_events_on_their_contacts_too(auditor_client, make_actor, new_contact):
    from conftest import VALID_NHS

    contact = new_contact()
    other = new_contact(subjects=[{"forename": "Bo", "surname": "Other", "date_of_birth": "2019-01-01"}])
    r = auditor_client.get("/audit/", {"person": VALID_NHS})
    body = r.content.decode()
    assert f"Contact {contact.reference}" in body and "Amelia Testchild" in body
    assert f"Contact {other.reference}" not in body and "Bo Other" not in body
    viewed = AuditEvent.objects.get(request_id=r["X-Request-Id"], object_type="audit.auditevent")
    assert VALID_NHS not in str(viewed.detail)  # the NHS number typed in is not kept, the person's id is
    assert viewed.detail["person_ids"] == [str(contact.people.get(role="subject").person_id)]


def test_filter_by_contact_reference_agency_action_and_user(auditor_client, make_actor, new_contact):
    police = make_actor("referrer", "police")
    contact = new_contact(actor=police)
    other = new_contact(actor=make_actor("referrer", "school-oak"))
    by_ref = auditor_client.get("/audit/", {"contact": contact.reference.lower()}).content.decode()
    assert f"Contact {contact.reference}" in by_ref and f"Contact {other.reference}" not in by_ref
    by_agency = auditor_client.get("/audit/", {"agency": "school-oak", "action": "create"}).content.decode()
    assert f"Contact {other.reference}" in by_agency and f"Contact {contact.reference}" not in by_agency
    by_user = auditor_client.get("/audit/", {"user": police.user.username}).content.decode()
    assert f"Contact {contact.reference}" in by_user and f"Contact {other.reference}" not in by_user


def test_date_range_is_in_uk_days_and_times_are_shown_in_uk_time(auditor_client, make_actor):
    screener = make_actor("screener", "mash")
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST)
    with time_machine.travel(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        audit_record(actor=screener, action="view", object_type="x", object_id="summer")
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        audit_record(actor=screener, action="view", object_type="x", object_id="noon")
    day = {"date_from_day": "2", "date_from_month": "7", "date_from_year": "2026"}
    day |= {"date_to_day": "2", "date_to_month": "7", "date_to_year": "2026"}
    body = auditor_client.get("/audit/", day).content.decode()
    assert "2 Jul 2026 00:30:00" in body and "13:00:00" not in body


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        ({"person": "1234"}, "Enter an NHS number with 10 digits", "id_person"),
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "must be a real date",
            "id_date_from",
        ),
        (
            {"date_from_day": "2", "date_from_month": "3", "date_from_year": "2026"}
            | {"date_to_day": "1", "date_to_month": "3", "date_to_year": "2026"},
            "same as or after",
            "id_date_to",
        ),
        ({"agency": "nope"}, "Select an agency from the list", "id_agency"),
    ],
)
def test_bad_filters_show_the_error_summary(auditor_client, params, message, field):
    r = auditor_client.get("/audit/", params)
    body = r.content.decode()
    assert r.status_code == 200
    assert "<title>Error: " in body and "There is a problem" in body
    assert message in body and f'href="#{field}"' in body
    assert 'data-testid="audit-events"' not in body  # no results under a wrong filter


def test_the_trail_pages(auditor_client, make_actor):
    screener = make_actor("screener", "mash")
    for i in range(120):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"row-{i:03d}")
    first = auditor_client.get("/audit/", {"user": screener.user.username}).content.decode()
    assert "120 events, page 1 of 3" in first and 'class="govuk-pagination"' in first
    assert "row-119" in first and "row-069" not in first
    third = auditor_client.get("/audit/", {"user": screener.user.username, "page": "3"}).content.decode()
    assert "row-000" in third and "row-119" not in third
    assert f"user={screener.user.username}&amp;page=2" in third  # the filters are kept across pages


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("|calc", "'|calc"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_export_of_the_filtered_trail_is_neutralised_and_audited(auditor_client, make_actor, partnership):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create

    evil = actor_for_user(
        user_create(username="=cmd|x", password="x", agency_code="police", role="referrer", check_password=False)
    )
    audit_record(actor=evil, action="view", object_type="x", object_id="-1+1", reason="@SUM(1)")
    r = auditor_client.get("/audit/export.csv", {"agency": "police", "action": "view"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    rows = _csv(r)
    assert rows[0][0] == "When (Europe/London)" and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["User"] == "'=cmd|x" and row["Record ID"] == "'-1+1" and row["Reason"] == "'@SUM(1)"
    assert row["When (Europe/London)"].endswith(("+00:00", "+01:00"))
    export = AuditEvent.objects.get(action="export")
    assert export.detail["rows"] == 1 and export.detail["agency_code"] == "police"
    assert export.request_id == r["X-Request-Id"]


def test_an_export_too_large_is_refused_with_the_error_summary(auditor_client, make_actor, settings):
    settings.OPENMASH_AUDIT_EXPORT_MAX = 2
    screener = make_actor("screener", "mash")
    for i in range(3):
        audit_record(actor=screener, action="view", object_type="x", object_id=str(i))
    r = auditor_client.get("/audit/export.csv", {"user": screener.user.username})
    body = r.content.decode()
    assert r["Content-Type"].startswith("text/html") and "There is a problem" in body and "narrow the filters" in body
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("page", ["1", "2", "3", "4", "5"])
def test_every_page_shows_its_own_events_newest_first_from_either_end(auditor_client, make_actor, page):
    """Pages in the older half are read from the oldest end (issue 5 benchmark: a deep page cost 1.3 s): each page
    still holds exactly its 50 events of the newest-first order, the last one the remainder."""
    screener = make_actor("screener", "mash")
    for i in range(230):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"event-{i:03d}")
    newest_first = [f"event-{i:03d}" for i in range(229, -1, -1)]
    body = auditor_client.get("/audit/", {"user": screener.user.username, "page": page}).content.decode()
    number = int(page)
    expected = newest_first[(number - 1) * 50 : number * 50]
    shown = [oid for oid in newest_first if f'object_id={oid}"' in body]
    assert shown == expected
    assert f"230 events, page {number} of 5" in body
