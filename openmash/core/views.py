"""Helpers shared by page views: resolve the actor once per request."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from openmash.access.actor import actor_for_user
from openmash.core.exceptions import NotFound, PermissionDenied


def actor_required(view):
    """Anonymous: to the sign-in page. Signed in without an active membership: 403. Sets request.actor and maps
    NotFound to 404 and PermissionDenied to 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.actor = actor_for_user(request.user, membership_id=request.session.get("membership_id"))
        if request.actor is None:
            raise DjangoPermissionDenied("No active membership")
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper
