"""The partnership admin's people pages: starters and leavers, roles and teams, unlocking, agencies and teams.

Only the partnership admin (`partnership.configure`) may open them; everyone else gets 403. Every change goes
through openmash.accounts.admin_services (atomic, audited); edit forms carry the row's updated_at so a change made
by someone else in the meantime is reported, never overwritten. No password is ever shown: a starter gets a
one-time set-password link, shown once on the page that created it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openmash.access.policy import (
    can,
    mfa_resets_decidable,
    require,
    role_grant_has_approver,
    role_grant_manager_may_decide,
    role_grants_decidable,
)
from openmash.accounts import admin_services as svc
from openmash.accounts.models import Agency, Membership, RoleGrant, Team, User
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.core.filter_stash import filter_get, filter_stash
from openmash.core.text import possessive
from openmash.core.views import actor_required
from openmash.partnership.people_forms import (
    AgencyDeactivateForm,
    AgencyForm,
    MembershipEditForm,
    RoleAddForm,
    TeamForm,
    UserDeactivateForm,
    UserNewForm,
)

PAGE_SIZE = 25
_PENDING_MESSAGE = (
    "The role is waiting for approval by another partnership admin (or a MASH manager of the agency, for a case "
    "role). It takes effect when they approve it."
)


def _admin(request) -> None:
    require(request.actor, "partnership.configure")


def _apply_errors(form, exc: ValidationFailed | Conflict) -> None:
    """Put a service's field errors on the form's fields (others on the form itself)."""
    if isinstance(exc, Conflict) or not exc.errors:
        form.add_error(None, exc.message)
        return
    for field, msgs in exc.errors.items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)


def _locked_usernames(usernames) -> set[str]:
    from openmash.accounts.lockout import locked_usernames

    return locked_usernames(list(usernames))


def _link(request, path: str) -> str:
    return request.build_absolute_uri(path)


# --- users ----------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def users_list(request):
    """All users, filtered by a search on username or name, 25 a page. The search posts and is kept server-side
    under a short-lived id (core.filter_stash): the URL and the page links carry ?f=<id>, never the name typed
    (issue 6 security review; ASVS 5.0 14.2.1)."""
    _admin(request)
    if request.method == "POST":
        if not request.POST.get("q", "").strip():
            return redirect("partnership:users")
        return redirect(f"{reverse('partnership:users')}?f={filter_stash(request, 'users', request.POST, ['q'])}")
    filter_id = request.GET.get("f", "")
    stashed = filter_get(request, "users", filter_id)
    q = (stashed.get("q", "") if stashed else "").strip()[:100]
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("agency", "team"))
    )
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = _locked_usernames(u.username for u in page)
    audit_record(actor=request.actor, action="list", object_type="accounts.user", detail={"count": len(page)})
    return render(
        request,
        "partnership/users_list.html",
        {
            "page": page,
            "q": q,
            "filter_id": filter_id if q else "",
            "locked": locked,
            "nav_active": "partnership",
            "total": page.paginator.count,
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def user_new(request):
    """A starter: the user and their first role, which waits for a second person's approval (dual control); the
    one-time set-password link is shown to the approver, never to the admin who made the account."""
    _admin(request)
    form = UserNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            user = svc.user_add(
                actor=request.actor,
                username=cd["username"],
                memberships=[svc.MembershipSpec(agency=cd["agency"], role=cd["role"], team=cd["team"].strip())],
                display_name=cd["name"],
                job_title=cd["job_title"],
                email=cd["email"],
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            # Dual control (issue 6 security review, fault 1): the role waits for a second person, who is shown the
            # set-password link when they approve it; the admin who made the account never sees it.
            return render(
                request,
                "partnership/users_link.html",
                {
                    "user_obj": user,
                    "link": None,
                    "pending": _pending(user),
                    "created": True,
                    "nav_active": "partnership",
                },
            )
    return render(request, "partnership/users_new.html", {"form": form, "nav_active": "partnership"})


def _pending(user) -> list:
    """The user's pending RoleGrants, each marked `no_approver` when nobody could approve it yet."""
    grants = list(svc.pending_grants(user))
    for g in grants:
        g.no_approver = not role_grant_has_approver(g)
        g.approver_hint = "another active partnership admin" + (
            f", or a MASH manager of {g.agency.name}" if role_grant_manager_may_decide(g) else ""
        )
    return grants


