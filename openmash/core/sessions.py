"""The absolute session timeout (issue 5 review, fault 10; SECURITY-TESTS AU-4; ASVS 7.3.2 / 4.0.3 3.3.2 at L3).

A session ends after OPENMASH_SESSION_IDLE_SECONDS (15 minutes) without a request (SESSION_COOKIE_AGE with
SESSION_SAVE_EVERY_REQUEST) and, however busy, OPENMASH_SESSION_ABSOLUTE_SECONDS (12 hours) after the sign-in.
The sign-in time is stamped into the session when Django signs the user in (`session_stamp`, on user_logged_in);
`SessionAbsoluteTimeoutMiddleware` ends a session that is older, or that carries no stamp, on its next request:
the session is flushed, a `session_expired` audit event is written (and Django's `logout` one), and the request
goes on as anonymous (pages send the user to sign in, the API answers 401).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

SIGNED_IN_AT = "openmash_signed_in_at"


def session_stamp(sender, request, user, **kwargs) -> None:
    """user_logged_in: remember when this session signed in (seconds since the epoch)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


def session_too_old(session, *, now: float | None = None) -> bool:
    """True if the session carries no sign-in time or signed in the absolute limit ago or longer."""
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, (int, float)) or isinstance(started, bool):
        return True
    return (now if now is not None else time.time()) - started >= settings.OPENMASH_SESSION_ABSOLUTE_SECONDS


class SessionAbsoluteTimeoutMiddleware:
    """After AuthenticationMiddleware: ends a signed-in session past the absolute limit before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_too_old(request.session):
            from openmash.audit.services import audit_record

            audit_record(
                actor=None,
                user=user,
                action="session_expired",
                object_type="accounts.user",
                object_id=str(user.pk),
                detail={"rule": "absolute", "seconds": settings.OPENMASH_SESSION_ABSOLUTE_SECONDS},
            )
            logout(request)  # flushes the session; request.user becomes anonymous
        return self.get_response(request)


def sessions_end_for_users(user_ids) -> int:
    """Delete, server-side, every live web session signed in as one of `user_ids` (issue 6 security review: a
    deactivated user's or agency's sessions must not come back on reactivation; ASVS 5.0 7.4.2). Their next request
    is anonymous: pages send them to sign in, the API answers 401; a reactivated user signs in again.

    In: user ids (ints or strings). Out: how many sessions were deleted. Reads the sessions not yet expired from the
    database session store (SESSION_ENGINE's model), one pass; a session that cannot be decoded is left to expire.
    Call inside the deactivation's transaction, so a refused deactivation signs nobody out."""
    from importlib import import_module

    wanted = {str(i) for i in user_ids}
    if not wanted:
        return 0
    model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    ended = []
    live = model.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    for row in live.iterator(chunk_size=500):
        if str(row.get_decoded().get(SESSION_KEY, "")) in wanted:
            ended.append(row.session_key)
    if ended:
        model.objects.filter(session_key__in=ended).delete()
    return len(ended)
