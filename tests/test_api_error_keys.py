"""One shape for the API's 422 error keys, whoever finds the problem (issue 5 review).

django-ninja reports its own validation errors with a location list (["body", "payload", "subjects", 0, "forename"]);
config/api.py joins it with dots after dropping the request part: `subjects.0.forename`. The services name nested
fields the same way (`subjects.0.identifiers.0.value`), so a client reads one shape from every endpoint, for a
type error caught by the schema and for a rule broken in the domain alike.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import contact_payload
from tests.support import child, nhs_number, requests_send, screen

KEY = re.compile(r"^[a-z_][a-z0-9_]*(\.([a-z_][a-z0-9_]*|\d+))*$")  # subjects.0.identifiers.0.value
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


def _errors(response) -> dict:
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    bad = [k for k in errors if not KEY.match(k)]
    assert not bad, f"error keys not in the dotted shape: {bad}"
    return errors


def _two_children():
    return [child(nhs=nhs_number()), child("Bobby", "Testchild", dob="2016-02-02")]


def test_record_a_contact_schema_and_service_errors_share_the_shape(api, referrer):
    client = api(referrer)
    schema = _errors(client.post("/contacts", contact_payload(subjects=[child(identifiers=[{"type": "passport"}])])))
    assert "subjects.0.identifiers.0.type" in schema  # found by django-ninja
    service = _errors(
        client.post(
            "/contacts",
            contact_payload(
                subjects=[child(nhs="9434765918"), {"forename": "Bo", "date_of_birth": "2999-01-01"}],
                household=[
                    {"forename": "Pat", "surname": "Parent", "date_of_birth": "2020-01-01", "role": "parent_carer"}
                ],
                siblings=[{"first": 0, "second": 0, "relationship": "sibling"}],
            ),
        )
    )
    assert {"subjects.0.identifiers.0.value", "subjects.1.date_of_birth", "siblings.0"} <= set(service), service


def test_amendments_and_corrections_name_people_by_position(api, referrer, screener, new_contact):
    contact = new_contact(actor=referrer)
    person = contact.people.get(role="subject").person
    errors = _errors(
        api(referrer).post(
            f"/contacts/{contact.pk}/amendments",
            {
                "version": 1,
                "people": [{"person_id": str(person.pk), "date_of_birth": "2999-01-01"}],
                "add_household": [{"forename": "", "surname": "", "role": "household_member"}],
            },
        )
    )
    assert {"people.0.date_of_birth", "add_household.0.forename"} <= set(errors), errors
    screen(screener, contact, outcome="nfa_advice")
    errors = _errors(
        api(screener).post(
            f"/contacts/{contact.pk}/people/{person.pk}/corrections",
            {"version": 1, "reason": "Typo", "add_identifiers": [{"type": "nhs_number", "value": "9434765918"}]},
        )
    )
    assert "identifiers.0.value" in errors, errors


def test_strategy_discussion_rows_are_named_by_position(api, referrer, screener, manager):
    from tests.support import contact_record

    contact = contact_record(referrer)
    screen(screener, contact, outcome="strategy")
    held = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    body = {
        "held_at": held,
        "attendees": [{"agency_code": "police", "name": "DS Jones"}, {"agency_code": "mars", "name": ""}],
        "section47": True,
        "rationale": "Significant harm likely",
        "actions": [{"description": "Visit", "owner": "", "due_date": "2099-01-01"}],
    }
    errors = _errors(api(manager).post(f"/contacts/{contact.pk}/strategy-discussions", body))
    assert {"attendees.1.agency_code", "attendees.1.name", "actions.0.owner"} <= set(errors), errors
    schema = _errors(
        api(manager).post(
            f"/contacts/{contact.pk}/strategy-discussions",
            {**body, "actions": [{"description": "Visit", "due_date": 7}]},
        )
    )
    assert any(k.startswith("actions.0.") for k in schema), schema


def test_a_decision_names_each_child_by_position(api, referrer, screener, manager):
    from tests.support import contact_record

    contact = contact_record(referrer, subjects=_two_children())
    screen(screener, contact)
    contact.refresh_from_db()
    requests_send(screener, contact.enquiry, "health-gp")
    url = f"/enquiries/{contact.enquiry.pk}/decision"
    body = {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Reasons"}
    service = _errors(
        api(manager).post(url, {**body, "children": [{"person_id": str(contact.pk), "outcomes": ["nfa"]}]})
    )
    assert "children.0.person_id" in service, service
    schema = _errors(api(manager).post(url, {**body, "children": [{"person_id": "not-a-uuid"}]}))
    assert "children.0.person_id" in schema, schema


def test_no_service_builds_a_bracketed_error_key():
    """The whole kind, at its source: no error key in the code is written as name[i] (use name.{i})."""
    bracketed = re.compile(r"f[\"'][a-zA-Z_{}.]*[a-zA-Z_}]\[\{[^}]+\}\]")  # name[{i}], not a regex class [{x}]
    offenders = []
    for path in sorted((ROOT / "openmash").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if bracketed.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
