"""The synthetic demo partnership: agencies, users, people and 18 months of front-door work.

People are bulk-inserted (see population.py). Contacts and everything that happens to them go through the real
services (contact_create, screening_record, agency_requests_create, agency_response_record, enquiry_rerate,
enquiry_decide, agency_requests_escalate_overdue), so the demo holds exactly what the product makes. The services
stamp their rows with the current time; to spread the work over the past months, each step is then moved to its
planned time with queryset updates, and deadlines are recomputed with the partnership's working calendar. Audit
events are append-only and keep the time the seed ran.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from faker import Faker

from config.env import env
from openmash.access.actor import actor_for_user
from openmash.accounts.models import Agency
from openmash.accounts.services import agency_create, user_create
from openmash.contacts.models import Contact, ContactPerson
from openmash.contacts.services import contact_create
from openmash.demo.content import (
    AGENCIES,
    CONCERN_SENTENCES,
    CONCERNS_BY_AGENCY,
    CONTEXT_BY_AGENCY,
    DECISION_RATIONALE,
    DECISIONS,
    LATER_DEMO_USERS,
    RESPONSE_SUMMARIES,
    RISK_BY_AGENCY,
    SCREENING_RATIONALE,
    demo_users,
)
from openmash.demo.population import HouseholdSummary, IdentifierSource, NamePools, PersonSummary, population_create
from openmash.enquiries.choices import SCREENING_CLOSING_OUTCOMES
from openmash.enquiries.models import (
    AgencyRequest,
    AgencyResponse,
    CaseAllocation,
    Decision,
    EarlyHelpRequest,
    Enquiry,
    Notification,
    RagChange,
    Referral,
    Screening,
)
from openmash.enquiries.services import (
    agency_due_at,
    agency_requests_create,
    agency_requests_escalate_overdue,
    agency_response_record,
    enquiry_decide,
    enquiry_rerate,
    screening_record,
)
from openmash.partnership.selectors import partnership_settings_get, rag_levels_list, working_calendar_get
from openmash.partnership.services import partnership_defaults_ensure
from openmash.partnership.working_time import WorkingCalendar
from openmash.people.models import Address, AgencyRecord, ChronologyEntry, Person, PersonIdentifier
from openmash.people.selectors import person_search

DEMO_PASSWORD: str = env.str("OPENMASH_DEMO_PASSWORD", default="openmash-demo-2026!")

_ROLE_LABELS = {
    "screener": "MASH screener",
    "manager": "MASH manager",
    "social_worker": "Allocated social worker",
    "partnership_admin": "Partnership admin",
    "auditor": "Auditor",
    "privacy_officer": "Privacy officer",
}
_AGENCY_GROUPS = {"police": "police", "school-oak": "education", "school-ash": "education"}


def _login_group(username: str, agency: str, role: str) -> str:
    if role in _ROLE_LABELS:
        return _ROLE_LABELS[role]
    group = _AGENCY_GROUPS.get(agency, "health" if agency.startswith("health") else "other")
    return f"{'Referrer' if role == 'referrer' else 'Researcher'} ({group})"


#: The name of the authenticator-app device the seed gives each demo user: `openmash demo code` prints codes of these
#: devices only, so it can never print a code of a device a person set up.
DEMO_DEVICE_NAME = "Demo authenticator (openmash demo code)"


def demo_totp_device_create(user):
    """A confirmed TOTP device for a demo user, with a random key made now (ADR 0011): every demo sign-in asks for
    its code, which `openmash demo code USERNAME` prints."""
    from openmash.accounts.models import AppDevice

    return AppDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)


def demo_logins() -> list[tuple[str, list[str]]]:
    """Role label -> demo usernames (all share DEMO_PASSWORD), in a sensible order for printing."""
    order = [
        "Referrer (police)",
        "Referrer (education)",
        "Referrer (health)",
        "Referrer (other)",
        "Researcher (health)",
        "Researcher (education)",
        "Researcher (police)",
        "Researcher (other)",
        "MASH screener",
        "MASH manager",
        "Allocated social worker",
        "Partnership admin",
        "Auditor",
        "Privacy officer",
    ]
    groups: dict[str, list[str]] = {label: [] for label in order}
    for username, agency, role, _team, _title in demo_users():
        groups[_login_group(username, agency, role)].append(username)
    return [(label, names) for label, names in groups.items() if names]


# --- working time --------------------------------------------------------------------------------------------


def _previous_working_day(cal: WorkingCalendar, day: dt.date) -> dt.date:
    for _ in range(3660):
        day -= dt.timedelta(days=1)
        if cal.is_working_day(day):
            return day
    raise ValueError("No working day within ten years.")


def working_minutes_before(cal: WorkingCalendar, moment: dt.datetime, minutes: float) -> dt.datetime:
    """The instant `minutes` working minutes before `moment` (the inverse of add_working_minutes)."""
    local = moment.astimezone(cal.tz)
    day, t = local.date(), local.time()
    if not cal.is_working_day(day) or t <= cal.day_start:
        local = dt.datetime.combine(_previous_working_day(cal, day), cal.day_end, tzinfo=cal.tz)
    elif t > cal.day_end:
        local = dt.datetime.combine(day, cal.day_end, tzinfo=cal.tz)
    remaining = minutes
    while True:
        start = dt.datetime.combine(local.date(), cal.day_start, tzinfo=cal.tz)
        available = (local - start).total_seconds() / 60
        if remaining <= available:
            return (local - dt.timedelta(minutes=remaining)).astimezone(dt.UTC)
        remaining -= available
        local = dt.datetime.combine(_previous_working_day(cal, local.date()), cal.day_end, tzinfo=cal.tz)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the plan -------------------------------------------------------------------------------------------------


def population_records_scored(when: dt.datetime) -> int:
    """Mark the generated population's agency records (the hub's own record of each person it already knows, one per
    person, ``as_received`` {"generated": "demo population"}) as scored at ``when``, as ``records_score`` would.

    Without this every one of them (about 6,300) was "due" (``matching.scoring.records_due``), so the first import
    after ``make demo`` scored the whole population against itself (1 min 34 s on a loaded machine) instead of its
    own records. Scoring them among themselves could only compare one agency's records under different local ids,
    which the platform never joins automatically (linking rule 4): they are the people the seed made each on their
    own, nobody's duplicate. An import's records are still scored against them through blocking, as ever. Out: the
    number of records marked. Writes with the demo's fast inserts (no signals, no audit: nothing is read)."""
    from openmash.demo.fastinsert import insert_rows
    from openmash.matching.models import RecordScore

    ids = AgencyRecord.objects.filter(as_received__generated="demo population", match_score__isnull=True).values_list(
        "pk", flat=True
    )
    return insert_rows(RecordScore, [{"record_id": pk, "scored_at": when, "model_id": None} for pk in ids])


