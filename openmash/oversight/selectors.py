"""Reads of the oversight app (issue 7): the privacy officer's review queue and alerts, access notices, who has seen
a person's record, the report of views without an involvement, and the subject access export. Every read that shows
personal data is audited in the same transaction; the access rules are in openmash/access (policy, involvement)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.utils import timezone

from openmash.access.involvement import basis_label, involvement_at
from openmash.access.policy import (
    access_history_allowed,
    access_notice_get_for,
    break_glass_live_q,
    people_in_clusters,
    privacy_alert_get_for,
    privacy_alerts_visible,
    require,
)
from openmash.audit.export import neutralise
from openmash.audit.selectors import person_seen_events, person_view_events
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound, PermissionDenied
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, day_bounds, paginate
from openmash.core.text import datetime_long
from openmash.oversight.choices import AlertStatus
from openmash.oversight.models import AccessNotice, BreakGlass, PrivacyAlert


def role_label(code: str) -> str:
    """A role code as the pages name it ("Agency researcher"), from the membership model's own choices."""
    from openmash.accounts.models import Membership

    return str(dict(Membership._meta.get_field("role").flatchoices).get(code, code or "—"))


# --- the review queue --------------------------------------------------------------------------------------------


def review_days() -> int:
    """How many calendar days a break-glass alert may wait for review (OPENMASH_BREAK_GLASS_REVIEW_DAYS, default 7:
    about five working days; calendar days so the deadline needs no bank-holiday calendar and is the same on
    every partnership's clock). Source: BG-1 "reviewed or escalated within policy days"; NHS SCR privacy officers
    review alerts promptly but set no national figure."""
    return max(1, int(settings.OPENMASH_BREAK_GLASS_REVIEW_DAYS))


