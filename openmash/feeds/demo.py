"""Synthetic police and health extracts for the demo partnership, written at run time (never committed).

`demo_extracts_write(out_dir, ...)` writes ``police.csv`` and ``health.csv`` in the standard layout. Most
children are known to both agencies, each under its own spelling, as real systems hold them: a nickname or a
misheard first name (Kayden / Kaden), a hyphen or an apostrophe dropped (Smith-Jones / Smith Jones, O'Brien /
OBrien), letters that are not ASCII typed on an English keyboard (Wałęsa / Walesa), the NHS number written with
spaces, hyphens or not at all (and often not held by the police). Some children are known to one agency only.

The children are the demo database's own (children with an NHS number, so the imported events join the
chronologies their contacts started), or, with no seeded database, made up here. Both come from the 999 NHS
number range, which is never issued. Imported, a shared child whose police record holds the NHS number is one
person at once (openmash.people.linking); one the police hold without it is proposed as a look-alike (name and
date of birth), and the scoring run after the import joins it when it scores at or above the upper threshold (0.95)
or leaves it in the hub's review queue until a reviewer decides. Joined, its chronology shows police and health
events together.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from django.utils import timezone

from openmash.feeds.bench import FAMILY, GIVEN, STANDARD_HEADER, nhs_number

NICKNAMES = {
    "Kayden": "Kaden", "Jayden": "Jaden", "Aiden": "Aidan", "Sophie": "Sophia", "Isabella": "Bella",
    "Oliver": "Ollie", "Alexander": "Alex", "William": "Will", "Charlotte": "Lottie", "Thomas": "Tom",
    "Jessica": "Jess", "Daniel": "Dan", "Muhammad": "Mohammed", "Zoë": "Zoe", "Aoife": "Eefa",
}  # fmt: skip
POLICE_EVENTS = [
    ("DA incident", "Officers attended a domestic incident at the home address; the child was present."),
    ("Missing person", "Reported missing by a parent and found the next morning."),
    ("Welfare concern", "Neighbour called about shouting and a child crying late at night."),
    ("Concern for safety", "Seen in the town centre late at night with older youths."),
    ("CSE concern", "Seen getting into a car with an adult male not known to the family."),
]
HEALTH_EVENTS = [
    ("ED attendance", "Attended the emergency department with a head injury; explanation inconsistent."),
    ("Was not brought", "Not brought to a paediatric appointment for the third time."),
    ("Health visit", "Home visit: concerns about home conditions and the child's weight."),
    ("CAMHS referral", "Referred to CAMHS by the GP for low mood."),
    ("Self-harm", "Attended with superficial cuts to the forearm."),
]


@dataclass
class DemoChild:
    given: str
    family: str
    dob: dt.date
    sex: str
    postcode: str
    address: str
    nhs: str


def _spelling(given: str, family: str, rng: random.Random) -> tuple[str, str]:
    """Another agency's spelling of the same child's names."""
    if given in NICKNAMES and rng.random() < 0.8:
        given = NICKNAMES[given]
    elif len(given) > 3 and rng.random() < 0.8:
        i = rng.randrange(1, len(given) - 1)
        given = given[:i] + given[i + 1 :]  # a letter dropped
    if any(ch in family for ch in "-'"):
        family = family.replace("-", " ").replace("'", "")
    elif not family.isascii():
        family = anyascii(family)
    return given, family


def _nhs_written(nhs: str, style: int) -> str:
    return [f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}", nhs][style % 3]


def _synthetic(rng: random.Random, n: int, today: dt.date) -> list[DemoChild]:
    children = []
    for i in range(n):
        children.append(
            DemoChild(
                given=GIVEN[i % len(GIVEN)] if i < len(GIVEN) else rng.choice(GIVEN),
                family=FAMILY[i % len(FAMILY)] if i < len(FAMILY) else rng.choice(FAMILY),
                dob=today - dt.timedelta(days=rng.randrange(2 * 365, 16 * 365)),
                sex=rng.choice("MF"),
                postcode=f"EX{rng.randrange(1, 9)} {rng.randrange(10)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                address=f"{rng.randrange(1, 120)} {rng.choice(['Mill Lane', 'Station Road', 'Church Street'])}",
                nhs=nhs_number(rng),
            )
        )
    return children


def demo_children(rng: random.Random, n: int, today: dt.date) -> list[DemoChild]:
    """n children of the demo database (with an NHS number and a postcode), or made up when it has none."""
    from openmash.people.models import Person, PersonIdentifier

    people = list(
        Person.objects.filter(kind="child", date_of_birth__isnull=False, identifiers__identifier_type="nhs_number")
        .exclude(forename="")
        .exclude(surname="")
        .order_by("id")
        .distinct()[: n * 20]
    )
    if len(people) < n:
        return _synthetic(rng, n, today)
    chosen = rng.sample(people, n)
    nhs = dict(
        PersonIdentifier.objects.filter(person__in=chosen, identifier_type="nhs_number").values_list(
            "person_id", "value"
        )
    )
    out = []
    for p in chosen:
        address = p.addresses.order_by("-start_date").first()
        out.append(
            DemoChild(
                p.forename, p.surname, p.date_of_birth, p.sex if p.sex in "MF" else "U",
                address.postcode if address else "", address.line1 if address else "", nhs[p.pk],
            )
        )  # fmt: skip
    return out


def _latest(child: DemoChild, today: dt.date) -> int:
    """How many days back an event may be: up to 700, never before the child's birth (the import refuses that)."""
    return max(6, min(700, (today - child.dob).days + 1))


