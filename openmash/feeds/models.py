"""Agency data feeds: the partnership's own feed mappings (held as data), import batches with their validation
report, and the previous values of agency records that a later extract superseded (ADR 0006)."""

from __future__ import annotations

from django.db import models

from openmash.core.models import BaseModel
from openmash.feeds.choices import BatchStatus


class FeedMapping(BaseModel):
    """A feed the partnership declared itself, edited by the partnership admin: the same keys as a mapping file in
    openmash/feeds/mappings/ (columns, date formats, event types, sensitivities), kept as the text the admin typed
    (``source_text``, YAML) and as parsed (``definition``). A code may not reuse a built-in mapping's code."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    source_text = models.TextField(help_text="The mapping as YAML, as the partnership admin wrote it.")
    definition = models.JSONField(default=dict, help_text="source_text parsed and checked by feeds.mapping.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class FeedMappingChange(BaseModel):
    """A new feed mapping, or a change to one, waiting for a second partnership admin (dual control, ADR 0019; issue
    6's declared mappings). Until it is approved the feed's FeedMapping is untouched, so imports keep using the
    approved mapping; approving applies ``source_text``/``definition`` (creating the mapping for a new code).
    ``base_text`` is the approved text it was written against (empty for a new mapping), for the diff the approver
    reads. Never the person who asked approves; rejected and approved changes stay as the record."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a later change"

    code = models.SlugField(max_length=20, db_index=True)
    mapping = models.ForeignKey(FeedMapping, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    source_text = models.TextField()
    definition = models.JSONField(default=dict)
    base_text = models.TextField(blank=True)
    # the approved mapping's updated_at when the change was asked for: approving a change made against an older
    # version is refused (someone's approval changed it since), so a diff is never approved blind
    base_updated_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_status_display()})"


class ImportBatch(BaseModel):
    """One import of one file: what was sent (name, SHA-256, size, format, encoding), by whom, its state, counts,
    and the validation report. The report holds row numbers, field names and reasons only, never a cell's value,
    so it can be shown and downloaded without showing personal data."""

    feed_code = models.CharField(max_length=20)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="import_batches")
    file_name = models.CharField(max_length=200, help_text="The file's base name, as uploaded or given.")
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.BigIntegerField(default=0)
    file_format = models.CharField(max_length=10, blank=True)  # csv, xlsx, fhir
    encoding = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    dry_run = models.BooleanField(default=False)
    skip_bad_rows = models.BooleanField(default=False)
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_by_label = models.CharField(max_length=150, blank=True, help_text="Username, or cli:<os user>.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_superseded = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    events_created = models.PositiveIntegerField(default=0)
    events_existing = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict,
        help_text='{"message": str, "problems": [{"row", "field", "reason"}], "problem_count": int, '
        '"unmapped_types": {type: count}}',
    )
    spool_name = models.CharField(max_length=100, blank=True, help_text="The uploaded file in the spool directory.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "feed_code", "file_sha256"], name="import_batch_file_idx")]

    def __str__(self) -> str:
        return f"{self.feed_code}:{self.agency_id}:{self.pk}"


class RecordRevision(BaseModel):
    """The details an agency record held before a later import superseded them (AgencyRecord is updated in
    place; this keeps what it replaced, with the batch that replaced it)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="record_revisions")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="revisions")
    previous = models.JSONField(help_text="The superseded fields and their earlier values (dates as ISO text).")
