"""The partnership admin's information-sharing agreement pages (issue 7, ADR 0016): the list (the hub and the
privacy officer read it too), add, change (with the version read: someone else's change in between is reported,
never overwritten) and end. Writes through openmash.sharing.agreements; who may do what from openmash.access."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.sharing import agreements_manage_allowed
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.views import actor_required
from openmash.sharing import agreements
from openmash.sharing.agreement_forms import AgreementEndForm, AgreementForm
from openmash.sharing.choices import AgreementStatus
from openmash.web.forms import apply_service_errors


def _saved(result, done: str) -> str:
    """The message after a save: `done`, or, when the change widens what agreements cover and waits for a second
    partnership admin (a partnership.SettingChange; ADR 0019 addendum), that it waits and where it is decided."""
    from openmash.partnership.models import SettingChange

    if isinstance(result, SettingChange):
        return (
            f"Saved as change {result.reference}, waiting for another partnership admin to approve it in "
            "Partnership settings. Until then the agreements as they are apply."
        )
    return done


def _waiting_changes(actor) -> list:
    """The agreement changes waiting for a second partnership admin, for the partnership admin; [] for anyone else."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_changes_pending

    if not agreements_manage_allowed(actor):
        return []
    return setting_changes_pending([SettingChange.Kind.SHARING_AGREEMENT])


def _manage(actor) -> None:
    if not agreements_manage_allowed(actor):
        raise PermissionDenied("You do not have permission to do that.")


@require_safe
@actor_required
def agreements_list(request):
    actor = request.actor
    rows = [agreements.agreement_out(a) for a in agreements.agreements_list(actor=actor)]
    return render(
        request,
        "sharing/agreements/list.html",
        {
            "agreements": rows,
            "can_manage": agreements_manage_allowed(actor),
            # agreements recorded or widened, waiting for a second partnership admin (ADR 0019 addendum)
            "waiting": _waiting_changes(actor),
            "nav_active": "agreements",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def agreement_new(request):
    actor = request.actor
    _manage(actor)
    form = AgreementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            a = agreements.agreement_create(actor=actor, data=form.service_data())
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _saved(a, f"Agreement '{form.cleaned_data['title']}' recorded."))
            return redirect("partnership:agreements")
    return render(
        request, "sharing/agreements/form.html", {"form": form, "agreement": None, "nav_active": "agreements"}
    )


@require_http_methods(["GET", "POST"])
@actor_required
def agreement_edit(request, agreement_id):
    actor = request.actor
    _manage(actor)
    a = agreements.agreement_get(actor=actor, agreement_id=agreement_id)
    if a.status == AgreementStatus.ENDED:
        raise Conflict("This agreement has ended and cannot be changed. Record a new one.")
    initial = {
        "title": a.title,
        "parties": [p.code for p in a.parties.all()],
        "categories": a.categories,
        "lawful_bases": a.lawful_bases,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "document_reference": a.document_reference,
        "status": a.status,
        "version": a.version,
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            a = agreements.agreement_update(
                actor=actor,
                agreement_id=a.pk,
                version=form.cleaned_data.get("version") or 0,
                data=form.service_data(),
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _saved(a, f"Agreement '{form.cleaned_data['title']}' saved."))
            return redirect("partnership:agreements")
    return render(request, "sharing/agreements/form.html", {"form": form, "agreement": a, "nav_active": "agreements"})


@require_http_methods(["GET", "POST"])
@actor_required
def agreement_end(request, agreement_id):
    actor = request.actor
    _manage(actor)
    a = agreements.agreement_get(actor=actor, agreement_id=agreement_id)
    form = AgreementEndForm(request.POST if request.method == "POST" else None, initial={"version": a.version})
    if request.method == "POST" and form.is_valid():
        try:
            a = agreements.agreement_end(
                actor=actor,
                agreement_id=a.pk,
                version=form.cleaned_data["version"],
                ends_on=form.cleaned_data.get("ends_on"),
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Agreement '{a.title}' ended.")
            return redirect("partnership:agreements")
    return render(request, "sharing/agreements/end.html", {"form": form, "agreement": a, "nav_active": "agreements"})
