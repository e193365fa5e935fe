"""Writes for the secure room (issue 7): contributed items, the sharing decision on each, releases out of the hub
and requests for them. Every write is transactional and audited through openmash.audit.services with codes only
in the detail (never the item's text, a note or any other free text). Who may do what: openmash.access.sharing.

Decision fields (a dict, the same for the pages, the helper and the API; `decision_check` says what each needs):
  outcome        share / share_part / do_not_share (DecisionOutcome; release: share / do_not_share)
  part_text      share_part: the part shared (replaces the item's text: the minimum necessary, Caldicott 3)
  purpose        Purpose code                               (sharing, releasing)
  lawful_basis   LawfulBasis code (UK GDPR art. 6(1))       (sharing, releasing)
  special_condition  SpecialCondition code: required for special category data (a health or sexual-health item)
                 from an agency outside the police (UK GDPR art. 9, DPA 2018 Sch 1 para 18)
  part3_condition    Part3Condition code: required for a police agency's item (DPA 2018 Part 3, s35, Sch 8)
  consent        ConsentState code; consent_not_sought_reason (not sought) or consent_override_reason (refused)
  necessity_note why this much is necessary and proportionate (required unless urgent; 2,000 characters)
  note_sensitivity  standard (default) / sensitive / sealed: who reads the note (access.sharing.share_note_held)
  urgent         bool: a child at risk of significant harm now (sharing is never blocked: consent defaults to
                 not sought, reason urgent, and the note may be left for later; recorded)
  refusal_reason RefusalReason code (not sharing, refusing a release)
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from openmash.access.policy import agency_request_get_for, agency_requests_visible, require
from openmash.access.sharing import (
    agreement_check,
    hub_agencies,
    is_police_agency,
    item_audience,
    item_decide_allowed,
    item_get_for,
    item_info_category,
    item_owner,
    item_release_allowed,
    items_visible,
    pack_readable,
    release_request_allowed,
    release_request_recipients,
)
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.core.fields import encrypted_values
from openmash.sharing.choices import (
    SPECIAL_CATEGORIES,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ConsentState,
    DecisionKind,
    DecisionOutcome,
    IntelAssessment,
    IntelHandling,
    IntelSource,
    ItemSensitivity,
    ItemState,
    LawfulBasis,
    Part3Condition,
    Purpose,
    RefusalReason,
    ReleaseRequestStatus,
    SealedCategory,
    SensitiveCategory,
    SpecialCondition,
)
from openmash.sharing.models import ContributedItem, ReleaseRequest, ShareDecision, SharingSettings

MAX_ITEM_TEXT = 10000
MAX_NOTE = 2000
#: The error for a necessity note's sensitivity that is not standard, sensitive or sealed.
NOTE_SENSITIVITY_MESSAGE = "Select how sensitive the note is: standard, sensitive or sealed"
#: Decision fields a caller may give (anything else is ignored).
DECISION_FIELDS = (
    "outcome",
    "part_text",
    "purpose",
    "lawful_basis",
    "special_condition",
    "part3_condition",
    "consent",
    "consent_not_sought_reason",
    "consent_override_reason",
    "necessity_note",
    "note_sensitivity",
    "urgent",
    "refusal_reason",
)
#: Old answer sensitivities (enquiries.choices.Sensitivity) as item sensitivity and category: 'restricted' and
#: 'sensitive' summaries become sensitive items whose category was never stated; none is released.
OLD_SENSITIVITY = {
    "standard": (ItemSensitivity.STANDARD, ""),
    "sensitive": (ItemSensitivity.SENSITIVE, SensitiveCategory.NOT_STATED),
    "restricted": (ItemSensitivity.SENSITIVE, SensitiveCategory.NOT_STATED),
}


def _err(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _choice(value, choices, key: str, errors: dict, message: str, *, required: bool) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        if required:
            _err(errors, key, message)
        return ""
    if value not in choices.values:
        _err(errors, key, message)
        return ""
    return value


def item_check(data: dict, errors: dict, *, prefix: str = "") -> dict:
    """The checked content of an item. In: text, sensitivity (standard / sensitive / sealed), category (a
    SensitiveCategory code for sensitive, a SealedCategory code for sealed, none for standard), and for police
    intelligence intel_source (1-3), intel_assessment (A-E) and intel_handling (P, C), all three required. Errors go
    to `errors` under `prefix` + field name. Out: the fields to store."""
    text = (data.get("text") or "").strip()
    if not text:
        _err(errors, f"{prefix}text", "Enter what your agency holds")
    elif len(text) > MAX_ITEM_TEXT:
        _err(errors, f"{prefix}text", f"The item must be {MAX_ITEM_TEXT:,} characters or fewer")
    sensitivity = _choice(
        data.get("sensitivity") or "standard",
        ItemSensitivity,
        f"{prefix}sensitivity",
        errors,
        "Choose standard, sensitive or sealed",
        required=True,
    )
    category = (data.get("category") or "").strip()
    if sensitivity == ItemSensitivity.SENSITIVE:
        allowed = [c for c in SensitiveCategory.values if c != SensitiveCategory.NOT_STATED]
        if category not in allowed:
            _err(errors, f"{prefix}category", "Choose why the item is sensitive")
            category = ""
    elif sensitivity == ItemSensitivity.SEALED:
        if category not in SealedCategory.values:
            _err(errors, f"{prefix}category", "Choose why the item is sealed")
            category = ""
    else:
        category = ""
    grading = {"intel_source": "", "intel_assessment": "", "intel_handling": ""}
    if category == SensitiveCategory.POLICE_INTELLIGENCE:
        for key, choices, message in (
            ("intel_source", IntelSource, "Choose the source evaluation (1, 2 or 3)"),
            ("intel_assessment", IntelAssessment, "Choose the intelligence assessment (A to E)"),
            ("intel_handling", IntelHandling, "Choose the handling code (P or C)"),
        ):
            grading[key] = _choice(data.get(key), choices, f"{prefix}{key}", errors, message, required=True)
    return {"text": text, "sensitivity": sensitivity, "category": category, **grading}


def decision_check(data: dict, *, item, agency, release: bool, errors: dict, prefix: str = "") -> dict:
    """The checked fields of a sharing decision (the module docstring says what each needs). `release`: a decision
    about releasing an item out of the hub (outcome share = release, do_not_share = refuse); else about sharing it
    into the hub. Out: the fields to store, plus "outcome" and "part_text"."""
    p = prefix
    outcome = _choice(
        data.get("outcome"),
        DecisionOutcome,
        f"{p}outcome",
        errors,
        "Choose whether to release it" if release else "Choose whether to share it",
        required=True,
    )
    if release and outcome == DecisionOutcome.SHARE_PART:
        _err(errors, f"{p}outcome", "Release the item or refuse: to share less, the agency adds a new item")
    urgent = bool(data.get("urgent"))
    out = {
        "outcome": outcome,
        "part_text": "",
        "urgent": urgent,
        "purpose": "",
        "lawful_basis": "",
        "special_condition": "",
        "part3_condition": "",
        "consent": "",
        "consent_not_sought_reason": "",
        "consent_override_reason": "",
        "necessity_note": "",
        "note_sensitivity": ItemSensitivity.STANDARD,
        "refusal_reason": "",
    }
    note = (data.get("necessity_note") or "").strip()
    if len(note) > MAX_NOTE:
        _err(errors, f"{p}necessity_note", f"The note must be {MAX_NOTE:,} characters or fewer")
    out["necessity_note"] = note[:MAX_NOTE]
    # who reads the note (access.sharing.share_note_held); standard when not given, as the pages and the API default
    out["note_sensitivity"] = _choice(
        data.get("note_sensitivity") or ItemSensitivity.STANDARD,
        ItemSensitivity,
        f"{p}note_sensitivity",
        errors,
        NOTE_SENSITIVITY_MESSAGE,
        required=True,
    )
    if outcome == DecisionOutcome.DO_NOT_SHARE:
        out["refusal_reason"] = _choice(
            data.get("refusal_reason"),
            RefusalReason,
            f"{p}refusal_reason",
            errors,
            "Choose why you are not sharing it" if not release else "Choose why you are not releasing it",
            required=True,
        )
        return out
    if not outcome:
        return out
    out["purpose"] = _choice(
        data.get("purpose"), Purpose, f"{p}purpose", errors, "Choose the safeguarding purpose", required=True
    )
    basis = data.get("lawful_basis")
    if basis == LawfulBasis.NOT_RECORDED:
        basis = "invalid"
    out["lawful_basis"] = _choice(
        basis, LawfulBasis, f"{p}lawful_basis", errors, "Choose the lawful basis (UK GDPR article 6)", required=True
    )
    out.update(_conditions_check(data, item=item, agency=agency, errors=errors, prefix=p))
    out.update(_consent_check(data, urgent=urgent, errors=errors, prefix=p))
    if not note and not urgent:
        _err(errors, f"{p}necessity_note", "Say why sharing this is necessary and proportionate")
    if outcome == DecisionOutcome.SHARE_PART:
        part = (data.get("part_text") or "").strip()
        if not part:
            _err(errors, f"{p}part_text", "Enter the part of the item you will share")
        elif len(part) > MAX_ITEM_TEXT:
            _err(errors, f"{p}part_text", f"The part must be {MAX_ITEM_TEXT:,} characters or fewer")
        out["part_text"] = part
    return out


def _conditions_check(data: dict, *, item, agency, errors: dict, prefix: str) -> dict:
    """The DPA 2018 condition a share needs: Part 3 / Schedule 8 for a police agency's item (s35(5)); a Schedule 1
    condition for special category data from anyone else (UK GDPR art. 9(2), DPA 2018 s10)."""
    p = prefix
    out = {"part3_condition": "", "special_condition": ""}
    special = item.sensitivity == ItemSensitivity.SENSITIVE and item.category in SPECIAL_CATEGORIES
    if is_police_agency(agency):
        out["part3_condition"] = _choice(
            data.get("part3_condition"),
            Part3Condition,
            f"{p}part3_condition",
            errors,
            "Choose the DPA 2018 Part 3 condition (Schedule 8)",
            required=True,
        )
    elif special:
        out["special_condition"] = _choice(
            data.get("special_condition"),
            SpecialCondition,
            f"{p}special_condition",
            errors,
            "Choose the condition for special category data (DPA 2018 Schedule 1)",
            required=True,
        )
    return out


def _consent_check(data: dict, *, urgent: bool, errors: dict, prefix: str) -> dict:
    """Consent given, refused (with why it is overridden) or not sought (with why); urgent: not sought, reason
    urgent, unless the caller says otherwise (DOMAIN.md 3.2; golden rules 2 and 3, 2024)."""
    p = prefix
    out = {"consent": "", "consent_not_sought_reason": "", "consent_override_reason": ""}
    consent = data.get("consent") or (ConsentState.NOT_SOUGHT if urgent else "")
    out["consent"] = _choice(
        consent,
        ConsentState,
        f"{p}consent",
        errors,
        "Choose whether consent was given, refused or not sought",
        required=True,
    )
    if out["consent"] == ConsentState.NOT_SOUGHT:
        reason = data.get("consent_not_sought_reason") or (ConsentNotSoughtReason.URGENT if urgent else "")
        out["consent_not_sought_reason"] = _choice(
            reason,
            ConsentNotSoughtReason,
            f"{p}consent_not_sought_reason",
            errors,
            "Choose why consent was not sought",
            required=True,
        )
    if out["consent"] == ConsentState.REFUSED:
        out["consent_override_reason"] = _choice(
            data.get("consent_override_reason"),
            ConsentOverrideReason,
            f"{p}consent_override_reason",
            errors,
            "Choose why you are sharing although consent was refused",
            required=True,
        )
    return out


def _audit_detail(item, decision: ShareDecision) -> dict:
    """Codes only: no text, no note (the audit trail never holds free text about an item)."""
    return {
        "kind": decision.kind,
        "outcome": decision.outcome,
        "sensitivity": item.sensitivity,
        "category": item.category,
        "lawful_basis": decision.lawful_basis,
        "consent": decision.consent,
        "urgent": decision.urgent,
        "refusal_reason": decision.refusal_reason,
        "note_sensitivity": decision.note_sensitivity,  # the level, never the note
        "via": decision.via,
        "agreement": decision.agreement_check,
    }


def _decision_save(*, actor, item, kind: str, fields: dict, via: str, now) -> ShareDecision:
    stored = {k: v for k, v in fields.items() if k != "part_text"}
    return ShareDecision.objects.create(
        item=item, kind=kind, decided_by=actor.user, decided_at=now, agency_id=item.agency_id, via=via, **stored
    )


def _request_for_item(actor, request_id):
    """The agency request an item is added to: visible to the actor and addressed to their agency (the agency that
    answers it); PermissionDenied for the hub, which sees requests but never answers them."""
    require(actor, "request.respond")
    request = agency_request_get_for(
        actor, request_id, qs=agency_requests_visible(actor).select_related("agency", "enquiry__contact")
    )
    if request.agency_id != actor.agency_id:
        raise PermissionDenied("Only the agency asked can add to its answer.")
    return request


def _next_position(request) -> int:
    last = ContributedItem.objects.filter(request=request).order_by("-position").values_list("position", flat=True)
    return (last.first() or 0) + 1


@transaction.atomic
def item_add(*, actor, request_id, item: dict, decision: dict | None = None, via: str = "form") -> ContributedItem:
    """An agency researcher adds an item to their agency's answer (a draft, seen only by their agency, until the
    sharing decision: given here or later by item_decide). In: `item` (item_check's fields) and optionally
    `decision` (decision_check's fields). Errors: ValidationFailed with the item's fields and the decision's under
    "decision."; PermissionDenied (not the agency asked); NotFound (a request the actor may not see)."""
    request = _request_for_item(actor, request_id)
    errors: dict[str, list[str]] = {}
    fields = item_check(item, errors)
    if errors:
        raise ValidationFailed("There is a problem with the item", errors=errors)
    now = timezone.now()
    new = ContributedItem.objects.create(
        request=request,
        agency_id=request.agency_id,
        position=_next_position(request),
        recorded_by=actor.user,
        recorded_at=now,
        state=ItemState.DRAFT,
        source="item",
        **fields,
    )
    audit_record(
        actor=actor, action="create", obj=new, detail={"sensitivity": new.sensitivity, "category": new.category}
    )
    if decision is not None:
        errors = {}
        checked = decision_check(decision, item=new, agency=request.agency, release=False, errors=errors)
        if errors:
            raise ValidationFailed(
                "There is a problem with the sharing decision", errors={f"decision.{k}": v for k, v in errors.items()}
            )
        _decide(actor=actor, item=new, fields=checked, via=via, now=now)
    answer_chronology_follow(request)  # an item added to an answered request may raise the answer's level
    return new


def _decide(*, actor, item, fields: dict, via: str, now) -> ShareDecision:
    outcome = fields["outcome"]
    if outcome == DecisionOutcome.DO_NOT_SHARE:
        kind, state, action = DecisionKind.REFUSE, ItemState.REFUSED, "share_refuse"
    else:
        kind, state, action = DecisionKind.SHARE, ItemState.SHARED, "share"
    decision = _decision_save(actor=actor, item=item, kind=kind, fields=fields, via=via, now=now)
    update = {"state": state, "refusal_reason": fields["refusal_reason"] if state == ItemState.REFUSED else ""}
    if outcome == DecisionOutcome.SHARE_PART:
        update["text"] = fields["part_text"]
    sealed = encrypted_values(ContributedItem, item.pk, **update)  # the part's text, encrypted for this row (ADR 0012)
    won = ContributedItem.objects.filter(pk=item.pk, state=ItemState.DRAFT).update(**sealed, updated_at=now)
    if not won:
        raise Conflict("The sharing decision on this item has already been made.")
    for k, v in update.items():
        setattr(item, k, v)
    audit_record(actor=actor, action=action, obj=item, detail=_audit_detail(item, decision))
    return decision


@transaction.atomic
def item_decide(*, actor, item_id, decision: dict, via: str = "form") -> ShareDecision:
    """Record the sharing decision on a draft item (share, share part, do not share): the item is then shared into
    the hub or refused. Errors: ValidationFailed per field; Conflict if decided already; NotFound."""
    require(actor, "request.respond")
    item = item_get_for(actor, item_id, qs=items_visible(actor).select_related("agency"))
    if not item_owner(actor, item):
        raise PermissionDenied("Only the agency that holds the item decides whether to share it.")
    if not item_decide_allowed(actor, item):
        raise Conflict("The sharing decision on this item has already been made.")
    errors: dict[str, list[str]] = {}
    fields = decision_check(decision, item=item, agency=item.agency, release=False, errors=errors)
    if errors:
        raise ValidationFailed("There is a problem with the sharing decision", errors=errors)
    return _decide(actor=actor, item=item, fields=fields, via=via, now=timezone.now())


class _OutsideAgreementRefused(Exception):
    def __init__(self, item, answer) -> None:
        super().__init__("outside agreement")
        self.item, self.answer = item, answer


def item_release(*, actor, item_id, decision: dict, via: str = "form") -> ShareDecision:
    """The owning agency releases an item out of the hub (outcome share) or refuses to (do_not_share), with its
    recorded decision. A release makes exactly this item appear in the MASH pack, to the referrer's view and in
    exports (access.sharing.item_view). Open release requests for the item are answered and their askers told (in
    app, the contact reference only). A release is checked against the information-sharing agreements
    (access.sharing.agreement_check: the item's category of information, from its agency to the hub's): the
    agreement, or none and "outside" (flagged), is recorded on the decision; when the partnership refuses releases
    outside an agreement and the decision is not urgent (a child at risk of significant harm now), it is refused:
    ValidationFailed under "agreement", nothing recorded but the audited refusal.
    Errors: ValidationFailed; Conflict (not shared into the hub, or released already); PermissionDenied (not the
    owning agency); NotFound."""
    try:
        return _item_release(actor=actor, item_id=item_id, decision=decision, via=via)
    except _OutsideAgreementRefused as exc:
        from openmash.sharing.agreements import agreement_refusal_record

        agreement_refusal_record(actor=actor, obj=exc.item, answer=exc.answer, to="hub")
        raise ValidationFailed(
            "There is a problem with the release decision", errors={"agreement": [exc.answer.message]}
        ) from None


@transaction.atomic
def _item_release(*, actor, item_id, decision: dict, via: str = "form") -> ShareDecision:
    require(actor, "request.respond")
    item = item_get_for(actor, item_id, qs=items_visible(actor).select_related("agency", "request__enquiry__contact"))
    if not item_owner(actor, item):
        raise PermissionDenied("Only the agency that holds the item may release it.")
    if not item_release_allowed(actor, item):
        raise Conflict("Only an item shared with the MASH and not yet released can be released.")
    errors: dict[str, list[str]] = {}
    fields = decision_check(decision, item=item, agency=item.agency, release=True, errors=errors)
    if errors:
        raise ValidationFailed("There is a problem with the release decision", errors=errors)
    now = timezone.now()
    release = fields["outcome"] == DecisionOutcome.SHARE
    kind = DecisionKind.RELEASE if release else DecisionKind.REFUSE_RELEASE
    agreement = {}
    if release:
        answer = agreement_check(
            from_agency=item.agency,
            to_agencies=hub_agencies(),
            category=item_info_category(item),
            urgent_child_protection=fields["urgent"],
        )
        if answer.refused:
            raise _OutsideAgreementRefused(item, answer)
        agreement = {
            "agreement": answer.agreement,
            "agreement_check": answer.recorded,
            "info_category": answer.category,
        }
    decision_row = _decision_save(actor=actor, item=item, kind=kind, fields={**fields, **agreement}, via=via, now=now)
    if release:
        won = ContributedItem.objects.filter(pk=item.pk, released_at__isnull=True).update(
            released_at=now, released_by=actor.user, updated_at=now
        )
        if not won:
            raise Conflict("This item has already been released.")
        item.released_at, item.released_by = now, actor.user
    audit_record(
        actor=actor,
        action="release" if release else "release_refuse",
        obj=item,
        detail=_audit_detail(item, decision_row),
    )
    _release_requests_answer(item=item, decision=decision_row, released=release, now=now)
    return decision_row


def _release_requests_answer(*, item, decision, released: bool, now) -> None:
    from openmash.enquiries.services import notifications_send

    status = ReleaseRequestStatus.RELEASED if released else ReleaseRequestStatus.REFUSED
    open_requests = list(
        ReleaseRequest.objects.filter(item=item, status=ReleaseRequestStatus.OPEN).select_related("requested_by")
    )
    ReleaseRequest.objects.filter(pk__in=[r.pk for r in open_requests]).update(
        status=status, answered_at=now, decision=decision, updated_at=now
    )
    contact = item.request.enquiry.contact
    notifications_send(
        users=[r.requested_by for r in open_requests],
        contact=contact,
        message=f"{item.agency.name} answered your release request on {contact.reference}",
    )


def _release_ask(*, actor, item, now, via: str = "") -> tuple[ReleaseRequest, bool]:
    """One ReleaseRequest of `actor` for `item` (whose release the caller has checked the actor may ask): the open
    one the actor already has, or a new one, audited "release_request" (detail: as, and `via` when given). Out:
    (the request, whether it was made now). Notifying the agency is the caller's (once per action)."""
    existing = ReleaseRequest.objects.filter(
        item=item, requested_by=actor.user, status=ReleaseRequestStatus.OPEN
    ).first()
    if existing is not None:
        return existing, False
    asked = ReleaseRequest.objects.create(
        item=item, requested_by=actor.user, requested_at=now, requested_as="hub" if actor.is_hub else "worker"
    )
    detail = {"as": asked.requested_as, **({"via": via} if via else {})}
    audit_record(actor=actor, action="release_request", obj=asked, detail=detail)
    return asked, True


@transaction.atomic
def release_request_create(*, actor, item_id) -> ReleaseRequest:
    """The hub (inside the enquiry) or the allocated worker (from the MASH pack) asks the owning agency to release
    an item. The agency's researchers get an in-app notification naming the contact reference and the agency only
    (no content). Asking again while a request of the same person is open answers with that request.
    Errors: NotFound (an item the actor may not see, or may see only as held: a sealed item for a role not named
    for sealed items; the 404 is audited ``deny`` by the denied-access middleware, like any item the actor may not
    see); Conflict (refused, draft or already released)."""
    item = item_get_for(actor, item_id, qs=items_visible(actor).select_related("agency", "request__enquiry__contact"))
    contact = item.request.enquiry.contact
    pack_allowed = not actor.is_hub and pack_readable(actor, contact)
    audience = item_audience(actor, item, pack_allowed=pack_allowed)
    if not audience or audience == "hub_held":
        raise NotFound()
    if not release_request_allowed(actor, item, pack_allowed=pack_allowed):
        raise Conflict("This item cannot be asked for: it is released already, or not shared with the MASH.")
    asked, made = _release_ask(actor=actor, item=item, now=timezone.now())
    if not made:
        return asked
    from openmash.enquiries.services import notifications_send

    notifications_send(
        users=[m.user for m in release_request_recipients(item).select_related("user")],
        contact=contact,
        message=f"Release asked: an item from {item.agency.name} on {contact.reference}",
    )
    return asked


@transaction.atomic
def pack_release_requests_create(*, actor, contact_id, agency_code: str) -> list[ReleaseRequest]:
    """At allocation (the hand-over of a decided contact's MASH pack), the hub asks one agency, in one click, to
    release every item it shared into the hub that is withheld from the pack (shared, not released, not withdrawn;
    ADR 0013: items leave the hub only when their agency releases them). One ReleaseRequest per item (an open one the
    actor already has is kept), each audited "release_request" (via "allocation"), and ONE in-app notification to
    the agency's researchers naming the number of items, the agency and the contact reference only (no personal
    data). Their release-requests list (and the inbox's "release requests waiting") shows them.

    In: the contact (a decided MASH pack the actor may open) and the agency's code. Out: the requests (new and
    already open). Errors: PermissionDenied for anyone outside the hub (enquiry.view); NotFound for a contact that
    is not a pack the actor may open; ValidationFailed on "agency" for an unknown agency; Conflict when nothing of
    that agency is withheld from the pack. Source: issue 5 review, "prompt release at allocation"."""
    from openmash.access.policy import mash_packs_visible
    from openmash.accounts.models import Agency
    from openmash.enquiries.services import notifications_send
    from openmash.sharing.selectors import pack_withheld_items

    require(actor, "enquiry.view")
    contact = mash_packs_visible(actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    agency = Agency.objects.filter(code=str(agency_code or "")).first()
    if agency is None:
        raise ValidationFailed("Choose an agency", errors={"agency": ["Choose the agency to ask"]})
    items = [i for i in pack_withheld_items(actor=actor, contact=contact) if i.agency_id == agency.pk]
    if not items:
        raise Conflict(f"Nothing from {agency.name} is waiting to be released for this pack.")
    now = timezone.now()
    asked = [_release_ask(actor=actor, item=i, now=now, via="allocation") for i in items]
    made = sum(1 for _, new in asked if new)
    if made:
        notifications_send(
            users=[m.user for m in release_request_recipients(items[0]).select_related("user")],
            contact=contact,
            message=f"Release asked: {made} item{'s' if made != 1 else ''} from {agency.name} on {contact.reference}",
        )
    return [r for r, _ in asked]


# --- the plain summary (the old API field and the answer form's summary) -----------------------------------------


def summary_item_sync(*, actor, request, summary: str, sensitivity: str, now, via: str = "summary") -> None:
    """Keep the item made from an answer's plain summary in step with it: the live summary (or migrated) item is
    withdrawn, and a non-empty summary becomes one item (standard; an old 'sensitive' or 'restricted' summary a
    sensitive item, category not stated), shared into the hub with a decision whose lawful basis is 'not recorded',
    never released. Called inside the answering and amending services' transaction."""
    live = ContributedItem.objects.filter(
        request=request, source__in=("summary", "migrated"), withdrawn_at__isnull=True
    )
    withdrawn = list(live.values_list("pk", flat=True))
    if withdrawn:
        live.update(withdrawn_at=now, updated_at=now)
    summary = (summary or "").strip()
    if not summary:
        return
    level, category = OLD_SENSITIVITY.get(sensitivity, OLD_SENSITIVITY["standard"])
    item = ContributedItem.objects.create(
        request=request,
        agency_id=request.agency_id,
        position=_next_position(request),
        text=summary,
        sensitivity=level,
        category=category,
        state=ItemState.SHARED,
        source="summary",
        recorded_by=actor.user,
        recorded_at=now,
    )
    decision = ShareDecision.objects.create(
        item=item,
        kind=DecisionKind.SHARE,
        outcome=DecisionOutcome.SHARE,
        lawful_basis=LawfulBasis.NOT_RECORDED,
        decided_by=actor.user,
        decided_at=now,
        agency_id=request.agency_id,
        via=via,
    )
    audit_record(actor=actor, action="share", obj=item, detail=_audit_detail(item, decision))


def items_add_many(*, actor, request, items: list[dict], via: str) -> None:
    """Items given with an answer (the API's `items`): each with its sharing decision (required here, so nothing
    given with an answer waits as a draft). Errors under items.N.<field> and items.N.decision.<field>."""
    errors: dict[str, list[str]] = {}
    checked = []
    for n, data in enumerate(items):
        fields = item_check(data, errors, prefix=f"items.{n}.")
        if data.get("decision") is None:
            _err(errors, f"items.{n}.decision", "Give the sharing decision for the item")
        checked.append(fields)
    if errors:
        raise ValidationFailed("There is a problem with the items", errors=errors)
    now = timezone.now()
    made = []
    for fields in checked:
        made.append(
            ContributedItem.objects.create(
                request=request,
                agency_id=request.agency_id,
                position=_next_position(request),
                recorded_by=actor.user,
                recorded_at=now,
                state=ItemState.DRAFT,
                source="item",
                **fields,
            )
        )
    decided = []
    for n, (item, data) in enumerate(zip(made, items, strict=True)):
        d = decision_check(
            data["decision"],
            item=item,
            agency=request.agency,
            release=False,
            errors=errors,
            prefix=f"items.{n}.decision.",
        )
        decided.append(d)
    if errors:
        raise ValidationFailed("There is a problem with the items", errors=errors)
    for item, fields in zip(made, decided, strict=True):
        audit_record(
            actor=actor, action="create", obj=item, detail={"sensitivity": item.sensitivity, "category": item.category}
        )
        _decide(actor=actor, item=item, fields=fields, via=via, now=now)


def answer_chronology_follow(request) -> str:
    """The chronology entries of an agency's answer (kind "agency_response": the answer and each amendment) carry
    the sensitivity of the answer (access.sharing.answer_text_sensitivity: the highest of its items, in any state,
    and of the answer's own level), so the chronology holds them as the answer's text is held (issue 7). Called
    after the answer is written or amended and after an item is added to an answered request. In: the AgencyRequest.
    Out: the level ("standard", "sensitive", "sealed"). No answer yet: nothing changes, "standard"."""
    from openmash.access.sharing import answer_text_sensitivity
    from openmash.enquiries.models import AgencyResponse
    from openmash.people.services import chronology_sensitivity_follow

    response = AgencyResponse.objects.filter(request_id=request.pk).select_related("request").first()
    if response is None:
        return "standard"
    level = answer_text_sensitivity(response.request)
    chronology_sensitivity_follow(obj=response, sensitivity=level)
    return level


def request_has_items(request) -> bool:
    """Whether the agency has decided on at least one item for this request (shared or refused), besides the item
    made from a plain summary: its answer may then come without a plain summary."""
    return (
        ContributedItem.objects.filter(
            request=request, state__in=(ItemState.SHARED, ItemState.REFUSED), withdrawn_at__isnull=True
        )
        .exclude(source__in=("summary", "migrated"))
        .exists()
    )


@transaction.atomic
def sealed_roles_update(*, actor, roles: list[str]):
    """The partnership admin names the roles that see sealed items (access.sharing.SEALED_ROLES_ALLOWED: MASH
    screener, MASH manager, allocated social worker; at least one). Taking roles away (narrowing) applies at once
    and returns the SharingSettings row; naming a role that did not see sealed items (widening) waits for a second
    partnership admin (dual control, ADR 0019 addendum, attacker review finding A) and returns the pending
    partnership.SettingChange. Audited (the role codes; `setting_change_request` when it waits)."""
    from openmash.access.sharing import SEALED_ROLES_ALLOWED, sealed_roles
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    roles = sorted(set(roles or []))
    if not roles or any(r not in SEALED_ROLES_ALLOWED for r in roles):
        raise ValidationFailed(
            "There is a problem with the sealed roles",
            errors={
                "sealed_roles": ["Select at least one role: MASH screener, MASH manager or allocated social worker"]
            },
        )
    added = set(roles) - set(sealed_roles())
    if added:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.SEALED_ROLES,
            proposed={"roles": roles},
            summary=f"Sealed items seen by: {', '.join(roles)} (adds {', '.join(sorted(added))})",
        )
    return sealed_roles_apply(actor=actor, roles=roles)


def sealed_roles_apply(*, actor, roles: list[str]) -> SharingSettings:
    """Set the sealed roles now (a narrowing, or a widening a second admin approved: partnership.setting_changes).
    Audited `update` with the roles before and after. Callers check the roles and the actor."""
    from openmash.access.sharing import sealed_roles

    before = sorted(sealed_roles())
    row = SharingSettings.objects.select_for_update().order_by("created_at").first()
    if row is None:
        row = SharingSettings.objects.create(sealed_roles=roles)
    else:
        row.sealed_roles = roles
        row.save(update_fields=["sealed_roles", "updated_at"])
    audit_record(actor=actor, action="update", obj=row, detail={"sealed_roles": [before, roles]})
    return row
