"""Over-joins of relatives and namesakes, and splits of one child written with a short form (the pattern bench,
December 2026: traps TR06 and TR08 and scenarios CN33, CN35, CN46), each as a general pattern with names and
places other than the scenarios'."""

from __future__ import annotations

import pytest

from linkage import explain_records
from linkage.names import compact, comparison_forms, nickname_forms, short_forms
from linkage.scoring import HOLD_NAMESAKES, HOLD_NONE, HOLD_RELATIVES
from tests.linkage.conftest import record

NHS_A = "9993141593"  # valid (modulus 11), never issued


def _home(number: str, street: str = "Harbour Court", postcode: str = "PL4 0DW") -> dict:
    return {"postcode": postcode, "address": f"{number} {street}, Plymouth"}


def _child(given: str, family: str, born: str, sex: str = "M", **where) -> dict:
    return record(given_name=given, family_name=family, date_of_birth=born, sex=sex, **where)


def _given_level(e) -> str:
    return next(x.level for x in e.fields if x.comparison == "given_name")


# --- splits: one child, a short form the nicknames list lacks -----------------------------------------------------

SHORT_FORMS = [
    ("Zak", "Zakariya"),  # cut short (CN35's pattern)
    ("Lenny", "Lennon"),  # cut short with a pet ending (CN46's)
    ("Frankie", "Francesca"),  # cut short, c spelt k, pet ending (CN33's)
    ("Fran", "Francesca"),
    ("Benji", "Benjamin"),
    ("Gracie", "Grace"),
    ("Sammy", "Sam"),
    ("Rosie", "Rosalind"),
    ("Mikey", "Mikolaj"),
    ("Theo", "Theodora"),
]


@pytest.mark.parametrize(("short", "full"), SHORT_FORMS)
def test_a_short_form_the_list_lacks_is_a_nickname_and_the_child_is_joined(trained, short, full):
    home = _home("27", "Magdalen Road", "EX2 4TA")
    e = explain_records(trained.model, _child(full, "Pidgeon", "2017-03-14", **home),
                        _child(short, "Pidgeon", "2017-03-14", **home))  # fmt: skip
    assert _given_level(e) == "nickname"
    assert e.hold == HOLD_NONE and e.decision == "link"


def test_a_short_form_with_a_blank_birth_date_at_the_same_home_is_not_held(trained):
    home = _home("12", "Goodleigh Road", "EX32 7JT")
    e = explain_records(trained.model, _child("Lennon", "Pidgeon", "2023-09-10", **home),
                        _child("Lenny", "Pidgeon", "", **home))  # fmt: skip
    assert _given_level(e) == "nickname" and e.hold == HOLD_NONE and e.decision in ("link", "review")


@pytest.mark.parametrize(("a", "b"), [("Jayden", "Jaydon"), ("Oliwia", "Olivia"), ("Mohammed", "Muhammad"),
                                      ("Aleksander", "Aleksandra"), ("Jack", "Jake"), ("Ellis", "Eliza")])  # fmt: skip
def test_spellings_of_one_length_or_two_full_names_are_not_short_forms_of_each_other(a, b):
    assert compact(b) not in comparison_forms(a) and compact(a) not in comparison_forms(b)


def test_short_forms_are_not_added_to_the_platforms_nickname_forms():
    # Search and the platform's candidate rules intersect nickname_forms: short forms would make cousins overlap.
    assert not (nickname_forms("Jayden") & nickname_forms("Jaydon"))
    assert "zak" in short_forms("Zakariya") and "zak" not in nickname_forms("Zakariya")
    assert "lily" not in short_forms("Lola") and "lola" not in short_forms("Lily")


# --- over-joins: cousins and siblings (different dates of birth) --------------------------------------------------

COUSINS = [("Jayden", "Jaydon"), ("Caden", "Kaden"), ("Aidan", "Aiden"), ("Lacey", "Lacie"), ("Zara", "Sara")]


