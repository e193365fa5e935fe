"""Helpers shared by the dual-control tests of the partnership settings page (ADR 0019 addenda): a signed-in
client, a decision on a waiting SettingChange through the page (the approver stepped up, as the page requires),
the pending change of a kind, and the asker-cannot / second-approves walk every waiting kind is checked with."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import NotFound
from openmash.partnership.models import SettingChange
from openmash.partnership.setting_changes import setting_change_decide
from tests.support import stepped_up_client


def client(actor) -> Client:
    """A Client signed in as the actor's user (no step-up)."""
    c = Client()
    c.force_login(actor.user)
    return c


def decide(actor, change, decision="approve"):
    """POST the settings page's decision ("approve" or "reject") on `change` as `actor`, whose session stepped up
    just now (tests.support.stepped_up_client). Out: the response (302 back to the page, whatever happened)."""
    return stepped_up_client(actor).post(
        "/partnership/", {"form": "setting_change", "change": str(change.pk), "decision": decision}
    )


def pending(kind) -> SettingChange:
    """The one pending SettingChange of `kind` (DoesNotExist when none)."""
    return SettingChange.objects.get(kind=kind, status="pending")


def asker_cannot_then_second_approves(first, second, change):
    """The asker's approval changes nothing (NotFound through the service); the second admin's applies it."""
    assert decide(first, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "pending"
    with pytest.raises(NotFound):
        setting_change_decide(actor=first, change_id=change.pk, approve=True)
    assert decide(second, change).status_code == 302
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == second.user
    assert AuditEvent.objects.filter(action="setting_change_request", object_id=str(change.pk)).exists()
    assert AuditEvent.objects.filter(action="setting_change_approve", object_id=str(change.pk)).exists()
