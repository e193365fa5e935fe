"""Messages that name the real problem (practitioners' review, December 2026, issue 5 fault 13's kind): the
reviewer's own inputs, each once told something untrue or unhelpful."""

from __future__ import annotations

import pytest

from openmash.feeds.validate import parse_date
from openmash.people.identifiers import nhs_number_normalise
from openmash.people.postcodes import FORMAT_MESSAGE, postcode_normalise

FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _message(fn, *args) -> str:
    with pytest.raises(ValueError) as exc:
        fn(*args)
    return str(exc.value)


def test_a_full_postcode_with_a_letter_never_used_says_which_letter():
    message = _message(postcode_normalise, "LS7 1CD")  # was "Enter a full UK postcode, like SW1A 1AA"
    assert "never C, I, K, M, O or V" in message and "it has C" in message and "LS7 1CD" in message
    assert _message(postcode_normalise, "12345") == FORMAT_MESSAGE  # not a postcode at all: the format message


def test_a_date_that_does_not_exist_is_called_that():
    message = _message(parse_date, "31/02/2015", FORMATS)  # was "This is not a date: write it as ..."
    assert message == "31/02/2015 is not a date that exists: February 2015 has 28 days"
    assert "month must be between 1 and 12" in _message(parse_date, "2015-13-01", FORMATS)
    assert _message(parse_date, "soon", FORMATS).startswith("This is not a date: write it as YYYY-MM-DD")


def test_an_nhs_number_failing_its_check_digit_is_not_called_a_placeholder():
    message = _message(nhs_number_normalise, "1234567890")  # was "... is a placeholder ..."
    assert "placeholder" not in message and "check digit" in message
    assert "placeholder" in _message(nhs_number_normalise, "0000000000")  # passes the check: a placeholder
