"""Who holds what (practitioner review, fault 12): the hub had no view of its workload. /workload/ shows, for each
screener and manager, the contacts awaiting screening and the open enquiries they hold, overdue and immediate-risk
ones apart, each figure a link to the list filtered to it (whose total is the same figure)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.accounts.models import User
from openmash.enquiries.assignment import contact_assign, contact_take, enquiry_take
from tests.support import contact_record, enquiry_open


@pytest.fixture
def hub(make_actor):
    ann, ben, manager = make_actor("screener", "mash"), make_actor("screener", "mash"), make_actor("manager", "mash")
    User.objects.filter(pk=ann.user.pk).update(display_name="Ann Adeyemi")
    User.objects.filter(pk=ben.user.pk).update(display_name="Ben Brooks")
    return ann, ben, manager


@pytest.fixture
def shared_out(hub, make_actor):
    """Ann holds 2 contacts (1 overdue, 1 at immediate risk) and 1 enquiry; Ben holds 1 contact; 1 nobody holds."""
    ann, ben, manager = hub
    referrer = make_actor("referrer", "police")
    old = timezone.now() - dt.timedelta(days=6)
    late = contact_record(referrer, received_at=old)
    urgent = contact_record(referrer, immediate_risk=True, immediate_risk_detail="Cannot go home")
    bens = contact_record(referrer)
    contact_record(referrer)  # nobody holds it
    contact_take(actor=ann, contact_id=late.pk)
    contact_take(actor=ann, contact_id=urgent.pk)
    contact_assign(actor=manager, contact_id=bens.pk, assign_to=ben.user.pk)
    enquiry = enquiry_open(referrer=referrer, screener=manager)
    enquiry_take(actor=ann, enquiry_id=enquiry.pk)
    return late, urgent, bens


def _row(html: str, name: str) -> list[str]:
    for row in re.findall(r'<tr class="govuk-table__row" data-testid="workload-row">(.*?)</tr>', html, re.S):
        if name in row:
            return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row for {name}")


def test_the_workload_counts_each_holder_s_work_and_links_to_the_lists(login, hub, shared_out):
    ann, ben, manager = hub
    client = login(manager)
    page = client.get("/workload/").content.decode()
    assert _row(page, "Ann Adeyemi") == ["2", "1", "1", "1", "0"]
    assert _row(page, "Ben Brooks") == ["1", "0", "0", "0", "0"]
    assert _row(page, "Nobody yet") == ["1", "0", "0", "0", "0"]
    assert "4 contacts awaiting screening and 1 open enquiry" in page
    assert f'href="/screening/?assigned={ann.user.pk}&amp;overdue=1"' in page
    listed = client.get(f"/screening/?assigned={ann.user.pk}&overdue=1").content.decode()
    assert "1 contact awaiting screening matching the filters" in listed  # the figure and its list agree
    assert f'href="/enquiries/?assigned={ann.user.pk}"' in page and 'href="/screening/?assigned=none"' in page


def test_screeners_and_managers_see_it_others_do_not(login, hub, make_actor):
    ann, _, manager = hub
    nav = 'href="/workload/"'
    assert nav in login(ann).get("/").content.decode() and login(ann).get("/workload/").status_code == 200
    assert login(manager).get("/workload/").status_code == 200
    for role, agency in (("referrer", "police"), ("researcher", "health-gp"), ("social_worker", "mash")):
        client = login(make_actor(role, agency))
        assert client.get("/workload/").status_code == 403
        assert nav not in client.get("/").content.decode()
