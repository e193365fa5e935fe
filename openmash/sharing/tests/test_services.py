"""Sharing decisions are records (issue 7): validation of items and decisions, refusals and releases audited with
codes only, release requests and their content-free notifications, the plain summary kept working."""

from __future__ import annotations

import pytest

from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.sharing import services
from openmash.sharing.models import ContributedItem, ReleaseRequest, ShareDecision
from tests.support import REFUSE, SHARE, item_give, item_release, respond


def _events(obj, action):
    from openmash.audit.models import AuditEvent

    return AuditEvent.objects.filter(object_id=str(obj.pk), action=action)


def test_an_item_needs_text_a_known_sensitivity_and_its_category(room):
    with pytest.raises(ValidationFailed) as exc:
        item_give(room.gp, room.gp_request, "", sensitivity="secret")
    assert set(exc.value.errors) == {"text", "sensitivity"}
    with pytest.raises(ValidationFailed) as exc:
        item_give(room.gp, room.gp_request, "Seen at clinic", sensitivity="sensitive", category="refuge_address")
    assert exc.value.errors == {"category": ["Choose why the item is sensitive"]}
    with pytest.raises(ValidationFailed) as exc:
        item_give(room.gp, room.gp_request, "Address", sensitivity="sealed", category="")
    assert exc.value.errors == {"category": ["Choose why the item is sealed"]}


