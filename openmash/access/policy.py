"""THE authorisation module. Every read starts from a `*_visible(actor)` queryset here and every action is
allowed by `can(actor, action)` here; nothing else in the code base checks roles.

Rules (deny by default):
- hub screeners and managers (members of the hub agency) see the hub's work: all contacts, enquiries,
  agency requests and the people in them;
- an agency's researchers see only requests addressed to their agency, and only the subjects' minimum
  identifying details;
- referrers (and anyone else who records a contact) see the contacts they recorded and their outcomes;
- an allocated social worker sees the children allocated to them and contacts routed to them;
- partnership admins configure the partnership; auditors read the audit trail. Neither sees case records.
A record the actor may not see answers exactly as a missing one (NotFound).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openmash.accounts.choices import Role
from openmash.core.exceptions import NotFound, PermissionDenied

# Which roles may do what. Hub roles also need membership of the hub agency (checked in `can`).
_ACTIONS: dict[str, frozenset[str]] = {
    "contact.create": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "person.search": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "contact.screen": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.view": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.rate": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.request": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.decide": frozenset({Role.MANAGER}),
    "allocation.assign": frozenset({Role.MANAGER}),
    "request.inbox": frozenset({Role.RESEARCHER}),
    "request.respond": frozenset({Role.RESEARCHER}),
    "partnership.configure": frozenset({Role.PARTNERSHIP_ADMIN}),
    "audit.view": frozenset({Role.AUDITOR}),
}
_HUB_ONLY = frozenset(
    {"contact.screen", "enquiry.view", "enquiry.rate", "enquiry.request", "enquiry.decide", "allocation.assign"}
)


def can(actor, action: str) -> bool:
    if actor is None:
        return False
    roles = _ACTIONS.get(action)
    if roles is None or actor.role not in roles:
        return False
    return not (action in _HUB_ONLY and not actor.membership.agency.is_hub)


def require(actor, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied("You do not have permission to do that.")


def require_role(actor, *roles: str) -> None:
    if actor is None or actor.role not in roles:
        raise PermissionDenied("You do not have permission to do that.")


# --- visible querysets -------------------------------------------------------------------------------------


def contacts_visible(actor) -> QuerySet:
    from openmash.contacts.models import Contact

    qs = Contact.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    own = Q(recorded_by=actor.user) if can(actor, "contact.create") else Q(pk__in=[])
    if actor.role == Role.SOCIAL_WORKER:
        return qs.filter(
            own
            | Q(routed_to=actor.user)
            | Q(people__person__allocations__worker=actor.user, people__person__allocations__closed_at__isnull=True)
        ).distinct()
    return qs.filter(own)


def enquiries_visible(actor) -> QuerySet:
    from openmash.enquiries.models import Enquiry

    return Enquiry.objects.all() if can(actor, "enquiry.view") else Enquiry.objects.none()


def agency_requests_visible(actor) -> QuerySet:
    from openmash.enquiries.models import AgencyRequest

    qs = AgencyRequest.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if actor.role == Role.RESEARCHER:
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


def people_visible(actor) -> QuerySet:
    from openmash.people.models import Person

    qs = Person.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if actor.role == Role.SOCIAL_WORKER:
        return qs.filter(
            Q(allocations__worker=actor.user, allocations__closed_at__isnull=True)
            | Q(contact_links__contact__routed_to=actor.user)
            | Q(contact_links__contact__recorded_by=actor.user)
        ).distinct()
    if actor.role == Role.RESEARCHER:
        return qs.filter(
            Q(
                contact_links__role="subject",
                contact_links__contact__enquiry__agency_requests__agency_id=actor.agency_id,
            )
            | Q(contact_links__contact__recorded_by=actor.user)
        ).distinct()
    if can(actor, "contact.create"):
        return qs.filter(contact_links__contact__recorded_by=actor.user).distinct()
    return qs.none()


def person_full_record_allowed(actor) -> bool:
    """Identifiers, addresses and the chronology are for the hub and the allocated worker. Researchers and
    referrers get the minimum identifying details only (what they already hold or need to search their systems)."""
    return actor is not None and (actor.is_hub or actor.role == Role.SOCIAL_WORKER)


# --- fetch-and-authorise in one call -------------------------------------------------------------------------


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    except Exception as exc:  # malformed UUIDs raise ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from None
        raise


def contact_get_for(actor, contact_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else contacts_visible(actor), contact_id)


def enquiry_get_for(actor, enquiry_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else enquiries_visible(actor), enquiry_id)


def agency_request_get_for(actor, request_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else agency_requests_visible(actor), request_id)


def person_get_for(actor, person_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else people_visible(actor), person_id)


__all__ = [
    "can",
    "require",
    "require_role",
    "contacts_visible",
    "enquiries_visible",
    "agency_requests_visible",
    "people_visible",
    "person_full_record_allowed",
    "contact_get_for",
    "enquiry_get_for",
    "agency_request_get_for",
    "person_get_for",
]
