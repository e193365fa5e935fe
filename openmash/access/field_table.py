"""Field-level access as DATA (issue 7, "Who may see what"; ADR 0002 addendum): which fields of which record an
audience sees, as two tables. `openmash.access.fields.field_access(actor, record)` reads them and is the one answer
the API, the pages, the CSV export and the PDFs render from. Adding a field to a record is one entry in
FIELD_GROUPS; changing who sees a group is one entry in VISIBLE.

- FIELD_GROUPS: record type -> field group -> the field names in it (the names are the API's keys, the pages'
  ``data-field`` attributes and the CSV's ``field`` column; FIELD_LABELS gives the words the pages and the PDF use).
- VISIBLE: audience -> record type -> the groups that audience sees. An audience is how the actor stands to that
  record, decided from role and involvement by `openmash.access.fields.audience_for` (deny by default: an audience
  or record type missing from the table sees nothing):

  - ``hub``: the MASH's screeners and managers (an agency marked as the hub);
  - ``case_worker``: the social worker allocated to the child while the allocation is open, and whoever broke glass
    for that one person while it lasts (access.policy.person_full_record_allowed);
  - ``agency``: everyone else who may open the record: an agency's researchers answering a request (the
    "minimum details"), the early help service, a practitioner named on a request;
  - ``recorder``: a contact's recorder (the referrer) reading their own contact.
- SENSITIVITIES: audience -> record type -> the chronology sensitivities shown (access.policy.chronology_sensitivities
  applies them, with the household rule on top).

Source of the rules: docs/security/access-and-audit.md ("Who sees what"); DOMAIN.md 3.3 (minimum necessary,
Caldicott principles 3 and 4); issue 5 faults 2 and 6 (a referrer must never learn a child has an allocated worker).
"""

from __future__ import annotations

FIELD_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    # A person's record (people.Person read over their cluster).
    "person": {
        # the minimum identifying details an agency needs to search its own records
        "minimum": (
            "kind",
            "forename",
            "surname",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "postcode",
            "nhs_number",
        ),
        # the hub-only identity details: every identifier, every address, ethnicity, other names
        "identity": ("ethnicity", "identifiers", "addresses", "aliases"),
        # the people around them, each relationship with its source
        "network": ("relationships",),
        # each agency's record of them and the links that joined the records (ADR 0005)
        "records": ("records", "links"),
        # the merged chronology
        "history": ("chronology",),
        # whether they are open to children's social care and to whom (issue 5 fault 6)
        "case_status": ("allocation",),
        # child protection plans, looked-after status, child in need plans (people.ChildStatus; issue 7)
        "statuses": ("child_status",),
    },
    # A contact (contacts.Contact) as its reader may see it: access.fields.ContactView.
    "contact": {
        "details": ("reference", "status", "received_at", "narrative", "concern_codes", "people", "outcome"),
        "screening": ("screening",),
        # the hub's reasoning and the enquiry it opened
        "hub_only": ("rationale", "enquiry"),
        # when screening is due and whether it is overdue
        "due_dates": ("due_dates",),
        # a protected public referrer's name
        "referrer_identity": ("referrer_identity",),
        # that the contact went to the child's allocated worker and what the worker did with it
        "routing": ("routing",),
    },
    # An information request to an agency (enquiries.AgencyRequest).
    "agency_request": {
        "people": ("people",),  # the subjects' and household's minimum details (FIELD_GROUPS person minimum)
        "urgency": ("rag", "immediate_risk"),  # how urgent, never why
    },
    # One agency's record of a person (people.AgencyRecord).
    "agency_record": {
        "record": ("agency", "local_id", "given_name", "family_name", "date_of_birth", "sex", "identifiers"),
        "provenance": ("received_at", "source_contact_reference", "source_feed"),
    },
    # One chronology entry (people.ChronologyEntry): which of them by sensitivity is SENSITIVITIES.
    "chronology_entry": {
        "entry": ("occurred_at", "kind", "agency", "summary", "description", "origin", "significance"),
    },
}

_PERSON_ALL = ("minimum", "identity", "network", "records", "history", "case_status", "statuses")

VISIBLE: dict[str, dict[str, tuple[str, ...]]] = {
    "hub": {
        "person": _PERSON_ALL,
        "contact": ("details", "screening", "hub_only", "due_dates", "referrer_identity", "routing"),
        "agency_request": ("people", "urgency"),
        "agency_record": ("record", "provenance"),
        "chronology_entry": ("entry",),
    },
    "case_worker": {
        "person": _PERSON_ALL,
        "contact": ("details", "screening", "due_dates", "referrer_identity", "routing"),
        "agency_record": ("record", "provenance"),
        "chronology_entry": ("entry",),
    },
    "agency": {
        "person": ("minimum",),
        "agency_request": ("people", "urgency"),
    },
    "recorder": {
        "contact": ("details", "screening", "referrer_identity"),
    },
}

SENSITIVITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "hub": {
        "person": ("", "standard", "sensitive", "sealed"),
        "chronology_entry": ("", "standard", "sensitive", "sealed"),
    },
    "case_worker": {"person": ("", "standard", "sensitive"), "chronology_entry": ("", "standard", "sensitive")},
}

#: The words the pages, the CSV and the PDF use for a field (the API uses the field name itself).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "person": {
        "kind": "Kind",
        "forename": "First name",
        "surname": "Last name",
        "date_of_birth": "Date of birth",
        "expected_date_of_birth": "Expected date of birth",
        "sex": "Sex",
        "postcode": "Postcode",
        "nhs_number": "NHS number",
        "ethnicity": "Ethnicity",
        "identifiers": "Identifiers",
        "addresses": "Addresses",
        "aliases": "Also known as",
        "relationships": "Relationships",
        "records": "What each agency holds",
        "links": "Joined as one person",
        "chronology": "Chronology",
        "allocation": "Children's social care",
        "child_status": "Plans and looked-after status",
    },
}

#: The order a person's fields are listed in (the page, the CSV and the PDF).
PERSON_FIELD_ORDER: tuple[str, ...] = tuple(f for group in FIELD_GROUPS["person"].values() for f in group)
