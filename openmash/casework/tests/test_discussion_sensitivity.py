"""A strategy discussion's sensitivity (issue 7, "every contributed item carries a sensitivity"; ADR 0017 addendum,
"the whole kind"): its recorder chooses standard (default), sensitive or sealed, with the case note's choices, labels
and hints. A sealed discussion's rationale, absent agencies' reason, attendees and actions are read by the
partnership's sealed roles (default MASH managers) and its recorder only: everyone else who reads the contact's
discussions (another screener; the allocated worker in the MASH pack) sees "A strategy discussion held at sealed (you
do not have access)" with when it was held and recorded and the section 47 decision, never its text or recorder, on
the contact page, the pack page and both APIs (access.sharing.strategy_discussion_held). A sensitive discussion is
read by the hub and the allocated worker (access.field_table.PRACTITIONER_TEXT_SENSITIVITIES)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.casework.models import StrategyDiscussion
from openmash.casework.services import strategy_discussion_record
from tests.support import allocation_open, child, decide, enquiry_open, nhs_number, subject_person

SEALED_TEXT = "Canary sealed discussion: refuge at Polperro Court"
SEALED_ATTENDEE = "Canary attendee Ruan Minor"
SEALED_ACTION = "Canary action visit Porthallow refuge"
SEALED_ABSENT = "Canary absent reason Mullion"
SEALED_CANARIES = (SEALED_TEXT, SEALED_ATTENDEE, SEALED_ACTION, SEALED_ABSENT)
SENSITIVE_TEXT = "Canary sensitive discussion: CAMHS crisis plan Gweek"
HELD = "A strategy discussion held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    enquiry = enquiry_open(
        referrer=referrer,
        screener=screener,
        subjects=[child(surname="Talkchild", nhs=nhs_number())],
        received_at=timezone.now() - dt.timedelta(days=2),
    )
    decide(manager, enquiry, outcomes=("strategy_s47",), threshold_level=4)
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(enquiry.contact), worker)
    return {
        "contact": enquiry.contact,
        "screener": screener,
        "manager": manager,
        "other_screener": make_actor("screener", "mash"),
        "worker": worker,
        "auditor": make_actor("auditor", "mash"),
    }


def _discussion(actor, contact, level, text=SEALED_TEXT, **kw):
    """A discussion without police or health (so the absent agencies' reason is given), with one action."""
    return strategy_discussion_record(
        actor=actor,
        contact_id=contact.pk,
        held_at=timezone.now(),
        attendees=[{"agency_code": "mash", "name": SEALED_ATTENDEE, "role": "Team manager"}],
        section47=True,
        rationale=text,
        actions=[{"description": SEALED_ACTION, "owner": "Social worker", "due_date": timezone.localdate()}],
        missing_agencies_reason=SEALED_ABSENT,
        sensitivity=level,
        **kw,
    )


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def _pages(actor, contact) -> dict[str, str]:
    """The texts of every place a reader of strategy discussions reads them (the hub: contact page and discussions
    API; a pack reader: pack page and pack API)."""
    web = Client()
    web.force_login(actor.user)
    out = {
        "pack": web.get(f"/packs/{contact.pk}/"),
        "pack api": Client().get(f"/api/v1/mash-packs/{contact.pk}", **_bearer(actor)),
    }
    if actor.is_hub:
        out["contact"] = web.get(f"/contacts/{contact.pk}/")
        out["discussions api"] = Client().get(
            f"/api/v1/contacts/{contact.pk}/strategy-discussions", **_bearer(actor)
        )
    for name, r in out.items():
        assert r.status_code == 200, (name, r.status_code)
    return {name: r.content.decode() for name, r in out.items()}


@pytest.mark.parametrize("reader", ["other_screener", "worker"])
def test_a_sealed_discussion_is_held_from_a_reader_not_in_a_sealed_role_everywhere(world, reader):
    _discussion(world["screener"], world["contact"], "sealed")
    for name, text in _pages(world[reader], world["contact"]).items():
        for canary in SEALED_CANARIES:
            assert canary not in text, (name, canary)
        if not name.endswith("api"):
            assert HELD in text, name


@pytest.mark.parametrize("reader", ["screener", "manager"])
def test_a_sealed_discussion_is_read_by_its_recorder_and_the_sealed_role(world, reader):
    _discussion(world["screener"], world["contact"], "sealed")
    for name, text in _pages(world[reader], world["contact"]).items():
        for canary in SEALED_CANARIES:
            assert canary in text, (name, canary)
        assert HELD not in text, name


@pytest.mark.parametrize("reader", ["other_screener", "manager", "worker"])
def test_a_sensitive_discussion_is_read_by_the_hub_and_the_allocated_worker(world, reader):
    _discussion(world["screener"], world["contact"], "sensitive", text=SENSITIVE_TEXT)
    for name, text in _pages(world[reader], world["contact"]).items():
        assert SENSITIVE_TEXT in text, name


def test_the_api_shows_a_held_discussion_with_its_times_and_decision_only(world):
    d = _discussion(world["screener"], world["contact"], "sealed")
    r = Client().get(
        f"/api/v1/contacts/{world['contact'].pk}/strategy-discussions", **_bearer(world["other_screener"])
    )
    [out] = [x for x in r.json() if x["id"] == str(d.pk)]
    assert (out["held"], out["sensitivity"], out["section47"]) == (True, "sealed", True)
    assert (out["rationale"], out["missing_agencies_reason"], out["attendees"], out["actions"]) == ("", "", [], [])
    assert out["held_at"] and out["recorded_at"]


def test_a_bad_sensitivity_is_refused_with_422_and_the_default_is_standard(world):
    url = f"/api/v1/contacts/{world['contact'].pk}/strategy-discussions"
    body = {
        "held_at": timezone.now().isoformat(),
        "attendees": [
            {"agency_code": "police", "name": "DS Example"},
            {"agency_code": "health-gp", "name": "Dr Example"},
        ],
        "section47": False,
        "rationale": "No significant harm",
    }
    bearer = _bearer(world["screener"])
    r = Client().post(url, {**body, "sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in str(r.json())
    assert not StrategyDiscussion.objects.exists()
    r = Client().post(url, body, content_type="application/json", **bearer)
    assert r.status_code == 201, r.content
    assert r.json()["sensitivity"] == "standard" and r.json()["held"] is False
    r = Client().post(url, {**body, "sensitivity": "sealed"}, content_type="application/json", **bearer)
    assert r.status_code == 201 and r.json()["rationale"] == "No significant harm" and r.json()["held"] is False


def test_the_form_offers_the_case_note_levels_with_hints_and_records_the_choice(world):
    contact = world["contact"]
    web = Client()
    web.force_login(world["screener"].user)
    html = web.get(f"/contacts/{contact.pk}/strategy-discussion/new/").content.decode()
    assert html.count("govuk-radios__hint") == 3 and 'value="standard" checked' in html
    assert "Everyone else sees only that a discussion is held" in html
    from openmash.casework.tests.test_pages import _strategy_post

    r = web.post(
        f"/contacts/{contact.pk}/strategy-discussion/new/",
        _strategy_post(rationale=SEALED_TEXT, sensitivity="sealed"),
    )
    page = r.content.decode()
    assert r.status_code == 302, page[page.find("govuk-error-summary") : page.find("govuk-error-summary") + 1500]
    assert StrategyDiscussion.objects.get().sensitivity == "sealed"


def test_a_sealed_discussion_keeps_its_absent_agencies_reason_out_of_the_audit_trail(world):
    from openmash.audit.models import AuditEvent

    sealed = _discussion(world["screener"], world["contact"], "sealed")
    standard = _discussion(world["screener"], world["contact"], "standard", text="A standard rationale")
    reasons = dict(AuditEvent.objects.filter(action="create").values_list("object_id", "reason"))
    assert reasons[str(sealed.pk)] == "" and reasons[str(standard.pk)] == SEALED_ABSENT
