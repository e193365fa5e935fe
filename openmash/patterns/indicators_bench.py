"""Timing of the indicator reader (``openmash.patterns.indicators.read_event``) for the bench command.

``bench_indicators(n) -> dict``: reads ``n`` synthetic events (typical one-to-three-sentence agency descriptions,
cycled from a fixed set written for this purpose, not from any scenario) on one core and returns ``events``,
``seconds``, ``per_event_us``, ``events_per_second`` and ``findings`` (the number of findings read). The phrase rules
are compiled before the clock starts. No Django import: callable from anywhere.
"""

from __future__ import annotations

import time

from openmash.patterns.indicators import default_rules, read_event

__all__ = ["bench_indicators"]

SAMPLE_EVENTS: tuple[tuple[str, str, str], ...] = (
    ("ed_attendance", "ED attendance", "Attended with bruising to left forearm. Mum says he fell off the sofa."),
    ("missed_appointment", "Was Not Brought", "Not brought to paediatric outpatient appointment. Letter to GP."),
    ("school_absence", "Persistent absence", "Attendance 82% this term. Several unauthorised absences."),
    ("domestic_abuse", "DA incident", "Verbal argument between mother and partner, children asleep. DASH standard."),
    ("health_contact", "Health visit", "Routine 1 year review. Development appropriate, no concerns."),
    ("other", "Home visit", "Home conditions poor, smell of cannabis in the flat, no food in the fridge."),
    ("police_welfare", "Welfare concern", "Welfare check requested by neighbour, all well, no concerns."),
    ("other", "Contact", "Mum's new boyfriend has moved in; he is known to police for violence."),
    ("ed_attendance", "A&E attendance", "Fell at football training, witnessed by coach. Sprained ankle."),
    ("missed_appointment", "DNA", "Appointment cancelled by the hospital, attended on the new date."),
    ("other", "Referral", "Child missing from home overnight, found with older males in another town."),
    ("school_absence", "Absence", "Authorised absence for a family funeral."),
    ("other", "GP", "Mum has low mood, started on antidepressants, no safeguarding concerns."),
    ("other", "Note", "No injuries seen, NAI ruled out by the paediatrician."),
    ("exclusion", "Fixed term exclusion", "Excluded for 3 days for fighting with another pupil."),
    ("other", "Letter", "Thank you for your letter; we have updated our records."),
)


def bench_indicators(n: int) -> dict:
    """Read ``n`` events and time it: ``{events, seconds, per_event_us, events_per_second, findings}``."""
    default_rules()
    events = SAMPLE_EVENTS
    size = len(events)
    findings = 0
    started = time.perf_counter()
    for i in range(n):
        kind, type_text, description = events[i % size]
        findings += len(read_event(kind, type_text, description))
    seconds = time.perf_counter() - started
    return {
        "events": n,
        "seconds": round(seconds, 4),
        "per_event_us": round(seconds / n * 1e6, 2) if n else 0.0,
        "events_per_second": round(n / seconds) if seconds > 0 else 0,
        "findings": findings,
    }
