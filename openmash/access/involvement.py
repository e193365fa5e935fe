"""Why someone could open a person's record, now and at a past time (issue 7: who has seen a child's record, and the
privacy officer's report of views without an involvement).

*Basis* (`view_basis`): which rule of access.policy.people_visible let the actor open the record now, for the audit
event of the view ("hub", "allocation", "named_in_allocated_contact", "agency_request", "break_glass").

*Involvement* (`involvement_at`): whether the viewer had a reason to be looking at that moment. For the roles with a
relationship it is the same rule as their basis, applied at the time of the view (an allocation open then, a
request to their agency open then or answered within the partnership's window, a break-glass live then). For the
hub, whose basis covers every child, it is narrower: a contact naming the person received in the INVOLVEMENT_DAYS
before the view (or the day after: a view while recording), an enquiry about them open then or decided in those days,
an allocation of theirs open then, or a link of theirs waiting for the hub's review. A hub view without any of those
is what the report lists (curiosity browsing: ICO s.170 prosecutions; SECURITY-TESTS section 7, P1). The
comparison uses today's clusters (ADR 0005): a view before a merge counts the merged person's involvement.

Source of the idea: NHS SCR legitimate relationships and the Privacy Officer's review of alerts (SECURITY-TESTS
section 2); what counts as involvement for the hub is a design choice recorded in ADR 0014.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from openmash.access.policy import (
    agency_access_days,
    break_glass_person_ids,
    can,
    people_in_clusters,
)
from openmash.accounts.choices import Role

#: How long a contact or decided enquiry keeps the hub involved with a person (days before the view).
INVOLVEMENT_DAYS = 30

BASIS_LABELS = {
    "hub": "MASH (sees every record)",
    "allocation": "Allocated social worker",
    "named_in_allocated_contact": "Named in a contact about a child allocated to them",
    "agency_request": "Information request to their agency",
    "break_glass": "Break-glass (emergency access)",
    "hub_contact": "A contact about them in the MASH",
    "hub_enquiry": "A MASH enquiry about them",
    "hub_allocation": "Open to children's social care",
    "hub_link_review": "Records waiting for the MASH's review",
    "privacy_review": "Privacy officer's review",
}


def view_basis(actor, person) -> str:
    """Which rule let the actor open `person` (a resolved Person they may open) now: "hub", "allocation",
    "named_in_allocated_contact", "agency_request" or "break_glass" ("" when none applies, which the callers'
    access check has already refused). Break-glass is named only when no other basis holds."""
    if actor is None or person is None:
        return ""
    if actor.is_hub:
        return "hub"
    now_basis = _relationship_basis(actor.user.pk, actor.role, actor.agency_id, person.pk, None)
    if now_basis:
        return now_basis
    return "break_glass" if person.pk in break_glass_person_ids(actor) else ""


def involvement_at(*, user_id, role: str, agency_id, is_hub_agency: bool, person_id, at: dt.datetime) -> str:
    """The viewer's involvement with the person at time `at` (aware): a BASIS_LABELS key, "break_glass" when only a
    live break-glass covered them, or "" for none (a view to report). In: the audit event's user id, role code, the
    id of its agency and whether that agency is the hub, the person id viewed, the time."""
    if role == Role.PRIVACY_OFFICER:
        return "privacy_review"  # the privacy officer reads records to review others' access (their role)
    if role in (Role.SCREENER, Role.MANAGER) and is_hub_agency:
        return _hub_involvement(person_id, at)
    basis = _relationship_basis(user_id, role, agency_id, person_id, at)
    if basis:
        return basis
    return "break_glass" if _break_glass_at(user_id, person_id, at) else ""


def _cluster(person_id):
    return people_in_clusters([person_id])


def _relationship_basis(user_id, role, agency_id, person_id, at) -> str:
    """The allocation and agency-request bases of people_visible, now (`at` None) or at time `at`."""
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import AgencyRequest, CaseAllocation

    cluster = _cluster(person_id)
    if role == Role.SOCIAL_WORKER:
        mine = CaseAllocation.objects.filter(worker_id=user_id)
        mine = mine.filter(closed_at__isnull=True) if at is None else mine.filter(_open_at(at))
        if mine.filter(person_id__in=cluster).exists():
            return "allocation"
        children = people_in_clusters(mine.values("person_id"))
        contacts = ContactPerson.objects.filter(person_id__in=children).values("contact_id")
        if ContactPerson.objects.filter(contact_id__in=contacts, person_id__in=cluster).exists():
            return "named_in_allocated_contact"
        return ""
    if role == Role.RESEARCHER:
        asked = AgencyRequest.objects.filter(
            agency_id=agency_id,
            enquiry__contact__people__role="subject",
            enquiry__contact__people__person_id__in=cluster,
        )
        if at is None:
            from openmash.access.policy import agency_requests_people_open_q

            return "agency_request" if asked.filter(agency_requests_people_open_q()).exists() else ""
        cutoff = at - dt.timedelta(days=agency_access_days())
        live = asked.filter(requested_at__lte=at).filter(
            Q(status="open")
            | Q(status="responded", response__responded_at__gt=cutoff)
            | Q(status="closed", closed_at__gt=cutoff)
        )
        return "agency_request" if live.exists() else ""
    return ""


def _open_at(at) -> Q:
    """An allocation open at `at` (opened by then, not closed before)."""
    return Q(opened_at__lte=at) & (Q(closed_at__isnull=True) | Q(closed_at__gt=at))


def _break_glass_at(user_id, person_id, at) -> bool:
    from openmash.oversight.models import BreakGlass

    return (
        BreakGlass.objects.filter(user_id=user_id, person_id__in=_cluster(person_id), started_at__lte=at)
        .filter(expires_at__gt=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .exists()
    )


def _hub_involvement(person_id, at) -> str:
    """The hub's involvement at `at` (module docstring)."""
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation, Enquiry
    from openmash.people.models import AgencyRecord, RecordLink

    cluster = _cluster(person_id)
    since, until = at - dt.timedelta(days=INVOLVEMENT_DAYS), at + dt.timedelta(days=1)
    named = ContactPerson.objects.filter(person_id__in=cluster)
    if named.filter(contact__received_at__gte=since, contact__received_at__lte=until).exists():
        return "hub_contact"
    enquiries = Enquiry.objects.filter(contact_id__in=named.values("contact_id"), opened_at__lte=until)
    if enquiries.filter(Q(status="open") | Q(decision__decided_at__gte=since)).exists():
        return "hub_enquiry"
    if CaseAllocation.objects.filter(_open_at(until), person_id__in=cluster).exists():
        return "hub_allocation"
    records = AgencyRecord.objects.filter(person_id__in=cluster).values("pk")
    waiting = RecordLink.objects.filter(Q(record_l_id__in=records) | Q(record_r_id__in=records), state="proposed")
    if waiting.filter(valid_to__isnull=True).exists():
        return "hub_link_review"
    return ""


def basis_label(code: str) -> str:
    """The plain-English label of a basis or involvement code ("" stays "", an unknown code is shown as given)."""
    return BASIS_LABELS.get(code, code)


def may_review_privacy(actor) -> bool:
    """Whether the actor is a privacy officer (the pages' wording differs for them)."""
    return can(actor, "privacy.review")


__all__ = ["view_basis", "involvement_at", "basis_label", "BASIS_LABELS", "INVOLVEMENT_DAYS", "may_review_privacy"]
