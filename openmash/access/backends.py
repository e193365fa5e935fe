"""Signing in: Django's ModelBackend (password, active account) plus the one active check of openmash.access.actor.

A user whose every membership is switched off, or whose agency is deactivated, cannot act on any page, so they are
not signed in at all: `authenticate` answers None, exactly as for a wrong password or a deactivated account. The
sign-in page then says the same thing in every case (no account enumeration), Django sends `user_login_failed`
(audited as `login_failed` by openmash.audit.receivers) and django-axes counts the failure.

Sessions already open are not touched here (`get_user` is ModelBackend's): a user whose agency is deactivated
while signed in is stopped by `actor_for_user` on every page (403, audited as a denial).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from openmash.access.actor import user_may_sign_in


class ActiveMembershipBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """The user if the password is right and they may act (`user_may_sign_in`), else None."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not user_may_sign_in(user):
            return None
        return user
