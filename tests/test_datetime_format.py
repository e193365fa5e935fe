"""One way to write a date and time (practitioners' review: "1 December 2026, 05:36", "5:36am" and "1 December 2026
at 5:44am" on one Monday). GOV.UK style, "1 December 2026 at 5:36am", in UK time (Europe/London), written by the
`when` filter (and its alias `when_long`) on pages and by core.text.datetime_long in services' messages.

This test scans every template for any other way of formatting a time (Django's `date` filter with a time part,
the `time` filter, `{% now %}` with a time part), and the Python source for strftime-style times in text meant for
people, outside the few places that write machine formats (listed in MACHINE_FORMATS with the reason)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent / "openmash"
#: Django date-format characters that write part of a time of day.
TIME_CHARS = set("aAfgGhHisuPeOTZUcr")
DATE_FILTER = re.compile(r"""\|\s*date\s*:\s*["']([^"']*)["']""")
TIME_FILTER = re.compile(r"""\|\s*time\b""")
NOW_TAG = re.compile(r"""\{%\s*now\s+["']([^"']*)["']""")
#: A <time datetime="..."> attribute is for machines (ISO 8601): not scanned.
MACHINE_ATTR = re.compile(r'\bdatetime="\{\{[^}]*\}\}"')
PY_TIME = re.compile(r"%[HIMp]")

#: Python files that write times for machines, not people, or fill a time input (HH:MM is the input's value).
MACHINE_FORMATS = {
    "audit/canonical.py": "the audit chain's canonical ISO form",
    "audit/models.py": "an admin/shell __str__",
    "audit/views.py": "a download's file name",
    "audit/chain.py": "a retired chain file's name",
    "matching/models.py": "an admin/shell __str__",
    "accounts/management/commands/token.py": "command-line output (ISO)",
    "accounts/management/commands/user_grants.py": "command-line output (ISO)",
    "partnership/views.py": "the working day's start and end time inputs",
    "web/views/contacts.py": "the intake's time input",
    "casework/views.py": "the case note's time input",
    "feeds/mapping.py": "a feed's strptime formats",
    "feeds/validate.py": "a feed's strptime formats",
}


def _templates():
    return sorted(p for p in ROOT.rglob("templates/**/*.html"))


def test_no_template_formats_a_time_but_through_the_one_filter():
    offending = []
    for path in _templates():
        text = MACHINE_ATTR.sub("", path.read_text(encoding="utf-8"))
        for fmt in DATE_FILTER.findall(text) + NOW_TAG.findall(text):
            if set(fmt) & TIME_CHARS:
                offending.append(f"{path.relative_to(ROOT)}: {fmt!r}")
        if TIME_FILTER.search(text):
            offending.append(f"{path.relative_to(ROOT)}: |time")
    assert not offending, "Use |when ('1 December 2026 at 5:36am') for a date and time:\n" + "\n".join(offending)


def test_no_service_writes_a_time_for_people_but_through_the_one_helper():
    offending = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel in MACHINE_FORMATS or "/scenarios/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PY_TIME.search(line) and not line.lstrip().startswith("#"):
                offending.append(f"{rel}:{n}: {line.strip()}")
    assert not offending, "Use core.text.datetime_long for a time in a message:\n" + "\n".join(offending)


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (dt.datetime(2026, 12, 1, 5, 36, tzinfo=dt.UTC), "1 December 2026 at 5:36am"),  # GMT
        (dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC), "1 July 2026 at midday"),  # BST: an hour ahead
        (dt.datetime(2026, 7, 1, 16, 5, tzinfo=dt.UTC), "1 July 2026 at 5:05pm"),
        (None, ""),
    ],
)
def test_the_one_filter_writes_gov_uk_style_in_uk_time(utc, shown, settings):
    from openmash.web.templatetags.openmash_web import occurred, when, when_long

    assert ZoneInfo(settings.TIME_ZONE) == ZoneInfo("Europe/London")
    assert when(utc) == when_long(utc) == shown
    assert occurred({"occurred_at": utc, "time_known": True}) == shown
