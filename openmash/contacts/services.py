"""Writes for contacts: intake at the front door."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkage.names import compact
from openmash.access.policy import (
    can,
    contact_amend_allowed,
    contact_get_for,
    contacts_visible,
    people_linkable,
    require,
)
from openmash.access.search import intake_link_outcome_shown
from openmash.accounts.models import Agency
from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_batch, audit_record, audit_record_many
from openmash.contacts.choices import (
    CONCERN_CODES,
    SOURCE_CODES,
    WITHOUT_CONSENT,
    ChangeKind,
    Consent,
    ConsentCondition,
    ConsentLawfulBasis,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ContactPersonRole,
    ContactStatus,
    DashRisk,
    FamilyAware,
    ReferrerType,
    SiblingRelationship,
    YesNoUnknown,
)
from openmash.contacts.models import Contact, ContactChange, ContactPerson, EncompassNotice, as_named_of
from openmash.contacts.references import reference_new
from openmash.contacts.validation import (
    EncompassChild,
    NamedDates,
    contact_people_dates_check,
    encompass_check,
    encompass_child_eligible,
    late_reason_check,
    received_at_check,
)
from openmash.core.exceptions import CandidatesUnanswered, Conflict, PermissionDenied, ValidationFailed
from openmash.core.text import TextRefused, clean_text, datetime_long
from openmash.partnership.selectors import partnership_settings_get, working_calendar_get
from openmash.people.linking import (
    intake_held_people,
    intake_pending_targets,
    record_refresh,
    records_attach,
    records_link_outcome,
    records_note_contact,
)
from openmash.people.models import Person
from openmash.people.selectors import open_allocation_for
from openmash.people.services import (
    address_edits_validate,
    chronology_add,
    people_create,
    person_changes_apply,
    person_input_validate,
    person_values,
    relationships_ensure,
)


def _new_reference() -> str:
    return reference_new()


def _fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _resolve_person(actor, ref: dict, *, prefix: str, errors: dict, child: bool) -> tuple[str, Any]:
    """A person reference is either {"person_id": ...} (an existing record) or the details of a new person.

    An existing record may be linked if the actor may link it (access.policy.people_linkable), or if it came up in the actor's own intake search
    within the last day (the audit trail holds those search results): a professional can attach a concern to a
    child they found by exact name + date of birth or identifier, without gaining sight of the record, and
    cannot attach one to an arbitrary id."""
    if ref.get("person_id") and (ref.get("match_decision") or ref.get("candidates_reference")):
        errors.setdefault(f"{prefix}.match_decision", []).append(MATCH_DECISION_BOTH)
        return "missing", None
    if ref.get("person_id"):
        pid = ref["person_id"]
        person = people_linkable(actor).filter(pk=pid).first() if _is_uuid(pid) else None
        if person is None and _is_uuid(pid) and _found_by_own_search(actor, pid):
            person = Person.objects.filter(pk=pid).first()
        if person is None:
            errors.setdefault(f"{prefix}.person_id", []).append("No person with that ID was found")
            return "missing", None
        return "existing", person
    cleaned = person_input_validate(ref, prefix=prefix, errors=errors, child=child)
    declined = []
    for raw in ref.get("not_person_ids") or []:
        if not _is_uuid(raw):
            errors.setdefault(f"{prefix}.not_person_ids", []).append("Give the ids of people this person is not")
            break
        declined.append(str(uuid.UUID(str(raw))))  # one spelling, as the audit trail and the candidates hold it
    declined += _match_decision_declined(actor, ref, prefix=prefix, errors=errors)
    cleaned["not_person_ids"] = list(dict.fromkeys(declined))
    return "new", cleaned


MATCH_DECISION_BOTH = 'Give either person_id (the person it is) or match_decision "new", not both'
MATCH_DECISION_NEEDS_REFERENCE = (
    'match_decision "new" needs the candidates_reference of the lookup you made of these details '
    "(POST /api/v1/intake/candidates, or the refusal that listed the candidates)"
)
REFERENCE_NEEDS_DECISION = 'Send candidates_reference with match_decision "new"'


def _match_decision_declined(actor, ref: dict, *, prefix: str, errors: dict) -> list[str]:
    """A new person declared new (``match_decision: "new"``) with the ``candidates_reference`` of the actor's own
    lookup of these same details (matching.candidates.candidates_reference): every person that lookup offered is
    "not this person". Errors on ``<prefix>.match_decision`` / ``<prefix>.candidates_reference`` otherwise."""
    from openmash.matching.candidates import REFERENCE_INVALID, candidates_reference_read

    decision, reference = ref.get("match_decision") or "", ref.get("candidates_reference") or ""
    if not decision and not reference:
        return []
    if decision != "new":
        errors.setdefault(f"{prefix}.match_decision", []).append(REFERENCE_NEEDS_DECISION)
        return []
    if not reference:
        errors.setdefault(f"{prefix}.candidates_reference", []).append(MATCH_DECISION_NEEDS_REFERENCE)
        return []
    offered = candidates_reference_read(actor=actor, details=ref, reference=str(reference))
    if offered is None:
        errors.setdefault(f"{prefix}.candidates_reference", []).append(REFERENCE_INVALID)
        return []
    return offered


def _decided_new(ref) -> bool:
    """A new person the client already answered with a reference to its own lookup (``match_decision: "new"``):
    not looked up again (the reference is checked against these details by ``_match_decision_declined``)."""
    return isinstance(ref, dict) and ref.get("match_decision") == "new" and bool(ref.get("candidates_reference"))


def _not_person_ids_check(actor, cleaned: dict, *, prefix: str, found: list, errors: dict) -> None:
    """Issue 7: "this person is not them" (``not_person_ids``) writes a cannot-link decision about each person named
    (ADR 0009), so a client may name only people it was offered: the candidates this request's own audited lookup
    found for this person (`found`), people the actor's own audited search offered in the last day (a
    ``search_result`` event: the intake lookup, POST /api/v1/intake/candidates, the refusal that listed them, the
    search), or people the actor may name by id anyway (access.policy.people_linkable). Any other id -- unknown, or
    someone the actor was never offered -- adds NOT_PERSON_IDS_NOT_OFFERED on `<prefix>.not_person_ids`, one message
    for both, so the answer never says whether an id exists. Two queries at most, only for ids not in `found`."""
    named = [str(x) for x in cleaned.get("not_person_ids") or []]
    offered = {str(c.person.pk) for c in found}
    rest = [pid for pid in named if pid not in offered]
    if not rest:
        return
    allowed = {str(pk) for pk in people_linkable(actor).filter(pk__in=rest).values_list("pk", flat=True)}
    rest = [pid for pid in rest if pid not in allowed]
    if rest:
        seen = set(
            AuditEvent.objects.filter(
                actor_user_id=actor.user.pk,
                action="search_result",
                object_type="people.person",
                object_id__in=rest,
                at__gte=timezone.now() - dt.timedelta(days=1),
            ).values_list("object_id", flat=True)
        )
        if any(pid not in seen for pid in rest):
            errors.setdefault(f"{prefix}.not_person_ids", []).append(NOT_PERSON_IDS_NOT_OFFERED)


def _found_by_own_search(actor, person_id) -> bool:
    return AuditEvent.objects.filter(
        actor_user_id=actor.user.pk,
        action="search_result",
        object_type="people.person",
        object_id=str(person_id),
        at__gte=timezone.now() - dt.timedelta(days=1),
    ).exists()


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


def _validate_contact_fields(data: dict, errors: dict[str, list[str]], now: dt.datetime, partnership) -> dict:
    def err(field: str, msg: str) -> None:
        errors.setdefault(field, []).append(msg)

    cleaned: dict[str, Any] = {}
    _validate_concern(data, cleaned, err, now, partnership)
    _validate_referrer(data, cleaned, err)
    _validate_consent(data, cleaned, err)
    _validate_risk(data, cleaned, err)
    _validate_domestic_abuse(data, cleaned, err)
    return cleaned


def _aware(value):
    if value and timezone.is_naive(value):
        return timezone.make_aware(value)  # a time without an offset is the partnership's local time
    return value


def _validate_domestic_abuse(data, cleaned, err) -> None:
    """Domestic abuse details (DOMAIN.md 1.5): police incident reference, incident time, DASH grade, MARAC
    referral, and whether to tell the children's schools (Operation Encompass), which needs the reference and
    the time: the notice carries nothing else about the incident."""
    reference = (data.get("police_reference") or "").strip()
    if len(reference) > 40:
        err("police_reference", "Police incident reference must be 40 characters or fewer")
    incident_at = _aware(data.get("incident_at"))
    if incident_at and incident_at > timezone.now() + dt.timedelta(minutes=5):
        err("incident_at", "The time of the incident must not be in the future")
    dash = data.get("dash_risk") or ""
    if dash not in ("", *DashRisk.values):
        err("dash_risk", "DASH risk level must be standard, medium or high")
    marac = data.get("marac_referral") or ""
    if marac not in ("", *YesNoUnknown.values):
        err("marac_referral", "Say whether a MARAC referral was made: yes, no or not known")
    notify = bool(data.get("notify_schools"))
    if notify and not reference:
        err("police_reference", "Enter the police incident reference, so the school can be told")
    if notify and not incident_at:
        err("incident_at", "Enter the date and time of the incident, so the school can be told")
    cleaned.update(
        police_reference=reference[:40],
        incident_at=incident_at,
        dash_risk=dash,
        marac_referral=marac,
        notify_schools=notify,
    )


def _encompass_child(resolved, school) -> EncompassChild:
    """A child as encompass_check sees them, from _resolve_person's ("new", cleaned) / ("existing", Person)."""
    kind, value = resolved
    if kind == "existing":
        return EncompassChild(born=value.date_of_birth, unborn=value.kind == "unborn", has_school=school is not None)
    value = value or {}
    unborn = value.get("kind") == "unborn"  # people.choices.PersonKind.UNBORN
    return EncompassChild(born=value.get("date_of_birth"), unborn=unborn, has_school=school is not None)


def _encompass_children_check(incident_at, children: list[EncompassChild], key: str, errors: dict) -> None:
    """encompass_check on the contact's children (practitioner review: no notice to a school about a baby, or
    about a child with no school); its message goes on `key` (the notify_schools field)."""
    incident_on = timezone.localtime(incident_at).date() if incident_at else None
    try:
        encompass_check(incident_on, children)
    except ValueError as exc:
        errors.setdefault(key, []).append(str(exc))


ENCOMPASS_POLICE_ONLY = (
    "Only the police can ask for the children's schools to be told (Operation Encompass). Answer no, and tell "
    "the MASH about the incident in the description"
)


def _partner_agency(code: str, *, school: bool, field: str, err) -> Agency | None:
    """A child's school (an education agency) or GP practice (a health agency's GP service), by agency code."""
    if not code:
        return None
    agency = Agency.objects.filter(code=code, active=True).first()
    if school:
        ok = agency is not None and agency.is_school
        message = "Choose the child's school from the list of partner schools"
    else:
        ok = agency is not None and agency.is_gp_practice
        message = "Choose the child's GP practice from the list of partner practices"
    if not ok:
        err(field, message)
        return None
    return agency


