"""The secure room's one answer (openmash.access.sharing.item_view): every role x sensitivity x released or not,
written out by hand from docs/security/access-and-audit.md ("The secure room"), not computed from the module."""

from __future__ import annotations

import pytest

from openmash.access.sharing import item_shown, item_view, items_visible, pack_readable
from tests.support import REFUSE, SHARE, item_give, item_release

# The GP's items: (key, sensitivity, category, decision, released)
ITEMS = [
    ("standard", "standard", "", SHARE, False),
    ("standard released", "standard", "", SHARE, True),
    ("sensitive", "sensitive", "mental_health", SHARE, False),
    ("sensitive released", "sensitive", "mental_health", SHARE, True),
    ("sealed", "sealed", "refuge_address", SHARE, False),
    ("sealed released", "sealed", "refuge_address", SHARE, True),
    ("refused", "sensitive", "sexual_health", REFUSE, False),
    ("draft", "standard", "", None, False),
]
HUB_VIEW = {
    "standard": "full",
    "standard released": "full",
    "sensitive": "full",
    "sensitive released": "full",
    "sealed": "held",
    "sealed released": "held",
    "refused": "declined",
    "draft": "",
}
NOTHING = dict.fromkeys(HUB_VIEW, "")
EXPECTED = {
    "gp": dict.fromkeys(HUB_VIEW, "full"),  # the owning agency's researcher: their own record
    "police": NOTHING,  # another agency asked in the same enquiry
    "school": NOTHING,  # an agency not asked
    "screener": HUB_VIEW,
    "manager": HUB_VIEW | {"sealed": "full", "sealed released": "full"},  # the default sealed role
    "worker": NOTHING
    | {
        "standard": "not_released",
        "standard released": "full",
        "sensitive": "not_released",
        "sensitive released": "full",
    },
    "other_worker": NOTHING,  # a social worker not allocated: no pack
    "referrer": NOTHING,  # the referrer who recorded the contact
    "admin": NOTHING,
    "auditor": NOTHING,
}


@pytest.fixture
def items(room):
    made = {}
    for key, sensitivity, category, decision, released in ITEMS:
        item = item_give(
            room.gp, room.gp_request, f"Canary {key}", sensitivity=sensitivity, category=category, decision=decision
        )
        if released:
            item_release(room.gp, item)
            item.refresh_from_db()
        made[key] = item
    return made


def _reload(item):
    from openmash.sharing.models import ContributedItem

    return ContributedItem.objects.select_related("agency", "recorded_by").get(pk=item.pk)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_item_view_for_every_role_sensitivity_and_release(room, items, who):
    actor = getattr(room, who)
    pack = pack_readable(actor, room.contact)
    visible = set(items_visible(actor).values_list("pk", flat=True))
    for key, item in items.items():
        item = _reload(item)
        view = item_view(actor, item, pack_allowed=pack)
        assert view.shown == EXPECTED[who][key], (who, key)
        shown = item_shown(actor, item, pack_allowed=pack)
        if view.shown == "full":
            assert shown["text"] == f"Canary {key}"
        elif view.shown:
            assert shown["text"] == "" and shown["category"] == "" and shown["decisions"] == []
        else:
            assert shown is None
        assert (item.pk in visible) == bool(view.shown), (who, key, "items_visible agrees with item_view")


def test_a_declined_item_tells_the_hub_only_its_reason_category(room, items):
    shown = item_shown(room.screener, _reload(items["refused"]))
    assert shown["shown"] == "declined" and shown["refusal_reason"] == "third_party_risk"
    assert "Canary" not in str(shown) and shown["sensitivity"] == "" and shown["category"] == ""


def test_the_partnership_names_the_roles_that_see_sealed_items(room, items):
    from openmash.sharing.models import SharingSettings

    SharingSettings.objects.create(sealed_roles=["screener", "manager", "social_worker"])
    sealed, released = _reload(items["sealed"]), _reload(items["sealed released"])
    assert item_view(room.screener, sealed).shown == "full"
    assert item_view(room.worker, sealed, pack_allowed=True).shown == "not_released"
    assert item_view(room.worker, released, pack_allowed=True).shown == "full"
    assert item_view(room.other_worker, released, pack_allowed=False).shown == ""
    SharingSettings.objects.update(sealed_roles=["auditor", "referrer"])  # not roles that may be named: the default
    assert item_view(room.screener, sealed).shown == "held" and item_view(room.manager, sealed).shown == "full"


def test_an_ended_allocation_ends_the_workers_sight_of_released_items(room, items):
    from django.utils import timezone

    from openmash.enquiries.models import CaseAllocation

    assert pack_readable(room.worker, room.contact)
    CaseAllocation.objects.filter(worker=room.worker.user).update(closed_at=timezone.now())
    assert not pack_readable(room.worker, room.contact)
    assert not items_visible(room.worker).exists()


def test_the_partnership_admin_names_the_sealed_roles_on_the_settings_page(room, items, make_actor):
    from django.test import Client

    client = Client()
    client.force_login(room.admin.user)
    r = client.post("/partnership/", {"form": "sealed"})
    assert r.status_code == 200 and "Select at least one role" in r.content.decode()
    r = client.post("/partnership/", {"form": "sealed", "sealed_roles": ["screener", "manager"]})
    assert r.status_code == 302
    # widening waits for a second partnership admin (attacker review finding A; ADR 0019 addendum)
    assert item_view(room.screener, _reload(items["sealed"])).shown == "held"
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_decide

    change = SettingChange.objects.get(status="pending")
    setting_change_decide(actor=make_actor("partnership_admin", "mash"), change_id=change.pk, approve=True)
    assert item_view(room.screener, _reload(items["sealed"])).shown == "full"
    screener = Client()
    screener.force_login(room.screener.user)
    assert screener.post("/partnership/", {"form": "sealed", "sealed_roles": ["screener"]}).status_code == 403
