"""Writes for accounts: agencies, teams, users, memberships and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from openmash.access.actor import active_memberships_q
from openmash.access.policy import require
from openmash.accounts.choices import AgencyType, Role
from openmash.accounts.models import Agency, ApiToken, Membership, Team, User
from openmash.audit.services import audit_record
from openmash.core.exceptions import NotFound, ValidationFailed


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    agency_type: str,
    source_code: str,
    is_hub: bool = False,
    health_service: str = "",
    parent: Agency | None = None,
) -> Agency:
    if agency_type not in AgencyType.values:
        raise ValidationFailed("Unknown agency type", errors={"agency_type": [f"Unknown agency type: {agency_type}"]})
    agency, _ = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "agency_type": agency_type,
            "source_code": source_code,
            "is_hub": is_hub,
            "health_service": health_service,
            "parent": parent,
        },
    )
    return agency


def team_get_or_create(*, agency: Agency, name: str) -> Team:
    team, _ = Team.objects.get_or_create(agency=agency, name=name)
    return team


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    agency_code: str,
    role: str,
    display_name: str = "",
    team_name: str = "",
    job_title: str = "",
    check_password: bool = True,
    actor=None,
    email: str = "",
) -> User:
    errors: dict[str, list[str]] = {}
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        errors["agency"] = [f"Unknown agency: {agency_code}"]
    if role not in Role.values:
        errors["role"] = [f"Unknown role: {role}. Choose one of {', '.join(Role.values)}"]
    if not username or len(username) > 150:
        errors["username"] = ["Enter a username of up to 150 characters"]
    elif User.objects.filter(username=username).exists():
        errors["username"] = ["That username is taken"]
    user = User(username=username, display_name=display_name, job_title=job_title, email=email)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed("The user could not be created", errors=errors)
    user.set_password(password)
    user.save()
    team = team_get_or_create(agency=agency, name=team_name) if team_name else None
    membership = Membership.objects.create(user=user, agency=agency, team=team, role=role)
    audit_record(actor=actor, username="system", action="create", obj=membership, detail={"role": role})
    return user


@transaction.atomic
def token_create(*, username: str, agency_code: str = "", role: str = "") -> tuple[ApiToken, str]:
    """Create an API token for the user's membership (the first active one unless agency/role are given).
    Returns the token row and the raw token, which is shown once and never stored."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationFailed("No such user", errors={"username": [f"No active user called {username}"]})
    memberships = user.memberships.filter(active_memberships_q()).select_related("agency")
    if agency_code:
        memberships = memberships.filter(agency__code=agency_code)
    if role:
        memberships = memberships.filter(role=role)
    membership = memberships.order_by("created_at").first()
    if membership is None:
        raise ValidationFailed("No membership", errors={"username": ["The user has no matching active membership"]})
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, membership=membership, key_hash=ApiToken.hash(raw), prefix=raw[:10])
    audit_record(actor=None, username="system", action="create", obj=token, detail={"user": user.pk})
    return token, raw


def _tokens_qs(username: str = "") -> QuerySet:
    qs: QuerySet = ApiToken.objects.select_related("user", "membership__agency", "membership__user", "revoked_by")
    if username:
        if not User.objects.filter(username=username).exists():
            raise ValidationFailed("No such user", errors={"username": [f"No user called {username}"]})
        qs = qs.filter(user__username=username)
    return qs.order_by("-created_at", "pk")


def tokens_list(*, actor=None, username: str = "") -> list[ApiToken]:
    """Every API token (or one user's), newest first. In: the acting partnership admin (None for the CLI, audited
    as "system") and an optional username. Out: ApiToken rows with user, membership and agency loaded. Only
    prefixes, dates and status are ever shown: the token itself is not stored."""
    if actor is not None:
        require(actor, "token.manage")
    tokens = list(_tokens_qs(username))
    audit_record(
        actor=actor, username="system", action="list", object_type="accounts.apitoken", detail={"results": len(tokens)}
    )
    return tokens


def tokens_page(*, actor, page: int | str = 1, per_page: int = 25):
    """One page of API tokens for the partnership admin's page (a django Paginator page, newest first), audited
    with the page number and the number shown."""
    from django.core.paginator import Paginator

    require(actor, "token.manage")
    result = Paginator(_tokens_qs(), per_page).get_page(page)
    audit_record(
        actor=actor,
        action="list",
        object_type="accounts.apitoken",
        detail={"page": result.number, "results": len(result.object_list), "total": result.paginator.count},
    )
    return result


def token_get(*, actor=None, key: str) -> ApiToken:
    """One token by its id or its (unique) shown prefix; NotFound if none or more than one match."""
    if actor is not None:
        require(actor, "token.manage")
    key = (key or "").strip()
    if not key:
        raise NotFound()
    q = Q(prefix=key)
    try:
        import uuid

        q |= Q(pk=uuid.UUID(key))
    except ValueError:
        pass
    matches = list(ApiToken.objects.select_related("user", "membership__agency").filter(q)[:2])
    if len(matches) != 1:
        raise NotFound()
    return matches[0]


@transaction.atomic
def token_view(*, actor, key: str) -> ApiToken:
    """A token not yet revoked, for the partnership admin's revoke confirmation (its prefix, owner, agency and
    dates): audited as a `view` naming the token and its owner's user id. NotFound if there is none, or it is
    already revoked."""
    token = token_get(actor=actor, key=key)
    if token.revoked_at is not None:
        raise NotFound()
    audit_record(actor=actor, action="view", obj=token, detail={"user": token.user_id})
    return token


@transaction.atomic
def token_revoke(*, actor=None, key: str) -> tuple[ApiToken, bool]:
    """Revoke a token (by id or prefix) at once. Returns (token, revoked_now): revoking an already revoked token
    changes nothing. Audited in the same transaction."""
    token = token_get(actor=actor, key=key)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token, False
    token.revoked_at = timezone.now()
    token.revoked_by = getattr(actor, "user", None)
    token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(actor=actor, username="system", action="revoke", obj=token, detail={"user": token.user_id})
    return token, True
