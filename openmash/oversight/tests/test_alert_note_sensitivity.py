"""Issue 7 (lawful sharing): a privacy officer's note on a break-glass alert carries its writer's sensitivity
(standard, sensitive, sealed), decided in one place (access.sharing.privacy_alert_note_held). Before, every note
was shown whole, with its writer, to every privacy officer. AZ-5 canary: a sealed note's words (and who wrote it)
appear on no page, API or export another privacy officer or anyone else may open; its writer reads it; a sensitive
note is read by the privacy officers and marked."""

from __future__ import annotations

import pytest

from openmash.oversight.tests.test_break_glass import REASON

pytestmark = pytest.mark.django_db

CANARY = "CANARY-alertnote-7k-refuge-at-3-Heron-Way"


def _alert(world, signed_in):
    from openmash.oversight.models import PrivacyAlert

    client = signed_in(world["researcher_school"], step_up=True)
    r = client.post(
        "/emergency-access/", {"person_id": str(world["child"].pk), "category": "risk_to_life", "reason": REASON}
    )
    assert r.status_code == 302, r.content[:300]
    return PrivacyAlert.objects.get()


def _decide(world, signed_in, alert, officer, sensitivity: str):
    r = signed_in(officer).post(
        f"/privacy/alerts/{alert.pk}/",
        {"decision": "flag", "note": f"Follow up with the school: {CANARY}", "version": 1, "sensitivity": sensitivity},
    )
    assert r.status_code == 302, r.content.decode()[:800]


def _everywhere(signed_in, actor, alert) -> dict[str, tuple[int, str]]:
    client = signed_in(actor)
    paths = {
        "alert page": f"/privacy/alerts/{alert.pk}/",
        "queue": "/privacy/",
        "uses report": "/privacy/break-glass-uses/",
        "uses csv": "/privacy/break-glass-uses.csv",
        "home": "/",
        "alerts api": "/api/v1/privacy-alerts",
        "alert api": f"/api/v1/privacy-alerts/{alert.pk}",
    }
    out = {}
    for name, path in paths.items():
        r = client.get(path)
        body = b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content
        out[name] = (r.status_code, body.decode(errors="replace"))
    return out


def test_the_decision_form_offers_the_three_levels(world, signed_in):
    alert = _alert(world, signed_in)
    html = signed_in(world["officer"]).get(f"/privacy/alerts/{alert.pk}/").content.decode()
    assert "How sensitive is the note?" in html
    for level in ("standard", "sensitive", "sealed"):
        assert f'value="{level}"' in html


def test_a_sealed_note_is_held_from_another_privacy_officer_everywhere(world, signed_in, make_actor):
    from openmash.oversight.models import PrivacyAlertDecision

    alert = _alert(world, signed_in)
    writer = world["officer"]
    _decide(world, signed_in, alert, writer, "sealed")
    assert PrivacyAlertDecision.objects.get().sensitivity == "sealed"
    other = make_actor("privacy_officer", "mash", username="second-officer-7k")
    seen = _everywhere(signed_in, other, alert)
    for name, (_status, body) in seen.items():
        assert CANARY not in body, name
    page = seen["alert page"][1]
    assert seen["alert page"][0] == 200 and 'data-testid="alert-note-held"' in page and "held at sealed" in page
    assert str(writer.user) not in page.split("Decisions", 1)[1].split("</ul>", 1)[0]  # who wrote it is held too
    assert CANARY in _everywhere(signed_in, writer, alert)["alert page"][1]  # its writer reads it


def test_a_sensitive_note_is_read_by_the_privacy_officers_marked_and_by_nobody_else(world, signed_in, make_actor):
    alert = _alert(world, signed_in)
    _decide(world, signed_in, alert, world["officer"], "sensitive")
    page = _everywhere(signed_in, make_actor("privacy_officer", "mash"), alert)["alert page"][1]
    assert CANARY in page and "Sensitive" in page
    for who in ("admin", "screener", "manager", "researcher_school", "social_worker"):
        for name, (_status, body) in _everywhere(signed_in, world[who], alert).items():
            assert CANARY not in body, (who, name)


def test_the_level_is_audited_never_the_words_and_the_api_takes_it(world, signed_in):
    from openmash.audit.models import AuditEvent
    from openmash.oversight.models import PrivacyAlertDecision

    alert = _alert(world, signed_in)
    officer = signed_in(world["officer"])
    bad = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision",
        {"decision": "flag", "note": "Check it", "version": 1, "sensitivity": "secret"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "sensitivity" in str(bad.json())
    ok = officer.post(
        f"/api/v1/privacy-alerts/{alert.pk}/decision",
        {"decision": "flag", "note": f"Check it {CANARY}", "version": 1, "sensitivity": "sealed"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert PrivacyAlertDecision.objects.get().sensitivity == "sealed"
    assert AuditEvent.objects.get(action="alert_flag").detail.get("sensitivity") == "sealed"
    for e in AuditEvent.objects.all():
        assert CANARY not in str(e.detail) and CANARY not in (e.reason or "")


def test_the_service_refuses_an_unknown_level(world, signed_in):
    from openmash.core.exceptions import ValidationFailed
    from openmash.oversight.services import privacy_alert_decide

    alert = _alert(world, signed_in)
    with pytest.raises(ValidationFailed) as exc:
        privacy_alert_decide(
            actor=world["officer"], alert_id=alert.pk, decision="flag", note="Check it", sensitivity="top"
        )
    assert "sensitivity" in exc.value.errors
