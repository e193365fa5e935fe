"""One person's summary values resolved from the records joined into them (issue 6, practitioner review findings 1,
11 and 12): the name to show, the NHS number, UPN, postcode, and where the joined records disagree on the date of
birth, which agency holds which date.

Every page, list, the pack and the API show a person's summary through access.fields.person_minimum_details, which
calls ``resolve`` here, so a value is chosen the same way everywhere. Nothing here queries: the caller passes what
it loaded (the person's cluster picture, people.selectors.Picture, or the search's one query of agency records).

The rules (from the practitioner review):

- A value any joined record holds is the person's value: a child whose police record has no NHS number but whose
  health record has one *has* that NHS number (finding 1). Values from the person's own rows come first (they were
  validated on entry); then the agency records, oldest first.
- The name shown is the person's own name unless a joined record spells the *same* name (it folds to the same key,
  linkage.names.compact) with more of it: letters with diacritics ("Łucja Wałęsa" over "Lucja Walesa") or
  punctuation ("Smith-Jones" over "Smith Jones") (finding 11). A record naming someone differently never renames
  the person.
- Dates of birth the joined records disagree on are listed with their agencies (``dob_disagreement``); the page
  says "agencies disagree" rather than picking one silently.
- Addresses are listed once per normalised address, with the agencies that hold each (``addresses_deduplicated``,
  finding 12).
- Sexes and current addresses the joined records disagree on are listed the same way (``sex_disagreement``,
  ``address_disagreement``; the leftovers of the review): police recording a child as male and the GP as female
  is shown with both agencies, and agencies holding different current addresses are each listed with the agencies
  and the dates they sent them, the most recent marked. ``disagreements`` gathers the three for the page, the API
  and the record's CSV and PDF (access.field_table person "disagreements", shown only with the agency records).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from linkage.names import compact

_PUNCTUATION = re.compile(r"[-'’‘ʼ]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")


def _richness(text: str) -> tuple[int, int]:
    """How much of a name a spelling keeps: (letters with diacritics or outside ASCII, punctuation marks)."""
    decomposed = unicodedata.normalize("NFD", text or "")
    marks = sum(1 for ch in decomposed if unicodedata.category(ch) == "Mn")
    non_ascii = sum(1 for ch in (text or "") if ord(ch) > 127)
    return (marks + non_ascii, len(_PUNCTUATION.findall(text or "")))


def name_preferred(forename: str, surname: str, spellings) -> tuple[str, str]:
    """The spelling of a person's name to show. In: the person's own forename and surname and the (given, family)
    names of their joined records. Out: (forename, surname): a record's spelling of each part when it folds to the
    same key as the person's own (linkage.names.compact) and keeps more of the name (diacritics, hyphens,
    apostrophes), else the person's own. Never raises."""
    best = [forename or "", surname or ""]
    for given, family in spellings:
        for i, candidate in enumerate((given or "", family or "")):
            if candidate and compact(candidate) == compact(best[i]) and _richness(candidate) > _richness(best[i]):
                best[i] = candidate
    return best[0], best[1]


def display_name(forename: str, surname: str) -> str:
    """The whole name as it is written: family name first and no space for a name wholly in Chinese or Japanese
    script ("王小明"), family name first with a space for one wholly in Korean ("김 민준"), else given name first
    ("Łucja Wałęsa", and a name mixing scripts: "王芳 Brightwater")."""
    forename, surname = forename or "", surname or ""
    whole = forename + surname
    latin = any(ch.isalpha() and ord(ch) < 0x2E80 for ch in whole)  # a mixed name ("王芳 Brightwater") keeps its order
    if not latin and _CJK.search(whole):
        return f"{surname}{forename}"
    if not latin and _HANGUL.search(whole):
        return f"{surname} {forename}".strip()
    return f"{forename} {surname}".strip()


@dataclass
class Resolved:
    """A person's resolved summary values ("" or None when no source holds one)."""

    forename: str
    surname: str
    nhs_number: str
    upn: str
    postcode: str
    dob_disagreement: list = field(default_factory=list)


#: What an agency the reader may not see named is called (access.sharing.AGENCY_HELD_NAME; kept here so this module
#: stays free of imports).
AGENCY_HELD_NAME = "An agency"


