"""Abstract bases shared by domain models."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID primary key (never guessable in URLs) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """Optimistic locking: every update bumps version; a stale version is a conflict."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
