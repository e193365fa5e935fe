"""Step-up authentication (OWASP ASVS 5.0 7.5.3, Level 3): before a highly sensitive action (break-glass now; exports
later) the signed-in user enters their password again. The proof is kept in their session, for that user only, and
is fresh for OPENMASH_STEPUP_SECONDS (default 300) from when it was given (server clock, UTC).

Interface for the views that need it:

- ``stepup_fresh(request) -> bool``: whether the session holds a fresh step-up by the signed-in user;
- ``stepup_required(request, *, next_url) -> HttpResponse | None``: None when fresh, else a redirect to the step-up
  page, which sends the user back to `next_url` (a path on this site only) once they have confirmed;
- ``stepup_verify(request, password) -> StepUpResult``: the check itself (the page and the API use it).

A wrong password is a failed authentication like a failed sign-in: Django's ``authenticate`` runs the same backends,
so django-axes counts it toward the lockout of openmash/accounts/lockout.py (per username and address, and the
account-wide hourly cap), Django's ``user_login_failed`` is audited as `login_failed`, and this module adds a
`stepup_failed` event; once the account is locked the session is ended and the lockout page shown. A success is
audited as `stepup`. Nothing typed is ever stored or logged.

A second factor (MFA, added by django-otp in another change) belongs in ``stepup_second_factor``: give StepUpForm its
token field (or a WebAuthn assertion) and verify it there against the user's confirmed devices; the page already
shows the form's errors in the GOV.UK error summary and marks the session fresh only when both checks pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from openmash.audit.services import audit_record
from openmash.core.text import CleanTextFormMixin
from openmash.core.views import actor_required

SESSION_KEY = "openmash_stepup"
STEPUP_OBJECT = "accounts.user"


def stepup_fresh(request) -> bool:
    """True when the session holds a step-up by the signed-in user given less than OPENMASH_STEPUP_SECONDS ago."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    held = request.session.get(SESSION_KEY) or {}
    if held.get("user") != user.pk or not isinstance(held.get("at"), int | float):
        return False
    age = timezone.now().timestamp() - held["at"]
    return 0 <= age < settings.OPENMASH_STEPUP_SECONDS


def stepup_mark(request) -> None:
    """Record in the session that the signed-in user has just stepped up (now, UTC seconds)."""
    request.session[SESSION_KEY] = {"user": request.user.pk, "at": timezone.now().timestamp()}


def stepup_clear(request) -> None:
    """Forget a step-up (after the sensitive action, when the caller wants every use to ask again)."""
    request.session.pop(SESSION_KEY, None)


def safe_next(request, next_url: str | None) -> str:
    """`next_url` when it is a path on this site, else the home page (never an open redirect)."""
    if (
        next_url
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
        and next_url.startswith("/")
    ):
        return next_url
    return reverse("web:home")


def stepup_required(request, *, next_url: str) -> HttpResponse | None:
    """None when the session's step-up is fresh; otherwise a redirect (302) to the step-up page, which returns the
    user to `next_url` (a path on this site) after they confirm their password."""
    if stepup_fresh(request):
        return None
    return HttpResponseRedirect(f"{reverse('stepup:confirm')}?{urlencode({'next': safe_next(request, next_url)})}")


@dataclass(frozen=True)
class StepUpResult:
    ok: bool
    locked: bool = False


def stepup_verify(request, password: str, *, actor=None) -> StepUpResult:
    """Check the acting user's password (and, later, their second factor) through Django's authenticate, so the
    lockout rules apply. The user is the actor's (an API bearer token's owner) or the signed-in user. On success a
    signed-in session of that user is marked fresh and `stepup` audited; on failure `stepup_failed` is audited
    (django-axes counts the failure; Django's signal writes `login_failed`). `locked`: django-axes refused the
    attempt because the username is locked; the page ends the session."""
    user = getattr(actor, "user", None) or request.user
    checked = authenticate(request, username=user.get_username(), password=password or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    with transaction.atomic():
        if checked is not None and checked.pk == user.pk and not locked:
            if getattr(request.user, "pk", None) == user.pk:
                stepup_mark(request)
            audit_record(actor=actor, user=user, action="stepup", object_type=STEPUP_OBJECT, object_id=str(user.pk))
            return StepUpResult(ok=True)
        audit_record(
            actor=actor,
            user=user,
            action="stepup_failed",
            object_type=STEPUP_OBJECT,
            object_id=str(user.pk),
            detail={"locked": locked},
        )
    return StepUpResult(ok=False, locked=locked)


def stepup_second_factor(request, form) -> str | None:
    """The place for a second factor at step-up (module docstring): return an error message for the form, or None
    when the factor checks out. Today there is none to check."""
    return None


class StepUpForm(CleanTextFormMixin, forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "spellcheck": "false"}),
        error_messages={"required": "Enter your password"},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


WRONG_PASSWORD = "Enter your correct password"


@require_http_methods(["GET", "POST"])
@actor_required
def stepup_view(request):
    """The step-up page: GET shows the password box (and why it is asked); POST checks it. Success: back to `next`.
    Failure: the GOV.UK error summary ("Enter your correct password"); a locked account is signed out and shown the
    lockout page."""
    data = request.POST if request.method == "POST" else None
    form = StepUpForm(data, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        result = stepup_verify(request, form.cleaned_data["password"], actor=request.actor)
        if result.locked:
            logout(request)
            return render(request, "web/lockout.html", status=403)
        if result.ok:
            problem = stepup_second_factor(request, form)
            if problem is None:
                return redirect(safe_next(request, form.cleaned_data.get("next")))
            stepup_clear(request)
            form.add_error(None, problem)
        else:
            form.add_error("password", WRONG_PASSWORD)
    return render(
        request,
        "accounts/stepup.html",
        {"form": form, "minutes": max(1, settings.OPENMASH_STEPUP_SECONDS // 60)},
        status=200,
    )


app_name = "stepup"
urlpatterns = [path("", stepup_view, name="confirm")]
