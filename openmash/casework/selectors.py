"""Reads for casework: case notes, strategy discussions and the MASH pack. Each starts from an
`access.policy.*_visible(actor)` queryset and audits the read in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch

from openmash.access.fields import (
    answer_shown,
    contact_view,
    field_access,
    pack_domestic_abuse,
    pack_person_details,
    pack_person_named,
)
from openmash.access.policy import (
    allocations_closable,
    can,
    contact_get_for,
    contacts_visible,
    mash_packs_to_allocate,
    mash_packs_visible,
    people_in_clusters,
    people_visible_ids,
    require,
)
from openmash.access.sharing import (
    case_note_held,
    items_shown,
    outcome_texts_mark,
    routed_return_reason_held,
    sealed_roles,
    strategy_discussion_held,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.casework.models import CaseNote, StrategyDiscussion
from openmash.contacts.models import Contact, ContactPerson
from openmash.core.exceptions import PermissionDenied
from openmash.enquiries.choices import RequestStatus
from openmash.enquiries.models import AgencyRequest, CaseAllocation
from openmash.enquiries.selectors import answer_counts
from openmash.people.names import names_resolve
from openmash.sharing.selectors import items_for_requests


def _notes_qs():
    return CaseNote.objects.select_related("author", "agency", "corrects", "corrects__author").prefetch_related(
        Prefetch("corrections", queryset=CaseNote.objects.select_related("author").order_by("created_at"))
    )


def _discussions_qs():
    return StrategyDiscussion.objects.select_related("recorded_by").prefetch_related(
        "attendees__agency", "actions__owner_agency"
    )


def notes_marked(actor, notes) -> list[CaseNote]:
    """`notes` with ``held`` set on each (access.sharing.case_note_held: its text and author are held from the
    actor by its sensitivity), for the pages and the API, which show a held note as held and nothing of its text."""
    notes = list(notes)
    roles = sealed_roles() if notes else None
    for n in notes:
        n.held = case_note_held(actor, n, roles=roles)
    return notes


def discussions_marked(actor, discussions) -> list[StrategyDiscussion]:
    """`discussions` with ``held`` set on each (access.sharing.strategy_discussion_held: its rationale, absent
    agencies' reason, attendees, actions and recorder are held from the actor by its sensitivity), for the pages and
    the API, which show a held discussion's times and section 47 decision only."""
    discussions = list(discussions)
    roles = sealed_roles() if discussions else None
    for d in discussions:
        d.held = strategy_discussion_held(actor, d, roles=roles)
    return discussions


@transaction.atomic
def case_notes_for_contact(*, actor, contact_id) -> list[CaseNote]:
    """The hub's case notes on a contact, newest event first, each with the notes that correct it and ``held``
    (notes_marked). Audited: a "list" event per note (reason "case notes"), held ones included (listed, as held)."""
    require(actor, "casenote.view")
    contact = contact_get_for(actor, contact_id)
    notes = notes_marked(actor, _notes_qs().filter(contact=contact))
    audit_record_many(actor=actor, action="list", objects=notes, reason="case notes")
    return notes


def case_notes_for_subject_access(*, actor, contact_ids) -> list[dict]:
    """The hub's case notes on these contacts, for the privacy officer's subject access export
    (oversight.selectors.subject_access_export, which checks the permission and audits the export): one dict per
    note, oldest event first, with the contact's reference, the note's type, when the event happened and when the
    note was written (ISO 8601, Europe/London), the author's agency, the sensitivity, `held` and the text. The
    redaction is the case notes' own (access.sharing.case_note_held, basis "subject_access": standard and sensitive
    whole, as the export's messages are; a sealed note held, with empty `text`, unless the officer's role is a sealed
    role), as on the contact page, the MASH pack and both APIs. The author's name is left out (third-party data, as
    the export's messages and access history leave staff names out); `corrects` is the id of the note a correction
    corrects, or None."""
    from django.utils import timezone

    qs = (
        CaseNote.objects.filter(contact_id__in=list(contact_ids))
        .select_related("agency", "contact")
        .order_by("occurred_at", "created_at", "id")
    )
    roles = sealed_roles()
    out = []
    for n in qs:
        held = case_note_held(actor, n, roles=roles, basis="subject_access")
        out.append(
            {
                "id": str(n.pk),
                "contact": n.contact.reference,
                "note_type": n.note_type,
                "occurred_at": timezone.localtime(n.occurred_at).isoformat(timespec="seconds"),
                "recorded_at": timezone.localtime(n.created_at).isoformat(timespec="seconds"),
                "agency": n.agency.name,
                "sensitivity": n.sensitivity,
                "shown": "held" if held else "full",
                "held": held,
                "text": "" if held else n.text,
                "corrects": str(n.corrects_id) if n.corrects_id else None,
            }
        )
    return out


@transaction.atomic
def strategy_discussions_for_contact(*, actor, contact_id) -> list[StrategyDiscussion]:
    """The strategy discussions recorded on a contact, latest first, with attendees and actions and ``held``
    (discussions_marked). Audited: a "list" event per discussion, held ones included."""
    require(actor, "casenote.view")
    contact = contact_get_for(actor, contact_id)
    discussions = discussions_marked(actor, _discussions_qs().filter(contact=contact))
    audit_record_many(actor=actor, action="list", objects=discussions, reason="strategy discussions")
    return discussions


@dataclass
class PackPage:
    """One page of MASH packs and the true total, for GOV.UK pagination."""

    packs: list
    total: int
    offset: int
    limit: int

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    # the names openmash.web.paging.pagination reads (as on openmash.core.pagination.Page)
    num_pages = pages

    @property
    def count(self) -> int:
        return self.total

    @property
    def page_size(self) -> int:
        return self.limit


# The managers' packs waiting for a worker are a work queue (immediate risk, then the longest waiting); the packs
# handed to a worker are their record of what arrived (newest first). Ties by id so paging visits each pack once.
PACK_QUEUE_ORDER = ("-immediate_risk", "received_at", "pk")
PACK_LIST_ORDER = ("-received_at", "-pk")


@transaction.atomic
def mash_pack_page(*, actor, offset: int = 0, limit: int = 25, to_allocate: bool = False) -> PackPage:
    """The MASH packs the actor may open (see `mash_packs_visible`), newest first, with their subject children:
    the slice [offset, offset + limit) and the true total. to_allocate=True: only the packs whose children wait
    for a worker (`mash_packs_to_allocate`: the MASH managers' list; PermissionDenied for anyone else), a work
    queue: immediate risk first, then oldest first, so the child waiting longest for a worker leads (issue 5
    "Queues and lists": the list was found newest first). Audited: one list event per pack shown. PermissionDenied for anyone who never receives packs."""
    if not (can(actor, "pack.view") or can(actor, "enquiry.view")):
        raise PermissionDenied("You do not have permission to do that.")
    if to_allocate:
        require(actor, "allocation.assign")
    qs = mash_packs_to_allocate(actor) if to_allocate else mash_packs_visible(actor)
    offset, limit = max(0, int(offset)), max(1, min(int(limit), 100))
    packs = list(
        qs.select_related("recording_agency")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=ContactPerson.objects.filter(role="subject").select_related("person"),
                to_attr="subject_links",
            )
        )
        .order_by(*PACK_QUEUE_ORDER if to_allocate else PACK_LIST_ORDER)[offset : offset + limit]
    )
    total = len(packs) if offset == 0 and len(packs) < limit else qs.count()
    _mark_allocated_since(actor, packs)
    audit_record_many(
        actor=actor, action="list", objects=packs, reason="mash packs to allocate" if to_allocate else "mash packs"
    )
    return PackPage(packs=packs, total=total, offset=offset, limit=limit)


