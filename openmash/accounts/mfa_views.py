"""The second-factor pages (ADR 0011): the step after the password, enrolment, and the user's own account page
(recovery codes, security keys, signed-in sessions).

The second-factor and enrolment pages are the only pages a session signed in with its password alone may open
(openmash.accounts.mfa_middleware); the account pages need a verified session like every other page. Every
change is made and audited by openmash.accounts.mfa and openmash.core.sessions.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.accounts import mfa
from openmash.audit.services import audit_record
from openmash.core import sessions as user_sessions
from openmash.core.text import CleanTextFormMixin
from openmash.core.views import actor_required

ENROL_DEVICE = "openmash_mfa_enrol_device"  # session: the unconfirmed app device being set up (its pk only)
MAX_CREDENTIAL_BYTES = 16_384


class CodeForm(CleanTextFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=32,
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a recovery code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


def _next_url(request) -> str:
    """Where to go after the second factor: a same-site `next`, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:home")


def _locked_response(request):
    """Sign the user out and show the lockout page (django-axes' own status code and page)."""
    logout(request)
    ctx = {"failure_limit": settings.OPENMASH_LOCKOUT_FAILURES, "cooloff_timedelta": _cooloff()}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, ctx, status=settings.AXES_HTTP_RESPONSE_CODE)


def _cooloff():
    from axes.helpers import get_cool_off

    return get_cool_off()


