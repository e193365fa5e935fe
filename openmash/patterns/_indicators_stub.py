"""A temporary stand-in for ``openmash.patterns.indicators`` (the text reader, built on its own branch): the feed's
event kind alone, no phrase rules. Same interface: ``read_event(kind, type_text, description, *, rules=None) ->
list[Finding]``. Removed when the real reader is merged (``patterns.reading`` imports the real one first).
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_INDICATORS: dict[str, tuple[str, ...]] = {
    "domestic_abuse": ("domestic_abuse",),
    "missing": ("missing_episode",),
    "exploitation": ("exploitation",),
    "offending": ("adult_offending",),
    "police_welfare": ("police_welfare",),
    "ed_attendance": ("ed_attendance",),
    "missed_appointment": ("missed_health_appointment",),
    "self_harm": ("self_harm",),
    "mental_health": ("child_mental_health",),
    "school_absence": ("school_absence",),
    "exclusion": ("exclusion",),
    "child_protection": ("child_protection",),
}


@dataclass(frozen=True)
class Finding:
    indicator: str
    evidence: str
    source: str
    explained: bool = False
    explanation: str = ""


def read_event(kind: str, type_text: str, description: str, *, rules=None) -> list[Finding]:
    """The indicators of an event from its kind only (evidence: the agency's type text)."""
    return [Finding(code, type_text or kind, "mapping") for code in KIND_INDICATORS.get(kind, ())]