def _agency_name(record, held=frozenset()) -> str:
    """The record's agency name, or AGENCY_HELD_NAME when its agency id is in `held` (the picture's
    agencies_held: access.sharing.agencies_unnamed)."""
    if getattr(record, "agency_id", None) in held:
        return AGENCY_HELD_NAME
    agency = getattr(record, "agency", None)
    return getattr(agency, "name", "") or str(getattr(record, "agency_id", ""))


def dob_disagreement(date_of_birth: dt.date | None, records, *, unnamed=frozenset()) -> list[tuple[str, dt.date]]:
    """[(agency name, date of birth)] for each distinct date of birth the joined records hold, when they hold more
    than one (the person's own first, then each other date with the first agency holding it); [] when they agree.
    `unnamed`: the ids of agencies named "An agency" (Picture.agencies_held)."""
    held: dict[dt.date, str] = {}
    for r in records:
        if r.date_of_birth and r.date_of_birth not in held:
            held[r.date_of_birth] = _agency_name(r, unnamed)
    if len(held) < 2:
        return []
    order = sorted(held.items(), key=lambda item: item[0] != date_of_birth)
    return [(agency, date) for date, agency in order]


def sex_disagreement(sex: str, records, *, unnamed=frozenset()) -> list[tuple[str, list[str]]]:
    """[(sex code, [agency names holding it])] for each distinct known sex ("M", "F"; "U", not recorded, is no
    disagreement) the joined records hold, when they hold more than one: the person's own sex first, then in the
    order the records came (oldest first); [] when they agree; `unnamed` as dob_disagreement. Pure."""
    held: dict[str, list[str]] = {}
    for r in records:
        code = getattr(r, "sex", "") or ""
        if code in ("", "U"):
            continue
        names = held.setdefault(code, [])
        name = _agency_name(r, unnamed)
        if name not in names:
            names.append(name)
    if len(held) < 2:
        return []
    return sorted(held.items(), key=lambda item: item[0] != sex)


def _postcode_key(postcode: str) -> str:
    return (postcode or "").replace(" ", "").upper()


def address_disagreement(records, *, unnamed=frozenset()) -> list[dict]:
    """The current addresses the joined records hold, when they hold more than one: each address once (grouped by
    postcode and first line, as ``addresses_deduplicated`` groups them) as {"address": the address as the first
    record holding it sent it, "postcode", "held": [(agency name, date the agency sent it)], "latest": whether it
    is the most recently sent, "sent": that latest date}, the most recent first; [] when every record holding an
    address holds the same one. A record with neither address nor postcode says nothing; `unnamed` as
    dob_disagreement. Pure."""
    groups: dict[tuple[str, str], dict] = {}
    for r in records:
        postcode = _postcode_key(getattr(r, "postcode", ""))
        address = (getattr(r, "address", "") or "").strip()
        if not postcode and not address:
            continue
        line1 = compact(address.split(",")[0]) if address else ""
        # a record with the postcode but no first line agrees with any record at that postcode; one with a first
        # line but no postcode, with any record holding that first line
        match = next(
            (
                k
                for k in groups
                if (k[0] == postcode and (not line1 or not k[1] or k[1] == line1))
                or (not postcode and line1 and k[1] == line1)
            ),
            None,
        )
        group = groups.get(match) if match is not None else None
        if group is None:
            group = groups[(postcode, line1)] = {
                "address": address,
                "postcode": getattr(r, "postcode", "") or "",
                "held": [],
            }
        elif not group["address"] and address:
            group["address"] = address
        sent = getattr(r, "received_at", None)
        group["held"].append((_agency_name(r, unnamed), sent.date() if isinstance(sent, dt.datetime) else sent))
    if len(groups) < 2:
        return []
    out = list(groups.values())
    for g in out:
        dates = [d for _a, d in g["held"] if d]
        g["sent"] = max(dates) if dates else None
        g["held"].sort(key=lambda h: h[1] or dt.date.min, reverse=True)
    out.sort(key=lambda g: g["sent"] or dt.date.min, reverse=True)
    for i, g in enumerate(out):
        g["latest"] = i == 0 and g["sent"] is not None
    return out


