"""AZ-5 (SECURITY-TESTS.md 5(b)): field-level canaries through every page, API response, PDF and CSV export.

In: one decided MASH enquiry asked of the GP practice and the police, its child allocated to a social worker. The GP
practice contributes four items, each carrying a canary:

- SEALED: a sealed item (adoption), shared into the hub and released: only the sealed roles (the MASH managers by
  default, access.sharing.SEALED_ROLES_DEFAULT) and the GP's own researchers;
- FLAGGED: a flagged person's address (sealed, category "Sensitive NHS demographics (S-flag)", SECURITY-TESTS P5),
  shared into the hub, not released: the same readers;
- SENSITIVE: a sensitive item (mental health) shared into the hub and not released: the hub (screener, manager) and
  the GP; the allocated worker only once the GP releases it;
- REFUSED: an item the GP refused to share: the GP only.

The GP's answer itself carries DATES in its relevant dates (the answer's free text, field_table "agency_answer"
group "free_text": never the pack outside the hub; and, since the GP's answer holds sealed items, the text is sealed
too: the sealed roles and the GP only, ADR 0013 addendum, attacker review finding C). The police answer (one standard
item) carries POLICE_DATES in its relevant dates: the hub and the police's researchers. The child's chronology has a sealed entry
SEALED_ENTRY (field_table SENSITIVITIES: listed in the hub only, its words only for the sealed roles:
access.sharing.chronology_entry_held; the allocated worker sees standard and sensitive entries).

The GP also sends two secure messages on the enquiry's thread (ADR 0017 addendum), each with a text attachment:
MSG_SEALED (sealed; its file's text MSG_SEALED_FILE and its name MSG_SEALED_NAME): the sealed roles and the GP only;
MSG_SENSITIVE (sensitive; its file's text MSG_SENSITIVE_FILE): the hub, the allocated worker and the GP, never the
police researcher who is on the same thread (access.messaging.message_audience). Every attachment's download URL
is fetched by every actor.

A MASH manager records a sealed strategy discussion on the contact (ADR 0017 addendum, practitioner free text):
its rationale DISCUSSION_SEALED, absent agencies' reason DISCUSSION_ABSENT, attendee DISCUSSION_ATTENDEE and action
DISCUSSION_ACTION (PRACTITIONER_CANARIES): the sealed roles and the recorder only, never another screener nor the
allocated worker in the pack (access.sharing.strategy_discussion_held). The manager also asks the school a sealed
question QUESTION_SEALED: the sealed roles and the asker only, never the school's researcher it is addressed to nor
a screener (access.sharing.request_question_held); and re-rates the enquiry with a sealed reason RAG_SEALED: the
sealed roles and the writer only (access.sharing.rag_change_reason_held); and the contact holds a return to the
queue whose sealed reason RETURN_SEALED is read by the same (access.sharing.routed_return_reason_held). The manager's
screening of the contact is sealed (its rationale SCREENING_SEALED and exception reason SCREENING_EXCEPTION:
access.sharing.screening_text_held), and so is the decision (rationale DECISION_SEALED, next steps DECISION_NEXT,
exception reason DECISION_EXCEPTION: access.sharing.decision_text_held): never another screener, the allocated
worker in the pack nor the early help service.

Every route of the project that answers a GET (pages, API, PDFs, CSV exports), filled in with this world's ids
(contact, enquiry, child, adult, the requests, each item), is fetched as each actor; the bodies (PDF text decoded with
pypdf, as the other PDF tests do) are searched for each canary. Out: for every role that must not see a canary, 0
occurrences anywhere; for the roles that may, at least one (so the test cannot pass by fetching nothing).

Source of the rules: docs/security/access-and-audit.md "The secure room"; openmash/access/sharing.py.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.routes import all_routes
from tests.support import (
    REFUSE,
    allocation_open,
    child,
    decide,
    enquiry_open,
    item_give,
    item_release,
    nhs_number,
    requests_send,
    respond,
    subject_person,
)

SEALED = "Canary sealed adoption placement Larkspur"
FLAGGED = "Canary flagged address Refugeside Mews"
SENSITIVE = "Canary sensitive CAMHS referral Quillmere"
REFUSED = "Canary refused clinic visit Harrowgate"
DATES = "Canary answer dates Yarrowby"
POLICE_DATES = "Canary police answer dates Wetherlam"
SEALED_ENTRY = "Canary sealed chronology entry Zennor"
MSG_SEALED = "Canary sealed message refuge Quenby Lodge"
MSG_SEALED_FILE = "Canary sealed attachment refuge rota Ottery"
MSG_SEALED_NAME = "Canary-sealed-file-name-Pendower"
MSG_SENSITIVE = "Canary sensitive message crisis team Trewint"
MSG_SENSITIVE_FILE = "Canary sensitive attachment CAMHS letter Lanreath"
MESSAGE_CANARIES = (MSG_SEALED, MSG_SEALED_FILE, MSG_SEALED_NAME, MSG_SENSITIVE, MSG_SENSITIVE_FILE)
# practitioner free text with its writer's sensitivity (ADR 0017 addendum, issue 7): a sealed strategy discussion
DISCUSSION_SEALED = "Canary sealed strategy rationale refuge Lamorna"
DISCUSSION_ATTENDEE = "Canary sealed strategy attendee Tresillian"
DISCUSSION_ACTION = "Canary sealed strategy action Portloe"
DISCUSSION_ABSENT = "Canary sealed strategy absent reason Veryan"
# ... and a sealed question the manager asks the school (the agency asked does not read it)
QUESTION_SEALED = "Canary sealed question refuge Coverack"
# ... and re-rates the enquiry with a sealed reason
RAG_SEALED = "Canary sealed rating reason refuge Cadgwith"
# ... and a sealed reason the contact came back from a worker's closed allocation with (a routed contact's return)
RETURN_SEALED = "Canary sealed return reason refuge Mousehole"
# ... and the screening's and the decision's texts, sealed by their writer (a MASH manager)
SCREENING_SEALED = "Canary sealed screening rationale refuge Porthleven"
SCREENING_EXCEPTION = "Canary sealed screening exception reason Gunwalloe"
DECISION_SEALED = "Canary sealed decision rationale refuge Boscastle"
DECISION_NEXT = "Canary sealed decision next steps Crackington"
DECISION_EXCEPTION = "Canary sealed decision exception reason Tintagel"
OUTCOME_CANARIES = (SCREENING_SEALED, SCREENING_EXCEPTION, DECISION_SEALED, DECISION_NEXT, DECISION_EXCEPTION)
PRACTITIONER_CANARIES = (
    DISCUSSION_SEALED,
    DISCUSSION_ATTENDEE,
    DISCUSSION_ACTION,
    DISCUSSION_ABSENT,
    QUESTION_SEALED,
    RAG_SEALED,
    RETURN_SEALED,
    *OUTCOME_CANARIES,
)
CANARIES = (
    SEALED,
    FLAGGED,
    SENSITIVE,
    REFUSED,
    DATES,
    POLICE_DATES,
    SEALED_ENTRY,
    *MESSAGE_CANARIES,
    *PRACTITIONER_CANARIES,
)

# Routes whose GET changes the session (signs out, switches role, starts a sign-in step) or needs a one-off token:
# fetching them would end the walk, and none of them renders a record.
SESSION_ROUTES = frozenset(
    {
        "web:login",
        "web:logout",
        "web:session_timeout",
        "web:session_keep_alive",
        "web:switch_role",
        "setpassword:confirm",
        "stepup:confirm",
        "api:openapi-json",  # the schema: no record in it, and about a second to build per actor
    }
)
SESSION_PREFIXES = ("mfa:",)


def _text(response) -> str:
    """The body as text: PDFs through pypdf (whitespace folded), everything else decoded."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(response.content)).pages
        return " ".join(" ".join(p.extract_text() for p in pages).split())
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _urls(world: dict) -> list[tuple[str, str]]:
    """(route name, URL) for every GET-able route, one URL per value of each id the world has (every item, both
    people, both requests)."""
    values = {
        "contact_id": [world["contact"].pk],
        "enquiry_id": [world["enquiry"].pk],
        "person_id": [world["child"].pk, world["adult"].pk],
        "request_id": [world["gp_request"].pk, world["police_request"].pk, world["school_request"].pk],
        "item_id": [i.pk for i in world["items"].values()],
        "attachment_id": [a.pk for m in world["messages"] for a in m.attachments.all()],
        "step": ["purpose"],
    }
    out = []
    for route in all_routes():
        if route.name in SESSION_ROUTES or route.name.startswith(SESSION_PREFIXES):
            continue
        combos = [{}]
        for kw in route.kwargs:
            combos = [dict(c, **{kw: v}) for c in combos for v in values.get(kw, [None])]
        for combo in combos:
            out.append((route.name, route.url(**{k: v for k, v in combo.items() if v is not None})))
    return out


