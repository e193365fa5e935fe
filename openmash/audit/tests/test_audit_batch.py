"""audit_batch: the events of one write held and written at the end of the block, in one INSERT with their contact
index, in the same transaction; nothing written when the block fails."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from openmash.audit.models import AuditEvent, AuditEventContact
from openmash.audit.services import audit_batch, audit_record, audit_record_many
from tests.support import contact_record


@pytest.fixture
def setting(make_actor):
    referrer = make_actor("referrer", "police")
    contact = contact_record(referrer)
    return referrer, contact, list(contact.people.select_related("person"))


def test_events_are_written_at_the_end_in_one_insert(setting):
    actor, contact, links = setting
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    with CaptureQueriesContext(connection) as ctx, transaction.atomic(), audit_batch():
        audit_record_many(actor=actor, action="view", objects=[cp.person for cp in links])
        event = audit_record(actor=actor, action="view", obj=contact, detail={"n": 1})
        audit_record_many(actor=actor, action="list", objects=links)  # a contact's people: indexed by their contact
        assert event.pk is None  # held
        assert not AuditEvent.objects.filter(pk__gt=last).exists()
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2, inserts  # the events, then their contact index
    written = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
    assert [(e.action, e.object_type) for e in written] == (
        [("view", "people.person")] * len(links)
        + [("view", "contacts.contact")]
        + [("list", "contacts.contactperson")] * len(links)
    )
    assert event.pk == written[len(links)].pk and written[len(links)].detail == {"n": 1}
    indexed = AuditEventContact.objects.filter(event__in=[e.pk for e in written])
    assert {str(r.contact_id) for r in indexed} == {str(contact.pk)}
    assert indexed.count() == len(links) + 1  # the contact's view, and each of its people's listing


def test_nothing_is_written_when_the_block_fails(setting):
    actor, contact, _ = setting
    before = AuditEvent.objects.count(), AuditEventContact.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(actor=actor, action="view", obj=contact)
        raise RuntimeError("the write failed")
    assert (AuditEvent.objects.count(), AuditEventContact.objects.count()) == before


def test_a_block_inside_another_joins_it(setting):
    actor, contact, _ = setting
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit_batch():
        with audit_batch():
            audit_record(actor=actor, action="view", obj=contact)
        assert AuditEvent.objects.count() == before  # still held by the outer block
    assert AuditEvent.objects.count() == before + 1


def test_outside_a_block_each_event_is_written_at_once(setting):
    actor, contact, _ = setting
    event = audit_record(actor=actor, action="view", obj=contact)
    assert event.pk is not None
    assert AuditEventContact.objects.filter(event_id=event.pk, contact_id=contact.pk).exists()
