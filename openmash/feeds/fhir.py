"""FHIR R4 bundles as feed rows: Patient is the agency's record of a person; Encounter, Flag and Condition are events.

Each resource is parsed and checked with fhir.resources (its R4B models: R4B changed none of these four resources
from R4, HL7's "R4B explanation"; fhir.resources 7+ ships R5 as default and R4B as a sub-package, and has no
separate R4 package on pydantic 2). A resource that does not parse is a problem at its entry (the report gives
the FHIR path and the library's reason, never the value). Rows:

- a Patient: ``record_id`` = Patient.id; names from the ``official`` name (else the first); ``birthDate``;
  ``gender`` (male/female -> M/F, other/unknown -> U); the first address's postcode and lines; the NHS number
  from the identifier with system ``https://fhir.nhs.uk/Id/nhs-number``. A patient with no events gives a
  record-only row.
- an Encounter / Flag / Condition whose ``subject`` is one of the bundle's patients (``Patient/<id>`` or the
  patient entry's ``fullUrl``): one event row with the patient's details. Date: Encounter.period.start,
  Flag.period.start, Condition.onsetDateTime or recordedDate (a date-time is taken as its Europe/London date).
  Type: ``Encounter: <class code>``, ``Flag`` or ``Condition`` (matched by the fhir-r4 mapping's event_types);
  description: the type, code or reason text. ``event_id`` = ``<ResourceType>/<id>``.
- other resource types are skipped with one warning per type.

The bundle is read whole (bounded by ``OPENMASH_IMPORT_FHIR_MAX_BYTES``); row numbers are entry numbers (1-based).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from openmash.feeds.mapping import FeedSpec
from openmash.feeds.readers import FileProblem, Problem, Row, SourceFile

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
EVENT_TYPES = ("Encounter", "Flag", "Condition")
LONDON = ZoneInfo("Europe/London")
GENDER = {"male": "M", "female": "F", "other": "U", "unknown": "U"}


def _models():
    from fhir.resources.R4B.condition import Condition
    from fhir.resources.R4B.encounter import Encounter
    from fhir.resources.R4B.flag import Flag
    from fhir.resources.R4B.patient import Patient

    return {"Patient": Patient, "Encounter": Encounter, "Flag": Flag, "Condition": Condition}


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _concept_text(concept) -> str:
    if concept is None:
        return ""
    if getattr(concept, "text", None):
        return concept.text
    for coding in getattr(concept, "coding", None) or []:
        if coding.display or coding.code:
            return coding.display or coding.code
    return ""


def _person(patient) -> dict:
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    address = (patient.address or [None])[0]
    nhs = next((i.value for i in patient.identifier or [] if i.system == NHS_SYSTEM and i.value), "")
    lines = ", ".join([*(address.line or []), *([address.city] if address.city else [])]) if address else ""
    return {
        "record_id": patient.id or "",
        "given_name": " ".join(name.given or []) if name else "",
        "family_name": (name.family or "") if name else "",
        "date_of_birth": patient.birthDate,
        "sex": GENDER.get(patient.gender or "", ""),
        "postcode": (address.postalCode or "") if address else "",
        "address": lines,
        "nhs_number": nhs,
        "upn": "",
    }


def _event(resource) -> dict:
    kind = resource.get_resource_type()
    if kind == "Encounter":
        cls = resource.class_fhir
        code = (cls.code or cls.display or "") if cls is not None else ""
        text = "; ".join(t for t in [*(_concept_text(c) for c in resource.type or [])] if t)
        reason = "; ".join(t for t in (_concept_text(c) for c in resource.reasonCode or []) if t)
        when = resource.period.start if resource.period else None
        return {
            "event_type": f"Encounter: {code}".strip(),
            "event_date": _day(when),
            "description": "; ".join(t for t in (text, reason) if t),
        }
    if kind == "Flag":
        when = resource.period.start if resource.period else None
        return {"event_type": "Flag", "event_date": _day(when), "description": _concept_text(resource.code)}
    when = resource.onsetDateTime or resource.recordedDate
    return {"event_type": "Condition", "event_date": _day(when), "description": _concept_text(resource.code)}


def _problems_of(exc, number: int, kind: str) -> list[Problem]:
    """A pydantic ValidationError as problems: the FHIR path and the reason, never the input value. An element the
    resource does not define is reported at its parent (its name is the file's text, which could be anything), and
    a message that quotes the value is replaced by a plain one."""
    out = []
    for e in exc.errors()[:10]:
        loc = [p for p in e.get("loc", ()) if p != "__root__"]
        if e.get("type") == "extra_forbidden":
            loc = loc[:-1]
            reason = "The resource has an element FHIR does not define here"
        else:
            reason = str(e.get("msg", "not valid FHIR"))[:200]
            value = e.get("input")
            if isinstance(value, (str, int, float)) and len(str(value)) >= 2 and str(value).lower() in reason.lower():
                reason = "This value is not valid here"
        path = ".".join(str(p) for p in loc)
        out.append(Problem(number, f"{kind}.{path}" if path else kind, reason))
    return out or [Problem(number, kind, "This is not a valid FHIR resource")]


def _is_fhir_type(kind: str) -> bool:
    """Whether `kind` is the name of a FHIR R4B resource type (so a report may name it)."""
    from fhir.resources.R4B import get_fhir_model_class

    if not re.fullmatch(r"[A-Z][A-Za-z]{1,63}", kind):
        return False
    try:
        get_fhir_model_class(kind)
    except (ValueError, TypeError, ImportError, AttributeError):
        return False
    return True


class FhirReader:
    """Rows of a FHIR R4 bundle (see the module docstring)."""

    progress_unit = "entries"

    def __init__(self, source: SourceFile, spec: FeedSpec) -> None:
        self.source, self.spec = source, spec
        self.position = 0
        self.total = None

    def _bundle(self) -> list:
        try:
            doc = json.loads(self.source.path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FileProblem(Problem(0, "file", "The file is not valid JSON (UTF-8)")) from None
        if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
            raise FileProblem(Problem(0, "file", "The file is JSON but not a FHIR Bundle"))
        entries = doc.get("entry") or []
        if not isinstance(entries, list) or not entries:
            raise FileProblem(Problem(0, "file", "The bundle has no entries"))
        return entries

    def _parse(self, entries: list) -> tuple[dict[str, dict], list, list[Row]]:
        """Patients by every reference that may name them, the event resources, and rows holding only problems."""
        from pydantic import ValidationError

        models = _models()
        patients: dict[str, dict] = {}
        events: list[tuple[int, object, str]] = []
        notes: list[Row] = []
        skipped: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            raw = entry.get("resource") if isinstance(entry, dict) else None
            kind = raw.get("resourceType") if isinstance(raw, dict) else None
            if kind is not None and not isinstance(kind, str):
                kind = "?"  # not a type name at all (a list, a number): never in the report
            if kind not in models:
                if not kind:
                    notes.append(Row(number, {}, problems=[Problem(number, "entry", "The entry has no resource")]))
                elif kind not in skipped:
                    skipped.add(kind)
                    # name the type only when it is one FHIR defines: the report never quotes the file's own text
                    if isinstance(kind, str) and _is_fhir_type(kind):
                        warning = Problem(number, kind, f"{kind} resources are not imported", "warning")
                    else:
                        warning = Problem(number, "entry.resource", "The resource type is not one FHIR defines")
                    notes.append(Row(number, {}, problems=[warning]))
                continue
            try:
                resource = models[kind].model_validate(raw)
            except ValidationError as exc:
                notes.append(Row(number, {}, problems=_problems_of(exc, number, kind)))
                continue
            if kind != "Patient":
                events.append((number, resource, entry.get("fullUrl") or ""))
                continue
            person = _person(resource) | {"_number": number}
            for ref in (f"Patient/{resource.id}" if resource.id else "", entry.get("fullUrl"), f"#{number}"):
                if ref:
                    patients[ref] = person
        return patients, events, notes

    def __iter__(self) -> Iterator[Row]:
        entries = self._bundle()
        self.total = len(entries)
        patients, events, rows_out = self._parse(entries)
        with_events: set[int] = set()
        for number, resource, full_url in events:
            subject = getattr(resource, "subject", None)
            person = patients.get(getattr(subject, "reference", None) or "")
            kind = resource.get_resource_type()
            if person is None:
                problem = Problem(number, f"{kind}.subject", "The subject is not a Patient in this bundle")
                rows_out.append(Row(number, {}, problems=[problem]))
                continue
            with_events.add(person["_number"])
            event_id = f"{kind}/{resource.id}" if resource.id else full_url
            values = {k: v for k, v in person.items() if k != "_number"} | _event(resource)
            rows_out.append(Row(number, values, fhir_event_id=event_id[:96]))
        for person in {id(p): p for p in patients.values()}.values():
            if person["_number"] not in with_events:
                rows_out.append(Row(person["_number"], {k: v for k, v in person.items() if k != "_number"}))
        rows_out.sort(key=lambda r: r.number)
        for row in rows_out:
            self.position = row.number
            row.only_problems = not row.values and bool(row.problems)
            yield row


__all__ = ["FhirReader"]