@pytest.mark.parametrize(("a", "b"), COUSINS)
@pytest.mark.parametrize("born_b", ["2015-07-19", "2016-07-29", "2016-09-19", "2012-02-03"])
def test_cousins_with_names_one_spelling_apart_in_another_flat_are_never_joined(trained, a, b, born_b):
    # TR08's pattern: two flats of one block, a year or a digit apart (or wholly different), no identifier.
    e = explain_records(trained.model, _child(a, "Trevithick", "2016-07-19", **_home("4/12")),
                        _child(b, "Trevithick", born_b, **_home("9/12")))  # fmt: skip
    assert e.hold == HOLD_RELATIVES and e.decision in ("review", "no link"), (a, b, born_b, e.reasons)
    assert "siblings or cousins" in e.held_reason


@pytest.mark.parametrize(("a", "b"), COUSINS)
def test_names_one_spelling_apart_born_in_other_years_are_never_joined_even_at_one_home(trained, a, b):
    for born_b in ("2015-07-19", "2017-07-19", "2014-03-02"):
        e = explain_records(trained.model, _child(a, "Trevithick", "2016-07-19", **_home("4/12")),
                            _child(b, "Trevithick", born_b, **_home("Flat 4, 12")))  # fmt: skip
        assert e.hold == HOLD_RELATIVES and e.decision in ("review", "no link"), (a, b, born_b, e.reasons)


def test_one_name_in_two_flats_with_birth_dates_a_year_apart_is_never_joined(trained):
    # TR08's school records: the at-risk boy's school spells him as his cousin is spelt.
    e = explain_records(trained.model, _child("Jaydon", "Trevithick", "2016-07-19", **_home("Flat 4, 12")),
                        _child("Jaydon", "Trevithick", "2015-07-19", **_home("9 12")))  # fmt: skip
    assert e.hold == HOLD_RELATIVES and e.decision in ("review", "no link")


def test_a_keying_slip_of_one_child_at_one_home_is_still_joined(trained):
    # day and month swapped, names agree, the same flat however it is written: not held
    e = explain_records(trained.model, _child("Jayden", "Trevithick", "2016-07-09", **_home("Flat 4, 12")),
                        _child("Jayden", "Trevithick", "2016-09-07", **_home("4/12")))  # fmt: skip
    assert e.hold == HOLD_NONE
    # a year mistyped with the same name at the same flat: one child
    e = explain_records(trained.model, _child("Jayden", "Trevithick", "2016-07-09", **_home("4 12")),
                        _child("Jayden", "Trevithick", "2015-07-09", **_home("4/12")))  # fmt: skip
    assert e.hold == HOLD_NONE


def test_relatives_sharing_a_valid_nhs_number_are_the_identifier_rules_link(trained):
    e = explain_records(trained.model, _child("Jayden", "Trevithick", "2016-07-19", identifier=NHS_A, **_home("4/12")),
                        _child("Jaydon", "Trevithick", "2015-07-19", identifier=NHS_A, **_home("9/12")))  # fmt: skip
    assert e.decision == "link" and e.hold == HOLD_NONE


# --- over-joins: namesakes (the same birthday, another home) ------------------------------------------------------

NAMESAKES = [("Mohammed", "Muhammad", "Ali"), ("Oliwia", "Olivia", "Kaminska"), ("Jaden", "Jayden", "Smith"),
             ("Zara", "Sara", "Khan")]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "family"), NAMESAKES)
@pytest.mark.parametrize(("id_a", "id_b"), [("G878200012001", "E878200112002"), ("29/123456G", "30/654321Z")])
def test_one_name_and_birthday_in_another_town_with_two_upns_or_pnc_ids_is_never_joined(trained, a, b, family, id_a,
                                                                                       id_b):  # fmt: skip
    # TR06's two school records: each girl's own UPN (valid check letters, DfE; PNC IDs with valid check characters)
    here = _child(a, family, "2011-11-14", identifier=id_a, **_home("8", "Blackall Road", "EX4 4HE"))
    there = _child(a, family, "2011-11-14", identifier=id_b, **_home("52", "Bear Street", "EX32 7DB"))
    e = explain_records(trained.model, here, there)
    assert e.hold == HOLD_NAMESAKES and e.decision in ("review", "no link")
    assert "two children of one name" in e.held_reason
    # without the identifiers the same name and birthday in another town is left to the weights (children move)
    e = explain_records(trained.model, {**here, "identifier": ""}, {**there, "identifier": ""})
    assert e.hold == HOLD_NONE
    # a spelling variant there (Mohammed/Muhammad, Oliwia/Olivia; TR06) is held: two children of one name
    e = explain_records(trained.model, {**here, "identifier": ""}, {**there, "identifier": "", "given_name": b})
    assert e.hold == HOLD_NAMESAKES and e.decision in ("review", "no link")


