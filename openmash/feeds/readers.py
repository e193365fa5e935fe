"""Reading an agency's file, one row at a time, in bounded memory: CSV (any common encoding), XLSX and FHIR.

`file_inspect` looks at the file before anything is read as data: its SHA-256 (the same file imported twice is
recognised), what it really is (by its first bytes, not its name: an ".xlsx" that is CSV text, an old binary
".xls", or a PDF renamed ".csv" is refused with a message saying so), its size limits (an XLSX whose members
would expand to more than `MAX_UNCOMPRESSED` bytes, or by a ratio over `core.zipcheck.MAX_RATIO`, is refused as a likely zip
bomb), and the text encoding of a CSV (UTF-8 if every byte decodes as UTF-8, after a byte-order mark when there
is one; otherwise the best guess of charset-normalizer, Windows-1252 when that reads the file identically; or
the encoding declared with ``--encoding``). A file with NUL bytes near its start is binary, not CSV.

`reader_for` returns an iterator of `Row` (spreadsheet row numbers: the heading row is row 1, the first data row
is row 2). Cell values are never evaluated: a CSV cell is text; an XLSX cell is read with ``data_only=False``, so
a formula cell is its formula text (``=HYPERLINK(...)``), kept as text, never its computed value. Headings are
checked against the mapping first (a missing or unknown column is a `FileProblem`, which stops the pass).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from openmash.core.zipcheck import zip_bomb_reason
from openmash.feeds.mapping import FeedSpec, heading_key

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "fhir"}
CSV_FIELD_LIMIT = 1_000_000  # characters in one CSV cell (the description is later capped lower)


def max_uncompressed() -> int:
    return settings.OPENMASH_IMPORT_MAX_UNCOMPRESSED_BYTES


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (row number, 0 for the file as a whole; the OpenMASH field or the
    file's column heading) and why, in words for the person who sent the file. Never holds a cell's value."""

    row: int
    field: str
    reason: str
    level: str = "error"  # "error": the row is not imported; "warning": it is, and the report says what was done

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason, "level": self.level}


class FileProblem(Exception):
    """The file cannot be read as the feed says (not what it claims, wrong columns, wrong encoding, empty): the
    pass stops. `problems` lists every such problem found."""

    def __init__(self, *problems: Problem, summary: str = "") -> None:
        super().__init__(summary or "; ".join(p.reason for p in problems))
        self.problems = list(problems)
        self.summary = summary  # one sentence for the whole file when there are several problems ('' if none)


def _refuse(reason: str, *, row: int = 0, field: str = "file") -> FileProblem:
    return FileProblem(Problem(row, field, reason))


@dataclass
class SourceFile:
    """A file about to be imported: where it is, the name it was given, its SHA-256, size, format and encoding."""

    path: Path
    name: str
    size: int
    sha256: str
    format: str
    encoding: str = ""


