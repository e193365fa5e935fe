"""The one-time set-password page a new user (or one whose password was reset by the partnership admin) opens.

Django's PasswordResetConfirmView does the work: the token in the link is bound to the account's password hash
and login time, so it stops working once used, when a newer link is issued, or after PASSWORD_RESET_TIMEOUT. The
view moves the token out of the URL into the session before showing the form (no token in the Referer or logs).
"""

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.urls import path, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from openmash.audit.services import audit_record


@method_decorator(require_http_methods(["GET", "HEAD", "POST"]), name="dispatch")  # OPTIONS, PUT...: 405
class SetPasswordView(PasswordResetConfirmView):
    """GET shows the GOV.UK form (or "this link has expired"); POST sets the password (AUTH_PASSWORD_VALIDATORS
    apply), records the event in the audit trail and sends the user to sign in."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("web:login")
    post_reset_login = False

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(actor=None, username=self.user.username, action="set_password", obj=self.user)
        messages.success(self.request, "Your password has been set. Sign in with it now.")
        return response


app_name = "setpassword"
urlpatterns = [path("<uidb64>/<token>/", SetPasswordView.as_view(), name="confirm")]
