"""Search enumeration (attacker review of issue 7; SECURITY-TESTS.md SR-1 "only in-basis records"; access.search).

A search by a surname and a postcode, or by a date of birth and a postcode, listed people the searcher may not open,
with their names and dates of birth: who lives at an address, who was born on a day. The rule now (one function,
access.search.search_listing_allowed, for the search API, Find a child and its htmx partial, the intake page's
search and intake's candidates): someone the searcher may not open is listed only when the name AND the date of
birth typed both agree with them; otherwise they are not listed, counted, cut or audited as a result. People the
searcher may open are listed as before. Failed on main before the fix."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from tests.support import allocation_open, child, enquiry_open, requests_send, subject_person

pytestmark = pytest.mark.django_db

DOB = "2018-04-02"
HIDDEN_POSTCODE = "EX2 2BB"  # Oliver's, in nobody's basis but the hub's
AMELIA_POSTCODE = "EX1 1AA"

#: every role that may search (access.policy "person.search"), with an agency
SEARCHERS = [
    ("referrer", "police"),
    ("referrer", "school-oak"),
    ("researcher", "health-gp"),
    ("researcher", "school-oak"),
    ("social_worker", "mash"),
    ("screener", "mash"),
    ("manager", "mash"),
]
HUB = {"screener", "manager"}


@pytest.fixture
def world(make_actor):
    """Amelia Testchild (EX1 1AA; in an enquiry that asked the GP; allocated to a social worker) and Oliver Testchild
    (EX2 2BB, recorded by probation: in nobody's basis but the hub's), both born on DOB."""
    from openmash.contacts.services import contact_create
    from tests.support import payload

    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    enquiry = enquiry_open(referrer=referrer, screener=screener)
    requests_send(screener, enquiry, "health-gp")
    amelia = subject_person(enquiry.contact)
    worker = make_actor("social_worker", "mash")
    allocation_open(amelia, worker)
    other, _ = contact_create(
        actor=make_actor("referrer", "probation"),
        data=payload(
            subjects=[
                child("Oliver", "Testchild", dob=DOB, address={"line1": "9 Far Lane", "postcode": HIDDEN_POSTCODE})
            ]
        ),
    )
    return {"amelia": amelia, "oliver": subject_person(other), "worker": worker}


def _actor(make_actor, world, role, agency):
    return world["worker"] if role == "social_worker" else make_actor(role, agency)


def _may_open(role, agency) -> set[str]:
    """Whom each searcher may open in the world (access.policy.people_visible)."""
    if role in HUB:
        return {"amelia", "oliver"}
    if (role, agency) in {("social_worker", "mash"), ("researcher", "health-gp")}:
        return {"amelia"}
    return set()


def _api_ids(api, actor, **query) -> tuple[set[str], dict]:
    body = api(actor).post("/people/search", dict(**query)).json()
    return {i["id"] for i in body["items"]}, body


def _form(query: dict) -> dict:
    data = {k: v for k, v in query.items() if k != "date_of_birth"}
    if "date_of_birth" in query:
        day = dt.date.fromisoformat(query["date_of_birth"])
        data |= {"date_of_birth_day": day.day, "date_of_birth_month": day.month, "date_of_birth_year": day.year}
    return data


def _pages(actor, query: dict) -> dict[str, str]:
    """Find a child (full page and htmx partial) and the intake page's search, for one query."""
    client = Client()
    client.force_login(actor.user)
    data = _form(query)
    return {
        "search": client.post("/people/search/", data).content.decode(),
        "htmx": client.post("/people/search/", data, HTTP_HX_REQUEST="true").content.decode(),
        "intake": client.post("/contacts/new/", {"action": "search", **data}).content.decode(),
    }


def _page_ids(html: str) -> set[str]:
    return set(re.findall(r'data-testid="person-result" data-person="([^"]+)"', html))


def _names(world, ids) -> set[str]:
    return {k for k in ("amelia", "oliver") if str(world[k].pk) in ids}


ENUMERATING = {
    "surname-and-postcode": {"name": "Testchild", "postcode": HIDDEN_POSTCODE},
    "date-of-birth-and-postcode": {"date_of_birth": DOB, "postcode": HIDDEN_POSTCODE},
    "full-name-and-postcode": {"name": "Oliver Testchild", "postcode": HIDDEN_POSTCODE},
}


