"""Small display helpers for the OpenMASH pages: code labels, deadline tags, identifiers."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils import timezone

from openmash.contacts.choices import CONCERN_CODES
from openmash.core.text import datetime_long
from openmash.enquiries.choices import RISK_INDICATORS
from openmash.people.identifiers import nhs_number_format

register = template.Library()

# How close to its due time a piece of work is shown as "due soon".
DUE_SOON = dt.timedelta(hours=2)

_RAG_TAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}


@register.filter
def get(mapping, key):
    """{{ mapping|get:key }}: a dictionary lookup with a variable key (None when absent)."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def sorted_join(values) -> str:
    """{{ fields|sorted_join }}: a set of field names as the space-separated, sorted value of a data-fields
    attribute (access.fields.FieldAccess.fields; the tests read it back)."""
    return " ".join(sorted(values or ()))


@register.filter
def concern_label(code: str) -> str:
    return CONCERN_CODES.get(code, code)


@register.filter
def risk_label(code: str) -> str:
    return RISK_INDICATORS.get(code, code)


@register.filter
def nhs_number(value: str) -> str:
    """Show an NHS number as 3-3-4 digits, as people read it ("999 314 1593"), however it was typed or stored
    (spaces and hyphens ignored: practitioner review of issue 6, finding 18); anything that is not ten digits is
    shown as it is."""
    value = str(value or "")
    digits = value.replace(" ", "").replace("-", "")
    return nhs_number_format(digits) if len(digits) == 10 and digits.isdigit() else value


@register.filter
def rag_tag_class(rag: str) -> str:
    return _RAG_TAG_CLASSES.get((rag or "").lower(), "govuk-tag--grey")


