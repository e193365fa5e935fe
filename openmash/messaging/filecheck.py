"""What an uploaded file really is, decided from its bytes, never from its name or the browser's claim (issue 7;
OWASP ASVS 5.0 5.2.1 size, 5.2.2 type by content and extension, 5.2.3 zip bombs; ADR 0017).

``file_check(name, data)`` returns the ``Checked`` file (detected content type, the extension that goes with it, a
safe name) or raises ``FileRefused`` with a sentence for the person who sent it. The sentence names the file's
extension and what the bytes are, never the file's name (it may name a child).

Accepted, each by its own structure:

- **PDF**: ``%PDF-`` at the start and an ``%%EOF`` marker in its last kilobyte; refused when it declares JavaScript,
  a launch action, additional actions (``/AA``), embedded files or rich media, an XFA form, a remote go-to
  (``/GoToR``, ``/GoToE``), a form submit or import (``/SubmitForm``, ``/ImportData``) or an open action to a web
  address (``/OpenAction`` with ``/S /URI``, inline or by reference), after decoding ``#xx`` escapes in names. Looked
  for in the file's bytes and in what a reader decodes: the objects held in compressed object streams (``/ObjStm``,
  behind a cross-reference stream, whatever chain of filters encodes them: FlateDecode, LZW, ASCIIHex, ASCII85,
  RunLength...), decoded by pypdf (``pdf_hidden_dictionaries``); refused too when those streams expand past
  ``MAX_PDF_DECODED`` (a decompression bomb) or the file cannot be parsed. Page content and images are not decoded
  (no action lives there). A defence in depth, not a PDF sanitiser;
- **PNG**: the signature followed by its IHDR chunk; **JPEG**: the SOI marker and a JFIF/Exif/frame segment (both
  found by ``filetype``, a maintained content-detection library);
- **DOCX / XLSX**: a zip archive (checked for zip bombs by ``core.zipcheck``, shared with the feed import, and for
  encrypted members) with ``[Content_Types].xml`` and ``word/document.xml`` or ``xl/workbook.xml``; refused when it
  holds macros (``vbaProject.bin``, or a macro-enabled content type: .docm / .xlsm renamed), a part a document
  does not have (only XML, relationships, pictures, fonts; no programs, OLE objects or a member starting ``MZ``),
  or a relationship to an external target other than a hyperlink (an attached template fetched from http://...);
- **plain text**: UTF-8 (an optional byte-order mark), no NUL bytes, and no HTML, SVG or script markup.

Everything else is refused: executables (Windows, ELF, Mach-O, scripts with ``#!``), HTML and SVG, old binary
Office files (which may hold macros), archives, and a file whose extension is not its content's (a PNG called
.pdf). Sources: OWASP File Upload Cheat Sheet (allow-list of types, validate content, not the Content-Type header).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import IndirectObject, StreamObject

from openmash.core.zipcheck import zip_bomb_reason, zip_encrypted

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"

#: Accepted content types: (plain-English name, the extensions a file of that type may be called; first is usual).
ACCEPTED: dict[str, tuple[str, tuple[str, ...]]] = {
    PDF: ("a PDF document", (".pdf",)),
    PNG: ("a PNG image", (".png",)),
    JPEG: ("a JPEG image", (".jpg", ".jpeg")),
    DOCX: ("a Word document", (".docx",)),
    XLSX: ("an Excel workbook", (".xlsx",)),
    TEXT: ("plain text", (".txt",)),
}
ACCEPTED_EXTENSIONS = tuple(e for _, exts in ACCEPTED.values() for e in exts)
ACCEPTED_LIST = "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx) or plain text (.txt)"

#: A PDF's object streams (and each cross-reference stream) decode to at most this many bytes in all: real documents
#: hold a few megabytes of dictionaries at most; past it the PDF is refused as a decompression bomb
MAX_PDF_DECODED = 32 * 1024 * 1024
#: The most objects a PDF's cross-reference may declare (``/Size``, or the counts of a cross-reference stream's
#: ``/Index``): a 1,000-page report holds tens of thousands; pypdf reads an entry in about 8 microseconds, so a
#: declared count is bounded before parsing (a few million entries would be tens of seconds of CPU per upload).
MAX_PDF_OBJECTS = 250_000
_PDF_SIZE = re.compile(rb"/Size\s+(\d{1,12})\b")
_PDF_INDEX = re.compile(rb"/Index\s*\[([\d\s]{0,4096})\]")
#: Office documents expand to at most this many bytes in all (a 10 MB workbook of text is rarely past 200 MB).
MAX_OFFICE_UNCOMPRESSED = 256 * 1024 * 1024
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml)\b", re.IGNORECASE)
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|AA|XFA|GoToR|GoToE|SubmitForm|ImportData"
    rb"|OpenAction\s*<<[^>]*/S\s*/(?:JavaScript|URI))\b"
)
#: An open action given by reference (``/OpenAction 5 0 R``): the object it names is checked for a /URI action
_PDF_OPEN_REF = re.compile(rb"/OpenAction\s*(\d{1,10})\s+(\d{1,5})\s+R\b")
_PDF_URI_ACTION = re.compile(rb"/S\s*/URI\b")
#: an open action given inline (``/OpenAction << ... >>``): the whole dictionary, nested ones too, is checked for /URI
_PDF_OPEN_INLINE = re.compile(rb"/OpenAction\s*<<")
#: a PDF name (ISO 32000-1 7.3.5): '/' and regular characters; '#xx' in it is the byte xx (so /Java#53cript is
#: /JavaScript); normalised before the active-content check
_PDF_NAME = re.compile(rb"/[^\x00\t\n\f\r /%()<>\[\]{}]+")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: the parts a Word or Excel file may hold, by extension: XML and relationships, pictures, embedded fonts, Excel's
#: printer settings and legacy drawing (VML). Anything else (a program, an OLE object, a script) is refused.
_OFFICE_PART_EXTENSIONS = (
    ".xml", ".rels", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".odttf", ".vml",
    ".fntdata",
)  # fmt: skip
_OFFICE_PRINTER_SETTINGS = re.compile(r"^xl/printerSettings/printerSettings\d+\.bin$")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.IGNORECASE)
_HYPERLINK = re.compile(rb"Type\s*=\s*[\"'][^\"']*/relationships/hyperlink[\"']", re.IGNORECASE)
_MAX_PART_READ = 1024 * 1024


class FileRefused(ValueError):
    """The file is not accepted; ``message`` says why, for the sender (no file name, no content)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Checked:
    """An accepted file: the content type detected from its bytes, its size, SHA-256 (hex) and a safe name (the
    original's last path part, control and path characters removed, ending in an extension of its type)."""

    content_type: str
    size: int
    sha256: str
    filename: str


