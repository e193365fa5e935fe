"""The second factor (ADR 0011; issue 7; SECURITY-TESTS AU-1, AU-2; ASVS 5.0 6.3.3, 6.5.1, 6.5.5, 6.6.1).

Every user signs in with their password and then one of:

- a **TOTP code** from an authenticator app (accounts.AppDevice: django-otp's TOTP with the key encrypted at rest;
  RFC 6238, SHA-1, 30-second steps, 6 digits, one step either side of the server's clock, no drift learning; a code
  is accepted once: a code at or before the last accepted step is refused, so a replayed code fails);
- a **WebAuthn security key** (py_webauthn; user verification required; the key's signature counter must go up);
- one of their 10 **recovery codes** (django-otp's StaticDevice: each works once, then is deleted).

No SMS or email codes. A user with no app or key is sent to enrolment (`totp_enrol_start`, `totp_enrol_confirm`)
before anything else; confirming the app's first code also makes their recovery codes, shown once.

Passing the second factor is `django_otp.login` (the device's persistent id in the session, which OTPMiddleware
turns into `request.user.is_verified()`) plus a new session id. openmash.accounts.mfa_middleware lets an unverified
session reach only the sign-in, second-factor and sign-out pages.

Failures count toward the sign-in lockout exactly as wrong passwords do (django-axes' handler, per username and
address, and the account-wide hourly cap of openmash.accounts.lockout) and are audited `mfa_failed`; the password
alone resets nothing (AXES_RESET_ON_SUCCESS is off): the username + address count is reset here once the second
factor passes. Audit actions: mfa_verified, mfa_failed, mfa_enrolled, recovery_code_used,
recovery_codes_regenerated, webauthn_registered, webauthn_removed, mfa_reset_request, mfa_reset_approve,
mfa_reset_reject.
"""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from openmash.accounts.models import AppDevice
from openmash.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
#: session keys: the challenge of a WebAuthn ceremony in progress (base64url), never the secret of an app
WEBAUTHN_CHALLENGE = "openmash_webauthn_challenge"
_DIGITS = re.compile(r"^\d{6}$")
_RECOVERY = re.compile(r"^[a-z2-7]{8}$")  # django-otp's StaticToken.random_token: 5 random bytes in base32


# --- what a user has ------------------------------------------------------------------------------------------------


def has_second_factor(user) -> bool:
    """True if the user has a confirmed authenticator app or security key (recovery codes alone are not enough:
    they are the fall-back for a lost app or key)."""
    from openmash.accounts.models import WebAuthnKey

    return (
        AppDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnKey.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def security_keys(user):
    """The user's confirmed WebAuthn keys, oldest first."""
    from openmash.accounts.models import WebAuthnKey

    return WebAuthnKey.objects.filter(user=user, confirmed=True).order_by("created_at")


def session_is_verified(request) -> bool:
    """Whether this request's session has passed its second factor (OTPMiddleware's answer)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def clean_code(text) -> str:
    """A typed code as it is checked: spaces and hyphens dropped, lower case. At most 32 characters are read."""
    return re.sub(r"[\s-]", "", str(text or "")[:32]).lower()


# --- passing the second factor --------------------------------------------------------------------------------------


def _verified(request, device, *, action: str, detail: dict | None = None) -> None:
    """The session has passed its second factor with `device`: a new session id, the device in the session, the
    username + address failure count cleared, audited (in one transaction with the device's own update)."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_client_ip_address

    user = request.user
    request.session.cycle_key()  # a new session id now that the session is fully signed in (ASVS 7.2.4)
    otp_login(request, device)
    AxesProxyHandler.reset_attempts(ip_address=get_client_ip_address(request), username=user.get_username())
    audit_record(
        actor=None,
        user=user,
        action=action,
        obj=user,
        detail={"method": _method(device), **(detail or {})},
    )


def _method(device) -> str:
    return {"accounts.appdevice": "totp", "otp_static.staticdevice": "recovery_code", "accounts.ssodevice": "sso"}.get(
        device.model_label(), "webauthn"
    )


def failure_record(request, *, method: str) -> bool:
    """A wrong second factor: counted by django-axes as a failed sign-in for the user (per username and address, and
    the account-wide hourly cap) and audited `mfa_failed` (the method only, never what was typed). Returns True if
    the user is now locked out (the caller signs them out and shows the lockout page)."""
    from axes.handlers.proxy import AxesProxyHandler

    user = request.user
    credentials = {"username": user.get_username()}
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=credentials, request=request)
    audit_record(actor=None, user=user, action="mfa_failed", obj=user, detail={"method": method})
    return locked_out(request)


def locked_out(request) -> bool:
    """Whether the signed-in (password only) user is locked out now, by either lockout rule."""
    from axes.handlers.proxy import AxesProxyHandler

    if not settings.AXES_ENABLED:
        return False
    if getattr(request, "axes_locked_out", False):
        return True
    return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})


