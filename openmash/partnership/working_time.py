"""Working-hours arithmetic for statutory and local timescales (framework-free, pure functions).

A partnership's hub works set hours on set weekdays, not on bank holidays. "Red = 4 working hours" means four
hours of that calendar: a red rating at 16:00 on a Friday with a 09:00-17:00 hub is due at 12:00 on Monday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WorkingCalendar:
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(17, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    tz: ZoneInfo = ZoneInfo("Europe/London")

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("The working day must end after it starts.")
        if not self.weekdays:
            raise ValueError("At least one working weekday is needed.")

    @property
    def minutes_per_day(self) -> int:
        start = dt.datetime.combine(dt.date.min, self.day_start)
        end = dt.datetime.combine(dt.date.min, self.day_end)
        return int((end - start).total_seconds() // 60)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def _at(self, day: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, t, tzinfo=self.tz)

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        for _ in range(3660):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("No working day within ten years.")

    def clamp_forward(self, moment: dt.datetime) -> dt.datetime:
        """The first working instant at or after moment."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            if local.timetz().replace(tzinfo=None) < self.day_start:
                return self._at(day, self.day_start)
            if local.timetz().replace(tzinfo=None) < self.day_end:
                return local
        return self._at(self.next_working_day(day), self.day_start)

    def previous_working_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        for _ in range(3660):
            if self.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("No working day within ten years.")

    def clamp_back(self, moment: dt.datetime) -> dt.datetime:
        """The last working instant at or before `moment` (aware; returned in UTC): itself when it is inside the
        working day (closing time included), else the close of the last working day before it -- a time at night,
        at a weekend or on a bank holiday moves back, never forward. Used for due times that must be met while the
        hub and the agencies are at work (an agency's answer: enquiries.timescales.agency_due_at)."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        local = moment.astimezone(self.tz)
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        if self.is_working_day(day):
            if self.day_start <= clock <= self.day_end:
                return moment.astimezone(dt.UTC)
            if clock > self.day_end:
                return self._at(day, self.day_end).astimezone(dt.UTC)
        return self._at(self.previous_working_day(day), self.day_end).astimezone(dt.UTC)

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        current = self.clamp_forward(start)
        remaining = minutes
        while True:
            day_end = self._at(current.date(), self.day_end)
            available = int((day_end - current).total_seconds() // 60)
            if remaining <= available:
                return (current + dt.timedelta(minutes=remaining)).astimezone(dt.UTC)
            remaining -= available
            current = self._at(self.next_working_day(current.date()), self.day_start)

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working minutes from start to end (0 if end is not after start). The inverse of
        add_working_minutes: add_working_minutes(start, working_minutes_between(start, end)) is end, clamped
        forward to a working instant."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("start and end must be timezone-aware")
        current = self.clamp_forward(start)
        total = 0
        while current < end:
            day_end = self._at(current.date(), self.day_end)
            stop = min(day_end, end)
            total += int((stop - current).total_seconds() // 60)
            if end <= day_end:
                break
            current = self._at(self.next_working_day(current.date()), self.day_start)
        return total

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.add_working_minutes(start, round(hours * 60))

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        return self.add_working_minutes(start, days * self.minutes_per_day)


__all__ = ["WorkingCalendar"]