def max_bytes() -> int:
    """The largest attachment accepted, in bytes (settings.OPENMASH_ATTACHMENT_MAX_BYTES, default 10 MB)."""
    return int(getattr(settings, "OPENMASH_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def size_words(n: int) -> str:
    """A size limit for people: "10 MB", "512 KB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    return f"{max(1, n // 1024)} KB"


def _extension(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def safe_filename(name: str, content_type: str) -> str:
    """The name to keep and to send back on download: the last part of `name` (no directories), NFC-normalised,
    without control characters, quotes, slashes or leading dots, at most 120 characters, and ending in an extension
    of `content_type` (the usual one is added when it does not). "attachment" when nothing is left."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C" and c not in '"/\\:*?<>|;')
    base = base.strip().lstrip(".").strip() or "attachment"
    suffix = _extension(base)
    stem, ext = (base[: -len(suffix)], base[-len(suffix) :]) if suffix else (base, "")
    allowed = ACCEPTED[content_type][1]
    if ext.lower() not in allowed:
        stem, ext = base, allowed[0]
    return stem[: 120 - len(ext)].rstrip() + ext


def _what(data: bytes) -> str:
    """What the bytes look like, in words, for a refusal: an executable, HTML, a known type, or "data"."""
    head = data[:4096]
    if head.startswith(b"MZ"):
        return "a Windows program"
    if head.startswith(b"\x7fELF"):
        return "a program (ELF executable)"
    if head[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ):
        return "a program (Mach-O executable)"
    if head.startswith(b"#!"):
        return "a script"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old binary Office file (.doc, .xls), which can hold macros"
    if _MARKUP.search(head) and b"<svg" in head.lower():
        return "an SVG image (it can hold scripts)"
    if _MARKUP.search(head):
        return "a web page (HTML), which can hold scripts"
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ACCEPTED:
            return ACCEPTED[kind.mime][0]
        return f"a .{kind.extension} file ({kind.mime})"
    return "data of a type OpenMASH does not accept"


def _is_executable(head: bytes) -> bool:
    return _what(head).startswith(("a Windows program", "a program", "a script"))


def pdf_names_normalised(data: bytes) -> bytes:
    """``data`` with every '#xx' escape inside a PDF name replaced by its byte (ISO 32000-1 7.3.5), so that
    ``/Java#53cript`` is checked as ``/JavaScript``. Bytes outside names are unchanged."""
    return _PDF_NAME.sub(lambda m: _PDF_NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group(0)), data)


