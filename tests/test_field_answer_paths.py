"""Issue 7 "Field-level access as data" and issue 5 "one field-visibility answer per actor and record": the enquiry
pages (the hub's enquiry, the MASH pack), the agency's request page, the person's agency records and the chronology
render from the one answer, access.fields.field_access, on the page, in the JSON and in the CSV/PDF exports alike.

In: one decided MASH enquiry asked of the GP practice and the police, its child allocated to a social worker. Every
field of each record kind that these surfaces show as free text carries its own canary:

- enquiry: a RAG change's reason (field ``rag_history``), the decision's rationale and next steps (``decision``);
- agency_answer (the GP's answer): its relevant dates, the reason for its amendment, and what it said before the
  amendment (``relevant_dates``, ``amendment_reason``, ``previous_versions``);
- contributed_item: the text (``text``) of a sealed released item, a sensitive unreleased one, a sensitive
  released one and a refused one (the secure room's standard / sensitive / sealed and release rules);
- chronology_entry: a standard feed entry's summary, description, event id and type text, and a sealed entry's
  summary (the chronology's sensitivities; its words only for the partnership's sealed roles);
- agency_record: a police record's local id, given name and feed.

For every role (and the recorder, the allocated worker, a social worker not allocated, each agency's researchers
asked and not asked, the early help service, and a deactivated user), each canary is looked for in the pages, the
JSON and the CSV/PDF exports. Out: a canary is on a page and in the JSON exactly when field_access gives its field
to that actor for that record (and, for a chronology entry, its sensitivity), and in an export exactly when the
export carries that field and field_access gives it: the same redaction in page, JSON, CSV and PDF.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from openmash.access.fields import field_access
from openmash.access.sharing import chronology_entry_held, pack_readable
from tests.support import (
    REFUSE,
    allocation_open,
    child,
    enquiry_open,
    item_give,
    item_release,
    nhs_number,
    requests_send,
    respond,
    subject_person,
)
from tests.test_field_canaries import _text

RAG_REASON = "Fieldcanary rag reason Wexcombe"
RATIONALE = "Fieldcanary decision rationale Ollerby"
NEXT_STEPS = "Fieldcanary next steps Pendleford"
DATES = "Fieldcanary relevant dates Quarnford"
AMENDED = "Fieldcanary amendment reason Tollerton"
OLD_SUMMARY = "Fieldcanary earlier answer Ashwick"
ITEM_SEALED = "Fieldcanary sealed item Brackley"
ITEM_SENSITIVE = "Fieldcanary sensitive unreleased item Coldwell"
ITEM_RELEASED = "Fieldcanary sensitive released item Dunsfold"
ITEM_REFUSED = "Fieldcanary refused item Eskdale"
ENTRY_SUMMARY = "Fieldcanary entry summary Farnworth"
ENTRY_DESCRIPTION = "Fieldcanary entry description Gisburn"
ENTRY_EXTERNAL = "FIELDCANARY-EVENT-7731"
ENTRY_TYPE = "Fieldcanary type text Hebden"
SEALED_ENTRY = "Fieldcanary sealed entry Ingleby"
RECORD_LOCAL = "FIELDCANARYLOCAL4410"
RECORD_GIVEN = "Fieldcanaryrecordname"
RECORD_FEED = "fieldcanary-feed"

#: What each export (CSV, PDF) carries: the pack's answers PDF prints the items; the person's CSV and PDF the
#: records' local ids and names ("What each agency holds"); the chronology PDF each entry's summary, description and origin.
EXPORTS = {
    "pack answers pdf": {ITEM_SEALED, ITEM_SENSITIVE, ITEM_RELEASED, ITEM_REFUSED},
    "person csv": {RECORD_GIVEN, RECORD_LOCAL},
    "person pdf": {RECORD_GIVEN, RECORD_LOCAL},
    "chronology pdf": {ENTRY_SUMMARY, ENTRY_DESCRIPTION, ENTRY_EXTERNAL, SEALED_ENTRY},
}


@pytest.fixture
def world(make_actor, partnership):
    from openmash.accounts.services import agency_create
    from openmash.enquiries.models import Enquiry
    from openmash.enquiries.services import agency_response_amend, enquiry_decide, enquiry_rerate
    from openmash.people.models import AgencyRecord, ChronologyEntry

    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    recorder = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=recorder, screener=screener, subjects=[child(surname="Fieldchild", nhs=nhs_number())]
    )
    gp_request, police_request = requests_send(screener, enquiry, "health-gp", "police")
    version = Enquiry.objects.get(pk=enquiry.pk).version
    enquiry_rerate(actor=screener, enquiry_id=enquiry.pk, rag="red", reason=RAG_REASON, version=version)
    gp = make_actor("researcher", "health-gp")
    response = respond(gp, gp_request, summary=OLD_SUMMARY, relevant_dates=DATES)
    items = {
        ITEM_SEALED: item_give(gp, gp_request, ITEM_SEALED, sensitivity="sealed", category="adoption"),
        ITEM_SENSITIVE: item_give(gp, gp_request, ITEM_SENSITIVE, sensitivity="sensitive", category="mental_health"),
        ITEM_RELEASED: item_give(gp, gp_request, ITEM_RELEASED, sensitivity="sensitive", category="mental_health"),
        ITEM_REFUSED: item_give(
            gp, gp_request, ITEM_REFUSED, sensitivity="sensitive", category="sexual_health", decision=REFUSE
        ),
    }
    item_release(gp, items[ITEM_SEALED])
    item_release(gp, items[ITEM_RELEASED])
    for item in items.values():
        item.refresh_from_db()  # released since it was given
    agency_response_amend(
        actor=gp,
        request_id=gp_request.pk,
        version=response.version,
        reason=AMENDED,
        no_information=False,
        summary="",
        relevant_dates=DATES,
    )
    enquiry_decide(
        actor=manager,
        enquiry_id=enquiry.pk,
        outcomes=["assessment_s17"],
        threshold_level=3,
        rationale=RATIONALE,
        next_steps=NEXT_STEPS,
        unanswered_confirmed=True,
    )
    contact = enquiry.contact
    kid = subject_person(contact)
    worker = make_actor("social_worker", "mash")
    allocation_open(kid, worker)
    when = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)
    standard = ChronologyEntry.objects.create(
        person=kid,
        occurred_at=when,
        kind="event",
        agency=partnership["police"],
        summary=ENTRY_SUMMARY,
        description=ENTRY_DESCRIPTION,
        object_type="feeds.importbatch",
        object_id="0",
        source="fieldcanary",
        external_id=ENTRY_EXTERNAL,
        source_type_text=ENTRY_TYPE,
        sensitivity="standard",
    )
    sealed = ChronologyEntry.objects.create(
        person=kid,
        occurred_at=when,
        kind="event",
        agency=partnership["police"],
        summary=SEALED_ENTRY,
        object_type="feeds.importbatch",
        object_id="0",
        source="fieldcanary",
        external_id="FIELDCANARY-EVENT-7732",
        sensitivity="sealed",
    )
    record = AgencyRecord.objects.create(
        agency=partnership["police"],
        local_id=RECORD_LOCAL,
        origin_person=kid,
        person=kid,
        given_name=RECORD_GIVEN,
        family_name="Fieldchild",
        source_feed=RECORD_FEED,
        received_at=when,
    )
    deactivated = make_actor("screener", "mash")
    actors = {
        "gp researcher (owner)": gp,
        "manager": manager,
        "screener": screener,
        "allocated worker": worker,
        "recorder (police referrer)": recorder,
        "referrer@health-gp": make_actor("referrer", "health-gp"),
        "researcher@police (also asked)": make_actor("researcher", "police"),
        "researcher@school-oak": make_actor("researcher", "school-oak"),
        "early help": make_actor("researcher", "early-help"),
        "social worker not allocated": make_actor("social_worker", "mash"),
        "partnership admin": make_actor("partnership_admin", "mash"),
        "auditor": make_actor("auditor", "mash"),
        "privacy officer": make_actor("privacy_officer", "mash"),
        "deactivated screener": deactivated,
    }
    return {
        "enquiry": enquiry,
        "contact": contact,
        "child": kid,
        "gp_request": gp_request,
        "response": response,
        "items": items,
        "entries": {"standard": standard, "sealed": sealed},
        "record": record,
        "actors": actors,
    }


def _surfaces(world) -> dict[str, tuple[str, str]]:
    """name -> (family, URL): "page", "json" or an EXPORTS key."""
    e, c, kid, r = world["enquiry"].pk, world["contact"].pk, world["child"].pk, world["gp_request"].pk
    return {
        "enquiry page": ("page", f"/enquiries/{e}/"),
        "enquiry json": ("json", f"/api/v1/enquiries/{e}"),
        "pack page": ("page", f"/packs/{c}/"),
        "pack json": ("json", f"/api/v1/mash-packs/{c}"),
        "pack answers pdf": ("pack answers pdf", f"/packs/{c}/answers.pdf"),
        "request page": ("page", f"/requests/{r}/"),
        "inbox json": ("json", "/api/v1/agency-requests"),
        "person page": ("page", f"/people/{kid}/"),
        "person json": ("json", f"/api/v1/people/{kid}"),
        "person csv": ("person csv", f"/people/{kid}/record.csv"),
        "person pdf": ("person pdf", f"/people/{kid}/record.pdf"),
        "chronology page": ("page", f"/people/{kid}/chronology/"),
        "chronology json": ("json", f"/api/v1/people/{kid}/chronology"),
        "chronology pdf": ("chronology pdf", f"/people/{kid}/chronology.pdf"),
    }


def _expected_answer(actor, world) -> set[str]:
    """The GP's answer's canaries and its items' (each item asked of field_access with the pack rule)."""
    answer = field_access(actor, world["gp_request"], record_type="agency_answer")
    fields = {DATES: "relevant_dates", AMENDED: "amendment_reason", OLD_SUMMARY: "previous_versions"}
    out = {c for c, f in fields.items() if f in answer}
    if "items" in answer:
        pack = pack_readable(actor, world["contact"]) and not actor.is_hub
        out |= {c for c, item in world["items"].items() if "text" in field_access(actor, item, pack_allowed=pack)}
    return out


