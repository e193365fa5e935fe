"""Partnership administration writes: agencies, teams, starters and leavers, unlocking, set-password links and the
partnership file. Used by the `openmash` command line (actor=SYSTEM, the operator at the server) and by the
partnership admin's pages (actor = a partnership admin; `partnership.configure` is checked here for every call).

Every write is atomic and audited in the same transaction. No password is ever shown, stored in clear or emailed:
a new user gets a one-time set-password link (Django's password-reset token: it stops working once a password is
set, when a newer link is issued, or after PASSWORD_RESET_TIMEOUT, 3 days by default).
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from openmash.access.policy import (
    memberships_allowed,
    require,
    role_agency_error,
    role_combination_error,
    role_grant_bootstrap_allowed,
    role_grant_cli_approver,
    role_grant_decidable,
    role_grant_needs_approval,
)
from openmash.accounts.choices import AgencyType, HealthService, Role
from openmash.accounts.models import Agency, ApiToken, Membership, RoleGrant, Team, User
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.core.links import site_url
from openmash.core.sessions import sessions_end_for_users
from openmash.people.validation import name_clean

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
CODE_MESSAGE = "Enter a code of lower-case letters, digits and hyphens (up to 40), like county-police"
USERNAME_MESSAGE = "Enter a username of letters, digits and . @ + - _ (up to 150 characters)"
CONFLICT_MESSAGE = "Someone else changed this while you were editing it. Check the details and try again."
OWN_ACCOUNT_MESSAGE = "You cannot change your own account's roles or status: ask another partnership admin"
STARTER_ONLY_MESSAGE = (
    "This user has set a password before, so no link is shown to you: use 'Reset password' to email them a link"
)
LINK_FOR_APPROVER_MESSAGE = (
    "A set-password link is shown only to the person who approved this starter's role: ask them, or the server "
    "operator (openmash user set-password-link)"
)
RESET_NOT_FOR_STARTER_MESSAGE = (
    "This starter has never set a password: their first link is shown to the person who approves their role"
)
GRANT_PENDING_MESSAGE = "That role is already waiting for approval"
NO_EMAIL_MESSAGE = (
    "This user has no email address to send a reset link to: ask the server operator to run "
    "openmash user set-password-link for them"
)


class SystemActor:
    """The operator at the server's command line (shell access to the server is the authority). Audited as
    `cli:<operating-system user>`; never used by a web request."""

    user = None
    membership = None

    @property
    def username(self) -> str:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        return f"cli:{who}"[:150]


SYSTEM = SystemActor()


def role_choices() -> list[tuple[str, str]]:
    """(value, label) of every role, for forms (the role list itself stays inside accounts and access)."""
    return list(Role.choices)


def agency_type_choices() -> list[tuple[str, str]]:
    """(value, label) of every agency type, for forms."""
    return list(AgencyType.choices)


def health_service_choices() -> list[tuple[str, str]]:
    """(value, label) of every health service, for forms."""
    return list(HealthService.choices)


def _authorise(actor) -> None:
    if actor is SYSTEM:
        return
    require(actor, "partnership.configure")


def _audit(actor, action: str, obj, detail: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=None if actor is SYSTEM else actor,
        username=actor.username if actor is SYSTEM else "",
        action=action,
        obj=obj,
        detail=detail,
        reason=reason,
    )


def _refuse(actor, user: User, *, rule: str, change: str, message: str, field: str = "") -> None:
    """Refuse a change, with a `deny` audit event (rule and change names only) that survives the refusal: call
    outside any transaction of the change. Raises ValidationFailed(message) keyed by `field` (or the form)."""
    with transaction.atomic():
        _audit(actor, "deny", user, {"rule": rule, "change": change})
    raise ValidationFailed(message, errors={field: [message]} if field else None)


def _refuse_own_account(actor, user: User, *, change: str, field: str = "") -> None:
    """Nobody changes their own roles, memberships or status (issue 5 review, fault 3): refused and audited."""
    if getattr(actor, "user", None) is not None and actor.user.pk == user.pk:
        _refuse(actor, user, rule="own_account", change=change, message=OWN_ACCOUNT_MESSAGE, field=field)


def _roles_after(user: User, *, role: str | None, active: bool = True, membership_id=None) -> set[str]:
    """The roles the user's active memberships would hold after giving them `role` (in membership `membership_id`,
    or a new one), or after removing that membership (active=False)."""
    roles = set(user.memberships.filter(active=True).exclude(pk=membership_id).values_list("role", flat=True))
    if active and role:
        roles.add(role)
    return roles


def _dual_control(actor, role: str) -> bool:
    """Whether giving `role` by this actor must wait for a second person (access.policy.role_grant_needs_approval):
    on the pages and at the server's command line (SYSTEM) alike (ADR 0019), except the bootstrap: the command line
    gives the partnership admin role directly while no active partnership admin exists, since nobody could approve
    it (access.policy.role_grant_bootstrap_allowed; audited `role_grant_bootstrap`)."""
    if not role_grant_needs_approval(role):
        return False
    return actor is not SYSTEM or not role_grant_bootstrap_allowed(role)


REQUESTER_MESSAGE = "{username} is not an active partnership admin, so cannot ask for a role"


def grant_requester(username: str) -> User | None:
    """The partnership admin a command-line grant is asked for by (`--requested-by U`): recorded as who asked, so
    they can never approve it. "" -> None (the operator at the server asks). Raises ValidationFailed unless the user
    is an active partnership admin (user, membership and agency active)."""
    username = _text(username)
    if not username:
        return None
    membership = memberships_allowed("partnership.configure").filter(user__username=username).first()
    if membership is None:
        message = REQUESTER_MESSAGE.format(username=username)
        raise ValidationFailed(message, errors={"requested_by": [message]})
    return membership.user


def _grant_request(
    actor,
    user: User,
    *,
    agency: Agency,
    role: str,
    team: str = "",
    membership=None,
    new_user=False,
    requested_by: User | None = None,
):
    """Record a pending RoleGrant (nothing else changes until a second person approves it: role_grant_decide).
    Refused when the same role is already waiting, or when the roles the user holds and is waiting for, with this
    one, break access.policy.role_combination_error (ValidationFailed on `role`). At the command line (SYSTEM) the
    grant records the operator and `requested_by` (the admin named with --requested-by, or None). Audited
    `role_grant_request`."""
    pending = RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING)
    if pending.filter(agency=agency, role=role, membership=membership).exists():
        raise ValidationFailed(GRANT_PENDING_MESSAGE, errors={"role": [GRANT_PENDING_MESSAGE]})
    roles = _roles_after(user, role=role, membership_id=membership.pk if membership else None)
    combination = role_combination_error(roles | set(pending.values_list("role", flat=True)))
    if combination:
        raise ValidationFailed("The role could not be given", errors={"role": [combination]})
    grant = RoleGrant.objects.create(
        user=user,
        agency=agency,
        role=role,
        team=team,
        membership=membership,
        new_user=new_user,
        requested_by=requested_by if actor is SYSTEM else actor.user,
        requested_via=RoleGrant.Via.CLI if actor is SYSTEM else RoleGrant.Via.WEB,
        operator=actor.username if actor is SYSTEM else "",
    )
    detail = {
        "user": user.pk,
        "role": role,
        "agency": agency.code,
        "membership": str(membership.pk) if membership else "",
    }
    if actor is SYSTEM:
        detail.update(via="cli", requested_by=requested_by.pk if requested_by else "")
    _audit(actor, "role_grant_request", grant, detail)
    return grant


def _give(actor, user: User, spec: MembershipSpec, *, requested_by: User | None = None, new_user=False) -> str:
    """Give a role from the command line or the partnership file: a pending RoleGrant when it needs a second person
    (_dual_control), else the membership. A role the user already holds (active) only has its team brought up to
    date; one already waiting is left waiting (a file loaded again changes nothing). The bootstrap grant (the first
    partnership admin) is audited `role_grant_bootstrap` beside the membership's own event. Returns "created",
    "updated", "unchanged" or "pending"."""
    existing = Membership.objects.filter(user=user, agency__code=spec.agency, role=spec.role).first()
    if existing is not None and existing.active:
        return _ensure_membership(actor, user, spec)
    if _dual_control(actor, spec.role):
        agency = Agency.objects.get(code=spec.agency)
        waiting = RoleGrant.objects.filter(
            user=user, agency=agency, role=spec.role, membership=existing, status=RoleGrant.Status.PENDING
        )
        if not waiting.exists():
            _grant_request(
                actor,
                user,
                agency=agency,
                role=spec.role,
                team=spec.team,
                membership=existing,
                new_user=new_user,
                requested_by=requested_by,
            )
        return "pending"
    outcome = _ensure_membership(actor, user, spec)
    if actor is SYSTEM and role_grant_needs_approval(spec.role):  # only the bootstrap reaches here
        membership = Membership.objects.get(user=user, agency__code=spec.agency, role=spec.role)
        _audit(actor, "role_grant_bootstrap", membership, {"user": user.pk, "role": spec.role, "agency": spec.agency})
    return outcome


def role_grants_pending():
    """Every RoleGrant waiting for approval, oldest first (the command line's `openmash user grants`)."""
    return list(
        RoleGrant.objects.filter(status=RoleGrant.Status.PENDING).select_related("agency", "user", "requested_by")
    )


def pending_grants(user: User):
    """The user's RoleGrants waiting for approval (a queryset, oldest first)."""
    return RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).select_related("agency")


