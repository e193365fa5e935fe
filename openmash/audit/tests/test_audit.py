"""The audit trail: who/what/which/request id for every create and view (LG-1), written in the same transaction
as the action (LG-2), append-only in the ORM and in the database."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.contacts.services import contact_create
from openmash.enquiries.models import Decision, Referral, Screening
from openmash.people.models import Person
from tests.support import contact_record, decide, enquiry_open, screen

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
READ_ACTIONS = {"view", "list", "search"}


def _counts():
    return Contact.objects.count(), Person.objects.count(), AuditEvent.objects.count()


# --- what an event records ---------------------------------------------------------------------------------------


def test_create_through_the_api_is_audited_with_the_request_id(api, make_actor):
    referrer = make_actor("referrer", "police")
    r = api(referrer).post("/contacts", contact_payload())
    assert r.status_code == 201
    rid = r["X-Request-Id"]
    assert rid and rid != "-"
    event = AuditEvent.objects.get(action="create", object_type="contacts.contact", object_id=r.json()["id"])
    assert (event.actor_user_id, event.actor_username) == (referrer.user.pk, referrer.user.username)
    assert (event.agency_code, event.role) == ("police", "referrer")
    assert event.request_id == rid
    assert event.at.utcoffset().total_seconds() == 0
    people = AuditEvent.objects.filter(action="create", object_type="people.person", request_id=rid)
    assert people.count() == 2  # the child and the adult
    # the detail never holds personal data
    for e in AuditEvent.objects.filter(request_id=rid):
        assert "Testchild" not in str(e.detail) and "Amelia" not in str(e.detail)


def test_views_are_audited_with_their_request_id(api, make_actor, new_contact):
    contact = new_contact()
    screener = make_actor("screener", "mash")
    client = api(screener)
    r = client.get(f"/contacts/{contact.pk}")
    assert r.status_code == 200
    e = AuditEvent.objects.get(request_id=r["X-Request-Id"])
    assert (e.action, e.object_type, e.object_id) == ("view", "contacts.contact", str(contact.pk))
    assert (e.actor_user_id, e.agency_code, e.role) == (screener.user.pk, "mash", "screener")

    person = contact.people.get(role="subject").person
    r = client.get(f"/people/{person.pk}")
    assert AuditEvent.objects.filter(
        request_id=r["X-Request-Id"], action="view", object_type="people.person", object_id=str(person.pk)
    ).exists()

    r = client.post("/people/search", dict(identifier="943 476 5919"))
    events = AuditEvent.objects.filter(request_id=r["X-Request-Id"])
    assert set(events.values_list("action", flat=True)) == {"search", "search_result"}
    assert events.get(action="search_result").object_id == str(person.pk)


def test_our_request_id_is_always_generated_and_the_clients_is_kept_apart(api, make_actor, new_contact):
    """Fault 5 of issue 5: a client-supplied X-Request-Id used to be stored as ours."""
    contact = new_contact()
    client = api(make_actor("screener", "mash"))
    r = client.post(
        f"/contacts/{contact.pk}/screening",
        {"outcome": "nfa_advice", "rationale": "No role for the hub"},
        headers={"X-Request-Id": "trace-0123456789"},
    )
    assert r.status_code == 201
    ours = r["X-Request-Id"]
    assert ours != "trace-0123456789" and len(ours) == 32 and int(ours, 16) >= 0
    event = AuditEvent.objects.get(action="screen")
    assert (event.request_id, event.client_request_id) == (ours, "trace-0123456789")
    assert not AuditEvent.objects.filter(request_id="trace-0123456789").exists()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("evil id\nwith newline", ""),
        ("a" * 80, "a" * 64),  # truncated
        ("00-4bf92f3577b34da6-01", "00-4bf92f3577b34da6-01"),
        ("=HYPERLINK(1)", ""),
        ("id;drop", ""),
        ("", ""),
    ],
)
def test_the_client_request_id_is_validated_and_truncated(client, make_actor, sent, kept):
    from openmash.core.requestid import client_request_id_clean

    assert client_request_id_clean(sent) == kept
    client.force_login(make_actor("auditor", "mash").user)
    r = client.get("/audit/", HTTP_X_REQUEST_ID=sent)
    assert r.status_code == 200 and r["X-Request-Id"] != sent
    event = AuditEvent.objects.get(request_id=r["X-Request-Id"], object_type="audit.auditevent")
    assert event.client_request_id == kept


# --- LG-2: one transaction ---------------------------------------------------------------------------------------


class Boom(Exception):
    pass


def _boom(*args, **kwargs):
    raise Boom("injected failure")


def test_failure_after_the_audit_write_rolls_back_data_and_audit(make_actor, monkeypatch):
    """contact_create writes the contact, then its audit row, then the chronology: fail the chronology."""
    referrer = make_actor("referrer", "police")
    before = _counts()
    monkeypatch.setattr("openmash.contacts.services.chronology_add", _boom)
    with pytest.raises(Boom):
        contact_create(actor=referrer, data=contact_payload())
    assert _counts() == before


def test_failure_of_the_audit_write_rolls_back_the_data(make_actor, monkeypatch):
    referrer = make_actor("referrer", "police")
    before = _counts()
    monkeypatch.setattr("openmash.contacts.services.audit_record", _boom)
    with pytest.raises(Boom):
        contact_create(actor=referrer, data=contact_payload())
    assert _counts() == before


def test_failure_during_an_api_create_leaves_nothing(api, make_actor, monkeypatch):
    client = api(make_actor("referrer", "police"))
    before = _counts()
    monkeypatch.setattr("openmash.contacts.services.chronology_add", _boom)
    response = client.post("/contacts", contact_payload())
    assert response.status_code == 500 and "request_id" in response.json()  # the API's last-resort JSON answer
    # nothing of the contact is left; the search before create (the child's and the adult's lookups, made before
    # the insert's transaction) stays in the trail: it was made (ADR 0009 addendum 1)
    searches = AuditEvent.objects.filter(action="search").count()
    assert _counts() == (before[0], before[1], before[2] + searches) and searches == 2


def test_failed_screening_leaves_no_screening_and_no_audit(make_actor, monkeypatch):
    contact = contact_record(make_actor("referrer", "police"))
    screener = make_actor("screener", "mash")
    audit_before = AuditEvent.objects.count()
    monkeypatch.setattr("openmash.enquiries.services.chronology_add", _boom)
    with pytest.raises(Boom):
        screen(screener, contact, outcome="mash_enquiry", rag="red")
    contact.refresh_from_db()
    assert contact.status == "awaiting_screening" and contact.version == 1
    assert not Screening.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_failed_decision_leaves_no_decision_referral_or_audit(make_actor, monkeypatch):
    enquiry = enquiry_open(referrer=make_actor("referrer", "police"), screener=make_actor("screener", "mash"))
    manager = make_actor("manager", "mash")
    audit_before = AuditEvent.objects.count()
    monkeypatch.setattr("openmash.enquiries.services._tell_referrer", _boom)  # the last step of a decision
    with pytest.raises(Boom):
        decide(manager, enquiry)
    enquiry.refresh_from_db()
    assert enquiry.status == "open"
    assert not Decision.objects.exists() and not Referral.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_a_read_whose_audit_fails_returns_no_data(make_actor, new_contact, monkeypatch):
    """Fail closed: if the view cannot be audited, the data is not returned."""
    from openmash.accounts.services import token_create

    contact = new_contact()
    token = token_create(username=make_actor("screener", "mash").user.username)[1]
    monkeypatch.setattr("openmash.contacts.selectors.audit_record", _boom)
    client = Client(raise_request_exception=False)
    r = client.get(f"/api/v1/contacts/{contact.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 500
    assert b"Testchild" not in r.content and b"Child disclosed" not in r.content


# --- append-only ---------------------------------------------------------------------------------------------


@pytest.fixture
def event(make_actor):
    from openmash.audit.services import audit_record

    return audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="1")


def test_orm_refuses_update_and_delete(event):
    row = AuditEvent.objects.get(pk=event.pk)
    row.action = "edited"
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="edited"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
        row.save,
        row.delete,
        lambda: AuditEvent.objects.bulk_update([row], ["action"]),
    ]
    for attempt in attempts:
        with pytest.raises(RuntimeError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_database_refuses_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'edited' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_database_refuses_raw_delete(event):
    """Both databases refuse a raw DELETE (SQLite used to allow it)."""
    for sql in ("DELETE FROM audit_auditevent WHERE id = %s", "DELETE FROM audit_auditevent WHERE id >= %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_flush_still_empties_the_trail_for_maintenance_and_keeps_the_trigger(db):
    """`flush` (test isolation, demo reset) empties tables; on SQLite it lifts the DELETE trigger only for itself."""
    from django.core.management.color import no_style

    statements = connection.ops.sql_flush(no_style(), ["audit_auditevent"])
    if not ON_POSTGRES:
        assert statements[0].startswith("DROP TRIGGER") and statements[-1].startswith("CREATE TRIGGER")
        assert "audit_auditevent_no_delete" in statements[-1]


def test_the_trigger_is_installed_on_this_database(db):
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
        names = {row[0] for row in cursor.fetchall()}
    assert "audit_auditevent_no_update" in names
    if not ON_POSTGRES:
        assert "audit_auditevent_no_delete" in names


# --- LG-1: every read of person data is audited ------------------------------------------------------------------


class Recorder:
    """Wraps the api fixture's clients and keeps every read's response: each GET, and the person search (a read that
    posts its terms, so they never go in the URL: POST /api/v1/people/search)."""

    def __init__(self, api):
        self.api = api
        self.gets: list[tuple[str, object]] = []

    def __call__(self, actor):
        inner = self.api(actor)
        recorder = self

        class _Client:
            def get(self, path, **params):
                r = inner.get(path, **params)
                recorder.gets.append((path, r))
                return r

            def post(self, path, json=None, headers=None):
                r = inner.post(path, json, headers=headers)
                if path == "/people/search":
                    recorder.gets.append((path, r))
                return r

        return _Client()


def _ids_in(body) -> set[str]:
    items = body if isinstance(body, list) else [body]
    return {str(i["id"]) for i in items if isinstance(i, dict) and "id" in i}


def test_every_person_data_read_in_the_whole_flow_is_audited(api, make_actor):
    rec = Recorder(api)
    referrer, screener, manager = (
        make_actor("referrer", "police"),
        make_actor("screener", "mash"),
        make_actor("manager", "mash"),
    )
    health, school = make_actor("researcher", "health-gp"), make_actor("researcher", "school-oak")

    contact_id = rec(referrer).post("/contacts", contact_payload()).json()["id"]
    rec(referrer).get(f"/contacts/{contact_id}")
    rec(screener).get("/screening-queue")
    rec(screener).get(f"/contacts/{contact_id}")
    enquiry_id = (
        rec(screener)
        .post(f"/contacts/{contact_id}/screening", {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Checks"})
        .json()["enquiry_id"]
    )
    rec(screener).get("/enquiries")
    rec(screener).get(f"/enquiries/{enquiry_id}")
    rec(screener).post(f"/enquiries/{enquiry_id}/agency-requests", {"agency_codes": ["health-gp", "school-oak"]})
    inbox = rec(health).get("/agency-requests").json()["items"]
    rec(health).post(f"/agency-requests/{inbox[0]['id']}/response", {"summary": "Seen twice at A&E"})
    rec(school).get("/agency-requests", status="open")
    rec(screener).post(f"/enquiries/{enquiry_id}/rag", {"rag": "red", "reason": "Injury history", "version": 1})
    rec(manager).get(f"/enquiries/{enquiry_id}")
    rec(manager).post(
        f"/enquiries/{enquiry_id}/decision",
        {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "x", "unanswered_confirmed": True},
    )
    person_id = next(
        p["person_id"] for p in rec(referrer).get(f"/contacts/{contact_id}").json()["people"] if p["role"] == "subject"
    )
    rec(referrer).post("/people/search", dict(identifier="9434765919"))
    rec(screener).post("/people/search", dict(name="Amelia Testchild", date_of_birth="2018-04-02"))
    rec(screener).get(f"/people/{person_id}")
    rec(health).get(f"/people/{person_id}")
    rec(manager).get(f"/people/{person_id}/chronology")
    rec(screener).get("/enquiries", status="decided")

    assert len(rec.gets) == 15
    for path, r in rec.gets:
        assert r.status_code == 200, (path, r.status_code)
        rid = r["X-Request-Id"]
        events = AuditEvent.objects.filter(request_id=rid)
        assert events.filter(action__in=READ_ACTIONS).exists(), f"GET {path} returned person data without a read event"
        assert all(e.actor_username and e.agency_code and e.role for e in events), path
        body = r.json()
        returned = _ids_in(body) if not path.startswith("/people/") else set()
        audited = set(events.values_list("object_id", flat=True))
        assert returned <= audited, f"GET {path} returned records {returned - audited} without an audit event"


@pytest.mark.parametrize("model_name", ["AuditEvent", "AuditEventContact", "AuditSeal", "AuditCheckpoint"])
def test_every_audit_table_refuses_orm_update_and_delete(db, model_name):
    """Every audit table derives from AppendOnlyModel: the ORM refuses bulk update and delete."""
    from openmash.audit import models as audit_models

    model = getattr(audit_models, model_name)
    assert issubclass(model, audit_models.AppendOnlyModel)
    with pytest.raises(RuntimeError, match="append-only"):
        model.objects.all().update(pk=1)
    with pytest.raises(RuntimeError, match="append-only"):
        model.objects.all().delete()
