"""Signing out after 15 idle minutes must not lose a contact being recorded (practitioner review, fault 2): a
referrer who spent 16.5 minutes on /contacts/new/ was sent to sign in on Continue and lost everything.
Every signed-in page carries the GOV.UK timeout warning ("Stay signed in" posts a keep-alive); the intake page keeps
a server-side draft for its user at each step and when the warning runs out (the sign-out posts it), and the draft
comes back after signing in again. Drafts are the user's own: never another user's, never in a URL or a log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact, IntakeDraft
from openmash.contacts.services import intake_drafts_clear_expired
from openmash.web.tests.conftest import contact_form_data

NARRATIVE = "Ben said his dad's new partner locks him in his room; he is scared to go home tonight."


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _typed(**extra):
    data = contact_form_data(**{"narrative": NARRATIVE, **extra})
    data.pop("action", None)
    return data


def test_every_signed_in_page_has_the_timeout_warning_and_signed_out_pages_do_not(login, referrer, make_actor):
    for actor, url in ((referrer, "/"), (referrer, "/contacts/new/"), (make_actor("screener", "mash"), "/screening/")):
        page = login(actor).get(url).content.decode()
        assert 'data-testid="timeout-warning"' in page and "Stay signed in" in page
        assert 'data-idle-seconds="900"' in page and 'data-warning-seconds="120"' in page
        assert 'data-keep-alive-url="/session/keep-alive/"' in page
    assert 'data-testid="timeout-warning"' not in Client().get("/login/").content.decode()


def test_stay_signed_in_is_a_post_that_answers_204_and_401_once_signed_out(login, referrer):
    client = login(referrer)
    assert client.post("/session/keep-alive/").status_code == 204
    assert client.get("/session/keep-alive/").status_code == 405
    assert Client().post("/session/keep-alive/").status_code == 401


def test_the_timeout_keeps_the_contact_being_recorded_and_signs_out(login, referrer, make_actor):
    client = login(referrer)
    client.get("/contacts/new/")
    assert client.post("/session/timeout/", _typed()).status_code == 204
    draft = IntakeDraft.objects.get(user=referrer.user)
    assert draft.answers["narrative"] == [NARRATIVE]
    assert "csrfmiddlewaretoken" not in draft.answers and "action" not in draft.answers
    assert client.get("/").status_code == 302  # signed out
    assert Client().post("/session/timeout/", _typed()).status_code == 401
    assert IntakeDraft.objects.count() == 1  # nothing kept for nobody
    # signing in again brings it back, with a banner and the way to start afresh
    again = login(referrer).get("/contacts/new/").content.decode()
    assert 'data-testid="draft-restored"' in again and NARRATIVE in again.replace("&#x27;", "'")
    assert 'value="Amelia"' in again and 'value="Dean"' in again
    view = AuditEvent.objects.get(action="view", reason="intake draft", actor_user_id=referrer.user.pk)
    assert "narrative" not in str(view.detail) and NARRATIVE not in str(view.detail)
    # nobody else gets it
    other = login(make_actor("referrer", "police")).get("/contacts/new/").content.decode()
    assert 'data-testid="draft-restored"' not in other and "locks him in his room" not in other


def test_each_step_of_the_page_keeps_the_draft(login, referrer):
    client = login(referrer)
    client.get("/contacts/new/")
    client.post("/contacts/new/", {**_typed(), "action": "add_member"})
    assert IntakeDraft.objects.get(user=referrer.user).answers["narrative"] == [NARRATIVE]
    client.post("/contacts/new/", {**_typed(narrative="Changed words"), "action": "search", "identifier": "123"})
    draft = IntakeDraft.objects.get(user=referrer.user)
    assert draft.answers["narrative"] == ["Changed words"] and "identifier" not in draft.answers


def test_sending_the_contact_or_starting_again_discards_the_draft(login, referrer):
    client = login(referrer)
    client.get("/contacts/new/")
    client.post("/contacts/new/", {**_typed(), "action": "submit"})
    assert IntakeDraft.objects.filter(user=referrer.user).exists()
    check = client.get("/contacts/new/check/", {"intake": client.session["contact_intake"]["token"]})
    assert check.status_code == 200
    sent = client.post("/contacts/new/check/", {"intake": client.session["contact_intake"]["token"]})
    assert sent.status_code == 302 and Contact.objects.filter(recorded_by=referrer.user).exists()
    assert not IntakeDraft.objects.filter(user=referrer.user).exists()
    client.post("/session/timeout/", _typed())
    client = login(referrer)
    assert 'data-testid="draft-restored"' in client.get("/contacts/new/").content.decode()
    assert client.post("/contacts/new/", {"action": "start_again"}).status_code == 302
    assert not IntakeDraft.objects.filter(user=referrer.user).exists()
    assert 'data-testid="draft-restored"' not in client.get("/contacts/new/").content.decode()


def test_old_drafts_expire(login, referrer):
    login(referrer).post("/session/timeout/", _typed())
    IntakeDraft.objects.update(saved_at=timezone.now() - dt.timedelta(hours=25))
    assert 'data-testid="draft-restored"' not in login(referrer).get("/contacts/new/").content.decode()
    assert intake_drafts_clear_expired() == 1 and not IntakeDraft.objects.exists()


def test_the_sign_in_page_says_why_after_a_timeout():
    page = Client().get("/login/?timeout=1&next=/contacts/new/").content.decode()
    assert 'data-testid="signed-out-idle"' in page and "A concern you were recording has been kept" in page
