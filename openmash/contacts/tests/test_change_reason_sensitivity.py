"""Issue 7 (lawful sharing): the reason the hub gives for correcting a person's details named in a contact carries
its writer's sensitivity (standard, sensitive, sealed), decided in one place
(access.sharing.contact_change_reason_held). Before, every reader of the contact's change history saw the reason
and who gave it. AZ-5 canary: a sealed reason's words appear on no page or API a screener (not a sealed role) or
the referrer may open; the sealed roles and the writer read it; a sensitive one is read by the hub and marked."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.contacts.models import ContactChange
from openmash.contacts.services import contact_person_correct
from openmash.core.exceptions import ValidationFailed
from tests.support import screen

pytestmark = pytest.mark.django_db

CANARY = "CANARY-correction-7k-refuge-at-9-Wren-Close"


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screened(referrer, make_actor, new_contact):
    contact = new_contact(actor=referrer)
    screen(make_actor("screener", "mash"), contact, outcome="nfa_advice")
    return contact


def _correct(actor, contact, sensitivity: str):
    child = contact.people.get(role="subject").person
    contact_person_correct(
        actor=actor,
        contact_id=contact.pk,
        person_id=child.pk,
        version=child.version,
        reason=f"School records give the surname: {CANARY}",
        data={"surname": "Test-Child"},
        sensitivity=sensitivity,
    )


def _everywhere(actor, contact) -> dict[str, tuple[int, str]]:
    from openmash.accounts.services import token_create

    web = Client()
    web.force_login(actor.user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    child = contact.people.get(role="subject").person_id
    out = {
        "contact page": web.get(f"/contacts/{contact.pk}/"),
        "contact api": Client().get(f"/api/v1/contacts/{contact.pk}", **bearer),
        "person page": web.get(f"/people/{child}/"),
        "chronology page": web.get(f"/people/{child}/chronology/"),
        "home": web.get("/"),
    }
    return {name: (r.status_code, r.content.decode()) for name, r in out.items()}


def test_the_correction_form_offers_the_three_levels(make_actor, screened):
    screener = make_actor("screener", "mash")
    link = screened.people.get(role="subject")
    web = Client()
    web.force_login(screener.user)
    html = web.get(f"/contacts/{screened.pk}/named/{link.pk}/change/").content.decode()
    assert "How sensitive is the reason?" in html
    for level in ("standard", "sensitive", "sealed"):
        assert f'value="{level}"' in html


def test_a_sealed_reason_is_held_from_a_screener_and_the_referrer(make_actor, referrer, screened):
    manager = make_actor("manager", "mash")
    _correct(manager, screened, "sealed")
    assert ContactChange.objects.get(contact=screened).sensitivity == "sealed"
    screener = make_actor("screener", "mash")
    seen = _everywhere(screener, screened)
    for name, (_status, body) in seen.items():
        assert CANARY not in body, name
    assert seen["contact page"][0] == 200 and 'data-testid="change-reason-held"' in seen["contact page"][1]
    (change,) = [c for c in json.loads(seen["contact api"][1])["changes"] if c["field"] == "surname"]
    assert change["reason"] == "" and change["reason_held"] is True and change["changed_by"] == ""
    assert change["sensitivity"] == "sealed" and change["new"] == "Test-Child"  # what changed stays shown
    for name, (_status, body) in _everywhere(referrer, screened).items():
        assert CANARY not in body, ("referrer", name)


def test_a_sealed_reason_is_read_by_the_sealed_roles_and_its_writer(make_actor, screened):
    writer = make_actor("screener", "mash")
    _correct(writer, screened, "sealed")
    mine = _everywhere(writer, screened)
    assert CANARY in mine["contact page"][1] and CANARY in mine["contact api"][1]
    manager = _everywhere(make_actor("manager", "mash"), screened)
    assert CANARY in manager["contact page"][1] and CANARY in manager["contact api"][1]
    assert CANARY not in _everywhere(make_actor("screener", "mash"), screened)["contact page"][1]


def test_a_sensitive_reason_is_read_by_the_hub_and_marked(make_actor, referrer, screened):
    _correct(make_actor("manager", "mash"), screened, "sensitive")
    page = _everywhere(make_actor("screener", "mash"), screened)["contact page"][1]
    assert CANARY in page and "Sensitive" in page
    for name, (_status, body) in _everywhere(referrer, screened).items():
        assert CANARY not in body, ("referrer", name)


def test_the_level_is_audited_never_the_words_and_the_api_takes_it(api, make_actor, screened):
    manager = make_actor("manager", "mash")
    child = screened.people.get(role="subject").person
    path = f"/contacts/{screened.pk}/people/{child.pk}/corrections"
    bad = api(manager).post(
        path, {"version": child.version, "reason": "Records say so", "surname": "Xy", "sensitivity": "secret"}
    )
    assert bad.status_code == 422 and "sensitivity" in str(bad.json())
    ok = api(manager).post(
        path, {"version": child.version, "reason": f"Records say {CANARY}", "surname": "Xy", "sensitivity": "sealed"}
    )
    assert ok.status_code == 200, ok.content
    assert ContactChange.objects.get(contact=screened).sensitivity == "sealed"
    assert AuditEvent.objects.get(action="correct").detail.get("sensitivity") == "sealed"
    for e in AuditEvent.objects.all():
        assert CANARY not in str(e.detail) and CANARY not in (e.reason or "")
    assert CANARY not in api(make_actor("screener", "mash")).get(f"/contacts/{screened.pk}").content.decode()


def test_the_service_refuses_an_unknown_level(make_actor, screened):
    with pytest.raises(ValidationFailed) as exc:
        _correct(make_actor("manager", "mash"), screened, "top")
    assert "sensitivity" in exc.value.errors
