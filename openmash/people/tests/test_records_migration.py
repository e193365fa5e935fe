"""The issue-6 data migration: every existing person's details become an agency record of the agency that created
them (people/migrations/0009_agency_records_from_people.py), run on fixture data shaped like the data before it."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from openmash.people.models import Address, AgencyRecord, Person, PersonIdentifier, RecordLink

pytestmark = pytest.mark.django_db

migration = importlib.import_module("openmash.people.migrations.0009_agency_records_from_people")


def _person(agency=None, **fields) -> Person:
    """A person as it was before issue 6: written straight to the table, with no agency record."""
    defaults = {"forename": "Ann", "surname": "Lee", "forename_norm": "ann", "surname_norm": "lee"}
    return Person.objects.create(created_by_agency=agency, **{**defaults, **fields})


def _run() -> int:
    # RunPython passes (apps, schema_editor); the function uses only the editor's connection
    return migration.agency_records_from_people(apps, SimpleNamespace(connection=connection))


def test_each_person_becomes_a_record_of_the_agency_that_created_them(partnership):
    police = partnership["police"]
    ann = _person(police, date_of_birth=dt.date(2016, 1, 2), sex="F")
    PersonIdentifier.objects.create(person=ann, identifier_type="nhs_number", value="9434765919")
    PersonIdentifier.objects.create(person=ann, identifier_type="upn", value="B801200005001")
    Address.objects.create(person=ann, line1="1 High Street", town="Exampleton", postcode="EX1 1AA", end_date=None)
    Address.objects.create(person=ann, line1="Old Road", postcode="EX9 9ZZ", end_date=dt.date(2020, 1, 1))
    nobody = _person(None, forename="Bob", surname="Ray", forename_norm="bob", surname_norm="ray")

    assert _run() == 2
    record = AgencyRecord.objects.get(origin_person=ann)
    assert (record.agency, record.local_id, record.person_id) == (police, f"openmash-person:{ann.pk}", ann.pk)
    assert (record.given_name, record.family_name, record.date_of_birth, record.sex) == (
        "Ann",
        "Lee",
        dt.date(2016, 1, 2),
        "F",
    )
    assert (record.nhs_number, record.upn, record.postcode) == ("9434765919", "B801200005001", "EX1 1AA")
    assert record.address == "1 High Street, Exampleton"
    assert record.received_at == ann.created_at
    # a person with no creating agency becomes a record of the hub agency
    assert AgencyRecord.objects.get(origin_person=nobody).agency == partnership["mash"]
    assert not RecordLink.objects.exists()  # the migration links nobody
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_invalid_identifiers_and_placeholders_are_not_copied(partnership):
    ann = _person(partnership["police"])
    for kind, value in (
        ("nhs_number", "0000000000"),  # placeholder, stored before issue 5 fault 10 was fixed
        ("nhs_number", "1234567890"),  # listed placeholder
        ("upn", "A000000000000"),
        ("nhs_number", "9434765918"),  # wrong check digit
    ):
        PersonIdentifier.objects.create(person=ann, identifier_type=kind, value=value)
    _run()
    record = AgencyRecord.objects.get(origin_person=ann)
    assert (record.nhs_number, record.upn, record.pnc_id) == ("", "", "")
    assert len(record.as_received["identifiers"]) == 4  # kept as received, never compared


def test_running_again_changes_nothing(partnership):
    _person(partnership["police"])
    assert _run() == 1
    assert _run() == 0
    assert AgencyRecord.objects.count() == 1


def test_the_first_contact_of_the_creating_agency_is_the_source(make_actor):
    """People made through intake already have their record; the migration leaves them alone, and a person
    written without one gets the first contact their agency recorded about them as the source."""
    from tests.support import contact_record, subject_person

    police = make_actor("referrer", "police")
    contact = contact_record(police)
    person = subject_person(contact)
    AgencyRecord.objects.filter(origin_person=person).delete()
    assert _run() >= 1
    assert AgencyRecord.objects.get(origin_person=person).source_contact_id == contact.pk
