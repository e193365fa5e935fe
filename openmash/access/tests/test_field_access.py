"""Issue 7, "Field-level access as data": one answer (access.fields.field_access, read from access.field_table) and
every render path held to it. For the hub (a screener), an agency researcher answering a request (the "minimum
details") and a partner practitioner (the social worker the child is allocated to), the fields of a person in the
API's JSON, on the page (``data-fields``), in the CSV export and in the PDF's text are exactly the answer's; and
changing one entry of the table changes all four."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from openmash.access import field_table
from openmash.access.fields import field_access, field_labels
from openmash.people.api import PERSON_API_KEYS
from openmash.people.models import Person
from tests.support import allocation_open, contact_record, requests_send, screen, subject_person

MINIMUM = set(field_table.FIELD_GROUPS["person"]["minimum"])
ALL_PERSON = {f for g in field_table.FIELD_GROUPS["person"].values() for f in g}


@pytest.fixture
def world(make_actor):
    """A child in an open MASH enquiry with a request to the GP practice, allocated to a social worker."""
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    contact = contact_record(referrer)
    screen(screener, contact)
    requests_send(screener, contact.enquiry, "health-gp")
    person = subject_person(contact)
    worker = make_actor("social_worker", "mash")
    allocation_open(person, worker)
    return {
        "person": person,
        "contact": contact,
        "referrer": referrer,
        "hub": screener,
        "researcher": make_actor("researcher", "health-gp"),
        "worker": worker,
    }


def _web(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def api_fields(api, actor, person) -> set[str]:
    """The fields the API shows: its `fields`, checked against the body: a key whose field is not listed is empty,
    a listed minimum detail is present, and the chronology answers only when "chronology" is listed."""
    client = api(actor)
    body = client.get(f"/people/{person.pk}").json()
    listed = set(body["fields"])
    for key, field in PERSON_API_KEYS.items():
        if field not in listed:
            assert body[key] in (None, []), key
    for field in ("postcode", "nhs_number"):
        assert (body[field] is not None) == (field in listed), field
    for key in ("identifiers", "addresses", "relationships"):  # the child has each of these
        assert bool(body[key]) == (key in listed), key
    chronology = client.get(f"/people/{person.pk}/chronology").status_code
    assert (chronology == 200) == ("chronology" in listed)
    return listed


def page_fields(actor, person) -> set[str]:
    html = _web(actor).get(f"/people/{person.pk}/").content.decode()
    return {f for group in re.findall(r'data-fields="([^"]*)"', html) for f in group.split()}


def csv_fields(actor, person) -> set[str]:
    response = _web(actor).get(f"/people/{person.pk}/record.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Field", "Label", "Value"]
    return {row[0] for row in rows[1:]}


def pdf_fields(actor, person) -> set[str]:
    from pypdf import PdfReader

    response = _web(actor).get(f"/people/{person.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(response.content)).pages
        for line in page.extract_text().splitlines()
    ]
    labels = field_labels("person", ALL_PERSON)
    return {f for f, label in labels if any(line.startswith(f"{label}:") for line in lines)}


def all_outputs(api, actor, person) -> dict[str, set[str]]:
    return {
        "api": api_fields(api, actor, person),
        "page": page_fields(actor, person),
        "csv": csv_fields(actor, person),
        "pdf": pdf_fields(actor, person),
    }


@pytest.mark.parametrize(
    ("who", "audience", "expected"),
    [("hub", "hub", ALL_PERSON), ("researcher", "agency", MINIMUM), ("worker", "case_worker", ALL_PERSON)],
)
def test_every_render_path_shows_exactly_the_answer(world, api, who, audience, expected):
    actor, person = world[who], world["person"]
    answer = field_access(actor, Person.objects.get(pk=person.pk))
    assert answer.audience == audience and answer.fields == expected
    outputs = all_outputs(api, actor, person)
    assert outputs == {"api": expected, "page": expected, "csv": expected, "pdf": expected}


def test_changing_one_table_entry_changes_all_four_outputs(world, api, monkeypatch):
    researcher, hub, person = world["researcher"], world["hub"], world["person"]
    # the researchers are given the identity group: every output gains exactly its fields
    monkeypatch.setitem(field_table.VISIBLE["agency"], "person", ("minimum", "identity"))
    identity = set(field_table.FIELD_GROUPS["person"]["identity"])
    assert field_access(researcher, person).fields == MINIMUM | identity
    outputs = all_outputs(api, researcher, person)
    assert all(fields == MINIMUM | identity for fields in outputs.values()), outputs
    # the hub loses the network group: relationships go from every output
    hub_groups = tuple(g for g in field_table.VISIBLE["hub"]["person"] if g != "network")
    monkeypatch.setitem(field_table.VISIBLE["hub"], "person", hub_groups)
    outputs = all_outputs(api, hub, person)
    assert all(fields == ALL_PERSON - {"relationships"} for fields in outputs.values()), outputs


def test_a_field_added_to_a_group_is_one_entry(world, api, monkeypatch):
    """Ethnicity moved into the minimum details (one entry) reaches a researcher everywhere."""
    researcher, person = world["researcher"], world["person"]
    groups = dict(field_table.FIELD_GROUPS["person"])
    groups["minimum"] = (*groups["minimum"], "ethnicity")
    groups["identity"] = tuple(f for f in groups["identity"] if f != "ethnicity")
    monkeypatch.setitem(field_table.FIELD_GROUPS, "person", groups)
    outputs = all_outputs(api, researcher, person)
    assert all(fields == MINIMUM | {"ethnicity"} for fields in outputs.values()), outputs
    assert api(researcher).get(f"/people/{person.pk}").json()["ethnicity"] == "WBRI"


def test_deny_by_default_for_an_audience_the_table_does_not_name(world, monkeypatch):
    monkeypatch.delitem(field_table.VISIBLE, "agency")
    assert field_access(world["researcher"], world["person"]).fields == frozenset()
    assert field_access(None, world["person"]).fields == frozenset()


def test_a_person_the_actor_may_not_open_is_not_exported(world, make_actor):
    other = make_actor("researcher", "health-hv")  # no request to their agency
    for suffix in ("record.csv", "record.pdf"):
        assert _web(other).get(f"/people/{world['person'].pk}/{suffix}").status_code == 404


def test_the_export_is_audited(world):
    from openmash.audit.models import AuditEvent

    _web(world["hub"]).get(f"/people/{world['person'].pk}/record.csv")
    event = AuditEvent.objects.filter(action="export", object_id=str(world["person"].pk)).get()
    assert event.detail["format"] == "csv"


# --- contacts: the same table, the API and the page ------------------------------------------------------------------


def contact_page_fields(actor, contact) -> set[str]:
    html = _web(actor).get(f"/contacts/{contact.pk}/").content.decode()
    return {f for group in re.findall(r'data-fields="([^"]*)"', html) for f in group.split()}


def contact_api_fields(api, actor, contact) -> set[str]:
    body = api(actor).get(f"/contacts/{contact.pk}").json()
    out = set()
    if body["screening"] is not None:
        out.add("screening")
        if body["screening"]["rationale"] is not None:
            out.add("rationale")
    if body["enquiry_id"] is not None:
        out.add("enquiry")
    return out


@pytest.mark.parametrize(
    ("who", "expected"), [("hub", {"screening", "rationale", "enquiry"}), ("referrer", {"screening"})]
)
def test_a_contact_shows_the_same_parts_by_api_and_page(world, api, who, expected):
    actor, contact = world[who], world["contact"]
    assert contact_api_fields(api, actor, contact) == expected
    assert contact_page_fields(actor, contact) == expected


def test_the_contact_table_entry_drives_both(world, api, monkeypatch):
    referrer, contact = world["referrer"], world["contact"]
    monkeypatch.setitem(field_table.VISIBLE["recorder"], "contact", ("details", "referrer_identity"))
    assert contact_api_fields(api, referrer, contact) == set()
    assert contact_page_fields(referrer, contact) == set()


def test_an_agency_request_and_the_persons_other_records_read_the_same_table(world, monkeypatch):
    from openmash.access.fields import agency_request_urgency
    from openmash.enquiries.models import AgencyRequest

    request = AgencyRequest.objects.select_related("enquiry__contact").get(agency__code="health-gp")
    researcher = world["researcher"]
    assert field_access(researcher, request).audience == "agency"
    assert set(agency_request_urgency(researcher, request)) == {"rag", "immediate_risk"}
    monkeypatch.setitem(field_table.VISIBLE["agency"], "agency_request", ("people",))
    assert agency_request_urgency(researcher, request) == {}
    # a chronology entry about the child: the hub sees sealed ones, the allocated worker not (SENSITIVITIES)
    hub_entry = field_access(world["hub"], world["person"], record_type="person")
    worker_entry = field_access(world["worker"], world["person"], record_type="person")
    assert "sealed" in hub_entry.sensitivities and "sealed" not in worker_entry.sensitivities
    assert hub_entry.related_people and hub_entry.items
    minimum = field_access(researcher, world["person"])
    assert not minimum.related_people and not minimum.items and not minimum.sensitivities