def _sealed_entry(person, summary: str):
    """A sealed chronology entry from a feed (a refuge address, say) about `person`."""
    import datetime as dt

    from openmash.people.models import ChronologyEntry

    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC),
        kind="event",
        summary=summary,
        object_type="feeds.importbatch",
        object_id="0",
        source="canary",
        external_id="canary-sealed-1",
        sensitivity="sealed",
    )


def _sealed_discussion(contact, manager):
    """A sealed strategy discussion on the contact recorded by a MASH manager (a sealed role), its rationale,
    absent agencies' reason, attendee and action each a canary. Written directly: the fixture's decision does not call
    for a discussion, and this test is about who reads one."""
    import datetime as dt

    from django.utils import timezone

    from openmash.accounts.models import Agency
    from openmash.casework.models import StrategyAction, StrategyAttendee, StrategyDiscussion

    d = StrategyDiscussion.objects.create(
        contact=contact,
        enquiry=contact.enquiry,
        held_at=timezone.now() - dt.timedelta(minutes=5),
        section47=True,
        rationale=DISCUSSION_SEALED,
        missing_agencies_reason=DISCUSSION_ABSENT,
        recorded_by=manager.user,
        recorded_at=timezone.now(),
        sensitivity="sealed",
    )
    StrategyAttendee.objects.create(
        discussion=d, agency=Agency.objects.get(code="mash"), name=DISCUSSION_ATTENDEE, role="Team manager"
    )
    StrategyAction.objects.create(
        discussion=d, description=DISCUSSION_ACTION, owner="Social worker", due_date=timezone.localdate()
    )
    return d


