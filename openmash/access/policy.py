"""THE authorisation module. Every read starts from a `*_visible(actor)` queryset here and every action is
allowed by `can(actor, action)` here; nothing else in the code base checks roles.

Rules (deny by default):
- hub screeners and managers (members of the hub agency) see the hub's work: all contacts, enquiries,
  agency requests and the people in them;
- an agency's researchers see only requests addressed to their agency, and only the subjects' minimum
  identifying details;
- referrers (and anyone else who records a contact) see the contacts they recorded and their outcomes, and
  nothing more: recording a contact about an existing child never opens that child's record or chronology
  (issue 5, fault 2), and never tells them whether the child has an allocated worker (fault 6);
- an allocated social worker sees the children allocated to them (the full record while the allocation is
  open) and the contacts routed to them;
- partnership admins configure the partnership; auditors read the audit trail. Neither sees case records.
A record the actor may not see answers exactly as a missing one (NotFound).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openmash.accounts.choices import AgencyType, Role
from openmash.core.exceptions import NotFound, PermissionDenied

# Which roles may do what. Hub roles also need membership of the hub agency (checked in `can`).
_ACTIONS: dict[str, frozenset[str]] = {
    "contact.create": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "person.search": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "contact.screen": frozenset({Role.SCREENER, Role.MANAGER}),
    # amending a contact before screening: its recorder or the hub (contact_amend_allowed decides per contact)
    "contact.amend": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    # correcting people's details after screening, with a reason: the hub only
    "person.correct": frozenset({Role.SCREENER, Role.MANAGER}),
    # Operation Encompass notices: the hub, and a school's designated safeguarding lead (its users)
    "encompass.view": frozenset({Role.SCREENER, Role.MANAGER, Role.REFERRER, Role.RESEARCHER}),
    "enquiry.view": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.rate": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.request": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.decide": frozenset({Role.MANAGER}),
    "allocation.assign": frozenset({Role.MANAGER}),
    # Sharing out the hub's work (issue 5): a screener or manager takes an item for themselves; a manager assigns
    # and re-assigns it to any hub member who can hold work.
    "work.take": frozenset({Role.SCREENER, Role.MANAGER}),
    "work.assign": frozenset({Role.MANAGER}),
    "request.inbox": frozenset({Role.RESEARCHER}),
    "request.respond": frozenset({Role.RESEARCHER}),
    # the early help service's hand-overs: its researchers see them (minimum details) and acknowledge them
    "early_help.inbox": frozenset({Role.RESEARCHER}),
    "early_help.acknowledge": frozenset({Role.RESEARCHER}),
    "partnership.configure": frozenset({Role.PARTNERSHIP_ADMIN}),
    "audit.view": frozenset({Role.AUDITOR}),
    # casework (openmash/casework): case notes and strategy discussions are the hub's; the MASH pack goes to the
    # allocated worker and the assessment team (which packs: mash_packs_visible); allocations end by closing.
    "casenote.create": frozenset({Role.SCREENER, Role.MANAGER}),
    "casenote.view": frozenset({Role.SCREENER, Role.MANAGER}),
    "strategy.record": frozenset({Role.SCREENER, Role.MANAGER}),
    "pack.view": frozenset({Role.SOCIAL_WORKER}),  # the hub reads packs through "enquiry.view"
    "allocation.close": frozenset({Role.MANAGER, Role.SOCIAL_WORKER}),
    "token.manage": frozenset({Role.PARTNERSHIP_ADMIN}),
    # Not actions a user takes but what a membership is for: who is notified or may be allocated work.
    "allocation.receive": frozenset({Role.SOCIAL_WORKER}),
    "contacts.routed": frozenset({Role.SOCIAL_WORKER}),
}
_HUB_ONLY = frozenset(
    {
        "contact.screen",
        "enquiry.view",
        "enquiry.rate",
        "enquiry.request",
        "enquiry.decide",
        "allocation.assign",
        "person.correct",
    }
    | {"casenote.create", "casenote.view", "strategy.record"}
    | {"work.take", "work.assign"}
)
# Actions that, outside the hub, only members of a school (an education agency) may take.
_SCHOOL_ONLY = frozenset({"encompass.view"})


def memberships_allowed(action: str) -> QuerySet:
    """Active memberships (user, membership and agency active) whose role may do `action`, for choosing who to
    notify or allocate to. The role test stays here, so no other module compares roles."""
    from openmash.access.actor import active_memberships_q
    from openmash.accounts.models import Membership

    roles = _ACTIONS.get(action)
    if not roles:
        return Membership.objects.none()
    qs = Membership.objects.filter(active_memberships_q(), role__in=roles)
    if action in _HUB_ONLY:
        qs = qs.filter(agency__is_hub=True)
    return qs


def can(actor, action: str) -> bool:
    if actor is None:
        return False
    roles = _ACTIONS.get(action)
    if roles is None or actor.role not in roles:
        return False
    if action in _SCHOOL_ONLY:
        if actor.role in (Role.SCREENER, Role.MANAGER):
            return actor.is_hub
        return actor.membership.agency.agency_type == AgencyType.EDUCATION
    return not (action in _HUB_ONLY and not actor.membership.agency.is_hub)


def contact_amend_allowed(actor, contact) -> bool:
    """Whether the actor may amend this contact (add people, correct details) while it awaits screening: the
    hub, or the user who recorded it (issue 5, 'correcting and adding to the record')."""
    if not can(actor, "contact.amend"):
        return False
    return actor.is_hub or contact.recorded_by_id == actor.user.pk


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
    if can(actor, "contacts.routed"):
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
    if can(actor, "request.inbox"):
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


def encompass_notices_visible(actor) -> QuerySet:
    """Operation Encompass notices: the hub sees all; a school's users see the notices sent to their school
    (and nothing else of the contact behind them)."""
    from openmash.contacts.models import EncompassNotice

    qs = EncompassNotice.objects.all()
    if not can(actor, "encompass.view"):
        return qs.none()
    if actor.is_hub:
        return qs
    return qs.filter(school_id=actor.agency_id)


def early_help_requests_visible(actor) -> QuerySet:
    """Hand-overs to the early help service: the hub sees all; a researcher only those to their own agency."""
    from openmash.enquiries.models import EarlyHelpRequest

    qs = EarlyHelpRequest.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if actor.role == Role.RESEARCHER:
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


def people_visible(actor) -> QuerySet:
    """People whose record (at least the minimum identifying details) the actor may open.

    - hub: everyone;
    - allocated social worker: the children allocated to them (open allocations) and the people in contacts
      routed to them;
    - researcher: the subject children of requests addressed to their agency;
    - anyone else, including whoever recorded a contact: nobody. Recording a contact gives what a referrer sees
      of their own contact (the contact page: its outcome and the people as they named them), never the record
      of a child they found by search (issue 5, fault 2)."""
    from openmash.people.models import Person

    qs = Person.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if can(actor, "allocation.receive"):
        return qs.filter(
            Q(allocations__worker=actor.user, allocations__closed_at__isnull=True)
            | Q(contact_links__contact__routed_to=actor.user)
        ).distinct()
    if can(actor, "request.inbox"):
        return qs.filter(
            contact_links__role="subject",
            contact_links__contact__enquiry__agency_requests__agency_id=actor.agency_id,
        ).distinct()
    return qs.none()


def people_visible_ids(actor, ids) -> set:
    """Which of these person ids the actor may open (people_visible), without a query for the hub, who may open
    everyone. In: ids (UUIDs). Out: a set of those ids."""
    ids = [i for i in ids if i]
    if not ids or actor is None:
        return set()
    if actor.is_hub:
        return set(ids)
    return set(people_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def work_holders_visible(actor) -> QuerySet:
    """Active memberships that may hold hub work (take or be assigned a contact or enquiry): screeners and
    managers of the hub agency, with user, membership and agency active (the one active check). Empty for an actor
    who may not see the hub's work."""
    from openmash.accounts.models import Membership

    if not can(actor, "work.take"):
        return Membership.objects.none()
    return memberships_allowed("work.take")


