"""Writing secure messages (issue 7; ADR 0017): one transaction per message, its attachments and their encrypted
content, the audit events and the in-app notices to the thread's members, all or nothing (ASVS 5.0 2.3.3).

Who may post is decided by openmash.access.messaging (a member of the enquiry's thread now); what may be attached by
messaging.filecheck (by content). Errors: NotFound (not on the thread, or no such enquiry: the same answer),
ValidationFailed with errors under "body", "files", "reply_to" and "sensitivity"."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openmash.access.messaging import (
    MESSAGE_SENSITIVITIES,
    message_readable,
    message_recipients,
    thread_basis,
    thread_enquiry_get_for,
)
from openmash.audit.services import audit_batch, audit_record
from openmash.core import crypto
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.core.text import CONTROL_MESSAGE, TextRefused, clean_text
from openmash.messaging import virusscan
from openmash.messaging.filecheck import FileRefused, file_check, max_bytes, size_words
from openmash.messaging.models import Attachment, AttachmentContent, Message

#: Most attachments on one message.
MAX_FILES = 5
#: Longest message, in characters.
MAX_BODY = 10_000


def _blob_place(pk) -> dict:
    return {
        "table": AttachmentContent._meta.db_table,
        "column": AttachmentContent._meta.get_field("data").column,
        "pk": pk,
    }


def attachment_bytes(attachment: Attachment) -> bytes:
    """The decrypted content of `attachment`, checked against its SHA-256. No access check, no audit: callers are
    selectors.attachment_download (which does both). Raises crypto.DecryptionFailed when the blob does not decrypt
    for its row or its hash differs."""
    row = AttachmentContent.objects.get(attachment=attachment)
    data = crypto.decrypt_bytes(row.data, **_blob_place(row.pk))
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise crypto.DecryptionFailed("messaging_attachmentcontent.data: the content does not match its SHA-256")
    return data


def _read(item) -> tuple[str, bytes | None]:
    """(name, bytes) of an upload: a (name, bytes) pair as it is, or a Django UploadedFile read whole when it is
    within the size limit (None for its bytes when it is larger: never read into memory)."""
    if isinstance(item, tuple):
        return item
    if item.size is not None and item.size > max_bytes():
        return item.name or "", None
    return item.name or "", item.read(max_bytes() + 1)


def _body_clean(body, errors: dict) -> str:
    """The message text cleaned (core.text.clean_text, multi-line), or "" with an error under "body"."""
    try:
        text = clean_text(body, multiline=True)
    except TextRefused:
        errors["body"] = [CONTROL_MESSAGE]
        return ""
    if not text:
        errors["body"] = ["Enter a message"]
    elif len(text) > MAX_BODY:
        errors["body"] = [f"Message must be {MAX_BODY:,} characters or fewer"]
    return text


def _virus_check(found, data: bytes, *, actor, enquiry) -> str:
    """Scan an attachment that passed the content checks (messaging.virusscan). Out: the scan state for its audit
    event ("clean" or "not configured"). Raises FileRefused when the scanner finds malware (audited
    `attachment_refused` with the signature's name) or cannot complete the scan (fail closed)."""
    try:
        outcome = virusscan.scan(data)
    except virusscan.ScannerUnavailable:
        audit_record(
            actor=actor,
            action="attachment_refused",
            obj=enquiry,
            detail={"reason": "scanner_unavailable", "content_type": found.content_type, "size": found.size},
        )
        raise FileRefused("The selected file could not be checked for viruses. Try again later") from None
    if outcome.found:
        audit_record(
            actor=actor,
            action="attachment_refused",
            obj=enquiry,
            detail={"reason": "malware", "signature": outcome.signature, "content_type": found.content_type},
        )
        raise FileRefused("The selected file contains a virus")
    return outcome.state


def _files_check(files: list, errors: dict, *, actor=None, enquiry=None) -> list:
    """[(filecheck.Checked, bytes, virus scan state)] of the accepted files; each refusal's reason under "files"."""
    if len(files) > MAX_FILES:
        errors["files"] = [f"Attach at most {MAX_FILES} files to one message"]
        return []
    checked = []
    for item in files:
        name, data = _read(item)
        try:
            if data is None:
                raise FileRefused(f"The selected file must be smaller than {size_words(max_bytes())}")
            found = file_check(name, data)
            checked.append((found, data, _virus_check(found, data, actor=actor, enquiry=enquiry)))
        except FileRefused as exc:
            errors.setdefault("files", []).append(exc.message)
    return checked


#: The error for a sensitivity that is not one of MESSAGE_SENSITIVITIES.
SENSITIVITY_MESSAGE = "Select how sensitive the message is: standard, sensitive or sealed"


def message_post(
    *, actor, enquiry_id, body: str, files=(), reply_to_id=None, sensitivity: str = "standard", via: str = "page"
) -> Message:
    """Post a message on the enquiry's thread. In: the actor; the enquiry id; the body (text, required, at most
    MAX_BODY characters); files: (name, bytes) pairs, at most MAX_FILES, each accepted by filecheck.file_check;
    reply_to_id: a message on the same thread that the actor reads whole (a held one answers as not on the thread),
    or None; sensitivity: "standard" (default), "sensitive" or "sealed" (the sender's choice, ADR 0017 addendum;
    who reads each is access.messaging.message_audience), anything else an error under "sensitivity"; via: "page"
    or "api" (for the audit). Out: the Message. Writes the message, each attachment and its encrypted content, one
    audit "create" event each (the level in the message's detail), and a notification to every other member of the
    thread who reads it whole (access.messaging.message_recipients), in one transaction."""
    enquiry = thread_enquiry_get_for(actor, enquiry_id)
    basis = thread_basis(actor, enquiry)
    errors: dict[str, list[str]] = {}
    text = _body_clean(body, errors)
    if sensitivity not in MESSAGE_SENSITIVITIES:
        errors["sensitivity"] = [SENSITIVITY_MESSAGE]
    checked = _files_check(list(files or ()), errors, actor=actor, enquiry=enquiry)
    reply_to = None
    if reply_to_id:
        try:
            reply_to = Message.objects.filter(pk=reply_to_id, enquiry=enquiry).first()
        except (ValueError, TypeError, ValidationError):
            reply_to = None
        if reply_to is None or not message_readable(actor, reply_to, basis=basis):
            reply_to = None
            errors["reply_to"] = ["The message you are replying to is not on this thread"]
    if errors:
        raise ValidationFailed("The message was not sent", errors=errors)
    with transaction.atomic(), audit_batch():
        message = Message.objects.create(
            enquiry=enquiry,
            author=actor.user,
            author_agency_id=actor.agency_id,
            author_role=actor.role,
            sent_at=timezone.now(),
            body=text,
            reply_to=reply_to,
            sensitivity=sensitivity,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=message,
            detail={
                "basis": basis,
                "attachments": len(checked),
                "via": via,
                "reply": reply_to is not None,
                "sensitivity": sensitivity,
            },
        )
        for found, data, scanned in checked:
            attachment = Attachment.objects.create(
                message=message,
                filename=found.filename,
                content_type=found.content_type,
                size=found.size,
                sha256=found.sha256,
            )
            version, blob = crypto.encrypt_bytes(data, **_blob_place(attachment.pk))
            AttachmentContent.objects.create(id=attachment.pk, attachment=attachment, key_version=version, data=blob)
            audit_record(
                actor=actor,
                action="create",
                obj=attachment,
                detail={
                    "content_type": found.content_type,
                    "size": found.size,
                    "via": via,
                    "virus_scan": scanned,
                    "sensitivity": sensitivity,
                },
            )
        _notify(enquiry, message, actor)
    return message


def _notify(enquiry, message, actor) -> int:
    """An in-app notice to each other member of the thread who reads the message whole (message_recipients): the
    contact's reference and what happened, never the message, its sensitivity or a name (no personal data in
    notices). Returns how many were sent."""
    from openmash.enquiries.services import notification_send

    reference = enquiry.contact.reference
    users = {m.user for m in message_recipients(enquiry, message) if m.user_id != actor.user.pk}
    for user in sorted(users, key=lambda u: u.pk):
        notification_send(
            user=user,
            contact=enquiry.contact,
            message=f"New secure message on {reference} from {actor.agency.name}. Open the messages to read it.",
        )
    return len(users)


__all__ = ["MAX_BODY", "MAX_FILES", "SENSITIVITY_MESSAGE", "attachment_bytes", "message_post", "NotFound"]
