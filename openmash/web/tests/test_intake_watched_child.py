"""A contact recorded on the intake page about a watched child (issue 8; patterns.watching): the hub is told in-app
with references only, and the watch is escalated when the child's contacts in twelve months reach
OPENMASH_WATCH_ESCALATE_CONTACTS -- at recording, not only at screening."""

from __future__ import annotations

import pytest

from openmash.contacts.models import Contact
from openmash.enquiries.models import Notification
from openmash.patterns.decisions_extra import watch_start
from openmash.patterns.models import Watch, WatchSource
from openmash.web.tests.conftest import contact_form_data, contact_submit

pytestmark = pytest.mark.django_db


def test_a_contact_sent_from_the_intake_page_about_a_watched_child_tells_the_hub_and_escalates(
    make_actor, login, new_contact, settings
):
    settings.OPENMASH_WATCH_ESCALATE_CONTACTS = 2
    screener, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    referrer = make_actor("referrer", "police")
    existing = new_contact(referrer).people.get(role="subject").person
    watch = watch_start(actor=screener, child=existing, days=90, source=WatchSource.CHOSEN)
    client = login(referrer)
    client.post(
        "/contacts/new/",
        {
            "action": "search",
            "name": "Amelia Testchild",
            "date_of_birth_day": "2",
            "date_of_birth_month": "4",
            "date_of_birth_year": "2018",
        },
    )
    client.post("/contacts/new/", {"action": "select", "person_id": str(existing.pk)})
    child_fields = {k: "" for k in contact_form_data() if k.startswith("children-0-")}
    child_fields["children-0-person_id"] = str(existing.pk)
    child_fields["members-0-match"] = "new"
    assert contact_submit(client, contact_form_data(**child_fields)).status_code == 302
    contact = Contact.objects.order_by("-received_at", "-created_at").first()
    told = Notification.objects.filter(watch_delivery__watch=watch).exclude(message__contains="escalated")
    assert [n.user_id for n in told] == [screener.user.pk]  # the manager's one notice says it escalated
    assert all(contact.reference in n.message and "Amelia" not in n.message for n in told)
    watch.refresh_from_db()
    assert watch.escalated_at is not None  # two contacts in twelve months, recorded on the page
    escalated = Notification.objects.filter(watch_delivery__watch=watch, message__contains="escalated")
    assert [n.user_id for n in escalated] == [manager.user.pk]
    assert Watch.objects.filter(child=existing).count() == 1
