"""The domain's field rules (issue 5, faults 9 to 12): text cleaning, names, dates, placeholders, postcodes."""

import datetime as dt

import pytest

from openmash.core.text import TextRefused, clean_text
from openmash.people.identifiers import identifier_is_placeholder, nhs_number_normalise, upn_normalise
from openmash.people.postcodes import postcode_normalise
from openmash.people.validation import (
    add_months,
    age_on,
    date_of_birth_check,
    expected_date_of_birth_check,
    name_clean,
    names_check,
    parent_older_check,
)

TODAY = dt.date(2026, 6, 15)


# --- fault 11: text and names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ame\u200blia", "Amelia"),  # zero-width space
        ("\ufeffAmelia\u200d", "Amelia"),  # byte-order mark, zero-width joiner
        ("Amelia \u202eSmith\u202c", "Amelia Smith"),  # right-to-left override
        ("\u2066Amelia\u2069", "Amelia"),  # bidi isolates
        ("Zoe\u0301", "Zo\u00e9"),  # decomposed accent -> NFC
        ("  Amelia\u00a0 \tSmith  ", "Amelia Smith"),  # no-break space, tab, runs of spaces
    ],
)
def test_single_line_text_is_nfc_without_invisible_characters(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("raw", ["Ame\x00lia", "bell\x07", "esc\x1b[31m", "c1 control\x9b"])
def test_control_characters_are_refused(raw):
    with pytest.raises(TextRefused):
        clean_text(raw)


def test_multiline_text_keeps_newlines_and_tabs_but_not_nul_or_overrides():
    text = "Line one\r\n\tindented\u202e reversed?\u2028next"
    assert clean_text(text, multiline=True) == "Line one\n\tindented reversed?\nnext"
    with pytest.raises(TextRefused):
        clean_text("narrative\x00", multiline=True)


@pytest.mark.parametrize("name", ["...", "-", "'", "!!!", "\u200b", "12"])
def test_a_name_must_hold_a_letter(name):
    cleaned = None
    try:
        cleaned = name_clean(name)
    except ValueError as exc:
        assert "at least one letter" in str(exc)
    else:
        assert cleaned == ""  # only invisible characters: nothing was given


@pytest.mark.parametrize("name", ["O'Brien", "Nguyễn", "Zoë", "Jean-Luc", "محمد", "李"])
def test_real_names_pass(name):
    assert name_clean(name) == name


def test_one_name_is_enough_and_an_unborn_child_needs_none():
    names_check("Madonna", "", unborn=False)
    names_check("", "Teller", unborn=False)
    names_check("", "", unborn=True)
    with pytest.raises(ValueError, match="first name or last name"):
        names_check("", "", unborn=False)


# --- fault 9: dates ----------------------------------------------------------------------------------------------


def test_a_subject_child_of_25_years_and_10_days_is_refused():
    dob = dt.date(2001, 6, 5)  # 25 years and 10 days before TODAY
    assert age_on(dob, TODAY) == 25
    with pytest.raises(ValueError, match="under 25"):
        date_of_birth_check(dob, today=TODAY, subject_child=True)
    # The day before the 25th birthday they are 24 and may be the subject of a contact.
    date_of_birth_check(dt.date(2001, 6, 16), today=TODAY, subject_child=True)
    # An adult of 25 is fine.
    date_of_birth_check(dob, today=TODAY, subject_child=False)


def test_dates_of_birth_in_the_future_or_over_120_years_ago_are_refused():
    with pytest.raises(ValueError, match="today or in the past"):
        date_of_birth_check(TODAY + dt.timedelta(days=1), today=TODAY, subject_child=False)
    with pytest.raises(ValueError, match="120 years"):
        date_of_birth_check(dt.date(1906, 6, 15), today=TODAY, subject_child=False)
    date_of_birth_check(TODAY, today=TODAY, subject_child=True)  # born today


def test_an_expected_date_three_years_ahead_is_refused_ten_months_is_the_limit():
    with pytest.raises(ValueError, match="10 months"):
        expected_date_of_birth_check(dt.date(2029, 6, 15), today=TODAY)
    with pytest.raises(ValueError, match="10 months"):
        expected_date_of_birth_check(add_months(TODAY, 10) + dt.timedelta(days=1), today=TODAY)
    expected_date_of_birth_check(add_months(TODAY, 10), today=TODAY)
    with pytest.raises(ValueError, match="month in the past"):
        expected_date_of_birth_check(TODAY - dt.timedelta(days=32), today=TODAY)


def test_a_parent_younger_than_the_child_is_refused():
    with pytest.raises(ValueError, match="older than the child"):
        parent_older_check(dt.date(2019, 1, 1), dt.date(2018, 4, 2))
    with pytest.raises(ValueError):
        parent_older_check(dt.date(2018, 4, 2), dt.date(2018, 4, 2))
    parent_older_check(dt.date(1990, 1, 1), dt.date(2018, 4, 2))
    parent_older_check(None, dt.date(2018, 4, 2))


def test_add_months_clips_to_the_end_of_the_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 6, 15), 10) == dt.date(2027, 4, 15)


