"""AZ-1 / AZ-2: the authorisation matrix of the JSON API.

Every operation in the OpenAPI document x every role x agency (hub `mash`, `police`, `health-gp`, `school-oak`),
plus two relationship rows (the referrer who recorded the contact, the social worker allocated to the child) and
anonymous. The expected answer of each cell comes from ORACLE below, written out by hand from the rules in
`openmash/access/policy.py` and docs/security/access-and-audit.md (not computed from the policy module):

- hub screeners and managers (roles screener/manager at the hub agency) see and work all hub records; only
  managers decide;
- researchers answer requests addressed to their agency and see those subjects' minimum identifying details;
- whoever records a contact (referrer, or any professional role) sees it and its outcome, never the records of
  the people in it (issue 5, fault 2); any professional role may search at intake (minimum details of exact
  matches);
- an allocated social worker sees the children allocated to them and their contacts, with the full record;
- partnership admins and auditors see no case records; anonymous callers get 401;
- the early help service's researchers (a relationship row: researcher at the early-help agency, which is not one
  of the matrix agencies) see and acknowledge only hand-overs to their service; the answering agency alone
  amends its answer.

Forbidden reads of a record answer 404, exactly like a missing record; forbidden actions answer 403 (the action
check comes before the record is fetched, so 403 reveals nothing about the record). Denied answers carry none of
the canary personal data and write nothing. Allowed answers succeed: the shared data is built once per module and
every cell runs inside a savepoint that is rolled back, so each write cell acts on fresh objects.

A new API operation without a row in ORACLE fails test_every_api_operation_has_a_matrix_row (AZ-1).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conftest import AGENCIES, contact_payload
from tests.support import SHARE, nhs_number, row_counts

ROLES = [
    "referrer",
    "researcher",
    "screener",
    "manager",
    "social_worker",
    "partnership_admin",
    "auditor",
    "privacy_officer",
]
MATRIX_AGENCIES = ["mash", "police", "health-gp", "school-oak"]
RECORDER = "recorder (referrer@police who recorded the contacts)"
ALLOCATED = "allocated worker (social_worker@mash allocated to the child)"
EARLY_HELP = "early help researcher (researcher@early-help, the service a contact was handed to)"
ANONYMOUS = "anonymous"
RELATIONSHIP_ACTORS = [RECORDER, ALLOCATED, EARLY_HELP]
ACTORS = [f"{r}@{a}" for r in ROLES for a in MATRIX_AGENCIES] + [*RELATIONSHIP_ACTORS, ANONYMOUS]
RELATIONSHIP_ROLE = {RECORDER: "referrer@police", ALLOCATED: "social_worker@mash", EARLY_HELP: "researcher@early-help"}
OTHER_RESEARCHERS = {f"researcher@{a}": 404 for a in ("mash", "health-gp", "school-oak")} | {EARLY_HELP: 404}

# Canary personal data: none of it may appear in a denied answer.
CANARY_CHILD = {"forename": "Zelda", "surname": "Quixleycanary", "dob": "2017-03-14"}
CANARY_NHS = nhs_number(random.Random(1414))
CANARY_NARRATIVE = "Canary narrative: bruising seen at the school gate"
OTHER_CHILD = {"forename": "Yannick", "surname": "Bexleycanary", "dob": "2016-06-16"}
CANARIES = [
    CANARY_CHILD["surname"],
    CANARY_CHILD["dob"],
    CANARY_NHS,
    f"{CANARY_NHS[:3]} {CANARY_NHS[3:6]} {CANARY_NHS[6:]}",
    CANARY_NARRATIVE,
    OTHER_CHILD["surname"],
    OTHER_CHILD["dob"],
]


def at_any(*roles: str) -> frozenset[str]:
    """Every actor holding one of the roles, at any agency, including the relationship rows with that role."""
    keys = {f"{r}@{a}" for r in roles for a in MATRIX_AGENCIES}
    keys |= {rel for rel, base in RELATIONSHIP_ROLE.items() if base.split("@")[0] in roles}
    return frozenset(keys)


HUB = frozenset({"screener@mash", "manager@mash"})


THREAD = HUB | {"researcher@health-gp", "researcher@police", ALLOCATED}
#: A request body sent as multipart/form-data (file uploads) instead of JSON.
MULTIPART = "__multipart__"


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    status: int  # the answer to an allowed actor
    denied: int  # the answer to everyone else who is signed in
    denied_overrides: dict[str, int] = field(default_factory=dict)
    minimum_details: frozenset[str] = frozenset()  # allowed, but only minimum identifying details
    leak_free: frozenset[str] = frozenset()  # allowed, but nothing of the canary child is theirs to see

    def expected(self, actor: str) -> int:
        if actor == ANONYMOUS:
            return 401
        if actor in self.allowed:
            return self.status
        return self.denied_overrides.get(actor, self.denied)


ORACLE: dict[tuple[str, str], Rule] = {
    # intake: any professional role may raise a concern, at any agency; admins and auditors do no case work
    ("POST", "/api/v1/contacts"): Rule(
        at_any("referrer", "researcher", "screener", "manager", "social_worker"), 201, 403
    ),
    ("GET", "/api/v1/contacts/{contact_id}"): Rule(HUB | {RECORDER, ALLOCATED}, 200, 404),
    ("POST", "/api/v1/contacts/{contact_id}/screening"): Rule(HUB, 201, 403),
    # amending before screening: the recorder or the hub; others who may record contacts cannot see it (404),
    # admins and auditors may not amend at all (403, the action check comes first)
    ("POST", "/api/v1/contacts/{contact_id}/amendments"): Rule(
        HUB | {RECORDER},
        200,
        404,
        denied_overrides={
            f"{r}@{a}": 403 for r in ("partnership_admin", "auditor", "privacy_officer") for a in MATRIX_AGENCIES
        },
    ),
    # correcting people's details (with a reason): the hub only
    ("POST", "/api/v1/contacts/{contact_id}/people/{person_id}/corrections"): Rule(HUB, 200, 403),
    # Operation Encompass notices: the hub and the school's own users (the notice is to school-oak)
    ("GET", "/api/v1/encompass-notices"): Rule(HUB | {"referrer@school-oak", "researcher@school-oak"}, 200, 403),
    ("GET", "/api/v1/encompass-notices/{notice_id}"): Rule(
        HUB | {"referrer@school-oak", "researcher@school-oak"}, 200, 403
    ),
    # acknowledging a notice: the school's own users (its designated safeguarding lead), never the hub
    ("POST", "/api/v1/encompass-notices/{notice_id}/acknowledgement"): Rule(
        frozenset({"referrer@school-oak", "researcher@school-oak"}), 201, 403
    ),
    ("GET", "/api/v1/screening-queue"): Rule(HUB, 200, 403),
    ("GET", "/api/v1/contacts/{contact_id}/related-work"): Rule(HUB, 200, 403),
    # sharing out the work: hub screeners and managers take an item (the action check comes first: 403)
    ("POST", "/api/v1/contacts/{contact_id}/assignment"): Rule(HUB, 200, 403),
    ("POST", "/api/v1/enquiries/{enquiry_id}/assignment"): Rule(HUB, 200, 403),
    ("GET", "/api/v1/enquiries"): Rule(HUB, 200, 403),
    ("GET", "/api/v1/enquiries/{enquiry_id}"): Rule(HUB, 200, 404),
    ("POST", "/api/v1/enquiries/{enquiry_id}/rag"): Rule(HUB, 200, 403),
    ("POST", "/api/v1/enquiries/{enquiry_id}/agency-requests"): Rule(HUB, 201, 403),
    ("POST", "/api/v1/enquiries/{enquiry_id}/decision"): Rule(frozenset({"manager@mash"}), 201, 403),
    ("GET", "/api/v1/agency-requests"): Rule(
        at_any("researcher"), 200, 403, leak_free=frozenset({"researcher@mash", "researcher@school-oak", EARLY_HELP})
    ),
    # the open request is addressed to health-gp: other agencies' researchers cannot see it at all
    ("POST", "/api/v1/agency-requests/{request_id}/response"): Rule(
        frozenset({"researcher@health-gp"}),
        201,
        403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")} | {EARLY_HELP: 404},
    ),
    # the police answered their request: only police researchers amend it; the hub sees it but answers nothing
    ("POST", "/api/v1/agency-requests/{request_id}/response/amendments"): Rule(
        frozenset({"researcher@police"}), 201, 403, denied_overrides=OTHER_RESEARCHERS
    ),
    # the early help service's inbox: only the early help service's members have one (other researchers: 403, as
    # for any action their agency does not take); only the service the contact was handed to acknowledges it
    ("GET", "/api/v1/early-help-requests"): Rule(frozenset({EARLY_HELP}), 200, 403, leak_free=frozenset({EARLY_HELP})),
    ("POST", "/api/v1/early-help-requests/{request_id}/acknowledgement"): Rule(frozenset({EARLY_HELP}), 201, 403),
    # search at intake: professionals who hold the child's details may look them up (minimum details back);
    # partnership admins and auditors do no case work
    ("POST", "/api/v1/people/search"): Rule(
        at_any("referrer", "researcher", "screener", "manager", "social_worker"), 200, 403
    ),
    # the old search by query string: refused (422, use the POST) to whoever may search; personal data never in a URL
    ("GET", "/api/v1/people"): Rule(at_any("referrer", "researcher", "screener", "manager", "social_worker"), 422, 403),
    ("GET", "/api/v1/people/{person_id}"): Rule(
        HUB | {ALLOCATED, "researcher@health-gp", "researcher@police"},
        200,
        404,
        minimum_details=frozenset({"researcher@health-gp", "researcher@police"}),
    ),
    ("GET", "/api/v1/people/{person_id}/chronology"): Rule(HUB | {ALLOCATED}, 200, 404),
    # the household's merged chronology (issue 6): the same people as the child's own chronology
    ("GET", "/api/v1/people/{person_id}/household/chronology"): Rule(HUB | {ALLOCATED}, 200, 404),
    ("GET", "/api/v1/people/{person_id}/network"): Rule(HUB | {ALLOCATED}, 200, 404),
    # child protection plans, looked-after status, child in need plans (issue 7): children's social care records
    # and ends them (a MASH manager, the allocated worker); others who may open the child lack it (403); the rest 404
    ("POST", "/api/v1/people/{person_id}/statuses"): Rule(
        frozenset({"manager@mash", ALLOCATED}),
        201,
        404,
        denied_overrides=dict.fromkeys(("screener@mash", "researcher@health-gp", "researcher@police"), 403),
    ),
    ("POST", "/api/v1/people/{person_id}/statuses/{status_id}/end"): Rule(
        frozenset({"manager@mash", ALLOCATED}),
        200,
        404,
        denied_overrides=dict.fromkeys(("screener@mash", "researcher@health-gp", "researcher@police"), 403),
    ),
    # casework: case notes and strategy discussions are the hub's; the MASH pack goes to the hub and the worker
    # allocated to the child (a social worker not allocated lists nothing and opens nothing)
    ("GET", "/api/v1/contacts/{contact_id}/case-notes"): Rule(HUB, 200, 404),
    ("POST", "/api/v1/contacts/{contact_id}/case-notes"): Rule(HUB, 201, 403),
    ("GET", "/api/v1/contacts/{contact_id}/strategy-discussions"): Rule(HUB, 200, 404),
    ("POST", "/api/v1/contacts/{contact_id}/strategy-discussions"): Rule(HUB, 201, 403),
    ("GET", "/api/v1/mash-packs"): Rule(
        HUB | at_any("social_worker"),
        200,
        403,
        leak_free=frozenset(f"social_worker@{a}" for a in MATRIX_AGENCIES),
    ),
    ("GET", "/api/v1/mash-packs/{contact_id}"): Rule(HUB | {ALLOCATED}, 200, 404),
    ("POST", "/api/v1/contacts/{contact_id}/allocations"): Rule(frozenset({"manager@mash"}), 201, 403),
    # the allocated worker acknowledges a contact passed to them (ADR 0008); a social worker it was not passed to
    # finds nothing (404); every other role lacks the action (403)
    ("POST", "/api/v1/contacts/{contact_id}/acknowledgement"): Rule(
        frozenset({ALLOCATED}),
        200,
        403,
        denied_overrides={f"social_worker@{a}": 404 for a in MATRIX_AGENCIES},
    ),
    # matching (issue 6): the hub's screeners and managers review proposed links between agency records (the action
    # check comes first: 403 for everyone else); only managers unmerge. Any professional may ask, before recording
    # a new person, who already known may be them (minimum details, like search).
    ("GET", "/api/v1/record-links"): Rule(HUB, 200, 403),
    ("GET", "/api/v1/record-links/{record_link_id}"): Rule(HUB, 200, 403),
    ("POST", "/api/v1/record-links/{record_link_id}/confirmation"): Rule(HUB, 200, 403),
    ("POST", "/api/v1/record-links/{record_link_id}/rejection"): Rule(HUB, 200, 403),
    ("POST", "/api/v1/record-links/{record_link_id}/end"): Rule(frozenset({"manager@mash"}), 200, 403),
    ("POST", "/api/v1/people/{person_id}/separation"): Rule(frozenset({"manager@mash"}), 200, 403),
    ("POST", "/api/v1/intake/candidates"): Rule(
        at_any("referrer", "researcher", "screener", "manager", "social_worker"), 200, 403
    ),
    # the secure room (issue 7): the GP's researchers add items to the GP's answer, decide on and release them; the
    # hub reads shared items and asks for their release; every agency's researchers list their release requests.
    # The items are on the open enquiry (no MASH pack yet), so the allocated worker has no sight of them.
    ("POST", "/api/v1/agency-requests/{request_id}/items"): Rule(
        frozenset({"researcher@health-gp"}),
        201,
        403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")} | {EARLY_HELP: 404},
    ),
    ("GET", "/api/v1/contributed-items/{item_id}"): Rule(HUB | {"researcher@health-gp"}, 200, 404),
    ("POST", "/api/v1/contributed-items/{item_id}/decision"): Rule(
        frozenset({"researcher@health-gp"}),
        200,
        403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")} | {EARLY_HELP: 404},
    ),
    ("POST", "/api/v1/contributed-items/{item_id}/release"): Rule(
        frozenset({"researcher@health-gp"}),
        200,
        403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")} | {EARLY_HELP: 404},
    ),
    # the owning agency releases its items rather than asking: 409 (the item is its own, not one to ask for)
    ("POST", "/api/v1/contributed-items/{item_id}/release-requests"): Rule(
        HUB, 201, 404, denied_overrides={"researcher@health-gp": 409}
    ),
    ("GET", "/api/v1/release-requests"): Rule(
        at_any("researcher"), 200, 403, leak_free=frozenset({"researcher@health-gp"})
    ),
    # secure messages on the enquiry (issue 7, ADR 0017): the hub, the researchers of the agencies asked (the GP's
    # request is open, the police answered within the partnership's window) and the allocated worker; everyone else,
    # the early help service included, finds nothing (404: the thread answers as a missing enquiry)
    ("GET", "/api/v1/enquiries/{enquiry_id}/messages"): Rule(THREAD, 200, 404),
    ("POST", "/api/v1/enquiries/{enquiry_id}/messages"): Rule(THREAD, 201, 404),
    ("GET", "/api/v1/enquiries/{enquiry_id}/attachments/{attachment_id}"): Rule(THREAD, 200, 404),
    # a hub manager closes any allocation, the allocated worker their own; other managers and social workers may
    # close allocations in general but not this one, so it answers as missing
    ("POST", "/api/v1/allocations/{allocation_id}/close"): Rule(
        frozenset({"manager@mash", ALLOCATED}),
        200,
        403,
        denied_overrides={
            **{f"manager@{a}": 404 for a in ("police", "health-gp", "school-oak")},
            **{f"social_worker@{a}": 404 for a in MATRIX_AGENCIES},
        },
    ),
}

# Oversight of who looked (issue 7). Break-glass: those who may search but have no basis, never the hub, admins,
# auditors or the privacy officer (403); allowed callers without a password get 422 on `password` (a bearer token has
# no stepped-up session), so nothing is written. The shared break-glass (by researcher@police, already ended) can be
# ended again only by its user or a privacy officer (409: already ended); anyone else finds nothing (404).
BREAK_GLASS_USERS = at_any("referrer", "researcher", "social_worker")
PRIVACY = at_any("privacy_officer")
ORACLE |= {
    ("POST", "/api/v1/break-glass"): Rule(BREAK_GLASS_USERS, 422, 403),
    ("POST", "/api/v1/break-glass/{break_glass_id}/end"): Rule(PRIVACY | {"researcher@police"}, 409, 404),
    ("GET", "/api/v1/privacy-alerts"): Rule(PRIVACY, 200, 403),
    ("GET", "/api/v1/privacy-alerts/{alert_id}"): Rule(PRIVACY, 200, 404),
    ("POST", "/api/v1/privacy-alerts/{alert_id}/decision"): Rule(PRIVACY, 200, 403),
    # the access notice was sent to manager@mash only
    ("GET", "/api/v1/access-notices/{notice_id}"): Rule(frozenset({"manager@mash"}), 200, 404),
    ("GET", "/api/v1/people/{person_id}/access-history"): Rule(frozenset({"manager@mash"}) | PRIVACY, 200, 403),
    ("GET", "/api/v1/reports/views-without-involvement"): Rule(PRIVACY, 200, 403),
    # the subject access export: the privacy officer only (403 for every other role before anything is read); a
    # bearer token without the password and code answers 422 (step-up), so nothing is exported
    ("POST", "/api/v1/subject-access"): Rule(PRIVACY, 422, 403),
}

# Information-sharing agreements (ADR 0016): no personal data. The hub's screeners and managers, the partnership
# admin and the privacy officer read them; only the partnership admin writes. Everyone else: 403 (the action first).
# Recording an active agreement waits for a second partnership admin (ADR 0019 addendum): 202 with the change.
AGREEMENT_READERS = HUB | at_any("partnership_admin", "privacy_officer")
AGREEMENT_WRITERS = at_any("partnership_admin")
ORACLE |= {
    ("GET", "/api/v1/sharing-agreements"): Rule(AGREEMENT_READERS, 200, 403),
    ("GET", "/api/v1/sharing-agreements/{agreement_id}"): Rule(AGREEMENT_READERS, 200, 403),
    ("POST", "/api/v1/sharing-agreements"): Rule(AGREEMENT_WRITERS, 202, 403),
    ("POST", "/api/v1/sharing-agreements/{agreement_id}/changes"): Rule(AGREEMENT_WRITERS, 200, 403),
    ("POST", "/api/v1/sharing-agreements/{agreement_id}/end"): Rule(AGREEMENT_WRITERS, 200, 403),
}


# Setting changes waiting for a second partnership admin (dual control, ADR 0019 addenda; issue 7): partnership admins
# only (403 for everyone else, the action first). The shared change was asked by partnership_admin@mash, who can never
# decide it (404, as a change no longer waiting). Approving needs the step-up: a bearer token without the password and
# code answers 422 and applies nothing; refusing (with a reason) answers 200.
SETTING_DECIDERS = at_any("partnership_admin") - {"partnership_admin@mash"}
ORACLE |= {
    ("GET", "/api/v1/setting-changes"): Rule(at_any("partnership_admin"), 200, 403),
    ("POST", "/api/v1/setting-changes/{setting_change_id}/approval"): Rule(
        SETTING_DECIDERS, 422, 403, denied_overrides={"partnership_admin@mash": 404}
    ),
    ("POST", "/api/v1/setting-changes/{setting_change_id}/refusal"): Rule(
        SETTING_DECIDERS, 200, 403, denied_overrides={"partnership_admin@mash": 404}
    ),
}


# Pattern flags (issue 8): hub only. The list: 403 for everyone else; a flag and its decisions: 404 (answered like a
# missing flag). A decision changes the flag (and its audit), accepting records a contact, watching starts a watch.
ORACLE |= {
    ("GET", "/api/v1/flags"): Rule(HUB, 200, 403),
    ("GET", "/api/v1/flags/{flag_id}"): Rule(HUB, 200, 404),
    ("POST", "/api/v1/flags/{flag_id}/accept"): Rule(HUB, 201, 404),
    ("POST", "/api/v1/flags/{flag_id}/dismiss"): Rule(HUB, 200, 404),
    ("POST", "/api/v1/flags/{flag_id}/watch"): Rule(HUB, 200, 404),
}


def _requests(w) -> dict[tuple[str, str], tuple[str, dict | None]]:
    """The concrete request for each operation, against the shared data."""
    return {
        ("POST", "/api/v1/contacts"): (
            "/contacts",
            contact_payload(subjects=[_fresh_child()], household=[_fresh_adult()]),
        ),
        ("GET", "/api/v1/contacts/{contact_id}"): (f"/contacts/{w['contact_a']}", None),
        ("POST", "/api/v1/contacts/{contact_id}/screening"): (
            f"/contacts/{w['contact_b']}/screening",
            {"outcome": "nfa_advice", "rationale": "Advice given"},
        ),
        ("POST", "/api/v1/contacts/{contact_id}/amendments"): (
            f"/contacts/{w['contact_b']}/amendments",
            {"version": 1, "domestic_abuse": {"dash_risk": "medium"}},
        ),
        ("POST", "/api/v1/contacts/{contact_id}/people/{person_id}/corrections"): (
            f"/contacts/{w['contact_a']}/people/{w['child']}/corrections",
            {"version": 1, "reason": "Misspelt at intake", "forename": "Zeldah"},
        ),
        ("GET", "/api/v1/encompass-notices"): ("/encompass-notices", None),
        ("GET", "/api/v1/encompass-notices/{notice_id}"): (f"/encompass-notices/{w['notice']}", None),
        ("POST", "/api/v1/encompass-notices/{notice_id}/acknowledgement"): (
            f"/encompass-notices/{w['notice']}/acknowledgement",
            {},
        ),
        ("GET", "/api/v1/screening-queue"): ("/screening-queue", None),
        ("GET", "/api/v1/contacts/{contact_id}/related-work"): (f"/contacts/{w['contact_a']}/related-work", None),
        ("POST", "/api/v1/contacts/{contact_id}/assignment"): (
            f"/contacts/{w['contact_b']}/assignment",
            {"take": True},
        ),
        ("POST", "/api/v1/enquiries/{enquiry_id}/assignment"): (
            f"/enquiries/{w['enquiry']}/assignment",
            {"take": True},
        ),
        ("GET", "/api/v1/enquiries"): ("/enquiries", None),
        ("GET", "/api/v1/enquiries/{enquiry_id}"): (f"/enquiries/{w['enquiry']}", None),
        ("POST", "/api/v1/enquiries/{enquiry_id}/rag"): (
            f"/enquiries/{w['enquiry']}/rag",
            {"rag": "red", "reason": "Escalating", "version": 1},
        ),
        ("POST", "/api/v1/enquiries/{enquiry_id}/agency-requests"): (
            f"/enquiries/{w['enquiry']}/agency-requests",
            {"agency_codes": ["school-oak"], "question": "Anything known?"},
        ),
        ("POST", "/api/v1/enquiries/{enquiry_id}/decision"): (
            f"/enquiries/{w['enquiry']}/decision",
            {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Assess", "unanswered_confirmed": True},
        ),
        ("GET", "/api/v1/agency-requests"): ("/agency-requests", None),
        ("POST", "/api/v1/agency-requests/{request_id}/response/amendments"): (
            f"/agency-requests/{w['request_police']}/response/amendments",
            {"version": 1, "reason": "Checked again", "summary": "Two missed appointments and one A&E visit"},
        ),
        ("GET", "/api/v1/flags"): ("/flags", None),
        ("GET", "/api/v1/flags/{flag_id}"): (f"/flags/{w['flag']}", None),
        ("POST", "/api/v1/flags/{flag_id}/accept"): (
            f"/flags/{w['flag']}/accept",
            {
                "version": 1,
                "concern_codes": ["16A"],
                "narrative": "A pattern across agencies",
                "consent": "not_sought",
                "consent_not_sought_reason": "unsafe",
                "consent_lawful_basis": "public_task",
            },
        ),
        ("POST", "/api/v1/flags/{flag_id}/dismiss"): (
            f"/flags/{w['flag']}/dismiss",
            {"version": 1, "reason": "Known to the hub"},
        ),
        ("POST", "/api/v1/flags/{flag_id}/watch"): (f"/flags/{w['flag']}/watch", {"version": 1, "days": 30}),
        ("GET", "/api/v1/early-help-requests"): ("/early-help-requests", None),
        ("POST", "/api/v1/early-help-requests/{request_id}/acknowledgement"): (
            f"/early-help-requests/{w['early_help']}/acknowledgement",
            {"version": 1},
        ),
        ("POST", "/api/v1/agency-requests/{request_id}/response"): (
            f"/agency-requests/{w['request_gp']}/response",
            {"summary": "Known to the practice"},
        ),
        ("POST", "/api/v1/people/search"): ("/people/search", {"identifier": CANARY_NHS}),
        ("GET", "/api/v1/people"): (f"/people?identifier={CANARY_NHS}", None),
        ("GET", "/api/v1/people/{person_id}"): (f"/people/{w['child']}", None),
        ("GET", "/api/v1/people/{person_id}/chronology"): (f"/people/{w['child']}/chronology", None),
        ("GET", "/api/v1/people/{person_id}/network"): (f"/people/{w['child']}/network", None),
        ("POST", "/api/v1/people/{person_id}/statuses"): (
            f"/people/{w['child']}/statuses",
            {"kind": "looked_after", "start_date": (timezone.localdate() - dt.timedelta(days=7)).isoformat()},
        ),
        ("POST", "/api/v1/people/{person_id}/statuses/{status_id}/end"): (
            f"/people/{w['child']}/statuses/{w['child_status']}/end",
            {"end_date": timezone.localdate().isoformat()},
        ),
        ("GET", "/api/v1/people/{person_id}/household/chronology"): (
            f"/people/{w['child']}/household/chronology?significance=significant",
            None,
        ),
        ("GET", "/api/v1/contacts/{contact_id}/case-notes"): (f"/contacts/{w['contact_a']}/case-notes", None),
        ("POST", "/api/v1/contacts/{contact_id}/case-notes"): (
            f"/contacts/{w['contact_a']}/case-notes",
            {"note_type": "phone_call", "occurred_at": timezone.now().isoformat(), "text": "Called the GP"},
        ),
        ("GET", "/api/v1/contacts/{contact_id}/strategy-discussions"): (
            f"/contacts/{w['contact_c']}/strategy-discussions",
            None,
        ),
        ("POST", "/api/v1/contacts/{contact_id}/strategy-discussions"): (
            f"/contacts/{w['contact_c']}/strategy-discussions",
            {
                "held_at": timezone.now().isoformat(),
                "attendees": [
                    {"agency_code": "police", "name": "DS Example"},
                    {"agency_code": "health-gp", "name": "Dr Example"},
                ],
                "section47": True,
                "rationale": "Reasonable cause to suspect significant harm",
            },
        ),
        ("POST", "/api/v1/contacts/{contact_id}/acknowledgement"): (f"/contacts/{w['routed']}/acknowledgement", {}),
        ("GET", "/api/v1/mash-packs"): ("/mash-packs", None),
        ("GET", "/api/v1/mash-packs/{contact_id}"): (f"/mash-packs/{w['contact_c']}", None),
        ("POST", "/api/v1/contacts/{contact_id}/allocations"): (
            f"/contacts/{w['contact_c']}/allocations",
            {"person_ids": [str(w["child_c"])], "worker_membership_id": str(w["worker_membership"])},
        ),
        ("POST", "/api/v1/allocations/{allocation_id}/close"): (
            f"/allocations/{w['allocation_c']}/close",
            {"reason": "Assessment complete"},
        ),
        ("GET", "/api/v1/record-links"): ("/record-links", None),
        ("GET", "/api/v1/record-links/{record_link_id}"): (f"/record-links/{w['link_proposed']}", None),
        ("POST", "/api/v1/record-links/{record_link_id}/confirmation"): (
            f"/record-links/{w['link_proposed']}/confirmation",
            {},
        ),
        ("POST", "/api/v1/record-links/{record_link_id}/rejection"): (
            f"/record-links/{w['link_proposed']}/rejection",
            {"reason": "Different mothers"},
        ),
        ("POST", "/api/v1/record-links/{record_link_id}/end"): (
            f"/record-links/{w['link_confirmed']}/end",
            {"reason": "Twins: the wrong twin's NHS number"},
        ),
        ("POST", "/api/v1/people/{person_id}/separation"): (
            f"/people/{w['merged_person']}/separation",
            {"reason": "Twins: the wrong twin's NHS number"},
        ),
        ("POST", "/api/v1/agency-requests/{request_id}/items"): (
            f"/agency-requests/{w['request_gp']}/items",
            {"text": "Seen at the clinic twice", "decision": SHARE},
        ),
        ("GET", "/api/v1/contributed-items/{item_id}"): (f"/contributed-items/{w['item_shared']}", None),
        ("GET", "/api/v1/enquiries/{enquiry_id}/messages"): (f"/enquiries/{w['enquiry']}/messages", None),
        ("POST", "/api/v1/enquiries/{enquiry_id}/messages"): (
            f"/enquiries/{w['enquiry']}/messages",
            {MULTIPART: True, "body": "Matrix message"},
        ),
        ("GET", "/api/v1/enquiries/{enquiry_id}/attachments/{attachment_id}"): (
            f"/enquiries/{w['enquiry']}/attachments/{w['attachment']}",
            None,
        ),
        ("POST", "/api/v1/contributed-items/{item_id}/decision"): (
            f"/contributed-items/{w['item_draft']}/decision",
            SHARE,
        ),
        ("POST", "/api/v1/contributed-items/{item_id}/release"): (
            f"/contributed-items/{w['item_shared']}/release",
            SHARE,
        ),
        ("POST", "/api/v1/contributed-items/{item_id}/release-requests"): (
            f"/contributed-items/{w['item_shared']}/release-requests",
            {},
        ),
        ("GET", "/api/v1/release-requests"): ("/release-requests", None),
        ("POST", "/api/v1/intake/candidates"): (
            "/intake/candidates",
            {"forename": "Nobody", "surname": "Knownyet", "date_of_birth": "2012-02-02"},
        ),
        ("POST", "/api/v1/break-glass"): (
            "/break-glass",
            {"person_id": str(w["child"]), "category": "risk_to_life", "reason": "Missing overnight; police need it"},
        ),
        ("POST", "/api/v1/break-glass/{break_glass_id}/end"): (f"/break-glass/{w['break_glass']}/end", {}),
        ("GET", "/api/v1/privacy-alerts"): ("/privacy-alerts", None),
        ("GET", "/api/v1/privacy-alerts/{alert_id}"): (f"/privacy-alerts/{w['alert']}", None),
        ("POST", "/api/v1/privacy-alerts/{alert_id}/decision"): (
            f"/privacy-alerts/{w['alert']}/decision",
            {"decision": "approve"},
        ),
        ("GET", "/api/v1/access-notices/{notice_id}"): (f"/access-notices/{w['access_notice']}", None),
        ("GET", "/api/v1/people/{person_id}/access-history"): (f"/people/{w['child']}/access-history", None),
        ("GET", "/api/v1/reports/views-without-involvement"): ("/reports/views-without-involvement", None),
        ("POST", "/api/v1/subject-access"): ("/subject-access", {"person": str(w["child"])}),
        ("GET", "/api/v1/sharing-agreements"): ("/sharing-agreements", None),
        ("GET", "/api/v1/sharing-agreements/{agreement_id}"): (f"/sharing-agreements/{w['agreement']}", None),
        ("POST", "/api/v1/sharing-agreements"): ("/sharing-agreements", _AGREEMENT),
        ("POST", "/api/v1/sharing-agreements/{agreement_id}/changes"): (
            f"/sharing-agreements/{w['agreement']}/changes",
            {**_AGREEMENT, "version": 1},
        ),
        ("POST", "/api/v1/sharing-agreements/{agreement_id}/end"): (
            f"/sharing-agreements/{w['agreement']}/end",
            {"version": 1},
        ),
        ("GET", "/api/v1/setting-changes"): ("/setting-changes", None),
        ("POST", "/api/v1/setting-changes/{setting_change_id}/approval"): (
            f"/setting-changes/{w['setting_change']}/approval",
            {},
        ),
        ("POST", "/api/v1/setting-changes/{setting_change_id}/refusal"): (
            f"/setting-changes/{w['setting_change']}/refusal",
            {"reason": "Thirty days is what the agreement allows"},
        ),
    }


_AGREEMENT = {
    "title": "Matrix agreement",
    "parties": ["mash", "health-gp"],
    "categories": ["health"],
    "lawful_bases": ["art6_1e", "sch1_para18"],
    "starts_on": "2026-01-01",
    "document_reference": "ISA/MATRIX/1",
    "status": "active",
}


_FRESH = itertools.count()
#: Years a fresh person's date of birth is spread over (children from 2010: never a date in the future, which intake
#: refuses; the matrix grew past 16 years of fresh dates once, and every cell after that failed to set up).
FRESH_YEARS = 12
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _fresh(first_year: int) -> tuple[str, str]:
    """(date of birth, surname suffix) nobody else in the world has, with a day after the 12th (so no day/month
    swap meets another): POST /contacts searches before it creates (ADR 0009 addendum 1), so each cell's new people
    must be like nobody already recorded, the earlier cells' too. The dates cycle over ``FRESH_YEARS`` years; each
    cycle gets its own surname suffix ("", "b", "c", ...)."""
    n = next(_FRESH)
    cycle = n // (192 * FRESH_YEARS)
    born = f"{first_year + (n // 192) % FRESH_YEARS}-{1 + (n // 16) % 12:02d}-{13 + n % 16:02d}"
    suffix = ""
    while cycle:
        cycle, k = divmod(cycle, 26)
        suffix = _LETTERS[k] + suffix
    return born, suffix


def _fresh_child() -> dict:
    born, suffix = _fresh(2010)
    return {
        "forename": "Fresh",
        "surname": f"Newchild{suffix}",
        "date_of_birth": born,
        "identifiers": [{"type": "nhs_number", "value": nhs_number()}],
    }


def _fresh_adult() -> dict:
    born, suffix = _fresh(1960)
    return {"forename": "Fresh", "surname": f"Adult{suffix}", "date_of_birth": born, "sex": "M"}


def test_fresh_people_are_never_born_in_the_future_and_never_alike():
    """However many cells the matrix grows to, a fresh child's date of birth is in the past (intake refuses a future
    one) and no two fresh people share a date of birth and a surname."""
    import datetime as dt

    seen = set()
    for _ in range(192 * FRESH_YEARS * 2 + 50):
        person = _fresh_child()
        assert dt.date.fromisoformat(person["date_of_birth"]) < dt.date.today()
        key = (person["date_of_birth"], person["surname"])
        assert key not in seen
        seen.add(key)


# --- the shared data, built once per module --------------------------------------------------------------------


def _build_world() -> dict:
    from openmash.access.actor import actor_for_user
    from openmash.accounts.mfa import totp_device_ensure
    from openmash.accounts.models import Agency
    from openmash.accounts.services import agency_create, token_create, user_create
    from openmash.enquiries.assignment import enquiry_assign
    from openmash.partnership.services import partnership_defaults_ensure
    from tests.support import allocation_open, contact_record, requests_send, respond, screen, subject_person

    partnership_defaults_ensure()
    for code, name, atype, src, hub, hs in AGENCIES:
        agency_create(code=code, name=name, agency_type=atype, source_code=src, is_hub=hub, health_service=hs)

    def actor(role, agency, name):
        user = user_create(username=name, password="x", agency_code=agency, role=role, check_password=False)
        totp_device_ensure(user)  # enrolled: a colleague who can sign in and work (access.actor.can_sign_in_q)
        return actor_for_user(user)

    agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )
    tokens, actors = {}, {}
    for key in ACTORS[: -len(RELATIONSHIP_ACTORS) - 1]:
        role, agency = key.split("@")
        actors[key] = actor(role, agency, f"matrix-{role}-{agency}")
        tokens[key] = token_create(username=actors[key].user.username)[1]

    recorder = actor("referrer", "police", "matrix-recorder")
    setup_screener = actor("screener", "mash", "matrix-setup-screener")
    setup_police_researcher = actor("researcher", "police", "matrix-setup-researcher")
    worker = actor("social_worker", "mash", "matrix-allocated-worker")
    tokens[RECORDER] = token_create(username=recorder.user.username)[1]
    tokens[ALLOCATED] = token_create(username=worker.user.username)[1]
    tokens[EARLY_HELP] = token_create(username=actor("researcher", "early-help", "matrix-early-help").user.username)[1]

    canary = {
        "forename": CANARY_CHILD["forename"],
        "surname": CANARY_CHILD["surname"],
        "date_of_birth": CANARY_CHILD["dob"],
        "sex": "F",
        "identifiers": [{"type": "nhs_number", "value": CANARY_NHS}],
        "address": {"line1": "9 Canary Row", "town": "Exampleton", "postcode": "EX9 9ZZ"},
    }
    contact_a = contact_record(recorder, subjects=[canary], narrative=CANARY_NARRATIVE)
    other = {
        "forename": OTHER_CHILD["forename"],
        "surname": OTHER_CHILD["surname"],
        "date_of_birth": OTHER_CHILD["dob"],
    }
    contact_b = contact_record(recorder, subjects=[other], narrative=CANARY_NARRATIVE)
    screen(setup_screener, contact_a, outcome="mash_enquiry", rag="amber")
    contact_a.refresh_from_db()
    enquiry = contact_a.enquiry
    # the screener who opened it holds it; put it back on the queue so the hub's cells can take it
    enquiry_assign(
        actor=actor("manager", "mash", "matrix-setup-releaser"),
        enquiry_id=enquiry.pk,
        assign_to=None,
        expected=setup_screener.user.pk,
    )
    request_gp, request_police = requests_send(setup_screener, enquiry, "health-gp", "police")
    respond(setup_police_researcher, request_police)
    # the secure room: the GP shares one item into the hub and keeps a draft; the hub asks for the shared one's release
    from openmash.sharing.services import release_request_create
    from tests.support import item_give

    setup_gp = actor("researcher", "health-gp", "matrix-setup-gp")
    item_shared = item_give(setup_gp, request_gp, "Seen at the clinic")
    item_draft = item_give(setup_gp, request_gp, "Draft: not decided yet", decision=None)
    release_request_create(actor=setup_screener, item_id=item_shared.pk)
    # secure messaging: the GP sends a message with a text file on the enquiry's thread
    from openmash.messaging.services import message_post

    sent = message_post(
        actor=setup_gp, enquiry_id=enquiry.pk, body="Matrix message", files=[("notes.txt", b"Matrix attachment")]
    )
    child = subject_person(contact_a)
    allocation_open(child, worker)
    # a current child protection plan on the child, held by the MASH's children's social care (issue 7)
    from openmash.people.services import child_status_record

    child_status = child_status_record(
        actor=worker, person_id=child.pk, kind="cp_plan", start_date=timezone.localdate() - dt.timedelta(days=30)
    )
    # a later contact about the allocated child: passed straight to the worker (status with_allocated_worker)
    routed = contact_record(recorder, subjects=[{"person_id": str(child.pk)}], narrative=CANARY_NARRATIVE)
    assert routed.status == "with_allocated_worker"
    encompass = contact_record(
        recorder,
        subjects=[
            {
                "forename": "Erin",
                "surname": "Schoolnotice",
                "date_of_birth": "2015-05-05",
                "school_code": "school-oak",
                "present_at_incident": "yes",
            }
        ],
        police_reference="DA/2026/0001",
        incident_at=timezone.now() - dt.timedelta(hours=6),
        notify_schools=True,
    )
    handed_over = contact_record(
        recorder, subjects=[{"forename": "Ivy", "surname": "Handover", "date_of_birth": "2015-05-05"}]
    )
    screen(setup_screener, handed_over, outcome="early_help")
    # casework: a contact sent straight to a strategy discussion, its child allocated to the same worker
    from openmash.enquiries.services import allocation_assign

    contact_c = contact_record(recorder, subjects=[_fresh_child()], narrative=CANARY_NARRATIVE)
    screen(setup_screener, contact_c, outcome="strategy")
    child_c = subject_person(contact_c)
    allocation_c = allocation_assign(
        actor=actor("manager", "mash", "matrix-setup-manager"),
        person_id=child_c.pk,
        worker_membership_id=str(worker.membership.pk),
    )
    # matching: a pair of agency records proposed as the same person, and two joined by their NHS number
    from openmash.people import linking

    def record(agency, local_id, **details):
        return linking.record_create(
            actor=None, agency=Agency.objects.get(code=agency), local_id=local_id, details=details
        )[0]

    left = record("police", "M1", given_name="Pat", family_name="Proposed", date_of_birth=dt.date(2014, 4, 4))
    right = record("health-gp", "M2", given_name="Patt", family_name="Proposed", date_of_birth=dt.date(2014, 4, 4))
    proposed = linking.link_propose(actor=None, record_a_id=left.pk, record_b_id=right.pk, match_probability=0.8)
    joined_nhs = nhs_number()
    record(
        "police", "J1", given_name="Jo", family_name="Joined", nhs_number=joined_nhs, date_of_birth=dt.date(2013, 3, 3)
    )
    second = record(
        "school-oak",
        "J2",
        given_name="Joe",
        family_name="Joined",
        nhs_number=joined_nhs,
        date_of_birth=dt.date(2013, 3, 3),
    )
    from openmash.people.models import RecordLink

    confirmed = RecordLink.objects.get(valid_to__isnull=True, state="confirmed")
    oversight = _oversight_world(actors, child=child, other=subject_person(contact_b))
    from openmash.patterns.tests.flagfactory import flag_make

    flag = flag_make(child)  # issue 8: a pattern flag on the canary child
    return {
        **oversight,
        "flag": flag.pk,
        "link_proposed": proposed.pk,
        "link_confirmed": confirmed.pk,
        "merged_person": second.origin_person_id,
        "notice": encompass.encompass_notices.get().pk,
        "tokens": tokens,
        "contact_a": contact_a.pk,
        "contact_b": contact_b.pk,
        "enquiry": enquiry.pk,
        "request_gp": request_gp.pk,
        "request_police": request_police.pk,
        "early_help": handed_over.early_help_requests.get().pk,
        "child": child.pk,
        "contact_c": contact_c.pk,
        "routed": routed.pk,
        "child_c": child_c.pk,
        "allocation_c": allocation_c.pk,
        "worker_membership": worker.membership.pk,
        "item_shared": item_shared.pk,
        "item_draft": item_draft.pk,
        "attachment": sent.attachments.get().pk,
        "child_status": child_status.pk,
    }


def _oversight_world(actors, *, child, other) -> dict:
    """An ended break-glass by researcher@police on the other child, its privacy alert, and an access notice about
    the canary child sent to manager@mash (issue 7)."""
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import AccessNotice, BreakGlass, OversightDelivery, PrivacyAlert

    now = timezone.now()
    police = actors["researcher@police"]
    glass = BreakGlass.objects.create(
        reference="BG-TEST-0001",
        user=police.user,
        membership=police.membership,
        person=other,
        category="risk_to_life",
        reason="Missing overnight; police need the school contacts",
        started_at=now - dt.timedelta(hours=3),
        expires_at=now - dt.timedelta(hours=2),
    )
    alert = PrivacyAlert.objects.create(reference=glass.reference, break_glass=glass)
    gp = actors["researcher@health-gp"]
    notice = AccessNotice.objects.create(
        reference="AN-TEST-0001",
        person=child,
        viewer=gp.user,
        viewer_membership=gp.membership,
        viewed_at=now,
        owners=["hub"],
        basis="agency_request",
    )
    note = Notification.objects.create(user=actors["manager@mash"].user, message="Access notice AN-TEST-0001")
    OversightDelivery.objects.create(notification=note, notice=notice)
    from tests.support import agreement_recorded

    agreement = agreement_recorded(actors["partnership_admin@mash"], _AGREEMENT)
    from openmash.partnership.services import agency_access_days_update

    # a change waiting for a second partnership admin, asked by partnership_admin@mash (ADR 0019 addendum)
    setting_change = agency_access_days_update(actor=actors["partnership_admin@mash"], days=90)
    return {
        "break_glass": glass.pk,
        "alert": alert.pk,
        "access_notice": notice.pk,
        "agreement": agreement.pk,
        "setting_change": setting_change.pk,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once and kept in an open transaction; each test's `db` savepoint is rolled back after it, and the
    whole module's data is rolled back at the end, so nothing leaks into other tests."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _call(client: Client, token: str | None, method: str, path: str, body: dict | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get("/api/v1" + path, **headers)
    if body and body.get(MULTIPART):
        return client.post("/api/v1" + path, {k: v for k, v in body.items() if k != MULTIPART}, **headers)
    return client.post("/api/v1" + path, body or {}, content_type="application/json", **headers)


def _missing_twin(path: str) -> str:
    """The same request for a record that does not exist."""
    parts = path.split("/")
    for i, part in enumerate(parts):
        try:
            uuid.UUID(part)
        except ValueError:
            continue
        parts[i] = str(uuid.uuid4())
        return "/".join(parts)
    raise AssertionError(f"no id in {path}")


CELLS = [(op, actor) for op in ORACLE for actor in ACTORS]

# Cells where the product is known to be wrong today: {(op, actor): reason}. Strict xfail, so fixing the bug makes
# the cell fail here until its entry is removed.
KNOWN_BUGS: dict[tuple[tuple[str, str], str], str] = {}


def _cell_params():
    for op, actor in CELLS:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[op, actor])] if (op, actor) in KNOWN_BUGS else []
        yield pytest.param(op, actor, marks=marks, id=f"{op[0]} {op[1]} | {actor}")


@pytest.mark.parametrize(("op", "actor"), list(_cell_params()))
def test_matrix_cell(world, db, op, actor):
    rule = ORACLE[op]
    method, _ = op
    path, body = _requests(world)[op]
    token = world["tokens"].get(actor)
    expected = rule.expected(actor)
    client = Client()

    before = row_counts()
    r = _call(client, token, method, path, body)
    assert r.status_code == expected, (
        f"{actor}: {method} {path} -> {r.status_code}, expected {expected}: {r.content[:300]}"
    )

    text = r.content.decode()
    if expected >= 400:
        leaked = [c for c in CANARIES if c in text]
        assert not leaked, f"denied answer to {actor} leaks {leaked}"
        assert row_counts() == before, f"denied request by {actor} wrote rows"
        if expected in (403, 404):  # issue 5, fault 5: the denial of a real record is audited
            from openmash.audit.models import AuditEvent

            assert AuditEvent.objects.filter(action="deny", request_id=r["X-Request-Id"]).exists(), (
                f"denied {method} {path} by {actor} was not audited"
            )
        if expected == 404:  # forbidden = missing: the same answer as for a record that does not exist
            twin = _call(client, token, method, _missing_twin(path), body)
            assert (twin.status_code, twin.json()) == (404, r.json())
        return

    if actor in rule.leak_free:
        assert not [c for c in CANARIES if c in text], f"{actor} sees data of a child they have no basis for"
    if actor in rule.minimum_details:
        # The minimum identifying details (name, date of birth, sex, postcode, NHS number): the same answer as the
        # agency inbox (openmash.access.fields); never ethnicity, the identifier list, addresses or relationships.
        body = r.json()
        assert body["identifiers"] == [] and body["addresses"] == [] and body["relationships"] == [], actor
        assert body["ethnicity"] is None and "Canary Row" not in text
    if method == "POST":
        assert row_counts() != before, f"allowed {method} {path} by {actor} wrote nothing"
    else:
        assert row_counts()["audit.AuditEvent"] > before["audit.AuditEvent"] or _empty_list(r.json()), (
            f"allowed read by {actor} was not audited"
        )


def _empty_list(body) -> bool:
    """An empty answer of a list endpoint: a bare [] or an empty page ({"items": [], ...})."""
    return body == [] or (isinstance(body, dict) and body.get("items") == [])


def test_matrix_allowed_reads_show_the_right_fields(world, db):
    """Spot checks that the allowed answers are really the records (not empty shells)."""
    tokens, client = world["tokens"], Client()
    hub = _call(client, tokens["screener@mash"], "GET", f"/contacts/{world['contact_a']}", None).json()
    assert hub["enquiry_id"] == str(world["enquiry"]) and hub["narrative"] == CANARY_NARRATIVE
    own = _call(client, tokens[RECORDER], "GET", f"/contacts/{world['contact_a']}", None).json()
    assert own["enquiry_id"] is None and own["screening"]["rationale"] is None  # the hub's reasoning stays there
    full = _call(client, tokens[ALLOCATED], "GET", f"/people/{world['child']}", None).json()
    assert {"type": "nhs_number", "value": f"{CANARY_NHS[:3]} {CANARY_NHS[3:6]} {CANARY_NHS[6:]}"} in full[
        "identifiers"
    ]
    inbox = _call(client, tokens["researcher@health-gp"], "GET", "/agency-requests", None).json()["items"]
    assert [i["id"] for i in inbox] == [str(world["request_gp"])]
    police_inbox = _call(client, tokens["researcher@police"], "GET", "/agency-requests", None).json()["items"]
    assert [i["status"] for i in police_inbox] == ["responded"]


def test_an_ended_allocation_ends_the_workers_access(world, db):
    """AZ-2 relationship state 'ended': once the allocation closes, the worker's reads answer 404."""
    from django.utils import timezone

    from openmash.enquiries.models import CaseAllocation

    client, token = Client(), world["tokens"][ALLOCATED]
    paths = [
        f"/contacts/{world['contact_a']}",
        f"/people/{world['child']}",
        f"/people/{world['child']}/chronology",
        f"/people/{world['child']}/household/chronology",
        f"/people/{world['child']}/network",
    ]
    assert [_call(client, token, "GET", p, None).status_code for p in paths] == [200, 200, 200, 200, 200]
    CaseAllocation.objects.filter(person_id=world["child"]).update(closed_at=timezone.now())
    answers = [_call(client, token, "GET", p, None) for p in paths]
    assert [r.status_code for r in answers] == [404, 404, 404, 404, 404]
    assert not any(c in r.content.decode() for r in answers for c in CANARIES)


