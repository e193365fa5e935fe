"""No personal data in a URL (issue 7): a query string or path stays in proxy and access logs, browser history and
bookmarks, and is sent on in Referer headers. A person's names, date of birth or age, identifiers (NHS number, UPN,
PNC ID), postcode or address are therefore taken only in a request body (a POSTed form, a JSON body).

``personal_parameters`` names the query parameters that carry such data, by the words of their names, so an
endpoint that must refuse them (GET /api/v1/people, kept to tell old clients where the search went) names each one
in its 422; tests/test_no_personal_data_in_urls.py walks the OpenAPI document with the same rule so that no GET
operation declares such a parameter again."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words that, as a whole word of a parameter's name (split on "_", "-", "." and camel case), mark personal data.
PERSONAL_WORDS = frozenset(
    {
        "name", "names", "forename", "forenames", "surname", "surnames", "firstname", "lastname",
        "given", "family", "first", "last", "middle",
        "dob", "birth", "born", "age",
        "nhs", "upn", "pnc", "identifier", "identifiers", "ni", "nino",
        "postcode", "postal", "address", "street", "line1", "line2", "town",
        "email", "phone", "telephone", "mobile",
        "q", "query", "term", "terms", "search",
    }
)  # fmt: skip

#: Names with a personal word that carry only a code about the data, not the data ("which kind of identifier").
NOT_PERSONAL = frozenset({"identifier_type"})

PERSONAL_DATA_IN_URL = (
    "Personal data is never taken in a URL (it stays in proxy and access logs and browser history): send the "
    "search in the JSON body of POST /api/v1/people/search"
)
SEARCH_BY_POST = "Search people with POST /api/v1/people/search, the terms in the JSON body"

_SPLIT = re.compile(r"[_\-.\[\]\s]+|(?<=[a-z0-9])(?=[A-Z])")


def parameter_words(name: str) -> set[str]:
    """The words of a parameter name, lower case: "date_of_birth" -> {"date", "of", "birth"}, "givenName" ->
    {"given", "name"}."""
    return {w.lower() for w in _SPLIT.split(name) if w}


def personal_parameter(name: str) -> bool:
    """Whether a query parameter's name says it carries personal data (PERSONAL_WORDS; not NOT_PERSONAL)."""
    return name not in NOT_PERSONAL and bool(parameter_words(name) & PERSONAL_WORDS)


def personal_parameters(names: Iterable[str]) -> list[str]:
    """The names among `names` (e.g. request.GET) that carry personal data, in order, each once, cut to 40
    characters (a name is echoed back in a refusal, never its value)."""
    return list(dict.fromkeys(n[:40] for n in names if personal_parameter(n)))
