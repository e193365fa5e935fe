"""Intake candidates (openmash.matching.candidates): exact identifier matches after normalisation, and close
name / date-of-birth / postcode matches with the reasons in words."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import PermissionDenied
from openmash.matching.candidates import candidates_for, intake_candidates
from tests.support import child, contact_record, subject_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(make_actor):
    """Children already known to the partnership, recorded by the police."""
    police = make_actor("referrer", "police")

    def record(forename, surname, dob, **extra):
        return subject_person(contact_record(police, subjects=[child(forename, surname, dob, **extra)], household=[]))

    return record


def _ids(found):
    return [c.person.pk for c in found]


def test_an_identifier_written_differently_is_an_exact_match(known):
    kayden = known("Kayden", "Smith", "2017-03-03", nhs="999 314 1593")
    found = candidates_for({"forename": "Someone", "identifiers": [{"type": "nhs_number", "value": "999-314-1593"}]})
    assert _ids(found) == [kayden.pk]
    assert found[0].exact and found[0].reasons == ["same NHS number"]


def test_a_placeholder_or_invalid_identifier_matches_nobody(known):
    known("Kayden", "Smith", "2017-03-03", nhs="9993141593")
    for value in ("0000000000", "9993141592", ""):
        assert candidates_for({"identifiers": [{"type": "nhs_number", "value": value}]}) == []


def test_kaden_finds_kayden_with_reasons(known):
    kayden = known("Kayden", "Smith", "2017-03-03", sex="M")
    found = candidates_for({"forename": "Kaden", "surname": "Smith", "date_of_birth": "2017-03-03", "sex": "F"})
    assert _ids(found) == [kayden.pk]
    assert found[0].reasons[:3] == ["first name sounds alike", "same surname", "same date of birth"]
    assert found[0].reasons[-1] == "but recorded as a different sex"  # contrary evidence is said, not hidden
    assert not found[0].exact


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ({"forename": "Lucja", "surname": "Walesa", "date_of_birth": "2016-05-04"}, "same first name"),
        ({"forename": "Łucja", "surname": "Wałęsa", "date_of_birth": "2016-04-05"}, "day and month of birth swapped"),
        ({"forename": "Walesa", "surname": "Łucja", "date_of_birth": "2016-05-04"}, "first and last names swapped"),
        ({"forename": "Łucja", "surname": "Wałęsa", "postcode": "EX1 1AA"}, "same postcode"),
    ],
)
def test_close_matches_over_names_dates_and_postcodes(known, details, reason):
    lucja = known("Łucja", "Wałęsa", "2016-05-04")
    found = candidates_for(details)
    assert _ids(found) == [lucja.pk]
    assert reason in found[0].reasons


def test_a_name_alone_or_an_unrelated_child_offers_nobody(known):
    known("Kayden", "Smith", "2017-03-03")
    assert candidates_for({"forename": "Kayden", "surname": "Smith"}) == []  # at least two identifying items
    assert candidates_for({"forename": "Olivia", "surname": "Brown", "date_of_birth": "2017-03-03"}) == []


def test_candidates_are_resolved_people(make_actor, known):
    kayden = known("Kayden", "Smith", "2017-03-03", nhs="9993141593")
    known("Kaden", "Smith", "2017-03-03", nhs="999-314-1593")  # joined to Kayden by the NHS number
    found = candidates_for({"forename": "Kaiden", "surname": "Smith", "date_of_birth": dt.date(2017, 3, 3)})
    assert _ids(found) == [kayden.pk]


def test_the_intake_lookup_is_audited_and_needs_a_professional_role(make_actor, known):
    kayden = known("Kayden", "Smith", "2017-03-03")
    school = make_actor("referrer", "school-oak")
    found = intake_candidates(
        actor=school, details={"forename": "Kaden", "surname": "Smith", "date_of_birth": "2017-03-03"}
    )
    assert _ids(found) == [kayden.pk]
    search = AuditEvent.objects.get(actor_user_id=school.user.pk, action="search")
    assert search.detail == {"by": "intake_candidates", "results": 1, "exact": 0}
    assert AuditEvent.objects.filter(action="search_result", object_id=str(kayden.pk)).exists()
    with pytest.raises(PermissionDenied):
        intake_candidates(actor=make_actor("auditor", "mash"), details={"forename": "Kaden"})


def test_look_alike_letters_in_a_latin_name_are_read_as_the_letters_they_look_like():
    """Attacker review: a name spoofed with Cyrillic or Greek letters drawn like Latin ones ("Kaуleigh Gгay": у and
    г, which transliterate as u and g) is compared as it looks; a name written wholly in Cyrillic is transliterated."""
    from openmash.matching.candidates import _lookalikes_latin

    assert _lookalikes_latin("Ka\u0443leigh") == "Kayleigh" and _lookalikes_latin("G\u0433ay") == "Gray"
    assert _lookalikes_latin("\u039aayleigh") == "Kayleigh"  # Greek capital kappa
    assert _lookalikes_latin("Мария") == "Мария" and _lookalikes_latin("O'Brien") == "O'Brien"
