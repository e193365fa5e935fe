from django.urls import include, path
from django.views.decorators.http import require_safe

from config.api import api


def _api_urls():
    """django-ninja's routes. Its own pages (the OpenAPI document, docs, the root) answer any method: make them
    GET/HEAD only, as every other page (fault 16 of issue 5). The operations answer only their own methods."""
    patterns, app_name, namespace = api.urls
    for p in patterns:
        if p.name in ("openapi-json", "openapi-view", "api-root"):
            p.callback = require_safe(p.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/", _api_urls()),
    path("partnership/", include("openmash.feeds.urls")),
    path("partnership/", include("openmash.partnership.urls")),
    path("account/set-password/", include("openmash.accounts.set_password")),
    path("account/step-up/", include("openmash.accounts.stepup")),
    path("account/", include("openmash.accounts.mfa_urls")),
    path("sso/", include("openmash.accounts.sso")),
    path("audit/", include("openmash.audit.urls")),
    path("admin/", include("openmash.accounts.urls")),
    path("", include("openmash.casework.urls")),
    path("", include("openmash.sharing.urls")),
    path("", include("openmash.messaging.urls")),
    path("", include("openmash.matching.urls")),
    path("", include("openmash.oversight.urls")),
    path("", include("openmash.patterns.urls_disparity")),
    path("", include("openmash.patterns.urls")),
    path("", include("openmash.web.urls")),
]
