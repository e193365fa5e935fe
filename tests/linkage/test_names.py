"""Name normalisation (linkage.names): every case named in issue 6's search section is a test here."""

import datetime as dt
import subprocess
import sys

import pytest

from linkage import compact, dob_variants, fold, name_keys, nickname_forms, phonetic, tokens


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Aoife Nic Dhòmhnaill", "Aoife Nic Dhòmhnaill"),  # the exact name finds itself
        ("aoife nic dhomhnaill", "Aoife Nic Dhòmhnaill"),
        ("Lucja Walesa", "Łucja Wałęsa"),
        ("Soren Ostergard", "Søren Østergård"),
        ("Elif Yildiz", "Elif Yıldız"),
        ("Strasse", "Straße"),
        ("Aesa", "Æsa"),
        ("Dorde", "Đorđe"),
        ("OBrien", "O’Brien"),
        ("O'Brien", "O‘Brien"),
        ("o brien", "O-Brien"),
        ("Smith Jones", "Smith-Jones"),
        ("SmithJones", "Smith-Jones"),
        ("Mariya Ivanova", "Мария Иванова"),
        ("John", "Ｊｏｈｎ"),  # full-width letters
    ],
)
def test_typed_on_an_english_keyboard_compacts_like_the_stored_name(typed, stored):
    assert compact(typed) == compact(stored)
    assert compact(stored)  # never the empty string for a real name


def test_fold_keeps_word_boundaries_and_only_plain_ascii():
    assert fold("  Nic Dhòmhnaill-Ó Briain ") == "nic dhomhnaill o briain"
    assert tokens("Nic Dhòmhnaill-Ó Briain") == ["nic", "dhomhnaill", "o", "briain"]
    for name in ["王芳", "محمد علي", "Ngũgĩ wa Thiong'o", "Zoë"]:
        assert fold(name) and all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in fold(name)), name
    assert fold(None) == "" and fold("'-.") == ""


def test_phonetic_matches_sound_alike_names_and_not_different_ones():
    assert phonetic("Kayden") == phonetic("Kaden")
    assert phonetic("Stephen") == phonetic("Steven")
    assert phonetic("Kayden") != phonetic("Jordan")
    assert phonetic("") == ""


def test_nicknames_come_from_the_maintained_list():
    assert {"bill", "william"} <= nickname_forms("Bill")
    assert "william" in nickname_forms("Billy") or "billy" in nickname_forms("William")
    assert "elizabeth" in nickname_forms("Liz")
    assert nickname_forms("") == frozenset()
    assert nickname_forms("Kayden") == frozenset({"kayden"})


def test_name_keys_split_multi_word_family_names():
    keys = name_keys("Aoife", "Nic Dhòmhnaill")
    assert keys.family == "nicdhomhnaill"
    assert keys.family_tokens == ("nic", "dhomhnaill")
    assert keys.given == "aoife" and keys.given_phonetic == phonetic("Aoife")


def test_dob_variants_transpose_day_and_month_only_when_both_could_be_a_month():
    assert dob_variants(dt.date(2015, 3, 4)) == {dt.date(2015, 3, 4), dt.date(2015, 4, 3)}
    assert dob_variants(dt.date(2015, 3, 31)) == {dt.date(2015, 3, 31)}
    assert dob_variants(dt.date(2015, 5, 5)) == {dt.date(2015, 5, 5)}
    assert dob_variants(None) == frozenset()


def test_linkage_imports_without_django():
    code = "import sys, linkage; linkage.name_keys('A', 'B'); assert 'django' not in sys.modules, 'django imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0, result.stderr


def test_the_short_form_supplement_serves_search_and_matching(tmp_path):
    """Review finding 5: Mo and Moe are short forms of every spelling of Muhammad (shipped supplement), and a
    partnership's own file adds more (OPENMASH_NICKNAMES_EXTRA -> nicknames_extend_file)."""
    from linkage.names import comparison_forms, nickname_forms, nicknames_extend_file

    assert {"mohammed", "muhammad", "mohammad", "mohamed"} <= nickname_forms("Mo")
    assert "moe" in nickname_forms("Muhammad") and "mo" in comparison_forms("Mohammed")
    assert "wojtek" in nickname_forms("Wojciech") and "wojciech" in nickname_forms("Wojtek")
    own = tmp_path / "own.yaml"
    own.write_text("Zbigniewa: [Zbysia]\n", encoding="utf-8")
    assert nicknames_extend_file(own) == 1
    assert "zbigniewa" in nickname_forms("Zbysia")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping"):
        nicknames_extend_file(bad)
