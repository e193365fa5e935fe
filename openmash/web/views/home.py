"""Signing in and out, the dashboard and switching role."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.actor import actor_for_user
from openmash.access.fields import contact_view
from openmash.access.policy import (
    can,
    does_case_work,
    role_grants_decidable,
    setting_changes_decidable,
    works_for_a_school,
    works_for_early_help_service,
)
from openmash.casework import selectors as casework_selectors
from openmash.contacts import selectors as contact_selectors
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.partnership.selectors import outcome_codes_list
from openmash.people.names import names_resolve
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.forms import LoginForm, RoleSwitchForm
from openmash.web.paging import pagination


@method_decorator(require_http_methods(["GET", "HEAD", "POST"]), name="dispatch")  # before the signed-in redirect
class LoginView(auth_views.LoginView):
    """The password step. A right password leads to the second factor (ADR 0011: openmash.accounts.mfa_views), which
    then goes on to where the user was going (`next`)."""

    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from openmash.accounts.sso import login_page_context

        return {**super().get_context_data(**kwargs), **login_page_context(self.request)}

    def get_success_url(self):
        from urllib.parse import urlencode

        from django.urls import reverse

        if getattr(self.request.user, "is_verified", lambda: False)():
            return super().get_success_url()
        return reverse("mfa:verify") + "?" + urlencode({"next": super().get_success_url()})


@require_POST
def session_keep_alive(request):
    """ "Stay signed in" in the timeout warning (practitioner review, fault 2). Any request made while signed in moves
    the idle limit on (SESSION_SAVE_EVERY_REQUEST); this one does nothing else. 204, or 401 when the session has
    already ended (the page then goes to the sign-in page), 403 without an active membership. No personal data in
    or out."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    if actor_for_user(request.user, membership_id=request.session.get("membership_id")) is None:
        return HttpResponse(status=403)  # no active membership (a deactivated agency): nothing to keep
    return HttpResponse(status=204)


