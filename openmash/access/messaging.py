"""THE answer to "may this actor read and write the secure messages of this MASH enquiry?" (issue 7: secure
messaging and attachments between the practitioners on an enquiry replace email; ADR 0017).

The thread of an enquiry is one room. Its members, each while their involvement lasts (checked on every request,
so involvement ended means access ended on the next one):

- the **hub**: screeners and managers of the hub agency (``Actor.is_hub``), who see every enquiry;
- the **agencies asked**: the researchers of an agency with an information request on the enquiry, while the
  request is open and for the partnership's ``agency_access_days`` after it was answered or closed (the same window
  in which they see the people in it: ``policy.agency_requests_people_open_q``);
- the **allocated worker**: a social worker with an open allocation of one of the enquiry's subject children (over
  the child's cluster of merged records, ADR 0005), for as long as that allocation is open.

Everyone else, the referrer who recorded the contact included, gets nothing (the thread answers as missing).
Members may post; a message is written for the room, whose members the page lists above the form (ADR 0017: the
secure room's release rule covers an agency's answer; a message is a deliberate share with the members named, so a
standard one is not held back from the allocated worker).

**Each message carries a sensitivity** its sender chose (ADR 0017 addendum; issue 7, "every contributed item
carries a sensitivity"), decided here by the secure room's rules for items (access.sharing) and the field table
(access.field_table "message", MESSAGE_SENSITIVITIES):

- **standard**: every member reads it;
- **sensitive** (mental or sexual health, police intelligence with its grading): the hub and the allocated worker
  read it; the agencies asked see only that a message is held (an agency never reads another agency's sensitive
  items);
- **sealed** (a refuge address, a protected referrer, adoption, sensitive NHS demographics): only the roles the
  partnership names for sealed items (access.sharing.sealed_roles, default MASH managers); everyone else on the
  thread sees that one is held;
- the **sender** always reads their own, and a researcher's message is read whole by their agency's researchers
  (their agency's record, as its items are: access.sharing.item_owner).

A held message shows its level, the sender's agency and the time (field group "base"), never its text, its author's
name or its attachments' names and sizes; its attachments are refused with 403 (PermissionDenied, audited "deny" by
the denial middleware); and its members are not told of it.

Basis codes (for the audit event's detail): "hub", "agency_request", "allocation"; "" for none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from openmash.access import field_table
from openmash.access.policy import _allocated_to, agency_requests_people_open_q, can, memberships_allowed
from openmash.accounts.choices import Role
from openmash.core.exceptions import NotFound, PermissionDenied

#: A message's sensitivities, least to most restricted (sharing.choices.ItemSensitivity: the items' words).
MESSAGE_SENSITIVITIES: tuple[str, ...] = ("standard", "sensitive", "sealed")


def thread_basis(actor, enquiry) -> str:
    """Why `actor` may read and post on `enquiry`'s thread now: "hub", "agency_request", "allocation", or "" when
    they may not. In: an Actor (or None) and an Enquiry. One or two small queries."""
    if actor is None or enquiry is None:
        return ""
    if actor.is_hub and can(actor, "enquiry.view"):
        return "hub"
    if can(actor, "request.inbox"):
        asked = enquiry.agency_requests.filter(agency_id=actor.agency_id).filter(agency_requests_people_open_q())
        return "agency_request" if asked.exists() else ""
    if can(actor, "allocation.receive"):
        from openmash.contacts.models import ContactPerson

        mine = ContactPerson.objects.filter(
            contact_id=enquiry.contact_id, role="subject", person_id__in=_allocated_to(actor.user)
        )
        return "allocation" if mine.exists() else ""
    return ""


def thread_allowed(actor, enquiry) -> bool:
    """Whether `actor` may read and post on `enquiry`'s thread now (thread_basis is not "")."""
    return bool(thread_basis(actor, enquiry))


