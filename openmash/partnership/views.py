"""The partnership admin's settings page: RAG timescales, hub hours, bank holidays, thresholds, outcomes."""

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openmash.access.policy import require, setting_change_decidable
from openmash.access.sharing import outside_agreement_mode, sealed_role_choices, sealed_roles
from openmash.accounts.stepup import stepup_required
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.core.views import actor_required
from openmash.partnership import selectors, services, setting_changes
from openmash.partnership.forms import (
    AgencyAccessForm,
    AgencyLeadForm,
    BankHolidayForm,
    ImmediateRiskEnquiryForm,
    ImmediateRiskForm,
    IntakeForm,
    MatchingThresholdsForm,
    OutcomeRulesForm,
    OutsideAgreementForm,
    RagTimescalesForm,
    SealedRolesForm,
    ThresholdsForm,
    WorkingHoursForm,
)
from openmash.partnership.models import SettingChange
from openmash.sharing import agreements
from openmash.sharing import services as sharing_services

#: What the page says when a change waits for a second partnership admin (ADR 0019 addendum).
WAITING_MESSAGE = (
    "Saved as a change waiting for another partnership admin to approve. Until then the current setting applies."
)


def _forms(data=None, which=None):
    levels = selectors.rag_levels_list()
    s = selectors.partnership_settings_get()
    return {
        "rag_form": RagTimescalesForm(data if which == "rag" else None, levels=levels),
        "hours_form": WorkingHoursForm(
            data if which == "hours" else None,
            initial={
                "day_start": s.day_start.strftime("%H:%M"),
                "day_end": s.day_end.strftime("%H:%M"),
                "weekdays": s.working_weekdays,
            },
        ),
        "holiday_form": BankHolidayForm(data if which == "holiday" else None),
        "intake_form": IntakeForm(
            data if which == "intake" else None, initial={"late_contact_days": s.late_contact_days}
        ),
        "immediate_form": ImmediateRiskForm(
            data if which == "immediate" else None,
            initial={"immediate_risk_screening_minutes": s.immediate_risk_screening_minutes},
        ),
        "immediate_enquiry_form": ImmediateRiskEnquiryForm(
            data if which == "immediate_enquiry" else None,
            initial={
                "immediate_risk_enquiry_hours": s.immediate_risk_enquiry_hours,
                "immediate_risk_agency_lead_minutes": s.immediate_risk_agency_lead_minutes,
            },
        ),
        "lead_form": AgencyLeadForm(
            data if which == "lead" else None, initial={"agency_lead_working_hours": s.agency_lead_working_hours}
        ),
        "access_form": AgencyAccessForm(
            data if which == "access" else None, initial={"agency_access_days": s.agency_access_days}
        ),
        "sealed_form": SealedRolesForm(
            data if which == "sealed" else None,
            choices=sealed_role_choices(),
            initial={"sealed_roles": sorted(sealed_roles())},
        ),
        "agreement_form": OutsideAgreementForm(
            data if which == "agreement" else None, initial={"outside_agreement": outside_agreement_mode()}
        ),
        "rules_form": OutcomeRulesForm(
            data if which == "rules" else None,
            outcomes=selectors.outcome_codes_list(active_only=False),
            levels=selectors.threshold_levels_list(),
        ),
        "matching_form": MatchingThresholdsForm(
            data if which == "matching" else None,
            initial={
                "link_upper_threshold": round(s.link_upper_threshold * 100),
                "link_lower_threshold": round(s.link_lower_threshold * 100),
            },
        ),
        "thresholds_form": ThresholdsForm(
            data if which == "thresholds" else None, levels=selectors.threshold_levels_list()
        ),
    }


