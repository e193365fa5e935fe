"""THE authorisation module. Every read starts from a `*_visible(actor)` queryset here and every action is
allowed by `can(actor, action)` here; nothing else in the code base checks roles.

Rules (deny by default):
- hub screeners and managers (members of the hub agency) see the hub's work: all contacts, enquiries,
  agency requests and the people in them;
- an agency's researchers see only requests addressed to their agency, and only the subjects' minimum
  identifying details, while the request is open and for a partnership-set number of days after it was answered
  or closed;
- referrers (and anyone else who records a contact) see the contacts they recorded and their outcomes, and
  nothing more: recording a contact about an existing child never opens that child's record or chronology
  (issue 5, fault 2), and never tells them whether the child has an allocated worker (fault 6);
- an allocated social worker sees the children allocated to them (the full record while the allocation is
  open) and the contacts about them, for as long as that allocation is open: involvement ended means access
  ended on the next request (issue 5 review, fault 6), however the contact reached them; of the people named in
  those contacts, only those in contacts the hub screened and that they did not record themselves: what a worker
  asserts never widens what they see (attacker review 2026-11, findings 1 and 2; _hub_named_people);
- partnership admins configure the partnership; auditors read the audit trail. Neither sees case records;
- the hub's screeners and managers review links between agency records; only managers unmerge (issue 6).
A record the actor may not see answers exactly as a missing one (NotFound).

People merged into one resolved person (ADR 0005) are one person for access: every basis of sight (an allocation, a
routed contact, an agency request) covers the whole cluster (``people_in_clusters``), and an unmerge takes it back.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from openmash.accounts.choices import AgencyType, Role
from openmash.core.exceptions import NotFound, PermissionDenied

# Which roles may do what. Hub roles also need membership of the hub agency (checked in `can`).
_ACTIONS: dict[str, frozenset[str]] = {
    "contact.create": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "person.search": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "contact.screen": frozenset({Role.SCREENER, Role.MANAGER}),
    # Closing a contact with immediate risk at screening without a MASH enquiry, strategy discussion or referral
    # (no further action / advice, early help): a MASH manager only, with a recorded reason (practitioner review:
    # one screener closed an immediate-risk contact as NFA with no challenge; enquiries.services.screening_record).
    "screening.close_immediate_risk": frozenset({Role.MANAGER}),
    # amending a contact before screening: its recorder or the hub (contact_amend_allowed decides per contact)
    "contact.amend": frozenset({Role.REFERRER, Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    # correcting people's details after screening, with a reason: the hub only
    "person.correct": frozenset({Role.SCREENER, Role.MANAGER}),
    # Operation Encompass notices: the hub, and a school's designated safeguarding lead (its users)
    "encompass.view": frozenset({Role.SCREENER, Role.MANAGER, Role.REFERRER, Role.RESEARCHER}),
    # acknowledging a notice: the school's own users only (its designated safeguarding lead), never the hub
    "encompass.acknowledge": frozenset({Role.REFERRER, Role.RESEARCHER}),
    # Asking for the children's schools to be told of a domestic abuse incident (Operation Encompass): the police
    # only, who attended the incident and own its reference (DOMAIN.md 1.5; issue 5 review, fault 7).
    "encompass.request": frozenset({Role.REFERRER, Role.SOCIAL_WORKER, Role.RESEARCHER}),
    "enquiry.view": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.rate": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.request": frozenset({Role.SCREENER, Role.MANAGER}),
    "enquiry.decide": frozenset({Role.MANAGER}),
    "allocation.assign": frozenset({Role.MANAGER}),
    # Sharing out the hub's work (issue 5): a screener or manager takes an item for themselves; a manager assigns
    # and re-assigns it to any hub member who can hold work.
    "work.take": frozenset({Role.SCREENER, Role.MANAGER}),
    "work.assign": frozenset({Role.MANAGER}),
    "request.inbox": frozenset({Role.RESEARCHER}),
    "request.respond": frozenset({Role.RESEARCHER}),
    # the early help service's hand-overs: its researchers see them (minimum details) and acknowledge them
    "early_help.inbox": frozenset({Role.RESEARCHER}),
    "early_help.acknowledge": frozenset({Role.RESEARCHER}),
    "partnership.configure": frozenset({Role.PARTNERSHIP_ADMIN}),
    # Information-sharing agreements (issue 7, ADR 0016): the partnership admin records them; the hub (screeners and
    # managers of the hub agency: access.sharing.agreements_view_allowed) and the privacy officer read them.
    "agreement.view": frozenset({Role.SCREENER, Role.MANAGER, Role.PARTNERSHIP_ADMIN, Role.PRIVACY_OFFICER}),
    "agreement.manage": frozenset({Role.PARTNERSHIP_ADMIN}),
    "audit.view": frozenset({Role.AUDITOR}),
    # casework (openmash/casework): case notes and strategy discussions are the hub's; the MASH pack goes to the
    # allocated worker and the assessment team (which packs: mash_packs_visible); allocations end by closing.
    "casenote.create": frozenset({Role.SCREENER, Role.MANAGER}),
    "casenote.view": frozenset({Role.SCREENER, Role.MANAGER}),
    # management oversight notes are the MASH manager's; a manager may also correct anyone's note (practitioner
    # review: screeners chose 'Management oversight' and corrected a manager's note); case_note_* below
    "casenote.oversight": frozenset({Role.MANAGER}),
    "strategy.record": frozenset({Role.SCREENER, Role.MANAGER}),
    "pack.view": frozenset({Role.SOCIAL_WORKER}),  # the hub reads packs through "enquiry.view"
    "allocation.close": frozenset({Role.MANAGER, Role.SOCIAL_WORKER}),
    # the allocated worker acknowledges a contact passed to them (ADR 0008): "dealt with", so it does not go back to
    # the screening queue when the allocation closes (routed_contacts_to_acknowledge says which)
    "contact.acknowledge": frozenset({Role.SOCIAL_WORKER}),
    "token.manage": frozenset({Role.PARTNERSHIP_ADMIN}),
    # Dual control of role grants (issue 6 security review, fault 1): another partnership admin, or a MASH manager
    # for a case role in their agency, approves a grant a partnership admin asked for (role_grant_decidable).
    "role_grant.decide": frozenset({Role.PARTNERSHIP_ADMIN, Role.MANAGER}),
    # A user's second factors (ADR 0011): a partnership admin asks for a reset, another partnership admin approves
    # it (mfa_reset_decidable); a partnership admin ends all of a user's sessions from the people pages.
    "mfa.reset": frozenset({Role.PARTNERSHIP_ADMIN}),
    "session.end_for_user": frozenset({Role.PARTNERSHIP_ADMIN}),
    # agency data feeds (openmash/feeds): upload an extract, watch it import, read its report (row numbers, fields
    # and reasons only: never a value), and keep the partnership's own feed mappings
    "feed.import": frozenset({Role.PARTNERSHIP_ADMIN}),
    # A feed mapping's change (columns, event types, sensitivities) waits for a second partnership admin (ADR 0019):
    # never the one who asked (feed_mapping_change_decidable).
    "feed_mapping.decide": frozenset({Role.PARTNERSHIP_ADMIN}),
    # Matching agency records (issue 6, ADR 0005): the hub's screeners and managers review proposed links (confirm
    # or reject); only managers separate people who were merged ("these are not the same person").
    "link.review": frozenset({Role.SCREENER, Role.MANAGER}),
    "link.unmerge": frozenset({Role.MANAGER}),
    # Related work (issue 6, duplicate work): what the hub already has in hand about a contact's children (open
    # enquiries, open cases, other contacts). The hub only: for anyone else it would leak case status (fault 6).
    "related.view": frozenset({Role.SCREENER, Role.MANAGER}),
    # Break-glass (issue 7; NHS SCR emergency access; SECURITY-TESTS BG-1): someone who may search but has no basis to
    # see a child opens ONE person's full record for a time limit, with a reason and after step-up authentication.
    # The hub sees every record already, so never the hub (break_glass_offered decides per person).
    "breakglass.use": frozenset({Role.REFERRER, Role.RESEARCHER, Role.SOCIAL_WORKER}),
    # The privacy officer (NHS SCR Privacy Officer / Caldicott guardian's review): the review queue of break-glass
    # alerts, the report of views without an involvement, subject access exports, who has seen a child's record.
    "privacy.review": frozenset({Role.PRIVACY_OFFICER}),
    "subject_access.export": frozenset({Role.PRIVACY_OFFICER}),
    # who has seen a child's record: MASH managers (hub only: access_history_allowed) and the privacy officer
    "person.access_history": frozenset({Role.MANAGER, Role.PRIVACY_OFFICER}),
    # Patterns across agencies (issue 8, ADR 0015): flags are hub-only data. The hub's screeners and managers see
    # them and decide them (accept, dismiss with a reason, watch); the partnership admin keeps the rules (data).
    "flag.view": frozenset({Role.SCREENER, Role.MANAGER}),
    "flag.decide": frozenset({Role.SCREENER, Role.MANAGER}),
    "flag.rules": frozenset({Role.PARTNERSHIP_ADMIN}),
    # reading the rules (no personal data: parameters and plain-English descriptions), their versions and the rules
    # file: the partnership admin who keeps them and the hub's managers who answer for the flags they raise (hub only)
    "flag.rules_view": frozenset({Role.MANAGER, Role.PARTNERSHIP_ADMIN}),
    # Child protection plans, looked-after status and child in need plans (issue 7, access notifications): children's
    # social care records and ends them: its social workers and the MASH managers, at an agency of type children's
    # social care only (child_status_record_allowed), for a child whose full record they may see.
    "child_status.record": frozenset({Role.SOCIAL_WORKER, Role.MANAGER}),
    # Disparity monitoring of flags (issue 8; patterns.disparity): aggregate rates and outcomes by sex, ethnicity, age
    # band and area deprivation, counts below 5 suppressed, so no personal data; still restricted to the roles that
    # oversee the partnership's rules and their fairness: the MASH manager (hub only: a manager's role is the hub's),
    # the partnership admin who keeps the rules, and the auditor who scrutinises. Not a case-data action (it is not in
    # _CASE_DATA_ACTIONS), so it changes no role-combination rule. Viewing and downloading are audited.
    "flag.disparity": frozenset({Role.MANAGER, Role.PARTNERSHIP_ADMIN, Role.AUDITOR}),
    # Not actions a user takes but what a membership is for: who is notified or may be allocated work.
    "allocation.receive": frozenset({Role.SOCIAL_WORKER}),
    "contacts.routed": frozenset({Role.SOCIAL_WORKER}),
}
_HUB_ONLY = frozenset(
    {
        "contact.screen",
        "screening.close_immediate_risk",
        "enquiry.view",
        "enquiry.rate",
        "enquiry.request",
        "enquiry.decide",
        "allocation.assign",
        "person.correct",
    }
    | {"casenote.create", "casenote.view", "casenote.oversight", "strategy.record"}
    | {"work.take", "work.assign"}
    | {"link.review", "link.unmerge"}
    | {"related.view"}
    | {"flag.view", "flag.decide"}
)
# Actions open to hub roles and to roles of any agency: the hub's roles (screener, manager) take them only as members of
# the hub, the others (partnership admin, auditor) in any agency.
_HUB_ROLES_IN_HUB = frozenset({"flag.disparity", "flag.rules_view"})
# Actions that, outside the hub, only members of a school (an education agency) may take.
_SCHOOL_ONLY = frozenset({"encompass.view", "encompass.acknowledge"})
# Actions only members of a police agency may take.
_POLICE_ONLY = frozenset({"encompass.request"})
# Actions only members of the early help service (an agency of type early help) may take: its inbox of hand-overs.
_EARLY_HELP_ONLY = frozenset({"early_help.inbox", "early_help.acknowledge"})


def memberships_allowed(action: str) -> QuerySet:
    """Active memberships (user, membership and agency active) whose role may do `action`, for choosing who to
    notify or allocate to. The role test stays here, so no other module compares roles."""
    from openmash.access.actor import active_memberships_q
    from openmash.accounts.models import Membership

    roles = _ACTIONS.get(action)
    if not roles:
        return Membership.objects.none()
    qs = Membership.objects.filter(active_memberships_q(), role__in=roles)
    if action in _HUB_ONLY:
        qs = qs.filter(agency__is_hub=True)
    return qs


#: Why a user cannot be chosen (memberships_choosable): the field message on every page and in the API's 422.
CANNOT_SIGN_IN_MESSAGE = (
    "Choose someone who can sign in and work now: this person has not set a password or enrolled a second factor "
    "(an authenticator app or security key) yet"
)


def memberships_choosable(action: str) -> QuerySet:
    """Active memberships whose role may do `action` AND whose user can sign in and work now
    (access.actor.can_sign_in_q): the one answer for every "choose a user" list and for the services that check a
    chosen user (assigning hub work, allocating a child to a social worker, handing on a leaver's work). A starter who
    has not set a password or enrolled a second factor is not offered, and a request naming them is refused with
    CANNOT_SIGN_IN_MESSAGE on the field. Source: issue 5 practitioner review ("a Monday of 60 contacts")."""
    from openmash.access.actor import can_sign_in_q

    return memberships_allowed(action).filter(can_sign_in_q("user"))


def can(actor, action: str) -> bool:
    if actor is None:
        return False
    roles = _ACTIONS.get(action)
    if roles is None or actor.role not in roles:
        return False
    if action in _HUB_ROLES_IN_HUB and actor.role in (Role.SCREENER, Role.MANAGER):
        return actor.is_hub
    if action in _SCHOOL_ONLY:
        if actor.role in (Role.SCREENER, Role.MANAGER):
            return actor.is_hub
        return actor.membership.agency.agency_type == AgencyType.EDUCATION
    if action in _POLICE_ONLY:
        return actor.membership.agency.agency_type == AgencyType.POLICE
    if action in _EARLY_HELP_ONLY:
        return actor.membership.agency.agency_type == AgencyType.EARLY_HELP
    return not (action in _HUB_ONLY and not actor.membership.agency.is_hub)


#: Actions that read case data about children and families (contacts, people, requests, packs, notices, links):
#: a role that may take any of them is a case role. Source of the rule: issue 6 security review, fault 1.
_CASE_DATA_ACTIONS = frozenset(
    {
        "contact.create",  # a recorder reads back their own contacts and the people in them
        "person.search",
        "enquiry.view",
        "request.inbox",
        "early_help.inbox",
        "encompass.view",
        "pack.view",
        "casenote.view",
        "contacts.routed",
        "allocation.receive",
        "link.review",
        "related.view",
        "flag.view",
    }
)
#: Roles that read or write case data about children and families (derived from _ACTIONS).
CASE_ROLES = frozenset(role for action in _CASE_DATA_ACTIONS for role in _ACTIONS[action])
#: Roles that read personal data of any kind: the case roles, the auditor, whose trail names people, and the privacy
#: officer (who has seen a child's record, subject access exports).
PERSONAL_DATA_ROLES = CASE_ROLES | _ACTIONS["audit.view"] | _ACTIONS["privacy.review"]
#: Roles held alone on an account (separation of duties): the privacy officer reviews everyone's use of records,
#: including the auditor's and the admin's, so holds no other role (issue 7).
ALONE_ROLES = frozenset({Role.PRIVACY_OFFICER})
PRIVACY_OFFICER_COMBINATION_MESSAGE = (
    "The privacy officer role is held alone (the privacy officer reviews everyone's use of records): give the "
    "person a separate account for each role"
)
ROLE_COMBINATION_MESSAGE = (
    "The partnership admin role cannot be held with a case role or the auditor role on one account (separation "
    "of duties): give the person a separate account for each"
)
AUDITOR_COMBINATION_MESSAGE = (
    "The auditor role cannot be held with a case role on one account (neither the auditor nor the partnership "
    "admin sees case records): give the person a separate account for each"
)


def role_combination_error(roles) -> str | None:
    """Separation of duties (issue 5 review, fault 3; issue 6 security review, fault 1; ASVS 5.0 8.4.2, layered
    admin access): neither the partnership admin, who grants roles, nor the auditor, who watches everyone, may also
    hold a role that reads case data (CASE_ROLES), and the admin may not hold the auditor's role. In: the roles one
    account would hold (its active memberships, or the roles a new account is given). Out: the message to show
    (callers put it on the `role` / `memberships` field), or None if the combination is allowed. The privacy
    officer (ALONE_ROLES, issue 7) holds no other role at all."""
    roles = set(roles)
    if roles & ALONE_ROLES and len(roles) > 1:
        return PRIVACY_OFFICER_COMBINATION_MESSAGE
    if Role.PARTNERSHIP_ADMIN in roles and roles & (CASE_ROLES | {Role.AUDITOR}):
        return ROLE_COMBINATION_MESSAGE
    if Role.AUDITOR in roles and roles & CASE_ROLES:
        return AUDITOR_COMBINATION_MESSAGE
    return None


def role_agency_error(role: str, agency) -> str | None:
    """Whether a role fits the agency it is given in (partnership administration: page, CLI and partnership file).
    In: a role code and an Agency (its is_hub and agency_type). Out: the message to show on the role field, or None.
    The rules, from what each role does (docs/security/access-and-audit.md; DOMAIN.md 2):
    - MASH screener and MASH manager work in the hub only (they screen and decide for the partnership);
    - an allocated social worker works for children's social care (an agency of that type, or the hub);
    - an agency researcher answers the hub's information requests for their own agency, so not in the hub, which
      asks the questions (it would be asking itself).
    Referrers, the partnership admin and the auditor may be in any agency."""
    if role in (Role.SCREENER, Role.MANAGER) and not agency.is_hub:
        label = Role(role).label
        return f"A {label} works in the MASH: choose the MASH's agency, or a role that fits {agency.name}"
    if role == Role.SOCIAL_WORKER and not (agency.is_hub or agency.agency_type == AgencyType.CHILDRENS_SOCIAL_CARE):
        return (
            f"An allocated social worker works for children's social care: {agency.name} is not children's social "
            "care. Choose another role or agency"
        )
    if role == Role.RESEARCHER and agency.is_hub:
        return (
            "An agency researcher answers the MASH's requests for their own agency, so cannot be in the MASH. "
            "Choose another role or agency"
        )
    return None


def role_label(code: str) -> str:
    """A role's name as people read it ("social_worker" -> "Social worker"); an unknown code as it is, "" for "".
    For the audit trail and its export (practitioners' review: raw role codes were shown)."""
    return Role(code).label if code in Role.values else (code or "")


def role_grant_needs_approval(role: str) -> bool:
    """Dual control (ASVS 5.0 2.3.5 multi-user approval, 8.4.2): whether a partnership admin giving this role
    through the pages makes a PENDING grant that takes effect only when a second person approves it. True for
    every role that reads personal data (PERSONAL_DATA_ROLES: the case roles and the auditor) and for the
    partnership admin role itself, since an admin who made another admin account they controlled could approve
    their own grants. The server's command line (`openmash user create`, `partnership load`) asks the same way
    (ADR 0019), except for the first partnership admin of a fresh deployment (role_grant_bootstrap_allowed)."""
    return role in PERSONAL_DATA_ROLES or role == Role.PARTNERSHIP_ADMIN


def partnership_admin_active_exists() -> bool:
    """Whether any active partnership admin exists (user, membership and agency active): someone who could approve
    a grant. In: nothing. Out: bool."""
    return memberships_allowed("partnership.configure").exists()


def role_grant_bootstrap_allowed(role: str) -> bool:
    """Bootstrap (ADR 0019): the server's command line may give the partnership admin role directly only while no
    active partnership admin exists (a fresh deployment: nobody could approve it). Any other role, and every
    later admin, waits for a second person. In: a role code. Out: bool."""
    return role == Role.PARTNERSHIP_ADMIN and not partnership_admin_active_exists()


CLI_APPROVER_MESSAGE = "{username} is not an active partnership admin, so cannot approve a role"
CLI_APPROVER_SELF_MESSAGE = (
    "{username} asked for this role (or it is for them): a different partnership admin approves it"
)


def role_grant_cli_approver(username: str, grant):
    """The actor that approves a grant at the server's command line (`openmash user approve-grant ID --by U`): the
    named user's active partnership admin membership (user, membership and agency active), never the person who
    asked nor the person it is for (ADR 0019). In: a username and a RoleGrant. Out: an Actor. Raises PermissionDenied
    with a one-line message naming the rule."""
    from openmash.access.actor import Actor, active_memberships_q
    from openmash.accounts.models import Membership

    membership = (
        Membership.objects.filter(active_memberships_q(), user__username=username, role=Role.PARTNERSHIP_ADMIN)
        .select_related("agency", "team", "user")
        .first()
    )
    if membership is None:
        raise PermissionDenied(CLI_APPROVER_MESSAGE.format(username=username))
    if membership.user_id in (grant.requested_by_id, grant.user_id):
        raise PermissionDenied(CLI_APPROVER_SELF_MESSAGE.format(username=username))
    return Actor(user=membership.user, membership=membership)


CLI_ADMIN_MESSAGE = "{username} is not an active partnership admin, so cannot change the partnership's settings"


def cli_partnership_admin(username: str):
    """The actor a settings command at the server's command line acts as (`openmash flags rules load FILE --by U`;
    ADR 0019 addendum): the named user's active partnership admin membership (user, membership and agency active).
    In: a username. Out: an Actor. Raises PermissionDenied with a one-line message (CLI_ADMIN_MESSAGE). Proving it
    is them (password and app code) is accounts.admin_services.cli_admin_acting's."""
    from openmash.access.actor import Actor, active_memberships_q
    from openmash.accounts.models import Membership

    membership = (
        Membership.objects.filter(active_memberships_q(), user__username=username, role=Role.PARTNERSHIP_ADMIN)
        .select_related("agency", "team", "user")
        .first()
    )
    if membership is None or not username:
        raise PermissionDenied(CLI_ADMIN_MESSAGE.format(username=username or "(no username)"))
    return Actor(user=membership.user, membership=membership)


def setting_change_deciders(change) -> QuerySet:
    """The users who could approve or reject this pending partnership.SettingChange now (setting_change_decidable's
    rule over the active accounts: every active partnership admin but the one who asked), for telling them it waits.
    In: a SettingChange. Out: a User queryset, by username."""
    from openmash.accounts.models import User

    admins = memberships_allowed("partnership.configure").exclude(user_id=change.requested_by_id)
    return User.objects.filter(pk__in=admins.values("user_id")).order_by("username")


def role_grant_manager_may_decide(grant) -> bool:
    """Whether a MASH manager of the grant's agency may decide it (a case role: CASE_ROLES)."""
    return grant.role in CASE_ROLES


def role_grant_has_approver(grant) -> bool:
    """Whether anyone could approve this pending RoleGrant now (role_grant_decidable's rule over the active
    accounts): another active partnership admin, or for a case role an active MASH manager of the grant's agency,
    neither the person who asked nor the person it is for. In: a RoleGrant. Out: bool. False means the grant would
    wait for ever: the page says so and how to make a second partnership admin (the server's command line)."""
    from openmash.access.actor import active_memberships_q
    from openmash.accounts.models import Membership

    who = Q(role=Role.PARTNERSHIP_ADMIN)
    if role_grant_manager_may_decide(grant):
        who |= Q(role=Role.MANAGER, agency_id=grant.agency_id)
    return (
        Membership.objects.filter(who, active_memberships_q())
        .exclude(user_id__in=[grant.requested_by_id, grant.user_id])
        .exists()
    )


def role_grant_decidable(actor, grant) -> bool:
    """Whether the actor may approve or reject this pending RoleGrant: never the person who asked for it nor the
    person it is for; another partnership admin any grant; a MASH manager a case role (CASE_ROLES) in their own
    agency. In: an Actor and a RoleGrant. Out: bool."""
    if actor is None or not can(actor, "role_grant.decide") or grant.status != "pending":
        return False
    if actor.user.pk in (grant.requested_by_id, grant.user_id):
        return False
    if actor.role == Role.PARTNERSHIP_ADMIN:
        return True
    return grant.role in CASE_ROLES and grant.agency_id == actor.agency_id


def role_grants_decidable(actor) -> QuerySet:
    """The pending RoleGrants the actor may approve or reject (the rule of role_grant_decidable as a queryset)."""
    from openmash.accounts.models import RoleGrant

    qs = RoleGrant.objects.filter(status="pending")
    if actor is None or not can(actor, "role_grant.decide"):
        return qs.none()
    qs = qs.exclude(requested_by=actor.user).exclude(user=actor.user)
    if actor.role == Role.PARTNERSHIP_ADMIN:
        return qs
    return qs.filter(role__in=CASE_ROLES, agency_id=actor.agency_id)


def feed_mapping_change_decidable(actor, change) -> bool:
    """Whether the actor may approve or reject this pending FeedMappingChange (dual control, ADR 0019): another
    partnership admin, never the one who asked. In: an Actor and a FeedMappingChange. Out: bool."""
    if actor is None or not can(actor, "feed_mapping.decide") or change.status != "pending":
        return False
    return actor.user.pk != change.requested_by_id


def setting_change_decidable(actor, change) -> bool:
    """Whether the actor may approve or reject this pending partnership.SettingChange (dual control, ADR 0019
    addendum: widening sealed access, loosening the agreement rule, switching off or changing a pattern rule):
    another partnership admin, never the one who asked. In: an Actor and a SettingChange. Out: bool."""
    if actor is None or not can(actor, "partnership.configure") or change.status != "pending":
        return False
    return actor.user.pk != change.requested_by_id


def setting_changes_decidable(actor) -> QuerySet:
    """The pending partnership.SettingChanges the actor may approve or reject (setting_change_decidable's rule as a
    queryset: another partnership admin's), for the home page's "N setting changes await your approval"."""
    from openmash.partnership.models import SettingChange

    qs = SettingChange.objects.filter(status="pending")
    if actor is None or not can(actor, "partnership.configure"):
        return qs.none()
    return qs.exclude(requested_by=actor.user)


def mfa_reset_decidable(actor, reset) -> bool:
    """Whether the actor may approve or reject this pending MfaReset (dual control, as role grants): another
    partnership admin, never the one who asked nor the user it is for. In: an Actor and an MfaReset. Out: bool."""
    if actor is None or not can(actor, "mfa.reset") or reset.status != "pending":
        return False
    return actor.user.pk not in (reset.requested_by_id, reset.user_id)


def mfa_resets_decidable(actor) -> QuerySet:
    """The pending MfaResets the actor may approve or reject (mfa_reset_decidable's rule as a queryset)."""
    from openmash.accounts.models import MfaReset

    qs = MfaReset.objects.filter(status="pending")
    if actor is None or not can(actor, "mfa.reset"):
        return qs.none()
    return qs.exclude(requested_by=actor.user).exclude(user=actor.user)


def does_case_work(actor) -> bool:
    """Whether the actor's role reads or writes case data about children and families (CASE_ROLES): their home page
    has a case-work section. The partnership admin and the auditor have no case role (separation of duties), so
    their home page shows their own work instead."""
    return actor is not None and actor.role in CASE_ROLES


def works_for_early_help_service(actor) -> bool:
    """Whether the actor is one of the early help service's researchers (an agency of type early help), whose
    home page shows the hand-overs from the MASH waiting for them."""
    return can(actor, "early_help.inbox")  # only members of an early help agency have the inbox


def works_for_a_school(actor) -> bool:
    """Whether the actor is a school's user (the designated safeguarding lead's team) who receives Operation
    Encompass notices, not the hub, which sees every notice."""
    return can(actor, "encompass.view") and not actor.is_hub


def contact_amend_allowed(actor, contact) -> bool:
    """Whether the actor may amend this contact (add people, correct details) while it awaits screening: the
    hub, or the user who recorded it (issue 5, 'correcting and adding to the record')."""
    if not can(actor, "contact.amend"):
        return False
    return actor.is_hub or contact.recorded_by_id == actor.user.pk


def case_note_type_allowed(actor, note_type: str) -> bool:
    """Whether the actor may write a case note of this type (a CaseNoteType code): a management oversight note
    only a MASH manager ("casenote.oversight"); any other type, whoever may write case notes."""
    if not can(actor, "casenote.create"):
        return False
    return note_type != "management_oversight" or can(actor, "casenote.oversight")


def case_note_correctable(actor, note) -> bool:
    """Whether the actor may correct this case note (by adding a correction): its author, or a MASH manager; and
    a management oversight note only by someone who may write one (practitioner review)."""
    if not can(actor, "casenote.create") or not case_note_type_allowed(actor, note.note_type):
        return False
    return note.author_id == actor.user.pk or can(actor, "casenote.oversight")


def require(actor, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied("You do not have permission to do that.")


def require_role(actor, *roles: str) -> None:
    if actor is None or actor.role not in roles:
        raise PermissionDenied("You do not have permission to do that.")


# --- visible querysets -------------------------------------------------------------------------------------


def people_in_clusters(person_ids) -> QuerySet:
    """A subquery (``values("pk")``) of every person in the clusters of the given people: their resolved people and
    everyone merged into those (ADR 0005). Access is decided on the resolved person, so involvement with any person
    in a cluster is involvement with the whole cluster. `person_ids` is a list or a ``values(...)`` subquery. Two
    indexed lookups (primary key, merged_into) combined by the planner (SQLite MULTI-INDEX OR, PostgreSQL BitmapOr)."""
    from openmash.people.models import Person

    roots = Person.objects.filter(pk__in=person_ids).annotate(root=Coalesce("merged_into", "pk")).values("root")
    return Person.objects.filter(Q(pk__in=roots) | Q(merged_into__in=roots)).values("pk")


def _allocated_to(user) -> QuerySet:
    """Everyone in the clusters of the children allocated to `user` by an open allocation (a subquery of ids)."""
    from openmash.enquiries.models import CaseAllocation

    return people_in_clusters(CaseAllocation.objects.filter(worker=user, closed_at__isnull=True).values("person_id"))


def _open_involvement_contacts(user) -> QuerySet:
    """Ids of contacts about a child allocated to `user` by an open allocation (over the child's cluster: ADR 0005).
    Being routed a contact (routed_to) grants nothing by itself: the worker sees it only while their allocation of
    one of its children is open, so closing the allocation ends their access on the next request (issue 5 review,
    fault 6)."""
    from openmash.contacts.models import ContactPerson

    # subqueries, not joins: an OR across joined tables makes the planner walk every contact (issue 5 bench)
    return ContactPerson.objects.filter(person_id__in=_allocated_to(user)).values("contact_id")


def _hub_named_people(user) -> QuerySet:
    """Ids (``values("person_id")``) of the people named in the contacts about a child allocated to `user` (open
    allocations, over the child's cluster) that reached the worker through the hub: contacts the MASH screened (a
    Screening row: a MASH enquiry, its pack, a contact added to an enquiry, or one the hub passed to the worker),
    and not recorded by `user`.

    Source: attacker review 2026-11, findings 1 and 2; issue 5 fault 2 ("recording a contact gives the referrer at
    most what a referrer sees of their own contact"). A contact the worker recorded themselves asserts who is in
    the family; if it widened their sight they could name any adult found by search (or plant a look-alike that the
    identifier join merges into another worker's child) and open that person's record, chronology and household.
    A contact passed straight to the worker at intake (status "with allocated worker", no screening) is one
    agency's unscreened claim: the worker reads the contact and the people as it names them, but no record opens
    through it until the hub has screened it."""
    from openmash.contacts.models import ContactPerson

    return (
        ContactPerson.objects.filter(contact_id__in=_open_involvement_contacts(user), contact__screening__isnull=False)
        .exclude(contact__recorded_by=user)
        .values("person_id")
    )


def contacts_visible(actor) -> QuerySet:
    """Contacts the actor may open: the hub all; a recorder their own; a social worker also the contacts about a
    child allocated to them while that allocation is open (never merely because one was routed to them)."""
    from openmash.contacts.models import Contact

    qs = Contact.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    own = Q(recorded_by=actor.user) if can(actor, "contact.create") else Q(pk__in=[])
    if can(actor, "contacts.routed"):
        return qs.filter(own | Q(pk__in=_open_involvement_contacts(actor.user)))
    return qs.filter(own)


def flags_visible(actor) -> QuerySet:
    """Pattern flags (issue 8, ADR 0015): hub-only data. The hub's screeners and managers see every flag; everyone
    else none (a flag says a child may be at risk before anyone has judged it)."""
    from openmash.patterns.models import Flag

    return Flag.objects.all() if can(actor, "flag.view") else Flag.objects.none()


def watches_visible(actor) -> QuerySet:
    """The watch-list: hub-only, like flags."""
    from openmash.patterns.models import Watch

    return Watch.objects.all() if can(actor, "flag.view") else Watch.objects.none()


def enquiries_visible(actor) -> QuerySet:
    from openmash.enquiries.models import Enquiry

    return Enquiry.objects.all() if can(actor, "enquiry.view") else Enquiry.objects.none()


def agency_requests_visible(actor) -> QuerySet:
    from openmash.enquiries.models import AgencyRequest

    qs = AgencyRequest.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if can(actor, "request.inbox"):
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


def encompass_notices_visible(actor) -> QuerySet:
    """Operation Encompass notices: the hub sees all; a school's users see the notices sent to their school
    (and nothing else of the contact behind them)."""
    from openmash.contacts.models import EncompassNotice

    qs = EncompassNotice.objects.all()
    if not can(actor, "encompass.view"):
        return qs.none()
    if actor.is_hub:
        return qs
    return qs.filter(school_id=actor.agency_id)


def early_help_requests_visible(actor) -> QuerySet:
    """Hand-overs to the early help service: the hub sees all; a researcher only those to their own agency."""
    from openmash.enquiries.models import EarlyHelpRequest

    qs = EarlyHelpRequest.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    if actor.role == Role.RESEARCHER:
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


# --- an agency's sight of the people in a request ends some time after the request does --------------------------


def agency_access_days() -> int:
    """The partnership's window (PartnershipSettings.agency_access_days, default 30): for how many days after a
    request is answered or closed its agency's researchers still see the people in it."""
    from openmash.partnership.selectors import partnership_settings_get

    return partnership_settings_get().agency_access_days


def agency_requests_people_open_q(*, now: dt.datetime | None = None, days: int | None = None, prefix: str = "") -> Q:
    """The rule of `agency_request_people_until` as a filter on AgencyRequest (or on a relation to it, through
    `prefix`): open, or answered or closed less than `days` ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=agency_access_days() if days is None else days)
    return (
        Q(**{f"{prefix}status": "open"})
        | Q(**{f"{prefix}status": "responded", f"{prefix}response__responded_at__gt": cutoff})
        | Q(**{f"{prefix}status": "closed", f"{prefix}closed_at__gt": cutoff})
    )


def agency_request_people_until(agency_request, *, days: int | None = None) -> dt.datetime | None:
    """In: an AgencyRequest (its response loaded if answered). Out: when its agency stops seeing the people in it
    (an aware UTC datetime), or None while it is open: `days` (default the partnership's agency_access_days) after
    it was answered (the first answer's time) or closed by the decision. Source: data minimisation (UK GDPR
    art. 5(1)(c), 5(1)(e)): a researcher needs the people's details to search their agency's records and answer, not
    for ever after."""
    status = agency_request.status
    if status == "open":
        return None
    response = getattr(agency_request, "response", None) if status == "responded" else None
    ended = response.responded_at if response is not None else agency_request.closed_at or agency_request.updated_at
    return ended + dt.timedelta(days=agency_access_days() if days is None else days)


def agency_request_people_allowed(
    actor, agency_request, *, now: dt.datetime | None = None, days: int | None = None
) -> bool:
    """Whether the actor may see the people (minimum identifying details) in this request: the hub always; the
    researchers of the agency asked while it is open and until `agency_request_people_until`; nobody else."""
    if actor is None:
        return False
    if actor.is_hub:
        return True
    if not can(actor, "request.inbox") or agency_request.agency_id != actor.agency_id:
        return False
    until = agency_request_people_until(agency_request, days=days)
    return until is None or (now or timezone.now()) < until


def early_help_people_until(eh, *, days: int | None = None) -> dt.datetime | None:
    """In: an EarlyHelpRequest. Out: when the early help service stops seeing the people in it in OpenMASH (an aware
    UTC datetime): `days` (default the partnership's agency_access_days) after it was acknowledged; None while it
    waits. Once acknowledged the service holds the case in its own records; OpenMASH keeps the hand-over (reference,
    dates, the MASH's reasons) but not the family's details for ever. Source: data minimisation (UK GDPR art.
    5(1)(c), 5(1)(e)), as for agency requests (agency_request_people_until)."""
    if eh.status == "open" or eh.acknowledged_at is None:
        return None
    return eh.acknowledged_at + dt.timedelta(days=agency_access_days() if days is None else days)


def early_help_people_allowed(actor, eh, *, now: dt.datetime | None = None) -> bool:
    """Whether the actor may see the people (minimum identifying details) in this hand-over: the hub always; the
    early help service it was sent to while it waits and until `early_help_people_until`; nobody else."""
    if actor is None:
        return False
    if actor.is_hub:
        return True
    if not can(actor, "early_help.inbox") or eh.agency_id != actor.agency_id:
        return False
    until = early_help_people_until(eh)
    return until is None or (now or timezone.now()) < until


def people_visible(actor) -> QuerySet:
    """People whose record (at least the minimum identifying details) the actor may open.

    - hub: everyone;
    - allocated social worker: the children allocated to them (open allocations) and the people named in the
      contacts about those children that reached them through the hub (screened by the MASH: _hub_named_people),
      only while the allocation is open (fault 6 of the review). Never through a contact they recorded themselves,
      nor one passed straight to them unscreened (attacker review 2026-11: a planted look-alike household member);
    - researcher: the subject children of requests addressed to their agency, while the request is open and for
      the partnership's agency_access_days after it was answered or closed (agency_request_people_until);
    - anyone else, including whoever recorded a contact: nobody. Recording a contact gives what a referrer sees
      of their own contact (the contact page: its outcome and the people as they named them), never the record
      of a child they found by search (issue 5, fault 2).

    - break-glass (issue 7): the one person the actor opened in an emergency, with a reason, until the time limit
      or until it is ended (break_glass_person_ids), for anyone who may use it (`breakglass.use`).

    Each basis covers the person's whole cluster (ADR 0005: people merged into one resolved person), so the set is
    closed under merging and a merged-away person is visible exactly when their resolved person is."""
    from openmash.people.models import Person

    qs = Person.objects.all()
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    glass = break_glass_person_ids(actor)  # one small query per request, then remembered on the actor
    if can(actor, "allocation.receive"):
        named = _hub_named_people(actor.user)
        return qs.filter(Q(pk__in=_allocated_to(actor.user)) | Q(pk__in=people_in_clusters(named)) | _ids_q(glass))
    if can(actor, "request.inbox"):
        asked = "contact_links__contact__enquiry__agency_requests__"
        basis = Person.objects.filter(
            Q(contact_links__role="subject", **{f"{asked}agency_id": actor.agency_id})
            & agency_requests_people_open_q(prefix=asked)
        ).values("pk")
        return qs.filter(Q(pk__in=people_in_clusters(basis)) | _ids_q(glass))
    return qs.filter(pk__in=sorted(glass)) if glass else qs.none()


def _ids_q(ids) -> Q:
    """A filter on the primary key for a (small) set of ids; matches nothing when the set is empty (no SQL at all:
    the query keeps the shape it had before break-glass existed, so the planner's choices do not change)."""
    return Q(pk__in=sorted(ids)) if ids else Q(pk__in=[])


def people_visible_ids(actor, ids) -> set:
    """Which of these person ids the actor may open (people_visible), without a query for the hub, who may open
    everyone. In: ids (UUIDs). Out: a set of those ids."""
    ids = [i for i in ids if i]
    if not ids or actor is None:
        return set()
    if actor.is_hub:
        return set(ids)
    return set(people_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def work_holders_visible(actor) -> QuerySet:
    """Active memberships that may hold hub work (take or be assigned a contact or enquiry): screeners and
    managers of the hub agency, with user, membership and agency active (the one active check). Empty for an actor
    who may not see the hub's work."""
    from openmash.accounts.models import Membership

    if not can(actor, "work.take"):
        return Membership.objects.none()
    return memberships_allowed("work.take")


def work_assignees_visible(actor) -> QuerySet:
    """The hub members a manager may give work to now: work_holders_visible narrowed to those who can sign in and
    work (memberships_choosable("work.take")). Empty for an actor who may not see the hub's work."""
    from openmash.accounts.models import Membership

    if not can(actor, "work.take"):
        return Membership.objects.none()
    return memberships_choosable("work.take")


def mash_packs_visible(actor) -> QuerySet:
    """Contacts whose MASH pack (enquiry, agency answers, decision, case notes, strategy discussion) the actor may
    open: contacts the MASH has decided or sent to a strategy discussion. The hub sees every pack. A social worker
    sees only the packs about children allocated to them, for as long as the allocation is open. A pack whose
    children have no worker yet belongs to nobody outside the hub: it waits on the MASH managers' "to allocate"
    list (mash_packs_to_allocate), never on every social worker's home page (practitioner review, fault 3: the
    confidentiality of a family is not shared with a whole team before anyone is allocated).
    Source: issue 5 "Handover"; Working Together 2023 (the allocated worker takes the case on); ADR 0004."""
    from openmash.contacts.models import Contact

    decided = ("decided", "strategy")
    qs = Contact.objects.filter(status__in=decided)
    if can(actor, "enquiry.view"):
        return qs
    if not can(actor, "pack.view"):
        return qs.none()
    from openmash.contacts.models import ContactPerson

    # The children first (open allocations: a few thousand rows at most), then their contacts through the
    # contact-person index: never a walk over every contact's people (issue 5 benchmark: the pack page took 2 s).
    # The ids are fetched here, not left as nested subqueries: a worker's caseload is a few dozen children, and
    # with subqueries PostgreSQL's planner walked every contact by date for "newest first, LIMIT 10" (issue 5
    # benchmark on an idle machine: the social worker's home page 354 ms p95, 291 ms of it in SQL).
    children = [row["pk"] for row in _allocated_to(actor.user)]  # over each child's cluster (ADR 0005)
    about = ContactPerson.objects.filter(role="subject", person_id__in=children, contact__status__in=decided)
    # the status test inside the subquery: outside it, SQLite walks every decided contact instead of the few ids
    return Contact.objects.filter(pk__in=set(about.values_list("contact_id", flat=True)))


def mash_packs_to_allocate(actor) -> QuerySet:
    """Packs with a subject child open to children's social care (an open allocation) and no worker allocated
    yet: the list of those who allocate (`allocation.assign`, the MASH managers; there is no separate assessment
    team manager role). Empty for everyone else."""
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import CaseAllocation

    if not can(actor, "allocation.assign"):
        return Contact.objects.none()
    waiting = people_in_clusters(
        CaseAllocation.objects.filter(closed_at__isnull=True, worker__isnull=True).values("person_id")
    )
    return mash_packs_visible(actor).filter(
        pk__in=Contact.objects.filter(people__role="subject", people__person_id__in=waiting).values("pk")
    )


def allocations_closable(actor) -> QuerySet:
    """Open allocations the actor may close: a hub manager any; a social worker their own."""
    from openmash.enquiries.models import CaseAllocation

    qs = CaseAllocation.objects.filter(closed_at__isnull=True)
    if not can(actor, "allocation.close"):
        return qs.none()
    if actor.is_manager:
        return qs
    if can(actor, "allocation.receive"):
        return qs.filter(worker=actor.user)
    return qs.none()


def routed_contacts_to_acknowledge(actor) -> QuerySet:
    """Contacts the actor may acknowledge as the allocated worker (ADR 0008): passed to them (status "with allocated
    worker", routed_to them) and visible to them now (their allocation of one of its children is open). Empty for
    anyone who does not receive allocations. Whether one is already acknowledged is the caller's question."""
    from openmash.contacts.models import Contact

    if not can(actor, "contact.acknowledge"):
        return Contact.objects.none()
    return contacts_visible(actor).filter(status="with_allocated_worker", routed_to=actor.user)


def allocation_watchers() -> QuerySet:
    """Active memberships told when an allocation closes or a routed contact comes back to the screening queue: the
    hub's managers (who allocate, `allocation.assign`). A queryset of Membership."""
    return memberships_allowed("allocation.assign")


def people_linkable(actor) -> QuerySet:
    """People an actor may name in a new contact by id: those they may see, and those named in contacts they
    recorded themselves (linking grants no sight of the record: see people_visible). Intake search results are
    also linkable for a day (checked by the contacts service against the audit trail).

    Not a person one of the actor's contacts names only because the referrer's record is held on an intake join
    until screening (ADR 0009 addendum 2): the contact names the known person meanwhile, but the referrer never
    chose them, and naming them by id would attach the next contact to the known child before the hub has looked
    (attacker review 2026-12: a near-miss name with the child's real NHS number, then the id in a second contact).
    Once screening confirms the join, or for any other contact of theirs naming the person, they are linkable."""
    from django.db.models import Exists, OuterRef

    from openmash.contacts.models import ContactPerson
    from openmash.people.linking import INTAKE_PENDING_RULE
    from openmash.people.models import LinkState, Person, RecordLink

    if actor is None:
        return Person.objects.none()
    contact, person = OuterRef("contact_id"), OuterRef("person_id")
    # the link's known side: the record on it that the contact did not make, standing for the person it names
    held = RecordLink.objects.filter(
        valid_to__isnull=True, state=LinkState.PROPOSED, rule=INTAKE_PENDING_RULE, source_contact_id=contact
    ).filter(
        (Q(record_l__person_id=person) & ~Q(record_l__source_contact_id=contact))
        | (Q(record_r__person_id=person) & ~Q(record_r__source_contact_id=contact))
    )
    own = ContactPerson.objects.filter(contact__recorded_by=actor.user).exclude(Exists(held)).values("person_id")
    return Person.objects.filter(Q(pk__in=people_visible(actor).values("pk")) | Q(pk__in=own))


#: Chronology entry sensitivities (openmash.feeds.choices.Sensitivity) an allocated social worker may see. Entries
#: the workflow writes for a source without a sensitivity carry none (""), which is standard; a case note's and an
#: agency answer's carry their source's (people.services.chronology_add; issue 7). Anything else -- "sealed" (held by the hub only) or a
#: value this list does not know -- is the hub's alone (deny by default).
CHRONOLOGY_WORKER_SENSITIVITIES = ("", "standard", "sensitive")


def chronology_entries_visible(actor, qs: QuerySet) -> QuerySet:
    """The chronology entries of `qs` (a ``people.ChronologyEntry`` queryset) the actor may see: THE sensitivity rule
    for every place an entry is shown (person page, API, exports, merged chronologies).

    - the hub (screeners, managers): every entry, sealed ones included (feeds.choices: sealed is "held by the hub
      only", e.g. a young person's sexual-health contacts protected by Fraser/Gillick competence);
    - a social worker: the standard and sensitive entries of the people in the clusters of the children allocated
      to them by an open allocation (person_full_record_allowed), never a sealed one;
    - someone who broke glass for a person (issue 7): that person's standard and sensitive entries while it lasts;
    - everyone else, and no actor: nothing (the chronology is part of the full record: access.fields).

    Out: `qs` filtered (still lazy). Security review 2026-11: a sealed imported health event showed on the
    allocated worker's chronology page and API."""
    if actor is None:
        return qs.none()
    if actor.is_hub:
        return qs
    glass = break_glass_person_ids(actor)  # break-glass: the one person's standard and sensitive entries
    if not can(actor, "allocation.receive"):
        if not glass:
            return qs.none()
        return qs.filter(person_id__in=sorted(glass), sensitivity__in=CHRONOLOGY_WORKER_SENSITIVITIES)
    allocated = Q(person_id__in=_allocated_to(actor.user))
    if glass:
        allocated |= Q(person_id__in=sorted(glass))
    return qs.filter(allocated, sensitivity__in=CHRONOLOGY_WORKER_SENSITIVITIES)


def person_full_record_allowed(actor, person=None) -> bool:
    """Identifiers, addresses, relationships and the chronology are for the hub, and for a social worker only for
    the children allocated to them while the allocation is open, and for the one person someone broke glass for
    while it lasts (issue 7). Everyone else gets the minimum identifying details (what they already hold or need to
    search their own systems). Without `person` the answer is whether the actor could ever see a full record (hub
    only)."""
    if actor is None:
        return False
    if actor.is_hub:
        return True
    if person is not None and person.pk in break_glass_person_ids(actor):
        return True  # break-glass covers what the full record shows, for that person only (issue 7)
    if person is None or not can(actor, "allocation.receive"):
        return False
    from openmash.enquiries.models import CaseAllocation

    return CaseAllocation.objects.filter(
        person_id__in=people_in_clusters([person.pk]), worker=actor.user, closed_at__isnull=True
    ).exists()


#: Chronology entry sensitivities (openmash.feeds.choices.Sensitivity). Entries the workflow writes for a source
#: without a sensitivity (contacts, screening, decisions, referrals, ...) carry none ("") and are standard; case notes'
#: and agency answers' entries carry their source's level (issue 7).
CHRONOLOGY_STANDARD = frozenset({"", "standard"})
CHRONOLOGY_SENSITIVE = CHRONOLOGY_STANDARD | {"sensitive"}
CHRONOLOGY_ALL = CHRONOLOGY_SENSITIVE | {"sealed"}


def chronology_sensitivities(actor, child, *, member=None, member_visible: bool | None = None) -> frozenset[str]:
    """Which of a chronology's entries the actor may see, by sensitivity (the one rule for the pages, the API and the
    PDF; issue 6 "The picture"). In: the actor, the resolved `child` whose chronology (or household chronology) is
    read, and for a household chronology or the family network a `member`: a person in the child's household or
    around the child whose entries would be shown or counted beside the child's (`member_visible`: whether the member is in people_visible(actor), when the caller already knows).
    Out: the sensitivities shown (a subset of CHRONOLOGY_ALL; empty = none of that person's entries).

    - the hub (screeners, managers): everything, sealed entries included (feeds.choices: sealed is "held by the hub
      only", e.g. a young person's sexual-health contacts protected by Fraser/Gillick competence);
    - the social worker allocated to the child (an open allocation; person_full_record_allowed): the child's
      standard and sensitive entries (special-category and criminal-offence data shown with care, UK GDPR arts. 9-10,
      to the one worker with a role: DOMAIN.md 3.3 rule 6, Caldicott principle 4), never sealed ones; of a household
      member they may open (people_visible: named in the contacts about their child), the standard entries only:
      the household's history is part of assessing the child (DOMAIN.md 4.2, household context), an adult's own
      special-category history is not the child's worker's to read (Caldicott principle 3, the minimum necessary);
    - everyone else: nothing (the minimum-details roles never see a chronology: access.field_table VISIBLE).
    The sensitivities per audience are access.field_table.SENSITIVITIES."""
    from openmash.access.field_table import SENSITIVITIES  # the table (issue 7: field-level access as data)

    if actor is None or child is None:
        return frozenset()
    if actor.is_hub:
        return frozenset(SENSITIVITIES.get("hub", {}).get("person", ()))
    if not person_full_record_allowed(actor, child):
        return frozenset()
    if member is None:
        return frozenset(SENSITIVITIES.get("case_worker", {}).get("person", ()))
    if member_visible is None:
        member_visible = bool(people_visible_ids(actor, [member.pk]))
    return CHRONOLOGY_STANDARD if member_visible else frozenset()


def involvement_visible(actor, child, *, member=None) -> bool:
    """Whether the family network shows a person's open involvement (open to children's social care; named in
    contacts or MASH enquiries being handled now): the hub for everyone; the child's allocated worker for the child
    only (an adult's or a sibling's involvement with services is theirs, not the child's worker's: Caldicott
    principle 4, need to know); nobody else."""
    if actor is None or child is None:
        return False
    if actor.is_hub:
        return True
    return member is None and person_full_record_allowed(actor, child)


def chronology_entries_q(sensitivities) -> Q:
    """The filter on ChronologyEntry for `chronology_sensitivities`' answer (a blank sensitivity is standard). The
    hub's answer (everything) filters nothing: the hub sees every entry whatever its sensitivity says, as
    chronology_entries_visible decides."""
    if sensitivities == CHRONOLOGY_ALL:
        return Q()
    return Q(sensitivity__in=sorted(sensitivities)) if sensitivities else Q(pk__in=[])


def record_links_visible(actor) -> QuerySet:
    """Links between agency records (proposed, confirmed, rejected; every history row) the actor may review: the
    hub's screeners and managers ("link.review"); nobody else."""
    from openmash.people.models import RecordLink

    return RecordLink.objects.all() if can(actor, "link.review") else RecordLink.objects.none()


def contact_viewed_as(actor, contact) -> str:
    """How the actor sees a contact they may open: "hub" (everything), "worker" (the allocated worker the
    contact was routed to, or whose allocated child it is about) or "recorder" (what a referrer sees of their
    own contact: the contact as they gave it and its outcome; never the hub's rationale, the enquiry, or whether
    the child has an allocated worker -- issue 5, fault 6)."""
    if actor is not None and actor.is_hub:
        return "hub"
    if actor is not None and can(actor, "contacts.routed"):
        if contact.recorded_by_id != actor.user.pk:
            return "worker"  # visible only through an open allocation of one of its children (contacts_visible)
        if _open_involvement_contacts(actor.user).filter(contact_id=contact.pk).exists():
            return "worker"  # their own contact about a child allocated to them, while the allocation is open
    return "recorder"


# --- break-glass and the privacy officer (issue 7) ---------------------------------------------------------------


def break_glass_minutes() -> int:
    """How long one break-glass lasts: OPENMASH_BREAK_GLASS_MINUTES (default 60) minutes from when it was opened."""
    from django.conf import settings

    return settings.OPENMASH_BREAK_GLASS_MINUTES


def break_glass_live_q(*, now: dt.datetime | None = None, prefix: str = "") -> Q:
    """The rule of a live break-glass as a filter on oversight.BreakGlass (or a relation to it, through `prefix`): not
    ended (by its user or the privacy officer) and not past its expiry (`expires_at`, aware UTC)."""
    return Q(**{f"{prefix}ended_at__isnull": True, f"{prefix}expires_at__gt": now or timezone.now()})


def break_glass_person_ids(actor) -> frozenset:
    """Everyone in the clusters (ADR 0005) of the people the actor broke glass for (issue 7) that is still live
    (break_glass_live_q), in the membership they act in now (a break-glass opened as a researcher does not follow the
    user into another role). Empty for the hub (which sees everyone), for roles that may not use it and for no actor.

    Out: a frozenset of person ids. Read once per request and remembered on the actor for the rest of that request
    (keyed by the request id; outside a request, e.g. in a service or a test, it is read every time), so expiry and
    ending take effect on the next request (SECURITY-TESTS BG-1, AZ-6; ASVS 5.0 8.3.2)."""
    if actor is None or actor.is_hub or not can(actor, "breakglass.use"):
        return frozenset()
    from openmash.core.requestid import current_request_id

    rid = current_request_id()
    cached = actor.__dict__.get("_break_glass_ids")
    if cached is not None and rid != "-" and cached[0] == rid:
        return cached[1]
    from openmash.oversight.models import BreakGlass

    live = BreakGlass.objects.filter(break_glass_live_q(), membership_id=actor.membership.pk, user_id=actor.user.pk)
    ids = frozenset(row["pk"] for row in people_in_clusters(live.values("person_id")))
    actor.__dict__["_break_glass_ids"] = (rid, ids)  # the dataclass is frozen; its __dict__ is not
    return ids


def break_glass_forget(actor) -> None:
    """Drop what break_glass_person_ids remembered for this request (after the actor opened or ended one)."""
    if actor is not None:
        actor.__dict__.pop("_break_glass_ids", None)


def break_glass_offered(actor, person_id=None) -> bool:
    """Whether the actor may ask for break-glass (emergency access) to a person: they may search and use it
    (`breakglass.use`: referrers, researchers, social workers; never the hub, who sees every record already), and
    they may not open the person's full record now. Without `person_id`: whether they may ever use it."""
    if actor is None or actor.is_hub or not can(actor, "breakglass.use"):
        return False
    if person_id is None:
        return True
    from openmash.people.models import Person

    person = Person.objects.filter(pk=person_id).first()
    return person is not None and not person_full_record_allowed(actor, person)


def break_glasses_visible(actor) -> QuerySet:
    """Break-glass uses (oversight.BreakGlass) the actor may read: the privacy officer every one; anyone else only
    their own (the page that says how long they have left)."""
    from openmash.oversight.models import BreakGlass

    if actor is None:
        return BreakGlass.objects.none()
    if can(actor, "privacy.review"):
        return BreakGlass.objects.all()
    return BreakGlass.objects.filter(user=actor.user)


def privacy_alerts_visible(actor) -> QuerySet:
    """The privacy officer's review queue (oversight.PrivacyAlert): every alert for the privacy officer; nobody
    else (the partnership admins told of an escalation get its reference only, to take up with the privacy officer
    and the Caldicott guardian)."""
    from openmash.oversight.models import PrivacyAlert

    if actor is None:
        return PrivacyAlert.objects.none()
    if can(actor, "privacy.review"):
        return PrivacyAlert.objects.all()
    return PrivacyAlert.objects.none()


def privacy_officers() -> QuerySet:
    """Active memberships of privacy officers (who are told of every break-glass alert). A queryset of Membership."""
    return memberships_allowed("privacy.review")


def caldicott_escalation_recipients() -> QuerySet:
    """Active memberships told when a privacy officer escalates an alert to the Caldicott guardian's level: the
    partnership admins (who hold the partnership's information governance contacts) and every privacy officer.
    A queryset of Membership."""
    from openmash.access.actor import active_memberships_q
    from openmash.accounts.models import Membership

    return Membership.objects.filter(active_memberships_q(), role__in=[Role.PARTNERSHIP_ADMIN, Role.PRIVACY_OFFICER])


def access_history_allowed(actor) -> bool:
    """Whether the actor may read who has seen a person's record (issue 7): the MASH managers (hub) and the
    privacy officer."""
    if not can(actor, "person.access_history"):
        return False
    return actor.is_manager or can(actor, "privacy.review")


def access_notices_visible(actor) -> QuerySet:
    """Access notices (oversight.AccessNotice, CP-IS style) the actor may open: those sent to them (an in-app
    notification of theirs points at it). Nobody else's."""
    from openmash.oversight.models import AccessNotice

    if actor is None:
        return AccessNotice.objects.none()
    return AccessNotice.objects.filter(deliveries__notification__user=actor.user).distinct()


def child_status_record_allowed(actor, person=None) -> bool:
    """Whether the actor may record or end a child protection plan, looked-after status or child in need plan
    (people.ChildStatus): a role with `child_status.record` (social workers, MASH managers) at an agency of type
    children's social care, and, with `person`, only for a child whose full record they may see
    (person_full_record_allowed: the hub, the allocated worker). Source: issue 7 (CP-IS flags are held by
    children's social care); Working Together 2023 (the local authority holds CP plans and looked-after status)."""
    if actor is None or not can(actor, "child_status.record"):
        return False
    if actor.agency.agency_type != AgencyType.CHILDRENS_SOCIAL_CARE:
        return False
    return person is None or person_full_record_allowed(actor, person)


def child_status_current_q(*, today: dt.date | None = None, prefix: str = "") -> Q:
    """The ChildStatus rows current on `today` (default: today in Europe/London): started and not ended before."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def child_status_is_current(status, *, today: dt.date | None = None) -> bool:
    """child_status_current_q for one loaded ChildStatus."""
    today = today or timezone.localdate()
    return status.start_date <= today and (status.end_date is None or status.end_date >= today)


def access_notice_owners(actor, person) -> list[dict]:
    """Who owns a flagged child (CP-IS access notifications, issue 7; SECURITY-TESTS NT-1, P4), and whether the
    actor is outside each owner. In: the actor who opened the record, the resolved Person. Out: a list of
    {"owner": "hub" | "allocation", "memberships": QuerySet of Membership to tell, "agency_id", "team_id"} for each
    owner the actor is NOT part of; empty when the child is not flagged or the actor is the owning team.

    Flags:
    - an open MASH enquiry about the child (a contact naming them as a subject, its enquiry open): owned by the
      hub, told through its managers and the enquiry's holder;
    - an open allocation with a worker (the child is open to children's social care): owned by the allocated
      worker's team (their membership's team at the allocation's agency, or the worker alone without a team);
    - a current child protection plan, looked-after status or child in need plan (people.ChildStatus,
      child_status_current_q): owned by the children's social care agency that holds it, told through its members
      with `child_status.record` (social workers, managers); a viewer who is one of them is an owner.
    Views by the hub never notify (the hub is the front door and sees every record); views by an owning team never
    notify anyone (the allocated worker or their team working their own case, or for an enquiry the hub)."""
    from openmash.access.actor import active_memberships_q
    from openmash.accounts.models import Membership
    from openmash.enquiries.models import CaseAllocation, Enquiry

    if actor is None or person is None or actor.is_hub:
        return []
    cluster = people_in_clusters([person.pk])
    owners = []
    open_enquiries = Enquiry.objects.filter(
        status="open", contact__people__role="subject", contact__people__person_id__in=cluster
    )
    if open_enquiries.exists():
        holders = list(open_enquiries.exclude(assigned_to=None).values_list("assigned_to_id", flat=True))
        tell = Membership.objects.filter(
            Q(pk__in=memberships_allowed("allocation.assign").values("pk"))
            | Q(user_id__in=holders, role__in=HUB_ROLE_CODES, agency__is_hub=True),
            active_memberships_q(),
        )
        owners.append({"owner": "hub", "memberships": tell, "agency_id": None, "team_id": None})
    for allocation in CaseAllocation.objects.filter(person_id__in=cluster, closed_at__isnull=True).exclude(worker=None):
        worker = Membership.objects.filter(
            active_memberships_q(), user_id=allocation.worker_id, role__in=_ACTIONS["allocation.receive"]
        ).order_by("created_at")
        home = worker.filter(agency_id=allocation.agency_id).first() or worker.first()
        team_id = home.team_id if home is not None else None
        if (
            actor.user.pk == allocation.worker_id  # the worker themselves
            or (team_id is not None and actor.membership.team_id == team_id)  # the worker's own team
            # no team recorded: the worker's social work colleagues at the same agency count as the team
            or (team_id is None and actor.agency_id == allocation.agency_id and can(actor, "allocation.receive"))
        ):
            return []  # an owner of the child: their own team's work, nobody is told
        if team_id is not None:
            tell = Membership.objects.filter(
                Q(team_id=team_id) | Q(user_id=allocation.worker_id, role__in=_ACTIONS["allocation.receive"]),
                active_memberships_q(),
            )
        else:
            tell = worker
        owners.append(
            {"owner": "allocation", "memberships": tell, "agency_id": allocation.agency_id, "team_id": team_id}
        )
    from openmash.people.models import ChildStatus

    status_agencies = set(
        ChildStatus.objects.filter(child_status_current_q(), person_id__in=cluster).values_list(
            "source_agency_id", flat=True
        )
    )
    if actor.agency_id in status_agencies and can(actor, "child_status.record"):
        return []  # children's social care working its own child
    for agency_id in sorted(status_agencies, key=str):
        tell = Membership.objects.filter(
            active_memberships_q(), agency_id=agency_id, role__in=_ACTIONS["child_status.record"]
        )
        owners.append({"owner": "child_status", "memberships": tell, "agency_id": agency_id, "team_id": None})
    return owners


#: The hub's roles as codes (for queries on Membership.role).
HUB_ROLE_CODES = (Role.SCREENER, Role.MANAGER)


# --- fetch-and-authorise in one call -------------------------------------------------------------------------


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    except Exception as exc:  # malformed UUIDs raise ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from None
        raise


def contact_get_for(actor, contact_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else contacts_visible(actor), contact_id)


def enquiry_get_for(actor, enquiry_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else enquiries_visible(actor), enquiry_id)


def agency_request_get_for(actor, request_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else agency_requests_visible(actor), request_id)


def early_help_request_get_for(actor, request_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else early_help_requests_visible(actor), request_id)


def person_get_for(actor, person_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else people_visible(actor), person_id)


def encompass_notice_get_for(actor, notice_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else encompass_notices_visible(actor), notice_id)


def break_glass_get_for(actor, break_glass_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else break_glasses_visible(actor), break_glass_id)


def privacy_alert_get_for(actor, alert_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else privacy_alerts_visible(actor), alert_id)


def access_notice_get_for(actor, notice_id, *, qs: QuerySet | None = None):
    return _get(qs if qs is not None else access_notices_visible(actor), notice_id)


__all__ = [
    "child_status_record_allowed",
    "child_status_current_q",
    "child_status_is_current",
    "can",
    "flags_visible",
    "watches_visible",
    "require",
    "require_role",
    "contacts_visible",
    "enquiries_visible",
    "agency_requests_visible",
    "people_visible",
    "people_linkable",
    "agency_access_days",
    "early_help_people_until",
    "early_help_people_allowed",
    "agency_requests_people_open_q",
    "agency_request_people_until",
    "agency_request_people_allowed",
    "person_full_record_allowed",
    "chronology_entries_visible",
    "CHRONOLOGY_WORKER_SENSITIVITIES",
    "contact_amend_allowed",
    "role_combination_error",
    "role_grant_needs_approval",
    "role_grant_decidable",
    "role_grant_has_approver",
    "role_grant_manager_may_decide",
    "role_grants_decidable",
    "partnership_admin_active_exists",
    "role_grant_bootstrap_allowed",
    "role_grant_cli_approver",
    "cli_partnership_admin",
    "setting_change_deciders",
    "setting_changes_decidable",
    "feed_mapping_change_decidable",
    "setting_change_decidable",
    "mfa_reset_decidable",
    "mfa_resets_decidable",
    "does_case_work",
    "works_for_early_help_service",
    "works_for_a_school",
    "encompass_notices_visible",
    "encompass_notice_get_for",
    "work_holders_visible",
    "mash_packs_visible",
    "mash_packs_to_allocate",
    "allocations_closable",
    "routed_contacts_to_acknowledge",
    "allocation_watchers",
    "contact_viewed_as",
    "memberships_allowed",
    "memberships_choosable",
    "CANNOT_SIGN_IN_MESSAGE",
    "work_assignees_visible",
    "contact_get_for",
    "enquiry_get_for",
    "agency_request_get_for",
    "early_help_requests_visible",
    "early_help_request_get_for",
    "person_get_for",
    "people_in_clusters",
    "record_links_visible",
    "chronology_sensitivities",
    "chronology_entries_q",
    "involvement_visible",
    "CHRONOLOGY_ALL",
    "CHRONOLOGY_SENSITIVE",
    "CHRONOLOGY_STANDARD",
    "ALONE_ROLES",
    "break_glass_minutes",
    "break_glass_live_q",
    "break_glass_person_ids",
    "break_glass_forget",
    "break_glass_offered",
    "break_glasses_visible",
    "privacy_alerts_visible",
    "privacy_officers",
    "caldicott_escalation_recipients",
    "access_history_allowed",
    "access_notices_visible",
    "access_notice_owners",
    "break_glass_get_for",
    "privacy_alert_get_for",
    "access_notice_get_for",
]