def thread_enquiry_get_for(actor, enquiry_id):
    """The Enquiry whose thread the actor may open, with its contact. Raises NotFound, exactly as for an enquiry
    that does not exist, when there is none or the actor is not on its thread (never reveals that it exists)."""
    from django.core.exceptions import ValidationError

    from openmash.enquiries.models import Enquiry

    try:
        enquiry = Enquiry.objects.select_related("contact").get(pk=enquiry_id)
    except (Enquiry.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None
    if not thread_allowed(actor, enquiry):
        raise NotFound()
    return enquiry


# --- a message's sensitivity: who reads it whole --------------------------------------------------------------------


def message_owner(actor, message) -> bool:
    """Whether the actor reads `message` as its own: they wrote it, or it was written by a researcher of their
    agency and they are one too (an agency's record, as its contributed items are: access.sharing.item_owner)."""
    if actor is None:
        return False
    if message.author_id == actor.user.pk:
        return True
    return (
        message.author_role == Role.RESEARCHER
        and can(actor, "request.respond")
        and actor.agency_id == message.author_agency_id
    )


def message_audience(actor, message, *, basis: str, roles: frozenset[str] | None = None) -> str:
    """THE rule for one message's sensitivity: "message_full" (the reader reads it whole), "message_held" (only that
    it exists: level, agency, time) or "" (nothing: no basis). In: the actor, a messaging.Message, the actor's
    `basis` for the thread (thread_basis, or "subject_access" for the subject access export) and optionally the
    sealed roles (access.sharing.sealed_roles, read here when None). The sender and their agency's researchers
    (message_owner) read every level; a sealed message only the partnership's sealed roles; a sensitive or standard
    one the bases field_table.MESSAGE_SENSITIVITIES lists for it. An unknown level is treated as sealed (deny by
    default)."""
    if actor is None or not basis:
        return ""
    if message_owner(actor, message):
        return "message_full"
    level = message.sensitivity if message.sensitivity in MESSAGE_SENSITIVITIES else "sealed"
    if level == "sealed":
        if roles is None:
            from openmash.access.sharing import sealed_roles

            roles = sealed_roles()
        return "message_full" if actor.role in roles else "message_held"
    return "message_full" if level in field_table.MESSAGE_SENSITIVITIES.get(basis, ()) else "message_held"


@dataclass(frozen=True)
class MessageView:
    """shown: "full" or "held" ("" for nothing); fields: the names message_shown fills (field_table "message");
    audience: the field table's audience it was read for."""

    shown: str
    fields: frozenset[str]
    audience: str = ""


def message_view(actor, message, *, basis: str, roles: frozenset[str] | None = None) -> MessageView:
    """The MessageView of `message` for the actor (message_audience, then the field table's groups for it)."""
    audience = message_audience(actor, message, basis=basis, roles=roles)
    table = field_table.FIELD_GROUPS["message"]
    groups = field_table.VISIBLE.get(audience, {}).get("message", ())
    fields = frozenset(f for g in groups for f in table.get(g, ()))
    if not fields:
        return MessageView("", frozenset())
    return MessageView("full" if "body" in fields else "held", fields, audience)


def message_readable(actor, message, *, basis: str, roles: frozenset[str] | None = None) -> bool:
    """Whether the actor reads `message` whole (its text and attachments)."""
    return message_audience(actor, message, basis=basis, roles=roles) == "message_full"


def message_shown(actor, message, *, basis: str, roles: frozenset[str] | None = None) -> dict | None:
    """THE rendering of one message for the actor: None when they may see nothing of it, else a dict with every key
    (id, shown "full"/"held", sensitivity, author_agency_code, author_agency_name, sent_at, reply_to, author,
    author_role, body, attachments) where a field the view does not give is empty ("" or []). attachments: a list of
    {id, filename, content_type, size, sha256}. The thread page, the API and the subject access export render this
    and nothing else of a message (author, author_agency loaded; attachments prefetched)."""
    view = message_view(actor, message, basis=basis, roles=roles)
    if not view.shown:
        return None
    f = view.fields
    return {
        "id": message.pk,
        "shown": view.shown,
        "sensitivity": message.sensitivity if "sensitivity" in f else "",
        "author_agency_code": message.author_agency.code if "author_agency" in f else "",
        "author_agency_name": message.author_agency.name if "author_agency" in f else "",
        "sent_at": message.sent_at if "sent_at" in f else None,
        "reply_to": message.reply_to_id if "reply_to" in f else None,
        "author": str(message.author) if "author" in f else "",
        "author_role": message.author_role if "author_role" in f else "",
        "body": message.body if "body" in f else "",
        "attachments": [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in message.attachments.all()
        ]
        if "attachments" in f
        else [],
    }


def message_sensitivity_hints() -> dict[str, str]:
    """The plain-English hint under each sensitivity on the message form: who reads a message at that level (the
    rule of message_audience, in words), naming the partnership's sealed roles (access.sharing.sealed_roles)."""
    from openmash.access.sharing import sealed_roles

    roles = sealed_roles()
    names = [str(r.label) for r in Role if r.value in roles]
    names = [(n[0].lower() + n[1:] if n[1:2].islower() else n) + "s" for n in names]  # "MASH managers"
    who = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return {
        "standard": "Everyone on this thread can read it and open its files.",
        "sensitive": (
            "For example mental or sexual health, or police intelligence with its grading. The MASH and the allocated "
            "social worker can read it. The other agencies on this thread see only that a message is held, not what "
            "it says or its files."
        ),
        "sealed": (
            "For example a refuge address, a protected referrer, an adoption or sensitive NHS details. Only "
            f"{who} can read it. Everyone else on this thread sees only that a message is held, not what it says "
            "or its files."
        ),
    }


def attachment_get_for(actor, enquiry, attachment_id):
    """The Attachment `attachment_id` on `enquiry`'s thread (which the caller has already opened through
    thread_enquiry_get_for, so the access check is this request's), for a reader of its message
    (message_readable). Raises NotFound for one on another thread or none at all, PermissionDenied (403, audited
    "deny" by the denial middleware) for one on a message held from the actor by its sensitivity."""
    from django.core.exceptions import ValidationError

    from openmash.messaging.models import Attachment

    basis = thread_basis(actor, enquiry)
    if not basis:
        raise NotFound()
    try:
        attachment = Attachment.objects.select_related("message").get(pk=attachment_id, message__enquiry_id=enquiry.pk)
    except (Attachment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None
    if not message_readable(actor, attachment.message, basis=basis):
        raise PermissionDenied(
            f"This file is on a message held at {attachment.message.sensitivity}. You do not have access to it."
        )
    return attachment


def thread_members(enquiry) -> QuerySet:
    """Active memberships on `enquiry`'s thread now, to tell of a new message (in-app only): the hub member holding
    the enquiry (else whoever opened it), the researchers of each agency whose request is still live, and the
    social workers allocated to one of its subject children. A queryset of Membership with user and agency."""
    from openmash.accounts.models import Membership
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation

    hub_user = enquiry.assigned_to_id or enquiry.opened_by_id
    hub = memberships_allowed("enquiry.view").filter(user_id=hub_user)
    agencies = enquiry.agency_requests.filter(agency_requests_people_open_q()).values("agency_id")
    researchers = memberships_allowed("request.inbox").filter(agency_id__in=agencies)
    children = ContactPerson.objects.filter(contact_id=enquiry.contact_id, role="subject").values("person_id")
    from openmash.access.policy import people_in_clusters

    workers = CaseAllocation.objects.filter(
        closed_at__isnull=True, worker__isnull=False, person_id__in=people_in_clusters(children)
    ).values("worker_id")
    allocated = memberships_allowed("allocation.receive").filter(user_id__in=workers, role=Role.SOCIAL_WORKER)
    ids = set(hub.values_list("pk", flat=True)) | set(researchers.values_list("pk", flat=True))
    ids |= set(allocated.values_list("pk", flat=True))
    return Membership.objects.filter(pk__in=ids).select_related("user", "agency")


def message_recipients(enquiry, message) -> list:
    """The thread's members (thread_members) who read `message` whole (message_readable with their own basis), to
    tell of it: a member from whom it is held is not told (the notice would only point at a held message). A list
    of Membership with user and agency."""
    from openmash.access.actor import Actor
    from openmash.access.sharing import sealed_roles

    roles = sealed_roles()
    out = []
    for membership in thread_members(enquiry):
        member = Actor(user=membership.user, membership=membership)
        if message_readable(member, message, basis=thread_basis(member, enquiry), roles=roles):
            out.append(membership)
    return out


def thread_member_summary(enquiry) -> dict:
    """Who reads the thread, for the page's "who can read this" list: {"hub": True, "agencies": [agency names
    whose request is live, sorted], "allocated_worker": bool}. Names of agencies only, never of people."""
    agencies = sorted(
        enquiry.agency_requests.filter(agency_requests_people_open_q()).values_list("agency__name", flat=True)
    )
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation

    children = ContactPerson.objects.filter(contact_id=enquiry.contact_id, role="subject").values("person_id")
    from openmash.access.policy import people_in_clusters

    allocated = CaseAllocation.objects.filter(
        closed_at__isnull=True, worker__isnull=False, person_id__in=people_in_clusters(children)
    ).exists()
    return {"hub": True, "agencies": agencies, "allocated_worker": allocated}


__all__ = [
    "MESSAGE_SENSITIVITIES",
    "MessageView",
    "message_audience",
    "message_owner",
    "message_readable",
    "message_recipients",
    "message_sensitivity_hints",
    "message_shown",
    "message_view",
    "attachment_get_for",
    "thread_allowed",
    "thread_basis",
    "thread_enquiry_get_for",
    "thread_member_summary",
    "thread_members",
]
