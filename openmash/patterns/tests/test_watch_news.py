"""The watch-list's news (issue 8; patterns.watching): a new event about a watched child, recorded or imported,
tells the hub in-app (once per child per import batch, however many rows; references only, no personal data), and a
watched child whose contacts in twelve months reach OPENMASH_WATCH_ESCALATE_CONTACTS is escalated once, wherever the
contact was recorded (the API, an import) -- not only at screening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.enquiries.models import Notification
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.decisions_extra import watch_start
from openmash.patterns.models import Watch, WatchSource
from openmash.people.models import AgencyRecord
from tests.support import child, nhs_number, payload, subject_person

pytestmark = pytest.mark.django_db

NHS_CHILD = "999 314 1593"


@pytest.fixture
def hub(make_actor):
    return {"screener": make_actor("screener", "mash"), "manager": make_actor("manager", "mash")}


def _days_ago(n: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


def _notes(watch, **filters):
    return Notification.objects.filter(watch_delivery__watch=watch, **filters)


def _record(api, actor, subject) -> object:
    from openmash.contacts.models import Contact

    response = api(actor).post("/contacts", payload(subjects=[subject], household=[]))  # no adult met twice
    assert response.status_code == 201, response.json()
    return Contact.objects.get(pk=response.json()["id"])


def test_a_contact_recorded_through_the_api_about_a_watched_child_tells_the_hub(api, make_actor, hub, client):
    referrer = make_actor("referrer", "police")
    first = _record(api, referrer, child("Jaxon", "Watchedchild", nhs=nhs_number()))
    person = subject_person(first)
    assert not Notification.objects.filter(watch_delivery__isnull=False).exists()  # not watched yet: nothing
    watch = watch_start(actor=hub["screener"], child=person, days=90, source=WatchSource.CHOSEN)
    later = _record(api, referrer, {"person_id": str(person.pk)})
    notes = list(_notes(watch))
    assert sorted(n.user_id for n in notes) == sorted([hub["screener"].user.pk, hub["manager"].user.pk])
    for note in notes:  # the contact's reference, no watch code (practitioners' review), no personal data
        assert later.reference in note.message and watch.reference not in note.message
        assert "Jaxon" not in note.message and "Watchedchild" not in note.message
        assert note.contact_id == later.pk
    assert not Notification.objects.filter(user=referrer.user, watch_delivery__isnull=False).exists()
    assert AuditEvent.objects.filter(action="watch.notify", object_id=str(watch.pk)).exists()
    # the home page opens the contact from it
    client.force_login(hub["screener"].user)
    html = client.get("/").content.decode()
    assert f"/contacts/{later.pk}/" in html and later.reference in html


def test_a_watch_that_ended_tells_nobody(api, make_actor, hub):
    referrer = make_actor("referrer", "police")
    person = subject_person(_record(api, referrer, child(nhs=nhs_number())))
    watch = watch_start(actor=hub["screener"], child=person, days=90, source=WatchSource.CHOSEN)
    Watch.objects.filter(pk=watch.pk).update(ended_at=timezone.now())
    _record(api, referrer, {"person_id": str(person.pk)})
    assert not _notes(watch).exists()


def test_contacts_recorded_through_the_api_escalate_a_watched_child_once(api, make_actor, hub, settings):
    settings.OPENMASH_WATCH_ESCALATE_CONTACTS = 3
    referrer = make_actor("referrer", "police")
    person = subject_person(_record(api, referrer, child(nhs=nhs_number())))
    watch = watch_start(actor=hub["screener"], child=person, days=90, source=WatchSource.CHOSEN)
    _record(api, referrer, {"person_id": str(person.pk)})
    watch.refresh_from_db()
    assert watch.escalated_at is None  # two contacts: not yet
    third = _record(api, referrer, {"person_id": str(person.pk)})
    watch.refresh_from_db()
    assert watch.escalated_at is not None
    escalated = _notes(watch, message__contains="escalated")
    assert [n.user_id for n in escalated] == [hub["manager"].user.pk]  # the hub's managers
    assert third.reference in escalated.get().message
    assert AuditEvent.objects.filter(action="watch.escalate", object_id=str(watch.pk)).count() == 1
    _record(api, referrer, {"person_id": str(person.pk)})  # a fourth: escalated already, once is enough
    assert _notes(watch, message__contains="escalated").count() == 1
    html = _client(hub["manager"]).get("/watch-list/").content.decode()
    assert 'data-testid="watch-escalated"' in html


def test_screening_out_after_an_escalation_does_not_escalate_again(make_actor, hub, settings):
    from tests.support import contact_record, screen

    settings.OPENMASH_WATCH_ESCALATE_CONTACTS = 2
    referrer = make_actor("referrer", "police")
    first = contact_record(referrer, subjects=[child(nhs=nhs_number())])
    screen(hub["screener"], first, outcome="nfa_advice")  # watched, one contact
    person = subject_person(first)
    second = contact_record(referrer, subjects=[{"person_id": str(person.pk)}])  # escalated at recording
    watch = Watch.objects.get(child=person)
    assert watch.escalated_at is not None
    screen(hub["screener"], second, outcome="nfa_advice")
    assert _notes(watch, message__contains="escalated").count() == 1


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


@pytest.fixture
def watched(run_import, write_csv, hub):  # noqa: F811
    """A child imported from the police, then watched: (watch, person)."""
    batch = run_import(write_csv([row(record_id="P1", nhs_number=NHS_CHILD, event_date=_days_ago(200))]))
    assert batch.status == "done", batch.report
    person = AgencyRecord.objects.get(local_id="P1").person
    person = person if person.merged_into_id is None else person.merged_into
    return watch_start(actor=hub["screener"], child=person, days=90, source=WatchSource.CHOSEN), person


def test_an_import_tells_the_hub_once_per_watched_child_per_batch(run_import, write_csv, watched, hub):  # noqa: F811
    watch, _ = watched
    rows = [
        row(record_id="P1", nhs_number=NHS_CHILD, event_date=_days_ago(n), event_type="DA incident")
        for n in (30, 20, 10)
    ] + [row(record_id="P9", given_name="Other", nhs_number="943 476 5919", event_date=_days_ago(5))]
    batch = run_import(write_csv(rows))
    assert batch.status == "done" and batch.events_created == 4, batch.report
    notes = _notes(watch)
    assert sorted(n.user_id for n in notes) == sorted([hub["screener"].user.pk, hub["manager"].user.pk])
    assert all("imported" in n.message and watch.reference not in n.message for n in notes)
    assert AuditEvent.objects.filter(action="watch.notify", object_id=str(watch.pk)).count() == 1
    # the next batch about the child: one more each; a batch about someone else: none
    run_import(write_csv([row(record_id="P1", nhs_number=NHS_CHILD, event_date=_days_ago(3), event_type="Other")]))
    assert _notes(watch).count() == 4
    run_import(write_csv([row(record_id="P9", nhs_number="943 476 5919", event_date=_days_ago(2))]))
    assert _notes(watch).count() == 4


def test_imported_referrals_count_towards_the_escalation(run_import, write_csv, watched, hub, settings):  # noqa: F811
    settings.OPENMASH_WATCH_ESCALATE_CONTACTS = 2
    watch, _ = watched
    rows = [
        row(
            record_id="P1",
            nhs_number=NHS_CHILD,
            event_date=_days_ago(n),
            event_type="Referral to children's social care",
        )
        for n in (40, 8)
    ]
    run_import(write_csv(rows))
    watch.refresh_from_db()
    assert watch.escalated_at is not None
    assert _notes(watch, message__contains="escalated", user=hub["manager"].user).count() == 1


def test_a_failure_after_the_import_is_logged_and_the_import_stands(
    run_import,  # noqa: F811
    write_csv,  # noqa: F811
    watched,
    monkeypatch,
    caplog,
):
    import logging

    from openmash.patterns import watching

    def boom(**kwargs):
        raise RuntimeError("Jaxon Watchedchild")

    monkeypatch.setattr(watching, "watch_after_import", boom)
    with caplog.at_level(logging.ERROR):
        batch = run_import(write_csv([row(record_id="P1", nhs_number=NHS_CHILD, event_date=_days_ago(1))]))
    assert batch.status == "done"
    assert "RuntimeError" in caplog.text and "Jaxon" not in caplog.text