@pytest.mark.parametrize("query", ENUMERATING.values(), ids=ENUMERATING.keys())
@pytest.mark.parametrize(("role", "agency"), SEARCHERS)
def test_a_postcode_query_lists_nobody_the_searcher_may_not_open(make_actor, api, world, role, agency, query):
    actor = _actor(make_actor, world, role, agency)
    ids, body = _api_ids(api, actor, **query)
    expected = {"oliver"} if role in HUB else set()  # the hub may open everyone: listed as before
    assert _names(world, ids) == expected, (role, agency)
    assert body["count"] == len(expected) and body["truncated"] is False  # nothing counted for the hidden child
    for where, html in _pages(actor, query).items():
        assert _names(world, _page_ids(html)) == expected, (where, role, agency)
        if not expected:
            assert "2 April 2018" not in html and "No records found" in html, (where, role)  # his date of birth
    # the hidden child is no search result in the trail either (nor may they now be named by id at intake)
    results = AuditEvent.objects.filter(actor_user_id=actor.user.pk, action="search_result")
    assert (str(world["oliver"].pk) in {e.object_id for e in results}) == (role in HUB)


@pytest.mark.parametrize(("role", "agency"), SEARCHERS)
def test_the_name_and_date_of_birth_list_the_child_with_the_minimum_details(make_actor, api, world, role, agency):
    actor = _actor(make_actor, world, role, agency)
    for name in ("Oliver Testchild", "Ollie Testchild", "Testchild Oliver", "OLIVER test-child"):
        ids, body = _api_ids(api, actor, name=name, date_of_birth=DOB, postcode=HIDDEN_POSTCODE)
        assert str(world["oliver"].pk) in ids, (name, role)
    # day and month swapped is the same date of birth
    ids, body = _api_ids(api, actor, name="Oliver Testchild", date_of_birth="2018-02-04")
    (item,) = [i for i in body["items"] if i["id"] == str(world["oliver"].pk)]
    shown = {"kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex"}
    if role not in HUB:
        assert item["viewable"] is False and set(item["fields"]) == shown
        assert item["postcode"] is None and item["nhs_number"] is None
    for where, html in _pages(actor, {"name": "Oliver Testchild", "date_of_birth": DOB}).items():
        assert str(world["oliver"].pk) in _page_ids(html), where
        if role not in HUB:
            assert HIDDEN_POSTCODE not in html, where


@pytest.mark.parametrize(("role", "agency"), SEARCHERS)
def test_the_people_a_searcher_may_open_are_found_as_before(make_actor, api, world, role, agency):
    actor = _actor(make_actor, world, role, agency)
    may_open = _may_open(role, agency)
    for query in (
        {"name": "Testchild", "postcode": AMELIA_POSTCODE},
        {"date_of_birth": DOB, "postcode": AMELIA_POSTCODE},
    ):
        ids, body = _api_ids(api, actor, **query)
        assert _names(world, ids) == may_open & {"amelia"}, (role, query)
        assert body["count"] == len(ids)
        assert all(i["viewable"] for i in body["items"])


def test_the_count_and_the_cut_say_nothing_of_people_withheld(make_actor, api, world):
    """Twenty-five Testchilds at one postcode, none of them the worker's: the worker sees the one child they may
    open, "1 record found", never "26 records found: showing the first 20"."""
    from openmash.contacts.services import contact_create
    from tests.support import payload

    prober = make_actor("referrer", "probation")
    crowd = [
        child(
            f"Sib{chr(97 + i)}",
            "Testchild",
            dob=f"2010-0{1 + i % 9}-1{i % 10}",
            address={"line1": "1 High Street", "postcode": AMELIA_POSTCODE},
        )
        for i in range(25)
    ]
    from openmash.core.exceptions import ValidationFailed

    for start in range(0, 25, 5):
        try:
            contact_create(actor=prober, data=payload(subjects=crowd[start : start + 5]))
        except ValidationFailed as exc:
            pytest.fail(str(exc.errors))
    worker = world["worker"]
    ids, body = _api_ids(api, worker, name="Testchild", postcode=AMELIA_POSTCODE)
    assert _names(world, ids) == {"amelia"} and len(ids) == 1
    assert (body["count"], body["truncated"]) == (1, False)
    for where, html in _pages(worker, {"name": "Testchild", "postcode": AMELIA_POSTCODE}).items():
        assert "1 record found" in html and "search-truncated" not in html, where
    # the hub sees them all, cut at twenty
    ids, body = _api_ids(api, make_actor("screener", "mash"), name="Testchild", postcode=AMELIA_POSTCODE)
    assert (len(ids), body["count"], body["truncated"]) == (20, 26, True)
    # the auditor is told how many were withheld from the worker; the worker never is
    (search,) = AuditEvent.objects.filter(actor_user_id=worker.user.pk, action="search").order_by("-at")[:1]
    assert (search.detail["results"], search.detail["matches"], search.detail["withheld"]) == (1, 1, 25)


