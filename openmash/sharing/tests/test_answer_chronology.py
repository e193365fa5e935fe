"""Issue 7, the whole kind of "a chronology entry less sensitive than its source": an agency's answer wrote its
chronology entries ("GP practice: information shared", and one per amendment) with no sensitivity (read as
standard) whatever the answer held, so a sealed answer's entries were listed on the allocated worker's chronology.
They now carry the answer's level (access.sharing.answer_text_sensitivity: the highest of its items and of its own),
and follow it when an item is added or the answer is amended; migration people/0019 corrects older entries.
(Secure messages and their attachments write no chronology entry.)"""

from __future__ import annotations

from django.test import Client

from openmash.people.models import ChronologyEntry
from tests.support import SHARE, item_give, respond, subject_person

SEALED_TEXT = "Canary sealed item: refuge at Trevose Lodge"


def _levels(request) -> list[str]:
    request.refresh_from_db()
    return sorted(
        ChronologyEntry.objects.filter(
            object_type="enquiries.agencyresponse", object_id=str(request.response.pk)
        ).values_list("sensitivity", flat=True)
    )


def _bearer(actor) -> dict:
    from openmash.accounts.services import token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}


def test_an_answer_with_a_sealed_item_writes_a_sealed_chronology_entry(room):
    respond(
        room.gp,
        room.gp_request,
        summary="",
        items=[{"text": SEALED_TEXT, "sensitivity": "sealed", "category": "refuge_address", "decision": SHARE}],
    )
    assert _levels(room.gp_request) == ["sealed"]
    person = subject_person(room.contact).pk
    worker = Client().get(f"/api/v1/people/{person}/chronology", **_bearer(room.worker)).json()
    assert not [e for e in worker["entries"] if e["kind"] == "agency_response"]
    hub = Client().get(f"/api/v1/people/{person}/chronology", **_bearer(room.manager)).json()
    assert [e["sensitivity"] for e in hub["entries"] if e["kind"] == "agency_response"] == ["sealed"]


def test_a_standard_answer_stays_standard_and_a_restricted_one_is_sensitive(room):
    respond(room.police, room.police_request, summary="Known to police: one call-out")
    assert _levels(room.police_request) == ["standard"]
    respond(room.gp, room.gp_request, summary="Known to the practice", sensitivity="restricted")
    assert _levels(room.gp_request) == ["sensitive"]


def test_the_entries_follow_an_item_added_later_and_an_amendment(room):
    from openmash.enquiries.services import agency_response_amend

    respond(room.gp, room.gp_request, summary="Known to the practice")
    assert _levels(room.gp_request) == ["standard"]
    item_give(room.gp, room.gp_request, "Canary sensitive item", sensitivity="sensitive", category="mental_health")
    assert _levels(room.gp_request) == ["sensitive"]
    room.gp_request.refresh_from_db()
    agency_response_amend(
        actor=room.gp,
        request_id=room.gp_request.pk,
        version=room.gp_request.response.version,
        reason="Add the refuge address",
        no_information=False,
        summary="Known to the practice",
        items=[{"text": SEALED_TEXT, "sensitivity": "sealed", "category": "refuge_address", "decision": SHARE}],
    )
    assert _levels(room.gp_request) == ["sealed", "sealed"]  # the answer's entry and the amendment's


def test_the_migration_gives_old_answer_entries_their_answers_level(room):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("openmash.people.migrations.0019_chronology_sensitivity_from_source")
    respond(room.gp, room.gp_request, summary="Known to the practice")
    item_give(room.gp, room.gp_request, SEALED_TEXT, sensitivity="sealed", category="refuge_address", decision=None)
    respond(room.police, room.police_request, summary="Known to police", sensitivity="restricted")
    ChronologyEntry.objects.filter(object_type="enquiries.agencyresponse").update(sensitivity="")
    migration.forward(apps, None)
    assert _levels(room.gp_request) == ["sealed"]
    assert _levels(room.police_request) == ["sensitive"]