@dataclass
class Plan:
    """What will happen to one contact, and when (all times in the past)."""

    kind: str  # await_due, await_overdue, enquiry, routed, routed_screen, closed, strategy, decided
    received: dt.datetime
    recorder: str
    variant: str = ""
    times: dict[str, dt.datetime] = field(default_factory=dict)
    rag: str = ""
    rerate_to: str = ""
    answered: str = "all"  # all, some
    outcome: tuple[list[str], int] | None = None
    household: HouseholdSummary | None = None
    age_range: tuple[float, float] | None = None
    children: list[PersonSummary] = field(default_factory=list)


_RECORDER_WEIGHTS = {
    "police.referrer": 20,
    "police.referrer2": 9,
    "school-oak.referrer": 8,
    "school-ash.referrer": 6,
    "health-gp.referrer": 5,
    "health-acute.referrer": 5,
    "health-hv.referrer": 5,
    "health-sn.referrer": 2,
    "health-midwifery.referrer": 3,
    "health-camhs.referrer": 2,
    "probation.referrer": 3,
    "yjs.referrer": 3,
    "housing.referrer": 3,
    "early-help.referrer": 4,
    "asc.referrer": 3,
    "da-service.referrer": 4,
    "mash.screener1": 5,
    "mash.screener2": 4,
}
_AGE_RANGES = {
    "health-hv": (-0.75, 5),
    "health-midwifery": (-0.75, 0.5),
    "school-oak": (4, 11),
    "school-ash": (11, 16.9),
    "health-sn": (5, 16.9),
    "health-camhs": (8, 17.9),
    "yjs": (10, 17.9),
}
_ENQUIRY_VARIANTS = ["ready", "overdue_escalated", "in_time", "overdue", "ready_rerated", "in_time_rerated"]
_OPTIONAL_AGENCIES = ["probation", "housing", "asc", "da-service", "health-camhs", "yjs", "early-help", "health-acute"]


# Why a manager closed a demo contact with immediate risk at screening (enquiries.services.screening_record).
IMMEDIATE_RISK_CLOSED_REASON = (
    "Police attended and removed the risk: the alleged perpetrator is in custody and the children are safe with "
    "their mother; no MASH enquiry needed."
)
# Why a screener rated a demo immediate-risk contact's MASH enquiry green (enquiries.services
# .immediate_risk_rating_check): the least urgent rating with immediate risk needs a recorded reason.
IMMEDIATE_RISK_GREEN_REASON = (
    "The children are safe with a grandparent while the checks run; the enquiry stays on the immediate-risk clock."
)


