"""The JSON API of pattern flags (issue 8; ADR 0015): the hub's open flags, one flag with its explanation, and the
decisions (accept into a contact, dismiss with a reason, watch). Hub only (MASH screeners and managers): anyone else
gets 403 on the list and 404 on a flag. Every decision carries the flag's ``version`` as read: 409 when it is stale,
428 when it is missing, 422 with field messages on bad input."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from openmash.contacts.choices import (
    ConsentConditionIn,
    ConsentIn,
    ConsentLawfulBasisIn,
    ConsentNotSoughtIn,
    ConsentOverrideIn,
    consent_errors_with_codes,
)
from openmash.core.api_paging import DB_INT_MAX, PageOut, PageQuery, page_out
from openmash.core.exceptions import ValidationFailed
from openmash.core.text import CleanSchema
from openmash.patterns import decisions_extra as decisions
from openmash.patterns import selectors

router = Router(tags=["flags"])


class FlagRuleOut(Schema):
    code: str
    version: int | None = None
    title: str
    description: str = ""


class FlagEventOut(Schema):
    """One contributing event. ``evidence``, ``event_type`` and ``indicator`` are empty (``indicator_label`` "Sealed
    record") when the event is sealed and the caller's role is not one the partnership names for sealed records
    (``shown`` false; access.sharing.chronology_entry_held, the chronology's rule too)."""

    date: dt.date
    agency_code: str
    agency: str
    event_type: str
    indicator: str
    indicator_label: str
    evidence: str
    explained: bool
    sealed: bool
    shown: bool
    also_on_record: bool = False  # no rule counted it: also on record in the same period from another agency
    #: the child's own record in the flag's period that the reader read as nothing either way: not a concern read,
    #: named for a person to read (ADR 0021; ``indicator`` is ``not_read``)
    not_read: bool = False


class FlagChildOut(Schema):
    person_id: UUID | None
    name: str
    date_of_birth: dt.date | None = None
    age: str


class FlagSummaryOut(Schema):
    id: UUID
    version: int
    status: str
    as_of: dt.date
    child: FlagChildOut
    rules: list[str]
    agencies: list[str]


class FlagOut(Schema):
    id: UUID
    version: int
    status: str
    as_of: dt.date
    child: FlagChildOut
    rules: list[FlagRuleOut]
    agencies: list[str]
    events: list[FlagEventOut]
    contact_id: UUID | None = None
    decided_by: str = ""  # the person who accepted or dismissed it (their name), "" while open
    decided_at: dt.datetime | None = None  # when (UTC, ISO 8601)
    dismissal_reason: str = ""  # why it was dismissed (the reason the hub gave), "" otherwise or when held
    # the reason's level; held: it keeps the reason (and who dismissed) from this reader
    # (access.sharing.flag_dismissal_reason_held): the reason and decided_by are then empty
    dismissal_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    dismissal_reason_held: bool = False


class FlagPageOut(PageOut):
    items: list[FlagSummaryOut]


class FlagListQuery(PageQuery):
    order: Literal["newest", "strongest"] = "newest"


class FlagAcceptIn(CleanSchema):
    """Accept into a contact: the concern categories (CIN codes), the concern's description and the consent decision
    for the contact, which is the caller's own and is never assumed: ``consent`` (obtained, refused, not_sought,
    not_applicable; 422 "Select the consent position" when missing), with ``consent_not_sought_reason`` (not_sought),
    ``consent_override_reason`` (refused), ``consent_lawful_basis`` (all but obtained), ``consent_condition``
    (optional) and ``consent_detail`` (at most 500 characters): the values of ``POST /api/v1/contacts``, checked the
    same way (422 on the field at fault). ``add_to_enquiry`` adds the contact to the open MASH enquiry about the
    child (422 when there is none)."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"narrative", "consent_detail"})
    version: int = Field(ge=1, le=DB_INT_MAX)
    concern_codes: list[str] = Field(min_length=1, max_length=40)
    narrative: str = Field(min_length=1, max_length=20000)
    consent: ConsentIn = ""
    consent_not_sought_reason: ConsentNotSoughtIn = ""
    consent_override_reason: ConsentOverrideIn = ""
    consent_lawful_basis: ConsentLawfulBasisIn = ""
    consent_condition: ConsentConditionIn = ""
    consent_detail: str = Field("", max_length=5000)  # the service's limit (500) answers with its own message
    add_to_enquiry: bool = False

    def consent_data(self) -> dict:
        return {k: getattr(self, k) for k in decisions.CONSENT_KEYS}


class FlagDismissIn(CleanSchema):
    """Dismiss: ``reason`` in a few words (at least 10 letters or digits and two words; at most 2,000 characters:
    ``patterns.services.reason_problem``; 422 on ``reason`` with the page's message otherwise); ``sensitivity``
    standard (default), sensitive or sealed (422 otherwise)."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    version: int = Field(ge=1, le=DB_INT_MAX)
    reason: str = Field(max_length=20000)  # a bound on the request; the service's limit (2,000) has its own message
    # who reads the reason (access.sharing.flag_dismissal_reason_held): standard (default), sensitive or sealed
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


class FlagWatchIn(CleanSchema):
    version: int = Field(ge=1, le=DB_INT_MAX)
    days: int = Field(ge=1, le=decisions.WATCH_DAYS_MAX)


def _child(actor, flag) -> dict:
    """The flag's child as the one answer renders it (access.fields.flag_child_shown, field table "flag_child")."""
    from openmash.access.fields import flag_child_shown

    shown = flag_child_shown(actor, flag)
    shown.pop("fields")
    return shown


def flag_out(actor, flag) -> dict:
    from openmash.access.sharing import flag_dismissal_reason_held

    x = selectors.flag_explained(actor=actor, flag=flag)
    held = flag_dismissal_reason_held(actor, flag)  # issue 7, lawful sharing: the reason at its writer's level
    return {
        "id": flag.pk,
        "version": flag.version,
        "status": flag.status,
        "as_of": flag.as_of,
        "child": _child(actor, flag),
        "rules": x["rules"],
        "agencies": x["agencies"],
        "events": [{**e, "date": e["when"]} for e in x["events"]],
        "contact_id": flag.contact_id,
        "decided_by": str(flag.decided_by) if flag.decided_by_id and not held else "",
        "decided_at": flag.decided_at,
        "dismissal_reason": "" if held else flag.dismissal_reason or "",
        "dismissal_sensitivity": flag.dismissal_sensitivity,
        "dismissal_reason_held": held,
    }


@router.get("/flags", response=FlagPageOut, summary="Open pattern flags for the hub, paged (hub only)")
def flag_list(request, q: Query[FlagListQuery]):
    page = selectors.flags_page(actor=request.actor, order=q.order, page=q.page, page_size=q.page_size, clamp=False)
    items = [
        {
            "id": f.pk,
            "version": f.version,
            "status": f.status,
            "as_of": f.as_of,
            "child": _child(request.actor, f),
            "rules": f.rule_titles,
            "agencies": f.agency_names,
        }
        for f in page
    ]
    return page_out(page, items)


@router.get("/flags/{flag_id}", response=FlagOut, summary="A flag: the child, the rules and each event in time order")
def flag_detail(request, flag_id: UUID):
    return flag_out(request.actor, selectors.flag_get(actor=request.actor, flag_id=flag_id))


def _after(request, flag_id) -> dict:
    return flag_out(request.actor, selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False))


@router.post("/flags/{flag_id}/accept", response={201: FlagOut}, summary="Accept a flag into a contact")
def flag_accept(request, flag_id: UUID, payload: FlagAcceptIn):
    flag = selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)
    enquiry_id = None
    if payload.add_to_enquiry:
        enquiry = decisions.open_enquiry_for(flag.child)
        if enquiry is None:
            raise ValidationFailed(
                "The child is in no open MASH enquiry",
                errors={"add_to_enquiry": ["The child is in no open MASH enquiry"]},
            )
        enquiry_id = enquiry.pk
    try:
        decisions.flag_accept(
            actor=request.actor,
            flag_id=flag_id,
            version=payload.version,
            concern_codes=payload.concern_codes,
            narrative=payload.narrative,
            consent=payload.consent_data(),
            enquiry_id=enquiry_id,
        )
    except ValidationFailed as exc:
        exc.errors = consent_errors_with_codes(exc.errors or {})
        raise
    return Status(201, _after(request, flag_id))


@router.post("/flags/{flag_id}/dismiss", response=FlagOut, summary="Dismiss a flag (a reason is required)")
def flag_dismiss(request, flag_id: UUID, payload: FlagDismissIn):
    selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)
    decisions.flag_dismiss(
        actor=request.actor,
        flag_id=flag_id,
        version=payload.version,
        reason=payload.reason,
        sensitivity=payload.sensitivity,
    )
    return _after(request, flag_id)


@router.post("/flags/{flag_id}/watch", response=FlagOut, summary="Watch a flag: the child goes on the watch-list")
def flag_watch(request, flag_id: UUID, payload: FlagWatchIn):
    selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)
    decisions.flag_watch(actor=request.actor, flag_id=flag_id, version=payload.version, days=payload.days)
    return _after(request, flag_id)
