"""A flag made directly (no import, no evaluation) for the page, API and access tests: a child, one chronology entry
and indicator per event, the flag and its contributions in the order given."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

_ids = itertools.count(1)

RULE = {
    "code": "cross_agency_combination",
    "version": 0,
    "title": "Several concerns from different agencies within six months",
}
EVENTS = [
    ("police", dt.date(2026, 3, 10), "domestic_abuse", "DA incident", "shouting and a smashed door", "standard"),
    ("school-oak", dt.date(2026, 4, 2), "school_absence", "Persistent absence", "attendance 71%", "standard"),
    ("health-gp", dt.date(2026, 5, 1), "missed_health_appointment", "Was not brought", "not brought", "standard"),
]


def person_make(forename="Kayden", surname="Flagchild", dob=dt.date(2019, 2, 3)):
    from openmash.people.models import Person

    return Person.objects.create(forename=forename, surname=surname, date_of_birth=dob)


def flag_make(child=None, events=EVENTS, *, as_of=dt.date(2026, 6, 1), rules=(RULE,)):
    """events: (agency code, date, indicator, event type text, evidence, sensitivity). Returns the Flag."""
    from openmash.accounts.models import Agency
    from openmash.patterns.models import EventIndicator, Flag, FlagContribution
    from openmash.people.models import ChronologyEntry

    child = child or person_make()
    agencies = {a.code: a for a in Agency.objects.all()}
    rows = []
    for code, day, indicator, type_text, evidence, sensitivity in events:
        n = next(_ids)
        entry = ChronologyEntry.objects.create(
            person=child,
            occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time())),
            time_known=False,
            kind="event",
            agency=agencies.get(code),
            summary=type_text,
            object_type="feeds.importbatch",
            object_id="0",
            source="flag-test",
            external_id=f"flag-test-{n}",
            event_kind="incident",
            source_type_text=type_text,
            sensitivity=sensitivity,
        )
        rows.append(
            EventIndicator.objects.create(
                entry=entry,
                person=child,
                indicator=indicator,
                occurred_on=day,
                agency=agencies.get(code),
                evidence=evidence,
                source="mapping",
            )
        )
    codes = list(dict.fromkeys(e[0] for e in events))
    flag = Flag.objects.create(
        child=child,
        as_of=as_of,
        last_matched_on=as_of,
        rules=list(rules),
        agencies=codes,
        explanation="test",
        contributions_key=f"k{next(_ids)}",
    )
    for i, ind in enumerate(rows):
        FlagContribution.objects.create(flag=flag, indicator=ind, position=i, rule_codes=[r["code"] for r in rules])
    return flag
