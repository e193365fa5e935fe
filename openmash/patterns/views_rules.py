"""The partnership's pattern rules in the browser (issue 8; ADR 0015; ``patterns.rule_editing``): the list, one rule
(plain-English description, type, parameters, version history), the change form (GOV.UK error summary with the
rules file's checks; a stale version is a conflict, 409) and the rules file to download. Reading: the partnership
admin and the hub's managers (``flag.rules_view``); changing: the partnership admin (``flag.rules``). Anyone else
gets 403. No personal data on these pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.policy import can, require
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.patterns import rule_editing
from openmash.patterns.forms import PatternRuleForm
from openmash.web.forms import apply_service_errors


@require_safe
@actor_required
def rule_list(request):
    """Every rule's current version: title, type, version, in use or not, when and by whom it was last saved."""
    rules = rule_editing.rules_overview(actor=request.actor)
    ctx = {"rules": rules, "can_change": can(request.actor, "flag.rules"), "nav_active": "rules"}
    return render(request, "patterns/rule_list.html", ctx)


@require_safe
@actor_required
def rule_detail(request, rule_code):
    """One rule: what it notices, its type, its parameters and every version (who saved it, when, what changed)."""
    rule = rule_editing.rule_get(actor=request.actor, code=rule_code)
    ctx = {"rule": rule, "can_change": can(request.actor, "flag.rules"), "nav_active": "rules"}
    return render(request, "patterns/rule_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def rule_change(request, rule_code):
    """Change a rule's title, description, whether it is in use and its parameters: a new version on save. The page
    lists every indicator code a rule may name with its label; an unknown code is refused naming it."""
    actor = request.actor
    require(actor, "flag.rules")
    rule = rule_editing.rule_get(actor=actor, code=rule_code)
    status = 200
    if request.method == "POST":
        form = PatternRuleForm(request.POST, rule=rule)
        if form.is_valid():
            try:
                saved, changed = rule_editing.rule_change(
                    actor=actor,
                    code=rule.code,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except Conflict as exc:
                apply_service_errors(form, exc)
                status = 409
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                if changed == rule_editing.PENDING:
                    messages.success(
                        request,
                        "Switching a rule off or changing its parameters needs another partnership admin's approval "
                        "(on the partnership settings page). Until then the rule works as it did.",
                    )
                elif changed:
                    messages.success(request, f"Rule saved as version {saved.version}. The earlier version is kept.")
                else:
                    messages.success(request, "Nothing was changed: no new version was saved.")
                return redirect("patterns:rule_detail", rule_code=rule.code)
        else:
            status = 200
    else:
        form = PatternRuleForm(rule=rule)
    ctx = {
        "rule": rule,
        "form": form,
        "indicator_codes": rule_editing.indicator_choices(),
        "codes_anchor": rule_editing.CODES_ANCHOR,
        "nav_active": "rules",
    }
    return render(request, "patterns/rule_change.html", ctx, status=status)


@require_safe
@actor_required
def rules_download(request):
    """The current rules as a YAML file, the format ``openmash flags rules load`` reads."""
    text = rule_editing.rules_file(actor=request.actor)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pattern-rules.yaml"'
    return response
