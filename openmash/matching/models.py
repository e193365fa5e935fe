"""What the Fellegi-Sunter scoring keeps in the database (issue 6; ADR 0005): the partnership's trained model, and
which agency records have been scored."""

from django.db import models

from openmash.core.models import BaseModel


class LinkageModel(BaseModel):
    """A Fellegi-Sunter model trained by EM on the partnership's own agency records (``openmash link train``).

    ``model``: ``linkage.ModelConfig.to_dict()`` (m/u per comparison level, the prior, blocking and training rules);
    the newest row is the one scoring uses (``openmash.matching.scoring.model_get``); with no row, the engine's model
    trained on generated people (``linkage.linker.fallback_model``) is used. ``records``: how many agency records it
    was trained on. Rows are never edited: training again adds a row, so every link's model stays known."""

    model = models.JSONField()
    records = models.PositiveIntegerField(default=0)
    trained_by = models.CharField(max_length=100, blank=True, help_text="Who or what trained it (a command).")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"linkage model of {self.created_at:%Y-%m-%d %H:%M} ({self.records} records)"


class RecordScore(models.Model):
    """When an agency record was last scored against the others (``openmash.matching.scoring.records_score``).

    A record is due for scoring when it has no row, or when it was received (or superseded in place by a later
    extract) after ``scored_at``. ``model``: the stored model used (null: the shipped default)."""

    record = models.OneToOneField(
        "people.AgencyRecord", primary_key=True, on_delete=models.CASCADE, related_name="match_score"
    )
    scored_at = models.DateTimeField()
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.record_id} scored {self.scored_at:%Y-%m-%d %H:%M}"
