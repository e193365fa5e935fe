"""Information-sharing agreements in the API (issue 7, ADR 0016): list and read for the hub, the partnership admin
and the privacy officer; record, change (with the version read) and end for the partnership admin only. Bad input
is a 422 with a message per field (title, parties, categories, lawful_bases, starts_on, ends_on,
document_reference, status, version). An agreement holds no personal data.

Recording an active agreement, or widening one (made active, another party, category or lawful basis, longer
dates), waits for a second partnership admin (dual control, ADR 0019 addendum; issue 7, attacker finding 5): the
answer is 202 with the waiting change (SettingChangeOut: its reference, SC-...), approved or rejected by another
partnership admin in Partnership settings; a draft, a narrowing and ending apply at once (201 / 200)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from openmash.core.api_paging import DB_INT_MAX, PageOut, PageQuery, page_out
from openmash.core.pagination import paginate
from openmash.core.text import CleanSchema
from openmash.sharing import agreements

router = Router(tags=["sharing agreements"])


class AgreementIn(CleanSchema):
    """An agreement. parties: agency codes (at least two); categories: InfoCategory codes (health, mental_health,
    sexual_health, substance_misuse, police_records, police_intelligence, education, childrens_social_care,
    adult_social_care, probation, youth_justice, housing, domestic_abuse, early_help); lawful_bases: art6_1c,
    art6_1e, art9_2b, art9_2g, art9_2h, sch1_para18, part3_sch8; starts_on, ends_on (optional, on or after
    starts_on); document_reference: where the signed agreement is kept; status: draft or active."""

    title: str = Field(max_length=200)
    parties: list[str] = Field(default_factory=list, max_length=100)
    categories: list[str] = Field(default_factory=list, max_length=40)
    lawful_bases: list[str] = Field(default_factory=list, max_length=20)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    document_reference: str = Field("", max_length=500)
    status: str = Field("draft", max_length=10)


class AgreementUpdateIn(AgreementIn):
    """The whole agreement again, with the version you read (a stale version is a 409)."""

    version: int = Field(ge=1, le=DB_INT_MAX)


class AgreementEndIn(CleanSchema):
    """End an agreement: the version you read; ends_on today (default) or an earlier date on or after its start."""

    version: int = Field(ge=1, le=DB_INT_MAX)
    ends_on: dt.date | None = None


class PartyOut(Schema):
    code: str
    name: str


class AgreementOut(Schema):
    """An agreement. in_force: active and in its dates today (only then does it cover a request or a release)."""

    id: UUID
    title: str
    parties: list[PartyOut]
    categories: list[str]
    lawful_bases: list[str]
    starts_on: dt.date
    ends_on: dt.date | None
    document_reference: str
    status: str
    in_force: bool
    version: int


class SettingChangeOut(Schema):
    """A change waiting for a second partnership admin (partnership.SettingChange): nothing has changed yet. id: the
    change's id; reference: "SC-" and 8 hex digits (what the settings page and the notices show); kind:
    "sharing_agreement"; key: the agreement's id (a new agreement gets this id when the change is approved);
    status: "pending"; summary: what changes, in codes; created_at: when it was asked for (UTC)."""

    id: UUID
    reference: str
    kind: str
    key: str
    status: str
    summary: str
    created_at: dt.datetime


def _waiting(change) -> Status:
    return Status(
        202,
        {
            "id": change.pk,
            "reference": change.reference,
            "kind": change.kind,
            "key": change.key,
            "status": change.status,
            "summary": change.summary,
            "created_at": change.created_at,
        },
    )


def _waits(result) -> bool:
    from openmash.partnership.models import SettingChange

    return isinstance(result, SettingChange)


class AgreementPageOut(PageOut):
    """One page of agreements: active first, then draft, then ended, by title."""

    items: list[AgreementOut]


class AgreementListQuery(PageQuery):
    status: str = Field("", max_length=10, description="draft, active or ended; empty for all")


@router.get("/sharing-agreements", response=AgreementPageOut, summary="Information-sharing agreements, paged")
def agreement_list(request, q: Query[AgreementListQuery]):
    rows = agreements.agreements_list(actor=request.actor, status=q.status)
    page = paginate(rows, page=q.page, page_size=q.page_size, clamp=False)
    return page_out(page, [agreements.agreement_out(a) for a in page.items])


@router.get("/sharing-agreements/{agreement_id}", response=AgreementOut, summary="One information-sharing agreement")
def agreement_detail(request, agreement_id: UUID):
    return agreements.agreement_out(agreements.agreement_get(actor=request.actor, agreement_id=agreement_id))


@router.post(
    "/sharing-agreements",
    response={201: AgreementOut, 202: SettingChangeOut},
    summary="Record an information-sharing agreement (the partnership admin; an active one waits: 202)",
)
def agreement_create(request, payload: AgreementIn):
    a = agreements.agreement_create(actor=request.actor, data=payload.dict())
    return _waiting(a) if _waits(a) else Status(201, agreements.agreement_out(a))


@router.post(
    "/sharing-agreements/{agreement_id}/changes",
    response={200: AgreementOut, 202: SettingChangeOut},
    summary="Change an information-sharing agreement (the partnership admin; the version you read; widening: 202)",
)
def agreement_update(request, agreement_id: UUID, payload: AgreementUpdateIn):
    data = payload.dict()
    version = data.pop("version")
    a = agreements.agreement_update(actor=request.actor, agreement_id=agreement_id, version=version, data=data)
    return _waiting(a) if _waits(a) else Status(200, agreements.agreement_out(a))


@router.post(
    "/sharing-agreements/{agreement_id}/end",
    response=AgreementOut,
    summary="End an information-sharing agreement (the partnership admin)",
)
def agreement_end(request, agreement_id: UUID, payload: AgreementEndIn):
    a = agreements.agreement_end(
        actor=request.actor, agreement_id=agreement_id, version=payload.version, ends_on=payload.ends_on
    )
    return agreements.agreement_out(a)