def _user_context(request, user, *, forms=None, role_form=None):
    memberships = list(user.memberships.select_related("agency", "team").order_by("created_at"))
    forms = forms or {}
    return {
        "user_obj": user,
        "rows": [(m, forms.get(m.pk) or MembershipEditForm(membership=m)) for m in memberships],
        "role_form": role_form or RoleAddForm(),
        "locked": bool(_locked_usernames([user.username])),
        "own_account": user.pk == request.actor.user.pk,
        "pending": _pending(user),
        "mfa": _mfa_status(user),
        "form": next((f for f in [*forms.values(), role_form] if f is not None and f.errors), None),
        "nav_active": "partnership",
    }


def _mfa_status(user) -> dict:
    """The user's second factors and sessions, for their page: whether they have an app, how many keys and recovery
    codes, a pending reset (who asked, when), and how many live sessions they have."""
    from openmash.accounts import mfa
    from openmash.accounts.models import AppDevice, MfaReset
    from openmash.core.sessions import sessions_for_user

    return {
        "app": AppDevice.objects.filter(user=user, confirmed=True).exists(),
        "keys": mfa.security_keys(user).count(),
        "codes_left": mfa.recovery_codes_left(user),
        "pending_reset": MfaReset.objects.filter(user=user, status=MfaReset.Status.PENDING)
        .select_related("requested_by")
        .first(),
        "sessions": len(sessions_for_user(user.pk)),
    }


def _sessions_end(request, user) -> None:
    """End every session of the user (not one's own: the service of the account page does that), audited
    `sessions_end` with the number ended."""
    from openmash.core.sessions import sessions_end_for_users

    require(request.actor, "session.end_for_user")
    if user.pk == request.actor.user.pk:
        messages.error(request, "To sign yourself out everywhere, use your own account page.")
        return
    ended = sessions_end_for_users([user.pk])
    audit_record(actor=request.actor, action="sessions_end", obj=user, detail={"sessions_ended": ended})
    messages.success(request, f"{user.username} has been signed out of {ended} session{'s' if ended != 1 else ''}.")


