"""Synthetic people for the demo partnership and the benchmark: households of children (some unborn) and adults.

Everything is generated from one `random.Random` and one seeded Faker (en_GB), so a seed always gives the same
people. Identifiers carry valid check digits computed with `openmash.people.identifiers`; NHS numbers come from the
999 000 0000-999 999 9999 range, which the NHS never issues (DOMAIN.md 2.5). People are bulk-inserted (the services
create one person at a time); the normalised name columns are filled with the same function the services use.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from faker import Faker

from openmash.core.text import normalise_name
from openmash.demo.fastinsert import insert_rows
from openmash.people.choices import IdentifierType, PersonKind, RelationshipType, Sex
from openmash.people.identifiers import (
    nhs_number_check_digit,
    nhs_number_is_placeholder,
    pnc_check_character,
    pnc_id_normalise,
    upn_check_letter,
)
from openmash.people.linking import local_id_for
from openmash.people.models import (
    Address,
    AgencyRecord,
    Household,
    HouseholdMember,
    Person,
    PersonAlias,
    PersonIdentifier,
    Relationship,
    SearchKey,
)
from openmash.people.search_index import search_key_rows

# Approximate shares for children in England (2021 census), as DfE ethnicity codes.
ETHNICITY_WEIGHTS = {
    "WBRI": 70.0,
    "WIRI": 0.5,
    "WIRT": 0.3,
    "WROM": 0.4,
    "WOTH": 6.0,
    "MWBC": 1.5,
    "MWBA": 0.8,
    "MWAS": 1.5,
    "MOTH": 1.2,
    "AIND": 3.0,
    "APKN": 3.5,
    "ABAN": 1.2,
    "AOTH": 1.5,
    "BCRB": 1.0,
    "BAFR": 3.0,
    "BOTH": 0.5,
    "CHNE": 0.5,
    "OOTH": 2.0,
    "REFU": 0.2,
    "NOBT": 1.4,
}
MIXED = ["MWBC", "MWBA", "MWAS", "MOTH"]
# DfE establishment numbers used for UPNs: primary (4-10) and secondary (11-16) settings in the partnership.
PRIMARY_ESTAB, SECONDARY_ESTAB = "2001", "4002"


@dataclass(eq=False)
class PersonSummary:
    """What the seeders need to know about a generated person, without keeping model instances around."""

    id: object
    kind: str
    forename: str
    surname: str
    sex: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    household: int
    nhs_number: str = ""

    def age_on(self, day: dt.date) -> float:
        born = self.date_of_birth or self.expected_date_of_birth
        return (day - born).days / 365.25


@dataclass(eq=False)
class HouseholdSummary:
    index: int
    id: object
    adults: list[PersonSummary] = field(default_factory=list)
    children: list[PersonSummary] = field(default_factory=list)
    line1: str = ""
    town: str = ""
    postcode: str = ""


@dataclass
class Population:
    households: list[HouseholdSummary] = field(default_factory=list)

    @property
    def people_count(self) -> int:
        return sum(len(h.adults) + len(h.children) for h in self.households)


class IdentifierSource:
    """Unique, valid identifiers. NHS numbers walk a fixed permutation of the 999 test range, so two sources with
    different offsets never collide and no bookkeeping is needed."""

    def __init__(self, rng: random.Random, *, la_code: str = "999", offset: int = 0) -> None:
        self.rng = rng
        self.la_code = (la_code or "999").zfill(3)[:3]
        self._nhs_i = offset
        self._upn_serial = offset % 1000
        self._upn_year = 10 + (offset // 1000) % 80

    def nhs_number(self) -> str:
        while True:
            n = (self._nhs_i * 7919 + 104729) % 1_000_000
            self._nhs_i += 1
            first9 = f"999{n:06d}"
            check = nhs_number_check_digit(first9)
            if check is not None and not nhs_number_is_placeholder(f"{first9}{check}"):
                return f"{first9}{check}"

    def upn(self, *, secondary: bool) -> str:
        self._upn_serial += 1
        if self._upn_serial > 999:
            self._upn_serial, self._upn_year = 1, 10 + (self._upn_year - 9) % 80
        estab = SECONDARY_ESTAB if secondary else PRIMARY_ESTAB
        last12 = f"{self.la_code}{estab}{self._upn_year:02d}{self._upn_serial:03d}"
        return upn_check_letter(last12) + last12

    def pnc_id(self) -> str:
        year = f"{self.rng.randint(0, 25):02d}"
        serial = str(self.rng.randint(1, 999_999))
        return pnc_id_normalise(f"{year}/{serial}{pnc_check_character(year, serial)}")  # the one stored form


class NamePools:
    """Name and place pools drawn once from Faker, then sampled with the seeded Random (fast and repeatable)."""

    def __init__(self, fake: Faker, *, size: int = 400) -> None:
        self.male = sorted({fake.first_name_male() for _ in range(size)})
        self.female = sorted({fake.first_name_female() for _ in range(size)})
        self.surnames = sorted({fake.last_name() for _ in range(size * 2)})
        self.streets = sorted({fake.street_name() for _ in range(size)})
        self.towns = sorted({fake.city() for _ in range(8)})[:6]
        self.fake = fake

    def forename(self, rng: random.Random, sex: str) -> str:
        if sex == Sex.MALE:
            return rng.choice(self.male)
        if sex == Sex.FEMALE:
            return rng.choice(self.female)
        return rng.choice(self.male + self.female)


def _years_ago(today: dt.date, rng: random.Random, low: float, high: float) -> dt.date:
    return today - dt.timedelta(days=int(rng.uniform(low, high) * 365.25))


class PopulationBuilder:
    """Builds households in chunks and bulk-inserts them."""

    def __init__(
        self,
        *,
        rng: random.Random,
        pools: NamePools,
        ids: IdentifierSource,
        today: dt.date,
        reference_offset: int = 0,
        created_at: dt.datetime | None = None,
        record_agency_id=None,
    ) -> None:
        self.rng, self.pools, self.ids, self.today = rng, pools, ids, today
        # Every person has at least one agency record (ADR 0005): the partnership's own (the hub's) record of each
        # generated person, written in the same bulk insert as the people.
        self.record_agency_id = record_agency_id
        self.reference_offset = reference_offset
        self.created_at = created_at or timezone.now()
        self._ethnicities = list(ETHNICITY_WEIGHTS)
        self._eth_weights = list(ETHNICITY_WEIGHTS.values())
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[type, list] = {
            m: []
            for m in (
                Household,
                Person,
                PersonIdentifier,
                Address,
                HouseholdMember,
                Relationship,
                PersonAlias,
                AgencyRecord,
            )
        }
        self._records: dict = {}

    # --- sizes ------------------------------------------------------------------------------------------------

    def plan_sizes(self, people: int, households: int) -> list[tuple[int, int]]:
        """(adults, children) per household, adding up to `people`."""
        households = max(1, min(households, people // 2 or 1))
        adults = [self.rng.choices([1, 2, 3], weights=[55, 40, 5])[0] for _ in range(households)]
        while sum(adults) > people * 0.6 and any(a > 1 for a in adults):
            adults[adults.index(max(adults))] -= 1
        children_total = max(0, people - sum(adults))
        weights = [self.rng.choice([0.3, 1, 1, 1.5, 2, 3]) for _ in range(households)]
        counts = [0] * households
        for h in self.rng.choices(range(households), weights=weights, k=children_total):
            counts[h] += 1
        return list(zip(adults, counts, strict=True))

    # --- one household --------------------------------------------------------------------------------------

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def household(self, index: int, n_adults: int, n_children: int) -> HouseholdSummary:
        rng = self.rng
        hh = {"id": self.new_id(), "reference": f"HH{index + self.reference_offset:07d}"}
        self.rows[Household].append(hh)
        summary = HouseholdSummary(
            index=index,
            id=hh["id"],
            line1=f"{rng.randint(1, 220)} {rng.choice(self.pools.streets)}",
            town=rng.choice(self.pools.towns),
            postcode=self.pools.fake.postcode(),
        )
        moved_in = self.today - dt.timedelta(days=rng.randint(30, 3650))
        surname = rng.choice(self.pools.surnames)
        ethnicity = rng.choices(self._ethnicities, weights=self._eth_weights)[0]
        child_ages = sorted((rng.uniform(0.05, 17.9) for _ in range(n_children)), reverse=True)
        oldest = child_ages[0] if child_ages else rng.uniform(0, 25)
        self._adults(summary, n_adults, surname, ethnicity, oldest, moved_in)
        self._children(summary, child_ages, surname, ethnicity, moved_in)
        self._relationships(summary)
        return summary

    def _person(self, summary, *, kind, forename, surname, sex, ethnicity, dob, edd, moved_in) -> PersonSummary:
        pid = self.new_id()
        self.rows[Person].append(
            {
                "id": pid,
                "kind": kind,
                "forename": forename,
                "surname": surname,
                "forename_norm": normalise_name(forename),
                "surname_norm": normalise_name(surname),
                "date_of_birth": dob,
                "expected_date_of_birth": edd,
                "sex": sex,
                "ethnicity": ethnicity,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            }
        )
        if self.record_agency_id is not None:
            record = {
                "id": self.new_id(),
                "agency_id": self.record_agency_id,
                "local_id": local_id_for(pid),
                "origin_person_id": pid,
                "person_id": pid,
                "kind": kind,
                "given_name": forename,
                "family_name": surname,
                "date_of_birth": dob,
                "sex": sex,
                "as_received": {"generated": "demo population"},
                "received_at": self.created_at,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            }
            self._records[pid] = record
            self.rows[AgencyRecord].append(record)
        start = max(moved_in, dob) if dob else moved_in
        self._address(pid, summary.line1, summary.town, summary.postcode, start, None)
        if dob and self.rng.random() < 0.1 and start - dob > dt.timedelta(days=400):
            line1 = f"{self.rng.randint(1, 220)} {self.rng.choice(self.pools.streets)}"
            town, postcode = self.rng.choice(self.pools.towns), self.pools.fake.postcode()
            self._address(pid, line1, town, postcode, dob + (start - dob) / 3, start - dt.timedelta(days=1))
        self.rows[HouseholdMember].append(
            {"id": self.new_id(), "household_id": summary.id, "person_id": pid, "start_date": start}
        )
        return PersonSummary(pid, kind, forename, surname, sex, dob, edd, summary.index)

    def _address(self, pid, line1, town, postcode, start, end) -> None:
        record = self._records.get(pid)
        if record is not None and end is None:
            record.update(postcode=postcode, address=f"{line1}, {town}"[:300])
        self.rows[Address].append(
            {
                "id": self.new_id(),
                "person_id": pid,
                "line1": line1,
                "town": town,
                "postcode": postcode,
                "start_date": start,
                "end_date": end,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            }
        )

    def _identifier(self, person_id, kind: str, value: str) -> None:
        record = self._records.get(person_id)
        if record is not None:
            record[kind] = value  # generated identifiers are valid by construction
        self.rows[PersonIdentifier].append(
            {
                "id": self.new_id(),
                "person_id": person_id,
                "identifier_type": kind,
                "value": value,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            }
        )

    def _adults(self, summary, n_adults, surname, ethnicity, oldest_child, moved_in) -> None:
        rng = self.rng
        first_sex = Sex.FEMALE if rng.random() < 0.75 else Sex.MALE
        first_age = min(oldest_child + rng.uniform(18, 38), 70)
        for i in range(n_adults):
            if i == 0:
                sex, age, name = first_sex, first_age, surname
            elif i == 1:
                sex = Sex.MALE if first_sex == Sex.FEMALE else Sex.FEMALE
                age = max(18.2, first_age + rng.uniform(-8, 8))
                name = surname if rng.random() < 0.6 else rng.choice(self.pools.surnames)
            else:
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                age = first_age + 25 if rng.random() < 0.6 else rng.uniform(18.2, 24)
                name = surname
            eth = ethnicity if rng.random() < 0.9 else rng.choices(self._ethnicities, weights=self._eth_weights)[0]
            p = self._person(
                summary,
                kind=PersonKind.ADULT,
                forename=self.pools.forename(rng, sex),
                surname=name,
                sex=sex,
                ethnicity=eth,
                dob=_years_ago(self.today, rng, age, age + 0.9),
                edd=None,
                moved_in=moved_in,
            )
            summary.adults.append(p)
            self._adult_identifiers(p)

    def _adult_identifiers(self, p: PersonSummary) -> None:
        if self.rng.random() < 0.85:
            p.nhs_number = self.ids.nhs_number()
            self._identifier(p.id, IdentifierType.NHS_NUMBER, p.nhs_number)
        if self.rng.random() < 0.05:
            self._identifier(p.id, IdentifierType.PNC_ID, self.ids.pnc_id())
        if self.rng.random() < 0.03:
            old = self.rng.choice(self.pools.surnames)
            self.rows[PersonAlias].append(
                {"id": self.new_id(), "person_id": p.id, "surname": old, "surname_norm": normalise_name(old)}
            )

    def _children(self, summary, ages, surname, ethnicity, moved_in) -> None:
        rng = self.rng
        mother = next((a for a in summary.adults if a.sex == Sex.FEMALE and a.age_on(self.today) < 45), None)
        for n, age in enumerate(ages):
            unborn = n == len(ages) - 1 and mother is not None and rng.random() < 0.08
            sex = Sex.UNKNOWN if unborn and rng.random() < 0.7 else rng.choice([Sex.MALE, Sex.FEMALE])
            eth = ethnicity if rng.random() < 0.93 else rng.choice(MIXED)
            p = self._person(
                summary,
                kind=PersonKind.UNBORN if unborn else PersonKind.CHILD,
                forename=self.pools.forename(rng, sex) if not unborn or rng.random() < 0.3 else "Unborn",
                surname=surname if rng.random() < 0.9 else rng.choice(self.pools.surnames),
                sex=sex,
                ethnicity=eth,
                dob=None if unborn else self.today - dt.timedelta(days=int(age * 365.25)),
                edd=self.today + dt.timedelta(days=rng.randint(14, 220)) if unborn else None,
                moved_in=moved_in,
            )
            summary.children.append(p)
            self._child_identifiers(p)

    def _child_identifiers(self, p: PersonSummary) -> None:
        if p.kind == PersonKind.UNBORN:
            return
        if self.rng.random() < 0.97:
            p.nhs_number = self.ids.nhs_number()
            self._identifier(p.id, IdentifierType.NHS_NUMBER, p.nhs_number)
        age = p.age_on(self.today)
        if 4.5 <= age < 16.9 and self.rng.random() < 0.9:
            self._identifier(p.id, IdentifierType.UPN, self.ids.upn(secondary=age >= 11))

    def _relate(self, a, b, kind: str, both: bool = False) -> None:
        pairs = [(a, b), (b, a)] if both else [(a, b)]
        for x, y in pairs:
            self.rows[Relationship].append(
                {"id": self.new_id(), "person_id": x.id, "related_person_id": y.id, "relationship_type": kind}
            )

    def _relationships(self, s: HouseholdSummary) -> None:
        adults, children = s.adults, s.children
        for child in children:
            if adults:
                self._relate(adults[0], child, RelationshipType.PARENT)
            if len(adults) > 1:
                same = adults[1].surname == child.surname
                self._relate(adults[1], child, RelationshipType.PARENT if same else RelationshipType.CARER)
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                self._relate(a, b, RelationshipType.SIBLING, both=True)
        if len(adults) > 1:
            self._relate(adults[0], adults[1], RelationshipType.PARTNER, both=True)
        for extra in adults[2:]:
            self._relate(extra, adults[0], RelationshipType.HOUSEHOLD_MEMBER, both=True)

    # --- insert -----------------------------------------------------------------------------------------------

    def flush(self) -> None:
        for model, rows in self.rows.items():
            insert_rows(model, rows)
        # fast inserts send no signals: the people's search keys go in with them (people.search_index)
        insert_rows(SearchKey, search_key_rows(self.rows[Person], self.rows[PersonAlias], self.rows[Address]))
        self._reset()


def population_create(
    *,
    rng: random.Random,
    fake: Faker,
    people: int,
    households: int,
    today: dt.date,
    la_code: str = "999",
    offset: int = 0,
    pools: NamePools | None = None,
    chunk: int = 1000,
    progress=None,
    created_at: dt.datetime | None = None,
    record_agency=None,
) -> Population:
    """Create `people` people in about `households` households. `offset` keeps identifiers and household
    references unique when called more than once on the same database; created_at dates the person rows.
    Each person gets an agency record (ADR 0005) of `record_agency` (default: the hub agency, if there is one)."""
    from openmash.accounts.models import Agency

    if record_agency is None:
        record_agency = Agency.objects.filter(is_hub=True).order_by("created_at", "pk").first()
    pools = pools or NamePools(fake)
    builder = PopulationBuilder(
        rng=rng,
        pools=pools,
        ids=IdentifierSource(rng, la_code=la_code, offset=offset),
        today=today,
        reference_offset=offset,
        created_at=created_at,
        record_agency_id=record_agency.pk if record_agency is not None else None,
    )
    population = Population()
    sizes = builder.plan_sizes(people, households)
    for index, (n_adults, n_children) in enumerate(sizes):
        population.households.append(builder.household(index, n_adults, n_children))
        if (index + 1) % chunk == 0:
            builder.flush()
            if progress:
                progress(index + 1, len(sizes))
    builder.flush()
    return population


__all__ = ["IdentifierSource", "NamePools", "Population", "PersonSummary", "HouseholdSummary", "population_create"]
