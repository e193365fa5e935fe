"""A person's details as rows (field, label, text), for the CSV export and the PDF of a person's record.

Both render from the one answer access.fields.field_access(actor, person) (issue 7, field-level access as data), as
the API (people.api.person_out) and the page (web/people/detail.html, whose rows carry ``data-field``) do: a row
per visible field, in access.field_table's order, and nothing else. The CSV is safe to open in a spreadsheet
(audit.export.neutralise). Reads are audited by the caller ("export", with the format).
"""

from __future__ import annotations

import csv
import io

from openmash.access.fields import FieldAccess, field_labels, person_minimum_details
from openmash.people.identifiers import nhs_number_format


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _identifiers(picture) -> str:
    return "; ".join(
        f"{i.get_identifier_type_display()} "
        f"{nhs_number_format(i.value) if i.identifier_type == 'nhs_number' else i.value}"
        for i in picture.identifiers
    )


def _addresses(picture) -> str:
    return "; ".join(
        a.get_status_display() if a.status != "known" else ", ".join(x for x in (a.line1, a.town, a.postcode) if x)
        for a in picture.addresses
    )


def _aliases(person, picture) -> str:
    from openmash.people.names import other_names

    return "; ".join(other_names(person, picture))  # the page's "Also known as" (finding 3)


def _relationships(person) -> str:
    from openmash.people.selectors import relationships_view

    return "; ".join(
        r["description"] if r["established"] else f"Not yet screened: {r['claim']}" for r in relationships_view(person)
    )


def _allocation(actor, person) -> str:
    from openmash.enquiries.selectors import allocation_current

    a = allocation_current(actor=actor, person=person)
    if a is None:
        return "Not open to children's social care"
    worker = f", allocated worker {a.worker} ({a.agency.name})" if a.worker_id else ", no worker allocated"
    return f"Open since {_date(a.opened_at.date())}{worker}"


def _statuses(person) -> str:
    from openmash.people.selectors import child_statuses

    return "; ".join(
        f"{s.get_kind_display()} from {_date(s.start_date)}{f' to {_date(s.end_date)}' if s.end_date else ''}"
        f" ({s.source_agency.name})"
        for s in child_statuses(person)
    )


def _records(actor, person, picture, audience: str) -> str:
    """Each agency's record as access.fields.agency_record_shown renders it for the person's audience (field_table
    "agency_record"): agency, local id, name and date of birth as held (a field not visible is left out)."""
    from openmash.access.fields import agency_record_shown, field_access

    access = field_access(actor, person, record_type="agency_record", audience=audience)
    out = []
    for record in picture.records:
        r = agency_record_shown(access, record, unnamed=picture.agencies_held)
        held = " ".join(x for x in (r["given_name"], r["family_name"]) if x)
        born = f", born {_date(r['date_of_birth'])}" if r["date_of_birth"] else ""
        local = f" (record {r['local_id']})" if r["local_id"] else ""
        out.append(f"{r['agency']}{local}: {held}{born}")
    return "; ".join(out)


def _disagreements(person, picture) -> str:
    from openmash.people.summary import disagreements, disagreements_text

    return disagreements_text(disagreements(person, picture.records, unnamed=picture.agencies_held))


def _text(actor, person, field: str, details: dict, audience: str = "") -> str:
    """The text shown for one field of a person's record (person read by people.selectors.person_get, with its
    cluster's picture attached)."""
    picture = person.picture
    texts = {
        "kind": lambda: person.get_kind_display(),
        "forename": lambda: details["forename"],
        "surname": lambda: details["surname"],
        "date_of_birth": lambda: _date(details["date_of_birth"]),
        "expected_date_of_birth": lambda: _date(details["expected_date_of_birth"]),
        "sex": lambda: person.get_sex_display(),
        "postcode": lambda: details["postcode"],
        "nhs_number": lambda: nhs_number_format(details["nhs_number"]) if details["nhs_number"] else "",
        "ethnicity": lambda: person.get_ethnicity_display() if person.ethnicity else "",
        "identifiers": lambda: _identifiers(picture),
        "addresses": lambda: _addresses(picture),
        "aliases": lambda: _aliases(person, picture),
        "relationships": lambda: _relationships(person),
        "records": lambda: _records(actor, person, picture, audience),
        "links": lambda: "; ".join(f"{left} and {right}" for _x, left, right in picture.joined),
        "disagreements": lambda: _disagreements(person, picture),
        "chronology": lambda: "See the chronology (its own PDF)",
        "allocation": lambda: _allocation(actor, person),
        "child_status": lambda: _statuses(person),
    }
    text = texts.get(field)
    return text() if text is not None else ""


def person_record_rows(actor, person, access: FieldAccess) -> list[tuple[str, str, str]]:
    """In: the actor, a person read by people.selectors.person_get and field_access(actor, person). Out: one
    (field, label, text) per visible field, in the field table's order; nothing for a field not visible."""
    details = person_minimum_details(person)
    return [
        (f, label, _text(actor, person, f, details, access.audience))
        for f, label in field_labels("person", access.fields)
    ]


def person_record_csv(rows: list[tuple[str, str, str]]) -> str:
    """The rows as CSV text (header "Field,Label,Value"; field is the field table's name), formula-safe."""
    from openmash.audit.export import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Field", "Label", "Value"])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
