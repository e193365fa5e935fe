"""Contacts API: intake with Idempotency-Key, a contact's detail, screening and the screening queue."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status

from openmash.access.fields import contact_person_shown, contact_view, encompass_notice_shown
from openmash.access.sharing import contact_change_reason_held, screening_text_held
from openmash.contacts import selectors, services
from openmash.contacts.choices import (
    ConsentConditionIn,
    ConsentIn,
    ConsentLawfulBasisIn,
    ConsentNotSoughtIn,
    ConsentOverrideIn,
    consent_errors_with_codes,
)
from openmash.core.api_paging import DB_INT_MAX, PageOut, PageQuery, page_out
from openmash.core.exceptions import ValidationFailed
from openmash.core.text import CleanSchema
from openmash.enquiries import assignment, related
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.timescales import due_outside_hub_hours, hub_calendar
from openmash.people.linking import intake_held_people

router = Router(tags=["contacts"])


class IdentifierIn(CleanSchema):
    type: Literal["nhs_number", "upn", "pnc_id", "local_id"]
    value: str = Field(max_length=40)


class AddressIn(CleanSchema):
    """An address. status "known" needs line1 (postcode optional, a UK postcode stored as "SW1A 1AA"); status
    "no_fixed_abode" or "not_known" takes no address lines (they are states, not text)."""

    status: Literal["known", "no_fixed_abode", "not_known"] = "known"
    line1: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


class AliasIn(CleanSchema):
    """Another name the person is or was known by."""

    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)


class PersonRefIn(CleanSchema):
    """Either person_id of an existing record, or the details of a new person.

    A new person needs a first name or a last name (one is enough for a person known by one name); an unborn
    child (unborn=true, with expected_date_of_birth up to 10 months ahead) may have neither. Names must hold a
    letter; text is NFC with invisible and control characters refused or removed (openmash.core.text)."""

    person_id: UUID | None = None
    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    unborn: bool = False
    expected_date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "U"] = "U"
    ethnicity: str = Field("NOBT", max_length=4)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=10)
    address: AddressIn | None = None
    aliases: list[AliasIn] = Field(default_factory=list, max_length=10)
    not_person_ids: list[UUID] = Field(
        default_factory=list,
        max_length=10,
        description="For a new person: ids of people an intake lookup (POST /intake/candidates) offered that the "
        "referrer says this is NOT. A matching identifier then goes to the MASH's review queue instead of joining "
        "the records automatically. Only people offered to you may be named (a candidate of your own lookup, in "
        "this request or in the last day, or someone you may name by id): any other id, known or not, is refused "
        "with 422 on `<group>.N.not_person_ids` and nothing is saved.",
    )
    match_decision: Literal["", "new"] = Field(
        "",
        description='For a new person: "new" says it is none of the people your lookup of these same details '
        "offered (send its `candidates_reference`): they are not offered again and a matching identifier goes to "
        "the MASH's review queue. Leave it out with `person_id` (the person it is, chosen from the candidates).",
    )
    candidates_reference: str = Field(
        "",
        max_length=2000,
        description='With match_decision "new": the `reference` of POST /api/v1/intake/candidates (or of a 422 '
        "refusal's `candidates`) for these same details, given to you in the last day.",
    )


class HouseholdPersonIn(PersonRefIn):
    role: Literal["parent_carer", "household_member", "alleged_perpetrator"] = "household_member"


YesNoUnknownIn = Literal["", "yes", "no", "unknown"]


class SubjectIn(PersonRefIn):
    """A child the concern is about: an existing record or a new child, with what the referrer knows of their
    school and GP (partner agency codes, education and GP practice) and whether they were present at the
    domestic abuse incident (for the Operation Encompass notice, DOMAIN.md 1.5)."""

    school_code: str = Field("", max_length=40)
    gp_code: str = Field("", max_length=40)
    present_at_incident: YesNoUnknownIn = ""


class SiblingIn(CleanSchema):
    """How two of the contact's children (0-based positions in `subjects`) are related to each other."""

    first: int = Field(ge=0, le=19)
    second: int = Field(ge=0, le=19)
    relationship: Literal["sibling", "half_sibling", "step_sibling", "not_related", "unknown"]


class DomesticAbuseIn(CleanSchema):
    """Domestic abuse details (DOMAIN.md 1.5). `notify_schools` sends each child's school (given by
    school_code) an Operation Encompass notice: it needs the police reference and the incident's time."""

    police_reference: str = Field("", max_length=40)
    incident_at: dt.datetime | None = None
    dash_risk: Literal["", "standard", "medium", "high"] = ""
    marac_referral: YesNoUnknownIn = ""
    notify_schools: bool = False


