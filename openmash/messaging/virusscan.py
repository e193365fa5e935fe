"""Virus scanning of attachments with ClamAV's clamd (issue 7 'secure messaging'; ADR 0017 addendum).

Content checks (messaging.filecheck: type by magic bytes, structure, zip bombs, macros, active PDF content) refuse
what a safeguarding message never needs; a virus scanner catches known malware inside what is allowed (a PDF, an
image, a Word document). OpenMASH does not scan by itself: it sends each attachment's bytes to a **clamd** daemon
with the INSTREAM command, through **clamav-client** (a maintained client; Artefactual), before anything is stored.

Configuration: ``OPENMASH_CLAMD_URL`` -- ``tcp://HOST:PORT`` (clamd's TCPSocket, usually 3310) or
``unix:///PATH`` (clamd's LocalSocket, e.g. /run/clamav/clamd.ctl on Debian); empty (the default) means no
scanner. ``OPENMASH_CLAMD_TIMEOUT`` seconds (default 30).

Rules:
- no scanner configured: attachments are accepted on the content checks alone, and the audit event of each says
  ``virus_scan: "not configured"`` (the security model lists running clamd as a production step);
- a scanner configured and it finds something: the file is refused ("The selected file contains a virus"), nothing is
  stored, and the refusal is audited ``attachment_refused`` with the signature's name (never the file's name or bytes);
- a scanner configured but not answering, or answering an error (including clamd's StreamMaxLength): the file is
  refused too, saying the file could not be checked (fail closed: an unscanned file never slips through because
  the scanner was down).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "not configured"
CLEAN = "clean"


class ScannerUnavailable(RuntimeError):
    """clamd did not answer, or answered an error (the reason is for the log: no file name or content)."""


@dataclass(frozen=True)
class ScanOutcome:
    """``state``: "clean", "found" or "not configured"; ``signature``: the malware's name when found."""

    state: str
    signature: str = ""

    @property
    def found(self) -> bool:
        return self.state == "found"


def scanner_url() -> str:
    return str(getattr(settings, "OPENMASH_CLAMD_URL", "") or "").strip()


def _client():
    """A clamav-client socket for ``OPENMASH_CLAMD_URL``. Raises ScannerUnavailable for a URL it cannot use."""
    from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

    url = urlparse(scanner_url())
    timeout = float(getattr(settings, "OPENMASH_CLAMD_TIMEOUT", 30))
    if url.scheme == "tcp" and url.hostname and url.port:
        return ClamdNetworkSocket(host=url.hostname, port=url.port, timeout=timeout)
    if url.scheme == "unix" and url.path:
        return ClamdUnixSocket(path=url.path, timeout=timeout)
    raise ScannerUnavailable("OPENMASH_CLAMD_URL must be tcp://HOST:PORT or unix:///PATH")


def scan(data: bytes) -> ScanOutcome:
    """In: a file's bytes. Out: ScanOutcome ("not configured" when no scanner is set). Raises ScannerUnavailable when
    a scanner is set but the scan did not complete (connection refused, timeout, clamd error, size limit)."""
    if not scanner_url():
        return ScanOutcome(NOT_CONFIGURED)
    from clamav_client.clamd import ClamdError

    try:
        results = _client().instream(io.BytesIO(data))
    except (ClamdError, OSError) as exc:
        logger.warning("virus scanner unavailable: %s", type(exc).__name__)
        raise ScannerUnavailable(type(exc).__name__) from exc
    # clamav-client: {"stream": (status, reason)}; status "OK", "FOUND" or "ERROR"
    status, reason = next(iter(results.values()), ("ERROR", "empty answer"))
    if status == "OK":
        return ScanOutcome(CLEAN)
    if status == "FOUND":
        return ScanOutcome("found", signature=str(reason or "unknown")[:200])
    logger.warning("virus scanner error answer")
    raise ScannerUnavailable("clamd answered an error")