@dataclass
class Row:
    """One data row: its spreadsheet row number and the value of each field the mapping names (str for CSV; for
    XLSX also int, float, datetime or None), plus the FHIR event id when the row came from a bundle."""

    number: int
    values: dict
    fhir_event_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    only_problems: bool = False  # an input item that gives no row, only problems (e.g. a skipped FHIR resource)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sniff_format(head: bytes) -> str:
    """What the first bytes say the file is: xlsx (a zip), ole (old binary Office), json, pdf, text or binary."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or stripped.startswith(b"["):
        return "json"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


_LOOKS_LIKE = {
    "zip": "a zip archive",
    "ole": "an old binary Excel (.xls) or Office file",
    "pdf": "a PDF document",
    "json": "JSON",
    "text": "CSV text",
    "binary": "binary data, not text",
}


def _check_claim(name: str, head: bytes, spec: FeedSpec) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise _refuse("Old binary Excel files (.xls) are not read: save it as .xlsx or CSV and import that")
    claimed = EXTENSIONS.get(suffix)
    if claimed is None:
        raise _refuse(f"Files called {suffix or '(no extension)'} are not read: send .csv, .xlsx or .json (FHIR)")
    seen = _sniff_format(head)
    expected = {"csv": "text", "xlsx": "zip", "fhir": "json"}[claimed]
    if seen != expected:
        what = {"csv": "CSV text", "xlsx": "an Excel workbook", "fhir": "a FHIR bundle (JSON)"}[claimed]
        raise _refuse(f"The file is called {suffix} but is not {what}: it looks like {_LOOKS_LIKE[seen]}")
    if claimed not in spec.formats:
        raise _refuse(f"The {spec.code} feed takes {', '.join(spec.formats)} files, not {claimed}")
    return claimed


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _refuse(
            "The file is called .xlsx but is not a readable Excel workbook (the archive is damaged)"
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise _refuse("The file is a zip archive but not an Excel workbook")
    bomb = zip_bomb_reason(infos, max_uncompressed=max_uncompressed())
    if bomb == "too_large":
        raise _refuse("The workbook would expand to more than the import limit: it looks like a zip bomb")
    if bomb == "ratio":
        raise _refuse("The workbook is compressed far more than a real spreadsheet: it looks like a zip bomb")


def _utf8_or_none(path: Path) -> str | None:
    """'utf-8-sig' or 'utf-8' when the whole file decodes as UTF-8, else None (streamed, 1 MiB at a time)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        first = True
        bom = False
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if first:
                bom, first = chunk.startswith(codecs.BOM_UTF8), False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return "utf-8-sig" if bom else "utf-8"


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV file: a BOM's, UTF-8 when every byte decodes as UTF-8, else charset-normalizer's
    best guess. Raises FileProblem when the bytes are not text in any encoding it knows."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _utf8_or_none(path)
    if found:
        return found
    from charset_normalizer import from_path

    best = from_path(path, steps=10, chunk_size=4096).best()
    if best is None:
        raise _refuse("The file's text encoding cannot be recognised: save it as UTF-8, or give --encoding")
    # Single-byte Latin code pages often decode a file to the very same text; UK systems export Windows-1252, so
    # it wins whenever it reads the file exactly as the guess does.
    if "cp1252" in (best.could_be_from_charset or []):
        return "cp1252"
    return best.encoding


def file_inspect(path: Path, *, name: str, spec: FeedSpec, encoding: str | None = None) -> SourceFile:
    """Check a file before reading it (see the module docstring). Raises FileProblem with the reason."""
    size = path.stat().st_size
    if size == 0:
        raise _refuse("The file is empty")
    with path.open("rb") as f:
        head = f.read(4096)
    fmt = _check_claim(name, head, spec)
    source = SourceFile(path=path, name=name, size=size, sha256=_sha256(path), format=fmt)
    if fmt == "xlsx":
        _check_zip(path)
    elif fmt == "fhir":
        if size > settings.OPENMASH_IMPORT_FHIR_MAX_BYTES:
            raise _refuse("The FHIR bundle is larger than the import limit: send it in smaller bundles")
    else:
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise _refuse(f"{encoding} is not an encoding Python knows", field="encoding") from None
        source.encoding = encoding or detect_encoding(path)
    return source


# --- headings ------------------------------------------------------------------------------------------------------


_VALUE_RE = re.compile(
    r"@"  # an e-mail address
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"  # a date
    r"|\d{6,}"  # an identifier (NHS number, UPN, phone number)
    r"|\d[\d ]{8,}\d"  # an NHS number written 999 314 1593
)
_DIGITS_RE = re.compile(r"\d{2,}")
_HEADING_RE = re.compile(r"[^\W\d][\w .&()/-]{0,39}")  # words, not a value: safe to name in the report


def _looks_like_value(text: str) -> bool:
    """Whether a heading cell looks like a value rather than a column name: a date, an identifier or an e-mail
    address."""
    return bool(_VALUE_RE.search(text))


def _row_looks_like_data(cells: list[str], *, known: int) -> bool:
    """Whether a first row is data, not headings: none of its cells is a known heading and one of them looks like a
    value (a date, an NHS number, an e-mail address), or most of its cells hold numbers."""
    if not cells:
        return False
    values = sum(_looks_like_value(c) for c in cells)
    numbers = sum(bool(_DIGITS_RE.search(c)) for c in cells)
    return (known == 0 and values > 0) or 2 * max(values, numbers) > len(cells)