@require_http_methods(["GET", "POST"])
@actor_required
def user_detail(request, user_id: int):
    """A user's roles (change role or team, remove a role), add a role, deactivate or reactivate, unlock, a
    set-password link for a starter who has never set a password, or a password reset emailed to an existing user.
    Each form posts an `action`; the service refuses changes to one's own account (audited)."""
    _admin(request)
    user = get_object_or_404(User, pk=user_id)
    if request.method == "GET":
        audit_record(actor=request.actor, action="view", obj=user)
        return render(request, "partnership/users_detail.html", _user_context(request, user))
    action = request.POST.get("action", "")
    try:
        if action in ("role_edit", "role_add"):
            page = (_role_edit if action == "role_edit" else _role_add)(request, user)
            if page is not None:
                return page
        elif action == "deactivate":  # the confirmation page, with the reason the service requires
            svc.user_set_active(
                actor=request.actor, username=user.username, active=False, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{user.username} is now deactivated.")
        elif action == "reactivate":
            back = svc.user_set_active(actor=request.actor, username=user.username, active=True)
            waiting = back.grants_pending
            held = f" {waiting} of their roles must be approved by another admin first." if waiting else ""
            messages.success(request, f"{user.username} is now active.{held}")
        elif action == "unlock":
            cleared = svc.user_unlock(actor=request.actor, username=user.username)
            messages.success(
                request, f"{user.username} is unlocked." if cleared else f"{user.username} was not locked out."
            )
        elif action == "link":  # a starter who has never set a password only (the service refuses anyone else)
            link = svc.user_set_password_link(actor=request.actor, username=user.username)
            return render(
                request,
                "partnership/users_link.html",
                {"user_obj": user, "link": _link(request, link), "created": False, "nav_active": "partnership"},
            )
        elif action == "mfa_reset":  # dual control: another partnership admin approves it on the approvals page
            from openmash.accounts.mfa import mfa_reset_request

            mfa_reset_request(actor=request.actor, user_id=user.pk, reason=request.POST.get("reason", ""))
            messages.success(
                request,
                f"The reset of {possessive(user.username)} second factor is waiting for another partnership admin to "
                "approve it. Nothing changes until then.",
            )
        elif action == "sessions_end":
            _sessions_end(request, user)
        elif action == "reset":  # an existing user: the link goes to their own email address, never to the admin
            # the emailed link starts with the configured site address (OPENMASH_BASE_URL); this page's own
            # address only where none is configured
            fallback = "" if settings.OPENMASH_BASE_URL else request.build_absolute_uri("/")
            svc.user_password_reset(actor=request.actor, username=user.username, base_url=fallback)
            messages.success(
                request, f"{possessive(user.username)} password was reset. A link to set a new one was emailed to them."
            )
        else:
            messages.error(request, "Choose an action.")
    except (ValidationFailed, Conflict, NotFound, PermissionDenied) as exc:
        messages.error(request, exc.message)
    return redirect("partnership:user_detail", user_id=user.pk)


@require_http_methods(["GET", "POST"])
@actor_required
def user_deactivate(request, user_id: int):
    """Deactivate a leaver: a confirmation page naming the user and what happens, with a required reason that is
    kept in the audit event (accounts.admin_services.user_set_active); then back to the user's page."""
    _admin(request)
    from openmash.enquiries.assignment import holder_name, work_held_by, work_recipients

    user = get_object_or_404(User, pk=user_id)
    held = work_held_by(user.pk)  # counts only: the warning that they hold hub work (issue 5 review, fault 2)
    # only colleagues who can sign in and work now (password set, second factor enrolled, active hub role)
    colleagues = {m.user_id: holder_name(m.user) for m in work_recipients(exclude_user_id=user.pk)}
    colleagues = sorted(colleagues.items(), key=lambda kv: kv[1].lower()) if held["total"] else []
    form = UserDeactivateForm(request.POST or None, colleagues=colleagues)
    if request.method == "GET":
        audit_record(actor=request.actor, action="view", obj=user)
    elif form.is_valid():
        to = form.cleaned_data.get("hand_work_to") or None
        try:
            done = svc.user_set_active(
                actor=request.actor,
                username=user.username,
                active=False,
                reason=form.cleaned_data["reason"],
                hand_work_to=to,
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            moved = getattr(done, "work_moved", 0)
            where = (
                f"handed to {dict(colleagues).get(int(to), 'the colleague you chose')}"
                if to
                else ("put back on the shared queue")
            )
            note = f" The {moved} item{'s' if moved != 1 else ''} they held {'were' if moved != 1 else 'was'} {where}."
            messages.success(request, f"{user.username} is now deactivated." + (note if moved else ""))
            return redirect("partnership:user_detail", user_id=user.pk)
    ctx = {
        "user_obj": user,
        "form": form,
        "held": held if held["total"] else None,
        "own_account": user.pk == request.actor.user.pk,
        "nav_active": "partnership",
    }
    return render(request, "partnership/users_deactivate.html", ctx)


def _role_edit(request, user):
    """Change one of the user's roles: None when saved or sent for approval (the caller redirects), or the page with
    the form's errors."""
    membership = get_object_or_404(Membership, pk=request.POST.get("membership"), user=user)
    form = MembershipEditForm(request.POST, membership=membership)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            result = svc.membership_update(
                actor=request.actor,
                membership_id=membership.pk,
                role=cd["role"],
                team_id=cd["team"] or None,
                active=cd["active"],
                expected_updated_at=cd["updated_at"],
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _PENDING_MESSAGE if isinstance(result, RoleGrant) else "Role updated.")
            return None
    return render(request, "partnership/users_detail.html", _user_context(request, user, forms={membership.pk: form}))


def _role_add(request, user):
    """Give the user another role: None when saved, or the page with the form's errors."""
    form = RoleAddForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            result = svc.membership_add(
                actor=request.actor,
                username=user.username,
                spec=svc.MembershipSpec(agency=cd["agency"], role=cd["role"], team=cd["team"].strip()),
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _PENDING_MESSAGE if isinstance(result, RoleGrant) else "Role added.")
            return None
    return render(request, "partnership/users_detail.html", _user_context(request, user, role_form=form))


# --- dual control: approving role grants ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def approvals(request):
    """Roles waiting for a second person (dual control, ASVS 5.0 2.3.5 / 8.4.2; issue 6 security review, fault 1):
    another partnership admin, or a MASH manager for a case role in their agency (access.policy
    role_grants_decidable), approves or rejects each. Approving a starter's role shows the approver, once, the
    starter's set-password link. Reading the list is audited (`list` of the grants shown); decisions are audited by
    the service. Everyone else: 403."""
    require(request.actor, "role_grant.decide")
    if request.method == "POST" and request.POST.get("mfa_reset"):
        return _mfa_reset_decide(request)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("approve", "reject"):
            messages.error(request, "Choose approve or reject.")
            return redirect("partnership:approvals")
        try:
            result = svc.role_grant_decide(
                actor=request.actor, grant_id=request.POST.get("grant", ""), approve=decision == "approve"
            )
        except NotFound:
            messages.error(request, "That request is no longer waiting for you.")
            return redirect("partnership:approvals")
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
            return redirect("partnership:approvals")
        grant = result.grant
        if result.link:
            return render(
                request,
                "partnership/users_link.html",
                {"user_obj": grant.user, "link": _link(request, result.link), "approved": grant, "created": False},
            )
        messages.success(
            request,
            f"{grant.user.username}: {grant.get_role_display()} {'approved' if decision == 'approve' else 'rejected'}.",
        )
        return redirect("partnership:approvals")
    grants = list(role_grants_decidable(request.actor).select_related("user", "agency", "requested_by", "membership"))
    asked = []
    if can(request.actor, "partnership.configure"):
        asked = list(
            RoleGrant.objects.filter(status=RoleGrant.Status.PENDING, requested_by=request.actor.user).select_related(
                "user", "agency"
            )
        )
    audit_record(
        actor=request.actor,
        action="list",
        object_type="accounts.rolegrant",
        detail={"count": len(grants), "ids": [str(g.pk) for g in grants][:50]},
    )
    resets = list(mfa_resets_decidable(request.actor).select_related("user", "requested_by"))
    if resets:
        audit_record(
            actor=request.actor,
            action="list",
            object_type="accounts.mfareset",
            detail={"count": len(resets), "ids": [str(r.pk) for r in resets][:50]},
        )
    return render(
        request,
        "partnership/approvals.html",
        {
            "grants": grants,
            "asked": asked,
            "resets": resets,
            "nav_active": "approvals",
        },
    )


def _mfa_reset_decide(request):
    """Approve or reject a pending reset of a user's second factor (dual control; accounts.mfa.mfa_reset_decide)."""
    from openmash.accounts.mfa import mfa_reset_decide

    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose approve or reject.")
        return redirect("partnership:approvals")
    try:
        reset = mfa_reset_decide(actor=request.actor, reset_id=request.POST["mfa_reset"], approve=decision == "approve")
    except (NotFound, ValidationError):
        messages.error(request, "That request is no longer waiting for you.")
        return redirect("partnership:approvals")
    if decision == "approve":
        messages.success(
            request,
            f"{possessive(reset.user.username)} second factor has been reset and they have been signed out. They set "
            "up an authenticator app again when they next sign in.",
        )
    else:
        messages.success(request, f"The reset of {possessive(reset.user.username)} second factor was rejected.")
    return redirect("partnership:approvals")


# --- agencies and teams -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def agencies_list(request):
    """Every agency (active or not) with its teams, and the form to add one."""
    _admin(request)
    form = AgencyForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "reactivate":  # deactivating asks first, with a reason (agency_deactivate)
            try:
                agency = svc.agency_set_active(
                    actor=request.actor,
                    code=request.POST.get("code", ""),
                    active=True,
                    expected_updated_at=request.POST.get("updated_at") or None,
                )
            except (ValidationFailed, Conflict, NotFound) as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{agency.name} is now active.")
            return redirect("partnership:agencies")
        if request.POST.get("action") == "deactivate":  # an old page's button: the confirmation page instead
            code = request.POST.get("code", "")
            if Agency.objects.filter(code=code).exists():
                return redirect("partnership:agency_deactivate", code=code)
            messages.error(request, f"No agency with the code {code}")
            return redirect("partnership:agencies")
        if form.is_valid():
            try:
                agency, _ = svc.agency_upsert(actor=request.actor, data=form.cleaned_data, must_be_new=True)
            except (ValidationFailed, Conflict) as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"{agency.name} added.")
                return redirect("partnership:agency_detail", code=agency.code)
    agencies = Agency.objects.order_by("name").prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"))
    )
    return render(
        request,
        "partnership/agencies_list.html",
        {"agencies": agencies, "form": form if form.is_bound else None, "new_form": form, "nav_active": "partnership"},
    )


