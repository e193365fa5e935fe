"""Who is acting: a user in one of their memberships (agency + role)."""

from __future__ import annotations

from dataclasses import dataclass

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


def actor_for_user(user, *, membership_id=None) -> Actor | None:
    """The actor for a signed-in user: the chosen membership, or the first active one. None if none is active."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    qs = user.memberships.filter(active=True, agency__active=True).select_related("agency", "team")
    membership = None
    if membership_id:
        membership = qs.filter(pk=membership_id).first()
    if membership is None:
        membership = qs.order_by("created_at").first()
    return Actor(user=user, membership=membership) if membership else None