def review_due_at(created_at: dt.datetime) -> dt.datetime:
    """When an alert raised at `created_at` is due for review (UTC)."""
    return created_at + dt.timedelta(days=review_days())


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Alerts overdue for review: still unreviewed more than `review_days()` after they were raised. A flagged alert
    has been reviewed (its follow-up is the officer's); an approved or escalated one is closed."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=review_days())
    return Q(status=AlertStatus.UNREVIEWED, created_at__lt=cutoff)


def is_overdue(alert: PrivacyAlert, now: dt.datetime | None = None) -> bool:
    """Whether this alert is overdue for review now (the same rule as `overdue_q`)."""
    return alert.status == AlertStatus.UNREVIEWED and review_due_at(alert.created_at) < (now or timezone.now())


def overdue_count_all() -> int:
    """How many alerts are overdue for review, partnership-wide: a count only, no personal data (the CLI
    `openmash oversight overdue` and monitoring). Not audited."""
    return PrivacyAlert.objects.filter(overdue_q()).count()


def overdue_count(*, actor) -> int:
    """How many alerts the privacy officer sees are overdue for review. A count: not audited."""
    require(actor, "privacy.review")
    return privacy_alerts_visible(actor).filter(overdue_q()).count()


@transaction.atomic
def review_queue(*, actor, page=1, status: str = "", page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the privacy officer's alerts: overdue first (unreviewed past OPENMASH_BREAK_GLASS_REVIEW_DAYS),
    then the other unreviewed, then flagged, then the rest, each oldest first (NHS SCR: every alert reviewed), with
    who broke glass (user, agency) and when; each alert carries `overdue` (bool) and `review_due_at`. `status`: one
    AlertStatus code to show only those, or "overdue". Audited: a `list` of the alerts shown (they name no child:
    the reference only)."""
    require(actor, "privacy.review")
    qs = privacy_alerts_visible(actor).select_related(
        "break_glass__user", "break_glass__membership__agency", "decided_by"
    )
    late = overdue_q()
    if status == "overdue":
        qs = qs.filter(late)
    elif status in AlertStatus.values:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        overdue=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()),
        queue_rank=Case(
            When(late, then=Value(0)),
            When(status=AlertStatus.UNREVIEWED, then=Value(1)),
            When(status=AlertStatus.FLAGGED, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
    ).order_by("queue_rank", "created_at", "id")
    result = paginate(qs, page=page, page_size=page_size)
    for alert in result.items:
        alert.review_due_at = review_due_at(alert.created_at)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="privacy review queue")
    return result


def unreviewed_count(*, actor) -> int:
    """How many alerts wait for review (the privacy officer's home page). A count: not audited."""
    require(actor, "privacy.review")
    return privacy_alerts_visible(actor).filter(status=AlertStatus.UNREVIEWED).count()


@transaction.atomic
def alert_get(*, actor, alert_id) -> PrivacyAlert:
    """One alert as the privacy officer reviews it: the break-glass (who, in which role and agency, when, until
    when, the category and the reason), the person's record, and every decision. Audited: a `view` of the alert and
    of the person whose record it names. NotFound for anyone else (privacy_alerts_visible). Each of
    `alert.decision_rows` carries `held` (access.sharing.privacy_alert_note_held): its note and writer are then
    not shown."""
    qs = privacy_alerts_visible(actor).select_related(
        "break_glass__user", "break_glass__membership__agency", "break_glass__person", "break_glass__ended_by"
    )
    alert = privacy_alert_get_for(actor, alert_id, qs=qs)
    alert.decision_rows = list(alert.decisions.select_related("decided_by").order_by("decided_at", "id"))
    from openmash.access.sharing import privacy_alert_note_held

    for row in alert.decision_rows:  # each note at its writer's level (issue 7, lawful sharing)
        row.held = privacy_alert_note_held(actor, row)
    audit_record(actor=actor, action="view", obj=alert)
    audit_record(actor=actor, action="view", obj=alert.break_glass.person, reason="privacy review")
    return alert


# --- access notices -----------------------------------------------------------------------------------------------


@transaction.atomic
def access_notice_get(*, actor, notice_id) -> AccessNotice:
    """An access notice sent to the actor: who (role, agency) opened the record and when, and the person's id (for a
    link the page shows only if the actor may open the record). Audited `view` of the notice. NotFound otherwise."""
    qs = AccessNotice.objects.select_related("viewer_membership__agency", "viewer")
    notice = access_notice_get_for(actor, notice_id, qs=qs.filter(pk__in=_notices_of(actor)))
    audit_record(actor=actor, action="view", obj=notice)
    return notice


def _notices_of(actor):
    from openmash.access.policy import access_notices_visible

    return access_notices_visible(actor).values("pk")


# --- who has seen this child's record -----------------------------------------------------------------------------


@dataclass
class SeenRow:
    at: dt.datetime
    username: str
    name: str
    role: str
    agency: str
    action: str
    basis: str
    break_glass: bool


def _person_for_history(actor, person_id):
    """The resolved person whose access history is asked for: PermissionDenied for anyone but the MASH managers
    and the privacy officer; NotFound for no such person."""
    from openmash.people.models import Person

    if not access_history_allowed(actor):
        raise PermissionDenied("You do not have permission to do that.")
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    except Exception as exc:  # a malformed id
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from None
        raise
    return Person.objects.get(pk=person.merged_into_id) if person.merged_into_id else person


_ACTION_WORDS = {
    "view": "Opened the record",
    "list": "Shown in a list",
    "search_result": "Found in a search",
    "export": "Exported",
    "break_glass": "Broke glass (emergency access)",
}


@transaction.atomic
def person_access_history(*, actor, person_id, page=1, page_size=DEFAULT_PAGE_SIZE):
    """Who has seen a person's record (issue 7): every view, list row, search result, export and break-glass of the
    person's cluster from the audit trail, newest first, paged: user, role, agency, time (shown in Europe/London),
    the basis when the event recorded one, break-glass marked. For the MASH managers and the privacy officer
    (PermissionDenied otherwise; NotFound for no such person). Out: (person, Page of SeenRow). Reading it is audited
    (`view` of the person, reason "access history")."""
    from openmash.accounts.models import Agency, User

    person = _person_for_history(actor, person_id)
    cluster = [row["pk"] for row in people_in_clusters([person.pk])]
    result = paginate(person_seen_events(actor=actor, person_ids=cluster), page=page, page_size=page_size)
    events = result.items
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={e.actor_user_id for e in events if e.actor_user_id})}
    agencies = dict(Agency.objects.filter(code__in={e.agency_code for e in events}).values_list("code", "name"))
    glass_users = _break_glass_windows(cluster)
    rows = []
    for e in events:
        basis = (e.detail or {}).get("basis", "") if isinstance(e.detail, dict) else ""
        is_glass = e.action == "break_glass" or basis == "break_glass" or _in_window(glass_users, e)
        rows.append(
            SeenRow(
                at=e.at,
                username=e.actor_username,
                name=names.get(e.actor_user_id, ""),
                role=role_label(e.role) if e.role else "",
                agency=agencies.get(e.agency_code, e.agency_code),
                action=_ACTION_WORDS.get(e.action, e.action),
                basis=basis_label("break_glass" if is_glass and not basis else basis),
                break_glass=is_glass,
            )
        )
    result = dataclasses.replace(result, items=rows)
    audit_record(actor=actor, action="view", obj=person, reason="access history", detail={"page": result.number})
    return person, result


def _break_glass_windows(cluster) -> dict:
    """{user id: [(start, end)]} of the break-glass uses covering the cluster (to mark the events inside them)."""
    windows: dict = {}
    for g in BreakGlass.objects.filter(person_id__in=cluster):
        end = min(g.expires_at, g.ended_at) if g.ended_at else g.expires_at
        windows.setdefault(g.user_id, []).append((g.started_at, end))
    return windows


def _in_window(windows, event) -> bool:
    return any(start <= event.at < end for start, end in windows.get(event.actor_user_id, ()))


# --- views without an involvement (possible snooping) -----------------------------------------------------------

#: The most view events one report checks (newest first); the page says when there were more.
REPORT_CHECK_MAX = 5000


@dataclass
class ReportRow:
    event_id: int
    at: dt.datetime
    username: str
    name: str
    role: str
    agency: str
    person_id: str
    person: str
    involvement: str


@dataclass
class SnoopingReport:
    without: list = field(default_factory=list)  # views with no involvement at the time
    break_glass: list = field(default_factory=list)  # views covered only by a break-glass (listed separately)
    checked: int = 0
    capped: bool = False


def snooping_report(*, actor, date_from=None, date_to=None, agency_code: str = "") -> SnoopingReport:
    """The privacy officer's report of views of person records made without an involvement at the time (possible
    curiosity browsing: ICO s.170 cases found by internal audit; SECURITY-TESTS section 7), within a range of UK
    days and optionally one agency. Each `view` event (newest first, at most REPORT_CHECK_MAX) is compared with the
    involvement rules of access.involvement.involvement_at; views covered only by break-glass are listed apart.
    Not audited here: the page and the CSV export audit what they show (`report_views`)."""
    from openmash.accounts.models import Agency, User
    from openmash.people.models import Person
    from openmash.people.names import names_resolve

    require(actor, "privacy.review")
    events = list(
        person_view_events(actor=actor, date_from=date_from, date_to=date_to, agency_code=agency_code)[
            : REPORT_CHECK_MAX + 1
        ]
    )
    report = SnoopingReport(capped=len(events) > REPORT_CHECK_MAX)
    events = events[:REPORT_CHECK_MAX]
    report.checked = len(events)
    agencies = {a.code: a for a in Agency.objects.filter(code__in={e.agency_code for e in events})}
    flagged = []
    for e in events:
        agency = agencies.get(e.agency_code)
        found = involvement_at(
            user_id=e.actor_user_id,
            role=e.role,
            agency_id=agency.pk if agency else None,
            is_hub_agency=bool(agency and agency.is_hub),
            person_id=e.object_id,
            at=e.at,
        )
        if found in ("", "break_glass"):
            flagged.append((e, found))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={e.actor_user_id for e, _ in flagged})}
    loaded = list(Person.objects.filter(pk__in=_ids(flagged)))
    names_resolve(loaded)  # the resolved names the person page shows, one query (issue 6, finding 2)
    people = {str(p.pk): p.full_name or "Unnamed person" for p in loaded}
    for e, found in flagged:
        row = ReportRow(
            event_id=e.id,
            at=e.at,
            username=e.actor_username,
            name=names.get(e.actor_user_id, ""),
            role=role_label(e.role),
            agency=agencies[e.agency_code].name if e.agency_code in agencies else e.agency_code,
            person_id=e.object_id,
            person=people.get(e.object_id, "Person (no longer on record)"),
            involvement=basis_label(found) if found else "None found",
        )
        (report.break_glass if found == "break_glass" else report.without).append(row)
    return report