def test_police_intelligence_needs_its_three_by_five_by_two_grading(room):
    with pytest.raises(ValidationFailed) as exc:
        item_give(
            room.police,
            room.police_request,
            "Intel",
            sensitivity="sensitive",
            category="police_intelligence",
            intel_source="4",
        )
    assert set(exc.value.errors) == {"intel_source", "intel_assessment", "intel_handling"}
    item = item_give(
        room.police,
        room.police_request,
        "Intel",
        sensitivity="sensitive",
        category="police_intelligence",
        intel_source="2",
        intel_assessment="B",
        intel_handling="P",
    )
    assert (item.intel_source, item.intel_assessment, item.intel_handling) == ("2", "B", "P")
    decision = item.decisions.get()
    assert decision.part3_condition == "sch8_para4" and decision.special_condition == ""  # police: Part 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"lawful_basis": "not_recorded"}, "lawful_basis"),  # only the old summary path records no basis
        ({"special_condition": ""}, "special_condition"),
        ({"consent": ""}, "consent"),
        ({"consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"consent": "refused"}, "consent_override_reason"),
        ({"necessity_note": ""}, "necessity_note"),
        ({"outcome": "share_part"}, "part_text"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_a_share_decision_records_purpose_basis_consent_and_necessity(room, change, field):
    with pytest.raises(ValidationFailed) as exc:
        item_give(
            room.gp,
            room.gp_request,
            "Seen at CAMHS",
            sensitivity="sensitive",
            category="mental_health",
            decision=SHARE | change,
        )
    assert field in {k.removeprefix("decision.") for k in exc.value.errors}
    assert not ContributedItem.objects.exists()  # all or nothing


def test_urgent_sharing_is_never_blocked_and_is_recorded(room):
    item = item_give(
        room.gp,
        room.gp_request,
        "Injury seen today",
        decision={
            "outcome": "share",
            "purpose": "protect_child",
            "lawful_basis": "public_task",
            "urgent": True,
        },
    )
    d = item.decisions.get()
    assert d.urgent and d.consent == "not_sought" and d.consent_not_sought_reason == "urgent"
    assert item.state == "shared"


def test_share_part_keeps_only_the_part_shared(room):
    item = item_give(
        room.gp,
        room.gp_request,
        "Whole record with the mother's own history",
        decision=SHARE | {"outcome": "share_part", "part_text": "Missed three appointments"},
    )
    item.refresh_from_db()
    assert item.text == "Missed three appointments" and item.decisions.get().outcome == "share_part"


def test_a_refusal_is_an_event_with_no_free_text_in_the_audit(room):
    item = item_give(
        room.gp,
        room.gp_request,
        "Canary refused: sexual health clinic",
        sensitivity="sensitive",
        category="sexual_health",
        decision=REFUSE | {"necessity_note": "Canary note"},
    )
    assert item.state == "refused" and item.refusal_reason == "third_party_risk"
    d = item.decisions.get()
    assert d.kind == "refuse" and d.decided_by == room.gp.user
    event = _events(item, "share_refuse").get()
    assert "Canary" not in str(event.detail) and event.reason == ""
    assert event.detail["refusal_reason"] == "third_party_risk" and event.detail["kind"] == "refuse"


def test_only_the_owning_agency_adds_decides_and_releases(room):
    with pytest.raises(PermissionDenied):
        item_give(room.screener, room.gp_request, "x")
    with pytest.raises(NotFound):
        item_give(room.police, room.gp_request, "x")  # another agency's request: as missing
    draft = item_give(room.gp, room.gp_request, "Draft", decision=None)
    with pytest.raises(NotFound):
        services.item_decide(actor=room.police, item_id=draft.pk, decision=SHARE)
    services.item_decide(actor=room.gp, item_id=draft.pk, decision=SHARE)
    with pytest.raises(Conflict):
        services.item_decide(actor=room.gp, item_id=draft.pk, decision=SHARE)
    with pytest.raises(PermissionDenied):
        services.item_release(actor=room.manager, item_id=draft.pk, decision=SHARE)


def test_release_is_recorded_audited_and_answers_the_requests(room):
    from openmash.enquiries.models import Notification

    item = item_give(room.gp, room.gp_request, "Canary release text")
    asked_hub = services.release_request_create(actor=room.manager, item_id=item.pk)
    asked_worker = services.release_request_create(actor=room.worker, item_id=item.pk)
    assert services.release_request_create(actor=room.worker, item_id=item.pk) == asked_worker  # asked once
    told = Notification.objects.filter(user=room.gp.user)
    assert told.count() == 2 and all("Canary" not in n.message for n in told)
    assert all(room.contact.reference in n.message for n in told)
    item_release(room.gp, item)
    item.refresh_from_db()
    assert item.released_at is not None and item.released_by == room.gp.user
    assert set(ReleaseRequest.objects.values_list("status", flat=True)) == {"released"}
    assert {asked_hub.pk, asked_worker.pk} == set(ReleaseRequest.objects.values_list("pk", flat=True))
    event = _events(item, "release").get()
    assert "Canary" not in str(event.detail)
    worker_told = Notification.objects.filter(user=room.worker.user).values_list("message", flat=True)
    assert [m for m in worker_told if "answered your release request" in m]
    with pytest.raises(Conflict):
        item_release(room.gp, item)


def test_a_refused_release_is_recorded_and_the_item_stays_in_the_hub(room):
    item = item_give(room.gp, room.gp_request, "Kept in hub")
    services.release_request_create(actor=room.worker, item_id=item.pk)
    item_release(room.gp, item, decision={"outcome": "do_not_share", "refusal_reason": "not_necessary"})
    item.refresh_from_db()
    assert item.released_at is None
    assert item.decisions.filter(kind="refuse_release", refusal_reason="not_necessary").exists()
    assert ReleaseRequest.objects.get().status == "refused"
    assert _events(item, "release_refuse").exists()


def test_a_refused_or_draft_item_cannot_be_asked_for(room):
    refused = item_give(room.gp, room.gp_request, "No", decision=REFUSE)
    with pytest.raises(Conflict):
        services.release_request_create(actor=room.manager, item_id=refused.pk)
    draft = item_give(room.gp, room.gp_request, "Draft", decision=None)
    with pytest.raises(NotFound):
        services.release_request_create(actor=room.manager, item_id=draft.pk)
    with pytest.raises(NotFound):
        services.release_request_create(actor=room.referrer, item_id=refused.pk)


def test_a_plain_summary_is_one_standard_item_shared_and_not_released(make_actor, room):
    from tests.support import enquiry_open, requests_send

    enquiry = enquiry_open(referrer=room.referrer, screener=room.screener)
    (request,) = requests_send(room.screener, enquiry, "health-gp")
    respond(room.gp, request, summary="Known to the practice", sensitivity="restricted")
    item = ContributedItem.objects.get(request=request)
    assert (item.text, item.sensitivity, item.category, item.state, item.source) == (
        "Known to the practice",
        "sensitive",
        "not_stated",
        "shared",
        "summary",
    )
    assert item.released_at is None
    assert item.decisions.get().lawful_basis == "not_recorded"


def test_amending_the_summary_withdraws_its_item_and_shares_the_new_one(room):
    from openmash.enquiries.services import agency_response_amend
    from tests.support import enquiry_open, requests_send

    enquiry = enquiry_open(referrer=room.referrer, screener=room.screener)
    (request,) = requests_send(room.screener, enquiry, "health-gp")
    response = respond(room.gp, request, summary="First")
    first = ContributedItem.objects.get(request=request)
    item_release(room.gp, first)
    agency_response_amend(
        actor=room.gp,
        request_id=request.pk,
        version=response.version,
        reason="Corrected",
        no_information=False,
        summary="Second",
    )
    first.refresh_from_db()
    live = ContributedItem.objects.get(request=request, withdrawn_at__isnull=True)
    assert first.withdrawn_at is not None and live.text == "Second" and live.released_at is None


def test_an_answer_may_be_its_items_alone(room):
    from openmash.enquiries.services import agency_response_record
    from tests.support import enquiry_open, requests_send

    enquiry = enquiry_open(referrer=room.referrer, screener=room.screener)
    (request,) = requests_send(room.screener, enquiry, "health-gp")
    with pytest.raises(ValidationFailed) as exc:
        agency_response_record(
            actor=room.gp,
            request_id=request.pk,
            no_information=False,
            items=[{"text": "One", "sensitivity": "standard"}],
        )
    assert "items.0.decision" in exc.value.errors
    agency_response_record(
        actor=room.gp,
        request_id=request.pk,
        no_information=False,
        items=[{"text": "One", "decision": SHARE}, {"text": "Two", "decision": REFUSE}],
    )
    assert list(ContributedItem.objects.filter(request=request).values_list("state", flat=True)) == [
        "shared",
        "refused",
    ]
    assert ShareDecision.objects.filter(item__request=request).count() == 2
