"""The second-factor pages and the user's own account page, under /account/ (ADR 0011)."""

from django.urls import path

from openmash.accounts import mfa_views as views

app_name = "mfa"

urlpatterns = [
    # open to a session signed in with its password only (openmash.accounts.mfa_middleware.OPEN_PATHS)
    path("verify/", views.verify, name="verify"),
    path("verify/security-key/options/", views.verify_key_options, name="verify_key_options"),
    path("verify/security-key/", views.verify_key, name="verify_key"),
    path("enrol/", views.enrol, name="enrol"),
    # a verified session only
    path("", views.account, name="account"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security-keys/options/", views.key_add_options, name="key_add_options"),
    path("security-keys/add/", views.key_add, name="key_add"),
    path("security-keys/remove/", views.key_remove, name="key_remove"),
    path("sessions/end/", views.session_end, name="session_end"),
]
