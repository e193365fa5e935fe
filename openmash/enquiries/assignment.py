"""Sharing out the hub's work: who holds a contact awaiting screening or an open MASH enquiry (issue 5).

- A screener or manager *takes* an unheld item for themselves ("assigned to me").
- A manager *assigns* or *re-assigns* an item to any hub member who may hold work (or releases it).

Every change is a single conditional UPDATE ("set the holder to B where the holder is still A"), so two people
acting at once cannot both win: exactly one UPDATE matches, the other changes nothing and is told who holds the item
now (Conflict -> 409 in the API, a GOV.UK message on the page). The caller states the holder it saw (`expected`);
taking always expects "nobody". Assignment is deliberately outside the records' version check: taking a contact must
not make someone's amendment of it stale. Access through `openmash.access.policy` ("work.take", "work.assign"); each
change writes one audit event ("take" / "assign") in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openmash.access.policy import (
    CANNOT_SIGN_IN_MESSAGE,
    can,
    contact_get_for,
    contacts_visible,
    enquiries_visible,
    enquiry_get_for,
    memberships_allowed,
    memberships_choosable,
    require,
    work_assignees_visible,
    work_holders_visible,
)
from openmash.audit.services import audit_record
from openmash.contacts.choices import ContactStatus
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.enquiries.choices import EnquiryStatus

ASSIGNED_ANY = ""
ASSIGNED_ME = "me"
ASSIGNED_NONE = "none"
ASSIGNED_LEFT = "left"  # held by someone who can no longer hold work (a leaver, or someone whose role changed)


def holder_name(user) -> str:
    """How a holder is shown to the hub: their display name, else their username."""
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.username


def assigned_filter(actor, value: str) -> Q:
    """The Q for an "assigned" filter value: "" any, "me" held by the actor, "none" held by nobody, "left" held by
    someone who can no longer hold work (deactivated, or no longer a hub screener or manager), or a user id (held
    by that user, current or not). Raises ValidationFailed for anything else."""
    if value in (ASSIGNED_ANY, None):
        return Q()
    if value == ASSIGNED_ME:
        return Q(assigned_to_id=actor.user.pk)
    if value == ASSIGNED_NONE:
        return Q(assigned_to__isnull=True)
    if value == ASSIGNED_LEFT:
        return Q(assigned_to__isnull=False) & ~Q(assigned_to_id__in=memberships_allowed("work.take").values("user_id"))
    if not str(value).isdigit():
        raise ValidationFailed("Check the filters", errors={"assigned": ["Select who holds the work"]})
    return Q(assigned_to_id=int(value))


def work_holders_list(*, actor) -> list:
    """Hub members who may hold work (memberships with their users), by name: the choices for assigning."""
    require(actor, "work.take")
    return list(
        work_holders_visible(actor).select_related("user", "agency").order_by("user__display_name", "user__username")
    )


def former_holders_list(*, actor) -> list:
    """Users who still hold a contact awaiting screening or an open enquiry but can no longer hold work (leavers,
    or people whose role changed), by name: so the lists can be filtered to their work and it is not lost.
    Out: [User]. PermissionDenied without work.take."""
    from openmash.accounts.models import User

    require(actor, "work.take")
    current = memberships_allowed("work.take").values("user_id")
    held = Q(
        pk__in=contacts_visible(actor).filter(status=ContactStatus.AWAITING_SCREENING).values("assigned_to_id")
    ) | Q(pk__in=enquiries_visible(actor).filter(status=EnquiryStatus.OPEN).values("assigned_to_id"))
    return list(User.objects.filter(held).exclude(pk__in=current).order_by("display_name", "username"))


def work_held_by(user_id) -> dict:
    """How much hub work a user holds: {"contacts": contacts awaiting screening, "enquiries": open enquiries,
    "total"}. Counts only (no personal data), for the partnership admin deactivating a leaver; not audited."""
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import Enquiry

    contacts = Contact.objects.filter(assigned_to_id=user_id, status=ContactStatus.AWAITING_SCREENING).count()
    enquiries = Enquiry.objects.filter(assigned_to_id=user_id, status=EnquiryStatus.OPEN).count()
    return {"contacts": contacts, "enquiries": enquiries, "total": contacts + enquiries}


#: Why a hub member cannot be handed work (access.policy.memberships_choosable): shown on the page and in the error.
WORK_RECIPIENT_CANNOT_SIGN_IN = CANNOT_SIGN_IN_MESSAGE


def work_assignees_list(*, actor) -> list:
    """Hub members a manager may give a contact or enquiry to now (access.policy.work_assignees_visible: may hold
    work and can sign in and work), by name: the choices of the assign page. PermissionDenied without work.take."""
    require(actor, "work.take")
    return list(
        work_assignees_visible(actor).select_related("user", "agency").order_by("user__display_name", "user__username")
    )


def work_recipients(*, exclude_user_id=None):
    """Hub memberships whose users a leaver's work may be handed to: access.policy.memberships_choosable("work.take")
    (user, membership and agency active, a hub role that may hold work, and the user can sign in and work now:
    access.actor.can_sign_in_q), the one check every "choose a user" list uses.

    In: the leaver's user id to leave out (or None). Out: a Membership QuerySet (user selected). A user may hold
    several memberships: use distinct user ids. No errors."""
    qs = memberships_choosable("work.take").select_related("user")
    if exclude_user_id is not None:
        qs = qs.exclude(user_id=exclude_user_id)
    return qs


def work_hand_back(*, actor, user_id, to_user_id=None, username: str = "") -> int:
    """A leaver's work goes back to the shared queue (to_user_id None) or to a named colleague who may hold hub work:
    every contact awaiting screening and open enquiry `user_id` holds. Called by the partnership admin's
    deactivation (openmash.accounts.admin_services.user_set_active) inside its transaction; `actor` is the admin's
    Actor, or None with `username` for the command line. Each item moved writes an audit event "assign" (from, to,
    reason "leaver"), as a manager's re-assignment does. Returns the number of items moved. ValidationFailed on
    "hand_work_to" when the colleague cannot hold hub work (or is the leaver), or cannot sign in and work now
    (work_recipients: no password set, no second factor enrolled, inactive)."""
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import Enquiry

    if to_user_id not in (None, ""):
        to_user_id = _user_id_or_none(to_user_id)
        if to_user_id == user_id or not memberships_allowed("work.take").filter(user_id=to_user_id).exists():
            raise ValidationFailed(
                "Choose someone in the hub who can hold this work",
                errors={"hand_work_to": ["Choose a screener or manager in the hub who is not leaving"]},
            )
        if not work_recipients(exclude_user_id=user_id).filter(user_id=to_user_id).exists():
            raise ValidationFailed(
                "Choose someone who can sign in and work",
                errors={"hand_work_to": [WORK_RECIPIENT_CANNOT_SIGN_IN]},
            )
    else:
        to_user_id = None
    now = timezone.now()
    moved = 0
    for model, open_q in (
        (Contact, Q(status=ContactStatus.AWAITING_SCREENING)),
        (Enquiry, Q(status=EnquiryStatus.OPEN)),
    ):
        items = list(model.objects.select_for_update().filter(open_q, assigned_to_id=user_id))
        if not items:
            continue
        model.objects.filter(pk__in=[i.pk for i in items], assigned_to_id=user_id).update(
            assigned_to_id=to_user_id, assigned_at=now if to_user_id else None, updated_at=now
        )
        for item in items:
            audit_record(
                actor=actor,
                username=username,
                action="assign",
                obj=item,
                reason="leaver",
                detail={"from": str(user_id), "to": str(to_user_id) if to_user_id else None},
            )
        moved += len(items)
    return moved


def enquiry_hold_on_opening(*, actor, enquiry, when) -> bool:
    """The screener who screens a contact into a MASH enquiry holds it from the start (practitioner review: a
    screened enquiry started "Held by: Nobody yet"). Called by enquiries.services.screening_record inside its
    transaction, right after it creates `enquiry`. Only for someone who may hold hub work ("work.take"); a manager
    can re-assign it as usual. Audited as a take ("take", from nobody to the screener, reason "screened").
    Returns True when the actor now holds it."""
    if not can(actor, "work.take"):
        return False
    type(enquiry).objects.filter(pk=enquiry.pk, assigned_to__isnull=True).update(
        assigned_to_id=actor.user.pk, assigned_at=when
    )
    enquiry.assigned_to_id, enquiry.assigned_at = actor.user.pk, when
    audit_record(
        actor=actor, action="take", obj=enquiry, reason="screened", detail={"from": None, "to": str(actor.user.pk)}
    )
    return True


def _holder_user_id(actor, user_id):
    """The user id of the hub member to assign to. ValidationFailed on "assign_to" if they may not hold hub work, or
    may but cannot sign in and work now (access.policy.work_assignees_visible, the one check)."""
    if user_id is None:
        return None
    if not work_holders_visible(actor).filter(user_id=user_id).exists():
        raise ValidationFailed(
            "Choose someone in the hub who can hold this work",
            errors={"assign_to": ["Choose a screener or manager in the hub"]},
        )
    if not work_assignees_visible(actor).filter(user_id=user_id).exists():
        raise ValidationFailed("Choose someone who can sign in and work", errors={"assign_to": [CANNOT_SIGN_IN_MESSAGE]})
    return user_id


def _change(
    *, actor, model_qs, get_for, pk, open_filter: Q, closed_message: str, what: str, to_user_id, expected, action
):
    """Move an item's holder from `expected` to `to_user_id` in one conditional UPDATE; audit it. The loser of a
    race to take an item is told who took it ("This contact has already been taken by …")."""
    item = get_for(actor, pk)  # 404 for a record the actor may not see
    if not model_qs.filter(open_filter, pk=item.pk).exists():
        raise Conflict(closed_message)
    if item.assigned_to_id == to_user_id:
        return item  # already so (a double click): nothing to change, nothing to audit
    now = timezone.now()
    updated = (
        model_qs.filter(open_filter, pk=item.pk, assigned_to_id=expected)
        if expected is not None
        else model_qs.filter(open_filter, pk=item.pk, assigned_to__isnull=True)
    ).update(assigned_to_id=to_user_id, assigned_at=now if to_user_id else None, updated_at=now)
    if updated != 1:
        current = model_qs.filter(pk=item.pk).select_related("assigned_to").first()
        holder = holder_name(current.assigned_to) if current and current.assigned_to_id else ""
        if action == "take" and holder:
            raise Conflict(f"This {what} has already been taken by {holder}.")
        raise Conflict(
            f"Someone else has just changed who holds this: it is held by {holder}."
            if holder
            else "Someone else has just changed who holds this: nobody holds it now."
        )
    audit_record(
        actor=actor,
        action=action,
        obj=item,
        detail={"from": str(expected) if expected else None, "to": str(to_user_id) if to_user_id else None},
    )
    item.assigned_to_id, item.assigned_at = to_user_id, (now if to_user_id else None)
    return item


def _contact_args(actor):
    return {
        "model_qs": contacts_visible(actor),
        "get_for": contact_get_for,
        "open_filter": Q(status=ContactStatus.AWAITING_SCREENING),
        "closed_message": "This contact has already been screened, so it is no longer on the screening queue.",
        "what": "contact",
    }


def _enquiry_args(actor):
    return {
        "model_qs": enquiries_visible(actor),
        "get_for": enquiry_get_for,
        "open_filter": Q(status=EnquiryStatus.OPEN),
        "closed_message": "This enquiry has already been decided.",
        "what": "enquiry",
    }


def _user_id_or_none(value):
    """A user id (an integer) from the API or a form; None for "nobody"; ValidationFailed for junk."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("Check who holds this", errors={"assign_to": ["Choose someone in the hub"]}) from None


