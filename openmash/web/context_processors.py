from openmash.access.actor import actor_for_user


def actor(request):
    if not hasattr(request, "_actor_cache"):
        user = getattr(request, "user", None)
        request._actor_cache = (
            actor_for_user(user, membership_id=request.session.get("membership_id")) if user is not None else None
        )
    return {"actor": request._actor_cache}
