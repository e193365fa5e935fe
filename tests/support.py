"""Helpers shared by the test suites (not fixtures): build workflow states through the services, count rows.

Set-up data is made through the services, as the product makes it. The only exception is `allocation_open`:
no service allocates a worker yet (allocation arrives with case management), so it writes the row directly.
"""

from __future__ import annotations

import random
import secrets

from django.utils import timezone

from conftest import contact_payload
from openmash.people.identifiers import nhs_number_check_digit


def nhs_number(rng: random.Random | None = None) -> str:
    """A random valid NHS number in the 999 test range (never issued)."""
    rng = rng or random.Random()
    while True:
        first9 = "999" + "".join(rng.choice("0123456789") for _ in range(6))
        check = nhs_number_check_digit(first9)
        if check is not None:
            return first9 + str(check)


def child(forename="Amelia", surname="Testchild", dob="2018-04-02", nhs=None, **extra) -> dict:
    """A subject child for contact_payload(subjects=[...])."""
    data = {
        "forename": forename,
        "surname": surname,
        "date_of_birth": dob,
        "sex": "F",
        "ethnicity": "WBRI",
        "identifiers": [{"type": "nhs_number", "value": nhs}] if nhs else [],
        "address": {"line1": "1 High Street", "town": "Exampleton", "postcode": "EX1 1AA"},
    }
    data.update(extra)
    return data


def payload(**overrides) -> dict:
    """contact_payload with a fresh valid NHS number unless subjects are given."""
    overrides.setdefault("subjects", [child(nhs=nhs_number())])
    return contact_payload(**overrides)


def contact_record(actor, **overrides):
    from openmash.contacts.services import contact_create

    contact, _ = contact_create(actor=actor, data=payload(**overrides))
    return contact


def screen(
    actor, contact, outcome="mash_enquiry", rag="amber", rationale="Needs multi-agency checks", exception_reason=""
):
    from openmash.enquiries.services import screening_record

    return screening_record(
        actor=actor,
        contact_id=contact.pk,
        outcome=outcome,
        rationale=rationale,
        rag=rag if outcome == "mash_enquiry" else "",
        exception_reason=exception_reason,
    )


def enquiry_open(*, referrer, screener, rag="amber", exception_reason="", **overrides):
    """Record a contact and screen it into a MASH enquiry. Returns the enquiry. `exception_reason`: needed for an
    immediate-risk contact rated green (enquiries.services.immediate_risk_rating_check)."""
    contact = contact_record(referrer, **overrides)
    screen(screener, contact, rag=rag, exception_reason=exception_reason)
    contact.refresh_from_db()
    return contact.enquiry


def requests_send(screener, enquiry, *codes, question="What do you know about this family?"):
    from openmash.enquiries.services import agency_requests_create

    return agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=list(codes), question=question)


def respond(researcher, request, summary="Known to the practice; two missed appointments", **kwargs):
    from openmash.enquiries.services import agency_response_record

    kwargs.setdefault("no_information", False)
    return agency_response_record(actor=researcher, request_id=request.pk, summary=summary, **kwargs)


NO_CHECKS_REASON = "Decided on what the hub already holds"


def decide(
    manager,
    enquiry,
    outcomes=("assessment_s17",),
    threshold_level=3,
    rationale="Needs an assessment",
    exception_reason=NO_CHECKS_REASON,
    children=None,
    unanswered_confirmed=True,
):
    """Decide through the service. The default exception_reason covers the many set-ups that decide without
    asking an agency first (a decision with no agency asked needs a reason); pass "" to test the rule itself.
    unanswered_confirmed (default True) confirms deciding while agencies have not answered; pass False to test it."""
    from openmash.enquiries.services import enquiry_decide

    return enquiry_decide(
        actor=manager,
        enquiry_id=enquiry.pk,
        outcomes=list(outcomes),
        threshold_level=threshold_level,
        rationale=rationale,
        exception_reason=exception_reason,
        children=children,
        unanswered_confirmed=unanswered_confirmed,
    )


