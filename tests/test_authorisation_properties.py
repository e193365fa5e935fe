"""AZ-3 (SECURITY-TESTS.md 5(b)): property-based authorisation. Hypothesis draws a small world's relationship
state and a (user, object, action) triple; the access module's answer must equal an oracle written here from the
documented rules (docs/security/access-and-audit.md "Who sees what", "The secure room"), never from the module.

The world's skeleton is made once per test through the services (agencies, eleven users, three contacts, one MASH
enquiry asked of the police and the GP practice, three GP items); each example then draws, inside a savepoint rolled
back afterwards:

- for each of two social workers and each of three children: no allocation, an open one or an ended one;
- each agency request: open, closed a day ago, or closed longer ago than the partnership's access window;
- the enquiry's contact: in enquiry, decided or at strategy discussion (only the last two have a MASH pack);
- one GP item: draft / shared / refused, standard / sensitive / sealed, released or not, withdrawn or not;

and then asks, for every user and every object (a contact, the enquiry, a request, a person, a pack, an item),
whether the user may see it, and for every user and role action whether they may take it, and compares each answer
with the oracle's. Out: 0 mismatches.

Examples (drawn states, each checked for 11 users x 19 objects and 8 actions): 100 in the PR run, 600 with OPENMASH_TEST_EXTENDED=1 (the plan's figure is 500
in PR; 100 keeps the PR run inside its time on a 2-core CI machine). A second property draws random (state, user,
object) triples and sends them through the HTTP API (200 when the oracle allows, 403 or 404 when not): 25 in PR, 200 extended.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import (
    REFUSE,
    child,
    contact_record,
    enquiry_open,
    item_give,
    nhs_number,
    requests_send,
    screen,
    subject_person,
)

EXTENDED = os.environ.get("OPENMASH_TEST_EXTENDED") == "1"
EXAMPLES = 600 if EXTENDED else 100
HTTP_EXAMPLES = 200 if EXTENDED else 25

USERS = [
    "referrer@police (recorded C1)",
    "referrer@school-oak (recorded C2)",
    "social worker one (recorded C3)",
    "social worker two",
    "screener@mash",
    "manager@mash",
    "researcher@police",
    "researcher@health-gp",
    "researcher@school-oak",
    "partnership admin",
    "auditor",
]
ROLE = {
    USERS[0]: ("referrer", "police"),
    USERS[1]: ("referrer", "school-oak"),
    USERS[2]: ("social_worker", "mash"),
    USERS[3]: ("social_worker", "mash"),
    USERS[4]: ("screener", "mash"),
    USERS[5]: ("manager", "mash"),
    USERS[6]: ("researcher", "police"),
    USERS[7]: ("researcher", "health-gp"),
    USERS[8]: ("researcher", "school-oak"),
    USERS[9]: ("partnership_admin", "mash"),
    USERS[10]: ("auditor", "mash"),
}
WORKERS = (USERS[2], USERS[3])
CHILDREN = ("A", "B", "X")  # A: C1's child (the enquiry); B: C2's child (unscreened); X: C3's child (screened)
PEOPLE = ("A", "D", "B", "X", "Y")  # D: C1's household adult; Y: C3's household adult

# The world's static facts, as the oracle knows them: who recorded each contact, who is in it, whether the hub
# screened it.
CONTACTS = {
    "C1": {"recorder": USERS[0], "people": ("A", "D"), "subjects": ("A",), "screened": True},
    "C2": {"recorder": USERS[1], "people": ("B",), "subjects": ("B",), "screened": False},
    "C3": {"recorder": USERS[2], "people": ("X", "Y"), "subjects": ("X",), "screened": True},
}
REQUESTS = {"P": "police", "G": "health-gp"}  # the enquiry's requests, by agency


@dataclass
class State:
    allocations: dict  # (worker, child) -> "none" | "open" | "ended"
    requests: dict  # "P" / "G" -> "open" | "closed_recent" | "closed_old"
    c1_status: str  # in_enquiry | decided | strategy
    item: dict = field(default_factory=dict)  # state, sensitivity, released, withdrawn


states = st.builds(
    State,
    allocations=st.fixed_dictionaries(
        {(w, c): st.sampled_from(["none", "open", "ended"]) for w in WORKERS for c in CHILDREN}
    ),
    requests=st.fixed_dictionaries({r: st.sampled_from(["open", "closed_recent", "closed_old"]) for r in REQUESTS}),
    c1_status=st.sampled_from(["in_enquiry", "decided", "strategy"]),
    item=st.fixed_dictionaries(
        {
            "state": st.sampled_from(["draft", "shared", "refused"]),
            "sensitivity": st.sampled_from(["standard", "sensitive", "sealed"]),
            "released": st.booleans(),
            "withdrawn": st.booleans(),
        }
    ),
)
OBJECTS = (
    [("contact", c) for c in CONTACTS]
    + [("enquiry", "E1")]
    + [("request", r) for r in REQUESTS]
    + [("person", p) for p in PEOPLE]
    + [("pack", c) for c in CONTACTS]
    + [("item", i) for i in ("I1", "I2", "I3")]  # I1: drawn; I2: refused; I3: a draft
)
# Role actions and who may take them (docs/security/access-and-audit.md "Who sees what", the role table).
ACTIONS = {
    "contact.screen": {"screener@hub", "manager@hub"},
    "enquiry.decide": {"manager@hub"},
    "allocation.assign": {"manager@hub"},
    "request.respond": {"researcher"},
    "audit.view": {"auditor"},
    "partnership.configure": {"partnership_admin"},
    "pack.view": {"social_worker"},
    "casenote.create": {"screener@hub", "manager@hub"},
}


# --- the oracle ----------------------------------------------------------------------------------------------------


def _hub(user) -> bool:
    role, agency = ROLE[user]
    return agency == "mash" and role in ("screener", "manager")


def _open(state: State, user, person) -> bool:
    return state.allocations.get((user, person)) == "open"


def _person_in_request_window(state: State, request) -> bool:
    return state.requests[request] in ("open", "closed_recent")


def oracle_may(user, obj, state: State) -> bool:
    """Whether `user` may see `obj` (kind, name) in `state`, from the documented rules."""
    kind, name = obj
    role, agency = ROLE[user]
    if _hub(user):
        if kind == "pack":
            return name == "C1" and state.c1_status in ("decided", "strategy")
        if kind == "item":
            return _item_shown_to_outsider_or_hub(user, name, state, hub=True)
        return True
    if kind == "contact":
        facts = CONTACTS[name]
        if facts["recorder"] == user and role in ("referrer", "researcher", "social_worker"):
            return True
        return role == "social_worker" and any(_open(state, user, p) for p in facts["people"])
    if kind == "enquiry":
        return False
    if kind == "request":
        return role == "researcher" and agency == REQUESTS[name]
    if kind == "person":
        return _person_visible(user, name, state)
    if kind == "pack":
        return _pack_readable(user, name, state)
    if kind == "item":
        return _item_shown_to_outsider_or_hub(user, name, state, hub=False)
    raise AssertionError(obj)


def _person_visible(user, name, state: State) -> bool:
    """Outside the hub: an allocated worker their open children and the people named in the hub-screened contacts
    about them that they did not record; a researcher the subject child of a request to their agency while it is
    open or within the access window after it closed; nobody else."""
    role, agency = ROLE[user]
    if role == "social_worker":
        if _open(state, user, name):
            return True
        return any(
            name in facts["people"]
            and facts["screened"]
            and facts["recorder"] != user
            and any(_open(state, user, p) for p in facts["people"])
            for facts in CONTACTS.values()
        )
    if role == "researcher":
        return name == "A" and any(REQUESTS[r] == agency and _person_in_request_window(state, r) for r in REQUESTS)
    return False


def _pack_readable(user, contact, state: State) -> bool:
    role, _ = ROLE[user]
    if contact != "C1" or state.c1_status not in ("decided", "strategy"):
        return False
    return role == "social_worker" and any(_open(state, user, s) for s in CONTACTS["C1"]["subjects"])


def _item(name, state: State) -> dict:
    if name == "I1":
        return state.item
    if name == "I2":
        return {"state": "refused", "sensitivity": "sensitive", "released": False, "withdrawn": False}
    return {"state": "draft", "sensitivity": "standard", "released": False, "withdrawn": False}


def _item_shown_to_outsider_or_hub(user, name, state: State, *, hub: bool) -> bool:
    """The secure room: the GP's researchers see their items whole in every state; nobody else a draft or a
    withdrawn item; the hub a shared or refused one (a refused one only as declined, a sealed one only as held);
    outside the hub only a reader of the pack, a shared item, a sealed one only for a sealed role (managers)."""
    role, agency = ROLE[user]
    if role == "researcher" and agency == "health-gp":
        return True
    item = _item(name, state)
    if item["withdrawn"] or item["state"] == "draft":
        return False
    if hub:
        return item["state"] in ("shared", "refused")
    if not _pack_readable(user, "C1", state) or item["state"] != "shared":
        return False
    return item["sensitivity"] != "sealed" or role == "manager"


def oracle_can(user, action) -> bool:
    role, _ = ROLE[user]
    allowed = ACTIONS[action]
    return role in allowed or (_hub(user) and f"{role}@hub" in allowed)


# --- the world -----------------------------------------------------------------------------------------------------


def _home(first: str) -> dict:
    """Each child's own address, so AZ-4 (tests/test_collections_bola.py) can tell whose address a page shows."""
    return {"line1": f"{len(first)} {first} Lane", "town": "Exampleton", "postcode": "EX1 1AA"}


