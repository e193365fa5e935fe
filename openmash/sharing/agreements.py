"""Information-sharing agreements as data (issue 7, ADR 0016): the partnership admin records which agencies share
which categories of information under which lawful bases, when, and where the signed document is kept; and what
happens to a request or release outside every active agreement (SharingSettings.outside_agreement: flag or refuse).

Writes are transactional and audited (codes and counts only; an agreement holds no personal data). Who may do what:
openmash.access.sharing (agreements_view_allowed, agreements_manage_allowed). The check of a request or a release
against the agreements is access.sharing.agreement_check (one place); `agreement_refusal_record` writes the audit
event of a refusal outside the refused transaction, so the refusal is on the record (golden rule 7).

Agreement fields (a dict, the same for the pages and the API; `agreement_check_input` says what each needs):
  title               what the agreement is called (200 characters)
  parties             agency codes: at least two active agencies
  categories          InfoCategory codes: at least one
  lawful_bases        AgreementBasis codes: at least one
  starts_on           a date
  ends_on             a date on or after starts_on, or none (open-ended)
  document_reference  where the signed document is kept (500 characters; text, not the document)
  status              draft or active (ending is its own action)
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from openmash.access.policy import _get
from openmash.access.sharing import agreements_manage_allowed, agreements_view_allowed, agreements_visible
from openmash.accounts.models import Agency
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.sharing.choices import AgreementBasis, AgreementStatus, InfoCategory, OutsideAgreement
from openmash.sharing.models import SharingAgreement, SharingSettings

MAX_TITLE = 200
MAX_DOCUMENT = 500
#: Agreement dates the service accepts (the project's filter bounds: core.pagination FILTER_DATE_MIN/MAX).
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
#: Approving a waiting agreement change that no longer checks (a party deactivated since it was asked for).
CHANGE_INVALID_MESSAGE = "The agreement cannot be recorded as it was asked for any more: reject it and ask again"


def _err(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _date(value, key: str, errors: dict, message: str, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            _err(errors, key, message)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _err(errors, key, message)
        return None


def _codes(value, allowed, key: str, errors: dict, message: str) -> list[str]:
    values = value if isinstance(value, list | tuple) else ([value] if value else [])
    codes = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    if not codes or any(c not in allowed for c in codes):
        _err(errors, key, message)
        return [c for c in codes if c in allowed]
    return codes


def agreement_check_input(data: dict) -> dict:
    """The checked fields of an agreement (the module docstring). Out: the fields to store, with `parties` as Agency
    rows. Errors: ValidationFailed with one message per field."""
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    if not title:
        _err(errors, "title", "Enter the agreement's title")
    elif len(title) > MAX_TITLE:
        _err(errors, "title", f"The title must be {MAX_TITLE} characters or fewer")
    raw = data.get("parties") or []
    codes = list(dict.fromkeys(str(c).strip() for c in (raw if isinstance(raw, list | tuple) else [raw]) if c))
    known = set(Agency.objects.filter(code__in=codes, active=True).values_list("code", flat=True))
    if any(c not in known for c in codes):
        _err(errors, "parties", "Choose agencies from the list")
    elif len(codes) < 2:
        _err(errors, "parties", "Choose at least two agencies that are party to the agreement")
    categories = _codes(
        data.get("categories"), InfoCategory.values, "categories", errors, "Choose the categories of information shared"
    )
    bases = _codes(
        data.get("lawful_bases"),
        AgreementBasis.values,
        "lawful_bases",
        errors,
        "Choose the lawful basis the agreement relies on",
    )
    starts = _date(data.get("starts_on"), "starts_on", errors, "Enter the date the agreement starts", required=True)
    ends = _date(data.get("ends_on"), "ends_on", errors, "Enter a real date the agreement ends", required=False)
    for key, day in (("starts_on", starts), ("ends_on", ends)):
        if day and not DATE_MIN <= day <= DATE_MAX:
            _err(errors, key, f"Enter a date from {DATE_MIN:%-d %B %Y} to {DATE_MAX:%-d %B %Y}")
    if starts and ends and ends < starts and not errors.get("ends_on"):
        _err(errors, "ends_on", "The end date must be the same as or after the start date")
    document = (data.get("document_reference") or "").strip()
    if not document:
        _err(errors, "document_reference", "Enter where the signed agreement is kept")
    elif len(document) > MAX_DOCUMENT:
        _err(errors, "document_reference", f"The reference must be {MAX_DOCUMENT} characters or fewer")
    status = (data.get("status") or AgreementStatus.DRAFT).strip()
    if status not in (AgreementStatus.DRAFT, AgreementStatus.ACTIVE):
        _err(errors, "status", "Choose draft or active")
    if errors:
        raise ValidationFailed("There is a problem with the agreement", errors=errors)
    return {
        "title": title,
        "parties": list(Agency.objects.filter(code__in=codes, active=True).order_by("name")),
        "categories": categories,
        "lawful_bases": bases,
        "starts_on": starts,
        "ends_on": ends,
        "document_reference": document,
        "status": status,
    }


def _require_manage(actor) -> None:
    if not agreements_manage_allowed(actor):
        raise PermissionDenied("You do not have permission to do that.")


def _detail(a: SharingAgreement, parties) -> dict:
    """Codes only (no free text): status, dates, party codes, categories, bases."""
    return {
        "status": a.status,
        "parties": sorted(p.code for p in parties),
        "categories": a.categories,
        "lawful_bases": a.lawful_bases,
        "starts_on": a.starts_on.isoformat() if a.starts_on else None,
        "ends_on": a.ends_on.isoformat() if a.ends_on else None,
    }


def _proposal(fields: dict, parties) -> dict:
    """Checked fields as a SettingChange holds them (JSON: agency codes, ISO 8601 dates)."""
    return {
        **{k: v for k, v in fields.items() if k not in ("starts_on", "ends_on")},
        "parties": sorted(p.code for p in parties),
        "starts_on": fields["starts_on"].isoformat(),
        "ends_on": fields["ends_on"].isoformat() if fields["ends_on"] else None,
    }


def agreement_widens(before: dict | None, after: dict) -> bool:
    """Whether an agreement as `after` covers anything that as `before` it did not (issue 7, attacker finding 5):
    both in _detail's shape (codes, ISO dates); `before` None for a new agreement. A draft covers nothing
    (access.sharing.agreement_check reads active agreements only), so a draft never widens; an active one widens
    when it is new or was a draft, or names another party, category or lawful basis, starts earlier or ends later
    (no end date is the latest). Pure."""
    if after["status"] != AgreementStatus.ACTIVE:
        return False
    if before is None or before["status"] != AgreementStatus.ACTIVE:
        return True
    if any(set(after[k]) - set(before[k]) for k in ("parties", "categories", "lawful_bases")):
        return True
    if after["starts_on"] < before["starts_on"]:
        return True
    return before["ends_on"] is not None and (after["ends_on"] is None or after["ends_on"] > before["ends_on"])


def _summary(title: str, before: dict | None, after: dict) -> str:
    """What a waiting agreement change does, in codes (no personal data: an agreement holds none)."""
    if before is None or before["status"] != AgreementStatus.ACTIVE:
        return f"Make '{title}' active: {', '.join(after['parties'])}; {', '.join(after['categories'])}"
    parts = [
        f"adds {k.replace('_', ' ')} {', '.join(sorted(set(after[k]) - set(before[k])))}"
        for k in ("parties", "categories", "lawful_bases")
        if set(after[k]) - set(before[k])
    ]
    if after["starts_on"] != before["starts_on"] or after["ends_on"] != before["ends_on"]:
        was, now = (f"{d['starts_on']} to {d['ends_on'] or 'open'}" for d in (before, after))
        parts.append(f"dates {was} -> {now}")
    return f"Widen '{title}': {'; '.join(parts)}"


@transaction.atomic
def agreement_create(*, actor, data: dict):
    """The partnership admin records an agreement. A draft (it covers nothing) is recorded at once and returned (a
    SharingAgreement); an active one lets requests and releases through that it covers, so it waits for a second
    partnership admin (dual control, ADR 0019 addendum; issue 7, attacker finding 5) and the pending
    partnership.SettingChange is returned (its key the new agreement's id, used when it is approved). Errors:
    ValidationFailed; PermissionDenied."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    _require_manage(actor)
    fields = agreement_check_input(data)
    parties = fields.pop("parties")
    after = _detail(SharingAgreement(**fields), parties)
    if agreement_widens(None, after):
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.SHARING_AGREEMENT,
            key=str(uuid.uuid4()),
            proposed={**_proposal(fields, parties), "create": True},
            base={"version": 0},
            summary=_summary(fields["title"], None, after),
        )
    return agreement_create_apply(actor=actor, data=data)