def _revoke_tokens(actor, tokens) -> int:
    """Revoke every unrevoked API token in `tokens` (a queryset) now, by the actor (None for the command line), so a
    later reactivation of the user, membership or agency does not bring back tokens issued before the
    deactivation (issue 6 security review; ASVS 5.0 7.4.2, 8.3.2). Returns how many were revoked; the caller
    audits the count with its own event."""
    return tokens.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=getattr(actor, "user", None), updated_at=timezone.now()
    )


def _err(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_version(obj, expected_updated_at) -> None:
    """Concurrent edit detection: the form carries the row's updated_at as it was shown."""
    if expected_updated_at is None:
        return
    if isinstance(expected_updated_at, str):
        try:
            expected_updated_at = dt.datetime.fromisoformat(expected_updated_at)
        except ValueError:
            raise Conflict(CONFLICT_MESSAGE) from None
    if obj.updated_at != expected_updated_at:
        raise Conflict(CONFLICT_MESSAGE)


# --- agencies and teams ---------------------------------------------------------------------------------------------


def agency_validate(data: dict) -> dict[str, list[str]]:
    """Check an agency's fields: code (lower-case letters, digits and hyphens, up to 40), name (up to 200), type
    (AgencyType), source_code (the CIN census referral source, 1 to 3 characters), health_service (HealthService,
    health agencies only), hub (bool). Returns field -> messages (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if not CODE_RE.match(_text(data.get("code"))):
        _err(errors, "code", CODE_MESSAGE)
    name = _text(data.get("name"))
    if not name or len(name) > 200:
        _err(errors, "name", "Enter the agency's name (up to 200 characters)")
    if data.get("type") not in AgencyType.values:
        _err(errors, "type", f"Choose an agency type: {', '.join(AgencyType.values)}")
    source = _text(data.get("source_code"))
    if not source or len(source) > 3:
        _err(errors, "source_code", "Enter the CIN referral source code for this agency (1 to 3 characters, like 6)")
    hs = _text(data.get("health_service"))
    if hs and hs not in HealthService.values:
        _err(errors, "health_service", f"Choose a health service: {', '.join(HealthService.values)}")
    elif hs and data.get("type") != AgencyType.HEALTH:
        _err(errors, "health_service", "Only a health agency has a health service")
    if not isinstance(data.get("hub", False), bool):
        _err(errors, "hub", "Say true or false")
    return errors


@transaction.atomic
def agency_upsert(*, actor, data: dict, must_be_new: bool = False, expected_updated_at=None) -> tuple[Agency, str]:
    """Create the agency with data["code"], or bring an existing one up to date (idempotent). data: code, name,
    type, source_code, health_service (optional), hub (optional bool). Returns (agency, "created" | "updated" |
    "unchanged"). must_be_new refuses an existing code (the web form); expected_updated_at (the edit form) raises
    Conflict when someone else changed the agency since it was shown. Raises ValidationFailed, Conflict."""
    _authorise(actor)
    errors = agency_validate(data)
    code = _text(data.get("code"))
    existing = Agency.objects.select_for_update().filter(code=code).first() if code else None
    if must_be_new and existing is not None:
        _err(errors, "code", "An agency with that code already exists")
    if existing is not None:
        _check_version(existing, expected_updated_at)
    if errors:
        raise ValidationFailed("The agency could not be saved", errors=errors)
    values = {
        "name": _text(data["name"]),
        "agency_type": data["type"],
        "source_code": _text(data["source_code"]),
        "health_service": _text(data.get("health_service")),
        "is_hub": bool(data.get("hub", False)),
    }
    if existing is None:
        agency = Agency.objects.create(code=code, **values)
        _audit(actor, "create", agency, {"code": code, **{k: v for k, v in values.items() if k != "name"}})
        return agency, "created"
    changed = {k: [getattr(existing, k), v] for k, v in values.items() if getattr(existing, k) != v}
    if not changed:
        return existing, "unchanged"
    for k, (_, v) in changed.items():
        setattr(existing, k, v)
    existing.save()
    _audit(actor, "update", existing, {"changed": sorted(changed)})
    return existing, "updated"


AGENCY_DEACTIVATE_REASON_MESSAGE = (
    "Enter why the agency is being deactivated, for example 'Service ended on 31 March; its staff moved to the "
    "county team'"
)


@transaction.atomic
def agency_set_active(*, actor, code: str, active: bool, reason: str = "", expected_updated_at=None) -> Agency:
    """Deactivate (or reactivate) an agency by code. Its members cannot sign in or use API tokens while it is
    inactive (accounts.actor_for_user only uses memberships of active agencies). Deactivating needs a reason (up to
    500 characters), kept in the audit event's reason, as for a user (user_set_active); reactivating may give one.
    Raises NotFound, Conflict, ValidationFailed (errors keyed "reason")."""
    _authorise(actor)
    agency = Agency.objects.select_for_update().filter(code=code).first()
    if agency is None:
        raise NotFound(f"No agency with the code {code}")
    reason = " ".join((reason or "").split())
    if not active and not reason:
        raise ValidationFailed("Check the reason", errors={"reason": [AGENCY_DEACTIVATE_REASON_MESSAGE]})
    if len(reason) > DEACTIVATE_REASON_MAX:
        raise ValidationFailed(
            "Check the reason", errors={"reason": [f"The reason must be {DEACTIVATE_REASON_MAX} characters or fewer"]}
        )
    _check_version(agency, expected_updated_at)
    if agency.active != active:
        agency.active = active
        agency.save(update_fields=["active", "updated_at"])
        detail = {"code": code}
        if not active:  # its members' tokens stay revoked if the agency comes back
            detail["tokens_revoked"] = _revoke_tokens(actor, ApiToken.objects.filter(membership__agency=agency))
            members = Membership.objects.filter(agency=agency).values_list("user_id", flat=True)
            detail["sessions_ended"] = sessions_end_for_users(members)  # they sign in again if it comes back
        _audit(actor, "activate" if active else "deactivate", agency, detail, reason=reason)
    return agency


@transaction.atomic
def team_add(*, actor, agency_code: str, name: str) -> tuple[Team, bool]:
    """Create the team `name` in the agency (idempotent). Returns (team, created). Raises ValidationFailed."""
    _authorise(actor)
    errors: dict[str, list[str]] = {}
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        _err(errors, "agency", f"Unknown agency: {agency_code}")
    name = _text(name)
    if not name or len(name) > 200:
        _err(errors, "name", "Enter the team's name (up to 200 characters)")
    if errors:
        raise ValidationFailed("The team could not be saved", errors=errors)
    team, created = Team.objects.get_or_create(agency=agency, name=name)
    if created:
        _audit(actor, "create", team, {"agency": agency.code})
    return team, created


# --- starters and leavers -------------------------------------------------------------------------------------------


@dataclass
class MembershipSpec:
    """One role in one agency (and optionally a team) for a user."""

    agency: str
    role: str
    team: str = ""


def _membership_errors(spec: MembershipSpec, agencies: set[str] | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = agencies if agencies is not None else set(Agency.objects.values_list("code", flat=True))
    if spec.agency not in known:
        _err(errors, "agency", f"Unknown agency: {spec.agency}")
    if spec.role not in Role.values:
        _err(errors, "role", f"Unknown role: {spec.role}. Choose one of {', '.join(Role.values)}")
    if spec.team and len(spec.team) > 200:
        _err(errors, "team", "Enter a team name of up to 200 characters")
    agency = Agency.objects.filter(code=spec.agency).first() if "agency" not in errors else None
    if agency is not None and "role" not in errors:  # an agency still to be loaded is checked when it exists
        misfit = role_agency_error(spec.role, agency)
        if misfit:
            _err(errors, "role", misfit)
    return errors


NAME_REQUIRED_MESSAGE = "Enter the user's full name, as colleagues will see it on the records they write"


def _full_name_check(value, errors: dict) -> None:
    """A user's full name is a person's name: required, and the one name rule (people.validation.name_clean:
    letters, spaces, hyphens, apostrophes and full stops; practitioner review). The length is user_validate's."""
    if not _text(value):
        _err(errors, "name", NAME_REQUIRED_MESSAGE)
    elif len(_text(value)) <= 150:
        try:
            name_clean(value, label="Full name", max_length=150)
        except ValueError as exc:
            _err(errors, "name", str(exc))


def user_validate(data: dict, *, agencies: set[str] | None = None) -> dict[str, list[str]]:
    """Check a starter: username (letters, digits and . @ + - _, up to 150), name (the full name: required, so
    every record and audit line names a person colleagues recognise; a person's name by people.validation's
    name_clean: letters, spaces, hyphens, apostrophes and full stops) and job_title (up to 150), email
    (optional: where a password reset link goes), memberships (at least one MembershipSpec; the partnership admin
    role alone). Returns field -> messages."""
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(_text(data.get("username"))):
        _err(errors, "username", USERNAME_MESSAGE)
    _full_name_check(data.get("name"), errors)
    for key in ("name", "job_title"):
        if len(_text(data.get(key))) > 150:
            _err(errors, key, "Enter up to 150 characters")
    email = _text(data.get("email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            _err(errors, "email", "Enter an email address in the correct format, like name@example.gov.uk")
    specs = data.get("memberships") or []
    if not specs:
        _err(errors, "memberships", "Give the user at least one role in an agency")
    for i, spec in enumerate(specs):
        for k, msgs in _membership_errors(spec, agencies).items():
            errors.setdefault(k if len(specs) == 1 else f"memberships.{i}.{k}", []).extend(msgs)
    combination = role_combination_error({spec.role for spec in specs})
    if combination:
        _err(errors, "memberships", combination)
    return errors


def _ensure_membership(actor, user: User, spec: MembershipSpec) -> str:
    """Give the user the membership (or reactivate it), unless the role would sit with the partnership admin's on
    one account (access.policy.role_combination_error: ValidationFailed on `role`)."""
    agency = Agency.objects.get(code=spec.agency)
    misfit = role_agency_error(spec.role, agency)
    if misfit:
        raise ValidationFailed("The role could not be given", errors={"role": [misfit]})
    membership = Membership.objects.select_for_update().filter(user=user, agency=agency, role=spec.role).first()
    combination = role_combination_error(
        _roles_after(user, role=spec.role, membership_id=membership.pk if membership else None)
    )
    if combination:
        raise ValidationFailed("The role could not be given", errors={"role": [combination]})
    team = Team.objects.get_or_create(agency=agency, name=spec.team)[0] if spec.team else None
    if membership is None:
        membership = Membership.objects.create(user=user, agency=agency, team=team, role=spec.role)
        _audit(actor, "create", membership, {"role": spec.role, "agency": agency.code})
        return "created"
    changed = []
    if spec.team and membership.team_id != team.pk:
        membership.team = team
        changed.append("team")
    if not membership.active:
        membership.active = True
        changed.append("active")
    if not changed:
        return "unchanged"
    membership.save()
    _audit(actor, "update", membership, {"changed": changed})
    return "updated"


@transaction.atomic
def user_add(
    *,
    actor,
    username: str,
    memberships: list[MembershipSpec],
    display_name: str = "",
    job_title: str = "",
    password: str | None = None,
    email: str = "",
    requested_by: User | None = None,
) -> User:
    """Create a starter with their memberships. With password=None the account has no usable password until the
    user follows a set-password link (user_set_password_link). A given password must pass AUTH_PASSWORD_VALIDATORS.
    `email` is where a later password reset link is sent; it is set here, when the account is made, and the
    partnership admin cannot change it afterwards. Optional here (the command line, the operator's first admin); the
    partnership page requires it (partnership.people_forms.UserNewForm). When given it must be a valid address not
    held by another user (compared case-folded), so a reset link cannot reach someone else. A role that needs a second person is a pending RoleGrant,
    on the pages and at the command line alike (ADR 0019: only the first partnership admin of a fresh deployment
    is given directly at the command line); `requested_by` names the admin a command-line grant is asked for by.
    Raises ValidationFailed (username taken, unknown agency or role, the admin role with another, a bad or
    taken email address, weak password)."""
    _authorise(actor)
    data = {
        "username": username,
        "name": display_name,
        "job_title": job_title,
        "email": email,
        "memberships": memberships,
    }
    errors = user_validate(data)
    username = _text(username)
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        _err(errors, "username", "That username is taken")
    if "email" not in errors and _text(email) and User.objects.filter(email__iexact=_text(email)).exists():
        _err(errors, "email", "That email address is already another user's: give this user their own")
    user = User(username=username, display_name=_text(display_name), job_title=_text(job_title), email=_text(email))
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed("The user could not be created", errors=errors)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    _audit(actor, "create", user, {"has_password": password is not None})
    for spec in memberships:
        if actor is SYSTEM:
            _give(actor, user, spec, requested_by=requested_by, new_user=True)
        elif _dual_control(actor, spec.role):
            agency = Agency.objects.get(code=spec.agency)
            _grant_request(actor, user, agency=agency, role=spec.role, team=spec.team, new_user=True)
        else:
            _ensure_membership(actor, user, spec)
    return user


def _user(username: str, *, lock: bool = True) -> User:
    qs = User.objects.select_for_update() if lock else User.objects
    user = qs.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user called {username}")
    return user


DEACTIVATE_REASON_MAX = 500
DEACTIVATE_REASON_MESSAGE = "Enter why the user is being deactivated, for example 'Left the service on 31 March'"


def user_set_active(*, actor, username: str, active: bool, reason: str = "", hand_work_to=None) -> User:
    """A leaver (active=False): they can no longer sign in and their API tokens stop working (authentication
    checks User.is_active). Their records and audit trail stay. Nobody changes their own status (refused and
    audited). Deactivating needs a reason (up to 500 characters), kept in the audit event's reason; reactivating
    may give one. The hub work a leaver holds (contacts awaiting screening, open enquiries) is not left with them:
    it goes back to the shared queue, or to `hand_work_to` (the user id of a hub screener or manager), each item
    audited (`enquiries.assignment.work_hand_back`); the page warns how much they hold first (`work_held_by`).
    Returns the user with `work_moved` set to the number of items moved. Reactivating holds back every role that
    needs a second person (_roles_held_back): the user is active again, but those roles come back only when another
    admin approves their pending grants; `grants_pending` is how many. Raises NotFound, ValidationFailed (errors
    keyed "reason", "hand_work_to" or "role")."""
    _authorise(actor)
    _refuse_own_account(actor, _user(username, lock=False), change="deactivate", field="username")
    reason = " ".join((reason or "").split())
    if not active and not reason:
        raise ValidationFailed("Check the reason", errors={"reason": [DEACTIVATE_REASON_MESSAGE]})
    if len(reason) > DEACTIVATE_REASON_MAX:
        raise ValidationFailed(
            "Check the reason", errors={"reason": [f"The reason must be {DEACTIVATE_REASON_MAX} characters or fewer"]}
        )
    return _user_set_active(actor, username, active, reason, hand_work_to)


@transaction.atomic
def _user_set_active(actor, username: str, active: bool, reason: str, hand_work_to=None) -> User:
    from openmash.enquiries.assignment import work_hand_back

    user = _user(username)
    user.work_moved = 0
    user.grants_pending = 0
    if user.is_active != active:
        if active:
            user.grants_pending = _roles_held_back(actor, user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        # tokens issued before a deactivation stay revoked when the user comes back
        revoked = {} if active else {"tokens_revoked": _revoke_tokens(actor, ApiToken.objects.filter(user=user))}
        if not active:  # and their web sessions end: a reactivated user signs in again
            revoked["sessions_ended"] = sessions_end_for_users([user.pk])
        _audit(actor, "activate" if active else "deactivate", user, revoked or None, reason=reason)
    if not active:  # also for someone deactivated before this rule: their work is never stranded
        user.work_moved = work_hand_back(
            actor=None if actor is SYSTEM else actor,
            username=actor.username if actor is SYSTEM else "",
            user_id=user.pk,
            to_user_id=hand_work_to,
        )
    return user


def _roles_held_back(actor, user: User) -> int:
    """Reactivating a leaver gives back what their roles read, so each active role that a grant would need a
    second person for (_dual_control: the case roles, the auditor's, the partnership admin's) is held back: the
    membership is made inactive (audited `update`) and a pending RoleGrant asks to reactivate it, exactly as
    membership_update does for one role (ADR 0019). One person alone never brings back access to personal data.
    A role already waiting for approval is not asked for twice. Returns the number of roles held back."""
    held = 0
    # locked by themselves only (of=self): PostgreSQL refuses FOR UPDATE on the nullable side of the team's outer join
    memberships = Membership.objects.select_for_update(of=("self",)).filter(user=user, active=True)
    memberships = memberships.select_related("agency", "team")
    for membership in memberships:
        if not _dual_control(actor, membership.role):
            continue
        membership.active = False
        membership.save()
        _audit(actor, "update", membership, {"active": [True, False], "held_for_approval": True})
        waiting = RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING, membership=membership)
        if not waiting.exists():
            team = membership.team.name if membership.team_id else ""
            _grant_request(actor, user, agency=membership.agency, role=membership.role, team=team,
                           membership=membership)  # fmt: skip
        held += 1
    return held


def user_set_password_link(*, actor, username: str) -> str:
    """Make a one-time set-password link (a path; the caller adds the site's address) for the user. Any password
    the user had stops working and any earlier link is void (the token is bound to the password hash). The link is
    not stored or logged; show it once to the person who asked.

    The partnership admin gets a link only for a starter who has never set a password (User.password_set_at is
    None); for anyone else it is refused and audited: a link shown to the admin for an existing account would let
    the admin take that account over (issue 5 review, fault 3). And only when they approved one of the starter's
    roles (dual control; the approver is shown the link when approving, role_grant_decide): the admin who asked
    for the roles never sees it (issue 6 security review, fault 1). They use user_password_reset, which emails the
    link to the user. The server operator (actor=SYSTEM, shell access) may make a link for anyone.
    Raises NotFound (also for an inactive user), ValidationFailed."""
    _authorise(actor)
    user = _user(username, lock=False)
    if not user.is_active:
        raise NotFound(f"No active user called {username}")
    if actor is not SYSTEM and user.password_set_at is not None:
        _refuse(
            actor, user, rule="link_only_for_starters", change="issue_set_password_link", message=STARTER_ONLY_MESSAGE
        )
    if actor is not SYSTEM and not _approved_by(actor, user):
        _refuse(
            actor,
            user,
            rule="link_only_for_approver",
            change="issue_set_password_link",
            message=LINK_FOR_APPROVER_MESSAGE,
        )
    return _set_password_link(actor, user.pk)


def _approved_by(actor, user: User) -> bool:
    """Whether the actor approved a role of this user (dual control): only then may a partnership admin see the
    starter's set-password link. Whoever asked for the role never sees it, so they cannot hold the account that
    the second person's approval gives case access to (issue 6 security review, fault 1)."""
    return RoleGrant.objects.filter(user=user, status=RoleGrant.Status.APPROVED, decided_by=actor.user).exists()


@transaction.atomic
def _set_password_link(actor, user_id) -> str:
    user = User.objects.select_for_update().get(pk=user_id)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _audit(actor, "issue_set_password_link", user)
    return _link_path(user)


def _link_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("setpassword:confirm", kwargs={"uidb64": uid, "token": token})


RESET_SUBJECT = "Set your OpenMASH password"
RESET_BODY = (
    "Your OpenMASH password has been reset by your partnership administrator. Your old password no longer works.\n\n"
    "Set a new password with this link (it works once, for {days} days):\n\n{link}\n\n"
    "If you did not expect this, tell your partnership administrator or service desk.\n"
)


def user_password_reset(*, actor, username: str, base_url: str = "") -> None:
    """Reset an existing user's password: it stops working at once, and a one-time set-password link is emailed to
    the user's own address (never shown to the admin; issue 5 review, fault 3). The email carries the link and
    nothing else about the person (no name, no username). The link is absolute, from the configured site address
    (core.links.site_url: OPENMASH_BASE_URL, or `base_url` when given), never from a request's Host header. Audited (`reset_password`, no address or link in it). A partnership
    admin may not reset a starter who has never set a password (refused, audited): the starter's first link goes
    to whoever approves their role, so the admin who asked for it cannot have it mailed to an address they chose.
    Raises NotFound (no such active user), ValidationFailed (the user has no email address)."""
    _authorise(actor)
    user = _user(username, lock=False)
    if not user.is_active:
        raise NotFound(f"No active user called {username}")
    if actor is not SYSTEM and user.password_set_at is None:
        _refuse(
            actor, user, rule="reset_not_for_starters", change="reset_password", message=RESET_NOT_FOR_STARTER_MESSAGE
        )
    if not user.email:
        raise ValidationFailed(NO_EMAIL_MESSAGE)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _audit(actor, "reset_password", user, {"delivery": "email"})
        days = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))
        link = site_url(_link_path(user), base_url=base_url)
        # Sent before the commit: if the mail cannot be handed over, nothing changes and the admin is told.
        send_mail(RESET_SUBJECT, RESET_BODY.format(link=link, days=days), None, [user.email])


@transaction.atomic
def user_unlock(*, actor, username: str) -> int:
    """Clear the sign-in lockout for a username, both the username + address rule and the account-wide cap
    (accounts.lockout.lockout_clear). Returns the number of records cleared (0 when the account was not locked)."""
    _authorise(actor)
    from openmash.accounts.lockout import lockout_clear

    cleared = lockout_clear(username)
    user = User.objects.filter(username=username).first()
    if user is not None:
        _audit(actor, "unlock", user, {"attempts_cleared": cleared})
    else:
        _audit(actor, "unlock", None, {"attempts_cleared": cleared}, reason="no such user")
    return cleared


def membership_add(*, actor, username: str, spec: MembershipSpec) -> Membership | RoleGrant:
    """Give a user another role (agency, role, optional team), or reactivate it. Nobody gives themselves a role
    (refused and audited); neither the partnership admin role nor the auditor's is combined with a case role.
    A partnership admin giving a role that needs a second person gets a pending RoleGrant back instead of the
    Membership (nothing changes until it is approved: role_grant_decide). Raises NotFound, ValidationFailed."""
    _authorise(actor)
    _refuse_own_account(actor, _user(username, lock=False), change="role_add", field="role")
    return _membership_add(actor, username, spec)


@transaction.atomic
def _membership_add(actor, username: str, spec: MembershipSpec) -> Membership:
    user = _user(username)
    errors = _membership_errors(spec)
    if errors:
        raise ValidationFailed("The role could not be added", errors=errors)
    if _dual_control(actor, spec.role):
        existing = Membership.objects.filter(user=user, agency__code=spec.agency, role=spec.role).first()
        if existing is None or not existing.active:
            agency = Agency.objects.get(code=spec.agency)
            return _grant_request(actor, user, agency=agency, role=spec.role, team=spec.team, membership=existing)
    _ensure_membership(actor, user, spec)
    return Membership.objects.get(user=user, agency__code=spec.agency, role=spec.role)


def membership_update(
    *, actor, membership_id, role: str, team_id=None, active: bool = True, expected_updated_at=None
) -> Membership | RoleGrant:
    """Change a membership's role, team (a team of the same agency, or None) or active flag. expected_updated_at is
    the value the editor saw: a newer one raises Conflict. Nobody changes their own memberships (refused and
    audited); neither the partnership admin role nor the auditor's is combined with a case role. A partnership admin
    changing the role, or reactivating the membership, for a role that needs a second person gets a pending
    RoleGrant back and the membership is unchanged until it is approved (role_grant_decide); removing a role or
    changing only the team is direct. Raises NotFound, ValidationFailed, Conflict."""
    _authorise(actor)
    owner = User.objects.filter(memberships__pk=membership_id).first() if membership_id else None
    if owner is None:
        raise NotFound()
    _refuse_own_account(actor, owner, change="role_edit", field="role")
    return _membership_update(actor, membership_id, role, team_id, active, expected_updated_at)


@transaction.atomic
def _membership_update(
    actor, membership_id, role, team_id, active, expected_updated_at, *, approved: bool = False
) -> Membership | RoleGrant:
    membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
    if membership is None:
        raise NotFound()
    _check_version(membership, expected_updated_at)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        _err(errors, "role", "Choose a role")
    elif role != membership.role:
        misfit = role_agency_error(role, membership.agency)
        if misfit:
            _err(errors, "role", misfit)
    team = None
    if team_id:
        team = Team.objects.filter(pk=team_id, agency_id=membership.agency_id).first()
        if team is None:
            _err(errors, "team", "Choose a team of this agency")
    if (
        role != membership.role
        and Membership.objects.filter(user_id=membership.user_id, agency_id=membership.agency_id, role=role).exists()
    ):
        _err(errors, "role", "The user already has that role in this agency")
    combination = role_combination_error(
        _roles_after(membership.user, role=role, active=active, membership_id=membership.pk)
    )
    if combination:
        _err(errors, "role", combination)
    if errors:
        raise ValidationFailed("The role could not be changed", errors=errors)
    granting = active and (role != membership.role or not membership.active)
    if granting and not approved and _dual_control(actor, role):
        return _grant_request(
            actor,
            membership.user,
            agency=membership.agency,
            role=role,
            team=team.name if team else (membership.team.name if membership.team_id else ""),
            membership=membership,
        )
    before = {"role": membership.role, "team": str(membership.team_id or ""), "active": membership.active}
    # a token acts in its membership: removing the role, or changing it, revokes the tokens issued for it
    revoked = (
        _revoke_tokens(actor, ApiToken.objects.filter(membership=membership))
        if (membership.active and not active) or role != membership.role
        else 0
    )
    membership.role, membership.team, membership.active = role, team, active
    membership.save()
    after = {"role": role, "team": str(team.pk if team else ""), "active": active}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    _audit(actor, "update", membership, {**changes, **({"tokens_revoked": revoked} if revoked else {})})
    return membership


# --- dual control: pending role grants --------------------------------------------------------------------------


@dataclass
class GrantDecision:
    """What role_grant_decide did: the grant, and for an approved starter (never set a password) the one-time
    set-password link's path, shown once to the approver only."""

    grant: RoleGrant
    link: str | None = None


def role_grant_decide(*, actor, grant_id, approve: bool, via: str = "web") -> GrantDecision:
    """Approve or reject a pending RoleGrant (dual control: ASVS 5.0 2.3.5, 8.4.2; issue 6 security review, fault
    1). Only access.policy.role_grant_decidable's second person may: another partnership admin (never the one who
    asked, never the user it is for), or a MASH manager for a case role in their agency; for anyone else the grant
    answers NotFound (forbidden looks missing). Approving makes the membership (or changes `grant.membership` to
    the role and team, active), checking access.policy.role_combination_error again (ValidationFailed on `role`),
    and, for a starter who has never set a password, issues their set-password link for the approver to hand over.
    Audited `role_grant_approve` / `role_grant_reject` on the grant, with the membership's own events, in one
    transaction; via="cli" (role_grant_decide_at_cli) adds the command line and its operator to the event.
    Raises NotFound, ValidationFailed."""
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("agency", "user").filter(pk=grant_id).first()
        if grant is None or not role_grant_decidable(actor, grant):
            raise NotFound()
        grant.decided_by, grant.decided_at = actor.user, timezone.now()
        grant.decided_via = RoleGrant.Via.CLI if via == "cli" else RoleGrant.Via.WEB
        detail = {"user": grant.user_id, "role": grant.role, "agency": grant.agency.code}
        if via == "cli":
            detail.update(via="cli", operator=SYSTEM.username)
        if not approve:
            grant.status = RoleGrant.Status.REJECTED
            grant.save(update_fields=["status", "decided_by", "decided_at", "decided_via", "updated_at"])
            _audit(actor, "role_grant_reject", grant, detail)
            return GrantDecision(grant)
        user = User.objects.select_for_update().get(pk=grant.user_id)
        if grant.membership_id is not None:
            team = Team.objects.get_or_create(agency=grant.agency, name=grant.team)[0] if grant.team else None
            _membership_update(
                actor, grant.membership_id, grant.role, team.pk if team else None, True, None, approved=True
            )
        else:
            _ensure_membership(actor, user, MembershipSpec(agency=grant.agency.code, role=grant.role, team=grant.team))
        grant.status = RoleGrant.Status.APPROVED
        grant.save(update_fields=["status", "decided_by", "decided_at", "decided_via", "updated_at"])
        _audit(actor, "role_grant_approve", grant, detail)
        link = None
        if user.is_active and user.password_set_at is None:
            link = _set_password_link(actor, user.pk)
        return GrantDecision(grant, link)


NO_PENDING_GRANT_MESSAGE = "No role grant {grant_id} is waiting for approval (see `openmash user grants`)"


def _pending_grant(grant_id) -> RoleGrant:
    try:
        grant = RoleGrant.objects.select_related("agency", "user").filter(pk=grant_id).first()
    except (ValueError, ValidationError):
        grant = None
    if grant is None or grant.status != RoleGrant.Status.PENDING:
        raise NotFound(NO_PENDING_GRANT_MESSAGE.format(grant_id=grant_id))
    return grant


#: The approver gave no password or no code at the command line (ADR 0019: the approver proves it is them).
CLI_PROOF_MISSING = (
    "{username} must prove it is them: give their password (--password-stdin, or typed at the prompt in a terminal) "
    "and the current code from their authenticator app (--code); nothing was decided"
)
#: The password or the code was wrong, the code was used already, or the account is locked (one message for all).
CLI_PROOF_FAILED = (
    "The password or authenticator app code for {username} was not accepted (a code works once: wait for the next "
    "one), or the account is locked; nothing was decided"
)


def _cli_request(command: str = "user approve-grant"):
    """A request standing for the server's command line, for the sign-in checks (django-axes counts failures per
    username and address: the address is the loopback one; the user is anonymous, so no session is marked).
    `command`: the command's words ("user approve-grant"), as the request's path and user agent."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = "/cli/" + command.replace(" ", "/")
    request.META.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": f"openmash {command}"})
    request.user = AnonymousUser()
    return request


def _cli_approver_prove(approver, grant, *, password: str | None, code: str | None) -> None:
    """The approver proves it is them (ADR 0019): their password and the current code of their authenticator app,
    checked by accounts.stepup.stepup_verify, the check the pages use before a sensitive action (Django's
    authenticate with the sign-in's backends and django-axes lockout, then mfa.totp_check: a code works once, never
    a recovery code). A failure counts toward the account's lockout and is audited `stepup_failed` (by the check)
    and `deny` (rule grant_approver_authentication, with the factor: password or code, and whether the account is
    now locked); then PermissionDenied with one line. Nothing typed is stored or logged."""
    _cli_prove(
        approver,
        grant,
        rule="grant_approver_authentication",
        password=password,
        code=code,
        messages=(CLI_PROOF_MISSING, CLI_PROOF_FAILED),
    )


def _cli_prove(
    actor, obj, *, rule: str, password, code, messages, command: str = "user approve-grant", object_type: str = ""
) -> None:
    """The named admin proves it is them at the command line (_cli_approver_prove's check, for any command):
    `messages` (missing, failed) with {username}; `obj` (or `object_type`) what the `deny` event is about."""
    from openmash.accounts.stepup import stepup_verify
    from openmash.core.exceptions import PermissionDenied

    username = actor.user.get_username()
    missing, failed = messages
    if not password or not code:
        factor = "password" if not password else "code"
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="deny",
                obj=obj,
                object_type=object_type,
                detail={"rule": rule, "factor": factor, "missing": True},
            )
        raise PermissionDenied(missing.format(username=username))
    result = stepup_verify(_cli_request(command), password, code, actor=actor)
    if not result.ok:
        detail = {"rule": rule, "factor": result.field, "locked": result.locked}
        with transaction.atomic():
            audit_record(actor=actor, action="deny", obj=obj, object_type=object_type, detail=detail)
        raise PermissionDenied(failed.format(username=username))


#: The acting admin of a settings command gave no password or no code (ADR 0019 addendum).
CLI_ADMIN_PROOF_MISSING = (
    "{username} must prove it is them: give their password (--password-stdin, or typed at the prompt in a terminal) "
    "and the current code from their authenticator app (--code); nothing was changed"
)
#: Their password or code was not accepted, or the account is locked (one message for all).
CLI_ADMIN_PROOF_FAILED = (
    "The password or authenticator app code for {username} was not accepted (a code works once: wait for the next "
    "one), or the account is locked; nothing was changed"
)


def cli_admin_acting(*, by: str, password: str | None, code: str | None, command: str, object_type: str):
    """The partnership admin a settings command at the server's command line acts as (ADR 0019 addendum:
    `openmash flags rules load FILE --by U`): the named user must be an active partnership admin
    (access.policy.cli_partnership_admin) AND prove it is them with their password and the current code of their
    authenticator app, checked as `user approve-grant` checks its approver (_cli_prove: the pages' step-up check,
    counted toward the account's lockout). In: the username, the password and code as typed, the command's words
    ("flags rules load"), the object type the command changes (for the audit events). Out: an Actor. Refusals are
    audited `deny` (rule `cli_admin` with the username given, by the operator; or `cli_admin_authentication` with
    the factor, as the named admin) before PermissionDenied (one line) is raised; nothing typed is stored."""
    from openmash.access.policy import cli_partnership_admin
    from openmash.core.exceptions import PermissionDenied

    try:
        actor = cli_partnership_admin(_text(by))
    except PermissionDenied:
        with transaction.atomic():
            audit_record(
                actor=None,
                username=SYSTEM.username,
                action="deny",
                object_type=object_type,
                detail={"rule": "cli_admin", "command": command, "by": _text(by)[:150]},
            )
        raise
    _cli_prove(
        actor,
        None,
        rule="cli_admin_authentication",
        password=password,
        code=code,
        messages=(CLI_ADMIN_PROOF_MISSING, CLI_ADMIN_PROOF_FAILED),
        command=command,
        object_type=object_type,
    )
    return actor


def role_grant_decide_at_cli(
    *, grant_id, by: str, approve: bool, password: str | None = None, code: str | None = None
) -> GrantDecision:
    """`openmash user approve-grant ID --by U --password-stdin --code C` (and `--reject`): the named user decides
    the pending grant as themselves, if they are an active partnership admin who neither asked for it nor is its
    subject (access.policy.role_grant_cli_approver) AND they prove it is them with their password and the current
    code of their authenticator app (_cli_approver_prove: the pages' step-up check). A refusal is audited (`deny`,
    with the rule) before it is raised, so it survives. Raises NotFound (no such pending grant), PermissionDenied
    (the approver rule, or the proof missing or not accepted), ValidationFailed."""
    from openmash.core.exceptions import PermissionDenied

    grant = _pending_grant(grant_id)
    try:
        approver = role_grant_cli_approver(_text(by), grant)
    except PermissionDenied:
        with transaction.atomic():
            _audit(SYSTEM, "deny", grant, {"rule": "grant_approver", "change": "role_grant_decide", "by": _text(by)})
        raise
    _cli_approver_prove(approver, grant, password=password, code=code)
    return role_grant_decide(actor=approver, grant_id=grant.pk, approve=approve, via="cli")


# --- the partnership file -------------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What partnership_load did (or would do, in a dry run)."""

    agencies: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    teams: dict[str, int] = field(default_factory=lambda: {"created": 0, "unchanged": 0})
    users: dict[str, int] = field(default_factory=lambda: {"created": 0, "unchanged": 0})
    memberships: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "pending": 0}
    )
    new_usernames: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def part(name, counts):
            return f"{name}: " + ", ".join(f"{n} {k}" for k, n in counts.items())

        return "; ".join(
            part(n, c)
            for n, c in (
                ("agencies", self.agencies),
                ("teams", self.teams),
                ("users", self.users),
                ("roles", self.memberships),
            )
        )