@dataclass
class CodeResult:
    ok: bool
    recovery_code: bool = False
    locked: bool = False


def code_verify(request, code: str) -> CodeResult:
    """Check a typed code for the signed-in user: six digits against their authenticator app, eight letters and
    digits against their recovery codes (each works once). Passing: `_verified` (new session id, audited
    `mfa_verified`, or `recovery_code_used` with the number left). Failing: `failure_record`."""
    user = request.user
    code = clean_code(code)
    if _DIGITS.match(code):
        with transaction.atomic():
            for device in AppDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):  # django-otp: +-1 step, only a step later than the last one used
                    _verified(request, device, action="mfa_verified")
                    return CodeResult(True)
        return CodeResult(False, locked=failure_record(request, method="totp"))
    if _RECOVERY.match(code):
        with transaction.atomic():
            for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):  # deletes the code
                    left = recovery_codes_left(user)
                    _verified(request, device, action="recovery_code_used", detail={"left": left})
                    return CodeResult(True, recovery_code=True)
        return CodeResult(False, locked=failure_record(request, method="recovery_code"))
    return CodeResult(False, locked=failure_record(request, method="unreadable"))


def code_check(user, code: str) -> bool:
    """Check a code for a user who is already signed in with a second factor (re-entering a code before a
    sensitive change: new recovery codes, adding a key). Same rules as `code_verify`, no session change; the
    caller counts a failure (`failure_record`)."""
    code = clean_code(code)
    with transaction.atomic():
        if _DIGITS.match(code):
            devices = AppDevice.objects.select_for_update().filter(user=user, confirmed=True)
        elif _RECOVERY.match(code):
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            return False
        return any(d.verify_token(code) for d in devices)


def has_app(user) -> bool:
    """True if the user has a confirmed authenticator app (TOTP device)."""
    return AppDevice.objects.filter(user=user, confirmed=True).exists()


def totp_check(user, code: str) -> bool:
    """Check a 6-digit code against the user's confirmed authenticator app(s) only: never a recovery code (step-up,
    ADR 0011 addendum). django-otp's rules: one step either side, a code at or before the last accepted step is
    refused (replay), its throttle after a wrong code. No session change; the caller counts a failure."""
    code = clean_code(code)
    if not _DIGITS.match(code):
        return False
    with transaction.atomic():
        return any(
            d.verify_token(code) for d in AppDevice.objects.select_for_update().filter(user=user, confirmed=True)
        )


# --- enrolment: an authenticator app, then recovery codes -----------------------------------------------------------


def totp_enrol_start(user) -> AppDevice:
    """A new, unconfirmed authenticator-app device with a fresh random key (20 bytes), replacing any earlier
    unconfirmed one: the key is shown on this page only, and a reload shows a new one."""
    with transaction.atomic():
        AppDevice.objects.filter(user=user, confirmed=False).delete()
        return AppDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_key_text(device: AppDevice) -> str:
    """The device's key as typed into an app by hand: base32, no padding, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(device: AppDevice) -> str:
    """The otpauth:// address of the device as an SVG QR code (qrcode's SVG path image: no raster library)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    img.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # no XML declaration inside the page
    return svg.replace("<svg", '<svg role="img" aria-label="QR code to scan with your authenticator app"', 1)


