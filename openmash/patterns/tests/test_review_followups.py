"""The practitioner/attacker review of issue 8, its open findings, each fixed by its whole kind: the consent decision of
a contact made from a flag is asked, never a default; a reason says something; text over its limit gets a GOV.UK
message on every patterns form; the rule pages name indicators in words and list the valid codes; the hub is never a
second agency; the demo's "Concern for safety" is read as the police welfare concern it is; and `openmash import`
prints its own lines only."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re

import pytest
from django.utils import timezone

from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.engine import HUB, Child, Rule, agency_count, evaluate_child
from openmash.patterns.rules import default_specs
from openmash.patterns.tests.test_flags_cli import _agencies, run  # noqa: F401 - fixture

AS_OF = dt.date(2025, 12, 31).toordinal()


def _ev(days_before: int, indicator: str, agency, ref: str) -> tuple:
    return (AS_OF - days_before, indicator, agency, ref, False, "entry-" + ref)


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return {s.code: Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()}


# --- 5: the hub's own contact is never a second agency ---------------------------------------------------------------


def test_the_hub_counts_as_an_agency_only_when_no_other_is_there():
    assert agency_count({HUB}) == 1
    assert agency_count({HUB, "police"}) == 1
    assert agency_count({"police", "school"}) == 2
    assert agency_count({HUB, "police", "school"}) == 2


@pytest.mark.parametrize(
    ("code", "indicators"),
    [
        ("same_concern_two_agencies", ["domestic_abuse", "domestic_abuse"]),
        ("cross_agency_combination", ["domestic_abuse", "neglect", "missing_episode", "physical_abuse"]),
    ],
)
def test_a_hub_recorded_concern_never_makes_a_pattern_cross_agency(rules, code, indicators):
    rule = rules[code]
    police_only = [_ev(100 - 10 * n, ind, "police", f"p{n}") for n, ind in enumerate(indicators[:-1])]
    with_hub = [*police_only, _ev(5, indicators[-1], HUB, "hub")]
    with_school = [*police_only, _ev(5, indicators[-1], "school", "school")]
    assert not evaluate_child([rule], Child("c", None, with_hub), AS_OF)
    assert evaluate_child([rule], Child("c", None, with_school), AS_OF)


def test_a_hub_concern_is_not_another_agency_for_the_household_adult_rule(rules):
    rule = rules["household_adult_offending"]
    adult = (_ev(40, "adult_offending", "police", "a"), "adult", True)
    assert not evaluate_child([rule], Child("c", None, [_ev(30, "neglect", HUB, "h")], [adult]), AS_OF)
    assert evaluate_child([rule], Child("c", None, [_ev(30, "neglect", "school", "s")], [adult]), AS_OF)


@pytest.mark.django_db
def test_a_contact_the_mash_records_does_not_flag_a_child_with_one_agencys_concern(make_actor):
    """The police record a contact (domestic abuse), then the MASH records another about the same child (domestic
    abuse): the same concern, but from one agency and the hub: no flag. Were the MASH's agency not the hub, the same
    two contacts would be two agencies' concern, and flagged."""
    from openmash.accounts.models import Agency
    from openmash.patterns.evaluation import children_evaluate
    from openmash.patterns.reading import entries_read
    from tests.support import contact_record, subject_person

    def codes() -> set:
        entries_read()
        result = children_evaluate(timezone.localdate())
        return {h.rule.code for r in result.results.values() for h in r.hits}

    police = contact_record(make_actor("referrer", "police"), concern_codes=["3A"])
    child = [{"person_id": str(subject_person(police).pk)}]
    contact_record(make_actor("screener", "mash"), concern_codes=["3A"], subjects=child)
    assert codes() == set()
    Agency.objects.filter(code="mash").update(is_hub=False)
    assert "same_concern_two_agencies" in codes()


# --- 6 and 7: the demo extracts, imported ---------------------------------------------------------------------------