def _ids(flagged) -> list[str]:
    import uuid

    out = []
    for e, _ in flagged:
        try:
            out.append(str(uuid.UUID(e.object_id)))
        except ValueError:
            continue
    return out


def snooping_report_audit(*, actor, report: SnoopingReport, action: str, filters: dict) -> None:
    """Audit a reading of the report: one event naming the filters (codes and dates only) and counts, and one per
    person listed (the report names them)."""
    from openmash.people.models import Person

    ids = {r.person_id for r in report.without + report.break_glass}
    audit_record(
        actor=actor,
        action=action,
        object_type="oversight.report_views",
        detail={
            **filters,
            "checked": report.checked,
            "without": len(report.without),
            "break_glass": len(report.break_glass),
        },
    )
    people = list(Person.objects.filter(pk__in=[i for i in ids if _valid_uuid(i)]))
    if people:  # each person named: a list row (or an export row), never a "view" of their record
        each = "export" if action == "export" else "list"
        audit_record_many(actor=actor, action=each, objects=people, reason="views without an involvement")


def _valid_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


REPORT_HEADER = [
    "When (Europe/London)",
    "User",
    "Name",
    "Role",
    "Agency",
    "Person",
    "Person record ID",
    "Involvement at the time",
    "Listed as",
    "Audit event ID",
]