#: A complete decision to share an item into the hub (or release it): public task, consent not sought because
#: seeking it would put the child at risk, with the special-category and Part 3 conditions (ignored where not needed).
SHARE = {
    "outcome": "share",
    "purpose": "protect_child",
    "lawful_basis": "public_task",
    "special_condition": "sch1_para18",
    "part3_condition": "sch8_para4",
    "consent": "not_sought",
    "consent_not_sought_reason": "risk_to_child",
    "necessity_note": "The pattern of attendances bears on the risk to the child",
}
REFUSE = {"outcome": "do_not_share", "refusal_reason": "third_party_risk"}


def item_give(researcher, request, text, *, sensitivity="standard", category="", decision=SHARE, **grading):
    """Add an item to an agency's answer through the service, with its sharing decision (None: a draft)."""
    from openmash.sharing.services import item_add

    item = {"text": text, "sensitivity": sensitivity, "category": category, **grading}
    return item_add(actor=researcher, request_id=request.pk, item=item, decision=decision)


def item_release(researcher, item, decision=SHARE):
    """Release an item out of the hub through the service (decision REFUSE: refuse the release)."""
    from openmash.sharing.services import item_release as release

    return release(actor=researcher, item_id=item.pk, decision=decision)


def subject_person(contact):
    return contact.people.get(role="subject").person


def allocation_open(person, worker_actor):
    """Allocate a child to a social worker (no service exists for this yet)."""
    from openmash.enquiries.models import CaseAllocation

    return CaseAllocation.objects.create(
        person=person, agency=worker_actor.agency, worker=worker_actor.user, opened_at=timezone.now()
    )


def counted_models():
    """Every table a request could write to."""
    from openmash.audit.models import AuditEvent
    from openmash.casework.models import CaseNote, StrategyAction, StrategyAttendee, StrategyDiscussion
    from openmash.contacts.models import Contact, ContactPerson
    from openmash.enquiries.models import (
        AgencyRequest,
        AgencyResponse,
        AgencyResponseRevision,
        CaseAllocation,
        Decision,
        DecisionChild,
        EarlyHelpRequest,
        Enquiry,
        Notification,
        RagChange,
        Referral,
        Screening,
    )
    from openmash.oversight.models import (
        AccessNotice,
        BreakGlass,
        OversightDelivery,
        PrivacyAlert,
        PrivacyAlertDecision,
    )
    from openmash.patterns.models import Flag, Watch
    from openmash.people.models import Address, ChronologyEntry, Person, PersonIdentifier
    from openmash.sharing.models import ContributedItem, ReleaseRequest, ShareDecision

    return [
        ContributedItem,
        ShareDecision,
        ReleaseRequest,
        Contact,
        ContactPerson,
        Person,
        PersonIdentifier,
        Address,
        ChronologyEntry,
        Screening,
        Enquiry,
        RagChange,
        AgencyRequest,
        AgencyResponse,
        AgencyResponseRevision,
        Decision,
        DecisionChild,
        EarlyHelpRequest,
        Referral,
        CaseAllocation,
        Notification,
        CaseNote,
        StrategyDiscussion,
        StrategyAttendee,
        StrategyAction,
        BreakGlass,
        PrivacyAlert,
        PrivacyAlertDecision,
        AccessNotice,
        OversightDelivery,
        Flag,
        Watch,
        AuditEvent,
    ]


