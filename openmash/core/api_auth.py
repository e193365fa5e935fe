"""API authentication: a bearer token (hashed at rest) or the signed-in session. Sets request.actor."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from openmash.access.actor import actor_for_token, actor_for_user


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
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = actor
        return request.actor


class ActorSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        actor = actor_for_user(user, membership_id=request.session.get("membership_id"))
        if actor is None:
            return None
        request.actor = actor
        return actor


api_auth = [TokenAuth(), ActorSessionAuth()]
