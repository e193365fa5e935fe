"""The merged chronology of a child and of their household (issue 6, "The picture"): one timeline over every agency
record joined into the child, filtered by agency, kind, significance and dates, paged with the true total, the
entries each actor may see (access.policy.chronology_sensitivities), the same on the pages, the API and the PDF, and
every read audited per person."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.support import allocation_open, child, contact_record, nhs_number, screen, subject_person


def _at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, 0))


@pytest.fixture
def family(make_actor):
    """A child known to the police (contact, with an adult named in the household, screened by the hub) and to a
    school (the same NHS number: one person), with imported events of each sensitivity, and an adult's own events."""
    from openmash.people.linking import intake_links_confirm
    from openmash.people.models import AgencyRecord, ChronologyEntry

    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    hub = make_actor("screener", "mash")
    nhs = nhs_number()
    adult = {"forename": "Dana", "surname": "Brightwater", "date_of_birth": "1990-02-02", "sex": "F"}
    first = contact_record(
        police,
        subjects=[child("Kayden", "Brightwater", "2017-03-03", nhs=nhs)],
        household=[{**adult, "role": "household_member"}],
    )
    screen(hub, first)
    second = contact_record(school, subjects=[child("Kaden", "Brightwater", "2017-03-03", nhs=nhs)], household=[])
    # the school's record joins the child's when the hub screens its contact (ADR 0009 addendum 2)
    intake_links_confirm(actor=hub, contact_id=second.pk)
    kid = subject_person(first)
    school_record = AgencyRecord.objects.get(agency__code="school-oak")
    merged = school_record.origin_person
    assert merged.merged_into_id == kid.pk  # one person: both agencies' contacts on one chronology
    mum = first.people.get(role="household_member").person
    police_record = AgencyRecord.objects.get(agency__code="police", origin_person=kid)

    def event(person, record, day, kind, sensitivity, summary, ext):
        return ChronologyEntry.objects.create(
            person=person,
            occurred_at=_at(day),
            kind="event",
            agency=record.agency if record else police_record.agency,
            summary=summary,
            object_type="feeds.importbatch",
            object_id="1",
            record=record,
            source="test-feed",
            external_id=ext,
            event_kind=kind,
            source_type_text=kind.upper(),
            description=f"Description of {summary}",
            sensitivity=sensitivity,
        )

    event(kid, police_record, 1, "domestic_abuse", "sensitive", "Police DA incident at home", "p1")
    event(kid, police_record, 2, "sexual_health", "sealed", "Sealed clinic visit", "p2")
    event(merged, school_record, 3, "school_absence", "standard", "Absent ten days", "s1")
    event(mum, None, 4, "police_welfare", "standard", "Welfare check on the mother", "m1")
    event(mum, None, 5, "offending", "sensitive", "Mother arrested for theft", "m2")
    worker = make_actor("social_worker", "mash")
    allocation_open(kid, worker)
    return {
        "kid": kid,
        "merged": merged,
        "mum": mum,
        "hub": hub,
        "worker": worker,
        "police": police,
        "researcher": make_actor("researcher", "health-gp"),
    }


def _summaries(result):
    return [e.summary for e in result.page.items]


def test_one_timeline_over_both_agencies_records_newest_first_with_source_agency_and_record(family):
    from openmash.people.chronology import chronology_item_view, chronology_read

    result = chronology_read(actor=family["hub"], person_id=family["merged"].pk)  # a merged-away id: the child's
    assert result.person.pk == family["kid"].pk
    items = [chronology_item_view(e, result.names) for e in result.page.items]
    times = [i["occurred_at"] for i in items]
    assert times == sorted(times, reverse=True)
    assert {i["agency"] for i in items} >= {"County Police", "Oakfield Primary School"}
    absent = next(i for i in items if i["summary"] == "Absent ten days")
    assert absent["record"] == "Oakfield Primary School record made in OpenMASH"
    assert absent["origin"].endswith("(feed test-feed, event s1)") and absent["kind"] == "school_absence"
    assert absent["person_name"] == family["kid"].full_name
    contact = next(i for i in items if i["kind"] == "contact")
    assert contact["origin"] == "OpenMASH contact" and contact["record_id"] is None
    assert "Welfare check on the mother" not in [i["summary"] for i in items]  # her own chronology is hers