def snooping_report_csv(report: SnoopingReport) -> str:
    """The report as CSV (RFC 4180; every cell through audit.export.neutralise, so no cell runs as a formula: IN-4)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    for listed, rows in (("No involvement", report.without), ("Break-glass", report.break_glass)):
        for r in rows:
            row = [
                timezone.localtime(r.at).isoformat(timespec="seconds"),
                r.username,
                r.name,
                r.role,
                r.agency,
                r.person,
                r.person_id,
                r.involvement,
                listed,
                r.event_id,
            ]
            writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


# --- the report of break-glass uses by period, with their outcome ---------------------------------------------------

USES_MAX = 5000


@dataclass
class UseRow:
    reference: str
    started_at: dt.datetime
    username: str
    name: str
    role: str
    agency: str
    category: str
    ended: str  # "Ended early", "Expired", "Still open"
    outcome: str  # the alert's status label
    decided_at: dt.datetime | None
    decided_by: str
    review_due_at: dt.datetime
    overdue: bool
    alert_id: str


@dataclass
class UsesReport:
    rows: list = field(default_factory=list)
    capped: bool = False
    outcomes: dict = field(default_factory=dict)  # status label -> count
    overdue: int = 0


def break_glass_uses(*, actor, date_from=None, date_to=None, agency_code: str = "") -> UsesReport:
    """Break-glass uses started within a range of UK calendar days (both inclusive; optional) and optionally by one
    agency's staff, oldest first (at most USES_MAX), each with how it ended and the privacy officer's outcome
    (status, when, by whom) and whether its review is overdue (BG-1's "reviewed or escalated within policy days").
    Names the staff who broke glass, never the child (the alert's reference and id only). `privacy.review` only.
    Not audited here: the page and the CSV audit what they show (`break_glass_uses_audit`)."""
    require(actor, "privacy.review")
    start, end = day_bounds(date_from, date_to, fields=("date_from", "date_to"))
    qs = privacy_alerts_visible(actor).select_related(
        "break_glass__user", "break_glass__membership__agency", "decided_by"
    )
    if start:
        qs = qs.filter(break_glass__started_at__gte=start)
    if end:
        qs = qs.filter(break_glass__started_at__lt=end)
    if agency_code:
        qs = qs.filter(break_glass__membership__agency__code=agency_code)
    qs = qs.annotate(
        overdue=Case(When(overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("break_glass__started_at", "id")
    alerts = list(qs[: USES_MAX + 1])
    report = UsesReport(capped=len(alerts) > USES_MAX)
    now = timezone.now()
    for alert in alerts[:USES_MAX]:
        glass = alert.break_glass
        if glass.ended_at is not None and glass.ended_at < glass.expires_at:
            ended = "Ended early"
        elif glass.expires_at <= now or glass.ended_at is not None:
            ended = "Expired"
        else:
            ended = "Still open"
        outcome = alert.get_status_display()
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        report.overdue += bool(alert.overdue)
        report.rows.append(
            UseRow(
                reference=alert.reference,
                started_at=glass.started_at,
                username=glass.user.username,
                name=str(glass.user),
                role=glass.membership.get_role_display(),
                agency=glass.membership.agency.name,
                category=glass.get_category_display(),
                ended=ended,
                outcome=outcome,
                decided_at=alert.decided_at,
                decided_by=str(alert.decided_by) if alert.decided_by_id else "",
                review_due_at=review_due_at(alert.created_at),
                overdue=bool(alert.overdue),
                alert_id=str(alert.pk),
            )
        )
    return report


def break_glass_uses_audit(*, actor, report: UsesReport, action: str, filters: dict) -> None:
    """Audit a reading of the uses report: one event with the filters (codes and dates) and the counts, and one
    `list` (page) or `export` (CSV) per alert shown."""
    audit_record(
        actor=actor,
        action=action,
        object_type="oversight.report_break_glass",
        detail={**filters, "uses": len(report.rows), "overdue": report.overdue},
    )
    if report.rows:
        alerts = list(PrivacyAlert.objects.filter(pk__in=[r.alert_id for r in report.rows]))
        audit_record_many(actor=actor, action=action, objects=alerts, reason="break-glass uses report")


USES_HEADER = [
    "Alert",
    "Started (Europe/London)",
    "User",
    "Name",
    "Role",
    "Agency",
    "Why",
    "Access",
    "Outcome",
    "Decided (Europe/London)",
    "Decided by",
    "Review due (Europe/London)",
    "Overdue",
]


def break_glass_uses_csv(report: UsesReport) -> str:
    """The uses report as CSV (RFC 4180; every cell through audit.export.neutralise: IN-4)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(USES_HEADER)
    for r in report.rows:
        row = [
            r.reference,
            _iso(r.started_at),
            r.username,
            r.name,
            r.role,
            r.agency,
            r.category,
            r.ended,
            r.outcome,
            _iso(r.decided_at) or "",
            r.decided_by,
            _iso(r.review_due_at),
            "yes" if r.overdue else "no",
        ]
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


# --- subject access export ----------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


@transaction.atomic
def subject_access_export(*, actor, person_id) -> tuple[str, bytes]:
    """Every record OpenMASH holds about one person, for a subject access request (UK GDPR art. 15), as a zip of JSON
    files: person.json (details over the cluster: names, dates, identifiers, addresses, aliases), contacts.json (each
    contact naming them, its narrative and outcome), chronology.json (every entry, every sensitivity: the privacy
    officer decides what to redact before release; a sealed entry's words held, as on the chronology:
    access.sharing.chronology_entry_held), answers.json (agencies' answers to the hub's requests about the
    contacts), messages.json (the secure messages on those contacts' enquiries, a sealed one held: ADR 0017
    addendum), case_notes.json (the hub's case notes on those contacts: text, author's agency, times, sensitivity,
    a sealed one held as the case notes' own rule holds it), access_history.json (who has seen the record: the audit trail). Times in Europe/London.
    For the privacy officer only (`subject_access.export`; the caller checks a fresh step-up). Audited `export` of
    the person with the number of records in each file. Out: (file name, zip bytes). NotFound for no such person."""
    from openmash.access.sharing import (
        SEALED_ENTRY_HELD_TEXT,
        answer_text_held,
        chronology_entry_held,
        sealed_roles,
    )
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import AgencyResponse
    from openmash.people.models import Address, ChronologyEntry, Person, PersonAlias, PersonIdentifier

    require(actor, "subject_access.export")
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from None
        raise
    if person.merged_into_id:
        person = Person.objects.get(pk=person.merged_into_id)
    cluster = [row["pk"] for row in people_in_clusters([person.pk])]
    people = list(Person.objects.filter(pk__in=cluster))
    files = {
        "person.json": [
            {
                "id": str(p.pk),
                "kind": p.kind,
                "forename": p.forename,
                "surname": p.surname,
                "date_of_birth": _iso(p.date_of_birth),
                "expected_date_of_birth": _iso(p.expected_date_of_birth),
                "sex": p.sex,
                "ethnicity": p.ethnicity,
                "merged_into": str(p.merged_into_id) if p.merged_into_id else None,
                "identifiers": [
                    {"type": i.identifier_type, "value": i.value}
                    for i in PersonIdentifier.objects.filter(person=p).order_by("identifier_type")
                ],
                "addresses": [
                    {
                        "line1": a.line1,
                        "town": a.town,
                        "postcode": a.postcode,
                        "start_date": _iso(a.start_date),
                        "end_date": _iso(a.end_date),
                    }
                    for a in Address.objects.filter(person=p).order_by("start_date")
                ],
                "aliases": [
                    {"forename": a.forename, "surname": a.surname} for a in PersonAlias.objects.filter(person=p)
                ],
            }
            for p in people
        ]
    }
    links = ContactPerson.objects.filter(person_id__in=cluster).select_related(
        "contact__recording_agency", "contact__screening"
    )
    files["contacts.json"] = [
        {
            "reference": cp.contact.reference,
            "received_at": _iso(cp.contact.received_at),
            "recording_agency": cp.contact.recording_agency.name,
            "role_in_contact": cp.role,
            "status": cp.contact.status,
            "concern_codes": list(cp.contact.concern_codes),
            "narrative": cp.contact.narrative,
            "screening_outcome": getattr(getattr(cp.contact, "screening", None), "outcome", None),
        }
        for cp in links.order_by("contact__received_at")
    ]
    contact_ids = [cp.contact_id for cp in links]
    # every entry, at its sensitivity: a sealed one's words held here as on the chronology (access.sharing
    # .chronology_entry_held, the one rule; attacker review 2026-12 finding A), its date and agency kept
    roles = sealed_roles()
    chronology = []
    for e in ChronologyEntry.objects.filter(person_id__in=cluster).select_related("agency").order_by("occurred_at"):
        held = chronology_entry_held(actor, e.sensitivity, roles)
        chronology.append(
            {
                "occurred_at": _iso(e.occurred_at),
                "kind": e.kind,
                "event_kind": "" if held else e.event_kind,
                "agency": e.agency.name if e.agency_id else None,
                "summary": SEALED_ENTRY_HELD_TEXT if held else e.summary,
                "description": "" if held else e.description,
                "sensitivity": e.sensitivity or "standard",
                "held": held,
            }
        )
    files["chronology.json"] = chronology
    files["answers.json"] = [
        {
            "agency": r.request.agency.name,
            "contact": r.request.enquiry.contact.reference,
            "responded_at": _iso(r.responded_at),
            "no_information": r.no_information,
            "summary": r.summary,
            # the answer's free text carries the highest sensitivity of its items: a sealed one is held here as a
            # sealed item is (access.sharing.answer_text_held; ADR 0013 addendum)
            "relevant_dates": "" if answer_text_held(actor, r.request) else r.relevant_dates,
            "relevant_dates_held": answer_text_held(actor, r.request),
            "late": r.late,
        }
        for r in AgencyResponse.objects.filter(request__enquiry__contact_id__in=contact_ids).select_related(
            "request__agency", "request__enquiry__contact"
        )
    ]
    from openmash.messaging.selectors import messages_for_subject_access

    # the secure messages on those contacts' enquiries, each at its sensitivity: a sealed one held here as on the
    # thread (access.messaging.message_shown; ADR 0017 addendum)
    files["messages.json"] = messages_for_subject_access(actor=actor, contact_ids=contact_ids)
    from openmash.casework.selectors import case_notes_for_subject_access

    # the hub's case notes on those contacts, each at its sensitivity: a sealed one held here as on the contact page
    # and in the MASH pack (access.sharing.case_note_held, basis "subject_access"; issue 7)
    files["case_notes.json"] = case_notes_for_subject_access(actor=actor, contact_ids=contact_ids)
    seen = person_seen_events_for_export(actor=actor, cluster=cluster)
    files["access_history.json"] = seen
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(name, json.dumps(rows, indent=2, ensure_ascii=False))
        archive.writestr(
            "README.txt",
            "OFFICIAL-SENSITIVE. Subject access export from OpenMASH, made "
            f"{datetime_long(timezone.now())} (Europe/London) by {actor.user}. Review and redact third-party "
            "information before release (UK GDPR art. 15(4); DPA 2018 Sch 2 para 16).\n",
        )
    audit_record(
        actor=actor,
        action="export",
        obj=person,
        reason="subject access",
        detail={name: len(rows) for name, rows in files.items()},
    )
    return f"subject-access-{person.pk}.zip", buffer.getvalue()


def person_seen_events_for_export(*, actor, cluster) -> list[dict]:
    """The access history of the cluster for the subject access export: when, which agency, which role, what (the
    staff's names are third-party data and are left out)."""
    from openmash.accounts.models import Agency

    events = person_seen_events(actor=actor, person_ids=cluster).order_by("id")
    agencies = dict(Agency.objects.values_list("code", "name"))
    return [
        {
            "at": _iso(e.at),
            "agency": agencies.get(e.agency_code, e.agency_code),
            "role": role_label(e.role) if e.role else "",
            "action": _ACTION_WORDS.get(e.action, e.action),
        }
        for e in events
    ]


def live_break_glass_for(*, actor, person) -> BreakGlass | None:
    """The actor's own live break-glass covering `person` (for the banner on the record: until when, and 'end it
    now'), or None. Reads ids and times only: not audited."""
    from openmash.access.policy import break_glass_offered

    if actor is None or person is None or not break_glass_offered(actor):
        return None  # the hub and the roles that may not use it: no query
    cluster = people_in_clusters([person.pk])
    return (
        BreakGlass.objects.filter(
            break_glass_live_q(), user=actor.user, membership=actor.membership, person_id__in=cluster
        )
        .order_by("-expires_at")
        .first()
    )


def local_time(value) -> str:
    """A time for a sentence, Europe/London ("2 April 2026 at 5:30pm"; core.text.datetime_long)."""
    from openmash.core.text import datetime_long

    return datetime_long(value)


def is_live(glass: BreakGlass) -> bool:
    """Whether a break-glass still gives access now (not ended, not expired)."""
    return glass.ended_at is None and glass.expires_at > timezone.now()


def may_export(actor) -> bool:
    """Whether the actor may make a subject access export (the privacy officer)."""
    from openmash.access.policy import can

    return can(actor, "subject_access.export")


def person_for_subject_access(*, actor, text: str):
    """The person a subject access request names: a record id (UUID) or an NHS number (any spacing). In: the text
    typed. Out: the person's id. ValidationFailed on `person` when nobody or more than one person holds it."""
    from openmash.core.exceptions import ValidationFailed
    from openmash.people.models import Person, PersonIdentifier

    require(actor, "subject_access.export")
    text = (text or "").strip()
    try:
        pk = uuid.UUID(text)
    except ValueError:
        pk = None
    if pk is not None:
        if Person.objects.filter(pk=pk).exists():
            return pk
        raise ValidationFailed("No person found", errors={"person": ["No person has that record ID"]})
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 10:
        raise ValidationFailed(
            "Check the person", errors={"person": ["Enter a record ID, or an NHS number of 10 digits"]}
        )
    held = sorted(
        {
            p.merged_into_id or p.pk
            for p in Person.objects.filter(
                pk__in=PersonIdentifier.objects.filter(identifier_type="nhs_number", value=digits).values("person_id")
            )
        },
        key=str,
    )
    if not held:
        raise ValidationFailed("No person found", errors={"person": ["No person has that NHS number"]})
    if len(held) > 1:
        raise ValidationFailed(
            "More than one person",
            errors={"person": ["More than one person holds that NHS number: use the record ID instead"]},
        )
    return held[0]
