"""Issue 7: no personal data in URLs. A query string stays in proxy and access logs, browser history and Referer
headers, so a person's names, date of birth or age, identifiers, postcode or address are taken only in a body.

- The API's person search moved to POST /api/v1/people/search (JSON body; the same listing rule, audit, rate limit
  and answer); GET /api/v1/people refuses its old parameters with 422 naming each one and the POST to use.
- No GET operation of the API declares a query parameter named like personal data (the OpenAPI walk below), and the
  pages' GET filter forms carry none either.
Failed on main before the fix (GET /api/v1/people answered the search)."""

from __future__ import annotations

import re

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.url_privacy import PERSONAL_DATA_IN_URL, personal_parameter
from tests.support import child, contact_record

# Independent of openmash.core.url_privacy (so weakening that list does not weaken this test): the words of a
# parameter name that mean personal data about a person sought.
PERSONAL = re.compile(
    r"(^|_)(q|name|names|forename|surname|given|family|first_?name|last_?name|dob|birth|date_of_birth|age|nhs|"
    r"nhs_number|upn|pnc|pnc_id|identifier|postcode|address|email|phone)($|_)",
    re.IGNORECASE,
)


@pytest.fixture
def schema(api, make_actor):
    r = api(make_actor("screener", "mash")).get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_no_get_operation_takes_personal_data_in_its_url(schema):
    offending = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if param.get("in") not in ("query", "path"):
                    continue
                named_personal = PERSONAL.search(param["name"]) or personal_parameter(param["name"])
                if method == "get" and param["in"] == "query" and named_personal:
                    offending.append(f"GET {path} ?{param['name']}")
                # a path parameter is an id or a code, never a name or a number about a person
                if param["in"] == "path" and named_personal:
                    offending.append(f"{method.upper()} {path} {{{param['name']}}}")
    assert not offending, f"personal data in URLs (send it in a body): {offending}"


def test_the_walk_would_catch_the_old_search(schema):
    """Not vacuous: the old search's parameters are caught by both lists."""
    for name in ("name", "date_of_birth", "postcode", "age", "identifier", "nhs_number", "q", "given_name"):
        assert PERSONAL.search(name) and personal_parameter(name), name
    for name in ("page", "page_size", "agency", "status", "kind", "significance", "date_from", "order", "state"):
        assert not PERSONAL.search(name) and not personal_parameter(name), name


@pytest.fixture
def known(make_actor):
    contact_record(make_actor("referrer", "police"), subjects=[child("Amelia", "Urlchild", "2018-04-02")])


@pytest.mark.parametrize(
    "query",
    [
        {"name": "Amelia Urlchild", "date_of_birth": "2018-04-02"},
        {"identifier_type": "nhs_number", "identifier": "9434765919"},
        {"name": "Amelia Urlchild", "age": "7"},
        {"postcode": "EX1 1AA", "name": "Urlchild"},
    ],
    ids=["name-dob", "identifier", "name-age", "postcode"],
)
def test_the_get_search_refuses_personal_data_and_says_where_to_send_it(known, api, make_actor, query):
    screener = make_actor("screener", "mash")
    r = api(screener).get("/people", **query)
    assert r.status_code == 422, r.content
    body = r.json()
    personal = sorted(k for k in query if k != "identifier_type")
    assert sorted(body["errors"]) == personal
    for name in personal:
        assert body["errors"][name] == [PERSONAL_DATA_IN_URL]
        assert "POST /api/v1/people/search" in body["errors"][name][0]
    assert "Urlchild" not in r.content.decode()  # nothing found, nothing echoed
    assert not AuditEvent.objects.filter(actor_user_id=screener.user.pk, action="search").exists()


def test_the_get_search_with_nothing_personal_points_to_the_post(api, make_actor):
    r = api(make_actor("screener", "mash")).get("/people")
    assert r.status_code == 422, r.content
    assert "POST /api/v1/people/search" in r.json()["detail"]


def test_the_get_search_is_refused_to_a_role_that_does_not_search(api, make_actor):
    assert api(make_actor("auditor", "mash")).get("/people", name="Amelia Urlchild").status_code == 403


def test_the_post_search_answers_as_the_search_did_and_is_audited(known, api, make_actor):
    screener = make_actor("screener", "mash")
    r = api(screener).post("/people/search", {"name": "Amelia Urlchild", "date_of_birth": "2018-04-02"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"count", "truncated", "items"} and body["count"] == 1 and not body["truncated"]
    (item,) = body["items"]
    assert (item["forename"], item["surname"], item["viewable"]) == ("Amelia", "Urlchild", True)
    assert item["match"]["exact"] is True
    (search,) = AuditEvent.objects.filter(actor_user_id=screener.user.pk, action="search")
    assert search.detail.get("results") == 1
    assert AuditEvent.objects.filter(actor_user_id=screener.user.pk, action="search_result").count() == 1
    assert r.request.get("QUERY_STRING", "") == ""


def test_the_post_search_still_refuses_a_name_alone(known, api, make_actor):
    r = api(make_actor("screener", "mash")).post("/people/search", {"name": "Urlchild"})
    assert r.status_code == 422, r.content


def test_the_pages_get_filter_forms_carry_no_personal_data():
    """Every page form sent with GET (list filters, chronology filters, reports) has no field named like personal
    data: the audit trail's person and username filters are kept server-side (core.filter_stash), and the search
    pages post."""
    from openmash.oversight.forms import ReportFilterForm
    from openmash.patterns.views_disparity import PeriodForm
    from openmash.web.filters import EnquiryFilterForm, QueueFilterForm
    from openmash.web.views.chronology import ChronologyFilterForm

    for form in (QueueFilterForm, EnquiryFilterForm, ChronologyFilterForm, ReportFilterForm, PeriodForm):
        for name in form.base_fields:
            assert not (PERSONAL.search(name) or personal_parameter(name)), (form.__name__, name)