def test_sensitivity_hub_sees_sealed_worker_sees_sensitive_not_sealed_others_nothing(family):
    from openmash.core.exceptions import NotFound
    from openmash.people.chronology import chronology_read
    from openmash.people.selectors import person_chronology

    hub = _summaries(chronology_read(actor=family["hub"], person_id=family["kid"].pk))
    worker = _summaries(chronology_read(actor=family["worker"], person_id=family["kid"].pk))
    assert "Sealed clinic visit" in hub and "Police DA incident at home" in hub
    assert "Sealed clinic visit" not in worker and "Police DA incident at home" in worker
    assert set(worker) == set(hub) - {"Sealed clinic visit"}
    # the person page's chronology follows the same rule
    assert "Sealed clinic visit" not in [
        e.summary for e in person_chronology(actor=family["worker"], person_id=family["kid"].pk)[1]
    ]
    for who in ("researcher", "police"):
        with pytest.raises(NotFound):
            chronology_read(actor=family[who], person_id=family["kid"].pk)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ("domestic_abuse", "school_absence")}, {"Police DA incident at home", "Absent ten days"}),
        ({"kinds": ("screening",)}, None),  # checked below: only screening entries
        (
            {"date_from": dt.date(2026, 3, 2), "date_to": dt.date(2026, 3, 3)},
            {"Sealed clinic visit", "Absent ten days"},
        ),
    ],
)
def test_filters_narrow_the_timeline(family, filters, expected):
    from openmash.people.chronology import ChronologyFilters, chronology_read, entry_kind

    result = chronology_read(actor=family["hub"], person_id=family["kid"].pk, filters=ChronologyFilters(**filters))
    if expected is None:
        assert result.page.count == 1 and {entry_kind(e) for e in result.page.items} == {"screening"}
    else:
        assert set(_summaries(result)) == expected and result.page.count == len(expected)


def test_agency_filter_keeps_only_that_agencys_entries(family):
    from openmash.people.chronology import ChronologyFilters, chronology_read

    result = chronology_read(
        actor=family["hub"], person_id=family["kid"].pk, filters=ChronologyFilters(agencies=("school-oak",))
    )
    assert {e.agency.code for e in result.page.items} == {"school-oak"} and result.page.count == 2
    assert {e.kind for e in result.page.items} == {"contact", "event"}


def test_significance_splits_the_timeline_without_losing_an_entry(family):
    from openmash.people.chronology import ChronologyFilters, chronology_read, entry_significance

    read = lambda s: chronology_read(  # noqa: E731
        actor=family["hub"], person_id=family["kid"].pk, filters=ChronologyFilters(significance=s), page_size=100
    )
    every, significant, routine = read(""), read("significant"), read("routine")
    assert significant.page.count + routine.page.count == every.page.count
    assert {entry_significance(e) for e in significant.page.items} == {"significant"}
    assert {entry_significance(e) for e in routine.page.items} == {"routine"}
    assert "Police DA incident at home" in _summaries(significant)
    assert any(e.kind == "screening" for e in routine.page.items)


