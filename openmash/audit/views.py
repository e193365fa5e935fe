"""The auditor's view of the audit trail: filters, names instead of ids, pages, CSV export (each itself audited).

The filter form posts; its values (an NHS number, a username, a contact reference) are kept server-side under a
short-lived id (core.filter_stash) and the trail's URL, its pages and the CSV export link carry only `?f=<id>`:
no identifier or name goes in a URL (issue 6 security review; ASVS 5.0 14.2.1). Filters in a GET query string
are ignored, except `object_id` (a record's UUID, from the "All events for this record" links)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import StreamingHttpResponse
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
_FILTER_KEYS = {"person", "contact", "user", "agency", "action"} | {
    f"date_{e}_{p}" for e in ("from", "to") for p in ("day", "month", "year")
}
STASH = "audit"


def _form(request) -> AuditFilterForm:
    """Bound to the filters kept under ?f=<id> (core.filter_stash), or to the POSTed filter form; unbound otherwise
    (the whole trail). An unknown or expired id says so and shows the whole trail."""
    agencies = selectors.agencies_list(actor=request.actor)
    if request.method == "POST":
        return AuditFilterForm(request.POST, agencies=agencies)
    fid = request.GET.get("f", "")
    data = filter_get(request, STASH, fid)
    if fid and data is None:
        messages.info(request, "Those filters have expired: filter the trail again.")
    return AuditFilterForm(data if data else None, agencies=agencies)


def _search(request, form):
    """(queryset or None when the filters are invalid, audit detail). The detail holds filter names, codes and
    record ids only: never an NHS number, a username or a name typed in."""
    if form.is_bound and not form.is_valid():
        return None, {"filters": "invalid"}
    filters = form.filters() if form.is_bound else {}
    object_id = request.GET.get("object_id", "").strip()[:64]  # links to one record's events
    if object_id:
        filters["object_id"] = object_id
    used = sorted(k for k, v in filters.items() if v)
    detail: dict = {"filters": used}
    if filters.get("person_id") or filters.get("nhs_number"):
        detail["person_ids"] = selectors.person_ids_for(
            actor=request.actor, person_id=filters.get("person_id", ""), nhs_number=filters.get("nhs_number", "")
        )[:20]
    for key in ("agency_code", "action", "contact_reference", "object_id"):
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
    for key in [k for k in query if k not in ("f", "object_id")]:
        query.pop(key, None)  # only the filter id and a record id travel in links, never what was typed
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


@require_http_methods(["GET", "POST"])
@actor_required
@transaction.atomic
def audit_trail(request):
    """GET: a page of the trail (filtered by ?f=<id>). POST: the filter form; valid filters are kept under a new id
    and the browser is sent to ?f=<id> (invalid ones show the error summary, nothing kept)."""
    form = _form(request)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, form, None, {"filters": "invalid"})
        if not any(v for v in form.filters().values()):
            return redirect("audit:trail")
        fid = filter_stash(request, STASH, request.POST, _FILTER_KEYS)
        return redirect(f"{reverse('audit:trail')}?f={fid}")
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
