"""API authentication: a bearer token (hashed at rest) or the signed-in session. Sets request.actor."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from openmash.access.actor import Actor, actor_for_user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from openmash.accounts.models import ApiToken

        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "membership__agency")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active or not api_token.membership.active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = Actor(user=api_token.user, membership=api_token.membership)
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