def _api_operations() -> set[tuple[str, str]]:
    """Every operation the API routes, whether or not it is in the schema."""
    from config.api import api

    ops = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = "/api/v1" + ("/" + prefix.strip("/") if prefix.strip("/") else "") + path
            for operation in view.operations:
                ops |= {(m.upper(), full) for m in operation.methods}
    return ops


def test_every_api_operation_has_a_matrix_row():
    """AZ-1: the operations covered here are exactly those in the OpenAPI document and the router."""
    from config.api import api

    schema = api.get_openapi_schema()
    in_schema = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert set(ORACLE) == in_schema, {
        "missing matrix rows": in_schema - set(ORACLE),
        "rows for operations that no longer exist": set(ORACLE) - in_schema,
    }
    assert _api_operations() == in_schema, "an operation is routed but hidden from the OpenAPI document"
    keys = ("contact_a", "contact_b", "enquiry", "request_gp", "request_police", "early_help", "child", "notice") + (
        "contact_c",
        "routed",
        "child_c",
        "allocation_c",
        "worker_membership",
        "link_proposed",
        "link_confirmed",
        "merged_person",
        "break_glass",
        "alert",
        "access_notice",
        "item_shared",
        "item_draft",
        "agreement",
        "attachment",
        "child_status",
        "flag",
        "setting_change",
    )
    assert set(_requests({k: uuid.uuid4() for k in keys})) == set(ORACLE)


def test_matrix_has_every_role_at_every_agency():
    from openmash.accounts.choices import Role

    assert set(ROLES) == set(Role.values)
    assert len(CELLS) == len(ORACLE) * (len(ROLES) * len(MATRIX_AGENCIES) + len(RELATIONSHIP_ACTORS) + 1)
