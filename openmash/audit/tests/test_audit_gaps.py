"""Fault 5 of issue 5: what used to leave no trace in the audit trail.

Denied requests on a real record (pages and API), sign-ins, failed sign-ins, sign-outs and lockouts, and the
children named on a referrer's home page. Each test failed before the fix.
"""

from __future__ import annotations

import re
import secrets
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from openmash.audit.models import AuditEvent


@pytest.fixture
def login():
    def _login(actor):
        client = Client()
        client.force_login(actor.user)
        return client

    return _login


def _page(response) -> str:
    """The page without its per-response CSP nonces."""
    return re.sub(
        r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"|csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()
    )


def _denials(**filters):
    return AuditEvent.objects.filter(action="deny", **filters)


# --- denied requests ---------------------------------------------------------------------------------------------


def test_a_page_refused_as_missing_audits_the_real_record_and_answers_like_a_missing_one(
    make_actor, login, new_contact
):
    contact = new_contact()
    snoop = make_actor("referrer", "school-oak")
    client = login(snoop)
    real = client.get(f"/contacts/{contact.pk}/")
    missing = client.get(f"/contacts/{uuid.uuid4()}/")
    assert real.status_code == missing.status_code == 404
    assert _page(real) == _page(missing)  # nothing says the record exists
    event = _denials().get()
    assert (event.actor_user_id, event.agency_code, event.role) == (snoop.user.pk, "school-oak", "referrer")
    assert (event.object_type, event.object_id) == ("contacts.contact", str(contact.pk))
    assert event.detail == {"status": 404, "route": "web:contact_detail", "method": "GET"}
    assert event.request_id == real["X-Request-Id"]


def test_an_api_read_refused_as_missing_audits_the_real_record(api, make_actor, new_contact):
    contact = new_contact()
    person = contact.people.get(role="subject").person
    client = api(make_actor("researcher", "probation"))
    for path, object_type, object_id in [
        (f"/contacts/{contact.pk}", "contacts.contact", contact.pk),
        (f"/people/{person.pk}", "people.person", person.pk),
    ]:
        r = client.get(path)
        assert r.status_code == 404
        event = _denials().get(request_id=r["X-Request-Id"])
        assert (event.object_type, event.object_id) == (object_type, str(object_id))
    assert client.get(f"/contacts/{uuid.uuid4()}").status_code == 404
    assert _denials().count() == 2  # a record that does not exist: nothing to record


def test_a_forbidden_action_on_a_real_record_is_audited(make_actor, login, api, new_contact):
    contact = new_contact()
    referrer = make_actor("referrer", "police")
    r = login(referrer).post(f"/contacts/{contact.pk}/screen/", {"outcome": "nfa_advice", "rationale": "x"})
    assert r.status_code == 403
    event = _denials().get(request_id=r["X-Request-Id"])
    assert (event.object_type, event.object_id, event.detail["status"]) == ("contacts.contact", str(contact.pk), 403)
    r = api(referrer).post(f"/contacts/{contact.pk}/screening", {"outcome": "nfa_advice", "rationale": "x"})
    assert r.status_code == 403
    assert _denials().get(request_id=r["X-Request-Id"]).detail["route"] == "api:contact_screen"


def test_a_forbidden_page_without_a_record_is_audited(make_actor, login):
    r = login(make_actor("researcher", "health-gp")).get("/screening/")
    assert r.status_code == 403
    event = _denials().get(request_id=r["X-Request-Id"])
    assert (event.object_type, event.object_id, event.detail["route"]) == ("", "", "web:screening_queue")


def test_a_user_without_an_active_role_refused_is_audited_by_user(make_actor, login, new_contact):
    from openmash.accounts.models import Membership

    contact = new_contact()
    actor = make_actor("screener", "mash")
    Membership.objects.filter(user=actor.user).update(active=False)
    r = login(actor).get(f"/contacts/{contact.pk}/")
    assert r.status_code == 403
    event = _denials().get(request_id=r["X-Request-Id"])
    assert (event.actor_user_id, event.actor_username, event.role) == (actor.user.pk, actor.user.username, "")
    assert event.object_id == str(contact.pk)