class PartnershipFileInvalid(ValidationFailed):
    """The file broke a rule: problems is a list of (line or None, where, message), in file order."""

    def __init__(self, problems: list[tuple[int | None, str, str]]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the partnership file",
            errors={f"{where}": [msg] for _, where, msg in problems},
        )
        self.problems = problems


def _line(item) -> int | None:
    return item.get("__line__") if isinstance(item, dict) else None


ALLOWED_KEYS = {
    "agencies": {"code", "name", "type", "source_code", "health_service", "hub", "teams", "__line__"},
    "users": {"username", "name", "job_title", "email", "memberships", "__line__"},
    "memberships": {"agency", "role", "team", "__line__"},
}


def _check_agency_item(i: int, a, seen: set[str], problems: list) -> None:
    where = f"agencies.{i}"
    if not isinstance(a, dict):
        problems.append((None, where, "Each agency must be a table/mapping"))
        return
    for k in sorted(set(a) - ALLOWED_KEYS["agencies"]):
        problems.append((_line(a), f"{where}.{k}", "Unknown field"))
    for k, msgs in agency_validate(a).items():
        problems.extend((_line(a), f"{where}.{k}", m) for m in msgs)
    teams = a.get("teams", [])
    if not isinstance(teams, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 200 for t in teams):
        problems.append((_line(a), f"{where}.teams", "Give teams as a list of names (up to 200 characters)"))
    code = _text(a.get("code"))
    if code in seen:
        problems.append((_line(a), f"{where}.code", f"The agency {code} appears twice"))
    seen.add(code)


