"""AZ-4 (SECURITY-TESTS.md 5(b)): broken object-level authorisation through collections. Every list, queue, inbox,
search, export and report a client can call without naming a record (the API's GET operations without a path
parameter, and every page route without one) is fetched by every user of a drawn state of AZ-3's small world
(tests/test_authorisation_properties.py: its world, drawn states and oracle), and no response may carry a record
the oracle says the user has no basis to see: not its id, not its reference, not the name or the address of a person
the user may not see. Out: 0 leaked rows.

What a collection may show by design, and so is not a leak (each from docs/security/access-and-audit.md):

- search (`/api/v1/people`, `/people/search/`) lists people outside the searcher's basis with the minimum details
  the intake needs ("is it them?": name, date of birth): for search the canary is the person's address line, and an
  out-of-basis person's record id may appear only as a search result that cannot be opened;
- the auditor reads the audit trail, which names the records each event is about (its whole purpose); so do the
  privacy officer's reports (not in this world);
- a contact and its MASH pack share an id: the pack's id is checked only where the contact is also out of basis;
- what a record the user may see carries by design (CARRIED): a contact shows the names of the people in it as its
  recorder named them (the referrer's own contact, whoever may see the contact); an agency request shows its
  contact's reference and the minimum details of the child and the household adults (issue 5, "Agency requests").

Examples (drawn states, each fetching every collection as all 11 users, about 650 requests): 2 in the PR run, 1,000 with
OPENMASH_TEST_EXTENDED=1 (the plan's figure). Each example also checks that the collections did list what the user
may see (the hub's screening queue holds the unscreened contact, an agency's open request is in its inbox), so an
empty or failing page cannot pass for a safe one.
"""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings

from tests.routes import all_routes
from tests.test_authorisation_properties import (  # noqa: F401  (world and tokens are fixtures used by name)
    OBJECTS,
    USERS,
    State,
    _apply,
    _home,
    _in_savepoint,
    oracle_may,
    states,
    tokens,
    world,
)

EXTENDED = os.environ.get("OPENMASH_TEST_EXTENDED") == "1"
EXAMPLES = 1000 if EXTENDED else 2

# Pages that are not collections of records (signing in and out, the account's own settings, forms that post).
NOT_COLLECTIONS = re.compile(
    r"^(login/|logout/|session/|sso/|account/|switch-role/|contacts/new/|partnership/users/new/|"
    r"partnership/agreements/new/|emergency-access/)"
)
SEARCH_PAGES = {"api/v1/people/search", "people/search/", "api/v1/intake/candidates"}
AUDIT_PAGES = {"audit/", "audit/export.csv"}
NAMES = {"A": "Alfa", "D": "Delta", "B": "Bravo", "X": "Xray", "Y": "Yankee"}
# What a visible record carries by design: object -> the (kind, name) whose names or reference it shows.
CARRIED = {
    ("contact", "C1"): [("person", "A"), ("person", "D")],
    ("contact", "C2"): [("person", "B")],
    ("contact", "C3"): [("person", "X"), ("person", "Y")],
    ("request", "P"): [("contact", "C1"), ("person", "A"), ("person", "D")],
    ("request", "G"): [("contact", "C1"), ("person", "A"), ("person", "D")],
}


def carried_strings(user, state: State, canaries: dict, ids: dict) -> set:
    """The names and references the records `user` may see show by design (CARRIED): never an id, an address or an
    item, only a person's first name or a contact's reference."""
    out = set()
    for obj, shown in CARRIED.items():
        if oracle_may(user, obj, state):
            for other in shown:
                out |= {
                    c
                    for c in canaries[other]
                    if c != str(ids[other]) and (other[0] == "contact" or c in NAMES.values())
                }
    return out


