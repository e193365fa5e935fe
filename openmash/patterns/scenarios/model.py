"""The scenario model: synthetic people, each agency's record of them, their events, and what a reader of the
records should conclude.

A scenario is written with a `ScenarioBuilder` (see catalogue.py): people (children and adults, each with a
home), each agency's *record* of a person (the agency's own spelling of the name, nickname, a day/month-swapped
date of birth, missing identifiers, its own address format), and events on those records dated in days before
the scenario's ``as_of`` date. Everything is deterministic: identifiers and record ids are derived from a SHA-256
of the scenario code, the agency and the person, so the same catalogue always writes the same extracts.

Inputs: the catalogue's calls. Outputs: `Scenario` objects whose `rows` are standard-extract rows
(openmash/feeds/mappings/standard.yaml) and whose `expectation()` is the plain data `score.score` needs.
Errors: `ValueError` when a scenario is written inconsistently (a swapped date that would not differ, an event
before the person was born, an expected child without records).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openmash.people.identifiers import nhs_number_check_digit, pnc_check_character, upn_check_letter

#: The columns each agency's file has, in the standard extract (event_id and pnc_id are optional columns).
EXTRACT_HEADER = ["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                  "nhs_number", "upn", "pnc_id", "event_date", "event_type", "description", "event_id"]  # fmt: skip

CONCERNING = "concerning"
BENIGN = "benign"
TRAP = "trap"  # two different children who must never be merged


@dataclass(frozen=True)
class AgencySpec:
    """An agency of the synthetic partnership: `openmash agency create` arguments plus how its system writes
    records (record id prefix and digits, date format, address style, which identifiers it holds)."""

    code: str
    name: str
    type: str
    source_code: str
    health_service: str = ""
    id_prefix: str = "X"
    id_digits: int = 7
    date_format: str = "%Y-%m-%d"
    address_style: str = "plain"  # plain | upper | short | flat
    holds_nhs: bool = False
    holds_upn: bool = False
    holds_pnc: bool = False
    sex_words: tuple[str, str] = ("M", "F")


AGENCIES: dict[str, AgencySpec] = {
    a.code: a
    for a in (
        AgencySpec("police", "Devon and Cornwall Police", "police", "6", id_prefix="DCP", id_digits=8,
                   date_format="%d/%m/%Y", address_style="upper", holds_pnc=True),
        AgencySpec("ed-rde", "Royal Devon Emergency Department", "health", "3E", "acute", id_prefix="RDE",
                   id_digits=6, holds_nhs=True, sex_words=("Male", "Female")),
        AgencySpec("ed-tor", "Torbay Hospital Emergency Department", "health", "3E", "acute", id_prefix="TOR",
                   id_digits=6, holds_nhs=True, date_format="%d/%m/%Y"),
        AgencySpec("ed-plh", "Plymouth Derriford Emergency Department", "health", "3E", "acute", id_prefix="PLH",
                   id_digits=7, holds_nhs=True, sex_words=("1", "2")),
        AgencySpec("hv", "Health Visiting Service", "health", "3B", "health_visiting", id_prefix="HV", id_digits=7,
                   holds_nhs=True, address_style="short"),
        AgencySpec("gp", "Primary Care (GP practices)", "health", "3A", "gp", id_prefix="GP", id_digits=8,
                   holds_nhs=True),
        AgencySpec("midwifery", "Maternity Services", "health", "3F", "midwifery", id_prefix="MAT", id_digits=6,
                   holds_nhs=True),
        AgencySpec("camhs", "Children and Young People's Mental Health Service", "health", "3F", "camhs",
                   id_prefix="CAM", id_digits=6, holds_nhs=True, date_format="%d/%m/%Y"),
        AgencySpec("school", "Education Welfare and Schools", "education", "2A", id_prefix="SIMS", id_digits=6,
                   date_format="%d/%m/%Y", holds_upn=True, sex_words=("Male", "Female")),
        AgencySpec("probation", "Probation Service", "probation", "7", id_prefix="NDL", id_digits=7,
                   date_format="%d/%m/%Y", address_style="upper", holds_pnc=True),
        AgencySpec("housing", "Housing Options", "housing", "4", id_prefix="HSG", id_digits=6, address_style="flat"),
        AgencySpec("csc", "Children's Social Care", "csc", "5A", id_prefix="LCS", id_digits=6, holds_nhs=True,
                   holds_upn=True),
        AgencySpec("yjs", "Youth Justice Service", "youth_justice", "5B", id_prefix="YJ", id_digits=6,
                   date_format="%d/%m/%Y", holds_pnc=True),
        AgencySpec("idva", "Domestic Abuse Service (IDVA)", "domestic_abuse", "8", id_prefix="IDVA", id_digits=5),
        AgencySpec("sms", "Drug and Alcohol Service", "asc", "5A", id_prefix="SMS", id_digits=6, holds_nhs=True),
        AgencySpec("amh", "Adult Mental Health Service", "health", "3F", id_prefix="AMH", id_digits=6,
                   holds_nhs=True),
        # Added with the fresh3 set (CN49-CN58): agencies of a real partnership that parts one to four lacked.
        AgencySpec("amb", "South Western Ambulance Service", "health", "3F", id_prefix="SWA", id_digits=8,
                   date_format="%d/%m/%Y", address_style="upper", holds_nhs=True),
        AgencySpec("ha", "Westcountry Homes (housing association)", "housing", "4", id_prefix="WCH", id_digits=7,
                   address_style="flat"),
        AgencySpec("ey", "Early Years Settings (nurseries and pre-schools)", "education", "2B", id_prefix="EYS",
                   id_digits=5, date_format="%d/%m/%Y", sex_words=("Boy", "Girl")),
        AgencySpec("youth", "Youth Service", "early_help", "5B", id_prefix="YTH", id_digits=6,
                   date_format="%d/%m/%Y", address_style="short"),
        AgencySpec("pharm", "Community Pharmacy", "health", "3D", id_prefix="RX", id_digits=7, holds_nhs=True),
        # Added with the fresh6 set (CN79-CN88): a dental service, adult social care and school nursing.
        AgencySpec("dent", "Community and General Dental Services", "health", "3D", id_prefix="DEN", id_digits=6,
                   date_format="%d/%m/%Y", holds_nhs=True),
        AgencySpec("asc", "Adult Social Care", "asc", "5A", id_prefix="ASC", id_digits=7, address_style="upper",
                   holds_nhs=True),
        AgencySpec("sn", "School Nursing Service", "health", "3C", "school_nursing", id_prefix="SN", id_digits=7,
                   address_style="short", holds_nhs=True, sex_words=("Male", "Female")),
        # Added with the fresh7 set (CN89-CN98): the voluntary and community sector (CIN referral source 8).
        AgencySpec("vcs", "Voluntary and Community Sector (drop-ins, food banks, family support)", "early_help", "8",
                   id_prefix="VCS", id_digits=5, date_format="%d/%m/%Y", address_style="short", sex_words=("Male", "Female")),
    )
}  # fmt: skip


def _digest(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest(), 16)


def nhs_number_for(*parts: str) -> str:
    """A valid NHS number in the never-issued 999 range, derived from `parts`."""
    salt = 0
    while True:
        first9 = "999" + f"{_digest(*parts, str(salt)) % 1_000_000:06d}"
        check = nhs_number_check_digit(first9)
        if check is not None:
            return first9 + str(check)
        salt += 1


def upn_for(born: dt.date, *parts: str) -> str:
    """A valid UPN: Devon's LA number 878, an establishment, the year the child started school, a serial."""
    n = _digest(*parts)
    last12 = f"878{2000 + n % 800:04d}{(born.year + 4) % 100:02d}{n // 1000 % 1000:03d}"
    return upn_check_letter(last12) + last12