def mash_packs_visible(actor) -> QuerySet:
    """Contacts whose MASH pack (enquiry, agency answers, decision, case notes, strategy discussion) the actor may
    open: contacts the MASH has decided or sent to a strategy discussion. The hub sees every pack. A social worker
    sees the packs about children allocated to them, for as long as the allocation is open; the assessment team
    (social workers of a children's social care agency other than the hub) sees the packs of children open to
    children's social care and not yet allocated to a worker (their duty tray), for as long as that lasts.
    Source: issue 5 "Handover"; Working Together 2023 (the allocated worker takes the case on)."""
    from openmash.accounts.choices import AgencyType
    from openmash.contacts.models import Contact

    qs = Contact.objects.filter(status__in=("decided", "strategy"))
    if can(actor, "enquiry.view"):
        return qs
    if not can(actor, "pack.view"):
        return qs.none()
    mine = Q(
        people__role="subject",
        people__person__allocations__worker=actor.user,
        people__person__allocations__closed_at__isnull=True,
    )
    agency = actor.agency
    if agency.agency_type == AgencyType.CHILDRENS_SOCIAL_CARE and not agency.is_hub:
        from openmash.enquiries.models import CaseAllocation

        awaiting = CaseAllocation.objects.filter(closed_at__isnull=True, worker__isnull=True).filter(
            Q(agency_id=agency.pk) | Q(agency__is_hub=True)
        )
        team = Q(people__role="subject", people__person_id__in=awaiting.values("person_id"))
        return qs.filter(pk__in=Contact.objects.filter(mine | team).values("pk"))
    return qs.filter(pk__in=Contact.objects.filter(mine).values("pk"))


