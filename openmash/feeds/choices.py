"""OpenMASH's own event kinds for imported agency events, their default sensitivity, and the states of an import.

An agency's event types (its own words: "DA incident", "A&E attendance", "Fixed term exclusion") are mapped to
these kinds by the feed mapping (openmash/feeds/mappings/*.yaml, or a partnership's own mapping held as data); a
type the mapping does not know imports as ``other`` with its original text kept in
``ChronologyEntry.source_type_text``.

Sensitivity (stored on each imported ``ChronologyEntry``): ``standard`` (shown to whoever may see the child's
chronology), ``sensitive`` (special-category or criminal-offence data, UK GDPR arts. 9-10: shown with care, never
to the minimum-details roles) and ``sealed`` (listed in the hub only, its words read only by the roles the
partnership names for sealed records, e.g. sexual-health contacts where a young person's confidentiality is
protected by Fraser/Gillick competence: access.sharing.chronology_entry_held). The defaults below are what a feed
mapping starts from and its floor: a mapping may raise a kind, never lower it
(access.sharing.imported_event_sensitivity).
"""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse incident"
    MISSING = "missing", "Missing episode"
    EXPLOITATION = "exploitation", "Exploitation concern"
    OFFENDING = "offending", "Offending or arrest"
    CRIME_VICTIM = "crime_victim", "Victim of crime"
    POLICE_WELFARE = "police_welfare", "Police welfare concern or attendance"
    ED_ATTENDANCE = "ed_attendance", "Emergency department attendance"
    ADMISSION = "admission", "Hospital admission"
    HEALTH_CONTACT = "health_contact", "Health contact"
    MISSED_APPOINTMENT = "missed_appointment", "Was not brought to an appointment"
    SELF_HARM = "self_harm", "Self-harm"
    MENTAL_HEALTH = "mental_health", "Mental health contact"
    SEXUAL_HEALTH = "sexual_health", "Sexual health contact"
    CONDITION = "condition", "Health condition recorded"
    SAFEGUARDING_FLAG = "safeguarding_flag", "Safeguarding flag or alert"
    SCHOOL_ABSENCE = "school_absence", "School absence concern"
    EXCLUSION = "exclusion", "Suspension or exclusion"
    CHILD_PROTECTION = "child_protection", "Child protection activity"
    OTHER = "other", "Other"


# Kinds of event that may be dated before the person's birth (a pre-birth assessment, an antenatal contact about an
# unborn child). None of today's kinds is only that, so an imported event dated before the person's date of birth is
# refused (openmash.feeds.validate); a pre-birth kind added above should be listed here.
PRE_BIRTH_KINDS: frozenset[str] = frozenset()


class Sensitivity(models.TextChoices):
    STANDARD = "standard", "Standard"
    SENSITIVE = "sensitive", "Sensitive"
    SEALED = "sealed", "Sealed (the partnership's sealed roles only)"


DEFAULT_SENSITIVITY: dict[str, str] = {
    EventKind.DOMESTIC_ABUSE: Sensitivity.SENSITIVE,
    EventKind.EXPLOITATION: Sensitivity.SENSITIVE,
    EventKind.OFFENDING: Sensitivity.SENSITIVE,
    EventKind.CRIME_VICTIM: Sensitivity.SENSITIVE,
    EventKind.SELF_HARM: Sensitivity.SENSITIVE,
    EventKind.MENTAL_HEALTH: Sensitivity.SENSITIVE,
    EventKind.CONDITION: Sensitivity.SENSITIVE,
    EventKind.SEXUAL_HEALTH: Sensitivity.SEALED,
}


def default_sensitivity(kind: str) -> str:
    """The sensitivity of an event kind when the feed mapping does not set one (``standard`` unless listed)."""
    return DEFAULT_SENSITIVITY.get(kind, Sensitivity.STANDARD)


class BatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    VALIDATING = "validating", "Checking the file"
    WRITING = "writing", "Importing"
    DONE = "done", "Imported"
    DRY_RUN = "dry_run", "Checked (dry run): nothing written"
    REFUSED = "refused", "Not imported: the file has errors"
    FAILED = "failed", "Failed: nothing written"
    ALREADY_IMPORTED = "already_imported", "Already imported: nothing changed"


FINISHED = frozenset(
    {BatchStatus.DONE, BatchStatus.DRY_RUN, BatchStatus.REFUSED, BatchStatus.FAILED, BatchStatus.ALREADY_IMPORTED}
)


def unmapped_types_wording(status: str) -> str:
    """How an import's report words the event types its mapping does not list, for the batch's ``status``: "imported
    as" once the batch wrote its rows (done), "would import as" when nothing was written (refused, failed, a dry run
    or waiting). Used by the batch page and ``openmash import``. Source: practitioner review of issue 6, finding 3 (a
    refused file's report said its types were "imported as Other")."""
    return "imported as" if status == BatchStatus.DONE else "would import as"