def test_every_demo_event_type_is_in_the_standard_mapping():
    from openmash.feeds.demo import HEALTH_EVENTS, POLICE_EVENTS
    from openmash.feeds.mapping import feed_spec_get

    spec = feed_spec_get("standard")
    unmapped = [t for t, _ in [*POLICE_EVENTS, *HEALTH_EVENTS] if spec.event_kind(t) == "other"]
    assert unmapped == []
    assert spec.event_kind("Concern for safety") == "police_welfare"


def test_concern_for_safety_is_read_as_a_police_welfare_concern_whatever_the_mapping():
    from openmash.patterns.indicators import read_event

    for kind in ("police_welfare", "other"):
        found = read_event(kind, "Concern for safety", "Seen in the town centre late at night with older youths.")
        assert [f.indicator for f in found] == ["police_welfare"]


@pytest.mark.django_db
def test_openmash_import_of_the_demo_extract_prints_its_own_lines_only(run, tmp_path, settings, caplog):  # noqa: F811
    settings.OPENMASH_FLAGS_AFTER_IMPORT = True
    _agencies(run)
    code, out, err = run("demo", "extracts", "--out", str(tmp_path / "x"), "--children", "6")
    assert code == 0, err
    police = tmp_path / "x" / "police.csv"
    with police.open(encoding="utf-8", newline="") as f:
        names = {r[k] for r in csv.DictReader(f) for k in ("given_name", "family_name")}
    with caplog.at_level(logging.DEBUG):
        code, out, err = run("import", "standard", str(police), "--agency", "police", "--no-progress")
    assert code == 0, err
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("openmash") and r.levelno >= logging.INFO]
    assert logged == []
    assert err == ""
    assert "not in the mapping" not in out
    assert "Patterns: " in out and "indicators read" in out
    assert not [n for n in names if n and n in out]


# --- 1: the consent decision of a contact made from a flag is the screener's, never a default ----------------------

CONSENT = {"consent": "not_sought", "consent_not_sought_reason": "unsafe", "consent_lawful_basis": "public_task"}


def _client(actor):
    from django.test import Client

    c = Client()
    c.force_login(actor.user)
    return c


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def hub_manager(make_actor):
    return make_actor("manager", "mash")


@pytest.fixture
def open_flag(partnership):
    from openmash.patterns.tests.flagfactory import flag_make

    return flag_make()


@pytest.fixture
def early_help_service(partnership):
    from openmash.accounts.services import agency_create

    return agency_create(
        code="early-help", name="Early Help Service", agency_type="early_help", source_code="5D", is_hub=False
    )


def _accept_data(flag, **extra) -> dict:
    return {"version": flag.version, "concern_codes": ["3A"], "narrative": "A pattern across agencies", **extra}


@pytest.mark.django_db
def test_accepting_a_flag_on_the_page_asks_for_the_consent_decision(hub_manager, open_flag):
    from openmash.contacts.models import Contact
    from openmash.patterns.models import FlagStatus

    c = _client(hub_manager)
    page = _text(c.get(f"/flags/{open_flag.pk}/accept/"))
    assert "Has the family agreed to information being shared?" in page
    assert re.search(r'name="consent"[^>]*checked', page) is None  # nothing chosen for the screener
    refused = c.post(f"/flags/{open_flag.pk}/accept/", _accept_data(open_flag))
    html = _text(refused)
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert "Select the consent position" in html and 'href="#id_consent"' in html
    no_reason = c.post(f"/flags/{open_flag.pk}/accept/", _accept_data(open_flag, consent="not_sought"))
    assert "Select why consent was not sought" in _text(no_reason)
    assert not Contact.objects.exists()
    open_flag.refresh_from_db()
    assert open_flag.status == FlagStatus.OPEN

    done = c.post(f"/flags/{open_flag.pk}/accept/", _accept_data(open_flag, **CONSENT))
    assert done.status_code == 302
    contact = Contact.objects.get()
    assert (contact.consent, contact.consent_not_sought_reason, contact.consent_lawful_basis) == (
        "not_sought",
        "unsafe",
        "public_task",
    )
    assert contact.consent_condition == "" and contact.consent_detail == ""  # nothing added that was not given