@require_POST
def session_timeout(request):
    """The idle limit reached in the browser (the timeout warning ran out): a contact being recorded, posted with
    this request from the intake page, is kept as the user's draft (contacts.services.intake_draft_save; restored
    when they sign in again), then the user is signed out. 204 either way (401 if already signed out, and nothing is
    kept: a draft belongs to a signed-in user only). The posted answers never reach a URL or a log."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    actor = actor_for_user(request.user, membership_id=request.session.get("membership_id"))
    if actor is not None and can(actor, "contact.create") and "children-TOTAL_FORMS" in request.POST:
        from openmash.web.views.contacts import INTAKE, draft_keep

        intake = request.session.get(INTAKE) or {"selected": []}
        request.actor = actor
        draft_keep(request, {"selected": intake.get("selected") or []}, request.POST)
    logout(request)
    return HttpResponse(status=204)


@require_POST
def logout_view(request):
    """Sign out (POST with the CSRF token only): the session ends (audited `logout`), then the sign-in page says
    "You have signed out". A session that came from single sign-on, with the provider's end-session endpoint
    configured, is then sent to the provider to sign out there too, which sends the browser back to the sign-in page
    (OIDC RP-Initiated Logout 1.0; openmash.accounts.sso.provider_logout_url, named by OIDC_OP_LOGOUT_URL_METHOD)."""
    end_session = import_string(settings.OIDC_OP_LOGOUT_URL_METHOD)(request)  # before logout: it reads the session
    logout(request)
    messages.success(request, "You have signed out.")
    if end_session:
        return HttpResponseRedirect(end_session)
    return redirect("web:login")


def _contact_rows(actor, contacts) -> list[dict]:
    labels = {o.code: o.label for o in outcome_codes_list(active_only=False)}
    rows = []
    for c in contacts:
        view = contact_view(actor, c)
        rows.append(
            {
                "contact": c,
                "subjects": presenters.subjects(c, view),
                "outcome": presenters.contact_outcome(c, labels, view),
            }
        )
    return rows


@require_safe
@actor_required
def home(request):
    """The dashboard. Hub tiles link to the filtered lists whose totals they show; the referrer's own contacts,
    a social worker's routed contacts and the notifications are paged lists (page, routed_page,
    notifications_page), each with its true total."""
    actor = request.actor
    ctx: dict = {"nav_active": "home"}
    # Which panels the dashboard shows is presentation only: every list below is filtered by the access policy.
    if can(actor, "contact.screen"):
        ctx["hub"] = web_selectors.hub_counts(actor=actor)
    if can(actor, "flag.view"):  # issue 8: patterns across agencies and the watch-list (hub only)
        from openmash.patterns.selectors import open_flags_count, watch_count

        ctx["flags_open"] = open_flags_count(actor=actor)
        ctx["watching"] = watch_count(actor=actor)
    if can(actor, "request.inbox"):
        ctx["inbox"] = web_selectors.inbox_counts(actor=actor)
    if works_for_early_help_service(actor):  # hand-overs from the MASH waiting for the early help service
        ctx["early_help_open"] = enquiry_selectors.early_help_open_count(actor=actor)
    if works_for_a_school(actor):  # Operation Encompass notices the school has not opened yet
        ctx["encompass_unread"] = contact_selectors.encompass_unread_count(actor=actor)
    if can(actor, "contact.create") and not can(actor, "contact.screen"):
        mine = web_selectors.contacts_recorded(actor=actor, page=request.GET.get("page"))
        ctx["my_contacts"] = _contact_rows(actor, mine)
        ctx["my_page"] = mine
        ctx["my_pagination"] = pagination(request, mine, label="My contacts pages")
    if can(actor, "contacts.routed"):
        routed = contact_selectors.routed_contacts(actor=actor, page=request.GET.get("routed_page"))
        acknowledged = casework_selectors.acknowledged_contact_ids(actor=actor, contact_ids=[c.pk for c in routed])
        ctx["routed"] = [
            {"contact": c, "subjects": presenters.subjects(c), "acknowledged": c.pk in acknowledged} for c in routed
        ]
        names_resolve(p for row in ctx["routed"] for p in row["subjects"])  # the resolved names (finding 2)
        ctx["routed_page"] = routed
        ctx["routed_pagination"] = pagination(request, routed, param="routed_page", label="Contacts passed to you")
    if can(actor, "allocation.assign"):
        ctx["packs_to_allocate"] = casework_selectors.packs_to_allocate_count(actor=actor)
    if can(actor, "pack.view") and not can(actor, "contact.screen"):
        # MASH packs of the children allocated to this worker (casework: access.policy.mash_packs_visible)
        packs = casework_selectors.mash_pack_page(actor=actor, limit=10)
        ctx["mash_packs"] = casework_selectors.pack_rows(actor, packs.packs)
        ctx["mash_packs_total"] = packs.total
    _governance_work(actor, ctx)
    ctx["case_work"] = does_case_work(actor)
    # The newest few only (practitioners' review: 35 unread notices pushed the page's work down); the rest, paged,
    # on the notifications page, where "Mark all as read" is too.
    notifications = enquiry_selectors.notifications_for(actor=actor, page=1, page_size=HOME_NOTIFICATIONS)
    ctx["notifications"] = _notification_rows(actor, notifications)
    ctx["notifications_total"] = notifications.count
    ctx["notifications_more"] = notifications.count > len(ctx["notifications"])
    ctx["unread"] = enquiry_selectors.unread_count(actor=actor)
    memberships = web_selectors.memberships_for(user=request.user)
    if len(memberships) > 1:
        ctx["switch_form"] = RoleSwitchForm(
            initial={"membership_id": str(actor.membership.pk)}, memberships=memberships
        )
    return render(request, "web/home.html", ctx)


#: How many notifications the home page lists (newest first); the notifications page has them all, paged.
HOME_NOTIFICATIONS = 5


def _notification_rows(actor, notifications) -> list[dict]:
    targets = web_selectors.notification_targets(actor=actor, notifications=notifications.items)
    return [{"n": n, "target": targets.get(n.pk)} for n in notifications]


@require_safe
@actor_required
def notifications(request):
    """All the actor's own notifications, newest first, paged (`page`), with "Mark all as read" when any is unread.
    Notifications carry references only (no personal data), so the page is not audited, as the home page's list
    is not."""
    actor = request.actor
    page = enquiry_selectors.notifications_for(actor=actor, page=request.GET.get("page"))
    ctx = {
        "nav_active": "home",
        "notifications": _notification_rows(actor, page),
        "notifications_page": page,
        "notifications_pagination": pagination(request, page, label="Notification pages"),
        "unread": enquiry_selectors.unread_count(actor=actor),
    }
    return render(request, "web/notifications.html", ctx)


@require_POST
@actor_required
def notifications_read_all(request):
    """ "Mark all as read" (POST with the CSRF token): every unread notification of the actor's own is marked read
    now (enquiries.services.notifications_mark_all_read). Not audited: marking read is not audited anywhere (opening
    a contact marks its notices read unaudited), and it touches no personal data. Redirects to the notifications
    page, or home when `next` is "home"."""
    from openmash.enquiries.services import notifications_mark_all_read

    marked = notifications_mark_all_read(actor=request.actor)
    if marked:
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
    return redirect("web:home" if request.POST.get("next") == "home" else "web:notifications")


def _governance_work(actor, ctx: dict) -> None:
    """The home page's work of the roles with no case work: the partnership admin's (approvals, lockouts), the
    auditor's (the trail, refused requests) and the privacy officer's (break-glass alerts to review: issue 7)."""
    if can(actor, "partnership.configure"):  # the partnership admin's own work: approvals, lockouts, starters
        from openmash.accounts.lockout import locked_accounts
        from openmash.accounts.models import User

        locked = locked_accounts()
        ctx["admin_work"] = {
            "approvals": role_grants_decidable(actor).count(),
            "setting_changes": setting_changes_decidable(actor).count(),
            "locked": list(User.objects.filter(username__in=locked).order_by("username").values("pk", "username")),
        }
    if can(actor, "audit.view"):  # the auditor's: the trail, and how many requests were refused this week
        from openmash.audit.selectors import denied_recent_count

        ctx["audit_work"] = {"denied": denied_recent_count(actor=actor, days=7), "days": 7}
        ctx["audit_work"]["since"] = timezone.localdate() - dt.timedelta(days=7)
    if can(actor, "privacy.review"):  # the privacy officer's: break-glass alerts waiting for review (issue 7)
        from openmash.oversight.selectors import unreviewed_count

        ctx["privacy_work"] = {"unreviewed": unreviewed_count(actor=actor)}


@require_POST
@actor_required
def switch_role(request):
    memberships = web_selectors.memberships_for(user=request.user)
    form = RoleSwitchForm(request.POST, memberships=memberships)
    if not form.is_valid():
        messages.error(request, "Choose one of your roles.")
        return redirect("web:home")
    chosen = next(m for m in memberships if str(m.pk) == form.cleaned_data["membership_id"])
    request.session["membership_id"] = str(chosen.pk)
    messages.success(request, f"You are now acting as {chosen.get_role_display()} at {chosen.agency.name}.")
    return redirect("web:home")