# The settings saved from one form's cleaned data by one service: form posted -> (form, save, message when saved).
# A service that returns a SettingChange (a widening: sealed roles, the agreement rule, the access window, the
# matching thresholds; a relaxing: the immediate-risk screening and enquiry timescales, a shorter agency answer lead)
# saved nothing yet: the page says the change waits for a second admin (ADR 0019 addendum).
_SIMPLE = {
    "intake": (
        "intake_form",
        lambda actor, cd: services.late_contact_days_update(actor=actor, days=cd["late_contact_days"]),
        "Late recording window saved.",
    ),
    "immediate": (
        "immediate_form",
        lambda actor, cd: services.immediate_risk_screening_update(
            actor=actor, minutes=cd["immediate_risk_screening_minutes"]
        ),
        "Screening time for immediate risk saved. Contacts recorded from now on use it.",
    ),
    "immediate_enquiry": (
        "immediate_enquiry_form",
        lambda actor, cd: services.immediate_risk_enquiry_update(
            actor=actor,
            enquiry_hours=cd["immediate_risk_enquiry_hours"],
            agency_lead_minutes=cd["immediate_risk_agency_lead_minutes"],
        ),
        "Immediate risk timescales saved. Enquiries rated and requests sent from now on use them.",
    ),
    "lead": (
        "lead_form",
        lambda actor, cd: services.agency_lead_update(actor=actor, hours=cd["agency_lead_working_hours"]),
        "Agency answer times saved. Requests sent from now on use them.",
    ),
    "sealed": (
        "sealed_form",
        lambda actor, cd: sharing_services.sealed_roles_update(actor=actor, roles=cd["sealed_roles"]),
        "Sealed item roles saved. They apply at once.",
    ),
    "agreement": (
        "agreement_form",
        lambda actor, cd: agreements.outside_agreement_update(actor=actor, mode=cd["outside_agreement"]),
        "Saved what happens outside an information-sharing agreement. It applies at once.",
    ),
    "access": (
        "access_form",
        lambda actor, cd: services.agency_access_days_update(actor=actor, days=cd["agency_access_days"]),
        "Agency access window saved. It applies to every request from now on.",
    ),
    "matching": (
        "matching_form",
        lambda actor, cd: services.link_thresholds_update(
            actor=actor, lower=cd["link_lower_threshold"] / 100, upper=cd["link_upper_threshold"] / 100
        ),
        "Matching thresholds saved. Records scored from now on use them.",
    ),
}


def _approval_stepup(request):
    """Approving a waiting SettingChange on the page asks the approver to step up, as the API does (ASVS 5.0 7.5.3;
    ADR 0019 addendum): the same accounts.stepup check and window (OPENMASH_STEPUP_SECONDS) as
    ``POST /api/v1/setting-changes/{id}/approval`` (stepup_for_api). In: the POST. Out: None when the decision may
    go ahead (a refusal, which applies nothing; a fresh step-up; a change not decidable by this admin, which
    setting_change_decide answers NotFound), else the redirect to the step-up page (password and app code, a
    security key, or single sign-on; GOV.UK error summary on a wrong one; audited `stepup` / `stepup_failed`),
    which sends them back to the waiting changes to approve again. Nothing is approved without it."""
    if request.POST.get("decision") != "approve":
        return None
    try:
        change = SettingChange.objects.filter(pk=request.POST.get("change")).first()
    except (ValueError, DjangoValidationError):
        change = None
    if change is None or not setting_change_decidable(request.actor, change):
        return None
    gate = stepup_required(request, next_url=f"{reverse('partnership:settings')}#waiting-changes")
    if gate is not None:
        messages.info(request, f"Confirm it is you to approve change {change.reference}, then approve it again.")
    return gate


def _decide_change(request) -> str:
    """A second partnership admin approves (after _approval_stepup) or rejects a waiting SettingChange (ADR 0019
    addendum)."""
    approve = request.POST.get("decision") == "approve"
    setting_changes.setting_change_decide(
        actor=request.actor, change_id=request.POST.get("change"), approve=approve, detail={"via": "web"}
    )
    return "Change approved: it applies now." if approve else "Change rejected."


