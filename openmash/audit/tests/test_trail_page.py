"""The auditor's trail (issue 5): filters with the GOV.UK error pattern, names and references instead of raw ids,
UK times, pages, and a CSV export that neutralises spreadsheet formulas and is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client

from openmash.audit.export import neutralise
from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_record
from tests.support import audit_get


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
    r = audit_get(auditor_client, "/audit/", {"object_id": str(contact.pk)})
    assert r.status_code == 200
    body = r.content.decode()
    assert f"Contact {contact.reference}" in body and "Created" in body
    # the contact's events: its creation and the recorded decision to share without consent (ADR 0016)
    assert "Recorded sharing without consent at intake" in body
    viewed = AuditEvent.objects.get(request_id=r["X-Request-Id"], object_type="audit.auditevent")
    assert viewed.detail["object_id"] == str(contact.pk) and viewed.detail["rows"] == 2


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
    body = audit_get(auditor_client, "/audit/", {"user": screener.user.username}).content.decode()
    assert "Amelia Testchild" in body and "Children&#x27;s Services MASH" in body
    assert f">{child.pk}<" not in body  # the id is only in the link to the record's events
    # roles by their names, not their codes (practitioners' review: "social_worker" was shown)
    worker = make_actor("social_worker", "mash")
    audit_record(actor=worker, action="view", obj=child)
    body = audit_get(auditor_client, "/audit/", {"user": worker.user.username}).content.decode()
    assert "<br>Allocated social worker</td>" in body and "<br>social_worker<" not in body


def test_filter_by_person_finds_the_events_on_their_contacts_too(auditor_client, make_actor, new_contact):
    from conftest import VALID_NHS

    contact = new_contact()
    other = new_contact(subjects=[{"forename": "Bo", "surname": "Other", "date_of_birth": "2019-01-01"}])
    r = audit_get(auditor_client, "/audit/", {"person": VALID_NHS})
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
    by_ref = audit_get(auditor_client, "/audit/", {"contact": contact.reference.lower()}).content.decode()
    assert f"Contact {contact.reference}" in by_ref and f"Contact {other.reference}" not in by_ref
    by_agency = audit_get(auditor_client, "/audit/", {"agency": "school-oak", "action": "create"}).content.decode()
    assert f"Contact {other.reference}" in by_agency and f"Contact {contact.reference}" not in by_agency
    by_user = audit_get(auditor_client, "/audit/", {"user": police.user.username}).content.decode()
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
    body = audit_get(auditor_client, "/audit/", day).content.decode()
    assert "2 July 2026 at 12:30am" in body and "1 July 2026 at 1pm" not in body


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
    r = audit_get(auditor_client, "/audit/", params)
    body = r.content.decode()
    assert r.status_code == 200
    assert "<title>Error: " in body and "There is a problem" in body
    assert message in body and f'href="#{field}"' in body
    assert 'data-testid="audit-events"' not in body  # no results under a wrong filter


def _next_link(body: str, rel: str) -> str | None:
    import html
    import re

    match = re.search(rf'href="\?([^"]*)" rel="{rel}"', body)
    return html.unescape(match.group(1)) if match else None


def test_the_trail_pages_by_event_id_keeping_the_filters(auditor_client, make_actor):
    screener = make_actor("screener", "mash")
    for i in range(120):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"row-{i:03d}")
    first = audit_get(auditor_client, "/audit/", {"user": screener.user.username}).content.decode()
    assert "120 events match these filters, newest first" in first and 'class="govuk-pagination' in first
    assert "row-119" in first and "row-070" in first and "row-069" not in first
    assert _next_link(first, "prev") is None
    older = _next_link(first, "next")
    # the filters are kept across pages, by their id: the username never goes in the link
    assert "f=" in older and "before=" in older and screener.user.username not in older
    second = auditor_client.get(f"/audit/?{older}").content.decode()
    assert "row-069" in second and "row-020" in second and "row-070" not in second and "row-019" not in second
    third = auditor_client.get(f"/audit/?{_next_link(second, 'next')}").content.decode()
    assert "row-000" in third and "row-019" in third and "row-020" not in third
    assert _next_link(third, "next") is None  # the oldest page
    back = auditor_client.get(f"/audit/?{_next_link(third, 'prev')}").content.decode()
    assert "row-069" in back and "row-020" in back and "row-070" not in back  # newer again: the second page
    assert _next_link(back, "prev") and _next_link(back, "next")
    assert "120 events match" in back  # every page counts the filtered events
    junk = audit_get(auditor_client, "/audit/", {"user": screener.user.username, "before": "x'; drop", "after": "-4"})
    assert junk.status_code == 200 and "row-119" in junk.content.decode()  # junk cursors: the newest page


def test_without_filters_the_whole_trail_is_paged_but_never_counted(auditor_client, make_actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    screener = make_actor("screener", "mash")
    for i in range(60):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"row-{i:03d}")
    with CaptureQueriesContext(connection) as ctx:
        body = auditor_client.get("/audit/").content.decode()
    assert "All events, newest first" in body and " events match" not in body
    assert not [
        q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "audit_auditevent" in q["sql"]
    ]
    assert _next_link(body, "next") and "before=" in _next_link(body, "next")
    event = AuditEvent.objects.filter(action="view", object_type="audit.auditevent").last()
    assert event.detail["rows"] == 50 and "page" not in event.detail


def test_a_filtered_count_stops_at_the_cap(auditor_client, make_actor, monkeypatch):
    from openmash.audit import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    screener = make_actor("screener", "mash")
    for i in range(8):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"row-{i:03d}")
    body = audit_get(auditor_client, "/audit/", {"user": screener.user.username}).content.decode()
    assert "More than 5 events match these filters" in body


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
    r = audit_get(auditor_client, "/audit/export.csv", {"agency": "police", "action": "view"})
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
    r = audit_get(auditor_client, "/audit/export.csv", {"user": screener.user.username})
    body = r.content.decode()
    assert r["Content-Type"].startswith("text/html") and "There is a problem" in body and "narrow the filters" in body
    assert not AuditEvent.objects.filter(action="export").exists()


def test_walking_the_pages_shows_every_event_once_newest_first_and_the_oldest_page_directly(auditor_client, make_actor):
    """Keyset pages from either end (a deep page costs what the first does): walking "older" visits each of 230
    events once, in newest-first order, 50 a page; ?after=0 opens the oldest page (the benchmark's "last page")."""
    import re

    screener = make_actor("screener", "mash")
    for i in range(230):
        audit_record(actor=screener, action="view", object_type="x", object_id=f"event-{i:03d}")
    newest_first = [f"event-{i:03d}" for i in range(229, -1, -1)]

    def shown(body):
        return re.findall(r'object_id=(event-\d{3})"', body)

    pages = []
    body = audit_get(auditor_client, "/audit/", {"user": screener.user.username}).content.decode()
    while True:
        pages.append(shown(body))
        query = _next_link(body, "next")
        if not query:
            break
        body = auditor_client.get(f"/audit/?{query}").content.decode()
    assert [len(p) for p in pages] == [50, 50, 50, 50, 30]
    assert [e for p in pages for e in p] == newest_first
    oldest = audit_get(auditor_client, "/audit/", {"user": screener.user.username, "after": "0"}).content.decode()
    assert shown(oldest) == newest_first[-50:] and _next_link(oldest, "next") is None and _next_link(oldest, "prev")
    assert "230 events match these filters" in oldest


def test_no_identifier_or_name_goes_in_a_url(auditor_client, make_actor, new_contact):
    """Issue 6 security review: the 'by person' filter put the NHS number in the URL (/audit/?person=9991468137)
    and in the CSV export link. The filter form posts; the values are kept server-side under a short-lived id and
    the page, its pages and the export link carry only ?f=<id> for them. A person typed into a URL is refused with
    the error summary; another user's (or an expired) id says so, never someone else's filters."""
    from conftest import VALID_NHS

    new_contact()
    screener = make_actor("screener", "mash")
    audit_record(actor=screener, action="view", object_type="x", object_id="row-1")
    page = auditor_client.get("/audit/").content.decode()
    assert 'method="post"' in page.split('data-testid="audit-filters"')[0].rsplit("<form", 1)[1]
    posted = auditor_client.post("/audit/", {"person": VALID_NHS})
    assert posted.status_code == 302
    location = posted["Location"]
    assert VALID_NHS not in location and screener.user.username not in location and "?f=" in location
    body = auditor_client.get(location).content.decode()
    links = " ".join(re.findall(r'href="([^"]*)"', body))
    assert VALID_NHS not in links and screener.user.username not in links and "export.csv?f=" in links
    # the filter is still applied through its id
    assert "Amelia Testchild" in body and "match these filters" in body
    export = auditor_client.get("/audit/export.csv" + location[location.index("?") :])
    assert export.status_code == 200 and "Amelia Testchild" in b"".join(export.streaming_content).decode()
    by_user = auditor_client.post("/audit/", {"user": screener.user.username})["Location"]
    assert screener.user.username not in by_user
    # a person typed into the URL is refused with the error summary (never silently ignored, never applied)
    typed = auditor_client.get("/audit/", {"person": VALID_NHS}).content.decode()
    assert "There is a problem" in typed and "never put in the page" in typed and "Amelia Testchild" not in typed
    # another auditor cannot use this id: told so, shown nothing
    other = Client()
    other.force_login(make_actor("auditor", "mash").user)
    theirs = other.get(location).content.decode()
    assert "There is a problem" in theirs and "expired" in theirs and "Amelia Testchild" not in theirs
