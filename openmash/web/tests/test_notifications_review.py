"""Notifications after the practitioners' review ("a Monday of 60 contacts"): texts a practitioner understands
(what happened, the contact's reference as the link, no watch code, no "Open it in OpenMASH" inside OpenMASH, no
personal data), one notification per recipient per event, possessives of names ending in s, and a home page whose
list is capped, with every notification on a paged page and "Mark all as read"."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.contacts.models import Contact
from openmash.enquiries.models import Notification
from openmash.patterns.decisions_extra import watch_start
from openmash.patterns.models import WatchSource
from tests.support import child, nhs_number, payload, subject_person

pytestmark = pytest.mark.django_db


def _record(api, actor, subjects) -> Contact:
    response = api(actor).post("/contacts", payload(subjects=subjects, household=[]))
    assert response.status_code == 201, response.json()
    return Contact.objects.get(pk=response.json()["id"])


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def test_a_watched_childs_contact_is_told_in_words_with_the_contact_as_the_link(api, make_actor):
    screener = make_actor("screener", "mash")
    referrer = make_actor("referrer", "police")
    person = subject_person(_record(api, referrer, [child("Jaxon", "Watchedchild", nhs=nhs_number())]))
    watch = watch_start(actor=screener, child=person, days=90, source=WatchSource.CHOSEN)
    later = _record(api, referrer, [{"person_id": str(person.pk)}])
    note = Notification.objects.get(user=screener.user, watch_delivery__isnull=False)
    assert note.message == f"New contact {later.reference} is about a child on the watch-list"
    assert watch.reference not in note.message and "OpenMASH" not in note.message and "Jaxon" not in note.message
    assert note.contact_id == later.pk
    html = _client(screener).get("/").content.decode()
    assert f'href="/contacts/{later.pk}/"' in html and "Open it in OpenMASH" not in html


def test_a_contact_about_two_watched_children_is_one_notification_per_person(api, make_actor):
    screener, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    referrer = make_actor("referrer", "police")
    first = _record(
        api, referrer, [child("Ava", "Onewatch", nhs=nhs_number()), child("Ben", "Twowatch", nhs=nhs_number())]
    )
    for link in first.people.filter(role="subject"):
        watch_start(actor=screener, child=link.person, days=90, source=WatchSource.CHOSEN)
    subjects = [{"person_id": str(link.person_id)} for link in first.people.filter(role="subject")]
    later = _record(api, referrer, subjects)
    for actor in (screener, manager):
        notes = Notification.objects.filter(user=actor.user, contact=later)
        assert notes.count() == 1, [n.message for n in notes]
        assert "children on the watch-list" in notes.get().message


def test_a_user_with_two_qualifying_memberships_is_told_once():
    from openmash.accounts.models import User
    from openmash.enquiries.services import notifications_send

    user = User.objects.create(username="two-roles")
    sent = notifications_send(users=[user, user], contact=None, message="Request for C-AAAA closed")
    assert len(sent) == 1 and Notification.objects.filter(user=user).count() == 1


def test_older_wordings_read_as_a_practitioner_would_in_the_app():
    from openmash.web.templatetags.openmash_web import notification_text

    old = "Contact C-UQJU9DVH is about a watched child (watch W-C0443194). Open it in OpenMASH to see it."
    assert notification_text(old) == "New contact C-UQJU9DVH is about a child on the watch-list"
    glass = "Break-glass alert BG-1 is waiting for your review. Open it in OpenMASH to see who, when and why."
    assert notification_text(glass) == "Break-glass alert BG-1 is waiting for your review."


@pytest.mark.parametrize(
    ("name", "said"),
    [("Riverside GP Practices", "Riverside GP Practices'"), ("Leeds Police", "Leeds Police's"), ("", "")],
)
def test_the_possessive_of_a_name_ending_in_s_takes_the_apostrophe_alone(name, said):
    from openmash.core.text import possessive

    assert possessive(name) == said


def _notes(actor, n):
    Notification.objects.bulk_create(
        [Notification(user=actor.user, contact=None, message=f"Search limit reached {i}") for i in range(n)]
    )


def test_the_home_page_lists_a_few_notifications_and_links_to_them_all(make_actor):
    manager = make_actor("manager", "mash")
    _notes(manager, 35)
    html = _client(manager).get("/").content.decode()
    assert html.count("Search limit reached") == 5
    assert 'href="/notifications/"' in html and "See all 35 notifications" in html
    page = _client(manager).get("/notifications/").content.decode()
    assert page.count("Search limit reached") == 25 and "?page=2" in page
    assert _client(manager).get("/notifications/?page=2").content.decode().count("Search limit reached") == 10


def test_mark_all_as_read_marks_only_ones_own_and_needs_a_post_with_the_token(make_actor):
    manager, other = make_actor("manager", "mash"), make_actor("screener", "mash")
    _notes(manager, 3)
    _notes(other, 2)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager.user)
    assert strict.post("/notifications/read-all/").status_code == 403  # no CSRF token
    assert _client(manager).get("/notifications/read-all/").status_code == 405
    response = _client(manager).post("/notifications/read-all/", {"next": "home"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Notification.objects.filter(user=manager.user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other.user, read_at__isnull=True).count() == 2
    assert "Mark all as read" not in _client(manager).get("/notifications/").content.decode()
