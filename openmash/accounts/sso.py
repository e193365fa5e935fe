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
  one existing user (case-insensitively; when it is ``email``, only if the provider says ``email_verified: true``,
  else refused ``email_unverified``), and that user must be allowed to sign in by the one active check
  (``openmash.access.actor.user_may_sign_in``: active account, an active membership in an active agency). Roles are
  granted only in OpenMASH, under dual control; a provider's groups grant nothing.
- Every refusal is one clear message on the sign-in page ("We could not sign you in with ...") and one audit event
  ``sso_refused`` with a reason code and never the claims themselves (an email address is personal data); the
  provider's error text is not shown or logged.

What goes in: the provider's redirect to ``/sso/callback/?code=...&state=...``. What comes out: a signed-in,
second-factor-verified session and a redirect to where the user was going, or a redirect to
``/login/?sso=failed`` (or ``?sso=mfa`` when the provider did not assert a second factor).

Two more uses of the provider (ADR 0018 addendum), both for a session that came from single sign-on (its second
factor passed with an ``SsoDevice``: ``sso_session``):

- **Provider sign-out** (OpenID Connect RP-Initiated Logout 1.0): when ``OPENMASH_OIDC_OP_LOGOUT_ENDPOINT`` is set,
  signing out of OpenMASH ends the OpenMASH session (audited ``logout`` as always) and then sends the browser to the
  provider's end-session endpoint with ``id_token_hint`` (the ID token of the sign-in, kept server-side in the
  session, never in a URL of ours), ``client_id`` and ``post_logout_redirect_uri`` (our sign-in page, which says
  "You have signed out"). ``provider_logout_url`` builds it; it is named by mozilla-django-oidc's
  ``OIDC_OP_LOGOUT_URL_METHOD`` setting (a function of the request returning a URL), which the sign-out view calls.
- **Step-up through the provider** (ASVS 5.0 7.5.3): such a user may have no OpenMASH password or app, so
  ``/sso/step-up/?next=...`` sends them to the provider with ``prompt=login`` and ``max_age=0`` (and ``acr_values``
  when ``OPENMASH_OIDC_MFA_ACR`` is set, as at sign-in). The provider's answer comes back to the same
  ``/sso/callback/`` (one registered redirect URI), recognised by its ``state``. It passes only when the ID token
  is valid as at sign-in, asserts MFA, its ``auth_time`` is no older than ``OPENMASH_OIDC_STEPUP_MAX_AGE`` seconds
  (default 300) and not from before the step-up began, its ``sub`` is the one this session signed in with, and it
  names the signed-in user. Then the session is marked stepped-up (``openmash.accounts.stepup.stepup_mark``),
  audited ``stepup`` with factor ``sso``, and the user goes on to ``next`` (a path on this site only). Anything
  else is audited ``stepup_failed`` with factor ``sso`` and a reason code (never a claim), no one is signed in or
  out, and the step-up page says it did not work.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_otp import login as otp_login
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from openmash.audit.services import audit_record

logger = logging.getLogger(__name__)

#: request attribute: why the last sign-on on this request was refused (a reason code, never a claim)
REFUSAL = "openmash_sso_refusal"
#: session key: the accepted ID token's issuer and method references, for the second factor after auth.login
ASSERTED = "openmash_sso_asserted"
#: session key: the signed-in session's provider identity {"issuer", "sub"} and its ID token (for id_token_hint)
SIGNED_ON = "openmash_sso_signed_on"
ID_TOKEN = "openmash_sso_id_token"
#: session key: the step-up through the provider under way {"state", "user", "next", "at" (UTC epoch seconds)}
STEPUP_PENDING = "openmash_sso_stepup"
#: request attributes on the callback: the step-up it answers, the verified claims and the raw ID token
STEPUP = "openmash_sso_stepup"
CLAIMS = "openmash_sso_claims"
RAW_ID_TOKEN = "openmash_sso_raw_id_token"
#: how far the provider's clock may be behind ours when its auth_time is compared with the start of a step-up
CLOCK_SKEW_SECONDS = 60


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


def email_verified(userinfo: dict, id_claims: dict) -> bool:
    """True if the provider says the email address it gives was verified: ``email_verified`` (OIDC Core 5.1) is
    true in the userinfo, or, when the userinfo does not carry it, in the verified ID token. A boolean, or the
    string "true" (some providers send strings). Absent, false or anything else is False. Used when users are matched
    by email (``OPENMASH_OIDC_USER_CLAIM=email``; ADR 0018 addendum)."""
    value = userinfo.get("email_verified", id_claims.get("email_verified"))
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


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


