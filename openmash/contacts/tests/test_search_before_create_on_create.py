"""Attacker review: search before create on contact creation, and the candidate check counted and audited.

1. A contact with the name and date of birth of a child already known (exact, day and month swapped, or a
   look-alike letter such as Cyrillic "а" in "Kаyleigh") created a duplicate person silently. Recorded as the intake
   page records it (contact_create's search_before_create) it is refused on ``subjects.N.match`` /
   ``household.N.match`` (how many may be them), as amendments are, until the person is named (``person_id``) or
   those it is not are listed (``not_person_ids``). The API leaves the lookup to the client (partner systems send
   contacts in bulk): see README.
2. The candidate check at creation and amendment was an existence oracle outside the search rate limit (PF-2) and
   the audit trail. Each lookup is now one search (``by: intake_candidates``, a ``search_result`` per candidate),
   kept when the request is refused, and past the limit the answer is 429 with ``search_limited`` audited.
Failed on main before the fix."""

from __future__ import annotations

import pytest
from django.test import override_settings

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.people.models import Person
from openmash.web.tests.conftest import contact_form_data, contact_submit
from tests.support import child, contact_record, nhs_number

KNOWN_NHS = nhs_number()
ELSEWHERE = {"line1": "2 Low Road", "town": "Othertown", "postcode": "SW1A 1AA"}  # not the known child's postcode
KAYLEIGH = {"forename": "Kayleigh", "surname": "Gray", "date_of_birth": "2016-11-15"}


@pytest.fixture
def kayleigh(make_actor):
    """Kayleigh Gray (with her NHS number) and Tyler Brook are already known: a school recorded contacts."""
    school = make_actor("referrer", "school-oak")
    contact_record(school, subjects=[child("Kayleigh", "Gray", "2016-11-15", nhs=KNOWN_NHS)], household=[])
    contact_record(school, subjects=[child("Tyler", "Brook", "2015-03-07")], household=[])
    return Person.objects.get(forename="Kayleigh")


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


class _Answer:
    def __init__(self, status_code: int, body: dict):
        self.status_code, self._body, self.content = status_code, body, str(body).encode()

    def json(self) -> dict:
        return self._body


def _create(actor, subject: dict, household=(), **extra):
    """A contact recorded with search before create, as the intake page sends it (contact_create's
    search_before_create; the API leaves the lookup to the client, POST /api/v1/intake/candidates)."""
    from openmash.contacts.services import contact_create
    from openmash.core.exceptions import RateLimited, ValidationFailed

    data = contact_payload(subjects=[child(**subject)], household=list(household), **extra)
    try:
        contact, _ = contact_create(actor=actor, data=data, search_before_create=True)
    except ValidationFailed as exc:
        return _Answer(422, {"errors": exc.errors})
    except RateLimited:
        return _Answer(429, {})
    return _Answer(201, {"id": str(contact.pk)})


def _searches(actor) -> int:
    return AuditEvent.objects.filter(
        actor_user_id=actor.user.pk, action="search", detail__by="intake_candidates"
    ).count()


@pytest.mark.parametrize(
    "subject",
    [
        {"forename": "Kayleigh", "surname": "Gray", "dob": "2016-11-15"},
        {"forename": "Tyler", "surname": "Brook", "dob": "2015-07-03"},  # day and month swapped
        {"forename": "K\u0430yleigh", "surname": "Gr\u0430y", "dob": "2016-11-15"},  # Cyrillic а, looks Latin
        # Cyrillic у and г look like y and r but transliterate as u and g ("Kauleigh Ggay"): read as they look
        {"forename": "Ka\u0443leigh", "surname": "G\u0433ay", "dob": "2016-11-15", "address": ELSEWHERE},
        # the NHS number, with the name and date of birth (an NHS number alone offers nobody the referrer may not open:
        # test_an_nhs_number_alone_offers_the_referrer_nobody_they_may_not_open)
        {"forename": "Kayleigh", "surname": "Gray", "dob": "2016-11-15", "nhs": KNOWN_NHS, "address": ELSEWHERE},
    ],
    ids=["same", "day-month-swapped", "homoglyph", "homoglyph-not-transliterated", "nhs-number"],
)
def test_creating_a_known_child_again_is_refused_until_answered(kayleigh, police, api, subject):
    people, contacts = Person.objects.count(), Contact.objects.count()
    r = _create(police, subject)
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert list(errors) == ["subjects.0.match"], errors
    message = errors["subjects.0.match"][0]
    assert message.startswith("1 person already known may be this person"), message
    assert "person_id" in message and "not_person_ids" in message
    assert (Person.objects.count(), Contact.objects.count()) == (people, contacts)  # nobody new, no contact
    assert _searches(police) == 1  # the lookup is a search, kept although the request was refused


def test_an_nhs_number_alone_offers_the_referrer_nobody_they_may_not_open(kayleigh, police):
    """Attacker review of issue 7 (access.search): someone the referrer may not open is offered only when the name and
    date of birth given agree with them, or an NHS number would tell whoever types it the child's name and date of
    birth. The contact is recorded; the shared number never joins the two on its own (ADR 0005 addendum): the MASH's
    review queue decides."""
    r = _create(police, {"forename": "Someone", "surname": "Else", "dob": "2015-01-01", "nhs": KNOWN_NHS})
    assert r.status_code == 201, r.content
    assert Person.objects.get(forename="Someone").merged_into_id is None
    (search,) = AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search", detail__by="intake_candidates")
    assert (search.detail["results"], search.detail["withheld"]) == (0, 1)  # the auditor sees what was withheld
    assert not AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search_result").exists()


