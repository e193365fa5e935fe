"""The partnership admin's feed pages: upload an extract, watch it import (htmx polls the progress), read and
download its report, and keep the partnership's own feed mappings.

Only `feed.import` (the partnership admin) opens them; everyone else gets 403. The pages show row numbers, field
names, reasons and counts, never a value from the file. Every page view is audited.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.policy import can, feed_mapping_change_decidable, require
from openmash.audit.export import neutralise
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.core.views import actor_required
from openmash.feeds.choices import FINISHED, unmapped_types_wording
from openmash.feeds.forms import FeedMappingForm, ImportUploadForm
from openmash.feeds.mapping import _builtin_docs, builtin_codes
from openmash.feeds.models import FeedMapping, FeedMappingChange, ImportBatch
from openmash.feeds.runner import import_launch, progress_read, spool_dir, spool_save
from openmash.feeds.services import (
    batch_start,
    feed_mapping_change_decide,
    feed_mapping_change_diff,
    feed_mapping_save,
)
from openmash.web.forms import apply_service_errors

PAGE_SIZE = 25


def _admin(request) -> None:
    require(request.actor, "feed.import")


def _batch(batch_id) -> ImportBatch:
    batch = ImportBatch.objects.select_related("agency").filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
@actor_required
def imports(request):
    """Recent import batches, newest first, and the upload form."""
    _admin(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        upload = cd["file"]
        name = spool_save(upload, Path(upload.name).suffix)
        try:
            batch = batch_start(
                actor=request.actor,
                feed_code=cd["feed"],
                agency_code=cd["agency"],
                file_name=upload.name,
                dry_run=cd["dry_run"],
                skip_bad_rows=cd["skip_bad_rows"],
                spool_name=name,
                encoding=cd.get("encoding") or "",
            )
        except ValidationFailed as exc:
            (spool_dir() / name).unlink(missing_ok=True)
            apply_service_errors(form, exc)
        else:
            import_launch(batch, request.actor)
            return redirect("feeds:import_detail", batch_id=batch.pk)
    page = Paginator(ImportBatch.objects.select_related("agency"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.actor, action="list", object_type="feeds.importbatch", detail={"count": len(page)})
    return render(
        request,
        "feeds/imports.html",
        {"form": form if form.is_bound else None, "upload": form, "page": page, "nav_active": "partnership"},
    )


def _no_save(must_create: bool = False) -> None:
    return None


def _detail_context(batch: ImportBatch, actor) -> dict:
    """The batch page's context. The person-matching counts after the import (joined, sent for review) are shown
    only to someone who may review links: to an uploader without a case role they would tell whether the file's
    people are already held (the existence oracle of the attacker review, 2026-11, finding 4); others are told
    matching ran and where its proposals go (review finding 16)."""
    running = batch.status not in FINISHED
    return {
        "matching_counts_shown": can(actor, "link.review"),
        "batch": batch,
        "running": running,
        "progress": progress_read(batch) if running else {},
        "problems": batch.report.get("problems", []),
        "unmapped_wording": unmapped_types_wording(batch.status),
        "unmapped": sorted(batch.report.get("unmapped_types", {}).items(), key=lambda kv: -kv[1]),
    }


@require_safe
@actor_required
def import_detail(request, batch_id):
    """One batch: its state (polled while it runs), counts and report."""
    _admin(request)
    batch = _batch(batch_id)
    audit_record(actor=request.actor, action="view", obj=batch)
    return render(
        request, "feeds/import_detail.html", {**_detail_context(batch, request.actor), "nav_active": "partnership"}
    )


@require_safe
@actor_required
def import_progress(request, batch_id):
    """The state panel alone, for htmx to swap in every second while the import runs (it stops polling when the
    batch has finished: the finished panel carries no hx-trigger). Not audited: it shows counts only, and the page
    that polls it was.

    A poll is not the user doing something: it neither extends the session's idle timeout nor writes the session
    row (on SQLite that write would wait for the import's write lock; ADR 0006)."""
    request.session.save = _no_save
    _admin(request)
    batch = _batch(batch_id)
    return render(request, "feeds/includes/batch_state.html", _detail_context(batch, request.actor))


@require_safe
@actor_required
def import_report(request, batch_id):
    """The batch's report as CSV (row, field, reason, level), every cell neutralised against formula injection."""
    _admin(request)
    batch = _batch(batch_id)
    audit_record(
        actor=request.actor, action="export", obj=batch, detail={"rows": len(batch.report.get("problems", []))}
    )

    class _Echo:
        def write(self, value):
            return value

    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield writer.writerow(["Row", "Field", "Reason", "Level"])
        for p in batch.report.get("problems", []):
            yield writer.writerow(
                [
                    neutralise(p["row"]),
                    neutralise(p["field"]),
                    neutralise(p["reason"]),
                    neutralise(p.get("level", "error")),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report-{batch.pk}.csv"'
    return response


def _pending_changes(code: str | None = None):
    qs = FeedMappingChange.objects.filter(status=FeedMappingChange.Status.PENDING).select_related("requested_by")
    return qs.filter(code=code) if code else qs


@require_http_methods(["GET", "POST"])
@actor_required
def mappings(request):
    """The built-in mappings (read-only), the partnership's own (approved), the changes waiting for a second
    partnership admin (ADR 0019), and the form to ask for a new mapping."""
    _admin(request)
    form = FeedMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = feed_mapping_save(
                actor=request.actor,
                source_text=form.cleaned_data["source_text"],
                definition=form.cleaned_data["definition"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Feed {change.code} waits for another partnership admin to approve it before it can be used."
            )
            return redirect("feeds:mapping_change", change_id=change.pk)
    audit_record(actor=request.actor, action="list", object_type="feeds.feedmapping")
    builtins = [
        (code, _builtin_docs()[code][0].get("name", code), _builtin_docs()[code][1]) for code in builtin_codes()
    ]
    return render(
        request,
        "feeds/mappings.html",
        {
            "builtins": builtins,
            "own": FeedMapping.objects.all(),
            "pending": list(_pending_changes()),
            "form": form if form.is_bound else None,
            "new_form": form,
            "nav_active": "partnership",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def mapping_detail(request, feed_code: str):
    """One of the partnership's own mappings: its approved YAML (what imports use), edited in place as a change
    that waits for a second partnership admin (ADR 0019); someone else's change is reported."""
    _admin(request)
    mapping = FeedMapping.objects.filter(code=feed_code).first()
    if mapping is None:
        raise Http404
    initial = {"source_text": mapping.source_text, "updated_at": mapping.updated_at.isoformat()}
    form = FeedMappingForm(request.POST or None, initial=initial, code=mapping.code)
    if request.method == "POST" and form.is_valid():
        try:
            change = feed_mapping_save(
                actor=request.actor,
                code=mapping.code,
                source_text=form.cleaned_data["source_text"],
                definition=form.cleaned_data["definition"],
                expected_updated_at=form.cleaned_data["updated_at"] or None,
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Change saved: it waits for another partnership admin to approve it. Imports use the "
                "approved mapping until then."
            )  # fmt: skip
            return redirect("feeds:mapping_change", change_id=change.pk)
    audit_record(actor=request.actor, action="view", obj=mapping)
    return render(
        request,
        "feeds/mapping_detail.html",
        {
            "mapping": mapping,
            "pending": list(_pending_changes(mapping.code)),
            "form": form if form.is_bound and form.errors else None,
            "edit_form": form,
            "nav_active": "partnership",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def mapping_change(request, change_id):
    """A change to a feed mapping (or a new one) and its diff against the approved mapping. Another partnership
    admin approves or rejects it here (feed_mapping_change_decide; never the one who asked, ADR 0019). Viewing is
    audited; decisions are audited by the service."""
    _admin(request)
    change = FeedMappingChange.objects.select_related("requested_by", "decided_by", "mapping").filter(pk=change_id)
    change = change.first()
    if change is None:
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("approve", "reject"):
            messages.error(request, "Choose approve or reject.")
            return redirect("feeds:mapping_change", change_id=change.pk)
        try:
            feed_mapping_change_decide(actor=request.actor, change_id=change.pk, approve=decision == "approve")
        except (NotFound, Conflict) as exc:
            messages.error(request, exc.message)
            return redirect("feeds:mapping_change", change_id=change.pk)
        messages.success(
            request, f"Change to feed {change.code} {'approved' if decision == 'approve' else 'rejected'}."
        )
        if decision == "approve":
            return redirect("feeds:mapping_detail", feed_code=change.code)
        return redirect("feeds:mappings")
    audit_record(actor=request.actor, action="view", obj=change)
    return render(
        request,
        "feeds/mapping_change.html",
        {
            "change": change,
            "diff": feed_mapping_change_diff(change),
            "decidable": feed_mapping_change_decidable(request.actor, change),
            "nav_active": "partnership",
        },
    )
