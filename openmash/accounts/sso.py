"""Optional OIDC single sign-on for partner identity providers (issue 7 'Authentication'; ADR 0018).

A partnership may let its users sign in with their own organisation's account (for example an NHS trust's or a
police force's identity provider) instead of OpenMASH's password and authenticator app. It is off unless
``OPENMASH_OIDC_CLIENT_ID`` is set (config/settings/base.py lists every setting). The protocol is OpenID Connect's
authorisation code flow with PKCE, state and nonce, done by **mozilla-django-oidc** (a maintained library); this
module adds only what is ours:

- **The provider must vouch for the second factor.** MFA is mandatory for everyone (ADR 0011), so the ID token must
  assert it: its ``amr`` claim (RFC 8176 authentication method references) holds one of ``OPENMASH_OIDC_MFA_AMR``
  (default ``mfa``) or its ``acr`` claim is one of ``OPENMASH_OIDC_MFA_ACR`` (for a provider that states an
  assurance level instead). Otherwise the sign-on is refused (audited ``sso_refused``, reason ``no_second_factor``)
  and the user is told to sign in with their password and code. When it is asserted, the session passes the second
  factor with the user's ``accounts.SsoDevice`` (``django_otp.login``), audited ``mfa_verified`` with method ``sso``.
- **The ID token is for us, from our provider, and current**: signature (the provider's JWKS for RS/ES/PS
  algorithms, the client secret for HS256), ``iss`` equal to ``OPENMASH_OIDC_ISSUER``, ``aud`` holding our client id
  (and ``azp`` our client id when there are several audiences), ``exp`` present and in the future, the nonce of this
  sign-in. mozilla-django-oidc checks the signature, algorithm, expiry (PyJWT) and nonce; the issuer and audience are
  checked here, because it does not.
- **No one is created by a sign-on.** The claim ``OPENMASH_OIDC_USER_CLAIM`` (default ``email``) must match exactly
  one existing user (case-insensitively), and that user must be allowed to sign in by the one active check
  (``openmash.access.actor.user_may_sign_in``: active account, an active membership in an active agency). Roles are
  granted only in OpenMASH, under dual control; a provider's groups grant nothing.
- Every refusal is one clear message on the sign-in page ("We could not sign you in with ...") and one audit event
  ``sso_refused`` with a reason code and never the claims themselves (an email address is personal data); the
  provider's error text is not shown or logged.

What goes in: the provider's redirect to ``/sso/callback/?code=...&state=...``. What comes out: a signed-in,
second-factor-verified session and a redirect to where the user was going, or a redirect to
``/login/?sso=failed`` (or ``?sso=mfa`` when the provider did not assert a second factor).
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_otp import login as otp_login
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from openmash.audit.services import audit_record

logger = logging.getLogger(__name__)

#: request attribute: why the last sign-on on this request was refused (a reason code, never a claim)
REFUSAL = "openmash_sso_refusal"
#: session key: the accepted ID token's issuer and method references, for the second factor after auth.login
ASSERTED = "openmash_sso_asserted"


def sso_enabled() -> bool:
    """Whether single sign-on is configured (``OPENMASH_OIDC_CLIENT_ID`` set)."""
    return bool(getattr(settings, "OPENMASH_OIDC_ENABLED", False))


def mfa_asserted(claims: dict) -> bool:
    """In: an ID token's verified claims. Out: True if the provider asserts multi-factor authentication: ``amr``
    (a list of strings, RFC 8176) holds one of ``OPENMASH_OIDC_MFA_AMR``, or ``acr`` (a string) is one of
    ``OPENMASH_OIDC_MFA_ACR``. Anything else (no claim, a claim of the wrong type, ``pwd`` alone) is False."""
    accepted_amr = {v.strip() for v in settings.OPENMASH_OIDC_MFA_AMR if v.strip()}
    accepted_acr = {v.strip() for v in settings.OPENMASH_OIDC_MFA_ACR if v.strip()}
    amr = claims.get("amr")
    if isinstance(amr, list) and accepted_amr & {a for a in amr if isinstance(a, str)}:
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in accepted_acr


def audience_ok(claims: dict) -> bool:
    """True if the ID token was issued by our provider for our client: ``iss`` is ``OPENMASH_OIDC_ISSUER``; ``aud``
    is our client id or a list holding it; with several audiences, ``azp`` is our client id (OIDC Core 3.1.3.7)."""
    client_id = settings.OIDC_RP_CLIENT_ID
    if claims.get("iss") != settings.OPENMASH_OIDC_ISSUER:
        return False
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client_id not in audiences:
        return False
    if len(audiences) > 1 and claims.get("azp") != client_id:
        return False
    return "exp" in claims


def _refuse(request, reason: str, *, user=None) -> None:
    """Record why a sign-on was refused: on the request (for the message) and in the audit trail (reason only)."""
    if request is not None:
        setattr(request, REFUSAL, reason)
    audit_record(
        actor=None,
        user=user,
        username="" if user is not None else "sso",
        action="sso_refused",
        detail={"reason": reason},
    )


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with OpenMASH's rules (see the module docstring). It answers only the sign-on
    callback (it is passed the sign-in's ``nonce``); a password sign-in never reaches the provider. When single
    sign-on is off it answers nothing and needs no provider settings."""

    def __init__(self, *args, **kwargs):
        if sso_enabled():
            super().__init__(*args, **kwargs)
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not sso_enabled() or "nonce" not in kwargs or "password" in kwargs or "username" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            logger.warning("single sign-on refused: %s", type(exc).__name__)
            _refuse(request, "token_invalid")
        except requests.RequestException as exc:
            logger.warning("single sign-on: the identity provider did not answer (%s)", type(exc).__name__)
            _refuse(request, "provider_unavailable")
        return None

    def verify_token(self, token, **kwargs):
        """The library's checks (signature, algorithm, expiry, nonce), then issuer, audience and ``exp``."""
        claims = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is not None and not audience_ok(claims):
            raise SuspiciousOperation("ID token issuer or audience is not ours")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """``payload``: the ID token's verified claims. The user the provider vouches for, or None (refused and
        audited). Never creates a user."""
        from openmash.access.actor import user_may_sign_in

        if not mfa_asserted(payload):
            _refuse(self.request, "no_second_factor")
            return None
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2: the userinfo must be about the same subject
            _refuse(self.request, "subject_mismatch")
            return None
        value = claims.get(settings.OPENMASH_OIDC_USER_CLAIM)
        if not isinstance(value, str) or not value.strip():
            _refuse(self.request, "no_user_claim")
            return None
        field = "email" if settings.OPENMASH_OIDC_USER_CLAIM == "email" else "username"
        users = list(self.UserModel.objects.filter(**{f"{field}__iexact": value.strip()})[:2])
        if len(users) != 1:
            _refuse(self.request, "no_such_user" if not users else "several_users")
            return None
        user = users[0]
        if not user_may_sign_in(user):
            _refuse(self.request, "inactive", user=user)
            return None
        self.request.session[ASSERTED] = {
            "issuer": payload.get("iss", ""),
            "amr": [a for a in payload.get("amr", []) if isinstance(a, str)][:10]
            if isinstance(payload.get("amr"), list)
            else [],
            "acr": payload.get("acr", "") if isinstance(payload.get("acr"), str) else "",
        }
        return user


