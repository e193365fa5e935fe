"""Issue 7: "a manager separated these two; only link.unmerge may join them again" was decided by reading the audit
trail (an ended held intake join was known only by its "link_end" event). The decision now reads the link itself:
every rejected row says who or what rejected it (RecordLink.rejected_as: different_people, not_same_child, referrer,
separation), people.linking.link_rejection_is_separation reads that field and nothing else, and migration
people/0020 gives the rows written before it their value from what was known."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmash.matching.tests.test_api import _records
from openmash.matching.tests.test_pages import _proposed
from openmash.people import linking
from openmash.people.models import LinkState, RecordLink
from openmash.people.tests.test_intake_pending_screening import _known_child, _pending
from tests.support import child, contact_record, nhs_number

pytestmark = pytest.mark.django_db


def _current(link) -> RecordLink:
    return RecordLink.objects.get(record_l_id=link.record_l_id, record_r_id=link.record_r_id, valid_to=None)


def _is_separation_without_queries(row) -> bool:
    """link_rejection_is_separation on a loaded row: it asks the database nothing (no audit trail, no history)."""
    with CaptureQueriesContext(connection) as queries:
        answer = linking.link_rejection_is_separation(row)
    assert [q["sql"] for q in queries.captured_queries] == []
    return answer


def _held_join(make_actor):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    screener = make_actor("screener", "mash")
    nhs = nhs_number()
    _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    return second, _pending(second).get(), screener


def test_a_manager_ending_a_held_intake_join_stores_a_separation(make_actor):
    _contact, pending, screener = _held_join(make_actor)
    manager = make_actor("manager", "mash")
    linking.link_end(actor=manager, link_id=pending.pk, reason="Not the same child")
    row = _current(pending)
    assert row.state == LinkState.REJECTED and row.rejected_as == "separation"
    assert row.decided_by_id == manager.user.pk
    assert _is_separation_without_queries(row)
    with pytest.raises(linking.PermissionDenied):
        linking.link_confirm(actor=screener, link_id=row.pk, reason="Same child after all")


def test_not_the_same_child_at_screening_is_stored_as_such_and_a_screener_may_undo_it(make_actor):
    from openmash.enquiries.services import intake_match_reject

    contact, pending, screener = _held_join(make_actor)
    intake_match_reject(actor=screener, contact_id=contact.pk, link_id=pending.pk, reason="A borrowed NHS number")
    row = _current(pending)
    assert row.rejected_as == "not_same_child"
    assert not _is_separation_without_queries(row)


def test_an_unmerge_and_a_separation_are_stored_as_separations(partnership, make_actor):
    manager = make_actor("manager", "mash")
    _records(partnership, nhs_left="9434765919", nhs_right="9434765919")
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.CONFIRMED)
    linking.link_end(actor=manager, link_id=link.pk, reason="Twins")
    ended = _current(link)
    assert ended.rejected_as == "separation" and _is_separation_without_queries(ended)
    again = linking.link_confirm(actor=manager, link_id=ended.pk, reason="The GP confirmed: one child")
    left = again.record_l
    [separated] = linking.person_separate(actor=manager, person_id=left.origin_person_id, reason="Twins again")
    assert separated.rejected_as == "separation" and _is_separation_without_queries(separated)


def test_a_reviewers_different_people_is_stored_as_such(partnership, make_actor):
    (proposal,) = _proposed(partnership)
    rejected = linking.link_reject(actor=make_actor("screener", "mash"), link_id=proposal.pk, reason="Different")
    assert rejected.rejected_as == "different_people"
    assert not _is_separation_without_queries(rejected)
    assert set(RecordLink.objects.exclude(state=LinkState.REJECTED).values_list("rejected_as", flat=True)) == {""}


def test_the_audit_trail_does_not_decide_a_separation(partnership, make_actor):
    """A "link_end" event naming a reviewer's rejection does not make it a separation: the row decides."""
    from openmash.audit.services import audit_record

    (proposal,) = _proposed(partnership)
    screener = make_actor("screener", "mash")
    rejected = linking.link_reject(actor=screener, link_id=proposal.pk, reason="Different children")
    audit_record(actor=make_actor("manager", "mash"), action="link_end", obj=rejected, reason="recorded elsewhere")
    assert not linking.link_rejection_is_separation(rejected)
    again = linking.link_confirm(actor=make_actor("screener", "mash"), link_id=rejected.pk, reason="Same after all")
    assert again.state == LinkState.CONFIRMED


def test_the_migration_gives_old_rejected_rows_their_value_from_what_was_known(partnership, make_actor):
    from importlib import import_module

    from django.apps import apps

    from openmash.enquiries.services import intake_match_reject

    migration = import_module("openmash.people.migrations.0020_record_link_rejected_as")
    manager, screener = make_actor("manager", "mash"), make_actor("screener", "mash")
    # an unmerge (the row replaced a confirmed link)
    _records(partnership, nhs_left="9434765919", nhs_right="9434765919")
    confirmed = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.CONFIRMED)
    linking.link_end(actor=manager, link_id=confirmed.pk, reason="Twins")
    # a held intake join ended by a manager (known only by its "link_end" event before this change)
    _contact, pending, _ = _held_join(make_actor)
    linking.link_end(actor=manager, link_id=pending.pk, reason="Not the same child")
    # a held intake join rejected at screening
    contact2, pending2, screener2 = _held_join(make_actor)
    intake_match_reject(actor=screener2, contact_id=contact2.pk, link_id=pending2.pk, reason="Borrowed number")
    # a reviewer's "different people"
    (proposal,) = _proposed(partnership)
    linking.link_reject(actor=screener, link_id=proposal.pk, reason="Different children")
    expected = {
        _current(confirmed).pk: "separation",
        _current(pending).pk: "separation",
        _current(pending2).pk: "not_same_child",
        _current(proposal).pk: "different_people",
    }
    RecordLink.objects.update(rejected_as="")  # as the rows were before the column
    migration.forward(apps, None)
    got = dict(RecordLink.objects.filter(pk__in=expected).values_list("pk", "rejected_as"))
    assert got == expected
    assert set(RecordLink.objects.exclude(state=LinkState.REJECTED).values_list("rejected_as", flat=True)) == {""}
