"""Issue 5 fault 8 (contradictory decisions) and per-child decisions, through the API and the service.

- 'No further action' with any other outcome is refused (422 on the outcome field, nothing written).
- An outcome outside its usual threshold levels (partnership OutcomeCode data: a strategy discussion at level 1)
  and a decision with no agency asked need a reason; the reason and what was unusual are stored on the decision.
- One decision can differ per child: outcomes and referrals follow each child; without `children` the outcomes
  apply to every child (the API stays backward compatible).
"""

import pytest

from openmash.enquiries.models import Decision, DecisionChild, Referral
from openmash.partnership.models import OutcomeCode
from tests.support import child, decide, nhs_number, requests_send, row_counts, subject_person

OTHERS = ["information_advice", "early_help", "assessment_s17", "strategy_s47", "police_action"]


@pytest.fixture
def enquiry(make_enquiry, screener):
    e = make_enquiry()
    requests_send(screener, e, "health-gp")  # agencies were asked: only the combination is under test
    return e


@pytest.fixture
def as_manager(api, manager):
    """The manager's API client (its token, and the token's audit event, made before anything is counted)."""
    return api(manager)


def _decide(client, enquiry, **data):
    """Post a decision; agencies not answering yet is confirmed (its own rule: test_unanswered_agencies.py)."""
    body = {"threshold_level": 3, "rationale": "Reasons", "unanswered_confirmed": True, **data}
    return client.post(f"/enquiries/{enquiry.pk}/decision", body)


@pytest.mark.parametrize("other", OTHERS)
def test_no_further_action_with_any_other_outcome_is_refused(as_manager, enquiry, other):
    before = row_counts()
    r = _decide(as_manager, enquiry, outcomes=["nfa", other], threshold_level=2, exception_reason="Because")
    assert r.status_code == 422
    assert r.json()["errors"]["outcomes"] == ["No further action cannot be combined with another outcome"]
    assert row_counts() == before


def test_strategy_at_level_one_needs_a_reason_which_is_stored(as_manager, enquiry):
    r = _decide(as_manager, enquiry, outcomes=["strategy_s47"], threshold_level=1)
    assert r.status_code == 422
    assert r.json()["errors"] == {
        "exception_reason": [
            "Strategy discussion / s47 enquiry at threshold level 1 is unusual: give the reason for this decision"
        ]
    }
    assert not Decision.objects.exists()
    r = _decide(as_manager, enquiry, outcomes=["strategy_s47"], threshold_level=1, exception_reason="Disclosure today")
    assert r.status_code == 201, r.content
    decision = Decision.objects.get()
    assert decision.exceptions == ["threshold:strategy_s47:1"] and decision.exception_reason == "Disclosure today"
    out = r.json()["decision"]
    assert (out["exceptions"], out["exception_reason"]) == (["threshold:strategy_s47:1"], "Disclosure today")


@pytest.mark.parametrize(
    ("outcomes", "level"),
    [(["nfa"], 4), (["assessment_s17"], 1), (["early_help"], 4), (["information_advice"], 3)],
)
def test_other_unusual_combinations_from_the_outcome_data_need_a_reason(as_manager, enquiry, outcomes, level):
    r = _decide(as_manager, enquiry, outcomes=outcomes, threshold_level=level)
    assert r.status_code == 422 and list(r.json()["errors"]) == ["exception_reason"]


@pytest.mark.parametrize(("outcomes", "level"), [(["nfa"], 1), (["assessment_s17", "police_action"], 3)])
def test_usual_decisions_need_no_reason(as_manager, enquiry, outcomes, level):
    r = _decide(as_manager, enquiry, outcomes=outcomes, threshold_level=level)
    assert r.status_code == 201, r.content
    assert Decision.objects.get().exceptions == []


def test_the_usual_levels_are_partnership_data(as_manager, enquiry):
    OutcomeCode.objects.filter(code="assessment_s17").update(usual_min_level=4)
    r = _decide(as_manager, enquiry, outcomes=["assessment_s17"], threshold_level=3)
    assert r.status_code == 422 and "exception_reason" in r.json()["errors"]