def disagreements(person, records, *, unnamed=frozenset()) -> dict:
    """Where the records joined into `person` disagree: {"date_of_birth": dob_disagreement, "sex":
    sex_disagreement, "address": address_disagreement} (each [] when they agree). In: the person and their joined
    agency records (agency loaded, oldest first); `unnamed`, the ids of the agencies the reader may not see named
    (Picture.agencies_held: "An agency"). Pure: no queries."""
    return {
        "date_of_birth": dob_disagreement(person.date_of_birth, records, unnamed=unnamed),
        "sex": sex_disagreement(person.sex, records, unnamed=unnamed),
        "address": address_disagreement(records, unnamed=unnamed),
    }


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else "date not known"


def disagreement_lines(found: dict) -> list[tuple[str, str]]:
    """``disagreements``' answer in words, one (kind, text) per value held, for the page, the CSV and the PDF:
    ("date_of_birth", "11 April 2014: County Police"), ("sex", "Male: County Police"), ("address", "4 Elm Road,
    EX1 1AA: County Police (3 March 2026), most recent"). [] when the records agree. Pure."""
    from openmash.people.choices import Sex

    lines = [("date_of_birth", f"{_day(date)}: {agency}") for agency, date in found.get("date_of_birth", [])]
    lines += [("sex", f"{Sex(code).label}: {', '.join(names)}") for code, names in found.get("sex", [])]
    for row in found.get("address", []):
        place = row["address"]
        if row["postcode"] and _postcode_key(row["postcode"]) not in _postcode_key(place):
            place = f"{place}, {row['postcode']}" if place else row["postcode"]
        held = ", ".join(f"{agency} ({_day(sent)})" for agency, sent in row["held"])
        lines.append(("address", f"{place}: {held}{', most recent' if row['latest'] else ''}"))
    return lines


def disagreements_text(found: dict) -> str:
    """The CSV's and the PDF's words for ``disagreements``: "Date of birth 11 April 2014: County Police; ..." or
    "None: the agencies' records agree". Pure."""
    kinds = {"date_of_birth": "Date of birth", "sex": "Sex", "address": "Current address"}
    lines = disagreement_lines(found)
    return "; ".join(f"{kinds[k]} {text}" for k, text in lines) or "None: the agencies' records agree"


def resolve(person, *, records, identifiers, addresses) -> Resolved:
    """In: a person, the agency records joined into them (oldest first), the identifiers and the addresses of their
    cluster (current first). Out: Resolved. No queries."""
    forename, surname = name_preferred(
        person.forename, person.surname, ((r.given_name, r.family_name) for r in records)
    )

    def held(kind: str) -> str:
        own = next((i.value for i in identifiers if i.identifier_type == kind), "")
        return own or next((getattr(r, kind) for r in records if getattr(r, kind, "")), "")

    address = next(iter(addresses), None)
    postcode = (address.postcode if address else "") or next((r.postcode for r in records if r.postcode), "")
    return Resolved(
        forename=forename,
        surname=surname,
        nhs_number=held("nhs_number"),
        upn=held("upn"),
        postcode=postcode,
        dob_disagreement=dob_disagreement(person.date_of_birth, records),
    )


def _address_key(line1: str, town: str, postcode: str) -> tuple[str, str]:
    return (compact(line1), (postcode or "").replace(" ", "").upper() or compact(town))


def addresses_deduplicated(addresses, records, *, unnamed=frozenset()) -> list[dict]:
    """Each address once (finding 12: "19 Cedar Grove, Leeds, LS12 3RT" was listed twice): the person's addresses
    (current first) grouped by normalised first line and postcode, each as {"address": the first Address row,
    "agencies": names of the agencies whose joined records hold that address ("An agency" for one whose id is in
    `unnamed`: Picture.agencies_held)}. Addresses whose status is not "known" (no fixed abode, ...) are each kept."""
    out: list[dict] = []
    index: dict[tuple[str, str], dict] = {}
    for a in addresses:
        if a.status != "known":
            out.append({"address": a, "agencies": []})
            continue
        key = _address_key(a.line1, a.town, a.postcode)
        if key in index:
            continue
        index[key] = {"address": a, "agencies": []}
        out.append(index[key])
    for r in records:
        line1 = (r.address or "").split(",")[0]
        for key, row in index.items():
            if (
                r.postcode
                and key[1] == r.postcode.replace(" ", "").upper()
                and (not line1 or compact(line1) == key[0] or compact(r.address).startswith(key[0]))
            ):
                name = _agency_name(r, unnamed)
                if name not in row["agencies"]:
                    row["agencies"].append(name)
                break
    return out