@pytest.fixture
def world(make_actor):
    actors = {label: make_actor(*ROLE[label]) for label in USERS}
    screener = actors["screener@mash"]
    e1 = enquiry_open(
        referrer=actors[USERS[0]],
        screener=screener,
        subjects=[child(forename="Alfa", surname="Propchild", nhs=nhs_number(), address=_home("Alfa"))],
        household=[
            {
                "forename": "Delta",
                "surname": "Propadult",
                "date_of_birth": "1980-03-03",
                "sex": "M",
                "role": "alleged_perpetrator",
            }
        ],
    )
    c1 = e1.contact
    p_request, g_request = requests_send(screener, e1, "police", "health-gp")
    c2 = contact_record(
        actors[USERS[1]], subjects=[child(forename="Bravo", surname="Propchild", nhs=nhs_number(), address=_home("Bravo"))], household=[]
    )
    c3 = contact_record(
        actors[USERS[2]],
        subjects=[child(forename="Xray", surname="Propchild", nhs=nhs_number(), address=_home("Xray"))],
        household=[
            {
                "forename": "Yankee",
                "surname": "Propadult",
                "date_of_birth": "1979-05-05",
                "sex": "F",
                "role": "parent_carer",
            }
        ],
    )
    screen(screener, c3, outcome="mash_enquiry")
    gp = actors["researcher@health-gp"]
    items = {
        "I1": item_give(gp, g_request, "Item one"),
        "I2": item_give(gp, g_request, "Item two", sensitivity="sensitive", category="mental_health", decision=REFUSE),
        "I3": item_give(gp, g_request, "Item three", decision=None),
    }

    def person(contact, role_is_subject):
        links = contact.people.select_related("person")
        return next(link.person for link in links if (link.role == "subject") == role_is_subject)

    ids = {
        ("contact", "C1"): c1.pk,
        ("contact", "C2"): c2.pk,
        ("contact", "C3"): c3.pk,
        ("pack", "C1"): c1.pk,
        ("pack", "C2"): c2.pk,
        ("pack", "C3"): c3.pk,
        ("enquiry", "E1"): e1.pk,
        ("request", "P"): p_request.pk,
        ("request", "G"): g_request.pk,
        ("person", "A"): subject_person(c1).pk,
        ("person", "D"): person(c1, False).pk,
        ("person", "B"): subject_person(c2).pk,
        ("person", "X"): subject_person(c3).pk,
        ("person", "Y"): person(c3, False).pk,
        **{("item", k): v.pk for k, v in items.items()},
    }
    return {"actors": actors, "ids": ids}


