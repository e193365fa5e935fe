"""The review queue pages, "these are not the same person", the person page over a cluster, and intake asking
about people already known before it creates them (issue 6)."""

from __future__ import annotations

import re

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.people import linking
from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink
from openmash.web.tests.conftest import contact_form_data, contact_submit
from tests.support import child, contact_record, screen, subject_person

pytestmark = pytest.mark.django_db


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


def _proposed(partnership, n: int = 1) -> list[RecordLink]:
    links = []
    for i in range(n):
        left, _ = linking.record_create(
            actor=None,
            agency=partnership["police"],
            local_id=f"P{i}",
            details={"given_name": "Pat", "family_name": f"Proposed{i}", "nhs_number": "9434765919" if i == 0 else ""},
        )
        right, _ = linking.record_create(
            actor=None,
            agency=partnership["health-gp"],
            local_id=f"G{i}",
            details={"given_name": "Patt", "family_name": f"Proposed{i}", "postcode": "EX1 1AA"},
        )
        links.append(
            linking.link_propose(
                actor=None,
                record_a_id=left.pk,
                record_b_id=right.pk,
                match_weight=7.25,
                match_probability=0.91,
                field_weights={
                    "given_name": {"weight": 2.5, "level": "similar", "reason": "first name spelt similarly"}
                },
                rule="fellegi_sunter",
                reason="Between the thresholds",
            )
        )
    return links


def test_the_queue_pages_with_its_true_total(partnership, make_actor, login):
    _proposed(partnership, 27)
    client = login(make_actor("screener", "mash"))
    first = client.get("/matching/").content.decode()
    assert "Showing 1 to 25 of 27 pairs to review" in first
    assert first.count('data-testid="review-row"') == 25
    assert 'data-testid="pagination"' in first and 'href="?page=2"' in first
    second = client.get("/matching/?page=2").content.decode()
    assert second.count('data-testid="review-row"') == 2
    assert AuditEvent.objects.filter(action="list", reason="link review queue").count() == 25 * 2 + 2 * 2
    assert "Records to review" in first  # the service navigation names the page for the hub


