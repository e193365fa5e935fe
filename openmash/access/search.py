"""THE rule for who a list of people found by what someone typed may include (issue 7, "lawful and secure sharing";
SECURITY-TESTS.md SR-1; docs/security/access-and-audit.md, "Person search", and ADR 0009's addendum).

A search or an intake lookup may list:

- anyone the searcher may open (``access.policy.people_visible``: the hub everyone; an allocated worker their
  children and the people named in the contacts that reached them; a researcher the subject children of the
  requests addressed to their agency; a live break-glass), shown as the field table says;
- anyone else **only when a given name AND a family name AND the date of birth typed all agree with that
  person** (people.lookup._name_and_dob_agree): every word typed matches a name the person is known by, the family
  name exactly (transliterated, in either order, hyphen and space variants; never a sound-alike), the given name
  exactly, as a word of it, as a nickname or formal form, or sounding alike only when also spelt alike (Kaden for
  Kayden; "Lisa" must not list "Lucy"), the date of birth
  exactly or with day and month swapped, held with those names. One word of a name with a date of birth is not
  enough: it would tell the searcher the rest of the name (attacker review of issue 7; ADR 0009 addendum 3). They
  are then shown with the minimum details (the field table's ``no_basis`` audience: names, date of birth, sex).

Everyone else a query matched is left out as if they were not held: not listed, not counted, not paged, not
audited as a result. Why: a list that shows names and dates of birth of people the searcher may not open must not
tell them anything they did not already know. Someone who types a child's name and date of birth already knows both;
being told "a child with these details is known" (so the referrer names the known child and no duplicate is made)
is the least that can be shared. A surname and a postcode, or a date of birth and a postcode, told the searcher who
lives at an address or who was born on a day: enumeration, not recognition (attacker review of issue 7). Sources:
SECURITY-TESTS.md SR-1 ("only in-basis records"; the minimum two identifiers); Caldicott principle 3 ("use the
minimum necessary") and 4 (need-to-know); OWASP ASVS 5.0 v5.0.0-14.2.6 (return the minimum) and 8.2.2 (object-level
access).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from openmash.access.policy import can, people_visible_ids

_CHUNK = 500  # ids per IN (...) list
#: an id no person has: asked about when nobody matched, so each answer makes the same queries whether or not
#: anyone was withheld
NOBODY_ID = uuid.UUID(int=0)


def search_listing_allowed(*, in_basis: bool, name_and_dob_agree: bool) -> bool:
    """THE rule (module docstring) for one person a query matched. In: whether the searcher may open the person
    (``in_basis``) and whether the name and the date of birth typed both agree with them (``name_and_dob_agree``,
    decided by people.lookup). Out: True when the person may be listed. Pure."""
    return in_basis or name_and_dob_agree


def intake_link_outcome_shown(actor) -> bool:
    """Whether ``actor`` may be told, when a contact they record is saved, that a new person's identifier belongs to
    someone already known (the record joined, or held for the MASH to check). Only the hub's screeners and managers
    ("link.review"), who see the match anyway on the screening page and the review queue. Anyone else gets the same
    answer whether or not an identifier given is known: a referrer who typed a made-up name and date of birth with a
    real NHS number or UPN would otherwise learn that the number is held (attacker review of issue 7, enumeration
    by identifier; ADR 0009 addendum 3). In: the actor. Out: bool. No query."""
    return can(actor, "link.review")


def search_people_listed(actor, agreement: Mapping) -> tuple[list, set]:
    """Which of the people a query matched may be listed to ``actor``, by ``search_listing_allowed``.

    In: {person id: whether the name and date of birth typed both agree with that person}, best match first (the
    ids of resolved people). Out: (the ids that may be listed, in the order given; the set of those the actor may
    open). One query per 500 ids asked about, and one when there are none (none for the hub, who may open
    everyone); a person whose name and date of birth agree is asked about too, so what the result shows of them is
    decided as for anyone (access.fields.person_search_fields)."""
    ids = list(agreement)
    viewable: set = set()
    for start in range(0, len(ids), _CHUNK):
        viewable |= people_visible_ids(actor, ids[start : start + _CHUNK])
    if not ids:
        # the basis query runs whether or not anyone matched, so an answer with everyone withheld takes what an
        # answer with nobody matched takes (no timing difference of one query; attacker review of issue 7)
        people_visible_ids(actor, [NOBODY_ID])
    listed = [
        pid for pid in ids if search_listing_allowed(in_basis=pid in viewable, name_and_dob_agree=bool(agreement[pid]))
    ]
    return listed, viewable & set(listed)
