"""Reading secure messages (issue 7; ADR 0017). Every read goes through openmash.access.messaging and is audited
through openmash.audit: opening a thread writes a "list" event on the enquiry and a "view" event per message shown;
a download writes a "view" event on the attachment (detail kind "download"). Nothing personal is logged."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from openmash.access.messaging import (
    attachment_get_for,
    message_shown,
    thread_basis,
    thread_enquiry_get_for,
    thread_member_summary,
)
from openmash.access.sharing import sealed_roles
from openmash.audit.services import audit_batch, audit_record, audit_record_many
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from openmash.messaging.models import Attachment, Message
from openmash.messaging.services import attachment_bytes

#: Asking for this page number with clamp=True shows the last page (the newest messages), what the page opens on.
LAST_PAGE = 1_000_000


@dataclass
class Thread:
    """An enquiry's thread as the actor may read it: the enquiry (with its contact), one page of the messages
    oldest first (each with author, agency and attachments loaded; `page` is the core.pagination.Page with the true
    total), the actor's basis, who reads the thread, and `reply_pages`: for a message on this page that answers one
    on another page, {that message's id: its page number} (so "in reply to" links to the right page). `shown`: the
    page's messages as access.messaging.message_shown renders them for the actor (the same order; a message held
    from the actor by its sensitivity has shown "held" and no text, author or attachments): what the page and the
    API render."""

    enquiry: object
    messages: list
    basis: str
    members: dict
    page: Page | None = None
    reply_pages: dict | None = None
    shown: list | None = None


def _thread_qs(enquiry):
    return Message.objects.filter(enquiry=enquiry).order_by("sent_at", "id")


def thread_read(*, actor, enquiry_id, page=LAST_PAGE, page_size: int = DEFAULT_PAGE_SIZE, clamp: bool = True) -> Thread:
    """One page of the thread of enquiry `enquiry_id`, oldest first, with the true total, audited (a "list" event
    with the page's row count, how many of them are held from the actor by their sensitivity and the total, and a
    "view" event per message shown whole: only the messages on the page were read, and a held message's text was
    not). `page`: 1-based; the default (LAST_PAGE, clamped) is the last page, the newest messages, which the
    page opens on; with clamp=False (the API) a page past the last is empty. Raises NotFound when the actor is not
    on the thread."""
    enquiry = thread_enquiry_get_for(actor, enquiry_id)
    basis = thread_basis(actor, enquiry)
    found = paginate(
        _thread_qs(enquiry).select_related("author", "author_agency").prefetch_related("attachments"),
        page=page,
        page_size=page_size,
        clamp=clamp,
    )
    messages = found.items
    roles = sealed_roles()
    shown = [message_shown(actor, m, basis=basis, roles=roles) for m in messages]
    read = [m for m, out in zip(messages, shown, strict=True) if out and out["shown"] == "full"]
    held = sum(1 for out in shown if out and out["shown"] == "held")
    with audit_batch():
        audit_record(
            actor=actor,
            action="list",
            obj=enquiry,
            detail={"kind": "messages", "basis": basis, "rows": len(messages), "held": held, "total": found.count},
        )
        if read:
            audit_record_many(actor=actor, action="view", objects=read, detail={"basis": basis})
    on_page = {m.pk for m in messages}
    elsewhere = {m.reply_to_id for m in messages if m.reply_to_id and m.reply_to_id not in on_page}
    reply_pages = {}
    if elsewhere:  # one query of the thread's ids, only when a reply's message is on another page
        order = list(_thread_qs(enquiry).values_list("id", flat=True))
        reply_pages = {i: order.index(i) // found.page_size + 1 for i in elsewhere if i in order}
    return Thread(
        enquiry=enquiry,
        messages=messages,
        basis=basis,
        members=thread_member_summary(enquiry),
        page=found,
        reply_pages=reply_pages,
        shown=[out for out in shown if out is not None],
    )


def thread_message(*, actor, thread: Thread, message_id) -> dict | None:
    """A message of the thread `thread` (already read by the actor: thread_read did the access check) by id, for the
    "Replying to" line, as access.messaging.message_shown renders it; None when it is not on this thread or is held
    from the actor by its sensitivity (a held message cannot be answered: the service refuses it too). Not audited
    again: the line shows only its author and time, which the reply's own page shows."""
    if not message_id:
        return None
    found = next((m for m in thread.messages if str(m.pk) == str(message_id)), None)
    if found is None:
        try:
            found = (
                _thread_qs(thread.enquiry)
                .select_related("author", "author_agency")
                .prefetch_related("attachments")
                .filter(pk=message_id)
                .first()
            )
        except (ValueError, TypeError, ValidationError):
            return None
    if found is None:
        return None
    out = message_shown(actor, found, basis=thread.basis)
    return out if out and out["shown"] == "full" else None


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


def messages_for_subject_access(*, actor, contact_ids) -> list[dict]:
    """The secure messages on the enquiries of these contacts, for the privacy officer's subject access export
    (oversight.selectors.subject_access_export, which checks the permission and audits the export): one dict per
    message, oldest first, rendered by access.messaging.message_shown with basis "subject_access" (standard and
    sensitive whole, as the export's answers and chronology are; a sealed one held unless the officer's role is a
    sealed role: the same rule as the thread page and the API), with the contact's reference and times in
    Europe/London. Attachments: name, content type and size (the bytes are downloaded from the thread)."""
    from django.utils import timezone

    roles = sealed_roles()
    qs = (
        Message.objects.filter(enquiry__contact_id__in=list(contact_ids))
        .select_related("author", "author_agency", "enquiry__contact")
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )
    out = []
    for m in qs:
        shown = message_shown(actor, m, basis="subject_access", roles=roles)
        if shown is None:
            continue
        out.append(
            {
                "contact": m.enquiry.contact.reference,
                "shown": shown["shown"],
                "held": shown["shown"] == "held",
                "sensitivity": shown["sensitivity"],
                "sent_at": timezone.localtime(shown["sent_at"]).isoformat(timespec="seconds"),
                "agency": shown["author_agency_name"],
                "author_role": shown["author_role"],
                "body": shown["body"],
                "attachments": [
                    {"filename": a["filename"], "content_type": a["content_type"], "size": a["size"]}
                    for a in shown["attachments"]
                ],
            }
        )
    return out


__all__ = [
    "messages_for_subject_access",
    "LAST_PAGE",
    "Thread",
    "attachment_download",
    "thread_count",
    "thread_message",
    "thread_read",
]
