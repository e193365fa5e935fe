"""Signing in and out, the dashboard for each role, switching role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openmash.accounts.models import Membership
from openmash.contacts.models import Contact


def test_the_sign_in_page(client):
    body = client.get("/login/").content.decode()
    assert "Sign in to OpenMASH" in body and 'data-testid="sign-in"' in body
    assert 'for="id_username"' in body and 'for="id_password"' in body


def test_bad_credentials_show_the_error_summary(client, make_actor):
    make_actor("referrer", "police", username="pc.jones")
    response = client.post("/login/", {"username": "pc.jones", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body and "There is a problem" in body
    assert "Enter a correct username and password" in body


def test_missing_credentials_link_to_the_fields(client):
    body = client.post("/login/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your username' in body and 'href="#id_password">Enter your password' in body


def test_signing_in_and_out(client, partnership):
    import secrets

    from conftest import mfa_complete
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    secret = secrets.token_urlsafe(16)  # made at run time: no credential sits in git
    user_create(
        username="pc.smith",
        password=secret,
        agency_code="police",
        role="referrer",
        check_password=False,
    )
    response = client.post("/login/", {"username": "pc.smith", "password": secret})
    assert response.status_code == 302 and response["Location"] == "/account/verify/?next=%2F"  # the second factor
    response = mfa_complete(client, User.objects.get(username="pc.smith"))
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Raise a concern about a child" in home and 'action="/logout/"' in home
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_with_a_clear_page(client, make_actor, settings):
    settings.OPENMASH_LOCKOUT_FAILURES = 3
    make_actor("referrer", "police", username="pc.locked")
    for _ in range(2):
        assert client.post("/login/", {"username": "pc.locked", "password": "nope"}).status_code == 200
    response = client.post("/login/", {"username": "pc.locked", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "Signing in is locked" in body and "15 minutes" in body


def test_the_hub_dashboard_counts_the_work(make_actor, login, new_contact, screened):
    overdue = new_contact(immediate_risk=True, immediate_risk_detail="Alone")
    Contact.objects.filter(pk=overdue.pk).update(screening_due_at=timezone.now() - dt.timedelta(hours=1))
    new_contact()
    screened(new_contact())
    body = login(make_actor("manager", "mash")).get("/").content.decode()
    assert 'data-testid="awaiting-count">2<' in body and "1 overdue" in body and "1 at immediate risk" in body
    assert 'data-testid="enquiries-count">1<' in body


def test_a_researchers_dashboard_counts_their_inbox(make_actor, login, new_contact, screened, asked):
    asked(screened(new_contact()))
    body = login(make_actor("researcher", "health-gp")).get("/").content.decode()
    assert 'data-testid="inbox-count">1<' in body and "None overdue" in body


def test_a_referrers_dashboard_lists_their_contacts_with_outcomes_and_notifications(
    make_actor, login, new_contact, screened
):
    referrer = make_actor("referrer", "police")
    closed = new_contact(actor=referrer)
    screened(closed, outcome="nfa_advice")
    waiting = new_contact(actor=referrer)
    someone_elses = new_contact()
    body = login(referrer).get("/").content.decode()
    assert 'data-testid="raise-concern"' in body
    assert closed.reference in body and waiting.reference in body and someone_elses.reference not in body
    # "Received", never "awaiting screening" vs "passed to the allocated worker" (issue 5, fault 6).
    assert "Closed at screening" in body and "Received" in body and "Awaiting screening" not in body
    assert f"Contact {closed.reference} has an outcome" in body
    assert f'href="/contacts/{closed.pk}/"' in body


def test_in_app_notifications_are_worded_for_a_reader_who_is_signed_in(make_actor, login, new_contact, screened):
    """The referrer reads "Open the contact to see it", never "Sign in to see it" (they are signed in), for a new
    notification and for one stored with the old wording."""
    from openmash.enquiries.services import notification_send

    referrer = make_actor("referrer", "police")
    closed = new_contact(actor=referrer)
    screened(closed, outcome="nfa_advice")
    older = new_contact(actor=referrer)
    notification_send(
        user=referrer.user, contact=older, message=f"Contact {older.reference} has an outcome. Sign in to see it."
    )
    body = login(referrer).get("/").content.decode()
    assert "Sign in to see it" not in body
    assert f"Contact {closed.reference} has an outcome. Open the contact to see it." in body
    assert f"Contact {older.reference} has an outcome. Open the contact to see it." in body


def test_switching_role(make_actor, login, partnership):
    actor = make_actor("referrer", "police")
    # No service adds a second membership to a user yet: the test adds it directly.
    second = Membership.objects.create(user=actor.user, agency=partnership["health-gp"], role="researcher")
    client = login(actor)
    body = client.get("/").content.decode()
    assert 'data-testid="switch-role"' in body and "Agency researcher at Riverside GP Practice" in body
    response = client.post("/switch-role/", {"membership_id": str(second.pk)})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "You are now acting as Agency researcher at Riverside GP Practice" in body
    assert 'href="/requests/"' in body
    assert client.get("/screening/").status_code == 403


def test_switching_to_someone_elses_membership_is_refused(make_actor, login):
    actor = make_actor("referrer", "police")
    other = make_actor("manager", "mash")
    client = login(actor)
    client.post("/switch-role/", {"membership_id": str(other.membership.pk)})
    assert client.get("/screening/").status_code == 403
    assert client.session.get("membership_id") is None


@pytest.mark.parametrize("method", ["get"])
def test_switch_role_is_post_only(make_actor, login, method):
    assert getattr(login(make_actor("referrer", "police")), method)("/switch-role/").status_code == 405


# --- the home page of roles with no case work (review, fault 4) ---------------------------------------------------


def test_the_partnership_admins_home_shows_approvals_locked_accounts_and_starters_not_an_empty_case_section(
    client, make_actor, login, settings
):
    from django.urls import reverse

    settings.OPENMASH_LOCKOUT_FAILURES = 2
    admin = make_actor("partnership_admin", "mash", username="pat.admin")
    other = make_actor("partnership_admin", "mash", username="sam.admin")
    locked = make_actor("referrer", "police", username="pc.locked")
    for _ in range(2):
        client.post("/login/", {"username": "pc.locked", "password": "nope"})
    login(other).post(
        reverse("partnership:user_new"),
        {"username": "mallory.mgr", "name": "Mallory", "agency": "mash", "role": "manager", "email": "m@example.org"},
    )
    body = login(admin).get("/").content.decode()
    assert 'data-testid="approvals-count">1<' in body and 'href="/partnership/approvals/"' in body
    assert f'href="/partnership/users/{locked.user.pk}/">pc.locked</a>' in body
    assert 'href="/partnership/users/new/"' in body and 'href="/partnership/users/"' in body
    assert "Notifications" not in body and "You have no notifications" not in body
    assert "My contacts" not in body and "Contacts passed to you" not in body


def test_the_auditors_home_links_to_the_trail_and_counts_refused_requests(make_actor, login):
    from openmash.audit.models import AuditEvent

    auditor = make_actor("auditor", "mash", username="ann.auditor")
    referrer = make_actor("referrer", "police")
    assert login(referrer).get("/audit/").status_code == 403  # one refused request, audited as `deny`
    client = login(auditor)
    body = client.get("/").content.decode()
    denied = AuditEvent.objects.filter(action="deny").count()
    assert denied >= 1 and f'data-testid="denied-count">{denied}<' in body
    assert 'href="/audit/"' in body and 'data-testid="denied-form"' in body
    assert "Notifications" not in body and "My contacts" not in body
    # the button shows the refused requests: the trail filtered by the `deny` action from a week ago
    form = {"action": "deny"}
    since = timezone.localdate() - dt.timedelta(days=7)
    form.update(date_from_day=str(since.day), date_from_month=str(since.month), date_from_year=str(since.year))
    shown = client.post("/audit/", form, follow=True)
    assert shown.status_code == 200 and "action=deny" in shown.redirect_chain[-1][0]  # a bookmarkable query


def test_roles_with_case_work_keep_their_notifications(make_actor, login):
    body = login(make_actor("referrer", "police")).get("/").content.decode()
    assert "You have no notifications" in body and "Partnership administration" not in body
    assert 'data-testid="denied-count"' not in body


def test_the_enquiries_tile_counts_immediate_risk_and_overdue_ones(make_actor, login, new_contact, screened):
    """Practitioner review, "a Monday of 60 contacts": the enquiries tile had no immediate-risk figure."""
    from openmash.enquiries.models import Enquiry

    urgent = [new_contact(immediate_risk=True, immediate_risk_detail="Alone") for _ in range(2)]
    for contact in urgent:
        screened(contact)
    screened(new_contact())
    Enquiry.objects.filter(contact=urgent[0]).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client = login(make_actor("manager", "mash"))
    body = client.get("/").content.decode()
    assert 'data-testid="enquiries-count">3<' in body
    assert 'href="/enquiries/?immediate=on" data-testid="tile-enquiries-immediate"' in body
    assert "2 at immediate risk" in body and "1 of them overdue" in body
    assert 'href="/enquiries/?immediate=on&amp;overdue=on"' in body
    listed = client.get("/enquiries/?immediate=on").content.decode()
    assert "2 open enquiries matching the filters" in listed  # the tile's figure is its list's total
    listed = client.get("/enquiries/?immediate=on&overdue=on").content.decode()
    assert "1 open enquiry matching the filters" in listed