def pnc_for(born: dt.date, *parts: str) -> str:
    """A valid PNC id (year the person was first recorded, a serial, the check letter), two-digit year form."""
    n = _digest(*parts)
    year = f"{(born.year + 18 + n % 6) % 100:02d}"
    serial = f"{n // 10 % 1_000_000:06d}"
    return f"{year}/{serial}{pnc_check_character(year, serial)}"


@dataclass(frozen=True)
class Home:
    """An address: house number (or flat), street, town, postcode."""

    number: str
    street: str
    town: str
    postcode: str

    def written(self, style: str) -> str:
        """The address as an agency's system writes it."""
        if style == "upper":
            return f"{self.number} {self.street}, {self.town}".upper()
        if style == "short":
            short = self.street.replace(" Road", " Rd").replace(" Street", " St").replace(" Avenue", " Ave")
            return f"{self.number} {short.replace(' Lane', ' Ln').replace(' Close', ' Cl')}"
        if style == "flat" and "/" in self.number:
            flat, house = self.number.split("/", 1)
            return f"Flat {flat}, {house} {self.street}, {self.town}"
        return f"{self.number.replace('/', ' ')} {self.street}, {self.town}"

    def postcode_written(self, style: str) -> str:
        return self.postcode.replace(" ", "") if style == "upper" else self.postcode