def test_a_decision_with_no_agency_asked_needs_a_reason(make_enquiry, manager, as_manager):
    enquiry = make_enquiry()
    r = _decide(as_manager, enquiry, outcomes=["assessment_s17"])
    assert r.status_code == 422
    assert r.json()["errors"]["exception_reason"] == [
        "No agency was asked for information: give the reason for this decision"
    ]
    decision = decide(manager, enquiry, exception_reason="Open case elsewhere; checks done by phone")
    assert decision.exceptions == ["no_agency_asked"]
    assert decision.exception_reason == "Open case elsewhere; checks done by phone"


# --- one decision, different per child --------------------------------------------------------------------------


@pytest.fixture
def two_children(make_enquiry, screener):
    e = make_enquiry(subjects=[child(nhs=nhs_number()), child("Bobby", "Testchild", dob="2016-02-02")])
    requests_send(screener, e, "health-gp")
    people = {cp.person.forename: cp.person for cp in e.contact.people.filter(role="subject").select_related("person")}
    return e, people["Amelia"], people["Bobby"]


def test_child_a_assessment_child_b_no_further_action(as_manager, two_children):
    enquiry, amelia, bobby = two_children
    r = _decide(
        as_manager,
        enquiry,
        outcomes=["assessment_s17"],
        children=[{"person_id": str(bobby.pk), "outcomes": ["nfa"], "threshold_level": 1}],
    )
    assert r.status_code == 201, r.content
    assert [ref.person for ref in Referral.objects.all()] == [amelia]  # only Amelia becomes a referral
    per_child = {c.person_id: (c.outcomes, c.threshold_level) for c in DecisionChild.objects.all()}
    assert per_child == {amelia.pk: (["assessment_s17"], 3), bobby.pk: (["nfa"], 1)}
    out = r.json()["decision"]
    assert out["outcomes"] == ["assessment_s17", "nfa"]
    assert {c["person_id"]: c["outcomes"] for c in out["children"]} == {
        str(amelia.pk): ["assessment_s17"],
        str(bobby.pk): ["nfa"],
    }
    assert amelia.chronology.filter(kind="decision", summary__contains="assessment").exists()
    assert bobby.chronology.filter(kind="decision", summary="Decision: No further action").exists()


def test_without_children_the_outcomes_apply_to_every_child(as_manager, two_children):
    enquiry, amelia, bobby = two_children
    assert _decide(as_manager, enquiry, outcomes=["assessment_s17"]).status_code == 201
    assert {ref.person for ref in Referral.objects.all()} == {amelia, bobby}
    assert DecisionChild.objects.filter(outcomes=["assessment_s17"], threshold_level=3).count() == 2


def test_the_rules_apply_to_each_child_with_errors_on_that_child(as_manager, two_children, make_enquiry):
    enquiry, amelia, bobby = two_children
    stranger = subject_person(make_enquiry().contact)
    before = row_counts()
    r = _decide(
        as_manager,
        enquiry,
        outcomes=["assessment_s17"],
        children=[{"person_id": str(bobby.pk), "outcomes": ["nfa", "early_help"]}],
    )
    assert r.status_code == 422
    assert r.json()["errors"]["children.0.outcomes"] == [
        "No further action cannot be combined with another outcome (for Bobby)"
    ]
    r = _decide(as_manager, enquiry, outcomes=["assessment_s17"], children=[{"person_id": str(stranger.pk)}])
    assert r.json()["errors"]["children.0.person_id"] == ["Choose a child named in this contact"]
    r = _decide(
        as_manager,
        enquiry,
        outcomes=["assessment_s17"],
        children=[{"person_id": str(bobby.pk), "outcomes": ["strategy_s47"], "threshold_level": 2}],
    )
    assert r.json()["errors"]["exception_reason"] == [
        "Strategy discussion / s47 enquiry at threshold level 2 is unusual (for Bobby): give the reason for this "
        "decision"
    ]
    assert row_counts() == before


def test_a_threshold_level_that_is_not_one_gives_one_message_not_two(as_manager, enquiry):
    """Practitioner review: level 9 gave "Choose a threshold level" and "... at threshold level 9 is unusual"."""
    response = _decide(as_manager, enquiry, outcomes=["strategy_s47"], threshold_level=9)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["threshold_level"] == ["Choose a threshold level"]
    assert "unusual" not in str(errors)