def _nameable(text: str) -> bool:
    """Whether an unknown heading may be quoted in the report: a short run of words (no digits, no @). Anything
    else is named by its position, as it could be a value."""
    return bool(_HEADING_RE.fullmatch(text)) and not any(ch.isdigit() for ch in text)


def map_headings(headings: list, spec: FeedSpec) -> dict[str, int]:
    """{field: column index} from the file's heading row. Raises FileProblem listing every missing column, every
    heading the mapping does not name (when it refuses extra columns) and every repeated heading, with a summary
    ("Missing columns: ...; columns not in the standard extract: ...") that is the refusal's message.

    Only a first row that really looks like data (`_row_looks_like_data`: a date, an identifier or an e-mail
    address and no known heading, or numbers in most cells) is reported, once, as "the file needs a header row",
    and then none of its cells is quoted. Otherwise it is a heading row: an unknown heading is named when it is a
    short run of words (``dob``, ``first``), and by position ("column 3") when it could be a value (digits, @).
    Source: partner agency data engineer's review (2026-11), refining the security review of 2026-11."""
    wanted = {heading_key(h): f for f, h in spec.columns.items()}
    found: dict[str, int] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    unknown: list[str] = []
    cells: list[str] = []
    for i, raw in enumerate(headings):
        text = "" if raw is None else str(raw).strip()
        key = heading_key(text)
        if not key:
            continue
        cells.append(text)
        where = f"column {i + 1}"
        if key in seen:
            problems.append(Problem(1, where, f"Column {i + 1} has the same heading as column {seen[key] + 1}"))
            continue
        seen[key] = i
        if key in wanted:
            found[wanted[key]] = i
            continue
        if spec.extra_columns == "refuse":
            if _nameable(text):
                unknown.append(text)
                reason = f"The column {text} is not in the {spec.code} extract (is it misnamed?)"
            else:
                unknown.append(where)
                reason = f"The heading of column {i + 1} is not a column of the {spec.code} feed (is it misnamed?)"
            problems.append(Problem(1, where, reason))
    missing = [f for f in spec.required_fields() if f not in found]
    if missing and _row_looks_like_data(cells, known=len(found)):
        raise _refuse(
            "The first row looks like data: the file needs a header row naming its columns"
            f" ({', '.join(spec.columns[f] for f in spec.required_fields())})",
            row=1,
            field="heading row",
        )
    for f in missing:
        problems.append(Problem(1, spec.columns[f], f"The column {spec.columns[f]} is missing"))
    if problems:
        parts = []
        if missing:
            parts.append(f"Missing columns: {', '.join(spec.columns[f] for f in missing)}")
        if unknown:
            parts.append(f"columns not in the {spec.code} extract: {', '.join(unknown)}")
        summary = "; ".join(parts)
        raise FileProblem(*problems, summary=summary[:1].upper() + summary[1:] if len(problems) > 1 else "")
    return found


# --- CSV -----------------------------------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read through it (for a progress bar in bytes)."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        self.count += n or 0
        return n