@require_http_methods(["GET", "POST"])
@actor_required
def agency_deactivate(request, code: str):
    """Deactivate an agency: a confirmation page naming the agency, how many active users it has and what happens,
    with a required reason kept in the audit event (accounts.admin_services.agency_set_active), as for a user
    (user_deactivate); then back to the agencies. An agency already deactivated goes back to the list."""
    _admin(request)
    agency = get_object_or_404(Agency, code=code)
    if not agency.active:
        messages.error(request, f"{agency.name} is already deactivated.")
        return redirect("partnership:agencies")
    form = AgencyDeactivateForm(request.POST or None, initial={"updated_at": agency.updated_at.isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            svc.agency_set_active(
                actor=request.actor,
                code=agency.code,
                active=False,
                reason=form.cleaned_data["reason"],
                expected_updated_at=form.cleaned_data["updated_at"] or None,
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{agency.name} is now deactivated.")
            return redirect("partnership:agencies")
    members = (
        Membership.objects.filter(agency=agency, active=True, user__is_active=True).values("user_id").distinct().count()
    )
    ctx = {"agency": agency, "form": form, "members": members, "nav_active": "partnership"}
    return render(request, "partnership/agency_deactivate.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def agency_detail(request, code: str):
    """Edit an agency (concurrent edits detected) and add teams to it."""
    _admin(request)
    agency = get_object_or_404(Agency, code=code)
    initial = {
        "code": agency.code,
        "name": agency.name,
        "type": agency.agency_type,
        "source_code": agency.source_code,
        "health_service": agency.health_service,
        "hub": agency.is_hub,
        "updated_at": agency.updated_at.isoformat(),
    }
    action = request.POST.get("action") if request.method == "POST" else None
    form = AgencyForm(request.POST if action == "edit" else None, initial=initial)
    form.fields["code"].disabled = True  # the code identifies the agency everywhere: it never changes
    team_form = TeamForm(request.POST if action == "team" else None)
    if action == "edit" and form.is_valid():
        data = {**form.cleaned_data, "code": agency.code}
        try:
            svc.agency_upsert(
                actor=request.actor, data=data, expected_updated_at=form.cleaned_data["updated_at"] or None
            )
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Agency saved.")
            return redirect("partnership:agency_detail", code=agency.code)
    if action == "team" and team_form.is_valid():
        try:
            _, created = svc.team_add(actor=request.actor, agency_code=agency.code, name=team_form.cleaned_data["name"])
        except (ValidationFailed, Conflict) as exc:
            _apply_errors(team_form, exc)
        else:
            messages.success(request, "Team added." if created else "That team already exists.")
            return redirect("partnership:agency_detail", code=agency.code)
    return render(
        request,
        "partnership/agency_detail.html",
        {
            "agency": agency,
            "edit_form": form,
            "team_form": team_form,
            "teams": agency.teams.order_by("name"),
            "form": next((f for f in (form, team_form) if f.is_bound and f.errors), None),
            "nav_active": "partnership",
        },
    )
