"""API authentication: a bearer token (hashed at rest) or the signed-in session. Sets request.actor.

A bearer token that exists but is refused (revoked, expired, or its user, membership or agency deactivated) answers
401 and writes a `token_refused` audit event naming the token's row, its owner and the reason, never the token
(issue 5 review, fault 10). A token that matches nothing answers 401 and writes nothing (tests/test_api_auth.py):
there is no account to attribute it to, and anonymous junk must not fill the trail. The OpenAPI document and the
interactive docs need the same sign-in (`api_docs_required`): the API is internal to the partnership (ASVS 13.4.5,
SECURITY-TESTS section 1).
"""

from __future__ import annotations

import functools

from django.http import JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from openmash.access.actor import actor_for_token, actor_for_user, token_refusal_reason
from openmash.audit.services import audit_record


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from openmash.accounts.models import ApiToken

        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "membership__agency", "membership__user")
            .filter(key_hash=ApiToken.hash(token))
            .first()
        )
        # The same active check as a web session (user, membership, agency), plus revocation and expiry.
        actor = actor_for_token(api_token)
        if actor is None:
            if api_token is not None:
                _audit_refused(api_token)
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = actor
        return request.actor


class ActorSessionAuth(SessionAuth):
    def _get_key(self, request):
        """The session cookie, after the CSRF check: but a request that sent a bearer token, or no session cookie at
        all, is not a session request (no key; nothing for CSRF to protect), so a refused token answers 401, not
        403 "CSRF check Failed" (attacker review 2026-12, finding G)."""
        if request.headers.get("Authorization") or self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key is None:
            return None
        user = super().authenticate(request, key)
        if user is None:
            return None
        actor = actor_for_user(user, membership_id=request.session.get("membership_id"))
        if actor is None:
            return None
        request.actor = actor
        return actor


api_auth = [TokenAuth(), ActorSessionAuth()]


def _audit_refused(api_token) -> None:
    """A refused bearer token, in the audit trail: the token's row and owner, and why."""
    audit_record(
        actor=None,
        user=api_token.user,
        action="token_refused",
        obj=api_token,
        detail={"reason": token_refusal_reason(api_token)},
    )


def api_docs_required(view):
    """NinjaAPI(docs_decorator=...): the OpenAPI document and the docs answer only a signed-in actor (an active
    session or bearer token, checked as for every operation), else 401 in the API's error shape."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        for auth in api_auth:
            if auth(request) is not None:
                return view(request, *args, **kwargs)
        return JsonResponse({"detail": "Authentication required"}, status=401)

    return wrapped