def _pre_mfa(view):
    """For the second-factor and enrolment pages: anonymous to sign in; already verified straight on."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if mfa.session_is_verified(request):
            return redirect(_next_url(request))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- the step after the password ------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@_pre_mfa
def verify(request):
    """GET: the second-factor page (a code from the app or a recovery code; a security key if the user has one).
    A user with no app or key is sent to enrolment. POST: check the code; right: on to `next` with a new session
    id; wrong: the page again with the GOV.UK error summary, the failure counted toward the lockout; locked: signed
    out, the lockout page."""
    if not mfa.has_second_factor(request.user):
        return redirect(reverse("mfa:enrol") + _next_query(request))
    if mfa.locked_out(request):
        return _locked_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa.code_verify(request, form.cleaned_data["code"])
        if result.locked:
            return _locked_response(request)
        if result.ok:
            if result.recovery_code:
                left = mfa.recovery_codes_left(request.user)
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} left: make new ones from your account page.",
                )
            return redirect(_next_url(request))
        form.add_error("code", "The code is not right. Check it and try again: each code works once")
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": _next_url(request), "has_keys": mfa.security_keys(request.user).exists()},
    )


def _next_query(request) -> str:
    target = request.GET.get("next") or request.POST.get("next")
    from urllib.parse import urlencode

    return "?" + urlencode({"next": target}) if target else ""


def _credential(request) -> str | None:
    """The browser's WebAuthn answer (JSON text) from a POST body, or None if it is not JSON or too big."""
    body = request.body[: MAX_CREDENTIAL_BYTES + 1]
    if len(body) > MAX_CREDENTIAL_BYTES:
        return None
    try:
        data = json.loads(body.decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return (
        json.dumps(data.get("credential"))
        if isinstance(data, dict) and isinstance(data.get("credential"), dict)
        else None
    )


@require_POST
@_pre_mfa
def verify_key_options(request):
    """JSON: the WebAuthn request options for the user's keys (404 if they have none)."""
    if mfa.locked_out(request):
        return JsonResponse({"error": "locked"}, status=settings.AXES_HTTP_RESPONSE_CODE)
    options = mfa.webauthn_authentication_options(request)
    if options is None:
        return JsonResponse({"error": "no security key"}, status=404)
    return HttpResponse(options, content_type="application/json")


@require_POST
@_pre_mfa
def verify_key(request):
    """JSON: check a WebAuthn assertion. 200 {"redirect": next} when it passes; 400 {"error"} when not (counted);
    the lockout status when the user is now locked out (signed out)."""
    if mfa.locked_out(request):
        logout(request)
        return JsonResponse(
            {"error": "locked", "redirect": reverse("web:login")}, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    credential = _credential(request)
    result = mfa.webauthn_verify(request, credential or "{}")
    if result.locked:
        logout(request)
        return JsonResponse(
            {"error": "locked", "redirect": reverse("web:login")}, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    if not result.ok:
        return JsonResponse({"error": "Your security key was not accepted. Try again, or use a code."}, status=400)
    return JsonResponse({"redirect": _next_url(request)})


# --- enrolment ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@_pre_mfa
def enrol(request):
    """Set up an authenticator app before anything else. GET: a new key as a QR code and as text (a reload makes a
    new key). POST: the app's first code confirms it; then the 10 recovery codes, shown once. A wrong code shows
    the same key again with the error (counted toward the lockout)."""
    if mfa.has_second_factor(request.user):
        return redirect(reverse("mfa:verify") + _next_query(request))
    if mfa.locked_out(request):
        return _locked_response(request)
    from openmash.accounts.models import AppDevice

    form = CodeForm(request.POST or None)
    form.fields["code"].label = "Code from your authenticator app"
    form.fields["code"].error_messages["required"] = "Enter the 6-digit code from your authenticator app"
    device = None
    if request.method == "POST":
        device = AppDevice.objects.filter(
            pk=request.session.get(ENROL_DEVICE) or 0, user=request.user, confirmed=False
        ).first()
        if device is None:
            messages.error(request, "Setting up took too long. Scan this new QR code and enter the code it shows.")
        elif form.is_valid():
            codes = mfa.totp_enrol_confirm(request, device.pk, form.cleaned_data["code"])
            if codes is not None:
                request.session.pop(ENROL_DEVICE, None)
                return render(
                    request,
                    "accounts/mfa_recovery_codes.html",
                    {"codes": [mfa.format_recovery_code(c) for c in codes], "next": _next_url(request), "new": True},
                )
            if mfa.locked_out(request):
                return _locked_response(request)
            form.add_error("code", "The code is not right. Check the time on your phone is right and try again")
    if device is None:
        device = mfa.totp_enrol_start(request.user)
        request.session[ENROL_DEVICE] = device.pk
    ctx = {
        "form": form,
        "qr_svg": mark_safe(mfa.totp_qr_svg(device)),  # nosec B703 B308 - SVG made here by qrcode from our own key, no user input  # noqa: S308 - made here by qrcode from our own key
        "key_text": mfa.totp_key_text(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_enrol.html", ctx)


# --- the user's own account page ------------------------------------------------------------------------------------


@require_safe
@actor_required
def account(request):
    """The signed-in user's account: their second factors (app, security keys, recovery codes left) and where they
    are signed in."""
    from openmash.accounts.models import AppDevice

    user = request.user
    ctx = {
        "has_app": AppDevice.objects.filter(user=user, confirmed=True).exists(),
        "keys": list(mfa.security_keys(user)),
        "codes_left": mfa.recovery_codes_left(user),
        "sessions": user_sessions.sessions_for_user(user.pk, current_key=request.session.session_key),
        "nav_active": "account",
    }
    return render(request, "accounts/account.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def recovery_codes(request):
    """New recovery codes after re-entering a code (from the app or a recovery code). GET: the form. POST: the new
    codes, shown once (the old ones stop working), or the form with its error (counted toward the lockout)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.recovery_codes_regenerate(request, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/mfa_recovery_codes.html",
                {"codes": [mfa.format_recovery_code(c) for c in codes], "next": reverse("mfa:account"), "new": False},
            )
        if mfa.locked_out(request):
            return _locked_response(request)
        form.add_error("code", "The code is not right. Check it and try again: each code works once")
    return render(request, "accounts/mfa_reauth.html", {"form": form, "nav_active": "account"})


@require_POST
@actor_required
def key_add_options(request):
    """JSON: the WebAuthn creation options for a new security key for the signed-in user."""
    return HttpResponse(mfa.webauthn_registration_options(request), content_type="application/json")


@require_POST
@actor_required
def key_add(request):
    """JSON: keep a new security key from the browser's answer. 200 {"redirect"} or 400 {"error"}."""
    credential = _credential(request)
    try:
        name = str(json.loads(request.body.decode()[:MAX_CREDENTIAL_BYTES]).get("name", ""))
    except (ValueError, AttributeError, UnicodeDecodeError):
        name = ""
    key = mfa.webauthn_register(request, credential or "{}", name) if credential else None
    if key is None:
        return JsonResponse({"error": "The security key could not be added. Try again."}, status=400)
    messages.success(request, f"Security key \u201c{key.name}\u201d added.")
    return JsonResponse({"redirect": reverse("mfa:account")})


@require_POST
@actor_required
def key_remove(request):
    """Remove one of the user's security keys (not their only second factor), then back to the account page."""
    try:
        key_id = int(request.POST.get("key", ""))
    except ValueError:
        key_id = 0
    if mfa.webauthn_remove(request, key_id):
        messages.success(request, "Security key removed.")
    else:
        messages.error(request, "That key cannot be removed: it is your only way to sign in, or it is not yours.")
    return redirect("mfa:account")


@require_POST
@actor_required
def session_end(request):
    """End one of the user's own signed-in sessions (POST `session`: its public id on the account page). Ending
    this one signs out. Audited `session_end`."""
    public_id = request.POST.get("session", "")
    current = user_sessions.session_public_id(request.session.session_key or "")
    ended = user_sessions.session_end_for_user(request.user.pk, public_id)
    if ended:
        audit_record(actor=request.actor, action="session_end", obj=request.user, detail={"own": True})
    if ended and public_id == current:
        logout(request)
        messages.success(request, "You have signed out.")
        return redirect("web:login")
    if ended:
        messages.success(request, "That session has ended. Anyone using it has been signed out.")
    else:
        messages.error(request, "That session had already ended.")
    return redirect("mfa:account")
