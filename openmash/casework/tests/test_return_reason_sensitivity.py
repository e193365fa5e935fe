"""A routed contact's return reason carries a sensitivity (issue 7; ADR 0017 addendum, practitioner free text): whoever
closes the allocation chooses standard (default), sensitive or sealed for their reason, with the case note's choices,
labels and hints. A contact the closing sends back to the screening queue keeps the reason at that level: a sealed
one is read by the partnership's sealed roles (default MASH managers) and its writer only; another hub reader sees
when it came back and from whom with "A reason held at sealed (you do not have access)" on the contact page
(access.sharing.routed_return_reason_held), and the audit trail keeps only a standard reason."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.casework.models import RoutedContactReturn
from openmash.casework.services import allocation_close
from openmash.contacts.services import contact_create
from openmash.enquiries.services import allocation_assign

SEALED_REASON = "Canary sealed closing reason: family moved to the Kynance refuge"
HELD = "A reason held at sealed (you do not have access)"


@pytest.fixture
def world(make_actor):
    referrer = make_actor("referrer", "police")
    manager = make_actor("manager", "mash")
    worker = make_actor("social_worker", "mash")
    contact, _ = contact_create(actor=referrer, data=contact_payload())
    kid = contact.people.get(role="subject").person
    allocation = allocation_assign(actor=manager, person_id=kid.pk, worker_membership_id=str(worker.membership.pk))
    routed, _ = contact_create(actor=referrer, data=contact_payload(subjects=[{"person_id": str(kid.pk)}]))
    assert routed.status == "with_allocated_worker"
    return {
        "first": contact,
        "routed": routed,
        "allocation": allocation,
        "worker": worker,
        "manager": manager,
        "screener": make_actor("screener", "mash"),
    }


def _page(actor, contact) -> str:
    web = Client()
    web.force_login(actor.user)
    r = web.get(f"/contacts/{contact.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_a_sealed_return_reason_is_held_from_a_screener_and_kept_out_of_the_audit_reason(world):
    allocation_close(
        actor=world["worker"], allocation_id=world["allocation"].pk, reason=SEALED_REASON, sensitivity="sealed"
    )
    assert RoutedContactReturn.objects.get(contact=world["routed"]).sensitivity == "sealed"
    page = _page(world["screener"], world["routed"])
    assert SEALED_REASON not in page and HELD in page and 'data-testid="returned"' in page
    assert not AuditEvent.objects.filter(reason=SEALED_REASON).exists()


def test_a_sealed_return_reason_is_read_by_the_sealed_role(world):
    allocation_close(
        actor=world["worker"], allocation_id=world["allocation"].pk, reason=SEALED_REASON, sensitivity="sealed"
    )
    page = _page(world["manager"], world["routed"])
    assert SEALED_REASON in page and HELD not in page


def test_a_standard_return_reason_is_read_by_the_hub_and_audited(world):
    allocation_close(actor=world["worker"], allocation_id=world["allocation"].pk, reason=SEALED_REASON)
    assert SEALED_REASON in _page(world["screener"], world["routed"])
    assert AuditEvent.objects.filter(action="return", reason=SEALED_REASON).exists()


def test_the_api_refuses_a_bad_sensitivity_with_422(world):
    from openmash.accounts.services import token_create

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=world['worker'].user.username)[1]}"}
    url = f"/api/v1/allocations/{world['allocation'].pk}/close"
    r = Client().post(url, {"reason": "Done", "sensitivity": "secret"}, content_type="application/json", **bearer)
    assert r.status_code == 422 and "sensitivity" in str(r.json())
    r = Client().post(url, {"reason": "Done", "sensitivity": "sealed"}, content_type="application/json", **bearer)
    assert r.status_code == 200, r.content
    assert RoutedContactReturn.objects.get(contact=world["routed"]).sensitivity == "sealed"


def test_the_close_form_offers_the_levels_with_hints_and_records_the_choice(world):
    web = Client()
    web.force_login(world["manager"].user)
    allocation = world["allocation"]
    from tests.support import screen

    contact = world["first"]
    screen(world["screener"], contact, outcome="strategy")  # its MASH pack lists the child's allocation
    html = web.get(f"/packs/{contact.pk}/").content.decode()
    assert f'id="id_{allocation.pk}_sensitivity"' in html and "Everyone else sees only that a reason is held" in html
    r = web.post(
        f"/packs/{contact.pk}/allocations/{allocation.pk}/close/",
        {"reason": SEALED_REASON, "sensitivity": "sealed"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RoutedContactReturn.objects.get(contact=world["routed"]).sensitivity == "sealed"
