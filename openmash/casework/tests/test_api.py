"""Casework API: 201s with the record, 422 with field messages, 404 for what the caller may not see."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.casework.models import CaseNote, StrategyDiscussion
from openmash.casework.tests.conftest import attendees
from openmash.enquiries.models import CaseAllocation


def _iso(**ago):
    return (timezone.now() - dt.timedelta(**ago)).isoformat()


def _note(**overrides):
    data = {"note_type": "consent_conversation", "occurred_at": _iso(minutes=20), "text": "Mother consents."}
    data.update(overrides)
    return data


def test_hub_adds_and_lists_case_notes_with_corrections(api, screener, strategy_contact):
    client = api(screener)
    r = client.post(f"/contacts/{strategy_contact.pk}/case-notes", _note())
    assert r.status_code == 201, r.content
    first = r.json()
    assert (first["note_type"], first["text"], first["corrects_id"], first["agency_code"]) == (
        "consent_conversation",
        "Mother consents.",
        None,
        "mash",
    )
    r = client.post(
        f"/contacts/{strategy_contact.pk}/case-notes",
        _note(text="Correction: father, not mother, consented.", corrects_id=first["id"]),
    )
    assert r.status_code == 201 and r.json()["corrects_id"] == first["id"]
    listed = client.get(f"/contacts/{strategy_contact.pk}/case-notes").json()
    by_id = {n["id"]: n for n in listed}
    assert by_id[first["id"]]["corrected_by"] == [r.json()["id"]]
    assert by_id[first["id"]]["text"] == "Mother consents."


@pytest.mark.parametrize(
    "body,field",
    [
        (_note(text=""), "text"),
        (_note(note_type="rumour"), "note_type"),
        (_note(occurred_at=(timezone.now() + dt.timedelta(days=1)).isoformat()), "occurred_at"),
        (_note(text="a\x00b"), "text"),  # control characters are refused (bidi overrides are removed)
        ({"note_type": "other", "text": "x"}, "occurred_at"),
        (_note(occurred_at="31/02/2026"), "occurred_at"),
    ],
)
def test_bad_case_notes_answer_422_with_field_messages(api, screener, strategy_contact, body, field):
    r = api(screener).post(f"/contacts/{strategy_contact.pk}/case-notes", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not CaseNote.objects.exists()


def test_case_notes_are_not_found_outside_the_hub(api, worker, make_actor, strategy_contact):
    for actor in (worker, make_actor("referrer", "police"), make_actor("researcher", "health-gp")):
        r = api(actor).get(f"/contacts/{strategy_contact.pk}/case-notes")
        missing = api(actor).get(f"/contacts/{uuid.uuid4()}/case-notes")
        assert (r.status_code, r.json()) == (404, missing.json())
        assert api(actor).post(f"/contacts/{strategy_contact.pk}/case-notes", _note()).status_code == 403


def test_case_note_on_a_missing_contact_is_404(api, screener, partnership):
    assert api(screener).post(f"/contacts/{uuid.uuid4()}/case-notes", _note()).status_code == 404


def _discussion(**overrides):
    data = {
        "held_at": _iso(hours=1),
        "attendees": attendees("police", "health-gp", "mash"),
        "section47": True,
        "rationale": "Reasonable cause to suspect significant harm",
        "actions": [
            {
                "description": "Joint visit",
                "owner": "DS Example",
                "owner_agency_code": "police",
                "due_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            }
        ],
    }
    data.update(overrides)
    return data


def test_hub_records_a_strategy_discussion(api, manager, strategy_contact):
    client = api(manager)
    r = client.post(f"/contacts/{strategy_contact.pk}/strategy-discussions", _discussion())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["section47"] is True and body["enquiry_id"] is None
    assert {a["agency_code"] for a in body["attendees"]} == {"police", "health-gp", "mash"}
    assert body["actions"][0]["owner_agency_code"] == "police"
    listed = client.get(f"/contacts/{strategy_contact.pk}/strategy-discussions").json()
    assert [d["id"] for d in listed] == [body["id"]]


@pytest.mark.parametrize(
    "body,field",
    [
        (_discussion(attendees=attendees("mash")), "missing_agencies_reason"),
        (_discussion(rationale=""), "rationale"),
        (_discussion(attendees=[]), "attendees"),
        (_discussion(attendees=[{"agency_code": "mars", "name": "X"}]), "attendees.0.agency_code"),
        (_discussion(actions=[{"description": "Visit", "owner": "", "due_date": "2099-01-01"}]), "actions.0.owner"),
        (_discussion(actions=[{"description": "Visit", "owner": "SW"}]), "actions.0.due_date"),
    ],
)
def test_bad_strategy_discussions_answer_422(api, manager, strategy_contact, body, field):
    r = api(manager).post(f"/contacts/{strategy_contact.pk}/strategy-discussions", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()
    assert not StrategyDiscussion.objects.exists()


def test_strategy_discussion_on_a_contact_not_sent_to_one_is_422(api, manager, siblings_contact):
    r = api(manager).post(f"/contacts/{siblings_contact.pk}/strategy-discussions", _discussion())
    assert r.status_code == 422 and "contact" in r.json()["errors"]


def _allocate(api, manager, worker, contact):
    ids = [str(p) for p in contact.people.filter(role="subject").values_list("person_id", flat=True)]
    return api(manager).post(
        f"/contacts/{contact.pk}/allocations",
        {"person_ids": ids, "worker_membership_id": str(worker.membership.pk)},
    )


def test_allocated_worker_gets_the_pack_and_access_ends_when_the_allocation_closes(
    api, manager, worker, other_worker, strategy_contact
):
    r = _allocate(api, manager, worker, strategy_contact)
    assert r.status_code == 201 and len(r.json()) == 2
    mine = api(worker)
    assert [p["contact_id"] for p in mine.get("/mash-packs").json()["items"]] == [str(strategy_contact.pk)]
    pack = mine.get(f"/mash-packs/{strategy_contact.pk}")
    assert pack.status_code == 200
    assert pack.json()["screening"]["outcome"] == "strategy" and len(pack.json()["allocations"]) == 2
    assert AuditEvent.objects.filter(action="view", reason="mash pack", object_id=str(strategy_contact.pk)).exists()

    # the other worker of the same team is not allocated: 404, exactly as for a missing pack
    theirs = api(other_worker)
    denied, missing = theirs.get(f"/mash-packs/{strategy_contact.pk}"), theirs.get(f"/mash-packs/{uuid.uuid4()}")
    assert (denied.status_code, denied.json()) == (404, missing.json())
    assert theirs.get("/mash-packs").json()["items"] == []

    for allocation in r.json():
        closed = mine.post(f"/allocations/{allocation['id']}/close", {"reason": "Case closed after assessment"})
        assert closed.status_code == 200 and closed.json()["closed_at"]
    assert mine.get(f"/mash-packs/{strategy_contact.pk}").status_code == 404
    assert mine.get("/mash-packs").json()["items"] == []


def test_allocation_close_by_someone_else_is_404_and_needs_a_reason(
    api, manager, worker, other_worker, strategy_contact
):
    allocation = _allocate(api, manager, worker, strategy_contact).json()[0]
    assert api(other_worker).post(f"/allocations/{allocation['id']}/close", {"reason": "x"}).status_code == 404
    r = api(worker).post(f"/allocations/{allocation['id']}/close", {"reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    assert CaseAllocation.objects.filter(closed_at__isnull=True).count() == 2


def test_allocate_together_refuses_a_child_from_another_contact(
    api, manager, worker, strategy_contact, decided_enquiry
):
    stranger = decided_enquiry.contact.people.get(role="subject").person_id
    r = api(manager).post(
        f"/contacts/{strategy_contact.pk}/allocations",
        {"person_ids": [str(stranger)], "worker_membership_id": str(worker.membership.pk)},
    )
    assert r.status_code == 422 and "person_ids" in r.json()["errors"]


def test_pack_shows_only_what_each_agency_released_outside_the_hub(
    api, manager, worker, decided_enquiry, make_actor
):
    """The secure room (issue 7): the hub sees every answer; the allocated worker only the items their agency
    released (an answer's plain summary is one item, shared into the hub and not released)."""
    from openmash.sharing.models import ContributedItem
    from tests.support import item_release

    contact = decided_enquiry.contact
    assert _allocate(api, manager, worker, contact).status_code == 201
    hub = {a["agency_code"]: a for a in api(manager).get(f"/mash-packs/{contact.pk}").json()["agency_answers"]}
    assert hub["school-oak"]["summary"].startswith("Disclosure") and not hub["school-oak"]["withheld"]
    pack = api(worker).get(f"/mash-packs/{contact.pk}").json()
    answers = {a["agency_code"]: a for a in pack["agency_answers"]}
    assert answers["health-gp"]["withheld"] and answers["health-gp"]["summary"] == ""
    assert answers["school-oak"]["withheld"] and answers["school-oak"]["summary"] == ""
    assert "Disclosure to the designated" not in str(pack) and "Known to the practice" not in str(pack)
    gp_item = ContributedItem.objects.get(request__enquiry=decided_enquiry, agency__code="health-gp")
    item_release(make_actor("researcher", "health-gp"), gp_item)
    pack = api(worker).get(f"/mash-packs/{contact.pk}").json()
    answers = {a["agency_code"]: a for a in pack["agency_answers"]}
    assert answers["health-gp"]["summary"].startswith("Known to the practice")
    assert "Disclosure to the designated" not in str(pack)
    assert pack["decision"]["rationale"] == "Significant harm likely" and pack["decision"]["outcomes"] == [
        "strategy_s47"
    ]


def test_an_unallocated_pack_goes_to_nobody_outside_the_hub_but_the_managers_list(
    api, manager, screener, worker, other_worker, strategy_contact
):
    """Practitioner review, fault 3: a pack with no worker allocated was shown to every social worker under "MASH
    packs handed to you" and could be opened. It belongs only to the allocated worker; until then it waits on the
    MASH managers' "to allocate" list."""
    for sw in (worker, other_worker):
        assert api(sw).get("/mash-packs").json()["items"] == []
        assert api(sw).get(f"/mash-packs/{strategy_contact.pk}").status_code == 404
        assert api(sw).get("/mash-packs?to_allocate=true").status_code == 403
    waiting = api(manager).get("/mash-packs?to_allocate=true")
    assert [p["contact_id"] for p in waiting.json()["items"]] == [str(strategy_contact.pk)]
    assert waiting.json()["count"] == 1
    assert api(screener).get("/mash-packs?to_allocate=true").status_code == 403  # screeners do not allocate
    assert api(screener).get(f"/mash-packs/{strategy_contact.pk}").status_code == 200  # the hub sees every pack
    _allocate(api, manager, worker, strategy_contact)
    assert api(worker).get(f"/mash-packs/{strategy_contact.pk}").status_code == 200
    assert [p["contact_id"] for p in api(worker).get("/mash-packs").json()["items"]] == [str(strategy_contact.pk)]
    assert api(other_worker).get(f"/mash-packs/{strategy_contact.pk}").status_code == 404
    assert api(manager).get("/mash-packs?to_allocate=true").json()["items"] == []


@pytest.mark.parametrize(
    "role,agency",
    [
        ("referrer", "police"),
        ("researcher", "health-gp"),
        ("social_worker", "mash"),
        ("social_worker", "csc"),
        ("auditor", "mash"),
        ("partnership_admin", "mash"),
        ("referrer", "csc"),
    ],
)
def test_an_unallocated_pack_is_not_found_for_every_other_role(api, make_actor, strategy_contact, csc, role, agency):
    client = api(make_actor(role, agency))
    assert client.get(f"/mash-packs/{strategy_contact.pk}").status_code == 404
    listed = client.get("/mash-packs")
    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert listed.json()["items"] == []


@pytest.mark.parametrize(
    "role,agency", [("referrer", "police"), ("researcher", "health-gp"), ("social_worker", "mash"), ("auditor", "mash")]
)
def test_no_pack_for_anyone_else(api, make_actor, strategy_contact, role, agency):
    client = api(make_actor(role, agency))
    assert client.get(f"/mash-packs/{strategy_contact.pk}").status_code == 404
    assert client.get("/mash-packs").status_code in (200, 403)
    if client.get("/mash-packs").status_code == 200:
        assert client.get("/mash-packs").json()["items"] == []