def _search_body(pattern: str, name: str, dob: str) -> dict:
    """What each search is sent in its body (never in the URL, issue 7): the API's JSON, the page's form."""
    if pattern == "people/search/":
        year, month, day = dob.split("-")
        return {"name": name, "date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    if pattern == "api/v1/intake/candidates":
        forename, surname = name.split(" ")
        return {"forename": forename, "surname": surname, "date_of_birth": dob}
    return {"name": name, "date_of_birth": dob}


def collection_urls() -> list[tuple[str, str, dict | None]]:
    """(route pattern, URL, body to POST or None to GET) of every collection: each route without a path parameter,
    the API's and the pages', with the searches posted a name and date of birth (SR-1's two identifying items) of
    each child."""
    urls = []
    for route in all_routes():
        if route.kwargs or NOT_COLLECTIONS.match(route.pattern) or route.pattern in ("api/v1/openapi.json",):
            continue
        if route.pattern in SEARCH_PAGES:
            for name, dob in (("Alfa Propchild", "2018-04-02"), ("Bravo Propchild", "2018-04-02")):
                urls.append((route.pattern, "/" + route.pattern, _search_body(route.pattern, name, dob)))
            continue
        urls.append((route.pattern, "/" + route.pattern, None))
    return urls


def _canaries(world) -> dict:  # noqa: F811  (the fixture's value)
    """(kind, name) -> strings that betray the record: its id, and for a contact its reference, for a person their
    first name and address line."""
    from openmash.contacts.models import Contact

    out = {}
    for obj, pk in world["ids"].items():
        out[obj] = {str(pk)}
    for name in ("C1", "C2", "C3"):
        out[("contact", name)].add(Contact.objects.get(pk=world["ids"][("contact", name)]).reference)
    for name, first in NAMES.items():
        out[("person", name)].add(first)
        if name in ("A", "B", "X"):
            out[("person", name)].add(_home(first)["line1"])
    return out


def _fetch(client: Client, url: str, token: str | None, body: dict | None = None) -> tuple[int, str]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is None:
        response = client.get(url, **headers)
    elif url.startswith("/api/"):
        response = client.post(url, body, content_type="application/json", **headers)
    else:
        response = client.post(url, body, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", errors="replace")


def leaks_in(user, pattern: str, body: str, state: State, canaries: dict, ids: dict) -> list[str]:
    """The out-of-basis records `body` (one collection's response to `user`) betrays, as messages."""
    if pattern in AUDIT_PAGES and user == "auditor":
        return []
    allowed_pks = {str(ids[o]) for o in OBJECTS if oracle_may(user, o, state)}
    carried = carried_strings(user, state, canaries, ids)
    found = []
    for obj in OBJECTS:
        if oracle_may(user, obj, state):
            continue
        for canary in canaries[obj]:
            if canary == str(ids[obj]) and canary in allowed_pks:
                continue  # the same id as an object the user may see (a contact and its pack)
            if canary in carried:
                continue  # shown by a record the user may see (CARRIED)
            if pattern in SEARCH_PAGES and obj[0] == "person" and canary == NAMES[obj[1]]:
                continue  # search shows a name to whoever typed it (the intake's "is it them?")
            if pattern in SEARCH_PAGES and obj[0] == "person" and canary == str(ids[obj]):
                continue  # a search result that cannot be opened (checked below: no address)
            if canary in body:
                found.append(f"{user} {pattern}: {obj} ({canary!r})")
    return found


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=states)
def test_no_collection_lists_a_record_outside_the_users_basis(world, tokens, state):  # noqa: F811
    """In: a drawn state. Out: for every user x every collection (API and pages), no canary of a record the oracle
    says they may not see; and the collections do list what they may see."""
    urls = collection_urls()

    def check():
        _apply(world, state)
        canaries = _canaries(world)
        leaks, listed = [], {}
        for user in USERS:
            actor = world["actors"][user]
            page_client = Client()
            page_client.force_login(actor.user)
            for pattern, url, sent in urls:
                api = pattern.startswith("api/")
                status, body = _fetch(Client() if api else page_client, url, tokens[user] if api else None, sent)
                if status != 200:
                    continue
                leaks.extend(leaks_in(user, pattern, body, state, canaries, world["ids"]))
                listed.setdefault(user, set()).update(o for o in OBJECTS if str(world["ids"][o]) in body)
        assert not leaks, f"{state}\n" + "\n".join(sorted(set(leaks)))
        # not vacuous: the hub's queue lists the unscreened contact, and an agency sees its open request
        assert ("contact", "C2") in listed.get("screener@mash", set())
        for name, agency_user in (("P", "researcher@police"), ("G", "researcher@health-gp")):
            if state.requests[name] == "open":
                assert ("request", name) in listed.get(agency_user, set()), (agency_user, state)

    _in_savepoint(check)


def test_the_collections_walked_include_every_kind():
    """The walk covers the queues, inboxes, searches, exports and reports (a renamed route would drop out)."""
    patterns = {p for p, _, _ in collection_urls()}
    for wanted in ("screening/", "enquiries/", "requests/", "api/v1/screening-queue", "api/v1/agency-requests",
                   "api/v1/enquiries", "api/v1/mash-packs", "packs/", "api/v1/people/search", "people/search/", "flags/",
                   "api/v1/flags", "audit/export.csv", "privacy/views-without-involvement.csv"):  # fmt: skip
        assert wanted in patterns, wanted


@pytest.mark.parametrize("user", ["researcher@police", USERS[1]])
def test_a_leak_is_caught(user):
    """The check itself: a body carrying an out-of-basis contact's reference is reported."""
    state = State(
        allocations={},
        requests={"P": "open", "G": "open"},
        c1_status="in_enquiry",
        item={"state": "draft", "sensitivity": "standard", "released": False, "withdrawn": False},
    )
    ids = {obj: f"00000000-0000-0000-0000-{i:012d}" for i, obj in enumerate(OBJECTS)}
    canaries = {obj: {ids[obj]} for obj in OBJECTS}
    canaries[("contact", "C3")].add("MASH-REF-3")
    found = leaks_in(user, "screening/", "<td>MASH-REF-3</td>", state, canaries, ids)
    assert found and "C3" in found[0]
