"""Bulk synthetic front-door history for the benchmark: contacts with their screenings, enquiries, agency requests
and responses, decisions, referrals, chronology, notifications and audit rows, in realistic proportions and with
every index the product uses. Rows are written directly (see fastinsert.py); the demo seed, not this, is the place
where data is made through the services.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from openmash.audit.models import AuditEvent
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


@dataclass
class BenchCast:
    """The users and agencies the bulk rows refer to (ids only)."""

    hub_agency_id: object
    csc_agency_id: object
    screener_id: int
    manager_id: int
    social_worker_id: int
    referrers: list[tuple[int, object, str, str]]  # user id, agency id, agency code, source code
    researchers: dict[str, tuple[int, object]]  # agency code -> (user id, agency id)


@dataclass
class BulkResult:
    contacts: int = 0
    rows: int = 0
    open_enquiry_ids: list = field(default_factory=list)


def _reference(n: int) -> str:
    chars = []
    for _ in range(8):
        n, r = divmod(n, len(_REF_ALPHABET))
        chars.append(_REF_ALPHABET[r])
    return "C-" + "".join(reversed(chars))


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
        self.households = [h for h in population.households if any(c.date_of_birth for c in h.children)]
        self.result = BulkResult()

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type, **row) -> dict:
        if model is not AuditEvent:
            row.setdefault("id", self.new_id())
        self.rows.setdefault(model, []).append(row)
        return row

    def fwd(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        return self.cal.add_working_minutes(moment, round(minutes))

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

    def contact(self, n: int, state: str) -> None:
        rng, cast = self.rng, self.cast
        received = self.received_for(state)
        user_id, agency_id, code, source = rng.choice(cast.referrers)
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
            status=status,
            screening_due_at=self.fwd(received, 8 * 60),
            routed_to_id=cast.social_worker_id if state == "routed" else None,
            created_at=received,
            updated_at=received,
        )
        self._people(contact, household, subjects)
        self._chronology(subjects, received, "contact", "Contact received", "contacts.contact", contact["id"])
        self._audit(received, user_id, "create", "contacts.contact", contact["id"])
        if state not in ("awaiting", "routed"):
            self._screening(contact, subjects, state)

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

    def _audit(self, when, user_id, action, object_type, object_id) -> None:
        self.add(
            AuditEvent,
            at=when,
            actor_user_id=user_id,
            actor_username="bench",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail={},
        )

    def _screening(self, contact: dict, subjects, state: str) -> None:
        rng = self.rng
        received = contact["received_at"]
        screened = min(self.fwd(received, rng.randint(15, 420)), self.now - dt.timedelta(minutes=1))
        outcome = {"open": "mash_enquiry", "decided": "mash_enquiry", "strategy": "strategy"}.get(
            state, rng.choice(["nfa_advice", "early_help"])
        )
        rag = rng.choice(["red", "amber", "amber", "green"]) if outcome == "mash_enquiry" else ""
        screening = self.add(
            Screening,
            contact_id=contact["id"],
            screened_by_id=self.cast.screener_id,
            screened_at=screened,
            outcome=outcome,
            rag=rag,
            rationale="Synthetic screening rationale.",
            created_at=screened,
        )
        self._chronology(subjects, screened, "screening", "Screened", "enquiries.screening", screening["id"])
        self._audit(screened, self.cast.screener_id, "screen", "contacts.contact", contact["id"])
        if outcome == "strategy":
            self._referrals(contact, subjects, screened, "strategy_s47")
        if rag:
            self._enquiry(contact, subjects, screened, rag, decided=state == "decided")
        if state != "open":
            self.add(
                Notification,
                user_id=contact["recorded_by_id"],
                contact_id=contact["id"],
                message=f"Contact {contact['reference']} has an outcome.",
                created_at=screened,
            )

    def _enquiry(self, contact: dict, subjects, opened: dt.datetime, rag: str, *, decided: bool) -> None:
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
        last = self._requests(enquiry, subjects, opened, due, decided=decided)
        if decided:
            self._decision(contact, enquiry, subjects, min(self.fwd(last, 120), self.now))

    def _requests(self, enquiry: dict, subjects, opened: dt.datetime, due: dt.datetime, *, decided: bool):
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
                self._chronology(
                    subjects,
                    responded,
                    "agency_response",
                    "Information shared",
                    "enquiries.agencyresponse",
                    response["id"],
                )
        return last

    def _decision(self, contact: dict, enquiry: dict, subjects, decided: dt.datetime) -> None:
        outcomes, level, _ = self.rng.choices(DECISIONS, weights=[d[2] for d in DECISIONS])[0]
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
        self._audit(decided, self.cast.manager_id, "decide", "enquiries.enquiry", enquiry["id"])
        if level >= 3:
            self._referrals(contact, subjects, decided, outcomes[0])

    def _referrals(self, contact: dict, subjects, when: dt.datetime, outcome: str) -> None:
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
            closed = when + dt.timedelta(days=45) if when < self.now - dt.timedelta(days=60) else None
            self.add(
                CaseAllocation,
                person_id=child.id,
                agency_id=self.cast.csc_agency_id,
                worker_id=self.cast.social_worker_id,
                referral_id=referral["id"],
                opened_at=when,
                closed_at=closed,
                created_at=when,
            )
            self._chronology(
                [child], when, "referral", "Referral to children's social care", "enquiries.referral", referral["id"]
            )

    # --- all of it ------------------------------------------------------------------------------------------------

    def flush(self) -> None:
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
            AuditEvent,
        ]
        for model in order:
            rows = self.rows.pop(model, [])
            self.result.rows += insert_rows(model, rows)

    def create(self, contacts: int, *, chunk: int = 5000, progress=None) -> BulkResult:
        for n, state in enumerate(self.states(contacts)):
            self.contact(n, state)
            if (n + 1) % chunk == 0:
                self.flush()
                if progress:
                    progress(n + 1, contacts)
        self.flush()
        self.result.contacts = contacts
        return self.result


__all__ = ["BenchCast", "BulkResult", "FrontDoorHistory"]