@dataclass(frozen=True)
class PersonSpec:
    """A synthetic person (never a real one): the truth behind the agencies' records."""

    key: str  # unique in its scenario: "child", "mother", "partner", "sibling"...
    given: str
    family: str
    born: dt.date
    sex: str  # M | F
    home: Home
    child: bool


@dataclass(frozen=True)
class Row:
    """One standard-extract row of one agency's file."""

    agency: str
    person: str  # the PersonSpec key (not written to the file)
    values: dict


@dataclass(frozen=True)
class Expectation:
    """What the scorer needs: the scenario's kind, its records (record id -> person key), and for a concerning
    scenario (or a trap with a child to flag) the child, the record ids that must be in the flag and the
    agencies its explanation must name."""

    code: str
    theme: str
    kind: str
    record_people: dict[str, str]
    flagged_person: str | None = None
    required_ids: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()


@dataclass
class Scenario:
    code: str
    theme: str
    source: str  # the review theme it is drawn from, in words
    kind: str
    as_of: dt.date
    twin: str = ""  # the matched scenario's code (concerning <-> benign)
    people: dict[str, PersonSpec] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    records: dict[tuple[str, str], dict] = field(default_factory=dict)  # (agency, person) -> person columns
    flagged_person: str | None = None
    agencies: tuple[str, ...] = ()
    single_agency_rule: bool = False  # a rule one agency's record meets alone (injury to a non-mobile baby)

    def record_ids(self) -> dict[str, str]:
        """record id -> person key, every record written to an extract in the scenario."""
        return {r.values["record_id"]: r.person for r in self.rows}

    def child_record_ids(self, person: str) -> dict[str, str]:
        """agency -> record id of `person`'s records (those written to an extract)."""
        return {r.agency: r.values["record_id"] for r in self.rows if r.person == person}

    def expectation(self) -> Expectation:
        required: frozenset[str] = frozenset()
        if self.flagged_person:
            held = self.child_record_ids(self.flagged_person)
            required = frozenset(rid for agency, rid in held.items() if agency in self.agencies)
        return Expectation(
            code=self.code,
            theme=self.theme,
            kind=self.kind,
            record_people=self.record_ids(),
            flagged_person=self.flagged_person,
            required_ids=required,
            agencies=frozenset(self.agencies),
        )

    def expected_text(self) -> str:
        if self.flagged_person:
            return f"flag {self.flagged_person} naming {'+'.join(sorted(self.agencies))}"
        return "no flag"


