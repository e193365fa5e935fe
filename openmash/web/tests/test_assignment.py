"""Taking and assigning work from the pages (issue 5): the queue shows who holds what, the loser is told."""

from __future__ import annotations

import pytest

from openmash.enquiries import assignment
from openmash.enquiries.models import Enquiry
from tests.support import contact_record, enquiry_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(make_actor):
    return {
        "referrer": make_actor("referrer", "police"),
        "screener": make_actor("screener", "mash"),
        "other": make_actor("screener", "mash"),
        "manager": make_actor("manager", "mash"),
    }


def test_pages_take_show_the_holder_and_tell_the_loser(login, hub):
    contact = contact_record(hub["referrer"])
    mine, theirs = login(hub["screener"]), login(hub["other"])
    queue = mine.get("/screening/").content.decode()
    assert f'action="/contacts/{contact.pk}/take/"' in queue and 'data-testid="take"' in queue
    r = mine.post(f"/contacts/{contact.pk}/take/", follow=True)
    assert "You now hold this contact" in r.content.decode()
    assert 'govuk-tag--blue">You<' in r.content.decode()
    lost = theirs.post(f"/contacts/{contact.pk}/take/", follow=True).content.decode()
    assert "govuk-notification-banner" in lost and "Someone else has just changed who holds this" in lost
    assert hub["screener"].user.username in lost  # the queue shows who holds it
    filtered = theirs.get("/screening/", {"assigned": "none"}).context["page"]
    assert contact.pk not in [c.pk for c in filtered]


def test_manager_assignment_page_detects_a_change_made_meanwhile(login, hub):
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    manager = login(hub["manager"])
    page = manager.get(f"/enquiries/{enquiry.pk}/assignment/").content.decode()
    assert 'name="expected" value=""' in page or 'name="expected"' in page
    assignment.enquiry_take(actor=hub["screener"], enquiry_id=enquiry.pk)  # meanwhile
    r = manager.post(f"/enquiries/{enquiry.pk}/assignment/", {"assign_to": str(hub["other"].user.pk), "expected": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in html and "govuk-error-summary" in html
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == hub["screener"].user.pk
    ok = manager.post(
        f"/enquiries/{enquiry.pk}/assignment/",
        {"assign_to": str(hub["other"].user.pk), "expected": str(hub["screener"].user.pk)},
    )
    assert ok.status_code == 302 and Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == hub["other"].user.pk
    assert login(hub["screener"]).get(f"/enquiries/{enquiry.pk}/assignment/").status_code == 403
    bad = manager.post(f"/enquiries/{enquiry.pk}/assignment/", {"assign_to": "999999", "expected": "x"})
    assert "govuk-error-summary" in bad.content.decode()


def test_take_and_assign_pages_refuse_outsiders_and_hide_missing_records(login, hub, make_actor):
    from openmash.audit.models import AuditEvent
    from openmash.contacts.models import Contact

    contact = contact_record(hub["referrer"])
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    outsiders = [hub["referrer"], make_actor("researcher", "health-gp"), make_actor("social_worker", "mash")]
    for actor in outsiders:
        client = login(actor)
        assert client.post(f"/contacts/{contact.pk}/take/").status_code == 403
        assert client.post(f"/enquiries/{enquiry.pk}/take/").status_code == 403
        assert client.get(f"/contacts/{contact.pk}/assignment/").status_code == 403
        assert client.post(f"/enquiries/{enquiry.pk}/assignment/", {"assign_to": ""}).status_code == 403
    assert Contact.objects.get(pk=contact.pk).assigned_to_id is None
    assert not AuditEvent.objects.filter(action__in=["take", "assign"]).exists()
    screener = login(hub["screener"])
    assert screener.post("/contacts/00000000-0000-4000-8000-000000000000/take/").status_code == 404
    assert screener.get(f"/contacts/{contact.pk}/take/").status_code == 405
