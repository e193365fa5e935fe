"""The auditor's view of the audit trail: filters, names instead of ids, pages, CSV export (each itself audited).

Filters are a query string (practitioners' review: a filtered view could not be bookmarked, and
`/audit/?contact=C-...` silently showed everything): `contact` (a contact reference), `agency` (a code), `action`,
`date_from_day/_month/_year` and `date_to_...`, `object_id` (a record's UUID, from "All events for this record")
and `request` (a request id, from the Request column) are read from the URL, so a view can be bookmarked and shared.
The two filters that name a person, `person` (an NHS number) and `user` (a username), never go in a URL (issue 6
security review; ASVS 5.0 14.2.1): the form posts, and those two are kept server-side under a short-lived id
(core.filter_stash) that the URL carries as `f=<id>` beside the other filters. A query string with anything else,
including `person` or `user` typed into the address, or a bad value, shows the GOV.UK error summary: no filter is
silently ignored."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.audit import selectors
from openmash.audit.export import csv_rows
from openmash.audit.forms import AuditFilterForm, action_label
from openmash.audit.services import audit_record
from openmash.core.filter_stash import filter_get, filter_stash
from openmash.core.views import actor_required

PAGE_SIZE = 50
#: Filters that may travel in the query string (no personal data: references, codes, dates, record ids).
URL_KEYS = {"contact", "agency", "action"} | {f"date_{e}_{p}" for e in ("from", "to") for p in ("day", "month", "year")}
#: Filters that name a person: kept server-side under ?f=<id>, never in a URL.
STASHED_KEYS = {"person": "an NHS number or person record", "user": "a username"}
#: Query keys that are not form fields: the stash id, a record, a request, and the page cursors.
LINK_KEYS = {"f", "object_id", "request", "before", "after"}
_FILTER_KEYS = URL_KEYS | set(STASHED_KEYS)
STASH = "audit"


def _form(request) -> AuditFilterForm:
    """The filter form: bound to the POSTed form; or to the query string's filters (URL_KEYS) with the person and
    user filters kept under ?f=<id> (core.filter_stash); unbound when there is no filter (the whole trail). A query
    key that is not a filter, `person` or `user` in the query string, or an unknown or expired ?f= id, is a
    form-level error (the error summary), never silently ignored."""
    agencies = selectors.agencies_list(actor=request.actor)
    if request.method == "POST":
        return AuditFilterForm(request.POST, agencies=agencies)
    data = QueryDict(mutable=True)
    problems = []
    fid = request.GET.get("f", "")
    stashed = filter_get(request, STASH, fid)
    if fid and stashed is None:
        problems.append("Those person or username filters have expired: enter them in the form again")
    for key in stashed or {}:
        data.setlist(key, stashed.getlist(key))
    for key in request.GET:
        if key in URL_KEYS:
            data.setlist(key, request.GET.getlist(key))
        elif key in STASHED_KEYS:
            problems.append(
                f"Filter by {STASHED_KEYS[key]} with the form below: it is never put in the page's address"
            )
        elif key not in LINK_KEYS:
            problems.append(f"'{key[:40]}' is not a filter of the audit trail: use the form below")
    if request.GET.get("request") and not _REQUEST_ID.fullmatch(request.GET["request"]):
        problems.append("The request id must be the id shown in the Request column")
    if not data and not problems:
        return AuditFilterForm(None, agencies=agencies)
    form = AuditFilterForm(data, agencies=agencies)
    if problems:
        form.is_valid()
        for problem in problems:
            form.add_error(None, problem)
    return form


_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def _trail_url(post) -> QueryDict:
    """Where a valid POSTed filter form leads: the trail with its filters in the query string, the person and user
    filters (if any) kept server-side under f=<id>."""
    query = QueryDict(mutable=True)
    for key in sorted(URL_KEYS):
        values = [v for v in post.getlist(key) if v.strip()]
        if values:
            query.setlist(key, values)
    if any(v.strip() for k in STASHED_KEYS for v in post.getlist(k)):
        query["f"] = None  # placeholder, filled by the caller
    return query


def _search(request, form):
    """(queryset or None when the filters are invalid, audit detail). The detail holds filter names, codes and
    record ids only: never an NHS number, a username or a name typed in."""
    if form.is_bound and not form.is_valid():
        return None, {"filters": "invalid"}
    filters = form.filters() if form.is_bound else {}
    object_id = request.GET.get("object_id", "").strip()[:64]  # links to one record's events
    if object_id:
        filters["object_id"] = object_id
    request_id = request.GET.get("request", "").strip()[:64]  # links to one request's events
    if request_id:
        filters["request_id"] = request_id
    used = sorted(k for k, v in filters.items() if v)
    detail: dict = {"filters": used}
    if filters.get("person_id") or filters.get("nhs_number"):
        detail["person_ids"] = selectors.person_ids_for(
            actor=request.actor, person_id=filters.get("person_id", ""), nhs_number=filters.get("nhs_number", "")
        )[:20]
    for key in ("agency_code", "action", "contact_reference", "object_id", "request_id"):
        if filters.get(key):
            detail[key] = filters[key]
    return selectors.audit_event_search(actor=request.actor, **filters), detail


def _page(request, form, qs, detail):
    """Render one page of the trail and audit the viewing (call inside a transaction). Paged by event id
    (?before= / ?after=), so a page deep in a million events costs what the first does; the matching events are
    counted (up to selectors.COUNT_CAP) only when filters are used: the size of the whole trail is not shown."""
    filtered = bool(detail.get("filters"))
    if qs is None:
        page = selectors.TrailPage(events=[], older=None, newer=None, matching=0)
    else:
        page = selectors.audit_trail_page(
            actor=request.actor,
            qs=qs,
            before=request.GET.get("before"),
            after=request.GET.get("after"),
            size=PAGE_SIZE,
            count=filtered,
        )
    events = page.events
    labels = selectors.audit_labels(actor=request.actor, events=events)
    rows = [
        {
            "e": e,
            "at": timezone.localtime(e.at),
            "user": labels["users"].get(e.actor_user_id, ""),
            "agency": labels["agencies"].get(e.agency_code, e.agency_code),
            "action": action_label(e.action, e.object_type),
            "record": labels["records"].get((e.object_type, e.object_id), ""),
            "no_role": _no_role_reason(e),
        }
        for e in events
    ]
    cursor = {k: int(request.GET[k]) for k in ("before", "after") if request.GET.get(k, "").isdigit()}
    audit_record(
        actor=request.actor,
        action="view",
        object_type="audit.auditevent",
        detail={**detail, **cursor, "rows": len(events)},
    )
    query = request.GET.copy()
    for key in [k for k in query if k not in URL_KEYS | {"f", "object_id", "request"}]:
        query.pop(key, None)  # the filters travel in links (person and user only as f=<id>), not the page cursor
    return render(
        request,
        "audit/trail.html",
        {
            "form": form if form.errors else None,
            "filter_form": form,
            "rows": rows,
            "page": page,
            "shown": qs is not None,
            "filtered": filtered,
            "count_cap": f"{selectors.COUNT_CAP:,}",
            "matching": f"{page.matching or 0:,}",
            "query": query.urlencode(),
            "can_export": qs is not None and bool(events),
            "nav_active": "audit",
        },
    )


#: Actions recorded before a role is chosen (signing in: the password, the second factor), so with no agency or role.
_SIGN_IN_ACTIONS = {"login", "login_failed", "lockout", "mfa_verified", "mfa_failed", "sso_refused", "logout"}


def _no_role_reason(event) -> str:
    """Why an event has no agency and role ("" when it has them): the trail shows "—" and this reason."""
    if event.agency_code or event.role:
        return ""
    if event.action in _SIGN_IN_ACTIONS or event.action.startswith(("mfa_", "login", "sso")):
        return "Signing in: no role is chosen yet"
    if not event.actor_username or event.actor_username == "system":
        return "Done by OpenMASH itself, not a user"
    return "Not acting in a role"


@require_http_methods(["GET", "POST"])
@actor_required
@transaction.atomic
def audit_trail(request):
    """GET: a page of the trail, filtered by the query string (see the module docstring). POST: the filter form;
    valid filters send the browser to the trail's query string (the person and user filters under a new ?f=<id>);
    invalid ones show the error summary, nothing kept."""
    form = _form(request)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, form, None, {"filters": "invalid"})
        if not any(v for v in form.filters().values()):
            return redirect("audit:trail")
        query = _trail_url(request.POST)
        if "f" in query:
            query["f"] = filter_stash(request, STASH, request.POST, set(STASHED_KEYS))
        return redirect(f"{reverse('audit:trail')}?{query.urlencode()}")
    qs, detail = _search(request, form)
    return _page(request, form, qs, detail)


@require_safe
@actor_required
def audit_export(request):
    """The filtered trail as CSV (every matching event, newest first), up to OPENMASH_AUDIT_EXPORT_MAX rows; bad
    filters or too many rows show the trail page with the error summary instead."""
    form = _form(request)
    if not form.is_bound:  # no filters: the whole trail; bound (empty) so a page-level error can be added
        form = AuditFilterForm({}, agencies=selectors.agencies_list(actor=request.actor))
    qs, detail = _search(request, form)
    limit = settings.OPENMASH_AUDIT_EXPORT_MAX
    total = qs.order_by()[: limit + 1].count() if qs is not None else 0  # counts no further than the limit
    with transaction.atomic():
        if qs is None or total > limit:
            if qs is not None:
                form.add_error(None, f"More than {limit:,} events match: narrow the filters to {limit:,} or fewer")
            return _page(request, form, None, detail)
        audit_record(
            actor=request.actor, action="export", object_type="audit.auditevent", detail={**detail, "rows": total}
        )
    actor = request.actor
    rows = csv_rows(qs.iterator(chunk_size=500), lambda batch: selectors.audit_labels(actor=actor, events=batch))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="openmash-audit-{stamp}.csv"'
    return response
