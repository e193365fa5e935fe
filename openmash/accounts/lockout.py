"""Sign-in lockout rules, given to django-axes (issue 5 review, fault 5; SECURITY-TESTS AU-2; ASVS 4.0.3 2.2.1 and
ASVS 5.0 6.1.1 / 6.3.1).

Two rules, both counted by django-axes:

- **Per username and IP address** (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]): after
  OPENMASH_LOCKOUT_FAILURES (10) failed sign-ins from one address that username is locked *from that address* for
  15 minutes. There is no rule by IP address alone, so colleagues behind one shared address (a police station's
  network) cannot lock each other out, and failures against one username never lock another.
- **Per account, from any address**: once a username has had OPENMASH_LOCKOUT_ACCOUNT_FAILURES_PER_HOUR (100)
  failed sign-ins in the last hour, from however many addresses, every further attempt is refused, the right
  password included, until the hour's count falls below the cap or the partnership admin unlocks the account. The
  count comes from django-axes' AccessFailureLog (one row per failure, AXES_ENABLE_ACCESS_FAILURE_LOG).

Single sign-on (ADR 0018 addendum) is never counted by IP address alone either: Django reports a refused sign-on
callback as a failed sign-in with no username (its credentials are the sign-in's nonce and PKCE verifier), which
django-axes would count under username '' + address, locking every single sign-on user behind that address.
`not_counted` (AXES_WHITELIST_CALLABLE) tells django-axes to neither count nor check those; instead
openmash.accounts.sso counts a refusal under the OpenMASH account the provider's verified claims name, when there is
one (`sso_failure_record`), with no request data, and refuses a sign-on for an account locked by either rule.

`failure_limit` is AXES_FAILURE_LIMIT (django-axes calls it with the request and the credentials): the per-pair limit
normally, 0 while the account cap holds (then any pair, even a new address, is at or over the limit).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

ACCOUNT_WINDOW = dt.timedelta(hours=1)


def account_failures(username: str, *, now: dt.datetime | None = None) -> int:
    """Failed sign-ins for this username in the last hour, from any address (django-axes' failure log)."""
    from axes.models import AccessFailureLog

    if not username:
        return 0
    since = (now or timezone.now()) - ACCOUNT_WINDOW
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


def account_capped(username: str) -> bool:
    """True while the account-wide cap holds for this username (see the module docstring)."""
    return account_failures(username) >= settings.OPENMASH_LOCKOUT_ACCOUNT_FAILURES_PER_HOUR


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: OPENMASH_LOCKOUT_FAILURES for a username + address pair, or 0 (locked from every address)
    while the account cap holds. In: the sign-in request and the credentials django-axes passes."""
    from axes.helpers import get_client_username

    if account_capped(get_client_username(request, credentials) or ""):
        return 0
    return settings.OPENMASH_LOCKOUT_FAILURES


def not_counted(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: True for the credentials of a single sign-on callback (a ``nonce`` and no username),
    which django-axes must neither count nor check: they name no account (see the module docstring). In: the request
    and the credentials dict django-axes passes (may be None). Everything else (password, second factor, step-up,
    and the per-account count of single sign-on refusals, which passes a username) is counted as usual."""
    return isinstance(credentials, dict) and "nonce" in credentials and not credentials.get("username")


def sso_failure_record(request, username: str) -> None:
    """Count one refused single sign-on as a failed sign-in for ``username`` from the request's address (both
    lockout rules). django-axes is given a copy of the request with no query string or form data, so the callback's
    ``state`` and ``code`` are never stored in its rows. An empty username counts nothing."""
    import copy

    from axes.handlers.proxy import AxesProxyHandler
    from django.http import QueryDict

    if not username or request is None:
        return
    bare = copy.copy(request)
    bare.GET, bare.POST = QueryDict(), QueryDict()
    AxesProxyHandler.user_login_failed(sender=__name__, credentials={"username": username}, request=bare)


def sso_locked(request, username: str) -> bool:
    """True if ``username`` may not sign in from the request's address now, by either lockout rule (django-axes)."""
    from axes.handlers.proxy import AxesProxyHandler

    if not settings.AXES_ENABLED or not username:
        return False
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames are locked now, by either rule (for the partnership admin's pages)."""
    from axes.models import AccessAttempt

    names = [u for u in usernames if u]
    pair = set(
        AccessAttempt.objects.filter(
            username__in=names, failures_since_start__gte=settings.OPENMASH_LOCKOUT_FAILURES
        ).values_list("username", flat=True)
    )
    return pair | {u for u in names if u not in pair and account_capped(u)}


def lockout_clear(username: str) -> int:
    """Lift both rules for a username: its django-axes attempts and its failure log (the audit trail keeps every
    failed sign-in as `login_failed`). Returns the number of rows cleared."""
    from axes.models import AccessFailureLog
    from axes.utils import reset

    cleared = reset(username=username)
    deleted, _ = AccessFailureLog.objects.filter(username=username).delete()
    return cleared + deleted


def locked_accounts() -> list[str]:
    """Every username locked now, by either rule, sorted (for the partnership admin's home page). Only usernames with
    a recorded failure are looked at, so it stays cheap."""
    from axes.models import AccessAttempt, AccessFailureLog

    since = timezone.now() - ACCOUNT_WINDOW
    names = set(AccessAttempt.objects.values_list("username", flat=True).distinct())
    names |= set(AccessFailureLog.objects.filter(attempt_time__gte=since).values_list("username", flat=True).distinct())
    return sorted(locked_usernames(names))
