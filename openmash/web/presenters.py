"""Plain-words views of domain records for the templates (no queries here: everything is already loaded)."""

from __future__ import annotations

from openmash.access.fields import RECEIVED, contact_person_shown
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.enquiries.choices import ScreeningOutcome
from openmash.enquiries.selectors import request_people


def subjects(contact, view=None) -> list:
    """The subject children of a contact, from whichever prefetch the selector used. With the actor's ContactView
    (access.fields.contact_view) a recorder gets the children as they named them (fault 2 of the review: the hub's
    later corrections of the record do not show to the referrer); without one, the live records (hub lists)."""
    links = getattr(contact, "subject_links", None)
    if links is None:
        links = [cp for cp in contact.people.all() if cp.role == ContactPersonRole.SUBJECT]
    if view is None:
        return [cp.person for cp in links]
    return [contact_person_shown(view, cp) for cp in links]


def contact_outcome(contact, outcome_labels: dict[str, str], view=None) -> dict:
    """What has happened to a contact, in words a referrer understands (never the hub's rationale). `view` is the
    actor's access.fields.ContactView: a recorder sees "received" instead of "awaiting screening" or "passed to
    the allocated worker", so they cannot tell whether the child has an allocated social worker."""
    screening = getattr(contact, "screening", None)
    if view is not None and not view.screening:
        screening = None
    enquiry = getattr(contact, "enquiry", None)
    if enquiry is None and getattr(contact, "screening", None) is not None:
        enquiry = contact.screening.added_to  # added to an open enquiry at screening: its decision is this one's
    decision = getattr(enquiry, "decision", None) if enquiry is not None else None
    status = view.status if view is not None else contact.status
    outcomes: list[str] = []
    if status == RECEIVED:
        text = "Your contact has been received by children's social care."
        return {"label": "Received", "text": text, "tag": "govuk-tag--grey", "outcomes": [], "received": True}
    if status == ContactStatus.AWAITING_SCREENING:
        text, tag = "Waiting to be screened by the MASH.", "govuk-tag--grey"
    elif status == ContactStatus.WITH_ALLOCATED_WORKER:
        text, tag = "Passed to the child's allocated social worker.", "govuk-tag--blue"
    elif status == ContactStatus.ADDED_TO_ENQUIRY:
        text = "Added to an open MASH enquiry about the same children: it is decided with that enquiry."
        tag = "govuk-tag--yellow"
    elif status == ContactStatus.IN_ENQUIRY:
        text = "The MASH is finding out what partner agencies know before deciding what to do."
        tag = "govuk-tag--yellow"
    elif status == ContactStatus.STRATEGY:
        text, tag = "A strategy discussion will be held about the child's safety.", "govuk-tag--red"
    elif status == ContactStatus.CLOSED and screening and screening.outcome == ScreeningOutcome.EARLY_HELP:
        text, tag = "The family will be offered early help.", "govuk-tag--green"
        outcomes = [ScreeningOutcome.EARLY_HELP.label]
    elif status == ContactStatus.CLOSED:
        text, tag = "No further action by children's social care. Advice may have been given.", "govuk-tag--grey"
        outcomes = [ScreeningOutcome.NFA_ADVICE.label]
    elif status == ContactStatus.DECIDED and decision is not None:
        outcomes = [outcome_labels.get(code, code) for code in decision.outcomes]
        text, tag = "The MASH manager has decided what happens next.", "govuk-tag--green"
    else:
        text, tag = contact.get_status_display(), "govuk-tag--grey"
    return {"label": contact.get_status_display(), "text": text, "tag": tag, "outcomes": outcomes}


def inbox_subjects(actor, agency_request) -> list[dict]:
    """The minimum identifying details of the children and household adults an agency is asked about, as decided
    by access.fields.person_details_for (through enquiries.selectors.request_people, the API's answer too), shaped
    for the templates."""
    return minimum_people(request_people(actor, agency_request.enquiry.contact, request=agency_request))


def minimum_people(rows: list[dict]) -> list[dict]:
    from openmash.people.choices import Sex

    return [
        {
            # as Person.full_name: an unborn child without a first name is "Unborn child <surname>" everywhere
            "name": " ".join(x for x in (r.get("forename"), r.get("surname")) if x)
            if r.get("forename") or not r.get("expected_date_of_birth")
            else f"Unborn child {r.get('surname') or ''}".strip(),
            "role": r["role"],
            "date_of_birth": r.get("date_of_birth"),
            "expected_date_of_birth": r.get("expected_date_of_birth"),
            "sex": Sex(r["sex"]).label if r.get("sex") in Sex.values else r.get("sex", ""),
            "postcode": r.get("postcode", ""),
            "nhs_number": r.get("nhs_number", ""),
        }
        for r in rows
    ]


_IDENTIFIER_WORDS = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID"}


def search_miss_hint(arguments: dict, *, intake: bool = False) -> str:
    """What to try when a person search found no one, worded by what was searched (practitioner review: a search by
    NHS number was told to "check the spelling and the date of birth, or try the NHS number").

    In: the search's keyword arguments (web.forms.PersonSearchForm.search_arguments: name, date_of_birth, postcode,
    age, identifier_type, identifier); intake: True on intake's first step, where the way on is entering the child's
    details. Out: one sentence. No personal data: it names only the kinds of detail searched."""
    if arguments.get("identifier"):
        kind = _IDENTIFIER_WORDS.get(arguments.get("identifier_type") or "", "number")
        other = (
            "enter the child's details in the form below"
            if intake
            else "search by name with a date of birth or a postcode"
        )
        return f"Check the {kind}, or {other}."
    checked = []
    if arguments.get("name"):
        checked.append("the spelling")
    if arguments.get("date_of_birth"):
        checked.append("the date of birth")
    if arguments.get("postcode"):
        checked.append("the postcode")
    if arguments.get("age") is not None and arguments.get("age") != "":
        checked.append("the approximate age")
    what = " and ".join([", ".join(checked[:-1]), checked[-1]]) if len(checked) > 1 else "".join(checked)
    other = "enter the child's details in the form below" if intake else "try the NHS number, UPN or PNC ID"
    if not what:
        return f"Check the details searched, or {other}."
    return f"Check {what}, or {other}."


def agency_record_label(row: dict) -> str:
    """How the person page names one agency record (a row of access.fields.agency_record_shown): the agency's own
    id for it ("record PN-1234"), or, for a record OpenMASH made when a contact named the person (local id
    "openmash-person:<internal id>", people.linking.local_id_for), "Recorded in OpenMASH" and the contact when the
    reader may see it: never the internal id (issue 6 practitioner review). "" when the id is not shown."""
    from openmash.people.linking import LOCAL_ID_PREFIX

    local_id = row.get("local_id") or ""
    if not local_id:
        return ""
    if not local_id.startswith(LOCAL_ID_PREFIX):
        return f"record {local_id}"
    reference = row.get("source_contact_reference")
    return f"Recorded in OpenMASH at contact {reference}" if reference else "Recorded in OpenMASH"
