"""Reading secure messages (issue 7; ADR 0017). Every read goes through openmash.access.messaging and is audited
through openmash.audit: opening a thread writes a "list" event on the enquiry and a "view" event per message shown;
a download writes a "view" event on the attachment (detail kind "download"). Nothing personal is logged."""

from __future__ import annotations

from dataclasses import dataclass

from openmash.access.messaging import (
    attachment_get_for,
    thread_basis,
    thread_enquiry_get_for,
    thread_member_summary,
)
from openmash.audit.services import audit_batch, audit_record, audit_record_many
from openmash.messaging.models import Attachment, Message
from openmash.messaging.services import attachment_bytes


@dataclass
class Thread:
    """An enquiry's thread as the actor may read it: the enquiry (with its contact), the messages oldest first (each
    with author, agency and attachments loaded), the actor's basis and who reads the thread."""

    enquiry: object
    messages: list
    basis: str
    members: dict


def thread_read(*, actor, enquiry_id) -> Thread:
    """The thread of enquiry `enquiry_id`, audited. Raises NotFound when the actor is not on it."""
    enquiry = thread_enquiry_get_for(actor, enquiry_id)
    basis = thread_basis(actor, enquiry)
    messages = list(
        Message.objects.filter(enquiry=enquiry)
        .select_related("author", "author_agency")
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )
    with audit_batch():
        audit_record(
            actor=actor, action="list", obj=enquiry, detail={"kind": "messages", "basis": basis, "rows": len(messages)}
        )
        if messages:
            audit_record_many(actor=actor, action="view", objects=messages, detail={"basis": basis})
    return Thread(enquiry=enquiry, messages=messages, basis=basis, members=thread_member_summary(enquiry))


def thread_count(*, actor, enquiry) -> int | None:
    """How many messages are on the enquiry's thread, or None when the actor is not on it (for a link on the
    enquiry, request and pack pages: a count, no content, so not audited)."""
    if not thread_basis(actor, enquiry):
        return None
    return Message.objects.filter(enquiry=enquiry).count()


def attachment_download(*, actor, enquiry_id, attachment_id) -> tuple[Attachment, bytes]:
    """The attachment and its decrypted bytes, after the access check (on the thread now) and with its audit event.
    Raises NotFound (not on the thread, not on this thread, no such attachment: one answer)."""
    enquiry = thread_enquiry_get_for(actor, enquiry_id)
    attachment = attachment_get_for(actor, enquiry, attachment_id)
    data = attachment_bytes(attachment)
    audit_record(
        actor=actor,
        action="view",
        obj=attachment,
        detail={"kind": "download", "basis": thread_basis(actor, enquiry), "size": attachment.size},
    )
    return attachment, data


__all__ = ["Thread", "attachment_download", "thread_count", "thread_read"]
