"""The MASH pack hands over what the enquiry page shows (issue 5 practitioner review): each child's own outcome and
threshold level, the children's addresses, school and GP, the domestic abuse details, and which agency answers came
after the decision; the allocated worker is told when late information arrives after handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openmash.casework.services import allocations_assign_together
from openmash.enquiries.models import Notification
from tests.support import contact_record, decide, nhs_number, requests_send, respond, screen

from .conftest import received


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


@pytest.fixture
def two_children_decided(referrer, screener, manager, make_actor, partnership):
    """A domestic abuse contact about two siblings (school and GP given for Amelia), asked of health and the
    school; health answered, the school did not; decided differently for each child."""
    incident = timezone.now() - dt.timedelta(days=3)
    contact = contact_record(
        referrer,
        received_at=received(),
        subjects=[
            {
                "forename": "Amelia",
                "surname": "Sibling",
                "date_of_birth": "2018-04-02",
                "sex": "F",
                "identifiers": [{"type": "nhs_number", "value": nhs_number()}],
                "address": {"line1": "4 Mill Lane", "town": "Exampleton", "postcode": "EX1 2BB"},
                "school_code": "school-oak",
                "gp_code": "health-gp",
            },
            {"forename": "Ben", "surname": "Sibling", "date_of_birth": "2016-09-10", "sex": "M"},
        ],
        police_reference="PR/1234/26",
        incident_at=incident,
        dash_risk="high",
        marac_referral="yes",
    )
    screen(screener, contact, rag="red")
    contact.refresh_from_db()
    enquiry = contact.enquiry
    gp, school = requests_send(screener, enquiry, "health-gp", "school-oak")
    respond(make_actor("researcher", "health-gp"), gp, summary="Known to the practice")
    amelia = contact.people.get(person__forename="Amelia").person
    ben = contact.people.get(person__forename="Ben").person
    decide(
        manager,
        enquiry,
        outcomes=("assessment_s17",),
        threshold_level=3,
        rationale="Amelia needs an assessment; Ben advice",
        children=[{"person_id": str(ben.pk), "outcomes": ["information_advice"], "threshold_level": 2}],
    )
    contact.refresh_from_db()
    return {"contact": contact, "amelia": amelia, "ben": ben, "school_request": school}


def test_pack_shows_each_childs_outcome_level_and_details(manager, worker, make_actor, api, two_children_decided):
    d = two_children_decided
    contact = d["contact"]
    allocations_assign_together(
        actor=manager, contact_id=contact.pk, person_ids=[d["amelia"].pk], worker_membership_id=worker.membership.pk
    )
    r = api(worker).get(f"/mash-packs/{contact.pk}")
    assert r.status_code == 200, r.content
    pack = r.json()
    per_child = {c["person_id"]: (c["outcomes"], c["threshold_level"]) for c in pack["decision"]["children"]}
    assert per_child == {str(d["amelia"].pk): (["assessment_s17"], 3), str(d["ben"].pk): (["information_advice"], 2)}
    people = {p["forename"]: p for p in pack["people"]}
    amelia, ben = people["Amelia"], people["Ben"]
    assert (amelia["school"], amelia["gp"]) == ("Oakfield Primary School", "Riverside GP Practice")
    assert [a["postcode"] for a in amelia["addresses"]] == ["EX1 2BB"]
    # Ben is not allocated to this worker: the access module gives her no more than his minimum details
    assert ben["addresses"] is None
    da = pack["domestic_abuse"]
    assert (da["police_reference"], da["dash_risk"], da["marac_referral"]) == ("PR/1234/26", "high", "yes")
    assert da["incident_at"]

    page = login(worker).get(f"/packs/{contact.pk}/").content.decode()
    assert 'data-testid="pack-decision-children"' in page
    assert "Ben Sibling</strong>: " in page and "(level 2)" in page and "(level 3)" in page
    assert "PR/1234/26" in page and "High" in page
    assert "4 Mill Lane" in page and "School: " in page and "GP: " in page


def test_late_answers_are_marked_and_the_allocated_worker_is_told(
    manager, worker, make_actor, api, two_children_decided
):
    d = two_children_decided
    contact = d["contact"]
    allocations_assign_together(  # Amelia only: Ben's own decision (advice) does not lead to social care
        actor=manager,
        contact_id=contact.pk,
        person_ids=[d["amelia"].pk],
        worker_membership_id=worker.membership.pk,
    )
    before = api(worker).get(f"/mash-packs/{contact.pk}").json()
    assert before["agencies_answered_late"] == 0
    respond(make_actor("researcher", "school-oak"), d["school_request"], summary="Found a record after all")
    pack = api(worker).get(f"/mash-packs/{contact.pk}").json()
    assert (pack["agencies_answered"], pack["agencies_answered_late"]) == (2, 1)
    late = {a["agency_code"]: a["late"] for a in pack["agency_answers"]}
    assert late == {"health-gp": False, "school-oak": True}
    page = login(worker).get(f"/packs/{contact.pk}/").content.decode()
    assert "2 of 2 agencies answered (1 after the decision" in page
    assert 'data-testid="late-answer"' in page
    told = Notification.objects.filter(user=worker.user, contact=contact, message__startswith="Late information")
    assert told.count() == 1
    assert "Amelia" not in told.get().message and "Sibling" not in told.get().message