def sso_device(user, issuer: str):
    """The user's SsoDevice for this issuer, made on first use (confirmed: the provider is the factor)."""
    from openmash.accounts.models import SsoDevice

    device, _ = SsoDevice.objects.get_or_create(
        user=user, issuer=issuer[:500], defaults={"name": "Single sign-on", "confirmed": True}
    )
    return device


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: the library checks state and exchanges the code; on success the user is signed
    in and the session passes the second factor with their SsoDevice (new session id, audited ``mfa_verified``)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:  # an unknown or replayed state: a forged or stale callback
            _refuse(request, "state_invalid")
            return self.login_failure()

    @property
    def failure_url(self):
        reason = getattr(self.request, REFUSAL, "")
        return reverse("web:login") + ("?sso=mfa" if reason == "no_second_factor" else "?sso=failed")

    def login_success(self):
        response = super().login_success()  # auth.login: a new session id, audited `login`
        asserted = self.request.session.pop(ASSERTED, None) or {}
        device = sso_device(self.user, asserted.get("issuer", settings.OPENMASH_OIDC_ISSUER))
        device.last_used_at = timezone.now()
        device.save(update_fields=["last_used_at"])
        self.request.session.cycle_key()
        otp_login(self.request, device)
        audit_record(
            actor=None,
            user=self.user,
            action="mfa_verified",
            obj=self.user,
            detail={"method": "sso", "amr": asserted.get("amr", []), "acr": asserted.get("acr", "")},
        )
        return response


class SsoStartView(OIDCAuthenticationRequestView):
    """``/sso/start/?next=...``: to the provider's sign-in page with state, nonce and a PKCE challenge."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


app_name = "sso"
urlpatterns = [
    path("start/", require_safe(SsoStartView.as_view()), name="start"),
    path("callback/", require_safe(SsoCallbackView.as_view()), name="callback"),
]


def login_page_context(request) -> dict:
    """What the sign-in page needs: whether to offer single sign-on, its label, and the refusal message."""
    reason = request.GET.get("sso", "")
    label = settings.OPENMASH_OIDC_LABEL
    message = ""
    if reason == "mfa":
        message = (
            f"Your sign-in with {label} did not confirm a second factor. Sign in with your OpenMASH username, "
            "password and code, or ask your organisation to turn on multi-factor sign-in."
        )
    elif reason == "failed":
        message = (
            f"We could not sign you in with {label}. Try again, or sign in with your OpenMASH username and password."
        )
    return {"sso_enabled": sso_enabled(), "sso_label": label, "sso_error": message if sso_enabled() else ""}