class DemoSeeder:
    def __init__(self, stdout=None, *, people: int, households: int, contacts: int, months: int, seed: int) -> None:
        self.out = stdout
        self.people, self.households_n, self.contacts_n, self.months = people, households, contacts, months
        self.rng = random.Random(seed)
        self.seed = seed
        self._screener_turn = 0
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.t0 = timezone.now().replace(microsecond=0)
        self.now = self.t0 - dt.timedelta(minutes=2)  # every planned time is before this
        self.start = self.now - dt.timedelta(days=round(months * 30.44))
        self._calendars: dict[dt.date, WorkingCalendar] = {}
        self.referral_dates: dict[object, list[dt.date]] = {}
        self.referred: list[tuple[dt.date, PersonSummary]] = []
        self.last_contact: dict[object, dt.datetime] = {}
        self.counts: dict[str, int] = {}
        # Police domestic abuse contacts draw their details from generators numbered by their order, not by their
        # received time (which moves with the day the demo is seeded), so every seed has the same mix.
        self._seed = seed
        self._da_seen = 0
        self._encompass_sent = 0

    # --- helpers ----------------------------------------------------------------------------------------------

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")
            if hasattr(self.out, "flush"):
                self.out.flush()

    def cal(self, moment: dt.datetime) -> WorkingCalendar:
        day = moment.date()
        if day not in self._calendars:
            self._calendars[day] = working_calendar_get(around=day)
        return self._calendars[day]

    def fwd(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        return self.cal(moment).add_working_minutes(moment, round(minutes))

    def back(self, minutes: float, moment: dt.datetime | None = None) -> dt.datetime:
        moment = moment or self.now
        return working_minutes_before(self.cal(moment), moment, minutes)

    def due(self, start: dt.datetime, rag: str, *, immediate_risk: bool = False) -> dt.datetime:
        due = self.fwd(start, self.rag_minutes[rag])
        if immediate_risk:  # by the clock (enquiries.timescales.enquiry_due_at)
            due = min(due, start + dt.timedelta(hours=partnership_settings_get().immediate_risk_enquiry_hours))
        return due

    def cap(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.now)

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.datetime:
        return a + (b - a) * self.rng.random()

    # --- set-up ----------------------------------------------------------------------------------------------

    def agencies(self) -> None:
        partnership_defaults_ensure(name="Riverside Safeguarding Partnership", la_code="999")
        made: dict[str, Agency] = {}
        for code, name, atype, source, hub, health_service, parent in AGENCIES:
            made[code] = agency_create(
                code=code,
                name=name,
                agency_type=atype,
                source_code=source,
                is_hub=hub,
                health_service=health_service,
                parent=made.get(parent),
            )
        self.agency = made
        self.rag_minutes = {r.code: r.working_hours * 60 for r in rag_levels_list()}
        self.re_referral_months = partnership_settings_get().re_referral_months

    def users(self) -> None:
        self.actors = {}
        later = Faker("en_GB")
        later.seed_instance(self.seed + 1)
        for username, agency, role, team, title in demo_users():
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                agency_code=agency,
                role=role,
                # LATER_DEMO_USERS draw from their own Faker: the rest of the demo's names stay as they were
                display_name=(later.name() if username in LATER_DEMO_USERS else self.fake.name()),
                team_name=team,
                job_title=title,
                check_password=True,
                email=f"{username}@example.org",  # the demo prints emails (password reset links) to the console
            )
            self.actors[username] = actor_for_user(user)
            demo_totp_device_create(user)
        self.social_workers = [self.actors[f"csc.socialworker{i}"] for i in range(1, 5)]

    def agreements(self) -> None:
        """The partnership's information-sharing agreements (ADR 0016), recorded by the partnership admin through the
        service (audited): a core safeguarding agreement between the MASH and its statutory partners, a health
        agreement without sexual health (so a release of a sexual health item is flagged for the privacy officer),
        and an ended one. Housing and adult social care are in none: requests to them are flagged. An active agreement
        waits for a second partnership admin (ADR 0019 addendum): admin asks, admin2 approves, as in the pages."""
        from openmash.partnership.setting_changes import setting_change_decide
        from openmash.sharing.agreements import agreement_create, agreement_end
        from openmash.sharing.models import SharingAgreement

        admin, second = self.actors["admin"], self.actors["admin2"]

        def recorded(data: dict) -> SharingAgreement:
            change = agreement_create(actor=admin, data=data)
            approved = setting_change_decide(actor=second, change_id=change.pk, approve=True)
            return SharingAgreement.objects.get(pk=approved.key)

        start = (timezone.localdate() - dt.timedelta(days=31 * (self.months + 1))).replace(day=1)
        # the pilot ran six months, or until yesterday for a short demo period (an end date is never in the future)
        pilot_end = max(start, min(start + dt.timedelta(days=180), timezone.localdate() - dt.timedelta(days=1)))
        recorded(
            {
                "title": "Riverside children's safeguarding information-sharing agreement",
                "parties": [
                    "mash",
                    "csc",
                    "police",
                    "school-oak",
                    "school-ash",
                    "probation",
                    "yjs",
                    "early-help",
                    "da-service",
                ],
                "categories": [
                    "police_records",
                    "police_intelligence",
                    "education",
                    "childrens_social_care",
                    "probation",
                    "youth_justice",
                    "early_help",
                    "domestic_abuse",
                ],
                "lawful_bases": ["art6_1e", "art6_1c", "sch1_para18", "part3_sch8"],
                "starts_on": start,
                "document_reference": "RSP/ISA/2025/01 (signed copies held by the partnership business manager)",
                "status": "active",
            },
        )
        recorded(
            {
                "title": "Riverside health safeguarding information-sharing agreement",
                "parties": [
                    "mash",
                    "csc",
                    "health",
                    "health-gp",
                    "health-acute",
                    "health-hv",
                    "health-sn",
                    "health-midwifery",
                    "health-camhs",
                ],
                "categories": ["health", "mental_health", "substance_misuse"],
                "lawful_bases": ["art6_1e", "art9_2h", "sch1_para18"],
                "starts_on": start,
                "document_reference": "RSP/ISA/2025/02 (ICB safeguarding team)",
                "status": "active",
            },
        )
        old = recorded(
            {
                "title": "Housing pilot information-sharing agreement",
                "parties": ["mash", "housing"],
                "categories": ["housing"],
                "lawful_bases": ["art6_1e"],
                "starts_on": start,
                "ends_on": pilot_end,
                "document_reference": "RSP/ISA/2024/07 (pilot, not renewed)",
                "status": "active",
            },
        )
        agreement_end(actor=admin, agreement_id=old.pk, version=old.version, ends_on=pilot_end)

    def population(self) -> None:
        pools = NamePools(self.fake)
        self.pools = pools
        self.population_ = population_create(
            rng=self.rng,
            fake=self.fake,
            people=self.people,
            households=self.households_n,
            today=timezone.localdate(self.now),
            pools=pools,
            # Known before the demo period starts. Rows the workflow creates later are told apart by
            # created_at >= t0 until they are back-dated.
            created_at=self.start - dt.timedelta(days=60),
        )
        population_records_scored(self.start - dt.timedelta(days=60))
        self.new_ids = IdentifierSource(self.rng, offset=500_000)

    def allocations(self) -> None:
        """Children already open to children's social care, each with an allocated social worker."""
        households = list(self.population_.households)
        self.rng.shuffle(households)
        n = max(3, round(self.contacts_n * 0.03))
        with_children = [h for h in households if any(c.date_of_birth for c in h.children)]
        self.allocated = with_children[:n]
        self.pool = [h for h in households if h not in self.allocated and h.children]
        rows = []
        for i, household in enumerate(self.allocated):
            worker = self.social_workers[i % len(self.social_workers)]
            opened = self.start - dt.timedelta(days=self.rng.randint(10, 400))
            rows += [
                CaseAllocation(person_id=c.id, agency=self.agency["csc"], worker=worker.user, opened_at=opened)
                for c in household.children
                if c.date_of_birth
            ]
        CaseAllocation.objects.bulk_create(rows)
        CaseAllocation.objects.filter(created_at__gte=self.t0).update(created_at=self.start, updated_at=self.start)

    # --- planning -----------------------------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        n = self.contacts_n
        counts = {
            "await_due": max(2, round(n * 0.02)),
            "await_overdue": max(2, round(n * 0.02)),
            "enquiry": max(6, round(n * 0.05)),
            "routed": max(2, round(n * 0.04)),
            "routed_screen": max(1, round(n * 0.01)),
            "strategy": max(2, round(n * 0.05)),
        }
        rest = max(0, n - sum(counts.values()))
        counts["closed"] = round(rest * 0.55)
        counts["decided"] = rest - counts["closed"]
        plans = []
        for kind, count in counts.items():
            plans += [getattr(self, f"_plan_{kind}")(i) for i in range(count)]
        plans.sort(key=lambda p: p.received)
        return plans

    def _recorder(self) -> str:
        names = list(_RECORDER_WEIGHTS)
        return self.rng.choices(names, weights=list(_RECORDER_WEIGHTS.values()))[0]

    def _historic(self, latest_minutes: float) -> dt.datetime:
        """A time in the demo period, at least latest_minutes working minutes ago, usually in working hours."""
        latest = self.back(latest_minutes)
        moment = self.between(self.start, latest)
        if self.rng.random() < 0.75:
            snapped = self.fwd(moment, self.rng.randint(0, 90))
            moment = snapped if snapped <= latest else moment
        return moment

    def _plan_await_due(self, i: int) -> Plan:
        return Plan("await_due", self.back(self.rng.randint(5, 420)), self._recorder())

    def _plan_await_overdue(self, i: int) -> Plan:
        return Plan("await_overdue", self.back(self.rng.randint(560, 2400)), self._recorder())

    def _plan_routed(self, i: int) -> Plan:
        plan = Plan("routed", self._historic(30), self._recorder())
        plan.household = self.allocated[i % len(self.allocated)]
        return plan

    def _plan_routed_screen(self, i: int) -> Plan:
        received = self._historic(600)
        plan = Plan("routed_screen", received, self._recorder())
        plan.household = next(h for h in reversed(self.pool) if any(c.date_of_birth for c in h.children))
        self.pool.remove(plan.household)
        plan.times["screened"] = self.fwd(received, self.rng.randint(30, 400))
        plan.times["allocated"] = self.between(received, plan.times["screened"])
        self.allocated.append(plan.household)
        return plan

    def _plan_closed(self, i: int) -> Plan:
        plan = Plan("closed", self._historic(600), self._recorder())
        plan.variant = "nfa_advice" if self.rng.random() < 0.55 else "early_help"
        plan.times["screened"] = self.fwd(plan.received, self.rng.randint(15, 420))
        return plan

    def _plan_strategy(self, i: int) -> Plan:
        plan = Plan("strategy", self._historic(600), self._recorder())
        plan.times["screened"] = self.fwd(plan.received, self.rng.randint(10, 180))
        return plan

    def _plan_decided(self, i: int) -> Plan:
        """A decided enquiry: the working-time gaps between its steps are drawn first, so that it can be placed
        anywhere in the period and still be decided before now."""
        rng = self.rng
        rag = rng.choices(["red", "amber", "green"], weights=[2, 5, 3])[0]
        rerate_to = {"red": "amber", "amber": "red", "green": "amber"}[rag] if rng.random() < 0.1 else ""
        window = self.rag_minutes[rerate_to or rag] * rng.uniform(0.3, 1.25 if rng.random() < 0.15 else 0.95)
        gaps = {
            "screened": rng.randint(20, 420),
            "requested": rng.randint(5, 30),
            "rerated": rng.randint(10, 120) if rerate_to else 0,
            "responses_by": window,
            "decided": rng.randint(30, 480),
        }
        plan = Plan("decided", self._historic(sum(gaps.values()) + 30), self._recorder(), rag=rag, rerate_to=rerate_to)
        moment = plan.received
        for step, gap in gaps.items():
            if step != "rerated" or rerate_to:
                moment = self.fwd(moment, gap)
                plan.times[step] = moment
        outcomes = rng.choices(DECISIONS, weights=[d[2] for d in DECISIONS])[0]
        plan.outcome = (list(outcomes[0]), outcomes[1])
        return plan

    def _plan_enquiry(self, i: int) -> Plan:
        """An open MASH enquiry: the variant decides how its clock and its agency requests stand now."""
        rng = self.rng
        variant = _ENQUIRY_VARIANTS[i % len(_ENQUIRY_VARIANTS)]
        plan = Plan("enquiry", self.now, self._recorder(), variant=variant)
        plan.age_range = (4, 11) if i % 2 == 0 else None
        plan.answered = "all" if variant.startswith("ready") else "some"
        fixed = {"overdue_escalated": "amber", "overdue": "red", "in_time_rerated": "amber"}
        if i < len(_ENQUIRY_VARIANTS):  # the first round has every rating, whatever the dice say
            fixed.update(ready="green", in_time="amber")
        plan.rag = fixed.get(variant) or rng.choice(["amber", "green"])
        if variant == "overdue_escalated":
            screened = self.back(self.rag_minutes["amber"], self.back(rng.randint(200, 1200)))
        elif variant == "overdue":
            # red leaves the agencies half its hours (the lead before the enquiry is due is capped at half the
            # time left): their answers fell due 10-100 working minutes ago, after the escalation job last ran
            screened = self.back(self.rag_minutes["red"] // 2 + 8 + rng.randint(10, 100))
        elif variant == "in_time":
            screened = self.back(rng.randint(10, min(self.rag_minutes[plan.rag] - 60, 900)))
        elif variant == "ready_rerated":
            screened = self.back(rng.randint(900, 2000))
        elif variant == "in_time_rerated":
            screened = self.back(rng.randint(300, 1500))
        else:
            screened = self.back(rng.randint(120, 900))
        plan.received = self.back(rng.randint(20, 400), screened)
        plan.times = {"screened": screened, "requested": self.fwd(screened, rng.randint(3, 8))}
        if variant == "ready_rerated":
            plan.rerate_to = "amber"
            plan.rag = "green"
            plan.times["rerated"] = self.between(plan.times["requested"], self.back(200))
        elif variant == "in_time_rerated":
            plan.rerate_to = "red"
            plan.times["rerated"] = self.back(rng.randint(10, 150))
        last = plan.times.get("rerated", plan.times["requested"])
        plan.times["responses_by"] = self.between(last, self.now)
        return plan

    # --- people in a contact -------------------------------------------------------------------------------------

    def _eligible(self, household: HouseholdSummary, day: dt.date, low: float, high: float) -> list[PersonSummary]:
        found = []
        for child in household.children:
            age = child.age_on(day)
            if child.date_of_birth and age < 0:
                continue
            if low <= age < high:
                found.append(child)
        return found

    def _choose_subjects(self, plan: Plan) -> tuple[HouseholdSummary, list[PersonSummary]]:
        agency = plan.recorder.split(".")[0]
        low, high = plan.age_range or _AGE_RANGES.get(agency, (-0.75, 17.9))
        day = timezone.localdate(plan.received)
        if plan.household is not None:  # an allocated family: subjects must be born (allocations are)
            born = [c for c in plan.household.children if c.date_of_birth]
            return plan.household, [c for c in self._eligible(plan.household, day, 0, 17.9) if c in born] or born[:1]
        for attempt in range(60):
            household = self.rng.choice(self.pool)
            if attempt >= 30:
                low, high = -0.75, 17.9
            children = self._eligible(household, day, low, high)
            if children:
                k = min(len(children), self.rng.choices([1, 2, 3], weights=[6, 3, 1])[0])
                return household, self.rng.sample(children, k)
        household = self.pool[0]
        return household, household.children[:1]

    def _re_referral_subject(self, plan: Plan) -> tuple[HouseholdSummary, list[PersonSummary]] | None:
        day = timezone.localdate(plan.received)
        recent = [
            p
            for d, p in self.referred
            if _months_before(day, 11) <= d <= day - dt.timedelta(days=30) and p.age_on(day) < 17.5
        ]
        if not recent or self.rng.random() > 0.35:
            return None
        person = self.rng.choice(recent)
        household = self.population_.households[person.household]
        if household in self.allocated:
            return None
        return household, [person]

    def _new_person(self, *, child: bool, received: dt.datetime, surname: str | None = None) -> dict:
        rng = self.rng
        sex = rng.choice(["M", "F"])
        years = rng.uniform(0.2, 15) if child else rng.uniform(19, 45)
        dob = timezone.localdate(received) - dt.timedelta(days=int(years * 365.25))
        person = {
            "forename": self.pools.forename(rng, sex),
            "surname": surname or rng.choice(self.pools.surnames),
            "date_of_birth": dob.isoformat(),
            "sex": sex,
            "ethnicity": rng.choice(["WBRI", "WBRI", "WBRI", "WOTH", "BAFR", "APKN", "MWBC", "NOBT"]),
        }
        if child:
            person["identifiers"] = [{"type": "nhs_number", "value": self.new_ids.nhs_number()}]
            person["address"] = {
                "line1": f"{rng.randint(1, 220)} {rng.choice(self.pools.streets)}",
                "town": rng.choice(self.pools.towns),
                "postcode": self.fake.postcode(),
            }
        elif rng.random() < 0.3:
            person["identifiers"] = [{"type": "pnc_id", "value": self.new_ids.pnc_id()}]
        return person

    def _people_payload(self, plan: Plan) -> tuple[list[dict], list[dict], list[PersonSummary], list[PersonSummary]]:
        """(subjects, household, subject children, everyone linked by id) for the contact."""
        if plan.kind in ("decided",) and plan.outcome and plan.outcome[1] >= 3:
            chosen = self._re_referral_subject(plan)
        else:
            chosen = None
        if plan.household is None and chosen is None and self.rng.random() < 0.1 and plan.kind != "routed_screen":
            surname = self.rng.choice(self.pools.surnames)
            subjects = [self._new_person(child=True, received=plan.received, surname=surname)]
            household = [
                {**self._new_person(child=False, received=plan.received, surname=surname), "role": "parent_carer"}
            ]
            return subjects, household, [], []
        household, children = chosen or self._choose_subjects(plan)
        # A contact cannot be about a child born after it was received (issue 5, fault 9): such a child is left out.
        received_day = timezone.localdate(plan.received)
        born = [c for c in children if c.date_of_birth is None or c.date_of_birth <= received_day]
        if not born:
            surname = self.rng.choice(self.pools.surnames)
            subjects = [self._new_person(child=True, received=plan.received, surname=surname)]
            household_new = [
                {**self._new_person(child=False, received=plan.received, surname=surname), "role": "parent_carer"}
            ]
            return subjects, household_new, [], []
        children = born
        subjects = [{"person_id": str(c.id)} for c in children]
        carers = household.adults[: self.rng.choice([1, 2])]
        others = [{"person_id": str(a.id), "role": "parent_carer"} for a in carers]
        linked = children + carers
        agency = plan.recorder.split(".")[0]
        if agency in ("police", "da-service") and self.rng.random() < 0.3:
            others.append({**self._new_person(child=False, received=plan.received), "role": "alleged_perpetrator"})
        return subjects, others, children, linked

    # --- contact content -----------------------------------------------------------------------------------------

    def _contact_data(self, plan: Plan) -> tuple[dict, list[PersonSummary], list[PersonSummary]]:
        rng = self.rng
        agency = plan.recorder.split(".")[0]
        codes = rng.sample(CONCERNS_BY_AGENCY[agency], k=min(len(CONCERNS_BY_AGENCY[agency]), rng.choice([1, 2, 2, 3])))
        sentences = [CONCERN_SENTENCES.get(c, "") for c in codes]
        narrative = " ".join(s for s in sentences if s) + " " + CONTEXT_BY_AGENCY[agency]
        subjects, household, children, linked = self._people_payload(plan)
        # Drawn for every contact (so the rest of the synthetic partnership stays as it was), but a contact still
        # waiting for screening is never one with immediate risk: that is screened within the hour (partnership
        # setting immediate_risk_screening_minutes), so the hub's queue never holds one untouched for days
        # (practitioner review, fault 8), and a new immediate-risk contact comes first on page 1.
        immediate = rng.random() < 0.06 and plan.kind not in ("await_due", "await_overdue")
        data = {
            "subjects": subjects,
            "household": household,
            "concern_codes": codes,
            "narrative": narrative.strip(),
            "received_at": plan.received,
            "immediate_risk": immediate,
            **self._referrer(agency),
            **self._consent(agency),
        }
        if data["immediate_risk"]:
            data["immediate_risk_detail"] = "Police attended and the children are staying with a grandparent tonight."
        if agency == "police" and {"3A", "3B", "3C"} & set(codes):
            data.update(self._domestic_abuse(plan))
            self._encompass(plan, data, children)
        return data, children, linked

    def _domestic_abuse(self, plan: Plan) -> dict:
        """A police domestic abuse contact's details (DOMAIN.md 1.5), from its own generator so the rest of the
        synthetic partnership stays as it was."""
        self._da_seen += 1
        rng = random.Random(f"{self._seed}-domestic-abuse-{self._da_seen}")
        dash = rng.choice(["standard", "standard", "medium", "medium", "high"])
        return {
            "police_reference": f"DA/{plan.received.year}/{rng.randrange(10000, 99999)}",
            "incident_at": plan.received - dt.timedelta(hours=rng.randint(2, 14)),
            "dash_risk": dash,
            "marac_referral": "yes" if dash == "high" else rng.choice(["no", "unknown"]),
        }

    def _encompass(self, plan: Plan, data: dict, children: list) -> None:
        """Half the police domestic abuse contacts name the children's schools and ask for an Operation Encompass
        notice, so the demo schools' safeguarding leads have notices to open."""
        rng = random.Random(f"{self._seed}-encompass-{self._da_seen}")
        # The first contact with a school-age child always asks, so the demo schools always have a notice to open.
        if rng.random() < 0.5 and self._encompass_sent:
            return
        incident = (data.get("incident_at") or plan.received).date()
        births = {str(c.id): c.date_of_birth for c in children}
        at_school = False
        for subject in data["subjects"]:
            born = subject.get("date_of_birth") or births.get(str(subject.get("person_id")))
            born = dt.date.fromisoformat(born) if isinstance(born, str) else born
            if born is None or (incident - born).days < 2 * 366:  # Operation Encompass: not a baby (no school)
                continue
            subject["school_code"] = rng.choice(["school-oak", "school-ash"])
            subject["present_at_incident"] = rng.choice(["yes", "yes", "no", "unknown"])
            at_school = True
        data["notify_schools"] = at_school
        self._encompass_sent += at_school

    def _referrer(self, agency: str) -> dict:
        rng = self.rng
        if agency == "mash":
            kind = rng.choice(["1A", "1C", "1D", "9"])
            return {
                "referrer_type": "public",
                "source_code": "" if kind == "9" else kind,
                "referrer_name": "" if kind == "9" else self.fake.name(),
                "referrer_role": {"1A": "Grandparent", "1C": "Self", "1D": "Neighbour"}.get(kind, ""),
            }
        return {"referrer_type": "professional", "referrer_name": self.fake.name(), "referrer_role": ""}

    def _consent(self, agency: str) -> dict:
        """The consent decision at intake (ADR 0016): sharing without consent always names its reason and lawful
        basis; the police share some contacts under their statutory duty (Part 3, Schedule 8)."""
        rng = self.rng
        if agency == "police" and rng.random() < 0.3:
            return {
                "consent": "not_applicable",
                "consent_lawful_basis": "part3",
                "consent_condition": "sch8_para4",
                "family_aware": "no",
            }
        if agency in ("police", "da-service") or rng.random() < 0.35:
            reason = rng.choice(["unsafe", "prejudice", "urgent"] if agency == "police" else ["unsafe", "urgent"])
            return {
                "consent": "not_sought",
                "consent_not_sought_reason": reason,
                "consent_lawful_basis": "part3" if agency == "police" else "public_task",
                "consent_condition": "sch8_para4" if agency == "police" else "sch1_para18",
                "family_aware": "no",
            }
        if rng.random() < 0.8:
            return {"consent": "obtained", "family_aware": "yes", "consent_detail": "Parent agreed by telephone."}
        return {
            "consent": "refused",
            "consent_override_reason": "risk_of_harm",
            "consent_lawful_basis": "public_task",
            "family_aware": "yes",
            "consent_detail": "Mother declined; concern persists.",
        }

    # --- back-dating ----------------------------------------------------------------------------------------------

    def backdate_fresh(
        self, when: dt.datetime, *, chronology: bool = True, notifications: bool = False, people: bool = False
    ) -> None:
        """Move the side effects of the step just run (chronology, notifications, new people) to `when`."""
        fresh = {"created_at__gte": self.t0}
        EarlyHelpRequest.objects.filter(**fresh).update(requested_at=when, created_at=when, updated_at=when)
        AgencyRecord.objects.filter(**fresh).update(received_at=when, created_at=when, updated_at=when)
        if chronology:
            ChronologyEntry.objects.filter(**fresh).update(occurred_at=when, created_at=when, updated_at=when)
        if notifications:
            Notification.objects.filter(**fresh).update(created_at=when, updated_at=when)
        if people:
            for model in (Person, PersonIdentifier):
                model.objects.filter(**fresh).update(created_at=when, updated_at=when)
            Address.objects.filter(**fresh).update(
                created_at=when, updated_at=when, start_date=timezone.localdate(when)
            )

    def finalise_timestamps(self) -> None:
        """Bookkeeping columns the steps left at seeding time, set from the planned times in one pass each."""
        fresh = {"updated_at__gte": self.t0}
        screened = Screening.objects.filter(contact=OuterRef("pk")).values("screened_at")
        decided = Decision.objects.filter(enquiry__contact=OuterRef("pk")).values("decided_at")
        Contact.objects.filter(**fresh).update(
            created_at=F("received_at"), updated_at=Coalesce(Subquery(decided), Subquery(screened), F("received_at"))
        )
        received = Contact.objects.filter(pk=OuterRef("contact_id")).values("received_at")
        ContactPerson.objects.filter(created_at__gte=self.t0).update(
            created_at=Subquery(received), updated_at=Subquery(received)
        )
        decided = Decision.objects.filter(enquiry=OuterRef("pk")).values("decided_at")
        Enquiry.objects.filter(**fresh).update(updated_at=Coalesce(Subquery(decided), F("rag_set_at")))
        responded = AgencyResponse.objects.filter(request=OuterRef("pk")).values("responded_at")
        AgencyRequest.objects.filter(**fresh).update(
            updated_at=Coalesce(Subquery(responded), F("escalated_at"), F("requested_at"))
        )

    def backdate_referrals(self, contact: Contact, when: dt.datetime) -> None:
        """Date the step's referrals; re-referral is judged against referrals dated before (same rule as the
        service, which can only count back from the day it runs)."""
        referrals = list(Referral.objects.filter(contact=contact, created_at__gte=self.t0))
        if not referrals:
            return
        day = timezone.localdate(when)
        window_start = _months_before(day, self.re_referral_months)
        for referral in referrals:
            prior = self.referral_dates.setdefault(referral.person_id, [])
            is_re = any(window_start <= d <= day for d in prior)
            Referral.objects.filter(pk=referral.pk).update(
                referral_date=day, is_re_referral=is_re, created_at=when, updated_at=when
            )
            if is_re != referral.is_re_referral:
                summary = "Referral to children's social care" + (" (re-referral within 12 months)" if is_re else "")
                ChronologyEntry.objects.filter(object_type="enquiries.referral", object_id=str(referral.pk)).update(
                    summary=summary
                )
            prior.append(day)
        CaseAllocation.objects.filter(referral__in=referrals).update(opened_at=when, created_at=when, updated_at=when)

    # --- the workflow, one step at a time ---------------------------------------------------------------------------

    def step_contact(self, plan: Plan) -> Contact:
        data, children, linked = self._contact_data(plan)
        actor = self.actors[plan.recorder]
        if not actor.is_hub:
            # As at the front door: a professional first finds each known person by name and date of birth, which
            # is what lets them link the contact to that record (a person they may not open is listed only when the
            # name and date of birth typed agree: access.search, so an NHS number alone finds them nobody). (A year
            # of searches replayed in a minute: not subject to the per-user search rate limit.)
            for person in linked:
                name = f"{person.forename} {person.surname}"
                dob = person.date_of_birth or person.expected_date_of_birth
                if dob is not None:
                    person_search(actor=actor, name=name, date_of_birth=dob, rate_limited=False)
                elif person.nhs_number:
                    person_search(
                        actor=actor, identifier_type="nhs_number", identifier=person.nhs_number, rate_limited=False
                    )
        # Recorded as it would have been, soon after it was received (the received-date rules are relative).
        contact, _ = contact_create(actor=actor, data=data, recorded_at=plan.received)
        new_people = any("person_id" not in p for p in data["subjects"] + data["household"])
        routed = contact.status == "with_allocated_worker"
        self.backdate_fresh(plan.received, notifications=routed, people=new_people)
        for child in children:
            self.last_contact[child.id] = plan.received
        plan.children = children
        return contact

    def screener(self) -> object:
        """One of the five hub screeners. The dice are thrown as they were with three screeners (so the rest of the
        synthetic partnership stays as it was), and the first screener's double share goes round screeners 1, 4
        and 5 in turn."""
        pick = self.rng.choice(["mash.screener1", "mash.screener1", "mash.screener2", "mash.screener3"])
        if pick == "mash.screener1":
            pick = ("mash.screener1", "mash.screener4", "mash.screener5")[self._screener_turn % 3]
            self._screener_turn += 1
        return self.actors[pick]

    def manager(self) -> object:
        return self.actors["mash.manager" if self.rng.random() < 0.8 else "mash.manager2"]

    def step_screen(self, contact: Contact, outcome: str, when: dt.datetime, rag: str = "") -> Enquiry | None:
        # Closing a contact with immediate risk without an enquiry is a MASH manager's exception, with a reason.
        exception = contact.immediate_risk and outcome in SCREENING_CLOSING_OUTCOMES
        screening = screening_record(
            actor=self.manager() if exception else self.screener(),
            contact_id=contact.pk,
            outcome=outcome,
            rationale=SCREENING_RATIONALE[outcome],
            rag=rag,
            exception_reason=IMMEDIATE_RISK_CLOSED_REASON
            if exception
            else (IMMEDIATE_RISK_GREEN_REASON if contact.immediate_risk and rag == "green" else ""),
        )
        Screening.objects.filter(pk=screening.pk).update(screened_at=when, created_at=when, updated_at=when)
        enquiry = None
        if rag:
            enquiry = Enquiry.objects.get(contact=contact)
            due = self.due(when, rag, immediate_risk=contact.immediate_risk)
            Enquiry.objects.filter(pk=enquiry.pk).update(
                opened_at=when, rag_set_at=when, due_at=due, created_at=when, updated_at=when
            )
            RagChange.objects.filter(enquiry=enquiry).update(
                changed_at=when, due_at=due, created_at=when, updated_at=when
            )
        if outcome == "strategy":
            self.backdate_referrals(contact, when)
        self.backdate_fresh(when, notifications=not rag)
        return enquiry

    def _request_codes(self, children: list[PersonSummary], day: dt.date) -> list[str]:
        ages = [c.age_on(day) for c in children] or [8.0]
        codes = ["police"]
        if any(a < 0 for a in ages):
            codes.append("health-midwifery")
        if any(0 <= a < 5 for a in ages):
            codes.append("health-hv")
        if any(4 <= a < 11 for a in ages):
            codes.append("school-oak")
        if any(11 <= a < 17 for a in ages):
            codes.append("school-ash")
        codes += self.rng.sample(_OPTIONAL_AGENCIES, k=self.rng.choice([0, 0, 1]))
        codes.append("health-gp")  # last: the GP and schools are the ones left waiting in open enquiries
        return list(dict.fromkeys(codes))

    def step_request(self, enquiry: Enquiry, codes: list[str], when: dt.datetime) -> list[AgencyRequest]:
        requests = agency_requests_create(
            actor=self.screener(),
            enquiry_id=enquiry.pk,
            agency_codes=codes,
            question="What do you know about the children and adults in this household?",
        )
        enquiry.refresh_from_db()
        # the partnership's lead before the enquiry
        due = agency_due_at(enquiry_due=enquiry.due_at, now=when, immediate_risk=enquiry.contact.immediate_risk)
        AgencyRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            requested_at=when, created_at=when, updated_at=when, due_at=due
        )
        return requests

    def step_rerate(self, enquiry: Enquiry, rag: str, when: dt.datetime) -> None:
        enquiry.refresh_from_db()
        enquiry_rerate(
            actor=self.manager(),
            enquiry_id=enquiry.pk,
            rag=rag,
            reason="New information from partners changes the urgency.",
            version=enquiry.version,
        )
        due = self.due(when, rag, immediate_risk=enquiry.contact.immediate_risk)
        Enquiry.objects.filter(pk=enquiry.pk).update(rag_set_at=when, due_at=due)
        RagChange.objects.filter(enquiry=enquiry, created_at__gte=self.t0).update(
            changed_at=when, due_at=due, created_at=when, updated_at=when
        )
        AgencyRequest.objects.filter(enquiry=enquiry, status="open").update(
            due_at=agency_due_at(enquiry_due=due, now=when, immediate_risk=enquiry.contact.immediate_risk)
        )
        self.backdate_fresh(when)

    def step_respond(self, request: AgencyRequest, when: dt.datetime) -> None:
        rng = self.rng
        code = request.agency.code
        no_info = rng.random() < 0.3
        sensitivity = "standard"
        if code.startswith("health") and rng.random() < 0.3:
            sensitivity = "sensitive"
        elif code == "police" and rng.random() < 0.1:
            sensitivity = "restricted"
        response = agency_response_record(
            actor=self.actors[f"{code}.researcher"],
            request_id=request.pk,
            no_information=no_info,
            summary="" if no_info else RESPONSE_SUMMARIES[code],
            risk_indicators=[]
            if no_info
            else rng.sample(RISK_BY_AGENCY[code], k=min(len(RISK_BY_AGENCY[code]), rng.randint(0, 2))),
            relevant_dates=""
            if no_info
            else f"Last contact {timezone.localdate(when) - dt.timedelta(days=40):%d %B %Y}",
            sensitivity=sensitivity,
        )
        AgencyResponse.objects.filter(pk=response.pk).update(responded_at=when, created_at=when, updated_at=when)
        self.release_standard_answer(request, sensitivity, when)
        self.backdate_fresh(when)

    def release_standard_answer(self, request: AgencyRequest, sensitivity: str, when: dt.datetime) -> None:
        """The secure room (issue 7): the agency releases a standard answer's item out of the hub, so allocated
        workers' packs show it; sensitive and restricted answers stay in the hub until asked for. No random draw
        (the seed's other draws stay as they were)."""
        from openmash.sharing.models import ContributedItem, ShareDecision
        from openmash.sharing.services import item_release

        if sensitivity != "standard":
            return
        code = request.agency.code
        for item in ContributedItem.objects.filter(request=request, state="shared", released_at__isnull=True):
            item_release(
                actor=self.actors[f"{code}.researcher"],
                item_id=item.pk,
                decision={
                    "outcome": "share",
                    "purpose": "protect_child",
                    "lawful_basis": "public_task",
                    "part3_condition": "sch8_para4",
                    "consent": "not_sought",
                    "consent_not_sought_reason": "risk_to_child",
                    "necessity_note": "Needed by the allocated worker for the assessment.",
                },
            )
        ContributedItem.objects.filter(request=request).update(recorded_at=when, released_at=when)
        ShareDecision.objects.filter(item__request=request).update(decided_at=when)

    def step_decide(self, contact: Contact, enquiry: Enquiry, outcome: tuple[list[str], int], when) -> None:
        outcomes, level = outcome
        decision = enquiry_decide(
            actor=self.manager(),
            enquiry_id=enquiry.pk,
            outcomes=outcomes,
            threshold_level=level,
            rationale=DECISION_RATIONALE[level],
            next_steps="Feedback given to the referrer; partners informed of the outcome.",
            unanswered_confirmed=True,  # some agencies had not answered in time: the manager decided anyway
        )
        Decision.objects.filter(pk=decision.pk).update(decided_at=when, created_at=when, updated_at=when)
        self.backdate_referrals(contact, when)
        self.backdate_fresh(when, notifications=True)

    # --- one contact, start to end ----------------------------------------------------------------------------------

    def run(self, plan: Plan) -> None:
        contact = self.step_contact(plan)
        kind = plan.kind
        if kind in ("await_due", "await_overdue", "routed"):
            pass
        elif kind == "routed_screen":
            self._routed_by_screening(plan, contact)
        elif kind == "closed":
            self.step_screen(contact, plan.variant, plan.times["screened"])
        elif kind == "strategy":
            self.step_screen(contact, "strategy", plan.times["screened"])
        else:
            self._enquiry(plan, contact)
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _routed_by_screening(self, plan: Plan, contact: Contact) -> None:
        """The child became open to a social worker after the contact arrived; the screener passes it on."""
        when = plan.times["allocated"]
        worker = self.social_workers[0].user
        CaseAllocation.objects.bulk_create(
            [
                CaseAllocation(person_id=c.id, agency=self.agency["csc"], worker=worker, opened_at=when)
                for c in plan.children
            ]
        )
        CaseAllocation.objects.filter(created_at__gte=self.t0).update(created_at=when, updated_at=when)
        self.step_screen(contact, "allocated_worker", plan.times["screened"])

    def _enquiry(self, plan: Plan, contact: Contact) -> None:
        enquiry = self.step_screen(contact, "mash_enquiry", plan.times["screened"], rag=plan.rag)
        day = timezone.localdate(plan.received)
        requests = self.step_request(enquiry, self._request_codes(plan.children, day), plan.times["requested"])
        if plan.rerate_to:
            self.step_rerate(enquiry, plan.rerate_to, plan.times["rerated"])
        answered = requests if plan.answered == "all" else requests[: max(1, len(requests) // 2)]
        start = plan.times.get("rerated", plan.times["requested"])
        for request in sorted(answered, key=lambda r: self.rng.random()):
            self.step_respond(request, self.cap(self.between(start, plan.times["responses_by"])))
        if plan.outcome:
            self.step_decide(contact, enquiry, plan.outcome, self.cap(plan.times["decided"]))
            if plan.outcome[1] >= 3:
                day = timezone.localdate(plan.times["decided"])
                self.referred += [(day, c) for c in plan.children]

    def joined(self, count: int = 2) -> None:
        """Duplicate work caught at the front door (ADR 0007): for a few MASH enquiries still open, another agency
        raises the same concern about the same children soon after, and the screener adds that contact to the open
        enquiry instead of starting a parallel one."""
        open_ones = (
            Enquiry.objects.filter(status="open", contact__recording_agency__is_hub=False)
            .select_related("contact__recording_agency")
            .order_by("-opened_at")[: count * 3]
        )
        done = 0
        for enquiry in open_ones:
            first = enquiry.contact
            recorders = [
                name
                for name in _RECORDER_WEIGHTS
                if name.split(".")[0] != first.recording_agency.code and not self.actors[name].is_hub
            ]
            if done >= count or not recorders:
                break
            actor = self.actors[self.rng.choice(recorders)]
            children = [cp.person for cp in first.people.filter(role="subject").select_related("person")]
            if any(c.date_of_birth is None for c in children):
                continue
            when = min(enquiry.opened_at + dt.timedelta(hours=2), timezone.now() - dt.timedelta(minutes=30))
            for child in children:  # found first, as at the front door
                person_search(
                    actor=actor,
                    name=f"{child.forename} {child.surname}",
                    date_of_birth=child.date_of_birth,
                    rate_limited=False,
                )
            data = {
                "subjects": [{"person_id": str(c.pk)} for c in children],
                "household": [],
                "concern_codes": list(first.concern_codes),
                "narrative": "We are worried about the same incident: the children told staff about it this morning. "
                + CONTEXT_BY_AGENCY[actor.agency.code if actor.agency.code in CONTEXT_BY_AGENCY else "police"],
                "received_at": when,
                "immediate_risk": False,
                **self._referrer(actor.agency.code),
                **self._consent(actor.agency.code),
            }
            contact, _ = contact_create(actor=actor, data=data, recorded_at=when)
            self.backdate_fresh(when)
            screening = screening_record(
                actor=self.screener(),
                contact_id=contact.pk,
                outcome="add_to_enquiry",
                rationale=SCREENING_RATIONALE["add_to_enquiry"],
                enquiry_id=enquiry.pk,
            )
            later = when + dt.timedelta(minutes=40)
            Screening.objects.filter(pk=screening.pk).update(screened_at=later, created_at=later, updated_at=later)
            self.backdate_fresh(later, notifications=True)
            self.counts["joined"] = self.counts.get("joined", 0) + 1
            done += 1

    # --- finishing --------------------------------------------------------------------------------------------------

    def escalate(self) -> int:
        """The escalation job last ran two working hours ago: requests overdue since then are not yet escalated."""
        when = self.back(120)
        count = agency_requests_escalate_overdue(now=when)
        self.backdate_fresh(when, chronology=False, notifications=True)
        return count

    def settle_allocations(self) -> None:
        """Referrals from long ago have been assessed and closed; recent ones have a social worker, unless a later
        contact about the child arrived (it would then have been routed to them)."""
        for allocation in CaseAllocation.objects.filter(referral__isnull=False, closed_at__isnull=True):
            age = self.now - allocation.opened_at
            if age > dt.timedelta(days=70):
                closed = allocation.opened_at + dt.timedelta(days=self.rng.randint(20, 60))
                CaseAllocation.objects.filter(pk=allocation.pk).update(closed_at=closed, updated_at=closed)
            elif self.last_contact.get(allocation.person_id, self.start) <= allocation.opened_at:
                worker = self.rng.choice(self.social_workers).user
                CaseAllocation.objects.filter(pk=allocation.pk).update(worker=worker)
        Notification.objects.filter(created_at__lt=self.now - dt.timedelta(days=7)).update(
            read_at=F("created_at") + dt.timedelta(hours=3)
        )


def seed_demo(stdout=None, *, people=5000, households=2000, contacts=600, months=18, seed=2026) -> bool:
    """Load the synthetic partnership once. Returns False (and does nothing) if the partnership has agencies."""
    if Agency.objects.exists():
        return False
    started = time.perf_counter()
    seeder = DemoSeeder(stdout, people=people, households=households, contacts=contacts, months=months, seed=seed)
    with transaction.atomic():
        seeder.say("Seeding the synthetic partnership (all names and identifiers are invented)...")
        seeder.agencies()
        seeder.users()
        seeder.agreements()
        seeder.say(f"  {len(AGENCIES)} agencies and {len(seeder.actors)} users ({time.perf_counter() - started:.1f}s)")
        seeder.population()
        seeder.say(
            f"  {seeder.population_.people_count} people in {len(seeder.population_.households)} households"
            f" ({time.perf_counter() - started:.1f}s)"
        )
        seeder.allocations()
        plans = seeder.plans()
        for i, plan in enumerate(plans, start=1):
            seeder.run(plan)
            if i % 100 == 0 or i == len(plans):
                seeder.say(f"  {i}/{len(plans)} contacts through the workflow ({time.perf_counter() - started:.1f}s)")
        seeder.joined()
        escalated = seeder.escalate()
        seeder.settle_allocations()
        seeder.finalise_timestamps()
    # The records the workflow wrote (intake stores them unscored, ADR 0009) are scored now, as the platform's
    # scoring run would have scored them during the demo's history; the generated population's were marked scored
    # as they were written (population_records_scored). So the first import scores its own records, not the whole
    # partnership (practitioner review of issue 6, leftovers: 6,318 records, 1 min 34 s).
    from openmash.matching.scoring import records_due_score

    scored = records_due_score(None)
    seeder.say(
        f"  {scored.records} agency records from the workflow scored: {scored.confirmed} joined, {scored.proposed}"
        f" to review ({time.perf_counter() - started:.1f}s)"
    )
    summary = ", ".join(f"{k} {v}" for k, v in sorted(seeder.counts.items()))
    seeder.say(f"  {escalated} overdue agency requests escalated; contacts: {summary}")
    seeder.say(f"Done in {time.perf_counter() - started:.1f}s.")
    return True


__all__ = ["DEMO_PASSWORD", "DemoSeeder", "demo_logins", "seed_demo", "working_minutes_before"]
