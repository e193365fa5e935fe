"""Secure messages on a MASH enquiry (issue 7; ADR 0017): read the thread, post a message with attachments
(multipart/form-data), download an attachment. Who may: the members of the enquiry's thread
(openmash.access.messaging); everyone else gets 404, exactly as for an enquiry that does not exist."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from openmash.core.api_paging import PageQuery
from openmash.messaging import selectors, services
from openmash.messaging.download import attachment_response

router = Router(tags=["messaging"])


class AttachmentOut(Schema):
    """An attachment: its original name (made safe), the content type detected from its bytes, size in bytes,
    SHA-256 (hex) of the content, and where to download it."""

    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    download: str


class MessageOut(Schema):
    """A message on the thread. author: the author's display name; author_agency_code and author_role: as which
    agency and role they wrote it; sent_at: aware, UTC; reply_to: the message it answers, or null."""

    id: UUID
    author: str
    author_agency_code: str
    author_agency_name: str
    author_role: str
    sent_at: dt.datetime
    body: str
    reply_to: UUID | None
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    """One page of an enquiry's secure messages, oldest first, and who reads them: the hub, the agencies whose
    information request is still live (names), whether an allocated worker does. `count` is the true total over all
    pages, `num_pages` at least 1; a page past the last is empty (core.api_paging)."""

    enquiry_id: UUID
    reference: str
    agencies: list[str]
    allocated_worker: bool
    count: int
    page: int
    page_size: int
    num_pages: int
    messages: list[MessageOut]


def message_out(message, enquiry_id) -> dict:
    return {
        "id": message.pk,
        "author": str(message.author),
        "author_agency_code": message.author_agency.code,
        "author_agency_name": message.author_agency.name,
        "author_role": message.author_role,
        "sent_at": message.sent_at,
        "body": message.body,
        "reply_to": message.reply_to_id,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "download": f"/api/v1/enquiries/{enquiry_id}/attachments/{a.pk}",
            }
            for a in message.attachments.all()
        ],
    }


def thread_out(thread) -> dict:
    return {
        "enquiry_id": thread.enquiry.pk,
        "reference": thread.enquiry.contact.reference,
        "agencies": thread.members["agencies"],
        "allocated_worker": thread.members["allocated_worker"],
        "count": thread.page.count,
        "page": thread.page.number,
        "page_size": thread.page.page_size,
        "num_pages": thread.page.num_pages,
        "messages": [message_out(m, thread.enquiry.pk) for m in thread.messages],
    }


@router.get(
    "/enquiries/{enquiry_id}/messages",
    response=ThreadOut,
    summary="The enquiry's secure messages, oldest first, paged with the true total (the hub, the agencies asked "
    "while their request is live, the allocated worker); 404 for anyone else",
)
def messages_list(request, enquiry_id: UUID, q: Query[PageQuery]):
    return thread_out(
        selectors.thread_read(
            actor=request.actor, enquiry_id=enquiry_id, page=q.page, page_size=q.page_size, clamp=False
        )
    )


@router.post(
    "/enquiries/{enquiry_id}/messages",
    response={201: MessageOut},
    summary="Post a secure message (multipart/form-data: body, optional reply_to, up to 5 files of at most "
    "OPENMASH_ATTACHMENT_MAX_BYTES each: PDF, PNG, JPEG, DOCX, XLSX or UTF-8 text, checked by content)",
)
def message_create(
    request,
    enquiry_id: UUID,
    body: Form[str],
    reply_to: Form[UUID | None] = None,
    files: File[list[UploadedFile]] = None,
):
    message = services.message_post(
        actor=request.actor,
        enquiry_id=enquiry_id,
        body=body,
        files=list(files or []),
        reply_to_id=reply_to,
        via="api",
    )
    return Status(201, message_out(message, enquiry_id))


@router.get(
    "/enquiries/{enquiry_id}/attachments/{attachment_id}",
    response={200: None},
    summary="Download an attachment (Content-Disposition: attachment; the detected content type; audited)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in ("application/octet-stream",)
                },
            }
        }
    },
)
def attachment_get(request, enquiry_id: UUID, attachment_id: UUID) -> HttpResponse:
    attachment, data = selectors.attachment_download(
        actor=request.actor, enquiry_id=enquiry_id, attachment_id=attachment_id
    )
    return attachment_response(attachment, data)
