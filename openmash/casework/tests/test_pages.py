"""Casework pages: notes and strategy discussions from the enquiry/contact pages, the MASH pack, the social
worker's home page, allocating siblings together and closing an allocation."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.casework.models import CaseNote, StrategyDiscussion
from openmash.casework.services import allocations_assign_together, case_note_add
from openmash.enquiries.models import CaseAllocation


def _client(actor):
    c = Client()
    c.force_login(actor.user)
    return c


def _ids(contact):
    return [str(p) for p in contact.people.filter(role="subject").values_list("person_id", flat=True)]


def _now_fields(prefix_date: str, prefix_time: str, when=None) -> dict:
    local = timezone.localtime(when or timezone.now() - dt.timedelta(minutes=5))
    return {
        f"{prefix_date}_day": str(local.day),
        f"{prefix_date}_month": str(local.month),
        f"{prefix_date}_year": str(local.year),
        prefix_time: local.strftime("%H:%M"),
    }


def test_enquiry_page_links_to_add_a_note_and_record_the_strategy_discussion(screener, decided_enquiry):
    page = _client(screener).get(f"/enquiries/{decided_enquiry.pk}/").content.decode()
    assert 'data-testid="add-case-note"' in page and 'data-testid="record-strategy"' in page
    assert "No case notes yet." in page and 'data-testid="open-pack"' in page


def test_contact_page_shows_the_panels_to_the_hub_only(screener, referrer, strategy_contact):
    hub = _client(screener).get(f"/contacts/{strategy_contact.pk}/").content.decode()
    assert 'data-testid="casework-panels"' in hub and 'data-testid="record-strategy"' in hub
    own = _client(referrer).get(f"/contacts/{strategy_contact.pk}/").content.decode()
    assert 'data-testid="casework-panels"' not in own


def test_adding_a_note_and_a_correction_through_the_pages(screener, decided_enquiry):
    client, contact = _client(screener), decided_enquiry.contact
    url = f"/contacts/{contact.pk}/notes/new/"
    r = client.post(
        url,
        {"note_type": "phone_call", "text": "Called the GP surgery.", **_now_fields("occurred_on", "occurred_time")},
    )
    assert r.status_code == 302 and r["Location"] == f"/enquiries/{decided_enquiry.pk}/#case-notes"
    note = CaseNote.objects.get()
    page = client.get(f"/contacts/{contact.pk}/notes/new/?corrects={note.pk}").content.decode()
    assert 'data-testid="corrected-note"' in page and "Called the GP surgery." in page
    r = client.post(
        url,
        {
            "note_type": "phone_call",
            "text": "Correction: it was the health visitor.",
            "corrects_id": str(note.pk),
            **_now_fields("occurred_on", "occurred_time"),
        },
    )
    assert r.status_code == 302
    enquiry_page = client.get(f"/enquiries/{decided_enquiry.pk}/").content.decode()
    assert "Corrected" in enquiry_page and "Correction: it was the health visitor." in enquiry_page
    assert f'href="#note-{note.pk}"' in enquiry_page  # the correction links to the note it corrects


def test_a_bad_note_shows_the_gov_uk_error_pattern_and_saves_nothing(screener, strategy_contact):
    r = _client(screener).post(
        f"/contacts/{strategy_contact.pk}/notes/new/",
        {
            "note_type": "",
            "text": "",
            "occurred_on_day": "31",
            "occurred_on_month": "2",
            "occurred_on_year": "2026",
            "occurred_time": "25:00",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in page and "govuk-error-summary" in page
    for message in ("Choose the type of note", "Enter the note", "must be a real date"):
        assert message in page
    assert 'href="#id_note_type"' in page and 'href="#id_text"' in page
    assert not CaseNote.objects.exists()


def test_a_future_note_time_lands_on_the_date_field(screener, strategy_contact):
    future = timezone.now() + dt.timedelta(days=2)
    r = _client(screener).post(
        f"/contacts/{strategy_contact.pk}/notes/new/",
        {"note_type": "other", "text": "x", **_now_fields("occurred_on", "occurred_time", future)},
    )
    page = r.content.decode()
    assert "must be in the past" in page and 'href="#id_occurred_on"' in page


def test_service_errors_on_a_note_land_on_their_field(screener, strategy_contact):
    """A control character in the text is refused (the shared text rule, openmash.core.text, which removes
    invisible characters such as bidi overrides and refuses control characters): the error links to the text box."""
    r = _client(screener).post(
        f"/contacts/{strategy_contact.pk}/notes/new/",
        {"note_type": "other", "text": "abc\x07def", **_now_fields("occurred_on", "occurred_time")},
    )
    page = r.content.decode()
    assert "control characters" in page and 'href="#id_text"' in page
    assert 'id="id_text_error"' in page
    assert not CaseNote.objects.exists()


def _strategy_post(**overrides):
    due = timezone.localdate() + dt.timedelta(days=1)
    data = {
        **_now_fields("held_on", "held_time"),
        "section47": "yes",
        "rationale": "Injury and disclosure",
        "attendees-TOTAL_FORMS": "3",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-agency_code": "police",
        "attendees-0-name": "DS Example",
        "attendees-0-role": "Detective sergeant",
        "attendees-1-agency_code": "health-gp",
        "attendees-1-name": "Dr Example",
        "attendees-2-agency_code": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Joint visit",
        "actions-0-owner": "Social worker",
        "actions-0-owner_agency_code": "",
        "actions-0-due_date_day": str(due.day),
        "actions-0-due_date_month": str(due.month),
        "actions-0-due_date_year": str(due.year),
    }
    data.update(overrides)
    return data


def test_recording_a_strategy_discussion_through_the_page(manager, decided_enquiry):
    client = _client(manager)
    url = f"/contacts/{decided_enquiry.contact_id}/strategy-discussion/new/"
    assert client.get(url).status_code == 200
    r = client.post(url, _strategy_post())
    assert r.status_code == 302, r.content.decode()[:2000]
    d = StrategyDiscussion.objects.get()
    assert d.enquiry == decided_enquiry and d.attendees.count() == 2 and d.actions.count() == 1
    page = client.get(f"/enquiries/{decided_enquiry.pk}/").content.decode()
    assert 'data-testid="strategy-discussion"' in page and "DS Example" in page


def test_strategy_page_requires_a_reason_without_police_and_errors_land_on_rows(manager, strategy_contact):
    url = f"/contacts/{strategy_contact.pk}/strategy-discussion/new/"
    r = _client(manager).post(url, _strategy_post(**{"attendees-0-agency_code": "mash", "actions-0-owner": ""}))
    page = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in page
    assert "No one from police took part" in page and 'href="#id_missing_agencies_reason"' in page
    assert 'href="#id_actions-0-owner"' in page
    assert not StrategyDiscussion.objects.exists()


def test_home_page_lists_mash_packs_for_the_allocated_worker(manager, worker, other_worker, strategy_contact):
    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=_ids(strategy_contact),
        worker_membership_id=str(worker.membership.pk),
    )
    home = _client(worker).get("/").content.decode()
    assert 'data-testid="mash-packs"' in home and strategy_contact.reference in home
    assert AuditEvent.objects.filter(action="list", reason="mash packs", actor_user_id=worker.user.pk).exists()
    other = _client(other_worker).get("/").content.decode()
    assert "No MASH packs have been handed to you." in other and strategy_contact.reference not in other


def test_an_unallocated_pack_is_on_no_social_workers_home_page_but_on_the_managers_list(
    manager, screener, worker, other_worker, strategy_contact
):
    """Practitioner review, fault 3: before anyone is allocated, no social worker sees the pack (home page, list,
    the pack itself); the MASH managers have it on their "to allocate" list with a link to allocate."""
    for sw in (worker, other_worker):
        home = _client(sw).get("/").content.decode()
        assert strategy_contact.reference not in home and "No MASH packs have been handed to you." in home
        assert strategy_contact.reference not in _client(sw).get("/packs/").content.decode()
        assert _client(sw).get(f"/packs/{strategy_contact.pk}/").status_code == 404
        assert strategy_contact.reference not in _client(sw).get("/packs/?to_allocate=1").content.decode()
    home = _client(manager).get("/").content.decode()
    assert 'data-testid="tile-packs-to-allocate"' in home and "1 MASH pack waiting for a social worker" in home
    listed = _client(manager).get("/packs/?to_allocate=1").content.decode()
    assert strategy_contact.reference in listed and f"/contacts/{strategy_contact.pk}/allocate/" in listed
    assert "/packs/?to_allocate=1" not in _client(screener).get("/").content.decode()
    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=_ids(strategy_contact),
        worker_membership_id=str(worker.membership.pk),
    )
    assert strategy_contact.reference not in _client(manager).get("/packs/?to_allocate=1").content.decode()
    assert strategy_contact.reference in _client(worker).get("/").content.decode()
    assert strategy_contact.reference not in _client(other_worker).get("/").content.decode()


def test_the_packs_list_and_the_home_page_draw_the_same_table_from_one_template(manager, worker, strategy_contact):
    import re

    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=_ids(strategy_contact),
        worker_membership_id=str(worker.membership.pk),
    )
    client = _client(worker)
    home, listed = client.get("/"), client.get("/packs/")
    for response in (home, listed):
        assert "casework/_pack_table.html" in [t.name for t in response.templates]

    def rows(response) -> str:
        return re.search(r'<tbody class="govuk-table__body">.*?</tbody>', response.content.decode(), re.S).group(0)

    home_html = home.content.decode()
    table = home_html[home_html.index('data-testid="mash-packs"') :]
    assert rows(listed) == re.search(r'<tbody class="govuk-table__body">.*?</tbody>', table, re.S).group(0)
    assert strategy_contact.reference in rows(listed)


def test_pack_page_for_the_worker_and_404_for_one_not_allocated(
    manager, worker, other_worker, screener, decided_enquiry
):
    contact = decided_enquiry.contact
    case_note_add(
        actor=manager,  # management oversight notes are the MASH manager's
        contact_id=contact.pk,
        note_type="management_oversight",
        occurred_at=timezone.now(),
        text="Manager agrees with strategy outcome.",
    )
    allocations_assign_together(
        actor=manager, contact_id=contact.pk, person_ids=_ids(contact), worker_membership_id=str(worker.membership.pk)
    )
    before = AuditEvent.objects.filter(reason="mash pack").count()
    page = _client(worker).get(f"/packs/{contact.pk}/").content.decode()
    assert "Significant harm likely" in page
    assert "Manager agrees with strategy outcome." in page
    # the secure room (issue 7): nothing an agency has not released reaches the pack; the worker may ask for it
    assert "Held by the MASH" in page and "Disclosure to the designated" not in page
    assert "Known to the practice" not in page and 'data-testid="ask-release"' in page
    assert 'data-testid="close-allocation-form"' in page
    assert AuditEvent.objects.filter(reason="mash pack").count() == before + 1
    assert _client(other_worker).get(f"/packs/{contact.pk}/").status_code == 404


def test_allocating_siblings_together_and_closing_through_the_pages(manager, worker, strategy_contact):
    client = _client(manager)
    url = f"/contacts/{strategy_contact.pk}/allocate/"
    page = client.get(url).content.decode()
    assert "Amelia Sibling" in page and "Ben Sibling" in page
    r = client.post(url, {"worker": str(worker.membership.pk)})
    assert r.status_code == 200 and "Select at least one child" in r.content.decode()
    r = client.post(url, {"worker": str(worker.membership.pk), "person_ids": _ids(strategy_contact)})
    assert r.status_code == 302
    assert CaseAllocation.objects.filter(worker=worker.user, closed_at__isnull=True).count() == 2

    wc = _client(worker)
    allocation = CaseAllocation.objects.filter(worker=worker.user).first()
    close_url = f"/packs/{strategy_contact.pk}/allocations/{allocation.pk}/close/"
    r = wc.post(close_url, {"reason": ""})
    assert r.status_code == 200 and "Enter why the allocation is closing" in r.content.decode()
    assert wc.post(close_url, {"reason": "Assessment complete"}).status_code == 302
    allocation.refresh_from_db()
    assert allocation.closed_at is not None
    # the sibling's allocation is still open, so the pack stays until that closes too
    assert wc.get(f"/packs/{strategy_contact.pk}/").status_code == 200
    other = CaseAllocation.objects.get(worker=worker.user, closed_at__isnull=True)
    assert wc.post(f"/packs/{strategy_contact.pk}/allocations/{other.pk}/close/", {"reason": "Done"}).status_code == 302
    assert wc.get(f"/packs/{strategy_contact.pk}/").status_code == 404


def test_casework_pages_are_forbidden_outside_the_hub(worker, referrer, strategy_contact):
    for actor in (worker, referrer):
        c = _client(actor)
        assert c.get(f"/contacts/{strategy_contact.pk}/notes/new/").status_code == 403
        assert c.get(f"/contacts/{strategy_contact.pk}/strategy-discussion/new/").status_code == 403
        assert c.get(f"/contacts/{strategy_contact.pk}/allocate/").status_code == 403


def test_pack_page_and_home_page_query_counts_stay_flat(manager, worker, screener, decided_enquiry, csc):
    """More notes, discussions and allocations on a pack do not add queries (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openmash.casework.services import strategy_discussion_record
    from openmash.casework.tests.conftest import attendees

    contact = decided_enquiry.contact
    allocations_assign_together(
        actor=manager, contact_id=contact.pk, person_ids=_ids(contact), worker_membership_id=str(worker.membership.pk)
    )
    client = _client(worker)

    def counts():
        with CaptureQueriesContext(connection) as pack_q:
            assert client.get(f"/packs/{contact.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as home_q:
            assert client.get("/").status_code == 200
        return len(pack_q), len(home_q)

    def add_casework():
        first = case_note_add(
            actor=screener, contact_id=contact.pk, note_type="other", occurred_at=timezone.now(), text="A note"
        )
        case_note_add(
            actor=screener,
            contact_id=contact.pk,
            note_type="other",
            occurred_at=timezone.now(),
            text="A correction",
            corrects_id=first.pk,
        )
        strategy_discussion_record(
            actor=manager,
            contact_id=contact.pk,
            held_at=timezone.now(),
            attendees=attendees("police", "health-gp"),
            section47=True,
            rationale="Significant harm",
            actions=[
                {"description": "Visit", "owner": "SW", "owner_agency_code": "police", "due_date": timezone.localdate()}
            ],
        )

    add_casework()
    before = counts()
    for _ in range(3):
        add_casework()
    assert counts() == before


def test_the_pack_list_pages_and_states_its_true_total(manager, referrer, screener, api):
    from tests.support import contact_record, screen

    contacts = []
    for _ in range(27):
        c = contact_record(referrer)
        screen(screener, c, outcome="strategy")
        contacts.append(c)
    client = _client(manager)
    first = client.get("/packs/").content.decode()
    assert "Showing 1 to 25 of 27 MASH packs" in first and 'rel="next"' in first
    second = client.get("/packs/?page=2").content.decode()
    assert "Showing 26 to 27 of 27 MASH packs" in second and 'rel="prev"' in second
    shown = {c.reference for c in contacts if c.reference in first or c.reference in second}
    assert len(shown) == 27  # every pack is on one of the pages
    assert AuditEvent.objects.filter(action="list", reason="mash packs").count() == 27

    r = api(manager).get("/mash-packs", page=6, page_size=5)
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 2
    assert (body["count"], body["page"], body["page_size"], body["num_pages"]) == (27, 6, 5, 6)
    assert api(manager).get("/mash-packs", page=7, page_size=5).json()["items"] == []  # past the end: empty
    assert api(manager).get("/mash-packs", page_size=101).status_code == 422


def test_strategy_page_shows_every_error_at_once_not_in_rounds(manager, strategy_contact):
    """A missing rationale and a bad time (the page's own checks) and a row without an owner, an attendee without
    a name and no police or health (the service's rules) all show in one error summary on the first submit."""
    url = f"/contacts/{strategy_contact.pk}/strategy-discussion/new/"
    r = _client(manager).post(
        url,
        _strategy_post(
            **{
                "rationale": "",
                "held_time": "25:99",
                "attendees-0-agency_code": "mash",
                "attendees-1-agency_code": "",
                "attendees-1-name": "",
                "attendees-2-agency_code": "police",
                "attendees-2-name": "",
                "actions-0-owner": "",
            }
        ),
    )
    page = r.content.decode()
    assert r.status_code == 200 and page.count('class="govuk-error-summary"') == 1
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_rationale"' in summary
    assert 'href="#id_held_time"' in summary
    assert 'href="#id_actions-0-owner"' in summary
    assert 'href="#id_attendees-2-name"' in summary
    assert 'href="#id_missing_agencies_reason"' in summary
    assert summary.count("Enter the rationale") == 1
    assert "<title>Error: " in page
    assert not StrategyDiscussion.objects.exists()


def test_the_allocated_worker_sees_since_when_the_child_is_allocated_in_uk_time(
    manager, worker, other_worker, strategy_contact
):
    """The worker's packs list, home page and the pack page say since when the child has been allocated to them,
    on the Europe/London day (23:30 UTC on 2 April 2026 is 00:30 BST on 3 April)."""
    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=_ids(strategy_contact),
        worker_membership_id=str(worker.membership.pk),
    )
    mine = CaseAllocation.objects.filter(worker=worker.user, closed_at__isnull=True)
    assert mine.count() == 2 and all(a.allocated_at is not None for a in mine)
    mine.update(allocated_at=dt.datetime(2026, 4, 2, 23, 30, tzinfo=dt.UTC))
    client = _client(worker)
    for url in ("/", "/packs/", f"/packs/{strategy_contact.pk}/"):
        page = client.get(url).content.decode()
        assert 'data-testid="allocated-since">3 April 2026<' in page, url
    # re-allocated to another worker: "since" is the new worker's, not when the child was first opened
    before = timezone.now()
    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=_ids(strategy_contact),
        worker_membership_id=str(other_worker.membership.pk),
    )
    moved = CaseAllocation.objects.filter(worker=other_worker.user, closed_at__isnull=True)
    assert moved.count() == 2 and all(a.allocated_at >= before for a in moved)
    page = _client(other_worker).get("/packs/").content.decode()
    assert f'data-testid="allocated-since">{timezone.localtime(before).day} ' in page


