"""Oversight API (issue 7): break-glass, the privacy officer's review queue and decisions, access notices, who has
seen a person's record and the report of views without an involvement. Bad input: 422 with field messages; a record
the caller may not see: 404; an action their role may not take: 403; a decision someone else took first: 409."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from openmash.access.involvement import basis_label
from openmash.access.policy import break_glass_offered, require
from openmash.accounts.stepup import stepup_for_api
from openmash.core.api_paging import PageOut, PageQuery, page_out
from openmash.core.exceptions import PermissionDenied
from openmash.core.text import CleanSchema
from openmash.oversight import selectors, services

router = Router(tags=["oversight"])


class BreakGlassIn(CleanSchema):
    """Emergency access to one person's record. `category`: risk_to_life, urgent_safeguarding or
    legal_requirement. `reason`: at least 20 characters in at least 4 words (what is happening and why it cannot wait). `password` and
    `code`: the caller's password again and the 6-digit code their authenticator app shows now (step-up, ASVS 5.0
    7.5.3; never a recovery code), unless their signed-in session stepped up in the last OPENMASH_STEPUP_SECONDS. A
    wrong password, or a wrong or already used code, counts toward the account's lockout. A user whose only second
    factor is a security key steps up on the pages (the API cannot carry a WebAuthn ceremony)."""

    multiline_fields = frozenset({"reason"})

    person_id: UUID
    category: str = Field("", max_length=40)
    reason: str = Field("", max_length=services.REASON_MAX)
    password: str = Field("", max_length=4096)
    code: str = Field("", max_length=32)


class BreakGlassOut(Schema):
    """A break-glass: live until `expires_at` (UTC) unless `ended_at`. `alert_reference` is what the privacy officer
    reviews (the same as `reference`)."""

    id: UUID
    reference: str
    person_id: UUID
    category: str
    started_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None
    alert_reference: str


def _glass_out(glass) -> dict:
    return {
        "id": glass.pk,
        "reference": glass.reference,
        "person_id": glass.person_id,
        "category": glass.category,
        "started_at": glass.started_at,
        "expires_at": glass.expires_at,
        "ended_at": glass.ended_at,
        "alert_reference": glass.reference,
    }


@router.post(
    "/break-glass",
    response={201: BreakGlassOut},
    summary="Open one person's record in an emergency (break-glass: reason, step-up, time limit, alert)",
)
def break_glass_open(request, payload: BreakGlassIn):
    actor = request.actor
    if not break_glass_offered(actor):
        raise PermissionDenied("You do not have permission to do that.")
    services.break_glass_validate(category=payload.category, reason=payload.reason)  # 422 before the password
    stepup_for_api(request, actor, password=payload.password, code=payload.code)
    glass = services.break_glass_open(
        actor=actor, person_id=payload.person_id, category=payload.category, reason=payload.reason, stepped_up=True
    )
    return Status(201, _glass_out(glass))


@router.post("/break-glass/{break_glass_id}/end", response=BreakGlassOut, summary="End a break-glass now")
def break_glass_end(request, break_glass_id: UUID):
    return _glass_out(services.break_glass_end(actor=request.actor, break_glass_id=break_glass_id))


class AlertOut(Schema):
    """A privacy alert (one per break-glass) as the privacy officer reviews it. `user` / `role` / `agency`: who
    broke glass; `person_id`: the record; `reason`: their words; `status`: unreviewed, approved, flagged or
    escalated; `version`: send it with a decision; `review_due_at`: when it should be reviewed by
    (OPENMASH_BREAK_GLASS_REVIEW_DAYS calendar days after it was raised); `overdue`: still unreviewed after that."""

    id: UUID
    reference: str
    status: str
    version: int
    created_at: dt.datetime
    review_due_at: dt.datetime
    overdue: bool
    username: str
    user: str
    role: str
    agency: str
    person_id: UUID
    category: str
    reason: str | None = None
    started_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None


def _alert_out(alert, *, reason: bool) -> dict:
    glass = alert.break_glass
    return {
        "id": alert.pk,
        "reference": alert.reference,
        "status": alert.status,
        "version": alert.version,
        "created_at": alert.created_at,
        "review_due_at": selectors.review_due_at(alert.created_at),
        "overdue": selectors.is_overdue(alert),
        "username": glass.user.username,
        "user": str(glass.user),
        "role": glass.membership.get_role_display(),
        "agency": glass.membership.agency.name,
        "person_id": glass.person_id,
        "category": glass.category,
        "reason": glass.reason if reason else None,
        "started_at": glass.started_at,
        "expires_at": glass.expires_at,
        "ended_at": glass.ended_at,
    }


class AlertPageOut(PageOut):
    items: list[AlertOut]


class AlertQuery(PageQuery):
    status: Literal["", "overdue", "unreviewed", "approved", "flagged", "escalated"] = ""


@router.get(
    "/privacy-alerts",
    response=AlertPageOut,
    summary="The privacy officer's review queue, overdue then unreviewed first",
)
def privacy_alert_list(request, q: Query[AlertQuery]):
    page = selectors.review_queue(actor=request.actor, page=q.page, status=q.status, page_size=q.page_size)
    return page_out(page, [_alert_out(a, reason=False) for a in page.items])


@router.get("/privacy-alerts/{alert_id}", response=AlertOut, summary="One privacy alert, with the reason given")
def privacy_alert_detail(request, alert_id: UUID):
    return _alert_out(selectors.alert_get(actor=request.actor, alert_id=alert_id), reason=True)


class AlertDecisionIn(CleanSchema):
    """`decision`: approve, flag or escalate (to the Caldicott guardian); `note`: required to flag or escalate;
    `version`: the alert's version you read (409 if someone decided it since); `sensitivity`: the note's level,
    standard (default), sensitive or sealed (422 otherwise)."""

    multiline_fields = frozenset({"note"})

    decision: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=2_147_483_647)
    # who reads the note (access.sharing.privacy_alert_note_held): standard (default), sensitive or sealed
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


@router.post("/privacy-alerts/{alert_id}/decision", response=AlertOut, summary="Approve, flag or escalate an alert")
def privacy_alert_decide(request, alert_id: UUID, payload: AlertDecisionIn):
    services.privacy_alert_decide(actor=request.actor, alert_id=alert_id, **payload.dict())
    return _alert_out(selectors.alert_get(actor=request.actor, alert_id=alert_id), reason=True)


class AccessNoticeOut(Schema):
    """Someone outside the owning team opened a flagged child's record: their role and agency, when, and the
    person's id (open it if you may). No names."""

    id: UUID
    reference: str
    person_id: UUID
    viewer_role: str
    viewer_agency: str
    viewed_at: dt.datetime
    owners: list[str]
    basis: str