def _expected_person(actor, world) -> set[str]:
    """The chronology entries' canaries (their fields and sensitivities) and the agency record's."""
    person = field_access(actor, world["child"], record_type="person")
    entries = field_access(actor, world["child"], record_type="chronology_entry")
    records = field_access(actor, world["child"], record_type="agency_record")
    out = set()
    if "chronology" in person:
        fields = {ENTRY_SUMMARY: "summary", ENTRY_DESCRIPTION: "description", ENTRY_EXTERNAL: "external_id"}
        fields[ENTRY_TYPE] = "source_type_text"
        if "standard" in entries.sensitivities:
            out |= {c for c, f in fields.items() if f in entries}
        # a sealed entry is listed to the hub, its words only to the partnership's sealed roles (the one rule,
        # access.sharing.chronology_entry_held: third attacker review)
        if "sealed" in entries.sensitivities and "summary" in entries and not chronology_entry_held(actor, "sealed"):
            out.add(SEALED_ENTRY)
    if "records" in person:
        fields = {RECORD_LOCAL: "local_id", RECORD_GIVEN: "given_name", RECORD_FEED: "source_feed"}
        out |= {c for c, f in fields.items() if f in records}
    return out


def _expected(actor, world) -> set[str]:
    """The canaries field_access gives this actor, each asked of the one answer for its record and field (for a
    chronology entry, also its sensitivity against the answer's sensitivities). An agency answer is read inside
    the enquiry (its agency_answers) or by its own agency."""
    enquiry = field_access(actor, world["enquiry"], record_type="enquiry")
    out = set()
    if "rag_history" in enquiry:
        out.add(RAG_REASON)
    if "decision" in enquiry:
        out |= {RATIONALE, NEXT_STEPS}
    owner = field_access(actor, world["gp_request"], record_type="agency_answer").audience == "owner"
    if "agency_answers" in enquiry or owner:
        out |= _expected_answer(actor, world)
    return out | _expected_person(actor, world)


