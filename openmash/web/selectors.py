"""Read-only selectors the pages need beyond the apps' own selectors.

Every read of case data starts from a `*_visible(actor)` queryset of the access policy. Reads that return personal
data are audited (`audit_record_many`); reads that return only counts or ids the actor may already see are not, as
they disclose nothing about a person.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch

from openmash.access.actor import active_memberships_q
from openmash.access.policy import (
    can,
    contacts_visible,
    enquiries_visible,
    people_visible,
    require,
)
from openmash.audit.services import audit_record_many
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import ContactPerson
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from openmash.enquiries.choices import RequestStatus


def hub_counts(*, actor) -> dict[str, int]:
    """The hub's workload for the dashboard tiles. Each figure is the total of the very list its tile links to
    (same selector, same filters), so a tile and its list can never disagree (issue 5)."""
    from openmash.contacts.selectors import screening_queue_qs
    from openmash.enquiries.selectors import enquiry_list_qs

    require(actor, "contact.screen")
    return {
        "awaiting": screening_queue_qs(actor=actor).count(),
        "awaiting_overdue": screening_queue_qs(actor=actor, overdue_only=True).count(),
        "awaiting_immediate": screening_queue_qs(actor=actor, immediate_only=True).count(),
        "awaiting_mine": screening_queue_qs(actor=actor, assigned="me").count(),
        "enquiries_open": enquiry_list_qs(actor=actor).count(),
        "enquiries_overdue": enquiry_list_qs(actor=actor, overdue_only=True).count(),
        "enquiries_mine": enquiry_list_qs(actor=actor, assigned="me").count(),
        # open enquiries about contacts with immediate risk, and those of them overdue (practitioner review,
        # "a Monday of 60 contacts": the screening tile had the figure, the enquiries tile did not)
        "enquiries_immediate": enquiry_list_qs(actor=actor, immediate_only=True).count(),
        "enquiries_immediate_overdue": enquiry_list_qs(actor=actor, immediate_only=True, overdue_only=True).count(),
    }


def inbox_counts(*, actor) -> dict[str, int]:
    """A researcher's open requests and how many are overdue (the totals of the lists the tiles link to)."""
    from openmash.enquiries.selectors import agency_inbox_qs

    return {
        "open": agency_inbox_qs(actor=actor, status=RequestStatus.OPEN).count(),
        "overdue": agency_inbox_qs(actor=actor, status=RequestStatus.OPEN, overdue_only=True).count(),
    }