@router.get("/access-notices/{notice_id}", response=AccessNoticeOut, summary="An access notice sent to you")
def access_notice_detail(request, notice_id: UUID):
    n = selectors.access_notice_get(actor=request.actor, notice_id=notice_id)
    return {
        "id": n.pk,
        "reference": n.reference,
        "person_id": n.person_id,
        "viewer_role": n.viewer_membership.get_role_display(),
        "viewer_agency": n.viewer_membership.agency.name,
        "viewed_at": n.viewed_at,
        "owners": list(n.owners),
        "basis": basis_label(n.basis),
    }


class SeenOut(Schema):
    """One time someone was shown the record: when (UTC), who (username, name, role, agency), what (opened, listed,
    found in a search, exported, broke glass), the basis when known, and whether it was under break-glass."""

    at: dt.datetime
    username: str
    name: str
    role: str
    agency: str
    action: str
    basis: str
    break_glass: bool


class SeenPageOut(PageOut):
    items: list[SeenOut]


@router.get(
    "/people/{person_id}/access-history",
    response=SeenPageOut,
    summary="Who has seen a person's record (MASH managers and the privacy officer)",
)
def person_access_history(request, person_id: UUID, q: Query[PageQuery]):
    _person, page = selectors.person_access_history(
        actor=request.actor, person_id=person_id, page=q.page, page_size=q.page_size
    )
    return page_out(page, [vars(r) for r in page.items])


class ReportQuery(CleanSchema):
    """UK calendar days (inclusive) and an agency code; all optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    agency: str = Field("", max_length=40)


class ReportRowOut(Schema):
    at: dt.datetime
    username: str
    name: str
    role: str
    agency: str
    person_id: str
    person: str
    involvement: str


class ReportOut(Schema):
    """Views of person records with no involvement at the time (`without`) and views covered only by a break-glass
    (`break_glass`); `checked`: how many views were compared; `capped`: more matched than one report checks."""

    checked: int
    capped: bool
    without: list[ReportRowOut]
    break_glass: list[ReportRowOut]


@router.get(
    "/reports/views-without-involvement",
    response=ReportOut,
    summary="Views of records without an involvement at the time (privacy officer)",
)
def views_without_involvement(request, q: Query[ReportQuery]):
    filters = {"date_from": q.date_from, "date_to": q.date_to, "agency_code": q.agency}
    report = selectors.snooping_report(actor=request.actor, **filters)
    selectors.snooping_report_audit(
        actor=request.actor,
        report=report,
        action="view",
        filters={k: (str(v) if v else "") for k, v in filters.items()},
    )
    return {
        "checked": report.checked,
        "capped": report.capped,
        "without": [vars(r) for r in report.without],
        "break_glass": [vars(r) for r in report.break_glass],
    }


class SubjectAccessIn(CleanSchema):
    """A subject access export (UK GDPR art. 15). `person`: the person's record ID (UUID) or NHS number (any spacing).
    `password` and `code`: step-up (the caller's password and the 6-digit code their authenticator app shows now;
    never a recovery code), unless their signed-in session stepped up in the last OPENMASH_STEPUP_SECONDS."""

    person: str = Field(..., max_length=64)
    password: str = Field("", max_length=4096)
    code: str = Field("", max_length=32)


_ZIP_RESPONSE = {
    "responses": {
        "200": {
            "description": "The export: a zip of JSON files (person.json, contacts.json, chronology.json, answers.json, "
            "access_history.json) and README.txt. OFFICIAL-SENSITIVE: review and redact third-party information "
            "before release.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.post(
    "/subject-access",
    response={403: dict, 422: dict},
    openapi_extra=_ZIP_RESPONSE,
    summary="Subject access export of one person (privacy officer; step-up; audited)",
)
def subject_access_export(request, payload: SubjectAccessIn):
    """Every record OpenMASH holds about one person, as the privacy officer's page gives it
    (oversight.selectors.subject_access_export), audited `export` of the person. Only the privacy officer
    (`subject_access.export`): every other role 403, before anything else is read. Then step-up (422 on
    `password` / `code`; wrong ones count toward the lockout), then the person (422 on `person` when no one or more
    than one person holds it)."""
    actor = request.actor
    require(actor, "subject_access.export")
    stepup_for_api(request, actor, password=payload.password, code=payload.code)
    person_id = selectors.person_for_subject_access(actor=actor, text=payload.person)
    name, body = selectors.subject_access_export(actor=actor, person_id=person_id)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