@pytest.mark.parametrize(("a", "b"), [("Olivia", "Oliwia"), ("Mohammed", "Muhammad"), ("Jayden", "Jaydon"),
                                      ("Kayden", "Kaiden")])  # fmt: skip
def test_the_same_birthday_with_a_name_spelt_otherwise_in_another_house_is_held(trained, a, b):
    # another town, or another house number at one postcode: two children of one name, never joined automatically
    for home_b in (_home("52", "Bear Street", "EX32 7DB"), _home("71", "Lemon Street", "TR1 2JH")):
        e = explain_records(trained.model, _child(a, "Penrose", "2019-08-03", **_home("17", "Lemon Street", "TR1 2JH")),
                            _child(b, "Penrose", "2019-08-03", **home_b))  # fmt: skip
        assert e.hold == HOLD_NAMESAKES and e.decision in ("review", "no link"), (a, b, home_b, e.reasons)
    # at the same home it is one child's name spelt by two agencies: not held
    e = explain_records(trained.model, _child(a, "Penrose", "2019-08-03", **_home("17", "Lemon Street", "TR1 2JH")),
                        _child(b, "Penrose", "2019-08-03", **_home("17", "Lemon Street", "TR1 2JH")))  # fmt: skip
    assert e.hold == HOLD_NONE


def test_a_nickname_with_the_same_birthday_in_another_town_is_left_to_the_weights(trained):
    # a nickname is a form of the child's own name (a move with a short form): not held on its own
    e = explain_records(
        trained.model,
        _child("Joshua", "Penrose", "2019-08-03", **_home("17", "Lemon Street", "TR1 2JH")),
        _child("Josh", "Penrose", "2019-08-03", **_home("52", "Bear Street", "EX32 7DB")),
    )
    assert e.hold == HOLD_NONE


def test_one_name_and_birthday_moved_within_a_town_is_still_joined(trained):
    # a move within one postcode district, nothing else against: one child (the weights decide)
    e = explain_records(
        trained.model,
        _child("Oliwia", "Kaminska", "2011-11-14", **_home("8", "Blackall Road", "EX4 4HE")),
        _child("Oliwia", "Kaminska", "2011-11-14", **_home("3", "Pennsylvania Road", "EX4 6BH")),
    )
    assert e.hold == HOLD_NONE and e.decision == "link"


def test_two_different_upns_at_another_home_are_never_joined_automatically(trained):
    upn_a, upn_b = "G878200012001", "E878200112002"  # valid check letters (DfE)
    from linkage import identifier_normalise

    assert identifier_normalise(upn_a).kind == identifier_normalise(upn_b).kind == "upn"
    here = _child("Oliwia", "Kaminska", "2011-11-14", identifier=upn_a, **_home("8", "Blackall Road", "EX4 4HE"))
    there = _child("Oliwia", "Kaminska", "2011-11-14", identifier=upn_b, **_home("3", "Pennsylvania Road", "EX4 6BH"))
    e = explain_records(trained.model, here, there)
    assert e.hold == HOLD_NAMESAKES and e.decision in ("review", "no link")
    # the same UPN: the identifier rule's link
    assert explain_records(trained.model, here, {**there, "identifier": upn_a}).decision == "link"


def test_blank_and_placeholder_identifiers_are_unknown_never_agreement(trained):
    home = _home("8", "Blackall Road", "EX4 4HE")
    a, b = _child("Oliwia", "Kaminska", "2011-11-14", **home), _child("Olivia", "Kaminska", "2015-02-01", **home)
    for ident in ("", "0000000000", "1234567890", "UNKNOWN"):
        e = explain_records(trained.model, {**a, "identifier": ident}, {**b, "identifier": ident})
        field = next(x for x in e.fields if x.comparison == "identifier")
        assert field.level == "blank" and field.weight == 0.0 and field.reason == ""
        assert "same identifier" not in e.reasons_for and "same NHS number" not in e.reasons_for
