"""Contacts API: 422 with field-specific errors and nothing saved; JSON is data; Idempotency-Key; routing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from conftest import VALID_NHS, contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.enquiries.models import Notification
from openmash.people.models import Person
from tests.support import allocation_open, child, subject_person


def _counts():
    return Contact.objects.count(), Person.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def post(api, referrer):
    client = api(referrer)

    def _post(data, **headers):
        return client.post("/contacts", data, headers=headers or None)

    return _post


def test_create_returns_201_with_the_contact(post):
    r = post(contact_payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "received"  # to the referrer: never whether it went to an allocated worker
    assert Contact.objects.get(pk=body["id"]).status == "awaiting_screening"
    assert body["reference"].startswith("C-")
    assert [p["surname"] for p in body["people"] if p["role"] == "subject"] == ["Testchild"]
    assert Contact.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subjects": [child(nhs="9434765918")]}, "subjects.0.identifiers.0.value"),
        ({"subjects": [child(nhs=VALID_NHS), child(nhs="12345")]}, "subjects.1.identifiers.0.value"),
        ({"subjects": [child(dob=(dt.date.today() + dt.timedelta(days=1)).isoformat())]}, "subjects.0.date_of_birth"),
        ({"subjects": []}, "subjects"),
        ({"concern_codes": ["3A", "NOT-A-CODE"]}, "concern_codes"),
        ({"source_code": "ZZ"}, "source_code"),
        ({"narrative": "x" * (settings.OPENMASH_MAX_NARRATIVE_CHARS + 1)}, "narrative"),
        ({"consent": "not_sought", "consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"immediate_risk": True, "immediate_risk_detail": ""}, "immediate_risk_detail"),
        # rejected by the schema itself (ninja validation), mapped to the same error shape
        ({"subjects": [child(identifiers=[{"type": "passport", "value": "1"}])]}, "subjects.0.identifiers.0.type"),
        ({"source_code": "TOOLONG"}, "source_code"),
        ({"subjects": [child(dob="2018-02-30")]}, "subjects.0.date_of_birth"),
    ],
)
def test_bad_input_is_422_with_field_errors_and_saves_nothing(post, overrides, field):
    before = _counts()
    r = post(contact_payload(**overrides))
    assert r.status_code == 422, r.content
    body = r.json()
    assert field in body["errors"], body
    assert body["detail"]
    assert _counts() == before


def test_non_json_body_is_rejected(client, api, referrer):
    token = api(referrer).token
    before = _counts()
    r = client.post(
        "/api/v1/contacts", "not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert r.status_code in (400, 422)
    assert _counts() == before


def test_markup_in_narrative_is_returned_as_data(api, post, make_actor):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = post(contact_payload(narrative=text))
    assert r.status_code == 201
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["narrative"] == text
    screener = make_actor("screener", "mash")
    again = api(screener).get(f"/contacts/{r.json()['id']}")
    assert again.json()["narrative"] == text
    assert Contact.objects.get(pk=r.json()["id"]).narrative == text


# --- Idempotency-Key -------------------------------------------------------------------------------------------


def test_retry_with_same_key_returns_200_and_the_same_contact(post):
    first = post(contact_payload(), **{"Idempotency-Key": "abc-123"})
    after_first = _counts()
    second = post(contact_payload(), **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert _counts()[:2] == after_first[:2]  # no new contact or person
    assert Contact.objects.filter(idempotency_key="abc-123").count() == 1


def test_same_key_different_body_is_409(post):
    assert post(contact_payload(), **{"Idempotency-Key": "abc-456"}).status_code == 201
    before = _counts()
    r = post(contact_payload(narrative="A different concern"), **{"Idempotency-Key": "abc-456"})
    assert r.status_code == 409
    assert "Idempotency-Key" in r.json()["detail"]
    assert _counts() == before


def _another_family() -> dict:
    """A contact about people nobody knows yet: posting the same child again would be asked "is it them?" (422 on
    subjects.0.match, test_search_before_create_on_create.py)."""
    return contact_payload(subjects=[child("Other", "Family", "2016-06-06")], household=[])


def test_different_users_may_use_the_same_key(api, make_actor):
    a = api(make_actor("referrer", "police")).post("/contacts", contact_payload(), headers={"Idempotency-Key": "same"})
    b = api(make_actor("referrer", "health-gp")).post(
        "/contacts", _another_family(), headers={"Idempotency-Key": "same"}
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


def test_without_a_key_each_post_creates_a_contact(post):
    a, b = post(contact_payload()), post(_another_family())
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


# --- routing, due time, unborn -------------------------------------------------------------------------------


def test_allocated_child_routes_to_the_worker_who_can_then_read_it(api, make_actor, post):
    first = post(contact_payload())
    person = Person.objects.get(pk=next(p["person_id"] for p in first.json()["people"] if p["role"] == "subject"))
    worker = make_actor("social_worker", "mash")
    allocation_open(person, worker)

    dean = next(p["person_id"] for p in first.json()["people"] if p["role"] != "subject")  # named again by id
    household = [{"person_id": dean, "role": "alleged_perpetrator"}]
    r = post(contact_payload(subjects=[{"person_id": str(person.pk)}], household=household, narrative="New incident"))
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "received"  # the referrer is not told the child has a worker (issue 5, fault 6)
    contact = Contact.objects.get(pk=r.json()["id"])
    assert contact.status == "with_allocated_worker"
    assert contact.routed_to == worker.user
    assert Notification.objects.filter(user=worker.user, contact=contact).count() == 1
    seen = api(worker).get(f"/contacts/{contact.pk}")
    assert seen.status_code == 200 and seen.json()["narrative"] == "New incident"
    assert seen.json()["status"] == "with_allocated_worker"
    # and it is not in the hub's screening queue
    queue = api(make_actor("screener", "mash")).get("/screening-queue").json()["items"]
    assert str(contact.pk) not in [c["id"] for c in queue]


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
def test_screening_due_is_one_working_day_later(post, api, make_actor):
    r = post(contact_payload(received_at="2025-11-07T14:00:00+00:00"))  # a Friday
    assert r.status_code == 201, r.content
    due = dt.datetime.fromisoformat(r.json()["screening_due_at"])
    assert due == dt.datetime(2025, 11, 10, 14, tzinfo=dt.UTC)
    assert r.json()["overdue"] is False  # the referrer is not shown the hub's deadlines (issue 5, fault 6)
    hub = api(make_actor("screener", "mash")).get(f"/contacts/{r.json()['id']}").json()
    assert hub["overdue"] is True  # long past


def test_unborn_child_with_expected_date_of_birth(post):
    edd = (dt.date.today() + dt.timedelta(days=100)).isoformat()
    unborn = {"forename": "Baby", "surname": "Testchild", "unborn": True, "expected_date_of_birth": edd}
    r = post(contact_payload(subjects=[unborn]))
    assert r.status_code == 201, r.content
    subject = next(p for p in r.json()["people"] if p["role"] == "subject")
    assert subject["expected_date_of_birth"] == edd and subject["date_of_birth"] is None
    assert subject_person(Contact.objects.get(pk=r.json()["id"])).kind == "unborn"


def test_referrer_sees_outcome_but_not_hub_rationale(api, make_actor, post, referrer):
    contact_id = post(contact_payload()).json()["id"]
    screener = make_actor("screener", "mash")
    r = api(screener).post(
        f"/contacts/{contact_id}/screening", {"outcome": "nfa_advice", "rationale": "Hub-only reasoning"}
    )
    assert r.status_code == 201 and r.json()["screening"]["rationale"] == "Hub-only reasoning"
    mine = api(referrer).get(f"/contacts/{contact_id}")
    assert mine.status_code == 200
    assert mine.json()["status"] == "closed"
    assert mine.json()["screening"]["outcome"] == "nfa_advice"
    assert mine.json()["screening"]["rationale"] is None
    assert "Hub-only reasoning" not in mine.content.decode()


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
def test_screening_queue_lists_awaiting_contacts_soonest_first(api, make_actor, post):
    late = post(contact_payload(received_at="2025-11-10T10:00:00+00:00")).json()["id"]
    early = post({**_another_family(), "received_at": "2025-11-03T10:00:00+00:00"}).json()["id"]
    queue = api(make_actor("screener", "mash")).get("/screening-queue").json()["items"]
    ids = [c["id"] for c in queue]
    assert ids.index(early) < ids.index(late)


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
def test_received_at_without_offset_is_rejected_or_read_as_london_time(api, referrer):
    token = api(referrer).token
    before = _counts()
    r = Client(raise_request_exception=False).post(
        "/api/v1/contacts",
        contact_payload(received_at="2025-11-07T14:00:00"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code in (201, 422), r.status_code
    if r.status_code == 422:
        assert "received_at" in r.json()["errors"]
        assert _counts() == before
    else:
        received = dt.datetime.fromisoformat(r.json()["received_at"])
        assert received == dt.datetime(2025, 11, 7, 14, tzinfo=ZoneInfo("Europe/London"))


def test_aliases_are_recorded_and_found_by_search(api, make_actor):
    from conftest import contact_payload

    referrer = make_actor("referrer", "police")
    child = contact_payload()["subjects"][0] | {"aliases": [{"forename": "Amy", "surname": "Formername"}]}
    r = api(referrer).post("/contacts", contact_payload(subjects=[child]))
    assert r.status_code == 201, r.content
    found = api(make_actor("screener", "mash")).post(
        "/people/search", dict(name="Amelia Formername", date_of_birth="2018-04-02")
    )
    assert [p["surname"] for p in found.json()["items"]] == ["Testchild"]
    bad = api(referrer).post(
        "/contacts", contact_payload(subjects=[contact_payload()["subjects"][0] | {"aliases": [{"forename": ""}]}])
    )
    assert bad.status_code == 422 and "subjects.0.aliases.0" in bad.json()["errors"]
