"""Practitioner review of issue 6, finding 1: a wrong "different people" decision can be undone in the browser
("They are the same person after all", with a reason, audited); a confirmed link points to the separation; the
queue lists the decided pairs (joined / kept apart) with pagination; a stale form writes nothing. Finding 2: a pair
with different NHS numbers states the conflict on its page, and the child's page says another record may be them."""

from __future__ import annotations

import re

import pytest

from openmash.audit.models import AuditEvent
from openmash.matching.tests.test_pages import _proposed, _summary
from openmash.people import linking
from openmash.people.models import LinkState, Person, RecordLink

pytestmark = pytest.mark.django_db


def _reject(client, link, reason="Different children: another school"):
    r = client.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": reason})
    assert r.status_code == 302, r.content.decode()
    return RecordLink.objects.get(record_l=link.record_l_id, record_r=link.record_r_id, valid_to__isnull=True)


def test_a_wrong_rejection_is_undone_on_the_link_page_with_a_reason(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    screener = make_actor("screener", "mash")
    client = login(screener)
    rejected = _reject(client, link)
    assert rejected.state == LinkState.REJECTED

    # revisiting the proposal's page points to the current decision ...
    old = client.get(f"/matching/links/{link.pk}/").content.decode()
    assert f'href="/matching/links/{rejected.pk}/"' in old and 'data-testid="current-decision"' in old
    # ... whose page offers the way back
    page = client.get(f"/matching/links/{rejected.pk}/").content.decode()
    assert "They are the same person after all" in page and 'data-testid="same-after-all-form"' in page
    assert 'data-testid="decision-form"' not in page

    # no reason: a GOV.UK error summary, nothing written
    bare = client.post(f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "  "})
    body = bare.content.decode()
    assert bare.status_code == 200 and 'href="#id_reason"' in _summary(body)
    assert "Give the reason they are the same person after all" in _summary(body)
    assert RecordLink.objects.get(pk=rejected.pk).valid_to is None

    done = client.post(
        f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "Same child: the GP confirmed"}
    )
    assert done.status_code == 302
    current = RecordLink.objects.get(record_l=link.record_l_id, record_r=link.record_r_id, valid_to__isnull=True)
    assert done["Location"] == f"/matching/links/{current.pk}/"
    assert current.state == LinkState.CONFIRMED and current.decided_by == screener.user
    assert current.reason == "Same child: the GP confirmed"
    assert Person.objects.filter(merged_into__isnull=False).count() == 1
    event = AuditEvent.objects.get(action="link_confirm", object_id=str(current.pk))
    assert event.detail["from"] == "rejected" and "Same child: the GP confirmed" in event.reason
    assert event.actor_user_id == screener.user.pk

    # the confirmed link's page points to the separation (a manager's), and offers no decision
    manager_page = login(make_actor("manager", "mash")).get(f"/matching/links/{current.pk}/").content.decode()
    person = current.record_r.origin_person_id
    assert f'href="/matching/people/{person}/separate/"' in manager_page
    assert "They are the same person after all" not in manager_page.split("Decisions about these records")[0]
    screener_page = client.get(f"/matching/links/{current.pk}/").content.decode()
    assert "ask a hub manager to separate them" in screener_page and "/separate/" not in screener_page


def test_a_stale_form_is_refused_and_overwrites_nothing(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    first, second = login(make_actor("screener", "mash")), login(make_actor("manager", "mash"))
    rejected = _reject(first, link)
    # the second reviewer's page was a proposal; they post their decision after the rejection
    stale = second.post(f"/matching/links/{link.pk}/", {"decision": "confirm", "reason": "Same"})
    assert "already been decided" in _summary(stale.content.decode())
    # two reviewers open the rejected link; the first undoes it; the second's form is stale
    first.post(f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "Same child after all"})
    late = second.post(f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "Also same"})
    assert late.status_code == 200 and "already been decided" in _summary(late.content.decode())
    rows = RecordLink.objects.filter(record_l=link.record_l_id, record_r=link.record_r_id)
    assert rows.filter(valid_to__isnull=True).count() == 1
    assert rows.get(valid_to__isnull=True).reason == "Same child after all"
    # an action the row's state does not offer is refused: no reversal of a proposal
    (other,) = [x for x in _proposed_more(partnership)]
    odd = first.post(f"/matching/links/{other.pk}/", {"action": "same_after_all", "reason": "x"})
    assert "already been decided" in _summary(odd.content.decode())
    assert RecordLink.objects.get(pk=other.pk).valid_to is None