def _row(child: DemoChild, local_id: str, given: str, family: str, nhs: str, day: dt.date, event) -> list:
    return [local_id, given, family, child.dob.isoformat(), child.sex, child.postcode, child.address, nhs, "",
            day.isoformat(), event[0], event[1]]  # fmt: skip


def demo_extracts_write(out_dir: Path, *, children: int = 30, seed: int = 6, today: dt.date | None = None) -> dict:
    """Write police.csv and health.csv to out_dir. Returns {"police": path, "health": path, "both": [names known
    to both agencies, as the police spell them], "same_nhs": how many of those the police hold with the NHS number,
    "children": n}."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    pool = demo_children(rng, children, today)
    out_dir.mkdir(parents=True, exist_ok=True)
    police_rows, health_rows, both, same_nhs = [], [], [], 0
    for i, child in enumerate(pool):
        known_to = "both" if i < int(children * 0.6) else ("police" if i % 2 else "health")
        police_given, police_family = _spelling(child.given, child.family, rng)
        if known_to in ("both", "police"):
            nhs = _nhs_written(child.nhs, i) if rng.random() < 0.5 else ""  # the police often hold no NHS number
            for _ in range(rng.randrange(1, 4)):
                day = today - dt.timedelta(days=rng.randrange(5, _latest(child, today)))
                police_rows.append(
                    _row(child, f"PNC{i:05d}", police_given, police_family, nhs, day, rng.choice(POLICE_EVENTS))
                )
        if known_to in ("both", "health"):
            for _ in range(rng.randrange(1, 4)):
                day = today - dt.timedelta(days=rng.randrange(5, _latest(child, today)))
                health_rows.append(_row(child, f"RX{i:06d}", child.given, child.family, _nhs_written(child.nhs, i + 1), day, rng.choice(HEALTH_EVENTS)))  # fmt: skip
        if known_to == "both":
            same_nhs += bool(nhs)
            both.append(f"{police_given} {police_family} / {child.given} {child.family}")
    paths = {}
    for name, rows in (("police", police_rows), ("health", health_rows)):
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(STANDARD_HEADER)
            writer.writerows(sorted(rows, key=lambda r: (r[0], r[9])))
        paths[name] = path
    return {**paths, "both": both, "same_nhs": same_nhs, "children": len(pool)}


__all__ = ["demo_extracts_write"]
