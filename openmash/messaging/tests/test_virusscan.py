"""Virus scanning of attachments through clamd (openmash.messaging.virusscan; ADR 0017 addendum).

clamd itself needs its signature database (a download) to run, so these tests stand up a small server on a real
TCP socket that speaks clamd's INSTREAM protocol as clamd documents it (``zINSTREAM\\0``, then 4-byte big-endian
length-prefixed chunks, a zero-length chunk to end; the answer ``stream: OK`` or ``stream: NAME FOUND``) and
"detects" the EICAR test string, as the real clamd does. The client side is the real clamav-client."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import ValidationFailed
from openmash.messaging.models import Attachment
from openmash.messaging.services import message_post
from openmash.messaging.tests.conftest import pdf_bytes
from openmash.messaging.virusscan import ScannerUnavailable, scan

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Clamd(socketserver.BaseRequestHandler):
    received: list[bytes] = []

    def handle(self):
        sock = self.request
        command = b""
        while not command.endswith((b"\0", b"\n")):
            part = sock.recv(1)
            if not part:
                return
            command += part
        if command.strip(b"\0\n") not in (b"zINSTREAM", b"nINSTREAM"):
            sock.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            size = struct.unpack("!L", self._exact(4))[0]
            if size == 0:
                break
            data += self._exact(size)
        _Clamd.received.append(data)
        end = b"\0" if command.startswith(b"z") else b"\n"  # clamd answers in the command's own delimiter
        if b"ERROR-PLEASE" in data:
            sock.sendall(b"stream: Can't allocate memory ERROR" + end)
        elif EICAR in data:
            sock.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND" + end)
        else:
            sock.sendall(b"stream: OK" + end)

    def _exact(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            part = self.request.recv(n - len(out))
            if not part:
                raise ConnectionError("client went away")
            out += part
        return out


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Clamd)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OPENMASH_CLAMD_URL = f"tcp://127.0.0.1:{server.server_address[1]}"
    settings.OPENMASH_CLAMD_TIMEOUT = 5
    _Clamd.received = []
    yield _Clamd
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_without_a_scanner_attachments_are_accepted_and_say_so(thread, settings):
    settings.OPENMASH_CLAMD_URL = ""
    assert scan(b"anything").state == "not configured"
    message = message_post(
        actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Notes", files=[("notes.pdf", pdf_bytes())]
    )
    attachment = Attachment.objects.get(message=message)
    event = AuditEvent.objects.get(action="create", object_id=str(attachment.pk))
    assert event.detail["virus_scan"] == "not configured"


def test_a_clean_file_is_scanned_whole_then_stored(thread, clamd):
    data = pdf_bytes("Chronology of school attendance")
    message = message_post(actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Notes", files=[("notes.pdf", data)])
    assert clamd.received == [data]  # every byte went to the scanner, in clamav-client's chunks
    attachment = Attachment.objects.get(message=message)
    assert AuditEvent.objects.get(action="create", object_id=str(attachment.pk)).detail["virus_scan"] == "clean"


def test_malware_is_refused_nothing_is_stored_and_the_refusal_is_audited(thread, clamd):
    infected = b"Notes from the visit\n" + EICAR + b"\n"
    before = Attachment.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        message_post(
            actor=thread.gp,
            enquiry_id=thread.enquiry.pk,
            body="Notes",
            files=[("visit.txt", infected), ("notes.pdf", pdf_bytes())],
        )
    assert caught.value.errors["files"] == ["The selected file contains a virus"]
    assert Attachment.objects.count() == before
    event = AuditEvent.objects.get(action="attachment_refused")
    assert event.detail["reason"] == "malware" and event.detail["signature"] == "Win.Test.EICAR_HDB-1"
    assert "visit" not in str(event.detail)  # no file name in the trail


def test_the_page_shows_the_refusal_in_the_error_summary(thread, clamd):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(thread.gp.user)
    page = client.post(
        f"/enquiries/{thread.enquiry.pk}/messages/",
        {"body": "Notes", "file": SimpleUploadedFile("visit.txt", b"x " + EICAR, content_type="text/plain")},
    )
    assert page.status_code == 200
    assert b"govuk-error-summary" in page.content and b"The selected file contains a virus" in page.content
    assert b'href="#id_file"' in page.content
    assert not Attachment.objects.exists()


def test_a_scanner_that_does_not_answer_or_errs_refuses_the_file(thread, settings, clamd):
    with pytest.raises(ValidationFailed) as caught:
        message_post(actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Notes", files=[("a.txt", b"ERROR-PLEASE\n")])
    assert caught.value.errors["files"] == ["The selected file could not be checked for viruses. Try again later"]
    settings.OPENMASH_CLAMD_URL = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    with pytest.raises(ScannerUnavailable):
        scan(b"hello")
    with pytest.raises(ValidationFailed):
        message_post(actor=thread.gp, enquiry_id=thread.enquiry.pk, body="Notes", files=[("a.txt", b"hello\n")])
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="attachment_refused", detail__reason="scanner_unavailable").count() == 2


def test_a_url_that_is_not_tcp_or_unix_is_a_scanner_fault(settings):
    settings.OPENMASH_CLAMD_URL = "http://127.0.0.1:3310"
    with pytest.raises(ScannerUnavailable):
        scan(b"hello")