def totp_enrol_confirm(request, device_id, code: str) -> list[str] | None:
    """Confirm the unconfirmed app device `device_id` of the signed-in user with a code from the app. Right: the
    device is confirmed (any other app device of theirs is removed), the session passes its second factor, their
    recovery codes are made afresh and returned (to be shown once), audited `mfa_enrolled`. Wrong: None, counted
    and audited as a failure (`failure_record`)."""
    user = request.user
    with transaction.atomic():
        device = AppDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_token(clean_code(code)):
            ok = False
        else:
            ok = True
            AppDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_make(user)
            request.session.cycle_key()
            otp_login(request, device)
            audit_record(actor=None, user=user, action="mfa_enrolled", obj=user, detail={"method": "totp"})
    if not ok:
        failure_record(request, method="totp_enrolment")
        return None
    return codes


def _recovery_codes_make(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; returns them (to be shown once). The
    device itself is kept, so a session that passed with a recovery code stays verified."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in sorted(codes)])
    return sorted(codes)


def recovery_codes_regenerate(request, code: str) -> list[str] | None:
    """New recovery codes for the signed-in, verified user after they re-enter a code (app or recovery code): the
    old ones stop working. Returns the new codes (shown once), or None when the code was wrong (counted and
    audited as a failure). Audited `recovery_codes_regenerated`."""
    user = request.user
    with transaction.atomic():
        if code_check(user, code):
            codes = _recovery_codes_make(user)
            audit_record(actor=None, user=user, action="recovery_codes_regenerated", obj=user)
            return codes
    failure_record(request, method="reauthenticate")
    return None


def format_recovery_code(code: str) -> str:
    """A recovery code as shown: two groups of four (abcd-efgh); typed with or without the hyphen."""
    return f"{code[:4]}-{code[4:]}"


# --- WebAuthn security keys ---------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _rp(request) -> tuple[str, str]:
    """(relying party id, expected origin) for this request: OPENMASH_WEBAUTHN_RP_ID or the request's host name, and
    the request's own scheme and host (checked against ALLOWED_HOSTS by Django)."""
    host = request.get_host()
    name = host.rsplit("]", 1)[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
    rp_id = settings.OPENMASH_WEBAUTHN_RP_ID or name
    origin = f"{request.scheme}://{host}"
    return rp_id, origin


def webauthn_registration_options(request) -> str:
    """The options (JSON) for navigator.credentials.create for the signed-in user: resident keys discouraged, user
    verification required, the user's existing keys excluded. The challenge is kept in the session."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    from openmash.accounts.models import WebAuthnKey

    user = request.user
    rp_id, _ = _rp(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.OPENMASH_WEBAUTHN_RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        user_display_name=str(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_unb64(k.credential_id)) for k in WebAuthnKey.objects.filter(user=user)
        ],
    )
    request.session[WEBAUTHN_CHALLENGE] = _b64(options.challenge)
    return options_to_json(options)


def _unb64(text: str) -> bytes:
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(text)


def _challenge(request) -> bytes | None:
    value = request.session.pop(WEBAUTHN_CHALLENGE, None)
    return _unb64(value) if isinstance(value, str) and value else None


def webauthn_register(request, credential: str, name: str):
    """Check the browser's answer to `webauthn_registration_options` (the challenge of this session, this site's
    origin and relying party, user verification) and keep the key. Returns the WebAuthnKey, or None if the answer
    does not verify. Audited `webauthn_registered`."""
    from webauthn import verify_registration_response

    from openmash.accounts.models import WebAuthnKey

    challenge = _challenge(request)
    if challenge is None:
        return None
    rp_id, origin = _rp(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except Exception:  # py_webauthn raises its own errors for every malformed or unverifiable answer
        return None
    with transaction.atomic():
        key = WebAuthnKey.objects.create(
            user=request.user,
            name=(name or "Security key").strip()[:64] or "Security key",
            confirmed=True,
            credential_id=_b64(verified.credential_id),
            public_key=_b64(verified.credential_public_key),
            sign_count=verified.sign_count,
        )
        audit_record(actor=None, user=request.user, action="webauthn_registered", obj=key)
    return key


def webauthn_authentication_options(request) -> str | None:
    """The options (JSON) for navigator.credentials.get for the signed-in user's keys (user verification
    required), or None if they have none. The challenge is kept in the session."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    keys = list(security_keys(request.user))
    if not keys:
        return None
    rp_id, _ = _rp(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[PublicKeyCredentialDescriptor(id=_unb64(k.credential_id)) for k in keys],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    request.session[WEBAUTHN_CHALLENGE] = _b64(options.challenge)
    return options_to_json(options)


def webauthn_assertion_check(request, user, credential: str):
    """Check the browser's answer to `webauthn_authentication_options` for `user`: one of their own confirmed keys,
    this session's challenge (used up), this origin and relying party, user verification, and a signature counter
    that went up (a clone or a replay is refused). Passing: the key, its new counter and last use saved. Failing:
    None (the caller counts and audits it). Call inside a transaction (the key's row is locked)."""
    from webauthn import verify_authentication_response

    from openmash.accounts.models import WebAuthnKey

    challenge = _challenge(request)
    try:
        raw_id = json.loads(credential).get("id", "")
    except (ValueError, AttributeError, TypeError):
        raw_id = ""
    key = (
        WebAuthnKey.objects.select_for_update().filter(user=user, confirmed=True, credential_id=raw_id).first()
        if isinstance(raw_id, str) and raw_id
        else None
    )
    if key is None or challenge is None:
        return None
    rp_id, origin = _rp(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=_unb64(key.public_key),
            credential_current_sign_count=key.sign_count,
            require_user_verification=True,
        )
    except Exception:  # py_webauthn: bad signature, no user verification, counter not increased, ...
        return None
    key.sign_count = verified.new_sign_count
    key.last_used_at = timezone.now()
    key.save(update_fields=["sign_count", "last_used_at"])
    return key


def webauthn_verify(request, credential: str) -> CodeResult:
    """The second factor at sign-in with a security key (`webauthn_assertion_check` for the signed-in user).
    Passing: `_verified`. Failing: `failure_record`."""
    with transaction.atomic():
        key = webauthn_assertion_check(request, request.user, credential)
        if key is not None:
            _verified(request, key, action="mfa_verified")
            return CodeResult(True)
    return CodeResult(False, locked=failure_record(request, method="webauthn"))


def webauthn_remove(request, key_id) -> bool:
    """Remove one of the signed-in user's keys, unless it is their only second factor (no app): False then.
    Audited `webauthn_removed`."""
    from openmash.accounts.models import WebAuthnKey

    user = request.user
    with transaction.atomic():
        key = WebAuthnKey.objects.select_for_update().filter(user=user, pk=key_id).first()
        if key is None:
            return False
        others = WebAuthnKey.objects.filter(user=user, confirmed=True).exclude(pk=key.pk).exists()
        if not others and not AppDevice.objects.filter(user=user, confirmed=True).exists():
            return False
        audit_record(actor=None, user=user, action="webauthn_removed", obj=key)
        key.delete()  # a session that passed with this key is asked for another second factor on its next page
    return True


# --- the demo and tests -----------------------------------------------------------------------------------------


def totp_device_ensure(user, *, key: str | None = None) -> AppDevice:
    """The user's confirmed authenticator-app device, made (with `key`, hex, or a random one) if they have none.
    For the demo seed and the test suite; people enrol through the pages."""
    device = AppDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = AppDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True, key=key or secrets.token_hex(20))
    return device


