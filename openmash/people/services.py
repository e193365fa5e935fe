"""Writes for people. Inputs are plain dicts validated here; errors are collected per field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openmash.audit.services import audit_record_many
from openmash.core.text import TextRefused, clean_text, normalise_name
from openmash.people.choices import AddressStatus, Ethnicity, PersonKind, Sex
from openmash.people.identifiers import identifier_normalise
from openmash.people.models import Address, ChronologyEntry, Person, PersonAlias, PersonIdentifier, Relationship
from openmash.people.postcodes import postcode_normalise
from openmash.people.search_index import search_keys_write_new
from openmash.people.validation import (
    date_of_birth_check,
    expected_date_of_birth_check,
    name_clean,
    names_check,
)


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class _FieldErrors:
    """Adds messages to an errors dict under prefix.field; callable like err(field, message)."""

    def __init__(self, errors: dict[str, list[str]], prefix: str) -> None:
        self.errors, self.prefix = errors, prefix

    def key(self, field: str) -> str:
        return f"{self.prefix}.{field}" if self.prefix else field

    def __call__(self, field: str, msg: str) -> None:
        self.errors.setdefault(self.key(field), []).append(msg)

    def has(self, field: str) -> bool:
        return bool(self.errors.get(self.key(field)))


def person_input_validate(data: dict, *, prefix: str, errors: dict[str, list[str]], child: bool) -> dict:
    """Check a new person's details. Returns cleaned values; adds messages to errors keyed prefix.field."""

    err = _FieldErrors(errors, prefix)
    cleaned: dict[str, Any] = {}
    _validate_names(data, cleaned, err)
    _validate_dates(data, cleaned, err, child=child)
    _validate_codes(data, cleaned, err)
    _validate_identifiers(data, cleaned, err)
    _validate_address(data, cleaned, err)
    _validate_aliases(data, cleaned, err)
    return cleaned


def _validate_aliases(data, cleaned, err) -> None:
    aliases = []
    for i, alias in enumerate((data.get("aliases") or [])[:10]):
        try:
            forename = name_clean(alias.get("forename"), label="First name")
            surname = name_clean(alias.get("surname"), label="Last name")
        except ValueError as exc:
            err(f"aliases.{i}", str(exc))
            continue
        if not (forename or surname):
            err(f"aliases.{i}", "Enter the other name, or remove it")
        else:
            aliases.append((forename, surname))
    cleaned["aliases"] = aliases


def _validate_names(data, cleaned, err) -> None:
    for field, label in (("forename", "First name"), ("surname", "Last name")):
        try:
            cleaned[field] = name_clean(data.get(field), label=label)
        except ValueError as exc:
            err(field, str(exc))
            cleaned[field] = ""
    if not (err.has("forename") or err.has("surname")):
        try:
            names_check(cleaned["forename"], cleaned["surname"], unborn=bool(data.get("unborn")))
        except ValueError as exc:
            err("forename", str(exc))


def _date_field(data, field: str, label: str, err) -> dt.date | None:
    try:
        return _parse_date(data.get(field))
    except ValueError:
        err(field, f"{label} must be a real date")
        return None


def _validate_dates(data, cleaned, err, *, child: bool) -> None:
    today = timezone.localdate()
    dob = _date_field(data, "date_of_birth", "Date of birth", err)
    edd = _date_field(data, "expected_date_of_birth", "Expected date of birth", err)
    if data.get("unborn"):
        if edd is None:
            if not err.has("expected_date_of_birth"):
                err("expected_date_of_birth", "Enter the expected date of birth of the unborn child")
        else:
            try:
                expected_date_of_birth_check(edd, today=today)
            except ValueError as exc:
                err("expected_date_of_birth", str(exc))
        if dob:
            err("date_of_birth", "An unborn child has an expected date of birth, not a date of birth")
        cleaned.update(kind=PersonKind.UNBORN, date_of_birth=None, expected_date_of_birth=edd)
        return
    if dob:
        try:
            date_of_birth_check(dob, today=today, subject_child=child)
        except ValueError as exc:
            err("date_of_birth", str(exc))
    cleaned.update(kind=PersonKind.CHILD if child else PersonKind.ADULT, date_of_birth=dob, expected_date_of_birth=None)


