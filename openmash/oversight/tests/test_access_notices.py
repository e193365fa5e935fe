"""NT-1 / P4 (SECURITY-TESTS.md; NHS CP-IS): when someone outside the team that owns a flagged child (an open MASH
enquiry, or an allocated worker) opens the child's record, the owning team gets an in-app notification naming who
(role, agency) and when, with a reference; never for the owning team itself; at most one per viewer per child per
hour; never any personal data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from openmash.oversight.tests.conftest import CANARY_FORENAME, CANARY_SURNAME
from tests.support import allocation_open


def _notices_to(user):
    from openmash.enquiries.models import Notification

    return Notification.objects.filter(user=user, oversight_delivery__notice__isnull=False)


@pytest.mark.django_db
def test_a_researcher_opening_a_child_in_an_open_enquiry_notifies_the_hub(world, signed_in, settings):
    from openmash.oversight.models import AccessNotice

    settings.SESSION_COOKIE_AGE = 4 * 3600
    viewer = world["researcher_gp"]  # asked about the child: a basis, but another agency
    client = signed_in(viewer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(f"/people/{world['child'].pk}/").status_code == 200
    notice = AccessNotice.objects.get()
    assert (notice.viewer_id, notice.person_id, notice.owners, notice.basis) == (
        viewer.user.pk,
        world["child"].pk,
        ["hub"],
        "agency_request",
    )
    told = _notices_to(world["manager"].user)
    assert told.count() == 1
    message = told.get().message
    assert notice.reference in message and "Agency researcher at Riverside GP Practice" in message
    assert CANARY_SURNAME not in message and CANARY_FORENAME not in message
    assert _notices_to(world["screener"].user).count() == 1  # the screener holds the enquiry they opened
    # the same viewer again within the hour: no flood
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        client.get(f"/people/{world['child'].pk}/")
        client.get(f"/api/v1/people/{world['child'].pk}")
    assert AccessNotice.objects.count() == 1 and told.count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert client.get(f"/people/{world['child'].pk}/").status_code == 200
    assert AccessNotice.objects.count() == 2 and told.count() == 2


@pytest.mark.django_db
def test_no_notice_for_the_owning_team_or_an_unflagged_child(world, signed_in, make_actor):
    from openmash.oversight.models import AccessNotice

    signed_in(world["screener"]).get(f"/people/{world['child'].pk}/")  # the hub owns the open enquiry
    signed_in(world["manager"]).get(f"/people/{world['child'].pk}/")
    worker = world["social_worker"]
    allocation_open(world["child"], worker)
    signed_in(worker).get(f"/people/{world['child'].pk}/")  # the allocated worker: their own child
    assert AccessNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_view_of_an_allocated_child_from_another_agency_notifies_the_workers_team(world, signed_in, make_actor):
    from openmash.access.actor import actor_for_user
    from openmash.accounts.services import user_create
    from openmash.oversight.models import AccessNotice

    def sw(name, team):
        return actor_for_user(
            user_create(
                username=name,
                password="x",
                agency_code="mash",
                role="social_worker",
                team_name=team,
                check_password=False,
            )
        )

    worker, colleague, elsewhere = (
        sw("sw-worker", "Assessment A"),
        sw("sw-colleague", "Assessment A"),
        sw("sw-other", "Assessment B"),
    )
    allocation_open(world["child"], worker)
    signed_in(world["researcher_gp"]).get(f"/people/{world['child'].pk}/")
    notice = AccessNotice.objects.get()
    assert sorted(notice.owners) == ["allocation", "hub"]
    assert _notices_to(worker.user).count() == 1 and _notices_to(colleague.user).count() == 1
    assert not _notices_to(elsewhere.user).exists()
    # the worker and their team colleagues are an owning team: nobody is told when they open it
    from openmash.access.policy import access_notice_owners

    assert access_notice_owners(colleague, world["child"]) == []
    assert access_notice_owners(worker, world["child"]) == []
    assert [o["owner"] for o in access_notice_owners(elsewhere, world["child"])] == ["hub", "allocation"]


@pytest.mark.django_db
def test_break_glass_on_a_flagged_child_notifies_the_owners_and_the_notice_page_names_no_one(world, signed_in):
    from openmash.enquiries.models import Notification
    from openmash.oversight.models import AccessNotice
    from openmash.oversight.tests.test_break_glass import REASON

    client = signed_in(world["researcher_school"], step_up=True)
    client.post(
        "/emergency-access/", {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": REASON}
    )
    assert client.get(f"/people/{world['child'].pk}/").status_code == 200
    notice = AccessNotice.objects.get()
    assert notice.basis == "break_glass"
    manager = signed_in(world["manager"])
    home = manager.get("/").content.decode()
    assert f"/access-notices/{notice.pk}/" in home  # the notification links to the notice
    page = manager.get(f"/access-notices/{notice.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Agency researcher at Oakfield Primary School" in text
    assert "Break-glass" in text and CANARY_SURNAME not in text and CANARY_FORENAME not in text
    # someone it was not sent to: as missing
    assert signed_in(world["researcher_gp"]).get(f"/access-notices/{notice.pk}/").status_code == 404
    assert Notification.objects.filter(oversight_delivery__notice=notice).count() >= 1
