"""Fonts for the printed chronology: every character of a name either prints as written or is shown transliterated.

Children in a MASH carry names in many scripts (Arabic, Urdu, Bengali, Gurmukhi, Gujarati, Devanagari, Tamil,
Chinese, Tigrinya...). A PDF drawn in a font without a script's glyphs shows empty boxes or nothing at all, and a
printed chronology with a child's name missing is a safeguarding fault. So:

- the body font is DejaVu Sans, shipped in ``openmash/web/fonts`` (Latin, Greek, Cyrillic, Arabic, Hebrew,
  Armenian, Georgian);
- fallback fonts for the other scripts are found on the server through fontconfig (``fc-match``), for the
  languages in ``FALLBACK_LANGUAGES``; Debian's ``fonts-noto-core`` and ``fonts-noto-cjk`` cover all of them
  (``make test`` installs them; a deployment installs them like any system package). ``OPENMASH_PDF_FONTS``
  (a ``:``-separated list of font files, ``file.ttc#N`` for face N of a collection) replaces the search;
- text is shaped with HarfBuzz (``uharfbuzz``), so joined scripts (Arabic, Indic) and right-to-left text print
  correctly;
- a character that no available font can draw is never dropped silently: ``printable`` adds the whole text's
  transliteration (anyascii, the library the person search already uses) in square brackets after each run of
  such characters.

No font file is written to the repository apart from DejaVu; nothing here reads personal data.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from fontTools.ttLib import TTFont

logger = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parent / "fonts"
BODY = "DejaVu"

# Languages whose scripts DejaVu Sans lacks and that are spoken by communities in England (ONS Census 2021 main
# languages: Urdu, Punjabi, Bengali, Gujarati, Chinese, Tamil, Arabic, Persian, Tigrinya/Amharic, Hindi,
# Nepali, Sinhala, Malayalam, Telugu, Thai, Japanese, Korean, Burmese, Pashto, Kurdish (Sorani)).
FALLBACK_LANGUAGES = (
    "ar", "ur", "fa", "ps", "ckb", "pa", "bn", "gu", "hi", "ne", "ta", "te", "ml", "kn", "si", "am", "ti",
    "th", "my", "km", "lo", "zh-cn", "zh-tw", "ja", "ko", "he",
)  # fmt: skip


@dataclass(frozen=True)
class FallbackFont:
    """A font file (and face, for a .ttc collection) found on the server, with the code points it can draw."""

    path: str
    index: int
    codepoints: frozenset[int]

    @property
    def family(self) -> str:
        """The fpdf2 family name it is registered under (unique per file and face)."""
        return f"fallback-{Path(self.path).stem}-{self.index}".lower()


def _codepoints(path: str, index: int) -> frozenset[int]:
    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(cmap)


def _configured() -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for item in filter(None, os.environ.get("OPENMASH_PDF_FONTS", "").split(":")):
        path, _, index = item.partition("#")
        found.append((path, int(index or 0)))
    return found


def _fontconfig() -> list[tuple[str, int]]:
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return []
    found: list[tuple[str, int]] = []
    for lang in FALLBACK_LANGUAGES:
        try:
            out = subprocess.run(  # noqa: S603 - fixed program and arguments, no user input
                [fc_match, "--format=%{file}|%{index}", f"sans-serif:lang={lang}"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        path, _, index = out.partition("|")
        if path and Path(path).suffix.lower() in {".ttf", ".otf", ".ttc"}:
            found.append((path, int(index or 0)))
    return found


@functools.lru_cache(maxsize=1)
def fallback_fonts() -> tuple[FallbackFont, ...]:
    """The fallback fonts for this server, in order of preference, each adding code points the body font and the
    fonts before it lack (so a font that adds nothing is left out). Found once per process. Out: a tuple, empty
    when fontconfig finds nothing and ``OPENMASH_PDF_FONTS`` is unset. Never raises: an unreadable font is
    logged (by file name only) and skipped."""
    have = set(body_codepoints())
    fonts: list[FallbackFont] = []
    seen: set[tuple[str, int]] = set()
    candidates = _configured() or _fontconfig()
    for path, index in candidates:
        if (path, index) in seen or Path(path).parent == FONTS:
            continue
        seen.add((path, index))
        try:
            points = _codepoints(path, index)
        except Exception:  # noqa: BLE001 - a broken system font must not stop printing
            logger.warning("PDF fallback font unreadable, skipped: %s", Path(path).name)
            continue
        if points - have:
            fonts.append(FallbackFont(path=path, index=index, codepoints=points))
            have |= points
    return tuple(fonts)


@functools.lru_cache(maxsize=1)
def body_codepoints() -> frozenset[int]:
    """The code points DejaVu Sans (the body font) can draw."""
    return _codepoints(str(FONTS / "DejaVuSans.ttf"), 0)


@functools.lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Every code point some font of the printed chronology can draw (body and fallbacks)."""
    points = set(body_codepoints())
    for font in fallback_fonts():
        points |= font.codepoints
    return frozenset(points)


def _needs_no_glyph(char: str) -> bool:
    return char.isspace() or ord(char) < 0x20 or 0x200B <= ord(char) <= 0x200F or ord(char) == 0xFEFF


def missing(text: str) -> set[str]:
    """The characters of ``text`` that no available font can draw (whitespace and joiners need none)."""
    points = drawable()
    return {c for c in text if not _needs_no_glyph(c) and ord(c) not in points}


def printable(text: str) -> str:
    """In: any text for the PDF. Out: the text itself when every character can be drawn; otherwise each run of
    characters no font can draw is followed by its transliteration in square brackets ("Wang 王芳 [WangFang]
    Smith"), so the reader always has a readable form and the original characters stay in the PDF's text layer for
    copy and search. Whitespace between undrawable characters stays inside the run."""
    if not text or not missing(text):
        return text
    points = drawable()
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            chars = "".join(run).rstrip()
            out.append(chars + f" [{anyascii(chars).strip()}]" + "".join(run)[len(chars) :])
            run.clear()

    for char in text:
        undrawable = not _needs_no_glyph(char) and ord(char) not in points
        if undrawable or (run and char.isspace()):
            run.append(char)
        else:
            flush()
            out.append(char)
    flush()
    return "".join(out)


def register(pdf) -> None:
    """Register DejaVu (regular and bold) and the server's fallback fonts on an fpdf2 document, set the fallbacks
    (used for bold text too) and turn on HarfBuzz shaping when ``uharfbuzz`` is installed."""
    pdf.add_font(BODY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(BODY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    families = []
    for font in fallback_fonts():
        pdf.add_font(font.family, "", font.path, collection_font_number=font.index)
        families.append(font.family)
    if families:
        pdf.set_fallback_fonts(families, exact_match=False)
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:  # pragma: no cover - uharfbuzz is a declared dependency
        logger.warning("uharfbuzz is not installed: PDF text is not shaped")
    else:
        pdf.set_text_shaping(True)
