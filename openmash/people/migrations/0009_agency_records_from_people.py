"""Issue 6 / ADR 0005: every existing person's details become an agency record of the agency that created it.

For each person without one yet: an ``AgencyRecord`` of ``created_by_agency`` (the hub agency when that is null;
the oldest agency when there is no hub), ``local_id`` "openmash-person:<person id>" (the same id intake gives the
record an agency holds of a person it named, so re-running or recording again never duplicates),
``origin_person`` = ``person`` = that person, the person's names, date of birth, sex, current address and
postcode, and the newest *valid* NHS number, UPN and PNC ID (invalid values and placeholders are not copied: they
stay in ``as_received`` with everything else the person held). ``received_at`` is when the person was created;
``source_contact`` the first contact that agency recorded about them, if any. No links are made: people stay as
they are.

Written with the framework-free validators only (``openmash.people.identifiers``), in batches, so it runs on a
large database in bounded memory. Reversing deletes the records it made.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import migrations

from openmash.people.identifiers import identifier_is_placeholder, identifier_normalise

PREFIX = "openmash-person:"
FIELDS = ("nhs_number", "upn", "pnc_id")
BATCH = 2000


def _valid(kind: str, value: str) -> str:
    try:
        normalised = identifier_normalise(kind, value)
    except ValueError:
        return ""
    return "" if identifier_is_placeholder(kind, normalised) else normalised


def _json(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def agency_records_from_people(apps, schema_editor) -> int:
    """The data migration's forward step (also called by its test on fixture data). Returns the records made."""
    Person = apps.get_model("people", "Person")
    PersonIdentifier = apps.get_model("people", "PersonIdentifier")
    Address = apps.get_model("people", "Address")
    AgencyRecord = apps.get_model("people", "AgencyRecord")
    Agency = apps.get_model("accounts", "Agency")
    ContactPerson = apps.get_model("contacts", "ContactPerson")
    db = schema_editor.connection.alias

    fallback = (
        Agency.objects.using(db).filter(is_hub=True).order_by("created_at", "pk").first()
        or Agency.objects.using(db).order_by("created_at", "pk").first()
    )
    made = 0
    last = None
    while True:
        qs = Person.objects.using(db).order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        batch = list(qs[:BATCH])
        if not batch:
            return made
        last = batch[-1].pk
        ids = [p.pk for p in batch]
        done = set(
            AgencyRecord.objects.using(db)
            .filter(local_id__in=[f"{PREFIX}{pk}" for pk in ids])
            .values_list("agency_id", "local_id")
        )
        idents: dict = {pid: [] for pid in ids}
        for pid, kind, value in (
            PersonIdentifier.objects.using(db)
            .filter(person_id__in=ids)
            .order_by("created_at", "pk")
            .values_list("person_id", "identifier_type", "value")
        ):
            idents[pid].append((kind, value))
        current: dict = {}
        for a in (
            Address.objects.using(db)
            .filter(person_id__in=ids, end_date__isnull=True)
            .order_by("start_date", "created_at")
        ):
            current[a.person_id] = a
        first_contact: dict = {}
        for pid, agency_id, contact_id in (
            ContactPerson.objects.using(db)
            .filter(person_id__in=ids)
            .order_by("contact__received_at", "pk")
            .values_list("person_id", "contact__recording_agency_id", "contact_id")
        ):
            first_contact.setdefault((pid, agency_id), contact_id)
        rows = []
        for p in batch:
            local_id = f"{PREFIX}{p.pk}"
            agency_id = p.created_by_agency_id or (fallback.pk if fallback else None)
            if agency_id is None or (agency_id, local_id) in done:
                continue
            valid: dict[str, str] = {}
            for kind, value in idents[p.pk]:
                if kind in FIELDS and _valid(kind, value):
                    valid[kind] = _valid(kind, value)
            a = current.get(p.pk)
            address = None
            if a is not None:
                address = {"status": a.status, "line1": a.line1, "town": a.town, "postcode": a.postcode}
            known = a is not None and a.status == "known"
            rows.append(
                AgencyRecord(
                    id=uuid.uuid4(),
                    agency_id=agency_id,
                    local_id=local_id,
                    origin_person_id=p.pk,
                    person_id=p.pk,
                    kind=p.kind,
                    given_name=p.forename,
                    family_name=p.surname,
                    date_of_birth=p.date_of_birth,
                    sex=p.sex,
                    nhs_number=valid.get("nhs_number", ""),
                    upn=valid.get("upn", ""),
                    pnc_id=valid.get("pnc_id", ""),
                    postcode=a.postcode if known else "",
                    address=", ".join(x for x in (a.line1, a.town) if x)[:300] if known else "",
                    as_received={
                        "migrated_from": "person",
                        "forename": p.forename,
                        "surname": p.surname,
                        "date_of_birth": _json(p.date_of_birth),
                        "expected_date_of_birth": _json(p.expected_date_of_birth),
                        "sex": p.sex,
                        "identifiers": [{"type": k, "value": v} for k, v in idents[p.pk]],
                        "address": address,
                    },
                    received_at=p.created_at,
                    source_contact_id=first_contact.get((p.pk, agency_id)),
                    source_feed="",
                )
            )
        AgencyRecord.objects.using(db).bulk_create(rows)
        made += len(rows)


def agency_records_remove(apps, schema_editor) -> None:
    AgencyRecord = apps.get_model("people", "AgencyRecord")
    RecordLink = apps.get_model("people", "RecordLink")
    db = schema_editor.connection.alias
    migrated = AgencyRecord.objects.using(db).filter(local_id__startswith=PREFIX, as_received__migrated_from="person")
    RecordLink.objects.using(db).filter(record_l__in=migrated).delete()
    RecordLink.objects.using(db).filter(record_r__in=migrated).delete()
    migrated.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken_expiry_and_revoker"),
        ("contacts", "0004_late_recorded_reason"),
        ("people", "0008_agency_record_blocking_indexes"),
    ]

    operations = [migrations.RunPython(agency_records_from_people, agency_records_remove)]