def _child_extras(ref: dict, *, prefix: str, errors: dict) -> dict:
    """What a contact says about a child beyond their identity: school, GP, present at the incident."""

    def err(field: str, msg: str) -> None:
        errors.setdefault(f"{prefix}.{field}", []).append(msg)

    present = ref.get("present_at_incident") or ""
    if present not in ("", *YesNoUnknown.values):
        err("present_at_incident", "Say whether the child was present: yes, no or not known")
    return {
        "school": _partner_agency(ref.get("school_code") or "", school=True, field="school_code", err=err),
        "gp": _partner_agency(ref.get("gp_code") or "", school=False, field="gp_code", err=err),
        "present_at_incident": present,
    }


def _validate_siblings(data: dict, count: int, errors: dict) -> list[tuple[int, int, str]]:
    """siblings: [{"first": i, "second": j, "relationship": ...}] between subjects i and j (0-based)."""
    pairs = []
    for n, item in enumerate(data.get("siblings") or []):
        first, second, kind = item.get("first"), item.get("second"), item.get("relationship") or ""
        if not (isinstance(first, int) and isinstance(second, int) and 0 <= first < count and 0 <= second < count):
            errors.setdefault(f"siblings.{n}", []).append("Name two of the children in this contact")
        elif first == second:
            errors.setdefault(f"siblings.{n}", []).append("Choose two different children")
        elif kind not in SiblingRelationship.values:
            errors.setdefault(f"siblings.{n}.relationship", []).append(
                "Relationship must be sibling, half_sibling, step_sibling, not_related or unknown"
            )
        else:
            pairs.append((first, second, kind))
    return pairs


def _text(data, field: str, err, *, multiline: bool = False) -> str:
    """A free-text field cleaned by the one text rule (openmash.core.text); a refusal is this field's error."""
    try:
        return clean_text(data.get(field), multiline=multiline)
    except TextRefused as exc:
        err(field, str(exc))
        return ""


def _validate_concern(data, cleaned, err, now, partnership) -> None:
    narrative = _text(data, "narrative", err, multiline=True)
    if not narrative:
        err("narrative", "Describe the concern")
    elif len(narrative) > settings.OPENMASH_MAX_NARRATIVE_CHARS:
        err("narrative", f"The description must be {settings.OPENMASH_MAX_NARRATIVE_CHARS:,} characters or fewer")
    cleaned["narrative"] = narrative
    codes = list(dict.fromkeys(data.get("concern_codes") or []))
    unknown = [str(c) for c in codes if c not in CONCERN_CODES]
    if not codes:
        err("concern_codes", "Select at least one concern category")
    if unknown:
        err("concern_codes", f"Unknown concern category code: {', '.join(unknown)}")
    cleaned["concern_codes"] = codes
    received = data.get("received_at")
    if received and timezone.is_naive(received):
        received = timezone.make_aware(received)  # a time without an offset is the partnership's local time
    received = received or now
    try:
        received_at_check(received, now=now)
    except ValueError as exc:
        err("received_at", str(exc))
    else:
        try:
            cleaned["late_recorded_reason"] = late_reason_check(
                received,
                data.get("late_recorded_reason"),
                now=now,
                window_days=(partnership or partnership_settings_get()).late_contact_days,
            )
        except ValueError as exc:
            err("late_recorded_reason", str(exc))
    cleaned["received_at"] = received


def _validate_referrer(data, cleaned, err) -> None:
    source = data.get("source_code") or ""
    if source and source not in SOURCE_CODES:
        err("source_code", "Unknown contact source code: use a CIN referral-source code such as 6 or 3A")
    cleaned["source_code"] = source
    rtype = data.get("referrer_type") or ReferrerType.PROFESSIONAL
    if rtype not in ReferrerType.values:
        err("referrer_type", "Referrer type must be professional or public")
    cleaned["referrer_type"] = rtype
    for field, limit in (("referrer_name", 200), ("referrer_role", 200), ("referrer_phone", 40)):
        value = _text(data, field, err)
        if len(value) > limit:
            err(field, f"Must be {limit} characters or fewer")
        cleaned[field] = value[:limit]
    family = data.get("family_aware") or FamilyAware.UNKNOWN
    if family not in FamilyAware.values:
        err("family_aware", "Say whether the family knows about this contact")
    cleaned["family_aware"] = family


def _validate_consent(data, cleaned, err) -> None:
    """The consent position as a recorded decision (ADR 0016; DOMAIN.md 3.2). consent: obtained, refused (sharing
    justified: consent_override_reason required), not_sought (consent_not_sought_reason required) or not_applicable
    (a statutory duty, e.g. the police). Sharing without consent (all but obtained) needs consent_lawful_basis (UK
    GDPR art. 6(1) or DPA 2018 Part 3); consent_condition (art. 9 / Sch 1 / Sch 8) is optional. consent_detail is
    the free-text note (500 characters, encrypted at rest). Answers in a branch not chosen are dropped."""
    consent = data.get("consent") or ""
    if consent not in Consent.values:
        err("consent", "Select the consent position")
    reason = data.get("consent_not_sought_reason") or ""
    if consent == Consent.NOT_SOUGHT and reason not in ConsentNotSoughtReason.values:
        err("consent_not_sought_reason", "Select why consent was not sought")
    override = data.get("consent_override_reason") or ""
    if consent == Consent.REFUSED and override not in ConsentOverrideReason.values:
        err("consent_override_reason", "Select why the concern is shared although consent was refused")
    without = consent in WITHOUT_CONSENT
    basis = data.get("consent_lawful_basis") or ""
    if without and (basis not in ConsentLawfulBasis.values or basis == ConsentLawfulBasis.NOT_RECORDED):
        err("consent_lawful_basis", "Select the lawful basis for sharing without consent")
    condition = data.get("consent_condition") or ""
    if without and condition and condition not in ConsentCondition.values:
        err("consent_condition", "Select a condition from the list, or none")
    detail = _text(data, "consent_detail", err, multiline=True)
    if len(detail) > 500:
        err("consent_detail", "Must be 500 characters or fewer")
    cleaned.update(
        consent=consent,
        consent_not_sought_reason=reason if consent == Consent.NOT_SOUGHT else "",
        consent_override_reason=override if consent == Consent.REFUSED else "",
        consent_lawful_basis=basis if without else "",
        consent_condition=condition if without else "",
        consent_detail=detail,
    )


def consent_reason_label(contact) -> str:
    """Why a contact is shared without consent, in words ("" when consent was obtained): the not-sought reason, the
    reason for sharing despite a refusal, or the statutory duty."""
    if contact.consent == Consent.NOT_SOUGHT and contact.consent_not_sought_reason in ConsentNotSoughtReason.values:
        return ConsentNotSoughtReason(contact.consent_not_sought_reason).label
    if contact.consent == Consent.REFUSED and contact.consent_override_reason in ConsentOverrideReason.values:
        return ConsentOverrideReason(contact.consent_override_reason).label
    if contact.consent == Consent.NOT_APPLICABLE:
        return "Shared under a statutory duty"
    return ""


def consent_summary(contact) -> str:
    """The consent position of a contact as a sentence for its chronology entry ("" when consent was obtained), read
    naturally (practitioner review of issue 6, finding 20: "Shared without consent: Shared under a statutory duty"):
    "Shared under a statutory duty", "Shared without consent: not sought, because seeking consent would prejudice
    an investigation", "Shared although consent was refused: the child is at risk of significant harm". The source
    of the categories: contacts.choices.Consent and its reason choices (ADR 0016)."""
    reason = consent_reason_label(contact)
    if not reason:
        return ""
    if contact.consent == Consent.NOT_APPLICABLE:
        return "Shared under a statutory duty"
    lowered = reason[:1].lower() + reason[1:]
    if contact.consent == Consent.REFUSED:
        return f"Shared although consent was refused: {lowered}"
    why = {
        "urgent": "it was urgent, with no time to seek it",
        "not_capable": "no one capable of giving it could be reached",
        "other": "of another reason (see the contact)",
    }.get(contact.consent_not_sought_reason, lowered)
    return f"Shared without consent: consent was not sought because {why}"


def _validate_risk(data, cleaned, err) -> None:
    immediate = data.get("immediate_risk")
    if immediate is None:
        err("immediate_risk", "Say whether the child is at immediate risk")
    risk_detail = _text(data, "immediate_risk_detail", err, multiline=True)
    if immediate and not risk_detail:
        err("immediate_risk_detail", "Describe the immediate risk and what has been done")
    if len(risk_detail) > 1000:
        err("immediate_risk_detail", "Must be 1,000 characters or fewer")
    cleaned.update(immediate_risk=bool(immediate), immediate_risk_detail=risk_detail)


def contact_validate(
    *, actor, data: dict, recorded_at: dt.datetime | None = None, partnership=None
) -> tuple[dict, list, list]:
    """Check a contact's input (the dict shape of the API's ContactCreateIn). Returns (cleaned fields, resolved
    subjects, resolved household) or raises ValidationFailed with messages keyed by field. recorded_at is when
    it is being recorded (default now), the reference for the received-date rules (contacts/validation.py).
    partnership: the PartnershipSettings already read by the caller (read here when not given)."""
    errors: dict[str, list[str]] = {}
    cleaned = _validate_contact_fields(data, errors, recorded_at or timezone.now(), partnership)
    subjects = data.get("subjects") or []
    if not subjects:
        errors.setdefault("subjects", []).append("Add at least one child the concern is about")
    if len(subjects) > 20:
        errors.setdefault("subjects", []).append("A contact may name at most 20 children")
    resolved_subjects = [
        _resolve_person(actor, s, prefix=f"subjects.{i}", errors=errors, child=True) for i, s in enumerate(subjects)
    ]
    cleaned["subject_extras"] = [
        _child_extras(s, prefix=f"subjects.{i}", errors=errors) for i, s in enumerate(subjects)
    ]
    cleaned["siblings"] = _validate_siblings(data, len(subjects), errors)
    others = data.get("household") or []
    if len(others) > 30:
        errors.setdefault("household", []).append("A contact may name at most 30 other people")
    if cleaned.get("notify_schools") and not can(actor, "encompass.request"):
        errors.setdefault("notify_schools", []).append(ENCOMPASS_POLICE_ONLY)
    elif cleaned.get("notify_schools") and subjects:
        children = [
            _encompass_child(r, extras.get("school"))
            for r, extras in zip(resolved_subjects, cleaned["subject_extras"], strict=True)
            if r[0] != "missing"
        ]
        if len(children) == len(subjects):
            _encompass_children_check(cleaned.get("incident_at"), children, "notify_schools", errors)
    resolved_others = []
    for i, o in enumerate(others):
        role = o.get("role") or ContactPersonRole.HOUSEHOLD_MEMBER
        if role not in ContactPersonRole.values or role == ContactPersonRole.SUBJECT:
            errors.setdefault(f"household.{i}.role", []).append(
                "Role must be parent_carer, household_member or alleged_perpetrator"
            )
        resolved_others.append((role, _resolve_person(actor, o, prefix=f"household.{i}", errors=errors, child=False)))
    _check_dates_across_people(cleaned, resolved_subjects, resolved_others, errors)
    cleaned["intake_notices"] = _same_person_twice(resolved_subjects, resolved_others, errors)
    if errors:
        raise ValidationFailed("There is a problem with the contact", errors=errors)
    return cleaned, resolved_subjects, resolved_others


def _person_keys(cleaned: dict) -> list[tuple]:
    """What makes two new people in one contact the same person: an equal identifier (normalised), or the same
    names (folded: accents, apostrophes, spaces and case ignored) and date of birth (or expected date)."""
    keys: list[tuple] = [("identifier", kind, value) for kind, value in cleaned.get("identifiers") or []]
    born = cleaned.get("date_of_birth") or cleaned.get("expected_date_of_birth")
    names = (compact(cleaned.get("forename")), compact(cleaned.get("surname")))
    if born and any(names):
        keys.append(("name", *names, born))
    return keys