def client_session_verify(client, user) -> AppDevice:
    """For a django.test.Client signed in with force_login (the test suite, `openmash bench frontdoor`): mark its
    session as having passed the second factor with the user's authenticator-app device (made if need be), as
    django_otp.login does after a right code. Never used by a request."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = totp_device_ensure(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_current_code(device: AppDevice, *, at: float | None = None) -> str:
    """The device's code for the time step holding `at` (seconds since the epoch; now by default), zero-padded."""
    import time

    return str(_totp_at(device, time.time() if at is None else at)).zfill(device.digits)


def _totp_at(device: AppDevice, now: float) -> int:
    from django_otp.oath import TOTP

    t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    t.time = now
    return t.token()


# --- a partnership admin's reset of a user's second factors (dual control) --------------------------------------


def mfa_reset_request(*, actor, user_id, reason: str):
    """A partnership admin asks for a user's second factors to be removed (a lost phone or key). Nothing changes
    until a second partnership admin approves it (`mfa_reset_decide`). Never one's own account; one pending request
    per user. Audited `mfa_reset_request` with the reason. Raises PermissionDenied, NotFound, ValidationFailed,
    Conflict."""
    from openmash.access.policy import require
    from openmash.accounts.models import MfaReset, User
    from openmash.core.exceptions import Conflict, NotFound, ValidationFailed

    require(actor, "mfa.reset")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed(
            "Enter why their second factor is being reset",
            errors={"reason": ["Enter why their second factor is being reset"]},
        )
    if len(reason) > 500:
        raise ValidationFailed(
            "The reason must be 500 characters or fewer",
            errors={"reason": ["The reason must be 500 characters or fewer"]},
        )
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound()
        if user.pk == actor.user.pk:
            audit_record(actor=actor, action="deny", obj=user, reason="mfa reset of own account")
            raise ValidationFailed("You cannot reset your own second factor: another partnership admin does.")
        if MfaReset.objects.filter(user=user, status=MfaReset.Status.PENDING).exists():
            raise Conflict("A reset of this user's second factor is already waiting for approval.")
        reset = MfaReset.objects.create(user=user, reason=reason, requested_by=actor.user)
        audit_record(actor=actor, action="mfa_reset_request", obj=reset, reason=reason, detail={"user": user.pk})
    return reset