@pytest.mark.django_db
def test_accepting_a_flag_through_the_api_needs_the_consent_decision(api, hub_manager, open_flag):
    from openmash.contacts.models import Contact

    client = api(hub_manager)
    missing = client.post(f"/flags/{open_flag.pk}/accept", _accept_data(open_flag))
    assert missing.status_code == 422, missing.content
    assert missing.json()["errors"]["consent"] == [
        "Select the consent position (one of: obtained, refused, not_sought or not_applicable)"
    ]  # the API lists the codes it accepts (review finding 17)
    no_basis = client.post(
        f"/flags/{open_flag.pk}/accept", _accept_data(open_flag, consent="refused", consent_override_reason="crime")
    )
    assert no_basis.status_code == 422 and "consent_lawful_basis" in no_basis.json()["errors"]
    assert not Contact.objects.exists()
    obtained = client.post(f"/flags/{open_flag.pk}/accept", _accept_data(open_flag, consent="obtained"))
    assert obtained.status_code == 201, obtained.content
    assert Contact.objects.get().consent == "obtained"


@pytest.mark.django_db
def test_suggesting_early_help_from_a_flag_asks_for_the_consent_decision(hub_manager, open_flag, early_help_service):
    from openmash.contacts.models import Contact

    c = _client(hub_manager)
    assert "Has the family agreed to information being shared?" in _text(c.get(f"/flags/{open_flag.pk}/"))
    refused = c.post(f"/flags/{open_flag.pk}/early-help/", {"version": open_flag.version})
    assert refused.status_code == 200 and "Select the consent position" in _text(refused)
    assert not Contact.objects.exists()
    done = c.post(f"/flags/{open_flag.pk}/early-help/", {"version": open_flag.version, "consent": "obtained"})
    assert done.status_code == 302
    assert Contact.objects.get().consent == "obtained"


def test_the_service_never_fills_in_a_consent_decision():
    from openmash.core.exceptions import ValidationFailed
    from openmash.patterns.decisions_extra import consent_given

    with pytest.raises(ValidationFailed) as caught:
        consent_given(None)
    assert caught.value.errors == {"consent": ["Select the consent position"]}
    assert consent_given({"consent": "obtained"}) == {
        "consent": "obtained",
        "consent_not_sought_reason": "",
        "consent_override_reason": "",
        "consent_lawful_basis": "",
        "consent_condition": "",
        "consent_detail": "",
    }


# --- 2: a reason says something ----------------------------------------------------------------------------------

FEW_WORDS = "Give the reason in a few words"


@pytest.mark.parametrize("reason", ["x", "ok", "no no", "........", "Known"])
def test_a_reason_of_a_character_or_a_word_is_refused(reason):
    from openmash.patterns.services import reason_problem

    assert FEW_WORDS in reason_problem(reason, "dismissing this flag")


@pytest.mark.parametrize("reason", ["Known to the hub", "Explained: bleeding disorder documented"])
def test_a_reason_of_a_few_words_is_accepted(reason):
    from openmash.patterns.services import reason_problem

    assert reason_problem(reason, "dismissing this flag") is None


@pytest.mark.django_db
def test_dismissing_with_a_one_character_reason_is_refused_on_the_page_the_api_and_the_service(
    api, hub_manager, open_flag
):
    from openmash.core.exceptions import ValidationFailed
    from openmash.patterns.models import FlagStatus
    from openmash.patterns.services import flag_decide

    page = _client(hub_manager).post(f"/flags/{open_flag.pk}/dismiss/", {"version": open_flag.version, "reason": "x"})
    html = _text(page)
    assert page.status_code == 200 and "govuk-error-summary" in html and FEW_WORDS in html
    answer = api(hub_manager).post(f"/flags/{open_flag.pk}/dismiss", {"version": open_flag.version, "reason": "x"})
    assert answer.status_code == 422 and FEW_WORDS in answer.json()["errors"]["reason"][0]
    with pytest.raises(ValidationFailed) as caught:
        flag_decide(
            actor=hub_manager,
            flag_id=open_flag.pk,
            expected_version=open_flag.version,
            status=FlagStatus.DISMISSED,
            reason="x",
        )
    assert FEW_WORDS in caught.value.errors["reason"][0]
    open_flag.refresh_from_db()
    assert open_flag.status == FlagStatus.OPEN