def _seal_outcome_texts(contact, manager):
    """The contact's screening and decision, as if the manager had screened it and decided with sealed texts: written
    directly (the fixture's screener opened the enquiry; this test is about who reads them)."""
    from openmash.enquiries.models import Decision, Screening

    screening = Screening.objects.get(contact=contact)
    screening.screened_by = manager.user
    screening.rationale, screening.exception_reason = SCREENING_SEALED, SCREENING_EXCEPTION
    screening.sensitivity = "sealed"
    screening.save()
    decision = Decision.objects.get(enquiry__contact=contact)
    decision.rationale, decision.next_steps = DECISION_SEALED, DECISION_NEXT
    decision.exception_reason, decision.sensitivity = DECISION_EXCEPTION, "sealed"
    decision.save()


@pytest.fixture
def world(make_actor, partnership):
    """The enquiry, its items and one actor for each reader (see the module docstring)."""
    from openmash.accounts.services import agency_create

    agency_create(code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D")
    recorder = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=recorder, screener=screener, subjects=[child(surname="Canarychild", nhs=nhs_number())]
    )
    gp_request, police_request = requests_send(screener, enquiry, "health-gp", "police")
    from openmash.enquiries.services import agency_requests_create

    [school_request] = agency_requests_create(
        actor=manager,
        enquiry_id=enquiry.pk,
        agency_codes=["school-oak"],
        question=QUESTION_SEALED,
        question_sensitivity="sealed",
    )
    from openmash.enquiries.services import enquiry_rerate

    enquiry.refresh_from_db()
    enquiry_rerate(
        actor=manager, enquiry_id=enquiry.pk, rag="red", reason=RAG_SEALED, version=enquiry.version, sensitivity="sealed"
    )
    decide(manager, enquiry, outcomes=("assessment_s17",), threshold_level=3)
    contact = enquiry.contact
    kid = subject_person(contact)
    worker = make_actor("social_worker", "mash")
    allocation = allocation_open(kid, worker)
    gp = make_actor("researcher", "health-gp")
    items = {
        SEALED: item_give(gp, gp_request, SEALED, sensitivity="sealed", category="adoption"),
        FLAGGED: item_give(gp, gp_request, FLAGGED, sensitivity="sealed", category="sensitive_nhs_demographics"),
        SENSITIVE: item_give(gp, gp_request, SENSITIVE, sensitivity="sensitive", category="mental_health"),
        REFUSED: item_give(gp, gp_request, REFUSED, sensitivity="sensitive", category="sexual_health", decision=REFUSE),
    }
    item_release(gp, items[SEALED])
    respond(gp, gp_request, summary="", relevant_dates=DATES)  # after the decision: late information
    police = make_actor("researcher", "police")
    respond(police, police_request, summary="Known to police: one call-out", relevant_dates=POLICE_DATES)
    _sealed_entry(kid, SEALED_ENTRY)
    _sealed_discussion(contact, manager)
    from django.utils import timezone

    from openmash.casework.models import RoutedContactReturn

    # written directly (the contact was not routed to the worker): this test is about who reads the reason
    RoutedContactReturn.objects.create(
        contact=contact,
        worker=worker.user,
        allocation=allocation,
        returned_at=timezone.now(),
        returned_by=manager.user,
        reason=RETURN_SEALED,
        sensitivity="sealed",
    )
    _seal_outcome_texts(contact, manager)
    from openmash.messaging.services import message_post

    messages = [
        message_post(
            actor=gp,
            enquiry_id=enquiry.pk,
            body=body,
            files=[(name, text.encode())],
            sensitivity=level,
        )
        for level, body, name, text in (
            ("sealed", MSG_SEALED, f"{MSG_SEALED_NAME}.txt", MSG_SEALED_FILE),
            ("sensitive", MSG_SENSITIVE, "letter.txt", MSG_SENSITIVE_FILE),
        )
    ]
    actors = {
        "gp researcher (owner)": gp,
        "manager": manager,
        "screener": screener,
        "allocated worker": worker,
        "recorder (police referrer)": recorder,
        "referrer@mash": make_actor("referrer", "mash"),
        "referrer@health-gp": make_actor("referrer", "health-gp"),
        "referrer@health-hv": make_actor("referrer", "health-hv"),
        "referrer@school-oak": make_actor("referrer", "school-oak"),
        "referrer@probation": make_actor("referrer", "probation"),
        "researcher@police (also asked)": police,
        "researcher@school-oak": make_actor("researcher", "school-oak"),
        "researcher@health-hv": make_actor("researcher", "health-hv"),
        "early help": make_actor("researcher", "early-help"),
        "social worker not allocated": make_actor("social_worker", "mash"),
        "partnership admin": make_actor("partnership_admin", "mash"),
        "auditor": make_actor("auditor", "mash"),
    }
    adult = contact.people.exclude(role="subject").first().person
    return {
        "enquiry": enquiry,
        "contact": contact,
        "child": kid,
        "adult": adult,
        "gp_request": gp_request,
        "police_request": police_request,
        "school_request": school_request,
        "items": items,
        "messages": messages,
        "actors": actors,
    }