def mfa_reset_decide(*, actor, reset_id, approve: bool):
    """Approve or reject a pending MfaReset: only another partnership admin (never the one who asked, never the
    user it is for: access.policy.mfa_reset_decidable; anyone else gets NotFound). Approving deletes every second
    factor of the user (apps, keys, recovery codes) and ends all their sessions (core.sessions.sessions_end_for_users)
    in the same transaction; they enrol again at their next sign-in. Audited `mfa_reset_approve` (with the devices
    and sessions removed) or `mfa_reset_reject`."""
    from openmash.access.policy import mfa_reset_decidable
    from openmash.accounts.models import MfaReset, WebAuthnKey
    from openmash.core.exceptions import NotFound
    from openmash.core.sessions import sessions_end_for_users

    with transaction.atomic():
        reset = MfaReset.objects.select_for_update().select_related("user").filter(pk=reset_id).first()
        if reset is None or not mfa_reset_decidable(actor, reset):
            raise NotFound()
        reset.decided_by, reset.decided_at = actor.user, timezone.now()
        reset.status = MfaReset.Status.APPROVED if approve else MfaReset.Status.REJECTED
        reset.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        if not approve:
            audit_record(actor=actor, action="mfa_reset_reject", obj=reset, detail={"user": reset.user_id})
            return reset
        user = reset.user
        removed = 0
        for model in (AppDevice, StaticDevice, WebAuthnKey):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        ended = sessions_end_for_users([user.pk])
        audit_record(
            actor=actor,
            action="mfa_reset_approve",
            obj=reset,
            detail={"user": user.pk, "devices_removed": removed, "sessions_ended": ended},
        )
    return reset
