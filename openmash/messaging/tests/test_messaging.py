"""Secure messaging between the practitioners on a MASH enquiry (issue 7; ADR 0017): who may list, post and
download (every role, allowed and denied, with the audit trail's events), involvement ended means access ended,
the pages (GOV.UK form, error summary, no JavaScript needed), the API, the download's headers, encryption at rest
(the raw columns hold no plaintext) and key rotation of attachments."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.messaging.models import Attachment, AttachmentContent, Message
from openmash.messaging.services import message_post
from openmash.messaging.tests.conftest import docm_bytes, pdf_bytes, png_bytes

BODY = "Canary message: the family moved to the coast"
FILE_TEXT = b"Canary attachment: school attendance 61 percent\n"

MEMBERS = ("screener", "manager", "gp", "police", "worker")
OUTSIDERS = ("referrer", "school", "other_worker", "admin", "auditor", "privacy")


def _who(thread, name):
    return getattr(thread, name)


def _post(thread, name="gp", body=BODY, files=(("attendance.txt", FILE_TEXT),)):
    return message_post(actor=_who(thread, name), enquiry_id=thread.enquiry.pk, body=body, files=list(files))


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _events(actor, **kw):
    return AuditEvent.objects.filter(actor_user_id=actor.user.pk, **kw)


# --- who: every role, list / post / download, with the audit trail ---------------------------------------------------


@pytest.mark.parametrize("name", MEMBERS)
def test_members_list_post_and_download_and_each_is_audited(thread, name):
    actor = _who(thread, name)
    message = _post(thread, "screener" if name == "gp" else "gp")
    attachment = message.attachments.get()
    web = _client(actor)
    enquiry = thread.enquiry.pk

    page = web.get(f"/enquiries/{enquiry}/messages/")
    assert page.status_code == 200 and BODY in page.content.decode()
    assert _events(actor, action="list", object_type="enquiries.enquiry", object_id=str(enquiry)).exists()
    assert _events(actor, action="view", object_type="messaging.message", object_id=str(message.pk)).exists()

    api = Client().get(f"/api/v1/enquiries/{enquiry}/messages", **_bearer(actor))
    assert api.status_code == 200 and api.json()["messages"][0]["body"] == BODY

    r = web.post(f"/enquiries/{enquiry}/messages/", {"body": f"Reply from {name}", "reply_to": str(message.pk)})
    assert r.status_code == 302
    mine = Message.objects.get(author=actor.user)
    assert mine.reply_to_id == message.pk and mine.author_agency_id == actor.agency_id
    assert _events(actor, action="create", object_type="messaging.message", object_id=str(mine.pk)).exists()

    download = web.get(f"/enquiries/{enquiry}/messages/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content == FILE_TEXT
    event = _events(actor, action="view", object_type="messaging.attachment", object_id=str(attachment.pk)).get()
    assert event.detail["kind"] == "download"


@pytest.mark.parametrize("name", OUTSIDERS)
def test_everyone_else_gets_not_found_for_list_post_and_download_and_each_denial_is_audited(thread, name):
    actor = _who(thread, name)
    message = _post(thread)
    attachment = message.attachments.get()
    enquiry = thread.enquiry.pk
    web, bearer = _client(actor), _bearer(actor)
    before = Message.objects.count()
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    answers = [
        web.get(f"/enquiries/{enquiry}/messages/"),
        web.post(f"/enquiries/{enquiry}/messages/", {"body": "Let me in"}),
        web.get(f"/enquiries/{enquiry}/messages/attachments/{attachment.pk}/"),
        Client().get(f"/api/v1/enquiries/{enquiry}/messages", **bearer),
        Client().post(f"/api/v1/enquiries/{enquiry}/messages", {"body": "Let me in"}, **bearer),
        Client().get(f"/api/v1/enquiries/{enquiry}/attachments/{attachment.pk}", **bearer),
    ]
    assert [r.status_code for r in answers] == [404] * 6
    for r in answers:
        assert BODY.encode() not in r.content and FILE_TEXT not in r.content
    assert Message.objects.count() == before
    assert not _events(actor, id__gt=start).exclude(action__in=("deny", "login")).exists()
    denied = _events(actor, action="deny", id__gt=start)
    assert denied.filter(object_type="enquiries.enquiry", object_id=str(enquiry)).count() == 6
    assert denied.filter(object_type="messaging.attachment", object_id=str(attachment.pk)).count() == 2
    # the same answer as for an enquiry that does not exist (forbidden looks missing)
    import uuid

    missing = Client().get(f"/api/v1/enquiries/{uuid.uuid4()}/messages", **bearer)
    assert (missing.status_code, missing.json()) == (404, answers[3].json())


def test_an_attachment_is_only_reached_through_its_own_thread(thread, make_actor):
    from tests.support import enquiry_open

    attachment = _post(thread).attachments.get()
    other = enquiry_open(referrer=thread.referrer, screener=thread.screener)
    r = _client(thread.screener).get(f"/enquiries/{other.pk}/messages/attachments/{attachment.pk}/")
    assert r.status_code == 404


def test_involvement_ended_means_access_ended_on_the_next_request(thread):
    from tests.support import respond

    _post(thread)
    worker, police = _client(thread.worker), _client(thread.police)
    url = f"/enquiries/{thread.enquiry.pk}/messages/"
    assert worker.get(url).status_code == 200 and police.get(url).status_code == 200
    thread.allocation.closed_at = timezone.now()
    thread.allocation.save()
    assert worker.get(url).status_code == 404
    response = respond(thread.police, thread.police_request)
    assert police.get(url).status_code == 200  # answered: still in the partnership's window
    type(response).objects.filter(pk=response.pk).update(responded_at=timezone.now() - timezone.timedelta(days=365))
    assert police.get(url).status_code == 404


# --- posting: validation, attachments by content, transactions --------------------------------------------------------


def test_the_page_shows_the_error_summary_for_an_empty_message_and_a_bad_file_and_sends_nothing(thread):
    from django.core.files.uploadedfile import SimpleUploadedFile

    web, url = _client(thread.gp), f"/enquiries/{thread.enquiry.pk}/messages/"
    empty = web.post(url, {"body": "   "})
    assert empty.status_code == 200
    text = empty.content.decode()
    assert "govuk-error-summary" in text and "Enter a message" in text and 'href="#id_body"' in text
    bad = web.post(url, {"body": "See attached", "file": SimpleUploadedFile("report.pdf", png_bytes())})
    text = bad.content.decode()
    assert "called .pdf but is a PNG image" in text and 'href="#id_file"' in text
    assert "govuk-file-upload" in text and 'enctype="multipart/form-data"' in text
    macro = web.post(url, {"body": "See attached", "file": SimpleUploadedFile("report.docx", docm_bytes())})
    assert "macros" in macro.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_without_being_read(thread, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.OPENMASH_ATTACHMENT_MAX_BYTES = 100
    r = _client(thread.gp).post(
        f"/enquiries/{thread.enquiry.pk}/messages/", {"body": "Big", "file": SimpleUploadedFile("big.txt", b"x" * 101)}
    )
    assert "smaller than 1 KB" in r.content.decode() and not Message.objects.exists()


def test_the_api_posts_a_message_with_a_real_pdf_and_refuses_bad_input_with_reasons(thread):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bearer, url = _bearer(thread.police), f"/api/v1/enquiries/{thread.enquiry.pk}/messages"
    pdf = pdf_bytes()
    r = Client().post(url, {"body": "Minutes attached", "files": [SimpleUploadedFile("minutes.pdf", pdf)]}, **bearer)
    assert r.status_code == 201, r.content
    out = r.json()
    (a,) = out["attachments"]
    assert (a["content_type"], a["size"], a["sha256"]) == ("application/pdf", len(pdf), hashlib.sha256(pdf).hexdigest())
    assert out["author_agency_code"] == "police" and out["author_role"] == "researcher"
    got = Client().get(a["download"], **bearer)
    assert got.status_code == 200 and got.content == pdf
    bad = Client().post(
        url, {"body": "", "files": [SimpleUploadedFile("notes.txt", b"<html><script>x</script></html>")]}, **bearer
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert errors["body"] == ["Enter a message"] and "web page (HTML)" in errors["files"][0]
    assert Message.objects.count() == 1


def test_a_failure_part_way_leaves_nothing_behind(thread, monkeypatch):
    from openmash.messaging import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "_notify", broken)
    with pytest.raises(RuntimeError):
        _post(thread)
    assert not Message.objects.exists() and not Attachment.objects.exists() and not AttachmentContent.objects.exists()
    assert not AuditEvent.objects.filter(object_type__startswith="messaging.").exists()


def test_a_reply_must_be_to_a_message_on_the_same_thread(thread):
    from openmash.core.exceptions import ValidationFailed
    from tests.support import enquiry_open

    other = enquiry_open(referrer=thread.referrer, screener=thread.screener)
    elsewhere = message_post(actor=thread.screener, enquiry_id=other.pk, body="Elsewhere")
    with pytest.raises(ValidationFailed) as failed:
        message_post(actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Reply", reply_to_id=elsewhere.pk)
    assert "reply_to" in failed.value.errors


# --- the download ---------------------------------------------------------------------------------------------------


def test_the_download_is_an_attachment_with_nosniff_the_detected_type_and_a_safe_name(thread):
    message = _post(thread, files=[('Zoë "report"\r\n.txt', FILE_TEXT), ("scan.png", png_bytes())])
    text, image = message.attachments.order_by("created_at", "id")
    web = _client(thread.manager)
    r = web.get(f"/enquiries/{thread.enquiry.pk}/messages/attachments/{text.pk}/")
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"] == "attachment; filename=\"Zoe report.txt\"; filename*=UTF-8''Zo%C3%AB%20report.txt"
    assert "sandbox" in r["Content-Security-Policy"] and "no-store" in r["Cache-Control"]
    r = web.get(f"/enquiries/{thread.enquiry.pk}/messages/attachments/{image.pk}/")
    assert r["Content-Type"] == "image/png" and r["Content-Disposition"] == 'attachment; filename="scan.png"'


# --- notifications -------------------------------------------------------------------------------------------------


def test_the_other_members_are_told_in_app_with_no_personal_data(thread):
    from openmash.enquiries.models import Notification

    thread.enquiry.assigned_to = thread.manager.user
    thread.enquiry.save(update_fields=["assigned_to"])
    _post(thread, "gp")
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert thread.manager.user.pk in told and thread.police.user.pk in told and thread.worker.user.pk in told
    assert thread.gp.user.pk not in told  # not the author
    assert not told & {thread.referrer.user.pk, thread.school.user.pk, thread.other_worker.user.pk}
    for n in Notification.objects.all():
        assert "Canary" not in n.message and "Threadchild" not in n.message and "attendance" not in n.message
        assert thread.enquiry.contact.reference in n.message


# --- encryption at rest and key rotation ---------------------------------------------------------------------------


def _raw(table, column, pk):
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn(column)} FROM {qn(table)} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk]
        )
        return cursor.fetchone()[0]


def test_the_database_rows_hold_no_plaintext(thread):
    message = _post(thread, files=[("Threadchild-attendance.txt", FILE_TEXT)])
    attachment = message.attachments.get()
    body = _raw("messaging_message", "body", message.pk)
    assert body.startswith("v1:") and "Canary" not in body
    name = _raw("messaging_attachment", "filename", attachment.pk)
    assert name.startswith("v1:") and "Threadchild" not in name
    digest = _raw("messaging_attachment", "sha256", attachment.pk)
    assert digest.startswith("v1:") and hashlib.sha256(FILE_TEXT).hexdigest() not in digest
    blob = bytes(_raw("messaging_attachmentcontent", "data", attachment.pk))
    assert blob.startswith(b"OMB1") and b"Canary" not in blob and FILE_TEXT not in blob
    # moved to another row, the blob does not decrypt
    from openmash.core import crypto

    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_bytes(blob, table="messaging_attachmentcontent", column="data", pk=message.pk)


@pytest.fixture
def key_file(tmp_path, settings):
    from openmash.core import keys

    path = tmp_path / "keys.json"
    data = keys.key_file_data_new()
    data["field_keys"] = {"1": settings.OPENMASH_FIELD_KEYS.split(":", 1)[1]}
    keys.key_file_write(path, data)
    settings.OPENMASH_KEY_FILE = str(path)
    keys.keyring_reset()
    yield path
    keys.keyring_reset()


def test_keys_rotate_re_encrypts_attachments_and_retiring_the_old_key_keeps_them_readable(thread, key_file, capsys):
    from django.core.management import call_command

    from openmash.core.encryption import key_version_counts, rows_to_reencrypt

    message = _post(thread, files=[("a.txt", FILE_TEXT), ("b.png", png_bytes())])
    ids = list(message.attachments.values_list("pk", flat=True))
    old = {pk: bytes(_raw("messaging_attachmentcontent", "data", pk)) for pk in ids}
    assert key_version_counts()[("messaging_attachmentcontent", "data")] == {1: 2}

    call_command("keys", "rotate", "--no-progress")
    assert not any(rows_to_reencrypt().values())
    counts = key_version_counts()
    assert counts[("messaging_attachmentcontent", "data")] == {2: 2}
    assert counts[("messaging_message", "body")] == {2: 1} and counts[("messaging_attachment", "filename")] == {2: 2}
    for pk in ids:
        new = bytes(_raw("messaging_attachmentcontent", "data", pk))
        assert new != old[pk] and new[4:8] == b"\x00\x00\x00\x02"
        assert AttachmentContent.objects.get(pk=pk).key_version == 2

    call_command("keys", "retire", "1")
    r = _client(thread.screener).get(f"/enquiries/{thread.enquiry.pk}/messages/attachments/{ids[0]}/")
    assert r.status_code == 200 and r.content in (FILE_TEXT, png_bytes())
    assert Message.objects.get(pk=message.pk).body == BODY


# --- the pages around it -------------------------------------------------------------------------------------------


def test_the_enquiry_request_and_pack_pages_link_to_the_thread_for_its_members_only(thread):
    _post(thread)
    link = f'href="/enquiries/{thread.enquiry.pk}/messages/"'
    assert link in _client(thread.screener).get(f"/enquiries/{thread.enquiry.pk}/").content.decode()
    assert link in _client(thread.gp).get(f"/requests/{thread.gp_request.pk}/").content.decode()
    contact_page = _client(thread.referrer).get(f"/contacts/{thread.enquiry.contact_id}/").content.decode()
    assert link not in contact_page and "Secure messages" not in contact_page


def test_the_thread_page_names_who_reads_it(thread):
    text = _client(thread.worker).get(f"/enquiries/{thread.enquiry.pk}/messages/").content.decode()
    assert "Riverside GP Practice" in text and "County Police" in text and "allocated social worker" in text
    assert "School" not in text.split('data-testid="thread-members"')[1].split("</div>")[0]


def test_the_openapi_document_describes_the_three_operations(thread):
    schema = _client(thread.screener).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/enquiries/{enquiry_id}/messages"]) == {"get", "post"}
    assert "multipart/form-data" in paths["/api/v1/enquiries/{enquiry_id}/messages"]["post"]["requestBody"]["content"]
    assert "get" in paths["/api/v1/enquiries/{enquiry_id}/attachments/{attachment_id}"]


# --- paging: GOV.UK pagination with the true total, across a page boundary ------------------------------------------


def _fill(thread, n: int) -> list:
    """n messages, alternately from the GP and the screener, bodies numbered in the order sent."""
    return [
        _post(thread, name=("gp", "screener")[i % 2], body=f"Paging message number {i:03d}", files=()) for i in range(n)
    ]


def test_the_thread_pages_opens_on_the_newest_messages_and_states_the_true_total(thread):
    """27 messages at 25 a page: the page opens on page 2 (the last two, oldest first), says 27 in all and links
    to page 1 with the GOV.UK pagination component; page 1 holds the first 25; the audit trail's list events name
    the rows shown and the total, and a view event is written only for the messages shown."""
    sent = _fill(thread, 27)
    client = _client(thread.police)
    url = f"/enquiries/{thread.enquiry.pk}/messages/"
    last = client.get(url).content.decode()
    assert "27 messages, oldest first: showing 26 to 27" in last
    assert 'class="govuk-pagination"' in last and 'href="?page=1"' in last
    assert last.count('data-testid="message"') == 2
    assert "Paging message number 025" in last and "Paging message number 026" in last
    assert "Paging message number 024" not in last
    first = client.get(url + "?page=1").content.decode()
    assert first.count('data-testid="message"') == 25
    assert "Paging message number 000" in first and "Paging message number 024" in first
    assert "Paging message number 025" not in first
    assert first.index("number 000") < first.index("number 024")  # oldest first within the page
    lists = list(
        _events(thread.police, action="list", object_type="enquiries.enquiry")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert [(d["rows"], d["total"]) for d in lists[-2:]] == [(2, 27), (25, 27)]
    viewed = set(
        _events(thread.police, action="view", object_type="messaging.message").values_list("object_id", flat=True)
    )
    assert viewed == {str(m.pk) for m in sent}  # 2 + 25, each once, across the two pages


def test_the_api_pages_the_thread_oldest_first_with_the_true_total(thread):
    """GET .../messages?page=2&page_size=10 over 23 messages: the 11th to 20th, count 23, 3 pages; a page past the
    last is empty and still says 23; page 1 is the default."""
    sent = _fill(thread, 23)
    client, headers = Client(), _bearer(thread.worker)
    url = f"/api/v1/enquiries/{thread.enquiry.pk}/messages"
    body = client.get(url + "?page=2&page_size=10", **headers).json()
    assert (body["count"], body["page"], body["page_size"], body["num_pages"]) == (23, 2, 10, 3)
    assert [m["id"] for m in body["messages"]] == [str(m.pk) for m in sent[10:20]]
    past = client.get(url + "?page=9&page_size=10", **headers).json()
    assert past["messages"] == [] and past["count"] == 23
    default = client.get(url, **headers).json()
    assert default["page"] == 1 and [m["id"] for m in default["messages"]] == [str(m.pk) for m in sent[:25]]


def test_a_reply_to_a_message_on_another_page_links_to_that_page_and_the_reply_form_names_it(thread):
    """A reply on the last page to the first message links to page 1 at that message; asking to reply to a message
    that is not on the page shown still names its author on the form."""
    sent = _fill(thread, 26)
    reply = message_post(
        actor=thread.manager, enquiry_id=thread.enquiry.pk, body="Answering the first", files=[], reply_to_id=sent[0].pk
    )
    client = _client(thread.screener)
    page = client.get(f"/enquiries/{thread.enquiry.pk}/messages/").content.decode()
    assert f'href="?page=1#message-{sent[0].pk}"' in page
    assert f'id="message-{reply.pk}"' in page
    form = client.get(f"/enquiries/{thread.enquiry.pk}/messages/?reply_to={sent[0].pk}").content.decode()
    assert 'data-testid="replying"' in form and str(sent[0].sent_at.year) in form