def _seen_by(actor, urls, method_not_allowed: set | None = None) -> dict[str, list[str]]:
    """Canary -> the URLs whose answer to `actor` (signed-in page session and API bearer token) contains it.
    `method_not_allowed`: URLs known to answer GET with 405 (POST-only routes), skipped and added to."""
    from openmash.accounts.services import token_create

    client = Client()
    client.force_login(actor.user)
    token = token_create(username=actor.user.username)[1]
    found: dict[str, list[str]] = {c: [] for c in CANARIES}
    skip = method_not_allowed if method_not_allowed is not None else set()
    for _name, url in urls:
        if url in skip:
            continue
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
        response = client.get(url, **headers)
        if response.status_code == 405:
            skip.add(url)
            continue
        text = _text(response)
        for canary in CANARIES:
            if canary in text:
                found[canary].append(url)
    return found


# Who may see each canary before any release beyond the fixture's (the sealed item is released, yet sealed).
MAY_SEE = {
    "gp researcher (owner)": {SEALED, FLAGGED, SENSITIVE, REFUSED, DATES, *MESSAGE_CANARIES},
    "manager": {
        SEALED,
        FLAGGED,
        SENSITIVE,
        DATES,
        POLICE_DATES,
        SEALED_ENTRY,
        *MESSAGE_CANARIES,
        *PRACTITIONER_CANARIES,  # a sealed role, and the writer
    },
    # not a sealed role: the GP's DATES are sealed with the GP's sealed items (finding C); the police's are not
    # nor the sealed chronology entry's words: listed, held as the flag holds them (attacker review 2026-12, A)
    "screener": {SENSITIVE, POLICE_DATES, MSG_SENSITIVE, MSG_SENSITIVE_FILE},
    # on the thread: the sensitive message (the hub and the allocated worker), never the sealed one
    "allocated worker": {MSG_SENSITIVE, MSG_SENSITIVE_FILE},
    # on the thread too, but another agency: both messages held
    "researcher@police (also asked)": {POLICE_DATES},
}