@transaction.atomic
def contact_take(*, actor, contact_id):
    """The actor takes an unheld contact awaiting screening. Returns the contact; Conflict if someone holds it
    (or it has been screened); 404 if not visible; 403 without "work.take"."""
    require(actor, "work.take")
    return _change(
        actor=actor, pk=contact_id, to_user_id=actor.user.pk, expected=None, action="take", **_contact_args(actor)
    )


@transaction.atomic
def enquiry_take(*, actor, enquiry_id):
    """The actor takes an unheld open enquiry. Conflict if someone holds it or it is decided."""
    require(actor, "work.take")
    return _change(
        actor=actor, pk=enquiry_id, to_user_id=actor.user.pk, expected=None, action="take", **_enquiry_args(actor)
    )


@transaction.atomic
def contact_assign(*, actor, contact_id, assign_to, expected=None):
    """A manager gives a contact awaiting screening to a hub member (`assign_to`: a user id, None to release it).
    `expected` is the holder the manager saw (None = nobody); if the holder changed since, Conflict."""
    require(actor, "work.assign")
    to_user_id = _holder_user_id(actor, _user_id_or_none(assign_to))
    return _change(
        actor=actor,
        pk=contact_id,
        to_user_id=to_user_id,
        expected=_user_id_or_none(expected),
        action="assign",
        **_contact_args(actor),
    )