def _check_user_item(i: int, u, codes: set[str], names: set[str], problems: list) -> list[MembershipSpec] | None:
    where = f"users.{i}"
    if not isinstance(u, dict):
        problems.append((None, where, "Each user must be a table/mapping"))
        return None
    for k in sorted(set(u) - ALLOWED_KEYS["users"]):
        msg = "Passwords are never given in a file: users set their own" if k == "password" else "Unknown field"
        problems.append((_line(u), f"{where}.{k}", msg))
    specs = []
    raw = u.get("memberships") or []
    for j, m in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(m, dict):
            problems.append((_line(u), f"{where}.memberships.{j}", "Each role must be a table/mapping"))
            continue
        for k in sorted(set(m) - ALLOWED_KEYS["memberships"]):
            problems.append((_line(m) or _line(u), f"{where}.memberships.{j}.{k}", "Unknown field"))
        specs.append(
            MembershipSpec(agency=_text(m.get("agency")), role=_text(m.get("role")), team=_text(m.get("team")))
        )
    for k, msgs in user_validate({**u, "memberships": specs}, agencies=codes).items():
        problems.extend((_line(u), f"{where}.{k}", m) for m in msgs)
    uname = _text(u.get("username")).lower()
    if uname in names:
        problems.append((_line(u), f"{where}.username", f"The user {uname} appears twice"))
    names.add(uname)
    return specs


