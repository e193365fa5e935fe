"""Every notification is a link to the place its reader may open about it (practitioner review, faults 1 and 13):
the MASH pack for the worker it was handed to, the contact for its recorder and the hub, the agency's information
request for a researcher, the early help hand-over for the early help service. A notification names the contact
by reference only, and offers no link where the reader may open nothing."""

from __future__ import annotations

from openmash.casework.services import allocations_assign_together
from openmash.enquiries.models import AgencyRequest, Notification
from openmash.enquiries.services import notification_send
from tests.support import contact_record, decide, enquiry_open, requests_send, screen

LINK = '<a class="govuk-link" href="{}" data-testid="notification-link">'


def test_each_reader_s_notification_leads_where_they_may_go(login, make_actor, partnership):
    from openmash.accounts.services import agency_create

    agency_create(code="csc", name="Assessment Service", agency_type="csc", source_code="5A", is_hub=False)
    referrer, screener, manager = (
        make_actor("referrer", "police"),
        make_actor("screener", "mash"),
        make_actor("manager", "mash"),
    )
    researcher, worker = make_actor("researcher", "health-gp"), make_actor("social_worker", "csc")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    [request] = requests_send(screener, enquiry, "health-gp")
    decide(manager, enquiry, outcomes=["strategy_s47"], threshold_level=4, rationale="Significant harm")
    contact = enquiry.contact
    people = [str(p) for p in contact.people.filter(role="subject").values_list("person_id", flat=True)]
    allocations_assign_together(
        actor=manager, contact_id=contact.pk, person_ids=people, worker_membership_id=str(worker.membership.pk)
    )
    # the researcher was told the request closed; the referrer that there is an outcome; the worker of the pack
    assert Notification.objects.filter(user=researcher.user, contact=contact).exists()
    assert LINK.format(f"/requests/{request.pk}/") in login(researcher).get("/").content.decode()
    assert LINK.format(f"/contacts/{contact.pk}/") in login(referrer).get("/").content.decode()
    assert LINK.format(f"/packs/{contact.pk}/") in login(worker).get("/").content.decode()
    assert AgencyRequest.objects.get(pk=request.pk).status == "closed"


def test_no_link_where_the_reader_may_open_nothing(login, make_actor, partnership):
    referrer, other = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    contact = contact_record(referrer)
    screen(make_actor("screener", "mash"), contact, outcome="nfa_advice", rationale="No concerns")
    notification_send(user=other.user, contact=contact, message=f"About {contact.reference}")
    home = login(other).get("/").content.decode()
    assert f"About {contact.reference}" in home and f"/contacts/{contact.pk}/" not in home


def test_the_hub_s_notification_about_an_enquiry_leads_to_the_enquiry(login, make_actor, partnership):
    """A late answer or an overdue response is worked on the enquiry page: a hub manager's notification about a
    contact that became an enquiry links there (not to the contact), and its text holds the reference only."""
    referrer, screener, manager = (
        make_actor("referrer", "police"),
        make_actor("screener", "mash"),
        make_actor("manager", "mash"),
    )
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    contact = enquiry.contact
    held = contact_record(referrer)
    notification_send(user=manager.user, contact=contact, message=f"Late information on {contact.reference}")
    notification_send(user=manager.user, contact=held, message=f"About {held.reference}")
    home = login(manager).get("/").content.decode()
    assert LINK.format(f"/enquiries/{enquiry.pk}/") in home
    assert LINK.format(f"/contacts/{held.pk}/") in home  # no enquiry yet: the contact
    for n in Notification.objects.filter(user=manager.user):
        names = contact.people.values_list("person__forename", "person__surname")
        assert not any(part and part in n.message for pair in names for part in pair)