# --- intake's candidates (POST /api/v1/intake/candidates; the intake page; contact creation) --------------------------


def test_intake_candidates_offer_a_known_child_by_name_and_date_of_birth_only(make_actor, api, world):
    referrer = api(make_actor("referrer", "school-oak"))
    by_name_dob = referrer.post(
        "/intake/candidates", {"forename": "Oliver", "surname": "Testchild", "date_of_birth": DOB}
    )
    assert [i["id"] for i in by_name_dob.json()["items"]] == [str(world["oliver"].pk)]
    (item,) = by_name_dob.json()["items"]
    assert set(item) == {"id", "forename", "surname", "date_of_birth", "expected_date_of_birth", "exact", "reasons"}
    swapped = referrer.post(
        "/intake/candidates", {"forename": "Ollie", "surname": "Testchild", "date_of_birth": "2018-02-04"}
    )
    assert [i["id"] for i in swapped.json()["items"]] == [str(world["oliver"].pk)]
    # the name and the postcode (no date of birth), or the date of birth and the postcode: nobody
    for details in (
        {"forename": "Oliver", "surname": "Testchild", "postcode": HIDDEN_POSTCODE},
        {"forename": "Someone", "surname": "Else", "date_of_birth": DOB, "postcode": HIDDEN_POSTCODE},
    ):
        r = referrer.post("/intake/candidates", details)
        assert r.status_code == 200 and r.json()["items"] == [], details
    # a given name that only sounds alike (Olafer: the same sound key, spelt otherwise) with the family name and date of
    # birth: nobody, so the referrer is not told the child's real first name (third attacker review of issue 7)
    r = referrer.post("/intake/candidates", {"forename": "Olafer", "surname": "Testchild", "date_of_birth": DOB})
    assert r.status_code == 200 and r.json()["items"] == []
    # the hub's own lookup is unchanged: the name and postcode offer Oliver, and so does a sound-alike
    hub = api(make_actor("screener", "mash"))
    r = hub.post("/intake/candidates", {"forename": "Oliver", "surname": "Testchild", "postcode": HIDDEN_POSTCODE})
    assert [i["id"] for i in r.json()["items"]] == [str(world["oliver"].pk)]
    r = hub.post("/intake/candidates", {"forename": "Olafer", "surname": "Testchild", "date_of_birth": DOB})
    assert str(world["oliver"].pk) in [i["id"] for i in r.json()["items"]]


def test_the_intake_page_asks_about_a_known_child_only_when_the_name_and_date_agree(make_actor, world):
    from openmash.web.tests.conftest import contact_form_data

    client = Client()
    client.force_login(make_actor("referrer", "school-oak").user)

    def asked(**child) -> bool:
        fields = {"nhs_number": None, "address_line1": "9 Far Lane", "postcode": HIDDEN_POSTCODE, **child}
        data = contact_form_data(**{f"children_0_{k}": v for k, v in fields.items()})
        body = client.post("/contacts/new/", data).content.decode()
        return 'data-testid="candidates-children-0"' in body and "Yes, it is Oliver Testchild" in body

    assert asked(forename="Oliver", surname="Testchild", dob_day="2", dob_month="4", dob_year="2018")
    assert not asked(forename="Oliver", surname="Testchild", dob_day="3", dob_month="5", dob_year="2018")


# --- the rule over many queries (SR-1: 0 out-of-basis hits) ----------------------------------------------------------