# --- any number of attendees and actions (issue 5 practitioner review, fault 3) ------------------------------------


def _rows(page: str, kind: str) -> int:
    return page.count(f'data-testid="{kind}-row"')


def test_add_another_attendee_and_action_without_javascript_keeps_what_was_typed(manager, strategy_contact):
    url = f"/contacts/{strategy_contact.pk}/strategy-discussion/new/"
    client = _client(manager)
    first = client.get(url).content.decode()
    assert 'value="add-attendees"' in first and 'value="add-actions"' in first  # submit buttons: no JavaScript
    data = _strategy_post()
    for i in range(3, 9):  # well past the old six fixed slots, one "Add another" at a time
        r = client.post(url, {**data, "row_action": "add-attendees"})
        page = r.content.decode()
        assert r.status_code == 200 and _rows(page, "attendee") == i + 1
        assert "<title>Error:" not in page and "DS Example" in page  # adding is not submitting: no errors
        data = {
            **data,
            "attendees-TOTAL_FORMS": str(i + 1),
            f"attendees-{i}-agency_code": "mash",
            f"attendees-{i}-name": f"Person {i}",
            f"attendees-{i}-role": "Officer",
        }
    due = timezone.localdate() + dt.timedelta(days=3)
    for i in range(2, 7):
        page = client.post(url, {**data, "row_action": "add-actions"}).content.decode()
        assert _rows(page, "action") == i + 1
        data = {
            **data,
            "actions-TOTAL_FORMS": str(i + 1),
            f"actions-{i}-description": f"Action {i}",
            f"actions-{i}-owner": "Hub",
            f"actions-{i}-due_date_day": str(due.day),
            f"actions-{i}-due_date_month": str(due.month),
            f"actions-{i}-due_date_year": str(due.year),
        }
    assert not StrategyDiscussion.objects.exists()
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    d = StrategyDiscussion.objects.get()
    assert d.attendees.count() == 8 and d.actions.count() == 6  # 2 + 6 attendees; 1 + 5 actions


