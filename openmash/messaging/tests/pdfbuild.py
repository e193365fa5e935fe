"""Well-formed PDFs built byte by byte for the attachment checks: plain objects behind a classic cross-reference
table, or some objects packed in a compressed object stream (ISO 32000-1 7.5.7) behind a cross-reference stream
(7.5.8), each stream encoded by a chain of standard filters (7.4). Generated at run time; no files kept."""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib

from pypdf._codecs._codecs import LzwCodec  # pypdf's own LZW encoder (what it writes with)


def _run_length(data: bytes) -> bytes:
    """RunLengthDecode's input (7.4.5): each byte as a literal run of one (so no text shows through), then the
    end-of-data byte 128."""
    return b"".join(bytes([0, byte]) for byte in data) + b"\x80"


ENCODERS = {
    b"/FlateDecode": zlib.compress,
    b"/LZWDecode": lambda data: LzwCodec().encode(data),
    b"/ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    b"/ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    b"/RunLengthDecode": _run_length,
}


def encode(data: bytes, filters: tuple[bytes, ...]) -> tuple[bytes, bytes]:
    """``data`` encoded so that a reader applying ``filters`` in order gets it back, and the /Filter entry."""
    for name in reversed(filters):
        data = ENCODERS[name](data)
    return data, b"/Filter [" + b" ".join(filters) + b"]"


def stream(dictionary: bytes, data: bytes, filters: tuple[bytes, ...] = (b"/FlateDecode",)) -> bytes:
    """A stream object's body: ``<< dictionary /Length /Filter >> stream ... endstream``."""
    body, filter_entry = encode(data, filters) if filters else (data, b"")
    return b"<< " + dictionary + b" " + filter_entry + b" /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"


def pdf(
    plain: dict[int, bytes],
    compressed: dict[int, bytes] | None = None,
    *,
    filters: tuple[bytes, ...] = (b"/FlateDecode",),
    root: int = 1,
) -> bytes:
    """A PDF whose objects ``plain`` (number: body) are written as they are and ``compressed`` (number: body) are
    packed in one object stream encoded by ``filters``; with compressed objects the cross-reference is a Flate
    stream, else a classic table. Object numbers must be 1..n with no gap."""
    compressed = compressed or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num, body in sorted(plain.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    if not compressed:
        size = max(offsets) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
        return bytes(out)
    objstm = max([*plain, *compressed]) + 1
    header, bodies = b"", b""
    for num, body in sorted(compressed.items()):
        header += b"%d %d " % (num, len(bodies))
        bodies += body + b"\n"
    offsets[objstm] = len(out)
    out += b"%d 0 obj\n" % objstm
    out += stream(b"/Type /ObjStm /N %d /First %d" % (len(compressed), len(header)), header + bodies, filters)
    out += b"\nendobj\n"
    xref_num = objstm + 1
    offsets[xref_num] = len(out)
    rows = b"\x00" + struct.pack(">IH", 0, 65535)
    index = {num: i for i, num in enumerate(sorted(compressed))}
    for num in range(1, xref_num + 1):
        if num in offsets:
            rows += b"\x01" + struct.pack(">IH", offsets[num], 0)
        else:
            rows += b"\x02" + struct.pack(">IH", objstm, index[num])
    out += b"%d 0 obj\n" % xref_num
    out += stream(b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R" % (xref_num + 1, root), rows)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def update(base: bytes, compressed: dict[int, bytes], *, filters: tuple[bytes, ...] = (b"/FlateDecode",)) -> bytes:
    """``base`` (a PDF) with an incremental update appended (ISO 32000-1 7.5.6): the objects ``compressed`` (number:
    body; a number already in ``base`` replaces that object) packed in a new object stream encoded by ``filters``,
    behind a cross-reference stream whose /Prev is ``base``'s last cross-reference section."""
    prev = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    size = int(re.findall(rb"/Size\s+(\d+)", base)[-1])
    root = int(re.findall(rb"/Root\s+(\d+)\s+0\s+R", base)[-1])
    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    objstm = max(size, *compressed) + 1
    header, bodies = b"", b""
    for num, body in sorted(compressed.items()):
        header += b"%d %d " % (num, len(bodies))
        bodies += body + b"\n"
    offsets = {objstm: len(out)}
    out += b"%d 0 obj\n" % objstm
    out += stream(b"/Type /ObjStm /N %d /First %d" % (len(compressed), len(header)), header + bodies, filters)
    out += b"\nendobj\n"
    xref_num = objstm + 1
    offsets[xref_num] = len(out)
    index = {num: i for i, num in enumerate(sorted(compressed))}
    rows, sections = b"", b""
    for num in sorted([*compressed, objstm, xref_num]):
        sections += b"%d 1 " % num
        if num in offsets:
            rows += b"\x01" + struct.pack(">IH", offsets[num], 0)
        else:
            rows += b"\x02" + struct.pack(">IH", objstm, index[num])
    out += b"%d 0 obj\n" % xref_num
    out += stream(
        b"/Type /XRef /Size %d /Index [%s] /W [1 4 2] /Root %d 0 R /Prev %d"
        % (xref_num + 1, sections.strip(), root, prev),
        rows,
    )
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)
