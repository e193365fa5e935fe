"""Dual control of the settings that widen access or loosen a safeguarding rule (ADR 0019 addendum; attacker review
2026-12, findings A and E): one partnership admin asks, another approves, as for role grants and feed mappings.

- **Sealed item roles** (access.sharing.sealed_roles): naming a role that did not see sealed items waits for a second
  admin; taking roles away (narrowing) applies at once.
- **Outside an information-sharing agreement** (access.sharing.outside_agreement_mode): "refuse" -> "flag" (letting
  a request or release no agreement covers through) waits; "flag" -> "refuse" applies at once.
- **Pattern rules** (openmash.patterns.rule_editing): switching a rule off, or changing an active rule's
  parameters, waits; the evaluator keeps reading the approved version (the latest PatternRule row) until then.
  Creating a new rule as inactive, or switching a rule on, applies at once.
- **The agency access window** (partnership.services.agency_access_days_update): lengthening it waits; shortening
  applies at once (issue 7, attacker finding 5, as the three below).
- **The person-matching thresholds** (partnership.services.link_thresholds_update): lowering either figure (more
  records joined automatically, or more pairs of records put side by side for review) waits; raising applies at once.
- **Threshold level words, outcome rules, the immediate-risk screening time** (partnership.services
  threshold_levels_update, outcome_rules_update, immediate_risk_screening_update; issue 7, settings that relax a
  safeguard): any change of a level's label or description waits (no rule tells words that tighten from words that
  relax); an outcome rule made combinable or taking in more levels waits, a tightening applies at once; a longer
  screening time waits, a shorter one applies at once.
- **RAG timescales, the immediate-risk enquiry timescales, switching an outcome off** (partnership.services
  rag_levels_update, immediate_risk_enquiry_update, outcome_code_set_active): a longer timescale for any RAG level
  waits (whole); an enquiry or agencies' answers due later waits; switching any outcome off waits (switching on
  applies at once); shortening applies at once.
- **The agency answer lead** (partnership.services.agency_lead_update, ``agency_lead_working_hours``: how many
  working hours before an ordinary enquiry is due the agencies' answers are due): a shorter lead (answers due later,
  less time for the manager to read them before deciding) waits; a longer one applies at once (issue 7, later).
- **Information-sharing agreements** (openmash.sharing.agreements): recording an active agreement, or widening one
  (made active, another party, category or lawful basis, longer dates: agreement_widens) waits; a draft, a
  narrowing and ending apply at once. An API caller is answered 202 with the change's reference.

A change waiting is a partnership.SettingChange; a later change of the same setting supersedes it; approving is
refused when the setting changed since the change was asked for (its `base`). Every step is audited:
``setting_change_request``, ``setting_change_supersede``, ``setting_change_approve``, ``setting_change_reject``,
with the setting's own ``update`` when applied. Source: OWASP ASVS 5.0 2.3.5 (multi-user approval for high-value
changes); issue 7 (sealed envelope), issue 8 (a flag rule switched off hides a pattern from the hub).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from openmash.access.policy import require, setting_change_decidable
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound
from openmash.partnership.models import SettingChange

CHANGE_GONE_MESSAGE = "That change is no longer waiting for you"
CHANGE_STALE_MESSAGE = "The setting was changed since this change was asked for: reject it and ask again"


@dataclass(frozen=True)
class _Kind:
    """How one kind of setting is read (its approved value, as `base`) and applied once approved."""

    current: Callable[[str], dict]
    apply: Callable[..., None]


def _sealed_current(_key: str) -> dict:
    from openmash.access.sharing import sealed_roles

    return {"roles": sorted(sealed_roles())}


def _sealed_apply(*, actor, change) -> None:
    from openmash.sharing.services import sealed_roles_apply

    sealed_roles_apply(actor=actor, roles=change.proposed["roles"])


def _agreement_current(_key: str) -> dict:
    from openmash.access.sharing import outside_agreement_mode

    return {"mode": outside_agreement_mode()}


def _agreement_apply(*, actor, change) -> None:
    from openmash.sharing.agreements import outside_agreement_apply

    outside_agreement_apply(actor=actor, mode=change.proposed["mode"])


def _rule_current(key: str) -> dict:
    from openmash.patterns.models import PatternRule

    latest = PatternRule.objects.filter(code=key).order_by("-version").first()
    return {"version": latest.version if latest else 0}


def _rule_apply(*, actor, change) -> None:
    from openmash.patterns.rule_editing import rule_version_apply

    rule_version_apply(actor=actor, code=change.key, item=change.proposed, author=change.requested_by)


def _access_days_current(_key: str) -> dict:
    from openmash.partnership.selectors import partnership_settings_get

    return {"days": partnership_settings_get().agency_access_days}


def _access_days_apply(*, actor, change) -> None:
    from openmash.partnership.services import agency_access_days_apply

    agency_access_days_apply(actor=actor, days=change.proposed["days"])


def _thresholds_current(_key: str) -> dict:
    from openmash.partnership.selectors import partnership_settings_get

    s = partnership_settings_get()
    return {"lower": s.link_lower_threshold, "upper": s.link_upper_threshold}


def _thresholds_apply(*, actor, change) -> None:
    from openmash.partnership.services import link_thresholds_apply

    link_thresholds_apply(actor=actor, lower=change.proposed["lower"], upper=change.proposed["upper"])


def _sharing_agreement_current(key: str) -> dict:
    from openmash.sharing.agreements import agreement_version

    return agreement_version(key)


def _sharing_agreement_apply(*, actor, change) -> None:
    from openmash.sharing.agreements import agreement_change_apply

    agreement_change_apply(actor=actor, change=change)


def _threshold_levels_current(_key: str) -> dict:
    from openmash.partnership.services import threshold_levels_words

    return threshold_levels_words()


def _threshold_levels_apply(*, actor, change) -> None:
    from openmash.partnership.services import threshold_levels_apply

    threshold_levels_apply(actor=actor, levels=change.proposed["levels"])


def _outcome_rules_current(_key: str) -> dict:
    from openmash.partnership.services import outcome_rules_now

    return outcome_rules_now()


def _outcome_rules_apply(*, actor, change) -> None:
    from openmash.partnership.services import outcome_rules_apply

    outcome_rules_apply(actor=actor, rules=change.proposed["rules"])


def _screening_current(_key: str) -> dict:
    from openmash.partnership.selectors import partnership_settings_get

    return {"minutes": partnership_settings_get().immediate_risk_screening_minutes}


def _screening_apply(*, actor, change) -> None:
    from openmash.partnership.services import immediate_risk_screening_apply

    immediate_risk_screening_apply(actor=actor, minutes=change.proposed["minutes"])


def _rag_current(_key: str) -> dict:
    from openmash.partnership.services import rag_timescales_now

    return rag_timescales_now()


def _rag_apply(*, actor, change) -> None:
    from openmash.partnership.services import rag_levels_apply

    rag_levels_apply(actor=actor, hours=change.proposed["hours"])


def _enquiry_current(_key: str) -> dict:
    from openmash.partnership.selectors import partnership_settings_get

    s = partnership_settings_get()
    return {"hours": s.immediate_risk_enquiry_hours, "lead": s.immediate_risk_agency_lead_minutes}


def _enquiry_apply(*, actor, change) -> None:
    from openmash.partnership.services import immediate_risk_enquiry_apply

    immediate_risk_enquiry_apply(
        actor=actor, enquiry_hours=change.proposed["hours"], agency_lead_minutes=change.proposed["lead"]
    )


def _outcome_active_current(key: str) -> dict:
    from openmash.partnership.models import OutcomeCode

    active = OutcomeCode.objects.filter(code=key).values_list("active", flat=True).first()
    return {} if active is None else {"active": active}


def _outcome_active_apply(*, actor, change) -> None:
    from openmash.partnership.services import outcome_code_active_apply

    outcome_code_active_apply(actor=actor, code=change.key, active=change.proposed["active"])


def _agency_lead_current(_key: str) -> dict:
    from openmash.partnership.selectors import partnership_settings_get

    return {"hours": partnership_settings_get().agency_lead_working_hours}


def _agency_lead_apply(*, actor, change) -> None:
    from openmash.partnership.services import agency_lead_apply

    agency_lead_apply(actor=actor, hours=change.proposed["hours"])


KINDS: dict[str, _Kind] = {
    SettingChange.Kind.SEALED_ROLES: _Kind(_sealed_current, _sealed_apply),
    SettingChange.Kind.OUTSIDE_AGREEMENT: _Kind(_agreement_current, _agreement_apply),
    SettingChange.Kind.PATTERN_RULE: _Kind(_rule_current, _rule_apply),
    SettingChange.Kind.AGENCY_ACCESS_DAYS: _Kind(_access_days_current, _access_days_apply),
    SettingChange.Kind.LINK_THRESHOLDS: _Kind(_thresholds_current, _thresholds_apply),
    SettingChange.Kind.SHARING_AGREEMENT: _Kind(_sharing_agreement_current, _sharing_agreement_apply),
    SettingChange.Kind.THRESHOLD_LEVELS: _Kind(_threshold_levels_current, _threshold_levels_apply),
    SettingChange.Kind.OUTCOME_RULES: _Kind(_outcome_rules_current, _outcome_rules_apply),
    SettingChange.Kind.IMMEDIATE_RISK_SCREENING: _Kind(_screening_current, _screening_apply),
    SettingChange.Kind.RAG_TIMESCALES: _Kind(_rag_current, _rag_apply),
    SettingChange.Kind.IMMEDIATE_RISK_ENQUIRY: _Kind(_enquiry_current, _enquiry_apply),
    SettingChange.Kind.OUTCOME_ACTIVE: _Kind(_outcome_active_current, _outcome_active_apply),
    SettingChange.Kind.AGENCY_LEAD: _Kind(_agency_lead_current, _agency_lead_apply),
}


#: The notices (in-app notifications, issue 7: a second admin learns a change awaits them; the asker learns the
#: outcome). References and the kind of setting only: no personal data, no names.
NOTICE_WAITING = "Setting change {reference} ({kind}) waits for your approval in Partnership settings"
NOTICE_DECIDED = "Your setting change {reference} ({kind}) was {outcome} by another partnership admin"
#: What both notices start with (web.selectors links them to the settings page for a partnership admin).
NOTICE_START = re.compile(r"^(Your setting change|Setting change) SC-[0-9A-F]{8} ")


def _notify(*, actor, change: SettingChange, users, message: str, event: str) -> int:
    """One in-app notification per user (enquiries.services.notifications_send: no contact, the reference only),
    audited ``setting_change_notify`` with the event and how many were told (no names). Out: how many."""
    from openmash.enquiries.services import notifications_send

    told = notifications_send(users=users, contact=None, message=message)
    audit_record(
        actor=actor,
        action="setting_change_notify",
        obj=change,
        detail={"event": event, "told": len(told), "reference": change.reference},
    )
    return len(told)


@transaction.atomic
def setting_change_request(
    *,
    actor,
    kind: str,
    proposed: dict,
    summary: str,
    key: str = "",
    base: dict | None = None,
    detail: dict | None = None,
) -> SettingChange:
    """Ask for a change that needs a second admin. In: the partnership admin asking, the kind (SettingChange.Kind),
    the proposed value, a summary in words (codes and numbers only, no personal data), the setting's key (a rule's
    code), and the approved value it was written against (`base`; read now when None); `detail` added to the audit
    events (the command line's ``via`` and ``operator``). Out: the pending SettingChange. A waiting change of the
    same setting is superseded. Audited `setting_change_request`. PermissionDenied for anyone but a partnership
    admin."""
    require(actor, "partnership.configure")
    for earlier in SettingChange.objects.select_for_update().filter(kind=kind, key=key, status="pending"):
        earlier.status = SettingChange.Status.SUPERSEDED
        earlier.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="setting_change_supersede",
            obj=earlier,
            detail={"kind": kind, "key": key, **(detail or {})},
        )
    change = SettingChange.objects.create(
        kind=kind,
        key=key,
        proposed=proposed,
        base=base if base is not None else KINDS[kind].current(key),
        summary=summary[:300],
        requested_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="setting_change_request",
        obj=change,
        detail={"kind": kind, "key": key, "summary": summary, "reference": change.reference, **(detail or {})},
    )
    from openmash.access.policy import setting_change_deciders

    _notify(
        actor=actor,
        change=change,
        users=list(setting_change_deciders(change)),
        message=NOTICE_WAITING.format(reference=change.reference, kind=change.get_kind_display().lower()),
        event="request",
    )
    return change


def setting_change_decide(
    *, actor, change_id, approve: bool, reason: str = "", detail: dict | None = None
) -> SettingChange:
    """Approve or reject a pending SettingChange: only access.policy.setting_change_decidable's second person (another
    partnership admin, never the one who asked; anyone else gets NotFound). Approving applies the proposed value
    only if the setting is still the value the change was written against (else Conflict, nothing changes).
    Audited `setting_change_approve` / `setting_change_reject` (and the setting's own `update`), in one
    transaction; `reason` (why it was refused, up to 500 characters) goes in the event's reason, `detail` (the
    API's ``via``) in its detail. Out: the change."""
    with transaction.atomic():
        try:
            change = SettingChange.objects.select_for_update().filter(pk=change_id).first()
        except (ValueError, DjangoValidationError):
            change = None
        if change is None or not setting_change_decidable(actor, change):
            raise NotFound(CHANGE_GONE_MESSAGE)
        change.decided_by, change.decided_at = actor.user, timezone.now()
        detail = {"kind": change.kind, "key": change.key, "reference": change.reference, **(detail or {})}
        if not approve:
            change.status = SettingChange.Status.REJECTED
            change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
            audit_record(
                actor=actor, action="setting_change_reject", obj=change, detail=detail, reason=(reason or "")[:500]
            )
            _tell_asker(actor=actor, change=change, outcome="refused")
            return change
        kind = KINDS[change.kind]
        stale = kind.current(change.key) != change.base
        if not stale:
            kind.apply(actor=actor, change=change)
            change.status = SettingChange.Status.APPROVED
            change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
            audit_record(actor=actor, action="setting_change_approve", obj=change, detail=detail)
            _tell_asker(actor=actor, change=change, outcome="approved")
    if stale:
        # Nothing changed (the change stays pending); the refusal is audited, outside the decision's transaction.
        audit_record(
            actor=actor, action="deny", obj=change, detail={**detail, "rule": "setting_change_stale", "status": 409}
        )
        raise Conflict(CHANGE_STALE_MESSAGE)
    return change


def _tell_asker(*, actor, change: SettingChange, outcome: str) -> None:
    """The admin who asked learns the change was approved or refused (in the decision's transaction)."""
    _notify(
        actor=actor,
        change=change,
        users=[change.requested_by],
        message=NOTICE_DECIDED.format(
            reference=change.reference, kind=change.get_kind_display().lower(), outcome=outcome
        ),
        event="approve" if outcome == "approved" else "reject",
    )


def setting_changes_pending(kinds=None) -> list[SettingChange]:
    """The changes waiting for a second admin (requested_by loaded), oldest first; `kinds` to keep some kinds."""
    qs = SettingChange.objects.filter(status="pending").select_related("requested_by")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("created_at"))


def setting_changes_listed(*, actor, page: int = 1, page_size: int = 25):
    """The pending setting changes for the API (GET /api/v1/setting-changes): partnership admins only
    (PermissionDenied for anyone else), oldest first, one page (core.pagination.paginate). A page that shows any is
    audited `list` (object type partnership.settingchange, the references shown). No personal data: settings, codes
    and the asker's username. Out: the Page."""
    from openmash.core.pagination import paginate

    require(actor, "partnership.configure")
    page_obj = paginate(setting_changes_pending(), page=page, page_size=page_size, clamp=False)
    if page_obj.items:
        audit_record(
            actor=actor,
            action="list",
            object_type=SettingChange._meta.label_lower,
            reason="setting changes waiting",
            detail={"references": [c.reference for c in page_obj.items]},
        )
    return page_obj


__all__ = [
    "setting_changes_listed",
    "setting_change_request",
    "setting_change_decide",
    "setting_changes_pending",
    "KINDS",
]