# --- fault 10: placeholder identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0000000000", "9999999999", "000 000 0000", "1111111111", "0123456789"])
def test_placeholder_nhs_numbers_are_refused_even_when_the_check_digit_passes(value):
    with pytest.raises(ValueError, match="placeholder"):
        nhs_number_normalise(value)


@pytest.mark.parametrize("value", ["A000000000000", "X999999999999"])
def test_placeholder_upns_are_refused(value):
    with pytest.raises(ValueError, match="placeholder"):
        upn_normalise(value)


def test_real_identifiers_still_pass_and_stored_placeholders_are_recognised():
    assert nhs_number_normalise("943 476 5919") == "9434765919"
    assert upn_normalise("B801200005001") == "B801200005001"
    assert identifier_is_placeholder("nhs_number", "0000000000")
    assert not identifier_is_placeholder("nhs_number", "9434765919")


# --- fault 12: postcodes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("SW1A1AA", "SW1A 1AA"),
        ("  sw1a 1aa  ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcodes_are_stored_in_canonical_form(raw, canonical):
    assert postcode_normalise(raw) == canonical


@pytest.mark.parametrize("raw", ["NOT KNOWN", "12345", "SW1A 1AA;", "NFA", "SW1A", "1AA SW1A", "SW1A 1AAA", "EC1A 1BC"])
def test_things_that_are_not_postcodes_are_refused(raw):
    with pytest.raises(ValueError, match="UK postcode"):
        postcode_normalise(raw)


@pytest.mark.django_db
def test_the_data_migration_turns_postcode_text_into_address_states():
    import importlib

    from django.apps import apps

    from openmash.people.models import Address, Person

    migration = importlib.import_module("openmash.people.migrations.0006_address_states_from_postcode_text")
    person = Person.objects.create(forename="A", surname="B", forename_norm="a", surname_norm="b")
    rows = {
        text: Address.objects.create(person=person, line1="1 High Street", postcode=text)
        for text in ("NOT KNOWN", "nfa", "sw1a1aa", "12345")
    }
    Address.objects.filter(pk=rows["nfa"].pk).update(line1="No fixed abode")
    migration.forwards(apps, None)
    got = {text: Address.objects.get(pk=a.pk) for text, a in rows.items()}
    assert (got["NOT KNOWN"].status, got["NOT KNOWN"].postcode) == ("not_known", "")
    assert (got["nfa"].status, got["nfa"].line1) == ("no_fixed_abode", "")
    assert (got["sw1a1aa"].status, got["sw1a1aa"].postcode) == ("known", "SW1A 1AA")
    assert got["12345"].postcode == "12345"  # not a postcode and not a state: left for a person to read


# --- practitioner review (fixb, fault 2): what a name may hold -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "D'Angelo",  # ASCII apostrophe
        "O\u2019Neill",  # typographic apostrophe, as pasted from a letter
        "N\u02bcgoma",  # modifier letter apostrophe
        "St. John",
        "Anne-Marie",
        "Jean\u2011Luc",  # non-breaking hyphen
        "Zoe\u0308",  # a combining diaeresis (NFC makes it Zoë)
        "\u0938\u0941\u0930\u0947\u0936",  # Devanagari with vowel signs (combining marks)
        "Ὀδυσσεύς",
        "Łukasz Żółć",
    ],
)
def test_names_of_any_script_with_hyphens_apostrophes_and_full_stops_pass(name):
    assert name_clean(name)


@pytest.mark.parametrize(
    "name",
    ["J0hn", "John\U0001f600", "<script>alert(1)</script>", "Smith>", "Anna 2", "Jo@n", "Mary+Jane", "Tom_", "Bob™"],
)
def test_names_refuse_digits_emoji_symbols_and_markup_with_a_message_for_the_field(name):
    with pytest.raises(ValueError, match="First name must only include letters, spaces, hyphens, apostrophes"):
        name_clean(name, label="First name")