def _proposed_more(partnership):
    left, _ = linking.record_create(
        actor=None, agency=partnership["police"], local_id="Q1", details={"given_name": "Quin", "family_name": "Ray"}
    )
    right, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="R1",
        details={"given_name": "Quinn", "family_name": "Ray"},
    )
    return [linking.link_propose(actor=None, record_a_id=left.pk, record_b_id=right.pk, rule="name+dob")]


def test_who_may_not_review_cannot_undo_a_rejection(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    rejected = _reject(login(make_actor("screener", "mash")), link)
    outsider = login(make_actor("referrer", "police"))
    r = outsider.post(f"/matching/links/{rejected.pk}/", {"action": "same_after_all", "reason": "Same child"})
    assert r.status_code == 403
    assert RecordLink.objects.get(pk=rejected.pk).valid_to is None


def test_the_queue_filters_decided_pairs_with_pagination(partnership, make_actor, login):
    links = _proposed(partnership, 28)
    client = login(make_actor("screener", "mash"))
    for link in links[:26]:
        _reject(client, link, reason="Different children")
    waiting = client.get("/matching/").content.decode()
    assert "Showing 1 to 2 of 2 pairs to review" in waiting
    apart = client.get("/matching/?state=rejected").content.decode()
    assert "Showing 1 to 25 of 26 pairs kept apart" in apart
    assert apart.count('data-testid="decided-row"') == 25 and 'data-testid="review-row"' not in apart
    assert 'href="?state=rejected&amp;page=2"' in apart
    assert "Different children" in apart
    second = client.get("/matching/?state=rejected&page=2").content.decode()
    assert second.count('data-testid="decided-row"') == 1
    joined = client.get("/matching/?state=confirmed").content.decode()
    assert "There are no pairs joined" in joined
    unknown = client.get("/matching/?state=nonsense").content.decode()
    assert "Showing 1 to 2 of 2 pairs to review" in unknown
    assert AuditEvent.objects.filter(action="list", reason="rejected record links").count() == 26 * 2


def test_the_audit_list_shows_the_reason_for_a_rejection(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    rejected = _reject(login(make_actor("screener", "mash")), link, reason="Twins: different first names")
    event = AuditEvent.objects.get(action="link_reject", object_id=str(rejected.pk))
    assert event.reason == "Twins: different first names"


def test_a_pair_with_different_nhs_numbers_states_the_conflict(partnership, make_actor, login):
    a, _ = linking.record_create(
        actor=None,
        agency=partnership["police"],
        local_id="P9",
        details={"given_name": "Ada", "family_name": "Stone", "nhs_number": "9434765919"},
    )
    b, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G9",
        details={"given_name": "Ada", "family_name": "Stone", "nhs_number": "9993141593"},
    )
    link = linking.link_nhs_conflict_propose(
        actor=None,
        record_a_id=a.pk,
        record_b_id=b.pk,
        match_weight=12.0,
        other_fields_probability=0.999,
        field_weights={},
        upper_threshold=0.95,
    )
    assert link is not None and link.state == LinkState.PROPOSED
    assert (
        linking.link_nhs_conflict_propose(
            actor=None,
            record_a_id=a.pk,
            record_b_id=b.pk,
            match_weight=1.0,
            other_fields_probability=0.6,
            field_weights={},
            upper_threshold=0.95,
        )
        is None
    )  # below the upper threshold: nothing
    screener = make_actor("screener", "mash")
    client = login(screener)
    page = client.get(f"/matching/links/{link.pk}/").content.decode()
    assert "These records have different NHS numbers" in page
    queue = client.get("/matching/").content.decode()
    assert "Different NHS numbers" in queue and "these records have different NHS numbers" in queue
    person = a.person_id
    note = client.get(f"/people/{person}/").content.decode()
    assert "Another record may be this child: waiting for review" in note
    # joining them needs a reason (the override), never automatic
    r = client.post(f"/matching/links/{link.pk}/", {"decision": "confirm", "reason": ""})
    assert "different NHS numbers" in _summary(r.content.decode())
    assert RecordLink.objects.get(pk=link.pk).valid_to is None
    assert re.search(r"data-testid=\"nhs-warning\"", page)