def _validate_codes(data, cleaned, err) -> None:
    sex = data.get("sex") or Sex.UNKNOWN
    if sex not in Sex.values:
        err("sex", "Sex must be M, F or U")
    ethnicity = data.get("ethnicity") or Ethnicity.NOBT
    if ethnicity not in Ethnicity.values:
        err("ethnicity", "Ethnicity must be a DfE ethnicity code such as WBRI or NOBT")
    cleaned.update(sex=sex, ethnicity=ethnicity)


def _validate_identifiers(data, cleaned, err) -> None:
    identifiers = []
    for i, ident in enumerate(data.get("identifiers") or []):
        try:
            identifiers.append((ident.get("type"), identifier_normalise(ident.get("type"), ident.get("value", ""))))
        except ValueError as exc:
            err(f"identifiers.{i}.value", str(exc))
    cleaned["identifiers"] = identifiers


def address_validate(address: dict | None, *, err, prefix: str = "address") -> dict | None:
    """An address as entered: status known (line 1 required, postcode optional but a UK postcode in canonical
    form when given), or no fixed abode / not known (no address lines, nothing stored as text). Errors go to
    `prefix`.<field> (address.line1; just line1 with prefix ""). Returns the cleaned address, or None when nothing was given."""
    if not address:
        return None
    at = f"{prefix}." if prefix else ""
    status = address.get("status") or AddressStatus.KNOWN
    if status not in AddressStatus.values:
        err(f"{at}status", "Address status must be known, no_fixed_abode or not_known")
        return None
    values = {}
    for field, limit, label in (("line1", 200, "Address line 1"), ("town", 100, "Town or city")):
        try:
            values[field] = clean_text(address.get(field))
        except TextRefused as exc:
            err(f"{at}{field}", str(exc))
            values[field] = ""
        if len(values[field]) > limit:
            err(f"{at}{field}", f"{label} must be {limit} characters or fewer")
    raw_postcode = address.get("postcode") or ""
    postcode = ""
    if status != AddressStatus.KNOWN:
        if values["line1"] or values["town"] or raw_postcode.strip():
            label = AddressStatus(status).label.lower()
            err(f"{at}line1", f"Leave the address blank when the address is {label}")
        return {"status": status, "line1": "", "town": "", "postcode": ""}
    if raw_postcode.strip():
        try:
            postcode = postcode_normalise(raw_postcode)
        except ValueError as exc:
            err(f"{at}postcode", str(exc))
    if not values["line1"]:
        err(f"{at}line1", "Enter the first line of the address, or say that it is not known")
    return {"status": status, "line1": values["line1"], "town": values["town"], "postcode": postcode}


def _validate_address(data, cleaned, err) -> None:
    address = address_validate(data.get("address") or None, err=err)
    if address:
        cleaned["address"] = address


def address_values(address: Address) -> dict:
    """An address row's values in the shape address_validate returns (what a correction keeps as 'previous')."""
    return {"status": address.status, "line1": address.line1, "town": address.town, "postcode": address.postcode}


def address_edits_validate(person: Person, data: dict, *, errors: dict[str, list[str]], today: dt.date) -> dict:
    """Corrections to addresses a person already has (the hub, with a reason: contacts.services.
    contact_person_correct). In `data`:

    - `correct_address` {address_id, status, line1, town, postcode}: the row was recorded wrongly; its values are
      replaced (checked as any address: address_validate), the dates stay;
    - `end_address` {address_id, end_date}: the person no longer lives there; a current (not yet ended) address
      gets an end date (a date, default `today`; not in the future, not before the address's start date).

    Returns {"address_correct": (Address, values)} and/or {"address_end": (Address, date)}. Errors are keyed
    correct_address.<field> / end_address.<field>. Source: issue 5, "people's details can be corrected by the hub
    with a reason" (an address is one of them)."""
    cleaned: dict[str, Any] = {}
    rows = {str(a.pk): a for a in person.addresses.all()}
    fix = data.get("correct_address")
    if fix:
        err = _FieldErrors(errors, "correct_address")
        address = rows.get(str(fix.get("address_id") or ""))
        if address is None:
            err("address_id", "Choose one of this person's addresses")
        else:
            given = {k: fix.get(k) for k in ("status", "line1", "town", "postcode")}
            values = address_validate(given, err=err, prefix="")
            if values is not None and not any(err.has(f) for f in ("status", "line1", "town", "postcode")):
                cleaned["address_correct"] = (address, values)
    end = data.get("end_address")
    if end:
        err = _FieldErrors(errors, "end_address")
        address = rows.get(str(end.get("address_id") or ""))
        try:
            day = _parse_date(end.get("end_date")) or today
        except ValueError:
            err("end_date", "Enter the date they stopped living there as a real date")
            day = None
        if address is None:
            err("address_id", "Choose one of this person's addresses")
        elif address.end_date is not None:
            err("address_id", "This address has already ended")
        elif day is not None and day > today:
            err("end_date", "The date they stopped living there must be today or in the past")
        elif day is not None and address.start_date and day < address.start_date:
            err("end_date", f"The end date must be on or after the date they moved in ({address.start_date:%-d %B %Y})")
        elif day is not None:
            cleaned["address_end"] = (address, day)
    return cleaned


