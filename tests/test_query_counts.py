"""Query counts of the API's list endpoints are pinned (STYLE 3.2 #16): the count must not grow with the number
of rows (no N+1), and the pinned number catches a change that adds per-request queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support import child, contact_record, enquiry_open, nhs_number, requests_send

# Queries per request, including token authentication, savepoints and the audit INSERT.
# The lists page (issue 5): one COUNT for the true total is part of each list.
# + 1 each since tamper evidence (issue 7): the audit events' ids are taken from the sequence before they are inserted
# with their MACs (openmash.audit.services._ids_allocate), one query per page
PINNED = {
    # + 6 for related work (subjects, clusters x2, other contacts, their subjects, allocations); + 1 for the audit
    # events' contact index (the list events of a page, written at once); + 2 the hub's calendar (settings, bank
    # holidays) for due_outside_hub_hours, read once per page
    "/screening-queue": 17,
    "/enquiries": 11,  # + 1 the audit events' contact index; + 2 the hub's calendar (due_outside_hub_hours)
    # + earlier versions of amended answers; + 2 late answers and the contact index; + 1 the researcher's live
    # break-glass uses, read once per request (access.policy.break_glass_person_ids, issue 7); + 1 the requests'
    # contributed items (issue 7; their sharing decisions + 1 and the sealed roles + 1 only when there are items)
    "/agency-requests": 14,
    # token authentication, the search rate count (audit trail), the search-key index rows (with each person's merge
    # target and names), the people shown (NHS number and postcode as subqueries over their clusters), the agency
    # records joined into them (each summary value resolved as the person's page resolves it: issue 6 review,
    # findings 1 and 11), one INSERT of the search and its results' audit events
    "/people/search": 9,
}


@pytest.fixture
def hub_data(make_actor):
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")

    def grow(n):
        for i in range(n):
            contact_record(referrer, subjects=[child("Query", "Counted", nhs=nhs_number())])
            enquiry = enquiry_open(
                referrer=referrer,
                screener=screener,
                subjects=[child("Kid" + chr(97 + i // 26) + chr(97 + i % 26), "Counted", dob="2018-04-02")],
            )
            requests_send(screener, enquiry, "health-gp", "police")

    return grow


def _queries(client, path, **params):
    # the person search takes its terms in the body (POST /api/v1/people/search: never in the URL, issue 7)
    send = (lambda: client.post(path, params)) if path == "/people/search" else (lambda: client.get(path, **params))
    send()  # warm up: the first use of a token records last_used_at
    with CaptureQueriesContext(connection) as ctx:
        r = send()
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()["items"]


@pytest.mark.parametrize(
    ("path", "role", "agency", "params"),
    [
        ("/screening-queue", "screener", "mash", {}),
        ("/enquiries", "manager", "mash", {}),
        ("/agency-requests", "researcher", "health-gp", {}),
        ("/people/search", "screener", "mash", {"name": "Counted", "date_of_birth": "2018-04-02"}),
    ],
)
def test_list_query_count_is_pinned_and_flat(api, make_actor, hub_data, path, role, agency, params):
    client = api(make_actor(role, agency))
    hub_data(1)
    few, body_few = _queries(client, path, **params)
    hub_data(4)
    many, body_many = _queries(client, path, **params)
    assert len(body_many) > len(body_few) >= 1
    assert many == few, f"{path}: {few} queries for {len(body_few)} rows but {many} for {len(body_many)} (N+1)"
    assert few == PINNED[path], f"{path} now takes {few} queries (pinned {PINNED[path]}); update PINNED if intended"
