"""Step-up authentication (OWASP ASVS 5.0 7.5.3, Level 3): before a highly sensitive action (break-glass, the
subject access export) the signed-in user proves again that it is them with their password AND their second factor.
The proof is kept in their session, for that user only, and is fresh for OPENMASH_STEPUP_SECONDS (default 300) from
when it was given (server clock, UTC).

The second factor at step-up (ADR 0011 addendum) is:

- a **current code from their authenticator app** (django-otp TOTP: one step either side; a code at or before the
  last accepted step is refused, so a code used to sign in or at an earlier step-up cannot be replayed);
- or, for a user with **only security keys** (no app), a **WebAuthn assertion** (py_webauthn, user verification
  required, the signature counter must go up), asked on a second screen once the password is right;
- **never a recovery code**: those are the fall-back for a lost app or key, kept on paper and stored in the clear by
  django-otp; accepting them would let a stolen sheet plus a hijacked session open a record in an emergency, and
  would use up codes someone needs to get back in.

Interface for the views that need it:

- ``stepup_fresh(request) -> bool``: whether the session holds a fresh step-up by the signed-in user;
- ``stepup_required(request, *, next_url) -> HttpResponse | None``: None when fresh, else a redirect to the step-up
  page, which sends the user back to `next_url` (a path on this site only) once they have confirmed;
- ``stepup_verify(request, password, code, *, actor) -> StepUpResult``: password then app code (the page and the
  API use it); ``stepup_password_for_key`` / ``stepup_key_verify``: the two screens of a key-only user.

Failures are failed authentications like a failed sign-in: a wrong password goes through Django's ``authenticate``
(django-axes counts it; Django's ``user_login_failed`` is audited `login_failed`); a wrong, reused or missing second
factor is given to django-axes' handler as a failed sign-in of that username (``stepup_second_factor``), so both
count toward the lockout of openmash/accounts/lockout.py (per username and address, and the account-wide hourly
cap). Each failure is audited `stepup_failed` with the factor that failed (`password`, `totp`, `webauthn`) and
whether the account is now locked; once it is, the session is ended and the lockout page shown. A success is audited
`stepup` with the factor used, and clears the username + address count as passing the second factor at sign-in does.
Nothing typed is ever stored or logged. The password is checked first; a wrong password does not use up the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

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
    """`ok`: both factors passed. `locked`: the account is locked now (the caller ends the session). `field`: which
    check failed, `password` or `code` (the form field to mark)."""

    ok: bool
    locked: bool = False
    field: str = ""


FACTOR_TOTP = "totp"
FACTOR_WEBAUTHN = "webauthn"
PENDING_KEY = "openmash_stepup_key_pending"  # a key-only user's password confirmed at (UTC seconds), for that user


def stepup_factor(user) -> str | None:
    """The second factor step-up asks of this user: `totp` when they have an authenticator app, `webauthn` when
    they have only security keys, None when they have neither (they cannot step up)."""
    from openmash.accounts import mfa

    if mfa.has_app(user):
        return FACTOR_TOTP
    if mfa.security_keys(user).exists():
        return FACTOR_WEBAUTHN
    return None


def _stepup_user(request, actor):
    return getattr(actor, "user", None) or request.user


def _password_check(request, user, password: str, *, actor) -> StepUpResult | None:
    """None when `password` is the user's and the account is not locked; else the failed result (audited
    `stepup_failed`, factor password; django-axes has counted it)."""
    checked = authenticate(request, username=user.get_username(), password=password or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    if checked is not None and checked.pk == user.pk and not locked:
        return None
    _failed(request, user, actor=actor, factor="password", locked=locked)
    return StepUpResult(ok=False, locked=locked, field="password")


def _failed(request, user, *, actor, factor: str, locked: bool) -> None:
    audit_record(
        actor=actor,
        user=user,
        action="stepup_failed",
        object_type=STEPUP_OBJECT,
        object_id=str(user.pk),
        detail={"factor": factor, "locked": locked},
    )


def _succeeded(request, user, *, actor, factor: str) -> StepUpResult:
    """Both factors passed: a signed-in session of that user is marked fresh, the username + address failure count
    is cleared (as at sign-in), `stepup` audited with the factor."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_client_ip_address

    if getattr(request.user, "pk", None) == user.pk:
        stepup_mark(request)
    if settings.AXES_ENABLED:
        AxesProxyHandler.reset_attempts(ip_address=get_client_ip_address(request), username=user.get_username())
    audit_record(
        actor=actor,
        user=user,
        action="stepup",
        object_type=STEPUP_OBJECT,
        object_id=str(user.pk),
        detail={"factor": factor},
    )
    return StepUpResult(ok=True)