_IDENTIFIER_LABELS = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID", "local_id": "local ID"}


def _details_conflict(first: dict, second: dict, first_key: str) -> tuple[str, str] | None:
    """Where two new people sharing a key disagree (so they cannot simply be one person): (field, message)."""
    held = dict(first.get("identifiers") or [])
    for i, (kind, value) in enumerate(second.get("identifiers") or []):
        if kind in held and held[kind] != value:
            label = _IDENTIFIER_LABELS.get(kind, kind)
            return (
                f"identifiers.{i}.value",
                f"This person has the same name and date of birth as {first_key} but a different {label}: name each "
                "person once, or check the details",
            )
    shared = [k for k, v in second.get("identifiers") or [] if held.get(k) == v]
    label = _IDENTIFIER_LABELS.get(shared[0], "identifier") if shared else "identifier"
    if (compact(first.get("forename")), compact(first.get("surname"))) != (
        compact(second.get("forename")),
        compact(second.get("surname")),
    ):
        return "forename", f"This {label} is also given for {first_key}, with a different name: name each person once"
    born = ("date_of_birth", "expected_date_of_birth")
    if any(first.get(f) != second.get(f) for f in born):
        return (
            "date_of_birth",
            f"This {label} is also given for {first_key}, with a different date of birth: name each person once",
        )
    if first.get("sex") in ("M", "F") and second.get("sex") in ("M", "F") and first["sex"] != second["sex"]:
        return "sex", f"This person is the same as {first_key} but with a different sex: name each person once"
    return None


def _same_person_twice(subjects: list, others: list, errors: dict) -> list[str]:
    """The same new person named twice in one contact (issue 6) becomes one person: a later mention that agrees with
    an earlier one is replaced by ("same", index of the earlier mention in subjects + household) and a notice says
    so; one that shares a key but disagrees (a different NHS number, name or date of birth) is an error on its own
    field. The earlier mention keeps any identifiers and address only the later one gave. Returns the notices."""
    entries = [(f"subjects.{i}", ref) for i, ref in enumerate(subjects)]
    entries += [(f"household.{i}", ref) for i, (_, ref) in enumerate(others)]
    first_of: dict[tuple, int] = {}
    notices = []
    for n, (prefix, (kind, person)) in enumerate(entries):
        if kind != "new":
            continue
        keys = _person_keys(person)
        match = next((first_of[k] for k in keys if k in first_of), None)
        if match is None:
            for k in keys:
                first_of.setdefault(k, n)
            continue
        first_key, (_, first) = entries[match]
        conflict = _details_conflict(first, person, first_key)
        if conflict:
            errors.setdefault(f"{prefix}.{conflict[0]}", []).append(conflict[1])
            continue
        held = set(first.get("identifiers") or [])
        first["identifiers"] = [
            *first.get("identifiers", []),
            *[i for i in person.get("identifiers", []) if i not in held],
        ]
        if person.get("address") and not first.get("address"):
            first["address"] = person["address"]
        first["not_person_ids"] = sorted({*first.get("not_person_ids", []), *person.get("not_person_ids", [])})
        same = ("same", match)
        if n < len(subjects):
            subjects[n] = same
        else:
            others[n - len(subjects)] = (others[n - len(subjects)][0], same)
        by_identifier = any(k[0] == "identifier" and first_of.get(k) == match for k in keys)
        why = "same identifier" if by_identifier else "same name and date of birth"
        notices.append(f"{prefix} is the same person as {first_key} ({why}): recorded once")
    return notices


def _born(kind: str, person, *, expected: bool = True) -> dt.date | None:
    """A resolved person's date of birth (or, if expected, the expected date for an unborn child), whether new
    or existing."""
    if kind == "new":
        return person.get("date_of_birth") or (person.get("expected_date_of_birth") if expected else None)
    if kind == "existing":
        return person.date_of_birth or (person.expected_date_of_birth if expected else None)
    return None


def _check_dates_across_people(cleaned, subjects, others, errors) -> None:
    """Dates that must agree between people and the contact: the contact was received after each child was born,
    and a parent or carer is older than each child (issue 5, fault 9; contacts.validation.contact_people_dates_check,
    the rule every path that writes people's dates runs)."""
    children = [
        NamedDates(
            key=f"subjects.{i}.{'expected_date_of_birth' if _unborn(kind, p) else 'date_of_birth'}",
            changed=True,
            born=_born(kind, p),
            unborn=_unborn(kind, p),
        )
        for i, (kind, p) in enumerate(subjects)
        if kind != "missing"
    ]
    carers = [
        NamedDates(key=f"household.{i}.date_of_birth", changed=True, born=_born(kind, person))
        for i, (role, (kind, person)) in enumerate(others)
        if role == ContactPersonRole.PARENT_CARER and kind != "missing"
    ]
    received = cleaned.get("received_at") if "received_at" not in errors else None
    found = contact_people_dates_check(
        received=received, received_changed=True, children=children, carers=carers, local_date=timezone.localdate
    )
    for key, messages in found.items():
        if key not in errors:
            errors[key] = messages


def _unborn(kind: str, person) -> bool:
    if kind == "new":
        return bool(person.get("unborn")) or (
            not person.get("date_of_birth") and bool(person.get("expected_date_of_birth"))
        )
    return kind == "existing" and person.date_of_birth is None and person.expected_date_of_birth is not None


def _amend_dates_check(contact: Contact, plan: dict, data: dict, errors: dict) -> None:
    """Run the dates rule (contacts.validation.contact_people_dates_check) over the contact as the amendment would
    leave it: dates corrected in `people`, children and household members added (practitioner review, fault 6: a
    parent younger than the child, a parent born last year, a child born after the contact was received, all passed
    by amendment). Errors land on the amended field's key, as the API input names it."""
    index = {str(_uuid_or_none(item.get("person_id"))): i for i, item in enumerate(data.get("people") or [])}
    changed = {str(link.person_id): (link, cleaned) for link, cleaned, _ in plan["people"] if cleaned}
    children, carers = [], []
    for link in contact.people.select_related("person"):
        person, pid = link.person, str(link.person_id)
        dob, edd, moved = person.date_of_birth, person.expected_date_of_birth, False
        if pid in changed and ("date_of_birth" in changed[pid][1] or "expected_date_of_birth" in changed[pid][1]):
            cleaned = changed[pid][1]
            dob, edd = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth")
            moved = (dob, edd) != (person.date_of_birth, person.expected_date_of_birth)
        unborn = dob is None and edd is not None
        key = f"people.{index.get(pid, 0)}.{'expected_date_of_birth' if unborn else 'date_of_birth'}"
        if link.role == ContactPersonRole.SUBJECT:
            children.append(
                NamedDates(
                    key=key,
                    changed=moved,
                    born=dob or edd,
                    unborn=unborn,
                    received=_earliest_other_contact(link) if moved else None,
                )
            )
        elif link.role == ContactPersonRole.PARENT_CARER:
            carers.append(NamedDates(key=key, changed=moved, born=dob))
    for i, (_, (kind, ref), _) in enumerate(plan["add_subjects"]):
        if kind != "missing":
            unborn = _unborn(kind, ref)
            field = "expected_date_of_birth" if unborn else "date_of_birth"
            children.append(
                NamedDates(key=f"add_subjects.{i}.{field}", changed=True, born=_born(kind, ref), unborn=unborn)
            )
    for i, (role, (kind, ref), _) in enumerate(plan["add_household"]):
        if role == ContactPersonRole.PARENT_CARER and kind != "missing":
            carers.append(NamedDates(key=f"add_household.{i}.date_of_birth", changed=True, born=_born(kind, ref)))
    found = contact_people_dates_check(
        received=contact.received_at,
        received_changed=False,
        children=children,
        carers=carers,
        local_date=timezone.localdate,
    )
    for key, messages in found.items():
        if key not in errors:
            errors[key] = messages


def _earliest_other_contact(link: ContactPerson):
    """When the first other contact about this child was received (None if there is none)."""
    from django.db.models import Min

    return (
        ContactPerson.objects.filter(person_id=link.person_id, role=ContactPersonRole.SUBJECT)
        .exclude(contact_id=link.contact_id)
        .aggregate(first=Min("contact__received_at"))["first"]
    )


def screening_due(received_at: dt.datetime, *, immediate_risk: bool, partnership, calendar) -> dt.datetime:
    """When a contact is due for screening. Immediate risk: the partnership's immediate_risk_screening_minutes
    (default 60) after receipt, by the clock, day or night (practitioner review, fault 8: an immediate-risk contact
    was due in a working day like any other). DOMAIN.md 1.2 gives a screening decision within one working day of a
    referral; immediate protection (1.3: police protection, an emergency protection order) does not wait for office
    hours, and a working-hours clock would leave a Friday-evening contact due on Monday. Otherwise
    screening_working_days working days (default 1) in the hub's hours (DOMAIN.md 1.2; Working Together 2023)."""
    if immediate_risk:
        return received_at + dt.timedelta(minutes=partnership.immediate_risk_screening_minutes)
    return calendar.add_working_days(received_at, partnership.screening_working_days)


def contact_create(
    *,
    actor,
    data: dict,
    idempotency_key: str | None = None,
    recorded_at: dt.datetime | None = None,
    search_before_create: bool = False,
) -> tuple[Contact, bool]:
    """Record a contact. Returns (contact, created). The same Idempotency-Key from the same user returns the
    first contact instead of creating another; reusing a key for a different request is refused. recorded_at
    (default now) is only for replaying history, as the demo does: the received-date rules are relative to it.

    ``search_before_create=True``, search before create (attacker review, as contact_amend): each new child or
    household member is looked up among the people already known (``_creation_candidates_check``: one audited
    search each, under the search rate limit); one not answered by `person_id` or `not_person_ids` refuses the
    contact with ValidationFailed on `subjects.N.match` / `household.N.match`, and past the limit RateLimited is
    raised (audited, managers alerted). Every entry point where a person records a contact passes it (the API's
    POST /contacts, the intake page's send); it is off for trusted code arranging or replaying history that is not
    a person at a keyboard (the demo seed, test fixtures, which find people with their own searches)."""
    require(actor, "contact.create")
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 100):
        raise ValidationFailed("Bad Idempotency-Key", errors={"Idempotency-Key": ["Must be 1 to 100 characters"]})
    fingerprint = _fingerprint(data)
    if idempotency_key:
        existing = _idempotent_existing(actor, idempotency_key, fingerprint)
        if existing:
            return existing, False
    partnership = partnership_settings_get()  # read once: validation and the screening due time both need it
    cleaned, subjects, others = contact_validate(
        actor=actor, data=data, recorded_at=recorded_at, partnership=partnership
    )
    if search_before_create:  # outside the insert's transaction: the searches' audit events stay on a refusal
        try:
            _creation_candidates_check(actor, data, subjects, others)
        except CandidatesUnanswered:
            # a retry of a request that has just been recorded finds that request's own new child: answer the
            # retry with the first contact, as the Idempotency-Key promises (CC-3), not with "is it them?"
            existing = _idempotent_existing(actor, idempotency_key, fingerprint) if idempotency_key else None
            if existing:
                return existing, False
            raise
    try:
        # every event of the creation (its people, their agency records, the contact) in one INSERT at the end,
        # inside the transaction
        with transaction.atomic(), audit_batch():
            contact = _contact_insert(actor, cleaned, subjects, others, idempotency_key, fingerprint, partnership)
    except IntegrityError:
        if idempotency_key:
            existing = _idempotent_existing(actor, idempotency_key, fingerprint)
            if existing:
                return existing, False
        raise
    return contact, True


