"""Feed mappings: which column holds which field, how dates are written, and what each agency event type means.

A mapping is a file in openmash/feeds/mappings/ (YAML ``.yaml``/``.yml`` or TOML ``.toml``, reviewed like code)
or a partnership's own mapping held as data (``FeedMapping``, YAML, edited by the partnership admin on the Feeds
page). Both are read by ``feed_spec_from_dict``, which checks every key and says what is wrong, so a mapping
that would import rubbish is refused before any file is read. Keys (see mappings/standard.yaml):

- ``code`` (lower-case letters, digits, hyphens, up to 20), ``name``;
- ``base``: a built-in mapping's code to start from (its columns, formats, dates, sex values, event types and
  sensitivities; this mapping's event types and sensitivities are added to the base's);
- ``formats``: any of ``csv``, ``xlsx``, ``fhir``;
- ``columns``: OpenMASH field -> the column heading in the file (headings match without regard to case, spaces,
  hyphens or underscores); ``optional_columns``: fields whose column may be absent (all others must be present);
- ``extra_columns``: ``refuse`` (a column the mapping does not name is an error: it is usually a misnamed one) or
  ``ignore``;
- ``date_formats``: ``strptime`` formats tried in order (a date must be a calendar date, written in one of them);
- ``sex_values``: the file's words for sex -> ``M``, ``F`` or ``U`` (added to the defaults below);
- ``event_types``: the agency's event type (any case and spacing) -> an OpenMASH event kind
  (``openmash.feeds.choices.EventKind``); a type not listed imports as ``other`` with its text kept;
- ``sensitivity``: event kind -> ``standard``, ``sensitive`` or ``sealed`` (others: ``choices.default_sensitivity``);
- ``delimiter`` (CSV; sniffed among , ; tab | when absent), ``sheet`` (XLSX; the first sheet when absent).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from openmash.core.exceptions import ValidationFailed
from openmash.feeds.choices import EventKind, Sensitivity, default_sensitivity

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

PERSON_FIELDS = ("record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address")
IDENTIFIER_FIELDS = ("nhs_number", "upn", "pnc_id")
EVENT_FIELDS = ("event_date", "event_type", "description", "event_id")
FIELDS = PERSON_FIELDS + IDENTIFIER_FIELDS + EVENT_FIELDS
FORMATS = ("csv", "xlsx", "fhir")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")
KEYS = frozenset(
    {
        "code",
        "name",
        "base",
        "formats",
        "columns",
        "optional_columns",
        "extra_columns",
        "date_formats",
        "sex_values",
        "event_types",
        "sensitivity",
        "delimiter",
        "sheet",
    }
)
# Words for sex seen in extracts (NHS Person Stated Gender Code: 1 male, 2 female, 0 not known, 9 not specified).
DEFAULT_SEX_VALUES = {
    "m": "M",
    "male": "M",
    "boy": "M",
    "1": "M",
    "f": "F",
    "female": "F",
    "girl": "F",
    "2": "F",
    "u": "U",
    "unknown": "U",
    "not known": "U",
    "not recorded": "U",
    "not specified": "U",
    "indeterminate": "U",
    "0": "U",
    "9": "U",
}


#: What ``label_key`` ignores: white space, underscores, hyphens and dashes, dots, slashes, apostrophes, brackets,
#: colons and a byte-order mark, however many of them in a row.
_LABEL_IGNORED = re.compile(r"[\s_\-\u2010-\u2015.,/\\'\u2019()\[\]:;\ufeff]+")


def label_key(text: str) -> str:
    """The one way a feed's labels are matched to a mapping: column headings, event types and sex words. In: the
    text as the file or the mapping has it. Out: the text case-folded, without white space, underscores, hyphens,
    dots, slashes, apostrophes, brackets, colons or a byte-order mark (``_LABEL_IGNORED``), so "Domestic abuse
    incident", ``domestic_abuse_incident`` and "DOMESTIC-ABUSE  INCIDENT" are one type, as "Date of birth" and
    ``date_of_birth`` are one heading. Source: practitioner review of issue 6, finding 4 (a council extract's
    ``missing_episode`` and ``a_and_e_attendance`` were imported as "Other")."""
    return _LABEL_IGNORED.sub("", str(text)).casefold()


def heading_key(text: str) -> str:
    """How column headings are matched (``label_key``)."""
    return label_key(text)


def type_key(text: str) -> str:
    """How event types and sex words are matched (``label_key``)."""
    return label_key(text)


def event_hash_key(text: str) -> str:
    """The event type as it enters an imported event's content hash (``validate``: the event's id when the file
    gives none): case-folded, whitespace collapsed, trimmed. Frozen: changing it would give every event already
    imported a new id, so a re-import would duplicate them. Not for matching (``label_key``)."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class FeedSpec:
    """A checked feed mapping. ``columns`` maps each OpenMASH field to the file's heading; ``event_types`` and
    ``sex_values`` are keyed by ``type_key``."""

    code: str
    name: str
    formats: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    optional_columns: frozenset[str] = frozenset()
    extra_columns: str = "refuse"
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    sex_values: dict[str, str] = field(default_factory=dict)
    event_types: dict[str, str] = field(default_factory=dict)
    sensitivity: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    sheet: str | None = None
    builtin: bool = True

    def event_kind(self, type_text: str) -> str:
        """The OpenMASH event kind of an agency event type ('other' when the mapping does not list it)."""
        return self.event_types.get(type_key(type_text), EventKind.OTHER)

    def sensitivity_of(self, kind: str) -> str:
        """The sensitivity imported events of this kind carry: the mapping's, never below the kind's own
        (access.sharing.imported_event_sensitivity, the one rule)."""
        from openmash.access.sharing import imported_event_sensitivity

        return imported_event_sensitivity(kind, self.sensitivity.get(kind) or default_sensitivity(kind))

    def required_fields(self) -> list[str]:
        """Fields whose column must be in the file."""
        return [f for f in self.columns if f not in self.optional_columns]


