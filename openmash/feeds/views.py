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

from openmash.access.policy import require
from openmash.audit.export import neutralise
from openmash.audit.services import audit_record
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.feeds.choices import FINISHED
from openmash.feeds.forms import FeedMappingForm, ImportUploadForm
from openmash.feeds.mapping import _builtin_docs, builtin_codes
from openmash.feeds.models import FeedMapping, ImportBatch
from openmash.feeds.runner import import_launch, progress_read, spool_dir, spool_save
from openmash.feeds.services import batch_start, feed_mapping_save
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


def _detail_context(batch: ImportBatch) -> dict:
    running = batch.status not in FINISHED
    return {
        "batch": batch,
        "running": running,
        "progress": progress_read(batch) if running else {},
        "problems": batch.report.get("problems", []),
        "unmapped": sorted(batch.report.get("unmapped_types", {}).items(), key=lambda kv: -kv[1]),
    }


@require_safe
@actor_required
def import_detail(request, batch_id):
    """One batch: its state (polled while it runs), counts and report."""
    _admin(request)
    batch = _batch(batch_id)
    audit_record(actor=request.actor, action="view", obj=batch)
    return render(request, "feeds/import_detail.html", {**_detail_context(batch), "nav_active": "partnership"})


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
    return render(request, "feeds/includes/batch_state.html", _detail_context(batch))


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


@require_http_methods(["GET", "POST"])
@actor_required
def mappings(request):
    """The built-in mappings (read-only) and the partnership's own, with the form to add one."""
    _admin(request)
    form = FeedMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = feed_mapping_save(
                actor=request.actor,
                source_text=form.cleaned_data["source_text"],
                definition=form.cleaned_data["definition"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Feed {mapping.code} added.")
            return redirect("feeds:mapping_detail", feed_code=mapping.code)
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
            "form": form if form.is_bound else None,
            "new_form": form,
            "nav_active": "partnership",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def mapping_detail(request, feed_code: str):
    """One of the partnership's own mappings: its YAML, edited in place (someone else's change is reported)."""
    _admin(request)
    mapping = FeedMapping.objects.filter(code=feed_code).first()
    if mapping is None:
        raise Http404
    initial = {"source_text": mapping.source_text, "updated_at": mapping.updated_at.isoformat()}
    form = FeedMappingForm(request.POST or None, initial=initial, code=mapping.code)
    if request.method == "POST" and form.is_valid():
        try:
            feed_mapping_save(
                actor=request.actor,
                code=mapping.code,
                source_text=form.cleaned_data["source_text"],
                definition=form.cleaned_data["definition"],
                expected_updated_at=form.cleaned_data["updated_at"] or None,
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Mapping saved.")
            return redirect("feeds:mapping_detail", feed_code=mapping.code)
    audit_record(actor=request.actor, action="view", obj=mapping)
    return render(
        request,
        "feeds/mapping_detail.html",
        {
            "mapping": mapping,
            "form": form if form.is_bound and form.errors else None,
            "edit_form": form,
            "nav_active": "partnership",
        },
    )
