"""Signing in and out, failed sign-ins and lockouts, each written to the audit trail.

Django sends user_logged_in / user_logged_out / user_login_failed; django-axes sends user_locked_out. A failed
sign-in records the username attempted (cleaned and cut to 150 characters) and never the password: Django
passes the credentials with the password masked, and only the username is read from them.
"""

from __future__ import annotations

import unicodedata

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from openmash.audit.services import audit_record

AUTH_OBJECT = "accounts.user"


def _attempted(username) -> str:
    """The username someone typed, safe to store: a string, no control or invisible characters, 150 at most."""
    text = str(username or "")
    return "".join(ch for ch in text if ch.isprintable() and unicodedata.category(ch) != "Cf")[:150]


def _actor(user):
    from openmash.access.actor import actor_for_user

    return actor_for_user(user)


@receiver(user_logged_in, dispatch_uid="openmash_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=_actor(user), user=user, action="login", object_type=AUTH_OBJECT, object_id=str(user.pk))


@receiver(user_logged_out, dispatch_uid="openmash_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None:  # the session had already ended
        return
    audit_record(actor=_actor(user), user=user, action="logout", object_type=AUTH_OBJECT, object_id=str(user.pk))


@receiver(user_login_failed, dispatch_uid="openmash_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(actor=None, action="login_failed", username=_attempted(credentials.get("username")))


@receiver(user_locked_out, dispatch_uid="openmash_audit_lockout")
def audit_lockout(sender, request=None, username=None, **kwargs):
    audit_record(actor=None, action="lockout", username=_attempted(username))