def test_anonymous_requests_are_sent_to_sign_in_without_an_event(client, new_contact):
    contact = new_contact()
    assert client.get(f"/contacts/{contact.pk}/").status_code == 302
    assert client.get(f"/api/v1/contacts/{contact.pk}").status_code == 401
    assert not _denials().exists()


# --- signing in and out --------------------------------------------------------------------------------------


@pytest.fixture
def account(partnership):
    from openmash.accounts.services import user_create

    secret = secrets.token_urlsafe(16)
    user = user_create(
        username="pc.audited", password=secret, agency_code="police", role="referrer", check_password=False
    )
    return user, secret


def test_sign_in_and_sign_out_are_audited(client, account):
    user, secret = account
    r = client.post("/login/", {"username": user.username, "password": secret})
    assert r.status_code == 302
    login = AuditEvent.objects.get(action="login")
    assert (login.actor_user_id, login.agency_code, login.role) == (user.pk, "police", "referrer")
    assert login.request_id == r["X-Request-Id"]
    r = client.post("/logout/")
    logout = AuditEvent.objects.get(action="logout")
    assert (logout.actor_user_id, logout.request_id) == (user.pk, r["X-Request-Id"])


def test_a_failed_sign_in_records_the_username_never_the_password(client, account):
    user, secret = account
    wrong = secret + "-wrong"
    client.post("/login/", {"username": user.username, "password": wrong})
    client.post("/login/", {"username": "nobody\u202e\u200belse", "password": wrong})
    events = list(AuditEvent.objects.filter(action="login_failed").order_by("id"))
    assert events[0].actor_username == user.username  # an existing account: its username
    assert re.fullmatch(r"unknown:[0-9a-f]{32}", events[1].actor_username)  # anything else: a keyed hash
    assert all(e.actor_user_id is None for e in events)
    stored = str(list(AuditEvent.objects.values()))
    assert wrong not in stored and secret not in stored


def test_a_lockout_is_audited(client, account, settings):
    settings.OPENMASH_LOCKOUT_FAILURES = 2
    user, _ = account
    for _ in range(3):
        client.post("/login/", {"username": user.username, "password": "nope-" + secrets.token_hex(4)})
    assert AuditEvent.objects.filter(action="lockout", actor_username=user.username).exists()
    assert AuditEvent.objects.filter(action="login_failed").count() >= 2


# --- the referrer's home page --------------------------------------------------------------------------------


def test_the_children_named_on_the_referrers_home_page_are_audited(make_actor, login, new_contact):
    referrer = make_actor("referrer", "police")
    contacts = [new_contact(actor=referrer) for _ in range(2)]
    r = login(referrer).get("/")
    assert r.status_code == 200
    shown = AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="list")
    children = {str(c.people.get(role="subject").person_id) for c in contacts}
    assert children <= set(shown.filter(object_type="people.person").values_list("object_id", flat=True))
    assert {str(c.pk) for c in contacts} <= set(shown.values_list("object_id", flat=True))


# --- who reads the trail ------------------------------------------------------------------------------------


def test_only_the_auditor_reads_the_trail(make_actor, login):
    assert login(make_actor("auditor", "mash")).get("/audit/").status_code == 200
    for role in ("partnership_admin", "manager", "screener"):
        assert login(make_actor(role, "mash")).get("/audit/").status_code == 403


# --- the database refuses changes, whatever the ORM does ------------------------------------------------------