def agreement_create_apply(*, actor, data: dict, agreement_id=None, recorded_by=None, detail: dict | None = None):
    """Record an agreement now (a draft, or an active one a second admin approved: partnership.setting_changes,
    with the id chosen when it was asked for and the admin who asked as `recorded_by`). Audited `create` (codes;
    `detail` added). Callers check the actor. Errors: ValidationFailed."""
    fields = agreement_check_input(data)
    parties = fields.pop("parties")
    extra = {"pk": agreement_id} if agreement_id else {}
    a = SharingAgreement.objects.create(recorded_by=recorded_by or actor.user, **extra, **fields)
    a.parties.set(parties)
    audit_record(actor=actor, action="create", obj=a, detail={**_detail(a, parties), **(detail or {})})
    return a


@transaction.atomic
def agreement_update(*, actor, agreement_id, version: int, data: dict):
    """The partnership admin changes a draft or active agreement, given the version they read (optimistic
    concurrency: someone else's change in between is a Conflict, never overwritten). An ended agreement cannot be
    changed (Conflict). A change that covers no more than before (a draft, fewer parties, categories or bases,
    shorter dates, a new title or document reference) applies at once and returns the SharingAgreement; one that
    widens it (agreement_widens: making it active, another party, category or lawful basis, longer dates) waits for
    a second partnership admin (ADR 0019 addendum; issue 7, attacker finding 5), the agreement untouched until then,
    and the pending partnership.SettingChange is returned. Errors: ValidationFailed; Conflict; PermissionDenied;
    NotFound."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    _require_manage(actor)
    a = _get(SharingAgreement.objects.select_for_update(), agreement_id)
    if a.status == AgreementStatus.ENDED:
        raise Conflict("This agreement has ended and cannot be changed. Record a new one.")
    if int(version or 0) != a.version:
        raise Conflict("Someone else has changed this agreement since you opened it. Reload to see their changes.")
    fields = agreement_check_input(data)
    parties = fields.pop("parties")
    before = _detail(a, a.parties.all())
    after = _detail(SharingAgreement(**fields), parties)
    if agreement_widens(before, after):
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.SHARING_AGREEMENT,
            key=str(a.pk),
            proposed=_proposal(fields, parties),
            base={"version": a.version},
            summary=_summary(fields["title"], before, after),
        )
    return agreement_update_apply(actor=actor, agreement_id=a.pk, version=a.version, data=data)


def agreement_update_apply(*, actor, agreement_id, version: int, data: dict, detail: dict | None = None):
    """Change an agreement now (a narrowing, or a widening a second admin approved: partnership.setting_changes),
    given the version read (Conflict when it changed since). Audited `update` with each changed code before and
    after (`detail` added). Callers check the actor. Errors: ValidationFailed; Conflict."""
    a = _get(SharingAgreement.objects.select_for_update(), agreement_id)
    if a.status == AgreementStatus.ENDED or int(version or 0) != a.version:
        raise Conflict("Someone else has changed this agreement since you opened it. Reload to see their changes.")
    fields = agreement_check_input(data)
    parties = fields.pop("parties")
    before = _detail(a, a.parties.all())
    won = SharingAgreement.objects.filter(pk=a.pk, version=a.version).update(
        **fields, version=a.version + 1, updated_at=timezone.now()
    )
    if not won:
        raise Conflict("Someone else has changed this agreement since you opened it. Reload to see their changes.")
    a.refresh_from_db()
    a.parties.set(parties)
    after = _detail(a, parties)
    audit_record(
        actor=actor,
        action="update",
        obj=a,
        detail={**{k: [before[k], after[k]] for k in after if before[k] != after[k]}, **(detail or {})},
    )
    return a


def agreement_change_apply(*, actor, change) -> SharingAgreement:
    """Apply an approved partnership.SettingChange of kind "sharing_agreement" (setting_changes.KINDS): record the
    new agreement with the id it was asked for under, or change the agreement at the version it was asked against.
    The audit event names the change's reference and the admin who asked. Errors: ValidationFailed (a party no
    longer active, for instance: nothing changes); Conflict."""
    data = {k: v for k, v in change.proposed.items() if k != "create"}
    detail = {"setting_change": change.reference, "asked_by": change.requested_by.username}
    try:
        if change.proposed.get("create"):
            return agreement_create_apply(
                actor=actor, data=data, agreement_id=change.key, recorded_by=change.requested_by, detail=detail
            )
        return agreement_update_apply(
            actor=actor, agreement_id=change.key, version=change.base["version"], data=data, detail=detail
        )
    except ValidationFailed as exc:  # e.g. a party deactivated since: the change cannot be applied as asked
        raise Conflict(CHANGE_INVALID_MESSAGE) from exc


def agreement_version(agreement_id: str) -> dict:
    """The approved state a waiting agreement change is written against (setting_changes.KINDS "current"):
    {"version": n}, 0 while the agreement does not exist."""
    version = SharingAgreement.objects.filter(pk=agreement_id).values_list("version", flat=True).first()
    return {"version": version or 0}


@transaction.atomic
def agreement_end(*, actor, agreement_id, version: int, ends_on: dt.date | None = None) -> SharingAgreement:
    """The partnership admin ends an agreement: status ended, its end date today (or the earlier date given, never
    before it started). From then on it covers nothing. Errors: Conflict (ended already, or a stale version);
    ValidationFailed (ends_on); PermissionDenied; NotFound."""
    _require_manage(actor)
    a = _get(SharingAgreement.objects.select_for_update(), agreement_id)
    if a.status == AgreementStatus.ENDED:
        raise Conflict("This agreement has already ended.")
    if int(version or 0) != a.version:
        raise Conflict("Someone else has changed this agreement since you opened it. Reload to see their changes.")
    today = timezone.localdate()
    day = ends_on or today
    if day > today or day < a.starts_on:
        raise ValidationFailed(
            "There is a problem with the end date",
            errors={"ends_on": ["The end date must be today or earlier, and not before the agreement started"]},
        )
    now = timezone.now()
    SharingAgreement.objects.filter(pk=a.pk).update(
        status=AgreementStatus.ENDED,
        ends_on=day,
        ended_at=now,
        ended_by=actor.user,
        version=a.version + 1,
        updated_at=now,
    )
    a.refresh_from_db()
    audit_record(actor=actor, action="agreement_end", obj=a, detail={"ends_on": day.isoformat()})
    return a


@transaction.atomic
def outside_agreement_update(*, actor, mode: str):
    """The partnership admin sets what happens to a request or release no active agreement covers: "flag" (allow,
    flag for the privacy officer) or "refuse" (urgent child protection is still allowed and flagged). "refuse"
    (tightening) applies at once and returns the SharingSettings row; "refuse" -> "flag" (loosening) waits for a
    second partnership admin (ADR 0019 addendum, attacker review finding A) and returns the pending
    partnership.SettingChange. Audited."""
    from openmash.access.policy import require
    from openmash.access.sharing import outside_agreement_mode
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    if mode not in OutsideAgreement.values:
        raise ValidationFailed(
            "There is a problem with the setting", errors={"outside_agreement": ["Choose flag or refuse"]}
        )
    if mode == OutsideAgreement.FLAG and outside_agreement_mode() == OutsideAgreement.REFUSE:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.OUTSIDE_AGREEMENT,
            proposed={"mode": mode},
            summary="Outside an agreement: refuse -> flag (let through, flagged)",
        )
    return outside_agreement_apply(actor=actor, mode=mode)


def outside_agreement_apply(*, actor, mode: str) -> SharingSettings:
    """Set the outside-agreement mode now (a tightening, or a loosening a second admin approved). Audited `update`
    with the mode before and after. Callers check the mode and the actor."""
    row = SharingSettings.objects.select_for_update().order_by("created_at").first()
    before = row.outside_agreement if row else OutsideAgreement.FLAG
    if row is None:
        row = SharingSettings.objects.create(outside_agreement=mode)
    else:
        row.outside_agreement = mode
        row.save(update_fields=["outside_agreement", "updated_at"])
    audit_record(actor=actor, action="update", obj=row, detail={"outside_agreement": [before, mode]})
    return row


def agreement_refusal_record(*, actor, obj=None, object_type: str = "", answer, to: str) -> None:
    """Audit a request or release refused outside every agreement (golden rule 7: refusals are events too). Called
    after the refused transaction has rolled back, so the event stays. Codes only."""
    audit_record(
        actor=actor,
        action="agreement_refuse",
        obj=obj,
        object_type=object_type,
        detail={"category": answer.category, "to": to},
    )


# --- reads --------------------------------------------------------------------------------------------------------


def agreements_list(*, actor, status: str = ""):
    """Agreements the actor may read (all, for the hub, the partnership admin and the privacy officer), with their
    parties, active first then draft then ended, by title; audited (`list`). PermissionDenied for anyone else."""
    if not agreements_view_allowed(actor):
        raise PermissionDenied("You do not have permission to do that.")
    qs = agreements_visible(actor).prefetch_related("parties")
    if status in AgreementStatus.values:
        qs = qs.filter(status=status)
    rank = {AgreementStatus.ACTIVE: 0, AgreementStatus.DRAFT: 1, AgreementStatus.ENDED: 2}
    rows = sorted(qs, key=lambda a: (rank.get(a.status, 3), a.title.lower(), a.starts_on))
    if rows:  # every read is on the record, as every list (agreements are few: all of them)
        from openmash.audit.services import audit_record_many

        audit_record_many(actor=actor, action="list", objects=rows)
    return rows


def agreement_get(*, actor, agreement_id) -> SharingAgreement:
    """One agreement the actor may read (audited `view`); NotFound otherwise (PermissionDenied for a role that reads
    none)."""
    if not agreements_view_allowed(actor):
        raise PermissionDenied("You do not have permission to do that.")
    a = _get(agreements_visible(actor).prefetch_related("parties"), agreement_id)
    audit_record(actor=actor, action="view", obj=a)
    return a


def agreement_in_force(a: SharingAgreement, on: dt.date | None = None) -> bool:
    """Whether the agreement covers anything on `on` (today): active and in its dates."""
    day = on or timezone.localdate()
    return a.status == AgreementStatus.ACTIVE and a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)


def agreement_out(a: SharingAgreement) -> dict:
    """The one rendering of an agreement (pages and API): codes with their labels."""
    return {
        "id": a.id,
        "title": a.title,
        "parties": [{"code": p.code, "name": p.name} for p in a.parties.all()],
        "categories": a.categories,
        "category_labels": [InfoCategory(c).label for c in a.categories if c in InfoCategory.values],
        "lawful_bases": a.lawful_bases,
        "lawful_basis_labels": [AgreementBasis(b).label for b in a.lawful_bases if b in AgreementBasis.values],
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "document_reference": a.document_reference,
        "status": a.status,
        "in_force": agreement_in_force(a),
        "version": a.version,
    }


# --- the privacy officer's oversight -------------------------------------------------------------------------------

#: How many of the latest flagged requests and releases the review queue shows (each kind).
FLAGS_SHOWN = 50


def agreement_flags(*, actor, limit: int = FLAGS_SHOWN) -> list[dict]:
    """The latest requests and releases recorded outside every information-sharing agreement (flagged), newest
    first, for the privacy officer's review queue: when, what (a request to an agency / a release out of the MASH),
    the agency, the category of information, whether urgent, the contact reference (no names, no text). Audited: a
    `list` of the rows shown. PermissionDenied for anyone but the privacy officer."""
    from openmash.access.policy import require
    from openmash.access.sharing import agreement_flags_visible
    from openmash.audit.services import audit_record_many

    require(actor, "privacy.review")
    requests_qs, decisions_qs = agreement_flags_visible(actor)
    requests = list(requests_qs.select_related("agency", "enquiry__contact").order_by("-requested_at")[:limit])
    decisions = list(
        decisions_qs.select_related("agency", "item__request__enquiry__contact").order_by("-decided_at")[:limit]
    )
    labels = dict(InfoCategory.choices)
    rows = [
        {
            "when": r.requested_at,
            "what": "Request to an agency",
            "agency": r.agency.name,
            "category": labels.get(r.info_category, r.info_category or "Not stated"),
            "urgent": bool(r.enquiry.contact.immediate_risk) or r.enquiry.rag == "red",
            "reference": r.enquiry.contact.reference,
        }
        for r in requests
    ] + [
        {
            "when": d.decided_at,
            "what": "Release out of the MASH",
            "agency": d.agency.name,
            "category": labels.get(d.info_category, d.info_category or "Not stated"),
            "urgent": d.urgent,
            "reference": d.item.request.enquiry.contact.reference,
        }
        for d in decisions
    ]
    rows.sort(key=lambda row: row["when"], reverse=True)
    if requests:
        audit_record_many(actor=actor, action="list", objects=requests, reason="privacy review: outside agreement")
    if decisions:
        audit_record_many(actor=actor, action="list", objects=decisions, reason="privacy review: outside agreement")
    return rows[:limit]
