"""Partnership administration pages for accounts: the API tokens list and revoking a token (issue 5, fault 3).

Only the partnership admin (`token.manage` in openmash/access/policy.py) may use them; every list and revocation
is audited by the services in openmash/accounts/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.actor import membership_is_active
from openmash.access.policy import require
from openmash.accounts import services
from openmash.core.views import actor_required


def _row(token, now) -> dict:
    status = token.status_at(now)
    if status == "active" and not membership_is_active(token.membership):
        status = "inactive"  # the user, membership or agency was deactivated: the token does not work
    return {"token": token, "status": status}


@require_safe
@actor_required
def token_list(request):
    """Every API token: prefix, who and where it acts as, created, expires, last used, status."""
    require(request.actor, "token.manage")
    now = timezone.now()
    page = services.tokens_page(actor=request.actor, page=request.GET.get("page", 1))
    rows = [_row(t, now) for t in page.object_list]
    return render(request, "accounts/token_list.html", {"rows": rows, "page": page, "nav_active": "tokens"})


@require_http_methods(["GET", "POST"])
@actor_required
def token_revoke(request, token_id):
    """GET: the confirmation page. POST: revoke, then back to the list with a success banner."""
    require(request.actor, "token.manage")
    if request.method == "POST":
        token, revoked_now = services.token_revoke(actor=request.actor, key=str(token_id))
        if revoked_now:
            messages.success(request, f"Token {token.prefix} has been revoked. It no longer works.")
        else:
            messages.info(request, f"Token {token.prefix} was already revoked.")
        return redirect("accounts:token_list")
    token = services.token_view(actor=request.actor, key=str(token_id))  # audited: the page names its owner
    return render(request, "accounts/token_revoke.html", {"row": _row(token, timezone.now()), "nav_active": "tokens"})
