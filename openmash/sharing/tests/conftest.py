"""The secure room's fixtures, built through the services: a decided MASH enquiry asked of the GP and the police,
its child allocated to a social worker, and the people around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support import allocation_open, decide, enquiry_open, nhs_number, requests_send, subject_person


@dataclass
class Room:
    referrer: object
    screener: object
    manager: object
    gp: object  # the GP practice's researcher (owns the GP's items)
    police: object  # the police researcher
    worker: object  # the social worker allocated to the child
    other_worker: object  # a social worker not allocated
    admin: object
    auditor: object
    school: object  # a researcher of an agency not asked
    enquiry: object
    contact: object
    gp_request: object
    police_request: object


@pytest.fixture
def room(make_actor) -> Room:
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    from tests.support import child

    enquiry = enquiry_open(
        referrer=referrer, screener=screener, subjects=[child(surname="Roomchild", nhs=nhs_number())]
    )
    gp_request, police_request = requests_send(screener, enquiry, "health-gp", "police")
    decide(manager, enquiry, outcomes=("assessment_s17",), threshold_level=3)
    enquiry.refresh_from_db()
    worker = make_actor("social_worker", "mash")
    allocation_open(subject_person(enquiry.contact), worker)
    return Room(
        referrer=referrer,
        screener=screener,
        manager=manager,
        gp=make_actor("researcher", "health-gp"),
        police=make_actor("researcher", "police"),
        worker=worker,
        other_worker=make_actor("social_worker", "mash"),
        admin=make_actor("partnership_admin", "mash"),
        auditor=make_actor("auditor", "mash"),
        school=make_actor("researcher", "school-oak"),
        enquiry=enquiry,
        contact=enquiry.contact,
        gp_request=gp_request,
        police_request=police_request,
    )
