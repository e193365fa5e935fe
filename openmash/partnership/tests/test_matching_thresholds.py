"""The person-matching thresholds on the partnership settings page (issue 6): shown as percentages, saved as
fractions (``PartnershipSettings.link_upper_threshold`` / ``link_lower_threshold``), audited, refused when bad."""

import pytest

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import PermissionDenied
from openmash.matching.scoring import thresholds_get
from openmash.partnership import services
from openmash.partnership.models import PartnershipSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_actor):
    actor = make_actor("partnership_admin", "mash")
    client.force_login(actor.user)
    return client


def test_the_thresholds_are_shown_saved_and_used_by_scoring(admin_client):
    body = admin_client.get("/partnership/").content.decode()
    assert 'name="link_upper_threshold"' in body and 'value="95"' in body
    assert 'name="link_lower_threshold"' in body and 'value="50"' in body
    r = admin_client.post(
        "/partnership/", {"form": "matching", "link_upper_threshold": "97", "link_lower_threshold": "60"}
    )
    assert r.status_code == 302
    s = PartnershipSettings.objects.get()
    assert (s.link_upper_threshold, s.link_lower_threshold) == (0.97, 0.6)
    assert thresholds_get() == (0.6, 0.97)
    event = AuditEvent.objects.filter(object_type="partnership.partnershipsettings", action="update").latest("at")
    assert event.detail["link_thresholds"] == [[0.5, 0.95], [0.6, 0.97]]


@pytest.mark.parametrize(
    ("upper", "lower", "field", "message"),
    [
        ("100", "50", "link_upper_threshold", "Enter a percentage from 1 to 99"),
        ("95", "0", "link_lower_threshold", "Enter a percentage from 1 to 99"),
        ("ninety", "50", "link_upper_threshold", "Enter a whole number from 1 to 99"),
        ("60", "80", "link_lower_threshold", "The review figure must not be more than the automatic figure"),
    ],
)
def test_bad_thresholds_are_refused_with_the_error_summary(admin_client, upper, lower, field, message):
    r = admin_client.post(
        "/partnership/", {"form": "matching", "link_upper_threshold": upper, "link_lower_threshold": lower}
    )
    body = r.content.decode()
    assert r.status_code == 200 and "<title>Error:" in body and f'href="#id_{field}"' in body and message in body
    s = PartnershipSettings.objects.get()
    assert (s.link_upper_threshold, s.link_lower_threshold) == (0.95, 0.5)


def test_only_the_partnership_admin_sets_them(make_actor):
    with pytest.raises(PermissionDenied):
        services.link_thresholds_update(actor=make_actor("manager", "mash"), lower=0.4, upper=0.9)