class CsvReader:
    """Rows of a CSV file, decoded strictly with the source's encoding (a byte that is not valid in it stops the
    pass with the row it is in). The delimiter is the mapping's, or sniffed among , ; tab and |."""

    progress_unit = "B"

    def __init__(self, source: SourceFile, spec: FeedSpec) -> None:
        self.source, self.spec = source, spec
        self.position = 0
        self.total = source.size

    def _delimiter(self, sample: str) -> str:
        if self.spec.delimiter:
            return self.spec.delimiter
        try:
            return csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|").delimiter
        except csv.Error:
            return ","

    def __iter__(self) -> Iterator[Row]:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        with self.source.path.open("rb") as f:
            sample = f.read(8192).decode(self.source.encoding, errors="replace")
        delimiter = self._delimiter(sample.lstrip("\ufeff"))
        number = 1
        with self.source.path.open("rb", buffering=0) as raw:
            counting = _CountingReader(raw)
            buffered = io.BufferedReader(counting, buffer_size=1 << 16)
            text = io.TextIOWrapper(buffered, encoding=self.source.encoding, errors="strict", newline="")
            try:
                reader = csv.reader(text, delimiter=delimiter)
                heading = next(reader, None)
                while heading is not None and not any(c.strip() for c in heading):
                    heading = next(reader, None)
                if heading is None:
                    raise _refuse("The file is empty: it has no heading row and no data")
                columns = map_headings(heading, self.spec)
                width = len(heading)
                rows = 0
                for cells in reader:
                    number += 1
                    self.position = counting.count
                    if not any(c.strip() for c in cells):
                        continue
                    rows += 1
                    problems = []
                    if len(cells) != width:
                        problems.append(
                            Problem(number, "row", f"The row has {len(cells)} cells but the heading has {width}")
                        )
                    values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
                    yield Row(number, values, problems=problems)
                if rows == 0:
                    raise _refuse("The file has a heading row but no data rows")
            except UnicodeDecodeError:
                raise _refuse(
                    f"The file is not valid {self.source.encoding} text (near row {number + 1}): check its "
                    "encoding, or give the right one with --encoding",
                    row=number + 1,
                    field="encoding",
                ) from None
            except csv.Error as exc:
                raise _refuse(f"The CSV cannot be read near row {number + 1}: {exc}", row=number + 1) from None
            self.position = self.total


# --- XLSX ----------------------------------------------------------------------------------------------------------


def _cell(value):
    """An XLSX cell as the validator takes it: text stays text (a formula is its text, never evaluated), a whole
    number stored as a float becomes an int (an NHS number typed into a number cell), dates stay dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


class XlsxReader:
    """Rows of the mapping's sheet (or the first), streamed with openpyxl in read-only mode."""

    progress_unit = "rows"

    def __init__(self, source: SourceFile, spec: FeedSpec) -> None:
        self.source, self.spec = source, spec
        self.position = 0
        self.total = None

    def __iter__(self) -> Iterator[Row]:
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.source.path, read_only=True, data_only=False)
        except Exception:  # noqa: BLE001 - any failure to open is "not a readable workbook"
            raise _refuse("The file is called .xlsx but is not a readable Excel workbook") from None
        try:
            if self.spec.sheet:
                if self.spec.sheet not in wb.sheetnames:
                    raise _refuse(f"The workbook has no sheet called {self.spec.sheet}", field="sheet")
                ws = wb[self.spec.sheet]
            else:
                ws = wb.worksheets[0]
            yield from self._rows(ws)
        finally:
            wb.close()

    def _rows(self, ws) -> Iterator[Row]:
        it = ws.iter_rows(values_only=True)
        number = 0
        columns = None
        width = 0
        rows = 0
        for cells in it:
            number += 1
            self.position = number
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if columns is None:
                columns = map_headings(list(cells), self.spec)
                width = max(columns.values()) + 1
                continue
            rows += 1
            cells = tuple(cells) + (None,) * (width - len(cells))
            yield Row(number, {f: _cell(cells[i]) for f, i in columns.items()})
        if columns is None:
            raise _refuse("The workbook is empty: it has no heading row and no data")
        if rows == 0:
            raise _refuse("The workbook has a heading row but no data rows")


def reader_for(source: SourceFile, spec: FeedSpec):
    """The reader for the source's format: an iterable of Row with `position` (bytes or rows read so far) and
    `total` (the same unit, or None when unknown) for a progress bar."""
    if source.format == "csv":
        return CsvReader(source, spec)
    if source.format == "xlsx":
        return XlsxReader(source, spec)
    from openmash.feeds.fhir import FhirReader

    return FhirReader(source, spec)


__all__ = [
    "FileProblem",
    "Problem",
    "Row",
    "SourceFile",
    "detect_encoding",
    "file_inspect",
    "map_headings",
    "reader_for",
]
