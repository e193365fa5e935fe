"""What the simulated referrers record (kept apart from the locustfile so tests can import it without locust,
which patches threads with gevent)."""

from __future__ import annotations

import datetime as dt
import random

FORENAMES = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Noah", "Leo", "Oliver", "Arthur", "Muhammad", "Freya", "Theo"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright"]


def nhs_number(rng: random.Random) -> str:
    """A random NHS number with a valid modulus-11 check digit (never a repeated-digit placeholder)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        if len(set(digits)) < 3:
            continue
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def contact_payload(rng: random.Random) -> dict:
    surname = rng.choice(SURNAMES)
    dob = dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=rng.randint(200, 5000))
    return {
        "subjects": [
            {
                "forename": rng.choice(FORENAMES),
                "surname": surname,
                "date_of_birth": dob.isoformat(),
                "sex": rng.choice(["F", "M"]),
                "ethnicity": "WBRI",
                "identifiers": [{"type": "nhs_number", "value": nhs_number(rng)}],
                "address": {"line1": "1 High Street", "town": "Exampleton", "postcode": "EX1 1AA"},
            }
        ],
        "household": [
            {
                "forename": "Daniel",
                "surname": surname,
                "date_of_birth": "1988-01-01",
                "sex": "M",
                "role": "parent_carer",
            }
        ],
        "concern_codes": ["3A", "18C"],
        "narrative": "Synthetic load-test contact: child disclosed an argument at home; no injury seen.",
        "referrer_type": "professional",
        "referrer_name": "Load Test",
        "family_aware": "yes",
        "consent": "obtained",
        "immediate_risk": False,
    }


def candidate_questions(errors: dict) -> list[tuple[str, int]]:
    """The people a refused contact asks "is it them?" about: from a 422's ``errors``, each ``subjects.N.match`` /
    ``household.N.match`` as ("subjects", N) / ("household", N), in order. Other errors are not answered here."""
    asked = []
    for key in errors or {}:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] in ("subjects", "household") and parts[2] == "match" and parts[1].isdigit():
            asked.append((parts[0], int(parts[1])))
    return asked


def candidate_query(person: dict) -> dict:
    """What POST /api/v1/intake/candidates takes for a person of the contact payload (names, date of birth, sex,
    identifiers, postcode)."""
    query = {k: person[k] for k in ("forename", "surname", "date_of_birth", "sex", "identifiers") if k in person}
    postcode = (person.get("address") or {}).get("postcode")
    return {**query, "postcode": postcode} if postcode else query


def answer_candidates(body: dict, errors: dict, lookup) -> bool:
    """Answer a 422 "is it them?" as a real client would: look each person asked about up (``lookup(query)`` returns
    the candidates' ids, from POST /api/v1/intake/candidates) and, the simulated people being new, list every one in
    the person's ``not_person_ids``. Changes ``body`` in place; True if there was anything to answer (then post it
    again), False if the refusal was about something else."""
    asked = candidate_questions(errors)
    for group, index in asked:
        person = body[group][index]
        ids = [str(i) for i in lookup(candidate_query(person))]
        person["not_person_ids"] = list(dict.fromkeys([*person.get("not_person_ids", []), *ids]))
    return bool(asked)