class ContactCreateIn(CleanSchema):
    """A new contact. Domestic abuse details sit at the top level (police_reference ... notify_schools).
    received_at defaults to now; it may not be in the future or more than a year ago, and one more than the
    partnership's late-recording window ago (default 30 days) needs late_recorded_reason.

    Consent (a recorded decision, ADR 0016): consent is obtained, refused, not_sought or not_applicable (a statutory
    duty, e.g. the police). Sharing without consent (all but obtained) needs consent_lawful_basis (public_task,
    legal_obligation, vital_interests, part3); not_sought needs consent_not_sought_reason (unsafe, prejudice,
    urgent, not_capable, other); refused needs consent_override_reason (risk_of_harm, public_interest, crime).
    consent_condition is optional (sch1_para18, art9_2g, art9_2h, art9_2b, sch8_para4, sch8_para1); consent_detail
    is a free-text note."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset(
        {"narrative", "consent_detail", "immediate_risk_detail", "late_recorded_reason"}
    )

    subjects: list[SubjectIn] = Field(default_factory=list, max_length=20)
    household: list[HouseholdPersonIn] = Field(default_factory=list, max_length=30)
    siblings: list[SiblingIn] = Field(default_factory=list, max_length=190)
    police_reference: str = Field("", max_length=40)
    incident_at: dt.datetime | None = None
    dash_risk: Literal["", "standard", "medium", "high"] = ""
    marac_referral: YesNoUnknownIn = ""
    notify_schools: bool = False
    concern_codes: list[str] = Field(default_factory=list, max_length=40)
    narrative: str = ""
    source_code: str = Field("", max_length=3)
    referrer_type: Literal["professional", "public"] = "professional"
    referrer_name: str = Field("", max_length=200)
    referrer_role: str = Field("", max_length=200)
    referrer_phone: str = Field("", max_length=40)
    family_aware: Literal["yes", "no", "unknown"] = "unknown"
    consent: ConsentIn = ""
    consent_not_sought_reason: ConsentNotSoughtIn = ""
    consent_override_reason: ConsentOverrideIn = ""
    consent_lawful_basis: ConsentLawfulBasisIn = ""
    consent_condition: ConsentConditionIn = ""
    consent_detail: str = Field("", max_length=500)
    immediate_risk: bool | None = None
    immediate_risk_detail: str = Field("", max_length=1000)
    received_at: dt.datetime | None = None
    late_recorded_reason: str = Field("", max_length=500)


class ContactPersonOut(Schema):
    """A person named in the contact. To its recorder (when neither the hub nor the child's allocated worker) the
    names, dates of birth and sex are as they named them (at intake, and as changed by their own amendments), not
    the record as the hub has since corrected it, and `version` is null (only the hub corrects a record)."""

    person_id: UUID
    role: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str
    version: int | None = Field(None, description="The person's version, for a hub correction; null for the recorder")
    school: str | None = None
    gp: str | None = None
    present_at_incident: str = ""


class DomesticAbuseOut(Schema):
    police_reference: str
    incident_at: dt.datetime | None
    dash_risk: str
    marac_referral: str
    notify_schools: bool


class ContactChangeOut(Schema):
    """One change to the record, with the value it replaced (kind: amendment or correction)."""

    kind: str
    field: str
    person_id: UUID | None
    previous: object | None
    new: object | None
    reason: str  # "" when reason_held
    changed_by: str  # "" when reason_held (who gave the reason is held with it)
    agency: str
    at: dt.datetime
    contact_version: int
    # the reason's level; reason_held: it keeps the reason from this reader (access.sharing.contact_change_reason_held)
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    reason_held: bool = False


class ScreeningOut(Schema):
    outcome: str
    rag: str
    rationale: str | None
    screened_at: dt.datetime
    exception_reason: str | None = Field(
        None,
        description="Why a MASH manager closed a contact with immediate risk without a MASH enquiry, strategy "
        'discussion or referral ("" otherwise); for the hub only, like the rationale',
    )
    sensitivity: Literal["standard", "sensitive", "sealed"] | None = Field(
        None, description="the level of the rationale and exception reason (null where the rationale is not shown)"
    )
    held: bool = Field(
        False,
        description="true when that level keeps them from the reader (access.sharing.screening_text_held): both are "
        "then empty",
    )


class ContactOut(Schema):
    """A contact as the actor may see it (access.fields.contact_view). To the person who recorded it (when they
    are neither the hub nor the child's allocated worker) `status` is "received" while it awaits screening or has
    gone to an allocated worker, `overdue` is false and a screening that passed it to the allocated worker is not
    shown: a referrer learns only that the contact was received (issue 5, fault 6)."""

    id: UUID
    reference: str
    status: str
    received_at: dt.datetime
    screening_due_at: dt.datetime
    overdue: bool
    recording_agency: str
    source_code: str
    concern_codes: list[str]
    narrative: str | None
    referrer_type: str
    referrer_name: str | None
    family_aware: str
    consent: str
    consent_not_sought_reason: str
    consent_override_reason: str = ""
    consent_lawful_basis: str = ""
    consent_condition: str = ""
    immediate_risk: bool
    people: list[ContactPersonOut]
    screening: ScreeningOut | None
    enquiry_id: UUID | None
    decision_outcomes: list[str]
    domestic_abuse: DomesticAbuseOut
    changes: list[ContactChangeOut] = Field(
        default_factory=list, description="The change history: for the hub and the recorder only"
    )
    notices: list[str] = Field(
        default_factory=list,
        description="Only in the answer that records a contact: what intake noticed about its people, e.g. the same "
        "new person named twice (recorded once); for the hub's screeners and managers only, a new person whose "
        "identifier belongs to someone already known (their records are joined, or sent to the MASH to check): "
        "anyone else gets the same answer whether or not an identifier is known (ADR 0009 addendum 3). No personal "
        "data beyond the input positions.",
    )
    version: int


class PersonAmendIn(CleanSchema):
    """Changes to a person already named in the contact. Fields left out stay as they are."""

    person_id: UUID
    forename: str | None = Field(None, max_length=100)
    surname: str | None = Field(None, max_length=100)
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "U"] | None = None
    ethnicity: str | None = Field(None, max_length=4)
    add_identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=10)
    add_address: AddressIn | None = None
    school_code: str | None = Field(None, max_length=40)
    gp_code: str | None = Field(None, max_length=40)
    present_at_incident: YesNoUnknownIn | None = None


class ConcernAmendIn(CleanSchema):
    """What the concern says, amended before screening: `immediate_risk` raised (the recorder or the hub, with
    `immediate_risk_detail`) or lowered (the hub only, with the reason in `immediate_risk_detail`); raising it brings
    the screening due time forward. `add_concern_codes`: CIN assessment factor codes added (never removed).
    `additional_information`: added to the end of the narrative, marked with who added it and when."""

    immediate_risk: bool | None = None
    immediate_risk_detail: str = Field("", max_length=1000)
    add_concern_codes: list[str] = Field(default_factory=list, max_length=30)
    additional_information: str = Field("", max_length=20000)


class CandidateBriefOut(Schema):
    """A person already known who may be the new person: the minimum every recorder is shown (names, date of
    birth or expected date), whether an identifier matched exactly, and the reasons in words."""

    id: UUID
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    exact: bool
    reasons: list[str]


class CandidatesForOut(Schema):
    """Who may be one refused new person, and the `reference` to send back with `match_decision: "new"`."""

    reference: str
    items: list[CandidateBriefOut]


class ProblemOut(Schema):
    """A refused request (422): `detail` in words and, keyed by the input field at fault (dotted path, such as
    `subjects.0.date_of_birth`), the messages. Search before create answers on `subjects.N.match`,
    `household.N.match` (creation) or `add_subjects.N.match`, `add_household.N.match` (amendment): "N people already
    known may be this person", and `candidates`, keyed by the person's input prefix (`subjects.0`), lists them (the
    minimum details, as POST /api/v1/intake/candidates shows) with a `reference`. Send the person again as
    `person_id` of the one it is, or declare it new: `match_decision: "new"` with that `candidates_reference` (or
    `not_person_ids` listing every one it is not; an id there that was never offered to you is refused on
    `subjects.N.not_person_ids` etc., the same words whether it exists or not)."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
    candidates: dict[str, CandidatesForOut] = Field(default_factory=dict)


class RateLimitedOut(Schema):
    """Too many searches (429, with Retry-After in seconds): each lookup of a new person's possible matches at
    creation or amendment is one search under the per-user search rate limit (SECURITY-TESTS.md PF-2)."""

    detail: str


class ContactAmendIn(CleanSchema):
    """Amend a contact before it is screened (recorder or hub). `version` is the contact's version as read:
    a stale one answers 409. Every change is kept with the value it replaced. The recorder changes only what their
    contact says: a person's own details (`people[]` names, dates, sex, ethnicity, add_identifiers, add_address)
    only for a person their contact created and nothing else names; otherwise 422 on each field asked (a child
    found by search is the MASH's to correct). `domestic_abuse.notify_schools` may be turned on by the police only."""

    version: int = Field(ge=1, le=DB_INT_MAX)
    add_subjects: list[SubjectIn] = Field(default_factory=list, max_length=20)
    add_household: list[HouseholdPersonIn] = Field(default_factory=list, max_length=30)
    people: list[PersonAmendIn] = Field(default_factory=list, max_length=50)
    domestic_abuse: DomesticAbuseIn | None = None
    concern: ConcernAmendIn | None = None


class AddressCorrectionIn(AddressIn):
    """An address the person already has (its `id` in the person's `addresses`), recorded wrongly: the values
    that replace it (the row's dates stay; the replaced values are kept in the change history)."""

    address_id: UUID


class AddressEndIn(CleanSchema):
    """A current address the person no longer lives at: `end_date` (default today, not in the future, not before
    they moved in)."""

    address_id: UUID
    end_date: dt.date | None = None


class PersonCorrectionIn(CleanSchema):
    """Correct a person's details at any stage (the hub only), with a reason. `version` is the person's version
    (people[].version in ContactOut): a stale one answers 409. `sensitivity`: the reason's level, standard
    (default), sensitive or sealed (422 otherwise)."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    version: int = Field(ge=1, le=DB_INT_MAX)
    reason: str = Field(max_length=500)
    # who reads the reason (access.sharing.contact_change_reason_held): standard (default), sensitive or sealed
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    forename: str | None = Field(None, max_length=100)
    surname: str | None = Field(None, max_length=100)
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "U"] | None = None
    ethnicity: str | None = Field(None, max_length=4)
    add_identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=10)
    add_address: AddressIn | None = Field(None, description="They moved: the current address ends today")
    correct_address: AddressCorrectionIn | None = None
    end_address: AddressEndIn | None = None


class EncompassNoticeOut(Schema):
    """An Operation Encompass notice (DOMAIN.md 1.5): the minimum a school needs, no narrative, as
    access.fields.encompass_notice_shown gives it (field_table "encompass_notice"): `fields` names what the reader is
    shown, any other key is empty ("" or null). Times aware, UTC."""

    id: UUID
    fields: list[str] = Field(default_factory=list)
    police_reference: str = ""
    incident_at: dt.datetime | None = None
    child_forename: str = ""
    child_surname: str = ""
    child_date_of_birth: dt.date | None = None
    present: str = ""
    school: str = ""
    sent_at: dt.datetime | None = None
    read_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str = ""  # the name of the school's user who acknowledged it ("" until then)


class EncompassPageOut(PageOut):
    """One page of Operation Encompass notices: not yet read first (oldest first), then the rest newest first."""

    items: list[EncompassNoticeOut]


class EncompassQuery(PageQuery):
    """`unread`: only the notices the school has not opened yet."""

    unread: bool = False


class ScreeningIn(CleanSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"rationale", "exception_reason"})
    """A screening decision. `holder_confirmed`: the user id of the hub member who holds the contact, when it is
    held by someone else ("I am screening a contact held by X"); without it such a contact answers 422 on that
    field, naming the holder. A contact with immediate risk is closed without a MASH enquiry, strategy discussion
    or referral (`nfa_advice`, `early_help`) only by a MASH manager with `exception_reason`: anyone else gets 422 on
    `outcome` naming the rule, a manager without a reason 422 on `exception_reason`. A `mash_enquiry` on a contact
    with immediate risk rated the partnership's least urgent RAG level (`green` by default) needs `exception_reason`
    too, from anyone (422 on `exception_reason` without it; enquiries.services.immediate_risk_rating_check)."""

    outcome: Literal["nfa_advice", "early_help", "mash_enquiry", "strategy", "allocated_worker", "add_to_enquiry"]
    rationale: str
    rag: str = ""
    holder_confirmed: int | None = Field(None, ge=1, le=2147483647)
    enquiry_id: UUID | None = Field(
        None,
        description="With outcome add_to_enquiry: the open MASH enquiry to join (see GET /contacts/{id}/related-work); "
        "optional when exactly one is open about the contact's children",
    )
    exception_reason: str = Field(
        "",
        max_length=10000,
        description="The reason for an exception to the immediate-risk rules: a MASH manager closing a contact with "
        "immediate risk as nfa_advice or early_help, or anyone rating its mash_enquiry the least urgent RAG level "
        "(green by default); required then, ignored otherwise",
    )
    sensitivity: Literal["standard", "sensitive", "sealed"] = Field(
        "standard",
        description="the level of the rationale and exception reason: a sealed one is read by the partnership's "
        "sealed roles and its writer only (access.sharing.screening_text_held); anything else 422",
    )


class HolderOut(Schema):
    """The hub member who holds a contact or enquiry (took it, or was assigned it by a manager)."""

    user_id: int
    name: str
    assigned_at: dt.datetime | None


class QueueItemOut(Schema):
    id: UUID
    reference: str
    received_at: dt.datetime
    screening_due_at: dt.datetime
    overdue: bool
    recording_agency: str
    immediate_risk: bool
    due_outside_hub_hours: bool = Field(
        description="The screening is due when the hub is closed: hand over to the Emergency Duty Team / police now "
        "(enquiries.timescales)"
    )
    concern_codes: list[str]
    subjects: list[ContactPersonOut]
    assigned_to: HolderOut | None
    related_work: list[str] = Field(
        description="Kinds of work already in hand for these children (see GET /contacts/{id}/related-work), most "
        "pressing first: open_enquiry, strategy, open_case, recent_contact, same_concern"
    )


class RelatedWorkOut(Schema):
    """One piece of work already in hand for a contact's children (issue 6, duplicate work). `kind`: open_enquiry
    (another contact about the child is in an undecided MASH enquiry: `enquiry_id`), strategy (a strategy discussion
    under way), open_case (open to children's social care since `since`, allocated to `worker_name` or "" while
    waiting), recent_contact (another contact received within 7 days), same_concern (another agency raised a concern
    category in common within 28 days: `concerns`). Times are UTC. `child_ids`: this contact's children it concerns."""

    kind: str
    label: str
    child_ids: list[UUID]
    contact_id: UUID | None = None
    reference: str = ""
    agency: str = ""
    received_at: dt.datetime | None = None
    enquiry_id: UUID | None = None
    concerns: list[str] = []
    since: dt.datetime | None = None
    worker_name: str = ""


class QueuePageOut(PageOut):
    """One page of the screening queue: immediate risk first, then soonest due (then received, then id)."""

    items: list[QueueItemOut]


class WorkFilterQuery(PageQuery):
    """Filters of the hub's work lists. `assigned`: "me", "none" or a user id; `agency`: the recording agency's
    code; `received_from`/`received_to`: local (Europe/London) dates, inclusive."""

    immediate: bool = False
    overdue: bool = False
    agency: str = Field("", max_length=50)
    assigned: str = Field("", pattern=r"^(|me|none|[0-9]{1,18})$")
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    def filters(self) -> dict:
        return {
            "immediate_only": self.immediate,
            "overdue_only": self.overdue,
            "agency_code": self.agency,
            "assigned": self.assigned,
            "received_from": self.received_from,
            "received_to": self.received_to,
        }


class AssignmentIn(CleanSchema):
    """Take or assign a contact or enquiry. `assign_to` omitted (or null) with `take: true` means "I take it";
    a manager gives it to a hub member's user id, or releases it with `assign_to: null` and `take: false`.
    `expected` is the holder the caller last saw (a user id, or null for nobody): if someone else changed the
    holder since, the answer is 409 and nothing changes. Taking always expects nobody."""

    take: bool = False
    assign_to: int | None = Field(None, ge=1, le=DB_INT_MAX)
    expected: int | None = Field(None, ge=1, le=DB_INT_MAX)


class AssignmentOut(Schema):
    """Who holds the item now."""

    id: UUID
    assigned_to: HolderOut | None


def holder_out(item) -> dict | None:
    """The holder of a contact or enquiry (assigned_to loaded), for the API."""
    if not item.assigned_to_id:
        return None
    return {
        "user_id": item.assigned_to_id,
        "name": assignment.holder_name(item.assigned_to),
        "assigned_at": item.assigned_at,
    }


def assignment_change(request, *, kind: str, pk, payload: AssignmentIn) -> dict:
    """Run the take/assign service for the payload and say who holds the item now."""
    take = assignment.contact_take if kind == "contact" else assignment.enquiry_take
    give = assignment.contact_assign if kind == "contact" else assignment.enquiry_assign
    key = f"{kind}_id"
    if payload.take:
        item = take(actor=request.actor, **{key: pk})
    else:
        item = give(actor=request.actor, **{key: pk}, assign_to=payload.assign_to, expected=payload.expected)
    from openmash.accounts.models import User

    holder = User.objects.filter(pk=item.assigned_to_id).first() if item.assigned_to_id else None
    return {
        "id": item.pk,
        "assigned_to": {"user_id": holder.pk, "name": assignment.holder_name(holder), "assigned_at": item.assigned_at}
        if holder
        else None,
    }


def _held_ids(contact, view) -> dict:
    """{known person id: the person the referrer described} for a contact's intake joins held until screening (ADR
    0009 addendum 2), for every reader but the hub; {} for the hub (it sees the resolved person). Until screening
    confirms the join, nothing a referrer is sent carries the known child's id (attacker review 2026-12: the id in
    the create response let a school name the known child by id in its next contact)."""
    if view is None or view.viewed_as == "hub":
        return {}
    return intake_held_people(contact.pk)


def _people(contact, subjects_only=False, view=None, as_held=None):
    """The people of a contact for ContactPersonOut. `view` (access.fields.ContactView) decides whose version of
    them: the recorder's as named, or the live record (the hub's queue passes no view: the hub sees the record)."""
    rows = []
    as_held = _held_ids(contact, view) if as_held is None else as_held
    for cp in contact.people.all():
        if subjects_only and cp.role != "subject":
            continue
        shown = contact_person_shown(view, cp) if view is not None else cp.person
        rows.append(
            {
                "person_id": as_held.get(cp.person_id, cp.person_id),
                "role": cp.role,
                "forename": shown.forename,
                "surname": shown.surname,
                "date_of_birth": shown.date_of_birth,
                "expected_date_of_birth": shown.expected_date_of_birth,
                "sex": shown.sex,
                "version": None if shown is not cp.person else cp.person.version,
                "school": cp.school.name if cp.school_id else None,
                "gp": cp.gp.name if cp.gp_id else None,
                "present_at_incident": cp.present_at_incident,
            }
        )
    return rows


def contact_out(actor, contact) -> dict:
    # Which parts the actor sees is decided once, in access.fields.contact_view (the pages use the same answer).
    view = contact_view(actor, contact)
    as_held = _held_ids(contact, view)
    screening = getattr(contact, "screening", None) if view.screening else None
    screened = getattr(contact, "screening", None)
    # A contact added to an open enquiry at screening (issue 6) is decided by that enquiry.
    enquiry = getattr(contact, "enquiry", None) or (screened.added_to if screened is not None else None)
    decision = getattr(enquiry, "decision", None) if enquiry else None
    # the screening's texts as this reader may read them (access.sharing.screening_text_held)
    held = screening is not None and view.rationale and screening_text_held(actor, screening)
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": view.status,
        "received_at": contact.received_at,
        "screening_due_at": contact.screening_due_at,
        "overdue": view.due_dates
        and contact.status == "awaiting_screening"
        and selectors.is_overdue(contact.screening_due_at),
        "recording_agency": contact.recording_agency.name,
        "source_code": contact.source_code,
        "concern_codes": contact.concern_codes,
        "narrative": contact.narrative,
        "referrer_type": contact.referrer_type,
        "referrer_name": contact.referrer_name if view.referrer_identity else None,
        "family_aware": contact.family_aware,
        "consent": contact.consent,
        "consent_not_sought_reason": contact.consent_not_sought_reason,
        "consent_override_reason": contact.consent_override_reason,
        "consent_lawful_basis": contact.consent_lawful_basis,
        "consent_condition": contact.consent_condition,
        "immediate_risk": contact.immediate_risk,
        "people": _people(contact, view=view, as_held=as_held),
        "screening": {
            "outcome": screening.outcome,
            "rag": screening.rag,
            "rationale": ("" if held else screening.rationale) if view.rationale else None,
            "screened_at": screening.screened_at,
            "exception_reason": ("" if held else screening.exception_reason) if view.rationale else None,
            "sensitivity": screening.sensitivity if view.rationale else None,
            "held": held,
        }
        if screening
        else None,
        "enquiry_id": enquiry.id if enquiry and view.enquiry else None,
        "decision_outcomes": decision.outcomes if decision else [],
        "domestic_abuse": {
            "police_reference": contact.police_reference,
            "incident_at": contact.incident_at,
            "dash_risk": contact.dash_risk,
            "marac_referral": contact.marac_referral,
            "notify_schools": contact.notify_schools,
        },
        "changes": [
            {
                "kind": c.kind,
                "field": c.field,
                "person_id": as_held.get(c.person_id, c.person_id),
                "previous": c.previous,
                "new": c.new,
                "reason": "" if held else c.reason,
                "changed_by": "" if held else str(c.changed_by),
                "agency": c.agency.name,
                "at": c.created_at,
                "contact_version": c.contact_version,
                "sensitivity": c.sensitivity,
                "reason_held": held,
            }
            for c, held in (
                (c, contact_change_reason_held(actor, c)) for c in selectors.contact_changes(actor=actor, contact=contact)
            )
        ],
        "notices": list(getattr(contact, "intake_notices", [])),
        "version": contact.version,
    }