def test_no_query_lists_a_person_the_searcher_may_not_open_without_their_name_and_date_of_birth(make_actor, world):
    """Every combination of the items a searcher might type about either child (names right, wrong, sound-alike,
    nickname; the date right, swapped, wrong or absent; the postcode right, wrong or absent): each person listed whom
    the searcher may not open had the name and the date of birth typed agree with them."""
    from linkage.names import dob_variants
    from openmash.core.exceptions import ValidationFailed
    from openmash.people.selectors import person_search

    names = [
        "",
        "Testchild",
        "Oliver",
        "Oliver Testchild",
        "Ollie Testchild",
        "Oliver Testchilde",
        "Amelia Testchild",
        "Nobody Testchild",
        "Jones",
    ]
    agreeing = {
        world["oliver"].pk: {"Oliver Testchild", "Ollie Testchild"},
        world["amelia"].pk: {"Amelia Testchild"},
    }
    dates = [None, dt.date(2018, 4, 2), dt.date(2018, 2, 4), dt.date(2017, 4, 2)]
    postcodes = ["", HIDDEN_POSTCODE, AMELIA_POSTCODE, "SW1A 1AA"]
    searchers = [make_actor("referrer", "police"), make_actor("researcher", "school-oak"), world["worker"]]
    checked = 0
    for actor in searchers:
        for name in names:
            for dob in dates:
                for postcode in postcodes:
                    try:
                        found = person_search(
                            actor=actor, name=name, date_of_birth=dob, postcode=postcode, rate_limited=False
                        )
                    except ValidationFailed:
                        continue
                    checked += 1
                    assert found.total == len(found)  # nothing counted that is not shown
                    for person in found:
                        if not person.search_in_basis:
                            assert name in agreeing[person.pk], (name, dob, postcode)
                            assert dob in dob_variants(person.date_of_birth), (name, dob, postcode)
    assert checked > 200


# --- the agreement itself (people.lookup.name_and_dob_matcher, the search's own name rules) ------------------------


def test_the_name_and_date_agree_by_the_search_rules_and_only_both_together():
    from openmash.people.lookup import name_and_dob_matcher

    born = dt.date(2018, 4, 2)
    agrees = name_and_dob_matcher("Ollie Testchild", born)
    assert agrees("Oliver", "Testchild", born)  # nickname
    assert agrees("Oliver", "Testchild", dt.date(2018, 2, 4))  # day and month swapped
    # a given name that sounds alike agrees only when it is spelt alike too (Kaden/Kayden); one that only sounds alike
    # never does (third attacker review: "Lisa", "Lacey", "Lois" or "Louise" with the family name and date of birth
    # listed "Lucy" to a referrer who may not open her)
    assert name_and_dob_matcher("Kaden Testchild", born)("Kayden", "Testchild", born)
    for guess in ("Lisa", "Lacey", "Lois", "Louise"):
        assert not name_and_dob_matcher(f"{guess} Rose", born)("Lucy", "Rose", born), guess
    assert name_and_dob_matcher("Lucy Rose", born)("Lucy", "Rose", born)
    assert name_and_dob_matcher("LUCY ROSE", born)("Lucy", "Rose", born)
    assert not agrees("Oliver", "Testchild", dt.date(2018, 4, 3))  # another day
    assert not agrees("Amelia", "Testchild", born)  # "Ollie" does not agree with Amelia
    assert not agrees("Oliver", "Testchild", None)
    assert name_and_dob_matcher("Testchild Oliver", born)("Oliver", "Testchild", born)  # the other way round
    assert name_and_dob_matcher("Łucja Wałęsa", born)("Lucja", "Walesa", born)  # transliterated
    assert not name_and_dob_matcher("", born)("Oliver", "Testchild", born)  # a date alone never agrees
    assert not name_and_dob_matcher("Oliver Testchild", None)("Oliver", "Testchild", born)