def test_a_reviewer_confirms_with_both_records_side_by_side(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    client = login(make_actor("screener", "mash"))
    page = client.get(f"/matching/links/{link.pk}/").content.decode()
    row = re.search(r'data-testid="field-given_name">(.*?)</tr>', page, re.S).group(1)
    assert "Pat" in row and "Patt" in row and "first name spelt similarly" in row
    assert re.search(r'data-testid="weight-given_name">\+2\.5</td>', row)
    postcode = re.search(r'data-testid="field-postcode">(.*?)</tr>', page, re.S).group(1)
    assert "not known to both agencies" in postcode  # a field the engine did not score is still shown
    assert "Match probability 0.910" in page
    response = client.post(f"/matching/links/{link.pk}/", {"decision": "confirm", "reason": ""})
    assert response.status_code == 302 and response["Location"] == "/matching/"
    current = RecordLink.objects.get(record_l=link.record_l_id, valid_to__isnull=True)
    assert current.state == LinkState.CONFIRMED and current.rule == "reviewer"
    assert Person.objects.filter(merged_into__isnull=False).count() == 1
    again = client.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": "x"})
    assert "already been decided" in _summary(again.content.decode())


def test_rejecting_needs_a_reason_on_the_page(partnership, make_actor, login):
    (link,) = _proposed(partnership)
    client = login(make_actor("manager", "mash"))
    response = client.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_reason"' in _summary(body) and "Give the reason these are different people" in body
    assert "<title>Error:" in body
    assert RecordLink.objects.get(pk=link.pk).valid_to is None
    nothing = client.post(f"/matching/links/{link.pk}/", {})
    assert "Select whether these records are about the same person" in _summary(nothing.content.decode())


def test_the_person_page_reads_over_the_cluster_and_a_merged_id_redirects(make_actor, login):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    kayden = subject_person(contact_record(police, subjects=[child("Kayden", "Smith", "2017-03-03", nhs="9993141593")]))
    second = contact_record(school, subjects=[child("Kaden", "Smith", "2017-03-03", nhs="999-314-1593")])
    # the school's record joins Kayden's when the hub screens its contact (ADR 0009 addendum 2)
    hub = make_actor("screener", "mash")
    screen(hub, second, outcome="nfa_advice")
    kaden = _school_person(school)
    manager = login(make_actor("manager", "mash"))
    response = manager.get(f"/people/{kaden.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{kayden.pk}/"
    page = manager.get(response["Location"]).content.decode()
    assert page.count('data-testid="agency-record"') == 2  # the police's record and the school's
    assert "County Police" in page and "Oakfield Primary School" in page and "Kaden Smith" in page
    chronology = page[page.index('data-testid="chronology"') :]
    assert chronology.count("Contact C-") == 2  # both agencies' contacts on one chronology
    assert 'data-testid="joined-people"' in page and "joined by" in page
    assert f'href="/matching/people/{kaden.pk}/separate/"' in page
    # each join links to its field-by-field weights (practitioners' review: a manager can see why)
    link = RecordLink.objects.get(valid_to__isnull=True, state="confirmed")
    assert f'href="/matching/links/{link.pk}/"' in page
    assert "each field&#x27;s weight" in page or "each field's weight" in page
    # a screener sees the picture but may not separate people
    screener_page = login(make_actor("screener", "mash")).get(f"/people/{kayden.pk}/").content.decode()
    assert "/separate/" not in screener_page and "Kaden Smith" in screener_page
    # the API answers a merged-away id with the resolved person and its records
    from openmash.accounts.services import token_create

    token = token_create(username=make_actor("screener", "mash").user.username)[1]
    body = manager.get(f"/api/v1/people/{kaden.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["id"] == str(kayden.pk) and body["merged_person_ids"] == [str(kaden.pk)]
    assert {r["agency"] for r in body["records"]} == {"County Police", "Oakfield Primary School"}
    assert body["links"][0]["rule"] == "screening"
    chron = manager.get(f"/api/v1/people/{kaden.pk}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    # both contacts were recorded against Kayden (the school's was resolved to him at intake), read through either id
    assert {e["person_id"] for e in chron["entries"]} == {str(kayden.pk)}
    assert len([e for e in chron["entries"] if e["kind"] == "contact"]) == 2


def test_a_manager_separates_people_who_are_not_the_same(make_actor, login):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    kayden = subject_person(contact_record(police, subjects=[child("Kayden", "Smith", "2017-03-03", nhs="9993141593")]))
    screen(
        make_actor("screener", "mash"),
        contact_record(school, subjects=[child("Kaden", "Smith", "2017-03-03", nhs="9993141593")]),
        outcome="nfa_advice",
    )
    kaden = _school_person(school)
    assert login(make_actor("screener", "mash")).get(f"/matching/people/{kaden.pk}/separate/").status_code == 403
    client = login(make_actor("manager", "mash"))
    page = client.get(f"/matching/people/{kaden.pk}/separate/").content.decode()
    assert (
        "Separate Kaden Smith (born 3 March 2017; Oakfield Primary School) from Kayden Smith (born 3 March 2017; County Police): not the same person"
        in page
    )
    assert "(optional)" not in page
    blank = client.post(f"/matching/people/{kaden.pk}/separate/", {"reason": ""})
    assert "Give the reason these are not the same person" in _summary(blank.content.decode())
    done = client.post(f"/matching/people/{kaden.pk}/separate/", {"reason": "Twins: school had the wrong number"})
    assert done.status_code == 302 and done["Location"] == f"/people/{kaden.pk}/"
    kaden.refresh_from_db()
    assert kaden.merged_into_id is None
    assert client.get(f"/people/{kaden.pk}/").status_code == 200
    # nobody left to separate: a clear page, not a 404 and not a refusal in the trail (security review 6)
    alone = client.get(f"/matching/people/{kayden.pk}/separate/")
    assert alone.status_code == 200 and "is not joined with anyone" in alone.content.decode()
    assert 'data-testid="separate-form"' not in alone.content.decode()
    again = client.post(f"/matching/people/{kayden.pk}/separate/", {"reason": "again"})
    assert again.status_code == 200 and "is not joined with anyone" in again.content.decode()
    assert not AuditEvent.objects.filter(action="deny", object_id=str(kayden.pk)).exists()


# --- intake asks before it creates ----------------------------------------------------------------------------


@pytest.fixture
def kayden(make_actor):
    police = make_actor("referrer", "police")
    return subject_person(
        contact_record(police, subjects=[child("Kayden", "Smith", "2017-03-03", nhs="9993141593")], household=[])
    )


def _kaden(**overrides):
    return contact_form_data(
        children_0_forename="Kaden",
        children_0_surname="Smith",
        children_0_dob_day="3",
        children_0_dob_month="3",
        children_0_dob_year="2017",
        children_0_nhs_number="999-314-1593",
        members_0_forename=None,
        members_0_surname=None,
        members_0_dob_day=None,
        members_0_dob_month=None,
        members_0_dob_year=None,
        members_0_sex=None,
        members_0_role=None,
        **overrides,
    )


def test_intake_asks_whether_a_known_nhs_number_is_the_known_child(kayden, make_actor, login):
    client = login(make_actor("referrer", "school-oak"))
    data = _kaden()
    first = client.post("/contacts/new/", data)
    assert first.status_code == 200
    page = first.content.decode()
    assert 'data-testid="candidates-banner"' in page and "Same NHS number as someone already known" in page
    assert f'value="{kayden.pk}"' in page and "Yes, it is Kayden Smith, born 3 March 2017" in page
    assert not _summary(page)  # asked, not an error yet
    assert "EX1 1AA" not in page.split('data-testid="candidates-children-0"')[1].split("</fieldset>")[0]
    again = client.post("/contacts/new/", data)  # continued without answering
    assert 'href="#id_children-0-match"' in _summary(again.content.decode())
    chosen = client.post("/contacts/new/", {**data, "children-0-match": str(kayden.pk)})
    assert chosen.status_code == 302 and "/contacts/new/check/" in chosen["Location"]
    check = client.get(chosen["Location"]).content.decode()
    assert "Already known: Kayden Smith, born 3 March 2017" in check
    sent = client.post("/contacts/new/check/", {"idempotency_key": data["idempotency_key"]})
    contact = Contact.objects.get(pk=sent["Location"].split("/")[2])
    assert contact.people.get(role="subject").person_id == kayden.pk
    assert Person.objects.filter(forename="Kaden").count() == 0  # nobody new was created


def test_intake_records_a_different_child_and_sends_the_match_to_review(kayden, make_actor, login):
    client = login(make_actor("referrer", "school-oak"))
    data = _kaden()
    client.post("/contacts/new/", data)
    response = contact_submit(client, {**data, "children-0-match": "new"})
    assert response.status_code == 302
    kaden = Person.objects.get(forename="Kaden")
    assert kaden.merged_into_id is None
    assert RecordLink.objects.get(valid_to__isnull=True).state == LinkState.PROPOSED
    confirmation = client.get(response["Location"]).content.decode()
    # the school is not told the number is known (attacker review of issue 7), though it was asked "is it them?"
    assert "already known to the partnership" not in confirmation and "the MASH will check" not in confirmation


def test_intake_says_when_the_same_child_is_named_twice(make_actor, login):
    client = login(make_actor("referrer", "police"))
    data = contact_form_data(
        children_1_forename="Amelia",
        children_1_surname="Testchild",
        children_1_dob_day="2",
        children_1_dob_month="4",
        children_1_dob_year="2018",
    )
    response = client.post("/contacts/new/", data)
    check = client.get(response["Location"]).content.decode()
    assert "Child 2 is the same person as Child 1 (same name and date of birth): recorded once" in check
    sent = client.post("/contacts/new/check/", {"idempotency_key": data["idempotency_key"]})
    contact = Contact.objects.get(pk=sent["Location"].split("/")[2])
    assert contact.people.filter(role="subject").count() == 1


def test_an_engine_scored_link_explains_each_fields_weight_in_plain_english(partnership, make_actor, login):
    """Issue 6: the reviewer sees both records side by side with each field's Fellegi-Sunter weight and the total
    match probability, in words ("date of birth: date of birth one digit different, +5.9")."""
    import datetime as dt

    from openmash.matching import scoring

    base = {"given_name": "Amelia", "family_name": "Hartley", "sex": "F", "postcode": "EX3 1AB"}
    left, _ = linking.record_create(
        actor=None, agency=partnership["police"], local_id="P1", details={**base, "date_of_birth": dt.date(2015, 6, 14)}
    )
    right, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G1",
        details={**base, "date_of_birth": dt.date(2015, 6, 24), "sex": "M", "postcode": "TQ9 9ZZ"},
    )
    scoring.records_score([right])
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.PROPOSED)
    weights = link.field_weights
    client = login(make_actor("screener", "mash"))

    queue = client.get("/matching/").content.decode()
    summary = re.search(r'data-testid="score-summary">(.*?)</span>', queue, re.S).group(1)
    assert summary.startswith("Same first name") and "against: different sex" in summary

    page = client.get(f"/matching/links/{link.pk}/").content.decode()
    dob = weights["date_of_birth"]
    line = f"date of birth: {dob['reason']}, +{dob['weight']:.1f}"
    lines = re.search(r'data-testid="score-lines">(.*?)</ul>', page, re.S).group(1)
    assert line in lines
    assert f"sex: different sex, \u2212{abs(weights['sex']['weight']):.1f}" in lines
    assert f"starting point: {weights['prior']['reason']}, \u2212{abs(weights['prior']['weight']):.1f}" in lines
    percent = f"{link.match_probability * 100:.0f}%"
    assert f"total: +{link.match_weight:.1f}, a {percent} chance they are the same person" in lines
    assert f"same person at <strong>{percent}</strong>" in page
    cell = re.search(r'data-testid="weight-date_of_birth">(.*?)</td>', page, re.S).group(1)
    assert cell == f"+{dob['weight']:.1f}"
    postcode = re.search(r'data-testid="weight-postcode">(.*?)</td>', page, re.S).group(1)
    assert postcode == f"\u2212{abs(weights['location']['weight']):.1f}"  # postcode and address are one comparison
    assert AuditEvent.objects.filter(action="view", object_id=str(link.pk), reason="link review").exists()
    response = client.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": "Different children"})
    assert response.status_code == 302
    assert RecordLink.objects.get(valid_to__isnull=True, record_l=link.record_l, record_r=link.record_r).state == (
        LinkState.REJECTED
    )
    scoring.records_score([left, right])  # scoring again never re-proposes the rejected pair
    assert not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).exists()


def test_separating_two_people_of_one_name_names_both_sides_and_needs_an_audited_reason(make_actor, login):
    """Finding 13 of the issue 6 review: "Separate Oliver Brown" was ambiguous when both sides are Oliver Brown, and
    the reason was offered as optional."""
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    first = subject_person(contact_record(police, subjects=[child("Oliver", "Brown", "2015-05-03", nhs="9993141593")]))
    screen(
        make_actor("screener", "mash"),
        contact_record(school, subjects=[child("Oliver", "Brown", "2015-05-03", nhs="9993141593")]),
        outcome="nfa_advice",
    )
    second = _school_person(school)
    client = login(make_actor("manager", "mash"))
    page = client.get(f"/matching/people/{second.pk}/separate/").content.decode()
    heading = re.search(r'data-testid="separate-heading">(.*?)</h1>', page, re.S).group(1)
    assert heading == (
        "Separate Oliver Brown (born 3 May 2015; Oakfield Primary School) from Oliver Brown (born 3 May 2015; "
        "County Police): not the same person"
    )
    assert "Why are these not the same person?</label>" in page or "(optional)" not in page
    blank = client.post(f"/matching/people/{second.pk}/separate/", {"reason": "  "})
    assert "Give the reason these are not the same person" in _summary(blank.content.decode())
    second.refresh_from_db()
    assert second.merged_into_id == first.pk  # nothing written without a reason
    client.post(
        f"/matching/people/{second.pk}/separate/", {"reason": "Different boys: the school's NHS number was wrong"}
    )
    assert AuditEvent.objects.filter(reason="Different boys: the school's NHS number was wrong").exists()


def _school_person(school):
    """The person the school's record stands for (joined to the known child once its contact was screened)."""
    return AgencyRecord.objects.get(agency=school.agency, kind="child").origin_person
