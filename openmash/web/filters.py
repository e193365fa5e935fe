"""Filter forms for the hub's lists (screening queue, enquiries) and the assignment form.

The filters come in as GET parameters (no personal data: codes, ids of staff, dates) and are checked here; a bad
value is a form error shown in the GOV.UK error summary, never a 500. `filters()` turns a valid form into the
keyword arguments of the list selectors (contacts.selectors.screening_queue, enquiries.selectors.enquiry_list).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from openmash.core.text import CleanTextFormMixin
from openmash.enquiries.assignment import ASSIGNED_LEFT, ASSIGNED_ME, ASSIGNED_NONE, holder_name
from openmash.web.forms import FilterDateField

# GET parameters that are not filters: paging, and the list's status tabs.
NOT_FILTERS = {"page", "status"}


def _select(label: str, choices, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        error_messages={"invalid_choice": f"Select {what} from the list"},  # nosec B608  # a message, not SQL
    )


class QueueFilterForm(CleanTextFormMixin, forms.Form):
    """Filters of the screening queue: immediate risk, overdue, recording agency, holder, received date range."""

    immediate = forms.BooleanField(label="Immediate risk only", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    agency = _select("Recording agency", [], "a recording agency")
    assigned = _select("Held by", [], "who holds the work")
    received_from = FilterDateField(label="Received from", required=False, help_text="For example, 27 3 2026")
    received_to = FilterDateField(label="Received to", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args, agencies=(), holders=(), former=(), **kwargs):
        """holders: memberships that may hold work; former: users who still hold work but can no longer
        (enquiries.assignment.former_holders_list), offered so a leaver's work can be found."""
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency")] + [(a.code, a.name) for a in agencies]
        self.fields["assigned"].choices = (
            [("", "Anyone or nobody"), (ASSIGNED_ME, "Me"), (ASSIGNED_NONE, "Nobody yet")]
            + list(dict.fromkeys((str(m.user_id), holder_name(m.user)) for m in holders))
            + [(ASSIGNED_LEFT, "Someone who has left")]
            + [(str(u.pk), f"{holder_name(u)} (has left)") for u in former]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", ValidationError("Received to must be the same as or after received from"))
        return cleaned

    def filters(self) -> dict:
        """The selector keyword arguments of a valid form."""
        cd = self.cleaned_data
        return {
            "immediate_only": bool(cd.get("immediate")),
            "overdue_only": bool(cd.get("overdue")),
            "agency_code": cd.get("agency") or "",
            "assigned": cd.get("assigned") or "",
            "received_from": cd.get("received_from"),
            "received_to": cd.get("received_to"),
        }

    def active(self) -> bool:
        """True when any filter narrows the list."""
        return self.is_valid() and any(v for v in self.filters().values())


class EnquiryFilterForm(QueueFilterForm):
    """The queue's filters plus the RAG rating."""

    rag = _select("RAG rating", [], "a RAG rating")
    field_order = ["rag", "immediate", "overdue", "agency", "assigned", "received_from", "received_to"]

    def __init__(self, *args, rag_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = [("", "Any rating")] + [(lvl.code, lvl.label) for lvl in rag_levels]

    def filters(self) -> dict:
        return {**super().filters(), "rag": self.cleaned_data.get("rag") or ""}


class AssignForm(CleanTextFormMixin, forms.Form):
    """A manager gives a contact or enquiry to a hub member (or to nobody). `expected` is the holder the manager
    saw when the page was drawn, so a change made by someone else in the meantime is detected, not overwritten."""

    assign_to = forms.ChoiceField(
        label="Who should hold this?",
        required=False,
        help_text="Only colleagues who can sign in and work now are listed: an active screener or manager in the hub "
        "who has set a password and enrolled a second factor",
        error_messages={"invalid_choice": "Choose a screener or manager in the hub who can sign in and work now"},
    )
    expected = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, holders=(), **kwargs):
        """holders: the hub memberships work may be given to now (enquiries.assignment.work_assignees_list: may hold
        work and can sign in; access.policy.memberships_choosable)."""
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].choices = [("", "Nobody (put it back on the shared queue)")] + [
            (str(m.user_id), holder_name(m.user)) for m in holders
        ]

    def clean_expected(self):
        value = (self.cleaned_data.get("expected") or "").strip()
        if value and not value.isdigit():
            raise ValidationError("Reload the page and try again")
        return value