# --- 3: text over its limit gets a GOV.UK message, on every patterns form ---------------------------------------


def _forms():
    from openmash.patterns import forms
    from openmash.patterns.rule_editing import _shipped_row

    rule = _shipped_row(next(s for s in default_specs() if s.code == "cross_agency_combination"))
    return [
        forms.FlagDismissForm,
        forms.FlagWatchForm,
        forms.FlagAcceptForm,
        forms.FlagEarlyHelpSuggestForm,
        forms.FlagEarlyHelpOutcomeForm,
        lambda data=None: forms.PatternRuleForm(data, rule=rule),
    ]


@pytest.mark.django_db  # the dismissal form names the roles that read a sealed reason (partnership setting)
def test_every_text_field_of_the_patterns_forms_says_its_limit_in_words():
    checked = 0
    for make in _forms():
        blank = make()
        limited = {name: f.max_length for name, f in blank.fields.items() if getattr(f, "max_length", None)}
        form = make(data={name: "word " * (limit // 5 + 1) for name, limit in limited.items()})
        form.is_valid()
        for name, limit in limited.items():
            messages = form.errors.get(name, [])
            assert any(m.endswith(f"must be {limit:,} characters or fewer") for m in messages), (name, messages)
            assert not any("Ensure this value" in m for m in messages)
            checked += 1
    assert checked >= 8  # reason, narrative, consent notes, title, description, the code lists and weights


@pytest.mark.django_db
def test_an_over_long_dismissal_reason_gets_the_govuk_message_on_the_page(hub_manager, open_flag):
    response = _client(hub_manager).post(
        f"/flags/{open_flag.pk}/dismiss/", {"version": open_flag.version, "reason": "known " * 400}
    )
    html = _text(response)
    assert "Reason must be 2,000 characters or fewer" in html and "Ensure this value" not in html


# --- 4: the rule pages name indicators in words and list the codes a rule may use -----------------------------------


@pytest.fixture
def partnership_admin(make_actor):
    return make_actor("partnership_admin", "mash")


@pytest.mark.django_db
def test_the_rule_pages_show_each_code_with_its_label(partnership_admin):
    c = _client(partnership_admin)
    listing = _text(c.get("/pattern-rules/"))
    assert "The same concern from different agencies" in listing
    assert ">same_concern<" not in listing
    page = _text(c.get("/pattern-rules/same_concern_two_agencies/"))
    assert "Emergency attendance (ed_attendance)" in page and "Contact or referral to children&#x27;s services" in page
    assert "Missed health appointment (was not brought) (missed_health_appointment)" in page


@pytest.mark.django_db
def test_the_rule_change_page_lists_every_valid_code_and_refuses_an_unknown_one_by_name(partnership_admin):
    from openmash.patterns.engine import KNOWN_INDICATORS
    from openmash.patterns.rule_editing import indicator_label
    from openmash.patterns.tests.test_rule_pages import _form

    c = _client(partnership_admin)
    page = c.get("/pattern-rules/same_concern_two_agencies/change/").content.decode()
    assert 'id="indicator-codes"' in page
    listed = re.findall(r'data-testid="indicator-code"><td class="govuk-table__cell">([^<]*)</td>.*?<code>(\w+)', page)
    assert {code for _, code in listed} == set(KNOWN_INDICATORS)
    assert all(label == indicator_label(code).replace("'", "&#x27;") for label, code in listed)
    data = _form(c, "same_concern_two_agencies") | {"exclude": "contact, bruisng"}
    html = _text(c.post("/pattern-rules/same_concern_two_agencies/change/", data))
    assert "“bruisng” is not an indicator code" in html
    assert "Indicator codes you can use" in html and 'id="id_exclude_error"' in html