@transaction.atomic
def contacts_recorded(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the contacts the actor recorded, newest first, with the true total and what is needed to say
    their outcome (no N+1). The contacts on the page are audited as listed."""
    qs = (
        contacts_visible(actor)
        .filter(recorded_by=actor.user)
        .select_related("screening", "enquiry", "enquiry__decision")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=ContactPerson.objects.filter(role=ContactPersonRole.SUBJECT).select_related("person"),
                to_attr="subject_links",
            )
        )
        .order_by("-received_at", "-id")
    )
    result = paginate(qs, page=page, page_size=page_size)
    contacts = result.items
    audit_record_many(actor=actor, action="list", objects=contacts, reason="my contacts")
    # the page names the subject children of each contact: each child shown is a read of that person
    people = {cp.person_id: cp.person for c in contacts for cp in c.subject_links}
    audit_record_many(actor=actor, action="list", objects=list(people.values()), reason="my contacts")
    return result


def visible_contact_ids(*, actor, ids) -> set:
    """Which of these contact ids the actor may open (to link to them, or not)."""
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(contacts_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def notification_targets(*, actor, notifications) -> dict:
    """Where each notification leads, for the actor: {notification id: (url name, record id)}, or no entry when
    the actor may open nothing about its contact. The first place the actor may open wins: the MASH pack (for a
    social worker it was handed to), the enquiry (for the hub, once the contact became one: answers, late
    information and overdue responses are worked there), the contact, the early help request sent to the actor's agency, the agency's
    information request, the Operation Encompass notice to the actor's school; a setting change's notice leads a
    partnership admin to the partnership settings page (target id None). Each candidate comes from the access
    policy's querysets, so a link never offers what the page would refuse; a handful of id queries, no personal data
    (a notification names a contact only by its reference), so nothing here is audited."""
    from openmash.access.policy import (
        agency_requests_visible,
        can,
        early_help_requests_visible,
        encompass_notices_visible,
        mash_packs_visible,
    )

    contactless = [n for n in notifications if not n.contact_id]
    targets = _oversight_targets(actor, contactless)
    targets.update(_watch_targets(actor, [n for n in contactless if n.pk not in targets]))
    targets.update(_setting_change_targets(actor, [n for n in contactless if n.pk not in targets]))
    contact_ids = {n.contact_id for n in notifications if n.contact_id}
    if not contact_ids:
        return targets
    by_contact: dict = {}

    def offer(pairs, url_name):
        for contact_id, target in pairs:
            by_contact.setdefault(contact_id, (url_name, target))

    if can(actor, "pack.view") and not actor.is_hub:
        packs = mash_packs_visible(actor).filter(pk__in=contact_ids).values_list("pk", flat=True)
        offer(((pk, pk) for pk in packs), "casework:pack")
    if can(actor, "enquiry.view"):
        enquiries = enquiries_visible(actor).filter(contact_id__in=contact_ids)
        offer(enquiries.values_list("contact_id", "pk"), "web:enquiry_detail")
    offer(((pk, pk) for pk in visible_contact_ids(actor=actor, ids=contact_ids)), "web:contact_detail")
    if not actor.is_hub:
        eh = early_help_requests_visible(actor).filter(contact_id__in=contact_ids, agency_id=actor.agency_id)
        offer(eh.order_by("-requested_at").values_list("contact_id", "pk"), "web:early_help_detail")
        requests = agency_requests_visible(actor).filter(enquiry__contact_id__in=contact_ids, agency_id=actor.agency_id)
        offer(requests.order_by("-requested_at").values_list("enquiry__contact_id", "pk"), "web:request_detail")
        notices = encompass_notices_visible(actor).filter(contact_id__in=contact_ids)
        offer(notices.order_by("-created_at").values_list("contact_id", "pk"), "web:encompass_notice")
    targets.update({n.pk: by_contact[n.contact_id] for n in notifications if n.contact_id in by_contact})
    return targets


def _setting_change_targets(actor, notifications) -> dict:
    """Where a setting change's notice leads (ADR 0019 addendum: a change waits for a second admin, or was decided):
    the partnership settings page ("Changes waiting for a second admin"), for a partnership admin; nothing for anyone
    else. No query (the notice names the change by reference only)."""
    from openmash.access.policy import can
    from openmash.partnership.setting_changes import NOTICE_START

    if not notifications or not can(actor, "partnership.configure"):
        return {}
    return {n.pk: ("partnership:settings", None) for n in notifications if NOTICE_START.match(n.message or "")}


def _watch_targets(actor, notifications) -> dict:
    """Where notifications about a watched child lead (issue 8, ``patterns.watching``): the child's chronology, for
    those who may see the watch-list and the child. No query for anyone who may not see the watch-list (the hub
    only), or when there is no such notification; one otherwise."""
    from openmash.access.policy import can, watches_visible

    if not notifications or not can(actor, "flag.view"):
        return {}
    rows = (
        watches_visible(actor)
        .filter(deliveries__notification_id__in=[n.pk for n in notifications], child__in=people_visible(actor))
        .values_list("deliveries__notification_id", "child_id")
    )
    return {notification_id: ("web:person_chronology", child_id) for notification_id, child_id in rows}


def _oversight_targets(actor, notifications) -> dict:
    """Where notifications about a break-glass alert or an access notice lead (issue 7): the alert for the privacy
    officer, the notice for whoever it was sent to; nothing for anyone else (the partnership admins told of an
    escalation get the reference only). One query when there are such notifications, none otherwise."""
    if not notifications:
        return {}
    from openmash.access.policy import access_notices_visible, privacy_alerts_visible
    from openmash.oversight.models import OversightDelivery

    deliveries = list(OversightDelivery.objects.filter(notification_id__in=[n.pk for n in notifications]))
    if not deliveries:
        return {}
    alerts = set(
        privacy_alerts_visible(actor)
        .filter(pk__in=[d.alert_id for d in deliveries if d.alert_id])
        .values_list("pk", flat=True)
    )
    notices = set(
        access_notices_visible(actor)
        .filter(pk__in=[d.notice_id for d in deliveries if d.notice_id])
        .values_list("pk", flat=True)
    )
    out = {}
    for d in deliveries:
        if d.alert_id in alerts:
            out[d.notification_id] = ("oversight:alert_detail", d.alert_id)
        elif d.notice_id in notices:
            out[d.notification_id] = ("oversight:access_notice", d.notice_id)
    return out


def visible_person_ids(*, actor, ids) -> set:
    """Which of these people the actor may open."""
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(people_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def enquiry_id_for_contact(*, actor, contact_id):
    """The id of the enquiry opened from a contact, if there is one the actor may see."""
    return enquiries_visible(actor).filter(contact_id=contact_id).values_list("pk", flat=True).first()


def agencies_for_requests() -> list:
    """Partner agencies the hub can ask for information (partnership configuration, not personal data)."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.filter(active=True, is_hub=False).order_by("name"))


def memberships_for(*, user) -> list:
    """The signed-in user's own active memberships, for the 'switch role' control."""
    return list(user.memberships.filter(active_memberships_q()).select_related("agency").order_by("created_at"))


def awaiting_screening_count(*, actor) -> int:
    require(actor, "contact.screen")
    return contacts_visible(actor).filter(status=ContactStatus.AWAITING_SCREENING).count()


def agencies_list() -> list:
    """Every active agency, by name, for the "recording agency" filter (partnership configuration, not personal
    data)."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.filter(active=True).order_by("name"))


def intake_matches(*, actor, contact) -> list[dict]:
    """The screening page's "matched at intake" panel (ADR 0009 addendum 2): the contact's intake joins held until
    screening, for someone who may decide them ("link.review"; otherwise none). Each: {"link_id", "by" (e.g.
    "NHS number"), "known" (the Person the contact names meanwhile), "as_named" (what the referrer typed, from the
    contact's ContactPerson)}. Two or three queries; nothing audited beyond the page's own reads (the known child is
    already the contact's subject on the page)."""
    if not can(actor, "link.review"):
        return []
    from openmash.people.linking import IDENTIFIER_LABELS, intake_pending_links
    from openmash.people.models import AgencyRecord, Person

    links = list(intake_pending_links(contact_id=contact.pk))
    if not links:
        return []
    named = {cp.person_id: cp.as_named for cp in ContactPerson.objects.filter(contact=contact)}
    record_people = dict(
        AgencyRecord.objects.filter(
            pk__in={x for link in links for x in (link.record_l_id, link.record_r_id)}
        ).values_list("pk", "person_id")
    )
    people = Person.objects.in_bulk({pid for pid in record_people.values() if pid in named})
    out, seen = [], set()
    for link in links:
        known = next(
            (people[record_people[r]] for r in (link.record_l_id, link.record_r_id) if record_people[r] in people),
            None,
        )
        if known is None or known.pk in seen:
            continue
        seen.add(known.pk)
        by = [label for field, label in IDENTIFIER_LABELS.items() if field in (link.field_weights or {})]
        out.append(
            {"link_id": link.pk, "by": " and ".join(by) or "identifier", "known": known, "as_named": named[known.pk]}
        )
    return out