def _office_parts_check(zf: zipfile.ZipFile, infos: list) -> None:
    """Refuse an Office file holding a part a document does not have (a program, an OLE object, a script: only the
    extensions in ``_OFFICE_PART_EXTENSIONS`` and Excel's printer settings), any part that starts like a program
    (``MZ``, ELF, Mach-O, ``#!``), or a relationship to an external target other than a hyperlink (an
    ``attachedTemplate`` or ``oleObject`` fetched from http://..., which Word opens without asking). Raises
    FileRefused."""
    for info in infos:
        name = info.filename
        if name.endswith("/") or name == "[Content_Types].xml":
            continue
        lower = name.lower()
        if not (lower.endswith(_OFFICE_PART_EXTENSIONS) or _OFFICE_PRINTER_SETTINGS.match(name)):
            raise FileRefused("The file holds a part Word and Excel documents do not have (a program or an object)")
        with zf.open(info) as member:
            head = member.read(8192)
        if head.startswith(b"MZ") or _is_executable(head):
            raise FileRefused("The file holds a program inside it: OpenMASH does not accept it")
        if lower.endswith(".rels"):
            if info.file_size > _MAX_PART_READ:
                raise FileRefused("The file is not a Word or Excel document OpenMASH can check")
            rels = zf.read(info)
            for rel in _RELATIONSHIP.findall(rels):
                if _EXTERNAL.search(rel) and not _HYPERLINK.search(rel):
                    raise FileRefused(
                        "The file fetches a template or an object from outside it (an external link): "
                        "save a copy without it and send that"
                    )


