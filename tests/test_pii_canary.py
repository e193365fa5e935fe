"""LG-3 and EM-1 (SECURITY-TESTS.md §5(b), promises P1 and P13; ASVS 5.0 16.2.5, 14.2.1; DCB1596): PII canaries.

LG-3: a representative workflow with canary personal data (child's and adult's names, date of birth, NHS number,
address, narrative, an agency's answer): record the contact (API), screen it into a MASH enquiry, ask an agency,
answer, decide, search by name + date of birth and by NHS number, open the person and the contact's page, a failed
sign-in with a canary username, a 404 and a 422 carrying canaries in the body. Every log record (root logger at
DEBUG, django.request, axes, openmash; formatted by the configured console handler) and the gunicorn access line
of each request (config.gunicorn_logging, the format `openmash serve` uses and every atom) are captured, with every
email sent (django.core.mail.outbox). Pass figure: 0 canaries in any of them; 0 canaries in the audit trail's
free text (`reason`, `detail`).

EM-1: every email the product sends, rendered with canary data (grep: accounts.admin_services.user_password_reset
is the only send_mail / EmailMessage call; no email templates exist), and Django's error mail to ADMINS on a
server error (a deployment may set ADMINS): 0 canaries in subject, body and headers. Tier: PR."""

from __future__ import annotations

import io
import json
import logging
import random
import uuid

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import path

from conftest import contact_payload
from tests.support import nhs_number
from tests.test_log_redaction import access_line

CANARY_NHS = nhs_number(random.Random(31337))
CHILD = {"forename": "Quorabelle", "surname": "Zanzibarcanary", "dob": "2015-07-19"}
ADULT_SURNAME = "Vortigerncanary"
ADDRESS = "12 Canaryplum Road"
NARRATIVE = "Canarynarrative: xylophone tangerine bruising"
ANSWER = "Canaryanswer: the practice holds marmalade records"
USERNAME = "canary.user.quillfeather"
FULL_NAME = "Persimmon Canaryuser"
EMAIL = "persimmon.canaryuser@example.org"
CANARIES = [
    CHILD["forename"],
    CHILD["surname"],
    CHILD["dob"],
    "19/07/2015",
    CANARY_NHS,
    f"{CANARY_NHS[:3]} {CANARY_NHS[3:6]} {CANARY_NHS[6:]}",
    ADULT_SURNAME,
    ADDRESS,
    "Canarynarrative",
    "Canaryanswer",
    "quillfeather",
    "Canaryuser",
    "canaryuser@",
]


def _hits(text: str) -> list[str]:
    low = text.lower()
    return [c for c in CANARIES if c.lower() in low]


