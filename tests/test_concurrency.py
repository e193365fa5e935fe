"""Races, for real: threads hitting the API at the same moment on separate database connections (CC-1, CC-3).

Each test commits its data (transactional test), so the threads see it. Works on PostgreSQL (row locks) and on
SQLite (transaction_mode=IMMEDIATE serialises writers)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone as django_timezone

from conftest import contact_payload
from openmash.accounts.services import token_create
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.enquiries.models import Decision, Enquiry, Notification, RagChange, Referral, Screening
from openmash.people.models import Person
from tests.support import NO_CHECKS_REASON, child, contact_record, enquiry_open, requests_send

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [pytest.mark.threads, pytest.mark.django_db(transaction=True)]


def _token(actor) -> str:
    return token_create(username=actor.user.username)[1]


def race(calls):
    """Run each call(client) in its own thread, released together; return the responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            client = Client(raise_request_exception=False)  # a crash is a 500 answer here
            barrier.wait(timeout=30)
            results[i] = call(client)
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing request hung"
    errors = [r for r in results if isinstance(r, Exception)]  # failures of the harness itself
    assert not errors, errors
    return results


def _post(token, path, data, headers=None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for k, v in (headers or {}).items():
        extra["HTTP_" + k.upper().replace("-", "_")] = v

    def call(client):
        return client.post("/api/v1" + path, data, content_type="application/json", **extra)

    return call


def test_two_screeners_screen_the_same_contact_at_once(make_actor):
    referrer = make_actor("referrer", "police")
    tokens = [_token(make_actor("screener", "mash")), _token(make_actor("screener", "mash"))]
    for _round in range(3):
        contact = contact_record(referrer)
        responses = race(
            [
                _post(tokens[0], f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "A"}),
                _post(
                    tokens[1],
                    f"/contacts/{contact.pk}/screening",
                    {"outcome": "mash_enquiry", "rag": "red", "rationale": "B"},
                ),
            ]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201, 409], [r.content for r in responses]
        assert Screening.objects.filter(contact=contact).count() == 1
        winner = next(r for r in responses if r.status_code == 201).json()
        contact.refresh_from_db()
        assert contact.status == winner["status"] and contact.version == 2
        assert Enquiry.objects.filter(contact=contact).count() == (1 if winner["status"] == "in_enquiry" else 0)
        assert AuditEvent.objects.filter(action="screen", object_id=str(contact.pk)).count() == 1


