from openmash.access.actor import actor_for_user
from openmash.access.policy import can

# (key, label, url name, action the actor must be allowed): the service navigation, filtered by the policy.
NAV_ITEMS = [
    ("home", "Home", "web:home", None),
    ("contact_new", "Record a concern", "web:contact_new", "contact.create"),
    ("screening", "Screening queue", "web:screening_queue", "contact.screen"),
    ("enquiries", "Enquiries", "web:enquiry_list", "enquiry.view"),
    ("workload", "Who holds what", "web:workload", "work.take"),
    ("requests", "Information requests", "web:request_inbox", "request.inbox"),
    ("early_help", "Early help requests", "web:early_help_inbox", "early_help.inbox"),
    ("people", "Find a child", "web:person_search", "person.search"),
    # patterns across agencies (issue 8): the hub's flags and watch-list
    ("flags", "Flags", "patterns:flag_list", "flag.view"),
    ("watch_list", "Watch list", "patterns:watch_list", "flag.view"),
    # the allocated social worker's packs (the hub reaches packs from each enquiry; practitioners' review)
    ("packs", "MASH packs", "casework:pack_list", "pack.view"),
    ("matching", "Records to review", "matching:queue", "link.review"),
    ("encompass", "School notices", "web:encompass_notices", "encompass.view"),
    ("partnership", "Partnership settings", "partnership:settings", "partnership.configure"),
    ("imports", "Imports", "feeds:imports", "feed.import"),
    # information-sharing agreements (issue 7, ADR 0016): the partnership admin records them
    ("agreements", "Sharing agreements", "partnership:agreements", "agreement.manage"),
    ("tokens", "API tokens", "accounts:token_list", "token.manage"),
    # dual control: roles a partnership admin asked for, waiting for another admin or a MASH manager
    ("approvals", "Roles to approve", "partnership:approvals", "role_grant.decide"),
    ("audit", "Audit trail", "audit:trail", "audit.view"),
    # the pattern rules (partnership admin; the hub's managers read them) and the flags' disparity report
    ("rules", "Pattern rules", "patterns:rule_list", "flag.rules_view"),
    ("disparity", "Flags by group", "patterns_disparity:disparity", "flag.disparity"),
    # the privacy officer's review queue of break-glass alerts, report of views without an involvement, SAR (issue 7)
    ("privacy", "Privacy review", "oversight:review_queue", "privacy.review"),
]


def actor(request):
    if not hasattr(request, "_actor_cache"):
        resolved = getattr(request, "actor", None)  # set by openmash.core.views.actor_required
        if resolved is None:
            user = getattr(request, "user", None)
            # before the second factor nobody acts: no navigation, no name, no timeout warning (ADR 0011)
            verified = user is not None and getattr(user, "is_verified", lambda: True)()
            resolved = actor_for_user(user, membership_id=request.session.get("membership_id")) if verified else None
        request._actor_cache = resolved
    current = request._actor_cache
    nav = [
        {"key": key, "label": label, "url_name": url_name}
        for key, label, url_name, action in NAV_ITEMS
        if current is not None and (action is None or can(current, action))
    ]
    from django.conf import settings

    return {
        "actor": current,
        "nav_items": nav,
        # the GOV.UK timeout warning (web/includes/timeout_warning.html): when the idle sign-out comes, and how long
        # before it the warning opens
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "timeout_warning_seconds": min(settings.OPENMASH_TIMEOUT_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2),
    }
