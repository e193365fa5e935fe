"""Signing in through the real pages in the browser tests: the password, then the second factor (ADR 0011).

`sign_in_with_code(page, username, password)` fills the sign-in page (already open) and then types the user's
current authenticator-app code on the second-factor page, computed with django-otp's TOTP from the user's device
(made for them first if they have none: a user made by a test has not enrolled). `totp_from_key(text)` computes
the code an app would show for a key typed from the enrolment page.
"""

from __future__ import annotations

import base64
import re
import time

from playwright.sync_api import expect


def mfa_device_ready(username: str):
    """The user's confirmed authenticator-app device (made if they have none), as if they had enrolled."""
    from openmash.accounts.mfa import totp_device_ensure
    from openmash.accounts.models import User

    return totp_device_ensure(User.objects.get(username=username))


def second_factor(page, username: str) -> None:
    """On the second-factor page: type the code the user's app shows now and continue."""
    from conftest import totp_code_for
    from openmash.accounts.models import User

    expect(page).to_have_url(re.compile(r"/account/verify/"))
    page.get_by_label("Security code").fill(totp_code_for(User.objects.get(username=username)))
    page.get_by_test_id("verify-code").click()


def sign_in_with_code(page, username: str, password: str) -> None:
    """On the sign-in page: username, password, then the second factor's code."""
    mfa_device_ready(username)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_test_id("sign-in").click()
    second_factor(page, username)


def totp_from_key(key_text: str, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for a key as the enrolment page writes it (base32 in groups)."""
    from django_otp.oath import TOTP

    key = key_text.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return str(totp.token()).zfill(6)
