"""No page and no API call before the second factor (ADR 0011; SECURITY-TESTS AU-1; ASVS 5.0 6.3.3).

`MfaRequiredMiddleware` comes after AuthenticationMiddleware and django-otp's OTPMiddleware. For a session signed
in with its password but not yet through its second factor (`request.user.is_verified()` false):

- the sign-in page, the second-factor and enrolment pages, sign-out and static files are let through (OPEN_PATHS);
- an API call is answered as if no one were signed in: the session does not count (`request.user` is made
  anonymous), so the API answers 401 unless a bearer token is given;
- every other page redirects to the second-factor step, keeping where the user was going in `next`.

API bearer tokens are machine credentials, created by a partnership admin who has passed their own second factor
(the tokens page is behind this middleware too): they are outside MFA and keep working.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse

#: Path prefixes an unverified session may reach. Nothing here shows personal data.
OPEN_PATHS = (
    "/login/",
    "/logout/",
    "/account/verify/",
    "/account/enrol/",
    "/account/set-password/",
    "/sso/",  # optional single sign-on: the provider vouches for the second factor (openmash.accounts.sso)
    "/static/",
)


def is_open_path(path: str) -> bool:
    return path.startswith(OPEN_PATHS)


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and not is_open_path(request.path):
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()  # the session is not a sign-in yet: a bearer token still works
            else:
                target = reverse("mfa:verify")
                if request.method in ("GET", "HEAD"):
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return self.get_response(request)
