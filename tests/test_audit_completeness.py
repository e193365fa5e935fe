"""LG-1 (SECURITY-TESTS.md §5(b), promise P1; ASVS 5.0 16.2.1, 16.3.2 at L3; DPA 2018 s.62): audit completeness,
counted at the middleware level.

A counting middleware (installed at the end of settings.MIDDLEWARE for these tests) records every request that
reaches a view: its route, method, status, user and our request id. Every person-data GET of the pages (the rows
of tests/test_web_permission_matrix.py marked `personal`) and of the API (the GET operations of
tests/test_permission_matrix.py's oracle) is driven as one role allowed to see it, on the shared data those
matrices build. Pass figure: 100% of the counted allowed person-data requests wrote at least one audit read event
carrying the request id, and every such event names the user (id and username), their agency and role, the
object (type, and id for a single record), the action, and a UTC time within the request. Tier: PR."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from tests import test_permission_matrix as api_matrix
from tests import test_web_permission_matrix as web_matrix

READ_ACTIONS = ("view", "list", "search", "search_result", "export")
COUNTED: list[dict] = []


class CountingMiddleware:
    """Test-only: one entry per request that reached the view layer (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        COUNTED.append(
            {
                "method": request.method,
                "path": request.path,
                "route": match.route if match else None,
                "status": response.status_code,
                "request_id": getattr(request, "request_id", ""),
                # a bearer token's actor is set by the API's auth (request.actor); a session's on request.user
                "user": request.actor.user.pk
                if getattr(request, "actor", None)
                else getattr(getattr(request, "user", None), "pk", None),
            }
        )
        return response


@pytest.fixture
def counting(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.CountingMiddleware"]
    COUNTED.clear()
    yield COUNTED
    COUNTED.clear()


def _world(build, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    return data, outer


def _close(outer, django_db_blocker):
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _check_events(entry, *, username, agency_code, role, single: bool, started):
    """The audit events of one counted request, each complete."""
    from openmash.audit.models import AuditEvent

    events = list(AuditEvent.objects.filter(request_id=entry["request_id"], action__in=READ_ACTIONS))
    assert events, f"{entry['method']} {entry['path']} ({username}) wrote no audit read event"
    now = dt.datetime.now(dt.UTC)
    for e in events:
        where = (entry["path"], e.action, e.object_type)
        assert e.actor_user_id == entry["user"] and e.actor_username == username, where
        assert e.agency_code == agency_code and e.role == role, (where, e.agency_code, e.role)
        assert e.action and e.object_type, where
        assert e.at.utcoffset() == dt.timedelta(0) and started <= e.at <= now, (where, e.at)
        assert e.request_id == entry["request_id"], where
    if single:
        assert any(e.object_id for e in events), f"{entry['path']}: no event names the record"
    return len(events)


def _pick(actors, preferred=("manager@mash", "screener@mash")):
    for actor in preferred:
        if actor in actors:
            return actor
    return sorted(actors)[0]


@pytest.fixture(scope="class")
def page_world(django_db_setup, django_db_blocker):
    """The web matrix's shared data, for one class (rolled back after it, before the API's is built)."""
    data, outer = _world(web_matrix._build_world, django_db_blocker)
    try:
        yield data
    finally:
        _close(outer, django_db_blocker)


@pytest.fixture(scope="class")
def api_world(django_db_setup, django_db_blocker):
    """The API matrix's shared data, for one class."""
    data, outer = _world(api_matrix._build_world, django_db_blocker)
    try:
        yield data
    finally:
        _close(outer, django_db_blocker)


class TestPages:
    def test_every_person_data_page_read_is_audited(self, page_world, db, counting):
        world = page_world
        started = dt.datetime.now(dt.UTC)
        driven = []
        for name, row in web_matrix.ROWS.items():
            if row.method != "GET" or not row.personal:
                continue
            audited = row.personal if isinstance(row.personal, frozenset) else row.allowed
            candidates = {a for a in audited & row.allowed if a not in web_matrix.SIGNED_OUT}
            if not candidates:
                continue
            actor = _pick(candidates)
            client = Client()
            client.force_login(world["users"][actor])
            r = client.get(row.url.format(**world["ids"]))
            assert r.status_code == row.status, (name, actor, r.status_code)
            driven.append((name, actor, r["X-Request-Id"], "{" in row.url and "{missing}" not in row.url))
        assert len(driven) >= 20, driven
        by_id = {e["request_id"]: e for e in counting}
        assert len(by_id) == len(driven)  # the counter saw every request, and nothing else
        events = 0
        for _name, actor, request_id, single in driven:
            entry = by_id[request_id]
            role, agency = web_matrix.ROLE_OF.get(actor, actor).split("@")
            user = world["users"][actor]
            events += _check_events(
                entry, username=user.username, agency_code=agency, role=role, single=single, started=started
            )
        assert events >= len(driven)


class TestApi:
    def test_every_person_data_api_read_is_audited(self, api_world, db, counting):
        from openmash.accounts.models import ApiToken

        world = api_world
        started = dt.datetime.now(dt.UTC)
        requests = api_matrix._requests(world)
        driven = []
        for op, rule in api_matrix.ORACLE.items():
            method, _ = op
            allowed = rule.allowed - rule.leak_free
            if method != "GET" or not allowed:
                continue
            actor = _pick(allowed)
            path, _body = requests[op]
            r = api_matrix._call(Client(), world["tokens"][actor], "GET", path, None)
            assert r.status_code == rule.status, (op, actor, r.status_code)
            if r.status_code >= 400:
                continue  # a refusal (GET /api/v1/people with no search: use POST .../search) shows nothing personal
            is_json = r["Content-Type"].startswith("application/json")  # or a file download (an attachment)
            if is_json and api_matrix._empty_list(r.json()):
                continue  # nothing personal was shown: nothing to audit
            driven.append((op, actor, r["X-Request-Id"], "{" in op[1]))
        assert len(driven) >= 12, driven
        by_id = {e["request_id"]: e for e in counting}
        for _op, actor, request_id, single in driven:
            entry = by_id[request_id]
            token = world["tokens"][actor]
            membership = (
                ApiToken.objects.select_related("user", "membership__agency")
                .get(key_hash=ApiToken.hash(token))
                .membership
            )
            _check_events(
                entry,
                username=membership.user.username,
                agency_code=membership.agency.code,
                role=membership.role,
                single=single,
                started=started,
            )