@transaction.atomic
def enquiry_assign(*, actor, enquiry_id, assign_to, expected=None):
    """A manager gives an open enquiry to a hub member (or releases it, assign_to=None); see contact_assign."""
    require(actor, "work.assign")
    to_user_id = _holder_user_id(actor, _user_id_or_none(assign_to))
    return _change(
        actor=actor,
        pk=enquiry_id,
        to_user_id=to_user_id,
        expected=_user_id_or_none(expected),
        action="assign",
        **_enquiry_args(actor),
    )


def workload_by_holder(*, actor) -> dict:
    """Who holds what in the hub (practitioner review, fault 12): for each hub member who may hold work, and for
    anyone else who still holds an item (a leaver), the contacts awaiting screening and the open enquiries they
    hold, with how many are overdue (and, for contacts, at immediate risk). The same querysets as the lists the
    page links to (contacts.selectors.screening_queue_qs, enquiries.selectors.enquiry_list_qs, filtered by
    holder), so a figure and its list agree. Counts and hub members' names only: not audited.

    Out: {"rows": [{"user_id" (None for the "nobody" row), "name", "current" (may hold work now), "linkable" (the
    lists can be filtered to this row: the nobody row and current holders), "contacts",
    "contacts_overdue", "contacts_immediate", "enquiries", "enquiries_overdue"}], "totals": {the same sums}, "left":
    the same sums over the former holders (held by someone who has left), or None when nobody who left holds work}.
    Rows: hub members by name, then former holders, then "Nobody yet". PermissionDenied without work.take."""
    from django.db.models import Count, Q

    from openmash.accounts.models import User
    from openmash.contacts.selectors import screening_queue_qs
    from openmash.enquiries.models import Enquiry
    from openmash.enquiries.selectors import enquiry_list_qs

    require(actor, "work.take")
    now = timezone.now()
    contacts = {
        r["assigned_to"]: r
        for r in screening_queue_qs(actor=actor)
        .order_by()
        .values("assigned_to")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(screening_due_at__lt=now)),
            immediate=Count("id", filter=Q(immediate_risk=True)),
        )
    }
    enquiries = {
        r["assigned_to"]: r
        for r in Enquiry.objects.filter(pk__in=enquiry_list_qs(actor=actor).values("pk"))  # without its ordering
        .order_by()
        .values("assigned_to")
        .annotate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    }
    members = work_holders_list(actor=actor)
    current = {m.user_id for m in members}
    order = list(dict.fromkeys(m.user_id for m in members))
    others = sorted(({*contacts, *enquiries} - current) - {None})
    users = {u.pk: u for u in User.objects.filter(pk__in=order + others)}

    def row(user_id) -> dict:
        c, e = contacts.get(user_id, {}), enquiries.get(user_id, {})
        return {
            "user_id": user_id,
            "name": holder_name(users.get(user_id)) if user_id else "Nobody yet",
            "current": user_id in current,
            "linkable": True,  # the lists filter by any holder, former ones too (former_holders_list)
            "contacts": c.get("total", 0),
            "contacts_overdue": c.get("overdue", 0),
            "contacts_immediate": c.get("immediate", 0),
            "enquiries": e.get("total", 0),
            "enquiries_overdue": e.get("overdue", 0),
        }

    rows = [row(u) for u in order + others] + [row(None)]
    keys = ("contacts", "contacts_overdue", "contacts_immediate", "enquiries", "enquiries_overdue")
    former = [r for r in rows if r["user_id"] and not r["current"]]
    left = {k: sum(r[k] for r in former) for k in keys} if former else None
    return {"rows": rows, "totals": {k: sum(r[k] for r in rows) for k in keys}, "left": left}
