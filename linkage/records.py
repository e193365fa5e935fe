"""Input records: reading and checking the batch format, and turning each record into comparable features.

The batch format (issue 6): columns ``record_id, given_name, family_name, date_of_birth`` (ISO ``YYYY-MM-DD``;
day/month/year is accepted too, as ``openmash import`` accepts it), ``sex, postcode, address, identifier``; any value
may be blank and any column but ``record_id`` may be left out (read as blank); extra columns are ignored, except the
optional ``agency`` (``OPTIONAL_COLUMNS``): the code of the agency or source system that holds the record. Two
records of one agency (the same non-blank ``agency``) are that agency's statement that they are two people (each has
its own ``record_id``), so they are never joined automatically, directly or through a cluster
(``linkage.scoring.HOLD_SAME_AGENCY``, ``linkage.clustering.cluster_pairs``).

``normalise_records(df)`` gives one row per record of plain, comparable values (the same frame feeds our engine and
Splink, so the model means the same on both); ``encode(frame)`` turns that into integer codes for the vectorised
engine. Names are normalised only by ``linkage.names`` (fold, compact, Metaphone, nickname forms).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from linkage import names
from linkage.addresses import address_normalise
from linkage.identifiers import NHS_PLACEHOLDERS, identifier_normalise

__all__ = [
    "INPUT_COLUMNS",
    "InputError",
    "OPTIONAL_COLUMNS",
    "Features",
    "encode",
    "normalise_records",
    "read_records_csv",
    "validate_records",
]

INPUT_COLUMNS = ("record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "identifier")
#: Columns read when present and never required: ``agency`` (who holds the record; see the module docstring).
OPTIONAL_COLUMNS = ("agency",)
_SEX = {"M": "m", "MALE": "m", "1": "m", "F": "f", "FEMALE": "f", "2": "f", "X": "x", "OTHER": "x", "9": "x"}
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z]{2})$")
_MAX_LISTED = 5
_ARROW = pd.ArrowDtype(pyarrow.string())  # vectorised string kernels (Arrow compute)


class InputError(ValueError):
    """Bad batch input. ``str(error)`` is one line fit to show a user (the file, what is wrong, which rows)."""


def _rows(positions: np.ndarray | list[int]) -> str:
    """Rows as a person counts them in the file: the header is row 1, the first record row 2."""
    shown = ", ".join(str(int(p) + 2) for p in positions[:_MAX_LISTED])
    more = len(positions) - _MAX_LISTED
    return shown + (f" (and {more} more)" if more > 0 else "")


def read_records_csv(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """Read a batch CSV file (UTF-8, with or without a byte-order mark) as strings and check it.

    In: a path. Out: a DataFrame with ``INPUT_COLUMNS`` (and the ``OPTIONAL_COLUMNS`` the file has) as strings
    ("" for blank), in file order. Raises ``InputError`` (one line, naming the file) when the file is missing, empty,
    not UTF-8 text, has no ``record_id`` column, or any of the problems ``validate_records`` finds (all of them, in
    one message). A missing column other than ``record_id`` is read as blank ("any value may be blank", issue 6).
    """
    path = Path(path)
    label = label or path.name
    if not path.is_file():
        raise InputError(f"{label}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text (save the file as CSV UTF-8)") from None
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{label}: the file is empty (it needs a header row: {', '.join(INPUT_COLUMNS)})")
    header = [h.strip().lower() for h in header]
    if "record_id" not in header:
        raise InputError(f"{label}: {_NO_RECORD_ID}")
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            usecols=lambda c: c.strip().lower() in INPUT_COLUMNS + OPTIONAL_COLUMNS,
        )
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text (save the file as CSV UTF-8)") from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or ["unreadable"])[0]
        raise InputError(f"{label}: not a readable CSV file ({first})") from None
    df.columns = [c.strip().lower() for c in df.columns]
    return validate_records(df, label=label)


#: The dates of birth a batch may hold: ISO (the documented format) and what ``openmash import``'s standard mapping
#: also accepts (day/month/year, ``openmash/feeds/mappings/standard.yaml``), so one file works with both commands.
_DATE_FORMS = (
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})",
    r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})",
)
_NO_RECORD_ID = (
    f"no record_id column (the columns are {', '.join(INPUT_COLUMNS)}; any but record_id may be left out or blank)"
)


def _iso_dates(dob: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(dates of birth as ISO text, "" where blank; positions of those that are not a real date in an accepted
    form)."""
    out = pd.Series([""] * len(dob), index=dob.index, dtype=object)
    given = (dob != "").to_numpy()
    done = ~given
    for pattern in _DATE_FORMS:
        parts = dob.str.extract("^" + pattern + "$")
        hit = parts["y"].notna().to_numpy() & ~done
        if not hit.any():
            continue
        parsed = pd.to_datetime(
            {
                "year": parts["y"][hit].astype(int),
                "month": parts["m"][hit].astype(int),
                "day": parts["d"][hit].astype(int),
            },
            errors="coerce",
        )
        ok = parsed.notna().to_numpy()
        rows = np.flatnonzero(hit)[ok]
        out.iloc[rows] = parsed[ok].dt.strftime("%Y-%m-%d").to_numpy()
        done[rows] = True
    return out, np.flatnonzero(~done)