def test_the_database_refuses_raw_update_and_delete(make_actor):
    from openmash.audit.services import audit_record

    event = audit_record(actor=make_actor("screener", "mash"), action="view", object_type="x", object_id="1")
    for sql in (
        "UPDATE audit_auditevent SET action = 'edited' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_triggers_lost_in_a_sqlite_table_rebuild_come_back_after_migrate(db):
    from openmash.audit.apps import sqlite_triggers_ensure

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite drops triggers when a migration rebuilds a table")
    with connection.cursor() as c:
        c.execute("DROP TRIGGER audit_auditevent_no_delete")
        c.execute("DROP TRIGGER audit_auditevent_no_update")
    sqlite_triggers_ensure(using="default")
    with connection.cursor() as c:
        c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
        assert {r[0] for r in c.fetchall()} == {"audit_auditevent_no_delete", "audit_auditevent_no_update"}


# --- a deactivated agency: the sign-in itself is refused -----------------------------------------------------


def _sign_in_answer(client, username, password) -> tuple[int, str]:
    r = client.post("/login/", {"username": username, "password": password})
    return r.status_code, r.content.decode() if r.status_code == 200 else ""


def _error_summary(body: str) -> str:
    import re

    return re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', body, re.S).group(0)


def test_a_user_of_a_deactivated_agency_is_refused_at_sign_in_like_a_deactivated_user(client, account, partnership):
    """Issue 5 review: they used to sign in and meet 403 on every page. Now the sign-in page answers exactly as
    for a deactivated account or a wrong password (no account enumeration), and it is audited as a failed
    sign-in (access.actor.user_may_sign_in, the one active check)."""
    from django.test import Client

    from openmash.accounts.models import Agency, User
    from openmash.accounts.services import user_create

    user, secret = account
    Agency.objects.filter(code="police").update(active=False)
    status, body = _sign_in_answer(client, user.username, secret)
    assert status == 200 and "_auth_user_id" not in client.session
    assert "contact your partnership administrator" in body
    assert not AuditEvent.objects.filter(action="login").exists()
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor_username == user.username and failed.actor_user_id is None

    closed = user_create(
        username="pc.closed", password=secret, agency_code="mash", role="screener", check_password=False
    )
    User.objects.filter(pk=closed.pk).update(is_active=False)
    answers = {
        "deactivated agency": _error_summary(_sign_in_answer(Client(), user.username, secret)[1]),
        "deactivated account": _error_summary(_sign_in_answer(Client(), closed.username, secret)[1]),
        "wrong password": _error_summary(_sign_in_answer(Client(), "pc.closed", secret + "x")[1]),
        "no such user": _error_summary(_sign_in_answer(Client(), "pc.nobody", secret)[1]),
    }
    assert len(set(answers.values())) == 1, answers
    assert AuditEvent.objects.filter(action="login_failed").count() == 5


def test_a_user_with_another_active_membership_still_signs_in(client, account):
    """Only a user with no way to act is refused: a second role at an active agency still lets them in."""
    from openmash.accounts.models import Agency, Membership

    user, secret = account
    Membership.objects.create(user=user, agency=Agency.objects.get(code="health-gp"), role="researcher")
    Agency.objects.filter(code="police").update(active=False)
    r = client.post("/login/", {"username": user.username, "password": secret})
    assert r.status_code == 302 and AuditEvent.objects.filter(action="login").exists()
    from conftest import mfa_complete

    mfa_complete(client, user)  # the second factor (ADR 0011)
    assert client.get("/").status_code == 200


def test_switched_off_memberships_refuse_the_sign_in(client, account):
    from openmash.accounts.models import Membership

    user, secret = account
    Membership.objects.filter(user=user).update(active=False)
    assert _sign_in_answer(client, user.username, secret)[0] == 200
    assert AuditEvent.objects.filter(action="login_failed", actor_username=user.username).exists()


def test_a_password_typed_as_the_username_never_reaches_the_trail(client, account, settings):
    """Issue 6 security review: `login_failed` stored whatever was typed as the username, so a password typed into
    the username box stayed in the append-only trail for ever. Now only an existing account's username is kept;
    anything else is a keyed hash (HMAC with the secret key), equal for equal text so attempts still correlate."""
    user, secret = account
    for _ in range(2):
        client.post("/login/", {"username": secret, "password": "whatever-" + secrets.token_hex(4)})
    client.post("/login/", {"username": secret + "2", "password": "x"})
    client.post("/login/", {"username": user.username.upper(), "password": "x"})  # not exactly a username
    stored = str(list(AuditEvent.objects.values()))
    assert secret not in stored and user.username.upper() not in stored
    names = [e.actor_username for e in AuditEvent.objects.filter(action="login_failed").order_by("id")]
    assert all(re.fullmatch(r"unknown:[0-9a-f]{32}", n) for n in names)
    assert names[0] == names[1] and len(set(names)) == 3  # the same text correlates, different text does not
    settings.SECRET_KEY = "another-" + secrets.token_hex(16)  # keyed: without the key the hash cannot be rebuilt
    client.post("/login/", {"username": secret, "password": "x"})
    assert AuditEvent.objects.filter(action="login_failed").order_by("-id")[0].actor_username != names[0]
