"""The append-only audit trail: every create, update and view of personal data, and every denial."""

from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RuntimeError("The audit trail is append-only.")

    def delete(self):
        raise RuntimeError("The audit trail is append-only.")


class AppendOnlyModel(models.Model):
    """Rows are inserted, never changed or deleted (the ORM guard here; database triggers in migrations 0002, 0004,
    0011). Every audit table derives from it."""

    objects = AuditQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only.")


class AuditEvent(AppendOnlyModel):
    """One audited action. Rows are never changed or deleted (ORM guard + database trigger)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_user_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150)
    agency_code = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=30, blank=True)
    # create, update, view, list, search, search_result, deny, login, login_failed, logout, lockout, export, ...
    action = models.CharField(max_length=30)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)  # ours, always generated
    # the client's own X-Request-Id, cleaned (openmash.core.requestid.client_request_id_clean); never ours
    client_request_id = models.CharField(max_length=64, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)  # never personal data: ids, codes, counts
    # HMAC-SHA256 (the audit MAC key, openmash.core.keys) of the event's canonical bytes, 64 hex digits
    # (openmash.audit.chain.event_mac). Empty only on events written before tamper evidence (audit 0010), which the
    # first sealing run MACs into the chain instead.
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # how many searches a user made in the last minute (the search rate limit, people.search_limits)
            models.Index(fields=["actor_user_id", "action", "at"], name="audit_user_action_at_idx"),
            # The auditor's filters, each with the id the trail pages by ("WHERE f = x AND id < n ORDER BY id DESC
            # LIMIT 51" reads only the rows it shows; audit.selectors.audit_trail_page). Agency with action: an
            # agency's events for a rare action would otherwise be found by reading all the agency's events.
            models.Index(fields=["actor_username", "id"], name="audit_actor_idx"),
            models.Index(fields=["agency_code", "action", "id"], name="audit_agency_action_id_idx"),
            models.Index(fields=["action", "id"], name="audit_action_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"


class AuditEventContact(AppendOnlyModel):
    """The contact an audit event's record belongs to (openmash.audit.contacts), so the auditor's contact filter
    finds every event about anything in that contact. Written with the event, in the same transaction, by
    openmash.audit.services; existing events were indexed by migration 0008. Append-only like the trail: a
    separate table, because the trail's rows can never be updated to carry it."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, related_name="contact_links")
    contact_id = models.UUIDField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "contact_id"], name="audit_event_contact_unique")]
        indexes = [models.Index(fields=["contact_id", "event"], name="audit_contact_event_idx")]

    def __str__(self) -> str:
        return f"event {self.event_id} -> contact {self.contact_id}"


class AuditSeal(AppendOnlyModel):
    """One link of the audit trail's hash chain (openmash.audit.chain): the event at `position` (1, 2, 3, ... with
    no gaps), its MAC as it was when sealed, and `chain` = HMAC(audit MAC key, previous chain, position, event id,
    event MAC). Written only by the sealer (openmash.audit.chain.audit_seal), in its own short transaction, never by
    a request; append-only like the trail."""

    position = models.BigIntegerField(primary_key=True)
    event_id = models.BigIntegerField(unique=True)
    event_mac = models.CharField(max_length=64)
    chain = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"seal {self.position} -> event {self.event_id}"


class AuditCheckpoint(AppendOnlyModel):
    """A signed checkpoint of the chain (openmash.audit.chain.audit_checkpoint): the trail's id, the position and
    chain value reached, the events it covers and the time (UTC), signed with the audit signing key (Ed25519). The
    same JSON line is appended to the checkpoint file outside the database (OPENMASH_AUDIT_CHECKPOINT_FILE), which
    is the copy that counts; this table's copy helps a verifier that has no file. Append-only."""

    id = models.BigAutoField(primary_key=True)
    trail = models.UUIDField()
    position = models.BigIntegerField()
    chain = models.CharField(max_length=64)
    at = models.DateTimeField()
    line = models.TextField()  # the signed JSON line exactly as appended to the file

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.id} at position {self.position}"


class AuditChainState(models.Model):
    """The sealer's bookkeeping (one row, id 1): the trail's id and the highest event id that was legacy (written
    before tamper evidence, no MAC of its own), both bound into the chain's first link; the watermark (every event
    with an id at or below it is sealed or will never exist) and, on PostgreSQL, the (sequence value, snapshot xmax)
    pairs of recent runs from which the watermark advances; the last position sealed (a verifier compares it with
    the chain it finds). Not evidence itself: changing it can only make the sealer scan more, or make the verifier
    report a break."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    trail = models.UUIDField()
    legacy_max_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    watermark = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    last_position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain {self.trail} at position {self.last_position}"