class MappingInvalid(ValidationFailed):
    """The mapping itself is wrong; ``errors`` maps the key to messages."""


def _str_map(value, key: str, err: dict) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str | int) for v in value.values()):
        err.setdefault(key, []).append(f"{key} must map text to text")
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _check_columns(doc: dict, base: FeedSpec | None, err: dict) -> tuple[dict[str, str], frozenset[str]]:
    columns = _str_map(doc.get("columns"), "columns", err) or dict(base.columns if base else {})
    for f in columns:
        if f not in FIELDS:
            err.setdefault("columns", []).append(f"{f} is not a field: choose from {', '.join(FIELDS)}")
    if columns and "record_id" not in columns:
        err.setdefault("columns", []).append("columns must name the record_id column")
    headings = [heading_key(h) for h in columns.values()]
    if len(set(headings)) != len(headings):
        err.setdefault("columns", []).append("two fields are mapped to the same column")
    optional = doc.get("optional_columns", sorted(base.optional_columns) if base else [])
    if not isinstance(optional, list) or any(o not in FIELDS for o in optional):
        err.setdefault("optional_columns", []).append("optional_columns must be a list of fields")
        optional = []
    return columns, frozenset(optional)


def _check_event_types(doc: dict, base: FeedSpec | None, err: dict) -> tuple[dict[str, str], dict[str, str]]:
    event_types = dict(base.event_types) if base else {}
    mine: dict[str, str] = {}  # key -> this mapping's own wording (two wordings of one type must agree)
    for k, v in _str_map(doc.get("event_types"), "event_types", err).items():
        if v not in EventKind.values:
            err.setdefault("event_types", []).append(
                f"'{k}' maps to {v}, which is not an event kind: choose from {', '.join(EventKind.values)}"
            )
        key = type_key(k)
        if key in mine and event_types[key] != v:
            err.setdefault("event_types", []).append(
                f"'{k}' is the same type as '{mine[key]}' (case, spaces and punctuation are ignored) "
                "but maps to another kind"
            )
        mine.setdefault(key, k)
        event_types[key] = v
    sensitivity = dict(base.sensitivity) if base else {}
    for k, v in _str_map(doc.get("sensitivity"), "sensitivity", err).items():
        if k not in EventKind.values:
            err.setdefault("sensitivity", []).append(f"{k} is not an event kind")
        if v not in Sensitivity.values:
            err.setdefault("sensitivity", []).append(f"{k}: choose one of {', '.join(Sensitivity.values)}")
        sensitivity[k] = v
    return event_types, sensitivity


def _check_dates(doc: dict, base: FeedSpec | None, err: dict) -> list[str]:
    date_formats = doc.get("date_formats", list(base.date_formats) if base else ["%Y-%m-%d"])
    if not isinstance(date_formats, list) or not date_formats or not all("%" in str(f) for f in date_formats):
        err.setdefault("date_formats", []).append("date_formats must list strptime formats, like %d/%m/%Y")
        return ["%Y-%m-%d"]
    return date_formats


def _check_sex_values(doc: dict, base: FeedSpec | None, err: dict) -> dict[str, str]:
    sex_values = dict(base.sex_values) if base else dict(DEFAULT_SEX_VALUES)
    for k, v in _str_map(doc.get("sex_values"), "sex_values", err).items():
        if v not in ("M", "F", "U"):
            err.setdefault("sex_values", []).append(f"'{k}' must map to M, F or U")
        sex_values[type_key(k)] = v
    return sex_values


def _check_delimiter(doc: dict, base: FeedSpec | None, err: dict) -> str | None:
    delimiter = doc.get("delimiter", base.delimiter if base else None)
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        err.setdefault("delimiter", []).append("delimiter is one character")
    return delimiter


