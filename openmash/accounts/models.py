"""The partnership's people: agencies, teams, users and what each user does where."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from openmash.accounts.choices import AgencyType, HealthService, Role
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
    approved grants stay as the record of who asked and who decided.

    A grant asked for on the server's command line (`openmash user create`, `partnership load`) has no
    `requested_by` user: `requested_by_name` says who ran it (`cli:<operating-system user>`), and any partnership
    admin (or the agency's MASH manager for a case role) may decide it."""

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
    # None when asked for on the server's command line (then requested_by_name says who ran it)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_by_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.agency.name} ({self.get_status_display()})"

    @property
    def requester_label(self) -> str:
        """Who asked for it, as the approvals page shows it: a username, or "the server's command line (cli:NAME)"."""
        if self.requested_by_id:
            return self.requested_by.username
        return f"the server's command line ({self.requested_by_name or 'cli'})"


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
