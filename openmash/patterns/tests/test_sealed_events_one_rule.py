"""Attacker review 2026-12 (issue 7, sensitivity): one rule for a sealed imported event, in every output.

Finding A: the flag page and API held the words of a child's sealed "Sexual health contact" events from a MASH
screener (the partnership's sealed roles: default MASH managers), while the chronology page, its API and its PDF
showed the same screener the full text. access.sharing.chronology_entry_held now decides for every output: the
chronology (page, API, PDF, the person page, the family network's counts), the flag (page, API, the explanation of
``openmash flags export``), the screening page's "what partner agencies already hold" and the subject access
export; and access.sharing.imported_event_sensitivity decides an imported event's sensitivity (a mapping may raise
a kind, never lower a sealed one).

Finding B: accepting a flag prefilled 19B "Sexual abuse" from sealed events the screener may not read (and the
contact then showed it to the allocated worker); physical and sexual abuse were prefilled as child on child (18B,
19B); the narrative named agency codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.test import Client

from openmash.patterns.tests.flagfactory import EVENTS, flag_make

pytestmark = pytest.mark.django_db

#: the sealed events' words: the agency's type text (the chronology summary) and the evidence
SEALED_TYPE = "Canary-sealed clinic visit"
SEALED_WORDS = "Canary-sealed chlamydia result"
SEALED = [
    ("health-gp", dt.date(2026, 5, 3), "sexual_harm", SEALED_TYPE, SEALED_WORDS, "sealed"),
    ("health-gp", dt.date(2026, 5, 9), "sexual_harm", SEALED_TYPE, SEALED_WORDS, "sealed"),
]
CONSENT = {"consent": "not_sought", "consent_not_sought_reason": "unsafe", "consent_lawful_basis": "public_task"}


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def sealed_flag(partnership):
    """A flag on a police incident, a school absence and two sealed sexual-health contacts (kind sexual_health)."""
    from openmash.people.models import ChronologyEntry

    flag = flag_make(events=[EVENTS[0], EVENTS[1], *SEALED])
    ChronologyEntry.objects.filter(person=flag.child, sensitivity="sealed").update(event_kind="sexual_health")
    return flag


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())


# --- finding A: the chronology says what the flag says ---------------------------------------------------------


def test_the_chronology_holds_a_sealed_event_from_a_screener_as_the_flag_does(screener, sealed_flag, api):
    child = sealed_flag.child
    c = _client(screener)
    flag_page = _text(c.get(f"/flags/{sealed_flag.pk}/"))
    assert SEALED_WORDS not in flag_page and 'data-testid="event-sealed"' in flag_page
    page = _text(c.get(f"/people/{child.pk}/chronology/"))
    assert SEALED_TYPE not in page and "Sealed record" in page
    assert "DA incident" in page  # the standard entries whole
    person_page = _text(c.get(f"/people/{child.pk}/"))
    assert SEALED_TYPE not in person_page and 'data-testid="entry-sealed"' in person_page
    pdf = _pdf_text(c.get(f"/people/{child.pk}/chronology.pdf"))
    assert SEALED_TYPE not in pdf and "Sealed record" in pdf and "DA incident" in pdf
    body = api(screener).get(f"/people/{child.pk}/chronology").json()
    sealed = [e for e in body["entries"] if e["sensitivity"] == "sealed"]
    assert len(sealed) == 2 and all(e["held"] and e["kind"] == "sealed" for e in sealed)
    # no event id: a made-up one is a digest of the entry's words (fourth attacker review: trying each event type
    # recovered the kind)
    assert all(e["external_id"] == "" and "event h:" not in e["origin"] for e in sealed)
    assert SEALED_TYPE not in json.dumps(body) and "sexual_health" not in json.dumps(body)
    flag_api = api(screener).get(f"/flags/{sealed_flag.pk}").json()
    assert SEALED_WORDS not in json.dumps(flag_api) and "sexual_harm" not in json.dumps(flag_api)


def test_a_sealed_role_reads_the_sealed_event_everywhere(manager, sealed_flag, api):
    child = sealed_flag.child
    c = _client(manager)
    assert SEALED_WORDS in _text(c.get(f"/flags/{sealed_flag.pk}/"))
    assert SEALED_TYPE in _text(c.get(f"/people/{child.pk}/chronology/"))
    assert SEALED_TYPE in _pdf_text(c.get(f"/people/{child.pk}/chronology.pdf"))
    body = api(manager).get(f"/people/{child.pk}/chronology").json()
    assert [e["held"] for e in body["entries"] if e["sensitivity"] == "sealed"] == [False, False]


def test_naming_the_screener_for_sealed_records_opens_both_alike(screener, sealed_flag, api):
    from openmash.sharing.models import SharingSettings

    SharingSettings.objects.create(sealed_roles=["screener", "manager"])
    assert SEALED_WORDS in _text(_client(screener).get(f"/flags/{sealed_flag.pk}/"))
    assert SEALED_TYPE in _text(_client(screener).get(f"/people/{sealed_flag.child.pk}/chronology/"))


def test_a_kind_filter_does_not_tell_a_screener_what_a_sealed_entry_is(screener, sealed_flag, api):
    body = api(screener).get(f"/people/{sealed_flag.child.pk}/chronology?kind=sexual_health").json()
    assert body["entries"] == []


def test_screening_and_the_family_network_name_no_sealed_kind(screener, sealed_flag):
    from openmash.people.chronology import known_to
    from openmash.people.network import _history

    known = known_to(actor=screener, person_ids=[sealed_flag.child.pk])[sealed_flag.child.pk]
    # the GP's entries here are all sealed: the agency is not named either (access.sharing.agencies_named)
    assert not [k for k in known if k.agency_name == "Riverside GP Practice"]
    gp = [k for k in known if k.agency_name == "An agency"]
    assert gp and gp[0].latest_kind == "Sealed record"
    history, total, _ = _history([sealed_flag.child.pk], frozenset({"", "standard", "sensitive", "sealed"}))
    assert ("Sealed record", 2) in history and "Sexual health contact" not in dict(history)


def test_the_subject_access_export_holds_a_sealed_event(make_actor, sealed_flag):
    from openmash.oversight.selectors import subject_access_export

    officer = make_actor("privacy_officer", "mash")
    _name, data = subject_access_export(actor=officer, person_id=sealed_flag.child.pk)
    raw = zipfile.ZipFile(io.BytesIO(data)).read("chronology.json").decode()
    rows = json.loads(raw)
    assert SEALED_TYPE not in raw and "sexual_health" not in raw
    assert sum(1 for r in rows if r["held"]) == 2 and all(r["agency"] for r in rows)


def test_the_command_line_explanation_holds_a_sealed_events_words(sealed_flag):
    from openmash.patterns.evaluation import _indicator_rows
    from openmash.patterns.models import EventIndicator

    rows = _indicator_rows(set(EventIndicator.objects.filter(person=sealed_flag.child).values_list("pk", flat=True)))
    assert SEALED_WORDS not in repr(rows)
    assert sum(1 for r in rows.values() if r[-1] == "sealed") == 2


def test_a_mapping_cannot_lower_a_sealed_kind():
    from openmash.access.sharing import imported_event_sensitivity
    from openmash.feeds.mapping import FeedSpec

    spec = FeedSpec(
        code="lowered",
        name="Lowered",
        formats=("csv",),
        sensitivity={"sexual_health": "standard", "domestic_abuse": "standard"},
    )
    assert spec.sensitivity_of("sexual_health") == "sealed"
    assert spec.sensitivity_of("domestic_abuse") == "sensitive"
    assert imported_event_sensitivity("incident", "sealed") == "sealed"  # raising is the mapping's to do
    assert imported_event_sensitivity("incident", "") == "standard"


def test_the_migration_raises_stored_entries_to_their_kinds_floor(sealed_flag):
    from importlib import import_module

    from django.apps import apps

    from openmash.people.models import ChronologyEntry

    ChronologyEntry.objects.filter(person=sealed_flag.child, event_kind="sexual_health").update(sensitivity="standard")
    import_module("openmash.people.migrations.0021_imported_events_sensitivity_floor").raise_to_floor(apps, None)
    assert set(
        ChronologyEntry.objects.filter(person=sealed_flag.child, event_kind="sexual_health").values_list(
            "sensitivity", flat=True
        )
    ) == {"sealed"}


# --- finding B: accepting a flag ------------------------------------------------------------------------------


def _ticked(html: str) -> set[str]:
    return set(re.findall(r'name="concern_codes" type="checkbox" value="([^"]+)" checked', html)) | set(
        re.findall(r'value="([^"]+)"[^>]*name="concern_codes"[^>]*checked', html)
    )


def test_accepting_prefills_nothing_from_sealed_events_for_a_screener(screener, sealed_flag):
    from openmash.patterns.decisions_extra import concern_summary, suggested_concern_codes

    codes = suggested_concern_codes(sealed_flag, actor=screener)
    assert not {"19B", "19C"} & set(codes) and "3B" in codes
    summary = concern_summary(sealed_flag, actor=screener)
    assert "County Police" in summary and "Oakfield Primary School" in summary
    assert "Riverside GP Practice" not in summary and "health-gp" not in summary and "police," not in summary
    assert "Sealed records also contributed" in summary
    page = _text(_client(screener).get(f"/flags/{sealed_flag.pk}/accept/"))
    assert not {"19B", "19C"} & _ticked(page) and "3B" in _ticked(page)
    assert "health-gp" not in page and "police, school-oak" not in page


def test_a_sealed_role_accepting_prefills_nothing_from_sealed_events_either(manager, sealed_flag, make_actor, api):
    """Fourth attacker review: a manager (a sealed role) accepting the flag pre-ticked 18C and 19C from sealed
    sexual-health events and named the GP practice, and a screener then read those categories on the contact. The
    contact is read by people who may not read sealed records, so a sealed event pre-fills nothing for anyone."""
    from openmash.patterns.decisions_extra import concern_summary, suggested_concern_codes

    codes = suggested_concern_codes(sealed_flag, actor=manager)
    assert not {"19B", "19C"} & set(codes) and "3B" in codes
    summary = concern_summary(sealed_flag, actor=manager)
    assert "Riverside GP Practice" not in summary and "Sealed records also contributed" in summary
    page = _text(_client(manager).get(f"/flags/{sealed_flag.pk}/accept/"))
    assert not {"19B", "19C"} & _ticked(page) and "3B" in _ticked(page)
    # the manager still reads the sealed events themselves on the flag page
    assert SEALED_WORDS in _text(_client(manager).get(f"/flags/{sealed_flag.pk}/"))


def test_the_stored_explanation_does_not_say_what_sealed_events_were_read_as(sealed_flag):
    """Fourth attacker review: `openmash flags export` (no reader) held the sealed events' words but the rule line
    said "the same concern (sexual harm) from 2 agencies". A rule resting on a sealed event says only that it fired
    on records with sealed ones among them."""
    from openmash.patterns import evaluation
    from openmash.patterns.evaluation import _rule_line
    from openmash.patterns.models import EventIndicator

    rows = evaluation._indicator_rows(
        set(EventIndicator.objects.filter(person=sealed_flag.child).values_list("pk", flat=True))
    )
    sealed_refs = {str(pk) for pk, r in rows.items() if r[-1] == "sealed"}
    open_refs = {str(pk) for pk, r in rows.items() if r[-1] != "sealed"}

    from types import SimpleNamespace

    from openmash.patterns import engine

    rule = SimpleNamespace(title="The same concern raised by two agencies", code="same_concern", version=1)

    def hit_of(refs):
        events = [tuple(ref if i == engine.REF else None for i in range(engine.REF + 1)) for ref in refs]
        return SimpleNamespace(rule=rule, events=events, sentence="the same concern (sexual harm) from 2 agencies")

    held = _rule_line(hit_of(sealed_refs), rows)
    assert "sexual harm" not in held and "sealed ones among them" in held and "same_concern v1" in held
    whole = _rule_line(hit_of(open_refs), rows)
    assert whole.endswith("the same concern (sexual harm) from 2 agencies.")


def test_early_help_from_a_flag_records_no_sealed_category(screener, sealed_flag, make_actor, api):
    from openmash.accounts.services import agency_create

    agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )
    response = _client(screener).post(
        f"/flags/{sealed_flag.pk}/early-help/", {"version": sealed_flag.version, **CONSENT}
    )
    assert response.status_code == 302
    sealed_flag.refresh_from_db()
    contact = sealed_flag.contact
    assert not {"19B", "19C"} & set(contact.concern_codes)
    assert SEALED_WORDS not in contact.narrative and "health-gp" not in contact.narrative
    body = api(screener).get(f"/contacts/{contact.pk}").content.decode()
    assert "19B" not in body and "19C" not in body and "Sexual abuse" not in body


def test_indicators_prefill_the_census_factor_the_source_gives():
    from openmash.contacts.choices import CONCERN_CODES
    from openmash.patterns.indicators import INDICATORS
    from openmash.patterns.reading import CONCERN_INDICATORS, INDICATOR_CONCERNS

    assert INDICATOR_CONCERNS["physical_abuse"] == "18C" and CONCERN_CODES["18C"] == "Physical abuse: adult on child"
    assert INDICATOR_CONCERNS["sexual_harm"] == "19C" and CONCERN_CODES["19C"] == "Sexual abuse: adult on child"
    assert INDICATOR_CONCERNS["domestic_abuse"] == "3B"
    assert CONCERN_INDICATORS["12A"] == "trafficking" and CONCERN_INDICATORS["23A"] == "faith_based_abuse"
    for indicator, code in INDICATOR_CONCERNS.items():
        assert indicator in INDICATORS and code in CONCERN_CODES
        assert CONCERN_INDICATORS.get(code, indicator) == indicator  # read back as the same indicator
    # an indicator that stands for several factors is the screener's to choose
    assert not {"substance_misuse", "exploitation", "child_on_child_abuse"} & set(INDICATOR_CONCERNS)
