"""A field required only in some cases is never labelled "(optional)" (practitioner review, "a Monday of 60
contacts": the closure reason for an immediate-risk contact said "(optional)" but closing it with no further
action needed it). Every form field whose hint says when it is required is marked with web.forms.required_when,
and the GOV.UK field template leaves "(optional)" off such a field."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client

from openmash.web.forms import required_when
from tests.support import contact_record

FORM_MODULES = [
    "openmash.audit.forms",
    "openmash.casework.forms",
    "openmash.feeds.forms",
    "openmash.matching.forms",
    "openmash.messaging.forms",
    "openmash.oversight.forms",
    "openmash.partnership.forms",
    "openmash.partnership.people_forms",
    "openmash.patterns.forms",
    "openmash.sharing.agreement_forms",
    "openmash.sharing.forms",
    "openmash.web.forms",
    "openmash.web.filters",
]
SAYS_REQUIRED = re.compile(r"^\s*(required|needed)\b", re.I)


def _form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_field_whose_hint_says_it_is_required_is_marked_conditional():
    unmarked = [
        f"{cls.__module__}.{cls.__name__}.{fname}"
        for cls in _form_classes()
        for fname, field in cls.base_fields.items()
        if not field.required
        and SAYS_REQUIRED.search(str(field.help_text or ""))
        and not getattr(field, "conditional", False)
    ]
    assert unmarked == []


def test_the_field_template_leaves_optional_off_a_conditional_field():
    class _Form(forms.Form):
        plain = forms.CharField(label="Plain note", required=False)
        reason = required_when(forms.CharField(label="Reason", required=False), "Required if you flag it")

    html = render_to_string("web/includes/field.html", {"field": _Form()["reason"]})
    assert "Reason" in html and "(optional)" not in html and "Required if you flag it" in html
    assert "Plain note (optional)" in render_to_string("web/includes/field.html", {"field": _Form()["plain"]})


@pytest.mark.django_db
def test_the_immediate_risk_closure_reason_says_when_it_is_required(make_actor):
    referrer, manager = make_actor("referrer", "police"), make_actor("manager", "mash")
    contact = contact_record(referrer, immediate_risk=True, immediate_risk_detail="Cannot go home tonight")
    client = Client()
    client.force_login(manager.user)
    page = client.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'name="exception_reason"' in page
    assert "Reason for an exception to the immediate-risk rules (optional)" not in page
    assert "or if you choose no further action / advice or early help: this contact has immediate risk" in page