def row_counts() -> dict[str, int]:
    """Row count per table, in one query. Audit rows recording a denial (if the product starts writing them) are
    not writes of data, so they are left out."""
    from django.db import connection

    from openmash.audit.models import AuditEvent

    models = counted_models()
    parts = []
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        where = " WHERE action <> 'deny'" if model is AuditEvent else ""
        parts.append(f"(SELECT COUNT(*) FROM {table}{where})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        values = cursor.fetchone()
    return {model._meta.label: value for model, value in zip(models, values, strict=True)}


AUDIT_FILTER_KEYS = {"person", "contact", "user", "agency", "action"} | {
    f"date_{e}_{p}" for e in ("from", "to") for p in ("day", "month", "year")
}


def audit_get(client, path: str, params: dict | None = None):
    """GET an audit trail page or its CSV export with filters, as the browser does since the filters stopped going
    in URLs (issue 6 security review): POST the filter form to /audit/, follow its redirect to the query string
    (person and user as ?f=<id>), then GET `path` with it and the other params (before, after, object_id). An invalid filter answers the POST's page
    with the error summary (the trail) or the export's (the id is never made)."""
    params = dict(params or {})
    filters = {k: v for k, v in params.items() if k in AUDIT_FILTER_KEYS}
    rest = {k: v for k, v in params.items() if k not in AUDIT_FILTER_KEYS}
    if filters:
        posted = client.post("/audit/", filters)
        if posted.status_code != 302:
            return posted
        from urllib.parse import parse_qsl, urlsplit

        # the filters come back in the query string (the person and user ones as f=<id>)
        rest = {**dict(parse_qsl(urlsplit(posted["Location"]).query)), **rest}
    return client.get(path, rest)


def cli_proof(username: str) -> tuple[list[str], str]:
    """What `openmash user approve-grant ... --by USERNAME` needs for the approver to prove it is them (ADR 0019):
    (the extra arguments ["--password-stdin", "--code", CODE], the standard input: the password and a newline).
    Gives the user a generated password and an authenticator app (if they have none), and lets its current code be
    used once more in this test (django-otp refuses a code at or before the last step used: a test approves twice
    in one 30-second step)."""
    from openmash.accounts.mfa import totp_current_code, totp_device_ensure
    from openmash.accounts.models import User

    user = User.objects.get(username=username)
    password = secrets.token_urlsafe(24)
    user.set_password(password)
    user.save(update_fields=["password"])
    device = totp_device_ensure(user)
    type(device).objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return ["--password-stdin", "--code", totp_current_code(device)], password + "\n"


def second_admin(actor):
    """Another partnership admin than `actor` (an existing one, else a new one made through the service), to approve
    what `actor` asked for under dual control (partnership.setting_changes; ADR 0019 addendum)."""
    from openmash.access.actor import actor_for_user
    from openmash.access.policy import memberships_allowed
    from openmash.accounts.mfa import totp_device_ensure
    from openmash.accounts.services import user_create

    other = memberships_allowed("partnership.configure").exclude(user_id=actor.user.pk).select_related("user").first()
    if other is not None:
        return actor_for_user(other.user, membership_id=other.pk)
    user = user_create(
        username=f"second-admin-{secrets.token_hex(4)}",
        password="not-used-in-tests",
        agency_code="mash",
        role="partnership_admin",
        check_password=False,
    )
    totp_device_ensure(user)
    return actor_for_user(user)


def approved(actor, result, approver=None):
    """`result` of a service that may wait for a second partnership admin: a pending partnership.SettingChange is
    approved by `approver` (default: second_admin(actor)) and the decided change returned; anything else as it is."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_decide

    if not isinstance(result, SettingChange):
        return result
    return setting_change_decide(actor=approver or second_admin(actor), change_id=result.pk, approve=True)


def agreement_recorded(actor, data: dict, approver=None):
    """An agreement recorded through sharing.agreements.agreement_create by `actor` and, when it waits (an active
    one), approved by a second partnership admin: the SharingAgreement."""
    from openmash.sharing.agreements import agreement_create
    from openmash.sharing.models import SharingAgreement

    result = approved(actor, agreement_create(actor=actor, data=data), approver)
    return SharingAgreement.objects.get(pk=result.key) if not isinstance(result, SharingAgreement) else result


def stepped_up_client(actor):
    """A django.test.Client signed in as the actor's user whose session stepped up just now (accounts.stepup: what
    approving a waiting setting change on the partnership settings page needs, as break-glass does; ADR 0019
    addendum). The step is written to the session as the step-up page writes it after the password and app code
    are checked; tests of the step-up itself go through /account/step-up/."""
    from django.test import Client

    from openmash.accounts.stepup import SESSION_KEY

    client = Client()
    client.force_login(actor.user)
    session = client.session
    session[SESSION_KEY] = {"user": actor.user.pk, "at": timezone.now().timestamp()}
    session.save()
    return client
