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
