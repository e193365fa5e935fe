"""THE answer to "which of this person's details may this actor see?", used by the API and the pages alike.

Before issue 5 the researchers' minimum identifying details and the hub-only parts of a record were decided twice,
in the API schemas and in the web views. Now both ask `person_fields_visible(actor, person)` and build their output
from `person_minimum_details` / the field names it returns, so the two paths cannot drift apart.

Source of the rule: docs/security/access-and-audit.md ("Who sees what"): agency researchers (and anyone else who
is not the hub or the child's allocated worker) get only the minimum identifying details: name, date of birth,
sex, postcode, NHS number.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmash.access.policy import contact_viewed_as, person_full_record_allowed

#: The minimum identifying details an agency needs to search its own records.
MINIMUM_FIELDS: frozenset[str] = frozenset(
    {"kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex", "postcode", "nhs_number"}
)
#: What only the hub (and the allocated worker, for their children) sees on top of the minimum.
FULL_ONLY_FIELDS: frozenset[str] = frozenset(
    {"ethnicity", "identifiers", "addresses", "aliases", "relationships", "chronology", "allocation"}
)
FULL_FIELDS: frozenset[str] = MINIMUM_FIELDS | FULL_ONLY_FIELDS


def person_fields_visible(actor, person) -> frozenset[str]:
    """In: an actor who may open `person` (the caller fetched it through `people_visible`). Out: the names of the
    details they may see: FULL_FIELDS for the hub and the allocated worker, MINIMUM_FIELDS for everyone else."""
    if actor is None:
        return frozenset()
    return FULL_FIELDS if person_full_record_allowed(actor, person) else MINIMUM_FIELDS


def person_minimum_details(person, *, postcode: str | None = None, nhs_number: str | None = None) -> dict:
    """The minimum identifying details of a person, from prefetched identifiers and addresses (no queries):
    forename, surname, date_of_birth, expected_date_of_birth, sex (code), postcode (current address) and
    nhs_number ("" when not known). A caller that loaded the postcode and NHS number with the person (the search
    does, in the same query) passes them instead, and nothing is read from the prefetches."""
    if postcode is None or nhs_number is None:
        address = next(iter(person.addresses.all()), None)
        postcode = address.postcode if address else ""
        nhs_number = next((i.value for i in person.identifiers.all() if i.identifier_type == "nhs_number"), "")
    nhs = nhs_number
    return {
        "kind": person.kind,
        "forename": person.forename,
        "surname": person.surname,
        "date_of_birth": person.date_of_birth,
        "expected_date_of_birth": person.expected_date_of_birth,
        "sex": person.sex,
        "postcode": postcode or "",
        "nhs_number": nhs or "",
    }


#: What a search result shows of a person the actor has no basis to open (a referrer's intake search, a researcher
#: searching before a request arrives): enough to recognise the child they already hold details of, nothing they do
#: not already know. Not the postcode or NHS number (issue 6: the web search showed the postcode of people the
#: user had no basis for).
SEARCH_RESULT_FIELDS: frozenset[str] = frozenset(
    {"kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex"}
)
#: The order the search result columns are shown and the API lists them in.
SEARCH_RESULT_ORDER: tuple[str, ...] = (
    "kind",
    "forename",
    "surname",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
)


def person_search_fields(actor, person, *, in_basis: bool) -> frozenset[str]:
    """In: an actor who searched, a person their search found, and whether the actor may open that person's record
    (``in_basis``: the person is in ``access.policy.people_visible(actor)``). Out: which of the minimum identifying
    details the result shows: SEARCH_RESULT_FIELDS for someone the actor has no basis for; for someone they may
    open, the minimum details ``person_fields_visible`` allows (adding postcode and NHS number). One answer for the
    API and the pages."""
    if actor is None:
        return frozenset()
    if not in_basis:
        return SEARCH_RESULT_FIELDS
    return (person_fields_visible(actor, person) & MINIMUM_FIELDS) | SEARCH_RESULT_FIELDS


def person_search_details(
    actor, person, *, in_basis: bool, postcode: str | None = None, nhs_number: str | None = None
) -> dict:
    """The details a search result shows (``person_search_fields``): keys in SEARCH_RESULT_ORDER order, only the
    fields shown ("" for a shown field that is not known). Postcode and NHS number as for person_minimum_details."""
    fields = person_search_fields(actor, person, in_basis=in_basis)
    details = person_minimum_details(person, postcode=postcode, nhs_number=nhs_number)
    return {k: details[k] for k in SEARCH_RESULT_ORDER if k in fields}


def person_details_for(actor, person) -> dict:
    """The minimum details restricted to what `person_fields_visible` allows (the shape both the API and the pages
    render for the minimum view)."""
    fields = person_fields_visible(actor, person)
    return {k: v for k, v in person_minimum_details(person).items() if k in fields}


# --- contacts ---------------------------------------------------------------------------------------------------------

#: What a recorder is shown instead of "awaiting screening" or "passed to the allocated worker": both read the same,
#: so a referrer cannot tell whether the child has an allocated social worker (issue 5, fault 6).
RECEIVED = "received"


@dataclass(frozen=True)
class ContactView:
    """What of a contact the actor may see (one answer for the API and the pages).

    viewed_as: "hub", "worker" or "recorder" (access.policy.contact_viewed_as);
    status: the status to show (a recorder sees "received" while the contact waits for screening or went to an
    allocated worker); screening: whether the screening outcome and RAG are shown; rationale / enquiry /
    due_dates: hub-only parts; referrer_identity: whether a protected public referrer's name may be shown."""

    viewed_as: str
    status: str
    screening: bool
    rationale: bool
    enquiry: bool
    due_dates: bool
    referrer_identity: bool


def contact_view(actor, contact) -> ContactView:
    """In: an actor who may open `contact` (fetched through contacts_visible), with its screening loaded.
    Out: the ContactView deciding which parts of it they see."""
    from openmash.contacts.choices import ContactStatus
    from openmash.enquiries.choices import ScreeningOutcome

    viewed_as = contact_viewed_as(actor, contact)
    hub = viewed_as == "hub"
    status = contact.status
    screening = getattr(contact, "screening", None)
    show_screening = screening is not None
    if viewed_as == "recorder":
        if status in (ContactStatus.AWAITING_SCREENING, ContactStatus.WITH_ALLOCATED_WORKER):
            status = RECEIVED
        if screening is not None and screening.outcome == ScreeningOutcome.ALLOCATED_WORKER:
            show_screening = False
    protected = contact.referrer_identity_protected and not hub and contact.recorded_by_id != actor.user.pk
    return ContactView(
        viewed_as=viewed_as,
        status=status,
        screening=show_screening,
        rationale=hub,
        enquiry=hub,
        due_dates=viewed_as != "recorder",
        referrer_identity=not protected,
    )