def test_remove_takes_out_one_row_and_moves_the_rest_up(manager, strategy_contact):
    url = f"/contacts/{strategy_contact.pk}/strategy-discussion/new/"
    r = _client(manager).post(url, {**_strategy_post(), "row_action": "remove-attendees-0"})
    page = r.content.decode()
    assert _rows(page, "attendee") == 2 and "DS Example" not in page
    assert page.index('value="Dr Example"') < page.index('name="attendees-1-name"')  # row 2 is now row 1
    assert not StrategyDiscussion.objects.exists()


def test_pack_page_links_to_each_allocated_childs_records_and_the_case_notes(
    manager, worker, screener, strategy_contact
):
    """The allocated worker's pack links to the chronology, household chronology and family network of each child
    allocated to them (the pages open), not of a sibling allocated to nobody, and to the pack's case notes."""
    from openmash.people.models import Person

    case_note_add(
        actor=screener,
        contact_id=strategy_contact.pk,
        note_type="other",
        occurred_at=timezone.now(),
        text="Phoned the school.",
    )
    subjects = {p.full_name: p for p in Person.objects.filter(pk__in=_ids(strategy_contact))}
    amelia, ben = subjects["Amelia Sibling"], subjects["Ben Sibling"]
    allocations_assign_together(
        actor=manager,
        contact_id=strategy_contact.pk,
        person_ids=[str(amelia.pk)],
        worker_membership_id=str(worker.membership.pk),
    )
    client = _client(worker)
    page = client.get(f"/packs/{strategy_contact.pk}/").content.decode()
    for url in (
        f"/people/{amelia.pk}/chronology/",
        f"/people/{amelia.pk}/household/chronology/",
        f"/people/{amelia.pk}/network/",
    ):
        assert f'href="{url}"' in page, url
        assert client.get(url).status_code == 200, url
    assert f"/people/{ben.pk}/" not in page
    assert client.get(f"/people/{ben.pk}/chronology/").status_code == 404
    assert 'href="#case-notes"' in page and 'id="case-notes"' in page and "Phoned the school." in page


