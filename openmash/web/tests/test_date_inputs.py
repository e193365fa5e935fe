"""Every GOV.UK date input (day, month and year boxes) on every form: one check (web.forms.date_parts_check), one
message naming what is wrong in the words of the GOV.UK Design System's date input guidance, and every box with a
problem highlighted (govuk-input--error), not only the first (review, fault 2)."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms

import openmash
from openmash.web.forms import GovukDateField, date_parts_check
from openmash.web.tests.conftest import contact_form_data


@pytest.mark.parametrize(
    ("boxes", "message", "parts"),
    [
        (("", "", "2020"), "Date of birth must include a day and month", ["day", "month"]),
        (("3", "", ""), "Date of birth must include a month and year", ["month", "year"]),
        (("", "4", "2020"), "Date of birth must include a day", ["day"]),
        (("", "13", "20"), "Date of birth must include a day", ["day", "month", "year"]),  # every box to correct
        (("x", "13", "2020"), "Day must be a number", ["day", "month"]),
        (("a", "b", "2020"), "Day and month must be numbers", ["day", "month"]),
        (("1", "1", "20"), "Year must include 4 numbers", ["year"]),
        (
            ("32", "13", "2020"),
            "Date of birth must be a real date: day must be between 1 and 31 and month must be between 1 and 12",
            ["day", "month"],
        ),
        (("30", "2", "2024"), "Date of birth must be a real date: February 2024 has 29 days", ["day"]),
        (("29", "2", "2023"), "Date of birth must be a real date: February 2023 has 28 days", ["day"]),
        (("5", "13", "2020"), "Date of birth must be a real date: month must be between 1 and 12", ["month"]),
        (
            ("40", "1", "20"),
            "Date of birth must be a real date: day must be between 1 and 31 and year must include 4 numbers",
            ["day", "year"],
        ),
        # practitioners' review: year "16" and month "13" said only "must be a real date"
        (
            ("3", "13", "16"),
            "Date of birth must be a real date: month must be between 1 and 12 and year must include 4 numbers",
            ["month", "year"],
        ),
        (
            ("0", "0", "2020"),
            "Date of birth must be a real date: day must be between 1 and 31 and month must be between 1 and 12",
            ["day", "month"],
        ),
    ],
)
def test_one_message_names_the_problem_and_every_box_with_a_problem_is_named(boxes, message, parts):
    date, said, _, named = date_parts_check("Date of birth", *boxes)
    assert date is None and said == message and named == parts


def test_a_real_date_and_an_empty_one():
    import datetime as dt

    assert date_parts_check("Date", "29", "2", "2024")[0] == dt.date(2024, 2, 29)
    assert date_parts_check("Date", " 1 ", "02", "2026")[0] == dt.date(2026, 2, 1)
    assert date_parts_check("Date", "", " ", "") == (None, "", "", [])


def _boxes_in_error(body: str, name: str) -> set[str]:
    """Which of <name>_day, _month, _year carry govuk-input--error on the page."""
    found = set()
    for tag in re.findall(r"<input[^>]*>", body):
        m = re.search(rf'name="{re.escape(name)}_(day|month|year)"', tag)
        if m and "govuk-input--error" in tag:
            found.add(m.group(1))
    return found


def test_the_intake_form_highlights_every_box_with_a_problem(make_actor, login):
    """The intake's dates are drawn by crispy-forms-gds (GdsDateField): only the boxes with a problem are marked."""
    data = contact_form_data()
    data.update({"children-0-dob_day": "", "children-0-dob_month": "13", "children-0-dob_year": "2018"})
    body = login(make_actor("referrer", "police")).post("/contacts/new/", data).content.decode()
    assert "Date of birth must include a day" in body
    assert _boxes_in_error(body, "children-0-dob") == {"day", "month"}
    assert _boxes_in_error(body, "members-0-dob") == set()


def test_the_intake_form_marks_all_three_boxes_for_a_problem_with_the_whole_date(make_actor, login):
    data = contact_form_data()
    data.update({"members-0-dob_day": "1", "members-0-dob_month": "1", "members-0-dob_year": "2999"})
    body = login(make_actor("referrer", "police")).post("/contacts/new/", data).content.decode()
    assert "must be today or in the past" in body
    assert _boxes_in_error(body, "members-0-dob") == {"day", "month", "year"}


def test_a_filter_date_drawn_by_the_include_highlights_every_box_with_a_problem(make_actor, login):
    """The audit trail's filters use web/includes/date_input.html (as do case notes, strategy discussions, find a
    child, the chronology and the lists): the same check, the same highlighting."""
    client = login(make_actor("auditor", "mash"))
    body = client.post("/audit/", {"date_from_day": "x", "date_from_month": "", "date_from_year": "26"})
    body = body.content.decode()
    assert "From must include a month" in body
    assert _boxes_in_error(body, "date_from") == {"day", "month", "year"}
    body = client.post("/audit/", {"date_from_day": "31", "date_from_month": "4", "date_from_year": "2026"})
    body = body.content.decode()
    assert "From must be a real date" in body and _boxes_in_error(body, "date_from") == {"day"}


def _all_forms():
    for info in pkgutil.walk_packages(openmash.__path__, "openmash."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith(("forms", "filters")) is False:
            continue
        importlib.import_module(info.name)
    seen, todo = set(), [forms.Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [f for f in seen if f.__module__.startswith("openmash.")]


def test_every_date_input_on_every_form_uses_the_one_govuk_date_field():
    """No form asks for a date another way (Django's DateField, a split date-time, a text box parsed by hand): every
    date the user types goes through GovukDateField and so date_parts_check."""
    import openmash.web.views.chronology  # noqa: F401  (its filter form lives in the view module)

    offenders = []
    checked = 0
    for form in _all_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, GovukDateField):
                checked += 1
            elif isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)):
                offenders.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not offenders, offenders
    assert checked >= 10  # intake, amend, people, filters, case notes, strategy discussions, audit, chronology


def test_the_date_boxes_are_drawn_in_one_place():
    """Templates draw the boxes only through web/includes/date_input.html (crispy-forms-gds draws GdsDateField)."""
    from pathlib import Path

    root = Path(openmash.__file__).parent
    drawn = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if "govuk-date-input" in p.read_text() and p.name != "date_input.html"
    ]
    assert drawn == [], drawn
