"""The search rate limit (SECURITY-TESTS.md PF-2, anti-scraping): past OPENMASH_SEARCH_RATE_PER_MINUTE searches in
any 60 seconds a user's searches are refused (API 429 with Retry-After, a "too many searches" page), each refusal
is audited (``search_limited``) and, on the first refusal of a burst, every hub manager gets an in-app alert.

Why the audit trail is the counter: every search already writes one ``search`` event in its own transaction, so
counting the user's events of the last minute (one seek on the ``(actor_user_id, action, at)`` index) is exact,
needs no cache server, and is the same number for every gunicorn worker on SQLite and PostgreSQL alike (the
project's cache is per-process local memory, where django-ratelimit would count each worker separately; a
database cache table would add a second write per search and a table to create). Two searches racing at the
limit may both pass: the limit can be exceeded by the number of a user's concurrent requests, never more.

The alert carries no personal data: the searcher's role and agency, the limit and the time; the auditor finds who
in the trail (action ``search_limited``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openmash.audit.services import audit_count_recent, audit_record
from openmash.core.exceptions import RateLimited
from openmash.core.text import datetime_long

WINDOW_SECONDS = 60
LIMITED_ACTION = "search_limited"
LIMITED_MESSAGE = "You have made too many searches in a short time. Wait a minute, then search again."


def search_rate_limit() -> int:
    """Searches allowed per user per minute (0: no limit). From OPENMASH_SEARCH_RATE_PER_MINUTE."""
    return max(int(getattr(settings, "OPENMASH_SEARCH_RATE_PER_MINUTE", 0) or 0), 0)


def search_rate_check(actor) -> None:
    """Refuse the actor's search when they already searched the limit's number of times in the last minute.

    Call before searching and outside the search's own transaction: the refusal's audit event and the managers'
    alert are committed here, before RateLimited is raised. Raises RateLimited (status 429, ``retry_after``
    seconds). Returns None when the search may go ahead."""
    remaining = search_rate_remaining(actor)
    if remaining is None or remaining > 0:
        return
    search_rate_refuse(actor)


def search_rate_remaining(actor) -> int | None:
    """How many more searches the actor may make now (never below 0), or None when there is no limit. For a batch of
    lookups (matching.candidates.intake_candidates_many), which counts each lookup against the limit before running
    it (attacker review 2026-11, finding 5: one check per batch let 30 lookups run past the limit)."""
    limit = search_rate_limit()
    if not limit or actor is None:
        return None
    return max(limit - audit_count_recent(user_id=actor.user.pk, action="search", seconds=WINDOW_SECONDS), 0)


def search_rate_refuse(actor) -> None:
    """Refuse a search past the limit: the ``search_limited`` audit event (and, on the first refusal of a burst,
    the managers' alert) committed here, then RateLimited raised. Call outside any transaction a refusal rolls back."""
    limit = search_rate_limit()
    user_id = actor.user.pk
    with transaction.atomic():
        first_of_burst = audit_count_recent(user_id=user_id, action=LIMITED_ACTION, seconds=WINDOW_SECONDS) == 0
        audit_record(
            actor=actor,
            action=LIMITED_ACTION,
            object_type="people.person",
            detail={"limit": limit, "window_seconds": WINDOW_SECONDS, "alerted": first_of_burst},
        )
        if first_of_burst:
            _alert_managers(actor, limit)
    raise RateLimited(LIMITED_MESSAGE, retry_after=WINDOW_SECONDS)


def _alert_managers(actor, limit: int) -> None:
    from openmash.access.policy import memberships_allowed
    from openmash.enquiries.services import notification_send

    when = datetime_long(timezone.now())
    role = actor.membership.get_role_display()
    message = (
        f"Search limit reached on {when}: a user ({role}, {actor.agency.name}) made over {limit} searches in a "
        "minute and was paused. The auditor can see who (search_limited)."
    )
    managers = {m.user_id: m.user for m in memberships_allowed("enquiry.decide").select_related("user")}
    for user in managers.values():
        notification_send(user=user, contact=None, message=message)


__all__ = [
    "LIMITED_ACTION",
    "LIMITED_MESSAGE",
    "WINDOW_SECONDS",
    "search_rate_check",
    "search_rate_limit",
    "search_rate_refuse",
    "search_rate_remaining",
]
