"""Recording a contact through the page, and a contact's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from conftest import VALID_NHS
from openmash.contacts.models import Contact
from openmash.people.models import Person
from openmash.web.tests.conftest import contact_form_data, contact_submit


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _error_summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


def test_the_form_renders_with_the_referrer_prefilled_and_a_fresh_idempotency_key(make_actor, login):
    actor = make_actor("referrer", "police")
    actor.user.display_name = "PC Jo Bloggs"
    actor.user.job_title = "Police constable"
    actor.user.save()
    client = login(actor)
    first = client.get("/contacts/new/").content.decode()
    second = client.get("/contacts/new/").content.decode()
    assert 'value="PC Jo Bloggs"' in first and 'value="Police constable"' in first
    keys = [re.search(r'name="idempotency_key" value="(\w+)"', b).group(1) for b in (first, second)]
    assert keys[0] != keys[1]
    assert 'name="children-0-dob_day"' in first and 'name="members-0-role"' in first
    assert 'name="children-TOTAL_FORMS"' in first and 'name="members-0-sex"' in first
    assert 'data-module="govuk-character-count"' in first
    assert first.count("{% csrf_token %}") == 0 and "csrfmiddlewaretoken" in first


def test_a_valid_contact_is_recorded_with_the_api_shape_and_confirmed(referrer, login):
    client = login(referrer)
    response = contact_submit(client, contact_form_data())
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.recorded_by == referrer.user
    assert contact.concern_codes == ["3A", "18C"]
    assert contact.consent == "not_sought" and contact.consent_not_sought_reason == "unsafe"
    assert contact.family_aware == "no" and contact.immediate_risk is False
    roles = sorted(contact.people.values_list("role", flat=True))
    assert roles == ["alleged_perpetrator", "subject"]
    child = contact.people.get(role="subject").person
    assert child.date_of_birth == dt.date(2018, 4, 2) and child.identifiers.get().value == VALID_NHS
    page = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in page and contact.reference in page
    assert client.get(response["Location"]).content.decode().count("govuk-panel--confirmation") == 0  # once only


def _future(days=10):
    return timezone.localdate() + dt.timedelta(days=days)


BAD_INPUT = [
    (
        "future date of birth",
        {
            "children-0-dob_day": str(_future().day),
            "children-0-dob_month": str(_future().month),
            "children-0-dob_year": str(_future().year),
        },
        "Date of birth must be today or in the past",
        "#id_children-0-dob_0",
    ),
    (
        "invalid NHS number",
        {"children-0-nhs_number": "9434765918"},
        "(the check digit) does not match",
        "#id_children-0-nhs_number",
    ),
    (
        "no child",
        {
            "children-0-forename": "",
            "children-0-surname": "",
            "children-0-dob_day": "",
            "children-0-dob_month": "",
            "children-0-dob_year": "",
            "children-0-sex": "",
            "children-0-nhs_number": "",
            "children-0-address_line1": "",
            "children-0-town": "",
            "children-0-postcode": "",
        },
        "Add at least one child the concern is about",
        "#id_children-0-forename",
    ),
    ("oversize narrative", {"narrative": "x" * 20001}, "20,000 characters or fewer", "#id_narrative"),
    (
        "impossible date",
        {"children-0-dob_day": "31", "children-0-dob_month": "2"},
        "must be a real date",
        "#id_children-0-dob_0",
    ),
    ("no concern category", {"concern_codes": []}, "Select at least one concern category", "#id_concern_codes_1"),
    ("no consent position", {"consent": ""}, "Select the consent position", "#id_consent_1"),
    (
        "immediate risk without detail",
        {"immediate_risk": "yes", "immediate_risk_detail": ""},
        "Describe the immediate risk",
        "#id_immediate_risk_detail",
    ),
    (
        "household member without a name",
        {"members-0-forename": "", "members-0-surname": ""},
        "first name or last name",
        "#id_members-0-forename",
    ),
]


@pytest.mark.parametrize(("case", "overrides", "message", "anchor"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_re_renders_with_the_error_summary_and_saves_nothing(
    referrer, login, case, overrides, message, anchor
):
    people_before = Person.objects.count()
    response = login(referrer).post("/contacts/new/", contact_form_data(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    summary = _error_summary(body)
    assert "There is a problem" in summary
    assert message in summary
    assert f'href="{anchor}"' in summary
    assert "<title>Error: " in body
    assert '<span class="govuk-visually-hidden">Error:</span>' in body
    assert Contact.objects.count() == 0
    assert Person.objects.count() == people_before


def test_entered_values_survive_a_failed_submission(referrer, login):
    body = (
        login(referrer)
        .post("/contacts/new/", contact_form_data(children_0_nhs_number="123", members_0_forename="Dean"))
        .content.decode()
    )
    assert 'value="Amelia"' in body and 'value="Dean"' in body and 'value="2018"' in body
    assert "checked" in re.search(r'<input[^>]*value="18C"[^>]*>', body).group(0)


def test_narrative_markup_is_shown_as_text_with_line_breaks(referrer, login, make_actor):
    narrative = '<script>alert("x")</script>\n<b>bold</b> & "quoted"'
    client = login(referrer)
    response = contact_submit(client, contact_form_data(narrative=narrative))
    contact = Contact.objects.get()
    for page_client, url in [
        (client, response["Location"]),
        (login(make_actor("screener", "mash")), f"/contacts/{contact.pk}/screen/"),
    ]:
        body = page_client.get(url).content.decode()
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"
            in body
        )
        assert '<script>alert("x")' not in body


def test_a_double_submit_with_the_same_idempotency_key_records_one_contact(referrer, login):
    client = login(referrer)
    data = contact_form_data()
    first = contact_submit(client, data)
    second = client.post("/contacts/new/check/", {"idempotency_key": data["idempotency_key"]})  # double click
    third = contact_submit(client, data)  # the whole form sent again (back button, refresh)
    assert first.status_code == second.status_code == third.status_code == 302
    assert first["Location"] == second["Location"] == third["Location"]
    assert Contact.objects.count() == 1


def test_reusing_a_submitted_form_for_different_details_is_refused(referrer, login):
    client = login(referrer)
    data = contact_form_data()
    contact_submit(client, data)
    response = contact_submit(client, {**data, "narrative": "Something else entirely"})
    assert response.status_code == 200
    assert "This form was already submitted" in _error_summary(response.content.decode())
    assert Contact.objects.count() == 1


def test_two_children_and_two_household_members(referrer, login):
    data = contact_form_data(
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_1_dob_day="5",
        children_1_dob_month="6",
        children_1_dob_year="2020",
        members_1_forename="Sara",
        members_1_surname="Testadult",
        members_1_role="parent_carer",
    )
    assert contact_submit(login(referrer), data).status_code == 302
    contact = Contact.objects.get()
    assert contact.people.filter(role="subject").count() == 2
    assert set(contact.people.exclude(role="subject").values_list("role", flat=True)) == {
        "alleged_perpetrator",
        "parent_carer",
    }


def test_an_error_on_the_second_child_is_reported_against_the_second_child(referrer, login):
    data = contact_form_data(children_1_forename="Ben", children_1_surname="--", children_1_nhs_number="123")
    body = login(referrer).post("/contacts/new/", data).content.decode()
    summary = _error_summary(body)
    assert 'href="#id_children-1-nhs_number"' in summary and 'href="#id_children-1-surname"' in summary
    assert 'data-testid="child-1"' in body  # the second child's boxes are shown again, with their errors


def test_answers_in_an_unchosen_branch_are_ignored(referrer, login):
    data = contact_form_data(
        consent="obtained",
        consent_not_sought_reason="unsafe",
        immediate_risk="no",
        immediate_risk_detail="typed, then changed mind",
    )
    assert contact_submit(login(referrer), data).status_code == 302
    contact = Contact.objects.get()
    assert contact.consent_not_sought_reason == "" and contact.immediate_risk_detail == ""


def test_search_then_select_links_the_contact_to_the_existing_child(referrer, login, new_contact):
    existing = new_contact().people.get(role="subject").person
    client = login(referrer)
    response = client.post(
        "/contacts/new/",
        {
            "action": "search",
            "name": "Amelia Testchild",
            "date_of_birth_day": "2",
            "date_of_birth_month": "4",
            "date_of_birth_year": "2018",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 record found" in page and f'value="select:{existing.pk}"' in page
    assert 'value="Amelia Testchild"' in page  # the search terms stay in the form
    intake = client.session["contact_intake"]
    assert set(intake["matches"][0]) == {"id", "name", "dob", "unborn"}  # no sex, postcode or identifiers kept
    response = client.post("/contacts/new/", {"action": "select", "person_id": str(existing.pk)})
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="chosen-child"' in page
    assert f'name="children-0-person_id" value="{existing.pk}"' in page
    assert client.session["contact_intake"]["matches"] == []  # only the picked child is kept

    people_before = Person.objects.count()
    child_fields = {k: "" for k in contact_form_data() if k.startswith("children-0-")}
    child_fields["children-0-person_id"] = str(existing.pk)
    # the household member has the same name and date of birth as one already known: the referrer says it is not
    # them (issue 6: intake asks before it creates; see test_intake_candidates.py)
    child_fields["members-0-match"] = "new"
    assert contact_submit(client, contact_form_data(**child_fields)).status_code == 302
    contact = Contact.objects.filter(recorded_by=referrer.user).get()
    assert contact.people.get(role="subject").person_id == existing.pk
    assert Person.objects.count() == people_before + 1  # only the household member is new


def test_searching_and_picking_a_child_keeps_everything_typed(referrer, login, new_contact):
    """Practitioner review, fault 7: picking a sibling from the search after typing the narrative wiped the
    narrative and every other answer. The search and its Select / Remove buttons belong to the contact form, so each
    post carries what was typed; the page comes back with it, and the picked record in the first blank child's
    place (or a new child's)."""
    existing = new_contact().people.get(role="subject").person
    client = login(referrer)
    client.get("/contacts/new/")
    typed = contact_form_data(
        narrative="Ben told his teacher he is scared of going home.",
        children_1_forename="",  # a second, blank child box
        children_1_surname="",
        children_1_person_id="",
    )
    typed["action"] = "search"
    typed.update(
        {"name": "Amelia Testchild", "date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "2018"}
    )
    searched = client.post("/contacts/new/", typed).content.decode()
    assert "1 record found" in searched and "Ben told his teacher he is scared of going home." in searched
    assert 'value="Amelia"' in searched  # child 1 as typed
    picked = client.post("/contacts/new/", {**typed, "action": f"select:{existing.pk}"})
    page = picked.content.decode()
    assert picked.status_code == 200 and "<title>Error:" not in page
    assert "Ben told his teacher he is scared of going home." in page  # the narrative survives
    assert 'value="Dean"' in page and 'value="PC Example"' in page  # household and referrer too
    assert 'value="Amelia"' in page  # the first child as typed
    assert f'name="children-1-person_id" value="{existing.pk}"' in page  # the blank second box took the record
    assert 'data-testid="chosen-child"' in page
    removed = client.post(
        "/contacts/new/",
        {**typed, "children-1-person_id": str(existing.pk), "action": f"remove:{existing.pk}"},
    ).content.decode()
    assert "Ben told his teacher he is scared of going home." in removed
    assert f'value="{existing.pk}"' not in removed and 'data-testid="chosen-child"' not in removed


def test_search_by_nhs_number_and_an_invalid_nhs_number(referrer, login, new_contact, make_actor):
    new_contact()
    hub = login(make_actor("screener", "mash"))
    assert (
        "1 record found"
        in hub.post("/contacts/new/", {"action": "search", "identifier": "943 476 5919"}).content.decode()
    )
    # a number alone tells a referrer nothing of a child they may not open (access.search: the name and date of birth)
    client = login(referrer)
    response = client.post("/contacts/new/", {"action": "search", "identifier": "943 476 5919"}).content.decode()
    assert "No records found" in response and "Testchild" not in response
    bad = client.post("/contacts/new/", {"action": "search", "identifier": "123"})
    assert bad.status_code == 200
    assert 'href="#id_identifier"' in _error_summary(bad.content.decode())


def test_htmx_search_returns_only_the_search_block(referrer, login, new_contact):
    new_contact()
    response = login(referrer).post(
        "/contacts/new/",
        {
            "action": "search",
            **{
                "name": "Amelia Testchild",
                "date_of_birth_day": "2",
                "date_of_birth_month": "4",
                "date_of_birth_year": "2018",
            },
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    # The partial, led by a <title> that htmx puts on the page (taking off an earlier "Error: " prefix).
    assert body.lstrip().startswith('<title>Record a concern – OpenMASH</title>\n<div id="form-errors" hx-swap-oob')
    assert '<div id="child-search">' in body
    assert "<html" not in body
    assert "1 record found" in body


def test_htmx_search_with_a_bad_date_swaps_in_main_with_the_full_error_pattern(referrer, login):
    """Issue 5 fault 13: with JavaScript on, a bad date showed no error summary and no "Error:" title."""
    response = login(referrer).post(
        "/contacts/new/",
        {"action": "search", "name": "Amelia Testchild", "date_of_birth_day": "2", "date_of_birth_year": "2018"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main-content" and response["HX-Reselect"] == "#main-content"
    assert response["HX-Reswap"].startswith("outerHTML")
    assert "<title>Error: Record a concern" in body
    summary = body[body.index("govuk-error-summary") :]
    assert 'href="#id_date_of_birth"' in summary and "Date of birth must include a month" in summary


def test_only_a_record_from_the_search_results_can_be_selected(referrer, login, new_contact):
    other = new_contact().people.get(role="subject").person
    client = login(referrer)
    client.get("/contacts/new/")
    response = client.post("/contacts/new/", {"action": "select", "person_id": str(other.pk)})
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="chosen-child"' not in page


def test_a_plain_visit_starts_a_new_intake(referrer, login, new_contact):
    existing = new_contact().people.get(role="subject").person
    client = login(referrer)
    client.post("/contacts/new/", {"action": "search", "identifier": VALID_NHS})
    client.post("/contacts/new/", {"action": "select", "person_id": str(existing.pk)})
    page = client.get("/contacts/new/").content.decode()
    assert 'data-testid="chosen-child"' not in page


def test_a_referrer_sees_the_outcome_in_plain_words_but_not_the_hubs_rationale(
    referrer, login, make_actor, new_contact, screened
):
    contact = new_contact(actor=referrer)
    screened(contact, outcome="early_help")
    body = login(referrer).get(f"/contacts/{contact.pk}/").content.decode()
    assert "The family will be offered early help." in body
    assert "Bruising; needs multi-agency checks" not in body
    hub_body = login(make_actor("screener", "mash")).get(f"/contacts/{contact.pk}/").content.decode()
    assert "Bruising; needs multi-agency checks" in hub_body


def test_a_public_referrers_identity_is_hidden_from_the_allocated_worker(make_actor, login):
    from openmash.enquiries.models import CaseAllocation
    from openmash.people.models import Person

    screener = make_actor("screener", "mash")
    worker = make_actor("social_worker", "mash")
    data = contact_form_data(referrer_type="public", referrer_name="Concerned Neighbour", referrer_role="Neighbour")
    client = login(screener)
    contact_submit(client, data)
    child = Person.objects.get(forename="Amelia")
    # No service allocates a worker yet (case management comes later): the test opens the allocation directly.
    CaseAllocation.objects.create(person=child, agency=screener.agency, worker=worker.user, opened_at=timezone.now())
    linked = {k: "" for k in data if k.startswith("children-0-")}
    linked["children-0-person_id"] = str(child.pk)
    linked["members-0-match"] = "new"  # a household member like one already known: not them (issue 6)
    response = contact_submit(client, {**data, **linked, "idempotency_key": "second"})
    routed = Contact.objects.get(idempotency_key="second")
    assert routed.routed_to == worker.user
    confirmation = client.get(response["Location"]).content.decode()
    assert 'data-testid="routed-notice"' in confirmation

    worker_page = login(worker).get(f"/contacts/{routed.pk}/").content.decode()
    assert "Concerned Neighbour" not in worker_page and "identity protected" in worker_page
    assert "Concerned Neighbour" in client.get(f"/contacts/{routed.pk}/").content.decode()
    worker_home = login(worker).get("/").content.decode()
    assert routed.reference in worker_home


def test_researchers_search_at_intake_too(make_actor, login):
    client = login(make_actor("researcher", "health-gp"))
    page = client.get("/contacts/new/").content.decode()
    assert 'data-testid="child-search-form"' in page
    assert client.post("/contacts/new/", {"action": "search", "identifier": VALID_NHS}).status_code == 200
    assert contact_submit(client, contact_form_data()).status_code == 302


def test_unborn_child_recorded_with_expected_date(make_actor, login):
    import datetime as dt

    from openmash.people.models import Person

    client = login(make_actor("referrer", "police"))
    due = dt.date.today() + dt.timedelta(days=60)
    data = contact_form_data(
        children_0_forename="Baby",
        children_0_surname="Unbornchild",
        children_0_nhs_number="",
        children_0_unborn="on",
        children_0_sex="U",
        children_0_dob_day=str(due.day),
        children_0_dob_month=str(due.month),
        children_0_dob_year=str(due.year),
    )
    assert contact_submit(client, data).status_code == 302
    person = Person.objects.get(surname="Unbornchild")
    assert (person.kind, person.date_of_birth, person.expected_date_of_birth) == ("unborn", None, due)


def test_born_child_with_future_date_is_refused(make_actor, login):
    import datetime as dt

    from openmash.contacts.models import Contact

    client = login(make_actor("referrer", "police"))
    due = dt.date.today() + dt.timedelta(days=60)
    data = contact_form_data(
        children_0_dob_day=str(due.day), children_0_dob_month=str(due.month), children_0_dob_year=str(due.year)
    )
    r = client.post("/contacts/new/", data)
    assert r.status_code == 200 and "Date of birth must be today or in the past" in r.content.decode()
    assert Contact.objects.count() == 0


def test_opening_a_contact_marks_its_notifications_read(make_actor, login, new_contact):
    from openmash.enquiries.models import Notification
    from openmash.enquiries.services import screening_record

    referrer = make_actor("referrer", "police")
    contact = new_contact(actor=referrer)
    screening_record(
        actor=make_actor("screener", "mash"), contact_id=contact.pk, outcome="nfa_advice", rationale="Advice given"
    )
    note = Notification.objects.get(user=referrer.user, contact=contact)
    assert note.read_at is None
    client = login(referrer)
    assert "1 new" in client.get("/").content.decode()
    assert client.get(f"/contacts/{contact.pk}/").status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    assert "1 new" not in client.get("/").content.decode()


def test_upn_recorded_and_a_bad_one_is_shown_on_its_own_field(make_actor, login):
    from openmash.contacts.models import Contact
    from openmash.people.models import PersonIdentifier

    client = login(make_actor("referrer", "school-oak"))
    r = client.post("/contacts/new/", contact_form_data(children_0_upn="B801200005002"))
    body = r.content.decode()
    assert r.status_code == 200 and "check letter does not match" in body
    assert 'href="#id_children-0-upn"' in body and Contact.objects.count() == 0
    r = contact_submit(client, contact_form_data(children_0_upn="b801200005001"))
    assert r.status_code == 302
    kinds = set(PersonIdentifier.objects.values_list("identifier_type", "value"))
    assert {("nhs_number", VALID_NHS), ("upn", "B801200005001")} <= kinds


def test_local_id_and_pnc_id_recorded_and_bad_pnc_is_shown_on_its_field(make_actor, login):
    from openmash.contacts.models import Contact
    from openmash.people.models import PersonIdentifier

    client = login(make_actor("referrer", "police"))
    r = client.post("/contacts/new/", contact_form_data(members_0_pnc_id="99/123456A"))
    body = r.content.decode()
    assert r.status_code == 200 and "check letter does not match" in body
    assert 'href="#id_members-0-pnc_id"' in body and Contact.objects.count() == 0
    r = contact_submit(client, contact_form_data(members_0_pnc_id="99/123456x", children_0_local_id="LA12345"))
    assert r.status_code == 302
    kinds = set(PersonIdentifier.objects.values_list("identifier_type", "value"))
    assert {("pnc_id", "1999/0123456X"), ("local_id", "LA12345")} <= kinds  # the canonical form (ADR 0009)


@pytest.mark.parametrize("typed", ["01/12345h", " 01/0012345H ", "01/012345 H", "2001/12345H"])
def test_the_web_intake_stores_a_pnc_id_in_its_canonical_form(make_actor, login, typed):
    from openmash.people.models import AgencyRecord, PersonIdentifier

    client = login(make_actor("referrer", "police"))
    assert contact_submit(client, contact_form_data(members_0_pnc_id=typed)).status_code == 302
    stored = PersonIdentifier.objects.get(identifier_type="pnc_id")
    assert stored.value == "2001/0012345H"
    assert AgencyRecord.objects.get(origin_person_id=stored.person_id).pnc_id == "2001/0012345H"
