"""Rewrite stored PNC IDs in their one canonical form (four-digit year / seven-digit serial / check letter, ADR 0009),
so a PNC ID typed "01/12345H" finds one stored as "2001/0012345H".

Data only. The rule is copied here, frozen (a migration must not depend on app code that may change later): a value
that does not parse, or whose check letter does not match, is left exactly as it was. Re-runnable: canonical values
are left alone. Batched by primary key.
"""

import datetime as dt
import re

from django.db import migrations

_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"
_SHAPE = re.compile(r"([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])")
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]")
BATCH = 2000


def _canonical(value: str) -> str | None:
    m = _SHAPE.fullmatch(_SEPARATORS.sub("", value or "").upper())
    if not m:
        return None
    year, serial, check = m.groups()
    if int(serial) == 0 or _ALPHABET[int(year[-2:] + serial.zfill(7)) % 23] != check:
        return None
    if len(year) == 2:
        this_year = dt.datetime.now(dt.UTC).year
        year = str(2000 + int(year) if 2000 + int(year) <= this_year else 1900 + int(year))
    return f"{year}/{int(serial):07d}{check}"


def _rewrite(queryset, field: str) -> None:
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", field)[:BATCH])
        if not rows:
            return
        for pk, value in rows:
            new = _canonical(value)
            if new and new != value:
                queryset.filter(pk=pk).update(**{field: new})
        last = rows[-1][0]


def forwards(apps, schema_editor):
    PersonIdentifier = apps.get_model("people", "PersonIdentifier")
    AgencyRecord = apps.get_model("people", "AgencyRecord")
    _rewrite(PersonIdentifier.objects.filter(identifier_type="pnc_id"), "value")
    _rewrite(AgencyRecord.objects.exclude(pnc_id=""), "pnc_id")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_search_keys"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