def _idempotent_existing(actor, key: str, fingerprint: str) -> Contact | None:
    existing = Contact.objects.filter(recorded_by=actor.user, idempotency_key=key).first()
    if existing and existing.idempotency_fingerprint != fingerprint:
        raise Conflict("This Idempotency-Key was already used for a different contact.")
    return existing


def _contact_insert(actor, cleaned, subjects, others, idempotency_key, fingerprint, partnership) -> Contact:
    received_at = cleaned.pop("received_at")
    extras = cleaned.pop("subject_extras")
    siblings = cleaned.pop("siblings")
    source = cleaned.pop("source_code") or (
        "9" if cleaned["referrer_type"] == ReferrerType.PUBLIC and not cleaned["referrer_name"] else ""
    )
    source = source or actor.agency.source_code
    notices = cleaned.pop("intake_notices", [])
    people, notices, typed = _people_for_contact(actor, subjects, [ref for _, ref in others], notices)
    as_typed = {p.pk: t for p, t in zip(people, typed, strict=True) if t is not None}
    subject_people = people[: len(subjects)]
    other_people = [(role, people[len(subjects) + i]) for i, (role, _) in enumerate(others)]
    kinds = [kind for kind, _ in subjects] + [kind for _, (kind, _) in others]
    # a person named twice in this contact ("same") was created by it too
    created_here = {p.pk for kind, p in zip(kinds, people, strict=True) if kind in ("new", "same")}
    held_for = {p.pk for p, t in zip(people, typed, strict=True) if t is not None and t.pk != p.pk}
    created_here -= held_for  # a known person the new one is held for was not created by this contact
    calendar = working_calendar_get(around=received_at.date(), settings_obj=partnership)
    due = screening_due(
        received_at, immediate_risk=cleaned["immediate_risk"], partnership=partnership, calendar=calendar
    )
    allocation = open_allocation_for([p.pk for p in subject_people])
    if allocation is not None and allocation.worker_id == actor.user.pk:
        # The allocated worker's own contact goes to the hub, never back to themselves unscreened: what they assert
        # about the family is screened by someone else before it counts (attacker review 2026-11, finding 1;
        # access.policy._hub_named_people gives them no sight through it either way).
        allocation = None
    contact = Contact.objects.create(
        reference=_new_reference(),
        received_at=received_at,
        recorded_by=actor.user,
        recording_agency=actor.agency,
        source_code=source,
        referrer_identity_protected=cleaned["referrer_type"] == ReferrerType.PUBLIC,
        screening_due_at=due,
        status=ContactStatus.WITH_ALLOCATED_WORKER if allocation else ContactStatus.AWAITING_SCREENING,
        routed_to=allocation.worker if allocation else None,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=fingerprint if idempotency_key else "",
        **cleaned,
    )
    seen: set = set()
    rows = []
    # Each row keeps what the referrer named (as_named) and whether this contact created the person's record.
    for p, extra in zip(subject_people, extras, strict=True):
        if p.pk not in seen:
            rows.append(
                ContactPerson(
                    contact=contact,
                    person=p,
                    role=ContactPersonRole.SUBJECT,
                    as_named=as_named_of(as_typed.get(p.pk, p)),
                    created_by_contact=p.pk in created_here,
                    **extra,
                )
            )
            seen.add(p.pk)
    for role, p in other_people:
        if p.pk not in seen:
            rows.append(
                ContactPerson(
                    contact=contact,
                    person=p,
                    role=role,
                    as_named=as_named_of(as_typed.get(p.pk, p)),
                    created_by_contact=p.pk in created_here,
                )
            )
            seen.add(p.pk)
    ContactPerson.objects.bulk_create(rows)
    records_note_contact(
        agency=actor.agency,
        person_ids=seen | {as_typed[pid].pk for pid in held_for},
        contact=contact,
        declined=any(isinstance(ref, dict) and ref.get("not_person_ids") for _, ref in [*subjects, *others]),
        held=bool(held_for),
    )
    contact.intake_notices = notices + _related_work_notices(actor, contact, subject_people)
    # What the referrer told us about the household becomes relationships to each subject child.
    by_role: dict[str, list] = {}
    for role, p in other_people:
        by_role.setdefault(role, []).extend((p.pk, child.pk) for child in subject_people)
    for role, pairs in by_role.items():
        relationships_ensure(pairs=pairs, relationship_type=role, source_contact=contact, actor=actor)
    _siblings_record(actor, contact, subject_people, siblings)
    audit_record(actor=actor, action="create", obj=contact, detail={"subjects": len(subject_people)})
    if contact.consent in WITHOUT_CONSENT:  # a recorded sharing decision (golden rule 7): codes only
        audit_record(
            actor=actor,
            action="share_without_consent",
            obj=contact,
            detail={
                "consent": contact.consent,
                "reason": contact.consent_not_sought_reason or contact.consent_override_reason,
                "lawful_basis": contact.consent_lawful_basis,
                "condition": contact.consent_condition,
            },
        )
    _encompass_send(actor, contact)
    concerns = ", ".join(CONCERN_CODES[c] for c in contact.concern_codes[:3])
    without = consent_summary(contact)
    chronology_add(
        person_ids=[p.pk for p in subject_people],
        occurred_at=received_at,
        kind="contact",
        summary=f"Contact {contact.reference} from {actor.agency.name}: {concerns}"
        + (f". {without}" if without else ""),
        obj=contact,
        agency=actor.agency,
    )
    # issue 8: a watched child's new contact tells the hub, and may escalate the watch (whatever the entry point)
    from openmash.patterns.watching import watch_after_contact

    watch_after_contact(actor=actor, contact=contact, children=subject_people)
    if allocation:
        from openmash.enquiries.services import notification_send

        notification_send(
            user=allocation.worker,
            contact=contact,
            message=f"New contact {contact.reference} about a child allocated to you",
        )
        audit_record(actor=actor, action="route", obj=contact, detail={"to": "allocated_worker"})
    return contact


def _related_work_notices(actor, contact: Contact, subject_people: list) -> list[str]:
    """What intake says about work already in hand for the new contact's children (issue 6, duplicate work), keyed by
    input position ("subjects.0: ..."). The hub hears of open enquiries, strategy discussions, open cases and other
    recent contacts (enquiries.related); anyone else only of their own recent contacts about the same child, which
    they recorded themselves (telling them more would leak case status: issue 5, fault 6)."""
    from openmash.enquiries.related import related_work_for

    items = related_work_for([contact])[contact.pk] if can(actor, "related.view") else None
    return _related_texts(actor, subject_people, items, received_at=contact.received_at, exclude=contact, sent=True)


def related_work_notices_preview(actor, cleaned: dict, resolved_subjects: list) -> list[str]:
    """The related-work notices a contact would get, shown on the check-your-answers page *before* it is sent
    (practitioner review of issue 6, finding 7). In: the actor, contact_validate's cleaned fields and resolved
    subjects ((kind, Person or cleaned) pairs; only existing people can have work in hand). Out: notices keyed by
    input position, worded as after sending; the hub hears of open enquiries, strategy discussions, open cases and
    recent contacts; anyone else only of their own recent contacts (access.policy "related.view"; issue 5, fault
    6). Reads only, audits nothing."""
    from openmash.enquiries.related import related_work_preview

    people = [p if kind == "existing" else None for kind, p in resolved_subjects]
    existing = [p for p in people if p is not None]
    if not existing:
        return []
    received_at = cleaned.get("received_at") or timezone.now()
    items = None
    if can(actor, "related.view"):
        items = related_work_preview(
            actor=actor,
            person_ids=[p.pk for p in existing],
            concern_codes=cleaned.get("concern_codes") or [],
            received_at=received_at,
        )
    return _related_texts(actor, people, items, received_at=received_at, exclude=None, sent=False)


def _related_texts(actor, subject_people: list, items, *, received_at, exclude, sent: bool) -> list[str]:
    """The notices for related work `items` (None: the actor may not see related work, so only their own recent
    contacts are named). `subject_people`: the contact's children in input order (None for one not yet known)."""
    from django.utils import dateformat

    from openmash.enquiries.related import own_recent_contacts_by_person

    position = {}
    for i, person in enumerate(subject_people):
        if person is not None:
            position.setdefault(person.pk, i)

    def day(when) -> str:
        return dateformat.format(timezone.localtime(when), "j F Y")

    notices: list[str] = []
    if items is not None:
        for item in items:
            where = min((position[c] for c in item.child_ids if c in position), default=0)
            if item.kind == "open_case":
                text = "is open to children's social care" + (
                    f" (allocated to {item.worker_name})" if item.worker_name else " (awaiting allocation)"
                )
            else:
                label = item.label[:1].lower() + item.label[1:]  # "in an open MASH enquiry": MASH stays capitals
                text = f"{label}: contact {item.reference} from {item.agency_name}, received {day(item.received_at)}"
                if item.concerns:
                    text += f" ({'; '.join(item.concerns)})"
            then = (
                "The screener will see it and can join the work up"
                if sent
                else ("Check whether this contact belongs with that work before you send it")
            )
            notices.append(f"subjects.{where}: {text}. {then}")
        return notices
    earlier_by_person = own_recent_contacts_by_person(
        actor=actor, person_ids=list(position), received_at=received_at, exclude=exclude
    )
    for i, person in enumerate(subject_people):
        if person is None or position[person.pk] != i:
            continue
        for earlier in earlier_by_person.get(person.pk, []):
            notices.append(
                f"subjects.{i}: you recorded contact {earlier.reference} about this child on {day(earlier.received_at)}. "
                "If this is the same concern, amend that contact instead"
            )
    return notices


