"""Signing in and out, failed sign-ins and lockouts, each written to the audit trail.

Django sends user_logged_in / user_logged_out / user_login_failed; django-axes sends user_locked_out. A failed
sign-in (and a lockout) records the username attempted only when it is an existing account's username; anything
else (a password typed into the username box, a mistyped name) is stored as a keyed hash, `unknown:<HMAC-SHA256
with the secret key, 32 hex digits>`, so the append-only trail never keeps what was typed but repeated attempts
with the same text still correlate (issue 6 security review; ASVS 5.0 16.2.5, log by protection level). The
password is never read: Django passes the credentials with it masked.
"""

from __future__ import annotations

import unicodedata

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from openmash.audit.services import audit_record

AUTH_OBJECT = "accounts.user"


def _cleaned(username) -> str:
    """The username someone typed as a string, no control or invisible characters, 150 at most."""
    text = str(username or "")
    return "".join(ch for ch in text if ch.isprintable() and unicodedata.category(ch) != "Cf")[:150]


def _attempted(username) -> str:
    """What the trail keeps of a username typed at sign-in: the account's username when one has exactly that
    username (cleaned as above), otherwise `unknown:` and a keyed hash of the raw text (salted_hmac with
    SECRET_KEY, SHA-256, the first 32 hex digits), never the text itself. Empty text stays empty."""
    from openmash.accounts.models import User

    raw = str(username or "")
    if not raw:
        return ""
    cleaned = _cleaned(raw)
    if cleaned == raw and User.objects.filter(username=cleaned).exists():
        return cleaned
    digest = salted_hmac("openmash.audit.login_failed", raw, algorithm="sha256").hexdigest()[:32]
    return f"unknown:{digest}"


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
