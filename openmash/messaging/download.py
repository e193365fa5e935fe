"""The one way an attachment's bytes leave OpenMASH: an HTTP response that a browser saves and never renders
(issue 7; ADR 0017; SECURITY-TESTS HD-1): ``Content-Disposition: attachment`` with the safe name as RFC 6266
``filename`` (ASCII fallback) and RFC 5987 ``filename*`` (UTF-8), the content type detected at upload (never
text/html: the accepted types are PDF, PNG, JPEG, DOCX, XLSX and text/plain), ``X-Content-Type-Options: nosniff``,
a sandboxing Content-Security-Policy and ``Cache-Control: no-store``."""

from __future__ import annotations

from urllib.parse import quote

from anyascii import anyascii
from django.http import HttpResponse

from openmash.messaging.filecheck import ACCEPTED, safe_filename


def content_disposition(name: str) -> str:
    """``attachment`` with `name` (already made safe by filecheck.safe_filename: no quotes, slashes or control
    characters) as RFC 6266 ``filename`` (ASCII: transliterated, anything else dropped) and, when the name is not
    plain ASCII, RFC 5987 ``filename*`` (UTF-8, percent-encoded), which browsers prefer."""
    fallback = "".join(c for c in anyascii(name) if c.isalnum() or c in " ._-()[]+,") or "attachment"
    header = f'attachment; filename="{fallback}"'
    if name != fallback:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def attachment_response(attachment, data: bytes) -> HttpResponse:
    """The download response for `attachment` with content `data` (already access-checked and audited)."""
    content_type = attachment.content_type if attachment.content_type in ACCEPTED else "application/octet-stream"
    header_type = f"{content_type}; charset=utf-8" if content_type == "text/plain" else content_type
    response = HttpResponse(data, content_type=header_type)
    name = safe_filename(attachment.filename, content_type) if content_type in ACCEPTED else "attachment.bin"
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(len(data))
    return response
