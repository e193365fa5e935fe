"""Text cleaning is applied everywhere text comes in (issue 5, fault 11): every API input schema, every form.

These fail when someone adds an input schema or a form without the shared cleaning, so the kind stays fixed.
"""

import importlib
import pkgutil
import typing

import pytest
from django import forms
from pydantic import BaseModel

import openmash
from config.api import api
from openmash.core.text import CleanSchema, CleanTextFormMixin


def _schemas_in(annotation) -> list[type]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found += _schemas_in(arg)
    return found


def _input_schemas() -> set[type]:
    """Every schema (and nested schema) that the API reads from a request body or query string."""
    seen: set[type] = set()
    todo: list[type] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if model.__name__ in ("BodyParams", "QueryParams", "FormParams"):
                        for field in model.model_fields.values():
                            todo += _schemas_in(field.annotation)
    while todo:
        schema = todo.pop()
        if schema in seen:
            continue
        seen.add(schema)
        for field in schema.model_fields.values():
            todo += _schemas_in(field.annotation)
    return seen


def test_every_api_input_schema_cleans_its_text():
    schemas = _input_schemas()
    assert {s.__name__ for s in schemas} >= {
        "ContactCreateIn",
        "SubjectIn",
        "HouseholdPersonIn",
        "AddressIn",
        "PersonSearchIn",
    }
    missing = sorted(s.__name__ for s in schemas if not issubclass(s, CleanSchema))
    assert not missing, f"API input schemas without CleanSchema: {missing}"


def _form_classes() -> set[type]:
    for module in pkgutil.walk_packages(openmash.__path__, "openmash."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {c for c in subclasses(forms.BaseForm) if c.__module__.startswith("openmash.")}


def test_every_form_cleans_its_text():
    classes = _form_classes()
    assert {c.__name__ for c in classes} >= {"ContactForm", "PersonSearchForm", "IntakeForm"}
    missing = sorted(c.__name__ for c in classes if not issubclass(c, CleanTextFormMixin))
    assert not missing, f"Forms without CleanTextFormMixin: {missing}"


@pytest.mark.parametrize("text", ["Ame\u200blia", "\u202eAmelia", "\ufeffAmelia\u2069"])
def test_a_form_removes_invisible_characters_before_its_fields_see_them(text):
    from openmash.web.forms import PersonSearchForm

    form = PersonSearchForm({"name": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Amelia"


@pytest.mark.django_db
def test_a_form_refuses_control_characters_on_the_field_and_leaves_passwords_alone(rf):
    from openmash.web.forms import LoginForm, ScreeningForm

    form = ScreeningForm({"outcome": "nfa_advice", "rationale": "Reason\x00"})
    assert not form.is_valid() and "control characters" in form.errors["rationale"][0]
    form = ScreeningForm({"outcome": "nfa_advice", "rationale": "Line 1\r\nLine 2"})
    assert form.is_valid() and form.cleaned_data["rationale"] == "Line 1\nLine 2"
    login = LoginForm(rf.post("/login/"), data={"username": "user\u200b", "password": " pass\u200bword "})
    login.is_valid()
    assert login.data["username"] == "user" and login.data["password"] == " pass\u200bword "


def test_fields_a_form_adds_in_its_own_init_are_cleaned_too():
    from openmash.partnership.forms import ThresholdsForm
    from openmash.partnership.models import ThresholdLevel

    form = ThresholdsForm(
        {"threshold_1": "\u200bUniversal\u202e", "threshold_1_description": "Line\r\nnext\x00"},
        levels=[ThresholdLevel(level=1, label="Universal")],
    )
    assert not form.is_valid()
    assert form.cleaned_data["threshold_1"] == "Universal"
    assert "control characters" in form.errors["threshold_1_description"][0]
