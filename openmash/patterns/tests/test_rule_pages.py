"""The partnership's pattern rules in the browser (issue 8; patterns.rule_editing, patterns.views_rules): who may read
and change them, the rules file's checks as GOV.UK field errors, a new version per save with the earlier kept and
audited, the stale-version conflict, the downloaded file loaded back by `openmash flags rules load`, and the service
navigation of each role."""

from __future__ import annotations

import io
import re
import sys

import pytest
from django.core.management import call_command
from django.test import Client

from openmash.audit.models import AuditEvent
from openmash.patterns.models import PatternRule
from openmash.patterns.rules import default_specs, rules_current, rules_from_text, rules_load
from tests.support import cli_proof

pytestmark = pytest.mark.django_db

CODE = "cross_agency_combination"


def _client(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def admin(make_actor):
    return make_actor("partnership_admin", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


def _form(client, code=CODE) -> dict:
    """The change form's fields as the page gives them (inputs, radios checked, textareas)."""
    html = client.get(f"/pattern-rules/{code}/change/").content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="radio"' in tag and "checked" not in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        data[name] = value
    import html as htmllib

    return {k: htmllib.unescape(v) for k, v in data.items()}


def _approve_waiting(approver, code=CODE):
    """A second partnership admin approves the rule's waiting change on the settings page (dual control, ADR 0019
    addendum): the change applies only then."""
    from openmash.partnership.models import SettingChange
    from tests.support import stepped_up_client

    change = SettingChange.objects.get(kind="pattern_rule", key=code, status="pending")
    r = stepped_up_client(approver).post(  # approving asks the approver to step up
        "/partnership/", {"form": "setting_change", "change": str(change.pk), "decision": "approve"}
    )
    assert r.status_code == 302, _text(r)
    change.refresh_from_db()
    assert change.status == "approved"


def test_the_admin_lists_the_rules_and_reads_one_with_its_parameters(admin):
    client = _client(admin)
    html = _text(client.get("/pattern-rules/"))
    assert html.count('data-testid="rule-row"') == len(default_specs())
    assert "Several concerns from different agencies within six months" in html
    assert "As shipped" in html
    page = _text(client.get(f"/pattern-rules/{CODE}/"))
    assert "Three or more events with safeguarding concerns" in page
    assert "combination" in page
    assert "Time window, in days" in page and "183" in page
    assert "Emergency attendance (ed_attendance): 0.5" in page  # the weights, each code with its label
    assert 'data-testid="rule-change"' in page
    assert client.get("/pattern-rules/no_such_rule/").status_code == 404


def test_a_manager_reads_the_rules_and_downloads_them_but_cannot_change_them(manager):
    client = _client(manager)
    assert client.get("/pattern-rules/").status_code == 200
    page = _text(client.get(f"/pattern-rules/{CODE}/"))
    assert 'data-testid="rule-change"' not in page
    assert client.get(f"/pattern-rules/{CODE}/change/").status_code == 403
    assert client.post(f"/pattern-rules/{CODE}/change/", {"version": 0, "title": "x"}).status_code == 403
    download = client.get("/pattern-rules.yaml")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="pattern_rule.export", actor_user_id=manager.user.pk).exists()
    assert not PatternRule.objects.exists()


@pytest.mark.parametrize(("role", "agency"), [("screener", "mash"), ("referrer", "police"), ("auditor", "mash")])
def test_other_roles_may_not_see_the_rules(make_actor, role, agency):
    client = _client(make_actor(role, agency))
    for url in ("/pattern-rules/", f"/pattern-rules/{CODE}/", f"/pattern-rules/{CODE}/change/", "/pattern-rules.yaml"):
        assert client.get(url).status_code == 403, url


def test_a_manager_outside_the_hub_may_not_read_the_rules(make_actor):
    assert _client(make_actor("manager", "police")).get("/pattern-rules/").status_code == 403


def test_a_change_is_a_new_version_the_earlier_kept_and_audited(admin, make_actor):
    client = _client(admin)
    data = _form(client)
    assert data["version"] == "0" and data["window_days"] == "183" and data["active"] == "yes"
    data |= {"min_score": "4", "window_days": "365", "weights": "ed_attendance: 0.25\npolice_welfare: 0.5"}
    response = client.post(f"/pattern-rules/{CODE}/change/", data)
    assert response.status_code == 302, _text(response)
    # the parameters of a rule in use: waiting for a second admin, the evaluator keeps version 1 (finding E)
    assert not PatternRule.objects.filter(code=CODE, version=2).exists()
    assert {r.code: r for r in rules_current()}[CODE].version == 1
    _approve_waiting(make_actor("partnership_admin", "mash"))
    # the shipped set stored as version 1 (so every other rule is still evaluated), the change as version 2
    assert PatternRule.objects.filter(version=1).count() == len(default_specs())
    old, new = PatternRule.objects.filter(code=CODE).order_by("version")
    assert (old.version, new.version) == (1, 2)
    assert old.definition["min_score"] == 3 and new.definition["min_score"] == 4
    assert new.definition["weights"] == {"ed_attendance": 0.25, "police_welfare": 0.5}
    assert new.created_by == admin.user
    saved = AuditEvent.objects.get(action="pattern_rule.save", object_id=str(new.pk))
    assert saved.detail["version"] == 2 and "Score to reach" in saved.detail["changed"]
    evaluated = {r.code: r for r in rules_current()}
    assert evaluated[CODE].version == 2 and len(evaluated) == len([s for s in default_specs() if s.active])
    page = _text(client.get(f"/pattern-rules/{CODE}/"))
    assert page.count('data-testid="rule-version-row"') == 2
    assert admin.user.username in page or admin.user.get_full_name() in page
    assert "Score to reach, Time window, in days, Weights" in page or "Time window" in page


def test_saving_with_nothing_changed_writes_no_version(admin):
    client = _client(admin)
    rules_load(default_specs(), actor=admin)
    data = _form(client)
    assert data["version"] == "1"
    response = client.post(f"/pattern-rules/{CODE}/change/", data)
    assert response.status_code == 302
    assert PatternRule.objects.filter(code=CODE).count() == 1


def test_switching_a_rule_off_keeps_it_but_leaves_it_out_of_evaluation(admin, make_actor):
    client = _client(admin)
    data = _form(client, "repeat_contacts") | {"active": "no"}
    assert client.post("/pattern-rules/repeat_contacts/change/", data).status_code == 302
    assert "repeat_contacts" in {r.code for r in rules_current()}  # waiting for a second admin (finding E)
    _approve_waiting(make_actor("partnership_admin", "mash"), "repeat_contacts")
    assert "repeat_contacts" not in {r.code for r in rules_current()}
    assert "Not in use" in _text(client.get("/pattern-rules/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("window_days", "six months", "Time window, in days must be a whole number"),
        ("window_days", "-3", "Time window, in days must be 0 or more"),
        ("min_score", "", "Enter the score to reach"),
        ("weights", "ed_attendance half", "Line 1 of the weights"),
        ("title", "", "Enter the rule&#x27;s title"),
        # the rules file's own checks (patterns.rules.rules_from_text), put on the field they concern
        ("weights", "not_an_indicator: 2", "Weights: “not_an_indicator” is not an indicator code: use the codes"),
        ("household_indicators", "domestic_abuse, made_up_code", "“made_up_code” is not an indicator code"),
    ],
)
def test_a_bad_value_shows_the_error_summary_and_the_field_message(admin, field, value, message):
    client = _client(admin)
    data = _form(client) | {field: value}
    response = client.post(f"/pattern-rules/{CODE}/change/", data)
    assert response.status_code == 200
    html = _text(response)
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert message in html
    assert f'id="id_{field}_error"' in html  # the message is on its field, not only in the summary
    assert not PatternRule.objects.exists()


def test_the_service_refuses_what_the_rules_file_refuses(admin):
    from openmash.core.exceptions import ValidationFailed
    from openmash.patterns.rule_editing import rule_change

    with pytest.raises(ValidationFailed) as caught:
        rule_change(actor=admin, code=CODE, expected_version=0, changes={"window_days": "183"})
    assert "window_days" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        rule_change(actor=admin, code=CODE, expected_version=0, changes={"weights": {"injury": "heavy"}})
    assert "weights" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:  # attacker review: a weight past any score made one event enough
        rule_change(actor=admin, code=CODE, expected_version=0, changes={"weights": {"injury": 1e308}})
    assert caught.value.errors["weights"] == ["Weights: “injury” must be between 0 and 10"]
    assert not PatternRule.objects.exists()  # a refused change stores nothing, not even the shipped set


def test_two_editors_at_once_the_second_gets_a_conflict_not_an_overwrite(admin, make_actor):
    first, second = _client(admin), _client(make_actor("partnership_admin", "police"))
    # a rule not in use, so a title applies at once (on an active rule any change waits for a second admin: see the
    # dual control tests)
    rules_load(default_specs(), actor=admin)
    shipped = PatternRule.objects.get(code=CODE)
    shipped.pk, shipped.version, shipped.active = None, 2, False
    shipped.save()
    first_form, second_form = _form(first), _form(second)
    assert first.post(f"/pattern-rules/{CODE}/change/", first_form | {"title": "First title"}).status_code == 302
    response = second.post(f"/pattern-rules/{CODE}/change/", second_form | {"title": "Second title"})
    assert response.status_code == 409
    assert "This rule was changed since you opened it" in _text(response)
    latest = PatternRule.objects.filter(code=CODE).order_by("-version").first()
    assert latest.version == 3 and latest.title == "First title"
    # opened again, the second editor's change is saved on top of the first
    again = _form(second) | {"title": "Second title"}
    assert again["version"] == "3"
    assert second.post(f"/pattern-rules/{CODE}/change/", again).status_code == 302
    assert PatternRule.objects.filter(code=CODE).order_by("-version").first().title == "Second title"


def _command_load(path, actor, monkeypatch) -> int:
    """`openmash flags rules load FILE --by U` as the admin, who proves it is them (ADR 0019 addendum). Out: the
    exit status (0 applied, 3 a change waits for a second admin)."""
    argv, stdin = cli_proof(actor.user.username)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        call_command("flags_rules", "load", str(path), "--by", actor.user.username, *argv)
    except SystemExit as exc:
        return exc.code
    return 0


def test_the_downloaded_file_loads_back_with_the_command_unchanged(admin, make_actor, tmp_path, monkeypatch):
    client = _client(admin)
    second = make_actor("partnership_admin", "mash")
    data = _form(client) | {"min_score": "3.5", "exclude": "contact, pregnancy, new_partner"}
    assert client.post(f"/pattern-rules/{CODE}/change/", data).status_code == 302
    _approve_waiting(second)
    body = client.get("/pattern-rules.yaml").content.decode()
    specs = rules_from_text(body)
    edited = next(s for s in specs if s.code == CODE)
    assert edited.definition["min_score"] == 3.5 and "new_partner" in edited.definition["exclude"]
    path = tmp_path / "rules.yaml"
    path.write_text(body, encoding="utf-8")
    before = PatternRule.objects.count()
    assert _command_load(path, admin, monkeypatch) == 0
    assert PatternRule.objects.count() == before  # every rule unchanged: no new version
    # into an empty database the shipped rules are what is evaluated: the file's change to an active rule waits for
    # a second admin like any other, and once approved the file gives the same rules to evaluate
    PatternRule.objects.all().delete()
    assert _command_load(path, admin, monkeypatch) == 3
    assert {r.code: r.definition for r in rules_current()}[CODE] != edited.definition
    _approve_waiting(second)
    assert {r.code: r.definition for r in rules_current()}[CODE] == edited.definition


@pytest.mark.parametrize(
    ("role", "agency", "shown", "hidden"),
    [
        ("screener", "mash", ["Flags", "Watch list"], ["Pattern rules", "Flags by group"]),
        ("manager", "mash", ["Flags", "Watch list", "Pattern rules", "Flags by group"], []),
        ("partnership_admin", "mash", ["Pattern rules", "Flags by group"], ["Watch list", ">Flags<"]),
        ("auditor", "mash", ["Flags by group"], ["Pattern rules", "Watch list"]),
        ("referrer", "police", [], ["Pattern rules", "Watch list", "Flags by group"]),
    ],
)
def test_the_service_navigation_shows_each_role_its_pattern_pages(make_actor, role, agency, shown, hidden):
    html = _client(make_actor(role, agency)).get("/account/").content.decode()
    nav = html[html.index("govuk-service-navigation__list") :]
    nav = nav[: nav.index("</ul>")]
    nav = re.sub(r"\s+", " ", nav)
    for label in shown:
        assert label in nav, label
    for label in hidden:
        assert label not in nav, label


def test_a_save_racing_past_the_version_check_is_a_conflict_too(admin, monkeypatch):
    """Two saves that both read version 1: the database's unique (code, version) refuses the second one's row,
    and the editor is told, never silently overwritten."""
    from openmash.core.exceptions import Conflict
    from openmash.patterns import rule_editing

    rules_load(default_specs(), actor=admin)
    # a rule not in use, so the title is written at once (on an active rule it would wait for a second admin)
    PatternRule.objects.filter(code=CODE, version=1).update(active=False)
    real_checked = rule_editing._checked

    def other_editor_saves_meanwhile(item):
        spec = real_checked(item)
        current = PatternRule.objects.get(code=CODE, version=1)
        PatternRule.objects.create(
            code=CODE,
            version=2,
            rule_type=current.rule_type,
            title=current.title,
            description=current.description,
            definition=current.definition | {"min_score": 9},  # the other editor's version 2
        )
        return spec

    monkeypatch.setattr(rule_editing, "_checked", other_editor_saves_meanwhile)
    with pytest.raises(Conflict):
        rule_editing.rule_change(actor=admin, code=CODE, expected_version=1, changes={"title": "Raced"})
    assert not AuditEvent.objects.filter(action="pattern_rule.save", detail__version=3).exists()


@pytest.mark.parametrize(
    ("rule_type", "definition", "message"),
    [
        ("combination", {"min_agencies": 0, "window_days": 183}, "min_agencies must be at least 2"),
        ("same_concern", {"min_agencies": 1, "window_days": 183}, "min_agencies must be at least 2"),
        ("combination", {"min_agencies": 2, "window_days": 0}, "window_days must be at least 1"),
        ("repeat_contacts", {"min_count": 0, "window_days": 365}, "min_count must be at least 1"),
        ("combination", {"min_agencies": 2, "window_days": 99999}, "window_days must be at most"),
        (
            "combination",
            {"min_agencies": 2, "window_days": 90, "weights": {"ed_attendance": 1e308}},
            "weights: “ed_attendance” must be between 0 and 10",
        ),
        (
            "combination",
            {"min_agencies": 2, "window_days": 90, "weights": {"ed_attendance": float("nan")}},
            "weights: “ed_attendance” must be a number",
        ),
        (
            "combination",
            {"min_agencies": 2, "window_days": 90, "default_weight": float("inf")},
            "default_weight must be a number",
        ),
        (
            "combination",
            {"min_agencies": 2, "window_days": 90, "weights": {"ed_attendance": -1}},
            "must be between 0 and 10",
        ),
        ("combination", {"min_agencies": 2, "window_days": 90, "min_score": 0}, "min_score must be more than 0"),
    ],
)
def test_values_that_would_defeat_a_rule_are_refused(rule_type, definition, message):
    """Practitioner review: a cross-agency rule saved with 'Fewest agencies' 0 became a one-agency rule, and a
    window of 0 days was accepted. The one check (engine.rule_check) serves the file loader and the page."""
    from openmash.patterns.engine import rule_check

    assert message in (rule_check(rule_type, definition) or "")
    assert rule_check("age", {"min_agencies": 1, "max_age_days": 200}) is None  # one agency is fine for an age rule