def _people_for_contact(actor, subjects: list, others: list, notices: list[str]) -> tuple[list, list[str], list]:
    """The people a new contact names, in input order (subjects, then household): existing people as chosen, new
    people created (each with the recording agency's record, linked by the deterministic rule, ADR 0005), and a
    person named twice the same person. Every person named gets the recording agency's record. Returns (people,
    notices, typed), the notices extended, for the hub only (access.search.intake_link_outcome_shown), with what
    linking did to each new person (joined to someone already known, held for the MASH to check at screening, or
    sent to the MASH's review queue), keyed by input position only; anyone else gets no such notice. A new person
    whose record is held until screening for someone already known (ADR 0009 addendum 2) is that known person in
    ``people``; ``typed`` has each person as the referrer described them, for ``as_named``."""
    refs = [*subjects, *others]
    prefixes = [f"subjects.{i}" for i in range(len(subjects))] + [f"household.{i}" for i in range(len(others))]
    new_at = [n for n, (kind, _) in enumerate(refs) if kind == "new"]
    new = [refs[n][1] for n in new_at]
    not_same = {i: set(c.get("not_person_ids") or []) for i, c in enumerate(new)}
    linked: list = []
    created = people_create(actor=actor, cleaned_list=new, not_same=not_same, linked=linked)
    people: list = [None] * len(refs)
    for n, person in zip(new_at, created, strict=True):
        people[n] = person
    for n, (kind, ref) in enumerate(refs):
        if kind == "existing":
            people[n] = ref
    for n, (kind, ref) in enumerate(refs):
        if kind == "same":
            people[n] = people[ref]
    chosen = {ref.pk: ref for kind, ref in refs if kind == "existing"}
    attached = records_attach(actor=actor, people=list(chosen.values())) if chosen else []
    # A new person can only have been joined to someone, or proposed for review, by a link written just now: when
    # the deterministic rule wrote none (and no chosen person's record was added), there is nothing to ask.
    outcome = records_link_outcome([p.pk for p in created]) if linked or attached else {}
    # ADR 0009 addendum 2: a new person whose record is held until screening for someone already known is that
    # person in this contact (routing, related work, the chronology); what was typed stays in as_named
    typed = list(people)
    if linked:
        _people_held_resolve(people, refs, dict(zip(new_at, created, strict=True)))
    # the outcome is said only to the hub (access.search.intake_link_outcome_shown): to anyone else, whether an
    # identifier given is known must not show (attacker review of issue 7; ADR 0009 addendum 3)
    told = intake_link_outcome_shown(actor) if outcome else False
    for n, person in zip(new_at, created, strict=True):
        if not told:
            break
        if outcome.get(person.pk) == "joined":
            notices.append(
                f"{prefixes[n]}: an identifier given belongs to a person already known to the partnership, so their "
                "records are joined (one chronology)"
            )
        elif outcome.get(person.pk) == "proposed":
            notices.append(
                f"{prefixes[n]}: an identifier given belongs to a person already known to the partnership; the MASH "
                "will check whether this is the same person"
            )
    return people, notices, typed


@transaction.atomic
def contact_person_held_move(*, actor, contact_id, known_person_id, origin_person_id, reason: str) -> int:
    """ "Not the same child" (ADR 0009 addendum 2): the contact's intake join held until screening was rejected, so
    what the contact recorded against the known person (``known_person_id``, a resolved id) moves to the person the
    referrer's record stands for (``origin_person_id``): its ``ContactPerson`` rows naming the known person's
    cluster, the contact's own chronology entries about them, the relationships the contact asserted and its
    Encompass notices. Each moved ``ContactPerson`` gets a ``ContactChange`` ("person_moved", kind correction) with
    the reason; one "update" audit event on the contact names what moved (no personal data). Called by
    ``people.linking.intake_link_reject`` (the access check is the caller's: "link.review"). Returns the number of
    ContactPerson rows moved."""
    from openmash.people.linking import people_cluster_ids
    from openmash.people.models import ChronologyEntry, Relationship

    contact = Contact.objects.select_for_update().get(pk=contact_id)
    cluster = people_cluster_ids([known_person_id])
    moved = list(ContactPerson.objects.filter(contact=contact, person_id__in=cluster))
    if not moved:
        return 0
    target = Person.objects.get(pk=origin_person_id)
    changes = []
    for cp in moved:
        previous = cp.person_id
        ContactPerson.objects.filter(pk=cp.pk).update(person_id=target.pk, updated_at=timezone.now())
        changes.append(
            _change(
                actor,
                contact,
                ChangeKind.CORRECTION,
                "person_moved",
                {"person_id": str(previous)},
                {"person_id": str(target.pk)},
                person=target,
                reason=reason,
            )
        )
    ContactChange.objects.bulk_create(changes)
    from_ids = {cp.person_id for cp in moved}
    entries = ChronologyEntry.objects.filter(
        object_type="contacts.contact", object_id=str(contact.pk), person_id__in=from_ids
    ).update(person_id=target.pk)
    rels = Relationship.objects.filter(source_contact=contact, person_id__in=from_ids).update(person_id=target.pk)
    rels += Relationship.objects.filter(source_contact=contact, related_person_id__in=from_ids).update(
        related_person_id=target.pk
    )
    EncompassNotice.objects.filter(contact=contact, person_id__in=from_ids).update(person_id=target.pk)
    audit_record(
        actor=actor,
        action="update",
        obj=contact,
        reason=reason,
        detail={"moved": len(moved), "chronology": entries, "relationships": rels, "why": "not the same child"},
    )
    return len(moved)


def _people_held_resolve(people: list, refs: list, created_at: dict) -> None:
    """In place: each new person (``created_at``: {input position: Person}) whose record is held until screening
    for someone already known (ADR 0009 addendum 2) becomes that known person, and so does a "same" reference to it."""
    held = intake_pending_targets([p.pk for p in created_at.values()])
    if not held:
        return
    known = {p.pk: p for p in Person.objects.filter(pk__in=set(held.values()))}
    for n, person in created_at.items():
        if held.get(person.pk) in known:
            people[n] = known[held[person.pk]]
    for n, (kind, ref) in enumerate(refs):
        if kind == "same":
            people[n] = people[ref]


def _siblings_record(actor, contact, subject_people: list, siblings: list[tuple[int, int, str]]) -> None:
    """What the referrer said about how the children are related, as relationships both ways."""
    by_kind: dict[str, list] = {}
    for first, second, kind in siblings:
        if kind in (SiblingRelationship.NOT_RELATED, SiblingRelationship.UNKNOWN):
            continue
        a, b = subject_people[first].pk, subject_people[second].pk
        by_kind.setdefault(kind, []).extend([(a, b), (b, a)])
    for kind, pairs in by_kind.items():
        relationships_ensure(pairs=pairs, relationship_type=kind, source_contact=contact, actor=actor)


def _encompass_send(actor, contact: Contact) -> list[EncompassNotice]:
    """Operation Encompass (DOMAIN.md 1.5): when the contact asks for it, send each child's school a minimal
    notice (police reference, date and time, the child, present or not) in OpenMASH, once per child and school.
    The school's users are told in-app by the notice itself; it carries no narrative."""
    if not (contact.notify_schools and contact.police_reference and contact.incident_at):
        return []
    rows = ContactPerson.objects.filter(
        contact=contact, role=ContactPersonRole.SUBJECT, school__isnull=False
    ).select_related("person")
    incident_on = timezone.localtime(contact.incident_at).date()
    rows = [  # never a notice about a baby (under 2 on the incident date) or an unborn child
        cp
        for cp in rows
        if encompass_child_eligible(_encompass_child(("existing", cp.person), cp.school_id), incident_on)
    ]
    # a child held until screening for someone known (ADR 0009 addendum 2): the school's notice names the child as
    # the police described them, never the known child's record
    held = intake_held_people(contact.pk) if rows else {}
    for cp in rows:
        cp.person_id = held.get(cp.person_id, cp.person_id)
    already = set(EncompassNotice.objects.filter(contact=contact).values_list("person_id", "school_id"))
    notices = EncompassNotice.objects.bulk_create(
        [
            EncompassNotice(
                contact=contact,
                person_id=cp.person_id,
                school_id=cp.school_id,
                police_reference=contact.police_reference,
                incident_at=contact.incident_at,
                present=cp.present_at_incident or YesNoUnknown.UNKNOWN,
                sent_by=actor.user,
            )
            for cp in rows
            if (cp.person_id, cp.school_id) not in already
        ]
    )
    if notices:  # one event per notice, in one INSERT
        audit_record_many(actor=actor, action="encompass_send", objects=notices, detail={"contact": str(contact.pk)})
    return notices


@transaction.atomic
def encompass_notice_acknowledge(*, actor, notice_id) -> EncompassNotice:
    """The school's designated safeguarding lead acknowledges an Operation Encompass notice to their school
    (DOMAIN.md 1.5: the school confirms it has the notice in hand; the hub and the police see who and when).

    In: the notice's id. Out: the notice with acknowledged_by / acknowledged_at (aware UTC) set, and read_at if it
    was not yet. Audited (action "acknowledge"). Raises PermissionDenied (not a school's user: the hub cannot
    acknowledge for a school), NotFound (no such notice to the actor's school), Conflict (already acknowledged:
    the message names who and when, in UK time)."""
    from openmash.access.policy import encompass_notice_get_for, encompass_notices_visible

    require(actor, "encompass.acknowledge")
    notice = encompass_notice_get_for(actor, notice_id, qs=encompass_notices_visible(actor).select_for_update())
    if notice.school_id != actor.agency_id:
        raise PermissionDenied("Only the school the notice was sent to can acknowledge it.")
    if notice.acknowledged_at is not None:
        when = datetime_long(notice.acknowledged_at)
        raise Conflict(f"This notice was already acknowledged by {notice.acknowledged_by} on {when}.")
    now = timezone.now()
    notice.acknowledged_by, notice.acknowledged_at = actor.user, now
    notice.read_at = notice.read_at or now
    notice.save(update_fields=["acknowledged_by", "acknowledged_at", "read_at", "updated_at"])
    audit_record(actor=actor, action="acknowledge", obj=notice, detail={"contact": str(notice.contact_id)})
    return notice


# --- amending a contact before screening, correcting people after ------------------------------------------------

# Amendable only until someone has acted on it (issue 5 review): waiting for screening, or passed straight to the
# allocated worker at intake and neither acknowledged by them nor screened by the hub (contact_status_amendable).
# After that it is the hub's (or the worker's) record, corrected by the hub with a reason (contact_person_correct).
AMENDABLE_STATUSES = frozenset({ContactStatus.AWAITING_SCREENING, ContactStatus.WITH_ALLOCATED_WORKER})
#: Said to anyone whose amendment comes too late, in words that do not say where the contact went or claim it was
#: screened when it was not (a recorder must not learn that it was passed to an allocated worker: issue 5, fault 6;
#: attacker review 2026-11, finding 3).
NOT_AMENDABLE_MESSAGE = (
    "This contact is already being dealt with, so it can no longer be changed. To add information, record a new "
    "contact or call the MASH."
)


def contact_status_amendable(contact: Contact) -> bool:
    """Whether the contact is still in a state to be amended (who may amend it is access.policy.contact_amend_allowed):
    waiting for screening, or passed straight to the child's allocated worker at intake (status "with allocated
    worker") and neither acknowledged by that worker (casework.RoutedContactReceipt) nor screened by the hub (a
    Screening row). The two cases read the same to the recorder, so amending cannot tell a referrer that the child
    has an allocated worker (issue 5 fault 6; attacker review 2026-11, finding 3: the routed contact answered 409
    "has been screened" at once, an unscreened one was amendable). In: a Contact. Out: bool (one query for a routed
    contact, none otherwise)."""
    if contact.status == ContactStatus.AWAITING_SCREENING:
        return True
    if contact.status != ContactStatus.WITH_ALLOCATED_WORKER:
        return False
    from openmash.casework.models import RoutedContactReceipt
    from openmash.enquiries.models import Screening

    return not (
        Screening.objects.filter(contact_id=contact.pk).exists()
        or RoutedContactReceipt.objects.filter(contact_id=contact.pk).exists()
    )


def contact_not_amendable_refuse(actor, contact: Contact) -> None:
    """Refuse an amendment that comes too late (contact_status_amendable is False): write a `deny` audit event (rule
    `not_amendable`, status 409; attacker review 2026-11, finding 3: the refusal was not audited) and raise Conflict
    with NOT_AMENDABLE_MESSAGE. Call outside any transaction the refusal rolls back, so the event stays."""
    audit_record(actor=actor, action="deny", obj=contact, detail={"rule": "not_amendable", "status": 409})
    raise Conflict(NOT_AMENDABLE_MESSAGE)


_DA_FIELDS = ("police_reference", "incident_at", "dash_risk", "marac_referral", "notify_schools")


def _json(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Agency):
        return value.name
    return value