def _mark_allocated_since(actor, packs: list[Contact]) -> None:
    """Sets `allocated_since` on each pack (aware UTC, or None): since when the earliest of its subject children
    has been allocated to the actor by an open allocation (over the child's cluster, ADR 0005). One query."""
    from django.db.models.functions import Coalesce

    since: dict = {}
    rows = CaseAllocation.objects.filter(worker=actor.user, closed_at__isnull=True).annotate(
        root=Coalesce("person__merged_into_id", "person_id")
    )
    for root, allocated_at, opened_at in rows.values_list("root", "allocated_at", "opened_at"):
        when = allocated_at or opened_at
        since[root] = min(when, since.get(root, when))
    for c in packs:
        times = [since[r] for r in (cp.person.merged_into_id or cp.person_id for cp in c.subject_links) if r in since]
        c.allocated_since = min(times) if times else None


def packs_to_allocate_count(*, actor) -> int:
    """How many MASH packs wait for a social worker (0 for anyone who does not allocate). A count, no personal
    data: not audited (the list behind it is)."""
    if not can(actor, "allocation.assign"):
        return 0
    return mash_packs_to_allocate(actor).count()


def pack_rows(actor, packs) -> list[dict]:
    """The rows of a MASH packs table (the packs list and the allocated worker's home page) for packs read through
    mash_pack_page: {"contact": the Contact, "subjects": each subject child as access.fields.pack_person_named
    gives them to this reader (field_table "contact_person")}. No query."""
    return [
        {"contact": c, "subjects": [pack_person_named(actor, cp, pack_allowed=True) for cp in c.subject_links]}
        for c in packs
    ]