def person_values(person: Person) -> dict:
    """A person's current details in the shape person_input_validate takes (to validate an edit as a whole)."""
    return {
        "forename": person.forename,
        "surname": person.surname,
        "date_of_birth": person.date_of_birth,
        "expected_date_of_birth": person.expected_date_of_birth,
        "unborn": person.kind == PersonKind.UNBORN,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
    }


_EDITABLE = ("forename", "surname", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "kind")


def person_changes_apply(*, actor, person: Person, cleaned: dict, bump: bool = True) -> list[tuple[str, Any, Any]]:
    """Apply validated details (person_input_validate's output, with address_edits_validate's) to a person:
    changed fields, new identifiers, a corrected or ended address, and a new current address. Returns
    [(field, previous, new)] for the change history; the caller checks access, versions and audits (contacts.services.contact_amend / contact_person_correct). Call inside a transaction."""
    changes: list[tuple[str, Any, Any]] = []
    for field in _EDITABLE:
        if field in cleaned and getattr(person, field) != cleaned[field]:
            changes.append((field, getattr(person, field), cleaned[field]))
            setattr(person, field, cleaned[field])
    if changes:
        person.forename_norm = normalise_name(person.forename)
        person.surname_norm = normalise_name(person.surname)
        if bump:
            person.version += 1
        person.save()
    held = set(person.identifiers.values_list("identifier_type", "value"))
    for kind, value in cleaned.get("identifiers", []):
        if (kind, value) not in held:
            PersonIdentifier.objects.create(person=person, identifier_type=kind, value=value)
            changes.append(("identifier_added", None, {"type": kind, "value": value}))
            held.add((kind, value))
    changes += _address_changes_apply(person, cleaned)
    return changes


def _address_changes_apply(person: Person, cleaned: dict) -> list[tuple[str, Any, Any]]:
    """A corrected address, an ended one and a new current one (in that order), as [(field, previous, new)]."""
    changes: list[tuple[str, Any, Any]] = []
    if cleaned.get("address_correct"):
        address, values = cleaned["address_correct"]
        previous = address_values(address)
        if previous != values:
            Address.objects.filter(pk=address.pk).update(**values, updated_at=timezone.now())
            for field, value in values.items():
                setattr(address, field, value)
            changes.append(("address_corrected", previous, values))
    if cleaned.get("address_end"):
        address, day = cleaned["address_end"]  # the same row as a correction above, if both: shown as corrected
        Address.objects.filter(pk=address.pk, end_date__isnull=True).update(end_date=day, updated_at=timezone.now())
        changes.append(("address_ended", address_values(address), day))
    if cleaned.get("address"):
        today = timezone.localdate()
        current = person.addresses.filter(end_date__isnull=True).first()
        previous = None
        if current is not None:
            previous = {"line1": current.line1, "town": current.town, "postcode": current.postcode}
            Address.objects.filter(pk=current.pk).update(end_date=today)
        Address.objects.create(person=person, start_date=today, **cleaned["address"])
        changes.append(("address_added", previous, cleaned["address"]))
    return changes