STALE_CONTACT_MESSAGE = "Someone else changed this contact since you opened it. Reload it and make your change again."


def _version_bump(model, pk, version: int, what: str, **still) -> None:
    """Optimistic lock: move the row from `version` to `version + 1` (if it still matches `still`), or raise
    Conflict if someone else changed it first."""
    from django.db.models import F

    rows = model.objects.filter(pk=pk, version=version, **still)
    if not rows.update(version=F("version") + 1, updated_at=timezone.now()):
        raise Conflict(f"Someone else changed this {what} since you opened it. Reload it and make your change again.")


def contact_amend(*, actor, contact_id, version: int, data: dict, validate_only: bool = False) -> Contact:
    """Amend a contact that is not screened yet (issue 5): add children (`add_subjects`) or household members
    (`add_household`, each with a role), change the people in it (`people`: person_id plus any of forename,
    surname, date_of_birth, expected_date_of_birth, sex, ethnicity, add_identifiers, add_address, school_code,
    gp_code, present_at_incident), or its domestic abuse details (`domestic_abuse`). Input keys not given are
    left alone. Who: the recorder or the hub (access.policy.contact_amend_allowed).

    The recorder's amendment changes only what this contact says (issue 5 review, fault 1): the details of a person
    (names, dates, sex, ethnicity, identifiers, address) only when this contact created the person's record and
    nothing else names it (recorder_may_change_person); for anyone else, such as a child picked from search, it is
    refused with PERSON_HELD_MESSAGE on each field asked. The hub may amend any person's details. The recorder's own
    changes also update what they named (ContactPerson.as_named); nobody else's do.

    Every change is kept as a ContactChange with the value it replaced; one 'amend' audit event names the
    fields. Raises NotFound (not visible), PermissionDenied, Conflict (screened, or `version` is stale: someone
    else amended it first) or ValidationFailed (field errors keyed as in the API input; nothing is saved).
    validate_only: the same checks, nothing saved, the contact returned as it is (the page's partial check)."""
    require(actor, "contact.amend")
    # the page's partial check (validate_only) asks nobody about candidates: that question comes once the form is right
    if validate_only:  # refusals (a contact too late to amend: audited) answered outside the transaction below
        _amendable_contact_get(actor, contact_id, version)
    looked_up = {} if validate_only else _amend_candidates_looked_up(actor, contact_id, version, data)
    with transaction.atomic():
        contact = _amendable_contact_get(actor, contact_id, version)
        try:
            plan = _amend_validate(actor, contact, data, looked_up)
        except ValidationFailed as exc:
            if validate_only or not any(key.endswith(".match") for key in exc.errors):
                raise
            inputs = {
                f"{key}.{i}": ref
                for key in ("add_subjects", "add_household")
                for i, ref in enumerate(data.get(key) or [])
            }
            candidates = _candidates_unanswered(actor, exc.errors, inputs, looked_up)
            raise CandidatesUnanswered(exc.message, errors=exc.errors, candidates=candidates) from None
        if validate_only:
            return contact
        _version_bump(Contact, contact.pk, version, "contact", status__in=AMENDABLE_STATUSES)
        contact.refresh_from_db()
        changes = _amend_apply(actor, contact, plan)
        if not changes:
            raise ValidationFailed("Nothing to change", errors={"version": ["Make at least one change"]})
        ContactChange.objects.bulk_create(changes)
        audit_record(
            actor=actor,
            action="amend",
            obj=contact,
            detail={"fields": sorted({c.field for c in changes}), "version": contact.version},
        )
        _encompass_send(actor, contact)
    return contact


def _amend_validate_people(actor, contact: Contact, data: dict, links: dict, errors: dict) -> list:
    """The `people` part of an amendment: [(link, cleaned person details or {}, contact extras)]."""
    items: list = []
    for i, item in enumerate(data.get("people") or []):
        prefix = f"people.{i}"
        link = links.get(_uuid_or_none(item.get("person_id")))
        if link is None:
            errors.setdefault(f"{prefix}.person_id", []).append("That person is not named in this contact")
            continue
        person = link.person
        asked = _person_detail_keys(item)
        if asked and not actor.is_hub and not recorder_may_change_person(contact, link):
            # The recorder's amendment changes only what this contact says (issue 5 review, fault 1): the record of a
            # person found by search, or named anywhere else, is the hub's to correct.
            for key in asked:
                errors.setdefault(f"{prefix}.{key}", []).append(PERSON_HELD_MESSAGE)
            continue
        cleaned: dict = {}  # nothing asked of the record: only what this contact says (school, GP, present) changes
        if asked:
            merged = {**person_values(person), **{k: item[k] for k in _PERSON_FIELDS if k in item}}
            if "date_of_birth" in item or "expected_date_of_birth" in item:
                merged["unborn"] = item.get("expected_date_of_birth") is not None and not item.get("date_of_birth")
            merged["identifiers"] = item.get("add_identifiers") or []
            merged["address"] = item.get("add_address") or None
            cleaned = person_input_validate(
                merged, prefix=prefix, errors=errors, child=link.role == ContactPersonRole.SUBJECT
            )
        extras = {}
        if link.role == ContactPersonRole.SUBJECT:
            given = {k: item[k] for k in ("school_code", "gp_code", "present_at_incident") if k in item}
            full = {
                "school_code": link.school.code if link.school else "",
                "gp_code": link.gp.code if link.gp else "",
                "present_at_incident": link.present_at_incident,
                **{k: v or "" for k, v in given.items()},
            }
            extras = _child_extras(full, prefix=prefix, errors=errors)
        items.append((link, cleaned, extras))
    return items


def _amendable_contact_get(actor, contact_id, version: int) -> Contact:
    """The contact to amend, if the actor sees it, may amend it, it is not screened and `version` is current.
    Raises NotFound, PermissionDenied or Conflict."""
    contact = contact_get_for(actor, contact_id, qs=contacts_visible(actor))
    if not contact_amend_allowed(actor, contact):
        raise PermissionDenied("Only the person who recorded this contact, or the MASH, can amend it.")
    if not contact_status_amendable(contact):
        contact_not_amendable_refuse(actor, contact)
    if contact.version != version:  # judged against what they saw: a stale form is refused before anything else
        raise Conflict(STALE_CONTACT_MESSAGE)
    return contact


def _amend_candidates_looked_up(actor, contact_id, version: int, data: dict) -> dict[str, list]:
    """The audited candidate lookup for each new person an amendment adds (``_candidates_looked_up``), keyed by
    input prefix ("add_household.0"), made before the amendment's transaction and only for an amendment the actor
    may make (else the same NotFound / PermissionDenied / Conflict as contact_amend)."""
    contact = _amendable_contact_get(actor, contact_id, version)
    refs = [
        (f"{key}.{i}", ref) for key in ("add_subjects", "add_household") for i, ref in enumerate(data.get(key) or [])
    ]
    exclude = [str(pid) for pid in contact.people.values_list("person_id", flat=True)]
    return _candidates_looked_up(actor, refs, exclude=exclude)


def _candidates_looked_up(actor, refs: list[tuple[str, dict]], *, exclude: list) -> dict[str, list]:
    """Search before create, counted and audited (attacker review: the check was an unthrottled, unaudited
    existence oracle): for each (prefix, person input) that is not a `person_id`, the people already known who may
    be them, by matching.candidates.intake_candidates, the lookup the intake page and POST /api/v1/intake/candidates
    use: one "search" audit event (by "intake_candidates") and a "search_result" per candidate, each lookup one
    search under the search rate limit (SECURITY-TESTS.md PF-2). Call outside any transaction that a refusal rolls
    back. Returns {prefix: [Candidate]}. Raises PermissionDenied, RateLimited (audited, managers alerted)."""
    from openmash.matching.candidates import intake_candidates_many

    wanted = [
        (prefix, ref)
        for prefix, ref in refs
        if isinstance(ref, dict) and not ref.get("person_id") and not _decided_new(ref)
    ]
    return intake_candidates_many(actor=actor, people=wanted, exclude_person_ids=exclude)


def _candidates_unanswered(actor, errors: dict, inputs: dict[str, dict], found: dict[str, list]) -> dict:
    """For each person refused on ``<prefix>.match``, the candidates their lookup found that are still unanswered
    (the minimum every recorder is shown: matching.candidates.candidate_summary) and a fresh ``reference`` to send
    back with ``match_decision: "new"``. The lookup that found them was the actor's own audited search (a
    ``search_result`` event per candidate), so they may name one by ``person_id``. {prefix: {"reference", "items"}}."""
    from openmash.matching.candidates import candidate_summary, candidates_reference

    out = {}
    for key in errors:
        if not key.endswith(".match"):
            continue
        prefix = key[: -len(".match")]
        ref = inputs.get(prefix)
        if not isinstance(ref, dict):
            continue
        declined = {str(x) for x in ref.get("not_person_ids") or []}
        pending = [c for c in found.get(prefix, []) if str(c.person.pk) not in declined]
        out[prefix] = {
            "reference": candidates_reference(actor=actor, details=ref, found=found.get(prefix, [])),
            "items": [candidate_summary(c) for c in pending],
        }
    return out


def _creation_candidates_check(actor, data: dict, subjects: list, others: list) -> None:
    """Search before create at contact creation, as at amendment: each new child (`subjects.N`) and household
    member (`household.N`) is looked up (``_candidates_looked_up``; the people chosen by `person_id` in the same
    contact are not offered) and every candidate must be answered (``_search_before_create``). Raises
    ValidationFailed keyed `<prefix>.match`, RateLimited or PermissionDenied; returns None when all are answered."""
    resolved = [(f"subjects.{i}", r) for i, r in enumerate(subjects)]
    resolved += [(f"household.{i}", r) for i, (_, r) in enumerate(others)]
    inputs = {f"subjects.{i}": s for i, s in enumerate(data.get("subjects") or [])}
    inputs.update({f"household.{i}": o for i, o in enumerate(data.get("household") or [])})
    chosen = [str(ref.pk) for _, (kind, ref) in resolved if kind == "existing"]
    new = [(prefix, inputs[prefix]) for prefix, (kind, _) in resolved if kind == "new"]
    found = _candidates_looked_up(actor, new, exclude=chosen)
    errors: dict[str, list[str]] = {}
    for prefix, (kind, cleaned) in resolved:
        if kind == "new":
            _search_before_create(actor, cleaned, prefix=prefix, found=found.get(prefix, []), errors=errors)
    if errors:
        raise CandidatesUnanswered(
            "There is a problem with the contact",
            errors=errors,
            candidates=_candidates_unanswered(actor, errors, inputs, found),
        )


def _amend_children(plan: dict, links: dict) -> list[EncompassChild]:
    """The contact's children after an amendment (their schools as amended, and the children added), for
    encompass_check."""
    schools = {link.pk: extras.get("school") for link, _, extras in plan["people"] if extras}
    children = [
        _encompass_child(("existing", link.person), schools.get(link.pk, link.school))
        for link in links.values()
        if link.role == ContactPersonRole.SUBJECT
    ]
    children += [_encompass_child(resolved, extras.get("school")) for _, resolved, extras in plan["add_subjects"]]
    return children