def _check_document(doc) -> tuple[list[tuple[int | None, str, str]], list[dict], list[tuple[dict, list]]]:
    """Validate the whole file before anything is written: (problems, agencies, [(user, specs)])."""
    if not isinstance(doc, dict):
        return [(None, "file", "The file must hold `agencies` and `users` lists")], [], []
    problems: list[tuple[int | None, str, str]] = [
        (_line(doc), key, "Unknown section (expected agencies and users)")
        for key in sorted(set(doc) - {"agencies", "users", "__line__"})
    ]
    agencies = doc.get("agencies") or []
    users = doc.get("users") or []
    if not isinstance(agencies, list) or not isinstance(users, list):
        return [(_line(doc), "file", "`agencies` and `users` must be lists")], [], []
    seen: set[str] = set()
    for i, a in enumerate(agencies):
        _check_agency_item(i, a, seen, problems)
    codes = set(Agency.objects.values_list("code", flat=True)) | seen
    names: set[str] = set()
    users_out = []
    for i, u in enumerate(users):
        specs = _check_user_item(i, u, codes, names, problems)
        if specs is not None:
            users_out.append((u, specs))
    return problems, [a for a in agencies if isinstance(a, dict)], users_out


@transaction.atomic
def partnership_load(*, actor, document: dict, dry_run: bool = False, requested_by: User | None = None) -> LoadReport:
    """Load a partnership file's content: `agencies` (code, name, type, source_code, health_service, hub, teams) and
    `users` (username, name, job_title, email, memberships: agency, role, team). Users never carry passwords: a new
    user gets an unusable password and needs a set-password link; an email is taken for a new user only. Idempotent (existing agencies are brought up to date,
    existing users and roles are kept and missing roles added; nothing is deleted). All or nothing: any problem
    raises PartnershipFileInvalid and nothing is written; dry_run validates and reports, then rolls back. Roles
    follow the command line's dual control (_give, ADR 0019): each waits for a second person as a pending RoleGrant
    ("pending" in the report; `requested_by` is who asked), except the first partnership admin of a fresh
    deployment."""
    _authorise(actor)
    problems, agencies, users = _check_document(document)
    if problems:
        raise PartnershipFileInvalid(problems)
    report = LoadReport()
    for a in agencies:
        agency, outcome = agency_upsert(actor=actor, data={k: v for k, v in a.items() if k != "teams"})
        report.agencies[outcome] += 1
        for team_name in a.get("teams", []):
            _, created = team_add(actor=actor, agency_code=agency.code, name=team_name)
            report.teams["created" if created else "unchanged"] += 1
    for u, specs in users:
        username = _text(u["username"])
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = _user_add_without_roles(actor, username, u)
            report.users["created"] += 1
            report.new_usernames.append(username)
        else:
            report.users["unchanged"] += 1
        for spec in specs:
            report.memberships[
                _give(actor, user, spec, requested_by=requested_by, new_user=user.password_set_at is None)
            ] += 1
    if dry_run:
        transaction.set_rollback(True)
    return report


def _user_add_without_roles(actor, username: str, u: dict) -> User:
    user = User(
        username=username,
        display_name=_text(u.get("name")),
        job_title=_text(u.get("job_title")),
        email=_text(u.get("email")),
    )
    user.set_unusable_password()
    user.save()
    _audit(actor, "create", user, {"has_password": False, "source": "partnership file"})
    return user