def _apply(world, state: State) -> None:
    """Write the drawn state (inside the caller's savepoint)."""
    from openmash.access.policy import agency_access_days
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import AgencyRequest, CaseAllocation
    from openmash.sharing.models import ContributedItem

    now = timezone.now()
    ids, actors = world["ids"], world["actors"]
    rows = []
    for (worker, kid), s in state.allocations.items():
        if s == "none":
            continue
        actor = actors[worker]
        rows.append(
            CaseAllocation(
                person_id=ids[("person", kid)],
                agency=actor.agency,
                worker=actor.user,
                opened_at=now - dt.timedelta(days=90),
                closed_at=now - dt.timedelta(days=1) if s == "ended" else None,
            )
        )
    CaseAllocation.objects.bulk_create(rows)
    old = agency_access_days() + 5
    for r, s in state.requests.items():
        closed = {"open": None, "closed_recent": now - dt.timedelta(days=1), "closed_old": now - dt.timedelta(days=old)}
        AgencyRequest.objects.filter(pk=ids[("request", r)]).update(
            status="open" if s == "open" else "closed", closed_at=closed[s]
        )
    Contact.objects.filter(pk=ids[("contact", "C1")]).update(status=state.c1_status)
    item = state.item
    ContributedItem.objects.filter(pk=ids[("item", "I1")]).update(
        state=item["state"],
        sensitivity=item["sensitivity"],
        category={"standard": "", "sensitive": "mental_health", "sealed": "adoption"}[item["sensitivity"]],
        released_at=now if item["released"] and item["state"] == "shared" else None,
        withdrawn_at=now if item["withdrawn"] else None,
    )
    if not (item["released"] and item["state"] == "shared"):
        state.item = dict(item, released=False)