def mash_pack_list(*, actor, limit: int = 100) -> list[Contact]:
    """The first `limit` MASH packs (see mash_pack_page). Audited."""
    return mash_pack_page(actor=actor, limit=limit).packs


@dataclass
class MashPack:
    """Everything handed over about one contact. Each of `requests` holds the agency's items as the reader may
    see them (access.sharing.item_shown); `responses_withheld` counts the items the reader is told are held in the
    hub and not released (the secure room: nothing leaves the hub without the owning agency's release)."""

    contact: Contact
    hub: bool
    subjects: list = field(default_factory=list)
    others: list = field(default_factory=list)
    screening: object = None
    enquiry: object = None
    decision: object = None
    requests: list = field(default_factory=list)
    responses_withheld: int = 0
    notes: list = field(default_factory=list)
    discussions: list = field(default_factory=list)
    allocations: list = field(default_factory=list)
    closable_ids: set = field(default_factory=set)
    referrer_hidden: bool = False
    answer_counts: dict = field(default_factory=dict)
    # per person (ContactPerson pk): access.fields.pack_person_details (name, date of birth, addresses, postcode,
    # school, GP: field_access's "contact_person" and "person" answers)
    person_details: dict = field(default_factory=dict)
    # each subject child's own outcome codes and threshold level (enquiries.DecisionChild), in the subjects' order
    decision_children: list = field(default_factory=list)
    domestic_abuse: dict | None = None
    # the parts of the enquiry handed over to this reader (access.fields.field_access, field_table "enquiry")
    enquiry_fields: frozenset = frozenset()


