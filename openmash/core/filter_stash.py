"""Short-lived server-side filter ids: a filter form that takes an identifier or a name (an NHS number, a
username, a person's or a member of staff's name) posts, the values are kept in the user's server-side session
under a random id, and the page's URL (and every link made from it: pages, CSV export) carries only `?f=<id>`.
No identifier goes in a URL, a browser history, a Referer header or an access log (ASVS 5.0 14.2.1; issue 6
security review). An id lives as long as the session (15 minutes idle, 12 hours at most) and only the session's
own user can use it; at most MAX_PER_NAMESPACE ids are kept per page, the oldest dropped first.
"""

from __future__ import annotations

import secrets

from django.http import QueryDict

MAX_PER_NAMESPACE = 20


def _key(namespace: str) -> str:
    return f"filters:{namespace}"


def filter_stash(request, namespace: str, data: QueryDict, keys) -> str:
    """Keep the values of `keys` from `data` (a POST QueryDict) in the session under a new random id and return it
    (22 URL-safe characters). `namespace` names the page (e.g. "audit"), so ids of one page do not work on
    another."""
    stored = dict(request.session.get(_key(namespace), {}))
    fid = secrets.token_urlsafe(16)
    stored[fid] = {k: data.getlist(k) for k in keys if any(v.strip() for v in data.getlist(k))}
    while len(stored) > MAX_PER_NAMESPACE:
        stored.pop(next(iter(stored)))
    request.session[_key(namespace)] = stored
    return fid


def filter_get(request, namespace: str, fid: str | None) -> QueryDict | None:
    """The filter values kept under `fid` as a QueryDict (bind a form with it), or None when there is no such id in
    this user's session (never made, another user's, or the session ended)."""
    if not fid:
        return None
    values = request.session.get(_key(namespace), {}).get(fid)
    if values is None:
        return None
    query = QueryDict(mutable=True)
    for key, items in values.items():
        query.setlist(key, items)
    return query