def _count_failure(request, user) -> bool:
    """A wrong second factor at step-up, given to django-axes as a failed sign-in of the user's username (per
    username and address, and the account-wide hourly cap). Returns True if the account is now locked."""
    from axes.handlers.proxy import AxesProxyHandler

    if not settings.AXES_ENABLED:
        return False
    credentials = {"username": user.get_username()}
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=credentials, request=request)
    return bool(getattr(request, "axes_locked_out", False)) or AxesProxyHandler.is_locked(request, credentials)


def stepup_second_factor(request, user, code: str, *, actor=None) -> StepUpResult | None:
    """The second factor of a step-up with an app code: None when `code` is a current, unused code of the user's
    authenticator app (django-otp marks its step used); else the failed result, counted toward the lockout and
    audited `stepup_failed` (factor totp). A recovery code is never accepted (module docstring). A user with only
    security keys cannot step up with a code (the page asks their key; the API refuses)."""
    from openmash.accounts import mfa

    if mfa.totp_check(user, code):
        return None
    locked = _count_failure(request, user)
    _failed(request, user, actor=actor, factor=FACTOR_TOTP, locked=locked)
    return StepUpResult(ok=False, locked=locked, field="code")


def stepup_verify(request, password: str, code: str = "", *, actor=None) -> StepUpResult:
    """Check the acting user's password (through Django's authenticate, so the lockout rules apply) and then the
    current code of their authenticator app (`stepup_second_factor`). The user is the actor's (an API bearer
    token's owner) or the signed-in user. Success: a signed-in session of that user is marked fresh, `stepup`
    audited. Failure: `stepup_failed` audited with the factor; `field` says which; `locked` when the account is
    locked now."""
    user = _stepup_user(request, actor)
    with transaction.atomic():
        failed = _password_check(request, user, password, actor=actor)
        if failed is not None:
            return failed
        failed = stepup_second_factor(request, user, code, actor=actor)
        if failed is not None:
            return failed
        return _succeeded(request, user, actor=actor, factor=FACTOR_TOTP)


def stepup_password_for_key(request, password: str, *, actor=None) -> StepUpResult:
    """First screen of a key-only user's step-up: the password. Right: the session remembers, for this user and
    OPENMASH_STEPUP_SECONDS, that the password was given (not a step-up yet: the key is asked next). Wrong: as in
    `stepup_verify`."""
    user = request.user
    with transaction.atomic():
        failed = _password_check(request, user, password, actor=actor)
    if failed is not None:
        return failed
    request.session[PENDING_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}
    return StepUpResult(ok=True)


def stepup_key_pending(request) -> bool:
    """Whether this session's user gave their password at the first screen less than OPENMASH_STEPUP_SECONDS ago."""
    held = request.session.get(PENDING_KEY) or {}
    if held.get("user") != getattr(request.user, "pk", None) or not isinstance(held.get("at"), int | float):
        return False
    return 0 <= timezone.now().timestamp() - held["at"] < settings.OPENMASH_STEPUP_SECONDS


def stepup_key_verify(request, credential: str, *, actor=None) -> StepUpResult:
    """Second screen of a key-only user's step-up: the browser's WebAuthn assertion (mfa.webauthn_assertion_check:
    one of their keys, this session's challenge, user verification, counter up). Needs the password screen passed
    (`stepup_key_pending`), else it fails on `password` without counting. Success: fresh, `stepup` audited (factor
    webauthn). Failure: counted toward the lockout, audited `stepup_failed` (factor webauthn)."""
    from openmash.accounts import mfa

    user = request.user
    if not stepup_key_pending(request):
        return StepUpResult(ok=False, field="password")
    with transaction.atomic():
        key = mfa.webauthn_assertion_check(request, user, credential)
        if key is not None:
            request.session.pop(PENDING_KEY, None)
            return _succeeded(request, user, actor=actor, factor=FACTOR_WEBAUTHN)
        locked = _count_failure(request, user)
        _failed(request, user, actor=actor, factor=FACTOR_WEBAUTHN, locked=locked)
    return StepUpResult(ok=False, locked=locked, field="code")


CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "Enter the 6-digit code from your authenticator app (recovery codes cannot be used here)"
WRONG_PASSWORD = "Enter your correct password"
WRONG_CODE = "The code is not right, or it has been used already. Wait for the next code and try again"
NO_FACTOR = "You need an authenticator app or a security key to do this. Set one up from your account page"


class StepUpForm(CleanTextFormMixin, forms.Form):
    """The password and, for a user with an authenticator app, its current code (6 digits; spaces allowed). Built
    with `with_code=False` for a user with only security keys (their key is asked on the next screen)."""

    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "spellcheck": "false"}),
        error_messages={"required": "Enter your password"},
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now",
        max_length=32,
        error_messages={"required": CODE_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, with_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]

    def clean_code(self):
        from openmash.accounts.mfa import clean_code

        code = clean_code(self.cleaned_data.get("code"))
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(CODE_FORMAT)
        return code


def stepup_for_api(request, actor, *, password: str, code: str) -> None:
    """Step-up for an API call (ASVS 5.0 7.5.3): nothing when the caller's signed-in session stepped up in the last
    OPENMASH_STEPUP_SECONDS; else `password` and `code` (the app's current code) are checked by
    `stepup_verify` (audited, counted toward the lockout). Raises ValidationFailed (422) naming
    `password` or `code`, PermissionDenied (403) when the account is locked."""
    from openmash.accounts.mfa import clean_code
    from openmash.accounts.sso import sso_session
    from openmash.core.exceptions import PermissionDenied, ValidationFailed

    if stepup_fresh(request) and getattr(request.user, "pk", None) == actor.user.pk:
        return
    if sso_session(request) and getattr(request.user, "pk", None) == actor.user.pk:
        label = settings.OPENMASH_OIDC_LABEL
        raise ValidationFailed(
            "Confirm it is you",
            errors={"password": [f"You signed in with {label}: confirm it is you on the pages, then try again"]},
        )
    errors = {}
    if not password:
        errors["password"] = ["Enter your password to confirm it is you"]
    factor = stepup_factor(actor.user)
    if factor == FACTOR_WEBAUTHN:
        errors["code"] = ["Your second factor is a security key: confirm it is you on the pages, then try again"]
    elif factor is None:
        errors["code"] = ["You need an authenticator app or a security key to do this"]
    elif not code:
        errors["code"] = [CODE_REQUIRED]
    elif not (len(clean_code(code)) == 6 and clean_code(code).isdigit()):
        errors["code"] = [CODE_FORMAT]
    if errors:
        raise ValidationFailed("Confirm it is you", errors=errors)
    result = stepup_verify(request, password, clean_code(code), actor=actor)
    if result.locked:
        raise PermissionDenied("Your account is locked after too many failed attempts.")
    if not result.ok:
        message = WRONG_PASSWORD if result.field == "password" else WRONG_CODE
        raise ValidationFailed("Confirm it is you", errors={result.field: [message]})


def _locked_response(request):
    """Sign the user out and show the lockout page (django-axes' template and status)."""
    logout(request)
    from axes.helpers import get_cool_off

    ctx = {"failure_limit": settings.OPENMASH_LOCKOUT_FAILURES, "cooloff_timedelta": get_cool_off()}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, ctx, status=settings.AXES_HTTP_RESPONSE_CODE)


SSO_MESSAGES = {
    "mfa": "{label} did not confirm your second factor. Try again, and use your second factor when it asks",
    "stale": "{label} did not ask you to sign in again. Try again, and sign in when it asks",
    "other": "You signed in to {label} as someone else. Try again, and sign in as yourself",
    "failed": "We could not confirm it is you with {label}. Try again",
}