def _notice_out(actor, n) -> dict:
    """A notice as access.fields.encompass_notice_shown renders it for this reader (field_table
    "encompass_notice"): nothing here decides which fields show."""
    shown = encompass_notice_shown(actor, n)
    return {k: shown[k] for k in EncompassNoticeOut.model_fields if k != "fields"} | {"fields": sorted(shown["fields"])}


@router.post(
    "/contacts",
    response={200: ContactOut, 201: ContactOut, 422: ProblemOut, 429: RateLimitedOut},
    summary="Record a contact (a concern)",
)
def contact_create(
    request,
    payload: ContactCreateIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Record a contact. Search before create, as the intake page: each child or household member is either
    `person_id` (the person it is, from POST /api/v1/intake/candidates or people search), or a new person. A new
    person is looked up among the people already known (one audited search under the per-user search rate limit,
    429 past it) unless it carries `match_decision: "new"` with the `candidates_reference` of the client's own
    lookup of the same details. Anyone who may be them (an identifier such as the NHS number after normalisation,
    or a close name / date of birth / postcode match) and is not answered refuses the contact with 422 on
    `subjects.N.match` / `household.N.match`, listing them in `candidates` (minimum details) with a reference:
    nothing is created and nobody is joined silently. A new person declared new whose identifier belongs to someone
    known goes to the MASH's review queue (`notices` say so, never who). 201 created; 200 the same
    Idempotency-Key's earlier contact."""
    data = payload.dict()
    data["subjects"] = [{**s, "identifiers": s.get("identifiers") or []} for s in data["subjects"]]
    try:
        contact, created = services.contact_create(
            actor=request.actor, data=data, idempotency_key=idempotency_key, search_before_create=True
        )
    except ValidationFailed as exc:
        exc.errors = consent_errors_with_codes(exc.errors or {})
        raise
    if created:
        # The creator's read-back of what they just recorded: covered by the 'create' audit event.
        return Status(201, contact_out(request.actor, selectors.contact_just_created(contact)))
    return Status(200, contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact.pk)))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="A contact and its outcome")