def _office(data: bytes) -> str:
    """DOCX or XLSX after the zip checks; raises FileRefused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if zip_encrypted(infos):
                raise FileRefused(
                    "The file is an encrypted (password-protected) archive: its content cannot be checked"
                )
            bomb = zip_bomb_reason(infos, max_uncompressed=MAX_OFFICE_UNCOMPRESSED)
            if bomb:
                raise FileRefused("The file is compressed far more than a real document: it looks like a zip bomb")
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise FileRefused("The file holds macros (a macro-enabled Office file): save it as .docx or .xlsx")
            if "[Content_Types].xml" not in names:
                raise FileRefused(
                    "The file is a zip archive, not a Word or Excel document: OpenMASH does not accept archives"
                )
            types_info = zf.getinfo("[Content_Types].xml")
            if types_info.file_size > 1024 * 1024:
                raise FileRefused("The file is not a Word or Excel document OpenMASH can check")
            types = zf.read(types_info)
            _office_parts_check(zf, infos)
    except zipfile.BadZipFile:
        raise FileRefused("The file is a damaged zip archive") from None
    except (RuntimeError, NotImplementedError, OSError, EOFError):  # encrypted or an unknown compression method
        raise FileRefused("The file is an archive whose content cannot be checked") from None
    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
        raise FileRefused("The file holds macros (a macro-enabled Office file): save it as .docx or .xlsx")
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise FileRefused("The file is an Office document of a type OpenMASH does not accept (only .docx and .xlsx)")


def _text(data: bytes) -> str:
    """TEXT, or raises FileRefused for binary data, other encodings and markup."""
    if b"\x00" in data:
        raise FileRefused(f"The file is {_what(data)}, not plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The file is not UTF-8 text: save it as plain text in UTF-8 and send it again") from None
    if _MARKUP.search(data):
        what = (
            "an SVG image (it can hold scripts)"
            if b"<svg" in data.lower()
            else "a web page (HTML), which can hold scripts"
        )
        raise FileRefused(f"The file holds {what}, not plain text")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\f" for c in text[:65536]):
        raise FileRefused("The file holds control characters: it is not plain text")
    return TEXT


def _pdf_dictionary_at(data: bytes, start: int, limit: int = 65536) -> bytes:
    """The dictionary ``<< ... >>`` that starts at ``start``, nested dictionaries included (a /Next action chained
    to an open action runs on opening too) and ``>>`` inside a (string) not counted; at most ``limit`` bytes."""
    depth, i, end = 0, start, min(len(data), start + limit)
    while i < end:
        two = data[i : i + 2]
        if two == b"<<":
            depth, i = depth + 1, i + 2
            continue
        if two == b">>":
            depth, i = depth - 1, i + 2
            if depth == 0:
                return data[start:i]
            continue
        if data[i] == 0x28:  # "(" a literal string: balanced parentheses, backslash escapes
            nest, i = 1, i + 1
            while i < end and nest:
                nest += {0x28: 1, 0x29: -1}.get(data[i], 0)
                i += 2 if data[i] == 0x5C else 1
            continue
        i += 1
    return data[start:end]


def _pdf_active(data: bytes) -> bool:
    """Whether a PDF (names normalised: pdf_names_normalised) declares active content: JavaScript, a launch action,
    additional actions (/AA), embedded files or rich media, an XFA form, an action that opens another file (/GoToR,
    /GoToE), sends or reads form data (/SubmitForm, /ImportData), or an open action that goes to the web (/URI),
    given inline (the whole dictionary, nested ones too) or by reference to another object (attacker review 2026-12,
    finding D; every definition of the object named is looked at). A link annotation's /URI (a hyperlink the reader
    clicks) stays accepted. In: the file's bytes, or those followed by ``pdf_hidden_dictionaries``, names normalised.
    Defence in depth, not a sanitiser."""
    if _PDF_ACTIVE.search(data):
        return True
    for inline in _PDF_OPEN_INLINE.finditer(data):
        if _PDF_URI_ACTION.search(_pdf_dictionary_at(data, inline.end() - 2)):
            return True
    for ref in _PDF_OPEN_REF.finditer(data):
        definitions = re.finditer(
            rb"(?<!\d)" + ref.group(1) + rb"\s+" + ref.group(2) + rb"\s+obj\b(.{0,4096}?)endobj", data, re.S
        )
        if any(_PDF_URI_ACTION.search(obj.group(1)) for obj in definitions):
            return True
    return False


def _objstm_objects(stream: bytes, count: object, first: object) -> bytes:
    """An object stream's decoded bytes (ISO 32000-1 7.5.7: ``count`` pairs "number offset", then the objects from
    byte ``first``) written as ``num 0 obj ... endobj`` each, so an open action's reference finds its target; the
    bytes as they are when the header does not describe them."""
    try:
        n, start = int(count), int(first)  # type: ignore[call-overload]
        numbers = [int(x) for x in re.findall(rb"\d+", stream[:start])[: 2 * n]]
    except (TypeError, ValueError):
        return stream + b"\n"
    pairs = sorted(zip(numbers[1::2], numbers[0::2], strict=False))
    if n <= 0 or len(pairs) != n or not 0 <= start <= len(stream):
        return stream + b"\n"
    ends = [offset for offset, _ in pairs[1:]] + [len(stream) - start]
    return b"".join(
        b"%d 0 obj\n" % num + stream[start + offset : start + end] + b"\nendobj\n"
        for (offset, num), end in zip(pairs, ends, strict=True)
    )


def _limit_reached(error: BaseException | None) -> bool:
    """Whether pypdf stopped at one of its output limits, even when it reports it wrapped in another error (a
    cross-reference stream's limit comes back as "Trailer cannot be read")."""
    seen = 0
    while error is not None and seen < 16:
        if isinstance(error, LimitReachedError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def pdf_hidden_dictionaries(data: bytes, *, max_decoded: int | None = None) -> bytes:
    """What a PDF reader sees of a PDF that a search of its bytes does not, as uncompressed PDF syntax for
    ``_pdf_active``: every object held in a compressed object stream (``/Type /ObjStm``, decoded through whatever
    chain of filters the stream declares: FlateDecode, LZWDecode, ASCIIHexDecode, ASCII85Decode, RunLengthDecode...),
    written ``num 0 obj ... endobj``. Objects outside object streams are in the file's own bytes and are searched
    there. The cross-reference (tables and streams, followed through incremental updates) is read and the streams
    decoded by pypdf (a maintained PDF library; not strict, so a damaged cross-reference table is rebuilt and its
    object streams found, as readers do); the objects themselves are not parsed one by one (a file may hold
    hundreds of thousands), they are searched as text by ``_pdf_active``.

    In: the file's bytes and the most bytes its object streams may decode to in all (``MAX_PDF_DECODED`` when None;
    while decoding, each stream, the cross-reference streams included, is bounded by it too). Raises FileRefused when
    the streams expand past it (a decompression bomb), its cross-reference declares more than ``MAX_PDF_OBJECTS``
    objects (checked before parsing), or the file cannot be parsed (never another error). Source: ISO
    32000-1 7.4 (filters), 7.5.7 (object streams), 7.5.8 (cross-reference streams); security review of issue 7
    (a JavaScript open action hidden in a Flate object stream)."""
    limit = MAX_PDF_DECODED if max_decoded is None else max_decoded
    declared = [int(m.group(1)) for m in _PDF_SIZE.finditer(data)]
    for index in _PDF_INDEX.finditer(data):
        declared.append(sum(int(n) for n in index.group(1).split()[1::2]))
    if any(n > MAX_PDF_OBJECTS for n in declared):
        raise FileRefused(
            "The PDF declares far more parts than a real document has: print it to a new PDF and send that"
        )
    bounds = {
        name: limit
        for name in (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "maximum_declared_stream_length",
        )
    }
    bomb = FileRefused("The PDF's compressed parts expand far more than a real document's: it looks like a bomb")
    parts: list[bytes] = []
    try:
        with apply_configuration(**bounds):
            reader = PdfReader(io.BytesIO(data), strict=False)
            decoded = 0
            for stm in sorted({stm for stm, _ in reader.xref_objStm.values()}):
                container = reader.get_object(IndirectObject(stm, 0, reader))
                if not isinstance(container, StreamObject) or container.get("/Type") != "/ObjStm":
                    raise ValueError("a compressed object's container is not an object stream")
                stream = container.get_data()
                decoded += len(stream)
                if decoded > limit:
                    raise bomb
                parts.append(_objstm_objects(stream, container.get("/N"), container.get("/First")))
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - a hostile file may break the parser anywhere: refused, never a 500
        if _limit_reached(error):
            raise bomb from None
        raise FileRefused(
            "The PDF could not be read to check it (it is damaged or built in a way OpenMASH cannot check): "
            "print it to a new PDF and send that"
        ) from None
    return b"".join(parts)


def _detect(data: bytes) -> str:
    """The accepted content type of `data`, or raises FileRefused naming what it is."""
    head = data[:8192]
    if _is_executable(head):
        raise FileRefused(f"The file is {_what(head)}: programs and scripts are not accepted")
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime == PDF or head.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise FileRefused("The file starts like a PDF but is not a complete PDF document")
        plain = pdf_names_normalised(data)
        if _pdf_active(plain) or _pdf_active(plain + b"\n" + pdf_names_normalised(pdf_hidden_dictionaries(data))):
            raise FileRefused(
                "The PDF holds JavaScript, a launch, web, remote-file or form action, an XFA form or embedded files: "
                "print it to a new PDF"
            )
        return PDF
    if mime == PNG:
        if data[12:16] != b"IHDR":
            raise FileRefused("The file starts like a PNG image but is not one")
        return PNG
    if mime == JPEG:
        return JPEG
    if data.startswith(b"PK\x03\x04") or mime in (DOCX, XLSX, "application/zip"):
        return _office(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(f"The file is {_what(head)}: save it as .docx or .xlsx")
    if kind is not None:
        raise FileRefused(f"The file is {_what(head)}: OpenMASH accepts {ACCEPTED_LIST}")
    return _text(data)


def file_check(name: str, data: bytes) -> Checked:
    """Check an uploaded file (module docstring). In: the name it was sent with, its bytes. Out: Checked. Raises
    FileRefused (empty, too large, a type not accepted, an extension that does not match the content)."""
    if not data:
        raise FileRefused("The selected file is empty")
    limit = max_bytes()
    if len(data) > limit:
        raise FileRefused(f"The selected file must be smaller than {size_words(limit)}")
    ext = _extension(name or "")
    if ext not in ACCEPTED_EXTENSIONS:
        called = f"is called {ext}" if ext else "has no extension"
        raise FileRefused(f"The selected file {called}: OpenMASH accepts {ACCEPTED_LIST}")
    content_type = _detect(data)
    label, exts = ACCEPTED[content_type]
    if ext not in exts:
        raise FileRefused(
            f"The file is called {ext} but is {label}: rename it {exts[0]} if that is what you meant to send"
        )
    return Checked(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        filename=safe_filename(name, content_type),
    )


__all__ = [
    "ACCEPTED",
    "ACCEPTED_LIST",
    "MAX_PDF_DECODED",
    "Checked",
    "FileRefused",
    "file_check",
    "max_bytes",
    "pdf_hidden_dictionaries",
    "safe_filename",
]
