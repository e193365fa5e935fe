"""The partnership's people: agencies, teams, users and what each user does where."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from openmash.accounts.choices import AgencyType, HealthService, Role
from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel


class Agency(BaseModel):
    """A partner organisation in the MASH (police force, trust, school, council service...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    agency_type = models.CharField(max_length=30, choices=AgencyType.choices)
    health_service = models.CharField(max_length=30, choices=HealthService.choices, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # CIN census referral-source code for contacts raised by this agency (6 police, 2A schools, 3A GP...).
    source_code = models.CharField(max_length=3)
    is_hub = models.BooleanField(default=False, help_text="The MASH itself (children's social care front door).")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        """A school or nursery (an education agency): a child's school, told of domestic abuse incidents."""
        return self.agency_type == AgencyType.EDUCATION

    @property
    def is_gp_practice(self) -> bool:
        """A GP practice (a health agency's GP service): a child's GP."""
        return self.agency_type == AgencyType.HEALTH and self.health_service == HealthService.GP

    @classmethod
    def schools(cls):
        """Active schools and nurseries, by name."""
        return cls.objects.filter(active=True, agency_type=AgencyType.EDUCATION).order_by("name")

    @classmethod
    def gp_practices(cls):
        """Active GP practices, by name."""
        return cls.objects.filter(active=True, agency_type=AgencyType.HEALTH, health_service=HealthService.GP).order_by(
            "name"
        )


class Team(BaseModel):
    """A team within an agency (e.g. MASH screening team, police PPD, safeguarding nurses)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A professional who signs in. What they may do comes from their memberships, never from flags here.

    `email` is where a password reset link is sent (set when the account is created; the partnership admin cannot
    change it, so a reset can never be redirected to them). `password_set_at` is when the user last set a password
    themselves (None: a starter who never has): only for a starter is a set-password link shown to the admin
    (issue 5 review, fault 3)."""

    display_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    password_set_at = models.DateTimeField(null=True, blank=True, editable=False)

    def set_password(self, raw_password):
        """Django's set_password, also stamping password_set_at (saved with the user)."""
        super().set_password(raw_password)
        if raw_password is not None:
            self.password_set_at = timezone.now()

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(BaseModel):
    """A user's role in an agency (and optionally a team). A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_user_agency_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.agency.name}"


def token_expiry_default():
    """When a token made now expires: OPENMASH_API_TOKEN_DAYS (default 90) days from now."""
    return timezone.now() + dt.timedelta(days=settings.OPENMASH_API_TOKEN_DAYS)


class ApiToken(BaseModel):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once. It stops working when
    revoked, when it expires, or when its user, membership or agency is deactivated (access.actor.token_is_active).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(default=token_expiry_default)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def status_at(self, now=None) -> str:
        """ "revoked", "expired" or "active" by the token's own dates (its membership is checked separately)."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    @staticmethod
    def generate() -> str:
        return "om_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class RoleGrant(BaseModel):
    """A role a partnership admin asked to give through the pages, waiting for a second person (dual control:
    ASVS 5.0 2.3.5, 8.4.2; issue 6 security review, fault 1). Nothing changes until it is approved by another
    partnership admin, or a MASH manager of the agency for a case role (access.policy.role_grant_decidable); then
    the membership is made (or `membership` is changed to this role and team, and made active). Rejected and
    approved grants stay as the record of who asked and who decided."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.CharField(max_length=200, blank=True)
    # the membership to change (a role edit or reactivation), or None for a new role
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # a starter made with this grant: the approver is shown their set-password link
    new_user = models.BooleanField(default=False)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.agency.name} ({self.get_status_display()})"


class WebAuthnKey(Device):
    """A security key (or platform authenticator) registered with WebAuthn, as a django-otp device so that
    `django_otp.login` and OTPMiddleware treat it like the authenticator app (openmash.accounts.mfa, ADR 0011).

    `credential_id` and `public_key` are what the key gave at registration (base64url, no padding); `sign_count` is
    the key's last signature counter: an assertion whose counter does not go up (when either is above 0) is refused
    as a possible clone (W3C WebAuthn Level 2, 6.1.1; SECURITY-TESTS AU-1). A key never verifies a typed token."""

    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.TextField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "WebAuthn security key"

    def verify_token(self, token) -> bool:
        return False  # a key signs a challenge (openmash.accounts.mfa.webauthn_verify); it has no typed code


class SsoDevice(Device):
    """The partner identity provider as the session's second factor (optional OIDC single sign-on, ADR 0018).

    A user signed in through their organisation's identity provider whose ID token asserts multi-factor
    authentication (`amr` contains an accepted value, or `acr` is an accepted level: openmash.accounts.sso) passes
    the second factor with this device: `django_otp.login` puts it in the session so that OTPMiddleware answers
    `request.user.is_verified()` exactly as for the authenticator app or a security key. One per user and issuer,
    made on their first single sign-on; it never verifies a typed token, so it is useless without the provider."""

    issuer = models.CharField(max_length=500)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "single sign-on identity provider"
        constraints = [models.UniqueConstraint(fields=["user", "issuer"], name="sso_device_one_per_user_issuer")]

    def verify_token(self, token) -> bool:
        return False  # the provider's ID token is checked in openmash.accounts.sso; there is no typed code


def _random_hex_key() -> str:
    """A new TOTP secret: 20 random bytes as hex (django-otp's default_key)."""
    return secrets.token_hex(20)


def _random_device_id() -> int:
    """A new AppDevice id: a random integer in [1, 2**62] (collisions are negligible; the insert would fail)."""
    return secrets.randbelow(2**62) + 1


class AppDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) as a django-otp device, like django-otp's own ``TOTPDevice`` but with its
    **secret key encrypted at rest** (``EncryptedTextField``: AES-256-GCM bound to this table, column and row;
    ``openmash keys rotate`` re-encrypts it with every other encrypted column; ADR 0011 addendum). django-otp's
    TOTPDevice keeps the key as plain hex text, so a copy of the database would hold every user's second factor.

    The fields and their meaning are django-otp's (``key``: hex, 20 random bytes by default; ``step`` 30 s; ``t0``;
    ``digits`` 6; ``tolerance`` 1 step either side; ``drift``; ``last_t``: the step of the last accepted code: a code
    at or before it is refused, so each code works once); `verify_token` and `config_url` follow django-otp 1.7's
    TOTPDevice and verify with its own ``django_otp.oath.TOTP``. The primary key is a random 62-bit integer set before
    the insert: the encrypted key is bound to its row, so the id must exist before the row does, and django-otp's
    persistent ids (``accounts.appdevice/<id>`` in a session) must be integers."""

    id = models.BigIntegerField(primary_key=True, default=_random_device_id, editable=False)
    key = EncryptedTextField(default=_random_hex_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        """The secret key as bytes (decrypted on first use of the attribute)."""
        return bytes.fromhex(self.key)

    def verify_token(self, token) -> bool:
        """django-otp's TOTP check (its TOTPDevice.verify_token, 1.7): throttled after failures; a code within
        `tolerance` steps and at a step after `last_t`; drift learnt only if OTP_TOTP_SYNC (off here)."""
        import time

        from django_otp.oath import TOTP

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            token = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(token, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code (Key Uri Format), as django-otp makes
        it: label issuer:username, secret in base32, SHA1, digits, period, issuer (OTP_TOTP_ISSUER)."""
        from base64 import b32encode
        from urllib.parse import quote, urlencode

        label = str(self.user.get_username())
        params = urlencode(
            {"secret": b32encode(self.bin_key), "algorithm": "SHA1", "digits": self.digits, "period": self.step}
        )
        issuer = getattr(settings, "OTP_TOTP_ISSUER", None)
        if callable(issuer):
            issuer = issuer(self)
        if isinstance(issuer, str) and issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"


class MfaReset(BaseModel):
    """A partnership admin's request to remove a user's second factors (lost phone or key), waiting for a second
    partnership admin (dual control, as RoleGrant: ASVS 5.0 2.3.5, 6.4.x). Nothing changes until it is approved;
    then every device of the user is deleted and their sessions end (openmash.accounts.mfa.mfa_reset_decide), and
    at their next sign-in they enrol again. Rejected and approved requests stay as the record."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_resets")
    reason = models.CharField(max_length=500)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Reset of {self.user.username}'s second factors ({self.get_status_display()})"
