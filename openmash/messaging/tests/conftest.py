"""Secure messaging fixtures, built through the services: an open MASH enquiry asked of the GP and the police, its
child allocated to a social worker, and everyone around it who is not on the thread. Files made here, small and
real (a PDF from fpdf2, a PNG and a JPEG by hand, DOCX and XLSX as zip archives)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import pytest

from tests.support import allocation_open, child, enquiry_open, nhs_number, requests_send, subject_person


@dataclass
class Thread:
    referrer: object  # recorded the contact: not on the thread
    screener: object
    manager: object
    gp: object  # researcher of an agency asked
    police: object  # researcher of an agency asked
    school: object  # researcher of an agency not asked
    worker: object  # the social worker allocated to the child
    other_worker: object
    admin: object
    auditor: object
    privacy: object
    enquiry: object
    gp_request: object
    police_request: object
    allocation: object


@pytest.fixture
def thread(make_actor) -> Thread:
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(surname="Threadchild", nhs=nhs_number())]
    )
    gp_request, police_request = requests_send(screener, enquiry, "health-gp", "police")
    worker = make_actor("social_worker", "mash")
    allocation = allocation_open(subject_person(enquiry.contact), worker)
    return Thread(
        referrer=referrer,
        screener=screener,
        manager=make_actor("manager", "mash"),
        gp=make_actor("researcher", "health-gp"),
        police=make_actor("researcher", "police"),
        school=make_actor("researcher", "school-oak"),
        worker=worker,
        other_worker=make_actor("social_worker", "mash"),
        admin=make_actor("partnership_admin", "mash"),
        auditor=make_actor("auditor", "mash"),
        privacy=make_actor("privacy_officer", "mash"),
        enquiry=enquiry,
        gp_request=gp_request,
        police_request=police_request,
        allocation=allocation,
    )


# --- real small files ----------------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Strategy meeting notes") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    """A 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The start of a JFIF JPEG (SOI, APP0) and its end (EOI): enough for content detection."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def _zip(members: dict[str, bytes], *, encrypt_flag: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = bytearray(out.getvalue())
    if encrypt_flag:  # mark every member encrypted (general purpose bit 0), as a password-protected zip is
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(signature)
            while at != -1:
                raw[at + offset] |= 0x1
                at = raw.find(signature, at + 4)
    return bytes(raw)


CONTENT_TYPES_DOCX = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)
CONTENT_TYPES_DOCM = CONTENT_TYPES_DOCX.replace(
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
)
DOCUMENT_XML = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
)


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES_DOCX, "word/document.xml": DOCUMENT_XML})


def docm_bytes() -> bytes:
    """A macro-enabled Word document: the macro content type and its vbaProject.bin."""
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES_DOCM,
            "word/document.xml": DOCUMENT_XML,
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro project",
        }
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Attendance"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb_bytes() -> bytes:
    """A document-shaped archive with one member of 20 MB of zeros (compresses about 1000:1)."""
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES_DOCX,
            "word/document.xml": DOCUMENT_XML,
            "word/media/x.bin": bytes(20_000_000),
        }
    )


def encrypted_zip_bytes() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES_DOCX, "word/document.xml": DOCUMENT_XML}, encrypt_flag=True)
