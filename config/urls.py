from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("partnership/", include("openmash.partnership.urls")),
    path("account/set-password/", include("openmash.accounts.set_password")),
    path("audit/", include("openmash.audit.urls")),
    path("admin/", include("openmash.accounts.urls")),
    path("", include("openmash.casework.urls")),
    path("", include("openmash.web.urls")),
]
