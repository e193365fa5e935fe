"""Issue 5 on the pages: any number of children and household members (formsets, add another without
JavaScript), the adults' sex, siblings, check your answers before sending, domestic abuse details and the
Operation Encompass notice, and amending or correcting a contact from its page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.contacts.models import Contact, ContactChange, EncompassNotice
from openmash.people.models import Person, Relationship
from openmash.web.tests.conftest import contact_form_data, contact_submit
from tests.support import screen


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


# --- add another, without JavaScript ----------------------------------------------------------------------------


def test_add_another_child_and_person_without_javascript_keeps_what_was_typed(referrer, login):
    client = login(referrer)
    body = client.post("/contacts/new/", contact_form_data(action="add_child")).content.decode()
    assert 'name="children-TOTAL_FORMS" value="2"' in body or re.search(
        r'name="children-TOTAL_FORMS"[^>]*value="2"', body
    )
    assert 'name="children-1-forename"' in body and 'value="Amelia"' in body
    assert "govuk-error-summary" not in body and Contact.objects.count() == 0
    body = client.post("/contacts/new/", contact_form_data(action="add_member")).content.decode()
    assert 'name="members-1-forename"' in body and 'value="Dean"' in body


def test_remove_drops_that_child_and_renumbers_the_rest(referrer, login):
    data = contact_form_data(children_1_forename="Ben", children_1_surname="Second", action="remove_child-0")
    body = login(referrer).post("/contacts/new/", data).content.decode()
    assert re.search(r'name="children-TOTAL_FORMS"[^>]*value="1"', body)
    assert re.search(r'name="children-0-forename"[^>]*value="Ben"', body)
    assert 'value="Amelia"' not in body


def test_add_another_with_htmx_swaps_the_section(referrer, login):
    response = login(referrer).post("/contacts/new/", contact_form_data(action="add_child"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="children-section"' in body
    assert 'hx-select="#children-section"' in body and 'name="children-1-forename"' in body


def test_three_children_two_adults_with_their_sex_and_the_siblings_relationship(referrer, login):
    data = contact_form_data(
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_1_dob_day="5",
        children_1_dob_month="6",
        children_1_dob_year="2020",
        children_2_forename="Cara",
        children_2_surname="Testchild",
        members_1_forename="Sara",
        members_1_surname="Testadult",
        members_1_sex="F",
        members_1_role="parent_carer",
        siblings_0_1="sibling",
        siblings_0_2="sibling",
        siblings_1_2="sibling",
    )
    assert contact_submit(login(referrer), data).status_code == 302
    contact = Contact.objects.get()
    assert contact.people.filter(role="subject").count() == 3
    assert Person.objects.get(forename="Sara").sex == "F" and Person.objects.get(forename="Dean").sex == "M"
    amelia, ben = Person.objects.get(forename="Amelia"), Person.objects.get(forename="Ben")
    assert Relationship.objects.filter(person=amelia, related_person=ben, relationship_type="sibling").exists()
    assert Relationship.objects.filter(person=ben, related_person=amelia, relationship_type="sibling").exists()


# --- check your answers -----------------------------------------------------------------------------------------


def test_check_your_answers_shows_everything_with_change_links_and_records_nothing_yet(referrer, login):
    client = login(referrer)
    response = client.post("/contacts/new/", contact_form_data(police_reference="DA/1/2026"))
    assert response.status_code == 302 and "/contacts/new/check/?intake=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Check your answers before sending the contact" in page
    assert "Amelia Testchild" in page and "Dean Testadult" in page and "Alleged perpetrator" in page
    assert "DA/1/2026" in page and "Domestic abuse: child" in page
    token = re.search(r"intake=([\w-]+)", response["Location"]).group(1)
    change = f"/contacts/new/?intake={token}&amp;change=1#id_children-0-forename"
    assert f'href="{change}"' in page
    assert Contact.objects.count() == 0 and Person.objects.count() == 0
    # 'Change' brings the answers back into the form
    form = client.get(f"/contacts/new/?intake={token}&change=1").content.decode()
    assert 'value="Amelia"' in form and 'value="DA/1/2026"' in form
    # and the check page cannot be reached without answers
    assert client.get("/contacts/new/check/")["Location"].startswith("/contacts/new/")


# --- domestic abuse and Operation Encompass ---------------------------------------------------------------------


def _da(**extra):
    day = timezone.localdate() - dt.timedelta(days=1)
    values = {
        "police_reference": "DA/2026/77",
        "incident_date_day": str(day.day),
        "incident_date_month": str(day.month),
        "incident_date_year": str(day.year),
        "incident_time": "21:30",
        "dash_risk": "high",
        "marac_referral": "yes",
        "notify_schools": "yes",
        "children_0_school": "school-oak",
        "children_0_present_at_incident": "yes",
    }
    return contact_form_data(**{**values, **extra})


def test_domestic_abuse_details_and_the_school_notice_from_the_page(referrer, login, make_actor):
    assert contact_submit(login(referrer), _da()).status_code == 302
    contact = Contact.objects.get()
    assert (contact.police_reference, contact.dash_risk, contact.marac_referral) == ("DA/2026/77", "high", "yes")
    assert timezone.localtime(contact.incident_at).strftime("%H:%M") == "21:30"
    notice = EncompassNotice.objects.get()
    dsl = login(make_actor("referrer", "school-oak"))
    listing = dsl.get("/school-notices/").content.decode()
    assert "Amelia Testchild" in listing and 'href="/school-notices/' in listing
    page = dsl.get(f"/school-notices/{notice.pk}/").content.decode()
    assert "DA/2026/77" in page and "2 April 2018" in page and "9:30pm" in page
    assert "hit her" not in page and "Dean" not in page
    assert dsl.get(f"/contacts/{contact.pk}/").status_code == 404
    assert login(referrer).get("/school-notices/").status_code == 403
    hub = login(make_actor("screener", "mash")).get(f"/contacts/{contact.pk}/").content.decode()
    assert "Oakfield Primary School" in hub and 'data-testid="domestic-abuse"' in hub


@pytest.mark.parametrize(
    ("overrides", "message", "anchor"),
    [
        ({"incident_time": "25:99"}, "Enter the time of the incident as hours and minutes", "#id_incident_time"),
        ({"incident_time": ""}, "Enter the time of the incident", "#id_incident_time"),
        ({"children_0_school": "not-a-school"}, "Select a valid choice", "#id_children-0-school"),
        ({"police_reference": ""}, "Enter the police incident reference", "#id_police_reference"),
    ],
)
def test_domestic_abuse_errors_land_on_their_fields(referrer, login, overrides, message, anchor):
    body = login(referrer).post("/contacts/new/", _da(**overrides)).content.decode()
    summary = _summary(body)
    assert message in summary and f'href="{anchor}"' in summary, summary
    assert Contact.objects.count() == 0


def test_a_service_error_on_a_household_member_lands_on_that_member(referrer, login):
    future = timezone.localdate() + dt.timedelta(days=5)
    data = contact_form_data(
        members_1_forename="Sara",
        members_1_surname="Testadult",
        members_1_dob_day=str(future.day),
        members_1_dob_month=str(future.month),
        members_1_dob_year=str(future.year),
    )
    summary = _summary(login(referrer).post("/contacts/new/", data).content.decode())
    assert 'href="#id_members-1-dob_0"' in summary


# --- amending and correcting from the contact page --------------------------------------------------------------


def test_the_recorder_adds_a_household_member_and_the_history_shows_it(referrer, login):
    client = login(referrer)
    contact_submit(client, contact_form_data())
    contact = Contact.objects.get()
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="amend-contact"' in page
    response = client.post(
        f"/contacts/{contact.pk}/amend/",
        {
            "section": "member",
            "version": "1",
            "member-forename": "Sara",
            "member-surname": "Testadult",
            "member-sex": "F",
            "member-role": "parent_carer",
        },
    )
    assert response.status_code == 302, _summary(response.content.decode())
    assert contact.people.filter(role="parent_carer", person__forename="Sara").exists()
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="change-history"' in page and "Person added" in page and "Sara" in page
    stale = client.post(
        f"/contacts/{contact.pk}/amend/",
        {"section": "da", "version": "1", "da-police_reference": "DA/9", "da-notify_schools": "no"},
    )
    assert "Someone else changed this contact" in _summary(stale.content.decode())
    contact.refresh_from_db()
    assert contact.police_reference == "" and contact.version == 2


def test_a_date_of_birth_is_corrected_before_screening_then_only_the_hub_corrects_with_a_reason(
    referrer, login, make_actor
):
    client = login(referrer)
    contact_submit(client, contact_form_data())
    contact = Contact.objects.get()
    link = contact.people.get(role="subject")
    child = link.person
    url = f"/contacts/{contact.pk}/named/{link.pk}/change/"
    form = client.get(url).content.decode()
    assert 'value="Amelia"' in form and "Reason for the correction" not in form
    base = {"forename": "Amelia", "surname": "Testchild", "sex": "F", "version": "1"}
    response = client.post(url, {**base, "dob_day": "3", "dob_month": "4", "dob_year": "2018"})
    assert response.status_code == 302, _summary(response.content.decode())
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2018, 4, 3)
    change = ContactChange.objects.get(field="date_of_birth")
    assert (change.previous, change.new, change.kind) == ("2018-04-02", "2018-04-03", "amendment")

    screener = make_actor("screener", "mash")
    contact.refresh_from_db()
    screen(screener, contact, outcome="nfa_advice")
    assert client.get(url).status_code == 409  # the recorder may not change it after screening: it has been screened
    hub = login(screener)
    form = hub.get(url).content.decode()
    assert "Reason for the correction" in form
    base = {**base, "dob_day": "3", "dob_month": "4", "dob_year": "2018", "version": str(child.version)}
    no_reason = hub.post(url, {**base, "surname": "Test-Child"})
    assert "Give the reason for the correction" in _summary(no_reason.content.decode())
    done = hub.post(url, {**base, "surname": "Test-Child", "reason": "Birth certificate seen"})
    assert done.status_code == 302
    change = ContactChange.objects.get(field="surname")
    assert (change.kind, change.previous, change.reason) == ("correction", "Testchild", "Birth certificate seen")
    page = hub.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Birth certificate seen" in page and "Corrected by the MASH" in page


def test_every_problem_is_reported_at_once(referrer, login):
    data = _da(incident_time="25:61", children_0_nhs_number="9434765918")  # 9pm is a time now
    summary = _summary(login(referrer).post("/contacts/new/", data).content.decode())
    assert 'href="#id_incident_time"' in summary and 'href="#id_children-0-nhs_number"' in summary


def test_enter_in_the_intake_form_presses_continue_not_add_another(referrer, login):
    """A browser presses the form's first submit button for Enter: it must be 'Continue' (tests/browser/
    test_intake_form.py presses Enter in a real browser), with and without the children and people formsets grown."""
    client = login(referrer)
    for body in (
        client.get("/contacts/new/").content.decode(),
        client.post("/contacts/new/", contact_form_data(action="add_child")).content.decode(),
    ):
        form = re.search(r'<form[^>]*id="contact-form".*?</form>', body, re.S).group(0)
        first = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
        assert 'name="action"' in first and 'value="submit"' in first, first
        assert 'tabindex="-1"' in first and 'aria-hidden="true"' in first  # out of the way of keyboards and readers


def _answers(html: str) -> set[str]:
    return {name for group in re.findall(r'data-answers="([^"]*)"', html) for name in group.split()}


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</dl>", start)]


def test_check_your_answers_echoes_every_field_the_form_captures(referrer, login):
    """Every field the intake form captures (the contact's, each child's, each household member's) has a row on
    check your answers with a Change link: a new form field without a row fails here. And the values show,
    including the domestic abuse details a child's row holds (present at the incident)."""
    from openmash.web.forms import ChildForm, ContactForm, MemberForm

    received = timezone.localdate() - dt.timedelta(days=60)
    data = _da(
        children_0_ethnicity="WIRT",
        children_0_upn="B801200005001",
        children_0_local_id="LOC1",
        children_0_present_at_incident="yes",
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_1_dob_day="3",
        children_1_dob_month="5",
        children_1_dob_year="2020",
        children_1_sex="M",
        children_1_address_status="no_fixed_abode",
        children_1_present_at_incident="unknown",
        members_0_pnc_id="99/123456X",
        siblings_0_1="sibling",
        siblings_0_2="sibling",
        siblings_1_2="sibling",
        immediate_risk="yes",
        immediate_risk_detail="Partner still at the address",
        consent_detail="Mother asked not to be told",
        referrer_phone="01234 567890",
        received_date_day=str(received.day),
        received_date_month=str(received.month),
        received_date_year=str(received.year),
        received_time="09:15",
        late_recorded_reason="Found in a colleague's notes",
    )
    client = login(referrer)
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302, _summary(response.content.decode())
    page = client.get(response["Location"]).content.decode()

    def visible(form_class):
        return {n for n, f in form_class.base_fields.items() if not f.widget.is_hidden}

    child0, child1 = _section(page, "check-child-0"), _section(page, "check-child-1")
    assert visible(ChildForm) - _answers(child0) == set()
    assert visible(MemberForm) - _answers(_section(page, "check-members")) == set()
    assert visible(ContactForm) - _answers(page) == set()
    for row in re.findall(r'<div class="govuk-summary-list__row" data-answers=.*?</div>', page, re.S):
        assert ">Change<" in row, row
    present = re.search(r'data-testid="check-present">([^<]*)<', child0).group(1)
    assert present == "Yes"
    assert re.search(r'data-testid="check-present">([^<]*)<', child1).group(1) == "Not known"
    assert "Traveller of Irish heritage" in child0 and "B801200005001" in child0 and "LOC1" in child0
    assert "No fixed abode" in child1
    assert "1999/0123456X" in page and "Partner still at the address" in page and "01234 567890" in page
    assert "Found in a colleague&#x27;s notes" in page and "High" in page
    assert 'href="/contacts/new/?intake=' in child0 and "#id_children-0-present_at_incident" in child0


def test_the_school_acknowledges_an_encompass_notice_and_the_hub_and_police_see_it(referrer, login, make_actor):
    """The school's designated safeguarding lead acknowledges a notice (audited); the hub and the police officer
    who recorded the contact see who acknowledged it and when; the hub cannot acknowledge for the school; a second
    acknowledgement is refused and names the first."""
    from openmash.audit.models import AuditEvent

    assert contact_submit(login(referrer), _da()).status_code == 302
    contact, notice = Contact.objects.get(), EncompassNotice.objects.get()
    hub = login(make_actor("screener", "mash"))
    assert hub.post(f"/school-notices/{notice.pk}/acknowledge/").status_code == 403
    dsl_actor = make_actor("referrer", "school-oak")
    dsl = login(dsl_actor)
    page = dsl.get(f"/school-notices/{notice.pk}/").content.decode()
    assert 'data-testid="encompass-acknowledge"' in page and "Not yet acknowledged" in page
    response = dsl.post(f"/school-notices/{notice.pk}/acknowledge/", follow=True)
    notice.refresh_from_db()
    assert notice.acknowledged_by == dsl_actor.user and notice.acknowledged_at is not None
    when = timezone.localtime(notice.acknowledged_at)
    name = str(dsl_actor.user)
    shown = f"Acknowledged by {name} on {when.day} {when:%B %Y}"
    assert shown in response.content.decode() and 'data-testid="encompass-acknowledge"' not in response.content.decode()
    assert AuditEvent.objects.filter(action="acknowledge", object_id=str(notice.pk), actor_user_id=dsl_actor.user.pk)
    for viewer in (hub, login(referrer)):
        status = viewer.get(f"/contacts/{contact.pk}/").content.decode()
        assert f"acknowledged by {name} on {when.day} {when:%B %Y}" in status
    again = login(make_actor("researcher", "school-oak")).post(f"/school-notices/{notice.pk}/acknowledge/", follow=True)
    assert f"already acknowledged by {name}" in again.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_by == dsl_actor.user


# --- how each pair of children is related (issue 5 practitioner review, fault 4) ------------------------------------


def test_each_pair_of_children_is_related_as_it_is_full_and_half_siblings_in_one_family(referrer, login):
    """Amelia and Ben share both parents; Cara is their half-sister. One answer for the whole contact could not say
    so: the page asks for every pair, check your answers shows each, and each pair is recorded as answered."""
    client = login(referrer)
    one = client.get("/contacts/new/").content.decode()
    assert "siblings_0_1" not in one  # one child: no question about siblings
    three = dict(
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_1_dob_day="5",
        children_1_dob_month="6",
        children_1_dob_year="2020",
        children_2_forename="Cara",
        children_2_surname="Halfchild",
        children_2_dob_day="7",
        children_2_dob_month="8",
        children_2_dob_year="2021",
    )
    page = client.post("/contacts/new/", contact_form_data(**three, action="add_member")).content.decode()
    for name in ("siblings_0_1", "siblings_0_2", "siblings_1_2"):
        assert f'name="{name}"' in page, name
    assert "How are child 1 (Amelia Testchild) and child 3 (Cara Halfchild) related?" in page
    data = contact_form_data(**three, siblings_0_1="sibling", siblings_0_2="half_sibling", siblings_1_2="half_sibling")
    r = client.post("/contacts/new/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    check = client.get(r["Location"]).content.decode()
    rows = re.findall(r'data-testid="check-siblings">\s*<dt[^>]*>([^<]*)</dt>\s*<dd[^>]*>([^<]*)</dd>', check)
    assert [(q.replace("&#x27;", "'"), a) for q, a in rows] == [
        ("How are child 1 (Amelia Testchild) and child 2 (Ben Testchild) related?", "Brother or sister (same parents)"),
        ("How are child 1 (Amelia Testchild) and child 3 (Cara Halfchild) related?", "Half-brother or half-sister"),
        ("How are child 2 (Ben Testchild) and child 3 (Cara Halfchild) related?", "Half-brother or half-sister"),
    ]
    assert client.post("/contacts/new/check/", {"idempotency_key": data["idempotency_key"]}).status_code == 302
    amelia, ben, cara = (Person.objects.get(forename=n) for n in ("Amelia", "Ben", "Cara"))

    def kind(a, b):
        return set(Relationship.objects.filter(person=a, related_person=b).values_list("relationship_type", flat=True))

    assert kind(amelia, ben) == kind(ben, amelia) == {"sibling"}
    assert kind(amelia, cara) == kind(cara, amelia) == {"half_sibling"}
    assert kind(ben, cara) == kind(cara, ben) == {"half_sibling"}


def test_a_pair_with_an_unused_child_form_is_ignored(referrer, login):
    """A blank third child form makes no relationship, whatever its pair questions say."""
    data = contact_form_data(
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_2_forename="",
        siblings_0_1="step_sibling",
        siblings_0_2="sibling",
    )
    data["children-TOTAL_FORMS"] = "3"
    assert contact_submit(login(referrer), data).status_code == 302
    amelia, ben = Person.objects.get(forename="Amelia"), Person.objects.get(forename="Ben")
    assert set(Relationship.objects.filter(person=amelia).values_list("relationship_type", "related_person")) == {
        ("step_sibling", ben.pk)
    }


def test_check_your_answers_never_changes_the_case_of_a_name(referrer, login):
    """The Change link's screen-reader text for a pair of children names them as typed ("Zoë Ní Bhriain-O'Connor"),
    not lowercased (practitioner review: "zoë ní bhriain-o'connor")."""
    client = login(referrer)
    data = contact_form_data(
        children_0_forename="Zoë",
        children_0_surname="Ní Bhriain-O'Connor",
        children_1_forename="Ben",
        children_1_surname="Testchild",
        children_1_dob_day="5",
        children_1_dob_month="6",
        children_1_dob_year="2020",
        siblings_0_1="sibling",
    )
    r = client.post("/contacts/new/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    check = client.get(r["Location"]).content.decode().replace("&#x27;", "'")
    hidden = re.findall(r'href="[^"]*#id_siblings_0_1">Change<span class="govuk-visually-hidden">([^<]*)</span>', check)
    assert hidden == [" how child 1 (Zoë Ní Bhriain-O'Connor) and child 2 (Ben Testchild) are related"], hidden
    assert "zoë" not in check and "ní bhriain" not in check