def _apply(request, which, forms):
    actor = request.actor
    if which == "rag" and forms["rag_form"].is_valid():
        hours = {k.removeprefix("rag_"): v for k, v in forms["rag_form"].cleaned_data.items()}
        result = services.rag_levels_update(actor=actor, hours=hours)  # longer waits (ADR 0019 addendum)
        return (
            WAITING_MESSAGE
            if isinstance(result, SettingChange)
            else "RAG timescales saved. New ratings use them from now on."
        )
    if which == "hours" and forms["hours_form"].is_valid():
        cd = forms["hours_form"].cleaned_data
        services.working_hours_update(
            actor=actor, day_start=cd["day_start"], day_end=cd["day_end"], weekdays=cd["weekdays"]
        )
        return "Hub working hours saved."
    if which in _SIMPLE:
        form_name, save, saved = _SIMPLE[which]
        if forms[form_name].is_valid():
            result = save(actor, forms[form_name].cleaned_data)
            return WAITING_MESSAGE if isinstance(result, SettingChange) else saved
        return None
    if which == "rules" and forms["rules_form"].is_valid():
        result = services.outcome_rules_update(actor=actor, rules=forms["rules_form"].rules())
        if isinstance(result, SettingChange):  # a rule relaxed: waits for a second admin (ADR 0019 addendum)
            return WAITING_MESSAGE
        return "Outcome rules saved. Decisions from now on follow them."
    if which == "holiday" and forms["holiday_form"].is_valid():
        cd = forms["holiday_form"].cleaned_data
        services.bank_holiday_add(actor=actor, date=cd["date"], name=cd["name"])
        return "Holiday added."
    if which == "thresholds" and forms["thresholds_form"].is_valid():
        cd = forms["thresholds_form"].cleaned_data
        result = services.threshold_levels_update(  # all levels together; new words wait (ADR 0019 addendum)
            actor=actor,
            levels={
                t.level: (cd[f"threshold_{t.level}"], cd[f"threshold_{t.level}_description"])
                for t in selectors.threshold_levels_list()
            },
        )
        return WAITING_MESSAGE if isinstance(result, SettingChange) else "Threshold levels saved."
    if which == "holiday_remove":
        services.bank_holiday_remove(actor=actor, holiday_id=request.POST.get("holiday_id"))
        return "Holiday removed."
    if which == "outcome":
        result = services.outcome_code_set_active(  # switching off waits (ADR 0019 addendum)
            actor=actor, code=request.POST.get("code", ""), active=request.POST.get("active") == "1"
        )
        return WAITING_MESSAGE if isinstance(result, SettingChange) else "Outcome updated."
    return None


@require_http_methods(["GET", "POST"])
@actor_required
def partnership_settings(request):
    require(request.actor, "partnership.configure")
    which = request.POST.get("form") if request.method == "POST" else None
    forms = _forms(request.POST if which else None, which)
    if which == "setting_change":
        gate = _approval_stepup(request)  # approving needs a fresh step-up, as in the API
        if gate is not None:
            return gate
    if which:
        form = forms.get(f"{which}_form")
        try:
            done = _decide_change(request) if which == "setting_change" else _apply(request, which, forms)
        except (Conflict, NotFound) as exc:  # a change no longer waiting, or the setting changed since it was asked
            messages.error(request, exc.message)
            return redirect("partnership:settings")
        except ValidationFailed as exc:
            done = None
            for field, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error(field if form and field in form.fields else None, msg)
        if done:
            messages.success(request, done)
            return redirect("partnership:settings")
    context = {
        **forms,
        "settings": selectors.partnership_settings_get(),
        "outcomes": selectors.outcome_codes_list(active_only=False),
        "holidays": selectors.bank_holidays_upcoming(),
        # changes waiting for a second admin (sealed roles, the agreement rule, pattern rules, the access window,
        # the matching thresholds, information-sharing agreements): ADR 0019 addendum
        "setting_changes": [
            {"change": c, "decidable": setting_change_decidable(request.actor, c)}
            for c in setting_changes.setting_changes_pending()
        ],
        "form": next((f for f in forms.values() if f.is_bound and f.errors), None),
        "nav_active": "partnership",
    }
    return render(request, "partnership/settings.html", context)
