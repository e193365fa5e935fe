"""A secure message's sensitivity (issue 7, "every contributed item carries a sensitivity"; ADR 0017 addendum):
the sender chooses standard (default), sensitive or sealed, and access.messaging decides who reads it whole by the
secure room's rules for items. A held message shows as "A message held at [level] (you do not have access)" with the
sending agency and the time only, on the page, in the API and in the subject access export alike; its attachment is
refused with 403, audited; its text is not audited as read; the members it is held from are not told of it.

In (the thread fixture): an enquiry asked of the GP and the police, its child allocated to a social worker. The
partnership names no sealed roles, so the MASH managers are the sealed role (access.sharing.SEALED_ROLES_DEFAULT)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.messaging.models import Message
from openmash.messaging.services import message_post

SEALED_BODY = "Canary sealed message: mother now at refuge Quenby Lodge"
SEALED_FILE = b"Canary sealed attachment: refuge key worker rota\n"
SEALED_NAME = "refuge-rota-canary.txt"
SENSITIVE_BODY = "Canary sensitive message: mother under the crisis team"
SENSITIVE_FILE = b"Canary sensitive attachment: CAMHS letter\n"
SENSITIVE_NAME = "camhs-letter-canary.txt"
HELD = "A message held at {} (you do not have access)"


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _post(thread, author, level, body, name, data):
    return message_post(
        actor=getattr(thread, author),
        enquiry_id=thread.enquiry.pk,
        body=body,
        files=[(name, data)],
        sensitivity=level,
    )


def _fetch_all(thread, actor, message):
    """(page, API thread, page download, API download) as `actor`."""
    enquiry = thread.enquiry.pk
    attachment = message.attachments.get()
    web, bearer = _client(actor), _bearer(actor)
    return (
        web.get(f"/enquiries/{enquiry}/messages/"),
        Client().get(f"/api/v1/enquiries/{enquiry}/messages", **bearer),
        web.get(f"/enquiries/{enquiry}/messages/attachments/{attachment.pk}/"),
        Client().get(f"/api/v1/enquiries/{enquiry}/attachments/{attachment.pk}", **bearer),
    )


def _assert_held(thread, actor, message, level, body, name, data):
    """Held everywhere: the page and the API say it is held (agency and time, no text, author, file name or size),
    both downloads answer 403 and each is audited as a denial naming the attachment; no "view" of the message."""
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page, api, download, api_download = _fetch_all(thread, actor, message)
    attachment = message.attachments.get()
    assert page.status_code == 200
    html = page.content.decode()
    assert HELD.format(level) in html
    assert body not in html and name not in html and str(message.author) not in html
    assert f"/attachments/{attachment.pk}/" not in html
    assert api.status_code == 200
    [out] = [m for m in api.json()["messages"] if m["id"] == str(message.pk)]
    assert out["shown"] == "held" and out["sensitivity"] == level
    assert (out["body"], out["author"], out["author_role"], out["attachments"]) == ("", "", "", [])
    assert out["author_agency_name"] == message.author_agency.name and out["sent_at"]
    assert body not in api.content.decode() and name not in api.content.decode()
    for r in (download, api_download):
        assert r.status_code == 403 and data not in r.content
    events = AuditEvent.objects.filter(actor_user_id=actor.user.pk, id__gt=start)
    denied = events.filter(action="deny", object_type="messaging.attachment", object_id=str(attachment.pk))
    assert denied.count() == 2 and {e.detail["status"] for e in denied} == {403}
    assert not events.filter(action="view", object_id__in=(str(message.pk), str(attachment.pk))).exists()
    listed = events.filter(action="list", object_type="enquiries.enquiry").first()
    assert listed.detail["held"] >= 1


def _assert_read(thread, actor, message, body, data):
    """Read whole everywhere: the text on the page and in the API, both downloads 200, each read audited."""
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page, api, download, api_download = _fetch_all(thread, actor, message)
    assert body in page.content.decode()
    [out] = [m for m in api.json()["messages"] if m["id"] == str(message.pk)]
    assert out["shown"] == "full" and out["body"] == body and len(out["attachments"]) == 1
    assert download.status_code == 200 and download.content == data
    assert api_download.status_code == 200 and api_download.content == data
    events = AuditEvent.objects.filter(actor_user_id=actor.user.pk, id__gt=start)
    assert events.filter(action="view", object_type="messaging.message", object_id=str(message.pk)).count() == 2
    assert events.filter(action="view", object_type="messaging.attachment").count() == 2


# --- sealed ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["screener", "police", "worker"])
def test_a_sealed_message_is_held_from_every_member_not_in_a_sealed_role(thread, name):
    message = _post(thread, "gp", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    _assert_held(thread, getattr(thread, name), message, "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)


def test_a_sealed_message_is_read_by_the_sealed_role_the_sender_and_the_senders_agency(thread, make_actor):
    message = _post(thread, "gp", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    for actor in (thread.manager, thread.gp, make_actor("researcher", "health-gp")):
        _assert_read(thread, actor, message, SEALED_BODY, SEALED_FILE)


def test_a_sealed_message_from_the_hub_is_held_from_the_screener_who_did_not_send_it(thread, make_actor):
    message = _post(thread, "manager", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    _assert_read(thread, thread.manager, message, SEALED_BODY, SEALED_FILE)
    for name in ("screener", "gp"):
        _assert_held(thread, getattr(thread, name), message, "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    # another MASH screener is not its sender: the sender's own sight is theirs, not their agency's
    _assert_held(thread, make_actor("screener", "mash"), message, "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)


def test_the_partnerships_sealed_roles_decide_who_reads_a_sealed_message(thread):
    from openmash.sharing.models import SharingSettings

    message = _post(thread, "gp", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    SharingSettings.objects.create(sealed_roles=["social_worker"])
    _assert_read(thread, thread.worker, message, SEALED_BODY, SEALED_FILE)
    _assert_held(thread, thread.manager, message, "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)


# --- sensitive -------------------------------------------------------------------------------------------------------


def test_a_sensitive_message_is_held_from_the_other_agencies_asked(thread):
    message = _post(thread, "gp", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    _assert_held(thread, thread.police, message, "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)


@pytest.mark.parametrize("name", ["screener", "manager", "worker", "gp"])
def test_a_sensitive_message_is_read_by_the_hub_the_allocated_worker_and_the_sender(thread, name):
    message = _post(thread, "gp", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    _assert_read(thread, getattr(thread, name), message, SENSITIVE_BODY, SENSITIVE_FILE)


def test_a_sensitive_message_from_the_hub_is_held_from_every_agency_asked(thread):
    message = _post(thread, "screener", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    for name in ("gp", "police"):
        _assert_held(
            thread, getattr(thread, name), message, "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE
        )
    _assert_read(thread, thread.worker, message, SENSITIVE_BODY, SENSITIVE_FILE)


def test_a_standard_message_is_read_by_every_member(thread):
    message = _post(thread, "gp", "standard", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    for name in ("screener", "manager", "police", "worker"):
        _assert_read(thread, getattr(thread, name), message, SENSITIVE_BODY, SENSITIVE_FILE)


# --- writing: the choice, bad values, replies, notices ----------------------------------------------------------------


def test_the_api_takes_the_sensitivity_and_refuses_a_bad_one_with_422(thread):
    url = f"/api/v1/enquiries/{thread.enquiry.pk}/messages"
    bearer = _bearer(thread.gp)
    r = Client().post(url, {"body": "Sealed by the API", "sensitivity": "sealed"}, **bearer)
    assert r.status_code == 201 and r.json()["sensitivity"] == "sealed" and r.json()["shown"] == "full"
    assert Message.objects.get(pk=r.json()["id"]).sensitivity == "sealed"
    before = Message.objects.count()
    for bad in ("secret", "SEALED", "restricted", ""):
        r = Client().post(url, {"body": "Not sent", "sensitivity": bad}, **bearer)
        assert r.status_code == 422, bad
        assert "sensitivity" in json.dumps(r.json()), r.json()
    assert Message.objects.count() == before
    r = Client().post(url, {"body": "No level given"}, **bearer)
    assert r.status_code == 201 and Message.objects.get(pk=r.json()["id"]).sensitivity == "standard"


def test_the_service_refuses_a_bad_sensitivity_under_its_own_key(thread):
    from openmash.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        message_post(actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Not sent", sensitivity="secret")
    assert set(raised.value.errors) == {"sensitivity"}
    assert not Message.objects.filter(enquiry=thread.enquiry).exists()


def test_the_openapi_document_lists_the_levels_as_an_enum(thread):
    spec = Client().get("/api/v1/openapi.json", **_bearer(thread.gp)).json()
    post = spec["paths"]["/api/v1/enquiries/{enquiry_id}/messages"]["post"]
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    text = json.dumps(form) + json.dumps(spec["components"]["schemas"])
    assert '"enum": ["standard", "sensitive", "sealed"]' in text
    out = spec["components"]["schemas"]["MessageOut"]["properties"]
    assert "sensitivity" in out and "shown" in out


def test_the_page_offers_the_three_levels_as_radios_with_a_hint_each_and_shows_errors(thread):
    web = _client(thread.gp)
    url = f"/enquiries/{thread.enquiry.pk}/messages/"
    html = web.get(url).content.decode()
    for value in ("standard", "sensitive", "sealed"):
        assert f'name="sensitivity" type="radio" value="{value}"' in html
    assert html.count("govuk-radios__hint") == 3
    assert "Only MASH managers can read it" in html
    assert 'value="standard" checked' in html
    r = web.post(url, {"body": "Not sent", "sensitivity": "secret"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_sensitivity"' in page
    assert not Message.objects.filter(enquiry=thread.enquiry).exists()
    r = web.post(url, {"body": SEALED_BODY, "sensitivity": "sealed"})
    assert r.status_code == 302
    assert Message.objects.get(enquiry=thread.enquiry).sensitivity == "sealed"
    event = AuditEvent.objects.get(action="create", object_type="messaging.message", actor_user_id=thread.gp.user.pk)
    assert event.detail["sensitivity"] == "sealed" and SEALED_BODY not in json.dumps(event.detail)


def test_a_held_message_cannot_be_answered_and_its_reply_link_is_not_offered(thread):
    message = _post(thread, "gp", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    web = _client(thread.police)
    html = web.get(f"/enquiries/{thread.enquiry.pk}/messages/?reply_to={message.pk}").content.decode()
    assert f"?reply_to={message.pk}#message-form" not in html
    assert 'data-testid="replying"' not in html and str(message.author) not in html
    r = Client().post(
        f"/api/v1/enquiries/{thread.enquiry.pk}/messages",
        {"body": "Answering blind", "reply_to": str(message.pk)},
        **_bearer(thread.police),
    )
    assert r.status_code == 422 and "reply_to" in json.dumps(r.json())


def test_a_reply_starts_at_the_level_of_the_message_it_answers(thread):
    message = _post(thread, "gp", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    html = _client(thread.screener).get(f"/enquiries/{thread.enquiry.pk}/messages/?reply_to={message.pk}")
    assert 'value="sensitive" checked' in html.content.decode()


def test_only_the_members_who_may_read_a_message_are_told_of_it_by_reference_only(thread):
    from openmash.enquiries.models import Notification

    thread.enquiry.assigned_to = thread.screener.user
    thread.enquiry.save(update_fields=["assigned_to"])
    _post(thread, "gp", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert thread.screener.user.pk in told and thread.worker.user.pk in told
    assert thread.police.user.pk not in told
    for note in Notification.objects.all():
        assert thread.enquiry.contact.reference in note.message
        assert SENSITIVE_BODY not in note.message and "sensitive" not in note.message.lower()


# --- the subject access export ----------------------------------------------------------------------------------------


def test_the_subject_access_export_holds_a_sealed_message_as_the_thread_does(thread):
    from openmash.oversight.selectors import subject_access_export
    from tests.support import subject_person

    sealed = _post(thread, "gp", "sealed", SEALED_BODY, SEALED_NAME, SEALED_FILE)
    _post(thread, "gp", "sensitive", SENSITIVE_BODY, SENSITIVE_NAME, SENSITIVE_FILE)
    _name, data = subject_access_export(actor=thread.privacy, person_id=subject_person(thread.enquiry.contact).pk)
    archive = zipfile.ZipFile(io.BytesIO(data))
    raw = archive.read("messages.json").decode()
    rows = json.loads(raw)
    assert [r["sensitivity"] for r in rows] == ["sealed", "sensitive"]
    assert rows[0]["held"] is True and rows[0]["body"] == "" and rows[0]["attachments"] == []
    assert rows[0]["agency"] == sealed.author_agency.name and rows[0]["sent_at"]
    assert SEALED_BODY not in raw and SEALED_NAME not in raw
    assert rows[1]["held"] is False and rows[1]["body"] == SENSITIVE_BODY
    assert rows[1]["attachments"][0]["filename"] == SENSITIVE_NAME
    every = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert SEALED_BODY not in every and SEALED_NAME not in every
    event = AuditEvent.objects.get(action="export", actor_user_id=thread.privacy.user.pk)
    assert event.detail["messages.json"] == 2


def test_messages_sent_before_the_upgrade_are_standard():
    from importlib import import_module

    assert Message._meta.get_field("sensitivity").default == "standard"
    migration = import_module("openmash.messaging.migrations.0002_message_sensitivity").Migration
    [operation] = migration.operations
    assert operation.name == "sensitivity" and operation.field.default == "standard"