@transaction.atomic
def mash_pack_get(*, actor, contact_id) -> MashPack:
    """One MASH pack: the contact and its people, the screening, the enquiry with every agency's answer, the
    decision's rationale and next steps, case notes and strategy discussions, and the children's open
    allocations. NotFound unless the pack is visible to the actor now (an allocation that has closed ends it).
    Every view is audited (action "view", reason "mash pack")."""
    qs = mash_packs_visible(actor).select_related(
        "recording_agency",
        "screening",
        "screening__screened_by",
        "enquiry",
        "enquiry__decision",
        "enquiry__decision__decided_by",
    )
    contact = contact_get_for(actor, contact_id, qs=qs)
    people = list(
        contact.people.select_related("person", "school", "gp")
        .prefetch_related("person__addresses", "person__identifiers")
        .order_by("role", "person__surname")
    )
    names_resolve(cp.person for cp in people)  # the person page's resolved names, one query (issue 6, finding 2)
    enquiry = getattr(contact, "enquiry", None)
    # which parts of the enquiry this reader is handed (access.fields.field_access, field_table "enquiry")
    enquiry_fields = (
        field_access(actor, enquiry, record_type="enquiry", pack_allowed=True).fields if enquiry else frozenset()
    )
    requests = []
    withheld = 0
    if enquiry is not None and "agency_answers" in enquiry_fields:
        reqs = list(
            AgencyRequest.objects.filter(enquiry=enquiry).select_related("agency", "response").order_by("agency__name")
        )
        # The secure room (issue 7): each agency's items as this reader may see them (access.sharing.item_shown):
        # outside the hub only the items the agency released; the answer's own indicators and dates stay in the hub.
        by_request = items_for_requests(reqs)
        roles = sealed_roles() if any(by_request.values()) else None  # one settings read for the pack
        for r in reqs:
            response = getattr(r, "response", None) if r.status == RequestStatus.RESPONDED else None
            # what of the answer itself this reader sees (access.fields.field_access "agency_answer": the
            # indicators and dates are the hub's; the reader got here through the pack)
            answer = field_access(actor, r, record_type="agency_answer", pack_allowed=True)
            shown = items_shown(actor, by_request[r.pk], pack_allowed=True, roles=roles) if "items" in answer else []
            held = sum(1 for i in shown if i["shown"] in ("not_released", "held"))
            withheld += held
            requests.append(
                {
                    "r": r,
                    "response": answer_shown(answer, response),  # the answer as this reader may see it
                    "items": shown,
                    "fields": answer.fields,
                    "details": "risk_indicators" in answer,  # risk indicators and relevant dates: the hub's
                    "withheld": held > 0,
                    "withheld_count": held,
                    "late": response is not None and response.late,  # answered after the decision (ADR 0003)
                }
            )
    subject_ids = [cp.person_id for cp in people if cp.role == "subject"]
    decision = getattr(enquiry, "decision", None) if "decision" in enquiry_fields else None
    per_child = {c.person_id: c for c in decision.children.all()} if decision is not None else {}
    decision_children = [
        {
            "person_id": cp.person_id,
            "name": cp.person.full_name,
            "outcomes": list(per_child[cp.person_id].outcomes),
            "threshold_level": per_child[cp.person_id].threshold_level,
        }
        for cp in people
        if cp.role == "subject" and cp.person_id in per_child
    ]
    late = sum(1 for item in requests if item["late"])
    # over each child's cluster (ADR 0005): an allocation of anyone merged with a child is the child's
    allocations = list(
        CaseAllocation.objects.filter(
            person_id__in=people_in_clusters(subject_ids), closed_at__isnull=True
        ).select_related("person", "worker", "agency")
    )
    pack = MashPack(
        contact=contact,
        hub=actor.is_hub,
        subjects=[cp for cp in people if cp.role == "subject"],
        others=[cp for cp in people if cp.role != "subject"],
        screening=getattr(contact, "screening", None),
        enquiry=enquiry,
        decision=decision,
        enquiry_fields=enquiry_fields,
        requests=requests,
        responses_withheld=withheld,
        notes=notes_marked(actor, _notes_qs().filter(contact=contact)),
        discussions=discussions_marked(actor, _discussions_qs().filter(contact=contact)),
        allocations=allocations,
        closable_ids=set(
            allocations_closable(actor).filter(pk__in=[a.pk for a in allocations]).values_list("pk", flat=True)
        ),
        referrer_hidden=not contact_view(actor, contact).referrer_identity,
        answer_counts=answer_counts((item["r"].status for item in requests), late=late),
        person_details=_pack_people_details(actor, people),
        decision_children=decision_children,
        domestic_abuse=pack_domestic_abuse(actor, contact),
    )
    # the screening's and decision's texts as this reader may read them (access.sharing.outcome_texts_mark): the
    # page and the API read `held`
    outcome_texts_mark(actor, screening=pack.screening, decision=pack.decision)
    for cp in people:  # for the templates: the same answer the API gives
        cp.pack_details = pack.person_details[cp.pk]
    audit_record(actor=actor, action="view", obj=contact, reason="mash pack", detail={"withheld": withheld})
    return pack