def contact_detail(request, contact_id: UUID):
    return contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id))


@router.post(
    "/contacts/{contact_id}/amendments",
    response={200: ContactOut, 422: ProblemOut, 429: RateLimitedOut},
    summary="Amend a contact before screening (recorder or hub); 409 on a stale version",
)
def contact_amend(request, contact_id: UUID, payload: ContactAmendIn):
    """Amend a contact before screening. A person added by details is first looked up among the people already
    known (one audited search each, 429 past the search rate limit; none for one sent with `match_decision: "new"`
    and its `candidates_reference`); anyone who may be them must be answered (`person_id`, or `match_decision`
    "new" with the reference, or `not_person_ids`), else 422 on `add_subjects.N.match` / `add_household.N.match`
    with `candidates` listing them."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.contact_amend(actor=request.actor, contact_id=contact_id, version=version, data=data)
    return contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id))


@router.post(
    "/contacts/{contact_id}/people/{person_id}/corrections",
    response=ContactOut,
    summary="Correct a person's details named in a contact (hub only, with a reason); 409 on a stale version",
)
def contact_person_correct(request, contact_id: UUID, person_id: UUID, payload: PersonCorrectionIn):
    data = payload.dict(exclude_unset=True)
    version, reason = data.pop("version"), data.pop("reason")
    sensitivity = data.pop("sensitivity", "standard")
    services.contact_person_correct(
        actor=request.actor,
        contact_id=contact_id,
        person_id=person_id,
        version=version,
        reason=reason,
        data=data,
        sensitivity=sensitivity,
    )
    return contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id))


@router.get(
    "/encompass-notices",
    response=EncompassPageOut,
    summary="Operation Encompass notices to my school (the hub: all), unread oldest first, paged",
)
def encompass_notices(request, q: Query[EncompassQuery]):
    page = selectors.encompass_notices(
        actor=request.actor, unread=q.unread, page=q.page, page_size=q.page_size, clamp=False
    )
    return page_out(page, [_notice_out(request.actor, n) for n in page])


@router.get("/encompass-notices/{notice_id}", response=EncompassNoticeOut, summary="One Operation Encompass notice")
def encompass_notice(request, notice_id: UUID):
    return _notice_out(request.actor, selectors.encompass_notice_open(actor=request.actor, notice_id=notice_id))


@router.post(
    "/encompass-notices/{notice_id}/acknowledgement",
    response={201: EncompassNoticeOut},
    summary="The school acknowledges an Operation Encompass notice (409 if already acknowledged)",
)
def encompass_notice_acknowledge(request, notice_id: UUID):
    """The school's designated safeguarding lead (a user of the school the notice was sent to) acknowledges it.
    201 with the notice (acknowledged_by, acknowledged_at in UTC); 403 for anyone else (the hub included); 404 for
    a notice to another school; 409 when already acknowledged."""
    services.encompass_notice_acknowledge(actor=request.actor, notice_id=notice_id)
    notice = selectors.encompass_notice_open(actor=request.actor, notice_id=notice_id)
    return Status(201, _notice_out(request.actor, notice))


@router.post("/contacts/{contact_id}/screening", response={201: ContactOut}, summary="Screen a contact")
def contact_screen(request, contact_id: UUID, payload: ScreeningIn):
    enquiry_services.screening_record(
        actor=request.actor,
        contact_id=contact_id,
        outcome=payload.outcome,
        rationale=payload.rationale,
        rag=payload.rag,
        holder_confirmed=payload.holder_confirmed,
        enquiry_id=payload.enquiry_id,
        exception_reason=payload.exception_reason,
        sensitivity=payload.sensitivity,
    )
    return Status(201, contact_out(request.actor, selectors.contact_get(actor=request.actor, contact_id=contact_id)))


@router.get(
    "/screening-queue",
    response=QueuePageOut,
    summary="Contacts awaiting screening: immediate risk first, then soonest due; paged, filtered",
)
def screening_queue(request, q: Query[WorkFilterQuery]):
    page = selectors.screening_queue(
        actor=request.actor, page=q.page, page_size=q.page_size, clamp=False, **q.filters()
    )
    contacts = list(page)
    kinds = related.related_work_counts(actor=request.actor, contacts=contacts)
    calendar = hub_calendar() if contacts else None
    items = [
        {
            "id": c.id,
            "reference": c.reference,
            "received_at": c.received_at,
            "screening_due_at": c.screening_due_at,
            "overdue": selectors.is_overdue(c.screening_due_at),
            "recording_agency": c.recording_agency.name,
            "immediate_risk": c.immediate_risk,
            "due_outside_hub_hours": due_outside_hub_hours(c.screening_due_at, calendar),
            "concern_codes": c.concern_codes,
            "subjects": _people(c, True),
            "assigned_to": holder_out(c),
            "related_work": kinds.get(c.pk, []),
        }
        for c in contacts
    ]
    return page_out(page, items)


@router.get(
    "/contacts/{contact_id}/related-work",
    response=list[RelatedWorkOut],
    summary="Work already in hand for a contact's children (the hub only): open enquiries, open cases, other contacts",
)
def contact_related_work(request, contact_id: UUID):
    """The hub's screeners and managers only (403 otherwise); 404 for a contact that does not exist. The contact
    read is audited as a view."""
    from openmash.access.policy import require

    require(request.actor, "related.view")
    contact = selectors.contact_get(actor=request.actor, contact_id=contact_id)
    return [
        {
            "kind": i.kind,
            "label": i.label,
            "child_ids": i.child_ids,
            "contact_id": i.contact_id,
            "reference": i.reference,
            "agency": i.agency_name,
            "received_at": i.received_at,
            "enquiry_id": i.enquiry_id,
            "concerns": i.concerns,
            "since": i.since,
            "worker_name": i.worker_name,
        }
        for i in related.related_work(actor=request.actor, contact=contact)
    ]


@router.post(
    "/contacts/{contact_id}/assignment",
    response=AssignmentOut,
    summary="Take a contact awaiting screening, or (a manager) assign it to a hub member",
)
def contact_assignment(request, contact_id: UUID, payload: AssignmentIn):
    return assignment_change(request, kind="contact", pk=contact_id, payload=payload)
