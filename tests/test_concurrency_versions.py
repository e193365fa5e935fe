"""CC-1 and CC-3 (SECURITY-TESTS.md §5(b); ASVS 5.0 2.3.4, 15.4.2): optimistic locking under 50 concurrent edits,
428 Precondition Required for a versioned update sent without its version, and idempotent submission retried
after a simulated timeout. Tier: PR.

CC-1 pass figure: 50 threads each read the enquiry (GET) and re-rate it with the version they read, released
together: 2xx + 409 = 50; final version = 1 + number of 2xx; every 2xx returned a distinct version; the RAG history
is one unbroken chain (each change starts from the previous change's RAG): 0 silent overwrites. On PostgreSQL the
threads really run at once (row locks); on SQLite writers are serialised (BEGIN IMMEDIATE).
428: every versioned update endpoint (the JSON bodies with a required `version`, found from the OpenAPI document)
answers 428 without it, declares 428 in the document, and changes nothing.
CC-3 pass figure: the first submission is slowed past the client's timeout; the retry with the same Idempotency-Key
(API) or form reference (page) sent meanwhile, and again after, leaves exactly 1 contact."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connections
from django.test import Client

from openmash.contacts.models import Contact
from openmash.enquiries.models import Enquiry, RagChange
from tests.support import contact_record, enquiry_open, payload
from tests.test_concurrency import _token, race

N = 50


@pytest.mark.threads
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_edits_of_one_record(make_actor):
    from openmash.partnership.models import RagLevel

    for i in range(N):  # a distinct target per edit, so each is a real change and none fails validation instead
        RagLevel.objects.create(code=f"lvl-{i}", label=f"Level {i}", working_hours=10 + i, sort_order=10 + i)
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=make_actor("screener", "mash"))
    tokens = [_token(make_actor("screener", "mash")) for _ in range(N)]

    def edit(i):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[i]}"}

        def call(client):
            read = client.get(f"/api/v1/enquiries/{enquiry.pk}", **auth)
            assert read.status_code == 200, read.content
            body = {"rag": f"lvl-{i}", "reason": f"Edit {i}", "version": read.json()["version"]}
            return client.post(f"/api/v1/enquiries/{enquiry.pk}/rag", body, content_type="application/json", **auth)

        return call

    responses = race([edit(i) for i in range(N)])
    codes = [r.status_code for r in responses]
    ok = [i for i, c in enumerate(codes) if c == 200]
    assert len(ok) + codes.count(409) == N, sorted(codes)
    assert ok, "no edit won"
    enquiry.refresh_from_db()
    assert enquiry.version == 1 + len(ok)
    assert sorted(responses[i].json()["version"] for i in ok) == list(range(2, 2 + len(ok)))
    changes = list(RagChange.objects.filter(enquiry=enquiry).order_by("changed_at", "pk"))
    assert len(changes) == 1 + len(ok)  # the rating at screening, then one per winning edit
    assert {c.to_rag for c in changes[1:]} == {f"lvl-{i}" for i in ok}
    for before, after in zip(changes, changes[1:], strict=False):  # no edit was made against a stale RAG
        assert after.from_rag == before.to_rag, (before.to_rag, after.from_rag)
    assert enquiry.rag == changes[-1].to_rag


def _versioned_operations():
    from config.api import api

    schema = api.get_openapi_schema()
    comps = schema["components"]["schemas"]
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            target = comps.get(ref.get("$ref", "").rsplit("/", 1)[-1], ref)
            if "version" in target.get("required", []):
                found.append((method, path, op))
    return found


def test_every_versioned_update_declares_428(db):
    ops = _versioned_operations()
    assert {p for _, p, _ in ops} >= {
        "/api/v1/contacts/{contact_id}/amendments",
        "/api/v1/contacts/{contact_id}/people/{person_id}/corrections",
        "/api/v1/enquiries/{enquiry_id}/rag",
        "/api/v1/agency-requests/{request_id}/response/amendments",
        "/api/v1/early-help-requests/{request_id}/acknowledgement",
    }
    for method, path, op in ops:
        assert 428 in op["responses"] or "428" in op["responses"], (method, path)


def test_a_versioned_update_without_its_version_is_428_and_changes_nothing(api, make_actor):
    from tests.support import respond

    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    researcher = make_actor("researcher", "health-gp")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    from tests.support import requests_send

    (request,) = requests_send(screener, enquiry, "health-gp")
    respond(researcher, request)
    draft = contact_record(referrer)
    person = enquiry.contact.people.get(role="subject").person
    bodies = {
        f"/contacts/{draft.pk}/amendments": (referrer, {"narrative": "Changed without a version"}),
        f"/contacts/{enquiry.contact.pk}/people/{person.pk}/corrections": (
            screener,
            {"forename": "Changed", "reason": "Typo"},
        ),
        f"/enquiries/{enquiry.pk}/rag": (screener, {"rag": "red", "reason": "Worse"}),
        f"/agency-requests/{request.pk}/response/amendments": (
            researcher,
            {"summary": "Changed", "no_information": False, "reason": "More"},
        ),
        f"/early-help-requests/{uuid.uuid4()}/acknowledgement": (screener, {}),
    }
    for path, (actor, body) in bodies.items():
        before = (Enquiry.objects.get(pk=enquiry.pk).version, Contact.objects.get(pk=draft.pk).version)
        r = api(actor).post(path, body)
        assert r.status_code == 428, (path, r.status_code, r.content)
        assert "version" in r.json()["errors"], r.json()
        after = (Enquiry.objects.get(pk=enquiry.pk).version, Contact.objects.get(pk=draft.pk).version)
        assert before == after, path
    person.refresh_from_db()
    assert person.forename != "Changed"
    # a wrong type or a stale value is still a 422 / 409, not a 428
    assert (
        api(screener).post(f"/enquiries/{enquiry.pk}/rag", {"rag": "red", "reason": "x", "version": "a"}).status_code
        == 422
    )
    assert (
        api(screener).post(f"/enquiries/{enquiry.pk}/rag", {"rag": "red", "reason": "x", "version": 99}).status_code
        == 409
    )


def _slowed(monkeypatch, module, name, seconds):
    """Wrap module.name so its first call answers `seconds` late (after its transaction committed): the client's
    request times out although the contact was made."""
    original = getattr(module, name)
    first = threading.Event()

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        if not first.is_set():
            first.set()
            time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)
    return first


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["response"] = fn(Client(raise_request_exception=False))
        except Exception as exc:  # reported below
            out["error"] = exc
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    return t, out


@pytest.mark.threads
@pytest.mark.django_db(transaction=True)
def test_api_retry_after_a_timeout_makes_one_contact(make_actor, monkeypatch):
    from openmash.contacts import services

    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(make_actor('referrer', 'police'))}", "HTTP_IDEMPOTENCY_KEY": "k-1"}
    data = payload()
    created = _slowed(monkeypatch, services, "contact_create", 3.0)

    def send(client):
        return client.post("/api/v1/contacts", data, content_type="application/json", **auth)

    thread, first = _in_thread(send)
    assert created.wait(30)  # the server made it; the client gives up waiting (timeout) and retries
    thread.join(timeout=0.5)
    assert thread.is_alive(), "the first request was meant to be still in flight"
    retry = send(Client())
    thread.join(timeout=60)
    again = send(Client())
    assert "error" not in first, first
    assert first["response"].status_code == 201 and retry.status_code == again.status_code == 200
    assert {first["response"].json()["id"], retry.json()["id"], again.json()["id"]} == {str(Contact.objects.get().pk)}


@pytest.mark.threads
@pytest.mark.django_db(transaction=True)
def test_page_retry_after_a_timeout_makes_one_contact(make_actor, monkeypatch):
    from openmash.contacts import services
    from openmash.web.tests.conftest import contact_form_data, contact_submit

    referrer = make_actor("referrer", "police")
    data = contact_form_data()
    created = _slowed(monkeypatch, services, "contact_create", 3.0)

    def client_for():
        c = Client(raise_request_exception=False)
        c.force_login(referrer.user)
        return c

    thread, first = _in_thread(lambda _c: contact_submit(client_for(), data))
    assert created.wait(30)
    retry = contact_submit(client_for(), data)  # the user presses send again in a new tab after the timeout
    thread.join(timeout=60)
    assert "error" not in first, first
    assert first["response"].status_code == retry.status_code == 302, (first["response"].status_code, retry.status_code)
    assert first["response"]["Location"] == retry["Location"]
    assert Contact.objects.count() == 1
