"""A feed's declared mapping (columns, event types, sensitivities) changes only when a second partnership admin
approves (dual control, ADR 0019). Until then the change waits with its diff and imports keep using the approved
mapping; never the admin who asked approves; every step is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.feeds.mapping import feed_spec_get, mapping_text_parse
from openmash.feeds.models import FeedMapping, FeedMappingChange
from openmash.feeds.services import feed_mapping_change_decide, feed_mapping_save

TEXT = "code: police-std\nname: Police\nbase: standard\nevent_types:\n  Stop and search: offending\n"
CHANGED = TEXT.replace("Stop and search: offending", "Stop and search: missing")


@pytest.fixture
def admins(make_actor):
    return make_actor("partnership_admin", "mash", username="pat.admin"), make_actor(
        "partnership_admin", "mash", username="sam.admin"
    )


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _approved(admins) -> FeedMapping:
    pat, sam = admins
    change = feed_mapping_save(actor=pat, source_text=TEXT, definition=mapping_text_parse(TEXT))
    feed_mapping_change_decide(actor=sam, change_id=change.pk, approve=True)
    return FeedMapping.objects.get(code="police-std")


def test_a_new_feed_waits_and_cannot_be_imported_through_until_approved(admins):
    pat, sam = admins
    r = _client(pat).post("/partnership/feeds/", {"source_text": TEXT})
    change = FeedMappingChange.objects.get()
    assert r["Location"] == f"/partnership/feeds/changes/{change.pk}/"
    assert not FeedMapping.objects.exists() and change.status == "pending"
    page = _client(pat).get(r["Location"]).content.decode()
    assert "+  Stop and search: offending" in page and "approve-feed-change" not in page
    assert "waits-for-another-admin" in page
    with pytest.raises(ValidationFailed):  # imports know no such feed until it is approved
        feed_spec_get("police-std")
    assert AuditEvent.objects.filter(action="feed_mapping_change_request", object_id=str(change.pk)).exists()
    # the second admin sees the diff and the buttons, and approves
    page = _client(sam).get(r["Location"]).content.decode()
    assert "approve-feed-change" in page
    _client(sam).post(r["Location"], {"decision": "approve"})
    assert FeedMapping.objects.get(code="police-std").definition["event_types"] == {"Stop and search": "offending"}
    change.refresh_from_db()
    assert (change.status, change.decided_by_id) == ("approved", sam.user.pk)
    assert AuditEvent.objects.filter(action="feed_mapping_change_approve", actor_user_id=sam.user.pk).exists()


def test_an_admin_cannot_approve_their_own_change(admins):
    pat, _ = admins
    mapping = _approved(admins)
    change = feed_mapping_save(
        actor=pat, code="police-std", source_text=CHANGED, definition=mapping_text_parse(CHANGED)
    )
    with pytest.raises(NotFound):
        feed_mapping_change_decide(actor=pat, change_id=change.pk, approve=True)
    r = _client(pat).post(f"/partnership/feeds/changes/{change.pk}/", {"decision": "approve"}, follow=True)
    assert "no longer waiting for you" in r.content.decode()
    change.refresh_from_db()
    assert change.status == "pending"
    mapping.refresh_from_db()
    assert mapping.definition["event_types"] == {"Stop and search": "offending"}


def test_imports_use_the_approved_mapping_until_the_change_is_approved(admins):
    pat, sam = admins
    _approved(admins)
    page = (
        _client(pat)
        .post(
            "/partnership/feeds/police-std/",
            {"source_text": CHANGED, "updated_at": FeedMapping.objects.get().updated_at.isoformat()},
            follow=True,
        )
        .content.decode()
    )
    assert "waits for another partnership admin" in page
    change = FeedMappingChange.objects.get(status="pending")
    assert change.base_text == TEXT
    assert feed_spec_get("police-std").event_kind("Stop and search") == "offending"  # the approved one
    diff = _client(sam).get(f"/partnership/feeds/changes/{change.pk}/").content.decode()
    assert "-  Stop and search: offending" in diff and "+  Stop and search: missing" in diff
    detail = _client(sam).get("/partnership/feeds/police-std/").content.decode()
    assert "pending-feed-changes" in detail
    feed_mapping_change_decide(actor=sam, change_id=change.pk, approve=True)
    assert feed_spec_get("police-std").event_kind("Stop and search") == "missing"


def test_a_rejected_change_changes_nothing(admins):
    pat, sam = admins
    mapping = _approved(admins)
    change = feed_mapping_save(
        actor=pat, code="police-std", source_text=CHANGED, definition=mapping_text_parse(CHANGED)
    )
    _client(sam).post(f"/partnership/feeds/changes/{change.pk}/", {"decision": "reject"})
    change.refresh_from_db()
    assert change.status == "rejected"
    mapping.refresh_from_db()
    assert mapping.source_text == TEXT
    assert AuditEvent.objects.filter(action="feed_mapping_change_reject", object_id=str(change.pk)).exists()


def test_a_later_change_replaces_a_waiting_one(admins):
    pat, sam = admins
    _approved(admins)
    first = feed_mapping_save(actor=pat, code="police-std", source_text=CHANGED, definition=mapping_text_parse(CHANGED))
    later_text = CHANGED + "sensitivity:\n  missing: sensitive\n"
    later = feed_mapping_save(
        actor=sam, code="police-std", source_text=later_text, definition=mapping_text_parse(later_text)
    )
    first.refresh_from_db()
    assert first.status == "superseded"
    with pytest.raises(NotFound):  # no longer waiting
        feed_mapping_change_decide(actor=sam, change_id=first.pk, approve=True)
    feed_mapping_change_decide(actor=pat, change_id=later.pk, approve=True)
    assert FeedMapping.objects.get().source_text == later_text


def test_a_change_written_against_an_older_version_is_not_approved_blind(admins):
    pat, sam = admins
    mapping = _approved(admins)
    change = feed_mapping_save(
        actor=pat, code="police-std", source_text=CHANGED, definition=mapping_text_parse(CHANGED)
    )
    FeedMapping.objects.filter(pk=mapping.pk).update(name="Changed elsewhere", updated_at=mapping.updated_at.replace(
        year=mapping.updated_at.year + 1))  # fmt: skip
    with pytest.raises(Conflict):
        feed_mapping_change_decide(actor=sam, change_id=change.pk, approve=True)
    assert FeedMappingChange.objects.get(pk=change.pk).status == "pending"


def test_only_a_partnership_admin_opens_or_decides_a_change(admins, make_actor):
    pat, _ = admins
    change = feed_mapping_save(actor=pat, source_text=TEXT, definition=mapping_text_parse(TEXT))
    manager = make_actor("manager", "mash")
    assert _client(manager).get(f"/partnership/feeds/changes/{change.pk}/").status_code == 403
    assert _client(manager).post(f"/partnership/feeds/changes/{change.pk}/", {"decision": "approve"}).status_code == 403
    with pytest.raises(NotFound):
        feed_mapping_change_decide(actor=manager, change_id=change.pk, approve=True)
    assert FeedMappingChange.objects.get(pk=change.pk).status == "pending"
