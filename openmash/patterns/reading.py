"""Reading chronology entries into indicators, once each (issue 8; ADR 0015).

``entries_read(entry_ids=None) -> ReadSummary``: reads the entries not read yet (or only those of `entry_ids`, e.g.
one import batch's) and writes an ``EventIndicator`` per finding and a ``PatternReadMark`` per entry, in batches.
This is the only place descriptions are decrypted for the patterns: rule evaluation reads the indicators alone.

What an entry gives:

- an imported event (kind ``event``): the text reader ``read_event(event kind, the agency's type text,
  description)`` (``patterns.indicators``: the feed's event-type mapping plus phrase rules that understand negation
  and explanation); and ``contact`` when its type says it is a contact or referral to children's services; and,
  when neither gives anything and the reader recognised nothing ordinary in it either (``read_as_ordinary``: no
  ignore phrase, negated indicator or explanation), one ``not_read`` record (``indicators.NOT_READ``, the type text
  as evidence): no rule counts it, but a flag names it among the events in its period (ADR 0021);
- a contact recorded in OpenMASH (kind ``contact``): ``contact`` (for the repeat contacts rule);
- anything else (screening, decisions, case notes): nothing, but it is marked read.

Errors: none of its own; the database's. Logs counts only (at DEBUG), never a value.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from openmash.core.bulk import rows_insert
from openmash.core.fields import Sealed
from openmash.patterns.indicators import EVIDENCE_MAX, NOT_READ, read_as_ordinary, read_event
from openmash.patterns.models import EventIndicator, HomeMention, IndicatorSource, PatternReadMark, PatternReadState
from openmash.patterns.placed import mention_words
from openmash.people.models import ChronologyEntry

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
BATCH = 2000
#: entries created this long before the last full read are searched again (an import's transaction may commit
#: entries stamped before a read that ran while it was writing)
MARGIN = dt.timedelta(days=1)
CONTACT = "contact"
#: The reader's ``Finding.source`` values (``patterns.indicators``) as ``EventIndicator.source`` choices: the
#: agency's event type (or the event kind's default) is the feed's mapping; the description's words are a phrase.
READER_SOURCES = {
    "event_type": IndicatorSource.MAPPING,
    "description": IndicatorSource.PHRASE,
    IndicatorSource.MAPPING.value: IndicatorSource.MAPPING,
    IndicatorSource.PHRASE.value: IndicatorSource.PHRASE,
    IndicatorSource.ENTRY.value: IndicatorSource.ENTRY,
}
#: A contact's concerns (the CIN census assessment factors, ``contacts.choices.CONCERN_CODES``) read as indicators.
#: Codes and meanings: DfE CIN census "factors identified at the end of assessment" (../shared/sector-data/cin_xsd,
#: CIN_schema_2026.xsd; DOMAIN.md): 12A is trafficking (its own indicator), 23A abuse linked to faith or belief.
CONCERN_INDICATORS = {
    "1A": "substance_misuse", "1B": "substance_misuse", "1C": "substance_misuse",
    "2A": "substance_misuse", "2B": "substance_misuse", "2C": "substance_misuse",
    "3A": "domestic_abuse", "3B": "domestic_abuse", "3C": "domestic_abuse",
    "4A": "child_mental_health", "4B": "parental_mental_health", "4C": "parental_mental_health",
    "10A": "missing_episode", "11A": "exploitation", "12A": "trafficking", "13A": "exploitation",
    "15A": "self_harm", "16A": "neglect", "17A": "emotional_abuse", "18B": "physical_abuse", "18C": "physical_abuse",
    "19B": "sexual_harm", "19C": "sexual_harm", "22A": "fgm_risk", "23A": "faith_based_abuse", "24A": "exploitation",
}  # fmt: skip
#: The CIN census factor an accepted flag's contact is prefilled with for each indicator its events were read as
#: (patterns.decisions_extra.suggested_concern_codes; the screener changes them on the form). Source: the DfE CIN
#: census factors (CIN_schema_2026.xsd): 3B domestic abuse with the child's parent or carer its subject (the hub's
#: DASH/MARAC and police incidents are about the adults); 4A/4B mental health of the child / of a parent or carer;
#: 10A missing; 12A trafficking; 15A self-harm; 16A neglect; 17A emotional abuse; 18C physical abuse and 19C sexual
#: abuse *adult on child* (18B and 19B are child on child: an indicator read from an agency's record does not say
#: the harm came from another child); 22A FGM; 23A faith or belief; 8F privately fostered (other). An indicator that
#: stands for more than one factor is not prefilled: substance misuse (alcohol 1x or drugs 2x, by the child, a
#: parent or another person), exploitation (sexual 11A, gangs 13A or criminal 24A), child-on-child abuse (18B or
#: 19B): the screener chooses.
INDICATOR_CONCERNS = {
    "domestic_abuse": "3B", "child_mental_health": "4A", "parental_mental_health": "4B", "private_fostering": "8F",
    "missing_episode": "10A", "trafficking": "12A", "self_harm": "15A", "neglect": "16A", "emotional_abuse": "17A",
    "physical_abuse": "18C", "sexual_harm": "19C", "fgm_risk": "22A", "faith_based_abuse": "23A",
}  # fmt: skip
_REFERRAL = re.compile(
    r"^(contact|referral|mash contact|mash referral|re-?referral)$"
    # a front door's own record types: "Contact - NFA", "Referral: early help", "Contact (screened out)"
    r"|^(contact|referral|re-?referral)\s*[-:(\u2013]"
    r"|\b(contact|referral)\b.*\b(mash|social care|children'?s services|csc|front door|early help|social services)\b"
    r"|\b(mash|social care|children'?s services|csc|front door|early help|social services)\b.*\b(contact|referral)\b",
    re.IGNORECASE,
)


@dataclass
class ReadSummary:
    entries: int = 0
    indicators: int = 0
    people: set = field(default_factory=set)  # ids of the people (as recorded) whose entries gave indicators


def _occurred_on(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value.astimezone(LONDON).date()
    return value


def entry_findings(kind: str, event_kind: str, type_text: str, description: str, concerns=()) -> list:
    """The findings of one entry (see the module's docstring): objects with ``indicator``, ``evidence``,
    ``source``, ``explained``, ``explanation``, one per indicator (a finding not explained wins over one explained).
    `concerns`: a contact's concern codes (its concerns are indicators too, the label as evidence)."""
    from openmash.contacts.choices import CONCERN_CODES

    findings = [
        _Finding(CONCERN_INDICATORS[c], CONCERN_CODES.get(c, c), IndicatorSource.ENTRY)
        for c in concerns
        if c in CONCERN_INDICATORS
    ]
    if kind == "event":
        findings += list(read_event(event_kind or "other", type_text or "", description or ""))
        if type_text and _REFERRAL.search(type_text.strip()):
            findings.append(_Finding(CONTACT, type_text[:200], IndicatorSource.MAPPING))
        if not findings and not read_as_ordinary(type_text or "", description or ""):
            # read as nothing either way (ADR 0021): kept, so that a flag in its period names it for a person to read
            findings.append(_Finding(NOT_READ, _type_evidence(type_text or ""), IndicatorSource.MAPPING))
    elif kind == CONTACT:
        findings.append(_Finding(CONTACT, "Contact to the MASH", IndicatorSource.ENTRY))
    best: dict[str, object] = {}
    for f in findings:
        old = best.get(f.indicator)
        if old is None or (old.explained and not f.explained):
            best[f.indicator] = f
    return list(best.values())


def _type_evidence(type_text: str) -> str:
    """The agency's own words for an event's type, as a ``not_read`` record's evidence (at most ``EVIDENCE_MAX``)."""
    return " ".join(type_text.split())[:EVIDENCE_MAX]


def source_of(reader_source: str) -> str:
    """The ``EventIndicator.source`` choice for a finding's source (``READER_SOURCES``); an unknown one is read as
    words in the description (``phrase``)."""
    return READER_SOURCES.get(reader_source, IndicatorSource.PHRASE).value


@dataclass(frozen=True)
class _Finding:
    indicator: str
    evidence: str
    source: str
    explained: bool = False
    explanation: str = ""


def _since_last_read() -> list | None:
    """The ids of the unread entries created since the last full read (less MARGIN), found through the
    ``created_at`` index, in id order; None when no read has finished yet (the caller then pages through every
    unread entry). Paging with ``ORDER BY id`` made SQLite walk the whole table in id order, checking each entry's
    ``created_at``: 11 s at 500,000 entries, in every read after an import (issue 8 speed target)."""
    state = PatternReadState.objects.filter(pk=1).first()
    if state is None or state.read_through is None:
        return None
    return sorted(_unread_qs(None).values_list("pk", flat=True), key=str)


def _unread_qs(entry_ids):
    qs = ChronologyEntry.objects.order_by()
    if entry_ids is not None:
        return qs.filter(pk__in=entry_ids).exclude(pattern_read__isnull=False)
    state = PatternReadState.objects.filter(pk=1).first()
    if state is not None and state.read_through is not None:
        qs = qs.filter(created_at__gte=state.read_through - MARGIN)
    return qs.filter(pattern_read__isnull=True)


def entries_read(entry_ids=None, *, batch: int = BATCH) -> ReadSummary:
    """Read the unread entries (all of them, or those among `entry_ids`) into indicators. Each batch is its own
    transaction (a failure leaves the earlier batches read and the rest for the next call). Returns the counts and
    the people whose entries gave indicators."""
    started = timezone.now()
    summary = ReadSummary()
    desc_field = ChronologyEntry._meta.get_field("description")
    columns = (
        "id",
        "person_id",
        "occurred_at",
        "kind",
        "agency_id",
        "event_kind",
        "source_type_text",
        "description",
        "object_type",
        "object_id",
    )
    ids = list(entry_ids) if entry_ids is not None else _since_last_read()
    last = None
    while True:
        if ids is not None:
            chunk_ids, ids = ids[:batch], ids[batch:]
            if not chunk_ids:
                break
            rows = list(_unread_qs(chunk_ids).values_list(*columns))
        else:
            qs = _unread_qs(None)
            if last is not None:
                qs = qs.filter(pk__gt=last)
            rows = list(qs.order_by("pk").values_list(*columns)[:batch])
            if not rows:
                break
            last = rows[-1][0]
        if rows:
            _read_rows(rows, desc_field, summary)
    if entry_ids is None:
        PatternReadState.objects.update_or_create(pk=1, defaults={"read_through": started})
    if summary.entries:
        # DEBUG, not INFO: the callers report the counts in their own words (``openmash import``, ``openmash flags
        # evaluate``); at INFO this was a raw log line in the middle of the import command's output (review)
        logger.debug("patterns: read %s entries into %s indicators", summary.entries, summary.indicators)
    return summary


def _contact_concerns(object_ids: list[str]) -> dict:
    """{contact id (text): its concern codes} for the contacts of a batch's contact entries."""
    if not object_ids:
        return {}
    from openmash.contacts.models import Contact

    ids = []
    for text in set(object_ids):
        try:
            ids.append(uuid.UUID(text))
        except ValueError:
            continue
    return {str(pk): codes or () for pk, codes in Contact.objects.filter(pk__in=ids).values_list("pk", "concern_codes")}


def _read_rows(rows, desc_field, summary: ReadSummary) -> None:
    indicators, marks, mentions = [], [], []
    now = timezone.now()
    concerns = _contact_concerns([r[9] for r in rows if r[3] == CONTACT and r[8] == "contacts.contact"])
    open_description = desc_field.opener()  # the key ring read once per batch, not per description
    for pk, person_id, occurred, kind, agency_id, event_kind, type_text, description, _otype, object_id in rows:
        if isinstance(description, Sealed):
            description = open_description(pk, description.envelope)  # only here: never during evaluation
        on = _occurred_on(occurred)
        found = entry_findings(kind, event_kind, type_text, description or "", concerns.get(object_id, ()))
        for f in found:
            indicators.append(
                {
                    "entry_id": pk,
                    "person_id": person_id,
                    "indicator": f.indicator[:40],
                    "occurred_on": on,
                    "agency_id": agency_id,
                    "evidence": (f.evidence or "")[:1000],
                    "source": source_of(f.source),
                    "explained": bool(f.explained),
                    "explanation": (f.explanation or "")[:1000],
                }
            )
            summary.people.add(person_id)
        if kind == "event" and description:
            words = mention_words(type_text or "", description)  # ADR 0023: a person placed in a home by words
            if words:
                mentions.append(
                    {"entry_id": pk, "person_id": person_id, "occurred_on": on, "agency_id": agency_id, "words": words}
                )
        marks.append({"entry_id": pk, "read_at": now})
    with transaction.atomic():
        rows_insert(EventIndicator, indicators, ignore_conflicts=True)
        rows_insert(HomeMention, mentions, ignore_conflicts=True)
        rows_insert(PatternReadMark, marks, ignore_conflicts=True)
    summary.entries += len(marks)
    summary.indicators += len(indicators)


__all__ = [
    "CONCERN_INDICATORS",
    "INDICATOR_CONCERNS",
    "READER_SOURCES",
    "ReadSummary",
    "entries_read",
    "entry_findings",
    "source_of",
]
