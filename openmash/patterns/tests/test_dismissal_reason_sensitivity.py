"""Issue 7 (lawful sharing): a flag's dismissal reason carries its writer's sensitivity (standard, sensitive,
sealed), decided in one place (access.sharing.flag_dismissal_reason_held). Before, the reason was shown whole to
every hub reader of the flag: a refuge address written into it reached every screener. AZ-5 canary: a sealed
reason's words (and who dismissed) appear on no page or API a screener may open; the sealed roles (default MASH
managers) and the writer read it; a sensitive one is read by the hub; outside the hub the flag is not found."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.patterns.models import Flag
from openmash.patterns.tests.flagfactory import EVENTS, flag_make

pytestmark = pytest.mark.django_db

CANARY = "CANARY-dismissal-7k-refuge-at-12-Lark-Rise"


@pytest.fixture
def flag(partnership):
    return flag_make(events=[EVENTS[0], EVENTS[1], EVENTS[2]])


def _web(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _dismiss(actor, flag, sensitivity: str) -> Flag:
    r = _web(actor).post(
        f"/flags/{flag.pk}/dismiss/",
        {"version": flag.version, "reason": f"Known to the hub: {CANARY}", "sensitivity": sensitivity},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    flag.refresh_from_db()
    return flag


def _everywhere(actor, flag) -> dict[str, tuple[int, str]]:
    """Every page and API that shows the flag or its child: status and body."""
    from openmash.accounts.services import token_create

    web = _web(actor)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=actor.user.username)[1]}"}
    child = flag.child.pk
    out = {
        "flag page": web.get(f"/flags/{flag.pk}/"),
        "flags list": web.get("/flags/"),
        "watch list": web.get("/watch-list/"),
        "person page": web.get(f"/people/{child}/"),
        "chronology page": web.get(f"/people/{child}/chronology/"),
        "flag api": Client().get(f"/api/v1/flags/{flag.pk}", **bearer),
        "flags api": Client().get("/api/v1/flags", **bearer),
        "chronology api": Client().get(f"/api/v1/people/{child}/chronology", **bearer),
    }
    return {name: (r.status_code, r.content.decode()) for name, r in out.items()}


def test_the_dismiss_form_offers_the_three_levels(make_actor, flag):
    html = _web(make_actor("screener", "mash")).get(f"/flags/{flag.pk}/").content.decode()
    for level in ("standard", "sensitive", "sealed"):
        assert f'name="sensitivity" type="radio" value="{level}"' in html or f'value="{level}"' in html
    assert "How sensitive is the reason?" in html


def test_a_sealed_reason_is_held_from_a_screener_everywhere(make_actor, flag):
    manager = make_actor("manager", "mash")
    flag = _dismiss(manager, flag, "sealed")
    assert flag.dismissal_sensitivity == "sealed"
    screener = make_actor("screener", "mash")
    for name, (status, body) in _everywhere(screener, flag).items():
        assert status == 200 and CANARY not in body, name
    page = _everywhere(screener, flag)["flag page"][1]
    assert 'data-testid="flag-dismissal-reason-held"' in page and "held at sealed" in page
    assert str(manager.user) not in page  # who dismissed is held with the words
    from openmash.accounts.services import token_create

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(username=screener.user.username)[1]}"}
    out = Client().get(f"/api/v1/flags/{flag.pk}", **bearer).json()
    assert out["dismissal_reason"] == "" and out["dismissal_reason_held"] is True and out["decided_by"] == ""
    assert out["dismissal_sensitivity"] == "sealed" and out["status"] == "dismissed"


def test_a_sealed_reason_is_read_by_the_sealed_roles_and_its_writer(make_actor, flag):
    writer = make_actor("screener", "mash")
    flag = _dismiss(writer, flag, "sealed")
    assert CANARY in _everywhere(writer, flag)["flag page"][1]
    assert CANARY in _everywhere(writer, flag)["flag api"][1]
    other = make_actor("screener", "mash")
    assert CANARY not in _everywhere(other, flag)["flag page"][1]
    manager = make_actor("manager", "mash")
    seen = _everywhere(manager, flag)
    assert CANARY in seen["flag page"][1] and CANARY in seen["flag api"][1]


def test_a_sensitive_reason_is_read_by_the_hub_and_marked_and_by_nobody_outside_it(make_actor, flag):
    flag = _dismiss(make_actor("manager", "mash"), flag, "sensitive")
    page = _everywhere(make_actor("screener", "mash"), flag)["flag page"][1]
    assert CANARY in page and "Sensitive" in page
    for role, agency in [("social_worker", "mash"), ("referrer", "police"), ("auditor", "mash")]:
        for name, (_, body) in _everywhere(make_actor(role, agency), flag).items():
            assert CANARY not in body, (role, name)


def test_the_level_is_audited_never_the_words(make_actor, flag):
    flag = _dismiss(make_actor("manager", "mash"), flag, "sealed")
    event = AuditEvent.objects.get(action="flag.dismissed", object_id=str(flag.pk))
    assert event.detail.get("sensitivity") == "sealed"
    for e in AuditEvent.objects.all():
        assert CANARY not in str(e.detail) and CANARY not in (e.reason or "")


def test_the_api_takes_the_level_and_refuses_another(api, make_actor, flag):
    manager = make_actor("manager", "mash")
    bad = api(manager).post(
        f"/flags/{flag.pk}/dismiss", {"version": flag.version, "reason": "Known to the hub", "sensitivity": "secret"}
    )
    assert bad.status_code == 422 and "sensitivity" in str(bad.json())
    ok = api(manager).post(
        f"/flags/{flag.pk}/dismiss",
        {"version": flag.version, "reason": f"Known to the hub {CANARY}", "sensitivity": "sealed"},
    )
    assert ok.status_code == 200, ok.content
    assert Flag.objects.get(pk=flag.pk).dismissal_sensitivity == "sealed"
    screener = make_actor("screener", "mash")
    assert CANARY not in api(screener).get(f"/flags/{flag.pk}").content.decode()


def test_the_service_refuses_an_unknown_level(make_actor, flag):
    from openmash.core.exceptions import ValidationFailed
    from openmash.patterns.decisions_extra import flag_dismiss

    with pytest.raises(ValidationFailed) as exc:
        flag_dismiss(
            actor=make_actor("manager", "mash"),
            flag_id=flag.pk,
            version=flag.version,
            reason="Known to the hub already",
            sensitivity="top",
        )
    assert "sensitivity" in exc.value.errors
