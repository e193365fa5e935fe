"""Code lists of the casework context: case-note types."""

from django.db import models


class CaseNoteType(models.TextChoices):
    """What a case note records (the hub's everyday recording: DOMAIN.md 1.2, stages 2 to 5)."""

    PHONE_CALL = "phone_call", "Phone call"
    SYSTEM_CHECK = "system_check", "System check"
    CONSENT_CONVERSATION = "consent_conversation", "Consent conversation"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
    OTHER = "other", "Other"