def test_answered_by_naming_the_child_or_declining_the_candidates(kayleigh, police, api):
    client = api(police)
    people = Person.objects.count()
    found = client.post("/intake/candidates", KAYLEIGH).json()["items"]  # as a real client: look, then answer
    assert [i["id"] for i in found] == [str(kayleigh.pk)]
    r = client.post("/contacts", contact_payload(subjects=[{"person_id": str(kayleigh.pk)}], household=[]))
    assert r.status_code == 201, r.content
    assert Person.objects.count() == people  # the known child, no duplicate
    r = _create(
        police,
        {"forename": "Kayleigh", "surname": "Gray", "dob": "2016-11-15"} | {"not_person_ids": [str(kayleigh.pk)]},
    )
    assert r.status_code == 201, r.content
    assert Person.objects.count() == people + 1  # a different child, as the referrer says


def test_a_known_household_member_is_refused_on_household_match(kayleigh, police, api):
    contact_record(police, subjects=[child("Other", "Child", "2014-02-02")])  # Dean Testadult becomes known
    adult = {"forename": "Dean", "surname": "Testadult", "date_of_birth": "1988-01-01", "sex": "M"}
    r = _create(police, {"forename": "New", "surname": "Child", "dob": "2019-09-09"}, household=[adult])
    assert r.status_code == 422, r.content
    assert list(r.json()["errors"]) == ["household.0.match"]


def test_a_new_child_with_no_candidates_is_created_and_the_lookup_audited(kayleigh, police, api):
    r = _create(police, {"forename": "Brand", "surname": "Newchild", "dob": "2019-09-09"})
    assert r.status_code == 201, r.content
    assert _searches(police) == 1


def test_the_lookup_audits_each_candidate_it_finds(kayleigh, police, api):
    _create(police, {"forename": "Kayleigh", "surname": "Gray", "dob": "2016-11-15"})
    shown = AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search_result")
    assert list(shown.values_list("object_id", flat=True)) == [str(kayleigh.pk)]


LIMIT = 3


def _about_kayleigh(client, kayleigh):
    """A contact about the known child, as a client makes it: look her up (one search), then name her by id."""
    assert client.post("/intake/candidates", KAYLEIGH).json()["items"][0]["id"] == str(kayleigh.pk)
    return client.post("/contacts", contact_payload(subjects=[{"person_id": str(kayleigh.pk)}], household=[]))


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=LIMIT)
def test_past_the_search_limit_creation_and_amendment_answer_429_not_the_oracle(kayleigh, police, api, make_actor):
    client = api(police)
    own = _about_kayleigh(client, kayleigh)
    assert own.status_code == 201, own.content  # one search (the lookup), then by id: no lookup
    for _ in range(LIMIT - 1):
        client.post("/people/search", dict(identifier_type="nhs_number", identifier=nhs_number()))
    searched = AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search").count()
    assert searched == LIMIT, searched
    assert client.post("/people/search", dict(identifier_type="nhs_number", identifier=KNOWN_NHS)).status_code == 429
    r = _create(police, {"forename": "Someone", "surname": "Else", "dob": "2015-01-01", "nhs": KNOWN_NHS})
    assert r.status_code == 429, r.content  # not the "identifier belongs to a person already known" notice
    contact = Contact.objects.get(pk=own.json()["id"])
    amendments = f"/contacts/{contact.pk}/amendments"
    for added in (KAYLEIGH, {"forename": "Nobody", "surname": "Known", "date_of_birth": "2017-01-01"}):
        r = client.post(amendments, {"version": contact.version, "add_subjects": [added]})
        assert r.status_code == 429, r.content  # neither "may be this person" (422) nor silently added (200)
    assert AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search_limited").count() == 4
    assert Contact.objects.get(pk=contact.pk).version == contact.version


def test_the_amendment_lookup_is_audited_and_kept_when_refused(kayleigh, police, api):
    client = api(police)
    own = _about_kayleigh(client, kayleigh)
    contact = Contact.objects.get(pk=own.json()["id"])
    amendments = f"/contacts/{contact.pk}/amendments"
    tyler = {"forename": "Tyler", "surname": "Brook", "date_of_birth": "2015-03-07"}
    r = client.post(amendments, {"version": contact.version, "add_subjects": [tyler]})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["add_subjects.0.match"], r.content
    assert _searches(police) == 2  # the refused amendment's lookup stays in the trail (after the first lookup)
    r = client.post(
        amendments,
        {"version": contact.version, "add_subjects": [{**tyler, "forename": "Tyla", "date_of_birth": "2015-04-07"}]},
    )
    assert r.status_code == 200, r.content  # nobody like Tyla: added, and still one search
    assert _searches(police) == 3


def test_the_openapi_document_gives_the_refusal_shapes(police, api):
    doc = api(police).get("/openapi.json").json()
    for path in ("/api/v1/contacts", "/api/v1/contacts/{contact_id}/amendments"):
        answers = doc["paths"][path]["post"]["responses"]
        assert {"422", "429"} <= set(answers), answers
    problem = doc["components"]["schemas"]["ProblemOut"]
    assert (
        set(problem["properties"]) == {"detail", "errors", "candidates"}
        and "subjects.N.match" in problem["description"]
    )


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=2)
def test_the_intake_pages_send_past_the_search_limit_shows_the_too_many_searches_page(police):
    """The intake page looks up its two new people (2 searches, nobody offered); sending them makes the service's
    own lookup, the third search: the "too many searches" page, nothing recorded."""
    from django.test import Client

    browser = Client()
    browser.force_login(police.user)
    contacts = Contact.objects.count()
    r = contact_submit(browser, contact_form_data(children_0_nhs_number=nhs_number()))
    assert r.status_code == 429 and "too many searches" in r.content.decode(), r.status_code
    assert Contact.objects.count() == contacts
    assert AuditEvent.objects.filter(actor_user_id=police.user.pk, action="search_limited").count() == 1