def test_two_managers_decide_the_same_enquiry_at_once(make_actor):
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(), child("Bobby", "Testchild", dob="2016-02-02")]
    )
    tokens = [_token(make_actor("manager", "mash")) for _ in range(2)]
    requests_send(screener, enquiry, "health-gp")  # agencies were asked: no reason needed for deciding
    confirmed = {"unanswered_confirmed": True}  # health has not answered yet
    decision = {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Assess", **confirmed}
    other = {"outcomes": ["early_help"], "threshold_level": 2, "rationale": "Support", **confirmed}
    responses = race(
        [
            _post(tokens[0], f"/enquiries/{enquiry.pk}/decision", decision),
            _post(tokens[1], f"/enquiries/{enquiry.pk}/decision", other),
        ]
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Decision.objects.filter(enquiry=enquiry).count() == 1
    winner = Decision.objects.get(enquiry=enquiry)
    assert Referral.objects.filter(contact=enquiry.contact).count() == (2 if "assessment_s17" in winner.outcomes else 0)
    assert Notification.objects.filter(user=referrer.user).count() == 1
    assert AuditEvent.objects.filter(action="decide", object_id=str(enquiry.pk)).count() == 1


def test_concurrent_rerates_with_the_same_version_exactly_one_wins(make_actor):
    """CC-1: N edits against version 1 -> one 2xx, N-1 409s, version 2, one new RagChange; no silent overwrite."""
    from openmash.partnership.models import RagLevel

    n = 8
    for i in range(n):  # distinct targets, so no request can fail validation instead of the version check
        RagLevel.objects.create(code=f"level-{i}", label=f"Level {i}", working_hours=10 + i, sort_order=10 + i)
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=make_actor("screener", "mash"))
    tokens = [_token(make_actor("screener", "mash")) for _ in range(n)]
    responses = race(
        [
            _post(tokens[i], f"/enquiries/{enquiry.pk}/rag", {"rag": f"level-{i}", "reason": f"R{i}", "version": 1})
            for i in range(n)
        ]
    )
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [200] + [409] * (n - 1), codes
    winner = codes.index(200)
    enquiry.refresh_from_db()
    assert (enquiry.rag, enquiry.version) == (f"level-{winner}", 2)
    changes = RagChange.objects.filter(enquiry=enquiry)
    assert changes.count() == 2 and [c.reason for c in changes.filter(to_rag=f"level-{winner}")] == [f"R{winner}"]


def test_concurrent_retries_with_one_idempotency_key_make_one_contact(make_actor):
    """CC-3: the same submission retried in parallel (client timeouts) creates exactly one contact."""
    token = _token(make_actor("referrer", "police"))
    n = 4
    responses = race(
        [_post(token, "/contacts", contact_payload(), headers={"Idempotency-Key": "retry-xyz"}) for _ in range(n)]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * (n - 1) + [201], [r.content for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Contact.objects.count() == 1
    assert Person.objects.count() == 2  # child and adult, once


@pytest.mark.django_db
def test_second_screening_through_the_api_is_409(api, make_actor):
    """The deterministic version of the race: one after the other."""
    contact = contact_record(make_actor("referrer", "police"))
    first = api(make_actor("screener", "mash")).post(
        f"/contacts/{contact.pk}/screening", {"outcome": "early_help", "rationale": "Family support"}
    )
    second_client = api(make_actor("screener", "mash"))
    before = AuditEvent.objects.count()
    second = second_client.post(
        f"/contacts/{contact.pk}/screening", {"outcome": "mash_enquiry", "rag": "red", "rationale": "Worse"}
    )
    assert (first.status_code, second.status_code) == (201, 409)
    assert "already been screened" in second.json()["detail"]
    assert Screening.objects.filter(contact=contact).count() == 1
    assert Screening.objects.get(contact=contact).outcome == "early_help"
    assert not Enquiry.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_second_decision_through_the_api_is_409(api, make_actor):
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=make_actor("screener", "mash"))
    data = {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Assess"}
    data["exception_reason"] = NO_CHECKS_REASON  # decided without asking an agency
    one, two = api(make_actor("manager", "mash")), api(make_actor("manager", "mash"))
    assert one.post(f"/enquiries/{enquiry.pk}/decision", data).status_code == 201
    assert two.post(f"/enquiries/{enquiry.pk}/decision", data).status_code == 409
    assert Decision.objects.count() == 1 and Referral.objects.count() == 1


def test_two_screeners_ask_the_same_agency_at_once(make_actor, monkeypatch):
    """One request per agency per enquiry. Both requests pass the 'already asked' check before either inserts
    (forced on PostgreSQL by holding both at a barrier; SQLite serialises the two transactions anyway): the loser
    must get a 4xx answer and exactly one request must exist."""
    from openmash.enquiries.models import AgencyRequest

    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=make_actor("screener", "mash"))
    tokens = [_token(make_actor("screener", "mash")) for _ in range(2)]
    if ON_POSTGRES:
        both_checked = threading.Barrier(2)

        class _Timezone:  # agency_requests_create calls timezone.now() after its checks, before the INSERT
            @staticmethod
            def now():
                both_checked.wait(timeout=10)
                return django_timezone.now()

            localtime = staticmethod(django_timezone.localtime)  # the agency due time's working calendar

        monkeypatch.setattr("openmash.enquiries.services.timezone", _Timezone)
    body = {"agency_codes": ["health-gp"], "question": "Anything known?"}
    responses = race([_post(t, f"/enquiries/{enquiry.pk}/agency-requests", body) for t in tokens])
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 201 and codes[1] in (409, 422), codes
    assert AgencyRequest.objects.filter(enquiry=enquiry).count() == 1


def test_two_amendments_against_the_same_version_one_wins_and_screening_beats_a_late_amendment(make_actor):
    """Issue 5: concurrent amendments are detected by the contact's version, never overwritten; an amendment
    racing the screening either lands before it or is refused."""
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    contact = contact_record(referrer)
    child_id = str(contact.people.get(role="subject").person_id)
    tokens = [_token(referrer), _token(screener)]
    responses = race(
        [
            _post(
                tokens[0],
                f"/contacts/{contact.pk}/amendments",
                {"version": 1, "people": [{"person_id": child_id, "forename": "Amelie"}]},
            ),
            _post(
                tokens[1],
                f"/contacts/{contact.pk}/amendments",
                {"version": 1, "people": [{"person_id": child_id, "forename": "Emilia"}]},
            ),
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    person = Person.objects.get(pk=child_id)
    assert person.forename == next(p for p in winner["people"] if p["role"] == "subject")["forename"]
    assert AuditEvent.objects.filter(action="amend", object_id=str(contact.pk)).count() == 1

    responses = race(
        [
            _post(
                tokens[0], f"/contacts/{contact.pk}/amendments", {"version": 2, "domestic_abuse": {"dash_risk": "high"}}
            ),
            _post(tokens[1], f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "Advice"}),
        ]
    )
    amend, screening = responses
    assert screening.status_code == 201, screening.content
    contact.refresh_from_db()
    if amend.status_code == 200:
        assert contact.dash_risk == "high"
    else:
        assert amend.status_code == 409 and contact.dash_risk == ""
