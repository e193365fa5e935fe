"""The absolute session timeout (issue 5 review, fault 10; SECURITY-TESTS AU-4; ASVS 7.3.2 / 4.0.3 3.3.2 at L3).

A session ends after OPENMASH_SESSION_IDLE_SECONDS (15 minutes) without a request (SESSION_COOKIE_AGE with
SESSION_SAVE_EVERY_REQUEST) and, however busy, OPENMASH_SESSION_ABSOLUTE_SECONDS (12 hours) after the sign-in.
The sign-in time is stamped into the session when Django signs the user in (`session_stamp`, on user_logged_in);
`SessionAbsoluteTimeoutMiddleware` ends a session that is older, or that carries no stamp, on its next request:
the session is flushed, a `session_expired` audit event is written (and Django's `logout` one), and the request
goes on as anonymous (pages send the user to sign in, the API answers 401).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

SIGNED_IN_AT = "openmash_signed_in_at"
#: the browser and system the session signed in from, shortened ("Firefox on Windows"): the user's sessions list
DEVICE = "openmash_device"


def session_stamp(sender, request, user, **kwargs) -> None:
    """user_logged_in: remember when this session signed in (seconds since the epoch) and from what browser (the
    User-Agent header shortened by `user_agent_short`; never the header itself)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
        request.session[DEVICE] = user_agent_short(request.headers.get("User-Agent", ""))


_BROWSERS = (  # (token in the User-Agent, name), the first found wins: Edge and Opera say "Chrome" too
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def user_agent_short(header: str) -> str:
    """A User-Agent header in a few words: "<browser> on <system>" ("Chrome on Windows", "Safari on iPhone"), or
    "Unknown browser" / "... on an unknown system". Only these fixed words come out, never the header's text."""
    text = str(header or "")[:512]
    browser = next((name for token, name in _BROWSERS if token in text), "")
    system = next((name for token, name in _SYSTEMS if token in text), "")
    if not browser and not system:
        return "Unknown browser"
    return f"{browser or 'Unknown browser'} on {system or 'an unknown system'}"


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


def session_public_id(session_key: str) -> str:
    """The id a session is shown under on the user's account page: a keyed hash of its key (salted_hmac with
    SECRET_KEY, SHA-256, 32 hex digits). The session key itself is a credential and never leaves the cookie."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("openmash.core.sessions.public_id", session_key or "", algorithm="sha256").hexdigest()[:32]


@dataclass(frozen=True)
class SessionInfo:
    """One live session of a user, as listed on their account page. `started` and `last_seen` are aware datetimes
    (UTC); `last_seen` is the last request (the idle expiry less SESSION_COOKIE_AGE); `verified` is whether it has
    passed its second factor."""

    public_id: str
    started: dt.datetime | None
    last_seen: dt.datetime
    device: str
    current: bool
    verified: bool


def _live_sessions_of(user_id):
    """(row, decoded data) for every live database session signed in as `user_id` (one pass, as
    sessions_end_for_users)."""
    from importlib import import_module

    model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    live = model.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data", "expire_date")
    for row in live.iterator(chunk_size=500):
        data = row.get_decoded()
        if str(data.get(SESSION_KEY, "")) == str(user_id):
            yield row, data


def sessions_for_user(user_id, *, current_key: str | None = None) -> list[SessionInfo]:
    """The user's live sessions, most recently used first; `current_key` marks the one making the request."""
    from django_otp import DEVICE_ID_SESSION_KEY

    rows = []
    for row, data in _live_sessions_of(user_id):
        started = data.get(SIGNED_IN_AT)
        rows.append(
            SessionInfo(
                public_id=session_public_id(row.session_key),
                started=dt.datetime.fromtimestamp(started, tz=dt.UTC) if isinstance(started, (int, float)) else None,
                last_seen=row.expire_date - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
                device=str(data.get(DEVICE) or "Unknown browser"),
                current=row.session_key == current_key,
                verified=bool(data.get(DEVICE_ID_SESSION_KEY)),
            )
        )
    return sorted(rows, key=lambda r: r.last_seen, reverse=True)


def session_end_for_user(user_id, public_id: str) -> bool:
    """End (delete server-side) the live session of `user_id` shown as `public_id`. False if there is none (ended
    already, or not theirs)."""
    if not public_id:
        return False
    for row, _data in _live_sessions_of(user_id):
        if session_public_id(row.session_key) == public_id:
            type(row).objects.filter(session_key=row.session_key).delete()
            return True
    return False
