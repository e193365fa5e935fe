"""Fonts for the printed chronology: every character of a name either prints as written or is shown transliterated.

Children in a MASH carry names in many scripts (Arabic, Urdu, Bengali, Gurmukhi, Gujarati, Devanagari, Tamil,
Chinese, Tigrinya...). A PDF drawn in a font without a script's glyphs shows empty boxes or nothing at all, and a
printed chronology with a child's name missing is a safeguarding fault. So:

- the body font is DejaVu Sans, shipped in ``openmash/web/fonts`` (Latin, Greek, Cyrillic, Arabic, Hebrew,
  Armenian, Georgian);
- fallback fonts for the other scripts are found on the server through fontconfig (``fc-match``), for the
  languages in ``FALLBACK_LANGUAGES``, only when a document's text needs a script DejaVu Sans lacks; a document
  registers (and embeds) only the fallback fonts its text uses, and fonts are parsed once per process; Debian's ``fonts-noto-core`` and ``fonts-noto-cjk`` cover all of them
  (``make test`` installs them; a deployment installs them like any system package). ``OPENMASH_PDF_FONTS``
  (a ``:``-separated list of font files, ``file.ttc#N`` for face N of a collection) replaces the search;
- text is shaped with HarfBuzz (``uharfbuzz``), so joined scripts (Arabic, Indic) and right-to-left text print
  correctly; a document whose text has no complex script (``needs_shaping``) is not shaped, which is most of the
  speed of a long Latin-only chronology;
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
import threading
import unicodedata
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
    """The characters of ``text`` that no available font can draw (whitespace and joiners need none). Text the body
    font draws alone is answered from the body font: the server's fallback fonts are searched only for text that
    needs them."""
    body = body_codepoints()
    outside = {c for c in text if not _needs_no_glyph(c) and ord(c) not in body}
    if not outside:
        return set()
    points = drawable()
    return {c for c in outside if ord(c) not in points}


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


def fallbacks_for(text: str) -> tuple[FallbackFont, ...]:
    """The fallback fonts ``text`` needs, in order of preference: for each character the body font cannot draw,
    the first fallback font that can (the one fpdf2 picks from the registered fallbacks). Out: () for text the body
    font draws alone (every Latin, Greek, Cyrillic, Arabic or Hebrew name) without looking for fallback fonts at
    all, so such a document registers none and the server's fonts are not even searched."""
    body = body_codepoints()
    wanted = {ord(c) for c in set(text) if not _needs_no_glyph(c) and ord(c) not in body}
    if not wanted:
        return ()
    needed = []
    for font in fallback_fonts():
        if wanted & font.codepoints:
            needed.append(font)
            wanted -= font.codepoints
            if not wanted:
                break
    return tuple(needed)


# --- parsed fonts, kept across documents --------------------------------------------------------------------------
#
# fpdf2's ``add_font`` parses the font file for every document (fontTools: the cmap, every glyph's width and id; for
# a CJK font tens of thousands of entries), and a document's ``output()`` subsets its fonts' fontTools objects in
# place, so a parsed ``TTFFont`` cannot simply be shared between documents. What is read-only after parsing (cmap,
# glyph ids, widths, descriptor, names, the HarfBuzz font used for shaping) is kept here once per process, keyed by
# file, face and style; each document gets a copy with its own widths table, subset map and lazily opened fontTools
# font (what output() changes): the split fpdf2's own ``TTFFont.__deepcopy__`` makes for its FPDFRecorder.

_PARSED: dict[tuple[str, int, str], object] = {}
_NOTDEF_ADDED: set[tuple[str, int, str]] = set()  # fonts fpdf2 draws a .notdef into: parsed per document instead
_PARSED_LOCK = threading.Lock()
# TTFFont attributes shared read-only between documents (fpdf2 2.8: TTFFont.__slots__ less the per-document ones)
_SHARED = (
    "type", "ttffile", "scale", "name", "up", "ut", "sp", "ss", "emphasis", "is_compressed", "is_cff",
    "is_cid_keyed", "is_symbol", "cff_ros", "collection_font_number", "cmap", "desc", "glyph_ids", "palette_index",
)  # fmt: skip


def _parsed(pdf, path: str, index: int, fontkey: str, style: str):
    """The parsed TTFFont of (path, face, style), parsing it on first use (with this document)."""
    from fontTools import ttLib
    from fpdf.fonts import TTFFont

    key = (path, index, style)
    with _PARSED_LOCK:
        font = _PARSED.get(key)
        if font is None:
            with ttLib.TTFont(path, fontNumber=index, lazy=True) as raw:
                if "glyf" in raw and ".notdef" not in raw.getGlyphOrder():
                    _NOTDEF_ADDED.add(key)  # fpdf2 draws one into its parse: a freshly opened file would lack it
            font = TTFFont(pdf, Path(path), fontkey, style, collection_font_number=index)
            font.hbfont  # noqa: B018 - made once here (it reads the file), then shared read-only for shaping
            _PARSED[key] = font
    return font