def test_no_canary_reaches_a_reader_outside_its_rule_on_any_route(world):
    """Every actor x every GET route: each canary appears somewhere for the readers MAY_SEE names, and nowhere for
    anyone else (the allocated worker before release, referrers of every agency, other agencies' researchers, the
    early help service, partnership admin, auditor)."""
    urls = _urls(world)
    problems, post_only = [], set()
    for label, actor in world["actors"].items():
        found = _seen_by(actor, urls, post_only)
        allowed = MAY_SEE.get(label, set())
        for canary, where in found.items():
            if canary in allowed and not where:
                problems.append(f"{label} should see {canary!r} somewhere but sees it nowhere")
            if canary not in allowed and where:
                problems.append(f"{label} sees {canary!r} at {where}")
    assert not problems, "\n".join(problems)


def test_the_allocated_worker_sees_the_sensitive_item_only_once_released_and_never_the_sealed_ones(world):
    """Before the GP releases the sensitive item the worker sees no canary on their pack (page, API, PDF); after,
    exactly that item on all three, and still neither sealed item (released or not) nor the refused one."""
    worker = world["actors"]["allocated worker"]
    contact = world["contact"].pk
    pack = [
        ("pack", f"/packs/{contact}/"),
        ("pack pdf", f"/packs/{contact}/answers.pdf"),
        ("pack api", f"/api/v1/mash-packs/{contact}"),
    ]
    before = _seen_by(worker, pack)
    assert not any(before.values()), before
    item_release(world["actors"]["gp researcher (owner)"], world["items"][SENSITIVE])
    after = _seen_by(worker, pack)
    assert after[SENSITIVE] == [u for _n, u in pack]
    assert not (after[SEALED] or after[FLAGGED] or after[REFUSED] or after[DATES] or after[POLICE_DATES]), after
    assert not any(after[c] for c in MESSAGE_CANARIES), after  # the pack links to the thread, never shows it
    assert not any(after[c] for c in PRACTITIONER_CANARIES), after  # the sealed discussion: held in the pack