def allocations_closable(actor) -> QuerySet:
    """Open allocations the actor may close: a hub manager any; a social worker their own."""
    from openmash.enquiries.models import CaseAllocation

    qs = CaseAllocation.objects.filter(closed_at__isnull=True)
    if not can(actor, "allocation.close"):
        return qs.none()
    if actor.is_manager:
        return qs
    if can(actor, "allocation.receive"):
        return qs.filter(worker=actor.user)
    return qs.none()


def people_linkable(actor) -> QuerySet:
    """People an actor may name in a new contact by id: those they may see, and those named in contacts they
    recorded themselves (linking grants no sight of the record: see people_visible). Intake search results are
    also linkable for a day (checked by the contacts service against the audit trail)."""
    from openmash.people.models import Person

    if actor is None:
        return Person.objects.none()
    own = Person.objects.filter(contact_links__contact__recorded_by=actor.user).values("pk")
    return Person.objects.filter(Q(pk__in=people_visible(actor).values("pk")) | Q(pk__in=own))


def person_full_record_allowed(actor, person=None) -> bool:
    """Identifiers, addresses, relationships and the chronology are for the hub, and for a social worker only for
    the children allocated to them while the allocation is open. Everyone else gets the minimum identifying
    details (what they already hold or need to search their own systems). Without `person` the answer is
    whether the actor could ever see a full record (hub only)."""
    if actor is None:
        return False
    if actor.is_hub:
        return True
    if person is None or not can(actor, "allocation.receive"):
        return False
    from openmash.enquiries.models import CaseAllocation

    return CaseAllocation.objects.filter(person=person, worker=actor.user, closed_at__isnull=True).exists()


def contact_viewed_as(actor, contact) -> str:
    """How the actor sees a contact they may open: "hub" (everything), "worker" (the allocated worker the
    contact was routed to, or whose allocated child it is about) or "recorder" (what a referrer sees of their
    own contact: the contact as they gave it and its outcome; never the hub's rationale, the enquiry, or whether
    the child has an allocated worker -- issue 5, fault 6)."""
    if actor is not None and actor.is_hub:
        return "hub"
    if actor is not None and can(actor, "contacts.routed"):
        if contact.routed_to_id == actor.user.pk:
            return "worker"
        if contact.recorded_by_id != actor.user.pk:
            return "worker"  # visible only through an allocated child (contacts_visible)
    return "recorder"


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


def early_help_request_get_for(actor, request_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else early_help_requests_visible(actor), request_id)


def person_get_for(actor, person_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else people_visible(actor), person_id)


def encompass_notice_get_for(actor, notice_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else encompass_notices_visible(actor), notice_id)


__all__ = [
    "can",
    "require",
    "require_role",
    "contacts_visible",
    "enquiries_visible",
    "agency_requests_visible",
    "people_visible",
    "people_linkable",
    "person_full_record_allowed",
    "contact_amend_allowed",
    "encompass_notices_visible",
    "encompass_notice_get_for",
    "work_holders_visible",
    "mash_packs_visible",
    "allocations_closable",
    "contact_viewed_as",
    "memberships_allowed",
    "contact_get_for",
    "enquiry_get_for",
    "agency_request_get_for",
    "early_help_requests_visible",
    "early_help_request_get_for",
    "person_get_for",
]