def validate_records(df: pd.DataFrame, *, label: str = "input") -> pd.DataFrame:
    """Check a frame of batch records and return it with exactly ``INPUT_COLUMNS`` as stripped strings, dates of
    birth as ISO ``YYYY-MM-DD``, plus each of ``OPTIONAL_COLUMNS`` the frame has (other columns are dropped).

    A missing column other than ``record_id`` is taken as blank (issue 6: "any may be blank"); a date of birth may be
    ISO (documented) or day/month/year as ``openmash import`` accepts. Raises ``InputError`` naming every problem
    found, in one line: no ``record_id`` column, no records, blank or repeated ``record_id`` values, dates of birth
    that are not real dates (each listed by row, the header being row 1).
    """
    if "record_id" not in df.columns:
        raise InputError(f"{label}: {_NO_RECORD_ID}")
    if len(df) == 0:
        raise InputError(f"{label}: no records (only a header row)")
    columns = INPUT_COLUMNS + tuple(c for c in OPTIONAL_COLUMNS if c in df.columns)
    out = pd.DataFrame(
        {
            c: df[c].fillna("").astype(str).str.strip() if c in df.columns else pd.Series([""] * len(df), dtype=object)
            for c in columns
        }
    ).reset_index(drop=True)
    problems = []
    ids = out["record_id"]
    blank = np.flatnonzero((ids == "").to_numpy())
    if len(blank):
        problems.append(f"blank record_id in rows {_rows(blank)}")
    repeated = np.flatnonzero((ids.duplicated(keep="first") & (ids != "")).to_numpy())
    if len(repeated):
        problems.append(f"repeated record_id in rows {_rows(repeated)}: each record needs its own id")
    iso, bad = _iso_dates(out["date_of_birth"])
    if len(bad):
        problems.append(f"date_of_birth is not a date like 2014-03-27 (or 27/03/2014) in rows {_rows(bad)}")
    if problems:
        raise InputError(f"{label}: " + "; ".join(problems))
    out["date_of_birth"] = iso.astype(str).to_numpy()
    return out


