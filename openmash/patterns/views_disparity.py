"""The disparity monitoring page of flags (issue 8; ``patterns.disparity``): the period's flag rates and outcomes by
sex, ethnicity, age band and area deprivation, and per rule, as GOV.UK tables with small numbers suppressed, and the
same as CSV. For the partnership's oversight roles (``access.policy``: "flag.disparity"); every view and download is
audited as a report reading (object type ``patterns.disparity_report``, the period in the detail). The filters are
dates only, so they may go in the URL."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from openmash.access.policy import require
from openmash.audit.services import audit_record
from openmash.core.text import CleanTextFormMixin
from openmash.core.views import actor_required
from openmash.patterns.disparity import (
    MARKER_MIN_CHILDREN,
    RATIO_HIGH,
    RATIO_LOW,
    SUPPRESS_BELOW,
    disparity_report,
    report_csv,
    years_before,
)
from openmash.web.forms import FilterDateField

AUDIT_OBJECT = "patterns.disparity_report"


class PeriodForm(CleanTextFormMixin, forms.Form):
    """The period: flags evaluated as at a day from ``period_start`` to ``period_end`` (both required)."""

    period_start = FilterDateField(label="From", help_text="For example, 1 4 2025")
    period_end = FilterDateField(label="To", help_text="For example, 31 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].error_messages["required"] = "Enter the first day of the period"
        self.fields["period_end"].error_messages["required"] = "Enter the last day of the period"

    def clean(self):
        cd = super().clean()
        start, end = cd.get("period_start"), cd.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "The last day of the period must be the same as or after the first day")
        return cd


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months to today (a year back plus one day, inclusive)."""
    return years_before(today, 1) + dt.timedelta(days=1), today


def _period(request):
    """(form, (start, end) or None when the dates are wrong). Unbound: the last 12 months."""
    bound = any(k in request.GET for k in ("period_start_day", "period_end_day"))
    if not bound:
        start, end = default_period(timezone.localdate())
        form = PeriodForm(
            initial={"period_start": start, "period_end": end},
        )
        return form, (start, end)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["period_start"], form.cleaned_data["period_end"])


def _audit(actor, action: str, start: dt.date, end: dt.date) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=AUDIT_OBJECT,
        detail={"period_start": start.isoformat(), "period_end": end.isoformat()},
    )


def _query(start: dt.date, end: dt.date) -> str:
    from urllib.parse import urlencode

    return urlencode(
        {
            "period_start_day": start.day,
            "period_start_month": start.month,
            "period_start_year": start.year,
            "period_end_day": end.day,
            "period_end_month": end.month,
            "period_end_year": end.year,
        }
    )


@require_safe
@actor_required
def disparity(request):
    """The report page: the period form (GOV.UK date inputs, an error summary on wrong dates and no report), then the
    tables. Audited as a report view."""
    actor = request.actor
    require(actor, "flag.disparity")
    form, period = _period(request)
    report = None
    if period is not None:
        report = disparity_report(period_start=period[0], period_end=period[1])
        _audit(actor, "view", *period)
    return render(
        request,
        "patterns/disparity.html",
        {
            "period_form": form,
            "form": form if form.is_bound and form.errors else None,
            "report": report,
            "query": _query(*period) if period else "",
            "suppress_below": SUPPRESS_BELOW,
            "ratio_high": RATIO_HIGH,
            "ratio_low": RATIO_LOW,
            "marker_min_children": MARKER_MIN_CHILDREN,
            "nav_active": "disparity",
        },
    )


@require_safe
@actor_required
def disparity_export(request):
    """The report as CSV (shown figures only, formula-safe cells), audited as an export."""
    actor = request.actor
    require(actor, "flag.disparity")
    _form, period = _period(request)
    if period is None:
        return redirect(f"{reverse('patterns_disparity:disparity')}?{request.GET.urlencode()}")
    report = disparity_report(period_start=period[0], period_end=period[1])
    _audit(actor, "export", *period)
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    name = f"flag-disparity-{period[0].isoformat()}-to-{period[1].isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


__all__ = ["disparity", "disparity_export", "PeriodForm"]
