"""Security review of issue 7: a PDF's active content hidden in a compressed object stream (ISO 32000-1 7.5.7), where
a search of the file's bytes cannot see it, was accepted and delivered to other agencies. The objects a reader
decodes are now checked too, whatever chain of filters encodes them; a stream that expands past the limit, or a
file the parser cannot read, is refused with a sentence that names neither the file nor its content. PDFs built at
run time (``pdfbuild``; fpdf2 for a real one)."""

from __future__ import annotations

import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openmash.messaging.filecheck import PDF, FileRefused, file_check
from openmash.messaging.models import Attachment, Message
from openmash.messaging.tests import pdfbuild
from openmash.messaging.tests.conftest import pdf_bytes

ACTIVE = "PDF holds JavaScript"
BOMB = "looks like a bomb"
UNREADABLE = "could not be read"
JS = b'<< /S /JavaScript /JS (app.launchURL\\("https://attacker.example/x"\\)) >>'
#: past filecheck.MAX_PDF_DECODED (32 MB), compressed to a few kilobytes
EXPANDS_TO = 40 * 1024 * 1024
OPENS_4 = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"


def _hidden(action: bytes, filters: tuple[bytes, ...] = (b"/FlateDecode",)) -> bytes:
    """A PDF whose catalog's open action is object 4, held in a compressed object stream encoded by ``filters``."""
    return pdfbuild.pdf({1: OPENS_4, 2: pdfbuild.PAGES, 3: pdfbuild.PAGE}, {4: action}, filters=filters)


def _refused(data: bytes, says: str) -> str:
    with pytest.raises(FileRefused, match=says) as refused:
        file_check("minutes.pdf", data)
    return refused.value.message


def test_javascript_open_action_in_a_flate_object_stream_is_refused():
    data = _hidden(JS)
    assert b"JavaScript" not in data and b"/ObjStm" in data and b"/XRef" in data  # hidden from a search of the bytes
    message = _refused(data, ACTIVE)
    assert "minutes" not in message and "attacker" not in message
    # the same object left uncompressed was already refused
    _refused(pdfbuild.pdf({1: OPENS_4, 2: pdfbuild.PAGES, 3: pdfbuild.PAGE, 4: JS}), ACTIVE)


@pytest.mark.parametrize(
    "filters",
    [
        (b"/ASCIIHexDecode", b"/FlateDecode"),
        (b"/LZWDecode",),
        (b"/ASCII85Decode",),
        (b"/RunLengthDecode",),
        (b"/ASCII85Decode", b"/RunLengthDecode", b"/FlateDecode"),
        (b"/ASCIIHexDecode",),
    ],
    ids=["hex+flate", "lzw", "ascii85", "runlength", "a85+rl+flate", "hex"],
)
def test_javascript_in_an_object_stream_is_refused_whatever_filters_encode_it(filters):
    assert b"JavaScript" not in _hidden(JS, filters)
    _refused(_hidden(JS, filters), ACTIVE)


@pytest.mark.parametrize(
    "hidden",
    [
        b"<< /S /Java#53cript /J#53 (app.alert\\(1\\)) >>",
        b"<< /S /#4Caunch /F (cmd.exe) >>",
        b"<< /S /URI /URI (https://attacker.example/) >>",
        b"<< /S /GoToR /F (//server/share/x.pdf) >>",
        b"<< /S /Sub#6ditForm /F (https://attacker.example/) >>",
        b"<< /Type /Action /Next << /S /GoTo /D [3 0 R /Fit] >> /S /URI /URI (https://attacker.example/) >>",
    ],
    ids=["escaped-javascript", "escaped-launch", "uri", "gotor", "escaped-submitform", "uri-after-nested-dict"],
)
def test_an_escaped_or_referenced_action_inside_a_compressed_stream_is_refused(hidden):
    _refused(_hidden(hidden, (b"/FlateDecode",)), ACTIVE)


@pytest.mark.parametrize(
    "objects",
    [
        {4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R /#41A << /O 5 0 R >> >>", 5: JS},
        {4: b"<< /Type /EmbeddedFile >>", 5: b"<< /#45mbeddedFiles << /Names [(a.exe) 4 0 R] >> >>"},
        {4: b"<< /Fields [] /XFA 5 0 R >>", 5: b"<< >>"},
    ],
    ids=["annotation-aa-and-js", "embedded-files", "xfa-form"],
)
def test_other_active_content_in_a_compressed_stream_is_refused(objects):
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    _refused(pdfbuild.pdf({1: pdfbuild.CATALOG, 2: pdfbuild.PAGES, 3: page}, objects), ACTIVE)


def test_a_real_pdf_given_a_javascript_open_action_by_an_incremental_update_is_refused_and_accepted_without():
    """fpdf2's own output (compressed page content, a hyperlink) is accepted; the same file with an incremental
    update that replaces its catalog, through a compressed object stream, by one whose open action runs JavaScript
    is refused."""
    from fpdf import FPDF

    doc = FPDF()
    for page in range(3):
        doc.add_page()
        doc.set_font("helvetica", size=11)
        doc.multi_cell(0, 6, text=f"Strategy meeting minutes, page {page + 1}. " * 40, link="https://www.gov.uk/")
    real = bytes(doc.output())
    assert b"/FlateDecode" in real and b"/URI" in real
    assert file_check("minutes.pdf", real).content_type == PDF

    root = int(re.findall(rb"/Root\s+(\d+)\s+0\s+R", real)[-1])
    catalog = re.search(rb"(?<!\d)%d 0 obj\s*(<<.*?>>)\s*endobj" % root, real, re.S).group(1)
    js_num = int(re.findall(rb"/Size\s+(\d+)", real)[-1])
    evil = catalog.replace(b"/OpenAction", b"/Old")[:-2] + b" /OpenAction %d 0 R >>" % js_num
    updated = pdfbuild.update(real, {root: evil, js_num: JS}, filters=(b"/ASCIIHexDecode", b"/FlateDecode"))
    assert b"JavaScript" not in updated
    _refused(updated, ACTIVE)


@pytest.mark.parametrize(
    "filters", [(b"/FlateDecode",), (b"/ASCIIHexDecode", b"/FlateDecode"), (b"/LZWDecode",), (b"/RunLengthDecode",)]
)
def test_a_clean_pdf_with_its_objects_in_a_compressed_stream_and_a_hyperlink_is_accepted(filters):
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] /Lang (en#2DGB) >>"
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.gov.uk/) >> >>"
    data = pdfbuild.pdf({1: pdfbuild.CATALOG, 2: pdfbuild.PAGES}, {3: page, 4: link}, filters=filters)
    assert file_check("minutes.pdf", data).content_type == PDF
    # and the same file with a JavaScript open action added to the stream is not
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"
    _refused(pdfbuild.pdf({1: catalog, 2: pdfbuild.PAGES}, {3: page, 4: link, 5: JS}, filters=filters), ACTIVE)


