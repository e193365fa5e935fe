"""Absolute links to the site for someone outside a request: the command line's set-password links and the password
reset email. One place builds them, from the configured site address (OPENMASH_BASE_URL), never from a request's
Host header. A link carries only a path the caller made: never personal data (no name, username or email)."""

from __future__ import annotations

from django.conf import settings

from openmash.core.exceptions import ValidationFailed

BASE_URL_MISSING = (
    "Set OPENMASH_BASE_URL to the site's address (for example https://mash.example.gov.uk), or give --base-url"
)


def site_base_url(base_url: str = "") -> str:
    """The site's address without a trailing slash: `base_url` if given (a command's --base-url), otherwise the
    OPENMASH_BASE_URL setting (demo and debug: http://127.0.0.1:8000). Raises ValidationFailed when neither is set or
    the address is not http(s)://host."""
    base = (base_url or getattr(settings, "OPENMASH_BASE_URL", "") or "").strip().rstrip("/")
    if not base:
        raise ValidationFailed(BASE_URL_MISSING)
    if not base.startswith(("https://", "http://")) or base.endswith("://"):
        raise ValidationFailed(f"The site's address must start with https:// (or http://), not {base!r}")
    return base


def site_url(path: str, *, base_url: str = "") -> str:
    """An absolute URL for `path` (which starts with "/"): site_base_url(base_url) + path. Raises ValidationFailed
    as site_base_url does."""
    if not path.startswith("/"):
        raise ValueError("site_url needs a path that starts with /")
    return site_base_url(base_url) + path
