"""Helpers shared by page views: resolve the actor once per request."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import render

from openmash.access.actor import actor_for_user
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied


def actor_required(view):
    """Anonymous: to the sign-in page. Signed in without an active membership: 403. Sets request.actor and maps
    NotFound to 404, PermissionDenied to 403 (the role page) and a Conflict the view lets through to 409, a page
    that gives the Conflict's own message: the record's state, not the user's role, is why (practitioner review:
    a screened contact is not 'your role does not allow this')."""

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
        except Conflict as exc:
            return render(request, "409.html", {"message": exc.message, "actor": request.actor}, status=409)

    return wrapper