def people_create(
    *, actor, cleaned_list: list[dict], not_same: dict | None = None, source_contact=None, linked: list | None = None
) -> list[Person]:
    """Create people from cleaned input in a few bulk INSERTs, with one audit event each (call inside a
    transaction). Each new person gets the actor's agency's record of them (``people.linking``, ADR 0005: every
    person has at least one record), linked by the deterministic identifier rule; ``not_same`` maps a position in
    `cleaned_list` to ids of people the referrer said this person is not (``linking.records_for_new_people``).
    Their search keys are written from what was inserted (``search_index.search_keys_write_new``). ``linked``: a
    list the record links that rule wrote are appended to (left empty when no other record shares a valid
    identifier with theirs: then none of the new people was joined to anyone or proposed for review)."""
    if not cleaned_list:
        return []
    people = Person.objects.bulk_create(
        [
            Person(
                kind=c["kind"],
                forename=c["forename"],
                surname=c["surname"],
                forename_norm=normalise_name(c["forename"]),
                surname_norm=normalise_name(c["surname"]),
                date_of_birth=c["date_of_birth"],
                expected_date_of_birth=c["expected_date_of_birth"],
                sex=c["sex"],
                ethnicity=c["ethnicity"],
                created_by_agency=actor.agency,
            )
            for c in cleaned_list
        ]
    )
    identifiers = [
        PersonIdentifier(person=p, identifier_type=kind, value=value)
        for p, c in zip(people, cleaned_list, strict=True)
        for kind, value in c.get("identifiers", [])
    ]
    if identifiers:
        PersonIdentifier.objects.bulk_create(identifiers)
    today = timezone.localdate()
    addresses = [
        Address(person=p, start_date=today, **c["address"])
        for p, c in zip(people, cleaned_list, strict=True)
        if c.get("address")
    ]
    if addresses:
        Address.objects.bulk_create(addresses)
    aliases = [
        PersonAlias(person=p, forename=f, surname=sn, surname_norm=normalise_name(sn))
        for p, c in zip(people, cleaned_list, strict=True)
        for f, sn in c.get("aliases", [])
    ]
    if aliases:
        PersonAlias.objects.bulk_create(aliases)
    audit_record_many(actor=actor, action="create", objects=people)
    from openmash.people.linking import records_for_new_people

    records = records_for_new_people(
        actor=actor,
        pairs=list(zip(people, cleaned_list, strict=True)),
        source_contact=source_contact,
        not_same=not_same,
        index=False,
        linked=linked,
    )
    # bulk_create sends no signals: index the new people's names, aliases, postcodes and records here, from the
    # objects just written (one INSERT; they have no keys yet)
    search_keys_write_new(people, aliases, addresses, records)
    return people


def chronology_add(
    *, person_ids, occurred_at, kind: str, summary: str, obj, agency=None, sensitivity: str = ""
) -> None:
    """One chronology entry per person for `obj` (the record the event is about: `object_type` and `object_id`).
    `sensitivity`: the source's own ("standard", "sensitive", "sealed"; "" for a source without one, which the
    chronology reads as standard). A source with a sensitivity of its own (a case note, an agency's answer) passes
    it, so the chronology pages, API, PDF and exports hold the entry as they hold the source
    (access.policy.chronology_entries_visible; issue 7), and calls chronology_sensitivity_follow when it changes."""
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=pid,
                occurred_at=occurred_at,
                kind=kind,
                summary=summary[:300],
                agency=agency,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                sensitivity=sensitivity,
            )
            for pid in person_ids
        ]
    )


def chronology_sensitivity_follow(*, obj, sensitivity: str) -> int:
    """Every chronology entry written for `obj` (each person's, and every later one, e.g. an amendment's) takes
    `sensitivity`, the source's level now: a case note's, or an agency answer's (access.sharing.
    answer_text_sensitivity). In: a saved model instance and "standard", "sensitive" or "sealed". Out: how many
    entries changed. One UPDATE; not audited (no personal data changes, only who the entry is shown to)."""
    return (
        ChronologyEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .exclude(sensitivity=sensitivity)
        .update(sensitivity=sensitivity, updated_at=timezone.now())
    )


def relationships_ensure(*, pairs: list[tuple], relationship_type: str, source_contact=None, actor=None) -> int:
    """Record that each (person, related_person) pair has this relationship, unless a current one exists.
    The new rows carry their source: the contact that asserted them and the actor's agency, user and the time
    (issue 5, fault 4). One SELECT and at most one INSERT whatever the number of pairs."""
    pairs = [(a, b) for a, b in pairs if a != b]
    if not pairs:
        return 0
    existing = set(
        Relationship.objects.filter(
            person_id__in={a for a, _ in pairs},
            related_person_id__in={b for _, b in pairs},
            relationship_type=relationship_type,
            end_date__isnull=True,
        ).values_list("person_id", "related_person_id")
    )
    today = timezone.localdate()
    now = timezone.now()
    new = [
        Relationship(
            person_id=a,
            related_person_id=b,
            relationship_type=relationship_type,
            start_date=today,
            source_contact=source_contact,
            source_agency=getattr(actor, "agency", None),
            asserted_by=getattr(actor, "user", None),
            asserted_at=now,
        )
        for a, b in dict.fromkeys(pairs)
        if (a, b) not in existing
    ]
    Relationship.objects.bulk_create(new)
    return len(new)


# --- child protection plans, looked-after status, child in need plans (issue 7) ------------------------------------


def child_status_record(*, actor, person_id, kind: str, start_date, end_date=None):
    """Children's social care records a child protection plan, looked-after status or child in need plan.

    In: a person id the actor may open with its full record, `kind` (people.choices.ChildStatusKind), `start_date`
    (not in the future) and optionally `end_date` (not before the start). Out: the ChildStatus, held by the actor's
    agency (`source_agency`). Audited "create" of the person with the kind (a code; no personal data).
    Errors: NotFound (no basis to open the person), PermissionDenied (not children's social care:
    access.policy.child_status_record_allowed; or the person is not a child: Person.is_child_now), ValidationFailed
    (per field)."""
    from openmash.access.policy import child_status_record_allowed, people_visible, person_get_for
    from openmash.audit.services import audit_record
    from openmash.core.exceptions import PermissionDenied, ValidationFailed
    from openmash.people.choices import ChildStatusKind
    from openmash.people.models import ChildStatus

    person = person_get_for(actor, person_id, qs=people_visible(actor))
    if person.merged_into_id:
        person = Person.objects.get(pk=person.merged_into_id)
    if not child_status_record_allowed(actor, person):
        raise PermissionDenied("Only children's social care records plans and looked-after status.")
    if not person.is_child_now:  # a child-only action (Person.is_child_now: under 18, or unborn)
        raise PermissionDenied("Plans and looked-after status are recorded for children only.")
    errors: dict[str, list[str]] = {}
    if kind not in ChildStatusKind.values:
        errors["kind"] = ["Choose child protection plan, looked after or child in need plan"]
    today = timezone.localdate()
    if start_date is None:
        errors["start_date"] = ["Enter the date it started"]
    elif start_date > today:
        errors["start_date"] = ["The date it started must be today or in the past"]
    if end_date is not None and start_date is not None and end_date < start_date:
        errors["end_date"] = ["The date it ended must be on or after the date it started"]
    if errors:
        raise ValidationFailed("There is a problem", errors=errors)
    status = ChildStatus.objects.create(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        source_agency=actor.agency,
        recorded_by=actor.user,
    )
    audit_record(actor=actor, action="create", obj=person, detail={"child_status": kind, "id": str(status.pk)})
    return status


def child_status_end(*, actor, person_id, status_id, end_date):
    """End a plan or status (never deleted). In: the person's id (the status is theirs or of anyone merged with
    them), the ChildStatus id, the date it ended (on or after its start, not in the future). Out: the ChildStatus.
    Audited "update" of the person. Errors as child_status_record; a status already ended is a Conflict."""
    from openmash.access.policy import child_status_record_allowed, people_in_clusters, people_visible, person_get_for
    from openmash.audit.services import audit_record
    from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
    from openmash.people.models import ChildStatus

    person = person_get_for(actor, person_id, qs=people_visible(actor))
    cluster = people_in_clusters([person.pk])
    status = ChildStatus.objects.filter(pk=status_id, person_id__in=cluster).select_related("person").first()
    if status is None:
        raise NotFound()
    if not child_status_record_allowed(actor, status.person):
        raise PermissionDenied("Only children's social care records plans and looked-after status.")
    if status.end_date is not None:
        raise Conflict("This has already ended.")
    if end_date is None or end_date < status.start_date or end_date > timezone.localdate():
        raise ValidationFailed(
            "There is a problem",
            errors={"end_date": ["The date it ended must be on or after the date it started, and not in the future"]},
        )
    status.end_date = end_date
    status.save(update_fields=["end_date", "updated_at"])
    audit_record(actor=actor, action="update", obj=status.person, detail={"child_status": status.kind, "ended": True})
    return status