def _map_unique(series: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` once per distinct value (names repeat: a million records have some tens of thousands)."""
    codes, uniques = pd.factorize(series, sort=False)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = fn(u)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _postcodes(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit without space, sector "LS1 4", district "LS1") of UK postcodes; None where it does not look like one."""
    import pyarrow.compute as pc

    compact = raw.astype(_ARROW).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    arrow = pyarrow.chunked_array([compact.array._pa_array]) if hasattr(compact.array, "_pa_array") else None
    arrow = (
        pyarrow.array(compact.to_numpy(dtype=object, na_value=None), type=pyarrow.string()) if arrow is None else arrow
    )
    parts = pc.extract_regex(arrow, r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<sector>[0-9])(?P<unit>[A-Z]{2})$")
    outward = pc.struct_field(parts, "outward")
    sector_digit = pc.struct_field(parts, "sector")
    ok = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    unit = np.where(ok, np.asarray(arrow.to_pylist(), dtype=object), None)
    district = np.asarray(outward.to_pylist(), dtype=object)
    sector = np.asarray(pc.binary_join_element_wise(outward, sector_digit, " ").to_pylist(), dtype=object)
    district[~ok] = None
    sector[~ok] = None
    return unit, sector, district


_TRAILING_POSTCODE = r"\s*\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][a-z]{2}\s*$"


def _addresses(raw: pd.Series) -> np.ndarray:
    """Lower-case ASCII address words without punctuation or a trailing postcode, street types in one spelling
    (``linkage.addresses``: "12 Acacia Avenue, Leeds LS1 4AB" → "12 acacia ave leeds"); None when blank. Non-ASCII letters are transliterated with anyascii."""
    from anyascii import anyascii

    text = raw.astype(_ARROW)
    non_ascii = ~text.str.isascii().to_numpy(dtype=bool)
    if non_ascii.any():
        text = text.copy()
        text[non_ascii] = [anyascii(t) for t in text[non_ascii]]
    text = text.str.lower().str.replace(r"[^a-z0-9]+", " ", regex=True)
    text = text.str.replace(_TRAILING_POSTCODE, "", regex=True).str.strip()
    # "Road"/"Rd", "Street"/"St" ... in one spelling (linkage.addresses), once per distinct address
    text = _map_unique(text.astype(object).fillna(""), address_normalise)
    out = text.to_numpy(dtype=object, na_value=None).copy()
    out[out == ""] = None
    return out


_NHS_WEIGHTS = np.arange(10, 1, -1)


def _identifiers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nhs_number, identifier "kind:value", identifier_deterministic) per record; see ``identifier_normalise``.

    NHS numbers (the bulk of a health extract) are checked vectorised; anything else goes through
    ``identifier_normalise`` once per distinct value."""
    n = len(raw)
    nhs = np.full(n, None, dtype=object)
    ident = np.full(n, None, dtype=object)
    det = np.zeros(n, dtype=bool)
    compact = raw.astype(_ARROW).str.replace(r"[\s\-./]", "", regex=True)
    ten = compact.str.fullmatch(r"[0-9]{10}").to_numpy(dtype=bool, na_value=False)
    if ten.any():
        values = compact[ten].to_numpy(dtype=object).astype("U10")
        digits = values.view(np.uint32).reshape(-1, 10).astype(np.int64) - 48
        check = 11 - (digits[:, :9] @ _NHS_WEIGHTS) % 11
        check[check == 11] = 0
        placeholder = (digits.min(axis=1) == digits.max(axis=1)) | np.isin(values, list(NHS_PLACEHOLDERS))
        valid = (check != 10) & (check == digits[:, 9]) & ~placeholder
        rows = np.flatnonzero(ten)
        nhs[rows[valid]] = values[valid].astype(object)
    other = (~ten) & (compact != "").to_numpy(dtype=bool, na_value=False)
    if other.any():
        normalised = _map_unique(raw[other], identifier_normalise).to_numpy()
        rows = np.flatnonzero(other)
        for row, value in zip(rows, normalised, strict=True):
            if value.kind == "nhs_number":
                nhs[row] = value.value
            elif value.kind != "none":
                ident[row] = f"{value.kind}:{value.value}"
                det[row] = value.deterministic
    return nhs, ident, det


def normalise_records(df: pd.DataFrame) -> pd.DataFrame:
    """Comparable features of each record (one row each, same order), shared by our engine and Splink.

    In: a frame with ``INPUT_COLUMNS`` (see ``validate_records``). Out: a DataFrame with ``unique_id`` (the
    record_id), ``given``/``family`` (``names.compact``; None when blank), ``given_phonetic``/``family_phonetic``
    (``names.phonetic``), ``given_forms`` (sorted list of nickname, formal and short forms:
    ``names.comparison_forms``), ``family_parts`` (sorted list of the words of the family name), ``dob`` (``YYYYMMDD`` string), ``dob_year``/``dob_month``/``dob_day`` (ints or None),
    ``sex`` (``m``/``f``/``x``), ``postcode`` (unit without space), ``postcode_sector`` (``"LS1 4"``),
    ``postcode_district`` (``"LS1"``), ``address`` (folded, without postcode), ``nhs_number`` (ten digits, only when
    valid), ``identifier`` (``kind:value`` of another valid or unclassified identifier); ``agency`` (as given) only
    when the input has that column. None everywhere a value is blank, a placeholder or invalid.
    """
    out = pd.DataFrame({"unique_id": df["record_id"].astype(str).to_numpy()})

    def none_if_blank(series: pd.Series) -> pd.Series:
        arr = series.to_numpy(dtype=object, copy=True)
        arr[arr == ""] = None
        return pd.Series(arr, index=series.index, dtype=object)

    given = _map_unique(df["given_name"], names.compact)
    family = _map_unique(df["family_name"], names.compact)
    out["given"] = none_if_blank(given).to_numpy()
    out["family"] = none_if_blank(family).to_numpy()
    out["given_phonetic"] = none_if_blank(_map_unique(df["given_name"], names.phonetic)).to_numpy()
    out["family_phonetic"] = none_if_blank(_map_unique(df["family_name"], names.phonetic)).to_numpy()
    forms = _map_unique(df["given_name"], lambda g: sorted(names.comparison_forms(g)) or None)
    out["given_forms"] = forms.to_numpy()
    parts = _map_unique(df["family_name"], lambda f: sorted({t for t in names.tokens(f) if len(t) > 1}) or None)
    out["family_parts"] = parts.to_numpy()

    dob = df["date_of_birth"].to_numpy(dtype=object)
    has = dob != ""
    ymd = np.where(has, np.char.replace(dob.astype(str), "-", ""), "")
    out["dob"] = pd.Series(np.where(has, ymd, None), dtype=object).to_numpy()
    years = np.full(len(df), None, dtype=object)
    months = np.full(len(df), None, dtype=object)
    days = np.full(len(df), None, dtype=object)
    if has.any():
        number = ymd[has].astype("U8").astype(np.int64)
        years[has] = (number // 10000).astype(object)
        months[has] = (number // 100 % 100).astype(object)
        days[has] = (number % 100).astype(object)
    out["dob_year"], out["dob_month"], out["dob_day"] = years, months, days

    out["sex"] = _map_unique(df["sex"], lambda s: _SEX.get(s.strip().upper())).to_numpy()
    out["postcode"], out["postcode_sector"], out["postcode_district"] = _postcodes(df["postcode"])
    out["address"] = _addresses(df["address"])
    out["nhs_number"], out["identifier"], out["identifier_deterministic"] = _identifiers(df["identifier"])
    if "agency" in df.columns:
        out["agency"] = none_if_blank(df["agency"].astype(str).str.strip()).to_numpy()
    return out


@dataclass
class Features:
    """Integer-coded features of n records, for the vectorised engine (-1 means blank everywhere).

    ``names`` is one vocabulary for given and family names (so a swap is code equality across the two fields);
    ``given_forms[code]`` / ``family_parts[code]`` hold the nickname forms / surname words of each vocabulary entry.
    ``nickname_relation`` / ``part_relation``: sorted int64 keys ``x * len(names) + y`` of the vocabulary pairs that
    are nickname forms of each other / share a surname word (both orders); ``letter_counts`` (V x 36 letters and
    digits) and ``name_length`` bound Jaro-Winkler cheaply.
    ``given_tf`` / ``family_tf`` are each record's name frequency among the records (for term-frequency adjustment).
    ``source`` is 0 for every record when deduplicating, 0/1 for the two files when linking.
    ``address_numbers``: code of the house and flat numbers of the address in order (-1 when it has none), so two
    flats of one block or two houses of one street tell apart however each agency writes the street;
    ``identifier_kind``: code of the kind of ``identifier`` (UPN, PNC ID, other; -1 blank); ``agency``: code of the
    agency that holds the record (-1 blank; None when the input had no ``agency`` column).
    """

    n: int
    record_id: np.ndarray
    source: np.ndarray
    names: np.ndarray
    given: np.ndarray
    family: np.ndarray
    given_phonetic: np.ndarray
    family_phonetic: np.ndarray
    given_forms: list
    family_parts: list
    nickname_relation: np.ndarray
    part_relation: np.ndarray
    letter_counts: np.ndarray
    name_length: np.ndarray
    name_prefix: np.ndarray
    given_tf: np.ndarray
    family_tf: np.ndarray
    dob: np.ndarray
    dob_year: np.ndarray
    dob_month: np.ndarray
    dob_day: np.ndarray
    sex: np.ndarray
    postcode: np.ndarray
    postcode_sector: np.ndarray
    postcode_district: np.ndarray
    address: np.ndarray
    nhs_number: np.ndarray
    identifier: np.ndarray
    identifier_deterministic: np.ndarray
    address_numbers: np.ndarray | None = None  # code of the address's numbers ("4 12" of "Flat 4, 12 Harbour Ct")
    identifier_kind: np.ndarray | None = None  # code of the identifier's kind ("upn", "pnc_id", "other")
    agency: np.ndarray | None = None  # code of the agency holding the record (-1 blank); None: not given


def _codes(values: np.ndarray) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int32)


def _tf(codes: np.ndarray) -> np.ndarray:
    """Each record's value frequency among records where the value is known (0 where blank)."""
    out = np.zeros(len(codes), dtype=np.float64)
    known = codes >= 0
    if known.any():
        counts = np.bincount(codes[known])
        out[known] = counts[codes[known]] / known.sum()
    return out


def _relations(vocab: np.ndarray, forms: list, parts: list) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys of the nickname and shared-surname-word relations between vocabulary entries (both orders)."""
    width = np.int64(len(vocab))
    index = {name: code for code, name in enumerate(vocab.tolist())}
    nick: list[int] = []
    for y, fs in enumerate(forms):
        if not fs:
            continue
        for form in fs:
            x = index.get(form)
            if x is not None and x != y:
                nick += [x * width + y, y * width + x]
    by_token: dict[str, list[int]] = {}
    for code, ps in enumerate(parts):
        if ps:
            for token in ps:
                by_token.setdefault(token, []).append(code)
    part: list[np.ndarray] = []
    for codes in by_token.values():
        if len(codes) > 1:
            c = np.asarray(codes, dtype=np.int64)
            a, b = np.meshgrid(c, c, indexing="ij")
            keep = a != b
            part.append((a[keep] * width + b[keep]).ravel())
    nick_arr = np.unique(np.asarray(nick, dtype=np.int64))
    part_arr = np.unique(np.concatenate(part)) if part else np.empty(0, np.int64)
    return nick_arr, part_arr


_ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)


def _letters(vocab: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per vocabulary entry: counts of each of the 36 letters and digits (uint8), the length, and the first four
    characters (uint8 codes; distinct padding per side is not needed: a shorter name pads with 0, which never
    equals a letter, and the 4-letter cap of Winkler's bonus is the array width)."""
    counts = np.zeros((len(vocab), 36), dtype=np.uint8)
    lengths = np.zeros(len(vocab), dtype=np.int32)
    prefixes = np.zeros((len(vocab), 4), dtype=np.uint8)
    lookup = np.full(256, 255, dtype=np.uint8)
    lookup[_ALPHABET] = np.arange(36, dtype=np.uint8)
    for code, name in enumerate(vocab.tolist()):
        raw = np.frombuffer(name.encode("ascii", "ignore"), dtype=np.uint8)
        idx = lookup[raw]
        idx = idx[idx < 36]
        lengths[code] = len(name)
        prefixes[code, : min(4, len(raw))] = raw[:4]
        if len(idx):
            counts[code] = np.minimum(np.bincount(idx, minlength=36), 255)
    return counts, lengths, prefixes


def encode(frame: pd.DataFrame, source: np.ndarray | None = None) -> Features:
    """Integer codes of a ``normalise_records`` frame. ``source``: per-record dataset number (default all 0)."""
    n = len(frame)
    both = pd.concat([frame["given"], frame["family"]], ignore_index=True)
    name_codes, vocab = pd.factorize(both, use_na_sentinel=True)
    name_codes = name_codes.astype(np.int32)
    given, family = name_codes[:n], name_codes[n:]
    vocab_arr = np.asarray(vocab, dtype=object)
    forms = [None] * len(vocab_arr)
    parts = [None] * len(vocab_arr)
    for code, value in zip(given, frame["given_forms"].to_numpy(), strict=True):
        if code >= 0 and forms[code] is None and value is not None:
            forms[code] = frozenset(value)
    for code, value in zip(family, frame["family_parts"].to_numpy(), strict=True):
        if code >= 0 and parts[code] is None and value is not None:
            parts[code] = frozenset(value)

    nickname_relation, part_relation = _relations(vocab_arr, forms, parts)
    letter_counts, name_length, name_prefix = _letters(vocab_arr)

    def ints(col: str) -> np.ndarray:
        return pd.to_numeric(frame[col], errors="coerce").fillna(-1).astype(np.int32).to_numpy()

    phon_codes, _ = pd.factorize(
        pd.concat([frame["given_phonetic"], frame["family_phonetic"]], ignore_index=True), use_na_sentinel=True
    )
    phon = phon_codes.astype(np.int32)
    dob = pd.to_numeric(frame["dob"], errors="coerce").fillna(-1).astype(np.int32).to_numpy()
    nhs = pd.to_numeric(frame["nhs_number"], errors="coerce").fillna(-1).astype(np.int64).to_numpy()
    return Features(
        n=n,
        record_id=frame["unique_id"].to_numpy(dtype=object),
        source=np.zeros(n, dtype=np.int8) if source is None else np.asarray(source, dtype=np.int8),
        names=vocab_arr,
        given=given,
        family=family,
        given_phonetic=phon[:n],
        family_phonetic=phon[n:],
        given_forms=forms,
        family_parts=parts,
        nickname_relation=nickname_relation,
        part_relation=part_relation,
        letter_counts=letter_counts,
        name_length=name_length,
        name_prefix=name_prefix,
        given_tf=_tf(given),
        family_tf=_tf(family),
        dob=dob,
        dob_year=ints("dob_year"),
        dob_month=ints("dob_month"),
        dob_day=ints("dob_day"),
        sex=_codes(frame["sex"].to_numpy()),
        postcode=_codes(frame["postcode"].to_numpy()),
        postcode_sector=_codes(frame["postcode_sector"].to_numpy()),
        postcode_district=_codes(frame["postcode_district"].to_numpy()),
        address=_codes(frame["address"].to_numpy()),
        nhs_number=nhs,
        identifier=_codes(frame["identifier"].to_numpy()),
        identifier_deterministic=frame["identifier_deterministic"].to_numpy(dtype=bool),
        address_numbers=_codes(np.array([_numbers(a) for a in frame["address"].to_numpy()], dtype=object)),
        identifier_kind=_codes(np.array([_kind(v) for v in frame["identifier"].to_numpy()], dtype=object)),
        agency=_codes(frame["agency"].to_numpy()) if "agency" in frame.columns else None,
    )


def _numbers(address) -> str | None:
    """The words of a folded address that hold a digit, in order ("flat 4 12 harbour court" → "4 12"); None when
    blank or without numbers (a named house)."""
    if not isinstance(address, str):
        return None
    words = [w for w in address.split() if any(ch.isdigit() for ch in w)]
    return " ".join(words) or None


def _kind(identifier) -> str | None:
    """The kind of a normalised ``kind:value`` identifier; None when blank."""
    return identifier.split(":", 1)[0] if isinstance(identifier, str) and ":" in identifier else None
