"""Zip-bomb checks on a zip archive's central directory, before any member is expanded: shared by the feed import
(XLSX workbooks, openmash.feeds.readers) and message attachments (DOCX/XLSX, openmash.messaging.filecheck).
SECURITY-TESTS / OWASP ASVS 5.0 5.2.3 (compressed files checked against a maximum uncompressed size and a maximum
number of files before they are expanded).

The declared sizes come from the archive itself and may lie; what they give is an upper bound the readers then hold
the archive to: Python's ``zipfile`` never returns more than a member's declared size (and checks its CRC), so a
member that claims little and expands to more fails to read rather than filling memory.
"""

from __future__ import annotations

import zipfile

#: A member expanding more than this many times over its compressed size (and past MIN_RATIO_BYTES) is refused.
MAX_RATIO = 200
#: Below this uncompressed size a high ratio is harmless (a run of spaces compresses a thousandfold).
MIN_RATIO_BYTES = 1_000_000
#: More members than this is not an Office document.
MAX_MEMBERS = 10_000


def zip_bomb_reason(infos: list[zipfile.ZipInfo], *, max_uncompressed: int) -> str:
    """Why the archive whose central directory is `infos` looks like a zip bomb: "too_large" (more than
    MAX_MEMBERS members, or members declaring more than `max_uncompressed` bytes in all), "ratio" (one member
    compressed more than MAX_RATIO times over, past MIN_RATIO_BYTES), or "" when neither."""
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_MEMBERS or total > max_uncompressed:
        return "too_large"
    for i in infos:
        if i.file_size > MIN_RATIO_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return "ratio"
    return ""


def zip_encrypted(infos: list[zipfile.ZipInfo]) -> bool:
    """Whether any member is encrypted (general purpose flag bit 0): its content cannot be checked."""
    return any(i.flag_bits & 0x1 for i in infos)


__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MIN_RATIO_BYTES", "zip_bomb_reason", "zip_encrypted"]
