"""Who holds what (practitioner review, fault 12): the hub had no view of its workload. /workload/ shows, for each
screener and manager, the contacts awaiting screening and the open enquiries they hold, overdue and immediate-risk
ones apart, each figure a link to the list filtered to it (whose total is the same figure)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.accounts.mfa import totp_device_ensure
from openmash.accounts.models import User
from openmash.enquiries.assignment import contact_assign, contact_take
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
    enquiry_open(referrer=referrer, screener=ann)  # the screener who opens an enquiry holds it
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


# --- a leaver's work (issue 5 practitioner review, fault 2) ---------------------------------------------------------


def _numbers(row: list[str]) -> list[int]:
    return [int(c) for c in row]


def test_work_held_by_someone_who_has_left_still_counts_and_can_be_listed(login, hub, shared_out):
    """Ann left before her work was handed back (or her role changed): her items are still hers, so the workload
    shows them against her, the rows add up to the total, and the lists can be filtered to them."""
    ann, ben, manager = hub
    User.objects.filter(pk=ann.user.pk).update(is_active=False)
    client = login(manager)
    page = client.get("/workload/").content.decode()
    assert _row(page, "Ann Adeyemi")[:5] == ["2", "1", "1", "1", "0"] and "can no longer hold work" in page
    rows = [_numbers(_row(page, name)) for name in ("Ann Adeyemi", "Ben Brooks", "Nobody yet")]
    assert sum(r[0] for r in rows) == 4 and sum(r[3] for r in rows) == 1
    assert "4 contacts awaiting screening and 1 open enquiry" in page
    assert 'href="/screening/?assigned=left"' in page
    for query in (f"assigned={ann.user.pk}", "assigned=left"):
        listed = client.get(f"/screening/?{query}").content.decode()
        assert "Correct the filters" not in listed and "There is a problem" not in listed, query
        assert "2 contacts awaiting screening matching the filters" in listed, query
        enquiries = client.get(f"/enquiries/?{query}").content.decode()
        assert "There is a problem" not in enquiries and "1 open enquiry" in enquiries.replace("enquiries", "enquiry")
    queue = client.get("/screening/").content.decode()
    assert f'value="{ann.user.pk}">Ann Adeyemi (has left)</option>' in queue
    assert 'value="left">Someone who has left</option>' in queue


def test_deactivating_a_leaver_warns_and_puts_their_work_back_on_the_queue(login, hub, shared_out, make_actor):
    from openmash.audit.models import AuditEvent
    from openmash.contacts.models import Contact
    from openmash.enquiries.models import Enquiry

    ann, ben, manager = hub
    admin = login(make_actor("partnership_admin", "mash"))
    page = admin.get(f"/partnership/users/{ann.user.pk}/deactivate/").content.decode()
    assert "holds 3 items of hub work" in page and "2 contacts awaiting screening, 1 open enquiry" in page
    r = admin.post(f"/partnership/users/{ann.user.pk}/deactivate/", {"reason": "Left on 30 November"}, follow=True)
    assert "The 3 items they held were put back on the shared queue" in r.content.decode()
    assert not Contact.objects.filter(assigned_to=ann.user).exists()
    assert not Enquiry.objects.filter(assigned_to=ann.user).exists()
    moved = AuditEvent.objects.filter(action="assign", reason="leaver", detail__from=str(ann.user.pk))
    assert moved.count() == 3 and {e.object_type for e in moved} == {"contacts.contact", "enquiries.enquiry"}
    listed = login(manager).get("/screening/?assigned=none").content.decode()
    assert "3 contacts awaiting screening matching the filters" in listed  # back on the shared queue


def test_a_leaver_s_work_can_be_handed_to_a_named_colleague(login, hub, shared_out, make_actor):
    from openmash.contacts.models import Contact

    ann, ben, manager = hub
    totp_device_ensure(ben.user)  # Ben can sign in and work: password set, second factor enrolled
    admin = login(make_actor("partnership_admin", "mash"))
    url = f"/partnership/users/{ann.user.pk}/deactivate/"
    page = admin.get(url).content.decode()
    assert f'<option value="{ben.user.pk}">Ben Brooks</option>' in page
    referrer = make_actor("referrer", "police")
    r = admin.post(url, {"reason": "Left", "hand_work_to": referrer.user.pk})
    assert r.status_code == 200 and "Choose a screener or manager in the hub" in r.content.decode()
    assert User.objects.get(pk=ann.user.pk).is_active  # refused: a referrer cannot hold hub work
    r = admin.post(url, {"reason": "Left", "hand_work_to": ben.user.pk}, follow=True)
    assert "The 3 items they held were handed to Ben Brooks" in r.content.decode()
    assert not User.objects.get(pk=ann.user.pk).is_active
    assert Contact.objects.filter(assigned_to=ben.user).count() == 3


# --- "a Monday of 60 contacts": a leaver's work goes only to someone who can sign in and work -------------------


@pytest.fixture
def cannot_sign_in(make_actor):
    """A starter who never set a password (second factor enrolled), and a screener with a password but no second
    factor: hub screeners who cannot sign in and work yet."""
    starter, unenrolled = make_actor("screener", "mash"), make_actor("screener", "mash", enrolled=False)
    starter.user.set_unusable_password()
    starter.user.save(update_fields=["password"])
    totp_device_ensure(starter.user)
    return starter, unenrolled


def test_a_leaver_s_work_is_offered_only_to_colleagues_who_can_sign_in(
    login, hub, shared_out, make_actor, cannot_sign_in
):
    ann, ben, manager = hub
    totp_device_ensure(ben.user)
    starter, unenrolled = cannot_sign_in
    admin = login(make_actor("partnership_admin", "mash"))
    url = f"/partnership/users/{ann.user.pk}/deactivate/"
    page = admin.get(url).content.decode()
    assert f'<option value="{ben.user.pk}">' in page
    assert f'<option value="{starter.user.pk}">' not in page and f'<option value="{unenrolled.user.pk}">' not in page
    assert "Only colleagues who can sign in and work now are listed" in page
    for colleague in (starter, unenrolled):
        r = admin.post(url, {"reason": "Left", "hand_work_to": colleague.user.pk})
        assert r.status_code == 200
        body = r.content.decode()
        assert "govuk-error-summary" in body and 'href="#id_hand_work_to"' in body
    assert User.objects.get(pk=ann.user.pk).is_active


def test_the_service_refuses_a_colleague_who_cannot_sign_in(hub, shared_out, make_actor, cannot_sign_in):
    from openmash.accounts.admin_services import user_set_active
    from openmash.core.exceptions import ValidationFailed

    ann, ben, manager = hub
    admin = make_actor("partnership_admin", "mash")
    starter, unenrolled = cannot_sign_in
    inactive = make_actor("screener", "mash")
    totp_device_ensure(inactive.user)
    User.objects.filter(pk=inactive.user.pk).update(is_active=False)
    for colleague in (starter, unenrolled, inactive):
        with pytest.raises(ValidationFailed) as exc:
            user_set_active(
                actor=admin, username=ann.user.username, active=False, reason="Left", hand_work_to=colleague.user.pk
            )
        assert "hand_work_to" in exc.value.errors
    assert "second factor" in str(
        _refusal(admin, ann, starter)
    )  # the message says why: no password or second factor yet
    assert User.objects.get(pk=ann.user.pk).is_active


def _refusal(admin, leaver, colleague):
    from openmash.accounts.admin_services import user_set_active
    from openmash.core.exceptions import ValidationFailed

    try:
        user_set_active(
            actor=admin, username=leaver.user.username, active=False, reason="Left", hand_work_to=colleague.user.pk
        )
    except ValidationFailed as exc:
        return exc.errors["hand_work_to"]
    return None