ALL_CANARIES = frozenset(
    {RAG_REASON, RATIONALE, NEXT_STEPS, DATES, AMENDED, OLD_SUMMARY, ITEM_SEALED, ITEM_SENSITIVE, ITEM_RELEASED}
    | {ITEM_REFUSED, ENTRY_SUMMARY, ENTRY_DESCRIPTION, ENTRY_EXTERNAL, ENTRY_TYPE, SEALED_ENTRY}
    | {RECORD_LOCAL, RECORD_GIVEN, RECORD_FEED}
)


def _seen(actor, surfaces) -> dict[str, set[str]]:
    """family -> the canaries found in the actor's answers of that family's surfaces (session for pages and
    exports, a bearer token for the JSON)."""
    from openmash.accounts.services import token_create

    client = Client()
    client.force_login(actor.user)
    headers = {}
    if actor.user.is_active:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    found: dict[str, set[str]] = {}
    for family, url in surfaces.values():
        text = _text(client.get(url, **(headers if url.startswith("/api/") else {})))
        found.setdefault(family, set()).update(c for c in ALL_CANARIES if c in text)
    return found


def _deactivate(actor):
    from openmash.accounts.models import User

    User.objects.filter(pk=actor.user.pk).update(is_active=False)
    actor.user.refresh_from_db()
    actor.membership.user.refresh_from_db()


