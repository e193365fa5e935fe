"""Identifier validation: NHS number, UPN and PNC ID check characters (DOMAIN.md 2.5)."""

import datetime as dt
import random
import re

import pytest

from openmash.people.identifiers import (
    identifier_kind_guess,
    identifier_normalise,
    local_id_normalise,
    nhs_number_check_digit,
    nhs_number_format,
    nhs_number_normalise,
    pnc_check_character,
    pnc_id_normalise,
    pnc_year_full,
    upn_check_letter,
    upn_normalise,
)

# --- NHS number ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 943 476-5919 ", "9434765919"),
        ("9990000018", "9990000018"),  # test range
    ],
)
def test_nhs_number_valid_forms_normalise_to_ten_digits(raw, expected):
    assert nhs_number_normalise(raw) == expected


def test_nhs_number_check_digit_eleven_becomes_zero():
    # 10*4 + 9*0 ... chosen so that the weighted sum is a multiple of 11.
    prefix = next(f"{n:09d}" for n in range(100000000, 100001000) if nhs_number_check_digit(f"{n:09d}") == 0)
    total = sum(int(d) * w for d, w in zip(prefix, range(10, 1, -1), strict=True))
    assert total % 11 == 0
    assert nhs_number_normalise(prefix + "0") == prefix + "0"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9434765918", "check digit"),  # wrong check digit
        ("9434765910", "check digit"),
        ("1000000010", "check digit"),  # 100000001 has check 10: no valid NHS number starts with it
        ("943476591", "10 digits"),  # too short
        ("94347659190", "10 digits"),  # too long
        ("943476591X", "10 digits"),  # non-digit
        ("943.476.5919", "10 digits"),  # only spaces and dashes are separators
        ("", "10 digits"),
    ],
)
def test_nhs_number_invalid(raw, message):
    with pytest.raises(ValueError, match=message):
        nhs_number_normalise(raw)


def test_nhs_number_check_ten_means_no_valid_number():
    assert nhs_number_check_digit("100000001") is None
    for last in "0123456789":
        with pytest.raises(ValueError):
            nhs_number_normalise("100000001" + last)


def test_nhs_number_property_exactly_one_final_digit_validates():
    """For random prefixes: the number built with nhs_number_check_digit validates and every other final digit
    fails; a prefix whose check is 10 has no valid number at all."""
    rng = random.Random(20261125)
    seen_none = 0
    for _ in range(2000):
        prefix = "".join(rng.choice("0123456789") for _ in range(9))
        check = nhs_number_check_digit(prefix)
        valid = []
        for last in "0123456789":
            try:
                nhs_number_normalise(prefix + last)
                valid.append(last)
            except ValueError:
                pass
        if check is None:
            seen_none += 1
            assert valid == [], prefix
        else:
            assert valid == [str(check)], prefix
    assert seen_none > 0  # the loop really exercised the check-10 branch


@pytest.mark.parametrize(
    ("kind", "raw", "ascii_value"),
    [
        ("nhs_number", "９４３４７６５９１９", "9434765919"),  # full-width digits
        ("nhs_number", "९४३४७६५९१९", "9434765919"),  # Devanagari digits
        ("upn", "B８01200005001", "B801200005001"),
    ],
)
def test_non_ascii_digits_are_rejected_or_folded_to_ascii(kind, raw, ascii_value):
    try:
        value = identifier_normalise(kind, raw)
    except ValueError:
        return
    assert value == ascii_value


def test_nhs_number_format_three_three_four():
    assert nhs_number_format("9434765919") == "943 476 5919"


# --- UPN -----------------------------------------------------------------------------------------------------


def test_upn_valid_example():
    assert upn_normalise("B801200005001") == "B801200005001"
    assert upn_normalise(" b801 2000 05001 ") == "B801200005001"  # spaces and lower case tolerated


def test_upn_check_letter_of_example():
    assert upn_check_letter("801200005001") == "B"


@pytest.mark.parametrize("letter", [c for c in "ACDEFGHJKLMNPQRTUVWXYZ"])
def test_upn_wrong_check_letter(letter):
    with pytest.raises(ValueError, match="check letter"):
        upn_normalise(letter + "801200005001")


@pytest.mark.parametrize(
    "raw",
    [
        "I801200005001",  # I, O and S are never check letters
        "O801200005001",
        "S801200005001",
        "B80120000500",  # 12 characters
        "B8012000050011",  # 14 characters
        "BB01200005001",  # letter inside the 11 digits
        "B80120000500I",  # temporary UPNs end in one of the 23 letters; I is not one
        "",
    ],
)
def test_upn_bad_shape(raw):
    with pytest.raises(ValueError, match="13 characters"):
        upn_normalise(raw)


@pytest.mark.parametrize("last", ["A", "M", "Z"])
def test_temporary_upn_ending_in_a_letter(last):
    body = "80120000500" + last
    letter = upn_check_letter(body)
    assert upn_normalise(letter + body) == letter + body
    wrong = next(c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != letter)
    with pytest.raises(ValueError, match="check letter"):
        upn_normalise(wrong + body)


def test_temporary_upn_letter_takes_its_alphabet_index():
    # Position 13 weight 13: 'A' (index 0) contributes 0, like the digit 0; 'B' (index 1) like the digit 1.
    assert upn_check_letter("80120000500A") == upn_check_letter("801200005000")
    assert upn_check_letter("80120000500B") == upn_check_letter("801200005001")


