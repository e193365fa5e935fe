"""What an uploaded file really is, decided from its bytes, never from its name or the browser's claim (issue 7;
OWASP ASVS 5.0 5.2.1 size, 5.2.2 type by content and extension, 5.2.3 zip bombs; ADR 0017).

``file_check(name, data)`` returns the ``Checked`` file (detected content type, the extension that goes with it, a
safe name) or raises ``FileRefused`` with a sentence for the person who sent it. The sentence names the file's
extension and what the bytes are, never the file's name (it may name a child).

Accepted, each by its own structure:

- **PDF**: ``%PDF-`` at the start and an ``%%EOF`` marker in its last kilobyte; refused when it declares JavaScript,
  a launch action, additional actions (``/AA``), embedded files or rich media, an XFA form, a remote go-to
  (``/GoToR``, ``/GoToE``), a form submit or import (``/SubmitForm``, ``/ImportData``) or an open action to a web
  address (``/OpenAction`` with ``/S /URI``, inline or by reference) (in uncompressed dictionaries, after decoding
  ``#xx`` escapes in names: a defence in depth, not a PDF sanitiser);
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


def _pdf_active(data: bytes) -> bool:
    """Whether a PDF (names normalised: pdf_names_normalised) declares active content: JavaScript, a launch action,
    additional actions (/AA), embedded files or rich media, an XFA form, an action that opens another file (/GoToR,
    /GoToE), sends or reads form data (/SubmitForm, /ImportData), or an open action that goes to the web (/URI),
    given inline or by reference to another object (attacker review 2026-12, finding D). A link annotation's /URI
    (a hyperlink the reader clicks) stays accepted. Defence in depth on uncompressed dictionaries, not a sanitiser."""
    if _PDF_ACTIVE.search(data):
        return True
    for ref in _PDF_OPEN_REF.finditer(data):
        obj = re.search(
            rb"(?<!\d)" + ref.group(1) + rb"\s+" + ref.group(2) + rb"\s+obj\b(.{0,4096}?)endobj", data, re.S
        )
        if obj is not None and _PDF_URI_ACTION.search(obj.group(1)):
            return True
    return False


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
        if _pdf_active(pdf_names_normalised(data)):
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


__all__ = ["ACCEPTED", "ACCEPTED_LIST", "Checked", "FileRefused", "file_check", "max_bytes", "safe_filename"]
