"""Taking and assigning work from the pages (issue 5): the queue shows who holds what, the loser is told."""

from __future__ import annotations

import pytest

from openmash.contacts.models import Contact
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
    assert f"You now hold the contact {contact.reference}" in r.content.decode()
    assert 'govuk-tag--blue">You<' in r.content.decode()
    lost = theirs.post(f"/contacts/{contact.pk}/take/", follow=True).content.decode()
    assert "govuk-notification-banner" in lost and "This contact has already been taken by" in lost
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
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == hub["screener"].user.pk  # its screener's, as opened
    outsider_ids = [a.user.pk for a in outsiders]
    assert not AuditEvent.objects.filter(action__in=["take", "assign"], actor_user_id__in=outsider_ids).exists()
    screener = login(hub["screener"])
    assert screener.post("/contacts/00000000-0000-4000-8000-000000000000/take/").status_code == 404
    assert screener.get(f"/contacts/{contact.pk}/take/").status_code == 405


# --- take and assign from the contact's and the enquiry's own pages ------------------------------------------


def test_take_from_the_contact_page_comes_back_to_it_and_the_loser_is_told_who_took_it(login, hub):
    contact = contact_record(hub["referrer"])
    url = f"/contacts/{contact.pk}/"
    mine, theirs = login(hub["screener"]), login(hub["other"])
    page = mine.get(url).content.decode()
    assert 'data-testid="holder"' in page and f'action="/contacts/{contact.pk}/take/"' in page
    assert 'name="back" value="detail"' in page
    r = mine.post(f"/contacts/{contact.pk}/take/", {"back": "detail"})
    assert r.status_code == 302 and r["Location"] == url
    shown = mine.get(url).content.decode()
    assert f"You now hold the contact {contact.reference}" in shown and 'govuk-tag--blue">You<' in shown
    lost = theirs.post(f"/contacts/{contact.pk}/take/", {"back": "detail"}, follow=True).content.decode()
    name = hub["screener"].user.display_name or hub["screener"].user.username
    assert "govuk-notification-banner" in lost and f"This contact has already been taken by {name}." in lost
    assert Contact.objects.get(pk=contact.pk).assigned_to_id == hub["screener"].user.pk


def test_take_and_assign_from_the_enquiry_page(login, hub):
    from openmash.enquiries.assignment import enquiry_assign

    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    # its screener holds it from the start; a manager puts it back on the queue, unheld
    enquiry_assign(actor=hub["manager"], enquiry_id=enquiry.pk, assign_to=None, expected=hub["screener"].user.pk)
    url = f"/enquiries/{enquiry.pk}/"
    screener, manager = login(hub["screener"]), login(hub["manager"])
    page = screener.get(url).content.decode()
    assert f'action="/enquiries/{enquiry.pk}/take/"' in page and 'data-testid="assign-link"' not in page
    assert screener.post(f"/enquiries/{enquiry.pk}/take/", {"back": "detail"})["Location"] == url
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == hub["screener"].user.pk
    page = manager.get(url).content.decode()
    assign = f"/enquiries/{enquiry.pk}/assignment/?back=detail"
    assert f'href="{assign}"' in page and f'action="/enquiries/{enquiry.pk}/take/"' not in page  # held: no Take
    form = manager.get(assign).content.decode()
    assert f'href="{url}"' in form and 'name="back" value="detail"' in form
    r = manager.post(
        f"/enquiries/{enquiry.pk}/assignment/",
        {"assign_to": str(hub["other"].user.pk), "expected": str(hub["screener"].user.pk), "back": "detail"},
    )
    assert r.status_code == 302 and r["Location"] == url
    assert Enquiry.objects.get(pk=enquiry.pk).assigned_to_id == hub["other"].user.pk


def test_no_take_or_assign_once_the_work_is_done_or_outside_the_hub(login, hub, make_actor):
    from tests.support import decide, screen

    contact = contact_record(hub["referrer"])
    assert 'data-testid="holder"' not in login(hub["referrer"]).get(f"/contacts/{contact.pk}/").content.decode()
    screen(hub["screener"], contact, outcome="nfa_advice")
    assert 'data-testid="holder"' not in login(hub["screener"]).get(f"/contacts/{contact.pk}/").content.decode()
    enquiry = enquiry_open(referrer=hub["referrer"], screener=hub["screener"])
    decide(hub["manager"], enquiry)
    assert 'data-testid="holder"' not in login(hub["manager"]).get(f"/enquiries/{enquiry.pk}/").content.decode()


def test_the_screening_page_takes_the_contact_and_comes_back(login, hub):
    """Practitioner review: the screening page had no Take button; the screener had to go back to the queue."""
    contact = contact_record(hub["referrer"])
    mine = login(hub["screener"])
    page = mine.get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert f'action="/contacts/{contact.pk}/take/"' in page and 'name="back" value="screen"' in page
    r = mine.post(f"/contacts/{contact.pk}/take/", {"back": "screen"})
    assert r.status_code == 302 and r["Location"] == f"/contacts/{contact.pk}/screen/"
    shown = mine.get(r["Location"]).content.decode()
    assert f"You now hold the contact {contact.reference}" in shown
    assert f'action="/contacts/{contact.pk}/take/"' not in shown


def test_the_screening_page_shows_the_domestic_abuse_details(login, hub):
    contact = contact_record(hub["referrer"], police_reference="DA/2026/0001", dash_risk="high", marac_referral="yes")
    page = login(hub["screener"]).get(f"/contacts/{contact.pk}/screen/").content.decode()
    assert 'data-testid="screen-domestic-abuse"' in page and "DA/2026/0001" in page and "High" in page


def test_a_screener_refused_the_assignment_page_writes_one_deny_per_request(make_actor, login):
    """Security review 6 reported two `deny` events for one screener POST to /contacts/<id>/assignment/. Each
    refused request writes exactly one, naming the record (GET and POST alike)."""
    from openmash.audit.models import AuditEvent

    police = make_actor("referrer", "police")
    contact = contact_record(police, subjects=[{"forename": "Ada", "surname": "Held", "date_of_birth": "2017-01-01"}])
    screener = make_actor("screener", "mash")
    client = login(screener)
    for method in ("post", "get"):
        before = AuditEvent.objects.filter(action="deny").count()
        response = getattr(client, method)(f"/contacts/{contact.pk}/assignment/", {"assign_to": str(screener.user.pk)})
        assert response.status_code == 403
        denied = AuditEvent.objects.filter(action="deny").order_by("id")[before:]
        assert [(e.object_id, e.detail["method"]) for e in denied] == [(str(contact.pk), method.upper())]