# --- "a Monday of 60 contacts": no form that cannot be submitted ---------------------------------------------------


def test_strategy_page_explains_instead_of_a_form_before_the_decision(manager, referrer, screener):
    from tests.support import contact_record, enquiry_open

    enquiry = enquiry_open(referrer=referrer, screener=screener)  # open, not decided
    client = _client(manager)
    url = f"/contacts/{enquiry.contact_id}/strategy-discussion/new/"
    page = client.get(url).content.decode()
    assert 'data-testid="strategy-form"' not in page and 'name="held_on-day"' not in page
    assert "A strategy discussion can only be recorded after a decision or screening outcome of strategy" in page
    assert f'href="/enquiries/{enquiry.pk}/#decision"' in page and "Record the decision first" in page
    r = client.post(url, _strategy_post())  # the service still refuses
    assert r.status_code == 200 and "govuk-error-summary" in r.content.decode()
    assert not StrategyDiscussion.objects.exists()
    waiting = contact_record(referrer)
    page = client.get(f"/contacts/{waiting.pk}/strategy-discussion/new/").content.decode()
    assert 'data-testid="strategy-form"' not in page and f'href="/contacts/{waiting.pk}/screen/"' in page


def test_a_new_note_starts_at_now_in_uk_time(screener, strategy_contact):
    """Practitioners' review: the case note form did not pre-fill the date and time (intake does). 23:30 UTC on
    1 July 2026 is 00:30 on 2 July in London (BST)."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        page = _client(screener).get(f"/contacts/{strategy_contact.pk}/notes/new/").content.decode()
    inputs = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="(occurred_[a-z_]+)"[^>]*>', page)}
    expected = {"occurred_on_day": "2", "occurred_on_month": "7", "occurred_on_year": "2026", "occurred_time": "00:30"}
    for name, value in expected.items():
        assert f'value="{value}"' in inputs.get(name, ""), (name, inputs)