def _sso_stepup_page(request):
    """Step-up for a session that came from single sign-on (ADR 0018 addendum): the page explains and links to
    ``/sso/step-up/?next=...`` (the provider asks them to sign in again); after a refused answer (``?sso=`` a
    reason shown) it says why. A POST is answered with the same page: there is no password to check here."""
    label = settings.OPENMASH_OIDC_LABEL
    next_url = safe_next(request, request.GET.get("next") or request.POST.get("next"))
    error = SSO_MESSAGES.get(request.GET.get("sso", ""), "").format(label=label)
    ctx = {
        "label": label,
        "continue_url": f"{reverse('sso:stepup')}?{urlencode({'next': next_url})}",
        "error": error,
        "minutes": max(1, settings.OPENMASH_STEPUP_SECONDS // 60),
    }
    return render(request, "accounts/stepup_sso.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def stepup_view(request):
    """The step-up page: GET shows the password box and, for a user with an authenticator app, the "Code from your
    authenticator app" box; POST checks them. Success: back to `next`. A user with only security keys: the password,
    then a second screen with "Use security key". Failure: the GOV.UK error summary on the field that failed; a
    locked account is signed out and shown the lockout page. A user with no second factor cannot step up."""
    from openmash.accounts.sso import sso_session

    if sso_session(request):
        return _sso_stepup_page(request)
    factor = stepup_factor(request.user)
    data = request.POST if request.method == "POST" else None
    form = StepUpForm(data, initial={"next": request.GET.get("next", "")}, with_code=factor != FACTOR_WEBAUTHN)
    if request.method == "POST" and factor is None:
        form.is_valid()
        form.add_error(None, NO_FACTOR)
    elif request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        if factor == FACTOR_WEBAUTHN:
            result = stepup_password_for_key(request, password, actor=request.actor)
        else:
            result = stepup_verify(request, password, form.cleaned_data["code"], actor=request.actor)
        if result.locked:
            return _locked_response(request)
        if result.ok and factor == FACTOR_WEBAUTHN:
            return render(
                request,
                "accounts/stepup_key.html",
                {"next": safe_next(request, form.cleaned_data.get("next"))},
            )
        if result.ok:
            return redirect(safe_next(request, form.cleaned_data.get("next")))
        stepup_clear(request)
        if result.field == "password":
            form.add_error("password", WRONG_PASSWORD)
        else:
            form.add_error("code", WRONG_CODE)
    return render(
        request,
        "accounts/stepup.html",
        {"form": form, "minutes": max(1, settings.OPENMASH_STEPUP_SECONDS // 60)},
        status=200,
    )


@require_POST
@actor_required
def stepup_key_options(request):
    """JSON: the WebAuthn request options for the user's keys, once their password has been confirmed on the first
    screen (else 400 {"error"})."""
    from openmash.accounts import mfa

    if not stepup_key_pending(request):
        return JsonResponse(
            {"error": "Confirm your password first.", "redirect": reverse("stepup:confirm")}, status=400
        )
    options = mfa.webauthn_authentication_options(request)
    if options is None:
        return JsonResponse({"error": "You have no security key."}, status=400)
    return HttpResponse(options, content_type="application/json")


@require_POST
@actor_required
def stepup_key(request):
    """JSON: check the security key's assertion (second screen of a key-only step-up). 200 {"redirect": next} when
    it passes; 400 {"error"} when not (counted toward the lockout); the lockout status when the account is now
    locked (signed out)."""
    from openmash.accounts.mfa_views import _credential

    credential = _credential(request) or "{}"
    result = stepup_key_verify(request, credential, actor=request.actor)
    if result.locked:
        logout(request)
        return JsonResponse(
            {"error": "locked", "redirect": reverse("web:login")}, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    if result.ok:
        return JsonResponse({"redirect": safe_next(request, request.GET.get("next"))})
    if result.field == "password":
        return JsonResponse(
            {"error": "Confirm your password first.", "redirect": reverse("stepup:confirm")}, status=400
        )
    return JsonResponse({"error": "Your security key was not accepted. Try again."}, status=400)


app_name = "stepup"
urlpatterns = [
    path("", stepup_view, name="confirm"),
    path("security-key/options/", stepup_key_options, name="key_options"),
    path("security-key/", stepup_key, name="key"),
]
