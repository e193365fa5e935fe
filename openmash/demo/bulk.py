"""Bulk synthetic front-door history for the benchmark: contacts with their screenings, enquiries, agency requests
and responses, decisions, referrals, chronology, notifications and audit rows, in realistic proportions and with
every index the product uses. Rows are written directly (see fastinsert.py); the demo seed, not this, is the place
where data is made through the services.

The audit table is filled as live use fills it: every page that shows personal data writes one event per item shown
(a list page one "list" event per row, a record page one "view" event), so besides the writes (contact, screening,
enquiry, agency request and answer, decision, referral, allocation) each item gets the reads a hub's working day
gives it: see READS below. That comes to about 40 events per contact: about 2 million rows at 50,000 contacts.
Events are written in time order (contacts are generated oldest first and the events held back until no later
contact can come before them), so the trail's ids rise with time as they do in live use. The events go through the
audit module's bulk writer (openmash.audit.services.audit_bulk_write: ids, MACs), like every audit row.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import itemgetter

from openmash.audit.services import audit_bulk_write
from openmash.contacts.models import Contact, ContactPerson
from openmash.demo.content import CONCERN_SENTENCES, CONCERNS_BY_AGENCY, DECISION_RATIONALE, DECISIONS
from openmash.demo.fastinsert import insert_rows
from openmash.demo.population import HouseholdSummary, Population
from openmash.enquiries.models import (
    AgencyRequest,
    AgencyResponse,
    CaseAllocation,
    Decision,
    Enquiry,
    Notification,
    RagChange,
    Referral,
    Screening,
)
from openmash.partnership.working_time import WorkingCalendar
from openmash.people.models import ChronologyEntry

_REF_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXY346789"
_HOURS = {"red": 4, "amber": 24, "green": 72}
# Share of contacts in each state (the rest are decided). Awaiting screening and open enquiries are recent.
_SHARES = {"awaiting": 0.003, "open": 0.008, "routed": 0.04, "strategy": 0.05, "closed": 0.55}
_MINIMUM = {"awaiting": 5, "open": 5, "routed": 1, "strategy": 1, "closed": 1}

# Reads per item in live use (mean events; each draw varies from half to one and a half times the mean). Source:
# how the pages audit (openmash/audit: one event per item shown) and a hub's day (five screeners reloading the queue
# while a contact waits, the manager and screener opening an enquiry several times before the decision, each agency
# opening its inbox and the request, the allocated worker opening the pack from the home page while the case is open).
READS = {
    "contact": [("list", "screening queue", 8), ("view", "", 3)],  # the queue while it waits; the contact page
    "recorder": [("list", "my contacts", 3)],  # the referrer's home page
    "subject": [("search_result", "", 1), ("view", "", 1), ("view", "chronology", 1)],  # per subject child
    "enquiry": [("list", "enquiry list", 8), ("view", "", 6)],
    "request": [("list", "agency inbox", 4), ("view", "", 2)],  # the agency's researcher
    "pack": [("list", "mash packs", 10), ("view", "mash pack", 4)],  # the allocated worker, per contact
    "allocated": [("view", "", 2)],  # the allocated worker opens the child's full record
    "routed": [("list", "routed to me", 3), ("view", "", 2)],  # a contact passed to the allocated worker
}
CASELOAD = 18  # open allocations of the measured social worker (a typical children's social worker's caseload)
SOCIAL_WORKERS = 100  # the assessment service's workers who share the rest of the allocations
HUB_SCREENERS, HUB_MANAGERS = 5, 2


@dataclass
class BenchCast:
    """The users and agencies the bulk rows refer to (ids only)."""

    hub_agency_id: object
    csc_agency_id: object
    screener_id: int
    manager_id: int
    social_worker_id: int  # the measured social worker (their caseload is CASELOAD children)
    referrers: list[tuple[int, object, str, str]]  # user id, agency id, agency code, source code; the police first
    researchers: dict[str, tuple[int, object]]  # agency code -> (user id, agency id)
    # who else acts, for the audit trail: user id -> (username, agency code, role)
    actors: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    screener_ids: list[int] = field(default_factory=list)  # the hub's screeners (the measured one among them)
    manager_ids: list[int] = field(default_factory=list)
    social_worker_ids: list[int] = field(default_factory=list)  # the others in the assessment service
    measured_caseload: int = 0  # children allocated to the measured worker so far (across seeding stages)


@dataclass
class BulkResult:
    contacts: int = 0
    rows: int = 0
    audit_events: int = 0
    open_enquiry_ids: list = field(default_factory=list)
    worker_pack_ids: list = field(default_factory=list)  # contacts whose pack the measured social worker holds
    routed_to_measured: int = 0  # contacts passed to the measured social worker (their child is allocated to them)
    subject_contacts: dict = field(default_factory=dict)  # person id -> number of contacts naming them as subject


def _reference(n: int) -> str:
    chars = []
    for _ in range(8):
        n, r = divmod(n, len(_REF_ALPHABET))
        chars.append(_REF_ALPHABET[r])
    return "C-" + "".join(reversed(chars))


_CONTACT, _PERSON = Contact._meta.label_lower, "people.person"
_ENQUIRY, _REQUEST = Enquiry._meta.label_lower, AgencyRequest._meta.label_lower
# Each held audit event is a tuple of openmash.audit.services.BULK_FIELDS (the id comes from the table's own
# sequence, as in live use)


class FrontDoorHistory:
    def __init__(
        self,
        *,
        rng: random.Random,
        cast: BenchCast,
        population: Population,
        calendar: WorkingCalendar,
        now: dt.datetime,
        months: int = 18,
        offset: int = 0,
    ) -> None:
        self.rng, self.cast, self.population, self.cal, self.now = rng, cast, population, calendar, now
        self.start = now - dt.timedelta(days=round(months * 30.44))
        self.offset = offset
        self.rows: dict[type, list[dict]] = {}
        self.audit: list[tuple] = []  # events not yet written (held back until no later contact can precede them)
        self.households = [h for h in population.households if any(c.date_of_birth for c in h.children)]
        self.hub = (cast.screener_ids or [cast.screener_id]) + (cast.manager_ids or [cast.manager_id])
        self.result = BulkResult()

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type, **row) -> dict:
        row.setdefault("id", self.new_id())
        self.rows.setdefault(model, []).append(row)
        return row

    def fwd(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        return self.cal.add_working_minutes(moment, round(minutes))

    # --- the audit trail -------------------------------------------------------------------------------------------

    def _audit(self, when, user_id, action, object_type, object_id, reason: str = "", detail: dict | None = None):
        username, agency, role = self.cast.actors.get(user_id, ("bench", "", ""))
        rid = f"{self.rng.getrandbits(128):032x}"
        self.audit.append(
            (when, user_id, username, agency, role, action, object_type, str(object_id), reason, rid, "", detail or {})
        )

    def _reads(self, kind: str, start: dt.datetime, end: dt.datetime, users, object_type: str, object_id) -> None:
        """The read events one item gets in live use (READS[kind]), by the given users, between start and end."""
        rng = self.rng
        end = min(max(end, start), self.now)
        span = end - start
        for action, reason, mean in READS[kind]:
            for _ in range(int(mean * (0.5 + rng.random()) + 0.5)):
                user = users if isinstance(users, int) else rng.choice(users)
                self._audit(start + span * rng.random(), user, action, object_type, object_id, reason)

    # --- one contact ------------------------------------------------------------------------------------------

    def states(self, contacts: int) -> list[str]:
        counts = {k: max(_MINIMUM[k], round(contacts * share)) for k, share in _SHARES.items()}
        counts["decided"] = max(1, contacts - sum(counts.values()))
        states = [k for k, n in counts.items() for _ in range(n)][:contacts]
        self.rng.shuffle(states)
        return states

    def received_for(self, state: str) -> dt.datetime:
        if state == "awaiting":
            return self.now - dt.timedelta(minutes=self.rng.randint(5, 3 * 24 * 60))
        if state == "open":
            return self.now - dt.timedelta(minutes=self.rng.randint(60, 5 * 24 * 60))
        latest = self.now - dt.timedelta(days=20)
        return self.start + (latest - self.start) * self.rng.random()

    def contact(self, n: int, state: str, received: dt.datetime) -> None:
        rng, cast = self.rng, self.cast
        user_id, agency_id, code, source = rng.choice(cast.referrers)
        if state == "awaiting_police":
            state, (user_id, agency_id, code, source) = "awaiting", cast.referrers[0]
        household = rng.choice(self.households)
        subjects = [c for c in household.children if c.date_of_birth][: rng.choice([1, 1, 2])]
        concerns = rng.sample(CONCERNS_BY_AGENCY[code], k=min(2, len(CONCERNS_BY_AGENCY[code])))
        status = {
            "awaiting": "awaiting_screening",
            "open": "in_enquiry",
            "routed": "with_allocated_worker",
            "strategy": "strategy",
            "closed": "closed",
        }.get(state, "decided")
        routed_to = None
        if state == "routed":  # the measured worker has contacts passed to them on every seeding stage
            routed_to = rng.choice(cast.social_worker_ids + [cast.social_worker_id])
            if not self.result.routed_to_measured:
                routed_to = cast.social_worker_id
            self.result.routed_to_measured += routed_to == cast.social_worker_id
        contact = self.add(
            Contact,
            reference=_reference(self.offset + n),
            received_at=received,
            recorded_by_id=user_id,
            recording_agency_id=agency_id,
            source_code=source,
            referrer_name="Synthetic Referrer",
            narrative=" ".join(CONCERN_SENTENCES.get(c, "Concern raised.") for c in concerns),
            concern_codes=concerns,
            family_aware="no",
            consent="not_sought",
            consent_not_sought_reason="unsafe",
            consent_lawful_basis="public_task",
            consent_condition="sch1_para18",
            status=status,
            screening_due_at=self.fwd(received, 8 * 60),
            routed_to_id=routed_to,
            created_at=received,
            updated_at=received,
        )
        for child in subjects:
            self.result.subject_contacts[child.id] = self.result.subject_contacts.get(child.id, 0) + 1
        self._people(contact, household, subjects)
        self._chronology(subjects, received, "contact", "Contact received", "contacts.contact", contact["id"])
        self._audit(received, user_id, "create", _CONTACT, contact["id"], detail={"subjects": len(subjects)})
        self._reads("recorder", received, received + dt.timedelta(days=30), user_id, _CONTACT, contact["id"])
        if state == "routed":
            self._audit(received, user_id, "route", _CONTACT, contact["id"], detail={"to": "allocated_worker"})
            self._reads("routed", received, received + dt.timedelta(days=10), routed_to, _CONTACT, contact["id"])
            return
        screened = self._screening(contact, subjects, state) if state != "awaiting" else None
        end = screened or self.now
        self._reads("contact", received, end, self.hub, _CONTACT, contact["id"])
        for child in subjects:  # the screener's search for the child, then the record and its chronology
            self._audit(received + (end - received) * rng.random(), rng.choice(self.hub), "search", _PERSON, "")
            self._reads("subject", received, end, self.hub, _PERSON, child.id)

    def _people(self, contact: dict, household: HouseholdSummary, subjects) -> None:
        for child in subjects:
            self.add(ContactPerson, contact_id=contact["id"], person_id=child.id, role="subject")
        for adult in household.adults[:1]:
            self.add(ContactPerson, contact_id=contact["id"], person_id=adult.id, role="parent_carer")

    def _chronology(self, subjects, when, kind, summary, object_type, object_id) -> None:
        for child in subjects:
            self.add(
                ChronologyEntry,
                person_id=child.id,
                occurred_at=when,
                kind=kind,
                agency_id=self.cast.hub_agency_id,
                summary=summary,
                object_type=object_type,
                object_id=str(object_id),
                created_at=when,
            )

    def _screening(self, contact: dict, subjects, state: str) -> dt.datetime:
        rng = self.rng
        received = contact["received_at"]
        screened = min(self.fwd(received, rng.randint(15, 420)), self.now - dt.timedelta(minutes=1))
        outcome = {"open": "mash_enquiry", "decided": "mash_enquiry", "strategy": "strategy"}.get(
            state, rng.choice(["nfa_advice", "early_help"])
        )
        rag = rng.choice(["red", "amber", "amber", "green"]) if outcome == "mash_enquiry" else ""
        screener = rng.choice(self.cast.screener_ids or [self.cast.screener_id])
        screening = self.add(
            Screening,
            contact_id=contact["id"],
            screened_by_id=screener,
            screened_at=screened,
            outcome=outcome,
            rag=rag,
            rationale="Synthetic screening rationale.",
            created_at=screened,
        )
        self._chronology(subjects, screened, "screening", "Screened", "enquiries.screening", screening["id"])
        self._audit(screened, screener, "screen", _CONTACT, contact["id"], detail={"outcome": outcome, "rag": rag})
        if outcome == "strategy":
            self._referrals(contact, subjects, screened, "strategy_s47")
        if rag:
            self._enquiry(contact, subjects, screened, rag, decided=state == "decided", screener=screener)
        if state != "open":
            self.add(
                Notification,
                user_id=contact["recorded_by_id"],
                contact_id=contact["id"],
                message=f"Contact {contact['reference']} has an outcome.",
                created_at=screened,
            )
        return screened

    def _enquiry(self, contact: dict, subjects, opened: dt.datetime, rag: str, *, decided: bool, screener) -> None:
        due = self.fwd(opened, _HOURS[rag] * 60)
        enquiry = self.add(
            Enquiry,
            contact_id=contact["id"],
            status="decided" if decided else "open",
            rag=rag,
            rag_set_at=opened,
            due_at=due,
            opened_at=opened,
            opened_by_id=self.cast.screener_id,
            created_at=opened,
        )
        self._audit(opened, screener, "create", _ENQUIRY, enquiry["id"], detail={"rag": rag})
        if not decided:
            self.result.open_enquiry_ids.append(enquiry["id"])
        self.add(
            RagChange,
            enquiry_id=enquiry["id"],
            to_rag=rag,
            changed_by_id=self.cast.screener_id,
            changed_at=opened,
            due_at=due,
            reason="Initial rating",
        )
        last = self._requests(enquiry, subjects, opened, due, decided=decided, screener=screener)
        decided_at = min(self.fwd(last, 120), self.now) if decided else None
        self._reads("enquiry", opened, decided_at or self.now, self.hub, _ENQUIRY, enquiry["id"])
        if decided:
            self._decision(contact, enquiry, subjects, decided_at)

    def _requests(self, enquiry: dict, subjects, opened, due, *, decided: bool, screener) -> dt.datetime:
        rng = self.rng
        codes = ["police", "health-gp", rng.choice(["school-oak", "school-ash", "health-hv"])]
        if rng.random() < 0.4:
            codes.append(rng.choice(["probation", "housing", "asc", "da-service", "health-acute", "yjs"]))
        last = opened
        requested = min(self.fwd(opened, 10), self.now - dt.timedelta(seconds=30))
        for i, code in enumerate(codes):
            user_id, agency_id = self.cast.researchers[code]
            answered = decided or i < len(codes) // 2
            request = self.add(
                AgencyRequest,
                enquiry_id=enquiry["id"],
                agency_id=agency_id,
                requested_by_id=self.cast.screener_id,
                requested_at=requested,
                due_at=due,
                question="What do you know?",
                status="responded" if answered else "open",
                created_at=requested,
            )
            self._audit(requested, screener, "create", _REQUEST, request["id"], detail={"agency": code})
            responded = None
            if answered:
                responded = min(requested + (due - requested) * rng.uniform(0.2, 1.1), self.now)
                last = max(last, responded)
                response = self.add(
                    AgencyResponse,
                    request_id=request["id"],
                    responded_by_id=user_id,
                    responded_at=responded,
                    no_information=rng.random() < 0.3,
                    summary="Synthetic agency summary.",
                    risk_indicators=[],
                    created_at=responded,
                )
                self._audit(responded, user_id, "create", AgencyResponse._meta.label_lower, response["id"])
                self._chronology(
                    subjects,
                    responded,
                    "agency_response",
                    "Information shared",
                    "enquiries.agencyresponse",
                    response["id"],
                )
            self._reads("request", requested, responded or self.now, user_id, _REQUEST, request["id"])
        return last

    def _decision(self, contact: dict, enquiry: dict, subjects, decided: dt.datetime) -> None:
        outcomes, level, _ = self.rng.choices(DECISIONS, weights=[d[2] for d in DECISIONS])[0]
        manager = self.rng.choice(self.cast.manager_ids or [self.cast.manager_id])
        decision = self.add(
            Decision,
            enquiry_id=enquiry["id"],
            decided_by_id=self.cast.manager_id,
            decided_at=decided,
            outcomes=list(outcomes),
            threshold_level=level,
            rationale=DECISION_RATIONALE[level],
            created_at=decided,
        )
        self._chronology(subjects, decided, "decision", "Decision", "enquiries.decision", decision["id"])
        self._audit(decided, manager, "decide", _ENQUIRY, enquiry["id"], detail={"outcomes": list(outcomes)})
        if level >= 3:
            self._referrals(contact, subjects, decided, outcomes[0])

    def _allocation(self, when: dt.datetime, children: int) -> tuple[int | None, dt.datetime | None]:
        """Who takes the children on and when that ends: a recent referral may still wait in the assessment
        team's duty tray (no worker); the measured worker holds CASELOAD children (open, some for months, as
        child in need and child protection cases are); the rest share the service's other workers and close
        after an assessment (45 days)."""
        cast, rng = self.cast, self.rng
        if when > self.now - dt.timedelta(days=5) and rng.random() < 0.5:
            return None, None
        if cast.measured_caseload == 0 or (cast.measured_caseload < CASELOAD and rng.random() < 0.25):
            cast.measured_caseload += children
            return cast.social_worker_id, None
        worker = rng.choice(cast.social_worker_ids or [cast.social_worker_id])
        return worker, when + dt.timedelta(days=45) if when < self.now - dt.timedelta(days=60) else None

    def _referrals(self, contact: dict, subjects, when: dt.datetime, outcome: str) -> None:
        cast = self.cast
        manager = self.rng.choice(cast.manager_ids or [cast.manager_id])
        worker, closed = self._allocation(when, len(subjects))
        for child in subjects:
            referral = self.add(
                Referral,
                contact_id=contact["id"],
                person_id=child.id,
                referral_date=when.date(),
                source_code=contact["source_code"],
                is_re_referral=self.rng.random() < 0.2,
                outcome_code=outcome,
                created_at=when,
            )
            allocation = self.add(
                CaseAllocation,
                person_id=child.id,
                agency_id=cast.csc_agency_id if worker else cast.hub_agency_id,
                worker_id=worker,
                referral_id=referral["id"],
                opened_at=when,
                closed_at=closed,
                created_at=when,
            )
            self._audit(when, manager, "create", Referral._meta.label_lower, referral["id"])
            self._chronology(
                [child], when, "referral", "Referral to children's social care", "enquiries.referral", referral["id"]
            )
            if worker:
                self._audit(
                    when,
                    manager,
                    "create",
                    CaseAllocation._meta.label_lower,
                    allocation["id"],
                    detail={"worker": worker},
                )
                self._reads("allocated", when, closed or self.now, worker, _PERSON, child.id)
        if worker:
            self._reads("pack", when, closed or self.now, worker, _CONTACT, contact["id"])
            if worker == cast.social_worker_id and closed is None:
                self.result.worker_pack_ids.append(contact["id"])

    # --- all of it ------------------------------------------------------------------------------------------------

    def flush(self, *, before: dt.datetime | None = None) -> None:
        """Write the rows made so far, and the audit events earlier than `before` (all of them when None)."""
        order = [
            Contact,
            ContactPerson,
            Screening,
            Enquiry,
            RagChange,
            AgencyRequest,
            AgencyResponse,
            Decision,
            Referral,
            CaseAllocation,
            ChronologyEntry,
            Notification,
        ]
        for model in order:
            rows = self.rows.pop(model, [])
            self.result.rows += insert_rows(model, rows)
        self.audit.sort(key=itemgetter(0))
        cut = len(self.audit) if before is None else bisect_left(self.audit, before, key=itemgetter(0))
        written = audit_bulk_write(self.audit[:cut])
        del self.audit[:cut]
        self.result.rows += written
        self.result.audit_events += written

    def create(self, contacts: int, *, chunk: int = 5000, progress=None) -> BulkResult:
        """Make `contacts` contacts, oldest first, with everything that follows from each, and write them."""
        plan = [(self.received_for(s), s) for s in self.states(contacts)]
        # every stage has a long-overdue police contact awaiting screening: the filtered queue is never empty
        first = next((i for i, (_, s) in enumerate(plan) if s == "awaiting"), None)
        if first is not None:
            plan[first] = (self.now - dt.timedelta(days=5), "awaiting_police")
        plan.sort(key=itemgetter(0))
        for n, (received, state) in enumerate(plan):
            self.contact(n, state, received)
            if (n + 1) % chunk == 0 and n + 1 < len(plan):
                self.flush(before=plan[n + 1][0])
                if progress:
                    progress(n + 1, contacts)
        self.flush()
        self.result.contacts = contacts
        return self.result


__all__ = ["BenchCast", "BulkResult", "FrontDoorHistory"]