def test_an_object_stream_that_expands_past_the_limit_is_refused_as_a_bomb():
    padding = b" " * (EXPANDS_TO)
    data = pdfbuild.pdf({1: pdfbuild.CATALOG, 2: pdfbuild.PAGES}, {3: pdfbuild.PAGE + padding})
    assert len(data) < 100 * 1024
    message = _refused(data, BOMB)
    assert "minutes" not in message


def test_a_cross_reference_stream_that_expands_past_the_limit_is_refused_as_a_bomb():
    data = pdfbuild.pdf({1: pdfbuild.CATALOG, 2: pdfbuild.PAGES}, {3: pdfbuild.PAGE})
    xref = re.search(rb"(\d+) 0 obj\n<< (/Type /XRef .*?) /Filter \[/FlateDecode\] /Length (\d+) >>\nstream\n", data)
    rows = zlib.decompress(data[xref.end() : xref.end() + int(xref.group(3))])
    bomb = zlib.compress(rows + bytes(EXPANDS_TO), 9)
    data = (
        data[: xref.start()]
        + b"%s 0 obj\n<< %s /Filter /FlateDecode /Length %d >>\nstream\n" % (xref.group(1), xref.group(2), len(bomb))
        + bomb
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref.start()
    )
    _refused(data, BOMB)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) + b"\n%%EOF\n",
        pdfbuild.pdf({1: OPENS_4, 2: pdfbuild.PAGES, 3: pdfbuild.PAGE}, {4: JS}).replace(b"/ObjStm", b"/XObject"),
    ],
    ids=["garbage", "compressed-object-in-a-stream-that-is-not-an-object-stream"],
)
def test_a_pdf_the_parser_cannot_read_is_refused_with_a_sentence_not_an_error(data):
    message = _refused(data, UNREADABLE)
    assert "minutes" not in message


def test_the_api_answers_422_for_a_pdf_with_javascript_in_an_object_stream_and_stores_nothing(thread):
    from openmash.accounts.services import token_create

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=thread.police.user.username)[1]}"}
    url = f"/api/v1/enquiries/{thread.enquiry.pk}/messages"
    r = Client().post(
        url, {"body": "Minutes attached", "files": [SimpleUploadedFile("Jay minutes.pdf", _hidden(JS))]}, **bearer
    )
    assert r.status_code == 422, r.content
    (error,) = r.json()["errors"]["files"]
    assert ACTIVE in error and "Jay" not in error and "attacker" not in error
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0
    # the same message with a clean PDF goes through
    ok = Client().post(url, {"body": "Minutes attached", "files": [SimpleUploadedFile("m.pdf", pdf_bytes())]}, **bearer)
    assert ok.status_code == 201, ok.content


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "compressed"])
def test_an_inline_open_action_to_the_web_after_a_nested_dictionary_is_refused(compressed):
    """``[^>]*`` stopped at the nested dictionary's ``>>``: the whole open-action dictionary is looked at now (a
    string holding ``>>`` does not end it)."""
    catalog = (
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /Next << /S /GoTo /D [3 0 R /Fit] >> /T (a >> b)"
        b" /S /URI /URI (https://attacker.example/) >> >>"
    )
    objects = {1: catalog, 2: pdfbuild.PAGES, 3: pdfbuild.PAGE}
    data = pdfbuild.pdf({2: pdfbuild.PAGES}, {1: catalog, 3: pdfbuild.PAGE}) if compressed else pdfbuild.pdf(objects)
    _refused(data, ACTIVE)


@pytest.mark.parametrize("declares", [b"/Size 5000000", b"/Index [0 3 10 4000000]"], ids=["size", "index"])
def test_a_cross_reference_declaring_millions_of_objects_is_refused_before_it_is_parsed(declares):
    """pypdf reads a cross-reference entry in about 8 microseconds: a file declaring millions of them (within the
    decoded-size cap) would hold a worker for tens of seconds. The declared count is bounded before parsing."""
    data = pdfbuild.pdf({1: pdfbuild.CATALOG, 2: pdfbuild.PAGES}, {3: pdfbuild.PAGE})
    data = re.sub(rb"/Size \d+", declares, data, count=1)
    message = _refused(data, "far more parts than a real document")
    assert "minutes" not in message