@pytest.fixture
def captured():
    """(buffer of the console handler's output, records) for everything logged at DEBUG and above."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "name", "") == "console")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    buffer = io.StringIO()
    old_stream, handler.stream = handler.stream, buffer
    names = ("", "axes", "django.request", "django.security", "openmash", "gunicorn.error")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    keep = Keep(level=logging.DEBUG)
    root.addHandler(keep)
    try:
        yield buffer, records
    finally:
        root.removeHandler(keep)
        handler.stream = old_stream
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class Recorder:
    """A test client that remembers each request for the gunicorn access line it would make."""

    def __init__(self, token=None, user=None):
        self.client = Client(raise_request_exception=False)
        if user:
            self.client.force_login(user)
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        self.seen: list[tuple[str, str]] = []

    def get(self, url, params=None):
        r = self.client.get(url, params, **self.auth)
        self.seen.append((r.request["PATH_INFO"], r.request.get("QUERY_STRING", "")))
        return r

    def post(self, url, data, json_body=True):
        if json_body:
            r = self.client.post(url, data, content_type="application/json", **self.auth)
        else:
            r = self.client.post(url, data, **self.auth)
        self.seen.append((r.request["PATH_INFO"], r.request.get("QUERY_STRING", "")))
        return r


def _token(actor):
    from openmash.accounts.services import token_create

    return token_create(username=actor.user.username)[1]


def test_a_whole_workflow_logs_no_personal_data(make_actor, captured):
    from openmash.audit.models import AuditEvent

    buffer, records = captured
    referrer = Recorder(_token(make_actor("referrer", "police")))
    screener_actor = make_actor("screener", "mash")
    screener = Recorder(_token(screener_actor))
    manager = Recorder(_token(make_actor("manager", "mash")))
    researcher = Recorder(_token(make_actor("researcher", "health-gp")))
    clients = [referrer, screener, manager, researcher]

    child = {
        "forename": CHILD["forename"],
        "surname": CHILD["surname"],
        "date_of_birth": CHILD["dob"],
        "sex": "F",
        "ethnicity": "WBRI",
        "identifiers": [{"type": "nhs_number", "value": CANARY_NHS}],
        "address": {"line1": ADDRESS, "town": "Exampleton", "postcode": "EX1 1AA"},
    }
    adult = {
        "forename": "Dean",
        "surname": ADULT_SURNAME,
        "date_of_birth": "1988-01-01",
        "sex": "M",
        "role": "parent_carer",
    }
    body = contact_payload(subjects=[child], household=[adult], narrative=NARRATIVE)
    r = referrer.post("/api/v1/contacts", body)
    assert r.status_code == 201, r.content
    contact_id = r.json()["id"]
    r = screener.post(
        f"/api/v1/contacts/{contact_id}/screening", {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Checks"}
    )
    assert r.status_code == 201, r.content
    enquiry_id = r.json()["enquiry"]["id"] if r.json().get("enquiry") else None
    if enquiry_id is None:
        from openmash.enquiries.models import Enquiry

        enquiry_id = str(Enquiry.objects.get(contact_id=contact_id).pk)
    r = screener.post(f"/api/v1/enquiries/{enquiry_id}/agency-requests", {"agency_codes": ["health-gp"]})
    assert r.status_code == 201, r.content
    inbox = researcher.get("/api/v1/agency-requests")
    assert inbox.status_code == 200 and inbox.json()["items"], inbox.content
    request_id = inbox.json()["items"][0]["id"]
    r = researcher.post(f"/api/v1/agency-requests/{request_id}/response", {"summary": ANSWER})
    assert r.status_code == 201, r.content
    r = manager.post(
        f"/api/v1/enquiries/{enquiry_id}/decision",
        {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Assess", "unanswered_confirmed": True},
    )
    assert r.status_code == 201, r.content
    r = screener.post(
        "/api/v1/people/search",
        {"name": f"{CHILD['forename']} {CHILD['surname']}", "date_of_birth": CHILD["dob"]},
    )
    assert r.status_code == 200 and r.json()["count"] >= 1, r.content
    person_id = r.json()["items"][0]["id"]
    by_number = {"identifier_type": "nhs_number", "identifier": CANARY_NHS}
    assert screener.post("/api/v1/people/search", by_number).status_code == 200
    assert screener.get(f"/api/v1/people/{person_id}").status_code == 200
    assert screener.get(f"/api/v1/people/{person_id}/chronology").status_code == 200
    # pages: the contact and the child, and the page search
    page = Recorder(user=screener_actor.user)
    clients.append(page)
    assert page.get(f"/contacts/{contact_id}/").status_code == 200
    assert page.get(f"/people/{person_id}/").status_code == 200
    page.get("/people/search/", {"name": CHILD["surname"], "date_of_birth": CHILD["dob"]})
    # errors: a 404, a 422 carrying canaries, a failed sign-in with a canary username
    assert screener.get(f"/api/v1/people/{uuid.uuid4()}").status_code == 404
    bad = contact_payload(subjects=[{**child, "forename": CHILD["forename"] + "9"}], narrative=NARRATIVE)
    assert referrer.post("/api/v1/contacts", bad).status_code == 422
    anonymous = Recorder()
    clients.append(anonymous)
    r = anonymous.post("/login/", {"username": USERNAME, "password": CHILD["surname"]}, json_body=False)
    assert r.status_code == 200  # the form again, with its error

    logged = buffer.getvalue()
    assert records and logged, "nothing was logged: the test would prove nothing"
    assert not _hits(logged), (_hits(logged), logged[-3000:])
    for record in records:  # the raw records too (a JSON or off-host handler would see these)
        raw = f"{record.getMessage()} {record.args!r} {getattr(record, '__dict__', {})!r}"
        assert not _hits(raw), (_hits(raw), record.name, record.msg)
    for c in clients:
        for path_info, query in c.seen:
            for fmt in (
                None,
                '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s %(q)s %({raw_uri}e)s',
            ):
                line = access_line(
                    path_info,
                    path_info + ("?" + query if query else ""),
                    query=query,
                    **({"log_format": fmt} if fmt else {}),
                )
                assert not _hits(line), (_hits(line), line)
    assert not mail.outbox or not any(_hits(m.subject + m.body + json.dumps(m.extra_headers)) for m in mail.outbox)
    events = AuditEvent.objects.all()
    assert events.count() > 10
    for e in events:
        free = f"{e.reason} {json.dumps(e.detail, default=str)}"
        assert not _hits(free), (e.action, _hits(free), free)


def test_every_email_the_product_sends_carries_no_personal_data(make_actor, settings):
    """EM-1: the password-reset email (the only one) for a user with canary name, username and address."""
    from openmash.accounts.admin_services import user_password_reset
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    admin = make_actor("partnership_admin", "mash")
    user_create(
        username=USERNAME,
        password="not-used-in-tests-at-all",
        agency_code="police",
        role="referrer",
        display_name=FULL_NAME,
        email=EMAIL,
        check_password=False,
    )
    User.objects.filter(username=USERNAME).update(password_set_at="2026-01-01T00:00:00Z")
    mail.outbox.clear()
    user_password_reset(actor=admin, username=USERNAME)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]  # the address is the recipient, and only there
    rendered = message.message()
    headers = {k: v for k, v in rendered.items() if k.lower() not in ("to",)}
    text = f"{message.subject}\n{message.body}\n{json.dumps(headers)}"
    assert not _hits(text), (_hits(text), text)


def _boom(request):
    raise RuntimeError(f"failed for {request.POST.get('surname', '')}")


urlpatterns = [path("boom/", _boom)]


def test_a_server_error_mails_and_logs_no_personal_data(db, settings, captured):
    """EM-1: a deployment that sets ADMINS must not receive request data (POST body, the exception's message) by
    email; LG-3: the server error's logged traceback names the exception class and frames, not its message."""
    buffer, _records = captured
    settings.ADMINS = [("Ops", "ops@example.org")]
    mail.outbox.clear()
    with override_settings(ROOT_URLCONF=__name__):
        r = Client(raise_request_exception=False).post("/boom/", {"surname": CHILD["surname"], "nhs": CANARY_NHS})
    assert r.status_code == 500
    for m in mail.outbox:
        text = f"{m.subject}\n{m.body}\n{json.dumps(m.extra_headers)}"
        alternatives = " ".join(str(a[0]) for a in getattr(m, "alternatives", []))
        assert not _hits(text + alternatives), _hits(text + alternatives)
    logged = buffer.getvalue()
    assert "RuntimeError" in logged and "Traceback" in logged  # the fault is still findable
    assert not _hits(logged), (_hits(logged), logged)