def mfa_request_params() -> dict:
    """Extra authorisation request parameters asking the provider for the second factor: ``acr_values`` (OIDC Core
    3.1.2.1, space-separated) when ``OPENMASH_OIDC_MFA_ACR`` names assurance levels, else none. Used at sign-in and
    at step-up."""
    acr = [v.strip() for v in settings.OPENMASH_OIDC_MFA_ACR if v.strip()]
    return {"acr_values": " ".join(acr)} if acr else {}


def sso_session(request) -> bool:
    """True when single sign-on is on and the request's signed-in session passed its second factor through the
    provider (its django-otp device is an ``SsoDevice``): sign-out and step-up then go through the provider."""
    from openmash.accounts.models import SsoDevice

    user = getattr(request, "user", None)
    if not sso_enabled() or user is None or not user.is_authenticated:
        return False
    return isinstance(getattr(user, "otp_device", None), SsoDevice)


def provider_logout_url(request) -> str:
    """In: the sign-out request, before the session is ended. Out: the provider's end-session URL (OpenID Connect
    RP-Initiated Logout 1.0, section 2) with ``id_token_hint`` (the session's ID token), ``client_id`` and
    ``post_logout_redirect_uri`` (the absolute URL of our sign-in page, which must be registered with the
    provider), or "" when provider sign-out does not apply: single sign-on off, ``OPENMASH_OIDC_OP_LOGOUT_ENDPOINT``
    not set, a session that did not come from single sign-on, or no ID token kept. Named by the
    ``OIDC_OP_LOGOUT_URL_METHOD`` setting (mozilla-django-oidc's hook: a function of the request returning a URL);
    "" is our addition meaning "no provider sign-out, show our own signed-out page"."""
    endpoint = getattr(settings, "OPENMASH_OIDC_LOGOUT_ENDPOINT", "")
    id_token = request.session.get(ID_TOKEN) if hasattr(request, "session") else None
    if not endpoint or not isinstance(id_token, str) or not id_token or not sso_session(request):
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": absolutify(request, reverse("web:login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _refuse(request, reason: str, *, user=None) -> None:
    """Record why a sign-on was refused: on the request (for the message) and in the audit trail (reason only).
    During a step-up only the request is marked: the callback audits ``stepup_failed`` with the reason. ``user``:
    the OpenMASH account the provider's verified claims name, if any; the refusal then counts as a failed sign-in
    for that account (django-axes, both lockout rules). A refusal naming no account counts nothing (never under an
    empty username: that would lock everyone behind one address out; openmash.accounts.lockout)."""
    from openmash.accounts.lockout import sso_failure_record

    if request is not None:
        setattr(request, REFUSAL, reason)
        if getattr(request, STEPUP, None) is not None:
            return
        if user is not None and reason != "locked_out":
            sso_failure_record(request, user.get_username())  # never under '' (lockout.not_counted)
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

    def store_tokens(self, access_token, id_token):
        """The library would keep the tokens in the session before the user is checked; we hold the ID token on
        the request and keep it in the session only once the sign-in or step-up has passed (the callback view).
        The access token is never kept: OpenMASH calls no provider API after the sign-in."""
        setattr(self.request, RAW_ID_TOKEN, id_token)

    def verify_token(self, token, **kwargs):
        """The library's checks (signature, algorithm, expiry, nonce), then issuer, audience and ``exp``. A malformed
        token (no ``kid`` or ``alg`` where the library looks them up, ``alg: none``, a header or payload that is not
        JSON) makes the library raise KeyError, ValueError or TypeError: that is a refusal (SuspiciousOperation, so
        ``token_invalid``), never a server error."""
        try:
            claims = super().verify_token(token, **kwargs)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise SuspiciousOperation(f"malformed ID token ({type(exc).__name__})") from exc
        if not isinstance(claims, dict):
            raise SuspiciousOperation("malformed ID token (claims are not an object)")
        if kwargs.get("nonce") is not None and not audience_ok(claims):
            raise SuspiciousOperation("ID token issuer or audience is not ours")
        return claims

    def _users_named(self, value: str) -> list:
        """Up to two users whose ``OPENMASH_OIDC_USER_CLAIM`` field (email, else username) equals ``value``,
        case-insensitively."""
        field = "email" if settings.OPENMASH_OIDC_USER_CLAIM == "email" else "username"
        return list(self.UserModel.objects.filter(**{f"{field}__iexact": value.strip()})[:2])

    def _named_user(self, claims: dict):
        """The one user the verified ID token's claims name (``OPENMASH_OIDC_USER_CLAIM``), or None: whose failed
        sign-on a refusal counts towards (the lockout)."""
        value = claims.get(settings.OPENMASH_OIDC_USER_CLAIM)
        if not isinstance(value, str) or not value.strip():
            return None
        users = self._users_named(value)
        return users[0] if len(users) == 1 else None

    def get_or_create_user(self, access_token, id_token, payload):
        """``payload``: the ID token's verified claims. The user the provider vouches for, or None (refused and
        audited). Never creates a user."""
        from openmash.access.actor import user_may_sign_in
        from openmash.accounts.lockout import sso_locked

        if not mfa_asserted(payload):
            _refuse(self.request, "no_second_factor", user=self._named_user(payload))
            return None
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2: the userinfo must be about the same subject
            _refuse(self.request, "subject_mismatch", user=self._named_user(payload))
            return None
        value = claims.get(settings.OPENMASH_OIDC_USER_CLAIM)
        if not isinstance(value, str) or not value.strip():
            _refuse(self.request, "no_user_claim")
            return None
        if settings.OPENMASH_OIDC_USER_CLAIM == "email" and not email_verified(claims, payload):
            _refuse(self.request, "email_unverified")  # anyone may put any address on an account at some providers
            return None
        users = self._users_named(value)
        if len(users) != 1:
            _refuse(self.request, "no_such_user" if not users else "several_users")
            return None
        user = users[0]
        if sso_locked(self.request, user.get_username()):
            _refuse(self.request, "locked_out", user=user)
            return None
        if not user_may_sign_in(user):
            _refuse(self.request, "inactive", user=user)
            return None
        setattr(self.request, CLAIMS, payload)
        if getattr(self.request, STEPUP, None) is not None:
            return user  # a step-up: the callback compares this user and these claims with the session's
        self.request.session[ASSERTED] = {
            "issuer": payload.get("iss", ""),
            "sub": payload.get("sub", "") if isinstance(payload.get("sub"), str) else "",
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
    in and the session passes the second factor with their SsoDevice (new session id, audited ``mfa_verified``).
    When the ``state`` is the one of this session's step-up under way (``SsoStepUpView``), the answer is a step-up
    instead: no one is signed in or out, see ``_stepup_success`` and ``_stepup_refused``."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        pending = request.session.get(STEPUP_PENDING)
        state = request.GET.get("state", "")
        if isinstance(pending, dict) and state and pending.get("state") == state:
            del request.session[STEPUP_PENDING]  # one answer per step-up
            setattr(request, STEPUP, pending)
            if request.GET.get("error"):  # the provider did not confirm (cancelled, or could not sign in)
                states = request.session.get("oidc_states") or {}
                if state in states:
                    del states[state]
                    request.session["oidc_states"] = states
                _refuse(request, "provider_declined")
                return self.login_failure()  # the library would sign the user out; a step-up changes only itself
        try:
            return super().get(request)
        except SuspiciousOperation:  # an unknown or replayed state: a forged or stale callback
            _refuse(request, "state_invalid")
            return self.login_failure()

    @property
    def failure_url(self):
        reason = getattr(self.request, REFUSAL, "")
        return reverse("web:login") + ("?sso=mfa" if reason == "no_second_factor" else "?sso=failed")

    def login_failure(self):
        pending = getattr(self.request, STEPUP, None)
        if pending is not None:
            return self._stepup_refused(pending, getattr(self.request, REFUSAL, "") or "token_invalid")
        return super().login_failure()

    def login_success(self):
        pending = getattr(self.request, STEPUP, None)
        if pending is not None:
            return self._stepup_success(pending)
        response = super().login_success()  # auth.login: a new session id, audited `login`
        asserted = self.request.session.pop(ASSERTED, None) or {}
        device = sso_device(self.user, asserted.get("issuer", settings.OPENMASH_OIDC_ISSUER))
        device.last_used_at = timezone.now()
        device.save(update_fields=["last_used_at"])
        self.request.session.cycle_key()
        otp_login(self.request, device)
        self.request.session[SIGNED_ON] = {"issuer": asserted.get("issuer", ""), "sub": asserted.get("sub", "")}
        id_token = getattr(self.request, RAW_ID_TOKEN, None)
        if isinstance(id_token, str):
            self.request.session[ID_TOKEN] = id_token  # server-side only: the id_token_hint of provider sign-out
        audit_record(
            actor=None,
            user=self.user,
            action="mfa_verified",
            obj=self.user,
            detail={"method": "sso", "amr": asserted.get("amr", []), "acr": asserted.get("acr", "")},
        )
        return response

    def _stepup_check(self, pending: dict) -> str:
        """The empty string when the provider's answer is a step-up of this session's user, else why it is not."""
        request = self.request
        claims = getattr(request, CLAIMS, None) or {}
        signed_on = request.session.get(SIGNED_ON) or {}
        if not sso_session(request) or request.user.pk != pending.get("user"):
            return "session_changed"
        if self.user.pk != request.user.pk:
            return "other_user"
        if not signed_on.get("sub") or claims.get("sub") != signed_on.get("sub"):
            return "subject_mismatch"
        if claims.get("iss") != signed_on.get("issuer"):
            return "subject_mismatch"
        auth_time, started = claims.get("auth_time"), pending.get("at")
        if (
            not isinstance(auth_time, int | float)
            or isinstance(auth_time, bool)
            or not isinstance(started, int | float)
        ):
            return "not_fresh"
        now = time.time()
        max_age = settings.OPENMASH_OIDC_STEPUP_MAX_AGE
        if auth_time > now + CLOCK_SKEW_SECONDS or now - auth_time > max_age:
            return "not_fresh"
        if auth_time < started - CLOCK_SKEW_SECONDS:  # the provider did not make the user sign in again
            return "not_fresh"
        return ""

    def _stepup_actor(self):
        from openmash.access.actor import actor_for_user

        user = self.request.user
        if not user.is_authenticated:
            return None
        return actor_for_user(user, membership_id=self.request.session.get("membership_id"))

    def _stepup_success(self, pending: dict):
        from openmash.accounts.stepup import STEPUP_OBJECT, safe_next, stepup_mark

        reason = self._stepup_check(pending)
        if reason:
            return self._stepup_refused(pending, reason)
        request = self.request
        claims = getattr(request, CLAIMS, None) or {}
        stepup_mark(request)
        id_token = getattr(request, RAW_ID_TOKEN, None)
        if isinstance(id_token, str):
            request.session[ID_TOKEN] = id_token
        device = request.user.otp_device
        device.last_used_at = timezone.now()
        device.save(update_fields=["last_used_at"])
        amr = claims.get("amr")
        audit_record(
            actor=self._stepup_actor(),
            user=request.user,
            action="stepup",
            object_type=STEPUP_OBJECT,
            object_id=str(request.user.pk),
            detail={
                "factor": "sso",
                "amr": [a for a in amr if isinstance(a, str)][:10] if isinstance(amr, list) else [],
                "acr": claims.get("acr", "") if isinstance(claims.get("acr"), str) else "",
            },
        )
        return HttpResponseRedirect(safe_next(request, pending.get("next")))

    def _stepup_refused(self, pending: dict, reason: str):
        """Audit ``stepup_failed`` (factor sso, the reason code) and go back to the step-up page, which says so.
        The session stays as it was: signed in, not stepped up."""
        from openmash.accounts.stepup import STEPUP_OBJECT, safe_next

        request = self.request
        user = request.user if request.user.is_authenticated else None
        audit_record(
            actor=self._stepup_actor(),
            user=user,
            username="" if user is not None else "sso",
            action="stepup_failed",
            object_type=STEPUP_OBJECT if user is not None else "",
            object_id=str(user.pk) if user is not None else "",
            detail={"factor": "sso", "reason": reason, "locked": False},
        )
        if user is None:
            return HttpResponseRedirect(reverse("web:login"))
        shown = {"no_second_factor": "mfa", "not_fresh": "stale", "other_user": "other", "subject_mismatch": "other"}
        query = urlencode({"next": safe_next(request, pending.get("next")), "sso": shown.get(reason, "failed")})
        return HttpResponseRedirect(f"{reverse('stepup:confirm')}?{query}")


class SsoStartView(OIDCAuthenticationRequestView):
    """``/sso/start/?next=...``: to the provider's sign-in page with state, nonce and a PKCE challenge (and
    ``acr_values`` when OPENMASH_OIDC_MFA_ACR is set)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_extra_params(self, request):
        return {**super().get_extra_params(request), **mfa_request_params()}


class SsoStepUpView(OIDCAuthenticationRequestView):
    """``/sso/step-up/?next=/path``: a session that came from single sign-on confirms it is them again at the
    provider: the authorisation request of sign-in plus ``prompt=login`` and ``max_age=0`` (OIDC Core 3.1.2.1: sign
    in again now, and say when in ``auth_time``). The step-up under way (its state, the user, ``next`` made safe,
    the time it began in UTC epoch seconds) is kept in the session for the callback. Signed out: to the sign-in
    page. A session that did not come from single sign-on: to the password step-up page."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        from django.contrib.auth.views import redirect_to_login

        from openmash.accounts.stepup import safe_next

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        next_url = safe_next(request, request.GET.get("next"))
        if not sso_session(request):
            return HttpResponseRedirect(f"{reverse('stepup:confirm')}?{urlencode({'next': next_url})}")
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        request.session.pop("oidc_login_next", None)  # the step-up keeps its own `next`
        request.session[STEPUP_PENDING] = {"state": state, "user": request.user.pk, "next": next_url, "at": time.time()}
        return response

    def get_extra_params(self, request):
        return {**super().get_extra_params(request), **mfa_request_params(), "prompt": "login", "max_age": "0"}


app_name = "sso"
urlpatterns = [
    path("start/", require_safe(SsoStartView.as_view()), name="start"),
    path("callback/", require_safe(SsoCallbackView.as_view()), name="callback"),
    path("step-up/", require_safe(SsoStepUpView.as_view()), name="stepup"),
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