def test_page_json_and_exports_show_exactly_what_field_access_gives_each_actor(world):
    """Every actor x every surface: page and JSON each show exactly field_access's canaries; each export shows
    exactly those of them it carries. The deactivated user gets nothing anywhere, and field_access says so."""
    _deactivate(world["actors"]["deactivated screener"])
    surfaces = _surfaces(world)
    problems = []
    saw_something = set()
    for label, actor in world["actors"].items():
        expected = _expected(actor, world)
        seen = _seen(actor, surfaces)
        pack = pack_readable(actor, world["contact"])
        for family in ("page", "json", *EXPORTS):
            want = expected if family in ("page", "json") else expected & EXPORTS[family]
            if family == "pack answers pdf" and not pack:
                want = set()  # the answers PDF is the pack's: the owning agency reads its items on its request page
            got = seen.get(family, set())
            if got != want:
                problems.append(f"{label} {family}: extra {sorted(got - want)}, missing {sorted(want - got)}")
        if expected:
            saw_something.add(label)
    assert not problems, "\n".join(problems)
    # the test cannot pass by showing nothing: the readers who should see fields did
    assert {"gp researcher (owner)", "manager", "screener", "allocated worker"} <= saw_something
    assert "deactivated screener" not in saw_something


def test_the_secure_room_and_sensitivities_as_field_access_answers_them(world):
    """The answer itself, per record kind, for the readers the secure room distinguishes (so the comparison above
    compares against the rule, not against whatever the code does): the screener sees the sensitive item but only
    that the sealed one is held and only that the agency declined the refused one; the manager (a sealed role)
    sees the sealed one; the allocated worker sees the released items but not the unreleased one and not the
    answer's own dates; the owner sees all four and the dates; the sealed chronology entry is the hub's only."""
    a = world["actors"]
    items = world["items"]
    screener, manager, worker, gp = a["screener"], a["manager"], a["allocated worker"], a["gp researcher (owner)"]
    contact = world["contact"]

    def audience(actor, canary):
        return field_access(actor, items[canary], pack_allowed=pack_readable(actor, contact)).audience

    assert [audience(screener, c) for c in (ITEM_SENSITIVE, ITEM_SEALED, ITEM_REFUSED)] == [
        "hub",
        "hub_held",
        "hub_declined",
    ]
    assert audience(manager, ITEM_SEALED) == "hub"
    assert [audience(worker, c) for c in (ITEM_RELEASED, ITEM_SENSITIVE, ITEM_SEALED, ITEM_REFUSED)] == [
        "released",
        "not_released",
        "",
        "",
    ]
    assert {audience(gp, c) for c in items} == {"owner"}
    answer = {n: field_access(x, world["gp_request"], record_type="agency_answer") for n, x in a.items()}
    # the GP's answer holds sealed items, so its free text is sealed too (ADR 0013 addendum, attacker review finding
    # C): the manager (a sealed role) and the owner see the dates, the screener sees that they are held
    assert "relevant_dates" in answer["manager"] and "relevant_dates" in answer["gp researcher (owner)"]
    assert "relevant_dates" not in answer["screener"] and answer["screener"].audience == "hub_text_held"
    assert "relevant_dates" not in answer["allocated worker"] and "items" in answer["allocated worker"]
    assert not answer["recorder (police referrer)"].fields and not answer["researcher@police (also asked)"].fields
    entries = {n: field_access(x, world["child"], record_type="chronology_entry") for n, x in a.items()}
    assert "sealed" in entries["manager"].sensitivities and "sealed" not in entries["allocated worker"].sensitivities
    _deactivate(a["deactivated screener"])
    assert not field_access(a["deactivated screener"], world["enquiry"], record_type="enquiry").fields


def test_one_table_entry_changes_the_enquiry_page_json_and_pack_together(world, monkeypatch):
    """Taking "decision" from the hub's enquiry groups removes the rationale from the enquiry page and its JSON at
    once (and nothing else changes); taking "free_text" from the hub's answer groups removes the dates."""
    from openmash.access import field_table

    hub = dict(field_table.VISIBLE["hub"])
    hub["enquiry"] = tuple(g for g in hub["enquiry"] if g != "decision")
    hub["agency_answer"] = tuple(g for g in hub["agency_answer"] if g != "free_text")
    monkeypatch.setitem(field_table.VISIBLE, "hub", hub)
    manager = world["actors"]["manager"]  # a sealed role: the GP's sealed free text is theirs to see
    seen = _seen(manager, {k: v for k, v in _surfaces(world).items() if k.startswith("enquiry")})
    assert RATIONALE not in seen["page"] | seen["json"] and DATES not in seen["page"] | seen["json"]
    assert RAG_REASON in seen["page"] and RAG_REASON in seen["json"]