def _amend_validate(actor, contact: Contact, data: dict, looked_up: dict[str, list]) -> dict:
    errors: dict[str, list[str]] = {}
    links = {cp.person_id: cp for cp in contact.people.select_related("person", "school", "gp")}
    plan: dict[str, Any] = {
        "people": [],
        "add_subjects": [],
        "add_household": [],
        "domestic_abuse": None,
        "concern": _amend_validate_concern(actor, contact, data.get("concern"), errors),
    }
    plan["people"] = _amend_validate_people(actor, contact, data, links, errors)
    for key, role_default, child in (("add_subjects", ContactPersonRole.SUBJECT, True), ("add_household", None, False)):
        for i, ref in enumerate(data.get(key) or []):
            prefix = f"{key}.{i}"
            role = ref.get("role") or ContactPersonRole.HOUSEHOLD_MEMBER if not child else role_default
            if not child and (role not in ContactPersonRole.values or role == ContactPersonRole.SUBJECT):
                errors.setdefault(f"{prefix}.role", []).append(
                    "Role must be parent_carer, household_member or alleged_perpetrator"
                )
            resolved = _resolve_person(actor, ref, prefix=prefix, errors=errors, child=child)
            if resolved[0] == "existing" and resolved[1].pk in links:
                errors.setdefault(f"{prefix}.person_id", []).append("That person is already named in this contact")
            if resolved[0] == "new" and f"{prefix}.match" not in errors:
                found = looked_up.get(prefix, [])
                _search_before_create(actor, resolved[1], prefix=prefix, found=found, errors=errors)
            extras = _child_extras(ref, prefix=prefix, errors=errors) if child else {}
            plan[key].append((role, resolved, extras))
    if data.get("domestic_abuse") is not None:
        current = {f: getattr(contact, f) for f in _DA_FIELDS}
        merged = {**current, **data["domestic_abuse"]}
        da: dict[str, Any] = {}
        _validate_domestic_abuse(merged, da, lambda f, m: errors.setdefault(f"domestic_abuse.{f}", []).append(m))
        if da.get("notify_schools") and not contact.notify_schools and not can(actor, "encompass.request"):
            errors.setdefault("domestic_abuse.notify_schools", []).append(ENCOMPASS_POLICE_ONLY)
        elif da.get("notify_schools"):
            children = _amend_children(plan, links)
            _encompass_children_check(da.get("incident_at"), children, "domestic_abuse.notify_schools", errors)
        plan["domestic_abuse"] = da
    _amend_dates_check(contact, plan, data, errors)
    if errors:
        raise ValidationFailed("There is a problem with the amendment", errors=errors)
    return plan