def _add_font(pdf, family: str, style: str, path: str, index: int = 0) -> None:
    """``pdf.add_font(family, style, path, collection_font_number=index)`` from the per-process parse: the same
    registration fpdf2 makes (``pdf.fonts[fontkey]``, its number, PDF 1.6 for CID-keyed CFF), without parsing the
    file again. A family already registered on the document is left as it is."""
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap, TTFFont, get_color_font_object

    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    template = _parsed(pdf, path, index, fontkey, style)
    if (path, index, style) in _NOTDEF_ADDED:
        pdf.add_font(family, style, path, collection_font_number=index)
        return
    font = TTFFont.__new__(TTFFont)
    for name in _SHARED:
        setattr(font, name, getattr(template, name))
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.cw = template.cw.copy()  # a defaultdict: reading a missing width inserts it, so each document its own
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = template._hbfont
    font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=index, lazy=True)  # subset in place at output
    font.subset = SubsetMap(font)
    font.color_font = get_color_font_object(pdf, font, font.palette_index) if pdf.render_color_fonts else None
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


#: Ranges of the scripts whose letters change shape or order with their neighbours (Hebrew, Arabic, Syriac, Thaana,
#: N'Ko, the Indic scripts, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, Hangul jamo, Arabic presentation forms):
#: text holding one of them is shaped by HarfBuzz. Latin, Greek, Cyrillic, Armenian, Georgian, Ethiopic, CJK and
#: precomposed Hangul draw correctly glyph by glyph.
COMPLEX_SCRIPTS: tuple[tuple[int, int], ...] = (
    (0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x18AF),
    (0xA8E0, 0xA8FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF),
)  # fmt: skip


def needs_shaping(text: str) -> bool:
    """Whether ``text`` must be shaped to print correctly: a letter of a complex script (COMPLEX_SCRIPTS), a
    combining mark (Unicode category M*: a decomposed accent) or a zero-width (non-)joiner. Shaping costs most of
    a long table's rendering time in fpdf2 (every width measured while breaking lines is shaped again), so a
    document shapes only when its text needs it."""
    for char in text:
        point = ord(char)
        if point < 0x0300:
            continue
        if point in (0x200C, 0x200D) or unicodedata.category(char).startswith("M"):
            return True
        if any(low <= point <= high for low, high in COMPLEX_SCRIPTS):
            return True
    return False


def register(pdf, text: str = "") -> None:
    """Register DejaVu (regular and bold) on an fpdf2 document, and what ``text`` needs (``need``: its fallback
    fonts and HarfBuzz shaping; the document asks for more the same way as it draws text, see
    web.pdf._ChronologyPDF.normalize_text). Fonts are parsed once per process (``_add_font``). Source: the household
    chronology PDF took 5.67 s registering and subsetting every fallback font for every document and shaping every
    Latin name (task brief after the practitioners' review)."""
    _add_font(pdf, BODY, "", str(FONTS / "DejaVuSans.ttf"))
    _add_font(pdf, BODY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    need(pdf, text)


def _shaping_on(pdf) -> None:
    if getattr(pdf, "_openmash_shaping", False):
        return
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:  # pragma: no cover - uharfbuzz is a declared dependency
        logger.warning("uharfbuzz is not installed: PDF text is not shaped")
    else:
        pdf.set_text_shaping(True)
    pdf._openmash_shaping = True


def need(pdf, text: str) -> None:
    """Make sure the document can draw ``text``: turn on HarfBuzz shaping when the text needs it (needs_shaping;
    from then on the whole document is shaped), register the fallback fonts it needs that the document lacks, and
    set the document's fallbacks (used for bold text too) to every fallback registered so far, in order of
    preference. Call before the text is laid out. Nothing to do (no font parsed, no font searched) for text the
    body font draws glyph by glyph."""
    if needs_shaping(text):
        _shaping_on(pdf)
    fonts = fallbacks_for(text)
    if not fonts:
        return
    have = set(getattr(pdf, "_openmash_fallbacks", ()))
    if all(f.family in have for f in fonts):
        return
    for font in fonts:
        _add_font(pdf, font.family, "", font.path, font.index)
        have.add(font.family)
    order = [f.family for f in fallback_fonts() if f.family in have]
    pdf._openmash_fallbacks = tuple(order)
    pdf.set_fallback_fonts(order, exact_match=False)