def contact_for_casework(*, actor, contact_id) -> Contact:
    """The contact a hub user is writing a note or strategy discussion on (for the form's heading). Audited."""
    contact = contact_get_for(
        actor, contact_id, qs=contacts_visible(actor).select_related("screening", "enquiry", "enquiry__decision")
    )
    audit_record(actor=actor, action="view", obj=contact, reason="casework form")
    return contact


def agencies_for_strategy() -> list:
    """Active agencies, for the attendee and action-owner lists (configuration, not personal data)."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.filter(active=True).order_by("name"))


def routed_contact_receipt(*, contact):
    """The acknowledgement by the worker `contact` is routed to (a RoutedContactReceipt), or None when it is not
    routed or not yet acknowledged. For a caller that has already opened the contact (no personal data read)."""
    from openmash.casework.models import RoutedContactReceipt

    if contact.routed_to_id is None:
        return None
    return RoutedContactReceipt.objects.filter(contact=contact, worker_id=contact.routed_to_id).first()


def routed_contact_state(*, actor, contact) -> dict:
    """What the contact page says about a contact's hand-over to the allocated worker (ADR 0008), for an actor who
    opened it (contacts_visible): `receipt` (the worker's acknowledgement or None), `can_acknowledge` (the actor is
    the worker it was passed to, it is still with them and not yet acknowledged) and `returns` (for the hub only:
    the times it came back to the screening queue from a worker whose allocation closed, newest first)."""
    from openmash.access.policy import routed_contacts_to_acknowledge
    from openmash.casework.models import RoutedContactReturn

    receipt = routed_contact_receipt(contact=contact)
    can_ack = (
        receipt is None
        and can(actor, "contact.acknowledge")
        and contact.routed_to_id == actor.user.pk
        and routed_contacts_to_acknowledge(actor).filter(pk=contact.pk).exists()
    )
    returns = list(RoutedContactReturn.objects.filter(contact=contact).select_related("worker")) if actor.is_hub else []
    roles = sealed_roles() if returns else None
    for r in returns:  # the reason as the reader may read it (access.sharing.routed_return_reason_held)
        r.held = routed_return_reason_held(actor, r, roles=roles)
    return {"receipt": receipt, "can_acknowledge": can_ack, "returns": returns}


def acknowledged_contact_ids(*, actor, contact_ids) -> set:
    """Which of these contacts (already listed to the actor, so no new audit) the actor has acknowledged as the
    allocated worker (RoutedContactReceipt): one query. In: contact ids. Out: a set of ids."""
    from openmash.casework.models import RoutedContactReceipt

    ids = [i for i in contact_ids if i]
    if not ids or actor is None:
        return set()
    return set(
        RoutedContactReceipt.objects.filter(worker=actor.user, contact_id__in=ids).values_list("contact_id", flat=True)
    )


def _pack_people_details(actor, people) -> dict:
    """{ContactPerson pk: access.fields.pack_person_details} for the people of a pack, with whether the actor may open
    each person's record read in one query (none for the hub)."""
    visible = people_visible_ids(actor, [cp.person_id for cp in people])
    return {cp.pk: pack_person_details(actor, cp, visible=cp.person_id in visible, pack_allowed=True) for cp in people}