def test_pages_carry_the_true_total(family):
    from openmash.people.chronology import chronology_read

    whole = chronology_read(actor=family["hub"], person_id=family["kid"].pk, page_size=100)
    p1 = chronology_read(actor=family["hub"], person_id=family["kid"].pk, page_size=2, page=1)
    p2 = chronology_read(actor=family["hub"], person_id=family["kid"].pk, page_size=2, page=2)
    assert p1.page.count == p2.page.count == whole.page.count > 4
    assert p1.page.num_pages == -(-whole.page.count // 2)
    assert _summaries(p1) + _summaries(p2) == _summaries(whole)[:4]


def test_bad_filters_are_refused_by_field(family):
    from openmash.core.exceptions import ValidationFailed
    from openmash.people.chronology import ChronologyFilters, chronology_read

    for filters, key in (
        (ChronologyFilters(kinds=("not-a-kind",)), "kind"),
        (ChronologyFilters(significance="urgent"), "significance"),
        (ChronologyFilters(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 1)), "date_to"),
        (ChronologyFilters(date_from=dt.date(1800, 1, 1)), "date_from"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            chronology_read(actor=family["hub"], person_id=family["kid"].pk, filters=filters)
        assert key in caught.value.errors


def test_household_chronology_says_whose_each_entry_is_and_keeps_each_persons_sensitivity(family):
    from openmash.people.chronology import chronology_item_view, chronology_read

    hub = chronology_read(actor=family["hub"], person_id=family["kid"].pk, household=True, page_size=100)
    assert [m.person.pk for m in hub.members] == [family["mum"].pk]
    assert any("Household member" in b for b in hub.members[0].basis)
    items = {i["summary"]: i for i in (chronology_item_view(e, hub.names) for e in hub.page.items)}
    assert items["Welfare check on the mother"]["person_name"] == family["mum"].full_name
    assert items["Absent ten days"]["person_name"] == family["kid"].full_name
    assert "Mother arrested for theft" in items and "Sealed clinic visit" in items
    # the allocated worker: the child's sensitive entries, the mother's standard ones only, no sealed ones
    worker = _summaries(
        chronology_read(actor=family["worker"], person_id=family["kid"].pk, household=True, page_size=100)
    )
    assert "Welfare check on the mother" in worker and "Police DA incident at home" in worker
    assert "Mother arrested for theft" not in worker and "Sealed clinic visit" not in worker


def test_household_members_by_shared_current_address(family, make_actor):
    from openmash.people.chronology import chronology_read
    from openmash.people.models import Address, Person

    lodger = Person.objects.create(
        kind="adult", forename="Lou", surname="Lodger", forename_norm="lou", surname_norm="lodger"
    )
    Address.objects.create(person=lodger, line1="1 high street", town="Exampleton", postcode="EX1 1AA")
    gone = Person.objects.create(kind="adult", forename="Gus", surname="Gone", forename_norm="gus", surname_norm="gone")
    Address.objects.create(
        person=gone,
        line1="1 High Street",
        postcode="EX1 1AA",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    result = chronology_read(actor=family["hub"], person_id=family["kid"].pk, household=True)
    members = {m.person.pk: m for m in result.members}
    assert members[lodger.pk].basis == ["Same current address"]
    assert gone.pk not in members  # a past address is not living with the child
    # the worker has no basis for the lodger (not named in a contact about their child): not shown at all
    worker = chronology_read(actor=family["worker"], person_id=family["kid"].pk, household=True)
    assert lodger.pk not in {m.person.pk for m in worker.members}


def test_every_read_is_audited_once_per_person_shown(family):
    from openmash.audit.models import AuditEvent
    from openmash.people.chronology import chronology_export, chronology_read

    before = AuditEvent.objects.count()
    chronology_read(actor=family["worker"], person_id=family["kid"].pk, household=True)
    events = list(AuditEvent.objects.order_by("id")[before:])
    viewed = {e.object_id for e in events if e.action == "view"}
    assert viewed == {str(family["kid"].pk), str(family["merged"].pk), str(family["mum"].pk)}
    assert all(e.reason == "household chronology" for e in events)
    before = AuditEvent.objects.count()
    chronology_export(actor=family["hub"], person_id=family["kid"].pk)
    exported = list(AuditEvent.objects.order_by("id")[before:])
    assert {e.action for e in exported} == {"export"} and len(exported) == 2  # the child and the merged record


# --- the API, the pages and the PDF show the same entries ------------------------------------------------------


def _api_summaries(api, actor, path, **params):
    r = api(actor).get(path, **params)
    assert r.status_code == 200, r.content
    return r.json()


def _page_rows(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    body = r.content.decode()
    return body


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("who", ["hub", "worker"])
def test_page_api_and_pdf_show_the_same_filtered_entries(family, api, who):
    actor = family[who]
    kid = family["kid"].pk
    params = {"significance": "significant", "page_size": 100}
    body = _api_summaries(api, actor, f"/people/{kid}/chronology", **params)
    api_summaries = [e["summary"] for e in body["entries"]]
    assert body["count"] == len(api_summaries) > 0
    assert {e["significance"] for e in body["entries"]} == {"significant"}
    client = _login(actor)
    page = _page_rows(client, f"/people/{kid}/chronology/?significance=significant")
    for s in api_summaries:
        assert s in page
    assert "Screened:" not in page  # routine entries are filtered out on the page too
    # the same entries in the same order, each with the same origin
    origins = [html.unescape(o) for o in re.findall(r'data-testid="entry-origin">([^<]*)</td>', page)]
    assert origins == [e["origin"] for e in body["entries"]]
    assert f"{body['count']} entr" in page
    pdf = client.get(f"/people/{kid}/chronology.pdf?significance=significant")
    text = _pdf_text(pdf)
    assert "OFFICIAL-SENSITIVE" in text and "Printed by" in text and family["kid"].full_name in text
    for s in api_summaries:
        assert s in text.replace("\n", " ")
    assert "Screened:" not in text
    # the hub's screener is not a sealed role (default: MASH managers): the sealed entry is listed, its words held
    # (access.sharing.chronology_entry_held, attacker review 2026-12 finding A); the worker never has it listed
    assert "Sealed clinic visit" not in text and "Sealed clinic visit" not in page
    assert "Sealed clinic visit" not in api_summaries
    held = who == "hub"
    assert ("Sealed record" in text) == held and ("Sealed record" in page) == held


def test_api_household_chronology_filters_and_422(family, api):
    kid = family["kid"].pk
    body = _api_summaries(api, family["hub"], f"/people/{kid}/household/chronology", agency="police", page_size=100)
    assert {e["agency_code"] for e in body["entries"]} == {"police"}
    assert body["members"][0]["name"] == family["mum"].full_name
    assert "Welfare check on the mother" in [e["summary"] for e in body["entries"]]
    both = _api_summaries(
        api,
        family["hub"],
        f"/people/{kid}/chronology",
        agency=["police", "school-oak"],
        kind=["contact", "school_absence"],
    )
    assert {(e["agency_code"], e["kind"]) for e in both["entries"]} == {
        ("police", "contact"),
        ("school-oak", "contact"),
        ("school-oak", "school_absence"),
    }
    bad = api(family["hub"]).get(f"/people/{kid}/chronology", kind="nonsense")
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    past = _api_summaries(api, family["hub"], f"/people/{kid}/chronology", page=99)
    assert past["entries"] == [] and past["count"] > 0
    assert api(family["researcher"]).get(f"/people/{kid}/household/chronology").status_code == 404


def _login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_page_filter_errors_use_the_error_summary(family):
    client = _login(family["hub"])
    r = client.get(
        f"/people/{family['kid'].pk}/chronology/?date_from_day=5&date_from_month=3&date_from_year=2026"
        "&date_to_day=1&date_to_month=3&date_to_year=2026"
    )
    body = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in body and "govuk-error-summary" in body
    assert "Date to must be the same as or after date from" in body and 'data-testid="chronology"' not in body


def test_merged_away_id_redirects_to_the_resolved_child_keeping_filters(family):
    client = _login(family["hub"])
    r = client.get(f"/people/{family['merged'].pk}/chronology/?significance=routine")
    assert r.status_code == 302 and r["Location"] == f"/people/{family['kid'].pk}/chronology/?significance=routine"


# --- the family network ----------------------------------------------------------------------------------------


def test_family_network_people_history_and_involvement_as_each_actor_may_see_them(family):
    from openmash.audit.models import AuditEvent
    from openmash.people.network import family_network

    before = AuditEvent.objects.count()
    hub = family_network(actor=family["hub"], person_id=family["merged"].pk)
    assert [n.person.pk for n in hub.people] == [family["kid"].pk, family["mum"].pk]
    kid, mum = hub.people
    assert kid.is_child and mum.lives_with_child and mum.relationships == [("Household member", True)]
    assert dict(mum.history) == {"Police welfare concern or attendance": 1, "Offending or arrest": 1}
    assert (mum.entries, mum.significant) == (2, 2)
    # the hub counts sealed entries, by no kind for a screener (not a sealed role: attacker review 2026-12, A)
    assert dict(kid.history)["Sealed record"] == 1 and "Sexual health contact" not in dict(kid.history)
    assert kid.involvement == [
        "Open to children's social care",
        "Named in 2 contacts being handled now",
    ]  # enquiry + new
    viewed = {e.object_id for e in AuditEvent.objects.order_by("id")[before:] if e.action == "view"}
    assert viewed == {str(family["kid"].pk), str(family["merged"].pk), str(family["mum"].pk)}

    worker = family_network(actor=family["worker"], person_id=family["kid"].pk)
    kid, mum = worker.people
    assert "Sexual health contact" not in dict(kid.history) and dict(mum.history) == {
        "Police welfare concern or attendance": 1
    }
    assert kid.involvement_shown and not mum.involvement_shown and mum.involvement == []


def test_family_network_page_draws_the_svg_and_the_same_people_in_the_table(family):
    client = _login(family["worker"])
    r = client.get(f"/people/{family['kid'].pk}/network/")
    body = r.content.decode()
    assert r.status_code == 200
    svg = body[body.index("<svg") : body.index("</svg>")]
    table = body[body.index('data-testid="network-table"') :]
    assert 'aria-hidden="true"' in svg and "<title" in svg and "<desc" in svg
    for name in (family["kid"].full_name, family["mum"].full_name):
        assert name in svg and name in table
    assert "Offending" not in body  # the mother's sensitive history is not the worker's
    assert _login(family["researcher"]).get(f"/people/{family['kid'].pk}/network/").status_code == 404
    desc = svg[svg.index("<desc") : svg.index("</desc>")]
    assert f"{family['kid'].full_name} lives with {family['mum'].full_name}" in desc


def test_the_network_of_a_child_living_with_nobody_recorded_says_so(make_actor):
    """Practitioners' review: "Łucja Wałęsa lives with ." when nobody was recorded."""
    contact = contact_record(
        make_actor("referrer", "police"), subjects=[child("Łucja", "Wałęsa", "2016-06-06")], household=[]
    )
    body = _login(make_actor("screener", "mash")).get(f"/people/{subject_person(contact).pk}/network/")
    body = body.content.decode()
    assert "Łucja Wałęsa lives with no one recorded" in body and "lives with ." not in body
    # the printed header writes the time as the site does ("7:49pm", "midday"), never Django's "7:49p.m."
    import re

    printed = re.search(r"Printed by [^<]* on ([^<]*) \(UK time\)", body).group(1)
    assert "." not in printed and re.search(r"\d{4} at (\d{1,2}(:\d\d)?(am|pm)|midday|midnight)$", printed), printed


def test_family_network_api_has_the_pages_people_and_counts(family, api):
    body = _api_summaries(api, family["worker"], f"/people/{family['kid'].pk}/network")
    kid, mum = body["people"]
    assert kid["is_child"] and kid["involvement"] == [
        "Open to children's social care",
        "Named in 2 contacts being handled now",
    ]
    assert mum["name"] == family["mum"].full_name and mum["lives_with_child"]
    assert mum["history"] == [{"kind_label": "Police welfare concern or attendance", "count": 1}]
    assert mum["involvement"] is None  # not shown to the child's worker
    assert mum["relationships"] == [{"label": "Household member", "established": True}]
    assert api(family["researcher"]).get(f"/people/{family['kid'].pk}/network").status_code == 404


def test_a_long_chronology_prints_on_many_pages_each_marked_and_signed(family):
    from pypdf import PdfReader

    from openmash.people.chronology import chronology_export
    from openmash.people.models import ChronologyEntry
    from openmash.web.pdf import chronology_pdf

    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person=family["kid"],
            occurred_at=_at(10) + dt.timedelta(hours=i),
            kind="case_note",
            agency=family["hub"].agency,
            summary=f"Case note number {i:03d}",
            object_type="casework.casenote",
            object_id=str(i),
        )
        for i in range(90)
    )
    result = chronology_export(actor=family["hub"], person_id=family["kid"].pk)
    pdf = PdfReader(io.BytesIO(chronology_pdf(actor=family["hub"], result=result, household=False)))
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, number  # top and foot of every page
        assert f"Printed by {family['hub'].user}" in text and f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    assert all(f"Case note number {i:03d}" in whole for i in range(90))
    assert whole.index("Case note number 089") < whole.index("Case note number 000")  # newest first


def test_the_pdf_says_when_it_was_printed_in_london_time(family):
    import time_machine
    from pypdf import PdfReader

    from openmash.people.chronology import chronology_export
    from openmash.web.pdf import chronology_pdf

    result = chronology_export(actor=family["worker"], person_id=family["kid"].pk)
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 30, tzinfo=dt.UTC), tick=False):  # 1:30pm BST
        body = chronology_pdf(actor=family["worker"], result=result, household=False)
    text = " ".join(PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
    assert f"Printed by {family['worker'].user} ({family['worker'].membership.get_role_display()}, " in text
    assert "on 1 July 2026 at 1:30pm (UK time)" in text


# --- names in every script print as written (openmash.web.pdf_fonts) ----------------------------------------------

NAMES_IN_SCRIPTS = {
    "Chinese": "王芳",
    "Arabic": "محمد",
    "Urdu": "عائشہ",
    "Bengali": "আমিনা",
    "Gurmukhi": "ਗੁਰਪ੍ਰੀਤ",
    "Devanagari": "प्रिया",
    "Tigrinya": "ተስፋይ",
    "Tamil": "கவிதா",
}


def _fonts_of(body: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(body)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("script", sorted(NAMES_IN_SCRIPTS))
def test_a_name_in_any_common_script_prints_as_written_in_a_font_that_has_it(family, script):
    """make test installs Debian's fonts-noto-core and fonts-noto-cjk: without them this fails, it never skips."""
    from anyascii import anyascii
    from pypdf import PdfReader

    from openmash.people.chronology import chronology_export
    from openmash.web.pdf import chronology_pdf
    from openmash.web.pdf_fonts import body_codepoints, missing

    name = NAMES_IN_SCRIPTS[script]
    assert not missing(name), f"no font on this server draws {script}: install fonts-noto-core and fonts-noto-cjk"
    kid = family["kid"]
    kid.forename = name
    kid.save(update_fields=["forename"])
    result = chronology_export(actor=family["hub"], person_id=kid.pk)
    body = chronology_pdf(actor=family["hub"], result=result, household=False)
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    if not all(ord(c) in body_codepoints() for c in name):  # DejaVu lacks the script: a Noto font draws it
        assert any("Noto" in font for font in _fonts_of(body)), _fonts_of(body)
    assert f"[{anyascii(name)}]" not in text  # drawn, not transliterated


def test_a_character_no_font_can_draw_is_shown_transliterated_never_dropped(family, monkeypatch):
    from pypdf import PdfReader

    from openmash.people.chronology import chronology_export
    from openmash.web import pdf_fonts
    from openmash.web.pdf import chronology_pdf

    # A server with no fallback fonts: only DejaVu Sans, which has no Chinese.
    monkeypatch.setattr(pdf_fonts, "drawable", pdf_fonts.body_codepoints)
    monkeypatch.setattr(pdf_fonts, "fallback_fonts", lambda: ())
    kid = family["kid"]
    kid.forename = "王芳"
    kid.save(update_fields=["forename"])
    assert pdf_fonts.printable("Wang 王芳") == "Wang 王芳 [WangFang]"
    assert pdf_fonts.printable("王芳 Smith, 李 伟 and Ann") == "王芳 [WangFang] Smith, 李 伟 [Li Wei] and Ann"
    assert pdf_fonts.printable("Łucja Wałęsa") == "Łucja Wałęsa"  # DejaVu has it: unchanged
    result = chronology_export(actor=family["hub"], person_id=kid.pk)
    text = " ".join(
        PdfReader(io.BytesIO(chronology_pdf(actor=family["hub"], result=result, household=False)))
        .pages[0]
        .extract_text()
        .split()
    )
    assert f"[WangFang] {kid.surname}" in text, text[:300]


# --- events given as a date only (partner review 2026-11) ---------------------------------------------------------


def _date_only(person, agency, summary, ext):
    from zoneinfo import ZoneInfo

    from openmash.people.models import ChronologyEntry

    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=dt.datetime(2025, 4, 15, tzinfo=ZoneInfo("Europe/London")),  # BST: 2025-04-14T23:00Z
        time_known=False,
        kind="event",
        agency=agency,
        summary=summary,
        object_type="feeds.importbatch",
        object_id="1",
        source="test-feed",
        external_id=ext,
        event_kind="police_welfare",
        sensitivity="standard",
    )


def test_a_date_only_event_shows_its_date_and_no_time_everywhere(family, api):
    from openmash.accounts.models import Agency
    from openmash.people.chronology import ChronologyFilters, chronology_read

    police = Agency.objects.get(code="police")
    _date_only(family["kid"], police, "Welfare visit on a day", "d1")
    _date_only(family["mum"], police, "Mother seen on a day", "d2")
    kid = family["kid"].pk
    body = _api_summaries(api, family["hub"], f"/people/{kid}/chronology", page_size=100)
    entry = next(e for e in body["entries"] if e["summary"] == "Welfare visit on a day")
    assert entry["occurred_at"] == "2025-04-14T23:00:00Z"
    assert (entry["occurred_on"], entry["time_known"]) == ("2025-04-15", False)
    timed = next(e for e in body["entries"] if e["summary"] == "Police DA incident at home")
    assert (timed["occurred_on"], timed["time_known"]) == ("2026-03-01", True)
    household = _api_summaries(api, family["hub"], f"/people/{kid}/household/chronology", page_size=100)
    assert {(e["occurred_on"], e["time_known"]) for e in household["entries"] if "on a day" in e["summary"]} == {
        ("2025-04-15", False)
    }
    client = _login(family["hub"])
    for url in (f"/people/{kid}/chronology/", f"/people/{kid}/household/chronology/"):
        page = _page_rows(client, url)
        assert "15 April 2025</td>" in page and "15 April 2025 at midnight" not in page
        assert "1 March 2026 at 10am" in page  # an entry with a time keeps it (the one format: |when)
    detail = _page_rows(client, f"/people/{kid}/")
    assert "15 April 2025" in detail and "15 April 2025 at midnight" not in detail
    text = " ".join(_pdf_text(client.get(f"/people/{kid}/chronology.pdf")).split())
    assert "15 April 2025" in text and "15 April 2025 at midnight" not in text
    household_pdf = " ".join(_pdf_text(client.get(f"/people/{kid}/household/chronology.pdf")).split())
    assert "15 April 2025" in household_pdf and "midnight" not in household_pdf
    # the date filters still find it on its own day, and not on the UTC day before
    on_day = chronology_read(
        actor=family["hub"],
        person_id=kid,
        filters=ChronologyFilters(date_from=dt.date(2025, 4, 15), date_to=dt.date(2025, 4, 15)),
    )
    assert _summaries(on_day) == ["Welfare visit on a day"]
    day_before = chronology_read(
        actor=family["hub"],
        person_id=kid,
        filters=ChronologyFilters(date_from=dt.date(2025, 4, 14), date_to=dt.date(2025, 4, 14)),
    )
    assert _summaries(day_before) == []


def test_the_migration_marks_imported_midnights_date_only(family):
    import importlib

    from django.apps import apps

    from openmash.people.models import ChronologyEntry

    migration = importlib.import_module("openmash.people.migrations.0013_chronology_time_known")
    entry = _date_only(family["kid"], None, "Imported before the field", "old1")
    ChronologyEntry.objects.filter(pk=entry.pk).update(time_known=True)  # as the column's default left it
    migration.imported_midnights_date_only(apps, None)
    assert ChronologyEntry.objects.get(pk=entry.pk).time_known is False
    # imported at 10am, and the workflow's own entries, keep their time
    assert not ChronologyEntry.objects.filter(time_known=False).exclude(pk=entry.pk).exists()


# --- only the fonts and shaping the text needs, fonts parsed once per process (task brief: 5.67 s a household PDF) --


def _household_pdf(family, actor=None) -> bytes:
    from openmash.people.chronology import chronology_export
    from openmash.web.pdf import chronology_pdf

    actor = actor or family["hub"]
    result = chronology_export(actor=actor, person_id=family["kid"].pk, household=True)
    return chronology_pdf(actor=actor, result=result, household=True)


def _rename(person, forename: str) -> None:
    person.forename = forename
    person.save(update_fields=["forename"])


def test_a_latin_only_pdf_embeds_no_fallback_font_and_is_not_shaped(family, monkeypatch):
    """A document whose text DejaVu Sans draws glyph by glyph never looks for the server's fallback fonts, embeds
    none and is not shaped (shaping every Latin name was most of the 5.67 s)."""
    from pypdf import PdfReader

    from openmash.web import pdf_fonts

    def refuse(*args, **kwargs):
        raise AssertionError("a Latin-only document asked for fallback fonts or shaping")

    monkeypatch.setattr(pdf_fonts, "fallback_fonts", refuse)
    monkeypatch.setattr(pdf_fonts, "_shaping_on", refuse)
    _rename(family["kid"], "Łucja-Zoë")  # Latin with diacritics: still DejaVu's alone
    body = _household_pdf(family)
    fonts = _fonts_of(body)
    assert fonts and all("DejaVu" in f for f in fonts), fonts
    text = " ".join(PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
    assert "Household chronology: Łucja-Zoë Brightwater" in text


def test_a_cjk_name_embeds_its_noto_font_and_no_other(family, monkeypatch):
    from openmash.web import pdf_fonts

    shaped = []
    monkeypatch.setattr(pdf_fonts, "_shaping_on", lambda pdf: shaped.append(pdf))
    _rename(family["kid"], "王芳")
    fonts = _fonts_of(_household_pdf(family))
    noto = {f for f in fonts if "Noto" in f}
    assert len(noto) == 1 and "CJK" in next(iter(noto)), fonts  # the CJK face only, not every script's font
    assert not shaped  # Chinese draws glyph by glyph: no shaping


def test_an_arabic_name_is_shaped_in_dejavu_and_a_bengali_one_in_its_noto_font(family, monkeypatch):
    from openmash.web import pdf_fonts

    shaped = []
    real = pdf_fonts._shaping_on
    monkeypatch.setattr(pdf_fonts, "_shaping_on", lambda pdf: (shaped.append(pdf), real(pdf)))
    _rename(family["kid"], "محمد")
    fonts = _fonts_of(_household_pdf(family))
    assert fonts and all("DejaVu" in f for f in fonts), fonts  # DejaVu Sans has Arabic
    assert len({id(pdf) for pdf in shaped}) == 1  # joined script: the document is shaped
    _rename(family["kid"], "আমিনা")
    fonts = _fonts_of(_household_pdf(family))
    noto = {f for f in fonts if "Noto" in f}
    assert len(noto) == 1 and "Bengali" in next(iter(noto)), fonts
    assert len({id(pdf) for pdf in shaped}) == 2
    assert pdf_fonts.needs_shaping("e\u0301") and not pdf_fonts.needs_shaping("Zoë Wałęsa 王芳 Ωμέγα")


def test_fallback_fonts_are_parsed_once_per_process_and_each_document_embeds_its_own_subset(family, monkeypatch):
    """The second document reuses the first one's parse (no font file parsed again) and still prints the name:
    output() subsets a document's fonts in place, so a shared parse must not carry one document's subset into the
    next."""
    from fpdf import fonts as fpdf_fonts
    from pypdf import PdfReader

    _rename(family["kid"], "王芳")
    first = _household_pdf(family)
    parsed = []
    real_init = fpdf_fonts.TTFFont.__init__

    def counting(self, *args, **kwargs):
        parsed.append(args[1])
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(fpdf_fonts.TTFFont, "__init__", counting)
    _rename(family["kid"], "李伟")
    second = _household_pdf(family)
    assert parsed == []  # DejaVu and the CJK font both came from the process's parse
    for body, name in ((first, "王芳"), (second, "李伟")):
        # letters only: pypdf puts a (sometimes non-breaking) space between CJK glyphs drawn from a fallback font
        text = "".join(c for c in PdfReader(io.BytesIO(body)).pages[0].extract_text() if c.isalnum())
        assert f"Householdchronology{name}Brightwater" in text, text[:200]