def _module_visible(actor, ids) -> set:
    """The objects (kind, name) of the world the access module lets `actor` see, called directly: one query per
    kind of object, and for the items both the queryset (items_visible) and the per-item answer (item_view), which
    must agree."""
    from openmash.access import policy, sharing
    from openmash.sharing.models import ContributedItem

    visible_qs = {
        "contact": policy.contacts_visible,
        "enquiry": policy.enquiries_visible,
        "request": policy.agency_requests_visible,
        "person": policy.people_visible,
        "pack": policy.mash_packs_visible,
        "item": sharing.items_visible,
    }
    seen = set()
    for kind, visible in visible_qs.items():
        wanted = {pk: obj for obj, pk in ids.items() if obj[0] == kind}
        for pk in visible(actor).filter(pk__in=list(wanted)).values_list("pk", flat=True):
            seen.add(wanted[pk])
    items = ContributedItem.objects.select_related("agency", "request__enquiry__contact").filter(
        pk__in=[pk for obj, pk in ids.items() if obj[0] == "item"]
    )
    by_pk = {pk: obj for obj, pk in ids.items() if obj[0] == "item"}
    pack_allowed = None
    for item in items:
        if pack_allowed is None:
            pack_allowed = sharing.pack_readable(actor, item.request.enquiry.contact)
        shown = sharing.item_view(actor, item, pack_allowed=pack_allowed).shown
        assert bool(shown) == (by_pk[item.pk] in seen), ("items_visible and item_view disagree", by_pk[item.pk])
    return seen


class _Rollback(Exception):
    pass


def _in_savepoint(fn):
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=states)
def test_the_access_module_allows_exactly_what_the_oracle_allows(world, state):
    """In: a drawn state. Out: for every user x every object of the world, the module's `*_visible` answer equals
    the oracle's; for every user x every role action, `can` equals the oracle's."""
    from openmash.access.policy import can

    def check():
        _apply(world, state)
        mismatches = []
        for user in USERS:
            actor = world["actors"][user]
            seen = _module_visible(actor, world["ids"])
            for obj in OBJECTS:
                if (obj in seen) != oracle_may(user, obj, state):
                    mismatches.append(f"{user} view {obj}: module {obj in seen}")
            for action in ACTIONS:
                if can(actor, action) != oracle_can(user, action):
                    mismatches.append(f"{user} {action}: module {can(actor, action)}")
        assert not mismatches, f"{state}\n" + "\n".join(mismatches)

    _in_savepoint(check)


API_PATHS = {
    "contact": "/api/v1/contacts/{}",
    "enquiry": "/api/v1/enquiries/{}",
    "person": "/api/v1/people/{}",
    "pack": "/api/v1/mash-packs/{}",
    "item": "/api/v1/contributed-items/{}",
}


@pytest.fixture
def tokens(world):
    from openmash.accounts.services import token_create

    return {label: token_create(username=a.user.username)[1] for label, a in world["actors"].items()}


@settings(max_examples=HTTP_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    state=states,
    user=st.sampled_from(USERS),
    obj=st.sampled_from([o for o in OBJECTS if o[0] in API_PATHS]),
)
def test_the_api_answers_as_the_oracle_allows(world, tokens, state, user, obj):
    """The same property through GET on the API with the user's bearer token: 200 when the oracle allows, 403 or
    404 when it does not."""

    def check():
        _apply(world, state)
        url = API_PATHS[obj[0]].format(world["ids"][obj])
        status = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[user]}").status_code
        want = oracle_may(user, obj, state)
        assert (status == 200) if want else status in (403, 404), f"{user} GET {obj}: {status}, oracle {want}; {state}"

    _in_savepoint(check)