def test_one_word_of_a_name_with_the_date_never_agrees():
    """Issue 7's second enumeration finding: one word of a name (a given name, a nickname or a family name) with a
    date of birth agreed, so the search listed the rest of the name. Now a given name AND a family name must be
    typed, the family name exactly (hyphen, space and transliteration variants) and not a sound-alike (ADR 0009
    addendum 3)."""
    from openmash.people.lookup import name_and_dob_matcher

    born = dt.date(2016, 4, 16)
    for typed in ("Dan", "Danny", "Alexander", "Danny Danny", "Alexander Alexander", "Danny Alexandre"):
        assert not name_and_dob_matcher(typed, born)("Danny", "Alexander", born), typed
    for typed in ("Danny Alexander", "Daniel Alexander", "Alexander Danny", "danny ALEXANDER"):
        assert name_and_dob_matcher(typed, born)("Danny", "Alexander", born), typed
    # "Dan" and "Danny" sound alike and are spelt alike (both short for Daniel)
    assert name_and_dob_matcher("Dan Alexander", born)("Danny", "Alexander", born)
    # hyphen and space variants of a double-barrelled family name; a word of it
    for typed in ("Mia Smith-Jones", "Mia Smith Jones", "Mia SmithJones", "Mia Jones"):
        assert name_and_dob_matcher(typed, born)("Mia", "Smith-Jones", born), typed
    assert not name_and_dob_matcher("Smith Jones", born)("Mia", "Smith-Jones", born)  # no given name typed
    assert name_and_dob_matcher("Lucja Walesa", born)("Łucja", "Wałęsa", born)  # transliterated, both ways


@pytest.fixture
def danny(make_actor):
    """Danny Alexander, born 16 April 2016, recorded by probation: in nobody's basis but the hub's."""
    from openmash.contacts.services import contact_create
    from tests.support import payload

    contact, _ = contact_create(
        actor=make_actor("referrer", "probation"),
        data=payload(subjects=[child("Danny", "Alexander", dob="2016-04-16")]),
    )
    return subject_person(contact)


DANNY_DOB = "2016-04-16"
#: one word of his name (or a nickname of it, or his family name sounding alike) with his date of birth
DANNY_PARTIAL = ["Dan", "Danny", "Alexander", "Dan Alexandre"]


@pytest.mark.parametrize(("role", "agency"), SEARCHERS)
def test_one_word_of_a_name_and_the_date_list_nobody_the_searcher_may_not_open(make_actor, api, danny, role, agency):
    actor = make_actor(role, agency)
    for name in DANNY_PARTIAL:
        ids, body = _api_ids(api, actor, name=name, date_of_birth=DANNY_DOB)
        assert (str(danny.pk) in ids) == (role in HUB), (name, role)
        if role not in HUB:
            assert body["count"] == 0 and "Alexander" not in str(body["items"]), (name, role)
        for where, html in _pages(actor, {"name": name, "date_of_birth": DANNY_DOB}).items():
            assert (str(danny.pk) in _page_ids(html)) == (role in HUB), (where, name, role)
    # the given name (or its formal form) and the family name together list him, minimum details
    for name in ("Danny Alexander", "Daniel Alexander", "Dan Alexander"):
        ids, body = _api_ids(api, actor, name=name, date_of_birth=DANNY_DOB)
        assert str(danny.pk) in ids, (name, role)


def test_intake_candidates_need_both_names_with_the_date(make_actor, api, danny):
    referrer = api(make_actor("referrer", "police"))
    for details in (
        {"surname": "Alexander", "date_of_birth": DANNY_DOB},
        {"forename": "Danny", "date_of_birth": DANNY_DOB},
        {"forename": "Dan", "surname": "Alexandre", "date_of_birth": DANNY_DOB},
    ):
        r = referrer.post("/intake/candidates", details)
        assert r.status_code == 200 and r.json()["items"] == [], details
    r = referrer.post("/intake/candidates", {"forename": "Dan", "surname": "Alexander", "date_of_birth": DANNY_DOB})
    assert [i["id"] for i in r.json()["items"]] == [str(danny.pk)]  # "Dan" sounds and is spelt like "Danny"
    r = referrer.post("/intake/candidates", {"forename": "Danny", "surname": "Alexander", "date_of_birth": DANNY_DOB})
    assert [i["id"] for i in r.json()["items"]] == [str(danny.pk)]
    # the hub's lookup is unchanged
    hub = api(make_actor("screener", "mash"))
    r = hub.post("/intake/candidates", {"surname": "Alexander", "date_of_birth": DANNY_DOB})
    assert [i["id"] for i in r.json()["items"]] == [str(danny.pk)]


