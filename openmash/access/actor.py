"""Who is acting: a user in one of their memberships (agency + role), and THE check of whether they may act at all.

`membership_is_active` / `token_is_active` are the only places that decide whether a user, a membership, its
agency or an API token is live. Session authentication (`actor_for_user`, used by every page and the API's session
auth) and bearer-token authentication (`openmash.core.api_auth.TokenAuth`) both go through them, so deactivating a
user, a membership or a whole agency, or revoking or letting a token expire, stops every way in at once
(issue 5, fault 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from openmash.accounts.choices import HUB_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user: object  # accounts.User
    membership: object  # accounts.Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def agency(self):
        return self.membership.agency

    @property
    def agency_id(self):
        return self.membership.agency_id

    @property
    def is_hub(self) -> bool:
        return self.role in HUB_ROLES and self.membership.agency.is_hub

    @property
    def is_manager(self) -> bool:
        return self.is_hub and self.role == Role.MANAGER

    def __str__(self) -> str:
        return f"{self.user.username} as {self.role} at {self.membership.agency.code}"


# --- the one "may this identity act?" check --------------------------------------------------------------------------


def user_is_active(user) -> bool:
    """A user may act only while their account is active (and, for sessions, signed in)."""
    return user is not None and bool(getattr(user, "is_active", False))


def membership_is_active(membership) -> bool:
    """In: a Membership with its agency loaded. Out: True only if the membership, its user and its agency are all
    active. Used for sessions and tokens alike (issue 5, fault 3)."""
    return membership is not None and membership.active and membership.agency.active and user_is_active(membership.user)


def active_memberships_q(prefix: str = "") -> Q:
    """The same rule as `membership_is_active`, as a query filter on Membership (or on a relation to it through
    `prefix`, e.g. "membership__")."""
    return Q(**{f"{prefix}active": True, f"{prefix}agency__active": True, f"{prefix}user__is_active": True})


def can_sign_in_q(through: str = "") -> Q:
    """THE rule for "can this user sign in and work now", as a query filter: the one check behind every list that
    offers a user to be chosen (a manager assigning a contact or an enquiry, a child allocated to a social worker, a
    leaver's work handed on) and behind the services that refuse a user not on it (practitioner review, "a Monday of
    60 contacts": work was handed to a starter who had never set a password).

    In: `through`, the relation from the queried model to the User ("" on User itself, "user" on Membership). Out: a
    Q that holds when the user has a usable password set and a confirmed second factor (an authenticator app or a
    security key, as accounts.mfa.has_second_factor; recovery codes alone are not one), or, while single sign-on is
    on (accounts.sso.sso_enabled), an identity provider device made by signing in through it. Whether the user,
    membership and agency are active is the other half (active_memberships_q / memberships_allowed). No errors."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db.models import Exists, OuterRef

    from openmash.accounts.models import AppDevice, SsoDevice, WebAuthnKey
    from openmash.accounts.sso import sso_enabled

    prefix = f"{through}__" if through else ""
    ref = OuterRef(f"{through}_id" if through else "pk")
    password_set = ~Q(**{f"{prefix}password__startswith": UNUSABLE_PASSWORD_PREFIX}) & ~Q(**{f"{prefix}password": ""})
    factor = Exists(AppDevice.objects.filter(user_id=ref, confirmed=True)) | Exists(
        WebAuthnKey.objects.filter(user_id=ref, confirmed=True)
    )
    ready = password_set & factor
    if sso_enabled():
        ready = ready | Exists(SsoDevice.objects.filter(user_id=ref, confirmed=True))
    return ready


def user_can_sign_in(user) -> bool:
    """In: a User (or None). Out: True when they are active and pass can_sign_in_q (password set and second factor,
    or single sign-on). One query. No errors."""
    from openmash.accounts.models import User

    if not user_is_active(user):
        return False
    return User.objects.filter(pk=user.pk).filter(can_sign_in_q()).exists()


def token_is_active(token, *, now=None) -> bool:
    """In: an ApiToken with membership, agency and user loaded. Out: True only if it is not revoked, not expired
    (tokens without an expiry date predate expiry and are treated as expired), and its membership is active."""
    now = now or timezone.now()
    return (
        token is not None
        and token.revoked_at is None
        and token.expires_at is not None
        and token.expires_at > now
        and token.user_id == token.membership.user_id
        and membership_is_active(token.membership)
    )


def token_refusal_reason(token, *, now=None) -> str | None:
    """Why a token that exists may not act, for the audit trail (never the token itself): "revoked", "expired",
    "inactive" (its user, membership or agency is deactivated), or None if it may act."""
    if token_is_active(token, now=now):
        return None
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is None or token.expires_at <= now:
        return "expired"
    return "inactive"


def actor_for_user(user, *, membership_id=None) -> Actor | None:
    """The actor for a signed-in user: the chosen membership, or the first active one. None if none is active."""
    if user is None or not user.is_authenticated or not user_is_active(user):
        return None
    qs = user.memberships.filter(active_memberships_q()).select_related("agency", "team", "user")
    membership = None
    if membership_id:
        membership = qs.filter(pk=membership_id).first()
    if membership is None:
        membership = qs.order_by("created_at").first()
    return Actor(user=user, membership=membership) if membership_is_active(membership) else None


def user_may_sign_in(user) -> bool:
    """In: a User whose password has just been checked. Out: True only if they could act once signed in: the
    account is active and at least one of their memberships passes `membership_is_active` (its agency active too).
    A user of a deactivated agency is refused at the sign-in page, with the same answer as a deactivated account
    (access.backends.ActiveMembershipBackend), instead of being let in to meet 403 on every page."""
    return actor_for_user(user) is not None


def actor_for_token(token) -> Actor | None:
    """The actor a bearer token acts as, or None if the token (or anything it hangs on) is not active."""
    if not token_is_active(token):
        return None
    return Actor(user=token.user, membership=token.membership)
