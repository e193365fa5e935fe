"""The one name every page shows for a person (issue 6 practitioner review, finding 2: the person page headed
"Łucja Wałęsa" while the chronology, its PDF and the contact page said "Lucja Walesa").

``Person.full_name`` prefers a joined agency record's fuller spelling of the same name (people.summary.name_preferred)
but can only do so when the reader loaded the person's joined records. ``names_resolve`` loads, in one query for
any number of people, the spellings their joined records hold, so a page that shows people loaded some other way
(a contact's people, a chronology's child and household, an enquiry's subjects) shows the same resolved name as the
person page without a query per person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from openmash.people.models import AgencyRecord, Person


def names_resolve(people: Iterable[Person | None]) -> list[Person]:
    """Attach to each person (``name_spellings``) the (given, family) names of the agency records joined into their
    resolved identity, so ``full_name`` shows the resolved name. In: people (None and repeats skipped; people whose
    records are already loaded are left alone). Out: the people given spellings. One query, whatever the number of
    people. Errors: the database's. Not audited: it reads the names the caller is about to show, and the caller
    audits showing them."""
    wanted = [
        p
        for p in dict.fromkeys(p for p in people if p is not None)
        if getattr(p, "name_spellings", None) is None
        and getattr(p, "picture", None) is None
        and getattr(p, "summary_records", None) is None
    ]
    if not wanted:
        return []
    spellings: dict = defaultdict(list)
    roots = {p.merged_into_id or p.pk for p in wanted}
    rows = (
        AgencyRecord.objects.filter(person_id__in=roots)
        .order_by("received_at", "pk")
        .values_list("person_id", "given_name", "family_name")
    )
    for person_id, given, family in rows:
        spellings[person_id].append((given, family))
    for p in wanted:
        p.name_spellings = spellings.get(p.merged_into_id or p.pk, [])
    return wanted


def other_names(person: Person, picture) -> list[str]:
    """The person's "Also known as": every other name or spelling the partnership holds for them (issue 6
    practitioner review, finding 3: the merged child's list was empty while the police record spelt her "Lucja
    Walesa"). In: the resolved person and their cluster picture (people.selectors.Picture). Out: whole names, each
    once, in the order aliases, the cluster's people (their own names as recorded), the joined agency records
    (oldest first); never the name the page shows (``person.full_name``). No queries; never raises."""
    from openmash.people.summary import display_name

    shown = person.full_name
    spellings = [
        *((a.forename, a.surname) for a in picture.aliases),
        *((p.forename, p.surname) for p in picture.people),
        *((r.given_name, r.family_name) for r in picture.records),
    ]
    out: list[str] = []
    for forename, surname in spellings:
        name = display_name(forename, surname)
        if name and name != shown and name not in out:
            out.append(name)
    return out


__all__ = ["names_resolve", "other_names"]
