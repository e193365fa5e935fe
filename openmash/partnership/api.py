"""Setting changes waiting for a second partnership admin, in the API (dual control, ADR 0019 addenda; issue 7,
"lawful, secure, provable sharing"): list them, approve one, refuse one. The same rules as the partnership settings
page (partnership.setting_changes): partnership admins only (anyone else: 403); the admin who asked can never
decide their own change, and a change no longer waiting is answered 404 like a missing one ("That change is no
longer waiting for you"); approving a change when the setting has moved since it was asked for is refused with 409
("The setting was changed since this change was asked for: reject it and ask again") and changes nothing.

Approving applies a setting that widens access or relaxes a safeguard, so it asks the approver to prove it is them
(step-up, ASVS 5.0 7.5.3; accounts.stepup.stepup_for_api): their password and their authenticator app's current
code, unless their signed-in session stepped up in the last OPENMASH_STEPUP_SECONDS (a bearer token alone never
approves: the second admin's decision stays behind their own password and second factor). Refusing changes no
setting and needs a reason. Every step is audited: `list` (a page that shows any), `setting_change_approve` (and the
setting's own `update`), `setting_change_reject` (with the reason), `stepup` / `stepup_failed`, `deny`.
A change holds no personal data: settings, codes and the asker's username."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Query, Router, Schema

from openmash.access.policy import require, setting_change_decidable
from openmash.accounts.stepup import stepup_for_api
from openmash.core.api_paging import PageOut, PageQuery, page_out
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.core.text import CleanSchema
from openmash.partnership import setting_changes
from openmash.partnership.models import SettingChange

router = Router(tags=["setting changes"])

#: What a refusal must give (the reason is kept in the audit trail, event `setting_change_reject`).
REASON_MAX = 500


class SettingChangeItemOut(Schema):
    """A setting change (partnership.SettingChange). id: use it to approve or refuse; reference: "SC-" and 8 hex
    digits (what the settings page and the notices show); kind: sealed_roles, outside_agreement, pattern_rule (key:
    the rule's code), agency_access_days, link_thresholds, sharing_agreement (key: the agreement's id),
    threshold_levels, outcome_rules, immediate_risk_screening, rag_timescales, immediate_risk_enquiry,
    outcome_active (key: the outcome's code) or agency_lead_hours; summary: what changes, in words and codes;
    proposed: the value asked for; base: the value it was written against (approving is refused when the setting is
    no longer this); status: pending; requested_by: the asking admin's username; created_at: when it was asked for
    (UTC); decidable: whether you may approve or refuse it (never your own)."""

    id: UUID
    reference: str
    kind: str
    key: str
    summary: str
    proposed: dict[str, Any]
    base: dict[str, Any]
    status: str
    requested_by: str
    created_at: dt.datetime
    decidable: bool


class SettingChangeDecidedOut(Schema):
    """A decided setting change: status approved (the setting applies now) or rejected; decided_at (UTC)."""

    id: UUID
    reference: str
    kind: str
    key: str
    status: str
    summary: str
    decided_at: dt.datetime


class SettingChangePageOut(PageOut):
    """One page of the setting changes waiting for a second partnership admin, oldest first."""

    items: list[SettingChangeItemOut]


class SettingChangeApproveIn(CleanSchema):
    """Approve a change: `password` and `code` (your password again and the 6-digit code your authenticator app shows
    now; never a recovery code), unless your signed-in session stepped up in the last OPENMASH_STEPUP_SECONDS. A
    wrong password, or a wrong or already used code, counts toward your account's lockout (422 naming the field;
    403 once locked). A user whose only second factor is a security key approves on the partnership settings page."""

    password: str = Field("", max_length=4096)
    code: str = Field("", max_length=32)


class SettingChangeRefuseIn(CleanSchema):
    """Refuse a change: `reason`, why (1 to 500 characters; kept in the audit trail, not sent to the asker, who is
    told only that it was refused)."""

    multiline_fields = frozenset({"reason"})

    reason: str = Field("", max_length=REASON_MAX)


def _item(actor, change: SettingChange) -> dict:
    return {
        "id": change.pk,
        "reference": change.reference,
        "kind": change.kind,
        "key": change.key,
        "summary": change.summary,
        "proposed": change.proposed,
        "base": change.base,
        "status": change.status,
        "requested_by": change.requested_by.username,
        "created_at": change.created_at,
        "decidable": setting_change_decidable(actor, change),
    }


def _decided(change: SettingChange) -> dict:
    return {
        "id": change.pk,
        "reference": change.reference,
        "kind": change.kind,
        "key": change.key,
        "status": change.status,
        "summary": change.summary,
        "decided_at": change.decided_at,
    }


def _decidable_or_404(actor, setting_change_id: UUID) -> None:
    """403 for anyone but a partnership admin (the action first, so a 403 says nothing about the change); 404 for a
    change that is not waiting for this admin (their own, decided, superseded or missing)."""
    require(actor, "partnership.configure")
    change = SettingChange.objects.filter(pk=setting_change_id).first()
    if change is None or not setting_change_decidable(actor, change):
        raise NotFound(setting_changes.CHANGE_GONE_MESSAGE)


@router.get(
    "/setting-changes",
    response=SettingChangePageOut,
    summary="Setting changes waiting for a second partnership admin, paged (partnership admins)",
)
def setting_change_list(request, q: Query[PageQuery]):
    """Out: a page of SettingChangeItemOut, oldest first. 403 for anyone but a partnership admin."""
    page = setting_changes.setting_changes_listed(actor=request.actor, page=q.page, page_size=q.page_size)
    return page_out(page, [_item(request.actor, c) for c in page.items])


@router.post(
    "/setting-changes/{setting_change_id}/approval",
    response=SettingChangeDecidedOut,
    summary="Approve a waiting setting change (another partnership admin, with step-up; it applies now)",
)
def setting_change_approve(request, setting_change_id: UUID, payload: SettingChangeApproveIn):
    """In: the change's id, the step-up (password, code). Out: the change, status approved. 403 not a partnership
    admin (or locked); 404 your own change or one no longer waiting; 422 step-up (password / code); 409 the setting
    changed since the change was asked for (nothing changes: refuse it and ask again)."""
    actor = request.actor
    _decidable_or_404(actor, setting_change_id)
    stepup_for_api(request, actor, password=payload.password, code=payload.code)
    change = setting_changes.setting_change_decide(
        actor=actor, change_id=setting_change_id, approve=True, detail={"via": "api"}
    )
    return _decided(change)


@router.post(
    "/setting-changes/{setting_change_id}/refusal",
    response=SettingChangeDecidedOut,
    summary="Refuse a waiting setting change, with a reason (another partnership admin; nothing changes)",
)
def setting_change_refuse(request, setting_change_id: UUID, payload: SettingChangeRefuseIn):
    """In: the change's id and `reason`. Out: the change, status rejected. 403 not a partnership admin; 404 your own
    change or one no longer waiting; 422 no reason."""
    actor = request.actor
    _decidable_or_404(actor, setting_change_id)
    reason = (payload.reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why you refuse the change", errors={"reason": ["Enter why you refuse it"]})
    change = setting_changes.setting_change_decide(
        actor=actor, change_id=setting_change_id, approve=False, reason=reason, detail={"via": "api"}
    )
    return _decided(change)
