"""Secure messages on a MASH enquiry (issue 7; ADR 0017): read the thread, post a message with attachments
(multipart/form-data), download an attachment. Who may: the members of the enquiry's thread
(openmash.access.messaging); everyone else gets 404, exactly as for an enquiry that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from openmash.access.messaging import message_shown
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


#: A message's sensitivity (ADR 0017 addendum): the OpenAPI enum of `sensitivity` in and out.
Sensitivity = Literal["standard", "sensitive", "sealed"]


class MessageOut(Schema):
    """A message on the thread, as access.messaging.message_shown renders it for the reader. shown: "full", or
    "held" when its sensitivity keeps it from the reader (then author, author_role and body are "" and attachments
    empty: only that a message was sent, by which agency, when and at which level). sensitivity: standard,
    sensitive or sealed (the sender's choice). author: the author's display name; author_agency_code and
    author_role: as which agency and role they wrote it; sent_at: aware, UTC; reply_to: the message it answers, or
    null."""

    id: UUID
    shown: Literal["full", "held"]
    sensitivity: Sensitivity
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


def message_out(shown: dict, enquiry_id) -> dict:
    """MessageOut from access.messaging.message_shown's dict (and nothing else of the message)."""
    return {
        **{k: v for k, v in shown.items() if k != "attachments"},
        "attachments": [
            {**a, "download": f"/api/v1/enquiries/{enquiry_id}/attachments/{a['id']}"} for a in shown["attachments"]
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
        "messages": [message_out(m, thread.enquiry.pk) for m in thread.shown],
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
    summary="Post a secure message (multipart/form-data: body, optional reply_to, optional sensitivity: standard "
    "(default: every member reads it), sensitive (the MASH and the allocated worker; the agencies asked see it is "
    "held) or sealed (the partnership's sealed roles only); up to 5 files of at most "
    "OPENMASH_ATTACHMENT_MAX_BYTES each: PDF, PNG, JPEG, DOCX, XLSX or UTF-8 text, checked by content). 422 for a "
    "sensitivity not in the list",
)
def message_create(
    request,
    enquiry_id: UUID,
    body: Form[str],
    reply_to: Form[UUID | None] = None,
    sensitivity: Form[Sensitivity] = "standard",
    files: File[list[UploadedFile]] = None,
):
    message = services.message_post(
        actor=request.actor,
        enquiry_id=enquiry_id,
        body=body,
        files=list(files or []),
        reply_to_id=reply_to,
        sensitivity=sensitivity,
        via="api",
    )
    shown = message_shown(request.actor, message, basis="sender")  # the sender reads their own whole (message_owner)
    return Status(201, message_out(shown, enquiry_id))


@router.get(
    "/enquiries/{enquiry_id}/attachments/{attachment_id}",
    response={200: None},
    summary="Download an attachment (Content-Disposition: attachment; the detected content type; audited); 403 "
    "(audited) when its message is held from the reader by its sensitivity",
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