def test_people_the_searcher_may_open_are_found_by_one_name_and_the_date(make_actor, api, world):
    """The stricter agreement is only for people outside the searcher's basis: the worker allocated Amelia finds
    her by her first name or her family name with her date of birth, as before."""
    for name in ("Amelia", "Testchild"):
        ids, body = _api_ids(api, world["worker"], name=name, date_of_birth=DOB)
        assert _names(world, ids) == {"amelia"}, name
        assert all(i["viewable"] for i in body["items"])


# --- a contact carrying an identifier (issue 7's first enumeration finding) -------------------------------------------

KNOWN_NHS = "9993141593"  # Kayden's
UNKNOWN_NHS = "9434765919"  # valid, held by nobody


@pytest.fixture
def kayden(make_actor):
    """Kayden Smith, recorded by the police with an NHS number."""
    from tests.support import contact_record

    return subject_person(
        contact_record(
            make_actor("referrer", "police"), subjects=[child("Kayden", "Smith", "2017-03-03", nhs=KNOWN_NHS)]
        )
    )


#: a made-up child for each number (two different ones, so the second is not offered the first)
MADE_UP = {KNOWN_NHS: ("Zed", "Madeup", "2019-09-09"), UNKNOWN_NHS: ("Quin", "Otherly", "2019-08-08")}


def _made_up(nhs: str) -> dict:
    return child(*MADE_UP[nhs], nhs=nhs)


@pytest.mark.parametrize(("role", "agency"), [s for s in SEARCHERS if s[0] not in HUB])
def test_a_contact_answers_the_same_whether_or_not_an_identifier_is_known(make_actor, api, kayden, role, agency):
    """A made-up name and date of birth with a real NHS number got "an identifier given belongs to a person already
    known to the partnership; the MASH will check..."; an unknown valid number got nothing: an oracle for which
    numbers the partnership holds. Now anyone but the hub gets the same answer either way (ADR 0009 addendum 3)."""
    from conftest import contact_payload

    client = api(make_actor(role, agency))
    answers = {}
    for nhs in (KNOWN_NHS, UNKNOWN_NHS):
        r = client.post("/contacts", contact_payload(subjects=[_made_up(nhs)], household=[]))
        assert r.status_code == 201, r.json()
        answers[nhs] = r.json()["notices"]
        assert "Kayden" not in r.content.decode()
    assert answers[KNOWN_NHS] == answers[UNKNOWN_NHS] == []


def test_the_contact_page_answers_the_same_whether_or_not_an_identifier_is_known(make_actor, kayden):
    from openmash.web.tests.conftest import contact_form_data, contact_submit

    client = Client()
    client.force_login(make_actor("referrer", "school-oak").user)
    pages = {}
    for nhs in (KNOWN_NHS, UNKNOWN_NHS):
        forename, surname, born = MADE_UP[nhs]
        day = dt.date.fromisoformat(born)
        data = contact_form_data(
            children_0_forename=forename,
            children_0_surname=surname,
            children_0_dob_day=str(day.day),
            children_0_dob_month=str(day.month),
            children_0_dob_year=str(day.year),
            children_0_nhs_number=nhs,
            **{
                f"members_0_{f}": None
                for f in ("forename", "surname", "dob_day", "dob_month", "dob_year", "sex", "role")
            },
        )
        sent = contact_submit(client, data)
        assert sent.status_code == 302, re.findall(r"govuk-error-summary__list.*?</ul>", sent.content.decode(), re.S)
        pages[nhs] = client.get(sent["Location"]).content.decode()
    for nhs, page in pages.items():
        assert "already known to the partnership" not in page and "the MASH will check" not in page, nhs
        assert "Kayden" not in page, nhs


def test_the_hub_is_still_told_an_identifier_belongs_to_someone_known(make_actor, kayden):
    from conftest import contact_payload
    from openmash.contacts.services import contact_create

    contact, _ = contact_create(
        actor=make_actor("screener", "mash"), data=contact_payload(subjects=[_made_up(KNOWN_NHS)], household=[])
    )
    assert contact.intake_notices == [
        "subjects.0: an identifier given belongs to a person already known to the partnership; the MASH will check "
        "whether this is the same person"
    ]
    other, _ = contact_create(
        actor=make_actor("screener", "mash"), data=contact_payload(subjects=[_made_up(UNKNOWN_NHS)], household=[])
    )
    assert other.intake_notices == []
