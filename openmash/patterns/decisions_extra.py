"""The hub's decisions on a flag as the pages and the API make them, and the watch-list's writes (issue 8; ADR 0015).
Built on ``patterns.services.flag_decide`` (the decision itself: optimistic on ``version``, audited); every function
here is one transaction, so a refused decision leaves nothing behind (no contact recorded, no watch started).

- ``flag_accept(actor, flag_id, version, concern_codes, narrative, consent, enquiry_id=None)``: record a contact
  about the child through ``contacts.services.contact_create`` (the concern summary as its narrative, source 5A "LA
  services: social care", referrer "OpenMASH pattern flag", the consent decision as given), and, when
  ``enquiry_id`` names an open MASH enquiry about the child, screen that contact straight into it
  (``enquiries.services.screening_record``, outcome add_to_enquiry); then the flag is accepted with that contact.
- The consent decision (``consent``: a mapping of ``consent``, ``consent_not_sought_reason``,
  ``consent_override_reason``, ``consent_lawful_basis``, ``consent_condition``, ``consent_detail``, as the intake
  form and ``POST /api/v1/contacts`` take them) is the screener's own, asked on the page and in the API, never
  assumed: the contact records it in their name, and a screener would expect to be asked as at any intake
  (practitioner review: a default "consent not sought" was recorded that nobody chose). Checked by
  ``contact_create`` (ValidationFailed on the field at fault: "Select the consent position", "Select why consent
  was not sought", "Select the lawful basis for sharing without consent" ...).
- ``flag_dismiss(actor, flag_id, version, reason)``: a reason of a few words is required (``services.reason_problem``;
  ValidationFailed on ``reason``).
- ``flag_watch(actor, flag_id, version, days)``: the flag is watched and the child put on the watch-list for
  ``days`` (1 to 365; ValidationFailed on ``days``).
- ``watch_start(actor, child, days, source, ...)``: a watch (the current one of the child is extended, not doubled).
- ``watch_on_screen_out(actor, contact, outcome)``: screening as no further action or early help watches each child
  of the contact for OPENMASH_WATCH_DAYS (default 90); a child whose contacts in twelve months reach
  OPENMASH_WATCH_ESCALATE_CONTACTS (default 3) is escalated once (``patterns.watching.watch_escalate_if_due``, also
  run wherever a contact is recorded or imported): the hub's managers are told in-app.

Errors: PermissionDenied (not ``flag.decide``), NotFound (a flag the actor may not see, or none), ValidationFailed
(field messages), Conflict (the flag changed since it was shown: "This flag changed since you opened it").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openmash.access.policy import can, flags_visible
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.patterns.models import Flag, FlagStatus, Watch, WatchSource
from openmash.patterns.services import flag_decide, reason_problem

STALE = "This flag changed since you opened it: look at it again"
WATCH_DAYS_MAX = 365


def _events_shown(actor, flag: Flag) -> tuple[list[dict], bool]:
    """(the flag's contributing events a contact's prefill may rest on, whether any event was left out): the flag
    page's own answer (selectors.flag_explained: access.policy.chronology_sensitivities and
    access.sharing.chronology_entry_held), so a prefill never rests on what the screener may not read; and never
    on a sealed event, even for a sealed role accepting the flag: the contact is read by screeners and the allocated
    worker, who may not read it (fourth attacker review: a manager's accept pre-ticked 18C and 19C from sealed
    sexual-health events, and a screener then read them on the contact)."""
    from openmash.patterns.selectors import flag_explained

    events = flag_explained(actor=actor, flag=flag)["events"]
    usable = [e for e in events if e["shown"] and not e["sealed"]]
    return usable, len(usable) < len(events)


def suggested_concern_codes(flag: Flag, *, actor) -> list[str]:
    """The CIN concern categories (patterns.reading.INDICATOR_CONCERNS) that match the indicators of the flag's
    contributing events the actor may read (``20`` Other when none do). A sealed event (for any actor), or one the
    chronology rules hide from them, suggests nothing: the contact is recorded in their name and read by the
    allocated worker (attacker review 2026-12, finding B: 19B prefilled from sealed sexual-health events)."""
    from openmash.patterns.reading import INDICATOR_CONCERNS

    shown, _held = _events_shown(actor, flag)
    codes = list(
        dict.fromkeys(INDICATOR_CONCERNS[e["indicator"]] for e in shown if e["indicator"] in INDICATOR_CONCERNS)
    )
    return codes or ["20"]


def concern_summary(flag: Flag, *, actor) -> str:
    """The contact's prefilled narrative: the rules that fired and the names of the agencies whose events the actor
    may read (as every page names them), without quoting evidence; sealed records are said to be held, never by
    which agency (the agency can say what they are)."""
    titles = "; ".join(r.get("title") or r.get("code", "") for r in flag.rules or [])
    shown, held = _events_shown(actor, flag)
    names = sorted({e["agency"] for e in shown})
    text = f"Pattern flag accepted by the MASH (as at {flag.as_of:%d %B %Y}). Rules: {titles}."
    if names:
        text += f" Agencies whose records contributed: {', '.join(names)}."
    if held:
        text += " Sealed records also contributed: only the roles the partnership names may read them."
    return text


def _decidable(actor, flag_id, version) -> Flag:
    if not can(actor, "flag.decide"):
        raise PermissionDenied("You cannot decide flags")
    flag = flags_visible(actor).filter(pk=flag_id).first()
    if flag is None:
        raise NotFound()
    if version is None:
        raise ValidationFailed("Send the version of the flag you read", errors={"version": ["Required"]})
    if flag.status not in (FlagStatus.OPEN, FlagStatus.WATCHING) or flag.version != int(version):
        raise Conflict(STALE)
    return flag


def open_enquiry_for(child) -> object | None:
    """The open MASH enquiry about the child (over their cluster), newest first; None when there is none."""
    from openmash.enquiries.choices import EnquiryStatus
    from openmash.enquiries.models import Enquiry
    from openmash.people.linking import person_cluster_ids

    ids = person_cluster_ids(child)
    return (
        Enquiry.objects.filter(
            status=EnquiryStatus.OPEN, contact__people__person_id__in=ids, contact__people__role="subject"
        )
        .select_related("contact")
        .order_by("-opened_at")
        .first()
    )


CONSENT_KEYS = (
    "consent",
    "consent_not_sought_reason",
    "consent_override_reason",
    "consent_lawful_basis",
    "consent_condition",
    "consent_detail",
)


def consent_given(consent) -> dict:
    """The consent decision as ``contact_create`` takes it, from `consent` (a mapping of CONSENT_KEYS; None or a
    mapping without ``consent``: ValidationFailed on ``consent``, "Select the consent position"). Nothing is filled
    in: the values are checked by ``contact_create``."""
    consent = dict(consent or {})
    if not consent.get("consent"):
        raise ValidationFailed("Select the consent position", errors={"consent": ["Select the consent position"]})
    return {k: consent.get(k) or "" for k in CONSENT_KEYS}


def flag_accept(*, actor, flag_id, version, concern_codes, narrative: str, consent=None, enquiry_id=None) -> Flag:
    """Accept a flag into a contact (see the module docstring). ``consent``: the screener's consent decision (a
    mapping of CONSENT_KEYS; required: ValidationFailed on ``consent`` without it). Returns the accepted flag
    (``contact`` set)."""
    from openmash.contacts.services import contact_create
    from openmash.enquiries.choices import ScreeningOutcome
    from openmash.enquiries.services import screening_record

    flag = _decidable(actor, flag_id, version)
    consent = consent_given(consent)
    with transaction.atomic():
        contact, _created = contact_create(
            actor=actor,
            data={
                "subjects": [{"person_id": str(flag.child_id)}],
                "household": [],
                "concern_codes": list(concern_codes or []),
                "narrative": narrative,
                "source_code": "5A",
                "referrer_type": "professional",
                "referrer_name": "OpenMASH pattern flag",
                "referrer_role": "Patterns across agencies (issue 8)",
                **consent,  # the screener's decision, as given (consent_given)
                "immediate_risk": False,
            },
        )
        if enquiry_id:
            screening_record(
                actor=actor,
                contact_id=contact.pk,
                outcome=ScreeningOutcome.ADD_TO_ENQUIRY,
                rationale="Pattern flag accepted and added to the open MASH enquiry about the child",
                enquiry_id=enquiry_id,
            )
        return flag_decide(
            actor=actor, flag_id=flag.pk, expected_version=int(version), status=FlagStatus.ACCEPTED, contact=contact
        )


def flag_dismiss(*, actor, flag_id, version, reason: str, sensitivity: str = "standard") -> Flag:
    """Dismiss a flag with a reason: a few words at least, at most 2,000 characters (``services.reason_problem``;
    ValidationFailed on ``reason`` otherwise), at the writer's `sensitivity` (standard, sensitive or sealed; who
    reads it: access.sharing.flag_dismissal_reason_held; ValidationFailed on ``sensitivity`` otherwise)."""
    problem = reason_problem(reason, "dismissing this flag")
    if problem:
        if not can(actor, "flag.decide"):
            raise PermissionDenied("You cannot decide flags")
        raise ValidationFailed("Check the reason", errors={"reason": [problem]})
    flag = _decidable(actor, flag_id, version)
    return flag_decide(
        actor=actor,
        flag_id=flag.pk,
        expected_version=int(version),
        status=FlagStatus.DISMISSED,
        reason=reason,
        sensitivity=sensitivity,
    )


def _days_check(days) -> int:
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= WATCH_DAYS_MAX:
        raise ValidationFailed(
            "Choose how long to watch", errors={"days": [f"Choose a period from 1 to {WATCH_DAYS_MAX} days"]}
        )
    return days


def flag_watch(*, actor, flag_id, version, days) -> Flag:
    """Watch a flag: the child is on the watch-list for ``days``. Returns the flag (status watching)."""
    days = _days_check(days)
    flag = _decidable(actor, flag_id, version)
    with transaction.atomic():
        decided = flag_decide(actor=actor, flag_id=flag.pk, expected_version=int(version), status=FlagStatus.WATCHING)
        watch_start(
            actor=actor,
            child=flag.child,
            days=days,
            source=WatchSource.CHOSEN,
            flag=decided,
            reason="Watched from a pattern flag",
        )
    return decided


def watch_start(*, actor, child, days: int, source: str, flag=None, contact=None, reason: str = "") -> Watch:
    """Put the (resolved) child on the watch-list until today + ``days``. A current watch of the child is extended
    to the later date (never shortened) instead of a second one being started. Audited (``watch.start`` or
    ``watch.extend``)."""
    child_id = child.merged_into_id or child.pk
    until = timezone.localdate() + dt.timedelta(days=int(days))
    current = (
        Watch.objects.select_for_update()
        .filter(child_id=child_id, ended_at__isnull=True, until__gte=timezone.localdate())
        .order_by("-until")
        .first()
    )
    if current is not None:
        if until > current.until:
            Watch.objects.filter(pk=current.pk).update(until=until, version=current.version + 1)
            current.refresh_from_db()
        audit_record(actor=actor, action="watch.extend", obj=current, detail={"source": source})
        return current
    watch = Watch.objects.create(
        child_id=child_id,
        until=until,
        source=source,
        reason=reason,
        started_by=getattr(actor, "user", None),
        flag=flag,
        contact=contact,
    )
    audit_record(actor=actor, action="watch.start", obj=watch, detail={"source": source})
    return watch


def watch_on_screen_out(*, actor, contact, outcome: str, subjects) -> list[Watch]:
    """Screening as no further action or early help watches each child of the contact for OPENMASH_WATCH_DAYS, in
    the screening's transaction; a child whose contacts in twelve months reach OPENMASH_WATCH_ESCALATE_CONTACTS is
    escalated once per watch (the hub's managers are told in-app, without personal data). Other outcomes: nothing."""
    from openmash.enquiries.choices import ScreeningOutcome
    from openmash.patterns.watching import watch_escalate_if_due
    from openmash.people.models import Person

    sources = {
        ScreeningOutcome.NFA_ADVICE: WatchSource.SCREENED_OUT_NFA,
        ScreeningOutcome.EARLY_HELP: WatchSource.SCREENED_OUT_EARLY_HELP,
    }
    if outcome not in sources:
        return []
    days = int(getattr(settings, "OPENMASH_WATCH_DAYS", 90))
    watches = []
    for child in Person.objects.filter(pk__in=list(subjects)):
        watch = watch_start(
            actor=actor,
            child=child,
            days=days,
            source=sources[outcome],
            contact=contact,
            reason=f"Screened out: {ScreeningOutcome(outcome).label}",
        )
        watches.append(watch)
        watch_escalate_if_due(actor=actor, watch=watch, contact=contact)  # once per watch (patterns.watching)
    return watches


#: Rules whose flag is above the early help threshold: a possible statutory response (NICE CG89's injury to a baby
#: not yet mobile; an adult with relevant offending joining the household). Other flags may suggest early help.
STATUTORY_RULES = frozenset({"non_mobile_baby_injury", "household_adult_offending"})


def early_help_suggestable(flag: Flag) -> bool:
    """Whether the flag may suggest early help: open, no statutory-level rule fired, none sent yet."""
    from openmash.patterns.models import FlagEarlyHelp

    return (
        flag.status == FlagStatus.OPEN
        and not any(r.get("code") in STATUTORY_RULES for r in flag.rules or [])
        and not FlagEarlyHelp.objects.filter(flag=flag).exists()
    )


def flag_suggest_early_help(*, actor, flag_id, version, narrative: str = "", concern_codes=None, consent=None):
    """Early help before crisis: record a contact about the child (as flag_accept, with the screener's consent
    decision ``consent``: required, ValidationFailed on ``consent`` without it), screen it as early help (which
    sends a request to the early help service's inbox and watches the child), accept the flag with that contact,
    and start tracking the outcome (FlagEarlyHelp ``sent``). ValidationFailed when the flag is above the early
    help threshold (STATUTORY_RULES) or the partnership has no early help service; Conflict when stale."""
    from openmash.accounts.models import Agency
    from openmash.contacts.services import contact_create
    from openmash.enquiries.choices import ScreeningOutcome
    from openmash.enquiries.services import screening_record
    from openmash.patterns.models import FlagEarlyHelp

    flag = _decidable(actor, flag_id, version)
    if not early_help_suggestable(flag):
        raise ValidationFailed(
            "This flag cannot be sent to early help",
            errors={"early_help": ["A rule for a statutory response fired, or early help was already suggested"]},
        )
    if not Agency.objects.filter(agency_type="early_help", active=True).exists():
        raise ValidationFailed(
            "There is no early help service", errors={"early_help": ["The partnership has no early help service"]}
        )
    consent = consent_given(consent)
    with transaction.atomic():
        contact, _created = contact_create(
            actor=actor,
            data={
                "subjects": [{"person_id": str(flag.child_id)}],
                "household": [],
                "concern_codes": list(concern_codes or suggested_concern_codes(flag, actor=actor)),
                "narrative": narrative or concern_summary(flag, actor=actor) + " Early help suggested before crisis.",
                "source_code": "5A",
                "referrer_name": "OpenMASH pattern flag",
                "referrer_role": "Patterns across agencies (issue 8)",
                **consent,  # the screener's decision, as given (consent_given)
                "immediate_risk": False,
            },
        )
        screening_record(
            actor=actor,
            contact_id=contact.pk,
            outcome=ScreeningOutcome.EARLY_HELP,
            rationale="Pattern flag below the threshold for a statutory response: early help suggested",
        )
        decided = flag_decide(
            actor=actor, flag_id=flag.pk, expected_version=int(version), status=FlagStatus.ACCEPTED, contact=contact
        )
        tracked = FlagEarlyHelp.objects.create(
            flag=decided, request=contact.early_help_requests.first(), updated_by=actor.user
        )
        audit_record(actor=actor, action="flag.early_help", obj=tracked, detail={"outcome": tracked.outcome})
    return decided


def flag_early_help_outcome(*, actor, flag_id, version, outcome: str):
    """Record what became of early help suggested from a flag: offered, accepted or declined (ValidationFailed on
    ``outcome`` otherwise). ``version`` is the tracking record's; Conflict when stale. Audited."""
    from django.db.models import F

    from openmash.patterns.models import EarlyHelpOutcome, FlagEarlyHelp

    if not can(actor, "flag.decide"):
        raise PermissionDenied("You cannot decide flags")
    flag = flags_visible(actor).filter(pk=flag_id).first()
    tracked = FlagEarlyHelp.objects.filter(flag=flag).first() if flag else None
    if tracked is None:
        raise NotFound()
    if outcome not in (EarlyHelpOutcome.OFFERED, EarlyHelpOutcome.ACCEPTED, EarlyHelpOutcome.DECLINED):
        raise ValidationFailed("Choose offered, accepted or declined", errors={"outcome": ["Choose what happened"]})
    with transaction.atomic():
        won = FlagEarlyHelp.objects.filter(pk=tracked.pk, version=int(version)).update(
            outcome=outcome, updated_by=actor.user, version=F("version") + 1, updated_at=timezone.now()
        )
        if not won:
            raise Conflict("This early help record changed since you opened it: look at it again")
        tracked.refresh_from_db()
        audit_record(actor=actor, action="flag.early_help_outcome", obj=tracked, detail={"outcome": outcome})
    return tracked


__all__ = [
    "CONSENT_KEYS",
    "STALE",
    "concern_summary",
    "consent_given",
    "early_help_suggestable",
    "flag_early_help_outcome",
    "flag_suggest_early_help",
    "flag_accept",
    "flag_dismiss",
    "flag_watch",
    "open_enquiry_for",
    "suggested_concern_codes",
    "watch_on_screen_out",
    "watch_start",
]
