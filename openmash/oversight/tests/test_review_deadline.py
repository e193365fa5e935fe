"""BG-1's "100% reviewed or escalated within policy days" (ADR 0014 addendum): an alert still unreviewed more than
OPENMASH_BREAK_GLASS_REVIEW_DAYS calendar days after it was raised is overdue; the privacy officer's queue shows
overdue alerts first and marks them; the report of break-glass uses by period gives each use's outcome (page and
CSV, audited); `openmash oversight overdue` prints the count and nothing else."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from openmash.oversight.tests.conftest import CANARY_SURNAME
from openmash.oversight.tests.test_break_glass import REASON


def _use(actor, person, *, days_ago: float = 0):
    from openmash.oversight import services
    from openmash.oversight.models import PrivacyAlert

    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        glass = services.break_glass_open(
            actor=actor, person_id=person.pk, category="risk_to_life", reason=REASON, stepped_up=True
        )
    return PrivacyAlert.objects.get(break_glass=glass)


@pytest.fixture
def alerts(world, make_actor):
    """late: unreviewed for 8 days (overdue at the default 7); recent: unreviewed for 1 day; closed: 10 days old but
    approved (not overdue)."""
    from openmash.oversight import services

    late = _use(world["researcher_school"], world["child"], days_ago=8)
    closed = _use(make_actor("researcher", "police"), world["other"], days_ago=10)
    services.privacy_alert_decide(actor=world["officer"], alert_id=closed.pk, decision="approve", version=1)
    recent = _use(make_actor("researcher", "school-oak"), world["other"], days_ago=1)
    return {"late": late, "recent": recent, "closed": closed}


@pytest.mark.django_db
def test_the_queue_shows_overdue_alerts_first_and_marks_them(world, signed_in, alerts, settings):
    assert settings.OPENMASH_BREAK_GLASS_REVIEW_DAYS == 7
    officer = signed_in(world["officer"])
    page = officer.get("/privacy/").content.decode()
    assert 'data-testid="overdue-count"' in page and "1 alert not reviewed within 7 days" in page
    table = page[page.index('data-testid="alert-queue"') :]
    order = [table.index(alerts[k].reference) for k in ("late", "recent", "closed")]
    assert order == sorted(order)
    late_row = table[: table.index(alerts["recent"].reference)]
    assert 'data-overdue="true"' in late_row and 'data-testid="alert-overdue"' in late_row
    assert table.count('data-testid="alert-overdue"') == 1
    only = officer.get("/privacy/?status=overdue").content.decode()
    assert alerts["late"].reference in only and alerts["recent"].reference not in only
    api = officer.get("/api/v1/privacy-alerts").json()["items"]
    assert [(i["reference"], i["overdue"]) for i in api] == [
        (alerts["late"].reference, True),
        (alerts["recent"].reference, False),
        (alerts["closed"].reference, False),
    ]
    due = dt.datetime.fromisoformat(api[0]["review_due_at"])
    assert abs(due - (alerts["late"].created_at + dt.timedelta(days=7))) < dt.timedelta(milliseconds=1)
    assert officer.get(f"/api/v1/privacy-alerts/{alerts['late'].pk}").json()["overdue"] is True
    # a longer deadline: nothing overdue, nothing marked
    settings.OPENMASH_BREAK_GLASS_REVIEW_DAYS = 30
    page = officer.get("/privacy/").content.decode()
    assert 'data-testid="overdue-count"' not in page and 'data-testid="alert-overdue"' not in page


@pytest.mark.django_db
def test_deciding_an_overdue_alert_takes_it_off_the_overdue_count(world, alerts):
    from openmash.oversight import selectors, services

    assert selectors.overdue_count(actor=world["officer"]) == 1
    services.privacy_alert_decide(actor=world["officer"], alert_id=alerts["late"].pk, decision="approve", version=1)
    assert selectors.overdue_count(actor=world["officer"]) == 0


@pytest.mark.django_db
def test_the_cli_prints_the_overdue_count_and_no_personal_data(world, alerts, capsys):
    call_command("oversight_overdue")
    out = capsys.readouterr().out
    assert out.strip() == "1 break-glass alert(s) overdue for review (not reviewed within 7 days)."
    for secret in (alerts["late"].reference, CANARY_SURNAME, world["researcher_school"].user.username):
        assert secret not in out
    with pytest.raises(CommandError) as failed:
        call_command("oversight_overdue", "--fail-if-any")
    assert failed.value.returncode == 1


@pytest.mark.django_db
def test_the_cli_succeeds_quietly_with_nothing_overdue(world, capsys):
    call_command("oversight_overdue", "--fail-if-any")
    assert capsys.readouterr().out.startswith("0 break-glass alert(s) overdue")


@pytest.mark.django_db
def test_the_uses_report_lists_each_use_in_the_period_with_its_outcome_and_is_audited(world, signed_in, alerts):
    from openmash.audit.models import AuditEvent

    officer = signed_in(world["officer"])
    r = officer.get("/privacy/break-glass-uses/")
    text = r.content.decode()
    assert r.status_code == 200 and text.count('data-testid="uses-row"') == 3
    assert "overdue for review: 1" in text and "approved: the access was justified: 1" in text
    assert CANARY_SURNAME not in text  # the child is never named: the alert's reference only
    listed = AuditEvent.objects.filter(
        request_id=r["X-Request-Id"], action="list", object_type="oversight.privacyalert"
    )
    assert {e.object_id for e in listed} == {str(a.pk) for a in alerts.values()}
    # the last five days only (UK days): the recent one
    today = timezone.localdate()
    since = today - dt.timedelta(days=5)
    query = f"date_from_day={since.day}&date_from_month={since.month}&date_from_year={since.year}"
    text = officer.get(f"/privacy/break-glass-uses/?{query}").content.decode()
    assert text.count('data-testid="uses-row"') == 1 and alerts["recent"].reference in text
    # the CSV: same filters, formula-safe, audited as an export of each alert
    r = officer.get("/privacy/break-glass-uses.csv")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][0] == "Alert" and len(rows) == 4
    late = next(row for row in rows if row[0] == alerts["late"].reference)
    assert late[8] == "Not reviewed" and late[-1] == "yes" and late[7] == "Expired"
    closed = next(row for row in rows if row[0] == alerts["closed"].reference)
    assert closed[8].startswith("Approved") and closed[10] == str(world["officer"].user) and closed[-1] == "no"
    exported = AuditEvent.objects.filter(request_id=r["X-Request-Id"], action="export")
    assert exported.filter(object_type="oversight.report_break_glass").count() == 1
    assert exported.filter(object_type="oversight.privacyalert").count() == 3


@pytest.mark.django_db
def test_the_uses_report_refuses_bad_dates_with_the_error_summary(world, signed_in):
    officer = signed_in(world["officer"])
    r = officer.get("/privacy/break-glass-uses/?date_from_day=40&date_from_month=2&date_from_year=2026")
    text = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in text and 'data-testid="uses-table"' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["screener", "manager", "partnership_admin", "auditor", "researcher"])
def test_only_the_privacy_officer_sees_the_uses_report(make_actor, world, signed_in, role):
    client = signed_in(make_actor(role, "mash"))
    assert client.get("/privacy/break-glass-uses/").status_code == 403
    assert client.get("/privacy/break-glass-uses.csv").status_code == 403
