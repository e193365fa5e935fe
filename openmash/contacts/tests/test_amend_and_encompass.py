"""Issue 5: amending a contact before screening, hub corrections after, domestic abuse details, Operation
Encompass notices to the child's school, and siblings' relationship to each other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact, ContactChange, EncompassNotice
from openmash.contacts.services import contact_amend, contact_create, contact_person_correct
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from openmash.people.models import Person, Relationship
from tests.support import nhs_number, screen


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def _subject(contact):
    return contact.people.get(role="subject").person


# --- amendments before screening ------------------------------------------------------------------------------


def test_the_recorder_corrects_a_date_of_birth_and_the_previous_value_is_kept(referrer, new_contact):
    contact = new_contact(actor=referrer)
    child = _subject(contact)
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={"people": [{"person_id": child.pk, "date_of_birth": dt.date(2018, 4, 3)}]},
    )
    child.refresh_from_db()
    contact.refresh_from_db()
    assert child.date_of_birth == dt.date(2018, 4, 3) and child.version == 2
    assert contact.version == 2
    change = ContactChange.objects.get(contact=contact)
    assert (change.kind, change.field, change.previous, change.new) == (
        "amendment",
        "date_of_birth",
        "2018-04-02",
        "2018-04-03",
    )
    assert change.person_id == child.pk and change.changed_by == referrer.user and change.contact_version == 2
    event = AuditEvent.objects.get(action="amend", object_id=str(contact.pk))
    assert event.detail["fields"] == ["date_of_birth"]
    assert "2018" not in str(event.detail)  # no personal data in the audit trail


def test_adding_a_child_a_household_member_an_identifier_an_address_and_the_school_and_gp(referrer, new_contact):
    contact = new_contact(actor=referrer)
    child = _subject(contact)
    nhs = nhs_number()
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={
            "add_subjects": [{"forename": "Ben", "surname": "Testchild", "date_of_birth": dt.date(2020, 6, 5)}],
            "add_household": [{"forename": "Sara", "surname": "Testadult", "sex": "F", "role": "parent_carer"}],
            "people": [
                {
                    "person_id": child.pk,
                    "add_identifiers": [{"type": "nhs_number", "value": nhs}],
                    "add_address": {"line1": "2 New Road", "town": "Exampleton", "postcode": "EX2 2BB"},
                    "school_code": "school-oak",
                    "gp_code": "health-gp",
                }
            ],
        },
    )
    roles = sorted(contact.people.values_list("role", flat=True))
    assert roles == ["alleged_perpetrator", "parent_carer", "subject", "subject"]
    link = contact.people.get(person=child)
    assert link.school.code == "school-oak" and link.gp.code == "health-gp"
    assert child.identifiers.filter(value=nhs).exists()
    assert child.addresses.get(end_date__isnull=True).line1 == "2 New Road"
    assert child.addresses.filter(end_date__isnull=False).count() == 1  # the old address is kept, ended
    fields = set(ContactChange.objects.filter(contact=contact).values_list("field", flat=True))
    assert {"person_added", "identifier_added", "address_added", "school", "gp"} <= fields
    sara = Person.objects.get(forename="Sara")
    ben = Person.objects.get(forename="Ben")
    assert sara.sex == "F"
    # the new parent is related to both children, and the existing alleged perpetrator to the new child
    assert Relationship.objects.filter(person=sara, relationship_type="parent_carer").count() == 2
    assert Relationship.objects.filter(related_person=ben, relationship_type="alleged_perpetrator").exists()
    assert ben.chronology.filter(kind="contact").exists()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(referrer, screener, new_contact):
    contact = new_contact(actor=referrer)
    child = _subject(contact)
    contact_amend(
        actor=screener,
        contact_id=contact.pk,
        version=1,
        data={"people": [{"person_id": child.pk, "forename": "Amelie"}]},
    )
    with pytest.raises(Conflict):
        contact_amend(
            actor=referrer,
            contact_id=contact.pk,
            version=1,
            data={"people": [{"person_id": child.pk, "forename": "Emilia"}]},
        )
    child.refresh_from_db()
    assert child.forename == "Amelie"
    assert ContactChange.objects.filter(contact=contact).count() == 1


def test_bad_amendments_name_the_field_and_save_nothing(referrer, new_contact):
    contact = new_contact(actor=referrer)
    child = _subject(contact)
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        contact_amend(
            actor=referrer,
            contact_id=contact.pk,
            version=1,
            data={
                "people": [
                    {
                        "person_id": child.pk,
                        "date_of_birth": future,
                        "add_identifiers": [{"type": "nhs_number", "value": "9434765918"}],
                        "school_code": "police",
                    }
                ],
                "add_household": [{"forename": "", "surname": "", "role": "household_member"}],
            },
        )
    errors = exc.value.errors
    assert "people.0.date_of_birth" in errors
    assert "people.0.identifiers.0.value" in errors
    assert "people.0.school_code" in errors
    assert "add_household.0.forename" in errors
    contact.refresh_from_db()
    assert contact.version == 1 and not ContactChange.objects.exists()


def test_only_the_recorder_or_the_hub_may_amend_and_only_before_screening(referrer, screener, make_actor, new_contact):
    contact = new_contact(actor=referrer)
    with pytest.raises(NotFound):  # another referrer cannot see it
        contact_amend(actor=make_actor("referrer", "police"), contact_id=contact.pk, version=1, data={})
    with pytest.raises(PermissionDenied):
        contact_amend(actor=make_actor("auditor", "mash"), contact_id=contact.pk, version=1, data={})
    screen(screener, contact, outcome="nfa_advice")
    contact.refresh_from_db()
    with pytest.raises(Conflict, match="already being dealt with, so it can no longer be changed"):
        contact_amend(
            actor=referrer,
            contact_id=contact.pk,
            version=contact.version,
            data={"domestic_abuse": {"dash_risk": "high"}},
        )


# --- corrections after screening -------------------------------------------------------------------------------


def test_the_hub_corrects_a_name_after_screening_with_a_reason(referrer, screener, new_contact):
    contact = new_contact(actor=referrer)
    screen(screener, contact, outcome="nfa_advice")
    child = _subject(contact)
    with pytest.raises(ValidationFailed) as exc:
        contact_person_correct(
            actor=screener, contact_id=contact.pk, person_id=child.pk, version=1, reason="", data={"surname": "X"}
        )
    assert "reason" in exc.value.errors
    contact_person_correct(
        actor=screener,
        contact_id=contact.pk,
        person_id=child.pk,
        version=1,
        reason="School records give the surname as Test-Child",
        data={"surname": "Test-Child"},
    )
    child.refresh_from_db()
    assert child.surname == "Test-Child" and child.surname_norm == "testchild" and child.version == 2
    change = ContactChange.objects.get(contact=contact)
    assert (change.kind, change.previous, change.new) == ("correction", "Testchild", "Test-Child")
    assert change.reason == "School records give the surname as Test-Child"
    event = AuditEvent.objects.get(action="correct")
    assert "Test-Child" not in str(event.detail) and "School records" not in event.reason
    with pytest.raises(Conflict):  # stale person version
        contact_person_correct(
            actor=screener,
            contact_id=contact.pk,
            person_id=child.pk,
            version=1,
            reason="again",
            data={"surname": "Other"},
        )
    with pytest.raises(PermissionDenied):  # the recorder cannot correct
        contact_person_correct(
            actor=referrer,
            contact_id=contact.pk,
            person_id=child.pk,
            version=2,
            reason="mine",
            data={"surname": "Other"},
        )


# --- domestic abuse and Operation Encompass --------------------------------------------------------------------


def _da_payload(**overrides):
    data = contact_payload(
        police_reference="DA/2026/0042",
        incident_at=timezone.now() - dt.timedelta(hours=10),
        dash_risk="high",
        marac_referral="yes",
        notify_schools=True,
    )
    data["subjects"][0].update(school_code="school-oak", present_at_incident="yes")
    data.update(overrides)
    return data


def test_domestic_abuse_details_are_recorded_and_the_school_gets_a_minimal_notice(referrer, make_actor, api):
    contact, _ = contact_create(actor=referrer, data=_da_payload())
    assert (contact.police_reference, contact.dash_risk, contact.marac_referral) == ("DA/2026/0042", "high", "yes")
    notice = EncompassNotice.objects.get()
    assert notice.school.code == "school-oak" and notice.present == "yes"
    dsl = make_actor("researcher", "school-oak")
    listed = api(dsl).get("/encompass-notices").json()["items"]
    assert [n["id"] for n in listed] == [str(notice.pk)]
    body = api(dsl).get(f"/encompass-notices/{notice.pk}")
    assert body.status_code == 200
    data = body.json()
    assert data["police_reference"] == "DA/2026/0042" and data["child_surname"] == "Testchild"
    assert data["child_date_of_birth"] == "2018-04-02" and data["present"] == "yes"
    text = body.content.decode()
    assert "hit her" not in text and "Dean" not in text  # no narrative, no household
    # the school can open the notice only, not the contact or the child's record
    assert api(dsl).get(f"/contacts/{contact.pk}").status_code == 404
    assert api(dsl).get(f"/people/{notice.person_id}").status_code == 404
    # another school sees nothing; the police referrer may not open notices
    from openmash.accounts.services import agency_create

    agency_create(code="school-elm", name="Elm Academy", agency_type="education", source_code="2A")
    assert api(make_actor("referrer", "school-elm")).get("/encompass-notices").json()["items"] == []
    assert api(make_actor("referrer", "school-elm")).get(f"/encompass-notices/{notice.pk}").status_code == 404
    assert api(referrer).get("/encompass-notices").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_notifying_schools_needs_the_reference_and_the_time(referrer):
    data = _da_payload(police_reference="", incident_at=None)
    data["subjects"][0]["school_code"] = ""
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=referrer, data=data)
    assert {"police_reference", "incident_at"} <= set(exc.value.errors)
    bad = _da_payload(dash_risk="severe", marac_referral="maybe")
    bad["subjects"][0]["school_code"] = "health-gp"
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=referrer, data=bad)
    assert {"dash_risk", "marac_referral", "subjects.0.school_code"} <= set(exc.value.errors)
    assert Contact.objects.count() == 0 and EncompassNotice.objects.count() == 0


def test_adding_the_school_by_amendment_sends_the_notice_once(referrer, screener):
    data = _da_payload(notify_schools=False)
    data["subjects"][0]["school_code"] = ""
    contact, _ = contact_create(actor=referrer, data=data)
    assert EncompassNotice.objects.count() == 0  # no school known yet: the police ask once they name it
    child = _subject(contact)
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={
            "people": [{"person_id": child.pk, "school_code": "school-oak"}],
            "domestic_abuse": {"notify_schools": True},
        },
    )
    contact_amend(actor=screener, contact_id=contact.pk, version=2, data={"domestic_abuse": {"dash_risk": "medium"}})
    assert EncompassNotice.objects.filter(contact=contact, school__code="school-oak").count() == 1


def test_the_api_takes_domestic_abuse_details_and_amendments_with_409_and_422(referrer, api):
    client = api(referrer)
    payload = _da_payload(incident_at=(timezone.now() - dt.timedelta(hours=2)).isoformat())
    created = client.post("/contacts", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["domestic_abuse"]["dash_risk"] == "high"
    child = next(p for p in body["people"] if p["role"] == "subject")
    assert child["school"] == "Oakfield Primary School" and child["present_at_incident"] == "yes"
    url = f"/contacts/{body['id']}/amendments"
    ok = client.post(url, {"version": 1, "people": [{"person_id": child["person_id"], "forename": "Amelie"}]})
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2
    assert ok.json()["changes"][0]["previous"] == "Amelia" and ok.json()["changes"][0]["new"] == "Amelie"
    stale = client.post(url, {"version": 1, "people": [{"person_id": child["person_id"], "forename": "Emily"}]})
    assert stale.status_code == 409
    bad = client.post(url, {"version": 2, "domestic_abuse": {"dash_risk": "severe"}})
    assert bad.status_code == 422
    invalid = client.post(url, {"version": 2, "people": [{"person_id": child["person_id"], "forename": "--"}]})
    assert invalid.status_code == 422 and "people.0.forename" in invalid.json()["errors"]


# --- siblings ------------------------------------------------------------------------------------------------------


def test_siblings_relationship_to_each_other_is_recorded_both_ways(referrer):
    data = contact_payload(
        subjects=[
            {"forename": "Amelia", "surname": "Testchild", "date_of_birth": "2018-04-02"},
            {"forename": "Ben", "surname": "Otherchild", "date_of_birth": "2020-06-05"},
            {"forename": "Cara", "surname": "Testchild", "date_of_birth": "2021-01-05"},
        ],
        siblings=[
            {"first": 0, "second": 1, "relationship": "half_sibling"},
            {"first": 0, "second": 2, "relationship": "sibling"},
            {"first": 1, "second": 2, "relationship": "unknown"},
        ],
    )
    contact_create(actor=referrer, data=data)
    amelia, ben, cara = (Person.objects.get(forename=n) for n in ("Amelia", "Ben", "Cara"))
    assert Relationship.objects.filter(person=amelia, related_person=ben, relationship_type="half_sibling").exists()
    assert Relationship.objects.filter(person=ben, related_person=amelia, relationship_type="half_sibling").exists()
    assert Relationship.objects.filter(person=cara, related_person=amelia, relationship_type="sibling").exists()
    assert not Relationship.objects.filter(person=ben, related_person=cara).exists()
    with pytest.raises(ValidationFailed) as exc:
        contact_create(
            actor=referrer, data={**data, "siblings": [{"first": 0, "second": 7, "relationship": "sibling"}]}
        )
    assert "siblings.0" in exc.value.errors


def test_the_schools_home_page_tile_counts_notices_not_yet_read_and_links_to_them(referrer, make_actor, api):
    from django.test import Client

    for _ in range(3):
        contact_create(actor=referrer, data=_da_payload())
    dsl = make_actor("referrer", "school-oak")
    web = Client()
    web.force_login(dsl.user)
    home = web.get("/").content.decode()
    assert 'data-testid="tile-encompass"' in home and 'href="/school-notices/?unread=1"' in home
    assert 'data-testid="encompass-count">3</span>' in home
    first = EncompassNotice.objects.order_by("created_at").first()
    assert web.get(f"/school-notices/{first.pk}/").status_code == 200  # opening it marks it read
    assert 'data-testid="encompass-count">2</span>' in web.get("/").content.decode()
    unread = web.get("/school-notices/?unread=1").content.decode()
    assert "2 notices not yet read" in unread and f"/school-notices/{first.pk}/" not in unread
    assert (
        "3 notices, not yet read first (oldest first), then the rest newest first"
        in web.get("/school-notices/").content.decode()
    )
    page = api(dsl).get("/encompass-notices", unread=True, page_size=1).json()
    assert (page["count"], page["num_pages"], len(page["items"])) == (2, 2, 1)
    # the hub sees every notice but has no school tile; a police referrer has neither
    hub = Client()
    hub.force_login(make_actor("screener", "mash").user)
    assert 'data-testid="tile-encompass"' not in hub.get("/").content.decode()
    police = Client()
    police.force_login(referrer.user)
    assert 'data-testid="tile-encompass"' not in police.get("/").content.decode()


def test_the_school_acknowledges_a_notice_through_the_api_once(referrer, make_actor, api):
    """The school's DSL acknowledges (201, who and when, audited); a second acknowledgement is 409; another school
    gets 404 and the hub 403 (it cannot acknowledge for the school); the hub then reads who acknowledged it."""
    from openmash.accounts.services import agency_create
    from openmash.audit.models import AuditEvent

    contact_create(actor=referrer, data=_da_payload())
    notice = EncompassNotice.objects.get()
    agency_create(code="school-elm", name="Elm Academy", agency_type="education", source_code="2A")
    url = f"/encompass-notices/{notice.pk}/acknowledgement"
    assert api(make_actor("referrer", "school-elm")).post(url).status_code == 404
    assert api(make_actor("manager", "mash")).post(url).status_code == 403
    dsl = make_actor("researcher", "school-oak")
    first = api(dsl).post(url)
    assert first.status_code == 201
    body = first.json()
    assert body["acknowledged_by"] == str(dsl.user) and body["acknowledged_at"] and body["read_at"]
    assert AuditEvent.objects.filter(action="acknowledge", object_id=str(notice.pk)).count() == 1
    second = api(make_actor("referrer", "school-oak")).post(url)
    assert second.status_code == 409 and str(dsl.user) in second.content.decode()
    hub_view = api(make_actor("screener", "mash")).get(f"/encompass-notices/{notice.pk}").json()
    assert hub_view["acknowledged_by"] == str(dsl.user)