_PERSON_FIELDS = ("forename", "surname", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity")

CANDIDATES_UNANSWERED = (
    "{n} already known may be this person. Look at them first (listed in `candidates`, or POST "
    "/api/v1/intake/candidates, or the page), then give the person_id of the one it is, or say it is none of them: "
    'match_decision "new" with the candidates_reference (or list every one it is not in not_person_ids)'
)


NOT_PERSON_IDS_NOT_OFFERED = (
    "Give only the ids of people offered to you as candidates for this person (the candidates of your own lookup: "
    "POST /api/v1/intake/candidates, the intake page, or the refusal that listed them) or people you may name by id"
)


def _search_before_create(actor, cleaned: dict, *, prefix: str, found: list, errors: dict) -> None:
    """Search before create (issue 5 review, fault 5; attacker review), on every path that adds a new person to a
    contact (contact_create, and contact_amend which the amendment page and the API's amendments share): the people
    already known who may be this person (`found`: the audited, rate-limited lookup, ``_candidates_looked_up``)
    must each be answered, by naming the one it is (`person_id`) or listing those it is not (`not_person_ids`),
    else a `<prefix>.match` error. The error says only how many; who they are comes from the audited lookup the
    client makes (matching.candidates.intake_candidates: the intake page's question, POST /api/v1/intake/candidates).

    `not_person_ids` may name only people offered to this actor (``_not_person_ids_check``): else an error on
    `<prefix>.not_person_ids`, the same words whether the id exists or not (issue 7)."""
    _not_person_ids_check(actor, cleaned, prefix=prefix, found=found, errors=errors)
    declined = {str(x) for x in cleaned.get("not_person_ids") or []}
    pending = [c for c in found if str(c.person.pk) not in declined]
    if pending:
        n = len(pending)
        who = "1 person" if n == 1 else f"{n} people"
        errors.setdefault(f"{prefix}.match", []).append(CANDIDATES_UNANSWERED.format(n=who))


PERSON_HELD_MESSAGE = (
    "Only the MASH can change the details of a person found by search or named in other records. "
    "Contact the MASH to tell them what is wrong"
)


def _person_detail_keys(item: dict) -> list[str]:
    """The keys of an amendment item that would change the person's record (not what the contact says about
    them): the names, dates, sex and ethnicity given, and identifiers or an address to add."""
    keys = [k for k in _PERSON_FIELDS if k in item]
    keys += [k for k in ("add_identifiers", "add_address") if item.get(k)]
    return keys


def recorder_may_change_person(contact: Contact, link: ContactPerson) -> bool:
    """Whether the recorder's amendment may change the person's record (issue 5 review, fault 1). Only when this
    contact created the record and nothing else names it: no other contact, allocation, agency record or link,
    merge, chronology entry or relationship from elsewhere, and no change by anyone but the recorder. Otherwise the
    record is the hub's (the recorder may still change what this contact says: school, GP, present at incident)."""
    from django.db.models import Q

    from openmash.enquiries.models import CaseAllocation
    from openmash.people.models import AgencyRecord, ChronologyEntry, RecordLink, Relationship

    if not link.created_by_contact:
        return False
    pid = link.person_id
    person = link.person
    if person.merged_into_id is not None or Person.objects.filter(merged_into_id=pid).exists():
        return False
    if ContactPerson.objects.filter(person_id=pid).exclude(contact_id=contact.pk).exists():
        return False
    if CaseAllocation.objects.filter(person_id=pid).exists():
        return False
    records = AgencyRecord.objects.filter(Q(person_id=pid) | Q(origin_person_id=pid))
    if records.exclude(source_contact_id=contact.pk).exists():
        return False
    if RecordLink.objects.filter(Q(record_l__in=records) | Q(record_r__in=records)).exists():
        return False
    mine = Q(object_type=Contact._meta.label_lower, object_id=str(contact.pk))
    if ChronologyEntry.objects.filter(person_id=pid).exclude(mine).exists():
        return False
    if (
        Relationship.objects.filter(Q(person_id=pid) | Q(related_person_id=pid))
        .exclude(source_contact_id=contact.pk)
        .exists()
    ):
        return False
    return not contact.changes.filter(person_id=pid).exclude(changed_by_id=contact.recorded_by_id).exists()


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _change(
    actor, contact, kind, field, previous, new, *, person=None, reason="", sensitivity="standard"
) -> ContactChange:
    return ContactChange(
        contact=contact,
        person=person,
        kind=kind,
        field=field,
        previous=_json(previous),
        new=_json(new),
        reason=reason,
        sensitivity=sensitivity,
        changed_by=actor.user,
        agency=actor.agency,
        contact_version=contact.version,
    )


def _amend_apply(actor, contact: Contact, plan: dict) -> list[ContactChange]:
    changes = _amend_people(actor, contact, plan["people"])
    changes += _amend_additions(actor, contact, plan)
    changes += _amend_domestic_abuse(actor, contact, plan["domestic_abuse"])
    changes += _amend_concern(actor, contact, plan["concern"])
    return changes


IMMEDIATE_RISK_LOWER_MESSAGE = (
    "Only the MASH can record that a child is no longer at immediate risk. Call the MASH if the risk has changed"
)


def _amend_validate_concern(actor, contact: Contact, concern: dict | None, errors: dict) -> dict | None:
    """The `concern` part of an amendment before screening (practitioner review: a referrer who answered
    "immediate risk: no" by mistake could not correct it, nor add a concern or what they learnt since):

    - `immediate_risk` (bool) with `immediate_risk_detail`: raising it is open to the recorder and the hub, with
      the detail; lowering it only to the hub (``contact.screen``: screeners and managers), with the reason in the
      detail. Raising it brings the screening due time forward (screening_due);
    - `add_concern_codes`: CIN assessment factor codes added to those given (none is ever removed here);
    - `additional_information`: text added to the end of the narrative, marked with who added it and when (the
      original words are never rewritten).

    Out: the cleaned changes ({} when nothing differs) or None when `concern` is not given. Errors are keyed
    ``concern.<field>``."""
    if concern is None:
        return None

    def err(field: str, message: str) -> None:
        errors.setdefault(f"concern.{field}", []).append(message)

    out: dict[str, Any] = {}
    raised = concern.get("immediate_risk")
    if raised is not None and bool(raised) != contact.immediate_risk:
        detail = _text(concern, "immediate_risk_detail", err, multiline=True)
        if not raised and not can(actor, "contact.screen"):
            err("immediate_risk", IMMEDIATE_RISK_LOWER_MESSAGE)
        elif not detail:
            err(
                "immediate_risk_detail",
                "Describe the immediate risk and what has been done"
                if raised
                else "Say why the child is no longer at immediate risk",
            )
        elif len(detail) > 1000:
            err("immediate_risk_detail", "Must be 1,000 characters or fewer")
        out.update(immediate_risk=bool(raised), immediate_risk_detail=detail)
    codes = list(dict.fromkeys(concern.get("add_concern_codes") or []))
    unknown = [str(c) for c in codes if c not in CONCERN_CODES]
    if unknown:
        err("add_concern_codes", f"Unknown concern category code: {', '.join(unknown)}")
    added = [c for c in codes if c in CONCERN_CODES and c not in contact.concern_codes]
    if added:
        out["concern_codes"] = [*contact.concern_codes, *added]
    info = _text(concern, "additional_information", err, multiline=True)
    if info:
        room = settings.OPENMASH_MAX_NARRATIVE_CHARS - len(contact.narrative) - 200
        if len(info) > room:
            err("additional_information", f"Must be {max(room, 0):,} characters or fewer (the description's limit)")
        out["additional_information"] = info
    return out


def _amend_concern(actor, contact: Contact, concern: dict | None) -> list[ContactChange]:
    if not concern:
        return []
    kind = ChangeKind.AMENDMENT
    changes: list[ContactChange] = []
    updated: list[str] = []
    if "immediate_risk" in concern:
        for field in ("immediate_risk", "immediate_risk_detail"):
            changes.append(_change(actor, contact, kind, field, getattr(contact, field), concern[field]))
            setattr(contact, field, concern[field])
        partnership = partnership_settings_get()
        calendar = working_calendar_get(around=contact.received_at.date(), settings_obj=partnership)
        due = screening_due(
            contact.received_at, immediate_risk=contact.immediate_risk, partnership=partnership, calendar=calendar
        )
        if due != contact.screening_due_at:
            changes.append(_change(actor, contact, kind, "screening_due_at", contact.screening_due_at, due))
            contact.screening_due_at = due
        updated += ["immediate_risk", "immediate_risk_detail", "screening_due_at"]
    if "concern_codes" in concern:
        changes.append(_change(actor, contact, kind, "concern_codes", contact.concern_codes, concern["concern_codes"]))
        contact.concern_codes = concern["concern_codes"]
        updated.append("concern_codes")
    if concern.get("additional_information"):
        who = f"{actor.user} ({actor.agency.name})"
        when = datetime_long(timezone.now())
        narrative = f"{contact.narrative}\n\nAdded on {when} by {who}:\n{concern['additional_information']}"
        changes.append(_change(actor, contact, kind, "narrative", contact.narrative, narrative))
        contact.narrative = narrative
        updated.append("narrative")
    if updated:
        contact.save(update_fields=[*updated, "updated_at"])
    return changes


def _amend_people(actor, contact, items) -> list[ContactChange]:
    kind = ChangeKind.AMENDMENT
    changes: list[ContactChange] = []
    by_recorder = actor.user.pk == contact.recorded_by_id
    for link, cleaned, extras in items:
        person = link.person
        applied = person_changes_apply(actor=actor, person=person, cleaned=cleaned) if cleaned else []
        for field, old, new in applied:
            changes.append(_change(actor, contact, kind, field, old, new, person=person))
        if applied:
            record_refresh(actor=actor, person=person, source_contact=contact)
        updated = []
        if by_recorder and cleaned and link.as_named != as_named_of(person):
            # what the referrer named follows their own amendments, never the hub's (fault 2)
            link.as_named = as_named_of(person)
            updated.append("as_named")
        for field, value in extras.items():
            if getattr(link, field) != value:
                changes.append(_change(actor, contact, kind, field, getattr(link, field), value, person=person))
                setattr(link, field, value)
                updated.append(field)
        if updated:
            link.save(update_fields=[*updated, "updated_at"])
    return changes


def _amend_additions(actor, contact, plan) -> list[ContactChange]:
    kind = ChangeKind.AMENDMENT
    changes: list[ContactChange] = []
    new_refs = [r for _, r, _ in plan["add_subjects"] + plan["add_household"] if r[0] == "new"]
    new = [p for _, p in new_refs]
    not_same = {i: set(c.get("not_person_ids") or []) for i, c in enumerate(new)}
    created_people = people_create(actor=actor, cleaned_list=new, not_same=not_same, source_contact=contact)
    # ADR 0009 addendum 2: a new person held until screening for someone known is that person in this contact
    held = intake_pending_targets([p.pk for p in created_people])
    known = {p.pk: p for p in Person.objects.filter(pk__in=set(held.values()))} if held else {}
    created = iter(created_people)
    chosen = [r[1] for _, r, _ in plan["add_subjects"] + plan["add_household"] if r[0] == "existing"]
    records_attach(actor=actor, people=chosen, source_contact=contact)
    subjects = [cp.person_id for cp in contact.people.all() if cp.role == ContactPersonRole.SUBJECT]
    added_subjects, added_others = [], []
    for key in ("add_subjects", "add_household"):
        for role, (how, ref), extras in plan[key]:
            typed = ref if how == "existing" else next(created)
            person = known.get(held.get(typed.pk), typed)
            ContactPerson.objects.create(
                contact=contact,
                person=person,
                role=role,
                as_named=as_named_of(typed),
                created_by_contact=how == "new" and person is typed,
                **extras,
            )
            changes.append(
                _change(
                    actor, contact, kind, "person_added", None, {"role": role, "name": typed.full_name}, person=person
                )
            )
            (added_subjects if key == "add_subjects" else added_others).append((role, person))
    for role, person in added_others:
        relationships_ensure(
            pairs=[(person.pk, s) for s in subjects + [p.pk for _, p in added_subjects]],
            relationship_type=role,
            source_contact=contact,
            actor=actor,
        )
    others = [(cp.role, cp.person_id) for cp in contact.people.all() if cp.role != ContactPersonRole.SUBJECT]
    for _, child in added_subjects:
        for role, other_id in others:
            if other_id not in {p.pk for _, p in added_others}:
                relationships_ensure(
                    pairs=[(other_id, child.pk)], relationship_type=role, source_contact=contact, actor=actor
                )
    if added_subjects:
        chronology_add(
            person_ids=[p.pk for _, p in added_subjects],
            occurred_at=contact.received_at,
            kind="contact",
            summary=f"Contact {contact.reference} from {contact.recording_agency.name} (child added later)",
            obj=contact,
            agency=contact.recording_agency,
        )
    return changes


def _amend_domestic_abuse(actor, contact, da) -> list[ContactChange]:
    changes: list[ContactChange] = []
    kind = ChangeKind.AMENDMENT
    if da:
        updated = []
        for field, value in da.items():
            if getattr(contact, field) != value:
                changes.append(_change(actor, contact, kind, field, getattr(contact, field), value))
                setattr(contact, field, value)
                updated.append(field)
        if updated:
            contact.save(update_fields=[*updated, "updated_at"])
    return changes


#: The error for a correction reason's sensitivity that is not standard, sensitive or sealed.
CHANGE_SENSITIVITY_MESSAGE = "Select how sensitive the reason is: standard, sensitive or sealed"


def contact_person_correct(
    *,
    actor,
    contact_id,
    person_id,
    version: int,
    reason: str,
    data: dict,
    validate_only: bool = False,
    sensitivity: str = "standard",
) -> ContactChange | list[ContactChange]:
    """Correct a person's details as named in a contact, at any stage, by the hub only, with a reason (issue 5).
    `version` is the person's version (Conflict if stale); `data` holds any of forename, surname, date_of_birth,
    expected_date_of_birth, sex, ethnicity, add_identifiers, add_address (they moved: the current address ends
    today), correct_address {address_id, status, line1, town, postcode} (an address recorded wrongly) and
    end_address {address_id, end_date} (they no longer live there; people.services.address_edits_validate).
    The previous values are kept as ContactChange rows (kind 'correction', with the reason) and one 'correct'
    audit event names the fields.
    Raises PermissionDenied, NotFound, Conflict or ValidationFailed (nothing is saved). validate_only: check
    and raise as above, but save nothing and return [] (the page asks it about the fields its own form accepted,
    so every field's error is shown at once: practitioner review). `sensitivity`: the reason's level, standard
    (default), sensitive or sealed (who reads it: access.sharing.contact_change_reason_held; ValidationFailed on
    "sensitivity" otherwise); kept on each change and in the audit event, never the words."""
    require(actor, "person.correct")
    reason = (reason or "").strip()
    if sensitivity not in ("standard", "sensitive", "sealed"):
        raise ValidationFailed(
            "There is a problem with the correction", errors={"sensitivity": [CHANGE_SENSITIVITY_MESSAGE]}
        )
    with transaction.atomic():
        contact = contact_get_for(actor, contact_id, qs=contacts_visible(actor))
        link = contact.people.select_related("person").filter(person_id=_uuid_or_none(person_id)).first()
        if link is None:
            from openmash.core.exceptions import NotFound

            raise NotFound()
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = ["Give the reason for the correction"]
        elif len(reason) > 500:
            errors["reason"] = ["The reason must be 500 characters or fewer"]
        person = link.person
        merged = {**person_values(person), **{k: data[k] for k in _PERSON_FIELDS if k in data}}
        if "date_of_birth" in data or "expected_date_of_birth" in data:
            merged["unborn"] = data.get("expected_date_of_birth") is not None and not data.get("date_of_birth")
        merged["identifiers"] = data.get("add_identifiers") or []
        merged["address"] = data.get("add_address") or None
        cleaned = person_input_validate(merged, prefix="", errors=errors, child=link.role == ContactPersonRole.SUBJECT)
        cleaned.update(address_edits_validate(person, data, errors=errors, today=timezone.localdate()))
        plan = {"people": [(link, cleaned, {})], "add_subjects": [], "add_household": []}
        dates: dict[str, list[str]] = {}
        _amend_dates_check(contact, plan, {"people": [{"person_id": person.pk}]}, dates)
        for key, messages in dates.items():  # the correction form's keys have no prefix
            errors.setdefault(key.removeprefix("people.0."), messages)
        if errors:
            raise ValidationFailed("There is a problem with the correction", errors=errors)
        if validate_only:
            return []
        from openmash.people.models import Person as PersonModel

        _version_bump(PersonModel, person.pk, version, "person's details")
        person.refresh_from_db()
        applied = person_changes_apply(actor=actor, person=person, cleaned=cleaned, bump=False)
        if not applied:
            raise ValidationFailed("Nothing to change", errors={"version": ["Make at least one change"]})
        record_refresh(actor=actor, person=person, source_contact=contact)
        changes = ContactChange.objects.bulk_create(
            [
                _change(
                    actor,
                    contact,
                    ChangeKind.CORRECTION,
                    f,
                    old,
                    new,
                    person=person,
                    reason=reason,
                    sensitivity=sensitivity,
                )
                for f, old, new in applied
            ]
        )
        audit_record(
            actor=actor,
            action="correct",
            obj=person,
            reason="correction",  # the hub's own words stay in the change history, not the audit trail
            detail={
                "fields": sorted({c.field for c in changes}),
                "contact": str(contact.pk),
                "sensitivity": sensitivity,
            },
        )
    return changes


# --- the recorder's draft, kept across an idle sign-out ------------------------------------------------------------

DRAFT_MAX_FIELDS = 2000  # a generous bound on the intake page's fields (20 children, 30 adults)


def intake_draft_save(*, actor, answers: dict, selected: list) -> None:
    """Keep what the actor has typed on the intake page (answers: {field name: [values]}, as posted; selected: the
    records picked by search, [{"id", "name", "dob", "unborn"}]) for them alone, replacing any earlier draft.
    Text is cleaned as every input is (openmash.core.text); nothing is audited (their own typing, not a record).
    Practitioner review, fault 2."""
    require(actor, "contact.create")
    from openmash.contacts.models import IntakeDraft

    cleaned: dict[str, list[str]] = {}
    for name, values in list(answers.items())[:DRAFT_MAX_FIELDS]:
        try:
            cleaned[str(name)[:100]] = [clean_text(str(v), multiline=True) for v in values][:60]
        except TextRefused:
            continue  # a value the form would refuse is not kept
    picked = [
        {k: str(s.get(k, ""))[:200] for k in ("id", "name", "dob")} | {"unborn": bool(s.get("unborn"))}
        for s in selected[:20]
        if _is_uuid(s.get("id"))
    ]
    IntakeDraft.objects.update_or_create(
        user=actor.user, defaults={"answers": cleaned, "selected": picked, "saved_at": timezone.now()}
    )


def intake_draft_get(*, actor) -> dict | None:
    """The actor's own draft ({"answers", "selected", "saved_at"}) if one was kept within
    OPENMASH_INTAKE_DRAFT_HOURS, else None. Reading it back is audited (a 'view' naming no values)."""
    from openmash.contacts.models import IntakeDraft

    if not (actor and actor.user.is_authenticated):
        return None
    oldest = timezone.now() - dt.timedelta(hours=settings.OPENMASH_INTAKE_DRAFT_HOURS)
    draft = IntakeDraft.objects.filter(user=actor.user, saved_at__gte=oldest).first()
    if draft is None:
        return None
    audit_record(actor=actor, action="view", obj=draft, reason="intake draft")
    return {"answers": draft.answers, "selected": draft.selected, "saved_at": draft.saved_at}


def intake_draft_discard(*, actor) -> int:
    """Delete the actor's draft (sent, or they started again). Returns how many were deleted (0 or 1)."""
    from openmash.contacts.models import IntakeDraft

    return IntakeDraft.objects.filter(user=actor.user).delete()[0]


def intake_drafts_clear_expired() -> int:
    """Delete drafts older than OPENMASH_INTAKE_DRAFT_HOURS (run by `openmash serve` with clearsessions)."""
    from openmash.contacts.models import IntakeDraft

    oldest = timezone.now() - dt.timedelta(hours=settings.OPENMASH_INTAKE_DRAFT_HOURS)
    return IntakeDraft.objects.filter(saved_at__lt=oldest).delete()[0]
