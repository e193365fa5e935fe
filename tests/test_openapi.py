"""The OpenAPI document is served (to a signed-in actor only) and lists the front-door operations behind bearer auth;
every API response carries the no-store, nosniff and CSP (frame-ancestors 'none') headers."""

import pytest

from conftest import contact_payload

ISSUE_PATHS = {
    "/api/v1/contacts": {"post"},
    "/api/v1/contacts/{contact_id}/screening": {"post"},
    "/api/v1/enquiries": {"get"},
    "/api/v1/enquiries/{enquiry_id}": {"get"},
    "/api/v1/enquiries/{enquiry_id}/rag": {"post"},
    "/api/v1/enquiries/{enquiry_id}/agency-requests": {"post"},
    "/api/v1/agency-requests": {"get"},
    "/api/v1/agency-requests/{request_id}/response": {"post"},
    "/api/v1/enquiries/{enquiry_id}/decision": {"post"},
    "/api/v1/people": {"get"},
    "/api/v1/people/search": {"post"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/people/{person_id}/chronology": {"get"},
}


@pytest.fixture
def schema(api, make_actor):
    r = api(make_actor("referrer", "police")).get("/openapi.json")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    return r.json()


def test_openapi_document_is_served(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "OpenMASH API"


def test_openapi_lists_the_issue_paths_and_methods(schema):
    for path, methods in ISSUE_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))


def test_openapi_declares_bearer_auth_on_every_operation(schema):
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, s in schemes.items() if s.get("type") == "http" and s.get("scheme") == "bearer"]
    assert bearer, schemes
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            names = {name for requirement in op.get("security", []) for name in requirement}
            assert set(bearer) & names, f"{method.upper()} {path} does not accept bearer auth"


def test_openapi_operations_have_summaries_and_error_shapes(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"


def _assert_security_headers(r, what):
    assert r["Cache-Control"] == "no-store", what
    assert r["X-Content-Type-Options"] == "nosniff", what
    csp = r.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, (what, csp)
    assert r["X-Request-Id"], what


def test_every_kind_of_api_response_has_the_security_headers(client, api, make_actor, new_contact):
    contact = new_contact()
    screener = api(make_actor("screener", "mash"))
    auditor = api(make_actor("auditor", "mash"))
    responses = {
        "openapi": screener.get("/openapi.json"),
        "openapi anonymous": client.get("/api/v1/openapi.json"),
        "401": client.get("/api/v1/screening-queue"),
        "401 bad token": client.get("/api/v1/screening-queue", HTTP_AUTHORIZATION="Bearer nope"),
        "200": screener.get(f"/contacts/{contact.pk}"),
        "200 list": screener.get("/screening-queue"),
        "201": screener.post(f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "x"}),
        "409": screener.post(f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "x"}),
        "403": auditor.get("/screening-queue"),
        "404": screener.get("/contacts/00000000-0000-0000-0000-000000000000"),
        "422": screener.post("/contacts", contact_payload(subjects=[])),
        "405": client.delete("/api/v1/contacts"),
        "unknown path": client.get("/api/v1/no-such-thing"),
    }
    expected_status = {
        "openapi": 200,
        "openapi anonymous": 401,
        "401": 401,
        "401 bad token": 401,
        "200": 200,
        "200 list": 200,
        "201": 201,
    }
    expected_status |= {"409": 409, "403": 403, "404": 404, "422": 422, "405": 405, "unknown path": 404}
    for what, r in responses.items():
        assert r.status_code == expected_status[what], (what, r.status_code)
        _assert_security_headers(r, what)


def test_unauthenticated_api_answers_401_not_a_login_redirect(client, db):
    r = client.get("/api/v1/enquiries")
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication required"}


def test_interactive_docs_are_off_outside_debug_and_demo(client, api, make_actor):
    # ASVS 13.4.5: no documentation endpoints exposed; the OpenAPI document only to a signed-in actor.
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert api(make_actor("referrer", "police")).get("/openapi.json").status_code == 200


# The lists that belong to one record and end with it (a contact's case notes and strategy discussions) are part
# of that record; every other list pages.
RECORD_SUBLISTS = {
    "/api/v1/contacts/{contact_id}/case-notes",
    "/api/v1/contacts/{contact_id}/strategy-discussions",
    # bounded by the contact's own children: open enquiries and cases, and contacts within 28 days (ADR 0007)
    "/api/v1/contacts/{contact_id}/related-work",
}
PAGE_FIELDS = {"count", "page", "page_size", "num_pages", "items"}


def _resolve(schema, node):
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.split("/")[-1]] if ref else node


def test_every_list_pages_with_its_true_total(schema):
    """Every list operation answers {count, page, page_size, num_pages, items} and takes page and page_size
    (openmash/core/api_paging.py), so nothing is ever cut silently (issue 5, fault 1)."""
    unpaged, lists = [], []
    for path, ops in schema["paths"].items():
        get = ops.get("get")
        if get is None or path in RECORD_SUBLISTS:
            continue
        if "200" not in get["responses"]:  # GET /api/v1/people: only refuses (search with POST /people/search)
            continue
        content = get["responses"]["200"].get("content", {})
        if "application/json" not in content:  # a file download (a message's attachment), not a list
            continue
        body = _resolve(schema, content["application/json"]["schema"])
        props = set(body.get("properties", {}))
        if body.get("type") == "array":
            unpaged.append(path)
        elif "items" in props:
            lists.append(path)
            params = {p["name"] for p in get.get("parameters", [])}
            assert props >= PAGE_FIELDS and params >= {"page", "page_size"}, (path, props, params)
    assert not unpaged, f"lists answered as a bare array (not paged): {unpaged}"
    expected = {"/api/v1/early-help-requests", "/api/v1/encompass-notices", "/api/v1/mash-packs", "/api/v1/enquiries"}
    assert expected <= set(lists)


def test_chronology_entries_document_their_day_and_whether_a_time_was_given(schema):
    entry = schema["components"]["schemas"]["ChronologyEntryOut"]
    props = entry["properties"]
    assert props["occurred_on"]["format"] == "date" and "Europe/London" in props["occurred_on"]["description"]
    assert props["time_known"]["type"] == "boolean" and props["time_known"]["description"]
    assert {"occurred_at", "occurred_on", "time_known"} <= set(entry["required"])


def test_every_schema_of_the_api_has_a_unique_name(schema):
    """Attacker review 2026-12, finding G: two request schemas were both named `DecisionIn`, so the OpenAPI document
    kept one and POST /enquiries/{id}/decision pointed at the sharing decision's. Every pydantic schema the project
    defines has its own name (the document's component names), and the decision operation documents the MASH
    decision's fields."""
    import collections

    from pydantic import BaseModel

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules = collections.defaultdict(set)
    for cls in subclasses(BaseModel):
        if cls.__module__.startswith(("openmash.", "config.")):
            modules[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert not {name: found for name, found in modules.items() if len(found) > 1}
    body = schema["paths"]["/api/v1/enquiries/{enquiry_id}/decision"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "threshold_level" in schema["components"]["schemas"][ref]["properties"]
