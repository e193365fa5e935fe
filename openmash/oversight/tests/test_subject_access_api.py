"""The subject access export through the API (UK GDPR art. 15; ADR 0014 addendum): POST /api/v1/subject-access,
the privacy officer only (every other role 403, nothing read or exported), step-up with the password and the
current authenticator-app code (a bearer token has no session to have stepped up in), the same zip as the page,
audited `export`; documented in the OpenAPI document as application/zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from conftest import totp_code_for
from openmash.oversight.tests.conftest import CANARY_SURNAME, PASSWORD

OTHER_ROLES = ["referrer", "researcher", "screener", "manager", "social_worker", "partnership_admin", "auditor"]


def _exports(person) -> int:
    from openmash.audit.models import AuditEvent

    return AuditEvent.objects.filter(action="export", object_id=str(person.pk)).count()


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("agency", ["mash", "police", "health-gp"])
def test_every_other_role_is_refused_with_403_and_nothing_is_exported(world, api, make_actor, role, agency):
    actor = make_actor(role, agency)
    body = {"person": str(world["child"].pk), "password": PASSWORD, "code": totp_code_for(actor.user)}
    r = api(actor).post("/subject-access", body)
    assert r.status_code == 403
    assert CANARY_SURNAME not in r.content.decode()
    assert _exports(world["child"]) == 0


@pytest.mark.django_db
def test_the_privacy_officer_steps_up_and_gets_the_zip_audited(world, api):
    from openmash.audit.models import AuditEvent

    officer = world["officer"]
    caller = api(officer)
    code = totp_code_for(officer.user)  # their app (made as if they had enrolled)
    r = caller.post("/subject-access", {"person": str(world["child"].pk)})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"password", "code"}
    r = caller.post("/subject-access", {"person": str(world["child"].pk), "password": "wrong", "code": "123456"})
    assert r.status_code == 422 and r.json()["errors"] == {"password": ["Enter your correct password"]}
    assert _exports(world["child"]) == 0
    r = caller.post("/subject-access", {"person": str(world["child"].pk), "password": PASSWORD, "code": code})
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/zip"
    assert r["Content-Disposition"] == f'attachment; filename="subject-access-{world["child"].pk}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert {"person.json", "contacts.json", "access_history.json", "README.txt"} <= set(archive.namelist())
    assert json.loads(archive.read("person.json"))[0]["surname"] == CANARY_SURNAME
    event = AuditEvent.objects.get(action="export", object_id=str(world["child"].pk))
    assert event.reason == "subject access" and event.actor_user_id == officer.user.pk
    assert AuditEvent.objects.filter(action="stepup", actor_user_id=officer.user.pk).exists()
    # the same code again: refused (replay), nothing more exported
    r = caller.post("/subject-access", {"person": str(world["child"].pk), "password": PASSWORD, "code": code})
    assert r.status_code == 422 and "code" in r.json()["errors"]
    assert _exports(world["child"]) == 1


@pytest.mark.django_db
def test_a_person_nobody_holds_is_a_422_on_person(world, api):
    officer = world["officer"]
    body = {"person": "999 999 9999", "password": PASSWORD, "code": totp_code_for(officer.user)}
    r = api(officer).post("/subject-access", body)
    assert r.status_code == 422 and r.json()["errors"] == {"person": ["No person has that NHS number"]}


@pytest.mark.django_db
def test_a_signed_in_session_that_stepped_up_needs_no_password(world, signed_in):
    officer = signed_in(world["officer"], step_up=True)
    r = officer.post(
        "/api/v1/subject-access", json.dumps({"person": str(world["child"].pk)}), content_type="application/json"
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"


@pytest.mark.django_db
def test_the_openapi_document_describes_the_zip(api, make_actor):
    schema = api(make_actor("privacy_officer", "mash")).get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/subject-access"]["post"]
    assert "application/zip" in operation["responses"]["200"]["content"]
    assert {"403", "422"} <= set(map(str, operation["responses"]))