def feed_spec_from_dict(doc, *, builtin: bool = False) -> FeedSpec:
    """A checked FeedSpec from a parsed mapping document (a dict with the keys in this module's docstring).

    ``base`` may name only a built-in mapping (so a chain of mappings can never loop). Raises MappingInvalid
    with a message per wrong key."""
    if not isinstance(doc, dict):
        raise MappingInvalid("The mapping must be a set of keys and values", errors={"mapping": ["Not a mapping"]})
    err: dict[str, list[str]] = {}
    for key in doc:
        if key not in KEYS:
            err.setdefault(str(key), []).append(f"{key} is not a mapping key: use {', '.join(sorted(KEYS))}")
    code = str(doc.get("code", ""))
    if not CODE_RE.match(code):
        err.setdefault("code", []).append("Enter a code of lower-case letters, digits and hyphens (up to 20)")
    base = None
    if doc.get("base"):
        base_doc = _builtin_docs().get(str(doc["base"]))
        if base_doc is None or base_doc[0].get("base"):
            err.setdefault("base", []).append(
                f"base must be one of the built-in mappings: {', '.join(builtin_codes())}"
            )
        else:
            base = feed_spec_from_dict(base_doc[0], builtin=True)
    formats = doc.get("formats", list(base.formats) if base else ["csv", "xlsx"])
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        err.setdefault("formats", []).append(f"formats must list some of {', '.join(FORMATS)}")
        formats = []
    columns, optional = _check_columns(doc, base, err)
    if not columns and set(formats) - {"fhir"}:
        err.setdefault("columns", []).append("a csv or xlsx feed must say which column holds each field")
    extra = doc.get("extra_columns", base.extra_columns if base else "refuse")
    if extra not in ("refuse", "ignore"):
        err.setdefault("extra_columns", []).append("extra_columns is refuse or ignore")
    date_formats = _check_dates(doc, base, err)
    sex_values = _check_sex_values(doc, base, err)
    event_types, sensitivity = _check_event_types(doc, base, err)
    delimiter = _check_delimiter(doc, base, err)
    if err:
        raise MappingInvalid("The feed mapping has errors", errors=err)
    return FeedSpec(
        code=code,
        name=str(doc.get("name") or code),
        formats=tuple(formats),
        columns=columns,
        optional_columns=optional,
        extra_columns=extra,
        date_formats=tuple(str(f) for f in date_formats),
        sex_values=sex_values,
        event_types=event_types,
        sensitivity=sensitivity,
        delimiter=delimiter,
        sheet=doc.get("sheet", base.sheet if base else None),
        builtin=builtin,
    )


def mapping_text_parse(text: str, *, suffix: str = ".yaml") -> dict:
    """Parse a mapping's text (YAML, or TOML for suffix .toml). Raises MappingInvalid with the line at fault."""
    try:
        doc = tomllib.loads(text) if suffix == ".toml" else yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingInvalid("Not valid TOML", errors={"mapping": [f"Not valid TOML: {exc}"]}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise MappingInvalid("Not valid YAML", errors={"mapping": [f"Not valid YAML{where}"]}) from None
    if not isinstance(doc, dict):
        raise MappingInvalid("Not a mapping", errors={"mapping": ["The mapping must be a set of keys and values"]})
    return doc


@functools.cache
def _builtin_docs() -> dict[str, tuple[dict, str]]:
    docs = {}
    for path in sorted(MAPPINGS_DIR.iterdir()):
        if path.suffix in (".yaml", ".yml", ".toml"):
            doc = mapping_text_parse(path.read_text(encoding="utf-8"), suffix=path.suffix)
            docs[str(doc.get("code"))] = (doc, path.name)
    return docs


def builtin_codes() -> list[str]:
    """The codes of the mappings in openmash/feeds/mappings/."""
    return sorted(_builtin_docs())


def feed_spec_get(code: str) -> FeedSpec:
    """The mapping called `code`: a built-in file, or the partnership's own (active) mapping.

    Raises ValidationFailed (field ``feed``) for an unknown code or a mapping that no longer checks."""
    docs = _builtin_docs()
    if code in docs:
        return feed_spec_from_dict(docs[code][0], builtin=True)
    from openmash.feeds.models import FeedMapping

    row = FeedMapping.objects.filter(code=code, active=True).first()
    if row is None:
        known = builtin_codes() + list(FeedMapping.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed(
            f"Unknown feed {code}", errors={"feed": [f"Unknown feed: choose one of {', '.join(known)}"]}
        )
    spec = feed_spec_from_dict(row.definition)
    return FeedSpec(**{**spec.__dict__, "builtin": False})


__all__ = [
    "FIELDS",
    "FeedSpec",
    "MappingInvalid",
    "builtin_codes",
    "feed_spec_from_dict",
    "feed_spec_get",
    "heading_key",
    "mapping_text_parse",
    "type_key",
]
