"""Text as it comes in: one cleaning rule for every API field and every form field, and name folding for search.

Rule (issue 5, fault 11): text is normalised to Unicode NFC; invisible format characters (zero-width spaces and
joiners, bidirectional embeddings/overrides/isolates, byte-order marks, soft hyphens: Unicode category Cf) are
removed, so a narrative cannot display reversed and a name cannot hide a second spelling; control characters
(Unicode category Cc, including NUL) are refused with a message, except that multi-line text keeps newlines and
tabs. Single-line text has its whitespace runs (including no-break and other Unicode spaces) collapsed to one
space and is trimmed.

Applied systematically by `CleanSchema` (the base of every django-ninja input schema) and `CleanTextFormMixin`
(mixed into every Django form); the domain validators call `clean_text` too, so a service called directly gets
the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from django import forms
from ninja import Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this text"
# ASCII needs no NFC and holds no Cf character: such text takes a fast path with the same result (bulk imports).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"\s+")


class TextRefused(ValueError):
    """The text holds characters that cannot be cleaned away safely (control characters)."""


def _is_control(ch: str, multiline: bool) -> bool:
    if multiline and ch in "\n\t":
        return False
    return unicodedata.category(ch) == "Cc"


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Return `value` cleaned by the rule above ('' for None). Raises TextRefused for control characters.

    In: any string; multiline=True for narratives (keeps newlines and tabs, trims only the ends).
    Out: NFC text with no Cf characters; single-line text has single spaces between words.
    """
    if value is None:
        return ""
    value = str(value)
    if value.isascii() and not _ASCII_CONTROL.search(value):
        if multiline:
            return _LINE_BREAKS.sub("\n", value).strip()
        return _SPACES.sub(" ", value).strip()
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
    else:
        # Line breaks and tabs in a one-line field are whitespace, not controls worth refusing.
        text = _SPACES.sub(" ", _LINE_BREAKS.sub(" ", text.replace("\t", " ")))
    if any(_is_control(ch, multiline) for ch in text):
        raise TextRefused(CONTROL_MESSAGE)
    return text.strip()


def has_letter(value: str) -> bool:
    """True when the text holds at least one letter of any script (Unicode category L*)."""
    if value and value.isascii():
        return _ASCII_LETTER.search(value) is not None
    return any(unicodedata.category(ch).startswith("L") for ch in value or "")


def normalise_name(value: str) -> str:
    """Lower-case, accents folded, only letters kept: for search and matching, never for display."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


# --- applied to every way text comes in ------------------------------------------------------------------------


def _clean_value(value: Any, multiline: bool) -> Any:
    if isinstance(value, str):
        return clean_text(value, multiline=multiline)
    if isinstance(value, list):
        return [clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in value]
    if isinstance(value, dict):
        return {
            (clean_text(k) if isinstance(k, str) else k): (
                clean_text(v, multiline=multiline) if isinstance(v, str) else v
            )
            for k, v in value.items()
        }
    return value


class CleanSchema(Schema):
    """Base of every API input schema: each string (and each string in a list or a dict) is cleaned by `clean_text`
    before its type and length are checked, so ' SW1A 1AA ' fits max_length=8 and a NUL is a 422 on its
    field. Fields named in `multiline_fields` keep newlines and tabs."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value, info):
        try:
            return _clean_value(value, info.field_name in cls.multiline_fields)
        except TextRefused as exc:
            raise PydanticCustomError("text_refused", str(exc)) from None


class CleanTextFormMixin:
    """Mixed into every Django form (before forms.Form): cleans each posted text value by `clean_text` before
    the fields see it. Textarea fields are multi-line; password fields are left exactly as typed. A value with
    control characters is kept as posted and its field gets CONTROL_MESSAGE."""

    def _keys_for_fields(self) -> dict[str, tuple[str, Any]]:
        keys: dict[str, tuple[str, Any]] = {}
        for name, field in self.fields.items():
            html = self.add_prefix(name)
            widget = field.widget
            keys[html] = (name, widget)
            if isinstance(widget, forms.MultiWidget):
                for suffix in widget.widgets_names:
                    keys[html + suffix] = (name, widget)
        return keys

    def _cleaned_copy(self, data):
        keys = self._keys_for_fields()
        copy = data.copy()
        for key in list(copy.keys()):
            name, widget = keys.get(key, (None, None))
            if name is None or isinstance(widget, forms.PasswordInput):
                continue
            multiline = isinstance(widget, forms.Textarea)
            values = copy.getlist(key) if hasattr(copy, "getlist") else [copy[key]]
            try:
                cleaned = [clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in values]
            except TextRefused as exc:
                self._text_refused[name] = str(exc)
                continue
            if hasattr(copy, "setlist"):
                copy.setlist(key, cleaned)
            else:
                copy[key] = cleaned[0] if cleaned else ""
        return copy

    def full_clean(self):
        # Here rather than in __init__, so fields a form adds in its own __init__ are cleaned too.
        if self.is_bound and not getattr(self, "_text_cleaned", False):
            self._text_refused: dict[str, str] = {}
            self.data = self._cleaned_copy(self.data)
            self._text_cleaned = True
        super().full_clean()
        for name, message in getattr(self, "_text_refused", {}).items():
            if name in self.fields:
                # One message, ours, even when the field also refused the value (Django refuses NUL itself).
                self._errors.pop(name, None)
                self.add_error(name, message)


def possessive(name) -> str:
    """The possessive of a name for sentences: "Leeds Police's", "Riverside GP Practices'" (a name ending in s takes
    the apostrophe alone: practitioners' review, "Riverside GP Practices's response"). In: a name (str; "" for None).
    Out: the name with its possessive ending, or "" when there is no name."""
    text = str(name or "").strip()
    if not text:
        return ""
    return f"{text}'" if text[-1] in "sS" else f"{text}'s"


__all__ = [
    "clean_text",
    "has_letter",
    "normalise_name",
    "possessive",
    "CleanSchema",
    "CleanTextFormMixin",
    "TextRefused",
]


# --- times in sentences (GOV.UK style) ---------------------------------------------------------------------------


def clock_time(local) -> str:
    """GOV.UK style times of day: 9am, 5:30pm, midday, midnight. In: a datetime already in local time."""
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def datetime_long(value) -> str:
    """A date and time for sentences and summaries: '2 April 2026 at 5:30pm' (local time, Europe/London); "" for
    None. One answer for the pages (the `when_long` filter) and for services' messages."""
    from django.utils import timezone

    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {clock_time(local)}"
