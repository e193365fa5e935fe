"""The auditor's view of the audit trail: filters, names instead of ids, pages, CSV export (each itself audited)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from openmash.audit import selectors
from openmash.audit.export import csv_rows
from openmash.audit.forms import ACTION_LABELS, AuditFilterForm
from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_record
from openmash.core.views import actor_required

PAGE_SIZE = 50
_FILTER_KEYS = {"person", "contact", "user", "agency", "action", "object_id"} | {
    f"date_{e}_{p}" for e in ("from", "to") for p in ("day", "month", "year")
}


def _form(request) -> AuditFilterForm:
    """Bound when the request carries any filter (a bare page number shows the whole trail)."""
    bound = any(request.GET.get(k) for k in _FILTER_KEYS)
    return AuditFilterForm(request.GET if bound else None, agencies=selectors.agencies_list(actor=request.actor))


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


def _events_on(page, qs) -> list:
    """The events of one page of the trail (newest first), read as the ids of the page first and then those rows:
    the ids come from an index alone, and a page in the older half is counted from the oldest end. Page 3,000 of
    one screener's events (an offset of 150,000 rows) then costs what page 1 costs (issue 5 benchmark: 1.3 s on
    PostgreSQL when the whole rows were sorted and skipped)."""
    if qs is None or not page.paginator.count:
        return []
    count, bottom = page.paginator.count, (page.number - 1) * PAGE_SIZE
    top = min(bottom + PAGE_SIZE, count)
    ids = qs.values_list("id", flat=True)
    if bottom > count // 2:
        keys = list(ids.order_by("id")[count - top : count - bottom])
    else:
        keys = list(ids[bottom:top])
    return list(AuditEvent.objects.filter(id__in=keys).order_by("-id"))


def _page(request, form, qs, detail):
    """Render one page of the trail and audit the viewing (call inside a transaction)."""
    page = Paginator(qs if qs is not None else [], PAGE_SIZE).get_page(request.GET.get("page"))
    events = _events_on(page, qs)
    page.object_list = events  # the template's {% if page %} must not read the slow slice again
    labels = selectors.audit_labels(actor=request.actor, events=events)
    rows = [
        {
            "e": e,
            "at": timezone.localtime(e.at),
            "user": labels["users"].get(e.actor_user_id, ""),
            "agency": labels["agencies"].get(e.agency_code, e.agency_code),
            "action": ACTION_LABELS.get(e.action, e.action),
            "record": labels["records"].get((e.object_type, e.object_id), ""),
        }
        for e in events
    ]
    audit_record(
        actor=request.actor,
        action="view",
        object_type="audit.auditevent",
        detail={**detail, "page": page.number, "rows": len(events)},
    )
    query = request.GET.copy()
    query.pop("page", None)
    paginator = page.paginator
    return render(
        request,
        "audit/trail.html",
        {
            "form": form if form.errors else None,
            "filter_form": form,
            "rows": rows,
            "page": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
            if paginator.count
            else [],
            "query": query.urlencode(),
            "can_export": qs is not None and paginator.count > 0,
            "nav_active": "audit",
        },
    )


@require_safe
@actor_required
@transaction.atomic
def audit_trail(request):
    form = _form(request)
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
    total = qs.count() if qs is not None else 0
    with transaction.atomic():
        if qs is None or total > limit:
            if qs is not None:
                form.add_error(None, f"There are {total:,} events to export: narrow the filters to {limit:,} or fewer")
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
