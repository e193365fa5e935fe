"""The secure messages page of a MASH enquiry (issue 7; ADR 0017): the thread, oldest first and paged (GOV.UK
pagination, the true total; it opens on the last page, the newest messages), and a form to post a
message with a file (works without JavaScript: a plain multipart form and a redirect), and the attachment
download. Reads through messaging.selectors (audited), writes through messaging.services; who may is decided by
openmash.access.messaging (everyone else: 404, as for an enquiry that does not exist)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from openmash.core.exceptions import ValidationFailed
from openmash.core.views import actor_required
from openmash.messaging import selectors, services
from openmash.messaging.download import attachment_response
from openmash.messaging.forms import MessageForm
from openmash.messaging.selectors import LAST_PAGE
from openmash.web.forms import apply_service_errors
from openmash.web.paging import pagination

#: The confirmation after sending, by the message's sensitivity (who can read it: access.messaging).
SENT = {
    "standard": "Message sent. Everyone on this thread can read it.",
    "sensitive": "Message sent as sensitive. The MASH and the allocated social worker can read it; the other "
    "agencies see that a message is held.",
    "sealed": "Message sent as sealed. Only the roles your partnership names for sealed information can read it; "
    "everyone else sees that a message is held.",
}


def _back(actor, thread) -> tuple[str, str]:
    """(url, label) of the page the reader came from: the enquiry (hub), their agency's request, the MASH pack."""
    enquiry = thread.enquiry
    if thread.basis == "hub":
        return reverse("web:enquiry_detail", args=[enquiry.pk]), "Back to the enquiry"
    if thread.basis == "agency_request":
        r = enquiry.agency_requests.filter(agency_id=actor.agency_id).first()
        return reverse("web:request_detail", args=[r.pk]), "Back to the information request"
    if enquiry.contact.status in ("decided", "strategy"):
        return reverse("casework:pack", args=[enquiry.contact_id]), "Back to the MASH pack"
    return reverse("web:home"), "Back to your home page"


@require_http_methods(["GET", "POST"])
@actor_required
def thread(request, enquiry_id):
    """The thread and the message form. POST: send the message (and its file), then back here (PRG)."""
    actor = request.actor
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.message_post(
                    actor=actor,
                    enquiry_id=enquiry_id,
                    body=cd["body"],
                    files=[cd["file"]] if cd.get("file") else [],
                    reply_to_id=cd.get("reply_to"),
                    sensitivity=cd["sensitivity"],
                    via="page",
                )
            except ValidationFailed as exc:
                apply_service_errors(form, exc, key_to_field=form.field_for_service_key)
            else:
                messages.success(request, SENT[cd["sensitivity"]])
                return redirect(f"{reverse('messaging:thread', args=[enquiry_id])}#latest")
    else:
        form = MessageForm(initial={"reply_to": request.GET.get("reply_to") or None})
    found = selectors.thread_read(actor=actor, enquiry_id=enquiry_id, page=request.GET.get("page") or LAST_PAGE)
    replying = selectors.thread_message(actor=actor, thread=found, message_id=form["reply_to"].value())
    if replying and request.method == "GET":  # a reply starts at the level of the message it answers
        form.initial["sensitivity"] = replying["sensitivity"]
    back_url, back_label = _back(actor, found)
    ctx = {
        "thread": found,
        "pagination": pagination(request, found.page, label="Message pages"),
        "enquiry": found.enquiry,
        "contact": found.enquiry.contact,
        "form": form,
        "replying": replying,
        "back_url": back_url,
        "back_label": back_label,
        "nav_active": "enquiries" if found.basis == "hub" else ("requests" if found.basis == "agency_request" else ""),
    }
    return render(request, "messaging/thread.html", ctx)


@require_safe
@actor_required
def attachment_download(request, enquiry_id, attachment_id):
    """Download an attachment: access re-checked, audited, sent as an attachment (messaging.download)."""
    attachment, data = selectors.attachment_download(
        actor=request.actor, enquiry_id=enquiry_id, attachment_id=attachment_id
    )
    return attachment_response(attachment, data)
