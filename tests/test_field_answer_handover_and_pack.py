"""Issue 5, "one field-visibility answer per actor and record": the early help hand-over and the MASH pack's people
render from the one answer, access.fields.field_access, like the enquiry pages (tests/test_field_answer_paths.py).

In: one contact about a child (school, GP, address, NHS number, present at the incident) and a household adult
(address), screened into a MASH enquiry and decided as early help with a rationale and next steps (so the early
help service gets a hand-over and the contact has a MASH pack), the child allocated to a social worker.

Out, for every role (and the allocated worker, a social worker not allocated, the early help service, another
agency's researchers):

- the hand-over (its page, the early help inbox page and GET /api/v1/early-help-requests) shows a case field
  (rationale, next steps, concerns, referring agency, consent) exactly when field_access(actor, hand-over) gives it
  (field_table "early_help_request"), and a person's detail (postcode, NHS number, date of birth) exactly when the
  hand-over gives "people" and field_access(actor, person) gives that detail; never the referrer's narrative;
- the MASH pack's "Children and household" (page and GET /api/v1/mash-packs/{id} people) shows a person's name,
  date of birth, school, GP and whether present at the incident exactly when field_access(actor, contact person)
  gives it (field_table "contact_person"), and their postcode and addresses exactly when field_access(actor,
  person) gives them (and the reader may open that person);
- changing one entry of the table changes those surfaces together (so a path that chose its own fields fails).
Neither path has a CSV or PDF export (the pack's answers PDF prints the agencies' answers only).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from openmash.access.fields import field_access
from openmash.access.policy import early_help_people_allowed, people_visible_ids
from openmash.access.sharing import pack_readable
from tests.support import allocation_open, nhs_number, screen
from tests.test_field_canaries import _text

NARRATIVE = "Fieldcanary narrative Yarlside"
RATIONALE = "Fieldcanary early help rationale Zennor"
NEXT_STEPS = "Fieldcanary early help next steps Amblecote"
CHILD_FORENAME = "Fieldcanarykid"
ADULT_FORENAME = "Fieldcanaryadult"
CHILD_LINE = "7 Canaryfield Row"
ADULT_LINE = "9 Canaryadult Lane"
CHILD_POSTCODE = "CN1 7AA"
ADULT_POSTCODE = "CN9 9ZZ"
SCHOOL = "Oakfield Primary School"
GP = "Riverside GP Practice"
CONCERN = "7A"  # a concern code the payload gives, shown on the hand-over page by its label ("Young carer")
CASE_KEYS = (
    "concern_codes",
    "referrer_agency",
    "consent",
    "consent_not_sought_reason",
    "family_aware",
    "rationale",
    "next_steps",
    "threshold_level",
)


@pytest.fixture
def world(make_actor, partnership):
    from openmash.accounts.services import agency_create
    from openmash.contacts.services import contact_create
    from openmash.enquiries.models import EarlyHelpRequest
    from openmash.enquiries.services import enquiry_decide
    from tests.support import payload

    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    recorder = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    child_nhs = nhs_number()
    data = payload(
        subjects=[
            {
                "forename": CHILD_FORENAME,
                "surname": "Packchild",
                "date_of_birth": "2017-05-06",
                "sex": "F",
                "identifiers": [{"type": "nhs_number", "value": child_nhs}],
                "address": {"line1": CHILD_LINE, "town": "Exampleton", "postcode": CHILD_POSTCODE},
                "school_code": "school-oak",
                "gp_code": "health-gp",
                "present_at_incident": "yes",
            }
        ],
        household=[
            {
                "forename": ADULT_FORENAME,
                "surname": "Packadult",
                "date_of_birth": "1986-02-03",
                "sex": "M",
                "role": "parent_carer",
                "address": {"line1": ADULT_LINE, "town": "Exampleton", "postcode": ADULT_POSTCODE},
            }
        ],
        narrative=NARRATIVE,
        concern_codes=[CONCERN],
    )
    contact, _ = contact_create(actor=recorder, data=data)
    screen(screener, contact)
    contact.refresh_from_db()
    enquiry_decide(
        actor=manager,
        enquiry_id=contact.enquiry.pk,
        outcomes=["early_help"],
        threshold_level=2,
        rationale=RATIONALE,
        next_steps=NEXT_STEPS,
        exception_reason="Decided on what the hub already holds",
        unanswered_confirmed=True,
    )
    contact.refresh_from_db()
    links = {cp.role == "subject" and "child" or "adult": cp for cp in contact.people.select_related("person")}
    worker = make_actor("social_worker", "mash")
    allocation_open(links["child"].person, worker)
    actors = {
        "early help": make_actor("researcher", "early-help"),
        "screener": screener,
        "manager": manager,
        "allocated worker": worker,
        "social worker not allocated": make_actor("social_worker", "mash"),
        "recorder (police referrer)": recorder,
        "researcher@health-gp": make_actor("researcher", "health-gp"),
        "partnership admin": make_actor("partnership_admin", "mash"),
    }
    return {
        "contact": contact,
        "eh": EarlyHelpRequest.objects.get(contact=contact),
        "links": links,
        "child_nhs": child_nhs,
        "actors": actors,
    }


def _client(actor) -> tuple[Client, dict]:
    from openmash.accounts.services import token_create

    client = Client()
    client.force_login(actor.user)
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


# --- the early help hand-over ------------------------------------------------------------------------------------


def _handover_expected(actor, world) -> tuple[set[str], dict[str, set[str]]]:
    """(the case fields, {"child"/"adult": the person's details}) field_access gives this actor on the hand-over."""
    eh = world["eh"]
    access = field_access(actor, eh, record_type="early_help_request")
    case = set(access.fields) & set(CASE_KEYS)
    people = {}
    if "people" in access and early_help_people_allowed(actor, eh):
        for who, link in world["links"].items():
            people[who] = set(field_access(actor, link.person, record_type="person").fields) & {
                "forename",
                "surname",
                "date_of_birth",
                "sex",
                "postcode",
                "nhs_number",
            }
    return case, people


def _handover_canaries(world) -> dict[str, tuple[str, str]]:
    """canary text on the pages -> (whose: "case", "child" or "adult", field)."""
    from openmash.web.templatetags.openmash_web import concern_label

    nhs = world["child_nhs"]
    return {
        RATIONALE: ("case", "rationale"),
        NEXT_STEPS: ("case", "next_steps"),
        concern_label(CONCERN): ("case", "concern_codes"),
        "County Police": ("case", "referrer_agency"),
        CHILD_FORENAME: ("child", "forename"),
        ADULT_FORENAME: ("adult", "forename"),
        CHILD_POSTCODE: ("child", "postcode"),
        ADULT_POSTCODE: ("adult", "postcode"),
        f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}": ("child", "nhs_number"),
        "6 May 2017": ("child", "date_of_birth"),
        "3 Feb 1986": ("adult", "date_of_birth"),
    }


def _handover_problems(label, actor, world) -> list[str]:
    """Where the hand-over's page, inbox page or JSON differs from field_access's answer for this actor."""
    case, people = _handover_expected(actor, world)
    client, bearer = _client(actor)
    eh = world["eh"]
    problems = []
    want = {
        c
        for c, (who, f) in _handover_canaries(world).items()
        if (f in case if who == "case" else f in people.get(who, ()))
    }
    detail = client.get(f"/early-help/{eh.pk}/")
    inbox = client.get("/early-help/?status=all")  # the inbox lists the people (never the case)
    canaries = _handover_canaries(world)
    pages = {
        "hand-over page": (detail, want),
        "inbox page": (inbox, {c for c in want if canaries[c][0] != "case"}),
    }
    for name, (response, expected) in pages.items():
        text = _text(response) if response.status_code == 200 else ""
        if response.status_code != 200 or detail.status_code != 200:
            expected = set()
        got = {c for c in canaries if c in text}
        if got != expected:
            problems.append(f"{label} {name}: extra {sorted(got - expected)}, missing {sorted(expected - got)}")
        if NARRATIVE in text:
            problems.append(f"{label} {name}: the referrer's narrative")
    r = client.get("/api/v1/early-help-requests?status=", **bearer)
    items = [i for i in r.json()["items"] if i["id"] == str(eh.pk)] if r.status_code == 200 else []
    if r.status_code == 200 and detail.status_code == 200 and not items:
        problems.append(f"{label} json: the hand-over is not listed")  # the hub has no inbox: 403 there
    for item in items:
        got_case = {k for k in CASE_KEYS if (item["case"] or {}).get(k) not in ("", None, [], False)}
        listed = set((item["case"] or {}).get("fields", ()))
        if got_case != case or listed & set(CASE_KEYS) != case:
            problems.append(f"{label} json case: {sorted(got_case)} (fields {sorted(listed)}), want {sorted(case)}")
        rows = {"child": item["children"], "adult": item["household"]}
        for who in ("child", "adult"):
            got = set()
            for row in rows[who]:
                got |= {k for k, v in row.items() if k != "role" and v not in ("", None)}
            want_who = people.get(who, set()) - ({"nhs_number"} if who == "adult" else set())  # none known
            if got != want_who:
                problems.append(f"{label} json {who}: extra {sorted(got - want_who)}, missing {sorted(want_who - got)}")
        if NARRATIVE in str(item):
            problems.append(f"{label} json: the referrer's narrative")
    return problems


def test_the_hand_over_shows_exactly_what_field_access_gives_each_actor(world):
    """Every actor: the hand-over page, the inbox page and the JSON show exactly field_access's case fields and
    person details; the early help service sees its case and the minimum details, the hub the people only."""
    problems = []
    for label, actor in world["actors"].items():
        problems += _handover_problems(label, actor, world)
    assert not problems, "\n".join(problems)
    case, people = _handover_expected(world["actors"]["early help"], world)
    assert {"rationale", "next_steps", "concern_codes"} <= case and "nhs_number" in people["child"]
    assert _handover_expected(world["actors"]["screener"], world)[0] == set()  # the hub reads the contact itself


def test_one_table_entry_changes_the_hand_over_page_and_json_together(world, monkeypatch):
    """Taking "reasons" from the early help service's hand-over groups removes the rationale and next steps from
    its page and JSON; taking postcode and NHS number from the person's minimum removes them from the hand-over's
    people (page, inbox and JSON) too. The comparison with field_access still holds, and what is left still shows."""
    from openmash.access import field_table

    agency = dict(field_table.VISIBLE["agency"])
    agency["early_help_request"] = tuple(g for g in agency["early_help_request"] if g != "reasons")
    monkeypatch.setitem(field_table.VISIBLE, "agency", agency)
    person = dict(field_table.FIELD_GROUPS["person"])
    person["minimum"] = tuple(f for f in person["minimum"] if f not in ("postcode", "nhs_number"))
    monkeypatch.setitem(field_table.FIELD_GROUPS, "person", person)
    eh_actor = world["actors"]["early help"]
    assert not _handover_problems("early help", eh_actor, world)
    client, bearer = _client(eh_actor)
    page = _text(client.get(f"/early-help/{world['eh'].pk}/"))
    assert RATIONALE not in page and NEXT_STEPS not in page and CHILD_POSTCODE not in page
    assert "County Police" in page and CHILD_FORENAME in page
    [item] = client.get("/api/v1/early-help-requests?status=", **bearer).json()["items"]
    assert item["case"]["rationale"] == "" and item["children"][0]["postcode"] == ""
    assert item["children"][0]["nhs_number"] == "" and item["children"][0]["forename"] == CHILD_FORENAME
    # and with no group at all for the service, no case and no people
    monkeypatch.setitem(field_table.VISIBLE, "agency", {**agency, "early_help_request": ()})
    [item] = client.get("/api/v1/early-help-requests?status=", **bearer).json()["items"]
    assert item["case"] is None and item["children"] == [] and item["household"] == []
    assert CHILD_FORENAME not in _text(client.get(f"/early-help/{world['eh'].pk}/"))


# --- the MASH pack's people ---------------------------------------------------------------------------------------

PACK_KEYS = (
    "role",
    "forename",
    "surname",
    "date_of_birth",
    "postcode",
    "addresses",
    "school",
    "gp",
    "present_at_incident",
)


def _pack_expected(actor, world) -> dict[str, set[str]]:
    """{"child"/"adult": the fields of that person field_access gives this reader of the pack} ({} for a reader who
    may not open it): the contact person's ("contact_person"; school, GP and present at the incident are what the
    contact says of a subject child only) and, for a person the reader may open, the record's postcode and
    addresses ("person")."""
    contact = world["contact"]
    if not pack_readable(actor, contact):
        return {}
    out = {}
    for who, link in world["links"].items():
        named = set(field_access(actor, link, record_type="contact_person").fields)
        if who != "child":
            named -= {"school", "gp", "present_at_incident"}
        record = set()
        if people_visible_ids(actor, [link.person_id]):
            record = set(field_access(actor, link.person, record_type="person").fields) & {"postcode", "addresses"}
        out[who] = (named | record) & set(PACK_KEYS)
    return out


def _pack_canaries() -> dict[str, tuple[str, tuple[str, ...]]]:
    """canary text in the pack page's people table -> (whose, the fields any of which shows it)."""
    return {
        CHILD_FORENAME: ("child", ("forename",)),
        ADULT_FORENAME: ("adult", ("forename",)),
        "6 May 2017": ("child", ("date_of_birth",)),
        "3 Feb 1986": ("adult", ("date_of_birth",)),
        CHILD_LINE: ("child", ("addresses",)),
        ADULT_LINE: ("adult", ("addresses",)),
        CHILD_POSTCODE: ("child", ("postcode", "addresses")),
        ADULT_POSTCODE: ("adult", ("postcode", "addresses")),
        SCHOOL: ("child", ("school",)),
        GP: ("child", ("gp",)),
        "Present at the incident: yes": ("child", ("present_at_incident",)),
    }


def _people_table(html: str) -> str:
    """The pack page's "Children and household" table (the rest of the pack names the children too)."""
    found = re.search(r"Children and household</h2>(.*?)</table>", html, re.S)
    return found.group(1) if found else ""


def _pack_problems(label, actor, world) -> list[str]:
    """Where the pack's people table or its JSON people differ from field_access's answer for this actor."""
    expected = _pack_expected(actor, world)
    client, bearer = _client(actor)
    contact = world["contact"]
    problems = []
    page = client.get(f"/packs/{contact.pk}/")
    table = _people_table(_text(page)) if page.status_code == 200 else ""
    want = {c for c, (who, fs) in _pack_canaries().items() if set(fs) & expected.get(who, set())}
    got = {c for c in _pack_canaries() if c in table}
    if got != want:
        problems.append(f"{label} pack page: extra {sorted(got - want)}, missing {sorted(want - got)}")
    if bool(expected) != (page.status_code == 200):
        problems.append(f"{label} pack page: status {page.status_code}")
    r = client.get(f"/api/v1/mash-packs/{contact.pk}", **bearer)
    people = r.json()["people"] if r.status_code == 200 else []
    if bool(expected) != bool(people):
        problems.append(f"{label} pack json: status {r.status_code}")
    ids = {str(link.person_id): who for who, link in world["links"].items()}
    for row in people:
        who = ids[row["person_id"]]
        shown = {k for k in PACK_KEYS if row.get(k) not in ("", None)}
        if shown != expected[who] or set(row["fields"]) & set(PACK_KEYS) != expected[who]:
            problems.append(f"{label} pack json {who}: {sorted(shown)} (fields {row['fields']}), want {expected[who]}")
    return problems


def test_the_pack_people_show_exactly_what_field_access_gives_each_actor(world):
    """Every actor: the pack's people table and its JSON people show exactly field_access's fields of each person;
    the hub sees every detail, the allocated worker the child's addresses but only the adult's postcode (the adult
    is not allocated to her), anyone who may not open the pack nothing."""
    problems = []
    for label, actor in world["actors"].items():
        problems += _pack_problems(label, actor, world)
    assert not problems, "\n".join(problems)
    worker = _pack_expected(world["actors"]["allocated worker"], world)
    assert {"addresses", "school", "gp"} <= worker["child"] and "addresses" not in worker["adult"]
    assert "postcode" in worker["adult"]
    assert set(PACK_KEYS) <= _pack_expected(world["actors"]["screener"], world)["child"]
    assert _pack_expected(world["actors"]["early help"], world) == {}


def test_one_table_entry_changes_the_pack_page_and_json_together(world, monkeypatch):
    """Taking "circumstances" from the allocated worker's contact-person groups and "identity" from her person
    groups removes the child's school, GP and addresses from her pack page and JSON (the postcode stays: it is the
    minimum), and the hub's pack is unchanged."""
    from openmash.access import field_table

    case_worker = dict(field_table.VISIBLE["case_worker"])
    case_worker["contact_person"] = ("named",)
    case_worker["person"] = tuple(g for g in case_worker["person"] if g != "identity")
    monkeypatch.setitem(field_table.VISIBLE, "case_worker", case_worker)
    worker, screener = world["actors"]["allocated worker"], world["actors"]["screener"]
    assert not _pack_problems("allocated worker", worker, world)
    assert not _pack_problems("screener", screener, world)
    client, bearer = _client(worker)
    table = _people_table(_text(client.get(f"/packs/{world['contact'].pk}/")))
    assert SCHOOL not in table and GP not in table and CHILD_LINE not in table
    assert CHILD_POSTCODE in table and CHILD_FORENAME in table
    people = client.get(f"/api/v1/mash-packs/{world['contact'].pk}", **bearer).json()["people"]
    child = next(p for p in people if p["forename"] == CHILD_FORENAME)
    assert child["school"] is None and child["gp"] is None and child["addresses"] is None
    assert child["postcode"] == CHILD_POSTCODE
    hub = _people_table(_text(_client(screener)[0].get(f"/packs/{world['contact'].pk}/")))
    assert SCHOOL in hub and CHILD_LINE in hub


# --- Operation Encompass notices (the same kind: a notice to a school that chose the child's fields itself) --------

NOTICE_CHILD = "Fieldcanarypupil"


@pytest.fixture
def notice_world(make_actor, partnership):
    """A police domestic abuse contact asking for the child's school (Oakfield) to be told: one notice."""
    import datetime as dt

    from django.utils import timezone

    from openmash.contacts.models import EncompassNotice
    from openmash.contacts.services import contact_create
    from tests.support import payload

    data = payload(
        subjects=[
            {
                "forename": NOTICE_CHILD,
                "surname": "Noticechild",
                "date_of_birth": "2016-08-09",
                "sex": "M",
                "school_code": "school-oak",
                "present_at_incident": "yes",
            }
        ],
        police_reference="DA/2026/7788",
        incident_at=timezone.now() - dt.timedelta(hours=5),
        dash_risk="high",
        marac_referral="yes",
        notify_schools=True,
    )
    contact_create(actor=make_actor("referrer", "police"), data=data)
    actors = {
        "school researcher": make_actor("researcher", "school-oak"),
        "school referrer": make_actor("referrer", "school-oak"),
        "screener": make_actor("screener", "mash"),
        "police referrer": make_actor("referrer", "police"),
        "researcher@health-gp": make_actor("researcher", "health-gp"),
    }
    return {"notice": EncompassNotice.objects.get(), "actors": actors}


NOTICE_CANARIES = {
    NOTICE_CHILD: "child_forename",
    "9 August 2016": "child_date_of_birth",
    "DA/2026/7788": "police_reference",
}


def _notice_problems(label, actor, world) -> list[str]:
    """Where the notices page, the notice page or the JSON differ from field_access's answer for this actor."""
    notice = world["notice"]
    fields = set(field_access(actor, notice, record_type="encompass_notice").fields)
    client, bearer = _client(actor)
    problems = []
    for name, url in (("notice page", f"/school-notices/{notice.pk}/"), ("notices page", "/school-notices/")):
        r = client.get(url)
        text = _text(r) if r.status_code == 200 else ""
        want = {c for c, f in NOTICE_CANARIES.items() if f in fields}
        if name == "notices page":
            want -= {"9 August 2016", "DA/2026/7788"}  # the list names the child, no date of birth or reference
        got = {c for c in NOTICE_CANARIES if c in text}
        if got != want:
            problems.append(f"{label} {name}: extra {sorted(got - want)}, missing {sorted(want - got)}")
    r = client.get("/api/v1/encompass-notices", **bearer)
    items = r.json()["items"] if r.status_code == 200 else []
    notice.refresh_from_db()  # the school opening it marks it read
    unset = {"acknowledged_at", "acknowledged_by"} | ({"read_at"} if notice.read_at is None else set())
    for item in items:
        shown = {k for k, v in item.items() if k not in ("id", "fields") and v not in ("", None)}
        want = fields - unset
        if shown != want or set(item["fields"]) != fields:
            problems.append(f"{label} json: {sorted(shown)} (fields {item['fields']}), want {sorted(want)}")
    if bool(items) != bool(fields):
        problems.append(f"{label} json: {len(items)} notices, fields {sorted(fields)}")
    return problems


def test_the_school_notice_shows_exactly_what_field_access_gives_each_actor(notice_world):
    """The school and the hub see the notice's child, incident and delivery; nobody else sees the notice at all;
    the notices page, the notice page and the JSON agree with field_access."""
    problems = []
    for label, actor in notice_world["actors"].items():
        problems += _notice_problems(label, actor, notice_world)
    assert not problems, "\n".join(problems)
    school = field_access(notice_world["actors"]["school researcher"], notice_world["notice"])
    assert {"child_forename", "child_date_of_birth", "police_reference"} <= school.fields
    assert not field_access(notice_world["actors"]["police referrer"], notice_world["notice"]).fields


def test_one_table_entry_changes_the_school_notice_pages_and_json_together(notice_world, monkeypatch):
    """Taking "child" from the schools' notice groups removes the child's name and date of birth from the school's
    pages and JSON (the reference stays); the hub's are unchanged."""
    from openmash.access import field_table

    agency = dict(field_table.VISIBLE["agency"])
    agency["encompass_notice"] = ("incident", "delivery")
    monkeypatch.setitem(field_table.VISIBLE, "agency", agency)
    school, screener = notice_world["actors"]["school researcher"], notice_world["actors"]["screener"]
    assert not _notice_problems("school researcher", school, notice_world)
    assert not _notice_problems("screener", screener, notice_world)
    client, bearer = _client(school)
    page = _text(client.get(f"/school-notices/{notice_world['notice'].pk}/"))
    assert NOTICE_CHILD not in page and "9 August 2016" not in page and "DA/2026/7788" in page
    [item] = client.get("/api/v1/encompass-notices", **bearer).json()["items"]
    assert item["child_forename"] == "" and item["child_date_of_birth"] is None
    assert NOTICE_CHILD in _text(_client(screener)[0].get(f"/school-notices/{notice_world['notice'].pk}/"))