class ScenarioBuilder:
    """Writes one scenario. Dates are given as days before `as_of` (events) or (years, days) of age at `as_of`."""

    def __init__(self, code: str, theme: str, source: str, kind: str, as_of: dt.date, twin: str = "") -> None:
        self.s = Scenario(code=code, theme=theme, source=source, kind=kind, as_of=as_of, twin=twin)
        self._events: dict[str, int] = {}

    # people ------------------------------------------------------------------------------------------------
    def person(self, key, given, family, *, sex, home, age=None, born=None, child=True) -> PersonSpec:
        """age: (years, days) at as_of, or days (an int) for a baby; or born: the date of birth itself."""
        if born is None:
            years, days = (0, age) if isinstance(age, int) else age
            born = self.s.as_of - dt.timedelta(days=round(years * 365.25) + days)
        p = PersonSpec(key=key, given=given, family=family, born=born, sex=sex, home=home, child=child)
        if key in self.s.people:
            raise ValueError(f"{self.s.code}: person {key} given twice")
        self.s.people[key] = p
        return p

    def adult(self, key, given, family, *, age, sex, home) -> PersonSpec:
        return self.person(key, given, family, age=age, sex=sex, home=home, child=False)

    def merge_traps_differ(self) -> None:
        """Check (for a trap) that no two of its people share every identifier: distinct people."""
        ids = [(p.given, p.family, p.born, p.home) for p in self.s.people.values()]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.s.code}: two people are identical")

    # records -----------------------------------------------------------------------------------------------
    def record(
        self,
        agency: str,
        p: PersonSpec,
        *,
        given: str | None = None,
        family: str | None = None,
        swap_dob: bool = False,
        dob: str | None = None,
        nhs: bool = True,
        upn: bool = True,
        pnc: bool = False,
        home: Home | None = None,
        sex: str | None = None,
    ) -> tuple[str, str]:
        """The agency's record of person `p` (its spelling, a swapped or blank date of birth, identifiers it
        holds unless told it lacks them). Returns the (agency, person key) the events use."""
        spec = AGENCIES[agency]
        code = self.s.code
        rid = f"{spec.id_prefix}{_digest(code, agency, p.key) % 10**spec.id_digits:0{spec.id_digits}d}"
        born = p.born
        if swap_dob:
            if born.day > 12 or born.day == born.month:
                raise ValueError(f"{code}: {p.key}'s date of birth cannot be day/month swapped")
            born = dt.date(born.year, born.day, born.month)
        where = home or p.home
        cols = {
            "record_id": rid,
            "given_name": given or p.given,
            "family_name": family or p.family,
            "date_of_birth": dob if dob is not None else born.strftime(spec.date_format),
            "sex": (sex or spec.sex_words[0 if p.sex == "M" else 1]),
            "postcode": where.postcode_written(spec.address_style),
            "address": where.written(spec.address_style),
            "nhs_number": nhs_number_for(code, p.key) if (spec.holds_nhs and nhs) else "",
            "upn": upn_for(p.born, code, p.key) if (spec.holds_upn and upn and p.child) else "",
            "pnc_id": pnc_for(p.born, code, p.key) if (spec.holds_pnc and pnc) else "",
        }
        if cols["nhs_number"] and agency in ("gp", "hv"):
            n = cols["nhs_number"]
            cols["nhs_number"] = f"{n[:3]} {n[3:6]} {n[6:]}"  # as shown on screen
        self.s.records[(agency, p.key)] = cols
        return (agency, p.key)

    def event(self, rec: tuple[str, str], days_before: int, event_type: str, description: str) -> None:
        """An event on the agency's record, `days_before` the scenario's as_of date."""
        agency, key = rec
        cols = self.s.records[rec]
        day = self.s.as_of - dt.timedelta(days=days_before)
        if day < self.s.people[key].born or days_before < 0:
            raise ValueError(f"{self.s.code}: an event for {key} before birth or after as_of")
        n = self._events.get(agency, 0) + 1
        self._events[agency] = n
        spec = AGENCIES[agency]
        values = {
            **cols,
            "event_date": day.strftime(spec.date_format),
            "event_type": event_type,
            "description": description,
            "event_id": f"{cols['record_id']}-E{n:03d}" if agency in ("police", "csc", "ed-rde") else "",
        }
        self.s.rows.append(Row(agency=agency, person=key, values=values))

    def expect(self, p: PersonSpec | None, agencies: Iterable[str] = (), *, single_agency_rule=False) -> Scenario:
        """Finish: the child who should be flagged (None: no child) and the agencies the flag must name."""
        self.s.flagged_person = p.key if p else None
        self.s.agencies = tuple(sorted(set(agencies)))
        self.s.single_agency_rule = single_agency_rule
        if p is not None:
            held = self.s.child_record_ids(p.key)
            if not any(a in held for a in self.s.agencies):
                raise ValueError(f"{self.s.code}: the flagged child has no record in the named agencies")
        return self.s


def extracts_write(scenarios: Iterable[Scenario], directory: Path) -> dict[str, Path]:
    """Write one standard-extract CSV per agency holding rows of `scenarios` into `directory`.
    Returns agency code -> path (agencies in AGENCIES order). Deterministic: same scenarios, same bytes."""
    by_agency: dict[str, list[dict]] = {}
    for s in scenarios:
        for r in s.rows:
            by_agency.setdefault(r.agency, []).append(r.values)
    paths: dict[str, Path] = {}
    for agency in AGENCIES:
        rows = by_agency.get(agency)
        if not rows:
            continue
        path = Path(directory) / f"{agency}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.DictWriter(f, fieldnames=EXTRACT_HEADER, lineterminator="\r\n")
            out.writeheader()
            out.writerows(rows)
        paths[agency] = path
    return paths


__all__ = [
    "AGENCIES", "BENIGN", "CONCERNING", "EXTRACT_HEADER", "TRAP", "AgencySpec", "Expectation", "Home", "PersonSpec",
    "Row", "Scenario", "ScenarioBuilder", "extracts_write", "nhs_number_for", "pnc_for", "upn_for",
]  # fmt: skip