# --- PNC ID --------------------------------------------------------------------------------------------------


#: The ways the same PNC ID is written (year 2001, serial 12345): the check letter of 01 + 0012345 is H
#: (10012345 mod 23 = 8, the ninth letter of ZABCDEFGHJ...).
PNC_VARIANTS = ["2001/0012345H", "01/12345H", "2001/12345h", " 01/0012345H ", "01/012345 H", "01 / 12345 h"]


@pytest.mark.parametrize("raw", PNC_VARIANTS)
def test_pnc_every_variant_normalises_to_one_canonical_form(raw):
    assert pnc_id_normalise(raw) == "2001/0012345H"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("99/123456X", "1999/0123456X"),  # a two-digit year after this year's is last century's
        ("99/0123456X", "1999/0123456X"),
        ("1999/123456X", "1999/0123456X"),  # four-digit year: the check uses the last two digits
        ("2001/0123456F", "2001/0123456F"),
        (" 99/123456x ", "1999/0123456X"),
    ],
)
def test_pnc_valid(raw, expected):
    assert pnc_id_normalise(raw) == expected


def test_pnc_two_digit_year_pivots_on_this_year():
    today = dt.date(2026, 11, 30)
    assert pnc_year_full("26", today=today) == 2026
    assert pnc_year_full("27", today=today) == 1927
    assert pnc_year_full("00", today=today) == 2000
    assert pnc_year_full("1985", today=today) == 1985


def test_pnc_check_uses_last_two_year_digits():
    assert pnc_check_character("99", "123456") == "X"
    assert pnc_check_character("1999", "123456") == pnc_check_character("99", "123456")
    assert pnc_check_character("01", "12345") == "H"


@pytest.mark.parametrize(
    "raw", ["99/123456A", "99/123456Z", "1999/123456Y", "2001/0123456C", "2001/0012345A", "01/12345A"]
)
def test_pnc_wrong_check_character(raw):
    with pytest.raises(ValueError, match="check letter does not match"):
        pnc_id_normalise(raw)


@pytest.mark.parametrize("raw", ["99123456X", "999/123456X", "99/12345678X", "99/123456", "99/X", "AB/123456X", ""])
def test_pnc_bad_shape(raw):
    with pytest.raises(ValueError, match="like 2001/0012345H"):
        pnc_id_normalise(raw)


def test_pnc_impossible_values_are_refused_with_the_reason():
    today = dt.date(2026, 11, 30)
    future = f"2030/0012345{pnc_check_character('30', '12345')}"
    with pytest.raises(ValueError, match="2030 is in the future"):
        pnc_id_normalise(future, today=today)
    with pytest.raises(ValueError, match="cannot be all zeros"):
        pnc_id_normalise(f"2001/0000000{pnc_check_character('01', '0')}", today=today)
    with pytest.raises(ValueError, match="before any PNC record"):
        pnc_id_normalise(f"1801/0012345{pnc_check_character('01', '12345')}", today=today)


# --- the examples the error messages give must themselves be valid ---------------------------------------------


def _examples(kind: str, bad: str) -> list[str]:
    with pytest.raises(ValueError) as exc:
        identifier_normalise(kind, bad)
    return re.findall(r"like ([^,]+?)(?: or ([^,]+?))?$", str(exc.value))[0]


def test_nhs_and_upn_message_examples_validate():
    assert nhs_number_normalise(_examples("nhs_number", "x")[0]) == "9434765919"
    assert upn_normalise(_examples("upn", "x")[0]) == "B801200005001"


def test_pnc_message_examples_validate():
    for example in _examples("pnc_id", "x"):
        pnc_id_normalise(example)


# --- dispatch and local ids ------------------------------------------------------------------------------------


def test_identifier_normalise_dispatches_and_rejects_unknown_types():
    assert identifier_normalise("nhs_number", "943 476 5919") == "9434765919"
    assert identifier_normalise("upn", "B801200005001") == "B801200005001"
    assert identifier_normalise("pnc_id", "99/123456X") == "1999/0123456X"
    assert identifier_normalise("local_id", "LA123") == "LA123"
    with pytest.raises(ValueError, match="Unknown identifier type"):
        identifier_normalise("passport", "123")


@pytest.mark.parametrize("raw", ["", "has space", "x" * 21, "semi;colon", "<b>"])
def test_local_id_rejects(raw):
    with pytest.raises(ValueError):
        local_id_normalise(raw)


# --- as people type them (issue 6: "999 314 1593" and "999-314-1593" are one NHS number) ------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "943 476 5919",
        "943-476-5919",
        "943–476–5919",
        "943—476—5919",
        "943‑476‑5919",
        "943\u00a0476\u00a05919",
        "9434765919",
    ],
)
def test_an_nhs_number_in_any_spacing_or_hyphenation_is_one_number(typed):
    assert identifier_normalise("nhs_number", typed) == "9434765919"


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("943 476 5919", "nhs_number"),
        ("943-476-5919", "nhs_number"),
        ("12345", "nhs_number"),  # then told what an NHS number looks like
        ("B801200005001", "upn"),
        ("b8012 0000 5001", "upn"),
        ("99/123456X", "pnc_id"),
        ("2001/0123456F", "pnc_id"),
    ],
)
def test_the_kind_of_identifier_typed_in_one_box_is_guessed_from_its_shape(typed, kind):
    assert identifier_kind_guess(typed) == kind