@register.filter
def due_state(due_at, now=None) -> str:
    """'overdue', 'soon' (within two hours) or 'due' for a due time; '' when there is none."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    if due_at < now:
        return "overdue"
    if due_at - now <= DUE_SOON:
        return "soon"
    return "due"


@register.inclusion_tag("web/includes/due_tag.html")
def due_tag(due_at, done: bool = False):
    """A GOV.UK tag for a deadline: red when overdue, yellow when due soon; nothing once the work is done."""
    return {"state": "" if done else due_state(due_at)}


@register.filter
def minutes(value) -> int:
    """Whole minutes in a timedelta (for the lockout message)."""
    try:
        return int(value.total_seconds() // 60)
    except AttributeError:
        return 0


_CHRONOLOGY_KINDS = {
    "contact": "Contact",
    "screening": "Screening",
    "rag": "RAG rating",
    "agency_response": "Agency response",
    "decision": "Decision",
    "referral": "Referral",
}


@register.filter
def chronology_kind(kind: str) -> str:
    return _CHRONOLOGY_KINDS.get(kind, (kind or "").replace("_", " ").capitalize())


#: In-app notification wording written before the reader was known to be signed in ("Sign in to see it." on a
#: page only a signed-in user sees), kept in stored notifications: shown as the in-app wording. Emails carry no
#: notification text (no personal data in email), so nothing else reads these.
_SIGNED_IN_WORDING = ((" Sign in to see it.", " Open the contact to see it."),)

#: Older stored wordings rewritten for the in-app list (practitioners' review: "Open it in OpenMASH" shown inside
#: OpenMASH, and watch codes that mean nothing to a screener). (pattern, replacement), applied in order.
_OLDER_WORDING = (
    (
        re.compile(r"^Contact (\S+) is about a watched child \(watch [^)]*\)\.?"),
        r"New contact \1 is about a child on the watch-list",
    ),
    (
        re.compile(r"^New events were imported about a watched child \(watch [^)]*\)\.?"),
        "New records were imported about a child on the watch-list",
    ),
    (re.compile(r"\s*Open (it|them) in OpenMASH[^.]*\.?$"), ""),
)


@register.filter
def notification_text(message) -> str:
    """A stored notification's message as a signed-in reader sees it in the app: older messages' "Sign in to see
    it." reads "Open the contact to see it."; "Open it in OpenMASH ..." (meaningless inside OpenMASH) is dropped and
    older watch notices lose their watch code (_OLDER_WORDING). In: the message (str). Out: the message to show."""
    text = str(message or "")
    for old, new in _SIGNED_IN_WORDING:
        if text.endswith(old):
            text = text[: -len(old)] + new
    for pattern, new in _OLDER_WORDING:
        text = pattern.sub(new, text)
    return text.strip()


@register.filter
def possessive(name) -> str:
    """`{{ agency.name|possessive }}`: "Leeds Police's", "Riverside GP Practices'" (core.text.possessive)."""
    from openmash.core.text import possessive as spoken

    return spoken(name)


@register.filter
def when(value) -> str:
    """THE way a page writes a date and time (practitioners' review: three formats on one Monday): GOV.UK style,
    '1 December 2026 at 5:36am', in UK time (Europe/London; core.text.datetime_long, which services' messages use
    too). "" for None. tests/test_datetime_format.py fails on any other datetime format in a template."""
    return datetime_long(value)


@register.filter
def role_label(code) -> str:
    """A stored role code as its name: `{{ e.role|role_label }}` -> "Social worker" (access.policy.role_label)."""
    from openmash.access.policy import role_label as label

    return label(str(code or ""))


@register.simple_tag
def now_long() -> str:
    """Now, as `when_long` writes it ('2 April 2026 at 5:30pm', UK time): the printed pages' "Printed ... on" line,
    in the one time format of the site and the PDF (Django's "g:ia" wrote "7:49p.m.": practitioners' review)."""
    return datetime_long(timezone.now())


@register.filter
def when_long(value) -> str:
    """The same as `when` (one format: '2 April 2026 at 5:30pm', UK time), kept for templates that name it."""
    return datetime_long(value)


def _entry_time(entry):
    """(occurred_at, time_known) of a chronology entry: a ChronologyEntry or its chronology_item_view dict."""
    if isinstance(entry, dict):
        return entry.get("occurred_at"), entry.get("time_known", True)
    return getattr(entry, "occurred_at", None), getattr(entry, "time_known", True)


@register.filter
def occurred(entry) -> str:
    """When a chronology entry happened: `when` ('2 April 2026 at 5:30pm'), or the date alone ('15 April 2025')
    when no time was given (ChronologyEntry.time_known false). Takes the entry or its item dict."""
    return occurred_long(entry)


@register.filter
def occurred_long(entry) -> str:
    """When a chronology entry happened, for sentences: `when_long` ('2 April 2026 at 5:30pm'), or the date alone
    ('15 April 2025') when no time was given."""
    at, time_known = _entry_time(entry)
    if not at:
        return ""
    return when_long(at) if time_known else day_long(at)


@register.filter
def choice_label(form, name: str) -> str:
    """The label of the option chosen in a bound, cleaned form's choice field ("" when none): `{{ f|choice_label:"sex" }}`."""
    value = (getattr(form, "cleaned_data", None) or {}).get(name)
    if value in (None, ""):
        return ""
    return str(dict(form.fields[name].choices).get(value, ""))


@register.filter
def day_long(value) -> str:
    """The UK day of a date and time, for sentences: '3 March 2026' (Europe/London, so 00:30 BST on 4 March is
    4 March, not the UTC 3 March)."""
    if not value:
        return ""
    local = timezone.localtime(value) if isinstance(value, dt.datetime) else value
    return f"{local.day} {local:%B %Y}"


_CHANGE_LABELS = {
    "forename": "First name",
    "surname": "Last name",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "kind": "Born or unborn",
    "identifier_added": "Identifier added",
    "address_added": "New address",
    "address_corrected": "Address corrected",
    "address_ended": "Address ended (no longer lives there)",
    "person_added": "Person added",
    "school": "School",
    "gp": "GP practice",
    "present_at_incident": "Present at the incident",
    "police_reference": "Police incident reference",
    "incident_at": "Time of the incident",
    "dash_risk": "DASH risk level",
    "marac_referral": "MARAC referral",
    "notify_schools": "Tell the schools",
}


@register.filter
def change_label(field: str) -> str:
    """A change history row's field name in words (contacts.ContactChange.field)."""
    return _CHANGE_LABELS.get(field, field.replace("_", " ").capitalize())


@register.filter
def change_value(value) -> str:
    """A change history value (JSON as stored) as text: dates in words, dicts as their parts."""
    import datetime as _dt

    if value in (None, "", [], {}):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        if "status" in value and "line1" in value:  # an address: a state (no fixed abode, not known) or its lines
            if value["status"] and value["status"] != "known":
                return {"no_fixed_abode": "No fixed abode", "not_known": "Not known"}.get(value["status"], "")
            return ", ".join(str(value[k]) for k in ("line1", "town", "postcode") if value.get(k))
        if {"type", "value"} <= set(value):
            kind = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID", "local_id": "Local ID"}
            return f"{kind.get(value['type'], value['type'])} {value['value']}"
        return ", ".join(str(v) for k, v in value.items() if v and k != "role") + (
            f" ({value['role'].replace('_', ' ')})" if value.get("role") else ""
        )
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return _dt.date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    return str(value)
