"""Issue 7 (lawful sharing): the person page's agency records do not name an agency whose every chronology entry
about the person is sealed from the reader. The chronology, the flag page and the screening page already said
"An agency" for it (access.sharing.agencies_named), yet "What each agency holds", the joined records, the "is not
the same person" links, the addresses' "Held by", the disagreements, GET /api/v1/people/{id} and the record's CSV
and PDF named it: a sexual health clinic's name beside a child's record says what its sealed records are about.
access.sharing.agencies_unnamed decides for all of them (people.selectors.Picture.agencies_held); the sealed roles
(default MASH managers) still see it named. AZ-5 canary: the agency's name in every output."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from openmash.people import linking

pytestmark = pytest.mark.django_db

GP = "Riverside GP Practice"  # health-gp in the test partnership: every entry of its about the child is sealed
POLICE = "County Police"  # its entry is standard: named to everyone who reads the record
UPN = "B801200005001"


def _record(agency, local_id, *, days_ago: int, **details):
    details.setdefault("given_name", "Kai")
    details.setdefault("family_name", "Morgan")
    details.setdefault("upn", UPN)
    received = timezone.now() - dt.timedelta(days=days_ago)
    record, _ = linking.record_create(
        actor=None, agency=agency, local_id=local_id, details=details, received_at=received
    )
    record.refresh_from_db()
    return record


def _entry(person_id, agency, sensitivity: str, n: int):
    from openmash.people.models import ChronologyEntry

    ChronologyEntry.objects.create(
        person_id=person_id,
        occurred_at=timezone.now() - dt.timedelta(days=10 + n),
        time_known=False,
        kind="event",
        agency=agency,
        summary="Clinic visit" if sensitivity == "sealed" else "Incident",
        object_type="feeds.importbatch",
        object_id="0",
        source="record-agencies-test",
        external_id=f"record-agencies-{n}",
        event_kind="incident",
        source_type_text="Clinic visit",
        sensitivity=sensitivity,
    )


@pytest.fixture
def kai(partnership):
    """Kai Morgan: the police and the GP disagree on his sex and address; the GP's two entries in his
    chronology are sealed, the police's one is standard. Returns the resolved person's id."""
    police = _record(
        partnership["police"],
        "P1",
        days_ago=40,
        sex="M",
        date_of_birth=dt.date(2016, 6, 2),
        address="4 Elm Road, Exeter",
        postcode="EX1 1AA",
    )
    gp = _record(
        partnership["health-gp"],
        "G1",
        days_ago=3,
        sex="F",
        date_of_birth=dt.date(2016, 6, 2),
        address="9 Oak Lane, Exeter",
        postcode="EX2 2BB",
    )
    assert police.person_id == gp.person_id  # same UPN and name: joined
    _entry(police.person_id, partnership["police"], "standard", 1)
    _entry(gp.origin_person_id, partnership["health-gp"], "sealed", 2)
    _entry(police.person_id, partnership["health-gp"], "sealed", 3)
    return police.person_id


def _outputs(actor, person_id) -> dict[str, str]:
    from pypdf import PdfReader

    from openmash.accounts.services import token_create

    web = Client()
    web.force_login(actor.user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    out = {
        "page": web.get(f"/people/{person_id}/"),
        "api": Client().get(f"/api/v1/people/{person_id}", **bearer),
        "csv": web.get(f"/people/{person_id}/record.csv"),
        "pdf": web.get(f"/people/{person_id}/record.pdf"),
    }
    for name, r in out.items():
        assert r.status_code == 200, (name, r.status_code)
    text = {name: r.content.decode() for name, r in out.items() if name != "pdf"}
    pages = PdfReader(io.BytesIO(out["pdf"].content)).pages
    text["pdf"] = " ".join(" ".join(p.extract_text() for p in pages).split())
    return text


@pytest.mark.parametrize("surface", ["page", "api", "csv", "pdf"])
def test_canary_the_sealed_only_agency_is_named_on_no_surface(make_actor, kai, surface):
    text = _outputs(make_actor("screener", "mash"), kai)[surface]
    assert GP not in text and "An agency" in text and POLICE in text


def test_a_screener_is_not_told_which_agency_holds_only_sealed_records_on_the_person_record(make_actor, kai):
    screener = make_actor("screener", "mash")
    out = _outputs(screener, kai)
    for name, text in out.items():
        assert GP not in text and "health-gp" not in text, name
        assert POLICE in text, name  # an agency whose entry the screener reads is still named
    page = out["page"]
    rows = page.split('data-testid="agency-records"')[1].split("</table>")[0]
    assert rows.count('data-testid="agency-record"') == 2 and "An agency" in rows
    assert "An agency" in page.split('data-testid="disagreements"')[1].split("</dd>")[0]
    assert "An agency" in page.split('data-testid="joined-people"')[1].split("</ul>")[0]
    body = __import__("json").loads(out["api"])
    assert sorted(r["agency"] for r in body["records"]) == ["An agency", POLICE]
    assert all(r["source_feed"] == "" for r in body["records"] if r["agency"] == "An agency")
    assert {a for s in body["disagreements"]["sex"] for a in s["agencies"]} == {"An agency", POLICE}
    rows = {r[0]: r[2] for r in csv.reader(io.StringIO(out["csv"]))}
    assert rows["records"].count("An agency") == 1 and "An agency" in rows["disagreements"]
    assert "An agency" in rows["links"]


def test_the_is_not_the_same_person_links_do_not_name_it_to_a_manager_the_partnership_does_not_name(make_actor, kai):
    from openmash.sharing.models import SharingSettings

    SharingSettings.objects.create(sealed_roles=["social_worker"])  # managers no longer read sealed records
    manager = make_actor("manager", "mash")
    page = _outputs(manager, kai)["page"]
    links = page.split('data-testid="separate-links"')[1].split("</ul>")[0]
    assert "is not the same person" in links and "An agency" in links
    assert GP not in page


def test_a_sealed_role_still_sees_the_agency_named(make_actor, kai):
    manager = make_actor("manager", "mash")  # a MASH manager reads sealed records by default
    out = _outputs(manager, kai)
    for name, text in out.items():
        assert GP in text, name
    assert GP in out["page"].split('data-testid="separate-links"')[1].split("</ul>")[0]


def test_an_agency_without_entries_is_named_and_the_rule_says_so():
    from openmash.access.sharing import agencies_unnamed

    # a holder none of whose entries the reader reads (a sealed one, or none listed) is unnamed; no holders, none
    assert agencies_unnamed(None, {"gp", "police"}, [("police", "standard")]) == {"gp"}
    assert agencies_unnamed(None, set(), []) == set()
