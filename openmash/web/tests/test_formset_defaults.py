"""Practitioner review (fixb, fault 1): a child or person added with "Add another" (and every repeated person form)
starts from the same defaults as the first, never from a choice the browser picks because nothing is selected:
ethnicity 'Information not yet obtained' (NOBT), never 'White British' (WBRI), the first entry (CIN census)."""

from __future__ import annotations

import re

import pytest
from django import forms

from openmash.casework.forms import ActionFormSet, AttendeeFormSet
from openmash.people.choices import Ethnicity
from openmash.web.forms import ChildFormSet, MemberFormSet, formset_resize
from openmash.web.tests.conftest import contact_form_data


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _selected(body: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', body, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(0))


def test_a_child_added_with_add_another_defaults_to_information_not_yet_obtained(referrer, login):
    client = login(referrer)
    body = client.post("/contacts/new/", contact_form_data(action="add_child")).content.decode()
    assert _selected(body, "children-0-ethnicity") == ["WBRI"]  # what was chosen for child 1 stays
    assert _selected(body, "children-1-ethnicity") == [Ethnicity.NOBT]
    body = client.post("/contacts/new/", contact_form_data(action="add_child"), HTTP_HX_REQUEST="true").content
    assert _selected(body.decode(), "children-1-ethnicity") == [Ethnicity.NOBT]


def test_a_person_added_with_add_another_starts_as_a_household_member(referrer, login):
    body = login(referrer).post("/contacts/new/", contact_form_data(action="add_member")).content.decode()
    assert _selected(body, "members-1-role") == ["household_member"]


def test_an_added_child_sent_without_an_ethnicity_is_information_not_yet_obtained(referrer, login):
    client = login(referrer)
    data = contact_form_data(children_1_forename="Ben", children_1_surname="Second", children_1_sex="M")
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    check = client.get(response["Location"]).content.decode()
    assert "White British" in check and "Information not yet obtained" in check  # child 1 chose WBRI; Ben did not


def _formsets():
    return [
        ("children", ChildFormSet, {}),
        ("members", MemberFormSet, {}),
        ("attendees", AttendeeFormSet, {"agencies": []}),
        ("actions", ActionFormSet, {"agencies": []}),
    ]


@pytest.mark.parametrize(("prefix", "formset_class", "kwargs"), _formsets(), ids=lambda v: getattr(v, "__name__", v))
def test_every_select_in_every_formset_shows_its_default_in_a_row_just_added(prefix, formset_class, kwargs, db):
    """Each select of a row added to a bound formset shows the field's default, or a blank 'not given' choice:
    never nothing selected (the browser would then show and send the first real choice)."""
    data = formset_resize({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}, prefix, add=True)
    form = formset_class(data, prefix=prefix, form_kwargs=kwargs).forms[0]
    html = str(form)
    checked = 0
    for name, field in form.fields.items():
        if not isinstance(field.widget, forms.Select) or isinstance(field.widget, forms.RadioSelect):
            continue
        choices = [str(value) for value, _ in field.choices]
        selected = _selected(html, form.add_prefix(name))
        if field.initial not in (None, ""):
            assert selected == [str(field.initial)], (name, selected)
        else:
            assert choices and choices[0] == "", (name, choices[:3])  # a blank first choice: nothing chosen
        checked += 1
    assert checked
