"""The web access matrix (issue 5, Proof): every URL route of the pages x every role at every agency, plus the
referrer who recorded the contacts, the social worker allocated to the child, a deactivated user, a user of a
deactivated agency and anonymous.

The routes are walked from config/urls.py (tests/routes.py); the API's routes are covered by
tests/test_permission_matrix.py. A page route without a row in ROWS fails test_every_page_route_has_a_row, so a
new page cannot ship without saying who may open it. Adding a route is one line in ROWS (and, when it needs a
record that the shared data does not have yet, one key in _build_world).

The expected answer of each cell is written out by hand from docs/security/access-and-audit.md and
openmash/access/policy.py (not computed from the policy module):

- allowed: the row's status; for a personal-data page, an audit read event with the response's request id, no
  row written but audit rows, and none of the canaries the actor has no basis to see (SHOWS);
- signed in but denied: 404 for a record they may not see (answered exactly like a missing record) or 403 for an
  action their role may not take, no row written but audit rows, no canary at all, and a `deny` audit event
  naming the real record (issue 5, fault 5);
- anonymous and deactivated users: sent to sign in; a user whose agency is deactivated: 403, audited.

The shared data is built once per module inside a transaction that is rolled back at the end; each cell runs in
the `db` savepoint and is rolled back, so POST cells act on fresh objects.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client

from conftest import AGENCIES
from tests.routes import all_routes
from tests.support import nhs_number

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
DEACTIVATED_USER = "deactivated user (screener@mash, account switched off)"
DEACTIVATED_AGENCY = "user of a deactivated agency (referrer@probation)"
ANONYMOUS = "anonymous"
ACTORS = [f"{r}@{a}" for r in ROLES for a in MATRIX_AGENCIES] + [
    RECORDER,
    ALLOCATED,
    DEACTIVATED_USER,
    DEACTIVATED_AGENCY,
    ANONYMOUS,
]
SIGNED_OUT = frozenset({ANONYMOUS, DEACTIVATED_USER})  # a deactivated account's session no longer signs it in
ROLE_OF = {RECORDER: "referrer@police", ALLOCATED: "social_worker@mash"}

# Canary personal data, each a kind of field some actors may see and others not.
CANARY_NHS = nhs_number(random.Random(2405))
CANARIES: dict[str, list[str]] = {
    "nhs": [CANARY_NHS, f"{CANARY_NHS[:3]} {CANARY_NHS[3:6]} {CANARY_NHS[6:]}"],  # identifiers: full record
    "address": ["7 Canarywharf Lane"],  # address lines: full record
    "narrative": ["Canary narrative: bruising seen at the school gate"],  # what the referrer told the hub
    "rationale": ["Canary rationale: checks with health needed"],  # the hub's screening reasoning
    "response": ["Canary response: known to police for assaults"],  # another agency's answer
    "adult": ["Quorncanary"],  # the household adult (alleged perpetrator)
    "other_child": ["Bexleycanary"],  # the child of the second, unscreened contact
    "sealed": ["Canary sealed: clinic visit"],  # a sealed imported event on the child's chronology: the hub only
    "adult_history": ["Canary adult history: arrested"],  # a sensitive event on the household adult's chronology
    "item": ["Canary item: seen at the clinic"],  # the GP's item shared into the hub, not released (issue 7)
    "item_draft": ["Canary draft: not decided yet"],  # the GP's draft item: the GP's researchers only
    "message": ["Canary message: the family moved to the coast"],  # a secure message on the enquiry (issue 7)
    "attachment": ["Canary attachment: attendance 61 percent"],  # the content of the file sent with it
}


def at_any(*roles: str) -> frozenset[str]:
    """Every actor holding one of the roles, at any agency, including the relationship rows with that role."""
    keys = {f"{r}@{a}" for r in roles for a in MATRIX_AGENCIES}
    keys |= {rel for rel, base in ROLE_OF.items() if base.split("@")[0] in roles}
    return frozenset(keys)


HUB = frozenset({"screener@mash", "manager@mash"})
MANAGER = frozenset({"manager@mash"})
ENCOMPASS = HUB | {"referrer@school-oak", "researcher@school-oak"}  # the hub and a school's users
SIGNED_IN = frozenset(a for a in ACTORS if a not in SIGNED_OUT | {DEACTIVATED_AGENCY})
AUDITORS = at_any("auditor")
RESEARCHERS_ASKED = frozenset({"researcher@health-gp", "researcher@police"})  # their agencies were asked about it
PROFESSIONAL = at_any("referrer", "researcher", "screener", "manager", "social_worker")


@dataclass(frozen=True)
class Row:
    method: str
    url: str  # formatted with the shared data: {contact_a}, {enquiry}, {request_gp}, {child}, ...
    allowed: frozenset[str]
    status: int = 200  # the answer to an allowed actor
    denied: int = 404  # the answer to a signed-in actor who is not allowed
    # an allowed answer shows personal data, so it must write an audit read event (True: for every allowed actor;
    # or the actors for whom the shared data gives the page something to show)
    personal: bool | frozenset[str] = True
    writes: bool = True  # an allowed POST changes the record (sign-out and role switch change only the session)
    shows: dict[str, frozenset[str]] = field(default_factory=dict)  # canary kind -> who may see it here
    data: dict = field(default_factory=dict)  # the POST body
    signed_out: int = 302  # anonymous / deactivated user: to the sign-in page
    deactivated_agency: int = 403
    denied_overrides: dict[str, int] = field(default_factory=dict)
    # tables an allowed GET may add to by design: the CP-IS access notice to the team that owns a flagged child when
    # someone outside it opens the record (issue 7, NT-1): {actor: model labels}
    notifies: dict[str, frozenset[str]] = field(default_factory=dict)

    def expected(self, actor: str) -> int:
        if actor in SIGNED_OUT:
            return self.signed_out
        if actor == DEACTIVATED_AGENCY:
            return self.deactivated_agency
        if actor in self.allowed:
            return self.status
        return self.denied_overrides.get(actor, self.denied)


CASE = frozenset({"narrative", "adult", "nhs"})
NOTICE_TABLES = frozenset(
    {"enquiries.Notification", "oversight.AccessNotice", "oversight.OversightDelivery"}
)  # what the recorder told the hub about their own contact

ROWS: dict[str, Row] = {
    # signing in and out, the dashboard
    "web:login": Row("GET", "/login/", SIGNED_IN, 302, personal=False, signed_out=200, deactivated_agency=302),
    # optional single sign-on (ADR 0018): off in the suite, so nobody reaches it (openmash/accounts/tests/test_sso.py)
    "sso:start": Row("GET", "/sso/start/", frozenset(), personal=False, signed_out=404, deactivated_agency=404),
    "sso:callback": Row(
        "GET", "/sso/callback/?code=x&state=y", frozenset(), personal=False, signed_out=404, deactivated_agency=404
    ),
    "sso:stepup": Row(
        "GET", "/sso/step-up/?next=/", frozenset(), personal=False, signed_out=404, deactivated_agency=404
    ),  # step-up through the provider for a session that came from single sign-on (ADR 0018 addendum)
    "web:logout": Row(
        "POST", "/logout/", SIGNED_IN | {DEACTIVATED_AGENCY}, 302, personal=False, writes=False, deactivated_agency=302
    ),
    "web:switch_role": Row("POST", "/switch-role/", SIGNED_IN, 302, personal=False, writes=False, data={"x": 1}),
    # the timeout warning's "Stay signed in", and the sign-out when it runs out (keeps a posted intake as a draft)
    "web:session_keep_alive": Row(
        "POST", "/session/keep-alive/", SIGNED_IN, 204, personal=False, writes=False, signed_out=401
    ),
    "web:session_timeout": Row(
        "POST",
        "/session/timeout/",
        SIGNED_IN | {DEACTIVATED_AGENCY},
        204,
        personal=False,
        writes=False,
        signed_out=401,
        deactivated_agency=204,
    ),
    "web:home": Row(
        "GET", "/", SIGNED_IN, personal=frozenset({RECORDER}), shows={"other_child": frozenset({RECORDER})}
    ),
    # each user's own notifications (references only) and "Mark all as read" (writes only their own read_at)
    "web:notifications": Row("GET", "/notifications/", SIGNED_IN, personal=False),
    "web:notifications_read_all": Row("POST", "/notifications/read-all/", SIGNED_IN, 302, personal=False, writes=False),
    # the second factor (ADR 0011): every actor here has passed it, so its pages send them on (home); the account
    # page (second factors, sessions) is each user's own and shows no case data
    "mfa:verify": Row("GET", "/account/verify/", SIGNED_IN, 302, personal=False, deactivated_agency=302),
    "mfa:verify_key_options": Row(
        "POST",
        "/account/verify/security-key/options/",
        SIGNED_IN,
        302,
        personal=False,
        writes=False,
        deactivated_agency=302,
    ),
    "mfa:verify_key": Row(
        "POST", "/account/verify/security-key/", SIGNED_IN, 302, personal=False, writes=False, deactivated_agency=302
    ),
    "mfa:enrol": Row("GET", "/account/enrol/", SIGNED_IN, 302, personal=False, deactivated_agency=302),
    "mfa:account": Row("GET", "/account/", SIGNED_IN, personal=False),
    "mfa:recovery_codes": Row("GET", "/account/recovery-codes/", SIGNED_IN, personal=False),
    "mfa:key_add_options": Row("POST", "/account/security-keys/options/", SIGNED_IN, 200, personal=False, writes=False),
    "mfa:key_add": Row("POST", "/account/security-keys/add/", SIGNED_IN, 400, personal=False, writes=False),
    "mfa:key_remove": Row("POST", "/account/security-keys/remove/", SIGNED_IN, 302, personal=False, writes=False),
    "mfa:session_end": Row("POST", "/account/sessions/end/", SIGNED_IN, 302, personal=False, writes=False),
    # intake
    "web:contact_new": Row("GET", "/contacts/new/", PROFESSIONAL, denied=403, personal=False),
    "web:contact_detail": Row(
        "GET",
        "/contacts/{contact_a}/",
        HUB | {RECORDER, ALLOCATED},
        shows={"rationale": HUB} | {k: HUB | {RECORDER, ALLOCATED} for k in CASE},
    ),
    "web:contact_check": Row("GET", "/contacts/new/check/", PROFESSIONAL, 302, 403, personal=False),  # no answers yet
    # adding to a contact before screening: its recorder or the hub (fetched first: others 404, or 403 without the
    # role's "contact.amend"); the change page is prefilled with the person as named
    "web:contact_amend": Row(
        "GET",
        "/contacts/{contact_b}/amend/",
        HUB | {RECORDER},
        denied_overrides={a: 403 for a in at_any("partnership_admin", "auditor", "privacy_officer")},
    ),
    "web:contact_person_change": Row(
        "GET",
        "/contacts/{contact_b}/named/{link_b}/change/",
        HUB | {RECORDER},
        shows={"other_child": HUB | {RECORDER}},
    ),
    # Operation Encompass: the hub and a school's users. The shared data holds no notice yet: the detail row asks
    # for one that does not exist (404 for those who may open notices, 403 for the rest).
    "web:encompass_notices": Row("GET", "/school-notices/", ENCOMPASS, denied=403, personal=frozenset()),
    "web:encompass_notice": Row(
        "GET",
        "/school-notices/{missing}/",
        frozenset(),
        denied_overrides={a: 403 for a in SIGNED_IN - ENCOMPASS},
    ),
    # acknowledging: the school's own users only (never the hub); the notice asked for does not exist (404 for them)
    "web:encompass_notice_acknowledge": Row(
        "POST",
        "/school-notices/{missing}/acknowledge/",
        frozenset(),
        denied_overrides={a: 403 for a in SIGNED_IN - (ENCOMPASS - HUB)},
    ),
    # sharing out the hub's work: screeners and managers take, managers assign
    # (taking changes who holds the item: an update, no new row, so `writes` is off)
    "web:contact_take": Row("POST", "/contacts/{contact_b}/take/", HUB, 302, 403, writes=False),
    "web:enquiry_take": Row("POST", "/enquiries/{enquiry}/take/", HUB, 302, 403, writes=False),
    "web:contact_assignment": Row("GET", "/contacts/{contact_b}/assignment/", MANAGER, denied=403),
    "web:enquiry_assignment": Row("GET", "/enquiries/{enquiry}/assignment/", MANAGER, denied=403),
    # screening and enquiries: the hub's work
    "web:contact_screen": Row(
        "GET", "/contacts/{contact_b}/screen/", HUB, denied=403, shows={"other_child": HUB, "narrative": HUB}
    ),
    "web:screening_queue": Row("GET", "/screening/", HUB, denied=403, shows={"other_child": HUB}),
    # who holds what: counts and hub members' names only (no personal data, not audited)
    "web:workload": Row("GET", "/workload/", HUB, denied=403, personal=False),
    "web:enquiry_list": Row("GET", "/enquiries/", HUB, denied=403),
    "web:enquiry_detail": Row(
        "GET",
        "/enquiries/{enquiry}/",
        HUB,
        shows={k: HUB for k in ("narrative", "rationale", "response", "adult", "item")},
    ),
    "web:enquiry_rerate": Row(
        "POST", "/enquiries/{enquiry}/rag/", HUB, 302, 403, data={"rag": "red", "reason": "Escalating", "version": 1}
    ),
    "web:enquiry_requests": Row(
        "POST", "/enquiries/{enquiry}/requests/", HUB, 302, 403, data={"agency_codes": ["school-oak"]}
    ),
    "web:enquiry_decide": Row(
        "POST",
        "/enquiries/{enquiry}/decision/",
        frozenset({"manager@mash"}),
        302,
        404,  # the enquiry is fetched first: forbidden looks missing
        denied_overrides={"screener@mash": 403},  # the hub may see it; only managers decide
        data={
            "outcomes": ["assessment_s17"],
            "threshold_level": "3",
            "rationale": "Assess",
            "next_steps": "Visit",
            "exception_reason": "The hub holds enough to decide",
            "unanswered_confirmed": "on",  # the GP has not answered: the manager decides anyway
        },
    ),
    # agency requests: researchers see their own agency's requests, minimum identifying details only
    "web:request_inbox": Row(
        "GET",
        "/requests/",
        at_any("researcher"),
        denied=403,
        personal=frozenset({"researcher@health-gp"}),
        # minimum identifying details (NHS number included) of the child and the household adults (issue 5)
        shows={"nhs": frozenset({"researcher@health-gp"}), "adult": frozenset({"researcher@health-gp"})},
    ),
    "web:request_detail": Row(
        "GET",
        "/requests/{request_gp}/",
        HUB | {"researcher@health-gp"},
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")},
        shows={k: HUB | {"researcher@health-gp"} for k in ("nhs", "adult", "item")}
        | {"item_draft": frozenset({"researcher@health-gp"})},
    ),
    # the secure room (issue 7): the GP's researchers add items, decide with "Can I share this?" and release them
    # (the action check comes first: 403 for every other role; other agencies' researchers find nothing, 404); the
    # hub asks for an item's release (the GP's own researchers release it instead: 409); every agency's
    # researchers list their release requests
    "sharing:item_new": Row(
        "GET",
        "/requests/{request_gp}/items/new/",
        frozenset({"researcher@health-gp"}),
        denied=403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")},
    ),
    "sharing:helper": Row(
        "GET",
        "/items/{item_draft}/decide/purpose/",
        frozenset({"researcher@health-gp"}),
        denied=403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")},
        shows={"item_draft": frozenset({"researcher@health-gp"})},
    ),
    "sharing:item_release": Row(
        "GET",
        "/items/{item_shared}/release/",
        frozenset({"researcher@health-gp"}),
        denied=403,
        denied_overrides={f"researcher@{a}": 404 for a in ("mash", "police", "school-oak")},
        shows={"item": frozenset({"researcher@health-gp"})},
    ),
    "sharing:release_request": Row(
        "POST",
        "/items/{item_shared}/release-request/",
        HUB,
        302,
        404,
        denied_overrides={"researcher@health-gp": 409},
        data={"back": "/enquiries/"},
    ),
    # at allocation, ask one agency to release every item the MASH pack withholds (the decided contact has none
    # withheld: the hub is sent back to the allocation page with "nothing to ask"; nothing is written)
    "sharing:pack_release_requests": Row(
        "POST",
        "/packs/{decided}/release-requests/",
        HUB,
        302,
        403,
        personal=False,
        writes=False,
        data={"agency": "health-gp"},
    ),
    "sharing:release_requests": Row(
        "GET", "/release-requests/", at_any("researcher"), denied=403, personal=frozenset({"researcher@health-gp"})
    ),
    # the early help service's hand-overs. The shared data holds none yet: the detail row asks for a record that
    # does not exist (a 404 for everyone allowed to look); give it a real hand-over when the data grows.
    # (only the early help service's members have the inbox; the matrix's agencies have no early help service)
    "web:early_help_inbox": Row("GET", "/early-help/", frozenset(), denied=403, personal=frozenset()),
    "web:early_help_detail": Row("GET", "/early-help/{missing}/", frozenset(), denied=404),
    # pattern flags (issue 8): hub only. The flag's list and the watch-list: 403 for everyone else; a flag and its
    # decisions: 404 (answered like a missing flag). A sealed event's words on the flag: the sealed roles only
    # (default MASH managers). Dismissing changes the flag's status (no new row); watching starts a watch.
    "patterns:flag_list": Row("GET", "/flags/", HUB, denied=403),
    "patterns:flag_detail": Row("GET", "/flags/{flag}/", HUB, shows={"sealed": MANAGER}),
    "patterns:flag_accept": Row("GET", "/flags/{flag}/accept/", HUB),
    "patterns:flag_dismiss": Row(
        "POST", "/flags/{flag}/dismiss/", HUB, 302, 404, writes=False, data={"version": 1, "reason": "Known to children's services already"}
    ),
    "patterns:flag_watch": Row("POST", "/flags/{flag}/watch/", HUB, 302, 404, data={"version": 1, "days": "30"}),
    # suggesting early help: no early help service in the matrix's partnership, so the hub is told (200, no write)
    "patterns:flag_early_help": Row(
        "POST",
        "/flags/{flag}/early-help/",
        HUB,
        200,
        404,
        writes=False,
        data={"version": 1},
        shows={"sealed": MANAGER},  # the flag page again, with the error
    ),
    "patterns:watch_list": Row("GET", "/watch-list/", HUB, denied=403, personal=frozenset()),
    # people
    "web:person_search": Row("GET", "/people/search/", PROFESSIONAL, denied=403, personal=False),
    "web:person_detail": Row(
        "GET",
        "/people/{child}/",
        HUB | {ALLOCATED} | RESEARCHERS_ASKED,  # not the recorder: recording a contact is no basis (fault 2)
        shows={"nhs": HUB | {ALLOCATED} | RESEARCHERS_ASKED, "sealed": HUB}
        | {k: HUB | {ALLOCATED} for k in ("address", "adult")},
        # the child is in an open enquiry and allocated: a researcher's view tells the hub and the worker (NT-1)
        notifies=dict.fromkeys(RESEARCHERS_ASKED, NOTICE_TABLES),
    ),
    # the person's details as CSV and PDF (issue 7, field-level access as data): exactly what the page shows
    "web:person_record_csv": Row(
        "GET",
        "/people/{child}/record.csv",
        HUB | {ALLOCATED} | RESEARCHERS_ASKED,
        shows={"nhs": HUB | {ALLOCATED} | RESEARCHERS_ASKED} | {k: HUB | {ALLOCATED} for k in ("address", "adult")},
        notifies=dict.fromkeys(RESEARCHERS_ASKED, NOTICE_TABLES),
    ),
    "web:person_record_pdf": Row(
        "GET",
        "/people/{child}/record.pdf",
        HUB | {ALLOCATED} | RESEARCHERS_ASKED,
        shows={"nhs": HUB | {ALLOCATED} | RESEARCHERS_ASKED} | {k: HUB | {ALLOCATED} for k in ("address", "adult")},
        notifies=dict.fromkeys(RESEARCHERS_ASKED, NOTICE_TABLES),
    ),
    # recording a child protection plan / looked-after status (issue 7): children's social care (a MASH manager, the
    # allocated worker); others who may open the child lack the action (403), the rest find nothing (404)
    "web:person_statuses": Row(
        "GET",
        "/people/{child}/statuses/",
        MANAGER | {ALLOCATED},
        denied_overrides=dict.fromkeys(("screener@mash", *RESEARCHERS_ASKED), 403),
    ),
    # the merged chronology (issue 6, "The picture"): the hub and the allocated worker; sealed entries stay in the
    # hub (access.policy.chronology_sensitivities). Researchers who may open the child's minimum details get 404.
    "web:person_chronology": Row("GET", "/people/{child}/chronology/", HUB | {ALLOCATED}, shows={"sealed": HUB}),
    "web:person_chronology_pdf": Row("GET", "/people/{child}/chronology.pdf", HUB | {ALLOCATED}, shows={"sealed": HUB}),
    # the household's: the adult named in the child's household (and their standard entries) for both; the
    # adult's sensitive history for the hub only
    "web:household_chronology": Row(
        "GET",
        "/people/{child}/household/chronology/",
        HUB | {ALLOCATED},
        shows={"sealed": HUB, "adult": HUB | {ALLOCATED}, "adult_history": HUB},
    ),
    # the family network: the people around the child and entry counts (no entry text: no sealed or adult canary)
    "web:family_network": Row("GET", "/people/{child}/network/", HUB | {ALLOCATED}, shows={"adult": HUB | {ALLOCATED}}),
    "web:household_chronology_pdf": Row(
        "GET",
        "/people/{child}/household/chronology.pdf",
        HUB | {ALLOCATED},
        shows={"sealed": HUB, "adult": HUB | {ALLOCATED}, "adult_history": HUB},
    ),
    # casework: case notes and strategy discussions are the hub's; the MASH pack goes to the allocated worker
    "casework:note_add": Row("GET", "/contacts/{contact_a}/notes/new/", HUB, denied=403),
    "casework:strategy_new": Row("GET", "/contacts/{contact_a}/strategy-discussion/new/", HUB, denied=403),
    "casework:allocate": Row("GET", "/contacts/{decided}/allocate/", MANAGER, denied=403),
    # the allocated worker acknowledges a contact passed to them (ADR 0008): other social workers find nothing (404),
    # every other role lacks the action (403)
    "casework:routed_contact_acknowledge": Row(
        "POST",
        "/contacts/{routed}/acknowledge/",
        frozenset({ALLOCATED}),
        302,
        403,
        denied_overrides={a: 404 for a in at_any("social_worker") - {ALLOCATED}},
    ),
    "casework:pack_list": Row("GET", "/packs/", HUB | at_any("social_worker"), denied=403, personal=HUB | {ALLOCATED}),
    "casework:pack": Row("GET", "/packs/{decided}/", HUB | {ALLOCATED}),
    # the pack's agency answers as a PDF (issue 7): the same readers and items as the pack page
    "sharing:pack_answers_pdf": Row("GET", "/packs/{decided}/answers.pdf", HUB | {ALLOCATED}),
    "casework:allocation_close": Row(
        "POST",
        "/packs/{decided}/allocations/{allocation}/close/",
        frozenset({"manager@mash", ALLOCATED}),
        302,
        403,  # without "allocation.close"; a social worker or a manager outside the hub: not theirs to close (404)
        denied_overrides={a: 404 for a in at_any("social_worker", "manager") - {"manager@mash", ALLOCATED}},
        data={"reason": "The family moved away"},
    ),
    # matching (issue 6): the review queue and a link side by side are the hub's screeners' and managers' (the
    # action check comes first: 403 for everyone else); separating merged people is for hub managers only
    "matching:queue": Row("GET", "/matching/", HUB, denied=403),
    "matching:link_detail": Row("GET", "/matching/links/{link}/", HUB, denied=403),
    "matching:person_separate": Row("GET", "/matching/people/{merged}/separate/", MANAGER, denied=403),
    # partnership configuration (the partnership admin's only) and the audit trail
    "partnership:settings": Row("GET", "/partnership/", at_any("partnership_admin"), denied=403, personal=False),
    "partnership:users": Row("GET", "/partnership/users/", at_any("partnership_admin"), denied=403),
    "partnership:user_new": Row(
        "GET", "/partnership/users/new/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "partnership:user_detail": Row("GET", "/partnership/users/{user}/", at_any("partnership_admin"), denied=403),
    "partnership:user_deactivate": Row(
        "GET", "/partnership/users/{user}/deactivate/", at_any("partnership_admin"), denied=403
    ),
    # dual control of role grants (issue 6 security review, fault 1): another admin, or a MASH manager, approves
    "partnership:approvals": Row("GET", "/partnership/approvals/", at_any("partnership_admin", "manager"), denied=403),
    "partnership:agencies": Row(
        "GET", "/partnership/agencies/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "partnership:agency_detail": Row(
        "GET", "/partnership/agencies/police/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "partnership:agency_deactivate": Row(
        "GET", "/partnership/agencies/police/deactivate/", at_any("partnership_admin"), denied=403, personal=False
    ),
    # information-sharing agreements (ADR 0016): the hub's screeners and managers, the partnership admin and the
    # privacy officer read the list (no personal data); only the partnership admin adds, changes and ends
    "partnership:agreements": Row(
        "GET",
        "/partnership/agreements/",
        HUB | at_any("partnership_admin", "privacy_officer"),
        denied=403,
        personal=False,
    ),
    "partnership:agreement_new": Row(
        "GET", "/partnership/agreements/new/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "partnership:agreement_edit": Row(
        "GET", "/partnership/agreements/{agreement}/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "partnership:agreement_end": Row(
        "GET", "/partnership/agreements/{agreement}/end/", at_any("partnership_admin"), denied=403, personal=False
    ),
    # agency data feeds: the partnership admin imports extracts and keeps feed mappings (the pages show row numbers,
    # fields, reasons and counts, never a value from a file); the batch and mapping rows ask for ones that exist
    "feeds:imports": Row("GET", "/partnership/imports/", at_any("partnership_admin"), denied=403, personal=False),
    "feeds:import_detail": Row(
        "GET", "/partnership/imports/{batch}/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "feeds:import_progress": Row(
        "GET", "/partnership/imports/{batch}/progress/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "feeds:import_report": Row(
        "GET", "/partnership/imports/{batch}/report.csv", at_any("partnership_admin"), denied=403, personal=False
    ),
    "feeds:mappings": Row("GET", "/partnership/feeds/", at_any("partnership_admin"), denied=403, personal=False),
    "feeds:mapping_detail": Row(
        "GET", "/partnership/feeds/matrix-feed/", at_any("partnership_admin"), denied=403, personal=False
    ),
    # a feed mapping change and its diff, waiting for a second partnership admin (ADR 0019)
    "feeds:mapping_change": Row(
        "GET", "/partnership/feeds/changes/{feed_change}/", at_any("partnership_admin"), denied=403, personal=False
    ),
    # the one-time set-password link: open to anyone (a wrong or used link says "this link has expired")
    "setpassword:confirm": Row(
        "GET",
        "/account/set-password/MQ/not-a-token/",
        SIGNED_IN,
        personal=False,
        signed_out=200,
        deactivated_agency=200,
    ),
    # API tokens: the partnership admin lists and revokes them (issue 5, fault 3)
    "accounts:token_list": Row("GET", "/admin/tokens/", at_any("partnership_admin"), denied=403),
    "accounts:token_revoke": Row("GET", "/admin/tokens/{token}/revoke/", at_any("partnership_admin"), denied=403),
    # the auditor sees who did what to which record, records named (people by name, contacts by reference)
    "audit:trail": Row("GET", "/audit/", AUDITORS, denied=403, shows={k: AUDITORS for k in ("adult", "other_child")}),
    "audit:export": Row(
        "GET", "/audit/export.csv", AUDITORS, denied=403, shows={k: AUDITORS for k in ("adult", "other_child")}
    ),
}

# Oversight of who looked (issue 7): break-glass for those who may search but have no basis (never the hub, admins,
# auditors or the privacy officer); the privacy officer's queue, report and subject access export; who has seen a
# child's record for the MASH managers and the privacy officer.
BREAK_GLASS_USERS = at_any("referrer", "researcher", "social_worker")
PRIVACY = at_any("privacy_officer")
ROWS |= {
    # step-up authentication (ASVS 7.5.3): anyone signed in may confirm their password
    "stepup:confirm": Row("GET", "/account/step-up/", SIGNED_IN, personal=False),
    # a key-only user's second screen: without the password confirmed first, 400 for everyone (nothing written)
    "stepup:key_options": Row(
        "POST", "/account/step-up/security-key/options/", SIGNED_IN, 400, personal=False, writes=False
    ),
    "stepup:key": Row("POST", "/account/step-up/security-key/", SIGNED_IN, 400, personal=False, writes=False),
    # nothing chosen from a search yet: back to search (no record, no personal data)
    "oversight:break_glass": Row("GET", "/emergency-access/", BREAK_GLASS_USERS, 302, 403, personal=False),
    # ending one that does not exist: as missing for everyone
    "oversight:break_glass_end": Row("POST", "/emergency-access/{missing}/end/", frozenset(), denied=404),
    "oversight:access_notice": Row("GET", "/access-notices/{missing}/", frozenset(), denied=404),
    "oversight:person_access_history": Row("GET", "/people/{child}/seen-by/", MANAGER | PRIVACY, denied=403),
    "oversight:review_queue": Row("GET", "/privacy/", PRIVACY, denied=403, personal=frozenset()),
    "oversight:alert_detail": Row(
        "GET", "/privacy/alerts/{missing}/", frozenset(), denied=403, denied_overrides=dict.fromkeys(PRIVACY, 404)
    ),
    "oversight:report": Row("GET", "/privacy/views-without-involvement/", PRIVACY, denied=403),
    "oversight:report_export": Row("GET", "/privacy/views-without-involvement.csv", PRIVACY, denied=403),
    "oversight:subject_access": Row("GET", "/privacy/subject-access/", PRIVACY, denied=403, personal=False),
    # break-glass uses by period with their outcome (names the staff who broke glass, never the child): audited
    "oversight:uses_report": Row("GET", "/privacy/break-glass-uses/", PRIVACY, denied=403),
    "oversight:uses_report_export": Row("GET", "/privacy/break-glass-uses.csv", PRIVACY, denied=403),
}

# Disparity monitoring of flags (issue 8; patterns.disparity): aggregate figures with small numbers suppressed, for the
# partnership's oversight roles: the MASH manager, the partnership admin and the auditor. Every view and download is
# audited as a report reading (personal=True asserts the read event), and no canary can appear (no child is named).
DISPARITY = MANAGER | at_any("partnership_admin", "auditor")
ROWS |= {
    "patterns_disparity:disparity": Row("GET", "/reports/flag-disparity/", DISPARITY, denied=403),
    "patterns_disparity:disparity_export": Row("GET", "/reports/flag-disparity.csv", DISPARITY, denied=403),
}

# The partnership's pattern rules (issue 8; patterns.views_rules): partnership data, no personal data (parameters and
# plain-English descriptions), so no read event is required. Read and downloaded by the partnership admin (any agency)
# and the MASH manager (hub only); changed by the partnership admin; 403 for everyone else (the rule exists for them
# too: a rule is not a record whose existence must be hidden). Opening the change form writes nothing.
RULE_READERS = MANAGER | at_any("partnership_admin")
ROWS |= {
    "patterns:rule_list": Row("GET", "/pattern-rules/", RULE_READERS, denied=403, personal=False),
    "patterns:rule_detail": Row("GET", "/pattern-rules/repeat_contacts/", RULE_READERS, denied=403, personal=False),
    "patterns:rule_change": Row(
        "GET", "/pattern-rules/repeat_contacts/change/", at_any("partnership_admin"), denied=403, personal=False
    ),
    "patterns:rules_download": Row("GET", "/pattern-rules.yaml", RULE_READERS, denied=403, personal=False),
}

# Secure messages on the enquiry (issue 7, ADR 0017): the hub, the researchers of the agencies asked (the GP's request
# is open, the police answered within the partnership's window) and the allocated worker; everyone else finds nothing
THREAD = HUB | RESEARCHERS_ASKED | {ALLOCATED}
ROWS |= {
    "messaging:thread": Row("GET", "/enquiries/{enquiry}/messages/", THREAD, shows={"message": THREAD}),
    "messaging:attachment": Row(
        "GET", "/enquiries/{enquiry}/messages/attachments/{attachment}/", THREAD, shows={"attachment": THREAD}
    ),
}

# Cells where the product is known to be wrong today: {(route, actor): reason}. Strict xfail, so fixing the bug
# makes the cell fail here until its entry is removed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}

READ_ACTIONS = ("view", "list", "search", "search_result", "export")


def page_routes():
    return [r for r in all_routes() if not r.is_api]


# --- the shared data, built once per module --------------------------------------------------------------------


def _build_world() -> dict:
    from openmash.access.actor import actor_for_user
    from openmash.accounts.mfa import totp_device_ensure
    from openmash.accounts.models import Agency, User
    from openmash.accounts.services import agency_create, token_create, user_create
    from openmash.partnership.services import partnership_defaults_ensure
    from tests.support import allocation_open, contact_record, decide, requests_send, respond, screen, subject_person

    partnership_defaults_ensure()
    for code, name, atype, src, hub, hs in AGENCIES:
        agency_create(code=code, name=name, agency_type=atype, source_code=src, is_hub=hub, health_service=hs)

    def actor(role, agency, name):
        user = user_create(username=name, password="x", agency_code=agency, role=role, check_password=False)
        totp_device_ensure(user)  # enrolled: a colleague who can sign in and work (access.actor.can_sign_in_q)
        return actor_for_user(user)

    users = {}
    for key in ACTORS:
        if "@" in key and "(" not in key:
            role, agency = key.split("@")
            users[key] = actor(role, agency, f"web-{role}-{agency}").user
    recorder = actor("referrer", "police", "web-recorder")
    worker = actor("social_worker", "mash", "web-allocated-worker")
    users[RECORDER], users[ALLOCATED] = recorder.user, worker.user
    users[DEACTIVATED_USER] = actor("screener", "mash", "web-deactivated-user").user
    users[DEACTIVATED_AGENCY] = actor("referrer", "probation", "web-deactivated-agency").user
    User.objects.filter(pk=users[DEACTIVATED_USER].pk).update(is_active=False)
    Agency.objects.filter(code="probation").update(active=False)

    setup_screener = actor("screener", "mash", "web-setup-screener")
    police_researcher = actor("researcher", "police", "web-setup-researcher")
    child = {
        "forename": "Zelda",
        "surname": "Quixleycanary",
        "date_of_birth": "2017-03-14",
        "sex": "F",
        "identifiers": [{"type": "nhs_number", "value": CANARY_NHS}],
        "address": {"line1": CANARIES["address"][0], "town": "Exampleton", "postcode": "EX9 9ZZ"},
    }
    adult = {
        "forename": "Quentin",
        "surname": CANARIES["adult"][0],
        "date_of_birth": "1985-05-05",
        "sex": "M",
        "role": "alleged_perpetrator",
    }
    contact_a = contact_record(recorder, subjects=[child], household=[adult], narrative=CANARIES["narrative"][0])
    other = {"forename": "Yannick", "surname": CANARIES["other_child"][0], "date_of_birth": "2016-06-16"}
    contact_b = contact_record(recorder, subjects=[other], household=[], narrative=CANARIES["narrative"][0])
    screen(setup_screener, contact_a, outcome="mash_enquiry", rag="amber", rationale=CANARIES["rationale"][0])
    contact_a.refresh_from_db()
    enquiry = contact_a.enquiry
    request_gp, request_police = requests_send(setup_screener, enquiry, "health-gp", "police")
    respond(police_researcher, request_police, summary=CANARIES["response"][0])
    # the secure room (issue 7): the GP shares one item into the hub (not released) and keeps a draft; the hub asks
    # for the shared one's release
    from openmash.sharing.services import release_request_create
    from tests.support import item_give

    gp_researcher = actor("researcher", "health-gp", "web-setup-gp")
    item_shared = item_give(gp_researcher, request_gp, CANARIES["item"][0])
    item_draft = item_give(gp_researcher, request_gp, CANARIES["item_draft"][0], decision=None)
    release_request_create(actor=setup_screener, item_id=item_shared.pk)
    # secure messaging (issue 7): the GP sends a message with a text file on the enquiry's thread
    from openmash.messaging.services import message_post

    sent = message_post(
        actor=gp_researcher,
        enquiry_id=enquiry.pk,
        body=CANARIES["message"][0],
        files=[("attendance.txt", CANARIES["attachment"][0].encode())],
    )
    attachment = sent.attachments.get()
    person = subject_person(contact_a)
    allocation_open(person, worker)
    # a later contact about the allocated child, passed straight to the worker (status with_allocated_worker)
    routed = contact_record(
        recorder, subjects=[{"person_id": str(person.pk)}], household=[], narrative="Seen again at the school gate"
    )
    assert routed.status == "with_allocated_worker"
    from openmash.people.models import ChronologyEntry

    household_adult = contact_a.people.get(role="alleged_perpetrator").person
    for who, summary, sensitivity in (
        (person, CANARIES["sealed"][0], "sealed"),
        (household_adult, CANARIES["adult_history"][0], "sensitive"),
    ):
        ChronologyEntry.objects.create(
            person=who,
            occurred_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
            kind="event",
            agency=Agency.objects.get(code="police"),
            summary=summary,
            object_type="feeds.importbatch",
            object_id="0",
            source="matrix-feed",
            external_id=f"matrix-{sensitivity}",
            event_kind="sexual_health" if sensitivity == "sealed" else "offending",
            sensitivity=sensitivity,
        )
    # a pattern flag on the child (issue 8): three agencies' events, the GP's sealed, its words the sealed canary
    from openmash.patterns.tests.flagfactory import EVENTS, flag_make

    sealed_event = ("health-gp", dt.date(2026, 1, 5), "sexual_harm", "Clinic", CANARIES["sealed"][0], "sealed")
    flag = flag_make(person, [EVENTS[0], EVENTS[1], sealed_event])
    token, _raw = token_create(username=recorder.user.username)
    # a decided contact (no canaries) whose child is allocated to the worker: the MASH pack and its allocation
    manager = actor("manager", "mash", "web-setup-manager")
    decided = contact_record(
        recorder, subjects=[{"forename": "Wendy", "surname": "Plainpack", "date_of_birth": "2015-01-01"}]
    )
    screen(setup_screener, decided, outcome="mash_enquiry", rag="amber")
    decided.refresh_from_db()
    decide(manager, decided.enquiry)
    allocation = allocation_open(subject_person(decided), worker)
    link_b = contact_b.people.get(role="subject")
    # matching: a pair of agency records proposed as the same person; two joined by their NHS number
    from openmash.people import linking
    from openmash.people.models import RecordLink

    def record(agency, local_id, **details):
        return linking.record_create(
            actor=None, agency=Agency.objects.get(code=agency), local_id=local_id, details=details
        )[0]

    left = record("police", "M1", given_name="Pat", family_name="Proposed", date_of_birth=dt.date(2014, 4, 4))
    right = record("health-gp", "M2", given_name="Patt", family_name="Proposed", date_of_birth=dt.date(2014, 4, 4))
    proposed = linking.link_propose(actor=None, record_a_id=left.pk, record_b_id=right.pk, match_probability=0.8)
    joined_nhs = nhs_number(random.Random(77))
    record(
        "police", "J1", given_name="Jo", family_name="Joined", nhs_number=joined_nhs, date_of_birth=dt.date(2013, 3, 3)
    )
    merged = record(
        "school-oak",
        "J2",
        given_name="Joe",
        family_name="Joined",
        nhs_number=joined_nhs,
        date_of_birth=dt.date(2013, 3, 3),
    ).origin_person
    assert RecordLink.objects.filter(valid_to__isnull=True, state="confirmed").count() == 1
    from openmash.feeds.models import FeedMapping, ImportBatch

    batch = ImportBatch.objects.create(
        feed_code="standard", agency_id=users[RECORDER].memberships.get().agency_id, file_name="x.csv"
    )
    feed_mapping = FeedMapping.objects.create(
        code="matrix-feed", name="Matrix", source_text="code: matrix-feed", definition={}
    )
    from openmash.feeds.models import FeedMappingChange

    feed_change = FeedMappingChange.objects.create(
        code="matrix-feed",
        mapping=feed_mapping,
        source_text="code: matrix-feed\nname: Changed",
        base_text=feed_mapping.source_text,
        base_updated_at=feed_mapping.updated_at,
        requested_by=users[RECORDER],
    )
    from openmash.sharing.models import SharingAgreement

    agreement = SharingAgreement.objects.create(
        title="Matrix agreement",
        categories=["health"],
        lawful_bases=["art6_1e"],
        starts_on=dt.date(2026, 1, 1),
        document_reference="ISA/1",
        status="active",
        recorded_by=users[RECORDER],
    )
    return {
        "users": users,
        "ids": {
            "contact_a": contact_a.pk,
            "contact_b": contact_b.pk,
            "enquiry": enquiry.pk,
            "request_gp": request_gp.pk,
            "child": person.pk,
            "token": token.pk,
            "decided": decided.pk,
            "routed": routed.pk,
            "allocation": allocation.pk,
            "link_b": link_b.pk,
            "link": proposed.pk,
            "merged": merged.pk,
            "batch": batch.pk,
            "feed_change": feed_change.pk,
            "agreement": agreement.pk,
            "user": recorder.user.pk,
            "item_shared": item_shared.pk,
            "item_draft": item_draft.pk,
            "attachment": attachment.pk,
            "flag": flag.pk,
            "missing": uuid.uuid4(),
        },
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


def _counts() -> dict[str, int]:
    """Rows in every table a page could write to, audit rows apart."""
    from tests.support import counted_models

    return {m._meta.label: m.objects.count() for m in counted_models() if m._meta.label != "audit.AuditEvent"}


def _client(world, actor: str) -> Client:
    client = Client()
    if actor != ANONYMOUS:
        client.force_login(world["users"][actor])
    return client


def _request(client: Client, row: Row, url: str):
    if row.method == "GET":
        return client.get(url)
    return client.post(url, row.data)


def _named_record(row: Row, world) -> str | None:
    for key, value in world["ids"].items():
        if "{" + key + "}" in row.url and key != "missing":
            return str(value)
    return None


def _cell_params():
    for name in ROWS:
        for actor in ACTORS:
            marks = (
                [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name, actor])] if (name, actor) in KNOWN_BUGS else []
            )
            yield pytest.param(name, actor, marks=marks, id=f"{name} | {actor}")


@pytest.mark.parametrize(("name", "actor"), list(_cell_params()))
def test_web_matrix_cell(world, db, name, actor):
    from openmash.audit.models import AuditEvent

    row = ROWS[name]
    url = row.url.format(**world["ids"])
    client = _client(world, actor)
    before = _counts()
    r = _request(client, row, url)
    expected = row.expected(actor)
    assert r.status_code == expected, f"{actor}: {row.method} {url} -> {r.status_code}, expected {expected}"
    text = _text(r)
    events = AuditEvent.objects.filter(request_id=r["X-Request-Id"])
    if actor in SIGNED_OUT and expected == 302:
        assert r["Location"].startswith("/login/"), r["Location"]

    allowed = actor in row.allowed and expected == row.status
    if not allowed:
        leaked = [kind for kind, values in CANARIES.items() if any(v in text for v in values)]
        assert not leaked, f"denied answer to {actor} leaks {leaked}"
        assert _counts() == before, f"denied request by {actor} wrote rows"
        if expected != 403:  # a 403 may follow a read the actor was entitled to (the hub opening the enquiry)
            assert not events.exclude(action="deny").exists(), "a denied request wrote audit events other than deny"
        record = _named_record(row, world)
        if expected == 403 or (expected == 404 and record):  # a missing record: nothing to protect, no event
            deny = events.filter(action="deny")
            assert deny.exists(), f"denied {row.method} {url} by {actor} was not audited"
            if record:
                assert deny.filter(object_id=record).exists(), "the deny event does not name the record"
            if expected == 404:  # forbidden = missing: the same page as for a record that does not exist
                twin = _request(client, row, _missing_twin(url))
                assert twin.status_code == 404
        return

    for kind, values in CANARIES.items():
        if actor not in row.shows.get(kind, frozenset()):
            assert not any(v in text for v in values), f"{actor} sees '{kind}' on {name}"
    if row.method == "GET" or not row.writes:
        after, allowed_tables = _counts(), row.notifies.get(actor, frozenset())
        if allowed_tables:
            assert any(after[t] > before[t] for t in allowed_tables), f"{actor} opened {name}: no access notice"
        unchanged = {k: v for k, v in after.items() if k not in allowed_tables}
        assert unchanged == {k: v for k, v in before.items() if k not in allowed_tables}, (
            f"{row.method} {name} as {actor} wrote rows other than audit"
        )
    else:
        assert _counts() != before, f"allowed {row.method} {url} by {actor} wrote nothing"
    audited = row.personal if isinstance(row.personal, frozenset) else (row.allowed if row.personal else frozenset())
    if actor in audited and row.method == "GET":
        assert events.filter(action__in=READ_ACTIONS).exists(), f"{actor} read {name} without an audit event"


def _text(r) -> str:
    """The answer's text: a PDF's extracted text (so the canary checks read what the PDF shows), else the body."""
    body = b"".join(r.streaming_content) if r.streaming else r.content
    if r.get("Content-Type", "").startswith("application/pdf"):
        import io

        from pypdf import PdfReader

        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())
    return body.decode()


def _missing_twin(url: str) -> str:
    parts = url.split("/")
    for i, part in enumerate(parts):
        try:
            uuid.UUID(part)
        except ValueError:
            continue
        parts[i] = str(uuid.uuid4())
        return "/".join(parts)
    raise AssertionError(f"no id in {url}")


# --- completeness --------------------------------------------------------------------------------------------


def test_every_page_route_has_a_row():
    """A page route without a row here fails (and so does a row for a route that no longer exists)."""
    routes = {r.name for r in page_routes()}
    assert routes == set(ROWS), {
        "routes without a row": sorted(routes - set(ROWS)),
        "rows for routes that no longer exist": sorted(set(ROWS) - routes),
    }


def test_every_row_requests_its_own_route():
    from django.urls import resolve

    keys = (
        "contact_a",
        "contact_b",
        "enquiry",
        "request_gp",
        "child",
        "token",
        "decided",
        "routed",
        "allocation",
        "link_b",
        "batch",
        "feed_change",
        "link",
        "merged",
        "item_shared",
        "item_draft",
        "agreement",
        "attachment",
        "flag",
    )
    ids = {k: uuid.uuid4() for k in (*keys, "missing")} | {"user": 1}
    for name, row in ROWS.items():
        assert resolve(row.url.format(**ids).split("?", 1)[0]).view_name == name, name


def test_every_record_keyword_is_known_to_the_denial_audit():
    """A route naming a record by a keyword the denial audit does not know would deny without a trace."""
    from openmash.audit.middleware import NOT_RECORD_KWARGS, RECORD_KWARGS

    for route in all_routes():
        for kwarg in route.kwargs:
            known = kwarg in RECORD_KWARGS or kwarg in NOT_RECORD_KWARGS
            assert known, f"{route.name}: add {kwarg} to openmash.audit.middleware.RECORD_KWARGS"


def test_the_matrix_covers_every_role_at_every_agency_and_the_special_actors():
    from openmash.accounts.choices import Role

    assert set(ROLES) == set(Role.values)
    assert len(ACTORS) == len(ROLES) * len(MATRIX_AGENCIES) + 5
